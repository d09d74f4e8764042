using System.Collections.Generic;
using System.Linq;
using MultiAgg.Generators.Specs;

namespace MultiAgg.Generators.Emitting.Accumulators;

/// <summary>
/// Everything about one kind of accumulator, in one place: the state it keeps, how one value updates it, its result
/// and when it has none, when it is decided, how two states merge, and how it runs in vector lanes. Every driver (the
/// method's loop, its vector loop, the per-key records of [GroupBy], accumulator types) asks the kind; none switches
/// over kinds itself.
/// </summary>
/// <remarks>
/// A kind never decides where its state lives: a <see cref="Scope"/> says (method locals, a per-key record's fields,
/// an accumulator type's fields), and the same kind writes the same code into each.
/// </remarks>
internal abstract class Accumulator
{
    public const string NoElements = "throw new global::System.InvalidOperationException(\"Sequence contains no elements\");";

    /// <summary>The definition of <paramref name="kind"/>.</summary>
    public static Accumulator Of(AccumulatorKind kind) => kind switch
    {
        AccumulatorKind.Counter => CountAccumulator.Instance,
        AccumulatorKind.ExactSigned or AccumulatorKind.ExactUnsigned => ExactSumAccumulator.Instance,
        AccumulatorKind.Floating or AccumulatorKind.Decimal => RunningSumAccumulator.Instance,
        AccumulatorKind.GenericMath => GenericMathSumAccumulator.Instance,
        AccumulatorKind.Ordered or AccumulatorKind.OrderedFloating or AccumulatorKind.Comparer => MinMaxAccumulator.Instance,
        AccumulatorKind.Pick => PickAccumulator.Instance,
        AccumulatorKind.Distinct => DistinctAccumulator.Instance,
        AccumulatorKind.KeyedPick => KeyedPickAccumulator.Instance,
        AccumulatorKind.Presence or AccumulatorKind.Predicate => AnyAllAccumulator.Instance,
        AccumulatorKind.Moments => MomentsAccumulator.Instance,
        _ => CustomAccumulator.Instance,   // Custom, CustomNonNull
    };

    public static Accumulator Of(AggregateSpec aggregate) => Of(aggregate.Accumulator);

    /// <summary>An aggregate's name, which its state's variables start with (<c>sum0</c>, <c>max1</c>).</summary>
    public static string Name(AggregateSpec a) => KindNames[a.Kind] + a.ResultIndex;

    /// <summary>Each kind's name in lower case, made once: names are asked for at every mention of a variable.</summary>
    private static readonly Dictionary<AggregateKind, string> KindNames =
        ((AggregateKind[])System.Enum.GetValues(typeof(AggregateKind))).ToDictionary(static k => k, static k => k.ToString().ToLowerInvariant());

    /// <summary>Which of its attribute's values the accumulator is given.</summary>
    public abstract TakenValues Takes(AggregateSpec a);

    /// <summary>Whether its update reads the element itself (<see cref="MethodContext.Item"/>), not only its attribute's value.</summary>
    public virtual bool ReadsElement(AggregateSpec a) => false;

    /// <summary>
    /// Whether its result is the same whatever order the values come in: then an async window may fold values as they
    /// complete (DESIGN.md §7 lists these kinds). Which failure comes out may still depend on that order: an Any decided
    /// by a value that completed first no longer needs an earlier element's, whose selector failed (README, the window's
    /// order).
    /// </summary>
    public virtual bool IsOrderIndependent(AggregateSpec a) => false;

    /// <summary>
    /// Whether a merge cannot stand for the other state's values coming one by one after this one's: the loop stops
    /// feeding it where it is decided, which may be partway through the values a merge adds at once (a completable custom
    /// accumulator). Blocks on several workers are then read in order, on top of the blocks before them, until it is.
    /// </summary>
    public virtual bool NeedsValuesInOrder(AggregateSpec a) => false;

    /// <summary>The variables of its state, each with the value an empty state holds.</summary>
    public abstract IEnumerable<StateVariable> State(AggregateSpec a, MethodContext method);

    /// <summary>Writes the update for one value (<paramref name="value"/> is an expression with no side effects).</summary>
    public abstract void EmitAdd(SourceWriter writer, AggregateSpec a, Scope scope, string value, MethodContext method);

