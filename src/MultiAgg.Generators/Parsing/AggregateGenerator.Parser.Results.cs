using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using MultiAgg.Generators.Diagnostics;
using MultiAgg.Generators.Specs;

namespace MultiAgg.Generators;

public sealed partial class AggregateGenerator
{
    /// <summary>The return type: how many result slots it has and of which types.</summary>
    internal sealed partial class Parser
    {
        // ---- The result ----------------------------------------------------------------------------

        private sealed record ResultSlot(ITypeSymbol Type, SyntaxNode? Syntax, string Name);

        /// <param name="resultSyntax">Where <paramref name="resultType"/> is written: a method's return type (unwrapped from its task), an accumulator type's <c>TResult</c>.</param>
        private List<ResultSlot>? ParseResultSlots(ITypeSymbol resultType, int count, out ResultSpec? spec, TypeSyntax resultSyntax)
        {
            spec = null;
            var declaration = _declaration!;
            if (resultType.SpecialType == SpecialType.System_Void)
            {
                Report(DiagnosticDescriptors.ResultShapeMismatch, resultSyntax.GetLocation(), declaration.Description, count.ToString(), "void", "holds no value");
                return null;
            }

            if (count == 1)
            {
                spec = new ResultSpec(ResultKind.Single, null);
                return new List<ResultSlot> { new(resultType, resultSyntax, "The result") };
            }

            if (resultType is INamedTypeSymbol { IsTupleType: true } tuple)
            {
                var elements = tuple.TupleElements;
                if (elements.Length != count)
                {
                    Report(DiagnosticDescriptors.ResultShapeMismatch, resultSyntax.GetLocation(), declaration.Description, count.ToString(), Display(resultType), $"holds {elements.Length} values");
                    return null;
                }

                var elementSyntax = resultSyntax is TupleTypeSyntax tupleSyntax && tupleSyntax.Elements.Count == count ? tupleSyntax.Elements : default;
                spec = new ResultSpec(ResultKind.Tuple, null);
                return elements.Select((e, i) => new ResultSlot(
                    e.Type,
                    elementSyntax.Count == count ? elementSyntax[i] : resultSyntax,
                    e.IsExplicitlyNamedTupleElement ? $"Result '{e.Name}'" : $"Result {i + 1}")).ToList();
            }

            // Tuple<...> and ValueTuple<...> of 8 hold their eighth value onwards in a tuple: with any other last type argument
            // their constructor throws (a ValueTuple<..., TRest> whose TRest is a tuple is a tuple type, above).
            if (resultType is INamedTypeSymbol { Arity: 8, Name: "Tuple" or "ValueTuple" } octuple && IsInSystem(octuple)
                && !(octuple.TypeArguments[7] is INamedTypeSymbol rest && rest.Name == octuple.Name && IsInSystem(rest)))
            {
                Report(DiagnosticDescriptors.ResultShapeMismatch, resultSyntax.GetLocation(), declaration.Description, count.ToString(), Display(resultType),
                    $"is a {octuple.Name} whose last type argument '{Display(octuple.TypeArguments[7])}' is not the tuple of the values after the seventh, so its constructor would throw; write the tuple as (T1, ..., T{count})");
                return null;
            }

            if (resultType is INamedTypeSymbol { TypeKind: TypeKind.Class or TypeKind.Struct } named && !named.IsAbstract)
            {
                // `new T(...)` with the results as plain arguments: no ref or out parameter, and accessible through T
                // itself (a base type's protected constructor is not).
                var constructors = named.InstanceConstructors
                    .Where(c => c.Parameters.Length == count
                        && c.Parameters.All(static p => p.RefKind is RefKind.None or RefKind.In)
                        && _compilation.IsSymbolAccessibleWithin(c, declaration.Owner, throughType: named))
                    .ToList();
                if (constructors.Count == 1 && RequiredMembersLeftBy(named, constructors[0]) is { } required)
                {
                    Report(DiagnosticDescriptors.ResultShapeMismatch, resultSyntax.GetLocation(), declaration.Description, count.ToString(), Display(resultType),
                        $"has required members its constructor does not set ({required}); mark the constructor [SetsRequiredMembers], or return a tuple");
                    return null;
                }

                // The generated code calls it where the user's never does: C# would refuse it there (CS0619).
                if (constructors.Count == 1 && ForbiddenObsoleteError(constructors[0]) is { } obsolete)
                {
                    Report(DiagnosticDescriptors.ResultShapeMismatch, resultSyntax.GetLocation(), declaration.Description, count.ToString(), Display(resultType),
                        $"has its constructor taking {count} values [Obsolete] as an error{obsolete}, which the generated code would call; return a tuple");
                    return null;
                }

                if (constructors.Count == 1)
                {
                    spec = new ResultSpec(ResultKind.Constructor, Type(named.WithNullableAnnotation(NullableAnnotation.NotAnnotated)));
                    return constructors[0].Parameters.Select(p => new ResultSlot(p.Type, resultSyntax, $"Result '{p.Name}'")).ToList();
                }

                var why = constructors.Count == 0
                    ? $"is neither a tuple nor a type with an accessible constructor taking {count} values (not by ref or out)"
                    : $"has {constructors.Count} accessible constructors taking {count} values, so the order of the results is ambiguous";
                Report(DiagnosticDescriptors.ResultShapeMismatch, resultSyntax.GetLocation(), declaration.Description, count.ToString(), Display(resultType), why);
                return null;
            }

            Report(DiagnosticDescriptors.ResultShapeMismatch, resultSyntax.GetLocation(), declaration.Description, count.ToString(), Display(resultType),
                $"is neither a tuple nor a type with a constructor taking {count} values");
            return null;
        }

        private static bool IsInSystem(INamedTypeSymbol type) =>
            type is { ContainingType: null, ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } };

        private static TypeSyntax UnwrapAwaitedSyntax(TypeSyntax returnType) => returnType switch
        {
            GenericNameSyntax { TypeArgumentList.Arguments.Count: 1 } g when g.Identifier.ValueText is "Task" or "ValueTask" => g.TypeArgumentList.Arguments[0],
            QualifiedNameSyntax { Right: GenericNameSyntax { TypeArgumentList.Arguments.Count: 1 } g } when g.Identifier.ValueText is "Task" or "ValueTask" => g.TypeArgumentList.Arguments[0],
            AliasQualifiedNameSyntax { Name: GenericNameSyntax { TypeArgumentList.Arguments.Count: 1 } g } when g.Identifier.ValueText is "Task" or "ValueTask" => g.TypeArgumentList.Arguments[0],
            _ => returnType,
        };
    }
}
