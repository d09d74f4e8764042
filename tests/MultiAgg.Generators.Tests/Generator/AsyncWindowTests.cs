using System.Reflection;
using MultiAgg.Generators.Tests.Infrastructure;

namespace MultiAgg.Generators.Tests;

/// <summary>
/// Async methods with a <c>ParallelOptions</c> parameter (DESIGN.md §7): at most MaxDegreeOfParallelism selector calls
/// in flight, the source read no further ahead than that, results equal to the same attributes awaited one element at
/// a time (in source order, or in completion order when every aggregate is order-independent), early exit, the first
/// failure rethrown unwrapped once started work has ended, the options' token, and a single-threaded scheduler.
/// </summary>
[Collection(ConcurrencyCollection.Name)]
public class AsyncWindowTests
{
    private const string Source = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;
        using MultiAgg;
        using static MultiAgg.Agg;

        public static partial class Window
        {
            // ---- Order-independent: folded as completed ------------------------------------------------------

            [Aggregate(Sum, Max, Count, Of = nameof(FetchSizeAsync))]
            [Aggregate(Count, Where = nameof(IsUpAsync))]
            [Aggregate(CountDistinct, Of = nameof(Page.Host))]
            public static partial Task<(long Bytes, int Largest, int Pages, int Up, int Hosts)> CrawlAsync(IEnumerable<Page> pages, ParallelOptions options);

            [Aggregate(Sum, Max, Count, Of = nameof(FetchSizeAsync))]
            [Aggregate(Count, Where = nameof(IsUpAsync))]
            [Aggregate(CountDistinct, Of = nameof(Page.Host))]
            public static partial Task<(long Bytes, int Largest, int Pages, int Up, int Hosts)> CrawlOneAtATimeAsync(IEnumerable<Page> pages);

            // ---- Order-dependent: folded in source order -----------------------------------------------------

            [Aggregate(Sum, Average, Of = nameof(ScoreAsync))]
            [Aggregate(First, LastOrDefault, MaxBy, Of = nameof(FetchSizeAsync))]
            public static partial ValueTask<(double Total, double? Mean, int First, int Last, Page? Biggest)> ScoreAsync(Page[] pages, ParallelOptions options, CancellationToken cancellationToken);

            [Aggregate(Sum, Average, Of = nameof(ScoreAsync))]
            [Aggregate(First, LastOrDefault, MaxBy, Of = nameof(FetchSizeAsync))]
            public static partial ValueTask<(double Total, double? Mean, int First, int Last, Page? Biggest)> ScoreOneAtATimeAsync(Page[] pages, CancellationToken cancellationToken);

            [GroupBy(nameof(HostAsync))]
            [Aggregate(Count)]
            [Aggregate(Sum, Of = nameof(FetchSizeAsync), Where = nameof(Page.Up))]
            public static partial Task<Dictionary<string, (int Pages, long Bytes)>> ByHostAsync(List<Page> pages, ParallelOptions options);

            [GroupBy(nameof(HostAsync))]
            [Aggregate(Count)]
            [Aggregate(Sum, Of = nameof(FetchSizeAsync), Where = nameof(Page.Up))]
            public static partial Task<Dictionary<string, (int Pages, long Bytes)>> ByHostOneAtATimeAsync(List<Page> pages);

            // ---- Asynchronous sources ---------------------------------------------------------------------------

            [Aggregate(Sum, Max, Of = nameof(FetchSizeAsync))]
            public static partial Task<(long Bytes, int? Largest)> FromStreamAsync(IAsyncEnumerable<Page> pages, ParallelOptions options, CancellationToken cancellationToken = default);

            [Aggregate(Sum, Max, Of = nameof(Page.Size))]
            [Aggregate(Count, Where = nameof(Page.Up))]
            public static partial Task<(long Bytes, int? Largest, int Up)> SynchronousSelectorsOverStreamAsync(IAsyncEnumerable<Page> pages, ParallelOptions options);

            [Aggregate(Any, Of = nameof(IsBrokenNowAsync))]
            public static partial Task<bool> AnyBrokenInStreamAsync(IAsyncEnumerable<Page> pages, ParallelOptions options);

            [Aggregate(First, Of = nameof(FetchSizeAsync))]
            public static partial Task<int> FirstInStreamAsync(IAsyncEnumerable<Page> pages, ParallelOptions options);

            // ---- Early exit -------------------------------------------------------------------------------------

            [Aggregate(Any, Of = nameof(IsBrokenAsync))]
            public static partial Task<bool> AnyBrokenAsync(IEnumerable<Page> pages, ParallelOptions options);

            [Aggregate(All, Of = nameof(IsOkAsync))]
            public static partial Task<bool> AllOkAsync(IEnumerable<Page> pages, ParallelOptions options);

            // ---- Decided attributes, failing sources ---------------------------------------------------------------

            [Aggregate(First, Of = nameof(CountedSizeAsync))]
            [Aggregate(Sum, Of = nameof(Page.Size))]
            public static partial Task<(int First, long Bytes)> FirstAndBytesAsync(IEnumerable<Page> pages, ParallelOptions options);

            public static int SizeCalls;

            private static async Task<int> CountedSizeAsync(Page page)
            {
                Interlocked.Increment(ref SizeCalls);
                await Task.Yield();
                if (page.Fails)
                {
                    await Task.Delay(100);   // well after page 0 is folded
                    throw new InvalidOperationException("a size no one needed was asked for");
                }

                return page.Size;
            }

            // First beside a filtered Count: the size is asked for only until First has one, the filter for every page.
            [Aggregate(First, Count, Of = nameof(CountedSizeAsync), Where = nameof(Page.Up))]
            public static partial Task<(int First, int Up)> FirstSizeAndUpAsync(IEnumerable<Page> pages, ParallelOptions options);

            [Aggregate(Any, Of = nameof(IsBrokenNowAsync))]
            public static partial Task<bool> AnyBrokenNowAsync(IEnumerable<Page> pages, ParallelOptions options);

            [Aggregate(Any, Of = nameof(IsBrokenLaterAsync))]
            public static partial Task<bool> AnyBrokenLaterAsync(IEnumerable<Page> pages, ParallelOptions options);

            [Aggregate(Any, Of = nameof(IsBrokenLaterAsync))]
            public static partial Task<bool> AnyBrokenLaterInStreamAsync(IAsyncEnumerable<Page> pages, ParallelOptions options);

            private static async Task<bool> IsBrokenLaterAsync(Page page)
            {
                await Task.Delay(100);   // well after the source broke
                return page.Fails;
            }

            /// <summary>Gives its pages and throws at once, as a reader that breaks on the next row.</summary>
            public static IEnumerable<Page> ThrowsAtOnce(IEnumerable<Page> pages)
            {
                foreach (var page in pages)
                    yield return page;
                throw new System.IO.IOException("the reader broke at once");
            }

            public static async IAsyncEnumerable<Page> StreamThrowsAtOnce(IEnumerable<Page> pages)
            {
                foreach (var page in pages)
                {
                    await Task.Yield();
                    yield return page;
                }

                throw new System.IO.IOException("the stream broke at once");
            }

            [Aggregate(First, Of = nameof(FirstAtOnceAsync))]
            [Aggregate(Sum, Of = nameof(SizeOrFailAsync))]
            public static partial Task<(int First, long Bytes)> FirstThenFailAsync(IEnumerable<Page> pages, ParallelOptions options);

            public static System.Collections.Concurrent.ConcurrentBag<string> SizesAskedFor = new();

            // A size that takes no token (page 0's fails at once, the others take 300 ms), then a filter for every page.
            [Aggregate(Sum, Of = nameof(SlowSizeAsync))]
            [Aggregate(Count, Where = nameof(CheckedUpAsync))]
            public static partial Task<(long Bytes, int Up)> SlowSizeThenUpAsync(IEnumerable<Page> pages, ParallelOptions options);

            public static int UpChecks;

