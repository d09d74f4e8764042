using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using MultiAgg.Generators.Tests.Infrastructure;

namespace MultiAgg.Generators.Tests;

/// <summary>
/// [Aggregate] on a partial struct or class (DESIGN.md §6): the fused state as a value users push elements into. Every
/// result equals the method form's on the same elements, exceptions included; merging the states of any split of the
/// elements equals one run; the empty state is <c>default</c> (a class's <c>new T()</c>); <c>Add</c> allocates nothing.
/// </summary>
public class AccumulatorTypeTests
{
    /// <summary>The same attributes on a method (over an iterator, LINQ's seeded path) and on a type of each kind.</summary>
    private const string Attributes = """
        [Aggregate(Count, Sum, Min, Max, Average, Of = nameof(Order.Quantity))]
        [Aggregate(Sum, Max, Average, Of = nameof(Order.Total), Where = nameof(Order.IsPaid))]
        [Aggregate(First, LastOrDefault, CountDistinct, Of = nameof(Order.Region))]
        [Aggregate(Any, All, Of = nameof(Order.IsPaid))]
        [Aggregate(Variance, StdDevP, Of = nameof(Order.Price))]
        [Aggregate(MinBy, MaxBy, Of = nameof(Order.Discount))]
        [Aggregate(Sum, Min, Average, Of = nameof(Order.Price))]
        [Aggregate(LongCount, Sum, Of = nameof(Order.Big))]
        """;

    private const string ResultType =
        "(int Count, int QuantitySum, int? QuantityMin, int QuantityMax, double? QuantityAverage, " +
        "decimal PaidTotal, decimal? LargestPaid, decimal PaidAverage, " +
        "string? FirstRegion, string? LastRegion, int Regions, bool AnyPaid, bool AllPaid, double? Variance, double StdDevP, " +
        "Order? Cheapest, Order MostDiscounted, double PriceSum, double? LowestPrice, double AveragePrice, long Orders, long BigSum)";

    private static string Source(string declaration) => $$"""
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using MultiAgg;
        using static MultiAgg.Agg;

        public sealed record Order(int Quantity, decimal Total, bool IsPaid, string? Region, double Price, int? Discount, long Big);

        {{Attributes}}
        {{declaration}} Stats : IMergeableAccumulator<Stats, Order, {{ResultType}}>, ICompletableAccumulator { }

        public static partial class Reports
        {
            {{Attributes.Replace("\n", "\n    ")}}
            public static partial {{ResultType}} Summarize(IEnumerable<Order> orders);

            /// <summary>Orders with every edge the attributes care about: nulls, ties, signed zeros, a filter, huge totals.</summary>
            public static Order[][] Inputs()
            {
                var random = new Random(13);
                string?[] regions = { "north", "south", null, "east" };
                Order Next(int i) => new(
                    random.Next(-50, 50),
                    Math.Round((decimal)random.NextDouble() * 1000, 2),
                    random.Next(4) != 0,
                    regions[random.Next(regions.Length)],
                    Math.Round(random.NextDouble() * 100, 3) - 20,
                    random.Next(3) == 0 ? null : random.Next(0, 5),
                    random.Next(3) == 0 ? long.MaxValue / 300 : -random.Next());

                var inputs = new List<Order[]>
                {
                    Array.Empty<Order>(),
                    new[] { new Order(1, 2m, false, null, 3, null, 4) },
                    new[] { new Order(1, 2m, true, "x", -0.0, 1, long.MaxValue), new Order(1, 2m, true, "x", 0.0, 1, long.MinValue) },
                    new[] { new Order(int.MaxValue, 1m, true, "a", 1, 2, long.MinValue), new Order(int.MaxValue, 1m, true, "b", 1, 2, -1) },
                    // A 64-bit running total that leaves the range on the way and comes back: the exact total fits.
                    new[] { new Order(1, 1m, false, "a", 1, null, long.MaxValue), new Order(2, 1m, true, "b", 2, null, 1), new Order(3, 1m, true, null, 3, 4, -1) },
                };
                foreach (var size in new[] { 3, 7, 31, 200 })
                {
                    inputs.Add(Enumerable.Range(0, size).Select(Next).ToArray());
                }

                return inputs.ToArray();
            }

            public static object Method(Order[] orders) => Summarize(orders.Select(static o => o));

            /// <summary>
            /// The same results by LINQ, field by field, and the variances by their two-pass definition; an integral total
            /// overflows only where the exact total does not fit (DESIGN.md §4).
            /// </summary>
            public static object Linq(Order[] orders)
            {
                var paid = orders.Where(static o => o.IsPaid).ToArray();
                var prices = orders.Select(static o => o.Price).ToArray();
                var mean = prices.Length == 0 ? 0 : prices.Average();
                var squares = prices.Sum(p => (p - mean) * (p - mean));
                var big = orders.Aggregate(System.Numerics.BigInteger.Zero, static (total, o) => total + o.Big);
                {{ResultType}} result = (
                    orders.Length,
                    orders.Sum(static o => o.Quantity),
                    orders.Min(static o => (int?)o.Quantity),
                    orders.Max(static o => o.Quantity),
                    orders.Average(static o => (int?)o.Quantity),
                    paid.Sum(static o => o.Total),
                    paid.Max(static o => (decimal?)o.Total),
                    paid.Average(static o => o.Total),
                    orders.Select(static o => o.Region).First(),
                    orders.Select(static o => o.Region).LastOrDefault(),
                    orders.Select(static o => o.Region).Distinct().Count(),
                    orders.Any(static o => o.IsPaid),
                    orders.All(static o => o.IsPaid),
                    prices.Length < 2 ? null : squares / (prices.Length - 1),
                    prices.Length == 0 ? throw new InvalidOperationException() : Math.Sqrt(squares / prices.Length),
                    orders.MinBy(static o => o.Discount),
                    orders.MaxBy(static o => o.Discount)!,
                    prices.Sum(),
                    prices.Min(static p => (double?)p),
                    prices.Average(),
                    orders.LongLength,
                    checked((long)big));
                return result;
            }

            public static object Pushed(Order[] orders)
            {
                var stats = new Stats();
                foreach (var order in orders)
                {
                    stats.Add(order);
                }

                return stats.Result;
            }

            public static object Merged(Order[] orders, int at)
            {
                Stats left = new(), right = new();
                foreach (var order in orders.Take(at)) left.Add(order);
                foreach (var order in orders.Skip(at)) right.Add(order);
                left.Merge(right);
                return left.Result;
            }

            public static object Empty() => new Stats().Result;

            public static bool Complete(Order[] orders)
            {
                var stats = new Stats();
                foreach (var order in orders) stats.Add(order);
                return stats.IsComplete;
            }
        }
        """;

    public static TheoryData<string> Declarations => new()
    {
        "public partial struct",
        "public partial class",
        "public partial record struct",
        "public sealed partial record",
        "internal sealed partial class",
    };

    [Theory]
    [MemberData(nameof(Declarations))]
    public void PushedAndMergedResultsEqualTheMethods(string declaration)
    {
        var reports = Compile(declaration);
        var compared = 0;
        var outcomes = new List<string>();
        foreach (Array orders in (Array)reports.GetMethod("Inputs")!.Invoke(null, null)!)
        {
            var method = Result(reports, "Method", orders);
            AssertSameUpToFloatingSums(Result(reports, "Linq", orders), method, $"the method against LINQ on {orders.Length} orders", tolerance: 1e-9);
            var expected = Outcome.Of(reports, "Method", orders);
            Assert.Equal(expected, Outcome.Of(reports, "Pushed", orders));
            foreach (var at in new[] { 0, 1, orders.Length / 2, orders.Length - 1, orders.Length }.Where(at => at >= 0).Distinct())
            {
                AssertSameUpToFloatingSums(method, Result(reports, "Merged", orders, at), $"split at {at} of {orders.Length}", tolerance: 1e-12);
                compared++;
            }

            outcomes.Add(method is ITuple ? "a result" : $"{method} on {orders.Length} orders");
        }

        Assert.True(compared > 20);
        Assert.True(outcomes.Count(static o => o == "a result") >= 6, string.Join(", ", outcomes));
    }

