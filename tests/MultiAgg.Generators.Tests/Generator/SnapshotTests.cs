using Microsoft.CodeAnalysis.CSharp;
using MultiAgg.Generators.Tests.Infrastructure;

namespace MultiAgg.Generators.Tests;

/// <summary>The generated code for representative methods; each must also compile with no warning.</summary>
public class SnapshotTests
{
    [Fact]
    public void SumMaxCountOfInts() => Check("""
        using System.Collections.Generic;
        using static MultiAgg.Agg;

        namespace Demo;

        public static partial class Stats
        {
            [MultiAgg.Aggregate(Sum, Max, Count)]
            public static partial (long Sum, int Max, int Count) Of(IEnumerable<int> values);
        }
        """);

    /// <summary>
    /// A First and a FirstOrDefault of one selector read it once, only until they have their value: alone, the attribute's
    /// test stops them; beside a Count, a test of the Firsts.
    /// </summary>
    [Fact]
    public void FirstsOfOneSelector() => Check("""
        using System.Collections.Generic;
        using static MultiAgg.Agg;

        namespace Demo;

        public static partial class Pages
        {
            [MultiAgg.Aggregate(First, FirstOrDefault, Of = nameof(Size))]
            public static partial (int First, int FirstOrDefault) Firsts(IEnumerable<string> urls);

            [MultiAgg.Aggregate(Count, First, FirstOrDefault, Of = nameof(Size))]
            public static partial (int Pages, int First, int FirstOrDefault) CountedFirsts(IEnumerable<string> urls);

            private static int Size(string url) => url.Length;
        }
        """);

    /// <summary>
    /// Beside a Count in one attribute, which never reads the Of, the Of is read only until the aggregates given it are
    /// decided (a floating-point Min at its NaN, an Any at its first true), as LINQ's stop calling their selectors.
    /// </summary>
    [Fact]
    public void ValueReadUntilDecidedBesideACount() => Check("""
        using System.Collections.Generic;
        using static MultiAgg.Agg;

        namespace Demo;

        public static partial class Readings
        {
            [MultiAgg.Aggregate(Min, Count, Of = nameof(Parse))]
            [MultiAgg.Aggregate(Any, Of = nameof(IsFault))]
            [MultiAgg.Aggregate(LongCount, Any, Of = nameof(IsFault))]
            public static partial (double Lowest, int Readings, bool Faulted, long Again, bool FaultedAgain) Scan(IEnumerable<string> lines);

            private static double Parse(string line) => double.Parse(line, System.Globalization.CultureInfo.InvariantCulture);

            private static bool IsFault(string line) => line.StartsWith('!');
        }
        """);

    /// <summary>
    /// A Last whose value nothing else reads per element keeps the element and reads its value once, for the result, as
    /// LINQ's Select(of).Last() does; beside a Sum, which reads every value, it takes the value read for the Sum.
    /// </summary>
    [Fact]
    public void LastsOfOneSelector() => Check("""
        using System.Collections.Generic;
        using static MultiAgg.Agg;

        namespace Demo;

        public static partial class Pages
        {
            [MultiAgg.Aggregate(Count, First, Last, Of = nameof(Size))]
            public static partial (int Pages, int First, int Last) Ends(IEnumerable<string> urls);

            [MultiAgg.Aggregate(Sum, Last, Of = nameof(Size))]
            public static partial (int Total, int Last) Totals(IEnumerable<string> urls);

            private static int Size(string url) => url.Length;
        }
        """);