    /// <summary>The result, read from a state that has one (see <see cref="Emptiness"/>).</summary>
    public abstract string Result(AggregateSpec a, Scope scope, MethodContext method);

    /// <summary>A result read with <c>!</c> where the spec says so (see <see cref="AggregateSpec.ForgivesNull"/>).</summary>
    protected static string ForgivingNull(AggregateSpec a, string result) => a.ForgivesNull ? result + "!" : result;

    /// <summary>Whether the state has a result; null when every state has one (Count, Sum, Any).</summary>
    public virtual Presence? Emptiness(AggregateSpec a, Scope scope, MethodContext method) => null;

    /// <summary>Whether a state that took one value has a result: all but a sample variance, which needs two.</summary>
    public virtual bool HasResultAfterOneValue(AggregateSpec a) => true;

    /// <summary>What a state without a result throws, when the declared result cannot say "none".</summary>
    public virtual string EmptyError(AggregateSpec a) => NoElements;

    /// <summary>Whether no later value can change the result (asked only when <see cref="AggregateSpec.Completion"/> says one can).</summary>
    public virtual string Decided(AggregateSpec a, Scope scope) =>
        throw new System.NotSupportedException($"{a.Accumulator} is never decided early; its spec's Completion must be Never.");

    /// <summary>
    /// Whether <paramref name="aggregates"/> can all be decided before the last value (Any, All, First, a completable
    /// custom accumulator), so that a loop over them may stop early: false when one needs every value, or there are none.
    /// </summary>
    public static bool CanAllBeDecided(IReadOnlyCollection<AggregateSpec> aggregates) =>
        aggregates.Count > 0 && aggregates.All(static a => a.Completion != Completion.Never);

    /// <summary>The condition that every one of <paramref name="aggregates"/> is decided (see <see cref="CanAllBeDecided"/>).</summary>
    public static string AllDecided(IEnumerable<AggregateSpec> aggregates, Scope scope) =>
        string.Join(" && ", aggregates.Select(a => Of(a).Decided(a, scope)));

    /// <summary>
    /// Folds the state in <paramref name="other"/> into <paramref name="into"/>, as if its values had come after
    /// <paramref name="into"/>'s own. It copies from <paramref name="other"/> and never adopts its storage.
    /// </summary>
    public abstract void EmitMerge(SourceWriter writer, AggregateSpec a, Scope into, Scope other, MethodContext method);

    // ---- Vector lanes: only kinds the parser plans lanes for (AggregateSpec.Lanes) have them. -----------------

    /// <summary>Declares the lanes, before the vector loop.</summary>
    public virtual void DeclareLanes(AggregateSpec a, VectorLanes lanes)
    {
    }

    /// <summary>Adds the current vector (<see cref="VectorLanes.X"/>) to the lanes.</summary>
    public virtual void AddToLanes(AggregateSpec a, VectorLanes lanes)
    {
    }

    /// <summary>Folds the lanes into the scalar state, leaving it exactly as the scalar loop would have after the same elements.</summary>
    public virtual void FoldLanes(AggregateSpec a, VectorLanes lanes) =>
        throw new System.NotSupportedException($"{a.Accumulator} has no vector lanes; its spec's Lanes must be null.");

    // ---- Queries: only kinds with a query form (AccumulatorKinds.HasQueryForm) have them. ---------------------------

    /// <summary>
    /// The columns the aggregate adds to its group's row in a query, each an aggregate over the group that a provider
    /// translates to SQL. Null results of SQL (no row, or no value) are left to <see cref="QueryResult"/>.
    /// </summary>
    public virtual IEnumerable<QueryColumn> QueryColumns(AggregateSpec a, QueryGroup group) =>
        throw new System.NotSupportedException($"{a.Accumulator} has no query form; the parser reports MAGG140 for it.");

    /// <summary>The result, read from a row (<paramref name="row"/>) whose columns have one (see <see cref="QueryEmptiness"/>).</summary>
    public virtual string QueryResult(AggregateSpec a, QueryGroup group, Scope row) =>
        throw new System.NotSupportedException($"{a.Accumulator} has no query form; the parser reports MAGG140 for it.");

