using MultiAgg.CodeFixes;
using MultiAgg.Generators.Tests.Infrastructure;

namespace MultiAgg.Generators.Tests;

/// <summary>The MAGG001 code fixes, applied through a workspace and compared as whole documents.</summary>
public class CodeFixTests
{
    private const string Fuse = FuseAggregatesCodeFix.EquivalenceKey;
    private const string Materialize = MaterializeOnceCodeFix.EquivalenceKey;

    [Fact]
    public async Task Fuse_replaces_the_calls_with_one_generated_method()
    {
        var fixedSource = await CodeFixRunner.ApplyAsync("""
            using System.Collections.Generic;
            using System.Linq;

            public class Report
            {
                public string Describe(IEnumerable<int> readings)
                {
                    var total = readings.Sum();
                    var largest = readings.Max();
                    var count = readings.Count();
                    return $"{total} {largest} {count}";
                }
            }
            """, Fuse);

        Assert.Equal("""
            using System.Collections.Generic;
            using System.Linq;
            using MultiAgg;

            public partial class Report
            {
                public string Describe(IEnumerable<int> readings)
                {
                    var (total, largest, count) = SummarizeReadings(readings);
                    return $"{total} {largest} {count}";
                }

                [Aggregate(Agg.Sum, Agg.Max, Agg.Count)]
                private static partial (int Total, int Largest, int Count) SummarizeReadings(IEnumerable<int> readings);
            }
            """, fixedSource);
    }
}

public class CodeFixShapeTests
{
    private const string Fuse = FuseAggregatesCodeFix.EquivalenceKey;

    [Fact]
    public async Task Selectors_become_nameof_predicates_become_Where_and_other_lambdas_become_static_methods()
    {
        var fixedSource = await CodeFixRunner.ApplyAsync("""
            using System.Collections.Generic;
            using System.Linq;
            using MultiAgg;
            using static MultiAgg.Agg;

            public sealed record Order(decimal Total, int Quantity, bool IsPaid);

            public static class Sales
            {
                public static string Summarize(IEnumerable<Order> orders, decimal threshold)
                {
                    var revenue = orders.Sum(o => o.Total);
                    var largest = orders.Max(o => o.Total);
                    var paid = orders.Count(o => o.IsPaid);
                    var big = orders.Count(o => o.Total > threshold);
                    var units = orders.Sum(o => o.Quantity * 2);
                    return $"{revenue} {largest} {paid} {big} {units}";
                }
            }
            """, Fuse);

        Assert.Equal("""
            using System.Collections.Generic;
            using System.Linq;
            using MultiAgg;
            using static MultiAgg.Agg;

            public sealed record Order(decimal Total, int Quantity, bool IsPaid);

            public static partial class Sales
            {
                public static string Summarize(IEnumerable<Order> orders, decimal threshold)
                {
                    var (revenue, largest, paid, big, units) = SummarizeOrders(orders, threshold);
                    return $"{revenue} {largest} {paid} {big} {units}";
                }

                [Aggregate(Sum, Max, Of = nameof(Order.Total))]
                [Aggregate(Count, Where = nameof(Order.IsPaid))]
                [Aggregate(Count, Where = nameof(IsTotalAboveThreshold))]
                [Aggregate(Sum, Of = nameof(QuantityTimes2))]
                private static partial (decimal Revenue, decimal Largest, int Paid, int Big, int Units) SummarizeOrders(IEnumerable<Order> orders, decimal threshold);

                private static bool IsTotalAboveThreshold(Order o, decimal threshold) => o.Total > threshold;

                private static int QuantityTimes2(Order o) => o.Quantity * 2;
            }
            """, fixedSource);
    }

