using System.Numerics;
using MultiAgg.Accumulators;

namespace MultiAgg.Generators.Tests;

/// <summary>The accumulators shipped in MultiAgg, against exact computations.</summary>
public class AccumulatorTests
{
    [Theory]
    [InlineData(new[] { 1e100, 1.0, -1e100 }, 1.0)]                 // Kahan's own algorithm gives 0 here
    [InlineData(new[] { 1.0, 1e100, 1.0, -1e100 }, 2.0)]
    [InlineData(new[] { 0.1, 0.2, 0.3 }, 0.6)]                       // plain addition gives 0.6000000000000001
    [InlineData(new double[0], 0.0)]
    public void KahanNeumaierSumRecoversWhatPlainAdditionLoses(double[] values, double expected)
    {
        var sum = new KahanNeumaierSum();
        foreach (var value in values)
        {
            sum.Add(value);
        }

        Assert.Equal(expected, sum.Result);
    }

    [Theory]
    [InlineData(new[] { 1.0, double.PositiveInfinity, 2.0 }, double.PositiveInfinity)]
    [InlineData(new[] { double.NegativeInfinity, 1e300 }, double.NegativeInfinity)]
    [InlineData(new[] { double.PositiveInfinity, double.NegativeInfinity }, double.NaN)]
    [InlineData(new[] { 1.0, double.NaN }, double.NaN)]
    [InlineData(new[] { double.MaxValue, double.MaxValue }, double.PositiveInfinity)]
    public void KahanNeumaierSumOfNonFiniteValuesIsWhatPlainAdditionGives(double[] values, double expected)
    {
        var sum = new KahanNeumaierSum();
        foreach (var value in values)
        {
            sum.Add(value);
        }

        Assert.Equal(expected, sum.Result);
    }

    [Fact]
    public void KahanNeumaierSumStaysWithinItsErrorBoundOfTheExactSumAndMergesLikeOneRun()
    {
        var rng = new Random(11);
        var worstPlain = 0.0;
        for (var round = 0; round < 200; round++)
        {
            // Ill-conditioned: magnitudes from 1e-6 to 1e15, both signs, so most of the total cancels.
            var values = Enumerable.Range(0, rng.Next(1, 2000))
                .Select(_ => (rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(-6, 16)))
                .ToArray();
            var exact = Exact(values);
            var bound = Ulp(exact) + values.Length * Math.Pow(2, -104) * values.Sum(Math.Abs);

            var whole = new KahanNeumaierSum();
            var left = new KahanNeumaierSum();
            var right = new KahanNeumaierSum();
            var split = values.Length / 3;
            for (var i = 0; i < values.Length; i++)
            {
                whole.Add(values[i]);
                if (i < split)
                {
                    left.Add(values[i]);
                }
                else
                {
                    right.Add(values[i]);
                }
            }

            left.Merge(right);
            Assert.True(Math.Abs(whole.Result - exact) <= bound, $"round {round}: {whole.Result:R} vs exact {exact:R}");
            Assert.True(Math.Abs(left.Result - exact) <= 2 * bound, $"round {round}, merged: {left.Result:R} vs exact {exact:R}");
            worstPlain = Math.Max(worstPlain, Math.Abs(values.Sum() - exact) / Ulp(exact));
        }

        Assert.True(worstPlain > 4, $"the data should defeat plain addition (worst error {worstPlain} ulps)");
    }

    [Theory]
    [InlineData("uniform")]
    [InlineData("normal")]
    [InlineData("exponential")]
    public void P2QuantilesAreWithinOnePercentOfTheRangeOfTheExactQuantile(string distribution)
    {
        var rng = new Random(distribution.Length);
        foreach (var count in new[] { 1_000, 20_000, 200_000 })
        {
            var values = Enumerable.Range(0, count).Select(_ => Draw(rng, distribution)).ToArray();
            var median = new P2Median();
            var p95 = new P2Percentile95();
            foreach (var value in values)
            {
                median.Add(value);
                p95.Add(value);
            }

            var sorted = values.OrderBy(static v => v).ToArray();
            var tolerance = 0.01 * (sorted[^1] - sorted[0]);
            Assert.InRange(median.Result, ExactQuantile(sorted, 0.5) - tolerance, ExactQuantile(sorted, 0.5) + tolerance);
            Assert.InRange(p95.Result, ExactQuantile(sorted, 0.95) - tolerance, ExactQuantile(sorted, 0.95) + tolerance);
            Assert.Equal(count, median.Count);
        }
    }