    /// <summary>
    /// DESIGN.md §8: a query source runs one query, a filter per attribute, an expression-bodied method inlined with its
    /// names qualified and its further parameter captured, async through the provider's IAsyncEnumerable, and per key.
    /// </summary>
    [Fact]
    public void QueriesWithFiltersInlinedMethodsAndKeys() => Check("""
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;
        using MultiAgg;
        using static MultiAgg.Agg;

        namespace Shop;

        public sealed record Order(string Region, decimal Total, int Quantity, bool IsPaid, string? Note);

        public static partial class Reports
        {
            [Aggregate(Sum, Max, Of = nameof(Order.Total))]
            [Aggregate(Count, Where = nameof(Order.IsPaid))]
            [Aggregate(Average, Of = nameof(Order.Quantity))]
            [Aggregate(CountDistinct, Of = nameof(Order.Note))]
            public static partial Task<(decimal Revenue, decimal Largest, int Paid, double? AverageQuantity, int Notes)> SummarizeAsync(
                IQueryable<Order> orders, CancellationToken cancellationToken = default);

            [GroupBy(nameof(Order.Region))]
            [Aggregate(Sum, Of = nameof(Taxed))]
            [Aggregate(Any, All, Of = nameof(Order.IsPaid))]
            [Aggregate(Average, Of = nameof(Taxed))]
            public static partial Dictionary<string, (decimal Taxed, bool AnyPaid, bool AllPaid, decimal AverageTaxed)> ByRegion(IQueryable<Order> orders, decimal rate);

            // Inlined into the query: Math becomes global::System.Math, rate the captured parameter. The average counts the
            // rows whose value is not null: SQL can give null for a method's value (it may read a left join's missing row).
            private static decimal Taxed(Order order, decimal rate) => Math.Round(order.Total * (1 + rate), 2);
        }
        """);

    /// <summary>
    /// DESIGN.md §7: a ParallelOptions parameter. An array is cut into ranges (the vector loop per block), a sequence into
    /// chunks; each block's state merges in order, per key too, and an early exit stops the blocks.
    /// </summary>
    [Fact]
    public void ParallelRangesAndChunks() => Check("""
        using System;
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using MultiAgg;
        using static MultiAgg.Agg;

        namespace Compute;

        public sealed record Candidate(string Team, double Weight, int Votes);

        public static partial class Scoring
        {
            [Aggregate(Sum, Max, Count)]
            public static partial (long Total, int Largest, int Count) Ints(int[] values, ParallelOptions options);

            [Aggregate(Sum, Max, Of = nameof(Score))]
            [Aggregate(Any, Where = nameof(IsOutlier))]
            public static partial (double Total, double Best, bool AnyOutlier) ScoreAll(IReadOnlyList<Candidate> candidates, double bias, ParallelOptions options);

            [GroupBy(nameof(Candidate.Team))]
            [Aggregate(Sum, Of = nameof(Candidate.Votes))]
            [Aggregate(Any, Where = nameof(IsOutlier))]
            public static partial Dictionary<string, (long Votes, bool AnyOutlier)> VotesByTeam(IEnumerable<Candidate> candidates, ParallelOptions options);

            // Decided early: a block whose selector fails is read again from the blocks before it.
            [Aggregate(Any, Where = nameof(IsOutlier))]
            [Aggregate(First, Of = nameof(Candidate.Team))]
            public static partial (bool AnyOutlier, string FirstTeam) Outlier(Candidate[] candidates, ParallelOptions options);

            [Aggregate(Any, Where = nameof(IsOutlier))]
            [Aggregate(All, Of = nameof(HasVotes))]
            public static partial (bool AnyOutlier, bool AllVoted) Screen(IEnumerable<Candidate> candidates, ParallelOptions options);

            // A completable custom accumulator: until it is complete (per key: for a key it has met), the next block is
            // read on top of the blocks before it rather than merged, since it may complete partway through.
            [Aggregate(typeof(VotesUntil1000), Of = nameof(Candidate.Votes))]
            [Aggregate(Sum, Of = nameof(Candidate.Votes))]
            public static partial (int Early, long All) EarlyVotes(Candidate[] candidates, ParallelOptions options);

            [GroupBy(nameof(Candidate.Team))]
            [Aggregate(typeof(VotesUntil1000), Of = nameof(Candidate.Votes))]
            public static partial Dictionary<string, int> EarlyVotesByTeam(IEnumerable<Candidate> candidates, ParallelOptions options);

            private static bool HasVotes(Candidate candidate) => candidate.Votes > 0;

            private static double Score(Candidate candidate, double bias) => Math.Sqrt(candidate.Weight) * candidate.Votes + bias;

            private static bool IsOutlier(Candidate candidate) => candidate.Weight > 1e6;
        }

        public struct VotesUntil1000 : IMergeableAccumulator<VotesUntil1000, int, int>, ICompletableAccumulator
        {
            private int _votes;

            public void Add(int votes)
            {
                if (_votes < 1000) _votes += votes;
            }

            public void Merge(VotesUntil1000 other) => Add(other._votes);

            public readonly int Result => _votes;

            public readonly bool IsComplete => _votes >= 1000;
        }
        """);