            // The same within one attribute: a Where that takes no token, then its Of.
            [Aggregate(Sum, Of = nameof(CheckedSizeAsync), Where = nameof(SlowFilterAsync))]
            public static partial Task<long> SlowFilterThenSizeAsync(IEnumerable<Page> pages, ParallelOptions options);

            // The slow pages take 2 s: a failing page's 10 ms are then first even on a loaded machine.
            private static async Task<bool> SlowFilterAsync(Page page)
            {
                await Task.Delay(page.Fails ? 10 : 2000);
                if (page.Fails) throw new InvalidOperationException("could not filter " + page.Url);
                return true;
            }

            private static Task<int> CheckedSizeAsync(Page page)
            {
                Interlocked.Increment(ref UpChecks);
                return Task.FromResult(page.Size);
            }

            private static async Task<int> SlowSizeAsync(Page page)
            {
                await Task.Delay(page.Fails ? 10 : 2000);
                if (page.Fails) throw new InvalidOperationException("could not size " + page.Url);
                return page.Size;
            }

            private static Task<bool> CheckedUpAsync(Page page)
            {
                Interlocked.Increment(ref UpChecks);
                return Task.FromResult(page.Up);
            }

            // In source order (Last), with nothing to decide early.
            [Aggregate(Last, Of = nameof(SizeOrFailAsync))]
            public static partial Task<int> LastSizeAsync(IEnumerable<Page> pages, ParallelOptions options);

            [Aggregate(Last, Of = nameof(SizeOrFailAsync))]
            public static partial Task<int> LastSizeInStreamAsync(IAsyncEnumerable<Page> pages, ParallelOptions options);

            [Aggregate(First, Of = nameof(TimesOutAsync))]
            [Aggregate(Sum, Of = nameof(SizeOrFailOnceSizedAsync))]
            public static partial Task<(int First, long Bytes)> TimeoutThenBytesAsync(IEnumerable<Page> pages, ParallelOptions options);

            /// <summary>As SizeOrFailAsync, but a failing page fails only once another page's size is done.</summary>
            private static async Task<int> SizeOrFailOnceSizedAsync(Page page)
            {
                await Task.Yield();
                if (page.Fails)
                {
                    while (Volatile.Read(ref Finishing) < 1) await Task.Delay(1);
                    Interlocked.Increment(ref Finishing);
                    throw new InvalidOperationException("could not size " + page.Url);
                }

                Interlocked.Increment(ref Finishing);
                return page.Size;
            }

            /// <summary>Page 0's request times out, as an HttpClient's does: a TaskCanceledException of its own.</summary>
            private static async Task<int> TimesOutAsync(Page page)
            {
                await Task.Yield();
                if (page.Url.EndsWith("/0")) throw new TaskCanceledException("the request timed out");
                return page.Size;
            }

            [GroupBy(nameof(Parity))]
            [Aggregate(All, Of = nameof(PositiveAsync))]
            [Aggregate(Count)]
            public static partial Task<Dictionary<int, (bool AllPositive, int Count)>> ByParityAsync(IEnumerable<int> values, ParallelOptions options);

            [Aggregate(First, Of = nameof(PositiveAsync))]
            [Aggregate(Count)]
            public static partial Task<(bool FirstPositive, int Count)> FirstPositiveAsync(IEnumerable<int> values, ParallelOptions options);

            private static int Parity(int value) => value & 1;

            // Not decidable as a whole (Count), but First reads the value only until it has one.
            [Aggregate(First, Count, Of = nameof(PositiveAsync))]
            public static partial Task<(bool FirstPositive, int Count)> FirstAndCountAsync(IEnumerable<int> values, ParallelOptions options);

            [Aggregate(Any, Of = nameof(TellAsync))]
            [Aggregate(Sum, Of = nameof(SizeOrFailAsync))]
            public static partial Task<(bool AnyBroken, long Bytes)> AnyThenSumAsync(IEnumerable<Page> pages, ParallelOptions options);

            private static async Task<bool> TellAsync(Page page)
            {
                await Task.Yield();
                if (page.Fails) throw new InvalidOperationException("could not tell " + page.Url);
                return false;
            }

            /// <summary>10 / value: throws for 0, at once; -2 answers 50 ms later.</summary>
            private static async Task<bool> PositiveAsync(int value)
            {
                await Task.Delay(value == -2 ? 50 : 0);
                return 10 / value > 0;
            }

            public static int FirstBegun;

            private static async Task<int> FirstAtOnceAsync(Page page, CancellationToken token)
            {
                // Page 0 answers once pages 1 and 2 have begun here too; the others wait until cancelled.
                Interlocked.Increment(ref FirstBegun);
                if (page.Url.EndsWith("/0"))
                {
                    while (Volatile.Read(ref FirstBegun) < 3) await Task.Delay(1);
                    return page.Size;
                }

                await Task.Delay(10_000, token);
                return page.Size;
            }

            private static async Task<int> SizeOrFailAsync(Page page)
            {
                SizesAskedFor.Add(page.Url);
                await Task.Delay(page.Fails ? 50 : 0);
                Interlocked.Increment(ref Finishing);
                if (page.Fails) throw new InvalidOperationException("could not size " + page.Url);
                return page.Size;
            }

            /// <summary>Gives its pages, then waits <paramref name="wait"/> ms and throws, as a reader that breaks would.</summary>
            public static IEnumerable<Page> ThenThrows(IEnumerable<Page> pages, int wait)
            {
                var given = 0;
                foreach (var page in pages)
                {
                    given++;
                    yield return page;
                }

                SpinWait.SpinUntil(() => Volatile.Read(ref Finishing) >= given, 10_000);   // as RowThatBreaks does
                Thread.Sleep(wait);
                throw new System.IO.IOException("the reader broke");
            }

            /// <summary>The same as an async iterator: its last move fails without awaiting anything.</summary>
            /// <summary>Gives its pages, then waits for the next one until cancelled, and breaks: a stream that fails on cancellation.</summary>
            public static async IAsyncEnumerable<Page> BreaksWhenCancelled(IEnumerable<Page> pages, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken token = default)
            {
                foreach (var page in pages)
                {
                    await Task.Yield();
                    yield return page;
                }

                await Task.Delay(Timeout.Infinite, token).ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
                throw new System.IO.IOException("the stream broke when cancelled");
            }

            public static async IAsyncEnumerable<Page> StreamThenThrows(IEnumerable<Page> pages, int wait)
            {
                var given = 0;
                foreach (var page in pages)
                {
                    await Task.Yield();
                    given++;
                    yield return page;
                }

                SpinWait.SpinUntil(() => Volatile.Read(ref Finishing) >= given, 10_000);   // as RowThatBreaks does
                Thread.Sleep(wait);
                throw new System.IO.IOException("the stream broke");
            }

            /// <summary>
            /// Gives its pages, then waits <paramref name="wait"/> ms and fails to read the next one: a reader whose Current
            /// parses the row it moved to, as an enumerator and as an async enumerator.
            /// </summary>
            public sealed class RowThatBreaks(IReadOnlyList<Page> pages, int wait)
                : IEnumerable<Page>, IEnumerator<Page>, IAsyncEnumerable<Page>, IAsyncEnumerator<Page>
            {
                private int _at = -1;

                public Page Current
                {
                    get
                    {
                        if (_at < pages.Count) return pages[_at];

                        // Breaks once the pages given are evaluated (a loaded test host may run them late), and then
                        // some: the evaluations' values are done before the row breaks.
                        SpinWait.SpinUntil(() => Volatile.Read(ref Finishing) >= pages.Count, 10_000);
                        Thread.Sleep(wait);
                        throw new System.IO.IOException("the row broke");
                    }
                }

                object System.Collections.IEnumerator.Current => Current;

                public bool MoveNext() => ++_at <= pages.Count;

                public ValueTask<bool> MoveNextAsync() => new(MoveNext());

                public IEnumerator<Page> GetEnumerator() => this;

                System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => this;

                public IAsyncEnumerator<Page> GetAsyncEnumerator(CancellationToken cancellationToken = default) => this;

                public void Reset() => throw new NotSupportedException();

                public void Dispose()
                {
                }

                public ValueTask DisposeAsync() => default;
            }

