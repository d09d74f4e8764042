namespace MultiAgg;

/// <summary>
/// The aggregates an <see cref="AggregateAttribute"/> can ask for. Each one is computed in the
/// same single pass over the source; the declared result type of the method chooses its
/// accumulator (see the README's semantics table).
/// </summary>
/// <remarks>New members are only ever appended, so the numeric values below are stable.</remarks>
public enum Agg
{
    /// <summary>The number of values, as <see cref="int"/> (checked) or <see cref="long"/>; like <c>Enumerable.Count</c>.</summary>
    Count = 0,

    /// <summary>The number of values as <see cref="long"/>; like <c>Enumerable.LongCount</c>.</summary>
    LongCount = 1,

    /// <summary>The sum of the values; nulls are skipped and an empty source gives 0.</summary>
    /// <remarks>
    /// Sums of the built-in integer types (<c>sbyte</c> to <c>ulong</c>, <c>nint</c> and <c>nuint</c>) throw
    /// <see cref="System.OverflowException"/> if and only if the exact total does not fit the declared result type (LINQ
    /// throws when a running prefix overflows). Other integers (<c>Int128</c>, <c>UInt128</c>, a type's own
    /// <c>INumber&lt;T&gt;</c>) add with checked arithmetic, and throw when a running total overflows.
    /// </remarks>
    Sum = 2,

    /// <summary>The least value; an empty source throws, or gives null for a nullable result.</summary>
    Min = 3,

    /// <summary>The greatest value; an empty source throws, or gives null for a nullable result.</summary>
    Max = 4,

    /// <summary>The arithmetic mean; an empty source throws, or gives null for a nullable result.</summary>
    Average = 5,

    /// <summary>
    /// The element with the least <c>Of</c> key, compared with <c>Comparer&lt;TKey&gt;.Default</c>; like
    /// <c>Enumerable.MinBy</c>: the first of equal keys wins, null keys are skipped (all null: the first
    /// element), and an empty source throws, or gives null for a nullable result.
    /// </summary>
    MinBy = 6,

    /// <summary>The element with the greatest <c>Of</c> key; otherwise as <see cref="MinBy"/>.</summary>
    MaxBy = 7,

    /// <summary>The first value (the element, or its <c>Of</c> value; nulls included); an empty source throws. The loop may stop once it has it.</summary>
    First = 8,

    /// <summary>The first value, or the result type's default when there is none. The loop may stop once it has it.</summary>
    FirstOrDefault = 9,

    /// <summary>The last value (nulls included); an empty source throws.</summary>
    Last = 10,

    /// <summary>The last value, or the result type's default when there is none.</summary>
    LastOrDefault = 11,

    /// <summary>
    /// Without <c>Of</c>: whether there is any element (after <c>Where</c>); with <c>Of</c> naming a
    /// <see cref="bool"/> member: whether it is true for any element. The loop may stop at the first true.
    /// </summary>
    Any = 12,

    /// <summary>
    /// Whether the <see cref="bool"/> <c>Of</c> value (or the <see cref="bool"/> element) is true for every
    /// element; true when there are none. The loop may stop at the first false.
    /// </summary>
    All = 13,

    /// <summary>
    /// The sample variance (divided by n − 1) of numeric values as <see cref="double"/>, by Welford's
    /// stable one-pass update; fewer than two values throw, or give null for a <c>double?</c> result.
    /// </summary>
    Variance = 14,

    /// <summary>The population variance (divided by n); no values throw, or give null for a <c>double?</c> result.</summary>
    VarianceP = 15,

    /// <summary>The sample standard deviation: the square root of <see cref="Variance"/>.</summary>
    StdDev = 16,

    /// <summary>The population standard deviation: the square root of <see cref="VarianceP"/>.</summary>
    StdDevP = 17,

    /// <summary>
    /// The number of distinct values (nulls count as one value), as <c>Select(of).Distinct().Count()</c>
    /// gives it: exact, through a <c>HashSet&lt;T&gt;</c> with <c>EqualityComparer&lt;T&gt;.Default</c>, so it
    /// holds every distinct value: O(distinct values) memory, the one aggregate that is not O(1).
    /// </summary>
    CountDistinct = 18,
}
