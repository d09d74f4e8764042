using System.Collections.Generic;
using MultiAgg.Generators.Specs;

namespace MultiAgg.Generators.Emitting.Accumulators;

/// <summary>
/// Variance and standard deviation (sample and population): Welford's count, mean and squared deviations
/// (<c>MultiAgg.Accumulators.Welford</c>). A sample needs two values, a population one.
/// </summary>
internal sealed class MomentsAccumulator : Accumulator
{
    public static readonly MomentsAccumulator Instance = new();

    public override TakenValues Takes(AggregateSpec a) => TakenValues.NonNull;

    public override IEnumerable<StateVariable> State(AggregateSpec a, MethodContext method)
    {
        yield return new(a.AccumulatorType, "", "default", true, "Welford: count, mean, squared deviations");
    }

    public override void EmitAdd(SourceWriter writer, AggregateSpec a, Scope scope, string value, MethodContext method) =>
        writer.WriteLine($"{scope.Of(a)}.Add((double){value});");

    /// <summary>Welford's states combine by Chan et al.</summary>
    public override void EmitMerge(SourceWriter writer, AggregateSpec a, Scope into, Scope other, MethodContext method) =>
        writer.WriteLine($"{into.Of(a)}.Merge({other.Of(a)});");

    public override string Result(AggregateSpec a, Scope scope, MethodContext method) => a.Kind switch
    {
        AggregateKind.Variance => scope.Of(a) + ".SampleVariance",
        AggregateKind.VarianceP => scope.Of(a) + ".PopulationVariance",
        AggregateKind.StdDev => $"global::System.Math.Sqrt({scope.Of(a)}.SampleVariance)",
        _ => $"global::System.Math.Sqrt({scope.Of(a)}.PopulationVariance)",
    };

    public override Presence? Emptiness(AggregateSpec a, Scope scope, MethodContext method) => IsSample(a)
        ? new($"{scope.Of(a)}.Count >= 2", $"{scope.Of(a)}.Count < 2")
        : new($"{scope.Of(a)}.Count >= 1", $"{scope.Of(a)}.Count < 1");

    public override bool HasResultAfterOneValue(AggregateSpec a) => !IsSample(a);

    public override string EmptyError(AggregateSpec a) => IsSample(a)
        ? "throw new global::System.InvalidOperationException(\"A sample variance needs at least two values\");"
        : NoElements;

    private static bool IsSample(AggregateSpec a) => a.Kind is AggregateKind.Variance or AggregateKind.StdDev;
}
