using System.Reflection;
using MultiAgg.Generators.Tests.Infrastructure;

namespace MultiAgg.Generators.Tests;

/// <summary>
/// Of, Where and key methods that return <c>Task&lt;T&gt;</c>/<c>ValueTask&lt;T&gt;</c> (DESIGN.md §7): without
/// <c>ParallelOptions</c>, an async method awaits them one element at a time, over a synchronous or an asynchronous
/// source, and hands a <c>CancellationToken</c> parameter of theirs the method's own token.
/// </summary>
[Collection(ConcurrencyCollection.Name)]
public class AsyncSelectorTests
{
    private const string Source = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;
        using MultiAgg;
        using static MultiAgg.Agg;

        public static partial class Crawl
        {
            public static int InFlight, Peak, Calls;

            public static void Reset() => (InFlight, Peak, Calls, Measures) = (0, 0, 0, 0);

            [Aggregate(Sum, Max, Count, Of = nameof(FetchSizeAsync))]
            [Aggregate(Count, Where = nameof(IsUpAsync))]
            public static partial Task<(long Bytes, int Largest, int Pages, int Up)> CrawlAsync(IEnumerable<string> urls, CancellationToken cancellationToken);

            [Aggregate(Sum, Of = nameof(FetchSizeAsync))]
            public static partial ValueTask<long> FromArrayAsync(string[] urls, CancellationToken token);

            [Aggregate(Sum, Max, Of = nameof(FetchSizeAsync))]
            public static partial Task<(long Bytes, int? Largest)> FromStreamAsync(IAsyncEnumerable<string> urls, CancellationToken cancellationToken = default);

            [GroupBy(nameof(HostAsync))]
            [Aggregate(Count)]
            [Aggregate(Sum, Of = nameof(FetchSizeAsync))]
            public static partial Task<Dictionary<string, (int Pages, long Bytes)>> ByHostAsync(List<string> urls);

            // Two aggregates given every value: the selector still runs once per element, as in a loop written by hand.
            [Aggregate(MinBy, MaxBy, Of = nameof(FetchSizeAsync))]
            public static partial Task<(string? Smallest, string? Largest)> RankAsync(IAsyncEnumerable<string> urls, CancellationToken cancellationToken);

            [Aggregate(Last, CountDistinct, Of = nameof(Measure))]
            public static partial (int Last, int Sizes) Measured(string[] urls);

            // A First and a FirstOrDefault of one selector: it runs once, for the first element, alone or beside a Count.
            [Aggregate(First, FirstOrDefault, Of = nameof(Measure))]
            public static partial (int First, int FirstOrDefault) Firsts(string[] urls);

            [Aggregate(Count, First, FirstOrDefault, Of = nameof(Measure))]
            public static partial (int Pages, int First, int FirstOrDefault) CountedFirsts(string[] urls);

            // A selector that takes no token: the method's own is still checked per element.
            [Aggregate(Sum, Of = nameof(LengthAsync))]
            public static partial Task<long> LengthsAsync(string[] urls, CancellationToken cancellationToken);

            [Aggregate(Sum, Of = nameof(LengthAsync))]
            public static partial Task<long> LengthsOfListAsync(List<string> urls, CancellationToken cancellationToken);

            [Aggregate(Sum, Of = nameof(WaitForCancellationAsync))]
            public static partial Task<long> WaitAsync(string[] urls, CancellationToken cancellationToken);

            public static CancellationToken Received;

            private static async Task<int> WaitForCancellationAsync(string url, CancellationToken cancellationToken)
            {
                Received = cancellationToken;
                Interlocked.Increment(ref Calls);
                await Task.Delay(Timeout.Infinite, cancellationToken);
                return url.Length;
            }

            private static async Task<int> LengthAsync(string url)
            {
                await Task.Yield();
                return url.Length;
            }

            public static int Measures;

            private static int Measure(string url)
            {
                Measures++;
                return url.Length;
            }

            private static async ValueTask<int> FetchSizeAsync(string url, CancellationToken cancellationToken)
            {
                var now = Interlocked.Increment(ref InFlight);
                Peak = Math.Max(Peak, now);
                Interlocked.Increment(ref Calls);
                try
                {
                    await Task.Delay(1, cancellationToken);
                    if (url.Contains("fail")) throw new InvalidOperationException("could not fetch " + url);
                    return url.Length * 10;
                }
                finally
                {
                    Interlocked.Decrement(ref InFlight);
                }
            }

