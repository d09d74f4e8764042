using static MultiAgg.Agg;

namespace MultiAgg.Benchmarks.Concurrency;

public static partial class YieldMethods
{
    /// <summary>Order-independent aggregates of an async selector: folded as each value completes.</summary>
    [Aggregate(Sum, Count, Of = nameof(YieldValueAsync))]
    public static partial Task<(long Sum, int Count)> AsCompleted(IEnumerable<long> values, ParallelOptions options);

    /// <summary>A floating-point sum of the same selector: folded in source order through the window's ring.</summary>
    [Aggregate(Sum, Of = nameof(YieldDoubleAsync))]
    public static partial Task<double> InSourceOrder(IEnumerable<long> values, ParallelOptions options);

    /// <summary>No work but a trip through the thread pool, so what is measured is what runs around the selector.</summary>
    public static async ValueTask<int> YieldValueAsync(long n)
    {
        await Task.Yield();
        return (int)(n & 1023);
    }

    /// <summary>The same, as a double.</summary>
    public static async ValueTask<double> YieldDoubleAsync(long n)
    {
        await Task.Yield();
        return n & 1023;
    }
}

/// <summary>
/// The async window's own cost: 200,000 calls of a selector that only awaits <c>Task.Yield()</c>, at most 1,000 in
/// flight, so nearly all the time is the machinery around each call. The generated method (its values folded as they
/// complete, and in source order) against <c>Parallel.ForEachAsync</c> with <c>Interlocked</c> totals, which keeps no
/// order and hands nothing back to one loop: the least a bounded async loop costs in .NET.
/// </summary>
public class WindowOverhead
{
    private const long N = 200_000;
    private const int Concurrency = 1_000;

    private static readonly long ExpectedSum = N / 1024 * (1023L * 1024 / 2) + (N % 1024 * ((N % 1024) - 1) / 2);

    private readonly ParallelOptions _options = new() { MaxDegreeOfParallelism = Concurrency };

    [GlobalSetup]
    public void Setup()
    {
        Check.Equal(ExpectedSum, AsCompleted().GetAwaiter().GetResult());
        Check.Equal((double)ExpectedSum, InSourceOrder().GetAwaiter().GetResult());
        Check.Equal(ExpectedSum, ParallelForEachAsyncInterlocked().GetAwaiter().GetResult());
    }

    private static IEnumerable<long> Values()
    {
        for (long n = 0; n < N; n++)
        {
            yield return n;
        }
    }

    [Benchmark(Baseline = true)]
    public async Task<long> AsCompleted()
    {
        var (sum, count) = await YieldMethods.AsCompleted(Values(), _options);
        Check.Equal(N, (long)count);
        return sum;
    }

    [Benchmark]
    public Task<double> InSourceOrder() => YieldMethods.InSourceOrder(Values(), _options);

    [Benchmark]
    public async Task<long> ParallelForEachAsyncInterlocked()
    {
        long sum = 0;
        await Parallel.ForEachAsync(Values(), _options, async (n, _) => Interlocked.Add(ref sum, await YieldMethods.YieldValueAsync(n)));
        return sum;
    }
}
