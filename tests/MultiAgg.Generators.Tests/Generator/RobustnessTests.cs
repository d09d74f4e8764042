using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using MultiAgg.Generators.Tests.Infrastructure;

namespace MultiAgg.Generators.Tests;

/// <summary>
/// The IDE hands the generator half-typed code on every keystroke. Hundreds of broken variants of
/// valid inputs (truncated, tokens deleted, tokens swapped) must never make it throw.
/// </summary>
public class RobustnessTests
{
    private static readonly string[] Seeds =
    {
        """
        using System.Collections.Generic;
        using MultiAgg;
        using static MultiAgg.Agg;
        public sealed record Order(decimal Total, int Quantity, bool IsPaid, decimal? Discount);
        public static partial class Reports
        {
            private static decimal Taxed(Order o, decimal rate) => o.Total * rate;
            [Aggregate(Sum, Max, Of = nameof(Order.Total))]
            [Aggregate(Count, Where = nameof(Order.IsPaid))]
            [Aggregate(Average, Of = nameof(Taxed))]
            public static partial (decimal, decimal, int, decimal?) Summarize(IEnumerable<Order> orders, decimal rate);
        }
        """,
        """
        using System;
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using MultiAgg;
        namespace N.M
        {
            public partial class Outer<T> where T : IComparable<T>
            {
                partial struct Inner
                {
                    [Aggregate(Agg.Min, Agg.Max, Agg.Count)]
                    internal static partial ValueTask<(T?, T?, int)> RangeAsync(IAsyncEnumerable<T> xs, CancellationToken ct);
                    [Aggregate(Agg.Sum, Agg.Average)]
                    internal static partial (double, double?) Span(ReadOnlySpan<float?> xs);
                }
            }
        }
        """,
        """
        using System.Collections.Generic;
        using MultiAgg;
        using MultiAgg.Accumulators;
        using static MultiAgg.Agg;
        public struct Counter<T> : IAccumulator<T?, int> { private int _n; public void Add(T? v) => _n++; public readonly int Result => _n; }
        public static partial class Custom
        {
            [Aggregate(typeof(KahanNeumaierSum), Where = nameof(Positive))]
            [Aggregate(typeof(Counter<double>))]
            [Aggregate(typeof(P2Median))]
            public static partial (double, int, double) Stats(double[] values);
            private static bool Positive(double v) => v > 0;
        }
        public sealed record Item(string? Name, double Score, bool Ok);
        public static partial class Beyond
        {
            [Aggregate(MinBy, MaxBy, Variance, StdDevP, Of = nameof(Item.Score))]
            [Aggregate(First, LastOrDefault, CountDistinct, Of = nameof(Item.Name), Where = nameof(Item.Ok))]
            [Aggregate(Any, All, Of = nameof(Item.Ok))]
            public static partial (Item, Item?, double, double?, string?, string?, int, bool, bool) Profile(IEnumerable<Item> items);
        }
        """,
        """
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using MultiAgg;
        using static MultiAgg.Agg;
        public sealed record Sale(string? Region, int? Shard, decimal Total, bool Paid);
        public static partial class Grouped
        {
            [GroupBy(nameof(Sale.Region))]
            [Aggregate(Sum, Max, Of = nameof(Sale.Total))]
            [Aggregate(Count, Where = nameof(Sale.Paid))]
            public static partial Dictionary<string, (decimal, decimal, int)> ByRegion(IEnumerable<Sale> sales, IEqualityComparer<string>? comparer);
            [GroupBy(nameof(Sale.Shard))]
            [Aggregate(All, Of = nameof(Sale.Paid))]
            public static partial Task<IReadOnlyDictionary<int?, bool>> ByShardAsync(IAsyncEnumerable<Sale> sales);
            [GroupBy(nameof(Sale.Region))]
            public static partial Dictionary<string, int> Nothing(List<Sale> sales);
        }
        """,
        """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;
        using MultiAgg;
        using static MultiAgg.Agg;
        public sealed record Order(string Region, decimal Total, int? Quantity, bool IsPaid, string? Note);
        public static partial class Queries
        {
            [Aggregate(Sum, Max, Of = nameof(Net), Where = nameof(IsLarge))]
            [Aggregate(CountDistinct, Of = nameof(Order.Note))]
            [Aggregate(Average, Min, Of = nameof(Order.Quantity))]
            public static partial Task<(decimal, decimal?, int, double?, int?)> SummarizeAsync(IQueryable<Order> orders, decimal rate, decimal threshold, CancellationToken ct);
            [GroupBy(nameof(Band))]
            [Aggregate(Any, All, Of = nameof(Order.IsPaid))]
            public static partial Dictionary<string, (bool, bool)> ByBand(IOrderedQueryable<Order> orders);
            private static decimal Net(Order o, decimal rate) => Math.Round(o.Total / (1 + rate), 2) + nameof(o.Total).Length;
            private static bool IsLarge(Order o, decimal threshold) => o.Total > threshold && !string.IsNullOrEmpty(o.Note?.Trim());
            private static string Band(Order o) => o.Total > 100m ? "high" : o.Region.ToUpperInvariant();
        }
        """,
        """
        using System;
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using MultiAgg;
        using static MultiAgg.Agg;
        public sealed record Page(Uri Url, string Host, int Size, bool Up);
        public static partial class Concurrency
        {
            [Aggregate(Sum, Max, Count, Of = nameof(FetchSizeAsync))]
            [Aggregate(Count, Where = nameof(Page.Up))]
            public static partial Task<(long, int, int, int)> CrawlAsync(IEnumerable<Page> pages, ParallelOptions options, CancellationToken cancellationToken);
            [GroupBy(nameof(HostAsync))]
            [Aggregate(First, Average, Of = nameof(Page.Size), Where = nameof(IsUpAsync))]
            public static partial ValueTask<Dictionary<string, (int, double?)>> ByHostAsync(IAsyncEnumerable<Page> pages, ParallelOptions options);
            [Aggregate(Sum, Max, Of = nameof(Page.Size))]
            public static partial (long, int) Sizes(Page[] pages, ParallelOptions options);
            private static async ValueTask<int> FetchSizeAsync(Page page, CancellationToken token) { await Task.Delay(1, token); return page.Size; }
            private static async Task<string> HostAsync(Page page) { await Task.Yield(); return page.Host; }
            private static Task<bool> IsUpAsync(Page page) => Task.FromResult(page.Up);
        }
        """,
    };

    /// <summary>An async window's own names (the window, its enumerator, the values struct's fields) never take a value's.</summary>
    [Fact]
    public async Task ValueFieldsNamedLikeTheWindowsOwnStayApart()
    {
        const string Source = """
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading.Tasks;
            using MultiAgg;
            using static MultiAgg.Agg;

            public sealed record Row(int Window, int Values, int More, int Token, int Enumerator, bool Filter0, string Key, int Item, int Evaluate, bool Decided0);

            public static partial class Reports
            {
                [GroupBy(nameof(Row.Key))]
                [Aggregate(Sum, Of = nameof(Row.Window), Where = nameof(Row.Filter0))]
                [Aggregate(Sum, Of = nameof(Row.Values))]
                [Aggregate(Max, Of = nameof(Row.More))]
                [Aggregate(Sum, Of = nameof(Row.Token))]
                [Aggregate(Sum, Of = nameof(Row.Enumerator))]
                [Aggregate(MaxBy, Of = nameof(Row.Item))]
                [Aggregate(Sum, Of = nameof(Row.Evaluate))]
                public static partial Task<Dictionary<string, (long, long, int, long, long, Row?, long)>> SummarizeAsync(IAsyncEnumerable<Row> rows, ParallelOptions options);

                // Any can be decided: its flag must not take the value's name.
                [Aggregate(Any, Of = nameof(Row.Decided0))]
                [Aggregate(Sum, Of = nameof(Row.Values))]
                public static partial Task<(bool, long)> AnyAsync(IAsyncEnumerable<Row> rows, ParallelOptions options);

                public static async Task<bool> EqualsLinq()
                {
                    var rows = Enumerable.Range(0, 50).Select(static i => new Row(i, i * 2, -i, i % 7, 3, i % 3 == 0, (i % 4).ToString(), i * 37 % 11, 1, i == 20)).ToArray();
                    var expected = rows.GroupBy(static r => r.Key).ToDictionary(static g => g.Key, static g => ((long)g.Where(static r => r.Filter0).Sum(static r => r.Window),
                        (long)g.Sum(static r => r.Values), g.Max(static r => r.More), (long)g.Sum(static r => r.Token), (long)g.Sum(static r => r.Enumerator), g.MaxBy(static r => r.Item), (long)g.Sum(static r => r.Evaluate)));
                    var actual = await SummarizeAsync(Stream(rows), new ParallelOptions { MaxDegreeOfParallelism = 3 });
                    var any = await AnyAsync(Stream(rows), new ParallelOptions { MaxDegreeOfParallelism = 3 });
                    return expected.SequenceEqual(actual) && any == (true, rows.Sum(static r => (long)r.Values));
                }

                private static async IAsyncEnumerable<Row> Stream(IEnumerable<Row> rows)
                {
                    foreach (var row in rows)
                    {
                        await Task.Yield();
                        yield return row;
                    }
                }
            }
            """;
        var reports = CompiledReports(Source);
        Assert.True(await (Task<bool>)reports.GetMethod("EqualsLinq")!.Invoke(null, null)!);
    }