            private static async Task<bool> IsUpAsync(string url)
            {
                await Task.Yield();
                return !url.Contains("down");
            }

            private static async Task<string> HostAsync(string url)
            {
                await Task.Yield();
                return url.Split('/')[2];
            }

            public static async IAsyncEnumerable<string> Stream(IEnumerable<string> urls)
            {
                foreach (var url in urls)
                {
                    await Task.Yield();
                    yield return url;
                }
            }
        }
        """;

    private static readonly Lazy<Type> Crawl = new(() => TestCompiler.Load(TestCompiler.Run(Source).AssertClean().Output).GetType("Crawl")!);

    private static readonly object Gate = new();

    private static readonly string[] Urls = Enumerable.Range(0, 40)
        .Select(static i => $"https://{(i % 3 == 0 ? "a.example" : "b.example")}/{(i % 7 == 0 ? "down" : "page")}/{new string('x', i % 11)}")
        .ToArray();

    private static async Task<object?> Call(string method, params object?[] arguments)
    {
        try
        {
            var task = Crawl.Value.GetMethod(method)!.Invoke(null, arguments)!;
            if (task is ValueTask<long> valueTask)
            {
                return await valueTask;
            }

            await (Task)task;
            return task.GetType().GetProperty("Result")!.GetValue(task);
        }
        catch (TargetInvocationException e)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException!).Throw();
            throw;
        }
    }

    private static int Probe(string field) => (int)Crawl.Value.GetField(field)!.GetValue(null)!;

    [Fact]
    public async Task AwaitedSelectorsEqualTheirSynchronousResultsOneElementAtATime()
    {
        Crawl.Value.GetMethod("Reset")!.Invoke(null, null);
        var sizes = Urls.Select(static u => (long)u.Length * 10).ToList();

        Assert.Equal((sizes.Sum(), (int)sizes.Max(), Urls.Length, Urls.Count(static u => !u.Contains("down"))), await Call("CrawlAsync", Urls, CancellationToken.None));
        Assert.Equal(sizes.Sum(), await Call("FromArrayAsync", Urls, CancellationToken.None));
        var stream = Crawl.Value.GetMethod("Stream")!.Invoke(null, new object[] { Urls });
        Assert.Equal((sizes.Sum(), (int?)sizes.Max()), await Call("FromStreamAsync", stream, CancellationToken.None));
        var byHost = (System.Collections.IDictionary)(await Call("ByHostAsync", Urls.ToList()))!;
        Assert.Equal(
            string.Join(";", Urls.GroupBy(static u => u.Split('/')[2]).Select(static g => $"{g.Key}=({g.Count()}, {g.Sum(static u => (long)u.Length * 10)})")),
            string.Join(";", byHost.Keys.Cast<string>().Select(k => $"{k}={byHost[k]}")));

        Assert.Equal(1, Probe("Peak"));   // without ParallelOptions: one at a time
        Assert.Equal(4 * Urls.Length, Probe("Calls"));
    }

    [Fact]
    public async Task ASelectorThatSeveralAggregatesReadRunsOncePerElement()
    {
        Crawl.Value.GetMethod("Reset")!.Invoke(null, null);
        var stream = Crawl.Value.GetMethod("Stream")!.Invoke(null, new object[] { Urls });
        Assert.Equal((Urls.MinBy(static u => u.Length), Urls.MaxBy(static u => u.Length)), await Call("RankAsync", stream, CancellationToken.None));
        Assert.Equal(Urls.Length, Probe("Calls"));

        Assert.Equal((Urls[^1].Length, Urls.Select(static u => u.Length).Distinct().Count()), Crawl.Value.GetMethod("Measured")!.Invoke(null, new object[] { Urls }));
        Assert.Equal(Urls.Length, Probe("Measures"));

        Crawl.Value.GetMethod("Reset")!.Invoke(null, null);
        Assert.Equal((Urls[0].Length, Urls[0].Length), Crawl.Value.GetMethod("Firsts")!.Invoke(null, new object[] { Urls }));
        Assert.Equal(1, Probe("Measures"));
        Crawl.Value.GetMethod("Reset")!.Invoke(null, null);
        Assert.Equal((Urls.Length, Urls[0].Length, Urls[0].Length), Crawl.Value.GetMethod("CountedFirsts")!.Invoke(null, new object[] { Urls }));
        Assert.Equal(1, Probe("Measures"));
    }

    [Fact]
    public async Task TheMethodsTokenIsCheckedPerElementWhenNoSelectorTakesIt()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Call("LengthsAsync", Urls, cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Call("LengthsOfListAsync", Urls.ToList(), cancelled.Token));
        Assert.Equal(Urls.Sum(static u => (long)u.Length), await Call("LengthsAsync", Urls, CancellationToken.None));
        Assert.Equal(0L, await Call("LengthsAsync", Array.Empty<string>(), cancelled.Token));   // as over a stream: checked per element
    }

    [Fact]
    public async Task TheMethodsTokenReachesTheSelectorAndAFailureComesOutAsItself()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Call("CrawlAsync", Urls, cancelled.Token));

        // The selector under way is given the method's own token, and cancelling it ends the method there.
        using var cancellation = new CancellationTokenSource();
        Crawl.Value.GetMethod("Reset")!.Invoke(null, null);
        var waiting = Call("WaitAsync", Urls, cancellation.Token);
        Assert.True(SpinWait.SpinUntil(() => Probe("Calls") == 1, TimeSpan.FromSeconds(30)), "the selector was never called");
        Assert.Equal(cancellation.Token, (CancellationToken)Crawl.Value.GetField("Received")!.GetValue(null)!);
        await cancellation.CancelAsync();
        var stopped = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(cancellation.Token, stopped.CancellationToken);
        Assert.Equal(1, Probe("Calls"));

        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => Call("FromArrayAsync", new[] { "https://a/ok", "https://a/fail" }, CancellationToken.None));
        Assert.Equal("could not fetch https://a/fail", thrown.Message);
    }

    /// <summary>
    /// An Average starts its sum where LINQ-to-Objects' does over a synchronous source, whatever awaits (as a Min's NaN
    /// and a Last's selector follow it there): beside an attribute that awaits its Where, in a window, or awaiting its own
    /// Of, an Average of an iterator's -0.0 is -0.0 (LINQ seeds the sum with the first value), and the plain Average of an
    /// IEnumerable that is an array is +0.0 (LINQ reads the span from +0.0). All had started at AverageAsync's +0.0 because
    /// the method was async; then, for a while, the array's had started from its first value because the loop cannot keep
    /// a span across awaits. Over an IAsyncEnumerable it is AverageAsync's +0.0.
    /// </summary>
    [Fact]
    public async Task AnAveragesStartIsLinqToObjectsOverASynchronousSourceWhateverAwaits()
    {
        var type = TestCompiler.Load(TestCompiler.Run("""
            using System.Collections.Generic;
            using System.Threading.Tasks;
            using MultiAgg;
            using static MultiAgg.Agg;

