using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using MultiAgg.Generators.Diagnostics;
using MultiAgg.Generators.Parsing;
using MultiAgg.Generators.Specs;

namespace MultiAgg.Generators;

public sealed partial class AggregateGenerator
{
    /// <summary>The source parameter: which loop its static type allows.</summary>
    internal sealed partial class Parser
    {
        // ---- The source ------------------------------------------------------------------------------

        /// <summary>
        /// The source parameter as the loop sees it; <see cref="SourceSpec"/> without the names.
        /// <paramref name="LinqReadsSpan"/>: System.Linq reads this static type as a span (a <c>T[]</c> or
        /// <c>List&lt;T&gt;</c>; spans and memory count as the array of their values). <paramref name="IsList"/>:
        /// a <c>List&lt;T&gt;</c>, whose enumerator throws when the list changes during the pass.
        /// </summary>
        private sealed record ParsedSource(
            SourceKind Kind,
            ITypeSymbol Element,
            SourceGuard Guard,
            string? SpanExpression = null,
            bool MayBeContiguous = false,
            bool IsAsync = false,
            bool LinqReadsSpan = false,
            bool IsList = false,
            bool ThroughInterface = false)
        {
            /// <summary>
            /// The same source when user code runs per element and could modify it: a <c>List&lt;T&gt;</c> is
            /// read through its enumerator, which throws on a change as LINQ's calls do (a span would read a
            /// stale snapshot); an <c>IList&lt;T&gt;</c> too, rather than by index; an interface-typed source
            /// is still read as a span when it is an array.
            /// </summary>
            public ParsedSource ReadThroughEnumerator() => this switch
            {
                { IsList: true } => this with { Kind = SourceKind.Foreach, SpanExpression = null },
                { Kind: SourceKind.IndexedList } => this with { Kind = SourceKind.Foreach },
                _ => this,
            };

            public RuntimeSpans SpansAtRunTime(bool userCodeRuns) =>
                !MayBeContiguous ? RuntimeSpans.None : userCodeRuns ? RuntimeSpans.Arrays : RuntimeSpans.ArraysAndLists;
        }

        private ParsedSource? ParseSource(IParameterSymbol parameter)
        {
            var type = parameter.Type;
            var location = ParameterSyntax(parameter)?.Type?.GetLocation() ?? ParameterSyntax(parameter)?.GetLocation();
            if (parameter.RefKind == RefKind.Out)
            {
                Report(DiagnosticDescriptors.UnsupportedSourceType, location, parameter.Name, "is an out parameter");
                return null;
            }

            var guard = type.IsValueType ? SourceGuard.None : SourceGuard.NotNull;

            var hasSpans = _knownTypes.ReadOnlySpan is not null;
            if (type is IArrayTypeSymbol array)
            {
                if (!array.IsSZArray)
                {
                    Report(DiagnosticDescriptors.UnsupportedSourceType, location, parameter.Name, "is a multi-dimensional array");
                    return null;
                }

                return hasSpans
                    ? new ParsedSource(SourceKind.Span, array.ElementType, guard, SpanExpression: "{0}", LinqReadsSpan: true)
                    : new ParsedSource(SourceKind.Foreach, array.ElementType, guard, LinqReadsSpan: true);
            }

            // None of the well-known types is a query, so only other types pay for walking every interface they
            // implement (a List<T> has a dozen, each constructed anew for every method that takes one). Each has a type
            // argument of its own (IsGenericType counts a containing type's: Dictionary<K, V>.ValueCollection has none).
            if (type is INamedTypeSymbol { TypeArguments.Length: > 0 } named && WellKnownSource(named, guard) is { } wellKnown)
            {
                return wellKnown;
            }

            // A query (EF Core's DbSet<T> included, though it is an IAsyncEnumerable<T> too) runs on its provider:
            // looping over it would download every row.
            var queries = SequenceInterfaces(type, _knownTypes.IQueryable);
            if (queries.Count == 1)
            {
                return new ParsedSource(SourceKind.Query, queries[0], guard);
            }

            // Any other type that is a sequence: foreach over its static type picks up a struct enumerator. A type
            // parameter may be an array or a List<T> at run time, which LINQ reads as a span, as an IEnumerable<T> is.
            var enumerables = SequenceInterfaces(type, _knownTypes.IEnumerable);
            var asyncEnumerables = SequenceInterfaces(type, _knownTypes.IAsyncEnumerable);
            if (enumerables.Count == 1 && asyncEnumerables.Count == 0)
            {
                var mayBeContiguous = type is ITypeParameterSymbol { IsValueType: false } && !IsRefLike(type) && _knownTypes.HasListAsSpan && !IsRefLike(enumerables[0]);
                return new ParsedSource(SourceKind.Foreach, enumerables[0], guard, MayBeContiguous: mayBeContiguous);
            }

            if (asyncEnumerables.Count == 1 && enumerables.Count == 0)
            {
                return new ParsedSource(SourceKind.AsyncForeach, asyncEnumerables[0], guard, IsAsync: true);
            }

            var reason = (enumerables.Count, asyncEnumerables.Count) switch
            {
                (1, 1) => $"of type '{Display(type)}' is both an IEnumerable<{Display(enumerables[0])}> and an IAsyncEnumerable<{Display(asyncEnumerables[0])}>, and MultiAgg does not guess whether to read it synchronously or asynchronously",
                (0, 0) => $"of type '{Display(type)}' is not a generic sequence",
                _ => $"of type '{Display(type)}' is a sequence of more than one element type",
            };
            Report(DiagnosticDescriptors.UnsupportedSourceType, location, parameter.Name, reason);
            return null;
        }

