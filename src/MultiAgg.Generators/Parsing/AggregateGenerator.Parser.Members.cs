using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using MultiAgg.Generators.Diagnostics;
using MultiAgg.Generators.Model;

namespace MultiAgg.Generators;

public sealed partial class AggregateGenerator
{
    /// <summary>The attributes: aggregates, and the Of/Where names resolved to expressions.</summary>
    internal sealed partial class Parser
    {
        // ---- Attributes: aggregates, Of, Where -------------------------------------------------------

        private sealed record AttributeInput(string Description, ResolvedValue Value, string? Filter, bool AllowReordering, List<(AggregateKind Kind, SyntaxNode? Syntax)> Aggregates, ITypeSymbol? Accumulator = null);

        private sealed record ResolvedValue(ValueSpec Spec, ITypeSymbol Type, ITypeSymbol NonNullType, SyntaxNode? Syntax, string? OfText);

        /// <summary>
        /// An attribute that did not bind often names an aggregate the <c>using static MultiAgg.Agg</c> import cannot
        /// supply: a member of the containing type called <c>Count</c> hides it (the compiler then says CS1503 about a
        /// method group), or the import is missing (CS0103). Say what to write instead, at the name.
        /// </summary>
        private void ReportUnboundAggregateNames(ImmutableArray<AttributeData> attributes)
        {
            if (_knownTypes.Agg is not { } agg)
            {
                return;
            }

            foreach (var attribute in attributes.Where(static a => a.AttributeConstructor is null))
            {
                var arguments = AttributeSyntax(attribute)?.ArgumentList?.Arguments.Where(static a => a.NameEquals is null) ?? Enumerable.Empty<AttributeArgumentSyntax>();
                foreach (var name in arguments.Select(static a => a.Expression).OfType<IdentifierNameSyntax>())
                {
                    var text = name.Identifier.ValueText;
                    if (agg.GetMembers(text).FirstOrDefault() is not IFieldSymbol member)
                    {
                        continue;
                    }

                    var bound = _semanticModel.GetSymbolInfo(name, _cancellationToken);
                    if (SymbolEqualityComparer.Default.Equals(bound.Symbol, member))
                    {
                        continue;
                    }

                    var hidden = bound.Symbol ?? bound.CandidateSymbols.FirstOrDefault();
                    var why = hidden is null
                        ? "nothing named so is in scope (is 'using static MultiAgg.Agg;' missing?)"
                        : $"it binds to {hidden.Kind.ToString().ToLowerInvariant()} '{hidden.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat)}', which hides the 'using static MultiAgg.Agg' import";
                    Report(DiagnosticDescriptors.AggregateNameNotBound, name.GetLocation(), text, why);
                }
            }
        }

        private List<AttributeInput> ParseAttributes(ImmutableArray<AttributeData> attributes, ITypeSymbol elementType)
        {
            var groups = new List<AttributeInput>();
            foreach (var attribute in attributes.OrderBy(a => a.ApplicationSyntaxReference?.Span.Start ?? 0))
            {
                _cancellationToken.ThrowIfCancellationRequested();
                var attributeSyntax = AttributeSyntax(attribute);
                var positional = attributeSyntax?.ArgumentList?.Arguments.Where(static a => a.NameEquals is null).ToList() ?? new List<AttributeArgumentSyntax>();

                if (attribute.ConstructorArguments.Length != 1
                    || attribute.ConstructorArguments[0].Kind is not (TypedConstantKind.Array or TypedConstantKind.Type))
                {
                    // Only the params Agg[] and Type constructors exist; anything else did not bind.
                    continue;
                }

                var accumulator = attribute.ConstructorArguments[0].Kind == TypedConstantKind.Type
                    ? attribute.ConstructorArguments[0].Value as ITypeSymbol
                    : null;
                if (attribute.ConstructorArguments[0].Kind == TypedConstantKind.Type && accumulator is null)
                {
                    continue;   // typeof(null) or an error type: the compiler reports it
                }

                var values = accumulator is not null || attribute.ConstructorArguments[0].IsNull
                    ? ImmutableArray<TypedConstant>.Empty
                    : attribute.ConstructorArguments[0].Values;
                if (values.Length == 0 && accumulator is null)
                {
                    Report(DiagnosticDescriptors.NoAggregates, attributeSyntax?.GetLocation() ?? _syntax.Identifier.GetLocation());
                    continue;
                }

                var aggregates = new List<(AggregateKind, SyntaxNode?)>();
                if (accumulator is not null)
                {
                    aggregates.Add((AggregateKind.Custom, positional.Count == 1 ? positional[0] : attributeSyntax));
                }

                for (var i = 0; i < values.Length; i++)
                {
                    SyntaxNode? argumentSyntax = positional.Count == values.Length ? positional[i] : (SyntaxNode?)attributeSyntax;
                    if (values[i].Value is not int raw || !Enum.IsDefined(typeof(AggregateKind), raw) || raw == (int)AggregateKind.Custom)
                    {
                        Report(DiagnosticDescriptors.UnknownAggregate, argumentSyntax?.GetLocation(), values[i].Value?.ToString() ?? "null");
                        continue;
                    }

                    aggregates.Add(((AggregateKind)raw, argumentSyntax));
                }

                string? of = null, where = null;
                AttributeArgumentSyntax? ofSyntax = null, whereSyntax = null;
                var allowReordering = false;
                foreach (var named in attribute.NamedArguments)
                {
                    var argumentSyntax = attributeSyntax?.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == named.Key);
                    if (named.Key == "Of")
                    {
                        (of, ofSyntax) = (named.Value.Value as string, argumentSyntax);
                    }
                    else if (named.Key == "Where")
                    {
                        (where, whereSyntax) = (named.Value.Value as string, argumentSyntax);
                    }
                    else if (named.Key == "AllowReordering")
                    {
                        allowReordering = named.Value.Value is true;
                    }
                }

                var value = of is null
                    ? ElementValue(elementType)
                    : ResolveMember(of, elementType, (SyntaxNode?)ofSyntax?.Expression ?? attributeSyntax, isFilter: false);
                string? filter = null;
                if (where is not null)
                {
                    var predicate = ResolveMember(where, elementType, (SyntaxNode?)whereSyntax?.Expression ?? attributeSyntax, isFilter: true);
                    if (predicate is not null)
                    {
                        if (predicate.Type.SpecialType != SpecialType.System_Boolean)
                        {
                            Report(DiagnosticDescriptors.WhereMustBeBoolean, predicate.Syntax?.GetLocation(), where, Display(predicate.Type));
                        }
                        else
                        {
                            filter = predicate.Spec.Expression;
                        }
                    }
                }

                if (value is not null)
                {
                    groups.Add(new AttributeInput(Describe(aggregates, of, where, allowReordering, accumulator), value, filter, allowReordering, aggregates, accumulator));
                }
            }

