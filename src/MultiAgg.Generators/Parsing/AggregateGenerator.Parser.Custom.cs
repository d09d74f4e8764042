using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using MultiAgg.Generators.Diagnostics;
using MultiAgg.Generators.Parsing;
using MultiAgg.Generators.Specs;

namespace MultiAgg.Generators;

public sealed partial class AggregateGenerator
{
    /// <summary>User-defined accumulators: <c>[Aggregate(typeof(TAccumulator))]</c>.</summary>
    internal sealed partial class Parser
    {
        /// <summary>How deep <see cref="HoldsStateOf"/> looks for the accumulator type in what it holds.</summary>
        private const int MaximumHoldingDepth = 32;

        /// <summary>How many types <see cref="HoldsStateOf"/> visits at most: a generic struct branching into new types at every level would otherwise take 2^depth steps.</summary>
        private const int MaximumHoldingVisits = 4096;

        /// <summary>
        /// Whether <paramref name="accumulator"/>, kept in <paramref name="owner"/>'s state, holds <paramref name="owner"/>
        /// again: through the accumulators [Aggregate] attributes name alone, of any kind, each made for the one holding it
        /// (a struct's at its first Add, a class's with its holder), an Add feeds a new instance of the first without end;
        /// through structs all the way, their fields of struct types included, it is a layout cycle. A field of a type
        /// written by hand is not fed, and a class is a reference: a path through both is no cycle; nor is one through a
        /// [GroupBy] type, whose accumulators are per-key records in an array. With <paramref name="fed"/> false,
        /// <paramref name="accumulator"/> is a value the state keeps (a First's, a Min's), not an accumulator it feeds.
        /// </summary>
        private bool HoldsStateOf(INamedTypeSymbol accumulator, INamedTypeSymbol owner, bool fed = true)
        {
            var seen = new HashSet<(ITypeSymbol, bool, bool)>();
            return Holds(accumulator, feeds: fed, inline: owner.IsValueType && !IsGrouped(owner) && accumulator.IsValueType, depth: 0);

            bool IsGrouped(INamedTypeSymbol type) => type.GetAttributes().Any(a => KnownTypes.Is(a.AttributeClass, _knownTypes.GroupByAttribute));

            // feeds: every step so far an accumulator [Aggregate] names; inline: every type so far a struct.
            bool Holds(INamedTypeSymbol type, bool feeds, bool inline, int depth)
            {
                // Types are followed as constructed ((int, int) is not (Node, int)), so a struct nesting itself ever deeper
                // (Box<T> holding a Box<Box<T>>, an error the compiler reports) would never repeat: the walk stops somewhere.
                if (depth > MaximumHoldingDepth || !(feeds || inline) || seen.Count >= MaximumHoldingVisits || !seen.Add((type, feeds, inline)))
                {
                    return false;
                }

                if (SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, owner.OriginalDefinition))
                {
                    return true;
                }

                var heldAsAccumulators = type.GetAttributes()
                    .Where(a => KnownTypes.Is(a.AttributeClass, _knownTypes.AggregateAttribute))
                    .SelectMany(static a => a.ConstructorArguments)
                    .SelectMany(static argument => argument.Kind == TypedConstantKind.Array ? (argument.IsNull ? ImmutableArray<TypedConstant>.Empty : argument.Values) : ImmutableArray.Create(argument))
                    .Where(static argument => argument.Kind == TypedConstantKind.Type)
                    .Select(static argument => argument.Value).OfType<INamedTypeSymbol>();
                var holdsInline = inline && !IsGrouped(type);
                if (heldAsAccumulators.Any(held => Holds(held, feeds, holdsInline && held.IsValueType, depth + 1)))
                {
                    return true;
                }

                return inline && type.GetMembers().OfType<IFieldSymbol>()
                    .Where(static f => !f.IsStatic).Select(static f => f.Type).OfType<INamedTypeSymbol>()
                    .Any(held => held.IsValueType && Holds(held, feeds: false, inline: true, depth + 1));
            }
        }

