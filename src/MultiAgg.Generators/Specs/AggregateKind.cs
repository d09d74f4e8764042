namespace MultiAgg.Generators.Specs;

/// <summary>Mirrors <c>MultiAgg.Agg</c>; the values must stay equal to it.</summary>
internal enum AggregateKind
{
    Count = 0,
    LongCount = 1,
    Sum = 2,
    Min = 3,
    Max = 4,
    Average = 5,
    MinBy = 6,
    MaxBy = 7,
    First = 8,
    FirstOrDefault = 9,
    Last = 10,
    LastOrDefault = 11,
    Any = 12,
    All = 13,
    Variance = 14,
    VarianceP = 15,
    StdDev = 16,
    StdDevP = 17,
    CountDistinct = 18,

    /// <summary>Not an <c>Agg</c> member: <c>[Aggregate(typeof(TAccumulator))]</c>.</summary>
    Custom = 1000,
}
