namespace MultiAgg.Generators.Specs;

/// <summary>The kind of accumulator an aggregate keeps, chosen from the value type and the declared result type.</summary>
internal enum AccumulatorKind
{
    /// <summary>Count/LongCount: a checked counter of the declared type.</summary>
    Counter,

    /// <summary>Exact integral sum of signed values (<c>ExactInt64Sum</c>), converted checked at the end.</summary>
    ExactSigned,

    /// <summary>Exact integral sum of unsigned values (<c>ExactUInt64Sum</c>), converted checked at the end.</summary>
    ExactUnsigned,

    /// <summary>Left-to-right <c>double</c> accumulation (also for <c>float</c>, as LINQ does).</summary>
    Floating,

    /// <summary>Left-to-right <c>decimal</c> accumulation (its own overflow checks).</summary>
    Decimal,

    /// <summary><c>System.Numerics</c> generic math: <c>AdditiveIdentity</c>, checked <c>+</c>, <c>CreateChecked</c>.</summary>
    GenericMath,

    /// <summary>Min/Max with the type's own <c>&lt;</c>/<c>&gt;</c> (integers, char, decimal).</summary>
    Ordered,

    /// <summary>Min/Max with LINQ's NaN rules for <c>float</c>/<c>double</c>.</summary>
    OrderedFloating,

    /// <summary>Min/Max through <c>Comparer&lt;T&gt;.Default</c>.</summary>
    Comparer,

    /// <summary>First/Last: keeps a value (every value, null or not) and whether it has one.</summary>
    Pick,

    /// <summary>CountDistinct: a <c>HashSet&lt;T&gt;</c> of every value, null included.</summary>
    Distinct,

    /// <summary>MinBy/MaxBy: keeps an element and its key, compared with <c>Comparer&lt;TKey&gt;.Default</c>.</summary>
    KeyedPick,

    /// <summary>Any without <c>Of</c>: whether a value was read at all.</summary>
    Presence,

    /// <summary>Any/All over <c>bool</c> values.</summary>
    Predicate,

    /// <summary>Variance and standard deviation: Welford's count, mean and squared deviations (<c>MultiAgg.Accumulators.Welford</c>).</summary>
    Moments,

    /// <summary>A user-defined <c>IAccumulator&lt;TValue, TResult&gt;</c> given every value, null or not.</summary>
    Custom,

    /// <summary>A user-defined accumulator given the non-null values only (its <c>TValue</c> does not accept null).</summary>
    CustomNonNull,
}

internal static class AccumulatorKinds
{
    /// <summary>
    /// Whether a query can compute the kind: SQL has counts, sums, averages (from a sum and a count), MIN/MAX, and
    /// COUNT(DISTINCT); it has no first or last row of a group, no keyed pick, no Welford moments, and cannot run
    /// generic math or a user's accumulator.
    /// </summary>
    public static bool HasQueryForm(this AccumulatorKind kind) => kind is AccumulatorKind.Counter
        or AccumulatorKind.ExactSigned or AccumulatorKind.ExactUnsigned or AccumulatorKind.Floating or AccumulatorKind.Decimal
        or AccumulatorKind.Ordered or AccumulatorKind.OrderedFloating or AccumulatorKind.Comparer
        or AccumulatorKind.Presence or AccumulatorKind.Predicate or AccumulatorKind.Distinct;

    /// <summary>
    /// Whether the kind's state keeps a value (or a key) of the values' own type in place: a struct whose First, Min or
    /// generic-math Sum is of the struct itself would contain itself (MAGG130). A distinct count's set is a reference; a
    /// custom accumulator's own type is checked as such (MAGG116).
    /// </summary>
    public static bool KeepsAValueInPlace(this AccumulatorKind kind) => kind is AccumulatorKind.GenericMath or AccumulatorKind.Ordered
        or AccumulatorKind.OrderedFloating or AccumulatorKind.Comparer or AccumulatorKind.Pick or AccumulatorKind.KeyedPick;
}