    /// <summary>
    /// DESIGN.md §7 without ParallelOptions: an async Of method is awaited one element at a time, over an array read by
    /// foreach (no span lives across an await), with the method's token.
    /// </summary>
    [Fact]
    public void AsyncSelectorAwaitedOneElementAtATime() => Check("""
        using System;
        using System.Net.Http;
        using System.Threading;
        using System.Threading.Tasks;
        using MultiAgg;
        using static MultiAgg.Agg;

        namespace Crawling;

        public static partial class Crawler
        {
            [Aggregate(Sum, Max, Count, Of = nameof(FetchSizeAsync))]
            public static partial Task<(long Bytes, int Largest, int Pages)> CrawlAsync(Uri[] urls, HttpClient http, CancellationToken cancellationToken);

            private static async ValueTask<int> FetchSizeAsync(Uri url, HttpClient http, CancellationToken cancellationToken) =>
                (await http.GetByteArrayAsync(url, cancellationToken)).Length;
        }
        """);

    /// <summary>
    /// DESIGN.md §7's crawl: an async Of method with ParallelOptions. Elements start into a window while it has room,
    /// each evaluated (the selector given the window's linked token, the filter, the key) into a struct beside the
    /// method; the loop folds the values as they complete when every aggregate is order-independent (CrawlAsync), in
    /// source order otherwise (per key, a double sum, First), over a sequence or an IAsyncEnumerable.
    /// </summary>
    [Fact]
    public void AsyncWindowInCompletionAndSourceOrder() => Check("""
        using System;
        using System.Collections.Generic;
        using System.Net.Http;
        using System.Threading;
        using System.Threading.Tasks;
        using MultiAgg;
        using static MultiAgg.Agg;

        namespace Crawling;

        public sealed record Link(Uri Url, string Host, bool Followed);

        public static partial class Crawler
        {
            [Aggregate(Sum, Max, Count, Of = nameof(FetchSizeAsync))]
            public static partial Task<(long Bytes, int Largest, int Pages)> CrawlAsync(IEnumerable<Uri> urls, HttpClient http, ParallelOptions options);

            [GroupBy(nameof(Link.Host))]
            [Aggregate(Count)]
            [Aggregate(Average, First, Of = nameof(LatencyAsync), Where = nameof(Link.Followed))]
            public static partial ValueTask<Dictionary<string, (int Links, double? Latency, double FirstLatency)>> ByHostAsync(IAsyncEnumerable<Link> links, HttpClient http, ParallelOptions options, CancellationToken cancellationToken);

            // First and Any can be final before the source ends: evaluations begun after that skip their Of.
            [Aggregate(First, Of = nameof(FetchSizeAsync))]
            [Aggregate(Any, Of = nameof(IsBrokenAsync))]
            [Aggregate(Count)]
            public static partial Task<(int FirstSize, bool AnyBroken, int Pages)> ProbeAsync(IEnumerable<Uri> urls, HttpClient http, ParallelOptions options);

            // First's Of is read only until First has a value, Count goes on; Any is final once a link is followed.
            [Aggregate(First, Count, Of = nameof(LatencyAsync))]
            [Aggregate(Any, Where = nameof(Link.Followed))]
            public static partial Task<(double FirstLatency, int Links, bool AnyFollowed)> SampleAsync(IEnumerable<Link> links, HttpClient http, ParallelOptions options);

            private static async ValueTask<int> FetchSizeAsync(Uri url, HttpClient http, CancellationToken cancellationToken) =>
                (await http.GetByteArrayAsync(url, cancellationToken)).Length;

            private static async Task<bool> IsBrokenAsync(Uri url, HttpClient http, CancellationToken cancellationToken)
            {
                using var response = await http.GetAsync(url, cancellationToken);
                return !response.IsSuccessStatusCode;
            }

            private static async Task<double> LatencyAsync(Link link, HttpClient http, CancellationToken cancellationToken)
            {
                var started = DateTime.UtcNow;
                using var response = await http.GetAsync(link.Url, cancellationToken);
                return (DateTime.UtcNow - started).TotalMilliseconds;
            }
        }
        """);

