namespace MultiAgg.Generators.Specs;

/// <summary>How a method with a <c>ParallelOptions</c> parameter cuts its source into blocks (DESIGN.md §7).</summary>
internal enum ParallelSplit
{
    /// <summary>Ranges of indices: arrays, lists, <c>ImmutableArray&lt;T&gt;</c>, memory.</summary>
    Ranges,

    /// <summary>Chunks pulled in order from the source's one enumerator, under a lock.</summary>
    Chunks,
}

/// <summary>
/// A method that aggregates on several workers: each block of the source goes through the same fused loop into a
/// state of its own (<paramref name="StateType"/>, a struct of the accumulators declared beside the method), and the
/// states are merged in block order by <c>MultiAgg.Runtime.ParallelAggregation</c>.
/// </summary>
/// <param name="OptionsName">The <c>ParallelOptions</c> parameter.</param>
/// <param name="LengthExpression">For <see cref="ParallelSplit.Ranges"/>: the number of elements, with <c>{0}</c> for the source.</param>
internal sealed record ParallelSpec(string OptionsName, ParallelSplit Split, string? LengthExpression, string StateType);
