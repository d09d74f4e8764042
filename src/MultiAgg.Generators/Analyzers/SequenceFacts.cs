using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace MultiAgg.Generators.Analyzers;

/// <summary>What a value of some type is, as far as enumerating it goes.</summary>
internal enum SequenceKind
{
    /// <summary>Not a sequence we track: a scalar, or a collection that is already materialized.</summary>
    None,

    /// <summary><c>IEnumerable</c>, <c>IEnumerable&lt;T&gt;</c>, <c>IOrderedEnumerable&lt;T&gt;</c>: may be deferred.</summary>
    Enumerable,

    /// <summary><c>IAsyncEnumerable&lt;T&gt;</c>.</summary>
    AsyncEnumerable,

    /// <summary><c>IQueryable</c> and its derived interfaces: every execution is a round trip.</summary>
    Queryable,
}

/// <summary>The part a method plays for the sequences passed to it.</summary>
internal enum MethodRole
{
    /// <summary>Nothing is known: the method may store the sequence, enumerate it, or neither.</summary>
    Unknown,

    /// <summary>Returns a lazy view of its sequence arguments (<c>Where</c>, <c>Select</c>, <c>WithCancellation</c>...).</summary>
    Deferred,

    /// <summary>Enumerates (or executes) its sequence arguments before it returns.</summary>
    Enumerating,

    /// <summary>Known not to enumerate, and returns nothing worth tracking (<c>Range</c>, <c>TryGetNonEnumeratedCount</c>...).</summary>
    Harmless,

    /// <summary>
    /// Both <see cref="Enumerating"/> and <see cref="Deferred"/>: reads its sequence arguments before it
    /// returns, and returns a lazy view of them too (a method named in both <c>.editorconfig</c> lists).
    /// </summary>
    EnumeratingAndDeferred,

    /// <summary>
    /// Enumerates (or executes) its first argument, the source, once before it returns; nothing is known of its other
    /// arguments: an <c>[Aggregate]</c> method, which MultiAgg implements (its <c>Of</c>, <c>Where</c> and key methods
    /// may take further arguments and do what they like with them).
    /// </summary>
    EnumeratingSource,
}

/// <summary>What an execution of a query asks of it (<see cref="SequenceFacts.ExecutionKindOf"/>).</summary>
internal enum QueryExecutionKind
{
    /// <summary>The rows: a list, a dictionary, a <c>foreach</c>, a method the query is passed to.</summary>
    Rows,

    /// <summary>A value computed over the rows, which one query can compute beside others.</summary>
    Aggregate,

    /// <summary>One row or fact, found by its arguments.</summary>
    Lookup,
}

/// <summary>
/// Classifies types and methods by name and shape rather than by a fixed list, so LINQ operators
/// added in later framework versions (<c>CountBy</c>, <c>Index</c>, <c>LeftJoin</c>...) are
/// understood without a change here: an operator that returns a sequence is a deferred link,
/// one that returns anything else enumerates.
/// </summary>
internal static class SequenceFacts
{
    public static SequenceKind KindOf(ITypeSymbol? type)
    {
        switch (type)
        {
            case INamedTypeSymbol { TypeKind: TypeKind.Interface } named:
                return InterfaceKind(named.OriginalDefinition);
            case INamedTypeSymbol { TypeKind: TypeKind.Class } named when ImplementsQueryable(named):
                // A class that is a query (EF Core's DbSet<T>, another ORM's table): executing it is a round trip
                // as for IQueryable<T>. Collections that merely implement IEnumerable<T> are materialized: not tracked.
                return SequenceKind.Queryable;
            case INamedTypeSymbol { TypeKind: TypeKind.Class } named when IsParallelQuery(named):
                // PLINQ's query is a class, but as lazy as any chain: each operator that ends it runs it again.
                return SequenceKind.Enumerable;
            case INamedTypeSymbol { TypeKind: TypeKind.Struct } named when IsConfiguredAsyncEnumerable(named):
                // What WithCancellation and ConfigureAwait give `await foreach`: a view of its source, each loop a new enumeration.
                return SequenceKind.AsyncEnumerable;
            case ITypeParameterSymbol parameter:
                foreach (var constraint in parameter.ConstraintTypes)
                {
                    var kind = KindOf(constraint);
                    if (kind != SequenceKind.None)
                        return kind;
                }

                return SequenceKind.None;
            default:
                return SequenceKind.None;
        }
    }

    private static SequenceKind InterfaceKind(INamedTypeSymbol type)
    {
        switch (type.Name)
        {
            case "IEnumerable" when IsIn(type.ContainingNamespace, "System", "Collections")
                                    || IsIn(type.ContainingNamespace, "System", "Collections", "Generic"):
            case "IOrderedEnumerable" when IsIn(type.ContainingNamespace, "System", "Linq"):
                return SequenceKind.Enumerable;
            case "IAsyncEnumerable" when IsIn(type.ContainingNamespace, "System", "Collections", "Generic"):
            case "IOrderedAsyncEnumerable" when IsIn(type.ContainingNamespace, "System", "Linq"):   // .NET 10's AsyncEnumerable.OrderBy, System.Linq.Async's
                return SequenceKind.AsyncEnumerable;
            case "IQueryable" or "IOrderedQueryable" when IsIn(type.ContainingNamespace, "System", "Linq"):
                return SequenceKind.Queryable;
        }

        // Provider-specific query interfaces (EF Core's IIncludableQueryable<T, P>...) are queries too.
        return ImplementsQueryable(type) ? SequenceKind.Queryable : SequenceKind.None;
    }

    /// <summary>Whether a type implements <c>System.Linq.IQueryable</c>: a provider's query interface, or a class such as <c>DbSet&lt;T&gt;</c>.</summary>
    private static bool ImplementsQueryable(INamedTypeSymbol type)
    {
        foreach (var implemented in type.AllInterfaces)
        {
            if (implemented.Name == "IQueryable" && IsIn(implemented.ContainingNamespace, "System", "Linq"))
                return true;
        }

        return false;
    }

