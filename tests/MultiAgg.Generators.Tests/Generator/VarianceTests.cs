using System.Numerics;
using System.Reflection;
using System.Runtime.CompilerServices;
using MultiAgg.Accumulators;
using MultiAgg.Generators.Tests.Infrastructure;

namespace MultiAgg.Generators.Tests;

/// <summary>Variance, VarianceP, StdDev, StdDevP: Welford in the fused loop, against a two-pass oracle.</summary>
public class VarianceTests
{
    private const string Source = """
        using System;
        using System.Collections.Generic;
        using MultiAgg;
        using static MultiAgg.Agg;

        public static partial class V
        {
            [Aggregate(Variance, VarianceP, StdDev, StdDevP, Count)]
            public static partial (double, double, double, double, int) Doubles(IEnumerable<double> values);

            [Aggregate(Variance, VarianceP, StdDev, StdDevP)]
            public static partial (double?, double?, double?, double?) Nullable(List<int?> values);

            [Aggregate(Variance, StdDevP)]
            public static partial (double, double) Decimals(decimal[] values);
        }
        """;

    [Fact]
    public void StableOnLargeOffsetsWhereTheTextbookFormulaFails()
    {
        var v = Load();
        var rng = new Random(4);
        var values = Enumerable.Range(0, 100_000).Select(_ => 1e9 + rng.NextDouble()).ToArray();
        var (variance, populationVariance) = TwoPass(values);

        var result = (ITuple)v.GetMethod("Doubles")!.Invoke(null, new object[] { values })!;
        // The values themselves carry about 1e-7 of rounding (an ulp of 1e9), so agreeing to 1e-6 is all
        // either method can claim.
        Assert.Equal(variance, (double)result[0]!, variance * 1e-6);
        Assert.Equal(populationVariance, (double)result[1]!, populationVariance * 1e-6);
        Assert.Equal(Math.Sqrt(variance), (double)result[2]!, Math.Sqrt(variance) * 1e-6);
        Assert.Equal(Math.Sqrt(populationVariance), (double)result[3]!, Math.Sqrt(populationVariance) * 1e-6);

        // The one-pass textbook formula loses every digit here: the test data is meaningful.
        var n = values.Length;
        var naive = (values.Sum(x => x * x) - values.Sum() * values.Sum() / n) / (n - 1);
        Assert.True(Math.Abs(naive - variance) > variance * 0.01, $"naive {naive} vs {variance}");
    }

    [Fact]
    public void EqualTheTwoPassOracleOnRandomInputsAndFollowTheEmptyRules()
    {
        var v = Load();
        var rng = new Random(9);
        foreach (var count in new[] { 0, 1, 2, 3, 10, 1000 })
        {
            var ints = Enumerable.Range(0, count).Select(i => i % 5 == 4 ? (int?)null : rng.Next(-1000, 1000)).ToList();
            var present = ints.Where(static i => i.HasValue).Select(static i => (double)i!.Value).ToArray();
            var nullable = (ITuple)v.GetMethod("Nullable")!.Invoke(null, new object[] { ints })!;
            var (variance, populationVariance) = TwoPass(present);
            AssertClose(present.Length >= 2 ? variance : null, (double?)nullable[0]);
            AssertClose(present.Length >= 1 ? populationVariance : null, (double?)nullable[1]);
            AssertClose(present.Length >= 2 ? Math.Sqrt(variance) : null, (double?)nullable[2]);
            AssertClose(present.Length >= 1 ? Math.Sqrt(populationVariance) : null, (double?)nullable[3]);

            var decimals = Enumerable.Range(0, count).Select(_ => Math.Round((decimal)rng.NextDouble() * 100m, 2)).ToArray();
            var call = () => (ITuple)v.GetMethod("Decimals")!.Invoke(null, new object[] { decimals })!;
            if (count < 2)
            {
                Assert.IsType<InvalidOperationException>(Assert.Throws<TargetInvocationException>(call).InnerException);
                continue;
            }

            var (dv, dp) = TwoPass(decimals.Select(static d => (double)d).ToArray());
            AssertClose(dv, (double)call()[0]!);
            AssertClose(Math.Sqrt(dp), (double)call()[1]!);
        }
    }

    [Fact]
    public void WelfordStatesMergeLikeOneRun()
    {
        var rng = new Random(12);
        var values = Enumerable.Range(0, 5000).Select(_ => 1e6 + rng.NextDouble() * 10).ToArray();
        Welford whole = default, left = default, right = default, empty = default;
        foreach (var (value, i) in values.Select((x, i) => (x, i)))
        {
            whole.Add(value);
            if (i < 1234)
            {
                left.Add(value);
            }
            else
            {
                right.Add(value);
            }
        }

        left.Merge(right);
        left.Merge(empty);
        empty.Merge(whole);
        Assert.Equal(whole.Count, left.Count);
        Assert.Equal(whole.SampleVariance, left.SampleVariance, whole.SampleVariance * 1e-10);
        Assert.Equal(whole.Mean, left.Mean, 1e-6);
        Assert.Equal(whole.SampleVariance, empty.SampleVariance);
        Assert.True(double.IsNaN(default(Welford).PopulationVariance));
    }

