using System.Reflection;
using System.Runtime.CompilerServices;
using MultiAgg.Generators.Tests.Infrastructure;

namespace MultiAgg.Generators.Tests;

/// <summary>First/Last(OrDefault), Any/All against System.Linq, and the early exit that stops reading the source.</summary>
public class PickAndPredicateTests
{
    private const string Source = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using MultiAgg;
        using static MultiAgg.Agg;

        public sealed record Order(int Id, string? Note, bool Paid, int Quantity);

        /// <summary>Counts how many elements the consumer pulled.</summary>
        public sealed class Counted
        {
            public int Pulled;
            public IEnumerable<Order> Over(IEnumerable<Order> orders)
            {
                foreach (var order in orders)
                {
                    Pulled++;
                    yield return order;
                }
            }
        }

        /// <summary>Done once it has seen three paid orders.</summary>
        public struct ThreePaid : IAccumulator<bool, int>, ICompletableAccumulator
        {
            private int _paid;
            public void Add(bool paid) { if (paid) _paid++; }
            public readonly int Result => _paid;
            public readonly bool IsComplete => _paid >= 3;
        }

        public static partial class Q
        {
            [Aggregate(typeof(ThreePaid), Of = nameof(Order.Paid))]
            [Aggregate(Any, Of = nameof(Order.Paid))]
            public static partial (int Paid, bool Any) UpToThreePaid(IEnumerable<Order> orders);

            [Aggregate(First, FirstOrDefault, Last, LastOrDefault, Of = nameof(Order.Note))]
            [Aggregate(First, Last, Of = nameof(Order.Quantity), Where = nameof(Order.Paid))]
            [Aggregate(FirstOrDefault, LastOrDefault, Of = nameof(Order.Quantity), Where = nameof(Order.Paid))]
            [Aggregate(Any, All, Of = nameof(Order.Paid))]
            [Aggregate(Any, Where = nameof(Order.Paid))]
            public static partial (string? F, string? FD, string? L, string? LD, int PF, int PL, int? PFD, long PLD, bool AnyPaid, bool AllPaid, bool HasPaid)
                Picks(IEnumerable<Order> orders);

            public static object Linq(IEnumerable<Order> source)
            {
                var orders = source.ToList();
                var paid = orders.Where(o => o.Paid).Select(o => o.Quantity).ToList();
                (string?, string?, string?, string?, int, int, int?, long, bool, bool, bool) result = (
                    orders.Select(o => o.Note).First(), orders.Select(o => o.Note).FirstOrDefault(),
                    orders.Select(o => o.Note).Last(), orders.Select(o => o.Note).LastOrDefault(),
                    paid.First(), paid.Last(),
                    paid.Select(q => (int?)q).FirstOrDefault(), paid.Select(q => (long)q).LastOrDefault(),
                    orders.Any(o => o.Paid), orders.All(o => o.Paid), orders.Where(o => o.Paid).Any());
                return result;
            }

            [Aggregate(FirstOrDefault, LastOrDefault, Of = nameof(Order.Note))]
            [Aggregate(FirstOrDefault, Of = nameof(Order.Quantity), Where = nameof(Order.Paid))]
            [Aggregate(Any, All, Of = nameof(Order.Paid))]
            [Aggregate(Any)]
            public static partial (string? FD, string? LD, int PFD, bool AnyPaid, bool AllPaid, bool Any) Defaults(List<Order> orders);

            public static object LinqDefaults(List<Order> orders)
            {
                (string?, string?, int, bool, bool, bool) result = (
                    orders.Select(o => o.Note).FirstOrDefault(), orders.Select(o => o.Note).LastOrDefault(),
                    orders.Where(o => o.Paid).Select(o => o.Quantity).FirstOrDefault(),
                    orders.Any(o => o.Paid), orders.All(o => o.Paid), orders.Any());
                return result;
            }

            [Aggregate(Any, Of = nameof(Order.Paid))]
            public static partial bool AnyPaid(IEnumerable<Order> orders);

            [Aggregate(First, Where = nameof(Order.Paid))]
            [Aggregate(All, Of = nameof(Order.Paid))]
            public static partial (Order FirstPaid, bool AllPaid) FirstPaidAndAll(IEnumerable<Order> orders);

            [Aggregate(First)]
            [Aggregate(Count)]
            public static partial (Order, int) FirstAndCount(IEnumerable<Order> orders);
        }
        """;

    [Fact]
    public void PicksAndPredicatesEqualLinq()
    {
        var q = Load(out var assembly);
        var order = assembly.GetType("Order")!;
        var rng = new Random(8);
        foreach (var count in new[] { 0, 1, 2, 5, 40 })
        {
            foreach (var paidShare in new[] { 0, 1, 2 })
            {
                var orders = Orders(order, count, i => paidShare switch { 0 => false, 1 => i % 3 == 1, _ => true }, rng);
                Assert.Equal(Outcome.Of(q, "LinqDefaults", orders), Outcome.Of(q, "Defaults", orders));
                Assert.Equal(Outcome.Of(q, "Linq", orders), Outcome.Of(q, "Picks", orders));
            }
        }
    }

    [Fact]
    public void TheLoopStopsReadingOnceEveryAggregateIsDecided()
    {
        var q = Load(out var assembly);
        var order = assembly.GetType("Order")!;
        var orders = Orders(order, 1_000_000, i => i == 1234, new Random(1));

        Assert.Equal(true, Pulled(assembly, q, "AnyPaid", orders, out var pulled));
        Assert.Equal(1235, pulled);                                        // up to the first paid order

        var firstAndAll = (ITuple)Pulled(assembly, q, "FirstPaidAndAll", orders, out pulled);
        Assert.False((bool)firstAndAll[1]!);
        Assert.Equal(1235, pulled);                                        // All was decided at the first order

        var threePaid = Orders(order, 1_000, i => i % 10 == 9, new Random(2));
        Assert.Equal(3, ((ITuple)Pulled(assembly, q, "UpToThreePaid", threePaid, out pulled))[0]);
        Assert.Equal(30, pulled);                                          // an ICompletableAccumulator takes part

        Pulled(assembly, q, "FirstAndCount", orders, out pulled);
        Assert.Equal(1_000_000, pulled);                                   // Count needs every element
    }

    private static Type Load(out Assembly assembly)
    {
        assembly = TestCompiler.Load(TestCompiler.Run(Source).AssertClean().Output);
        return assembly.GetType("Q")!;
    }

    private static System.Collections.IList Orders(Type order, int count, Func<int, bool> paid, Random rng)
    {
        var list = (System.Collections.IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(order))!;
        for (var i = 0; i < count; i++)
        {
            string? note = i % 4 == 0 ? null : "n" + rng.Next(100);
            list.Add(Activator.CreateInstance(order, i, note, paid(i), rng.Next(1, 50)));
        }

        return list;
    }

    private static object Pulled(Assembly assembly, Type q, string method, object orders, out int pulled)
    {
        var counter = Activator.CreateInstance(assembly.GetType("Counted")!)!;
        var stream = counter.GetType().GetMethod("Over")!.Invoke(counter, new[] { orders })!;
        var result = q.GetMethod(method)!.Invoke(null, new[] { stream })!;
        pulled = (int)counter.GetType().GetField("Pulled")!.GetValue(counter)!;
        return result;
    }
}
