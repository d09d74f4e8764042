namespace MultiAgg;

/// <summary>
/// A user-defined aggregate: the transducer protocol of init (a parameterless constructor), step
/// (<see cref="Add"/>) and complete (<see cref="Result"/>).
/// </summary>
/// <typeparam name="TValue">The values it reads, one per element (after <c>Where</c> and <c>Of</c>).</typeparam>
/// <typeparam name="TResult">What it produces at the end.</typeparam>
/// <remarks>
/// Implement it on a struct to keep the state in the fused loop's locals: the loop calls
/// <see cref="Add"/> on a local of the concrete type, with no boxing and no delegate.
/// </remarks>
public interface IAccumulator<in TValue, out TResult>
{
    /// <summary>Takes the next value.</summary>
    void Add(TValue value);

    /// <summary>The aggregate of every value added so far.</summary>
    TResult Result { get; }
}

/// <summary>An accumulator whose partial states can be combined (for parallel or distributed runs).</summary>
/// <typeparam name="TSelf">The implementing type.</typeparam>
/// <typeparam name="TValue">The values it reads.</typeparam>
/// <typeparam name="TResult">What it produces.</typeparam>
public interface IMergeableAccumulator<TSelf, in TValue, out TResult> : IAccumulator<TValue, TResult>
{
    /// <summary>
    /// Folds in the state of <paramref name="other"/>, which read values that come after this one's:
    /// the result is as if this accumulator had read both runs of values, in that order: exactly for counts, integral
    /// sums, Min/Max, First/Last and the like; floating-point and <see cref="decimal"/> sums and moments combine the two
    /// partial results, which can differ from one run (usually in the last bits); and a <see cref="decimal"/> or
    /// generic-math sum throws on overflow only where the two totals overflow, not where one run's running total would.
    /// </summary>
    void Merge(TSelf other);
}

/// <summary>
/// An accumulator that can know its result before the source ends (a transducer's "reduced"):
/// when every aggregate of a method is complete, the loop stops reading the source.
/// </summary>
public interface ICompletableAccumulator
{
    /// <summary>Whether further values can no longer change the result.</summary>
    bool IsComplete { get; }
}