    [Theory]
    [MemberData(nameof(Declarations))]
    public void TheEmptyStateIsTheMethodsResultOnNoElements(string declaration)
    {
        var reports = Compile(declaration);
        var none = Array.CreateInstance(reports.Assembly.GetType("Order")!, 0);
        // Max of a non-nullable int over nothing throws, as the method does; the nullable results are null.
        Assert.Equal("InvalidOperationException", Outcome.Of(reports, "Method", none));
        Assert.Equal("InvalidOperationException", Outcome.Of(reports, "Pushed", none));
        Assert.Equal("InvalidOperationException", Invoke(reports, "Empty"));
    }

    private const string Focused = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using MultiAgg;
        using static MultiAgg.Agg;

        public sealed record Sale(string Region, int Units, double Price, bool Returned);

        /// <summary>Every result can say "none", so the empty state has a result to compare.</summary>
        [Aggregate(Count, Sum, Max, Average, Of = nameof(Sale.Units))]
        [Aggregate(All, Any, Of = nameof(Sale.Returned))]
        [Aggregate(FirstOrDefault, CountDistinct, Of = nameof(Sale.Region))]
        [Aggregate(Sum, Average, Of = nameof(Sale.Price))]
        public partial struct Totals : IMergeableAccumulator<Totals, Sale, (int Count, long Units, int? MaxUnits, double? AverageUnits, bool AllReturned, bool AnyReturned, string? FirstRegion, int Regions, double Revenue, double? AveragePrice)> { }

        /// <summary>Decided early: First, Any and All, as the method's loop stops.</summary>
        [Aggregate(First, Of = nameof(Sale.Region))]
        [Aggregate(Any, Of = nameof(Sale.Returned))]
        [Aggregate(All, Of = nameof(Sale.Returned))]
        public partial struct Decided : IAccumulator<Sale, (string First, bool AnyReturned, bool AllReturned)>, ICompletableAccumulator { }

        [GroupBy(nameof(Sale.Region))]
        [Aggregate(Count, Sum, Max, Of = nameof(Sale.Units))]
        [Aggregate(Average, Of = nameof(Sale.Price))]
        public partial class ByRegion : IMergeableAccumulator<ByRegion, Sale, Dictionary<string, (int Count, int Units, int Max, double AveragePrice)>> { }

        /// <summary>Every built-in kind that allocates nothing per value (CountDistinct and [GroupBy] do).</summary>
        [Aggregate(Count, Sum, Max, Min, Average, Variance, Of = nameof(Sale.Units))]
        [Aggregate(First, Last, Of = nameof(Sale.Region))]
        [Aggregate(Any, All, Of = nameof(Sale.Returned))]
        [Aggregate(MinBy, Of = nameof(Sale.Price), Where = nameof(Sale.Returned))]
        [Aggregate(Sum, Average, Of = nameof(Sale.Price))]
        public partial struct Lean : IMergeableAccumulator<Lean, Sale, (int, long, int, int, double, double, string, string, bool, bool, Sale?, double, double)> { }

        [GroupBy(nameof(Sale.Region))]
        [Aggregate(Sum, Of = nameof(Sale.Units))]
        public partial struct UnitsByRegion : IMergeableAccumulator<UnitsByRegion, Sale, Dictionary<string, int>> { }

        /// <summary>A record class: `with` copies its fields as assigning a struct does.</summary>
        [GroupBy(nameof(Sale.Region))]
        [Aggregate(Sum, Of = nameof(Sale.Units))]
        public sealed partial record UnitsByRegionRecord : IMergeableAccumulator<UnitsByRegionRecord, Sale, Dictionary<string, int>>;

        /// <summary>A value named like the per-key storage (<c>__keys</c>): its local takes another name.</summary>
        [GroupBy(nameof(Shelf.Region))]
        [Aggregate(Sum, Of = nameof(Shelf.Keys))]
        public partial struct KeysByRegion : IAccumulator<Shelf, Dictionary<string, int>> { }

        public sealed record Shelf(string Region, int Keys);

        public static partial class Reports
        {
            [Aggregate(Count, Sum, Max, Average, Of = nameof(Sale.Units))]
            [Aggregate(All, Any, Of = nameof(Sale.Returned))]
            [Aggregate(FirstOrDefault, CountDistinct, Of = nameof(Sale.Region))]
            [Aggregate(Sum, Average, Of = nameof(Sale.Price))]
            public static partial (int, long, int?, double?, bool, bool, string?, int, double, double?) Totals(IEnumerable<Sale> sales);

            [GroupBy(nameof(Sale.Region))]
            [Aggregate(Count, Sum, Max, Of = nameof(Sale.Units))]
            [Aggregate(Average, Of = nameof(Sale.Price))]
            public static partial Dictionary<string, (int Count, int Units, int Max, double AveragePrice)> ByRegion(IEnumerable<Sale> sales);

            /// <summary>An accumulator type is an accumulator like any other: [Aggregate(typeof(T))], grouped too.</summary>
            [Aggregate(typeof(Totals))]
            [Aggregate(Count)]
            public static partial ((int, long, int?, double?, bool, bool, string?, int, double, double?) Totals, int Count) Nested(IEnumerable<Sale> sales);

            [GroupBy(nameof(Sale.Returned))]
            [Aggregate(typeof(UnitsByRegion))]
            public static partial Dictionary<bool, Dictionary<string, int>> NestedByReturned(Sale[] sales);

            public static Sale[] Sales(int count, int seed)
            {
                var random = new Random(seed);
                var regions = new[] { "north", "south", "east", "west", "center" };
                return Enumerable.Range(0, count)
                    .Select(_ => new Sale(regions[random.Next(regions.Length)], random.Next(1, 100), Math.Round(random.NextDouble() * 50, 2), random.Next(5) == 0))
                    .ToArray();
            }

            public static string EmptyTotals() => default(global::Totals).Result.ToString();

            public static string TotalsOfNothing() => Totals(Array.Empty<Sale>()).ToString();

            public static string EmptyClassByRegion() => new ByRegion().Result.Count == 0 ? TotalsOfNothing() : "not empty";

            public static bool ResultIsRepeatable(int count)
            {
                var totals = new global::Totals();
                foreach (var sale in Sales(count, 1)) totals.Add(sale);
                var first = totals.Result;
                return first.Equals(totals.Result) && first.Equals(Totals(Sales(count, 1)));
            }

            public static string ByRegionMethod(int count) => Show(ByRegion(Sales(count, 2)));

            public static string ByRegionPushed(int count)
            {
                var byRegion = new ByRegion();
                foreach (var sale in Sales(count, 2)) byRegion.Add(sale);
                return Show(byRegion.Result);
            }

            public static string ByRegionMethodExact(int count) =>
                string.Join("; ", ByRegion(Sales(count, 2)).Select(static p => $"{p.Key}={p.Value.Count},{p.Value.Units},{p.Value.Max}")) + " | " + Show(Units(Sales(count, 2)));

            public static string ByRegionMergedExact(int count, int parts)
            {
                var sales = Sales(count, 2);
                var size = (sales.Length + parts - 1) / Math.Max(1, parts);
                var classes = new List<ByRegion>();
                var structs = new List<UnitsByRegion>();
                for (var start = 0; start < Math.Max(1, sales.Length); start += Math.Max(1, size))
                {
                    ByRegion part = new();
                    UnitsByRegion units = default;
                    foreach (var sale in sales.Skip(start).Take(size)) { part.Add(sale); units.Add(sale); }
                    classes.Add(part);
                    structs.Add(units);
                }

                var merged = new ByRegion();
                var mergedUnits = new UnitsByRegion();
                foreach (var part in classes) merged.Merge(part);
                foreach (var part in structs) mergedUnits.Merge(part);
                return string.Join("; ", merged.Result.Select(static p => $"{p.Key}={p.Value.Count},{p.Value.Units},{p.Value.Max}")) + " | " + Show(mergedUnits.Result);
            }

            private static Dictionary<string, int> Units(Sale[] sales) => sales.GroupBy(static s => s.Region).ToDictionary(static g => g.Key, static g => g.Sum(static s => s.Units));

            public static string Completion()
            {
                var decided = new Decided();
                var before = decided.IsComplete;
                decided.Add(new Sale("north", 1, 1, false));  // First has its value and All is false: only Any is open
                var afterFirst = decided.IsComplete;
                decided.Add(new Sale("south", 1, 1, true));   // Any turns true
                return $"{before} {afterFirst} {decided.IsComplete}";
            }

