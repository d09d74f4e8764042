using System.Diagnostics.CodeAnalysis;
using static MultiAgg.Agg;

namespace MultiAgg.Benchmarks;

/// <summary>The aggregates beyond LINQ's six, each against the LINQ way of getting the same answers.</summary>
public static partial class BeyondLinqAggregates
{
    [Aggregate(MinBy, MaxBy, Of = nameof(Order.Total))]
    [Aggregate(CountDistinct, Of = nameof(Order.Region))]
    [Aggregate(Variance, StdDev, Of = nameof(Order.Total))]
    public static partial (Order? Cheapest, Order? Dearest, int Regions, double Variance, double StdDev) Profile(IEnumerable<Order> orders);

    [SuppressMessage("MultiAgg.Performance", "MAGG001", Justification = "The baseline: the repeated enumeration MultiAgg removes.")]
    public static (Order? Cheapest, Order? Dearest, int Regions, double Variance, double StdDev) Linq(IEnumerable<Order> orders)
    {
        // LINQ has no variance: the usual two passes (mean, then squared deviations).
        var mean = orders.Average(o => o.Total);
        var variance = orders.Sum(o => (o.Total - mean) * (o.Total - mean)) / (orders.Count() - 1);
        return (orders.MinBy(o => o.Total), orders.MaxBy(o => o.Total), orders.Select(o => o.Region).Distinct().Count(), variance, Math.Sqrt(variance));
    }

    /// <summary>Stops at the first unpaid order, as LINQ's All does.</summary>
    [Aggregate(All, Of = nameof(Order.IsPaid))]
    [Aggregate(First)]
    public static partial (bool AllPaid, Order First) AllPaidAndFirst(IEnumerable<Order> orders);
}

/// <summary>
/// A million orders from a one-shot iterator: MinBy, MaxBy, CountDistinct, Variance and StdDev in
/// one pass against buffering and six LINQ passes; and the early exit of All+First.
/// </summary>
public class BeyondLinq
{
    private List<Order> _orders = [];
    private List<Order> _paidUntilTheMiddle = [];

    [GlobalSetup]
    public void Setup()
    {
        _orders = OrderReport.CreateOrders();
        _paidUntilTheMiddle = _orders.Select((o, i) => o with { IsPaid = i < _orders.Count / 2 }).ToList();
        var expected = BufferThenLinq();
        var actual = Generated();
        Check.Equal(expected.Cheapest, actual.Cheapest);
        Check.Equal(expected.Dearest, actual.Dearest);
        Check.Equal(expected.Regions, actual.Regions);
        Check.Close(expected.Variance, actual.Variance, expected.Variance * 1e-9);
        Check.Close(expected.StdDev, actual.StdDev, expected.StdDev * 1e-9);
        Check.Equal((false, _paidUntilTheMiddle[0]), AllPaidAndFirstGenerated());
        Check.Equal((false, _paidUntilTheMiddle[0]), AllPaidAndFirstLinq());
    }

    [Benchmark(Baseline = true)]
    public (Order? Cheapest, Order? Dearest, int Regions, double Variance, double StdDev) BufferThenLinq() =>
        BeyondLinqAggregates.Linq(OrderReport.Stream(_orders).ToList());

    [Benchmark]
    public (Order? Cheapest, Order? Dearest, int Regions, double Variance, double StdDev) Generated() =>
        BeyondLinqAggregates.Profile(OrderReport.Stream(_orders));

    /// <summary>LINQ's All stops at the first unpaid order too; First needs the source again (a second iterator).</summary>
    [Benchmark]
    public (bool, Order) AllPaidAndFirstLinq() =>
        (OrderReport.Stream(_paidUntilTheMiddle).All(o => o.IsPaid), OrderReport.Stream(_paidUntilTheMiddle).First());

    [Benchmark]
    public (bool, Order) AllPaidAndFirstGenerated() => BeyondLinqAggregates.AllPaidAndFirst(OrderReport.Stream(_paidUntilTheMiddle));
}