    [Fact]
    public void P2QuantilesAreExactForUpToFiveValuesAndIgnoreNaN()
    {
        var rng = new Random(5);
        for (var count = 1; count <= 5; count++)
        {
            var values = Enumerable.Range(0, count).Select(_ => Math.Round(rng.NextDouble() * 100, 1)).ToArray();
            var median = new P2Median();
            var p95 = new P2Percentile95();
            foreach (var value in values)
            {
                median.Add(value);
                median.Add(double.NaN);
                p95.Add(value);
            }

            var sorted = values.OrderBy(static v => v).ToArray();
            Assert.Equal(ExactQuantile(sorted, 0.5), median.Result, 12);
            Assert.Equal(ExactQuantile(sorted, 0.95), p95.Result, 12);
        }

        Assert.True(double.IsNaN(new P2Median().Result));
    }

    /// <summary>
    /// An infinite value is counted apart from the markers, whose fits it would turn to NaN for good: the quantile is
    /// that infinity where its rank falls on one (or between one and a finite value), else the estimate of the rest.
    /// </summary>
    [Fact]
    public void P2QuantilesCountInfinitiesApartFromTheMarkers()
    {
        Assert.Equal(2.0, Estimate(0.5, 1, 2, double.PositiveInfinity));
        Assert.Equal(1.5, Estimate(0.5, double.NegativeInfinity, 1, 2, double.PositiveInfinity));
        Assert.Equal(double.NegativeInfinity, Estimate(0.0, double.NegativeInfinity, 1, 2));
        Assert.Equal(double.NegativeInfinity, Estimate(0.25, double.NegativeInfinity, 1, 2));   // between -inf and 1
        Assert.Equal(double.PositiveInfinity, Estimate(1.0, 1, 2, 3, 4, 5, 6, 7, double.PositiveInfinity));
        Assert.Equal(double.PositiveInfinity, Estimate(0.5, double.PositiveInfinity));
        Assert.True(double.IsNaN(Estimate(0.5, double.NaN)));
        Assert.True(double.IsNaN(Estimate(0.5, double.NegativeInfinity, double.PositiveInfinity)));
        Assert.Equal(double.NegativeInfinity, Estimate(0.0, double.NegativeInfinity, double.PositiveInfinity));
        Assert.Equal(double.PositiveInfinity, Estimate(1.0, double.NegativeInfinity, double.PositiveInfinity));

        // Past five finite values the infinities still take their ranks: the median of 1..6 and three +inf is 5, and
        // the 10th of 21 values, ten of them -inf, is the least finite one.
        Assert.Equal(5.0, Estimate(0.5, 1, 2, 3, 4, 5, double.PositiveInfinity, double.PositiveInfinity, double.PositiveInfinity, 6));
        Assert.Equal(1.0, Estimate(0.5, [.. Enumerable.Repeat(double.NegativeInfinity, 10), .. Enumerable.Range(1, 11).Select(static v => (double)v)]));

        // The least value stays exact where the spread overflows a double (0 times an infinite difference is NaN).
        Assert.Equal(-1e308, Estimate(0.0, -1e308, 1e308, 1e308, 1e308, 1e308, 1e308, double.PositiveInfinity));
        Assert.Equal(-1e308, Estimate(0.0, -1e308, 1e308, double.PositiveInfinity));
        Assert.Equal(0.0, Estimate(0.5, -1e308, 1e308));

        // One infinity among 1,000 uniform values: the median and the 95th percentile of the rest, within 1 % of their range.
        var rng = new Random(11);
        var values = Enumerable.Range(0, 1_000).Select(_ => rng.NextDouble()).ToList();
        var sorted = values.OrderBy(static v => v).ToArray();
        var tolerance = 0.01 * (sorted[^1] - sorted[0]);
        foreach (var at in new[] { 0, 500, 999 })
        {
            foreach (var infinity in new[] { double.PositiveInfinity, double.NegativeInfinity })
            {
                var withInfinity = values.Take(at).Append(infinity).Concat(values.Skip(at)).ToArray();
                Assert.InRange(Estimate(0.5, withInfinity), ExactQuantile(sorted, 0.5) - tolerance, ExactQuantile(sorted, 0.5) + tolerance);
                Assert.InRange(Estimate(0.95, withInfinity), ExactQuantile(sorted, 0.95) - tolerance, ExactQuantile(sorted, 0.95) + tolerance);
                Assert.Equal(infinity, Estimate(infinity > 0 ? 1.0 : 0.0, withInfinity));
            }
        }

        // Half as many +inf as finite values: the median of all is the finite values' 0.75-quantile, which a marker tracks.
        var halfInfinite = values.SelectMany(static (v, i) => i % 2 == 0 ? new[] { v, double.PositiveInfinity } : new[] { v }).ToArray();
        Assert.InRange(Estimate(0.5, halfInfinite), ExactQuantile(sorted, 0.75) - 2 * tolerance, ExactQuantile(sorted, 0.75) + 2 * tolerance);

        static double Estimate(double quantile, params double[] values)
        {
            var estimate = new Quantile(quantile);
            foreach (var value in values)
            {
                estimate.Add(value);
            }

            return estimate.Result;
        }
    }

