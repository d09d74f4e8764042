using System;

namespace MultiAgg.Accumulators;

/// <summary>
/// A streaming estimate of one quantile in constant memory: Jain and Chlamtac's P² algorithm
/// ("The P² algorithm for dynamic calculation of quantiles and histograms without storing
/// observations", CACM 1985). Five markers track the minimum, the maximum, the quantile and the
/// two points halfway to it; each value moves them along a piecewise-parabolic fit of the
/// distribution.
/// </summary>
/// <remarks>
/// <para>
/// Derive a class with a parameterless constructor for the quantile you want (as
/// <see cref="P2Median"/> and <see cref="P2Percentile95"/> do) to use it as an aggregate.
/// </para>
/// <para>
/// Accuracy: exact for up to five values (the quantile of the sorted values, interpolated
/// linearly at rank <c>p·(n-1)</c>), and for the 0- and 1-quantiles (the minimum and maximum);
/// otherwise an estimate. The tests find it within 1 % of the data's range of the exact quantile
/// on uniform, normal and exponential data of 1 000 to 200 000 values (not within 0.3 % on the
/// exponential); on data with gaps or heavy ties, or on a few dozen values, it can be further
/// off. It is not mergeable: two partial states cannot be combined
/// exactly. NaN values are ignored. Infinite values are counted apart from the markers, whose fits
/// they would turn to NaN, and they take their places in the rank <c>p·(n-1)</c> among all the
/// values: where it falls on an infinity or between one and a finite value, the result is that
/// infinity (NaN between −∞ and +∞); elsewhere it is the finite values' quantile at the rank among
/// them, exact for up to five, and past that read off the markers' piecewise-linear fit, which is
/// as close as above only while the infinities are few (the markers are dense around p).
/// </para>
/// </remarks>
public abstract class P2Quantile : IAccumulator<double, double>
{
    private readonly double _p;
    private readonly double[] _heights = new double[5];       // marker heights q[0..4]
    private readonly double[] _positions = new double[5];     // actual marker positions n[0..4], 1-based
    private readonly double[] _desired = new double[5];       // desired positions n'[0..4]
    private readonly double[] _increments = new double[5];    // dn'[0..4]
    private long _count;                                       // finite values
    private long _negativeInfinities;
    private long _positiveInfinities;

    /// <summary>Estimates the <paramref name="quantile"/>-quantile, between 0 and 1 (0.5 is the median).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="quantile"/> is not between 0 and 1 (NaN included).</exception>
    protected P2Quantile(double quantile)
    {
        if (!(quantile >= 0 && quantile <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(quantile), quantile, "The quantile must be between 0 and 1.");
        }

        _p = quantile;
        _increments[0] = 0;
        _increments[1] = quantile / 2;
        _increments[2] = quantile;
        _increments[3] = (1 + quantile) / 2;
        _increments[4] = 1;
    }

    /// <summary>The number of values read (NaN excluded).</summary>
    public long Count => _count + _negativeInfinities + _positiveInfinities;

    /// <summary>Takes the next value.</summary>
    public void Add(double value)
    {
        if (double.IsNaN(value))
        {
            return;
        }

        if (double.IsInfinity(value))
        {
            _ = value < 0 ? _negativeInfinities++ : _positiveInfinities++;
            return;
        }

        if (_count < 5)
        {
            _heights[_count++] = value;
            if (_count == 5)
            {
                Array.Sort(_heights);
                for (var i = 0; i < 5; i++)
                {
                    _positions[i] = i + 1;
                }

                _desired[0] = 1;
                _desired[1] = 1 + 2 * _p;
                _desired[2] = 1 + 4 * _p;
                _desired[3] = 3 + 2 * _p;
                _desired[4] = 5;
            }

            return;
        }

        _count++;

        // The cell the value falls in; the extreme markers follow new extremes.
        int cell;
        if (value < _heights[0])
        {
            _heights[0] = value;
            cell = 0;
        }
        else if (value >= _heights[4])
        {
            _heights[4] = value;
            cell = 3;
        }
        else
        {
            cell = 0;
            while (value >= _heights[cell + 1])
            {
                cell++;
            }
        }

        for (var i = cell + 1; i < 5; i++)
        {
            _positions[i]++;
        }

        for (var i = 0; i < 5; i++)
        {
            _desired[i] += _increments[i];
        }

        // Move each middle marker one step toward its desired position when it is off by a whole step
        // and the neighbour in that direction is not adjacent.
        for (var i = 1; i <= 3; i++)
        {
            var offset = _desired[i] - _positions[i];
            if ((offset >= 1 && _positions[i + 1] - _positions[i] > 1) || (offset <= -1 && _positions[i - 1] - _positions[i] < -1))
            {
                var step = offset >= 1 ? 1 : -1;
                var candidate = Parabolic(i, step);
                _heights[i] = _heights[i - 1] < candidate && candidate < _heights[i + 1] ? candidate : Linear(i, step);
                _positions[i] += step;
            }
        }
    }