    /// <summary>
    /// A sequential method never merges: a custom accumulator's Merge that is [Obsolete] as an error is no concern of it
    /// (the generated code calls Add and Result only).
    /// </summary>
    [Fact]
    public void ASequentialMethodTakesAnAccumulatorWhoseMergeIsObsolete()
    {
        const string Source = """
            using MultiAgg;

            public struct Total : IMergeableAccumulator<Total, int, long>
            {
                private long _sum;
                public void Add(int value) => _sum += value;
                public readonly long Result => _sum;
                [System.Obsolete("merging is retired", error: true)]
                public void Merge(Total other) => _sum += other._sum;
            }

            public static partial class Sums
            {
                [Aggregate(typeof(Total))]
                public static partial long Of(int[] values);
            }
            """;
        TestCompiler.Run(Source).AssertClean();
    }

    /// <summary>
    /// Obsolete code may use what is [Obsolete] as an error (C# allows it there), and the generated part shares the
    /// declaration's attributes: a result type's constructor and a custom accumulator's members that are (Merge included,
    /// in a parallel method) raise no MAGG105 or MAGG116, and the generated code compiles.
    /// </summary>
    [Fact]
    public void ObsoleteCodeMayUseWhatIsObsoleteAsAnError()
    {
        const string Source = """
            using MultiAgg;
            using static MultiAgg.Agg;

            public sealed class Stats
            {
                [System.Obsolete("use Create", error: true)]
                public Stats(int count, long total) { }
            }

            public struct Retired : IAccumulator<int, long>
            {
                private long _n;
                [System.Obsolete("use Push", error: true)]
                public void Add(int value) => _n += value;
                public readonly long Result => _n;
            }

            public struct Unmerged : IMergeableAccumulator<Unmerged, int, long>
            {
                private long _n;
                public void Add(int value) => _n += value;
                public readonly long Result => _n;
                [System.Obsolete("merging is retired", error: true)]
                public void Merge(Unmerged other) => _n += other._n;
            }

            [System.Obsolete("the old reports")]
            public static partial class OldReports
            {
                [Aggregate(Count, LongCount)]
                public static partial Stats Summarize(int[] values);

                [Aggregate(typeof(Retired))]
                public static partial long Total(int[] values);

                [Aggregate(typeof(Unmerged))]
                public static partial long TotalOnAllCores(int[] values, System.Threading.Tasks.ParallelOptions options);
            }
            """;
        TestCompiler.Run(Source).AssertClean();
    }

    /// <summary>
    /// An obsolete method (its type is not) may use what is [Obsolete] as an error too: the types the generator adds
    /// beside it for a grouped or a parallel method (a key's record, a block's values) name it, and compile.
    /// </summary>
    [Fact]
    public void AnObsoleteMethodsGeneratedTypesMayNameWhatIsObsoleteAsAnError()
    {
        const string Source = """
            using System.Collections.Generic;
            using System.Threading.Tasks;
            using MultiAgg;
            using static MultiAgg.Agg;

            [System.Obsolete("use Code", true)]
            public sealed class LegacyCode
            {
                public string Kind { get; } = "";
                public int Weight { get; }
            }

            public sealed class Ticket
            {
                [System.Obsolete("use Code")]
                public LegacyCode Legacy { get; } = null!;
                public int Id { get; }
            }

            public static partial class Reports
            {
                [System.Obsolete("the old reports")]
                [GroupBy("Kind")]   // an attribute is not in the method's obsolete code: nameof(LegacyCode.Kind) would fail
                [Aggregate(First, Count)]
                public static partial Dictionary<string, (LegacyCode, int)> ByKind(IEnumerable<LegacyCode> codes);

                [System.Obsolete("the old reports")]
                [Aggregate(First, Of = "Legacy")]
                [Aggregate(Sum, Of = nameof(Ticket.Id))]
                public static partial (LegacyCode, int) FirstOnAllCores(Ticket[] tickets, ParallelOptions options);
            }
            """;
        TestCompiler.Run(Source).AssertClean();
    }

    /// <summary>
    /// Value locals are named after their Of member: members named like the loop's own locals (item, key, group, span),
    /// like an accumulator (Sum0) or like each other's "...Value" form still get names of their own.
    /// </summary>
    [Fact]
    public void ValueLocalsNamedLikeTheLoopsOwnStayApart()
    {
        const string Source = """
            using System.Collections.Generic;
            using System.Linq;
            using MultiAgg;
            using static MultiAgg.Agg;

            public sealed record Row(int Item, string Key, int? Group, int Span, int Sum0, int? Total, int TotalValue, int Value);

            public static partial class Reports
            {
                [GroupBy(nameof(Row.Key))]
                [Aggregate(Sum, Of = nameof(Row.Item))]
                [Aggregate(Sum, Of = nameof(Row.Span))]
                [Aggregate(Max, Of = nameof(Row.Sum0))]
                [Aggregate(First, Sum, Of = nameof(Row.Total))]
                [Aggregate(Sum, Of = nameof(Row.TotalValue))]
                [Aggregate(First, Max, Of = nameof(Row.Group))]
                [Aggregate(Sum, Of = nameof(Row.Value))]
                public static partial Dictionary<string, (int, int, int, int?, int, int, int?, int?, int)> Summarize(IEnumerable<Row> rows);

                public static bool EqualsLinq()
                {
                    var rows = Enumerable.Range(0, 50).Select(static i => new Row(i, (i % 3).ToString(), i % 4 == 0 ? null : i, i * 2, -i, i % 5 == 0 ? null : i, 7, i % 2)).ToArray();
                    var expected = rows.GroupBy(static r => r.Key).ToDictionary(static g => g.Key, static g => (g.Sum(static r => r.Item), g.Sum(static r => r.Span), g.Max(static r => r.Sum0),
                        g.Select(static r => r.Total).First(), g.Sum(static r => r.Total) ?? 0, g.Sum(static r => r.TotalValue), g.Select(static r => r.Group).First(), g.Max(static r => r.Group), g.Sum(static r => r.Value)));
                    return expected.SequenceEqual(Summarize(rows));
                }
            }
            """;
        var reports = CompiledReports(Source);
        Assert.Equal(true, reports.GetMethod("EqualsLinq")!.Invoke(null, null));
    }

    /// <summary>
    /// Type parameters, of the method or of its type, named like the parameters and locals of the helpers written beside
    /// the loop (a group's opener takes <c>groups</c>, <c>count</c> and <c>key</c>; generic math's <c>left</c>, <c>right</c>
    /// and <c>sum</c>): a parameter or local named like a method's type parameter does not compile (CS0412).
    /// </summary>
    [Fact]
    public void TypeParametersNamedLikeTheHelpersParametersCompile()
    {
        const string Source = """
            using System.Collections.Generic;
            using System.Linq;
            using System.Numerics;
            using MultiAgg;
            using static MultiAgg.Agg;

            public sealed record Keyed<TKey>(TKey Key, int Units);

            public static partial class Reports
            {
                [GroupBy(nameof(Keyed<int>.Key))]
                [Aggregate(Sum, Count, Of = nameof(Keyed<int>.Units))]
                public static partial Dictionary<key, (int, int)> ByKey<key>(IEnumerable<Keyed<key>> rows) where key : notnull;

                [GroupBy(nameof(Keyed<int>.Key))]
                [Aggregate(Sum, Of = nameof(Keyed<int>.Units))]
                public static partial Dictionary<groups, int> ByGroups<groups, count, group>(IEnumerable<Keyed<groups>> rows, count unused, group alsoUnused) where groups : notnull;

                [Aggregate(Sum, Average, Max)]
                public static partial (left, left, left) Totals<left>(IEnumerable<left> values) where left : INumber<left>;

                [Aggregate(Sum, Average)]
                public static partial (sum, sum) SumAndAverage<sum, right>(IEnumerable<sum> values, right unused) where sum : INumber<sum>;

                [GroupBy(nameof(Keyed<int>.Key))]
                [Aggregate(Sum, Count, Of = nameof(Keyed<int>.Units))]
                public partial struct PerKey<key, count, groups, group> : IAccumulator<Keyed<key>, Dictionary<key, (int, int)>> where key : notnull { }

                [Aggregate(Sum, Average, Max)]
                public partial struct Running<left, right, sum, count> : IMergeableAccumulator<Running<left, right, sum, count>, left, (left, left, left)> where left : INumber<left> { }

                public static string Check()
                {
                    var rows = new[] { new Keyed<string>("a", 1), new Keyed<string>("b", 2), new Keyed<string>("a", 3) };
                    var byKey = ByKey(rows);
                    var byGroups = ByGroups(rows, 0, "");
                    var perKey = new PerKey<string, int, int, int>();
                    foreach (var row in rows) perKey.Add(row);
                    Running<double, int, int, int> first = default, second = default;
                    first.Add(1.5);
                    second.Add(2.5);
                    second.Add(5.0);
                    first.Merge(second);
                    return $"{byKey["a"]} {byKey["b"]} {byGroups["a"]} {Totals(new[] { 1.5, 2.5, 5.0 })} {SumAndAverage(new[] { 2m, 4m }, 'x')} {perKey.Result["a"]} {first.Result}";
                }
            }
            """;
        var reports = CompiledReports(Source);
        Assert.Equal("(4, 2) (2, 1) 4 (9, 3, 5) (6, 3) (4, 2) (9, 3, 5)", reports.GetMethod("Check")!.Invoke(null, null));
    }