        /// <summary>
        /// Checks that <paramref name="accumulator"/> can be created and fed, and picks its
        /// <c>IAccumulator&lt;TValue, TResult&gt;</c>: the one whose <c>TValue</c> takes the values as they
        /// are (nulls included), or else the non-null values; its <c>TResult</c> must fit the result slot.
        /// </summary>
        /// <param name="stored">Whether the state outlives the loop's locals: a per-key record's, an accumulator type's or a
        /// parallel block's field, or a local across an await.</param>
        private AggregateSpec? ChooseCustomAccumulator(ITypeSymbol accumulator, ResolvedValue value, ResultSlot slot, int index, SyntaxNode? syntax, bool stored)
        {
            AggregateSpec? Invalid(string why)
            {
                Report(DiagnosticDescriptors.InvalidAccumulator, syntax?.GetLocation(), Display(accumulator), why);
                return null;
            }

            if (accumulator is not INamedTypeSymbol { TypeKind: TypeKind.Struct or TypeKind.Class } named)
            {
                return Invalid("it must be a struct or a class");
            }

            if (FileLocalIn(named) is { } fileLocal)
            {
                return Invalid(fileLocal.Equals(named, SymbolEqualityComparer.Default)
                    ? "it is file-local, so the generated code, in a file of its own, cannot name it"
                    : $"it names the file-local type '{fileLocal.Name}', which the generated code, in a file of its own, cannot name");
            }

            if (_declaration!.IsType && HoldsStateOf(named, _declaration.Owner))
            {
                // Its field would be created with it: a class recurses until the stack overflows, a struct is a layout cycle.
                return Invalid($"it holds the state of '{Display(_declaration.Owner)}' itself, in which it is kept");
            }

            if (named.IsRefLikeType && stored)
            {
                return Invalid("it is a ref struct, and this method keeps its state in a field or across an await; use it in a synchronous method without [GroupBy] or ParallelOptions, or make it a struct");
            }

            if (PointersRefused(value.Type, stored: false) is { } refused)
            {
                return Invalid($"the values it is given are '{Display(value.Type)}', " + refused);
            }

            if (named.IsUnboundGenericType || named.IsAbstract || named.IsStatic)
            {
                return Invalid(named.IsUnboundGenericType ? "it is an open generic type; give its type arguments" : "it cannot be created (abstract or static)");
            }

            // A struct's `new T()` is its own parameterless constructor when it declares one (C# 10), else always there.
            // Accessible through the type itself: a protected constructor of a base class is for `base()`, never `new`.
            var parameterless = named.InstanceConstructors.Where(static c => c.Parameters.Length == 0).ToList();
            var constructible = parameterless.Any(c => _compilation.IsSymbolAccessibleWithin(c, _declaration!.Owner, throughType: named))
                || (named.TypeKind == TypeKind.Struct && parameterless.Count == 0);
            if (!constructible)
            {
                return Invalid("it needs a parameterless constructor the containing type can call");
            }

            if (RequiredMembersLeftBy(named, parameterless.FirstOrDefault()) is { } required)
            {
                return Invalid($"'new()' does not set its required members ({required}); mark the parameterless constructor [SetsRequiredMembers]");
            }

            if (parameterless.FirstOrDefault() is { } constructor && ForbiddenObsoleteError(constructor) is { } obsolete)
            {
                return Invalid($"its parameterless constructor is [Obsolete] as an error{obsolete}, which the generated 'new()' would call");
            }

            var implementations = named.AllInterfaces
                .Where(i => KnownTypes.Is(i, _knownTypes.IAccumulator))
                .ToList();
            if (implementations.Count == 0)
            {
                return Invalid("it does not implement MultiAgg.IAccumulator<TValue, TResult>");
            }

            // Values as they are first; then non-null values, skipping nulls as the built-in aggregates do.
            var (chosen, accumulatorKind) = (implementations.FirstOrDefault(i => IsImplicit(value.Type, i.TypeArguments[0])), AccumulatorKind.Custom);
            if (chosen is null && value.Spec.Nulls != NullKind.None)
            {
                (chosen, accumulatorKind) = (implementations.FirstOrDefault(i => IsImplicit(value.NonNullType, i.TypeArguments[0])), AccumulatorKind.CustomNonNull);
            }

            if (chosen is null)
            {
                var accepted = string.Join(", ", implementations.Select(static i => "'" + Display(i.TypeArguments[0]) + "'"));
                return Invalid($"it takes {accepted}, not the '{Display(value.Type)}' values this attribute selects");
            }

            // The generated code calls Add, Result (and IsComplete, Merge) by name, on the type: members that implement
            // the interfaces only explicitly, or that another interface's members hide, cannot be called that way, nor
            // members C# forbids calling ([Obsolete] as an error), which the user's code never calls itself.
            // Where Add has overloads, the one C# calls with the values is bound below and checked there.
            var addOverloads = LookUp(named, "Add").Count(static s => s is IMethodSymbol) > 1;
            if (UncallableMember(named, chosen, checksAdd: !addOverloads) is { } why)
            {
                return Invalid(why);
            }

            // MultiAgg's own accumulator type, more accessible than what its Add takes or its Result gives, gets them as
            // accessible as those: private ones, below internal, which no other type's code can call.
            if (named.GetAttributes().Any(a => KnownTypes.Is(a.AttributeClass, _knownTypes.AggregateAttribute))
                && NarrowedAccessibility(named, chosen.TypeArguments[0], chosen.TypeArguments[1]) == "private"
                && !IsWithin(_declaration!.Owner, named))
            {
                return Invalid($"its generated Add and Result are private, since it is more accessible than the '{Display(chosen.TypeArguments[0])}' and '{Display(chosen.TypeArguments[1])}' they take and give; declare it no more accessible than those, and they are public");
            }

            static bool IsWithin(ISymbol? symbol, INamedTypeSymbol type)
            {
                for (; symbol is not null; symbol = symbol.ContainingType)
                {
                    if (SymbolEqualityComparer.Default.Equals(symbol.OriginalDefinition, type.OriginalDefinition))
                        return true;
                }

                return false;
            }

            // Add is called by name too: an overload of its own that takes the values better than the interfaces' Add would
            // be called instead, and the values would never reach the accumulator's interface.
            var given = accumulatorKind == AccumulatorKind.CustomNonNull ? value.NonNullType : value.Type;
            if (addOverloads)
            {
                var bound = BindCall($"default({Type(named)})", "Add", new[] { given });
                if (OtherThan(bound, ImplementsAnAdd) is { } instead)
                {
                    return Invalid($"a call of its Add with the '{Display(given)}' values {instead}, not an Add of its IAccumulator<TValue, TResult>; give the other overloads another name");
                }

                // The Add called may implement another of its interfaces than the one chosen, and C# must allow calling it too.
                if (bound.Symbol is IMethodSymbol called && ForbiddenObsoleteError(called.OriginalDefinition) is { } calledObsolete)
                {
                    return Invalid($"its '{called.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat)}' is [Obsolete] as an error{calledObsolete}, which the generated code calls");
                }
            }

            bool ImplementsAnAdd(IMethodSymbol called) => implementations.Any(i => i.GetMembers("Add").Any(add =>
                SymbolEqualityComparer.Default.Equals(named.FindImplementationForInterfaceMember(add), called)));

            // What the generated code reads: the type's own Result, which may say more about null than the interface's TResult.
            var produced = chosen.GetMembers("Result").FirstOrDefault() is { } declaredResult
                && named.FindImplementationForInterfaceMember(declaredResult) is IPropertySymbol implemented
                    ? implemented.Type
                    : chosen.TypeArguments[1];
            if (!IsImplicit(produced, slot.Type))
            {
                Report(DiagnosticDescriptors.ResultTypeMismatch, slot.Syntax?.GetLocation(), slot.Name, Display(slot.Type),
                    "the result of " + Display(accumulator), Display(value.Type), $"declare it '{Display(produced)}'");
                return null;
            }

            var completable = named.AllInterfaces.Any(i => KnownTypes.Is(i, _knownTypes.ICompletableAccumulator));
            return new AggregateSpec(
                AggregateKind.Custom,
                accumulatorKind,
                Type(named),
                named.IsValueType,
                Type(slot.Type),
                ResultConversion: null,
                EmptyBehavior.NotApplicable,
                NullResult: null,
                index,
                Completion: completable ? Completion.IsComplete : Completion.Never,
                ForgivesNull: ForgivesNull(produced, slot.Type));
        }