            public sealed record Reading(double Value);

            public static partial class Signs
            {
                [Aggregate(Average, Of = nameof(Reading.Value))]
                [Aggregate(Count, Where = nameof(IsUpAsync))]
                public static partial Task<(double Value, int Up)> BesideAnAwaitAsync(IEnumerable<Reading> readings);

                [Aggregate(Average, Of = nameof(ValueAsync))]
                public static partial Task<double> AwaitedAsync(IEnumerable<Reading> readings);

                [Aggregate(Average, Of = nameof(Reading.Value))]
                [Aggregate(Count, Where = nameof(IsUpAsync))]
                public static partial Task<(double Value, int Up)> InAWindowAsync(IEnumerable<Reading> readings, ParallelOptions options);

                [Aggregate(Average)]
                [Aggregate(Count, Where = nameof(IsZeroAsync))]
                public static partial Task<(double Mean, int Zeros)> PlainBesideAnAwaitAsync(IEnumerable<double> values);

                [Aggregate(Average)]
                public static partial Task<double> StreamAsync(IAsyncEnumerable<double> values);

                private static Task<bool> IsUpAsync(Reading reading) => Task.FromResult(true);

                private static Task<bool> IsZeroAsync(double value) => Task.FromResult(value == 0);

                private static Task<double> ValueAsync(Reading reading) => Task.FromResult(reading.Value);

