using System.Reflection;
using System.Runtime.CompilerServices;
using MultiAgg.Generators.Tests.Infrastructure;

namespace MultiAgg.Generators.Tests;

/// <summary>
/// CPU-parallel methods (a <c>ParallelOptions</c> parameter, DESIGN.md §7) against the sequential method with the same
/// attributes: every source shape, degrees of parallelism 1, 2, 3 and 8, sizes around the block size. Exact aggregates
/// equal the sequential method's; floating-point sums are the same bits for every degree of parallelism.
/// </summary>
[Collection(ConcurrencyCollection.Name)]
public class ParallelTests
{
    private const string Exact = """
        [Aggregate(Count, LongCount)]
        [Aggregate(Sum, Min, Max, Average, Of = nameof(Item.Id))]
        [Aggregate(Sum, Min, Max, Average, Of = nameof(Item.Quantity))]
        [Aggregate(Min, Max, Of = nameof(Item.Score))]
        [Aggregate(Sum, Max, Of = nameof(Item.Price), Where = nameof(Item.Ok))]
        [Aggregate(First, LastOrDefault, MinBy, MaxBy, Of = nameof(Item.Score))]
        [Aggregate(Any, All, Of = nameof(Item.Ok))]
        [Aggregate(CountDistinct, Of = nameof(Item.Region))]
        """;

    private const string ExactResult =
        "(int, long, long, int?, int?, double?, int, int?, int?, double?, double?, double?, decimal, decimal?, double?, double?, Item?, Item?, bool, bool, int)";

    private const string Floating = """
        [Aggregate(Sum, Average, Variance, StdDevP, Of = nameof(Item.Score))]
        [Aggregate(typeof(KahanNeumaierSum), Of = nameof(Item.Score))]
        """;

    private const string FloatingResult = "(double, double?, double?, double?, double)";

    private const string Grouped = """
        [GroupBy(nameof(Item.Region))]
        [Aggregate(Sum, Max, Of = nameof(Item.Id))]
        [Aggregate(Count, Where = nameof(Item.Ok))]
        """;

    private const string GroupedResult = "Dictionary<string, (long, int, int)>";

    /// <summary>Each source shape a parallel method takes, and how the test hands it the items.</summary>
    private static readonly (string Name, string Type, string From)[] Shapes =
    {
        ("Array", "Item[]", "items"),
        ("List", "List<Item>", "items.ToList()"),
        ("IList", "IList<Item>", "items"),
        ("IReadOnlyList", "IReadOnlyList<Item>", "items.ToList()"),
        ("ImmutableArray", "ImmutableArray<Item>", "items.ToImmutableArray()"),
        ("Memory", "ReadOnlyMemory<Item>", "items.AsMemory()"),
        ("Sequence", "IEnumerable<Item>", "Stream(items)"),
    };

    private static readonly Lazy<Type> Program = new(Compile);

    private static Type Compile()
    {
        var source = new System.Text.StringBuilder("""
            using System;
            using System.Collections.Generic;
            using System.Collections.Immutable;
            using System.Linq;
            using System.Threading;
            using System.Threading.Tasks;
            using MultiAgg;
            using MultiAgg.Accumulators;
            using static MultiAgg.Agg;

            public sealed record Item(int Id, string Region, double Score, int? Quantity, bool Ok, decimal Price);

            public static partial class P
            {
                public static IEnumerable<Item> Stream(Item[] items) { foreach (var item in items) yield return item; }

            """);
        foreach (var (attributes, result, name) in new[] { (Exact, ExactResult, "Exact"), (Floating, FloatingResult, "Floating"), (Grouped, GroupedResult, "Grouped") })
        {
            source.AppendLine(attributes).AppendLine($"public static partial {result} {name}(IEnumerable<Item> items);");
            foreach (var (shape, type, from) in Shapes)
            {
                source.AppendLine(attributes).AppendLine($"public static partial {result} {name}{shape}({type} items, ParallelOptions options);");
                source.AppendLine($"public static object Run{name}{shape}(Item[] items, ParallelOptions options) => {name}{shape}({from}, options);");
            }
        }

        source.AppendLine("}");
        var output = TestCompiler.Run(source.ToString()).AssertClean().Output;
        return TestCompiler.Load(output).GetType("P")!;
    }

    public static TheoryData<string> ShapeNames => new(Shapes.Select(static s => s.Name));

    /// <summary>
    /// <paramref name="count"/> random items. With <paramref name="special"/>, some scores are NaN and infinities (whose
    /// Min, Max, MinBy and MaxBy follow LINQ's rules), and the ids are small but for a running total that leaves <c>int</c>'s
    /// range just before the first block's end and comes back after it (the exact total fits, so no aggregate may throw).
    /// </summary>
    private static object[] Items(Type program, int count, int seed, bool special = false)
    {
        var item = program.Assembly.GetType("Item")!;
        var random = new Random(seed);
        string[] regions = { "EU", "US", "APAC", "LATAM", "eu" };
        var items = Array.CreateInstance(item, count);
        for (var i = 0; i < count; i++)
        {
            int? quantity = random.Next(5) == 0 ? null : random.Next(-50, 1000);
            var score = random.Next(50) == 0 ? -0.0 : Math.Round((random.NextDouble() - 0.3) * 1e6, random.Next(8));
            var id = i - (count / 3);
            if (special)
            {
                score = (i % 997) switch { 5 => double.NaN, 6 => double.PositiveInfinity, 7 => double.NegativeInfinity, _ => score };
                id = i switch { 4094 => int.MaxValue, 4095 => 1, 4096 => -2, 4097 => -int.MaxValue, _ => i % 7 };
            }

            items.SetValue(Activator.CreateInstance(item, id, regions[random.Next(regions.Length)], score, quantity, random.Next(3) != 0, (decimal)random.Next(-100_000, 100_000) / 100m), i);
        }

        return new object[] { items };
    }

    private static string Invoke(Type program, string method, object items, ParallelOptions? options = null)
    {
        try
        {
            var arguments = options is null ? new[] { items } : new[] { items, options };
            var result = program.GetMethod(method)!.Invoke(null, arguments);
            return result is System.Collections.IDictionary dictionary
                ? string.Join("; ", dictionary.Keys.Cast<object>().Select(k => $"{k}={dictionary[k]}"))   // keys in the dictionary's order
                : result?.ToString() ?? "null";
        }
        catch (TargetInvocationException e)
        {
            return e.InnerException!.GetType().Name + ": " + e.InnerException.Message;
        }
    }

