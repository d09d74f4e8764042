using System.Collections.Generic;
using MultiAgg.Generators.Specs;

namespace MultiAgg.Generators.Emitting.Accumulators;

/// <summary>CountDistinct: a <c>HashSet&lt;T&gt;</c> of every value, null included; O(distinct values) memory.</summary>
internal sealed class DistinctAccumulator : Accumulator
{
    public static readonly DistinctAccumulator Instance = new();

    public override TakenValues Takes(AggregateSpec a) => TakenValues.Every;

    public override IEnumerable<StateVariable> State(AggregateSpec a, MethodContext method)
    {
        var set = $"global::System.Collections.Generic.HashSet<{a.AccumulatorType}>";
        yield return new(set, "", $"new {set}()", false, "O(distinct values) memory");
    }

    public override void EmitAdd(SourceWriter writer, AggregateSpec a, Scope scope, string value, MethodContext method) =>
        writer.WriteLine($"{scope.Of(a)}.Add({value});");

    public override void EmitMerge(SourceWriter writer, AggregateSpec a, Scope into, Scope other, MethodContext method) =>
        writer.WriteLine($"{into.Of(a)}.UnionWith({other.Of(a)});");

    public override string Result(AggregateSpec a, Scope scope, MethodContext method) => scope.Of(a) + ".Count";
}
