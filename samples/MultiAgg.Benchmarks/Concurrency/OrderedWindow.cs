using BenchmarkDotNet.Engines;
using static MultiAgg.Agg;

namespace MultiAgg.Benchmarks.Concurrency;

public static partial class Window
{
    /// <summary>0 to 20 ms, fixed per element (a multiplicative hash of n), so every run waits the same.</summary>
    public static int DelayMs(int n) => (int)(unchecked((uint)n * 2654435761u) % 21);

    /// <summary>Seed 003's worker: sleeps on the loop (asynchronously), then returns its element.</summary>
    public static async ValueTask<double> WorkAsync(int n, CancellationToken cancellationToken)
    {
        await Task.Delay(DelayMs(n), cancellationToken);
        return n;
    }

    /// <summary>The same work, its value integral.</summary>
    public static async ValueTask<long> WorkLongAsync(int n, CancellationToken cancellationToken)
    {
        await Task.Delay(DelayMs(n), cancellationToken);
        return n;
    }

    /// <summary>A floating-point sum: folded in source order through a window of at most DOP pending values (a slow element stalls the fold).</summary>
    [Aggregate(Sum, Of = nameof(WorkAsync))]
    public static partial Task<double> Ordered(IEnumerable<int> values, ParallelOptions options);

    /// <summary>Integral aggregates only: order-independent, folded as each value completes.</summary>
    [Aggregate(Sum, Max, Count, Of = nameof(WorkLongAsync))]
    public static partial Task<(long Sum, long Max, int Count)> Unordered(IEnumerable<int> values, ParallelOptions options);
}

/// <summary>
/// Seed 003's async_pipe against async_pipe_unordered: 2,000 elements whose work waits 0-20 ms, at most DOP at a
/// time. Ordered (a double sum, folded in source order) against Unordered (long sum, max and count, folded as
/// completed): what the ordering window costs in time.
/// </summary>
// Seconds per invocation: one warmup and five measured iterations of one invocation each (one launch, as Program's
// default job has). The counts are job mutators applied to the [SimpleJob], which takes the place of Program's default
// job (3 warmups, 10 iterations) for this class.
[SimpleJob(RunStrategy.Monitoring)]
[WarmupCount(1)]
[IterationCount(5)]
public class OrderedWindow
{
    private const int N = 2_000;

    [Params(10, 100)]
    public int Dop { get; set; }

    private ParallelOptions _options = null!;

    [GlobalSetup]
    public void Setup()
    {
        _options = new ParallelOptions { MaxDegreeOfParallelism = Dop };
        var expected = (long)N * (N - 1) / 2;
        Check.Equal((double)expected, Ordered().GetAwaiter().GetResult());
        Check.Equal(expected, Unordered().GetAwaiter().GetResult());
    }

    private static IEnumerable<int> Values()
    {
        for (var n = 0; n < N; n++)
        {
            yield return n;
        }
    }

    [Benchmark(Baseline = true)]
    public Task<double> Ordered() => Window.Ordered(Values(), _options);

    [Benchmark]
    public async Task<long> Unordered()
    {
        var (sum, max, count) = await Window.Unordered(Values(), _options);
        Check.Equal(N - 1L, max);
        Check.Equal(N, count);
        return sum;
    }
}
