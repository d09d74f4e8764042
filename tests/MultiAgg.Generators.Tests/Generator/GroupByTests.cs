using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using MultiAgg.Generators.Tests.Infrastructure;

namespace MultiAgg.Generators.Tests;

/// <summary>
/// [GroupBy] against <c>source.GroupBy(key).ToDictionary(g =&gt; g.Key, g =&gt; …)</c>: the same keys in the
/// same first-seen order, the same values, and the same exceptions (a null key included).
/// </summary>
public class GroupByTests
{
    private const string Source = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;
        using MultiAgg;
        using MultiAgg.Accumulators;
        using static MultiAgg.Agg;

        public sealed record Order(string? Region, int Units, decimal Total, double? Rating, bool Paid, string Customer, int? Campaign);

        public static partial class G
        {
            // ---- Generated ----------------------------------------------------------------------

            [GroupBy(nameof(Order.Region))]
            [Aggregate(Sum, Max, Of = nameof(Order.Total))]
            [Aggregate(Count)]
            [Aggregate(Min, Average, Of = nameof(Order.Rating))]
            [Aggregate(Sum, Of = nameof(Order.Units), Where = nameof(Order.Paid))]
            [Aggregate(Max, Of = nameof(Order.Units), Where = nameof(Order.Paid))]
            [Aggregate(First, Of = nameof(Order.Customer))]
            [Aggregate(LastOrDefault, Where = nameof(Order.Paid))]
            [Aggregate(MaxBy, Of = nameof(Order.Units))]
            [Aggregate(Any, All, Of = nameof(Order.Paid))]
            [Aggregate(CountDistinct, Of = nameof(Order.Customer))]
            public static partial Dictionary<string, (decimal Revenue, decimal Largest, int Orders, double? MinRating, double? MeanRating, int PaidUnits, int MostPaidUnits,
                string FirstCustomer, Order? LastPaid, Order Biggest, bool AnyPaid, bool AllPaid, int Customers)> ByRegion(IEnumerable<Order> orders);

            [GroupBy(nameof(Order.Region))]
            [Aggregate(Sum, Of = nameof(Order.Total))]
            [Aggregate(Count)]
            public static partial IReadOnlyDictionary<string, (decimal, int)> ByRegionIgnoringCase(List<Order> orders, IEqualityComparer<string>? comparer);

            [GroupBy(nameof(Order.Region))]
            [Aggregate(Sum, Of = nameof(Order.Total))]
            [Aggregate(Max, Of = nameof(Order.Rating))]
            public static partial Task<Dictionary<string, (decimal, double?)>> ByRegionAsync(IAsyncEnumerable<Order> orders, CancellationToken cancellationToken);

            [GroupBy(nameof(Order.Campaign))]
            [Aggregate(Count)]
            [Aggregate(Sum, Of = nameof(Order.Units))]
            public static partial IDictionary<int?, (int, long)> ByCampaign(Order[] orders);

            [GroupBy(nameof(Bucket))]
            [Aggregate(Sum, Min, Max, Count)]
            public static partial Dictionary<int, (long, int, int, int)> ByBucket(ReadOnlySpan<int> values);

            private static int Bucket(int value) => value % 7;

            /// <summary>A composite key: a tuple (a null region inside it is not a null key).</summary>
            [GroupBy(nameof(RegionAndPaid))]
            [Aggregate(Count)]
            [Aggregate(Average, Of = nameof(Order.Units))]
            public static partial Dictionary<(string?, bool), (int, double)> ByRegionAndPaid(IEnumerable<Order> orders);

            private static (string?, bool) RegionAndPaid(Order order) => (order.Region, order.Paid);

            /// <summary>Aggregates LINQ does not have, checked against the ungrouped method per group.</summary>
            [GroupBy(nameof(Order.Region))]
            [Aggregate(Variance, StdDevP, Of = nameof(Order.Units))]
            [Aggregate(typeof(KahanNeumaierSum), Of = nameof(Order.Rating))]
            [Aggregate(typeof(P2Median), Of = nameof(Order.Rating))]
            public static partial Dictionary<string, (double, double, double, double)> SpreadByRegion(IEnumerable<Order> orders);

            [Aggregate(Variance, StdDevP, Of = nameof(Order.Units))]
            [Aggregate(typeof(KahanNeumaierSum), Of = nameof(Order.Rating))]
            [Aggregate(typeof(P2Median), Of = nameof(Order.Rating))]
            public static partial (double, double, double, double) Spread(IEnumerable<Order> orders);

            // ---- What each must equal -------------------------------------------------------------

