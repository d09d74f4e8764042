using MultiAgg.Generators.Tests.Infrastructure;
using MultiAgg.Runtime;

namespace MultiAgg.Generators.Tests;

/// <summary>The scheduler behind parallel methods, on its own: block order, the bounded window, chunks, failures.</summary>
[Collection(ConcurrencyCollection.Name)]
public class ParallelAggregationTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(8)]
    public void BlocksAreMergedInOrderWhateverOrderTheyFinishIn(int degree)
    {
        const int length = 100_000;
        var random = new ThreadLocal<Random>(() => new Random(Environment.CurrentManagedThreadId));
        var merged = ParallelAggregation.OverRanges(
            length,
            new ParallelOptions { MaxDegreeOfParallelism = degree },
            (start, end, _) =>
            {
                Thread.Sleep(random.Value!.Next(3));   // blocks finish out of order
                return new List<(int, int)> { (start, end) };
            },
            static (ref List<(int, int)> into, List<(int, int)> next) => into.AddRange(next),
            isDecided: null, continueFrom: null);

        var size = ParallelAggregation.BlockSize(length);
        Assert.Equal(Enumerable.Range(0, (length + size - 1) / size).Select(b => (b * size, Math.Min(length, (b + 1) * size))), merged);
    }

    [Fact]
    public void NoMoreStatesWaitThanTwiceTheDegreeWhenOneBlockIsSlow()
    {
        var degree = 3;
        var workers = Math.Min(degree, Environment.ProcessorCount);   // never more workers than processors
        var (started, folded, worst) = (0, 0, 0);
        var gate = new object();
        ParallelAggregation.OverRanges(
            200 * ParallelAggregation.MinimumBlockSize,
            new ParallelOptions { MaxDegreeOfParallelism = degree },
            (start, end, _) =>
            {
                lock (gate)
                {
                    started++;
                    worst = Math.Max(worst, started - folded);
                }

                if (start == 0)
                {
                    // The first block holds up the merge until the others have filled the window (or the wait gives up,
                    // and the bound below says so).
                    SpinWait.SpinUntil(() => Volatile.Read(ref started) >= 2 * workers, TimeSpan.FromSeconds(30));
                }

                return 1;
            },
            (ref int into, int next) =>
            {
                into += next;
                lock (gate)
                {
                    folded++;
                }
            },
            isDecided: null, continueFrom: null);

        // The window filled while the first block was slow, and no further: the waiting states, the blocks being
        // aggregated, and the first, whose state starts the merge.
        Assert.InRange(worst, 2 * workers, (2 * workers) + workers + 1);
    }

    [Fact]
    public void AnEmptySequenceIsTheStateOfNoElement()
    {
        var calls = 0;
        var state = ParallelAggregation.OverChunks(
            Enumerable.Empty<int>(),
            new ParallelOptions { MaxDegreeOfParallelism = 2 },
            (items, count, _) =>
            {
                calls++;
                return count;
            },
            static (ref int into, int next) => into += next,
            isDecided: null, continueFrom: null);

        Assert.Equal((0, 1), (state, calls));
    }

    /// <summary>
    /// A range of one block or less (none included) is one call, on the calling thread, with the options' own token:
    /// the sequential loop, with nothing scheduled; a failure is that loop's, unwrapped; the token cancelled meanwhile
    /// cancels the method.
    /// </summary>
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(ParallelAggregation.MinimumBlockSize)]
    public void ARangeOfOneBlockIsOneCallOnTheCallingThread(int length)
    {
        using var cancellation = new CancellationTokenSource();
        var options = new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellation.Token };
        var calls = new List<(int Start, int End, int Thread, CancellationToken Token)>();
        var state = ParallelAggregation.OverRanges(
            length,
            options,
            (start, end, token) =>
            {
                calls.Add((start, end, Environment.CurrentManagedThreadId, token));
                return end - start;
            },
            static (ref int into, int next) => throw new InvalidOperationException("one block has nothing to merge"),
            isDecided: static _ => throw new InvalidOperationException("one block has nothing to decide"),
            continueFrom: null);

        Assert.Equal(length, state);
        Assert.Equal([(0, length, Environment.CurrentManagedThreadId, cancellation.Token)], calls);

        var thrown = Assert.Throws<FormatException>(() => ParallelAggregation.OverRanges<int>(
            length, options, static (_, _, _) => throw new FormatException("the selector's"), static (ref int into, int next) => into += next, isDecided: null, continueFrom: null));
        Assert.Equal("the selector's", thrown.Message);

        // Cancelled while the block ran (after its last element's check): the method is cancelled, as after several blocks.
        var cancelled = Assert.Throws<OperationCanceledException>(() => ParallelAggregation.OverRanges(
            length, options, (start, end, _) => { cancellation.Cancel(); return end - start; }, static (ref int into, int next) => into += next, isDecided: null, continueFrom: null));
        Assert.Equal(cancellation.Token, cancelled.CancellationToken);
    }

    /// <summary>
    /// A sequence that ends within its first chunk (an empty one included) is one call too, on the calling thread, with
    /// the options' own token: nothing is scheduled (a scheduler that refuses work is never asked), nothing merged. One
    /// that fills a whole chunk goes to the workers, its first chunk taken once.
    /// </summary>
    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(ParallelAggregation.ChunkSize - 1)]
    public void ASequenceEndingWithinItsFirstChunkIsOneCallOnTheCallingThread(int length)
    {
        using var cancellation = new CancellationTokenSource();
        var options = new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellation.Token, TaskScheduler = new RefusingScheduler() };
        var calls = new List<(int Count, int Thread, CancellationToken Token)>();
        var state = ParallelAggregation.OverChunks(
            Enumerable.Range(1, length).Select(static x => x),   // a sequence, not a list
            options,
            (items, count, token) =>
            {
                calls.Add((count, Environment.CurrentManagedThreadId, token));
                return items.Take(count).Sum(static x => (long)x);
            },
            static (ref long into, long next) => throw new InvalidOperationException("one block has nothing to merge"),
            isDecided: static _ => throw new InvalidOperationException("one block has nothing to decide"),
            continueFrom: null);

        Assert.Equal((long)length * (length + 1) / 2, state);
        Assert.Equal([(length, Environment.CurrentManagedThreadId, cancellation.Token)], calls);

        var cancelled = Assert.Throws<OperationCanceledException>(() => ParallelAggregation.OverChunks(
            Enumerable.Range(1, length).Select(static x => x), options, (items, count, _) => { cancellation.Cancel(); return count; }, static (ref int into, int next) => into += next, isDecided: null, continueFrom: null));
        Assert.Equal(cancellation.Token, cancelled.CancellationToken);
    }

    /// <summary>
    /// A sequence that fails within its first chunk, after some elements, is one block too: its elements are aggregated on
    /// the calling thread, and the failure comes out unless they decided the results, as in the sequential loop.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ASequenceFailingWithinItsFirstChunkIsOneCallAndFailsUnlessDecided(bool decided)
    {
        var options = new ParallelOptions { MaxDegreeOfParallelism = 4, TaskScheduler = new RefusingScheduler() };
        var calls = new List<int>();
        int Run() => ParallelAggregation.OverChunks(
            Failing(5),
            options,
            (items, count, _) =>
            {
                calls.Add(Environment.CurrentManagedThreadId);
                return count;
            },
            static (ref int into, int next) => throw new InvalidOperationException("one block has nothing to merge"),
            isDecided: _ => decided,
            continueFrom: null);

        if (decided)
        {
            Assert.Equal(5, Run());
        }
        else
        {
            Assert.Equal("the source failed", Assert.Throws<InvalidOperationException>(() => Run()).Message);
        }

        Assert.Equal([Environment.CurrentManagedThreadId], calls);
    }

    [Fact]
    public void ASequenceOfMoreThanOneChunkTakesItsFirstChunkOnce()
    {
        var length = (2 * ParallelAggregation.ChunkSize) + 5;
        var merged = ParallelAggregation.OverChunks(
            Enumerable.Range(0, length).Select(static x => x),
            new ParallelOptions { MaxDegreeOfParallelism = 2 },
            static (items, count, _) => items.Take(count).ToList(),
            static (ref List<int> into, List<int> next) => into.AddRange(next),
            isDecided: null, continueFrom: null);

        Assert.Equal(Enumerable.Range(0, length), merged);
    }

    /// <summary>
    /// A list at run time (an array, a <c>List&lt;T&gt;</c>, any <c>IList&lt;T&gt;</c> passed as a sequence) is cut into
    /// OverRanges's blocks, copied into the workers' buffers, in order: no enumerator is taken (it would throw here), and a
    /// list of one block is one call on the calling thread, an array being its own buffer.
    /// </summary>
    [Theory]
    [InlineData(0)]
    [InlineData(ParallelAggregation.MinimumBlockSize)]
    [InlineData((3 * ParallelAggregation.MinimumBlockSize) + 7)]
    public void AListPassedAsASequenceIsCutIntoRangesWithoutItsEnumerator(int length)
    {
        var values = Enumerable.Range(0, length).ToArray();
        var options = new ParallelOptions { MaxDegreeOfParallelism = 3 };
        foreach (IList<int> list in new IList<int>[] { values, values.ToList(), new NoEnumerator(values) })
        {
            var calls = new List<(int Count, int Thread)>();
            var merged = ParallelAggregation.OverChunks(
                list,
                options,
                (items, count, _) =>
                {
                    lock (calls)
                    {
                        calls.Add((count, Environment.CurrentManagedThreadId));
                    }

                    return items.Take(count).ToList();
                },
                static (ref List<int> into, List<int> next) => into.AddRange(next),
                isDecided: null, continueFrom: null);

            Assert.Equal(values, merged);
            var size = ParallelAggregation.BlockSize(length);
            Assert.Equal(Math.Max(1, (length + size - 1) / size), calls.Count);
            if (length <= size)
            {
                Assert.Equal([(length, Environment.CurrentManagedThreadId)], calls);
            }
        }
    }

    /// <summary>
    /// A list whose indexer throws partway through a block: the elements before it are aggregated first, as the sequential
    /// loop reads them first, so they may decide the results (and the failure never happens); else the failure comes out.
    /// </summary>
    [Theory]
    [InlineData(100, 10, 50, true)]                                          // one block, decided before the failure
    [InlineData(100, 60, 50, false)]                                         // one block, not decided by then
    [InlineData(100, 10, 0, false)]                                          // one block, failing at its first element
    [InlineData(5 * ParallelAggregation.MinimumBlockSize, 10, 2_000, true)]     // the first of several blocks
    [InlineData(5 * ParallelAggregation.MinimumBlockSize, 8_300, 8_500, true)]  // a later block, decided within it
    [InlineData(5 * ParallelAggregation.MinimumBlockSize, 8_000, 8_192, true)]  // decided in the block before, failing at a block's first element
    [InlineData(5 * ParallelAggregation.MinimumBlockSize, 9_000, 8_800, false)] // a later block, not decided by then
    public void AListWhoseIndexerThrowsPartwayAggregatesTheElementsBeforeItFirst(int length, int decidedAfter, int failsAt, bool decided)
    {
        var list = new NoEnumerator(Enumerable.Range(0, length).ToArray(), failsAt);
        int Run() => ParallelAggregation.OverChunks(
            list,
            new ParallelOptions { MaxDegreeOfParallelism = 2 },
            static (items, count, _) => count,
            static (ref int into, int next) => into += next,
            isDecided: count => count >= decidedAfter,
            continueFrom: null);

        if (decided)
        {
            Assert.InRange(Run(), decidedAfter, failsAt);
        }
        else
        {
            Assert.Equal($"element {failsAt} failed", Assert.Throws<InvalidOperationException>(() => Run()).Message);
        }
    }

    /// <summary>
    /// An <c>IList&lt;T&gt;</c> read only by index: its enumerator throws, and so does its indexer at
    /// <paramref name="failsAt"/> (none, by default).
    /// </summary>
    private sealed class NoEnumerator(int[] values, int failsAt = -1) : IList<int>
    {
        public int this[int index]
        {
            get => index == failsAt ? throw new InvalidOperationException($"element {index} failed") : values[index];
            set => throw new NotSupportedException();
        }

        public int Count => values.Length;

        public bool IsReadOnly => true;

        public IEnumerator<int> GetEnumerator() => throw new InvalidOperationException("read by index");

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        public void CopyTo(int[] array, int arrayIndex) => values.CopyTo(array, arrayIndex);

        public int IndexOf(int item) => throw new NotSupportedException();

        public bool Contains(int item) => throw new NotSupportedException();

        public void Add(int item) => throw new NotSupportedException();

        public void Clear() => throw new NotSupportedException();

        public void Insert(int index, int item) => throw new NotSupportedException();

        public bool Remove(int item) => throw new NotSupportedException();

        public void RemoveAt(int index) => throw new NotSupportedException();
    }

    /// <summary>A scheduler that refuses every task: a method that schedules nothing never notices it.</summary>
    private sealed class RefusingScheduler : TaskScheduler
    {
        protected override void QueueTask(Task task) => throw new InvalidOperationException("nothing may be scheduled");

        protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) => false;

        protected override IEnumerable<Task>? GetScheduledTasks() => [];
    }

    [Fact]
    public void ANegativeLengthIsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ParallelAggregation.OverRanges(
            -1, new ParallelOptions(), static (_, _, _) => 0, static (ref int into, int next) => into += next, isDecided: null, continueFrom: null));

    [Fact]
    public void ChunksKeepTheSequencesOrderAndAnEnumeratorThatThrowsStopsTheMethod()
    {
        var merged = ParallelAggregation.OverChunks(
            Enumerable.Range(0, 50_000).Select(static x => x),   // a sequence, not a list
            new ParallelOptions { MaxDegreeOfParallelism = 4 },
            static (items, count, _) => items.Take(count).ToList(),
            static (ref List<int> into, List<int> next) => into.AddRange(next),
            isDecided: null, continueFrom: null);
        Assert.Equal(Enumerable.Range(0, 50_000), merged);

        var thrown = Assert.Throws<InvalidOperationException>(() => ParallelAggregation.OverChunks(
            Failing(10_000),
            new ParallelOptions { MaxDegreeOfParallelism = 2 },
            static (items, count, _) => count,
            static (ref int into, int next) => into += next,
            isDecided: null, continueFrom: null));
        Assert.Equal("the source failed", thrown.Message);
    }

    private static IEnumerable<int> Failing(int after)
    {
        for (var i = 0; i < after; i++)
        {
            yield return i;
        }

        throw new InvalidOperationException("the source failed");
    }

    [Fact]
    public async Task AMergeThatThrowsFailsTheMethodWithoutHangingOrLeavingWorkers()
    {
        var (merges, blocks) = (0, 0);
        var run = Task.Run(() => ParallelAggregation.OverRanges(
            100 * ParallelAggregation.MinimumBlockSize,
            new ParallelOptions { MaxDegreeOfParallelism = 2 },
            (start, end, _) =>
            {
                Interlocked.Increment(ref blocks);
                return end - start;
            },
            (ref int into, int next) =>
            {
                if (Interlocked.Increment(ref merges) == 3)
                {
                    throw new OverflowException("the merged total does not fit");
                }

                into += next;
            },
            isDecided: null, continueFrom: null));

        var thrown = await Assert.ThrowsAsync<OverflowException>(() => run.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal("the merged total does not fit", thrown.Message);

        // Every block that started ended before the method threw, and none starts afterwards.
        var ended = Volatile.Read(ref blocks);
        Assert.InRange(ended, 3, 99);
        await Task.Delay(200);
        Assert.Equal(ended, Volatile.Read(ref blocks));
    }

    [Fact]
    public void ABlockThatFailsAfterEarlierBlocksDecidedTheResultsDoesNotCount()
    {
        var size = ParallelAggregation.MinimumBlockSize;
        using var laterFailing = new ManualResetEventSlim();
        var decided = ParallelAggregation.OverRanges(
            50 * size,
            new ParallelOptions { MaxDegreeOfParallelism = 2 },
            (start, end, _) =>
            {
                if (start == 0)
                {
                    // The deciding block finishes after the failing one (one processor: one worker, blocks in turn).
                    Assert.True(Environment.ProcessorCount == 1 || laterFailing.Wait(TimeSpan.FromSeconds(30)));
                    Thread.Sleep(50);
                    return true;
                }

                laterFailing.Set();
                throw new InvalidOperationException("a later block failed");
            },
            static (ref bool into, bool next) => into |= next,
            isDecided: static any => any, continueFrom: null);

        Assert.True(decided);
    }

    [Fact]
    public void OfSeveralFailuresTheEarliestBlocksWinsWhateverTheirTiming()
    {
        var size = ParallelAggregation.MinimumBlockSize;
        using var laterFailing = new ManualResetEventSlim();
        var thrown = Assert.Throws<InvalidOperationException>(() => ParallelAggregation.OverRanges(
            50 * size,
            new ParallelOptions { MaxDegreeOfParallelism = 2 },
            (start, end, _) =>
            {
                if (start == size)
                {
                    // Fails last (one processor: one worker, blocks in turn).
                    Assert.True(Environment.ProcessorCount == 1 || laterFailing.Wait(TimeSpan.FromSeconds(30)));
                    Thread.Sleep(50);
                    throw new InvalidOperationException("block 1");
                }

                if (start >= 2 * size)
                {
                    laterFailing.Set();
                    throw new InvalidOperationException("a later block");
                }

                return 0;
            },
            static (ref int into, int next) => into += next,
            isDecided: null, continueFrom: null));

        Assert.Equal("block 1", thrown.Message);
    }

    /// <summary>
    /// A block whose own work was cancelled (an OperationCanceledException of another token) fails the method with that
    /// exception, even when the caller cancels too: only a block stopped through its worker's token, which the caller's
    /// token cancels, comes out as the caller's cancellation.
    /// </summary>
    [Fact]
    public void ABlocksOwnCancellationComesOutAsItIsWhenTheCallerCancelsToo()
    {
        var size = ParallelAggregation.MinimumBlockSize;
        using var caller = new CancellationTokenSource();
        using var own = new CancellationTokenSource();
        own.Cancel();
        var thrown = Assert.Throws<OperationCanceledException>(() => ParallelAggregation.OverRanges(
            50 * size,
            new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = caller.Token },
            (start, end, token) =>
            {
                if (start == 0)
                {
                    caller.Cancel();
                    throw new OperationCanceledException(own.Token);
                }

                token.ThrowIfCancellationRequested();
                return 0;
            },
            static (ref int into, int next) => into += next,
            isDecided: null, continueFrom: null));

        Assert.Equal(own.Token, thrown.CancellationToken);
    }
}