        /// <summary>The sources whose static type MultiAgg knows the fastest loop for; null for any other type.</summary>
        private ParsedSource? WellKnownSource(INamedTypeSymbol type, SourceGuard guard)
        {
            var element = type.TypeArguments[0];
            bool IsAnyOf(params INamedTypeSymbol?[] known) => known.Any(k => KnownTypes.Is(type, k));

            // An array or a list may be read as a span at run time, unless the elements may be ref structs, which
            // neither can hold (IEnumerable<T> allows them).
            var mayBeContiguous = _knownTypes.HasListAsSpan && !IsRefLike(element);

            if (IsAnyOf(_knownTypes.Span, _knownTypes.ReadOnlySpan))
            {
                return new ParsedSource(SourceKind.Span, element, SourceGuard.None, SpanExpression: "{0}", LinqReadsSpan: true);
            }

            if (IsAnyOf(_knownTypes.ImmutableArray))
            {
                return type.GetMembers("AsSpan").Any()
                    ? new ParsedSource(SourceKind.Span, element, SourceGuard.NotDefault, SpanExpression: "{0}.AsSpan()")
                    : new ParsedSource(SourceKind.Foreach, element, SourceGuard.None);
            }

            if (IsAnyOf(_knownTypes.Memory, _knownTypes.ReadOnlyMemory))
            {
                return new ParsedSource(SourceKind.Span, element, SourceGuard.None, SpanExpression: "{0}.Span", LinqReadsSpan: true);
            }

            if (IsAnyOf(_knownTypes.List))
            {
                return _knownTypes.HasListAsSpan
                    ? new ParsedSource(SourceKind.Span, element, guard, SpanExpression: "global::System.Runtime.InteropServices.CollectionsMarshal.AsSpan({0})", LinqReadsSpan: true, IsList: true)
                    : new ParsedSource(SourceKind.Foreach, element, guard, LinqReadsSpan: true, IsList: true);
            }

            if (IsAnyOf(_knownTypes.IList, _knownTypes.IReadOnlyList))
            {
                return new ParsedSource(SourceKind.IndexedList, element, guard, MayBeContiguous: mayBeContiguous);
            }

            if (IsAnyOf(_knownTypes.IEnumerable, _knownTypes.ICollection, _knownTypes.IReadOnlyCollection))
            {
                return new ParsedSource(SourceKind.Foreach, element, guard, MayBeContiguous: mayBeContiguous);
            }

            if (IsAnyOf(_knownTypes.IAsyncEnumerable))
            {
                return new ParsedSource(SourceKind.AsyncForeach, element, guard, IsAsync: true);
            }

            return null;
        }

        private static List<ITypeSymbol> SequenceInterfaces(ITypeSymbol type, INamedTypeSymbol? sequenceInterface) =>
            InterfacesOf(type)
                .Where(i => KnownTypes.Is(i, sequenceInterface))
                .Select(static i => i.TypeArguments[0])
                .Distinct<ITypeSymbol>(SymbolEqualityComparer.Default)
                .ToList();

        /// <summary>
        /// The interfaces a type is known to implement: itself if it is one, everything it inherits,
        /// and for a type parameter, what its constraints imply (Roslyn's AllInterfaces omits those).
        /// </summary>
        private static IEnumerable<INamedTypeSymbol> InterfacesOf(ITypeSymbol type)
        {
            var interfaces = type.AllInterfaces.AsEnumerable();
            if (type is INamedTypeSymbol { TypeKind: TypeKind.Interface } self)
            {
                interfaces = interfaces.Prepend(self);
            }

            if (type is ITypeParameterSymbol typeParameter)
            {
                interfaces = interfaces.Concat(typeParameter.ConstraintTypes.SelectMany(InterfacesOf));
            }

            return interfaces;
        }