            public static bool CancelledWhenDisposed;

            [Aggregate(Any, Of = nameof(IsBrokenAsync))]
            public static partial Task<bool> AnyBrokenInStreamSlowlyAsync(IAsyncEnumerable<Page> pages, ParallelOptions options);

            /// <summary>Gives its pages; disposed, it still waits on its token, as a stream closing a connection would.</summary>
            public static async IAsyncEnumerable<Page> CleansUpWithItsToken(IEnumerable<Page> pages, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken token = default)
            {
                try
                {
                    foreach (var page in pages)
                    {
                        await Task.Yield();
                        Interlocked.Increment(ref Pulled);
                        yield return page;
                    }
                }
                finally
                {
                    await Task.Delay(20, token);
                }
            }

            /// <summary>Gives its pages; disposed, it takes up to 10 s to clean up, waiting on its token, as closing a connection would.</summary>
            public static async IAsyncEnumerable<Page> CleansUpSlowly(IEnumerable<Page> pages, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken token = default)
            {
                try
                {
                    foreach (var page in pages)
                    {
                        await Task.Yield();
                        yield return page;
                    }
                }
                finally
                {
                    await Task.Delay(10_000, token);
                }
            }

            /// <summary>Gives its pages; disposed, it notes whether the evaluations' token was cancelled by then, and takes 300 ms.</summary>
            public static IEnumerable<Page> DisposedSlowly(IEnumerable<Page> pages)
            {
                try
                {
                    foreach (var page in pages)
                    {
                        Interlocked.Increment(ref Pulled);
                        yield return page;
                    }
                }
                finally
                {
                    CancelledWhenDisposed = SeenToken.IsCancellationRequested;
                    Thread.Sleep(300);
                }
            }

            // ---- Cancellation -------------------------------------------------------------------------------------

            [Aggregate(Sum, Of = nameof(HeldAsync))]
            public static partial Task<long> HeldSumAsync(IEnumerable<Page> pages, ParallelOptions options);

            /// <summary>Released by the test; until then every evaluation waits, its token or not.</summary>
            public static TaskCompletionSource<bool> Held = new(TaskCreationOptions.RunContinuationsAsynchronously);
            public static int Holding;

            private static async Task<int> HeldAsync(Page page)   // takes no token: it ignores cancellation
            {
                Interlocked.Increment(ref Holding);
                await Held.Task;
                return page.Size;
            }

            // ---- Shapes the generated code must still compile ----------------------------------------------------

            [Aggregate(Count, Of = nameof(FetchSizeAsync))]   // the value is never read: an evaluation that awaits nothing
            public static partial Task<int> CountStreamAsync(IAsyncEnumerable<Page> pages, ParallelOptions options);

            [Aggregate(Sum, Of = nameof(StringAsync))]   // a value named after a keyword
            public static partial Task<long> KeywordNamedAsync(IEnumerable<Page> pages, ParallelOptions options);

            // ---- Probes ---------------------------------------------------------------------------------------------

            public static int InFlight, Peak, Calls, Completed, Pulled, Cancelled, MaxAhead, Begun;
            public static CancellationToken SeenToken;
            public static int Limit = int.MaxValue;
            public static TaskScheduler? ExpectedScheduler;
            public static int OnOtherScheduler;
            private static TaskCompletionSource<bool> s_full = new(TaskCreationOptions.RunContinuationsAsynchronously);

            public static void Reset(int limit)
            {
                (InFlight, Peak, Calls, Completed, Pulled, Cancelled, MaxAhead, Begun, OnOtherScheduler, Limit) = (0, 0, 0, 0, 0, 0, 0, 0, 0, limit);
                s_full = new(TaskCreationOptions.RunContinuationsAsynchronously);
                if (limit == int.MaxValue) s_full.SetResult(true);   // no limit to wait for
            }

            private static async ValueTask<int> FetchSizeAsync(Page page, CancellationToken cancellationToken)
            {
                if (ExpectedScheduler is not null && TaskScheduler.Current != ExpectedScheduler) Interlocked.Increment(ref OnOtherScheduler);
                var now = Interlocked.Increment(ref InFlight);
                InterlockedMax(ref Peak, now);
                InterlockedMax(ref MaxAhead, Volatile.Read(ref Pulled) - Volatile.Read(ref Completed));   // elements read and not done
                Interlocked.Increment(ref Calls);
                try
                {
                    // Every call waits until as many are in flight as the window allows (or a moment passes): proof
                    // that the limit is reached, not only never passed.
                    if (now >= Limit) s_full.TrySetResult(true);
                    await Task.WhenAny(s_full.Task, Task.Delay(1000, cancellationToken));
                    await Task.Delay(page.Delay, cancellationToken);
                    if (page.Fails) throw new InvalidOperationException("could not fetch " + page.Url);
                    return page.Size;
                }
                catch (OperationCanceledException)
                {
                    Interlocked.Increment(ref Cancelled);
                    throw;
                }
                finally
                {
                    Interlocked.Increment(ref Completed);
                    Interlocked.Decrement(ref InFlight);
                }
            }

            private static async Task<double> ScoreAsync(Page page)
            {
                await Task.Delay(page.Delay % 3);
                return page.Size / 7.0 + 0.1;
            }

            private static async Task<bool> IsUpAsync(Page page)
            {
                await Task.Yield();
                if (ExpectedScheduler is not null && TaskScheduler.Current != ExpectedScheduler) Interlocked.Increment(ref OnOtherScheduler);
                return page.Up;
            }

            private static async Task<bool> IsOkAsync(Page page, CancellationToken token)
            {
                // A failure after the result is decided: it waits for the window to cancel what still runs once the result
                // is decided, then fails all the same, as a selector that ignores its token would.
                await Task.Yield();
                if (page.Fails)
                {
                    await Task.Delay(Timeout.Infinite, token).ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
                    throw new InvalidOperationException("too late to matter");
                }

                return page.Up;
            }

            private static async Task<int> StringAsync(Page page)
            {
                await Task.Yield();
                return page.Size;
            }

            public static async IAsyncEnumerable<Page> SlowStream(IEnumerable<Page> pages, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken token = default)
            {
                foreach (var page in pages)
                {
                    await Task.Delay(10_000, token);
                    yield return page;
                }
            }

            private static async Task<bool> IsBrokenNowAsync(Page page)
            {
                await Task.Yield();
                Interlocked.Increment(ref Finishing);
                return page.Fails;
            }

            /// <summary>Evaluations of IsBrokenNowAsync and SizeOrFailAsync about to end, for RowThatBreaks to wait for.</summary>
            public static int Finishing;

            /// <summary>Gives its pages, then goes quiet as a live stream does: it ends after <paramref name="quiet"/> ms (-1: never), or when cancelled if it honours the token.</summary>
            public static async IAsyncEnumerable<Page> GoesQuiet(IEnumerable<Page> pages, int quiet, bool honoursToken, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken token = default)
            {
                foreach (var page in pages)
                {
                    Interlocked.Increment(ref Pulled);
                    yield return page;
                }

                try
                {
                    await Task.Delay(quiet, honoursToken ? token : CancellationToken.None);
                }
                catch (OperationCanceledException)
                {
                    Interlocked.Increment(ref Cancelled);
                    throw;
                }
            }

            /// <summary>
            /// Gives its pages, then one more after <paramref name="quiet"/> ms, ignoring its token meanwhile; its cleanup
            /// awaits with the token, as closing a connection would.
            /// </summary>
            public static async IAsyncEnumerable<Page> CleansUpWithToken(Page[] pages, int quiet, bool ownTimeout, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken token = default)
            {
                try
                {
                    foreach (var page in pages)
                    {
                        Interlocked.Increment(ref Pulled);
                        yield return page;
                    }

                    await Task.Delay(quiet);
                    yield return pages[0];
                }
                finally
                {
                    if (ownTimeout) throw new TaskCanceledException("the cleanup timed out");
                    await Task.Delay(1, token);
                }
            }