            return groups;
        }

        private static string Describe(List<(AggregateKind Kind, SyntaxNode? Syntax)> aggregates, string? of, string? where, bool allowReordering, ITypeSymbol? accumulator)
        {
            var parts = accumulator is not null
                ? new List<string> { $"typeof({accumulator.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)})" }
                : aggregates.Select(static a => a.Kind.ToString()).ToList();
            if (of is not null)
            {
                parts.Add($"Of = \"{of}\"");
            }

            if (where is not null)
            {
                parts.Add($"Where = \"{where}\"");
            }

            if (allowReordering)
            {
                parts.Add("AllowReordering = true");
            }

            return "[Aggregate(" + string.Join(", ", parts) + ")]";
        }

        private ResolvedValue ElementValue(ITypeSymbol elementType) => Value("{0}", elementType, null, null);

        private ResolvedValue Value(string expression, ITypeSymbol type, SyntaxNode? syntax, string? text)
        {
            var (nulls, nonNull) = Nullability(type);

            return new ResolvedValue(new ValueSpec(expression, Type(type), nulls, Type(nonNull)), type, nonNull, syntax, text);
        }

        /// <summary>How values of <paramref name="type"/> can be null, and the type left once they are not.</summary>
        private static (NullKind Nulls, ITypeSymbol NonNull) Nullability(ITypeSymbol type) => type switch
        {
            INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable => (NullKind.NullableValueType, nullable.TypeArguments[0]),
            { IsValueType: true } => (NullKind.None, type),
            _ => (NullKind.Reference, type.WithNullableAnnotation(NullableAnnotation.NotAnnotated)),
        };

        /// <summary>
        /// Resolves an <c>Of</c>/<c>Where</c> name: a (dotted) member path of the element, or a method of
        /// the containing type taking the element first and further parameters matched by name.
        /// </summary>
        private ResolvedValue? ResolveMember(string text, ITypeSymbol elementType, SyntaxNode? syntax, bool isFilter)
        {
            var location = syntax?.GetLocation();
            var path = text.Split('.').Select(static s => s.Trim()).ToArray();
            if (path.Any(static s => s.Length == 0))
            {
                Report(DiagnosticDescriptors.UnknownMember, location, text, Display(elementType), Display(_method.ContainingType), " (the path has an empty segment)");
                return null;
            }

            var position = _syntax.SpanStart;
            var memberCandidates = InstanceMembers(elementType, path[0], position);
            var methodCandidates = path.Length == 1 ? ContainingTypeMethods(path[0], elementType, position) : new List<IMethodSymbol>();

            if (memberCandidates.Count + methodCandidates.Count > 1)
            {
                var described = memberCandidates.Concat(methodCandidates)
                    .Select(static s => s.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat));
                Report(DiagnosticDescriptors.AmbiguousMember, location, text, string.Join(" and ", described));
                return null;
            }

            if (methodCandidates.Count == 1)
            {
                var method = methodCandidates[0];
                var receiver = method.IsStatic ? Type(method.ContainingType) : "this";
                var arguments = new List<string> { NonNullArgument("{0}", elementType, method.Parameters[0].Type) };
                foreach (var parameter in method.Parameters.Skip(1))
                {
                    var match = _method.Parameters.Skip(1).First(p => p.Name == parameter.Name);
                    arguments.Add(NonNullArgument(Identifier(match.Name), match.Type, parameter.Type));
                }

                return Value($"{receiver}.{Identifier(method.Name)}({string.Join(", ", arguments)})", method.ReturnType, syntax, text);
            }