    /// <summary>
    /// A state of one value merged is that value added, bit for bit: the mean of finite values followed by one infinity
    /// is that infinity merged as in one run (the infinity's own state is NaN throughout, and its merge gave a NaN mean).
    /// </summary>
    [Fact]
    public void AStateOfOneValueMergesAsThatValueAdded()
    {
        var rng = new Random(3);
        foreach (var last in new[] { double.PositiveInfinity, double.NegativeInfinity, 1e6 + rng.NextDouble(), -0.0, double.Epsilon })
        {
            Welford whole = default, merged = default, one = default;
            foreach (var value in Enumerable.Range(0, 100).Select(_ => 1e6 + rng.NextDouble()))
            {
                whole.Add(value);
                merged.Add(value);
            }

            whole.Add(last);
            one.Add(last);
            merged.Merge(one);
            Assert.Equal(
                (whole.Count, whole.Mean, whole.SampleVariance, whole.PopulationVariance),
                (merged.Count, merged.Mean, merged.SampleVariance, merged.PopulationVariance));
        }

        Welford first = default, infinity = default;
        first.Add(1);
        infinity.Add(double.PositiveInfinity);
        first.Merge(infinity);
        Assert.Equal(double.PositiveInfinity, first.Mean);
        Assert.True(double.IsNaN(first.SampleVariance));
    }

    /// <summary>
    /// Finite values more than double.MaxValue apart: their mean is finite and their variances are beyond a double's
    /// range, +∞, in one run, merged from any split, and in the generated method (the difference of the values had
    /// overflowed: a mean of −∞ and NaN variances).
    /// </summary>
    [Fact]
    public void ValuesFurtherApartThanMaxValueHaveAFiniteMeanAndAnInfiniteVariance()
    {
        var values = new[] { -1e308, 1e308, -1e308, 1e308 };
        var generated = (ITuple)Load().GetMethod("Doubles")!.Invoke(null, new object[] { values })!;
        Assert.Equal(new object[] { double.PositiveInfinity, double.PositiveInfinity, double.PositiveInfinity, double.PositiveInfinity },
            Enumerable.Range(0, 4).Select(i => generated[i]!));

        for (var split = 0; split <= values.Length; split++)
        {
            var left = SplitAndMerged(values, split);
            Assert.Equal(0.0, left.Mean, 1e308 * 1e-15);
            Assert.Equal(double.PositiveInfinity, left.SampleVariance);
            Assert.Equal(double.PositiveInfinity, left.PopulationVariance);
        }

        // Two states whose means are themselves near the ends of the range, merged; and ordinary values merge as they did
        // at full size (9 zeros and a 6: a mean of exactly 0.6).
        Welford low = default, highs = default, zeros = default, six = default;
        foreach (var x in new[] { -1e308 }.Concat(Enumerable.Repeat(1e308, 9)))
        {
            low.Add(x);
        }

        foreach (var x in new[] { 1e308 }.Concat(Enumerable.Repeat(-1e308, 9)))
        {
            highs.Add(x);
        }

        low.Merge(highs);
        Assert.Equal(0.0, low.Mean, 1e308 * 1e-15);
        Assert.Equal(double.PositiveInfinity, low.SampleVariance);
        low.Add(0);
        Assert.Equal(double.PositiveInfinity, low.PopulationVariance);
        for (var i = 0; i < 9; i++)
        {
            zeros.Add(0);
        }

        six.Add(6);
        zeros.Merge(six);
        Assert.Equal(0.6, zeros.Mean);

        // Near the top of the range on one side, nothing overflows: the mean is the value, the spread nothing.
        Welford high = default;
        foreach (var x in new[] { double.MaxValue, double.MaxValue, double.MaxValue })
        {
            high.Add(x);
        }

        Assert.Equal((double.MaxValue, 0.0), (high.Mean, high.SampleVariance));
    }

    /// <summary>Data whose mean dwarfs its spread: plain Welford is off by 9e-5 relative on the first.</summary>
    public static TheoryData<string, double[]> IllConditioned()
    {
        var rng = new Random(21);
        return new()
        {
            { "1e9 + i * 1e-3", Enumerable.Range(0, 64).Select(i => 1e9 + i * 1e-3).ToArray() },
            { "-1e9 - i * 1e-3", Enumerable.Range(0, 64).Select(i => -1e9 - i * 1e-3).ToArray() },
            { "1e12 + noise", Enumerable.Range(0, 1000).Select(_ => 1e12 + rng.NextDouble()).ToArray() },
            { "unix milliseconds", Enumerable.Range(0, 500).Select(i => 1.7e12 + i * 37 % 101).ToArray() },
            { "1e15 + small integers", Enumerable.Range(0, 300).Select(i => 1e15 + i % 7).ToArray() },
            { "prices near 1e8", Enumerable.Range(0, 2000).Select(_ => 1e8 + Math.Round(rng.NextDouble(), 2)).ToArray() },
        };
    }

