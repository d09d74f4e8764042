using System.Numerics;
using System.Numerics.Tensors;
using ZLinq;
using static MultiAgg.Agg;

namespace MultiAgg.Benchmarks;

/// <summary>The four statistics LINQ users ask of an array, as one generated loop per element type.</summary>
public static partial class ArrayAggregates
{
    [Aggregate(Sum, Min, Max, Average)]
    public static partial (int Sum, int Min, int Max, double Average) IntStats(int[] values);

    /// <summary>The same with a token, which the loop checks before each vector and each element left over.</summary>
    [Aggregate(Sum, Min, Max, Average)]
    public static partial (int Sum, int Min, int Max, double Average) IntStatsCancellable(int[] values, CancellationToken cancellationToken);

    [Aggregate(Sum, Min, Max, Average)]
    public static partial (long Sum, long Min, long Max, double Average) LongStats(long[] values);

    [Aggregate(Sum, Min, Max, Average)]
    public static partial (double Sum, double Min, double Max, double Average) DoubleStats(double[] values);

    [Aggregate(Sum, Min, Max, Average)]
    public static partial (float Sum, float Min, float Max, float Average) FloatStats(float[] values);

    [Aggregate(Sum, Min, Max, Average, AllowReordering = true)]
    public static partial (double Sum, double Min, double Max, double Average) DoubleStatsReordered(double[] values);

    [Aggregate(Sum, Min, Max, Average, AllowReordering = true)]
    public static partial (float Sum, float Min, float Max, float Average) FloatStatsReordered(float[] values);
}

/// <summary>
/// Sum, Min, Max and Average of an array in memory: the case where LINQ is at its best (each call
/// is a tight, often vectorized span loop), so four passes against one is a fair fight.
/// <c>LinqSum</c> (one pass, one aggregate) approximates what memory bandwidth allows;
/// <c>TensorPrimitivesSum</c> is the vectorized library sum without LINQ's semantics (it adds in
/// any order, wraps on integer overflow and adds floats in float).
/// </summary>
public abstract class ArrayBenchmarks<T>
    where T : struct, INumber<T>
{
    [Params(1_000, 1_000_000, 10_000_000)]
    public int N { get; set; }

    protected T[] Values { get; private set; } = [];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        Values = new T[N];
        for (int i = 0; i < Values.Length; i++)
        {
            Values[i] = NextValue(random);
        }

        Verify();
    }

    /// <summary>Integers in [-100, 100], so that LINQ's checked int sum of 10M values cannot overflow; floats in [-1000, 1000).</summary>
    protected abstract T NextValue(Random random);

    /// <summary>Compares every entry with <c>LinqFourCalls</c>.</summary>
    protected abstract void Verify();

    /// <summary>Σ|x|: the scale of the rounding error of a sum computed in another order.</summary>
    protected double AbsoluteSum() => Values.Sum(x => Math.Abs(double.CreateTruncating(x)));
}

public class IntArrays : ArrayBenchmarks<int>
{
    protected override int NextValue(Random random) => random.Next(-100, 101);

    [Benchmark(Baseline = true)]
    public (int Sum, int Min, int Max, double Average) LinqFourCalls() =>
        (Values.Sum(), Values.Min(), Values.Max(), Values.Average());

    [Benchmark]
    public int LinqSum() => Values.Sum();

    [Benchmark]
    public int TensorPrimitivesSum() => TensorPrimitives.Sum<int>(Values);

    /// <summary>ZLinq's value enumerable over the array: four passes, each a vectorized span loop without delegates.</summary>
    [Benchmark]
    public (int Sum, int Min, int Max, double Average) ZLinqFourCalls()
    {
        var values = Values.AsValueEnumerable();
        return (values.Sum(), values.Min(), values.Max(), values.Average());
    }