                public static IEnumerable<Reading> Negative()
                {
                    yield return new Reading(-0.0);
                }

                private static IEnumerable<double> NegativeValues()
                {
                    yield return -0.0;
                }

                private static async IAsyncEnumerable<double> NegativeStream()
                {
                    await Task.Yield();
                    yield return -0.0;
                }

                public static async Task<string> Run()
                {
                    var (value, _) = await BesideAnAwaitAsync(Negative());
                    var awaited = await AwaitedAsync(Negative());
                    var (windowed, _) = await InAWindowAsync(Negative(), new ParallelOptions());
                    var (ofIterator, _) = await PlainBesideAnAwaitAsync(NegativeValues());
                    var (ofArray, _) = await PlainBesideAnAwaitAsync(new[] { -0.0 });
                    var streamed = await StreamAsync(NegativeStream());
                    return string.Join(" ", new[] { value, awaited, windowed, ofIterator, ofArray, streamed }.Select(static v => double.IsNegative(v) ? "-" : "+"));
                }
            }
            """.Replace("using System.Collections.Generic;", "using System.Collections.Generic;\nusing System.Linq;")).AssertClean().Output).GetType("Signs")!;

        // LINQ's own: an iterator's Average seeds with its first value, an array's reads the span from +0.0, AverageAsync
        // starts at +0.0.
        Assert.True(double.IsNegative(new[] { -0.0 }.Select(static v => v).Average()));
        Assert.False(double.IsNegative(((IEnumerable<double>)new[] { -0.0 }).Average()));
        Assert.False(double.IsNegative(await new[] { -0.0 }.ToAsyncEnumerable().AverageAsync()));

        Assert.Equal("- - - - + +", await (Task<string>)type.GetMethod("Run")!.Invoke(null, null)!);
    }

    [Fact]
    public async Task ANullArgumentThrowsAtTheCallNotWhenTheTaskIsAwaited()
    {
        // As LINQ's async operators check their arguments (AsyncEnumerable.SumAsync(null) throws before it returns a task):
        // static methods, an instance method whose Of reads the instance, an extension method, a window's options.
        var assembly = TestCompiler.Load(TestCompiler.Run("""
            using System.Collections.Generic;
            using System.Threading;
            using System.Threading.Tasks;
            using MultiAgg;
            using static MultiAgg.Agg;

            public static partial class Calls
            {
                [Aggregate(Sum, Count)]
                public static partial ValueTask<(long Total, int Count)> StreamAsync(IAsyncEnumerable<int> values, CancellationToken cancellationToken);

                [Aggregate(Sum, Of = nameof(LengthAsync))]
                public static partial Task<long> ArrayAsync(string[] texts);

                [Aggregate(Sum, Of = nameof(LengthAsync))]
                public static partial Task<long> WindowAsync(IEnumerable<string> texts, ParallelOptions options);

                [Aggregate(Max)]
                public static partial Task<T> LargestAsync<T>(this IAsyncEnumerable<T> values) where T : System.IComparable<T>;

                // Declared nullable: checked at the call, then read without a nullable warning.
                [Aggregate(Sum)]
                public static partial Task<long> MaybeStreamAsync(IAsyncEnumerable<int>? values);

                [Aggregate(Sum, Of = nameof(LengthAsync))]
                public static partial Task<long> MaybeWindowAsync(IEnumerable<string>? texts, ParallelOptions? options);

                [Aggregate(Sum)]
                public static partial Task<long> MaybeQueryAsync(System.Linq.IQueryable<int>? values);

                private static async Task<int> LengthAsync(string text)
                {
                    await Task.Yield();
                    return text.Length;
                }

                public static async IAsyncEnumerable<int> Stream(params int[] values)
                {
                    foreach (var value in values)
                    {
                        await Task.Yield();
                        yield return value;
                    }
                }
            }

            public sealed partial class Scaled(int factor)
            {
                [Aggregate(Sum, Of = nameof(ScaleAsync))]
                public partial Task<long> TotalAsync(IAsyncEnumerable<int> values);