            public static string LinqByRegion(List<Order> orders) => Run(() => orders.GroupBy(o => o.Region).ToDictionary(g => g.Key!, g =>
                (g.Sum(o => o.Total), g.Max(o => o.Total), g.Count(), g.Min(o => o.Rating), g.Average(o => o.Rating),
                 g.Where(o => o.Paid).Sum(o => o.Units), g.Where(o => o.Paid).Max(o => o.Units),
                 g.Select(o => o.Customer).First(), g.Where(o => o.Paid).LastOrDefault(), g.MaxBy(o => o.Units)!,
                 g.Select(o => o.Paid).Any(p => p), g.Select(o => o.Paid).All(p => p), g.Select(o => o.Customer).Distinct().Count())));

            public static string GeneratedByRegion(List<Order> orders) => Run(() => ByRegion(orders));

            public static string LinqByRegionIgnoringCase(List<Order> orders) => Run(() =>
                orders.GroupBy(o => o.Region, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key!, g => (g.Sum(o => o.Total), g.Count()), StringComparer.OrdinalIgnoreCase));

            public static string GeneratedByRegionIgnoringCase(List<Order> orders) => Run(() =>
            {
                var result = ByRegionIgnoringCase(orders, StringComparer.OrdinalIgnoreCase);
                if (!ReferenceEquals(((Dictionary<string, (decimal, int)>)result).Comparer, StringComparer.OrdinalIgnoreCase)) throw new InvalidCastException("comparer");
                return result;
            });

            public static string GeneratedByRegionDefaultComparer(List<Order> orders) => Run(() => ByRegionIgnoringCase(orders, null));

            public static string LinqByRegionDefaultComparer(List<Order> orders) => Run(() => orders.GroupBy(o => o.Region).ToDictionary(g => g.Key!, g => (g.Sum(o => o.Total), g.Count())));

            public static string LinqByRegionAsync(List<Order> orders) => Run(() => orders.GroupBy(o => o.Region).ToDictionary(g => g.Key!, g => (g.Sum(o => o.Total), g.Max(o => o.Rating))));

            public static string GeneratedByRegionAsync(List<Order> orders) => Run(() => ByRegionAsync(Stream(orders), default).GetAwaiter().GetResult());

        #pragma warning disable CS8714 // int? keys, as the generated method has them: ToDictionary throws for a null one
            public static string LinqByCampaign(List<Order> orders) => Run(() => orders.GroupBy(o => o.Campaign).ToDictionary(g => g.Key, g => (g.Count(), (long)g.Sum(o => o.Units))));
        #pragma warning restore CS8714

            public static string GeneratedByCampaign(List<Order> orders) => Run(() => ByCampaign(orders.ToArray()));

            public static string LinqByRegionAndPaid(List<Order> orders) => Run(() => orders.GroupBy(RegionAndPaid).ToDictionary(g => g.Key, g => (g.Count(), g.Average(o => o.Units))));

            public static string GeneratedByRegionAndPaid(List<Order> orders) => Run(() => ByRegionAndPaid(orders));

            public static string LinqByBucket(int[] values) => Run(() => values.GroupBy(Bucket).ToDictionary(g => g.Key, g => (g.Sum(v => (long)v), g.Min(), g.Max(), g.Count())));

            public static string GeneratedByBucket(int[] values) => Run(() => ByBucket(values));

            public static string PerGroupSpread(List<Order> orders) => Run(() => orders.GroupBy(o => o.Region).ToDictionary(g => g.Key!, g => Spread(g)));

            public static string GeneratedSpread(List<Order> orders) => Run(() => SpreadByRegion(orders));

            private static async IAsyncEnumerable<Order> Stream(IEnumerable<Order> orders)
            {
                foreach (var order in orders)
                {
                    await Task.Yield();
                    yield return order;
                }
            }

            /// <summary>Entries in enumeration order, or the exception's type.</summary>
            private static string Run<TKey, TValue>(Func<IEnumerable<KeyValuePair<TKey, TValue>>> run)
            {
                try
                {
                    return string.Join("; ", run().Select(e => $"{e.Key ?? (object)"null"} = {e.Value}"));
                }
                catch (Exception e)
                {
                    return e.GetType().Name;
                }
            }

            // ---- Memory ---------------------------------------------------------------------------

