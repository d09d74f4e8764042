namespace MultiAgg.Accumulators;

/// <summary>
/// The count, mean and sum of squared deviations of <see cref="double"/> values in one pass, by
/// Welford's update on values shifted by the first one; two partial states merge with Chan, Golub and
/// LeVeque's formula. Generated code uses it for <c>Variance</c>, <c>VarianceP</c>, <c>StdDev</c> and <c>StdDevP</c>.
/// </summary>
/// <remarks>
/// Numerically stable where the mean dwarfs the spread (1e9 plus small noise, timestamps, prices): every
/// value is first shifted by the first value seen, a subtraction that is exact for values within a factor
/// of two of it (Sterbenz), so the running mean and deviations work on small numbers and do not inherit
/// the rounding of a mean near 1e9. It agrees with a two-pass computation to about 1e-12 relative on such
/// data, and never subtracts two large sums (the textbook <c>Σx² − (Σx)²/n</c> loses every digit there).
/// A NaN or an infinity among the values makes every statistic NaN, but for the mean of finite values followed by one
/// infinity, the last value, which is that infinity.
/// <para>
/// The shifted values are kept at half their size. Halving is exact (short of the subnormal range), so every
/// step rounds exactly as it would at full size, and the difference of any two finite doubles fits, where
/// at full size values more than <see cref="double.MaxValue"/> apart (−1e308 and 1e308) would make the
/// mean infinite and the variance NaN. Their variance is beyond the range of a double, so it is +∞.
/// </para>
/// <see cref="IAccumulator{TValue, TResult}.Result"/> is the sample variance, NaN for fewer than two values.
/// </remarks>
public struct Welford : IMergeableAccumulator<Welford, double, double>
{
    private long _count;
    private double _halfShift;   // half the first value; the fields below are of (value / 2 - _halfShift)
    private double _halfMean;    // half the mean of (value - first value)
    private double _quarterM2;   // a quarter of the sum of squared deviations

    /// <summary>The number of values added.</summary>
    public readonly long Count => _count;

    /// <summary>The mean of the values (0 when there are none).</summary>
    public readonly double Mean => 2 * (_halfShift + _halfMean);

    /// <summary>The sum of squared deviations from the mean.</summary>
    public readonly double SumOfSquaredDeviations => 4 * _quarterM2;

    /// <summary>The sample variance (divided by n − 1); NaN for fewer than two values.</summary>
    public readonly double SampleVariance => _count < 2 ? double.NaN : 4 * (_quarterM2 / (_count - 1));

    /// <summary>The population variance (divided by n); NaN when there are no values.</summary>
    public readonly double PopulationVariance => _count < 1 ? double.NaN : 4 * (_quarterM2 / _count);

    /// <inheritdoc cref="SampleVariance"/>
    public readonly double Result => SampleVariance;

    /// <summary>Adds a value.</summary>
    public void Add(double value) => AddHalf(value * 0.5);

    /// <summary>Adds a value given as its half (what the state keeps of a value alone: see <see cref="Merge"/>).</summary>
    private void AddHalf(double half)
    {
        if (_count == 0)
        {
            _halfShift = half;
        }

        double shifted = half - _halfShift;
        _count++;
        double delta = shifted - _halfMean;
        _halfMean += delta / _count;
        _quarterM2 += delta * (shifted - _halfMean);
    }

    /// <summary>Adds the values <paramref name="other"/> has seen (Chan et al.), as if they came after this state's.</summary>
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

        if (other._count == 1)
        {
            // One value: added as Add adds it, which its state, being only that value's half, lets us do exactly. Its mean
            // and deviations are NaN where the value is infinite, where Add gives the mean of finite values followed by
            // an infinity as that infinity.
            AddHalf(other._halfShift);
            return;
        }

        // The other mean in this state's shifted frame. The shifts are two of the values, so on data whose
        // mean dwarfs its spread their difference is exact, and so is every step below up to rounding of
        // small numbers.
        // Each difference is of two halves, so fits; their sum is half the difference of the means, so fits too, added
        // at half size again and doubled back (exactly, as halving is).
        long count = _count + other._count;
        double delta = 2 * ((other._halfShift - _halfShift) * 0.5 + (other._halfMean * 0.5 - _halfMean * 0.5));

        // As one run rounds it (delta times the count, then divided), unless that product overflows.
        double weighted = delta * other._count;
        _halfMean += double.IsInfinity(weighted) && !double.IsInfinity(delta) ? delta * ((double)other._count / count) : weighted / count;
        _quarterM2 += other._quarterM2 + delta * delta * ((double)_count * other._count / count);
        _count = count;
    }
}
