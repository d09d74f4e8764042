using System.Collections.Generic;
using MultiAgg.Generators.Specs;

namespace MultiAgg.Generators.Emitting.Accumulators;

/// <summary>
/// What every kind of sum shares: it is given the non-null values, and an Average keeps the count of them beside its
/// total, adds one per value, merges them, has a result once it is not zero, and counts the elements the vector lanes
/// covered at once. The kinds below say only how their total is kept.
/// </summary>
internal abstract class SumAccumulator : Accumulator
{
    public sealed override TakenValues Takes(AggregateSpec a) => TakenValues.NonNull;

    public sealed override IEnumerable<StateVariable> State(AggregateSpec a, MethodContext method)
    {
        yield return Total(a, method);
        if (a.Kind == AggregateKind.Average)
        {
            yield return new("long", "Count", "0", true);
        }
    }

    /// <summary>The variable holding the total, and where it starts.</summary>
    protected abstract StateVariable Total(AggregateSpec a, MethodContext method);

    public sealed override void EmitAdd(SourceWriter writer, AggregateSpec a, Scope scope, string value, MethodContext method)
    {
        writer.WriteLine(AddToTotal(a, scope, value, method));
        if (a.Kind == AggregateKind.Average)
        {
            writer.WriteLine($"{Count(a, scope)}++;");
        }
    }

    /// <summary>The statement adding <paramref name="value"/> to the total.</summary>
    protected abstract string AddToTotal(AggregateSpec a, Scope scope, string value, MethodContext method);

    public sealed override void EmitMerge(SourceWriter writer, AggregateSpec a, Scope into, Scope other, MethodContext method)
    {
        writer.WriteLine(MergeTotals(a, into, other, method));
        if (a.Kind == AggregateKind.Average)
        {
            writer.WriteLine($"{Count(a, into)} += {Count(a, other)};");
        }
    }

    /// <summary>The statement adding the other state's total to this one's.</summary>
    protected abstract string MergeTotals(AggregateSpec a, Scope into, Scope other, MethodContext method);

    /// <summary>A sum always has a result; an average only once it has a value.</summary>
    public sealed override Presence? Emptiness(AggregateSpec a, Scope scope, MethodContext method) =>
        a.Kind == AggregateKind.Average ? new Presence($"{Count(a, scope)} != 0", $"{Count(a, scope)} == 0") : null;

    /// <summary>An average's count of values.</summary>
    protected static string Count(AggregateSpec a, Scope scope) => scope.Of(a, "Count");

    /// <summary>After the vector loop, an average counts the elements the vectors covered.</summary>
    protected static void CountVectorized(AggregateSpec a, VectorLanes lanes)
    {
        if (a.Kind == AggregateKind.Average)
        {
            lanes.Writer.WriteLine($"{Count(a, lanes.Locals)} += {lanes.Vectorized};");
        }
    }
}