    /// <summary>The estimated quantile; NaN when no value was read.</summary>
    public double Result
    {
        get
        {
            var count = Count;
            if (count == 0)
            {
                return double.NaN;
            }

            // The rank among all the values, the infinities below the finite ones and above them.
            var rank = _p * (count - 1);
            if (rank < _negativeInfinities)
            {
                // Between the last -inf and a +inf, with no finite value between them, nothing is the quantile.
                return _count == 0 && _positiveInfinities > 0 && rank > _negativeInfinities - 1 ? double.NaN : double.NegativeInfinity;
            }

            if (rank > _negativeInfinities + _count - 1)
            {
                return double.PositiveInfinity;
            }

            if (_count > 5)
            {
                if (_negativeInfinities == 0 && _positiveInfinities == 0)
                {
                    // The end markers are the exact minimum and maximum; the middle one never comes within a step of them.
                    return _p == 0 ? _heights[0] : _p == 1 ? _heights[4] : _heights[2];
                }

                // The infinities move the rank among the finite values away from the p the markers track: read that
                // rank off the markers, whose positions are ranks among the finite values (1 for the minimum, the count
                // for the maximum), between the two around it.
                var target = rank - _negativeInfinities + 1;
                var marker = 0;
                while (marker < 3 && _positions[marker + 1] < target)
                {
                    marker++;
                }

                // On a marker, its height: exact at the minimum and the maximum, even where the spread overflows a double.
                var (from, to) = (_positions[marker], _positions[marker + 1]);
                return target == from ? _heights[marker]
                    : target == to ? _heights[marker + 1]
                    : Between(_heights[marker], _heights[marker + 1], (target - from) / (to - from));
            }

            // Few values: the exact quantile, interpolated between the neighbouring order statistics.
            var sorted = new double[_count];
            Array.Copy(_heights, sorted, _count);
            Array.Sort(sorted);
            rank -= _negativeInfinities;
            var below = (int)Math.Floor(rank);
            var above = Math.Min(below + 1, (int)_count - 1);
            return rank == below ? sorted[below] : Between(sorted[below], sorted[above], rank - below);
        }
    }

    /// <summary>
    /// The point a <paramref name="fraction"/> of the way from <paramref name="low"/> to <paramref name="high"/>; from the
    /// two ends where their difference overflows a double (-1e308 to 1e308), whose halfway point is still 0.
    /// </summary>
    private static double Between(double low, double high, double fraction)
    {
        var difference = high - low;
        return double.IsInfinity(difference) && !double.IsInfinity(low) && !double.IsInfinity(high)
            ? low * (1 - fraction) + high * fraction
            : low + fraction * difference;
    }

    /// <summary>
    /// P²'s parabolic prediction of marker <paramref name="i"/>'s height moved by <paramref name="step"/>. Where the
    /// heights are so far apart that the formula overflows (-1e308 and 1e308), it is worked again from halves of the
    /// heights (exact), each difference weighted by its factor of the positions first (both at most 1 in size), and
    /// doubled back: a prediction that still overflows lies past a neighbour, and is refused as one there is.
    /// </summary>
    private double Parabolic(int i, int step)
    {
        double q = _heights[i], n = _positions[i];
        double qBelow = _heights[i - 1], nBelow = _positions[i - 1];
        double qAbove = _heights[i + 1], nAbove = _positions[i + 1];
        var prediction = q + step / (nAbove - nBelow)
            * ((n - nBelow + step) * (qAbove - q) / (nAbove - n) + (nAbove - n - step) * (q - qBelow) / (n - nBelow));
        if (IsFinite(prediction))
        {
            return prediction;
        }

        var weightAbove = step * (n - nBelow + step) / ((nAbove - nBelow) * (nAbove - n));
        var weightBelow = step * (nAbove - n - step) / ((nAbove - nBelow) * (n - nBelow));
        return 2 * ((q * 0.5) + (weightAbove * ((qAbove * 0.5) - (q * 0.5))) + (weightBelow * ((q * 0.5) - (qBelow * 0.5))));
    }

    /// <summary>
    /// P²'s linear prediction, toward the neighbour at <paramref name="step"/>; from halves of the heights where their
    /// difference overflows, as it then lies between two finite heights.
    /// </summary>
    private double Linear(int i, int step)
    {
        double q = _heights[i], toward = _heights[i + step], distance = _positions[i + step] - _positions[i];
        var prediction = q + step * (toward - q) / distance;
        return IsFinite(prediction) ? prediction : 2 * ((q * 0.5) + (step * ((toward * 0.5) - (q * 0.5)) / distance));
    }

    private static bool IsFinite(double value) => !double.IsInfinity(value) && !double.IsNaN(value);
}

/// <summary>The median (0.5-quantile), estimated in constant memory with <see cref="P2Quantile"/>.</summary>
public sealed class P2Median : P2Quantile
{
    /// <summary>Creates an empty estimator.</summary>
    public P2Median()
        : base(0.5)
    {
    }
}

/// <summary>The 95th percentile, estimated in constant memory with <see cref="P2Quantile"/>.</summary>
public sealed class P2Percentile95 : P2Quantile
{
    /// <summary>Creates an empty estimator.</summary>
    public P2Percentile95()
        : base(0.95)
    {
    }
}
