using Microsoft.CodeAnalysis;

namespace MultiAgg.Generators.Diagnostics;

/// <summary>Every diagnostic MultiAgg reports. IDs are stable; each has a page under docs/rules.</summary>
internal static class DiagnosticDescriptors
{
    public const string UsageCategory = "MultiAgg.Usage";

    public const string PerformanceCategory = "MultiAgg.Performance";

    /// <summary>The repository's docs/rules folder; the URL comes from RepositoryUrl in Directory.Build.props.</summary>
    private const string HelpLinkBase = RepositoryInfo.Url + "/blob/main/docs/rules/";

    public static readonly DiagnosticDescriptor MultipleEnumeration = new(
        "MAGG001",
        "Possible multiple enumeration",
        "'{0}' may be enumerated more than once",
        PerformanceCategory,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "Each enumeration of a deferred sequence repeats its work; a one-shot stream (an iterator, a cursor, a network stream) yields nothing the second time. Compute everything in one pass, for example with an [Aggregate] method, or materialize the sequence once.",
        helpLinkUri: HelpLinkBase + "MAGG001.md");

    public static readonly DiagnosticDescriptor MultipleQueryExecution = new(
        "MAGG002",
        "Query executed more than once",
        "'{0}' may be executed more than once; each execution is a round trip to the data source",
        PerformanceCategory,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "Every enumeration or executing operator (Count, ToList, First, ToListAsync...) of an IQueryable<T> sends the query to its provider again. Fetch what you need in one query, or materialize the result once.",
        helpLinkUri: HelpLinkBase + "MAGG002.md");

    public static readonly DiagnosticDescriptor QueryCountedThenPaged = new(
        "MAGG003",
        "Query counted and then paged",
        "'{0}' is counted and then paged: two round trips where one query could return the page and the total",
        PerformanceCategory,
        DiagnosticSeverity.Info,
        isEnabledByDefault: true,
        description: "A Count of a query (the total) and a Skip/Take page of the same query are two round trips. It is the usual paging idiom and often accepted; one query with a windowed count (COUNT(*) OVER ()) can return both.",
        helpLinkUri: HelpLinkBase + "MAGG003.md");

    public static readonly DiagnosticDescriptor QueryPerElement = new(
        "MAGG004",
        "Query executed once per element",
        "'{0}' runs a query for every '{1}' (N+1): one round trip per element; query the rows of all of them at once, before the loop",
        PerformanceCategory,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "A query built from a loop's element (a foreach over rows, or a lambda LINQ to Objects runs per element) is sent to its provider once per element. One query over all the elements (Contains of their keys, a join, a GroupBy) serves them all in one round trip.",
        helpLinkUri: HelpLinkBase + "MAGG004.md");

    public static readonly DiagnosticDescriptor MethodMustBePartialDefinition = Usage(
        "MAGG100",
        "[Aggregate] method must be a partial method without a body",
        "Method '{0}' has [Aggregate] but {1}; declare it as 'partial' without a body so MultiAgg can implement it");

    public static readonly DiagnosticDescriptor ContainingTypeMustBePartial = Usage(
        "MAGG101",
        "Type containing an [Aggregate] method must be partial",
        "Type '{0}' must be declared 'partial' because it contains {1}");

    public static readonly DiagnosticDescriptor MissingSourceParameter = Usage(
        "MAGG102",
        "[Aggregate] method needs a source parameter",
        "Method '{0}' has no parameters; its first parameter must be the sequence to aggregate");

    public static readonly DiagnosticDescriptor UnsupportedSourceType = Usage(
        "MAGG103",
        "Unsupported source type",
        "The source parameter '{0}' {1}; use IEnumerable<T>, an array, List<T>, IList<T>, IReadOnlyList<T>, (ReadOnly)Span<T>, (ReadOnly)Memory<T>, ImmutableArray<T> or IAsyncEnumerable<T>");