            public static bool NestedEqualsPushed(int count)
            {
                var sales = Sales(count, 3);
                var totals = new global::Totals();
                foreach (var sale in sales) totals.Add(sale);
                return Nested(sales).Equals((totals.Result, sales.Length)) && Nested(sales).Totals.Equals(Totals(sales));
            }

            public static bool NestedByReturnedEqualsLinq(int count)
            {
                var sales = Sales(count, 4);
                var expected = sales.GroupBy(static s => s.Returned).ToDictionary(static g => g.Key, static g => Show(Units(g.ToArray())));
                var actual = NestedByReturned(sales).ToDictionary(static p => p.Key, static p => Show(p.Value));
                return expected.SequenceEqual(actual);
            }

            public static string Sharing()
            {
                var one = new global::Totals();
                one.Add(new Sale("north", 1, 1, false));
                var copy = one;                                  // a copy shares the CountDistinct set (documented)
                copy.Add(new Sale("south", 1, 1, false));
                var seenThroughTheCopy = one.Result.Regions;
                var other = new global::Totals();
                other.Add(new Sale("east", 1, 1, false));
                other.Add(new Sale("west", 1, 1, false));
                one.Merge(other);                                // copies the other's regions, never adopts its set
                one.Add(new Sale("center", 1, 1, false));
                return $"{seenThroughTheCopy} {one.Result.Regions} {other.Result.Regions}";
            }

            public static string KeysByRegionResult()
            {
                var byRegion = new global::KeysByRegion();
                byRegion.Add(new Shelf("north", 2));
                byRegion.Add(new Shelf("north", 3));
                return string.Join(",", byRegion.Result.Select(static p => $"{p.Key}={p.Value}"));
            }

            public static string GroupedCopies()
            {
                static string Text(Dictionary<string, int> byRegion) => string.Join(",", byRegion.Select(static p => $"{p.Key}={p.Value}"));
                var a = new global::UnitsByRegion();
                a.Add(new Sale("north", 1, 1, false));
                var b = a;                                       // a copy shares the per-key storage, all of it
                b.Add(new Sale("south", 10, 1, false));
                a.Add(new Sale("east", 100, 1, false));
                for (var i = 0; i < 4; i++) b.Add(new Sale("k" + i, 1000, 1, false));   // past the first records: it grows
                a.Add(new Sale("k3", 1, 1, false));
                var merged = new global::UnitsByRegion();
                merged.Merge(a);
                merged.Merge(b);                                 // the one storage, twice
                return $"{Text(a.Result)} | {Text(b.Result)} | {Text(merged.Result)}";
            }

            public static string GroupedRecordCopies()
            {
                static string Text(Dictionary<string, int> byRegion) => string.Join(",", byRegion.Select(static p => $"{p.Key}={p.Value}"));
                var a = new global::UnitsByRegionRecord();
                a.Add(new Sale("north", 1, 1, false));
                var b = a with { };                              // copies the fields, as `var b = a` does for a struct
                b.Add(new Sale("south", 10, 1, false));
                a.Add(new Sale("east", 100, 1, false));
                for (var i = 0; i < 4; i++) b.Add(new Sale("k" + i, 1000, 1, false));
                a.Add(new Sale("k3", 1, 1, false));
                var merged = new global::UnitsByRegionRecord();
                merged.Merge(a);
                merged.Merge(b);
                return $"{Text(a.Result)} | {Text(b.Result)} | {Text(merged.Result)}";
            }

            public static long AllocatedByAMillionAdds()
            {
                var sales = Sales(1000, 5);
                var lean = new Lean();
                foreach (var sale in sales) lean.Add(sale);      // JIT first
                _ = lean.Result;
                // The runtime itself may allocate on this thread the first time round (tiering, on-stack replacement of
                // the loop): the least of three runs is what Add allocates.
                var least = long.MaxValue;
                for (var run = 0; run < 3; run++)
                {
                    var before = GC.GetAllocatedBytesForCurrentThread();
                    for (var i = 0; i < 1_000_000; i++)
                    {
                        lean.Add(sales[i % sales.Length]);
                    }

                    least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
                }

                return least;
            }

            public static string Show<TKey, TValue>(Dictionary<TKey, TValue> d) where TKey : notnull => string.Join("; ", d.Select(static p => $"{p.Key}={p.Value}"));
        }
        """;

    private static readonly Lazy<Type> FocusedReports = new(() => TestCompiler.Load(TestCompiler.Run(Focused).AssertClean().Output).GetType("Reports")!);

    [Fact]
    public void DefaultIsTheEmptyStateAndReadingResultChangesNothing()
    {
        var reports = FocusedReports.Value;
        Assert.Equal("(0, 0, , , True, False, , 0, 0, )", Invoke(reports, "EmptyTotals"));
        Assert.Equal(Invoke(reports, "TotalsOfNothing"), Invoke(reports, "EmptyTotals"));
        Assert.Equal(Invoke(reports, "TotalsOfNothing"), Invoke(reports, "EmptyClassByRegion"));
        Assert.Equal("True", Invoke(reports, "ResultIsRepeatable", 100));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(10)]
    [InlineData(1000)]
    public void GroupedTypesEqualTheGroupedMethodAndMergeKeysInFirstSeenOrder(int count)
    {
        var reports = FocusedReports.Value;
        var expected = Invoke(reports, "ByRegionMethod", count);
        Assert.Equal(expected, Invoke(reports, "ByRegionPushed", count));
        foreach (var parts in new[] { 1, 2, 3, 7 })
        {
            // Averages of a merge may differ in their last bits (floating sums); counts, sums and maxima do not.
            Assert.Equal(Invoke(reports, "ByRegionMethodExact", count), Invoke(reports, "ByRegionMergedExact", count, parts));
        }
    }

    [Fact]
    public void IsCompleteOnceEveryAggregateIsDecided()
    {
        Assert.Equal("False False True", Invoke(FocusedReports.Value, "Completion"));
    }

    [Fact]
    public void AnAccumulatorTypeIsACustomAccumulatorOfMethodsGroupedOrNot()
    {
        var reports = FocusedReports.Value;
        Assert.Equal("True", Invoke(reports, "NestedEqualsPushed", 500));
        Assert.Equal("True", Invoke(reports, "NestedByReturnedEqualsLinq", 500));
    }

    [Fact]
    public void CopiesShareTheirSetsAndMergeNeverAdoptsTheOthersStorage()
    {
        Assert.Equal("2 5 2", Invoke(FocusedReports.Value, "Sharing"));
    }

    [Fact]
    public void AValueNamedLikeTheKeyStorageCompiles()
    {
        Assert.Equal("north=5", Invoke(FocusedReports.Value, "KeysByRegionResult"));
    }

    /// <summary>
    /// A copy of a grouped struct that has started, or of a grouped record class (`with`), shares all of its per-key
    /// storage, the count of keys too: one object. (With the records, the index and the count as the type's own fields,
    /// the copies overwrote each other's keys.)
    /// </summary>
    [Theory]
    [InlineData("GroupedCopies")]
    [InlineData("GroupedRecordCopies")]
    public void CopiesOfAGroupedStructOrRecordShareAllOfItsKeys(string method)
    {
        const string Keys = "north=1,south=10,east=100,k0=1000,k1=1000,k2=1000,k3=1001";
        Assert.Equal($"{Keys} | {Keys} | north=2,south=20,east=200,k0=2000,k1=2000,k2=2000,k3=2002", Invoke(FocusedReports.Value, method));
    }

    [Fact]
    public void AMillionAddsAllocateNothing()
    {
        Assert.Equal("0", Invoke(FocusedReports.Value, "AllocatedByAMillionAdds"));
    }

    /// <summary>Generic accumulator types (generic math, a comparer Max, per-key records nested in a generic type), and static selectors of the type.</summary>
    [Fact]
    public void GenericTypesAndStaticSelectorsOfTheType()
    {
        const string Generic = """
            using System;
            using System.Collections.Generic;
            using System.Linq;
            using System.Numerics;
            using MultiAgg;
            using static MultiAgg.Agg;

            [Aggregate(Sum, Max, Average)]
            public partial struct Stats<T> : IMergeableAccumulator<Stats<T>, T, (T Sum, T? Max, T? Average)> where T : struct, INumber<T> { }

