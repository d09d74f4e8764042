using static MultiAgg.Agg;

namespace MultiAgg.Benchmarks.Concurrency;

public static partial class Heavy
{
    /// <summary>About a microsecond of math per element on this machine (a Newton iteration of a square root, 155 times).</summary>
    public static double Score(double value)
    {
        var x = value + 1;
        var root = x;
        for (var i = 0; i < 155; i++)
        {
            root = 0.5 * (root + (x / root));
        }

        return root;
    }

    /// <summary>A selector that costs about what reading the element does.</summary>
    public static long Light(int value) => (value * 3L) + 1;

    [Aggregate(Sum, Max, Count, Of = nameof(Score))]
    public static partial (double Sum, double Max, int Count) Sequential(double[] values);

    [Aggregate(Sum, Max, Count, Of = nameof(Score))]
    public static partial (double Sum, double Max, int Count) Parallel(double[] values, ParallelOptions options);

    [Aggregate(Sum, Max, Count, Of = nameof(Light))]
    public static partial (long Sum, long Max, int Count) LightSequential(int[] values);

    [Aggregate(Sum, Max, Count, Of = nameof(Light))]
    public static partial (long Sum, long Max, int Count) LightParallel(int[] values, ParallelOptions options);
}

/// <summary>
/// Issue 15's CPU measurement: a selector of about 1 µs per element over 1,000,000 doubles, as the sequential generated
/// method, the same method with a ParallelOptions parameter (2 workers: this machine has 2 cores), PLINQ's four-function
/// Aggregate, and Parallel.For with thread-local state by hand.
/// </summary>
public class CpuParallelHeavy
{
    private const int N = 1_000_000;
    private readonly ParallelOptions _two = new() { MaxDegreeOfParallelism = 2 };
    private double[] _values = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(15);
        _values = Enumerable.Range(0, N).Select(_ => random.NextDouble() * 1000).ToArray();
        var expected = Sequential();
        foreach (var (name, result) in new[] { ("Generated", Generated()), ("Plinq", Plinq()), ("ParallelForThreadLocal", ParallelForThreadLocal()) })
        {
            Check.Close(expected.Sum, result.Sum, Math.Abs(expected.Sum) * 1e-12, name);
            Check.Equal(expected.Max, result.Max, name);
            Check.Equal(expected.Count, result.Count, name);
        }
    }

    [Benchmark(Baseline = true)]
    public (double Sum, double Max, int Count) Sequential() => Heavy.Sequential(_values);

    [Benchmark]
    public (double Sum, double Max, int Count) Generated() => Heavy.Parallel(_values, _two);

    [Benchmark]
    public (double Sum, double Max, int Count) Plinq() => _values.AsParallel().WithDegreeOfParallelism(2).Aggregate(
        static () => (Sum: 0.0, Max: double.NegativeInfinity, Count: 0),
        static (state, value) =>
        {
            var score = Heavy.Score(value);
            return (state.Sum + score, Math.Max(state.Max, score), state.Count + 1);
        },
        static (left, right) => (left.Sum + right.Sum, Math.Max(left.Max, right.Max), left.Count + right.Count),
        static state => state);

    [Benchmark]
    public (double Sum, double Max, int Count) ParallelForThreadLocal()
    {
        var gate = new object();
        var total = (Sum: 0.0, Max: double.NegativeInfinity, Count: 0);
        System.Threading.Tasks.Parallel.For(
            0,
            _values.Length,
            _two,
            static () => (Sum: 0.0, Max: double.NegativeInfinity, Count: 0),
            (i, _, local) =>
            {
                var score = Heavy.Score(_values[i]);
                return (local.Sum + score, Math.Max(local.Max, score), local.Count + 1);
            },
            local =>
            {
                lock (gate)
                {
                    total = (total.Sum + local.Sum, Math.Max(total.Max, local.Max), total.Count + local.Count);
                }
            });
        return total;
    }
}

/// <summary>A selector that costs about nothing, over 10,000,000 ints: the parallel method must not be slower than the sequential one.</summary>
public class CpuParallelLight
{
    private const int N = 10_000_000;
    private readonly ParallelOptions _two = new() { MaxDegreeOfParallelism = 2 };
    private int[] _values = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(16);
        _values = Enumerable.Range(0, N).Select(_ => random.Next(-1000, 1000)).ToArray();
        Check.Equal(Sequential(), Generated());
    }

    [Benchmark(Baseline = true)]
    public (long Sum, long Max, int Count) Sequential() => Heavy.LightSequential(_values);

    [Benchmark]
    public (long Sum, long Max, int Count) Generated() => Heavy.LightParallel(_values, _two);
}
