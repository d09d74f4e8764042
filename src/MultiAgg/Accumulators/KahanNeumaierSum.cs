using System;

namespace MultiAgg.Accumulators;

/// <summary>
/// A compensated sum of <see cref="double"/> values (Neumaier's improvement of Kahan summation):
/// beside the running sum it keeps the low-order bits each addition rounded away, so the result is
/// close to the exactly rounded sum even when values cancel (<c>1e100 + 1 - 1e100</c> is 1, where
/// plain left-to-right addition gives 0).
/// </summary>
/// <remarks>
/// The error is at most about one rounding of the result plus <c>n·ε²·Σ|x|</c>, against
/// <c>n·ε·Σ|x|</c> for plain addition. It costs a few more operations per value, and its result
/// differs from LINQ's <c>Sum</c>, which adds left to right without compensation.
/// Non-finite values give what plain addition gives (an infinity, or NaN).
/// </remarks>
public struct KahanNeumaierSum : IMergeableAccumulator<KahanNeumaierSum, double, double>
{
    private double _sum;
    private double _compensation;

    /// <summary>Adds a value.</summary>
    public void Add(double value)
    {
        double next = _sum + value;

        // The bits lost are those of the smaller operand that did not fit beside the larger one.
        _compensation += Math.Abs(_sum) >= Math.Abs(value)
            ? (_sum - next) + value
            : (value - next) + _sum;
        _sum = next;
    }

    /// <summary>Adds the values summed by <paramref name="other"/>.</summary>
    public void Merge(KahanNeumaierSum other)
    {
        Add(other._sum);
        _compensation += other._compensation;
    }

    /// <summary>The compensated sum.</summary>
    /// <remarks>Once the running sum is infinite or NaN the compensation means nothing (it is NaN), so the sum is the result.</remarks>
    public readonly double Result => double.IsInfinity(_sum) || double.IsNaN(_sum) ? _sum : _sum + _compensation;
}
