using System.Collections.Generic;
using MultiAgg.Generators.Model;

namespace MultiAgg.Generators.Emitting.Accumulators;

/// <summary>
/// Sum and Average of integers, exactly: a 64-bit total of the values' signedness that overflows only if the whole total
/// does (<c>ExactInt64Sum</c>/<c>ExactUInt64Sum</c>), or a plain <c>long</c> where no wrap can happen
/// (<see cref="AggregateSpec.NarrowTotal"/>); a Sum converts it, checked, to the declared type at the end.
/// </summary>
internal sealed class ExactSumAccumulator : Accumulator
{
    public static readonly ExactSumAccumulator Instance = new();

    public override TakenValues Takes(AggregateSpec a) => TakenValues.NonNull;

    public override IEnumerable<StateVariable> State(AggregateSpec a, MethodContext method)
    {
        if (a.NarrowTotal)
        {
            yield return new(a.AccumulatorType, "", "0", true, "exact: values of 32 bits or fewer, fewer than 2^31 of them");
        }
        else
        {
            var exact = a.Accumulator == AccumulatorKind.ExactSigned ? "ExactInt64Sum" : "ExactUInt64Sum";
            yield return new($"global::MultiAgg.Accumulators.{exact}", "", "default", true, "exact: overflows only if the whole total does");
        }

        foreach (var count in RunningSumAccumulator.AverageCount(a))
        {
            yield return count;
        }
    }

    public override void EmitAdd(SourceWriter writer, AggregateSpec a, Scope scope, string value, MethodContext method)
    {
        writer.WriteLine(Add(a, scope, value));
        CountAverage(writer, a, scope);
    }

    /// <summary>Adds to the total: a plain add where it cannot wrap, else through ExactInt64Sum/ExactUInt64Sum.</summary>
    public static string Add(AggregateSpec a, Scope scope, string value) => a.NarrowTotal ? $"{scope.Of(a)} += {value};" : $"{scope.Of(a)}.Add({value});";

    private static string Total(AggregateSpec a, Scope scope) => a.NarrowTotal ? scope.Of(a) : scope.Of(a) + ".Total";

    public override string Result(AggregateSpec a, Scope scope, MethodContext method) => a.Kind == AggregateKind.Average
        ? $"(double){Total(a, scope)} / {scope.Of(a, "Count")}"
        : a.ResultConversion is null ? Total(a, scope) : $"checked(({a.ResultConversion}){Total(a, scope)})";

    public override Presence? Emptiness(AggregateSpec a, Scope scope, MethodContext method) => RunningSumAccumulator.AverageEmptiness(a, scope);
}
