using System.Globalization;
using MultiAgg.Generators.Tests.Infrastructure;
using MultiAgg.Runtime;

namespace MultiAgg.Generators.Tests;

/// <summary>
/// The window behind async methods with ParallelOptions, on its own, driven as the generated loop drives it: start
/// while there is room, take, stop. The order values come back in, the limit, failures, cancellation and stopping.
/// </summary>
[Collection(ConcurrencyCollection.Name)]
public class EvaluationWindowTests
{
    /// <summary>The generated loop's shape: start while there is room, take one, until the source is done and the window empty.</summary>
    private static async Task<List<TValues>> Drive<TValues>(EvaluationWindow<int, TValues> window, IEnumerable<int> source, Func<TValues, bool>? decided = null)
    {
        var taken = new List<TValues>();
        try
        {
            using var enumerator = source.GetEnumerator();
            var more = true;
            while (true)
            {
                while (more && window.HasRoom)
                {
                    more = enumerator.MoveNext();
                    if (more) window.Start(enumerator.Current);
                }

                if (window.IsEmpty) break;

                if (!window.TryTakeDone(out var values)) values = await window.TakeAsync();
                taken.Add(values);
                if (decided?.Invoke(values) == true) break;
            }

            window.Finish();
        }
        catch (Exception e) when (window.Observe(e))
        {
            throw;   // never: Observe only notes what the loop throws
        }
        finally
        {
            await window.StopAsync();
        }

        return taken;
    }

    private static async Task<int> Delayed(int n, CancellationToken token)
    {
        await Task.Delay((n * 7919) % 7, token);
        return n;
    }