    public static readonly DiagnosticDescriptor AggregateNotApplicable = Usage(
        "MAGG104",
        "Aggregate is not applicable to the value type",
        "{0} cannot be computed over values of type '{1}': {2}");

    public static readonly DiagnosticDescriptor ResultShapeMismatch = Usage(
        "MAGG105",
        "Return type does not hold the requested aggregates",
        "{0} asks for {1} aggregate(s) but its result type '{2}' {3}");

    public static readonly DiagnosticDescriptor ResultTypeMismatch = Usage(
        "MAGG106",
        "Result type does not fit the aggregate",
        "{0} is declared '{1}', which cannot hold {2} of '{3}' values; {4}");

    public static readonly DiagnosticDescriptor UnknownMember = Usage(
        "MAGG107",
        "Unknown Of, Where or GroupBy member",
        "'{0}' does not name an accessible member of '{1}' nor a suitable method of '{2}'{3}");

    public static readonly DiagnosticDescriptor AmbiguousMember = Usage(
        "MAGG108",
        "Ambiguous Of, Where or GroupBy member",
        "'{0}' is ambiguous: it matches {1}");

    public static readonly DiagnosticDescriptor WhereMustBeBoolean = Usage(
        "MAGG109",
        "Where must name a bool member or predicate",
        "Where = \"{0}\" is of type '{1}'; a filter must be of type 'bool'");

    public static readonly DiagnosticDescriptor LanguageVersionTooLow = Usage(
        "MAGG110",
        "C# 9 or later is required",
        "MultiAgg needs C# 9 or later for partial methods with return values, and this project uses C# {0}: set <LangVersion>9</LangVersion> (or later) in the project file");

    public static readonly DiagnosticDescriptor NoAggregates = Usage(
        "MAGG111",
        "[Aggregate] names no aggregate",
        "This [Aggregate] attribute names no aggregate; list at least one, such as [Aggregate(Sum, Count)]");

    public static readonly DiagnosticDescriptor UnknownAggregate = Usage(
        "MAGG112",
        "Unknown aggregate",
        "'{0}' is not an aggregate this version of MultiAgg knows{1}");

    public static readonly DiagnosticDescriptor AsyncShapeMismatch = Usage(
        "MAGG113",
        "Async source and return type do not match",
        "{0}");

    public static readonly DiagnosticDescriptor UnsupportedParameter = Usage(
        "MAGG114",
        "Unsupported parameter or return kind",
        "{0}");

    public static readonly DiagnosticDescriptor FileLocalContainingType = Usage(
        "MAGG115",
        "[Aggregate] method cannot be in a file-local type",
        "Type '{0}' is file-local, so the generated part of '{1}' cannot be added to it from another file; declare it in a type that is not 'file'");

    public static readonly DiagnosticDescriptor InvalidAccumulator = Usage(
        "MAGG116",
        "Type cannot be used as an accumulator",
        "'{0}' cannot be used as an [Aggregate] accumulator: {1}");

    public static readonly DiagnosticDescriptor GroupByNeedsDictionary = Usage(
        "MAGG117",
        "[GroupBy] method must return a dictionary",
        "{0} has [GroupBy], so it returns one result per key: declare its result as Dictionary<TKey, TResult>, IReadOnlyDictionary<TKey, TResult> or IDictionary<TKey, TResult>, not '{1}'");

    public static readonly DiagnosticDescriptor GroupByKeyMismatch = Usage(
        "MAGG118",
        "GroupBy key does not fit the dictionary's key type",
        "The key '{0}' is of type '{1}', which does not convert to '{2}', the key type of the dictionary '{3}' returns, implicitly and without losing digits (distinct keys would share a group)");

    public static readonly DiagnosticDescriptor GroupByWithoutAggregate = Usage(
        "MAGG119",
        "[GroupBy] needs [Aggregate]",
        "{0} has [GroupBy] but no [Aggregate]; [GroupBy] groups the aggregates an [Aggregate] attribute asks for");

