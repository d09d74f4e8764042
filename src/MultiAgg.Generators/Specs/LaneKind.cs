namespace MultiAgg.Generators.Specs;

/// <summary>How an aggregate runs in the vector loop; each is bit-identical to the scalar loop.</summary>
internal enum LaneKind
{
    /// <summary>Count/LongCount: no lanes; the fold adds the number of elements read as vectors.</summary>
    Count,

    /// <summary>An integer sum of elements narrower than 64 bits, widened pairwise to 64-bit lanes that cannot wrap.</summary>
    WidenedSum,

    /// <summary>A sum of 64-bit integers in 64-bit lanes that record whether they wrapped.</summary>
    WrappingSum,

    /// <summary>A floating-point sum with <c>AllowReordering</c>: <c>double</c> lanes.</summary>
    ReorderedSum,

    /// <summary>A floating-point sum in order: each vector's elements are added to the scalar sum inside the loop.</summary>
    SequentialSum,

    /// <summary>Integer Min/Max: <c>Vector.Min</c>/<c>Vector.Max</c>.</summary>
    MinMax,

    /// <summary><c>float</c>/<c>double</c> Min/Max: a strict compare and select, with NaNs tracked per lane.</summary>
    FloatingMinMax,
}