            if (memberCandidates.Count == 0)
            {
                var hint = path.Length > 1 ? "" : ContainingTypeMethodHint(path[0]);
                Report(DiagnosticDescriptors.UnknownMember, location, text, Display(elementType), Display(_method.ContainingType), hint);
                return null;
            }

            // Walk the dotted path member by member. A nullable receiver gets '!': the user asked for
            // x.A.B, which throws on null exactly like the lambda x => x.A.B would.
            var expression = "{0}";
            var current = elementType;
            for (var i = 0; i < path.Length; i++)
            {
                var members = i == 0 ? memberCandidates : InstanceMembers(current, path[i], position);
                if (members.Count != 1)
                {
                    var kind = members.Count == 0 ? DiagnosticDescriptors.UnknownMember : DiagnosticDescriptors.AmbiguousMember;
                    if (members.Count == 0)
                    {
                        Report(kind, location, text, Display(current), Display(_method.ContainingType), $" ('{path[i]}' is not an accessible member of '{Display(current)}')");
                    }
                    else
                    {
                        Report(kind, location, text, string.Join(" and ", members.Select(static m => m.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat))));
                    }

                    return null;
                }

                var member = members[0];
                expression = $"{expression}{(MayBeNull(current) ? "!" : "")}.{Identifier(member.Name)}{(member is IMethodSymbol ? "()" : "")}";
                current = member switch
                {
                    IPropertySymbol property => property.Type,
                    IFieldSymbol field => field.Type,
                    IMethodSymbol method => method.ReturnType,
                    _ => current,
                };
            }

            return Value(expression, current, syntax, text);
        }

        private string ContainingTypeMethodHint(string name)
        {
            var sameName = _semanticModel.LookupSymbols(_syntax.SpanStart, _method.ContainingType, name).OfType<IMethodSymbol>().ToList();
            return sameName.Count == 0
                ? ""
                : $" ('{Display(_method.ContainingType)}.{name}' must take the element as its first parameter, further parameters named like the parameters of '{_method.Name}', and be static unless '{_method.Name}' is an instance method)";
        }

        /// <summary>Properties, fields and parameterless non-void methods of an element, as the lambda <c>x => x.Name</c> would see them.</summary>
        private List<ISymbol> InstanceMembers(ITypeSymbol type, string name, int position)
        {
            return _semanticModel.LookupSymbols(position, type, name)
                .Where(static s => !s.IsStatic && s switch
                {
                    IPropertySymbol p => !p.IsIndexer && p.GetMethod is not null,
                    IFieldSymbol => true,
                    IMethodSymbol m => m.MethodKind == MethodKind.Ordinary && m.Parameters.Length == 0 && !m.ReturnsVoid && m.TypeParameters.Length == 0,
                    _ => false,
                })
                .Where(s => s is not IPropertySymbol { GetMethod: { } getter } || _compilation.IsSymbolAccessibleWithin(getter, _method.ContainingType))
                .GroupBy(static s => s.Name)
                .Select(static g => g.First())   // an override and its base are one member
                .ToList();
        }

        private List<IMethodSymbol> ContainingTypeMethods(string name, ITypeSymbol elementType, int position)
        {
            var containingType = _method.ContainingType;
            var extraParameters = _method.Parameters.Skip(1).ToList();
            return _semanticModel.LookupSymbols(position, containingType, name)
                .OfType<IMethodSymbol>()
                .Where(m => m.MethodKind == MethodKind.Ordinary
                    && (m.IsStatic || (!_method.IsStatic && (!_method.IsReadOnly || m.IsReadOnly)))
                    && m.TypeParameters.Length == 0
                    && !m.ReturnsVoid
                    && m.Parameters.Length >= 1
                    && m.Parameters.All(static p => p.RefKind == RefKind.None)
                    && IsImplicit(elementType, m.Parameters[0].Type)
                    && m.Parameters.Skip(1).All(p => extraParameters.Any(e => e.Name == p.Name && e.RefKind != RefKind.Out && IsImplicit(e.Type, p.Type))))
                .ToList();
        }

        private bool IsImplicit(ITypeSymbol from, ITypeSymbol to)
        {
            var conversion = _compilation.ClassifyConversion(from, to);
            return conversion.IsImplicit && !conversion.IsUserDefined;
        }

        private static string NonNullArgument(string expression, ITypeSymbol argumentType, ITypeSymbol parameterType) =>
            MayBeNull(argumentType) && parameterType.NullableAnnotation == NullableAnnotation.NotAnnotated && !parameterType.IsValueType
                ? expression + "!"
                : expression;

        private static bool MayBeNull(ITypeSymbol type) =>
            !type.IsValueType && type.NullableAnnotation == NullableAnnotation.Annotated;
    }
}
