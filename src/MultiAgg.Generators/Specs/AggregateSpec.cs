namespace MultiAgg.Generators.Specs;

/// <summary>
/// One aggregate of one attribute, filling result slot <paramref name="ResultIndex"/>.
/// <paramref name="NullResult"/> is the expression for "no value" when <paramref name="Empty"/> is <see cref="EmptyBehavior.Null"/>.
/// <paramref name="Lanes"/> says how it runs in the vector loop, when the method has one;
/// <paramref name="KeyType"/> is the key of MinBy/MaxBy (the <c>Of</c> value without its null).
/// <paramref name="Bound"/>, for Min/Max of an integer, <c>char</c> or <c>decimal</c>, is the value no element beats
/// (<c>int.MaxValue</c> for Min): the accumulator starts there, so each element costs one compare and no test of
/// whether a value was seen yet, as in a hand loop that reads the first element before looping.
/// <paramref name="NarrowTotal"/>, for an exact integral sum, says a plain <c>long</c> (<c>ulong</c>) is the exact total:
/// its values have 32 bits or fewer and the loop reads fewer than 2^31 of them (a span's length, a list's count, or
/// a checked <c>int</c> Count of every element), so no wrap can happen and none is tracked.
/// <paramref name="ForgivesNull"/> says the result may be null (values of <c>string?</c>, a custom accumulator's
/// <c>string?</c> result) where the declared type says not (<c>string</c>): it is read with <c>!</c>, the declaration
/// taken at its word as FirstOrDefault's <c>default</c> is, so that the generated code does not warn where the user
/// declared the type.
/// <paramref name="ValueOfKept"/>, for a Last or LastOrDefault that keeps the element rather than its value (its
/// <c>AccumulatorType</c> is then the element's), is the attribute's <c>Of</c> over it (<c>{0}</c>): read once, for the
/// result, as LINQ's <c>Select(of).Last()</c> reads it.
/// </summary>
internal sealed record AggregateSpec(
    AggregateKind Kind,
    AccumulatorKind Accumulator,
    string AccumulatorType,
    bool AccumulatorIsValueType,
    string ResultType,
    string? ResultConversion,
    EmptyBehavior Empty,
    string? NullResult,
    int ResultIndex,
    LaneKind? Lanes = null,
    Completion Completion = Completion.Never,
    string? KeyType = null,
    bool KeyMayBeNull = false,
    SumStart Start = SumStart.Zero,
    string? Bound = null,
    bool NarrowTotal = false,
    bool ForgivesNull = false,
    string? ValueOfKept = null)
{
    /// <summary>A user-defined accumulator: its constructor, <c>Add</c> and <c>Result</c> are the user's code.</summary>
    public bool IsCustom => Accumulator is AccumulatorKind.Custom or AccumulatorKind.CustomNonNull;
}
