using MultiAgg.Generators.Diagnostics;

namespace MultiAgg.Generators.Model;

// Everything the emitter needs, as plain values: types are fully qualified `global::` strings and
// no ISymbol, SyntaxNode or Location is held, so the incremental pipeline can compare specs by value.

/// <summary>One [Aggregate] partial method: where it lives, its signature, and what its loop computes.</summary>
/// <remarks>
/// <paramref name="Vectorized"/> is set when the whole loop can run on <c>Vector&lt;T&gt;</c>s of the source (see the vector emitter);
/// <paramref name="Grouping"/> when [GroupBy] makes every aggregate a per-key one, and <paramref name="Result"/> then describes one key's results.
/// </remarks>
internal sealed record AggregateMethodSpec(
    string HintName,
    string? Namespace,
    EquatableArray<ContainingTypeSpec> ContainingTypes,
    MethodSignatureSpec Signature,
    SourceSpec Source,
    string? CancellationTokenName,
    ResultSpec Result,
    EquatableArray<AggregateAttributeSpec> Attributes,
    string LocalPrefix,
    bool UsesGenericMath,
    VectorElement? Vectorized,
    GroupingSpec? Grouping = null);

/// <summary>
/// [GroupBy]: the loop keeps one record of accumulators per key, in first-seen order, and returns a
/// <paramref name="DictionaryType"/> from each key to its results.
/// </summary>
/// <param name="KeyExpression">Reads the key from the element, written as <c>{0}</c>.</param>
/// <param name="KeyType">The key as the loop holds it, null included (<c>string?</c>, <c>int?</c>, <c>int</c>).</param>
/// <param name="LookupKeyType">The key once known not to be null: what the lookup dictionary is keyed by.</param>
/// <param name="KeyNulls">Whether a key can be null; a null key gets its own record, since a <c>Dictionary</c> cannot hold it.</param>
/// <param name="DictionaryType">The dictionary the method builds and returns (<c>Dictionary&lt;TKey, TResult&gt;</c>).</param>
/// <param name="ComparerName">The <c>IEqualityComparer&lt;TKey&gt;</c> parameter, if the method has one.</param>
/// <param name="RecordType">The generated struct holding one key's accumulators; generic over the method's type parameters, with their constraints.</param>
/// <param name="KeyTypeIsNullable">
/// The declared key type does not satisfy <c>Dictionary</c>'s <c>notnull</c> constraint (<c>int?</c>, <c>string?</c>,
/// an unconstrained type parameter): the dictionaries are still right, since a null key never reaches the lookup and
/// throws on <c>Add</c> as in <c>ToDictionary</c>, but they are declared with CS8714 suppressed.
/// </param>
/// <param name="FindsByRef">Whether the record is found with one lookup by <c>CollectionsMarshal.GetValueRefOrAddDefault</c> (.NET 6+, not in async methods).</param>
internal sealed record GroupingSpec(
    string KeyExpression,
    string KeyType,
    string LookupKeyType,
    NullKind KeyNulls,
    string DictionaryType,
    string? ComparerName,
    string RecordType,
    bool KeyTypeIsNullable,
    bool FindsByRef);

/// <summary>A type enclosing the method, outermost first, as "{Declaration} {NameWithTypeParameters}" (e.g. "ref partial struct S").</summary>
internal sealed record ContainingTypeSpec(string Declaration, string NameWithTypeParameters);

internal sealed record MethodSignatureSpec(
    string Modifiers,
    string ReturnType,
    string Name,
    string TypeParameters,
    EquatableArray<string> ConstraintClauses,
    EquatableArray<ParameterSpec> Parameters,
    bool IsAsync);

internal sealed record ParameterSpec(string Modifiers, string Type, string Name);

/// <summary>How the loop walks the source; each kind is the fastest iteration its static type allows.</summary>
internal enum SourceKind
{
    /// <summary><c>foreach</c> over the static type (struct enumerators, interfaces, other collections).</summary>
    Foreach,

    /// <summary>
    /// An index loop over contiguous memory: <see cref="SourceSpec.SpanExpression"/> is an array or a
    /// <c>ReadOnlySpan&lt;T&gt;</c>/<c>Span&lt;T&gt;</c> of the source. (Not <c>foreach</c>: on .NET 9+ span
    /// enumerators implement <c>IEnumerator&lt;T&gt;</c>, which C# before 13 rejects.)
    /// </summary>
    Span,

    /// <summary>An index loop over <c>IList&lt;T&gt;</c>/<c>IReadOnlyList&lt;T&gt;</c>: no enumerator allocation.</summary>
    IndexedList,

    /// <summary><c>await foreach</c> over an <c>IAsyncEnumerable&lt;T&gt;</c>.</summary>
    AsyncForeach,
}

/// <summary>What the method checks about its source before reading it.</summary>
internal enum SourceGuard
{
    None,

    /// <summary>A reference: <c>ArgumentNullException</c> when null, as LINQ throws.</summary>
    NotNull,

    /// <summary>An <c>ImmutableArray&lt;T&gt;</c>: <c>InvalidOperationException</c> when default, as LINQ gets from it.</summary>
    NotDefault,
}

/// <summary>
/// The source parameter. <paramref name="SpanExpression"/> (with <c>{0}</c> for the parameter) views it
/// as contiguous memory when <paramref name="Kind"/> is <see cref="SourceKind.Span"/>;
/// <paramref name="RuntimeSpans"/> says which collections an interface-typed source is tested for at run
/// time, as LINQ does, to take the span path.
/// </summary>
internal sealed record SourceSpec(
    SourceKind Kind,
    string ParameterName,
    string ElementType,
    SourceGuard Guard,
    string? SpanExpression,
    RuntimeSpans RuntimeSpans)
{
    public bool MayBeContiguous => RuntimeSpans != RuntimeSpans.None;
}

