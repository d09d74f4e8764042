namespace MultiAgg.Generators;

/// <summary>
/// The MultiAgg library's own types that generated code writes (from <c>global::</c>), by their full names: the emitter
/// writes them, and the parser resolves them to check that <c>global::</c> reaches them (MAGG139).
/// </summary>
internal static class LibraryTypes
{
    /// <summary>The exact total of a signed integer sum that could wrap.</summary>
    public const string ExactInt64Sum = "MultiAgg.Accumulators.ExactInt64Sum";

    /// <summary>The exact total of an unsigned integer sum that could wrap.</summary>
    public const string ExactUInt64Sum = "MultiAgg.Accumulators.ExactUInt64Sum";

    /// <summary>The runtime of a parallel method's blocks.</summary>
    public const string ParallelAggregation = "MultiAgg.Runtime.ParallelAggregation";

    /// <summary>The runtime of a windowed method's evaluations; generic in the element and its values (<c>`2</c>).</summary>
    public const string EvaluationWindow = "MultiAgg.Runtime.EvaluationWindow";
}