            public static partial class Outer<TKey> where TKey : notnull
            {
                [GroupBy(nameof(Pair.Key))]
                [Aggregate(Count)]
                [Aggregate(Sum, Of = nameof(Doubled))]
                public partial class ByKey : IMergeableAccumulator<ByKey, Pair, Dictionary<TKey, (int Count, int Doubled)>>
                {
                    private static int Doubled(Pair pair) => pair.Value * 2;
                }

                public sealed record Pair(TKey Key, int Value);
            }

            public static class Run
            {
                public static string Numbers()
                {
                    var left = new Stats<decimal>();
                    var right = new Stats<decimal>();
                    foreach (var v in new[] { 1.5m, -2m, 7m }) left.Add(v);
                    foreach (var v in new[] { 3m }) right.Add(v);
                    left.Merge(right);
                    return $"{left.Result} {new Stats<int>().Result}";
                }

                public static string Keys()
                {
                    var byKey = new Outer<string>.ByKey();
                    var other = new Outer<string>.ByKey();
                    byKey.Add(new("a", 1));
                    byKey.Add(new("b", 2));
                    other.Add(new("c", 3));
                    other.Add(new("a", 4));
                    byKey.Merge(other);
                    return string.Join(" ", byKey.Result.Select(static p => $"{p.Key}={p.Value}"));
                }
            }
            """;
        var run = TestCompiler.Load(TestCompiler.Run(Generic).AssertClean().Output).GetType("Run")!;
        Assert.Equal("(9.5, 7, 2.375) (0, , )", Invoke(run, "Numbers"));
        Assert.Equal("a=(2, 10) b=(1, 4) c=(1, 6)", Invoke(run, "Keys"));
    }

    /// <summary>
    /// A struct sets up the fields that do not start at zero before its first Add goes on, and counts as started only once
    /// they are: a custom accumulator whose constructor throws on that first Add leaves the struct unstarted, so the next
    /// Add sets it up again (it had counted as started, and went on with a null accumulator and an All left false).
    /// </summary>
    [Fact]
    public void AStartThatThrowsLeavesTheStructUnstarted()
    {
        const string Source = """
            using MultiAgg;
            using static MultiAgg.Agg;

            public sealed class Flaky : IAccumulator<int, int>
            {
                public static bool Fails = true;
                private int _total;

                public Flaky()
                {
                    if (Fails)
                    {
                        Fails = false;
                        throw new System.InvalidOperationException("not yet");
                    }
                }

                public void Add(int value) => _total += value;

                public int Result => _total;
            }

            [Aggregate(typeof(Flaky))]
            [Aggregate(All, Of = nameof(IsPositive))]
            public partial struct Checked : IAccumulator<int, (int Total, bool AllPositive)>
            {
                private static bool IsPositive(int value) => value > 0;
            }

            public static class Run
            {
                public static string Retry()
                {
                    var state = default(Checked);
                    var first = "";
                    try { state.Add(1); } catch (System.InvalidOperationException e) { first = e.Message; }
                    state.Add(2);
                    state.Add(3);
                    return $"{first} {state.Result}";
                }
            }
            """;
        var run = TestCompiler.Load(TestCompiler.Run(Source).AssertClean().Output).GetType("Run")!;
        Assert.Equal("not yet (5, True)", Invoke(run, "Retry"));
    }

    /// <summary>
    /// A public accumulator type may implement the interface over types it is more accessible than (an internal element,
    /// a result naming one, a private nested element of an outer type): C# allows it, and the generated Add and Result
    /// take their accessibility (internal, or private beside the interface's), implementing the interface explicitly.
    /// </summary>
    [Fact]
    public void APublicTypeOverLessAccessibleTypesImplementsTheInterfaceExplicitly()
    {
        const string Source = """
            using MultiAgg;
            using static MultiAgg.Agg;

            internal sealed record Order(decimal Total);

            [Aggregate(Sum, Max, Of = nameof(Order.Total))]
            [Aggregate(MinBy, Of = nameof(Order.Total))]
            public partial struct OrderStats : IMergeableAccumulator<OrderStats, Order, (decimal Revenue, decimal Largest, Order? Cheapest)>, ICompletableAccumulator { }

            public partial class Outer
            {
                internal sealed record Row(int V);

                [Aggregate(Sum, Of = nameof(Row.V))]
                protected partial struct RowStats : IAccumulator<Row, int> { }

                public static int Total() { var stats = new RowStats(); stats.Add(new Row(4)); return stats.Result; }
            }

            public partial class Shop
            {
                private sealed record Line(int Units);

                [Aggregate(Sum, Of = nameof(Line.Units))]
                public partial struct LineStats : IAccumulator<Line, int> { }

                public static int Units()
                {
                    IAccumulator<Line, int> lines = new LineStats();
                    lines.Add(new Line(2));
                    lines.Add(new Line(3));
                    return lines.Result;
                }
            }

            public static class Run
            {
                public static string Totals()
                {
                    var stats = new OrderStats();
                    stats.Add(new Order(5m));
                    IAccumulator<Order, (decimal, decimal, Order?)> pushed = stats;
                    pushed.Add(new Order(2m));
                    var other = new OrderStats();
                    other.Add(new Order(7m));
                    stats.Merge(other);
                    return $"{stats.Result.Revenue} {stats.Result.Largest} {stats.Result.Cheapest!.Total} {pushed.Result.Item1} {stats.IsComplete} {Shop.Units()} {Outer.Total()}";
                }
            }
            """;
        var run = TestCompiler.Load(TestCompiler.Run(Source).AssertClean().Output).GetType("Run")!;
        Assert.Equal("12 7 5 7 False 5 4", Invoke(run, "Totals"));
    }

    /// <summary>
    /// The same type rejected for a bad aggregate: its throwing members take the same accessibility, so the build shows
    /// only the MAGG error, with no CS0051 or CS0053 for a public member over an internal type beside it.
    /// </summary>
    [Fact]
    public void ARejectedPublicTypeOverLessAccessibleTypesAddsNoErrorOfItsOwn()
    {
        const string Source = """
            using MultiAgg;
            using static MultiAgg.Agg;

            internal sealed record Order(string Name);

            [Aggregate(Sum, Of = nameof(Order.Name))]
            public partial struct OrderStats : IMergeableAccumulator<OrderStats, Order, Order?>, ICompletableAccumulator { }

            internal static class Run
            {
                public static Order? Pushed()
                {
                    var stats = new OrderStats();
                    stats.Add(new Order("a"));
                    IAccumulator<Order, Order?> pushed = stats;
                    return pushed.Result;
                }
            }
            """;
        var result = TestCompiler.Run(Source);
        Assert.Equal("MAGG104", Assert.Single(result.GeneratorDiagnostics).Id);
        Assert.Empty(result.CompilationDiagnostics.Where(static d => d.Severity == DiagnosticSeverity.Error));
    }

    /// <summary>
    /// Such a type's private Add and Result can be called by no method outside it: [Aggregate(typeof(T))] gets MAGG116,
    /// not the compiler's CS0122 in the generated code. As private as its values, its members are public, and it serves.
    /// </summary>
    [Fact]
    public void ATypeWhosePrivateAddNoMethodCanCallIsRefusedAsAnAccumulator()
    {
        const string Source = """
            using System.Collections.Generic;
            using MultiAgg;
            using static MultiAgg.Agg;

            public partial class Shop
            {
                private sealed record Line(int Units);

                [Aggregate(Sum, Of = nameof(Line.Units))]
                public partial struct LineStats : IAccumulator<Line, int> { }

                [Aggregate(Sum, Of = nameof(Line.Units))]
                private partial struct PrivateLineStats : IAccumulator<Line, int> { }

                [Aggregate(typeof(LineStats))]
                private static partial int Units(IEnumerable<Line> lines);

                [Aggregate(typeof(PrivateLineStats))]
                private static partial int PrivateUnits(IEnumerable<Line> lines);

                public static int Run() => PrivateUnits(new[] { new Line(2), new Line(3) });
            }
            """;
        var result = TestCompiler.Run(Source);
        var refused = Assert.Single(result.GeneratorDiagnostics);
        Assert.Equal("MAGG116", refused.Id);
        Assert.Equal("typeof(LineStats)", Source.Substring(refused.Location.SourceSpan.Start, refused.Location.SourceSpan.Length));
        Assert.Contains("its generated Add and Result are private", refused.GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.Empty(result.CompilationDiagnostics.Where(static d => d.Severity == DiagnosticSeverity.Error));
        Assert.Equal(5, TestCompiler.Load(result.Output).GetType("Shop")!.GetMethod("Run")!.Invoke(null, null));
    }

    /// <summary>
    /// A merge decides what the other state decided: a state becomes complete by merging in the value its open
    /// aggregate was waiting for, and the First of the state merged in first stays. A Count that a merge takes
    /// past <c>int.MaxValue</c> throws <c>OverflowException</c>, as LINQ's Count does (the state merged into itself
    /// doubles: 31 merges from one element).
    /// </summary>
    [Fact]
    public void AMergeCompletesAStateAndAMergedCountOverflowsAsLinqs()
    {
        const string Source = """
            using MultiAgg;
            using static MultiAgg.Agg;