    /// <summary>One scalar pass with LINQ's semantics: checked int sum, Average over the exact total.</summary>
    [Benchmark]
    public (int Sum, int Min, int Max, double Average) HandScalarLoop()
    {
        int[] values = Values;
        if (values.Length == 0)
        {
            throw new InvalidOperationException("Sequence contains no elements");
        }

        int sum = 0, min = values[0], max = values[0];
        foreach (int x in values)
        {
            sum = checked(sum + x);
            if (x < min)
            {
                min = x;
            }

            if (x > max)
            {
                max = x;
            }
        }

        return (sum, min, max, (double)sum / values.Length);
    }

    [Benchmark]
    public (int Sum, int Min, int Max, double Average) Generated() => ArrayAggregates.IntStats(Values);

    /// <summary>A token that can be cancelled (a default one has no source, and its check is cheaper still).</summary>
    private readonly CancellationTokenSource _cancellation = new();

    [Benchmark]
    public (int Sum, int Min, int Max, double Average) GeneratedWithToken() => ArrayAggregates.IntStatsCancellable(Values, _cancellation.Token);

    protected override void Verify()
    {
        var expected = LinqFourCalls();
        Check.Equal(expected.Sum, LinqSum());
        Check.Equal(expected.Sum, TensorPrimitivesSum());
        Check.Equal(expected, ZLinqFourCalls());
        Check.Equal(expected, HandScalarLoop());
        Check.Equal(expected, Generated());
        Check.Equal(expected, GeneratedWithToken());
    }
}

public class LongArrays : ArrayBenchmarks<long>
{
    protected override long NextValue(Random random) => random.NextInt64(-100, 101);

    [Benchmark(Baseline = true)]
    public (long Sum, long Min, long Max, double Average) LinqFourCalls() =>
        (Values.Sum(), Values.Min(), Values.Max(), Values.Average());

    [Benchmark]
    public long LinqSum() => Values.Sum();

    [Benchmark]
    public long TensorPrimitivesSum() => TensorPrimitives.Sum<long>(Values);

    /// <summary>One scalar pass with LINQ's semantics: checked long sum, Average over the exact total.</summary>
    [Benchmark]
    public (long Sum, long Min, long Max, double Average) HandScalarLoop()
    {
        long[] values = Values;
        if (values.Length == 0)
        {
            throw new InvalidOperationException("Sequence contains no elements");
        }

        long sum = 0, min = values[0], max = values[0];
        foreach (long x in values)
        {
            sum = checked(sum + x);
            if (x < min)
            {
                min = x;
            }

            if (x > max)
            {
                max = x;
            }
        }

        return (sum, min, max, (double)sum / values.Length);
    }

    [Benchmark]
    public (long Sum, long Min, long Max, double Average) Generated() => ArrayAggregates.LongStats(Values);

    protected override void Verify()
    {
        var expected = LinqFourCalls();
        Check.Equal(expected.Sum, LinqSum());
        Check.Equal(expected.Sum, TensorPrimitivesSum());
        Check.Equal(expected, HandScalarLoop());
        Check.Equal(expected, Generated());
    }
}

public class DoubleArrays : ArrayBenchmarks<double>
{
    protected override double NextValue(Random random) => random.NextDouble() * 2000 - 1000;

    [Benchmark(Baseline = true)]
    public (double Sum, double Min, double Max, double Average) LinqFourCalls() =>
        (Values.Sum(), Values.Min(), Values.Max(), Values.Average());

    [Benchmark]
    public double LinqSum() => Values.Sum();

    [Benchmark]
    public double TensorPrimitivesSum() => TensorPrimitives.Sum<double>(Values);

    /// <summary>
    /// One scalar pass with LINQ's semantics: the sum added left to right; Min is NaN if any value
    /// is; Max ignores NaN unless every value is; of equal values (-0.0, +0.0) the first wins.
    /// </summary>
    [Benchmark]
    public (double Sum, double Min, double Max, double Average) HandScalarLoop()
    {
        double[] values = Values;
        if (values.Length == 0)
        {
            throw new InvalidOperationException("Sequence contains no elements");
        }

        double sum = 0, min = values[0], max = values[0];
        foreach (double x in values)
        {
            sum += x;
            if (x < min || double.IsNaN(x))
            {
                min = x;
            }

            if (x > max || double.IsNaN(max))
            {
                max = x;
            }
        }

        return (sum, min, max, sum / values.Length);
    }

