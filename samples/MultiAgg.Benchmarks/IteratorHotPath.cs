using static MultiAgg.Agg;

namespace MultiAgg.Benchmarks;

/// <summary>
/// The hot path over an enumerator: Sum, Min, Max and Count of a one-shot <c>yield</c> iterator of ints,
/// where nothing can be vectorized and every nanosecond per element is the loop's own. The generated
/// method against a good hand loop (the first element read before the loop, a <c>long</c> sum, Min and
/// Max in locals) and MoreLINQ's multi-accumulator <c>Aggregate</c> (a delegate call per aggregate per
/// element); LINQ's four calls need a buffer first.
/// </summary>
public partial class IteratorHotPath
{
    [Params(1_000_000)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var expected = BufferThenLinq();
        Check.Equal(expected, HandWrittenLoop());
        Check.Equal(expected, MoreLinqAggregate());
        Check.Equal(expected, Generated());
    }

    /// <summary>Values in [-500, 500), in an order no branch predictor learns.</summary>
    private static IEnumerable<int> Stream(int n)
    {
        uint state = 2463534242;
        for (int i = 0; i < n; i++)
        {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            yield return (int)(state % 1000) - 500;
        }
    }

    [Benchmark]
    public (long Sum, int Min, int Max, int Count) BufferThenLinq()
    {
        var values = Stream(N).ToList();
        return (values.Sum(static v => (long)v), values.Min(), values.Max(), values.Count);
    }

    [Benchmark(Baseline = true)]
    public (long Sum, int Min, int Max, int Count) HandWrittenLoop() => HandLoop(Stream(N));

    [Benchmark]
    public (long Sum, int Min, int Max, int Count) MoreLinqAggregate() =>
        MoreLinq.MoreEnumerable.Aggregate(
            Stream(N),
            0L, static (sum, x) => sum + x,
            int.MaxValue, static (min, x) => Math.Min(min, x),
            int.MinValue, static (max, x) => Math.Max(max, x),
            0, static (count, _) => checked(count + 1),
            static (sum, min, max, count) => count == 0 ? throw new InvalidOperationException("Sequence contains no elements") : (sum, min, max, count));

    [Benchmark]
    public (long Sum, int Min, int Max, int Count) Generated() => SumMinMaxCount(Stream(N));

    [Aggregate(Sum, Min, Max, Count)]
    private static partial (long Sum, int Min, int Max, int Count) SumMinMaxCount(IEnumerable<int> values);

    /// <summary>What a careful person writes: the first element before the loop, then one compare per aggregate.</summary>
    private static (long Sum, int Min, int Max, int Count) HandLoop(IEnumerable<int> values)
    {
        using var e = values.GetEnumerator();
        if (!e.MoveNext())
        {
            throw new InvalidOperationException("Sequence contains no elements");
        }

        int first = e.Current;
        long sum = first;
        int min = first, max = first, count = 1;
        while (e.MoveNext())
        {
            int x = e.Current;
            sum += x;
            if (x < min)
            {
                min = x;
            }

            if (x > max)
            {
                max = x;
            }

            count++;
        }

        return (sum, min, max, count);
    }
}
