namespace MultiAgg.Generators.Specs;

/// <summary>How a method with a <c>ParallelOptions</c> parameter runs concurrently (DESIGN.md §7).</summary>
internal enum ParallelSplit
{
    /// <summary>Ranges of indices: arrays, lists, <c>ImmutableArray&lt;T&gt;</c>, memory.</summary>
    Ranges,

    /// <summary>Chunks pulled in order from the source's one enumerator, under a lock.</summary>
    Chunks,

    /// <summary>
    /// An async method (awaited selectors, or an <c>IAsyncEnumerable&lt;T&gt;</c> source): elements started one at a
    /// time into a window of concurrent evaluations of their user code, whose values the method folds itself.
    /// </summary>
    Window,
}

/// <summary>
/// A method that aggregates concurrently. With blocks (<see cref="ParallelSplit.Ranges"/>, <see cref="ParallelSplit.Chunks"/>)
/// each block of the source goes through the same fused loop into a state of its own (<paramref name="NestedType"/>, a
/// struct of the accumulators declared beside the method), and the states are merged in block order by
/// <c>MultiAgg.Runtime.ParallelAggregation</c>. With a <see cref="ParallelSplit.Window"/>, <paramref name="NestedType"/>
/// holds one element's evaluated filters, values and key, which <c>MultiAgg.Runtime.EvaluationWindow</c> hands back.
/// </summary>
/// <param name="OptionsName">The <c>ParallelOptions</c> parameter.</param>
/// <param name="LengthExpression">For <see cref="ParallelSplit.Ranges"/>: the number of elements, with <c>{0}</c> for the source.</param>
/// <param name="ReadsChunksAsSpans">
/// For <see cref="ParallelSplit.Chunks"/>: a chunk's buffer is read as a span, to its length, with no bounds check per
/// element (where the compilation has <c>ReadOnlySpan&lt;T&gt;</c>; else by index, to the chunk's count).
/// </param>
internal sealed record ParallelSpec(string OptionsName, ParallelSplit Split, string? LengthExpression, string NestedType, bool ReadsChunksAsSpans = false);
