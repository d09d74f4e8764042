using System.Runtime.InteropServices;
using static MultiAgg.Agg;

namespace MultiAgg.Benchmarks;

/// <summary>Per-key aggregates: LINQ's GroupBy + ToDictionary, a hand-written dictionary loop, and [GroupBy].</summary>
public static partial class GroupedReport
{
    /// <summary>4 string keys.</summary>
    [GroupBy(nameof(Order.Region))]
    [Aggregate(Sum, Max, Of = nameof(Order.Total))]
    [Aggregate(Count)]
    public static partial Dictionary<string, (double Revenue, double Largest, int Orders)> ByRegion(IEnumerable<Order> orders);

    public static Dictionary<string, (double Revenue, double Largest, int Orders)> ByRegionLinq(IEnumerable<Order> orders) =>
        orders.GroupBy(o => o.Region).ToDictionary(g => g.Key, g => (g.Sum(o => o.Total), g.Max(o => o.Total), g.Count()));

    /// <summary>What a careful developer writes by hand: one pass, a struct per key updated in place.</summary>
    public static Dictionary<string, (double Revenue, double Largest, int Orders)> ByRegionByHand(IEnumerable<Order> orders)
    {
        var byRegion = new Dictionary<string, (double Revenue, double Largest, int Orders)>();
        foreach (Order order in orders)
        {
            ref var entry = ref CollectionsMarshal.GetValueRefOrAddDefault(byRegion, order.Region, out bool exists);
            entry.Revenue += order.Total;
            if (!exists || order.Total > entry.Largest || double.IsNaN(entry.Largest))
            {
                entry.Largest = order.Total;
            }

            entry.Orders = checked(entry.Orders + 1);
        }

        return byRegion;
    }

    /// <summary>About 50,000 double keys (totals in cents up to 500), some 20 orders each.</summary>
    [GroupBy(nameof(Order.Total))]
    [Aggregate(Sum, Max, Of = nameof(Order.Quantity))]
    [Aggregate(Count)]
    public static partial Dictionary<double, (int Units, int MostUnits, int Orders)> ByAmount(IEnumerable<Order> orders);

    public static Dictionary<double, (int Units, int MostUnits, int Orders)> ByAmountLinq(IEnumerable<Order> orders) =>
        orders.GroupBy(o => o.Total).ToDictionary(g => g.Key, g => (g.Sum(o => o.Quantity), g.Max(o => o.Quantity), g.Count()));

    public static Dictionary<double, (int Units, int MostUnits, int Orders)> ByAmountByHand(IEnumerable<Order> orders)
    {
        var byAmount = new Dictionary<double, (int Units, int MostUnits, int Orders)>();
        foreach (Order order in orders)
        {
            ref var entry = ref CollectionsMarshal.GetValueRefOrAddDefault(byAmount, order.Total, out bool exists);
            entry.Units = checked(entry.Units + order.Quantity);
            if (!exists || order.Quantity > entry.MostUnits)
            {
                entry.MostUnits = order.Quantity;
            }

            entry.Orders = checked(entry.Orders + 1);
        }

        return byAmount;
    }
}

/// <summary>
/// A million orders in a <c>List&lt;Order&gt;</c> passed as <c>IEnumerable&lt;Order&gt;</c>, grouped by 4
/// regions and by about 50,000 amounts: Sum, Max and Count per key.
/// </summary>
[GroupBenchmarksBy(BenchmarkDotNet.Configs.BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class Grouping
{
    private List<Order> _orders = [];

    [GlobalSetup]
    public void Setup()
    {
        _orders = OrderReport.CreateOrders();
        SameEntries(ByRegionLinq(), ByRegionByHand());
        SameEntries(ByRegionLinq(), ByRegionGenerated());
        SameEntries(ByAmountLinq(), ByAmountByHand());
        SameEntries(ByAmountLinq(), ByAmountGenerated());
    }

    /// <summary>The same keys in the same (first-seen) order, with equal values.</summary>
    private static void SameEntries<TKey, TValue>(Dictionary<TKey, TValue> expected, Dictionary<TKey, TValue> actual)
        where TKey : notnull
    {
        Check.Equal(expected.Count, actual.Count);
        foreach (var (e, a) in expected.Zip(actual))
        {
            Check.Equal(e, a);
        }
    }

    [Benchmark(Baseline = true), BenchmarkCategory("ByRegion")]
    public Dictionary<string, (double Revenue, double Largest, int Orders)> ByRegionLinq() => GroupedReport.ByRegionLinq(_orders);

    [Benchmark, BenchmarkCategory("ByRegion")]
    public Dictionary<string, (double Revenue, double Largest, int Orders)> ByRegionByHand() => GroupedReport.ByRegionByHand(_orders);

    [Benchmark, BenchmarkCategory("ByRegion")]
    public Dictionary<string, (double Revenue, double Largest, int Orders)> ByRegionGenerated() => GroupedReport.ByRegion(_orders);

    [Benchmark(Baseline = true), BenchmarkCategory("ByAmount")]
    public Dictionary<double, (int Units, int MostUnits, int Orders)> ByAmountLinq() => GroupedReport.ByAmountLinq(_orders);

    [Benchmark, BenchmarkCategory("ByAmount")]
    public Dictionary<double, (int Units, int MostUnits, int Orders)> ByAmountByHand() => GroupedReport.ByAmountByHand(_orders);

    [Benchmark, BenchmarkCategory("ByAmount")]
    public Dictionary<double, (int Units, int MostUnits, int Orders)> ByAmountGenerated() => GroupedReport.ByAmount(_orders);
}
