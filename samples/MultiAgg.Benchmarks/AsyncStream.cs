using System.Diagnostics.CodeAnalysis;
using static MultiAgg.Agg;

namespace MultiAgg.Benchmarks;

/// <summary>
/// Sum, max and count of an <c>IAsyncEnumerable&lt;int&gt;</c>: the seed's asyncio case without the
/// producer/consumer machinery, since <c>await foreach</c> already suspends per item.
/// </summary>
public partial class AsyncStream
{
    private const int N = 100_000;

    /// <summary>
    /// An async iterator whose every step completes synchronously, so the benchmark measures the
    /// async enumeration machinery, not I/O. Created fresh per invocation.
    /// </summary>
    private static async IAsyncEnumerable<int> RangeAsync(int n)
    {
        for (int i = 0; i < n; i++)
        {
            yield return i;
        }
    }

    [GlobalSetup]
    public void Setup()
    {
        var expected = ((long)N * (N - 1) / 2, N - 1, N);
        Check.Equal(expected, LinqAsyncThreeCalls().AsTask().GetAwaiter().GetResult());
        Check.Equal(expected, BufferThenLinq().AsTask().GetAwaiter().GetResult());
        Check.Equal(expected, HandWrittenLoop().AsTask().GetAwaiter().GetResult());
        Check.Equal(expected, Generated().AsTask().GetAwaiter().GetResult());
        Check.Equal(expected, GeneratedTask().GetAwaiter().GetResult());
    }

    /// <summary>
    /// System.Linq.AsyncEnumerable, one call per aggregate: the source is run three times, which is
    /// only possible because this one can be re-run (a re-issued query); a real stream would not allow it.
    /// </summary>
    [Benchmark(Baseline = true)]
    [SuppressMessage("MultiAgg.Performance", "MAGG001", Justification = "The baseline: the repeated enumeration MultiAgg removes.")]
    public async ValueTask<(long Sum, int Max, int Count)> LinqAsyncThreeCalls()
    {
        IAsyncEnumerable<int> source = RangeAsync(N);
        long sum = await source.Select(x => (long)x).SumAsync();
        int max = await source.MaxAsync();
        int count = await source.CountAsync();
        return (sum, max, count);
    }

    /// <summary>The seed's buffering answer, async: one pass into a list, then three over it.</summary>
    [Benchmark]
    public async ValueTask<(long Sum, int Max, int Count)> BufferThenLinq()
    {
        List<int> buffer = await RangeAsync(N).ToListAsync();
        return (buffer.Sum(x => (long)x), buffer.Max(), buffer.Count);
    }

    /// <summary>One <c>await foreach</c> with LINQ's semantics.</summary>
    [Benchmark]
    public async ValueTask<(long Sum, int Max, int Count)> HandWrittenLoop()
    {
        long sum = 0;
        int max = 0, count = 0;
        await foreach (int item in RangeAsync(N))
        {
            sum = checked(sum + item);
            if (count == 0 || item > max)
            {
                max = item;
            }

            count = checked(count + 1);
        }

        if (count == 0)
        {
            throw new InvalidOperationException("Sequence contains no elements");
        }

        return (sum, max, count);
    }

    [Benchmark]
    public ValueTask<(long Sum, int Max, int Count)> Generated() => AsyncAggregates.SumMaxCountAsync(RangeAsync(N));

    /// <summary>The same generated loop returning <c>Task</c>: the cost of the allocated task.</summary>
    [Benchmark]
    public Task<(long Sum, int Max, int Count)> GeneratedTask() => AsyncAggregates.SumMaxCountTaskAsync(RangeAsync(N));
}

public static partial class AsyncAggregates
{
    [Aggregate(Sum, Max, Count)]
    public static partial ValueTask<(long Sum, int Max, int Count)> SumMaxCountAsync(IAsyncEnumerable<int> values);

    [Aggregate(Sum, Max, Count)]
    public static partial Task<(long Sum, int Max, int Count)> SumMaxCountTaskAsync(IAsyncEnumerable<int> values);
}
