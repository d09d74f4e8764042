using System.Diagnostics.CodeAnalysis;
using ZLinq;
using static MultiAgg.Agg;

namespace MultiAgg.Benchmarks;

public sealed record Order(double Total, int Quantity, bool IsPaid, string Region);

/// <summary>
/// A report over business records: five aggregates with selectors and a filter. The three ways
/// to compute it (LINQ, by hand, generated) are here once; the classes below choose the source.
/// </summary>
public static partial class OrderReport
{
    public const int NumberOfOrders = 1_000_000;

    /// <summary>A million deterministic orders.</summary>
    public static List<Order> CreateOrders()
    {
        string[] regions = ["North", "South", "East", "West"];
        var random = new Random(42);
        var orders = new List<Order>(NumberOfOrders);
        for (int i = 0; i < NumberOfOrders; i++)
        {
            orders.Add(new Order(
                Total: Math.Round(random.NextDouble() * 500, 2),
                Quantity: random.Next(1, 20),
                IsPaid: random.Next(4) != 0,
                Region: regions[random.Next(regions.Length)]));
        }

        return orders;
    }

    /// <summary>A one-shot iterator over the orders, like a database cursor.</summary>
    public static IEnumerable<Order> Stream(List<Order> orders)
    {
        foreach (Order order in orders)
        {
            yield return order;
        }
    }

    /// <summary>Five LINQ calls: five passes over the source, each with a delegate per item.</summary>
    [SuppressMessage("MultiAgg.Performance", "MAGG001", Justification = "The baseline: the repeated enumeration MultiAgg removes.")]
    public static (double Revenue, double Largest, int Orders, int Paid, double AverageQuantity) Linq(IEnumerable<Order> orders) =>
        (orders.Sum(o => o.Total),
         orders.Max(o => o.Total),
         orders.Count(),
         orders.Count(o => o.IsPaid),
         orders.Average(o => o.Quantity));

    /// <summary>One pass with LINQ's semantics (left-to-right double sum, NaN rules, checked counts).</summary>
    public static (double Revenue, double Largest, int Orders, int Paid, double AverageQuantity) HandWrittenLoop(IEnumerable<Order> orders)
    {
        double revenue = 0, largest = 0;
        int count = 0, paid = 0;
        long quantity = 0;
        foreach (Order order in orders)
        {
            revenue += order.Total;
            if (count == 0 || order.Total > largest || double.IsNaN(largest))
            {
                largest = order.Total;
            }

            count = checked(count + 1);
            if (order.IsPaid)
            {
                paid++;
            }

            quantity = checked(quantity + order.Quantity);
        }

        if (count == 0)
        {
            throw new InvalidOperationException("Sequence contains no elements");
        }

        return (revenue, largest, count, paid, (double)quantity / count);
    }

    [Aggregate(Sum, Max, Of = nameof(Order.Total))]
    [Aggregate(Count)]
    [Aggregate(Count, Where = nameof(Order.IsPaid))]
    [Aggregate(Average, Of = nameof(Order.Quantity))]
    public static partial (double Revenue, double Largest, int Orders, int Paid, double AverageQuantity) Generated(IEnumerable<Order> orders);
}

/// <summary>
/// The orders in a <c>List&lt;Order&gt;</c> seen as <c>IEnumerable&lt;Order&gt;</c>: LINQ may enumerate it
/// as often as it likes, so this measures five passes against one, not correctness.
/// </summary>
public class RecordsList
{
    private List<Order> _orders = [];

    [GlobalSetup]
    public void Setup()
    {
        _orders = OrderReport.CreateOrders();
        var expected = LinqFiveCalls();
        Check.Equal(expected, ZLinqFiveCalls());
        Check.Equal(expected, HandWrittenLoop());
        Check.Equal(expected, Generated());
    }

    private IEnumerable<Order> Source => _orders;

    /// <summary>ZLinq's value enumerable over the list itself: five passes without enumerator allocations, a delegate per item.</summary>
    [Benchmark]
    public (double Revenue, double Largest, int Orders, int Paid, double AverageQuantity) ZLinqFiveCalls()
    {
        var list = _orders.AsValueEnumerable();
        return (list.Sum(static o => o.Total), list.Max(static o => o.Total), list.Count(), list.Count(static o => o.IsPaid), list.Average(static o => o.Quantity));
    }

    [Benchmark(Baseline = true)]
    public (double Revenue, double Largest, int Orders, int Paid, double AverageQuantity) LinqFiveCalls() => OrderReport.Linq(Source);

    [Benchmark]
    public (double Revenue, double Largest, int Orders, int Paid, double AverageQuantity) HandWrittenLoop() => OrderReport.HandWrittenLoop(Source);

    [Benchmark]
    public (double Revenue, double Largest, int Orders, int Paid, double AverageQuantity) Generated() => OrderReport.Generated(Source);
}

/// <summary>
/// The same _orders from a one-shot iterator (a cursor): LINQ must buffer them first
/// (the seed's <c>max_and_sum_buffer</c>); a single pass reads the stream as it comes.
/// </summary>
public class RecordsIterator
{
    private List<Order> _orders = [];

    [GlobalSetup]
    public void Setup()
    {
        _orders = OrderReport.CreateOrders();
        var expected = OrderReport.Linq(_orders);
        Check.Equal(expected, BufferThenLinq());
        Check.Equal(expected, HandWrittenLoop());
        Check.Equal(expected, Generated());
    }

    [Benchmark(Baseline = true)]
    public (double Revenue, double Largest, int Orders, int Paid, double AverageQuantity) BufferThenLinq() =>
        OrderReport.Linq(OrderReport.Stream(_orders).ToList());

    [Benchmark]
    public (double Revenue, double Largest, int Orders, int Paid, double AverageQuantity) HandWrittenLoop() =>
        OrderReport.HandWrittenLoop(OrderReport.Stream(_orders));

    [Benchmark]
    public (double Revenue, double Largest, int Orders, int Paid, double AverageQuantity) Generated() =>
        OrderReport.Generated(OrderReport.Stream(_orders));
}