    /// <summary>DESIGN.md §6's example: a struct whose default is its empty state, with Merge.</summary>
    [Fact]
    public void AccumulatorStruct() => Check("""
        using MultiAgg;
        using static MultiAgg.Agg;

        namespace Shop;

        public sealed record Order(decimal Total, bool IsPaid);

        [Aggregate(Sum, Max, Of = nameof(Order.Total))]
        [Aggregate(Count)]
        public partial struct OrderStats : IMergeableAccumulator<OrderStats, Order, (decimal Revenue, decimal Largest, int Orders)> { }
        """);

    /// <summary>
    /// Fields whose empty value is not zero (All starts true, an Average seeded at -0.0, a CountDistinct set): a struct
    /// sets them before its first Add, a class in its initializers; IsComplete once every aggregate is decided.
    /// </summary>
    [Fact]
    public void AccumulatorStructAndClassWithNonZeroStart() => Check("""
        using MultiAgg;
        using static MultiAgg.Agg;

        namespace Sensors;

        public readonly record struct Reading(string Sensor, double Value, bool Valid);

        [Aggregate(All, Of = nameof(Reading.Valid))]
        [Aggregate(Average, Of = nameof(Reading.Value))]
        [Aggregate(CountDistinct, First, Of = nameof(Reading.Sensor))]
        public partial struct Health : IMergeableAccumulator<Health, Reading, (bool AllValid, double? Mean, int Sensors, string FirstSensor)>, ICompletableAccumulator { }

        public static partial class Outer
        {
            [Aggregate(All, Of = nameof(Reading.Valid))]
            [Aggregate(First, Of = nameof(Reading.Sensor))]
            internal sealed partial class Check : IAccumulator<Reading, (bool AllValid, string FirstSensor)>, ICompletableAccumulator { }
        }
        """);

    /// <summary>[GroupBy] on a type: per-key records as fields, Merge key by key.</summary>
    [Fact]
    public void AccumulatorTypeGroupedByKey() => Check("""
        using System.Collections.Generic;
        using MultiAgg;
        using static MultiAgg.Agg;

        namespace Shop;

        public sealed record Sale(string? Region, int Units);

        [GroupBy(nameof(Sale.Region))]
        [Aggregate(Count, Sum, Of = nameof(Sale.Units))]
        public partial struct UnitsByRegion : IMergeableAccumulator<UnitsByRegion, Sale, Dictionary<string, (int Sales, int Units)>> { }
        """);

    [Fact]
    public void VectorizedArraysAndSpans() => Check("""
        using System;
        using System.Threading;
        using MultiAgg;
        using static MultiAgg.Agg;

        namespace Signals;

        public static partial class Vectorized
        {
            // Integers: 64-bit lanes for the exact sum (shared with Average), Vector.Min/Max for the rest.
            [Aggregate(Sum, Min, Max, Average)]
            public static partial (int Sum, int Min, int Max, double Average) Ints(int[] values);

            // Floating Min/Max: strict compares, NaN and signed-zero rules settled in the fold.
            [Aggregate(Count, Min, Max)]
            public static partial (int Count, double? Min, double? Max) Doubles(ReadOnlySpan<double> values);

            // Reordered float sums: widened to double lanes.
            [Aggregate(Sum, Average, AllowReordering = true)]
            public static partial (float Sum, float Average) Floats(float[] values);

            // A token: checked before each vector and each element left over.
            [Aggregate(Sum, Max)]
            public static partial (long Sum, int Max) Cancellable(int[] values, CancellationToken cancellationToken);
        }
        """);

    [Fact]
    public void OrdersWithOfWhereAndRecordResult() => Check("""
        using System.Collections.Generic;
        using MultiAgg;
        using static MultiAgg.Agg;

        namespace Shop;

        public sealed record Order(string Region, decimal Total, int Quantity, bool IsPaid, decimal? Discount);

        public sealed record Summary(decimal Revenue, decimal Largest, int Orders, int Paid, double AvgQty, decimal? MinDiscount);

        public static partial class Reports
        {
            [Aggregate(Sum, Max, Of = nameof(Order.Total))]
            [Aggregate(Count)]
            [Aggregate(Count, Where = nameof(Order.IsPaid))]
            [Aggregate(Average, Of = nameof(Order.Quantity))]
            [Aggregate(Min, Of = nameof(Order.Discount))]
            public static partial Summary Summarize(List<Order> orders);
        }
        """);