    [Fact]
    public async Task First_Any_All_MinBy_and_LastOrDefault_are_fused_with_Where_or_Of_as_LINQ_reads_their_lambdas()
    {
        var fixedSource = await CodeFixRunner.ApplyAsync("""
            using System.Collections.Generic;
            using System.Linq;
            using MultiAgg;
            using static MultiAgg.Agg;

            public sealed record Order(decimal Total, bool IsPaid);

            public static class Sales
            {
                public static string Profile(IEnumerable<Order> orders)
                {
                    var first = orders.First();
                    var anyPaid = orders.Any(o => o.IsPaid);
                    var allPaid = orders.All(o => o.IsPaid);
                    var cheapest = orders.MinBy(o => o.Total);
                    var lastBig = orders.LastOrDefault(o => o.Total > 100);
                    return $"{first} {anyPaid} {allPaid} {cheapest} {lastBig}";
                }
            }
            """, Fuse);

        Assert.Equal("""
            using System.Collections.Generic;
            using System.Linq;
            using MultiAgg;
            using static MultiAgg.Agg;

            public sealed record Order(decimal Total, bool IsPaid);

            public static partial class Sales
            {
                public static string Profile(IEnumerable<Order> orders)
                {
                    var (first, anyPaid, allPaid, cheapest, lastBig) = SummarizeOrders(orders);
                    return $"{first} {anyPaid} {allPaid} {cheapest} {lastBig}";
                }

                [Aggregate(First)]
                [Aggregate(Any, Where = nameof(Order.IsPaid))]
                [Aggregate(All, Of = nameof(Order.IsPaid))]
                [Aggregate(MinBy, Of = nameof(Order.Total))]
                [Aggregate(LastOrDefault, Where = nameof(IsTotalAbove100))]
                private static partial (Order First, bool AnyPaid, bool AllPaid, Order? Cheapest, Order? LastBig) SummarizeOrders(IEnumerable<Order> orders);

                private static bool IsTotalAbove100(Order o) => o.Total > 100;
            }
            """, fixedSource);

        // The generator implements the new method without a diagnostic or warning.
        TestCompiler.Run(TestCompiler.Compile(fixedSource)).AssertClean();
    }

    [Fact]
    public async Task Calls_inside_expressions_get_fresh_locals_and_nested_generic_types_become_partial()
    {
        var fixedSource = await CodeFixRunner.ApplyAsync("""
            using System.Collections.Generic;
            using System.Linq;

            namespace Shop;

            public class Outer
            {
                internal struct Stats<T>
                {
                    public double Mean(IEnumerable<int> values, T tag)
                    {
                        var mean = values.Sum() / (double)values.Count();
                        return mean;
                    }
                }
            }
            """, Fuse);

        Assert.Equal("""
            using System.Collections.Generic;
            using System.Linq;
            using MultiAgg;

            namespace Shop;

            public partial class Outer
            {
                internal partial struct Stats<T>
                {
                    public double Mean(IEnumerable<int> values, T tag)
                    {
                        var (sum, count) = SummarizeValues(values);
                        var mean = sum / (double)count;
                        return mean;
                    }

                    [Aggregate(Agg.Sum, Agg.Count)]
                    private static partial (int Sum, int Count) SummarizeValues(IEnumerable<int> values);
                }
            }
            """, fixedSource);
    }

    [Theory]
    [InlineData("captures this", "var a = xs.Sum(); var b = xs.Count(x => x > limit);")]
    [InlineData("call in a lambda", "var a = xs.Sum(); System.Func<int> f = () => xs.Max();")]
    [InlineData("call on one side of ?:", "var a = xs.Sum(); var b = a > 0 ? xs.Max() : 0;")]
    [InlineData("statement in between", "var a = xs.Sum(); Log(); var b = xs.Max();")]
    [InlineData("comparer overload", "var a = xs.Max(); var b = xs.Min(Comparer<int>.Default);")]
    public async Task Fuse_is_not_offered_when_it_would_change_behaviour(string name, string body)
    {
        _ = name;
        var project = CodeFixRunner.CreateProject($$"""
            using System.Collections.Generic;
            using System.Linq;

            public class C
            {
                private int limit = 3;

                public void M(IEnumerable<int> xs)
                {
                    {{body}}
                }

                private static void Log() { }
            }
            """);
        var actions = await CodeFixRunner.GetActionsAsync(project);
        Assert.DoesNotContain(actions, static a => a.EquivalenceKey == Fuse);
        Assert.Contains(actions, static a => a.EquivalenceKey == MaterializeOnceCodeFix.EquivalenceKey);
    }

