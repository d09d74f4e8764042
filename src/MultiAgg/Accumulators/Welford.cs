using System;

namespace MultiAgg.Accumulators;

/// <summary>
/// The count, mean and sum of squared deviations of <see cref="double"/> values in one pass, by
/// Welford's update; two partial states merge with Chan, Golub and LeVeque's formula. Generated code
/// uses it for <c>Variance</c>, <c>VarianceP</c>, <c>StdDev</c> and <c>StdDevP</c>.
/// </summary>
/// <remarks>
/// Numerically stable: it never subtracts two large sums (the textbook <c>Σx² − (Σx)²/n</c> loses
/// every digit on data such as 1e9 plus small noise). <see cref="IAccumulator{TValue, TResult}.Result"/>
/// is the sample variance, NaN for fewer than two values.
/// </remarks>
public struct Welford : IMergeableAccumulator<Welford, double, double>
{
    private long _count;
    private double _mean;
    private double _m2;

    /// <summary>The number of values added.</summary>
    public readonly long Count => _count;

    /// <summary>The mean of the values (0 when there are none).</summary>
    public readonly double Mean => _mean;

    /// <summary>The sum of squared deviations from the mean.</summary>
    public readonly double SumOfSquaredDeviations => _m2;

    /// <summary>The sample variance (divided by n − 1); NaN for fewer than two values.</summary>
    public readonly double SampleVariance => _count < 2 ? double.NaN : _m2 / (_count - 1);

    /// <summary>The population variance (divided by n); NaN when there are no values.</summary>
    public readonly double PopulationVariance => _count < 1 ? double.NaN : _m2 / _count;

    /// <inheritdoc cref="SampleVariance"/>
    public readonly double Result => SampleVariance;

    /// <summary>Adds a value.</summary>
    public void Add(double value)
    {
        _count++;
        double delta = value - _mean;
        _mean += delta / _count;
        _m2 += delta * (value - _mean);
    }

    /// <summary>Adds the values <paramref name="other"/> has seen (Chan et al.).</summary>
    public void Merge(Welford other)
    {
        if (other._count == 0)
        {
            return;
        }

        if (_count == 0)
        {
            this = other;
            return;
        }

        long count = _count + other._count;
        double delta = other._mean - _mean;
        _mean += delta * other._count / count;
        _m2 += other._m2 + delta * delta * ((double)_count * other._count / count);
        _count = count;
    }
}