    [Fact]
    public void NestedGenericInstanceMethodWithStaticSelector() => Check("""
        using System.Collections.Generic;
        using MultiAgg;
        using static MultiAgg.Agg;

        namespace Geo
        {
            public readonly record struct Reading(string Sensor, double Celsius);

            public partial class Outer<TTag>
            {
                internal partial struct Station
                {
                    private static double Fahrenheit(Reading reading, double offset) => reading.Celsius * 9 / 5 + 32 + offset;

                    private static bool IsValid(Reading reading) => !double.IsNaN(reading.Celsius);

                    [Aggregate(Min, Max, Average, Of = nameof(Fahrenheit), Where = nameof(IsValid))]
                    public partial (double Low, double High, double Mean) Range(IReadOnlyList<Reading> readings, double offset);
                }
            }
        }
        """);

    [Fact]
    public void SpanOfNullableDoublesWithNullableResults() => Check("""
        using System;
        using MultiAgg;
        using static MultiAgg.Agg;

        partial class Sensors
        {
            [Aggregate(Count, Sum, Min, Max, Average)]
            internal static partial (int, double, double?, double?, double?) Stats(ReadOnlySpan<double?> samples);
        }
        """);

    [Fact]
    public void AsyncSourceWithCancellation() => Check("""
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using MultiAgg;
        using static MultiAgg.Agg;

        namespace Streams;

        public static partial class Telemetry
        {
            [Aggregate(LongCount, Sum, Max)]
            public static partial ValueTask<(long Count, long Total, int Peak)> SummarizeAsync(IAsyncEnumerable<int> values, CancellationToken cancellationToken = default);
        }
        """);

    [Fact]
    public void GenericMathAndComparerPaths() => Check("""
        using System;
        using System.Collections.Generic;
        using System.Numerics;
        using MultiAgg;
        using static MultiAgg.Agg;

        public static partial class Generic
        {
            [Aggregate(Sum, Average)]
            public static partial (T Sum, T Mean) SumAndMean<T>(T[] values) where T : INumber<T>;

            [Aggregate(Min, Max)]
            public static partial (string? First, string? Last) Alphabetical(this IEnumerable<string> words);
        }
        """);

    [Fact]
    public void GroupByWithComparerNullKeysAndAsync() => Check("""
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using MultiAgg;
        using static MultiAgg.Agg;

        namespace Shop;

        public sealed record Order(string? Region, decimal Total, bool IsPaid, int Shard);

        public static partial class Regions
        {
            // One record per region (a null region too, until ToDictionary's rule throws for it).
            [GroupBy(nameof(Order.Region))]
            [Aggregate(Sum, Max, Of = nameof(Order.Total))]
            [Aggregate(Count)]
            [Aggregate(All, Of = nameof(Order.IsPaid))]
            public static partial Dictionary<string, (decimal Revenue, decimal Largest, int Orders, bool AllPaid)> Summarize(IEnumerable<Order> orders, IEqualityComparer<string>? comparer = null);

            // Value-type keys cannot be null; an async method indexes its records instead of holding a ref.
            [GroupBy(nameof(Order.Shard))]
            [Aggregate(Sum, Of = nameof(Order.Total))]
            public static partial Task<IReadOnlyDictionary<int, decimal>> ByShardAsync(IAsyncEnumerable<Order> orders);
        }
        """);

    private static void Check(string source, bool expectErrors = false, [System.Runtime.CompilerServices.CallerMemberName] string test = "", [System.Runtime.CompilerServices.CallerFilePath] string file = "")
    {
        var result = TestCompiler.Run(source);
        if (!expectErrors)
        {
            result.AssertClean();
        }

        foreach (var generated in result.Sources)
        {
            Snapshot.Verify(generated.HintName, generated.SourceText.ToString(), file, test);
        }
    }
}