    [Theory]
    [MemberData(nameof(IllConditioned))]
    public void AgreeWithTheExactVarianceOnDataWhoseMeanDwarfsItsSpread(string name, double[] values)
    {
        var v = Load();
        var (variance, populationVariance, mean) = ExactVariance(values);
        var result = (ITuple)v.GetMethod("Doubles")!.Invoke(null, new object[] { values })!;
        AssertRelative(name, variance, (double)result[0]!);
        AssertRelative(name, populationVariance, (double)result[1]!);
        AssertRelative(name, Math.Sqrt(variance), (double)result[2]!);
        AssertRelative(name, Math.Sqrt(populationVariance), (double)result[3]!);

        // Merging states split anywhere is as exact as one run (Chan et al. in the first value's frame).
        foreach (var split in new[] { 1, 2, values.Length / 3, values.Length / 2, values.Length - 1 })
        {
            var left = SplitAndMerged(values, split);
            AssertRelative($"{name} split at {split}", variance, left.SampleVariance);
            AssertRelative($"{name} split at {split}", populationVariance, left.PopulationVariance);
            Assert.Equal(mean, left.Mean, Math.Abs(mean) * 1e-15);
        }
    }

    /// <summary>The values before <paramref name="split"/> in one state, the rest in another, merged.</summary>
    private static Welford SplitAndMerged(double[] values, int split)
    {
        Welford left = default, right = default;
        foreach (var x in values.Take(split))
        {
            left.Add(x);
        }

        foreach (var x in values.Skip(split))
        {
            right.Add(x);
        }

        left.Merge(right);
        return left;
    }

    private static void AssertRelative(string name, double expected, double actual) =>
        Assert.True(Math.Abs(actual - expected) <= Math.Abs(expected) * 1e-9,
            $"{name}: {actual:R} differs from the exact {expected:R} by {Math.Abs(actual - expected) / Math.Abs(expected):E2} relative");

    /// <summary>
    /// The variances of the doubles as given, in exact integer arithmetic: every double is an integer times a
    /// power of two, so scaled to the smallest exponent they are integers, and (nΣx² − (Σx)²) is exact. (A
    /// two-pass computation in doubles is itself off by more than 1e-9 here: its mean of 1e12-sized values
    /// carries their sum's rounding.)
    /// </summary>
    private static (double Sample, double Population, double Mean) ExactVariance(double[] values)
    {
        static (BigInteger Mantissa, int Exponent) Decompose(double d)
        {
            var bits = BitConverter.DoubleToInt64Bits(d);
            var exponent = (int)((bits >> 52) & 0x7FF);
            var mantissa = bits & 0xF_FFFF_FFFF_FFFFL;
            if (exponent == 0)
            {
                exponent = 1;
            }
            else
            {
                mantissa |= 1L << 52;
            }

            return (bits < 0 ? -mantissa : mantissa, exponent - 1075);
        }

        var parts = values.Select(Decompose).ToArray();
        var smallest = parts.Min(static p => p.Exponent);
        var scaled = parts.Select(p => p.Mantissa << (p.Exponent - smallest)).ToArray();
        var n = new BigInteger(values.Length);
        var sum = scaled.Aggregate(BigInteger.Zero, static (s, x) => s + x);
        var squares = scaled.Aggregate(BigInteger.Zero, static (s, x) => s + x * x);
        var numerator = n * squares - sum * sum;   // n² times the population variance, scaled by 2^(2·smallest)
        double Ratio(BigInteger denominator) => numerator.IsZero
            ? 0
            : Math.ScaleB(Math.Exp(BigInteger.Log(numerator) - BigInteger.Log(denominator)), 2 * smallest);
        return (Ratio(n * (n - 1)), Ratio(n * n), Math.ScaleB((double)sum / values.Length, smallest));
    }

    private static (double Sample, double Population) TwoPass(double[] values)
    {
        if (values.Length == 0)
        {
            return (double.NaN, double.NaN);
        }

        var mean = values.Average();
        var squares = values.Sum(x => (x - mean) * (x - mean));
        return (values.Length > 1 ? squares / (values.Length - 1) : double.NaN, squares / values.Length);
    }

    private static void AssertClose(double? expected, double? actual)
    {
        Assert.Equal(expected.HasValue, actual.HasValue);
        if (expected is { } e)
        {
            Assert.Equal(e, actual!.Value, Math.Max(1e-12, Math.Abs(e) * 1e-10));
        }
    }

    private static Type Load() => TestCompiler.Load(TestCompiler.Run(Source).AssertClean().Output).GetType("V")!;
}