            /// <summary>
            /// Gives its pages, then fails, synchronously, 200 ms later (the pages' evaluations are done by then); its disposal
            /// awaits with its token, as closing a connection would.
            /// </summary>
            public sealed class FailsThenCleansUp(Page[] pages) : IAsyncEnumerable<Page>, IAsyncEnumerator<Page>
            {
                private int _given;
                private CancellationToken _token;

                public Page Current => pages[_given - 1];

                public IAsyncEnumerator<Page> GetAsyncEnumerator(CancellationToken cancellationToken = default)
                {
                    _token = cancellationToken;
                    return this;
                }

                public ValueTask<bool> MoveNextAsync()
                {
                    if (_given == pages.Length)
                    {
                        Thread.Sleep(200);
                        throw new System.IO.IOException("the stream broke");
                    }

                    _given++;
                    return new ValueTask<bool>(true);
                }

                public async ValueTask DisposeAsync() => await Task.Delay(1, _token);
            }

            private static async Task<string> HostAsync(Page page)
            {
                await Task.Delay(page.Delay % 2);
                return page.Host;
            }

            private static async Task<bool> IsBrokenAsync(Page page, CancellationToken token)
            {
                // The broken page answers once the whole window has begun, so that each of the others is running.
                SeenToken = token;
                Interlocked.Increment(ref Begun);
                while (page.Fails && Volatile.Read(ref Begun) < Limit) await Task.Delay(1);
                try
                {
                    await Task.Delay(page.Fails ? 1 : 10_000, token);
                    return page.Fails;
                }
                catch (OperationCanceledException)
                {
                    Interlocked.Increment(ref Cancelled);
                    throw;
                }
            }

            private static void InterlockedMax(ref int location, int value)
            {
                for (var seen = Volatile.Read(ref location); value > seen; seen = Volatile.Read(ref location))
                {
                    if (Interlocked.CompareExchange(ref location, value, seen) == seen) return;
                }
            }

            public static IEnumerable<Page> Lazily(IEnumerable<Page> pages)
            {
                foreach (var page in pages)
                {
                    Interlocked.Increment(ref Pulled);
                    yield return page;
                }
            }

            public static async IAsyncEnumerable<Page> Stream(IEnumerable<Page> pages)
            {
                foreach (var page in pages)
                {
                    await Task.Yield();
                    Interlocked.Increment(ref Pulled);
                    yield return page;
                }
            }
        }

        public sealed record Page(string Url, string Host, int Size, int Delay, bool Up, bool Fails);

        /// <summary>Gives one page, then fails at once; its disposal takes a second.</summary>
        public sealed class BrokenStream(Page first) : IAsyncEnumerable<Page>, IAsyncEnumerator<Page>
        {
            private bool _given;

            public Page Current => first;

            public IAsyncEnumerator<Page> GetAsyncEnumerator(CancellationToken cancellationToken = default) => this;

            public ValueTask<bool> MoveNextAsync()
            {
                if (_given) throw new System.IO.IOException("the stream broke");
                _given = true;
                return new ValueTask<bool>(true);
            }