            public sealed record Sale(string Region, bool Returned);

            [Aggregate(First, Of = nameof(Sale.Region))]
            [Aggregate(Any, All, Of = nameof(Sale.Returned))]
            public partial struct Shard : IMergeableAccumulator<Shard, Sale, (string First, bool AnyReturned, bool AllReturned)>, ICompletableAccumulator { }

            [Aggregate(Count)]
            public partial struct Counted : IMergeableAccumulator<Counted, int, int> { }

            public static class Run
            {
                public static string Completion()
                {
                    Shard merged = default, kept = default, returned = default;
                    kept.Add(new Sale("north", false));    // First has its value and All is false: only Any is open
                    returned.Add(new Sale("south", true));  // Any is true, All is open
                    var empty = merged.IsComplete;
                    merged.Merge(kept);
                    var afterKept = merged.IsComplete;
                    merged.Merge(returned);
                    var afterReturned = merged.IsComplete;
                    return $"{kept.IsComplete} {returned.IsComplete} {empty} {afterKept} {afterReturned} {merged.Result}";
                }

                public static string Doubling()
                {
                    var counted = default(Counted);
                    counted.Add(0);
                    for (var merges = 1; merges <= 31; merges++)
                    {
                        try
                        {
                            counted.Merge(counted);
                        }
                        catch (System.OverflowException)
                        {
                            return $"OverflowException at merge {merges}, after {counted.Result}";
                        }
                    }

                    return counted.Result.ToString();
                }
            }
            """;
        var run = TestCompiler.Load(TestCompiler.Run(Source).AssertClean().Output).GetType("Run")!;
        Assert.Equal("False False False False True (north, True, False)", Invoke(run, "Completion"));
        Assert.Equal("OverflowException at merge 31, after 1073741824", Invoke(run, "Doubling"));
    }

    /// <summary>
    /// A struct with instance data of its own (an auto-property) compiles without CS0282 (fields of two partial parts
    /// with no defined order): its generated part makes the layout automatic. <c>ICompletableAccumulator</c> and
    /// <c>IMergeableAccumulator</c> declared through an interface of the user's own still get <c>IsComplete</c> and
    /// <c>Merge</c> (they were left out, and the compiler reported the missing members).
    /// </summary>
    [Fact]
    public void AStructsOwnFieldsAndInterfacesThatInheritTheContractsCompileClean()
    {
        const string Source = """
            using MultiAgg;
            using static MultiAgg.Agg;

            public interface IStoppable : ICompletableAccumulator { }

            public interface IShard<TSelf> : IMergeableAccumulator<TSelf, int, (int Total, bool AnyNegative)>
                where TSelf : IShard<TSelf> { }

            [Aggregate(Sum)]
            [Aggregate(Any, Where = nameof(IsNegative))]
            public partial struct Tagged : IShard<Tagged>, IStoppable
            {
                public string Tag { get; init; }

                private static bool IsNegative(int value) => value < 0;
            }

            public static class Run
            {
                public static string Shards()
                {
                    var left = new Tagged { Tag = "left" };
                    var right = new Tagged { Tag = "right" };
                    left.Add(2);
                    right.Add(-5);
                    var before = left.IsComplete;
                    left.Merge(right);
                    return $"{left.Tag} {left.Result} {before} {left.IsComplete}";
                }
            }
            """;
        var run = TestCompiler.Load(TestCompiler.Run(Source).AssertClean().Output).GetType("Run")!;
        Assert.Equal("left (-3, True) False False", Invoke(run, "Shards"));
    }

    /// <summary>
    /// A struct whose constructor of its own leaves MultiAgg's fields alone (from C# 11 the compiler gives them their
    /// default) is not warned about the references among them, fields the user cannot name (CS8618 at the constructor):
    /// a set, a first string, a custom accumulator of a class, a grouped struct's storage, and a primary constructor's.
    /// </summary>
    [Theory]
    [InlineData(LanguageVersion.CSharp11)]
    [InlineData(LanguageVersion.Latest)]
    public void AStructsOwnConstructorIsNotWarnedAboutMultiAggsFields(LanguageVersion version)
    {
        const string Source = """
            using MultiAgg;
            using static MultiAgg.Agg;

            [Aggregate(CountDistinct, First, Of = nameof(Trimmed))]
            [Aggregate(typeof(Longest))]
            public partial struct Tags : IAccumulator<string, (int Distinct, string? First, string? Longest)>
            {
                private readonly int _id;

                public Tags(int id) => _id = id;

                public int Id => _id;

                private static string? Trimmed(string value) => value.Length == 0 ? null : value.Trim();
            }

            [GroupBy(nameof(Initial))]
            [Aggregate(Count)]
            public partial struct ByInitial : IAccumulator<string, System.Collections.Generic.Dictionary<char, int>>
            {
                private readonly int _id;

                public ByInitial(int id) => _id = id;

                public int Id => _id;

                private static char Initial(string value) => value[0];
            }

            [Aggregate(Min, Max)]
            public partial record struct Span(string Name) : IAccumulator<string, (string? Min, string? Max)>;

            public sealed class Longest : IAccumulator<string, string?>
            {
                public string? Result { get; private set; }

                public void Add(string value)
                {
                    if (value.Length > (Result?.Length ?? -1)) Result = value;
                }
            }

            public static class Run
            {
                public static string Push()
                {
                    var tags = new Tags(7);
                    var byInitial = new ByInitial(8);
                    var span = new Span("words");
                    foreach (var word in new[] { "beta ", "alpha", "", "beta" })
                    {
                        tags.Add(word);
                        if (word.Length > 0) byInitial.Add(word);
                        span.Add(word);
                    }

                    return $"{tags.Id} {tags.Result} {byInitial.Id} {string.Join(",", byInitial.Result)} {span.Name} {span.Result}";
                }
            }
            """;
        var run = TestCompiler.Load(TestCompiler.Run(Source, version).AssertClean().Output).GetType("Run")!;
        Assert.Equal("7 (3, beta, beta ) 8 [b, 2],[a, 1] words (, beta )", Invoke(run, "Push"));
    }

    /// <summary>
    /// A custom accumulator whose constructor throws while a new key's record opens (in <c>Add</c> and in
    /// <c>Merge</c>) leaves the state as it was: the key is opened again by the next value, and no other key's record
    /// takes its values (the key pointed at record 0, so "b" was counted under "a" and missing from the result).
    /// </summary>
    [Fact]
    public void AKeyWhoseRecordFailsToOpenDoesNotTakeAnotherKeysRecord()
    {
        const string Source = """
            using System;
            using System.Collections.Generic;
            using System.Linq;
            using MultiAgg;
            using static MultiAgg.Agg;

            [GroupBy(nameof(Initial))]
            [Aggregate(Count)]
            [Aggregate(typeof(Longest))]
            public partial struct ByInitial : IMergeableAccumulator<ByInitial, string, Dictionary<char, (int Count, int Longest)>>
            {
                private static char Initial(string value) => value[0];
            }

            public sealed class Longest : IMergeableAccumulator<Longest, string, int>
            {
                public static int FailNext;

                public Longest()
                {
                    if (FailNext > 0 && --FailNext == 0) throw new InvalidOperationException("no room");
                }

                public int Result { get; private set; }

                public void Add(string value) => Result = Math.Max(Result, value.Length);

                public void Merge(Longest other) => Result = Math.Max(Result, other.Result);
            }

            public static class Run
            {
                private static string Show(ByInitial state) =>
                    string.Join(" ", state.Result.OrderBy(static p => p.Key).Select(static p => $"{p.Key}={p.Value}"));

                public static string Pushed()
                {
                    var state = new ByInitial();
                    state.Add("apple");
                    Longest.FailNext = 1;
                    try { state.Add("banana"); } catch (InvalidOperationException) { }
                    state.Add("bean");
                    state.Add("avocado");
                    return Show(state);
                }

