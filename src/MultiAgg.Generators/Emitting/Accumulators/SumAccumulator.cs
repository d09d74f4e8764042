using System.Collections.Generic;
using MultiAgg.Generators.Specs;

namespace MultiAgg.Generators.Emitting.Accumulators;

/// <summary>
/// What every kind of sum shares: it is given the non-null values, and an Average keeps the count of them beside its
/// total, adds one per value, merges them, has a result once it is not zero, and counts the elements the vector lanes
/// covered at once; or, where every element gives it a value, reads the count of an unfiltered Count beside it
/// (<see cref="MethodContext.CountedBy"/>). Beside a Sum of the same values whose total is kept alike, an Average reads
/// that total instead of keeping its own (<see cref="MethodContext.SummedBy"/>). The kinds below say only how their total
/// is kept.
/// </summary>
internal abstract class SumAccumulator : Accumulator
{
    public sealed override TakenValues Takes(AggregateSpec a) => TakenValues.NonNull;

    public sealed override IEnumerable<StateVariable> State(AggregateSpec a, MethodContext method)
    {
        if (KeepsOwnTotal(a, method))
        {
            yield return Total(a, method);
        }

        if (KeepsOwnCount(a, method))
        {
            yield return new("long", "Count", "0", true);
        }
    }

    /// <summary>The variable holding the total, and where it starts.</summary>
    protected abstract StateVariable Total(AggregateSpec a, MethodContext method);

    public sealed override void EmitAdd(SourceWriter writer, AggregateSpec a, Scope scope, string value, MethodContext method)
    {
        if (KeepsOwnTotal(a, method))
        {
            writer.WriteLine(AddToTotal(a, scope, value, method));
        }

        if (KeepsOwnCount(a, method))
        {
            writer.WriteLine($"{OwnCount(a, scope)}++;");
        }
    }

    /// <summary>The statement adding <paramref name="value"/> to the total.</summary>
    protected abstract string AddToTotal(AggregateSpec a, Scope scope, string value, MethodContext method);

    public sealed override void EmitMerge(SourceWriter writer, AggregateSpec a, Scope into, Scope other, MethodContext method)
    {
        if (KeepsOwnTotal(a, method))
        {
            writer.WriteLine(MergeTotals(a, into, other, method));
        }

        if (KeepsOwnCount(a, method))
        {
            writer.WriteLine($"{OwnCount(a, into)} += {OwnCount(a, other)};");
        }
    }

    /// <summary>The statement adding the other state's total to this one's.</summary>
    protected abstract string MergeTotals(AggregateSpec a, Scope into, Scope other, MethodContext method);

    /// <summary>A sum always has a result; an average only once it has a value.</summary>
    public sealed override Presence? Emptiness(AggregateSpec a, Scope scope, MethodContext method) => AverageEmptiness(a, Count(a, scope, method));

    private static Presence? AverageEmptiness(AggregateSpec a, string count) =>
        a.Kind == AggregateKind.Average ? new Presence($"{count} != 0", $"{count} == 0") : null;

    public sealed override string Result(AggregateSpec a, Scope scope, MethodContext method) =>
        ResultOf(a, TotalOf(a, scope, method), Count(a, scope, method), method.LocalPrefix);

    /// <summary>The total, as kept in <paramref name="scope"/>.</summary>
    protected abstract string TotalOf(AggregateSpec a, Scope scope);

    /// <summary>The declared result from a total and, for an average, the count of values: one formula for every driver.</summary>
    /// <param name="localPrefix">The prefix of the helpers written beside the method (generic math's <c>__Divide</c>).</param>
    protected abstract string ResultOf(AggregateSpec a, string total, string count, string localPrefix);

    // ---- Queries: SQL's SUM of the values (null for none) and, for an average, a count of them; the result follows
    // the same formula as the loop's, so an integral average is the exact 64-bit total over the count, as LINQ's is.

    public sealed override IEnumerable<QueryColumn> QueryColumns(AggregateSpec a, QueryGroup group)
    {
        // unchecked: in a project built with CheckForOverflowUnderflow the widening would be a ConvertChecked node,
        // which not every provider translates; it cannot overflow anyway.
        var total = QueryTotalType(a, group.Value);
        yield return new(total + "?", "", group.Over("Sum", group.Lambda($"unchecked(({total}?){group.Value.Expression})")));
        if (a.Kind == AggregateKind.Average)
        {
            yield return new("long", "Count", group.CountValues());
        }
    }

    public sealed override string QueryResult(AggregateSpec a, QueryGroup group, Scope row) => ResultOf(a, QueryTotal(a, group, row), OwnCount(a, row), group.LocalPrefix);

    public sealed override Presence? QueryEmptiness(AggregateSpec a, QueryGroup group, Scope row) => AverageEmptiness(a, OwnCount(a, row));

    /// <summary>The type the query sums in.</summary>
    protected virtual string QueryTotalType(AggregateSpec a, ValueSpec value) => a.AccumulatorType;

    /// <summary>The total read from the row, as <see cref="ResultOf"/> takes it: SQL's SUM of no value is null, the loop's 0.</summary>
    protected virtual string QueryTotal(AggregateSpec a, QueryGroup group, Scope row) => $"({row.Of(a)} ?? 0)";

    /// <summary>A sum's total as its result reads it: its own, or the total of the Sum it reads.</summary>
    private string TotalOf(AggregateSpec a, Scope scope, MethodContext method) =>
        TotalOf(method.SummedBy.TryGetValue(a, out var sum) ? sum : a, scope);

    /// <summary>An average's count of values: its own, or the counter of the Count it reads.</summary>
    private static string Count(AggregateSpec a, Scope scope, MethodContext method) =>
        method.CountedBy.TryGetValue(a, out var counter) ? scope.Of(counter) : OwnCount(a, scope);

    /// <summary>The count an average keeps of its values (see <see cref="KeepsOwnCount"/>), or a query's column of it.</summary>
    internal static string OwnCount(AggregateSpec a, Scope scope) => scope.Of(a, "Count");

    /// <summary>An Average that counts its values itself: one that is not <see cref="MethodContext.CountedBy"/> a Count.</summary>
    private static bool KeepsOwnCount(AggregateSpec a, MethodContext method) => a.Kind == AggregateKind.Average && !method.CountedBy.ContainsKey(a);

    /// <summary>A sum that keeps its total itself: every one but an Average that reads a Sum's (<see cref="MethodContext.SummedBy"/>).</summary>
    protected static bool KeepsOwnTotal(AggregateSpec a, MethodContext method) => !method.SummedBy.ContainsKey(a);

    /// <summary>After the vector loop, an average counts the elements the vectors covered (a Count it reads does so itself).</summary>
    protected static void CountVectorized(AggregateSpec a, VectorLanes lanes)
    {
        if (KeepsOwnCount(a, lanes.Method))
        {
            lanes.Writer.WriteLine($"{OwnCount(a, lanes.Locals)} += {lanes.Vectorized};");
        }
    }
}
