// Compiled into every consumer, from .NET Framework 4.7.2 to net10.0: C# 7.3 syntax apart from the [Aggregate]
// partial methods themselves, so that the C# 7.3 variant fails only on those (MAGG110, CS8370, CS8795).
using System.Collections.Generic;
using MultiAgg;
using static MultiAgg.Agg;

namespace PackageConsumer
{
    public sealed class Order
    {
        public Order(decimal total, int quantity, bool isPaid)
        {
            Total = total;
            Quantity = quantity;
            IsPaid = isPaid;
        }

        public decimal Total { get; }

        public int Quantity { get; }

        public bool IsPaid { get; }
    }

    public static partial class Stats
    {
        [Aggregate(Sum, Max, Count)]
        public static partial (long Sum, int Max, int Count) Of(IEnumerable<int> values);

        [Aggregate(Sum, Of = nameof(Order.Total))]
        [Aggregate(Count, Where = nameof(Order.IsPaid))]
        [Aggregate(Average, Of = nameof(Order.Quantity))]
        public static partial (decimal Revenue, int Paid, double? AverageQuantity) Summarize(IEnumerable<Order> orders);

        [Aggregate(Min, Max, Average)]
        public static partial (double? Low, double? High, double? Mean) Describe(double[] readings);
    }
}