    /// <summary>
    /// Values already done are taken without waiting, in order; none is while the next is under way, or once a token is
    /// cancelled, where TakeAsync throws the cancellation though the values are there. The evaluations run inline, and
    /// each gate is completed where the window's continuation runs inside SetResult (<see cref="Open"/>), so a value is
    /// in the window once its gate is open: no waiting on the thread pool, whose stalls under a loaded test run made an
    /// earlier version of this test fail now and then.
    /// </summary>
    [Fact]
    public async Task DoneValuesAreTakenWithoutWaitingUnlessCancelled()
    {
        var gates = Enumerable.Range(0, 3).Select(static _ => new TaskCompletionSource<int>()).ToArray();
        using var cancellation = new CancellationTokenSource();
        var options = new ParallelOptions { MaxDegreeOfParallelism = 3, TaskScheduler = new InlineScheduler() };
        var window = new EvaluationWindow<int, int>(options, cancellation.Token, inSourceOrder: true, (n, _) => gates[n].Task);
        for (var i = 0; i < 3; i++) window.Start(i);

        await Open(gates[1], 1);
        Assert.False(window.HasRoom);
        Assert.False(window.TryTakeDone(out _));   // element 0 is under way: in source order nothing comes before it
        await Open(gates[0], 0);
        Assert.True(window.TryTakeDone(out var first));
        Assert.Equal(0, first);
        Assert.True(window.TryTakeDone(out var second));
        Assert.Equal(1, second);
        Assert.False(window.TryTakeDone(out _));   // element 2 is under way

        await Open(gates[2], 2);
        Assert.False(window.IsEmpty);
        cancellation.Cancel();
        Assert.False(window.TryTakeDone(out _));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => window.TakeAsync());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => window.StopAsync());   // the caller's cancellation, as it ends
    }

    /// <summary>
    /// Completes <paramref name="gate"/> off the test's synchronization context: there a continuation registered without
    /// one runs inside SetResult, so what it does is done when the returned task is.
    /// </summary>
    private static Task Open(TaskCompletionSource<int> gate, int value) => Task.Run(() => gate.SetResult(value));

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(16)]
    public async Task InSourceOrderValuesComeBackInTheOrderTheyStarted(int degree)
    {
        var window = new EvaluationWindow<int, int>(new ParallelOptions { MaxDegreeOfParallelism = degree }, default, inSourceOrder: true, Delayed);
        Assert.Equal(Enumerable.Range(0, 100), await Drive(window, Enumerable.Range(0, 100)));
    }

    /// <summary>
    /// Many elements through a small window, half of them done before their evaluation returns and half after a trip
    /// through the thread pool, so that values are handed back while the loop starts and takes others, and each
    /// evaluation object is used again for later elements: every value comes back once, as its own element's, in order
    /// where the order is kept; and a run that takes every value leaves nothing to cancel.
    /// </summary>
    [Theory]
    [InlineData(1, true)]
    [InlineData(2, true)]
    [InlineData(7, true)]
    [InlineData(64, true)]
    [InlineData(1, false)]
    [InlineData(2, false)]
    [InlineData(7, false)]
    [InlineData(64, false)]
    public async Task EveryValueComesBackOnceAsItsElementsUnderLoad(int degree, bool inSourceOrder)
    {
        const int Count = 20_000;
        var window = new EvaluationWindow<int, (int Element, string Text)>(new ParallelOptions { MaxDegreeOfParallelism = degree }, default, inSourceOrder,
            async (n, _) =>
            {
                if (n % 2 == 1) await Task.Yield();
                return (n, n.ToString(CultureInfo.InvariantCulture));
            });
        var token = window.Token;

        var values = await Drive(window, Enumerable.Range(0, Count)).WaitAsync(TimeSpan.FromMinutes(1));

        Assert.All(values, value => Assert.Equal(value.Element.ToString(CultureInfo.InvariantCulture), value.Text));
        var elements = values.Select(value => value.Element);
        Assert.Equal(Enumerable.Range(0, Count), inSourceOrder ? elements : elements.Order());
        Assert.False(token.IsCancellationRequested);
    }

    [Fact]
    public async Task InCompletionOrderASlowElementHoldsUpNoneOfTheOthers()
    {
        var slow = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var window = new EvaluationWindow<int, int>(new ParallelOptions { MaxDegreeOfParallelism = 4 }, default, inSourceOrder: false,
            (n, _) => n == 0 ? slow.Task : Task.FromResult(n));
        var taken = new List<int>();
        var drive = Drive(window, Enumerable.Range(0, 50), n =>
        {
            lock (taken)
            {
                taken.Add(n);
                if (taken.Count == 49) slow.SetResult(0);   // everything else passed element 0
            }

            return false;
        });
        var values = await drive.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, values[^1]);
        Assert.Equal(Enumerable.Range(0, 50), values.Order());
    }

    [Fact]
    public async Task NoMoreThanTheLimitRunsAndTheSourceIsReadNoFurtherAhead()
    {
        var (running, peak, pulled, finished, ahead) = (0, 0, 0, 0, 0);
        var gate = new object();
        var full = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var window = new EvaluationWindow<int, int>(new ParallelOptions { MaxDegreeOfParallelism = 5 }, default, inSourceOrder: true, async (n, token) =>
        {
            lock (gate) peak = Math.Max(peak, ++running);
            if (peak == 5) full.TrySetResult();
            await Task.WhenAny(full.Task, Task.Delay(1000, token));   // the first five wait for one another: the limit is reached
            await Task.Delay(n % 3, token);
            lock (gate) (running, finished) = (running - 1, finished + 1);
            return n;
        });

        IEnumerable<int> Source()
        {
            for (var i = 0; i < 200; i++)
            {
                lock (gate) ahead = Math.Max(ahead, ++pulled - finished);
                yield return i;
            }
        }

        Assert.Equal(200, (await Drive(window, Source())).Count);
        Assert.Equal((5, true), (peak, ahead <= 5));
    }

    [Fact]
    public async Task WhileTheSourceIsQuietValuesDoneMeanwhileComeFirstAndAPendingMoveIsAbandoned()
    {
        var slow = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var window = new EvaluationWindow<int, int>(new ParallelOptions { MaxDegreeOfParallelism = 4 }, default, inSourceOrder: true, (n, _) => n == 0 ? slow.Task : Task.FromResult(n));

        // Nothing pending: only the source's move ends the wait.
        var first = PendingMove(window);
        var waited = window.WhenMovedAsync(first.Task);
        await Task.Delay(50);
        Assert.False(waited.IsCompleted);
        first.SetResult(true);
        Assert.True(await waited);

        // Element 0 pending and not done: the wait goes on until its value is, and the move is still pending then.
        window.Start(0);
        window.Start(1);
        var second = PendingMove(window);
        waited = window.WhenMovedAsync(second.Task);
        await Task.Delay(50);
        Assert.False(waited.IsCompleted);
        slow.SetResult(10);
        Assert.False(await waited);
        Assert.Equal((10, 1), (await window.TakeAsync(), await window.TakeAsync()));
        Assert.False(second.Task.IsCompleted);

        // The loop ends (say the values decided the results): the pending move is cancelled through Token, waited
        // out, and what it threw is dropped.
        window.Finish();
        await window.AbandonMoveAsync(second.Task);
        Assert.True(second.Task.IsCanceled);
        await window.StopAsync();
    }

    /// <summary>A pending move of an asynchronous source, which honours the window's token as a source given it does.</summary>
    private static TaskCompletionSource<bool> PendingMove<TValues>(EvaluationWindow<int, TValues> window)
    {
        var move = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        window.Token.Register(() => move.TrySetCanceled(window.Token));
        return move;
    }

    [Fact]
    public async Task AValueAndAFailureThatEndAMoveComeBeforeIt()
    {
        // Completion order, evaluations begun inline (so each ends inline too). While the loop waits for the source,
        // element 0 gives its value, then element 1 fails, which cancels the pending move: by the time the loop looks
        // the move has ended too, but the value and the failure came first.
        var (zero, one) = (new TaskCompletionSource<int>(), new TaskCompletionSource<int>());
        var options = new ParallelOptions { MaxDegreeOfParallelism = 4, TaskScheduler = new InlineScheduler() };
        var window = new EvaluationWindow<int, int>(options, default, inSourceOrder: false, (n, _) => n == 0 ? zero.Task : one.Task);
        window.Start(0);
        window.Start(1);
        var move = PendingMove(window);
        var waited = window.WhenMovedAsync(move.Task);
        await Task.Run(() =>
        {
            // On a pool thread: the test's synchronization context would send awaits' continuations elsewhere.
            zero.SetResult(7);
            one.SetException(new InvalidOperationException("element 1"));
        });
        Assert.True(move.Task.IsCanceled);
        Assert.False(await waited);
        Assert.Equal(7, await window.TakeAsync());
        Assert.Equal("element 1", (await Assert.ThrowsAsync<InvalidOperationException>(window.TakeAsync)).Message);
        await window.AbandonMoveAsync(move.Task);
        await window.StopAsync();
    }

    [Fact]
    public async Task AnElementStartedBeforeTheSourceFailedComesBeforeItsFailure()
    {
        // The loop is folding element 0's value (WhenMovedAsync said so, the move still pending) when the source fails,
        // and then element 1 fails: element 1 came before the source's failure, as the sequential loop meets them.
        var one = new TaskCompletionSource<int>();
        var window = new EvaluationWindow<int, int>(new ParallelOptions { MaxDegreeOfParallelism = 4 }, default, inSourceOrder: false, (n, _) => n == 0 ? Task.FromResult(5) : one.Task);
        window.Start(0);
        window.Start(1);
        var move = PendingMove(window);
        Assert.False(await window.WhenMovedAsync(move.Task));
        Assert.Equal(5, await window.TakeAsync());
        move.SetException(new IOException("the source"));
        await Until(() => !window.HasRoom);   // recorded as the source's failure
        one.SetException(new InvalidOperationException("element 1"));
        Assert.Equal("element 1", (await Assert.ThrowsAsync<InvalidOperationException>(window.TakeAsync)).Message);
        await window.AbandonMoveAsync(move.Task);
        await window.StopAsync();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ASourcesFailureCancelsNothingAndComesAfterTheElementsStartedBeforeIt(bool inSourceOrder)
    {
        // The source fails while elements 0 and 1 are still running: they are not cancelled, their values are taken
        // first (they may decide the results, as the sequential loop folds them before reading further), and the
        // source's failure comes once none is pending. From a synchronous source and from an asynchronous one.
        foreach (var asynchronous in new[] { false, true })
        {
            var (zero, one) = (new TaskCompletionSource<int>(), new TaskCompletionSource<int>());
            var window = new EvaluationWindow<int, int>(new ParallelOptions { MaxDegreeOfParallelism = 4 }, default, inSourceOrder, (n, _) => n == 0 ? zero.Task : one.Task);
            window.Start(0);
            window.Start(1);
            TaskCompletionSource<bool>? move = null;
            if (asynchronous)
            {
                move = PendingMove(window);
                move.SetException(new IOException("the source"));
                Assert.False(await window.WhenMovedAsync(move.Task));   // the elements before it come first
            }
            else
            {
                Assert.False(window.MoveNext(Throws(), out _));
            }

            Assert.False(window.HasRoom);
            Assert.False(window.IsEmpty);
            Assert.False(window.Token.IsCancellationRequested);
            var taken = window.TakeAsync();
            await Task.Delay(20);
            Assert.False(taken.IsCompleted);
            // Element 1 done first: in completion order it is taken first, in source order after element 0. (Element 0 is
            // done only once 1 is taken there: an evaluation may still wait for the pool when its result is set, so two
            // results set back to back may complete in either order.)
            one.SetResult(1);
            if (inSourceOrder)
            {
                zero.SetResult(0);
                Assert.Equal((0, 1), (await taken, await window.TakeAsync()));
            }
            else
            {
                Assert.Equal(1, await taken);
                zero.SetResult(0);
                Assert.Equal(0, await window.TakeAsync());
            }

            Assert.False(window.IsEmpty);
            Assert.Equal("the source", (await Assert.ThrowsAsync<IOException>(window.TakeAsync)).Message);
            if (move is not null)
                await window.AbandonMoveAsync(move.Task);
            await window.StopAsync();
        }

        static IEnumerator<int> Throws()
        {
            throw new IOException("the source");
#pragma warning disable CS0162 // an iterator: the throw comes at the first MoveNext
            yield break;
#pragma warning restore CS0162
        }
    }

    [Fact]
    public async Task ASourcesFailureWithNoElementPendingIsNotTakenForTheSourcesEnd()
    {
        // The loop folds the window's only value while the source's move fails: nothing is pending, but the window is
        // not empty, so the loop takes the failure instead of finishing with what it has.
        var window = new EvaluationWindow<int, int>(new ParallelOptions { MaxDegreeOfParallelism = 4 }, default, inSourceOrder: true, static (n, _) => Task.FromResult(n));
        window.Start(3);
        var move = PendingMove(window);
        Assert.False(await window.WhenMovedAsync(move.Task));
        Assert.Equal(3, await window.TakeAsync());
        move.SetException(new IOException("the source"));
        await Until(() => !window.HasRoom);
        Assert.False(window.IsEmpty);
        Assert.Equal("the source", (await Assert.ThrowsAsync<IOException>(window.TakeAsync)).Message);
        await window.AbandonMoveAsync(move.Task);
        await window.StopAsync();
    }

    [Fact]
    public async Task TheFirstFailureIsRethrownOnceEveryStartedEvaluationHasEnded()
    {
        var running = 0;
        var window = new EvaluationWindow<int, int>(new ParallelOptions { MaxDegreeOfParallelism = 4 }, default, inSourceOrder: true, async (n, token) =>
        {
            Interlocked.Increment(ref running);
            try
            {
                if (n == 2) throw new FormatException("element 2");
                await Task.Delay(Timeout.Infinite, token);   // ends only when cancelled
                return n;
            }
            finally
            {
                Interlocked.Decrement(ref running);
            }
        });

        var thrown = await Assert.ThrowsAsync<FormatException>(() => Drive(window, Enumerable.Range(0, 100)));
        Assert.Equal("element 2", thrown.Message);
        Assert.Equal(0, Volatile.Read(ref running));   // the three others were cancelled and waited for
    }

    [Fact]
    public async Task ValuesDoneBeforeAFailureAreTakenFirstAndAFinishedLoopIgnoresIt()
    {
        // Element 1 fails a moment after the others are done: evaluations begin inline, so the others are done within
        // Start (one still queued on a loaded pool when element 1 fails would never begin).
        static async Task<int> OneFails(int n, CancellationToken token)
        {
            if (n != 1) return n;
            await Task.Delay(30, CancellationToken.None);
            throw new FormatException("element 1");
        }

        var window = new EvaluationWindow<int, int>(new ParallelOptions { MaxDegreeOfParallelism = 4, TaskScheduler = new InlineScheduler() }, default, inSourceOrder: true, OneFails);
        window.Start(0);
        window.Start(1);
        window.Start(2);
        await Until(() => !window.HasRoom);   // element 1 has failed: no room, whatever the limit
        Assert.Equal(0, await window.TakeAsync());   // before the failed element: still folded
        Assert.Equal("element 1", (await Assert.ThrowsAsync<FormatException>(() => window.TakeAsync())).Message);
        await window.StopAsync();   // the loop has seen it: not thrown twice

        // The loop took what decided its results and finished: the failure after them does not count.
        var decided = new EvaluationWindow<int, int>(new ParallelOptions { MaxDegreeOfParallelism = 4, TaskScheduler = new InlineScheduler() }, default, inSourceOrder: true, OneFails);
        decided.Start(0);
        decided.Start(1);
        await Until(() => !decided.HasRoom);   // the failure is recorded before the loop takes and finishes
        Assert.Equal(0, await decided.TakeAsync());
        decided.Finish();
        await decided.StopAsync();
    }

    [Fact]
    public async Task InSourceOrderAFailureTheFoldMeetsComesBeforeOneRecordedForALaterElement()
    {
        // Element 1 fails while element 0 runs; element 0 ends afterwards and is still taken (it comes before the
        // failure), and its fold meets a failure (one its evaluation kept for the fold, say): the sequential loop would
        // have met that one first, so it is the one the method throws.
        var zeroBegun = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var zero = new TaskCompletionSource<int>();
        var window = new EvaluationWindow<int, int>(new ParallelOptions { MaxDegreeOfParallelism = 3 }, default, inSourceOrder: true,
            async (n, _) =>
            {
                if (n == 1)
                {
                    await zeroBegun.Task;
                    throw new FormatException("element 1");
                }

                zeroBegun.SetResult();
                return await zero.Task;
            });
        window.Start(0);
        window.Start(1);
        await Until(() => !window.HasRoom);   // element 1's failure is recorded
        // On a pool thread: element 0's continuation, its end and the window's record of it run inline there, so they are
        // done when this returns (from the test's synchronization context the continuation would be queued).
        await Task.Run(() => zero.SetResult(0));

        var folded = new InvalidOperationException("element 0's fold");
        Assert.Same(folded, await Assert.ThrowsAsync<InvalidOperationException>(() => TakeZeroAndFailItsFold(window, folded)));
    }

    [Fact]
    public async Task InCompletionOrderAFailureTheFoldMeetsForAnElementDoneFirstComesBeforeOneRecordedAfter()
    {
        // Element 0 ends, then element 1 fails. Element 0 is still taken (it was done before the failure), and its fold
        // meets a failure (one its evaluation kept for the fold, say): in completion order too, the loop would have met
        // that one first, so it is the one the method throws.
        // The evaluations begin on this thread (an inline scheduler) and element 0's is done at once, so its end is
        // recorded before Start returns: before element 1 can fail. (Ending it from another thread raced: where it ended
        // before its evaluation awaited, the evaluation's own thread recorded the end, possibly after element 1's failure.)
        var one = new TaskCompletionSource<int>();
        var window = new EvaluationWindow<int, int>(new ParallelOptions { MaxDegreeOfParallelism = 3, TaskScheduler = new InlineScheduler() }, default, inSourceOrder: false,
            async (n, _) =>
            {
                if (n == 1)
                {
                    await one.Task;
                    throw new FormatException("element 1");
                }

                return 0;
            });
        window.Start(0);
        window.Start(1);

        one.SetResult(0);
        await Until(() => !window.HasRoom);   // element 1's failure is recorded

        var folded = new InvalidOperationException("element 0's fold");
        Assert.Same(folded, await Assert.ThrowsAsync<InvalidOperationException>(() => TakeZeroAndFailItsFold(window, folded)));
    }

    [Fact]
    public async Task TheFirstFailureOutlivesACallersCancellationWhileTheWindowWindsDown()
    {
        // Element 1 fails; element 0 ignores the cancellation and takes a while to end, and the caller's token is
        // cancelled meanwhile: the failure is still what the method throws.
        using var options = new CancellationTokenSource();
        var zeroBegun = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var window = new EvaluationWindow<int, int>(new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = options.Token }, default, inSourceOrder: true,
            async (n, token) =>
            {
                if (n == 1)
                {
                    await zeroBegun.Task;   // else element 0, begun after the failure, would never begin
                    throw new FormatException("element 1");
                }

                zeroBegun.SetResult();

                // The window cancels the others' token at element 1's failure; the caller cancels after that.
                await Task.Delay(TimeSpan.FromSeconds(10), token).ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
                await options.CancelAsync();
                await Task.Delay(50, CancellationToken.None);
                return n;
            });

        var thrown = await Assert.ThrowsAsync<FormatException>(() => Drive(window, Enumerable.Range(0, 2)));
        Assert.Equal("element 1", thrown.Message);
        Assert.True(options.IsCancellationRequested);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AFailureAfterTheCallersCancellationEndsTheMethodAsThatCancellation(bool inSourceOrder)
    {
        // The caller cancels while the loop waits for element 0, which ignores the cancellation; element 1 then fails.
        // The sequential loop would have stopped at the cancellation, before element 1: so the method ends in the
        // caller's cancellation, with element 1's failure kept inside it (it was the FormatException).
        using var options = new CancellationTokenSource();
        var oneBegun = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var oneFailing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var window = new EvaluationWindow<int, int>(new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = options.Token }, default, inSourceOrder,
            async (n, token) =>
            {
                if (n == 1)
                {
                    oneBegun.SetResult();
                    await Task.Delay(Timeout.Infinite, token).ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
                    oneFailing.SetResult();
                    throw new FormatException("element 1");
                }

                await oneBegun.Task.WaitAsync(TimeSpan.FromSeconds(10));
                await options.CancelAsync();
                await oneFailing.Task.WaitAsync(TimeSpan.FromSeconds(10));
                await Task.Delay(1000, CancellationToken.None);   // for element 1's throw to reach the window, even on a loaded machine
                return n;
            });

        var thrown = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Drive(window, Enumerable.Range(0, 2)));
        Assert.Equal(options.Token, thrown.CancellationToken);
        Assert.Equal("element 1", Assert.IsType<FormatException>(thrown.InnerException).Message);
    }

    [Fact]
    public async Task InCompletionOrderAValueDoneAfterTheFirstFailureDoesNotHideIt()
    {
        // Element 1 fails while the loop is busy reading the source; element 0 then ends with a value that would decide
        // the results. The sequential loop would have met the failure before it: so must this one. The evaluations
        // start inline, so both are under way when the source goes on; ending them from the source runs the window's
        // bookkeeping there, in that order, before the loop takes anything (on a pool thread: under the test's
        // synchronization context a task's continuations are queued, not run inline).
        var (zero, one) = (new TaskCompletionSource<int>(), new TaskCompletionSource<int>());
        EvaluationWindow<int, int>? window = null;
        IEnumerable<int> BusyAfterTwo()
        {
            yield return 0;
            yield return 1;
            try
            {
                one.SetException(new FormatException("element 1"));
                Assert.False(window!.HasRoom);   // the failure is recorded
            }
            finally
            {
                zero.SetResult(0);   // else, should the assertion fail, the window would wait for it forever
            }

            yield return 2;
        }

        window = new EvaluationWindow<int, int>(new ParallelOptions { MaxDegreeOfParallelism = 3, TaskScheduler = new InlineScheduler() }, default, inSourceOrder: false,
            (n, _) => n switch
            {
                0 => zero.Task,
                1 => one.Task,
                _ => Task.FromResult(n),
            });

        var thrown = await Assert.ThrowsAsync<FormatException>(() => Task.Run(() => Drive(window, BusyAfterTwo(), decided: static n => n == 0)));
        Assert.Equal("element 1", thrown.Message);
        Assert.True(zero.Task.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task TheLoopsOwnFailureIsNotReplacedByALaterOne()
    {
        // The source fails first; element 0 fails for its own reasons while the source's enumerator is being disposed,
        // before the window stops. The source's failure came first.
        static IEnumerable<int> FailsAtTwo()
        {
            try
            {
                yield return 0;
                throw new FormatException("the source");
            }
            finally
            {
                Thread.Sleep(200);   // a slow Dispose
            }
        }

        var window = new EvaluationWindow<int, int>(new ParallelOptions { MaxDegreeOfParallelism = 4 }, default, inSourceOrder: true,
            async (n, _) =>
            {
                await Task.Delay(50, CancellationToken.None);
                throw new InvalidOperationException("element " + n);
            });

        var thrown = await Assert.ThrowsAsync<FormatException>(() => Drive(window, FailsAtTwo()));
        Assert.Equal("the source", thrown.Message);
    }

    /// <summary>
    /// The loop's own failure (a fold's overflow) cancels the evaluations still running at once, not after the source's
    /// disposal, which may take long (a data reader draining its rows): the source's cleanup sees element 0's
    /// evaluation cancelled. Element 0 has begun before the fold fails, so the test waits for events, not for time; the
    /// bounds only end a broken run.
    /// </summary>
    [Fact]
    public async Task TheLoopsOwnFailureCancelsWhatRunsBeforeTheSourceIsDisposed()
    {
        var begun = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancelledWhileDisposing = false;
        IEnumerable<int> Endless()
        {
            try
            {
                for (var i = 0; ; i++)
                    yield return i;
            }
            finally
            {
                cancelledWhileDisposing = cancelled.Task.Wait(TimeSpan.FromSeconds(10));
            }
        }

        var window = new EvaluationWindow<int, int>(new ParallelOptions { MaxDegreeOfParallelism = 2 }, default, inSourceOrder: false,
            async (n, token) =>
            {
                if (n != 0)
                    return n;
                begun.TrySetResult();
                try
                {
                    await Task.Delay(Timeout.Infinite, token);
                    return n;
                }
                catch (OperationCanceledException)
                {
                    cancelled.TrySetResult();
                    throw;
                }
            });

        // Element 1 is folded first (in completion order), and its fold overflows.
        var thrown = await Assert.ThrowsAsync<OverflowException>(() => Task.Run(() => Drive(window, Endless(),
            decided: _ => begun.Task.Wait(TimeSpan.FromSeconds(10)) ? throw new OverflowException("the fold") : false)));
        Assert.Equal("the fold", thrown.Message);
        Assert.True(cancelledWhileDisposing);
    }

    [Fact]
    public async Task StoppingEarlyCancelsWhatRunsAndIgnoresWhatItThrows()
    {
        var (begun, cancelled) = (0, 0);
        var window = new EvaluationWindow<int, int>(new ParallelOptions { MaxDegreeOfParallelism = 3 }, default, inSourceOrder: false, async (n, token) =>
        {
            Interlocked.Increment(ref begun);
            if (n == 1)
            {
                // Decides once the other two have begun (queued evaluations not begun when the loop stops never begin).
                while (Volatile.Read(ref begun) < 3) await Task.Delay(1, CancellationToken.None);
                return n;
            }

            try
            {
                await Task.Delay(Timeout.Infinite, token);
                return n;
            }
            catch (OperationCanceledException)
            {
                Interlocked.Increment(ref cancelled);
                throw new InvalidOperationException("not needed anyway");
            }
        });

        Assert.Equal(new[] { 1 }, await Drive(window, Enumerable.Range(0, 100), decided: static n => n == 1));
        Assert.Equal(2, cancelled);
    }

    [Fact]
    public async Task TheCallersTokenCancelsWithItsOwnToken()
    {
        using var options = new CancellationTokenSource();
        using var method = new CancellationTokenSource();
        var window = new EvaluationWindow<int, int>(new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = options.Token }, method.Token, inSourceOrder: true,
            async (n, token) =>
            {
                await Task.Delay(Timeout.Infinite, token);
                return n;
            });

        method.CancelAfter(50);
        var canceled = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Drive(window, Enumerable.Range(0, 10)));
        Assert.Equal(method.Token, canceled.CancellationToken);

        // Already cancelled: nothing starts.
        var started = 0;
        var second = new EvaluationWindow<int, int>(new ParallelOptions { CancellationToken = method.Token }, default, inSourceOrder: false,
            (n, _) => Task.FromResult(Interlocked.Increment(ref started)));
        canceled = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Drive(second, Enumerable.Range(0, 10)));
        Assert.Equal((method.Token, 0), (canceled.CancellationToken, started));
    }

    /// <summary>Evaluations queued before the caller cancels and begun after it end as cancelled without calling a selector.</summary>
    [Fact]
    public async Task AnEvaluationBegunAfterTheCallerCancelledCallsNothing()
    {
        var held = new HeldScheduler();
        using var caller = new CancellationTokenSource();
        var called = 0;
        var window = new EvaluationWindow<int, int>(new ParallelOptions { MaxDegreeOfParallelism = 2, TaskScheduler = held, CancellationToken = caller.Token }, default, inSourceOrder: true,
            (n, _) =>
            {
                Interlocked.Increment(ref called);
                return Task.FromResult(n);
            });
        window.Start(1);
        window.Start(2);
        caller.Cancel();
        held.RunQueued();

        // As the generated loop takes and stops: the method ends as cancelled by the caller.
        var canceled = await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            try
            {
                await window.TakeAsync();
            }
            catch (Exception e) when (window.Observe(e))
            {
                throw;   // never: Observe only notes what the loop throws
            }
            finally
            {
                await window.StopAsync();
            }
        });
        Assert.Equal((caller.Token, 0), (canceled.CancellationToken, called));
    }

    [Fact]
    public async Task AnEvaluationQueuedOnASchedulerThatNeverRunsItIsNotWaitedForOnceStopped()
    {
        var never = new NeverRunningScheduler();
        var window = new EvaluationWindow<int, int>(new ParallelOptions { MaxDegreeOfParallelism = 2, TaskScheduler = never }, default, inSourceOrder: true, Delayed);
        window.Start(1);
        await window.StopAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, never.Queued);
    }

    /// <summary>
    /// A caller that cancels while the loop waits for evaluations its scheduler has queued but not begun (a busy or
    /// stopped scheduler) gets its cancellation then, not once the scheduler runs one of them, which may be never; the
    /// options' token and the method's alike, in both orders.
    /// </summary>
    [Theory]
    [InlineData(true, true)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(false, false)]
    public async Task CancellingWhileTheEvaluationsAreQueuedEndsTheWaitAtOnce(bool inSourceOrder, bool throughTheOptions)
    {
        using var cancellation = new CancellationTokenSource();
        var never = new NeverRunningScheduler();
        var options = new ParallelOptions { MaxDegreeOfParallelism = 2, TaskScheduler = never, CancellationToken = throughTheOptions ? cancellation.Token : default };
        var window = new EvaluationWindow<int, int>(options, throughTheOptions ? default : cancellation.Token, inSourceOrder, Delayed);
        window.Start(1);
        window.Start(2);
        var taking = window.TakeAsync();
        Assert.False(taking.IsCompleted);

        cancellation.Cancel();
        var canceled = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => taking.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(cancellation.Token, canceled.CancellationToken);

        // Stopping waits for no queued evaluation either, and reports the caller's cancellation as the loop's end.
        var stopped = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => window.StopAsync().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(cancellation.Token, stopped.CancellationToken);
        Assert.Equal(2, never.Queued);
    }

    /// <summary>
    /// A scheduler that refuses an evaluation (its QueueTask throws, which StartNew reports as a TaskSchedulerException):
    /// the loop ends with that exception, once the evaluations started before it have ended.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AnEvaluationTheSchedulerRefusesEndsTheLoopWithTheSchedulersException(bool inSourceOrder)
    {
        var refusing = new RefusingScheduler(refuseFrom: 3);
        var window = new EvaluationWindow<int, int>(new ParallelOptions { MaxDegreeOfParallelism = 8, TaskScheduler = refusing }, default, inSourceOrder,
            async (n, _) =>
            {
                await Task.Delay(20).ConfigureAwait(false);
                return n;
            });

        var refused = await Assert.ThrowsAsync<TaskSchedulerException>(() => Drive(window, Enumerable.Range(0, 10)).WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("refused", refused.InnerException!.Message);
        Assert.Equal(3, refusing.Queued);
    }

    [Fact]
    public async Task MisuseIsReportedNotHidden()
    {
        var window = new EvaluationWindow<int, int>(new ParallelOptions { MaxDegreeOfParallelism = 1 }, default, inSourceOrder: true, Delayed);
        await Assert.ThrowsAsync<InvalidOperationException>(() => window.TakeAsync());   // nothing started
        window.Start(1);
        Assert.False(window.HasRoom);
        Assert.Throws<InvalidOperationException>(() => window.Start(2));   // full
        Assert.Equal(1, await window.TakeAsync());
        await window.StopAsync();
        Assert.Throws<InvalidOperationException>(() => window.Start(3));   // stopped
        Assert.Throws<ArgumentNullException>(() => new EvaluationWindow<int, int>(null!, default, true, Delayed));
    }

    /// <summary>Runs each task as it is queued, on the queuing thread.</summary>
    private sealed class InlineScheduler : TaskScheduler
    {
        protected override void QueueTask(Task task) => TryExecuteTask(task);

        protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) => TryExecuteTask(task);

        protected override IEnumerable<Task> GetScheduledTasks() => Array.Empty<Task>();
    }

    /// <summary>Holds what is queued until <see cref="RunQueued"/> runs it.</summary>
    private sealed class HeldScheduler : TaskScheduler
    {
        private readonly List<Task> _queued = new();

        public void RunQueued()
        {
            foreach (var task in _queued.ToList())
                TryExecuteTask(task);
        }

        protected override void QueueTask(Task task) => _queued.Add(task);

        protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) => false;

        protected override IEnumerable<Task> GetScheduledTasks() => _queued;
    }

    /// <summary>Runs what it is given on the thread pool, until the <c>refuseFrom</c>th task, which it refuses.</summary>
    private sealed class RefusingScheduler(int refuseFrom) : TaskScheduler
    {
        public int Queued { get; private set; }

        protected override void QueueTask(Task task)
        {
            if (++Queued < refuseFrom)
            {
                ThreadPool.QueueUserWorkItem(_ => TryExecuteTask(task));
                return;
            }

            throw new InvalidOperationException("refused");
        }

        protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) => false;

        protected override IEnumerable<Task> GetScheduledTasks() => Array.Empty<Task>();
    }

    private sealed class NeverRunningScheduler : TaskScheduler
    {
        public int Queued;

        protected override void QueueTask(Task task) => Interlocked.Increment(ref Queued);

        protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) => false;

        protected override IEnumerable<Task> GetScheduledTasks() => Array.Empty<Task>();
    }

    /// <summary>As the generated loop does: takes element 0's values, and its fold fails with <paramref name="folded"/>.</summary>
    private static async Task TakeZeroAndFailItsFold(EvaluationWindow<int, int> window, Exception folded)
    {
        try
        {
            Assert.Equal(0, await window.TakeAsync());
            throw folded;
        }
        catch (Exception e) when (window.Observe(e))
        {
            throw;   // never
        }
        finally
        {
            await window.StopAsync();
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds (a loaded machine may take a while), failing after ten seconds.</summary>
    private static async Task Until(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold within ten seconds");
            await Task.Delay(5);
        }
    }
}
