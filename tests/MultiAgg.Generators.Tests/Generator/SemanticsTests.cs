using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using MultiAgg.Generators.Tests.Infrastructure;

namespace MultiAgg.Generators.Tests;

/// <summary>Targeted behaviour: selectors, filters, result shapes, containing types, async, generic math.</summary>
public class SemanticsTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Numerics;
        using System.Threading;
        using System.Threading.Tasks;
        using MultiAgg;
        using static MultiAgg.Agg;

        """;

    private const string Orders = """
        public sealed record Customer(string Name, int Age, Customer? Referrer);
        public sealed record Order(string Region, decimal Total, int Quantity, bool IsPaid, decimal? Discount, Customer Customer)
        {
            public decimal Net() => Total - (Discount ?? 0m);
        }

        public static class Data
        {
            public static Order[] Orders(int n)
            {
                var rng = new Random(n);
                var regions = new[] { "EU", "US", "APAC" };
                return Enumerable.Range(0, n).Select(i => new Order(
                    regions[i % 3],
                    Math.Round((decimal)rng.NextDouble() * 1000m, 2),
                    rng.Next(1, 20),
                    i % 4 != 0,
                    i % 5 == 0 ? null : Math.Round((decimal)rng.NextDouble() * 10m, 2),
                    new Customer("c" + i, 18 + (i * 7) % 60, null))).ToArray();
            }

            public static IEnumerable<T> Once<T>(IEnumerable<T> items)
            {
                foreach (var item in items) yield return item;
            }
        }

        """;

    [Fact]
    public void IntegralSumThrowsOnlyWhenTheExactTotalOverflows()
    {
        var type = Build("""
            public static partial class S
            {
                // A member named like an aggregate hides the 'using static' import: qualify it as Agg.Sum.
                [Aggregate(Agg.Sum)] public static partial long Sum(IEnumerable<long> values);
                [Aggregate(Agg.Sum)] public static partial int SumInts(int[] values);
            }
            """);

        long[] prefixOverflows = { long.MaxValue, 1, -2 };
        Assert.Throws<OverflowException>(() => prefixOverflows.Sum());   // LINQ: the running prefix overflows
        Assert.Equal(long.MaxValue - 1, Invoke(type, "Sum", (IEnumerable<long>)prefixOverflows));

        Assert.IsType<OverflowException>(Error(() => Invoke(type, "Sum", (IEnumerable<long>)new[] { long.MaxValue, 1 })));
        Assert.IsType<OverflowException>(Error(() => Invoke(type, "SumInts", new[] { int.MaxValue, 1 })));
        Assert.Equal(int.MaxValue, Invoke(type, "SumInts", new[] { int.MaxValue, int.MaxValue, -int.MaxValue }));
    }

    /// <summary>
    /// <c>nint</c> and <c>nuint</c> are integers of 64 bits at most: their sums follow the built-in integers' rule (an
    /// exception only when the exact total does not fit), sequential and parallel alike. They had gone through generic
    /// math, whose checked running total threw where the total fits, and whose parallel merge did not.
    /// </summary>
    [Fact]
    public void NativeIntegerSumsThrowOnlyWhenTheExactTotalOverflows()
    {
        var type = Build("""
            public static partial class S
            {
                [Aggregate(Agg.Sum)] public static partial nint SumNative(nint[] values);
                [Aggregate(Agg.Sum)] public static partial nint SumNativeInParallel(nint[] values, System.Threading.Tasks.ParallelOptions options);
                [Aggregate(Agg.Sum)] public static partial nuint SumUnsigned(IEnumerable<nuint> values);
                [Aggregate(Agg.Sum)] public static partial long? SumWider(IEnumerable<nint?> values);
                [Aggregate(Agg.Average)] public static partial double AverageNative(List<nint> values);
            }
            """);

        Assert.Equal(nint.MaxValue - 1, Invoke(type, "SumNative", new nint[] { nint.MaxValue, 1, -2 }));
        Assert.IsType<OverflowException>(Error(() => Invoke(type, "SumNative", new nint[] { nint.MaxValue, 1 })));
        var blocks = new nint[3 * 4096];
        (blocks[4095], blocks[4096], blocks[4097]) = (nint.MaxValue, 1, -2);   // the running total leaves the range across a block's end
        Assert.Equal(Invoke(type, "SumNative", blocks), Invoke(type, "SumNativeInParallel", blocks, new System.Threading.Tasks.ParallelOptions { MaxDegreeOfParallelism = 3 }));
        Assert.Equal(nint.MaxValue - 1, Invoke(type, "SumNativeInParallel", blocks, new System.Threading.Tasks.ParallelOptions { MaxDegreeOfParallelism = 3 }));

        Assert.Equal(nuint.MaxValue, Invoke(type, "SumUnsigned", (IEnumerable<nuint>)new nuint[] { nuint.MaxValue - 1, 1 }));
        Assert.IsType<OverflowException>(Error(() => Invoke(type, "SumUnsigned", (IEnumerable<nuint>)new nuint[] { nuint.MaxValue, 1 })));
        Assert.Equal(5L, Invoke(type, "SumWider", (IEnumerable<nint?>)new nint?[] { 2, null, 3 }));
        Assert.Equal(new long[] { 1, 2, 4 }.Average(), Invoke(type, "AverageNative", new List<nint> { 1, 2, 4 }));
        Assert.IsType<OverflowException>(Error(() => Invoke(type, "AverageNative", new List<nint> { nint.MaxValue, nint.MaxValue })));   // as a long's
    }

    [Fact]
    public void SumsOf32BitValuesSkipWrapTrackingOnlyWhereFewerThan2To31ElementsAreRead()
    {
        var result = TestCompiler.Run(Usings + """
            public static partial class S
            {
                [Aggregate(Sum)] public static partial long Stream(IEnumerable<int> values);
                [Aggregate(Sum, Count)] public static partial (long, int) Counted(IEnumerable<int> values);
                [Aggregate(Sum, LongCount)] public static partial (long, long) LongCounted(IEnumerable<int> values);
                [Aggregate(Sum)] [Aggregate(Count, Where = nameof(Positive))] public static partial (long, int) FilteredCount(IEnumerable<int> values);
                [Aggregate(Sum)] public static partial long Array(int[] values);
                [Aggregate(Sum)] public static partial long Indexed(IReadOnlyList<int> values);
                [Aggregate(Sum, Count)] public static partial (long, int) Longs(IEnumerable<long> values);

                private static bool Positive(int value) => value > 0;

                public static object Check(int[] values)
                {
                    var sum = values.Sum(static v => (long)v);
                    return ((Stream(values.Select(static v => v)), Counted(values.Select(static v => v)).Item1, Array(values), Indexed(values)),
                            (sum, sum, sum, sum));
                }
            }
            """).AssertClean();

        string Code(string method) => result.Sources.Single(s => s.HintName == $"S.{method}.g.cs").SourceText.ToString();
        // A plain long: the checked int Count throws before 2^31 elements; a span or list has fewer anyway.
        foreach (var bounded in new[] { "Counted", "Array", "Indexed" })
        {
            Assert.DoesNotContain("ExactInt64Sum", Code(bounded), StringComparison.Ordinal);
            Assert.Contains("long __sum0 = 0;", Code(bounded), StringComparison.Ordinal);
        }

        // An enumerator read without such a count, or 64-bit values, may wrap a long: the wraps are counted.
        foreach (var unbounded in new[] { "Stream", "LongCounted", "FilteredCount", "Longs" })
        {
            Assert.Contains("ExactInt64Sum __sum0", Code(unbounded), StringComparison.Ordinal);
        }

        var type = TestCompiler.Load(result.Output).GetType("S")!;
        foreach (var values in new[] { new[] { int.MaxValue, int.MaxValue, int.MaxValue }, new[] { int.MinValue, int.MinValue, 5 }, Enumerable.Range(-1000, 3000).ToArray() })
        {
            var pair = (ITuple)Invoke(type, "Check", values)!;
            Assert.Equal(pair[1], pair[0]);
        }
    }

    [Fact]
    public void AClassDerivedFromListIsReadThroughItsEnumeratorAsLinqReadsIt()
    {
        // LINQ reads exactly a List<T> as a span; a derived class that implements IEnumerable<T> again goes through
        // that implementation, for Sum, Min, Max and Average alike.
        var type = Build("""
            public sealed class Doubled : List<int>, IEnumerable<int>
            {
                public Doubled(IEnumerable<int> values) : base(values) { }

                IEnumerator<int> IEnumerable<int>.GetEnumerator()
                {
                    foreach (var value in (List<int>)this) yield return value * 2;
                }
            }

            public static partial class S
            {
                [Aggregate(Sum, Min, Max, Average)]
                public static partial (int, int, int, double) Summary(IEnumerable<int> values);

                public static object Check()
                {
                    IEnumerable<int> values = new Doubled(new[] { 3, 1, 2 });
                    return (Summary(values), (values.Sum(), values.Min(), values.Max(), values.Average()));
                }
            }
            """);

        var pair = (ITuple)Invoke(type, "Check")!;
        Assert.Equal((12, 2, 6, 4.0), pair[1]);
        Assert.Equal(pair[1], pair[0]);
    }

    /// <summary>
    /// Selectors and filters that take the element, or a further parameter, as <c>in</c> (a large struct's usual
    /// signature) are called as by-value ones are, by the drivers that call them: a loop over an array or a sequence,
    /// blocks in parallel, a query (where their bodies are inlined) and an accumulator type. (An async selector takes no
    /// 'in'.) Beside a by-value twin, the by-value one is called, as C# binds a call without 'in'.
    /// </summary>
    [Fact]
    public void SelectorsThatTakeTheElementAsInAreCalledByEveryDriver()
    {
        var type = Build("""
            public readonly struct Box
            {
                public Box(int width, int height) { Width = width; Height = height; }
                public int Width { get; }
                public int Height { get; }
            }

            public static partial class S
            {
                private static long Area(in Box box) => (long)box.Width * box.Height;
                private static bool IsWide(in Box box, in int least) => box.Width >= least;

                // Beside a by-value twin, which a call without 'in' binds, as the generated one does.
                private static long Side(in Box box) => -1;
                private static long Side(Box box) => box.Width;

                [Aggregate(Agg.Max, Of = nameof(Side))]
                public static partial long Widest(Box[] boxes);

                [Aggregate(Agg.Sum, Agg.Max, Of = nameof(Area), Where = nameof(IsWide))]
                public static partial (long Total, long Largest) InArray(Box[] boxes, int least);

                [Aggregate(Agg.Sum, Agg.Max, Of = nameof(Area), Where = nameof(IsWide))]
                public static partial (long Total, long Largest) InSequence(IEnumerable<Box> boxes, int least);

                [Aggregate(Agg.Sum, Agg.Max, Of = nameof(Area), Where = nameof(IsWide))]
                public static partial (long Total, long Largest) InParallel(IEnumerable<Box> boxes, int least, System.Threading.Tasks.ParallelOptions options);

                [Aggregate(Agg.Sum, Agg.Max, Of = nameof(Area), Where = nameof(IsWide))]
                public static partial (long Total, long Largest) InQuery(IQueryable<Box> boxes, int least);

                public static Box[] Sample() => Enumerable.Range(0, 20_000).Select(i => new Box(i % 97, i % 89)).ToArray();

                public static (long, long) Expected(Box[] boxes, int least) =>
                    (boxes.Where(b => b.Width >= least).Sum(b => (long)b.Width * b.Height), boxes.Where(b => b.Width >= least).Max(b => (long)b.Width * b.Height));

                public static long Pushed(Box[] boxes)
                {
                    var areas = new Areas();
                    foreach (var box in boxes) areas.Add(box);
                    return areas.Result;
                }
            }

            [Aggregate(Agg.Sum, Of = "Area")]
            public partial struct Areas : IAccumulator<Box, long>
            {
                private static long Area(in Box box) => (long)box.Width * box.Height;
            }
            """);

        var boxes = Invoke(type, "Sample");
        var expected = Invoke(type, "Expected", boxes, 40);
        Assert.Equal(expected, Invoke(type, "InArray", boxes, 40));
        Assert.Equal(expected, Invoke(type, "InSequence", boxes, 40));
        Assert.Equal(expected, Invoke(type, "InParallel", boxes, 40, new System.Threading.Tasks.ParallelOptions { MaxDegreeOfParallelism = 2 }));
        var queryable = typeof(Queryable).GetMethods().Single(static m => m.Name == "AsQueryable" && m.IsGenericMethod)
            .MakeGenericMethod(boxes!.GetType().GetElementType()!).Invoke(null, [boxes]);
        Assert.Equal(expected, Invoke(type, "InQuery", queryable, 40));
        Assert.Equal(Invoke(type, "Expected", boxes, 0) is ValueTuple<long, long> all ? all.Item1 : -1, Invoke(type, "Pushed", boxes));
        Assert.Equal(96L, Invoke(type, "Widest", boxes));
    }

    /// <summary>
    /// Once Any, All or First is decided, its Where and Of run no more, as LINQ's stop being called: beside a Count that
    /// reads every element, a selector that throws on a later element (10 / 0) failed the method where LINQ's calls, one
    /// after the other, return. Per key as well, and in an accumulator type's Add.
    /// </summary>
    [Fact]
    public void ADecidedAggregatesSelectorsRunNoMoreAsLinqsStopBeingCalled()
    {
        var type = Build("""
            public static partial class S
            {
                private static bool Positive(int x) => 10 / x > 0;
                private static bool Negative(int x) => 10 / x < 0;
                private static int Tenth(int x) => 10 / x;

                [Aggregate(All, Of = nameof(Positive))]
                [Aggregate(Any, Where = nameof(Negative))]
                [Aggregate(First, Of = nameof(Tenth))]
                [Aggregate(Count)]
                public static partial (bool, bool, int, int) Summary(int[] values);

                [GroupBy(nameof(Parity))]
                [Aggregate(All, Of = nameof(Positive))]
                [Aggregate(Count)]
                public static partial Dictionary<int, (bool, int)> ByParity(IEnumerable<int> values);

                private static int Parity(int x) => x & 1;

                // Two aggregates of one attribute: First must keep its value while All goes on.
                [Aggregate(First, All)]
                public static partial (bool, bool) FirstAndAll(bool[] values);

                public static object Check()
                {
                    int[] values = { -1, 0, 2, 0 };
                    var linq = (values.All(Positive), values.Any(Negative), values.Select(Tenth).First(), values.Count());
                    var byParity = ByParity(new[] { -1, -2, 0, 0 });
                    var flags = new[] { true, false, true };
                    if (FirstAndAll(flags) != (flags.First(), flags.All(static f => f))) throw new InvalidOperationException("FirstAndAll " + FirstAndAll(flags));
                    return (Summary(values), linq, string.Join(";", byParity), string.Join(";", new[] { -1, -2, 0, 0 }.GroupBy(Parity).ToDictionary(g => g.Key, g => (g.All(Positive), g.Count()))));

                }
            }
            """);

        var result = (ITuple)Invoke(type, "Check")!;
        Assert.Equal((false, true, -10, 4), result[1]);
        Assert.Equal(result[1], result[0]);
        Assert.Equal(result[3], result[2]);
    }

    /// <summary>
    /// LINQ's Min of <c>float</c>/<c>double</c> returns at the first NaN it reads (the span, enumerator, nullable and
    /// selector forms alike): alone, the loop stops reading there (a source that would throw later, or never end, is not
    /// read on); beside a Count, its Of is called no more; per key too.
    /// </summary>
    [Fact]
    public void AFloatingMinIsDecidedAtItsFirstNaNAsLinqsReturnsThere()
    {
        var type = Build("""
            public static partial class S
            {
                private static double Parse(string s) => double.Parse(s, System.Globalization.CultureInfo.InvariantCulture);

                [Aggregate(Min)]
                public static partial double Lowest(IEnumerable<double> values);

                [Aggregate(Min)]
                public static partial float? LowestOrNull(IEnumerable<float?> values);

                [Aggregate(Min, Of = nameof(Parse))]
                [Aggregate(Count)]
                public static partial (double, int) Parsed(IEnumerable<string> values);

                [GroupBy(nameof(IsLong))]
                [Aggregate(Min, Of = nameof(Parse))]
                [Aggregate(Count)]
                public static partial Dictionary<bool, (double, int)> ParsedByLength(IEnumerable<string> values);

                private static bool IsLong(string s) => s.Length > 1;

                // Beside a Count in one attribute, which never reads the Of: the Of only until the Min (the Any) is decided.
                [Aggregate(Min, Count, Of = nameof(Parse))]
                public static partial (double, int) ParsedBeside(IEnumerable<string> values);

                [Aggregate(Any, Count, Of = nameof(IsNaN))]
                public static partial (bool, int) AnyBeside(IEnumerable<string> values);

                private static bool IsNaN(string s) => double.IsNaN(Parse(s));

                [Aggregate(Min, Count, Of = nameof(Parse))]
                public static partial Task<(double, int)> ParsedInWindowAsync(IAsyncEnumerable<string> values, ParallelOptions options);

                private static async IAsyncEnumerable<string> Async(IEnumerable<string> values)
                {
                    foreach (var value in values) { await Task.Yield(); yield return value; }
                }

                private static IEnumerable<double> NaNThenLong()
                {
                    yield return 1;
                    yield return double.NaN;
                    for (var i = 0; i < 1000; i++) yield return 0;   // endless, but a test that fails must end
                    throw new System.InvalidOperationException("read past the NaN");
                }

                private static IEnumerable<float?> NaNThenThrows()
                {
                    yield return null;
                    yield return float.NaN;
                    throw new System.IO.IOException("read past the NaN");
                }

                public static object Check()
                {
                    string[] texts = { "2", "NaN", "x", "1" };
                    string[] keyed = { "2", "NaN", "xx", "1" };
                    var linq = (NaNThenLong().Min(), NaNThenThrows().Min(), (texts.Min(Parse), texts.Count()),
                        string.Join(";", keyed.GroupBy(IsLong).ToDictionary(g => g.Key, g => (g.Min(Parse), g.Count()))));
                    var ours = (Lowest(NaNThenLong()), LowestOrNull(NaNThenThrows()), Parsed(texts), string.Join(";", ParsedByLength(keyed)));
                    var beside = (ParsedBeside(texts), AnyBeside(texts), ParsedInWindowAsync(Async(texts), new ParallelOptions { MaxDegreeOfParallelism = 3 }).GetAwaiter().GetResult());
                    var linqBeside = ((texts.Min(Parse), texts.Count()), (texts.Any(IsNaN), texts.Count()), (texts.Min(Parse), texts.Count()));
                    return (ours, linq, beside, linqBeside);
                }
            }
            """);

        var result = (ITuple)Invoke(type, "Check")!;
        var linq = (ITuple)result[1]!;
        Assert.True(double.IsNaN((double)linq[0]!));
        Assert.Equal(result[1], result[0]);
        Assert.Equal(result[3], result[2]);
    }

    /// <summary>
    /// A source that is also <c>IAsyncDisposable</c> (an async enumerable that is its own enumerator, or a type parameter
    /// constrained to both) fits both <c>ConfigureAwait</c> overloads of <c>TaskAsyncEnumerableExtensions</c>: with no
    /// token the generated loop was CS0121. It compiles, and sums as <c>SumAsync</c> does.
    /// </summary>
    [Fact]
    public async Task AnAsyncSourceThatIsAlsoAsyncDisposableIsReadWithoutAToken()
    {
        var type = Build("""
            public sealed class Feed : IAsyncEnumerable<int>, IAsyncEnumerator<int>
            {
                private readonly int _count;
                private int _next;
                public Feed(int count) => _count = count;
                public int Current => _next;
                public IAsyncEnumerator<int> GetAsyncEnumerator(System.Threading.CancellationToken token = default) => this;
                public ValueTask<bool> MoveNextAsync() => new(++_next <= _count);
                public ValueTask DisposeAsync() => default;
            }

            public static partial class S
            {
                [Aggregate(Sum, Count)]
                public static partial Task<(long, int)> TotalAsync(Feed feed);

                [Aggregate(Max)]
                public static partial Task<int> LargestAsync<TSource>(TSource values) where TSource : IAsyncEnumerable<int>, IAsyncDisposable;
            }
            """);

        var total = await (Task<(long, int)>)Invoke(type, "TotalAsync", Activator.CreateInstance(type.Assembly.GetType("Feed")!, 4))!;
        Assert.Equal((10L, 4), total);
        var largest = type.GetMethod("LargestAsync")!.MakeGenericMethod(type.Assembly.GetType("Feed")!);
        Assert.Equal(3, await (Task<int>)largest.Invoke(null, new[] { Activator.CreateInstance(type.Assembly.GetType("Feed")!, 3) })!);
    }

    /// <summary>
    /// .NET 10's <c>MinAsync</c> of <c>float?</c> or <c>double?</c> values reads every one and keeps the last NaN, where
    /// <c>Enumerable.Min</c> (and <c>MinAsync</c> of <c>float</c> or <c>double</c>) returns at the first: over an
    /// <c>IAsyncEnumerable</c> the generated Min reads on too, so a source that fails after a NaN fails it, and an
    /// <c>Of</c> beside a Count is called for every element.
    /// </summary>
    [Fact]
    public async Task AnAsyncMinOfNullableFloatsReadsOnPastANaNAsMinAsyncDoes()
    {
        var type = Build("""
            public static partial class S
            {
                [Aggregate(Min)]
                public static partial Task<double?> Lowest(IAsyncEnumerable<double?> values);

                [Aggregate(Min)]
                public static partial Task<double?> LowestOfDoubles(IAsyncEnumerable<double> values);

                [Aggregate(Min, Count, Of = nameof(Parse))]
                public static partial Task<(float?, int)> Parsed(IAsyncEnumerable<string> values);

                // Per key as LINQ-to-Objects: AsyncEnumerable.GroupBy's groups are IEnumerables, whose Min returns at a NaN.
                [GroupBy(nameof(Key))]
                [Aggregate(Min, Count, Of = nameof(Parse))]
                public static partial Task<Dictionary<int, (float?, int)>> ParsedByKey(IAsyncEnumerable<string> values);

                private static int Key(string s) => 0;

                public static float? Parse(string s) => s.Length == 0 ? null : float.Parse(s, System.Globalization.CultureInfo.InvariantCulture);
            }
            """);

        // Two NaNs told apart by their bits: which one a Min keeps is visible.
        var (firstNaN, lastNaN) = (BitConverter.Int64BitsToDouble(0x7FF8000000000001), BitConverter.Int64BitsToDouble(0x7FF8000000000002));
        async IAsyncEnumerable<T> Stream<T>(IEnumerable<T> values, bool failAtEnd)
        {
            foreach (var value in values)
            {
                await Task.Yield();
                yield return value;
            }

            if (failAtEnd)
            {
                throw new System.IO.IOException("read past the NaN");
            }
        }

        async Task<string> Outcome<T>(Func<Task<T>> run)
        {
            try
            {
                var result = await run();
                return result is double d ? BitConverter.DoubleToInt64Bits(d).ToString("x") : result?.ToString() ?? "null";
            }
            catch (Exception e)
            {
                return e.GetType().Name;
            }
        }

        double?[] nullable = { 2, firstNaN, null, lastNaN, 1 };
        Assert.Equal(await Outcome(() => Stream(nullable, false).MinAsync().AsTask()), await Outcome(() => (Task<double?>)Invoke(type, "Lowest", Stream(nullable, false))!));
        Assert.Equal("7ff8000000000002", await Outcome(() => (Task<double?>)Invoke(type, "Lowest", Stream(nullable, false))!));
        Assert.Equal(await Outcome(() => Stream(nullable, true).MinAsync().AsTask()), await Outcome(() => (Task<double?>)Invoke(type, "Lowest", Stream(nullable, true))!));

        // Of double values MinAsync returns at the first NaN, as Enumerable.Min does: the failure after it is never read.
        double[] plain = { 2, firstNaN, lastNaN, 1 };
        Assert.Equal(await Outcome(async () => (double?)await Stream(plain, true).MinAsync()), await Outcome(() => (Task<double?>)Invoke(type, "LowestOfDoubles", Stream(plain, true))!));

        static float? Parse(string s) => s.Length == 0 ? null : float.Parse(s, System.Globalization.CultureInfo.InvariantCulture);
        string[] texts = { "2", "NaN", "", "1", "x" };
        var parsed = await Outcome(() => (Task<(float?, int)>)Invoke(type, "Parsed", Stream(texts, false))!);
        Assert.Equal(await Outcome(async () => (await Stream(texts, false).Select(Parse).MinAsync(), await Stream(texts, false).CountAsync())), parsed);
        Assert.Equal("FormatException", parsed);

        string[] keyed = { "2", "NaN", "x" };
        var byKey = await Outcome(async () => (await (Task<Dictionary<int, (float?, int)>>)Invoke(type, "ParsedByKey", Stream(keyed, false))!)[0]);
        Assert.Equal(keyed.GroupBy(static _ => 0).Select(g => (g.Min(Parse), g.Count())).Single().ToString(), byKey);
    }

    /// <summary>
    /// A Last with an <c>Of</c> beside aggregates that stop reading once decided (Any, All, a floating-point Min at its
    /// first NaN) keeps the element too: the <c>Of</c> runs only until those are decided, and once for the Last, so an
    /// element between (10 / 0, "x") is never read, as in LINQ's calls; sequentially, per key, on several workers and in
    /// an accumulator type. The Last read every value beside them, and threw.
    /// </summary>
    [Fact]
    public void ALastBesideAggregatesThatStopReadingCallsItsSelectorAsLinqsDo()
    {
        var type = Build("""
            public static partial class S
            {
                public static int Calls;

                private static bool Positive(int x) { Calls++; return 10 / x > 0; }
                private static bool Odd(int x) => (x & 1) == 1;
                private static double Parse(string s) { Calls++; return double.Parse(s, System.Globalization.CultureInfo.InvariantCulture); }

                [Aggregate(Any, All, Last, Of = nameof(Positive))]
                public static partial (bool, bool, bool) Flags(IEnumerable<int> values);

                [Aggregate(Min, Last, Of = nameof(Parse))]
                public static partial (double, double) Lowest(IEnumerable<string> values);

                [GroupBy(nameof(Odd))]
                [Aggregate(Any, Last, Of = nameof(Positive))]
                public static partial Dictionary<bool, (bool, bool)> ByParity(int[] values);

                [Aggregate(Any, Last, Of = nameof(Positive))]
                public static partial (bool, bool) InParallel(int[] values, ParallelOptions options);

                [Aggregate(Any, Last, Of = nameof(Positive))]
                public partial struct Flagged : IAccumulator<int, (bool, bool)>
                {
                    private static bool Positive(int x) => 10 / x > 0;
                }

                public static object Check()
                {
                    int[] values = { 1, -1, 0, 3 };   // LINQ: Any reads 1, All reads 1 and -1, Last reads 3; 0 never
                    var linq = (values.Any(Positive), values.All(Positive), values.Select(Positive).Last());
                    Calls = 0;
                    var ours = Flags(values.Select(static x => x));
                    var ourCalls = Calls;

                    string[] texts = { "2", "NaN", "x", "5" };   // LINQ's Min returns at NaN; "x" is never parsed
                    var lowest = Lowest(texts);

                    int[] keyed = { 1, 2, 0, 3, 4 };
                    var byParity = string.Join(";", keyed.GroupBy(Odd).ToDictionary(g => g.Key, g => (g.Any(Positive), g.Select(Positive).Last())));
                    var ourByParity = string.Join(";", ByParity(keyed));

                    var many = Enumerable.Range(0, 20_000).Select(static i => i % 7).ToArray();   // a zero where a block starts
                    (many[0], many[4096], many[^1]) = (1, 0, 4);
                    var parallel = InParallel(many, new ParallelOptions { MaxDegreeOfParallelism = 2 });

                    var flagged = new Flagged();
                    foreach (var value in values) flagged.Add(value);

                    return $"{linq == ours} {ourCalls} {double.IsNaN(lowest.Item1)} {lowest.Item2} {byParity == ourByParity} {parallel} {flagged.Result}";
                }
            }
            """);

        Assert.Equal("True 3 True 5 True (True, True) (True, True)", Invoke(type, "Check"));
    }

    /// <summary>
    /// LINQ's <c>Select(of).Last()</c> keeps the last element and calls the selector once, on it: a Last whose value
    /// nothing else reads per element does the same (beside a Count and a First, with a Where, per key, on several
    /// workers, in an accumulator type), so a selector that throws for an earlier element (10 / 0)
    /// is never called for it, and is called once per result. Over an <c>IAsyncEnumerable</c> it is called for every
    /// element, as <c>System.Linq.AsyncEnumerable</c>'s <c>Select(of).LastAsync()</c> calls it; per key, once again.
    /// </summary>
    [Fact]
    public void ALastCallsItsSelectorOnceOnTheLastElementAsLinqsDoes()
    {
        var type = Build("""
            public static partial class S
            {
                public static int Calls;

                private static int Tenth(int x) { Calls++; return 10 / x; }
                private static bool Odd(int x) => (x & 1) == 1;

                [Aggregate(Last, First, Count, Of = nameof(Tenth))]
                [Aggregate(LastOrDefault, Of = nameof(Tenth), Where = nameof(Odd))]
                public static partial (int, int, int, int) Summary(IEnumerable<int> values);

                [GroupBy(nameof(Odd))]
                [Aggregate(Last, Count, Of = nameof(Tenth))]
                public static partial Dictionary<bool, (int, int)> ByParity(int[] values);

                [Aggregate(Last, Of = nameof(Tenth))]
                public static partial int InParallel(int[] values, ParallelOptions options);

                [Aggregate(Last, Of = nameof(Tenth))]
                public static partial ValueTask<int> LastAsync(IAsyncEnumerable<int> values);

                [Aggregate(Last, Count, Of = nameof(Tenth))]
                public static partial Task<(int, int)> InWindowAsync(IAsyncEnumerable<int> values, ParallelOptions options);

                // Per key as LINQ-to-Objects: AsyncEnumerable.GroupBy's groups are IEnumerables.
                [GroupBy(nameof(Odd))]
                [Aggregate(Last, Of = nameof(Tenth))]
                public static partial Task<Dictionary<bool, int>> ByParityAsync(IAsyncEnumerable<int> values);

                private static async IAsyncEnumerable<int> Async(int[] values)
                {
                    foreach (var value in values) { await Task.Yield(); yield return value; }
                }

                public static object Check()
                {
                    int[] values = { 1, 0, 3, 0, 2, 5 };   // LINQ: Tenth(1) for First, Tenth(5) for each Last, Tenth(0) never
                    Calls = 0;
                    var linq = (values.Select(Tenth).Last(), values.Select(Tenth).First(), values.Length, values.Where(Odd).Select(Tenth).LastOrDefault());
                    var linqCalls = Calls;
                    Calls = 0;
                    var ours = Summary(values.Select(static x => x));
                    var ourCalls = Calls;

                    int[] keyed = { 0, 1, 0, 3, 4 };
                    var byParity = string.Join(";", keyed.GroupBy(Odd).ToDictionary(g => g.Key, g => (g.Select(Tenth).Last(), g.Count())));
                    Calls = 0;
                    var ourByParity = string.Join(";", ByParity(keyed));
                    var ourByParityCalls = Calls;

                    var many = Enumerable.Range(0, 20_000).Select(static i => i % 7).ToArray();   // several blocks, zeros in each
                    many[^1] = 4;
                    Calls = 0;
                    var parallel = InParallel(many, new ParallelOptions { MaxDegreeOfParallelism = 2 });
                    var parallelCalls = Calls;

                    var stats = new LastTenth();
                    foreach (var value in values) stats.Add(value);
                    Calls = 0;
                    var pushed = stats.Result;
                    var pushedCalls = Calls;

                    // System.Linq.AsyncEnumerable's Select(of).LastAsync() calls the selector for every element.
                    var linqAwaited = Outcome(() => Async(values).Select(Tenth).LastAsync().AsTask());
                    Calls = 0;
                    var awaited = Outcome(() => LastAsync(Async(values)).AsTask());
                    var awaitedCalls = Calls;
                    var awaitedOfNoZero = Outcome(() => LastAsync(Async(new[] { 1, 2, 5 })).AsTask());
                    var windowed = Outcome(() => InWindowAsync(Async(values), new ParallelOptions { MaxDegreeOfParallelism = 3 }));

                    var asyncByParity = (Outcome(async () => string.Join(";", await ByParityAsync(Async(keyed)))), string.Join(";", keyed.GroupBy(Odd).ToDictionary(g => g.Key, g => g.Select(Tenth).Last())));

                    return (ours, linq, ourCalls, linqCalls, ourByParity, byParity, ourByParityCalls, parallel, parallelCalls, pushed, pushedCalls, (awaited, linqAwaited), awaitedCalls, awaitedOfNoZero, windowed, asyncByParity);
                }

                private static string Outcome<T>(System.Func<Task<T>> run)
                {
                    try { return run().GetAwaiter().GetResult()!.ToString()!; }
                    catch (System.Exception e) { return e.GetType().Name; }
                }
            }

            [Aggregate(Last, Of = nameof(Tenth))]
            public partial struct LastTenth : IAccumulator<int, int>
            {
                private static int Tenth(int x) { S.Calls++; return 10 / x; }
            }
            """);

        var result = (ITuple)Invoke(type, "Check")!;
        Assert.Equal((2, 10, 6, 2), result[1]);
        Assert.Equal(result[1], result[0]);
        Assert.Equal(3, result[3]);                 // LINQ: one call per Last or First
        Assert.Equal(result[3], result[2]);
        Assert.Equal(result[5], result[4]);
        Assert.Equal(2, result[6]);                 // one per key
        Assert.Equal((2, 1, 2, 1), (result[7], result[8], result[9], result[10]));
        Assert.Equal(("DivideByZeroException", "DivideByZeroException"), result[11]);
        Assert.Equal(2, result[12]);                // 10 / 1, then 10 / 0
        Assert.Equal(("2", "DivideByZeroException"), (result[13], result[14]));   // the window too, its Of not awaited
        var asyncByParity = (ITuple)result[15]!;
        Assert.Equal("[False, 2];[True, 3]", asyncByParity[1]);
        Assert.Equal(asyncByParity[1], asyncByParity[0]);   // per key over an async source, once per key too
    }

    [Fact]
    public void AverageOfSignedZerosStartsWhereLinqStartsOnEveryPath()
    {
        // LINQ seeds a floating Average with the first value (the average of { -0.0 } is -0.0), except on its
        // span path (a T[] or List<T> read whole; exactly those types, so not a class derived from List<T>) and in
        // AverageAsync, where the sum starts at +0.0.
        var type = Build("""
            public sealed record Reading(double Value, float Single, bool Valid);

            public sealed class Derived(IEnumerable<double> values) : List<double>(values);

            public static partial class S
            {
                [Aggregate(Average)] public static partial double Array(double[] values);
                [Aggregate(Average)] public static partial double List(List<double> values);
                [Aggregate(Average)] public static partial double Sequence(IEnumerable<double> values);
                // A type parameter may be an array or a List<double> at run time, as an interface may.
                [Aggregate(Average)] public static partial double Generic<TSource>(TSource values) where TSource : IEnumerable<double>;
                // Vectorized (Max has lanes): the Average's in-order sum is shared with Sum's only where both start alike.
                [Aggregate(Sum, Average, Max)] public static partial (double Sum, double Average, double Max) Mixed(IEnumerable<double> values);
                [Aggregate(Sum, Average, Max)] public static partial (double Sum, double Average, double Max) MixedList(List<double> values);
                [Aggregate(Average)] public static partial double Nullable(IEnumerable<double?> values);
                [Aggregate(Average)] public static partial float Floats(IEnumerable<float> values);
                [Aggregate(Average, Of = nameof(Reading.Value))] public static partial double Selected(Reading[] readings);
                [Aggregate(Average, Where = nameof(Positive))] public static partial double Filtered(double[] values);
                [Aggregate(Average, Of = nameof(Reading.Single))] public static partial float SelectedFloats(List<Reading> readings);
                [Aggregate(Average)] public static partial Task<double> Async(IAsyncEnumerable<double> values);
                [GroupBy(nameof(Reading.Valid))]
                [Aggregate(Average, Of = nameof(Reading.Value))]
                public static partial Dictionary<bool, double> PerKey(Reading[] readings);

                private static bool Positive(double value) => !double.IsNegative(value) || value == 0;

                public static string Sign(double d) => double.IsNegative(d) ? "-" : "+";

                public static async IAsyncEnumerable<double> Stream(double[] values)
                {
                    foreach (var value in values) { await Task.Yield(); yield return value; }
                }

                public static object Check(double[] values)
                {
                    var readings = values.Select(static v => new Reading(v, (float)v, true)).ToArray();
                    var list = new List<double>(values);
                    IEnumerable<double> sequence = values.Select(static v => v);
                    var derived = new Derived(values);
                    var mine = string.Concat(
                        Sign(Array(values)), Sign(List(list)), Sign(Sequence(sequence)), Sign(Sequence(values)), Sign(Sequence(list)),
                        Sign(Nullable(values.Select(static v => (double?)v).Prepend(null))), Sign(Floats(values.Select(static v => (float)v))),
                        Sign(Selected(readings)), Sign(Filtered(values)), Sign(SelectedFloats(readings.ToList())),
                        Sign(Async(Stream(values)).GetAwaiter().GetResult()), Sign(PerKey(readings)[true]),
                        Sign(List(derived)), Sign(Sequence(derived)),
                        Sign(MixedList(list).Average), Sign(Mixed(derived).Average), Sign(MixedList(derived).Average),
                        Sign(Generic(values)), Sign(Generic(list)), Sign(Generic(derived)));
                    var linq = string.Concat(
                        Sign(values.Average()), Sign(list.Average()), Sign(sequence.Average()), Sign(((IEnumerable<double>)values).Average()), Sign(((IEnumerable<double>)list).Average()),
                        Sign(values.Select(static v => (double?)v).Prepend(null).Average()!.Value), Sign(values.Select(static v => (float)v).Average()),
                        Sign(readings.Average(static r => r.Value)), Sign(values.Where(Positive).Average()), Sign(readings.ToList().Average(static r => r.Single)),
                        Sign(Stream(values).AverageAsync().AsTask().GetAwaiter().GetResult()), Sign(readings.GroupBy(static r => r.Valid).ToDictionary(static g => g.Key, static g => g.Average(static r => r.Value))[true]),
                        Sign(derived.Average()), Sign(((IEnumerable<double>)derived).Average()),
                        Sign(list.Average()), Sign(((IEnumerable<double>)derived).Average()), Sign(derived.Average()),
                        Sign(values.Average()), Sign(list.Average()), Sign(derived.Average()));
                    return (mine, linq);
                }
            }
            """);

        foreach (var values in new[] { new[] { -0.0 }, new[] { -0.0, -0.0 }, Enumerable.Repeat(-0.0, 70).ToArray(), new[] { -0.0, 0.0 }, new[] { 0.0, -0.0 } })
        {
            var pair = (ITuple)Invoke(type, "Check", values)!;
            Assert.Equal(pair[1], pair[0]);
        }

        // The rule is path-dependent, and the test reaches both sides of it.
        Assert.Equal("++-++-----+---+--++-", ((ITuple)Invoke(type, "Check", new[] { -0.0 })!)[1]);
    }

    [Fact]
    public void AListModifiedByUserCodeDuringThePassThrowsAsItsEnumeratorDoes()
    {
        // LINQ's list.Sum(selector) reads the list through its enumerator, which throws once the list has
        // changed; a span over the list would silently read a stale snapshot.
        var type = Build("""
            using System.Collections.ObjectModel;

            public static partial class S
            {
                private static List<int>? _target;

                private static int Grow(int value)
                {
                    if (value == 2) _target!.Add(100);
                    return value;
                }

                private static bool GrowWhere(int value) => Grow(value) > 0;

                private static int Replace(int value)
                {
                    if (value == 3) _target![0] = 7;   // a write through the indexer changes the version too
                    return value;
                }

                [Aggregate(Sum, Of = nameof(Grow))] public static partial long OfList(List<int> values);
                [Aggregate(Sum, Of = nameof(Grow))] public static partial long OfSequence(IEnumerable<int> values);
                [Aggregate(Sum, Of = nameof(Grow))] public static partial long OfIndexed(IList<int> values);
                [Aggregate(Count, Where = nameof(GrowWhere))] public static partial int WhereList(List<int> values);
                [Aggregate(Max, Of = nameof(Replace))] public static partial int ReplaceList(IReadOnlyList<int> values);
                [GroupBy(nameof(Grow))] [Aggregate(Count)] public static partial Dictionary<int, int> KeyList(List<int> values);

                private static int CountThroughEnumerator(List<int> values)
                {
                    var count = 0;
                    foreach (var value in values) if (GrowWhere(value)) count++;
                    return count;
                }

                public static string Run(string method, bool linq)
                {
                    _target = new List<int> { 1, 2, 3, 4 };
                    try
                    {
                        object result = (method, linq) switch
                        {
                            ("OfList", false) => OfList(_target),
                            ("OfSequence", false) => OfSequence(_target),
                            ("OfIndexed", false) => OfIndexed(_target),
                            ("WhereList", false) => WhereList(_target),
                            ("ReplaceList", false) => ReplaceList(_target),
                            ("KeyList", false) => KeyList(_target).Count,
                            ("OfList" or "OfSequence" or "OfIndexed", true) => _target.Sum(static v => (long)Grow(v)),
                            // Count(predicate) and Where(...).Count() read a List<T> as a span on .NET 9+: the
                            // rule is the enumerator's.
                            ("WhereList", true) => CountThroughEnumerator(_target),
                            ("ReplaceList", true) => _target.Max(Replace),
                            ("KeyList", true) => _target.GroupBy(Grow).ToDictionary(static g => g.Key, static g => g.Count()).Count,
                            _ => throw new ArgumentException(method),
                        };
                        return result.ToString()!;
                    }
                    catch (InvalidOperationException e)
                    {
                        return e.Message;
                    }
                }
            }
            """);

        foreach (var method in new[] { "OfList", "OfSequence", "OfIndexed", "WhereList", "ReplaceList", "KeyList" })
        {
            var linq = (string)Invoke(type, "Run", method, true)!;
            Assert.Contains("Collection was modified", linq, StringComparison.Ordinal);
            Assert.Equal(linq, Invoke(type, "Run", method, false));
        }
    }

    [Fact]
    public void OfWhereAndSeveralAttributesMatchLinqOverRecords()
    {
        var type = Build(Orders + """
            public sealed record Summary(decimal Revenue, decimal Largest, int Orders, int Paid, double AvgQty, decimal? LeastDiscount, decimal PaidNet, int OldestAge);

            public static partial class Reports
            {
                [Aggregate(Sum, Max, Of = nameof(Order.Total))]
                [Aggregate(Count)]
                [Aggregate(Count, Where = nameof(Order.IsPaid))]
                [Aggregate(Average, Of = nameof(Order.Quantity))]
                [Aggregate(Min, Of = nameof(Order.Discount))]
                [Aggregate(Sum, Of = nameof(Order.Net), Where = nameof(Order.IsPaid))]
                [Aggregate(Max, Of = "Customer.Age")]
                public static partial Summary Summarize(IEnumerable<Order> orders);

                public static Summary Linq(Order[] o) => new(
                    o.Sum(x => x.Total), o.Max(x => x.Total), o.Count(), o.Count(x => x.IsPaid), o.Average(x => x.Quantity),
                    o.Min(x => x.Discount), o.Where(x => x.IsPaid).Sum(x => x.Net()), o.Max(x => x.Customer.Age));

                public static object Check(int n)
                {
                    var orders = Data.Orders(n);
                    return (Summarize(Data.Once(orders)), Linq(orders));
                }
            }
            """, "Reports");

        foreach (var n in new[] { 1, 2, 7, 100, 1000 })
        {
            var pair = (ITuple)Invoke(type, "Check", n)!;
            Assert.Equal(pair[1], pair[0]);
        }
    }

    /// <summary>
    /// The query's own lambda parameters take a prefix no name in an inlined body starts with: a body's lambda whose
    /// parameter is named like them would otherwise hide the element it reads.
    /// </summary>
    [Fact]
    public void AnInlinedLambdasParameterNamedLikeTheQuerysOwnHidesNothing()
    {
        var type = Build("""
            public sealed record Line(decimal Price, decimal Discount);
            public sealed record Order(decimal Discount, Line[] Lines);

            public static partial class Reports
            {
                private static decimal Discounted(Order o) => o.Lines.Sum(__x => __x.Price * o.Discount);

                [Aggregate(Sum, Of = nameof(Discounted))]
                public static partial decimal Total(IQueryable<Order> orders);

                public static object Check()
                {
                    var orders = new[] { new Order(0.5m, new[] { new Line(10m, 0.1m), new Line(20m, 0.1m) }), new Order(2m, new[] { new Line(1m, 0.1m) }) };
                    return (Total(orders.AsQueryable()), orders.Sum(Discounted));
                }
            }
            """, "Reports");

        var pair = (ITuple)Invoke(type, "Check")!;
        Assert.Equal(pair[1], pair[0]);
    }

    /// <summary>
    /// A query's Sum widens its column unchecked (a checked widening is a node not every provider translates), and an
    /// inlined body keeps the project's own overflow checking inside it, as LINQ over the same method does.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AnInlinedBodyKeepsTheProjectsOverflowChecking(bool checkOverflow)
    {
        var type = Build("""
            public sealed record Line(int Quantity, int UnitCents);

            public static partial class Reports
            {
                private static int Cents(Line line) => line.Quantity * line.UnitCents;

                [Aggregate(Sum, Of = nameof(Cents))]
                public static partial long Total(IQueryable<Line> lines);

                private static readonly Line[] Lines = { new(2, 10), new(1 << 20, 1 << 12) };

                public static object Check() => Total(Lines.AsQueryable());

                public static object Linq() => Lines.AsQueryable().Sum(line => (long)Cents(line));
            }
            """, "Reports", checkOverflow);

        if (checkOverflow)
        {
            Assert.Throws<OverflowException>(() => Invoke(type, "Linq"));
            Assert.Throws<OverflowException>(() => Invoke(type, "Check"));
        }
        else
        {
            Assert.Equal(Invoke(type, "Linq"), Invoke(type, "Check"));
        }
    }

    /// <summary>
    /// Query syntax in an inlined method stays as written: its clauses find LINQ's Where and Select through a global
    /// using (what ImplicitUsings writes), which the generated file has too. Without one it is MAGG141.
    /// </summary>
    /// <summary>
    /// A count reads no value: a query attribute of counts alone leaves its <c>Of</c> out of the query, so a method that
    /// could not be inlined (a block body) is accepted there, as over an <c>IEnumerable&lt;T&gt;</c>.
    /// </summary>
    [Fact]
    public void AQueryOfCountsAloneDoesNotInlineItsOf()
    {
        var type = Build("""
            public sealed record Order(decimal Total, bool IsPaid);

            public static partial class S
            {
                [Aggregate(Count, LongCount, Of = nameof(Net), Where = nameof(Order.IsPaid))]
                public static partial (int, long) Paid(IQueryable<Order> orders);

                private static decimal Net(Order order)
                {
                    return order.Total;
                }

                public static object Check() => Paid(new[] { new Order(1m, true), new Order(2m, false), new Order(3m, true) }.AsQueryable());
            }
            """);

        Assert.Equal((2, 2L), Invoke(type, "Check"));
    }

    [Fact]
    public void AnInlinedQueryExpressionBindsThroughAGlobalUsing()
    {
        var result = TestCompiler.Run("""
            global using System.Linq;
            using MultiAgg;
            using static MultiAgg.Agg;

            public sealed record Line(decimal Discount);
            public sealed record Order(string Region, Line[] Lines);

            public static partial class Reports
            {
                private static bool HasDiscount(Order o) => (from l in o.Lines where l.Discount > 0 select l).Any();

                [Aggregate(Count, Where = nameof(HasDiscount))]
                public static partial int Discounted(IQueryable<Order> orders);

                public static object Check()
                {
                    var orders = new[] { new Order("EU", new[] { new Line(0m), new Line(0.1m) }), new Order("US", new[] { new Line(0m) }), new Order("EU", new Line[0]) };
                    return (Discounted(orders.AsQueryable()), orders.Count(HasDiscount));
                }
            }
            """).AssertClean();
        var type = TestCompiler.Load(result.Output).GetType("Reports", throwOnError: true)!;

        Assert.Equal((1, 1), Invoke(type, "Check"));
    }

    /// <summary>
    /// Min and Max of a type parameter over a query: one constrained to a base class is a reference type, whose nullable
    /// column tells "no value" from a value, as 'class' does.
    /// </summary>
    [Fact]
    public void AQueryTakesTheMaxOfATypeParameterConstrainedToABaseClass()
    {
        var type = Build("""
            public abstract class Animal : IComparable<Animal>, IComparable
            {
                protected Animal(int weight) => Weight = weight;
                public int Weight { get; }
                public int CompareTo(Animal? other) => other is null ? 1 : Weight.CompareTo(other.Weight);
                public int CompareTo(object? other) => CompareTo(other as Animal);
            }

            public sealed class Cat : Animal { public Cat(int weight) : base(weight) { } }

            public sealed record Holder<T>(T Item);

            public static partial class Zoo
            {
                [Aggregate(Max, Of = "Item")]
                public static partial T? Heaviest<T>(IQueryable<Holder<T>> holders) where T : Animal;

                public static object Check()
                {
                    var holders = new[] { new Holder<Cat>(new Cat(3)), new Holder<Cat>(new Cat(7)), new Holder<Cat>(new Cat(5)) };
                    return (Heaviest(holders.AsQueryable())?.Weight, Heaviest(Array.Empty<Holder<Cat>>().AsQueryable()) is null);
                }
            }
            """, "Zoo");

        Assert.Equal(((int?)7, true), Invoke(type, "Check"));
    }

    /// <summary>
    /// A query inlines its Of method: an instance member read by its bare name stays the instance's, though the
    /// [Aggregate] method has a parameter of that name; a partial method's implementation may name its parameters otherwise.
    /// </summary>
    [Fact]
    public void InlinedQueryMethodsReadTheInstancesMembersAndMatchParametersByTheDefinitionsNames()
    {
        var type = Build("""
            public sealed record Line(decimal Total);

            public partial class Prices
            {
                private readonly decimal vat;

                public Prices(decimal vat) => this.vat = vat;

                private decimal Gross(Line line) => line.Total * (1 + vat);

            #pragma warning disable CS8826 // the implementation names the parameter otherwise, on purpose
                private static partial decimal Net(Line line, decimal rate);

                private static partial decimal Net(Line line, decimal r) => line.Total * r;
            #pragma warning restore CS8826

                [Aggregate(Sum, Of = nameof(Gross))]
                public partial decimal TotalGross(IQueryable<Line> lines, decimal vat);

                [Aggregate(Sum, Of = nameof(Net))]
                public static partial decimal TotalNet(IQueryable<Line> lines, decimal rate);

                public static object Check()
                {
                    var lines = new[] { new Line(10m), new Line(20m) }.AsQueryable();
                    return (new Prices(0.5m).TotalGross(lines, vat: 9m), TotalNet(lines, rate: 2m));
                }
            }
            """, "Prices");

        Assert.Equal((45m, 60m), Invoke(type, "Check"));
    }

    /// <summary>
    /// An inlined method of a base type reads its members through <c>this</c> in the derived owner (past a private member
    /// of that name between them); and values the body takes as not nullable (an element of an IQueryable&lt;Customer?&gt;,
    /// an outer string?) are passed with '!' as the loop passes them, so the generated file has no nullable warning
    /// (CS8602, CS8604 there, before), nor a '!' doubled where the body wrote one (CS8715).
    /// </summary>
    [Fact]
    public void InlinedQueryMethodsBindInTheOwnerAsWhereTheyAreDeclared()
    {
        var type = Build("""
            #nullable enable
            public sealed record Order(decimal Total, int Quantity, string Region);
            public sealed record Customer(int Age, string Name);

            public class ReportBase
            {
                protected decimal Rate => 0.2m;

                protected decimal Net(Order order) => order.Total * (1 - Rate);
            }

            // A member between of that name that the owner cannot see does not change what 'this.Rate' reads there.
            public class Middle : ReportBase
            {
                private new decimal Rate => 0.9m;
            }

            public partial class Reports : Middle
            {
                [Aggregate(Sum, Of = nameof(Net))]
                public partial decimal NetTotal(IQueryable<Order> orders);

                [Aggregate(Sum, Of = nameof(YearsOf), Where = nameof(Named))]
                public static partial int Ages(IQueryable<Customer?> customers, string? prefix);

                private static int YearsOf(Customer customer) => customer!.Age;   // a '!' of its own stays one

                private static bool Named(Customer customer, string prefix) => customer.Name.StartsWith(prefix!);

                public static object Check()
                {
                    var orders = new[] { new Order(10m, 1, "N"), new Order(20m, 2, "S") }.AsQueryable();
                    var customers = new Customer?[] { new(30, "Ann"), new(40, "Bob") }.AsQueryable();
                    return (new Reports().NetTotal(orders), Ages(customers, "A"));
                }
            }
            """, "Reports");

        Assert.Equal((24.0m, 30), Invoke(type, "Check"));
    }

    /// <summary>
    /// An extension method on a value, written as a static call in the query, keeps the overload the receiver form chose:
    /// it converts a receiver by boxing, not by widening, so Band(object) for an int, not Band(long).
    /// </summary>
    [Fact]
    public void AnInlinedExtensionCallOnAValueKeepsItsOverload()
    {
        var type = Build("""
            public sealed record Order(int Quantity);

            public static class Banding
            {
                public static int Band(this long value) => 1;

                public static int Band(this object value) => 2;
            }

            public static partial class Reports
            {
                [Aggregate(Sum, Of = nameof(Banded))]
                public static partial int Bands(IQueryable<Order> orders);

                private static int Banded(Order order) => order.Quantity.Band();

                public static object Check() => Bands(new[] { new Order(1), new Order(2) }.AsQueryable());
            }
            """, "Reports");

        Assert.Equal(4, Invoke(type, "Check"));
    }

    /// <summary>
    /// An inlined key that builds an object with an initializer (the usual composite key of a query): the names it assigns
    /// are the new object's members, not the instance's, in a class and in a struct alike.
    /// </summary>
    [Fact]
    public void AnInlinedObjectInitializerAssignsTheNewObjectsMembers()
    {
        var type = Build("""
            public sealed record Sale(string Region, int Year, int Units);
            public sealed record RegionYear { public string Region { get; init; } = ""; public int Year { get; init; } }

            public partial struct Reports
            {
                public string Region => "not this one";

                private static RegionYear KeyOf(Sale sale) => new RegionYear { Region = sale.Region, Year = sale.Year };

                [GroupBy(nameof(KeyOf))]
                [Aggregate(Sum, Of = nameof(Sale.Units))]
                public static partial Dictionary<RegionYear, int> UnitsByRegionAndYear(IQueryable<Sale> sales);

                public static string Check()
                {
                    var sales = new[] { new Sale("EU", 2025, 1), new Sale("EU", 2025, 2), new Sale("US", 2026, 4) }.AsQueryable();
                    return string.Join(",", UnitsByRegionAndYear(sales).Select(static p => $"{p.Key.Region}/{p.Key.Year}={p.Value}"));
                }
            }
            """, "Reports");

        Assert.Equal("EU/2025=3,US/2026=4", Invoke(type, "Check"));
    }

    [Fact]
    public void StaticAndInstanceSelectorsTakeExtraParametersByName()
    {
        var type = Build(Orders + """
            public partial class Pricing
            {
                private readonly decimal _vat;
                public Pricing(decimal vat) => _vat = vat;

                private static decimal WithTax(Order order, decimal taxRate) => order.Total * (1 + taxRate);
                private static bool Above(Order order, decimal threshold) => order.Total > threshold;
                private decimal Gross(Order order) => order.Total * (1 + _vat);

                [Aggregate(Sum, Of = nameof(WithTax), Where = nameof(Above))]
                [Aggregate(Max, Of = nameof(Gross))]
                public partial (decimal Taxed, decimal MaxGross) Totals(Order[] orders, decimal threshold, decimal taxRate);

                public static object Check()
                {
                    var orders = Data.Orders(50);
                    var p = new Pricing(0.2m);
                    var expected = (orders.Where(o => o.Total > 300m).Sum(o => o.Total * 1.1m), orders.Max(o => o.Total * 1.2m));
                    return (p.Totals(orders, 300m, 0.1m), expected);
                }
            }
            """, "Pricing");

        var pair = (ITuple)Invoke(type, "Check")!;
        Assert.Equal(pair[1], pair[0]);
    }

    [Fact]
    public void ContainingTypesOfEveryKindAndUnusualSignaturesCompileAndRun()
    {
        var type = Build("""
            namespace Deep.Names
            {
                public partial record Outer<T>(T Tag)
                {
                    public partial record struct Inner
                    {
                        [Aggregate(Count, Max)]
                        internal static partial (int, T?) CountAndMax(IEnumerable<T> items);
                    }
                }

                public partial struct Holder
                {
                    [Aggregate(Sum)]
                    public readonly partial long Total(in ReadOnlySpan<int> values, int @class);
                }

                public static partial class Extensions
                {
                    [Aggregate(Min, Max)]
                    public static partial (int Min, int Max) Range(this IEnumerable<int> __item, int __sum0);

                    [Aggregate(Sum)]
                    private static partial int Plain(IEnumerable<int> values);

                    public static int CallPlain() => Plain(new[] { 1, 2 });
                }

                public static class Entry
                {
                    public static object Check() => (
                        Outer<string>.Inner.CountAndMax(new[] { "b", "c", "a" }),
                        new Holder().Total(new[] { 1, 2, 3 }, 0),
                        new[] { 5, -1, 3 }.Range(0),
                        Extensions.CallPlain());
                }
            }
            """, "Deep.Names.Entry");

        var result = (ITuple)Invoke(type, "Check")!;
        Assert.Equal((3, "c"), result[0]);
        Assert.Equal(6L, result[1]);
        Assert.Equal((-1, 5), result[2]);
        Assert.Equal(3, result[3]);
    }

    /// <summary>A synchronous method's selectors take its tokens by name, two of them too; its loop checks the first.</summary>
    [Fact]
    public void ASynchronousMethodsSelectorsTakeEachOfTwoTokensByName()
    {
        var type = Build("""
            public static partial class S
            {
                [Aggregate(Sum, Of = nameof(Scaled))]
                [Aggregate(Count, Where = nameof(Kept))]
                public static partial (long, int) Read(int[] values, System.Threading.CancellationToken loop, System.Threading.CancellationToken filter);

                private static int Scaled(int value, System.Threading.CancellationToken loop) => loop.CanBeCanceled ? value * 10 : value;

                private static bool Kept(int value, System.Threading.CancellationToken filter) => !filter.IsCancellationRequested || value > 1;

                public static object Check()
                {
                    using var loop = new System.Threading.CancellationTokenSource();
                    return Read(new[] { 1, 2, 3 }, loop.Token, new System.Threading.CancellationToken(canceled: true));
                }
            }
            """);

        Assert.Equal((60L, 2), Invoke(type, "Check"));
    }

    [Fact]
    public void ParametersNamedNameofAreGuardedByTheirName()
    {
        // In scope, a parameter named nameof makes nameof(...) a call of it: the guard writes the name as text.
        var type = Build("""
            public static partial class S
            {
                [Aggregate(Sum)]
                public static partial long Total(IEnumerable<int> nameof);

                [Aggregate(Sum)]
                public static partial long Parallel(int[] values, System.Threading.Tasks.ParallelOptions nameof);
            }
            """);

        Assert.Equal(6L, Invoke(type, "Total", new[] { 1, 2, 3 }));
        Assert.Equal(6L, Invoke(type, "Parallel", new[] { 1, 2, 3 }, new System.Threading.Tasks.ParallelOptions()));
        Assert.Equal("nameof", Assert.IsType<ArgumentNullException>(Error(() => Invoke(type, "Total", new object?[] { null }))).ParamName);
        Assert.Equal("nameof", Assert.IsType<ArgumentNullException>(Error(() => Invoke(type, "Parallel", new[] { 1 }, null))).ParamName);
    }

    [Fact]
    public void AsyncMethodsInUnsafeTypesCompileAndRun()
    {
        // The generated part says 'unsafe' again for pointer signatures; an async method there still awaits.
        var type = Build("""
            public static unsafe partial class S
            {
                [Aggregate(Sum, Count)]
                public static partial Task<(long, int)> TotalAsync(IAsyncEnumerable<int> values);

                private static async IAsyncEnumerable<int> Stream()
                {
                    for (var i = 1; i <= 3; i++) { await Task.Yield(); yield return i; }
                }

                public static object Check() => TotalAsync(Stream()).GetAwaiter().GetResult();
            }
            """);

        Assert.Equal((6L, 3), Invoke(type, "Check"));
    }

    [Fact]
    public void RefStructElementsAreReadOneAtATime()
    {
        // IEnumerable<T> allows ref structs (.NET 9+): no span can hold them, so the source has no span test.
        var type = Build("""
            public ref struct Cell
            {
                public Cell(int value) => Value = value;
                public int Value { get; }
            }

            public sealed class Cells(int count) : IEnumerable<Cell>
            {
                public IEnumerator<Cell> GetEnumerator() => new Enumerator(count);
                System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

                private sealed class Enumerator(int count) : IEnumerator<Cell>
                {
                    private int _index;
                    public Cell Current => new(_index);
                    object System.Collections.IEnumerator.Current => throw new NotSupportedException();
                    public bool MoveNext() => ++_index <= count;
                    public void Reset() => _index = 0;
                    public void Dispose() { }
                }
            }

            public static partial class S
            {
                [Aggregate(Sum, Max, Of = nameof(Cell.Value))]
                public static partial (int, int) Totals(IEnumerable<Cell> cells);

                [Aggregate(Count)]
                public static partial int Tally<T>(IEnumerable<T> items) where T : allows ref struct;

                public static object Check() => (Totals(new Cells(4)), Tally(new Cells(3)), Tally(new[] { "a", "b" }));
            }
            """);

        Assert.Equal(((10, 4), 3, 2), Invoke(type, "Check"));
    }

    /// <summary>
    /// A collection whose public <c>GetEnumerator()</c> returns a ref struct (a span-backed one) is read by <c>foreach</c>
    /// through that enumerator, except in a loop that awaits an Of, Where or key method, which no ref struct can live
    /// across: there it goes through <c>IEnumerable&lt;T&gt;</c>, as LINQ's own calls do.
    /// </summary>
    [Fact]
    public void AnAwaitingLoopReadsThroughTheInterfaceWhereThePublicEnumeratorIsARefStruct()
    {
        var type = Build("""
            public sealed class Bag : IEnumerable<int>
            {
                private readonly int[] _items = { 1, 2, 3 };

                public Enumerator GetEnumerator() => new(_items);
                IEnumerator<int> IEnumerable<int>.GetEnumerator() => ((IEnumerable<int>)_items).GetEnumerator();
                System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => _items.GetEnumerator();

                public ref struct Enumerator(int[] items)
                {
                    private readonly ReadOnlySpan<int> _items = items;
                    private int _index = -1;

                    public readonly int Current => _items[_index];

                    public bool MoveNext() => ++_index < _items.Length;
                }
            }

            public static partial class S
            {
                [Aggregate(Sum, Of = nameof(ScaleAsync))]
                public static partial Task<long> TotalAsync(Bag bag);

                [Aggregate(Sum)]
                public static partial long Total(Bag bag);

                private static Task<int> ScaleAsync(int value) => Task.FromResult(value * 2);

                public static object Check() => (TotalAsync(new Bag()).GetAwaiter().GetResult(), Total(new Bag()));
            }
            """);

        Assert.Equal((12L, 6L), Invoke(type, "Check"));
    }

    [Fact]
    public void PointerSignaturesInUnsafeTypesCompileAndRun()
    {
        // 'unsafe' on a type covers only the declaration it is written on: the generated part must say it again.
        var type = Build("""
            public static unsafe partial class Pointers
            {
                private static int Times(int value, int* scale) => value * *scale;

                [Aggregate(Sum, Of = nameof(Times))]
                public static partial long Scaled(int[] values, int* scale);

                public static partial class Nested
                {
                    [Aggregate(Count)]
                    public static partial int Live(int*[] cells);
                }
            }

            public partial class PerKey
            {
                private static unsafe int Read(int* cell) => *cell;
                private static unsafe bool IsNull(int* cell) => cell == null;

                // A Last of a pointer's value keeps the value, not the pointer: the per-key record is not unsafe.
                [GroupBy(nameof(IsNull))]
                [Aggregate(LastOrDefault, Of = nameof(Read), Where = nameof(IsSet))]
                public static unsafe partial Dictionary<bool, int> LastRead(int*[] cells);

                private static unsafe bool IsSet(int* cell) => cell != null;

                // Without [GroupBy], a local holds the last pointer, and Read runs once, on it (never on the null).
                [Aggregate(Last, Of = nameof(Read))]
                public static unsafe partial int LastOfAll(int*[] cells);
            }

            public static class Entry
            {
                public static unsafe object Check()
                {
                    var scale = 2;
                    var cells = new int*[] { null, &scale };
                    return (Pointers.Scaled(new[] { 1, 2, 3 }, &scale), Pointers.Nested.Live(cells), string.Join(";", PerKey.LastRead(cells)), PerKey.LastOfAll(cells));
                }
            }
            """, "Entry");

        Assert.Equal((12L, 2, "[True, 0];[False, 2]", 2), Invoke(type, "Check"));
    }

    /// <summary>
    /// Values made of pointers (an <c>int*[]</c>) read, picked and kept per key where the method and its type are unsafe
    /// contexts: the generated part and the per-key record beside the method say 'unsafe' as the type does.
    /// </summary>
    [Fact]
    public void ArraysOfPointersInAnUnsafeTypeCompileAndRun()
    {
        var type = Build("""
            public sealed unsafe class Node
            {
                public Node(int kind, params int*[] cells) => (Kind, Cells) = (kind, cells);
                public int Kind { get; }
                public int*[] Cells { get; }
            }

            public static unsafe partial class Arrays
            {
                [Aggregate(Sum, Of = "Cells.Length")]
                [Aggregate(Last, CountDistinct, Of = nameof(Node.Cells))]
                public static partial (int Cells, int*[] Last, int Distinct) Summarize(IEnumerable<Node> nodes);

                [GroupBy(nameof(Node.Cells))]
                [Aggregate(Count)]
                public static partial Dictionary<int*[], int> ByCells(IEnumerable<Node> nodes);

                [GroupBy(nameof(Node.Kind))]
                [Aggregate(First, Of = nameof(Node.Cells))]
                public static partial Dictionary<int, int*[]> FirstCells(Node[] nodes);
            }

            // A count never reads its Of: a safe method may name a path through pointers there.
            public static partial class Safe
            {
                [Aggregate(Count, Of = "Cells.Length")]
                public static partial int Counted(IEnumerable<Node> nodes);
            }

            // An accumulator type whose values are made of pointers: its generated part is unsafe, as its declaration is.
            [Aggregate(Count, Last)]
            [Aggregate(Sum, Of = "Length")]
            public unsafe partial struct CellStats : IAccumulator<int*[], (int Count, int*[] Last, int Cells)> { }

            public static class Entry
            {
                public static unsafe object Check()
                {
                    int one = 1, two = 2;
                    var shared = new int*[] { &one };
                    var nodes = new[] { new Node(0, shared), new Node(1, &one, &two), new Node(0, shared), new Node(1) };
                    var (cells, last, distinct) = Arrays.Summarize(nodes);
                    var firsts = Arrays.FirstCells(nodes);
                    var stats = new CellStats();
                    foreach (var node in nodes) stats.Add(node.Cells);
                    return (cells, last == nodes[3].Cells, distinct, string.Join(";", Arrays.ByCells(nodes).Values),
                        firsts[0] == shared, *firsts[1][1], stats.Result.Count, stats.Result.Last == nodes[3].Cells, stats.Result.Cells, Safe.Counted(nodes));
                }
            }
            """, "Entry");

        Assert.Equal((4, true, 3, "2;1;1", true, 2, 4, true, 4, 4), Invoke(type, "Check"));
    }

    /// <summary>
    /// A pointer value kept per key or in each worker's state, in an unsafe type: the record and the state MultiAgg declares
    /// beside the method are unsafe as the type is (MAGG104 where it is not), and a Last keeps its pointer element there
    /// and calls its Of once per key, as LINQ's Select(of).Last() calls it once.
    /// </summary>
    [Fact]
    public void PointerValuesKeptPerKeyAndPerWorkerInAnUnsafeTypeCompileAndRun()
    {
        var type = Build("""
            public sealed unsafe class Node
            {
                public Node(int* cell, bool hot)
                {
                    Cell = cell;
                    Hot = hot;
                }

                public int* Cell { get; }

                public bool Hot { get; }
            }

            public sealed unsafe class Seen
            {
                public Seen(int* first, int count) => (First, Count) = (*first, count);

                public int First { get; }

                public int Count { get; }

                public override string ToString() => $"{First}x{Count}";
            }

            public static unsafe partial class Cells
            {
                [Aggregate(First, Of = nameof(Node.Cell))]
                public static partial int* FirstCell(Node[] nodes, System.Threading.Tasks.ParallelOptions options);

                [GroupBy(nameof(Node.Hot))]
                [Aggregate(First, Of = nameof(Node.Cell))]
                [Aggregate(Count)]
                public static partial Dictionary<bool, Seen> PerKey(Node[] nodes);

                // A Last keeps each key's last pointer element, here where the record can hold it, and reads it once per key.
                public static int Reads;

                [GroupBy(nameof(IsNull))]
                [Aggregate(Last, Of = nameof(Read))]
                public static partial Dictionary<bool, int> LastRead(int*[] cells);

                private static bool IsNull(int* cell) => cell == null;

                private static int Read(int* cell)
                {
                    Reads++;
                    return cell == null ? -1 : *cell;
                }

                public static object Check()
                {
                    int a = 1, b = 2;
                    var nodes = new Node[9000];
                    for (var i = 0; i < nodes.Length; i++)
                        nodes[i] = new Node(i % 2 == 0 ? &a : &b, i % 3 == 0);
                    var cells = new int*[] { &a, null, &b, null, &a };
                    return (*FirstCell(nodes, new System.Threading.Tasks.ParallelOptions { MaxDegreeOfParallelism = 3 }), string.Join(";", PerKey(nodes)),
                        string.Join(";", LastRead(cells)), Reads);
                }
            }
            """, "Cells");

        Assert.Equal((1, "[True, 1x3000];[False, 2x6000]", "[False, 1];[True, -1]", 2), Invoke(type, "Check"));
    }

    [Fact]
    public void MembersFoundThroughOverridesHidingAndConstraintsAreNotAmbiguous()
    {
        var type = Build("""
            public class Shape { public virtual int Area => 1; public int Sides => 3; }
            public sealed class Square : Shape { public override int Area => 4; }
            public interface IHasSides { int Sides { get; } }
            public interface ISized { int Size { get; } }
            public interface IResized : ISized { new long Size { get; } }
            public interface IBoth : ISized, IResized { }

            public static partial class Members
            {
                [Aggregate(Sum, Of = nameof(Square.Area))]
                public static partial int Areas(IEnumerable<Square> shapes);

                [Aggregate(Sum, Of = nameof(Shape.Sides))]
                public static partial int Sides<T>(IEnumerable<T> shapes) where T : Shape, IHasSides;

                [Aggregate(Sum, Of = nameof(IResized.Size))]
                public static partial long Sizes(IEnumerable<IBoth> items);
            }

            public sealed class Tile : Shape, IHasSides { public new int Sides => 4; int IHasSides.Sides => 4; }
            public sealed class Box : IBoth { int ISized.Size => 1; public long Size => 10; }

            public class Panel { public int Weight() => 1; }
            public sealed class Door : Panel { public new int Weight() => 5; }
            public interface IWeighed { int Weight(); }
            public interface IMass { int Mass(); }
            public interface IHeavy : IMass { new long Mass(); }

            public static partial class Methods
            {
                [Aggregate(Sum, Of = nameof(Door.Weight))]
                public static partial int Doors(IEnumerable<Door> doors);

                [Aggregate(Sum, Of = nameof(Panel.Weight))]
                public static partial int Panels<T>(IEnumerable<T> panels) where T : Panel, IWeighed;

                [Aggregate(Sum, Of = nameof(IHeavy.Mass))]
                public static partial long Masses(IEnumerable<IHeavy> items);
            }

            public static class Entry
            {
                public static object Check() => (
                    Members.Areas(new[] { new Square(), new Square() }),
                    Members.Sides(new[] { new Tile() }),
                    Members.Sizes(new IBoth[] { new Box(), new Box() }),
                    Methods.Doors(new[] { new Door(), new Door() }),
                    Methods.Panels(new[] { new Slab() }),
                    Methods.Masses(new IHeavy[] { new Crate() }));
            }

            public sealed class Slab : Panel, IWeighed { int IWeighed.Weight() => 7; }
            public sealed class Crate : IHeavy { int IMass.Mass() => 1; public long Mass() => 9; }
            """, "Entry");

        // Sides<T> reads Shape.Sides (3) and Panels<T> Panel.Weight() (1), as the lambdas would: a class constraint's
        // member wins over an interface constraint's.
        var r = (ITuple)Invoke(type, "Check")!;
        Assert.Equal((8, 3, 20L, 10, 1, 9L), (r[0], r[1], r[2], r[3], r[4], r[5]));
    }

    [Fact]
    public void OverloadsRefStructsAndPrefixedNamesGetDistinctValidOutput()
    {
        var source = Usings + """
            public static partial class Over
            {
                [Aggregate(Sum)] public static partial int Of(int[] values);
                [Aggregate(Sum)] public static partial int Of(List<int> values);
                [Aggregate(Sum)] public static partial long Of(IEnumerable<long> values, int __scale);
            }

            public ref partial struct Window
            {
                [Aggregate(Max)] public static partial int Peak(ReadOnlySpan<int> values);
            }

            public partial class Typed<__T>
            {
                [Aggregate(Count)] public static partial int Tally(IEnumerable<__T> items);
            }

            public static class Entry
            {
                public static object Check() => (Over.Of(new[] { 1, 2 }), Over.Of(new List<int> { 3 }), Over.Of(new[] { 4L }, 0),
                    Window.Peak(new[] { 3, 9, 1 }), Typed<string>.Tally(new[] { "a" }));
            }
            """;
        var result = TestCompiler.Run(source).AssertClean();
        Assert.Equal(5, result.Sources.Select(static s => s.HintName).Distinct().Count());
        Assert.Equal(3, result.Sources.Count(static s => s.HintName.StartsWith("Over.Of_", StringComparison.Ordinal)));
        Assert.Contains("___item", result.Sources.Single(static s => s.HintName.StartsWith("Typed", StringComparison.Ordinal)).SourceText.ToString(), StringComparison.Ordinal);
        var r = (ITuple)TestCompiler.Load(result.Output).GetType("Entry")!.GetMethod("Check")!.Invoke(null, null)!;
        Assert.Equal((3, 3, 4L, 9, 1), (r[0], r[1], r[2], r[3], r[4]));
    }

    /// <summary>
    /// A hint name keeps letters, digits, dots and underscores only: names that differ in another character an identifier
    /// may hold (connector punctuation, a combining vowel sign) get distinct files, where one file name for two methods
    /// failed the whole generator.
    /// </summary>
    /// <summary>
    /// The generated code calls an Of method and an accumulator's Add by name: overloads that C# does not prefer for that
    /// call (another parameter type, a generic one, one with a parameter the method does not have) change nothing. (Those
    /// it prefers are MAGG108 and MAGG116.)
    /// </summary>
    [Fact]
    public void OverloadsTheGeneratedCallDoesNotPreferLeaveTheResultAlone()
    {
        var type = Build("""
            public sealed record Line(decimal Total, string Sku);

            public struct Tally : IAccumulator<string, long>
            {
                private long _n;
                public void Add(string value) => _n++;
                public void Add(object other) => _n += 100;
                public void Add<T>(T other, int weight) => _n += 1000;
                public long Result => _n;
            }

            public struct Wide : IAccumulator<long, long>
            {
                private long _n;
                public void Add(long value) => _n += value;
                public void Add(short value) => _n -= 1000;
                public long Result => _n;
            }

            public static partial class O
            {
                private static decimal Net(Line line) => line.Total;
                private static decimal Net(string sku) => -1;
                private static decimal Net<T>(T value) => -2;
                private static decimal Net(Line line, decimal share) => -3;
                private static bool Kept(Line line) => line.Total > 1;
                private static bool Kept(Line line, bool strict) => false;

                [Aggregate(Sum, Of = nameof(Net), Where = nameof(Kept))]
                [Aggregate(typeof(Tally), Of = nameof(Line.Sku))]
                public static partial (decimal, long) Totals(IEnumerable<Line> lines);

                // An int variable converts to long, not to short: only a constant would.
                private static long Widen(long value) => value;
                private static long Widen(short value) => -1000;

                [Aggregate(Sum, Of = nameof(Widen))]
                [Aggregate(typeof(Wide))]
                public static partial (long, long) Widened(int[] values);

                public static object Check() => (Totals(new[] { new Line(1, "a"), new Line(2, "b"), new Line(3, "c") }), Widened(new[] { 4, 5 }));
            }
            """, "O");

        Assert.Equal(((5m, 3L), (9L, 9L)), Invoke(type, "Check"));
    }

    /// <summary>
    /// The overload check writes a call with a value of each argument's type: an array of multi-dimensional arrays is
    /// written as C# writes it (new decimal[0][,]), where a wrong type had made the meant overload inapplicable and
    /// reported a false MAGG108.
    /// </summary>
    [Fact]
    public void OverloadsTakingMultiDimensionalArraysAreCheckedAsTheCallIsWritten()
    {
        var type = Build("""
            public sealed record Order(decimal Total, int Zone);
            public sealed record Invoice(decimal Amount);

            public static partial class Pricing
            {
                private static decimal Rated(Order order, decimal[,] rates) => order.Total * rates[order.Zone, 0];
                private static decimal Rated(Invoice invoice, decimal[,] rates) => -1;
                private static int Cells(int[][,] grids) => grids.Length;
                private static int Cells(string text) => -1;

                [Aggregate(Sum, Of = nameof(Rated))]
                public static partial decimal Total(IEnumerable<Order> orders, decimal[,] rates);

                [Aggregate(Sum, Of = nameof(Cells))]
                public static partial int CellCount(List<int[][,]> grids);

                public static object Check() =>
                    (Total(new[] { new Order(2, 0), new Order(3, 1) }, new decimal[,] { { 10 }, { 100 } }), CellCount(new() { new int[2][,], new int[3][,] }));
            }
            """, "Pricing");

        Assert.Equal((320m, 5), Invoke(type, "Check"));
    }

    /// <summary>
    /// The [Experimental] IDs and [Obsolete] errors of what the generated code calls are those of the overload C# binds:
    /// an accumulator's Add that implements another of its interfaces than the one chosen (not the chosen one's, which
    /// is not called), and the types of a function pointer's signature.
    /// </summary>
    [Fact]
    public void ExperimentalApisBehindOverloadsAndFunctionPointersCompileInTheGeneratedFile()
    {
        var type = Build("""
            #pragma warning disable EXP005, EXP006
            public struct Tally : IAccumulator<object, long>, IAccumulator<long, long>
            {
                private long _n;
                public void Add(object value) => _n += 1000;
                [System.Diagnostics.CodeAnalysis.Experimental("EXP005")]
                public void Add(long value) => _n += value;
                public long Result => _n;
            }

            // The Add of the interface the values fit as they are is obsolete, but C# calls the other.
            public struct Counted : IAccumulator<object, long>, IAccumulator<long, long>
            {
                private long _n;
                [System.Obsolete("box-free Add(long) instead", error: true)]
                public void Add(object value) => _n += 1000;
                public void Add(long value) => _n += value * 10;
                public long Result => _n;
            }

            [System.Diagnostics.CodeAnalysis.Experimental("EXP006")]
            public sealed class Widget { }

            public sealed record Order(decimal Total);

            public static unsafe partial class X
            {
                [Aggregate(typeof(Tally))]
                public static partial long Total(int[] values);

                [Aggregate(typeof(Counted))]
                public static partial long Counts(int[] values);

                private static decimal Rate(Widget? widget) => 3;
                private static decimal Priced(Order order, delegate*<Widget?, decimal> rate) => order.Total * rate(null);

                [Aggregate(Sum, Of = nameof(Priced))]
                public static partial decimal Revenue(IEnumerable<Order> orders, delegate*<Widget?, decimal> rate);

                public static object Check() => (Total(new[] { 1, 2, 3 }), Counts(new[] { 1, 2 }), Revenue(new[] { new Order(2), new Order(5) }, &Rate));
            }
            """, "X");

        Assert.Equal((6L, 30L, 21m), Invoke(type, "Check"));
    }

    /// <summary>
    /// An [Experimental] API is an error wherever it is named unless its ID is suppressed, and the declaring file's
    /// suppressions do not reach the generated one: it suppresses the IDs of the experimental types and members it names
    /// itself (an element type, a member read by name, an accumulator, a filter method), as System.Text.Json's generator does.
    /// </summary>
    [Fact]
    public void ExperimentalApisTheDeclarationNamesCompileInTheGeneratedFile()
    {
        var type = Build("""
            #pragma warning disable EXP001, EXP003, EXP004, EXP005
            [System.Diagnostics.CodeAnalysis.Experimental("EXP001")]
            public sealed record Reading(double Value);

            namespace Preview
            {
                [System.Diagnostics.CodeAnalysis.Experimental("EXP005")]
                public sealed class Widget { }
            }

            public sealed record Part(object Tag);

            public sealed record Sample(double Value)
            {
                [System.Diagnostics.CodeAnalysis.Experimental("EXP002")]
                public double Score => Value * 2;
            }

            [System.Diagnostics.CodeAnalysis.Experimental("EXP003")]
            public struct Tally : IAccumulator<double, int>
            {
                private int _n;
                public void Add(double value) => _n++;
                public int Result => _n;
            }

            public static partial class X
            {
                [Aggregate(Sum, Max, Of = nameof(Reading.Value))]
                public static partial (double, double) Readings(IEnumerable<Reading> readings);

                [Aggregate(Max, Of = "Score")]
                [Aggregate(typeof(Tally), Of = nameof(Sample.Value))]
                public static partial (double, int) Samples(List<Sample> samples);

                [System.Diagnostics.CodeAnalysis.Experimental("EXP004")]
                private static bool Kept(Sample sample) => sample.Value > 1;

                [Aggregate(Count, Where = nameof(Kept))]
                public static partial int KeptCount(Sample[] samples);

                [Aggregate(Count)]
                public static partial int Plain(int[] values);

                [Aggregate(Max, Of = "Score")]
                public static partial double? BestQueried(IQueryable<Sample> samples);

                // Inlined into the query, which names the type as written, qualified.
                private static bool IsWidget(Part part) => part.Tag is Preview.Widget;

                [Aggregate(Count, Where = nameof(IsWidget))]
                public static partial int Widgets(IQueryable<Part> parts);

                public static object Check() => (Readings(new[] { new Reading(1), new Reading(3) }), Samples(new() { new(1), new(2) }), KeptCount(new Sample[] { new(1), new(2) }),
                    BestQueried(new[] { new Sample(1), new Sample(5) }.AsQueryable()), Widgets(new[] { new Part(new Preview.Widget()), new Part(1) }.AsQueryable()));
            }
            """, "X");

        Assert.Equal(((4.0, 3.0), (4.0, 2), 1, (double?)10.0, 1), Invoke(type, "Check"));
    }

    /// <summary>
    /// An [Obsolete] API's warning is the declaration's, where its code names it (and may suppress it): the generated file
    /// that names it again (the element type in its signature and loop, a member read by name) suppresses it, or a build
    /// with warnings as errors would fail in a file nobody can edit. CS0618 with a message, CS0612 without, or the
    /// attribute's DiagnosticId.
    /// </summary>
    [Fact]
    public void ObsoleteApisTheDeclarationNamesWarnOnlyInTheUsersCode()
    {
        var type = Build("""
            #pragma warning disable CS0612, CS0618, OLD001
            [System.Obsolete("use Reading")]
            public sealed record OldReading(double Value);

            public sealed record Sample(double Value)
            {
                [System.Obsolete]
                public double Score => Value * 2;

                [System.Obsolete("use Value", DiagnosticId = "OLD001")]
                public double Raw => Value;
            }

            public static partial class X
            {
                [Aggregate(Sum, Of = nameof(OldReading.Value))]
                public static partial double Total(IEnumerable<OldReading> readings);

                [Aggregate(Max, Of = "Score")]
                [Aggregate(Min, Of = "Raw")]
                public static partial (double, double) Samples(List<Sample> samples);

                public static object Check() => (Total(new[] { new OldReading(1), new OldReading(3) }), Samples(new() { new(1), new(2) }));
            }
            """, "X");

        Assert.Equal((4.0, (4.0, 1.0)), Invoke(type, "Check"));
    }

    [Fact]
    public void NamesThatDifferOnlyInCharactersAHintNameCannotHoldGetDistinctFiles()
    {
        var source = Usings + """
            public static partial class Names
            {
                [Aggregate(Sum)] public static partial int Total_(int[] values);
                [Aggregate(Sum)] public static partial int Total‿(int[] values);
                [Aggregate(Max)] public static partial int कुल(int[] values);
                [Aggregate(Min)] public static partial int काल(int[] values);
                [Aggregate(Count)] public static partial int Plain(int[] values);
            }

            public static class Entry
            {
                public static object Check() => (Names.Total_(new[] { 1, 2 }), Names.Total‿(new[] { 3 }), Names.कुल(new[] { 4, 7 }), Names.काल(new[] { 5, 6 }), Names.Plain(new[] { 1 }));
            }
            """;
        var result = TestCompiler.Run(source).AssertClean();
        var hints = result.Sources.Select(static s => s.HintName).ToList();
        Assert.Equal(5, hints.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Contains("Names.Plain.g.cs", hints);   // a name with nothing replaced keeps its plain file name
        var r = (ITuple)TestCompiler.Load(result.Output).GetType("Entry")!.GetMethod("Check")!.Invoke(null, null)!;
        Assert.Equal((3, 3, 7, 5, 1), (r[0], r[1], r[2], r[3], r[4]));
    }

    /// <summary>
    /// A type of an assembly referenced only through an extern alias cannot be written from global::, as the generated
    /// file writes every type: MAGG139 at the method (or accumulator type), and no file at all, rather than a file that
    /// fails to compile. With 'global' among the reference's aliases, the same code is implemented and runs.
    /// </summary>
    [Fact]
    public void ATypeOnlyAnExternAliasNamesIsReportedAndGlobalAmongTheAliasesWorks()
    {
        var library = CSharpCompilation.Create(
            "Lib" + Guid.NewGuid().ToString("N"),
            new[] { CSharpSyntaxTree.ParseText("namespace Shop { public sealed class Order { public decimal Total { get; init; } } }") },
            TestCompiler.MetadataReferences,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var source = "extern alias Lib;\n" + Usings + """
            public static partial class Stats
            {
                [Aggregate(Sum, Of = "Total")]
                public static partial decimal Revenue(IEnumerable<Lib::Shop.Order> orders);

                // Only a selector's body names the aliased type: a query inlines it.
                private static int Weight(int id) => new Lib::Shop.Order { Total = id }.Total > 1 ? 2 : 1;

                [Aggregate(Sum, Of = nameof(Weight))]
                public static partial int Weights(IQueryable<int> ids);

                [Aggregate(Count)]
                public static partial int Plain(int[] values);
            }

            [Aggregate(Sum, Of = "Total")]
            public partial struct Revenues : IAccumulator<Lib::Shop.Order, decimal> { }

            public static class Entry
            {
                public static object Check()
                {
                    var orders = new[] { new Lib::Shop.Order { Total = 2m }, new Lib::Shop.Order { Total = 3.5m } };
                    var revenues = new Revenues();
                    foreach (var order in orders) revenues.Add(order);
                    return (Stats.Revenue(orders), Stats.Weights(new[] { 1, 2, 3 }.AsQueryable()), revenues.Result);
                }
            }
            """;

        // Rejected for another reason too (an unknown Of): not even the body that throws is written. A type argument of
        // the type around the one written counts as well.
        const string rejected = """
            extern alias Lib;
            using System.Collections.Generic;
            using MultiAgg;
            using static MultiAgg.Agg;

            public static partial class Rejected
            {
                [Aggregate(Sum, Of = "Missing")]
                public static partial decimal Broken(IEnumerable<Lib::Shop.Order> orders);

                [Aggregate(Count)]
                public static partial int Nested(IEnumerable<Outer<Lib::Shop.Order>.Inner> items);
            }

            public sealed class Outer<T> { public sealed class Inner { } }
            """;

        CSharpCompilation WithLibrary(string[] sources, params string[] aliases) =>
            TestCompiler.Compile(sources).AddReferences(library.ToMetadataReference(aliases: aliases.ToImmutableArray()));

        var aliased = TestCompiler.Run(WithLibrary([source, rejected], "Lib"));
        var reported = aliased.GeneratorDiagnostics.Where(static d => d.Id == "MAGG139").ToList();
        Assert.Equal(["Revenue", "Weights", "Revenues", "Broken", "Nested"], reported.Select(static d => d.Location.SourceTree!.GetText().ToString(d.Location.SourceSpan)));
        Assert.All(reported, static d => Assert.Contains("'Lib::Shop.Order', from an assembly referenced only through 'extern alias Lib'", d.GetMessage(), StringComparison.Ordinal));
        Assert.Equal("MAGG107", Assert.Single(aliased.GeneratorDiagnostics, static d => d.Id != "MAGG139").Id);
        Assert.DoesNotContain(aliased.CompilationDiagnostics, static d => d.Severity == DiagnosticSeverity.Error && d.Location.SourceTree?.FilePath.EndsWith(".g.cs", StringComparison.Ordinal) == true);
        Assert.Contains(aliased.Sources, static s => s.HintName == "Stats.Plain.g.cs");

        // Referenced twice, once without an alias: global:: reaches it (Roslyn merges the aliases).
        var twice = TestCompiler.Compile(source).AddReferences(library.ToMetadataReference(aliases: ["Lib"]), library.ToMetadataReference());
        Assert.DoesNotContain(TestCompiler.Run(twice).GeneratorDiagnostics, static d => d.Id == "MAGG139");

        var global = TestCompiler.Run(WithLibrary([source], "global", "Lib")).AssertClean();
        using var image = new MemoryStream();
        Assert.True(library.Emit(image).Success);
        var loaded = Assembly.Load(image.ToArray());
        ResolveEventHandler resolve = (_, e) => e.Name == loaded.FullName ? loaded : null;
        AppDomain.CurrentDomain.AssemblyResolve += resolve;
        try
        {
            var r = (ITuple)TestCompiler.Load(global.Output).GetType("Entry")!.GetMethod("Check")!.Invoke(null, null)!;
            Assert.Equal((5.5m, 5, 5.5m), (r[0], r[1], r[2]));
        }
        finally
        {
            AppDomain.CurrentDomain.AssemblyResolve -= resolve;
        }
    }

    /// <summary>
    /// MultiAgg itself referenced only through an extern alias: the attributes bind through it, but the generated code
    /// writes the library's own types from global:: (an exact sum's total that could wrap, the runtime of a parallel or
    /// windowed method), so those methods and types get MAGG139 naming the type, not a CS0400 in the generated file.
    /// Methods that write none of them are implemented and run.
    /// </summary>
    [Fact]
    public void TheLibraryOnlyAnExternAliasNamesIsReportedWhereTheGeneratedCodeWritesItsTypes()
    {
        const string header = """
            extern alias M;
            using System.Collections.Generic;
            using System.Threading.Tasks;
            using M::MultiAgg;
            using static M::MultiAgg.Agg;

            """;
        const string reported = """
            public static partial class Reported
            {
                [Aggregate(Sum)] public static partial long Total(IEnumerable<long> values);
                [Aggregate(Sum)] public static partial ulong Unsigned(IEnumerable<ulong> values);
                [Aggregate(Max)] public static partial int Blocks(int[] values, ParallelOptions options);
                [Aggregate(Max, Of = nameof(TwiceAsync))] public static partial Task<int> Window(IEnumerable<int> values, ParallelOptions options);
                private static Task<int> TwiceAsync(int value) => Task.FromResult(2 * value);
            }

            [Aggregate(Sum)]
            public partial struct Totals : IAccumulator<long, long> { }
            """;
        const string implemented = """
            // No library type in the generated code: a count, and a sum of ints over an array, whose long total cannot wrap.
            public static partial class Implemented
            {
                [Aggregate(Max, Count)] public static partial (int Max, int Count) Plain(IEnumerable<int> values);
                [Aggregate(Sum)] public static partial long Narrow(int[] values);
            }

            public static class Entry
            {
                public static object Check() => (Implemented.Plain(new[] { 3, 9, 4 }), Implemented.Narrow(new[] { int.MaxValue, int.MaxValue }));
            }
            """;
        var library = TestCompiler.MetadataReferences.Single(static r => r.Display == typeof(Agg).Assembly.Location);
        GeneratorResult Run(string code) => TestCompiler.Run(
            TestCompiler.Compile(header + code).RemoveReferences(library).AddReferences(((PortableExecutableReference)library).WithAliases(["M"])));

        var rejected = Run(reported + implemented);
        var magg139 = rejected.GeneratorDiagnostics.Where(static d => d.Id == "MAGG139").ToList();
        Assert.Equal(["Total", "Unsigned", "Blocks", "Window", "Totals"], magg139.Select(static d => d.Location.SourceTree!.GetText().ToString(d.Location.SourceSpan)));
        Assert.Equal(
            ["M::MultiAgg.Accumulators.ExactInt64Sum", "M::MultiAgg.Accumulators.ExactUInt64Sum", "M::MultiAgg.Runtime.ParallelAggregation", "M::MultiAgg.Runtime.EvaluationWindow<T, TValues>", "M::MultiAgg.Accumulators.ExactInt64Sum"],
            magg139.Select(static d => System.Text.RegularExpressions.Regex.Match(d.GetMessage(), "uses '([^']+)'").Groups[1].Value));
        Assert.Equal(magg139.Count, rejected.GeneratorDiagnostics.Length);
        Assert.DoesNotContain(rejected.CompilationDiagnostics, static d => d.Severity == DiagnosticSeverity.Error && d.Location.SourceTree?.FilePath.EndsWith(".g.cs", StringComparison.Ordinal) == true);

        var r = (ITuple)TestCompiler.Load(Run(implemented).AssertClean().Output).GetType("Entry")!.GetMethod("Check")!.Invoke(null, null)!;
        Assert.Equal(((9, 3), 2L * int.MaxValue), (r[0], r[1]));
    }

    /// <summary>
    /// A decimal Average starts where LINQ's does, as a double one does: at 0m over a span LINQ reads (an array, exactly a
    /// List&lt;decimal&gt;), else from the first value. They differ in one bit only, the sign of a zero: the average of
    /// { -0m } is -0m from the first value, +0m from 0m + -0m (it was +0m everywhere).
    /// </summary>
    [Fact]
    public async Task ADecimalAverageStartsWhereLinqsDoesToTheSignOfAZero()
    {
        var type = Build("""
            public static partial class S
            {
                [Aggregate(Average)] public static partial decimal Sequence(IEnumerable<decimal> values);
                [Aggregate(Average)] public static partial decimal List(List<decimal> values);
                [Aggregate(Average)] public static partial decimal Array(decimal[] values);
                [Aggregate(Average, Of = nameof(Same))] public static partial decimal Selected(decimal[] values);
                [Aggregate(Average)] public static partial decimal? Nullable(IEnumerable<decimal?> values);
                [GroupBy(nameof(Key))] [Aggregate(Average)] public static partial Dictionary<int, decimal> PerKey(IEnumerable<decimal> values);
                [Aggregate(Average)] public static partial Task<decimal> Stream(IAsyncEnumerable<decimal> values);
                [Aggregate(Average)] public static partial decimal Parallel(IEnumerable<decimal> values, ParallelOptions options);

                private static decimal Same(decimal value) => value;
                private static int Key(decimal value) => 0;

                public static decimal Pushed(decimal[] values)
                {
                    var average = new Averaged();
                    foreach (var value in values) average.Add(value);
                    return average.Result;
                }

                public static decimal Merged(decimal[] values)
                {
                    var (empty, all) = (new Averaged(), new Averaged());
                    foreach (var value in values) all.Add(value);
                    empty.Merge(all);
                    return empty.Result;
                }
            }

            [Aggregate(Average)]
            public partial struct Averaged : IMergeableAccumulator<Averaged, decimal, decimal> { }
            """);

        var negativeZero = decimal.Negate(0m);
        foreach (var values in new[] { new[] { negativeZero }, new[] { negativeZero, 0m }, new[] { 0m, negativeZero }, new[] { negativeZero, 1.5m, -1.5m } })
        {
            var list = new List<decimal>(values);
            IEnumerable<decimal> Iterator() { foreach (var value in values) yield return value; }
            async IAsyncEnumerable<decimal> Stream() { foreach (var value in values) { await Task.Yield(); yield return value; } }
            void Same(decimal expected, object? actual, string how) =>
                Assert.True(decimal.GetBits(expected).SequenceEqual(decimal.GetBits((decimal)actual!)), $"{how} of {string.Join(", ", values.Select(decimal.GetBits).Select(static b => b[3].ToString("x")))}: LINQ {expected} ({decimal.GetBits(expected)[3]:x}), generated {actual} ({decimal.GetBits((decimal)actual!)[3]:x})");

            Same(Iterator().Average(), Invoke(type, "Sequence", Iterator()), "an iterator");
            Same(values.AsEnumerable().Average(), Invoke(type, "Sequence", values), "an array as IEnumerable");
            Same(list.Average(), Invoke(type, "Sequence", list), "a List as IEnumerable");
            Same(list.Average(), Invoke(type, "List", list), "a List");
            Same(values.Average(), Invoke(type, "Array", values), "an array");
            Same(values.Average(static v => v), Invoke(type, "Selected", values), "a selector");
            Same(values.Select(static v => (decimal?)v).Average()!.Value, Invoke(type, "Nullable", values.Select(static v => (decimal?)v)), "nullable values");
            Same(values.GroupBy(static _ => 0).Single().Average(), ((Dictionary<int, decimal>)Invoke(type, "PerKey", values)!)[0], "a key's values");
            Same(await values.ToAsyncEnumerable().AverageAsync(), await (Task<decimal>)Invoke(type, "Stream", Stream())!, "a stream");
            Same(Iterator().Average(), Invoke(type, "Parallel", Iterator(), new ParallelOptions()), "an iterator, in parallel");
            Same(Iterator().Average(), Invoke(type, "Pushed", values), "an accumulator type");
            Same(Iterator().Average(), Invoke(type, "Merged", values), "an accumulator type merged into an empty one");
        }
    }

    /// <summary>
    /// A result of a type parameter where nullable annotations are off is LINQ's own 'TSource Max&lt;TSource&gt;' as
    /// written before them: null on empty for a reference type (and a Nullable&lt;T&gt;), an exception for a value type,
    /// as a reference-type result there is null on empty.
    /// </summary>
    [Fact]
    public void AnUnannotatedTypeParameterResultIsNullOnEmptyWhereLinqsIs()
    {
        var type = Build("""
            #nullable disable
            public static partial class N
            {
                [Aggregate(Min, Max)] public static partial (T, T) Range<T>(IEnumerable<T> values);
                [Aggregate(MaxBy, Of = nameof(Length))] public static partial T Longest<T>(IEnumerable<T> values) where T : class;
                private static int Length(object value) => value.ToString().Length;
                [Aggregate(Max)] public static partial string Name(IEnumerable<string> values);

                public static object Check() => (
                    Range(Array.Empty<string>()), Range(Array.Empty<int?>()), Longest(Array.Empty<string>()), Name(Array.Empty<string>()),
                    Range(new[] { "b", "a", "c" }), Longest(new[] { "ab", "abc", "xyz" }));

                public static object EmptyValueTypes() => Range(Array.Empty<int>());
            }
            """, "N");

        var r = (ITuple)Invoke(type, "Check")!;
        Assert.Equal(((string?)null, (string?)null), r[0]);
        Assert.Equal((Array.Empty<int?>().Min(), Array.Empty<int?>().Max()), r[1]);
        Assert.Null(r[2]);
        Assert.Null(r[3]);
        Assert.Equal(("a", "c"), r[4]);
        Assert.Equal(new[] { "ab", "abc", "xyz" }.MaxBy(static s => s.Length), r[5]);
        Assert.Null(Array.Empty<string>().Max());
        Assert.IsType<InvalidOperationException>(Error(() => Invoke(type, "EmptyValueTypes")));
    }

    /// <summary>
    /// With the nullable context disabled, a reference result over values of a value type (an int boxed into an
    /// `object` or an `IComparable`) throws on empty as LINQ's overload for those values does; over nullable values, or
    /// where MaxBy picks a reference element, it is null.
    /// </summary>
    [Fact]
    public void AnObliviousReferenceResultOverValueTypesThrowsOnEmptyAsLinqDoes()
    {
        var type = Build("""
            #nullable disable
            public static partial class B
            {
                [Aggregate(Min, Max)] public static partial (object, IComparable) Range(int[] values);
                [Aggregate(MaxBy, Of = nameof(Width))] public static partial object Widest(int[] values);
                [Aggregate(Min, Max)] public static partial (object, object) NullableRange(int?[] values);
                [Aggregate(MaxBy, Of = nameof(Width))] public static partial object WidestName(string[] values);
                private static int Width(object value) => value.ToString().Length;

                public static object Empty(string which) => which switch
                {
                    "range" => Range(Array.Empty<int>()),
                    "widest" => Widest(Array.Empty<int>()),
                    _ => (NullableRange(Array.Empty<int?>()), WidestName(Array.Empty<string>())),
                };

                public static object Some() => (Range(new[] { 3, 1, 2 }), Widest(new[] { 7, 100, 5 }));
            }
            """, "B");

        Assert.IsType<InvalidOperationException>(Error(() => Invoke(type, "Empty", "range")));
        Assert.IsType<InvalidOperationException>(Error(() => Invoke(type, "Empty", "widest")));
        var empty = (ITuple)Invoke(type, "Empty", "nulls")!;
        Assert.Equal(((object?)null, (object?)null, (object?)null), (((ITuple)empty[0]!)[0], ((ITuple)empty[0]!)[1], empty[1]));
        var some = (ITuple)Invoke(type, "Some")!;
        Assert.Equal(((object)1, (object)3, (object)100), (((ITuple)some[0]!)[0], ((ITuple)some[0]!)[1], some[1]));
    }

    [Fact]
    public void TypeParameterSourcesNullableElementsAndUnusualParametersCompileAndRun()
    {
        var type = Build("""
            public sealed class Node { public string? Label { get; init; } public Node? Next { get; init; } public int Weight { get; init; } public bool Active => Weight > 0; }

            public static partial class P
            {
                [Aggregate(Count, Sum)]
                public static partial (int, long) OverConstrained<TSource>(TSource source) where TSource : IEnumerable<int>;

                // Never an array or a list: read by foreach alone (no conversion to IEnumerable<T>, which would box).
                [Aggregate(Sum, Average)]
                public static partial (long, double) MaybeRefStruct<TSource>(TSource source) where TSource : IEnumerable<int>, allows ref struct;

                [Aggregate(Sum, Of = nameof(Node.Weight), Where = nameof(Node.Active))]
                [Aggregate(Max, Of = "Next.Weight")]
                public static partial (int, int?) Nodes(IEnumerable<Node?> nodes);

                private static int Scaled(Node? node, int factor) => (node?.Weight ?? 0) * factor;

                [Aggregate(Max, Of = nameof(Scaled))]
                public static partial int MaxScaled(ref readonly List<Node?> nodes, in int factor, params int[] ignored);

                public static object Check()
                {
                    var nodes = new List<Node?> { new() { Weight = 2, Next = new() { Weight = 9 } }, new() { Weight = -1, Next = new() { Weight = 4 } } };
                    var factor = 3;
                    return (OverConstrained(new HashSet<int> { 1, 2, 3 }), Nodes(nodes), MaxScaled(in nodes, in factor), MaybeRefStruct(new List<int> { 1, 2 }));
                }
            }
            """, "P");

        var r = (ITuple)Invoke(type, "Check")!;
        Assert.Equal((3, 6L), r[0]);
        Assert.Equal((2, (int?)9), r[1]);
        Assert.Equal(6, r[2]);
        Assert.Equal((3L, 1.5), r[3]);
    }

    [Fact]
    public void UnusualSourcesOperatorsAndNamesCompileAndMatchLinq()
    {
        var type = Build("""
            namespace A.@event
            {
                public partial interface IShape<out T>
                {
                    [Aggregate(Max)] public static partial int Widest(int[] widths);
                }

                public static partial class U
                {
                    // params spans are implicitly scoped.
                    [Aggregate(Sum, Max)] public static partial (long, int) Params(params ReadOnlySpan<int> values);

                    // MatchCollection implements IEnumerable<Match>, but its GetEnumerator() yields object.
                    [Aggregate(Max, Of = nameof(System.Text.RegularExpressions.Match.Index))]
                    public static partial int LastIndex(System.Text.RegularExpressions.MatchCollection matches);

                    // char implements its generic-math operators explicitly.
                    [Aggregate(Agg.Sum)] public static partial char CharSum(string text);

                    // Overloads that differ only in arity.
                    [Aggregate(Agg.Sum)] public static partial int F(int[] values);
                    [Aggregate(Agg.Sum)] public static partial int F<T>(int[] values);

                    // LINQ's own signature: null on empty for reference types, an exception for value types.
                    [Aggregate(Max)] public static partial T? MaxOf<T>(IEnumerable<T> values);

                    public static object Check() => (
                        Params(3, 9, 1),
                        LastIndex(System.Text.RegularExpressions.Regex.Matches("a-b--c", "-")),
                        CharSum(""),
                        F(new[] { 1, 2 }) + F<string>(new[] { 3 }),
                        MaxOf(Array.Empty<string>()),
                        MaxOf(new[] { 4, 8, 2 }),
                        IShape<string>.Widest(new[] { 2, 5 }));

                    public static object EmptyValueTypes() => MaxOf(Array.Empty<int>());
                }
            }
            """, "A.event.U");

        var r = (ITuple)Invoke(type, "Check")!;
        Assert.Equal((13L, 9), r[0]);
        Assert.Equal(4, r[1]);
        Assert.Equal('\u0003', r[2]);
        Assert.Equal(6, r[3]);
        Assert.Null(r[4]);
        Assert.Equal(8, r[5]);
        Assert.Equal(5, r[6]);
        Assert.Throws<InvalidOperationException>(() => Enumerable.Max(Array.Empty<int>()));
        Assert.IsType<InvalidOperationException>(Error(() => Invoke(type, "EmptyValueTypes")));
    }

    /// <summary>
    /// A sequence type nested in a generic type has no type arguments of its own, though Roslyn calls it generic
    /// (<c>IsGenericType</c> counts the containing type's): it is read through its <c>IEnumerable&lt;T&gt;</c>, where the
    /// well-known sources' test had crashed the generator (MAGG199).
    /// </summary>
    [Fact]
    public void SequencesNestedInGenericTypesAreReadAsSequences()
    {
        var type = Build("""
            public static partial class S
            {
                [Aggregate(Sum, Count)] public static partial (int, int) Values(Dictionary<string, int>.ValueCollection values);
                [Aggregate(Max)] public static partial string? Keys(Dictionary<string, int>.KeyCollection keys);
                [Aggregate(Sum)] public static partial long Built(System.Collections.Immutable.ImmutableArray<int>.Builder values);

                public static object Check()
                {
                    var d = new Dictionary<string, int> { ["a"] = 3, ["b"] = 4 };
                    var builder = System.Collections.Immutable.ImmutableArray.CreateBuilder<int>();
                    builder.AddRange(5, 6);
                    return (Values(d.Values), Keys(d.Keys), Built(builder));
                }
            }
            """);

        Assert.Equal(((7, 2), "b", 11L), Invoke(type, "Check"));
    }

    [Fact]
    public void ComparerPathSkipsNullsLikeLinq()
    {
        var type = Build("""
            public enum Level { Low, Mid, High }
            public readonly record struct Version(int Major, int Minor) : IComparable<Version>
            {
                public int CompareTo(Version other) => (Major, Minor).CompareTo((other.Major, other.Minor));
            }

            public static partial class C
            {
                [Aggregate(Min, Max)] public static partial (string? Min, string? Max) Words(IEnumerable<string?> words);
                [Aggregate(Min, Max)] public static partial (string Min, string Max) StrictWords(List<string?> words);
                [Aggregate(Min, Max)] public static partial (Level Min, Level Max) Levels(Level[] levels);
                [Aggregate(Max)] public static partial Version? Newest(IEnumerable<Version?> versions);
                [Aggregate(Min, Max)] public static partial (char, char) Letters(string text);

                public static object Check() => (
                    Words(new[] { "pear", null, "apple", "fig" }),
                    Words(new string?[] { null, null }),
                    Levels(new[] { Level.Mid, Level.High, Level.Low }),
                    Newest(new Version?[] { new(1, 2), null, new(1, 10), new(0, 99) }),
                    Letters("multiagg"));

                public static object Empty() => StrictWords(new List<string?> { null });
            }
            """, "C");

        var r = (ITuple)Invoke(type, "Check")!;
        Assert.Equal(("apple", "pear"), r[0]);
        Assert.Equal(((string?)null, (string?)null), r[1]);
        Assert.Equal("(Low, High)", r[2]!.ToString());
        Assert.Equal("Version { Major = 1, Minor = 10 }", r[3]!.ToString());
        Assert.Equal(('a', 'u'), r[4]);
        Assert.IsType<InvalidOperationException>(Error(() => Invoke(type, "Empty")));
    }

    /// <summary>
    /// A type comparable only through its base type's <c>IComparable&lt;Base&gt;</c> is comparable to LINQ (the interface
    /// is contravariant: <c>Comparer&lt;Circle&gt;.Default</c> uses it), for Min/Max and for MinBy/MaxBy keys alike.
    /// </summary>
    [Fact]
    public void ATypeComparableThroughItsBaseIsComparedAsLinqDoes()
    {
        var type = Build("""
            public abstract class Shape : IComparable<Shape>
            {
                public abstract double Area { get; }

                public int CompareTo(Shape? other) => other is null ? 1 : Area.CompareTo(other.Area);
            }

            public sealed class Circle(double radius) : Shape
            {
                public override double Area => Math.PI * radius * radius;

                public override string ToString() => $"Circle({radius})";
            }

            public sealed record Part(string Name, Circle Outline);

            public static partial class S
            {
                [Aggregate(Min, Max)] public static partial (Circle Min, Circle Max) Extremes(IEnumerable<Circle> circles);
                [Aggregate(MinBy, MaxBy, Of = nameof(Part.Outline))] public static partial (Part Smallest, Part Largest) Parts(Part[] parts);

                public static object Check()
                {
                    var circles = new[] { new Circle(2), new Circle(1), new Circle(3) };
                    var parts = circles.Select((c, i) => new Part("p" + i, c)).ToArray();
                    return (Extremes(circles), (circles.Min(), circles.Max()), Parts(parts), (parts.MinBy(p => p.Outline), parts.MaxBy(p => p.Outline)));
                }
            }
            """, "S");

        var r = (ITuple)Invoke(type, "Check")!;
        Assert.Equal("(Circle(1), Circle(3))", r[0]!.ToString());
        Assert.Equal(r[1]!.ToString(), r[0]!.ToString());
        Assert.Equal(r[3]!.ToString(), r[2]!.ToString());
        Assert.Contains("p1", r[2]!.ToString());
    }

    [Fact]
    public void GenericMathSumsAndAveragesUserNumbers()
    {
        var type = Build("""
            public static partial class G
            {
                [Aggregate(Sum, Average)] public static partial (T Sum, T Mean) Of<T>(IReadOnlyList<T> values) where T : INumber<T>;
                [Aggregate(Sum)] public static partial BigInteger Big(IEnumerable<BigInteger> values);
                [Aggregate(Sum, Min, Max)] public static partial (Int128, Int128, Int128) Wide(Int128[] values);

                public static object Check() => (
                    Of<double>(new[] { 1.0, 2.0, 4.5 }),
                    Of<decimal>(new[] { 1m, 2m }),
                    Big(new[] { BigInteger.Pow(10, 30), BigInteger.One }),
                    Wide(new Int128[] { Int128.MaxValue / 2, 5, -7 }));

                public static object Overflow() => Wide(new[] { Int128.MaxValue, Int128.One });
                public static object EmptyAverage() => Of<int>(Array.Empty<int>());
            }
            """, "G");

        var r = (ITuple)Invoke(type, "Check")!;
        Assert.Equal((7.5, 2.5), r[0]);
        Assert.Equal((3m, 1.5m), r[1]);
        Assert.Equal(System.Numerics.BigInteger.Pow(10, 30) + 1, r[2]);
        Assert.Equal((Int128.MaxValue / 2 - 2, (Int128)(-7), Int128.MaxValue / 2), r[3]);
        Assert.IsType<OverflowException>(Error(() => Invoke(type, "Overflow")));
        Assert.IsType<InvalidOperationException>(Error(() => Invoke(type, "EmptyAverage")));
    }

    [Fact]
    public void WiderDeclaredTypesChooseWiderAccumulators()
    {
        var type = Build("""
            public static partial class W
            {
                [Aggregate(Sum, Sum, Sum, Average, Min, Count)]
                public static partial (long AsLong, double AsDouble, decimal AsDecimal, decimal AvgDecimal, long MinAsLong, long CountAsLong) Widened(int[] values);

                [Aggregate(Sum, Average)]
                public static partial (double, double) FloatsAsDoubles(float[] values);

                public static object Check() => (
                    Widened(new[] { int.MaxValue, int.MaxValue, 1 }),
                    FloatsAsDoubles(new[] { 0.1f, 0.2f }));
            }
            """, "W");

        var r = (ITuple)Invoke(type, "Check")!;
        var big = 2L * int.MaxValue + 1;
        Assert.Equal((big, (double)big, (decimal)big, (decimal)big / 3, 1L, 3L), r[0]);
        Assert.Equal(((double)0.1f + 0.2f, ((double)0.1f + 0.2f) / 2), r[1]);
    }

    [Fact]
    public async Task AsyncSourceHonoursItsCancellationTokenAndReadsOnce()
    {
        var type = Build("""
            public static partial class A
            {
                [Aggregate(Count, Sum, Max)]
                public static partial Task<(int Count, int Sum, int Max)> Stats(IAsyncEnumerable<int> values, CancellationToken cancellationToken);

                [Aggregate(Average)]
                public static partial ValueTask<double?> Mean(IAsyncEnumerable<int> values);

                public static int Pulled;

                // A source that ignores cancellation entirely: the generated loop must still stop.
                public static async IAsyncEnumerable<int> Deaf(int n)
                {
                    for (var i = 1; i <= n; i++) { Pulled++; await Task.Yield(); yield return i; }
                }

                public static async Task<object> Check()
                {
                    var full = await Stats(Deaf(10), default);
                    using var cts = new CancellationTokenSource();
                    Pulled = 0;
                    var source = Cancelling(Deaf(1000), cts, after: 3);
                    Exception? error = null;
                    try { await Stats(source, cts.Token); } catch (Exception e) { error = e; }
                    return (full, error?.GetType().Name, Pulled, await Mean(Deaf(0)), await Mean(Deaf(4)));
                }

                private static async IAsyncEnumerable<int> Cancelling(IAsyncEnumerable<int> inner, CancellationTokenSource cts, int after)
                {
                    var seen = 0;
                    await foreach (var x in inner) { if (++seen == after) cts.Cancel(); yield return x; }
                }
            }
            """, "A");

        var task = (Task<object>)Invoke(type, "Check")!;
        var r = (ITuple)await task;
        Assert.Equal((10, 55, 10), r[0]);
        Assert.Equal("OperationCanceledException", r[1]);
        Assert.Equal(3, r[2]);
        Assert.Null(r[3]);
        Assert.Equal(2.5, r[4]);
    }

    [Fact]
    public void SynchronousMethodChecksItsCancellationTokenBeforeEachElement()
    {
        var type = Build("""
            public static partial class C
            {
                [Aggregate(Sum, Max)]
                public static partial (long Sum, int Max) OfSequence(IEnumerable<int> values, CancellationToken cancellationToken);

                [Aggregate(Sum, Max)]
                public static partial (long Sum, int Max) OfList(IReadOnlyList<int> values, CancellationToken cancellationToken);

                // Vectorized over the array; the rest element by element.
                [Aggregate(Sum, Max)]
                public static partial (long Sum, int Max) OfArray(int[] values, CancellationToken cancellationToken);

                [Aggregate(Sum, Of = nameof(Watch))]
                public static partial long Watched(int[] values, CancellationTokenSource source, CancellationToken cancellationToken);

                [Aggregate(Count)]
                [GroupBy(nameof(Parity))]
                public static partial Dictionary<int, int> ByParity(IEnumerable<int> values, CancellationToken cancellationToken);

                public static int Pulled;
                public static int Parity(int x) => x % 2;

                // Cancels its token at the third element it reads.
                public static int Watch(int x, CancellationTokenSource source) { if (++Pulled == 3) source.Cancel(); return x; }

                public static IEnumerable<int> Counting(int n, CancellationTokenSource? source = null)
                {
                    for (var i = 1; i <= n; i++) { if (++Pulled == 3) source?.Cancel(); yield return i; }
                }

                private static string Outcome(Func<object> run)
                {
                    try { return run().ToString()!; } catch (OperationCanceledException) { return "cancelled after " + Pulled; }
                }

                public static object Check()
                {
                    var array = Enumerable.Range(1, 100).ToArray();
                    var cancelled = new CancellationToken(canceled: true);
                    Pulled = 0;
                    var full = (OfSequence(Counting(10), default), OfList(array, default), OfArray(array, default), ByParity(array, default).Count);
                    Pulled = 0;
                    using var midway = new CancellationTokenSource();
                    var sequence = Outcome(() => OfSequence(Counting(1000, midway), midway.Token));
                    Pulled = 0;
                    using var watched = new CancellationTokenSource();
                    var selector = Outcome(() => Watched(array, watched, watched.Token));
                    Pulled = 0;
                    using var grouped = new CancellationTokenSource();
                    var byKey = Outcome(() => ByParity(Counting(1000, grouped), grouped.Token));
                    Pulled = 0;
                    // 64 elements are whole vectors of any width: only the vector loop reads them.
                    var vectors = Enumerable.Range(1, 64).ToArray();
                    return (full, sequence, selector, byKey,
                        Outcome(() => OfList(array, cancelled)), Outcome(() => OfArray(vectors, cancelled)), Outcome(() => OfArray(new[] { 1, 2, 3 }, cancelled)),
                        Outcome(() => Watched(Array.Empty<int>(), null!, cancelled)));
                }
            }
            """, "C");

        var r = (ITuple)Invoke(type, "Check")!;
        Assert.Equal(((55L, 10), (5050L, 100), (5050L, 100), 2), r[0]);
        // The token is cancelled while the third element is read, and seen before the fourth.
        Assert.Equal("cancelled after 3", r[1]);
        Assert.Equal("cancelled after 3", r[2]);
        Assert.Equal("cancelled after 3", r[3]);
        // Cancelled already: the first read throws, whether by index, by vector or element by element; with nothing to
        // read, nothing checks the token.
        Assert.Equal("cancelled after 0", r[4]);
        Assert.Equal("cancelled after 0", r[5]);
        Assert.Equal("cancelled after 0", r[6]);
        Assert.Equal("0", r[7]);
    }

    [Theory]
    [InlineData(LanguageVersion.CSharp9, NullableContextOptions.Enable)]
    [InlineData(LanguageVersion.CSharp9, NullableContextOptions.Disable)]
    [InlineData(LanguageVersion.CSharp10, NullableContextOptions.Annotations)]
    [InlineData(LanguageVersion.Latest, NullableContextOptions.Disable)]
    public void OutputIsWarningFreeFromCSharp9OnWithAnyNullableContext(LanguageVersion version, NullableContextOptions nullable)
    {
        var source = """
            using System;
            using System.Collections.Generic;
            using System.Threading;
            using System.Threading.Tasks;
            using MultiAgg;
            using static MultiAgg.Agg;

            namespace Compat
            {
                public class Item { public string Name { get; set; } = ""; public double? Score { get; set; } public Item Parent { get; set; } = null!; }

                public static partial class Stats
                {
                    [Aggregate(Count, Min, Max, Of = "Name")]
                    [Aggregate(Average, Max, Of = "Score")]
                    [Aggregate(Count, Of = "Parent.Name")]
                    public static partial (int, string, string, double?, double?, int) Of(IEnumerable<Item> items);

                    [Aggregate(Sum, Min)]
                    public static partial Task<(long, int?)> OfAsync(IAsyncEnumerable<int> items, CancellationToken token);

                    [Aggregate(Sum, Average)]
                    internal static partial (decimal, decimal?) Money(ReadOnlySpan<decimal> values);
            #nullable enable
                    // A source declared nullable: the span test reads it only once the guard has thrown for null.
                    [Aggregate(Sum, Max)]
                    public static partial (long, int) Maybe(IEnumerable<int>? values);
            #nullable restore
                }
            }
            """;
        var compilation = TestCompiler.Compile(source, version, checkOverflow: true, nullable: nullable);
        TestCompiler.Run(compilation).AssertClean();
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private static Type Build(string body, string typeName = "S", bool checkOverflow = false)
    {
        var result = TestCompiler.Run(Usings + body, checkOverflow: checkOverflow).AssertClean();
        return TestCompiler.Load(result.Output).GetType(typeName, throwOnError: true)!;
    }

    private static object? Invoke(Type type, string method, params object?[] args)
    {
        try
        {
            return type.GetMethod(method, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)!.Invoke(null, args);
        }
        catch (TargetInvocationException e)
        {
            ExceptionDispatchInfoThrow(e.InnerException!);
            throw;
        }
    }

    private static void ExceptionDispatchInfoThrow(Exception e) => System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e).Throw();

    private static Exception? Error(Func<object?> action)
    {
        try
        {
            action();
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }
}