    /// <summary>Whether the row's columns hold a result; null when they always do (Count, Sum, Any).</summary>
    public virtual Presence? QueryEmptiness(AggregateSpec a, QueryGroup group, Scope row) => null;

    /// <summary>Replaces the state with <paramref name="value"/> when there is none yet or <paramref name="better"/> holds.</summary>
    protected static void KeepIf(SourceWriter writer, AggregateSpec a, Scope scope, string better, string value)
    {
        using (writer.Block($"if (!{scope.Of(a, "HasValue")} || {better})"))
        {
            writer.WriteLine($"{scope.Of(a)} = {value};");
            writer.WriteLine($"{scope.Of(a, "HasValue")} = true;");
        }
    }
}

/// <summary>Which values of its attribute an accumulator is given.</summary>
internal enum TakenValues
{
    /// <summary>None: it counts the elements that reach it (Count, Any without <c>Of</c>).</summary>
    Elements,

    /// <summary>Every value, null or not (First, MinBy's key, CountDistinct, a custom accumulator whose TValue accepts null).</summary>
    Every,

    /// <summary>The non-null values.</summary>
    NonNull,
}

/// <summary>A state's "has a result" and "has none" tests.</summary>
internal readonly record struct Presence(string Present, string Missing);

/// <summary>
/// One variable of an accumulator's state: its type, its name after the aggregate's <see cref="Accumulator.Name"/>, the
/// value of an empty state, and whether that value is all zero bits (so a new record or a struct's default has it).
/// </summary>
internal readonly record struct StateVariable(string Type, string Suffix, string Initial, bool StartsZeroed, string? Comment = null)
{
    /// <summary>The comment to end the declaration's line with, if any.</summary>
    public string LineComment => Comment is null ? "" : " // " + Comment;
}

/// <summary>
/// Where an aggregate's state lives, as a prefix of its variables' names: method locals (<c>__sum0</c>), the current
/// key's record (<c>__group.sum0</c>), a record's own fields (<c>sum0</c>). <paramref name="SameAs"/> maps a name to an
/// earlier one that holds the same value (a query's column computed once for two aggregates).
/// </summary>
internal readonly record struct Scope(string Prefix, IReadOnlyDictionary<string, string>? SameAs = null)
{
    public string Of(AggregateSpec a, string part = "")
    {
        var name = Accumulator.Name(a) + part;
        return Prefix + (SameAs is not null && SameAs.TryGetValue(name, out var same) ? same : name);
    }
}

/// <summary>What a kind needs to know about the method it is written into, beyond its own aggregate.</summary>
/// <param name="LocalPrefix">The prefix of every generated local and helper (<c>__</c>).</param>
/// <param name="Item">The element the loop is at.</param>
/// <param name="Source">The source parameter, for accumulators that start differently on arrays and lists; none for an accumulator type.</param>
/// <param name="SharesElementsRead">
/// The aggregates whose "has a value" is "the loop read an element": Min/Max starting at their bound in an attribute that
/// reads every element share that test instead of keeping a flag each; per key, every aggregate of such an attribute.
/// </param>
/// <param name="ElementsRead">The test those aggregates share; none per key, where every record has read an element.</param>
internal sealed record MethodContext(string LocalPrefix, string Item, SourceSpec? Source, ISet<AggregateSpec> SharesElementsRead, Presence? ElementsRead)
{
    /// <summary>
    /// The aggregates updated only while undecided: each is its attribute's one aggregate, whose Where and Of run no more
    /// once it is decided (see <see cref="AggregateGenerator.Emitter.FusedEmitter"/>), so its update need not test that again.
    /// </summary>
    public ISet<AggregateSpec> AddedWhileUndecided { get; init; } = new HashSet<AggregateSpec>();

    /// <summary>
    /// The Averages whose count of values is the count of elements an unfiltered Count keeps anyway (see
    /// <see cref="SumAccumulator"/>): that Count, whose counter they read instead of keeping one of their own.
    /// </summary>
    public IReadOnlyDictionary<AggregateSpec, AggregateSpec> CountedBy { get; init; } = new Dictionary<AggregateSpec, AggregateSpec>();