    /// <summary>
    /// Finite values further apart than double.MaxValue: the markers' fits work from halves of the heights where they
    /// overflow (an infinite difference had made a marker's height -∞ for good, then NaN).
    /// </summary>
    [Fact]
    public void P2QuantilesStayFiniteWhereTheSpreadOfFiniteValuesOverflows()
    {
        var median = new P2Median();
        foreach (var value in new[] { -1e308, -1e308, 1e308, 1e308, 1e308, 0, 0 })
        {
            median.Add(value);
        }

        Assert.InRange(median.Result, -1e308, 1e308);

        // Uniform over ±1.6e308, and the same values at 1/1024 of their size: within 1 % of the range of the exact quantile.
        var rng = new Random(13);
        var values = Enumerable.Range(0, 20_000).Select(_ => ((2 * rng.NextDouble()) - 1) * 1.6e308).ToArray();
        var sorted = values.OrderBy(static v => v).ToArray();
        var tolerance = 0.02 * ((sorted[^1] * 0.5) - (sorted[0] * 0.5));
        foreach (var quantile in new[] { 0.5, 0.95, 0.05 })
        {
            var wide = new Quantile(quantile);
            var narrow = new Quantile(quantile);
            foreach (var value in values)
            {
                wide.Add(value);
                narrow.Add(value / 1024);
            }

            var exact = ExactQuantile(sorted, quantile);
            Assert.InRange(wide.Result, exact - tolerance, exact + tolerance);
            Assert.InRange(narrow.Result * 1024, exact - tolerance, exact + tolerance);
        }
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    public void P2QuantilesZeroAndOneAreTheExactMinimumAndMaximum(double quantile)
    {
        // P²'s middle marker never comes within a step of the end markers, so past five values it cannot give the
        // extremes; the end markers are the exact minimum and maximum.
        foreach (var values in new[] { Enumerable.Range(1, 100).Select(static v => (double)v).ToArray(), Shuffled(new Random(7), 1_000) })
        {
            var estimate = new Quantile(quantile);
            foreach (var value in values)
            {
                estimate.Add(value);
            }

            Assert.Equal(quantile == 0 ? values.Min() : values.Max(), estimate.Result);
        }

        static double[] Shuffled(Random rng, int count) => Enumerable.Range(0, count).Select(_ => rng.NextDouble() * 1_000 - 500).ToArray();
    }

    private sealed class Quantile(double quantile) : P2Quantile(quantile);

    private static double Draw(Random rng, string distribution) => distribution switch
    {
        "uniform" => rng.NextDouble(),
        "normal" => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()),
        _ => -Math.Log(1 - rng.NextDouble()),
    };

    /// <summary>The quantile of sorted values, interpolated linearly at rank p·(n-1).</summary>
    private static double ExactQuantile(double[] sorted, double p)
    {
        var rank = p * (sorted.Length - 1);
        var below = (int)Math.Floor(rank);
        var above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + (rank - below) * (sorted[above] - sorted[below]);
    }

    /// <summary>The exact sum, rounded once: every value here is a whole multiple of 2^-112.</summary>
    private static double Exact(double[] values)
    {
        var total = values.Aggregate(BigInteger.Zero, static (sum, v) => sum + new BigInteger(Math.ScaleB(v, 112)));
        return Math.ScaleB((double)total, -112);
    }

    private static double Ulp(double value) => Math.BitIncrement(Math.Abs(value)) - Math.Abs(value);
}
