using System.Collections.Generic;
using MultiAgg.Generators.Specs;

namespace MultiAgg.Generators.Emitting.Accumulators;

/// <summary>
/// Any and All: one <c>bool</c>. Any without <c>Of</c> says whether an element reached it at all; with <c>Of</c>, Any and
/// All test <c>bool</c> values. Decided once Any is true or All is false.
/// </summary>
internal sealed class AnyAllAccumulator : Accumulator
{
    public static readonly AnyAllAccumulator Instance = new();

    public override bool IsOrderIndependent(AggregateSpec a) => true;

    public override TakenValues Takes(AggregateSpec a) =>
        a.Accumulator == AccumulatorKind.Presence ? TakenValues.Elements : TakenValues.NonNull;

    public override IEnumerable<StateVariable> State(AggregateSpec a, MethodContext method)
    {
        yield return a.Kind == AggregateKind.All ? new("bool", "", "true", false) : new("bool", "", "false", true);
    }

    public override void EmitAdd(SourceWriter writer, AggregateSpec a, Scope scope, string value, MethodContext method)
    {
        var acc = scope.Of(a);
        writer.WriteLine(a switch
        {
            { Accumulator: AccumulatorKind.Presence } => $"{acc} = true;",
            { Kind: AggregateKind.Any } => $"if ({value}) {acc} = true;",
            _ => $"if (!{value}) {acc} = false;",
        });
    }

    public override void EmitMerge(SourceWriter writer, AggregateSpec a, Scope into, Scope other, MethodContext method) =>
        writer.WriteLine(a.Kind == AggregateKind.All ? $"{into.Of(a)} &= {other.Of(a)};" : $"{into.Of(a)} |= {other.Of(a)};");

    public override string Result(AggregateSpec a, Scope scope, MethodContext method) => scope.Of(a);

    public override string Decided(AggregateSpec a, Scope scope) => a.Kind == AggregateKind.All ? "!" + scope.Of(a) : scope.Of(a);

    /// <summary>
    /// Counts of rows: Any without <c>Of</c> counts every row, Any the true values; All compares the true values with the
    /// values (a null <c>bool?</c> value counts for neither, as the loop skips it). All counts true values rather than
    /// false ones (<see cref="QueryGroup.CountTrue"/>).
    /// </summary>
    public override IEnumerable<QueryColumn> QueryColumns(AggregateSpec a, QueryGroup group)
    {
        if (a.Accumulator == AccumulatorKind.Presence)
        {
            yield return new("long", "", group.Over("LongCount"));
            yield break;
        }

        yield return new("long", "", group.CountTrue());
        if (a.Kind == AggregateKind.All)
        {
            yield return new("long", "Values", group.CountBools());
        }
    }

    public override string QueryResult(AggregateSpec a, QueryGroup group, Scope row) =>
        a.Kind == AggregateKind.All ? $"{row.Of(a)} == {row.Of(a, "Values")}" : $"{row.Of(a)} != 0";
}