    [Fact]
    public async Task The_bulk_fix_is_offered_first_then_Fuse_then_Materialize()
    {
        var project = CodeFixRunner.CreateProject("""
            using System.Collections.Generic;
            using System.Linq;

            public class C
            {
                public int M(IEnumerable<int> xs)
                {
                    var a = xs.Sum();
                    var b = xs.Max();
                    return a + b;
                }
            }
            """);
        var actions = await CodeFixRunner.GetActionsAsync(project);
        Assert.Equal(new[] { "Fuse where possible, else materialize", "Fuse into one pass", "Materialize once with ToList()" }, actions.Select(static a => a.Title));
    }
}

public class FuseElseMaterializeTests
{
    private const string Source = """
        using System.Collections.Generic;
        using System.Linq;

        public class C
        {
            public int Logs(IEnumerable<int> entries)
            {
                foreach (var entry in entries) System.Console.WriteLine(entry);
                return entries.Count();
            }

            public int Stats(IEnumerable<int> xs)
            {
                var a = xs.Sum();
                var b = xs.Max();
                return a + b;
            }
        }
        """;

    [Fact]
    public async Task On_one_diagnostic_it_materializes_what_cannot_be_fused_and_leaves_the_rest()
    {
        var fixedSource = await CodeFixRunner.ApplyAsync(Source, MultipleEnumerationFixAll.EquivalenceKey, index: 0);

        Assert.Contains("entries = entries.ToList();", fixedSource);
        Assert.Contains("var a = xs.Sum();", fixedSource);
        Assert.DoesNotContain("[Aggregate", fixedSource);
    }

    [Fact]
    public async Task On_one_diagnostic_it_fuses_what_can_be_fused_and_leaves_the_rest()
    {
        var fixedSource = await CodeFixRunner.ApplyAsync(Source, MultipleEnumerationFixAll.EquivalenceKey, index: 1);

        Assert.Contains("var (a, b) = SummarizeXs(xs);", fixedSource);
        Assert.Contains("foreach (var entry in entries)", fixedSource);
        Assert.DoesNotContain("ToList()", fixedSource);
    }
}

public class MaterializeTests
{
    private const string Materialize = MaterializeOnceCodeFix.EquivalenceKey;

    [Fact]
    public async Task Local_initializer_gets_ToList()
    {
        var fixedSource = await CodeFixRunner.ApplyAsync("""
            using System.Collections.Generic;
            using System.Linq;

            public class C
            {
                public void M(IEnumerable<int> source)
                {
                    var evens = source.Where(x => x % 2 == 0);
                    foreach (var e in evens) System.Console.WriteLine(e);
                    System.Console.WriteLine(evens.Count());
                }
            }
            """, Materialize);

        Assert.Equal("""
            using System.Collections.Generic;
            using System.Linq;

            public class C
            {
                public void M(IEnumerable<int> source)
                {
                    var evens = source.Where(x => x % 2 == 0).ToList();
                    foreach (var e in evens) System.Console.WriteLine(e);
                    System.Console.WriteLine(evens.Count());
                }
            }
            """, fixedSource);
    }

    [Fact]
    public async Task Parameter_is_reassigned_first_and_indexing_uses_ToArray()
    {
        var fixedSource = await CodeFixRunner.ApplyAsync("""
            using System.Collections.Generic;
            using System.Linq;

            public class C
            {
                public int M(IEnumerable<int> xs) => xs.ElementAt(1) + xs.Count();
            }
            """, Materialize);

        Assert.Equal("""
            using System.Collections.Generic;
            using System.Linq;

            public class C
            {
                public int M(IEnumerable<int> xs)
                {
                    xs = xs.ToArray();
                    return xs.ElementAt(1) + xs.Count();
                }
            }
            """, fixedSource);
    }

    [Fact]
    public async Task Parameter_in_a_block_body_adds_System_Linq_when_missing()
    {
        var fixedSource = await CodeFixRunner.ApplyAsync("""
            using System.Collections.Generic;

            public class C
            {
                public int M(IEnumerable<int> xs)
                {
                    var n = 0;
                    foreach (var x in xs) n += x;
                    foreach (var x in xs) n -= x;
                    return n;
                }
            }
            """, Materialize);

        Assert.Equal("""
            using System.Collections.Generic;
            using System.Linq;

            public class C
            {
                public int M(IEnumerable<int> xs)
                {
                    xs = xs.ToList();
                    var n = 0;
                    foreach (var x in xs) n += x;
                    foreach (var x in xs) n -= x;
                    return n;
                }
            }
            """, fixedSource);
    }
}

