using System.Collections.Generic;
using MultiAgg.Generators.Specs;

namespace MultiAgg.Generators.Emitting.Accumulators;

/// <summary>CountDistinct: a <c>HashSet&lt;T&gt;</c> of every value, null included; O(distinct values) memory.</summary>
internal sealed class DistinctAccumulator : Accumulator
{
    public static readonly DistinctAccumulator Instance = new();

    public override TakenValues Takes(AggregateSpec a) => TakenValues.Every;

    /// <summary>Values equal to one another count once, whichever comes first.</summary>
    public override bool IsOrderIndependent(AggregateSpec a) => true;

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

    /// <summary>
    /// SQL's COUNT(DISTINCT) skips nulls, which the set counts once: the nulls are counted apart, and one is added when
    /// there was one. A value whose type cannot be null too (see <see cref="QueryGroup.HasValue"/>): EF Core writes the
    /// distinct values of a path through a navigation as a COUNT(*) over a SELECT DISTINCT, which keeps its null, but
    /// those of a column as COUNT(DISTINCT), which would skip it.
    /// </summary>
    public override IEnumerable<QueryColumn> QueryColumns(AggregateSpec a, QueryGroup group)
    {
        // The nulls are left out explicitly: an in-memory provider's Distinct keeps one, as the loop's set does.
        var values = QueryGroup.Call("Select", group.Over("Where", group.Lambda(group.HasValue)), group.Lambda(group.Value.Expression));
        yield return new("long", "", QueryGroup.Call("LongCount", QueryGroup.Call("Distinct", values)));
        yield return new("long", "Nulls", group.Over("LongCount", group.Lambda(group.IsNull)));
    }

    public override string QueryResult(AggregateSpec a, QueryGroup group, Scope row)
    {
        var count = $"({row.Of(a)} + ({row.Of(a, "Nulls")} != 0 ? 1 : 0))";
        return a.ResultType == "long" ? count : $"checked((int){count})";
    }
}
