using System.Collections.Generic;
using MultiAgg.Generators.Specs;

namespace MultiAgg.Generators.Emitting.Accumulators;

/// <summary>
/// A user-defined <c>IAccumulator&lt;TValue, TResult&gt;</c>, created with <c>new()</c> and given every value when its
/// <c>TValue</c> accepts null, else the non-null ones; decided when it is an <c>ICompletableAccumulator</c> that says so.
/// </summary>
internal sealed class CustomAccumulator : Accumulator
{
    public static readonly CustomAccumulator Instance = new();

    public override TakenValues Takes(AggregateSpec a) => a.Accumulator == AccumulatorKind.CustomNonNull ? TakenValues.NonNull : TakenValues.Every;

    public override IEnumerable<StateVariable> State(AggregateSpec a, MethodContext method)
    {
        yield return new(a.AccumulatorType, "", $"new {a.AccumulatorType}()", false);
    }

    public override void EmitAdd(SourceWriter writer, AggregateSpec a, Scope scope, string value, MethodContext method) =>
        writer.WriteLine($"{scope.Of(a)}.Add({value});");

    /// <summary>
    /// Only an <c>IMergeableAccumulator</c> can be merged; the parser asks for one where a merge is declared. A completable
    /// one that is complete takes nothing more, as the loop stops feeding it.
    /// </summary>
    public override void EmitMerge(SourceWriter writer, AggregateSpec a, Scope into, Scope other, MethodContext method) =>
        writer.WriteLine(a.Completion == Completion.Never
            ? $"{into.Of(a)}.Merge({other.Of(a)});"
            : $"if (!{Decided(a, into)}) {into.Of(a)}.Merge({other.Of(a)});");

    public override bool NeedsValuesInOrder(AggregateSpec a) => a.Completion != Completion.Never;

    public override string Result(AggregateSpec a, Scope scope, MethodContext method) => ForgivingNull(a, scope.Of(a) + ".Result");

    public override string Decided(AggregateSpec a, Scope scope) => scope.Of(a) + ".IsComplete";
}