    [Benchmark]
    public (double Sum, double Min, double Max, double Average) Generated() => ArrayAggregates.DoubleStats(Values);

    /// <summary>Opted in to SIMD partial sums: may differ from LINQ in the last bits of Sum and Average.</summary>
    [Benchmark]
    public (double Sum, double Min, double Max, double Average) GeneratedReordered() => ArrayAggregates.DoubleStatsReordered(Values);

    protected override void Verify()
    {
        var expected = LinqFourCalls();
        Check.Equal(expected.Sum, LinqSum());
        Check.Equal(expected, HandScalarLoop());
        Check.Equal(expected, Generated());

        // Reordering changes only the rounding: far below 1e-12 of Σ|x| for these sizes.
        double tolerance = 1e-12 * AbsoluteSum();
        Check.Close(expected.Sum, TensorPrimitivesSum(), tolerance);
        var reordered = GeneratedReordered();
        Check.Close(expected.Sum, reordered.Sum, tolerance);
        Check.Equal((expected.Min, expected.Max), (reordered.Min, reordered.Max));
        Check.Close(expected.Average, reordered.Average, tolerance / N);
    }
}

public class FloatArrays : ArrayBenchmarks<float>
{
    protected override float NextValue(Random random) => random.NextSingle() * 2000 - 1000;

    [Benchmark(Baseline = true)]
    public (float Sum, float Min, float Max, float Average) LinqFourCalls() =>
        (Values.Sum(), Values.Min(), Values.Max(), Values.Average());

    [Benchmark]
    public float LinqSum() => Values.Sum();

    [Benchmark]
    public float TensorPrimitivesSum() => TensorPrimitives.Sum<float>(Values);

    /// <summary>
    /// One scalar pass with LINQ's semantics: the sum accumulates in double, left to right, and
    /// is rounded to float at the end; NaN and signed zeros as for double.
    /// </summary>
    [Benchmark]
    public (float Sum, float Min, float Max, float Average) HandScalarLoop()
    {
        float[] values = Values;
        if (values.Length == 0)
        {
            throw new InvalidOperationException("Sequence contains no elements");
        }

        double sum = 0;
        float min = values[0], max = values[0];
        foreach (float x in values)
        {
            sum += x;
            if (x < min || float.IsNaN(x))
            {
                min = x;
            }

            if (x > max || float.IsNaN(max))
            {
                max = x;
            }
        }

        return ((float)sum, min, max, (float)(sum / values.Length));
    }

    [Benchmark]
    public (float Sum, float Min, float Max, float Average) Generated() => ArrayAggregates.FloatStats(Values);

    /// <summary>Opted in to SIMD partial sums: may differ from LINQ in the last bits of Sum and Average.</summary>
    [Benchmark]
    public (float Sum, float Min, float Max, float Average) GeneratedReordered() => ArrayAggregates.FloatStatsReordered(Values);

    protected override void Verify()
    {
        var expected = LinqFourCalls();
        Check.Equal(expected.Sum, LinqSum());
        Check.Equal(expected, HandScalarLoop());
        Check.Equal(expected, Generated());

        // TensorPrimitives adds in float, in SIMD lanes: its error grows with N but stays far
        // below 1e-6 of Σ|x| here; a reordered double accumulator is far closer still.
        double tolerance = 1e-6 * AbsoluteSum();
        Check.Close(expected.Sum, TensorPrimitivesSum(), tolerance);
        var reordered = GeneratedReordered();
        Check.Close(expected.Sum, reordered.Sum, tolerance);
        Check.Equal((expected.Min, expected.Max), (reordered.Min, reordered.Max));
        Check.Close(expected.Average, reordered.Average, tolerance / N);
    }
}