/// <summary>Which contiguous collections behind an interface-typed source the loop reads as a span.</summary>
internal enum RuntimeSpans
{
    None,

    /// <summary>
    /// <c>T[]</c> only: user code runs per element (a selector, a filter, a key, a custom accumulator) and
    /// could modify a <c>List&lt;T&gt;</c>, which its enumerator reports and a span would not.
    /// </summary>
    Arrays,

    /// <summary><c>T[]</c> and <c>List&lt;T&gt;</c>.</summary>
    ArraysAndLists,
}

/// <summary>A primitive element type the loop can read whole <c>Vector&lt;T&gt;</c>s of.</summary>
internal enum VectorElement
{
    SByte,
    Byte,
    Int16,
    UInt16,
    Int32,
    UInt32,
    Int64,
    UInt64,
    Single,
    Double,
}

internal enum ResultKind
{
    /// <summary>The method returns the one aggregate's value.</summary>
    Single,

    /// <summary>The method returns a tuple literal of all values.</summary>
    Tuple,

    /// <summary>The method returns <c>new T(values...)</c>.</summary>
    Constructor,
}

internal sealed record ResultSpec(ResultKind Kind, string? ConstructedType);

/// <summary>
/// One [Aggregate] attribute: a value to read per element, an optional filter, and its aggregates.
/// <paramref name="AllowReordering"/> lets its floating-point sums add in any order.
/// </summary>
internal sealed record AggregateAttributeSpec(
    string Description,
    ValueSpec Value,
    string? FilterExpression,
    bool AllowReordering,
    EquatableArray<AggregateSpec> Aggregates);

/// <summary>How a value is skipped when it is null.</summary>
internal enum NullKind
{
    /// <summary>Values cannot be null.</summary>
    None,

    /// <summary><c>Nullable&lt;T&gt;</c>: skip when <c>!HasValue</c>, aggregate <c>GetValueOrDefault()</c>.</summary>
    NullableValueType,

    /// <summary>A reference type or unconstrained type parameter: skip when <c>is null</c>.</summary>
    Reference,
}

/// <summary>
/// The value an attribute aggregates. <paramref name="Expression"/> reads it from the element,
/// written as <c>{0}</c>; <paramref name="NonNullType"/> is the type left once nulls are skipped.
/// </summary>
internal sealed record ValueSpec(string Expression, string Type, NullKind Nulls, string NonNullType)
{
    public bool IsElement => Expression == "{0}";
}

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

/// <summary>What happens when an aggregate that needs a value saw none.</summary>
internal enum EmptyBehavior
{
    /// <summary>The aggregate is defined on empty input (Count, Sum).</summary>
    NotApplicable,

    /// <summary>Throw <c>InvalidOperationException</c>, as LINQ does for non-nullable results.</summary>
    Throw,

    /// <summary>Return null (a nullable result).</summary>
    Null,

    /// <summary>A <c>T?</c> result of an unconstrained type parameter: null when <c>T</c> is a reference type, else throw (LINQ's rule).</summary>
    NullUnlessValueType,
}

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
    bool NarrowTotal = false);

/// <summary>
/// Where a floating-point Average's sum starts. System.Linq seeds it with the first value (so the average of
/// <c>{ -0.0 }</c> is <c>-0.0</c>), except where it reads a <c>T[]</c> or <c>List&lt;T&gt;</c> as a span, and in
/// <c>AverageAsync</c>: there it starts at <c>+0.0</c>. Seeding with <c>-0.0</c> is the same as seeding with the
/// first value, since <c>-0.0 + x</c> is <c>x</c> for every <c>x</c>.
/// </summary>
internal enum SumStart
{
    Zero,
    FirstValue,

    /// <summary>An interface-typed source: <c>+0.0</c> if it is a <c>T[]</c> or <c>List&lt;T&gt;</c> at run time.</summary>
    ZeroForArraysAndLists,
}

/// <summary>When an aggregate's result can no longer change, so the loop may stop early (a transducer's "reduced").</summary>
internal enum Completion
{
    Never,

    /// <summary>First/FirstOrDefault: once it has a value.</summary>
    HasValue,

    /// <summary>Any: once it is true.</summary>
    WhenTrue,

    /// <summary>All: once it is false.</summary>
    WhenFalse,

    /// <summary>An <c>ICompletableAccumulator</c>: once <c>IsComplete</c> says so.</summary>
    IsComplete,
}

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

/// <summary>
/// What the transform hands on: a spec to emit, or the reasons there is none and, when the compiler accepts the
/// declaration, a body that throws (or all empty). Below C# 9 there is only <see cref="LanguageVersionTooLow"/>,
/// which the generator reports once per project rather than once per method.
/// </summary>
internal sealed record AggregateMethodModel(
    AggregateMethodSpec? Spec,
    RejectedMethodSpec? Rejected,
    EquatableArray<DiagnosticInfo> Diagnostics,
    DiagnosticInfo? LanguageVersionTooLow = null);

/// <summary>
/// A partial method MultiAgg reported errors for, though the compiler accepts its declaration. It gets a body that
/// throws with those errors' messages, so the build shows only the MAGG errors (no CS8795 "partial method must have
/// an implementation" beside each), and an error lowered to a warning fails loudly when the method is called.
/// </summary>
internal sealed record RejectedMethodSpec(
    string HintName,
    string? Namespace,
    EquatableArray<ContainingTypeSpec> ContainingTypes,
    MethodSignatureSpec Signature,
    string Message);