    /// <summary>
    /// Types that are lazy wrappers over a sequence without implementing a sequence interface (<see cref="KindOf"/> tracks
    /// them as the sequences they view): PLINQ's <c>ParallelQuery&lt;T&gt;</c> and <c>ConfiguredCancelableAsyncEnumerable&lt;T&gt;</c>.
    /// </summary>
    private static bool IsSequenceWrapper(ITypeSymbol type) => IsParallelQuery(type) || IsConfiguredAsyncEnumerable(type);

    private static bool IsConfiguredAsyncEnumerable(ITypeSymbol type) =>
        type.OriginalDefinition is INamedTypeSymbol { Name: "ConfiguredCancelableAsyncEnumerable" } named
        && IsIn(named.ContainingNamespace, "System", "Runtime", "CompilerServices");

    /// <summary>PLINQ's <c>ParallelQuery&lt;T&gt;</c>, or a query derived from it (<c>OrderedParallelQuery&lt;T&gt;</c>, which <c>OrderBy</c> gives).</summary>
    private static bool IsParallelQuery(ITypeSymbol type)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            if (current is INamedTypeSymbol { Name: "ParallelQuery", Arity: 1 } && IsIn(current.ContainingNamespace, "System", "Linq"))
                return true;
        }

        return false;
    }

    /// <summary>A generic dictionary (<c>IDictionary&lt;K, V&gt;</c> or <c>IReadOnlyDictionary&lt;K, V&gt;</c>, or a type implementing one).</summary>
    public static bool IsDictionary(ITypeSymbol type) =>
        Implements(type, static t => t is { Name: "IDictionary" or "IReadOnlyDictionary", Arity: 2 } && IsIn(t.ContainingNamespace, "System", "Collections", "Generic"));

    /// <summary>
    /// A collection, whose elements are in memory: an array, a string, or a type implementing <c>ICollection&lt;T&gt;</c>,
    /// <c>IReadOnlyCollection&lt;T&gt;</c> or <c>ICollection</c> (and not a query).
    /// </summary>
    public static bool IsCollection(ITypeSymbol type) =>
        KindOf(type) == SequenceKind.None
        && (type is IArrayTypeSymbol || type.SpecialType == SpecialType.System_String
            || Implements(type, static t => (t is { Name: "ICollection" or "IReadOnlyCollection", Arity: 1 } && IsIn(t.ContainingNamespace, "System", "Collections", "Generic"))
                                            || (t is { Name: "ICollection", Arity: 0 } && IsIn(t.ContainingNamespace, "System", "Collections"))));

    private static bool Implements(ITypeSymbol type, System.Func<INamedTypeSymbol, bool> test) =>
        new[] { type }.Concat(type.AllInterfaces).Any(t => t.OriginalDefinition is INamedTypeSymbol named && test(named));

    /// <summary>A tracked sequence type or a lazy wrapper around one.</summary>
    public static bool IsSequenceLike(ITypeSymbol? type) =>
        type is not null && (KindOf(type) != SequenceKind.None || IsSequenceWrapper(type));

    public static bool ReturnsSequence(IMethodSymbol method) => IsSequenceLike(method.ReturnType);

    /// <summary>
    /// A sequence parameter, or a lazy wrapper (PLINQ's <c>Sum(this ParallelQuery&lt;int&gt;)</c>). A LINQ operator's is one
    /// as declared, as the collections' members are (<see cref="IsKnownEnumeratingMember"/>): <c>Contains</c>'s value and
    /// <c>Append</c>'s element are none when the elements are sequences (<c>seen.Contains(xs)</c>). Any other method's
    /// (one configured as enumerating, <c>Tee&lt;T&gt;(T first, T second)</c>) is one as its type arguments make it.
    /// </summary>
    public static bool IsSequenceParameter(IParameterSymbol parameter) =>
        IsSequenceLike(parameter.Type)
        && (parameter.ContainingSymbol is not IMethodSymbol { ContainingType: { } type } || !IsLinqOperatorType(type) || IsSequenceLike(parameter.OriginalDefinition.Type));

    public static MethodRole Classify(IMethodSymbol method, MultipleEnumerationOptions options)
    {
        method = method.ReducedFrom ?? method;
        var configured = options.Classify(method);
        if (configured != MethodRole.Unknown)
            return configured;

        var type = method.ContainingType;
        if (type is null)
            return MethodRole.Unknown;

        if (IsLinqOperatorType(type))
        {
            if (method.Name == "TryGetNonEnumeratedCount" || !HasSequenceParameter(method))
                return MethodRole.Harmless;
            return ReturnsSequence(method) ? MethodRole.Deferred : MethodRole.Enumerating;
        }

        if (type.Name == "TaskAsyncEnumerableExtensions" && IsIn(type.ContainingNamespace, "System", "Threading", "Tasks"))
            return method.Name == "ToBlockingEnumerable" || ReturnsSequence(method) ? MethodRole.Deferred : MethodRole.Unknown;

        // A wrapper's own members that return a wrapper (`ConfiguredCancelableAsyncEnumerable<T>.ConfigureAwait`)
        // are links over their instance.
        if (!method.IsStatic && IsSequenceWrapper(type) && ReturnsSequence(method))
            return MethodRole.Deferred;

        // EF Core's DbSet<T>.AsAsyncEnumerable(), as the extension method below: a link over the set.
        if (!method.IsStatic && method.Name == "AsAsyncEnumerable" && KindOf(type) == SequenceKind.Queryable && ReturnsSequence(method))
            return MethodRole.Deferred;

        if (!HasSequenceParameter(method))
            return MethodRole.Unknown;

        if (IsAggregateMethod(method))
            return MethodRole.EnumeratingSource;

        // Query providers' own operators: a query in, a query out is a link; an async operator on a
        // provider's QueryableExtensions (EF Core's ToListAsync, CountAsync...) executes it, as EF Core's Load does.
        if (HasQueryableParameter(method))
        {
            // A bulk write (EF Core's ExecuteDelete, ExecuteUpdate and their async forms) reads no rows:
            // it is no repeat of a read of the same query, nor a read to be repeated.
            if (IsBulkWrite(method))
                return MethodRole.Harmless;
            // EF Core's AsAsyncEnumerable streams the query: enumerating the stream executes it (DbSet's own, above).
            if (KindOf(method.ReturnType) == SequenceKind.Queryable || method.Name == "AsAsyncEnumerable")
                return MethodRole.Deferred;
            if (type.Name.EndsWith("QueryableExtensions", System.StringComparison.Ordinal)
                && (method.Name.EndsWith("Async", System.StringComparison.Ordinal) || method.Name == "Load"))
            {
                return MethodRole.Enumerating;
            }
        }

        return IsKnownEnumeratingMember(method, type) ? MethodRole.Enumerating : MethodRole.Unknown;
    }

    /// <summary>
    /// Whether a call hands its arguments to a logger whose formatter writes a sequence's items, where the level is on:
    /// Microsoft.Extensions.Logging's <c>Log*</c> and <c>BeginScope</c> extensions (<c>"{Ids}"</c> of a sequence is
    /// <c>"1, 2, 3"</c>) and the methods <c>[LoggerMessage]</c> generates, and Serilog's level methods and
    /// <c>ForContext</c> (a sequence property's elements).
    /// </summary>
    public static bool LogsItsArguments(IMethodSymbol method)
    {
        method = method.ReducedFrom ?? method;
        return method.ContainingType is { } type
            && ((type.Name == "LoggerExtensions" && IsIn(type.ContainingNamespace, "Microsoft", "Extensions", "Logging")
                    && (method.Name.StartsWith("Log", System.StringComparison.Ordinal) || method.Name == "BeginScope"))
                || (type.Name is "ILogger" or "Log" or "Logger" && IsWithin(type.ContainingNamespace, "Serilog")
                    && method.Name is "Verbose" or "Debug" or "Information" or "Warning" or "Error" or "Fatal" or "Write" or "ForContext")
                || method.GetAttributes().Any(static a => a.AttributeClass is { Name: "LoggerMessageAttribute" } attribute
                    && IsIn(attribute.ContainingNamespace, "Microsoft", "Extensions", "Logging")));
    }

    /// <summary>
    /// Whether <paramref name="operation"/> is rows Dapper has read into a list, typed <c>IEnumerable&lt;T&gt;</c>:
    /// <c>Query</c> and its multi-mapping forms, and a grid's <c>Read</c>, buffer unless told <c>buffered: false</c>;
    /// <c>QueryAsync</c> and <c>ReadAsync</c>, awaited, always do unless given a <c>CommandDefinition</c>, whose flags
    /// decide (unknown here). Reading that list twice is reading memory twice.
    /// </summary>
    public static bool IsBufferedRows(IOperation operation)
    {
        var call = operation is IAwaitOperation awaited ? awaited.Operation as IInvocationOperation : operation as IInvocationOperation;
        // Awaited through ConfigureAwait(false), as library code awaits.
        if (operation is IAwaitOperation && call is { TargetMethod.Name: "ConfigureAwait", Instance: IInvocationOperation configured })
            call = configured;
        if (call?.TargetMethod is not { Name: "Query" or "QueryAsync" or "Read" or "ReadAsync", ContainingType: { } type } method
            || (operation is IAwaitOperation) != method.Name.EndsWith("Async", System.StringComparison.Ordinal)
            || !(type.Name == "SqlMapper" || type is { Name: "GridReader", ContainingType.Name: "SqlMapper" })
            || !IsIn((type.ContainingType ?? type).ContainingNamespace, "Dapper"))
        {
            return false;
        }

        return call.Arguments.All(static argument => argument.Parameter is not { } parameter
            || (parameter.Type.Name != "CommandDefinition"
                && (parameter.Name != "buffered" || argument.ArgumentKind == ArgumentKind.DefaultValue || argument.Value.ConstantValue is { HasValue: true, Value: true })));
    }

    /// <summary>EF Core's <c>ExecuteDelete</c>, <c>ExecuteUpdate</c> and their async forms: a write of the rows a query selects.</summary>
    public static bool IsBulkWrite(IMethodSymbol method) => IsBulkWrite(method.Name);

    private static bool IsBulkWrite(string name) => name is "ExecuteDelete" or "ExecuteUpdate" or "ExecuteDeleteAsync" or "ExecuteUpdateAsync";

    /// <summary>A context's <c>SaveChanges</c>, its async form and overloads too.</summary>
    public static bool IsSave(string name) => name.StartsWith("SaveChanges", System.StringComparison.Ordinal);

    /// <summary>EF Core's raw SQL (<c>ExecuteSqlRaw</c>, <c>ExecuteSqlInterpolatedAsync</c>...), which gives the rows it changed.</summary>
    public static bool IsRawSqlWrite(string name) => name.StartsWith("ExecuteSql", System.StringComparison.Ordinal);

    /// <summary>
    /// Whether a method of this name writes the database at once: a save (<see cref="IsSave"/>), a bulk write
    /// (<see cref="IsBulkWrite(IMethodSymbol)"/>), raw SQL (<see cref="IsRawSqlWrite"/>).
    /// </summary>
    public static bool WritesTheDatabase(string name) => IsSave(name) || IsRawSqlWrite(name) || IsBulkWrite(name);

    /// <summary>
    /// Query operators whose result one query over their source could serve: they order the rows,
    /// project each row to one value (<c>Select</c>, <c>Cast</c>), drop duplicate values (<c>Distinct</c>,
    /// as in a distinct count), or only change how the rows are loaded (EF Core's <c>AsNoTracking</c>,
    /// <c>Include</c>, <c>TagWith</c>...): executing the result executes the source query. Any other
    /// operator makes a different query: it filters (<c>Where</c>, <c>OfType</c>, EF Core's <c>IgnoreQueryFilters</c>,
    /// which brings back the rows the model's global filters leave out), pages (<c>Skip</c>,
    /// <c>Take</c>), flattens, groups, joins or combines (<c>SelectMany</c>, <c>GroupBy</c>, <c>Join</c>,
    /// <c>Concat</c>, <c>Union</c>...).
    /// </summary>
    public static bool KeepsRows(IMethodSymbol method) =>
        (method.ReducedFrom ?? method).Name is "Select" or "Cast" or "Distinct"
            or "OrderBy" or "OrderByDescending" or "ThenBy" or "ThenByDescending"
            or "Order" or "OrderDescending" or "AsQueryable" or "AsNoTracking" or "AsNoTrackingWithIdentityResolution"
            or "AsTracking" or "Include" or "ThenInclude" or "TagWith" or "TagWithCallSite" or "AsSplitQuery"
            or "AsSingleQuery" or "IgnoreAutoIncludes";

    /// <summary>
    /// A link over a whole set that leaves a whole set, whose lookups by different keys are different queries: one that
    /// keeps its rows, or EF Core's <c>IgnoreQueryFilters</c> (another query than the set's, with the rows its global
    /// filters leave out back, but every row of the table all the same).
    /// </summary>
    public static bool KeepsWholeSet(IMethodSymbol method) => KeepsRows(method) || (method.ReducedFrom ?? method).Name == "IgnoreQueryFilters";

    /// <summary>
    /// What executing a query with <paramref name="method"/> asks of it: an aggregate that one fused query computes
    /// beside others (<c>Count</c>, <c>Sum</c>, <c>Max</c>, <c>Any</c>..., as "Fuse into one query" does), one row
    /// or fact it looks up (<c>First</c>, <c>Single</c>, <c>Last</c>, <c>ElementAt</c>, <c>Contains</c>), or the
    /// rows themselves (<c>ToList</c>, <c>foreach</c>, anything else). Async forms count as their synchronous ones. An
    /// <c>[Aggregate]</c> method is an aggregate whatever its name: one query computes its values, and could compute
    /// others beside them.
    /// </summary>
    public static QueryExecutionKind ExecutionKindOf(IMethodSymbol method, MethodRole role) =>
        role == MethodRole.EnumeratingSource ? QueryExecutionKind.Aggregate : OperatorName(method) switch
        {
            "Count" or "LongCount" or "Sum" or "Min" or "Max" or "Average" or "Any" or "All" => QueryExecutionKind.Aggregate,
            "First" or "FirstOrDefault" or "Single" or "SingleOrDefault" or "Last" or "LastOrDefault"
                or "ElementAt" or "ElementAtOrDefault" or "Contains" => QueryExecutionKind.Lookup,
            _ => QueryExecutionKind.Rows,
        };

    /// <summary>
    /// A method marked <c>[MultiAgg.Aggregate]</c> (<see cref="MethodRole.EnumeratingSource"/>): whatever its name (a
    /// user's <c>Count</c> is no LINQ operator), it reads its source once, as its generated body does.
    /// </summary>
    private static bool IsAggregateMethod(IMethodSymbol method)
    {
        foreach (var attribute in method.GetAttributes())
        {
            if (attribute.AttributeClass is { Name: "AggregateAttribute" } type && IsIn(type.ContainingNamespace, "MultiAgg"))
                return true;
        }

        return false;
    }

    /// <summary>An operator's name, its async form's as its synchronous one's (<c>CountAsync</c> is <c>Count</c>).</summary>
    public static string OperatorName(IMethodSymbol method)
    {
        var name = (method.ReducedFrom ?? method).Name;
        return name.EndsWith("Async", System.StringComparison.Ordinal) ? name.Substring(0, name.Length - "Async".Length) : name;
    }

    /// <summary>
    /// A view of its source that keeps nothing: <c>Enumerable.AsEnumerable</c>, which returns its source unchanged,
    /// <c>AsyncEnumerable.ToAsyncEnumerable</c>, which reads it anew on each enumeration, and <c>WithCancellation</c> and
    /// <c>ConfigureAwait</c>, which only configure how <c>await foreach</c> reads it. Over a collection, each is a
    /// collection too.
    /// </summary>
    public static bool IsView(IMethodSymbol method)
    {
        if ((method.ReducedFrom ?? method) is not { ContainingType: { } type } original)
            return false;
        if (original.Name is "WithCancellation" or "ConfigureAwait")
        {
            return type.Name == "TaskAsyncEnumerableExtensions" && IsIn(type.ContainingNamespace, "System", "Threading", "Tasks")
                   || IsConfiguredAsyncEnumerable(type);
        }

        return (original.Name, type.Name) is ("AsEnumerable", "Enumerable") or ("ToAsyncEnumerable", "AsyncEnumerable")
               && IsIn(type.ContainingNamespace, "System", "Linq");
    }

    /// <summary><c>Skip</c> or <c>Take</c>: a page of its source query.</summary>
    public static bool Pages(IMethodSymbol method) => (method.ReducedFrom ?? method).Name is "Skip" or "Take";

    private static bool IsLinqOperatorType(INamedTypeSymbol type) =>
        type.Name is "Enumerable" or "Queryable" or "AsyncEnumerable" or "ParallelEnumerable"
        && IsIn(type.ContainingNamespace, "System", "Linq");

    /// <summary>BCL members that read a whole sequence argument before they return.</summary>
    private static bool IsKnownEnumeratingMember(IMethodSymbol method, INamedTypeSymbol type)
    {
        // Constructors and bulk methods of collections: new List<T>(xs), AddRange, UnionWith,
        // SetEquals, ImmutableArray.CreateRange, ToFrozenSet... whose parameter is a sequence as declared. One that
        // is a sequence only because a type argument made it so stores the sequence as an item
        // (Dictionary<string, IEnumerable<Order>>.Add(key, orders), List<IEnumerable<T>>.Add): no enumeration.
        if (IsWithin(type.ContainingNamespace, "System", "Collections"))
        {
            foreach (var parameter in method.OriginalDefinition.Parameters)
            {
                if (IsSequenceParameter(parameter))
                    return true;
            }

            return false;
        }

        return type.SpecialType == SpecialType.System_String && method.Name is "Join" or "Concat"
            || (type.Name == "Task" && IsIn(type.ContainingNamespace, "System", "Threading", "Tasks") && method.Name is "WhenAll" or "WhenAny" or "WhenEach" or "WaitAll")
            || (type.Name == "Parallel" && IsIn(type.ContainingNamespace, "System", "Threading", "Tasks") && method.Name is "ForEach" or "ForEachAsync")
            || (type.Name == "StringBuilder" && IsIn(type.ContainingNamespace, "System", "Text") && method.Name == "AppendJoin")
            || (type.Name == "File" && IsIn(type.ContainingNamespace, "System", "IO")
                && method.Name is "WriteAllLines" or "AppendAllLines" or "WriteAllLinesAsync" or "AppendAllLinesAsync")
            || IsEntityRange(method);
    }

    /// <summary>
    /// EF Core's change tracking of many entities at once (<c>DbSet&lt;T&gt;.AddRange</c>, <c>DbContext.UpdateRange</c>,
    /// their async forms): it reads the entities before it returns, and not the set or context it is called on, which
    /// runs no query.
    /// </summary>
    public static bool IsEntityRange(IMethodSymbol method) =>
        method.Name is "AddRange" or "AddRangeAsync" or "AttachRange" or "UpdateRange" or "RemoveRange"
        && method.ContainingType is { Name: "DbSet" or "DbContext" } type && IsIn(type.ContainingNamespace, "Microsoft", "EntityFrameworkCore");

    /// <summary>
    /// <c>Enumerable.Cast&lt;TResult&gt;</c> of a source that already is an <c>IEnumerable&lt;TResult&gt;</c> by its type
    /// (<c>names.Cast&lt;object&gt;()</c> of a <c>List&lt;string&gt;</c>): LINQ returns the source itself.
    /// </summary>
    public static bool CastsToItsOwnType(IInvocationOperation invocation, Compilation compilation)
    {
        var method = invocation.TargetMethod.ReducedFrom ?? invocation.TargetMethod;
        if (method is not { Name: "Cast", ContainingType: { Name: "Enumerable" } type } || !IsIn(type.ContainingNamespace, "System", "Linq")
            || invocation.TargetMethod.TypeArguments.Length != 1)
        {
            return false;
        }

        var result = invocation.TargetMethod.TypeArguments[0];

        var source = invocation.Arguments.FirstOrDefault()?.Value ?? invocation.Instance;
        while (source is IConversionOperation { Conversion.IsImplicit: true } conversion)
            source = conversion.Operand;
        if (source?.Type is not { } sourceType)
            return false;
        var conversionToResult = compilation.ClassifyCommonConversion(
            sourceType, compilation.GetSpecialType(SpecialType.System_Collections_Generic_IEnumerable_T).Construct(result));
        return conversionToResult.IsIdentity || (conversionToResult.IsImplicit && conversionToResult.IsReference);
    }

    /// <summary>
    /// Methods whose delegate arguments run once per element, so what they enumerate is enumerated many times: LINQ's
    /// (<c>ImmutableArray&lt;T&gt;</c>'s own included), the searches and conversions of <c>List&lt;T&gt;</c>,
    /// <c>Array</c> and the immutable lists and arrays and their builders (<c>RemoveAll</c>, <c>Exists</c>,
    /// <c>ConvertAll</c>, a <c>Sort</c> comparison...), a set's <c>RemoveWhere</c>, <c>Parallel</c>'s loops, a query
    /// provider's <c>ForEachAsync</c> (EF Core's), which runs its action for each row, and any <c>ForEach</c> or
    /// <c>ForEachAsync</c> extension of a sequence that takes one delegate (MoreLINQ's, a project's own; a token beside it,
    /// not a completion callback), as its name says.
    /// </summary>
    public static bool RunsDelegatePerElement(IMethodSymbol method)
    {
        var type = (method.ReducedFrom ?? method).ContainingType;
        if (type is null)
            return false;
        if (IsLinqOperatorType(type) || (type.Name == "ImmutableArrayExtensions" && IsIn(type.ContainingNamespace, "System", "Linq")))
            return true;
        var generic = IsIn(type.ContainingNamespace, "System", "Collections", "Generic");
        var immutable = IsIn(type.ContainingNamespace, "System", "Collections", "Immutable")
            && (type.Name is "ImmutableList" or "ImmutableArray" || (type.Name == "Builder" && type.ContainingType?.Name is "ImmutableList" or "ImmutableArray"));
        return (type.SpecialType == SpecialType.System_Array || (generic && type.Name == "List") || immutable)
                && method.Name is "ForEach" or "RemoveAll" or "FindAll" or "Find" or "FindIndex" or "FindLast" or "FindLastIndex" or "Exists" or "TrueForAll" or "ConvertAll" or "Sort"
            || (generic && type.Name is "HashSet" or "SortedSet" && method.Name == "RemoveWhere")
            || (type.Name == "Parallel" && method.Name is "ForEach" or "For" or "ForAsync" or "ForEachAsync")
            || (type.Name.EndsWith("QueryableExtensions", System.StringComparison.Ordinal) && method.Name == "ForEachAsync")   // a provider's, EF Core's: per row
            || (method.Name is "ForEach" or "ForEachAsync" && (method.ReducedFrom ?? method) is { IsExtensionMethod: true, Parameters: { Length: >= 2 } parameters }
                && IsSequenceLike(parameters[0].Type) && parameters[1].Type.TypeKind == TypeKind.Delegate
                && !parameters.Skip(2).Any(static p => p.Type.TypeKind == TypeKind.Delegate));
    }

    /// <summary>Whether a <c>catch</c>'s last statement throws (<c>throw;</c>, <c>throw new ...</c>): it does not go on after what failed.</summary>
    public static bool EndsByThrowing(CatchClauseSyntax handler) => handler.Block.Statements.LastOrDefault() is ThrowStatementSyntax;

    /// <summary>The outermost operation <paramref name="operation"/> hangs off: a member's body, an initializer...</summary>
    public static IOperation RootOf(IOperation operation)
    {
        while (operation.Parent is not null)
            operation = operation.Parent;
        return operation;
    }

    /// <summary>
    /// Whether <paramref name="operation"/> runs only to fill a cache that then stays filled: it is the value of
    /// <c>cache ??= ...</c>, the right side of <c>cache ?? (cache = ...)</c>, or inside the branch of <c>if (cache is null)</c>
    /// (<c>== null</c>, <c>if (!loaded)</c>, <c>if (first)</c>) that sets the variable tested (to a value that cannot be
    /// null; a flag to <c>true</c>, or a first-time flag to <c>false</c>) whatever path it takes and to nothing else, with
    /// no loop, lambda or local function between the guard and the operation, where the variable lives longer than what
    /// runs the guard again (declared outside its loops and functions) and nothing else in the member sets it. Run again (a local function called twice, a loop), it finds the cache filled and runs no more.
    /// </summary>
    public static bool FillsCache(IOperation operation)
    {
        for (IOperation child = operation, parent = operation.Parent!; parent is not null; child = parent, parent = parent.Parent!)
        {
            // What repeats below the guard repeats the operation within one filling (`if (!loaded) foreach (...)`); a
            // foreach's own collection is read once per loop (`if (byId is null) foreach (var o in orders) ...`).
            if (parent is ILoopOperation or IAnonymousFunctionOperation or ILocalFunctionOperation
                && !(parent is IForEachLoopOperation loop && loop.Collection == child))
            {
                return false;
            }

            // The variable tested, the part that runs while it is unset, and for a flag the value that marks it set (else a null test).
            var (cache, fill, flag) = parent switch
            {
                ICoalesceAssignmentOperation assignment when assignment.Value == child => (CacheVariable(assignment.Target), parent, null),
                ICoalesceOperation coalesce when coalesce.WhenNull == child => (CacheVariable(coalesce.Value), child, null),
                IConditionalOperation conditional when child == conditional.WhenTrue || child == conditional.WhenFalse
                    => TestedAsUnset(conditional.Condition, whenTrue: child == conditional.WhenTrue) is { } tested ? (tested.Variable, child, tested.SetTo) : default,
                _ => default((ISymbol?, IOperation?, bool?)),
            };
            // A test that guards no cache (`if (withHeader)` inside `if (!loaded)`) may sit inside one that does: look further out.
            if (cache is not null && fill is not null && Sets(fill, cache, flag) && OutlivesRepeats(cache, parent) && !Writes(RootOf(parent), cache, except: fill))
                return true;
        }

        return false;

        // A local, a parameter, or a field or property of this object or of the type.
        static ISymbol? CacheVariable(IOperation operation) => WithoutConversions(operation) switch
        {
            ILocalReferenceOperation local => local.Local,
            IParameterReferenceOperation parameter => parameter.Parameter,
            IFieldReferenceOperation { Instance: null or IInstanceReferenceOperation } field => field.Field,
            IPropertyReferenceOperation { Instance: null or IInstanceReferenceOperation, Arguments.Length: 0 } property => property.Property,
            _ => null,
        };

        // The variable a condition tests, when the branch it chooses (true or false) is the one taken while the cache is
        // unset; for a flag, the value that marks it set: true where the branch runs while it is false (`if (!loaded)`),
        // false where it runs while it is true (`if (first)`).
        static (ISymbol Variable, bool? SetTo)? TestedAsUnset(IOperation condition, bool whenTrue)
        {
            condition = WithoutConversions(condition);
            if (condition is IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not)
                return TestedAsUnset(not.Operand, !whenTrue);
            var (tested, setTo) = condition switch
            {
                IIsPatternOperation { Pattern: IConstantPatternOperation { Value: var constant } } test when whenTrue && IsNull(constant) => (test.Value, null),
                IIsPatternOperation { Pattern: INegatedPatternOperation { Pattern: IConstantPatternOperation { Value: var constant } } } test when !whenTrue && IsNull(constant)
                    => (test.Value, null),
                IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } test
                    when whenTrue == (test.OperatorKind == BinaryOperatorKind.Equals) && (IsNull(test.RightOperand) || IsNull(test.LeftOperand))
                    => (IsNull(test.RightOperand) ? test.LeftOperand : test.RightOperand, null),
                { Type.SpecialType: SpecialType.System_Boolean } read when !whenTrue => (read, true),
                // A first-time flag, true until its branch clears it: a local's or a parameter's only. A field that is
                // true until cleared is the dirty-flag idiom, which other members set again (`_dirty = true` in Add).
                { Type.SpecialType: SpecialType.System_Boolean } read when WithoutConversions(read) is ILocalReferenceOperation or IParameterReferenceOperation
                    => (read, false),
                _ => default((IOperation?, bool?)),
            };
            return tested is not null && CacheVariable(tested) is { } variable ? (variable, setTo) : null;
        }

        static bool IsNull(IOperation operation) => WithoutConversions(operation).ConstantValue is { HasValue: true, Value: null };

        // Whether the fill sets the variable on every path through it, and only ever sets it so: a flag to the value that
        // marks it set, else to a value that cannot be null. (`retry = false; ... catch { retry = true; }` sets it back.)
        static bool Sets(IOperation fill, ISymbol variable, bool? flag)
        {
            // A reset in a catch that rethrows (`catch { loaded = false; throw; }`) ends the member's run: it sets nothing back.
            var writes = fill.DescendantsAndSelf()
                .Where(operation => WrittenBy(operation).Any(target => SymbolEqualityComparer.Default.Equals(CacheVariable(target), variable)) && !InRethrowingCatch(operation, fill))
                .ToList();
            return writes.All(write => write is IAssignmentOperation and not (IDeconstructionAssignmentOperation or ICompoundAssignmentOperation) && Marks((IAssignmentOperation)write))
                && writes.Any(write => Unconditional(write, fill));

            bool Marks(IAssignmentOperation assignment) => flag is { } setTo
                ? WithoutConversions(assignment.Value).ConstantValue is { HasValue: true, Value: bool value } && value == setTo
                : !MayBeNull(assignment.Value);
        }

        // In a catch that leaves only by throwing (it ends in a throw and jumps nowhere else), with no catch further out in
        // the member that could take the exception and go round again.
        static bool InRethrowingCatch(IOperation operation, IOperation within)
        {
            for (var ancestor = operation.Parent; ancestor is not null && ancestor != within; ancestor = ancestor.Parent)
            {
                if (ancestor is ICatchClauseOperation { Syntax: CatchClauseSyntax syntax } clause && EndsByThrowing(syntax)
                    && !clause.Handler.Descendants().Any(static jump => jump is IBranchOperation or IReturnOperation))
                {
                    for (var outer = clause.Parent?.Parent; outer is not null; outer = outer.Parent)
                    {
                        if (outer is ITryOperation { Catches.Length: > 0 })
                            return false;
                    }

                    return true;
                }
            }

            return false;
        }

        // Reached whenever the fill runs: nested only in blocks, statements, locks, usings and a try's body or finally, with
        // no return, break, continue or goto of the fill before it (`if (rows.Count == 0) continue;`).
        static bool Unconditional(IOperation operation, IOperation within)
        {
            for (IOperation child = operation, ancestor = operation; ancestor != within; child = ancestor)
            {
                ancestor = ancestor.Parent!;
                var runs = ancestor switch
                {
                    IBlockOperation or IExpressionStatementOperation or IConversionOperation or ISimpleAssignmentOperation
                        or ILockOperation or IUsingOperation => true,
                    ITryOperation attempt => child == attempt.Body || child == attempt.Finally,
                    _ => false,
                };
                if (!runs)
                    return false;
            }

            return !within.DescendantsAndSelf().Any(exit => exit.Syntax.SpanStart < operation.Syntax.SpanStart && LeavesFill(exit, within));
        }

        // A return, or a break, continue or goto that is not one of a loop or switch inside the fill, outside the functions it declares.
        static bool LeavesFill(IOperation exit, IOperation within)
        {
            if (exit is not (IReturnOperation or IBranchOperation))
                return false;
            for (var ancestor = exit.Parent; ancestor is not null && ancestor != within; ancestor = ancestor.Parent)
            {
                if (ancestor is IAnonymousFunctionOperation or ILocalFunctionOperation
                    || (exit is IBranchOperation && ancestor is ILoopOperation or ISwitchOperation))
                {
                    return false;
                }
            }

            return true;
        }

        // Null, Nullable<T>, a reference annotated so, what a member declares it may give (FirstOrDefault's TSource?, which
        // also holds where the caller's code has no nullable annotations), an `as` cast, `?.`, and a `??` or `?:` that may
        // end in one of those.
        static bool MayBeNull(IOperation value)
        {
            for (; value is IConversionOperation conversion; value = conversion.Operand)
            {
                if (conversion.IsTryCast)
                    return true;
            }

            return value switch
            {
                IConditionalAccessOperation => true,
                ICoalesceOperation coalesce => MayBeNull(coalesce.WhenNull),
                IConditionalOperation { WhenFalse: { } whenFalse } conditional => MayBeNull(conditional.WhenTrue) || MayBeNull(whenFalse),
                _ => IsNull(value) || value is IDefaultValueOperation
                    || value.Type is { IsReferenceType: true, NullableAnnotation: NullableAnnotation.Annotated }
                    || value.Type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T }
                    || (value.Type is { IsValueType: false } && value switch
                    {
                        IInvocationOperation invocation => invocation.TargetMethod.OriginalDefinition.ReturnNullableAnnotation == NullableAnnotation.Annotated,
                        IPropertyReferenceOperation property => property.Property.OriginalDefinition.NullableAnnotation == NullableAnnotation.Annotated,
                        _ => false,
                    }),
            };
        }

        // A local or parameter declared inside a loop or function around the guard is a new variable each time it runs.
        static bool OutlivesRepeats(ISymbol variable, IOperation guard)
        {
            if (variable is not (ILocalSymbol or IParameterSymbol) || variable.Locations.FirstOrDefault() is not { IsInSource: true } declared)
                return true;
            for (var ancestor = guard.Parent; ancestor is not null; ancestor = ancestor.Parent)
            {
                if (ancestor is ILoopOperation or IAnonymousFunctionOperation or ILocalFunctionOperation
                    && ancestor.Syntax.SyntaxTree == declared.SourceTree && ancestor.Syntax.Span.Contains(declared.SourceSpan))
                {
                    return false;
                }
            }

            return true;
        }

        // Any other write of the variable: an assignment, a deconstruction, a ref or out argument, a ref local made of it.
        static bool Writes(IOperation scope, ISymbol variable, IOperation except) => scope.Descendants().Any(operation =>
            !except.Syntax.Span.Contains(operation.Syntax.Span) && WrittenBy(operation).Any(target => SymbolEqualityComparer.Default.Equals(CacheVariable(target), variable)));

        static IEnumerable<IOperation> WrittenBy(IOperation operation) => operation switch
        {
            IIncrementOrDecrementOperation change => new[] { change.Target },
            IVariableDeclaratorOperation { Symbol.RefKind: not RefKind.None, Initializer.Value: var aliased } => new[] { aliased },
            _ => AssignedTargets(operation),
        };
    }

    /// <summary>What <paramref name="operation"/> assigns: an assignment's target, each element a deconstruction assigns, a <c>ref</c> or <c>out</c> argument.</summary>
    public static IEnumerable<IOperation> AssignedTargets(IOperation operation) => operation switch
    {
        IDeconstructionAssignmentOperation { Target: var tuple } => Elements(tuple),
        IAssignmentOperation { Target: var target } => new[] { target },
        IArgumentOperation { Parameter.RefKind: RefKind.Out or RefKind.Ref, Value: var value } => new[] { value },
        _ => Array.Empty<IOperation>(),
    };

    private static IEnumerable<IOperation> Elements(IOperation target) => target is ITupleOperation tuple
        ? tuple.Elements.SelectMany(Elements)
        : new[] { target is IDeclarationExpressionOperation declaration ? declaration.Expression : target };

    /// <summary>The value under every conversion of <paramref name="operation"/> (implicit or written).</summary>
    public static IOperation WithoutConversions(IOperation operation)
    {
        while (operation is IConversionOperation conversion)
            operation = conversion.Operand;
        return operation;
    }

    /// <summary>The function or delegate value a delegate is made from, through conversions and <c>new Func&lt;T&gt;(...)</c>.</summary>
    public static IOperation DelegateBehind(IOperation operation)
    {
        while (operation is IDelegateCreationOperation or IConversionOperation)
            operation = operation is IDelegateCreationOperation creation ? creation.Target : ((IConversionOperation)operation).Operand;
        return operation;
    }

    /// <summary>
    /// A lambda <c>SelectMany</c> flattens what it returns (its collection selector): the sequence it returns is
    /// enumerated once per element (<c>from x in xs from y in ys</c> reads <c>ys</c> for every <c>x</c>).
    /// </summary>
    public static bool IsFlattenedBy(IOperation function) =>
        PassedAs(function) is { Parameter.Name: "collectionSelector" or "selector", Parent: IInvocationOperation { TargetMethod: { Name: "SelectMany" } method } }
            && IsLinqOperatorType((method.ReducedFrom ?? method).ContainingType);

    /// <summary>The argument a lambda or method group is passed as, through conversions and <c>new Func&lt;T&gt;(...)</c>; null for none.</summary>
    public static IArgumentOperation? PassedAs(IOperation function)
    {
        var parent = function.Parent;
        while (parent is IDelegateCreationOperation or IConversionOperation)
            parent = parent.Parent;
        return parent as IArgumentOperation;
    }

    /// <summary>A lambda or method group passed to LINQ or <c>ForEach</c>, which run it once per element.</summary>
    public static bool RunsPerElement(IOperation function) =>
        PassedAs(function) is { Parent: IInvocationOperation invocation } argument && TakesDelegate(argument) && RunsDelegatePerElement(invocation.TargetMethod)
            && !RunsOnce(argument);

    /// <summary>
    /// A lambda or method group run once for each time the code around it runs: one an EF Core execution strategy or a
    /// Polly pipeline or policy runs where it is called, and again on a transient failure
    /// (<c>strategy.ExecuteAsync(() =&gt; db.Orders.ToListAsync())</c>),
    /// or one started as a task of its own (<c>Task.Run</c>, <c>TaskFactory.StartNew</c>): part of the code around it, not
    /// a callback for later.
    /// </summary>
    public static bool RunsWhereCalled(IOperation function)
    {
        if (PassedAs(function) is not { Parent: IInvocationOperation { TargetMethod: var called } } argument || !TakesDelegate(argument))
            return false;

        var method = called.ReducedFrom ?? called;
        if ((method.ContainingType.Name, method.Name) is ("Task", "Run") or ("TaskFactory", "StartNew")
            && IsIn(method.ContainingType.ContainingNamespace, "System", "Threading", "Tasks"))
        {
            return true;
        }

        // EF Core's execution strategy, and Polly's pipelines and policies (`pipeline.ExecuteAsync(async ct => ...)`, a
        // retry's, a circuit breaker's), which run the lambda there and again on a transient failure.
        return method.Name.StartsWith("Execute", System.StringComparison.Ordinal)
            && (IsExecutionStrategy(method.ContainingType) || (method.IsExtensionMethod && IsExecutionStrategy(method.Parameters[0].Type))
                || IsWithin(method.ContainingType.ContainingNamespace, "Polly"));

        static bool IsExecutionStrategy(ITypeSymbol type) => IsIExecutionStrategy(type) || type.AllInterfaces.Any(IsIExecutionStrategy);

        static bool IsIExecutionStrategy(ITypeSymbol type) =>
            type is INamedTypeSymbol { Name: "IExecutionStrategy" } && IsIn(type.ContainingNamespace, "Microsoft", "EntityFrameworkCore", "Storage");
    }

    /// <summary>A delegate argument of a method that runs the others per element, which it runs once: <c>Aggregate</c>'s (<c>AggregateAsync</c>'s) result selector.</summary>
    public static bool RunsOnce(IArgumentOperation argument) =>
        argument.Parameter is { Name: "resultSelector", ContainingSymbol: IMethodSymbol { Name: "Aggregate" or "AggregateAsync" } };

    /// <summary>Whether the parameter an argument is passed to is a delegate as declared (<c>Contains(TSource)</c> given a delegate does not call it).</summary>
    public static bool TakesDelegate(IArgumentOperation argument) =>
        argument.Parameter?.OriginalDefinition.Type.TypeKind == TypeKind.Delegate;

    /// <summary>A lambda converted to an expression tree: data for a query provider, never run by the method.</summary>
    public static bool IsQuoted(IOperation function)
    {
        for (var parent = function.Parent; parent is IConversionOperation or IDelegateCreationOperation; parent = parent.Parent)
        {
            for (var type = parent.Type; type is not null; type = type.BaseType)
            {
                if (type.Name == "LambdaExpression" && IsIn(type.ContainingNamespace, "System", "Linq", "Expressions"))
                    return true;
            }
        }

        return false;
    }

    private static bool HasSequenceParameter(IMethodSymbol method)
    {
        foreach (var parameter in method.Parameters)
        {
            if (IsSequenceParameter(parameter))
                return true;
        }

        return false;
    }

    private static bool HasQueryableParameter(IMethodSymbol method)
    {
        foreach (var parameter in method.Parameters)
        {
            if (KindOf(parameter.Type) == SequenceKind.Queryable)
                return true;
        }

        return false;
    }

    /// <summary>True when <paramref name="ns"/> is exactly the namespace <paramref name="names"/>.</summary>
    public static bool IsIn(INamespaceSymbol? ns, params string[] names)
    {
        for (var i = names.Length - 1; i >= 0; i--)
        {
            if (ns is null || ns.IsGlobalNamespace || ns.Name != names[i])
                return false;
            ns = ns.ContainingNamespace;
        }

        return ns is { IsGlobalNamespace: true };
    }

    /// <summary>True when <paramref name="ns"/> is the namespace <paramref name="names"/> or one nested in it.</summary>
    public static bool IsWithin(INamespaceSymbol? ns, params string[] names)
    {
        for (; ns is { IsGlobalNamespace: false }; ns = ns.ContainingNamespace)
        {
            if (IsIn(ns, names))
                return true;
        }

        return false;
    }
}