                private async Task<int> ScaleAsync(int value)
                {
                    await Task.Yield();
                    return value * factor;
                }
            }

            public partial struct ScaledStruct(int factor)
            {
                [Aggregate(Sum, Of = nameof(Scale))]
                public partial Task<long> TotalAsync(IAsyncEnumerable<int> values);

                private readonly int Scale(int value) => value * factor;
            }
            """).AssertClean().Output);
        var calls = assembly.GetType("Calls")!;
        object Stream(params int[] values) => calls.GetMethod("Stream")!.Invoke(null, new object[] { values })!;
        ArgumentNullException ThrownAtTheCall(Func<object?> call) =>
            Assert.IsType<ArgumentNullException>(Assert.Throws<TargetInvocationException>(call).InnerException);

        Assert.Equal("values", ThrownAtTheCall(() => calls.GetMethod("StreamAsync")!.Invoke(null, new object?[] { null, CancellationToken.None })).ParamName);
        Assert.Equal("texts", ThrownAtTheCall(() => calls.GetMethod("ArrayAsync")!.Invoke(null, new object?[] { null })).ParamName);
        Assert.Equal("texts", ThrownAtTheCall(() => calls.GetMethod("WindowAsync")!.Invoke(null, new object?[] { null, new ParallelOptions() })).ParamName);
        Assert.Equal("options", ThrownAtTheCall(() => calls.GetMethod("WindowAsync")!.Invoke(null, new object?[] { new[] { "a" }, null })).ParamName);
        var largest = calls.GetMethod("LargestAsync")!.MakeGenericMethod(typeof(int));
        Assert.Equal("values", ThrownAtTheCall(() => largest.Invoke(null, new object?[] { null })).ParamName);
        Assert.Equal("values", ThrownAtTheCall(() => calls.GetMethod("MaybeStreamAsync")!.Invoke(null, new object?[] { null })).ParamName);
        Assert.Equal("options", ThrownAtTheCall(() => calls.GetMethod("MaybeWindowAsync")!.Invoke(null, new object?[] { new[] { "a" }, null })).ParamName);
        Assert.Equal("values", ThrownAtTheCall(() => calls.GetMethod("MaybeQueryAsync")!.Invoke(null, new object?[] { null })).ParamName);

        var scaled = Activator.CreateInstance(assembly.GetType("Scaled")!, 3)!;
        var total = scaled.GetType().GetMethod("TotalAsync")!;
        Assert.Equal("values", ThrownAtTheCall(() => total.Invoke(scaled, new object?[] { null })).ParamName);

        // With arguments, the same methods run as before.
        Assert.Equal((6L, 3), await (ValueTask<(long, int)>)calls.GetMethod("StreamAsync")!.Invoke(null, new[] { Stream(1, 2, 3), CancellationToken.None })!);
        Assert.Equal(5L, await (Task<long>)calls.GetMethod("ArrayAsync")!.Invoke(null, new object[] { new[] { "ab", "cde" } })!);
        Assert.Equal(5L, await (Task<long>)calls.GetMethod("WindowAsync")!.Invoke(null, new object[] { new[] { "ab", "cde" }, new ParallelOptions() })!);
        Assert.Equal(7, await (Task<int>)largest.Invoke(null, new[] { Stream(4, 7, 1) })!);
        Assert.Equal(18L, await (Task<long>)total.Invoke(scaled, new[] { Stream(1, 2, 3) })!);

        // A struct's instance method is async itself, since no local function may read a struct's 'this' (CS1673): its
        // check fails the task.
        var scaledStruct = Activator.CreateInstance(assembly.GetType("ScaledStruct")!, 3)!;
        var structTotal = scaledStruct.GetType().GetMethod("TotalAsync")!;
        var failed = (Task<long>)structTotal.Invoke(scaledStruct, new object?[] { null })!;
        Assert.Equal("values", (await Assert.ThrowsAsync<ArgumentNullException>(() => failed)).ParamName);
        Assert.Equal(18L, await (Task<long>)structTotal.Invoke(scaledStruct, new[] { Stream(1, 2, 3) })!);
    }
}
