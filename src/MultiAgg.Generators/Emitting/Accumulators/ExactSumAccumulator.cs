using MultiAgg.Generators.Specs;

namespace MultiAgg.Generators.Emitting.Accumulators;

/// <summary>
/// Sum and Average of integers, exactly: a 64-bit total of the values' signedness that overflows only if the whole total
/// does (<c>ExactInt64Sum</c>/<c>ExactUInt64Sum</c>), or a plain <c>long</c> where no wrap can happen
/// (<see cref="AggregateSpec.NarrowTotal"/>); a Sum converts it, checked, to the declared type at the end.
/// </summary>
internal sealed class ExactSumAccumulator : SumAccumulator
{
    public static readonly ExactSumAccumulator Instance = new();

    /// <summary>The exact total (and the average from it) is one number whatever the order; only it decides an overflow.</summary>
    public override bool IsOrderIndependent(AggregateSpec a) => true;

    protected override StateVariable Total(AggregateSpec a, MethodContext method) => a.NarrowTotal
        ? new(a.AccumulatorType, "", "0", true, "exact: values of 32 bits or fewer, fewer than 2^31 of them")
        : new("global::" + (a.Accumulator == AccumulatorKind.ExactSigned ? LibraryTypes.ExactInt64Sum : LibraryTypes.ExactUInt64Sum), "", "default", true, "exact: overflows only if the whole total does");

    protected override string AddToTotal(AggregateSpec a, Scope scope, string value, MethodContext method) => Add(a, scope, value);

    /// <summary>Adds to the total: a plain add where it cannot wrap, else through ExactInt64Sum/ExactUInt64Sum.</summary>
    public static string Add(AggregateSpec a, Scope scope, string value) => a.NarrowTotal ? $"{scope.Of(a)} += {value};" : $"{scope.Of(a)}.Add({value});";

    protected override string TotalOf(AggregateSpec a, Scope scope) => a.NarrowTotal ? scope.Of(a) : scope.Of(a) + ".Total";

    protected override string ResultOf(AggregateSpec a, string total, string count, string localPrefix) => a.Kind == AggregateKind.Average
        ? $"(double){total} / {count}"
        : a.ResultConversion is null ? total : $"checked(({a.ResultConversion}){total})";

    /// <summary>
    /// A query sums in <c>long</c>, which every provider has, and a sum past its range fails in the database; <c>ulong</c>
    /// values sum in <c>decimal</c>, since no value of theirs fits a <c>long</c> for sure.
    /// </summary>
    protected override string QueryTotalType(AggregateSpec a, ValueSpec value) => value.NonNullType == "ulong" ? "decimal" : "long";

    protected override string QueryTotal(AggregateSpec a, QueryGroup group, Scope row) =>
        a.Accumulator == AccumulatorKind.ExactUnsigned ? $"checked((ulong)({row.Of(a)} ?? 0))" : $"({row.Of(a)} ?? 0)";

    protected override string MergeTotals(AggregateSpec a, Scope into, Scope other, MethodContext method) =>
        a.NarrowTotal ? $"{into.Of(a)} += {other.Of(a)};" : $"{into.Of(a)}.Merge({other.Of(a)});";

    public override void DeclareLanes(AggregateSpec a, VectorLanes lanes)
    {
        var total = TotalType(a);
        lanes.Writer.WriteLine($"var {lanes.Lanes(a)} = {VectorLanes.Vector}<{total}>.Zero;");
        if (a.Lanes == LaneKind.WrappingSum)
        {
            lanes.Writer.WriteLine($"var {lanes.Wrapped(a)} = {VectorLanes.Vector}<{total}>.Zero;");
        }
    }

    /// <summary>
    /// Elements narrower than 64 bits are widened pairwise to 64-bit lanes, which cannot wrap; 64-bit elements add in
    /// lanes that record whether they wrapped.
    /// </summary>
    public override void AddToLanes(AggregateSpec a, VectorLanes lanes)
    {
        var (writer, sum, x) = (lanes.Writer, lanes.Lanes(a), lanes.X);
        switch (a.Lanes)
        {
            case LaneKind.WrappingSum when a.Accumulator == AccumulatorKind.ExactSigned:
                // Signed overflow: both operands have the sign the result lacks.
                var next = lanes.Locals.Of(a, "Next");
                writer.WriteLine($"var {next} = {sum} + {x};");
                writer.WriteLine($"{lanes.Wrapped(a)} |= ({sum} ^ {next}) & ({x} ^ {next});");
                writer.WriteLine($"{sum} = {next};");
                break;
            case LaneKind.WrappingSum:
                // Unsigned overflow: the result is below what was added.
                writer.WriteLine($"{sum} += {x};");
                writer.WriteLine($"{lanes.Wrapped(a)} |= {VectorLanes.Vector}.LessThan({sum}, {x});");
                break;
            default:
                writer.WriteLine($"{sum} += {lanes.Wide};");
                break;
        }
    }

    public override void FoldLanes(AggregateSpec a, VectorLanes lanes)
    {
        var writer = lanes.Writer;
        if (!KeepsOwnTotal(a, lanes.Method))
        {
            // The Sum it reads folds the lanes (and adds the elements again if one wrapped); only its count is its own.
            CountVectorized(a, lanes);
            return;
        }

        if (a.Lanes == LaneKind.WidenedSum)
        {
            // The lanes hold a span's elements summed: fewer than 2^31 values of 32 bits or fewer, whose total is under
            // 2^63 in magnitude, however the lanes split it: their sum fits.
            writer.WriteLine(Add(a, lanes.Locals, $"{VectorLanes.Vector}.Sum({lanes.Lanes(a)})"));
            CountVectorized(a, lanes);
            return;
        }

        var total = TotalType(a);
        var wrapped = a.Accumulator == AccumulatorKind.ExactSigned
            ? $"{VectorLanes.Vector}.LessThanAny({lanes.Wrapped(a)}, {VectorLanes.Vector}<long>.Zero)"
            : $"!{VectorLanes.Vector}.EqualsAll({lanes.Wrapped(a)}, {VectorLanes.Vector}<ulong>.Zero)";
        using (writer.Block($"if ({wrapped})"))
        {
            writer.WriteLine("// A lane wrapped: add the elements again one by one, exactly.");
            lanes.Replay(a);
        }

        using (writer.Block("else"))
        {
            var k = lanes.Method.LocalPrefix + "k";
            using (writer.Block($"for (int {k} = 0; {k} < {VectorLanes.Vector}<{total}>.Count; {k}++)"))
            {
                writer.WriteLine(Add(a, lanes.Locals, $"{lanes.Lanes(a)}[{k}]"));
            }

            CountVectorized(a, lanes);
        }
    }

    private static string TotalType(AggregateSpec a) => a.Accumulator == AccumulatorKind.ExactUnsigned ? "ulong" : "long";
}