        /// <summary>
        /// Why the generated code cannot call a member of <paramref name="implemented"/> (and of <c>ICompletableAccumulator</c>,
        /// <c>IMergeableAccumulator</c> where the type declares them) on <paramref name="type"/>: it is implemented explicitly,
        /// or the public member of that name is another's, or it is <c>[Obsolete]</c> as an error; null when all can be called.
        /// </summary>
        private string? UncallableMember(INamedTypeSymbol type, INamedTypeSymbol implemented, bool checksAdd)
        {
            var interfaces = new[] { implemented }.Concat(type.AllInterfaces.Where(i =>
                KnownTypes.Is(i, _knownTypes.ICompletableAccumulator) || KnownTypes.Is(i, _knownTypes.IMergeableAccumulator)));
            foreach (var member in interfaces.SelectMany(static i => i.GetMembers()))
            {
                if (member is not (IMethodSymbol { MethodKind: MethodKind.Ordinary } or IPropertySymbol) || member.IsStatic)
                {
                    continue;
                }

                var implementation = type.FindImplementationForInterfaceMember(member);
                var explicitly = implementation switch
                {
                    IMethodSymbol method => method.MethodKind == MethodKind.ExplicitInterfaceImplementation,
                    IPropertySymbol property => !property.ExplicitInterfaceImplementations.IsEmpty,
                    _ => false,
                };
                if (implementation is not null && (explicitly || implementation.DeclaredAccessibility != Accessibility.Public))
                {
                    return $"it implements '{member.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat)}' only explicitly; declare it as a public member, which the generated code calls without boxing";
                }

                // A member of the same name declared 'new' in a derived type is what a call by name reaches, not the
                // implementation (an override of it is the implementation still; Add's overloads are bound and checked
                // by the caller).
                if (implementation is not null && (checksAdd || member.Name != "Add")
                    && LookUp(type, member.Name).Where(s => s.Kind == implementation.Kind).ToList() is { Count: 1 } reachable
                    && reachable[0] is var reached
                    && !IsOrOverrides(reached, implementation))
                {
                    return $"its '{reached.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat)}' hides '{implementation.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat)}', which implements '{member.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat)}', and the generated code calls members by name; give the hiding member another name";
                }

                // Merge is called only by the methods that merge (parallel, accumulator types): CheckCustomAccumulatorsMerge's.
                var obsolete = implementation is null || KnownTypes.Is(member.ContainingType, _knownTypes.IMergeableAccumulator)
                    || (!checksAdd && member.Name == "Add") ? null
                    : ForbiddenObsoleteError(implementation);
                if (obsolete is not null)
                {
                    return $"its '{implementation!.Name}' is [Obsolete] as an error{obsolete}, which the generated code calls";
                }
            }

            return null;
        }

        /// <summary>Whether <paramref name="member"/> is <paramref name="overridden"/>, or overrides it (through any number of overrides).</summary>
        private static bool IsOrOverrides(ISymbol member, ISymbol overridden)
        {
            for (ISymbol? current = member; current is not null; current = current switch
            {
                IPropertySymbol property => property.OverriddenProperty,
                IMethodSymbol method => method.OverriddenMethod,
                _ => null,
            })
            {
                if (SymbolEqualityComparer.Default.Equals(current, overridden))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