                public static string Merged()
                {
                    var (state, other) = (new ByInitial(), new ByInitial());
                    state.Add("apple");
                    other.Add("cherry");
                    other.Add("banana");
                    Longest.FailNext = 1;
                    try { state.Merge(other); } catch (InvalidOperationException) { }
                    other.Add("blueberry");
                    state.Merge(other);
                    return Show(state);
                }
            }
            """;
        var run = TestCompiler.Load(TestCompiler.Run(Source).AssertClean().Output).GetType("Run")!;
        Assert.Equal("a=(2, 7) b=(1, 4)", Invoke(run, "Pushed"));
        Assert.Equal("a=(1, 5) b=(2, 9) c=(1, 6)", Invoke(run, "Merged"));
    }

    /// <summary>
    /// Declarations a review found rejected or warned about wrongly: an <c>IAccumulator</c> through an interface of the
    /// user's own, implemented explicitly beside the one MultiAgg writes (was MAGG132); an <c>IMergeableAccumulator</c> through an interface beside
    /// a listed <c>IAccumulator</c> (no Merge); a struct whose primary constructor's parameter a member captures (CS0282).
    /// </summary>
    [Fact]
    public void AnExplicitSecondContractAnInheritedMergeAndACapturedParameterCompileClean()
    {
        const string Source = """
            using MultiAgg;
            using static MultiAgg.Agg;

            public interface IMergesWith<TSelf> : IMergeableAccumulator<TSelf, int, int> where TSelf : IMergesWith<TSelf> { }

            public interface IBoxedView : IAccumulator<int, object> { }

            [Aggregate(Sum)]
            public partial struct Boxed : IAccumulator<int, int>, IBoxedView
            {
                void IAccumulator<int, object>.Add(int value) => Add(value);

                object IAccumulator<int, object>.Result => Result;
            }

            [Aggregate(Max)]
            public partial struct Sharded : IAccumulator<int, int>, IMergesWith<Sharded> { }

            [Aggregate(Count)]
            public partial struct Labelled(string label) : IAccumulator<int, int>
            {
                public string Label => label;
            }

            public static class Run
            {
                public static string All()
                {
                    var boxed = new Boxed();
                    boxed.Add(2);
                    ((IAccumulator<int, object>)boxed).Add(3);   // a copy: boxed itself still has 2
                    var (left, right) = (new Sharded(), new Sharded());
                    left.Add(1);
                    right.Add(9);
                    left.Merge(right);
                    var labelled = new Labelled("n");
                    labelled.Add(0);
                    return $"{boxed.Result} {left.Result} {labelled.Label}={labelled.Result}";
                }
            }
            """;
        var run = TestCompiler.Load(TestCompiler.Run(Source).AssertClean().Output).GetType("Run")!;
        Assert.Equal("2 9 n=1", Invoke(run, "All"));
    }

    /// <summary>
    /// Nested types named as what MultiAgg writes (a field, a per-key record) move its names to another prefix, as
    /// members so named do: an accumulator type's and a method's containing type's (CS0102 otherwise).
    /// </summary>
    [Fact]
    public void NestedTypesNamedLikeGeneratedMembersCompile()
    {
        const string Source = """
            using System.Collections.Generic;
            using MultiAgg;
            using static MultiAgg.Agg;

            [Aggregate(Count)]
            public partial struct Tally : IAccumulator<int, int>
            {
                private sealed class __count0 { }
            }

            public static partial class Report
            {
                private sealed class __ByLength_Group { }

                [GroupBy(nameof(string.Length))]
                [Aggregate(Count)]
                public static partial Dictionary<int, int> ByLength(IEnumerable<string> words);
            }

            public struct Labelled(Marked owner)
            {
                public string Label { get; } = $"{owner}";   // read by an initializer only: no field of Marked
            }

            [Aggregate(Last)]
            public partial struct Marked : IAccumulator<Labelled, Labelled> { }

            public static class Run
            {
                public static string All()
                {
                    var marked = new Marked();
                    marked.Add(new Labelled(marked));
                    var tally = new Tally();
                    tally.Add(1);
                    tally.Add(2);
                    return $"{tally.Result} {Report.ByLength(new[] { "a", "bb", "cc" })[2]}";
                }
            }
            """;
        var run = TestCompiler.Load(TestCompiler.Run(Source).AssertClean().Output).GetType("Run")!;
        Assert.Equal("2 2", Invoke(run, "All"));
    }

    /// <summary>A type named as a member MultiAgg writes (<c>__Empty</c>) gets members of another prefix: no member may be named as its type (CS0542).</summary>
    [Fact]
    public void ATypeNamedLikeAGeneratedMemberCompiles()
    {
        const string Source = """
            using MultiAgg;
            using static MultiAgg.Agg;

            [Aggregate(All)]
            public partial struct __Empty : IAccumulator<bool, bool> { }

            public static class Run
            {
                public static string All()
                {
                    var all = new __Empty();
                    var before = all.Result;
                    all.Add(true);
                    all.Add(false);
                    return $"{before} {all.Result}";
                }
            }
            """;
        var run = TestCompiler.Load(TestCompiler.Run(Source).AssertClean().Output).GetType("Run")!;
        Assert.Equal("True False", Invoke(run, "All"));
    }

    /// <summary>
    /// A struct may take values of its own type where its state does not keep one (a count), and a class may keep one:
    /// only a struct that would contain itself is MAGG130. A sequential layout of MultiAgg's fields alone has an order.
    /// </summary>
    [Fact]
    public void ValuesOfTheTypeItselfCompileWhereNoStructContainsItself()
    {
        const string Source = """
            using MultiAgg;
            using static MultiAgg.Agg;