    /// <summary>
    /// Method type parameters named like the members of the types declared beside the method, which are generic over
    /// them (a block's <c>groups</c>, <c>groupCount</c>, <c>index</c> and <c>nullKeyAt</c>, a key's <c>count0</c>, an
    /// element's evaluated <c>key</c>, <c>filter0</c> and <c>units</c>, a query row's <c>sum0</c>): a member named like
    /// its type's type parameter is CS0102, so those members take the local prefix then.
    /// </summary>
    [Fact]
    public void TypeParametersNamedLikeTheMembersBesideTheMethodCompile()
    {
        const string Source = """
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading.Tasks;
            using MultiAgg;
            using static MultiAgg.Agg;

            public sealed record Item<K>(K Group, int Units, bool Kept);

            public sealed class Raw { public int _units; }

            public static partial class Reports
            {
                [GroupBy(nameof(Item<int>.Group))]
                [Aggregate(Sum, Count, Of = nameof(Item<int>.Units))]
                public static partial Dictionary<count0, (int, int)> Grouped<count0>(IEnumerable<Item<count0>> items) where count0 : notnull;

                [GroupBy(nameof(Item<int>.Group))]
                [Aggregate(Sum, Of = nameof(Item<int>.Units))]
                public static partial Dictionary<index, int> InParallel<index, groups, groupCount>(Item<index>[] items, ParallelOptions options) where index : notnull;

                [GroupBy(nameof(Item<int>.Group))]
                [Aggregate(Sum, Of = nameof(Item<int>.Units))]
                public static partial Dictionary<nullKeyAt, int> InParallelChunks<nullKeyAt>(IEnumerable<Item<nullKeyAt>> items, ParallelOptions options) where nullKeyAt : notnull;

                [Aggregate(Sum, Max, Of = nameof(Item<int>.Units))]
                public static partial (int, int?) Totals<sum0, max1>(Item<sum0>[] items, ParallelOptions options);

                [GroupBy(nameof(Item<int>.Group))]
                [Aggregate(Sum, Of = nameof(Item<int>.Units), Where = nameof(Item<int>.Kept))]
                public static partial Task<Dictionary<key, int>> InWindow<key, units, filter0, item>(IAsyncEnumerable<Item<key>> items, ParallelOptions options) where key : notnull;

                [GroupBy(nameof(Item<int>.Group))]
                [Aggregate(Sum, Of = nameof(Item<int>.Units))]
                public static partial Dictionary<sum0, int> InQuery<sum0>(IQueryable<Item<sum0>> items) where sum0 : notnull;

                // A value's field is named after its Of, which may start with an underscore, as a type parameter may.
                [Aggregate(Sum, Of = nameof(Raw._units))]
                public static partial Task<int> RawUnitsAsync<_units>(IAsyncEnumerable<Raw> items, ParallelOptions options);

                public static string Check()
                {
                    var items = Enumerable.Range(0, 5_000).Select(static i => new Item<string>("g" + (i % 3), i % 7, i % 2 == 0)).ToArray();
                    var sums = items.GroupBy(static i => i.Group).ToDictionary(static g => g.Key, static g => g.Sum(static i => i.Units));
                    var kept = items.Where(static i => i.Kept).GroupBy(static i => i.Group).ToDictionary(static g => g.Key, static g => g.Sum(static i => i.Units));
                    var options = new ParallelOptions { MaxDegreeOfParallelism = 2 };
                    return string.Join(" ", new[]
                    {
                        Grouped(items).SequenceEqual(items.GroupBy(static i => i.Group).ToDictionary(static g => g.Key, static g => (g.Sum(static i => i.Units), g.Count()))),
                        InParallel<string, int, int>(items, options).OrderBy(static p => p.Key).SequenceEqual(sums.OrderBy(static p => p.Key)),
                        InParallelChunks(items.Select(static i => i), options).OrderBy(static p => p.Key).SequenceEqual(sums.OrderBy(static p => p.Key)),
                        Totals<string, int>(items, options) == (items.Sum(static i => i.Units), items.Max(static i => i.Units)),
                        InWindow<string, int, int, int>(items.ToAsyncEnumerable(), options).GetAwaiter().GetResult().OrderBy(static p => p.Key).SequenceEqual(kept.OrderBy(static p => p.Key)),
                        InQuery(items.AsQueryable()).OrderBy(static p => p.Key).SequenceEqual(sums.OrderBy(static p => p.Key)),
                        RawUnitsAsync<int>(items.Select(static i => new Raw { _units = i.Units }).ToAsyncEnumerable(), options).GetAwaiter().GetResult() == items.Sum(static i => i.Units),
                    });
                }
            }
            """;
        var reports = CompiledReports(Source);
        Assert.Equal("True True True True True True True", reports.GetMethod("Check")!.Invoke(null, null));
    }

    /// <summary>
    /// Members named like the types generated beside a method or inside an accumulator type (a key's record and its
    /// storage, a block's state, a query's row): those types take another underscore (they were CS0102 in the generated file).
    /// </summary>
    [Fact]
    public void MembersNamedLikeTheGeneratedTypesCompile()
    {
        const string Source = """
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading.Tasks;
            using MultiAgg;
            using static MultiAgg.Agg;

            public sealed record Item(string Group, int Units);

            [GroupBy(nameof(Item.Group))]
            [Aggregate(Sum, Of = nameof(Item.Units))]
            public partial struct Stats : IAccumulator<Item, Dictionary<string, int>>
            {
                private int __Stats_Group;
                public static int __Stats_Groups => 0;
            }

            public static partial class Reports
            {
                private static readonly int __ByGroup_Group = 0, __InParallel_State = 0, __InQuery_Row = 0;

                [GroupBy(nameof(Item.Group))]
                [Aggregate(Sum, Of = nameof(Item.Units))]
                public static partial Dictionary<string, int> ByGroup(IEnumerable<Item> items);

                [GroupBy(nameof(Item.Group))]
                [Aggregate(Sum, Of = nameof(Item.Units))]
                public static partial Dictionary<string, int> InParallel(Item[] items, ParallelOptions options);

                [GroupBy(nameof(Item.Group))]
                [Aggregate(Sum, Of = nameof(Item.Units))]
                public static partial Dictionary<string, int> InQuery(IQueryable<Item> items);

                public static string Check()
                {
                    var items = Enumerable.Range(0, 5_000).Select(static i => new Item("g" + (i % 3), i % 7)).ToArray();
                    var sums = items.GroupBy(static i => i.Group).ToDictionary(static g => g.Key, static g => g.Sum(static i => i.Units));
                    var stats = default(Stats);
                    foreach (var item in items) stats.Add(item);
                    return string.Join(" ", new[]
                    {
                        ByGroup(items).OrderBy(static p => p.Key).SequenceEqual(sums.OrderBy(static p => p.Key)),
                        InParallel(items, new ParallelOptions { MaxDegreeOfParallelism = 2 }).OrderBy(static p => p.Key).SequenceEqual(sums.OrderBy(static p => p.Key)),
                        InQuery(items.AsQueryable()).OrderBy(static p => p.Key).SequenceEqual(sums.OrderBy(static p => p.Key)),
                        stats.Result.OrderBy(static p => p.Key).SequenceEqual(sums.OrderBy(static p => p.Key)),
                        __ByGroup_Group + __InParallel_State + __InQuery_Row == 0,
                    });
                }
            }
            """;
        var reports = CompiledReports(Source);
        Assert.Equal("True True True True True", reports.GetMethod("Check")!.Invoke(null, null));
    }