    /// <summary>
    /// The Averages whose total is that of a Sum of the same attribute, kept alike (see <see cref="SumAccumulator"/>):
    /// that Sum, whose total they read instead of keeping one of their own.
    /// </summary>
    public IReadOnlyDictionary<AggregateSpec, AggregateSpec> SummedBy { get; init; } = new Dictionary<AggregateSpec, AggregateSpec>();
}

/// <summary>
/// One group of a query, as an aggregate's columns read it: <paramref name="Rows"/> is the group with the attribute's
/// filter applied (<c>__g</c>, or <c>Enumerable.Where(__g, __x => __x.IsPaid)</c>), <paramref name="Parameter"/> the name
/// lambdas over one row take, <paramref name="Value"/> the attribute's value, and <paramref name="LocalPrefix"/> the prefix
/// of the method's own names.
/// </summary>
internal sealed record QueryGroup(string Rows, string Parameter, ValueSpec Value, string LocalPrefix)
{
    /// <summary>
    /// <c>Enumerable.Method(source, arguments)</c>: LINQ's operators called as the static methods they are, since the
    /// generated file imports no namespace (and an extension method of the user's namespace could hide LINQ's).
    /// </summary>
    public static string Call(string method, string source, params string[] arguments) =>
        $"global::System.Linq.Enumerable.{method}({string.Join(", ", new[] { source }.Concat(arguments))})";

    /// <summary>LINQ's <paramref name="method"/> over the group's rows.</summary>
    public string Over(string method, params string[] arguments) => Call(method, Rows, arguments);

    /// <summary>A lambda over one row, from an expression of the element written as <c>{0}</c>.</summary>
    public string Lambda(string body) => $"{Parameter} => {body.Replace("{0}", Parameter)}";

    /// <summary>
    /// The number of the group's rows whose value is not null: what SQL's aggregates of the value see, <c>SUM</c> skipping
    /// the others, so that <c>COUNT(*)</c> would divide by rows that added nothing.
    /// </summary>
    public string CountValues() => Over("LongCount", Lambda(HasValue));

    /// <summary>
    /// The number of rows whose <c>bool</c> value is true. A comparison with a null operand (<c>o.Quantity &gt; 10</c> for a
    /// null quantity) is false in C# and null in SQL: counted as "not true" it is right everywhere, where a test for false,
    /// or for a value at all (<see cref="HasValue"/>), needs the provider's null compensation, which EF Core 10 loses
    /// for a negated comparison inside an aggregate (dotnet/efcore#39059; on PostgreSQL too for the value test).
    /// </summary>
    public string CountTrue() => Over("LongCount", Lambda(Value.Expression + " == true"));

    /// <summary>
    /// The number of rows a <c>bool</c> answer is over: every row where the value's type cannot be null (with no test of
    /// the value, see <see cref="CountTrue"/>), else those whose value is not null, as the loop skips a null.
    /// </summary>
    public string CountBools() => Value.Nulls == NullKind.None ? Over("LongCount") : CountValues();

    /// <summary>
    /// Whether a row's value is not null, written over <c>{0}</c>. A value whose type cannot be null is tested too, a member
    /// of the element included, since SQL gives null for it where a path crosses an optional navigation (a left join finds
    /// no row), the element is a projection through one, or an inlined method reads a nullable column. (A provider that
    /// knows the column cannot be null drops the test.)
    /// </summary>
    public string HasValue => Value.Nulls == NullKind.None
        ? $"(({Value.Type}?){Value.Expression}).HasValue"   // `!= null` is CS0472 here
        : Value.Expression + " != null";

    /// <summary>Whether a row's value is null, written over <c>{0}</c>: <see cref="HasValue"/>'s opposite.</summary>
    public string IsNull => Value.Nulls == NullKind.None
        ? $"!(({Value.Type}?){Value.Expression}).HasValue"
        : Value.Expression + " == null";
}

/// <summary>A column of a query's row: its type, its name after the aggregate (<c>sum0</c>, <c>avg0Count</c>), and the expression over the group that fills it.</summary>
internal readonly record struct QueryColumn(string Type, string Suffix, string Expression);
