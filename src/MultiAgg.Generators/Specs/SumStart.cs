namespace MultiAgg.Generators.Specs;

/// <summary>
/// Where a floating-point Average's sum starts. System.Linq seeds it with the first value (so the average of
/// <c>{ -0.0 }</c> is <c>-0.0</c>), except where it reads a <c>T[]</c> or <c>List&lt;T&gt;</c> as a span (that exact
/// type: not a class derived from it), and in <c>AverageAsync</c>: there it starts at <c>+0.0</c>. Seeding with <c>-0.0</c> is the same as seeding with the
/// first value, since <c>-0.0 + x</c> is <c>x</c> for every <c>x</c>.
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
