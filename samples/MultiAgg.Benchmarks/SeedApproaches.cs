using System.Reactive.Linq;
using System.Reactive.Subjects;
using System.Reactive.Threading.Tasks;
using System.Threading.Channels;
using static MultiAgg.Agg;

namespace MultiAgg.Benchmarks;

/// <summary>
/// The seed's question (seeds/001): the sum and the max of an iterator that can be read only once,
/// without buffering it. Each method here is one answer, in the order the seed tells them, plus
/// the .NET ones; all take the same one-shot source and give the same (sum, max).
/// </summary>
public static partial class SeedApproaches
{
    /// <summary>Python's <c>iter(range(n))</c>: a one-shot <c>yield</c> iterator, created fresh per call.</summary>
    public static IEnumerable<int> Range(int n)
    {
        for (int i = 0; i < n; i++)
        {
            yield return i;
        }
    }

    /// <summary>The seed's <c>max_and_sum_buffer</c> (and <c>tee</c>, which buffers the same way): O(n) memory.</summary>
    public static (long Sum, int Max) BufferThenLinq(IEnumerable<int> source)
    {
        List<int> buffer = source.ToList();
        return (buffer.Sum(x => (long)x), buffer.Max());
    }

    /// <summary>
    /// The seed's <c>max_and_sum_threads</c>: a producer and one thread per aggregate, in lock step
    /// through one <see cref="Barrier"/> for the three of them. Each item takes two barrier phases:
    /// "the value is published" and "every consumer has read it", so nothing is ever buffered.
    /// </summary>
    public static (long Sum, int Max) BarrierThreads(IEnumerable<int> source)
    {
        using var barrier = new Barrier(participantCount: 3);
        int current = 0;
        bool done = false;

        // Barrier.SignalAndWait is a full fence, so the consumers see `current` and `done` as written.
        bool Next(out int value)
        {
            barrier.SignalAndWait(); // published (or done)
            value = current;
            return !done;
        }

        void Consumed() => barrier.SignalAndWait();

        var sumTask = Task.Factory.StartNew(() =>
        {
            long sum = 0;
            while (Next(out int value))
            {
                sum += value;
                Consumed();
            }

            return sum;
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        var maxTask = Task.Factory.StartNew(() =>
        {
            int? max = null;
            while (Next(out int value))
            {
                if (max is not int m || value > m)
                {
                    max = value;
                }

                Consumed();
            }

            return max ?? throw new InvalidOperationException("Sequence contains no elements");
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        foreach (int item in source)
        {
            current = item;
            barrier.SignalAndWait(); // published
            barrier.SignalAndWait(); // consumed by both
        }

        done = true;
        barrier.SignalAndWait();
        return (sumTask.GetAwaiter().GetResult(), maxTask.GetAwaiter().GetResult());
    }

    /// <summary>
    /// The seed's <c>max_and_sum_asyncio</c> in .NET terms: the producer hands every item to two
    /// bounded channels and two async consumers aggregate them. Unlike asyncio's single thread, the
    /// consumers' continuations run on the thread pool, so this one really runs in parallel.
    /// </summary>
    public static async Task<(long Sum, int Max)> ChannelsTwoConsumers(IEnumerable<int> source)
    {
        var options = new BoundedChannelOptions(capacity: 1024) { SingleReader = true, SingleWriter = true };
        var toSum = Channel.CreateBounded<int>(options);
        var toMax = Channel.CreateBounded<int>(options);

        Task<long> sum = SumAsync(toSum.Reader);
        Task<int> max = MaxAsync(toMax.Reader);

        foreach (int item in source)
        {
            await toSum.Writer.WriteAsync(item);
            await toMax.Writer.WriteAsync(item);
        }

        toSum.Writer.Complete();
        toMax.Writer.Complete();
        return (await sum, await max);

        static async Task<long> SumAsync(ChannelReader<int> reader)
        {
            long total = 0;
            while (await reader.WaitToReadAsync())
            {
                while (reader.TryRead(out int item))
                {
                    total += item;
                }
            }

            return total;
        }

        static async Task<int> MaxAsync(ChannelReader<int> reader)
        {
            int? largest = null;
            while (await reader.WaitToReadAsync())
            {
                while (reader.TryRead(out int item))
                {
                    if (largest is not int m || item > m)
                    {
                        largest = item;
                    }
                }
            }

            return largest ?? throw new InvalidOperationException("Sequence contains no elements");
        }
    }

    /// <summary>
    /// The push-based answer (the seed's greenlet "producer switches to every consumer in turn"):
    /// publish the source once to two Rx aggregations and zip their results. Rx iterates an
    /// enumerable on the current thread, so <c>Connect</c> returns with the result ready.
    /// </summary>
    public static (long Sum, int Max) RxPublish(IEnumerable<int> source)
    {
        IConnectableObservable<int> shared = source.ToObservable().Publish();
        Task<(long Sum, int Max)> result = shared.Select(x => (long)x).Sum()
            .Zip(shared.Max(), (sum, max) => (sum, max))
            .ToTask();

        using (shared.Connect())
        {
            return result.GetAwaiter().GetResult();
        }
    }

    /// <summary>
    /// One fold with several accumulators: MoreLINQ's <c>Aggregate</c> with (seed, step) pairs folded in
    /// one <c>foreach</c>, paying a delegate call per aggregate per item.
    /// </summary>
    public static (long Sum, int Max) DelegateAccumulators(IEnumerable<int> source) =>
        MoreLinq.MoreEnumerable.Aggregate(source,
            0L, (sum, x) => checked(sum + x),
            (int?)null, (max, x) => max is int m && m >= x ? m : x,
            (sum, max) => (sum, max ?? throw new InvalidOperationException("Sequence contains no elements")));

    /// <summary>
    /// The one-liner many people write: a tuple seed and a lambda. (With a seed, an empty source gives
    /// <see cref="int.MinValue"/> instead of throwing like <c>Max</c>.)
    /// </summary>
    public static (long Sum, int Max) AggregateTupleSeed(IEnumerable<int> source) =>
        source.Aggregate((Sum: 0L, Max: int.MinValue), (acc, x) => (checked(acc.Sum + x), Math.Max(acc.Max, x)));

    /// <summary>What MultiAgg aims to equal: one loop, no buffer, no delegates, LINQ's semantics.</summary>
    public static (long Sum, int Max) HandWrittenLoop(IEnumerable<int> source)
    {
        long sum = 0;
        int max = 0;
        bool hasValue = false;
        foreach (int item in source)
        {
            sum = checked(sum + item);
            if (!hasValue || item > max)
            {
                max = item;
                hasValue = true;
            }
        }

        if (!hasValue)
        {
            throw new InvalidOperationException("Sequence contains no elements");
        }

        return (sum, max);
    }

    /// <summary>MultiAgg: the generator writes the loop above.</summary>
    [Aggregate(Sum, Max)]
    public static partial (long Sum, int Max) Generated(IEnumerable<int> source);

    /// <summary>Runs every approach once on <c>Range(n)</c> and throws unless all agree.</summary>
    public static void CheckAll(int n, bool includeBarrier)
    {
        var expected = ((long)n * (n - 1) / 2, n - 1);
        Check.Equal(expected, BufferThenLinq(Range(n)));
        Check.Equal(expected, ChannelsTwoConsumers(Range(n)).GetAwaiter().GetResult());
        Check.Equal(expected, RxPublish(Range(n)));
        Check.Equal(expected, DelegateAccumulators(Range(n)));
        Check.Equal(expected, AggregateTupleSeed(Range(n)));
        Check.Equal(expected, HandWrittenLoop(Range(n)));
        Check.Equal(expected, Generated(Range(n)));
        if (includeBarrier)
        {
            Check.Equal(expected, BarrierThreads(Range(n)));
        }
    }
}