            public static long ByBucketBytes(int[] values)
            {
                ByBucket(values);
                var before = GC.GetAllocatedBytesForCurrentThread();
                ByBucket(values);
                return GC.GetAllocatedBytesForCurrentThread() - before;
            }
        }
        """;

    private static readonly Lazy<Type> Compiled = new(() =>
        TestCompiler.Load(TestCompiler.Run(Source).AssertClean().Output).GetType("G")!);

    private static Type G => Compiled.Value;

    private static readonly string?[] Regions = { "EU", "US", "eu", "APAC", "us", "LATAM" };

    /// <summary>Random orders; null regions and campaigns appear only when <paramref name="nullRegions"/> says so.</summary>
    private static object Orders(int count, int seed, bool nullRegions)
    {
        var order = G.Assembly.GetType("Order")!;
        var list = (System.Collections.IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(order))!;
        var rng = new Random(seed);
        string[] customers = { "ann", "bob", "cy", "dee" };
        for (var i = 0; i < count; i++)
        {
            var region = nullRegions && rng.Next(10) == 0 ? null : Regions[rng.Next(Regions.Length)];
            double? rating = rng.Next(4) == 0 ? null : rng.Next(4) == 0 ? double.NaN : Math.Round(rng.NextDouble() * 5, 2);
            int? campaign = nullRegions && rng.Next(5) == 0 ? null : rng.Next(3);
            list.Add(Activator.CreateInstance(order, region, rng.Next(-5, 50), (decimal)rng.Next(0, 100_000) / 100, rating, rng.Next(3) > 0, customers[rng.Next(customers.Length)], campaign));
        }

        return list;
    }

    private static string Call(string method, object argument) =>
        (string)G.GetMethod(method)!.Invoke(null, new[] { argument })!;

    public static TheoryData<int, bool> Inputs => new()
    {
        { 0, false }, { 1, false }, { 7, false }, { 200, false }, { 3000, false },
        { 1, true }, { 50, true }, { 3000, true },
    };

    [Theory]
    [MemberData(nameof(Inputs))]
    public void EveryAggregatePerKeyEqualsGroupByToDictionary(int count, bool nullRegions)
    {
        for (var seed = 0; seed < 4; seed++)
        {
            var orders = Orders(count, seed, nullRegions);
            var expected = Call("LinqByRegion", orders);
            Assert.Equal(expected, Call("GeneratedByRegion", orders));
            if (count >= 200 && !nullRegions)
            {
                // Small inputs may have a region without paid orders, where Max throws; these compare values.
                Assert.Contains(" = (", expected, StringComparison.Ordinal);
                Assert.Contains(" = (", Call("PerGroupSpread", orders), StringComparison.Ordinal);
            }

            Assert.Equal(Call("LinqByRegionAsync", orders), Call("GeneratedByRegionAsync", orders));
            Assert.Equal(Call("LinqByRegionDefaultComparer", orders), Call("GeneratedByRegionDefaultComparer", orders));
            Assert.Equal(Call("LinqByRegionIgnoringCase", orders), Call("GeneratedByRegionIgnoringCase", orders));
            Assert.Equal(Call("LinqByCampaign", orders), Call("GeneratedByCampaign", orders));
            Assert.Equal(Call("PerGroupSpread", orders), Call("GeneratedSpread", orders));
            Assert.Equal(Call("LinqByRegionAndPaid", orders), Call("GeneratedByRegionAndPaid", orders));
        }
    }

    [Fact]
    public void KeysComeInFirstSeenOrderAndNullKeysThrowLikeToDictionary()
    {
        var orders = Orders(400, 7, nullRegions: false);
        var keys = Call("GeneratedByRegion", orders).Split("; ").Select(static e => e[..e.IndexOf(" = ", StringComparison.Ordinal)]).ToList();
        Assert.Equal(new[] { "EU", "US", "eu", "APAC", "us", "LATAM" }.OrderBy(r => FirstIndex(orders, r)), keys);

        // ToDictionary throws for the null key (string or int?), and so does the generated method.
        var withNulls = Orders(3000, 1, nullRegions: true);
        Assert.Equal("ArgumentNullException", Call("LinqByRegion", withNulls));
        Assert.Equal("ArgumentNullException", Call("GeneratedByRegion", withNulls));
        Assert.Equal("ArgumentNullException", Call("LinqByCampaign", withNulls));
        Assert.Equal("ArgumentNullException", Call("GeneratedByCampaign", withNulls));
    }

    private static int FirstIndex(object orders, string region)
    {
        var i = 0;
        foreach (var order in (System.Collections.IEnumerable)orders)
        {
            if ((string?)order.GetType().GetProperty("Region")!.GetValue(order) == region)
            {
                return i;
            }

            i++;
        }

        return int.MaxValue;
    }

    [Fact]
    public void ValueKeysOverASpanEqualLinqAndAllocateOnlyPerKey()
    {
        var rng = new Random(3);
        foreach (var count in new[] { 0, 1, 6, 100, 5000 })
        {
            var values = Enumerable.Range(0, count).Select(_ => rng.Next(-1000, 1000)).ToArray();
            Assert.Equal(Call("LinqByBucket", values), Call("GeneratedByBucket", values));
        }

        // 13 keys (x % 7 over negative and positive values): the records, the lookup and the result
        // dictionary, however long the input.
        var many = Enumerable.Range(0, 100_000).Select(_ => rng.Next(-1000, 1000)).ToArray();
        var bytes = (long)G.GetMethod("ByBucketBytes")!.Invoke(null, new object[] { many })!;
        Assert.InRange(bytes, 1, 4096);
    }

    private const string Generic = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using MultiAgg;
        using static MultiAgg.Agg;

        public sealed record Item<TKey, T>(TKey Key, T Value);

        public static partial class Generic
        {
            [GroupBy("Key")]
            [Aggregate(Count)]
            [Aggregate(Max, Of = "Value")]
            public static partial Dictionary<TKey, (int Count, T? Max)> CountAndMax<TKey, T>(IEnumerable<Item<TKey, T>> items)
                where TKey : notnull
                where T : IComparable<T>;

            public static string Generated(List<Item<string, string>> items) =>
                string.Join("; ", CountAndMax(items).Select(e => $"{e.Key} = {e.Value}"));

            public static string Linq(List<Item<string, string>> items) =>
                string.Join("; ", items.GroupBy(i => i.Key).ToDictionary(g => g.Key, g => (g.Count(), g.Max(i => i.Value))).Select(e => $"{e.Key} = {e.Value}"));
        }
        """;