    /// <summary>
    /// A base type's members named like what MultiAgg generates in a derived type (an accumulator type's fields and
    /// helpers, a key's record beside a method): the generated ones take another underscore (CS0108 before).
    /// </summary>
    [Fact]
    public void BaseMembersNamedLikeTheGeneratedOnesAreNotHidden()
    {
        const string Source = """
            using System.Collections.Generic;
            using MultiAgg;
            using static MultiAgg.Agg;

            public sealed record Item(string Group, int Units);

            public class Tally
            {
                protected int __count0;
                protected bool __started;
                protected static int __ByGroup_Group;
            }

            [Aggregate(Count)]
            [Aggregate(Sum, Of = nameof(Item.Units))]
            public partial class Stats : Tally, IAccumulator<Item, (int, int)> { }

            public partial class Reports : Tally
            {
                [GroupBy(nameof(Item.Group))]
                [Aggregate(Sum, Of = nameof(Item.Units))]
                public static partial Dictionary<string, int> ByGroup(IEnumerable<Item> items);
            }
            """;
        TestCompiler.Run(Source).AssertClean();
    }

    /// <summary>A base type's private member, which a derived type cannot hide, leaves the generated names as they are.</summary>
    [Fact]
    public void APrivateBaseMemberLeavesTheGeneratedNamesAsTheyAre()
    {
        const string Source = """
            using MultiAgg;
            using static MultiAgg.Agg;

            public class Tally
            {
                private int __count0 = 1;
                public int Peek() => __count0;
            }

            [Aggregate(Count)]
            public partial class Stats : Tally, IAccumulator<int, int> { }
            """;
        var result = TestCompiler.Run(Source).AssertClean();
        Assert.Contains("private int __count0;", result.SingleSource);
    }

    /// <summary>
    /// A declaration that says [GeneratedCode] itself (a tool wrote it): the implementation does not say it again, since a
    /// partial method's parts share their attributes (CS0579 before), on a rejected declaration neither.
    /// </summary>
    [Fact]
    public void ADeclarationMarkedGeneratedCodeIsNotMarkedTwice()
    {
        const string Source = """
            using System.Collections.Generic;
            using MultiAgg;
            using static MultiAgg.Agg;

            public static partial class Stats
            {
                [System.CodeDom.Compiler.GeneratedCode("ReportGen", "2.1")]
                [Aggregate(Sum, Max)]
                public static partial (long, int) Summary(IEnumerable<int> xs);
            }
            """;
        TestCompiler.Run(Source).AssertClean();

        var rejected = TestCompiler.Run(Source.Replace("[Aggregate(Sum, Max)]", "[Aggregate(Sum, Of = \"Missing\")]"));
        Assert.Contains(rejected.GeneratorDiagnostics, static d => d.Id == "MAGG107");
        Assert.DoesNotContain(rejected.CompilationDiagnostics, static d => d.Id == "CS0579");
    }