    public static readonly DiagnosticDescriptor AggregateNameNotBound = Usage(
        "MAGG121",
        "Aggregate name does not refer to MultiAgg.Agg",
        "'{0}' here is not MultiAgg.Agg.{0}: {1}; write 'Agg.{0}'");

    // ---- Accumulator types (DESIGN.md §6) ------------------------------------------------------------

    public static readonly DiagnosticDescriptor AccumulatorTypeMustBePartial = Usage(
        "MAGG130",
        "[Aggregate] type must be a partial struct or class",
        "Type '{0}' has [Aggregate] but {1}; declare it as a partial struct, class, record or record struct");

    public static readonly DiagnosticDescriptor AccumulatorInterfaceMissing = Usage(
        "MAGG131",
        "[Aggregate] type must declare IAccumulator<TValue, TResult>",
        "Type '{0}' has [Aggregate] but does not declare IAccumulator<TValue, TResult>; declare it (or IMergeableAccumulator<{0}, TValue, TResult>) to say what Add takes and Result returns");

    public static readonly DiagnosticDescriptor AccumulatorInterfaceAmbiguous = Usage(
        "MAGG132",
        "[Aggregate] type declares more than one IAccumulator",
        "Type '{0}' declares {1}; an [Aggregate] type implements exactly one IAccumulator<TValue, TResult>");

    public static readonly DiagnosticDescriptor MergeableAccumulatorNotSelf = Usage(
        "MAGG133",
        "IMergeableAccumulator must name the type itself",
        "Type '{0}' declares IMergeableAccumulator<{1}, ...>, but Merge takes another state of the same type: write IMergeableAccumulator<{0}, ...>");

    public static readonly DiagnosticDescriptor AccumulatorNotMergeable = Usage(
        "MAGG134",
        "Accumulator inside a mergeable type is not mergeable",
        "'{0}' merges its states, but the accumulator '{1}' in it does not implement IMergeableAccumulator<{1}, TValue, TResult>; implement it there, or declare IAccumulator instead of IMergeableAccumulator on '{0}'");

    public static readonly DiagnosticDescriptor GeneratedMemberDeclared = Usage(
        "MAGG135",
        "[Aggregate] type declares a member MultiAgg writes",
        "Type '{0}' declares or inherits '{1}', but MultiAgg writes it for an [Aggregate] type; remove or rename it");

    public static readonly DiagnosticDescriptor TypeNamedLikeGeneratedMember = Usage(
        "MAGG136",
        "[Aggregate] type is named like a member MultiAgg writes",
        "Type '{0}' has [Aggregate], and MultiAgg writes a member '{0}' for it, which C# does not allow in a type of that name; rename the type");

    public static readonly DiagnosticDescriptor NestedTypeInVariantInterface = Usage(
        "MAGG137",
        "[Aggregate] method needs a type beside it, which a variant interface cannot hold",
        "Method '{0}' needs a type declared beside it in '{1}' (the per-key records of [GroupBy], a query's row, a parallel or windowed method's state), and C# allows no type in an interface with 'in' or 'out' type parameters; declare the method in a class or a struct");

    public static readonly DiagnosticDescriptor StructConstructorBeforeCSharp11 = Usage(
        "MAGG138",
        "[Aggregate] struct declares a constructor before C# 11",
        "Struct '{0}' has [Aggregate] and a constructor of its own, which before C# 11 must assign every field, MultiAgg's too, which it cannot see; set <LangVersion>11</LangVersion> or later, or remove the constructor");

    public static readonly DiagnosticDescriptor TypeOnlyBehindExternAlias = Usage(
        "MAGG139",
        "[Aggregate] method uses a type that only an extern alias names",
        "'{0}' uses '{1}', from an assembly referenced only through 'extern alias {2}', and the generated file writes every type from 'global::'; add 'global' to the reference's aliases (Aliases=\"global,{2}\"), or use the type through one of the global namespace's");

