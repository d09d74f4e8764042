namespace MultiAgg.Generators.Specs;

/// <summary>How the loop walks the source; each kind is the fastest iteration its static type allows.</summary>
internal enum SourceKind
{
    /// <summary><c>foreach</c> over the static type (struct enumerators, interfaces, other collections).</summary>
    Foreach,

    /// <summary>
    /// An index loop over contiguous memory: <see cref="SourceSpec.SpanExpression"/> is an array or a
    /// <c>ReadOnlySpan&lt;T&gt;</c>/<c>Span&lt;T&gt;</c> of the source. (Not <c>foreach</c>: on .NET 9+ span
    /// enumerators implement <c>IEnumerator&lt;T&gt;</c>, which C# before 13 rejects.)
    /// </summary>
    Span,

    /// <summary>An index loop over <c>IList&lt;T&gt;</c>/<c>IReadOnlyList&lt;T&gt;</c>: no enumerator allocation.</summary>
    IndexedList,

    /// <summary><c>await foreach</c> over an <c>IAsyncEnumerable&lt;T&gt;</c>.</summary>
    AsyncForeach,

    /// <summary>
    /// An <c>IQueryable&lt;T&gt;</c>: no loop. One query groups the rows (by a constant, or by the [GroupBy] key) and
    /// projects every aggregate of a group into one row, which its provider computes (see the query emitter).
    /// </summary>
    Query,
}

/// <summary>What the method checks about its source before reading it.</summary>
internal enum SourceGuard
{
    None,

    /// <summary>A reference: <c>ArgumentNullException</c> when null, as LINQ throws.</summary>
    NotNull,

    /// <summary>An <c>ImmutableArray&lt;T&gt;</c>: <c>InvalidOperationException</c> when default, as LINQ gets from it.</summary>
    NotDefault,
}

/// <summary>
/// The source parameter. <paramref name="SpanExpression"/> (with <c>{0}</c> for the parameter) views it
/// as contiguous memory when <paramref name="Kind"/> is <see cref="SourceKind.Span"/>;
/// <paramref name="RuntimeSpans"/> says which collections an interface-typed source is tested for at run
/// time, as LINQ does, to take the span path. <paramref name="ThroughInterface"/> has a <see cref="SourceKind.Foreach"/>
/// loop enumerate <c>IEnumerable&lt;T&gt;</c>, not the type's public <c>GetEnumerator()</c>, whose ref struct
/// enumerator cannot live across the loop's awaits.
/// </summary>
internal sealed record SourceSpec(
    SourceKind Kind,
    string ParameterName,
    string ElementType,
    SourceGuard Guard,
    string? SpanExpression,
    RuntimeSpans RuntimeSpans,
    bool ThroughInterface = false)
{
    public bool MayBeContiguous => RuntimeSpans != RuntimeSpans.None;
}

/// <summary>Which contiguous collections behind an interface-typed source the loop reads as a span.</summary>
internal enum RuntimeSpans
{
    None,

    /// <summary>
    /// <c>T[]</c> only: user code runs per element (a selector, a filter, a key, a custom accumulator) and
    /// could modify a <c>List&lt;T&gt;</c>, which its enumerator reports and a span would not.
    /// </summary>
    Arrays,

    /// <summary><c>T[]</c> and <c>List&lt;T&gt;</c>.</summary>
    ArraysAndLists,
}
