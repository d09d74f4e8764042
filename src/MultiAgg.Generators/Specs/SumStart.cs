namespace MultiAgg.Generators.Specs;

/// <summary>
/// Where a floating-point or decimal Average's sum starts. System.Linq seeds it with the first value (so the average of
/// <c>{ -0.0 }</c> is <c>-0.0</c>, of <c>{ -0m }</c> <c>-0m</c>), except where it reads a <c>T[]</c> or <c>List&lt;T&gt;</c>
/// as a span (that exact type: not a class derived from it), and in <c>AverageAsync</c>: there it starts at zero. For
/// <c>double</c>, seeding with <c>-0.0</c> is the same as seeding with the first value, since <c>-0.0 + x</c> is <c>x</c>
/// for every <c>x</c>; no <c>decimal</c> does that (<c>-0m + 0m</c> is <c>-0m</c>), so its first value is taken as the
/// sum (see <c>RunningSumAccumulator</c>).
/// </summary>
internal enum SumStart
{
    Zero,
    FirstValue,

    /// <summary>An interface-typed source: <c>+0.0</c> if it is a <c>T[]</c> or exactly a <c>List&lt;T&gt;</c> at run time.</summary>
    ZeroForArraysAndLists,

    /// <summary>A <c>List&lt;T&gt;</c> parameter: <c>+0.0</c> unless it is a class derived from <c>List&lt;T&gt;</c> at run time.</summary>
    ZeroForExactLists,
}