            [Aggregate(Count)]
            [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
            public partial struct Tally : IAccumulator<Tally, int> { }   // a sequential layout of MultiAgg's fields alone

            [Aggregate(CountDistinct)]
            public partial struct Tag : IAccumulator<Tag, int>   // a set of them: a reference
            {
                public string Name { get; set; }
            }

            [Aggregate(First)]
            public partial class Latest : IAccumulator<Latest, Latest>
            {
                public string Name { get; set; } = "";
            }

            public struct Shelf
            {
                public Stock[] Items;
                public int Count;
            }

            [Aggregate(First)]
            public partial struct Stock : IAccumulator<Shelf, Shelf> { }   // what it keeps holds it only in an array

            [Aggregate(Last, Of = nameof(Celsius))]
            public partial struct Reading : IAccumulator<Reading, double>   // keeps the last double, not the last Reading
            {
                public double Celsius { get; set; }
            }

            public struct Labelled(Marked owner)
            {
                public string Label { get; } = $"{owner}";   // read by an initializer only: no field of Marked
            }

            [Aggregate(Last)]
            public partial struct Marked : IAccumulator<Labelled, Labelled> { }

            public static class Run
            {
                public static string All()
                {
                    var marked = new Marked();
                    marked.Add(new Labelled(marked));
                    var tally = new Tally();
                    tally.Add(tally);
                    tally.Add(tally);
                    var latest = new Latest { Name = "outer" };
                    latest.Add(new Latest { Name = "a" });
                    latest.Add(new Latest { Name = "b" });
                    var tag = new Tag { Name = "x" };
                    tag.Add(new Tag { Name = "a" });
                    tag.Add(new Tag { Name = "a" });
                    tag.Add(new Tag { Name = "b" });
                    var stock = new Stock();
                    stock.Add(new Shelf { Count = 3 });
                    stock.Add(new Shelf { Count = 4 });
                    var reading = new Reading();
                    reading.Add(new Reading { Celsius = 20.5 });
                    reading.Add(new Reading { Celsius = 21.5 });
                    return $"{tally.Result} {latest.Result.Name} {tag.Result} {stock.Result.Count} {reading.Result.ToString(System.Globalization.CultureInfo.InvariantCulture)} {marked.Result.Label}";
                }
            }
            """;
        var run = TestCompiler.Load(TestCompiler.Run(Source).AssertClean().Output).GetType("Run")!;
        Assert.Equal("2 a 2 3 21.5 Marked", Invoke(run, "All"));
    }

    /// <summary>
    /// A part of an accumulator type written with an empty body, <c>{ }</c> or <c>;</c>, carries the attribute; its
    /// private static selectors live in another part, and the attribute sees them there as it would in its own body.
    /// </summary>
    [Fact]
    public void AnEmptyBodiedPartSeesTheTypesPrivateSelectors()
    {
        const string Parts = """
            using MultiAgg;
            using static MultiAgg.Agg;

            [Aggregate(Sum, Of = nameof(Doubled))]
            public partial struct Braces : IAccumulator<int, int> { }

            public partial struct Braces
            {
                private static int Doubled(int value) => value * 2;
            }

            [Aggregate(Sum, Of = nameof(Tripled))]
            public partial struct Semicolon : IAccumulator<int, int>;

            public partial struct Semicolon
            {
                private static int Tripled(int value) => value * 3;
            }

            public static class Run
            {
                public static string Sums()
                {
                    var braces = new Braces();
                    var semicolon = new Semicolon();
                    foreach (var v in new[] { 1, 2, 3 })
                    {
                        braces.Add(v);
                        semicolon.Add(v);
                    }

                    return $"{braces.Result} {semicolon.Result}";
                }
            }
            """;
        var run = TestCompiler.Load(TestCompiler.Run(Parts).AssertClean().Output).GetType("Run")!;
        Assert.Equal("12 18", Invoke(run, "Sums"));
    }

    /// <summary>
    /// A type's attributes in two files fill its results in source order, file by file as the compilation orders them:
    /// not by their positions alone, which put the second file's attribute (near its top) first.
    /// </summary>
    [Fact]
    public void AttributesInTwoFilesFillTheResultsFileByFile()
    {
        var first = "// " + new string('-', 2000) + """

            using MultiAgg;
            using static MultiAgg.Agg;

            [Aggregate(Sum)]
            public partial struct Totals : IAccumulator<long, (long Total, long Count)> { }

            public static class Run
            {
                public static string Push()
                {
                    var totals = new Totals();
                    totals.Add(5);
                    totals.Add(7);
                    return totals.Result.ToString();
                }
            }
            """;
        const string second = """
            using MultiAgg;
            using static MultiAgg.Agg;

            [Aggregate(LongCount)]
            public partial struct Totals { }
            """;

        var run = TestCompiler.Load(TestCompiler.Run(TestCompiler.Compile(new[] { first, second })).AssertClean().Output).GetType("Run")!;
        Assert.Equal("(12, 2)", Invoke(run, "Push"));
    }

    /// <summary>The fields of <see cref="ResultType"/> that sum doubles: Variance, StdDevP, PriceSum, AveragePrice.</summary>
    private static readonly int[] FloatingSums = { 13, 14, 17, 19 };

    /// <summary>
    /// Two results are equal: the same text field by field (a decimal's scale, a record's every member), except the
    /// floating-point sums, which may round differently (a merge adds two partial sums; LINQ's variance takes two passes,
    /// Welford's one): those agree to <paramref name="tolerance"/>, relative. An exception is the same exception.
    /// </summary>
    private static void AssertSameUpToFloatingSums(object? expected, object? actual, string where, double tolerance)
    {
        if (expected is not ITuple e || actual is not ITuple m)
        {
            Assert.True(Equals(expected, actual), $"{where}: expected {expected}, got {actual}");
            return;
        }

        Assert.Equal(e.Length, m.Length);
        for (var i = 0; i < e.Length; i++)
        {
            var (x, y) = (Text(e[i]), Text(m[i]));
            if (FloatingSums.Contains(i) && e[i] is double a && m[i] is double b)
            {
                Assert.True(Math.Abs(a - b) <= tolerance * Math.Max(1, Math.Abs(a)), $"{where}, field {i}: expected {x}, got {y}");
            }
            else
            {
                Assert.True(x == y, $"{where}, field {i}: expected {x}, got {y}");
            }
        }

        static string Text(object? value) => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "null";
    }

    /// <summary>The method's result, or the name of the exception it threw.</summary>
    private static object? Result(Type type, string method, params object[] arguments)
    {
        try
        {
            return type.GetMethod(method)!.Invoke(null, arguments);
        }
        catch (TargetInvocationException e)
        {
            return e.InnerException!.GetType().Name;
        }
    }

    /// <summary>
    /// <c>a.Merge(a)</c> equals adding the same values twice, for the kinds whose state is a reference or a record of
    /// several fields: a distinct count's set (merged into itself), a grouped class's per-key records, a record's, and a
    /// decimal Average beside a Sum (a merge-review found the code right but only a count's self-merge tested).
    /// </summary>
    [Fact]
    public void MergingAStateWithItselfEqualsAddingItsValuesTwice()
    {
        const string SelfMerge = """
            public sealed record Priced(decimal Price);

            [Aggregate(Average, Sum, CountDistinct, Min, Max, First, Last, Of = nameof(Priced.Price))]
            public partial class Prices : IMergeableAccumulator<Prices, Priced, (decimal Average, decimal Sum, int Distinct, decimal Min, decimal Max, decimal First, decimal Last)> { }

            public static class SelfMerge
            {
                private static readonly Sale[] Sales = { new("north", 3, 1.5, false), new("south", 5, 2.25, true), new("north", 1, -0.5, false), new("east", 2, 0.0, true) };
                private static readonly Priced[] Priced = { new(1.10m), new(-2.5m), new(1.10m), new(7m) };

                private static string Both(object once, object twice) => $"{Text(once)} | {Text(twice)}";

                private static string Text(object result) => result is System.Collections.IDictionary dictionary
                    ? string.Join("; ", dictionary.Keys.Cast<object>().Select(key => $"{key}={dictionary[key]}"))
                    : result.ToString()!;

                public static string Totals()
                {
                    Totals once = default, twice = default;
                    foreach (var sale in Sales) once.Add(sale);
                    foreach (var sale in Sales.Concat(Sales)) twice.Add(sale);
                    once.Merge(once);
                    return Both(once.Result, twice.Result);
                }

                public static string ByRegion()
                {
                    ByRegion once = new(), twice = new();
                    foreach (var sale in Sales) once.Add(sale);
                    foreach (var sale in Sales.Concat(Sales)) twice.Add(sale);
                    once.Merge(once);
                    return Both(once.Result, twice.Result);
                }

                public static string Record()
                {
                    UnitsByRegionRecord once = new(), twice = new();
                    foreach (var sale in Sales) once.Add(sale);
                    foreach (var sale in Sales.Concat(Sales)) twice.Add(sale);
                    once.Merge(once);
                    return Both(once.Result, twice.Result);
                }

                public static string Prices()
                {
                    Prices once = new(), twice = new();
                    foreach (var priced in Priced) once.Add(priced);
                    foreach (var priced in Priced.Concat(Priced)) twice.Add(priced);
                    once.Merge(once);
                    return Both(once.Result, twice.Result);
                }
            }
            """;
        var type = TestCompiler.Load(TestCompiler.Run(Focused + SelfMerge).AssertClean().Output).GetType("SelfMerge")!;
        foreach (var method in new[] { "Totals", "ByRegion", "Record", "Prices" })
        {
            var halves = Invoke(type, method).Split(" | ");
            Assert.Equal(2, halves.Length);
            Assert.Equal(halves[1], halves[0]);
        }
    }

    private static string Invoke(Type type, string method, params object[] arguments)
    {
        try
        {
            return type.GetMethod(method)!.Invoke(null, arguments)?.ToString() ?? "null";
        }
        catch (TargetInvocationException e)
        {
            return e.InnerException!.GetType().Name;
        }
    }

    /// <summary>
    /// A record's compiler-written ToString() reads every public property, Result included, which throws for an empty
    /// state whose results cannot be empty: a record gets MultiAgg's PrintMembers, which shows the result or "(no value)".
    /// </summary>
    [Fact]
    public void ARecordPrintsItsResultOrThatItHasNone()
    {
        const string Source = """
            using MultiAgg;
            using static MultiAgg.Agg;

            [Aggregate(Max, Count)]
            public partial record struct Peak : IAccumulator<int, (int Max, int Count)>;

            [Aggregate(Max)]
            public sealed partial record SealedPeak : IAccumulator<int, int>;

            [Aggregate(Max)]
            public partial record OpenPeak : IAccumulator<int, int>, ICompletableAccumulator;

            [Aggregate(Sum)]
            public partial record struct Named(string Label) : IAccumulator<int, long>;

            public static class Reports
            {
                public static string Show()
                {
                    var (peak, sealedPeak, openPeak) = (new Peak(), new SealedPeak(), new OpenPeak());
                    var empty = $"{peak} | {sealedPeak} | {openPeak}";
                    foreach (var value in new[] { 3, 7, 5 })
                    {
                        peak.Add(value);
                        sealedPeak.Add(value);
                        openPeak.Add(value);
                    }

                    var named = new Named("n");
                    named.Add(2);
                    return $"{empty} || {peak} | {sealedPeak} | {openPeak} | {named}";
                }
            }
            """;
        var reports = TestCompiler.Load(TestCompiler.Run(Source).AssertClean().Output).GetType("Reports")!;
        Assert.Equal(
            "Peak { Result = (no value) } | SealedPeak { Result = (no value) } | OpenPeak { Result = (no value), IsComplete = False } || "
            + "Peak { Result = (7, 3) } | SealedPeak { Result = 7 } | OpenPeak { Result = 7, IsComplete = False } | Named { Label = n, Result = 2 }",
            Invoke(reports, "Show"));
    }

    /// <summary>
    /// A record with members of its own, or a base record, prints them as the compiler would (the base's first, then its
    /// own in order, a value type through its ToString(), a keyword's name unescaped) and its result safely: its ToString()
    /// threw InvalidOperationException on an empty state, where MultiAgg left the compiler's PrintMembers in place. A
    /// struct whose getter is not readonly gets a PrintMembers that is not readonly either (no defensive-copy warning);
    /// ToString() reads a copy of the struct, so the getter counts one read each time. A member [Obsolete] as a warning is
    /// read with its ID suppressed (CS0618 failed a build that treats warnings as errors); one obsolete as an error, which
    /// generated code may not read (CS0619), leaves the compiler's PrintMembers.
    /// </summary>
    [Fact]
    public void ARecordWithMembersOfItsOwnOrABasePrintsThemAndItsResult()
    {
        const string Source = """
            using System;
            using MultiAgg;
            using static MultiAgg.Agg;

            public abstract record Labelled(string Label);

            [Aggregate(Max)]
            public sealed partial record Shard(string Label, int Number) : Labelled(Label), IAccumulator<int, int>
            {
                public static int Created;
                public int this[int i] => i;
                public int[]? Sample;
                [Obsolete("Use Label")] public string? OldLabel { get; init; }
            }

            // Obsolete as an error: generated code may not read it, so the compiler's PrintMembers stays.
            [Aggregate(Max)]
            public partial record Legacy : IAccumulator<int, int>
            {
                [Obsolete("Gone", error: true)] public int Gone => 0;
            }

            [Aggregate(Max)]
            public partial record OpenShard(string Label) : Labelled(Label), IAccumulator<int, int>;

            [Aggregate(Min, Count)]
            public partial record struct Window(DateTime Start) : IAccumulator<int, (int Min, int Count)>
            {
                private int _reads;
                public int @class;
                public string builder { get; init; } = "";
                public int Reads => ++_reads;
                public ReadOnlySpan<char> Tag => "t".AsSpan();
            }

            public static class Reports
            {
                public static string Show()
                {
                    var shard = new Shard("a", 1);
                    var open = new OpenShard("b");
                    var window = new Window(new DateTime(2026, 12, 6)) { @class = 3, builder = "x" };
                    var empty = $"{shard} | {open} | {window}";
                    shard.Add(4);
                    open.Add(5);
                    window.Add(6);
                    var legacy = new Legacy();
                    legacy.Add(7);
                    return $"{empty} || {shard} | {open} | {window} | {legacy}";
                }
            }
            """;
        var reports = TestCompiler.Load(TestCompiler.Run(Source).AssertClean().Output).GetType("Reports")!;
        var start = new DateTime(2026, 12, 6).ToString();
        Assert.Equal(
            "Shard { Label = a, Number = 1, Sample = , OldLabel = , Result = (no value) } | OpenShard { Label = b, Result = (no value) } | "
            + $"Window {{ Start = {start}, class = 3, builder = x, Reads = 1, Tag = t, Result = (no value) }} || "
            + "Shard { Label = a, Number = 1, Sample = , OldLabel = , Result = 4 } | OpenShard { Label = b, Result = 5 } | "
            + $"Window {{ Start = {start}, class = 3, builder = x, Reads = 1, Tag = t, Result = (6, 1) }} | Legacy {{ Gone = 0, Result = 7 }}",
            Invoke(reports, "Show"));
    }

    /// <summary>
    /// A record whose exact sum does not fit its result shows "(overflow)", where its Result throws OverflowException
    /// (as the method form does): ToString() is what the debugger and a log line call, and must not throw.
    /// </summary>
    [Fact]
    public void ARecordWhoseTotalDoesNotFitPrintsOverflow()
    {
        const string Source = """
            using MultiAgg;
            using static MultiAgg.Agg;

            [Aggregate(Sum)]
            public partial record struct Total : IAccumulator<int, int>;

            public static class Reports
            {
                public static string Show()
                {
                    var total = new Total();
                    total.Add(int.MaxValue);
                    total.Add(1);
                    var past = total.ToString();
                    var thrown = "";
                    try { _ = total.Result; } catch (System.OverflowException) { thrown = "OverflowException"; }
                    total.Add(-1);
                    return $"{past} {thrown} {total}";
                }
            }
            """;
        var reports = TestCompiler.Load(TestCompiler.Run(Source).AssertClean().Output).GetType("Reports")!;
        Assert.Equal("Total { Result = (overflow) } OverflowException Total { Result = 2147483647 }", Invoke(reports, "Show"));
    }

    /// <summary>
    /// A generic-math Average makes its count a value of its type: over a type parameter bound to sbyte, 128 values throw
    /// OverflowException from Result, as from the method form, and the record shows "(overflow)" (ToString() threw).
    /// </summary>
    [Fact]
    public void ARecordWhoseGenericAverageCountDoesNotFitPrintsOverflow()
    {
        const string Source = """
            using System.Numerics;
            using MultiAgg;
            using static MultiAgg.Agg;

            [Aggregate(Sum, Average)]
            public partial record struct Stats<T> : IAccumulator<T, (T Sum, T Average)> where T : struct, INumber<T>;

            public static class Reports
            {
                public static string Show()
                {
                    var stats = new Stats<sbyte>();
                    for (var i = 0; i < 127; i++) stats.Add(0);
                    var fits = stats.ToString();
                    stats.Add(0);
                    var thrown = "";
                    try { _ = stats.Result; } catch (System.OverflowException) { thrown = "OverflowException"; }
                    return $"{fits} {thrown} {stats}";
                }
            }
            """;
        var reports = TestCompiler.Load(TestCompiler.Run(Source).AssertClean().Output).GetType("Reports")!;
        Assert.Equal("Stats { Result = (0, 0) } OverflowException Stats { Result = (overflow) }", Invoke(reports, "Show"));
    }

    /// <summary>
    /// A grouped record whose keys can be null shows "(a null key)" once one has been added, where its Result throws
    /// ArgumentNullException as ToDictionary does; one whose keys cannot be null prints as any other.
    /// </summary>
    [Fact]
    public void AGroupedRecordPrintsThatItHoldsANullKey()
    {
        const string Source = """
            using System.Collections.Generic;
            using MultiAgg;
            using static MultiAgg.Agg;

            public sealed record Sale(string? Region, int Units);

            [GroupBy(nameof(Sale.Region))]
            [Aggregate(Sum, Of = nameof(Sale.Units))]
            public partial record struct ByRegion : IAccumulator<Sale, Dictionary<string, int>>;

            public static class Reports
            {
                public static string Show()
                {
                    var byRegion = new ByRegion();
                    byRegion.Add(new Sale("north", 2));
                    var before = byRegion.ToString();
                    byRegion.Add(new Sale(null, 3));
                    return before.Replace("System.Collections.Generic.Dictionary`2[System.String,System.Int32]", "a dictionary") + " | " + byRegion;
                }
            }
            """;
        var reports = TestCompiler.Load(TestCompiler.Run(Source).AssertClean().Output).GetType("Reports")!;
        Assert.Equal("ByRegion { Result = a dictionary } | ByRegion { Result = (a null key) }", Invoke(reports, "Show"));
    }

    private static Type Compile(string declaration) =>
        TestCompiler.Load(TestCompiler.Run(Source(declaration)).AssertClean().Output).GetType("Reports")!;
}
