using System.Reflection;
using System.Runtime.CompilerServices;
using MultiAgg.Generators.Tests.Infrastructure;

namespace MultiAgg.Generators.Tests;

/// <summary><c>[Aggregate(typeof(TAccumulator))]</c>: user-defined aggregates in the same fused loop.</summary>
public class CustomAccumulatorTests
{
    private const string Source = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading.Tasks;
        using MultiAgg;
        using MultiAgg.Accumulators;
        using static MultiAgg.Agg;

        public sealed record Order(double Total, int? Quantity, bool IsPaid);

        /// <summary>Takes nulls: counts them.</summary>
        public struct NullCounter : IAccumulator<int?, int>
        {
            private int _nulls;
            public void Add(int? value) { if (value is null) _nulls++; }
            public readonly int Result => _nulls;
        }

        /// <summary>Takes non-null ints only: remembers the order it saw them in.</summary>
        public sealed class Trail : IAccumulator<int, string>
        {
            private readonly List<int> _seen = new();
            public void Add(int value) => _seen.Add(value);
            public string Result => string.Join(",", _seen);
        }

        public static partial class Reports
        {
            [Aggregate(typeof(KahanNeumaierSum), Of = nameof(Order.Total))]
            [Aggregate(Sum, Count, Of = nameof(Order.Total))]
            [Aggregate(typeof(KahanNeumaierSum), Of = nameof(Order.Total), Where = nameof(Order.IsPaid))]
            [Aggregate(typeof(P2Median), Of = nameof(Order.Total))]
            [Aggregate(typeof(NullCounter), Of = nameof(Order.Quantity))]
            [Aggregate(typeof(Trail), Of = nameof(Order.Quantity))]
            public static partial (double Compensated, double Plain, int Count, double PaidCompensated, double Median, int NullQuantities, string Quantities)
                Summarize(IEnumerable<Order> orders);

            [Aggregate(typeof(KahanNeumaierSum))]
            public static partial double Compensated(double[] values);

            [Aggregate(typeof(NullCounter), Of = nameof(Order.Quantity))]
            [Aggregate(Max, Of = nameof(Order.Total))]
            public static partial Task<(int Nulls, double? Max)> SummarizeAsync(IAsyncEnumerable<Order> orders);

            public static (double, double, int, double, double, int, string) ByHand(IEnumerable<Order> orders)
            {
                var list = orders.ToList();
                var compensated = new KahanNeumaierSum();
                var paid = new KahanNeumaierSum();
                var median = new P2Median();
                foreach (var o in list)
                {
                    compensated.Add(o.Total);
                    if (o.IsPaid) paid.Add(o.Total);
                    median.Add(o.Total);
                }

                return (compensated.Result, list.Sum(o => o.Total), list.Count, paid.Result, median.Result,
                    list.Count(o => o.Quantity is null), string.Join(",", list.Where(o => o.Quantity is not null).Select(o => o.Quantity!.Value)));
            }

            public static async IAsyncEnumerable<Order> Stream(IEnumerable<Order> orders)
            {
                foreach (var order in orders)
                {
                    await Task.Yield();
                    yield return order;
                }
            }

            public static long CompensatedBytes(double[] values)
            {
                Compensated(values);
                var before = GC.GetAllocatedBytesForCurrentThread();
                Compensated(values);
                return GC.GetAllocatedBytesForCurrentThread() - before;
            }
        }
        """;

    [Fact]
    public void UserAccumulatorsRunInTheFusedLoopAndEqualTheSameAccumulatorsRunByHand()
    {
        var result = TestCompiler.Run(Source).AssertClean();
        var reports = TestCompiler.Load(result.Output).GetType("Reports")!;
        var order = reports.Assembly.GetType("Order")!;

        var rng = new Random(3);
        foreach (var count in new[] { 0, 1, 4, 7, 500 })
        {
            var orders = Array.CreateInstance(order, count);
            for (var i = 0; i < count; i++)
            {
                var total = i % 50 == 7 ? 1e16 : Math.Round(rng.NextDouble() * 1000, 2);
                int? quantity = i % 3 == 0 ? null : rng.Next(1, 9);
                orders.SetValue(Activator.CreateInstance(order, total, quantity, i % 2 == 0), i);
            }

            var expected = (ITuple)Invoke(reports, "ByHand", orders);
            var actual = (ITuple)Invoke(reports, "Summarize", orders);
            for (var i = 0; i < expected.Length; i++)
            {
                Assert.Equal(expected[i], actual[i]);
            }

            var stream = Invoke(reports, "Stream", orders);
            var fromAsync = (ITuple)((dynamic)Invoke(reports, "SummarizeAsync", stream)).GetAwaiter().GetResult();
            Assert.Equal(expected[5], fromAsync[0]);
        }

        Assert.Equal(0L, Invoke(reports, "CompensatedBytes", new[] { 1e100, 1.0, -1e100 }));
        Assert.Equal(1.0, Invoke(reports, "Compensated", new[] { 1e100, 1.0, -1e100 }));
    }

    [Fact]
    public void TheAccumulatorIsALocalOfItsOwnTypeCalledDirectly()
    {
        var code = string.Join("\n", TestCompiler.Run(Source).AssertClean().Sources.Select(static s => s.SourceText.ToString()));

        Assert.Contains("global::MultiAgg.Accumulators.KahanNeumaierSum __custom0 = new global::MultiAgg.Accumulators.KahanNeumaierSum();", code);
        Assert.Contains("__custom0.Add(", code);
        Assert.Contains("double __result0 = __custom0.Result;", code);
        Assert.Contains("// [Aggregate(typeof(NullCounter), Of = \"Quantity\")]", code);
        Assert.DoesNotContain("Func<", code);
    }

    /// <summary>
    /// A derived accumulator that overrides the base's Result (virtual or abstract) is still called through it: the
    /// lookup by name finds the override, which is the implementation (not a member hiding it, MAGG116).
    /// </summary>
    [Fact]
    public void AnAccumulatorWhoseResultADerivedClassOverridesRuns()
    {
        var result = TestCompiler.Run("""
            using System.Collections.Generic;
            using MultiAgg;

            public abstract class Tally : IAccumulator<int, long>
            {
                protected long Total;
                public void Add(int value) => Total += value;
                public abstract long Result { get; }
            }

            public class Doubled : Tally { public override long Result => 2 * Total; }
            public sealed class Tripled : Doubled { public override long Result => 3 * Total; }

            public static partial class Reports
            {
                [Aggregate(typeof(Doubled))] public static partial long TwiceTheTotal(int[] values);
                [Aggregate(typeof(Tripled))] public static partial long ThriceTheTotal(int[] values);
            }
            """).AssertClean();

        var reports = TestCompiler.Load(result.Output).GetType("Reports")!;
        Assert.Equal(12L, Invoke(reports, "TwiceTheTotal", new[] { 1, 2, 3 }));
        Assert.Equal(18L, Invoke(reports, "ThriceTheTotal", new[] { 1, 2, 3 }));
    }

    private static object Invoke(Type type, string name, object argument) =>
        type.GetMethod(name)!.Invoke(null, new[] { argument })!;
}
