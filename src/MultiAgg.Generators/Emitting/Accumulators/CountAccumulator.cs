using System.Collections.Generic;
using MultiAgg.Generators.Specs;

namespace MultiAgg.Generators.Emitting.Accumulators;

/// <summary>Count and LongCount: a checked counter of the declared type, counting every element that reaches it.</summary>
internal sealed class CountAccumulator : Accumulator
{
    public static readonly CountAccumulator Instance = new();

    public override TakenValues Takes(AggregateSpec a) => TakenValues.Elements;

    public override bool IsOrderIndependent(AggregateSpec a) => true;

    public override IEnumerable<StateVariable> State(AggregateSpec a, MethodContext method)
    {
        yield return new(a.AccumulatorType, "", "0", true);
    }

    public override void EmitAdd(SourceWriter writer, AggregateSpec a, Scope scope, string value, MethodContext method) =>
        writer.WriteLine($"{scope.Of(a)} = checked({scope.Of(a)} + 1);");

    /// <summary>No lanes: the fold adds the number of elements the vectors covered.</summary>
    public override void FoldLanes(AggregateSpec a, VectorLanes lanes) =>
        lanes.Writer.WriteLine($"{lanes.Locals.Of(a)} = checked({lanes.Locals.Of(a)} + {lanes.Vectorized});");

    public override void EmitMerge(SourceWriter writer, AggregateSpec a, Scope into, Scope other, MethodContext method) =>
        writer.WriteLine($"{into.Of(a)} = checked({into.Of(a)} + {other.Of(a)});");

    public override string Result(AggregateSpec a, Scope scope, MethodContext method) => scope.Of(a);

    /// <summary>SQL counts in 64 bits; an <c>int</c> Count is narrowed, checked, as LINQ's counter overflows.</summary>
    public override IEnumerable<QueryColumn> QueryColumns(AggregateSpec a, QueryGroup group)
    {
        yield return new("long", "", group.Over("LongCount"));
    }

    public override string QueryResult(AggregateSpec a, QueryGroup group, Scope row) =>
        a.AccumulatorType == "long" ? row.Of(a) : $"checked(({a.AccumulatorType}){row.Of(a)})";
}