public class CodeFixNamingTests
{
    private const string Invoices = """
        using System.Collections.Generic;
        using System.Linq;

        public sealed record Line(decimal Price, int Quantity);
        public sealed record Invoice(decimal Amount, int DaysLate, bool IsPaid, List<Line> Lines, List<string> Tags);

        public static class Billing
        {
            public static string Overdue(IEnumerable<Invoice> invoices)
            {
                var late = invoices.Count(i => i.DaysLate > 0);
                var total = invoices.Sum(i => i.Amount);
                return $"{late} {total}";
            }

            public static string Lines(IEnumerable<Invoice> invoices)
            {
                var late = invoices.Count(i => i.DaysLate > 0);
                var value = invoices.Sum(i => i.Lines.Select(l => l.Price * l.Quantity).Sum());
                var urgent = invoices.Count(i => i.Tags.Contains("urgent"));
                return $"{late} {value} {urgent}";
            }

            public static string Paid(IEnumerable<Invoice> invoices)
            {
                var paid = invoices.Where(i => i.IsPaid);
                var amount = paid.Sum(i => i.Amount);
                var largest = paid.Max(i => i.Amount);
                return $"{amount} {largest}";
            }
        }
        """;

    [Fact]
    public async Task Names_say_what_is_computed_and_identical_helpers_are_shared()
    {
        var project = CodeFixRunner.CreateProject(Invoices);
        var fixedSource = Assert.Single(await CodeFixRunner.FormatAsync(project, 0));

        // Helpers named after what they compute (predicates as questions, else the members they
        // read), the second IsDaysLateAbove0 reused, not copied; the second method summarizing
        // `invoices` named after its results, not SummarizeInvoices2; `paid` (a `var`, so
        // declared nullable) passed as the non-null value it is.
        Assert.Equal("""
            using System.Collections.Generic;
            using System.Linq;
            using MultiAgg;

            public sealed record Line(decimal Price, int Quantity);
            public sealed record Invoice(decimal Amount, int DaysLate, bool IsPaid, List<Line> Lines, List<string> Tags);

            public static partial class Billing
            {
                public static string Overdue(IEnumerable<Invoice> invoices)
                {
                    var (late, total) = SummarizeInvoices(invoices);
                    return $"{late} {total}";
                }

                [Aggregate(Agg.Count, Where = nameof(IsDaysLateAbove0))]
                [Aggregate(Agg.Sum, Of = nameof(Invoice.Amount))]
                private static partial (int Late, decimal Total) SummarizeInvoices(IEnumerable<Invoice> invoices);

                private static bool IsDaysLateAbove0(Invoice i) => i.DaysLate > 0;

                public static string Lines(IEnumerable<Invoice> invoices)
                {
                    var (late, value, urgent) = LateValueAndUrgentOfInvoices(invoices);
                    return $"{late} {value} {urgent}";
                }

                [Aggregate(Agg.Count, Where = nameof(IsDaysLateAbove0))]
                [Aggregate(Agg.Sum, Of = nameof(LinesPriceQuantity))]
                [Aggregate(Agg.Count, Where = nameof(MatchesTags))]
                private static partial (int Late, decimal Value, int Urgent) LateValueAndUrgentOfInvoices(IEnumerable<Invoice> invoices);

                private static decimal LinesPriceQuantity(Invoice i) => i.Lines.Select(l => l.Price * l.Quantity).Sum();

                private static bool MatchesTags(Invoice i) => i.Tags.Contains("urgent");

                public static string Paid(IEnumerable<Invoice> invoices)
                {
                    var paid = invoices.Where(i => i.IsPaid);
                    var (amount, largest) = SummarizePaid(paid);
                    return $"{amount} {largest}";
                }

                [Aggregate(Agg.Sum, Agg.Max, Of = nameof(Invoice.Amount))]
                private static partial (decimal Amount, decimal Largest) SummarizePaid(IEnumerable<Invoice> paid);
            }
            """, fixedSource);
        TestCompiler.Run(TestCompiler.Compile(fixedSource)).AssertClean();
    }
}