    [Theory]
    [InlineData(LanguageVersion.CSharp9, NullableContextOptions.Disable)]
    [InlineData(LanguageVersion.CSharp9, NullableContextOptions.Enable)]
    [InlineData(LanguageVersion.Latest, NullableContextOptions.Enable)]
    public void GenericKeysAndValuesCompileCleanFromCSharp9AndEqualLinq(LanguageVersion version, NullableContextOptions nullable)
    {
        var source = nullable == NullableContextOptions.Disable ? Generic.Replace("T? Max", "T Max", StringComparison.Ordinal) : Generic;
        var compilation = TestCompiler.Compile(source, version, nullable: nullable);
        var type = TestCompiler.Load(TestCompiler.Run(compilation).AssertClean().Output).GetType("Generic")!;

        var rng = new Random(5);
        var items = Enumerable.Range(0, 300).Select(_ => new Item(((char)('a' + rng.Next(8))).ToString(), rng.Next(3) == 0 ? null : rng.Next(100).ToString())).ToList();
        var itemType = type.Assembly.GetType("Item`2")!.MakeGenericType(typeof(string), typeof(string));
        var list = (System.Collections.IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(itemType))!;
        foreach (var item in items)
        {
            list.Add(Activator.CreateInstance(itemType, item.Key, item.Value));
        }

        var expected = Outcome.Of(type, "Linq", list);
        Assert.Contains(" = (", expected, StringComparison.Ordinal);   // entries, not an exception's name
        Assert.Equal(expected, Outcome.Of(type, "Generated", list));
    }

    /// <summary>
    /// A non-generic equality comparer is MAGG114 only where nothing uses it: a <c>Where</c> method that takes it by name
    /// is given it, and the keys are compared by default, as LINQ's <c>GroupBy</c> without a comparer does.
    /// </summary>
    [Fact]
    public void ANonGenericComparerAFilterTakesIsNoKeyComparer()
    {
        const string Source = """
            using System.Collections;
            using System.Collections.Generic;
            using MultiAgg;
            using static MultiAgg.Agg;

            public sealed record Order(string Region, string Tag);

            public static partial class Shop
            {
                [GroupBy(nameof(Order.Region))]
                [Aggregate(Count, Where = nameof(Matches))]
                public static partial Dictionary<string, int> ByRegion(IEnumerable<Order> orders, string tag, IEqualityComparer tags);

                // A query's filter is inlined into its expression tree, and takes the comparer there.
                [GroupBy(nameof(Order.Region))]
                [Aggregate(Count, Where = nameof(Matches))]
                public static partial Dictionary<string, int> ByRegionQuery(System.Linq.IQueryable<Order> orders, string tag, IEqualityComparer tags);

                private static bool Matches(Order order, string tag, IEqualityComparer tags) => tags.Equals(order.Tag, tag);

                private static readonly Order[] Orders = { new Order("eu", "A"), new Order("EU", "a"), new Order("eu", "b") };

                public static string Run() =>
                    string.Join(",", ByRegion(Orders, "a", System.StringComparer.OrdinalIgnoreCase))
                    + " | " + string.Join(",", ByRegionQuery(System.Linq.Queryable.AsQueryable(Orders), "a", System.StringComparer.OrdinalIgnoreCase));
            }
            """;
        var run = TestCompiler.Load(TestCompiler.Run(Source).AssertClean().Output).GetType("Shop")!.GetMethod("Run")!;
        Assert.Equal("[eu, 1],[EU, 1] | [eu, 1],[EU, 1]", (string)run.Invoke(null, null)!);
    }

    private sealed record Item(string Key, string? Value);
}