    public static readonly DiagnosticDescriptor GeneratorFailure = new(
        "MAGG199",
        "MultiAgg could not generate this method",
        "MultiAgg failed unexpectedly while generating '{0}' ({1}); please report this with the code that triggers it",
        UsageCategory,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpLinkBase + "MAGG199.md");

    // ---- Queries (DESIGN.md §8) ---------------------------------------------------------------------

    public static readonly DiagnosticDescriptor NoQueryForm = Usage(
        "MAGG140",
        "Aggregate has no query form",
        "{0} cannot run in a query: the source '{1}' is an IQueryable<T>, which its database aggregates, and a query computes only Count, LongCount, Sum and Average of numbers, Min and Max in the database's order, Any, All and CountDistinct; to compute {0} in memory, declare the source IEnumerable<T> and pass 'query.AsEnumerable()'");

    public static readonly DiagnosticDescriptor NotInlinableIntoQuery = Usage(
        "MAGG141",
        "Method cannot be inlined into the query",
        "'{0}' cannot be part of the query of '{1}': {2}; a query can read a member path of the element, or a method whose body is one expression ('=> ...'), which MultiAgg inlines into the query");

    public static readonly DiagnosticDescriptor NotExpressibleInQuery = Usage(
        "MAGG142",
        "Expression cannot be part of a query",
        "'{0}' cannot be inlined into the query of '{1}': its body uses {2} ({3}), which C# cannot put in an expression tree; write {4} instead");

    public static readonly DiagnosticDescriptor QueryKeyComparer = Usage(
        "MAGG143",
        "A query cannot take a key comparer",
        "Parameter '{0}' compares the keys of [GroupBy], but the database groups the rows of the query '{1}' and compares keys itself (its collation decides for strings); remove the parameter, or group in memory with an IEnumerable<T> source and 'query.AsEnumerable()'");

    public static readonly DiagnosticDescriptor AsyncQueryWithoutAsyncEnumerable = Usage(
        "MAGG144",
        "Async query needs IAsyncEnumerable<T>",
        "'{0}' returns '{1}', but this project has no IAsyncEnumerable<T> (.NET Core 3.0+, .NET Standard 2.1, or the Microsoft.Bcl.AsyncInterfaces package) through which to run its query asynchronously; add it, or return the results directly to run the query synchronously");

    public static readonly DiagnosticDescriptor QueryCollectionKey = Usage(
        "MAGG145",
        "A query cannot group by a collection",
        "The key '{0}' of [GroupBy] is a '{1}', which the dictionary compares by reference, but the database groups the rows of the query '{2}' by its contents; group by a value that identifies it (a string or number), or group in memory with an IEnumerable<T> source and 'query.AsEnumerable()'");

    // ---- Concurrency (DESIGN.md §7) ------------------------------------------------------------------

    public static readonly DiagnosticDescriptor ParallelSpanSource = Usage(
        "MAGG150",
        "A parallel method's source cannot be a span",
        "The source '{0}' is a '{1}', which lives on one thread's stack, but '{2}' has a ParallelOptions parameter and hands blocks of its source to several workers; take an array, a List<T>, a ReadOnlyMemory<T> or an IReadOnlyList<T>, or remove the ParallelOptions parameter");

    public static readonly DiagnosticDescriptor ParallelAccumulatorNotMergeable = Usage(
        "MAGG151",
        "A parallel method's accumulator is not mergeable",
        "'{0}' has a ParallelOptions parameter, so each worker's state is merged into the next, but the accumulator '{1}' does not implement IMergeableAccumulator<{1}, TValue, TResult>; implement it, or remove the ParallelOptions parameter");

    public static readonly DiagnosticDescriptor ParallelQuery = Usage(
        "MAGG152",
        "A query is not aggregated in parallel",
        "Parameter '{0}' asks '{1}' to aggregate on several workers, but its source '{2}' is a query, which its database aggregates in one command; remove the parameter");

    private static DiagnosticDescriptor Usage(string id, string title, string messageFormat) => new(
        id,
        title,
        messageFormat,
        UsageCategory,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpLinkBase + id + ".md");
}