        /// <summary>
        /// A synchronous source read by a loop that awaits: no span can live across an <c>await</c>, so arrays, lists and
        /// <c>ImmutableArray&lt;T&gt;</c> are read by <c>foreach</c> (which C# turns into an index loop for arrays); memory and
        /// spans cannot be read there at all (reported).
        /// </summary>
        private ParsedSource? ReadAcrossAwaits(IParameterSymbol parameter, ParsedSource source)
        {
            if (IsRefLike(source.Element))
            {
                Report(DiagnosticDescriptors.UnsupportedSourceType, ParameterSyntax(parameter)?.Type?.GetLocation(), parameter.Name,
                    $"has elements of a ref struct type ('{Display(source.Element)}'), which cannot be kept across the awaits of the asynchronous Of, Where or key method; read them in a synchronous method");
                return null;
            }

            if (source.Kind != SourceKind.Span)
            {
                return source with { MayBeContiguous = false, ThroughInterface = EnumeratesWithRefStruct(parameter.Type) };
            }

            if (parameter.Type is IArrayTypeSymbol || source.IsList || (parameter.Type is INamedTypeSymbol named && KnownTypes.Is(named, _knownTypes.ImmutableArray)))
            {
                return source with { Kind = SourceKind.Foreach, SpanExpression = null };
            }

            Report(DiagnosticDescriptors.UnsupportedSourceType, ParameterSyntax(parameter)?.Type?.GetLocation(), parameter.Name,
                $"of type '{Display(parameter.Type)}' cannot be read across the awaits of the asynchronous Of, Where or key method; pass an array, a List<T> or an IReadOnlyList<T>");
            return null;
        }

        /// <summary>
        /// Whether <c>foreach</c> over <paramref name="type"/> binds a public <c>GetEnumerator()</c> that returns a ref
        /// struct (a span-backed collection's enumerator), which no loop with an <c>await</c> in it can hold.
        /// </summary>
        private static bool EnumeratesWithRefStruct(ITypeSymbol type)
        {
            for (var declaring = type; declaring is not null; declaring = declaring.BaseType)
            {
                foreach (var member in declaring.GetMembers("GetEnumerator"))
                {
                    if (member is IMethodSymbol { IsStatic: false, DeclaredAccessibility: Accessibility.Public, Parameters.IsEmpty: true, TypeParameters.IsEmpty: true } method)
                    {
                        return method.ReturnType.IsRefLikeType;
                    }
                }
            }

            return false;
        }

        private (ITypeSymbol ResultType, bool IsAsync)? ParseAsyncShape(IMethodSymbol method, ParsedSource? source)
        {
            var returnType = method.ReturnType;
            var isAwaitable = KnownTypes.Is(returnType, _knownTypes.TaskOfT) || KnownTypes.Is(returnType, _knownTypes.ValueTaskOfT);
            var isNonGenericTask = KnownTypes.Is(returnType, _knownTypes.Task) || KnownTypes.Is(returnType, _knownTypes.ValueTask);
            if (source is null)
            {
                return null;
            }

            if (source.Kind == SourceKind.Query)
            {
                // A query runs synchronously for a plain result, asynchronously for a task of one.
                if (isNonGenericTask)
                {
                    Report(DiagnosticDescriptors.AsyncShapeMismatch, _syntax.ReturnType.GetLocation(),
                        $"'{method.Name}' returns '{Display(returnType)}', which has no result; return Task<T> or ValueTask<T> of its results to run the query asynchronously, or the results themselves");
                    return null;
                }

                if (isAwaitable && _knownTypes.IAsyncEnumerable is null)
                {
                    Report(DiagnosticDescriptors.AsyncQueryWithoutAsyncEnumerable, _syntax.ReturnType.GetLocation(), method.Name, Display(returnType));
                    return null;
                }

                return isAwaitable ? (((INamedTypeSymbol)returnType).TypeArguments[0], true) : (returnType, false);
            }

            if (source.IsAsync && !isAwaitable)
            {
                Report(DiagnosticDescriptors.AsyncShapeMismatch, _syntax.ReturnType.GetLocation(),
                    $"The source '{method.Parameters[0].Name}' is an IAsyncEnumerable<T>, so '{method.Name}' must return Task<T> or ValueTask<T> of its results, not '{Display(returnType)}'");
                return null;
            }

            // Task<T> over a synchronous source is for Of/Where/key methods that are asynchronous: BuildSpec checks
            // that one is, once the attributes are read.
            if (!source.IsAsync && isNonGenericTask)
            {
                Report(DiagnosticDescriptors.AsyncShapeMismatch, _syntax.ReturnType.GetLocation(),
                    $"'{method.Name}' returns '{Display(returnType)}' but its source '{method.Parameters[0].Name}' is not an IAsyncEnumerable<T>; return the results directly");
                return null;
            }

            return isAwaitable ? (((INamedTypeSymbol)returnType).TypeArguments[0], true) : (returnType, false);
        }
    }
}
