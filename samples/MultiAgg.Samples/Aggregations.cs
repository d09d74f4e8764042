using MultiAgg;
using static MultiAgg.Agg;

namespace MultiAgg.Samples;

public sealed record Order(int Id, string Region, decimal Total, int Quantity, bool IsPaid, decimal? Discount)
{
    public double TotalAsDouble => (double)Total;
}

public sealed record OrderSummary(decimal Revenue, decimal Largest, int Orders, int Paid, double AverageQuantity, decimal? BestDiscount);

/// <summary>
/// Summarize's aggregates as a state that orders are pushed into one at a time (an observable, a
/// channel, a shard of its own): the generator writes its fields, Add, Result and Merge. Its default
/// is the empty state, and its Result is what Summarize returns for the same orders.
/// </summary>
[Aggregate(Sum, Max, Of = nameof(Order.Total))]
[Aggregate(Count)]
[Aggregate(Count, Where = nameof(Order.IsPaid))]
[Aggregate(Average, Of = nameof(Order.Quantity))]
[Aggregate(Max, Of = nameof(Order.Discount))]
public partial struct OrderStats : IMergeableAccumulator<OrderStats, Order, OrderSummary> { }

/// <summary>Every method here is implemented by the MultiAgg generator as one loop.</summary>
public static partial class Aggregations
{
    // Five aggregates over a stream that can be read only once.
    [Aggregate(Sum, Max, Of = nameof(Order.Total))]
    [Aggregate(Count)]
    [Aggregate(Count, Where = nameof(Order.IsPaid))]
    [Aggregate(Average, Of = nameof(Order.Quantity))]
    [Aggregate(Max, Of = nameof(Order.Discount))]
    public static partial OrderSummary Summarize(IEnumerable<Order> orders);

    // A sensor array: nullable results mean "null when there is no reading" instead of an exception.
    [Aggregate(Count, Min, Max, Average)]
    public static partial (int Readings, double? Low, double? High, double? Mean) Describe(ReadOnlySpan<double> celsius);

    // An async source, honouring cancellation.
    [Aggregate(LongCount, Sum, Max)]
    public static partial Task<(long Count, long TotalBytes, int Largest)> MeasureAsync(IAsyncEnumerable<int> packetSizes, CancellationToken cancellationToken);

    // Per region, in one pass: the dictionary LINQ's GroupBy + ToDictionary would build, with the
    // order of the largest total and the median total (a P² streaming estimate) beside the sums.
    [GroupBy(nameof(Order.Region))]
    [Aggregate(Sum, Of = nameof(Order.Total))]
    [Aggregate(Count, Where = nameof(Order.IsPaid))]
    [Aggregate(MaxBy, Of = nameof(Order.Total))]
    [Aggregate(typeof(Accumulators.P2Median), Of = nameof(Order.TotalAsDouble))]
    public static partial Dictionary<string, (decimal Revenue, int Paid, Order Largest, double MedianTotal)> ByRegion(IEnumerable<Order> orders);

    // The classic: five statistics of one stream, for the comparison with LINQ.
    [Aggregate(Count, Sum, Min, Max, Average)]
    public static partial (int Count, double Sum, double Min, double Max, double Average) Profile(IEnumerable<double> signal);
}