            public async ValueTask DisposeAsync() => await Task.Delay(1000);
        }
        """;

    private static readonly Lazy<Type> Window = new(() => TestCompiler.Load(TestCompiler.Run(Source).AssertClean().Output).GetType("Window")!);

    private static Type W => Window.Value;

    /// <summary>The compiled source's Page, as the test describes one.</summary>
    private sealed record Page(string Url, string Host, int Size, int Delay, bool Up, bool Fails);

    /// <summary>Pages whose delays differ, so that they complete in another order than they start.</summary>
    private static Page[] Pages(int count, Func<int, bool>? fails = null, int delay = -1) => Enumerable.Range(0, count)
        .Select(i => new Page(
            $"https://{"abc"[i % 3]}.example/{i}",
            $"{"abc"[i % 3]}.example",
            100 + (i * 37 % 250),
            delay >= 0 ? delay : (i * 7919) % 9,
            i % 5 != 0,
            fails?.Invoke(i) ?? false))
        .ToArray();

    private static object ToLoaded(Page page) =>
        Activator.CreateInstance(W.Assembly.GetType("Page")!, page.Url, page.Host, page.Size, page.Delay, page.Up, page.Fails)!;

    private static Array Loaded(IEnumerable<Page> pages)
    {
        var list = pages.Select(ToLoaded).ToList();
        var array = Array.CreateInstance(W.Assembly.GetType("Page")!, list.Count);
        for (var i = 0; i < list.Count; i++)
        {
            array.SetValue(list[i], i);
        }

        return array;
    }

    private static object ListOf(Array pages) => Activator.CreateInstance(typeof(List<>).MakeGenericType(pages.GetType().GetElementType()!), pages)!;

    private static object Lazily(Array pages) => W.GetMethod("Lazily")!.Invoke(null, new object[] { pages })!;

    private static object Stream(Array pages) => W.GetMethod("Stream")!.Invoke(null, new object[] { pages })!;

    private static void Reset(int limit) => W.GetMethod("Reset")!.Invoke(null, new object[] { limit });

    private static int Probe(string name) => (int)W.GetField(name)!.GetValue(null)!;

    private static ParallelOptions Options(int degree, CancellationToken token = default, TaskScheduler? scheduler = null) =>
        new() { MaxDegreeOfParallelism = degree, CancellationToken = token, TaskScheduler = scheduler ?? TaskScheduler.Default };

    private static async Task<object?> Call(string method, params object?[] arguments)
    {
        object task;
        try
        {
            task = W.GetMethod(method)!.Invoke(null, arguments)!;
        }
        catch (TargetInvocationException e)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException!).Throw();
            throw;
        }

        if (task.GetType().IsGenericType && task.GetType().GetGenericTypeDefinition() == typeof(ValueTask<>))
        {
            task = task.GetType().GetMethod("AsTask")!.Invoke(task, null)!;
        }

        await (Task)task;
        return task.GetType().GetProperty("Result")!.GetValue(task);
    }

    private static string Describe(object? result) => result switch
    {
        System.Collections.IDictionary dictionary => string.Join(";", dictionary.Keys.Cast<object>().Select(k => $"{k}={dictionary[k]}")),
        _ => result?.ToString() ?? "null",
    };

    public static TheoryData<int> Degrees => new() { 1, 2, 3, 8 };

    [Theory]
    [MemberData(nameof(Degrees))]
    public async Task ResultsEqualTheSequentialMethodsWithAtMostTheLimitInFlight(int degree)
    {
        var pages = Loaded(Pages(60));
        var expected = Pages(60);

        // Completion order (every aggregate order-independent), from a lazy sequence.
        Reset(degree);
        var crawled = await Call("CrawlAsync", Lazily(pages), Options(degree));
        Assert.Equal((Probe("Peak"), Probe("Calls"), Probe("MaxAhead") <= degree), (degree, 60, true));
        Reset(int.MaxValue);
        Assert.Equal(await Call("CrawlOneAtATimeAsync", Lazily(pages)), crawled);
        Assert.Equal((expected.Sum(static p => (long)p.Size), expected.Max(static p => p.Size), 60, expected.Count(static p => p.Up), 3), crawled);

        // Source order: floating-point sums to the last bit, First/Last/MaxBy, from an array.
        Reset(degree);
        var scored = await Call("ScoreAsync", pages, Options(degree), CancellationToken.None);
        Assert.Equal((Probe("Peak"), Probe("Calls")), (degree, 60));
        Reset(int.MaxValue);
        Assert.Equal(Describe(await Call("ScoreOneAtATimeAsync", pages, CancellationToken.None)), Describe(scored));
        var scores = expected.Select(static p => p.Size / 7.0 + 0.1).ToList();
        Assert.Equal($"({scores.Sum()}, {scores.Average()}, {expected[0].Size}, {expected[^1].Size}, {expected.MaxBy(static p => p.Size)})", Describe(scored));

        // Per key, in first-seen key order, with a filter, from a List<T>. (Pages the filter skips make no call, and
        // in source order the window may be full of them: no waiting for the limit here.)
        Reset(int.MaxValue);
        var byHost = Describe(await Call("ByHostAsync", ListOf(pages), Options(degree)));
        Assert.True(Probe("Peak") <= degree);
        Reset(int.MaxValue);
        Assert.Equal(Describe(await Call("ByHostOneAtATimeAsync", ListOf(pages))), byHost);
        Assert.Equal(
            string.Join(";", expected.GroupBy(static p => p.Host).Select(static g => $"{g.Key}=({g.Count()}, {g.Where(static p => p.Up).Sum(static p => (long)p.Size)})")),
            byHost);

        // Asynchronous sources, with awaited and with synchronous selectors.
        Reset(degree);
        Assert.Equal(((long)expected.Sum(static p => p.Size), (int?)expected.Max(static p => p.Size)), await Call("FromStreamAsync", Stream(pages), Options(degree), CancellationToken.None));
        Assert.Equal((Probe("Peak"), Probe("MaxAhead") <= degree), (degree, true));
        Assert.Equal(
            ((long)expected.Sum(static p => p.Size), (int?)expected.Max(static p => p.Size), expected.Count(static p => p.Up)),
            await Call("SynchronousSelectorsOverStreamAsync", Stream(pages), Options(degree)));
    }

    /// <summary>
    /// A token cancelled before the call, the options' or the method's, ends the method as that cancellation whether or not
    /// the source has an element: both are the caller's (the method's own had been checked only as elements started).
    /// </summary>
    [Fact]
    public async Task EitherCancelledTokenEndsTheMethodOverAnEmptySource()
    {
        var none = Loaded(Array.Empty<Page>());
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Reset(int.MaxValue);
        var canceled = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Call("FromStreamAsync", Stream(none), Options(4, cancelled.Token), CancellationToken.None));
        Assert.Equal(cancelled.Token, canceled.CancellationToken);
        canceled = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Call("FromStreamAsync", Stream(none), Options(4), cancelled.Token));
        Assert.Equal(cancelled.Token, canceled.CancellationToken);
        canceled = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Call("ScoreAsync", none, Options(4), cancelled.Token));
        Assert.Equal(cancelled.Token, canceled.CancellationToken);
    }

    [Fact]
    public async Task EmptySourcesGiveLinqsEmptyResults()
    {
        var none = Loaded(Array.Empty<Page>());
        Reset(int.MaxValue);
        await Assert.ThrowsAsync<InvalidOperationException>(() => Call("CrawlAsync", Lazily(none), Options(4)));
        Assert.Equal((0L, (int?)null), await Call("FromStreamAsync", Stream(none), Options(4), CancellationToken.None));
        await Assert.ThrowsAsync<InvalidOperationException>(() => Call("ScoreAsync", none, Options(4), CancellationToken.None));   // First
        Assert.Equal(0, Probe("Calls"));
    }

    [Fact]
    public async Task ACallerThatCancelsGetsNoResultFromEvaluationsThatIgnoreTheToken()
    {
        // Every element started, the source done, then the token cancelled: the evaluations still end with values.
        W.GetField("Held")!.SetValue(null, new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously));
        W.GetField("Holding")!.SetValue(null, 0);
        using var cancellation = new CancellationTokenSource();
        var call = Call("HeldSumAsync", Loaded(Pages(3)), Options(4, cancellation.Token));
        Assert.True(SpinWait.SpinUntil(() => Probe("Holding") == 3, TimeSpan.FromSeconds(10)), "the three evaluations did not start");
        cancellation.Cancel();
        ((TaskCompletionSource<bool>)W.GetField("Held")!.GetValue(null)!).SetResult(true);

        var thrown = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => WithinSeconds(call, 10));
        Assert.Equal(cancellation.Token, thrown.CancellationToken);
    }

    [Fact]
    public async Task OnceDecidedNothingNewStartsAndWhatRunsIsCancelled()
    {
        // Page 3 is broken and answers at once; the others take 10 s unless cancelled.
        var pages = Loaded(Pages(1_000, fails: static i => i == 3));
        Reset(4);
        Assert.Equal(true, await WithinSeconds(Call("AnyBrokenAsync", Lazily(pages), Options(4)), 9));
        Assert.Equal((Probe("Pulled"), Probe("Cancelled")), (4, 3));   // the window's four, three of them cancelled, not waited out
    }

    [Fact]
    public async Task WhatRunsIsCancelledOnceDecidedNotOnceTheSourceIsDisposed()
    {
        // As OnceDecided... above, from a source whose disposal takes 300 ms: the evaluations still running are
        // cancelled before it begins, and all three are cancelled by the time the method returns.
        var pages = Loaded(Pages(1_000, fails: static i => i == 3));
        Reset(4);
        Assert.Equal(true, await Call("AnyBrokenAsync", W.GetMethod("DisposedSlowly")!.Invoke(null, new object[] { pages })!, Options(4)));
        Assert.True((bool)W.GetField("CancelledWhenDisposed")!.GetValue(null)!);
        Assert.Equal(3, Probe("Cancelled"));
    }

    [Fact]
    public async Task AnAsyncSourcesTokenIsLeftForItsCleanupWhenTheResultsAreDecided()
    {
        // The evaluations still running are cancelled at once; the stream's own token is not, while it is disposed.
        var pages = Loaded(Pages(1_000, fails: static i => i == 3));
        Reset(4);
        var stream = W.GetMethod("CleansUpWithItsToken")!.Invoke(null, new object?[] { pages, CancellationToken.None })!;
        Assert.Equal(true, await WithinSeconds(Call("AnyBrokenInStreamSlowlyAsync", stream, Options(4)), 10));
        Assert.Equal(3, Probe("Cancelled"));
    }

    private static Task<object?> WithinSeconds(Task<object?> call, int seconds) => call.WaitAsync(TimeSpan.FromSeconds(seconds));

    private static object GoesQuiet(Array pages, int quiet, bool honoursToken) =>
        W.GetMethod("GoesQuiet")!.Invoke(null, new object?[] { pages, quiet, honoursToken, CancellationToken.None })!;

    [Fact]
    public async Task ASourceGoneQuietHoldsNeitherADecidedResultNorAFailure()
    {
        // The stream gives three pages, then nothing until cancelled; page 2 is broken, and Any is decided by it. The
        // loop waits for the stream's fourth page meanwhile: the value is folded all the same, and the move cancelled.
        var pages = Loaded(Pages(3, fails: static i => i == 2));
        Reset(int.MaxValue);
        Assert.Equal(true, await WithinSeconds(Call("AnyBrokenInStreamAsync", GoesQuiet(pages, -1, honoursToken: true), Options(8)), 10));
        Assert.Equal((Probe("Pulled"), Probe("Cancelled")), (3, 1));

        // In source order: First is decided by page 0.
        Reset(int.MaxValue);
        var first = Loaded(Pages(1));
        Assert.Equal(Pages(1)[0].Size, await WithinSeconds(Call("FirstInStreamAsync", GoesQuiet(first, -1, honoursToken: true), Options(8)), 10));

        // A selector's failure while the stream is quiet is rethrown, the stream's move cancelled.
        Reset(int.MaxValue);
        var failing = Loaded(Pages(2, fails: static i => i == 1));
        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => WithinSeconds(Call("FromStreamAsync", GoesQuiet(failing, -1, honoursToken: true), Options(8), CancellationToken.None), 10));
        Assert.Equal("could not fetch https://b.example/1", thrown.Message);
        Assert.Equal(0, Probe("InFlight"));

        // A stream that ignores the token is waited out (an async iterator cannot be disposed while its MoveNextAsync
        // is pending), and the decided result is still the answer.
        Reset(int.MaxValue);
        Assert.Equal(true, await WithinSeconds(Call("AnyBrokenInStreamAsync", GoesQuiet(pages, 300, honoursToken: false), Options(8)), 10));
        Assert.Equal(0, Probe("Cancelled"));
    }

    [Fact]
    public async Task ACleanupThatAwaitsWithTheTokenKeepsTheDecidedResult()
    {
        // Any is decided by page 2 while the stream waits 300 ms for its next page, ignoring its token: the window
        // cancels that token to end the move, and the stream's cleanup then throws that cancellation as it is disposed.
        // The sequential loop's early exit disposes with no token cancelled: the result is the answer.
        var pages = Loaded(Pages(3, fails: static i => i == 2));
        Reset(int.MaxValue);
        var stream = W.GetMethod("CleansUpWithToken")!.Invoke(null, new object?[] { pages, 300, false, CancellationToken.None })!;
        Assert.Equal(true, await WithinSeconds(Call("AnyBrokenInStreamAsync", stream, Options(8)), 10));
        Assert.Equal(3, Probe("Pulled"));

        // The same when the window cancelled the token on the stream's failure, which the decided result makes moot.
        Reset(int.MaxValue);
        var failing = Activator.CreateInstance(W.Assembly.GetType("Window+FailsThenCleansUp")!, pages)!;
        Assert.Equal(true, await WithinSeconds(Call("AnyBrokenInStreamAsync", failing, Options(8)), 10));

        // A cancellation of the cleanup's own (a timeout) is not the window's: it is thrown, as the sequential loop would.
        Reset(int.MaxValue);
        stream = W.GetMethod("CleansUpWithToken")!.Invoke(null, new object?[] { pages, 300, true, CancellationToken.None })!;
        var timedOut = await Assert.ThrowsAsync<TaskCanceledException>(() => WithinSeconds(Call("AnyBrokenInStreamAsync", stream, Options(8)), 10));
        Assert.Equal("the cleanup timed out", timedOut.Message);

        // The caller's token, cancelled while the same stream is read, is still the caller's cancellation.
        using var caller = new CancellationTokenSource();
        Reset(int.MaxValue);
        stream = W.GetMethod("CleansUpWithToken")!.Invoke(null, new object?[] { Loaded(Pages(3)), 1000, false, CancellationToken.None })!;
        var reading = WithinSeconds(Call("FromStreamAsync", stream, Options(8), caller.Token), 10);
        while (Probe("Pulled") < 3 && !reading.IsCompleted)
        {
            await Task.Delay(5);
        }

        await caller.CancelAsync();   // while the stream is quiet, before its last page
        var canceled = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading);
        Assert.Equal(caller.Token, canceled.CancellationToken);
    }

    [Fact]
    public async Task TheCallersCancellationWhileTheSourceCleansUpAfterTheResultsAreDecidedCarriesTheCallersToken()
    {
        // Page 0 decides the Any and the loop stops; the stream's cleanup then waits on its token (the window's, linked to
        // the caller's), and the caller cancels meanwhile. The sequential loop reads the stream with the caller's token,
        // so its cancellation carries that token; so does the window's.
        Reset(1);
        using var caller = new CancellationTokenSource();
        var stream = W.GetMethod("CleansUpSlowly")!.Invoke(null, new object?[] { Loaded(Pages(3, fails: static i => i == 0)), CancellationToken.None })!;
        caller.CancelAfter(300);
        var canceled = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => WithinSeconds(Call("AnyBrokenInStreamAsync", stream, Options(1, caller.Token)), 10));
        Assert.Equal(caller.Token, canceled.CancellationToken);
    }

    [Fact]
    public async Task AFailureAfterTheResultsAreDecidedDoesNotCount()
    {
        // Page 0 is not up (All is false at once); page 1 fails once the window, decided, cancels what still runs.
        var pages = Loaded(Pages(10, fails: static i => i == 1));
        Reset(int.MaxValue);
        Assert.Equal(false, await WithinSeconds(Call("AllOkAsync", Lazily(pages), Options(4)), 10));
    }

    [Fact]
    public async Task ADecidedAttributesOfRunsOnlyForElementsBegunBeforeItWasDecided()
    {
        // First is decided by page 0: as in the sequential loop, no later page's size is asked for (page 5's would
        // throw), except by evaluations begun before page 0 was folded; and what those throw after it was folded
        // (page 1's, 100 ms later) does not count either.
        var expected = (Pages(20)[0].Size, Pages(20).Sum(static p => (long)p.Size)).ToString();
        foreach (var (failing, degree, most) in new[] { (5, 1, 1), (5, 3, 3), (1, 3, 3) })
        {
            var pages = Loaded(Pages(20, fails: i => i == failing));
            Reset(int.MaxValue);
            W.GetField("SizeCalls")!.SetValue(null, 0);
            Assert.Equal(expected, Describe(await Call("FirstAndBytesAsync", Lazily(pages), Options(degree))));
            Assert.InRange(Probe("SizeCalls"), 1, most);
        }
    }

    [Fact]
    public async Task FirstBesideCountStopsAskingForValuesOnceFirstHasOne()
    {
        // Page 0 is not up; page 1 gives First its value. As in the sequential loop, which reads the value only until
        // First has one, no later page's size is asked for (page 6's would throw) except by evaluations begun before
        // page 1 was folded, and Count still counts every page that is up.
        var all = Pages(20);
        var expected = (all[1].Size, all.Count(static p => p.Up)).ToString();
        foreach (var (degree, most) in new[] { (1, 1), (3, 3), (8, 8) })
        {
            var pages = Loaded(Pages(20, fails: static i => i == 6));
            Reset(int.MaxValue);
            W.GetField("SizeCalls")!.SetValue(null, 0);
            Assert.Equal(expected, Describe(await Call("FirstSizeAndUpAsync", Lazily(pages), Options(degree))));
            Assert.InRange(Probe("SizeCalls"), 1, most);
        }
    }

    [Fact]
    public async Task AnEvaluationCancelledAfterItsAttributeWasDecidedEndsThere()
    {
        // Pages 1 and 2 began before page 0 decided First, and wait in First's Of until page 3's failure cancels them:
        // they end there, and never go on to ask for their sizes with a cancelled token.
        var pages = Loaded(Pages(10, fails: static i => i == 3));
        Reset(int.MaxValue);
        W.GetField("SizesAskedFor")!.SetValue(null, new System.Collections.Concurrent.ConcurrentBag<string>());
        W.GetField("FirstBegun")!.SetValue(null, 0);
        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => WithinSeconds(Call("FirstThenFailAsync", Lazily(pages), Options(3)), 10));
        Assert.Equal("could not size https://a.example/3", thrown.Message);
        var asked = ((System.Collections.Concurrent.ConcurrentBag<string>)W.GetField("SizesAskedFor")!.GetValue(null)!).ToList();
        Assert.DoesNotContain("https://b.example/1", asked);
        Assert.DoesNotContain("https://c.example/2", asked);
    }

    /// <summary>
    /// The caller cancels while the loop waits for a stream's next element, and the stream then fails with an exception
    /// of its own: the method ends in the caller's cancellation, in source order as in completion order. In source order
    /// the stream's exception, rethrown by the loop, was taken for the fold's own and surfaced raw.
    /// </summary>
    [Theory]
    [InlineData("LastSizeInStreamAsync")]   // source order
    [InlineData("FromStreamAsync")]         // completion order
    public async Task AStreamThatFailsOnTheCallersCancellationEndsTheMethodAsThatCancellation(string method)
    {
        using var cancellation = new CancellationTokenSource();
        var stream = W.GetMethod("BreaksWhenCancelled")!.Invoke(null, new object?[] { Loaded(Pages(2)), CancellationToken.None })!;
        var arguments = method == "FromStreamAsync" ? new[] { stream, Options(2, cancellation.Token), CancellationToken.None } : new[] { stream, Options(2, cancellation.Token) };
        cancellation.CancelAfter(200);
        var thrown = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => WithinSeconds(Call(method, arguments), 10));
        Assert.Equal(cancellation.Token, thrown.CancellationToken);
    }

    [Fact]
    public async Task AnEvaluationWhoseSelectorTakesNoTokenCallsNoOtherSelectorOnceTheWindowStopped()
    {
        // Page 0 fails after 10 ms; pages 1 to 3 are in a size that takes no token for 2 s. When their sizes come back,
        // the window has stopped: they end there, and never ask whether their page is up (the sequential loop would not
        // reach them at all). The failure surfaces once they end.
        var pages = Loaded(Pages(4, fails: static i => i == 0));
        W.GetField("UpChecks")!.SetValue(null, 0);
        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => WithinSeconds(Call("SlowSizeThenUpAsync", Lazily(pages), Options(4)), 10));
        Assert.Equal("could not size https://a.example/0", thrown.Message);
        Assert.Equal(0, Probe("UpChecks"));

        // Without a failure, every page is checked.
        Assert.Equal((Pages(4).Sum(static p => (long)p.Size), Pages(4).Count(static p => p.Up)).ToString(),
            Describe(await Call("SlowSizeThenUpAsync", Lazily(Loaded(Pages(4))), Options(4))));
        Assert.Equal(4, Probe("UpChecks"));

        // The same between one attribute's Where and its Of.
        W.GetField("UpChecks")!.SetValue(null, 0);
        thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => WithinSeconds(Call("SlowFilterThenSizeAsync", Lazily(Loaded(Pages(4, fails: static i => i == 0))), Options(4)), 10));
        Assert.Equal("could not filter https://a.example/0", thrown.Message);
        Assert.Equal(0, Probe("UpChecks"));
    }

    [Fact]
    public async Task ADecidedAttributesFailureCountsOnlyWhereTheSequentialLoopWouldMeetIt()
    {
        // -2 decides All for the even key (and First), so LINQ's All (First) never calls its Of for the 0 after it, which
        // would throw. The 0's evaluation throws first, before -2 is folded: kept until it is folded, it does not count.
        foreach (var degree in new[] { 1, 2, 4 })
        {
            var byParity = (System.Collections.IDictionary)(await Call("ByParityAsync", new[] { -2, 0, 3, 5 }, Options(degree)))!;
            Assert.Equal("0=(False, 2);1=(True, 2)", Describe(byParity));
            Assert.Equal("(False, 2)", Describe(await Call("FirstPositiveAsync", new[] { -2, 0 }, Options(degree))));
            Assert.Equal("(False, 2)", Describe(await Call("FirstAndCountAsync", new[] { -2, 0 }, Options(degree))));
        }

        // Both attributes fail on page 0: the first one's failure is the one, as the sequential loop never calls the second.
        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => Call("AnyThenSumAsync", Lazily(Loaded(Pages(3, fails: static i => i == 0))), Options(2)));
        Assert.Equal("could not tell https://a.example/0", thrown.Message);

        // Undecided when the 0 is folded, the attribute needs it: its failure counts, as in the sequential loop.
        await Assert.ThrowsAsync<DivideByZeroException>(() => Call("ByParityAsync", new[] { 2, 0, 3 }, Options(2)));
        await Assert.ThrowsAsync<DivideByZeroException>(() => Call("FirstPositiveAsync", new[] { 0, -2 }, Options(2)));
        await Assert.ThrowsAsync<DivideByZeroException>(() => Call("FirstAndCountAsync", new[] { 0, -2 }, Options(2)));
    }

    private static object SourceThatThrows(string name, Array pages, int wait) => W.GetMethod(name)!.Invoke(null, new object[] { pages, wait })!;

    [Fact]
    public async Task ASourceThatThrowsComesAfterTheValuesDoneBeforeIt()
    {
        // Page 0 is broken, and its value is done long before the source throws: Any is decided by it, as in the
        // sequential loop, from a synchronous source and from an async iterator whose move fails at once.
        var broken = Loaded(Pages(1, fails: static _ => true));
        Reset(int.MaxValue);
        W.GetField("Finishing")!.SetValue(null, 0);
        Assert.Equal(true, await WithinSeconds(Call("AnyBrokenNowAsync", SourceThatThrows("ThenThrows", broken, 200), Options(2)), 10));
        W.GetField("Finishing")!.SetValue(null, 0);
        Assert.Equal(true, await WithinSeconds(Call("AnyBrokenInStreamAsync", SourceThatThrows("StreamThenThrows", broken, 200), Options(2)), 10));

        // Undecided, the source's failure is rethrown.
        var fine = Loaded(Pages(1));
        var thrown = await Assert.ThrowsAsync<IOException>(() => Call("AnyBrokenNowAsync", SourceThatThrows("ThenThrows", fine, 0), Options(2)));
        Assert.Equal("the reader broke", thrown.Message);
        thrown = await Assert.ThrowsAsync<IOException>(() => Call("AnyBrokenInStreamAsync", SourceThatThrows("StreamThenThrows", fine, 0), Options(2)));
        Assert.Equal("the stream broke", thrown.Message);
    }

    private static object RowThatBreaks(Array pages, int wait) => Activator.CreateInstance(W.GetNestedType("RowThatBreaks")!, pages, wait)!;

    [Fact]
    public async Task ASourceWhoseCurrentThrowsComesAfterTheValuesDoneBeforeIt()
    {
        // The same when the source moves but cannot give the element it moved to: its Current throws.
        var broken = Loaded(Pages(1, fails: static _ => true));
        Reset(int.MaxValue);
        foreach (var method in new[] { "AnyBrokenNowAsync", "AnyBrokenInStreamAsync" })
        {
            W.GetField("Finishing")!.SetValue(null, 0);
            Assert.Equal(true, await WithinSeconds(Call(method, RowThatBreaks(broken, 200), Options(2)), 10));
        }

        var fine = Loaded(Pages(1));
        var thrown = await Assert.ThrowsAsync<IOException>(() => Call("AnyBrokenNowAsync", RowThatBreaks(fine, 0), Options(2)));
        Assert.Equal("the row broke", thrown.Message);
        thrown = await Assert.ThrowsAsync<IOException>(() => Call("AnyBrokenInStreamAsync", RowThatBreaks(fine, 0), Options(2)));
        Assert.Equal("the row broke", thrown.Message);

        // In source order, page 0's failure, recorded before the row broke, is the one the sequential loop meets first.
        foreach (var method in new[] { "LastSizeAsync", "LastSizeInStreamAsync" })
        {
            W.GetField("Finishing")!.SetValue(null, 0);
            var failed = await Assert.ThrowsAsync<InvalidOperationException>(() => WithinSeconds(Call(method, RowThatBreaks(broken, 200), Options(2)), 10));
            Assert.Equal("could not size https://a.example/0", failed.Message);
        }
    }

    [Fact]
    public async Task ASelectorsOwnCancellationFoldedFirstIsTheFailure()
    {
        // Page 0's First times out (kept: First may be decided before it is read); page 1's Sum fails once page 0's size
        // is done, after that timeout was kept, and is recorded first, while the source holds the loop. Folding page 0
        // meets the timeout, as the sequential loop would meet it before page 1: a cancellation, but the selector's own,
        // not a consequence of page 1's failure.
        Reset(int.MaxValue);
        W.GetField("Finishing")!.SetValue(null, 0);
        var pages = Loaded(Pages(2, fails: static i => i == 1));
        var thrown = await Assert.ThrowsAsync<TaskCanceledException>(() => WithinSeconds(Call("TimeoutThenBytesAsync", SourceThatThrows("ThenThrows", pages, 200), Options(3)), 10));
        Assert.Equal("the request timed out", thrown.Message);
    }

    [Fact]
    public async Task EveryShapeCompilesAndAnUnboundedDegreeAllocatesNoWindowUpFront()
    {
        var pages = Loaded(Pages(60));
        var expected = Pages(60);
        Reset(int.MaxValue);
        Assert.Equal(60, await Call("CountStreamAsync", Stream(pages), Options(3)));
        Assert.Equal(expected.Sum(static p => (long)p.Size), await Call("KeywordNamedAsync", Lazily(pages), Options(3)));

        // int.MaxValue: "no limit" (a window that grows with what is pending, in source order too).
        Reset(int.MaxValue);
        var scored = await Call("ScoreAsync", pages, Options(int.MaxValue), CancellationToken.None);
        Assert.Equal(Describe(await Call("ScoreOneAtATimeAsync", pages, CancellationToken.None)), Describe(scored));
        var scores = expected.Select(static p => p.Size / 7.0 + 0.1).ToList();
        Assert.Equal($"({scores.Sum()}, {scores.Average()}, {expected[0].Size}, {expected[^1].Size}, {expected.MaxBy(static p => p.Size)})", Describe(scored));
    }

    [Fact]
    public async Task TheFirstFailureIsRethrownUnwrappedOnceStartedWorkHasEnded()
    {
        var pages = Loaded(Pages(200, fails: static i => i == 10, delay: 5));
        Reset(int.MaxValue);
        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => Call("CrawlAsync", Lazily(pages), Options(8)));
        Assert.Equal("could not fetch https://b.example/10", thrown.Message);
        Assert.Equal(0, Probe("InFlight"));
        Assert.True(Probe("Pulled") < 200, $"pulled {Probe("Pulled")}");

        // In source order too, and from an asynchronous source.
        Reset(int.MaxValue);
        thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => Call("ScoreAsync", pages, Options(3), CancellationToken.None));
        Assert.Equal("could not fetch https://b.example/10", thrown.Message);
        Assert.Equal(0, Probe("InFlight"));
        Reset(int.MaxValue);
        await Assert.ThrowsAsync<InvalidOperationException>(() => Call("FromStreamAsync", Stream(pages), Options(3), CancellationToken.None));
        Assert.Equal(0, Probe("InFlight"));
    }

    [Fact]
    public async Task APageGivenBeforeTheStreamBrokeFailsFirst()
    {
        // The stream breaks at once; the page it gave fails 50 ms later. The sequential loop fetches that page before it
        // moves the stream again: the page's failure is the one, with the stream's enumerator disposed (an awaited
        // disposal, which runs before any exception filter around it) and nothing left running.
        Reset(1);
        var page = ToLoaded(Pages(1, fails: static _ => true, delay: 50)[0]);
        var stream = Activator.CreateInstance(W.Assembly.GetType("BrokenStream")!, page)!;
        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => Call("FromStreamAsync", stream, Options(3), CancellationToken.None));
        Assert.Equal("could not fetch https://a.example/0", thrown.Message);
        Assert.Equal(0, Probe("InFlight"));

        // A page that does not fail: the stream's failure.
        stream = Activator.CreateInstance(W.Assembly.GetType("BrokenStream")!, ToLoaded(Pages(1, delay: 50)[0]))!;
        Reset(1);
        Assert.Equal("the stream broke", (await Assert.ThrowsAsync<IOException>(() => Call("FromStreamAsync", stream, Options(3), CancellationToken.None))).Message);
    }

    [Fact]
    public async Task ASourceThatThrowsAtOnceComesAfterThePagesItGaveWhateverTheDegree()
    {
        // The source breaks right after its pages, while their evaluations still run (100 ms): the sequential loop folds
        // them before it reads further, so a broken page among them decides Any whatever the degree, from a synchronous
        // source and from an async iterator. Before, a degree above 1 read ahead, met the failure and cancelled them.
        foreach (var degree in new[] { 1, 2, 4 })
        {
            foreach (var broken in new[] { 0, 1 })
            {
                var pages = Loaded(Pages(2, fails: i => i == broken));
                Assert.Equal(true, await WithinSeconds(Call("AnyBrokenLaterAsync", W.GetMethod("ThrowsAtOnce")!.Invoke(null, new object[] { pages })!, Options(degree)), 10));
                Assert.Equal(true, await WithinSeconds(Call("AnyBrokenLaterInStreamAsync", W.GetMethod("StreamThrowsAtOnce")!.Invoke(null, new object[] { pages })!, Options(degree)), 10));
            }

            // Undecided by the pages, the source's failure.
            var fine = Loaded(Pages(2));
            var thrown = await Assert.ThrowsAsync<IOException>(() => WithinSeconds(Call("AnyBrokenLaterAsync", W.GetMethod("ThrowsAtOnce")!.Invoke(null, new object[] { fine })!, Options(degree)), 10));
            Assert.Equal("the reader broke at once", thrown.Message);
            thrown = await Assert.ThrowsAsync<IOException>(() => WithinSeconds(Call("AnyBrokenLaterInStreamAsync", W.GetMethod("StreamThrowsAtOnce")!.Invoke(null, new object[] { fine })!, Options(degree)), 10));
            Assert.Equal("the stream broke at once", thrown.Message);
        }
    }

    [Fact]
    public async Task TheOptionsAndTheMethodsTokensCancelEverything()
    {
        var slow = Loaded(Pages(100, delay: 10_000));

        // Cancelled once all four evaluations are in flight (a fixed delay could come before a loaded pool began them all).
        using var options = new CancellationTokenSource();
        Reset(int.MaxValue);
        var crawling = Call("CrawlAsync", Lazily(slow), Options(4, options.Token));
        Assert.True(SpinWait.SpinUntil(() => Probe("InFlight") == 4, TimeSpan.FromSeconds(10)), "the four evaluations did not start");
        options.Cancel();
        var canceled = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => crawling);
        Assert.Equal(options.Token, canceled.CancellationToken);
        Assert.Equal((Probe("InFlight"), Probe("Cancelled")), (0, 4));

        using var method = new CancellationTokenSource();
        Reset(int.MaxValue);
        method.CancelAfter(100);
        canceled = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Call("ScoreAsync", slow, Options(4), method.Token));
        Assert.Equal(method.Token, canceled.CancellationToken);
        Assert.Equal(0, Probe("InFlight"));

        // Cancelled while the loop waits for an asynchronous source, nothing in flight: the method's token still.
        using var whileReading = new CancellationTokenSource();
        Reset(int.MaxValue);
        whileReading.CancelAfter(100);
        var stream = W.GetMethod("SlowStream")!.Invoke(null, new object?[] { slow, CancellationToken.None })!;
        canceled = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Call("FromStreamAsync", stream, Options(4), whileReading.Token));
        Assert.Equal(whileReading.Token, canceled.CancellationToken);

        // Cancelled before it starts: no selector is called.
        Reset(int.MaxValue);
        canceled = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Call("FromStreamAsync", Stream(slow), Options(4, options.Token), CancellationToken.None));
        Assert.Equal(options.Token, canceled.CancellationToken);
        Assert.Equal(0, Probe("Calls"));
    }

    [Fact]
    public async Task ASingleThreadedSchedulerRunsEveryEvaluationWithoutDeadlock()
    {
        var pages = Loaded(Pages(40));
        var scheduler = new ConcurrentExclusiveSchedulerPair().ExclusiveScheduler;
        Reset(4);
        W.GetField("ExpectedScheduler")!.SetValue(null, scheduler);
        try
        {
            // The caller itself runs on that one thread, as a UI or a test framework's context would.
            var run = Task.Factory.StartNew(() => Call("CrawlAsync", Lazily(pages), Options(4, scheduler: scheduler)), CancellationToken.None, TaskCreationOptions.None, scheduler).Unwrap();
            var crawled = await run.WaitAsync(TimeSpan.FromSeconds(20));
            Assert.Equal((Probe("OnOtherScheduler"), Probe("Peak")), (0, 4));
            W.GetField("ExpectedScheduler")!.SetValue(null, null);
            Reset(int.MaxValue);
            Assert.Equal(await Call("CrawlOneAtATimeAsync", Lazily(pages)), crawled);
        }
        finally
        {
            W.GetField("ExpectedScheduler")!.SetValue(null, null);
        }
    }
}