    [Theory]
    [MemberData(nameof(ShapeNames))]
    public void ExactAggregatesEqualTheSequentialMethodForEveryDegree(string shape)
    {
        var program = Program.Value;
        foreach (var count in new[] { 0, 1, 4096, 4097, 30_000 })
        {
            var items = Items(program, count, seed: count);
            var expected = Invoke(program, "Exact", items[0]);
            foreach (var degree in new[] { 1, 2, 3, 8 })
            {
                var actual = Invoke(program, "RunExact" + shape, items[0], new ParallelOptions { MaxDegreeOfParallelism = degree });
                Assert.True(expected == actual, $"{shape}, {count} items, degree {degree}:\nsequential {expected}\nparallel   {actual}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(ShapeNames))]
    public void ExactAggregatesEqualTheSequentialMethodOverNaNInfinitiesAndARunningTotalPastTheRange(string shape)
    {
        var program = Program.Value;
        foreach (var count in new[] { 4098, 4099, 30_000 })
        {
            var items = Items(program, count, seed: count, special: true);
            var expected = Invoke(program, "Exact", items[0]);
            Assert.DoesNotContain("Exception", expected, StringComparison.Ordinal);
            Assert.Contains("NaN", expected, StringComparison.Ordinal);
            foreach (var degree in new[] { 2, 3, 8 })
            {
                var actual = Invoke(program, "RunExact" + shape, items[0], new ParallelOptions { MaxDegreeOfParallelism = degree });
                Assert.True(expected == actual, $"{shape}, {count} items, degree {degree}:\nsequential {expected}\nparallel   {actual}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(ShapeNames))]
    public void FloatingSumsAreTheSameBitsForEveryDegreeAndCloseToTheSequentialLoop(string shape)
    {
        var program = Program.Value;
        foreach (var count in new[] { 0, 1, 4097, 50_000 })
        {
            var items = Items(program, count, seed: 7 + count);
            var once = Invoke(program, "RunFloating" + shape, items[0], new ParallelOptions { MaxDegreeOfParallelism = 1 });
            foreach (var degree in new[] { 2, 3, 8 })
            {
                Assert.Equal(once, Invoke(program, "RunFloating" + shape, items[0], new ParallelOptions { MaxDegreeOfParallelism = degree }));
            }

            var sequential = (System.Runtime.CompilerServices.ITuple)program.GetMethod("Floating")!.Invoke(null, items)!;
            var parallel = (System.Runtime.CompilerServices.ITuple)program.GetMethod("RunFloating" + shape)!.Invoke(null, new[] { items[0], new ParallelOptions { MaxDegreeOfParallelism = 2 } })!;
            for (var i = 0; i < sequential.Length; i++)
            {
                var (s, p) = ((double?)sequential[i], (double?)parallel[i]);
                Assert.Equal(s is null, p is null);
                if (s is { } x)
                {
                    Assert.Equal(x, p!.Value, Math.Max(1e-9, Math.Abs(x) * 1e-12));
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(ShapeNames))]
    public void GroupedKeysComeInFirstSeenOrderWithTheSequentialResults(string shape)
    {
        var program = Program.Value;
        foreach (var count in new[] { 0, 3, 4097, 30_000 })
        {
            var items = Items(program, count, seed: 100 + count);
            var expected = Invoke(program, "Grouped", items[0]);
            foreach (var degree in new[] { 1, 2, 8 })
            {
                Assert.Equal(expected, Invoke(program, "RunGrouped" + shape, items[0], new ParallelOptions { MaxDegreeOfParallelism = degree }));
            }
        }
    }

    private const string Probes = """
        using System;
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using MultiAgg;
        using static MultiAgg.Agg;

        public static partial class Q
        {
            public static int InFlight, Peak, Calls, ThrowAt = -1, Rendezvous, CancelAt = -1, OffScheduler, CallsWhenCancelled, Pulled;
            public static CancellationTokenSource? Canceller;
            public static TaskScheduler? Scheduler;

            public static void Reset()
            {
                (InFlight, Peak, Calls, ThrowAt, Rendezvous, CancelAt, OffScheduler, CallsWhenCancelled, Pulled) = (0, 0, 0, -1, 0, -1, 0, 0, 0);
                (Canceller, Scheduler) = (null, null);
            }

            [Aggregate(Sum, Of = nameof(Slow))]
            public static partial long Total(int[] values, ParallelOptions options);

            [Aggregate(Sum, Of = nameof(Slow))]
            public static partial long TotalOf(IEnumerable<int> values, ParallelOptions options);

            // The method's own token cancels it as the options' does.
            [Aggregate(Sum, Of = nameof(Slow))]
            public static partial long TotalWithToken(int[] values, ParallelOptions options, CancellationToken cancellationToken);

            [Aggregate(Sum, Of = nameof(Slow))]
            public static partial long TotalOfWithToken(IEnumerable<int> values, ParallelOptions options, CancellationToken cancellationToken);

            [Aggregate(Any, Where = nameof(Marked))]
            public static partial bool AnyMarked(IEnumerable<int> values, ParallelOptions options);

            // Element 0 decides (or fails), once another block has started; every other element takes a millisecond.
            [Aggregate(Any, Where = nameof(ZeroOrSlow))]
            public static partial bool AnyZero(int[] values, ParallelOptions options);

            private static bool ZeroOrSlow(int value)
            {
                Interlocked.Increment(ref Calls);
                if (value == 0) SpinWait.SpinUntil(() => Volatile.Read(ref Calls) >= 2, TimeSpan.FromSeconds(30));
                if (value == ThrowAt) throw new InvalidOperationException("boom at " + value);
                if (value != 0) Thread.Sleep(1);
                return value == 0;
            }

            /// <summary>An element a millisecond, for ever; cancels <see cref="Canceller"/> as it gives <paramref name="cancelAt"/>.</summary>
            public static IEnumerable<int> Trickle(int cancelAt)
            {
                for (var i = 0; ; i++)
                {
                    Interlocked.Increment(ref Pulled);
                    if (i == cancelAt) Canceller!.Cancel();
                    Thread.Sleep(1);
                    yield return i;
                }
            }

            /// <summary>Its first <paramref name="fast"/> elements at once, then one a millisecond, for ever.</summary>
            public static IEnumerable<int> SlowAfter(int fast)
            {
                for (var i = 0; ; i++)
                {
                    Interlocked.Increment(ref Pulled);
                    if (i >= fast) Thread.Sleep(1);
                    yield return i;
                }
            }

            // Decided by the two together: each block's own state cannot tell when.
            [Aggregate(Any, Where = nameof(IsZero))]
            [Aggregate(Any, Where = nameof(IsThrowAtOrMarked))]
            public static partial (bool, bool) BothFound(int[] values, ParallelOptions options);

            [Aggregate(Any, Where = nameof(IsZero))]
            [Aggregate(Any, Where = nameof(IsThrowAtOrMarked))]
            public static partial (bool, bool) BothFoundOf(IEnumerable<int> values, ParallelOptions options);

            [Aggregate(Any, Where = nameof(IsZero))]
            [Aggregate(Any, Where = nameof(IsThrowAtOrMarked))]
            public static partial (bool, bool) BothFoundSequentially(IEnumerable<int> values);

            // First reads its value only until it has one: the sequential loop never calls Parse after element 0.
            [Aggregate(Any, Where = nameof(IsZero))]
            [Aggregate(First, Of = nameof(Parse))]
            [Aggregate(Any, Where = nameof(IsThrowAtOrMarked))]
            public static partial (bool, int, bool) FirstAndBoth(int[] values, ParallelOptions options);

            [Aggregate(Any, Where = nameof(IsZero))]
            [Aggregate(First, Of = nameof(Parse))]
            [Aggregate(Any, Where = nameof(IsThrowAtOrMarked))]
            public static partial (bool, int, bool) FirstAndBothOf(IEnumerable<int> values, ParallelOptions options);

            [Aggregate(Any, Where = nameof(IsZero))]
            [Aggregate(First, Of = nameof(Parse))]
            [Aggregate(Any, Where = nameof(IsThrowAtOrMarked))]
            public static partial (bool, int, bool) FirstAndBothSequentially(IEnumerable<int> values);

            // An Any, or a First, beside a Sum that reads every element: nothing decides early, but the sequential loop
            // calls the Any's filter (the First's Of) only until it is found.
            [Aggregate(Sum)]
            [Aggregate(Any, Where = nameof(IsThrowAtOrMarked))]
            [Aggregate(First, Of = nameof(Parse))]
            public static partial (int, bool, int) SumBesideDecided(int[] values, ParallelOptions options);

            [Aggregate(Sum)]
            [Aggregate(Any, Where = nameof(IsThrowAtOrMarked))]
            [Aggregate(First, Of = nameof(Parse))]
            public static partial (int, bool, int) SumBesideDecidedOf(IEnumerable<int> values, ParallelOptions options);

            [Aggregate(Sum)]
            [Aggregate(Any, Where = nameof(IsThrowAtOrMarked))]
            [Aggregate(First, Of = nameof(Parse))]
            public static partial (int, bool, int) SumBesideDecidedSequentially(IEnumerable<int> values);

            // A First beside a Count: the attribute is never decided, but First reads its Of only until it has a value.
            [Aggregate(First, Agg.Count, Of = nameof(Parse))]
            public static partial (int, int) FirstBesideCount(int[] values, ParallelOptions options);

            [Aggregate(First, Agg.Count, Of = nameof(Parse))]
            public static partial (int, int) FirstBesideCountOf(IEnumerable<int> values, ParallelOptions options);

            [Aggregate(First, Agg.Count, Of = nameof(Parse))]
            public static partial (int, int) FirstBesideCountSequentially(IEnumerable<int> values);

            [GroupBy(nameof(Parity))]
            [Aggregate(First, Agg.Count, Of = nameof(Parse))]
            public static partial Dictionary<int, (int, int)> FirstBesideCountPerParity(int[] values, ParallelOptions options);

            [GroupBy(nameof(Parity))]
            [Aggregate(First, Agg.Count, Of = nameof(Parse))]
            public static partial Dictionary<int, (int, int)> FirstBesideCountPerParitySequentially(IEnumerable<int> values);

            // Per key (odd or even), each decided on its own: the sequential loop stops asking a key's Any once it is found.
            [GroupBy(nameof(Parity))]
            [Aggregate(Any, Where = nameof(IsThrowAtOrMarked))]
            [Aggregate(Agg.Count)]
            public static partial Dictionary<int, (bool, int)> AnyPerParity(int[] values, ParallelOptions options);

            [GroupBy(nameof(Parity))]
            [Aggregate(Any, Where = nameof(IsThrowAtOrMarked))]
            [Aggregate(Agg.Count)]
            public static partial Dictionary<int, (bool, int)> AnyPerParityOf(IEnumerable<int> values, ParallelOptions options);

            [GroupBy(nameof(Parity))]
            [Aggregate(Any, Where = nameof(IsThrowAtOrMarked))]
            [Aggregate(Agg.Count)]
            public static partial Dictionary<int, (bool, int)> AnyPerParitySequentially(IEnumerable<int> values);

            private static int Parity(int value) => value % 2;

            // A selector that fails as the caller cancels (the caller's token is Canceller's): true at 0.
            [Aggregate(Sum)]
            [Aggregate(Any, Where = nameof(IsZeroOrCancelsAndThrows))]
            public static partial (int, bool) SumBesideCancelling(int[] values, ParallelOptions options);

            private static bool IsZeroOrCancelsAndThrows(int value)
            {
                if (value != ThrowAt) return value == 0;
                Canceller!.Cancel();
                throw new InvalidOperationException("boom at " + value);
            }

            public static int ParseFailsAt = -1;

            private static int Parse(int value) => value == ParseFailsAt ? throw new FormatException("cannot parse " + value) : value;

            private static bool IsZero(int value) => value == 0;

            /// <summary>Throws at <see cref="ThrowAt"/>; true at <see cref="CancelAt"/> (used here as the mark).</summary>
            private static bool IsThrowAtOrMarked(int value) => value == ThrowAt ? throw new InvalidOperationException("boom at " + value) : value == CancelAt;

            private static long Slow(int value)
            {
                var now = Interlocked.Increment(ref InFlight);
                for (var peak = Peak; now > peak && Interlocked.CompareExchange(ref Peak, now, peak) != peak; peak = Peak) { }
                Interlocked.Increment(ref Calls);
                try
                {
                    if (value == ThrowAt) throw new InvalidOperationException("boom at " + value);
                    if (value == CancelAt) { Canceller!.Cancel(); CallsWhenCancelled = Volatile.Read(ref Calls); }
                    if (Scheduler is not null && TaskScheduler.Current != Scheduler) Interlocked.Increment(ref OffScheduler);

                    // The first element of a block waits (a while at most) for the other workers: however busy the
                    // thread pool, the limit is reached, not only respected.
                    if (Rendezvous > 0 && Volatile.Read(ref Peak) < Rendezvous && value % 4096 == 0) SpinWait.SpinUntil(() => Volatile.Read(ref InFlight) >= Rendezvous, TimeSpan.FromSeconds(30));
                    Thread.SpinWait(300);
                    return value;
                }
                finally
                {
                    Interlocked.Decrement(ref InFlight);
                }
            }

            private static bool Marked(int value)
            {
                Interlocked.Increment(ref Calls);
                return value == 5;
            }

            public static IEnumerable<int> Count(int n) { for (var i = 0; i < n; i++) yield return i; }

            public static IEnumerable<int> Lazily(int[] values) { foreach (var value in values) yield return value; }

            // A completable custom accumulator: where it completes depends on the values before it, which a block's own
            // state does not have.
            [Aggregate(typeof(SumTo100))]
            [Aggregate(Sum)]
            public static partial (int, int) UpTo100(int[] values, ParallelOptions options);

            [Aggregate(typeof(SumTo100))]
            [Aggregate(Sum)]
            public static partial (int, int) UpTo100Of(IEnumerable<int> values, ParallelOptions options);

            [Aggregate(typeof(SumTo100))]
            [Aggregate(Sum)]
            public static partial (int, int) UpTo100Sequentially(IEnumerable<int> values);

            [Aggregate(typeof(SumTo100))]
            public static partial int OnlyUpTo100(int[] values, ParallelOptions options);

            [Aggregate(typeof(SumTo100))]
            public static partial int OnlyUpTo100Sequentially(IEnumerable<int> values);

            [GroupBy(nameof(Parity))]
            [Aggregate(typeof(SumTo100))]
            public static partial Dictionary<int, int> UpTo100PerParity(int[] values, ParallelOptions options);

            [GroupBy(nameof(Parity))]
            [Aggregate(typeof(SumTo100))]
            public static partial Dictionary<int, int> UpTo100PerParityOf(IEnumerable<int> values, ParallelOptions options);

            [GroupBy(nameof(Parity))]
            [Aggregate(typeof(SumTo100))]
            public static partial Dictionary<int, int> UpTo100PerParitySequentially(IEnumerable<int> values);

            // A key whose type allows null (a null key's record is looked up apart).
            [GroupBy(nameof(Label))]
            [Aggregate(typeof(SumTo100))]
            public static partial Dictionary<string, int> UpTo100PerLabel(IEnumerable<int> values, ParallelOptions options);

            [GroupBy(nameof(Label))]
            [Aggregate(typeof(SumTo100))]
            public static partial Dictionary<string, int> UpTo100PerLabelSequentially(IEnumerable<int> values);

            private static string? Label(int value) => value % 2 == 0 ? "even" : "odd";

            /// <summary>0, 1, 2... then the enumerator throws IOException instead of giving <paramref name="failAt"/>.</summary>
            public static IEnumerable<int> FailingAt(int failAt)
            {
                for (var i = 0; ; i++)
                {
                    if (i == failAt) throw new System.IO.IOException("the source failed at " + i);
                    yield return i;
                }
            }
        }

        /// <summary>Sums its values until the sum reaches 100, then takes no more.</summary>
        public struct SumTo100 : IMergeableAccumulator<SumTo100, int, int>, ICompletableAccumulator
        {
            private int _sum;

            public void Add(int value)
            {
                if (_sum < 100) _sum += value;
            }

            public void Merge(SumTo100 other) => Add(other._sum);

            public readonly int Result => _sum;

            public readonly bool IsComplete => _sum >= 100;
        }
        """;

    private static readonly Lazy<Type> ProbeProgram = new(() => TestCompiler.Load(TestCompiler.Run(Probes).AssertClean().Output).GetType("Q")!);

    /// <summary>Runs one probe on its own: the probes count in statics.</summary>
    private static readonly object ProbeGate = new();

    private static object? Call(string method, params object[] arguments)
    {
        try
        {
            return ProbeProgram.Value.GetMethod(method)!.Invoke(null, arguments);
        }
        catch (TargetInvocationException e)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException!).Throw();
            throw;
        }
    }

    private static int Probe(string field) => (int)ProbeProgram.Value.GetField(field)!.GetValue(null)!;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void NoMoreSelectorsRunAtOnceThanTheDegreeAndTwoDoOnTwoCores(int degree)
    {
        lock (ProbeGate)
        {
            Call("Reset");
            ProbeProgram.Value.GetField("Rendezvous")!.SetValue(null, degree == 2 ? 2 : 0);
            var values = Enumerable.Range(0, 200_000).ToArray();

            Assert.Equal(values.Sum(static v => (long)v), Call("Total", values, new ParallelOptions { MaxDegreeOfParallelism = degree }));

            Assert.Equal(values.Length, Probe("Calls"));
            Assert.InRange(Probe("Peak"), 1, degree);
            if (degree == 2)
            {
                Assert.Equal(2, Probe("Peak"));
            }
        }
    }

    /// <summary>
    /// A completable custom accumulator stops taking values where it completes, which may be partway through a block and
    /// depends on the blocks before it: the blocks are read in order on top of them until it is complete (per key, for a
    /// key they left incomplete), and the results are the sequential method's, beside a Sum too.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void ACompletableCustomAccumulatorCompletesWhereTheSequentialLoopDoes(int degree)
    {
        lock (ProbeGate)
        {
            var options = new ParallelOptions { MaxDegreeOfParallelism = degree };
            foreach (var (at, expected) in new[] { (new[] { (0, 50), (4096, 60), (4097, 60) }, 110), (new[] { (0, 50), (4096, 30), (8192, 30), (8193, 30) }, 110), (new[] { (5, 20) }, 20) })
            {
                var values = new int[3 * 4096];
                foreach (var (index, value) in at)
                {
                    values[index] = value;
                }

                var both = $"({expected}, {values.Sum()})";
                Assert.Equal(both, Outcome(() => Call("UpTo100Sequentially", values)));
                Assert.Equal(both, Outcome(() => Call("UpTo100", values, options)));
                Assert.Equal(both, Outcome(() => Call("UpTo100Of", Call("Lazily", values)!, options)));
                Assert.Equal($"{expected}", Outcome(() => Call("OnlyUpTo100Sequentially", values)));
                Assert.Equal($"{expected}", Outcome(() => Call("OnlyUpTo100", values, options)));
            }

            // Odd values (ones) reach 100 in block 0; the even ones (50, 60, 60) in block 1, partway through it.
            var keyed = Enumerable.Range(0, 3 * 4096).Select(static i => i % 2).ToArray();
            (keyed[0], keyed[4096], keyed[4098]) = (50, 60, 60);
            var perParity = Outcome(() => Call("UpTo100PerParitySequentially", keyed));
            Assert.Equal("0: 110, 1: 100", perParity);
            Assert.Equal(perParity, Outcome(() => Call("UpTo100PerParity", keyed, options)));
            Assert.Equal(perParity, Outcome(() => Call("UpTo100PerParityOf", Call("Lazily", keyed)!, options)));

            // The same with a key whose type allows null.
            var perLabel = Outcome(() => Call("UpTo100PerLabelSequentially", keyed));
            Assert.Equal("even: 110, odd: 100", perLabel);
            Assert.Equal(perLabel, Outcome(() => Call("UpTo100PerLabel", Call("Lazily", keyed)!, options)));
        }
    }

    [Fact]
    public void TheFirstExceptionIsRethrownUnwrapped()
    {
        lock (ProbeGate)
        {
            Call("Reset");
            ProbeProgram.Value.GetField("ThrowAt")!.SetValue(null, 150_000);

            var thrown = Assert.Throws<InvalidOperationException>(() => Call("Total", Enumerable.Range(0, 200_000).ToArray(), new ParallelOptions { MaxDegreeOfParallelism = 2 }));

            Assert.Equal("boom at 150000", thrown.Message);
            Assert.Equal(0, Probe("InFlight"));   // started blocks ended before the exception came out
        }
    }

    [Fact]
    public void ACancelledTokenStopsTheMethod()
    {
        lock (ProbeGate)
        {
            Call("Reset");
            using var cancelled = new CancellationTokenSource();
            cancelled.Cancel();

            Assert.Throws<OperationCanceledException>(() => Call("Total", Enumerable.Range(0, 200_000).ToArray(), new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = cancelled.Token }));
            Assert.Throws<OperationCanceledException>(() => Call("Total", new[] { 1, 2, 3 }, new ParallelOptions { CancellationToken = cancelled.Token }));   // one block too

            Assert.Equal(0, Probe("Calls"));
        }
    }

    /// <summary>
    /// The method's own token cancels it as the options' token does, over an array or a sequence, long or short, and is
    /// the token it is cancelled with; the options' is, where both were cancelled.
    /// </summary>
    [Fact]
    public void TheMethodsOwnTokenCancelsItWithItsOptions()
    {
        lock (ProbeGate)
        {
            Call("Reset");
            using var cancelled = new CancellationTokenSource();
            cancelled.Cancel();
            using var alsoCancelled = new CancellationTokenSource();
            alsoCancelled.Cancel();
            using var live = new CancellationTokenSource();
            var options = new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = live.Token };

            foreach (var (method, length) in new[] { ("TotalWithToken", 200_000), ("TotalWithToken", 3), ("TotalOfWithToken", 200_000), ("TotalOfWithToken", 3) })
            {
                var values = Enumerable.Range(0, length).ToArray();
                var source = method == "TotalOfWithToken" ? (object)values.Select(static v => v) : values;
                Assert.Equal(cancelled.Token, Assert.ThrowsAny<OperationCanceledException>(() => Call(method, source, options, cancelled.Token)).CancellationToken);
                Assert.Equal(cancelled.Token, Assert.ThrowsAny<OperationCanceledException>(() => Call(method, source, new ParallelOptions(), cancelled.Token)).CancellationToken);
                Assert.Equal(alsoCancelled.Token, Assert.ThrowsAny<OperationCanceledException>(() => Call(method, source, new ParallelOptions { CancellationToken = alsoCancelled.Token }, cancelled.Token)).CancellationToken);
            }

            Assert.Equal(0, Probe("Calls"));
            Assert.Equal(Enumerable.Range(0, 200_000).Sum(static v => (long)v), Call("TotalWithToken", Enumerable.Range(0, 200_000).ToArray(), options, live.Token));
        }
    }

    /// <summary>
    /// Once the results are decided, or an earlier block has failed, the blocks still running stop at their next element
    /// (DESIGN.md §7: outstanding work is cancelled). Element 0 decides Any, or throws, at once; every other element takes
    /// a millisecond, so a second block left to run to its end would make 4,096 calls.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void BlocksStillRunningStopOnceTheResultsAreDecidedOrAnEarlierBlockFailed(bool fails)
    {
        lock (ProbeGate)
        {
            Call("Reset");
            ProbeProgram.Value.GetField("Rendezvous")!.SetValue(null, 0);
            ProbeProgram.Value.GetField("ThrowAt")!.SetValue(null, fails ? 0 : -1);
            var values = Enumerable.Range(0, 8 * MultiAgg.Runtime.ParallelAggregation.MinimumBlockSize).ToArray();
            var options = new ParallelOptions { MaxDegreeOfParallelism = 2 };

            if (fails)
            {
                Assert.Equal("boom at 0", Assert.Throws<InvalidOperationException>(() => Call("AnyZero", values, options)).Message);
            }
            else
            {
                Assert.Equal(true, Call("AnyZero", values, options));
            }

            Assert.InRange(Probe("Calls"), 1, 3_000);   // well short of 4,096, with room for a loaded machine
        }
    }

    /// <summary>
    /// A source that is not a list is pulled in chunks of 4,096: a slow one, cancelled partway through a chunk, stops at
    /// its next element, as the sequential loop does, with the caller's token (it read the whole chunk first).
    /// </summary>
    [Fact]
    public void ATokenCancelledWhileAChunkIsPulledStopsItAtTheNextElement()
    {
        lock (ProbeGate)
        {
            Call("Reset");
            using var canceller = new CancellationTokenSource();
            ProbeProgram.Value.GetField("Canceller")!.SetValue(null, canceller);
            var source = Call("Trickle", 100)!;

            var thrown = Assert.Throws<OperationCanceledException>(() => Call("TotalOf", source, new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = canceller.Token }));

            Assert.Equal(canceller.Token, thrown.CancellationToken);
            Assert.InRange(Probe("Pulled"), 101, 102);
            Assert.Equal(0, Probe("Calls"));
        }
    }

    [Fact]
    public void OnceDecidedNoMoreChunksArePulled()
    {
        lock (ProbeGate)
        {
            Call("Reset");
            var stream = ProbeProgram.Value.GetMethod("Count")!.Invoke(null, new object[] { 10_000_000 })!;

            Assert.Equal(true, Call("AnyMarked", stream, new ParallelOptions { MaxDegreeOfParallelism = 2 }));

            // The first chunk decides Any; at most the window of chunks the workers had taken was read.
            Assert.InRange(Probe("Calls"), 1, 8 * MultiAgg.Runtime.ParallelAggregation.ChunkSize);
        }
    }

    /// <summary>
    /// A source that slows down after its first chunk: that chunk decides the Any, and the worker pulling the next chunk
    /// stops at its next element. It used to pull that chunk whole (4,096 slow elements) holding the lock the first worker
    /// needed to store its state, so the method read on for seconds.
    /// </summary>
    [Fact]
    public void OnceDecidedAChunkBeingPulledStopsAtItsNextElement()
    {
        lock (ProbeGate)
        {
            Call("Reset");
            var chunk = MultiAgg.Runtime.ParallelAggregation.ChunkSize;
            var source = Call("SlowAfter", chunk)!;

            Assert.Equal(true, Call("AnyMarked", source, new ParallelOptions { MaxDegreeOfParallelism = 2 }));

            Assert.InRange(Probe("Pulled"), chunk, chunk + 3_000);   // well short of a second chunk, with room for a loaded machine
        }
    }

    /// <summary>
    /// Two Any: the first found at element 0, the second at 4,096, the first element of the second block; a filter
    /// throws at 4,097. The sequential loop has both at 4,096 and stops before the failure, but the second block's own
    /// state has only the second then, and goes on into the failure: the failed block is read again on top of the
    /// first, element by element, and the method returns what the sequential one does. A failure before the deciding
    /// element still fails the method, with the exception of the element the sequential loop fails at.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void AFailureAfterTheResultsAreDecidedAcrossBlocksDoesNotCount(int degree)
    {
        lock (ProbeGate)
        {
            var values = Enumerable.Range(0, 3 * 4096).ToArray();
            var options = new ParallelOptions { MaxDegreeOfParallelism = degree };
            foreach (var (throwAt, markAt) in new[] { (4097, 4096), (4096 + 100, 4096 + 50), (4096 + 50, 4096 + 100), (2 * 4096 + 7, 2 * 4096 + 9) })
            {
                Call("Reset");
                ProbeProgram.Value.GetField("ThrowAt")!.SetValue(null, throwAt);
                ProbeProgram.Value.GetField("CancelAt")!.SetValue(null, markAt);
                var expected = Outcome(() => Call("BothFoundSequentially", values));
                Assert.Equal(markAt < throwAt ? "(True, True)" : $"InvalidOperationException: boom at {throwAt}", expected);
                Assert.Equal(expected, Outcome(() => Call("BothFound", values, options)));
                Assert.Equal(expected, Outcome(() => Call("BothFoundOf", Call("Count", values.Length)!, options)));
            }

            // First's selector, which the sequential loop calls only until First has a value, fails in the second block:
            // the sequential loop never calls it there, so the method returns once both Any are found.
            foreach (var (parseFailsAt, throwAt, markAt) in new[] { (4096, -1, 4098), (4097, 4099, 4098), (4096, 4097, 4098), (4096, -1, 2 * 4096 + 5), (4096, 2 * 4096 + 3, 2 * 4096 + 5) })
            {
                Call("Reset");
                ProbeProgram.Value.GetField("ParseFailsAt")!.SetValue(null, parseFailsAt);
                ProbeProgram.Value.GetField("ThrowAt")!.SetValue(null, throwAt);
                ProbeProgram.Value.GetField("CancelAt")!.SetValue(null, markAt);
                var expected = Outcome(() => Call("FirstAndBothSequentially", values));
                Assert.Equal(markAt < throwAt || throwAt < 0 ? "(True, 0, True)" : $"InvalidOperationException: boom at {throwAt}", expected);
                Assert.Equal(expected, Outcome(() => Call("FirstAndBoth", values, options)));
                Assert.Equal(expected, Outcome(() => Call("FirstAndBothOf", Call("Count", values.Length)!, options)));
            }

            ProbeProgram.Value.GetField("ParseFailsAt")!.SetValue(null, -1);
        }
    }

    /// <summary>
    /// The same beside a Sum, which reads every element, so that nothing decides early: the Any found (the First
    /// given its value) in an earlier block is not asked again by the sequential loop, and what it would have thrown in
    /// a later block does not count; asked before it is found, it fails the method as the sequential loop fails.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void AnAttributeDecidedInAnEarlierBlockIsNotAskedAgainBesideOneThatReadsEveryElement(int degree)
    {
        lock (ProbeGate)
        {
            var values = Enumerable.Range(0, 3 * 4096).ToArray();
            var options = new ParallelOptions { MaxDegreeOfParallelism = degree };
            var sum = values.Sum();
            var cases = new[]
            {
                (ParseFailsAt: 4096, ThrowAt: -1, MarkAt: 5, Expected: $"({sum}, True, 0)"),
                (ParseFailsAt: -1, ThrowAt: 9000, MarkAt: 5, Expected: $"({sum}, True, 0)"),
                (ParseFailsAt: 4096, ThrowAt: 2 * 4096, MarkAt: 4097, Expected: $"({sum}, True, 0)"),
                (ParseFailsAt: -1, ThrowAt: 5000, MarkAt: 9000, Expected: "InvalidOperationException: boom at 5000"),
                (ParseFailsAt: 0, ThrowAt: -1, MarkAt: 5, Expected: "FormatException: cannot parse 0"),
            };
            foreach (var (parseFailsAt, throwAt, markAt, expected) in cases)
            {
                Call("Reset");
                ProbeProgram.Value.GetField("ParseFailsAt")!.SetValue(null, parseFailsAt);
                ProbeProgram.Value.GetField("ThrowAt")!.SetValue(null, throwAt);
                ProbeProgram.Value.GetField("CancelAt")!.SetValue(null, markAt);
                Assert.Equal(expected, Outcome(() => Call("SumBesideDecidedSequentially", values)));
                Assert.Equal(expected, Outcome(() => Call("SumBesideDecided", values, options)));
                Assert.Equal(expected, Outcome(() => Call("SumBesideDecidedOf", Call("Count", values.Length)!, options)));
            }

            ProbeProgram.Value.GetField("ParseFailsAt")!.SetValue(null, -1);
        }
    }

    /// <summary>
    /// The same per key with [GroupBy]: a key's Any found in an earlier block is not asked again for that key, while the
    /// other key's still is; a block's own per-key state cannot tell, and the block is read again on top of the others.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void AKeyDecidedInAnEarlierBlockIsNotAskedAgain(int degree)
    {
        lock (ProbeGate)
        {
            var values = Enumerable.Range(0, 3 * 4096).ToArray();
            var options = new ParallelOptions { MaxDegreeOfParallelism = degree };
            var cases = new[]
            {
                (ThrowAt: 5000, MarkAt: 4, Expected: "0: (True, 6144), 1: (False, 6144)"),
                (ThrowAt: 2 * 4096 + 2, MarkAt: 4096 + 2, Expected: "0: (True, 6144), 1: (False, 6144)"),
                (ThrowAt: 5001, MarkAt: 4, Expected: "InvalidOperationException: boom at 5001"),
                (ThrowAt: 5000, MarkAt: 2 * 4096, Expected: "InvalidOperationException: boom at 5000"),
            };
            foreach (var (throwAt, markAt, expected) in cases)
            {
                Call("Reset");
                ProbeProgram.Value.GetField("ThrowAt")!.SetValue(null, throwAt);
                ProbeProgram.Value.GetField("CancelAt")!.SetValue(null, markAt);
                Assert.Equal(expected, Outcome(() => Call("AnyPerParitySequentially", values)));
                Assert.Equal(expected, Outcome(() => Call("AnyPerParity", values, options)));
                Assert.Equal(expected, Outcome(() => Call("AnyPerParityOf", Call("Count", values.Length)!, options)));
            }
        }
    }

    /// <summary>
    /// A First beside a Count, in one attribute, reads its Of only until it has a value: given it in an earlier block (per
    /// key too), it is not asked again in a later one, whose own state has no First yet, and what it would have thrown
    /// there does not count.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void AFirstBesideACountGivenItsValueInAnEarlierBlockIsNotAskedAgain(int degree)
    {
        lock (ProbeGate)
        {
            var values = Enumerable.Range(0, 3 * 4096).ToArray();
            var options = new ParallelOptions { MaxDegreeOfParallelism = degree };
            var cases = new[]
            {
                (ParseFailsAt: 4096, Expected: "(0, 12288)", PerParity: "0: (0, 6144), 1: (1, 6144)"),
                (ParseFailsAt: 2 * 4096 + 1, Expected: "(0, 12288)", PerParity: "0: (0, 6144), 1: (1, 6144)"),
                (ParseFailsAt: 0, Expected: "FormatException: cannot parse 0", PerParity: "FormatException: cannot parse 0"),
            };
            foreach (var (parseFailsAt, expected, perParity) in cases)
            {
                Call("Reset");
                ProbeProgram.Value.GetField("ParseFailsAt")!.SetValue(null, parseFailsAt);
                Assert.Equal(expected, Outcome(() => Call("FirstBesideCountSequentially", values)));
                Assert.Equal(expected, Outcome(() => Call("FirstBesideCount", values, options)));
                Assert.Equal(expected, Outcome(() => Call("FirstBesideCountOf", Call("Count", values.Length)!, options)));
                Assert.Equal(perParity, Outcome(() => Call("FirstBesideCountPerParitySequentially", values)));
                Assert.Equal(perParity, Outcome(() => Call("FirstBesideCountPerParity", values, options)));
            }

            ProbeProgram.Value.GetField("ParseFailsAt")!.SetValue(null, -1);
        }
    }

    /// <summary>
    /// A block's selector that the sequential loop would not call (its Any found in block 0) fails as the caller cancels:
    /// the block is still read again, which checks the caller's token first, so the method is cancelled rather than fail
    /// with an exception the sequential loop never meets.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void ASelectorFailingAsTheCallerCancelsComesOutAsTheCancellation(int degree)
    {
        lock (ProbeGate)
        {
            Call("Reset");
            using var canceller = new CancellationTokenSource();
            ProbeProgram.Value.GetField("Canceller")!.SetValue(null, canceller);
            ProbeProgram.Value.GetField("ThrowAt")!.SetValue(null, 2 * 4096 + 5);
            var options = new ParallelOptions { MaxDegreeOfParallelism = degree, CancellationToken = canceller.Token };
            var thrown = Assert.ThrowsAny<OperationCanceledException>(() => Call("SumBesideCancelling", Enumerable.Range(0, 3 * 4096).ToArray(), options));
            Assert.Equal(canceller.Token, thrown.CancellationToken);
            ProbeProgram.Value.GetField("Canceller")!.SetValue(null, null);
        }
    }

    private static string Outcome(Func<object?> call)
    {
        try
        {
            return call() switch
            {
                System.Collections.IDictionary dictionary => string.Join(", ", dictionary.Keys.Cast<object>().Select(key => $"{key}: {dictionary[key]}")),
                var result => result?.ToString() ?? "null",
            };
        }
        catch (Exception e)
        {
            return $"{e.GetType().Name}: {e.Message}";
        }
    }

    /// <summary>
    /// The source's enumerator fails partway through a chunk: the elements it gave before are still aggregated, as the
    /// sequential loop aggregates them before it asks for the next, so they can decide the results (Any found element 5
    /// before the failure at 7) or fail first (a selector at 4,100, before the source's failure at 4,200).
    /// </summary>
    [Fact]
    public void ASourceThatFailsPartwayThroughAChunkFailsAfterTheElementsItGave()
    {
        lock (ProbeGate)
        {
            Call("Reset");
            Assert.Equal(true, Call("AnyMarked", Call("FailingAt", 7)!, new ParallelOptions { MaxDegreeOfParallelism = 2 }));

            ProbeProgram.Value.GetField("ThrowAt")!.SetValue(null, 4_100);
            var thrown = Assert.Throws<InvalidOperationException>(() => Call("TotalOf", Call("FailingAt", 4_200)!, new ParallelOptions { MaxDegreeOfParallelism = 2 }));
            Assert.Equal("boom at 4100", thrown.Message);

            Call("Reset");
            var failed = Assert.Throws<System.IO.IOException>(() => Call("TotalOf", Call("FailingAt", 10_000)!, new ParallelOptions { MaxDegreeOfParallelism = 2 }));
            Assert.Equal("the source failed at 10000", failed.Message);
            Assert.Equal(10_000, Probe("Calls"));   // every element it gave, and no more
        }
    }

    /// <summary>A token cancelled after the last block was taken still cancels the method, as it cancels Parallel.For.</summary>
    [Fact]
    public void ATokenCancelledWhileTheBlocksRunCancelsTheMethod()
    {
        lock (ProbeGate)
        {
            Call("Reset");
            using var cancellation = new CancellationTokenSource();
            ProbeProgram.Value.GetField("Canceller")!.SetValue(null, cancellation);
            ProbeProgram.Value.GetField("CancelAt")!.SetValue(null, 199_999);   // the last element of the last block

            var thrown = Assert.ThrowsAny<OperationCanceledException>(() => Call("Total", Enumerable.Range(0, 200_000).ToArray(), new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = cancellation.Token }));

            Assert.Equal(cancellation.Token, thrown.CancellationToken);
        }
    }

    /// <summary>
    /// The options' token is checked before each element, in every block (the one block of a short source, read on the
    /// calling thread, too): a caller that cancels waits for no more than the elements under way, and a short source cancelled midway
    /// gives no result either.
    /// </summary>
    [Theory]
    [InlineData(200_000, 1, false, false)]    // blocks of 4,096 elements or more, one worker
    [InlineData(200_000, 2, false, false)]
    [InlineData(10, 2, false, false)]         // one block, read on the calling thread
    [InlineData(200_000, 2, true, true)]      // the method's own token, beside options with one of their own
    [InlineData(10, 2, true, true)]
    [InlineData(200_000, 2, true, false)]     // the method's own token alone
    public void ATokenCancelledWithinABlockStopsItAtTheNextElement(int length, int degree, bool methodToken, bool optionsToken)
    {
        lock (ProbeGate)
        {
            Call("Reset");
            using var cancellation = new CancellationTokenSource();
            using var optionsCancellation = new CancellationTokenSource();
            ProbeProgram.Value.GetField("Canceller")!.SetValue(null, cancellation);
            ProbeProgram.Value.GetField("CancelAt")!.SetValue(null, 3);

            var values = Enumerable.Range(0, length).ToArray();
            var thrown = Assert.ThrowsAny<OperationCanceledException>(() => methodToken
                ? Call("TotalWithToken", values, new ParallelOptions { MaxDegreeOfParallelism = degree, CancellationToken = optionsToken ? optionsCancellation.Token : default }, cancellation.Token)
                : Call("Total", values, new ParallelOptions { MaxDegreeOfParallelism = degree, CancellationToken = cancellation.Token }));

            Assert.Equal(cancellation.Token, thrown.CancellationToken);
            Assert.InRange(Probe("Calls") - Probe("CallsWhenCancelled"), 0, degree - 1);   // each other worker's element under way
        }
    }

    /// <summary>
    /// A null scheduler in the options (new ParallelOptions() holds TaskScheduler.Default) is the current one, as for
    /// Parallel's loops: the workers run on the scheduler of the task that called the method.
    /// </summary>
    [Fact]
    public void ANullSchedulerIsTheCurrentOne()
    {
        lock (ProbeGate)
        {
            Call("Reset");
            var scheduler = new ThreadPerTask();
            ProbeProgram.Value.GetField("Scheduler")!.SetValue(null, scheduler);
            var values = Enumerable.Range(0, 200_000).ToArray();

            // Waited for inside the probes' lock, which an await could not hold; the task runs on a thread of its own.
#pragma warning disable xUnit1031
            var total = Task.Factory.StartNew(
                () => Call("Total", values, new ParallelOptions { MaxDegreeOfParallelism = 2, TaskScheduler = null }),
                CancellationToken.None, TaskCreationOptions.None, scheduler).GetAwaiter().GetResult();
#pragma warning restore xUnit1031

            Assert.Equal(values.Sum(static v => (long)v), total);
            Assert.Equal(0, Probe("OffScheduler"));
        }
    }

    private const string Decimals = """
        using System.Threading.Tasks;
        using MultiAgg;
        using static MultiAgg.Agg;

        public static partial class D
        {
            [Aggregate(Sum, Average)]
            public static partial (decimal Sum, decimal Average) Parallel(decimal[] values, ParallelOptions options);

            [Aggregate(Sum, Average)]
            public static partial (decimal Sum, decimal Average) Sequential(decimal[] values);
        }
        """;

    /// <summary>
    /// decimal is decimal floating point: a sum rounds once it needs more than 28 or 29 significant digits, so, like a
    /// double's, a parallel decimal sum (blocks' sums added in block order) is the same bits for every degree of
    /// parallelism, and may differ from the sequential loop's in its last digits (README). 5e28 and then 8,191 times 0.4:
    /// the loop rounds every 0.4 away; the second block's 1,638.4 survives being added as a whole.
    /// </summary>
    [Fact]
    public void DecimalSumsAreTheSameForEveryDegreeAndRoundOnlyInTheLastDigits()
    {
        var type = TestCompiler.Load(TestCompiler.Run(Decimals).AssertClean().Output).GetType("D")!;
        var values = new decimal[8192];
        values[0] = 5e28m;
        Array.Fill(values, 0.4m, 1, values.Length - 1);

        var sequential = (ITuple)type.GetMethod("Sequential")!.Invoke(null, new object[] { values })!;
        var parallel = Enumerable.Range(1, 8)
            .Select(degree => (ITuple)type.GetMethod("Parallel")!.Invoke(null, new object[] { values, new ParallelOptions { MaxDegreeOfParallelism = degree } })!)
            .Select(static sums => FormattableString.Invariant($"({sums[0]}, {sums[1]})"))   // in any culture
            .Distinct()
            .ToList();

        Assert.Equal(5e28m, (decimal)sequential[0]!);
        Assert.Equal("(50000000000000000000000001638, 6103515625000000000000000.2)", Assert.Single(parallel));

        // Values with a few decimal places never round: the sums equal the sequential loop's, digit for digit.
        var prices = Enumerable.Range(0, 50_000).Select(static i => (i * 7919 % 200_001 - 100_000) / 100m).ToArray();
        Assert.Equal(
            type.GetMethod("Sequential")!.Invoke(null, new object[] { prices })!.ToString(),
            type.GetMethod("Parallel")!.Invoke(null, new object[] { prices, new ParallelOptions { MaxDegreeOfParallelism = 2 } })!.ToString());
    }

    /// <summary>A scheduler that never runs what it is given: the calling thread does all the work, and nothing waits for the queued workers.</summary>
    [Fact]
    public void ASchedulerThatNeverRunsTheWorkersCannotDeadlockTheMethod()
    {
        lock (ProbeGate)
        {
            Call("Reset");
            var scheduler = new NeverRuns();
            var values = Enumerable.Range(0, 100_000).ToArray();

            Assert.Equal(values.Sum(static v => (long)v), Call("Total", values, new ParallelOptions { MaxDegreeOfParallelism = 4, TaskScheduler = scheduler }));

            Assert.Equal(Math.Min(4, Environment.ProcessorCount) - 1, scheduler.Queued);   // never more workers than processors
            Assert.Equal(1, Probe("Peak"));
        }
    }

    /// <summary>
    /// A scheduler that refuses work: its exception comes out unwrapped, after the workers it took (none here: one worker
    /// besides the caller on two processors) have ended, and the source's enumerator is disposed after them.
    /// </summary>
    [Fact]
    public void ASchedulerThatRefusesAWorkerFailsTheMethodWithItsException()
    {
        lock (ProbeGate)
        {
            Call("Reset");
            var options = new ParallelOptions { MaxDegreeOfParallelism = 2, TaskScheduler = new Refuses() };
            if (Environment.ProcessorCount == 1)
            {
                // The caller is the only worker: the scheduler is never asked.
                Assert.Equal(Enumerable.Range(0, 100_000).Sum(static v => (long)v), Call("TotalOf", Call("Count", 100_000)!, options));
                return;
            }

            // As Task.Factory.StartNew reports a scheduler's refusal.
            var thrown = Assert.Throws<TaskSchedulerException>(() => Call("TotalOf", Call("Count", 100_000)!, options));
            Assert.Equal("no more work", thrown.InnerException!.Message);
            Assert.Equal(0, Probe("InFlight"));
        }
    }

    private sealed class Refuses : TaskScheduler
    {
        protected override void QueueTask(Task task) => throw new InvalidOperationException("no more work");

        protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) => false;

        protected override IEnumerable<Task> GetScheduledTasks() => Array.Empty<Task>();
    }

    /// <summary>A scheduler that runs each task on a new thread of its own, and never inline.</summary>
    private sealed class ThreadPerTask : TaskScheduler
    {
        protected override void QueueTask(Task task) => new Thread(() => TryExecuteTask(task)) { IsBackground = true }.Start();

        protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) => false;

        protected override IEnumerable<Task> GetScheduledTasks() => Array.Empty<Task>();
    }

    private sealed class NeverRuns : TaskScheduler
    {
        private readonly List<Task> _tasks = new();

        public int Queued => _tasks.Count;

        protected override void QueueTask(Task task) => _tasks.Add(task);

        protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) => false;

        protected override IEnumerable<Task> GetScheduledTasks() => _tasks;
    }
}
