using MultiAgg.Generators.Specs;

namespace MultiAgg.Generators.Emitting.Accumulators;

/// <summary>
/// Sum and Average added left to right in <c>double</c> (for <c>float</c> too, as LINQ does) or <c>decimal</c> (with its
/// own overflow checks). An Average starts where LINQ's does (see <see cref="SumStart"/>): a <c>double</c> one from a
/// seed, a <c>decimal</c> one from its first value, taken as the sum while the count is 0.
/// </summary>
internal sealed class RunningSumAccumulator : SumAccumulator
{
    public static readonly RunningSumAccumulator Instance = new();

    protected override StateVariable Total(AggregateSpec a, MethodContext method)
    {
        var source = method.Source!;
        return (a.Accumulator, a.Start) switch
        {
            (AccumulatorKind.Floating, SumStart.FirstValue) =>
                new(a.AccumulatorType, "", "-0.0", false, "as LINQ's sum seeded with the first value (-0.0 + x is x)"),
            (AccumulatorKind.Floating, SumStart.ZeroForArraysAndLists) =>
                new(a.AccumulatorType, "", $"{LinqReadsSpan(a.Start, source)} ? 0 : -0.0", false,
                    "as LINQ: +0.0 where it reads a span, else seeded with the first value"),
            (AccumulatorKind.Floating, SumStart.ZeroForExactLists) =>
                new(a.AccumulatorType, "", $"{LinqReadsSpan(a.Start, source)} ? 0 : -0.0", false,
                    "as LINQ: +0.0 where it reads a span (not a class derived from List<T>), else seeded with the first value"),
            _ => new(a.AccumulatorType, "", "0", true),
        };
    }

    protected override string AddToTotal(AggregateSpec a, Scope scope, string value, MethodContext method)
    {
        var total = scope.Of(a);
        if (a.Accumulator != AccumulatorKind.Decimal || a.Start == SumStart.Zero)
        {
            return $"{total} += {value};";
        }

        // The first value is the sum, where LINQ starts from it; only a span it reads starts at 0m.
        var first = a.Start == SumStart.FirstValue
            ? $"{OwnCount(a, scope)} == 0"
            : $"{OwnCount(a, scope)} == 0 && !({LinqReadsSpan(a.Start, method.Source!)})";
        return $"{total} = {first} ? {value} : {total} + {value};";
    }

    /// <summary>Whether LINQ reads the source as a span, where only the run time can tell (see <see cref="SumStart"/>).</summary>
    private static string LinqReadsSpan(SumStart start, SourceSpec source) => start == SumStart.ZeroForArraysAndLists
        ? $"{source.ParameterName} is {source.ElementType}[] || {LinqSpans.IsExactList(source.ParameterName, source.ElementType)}"
        : LinqSpans.IsExactList(source.ParameterName, source.ElementType);

    /// <summary>
    /// The two partial sums are added: not the last bits of one run where rounding differs (documented). A decimal
    /// Average merged into an empty state takes the other sum as it is, as one run would have started from it.
    /// </summary>
    protected override string MergeTotals(AggregateSpec a, Scope into, Scope other, MethodContext method) =>
        a is { Accumulator: AccumulatorKind.Decimal, Kind: AggregateKind.Average }
            ? $"{into.Of(a)} = {OwnCount(a, into)} == 0 ? {other.Of(a)} : {into.Of(a)} + {other.Of(a)};"
            : $"{into.Of(a)} += {other.Of(a)};";

    /// <summary>
    /// With <c>AllowReordering</c>, <c>double</c> lanes; in order, each vector's elements go to the sum one by one.
    /// Lanes start at <c>-0.0</c>, the zero that adds nothing (<c>-0.0 + x</c> is <c>x</c> for every <c>x</c>), so that
    /// over only negative zeros a sum seeded like LINQ's stays <c>-0.0</c>: reordering moves the last bits, not a sign.
    /// </summary>
    public override void DeclareLanes(AggregateSpec a, VectorLanes lanes)
    {
        if (a.Lanes == LaneKind.ReorderedSum)
        {
            lanes.Writer.WriteLine($"var {lanes.Lanes(a)} = new {VectorLanes.Vector}<double>(-0.0);");
        }
    }

    /// <summary>A reordered sum adds the widened vector; an in-order sum is called once per element of it, at index <c>k</c>.</summary>
    public override void AddToLanes(AggregateSpec a, VectorLanes lanes) => lanes.Writer.WriteLine(a.Lanes == LaneKind.ReorderedSum
        ? $"{lanes.Lanes(a)} += {lanes.Wide};"
        : $"{lanes.Locals.Of(a)} += {lanes.X}[{lanes.Method.LocalPrefix}k];");

    public override void FoldLanes(AggregateSpec a, VectorLanes lanes)
    {
        if (a.Lanes == LaneKind.ReorderedSum)
        {
            // Lane by lane rather than Vector.Sum, which may start from +0.0 and would turn a sum of -0.0s positive.
            var k = lanes.Method.LocalPrefix + "k";
            using (lanes.Writer.Block($"for (int {k} = 0; {k} < {VectorLanes.Vector}<double>.Count; {k}++) // AllowReordering: the lanes' partial sums"))
            {
                lanes.Writer.WriteLine($"{lanes.Locals.Of(a)} += {lanes.Lanes(a)}[{k}];");
            }
        }
        else if (!lanes.OwnsLanes(a))
        {
            lanes.Writer.WriteLine($"{lanes.Locals.Of(a)} = {lanes.Locals.Of(lanes.Owner(a))}; // the same sum, added in the same order");
        }

        CountVectorized(a, lanes);
    }

    protected override string TotalOf(AggregateSpec a, Scope scope) => scope.Of(a);

    protected override string ResultOf(AggregateSpec a, string total, string count, string localPrefix) => a.Kind == AggregateKind.Average
        ? a.ResultConversion is null ? $"{total} / {count}" : $"({a.ResultConversion})({total} / {count})"
        : a.ResultConversion is null ? total : $"({a.ResultConversion}){total}";
}