    /// <summary>
    /// Every local the emitters name for themselves (<c>_p + "whole"</c>, <c>{_p}span</c>, <c>_p + "valued" + index</c>,
    /// and through the other names of the prefix)
    /// is a name a value's local cannot take: an <c>Of</c> named like it (<c>Row.Whole</c>) would otherwise declare the
    /// same local twice (CS0136). Names that start with a capital are the emitters' methods, which a value's camel-case
    /// local never is.
    /// </summary>
    [Fact]
    public void EveryLocalTheEmittersNameIsKeptFromValueLocals()
    {
        var emitter = typeof(AggregateGenerator).Assembly.GetTypes().Single(static t => t.Name == "FusedEmitter");
        var plain = (HashSet<string>)emitter.GetField("LoopNames", BindingFlags.NonPublic | BindingFlags.Static)!.GetValue(null)!;
        var numbered = (string[])emitter.GetField("NumberedLoopNames", BindingFlags.NonPublic | BindingFlags.Static)!.GetValue(null)!;
        var missing = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(TestPaths.RepositoryRoot, "src", "MultiAgg.Generators", "Emitting"), "*.cs", SearchOption.AllDirectories))
        {
            // `_p + "name"` (or the prefix as `p`, `P`, a spec's `LocalPrefix`), then ` + index` for a numbered one;
            // `{_p}name` (or `{P}name`), then `{` for a numbered one.
            foreach (Match name in Regex.Matches(File.ReadAllText(file), @"(?:\b_p|\bp|\bP|LocalPrefix) \+ ""(?<name>[a-z]\w*)""(?<numbered> \+)?|\{(?:_p|P)\}(?<name>[a-z]\w*)(?<numbered>\{)?"))
            {
                var (text, isNumbered) = (name.Groups["name"].Value, name.Groups["numbered"].Success);
                if (isNumbered ? !numbered.Contains(text) : !plain.Contains(text))
                {
                    missing.Add($"{text}{(isNumbered ? "<n>" : "")} in {Path.GetFileName(file)}");
                }
            }
        }

        Assert.Empty(missing);
    }

    /// <summary>
    /// An <c>Of</c> named like a local the loop names for itself: <c>Whole</c>, the span a parallel method reads a list
    /// through, grouped and not (CS0136 in the generated file before).
    /// </summary>
    [Fact]
    public void AnOfNamedLikeTheParallelLoopsSpanCompiles()
    {
        const string Source = """
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading.Tasks;
            using MultiAgg;
            using static MultiAgg.Agg;

            public sealed record Row(string Region, int Whole);

            public static partial class Reports
            {
                [GroupBy(nameof(Row.Region))]
                [Aggregate(Sum, Max, Of = nameof(Row.Whole))]
                public static partial Dictionary<string, (int Sum, int Max)> ByRegion(IReadOnlyList<Row> rows, ParallelOptions options);

                [Aggregate(Sum, Of = nameof(Row.Whole))]
                public static partial int Total(IReadOnlyList<Row> rows, ParallelOptions options);

                public static bool Check()
                {
                    var rows = Enumerable.Range(0, 20_000).Select(static i => new Row("r" + (i % 7), i % 1000)).ToList();
                    var options = new ParallelOptions { MaxDegreeOfParallelism = 2 };
                    var expected = rows.GroupBy(static r => r.Region).ToDictionary(static g => g.Key, static g => (g.Sum(static r => r.Whole), g.Max(static r => r.Whole)));
                    return ByRegion(rows, options).SequenceEqual(expected) && Total(rows, options) == rows.Sum(static r => r.Whole);
                }
            }
            """;
        Assert.Equal(true, CompiledReports(Source).GetMethod("Check")!.Invoke(null, null));
    }

    /// <summary>
    /// A dynamic key: a <c>Dictionary&lt;dynamic, T&gt;</c> returned, or a key member read as <c>dynamic</c>. The keys were
    /// found through <c>CollectionsMarshal.GetValueRefOrAddDefault</c> with a dynamic argument, bound at run time, which
    /// cannot return a ref (CS1510 in the generated file). An annotated <c>dynamic?</c> stays annotated (CS8619 otherwise).
    /// </summary>
    [Fact]
    public void DynamicKeysGroup()
    {
        const string Source = """
            #nullable enable
            #pragma warning disable CS8714 // the user's own Dictionary<dynamic?, int>, as with Dictionary<object?, int>
            using System.Collections.Generic;
            using System.Linq;
            using MultiAgg;
            using static MultiAgg.Agg;

            public sealed record Item(object Group, dynamic Label, int Units);

            public static partial class Reports
            {
                [GroupBy(nameof(Item.Group))]
                [Aggregate(Sum, Of = nameof(Item.Units))]
                public static partial Dictionary<dynamic?, int> ByGroup(IEnumerable<Item> items);

                [GroupBy(nameof(Item.Label))]
                [Aggregate(Sum, Of = nameof(Item.Units))]
                public static partial Dictionary<dynamic, int> ByLabel(IEnumerable<Item> items);

                public static string Check()
                {
                    var items = Enumerable.Range(0, 100).Select(static i => new Item(i % 3, "g" + (i % 4), i)).ToArray();
                    var byGroup = ByGroup(items);
                    var byLabel = ByLabel(items);
                    return string.Join(" ", new[]
                    {
                        byGroup.Count == 3 && byGroup[0] == items.Where(static i => (int)i.Group == 0).Sum(static i => i.Units),
                        // (object) first: a cast of a dynamic value to string would need the runtime binder.
                        byLabel.Select(static p => ((string)(object)p.Key, p.Value)).OrderBy(static p => p.Item1)
                            .SequenceEqual(items.GroupBy(static i => (string)(object)i.Label).Select(static g => (g.Key, g.Sum(static i => i.Units))).OrderBy(static p => p.Item1)),
                    });
                }
            }
            """;
        var reports = CompiledReports(Source);
        Assert.Equal("True True", reports.GetMethod("Check")!.Invoke(null, null));
    }

    /// <summary>
    /// A method type parameter named <c>Key</c>: the per-key record and a query's row, generic over the method's type
    /// parameters, hold the key in a member named otherwise (a member named like its type's type parameter is CS0102),
    /// in the sequential, parallel and query forms.
    /// </summary>
    [Fact]
    public void AMethodTypeParameterNamedKeyGroups()
    {
        const string Source = """
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading.Tasks;
            using MultiAgg;
            using static MultiAgg.Agg;

            public sealed record Item<K>(K Group, int Units);

            public static partial class Reports
            {
                [GroupBy(nameof(Item<int>.Group))]
                [Aggregate(Sum, Count, Of = nameof(Item<int>.Units))]
                public static partial Dictionary<Key, (int, int)> ByGroup<Key>(IEnumerable<Item<Key>> items) where Key : notnull;

                [GroupBy(nameof(Item<int>.Group))]
                [Aggregate(Sum, Of = nameof(Item<int>.Units))]
                public static partial Dictionary<Key, int> ByGroupInParallel<Key>(Item<Key>[] items, ParallelOptions options) where Key : notnull;

                [GroupBy(nameof(Item<int>.Group))]
                [Aggregate(Sum, Of = nameof(Item<int>.Units))]
                public static partial Dictionary<Key, int> ByGroupInQuery<Key>(IQueryable<Item<Key>> items) where Key : notnull;

                public static string Check()
                {
                    var items = Enumerable.Range(0, 10_000).Select(static i => new Item<string>("g" + (i % 3), i % 7)).ToArray();
                    var sums = items.GroupBy(static i => i.Group).ToDictionary(static g => g.Key, static g => g.Sum(static i => i.Units));
                    var both = ByGroup(items);
                    return string.Join(" ", new[]
                    {
                        both.SequenceEqual(items.GroupBy(static i => i.Group).ToDictionary(static g => g.Key, static g => (g.Sum(static i => i.Units), g.Count()))),
                        ByGroupInParallel(items, new ParallelOptions { MaxDegreeOfParallelism = 2 }).SequenceEqual(sums),
                        ByGroupInQuery(items.AsQueryable()).OrderBy(static p => p.Key).SequenceEqual(sums.OrderBy(static p => p.Key)),
                    });
                }
            }
            """;
        var reports = CompiledReports(Source);
        Assert.Equal("True True True", reports.GetMethod("Check")!.Invoke(null, null));
    }

    /// <summary>
    /// A generic override inherits its constraints and may not write them (CS0460), where the types generated beside it
    /// (a block's state, a key's record) must: the implementation repeats only what the declaration says (<c>class</c>).
    /// An inherited constraint that became a sealed type (<c>where T : U</c> of a <c>Keyed&lt;Item&gt;</c>) is not written
    /// beside it either (CS0701).
    /// </summary>
    [Fact]
    public void AGenericOverrideRepeatsOnlyTheConstraintsItsDeclarationWrites()
    {
        const string Source = """
            using System;
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading.Tasks;
            using MultiAgg;
            using static MultiAgg.Agg;

            public interface IKeyed { int Key { get; } }

            public sealed record Item(int Key, int Units) : IKeyed, IComparable<Item>
            {
                public int CompareTo(Item? other) => Units.CompareTo(other?.Units);
            }

            public abstract class Keyed<U>
            {
                public abstract Dictionary<int, T> Largest<T>(T[] xs, ParallelOptions options) where T : U;

                public abstract Dictionary<int, int> Counted<T>(IEnumerable<T> xs) where T : U;
            }

            public partial class ItemReports : Keyed<Item>
            {
                [GroupBy(nameof(Item.Key))]
                [Aggregate(Max)]
                public override partial Dictionary<int, T> Largest<T>(T[] xs, ParallelOptions options);

                [GroupBy(nameof(Item.Key))]
                [Aggregate(Count)]
                public override partial Dictionary<int, int> Counted<T>(IEnumerable<T> xs);
            }

            public abstract class Base
            {
                public abstract int Tally<T>(IEnumerable<T> xs) where T : IComparable<T>;

                public abstract T Top<T>(IEnumerable<T> xs) where T : IComparable<T>;

                public abstract Dictionary<int, T> TopByKey<T>(T[] xs, ParallelOptions options) where T : IKeyed, IComparable<T>;

                public abstract T? Largest<T>(IEnumerable<T> xs) where T : class, IComparable<T>;
            }

            public partial class Reports : Base
            {
                [Aggregate(Count)]
                public override partial int Tally<T>(IEnumerable<T> xs);

                [Aggregate(Max)]
                public override partial T Top<T>(IEnumerable<T> xs);

                [GroupBy(nameof(IKeyed.Key))]
                [Aggregate(Max)]
                public override partial Dictionary<int, T> TopByKey<T>(T[] xs, ParallelOptions options);

                [Aggregate(Max)]
                public override partial T? Largest<T>(IEnumerable<T> xs) where T : class;

                public static string Check()
                {
                    var items = new[] { new Item(1, 5), new Item(2, 9), new Item(1, 7) };
                    var reports = new Reports();
                    var byKey = reports.TopByKey(items, new ParallelOptions { MaxDegreeOfParallelism = 2 });
                    var sealedKeys = new ItemReports();
                    var largest = sealedKeys.Largest(items, new ParallelOptions { MaxDegreeOfParallelism = 2 });
                    var counted = sealedKeys.Counted(items);
                    return $"{reports.Tally(items)} {reports.Top(items).Units} {string.Join(",", byKey.Select(static p => p.Key + ":" + p.Value.Units))} {reports.Largest(items)?.Units}"
                        + $" {string.Join(",", largest.Select(static p => p.Key + ":" + p.Value.Units))} {string.Join(",", counted.Select(static p => p.Key + ":" + p.Value))}";
                }
            }
            """;
        var reports = CompiledReports(Source);
        Assert.Equal("3 9 1:7,2:9 9 1:7,2:9 1:2,2:1", reports.GetMethod("Check")!.Invoke(null, null));
    }

    /// <summary>
    /// What the generated code cannot build or read is reported, not emitted to fail: a result type or custom accumulator
    /// with required members its constructor leaves unset (CS9035), a property whose getter is protected, readable in
    /// the containing type only through an element of its own type (CS0271). A <c>[SetsRequiredMembers]</c> constructor
    /// builds it all.
    /// </summary>
    [Fact]
    public void RequiredMembersAndProtectedGettersAreReported()
    {
        const string Source = """
            using System.Collections.Generic;
            using System.Diagnostics.CodeAnalysis;
            using MultiAgg;
            using static MultiAgg.Agg;

            public record Stats(int Sum, int Max)
            {
                public required string Label { get; init; }
            }

            public record Labelled
            {
                [SetsRequiredMembers]
                public Labelled(int sum, int max) => (Sum, Max, Label) = (sum, max, "all");

                public int Sum { get; }

                public int Max { get; }

                public required string Label { get; init; }
            }

            public class Tally : IAccumulator<int, int>
            {
                public required int Seed;

                public int Result { get; private set; }

                public void Add(int value) => Result++;
            }

            public class Item
            {
                public int Score { protected get; set; }

                public int Units { get; set; }
            }

            public partial class Reports : Item
            {
                [Aggregate(Sum, Max)]
                public static partial {|MAGG105:Stats|} Summarize(IEnumerable<int> values);

                [Aggregate(Sum, Max)]
                public static partial Labelled Label(IEnumerable<int> values);

                [Aggregate({|MAGG116:typeof(Tally)|})]
                public static partial int Tallied(IEnumerable<int> values);

                [Aggregate(Sum, Of = {|MAGG107:nameof(Item.Score)|})]
                public static partial int Scores(IEnumerable<Item> items);

                [Aggregate(Sum, Of = nameof(Item.Units))]
                public static partial int Units(IEnumerable<Item> items);
            }
            """;
        var (source, expected) = Markup.Parse(Source);
        var result = TestCompiler.Run(source);
        Assert.Equal(
            expected.Select(static e => (e.Id, e.Span)).OrderBy(static e => e.Span.Start),
            result.GeneratorDiagnostics.Select(static d => (d.Id, d.Location.SourceSpan)).OrderBy(static e => e.Item2.Start));
        Assert.Empty(result.CompilationDiagnostics.Where(static d => d.Severity == DiagnosticSeverity.Error && d.Location.SourceTree?.FilePath != "Test0.cs"));
    }

    /// <summary>
    /// Members C# rejects as declared twice (CS0111, CS0756, CS0102) still reach the generator one by one; each gets a
    /// file of its own, so the compiler's error is what the user sees, not a generator that failed whole (CS8785) and
    /// left every other method unimplemented.
    /// </summary>
    [Fact]
    public void DeclarationsCSharpRejectsAsDuplicatesLeaveTheGeneratorWhole()
    {
        var result = TestCompiler.Run("""
            using MultiAgg;
            using static MultiAgg.Agg;

            public static partial class Reports
            {
                [Aggregate(Sum)] public static partial int Total(int[] values);
                [Aggregate(Max)] public static partial int Total(int[] values);

                [Aggregate(Sum)] public static partial long Wide(int[] values);
                [Aggregate(Sum)] public static partial long? Wide(int[] values);

                [Aggregate(Count)] public static partial int Tally(int[] values);
                [Aggregate(Sum)] public partial struct Tally : IAccumulator<int, long> { }

                [Aggregate(Sum)] public static partial int Unrelated(int[] values);

                // Named as a duplicate's file once was.
                [Aggregate(Min)] public static partial int Total_2(int[] values);
            }
            """);

        var errors = result.CompilationDiagnostics.Where(static d => d.Severity == DiagnosticSeverity.Error).Select(static d => d.Id).ToList();
        Assert.DoesNotContain("CS8785", errors);
        Assert.Contains("CS0756", errors);
        Assert.Contains("CS0102", errors);
        Assert.Empty(result.GeneratorDiagnostics.Where(static d => d.Id is "CS8785" or "MAGG199"));
        var hints = result.Sources.Select(static s => s.HintName).ToList();
        Assert.Equal(hints.Count, hints.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Equal(8, hints.Count);
        Assert.Contains("Reports.Unrelated.g.cs", hints);
        Assert.Contains("Reports.Total_2.g.cs", hints);
        Assert.Contains(hints, static h => h.StartsWith("Reports.Total_", StringComparison.Ordinal) && h.EndsWith(".2.g.cs", StringComparison.Ordinal));
        Assert.Contains("Reports.Tally.2.g.cs", hints);
    }

    /// <summary>
    /// A type and a namespace named the same in one namespace (CS0101) make the same dotted path: a method of the type
    /// and an accumulator type in the namespace, or two methods of nested types, would have the same hint name, which
    /// failed the whole generator (CS8785); each now gets a file of its own, and the compiler's error is what remains.
    /// </summary>
    [Fact]
    public void ATypeAndANamespaceNamedTheSameLeaveTheGeneratorWhole()
    {
        var result = TestCompiler.Run("""
            using MultiAgg;
            using static MultiAgg.Agg;

            namespace A
            {
                public static partial class Stats
                {
                    [Aggregate(Count)] public static partial int Of(int[] values);

                    public static partial class Inner
                    {
                        [Aggregate(Sum)] public static partial int Total(int[] values);
                        [Aggregate(Sum)] public static partial long Total(long[] values);
                    }
                }
            }

            namespace A.Stats
            {
                [Aggregate(Count)] public partial struct Of : IAccumulator<int, int> { }

                public static partial class Inner
                {
                    [Aggregate(Max)] public static partial int Total(int[] values);
                    [Aggregate(Max)] public static partial long Total(long[] values);
                }

                public static partial class Unrelated
                {
                    [Aggregate(Min)] public static partial int Least(int[] values);
                }
            }
            """);

        var errors = result.CompilationDiagnostics.Where(static d => d.Severity == DiagnosticSeverity.Error).Select(static d => d.Id).ToList();
        Assert.Contains("CS0101", errors);
        Assert.DoesNotContain("CS8785", errors);
        Assert.DoesNotContain("CS8795", errors);
        Assert.Empty(result.GeneratorDiagnostics.Where(static d => d.Id is "CS8785" or "MAGG199"));
        var hints = result.Sources.Select(static s => s.HintName).ToList();
        Assert.Equal(7, hints.Count);
        Assert.Equal(hints.Count, hints.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.All(hints, static h => Assert.StartsWith("A.Stats.", h, StringComparison.Ordinal));
    }

    /// <summary>
    /// A partial method that implements an interface's member explicitly is the compiler's CS0754: MAGG100 says so (not
    /// that it lacks an accessibility, which it cannot take), and nothing is generated for it, whose name the generated
    /// half could not repeat.
    /// </summary>
    [Fact]
    public void APartialExplicitInterfaceImplementationIsMAGG100ForWhatItIs()
    {
        var result = TestCompiler.Run("""
            using MultiAgg;
            using static MultiAgg.Agg;

            public interface ITotals { int Total(int[] values); }

            public partial class Totals : ITotals
            {
                [Aggregate(Sum)] partial int ITotals.Total(int[] values);
            }
            """);

        Assert.Contains(result.CompilationDiagnostics, static d => d.Id == "CS0754");
        var reported = Assert.Single(result.GeneratorDiagnostics);
        Assert.Equal("MAGG100", reported.Id);
        Assert.Contains("it implements an interface member explicitly", reported.GetMessage(), StringComparison.Ordinal);
        Assert.Empty(result.Sources);
    }

    /// <summary>
    /// Declarations whose generated files once clashed or broke: two methods, a method and a nested accumulator type, two
    /// classes or two namespaces whose names differ only in case (the driver compares hint names ignoring case, and a
    /// clash fails the whole generator), a generic type beside a type named like its metadata name (Outer`1, Outer_1), a
    /// line break in an Of string (the comments quote it), and a generic grouped accumulator type in a project that
    /// checks its documentation comments (its name in a summary was XML).
    /// </summary>
    [Fact]
    public void NamesThatOnceClashedOrBrokeTheOutputCompile()
    {
        const string Source = """
            using System.Collections.Generic;
            using System.Linq;
            using MultiAgg;
            using static MultiAgg.Agg;

            #pragma warning disable CS1591 // this file's own members: what is checked is the generated files' comments
            public sealed record Sale(string Region, int Units);
            #pragma warning restore CS1591

            /// <summary>Reports.</summary>
            public static partial class Reports
            {
                /// <summary>Upper case.</summary>
                [Aggregate(Sum)] public static partial int Total(int[] values);

                /// <summary>Lower case.</summary>
                [Aggregate(Sum)] public static partial long total(long[] values);

                /// <summary>A nested accumulator type named like the methods but for case.</summary>
                [Aggregate(Sum)] public partial struct TOTAL : IAccumulator<int, long> { }

                /// <summary>A line break in Of.</summary>
                [Aggregate(Sum, Of = "Units\n")] public static partial int Units(IEnumerable<Sale> sales);

                /// <summary>Checks.</summary>
                public static string Check() =>
                    $"{Total(new[] { 1, 2 })} {total(new[] { 3L, 4L })} {Units(new[] { new Sale("a", 5) })} {Outer<int>.Tally(new[] { 1, 2, 3 })} {Outer_1.Tally(new[] { 1 })} {Stats.Tally(new[] { 1, 2 })} {STATS.Tally(new[] { 1 })} {Accumulated()} {Acme.Counter.Tally(new[] { 1, 2, 3, 4 })} {acme.Counter.Tally(new[] { 1 })}";

                private static long Accumulated()
                {
                    var total = new TOTAL();
                    total.Add(4);
                    total.Add(5);
                    return total.Result;
                }
            }

            /// <summary>Named like <see cref="STATS"/> but for case.</summary>
            public static partial class Stats
            {
                /// <summary>Counts.</summary>
                [Aggregate(Count)] public static partial int Tally(IEnumerable<int> values);
            }

            /// <summary>Named like <see cref="Stats"/> but for case.</summary>
            public static partial class STATS
            {
                /// <summary>Counts.</summary>
                [Aggregate(Count)] public static partial int Tally(IEnumerable<int> values);
            }

            /// <summary>Generic.</summary>
            public static partial class Outer<T>
            {
                /// <summary>Counts.</summary>
                [Aggregate(Count)] public static partial int Tally(IEnumerable<T> values);
            }

            /// <summary>Named like Outer's metadata name.</summary>
            public static partial class Outer_1
            {
                /// <summary>Counts.</summary>
                [Aggregate(Count)] public static partial int Tally(IEnumerable<int> values);
            }

            namespace Acme
            {
                /// <summary>In a namespace named like acme but for case.</summary>
                public static partial class Counter
                {
                    /// <summary>Counts.</summary>
                    [Aggregate(Count)] public static partial int Tally(IEnumerable<int> values);
                }
            }

            namespace acme
            {
                /// <summary>In a namespace named like Acme but for case.</summary>
                public static partial class Counter
                {
                    /// <summary>Counts.</summary>
                    [Aggregate(Count)] public static partial int Tally(IEnumerable<int> values);
                }
            }

            /// <summary>Units by region.</summary>
            [GroupBy(nameof(Sale.Region))]
            [Aggregate(Sum, Of = nameof(Sale.Units))]
            public partial struct UnitsByRegion<TTag> : IAccumulator<Sale, Dictionary<string, int>> { }
            """;
        var result = TestCompiler.Run(WithDocumentationChecked(Source, "Names")).AssertClean();
        Assert.Equal("3 7 5 3 1 2 1 9 4 1", TestCompiler.Load(result.Output).GetType("Reports")!.GetMethod("Check")!.Invoke(null, null));
    }

    /// <summary>
    /// A warning in a declaration's own syntax is not a half-typed declaration: malformed XML in its doc comment (CS1570,
    /// with GenerateDocumentationFile) and a #warning between the attribute and the member stopped the generator without
    /// a word, leaving the compiler's CS8795 (and CS0535 for a type).
    /// </summary>
    [Fact]
    public void WarningsInADeclarationsSyntaxDoNotStopTheGenerator()
    {
        const string Source = """
            using System.Collections.Generic;
            using MultiAgg;
            using static MultiAgg.Agg;

            /// <summary>Sum & count, in one pass.</summary>
            [Aggregate(Sum, Count)]
            public partial struct Tally : IAccumulator<int, (int, int)> { }

            /// <summary>Reports.</summary>
            public static partial class Reports
            {
                /// <summary>Sum & count.</summary>
                [Aggregate(Sum, Count)]
            #warning check the overflow rule
                public static partial (int, int) Stats(int[] values);

                /// <summary>Both, as text.</summary>
                public static string Check()
                {
                    var tally = new Tally();
                    tally.Add(3);
                    tally.Add(4);
                    return $"{Stats([1, 2, 3])} {tally.Result}";
                }
            }
            """;
        var result = TestCompiler.Run(WithDocumentationChecked(Source, "Warned"));

        Assert.Empty(result.GeneratorDiagnostics);
        Assert.Equal(
            new[] { "CS1030", "CS1570", "CS1570" },
            result.CompilationDiagnostics.Where(static d => d.Severity >= DiagnosticSeverity.Warning).Select(static d => d.Id).Order());   // the user's own
        Assert.Equal("(6, 3) (7, 2)", TestCompiler.Load(result.Output).GetType("Reports")!.GetMethod("Check")!.Invoke(null, null));
    }

    /// <summary>
    /// An async window keeps each evaluated value in a field named after its member: <c>Await</c> gives <c>await</c>, which
    /// an async method's body takes for the operator (CS4003) unless escaped, as <c>fixed</c> is.
    /// </summary>
    [Fact]
    public void AWindowsValueFieldsNamedLikeKeywordsAreEscaped()
    {
        const string Source = """
            using System.Collections.Generic;
            using System.Threading.Tasks;
            using MultiAgg;
            using static MultiAgg.Agg;

            public sealed record Row(int Await, int Fixed);

            public static partial class Reports
            {
                [Aggregate(Sum, Of = nameof(Row.Await))]
                [Aggregate(Max, Of = nameof(Row.Fixed))]
                public static partial Task<(int Awaited, int Largest)> SummarizeAsync(IAsyncEnumerable<Row> rows, ParallelOptions options);

                public static string Check() =>
                    SummarizeAsync(Rows(), new ParallelOptions { MaxDegreeOfParallelism = 2 }).GetAwaiter().GetResult().ToString();

                private static async IAsyncEnumerable<Row> Rows()
                {
                    foreach (var row in new[] { new Row(1, 2), new Row(3, 7), new Row(5, 4) })
                    {
                        await Task.Yield();
                        yield return row;
                    }
                }
            }
            """;
        var reports = CompiledReports(Source);
        Assert.Equal("(9, 7)", reports.GetMethod("Check")!.Invoke(null, null));
    }

    /// <summary>
    /// A value local is named after its member with the locals' prefix: <c>Reftype</c> would give <c>__reftype</c>, one of
    /// the four undocumented keywords that start with two underscores (<c>__arglist</c>, <c>__makeref</c>,
    /// <c>__reftype</c>, <c>__refvalue</c>), a syntax error; such a name is numbered as a taken one is.
    /// </summary>
    [Fact]
    public void ValueLocalsNamedLikeTheUnderscoredKeywordsAreNumbered()
    {
        const string Source = """
            using System.Collections.Generic;
            using MultiAgg;
            using static MultiAgg.Agg;

            public sealed record Row(int? Reftype, int Arglist, int Makeref, long Refvalue);

            public static partial class Reports
            {
                [Aggregate(Min, Of = nameof(Row.Reftype))]
                [Aggregate(Min, Max, Of = nameof(Row.Arglist))]
                [Aggregate(Min, Max, Of = nameof(MakerefAsync))]
                [Aggregate(Sum, Average, Of = nameof(Row.Refvalue))]
                public static partial (int? Low, int A, int B, int C, int D, long Total, double Mean) Summarize(IEnumerable<Row> rows);

                private static int MakerefAsync(Row row) => row.Makeref;

                public static string Check() =>
                    Summarize(new[] { new Row(null, 3, 5, 7), new Row(4, 1, 6, 2) }).ToString();
            }
            """;
        var reports = CompiledReports(Source);
        Assert.Equal("(4, 1, 3, 5, 6, 9, 4.5)", reports.GetMethod("Check")!.Invoke(null, null));
    }

    [Fact]
    public void BrokenVariantsNeverCrashTheGenerator()
    {
        var variants = Seeds.SelectMany(Variants).Distinct().ToList();
        Assert.True(variants.Count >= 400, $"only {variants.Count} variants");

        var crashes = new List<string>();
        var badOutput = new List<string>();
        foreach (var variant in variants)
        {
            var result = TestCompiler.Run(TestCompiler.Compile(variant));
            var failures = result.RunResult.Results.Where(static r => r.Exception is not null).Select(static r => r.Exception!.ToString())
                .Concat(result.GeneratorDiagnostics.Where(static d => d.Id is "MAGG199" or "CS8785").Select(static d => d.ToString()));
            crashes.AddRange(failures.Select(f => f + "\n--- for ---\n" + variant));

            // A body that throws, written for a declaration MultiAgg rejects, never adds an error of its own. (An
            // implementation of a declaration with a semantic error, say an inaccessible parameter type, repeats
            // that error: partial method parts share their signature.)
            var generatedErrors = result.CompilationDiagnostics
                .Where(static d => d.Severity == DiagnosticSeverity.Error && d.Location.SourceTree?.FilePath.EndsWith(".g.cs", StringComparison.Ordinal) == true
                    && d.Location.SourceTree.ToString().Contains("MultiAgg could not implement", StringComparison.Ordinal))
                .Select(static d => d.ToString());
            badOutput.AddRange(generatedErrors.Select(e => e + "\n--- for ---\n" + variant));
        }

        Assert.True(crashes.Count == 0, $"{crashes.Count} crashes; first:\n{crashes.FirstOrDefault()}");
        Assert.True(badOutput.Count == 0, $"{badOutput.Count} errors in generated code; first:\n{badOutput.FirstOrDefault()}");
    }

    internal static IEnumerable<string> Variants(string seed)
    {
        var tokens = CSharpSyntaxTree.ParseText(seed).GetRoot().DescendantTokens().ToList();
        var rng = new Random(seed.Length);

        // Truncated at every token boundary inside the declarations, as while typing.
        foreach (var token in tokens.Where((_, i) => i % 2 == 0))
        {
            yield return seed.Substring(0, token.Span.End);
        }

        // One token deleted.
        foreach (var token in tokens)
        {
            yield return seed.Remove(token.SpanStart, token.Span.Length);
        }

        // Two random tokens swapped, or one replaced by another anywhere in the file.
        for (var i = 0; i < 150; i++)
        {
            var a = tokens[rng.Next(tokens.Count)];
            var b = tokens[rng.Next(tokens.Count)];
            if (a.SpanStart == b.SpanStart)
            {
                continue;
            }

            var (first, second) = a.SpanStart < b.SpanStart ? (a, b) : (b, a);
            yield return seed.Substring(0, first.SpanStart) + second.Text + seed.Substring(first.Span.End, second.SpanStart - first.Span.End) + first.Text + seed.Substring(second.Span.End);
            yield return seed.Remove(a.SpanStart, a.Span.Length).Insert(a.SpanStart, b.Text);
        }
    }

    /// <summary>
    /// Keys of an unconstrained type parameter in a file without nullable annotations: the generated code, which enables
    /// them, says nothing about the key's nullability (CS8714) where the user's code, which has none, cannot.
    /// </summary>
    [Fact]
    public void UnconstrainedKeysWithoutNullableAnnotationsGiveNoWarning()
    {
        const string Source = """
            #nullable disable
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading.Tasks;
            using MultiAgg;
            using static MultiAgg.Agg;

            public sealed record Item<K>(K Group, int Units);

            public static partial class Reports
            {
                [GroupBy(nameof(Item<int>.Group))]
                [Aggregate(Count)]
                public static partial Dictionary<TKey, int> CountBy<TKey>(IEnumerable<Item<TKey>> items);

                [GroupBy(nameof(Item<int>.Group))]
                [Aggregate(Sum, Of = nameof(Item<int>.Units))]
                public static partial Dictionary<TKey, int> SumBy<TKey>(Item<TKey>[] items, ParallelOptions options);

                public static string Check()
                {
                    var items = new[] { new Item<string>("a", 1), new Item<string>("b", 2), new Item<string>("a", 3) };
                    return $"{CountBy(items)["a"]} {SumBy(items, new ParallelOptions())["a"]}";
                }
            }
            """;
        var reports = CompiledReports(Source);
        Assert.Equal("2 4", reports.GetMethod("Check")!.Invoke(null, null));
    }

    /// <summary>
    /// First, Last, MaxBy and a custom accumulator giving what may be null (<c>string?</c>) into a result declared without
    /// <c>?</c>: the result is taken at its declared type, as FirstOrDefault's default is, and the generated code gives no
    /// warning (CS8600, CS8603, CS8604) where the user cannot fix it, grouped or not.
    /// </summary>
    [Fact]
    public void MaybeNullValuesIntoAResultDeclaredNotNullGiveNoWarning()
    {
        const string Source = """
            #nullable enable
            using System.Collections.Generic;
            using MultiAgg;
            using static MultiAgg.Agg;

            public sealed record O(string? Name, string Region)
            {
                public List<string?> Tags { get; } = new() { Name };
            }

            public static partial class Reports
            {
                [Aggregate(First, Last, Of = nameof(O.Name))]
                public static partial (string, string) Names(O[] xs);

                [GroupBy(nameof(O.Region))]
                [Aggregate(First, Of = nameof(O.Name))]
                public static partial Dictionary<string, string> FirstNames(O[] xs);

                [Aggregate(MaxBy, Of = nameof(O.Region))]
                public static partial O LastRegion(O?[] xs);

                [GroupBy(nameof(O.Region))]
                [Aggregate(typeof(Longest), Of = nameof(O.Name))]
                public static partial Dictionary<string, string> LongestNames(O[] xs);

                [Aggregate(First, Of = nameof(O.Tags))]
                public static partial List<string> FirstTags(O[] xs);

                [Aggregate(typeof(Loose), Of = nameof(O.Region))]
                public static partial string LooseRegion(O[] xs);

                public static string Check()
                {
                    var xs = new[] { new O("a", "eu"), new O(null, "us"), new O("c", "eu") };
                    return $"{Names(xs)} {FirstNames(xs)["eu"]} {FirstNames(xs)["us"] is null} {LastRegion(xs).Region} {LongestNames(xs)["eu"]} {LongestNames(xs)["us"] is null} {FirstTags(xs).Count} {LooseRegion(xs)}";
                }
            }

            // Its own Result says more about null than the interface's TResult (CS8766 in the user's code, not the generated).
            #pragma warning disable CS8766
            public struct Loose : IAccumulator<string, string>
            {
                private string? _last;
                public void Add(string value) => _last = value;
                public readonly string? Result => _last;
            }
            #pragma warning restore CS8766

            public struct Longest : IAccumulator<string?, string?>
            {
                private string? _longest;

                public void Add(string? value)
                {
                    if (value is not null && (_longest is null || value.Length > _longest.Length)) _longest = value;
                }

                public readonly string? Result => _longest;
            }
            """;
        var reports = CompiledReports(Source);
        Assert.Equal("(a, c) a True us a True 1 eu", reports.GetMethod("Check")!.Invoke(null, null));
    }

    /// <summary>The type <c>Reports</c> of <paramref name="source"/>, compiled with the generator and without a diagnostic.</summary>
    /// <summary>A compilation of <paramref name="source"/> that checks its doc comments, as GenerateDocumentationFile does.</summary>
    private static CSharpCompilation WithDocumentationChecked(string source, string name) =>
        CSharpCompilation.Create(
            name,
            [CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest, DocumentationMode.Diagnose), path: "Test0.cs")],
            TestCompiler.MetadataReferences,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    private static Type CompiledReports(string source) =>
        TestCompiler.Load(TestCompiler.Run(source).AssertClean().Output).GetType("Reports")!;

    /// <summary>
    /// The writer formats what it interpolates invariantly: generated text must not depend on the culture of the process
    /// that compiles it (Swedish writes a negative number with U+2212, and a fraction with a comma).
    /// </summary>
    [Fact]
    public void The_writer_formats_numbers_the_same_in_every_culture()
    {
        var culture = System.Globalization.CultureInfo.CurrentCulture;
        try
        {
            System.Globalization.CultureInfo.CurrentCulture = System.Globalization.CultureInfo.GetCultureInfo("sv-SE");
            using var writer = new Emitting.SourceWriter();
            var (negative, fraction) = (-1, 0.5);
            writer.WriteLine($"var x = {negative} + {fraction};");

            Assert.Equal("var x = -1 + 0.5;", writer.ToString().TrimEnd());
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = culture;
        }
    }

    /// <summary>
    /// The right-hand side of an assignment drops the parentheses around all of it, and only those: not two groups side
    /// by side, not a cast, and not where a literal's parenthesis could mislead the count.
    /// </summary>
    [Theory]
    [InlineData("(await Fetch(x).ConfigureAwait(false))", "await Fetch(x).ConfigureAwait(false)")]
    [InlineData("((long)x.Total)", "(long)x.Total")]
    [InlineData("(a) + (b)", "(a) + (b)")]
    [InlineData("(long)x", "(long)x")]
    [InlineData("(\"(\") + (\")\")", "(\"(\") + (\")\")")]
    [InlineData("(Pick(')'))", "(Pick(')'))")]
    [InlineData("x", "x")]
    [InlineData("()", "()")]
    public void An_assigned_value_loses_only_the_parentheses_around_all_of_it(string expression, string expected)
    {
        Assert.Equal(expected, Emitting.SourceWriter.Unparenthesized(expression));
    }

    /// <summary>
    /// A blank line follows a block unless what comes next continues it (<c>else</c>, a closing brace, the rest of an
    /// expression) or is itself empty, for an interpolated line as for a plain one.
    /// </summary>
    [Fact]
    public void The_writer_leaves_a_blank_line_after_a_block_unless_the_next_line_continues_it()
    {
        using var writer = new Emitting.SourceWriter();
        var (condition, statement) = ("ready", "Go();");
        using (writer.Block($"if ({condition})"))
        {
            writer.WriteLine($"{statement}");
        }

        writer.WriteLine($"else Stop();");
        using (writer.Block("while (true)"))
        {
            using (writer.Block($"if ({condition})"))
            {
                writer.WriteLine("break;");
            }
        }

        writer.WriteLine($"");
        writer.WriteLine($"{statement}");
        using (writer.Block())
        {
        }

        writer.WriteLine($"{statement}");

        Assert.Equal(
            """
            if (ready)
            {
                Go();
            }
            else Stop();
            while (true)
            {
                if (ready)
                {
                    break;
                }
            }

            Go();
            {
            }

            Go();

            """.Replace("\r\n", "\n"),
            writer.ToString());
    }

    /// <summary>
    /// A file's text is built in the thread's one builder, reused from file to file: writing the next file allocates its
    /// string and nothing of the size of the builder. The blank line after a block used to be inserted into the builder
    /// once the line was known, which split its buffer, and the next writer's start then allocated a new one (32 KB)
    /// for every file.
    /// </summary>
    [Fact]
    public void The_writer_allocates_only_the_text_of_each_file()
    {
        static string WriteFile()
        {
            using var writer = new Emitting.SourceWriter();
            for (var i = 0; i < 150; i++)
            {
                var name = i % 2 == 0 ? "even" : "odd";
                using (writer.Block($"if ({name})"))
                {
                    writer.WriteLine($"Handle({name});");
                }

                writer.WriteLine($"Count({name});");
            }

            return writer.ToString();
        }

        var text = WriteFile();
        var before = GC.GetAllocatedBytesForCurrentThread();
        text = WriteFile();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.InRange(text.Length, 5_000, 12_000);   // a typical generated file, within the builder's first 16K characters
        Assert.InRange(allocated, 0, 2 * sizeof(char) * text.Length);
    }

    /// <summary>
    /// An exception while writing one file is reported as MAGG199 naming the member, instead of escaping the source
    /// output, which would make the compiler drop every file the generator wrote (CS8785).
    /// </summary>
    [Fact]
    public void A_failure_while_emitting_is_MAGG199_naming_the_member()
    {
        var (source, failure) = AggregateGenerator.TryEmit("Reports.Stats<T>.Total", 42, static _ => throw new InvalidOperationException("no writer for 42"));

        Assert.Null(source);
        Assert.NotNull(failure);
        Assert.Equal("MAGG199", failure.Id);
        Assert.Equal(DiagnosticSeverity.Error, failure.Severity);
        Assert.Equal(
            "MultiAgg failed unexpectedly while generating 'Reports.Stats<T>.Total' (InvalidOperationException: no writer for 42); please report this with the code that triggers it",
            failure.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(("// 42", (Diagnostic?)null), AggregateGenerator.TryEmit("Reports.Total", 42, static n => "// " + n));
    }

    /// <summary>Cancellation is the compiler's to handle, not a failure to report.</summary>
    [Fact]
    public void Cancellation_while_emitting_is_not_MAGG199() =>
        Assert.Throws<OperationCanceledException>(() => AggregateGenerator.TryEmit("Reports.Total", 42, static string (_) => throw new OperationCanceledException()));
}
