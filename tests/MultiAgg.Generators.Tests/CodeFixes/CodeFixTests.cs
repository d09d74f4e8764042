using Microsoft.CodeAnalysis;
using MultiAgg.CodeFixes;
using MultiAgg.Generators.Tests.Infrastructure;

namespace MultiAgg.Generators.Tests;

/// <summary>
/// The MAGG001 code fixes, verified through <see cref="CodeFixVerifier"/> (Microsoft.CodeAnalysis.Testing): markup for
/// what is reported, the whole fixed document, Fix All in every scope, and fixed code that compiles with the generator.
/// </summary>
public class CodeFixTests
{
    private const string Fuse = FuseAggregatesCodeFix.EquivalenceKey;
    private const string Materialize = MaterializeOnceCodeFix.EquivalenceKey;

    [Fact]
    public async Task FuseReplacesTheCallsWithOneGeneratedMethod()
    {
        const string testCode = """
            using System.Collections.Generic;
            using System.Linq;

            public class Report
            {
                public string Describe(IEnumerable<int> readings)
                {
                    var total = readings.Sum();
                    var largest = {|MAGG001:readings|}.Max();
                    var count = {|MAGG001:readings|}.Count();
                    return $"{total} {largest} {count}";
                }
            }
            """;
        const string fixedSource = """
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
            """;

        await CodeFixVerifier.VerifyAsync(testCode, fixedSource, Fuse);
    }

    /// <summary>
    /// Calls in an expression body (a method's, a void method's, a local function's) have no statement to put the fused
    /// call before: the body becomes a block, the expression its return (or its statement), a comment after the arrow
    /// above it.
    /// </summary>
    [Fact]
    public async Task FuseMakesAnExpressionBodyABlock()
    {
        const string testCode = """
            using System;
            using System.Collections.Generic;
            using System.Linq;

            public class Report
            {
                public int Spread(IEnumerable<int> readings) => // the spread
                    readings.Max() - {|MAGG001:readings|}.Min();

                public void Print(IEnumerable<int> readings) => Console.WriteLine(readings.Sum() + {|MAGG001:readings|}.Count());

                public int Outer(IEnumerable<int> ys)
                {
                    return Local(ys);

                    static int Local(IEnumerable<int> zs) => zs.Max() + {|MAGG001:zs|}.Min();
                }
            }
            """;
        const string fixedSource = """
            using System;
            using System.Collections.Generic;
            using System.Linq;
            using MultiAgg;

            public partial class Report
            {
                public int Spread(IEnumerable<int> readings)
                {
                    var (max, min) = SummarizeReadings(readings);
                    // the spread
                    return max - min;
                }

                [Aggregate(Agg.Max, Agg.Min)]
                private static partial (int Max, int Min) SummarizeReadings(IEnumerable<int> readings);

                public void Print(IEnumerable<int> readings)
                {
                    var (sum, count) = SumAndCountOfReadings(readings);
                    Console.WriteLine(sum + count);
                }

                [Aggregate(Agg.Sum, Agg.Count)]
                private static partial (int Sum, int Count) SumAndCountOfReadings(IEnumerable<int> readings);

                public int Outer(IEnumerable<int> ys)
                {
                    return Local(ys);

                    static int Local(IEnumerable<int> zs)
                    {
                        var (max, min) = SummarizeZs(zs);
                        return max + min;
                    }
                }

                [Aggregate(Agg.Max, Agg.Min)]
                private static partial (int Max, int Min) SummarizeZs(IEnumerable<int> zs);
            }
            """;

        await CodeFixVerifier.VerifyAsync(testCode, fixedSource, Fuse);
        await CodeFixVerifier.VerifyAsync(testCode, fixedSource, MultipleEnumerationFixAll.EquivalenceKey);
    }

    /// <summary>
    /// An expression body whose calls do not all run (a <c>?:</c> branch) is not fused, block or not, and is left as it
    /// was: "Fuse where possible, else materialize" buffers the sequence instead.
    /// </summary>
    [Fact]
    public async Task FuseIsNotOfferedInAnExpressionBodyWhoseCallsMayNotRun()
    {
        const string testCode = """
            using System.Collections.Generic;
            using System.Linq;

            public class Report
            {
                public int Pick(IEnumerable<int> readings) => readings.Count() > 1 ? {|MAGG001:readings|}.Max() : {|MAGG001:readings|}.Min();
            }
            """;
        var project = CodeFixRunner.CreateProject(Markup.Parse(testCode).Source);
        var actions = await CodeFixRunner.GetActionsAsync(project);
        Assert.DoesNotContain(actions, static action => action.EquivalenceKey == Fuse);
        Assert.Contains(actions, static action => action.EquivalenceKey == Materialize);
    }

    /// <summary>
    /// An expression body behind an <c>#if</c> (its <c>#else</c> and <c>#endif</c> after the member) cannot become a block
    /// without breaking the directives: no fix is offered, Fuse nor Materialize (the first left an orphaned #else).
    /// </summary>
    [Fact]
    public async Task NoFixMakesABlockOfAnExpressionBodyBehindADirective()
    {
        var project = CodeFixRunner.CreateProject("""
            using System.Collections.Generic;
            using System.Linq;

            public class Report
            {
                public int Spread(IEnumerable<int> xs) =>
            #if DEBUG
                    xs.Max() - xs.Min();
            #else
                    xs.Max() + xs.Min();
            #endif
            }
            """);

        Assert.Equal("MAGG001", (await CodeFixRunner.GetDiagnosticsAsync(project))[0].Id);
        Assert.Empty(await CodeFixRunner.GetActionsAsync(project));
    }

    /// <summary>
    /// Two runs in one member, fused one after the other (or by Fix All): the new methods come in the order of the runs,
    /// each below the ones fused before it (the second went right after the member, above the first).
    /// </summary>
    [Fact]
    public async Task TwoFusionsInOneMemberKeepTheOrderOfTheirRuns()
    {
        const string testCode = """
            using System;
            using System.Collections.Generic;
            using System.Linq;

            public class Report
            {
                public int M(IEnumerable<int> xs, IEnumerable<int> ys)
                {
                    var a = xs.Max();
                    var b = {|MAGG001:xs|}.Min();
                    Console.WriteLine();
                    var c = ys.Max();
                    var d = {|MAGG001:ys|}.Min();
                    return a + b + c + d;
                }

                public void N() { }
            }
            """;
        const string fixedSource = """
            using System;
            using System.Collections.Generic;
            using System.Linq;
            using MultiAgg;

            public partial class Report
            {
                public int M(IEnumerable<int> xs, IEnumerable<int> ys)
                {
                    var (a, b) = SummarizeXs(xs);
                    Console.WriteLine();
                    var (c, d) = SummarizeYs(ys);
                    return a + b + c + d;
                }

                [Aggregate(Agg.Max, Agg.Min)]
                private static partial (int A, int B) SummarizeXs(IEnumerable<int> xs);

                [Aggregate(Agg.Max, Agg.Min)]
                private static partial (int C, int D) SummarizeYs(IEnumerable<int> ys);

                public void N() { }
            }
            """;

        await CodeFixVerifier.VerifyAsync(testCode, fixedSource, Fuse);
    }

    /// <summary>
    /// The same where a type of the user's own is called <c>Agg</c>, so the fix writes the attribute qualified
    /// (<c>[MultiAgg.Aggregate(...)]</c> once simplified): the earlier fusion's method is still found as one.
    /// </summary>
    [Fact]
    public async Task TwoFusionsKeepTheOrderOfTheirRunsWhereTheAttributeIsWrittenInFull()
    {
        var project = CodeFixRunner.CreateProject("""
            using System;
            using System.Collections.Generic;
            using System.Linq;

            public class Agg { }

            public class Report
            {
                public int M(IEnumerable<int> xs, IEnumerable<int> ys)
                {
                    var a = xs.Max();
                    var b = xs.Min();
                    Console.WriteLine();
                    var c = ys.Max();
                    var d = ys.Min();
                    return a + b + c + d;
                }
            }
            """);

        var fixedSource = (await CodeFixRunner.FixAllAsync(project, Fuse))[0];
        Assert.True(fixedSource.Contains("[MultiAgg.Aggregate(", StringComparison.Ordinal), fixedSource);
        Assert.True(fixedSource.IndexOf(" SummarizeXs(IEnumerable<int> xs);", StringComparison.Ordinal) < fixedSource.IndexOf(" SummarizeYs(IEnumerable<int> ys);", StringComparison.Ordinal), fixedSource);
    }

    [Fact]
    public async Task TheNewStatementGoesBelowTheDirectivesBeforeTheStatementItPrecedes()
    {
        // The #endif belongs to the return statement's leading trivia: written above it, the deconstruction would be
        // inside #if DEBUG, and a Release build would not find its locals.
        const string testCode = """
            using System.Collections.Generic;
            using System.Linq;

            public class Report
            {
                public int Describe(IEnumerable<int> readings)
                {
            #if DEBUG
                    System.Console.WriteLine("debug");
            #endif
                    // the spread
                    return readings.Max() - {|MAGG001:readings|}.Min();
                }
            }
            """;
        const string fixedSource = """
            using System.Collections.Generic;
            using System.Linq;
            using MultiAgg;

            public partial class Report
            {
                public int Describe(IEnumerable<int> readings)
                {
            #if DEBUG
                    System.Console.WriteLine("debug");
            #endif
                    var (max, min) = SummarizeReadings(readings);
                    // the spread
                    return max - min;
                }

                [Aggregate(Agg.Max, Agg.Min)]
                private static partial (int Max, int Min) SummarizeReadings(IEnumerable<int> readings);
            }
            """;

        await CodeFixVerifier.VerifyAsync(testCode, fixedSource, Fuse);
    }

    /// <summary>
    /// A file that keeps its usings inside its namespace (StyleCop's SA1200 default) gets the new one there too: one at
    /// the top of the file was a new SA1200 warning, an error under TreatWarningsAsErrors.
    /// </summary>
    [Fact]
    public async Task TheNewUsingGoesInsideTheNamespaceWhereTheFileKeepsItsUsings()
    {
        const string testCode = """
            namespace Reports
            {
                using System.Collections.Generic;
                using System.Linq;

                public class Report
                {
                    public int Spread(IEnumerable<int> readings)
                    {
                        return readings.Max() - {|MAGG001:readings|}.Min();
                    }
                }
            }
            """;
        const string fixedSource = """
            namespace Reports
            {
                using System.Collections.Generic;
                using System.Linq;
                using MultiAgg;

                public partial class Report
                {
                    public int Spread(IEnumerable<int> readings)
                    {
                        var (max, min) = SummarizeReadings(readings);
                        return max - min;
                    }

                    [Aggregate(Agg.Max, Agg.Min)]
                    private static partial (int Max, int Min) SummarizeReadings(IEnumerable<int> readings);
                }
            }
            """;

        await CodeFixVerifier.VerifyAsync(testCode, fixedSource, Fuse);
    }

    [Fact]
    public async Task FuseWritesTheAttributeInFullWhereTheUsersOwnTypeHasItsName()
    {
        // The user's AggregateAttribute, in the enclosing namespace, would win over `using MultiAgg;`: the method would
        // carry the wrong attribute and never be implemented.
        const string testCode = """
            using System.Collections.Generic;
            using System.Linq;

            namespace Reports
            {
                public sealed class AggregateAttribute : System.Attribute
                {
                }

                public class Report
                {
                    public string Describe(IEnumerable<int> readings)
                    {
                        var total = readings.Sum();
                        var largest = {|MAGG001:readings|}.Max();
                        return $"{total} {largest}";
                    }
                }
            }
            """;
        const string fixedSource = """
            using System.Collections.Generic;
            using System.Linq;

            namespace Reports
            {
                public sealed class AggregateAttribute : System.Attribute
                {
                }

                public partial class Report
                {
                    public string Describe(IEnumerable<int> readings)
                    {
                        var (total, largest) = SummarizeReadings(readings);
                        return $"{total} {largest}";
                    }

                    [MultiAgg.Aggregate(MultiAgg.Agg.Sum, MultiAgg.Agg.Max)]
                    private static partial (int Total, int Largest) SummarizeReadings(IEnumerable<int> readings);
                }
            }
            """;

        await CodeFixVerifier.VerifyAsync(testCode, fixedSource, Fuse);
    }

    /// <summary>
    /// A using inside <c>namespace Acme.MultiAgg.Demo</c>, where the file keeps its usings, looks its name up from there:
    /// <c>using MultiAgg;</c> would find <c>Acme.MultiAgg</c>, so the attribute is written in full instead.
    /// </summary>
    [Fact]
    public async Task FuseQualifiesTheAttributeWhereMultiAggNamesTheUsersOwnNamespace()
    {
        const string testCode = """
            namespace Acme.MultiAgg.Demo
            {
                using System.Collections.Generic;
                using System.Linq;

                public class Report
                {
                    public int Describe(IEnumerable<int> readings)
                    {
                        var total = readings.Sum();
                        var largest = {|MAGG001:readings|}.Max();
                        return total + largest;
                    }
                }
            }
            """;
        const string fixedSource = """
            namespace Acme.MultiAgg.Demo
            {
                using System.Collections.Generic;
                using System.Linq;

                public partial class Report
                {
                    public int Describe(IEnumerable<int> readings)
                    {
                        var (total, largest) = SummarizeReadings(readings);
                        return total + largest;
                    }

                    [global::MultiAgg.Aggregate(global::MultiAgg.Agg.Sum, global::MultiAgg.Agg.Max)]
                    private static partial (int Total, int Largest) SummarizeReadings(IEnumerable<int> readings);
                }
            }
            """;

        await CodeFixVerifier.VerifyAsync(testCode, fixedSource, Fuse);
    }

    [Fact]
    public async Task FuseAddsNoUsingThatWouldMakeTheUsersOwnNamesAmbiguous()
    {
        // `using MultiAgg;` beside `using Metrics;` would make the user's `Agg` ambiguous (CS0104).
        const string testCode = """
            using System.Collections.Generic;
            using System.Linq;
            using Metrics;

            namespace Metrics
            {
                public static class Agg
                {
                    public static int Twice(int value) => value * 2;
                }
            }

            public class Report
            {
                public int Describe(IEnumerable<int> readings)
                {
                    var total = readings.Sum();
                    var largest = {|MAGG001:readings|}.Max();
                    return Agg.Twice(total) + largest;
                }
            }
            """;
        const string fixedSource = """
            using System.Collections.Generic;
            using System.Linq;
            using Metrics;

            namespace Metrics
            {
                public static class Agg
                {
                    public static int Twice(int value) => value * 2;
                }
            }

            public partial class Report
            {
                public int Describe(IEnumerable<int> readings)
                {
                    var (total, largest) = SummarizeReadings(readings);
                    return Agg.Twice(total) + largest;
                }

                [MultiAgg.Aggregate(MultiAgg.Agg.Sum, MultiAgg.Agg.Max)]
                private static partial (int Total, int Largest) SummarizeReadings(IEnumerable<int> readings);
            }
            """;

        await CodeFixVerifier.VerifyAsync(testCode, fixedSource, Fuse);
    }

    [Fact]
    public async Task FuseQualifiesAggWhereAMemberOfTheTypeHidesIt()
    {
        // A method named Agg would take `Agg.Sum` in the attribute (CS0119). The element type hidden by a property of
        // another type is written as global::Line, else `nameof(Line.Length)` would read the property (CS1061).
        const string testCode = """
            using System.Collections.Generic;
            using System.Linq;

            public sealed record Line(int Length);

            public class Report
            {
                private int Line { get; } = 2;

                public int Describe(IEnumerable<Line> lines)
                {
                    var total = lines.Sum(l => l.Length);
                    var longest = {|MAGG001:lines|}.Max(l => l.Length);
                    return Agg(total) + longest + Line;
                }

                private static int Agg(int value) => value * 2;
            }
            """;
        const string fixedSource = """
            using System.Collections.Generic;
            using System.Linq;

            public sealed record Line(int Length);

            public partial class Report
            {
                private int Line { get; } = 2;

                public int Describe(IEnumerable<Line> lines)
                {
                    var (total, longest) = SummarizeLines(lines);
                    return Agg(total) + longest + Line;
                }

                [MultiAgg.Aggregate(MultiAgg.Agg.Sum, MultiAgg.Agg.Max, Of = nameof(global::Line.Length))]
                private static partial (int Total, int Longest) SummarizeLines(IEnumerable<Line> lines);

                private static int Agg(int value) => value * 2;
            }
            """;

        await CodeFixVerifier.VerifyAsync(testCode, fixedSource, Fuse);
    }

    [Fact]
    public async Task FuseNamesTheMethodApartFromALocalFunctionThatWouldTakeTheCall()
    {
        const string testCode = """
            using System.Collections.Generic;
            using System.Linq;

            public class Report
            {
                public string Describe(IEnumerable<int> readings)
                {
                    var total = readings.Sum();
                    var largest = {|MAGG001:readings|}.Max();
                    return $"{total} {largest} {SummarizeReadings(readings)}";

                    static int SummarizeReadings(IEnumerable<int> values) => 0;
                }
            }
            """;
        const string fixedSource = """
            using System.Collections.Generic;
            using System.Linq;
            using MultiAgg;

            public partial class Report
            {
                public string Describe(IEnumerable<int> readings)
                {
                    var (total, largest) = TotalAndLargestOfReadings(readings);
                    return $"{total} {largest} {SummarizeReadings(readings)}";

                    static int SummarizeReadings(IEnumerable<int> values) => 0;
                }

                [Aggregate(Agg.Sum, Agg.Max)]
                private static partial (int Total, int Largest) TotalAndLargestOfReadings(IEnumerable<int> readings);
            }
            """;

        await CodeFixVerifier.VerifyAsync(testCode, fixedSource, Fuse);
    }

    /// <summary>
    /// A helper is not named after a method a simple name reaches from the type (a <c>using static</c> import's, an outer
    /// type's): it would hide that method, and the helper's body, calling it, would call itself.
    /// </summary>
    [Fact]
    public async Task FuseNamesAHelperApartFromTheImportedMethodItCalls()
    {
        const string testCode = """
            using System.Collections.Generic;
            using System.Linq;
            using static Pricing;

            public static class Pricing
            {
                public static decimal NetPrice(Order order) => order.Total * 0.8m;
            }

            public class Order
            {
                public decimal Total { get; set; }
            }

            public class Report
            {
                public string Describe(IEnumerable<Order> orders)
                {
                    var total = orders.Sum(o => NetPrice(o));
                    var count = {|MAGG001:orders|}.Count();
                    return $"{total} {count}";
                }
            }
            """;
        const string fixedSource = """
            using System.Collections.Generic;
            using System.Linq;
            using MultiAgg;
            using static Pricing;

            public static class Pricing
            {
                public static decimal NetPrice(Order order) => order.Total * 0.8m;
            }

            public class Order
            {
                public decimal Total { get; set; }
            }

            public partial class Report
            {
                public string Describe(IEnumerable<Order> orders)
                {
                    var (total, count) = SummarizeOrders(orders);
                    return $"{total} {count}";
                }

                [Aggregate(Agg.Sum, Of = nameof(NetPrice2))]
                [Aggregate(Agg.Count)]
                private static partial (decimal Total, int Count) SummarizeOrders(IEnumerable<Order> orders);

                private static decimal NetPrice2(Order o) => NetPrice(o);
            }
            """;

        await CodeFixVerifier.VerifyAsync(testCode, fixedSource, Fuse);
    }

    /// <summary>
    /// An identity selector stays where it says something: a <c>MaxBy</c>'s key, and a floating-point <c>Average</c>'s,
    /// whose LINQ overload with a selector sums from the first value (the average of <c>{ -0.0 }</c> is <c>-0.0</c>).
    /// </summary>
    [Fact]
    public async Task FuseKeepsAnIdentityKeyOfMaxByAndAnIdentitySelectorOfAFloatingAverage()
    {
        const string testCode = """
            using System.Collections.Generic;
            using System.Linq;

            public class Report
            {
                public string Describe(IEnumerable<string> words)
                {
                    var longest = words.MaxBy(w => w);
                    var count = {|MAGG001:words|}.Count();
                    return $"{longest} {count}";
                }

                public string Describe(IEnumerable<double> readings)
                {
                    var mean = readings.Average(r => r);
                    var high = {|MAGG001:readings|}.Max(r => r);
                    return $"{mean} {high}";
                }
            }
            """;
        const string fixedSource = """
            using System.Collections.Generic;
            using System.Linq;
            using MultiAgg;

            public partial class Report
            {
                public string Describe(IEnumerable<string> words)
                {
                    var (longest, count) = SummarizeWords(words);
                    return $"{longest} {count}";
                }

                [Aggregate(Agg.MaxBy, Of = nameof(Value))]
                [Aggregate(Agg.Count)]
                private static partial (string? Longest, int Count) SummarizeWords(IEnumerable<string> words);

                private static string Value(string w) => w;

                public string Describe(IEnumerable<double> readings)
                {
                    var (mean, high) = SummarizeReadings(readings);
                    return $"{mean} {high}";
                }

                [Aggregate(Agg.Average, Of = nameof(Value2))]
                [Aggregate(Agg.Max)]
                private static partial (double Mean, double High) SummarizeReadings(IEnumerable<double> readings);

                private static double Value2(double r) => r;
            }
            """;

        await CodeFixVerifier.VerifyAsync(testCode, fixedSource, Fuse);
    }

    /// <summary>
    /// A modifier inside an <c>#if</c> region: <c>partial</c> goes right before <c>class</c>, after the directives, so that
    /// every build has it (appended after the last modifier, it landed inside the region, before the <c>#endif</c> line).
    /// </summary>
    [Fact]
    public async Task FuseMakesATypePartialOutsideTheDirectivesAroundItsModifiers()
    {
        const string testCode = """
            using System.Collections.Generic;
            using System.Linq;

            public
            #if !NETSTANDARD
                sealed
            #endif
                class Report
            {
                public int Describe(IEnumerable<int> readings) => readings.Sum() + {|MAGG001:readings|}.Max();
            }
            """;
        const string fixedSource = """
            using System.Collections.Generic;
            using System.Linq;
            using MultiAgg;

            public
            #if !NETSTANDARD
                sealed
            #endif
                partial class Report
            {
                public int Describe(IEnumerable<int> readings)
                {
                    var (sum, max) = SummarizeReadings(readings);
                    return sum + max;
                }

                [Aggregate(Agg.Sum, Agg.Max)]
                private static partial (int Sum, int Max) SummarizeReadings(IEnumerable<int> readings);
            }
            """;

        await CodeFixVerifier.VerifyAsync(testCode, fixedSource, Fuse);
    }

    /// <summary>
    /// In a file whose nullable annotations are off, the new signature has no <c>?</c> (CS8632, an error under
    /// TreatWarningsAsErrors), though MaxBy and FirstOrDefault are declared to give <c>TSource?</c>.
    /// </summary>
    [Fact]
    public async Task FuseWritesNoNullableAnnotationWhereTheFileHasThemOff()
    {
        const string testCode = """
            #nullable disable
            using System.Collections.Generic;
            using System.Linq;

            public partial class Report
            {
                public string Describe(IEnumerable<string> words)
                {
                    var longest = words.MaxBy(w => w.Length);
                    var first = {|MAGG001:words|}.FirstOrDefault();
                    return longest + first;
                }
            }
            """;
        const string fixedSource = """
            #nullable disable
            using System.Collections.Generic;
            using System.Linq;
            using MultiAgg;

            public partial class Report
            {
                public string Describe(IEnumerable<string> words)
                {
                    var (longest, first) = SummarizeWords(words);
                    return longest + first;
                }

                [Aggregate(Agg.MaxBy, Of = nameof(string.Length))]
                [Aggregate(Agg.FirstOrDefault)]
                private static partial (string Longest, string First) SummarizeWords(IEnumerable<string> words);
            }
            """;

        await CodeFixVerifier.VerifyAsync(testCode, fixedSource, Fuse);
    }
}

public class CodeFixShapeTests
{
    private const string Fuse = FuseAggregatesCodeFix.EquivalenceKey;

    [Fact]
    public async Task SelectorsBecomeNameofPredicatesBecomeWhereAndOtherLambdasBecomeStaticMethods()
    {
        const string testCode = """
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
                    var largest = {|MAGG001:orders|}.Max(o => o.Total);
                    var paid = {|MAGG001:orders|}.Count(o => o.IsPaid);
                    var big = {|MAGG001:orders|}.Count(o => o.Total > threshold);
                    var units = {|MAGG001:orders|}.Sum(o => o.Quantity * 2);
                    return $"{revenue} {largest} {paid} {big} {units}";
                }
            }
            """;
        const string fixedSource = """
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
            """;

        await CodeFixVerifier.VerifyAsync(testCode, fixedSource, Fuse);
    }

    [Fact]
    public async Task ACastThatConvertsOtherwiseThanTheReturnWouldStaysInTheHelper()
    {
        // A cast from dynamic converts explicitly at run time (a boxed long to int), the return only implicitly (it
        // throws); a cast chooses a user-defined explicit operator the return would pass over for an implicit one.
        const string testCode = """
            using System.Collections.Generic;
            using System.Linq;
            using MultiAgg;
            using static MultiAgg.Agg;

            public readonly record struct Money(long Cents) : System.IComparable<Money>
            {
                public int CompareTo(Money other) => Cents.CompareTo(other.Cents);
                public static implicit operator Money(long cents) => new(cents);
                public static explicit operator Money(int dollars) => new(dollars * 100L);
            }

            public sealed class Order { public dynamic Quantity { get; set; } = 0L; public int Dollars { get; set; } }

            public static class Sales
            {
                public static string Summarize(IEnumerable<Order> orders)
                {
                    var units = orders.Sum(o => (int)o.Quantity);
                    var largest = {|MAGG001:orders|}.Max(o => (Money)o.Dollars);
                    return $"{units} {largest}";
                }
            }
            """;
        const string fixedSource = """
            using System.Collections.Generic;
            using System.Linq;
            using MultiAgg;
            using static MultiAgg.Agg;

            public readonly record struct Money(long Cents) : System.IComparable<Money>
            {
                public int CompareTo(Money other) => Cents.CompareTo(other.Cents);
                public static implicit operator Money(long cents) => new(cents);
                public static explicit operator Money(int dollars) => new(dollars * 100L);
            }

            public sealed class Order { public dynamic Quantity { get; set; } = 0L; public int Dollars { get; set; } }

            public static partial class Sales
            {
                public static string Summarize(IEnumerable<Order> orders)
                {
                    var (units, largest) = SummarizeOrders(orders);
                    return $"{units} {largest}";
                }

                [Aggregate(Sum, Of = nameof(QuantityAsInt32))]
                [Aggregate(Max, Of = nameof(DollarsAsMoney))]
                private static partial (int Units, Money Largest) SummarizeOrders(IEnumerable<Order> orders);

                private static int QuantityAsInt32(Order o) => (int)o.Quantity;

                private static Money DollarsAsMoney(Order o) => (Money)o.Dollars;
            }
            """;

        await CodeFixVerifier.VerifyAsync(testCode, fixedSource, Fuse);
    }

    [Fact]
    public async Task SelectThenSumMinMaxOrAverageIsFusedAsTheAggregateOfTheSelector()
    {
        // Select(f).Sum() is Sum(f). A method named after a number reads as the number: 0.5 as 0_5, 2.00m as 2.
        const string testCode = """
            using System.Collections.Generic;
            using System.Linq;

            public sealed record Order(decimal Total, int Quantity);

            public static class Sales
            {
                public static string Summarize(IEnumerable<Order> orders)
                {
                    var revenue = orders.Select(o => o.Total).Sum();
                    var largest = {|MAGG001:orders|}.Select(o => o.Total).Max();
                    var fewest = {|MAGG001:orders|}.Select(o => o.Quantity).Min();
                    var mean = {|MAGG001:orders|}.Select(o => o.Quantity * 0.5).Average();
                    var doubled = {|MAGG001:orders|}.Select(o => o.Total * 2.00m).Max();
                    return $"{revenue} {largest} {fewest} {mean} {doubled}";
                }
            }
            """;
        const string fixedSource = """
            using System.Collections.Generic;
            using System.Linq;
            using MultiAgg;

            public sealed record Order(decimal Total, int Quantity);

            public static partial class Sales
            {
                public static string Summarize(IEnumerable<Order> orders)
                {
                    var (revenue, largest, fewest, mean, doubled) = SummarizeOrders(orders);
                    return $"{revenue} {largest} {fewest} {mean} {doubled}";
                }

                [Aggregate(Agg.Sum, Agg.Max, Of = nameof(Order.Total))]
                [Aggregate(Agg.Min, Of = nameof(Order.Quantity))]
                [Aggregate(Agg.Average, Of = nameof(QuantityTimes0_5))]
                [Aggregate(Agg.Max, Of = nameof(TotalTimes2))]
                private static partial (decimal Revenue, decimal Largest, int Fewest, double Mean, decimal Doubled) SummarizeOrders(IEnumerable<Order> orders);

                private static double QuantityTimes0_5(Order o) => o.Quantity * 0.5;

                private static decimal TotalTimes2(Order o) => o.Total * 2.00m;
            }
            """;

        await CodeFixVerifier.VerifyAsync(testCode, fixedSource, Fuse);
    }

    [Fact]
    public async Task FirstAnyAllMinByAndLastOrDefaultAreFusedWithWhereOrOfAsLINQReadsTheirLambdas()
    {
        const string testCode = """
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
                    var anyPaid = {|MAGG001:orders|}.Any(o => o.IsPaid);
                    var allPaid = {|MAGG001:orders|}.All(o => o.IsPaid);
                    var cheapest = {|MAGG001:orders|}.MinBy(o => o.Total);
                    var lastBig = {|MAGG001:orders|}.LastOrDefault(o => o.Total > 100);
                    return $"{first} {anyPaid} {allPaid} {cheapest} {lastBig}";
                }
            }
            """;
        const string fixedSource = """
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
            """;

        await CodeFixVerifier.VerifyAsync(testCode, fixedSource, Fuse);

        // The generator implements the new method without a diagnostic or warning.
        TestCompiler.Run(TestCompiler.Compile(fixedSource)).AssertClean();
    }

    [Fact]
    public async Task CallsInsideExpressionsGetFreshLocalsAndNestedGenericTypesBecomePartial()
    {
        const string testCode = """
            using System.Collections.Generic;
            using System.Linq;

            namespace Shop;

            public class Outer
            {
                internal struct Stats<T>
                {
                    public double Mean(IEnumerable<int> values, T tag)
                    {
                        var mean = values.Sum() / (double){|MAGG001:values|}.Count();
                        return mean;
                    }
                }
            }
            """;
        const string fixedSource = """
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
            """;

        await CodeFixVerifier.VerifyAsync(testCode, fixedSource, Fuse);
    }

    /// <summary>
    /// A lazy source given its value by a deconstruction: what it reads is not known, so a write between the calls
    /// (floor) cannot be ruled out, and Fuse is not offered (nor, as it happens, Materialize, which buffers declarations).
    /// </summary>
    [Fact]
    public async Task FuseIsNotOfferedForALazySourceGivenItsValueByADeconstruction()
    {
        const string source = """
            using System.Collections.Generic;
            using System.Linq;

            public class C
            {
                public (int, int) M(IEnumerable<int> xs)
                {
                    var floor = 0;
                    IEnumerable<int> src;
                    (src, _) = (xs.Where(x => x > floor), 0);
                    var a = src.Count();
                    floor = src.Max();
                    var b = src.Count();
                    return (a, b);
                }
            }
            """;
        var actions = await CodeFixRunner.GetActionsAsync(CodeFixRunner.CreateProject(source));
        Assert.DoesNotContain(actions, static a => a.EquivalenceKey == Fuse);
    }

    /// <summary>
    /// What a lazy source reads through a local function declared below it is followed, not refused; and a method group
    /// named like a static member of the element (int.Abs) is no member the generator reads off an element.
    /// </summary>
    [Fact]
    public async Task FuseFollowsLocalFunctionsAndKeepsMethodGroupsNamedLikeStaticMembers()
    {
        const string testCode = """
            using System.Collections.Generic;
            using System.Linq;

            public class Report
            {
                public string Describe(IEnumerable<int> readings)
                {
                    var big = readings.Where(IsBig);
                    var low = big.Min(Abs);
                    var high = {|MAGG001:big|}.Max(Abs);
                    return $"{low} {high}";

                    static bool IsBig(int x) => x > 10;
                }

                private static int Abs(int value) => value < 0 ? -value : value;
            }
            """;
        const string fixedSource = """
            using System.Collections.Generic;
            using System.Linq;
            using MultiAgg;

            public partial class Report
            {
                public string Describe(IEnumerable<int> readings)
                {
                    var big = readings.Where(IsBig);
                    var (low, high) = SummarizeBig(big);
                    return $"{low} {high}";

                    static bool IsBig(int x) => x > 10;
                }

                [Aggregate(Agg.Min, Agg.Max, Of = nameof(Abs))]
                private static partial (int Low, int High) SummarizeBig(IEnumerable<int> big);

                private static int Abs(int value) => value < 0 ? -value : value;
            }
            """;

        await CodeFixVerifier.VerifyAsync(testCode, fixedSource, Fuse);
    }

    [Theory]
    [InlineData("captures this", "var a = xs.Sum(); var b = {|MAGG001:xs|}.Count(x => x > limit);")]
    [InlineData("call in a lambda", "var a = xs.Sum(); System.Func<int> f = () => {|MAGG001:xs|}.Max(); var b = f();")]
    [InlineData("call on one side of ?:", "var a = xs.Sum(); var b = a > 0 ? {|MAGG001:xs|}.Max() : 0;")]
    [InlineData("statement in between", "var a = xs.Sum(); Log(); var b = {|MAGG001:xs|}.Max();")]
    [InlineData("comparer overload", "var a = xs.Max(); var b = {|MAGG001:xs|}.Min(Comparer<int>.Default);")]
    [InlineData("a call before the last call, in its statement", "var a = xs.Sum(); var b = Check(a) + {|MAGG001:xs|}.Max();")]
    [InlineData("an indexer that may throw, before a call", "var a = xs.Sum(); var b = Limits[a] + {|MAGG001:xs|}.Max();")]
    [InlineData("a lambda calling a local function", "static int Twice(int v) => v * 2; var a = xs.Sum(x => Twice(x)); var b = {|MAGG001:xs|}.Max(x => Twice(x));")]
    [InlineData("a local function as a method group", "static int Twice(int v) => v * 2; var a = xs.Sum(Twice); var b = {|MAGG001:xs|}.Max(Twice);")]
    [InlineData("what a lazy source reads, written between the calls", "var floor = 0; var above = xs.Where(x => x > floor); var a = above.Count(); floor = {|MAGG001:above|}.Max(); var b = {|MAGG001:above|}.Count();")]
    [InlineData("anonymous elements", "var rows = xs.Select(x => new { X = x }); var a = rows.Count(); var b = {|MAGG001:rows|}.Max(r => r.X);")]
    [InlineData("a conditional indexer that may throw, before a call", "var a = xs.Sum(); var b = (Fees?[\"fuel\"] ?? 0) + {|MAGG001:xs|}.Max();")]
    [InlineData("a downcast that may throw, after a call", "var boxes = xs.Select(x => (object)x); var a = (string)boxes.First(); var b = {|MAGG001:boxes|}.Count();")]
    [InlineData("a checked narrowing, after a call", "var a = checked((short)xs.Sum()); var b = {|MAGG001:xs|}.Average();")]
    [InlineData("a checked narrowing to an enum, after a call", "var a = checked((Level)xs.Count()); var b = {|MAGG001:xs|}.First(x => x > 1000);")]
    [InlineData("a decimal narrowed to an enum, after a call", "var ds = xs.Select(x => (decimal)x); var a = (Level)ds.Sum(); var b = {|MAGG001:ds|}.First(d => d > 5);")]
    [InlineData("a nullable's value, after a call", "var maybe = xs.Select(x => (int?)x); var a = maybe.Max().Value; var b = {|MAGG001:maybe|}.Average();")]
    [InlineData("a member of what MaxBy gives for no elements", "var words = xs.Select(x => x.ToString()); var a = words.MaxBy(w => w.Length)!.Length; var b = {|MAGG001:words|}.Average(w => w.Length);")]
    [InlineData("a captured token, which the generated loop would check", "System.Threading.CancellationToken ct = default; var a = xs.Count(x => x > 0 && !ct.IsCancellationRequested); var b = {|MAGG001:xs|}.Max();")]
    [InlineData("a file-local key", "var a = xs.Sum(); var b = {|MAGG001:xs|}.MaxBy(x => new Item(x));")]
    [InlineData("file-local elements", "var items = xs.Select(x => new Item(x)); var a = items.Count(); var b = {|MAGG001:items|}.Max(i => i.Size);")]
    [InlineData("a directive inside the run", "var a = xs.Sum();\n#if NEVER\n        Log();\n#endif\n        var b = {|MAGG001:xs|}.Max();")]
    [InlineData("a call whose result is discarded", "var a = xs.Sum(); {|MAGG001:xs|}.Count(); var b = {|MAGG001:xs|}.Max();")]
    [InlineData("a reused local assigned again within the run", "var a = xs.Max(); a = {|MAGG001:xs|}.Min(); var b = {|MAGG001:xs|}.Max();")]
    [InlineData("what a lazy source's lazy source reads, written between the calls", "var floor = 0; var above = xs.Where(x => x > floor); var same = above.Select(x => x); var a = same.Count(); floor = {|MAGG001:same|}.Max(); var b = {|MAGG001:same|}.Count();")]
    [InlineData("a method group named like a member of the element", "var a = xs.Min(ToString); var b = {|MAGG001:xs|}.Max(ToString);")]
    [InlineData("an anonymous value", "var a = xs.Select(x => new { X = x, Odd = x % 2 }).Distinct().Count(); var b = {|MAGG001:xs|}.Count();")]
    [InlineData("a call in an interpolated string a handler may not format", "var a = xs.Sum(); Logger.Log($\"{{|MAGG001:xs|}.Max()}\");")]
    [InlineData("a checked product, after a call", "var a = checked(xs.Sum() * 1000); var b = {|MAGG001:xs|}.First(x => x > 5);")]
    [InlineData("a decimal product, after a call", "var ds = xs.Select(x => (decimal)x); var a = ds.Sum() * 1e20m; var b = {|MAGG001:ds|}.First(d => d > 5);")]
    [InlineData("a nullable decimal product, after a call", "var ds = xs.Select(x => (decimal?)x); var a = ds.Sum() * 1e20m; var b = {|MAGG001:ds|}.First(d => d > 5);")]
    [InlineData("what a lazy source reads, declared in its initializer and written between the calls", "var above = int.TryParse(\"5\", out var floor) ? xs.Where(x => x > floor) : xs; var a = above.Count(); floor = {|MAGG001:above|}.Max(); var b = {|MAGG001:above|}.Count();")]
    [InlineData("interpolated strings joined for a handler", "var a = xs.Sum(); Logger.Log($\"{a}\" + $\"{{|MAGG001:xs|}.Max()}\");")]
    [InlineData("a constructor whose initializer holds a later call", "var n = xs.Count(); var s = new Stats(n) { Peak = {|MAGG001:xs|}.Max() };")]
    [InlineData("a member of what may be null, before a call", "string? label = Limits.Length > 5 ? \"x\" : null; var a = xs.Sum(); var b = label!.Length + {|MAGG001:xs|}.Max();")]
    [InlineData("an overloaded method group, which the generator could not tell apart", "var a = xs.Count(IsValid); var b = {|MAGG001:xs|}.First(IsValid);")]
    [InlineData("a Max of objects, which LINQ compares at run time and the generator cannot", "var os = xs.Select(x => (object)x); var a = os.Count(); var b = {|MAGG001:os|}.Max();")]
    [InlineData("a collection of the user's type whose Adds run before a later call", "var n = xs.Count(); Bag b = [n, {|MAGG001:xs|}.Max()];")]
    [InlineData("a collection of the user's type, after a call", "Bag b = [xs.Count()]; var m = {|MAGG001:xs|}.Max();")]
    [InlineData("a spread enumerated before a later call", "var a = xs.Sum(); int[] b = [.. Extra, {|MAGG001:xs|}.Max()];")]
    [InlineData("a set, whose Adds hash the items (with the user's GetHashCode for the user's types)", "var a = xs.Sum(); HashSet<int> b = [a, {|MAGG001:xs|}.Max()];")]
    [InlineData("a spread of what may be null before a later call", "int[]? none = Limits.Length > 5 ? Limits : null; var a = xs.Sum(); int[] b = [.. none, {|MAGG001:xs|}.Max()];")]
    [InlineData("a MaxBy of arrays", "var a = xs.Count(); var b = {|MAGG001:xs|}.MaxBy(x => new[] { x });")]
    [InlineData("a user-defined conversion of a call's result, which throws for an empty source's count", "PositiveInt n = xs.Count(); var b = {|MAGG001:xs|}.Max();")]
    [InlineData("a decimal narrowed, after a call", "var ds = xs.Select(x => (decimal)x); var a = (int)ds.Sum(); var b = {|MAGG001:ds|}.First(d => d > 5);")]
    [InlineData("a captured ParallelOptions, which would make the pass parallel", "var options = new System.Threading.Tasks.ParallelOptions(); var a = xs.Count(x => x < options.MaxDegreeOfParallelism); var b = {|MAGG001:xs|}.Max();")]
    [InlineData("a property whose getter the type declares, read before a later call", "var a = xs.Sum(); var b = Scale * {|MAGG001:xs|}.Max();")]
    [InlineData("an array sized by a call's result, before a later call", "var n = xs.Count(); var b = new int[n - 1].Length + {|MAGG001:xs|}.Max();")]
    [InlineData("a local a catch reads, assigned before a call that may fail", "int n = -1; try { n = xs.Count(); var big = {|MAGG001:xs|}.First(x => x > 100); } catch (System.InvalidOperationException) { Log(n); }")]
    [InlineData("a local read after a finally, assigned before a call that may fail", "var n = 0; try { n += xs.Count(); var m = {|MAGG001:xs|}.Max(); } finally { Limits[0] = n; }")]
    [InlineData("a function that may throw, after a First that may find no match", "var a = xs.First(x => x > 1000); var b = {|MAGG001:xs|}.Average(x => 100 / x);")]
    [InlineData("a decimal Sum, which overflows where the pass is, after a First that may find no match", "var a = xs.First(x => x > 1000); var b = {|MAGG001:xs|}.Sum(x => (decimal)x);")]
    [InlineData("a decimal Average, which overflows where the pass is, after a Last that may find no match", "var a = xs.Last(x => x > 1000); var b = {|MAGG001:xs|}.Average(x => (decimal)x);")]
    [InlineData("a function that may throw, after a Sum that may overflow", "var a = xs.Sum(); var b = {|MAGG001:xs|}.Max(x => Limits[x]);")]
    [InlineData("a function that may throw, after a long Average that may overflow", "var ls = xs.Select(x => (long)x); var a = ls.Average(); var b = {|MAGG001:ls|}.Max(x => Limits[x]);")]
    [InlineData("a function that may throw, after a decimal Average of a selector that may overflow", "var a = xs.Average(x => (decimal)x); var b = {|MAGG001:xs|}.Max(x => Limits[x]);")]
    [InlineData("a function that may throw, after another", "var a = xs.Max(x => 10 % x); var b = {|MAGG001:xs|}.Min(x => Limits[x]);")]
    [InlineData("a function that may throw, again after a call that stops at its answer", "var a = xs.Any(x => 100 / x > 5); var f = {|MAGG001:xs|}.First(x => x > 1000); var c = {|MAGG001:xs|}.Count(x => 100 / x > 5);")]
    [InlineData("a function that may throw, after a floating-point Min of it, which stops at a NaN", "var lo = xs.Select(x => 1.0 / Limits[x]).Min(); var hit = {|MAGG001:xs|}.First(x => x > 1000); var s = {|MAGG001:xs|}.Select(x => 1.0 / Limits[x]).Sum();")]
    [InlineData("a Last whose predicate may throw, which LINQ tests from a list's end", "var a = xs.Count(); var b = {|MAGG001:xs|}.Last(x => Limits[x] > 1);")]
    [InlineData("a captured local its caller reads after a catch, assigned in a local function before a call that may fail", "var n = -1; try { Tally(); } catch (System.InvalidOperationException) { Log(n); } void Tally() { n = xs.Count(); var big = {|MAGG001:xs|}.First(x => x > 100); }", false)]
    [InlineData("a local a lambda kept elsewhere reads, assigned before a call that may fail", "var seen = -1; Progress = () => seen; seen = xs.Count(); var big = {|MAGG001:xs|}.First(x => x > 100);")]
    [InlineData("a local a local function written after the calls reads, kept elsewhere, assigned before a call that may fail", "var seen = -1; Progress = Report; seen = xs.Count(); var big = {|MAGG001:xs|}.First(x => x > 100); int Report() => seen;")]
    [InlineData("a local captured by a lambda, assigned before a call that may fail", "var n = -1; System.Action tally = () => { n = xs.Count(); var m = {|MAGG001:xs|}.Max(); }; try { tally(); } catch (System.InvalidOperationException) { Log(n); }", false)]
    [InlineData("a ref local, written through before a call that may fail", "ref int slot = ref Limits[0]; slot = xs.Count(); var b = {|MAGG001:xs|}.Max();")]
    [InlineData("a Count and an Any of an ordering, which LINQ answers without running its key selector", "var ranked = xs.OrderBy(x => Limits[x]); var n = ranked.Count(); var any = {|MAGG001:ranked|}.Any();", false)]
    [InlineData("a Count and an Any of an ordering whose key cannot fail, which LINQ answers without sorting", "var ranked = xs.OrderByDescending(x => x).ThenBy(x => -x); var n = ranked.Count(); var any = {|MAGG001:ranked|}.Any();", false)]
    [InlineData("a Count and an Any of an ordering by the elements themselves", "var ranked = xs.Order(); var n = ranked.Count(); var any = {|MAGG001:ranked|}.Any();", false)]
    [InlineData("a Count and an Any of what may be an ordering, chosen by a condition", "var ranked = Limits.Length > 2 ? xs.OrderBy(x => Limits[x]) : xs; var n = ranked.Count(); var any = {|MAGG001:ranked|}.Any();")]
    [InlineData("a Count and an Any of an orderby clause", "var ranked = from x in xs orderby x descending select x; var n = ranked.Count(); var any = {|MAGG001:ranked|}.Any();", false)]
    [InlineData("a Count and an Any of the top of an ordering, held in another local", "var sorted = xs.OrderBy(x => Limits[x]); IEnumerable<int> top = sorted.Take(3); var n = top.Count(); var any = {|MAGG001:top|}.Any();")]
    [InlineData("a Last over a lazy Select whose selector fails for an element before the last, which LINQ's Last never reads", "var tenths = xs.Select(x => 10 / x); var a = tenths.First(); var b = {|MAGG001:tenths|}.Last();")]
    [InlineData("a Last over a lazy query expression whose select clause fails for an element before the last", "var tenths = from x in xs select 10 / x; var a = tenths.First(); var b = {|MAGG001:tenths|}.Last();")]
    [InlineData("a switch expression with no arm for some values, before a call", "var a = xs.Sum() * (limit switch { 1 => 2, 3 => 4 }); var b = {|MAGG001:xs|}.First(x => x > 100);")]
    [InlineData("dynamic code, before a call", "dynamic scale = limit; var a = xs.Sum() * scale; var b = {|MAGG001:xs|}.First(x => x > 100);")]
    [InlineData("a user-defined conversion of what holds a call, before a call", "PositiveInt n = xs.Sum() - limit; var b = {|MAGG001:xs|}.First(x => x > 100);")]
    [InlineData("a Max of a base type over a Select of a derived one, which compares as the base", "var a = xs.Count(); var b = {|MAGG001:xs|}.Select(x => new Derived(x)).Max<Base>();")]
    [InlineData("a Max of a base type over derived values", "var ds = xs.Select(x => new Derived(x)); var a = ds.Count(); var b = {|MAGG001:ds|}.Max<Base>();")]
    [InlineData("a count of distinct values told apart as a base type", "var ds = xs.Select(x => new Derived(x)); var a = ds.Max(d => d.Value); var b = {|MAGG001:ds|}.Distinct<Base>().Count();")]
    [InlineData("a function that counts in a static field, which a later call's function reads", "var a = xs.Count(x => { Seen++; return x > 0; }); var b = {|MAGG001:xs|}.Max(x => x + Seen);")]
    [InlineData("a function that writes an array element, which a later call's function reads", "var a = xs.Sum(x => Limits[0] = x); var b = {|MAGG001:xs|}.Max(x => x + Limits[0]);")]
    [InlineData("a function that writes through ref", "var a = xs.Count(x => System.Threading.Interlocked.Increment(ref Seen) > x); var b = {|MAGG001:xs|}.Max(x => x + Seen);")]
    [InlineData("a Min of an interface over a Select of a class", "var a = xs.Count(); var b = {|MAGG001:xs|}.Select(x => new Derived(x)).Min<System.IComparable<Base>>();")]
    [InlineData("a throw expression of an exception at hand, before a later call",
        "var failure = new System.InvalidOperationException(); var a = xs.Sum(); var b = (limit > 0 ? 0 : throw failure) + {|MAGG001:xs|}.Max();")]
    [InlineData("a Lazy's Value, which runs its factory, before a later call", "var a = xs.Sum(); var b = Setting.Value + {|MAGG001:xs|}.Max();")]
    [InlineData("a Task's Result, which waits for it, before a later call", "var a = xs.Sum(); var b = Pending.Result + {|MAGG001:xs|}.Max();")]
    [InlineData("an interface's property, which anyone may implement, before a later call", "var a = xs.Sum(); var b = Options.Value + {|MAGG001:xs|}.Max();")]
    [InlineData("a virtual auto-property, which an override may give a getter, before a later call", "var a = xs.Sum(); var b = Limit + {|MAGG001:xs|}.Max();")]
    [InlineData("a record formatted into a string, its ToString the user's, before a later call", "var a = xs.Sum(); var line = $\"{Point}: {a} / {{|MAGG001:xs|}.Max()}\";")]
    [InlineData("a class with its own ToString concatenated, before a later call", "var a = xs.Sum(); var line = \"at \" + Where + {|MAGG001:xs|}.Max();")]
    [InlineData("a record formatted as an object, before a later call", "var a = xs.Sum(); var line = $\"{(object)Point} {{|MAGG001:xs|}.Max()}\";")]
    [InlineData("a tuple holding a record formatted, before a later call", "var a = xs.Sum(); var line = $\"{Pair} {{|MAGG001:xs|}.Max()}\";")]
    [InlineData("a record appended to a string, before a later call", "var line = \"at \"; var a = xs.Sum(); var b = (line += Point).Length + {|MAGG001:xs|}.Max();")]
    [InlineData("a function that may throw, after a call over a lazy source whose own function may throw", "var tenths = xs.Select(x => 10 / x); var a = tenths.Max(); var b = {|MAGG001:tenths|}.Min(t => Limits[t]);")]
    [InlineData("a compound division by a call's result, before a later call", "var per = 10; per /= xs.Count(); var b = {|MAGG001:xs|}.Min();")]
    [InlineData("a compound remainder by a call's result, before a later call", "var per = 10; per %= xs.Count(); var b = {|MAGG001:xs|}.Min();")]
    [InlineData("a stackalloc sized by a call's result, before a later call", "System.Span<int> s = stackalloc int[xs.Count() - 1]; var b = {|MAGG001:xs|}.Max();")]
    [InlineData("a positional pattern, which calls the type's Deconstruct, before a later call", "var a = xs.Sum(); var b = (Board is (0, 0) ? 1 : 0) + {|MAGG001:xs|}.Max();")]
    [InlineData("a list pattern, which calls the type's Count and indexer, before a later call", "var a = xs.Sum(); var b = (Board is [0, ..] ? 1 : 0) + {|MAGG001:xs|}.Max();")]
    [InlineData("a tuple comparison, which calls its elements' operator, before a later call", "var a = xs.Sum(); var b = ((Board, 1) == (Board, 1) ? 1 : 0) + {|MAGG001:xs|}.Max();")]
    [InlineData("a method called on a mutable struct's value, which one local would stand for twice", "var cs = xs.Select(x => new Counter { N = x }); var first = cs.First(); var next = {|MAGG001:cs|}.First().Bump(); Log(first.N);", false)]
    [InlineData("a method called on a parenthesized mutable struct's value, as an awaited one is", "var cs = xs.Select(x => new Counter { N = x }); var first = cs.First(); var next = ({|MAGG001:cs|}.First()).Bump(); Log(first.N);", false)]
    [InlineData("a method called on the user's local of a mutable struct, which stands for a later call", "var cs = xs.Select(x => new Counter { N = x }); var first = cs.First(); var bumped = first.Bump(); var again = {|MAGG001:cs|}.First(); Log(again.N);", false)]
    [InlineData("a Sum that may overflow, after a call over a lazy source whose own function may throw", "var tenths = xs.Select(x => 10 / x); var a = tenths.Max(); var b = {|MAGG001:tenths|}.Sum();")]
    public async Task FuseIsNotOfferedWhenItWouldChangeBehaviour(string name, string body, bool materializes = true)
    {
        _ = name;
        var markup = $$"""
            using System.Collections.Generic;
            using System.Linq;

            public class C
            {
                private int limit = 3;
                private static readonly int[] Limits = { 1, 2, 3 };
                private static readonly Dictionary<string, int>? Fees = null;
                private static readonly IEnumerable<int> Extra = Enumerable.Range(1, 2);
                private static readonly System.Lazy<int> Setting = new(() => Limits.Length > 5 ? 2 : throw new System.InvalidOperationException("no setting"));
                private static readonly System.Threading.Tasks.Task<int> Pending = System.Threading.Tasks.Task.FromResult(1);
                private static readonly IOptions Options = new FixedOptions();
                private static int Seen;
                private System.Func<int>? Progress;

                public virtual int Limit { get; } = 1;
                private static readonly Spot Point = new(1, 2);
                private static readonly Place Where = new();
                private static readonly (Spot, int) Pair = (new(1, 2), 3);
                private static readonly Grid Board = new();

                public void M(IEnumerable<int> xs)
                {
                    {{body}}
                }

                private static void Log() { }

                private static void Log(int value) { }

                private static int Scale => Limits.Length > 5 ? 2 : throw new System.InvalidOperationException("no scale");

                private static int Check(int value) => value;

                private static string ToString(int value) => (-value).ToString();

                private static bool IsValid(int value) => value > 0;

                private static bool IsValid(object value) => value is not null;
            }

            public class Stats
            {
                public Stats(int count) => _ = count > 0 ? count : throw new System.ArgumentException("no values");

                public int Peak { get; set; }
            }

            public sealed record Spot(int X, int Y)
            {
                public int Y { get; } = Y > 0 ? Y : throw new System.ArgumentException("no Y");
            }

            public sealed class Place
            {
                public override string ToString() => throw new System.InvalidOperationException("nowhere");
            }

            public enum Level : byte
            {
                Low,
            }

            public struct Counter
            {
                public int N;

                public int Bump() => ++N;
            }

            public sealed class Grid
            {
                public int Count => throw new System.InvalidOperationException("no count");

                public int this[int index] => index;

                public void Deconstruct(out int x, out int y) => throw new System.InvalidOperationException("no parts");

                public static bool operator ==(Grid? left, Grid? right) => throw new System.InvalidOperationException("no equality");

                public static bool operator !=(Grid? left, Grid? right) => !(left == right);

                public override bool Equals(object? obj) => ReferenceEquals(this, obj);

                public override int GetHashCode() => 0;
            }

            public class Bag : IEnumerable<int>
            {
                private readonly List<int> _items = new();

                public void Add(int value) => _items.Add(value > 0 ? value : throw new System.ArgumentException("no values"));

                public IEnumerator<int> GetEnumerator() => _items.GetEnumerator();

                System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
            }

            public static class Logger
            {
                public static bool Enabled;

                public static void Log(LogHandler message) { }
            }

            [System.Runtime.CompilerServices.InterpolatedStringHandler]
            public ref struct LogHandler
            {
                public LogHandler(int literalLength, int formattedCount, out bool enabled) => enabled = Logger.Enabled;

                public void AppendLiteral(string text) { }

                public void AppendFormatted<T>(T value) { }
            }

            public interface IOptions
            {
                int Value { get; }
            }

            public sealed class FixedOptions : IOptions
            {
                public int Value => throw new System.InvalidOperationException("not configured");
            }

            public readonly struct PositiveInt
            {
                public static implicit operator PositiveInt(int value) => value > 0 ? default : throw new System.ArgumentOutOfRangeException(nameof(value));
            }

            file record Item(int Size) : System.IComparable<Item> { public int CompareTo(Item? other) => Size.CompareTo(other?.Size); }

            public class Base(int value) : System.IComparable<Base>
            {
                public int Value { get; } = value;

                public int CompareTo(Base? other) => Value.CompareTo(other?.Value);
            }

            // Ordered the other way round: Comparer<Derived> and Comparer<Base> disagree.
            public class Derived(int value) : Base(value), System.IComparable<Derived>
            {
                public int CompareTo(Derived? other) => -Value.CompareTo(other?.Value);
            }
            """;

        // The framework: no Fuse action, so the code stays as it is and the diagnostic stays reported.
        await CodeFixVerifier.VerifyAsync(markup, markup, Fuse);

        // And Materialize is what is offered instead, but where every read runs in a `try` that a buffer before it would
        // leave (the enumeration's exception would no longer meet its `catch`).
        var actions = await CodeFixRunner.GetActionsAsync(CodeFixRunner.CreateProject(Markup.Parse(markup).Source));
        Assert.DoesNotContain(actions, static a => a.EquivalenceKey == Fuse);
        Assert.Equal(materializes, actions.Any(static a => a.EquivalenceKey == MaterializeOnceCodeFix.EquivalenceKey));
    }

    /// <summary>
    /// What is [Obsolete] as an error, in obsolete code that may use it: read by a lambda, or the type of the elements (or a
    /// type nested in it). The new method and the generated part are not obsolete (CS0619 there), so Fuse is not
    /// offered; Materialize is.
    /// </summary>
    [Theory]
    [InlineData("a lambda reads it", "IEnumerable<decimal> totals", "var taxed = totals.Sum(t => t * Legacy.Rate); var count = totals.Count(); return taxed + count;")]
    [InlineData("the elements are of it", "IEnumerable<LegacyCode> codes", "var n = codes.Count(); var any = codes.Any(); return n + (any ? 1 : 0);")]
    [InlineData("the elements are of a type nested in it", "IEnumerable<LegacyCode.Part> parts", "var n = parts.Count(); var any = parts.Any(); return n + (any ? 1 : 0);")]
    [InlineData("a captured local is of it", "IEnumerable<int> ids", "var code = new LegacyCode(); var n = ids.Count(i => i > code.Size); var m = ids.Max(); return n + m;")]
    public async Task FuseIsNotOfferedForWhatIsObsoleteAsAnError(string name, string parameter, string body)
    {
        _ = name;
        var source = $$"""
            using System;
            using System.Collections.Generic;
            using System.Linq;

            public static class Legacy
            {
                [Obsolete("use the new rate", true)]
                public static decimal Rate => 2m;
            }

            [Obsolete("use the new codes", true)]
            public class LegacyCode
            {
                public int Size => 1;

                public class Part { }
            }

            public class Report
            {
                [Obsolete("old report")]
                public decimal Describe({{parameter}})
                {
                    {{body}}
                }
            }
            """;

        var keys = await CodeFixRunner.OfferedKeysAsync(source);
        Assert.DoesNotContain(Fuse, keys);
        Assert.Contains(MaterializeOnceCodeFix.EquivalenceKey, keys);
    }

    /// <summary>
    /// Elements of an assembly referenced only through an extern alias: the generated file cannot name their type (the
    /// generator's MAGG139), so Fuse is not offered; with 'global' among the reference's aliases it is.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task FuseIsNotOfferedForElementsOnlyAnExternAliasNames(bool globalToo)
    {
        var library = Microsoft.CodeAnalysis.CSharp.CSharpCompilation.Create(
            "Lib" + System.Guid.NewGuid().ToString("N"),
            new[] { Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText("namespace Shop { public sealed class Order { public decimal Total { get; init; } } }") },
            TestCompiler.MetadataReferences,
            new Microsoft.CodeAnalysis.CSharp.CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        using var image = new System.IO.MemoryStream();
        Assert.True(library.Emit(image).Success);
        var reference = MetadataReference.CreateFromImage(image.ToArray()).WithAliases(globalToo ? new[] { "Lib", "global" } : new[] { "Lib" });

        var project = CodeFixRunner.CreateProject("""
            extern alias Lib;
            using System.Collections.Generic;
            using System.Linq;

            public class Report
            {
                public decimal Describe(IEnumerable<Lib::Shop.Order> orders) => orders.Sum(o => o.Total) + orders.Count();
            }
            """).AddMetadataReference(reference);

        var actions = await CodeFixRunner.GetActionsAsync(project);
        Assert.Equal(globalToo, actions.Any(static a => a.EquivalenceKey == Fuse));
        Assert.Contains(actions, static a => a.EquivalenceKey == MaterializeOnceCodeFix.EquivalenceKey);
    }

    /// <summary>What cannot fail out of LINQ's order, or fails the same way, is still fused.</summary>
    [Theory]
    [InlineData("a decimal average read as a double, which rounds", "var ds = xs.Select(x => (decimal)x); var a = (double)ds.Average(); var b = {|MAGG001:ds|}.Count();")]
    [InlineData("a decimal Sum after an int Sum, which both overflow with an OverflowException", "var a = xs.Sum(); var b = {|MAGG001:xs|}.Sum(x => (decimal)x);")]
    [InlineData("a decimal Sum before a First that may find no match", "var a = xs.Sum(x => (decimal)x); var b = {|MAGG001:xs|}.First(x => x > 1000);")]
    [InlineData("a division by a character constant, after a Sum", "var a = xs.Sum(); var b = {|MAGG001:xs|}.Max(x => x / 'A');")]
    [InlineData("a nullable double divided by a constant, after a Sum", "var a = xs.Sum(); var b = {|MAGG001:xs|}.Max(x => (double?)x / 1e30);")]
    [InlineData("the same lambda, after a Sum that ran it on every element", "var a = xs.Sum(x => 100 / (x + 1)); var b = {|MAGG001:xs|}.Max(x => 100 / (x + 1));")]
    [InlineData("a local without a value before the try, assigned in it", "int count, max; try { count = xs.Count(); max = {|MAGG001:xs|}.Max(); } catch (System.InvalidOperationException) { return; } System.Console.WriteLine(count + max);")]
    [InlineData("a local assigned after every call of the run", "var n = 0; try { var a = xs.Sum(); n = {|MAGG001:xs|}.Max(); } finally { System.Console.WriteLine(n); }")]
    [InlineData("a local declared inside the try, assigned before a later call", "try { int n; n = xs.Count(); var m = {|MAGG001:xs|}.Max(); } catch (System.InvalidOperationException) { }")]
    [InlineData("an auto-property read before a later call", "var a = xs.Sum(); var b = Step * {|MAGG001:xs|}.Max();")]
    [InlineData("a framework property read before a later call", "var a = xs.Sum(); var b = System.Environment.ProcessorCount * {|MAGG001:xs|}.Max();")]
    [InlineData("an array of a constant size, before a later call", "var a = xs.Sum(); var b = new int[4].Length + {|MAGG001:xs|}.Max();")]
    [InlineData("a lambda that writes its own out local", "var a = xs.Sum(); var b = {|MAGG001:xs|}.Max(x => int.TryParse(\"5\", out var n) ? n : x);")]
    [InlineData("a lambda that sets a new object's members", "var a = xs.Sum(); var b = {|MAGG001:xs|}.Max(x => new Box { Size = x }.Size);")]
    [InlineData("a lambda that sets an anonymous object's members", "var a = xs.Sum(); var b = {|MAGG001:xs|}.Max(x => new { V = x }.V);")]
    [InlineData(".NET's own interface's property, before a later call", "var a = xs.Sum(); var b = Sizes.Count + {|MAGG001:xs|}.Max();")]
    [InlineData("numbers, a date and an enum formatted into a string, .NET's formatting", "var a = xs.Sum(); var line = $\"{a} {System.DateTime.MinValue} {System.DayOfWeek.Monday} {{|MAGG001:xs|}.Max()}\" + 'c' + 1.5m;")]
    [InlineData("a positional pattern of a tuple, before a later call", "var a = xs.Sum(); var b = (Pair is (1, 2) ? 1 : 0) + {|MAGG001:xs|}.Max();")]
    [InlineData("a list pattern of an array, before a later call", "var a = xs.Sum(); var b = (Items is [_, ..] ? 1 : 0) + {|MAGG001:xs|}.Max();")]
    [InlineData("a tuple comparison of numbers, before a later call", "var a = xs.Sum(); var b = ((a, 1) == (2, 1) ? 1 : 0) + {|MAGG001:xs|}.Max();")]
    [InlineData("an enum widened to its number in a checked context, before a later call", "var a = checked((long)(Tier)xs.Count()); var b = {|MAGG001:xs|}.First(x => x > 1000);")]
    [InlineData("a Count and an Any of a filter over an ordering, which LINQ's Count sorts too", "var ranked = xs.OrderBy(x => -x).Where(x => x > 0); var n = ranked.Count(); var any = {|MAGG001:ranked|}.Any();")]
    public async Task FuseIsOfferedWhereNothingFailsOutOfOrder(string name, string body)
    {
        _ = name;
        var markup = $$"""
            using System.Collections.Generic;
            using System.Linq;

            public class C
            {
                private static int Step { get; } = 2;

                private static readonly IReadOnlyList<int> Sizes = new[] { 1 };

                private static readonly (int, int) Pair = (1, 2);

                private static readonly int[] Items = { 1 };

                public sealed class Box { public int Size { get; set; } }

                public enum Tier : long { None }

                public void M(IEnumerable<int> xs)
                {
                    {{body}}
                }
            }
            """;
        var actions = await CodeFixRunner.GetActionsAsync(CodeFixRunner.CreateProject(Markup.Parse(markup).Source));
        Assert.Contains(actions, static a => a.EquivalenceKey == Fuse);
    }

    /// <summary>
    /// A file another target of the project compiles with C# 7.3 (a netstandard2.0 target, linked to the same file): the
    /// new partial method with a value would not compile there, so Fuse is not offered, by one fix or by Fix All; it is
    /// where no other target links the file.
    /// </summary>
    [Fact]
    public async Task FuseIsNotOfferedWhereAnotherTargetOfTheFileIsBeforeCSharp9()
    {
        const string markup = """
            using System.Collections.Generic;
            using System.Linq;

            public partial class C
            {
                public int M(IEnumerable<int> xs)
                {
                    var a = xs.Sum();
                    var b = {|MAGG001:xs|}.Max();
                    return a + b;
                }
            }
            """;
        var source = Markup.Parse(markup).Source;
        var project = CodeFixRunner.CreateProject(source);
        Assert.Contains(await CodeFixRunner.GetActionsAsync(project), static a => a.EquivalenceKey == Fuse);

        var olderTarget = ProjectInfo.Create(
            ProjectId.CreateNewId(), VersionStamp.Default, "Older", "Older", LanguageNames.CSharp,
            compilationOptions: project.CompilationOptions,
            parseOptions: new Microsoft.CodeAnalysis.CSharp.CSharpParseOptions(Microsoft.CodeAnalysis.CSharp.LanguageVersion.CSharp7_3),
            metadataReferences: TestCompiler.MetadataReferences);
        var linked = project.Solution.AddProject(olderTarget).GetProject(olderTarget.Id)!.AddDocument("Test0.cs", Microsoft.CodeAnalysis.Text.SourceText.From(source), filePath: project.Documents.Single().FilePath)
            .Project.Solution.GetProject(project.Id)!;
        var actions = await CodeFixRunner.GetActionsAsync(linked);
        Assert.DoesNotContain(actions, static a => a.EquivalenceKey == Fuse);
        Assert.Contains(actions, static a => a.EquivalenceKey == MaterializeOnceCodeFix.EquivalenceKey);
        Assert.DoesNotContain("[Aggregate", (await CodeFixRunner.FixAllAsync(linked, FuseAggregatesCodeFix.EquivalenceKey))[0], StringComparison.Ordinal);
    }

    /// <summary>
    /// A member inside an <c>#if</c> region as a whole: the new method goes after it, inside the same region, so the fix
    /// is offered (only a region opened in the member is refused).
    /// </summary>
    [Fact]
    public async Task FuseIsOfferedForAMemberInsideAnIfRegion()
    {
        const string markup = """
            using System.Collections.Generic;
            using System.Linq;

            public partial class C
            {
            #if !DEBUG
                public int M(IEnumerable<int> xs)
                {
                    var a = xs.Sum();
                    var b = {|MAGG001:xs|}.Max();
                    return a + b;
                }
            #endif
            }
            """;
        var actions = await CodeFixRunner.GetActionsAsync(CodeFixRunner.CreateProject(Markup.Parse(markup).Source));
        Assert.Contains(actions, static a => a.EquivalenceKey == Fuse);
    }

    /// <summary>A source typed by the class's type parameter reads its elements through the constraint's IEnumerable&lt;T&gt;.</summary>
    [Fact]
    public async Task FuseIsOfferedForASourceOfAConstrainedTypeParameter()
    {
        const string markup = """
            using System.Collections.Generic;
            using System.Linq;

            public partial class Repo<TItems> where TItems : IEnumerable<int>
            {
                public int M(TItems xs)
                {
                    var a = xs.Sum();
                    var b = {|MAGG001:xs|}.Max();
                    return a + b;
                }
            }
            """;
        var actions = await CodeFixRunner.GetActionsAsync(CodeFixRunner.CreateProject(Markup.Parse(markup).Source));
        Assert.Contains(actions, static a => a.EquivalenceKey == Fuse);
    }

    /// <summary>
    /// Where the generator could not implement the new method: a file-local type (MAGG's FileLocalContainingType), or a
    /// project below C# 9 (no partial method with a value); or where it would be compiled in builds the calls are not: a
    /// run in an <c>#if</c> region of the method, since the new method goes after the method, outside that region; or
    /// where the warnings or the nullable context there differ from the run's (a <c>#pragma warning</c> or <c>#nullable</c>
    /// later in the method): a lambda made a method would warn again, a CS0618 under TreatWarningsAsErrors.
    /// </summary>
    [Theory]
    [InlineData("a file-local type", "file class C", "Latest", "var a = xs.Sum(); var b = {|MAGG001:xs|}.Max(); return a + b;")]
    [InlineData("C# 8", "public partial class C", "CSharp8", "var a = xs.Sum(); var b = {|MAGG001:xs|}.Max(); return a + b;")]
    [InlineData("an #if region of the method: the method after it would be in every build", "public partial class C", "Latest",
        "\n#if !DEBUG\n        var a = xs.Sum(); var b = {|MAGG001:xs|}.Max(); return a + b;\n#else\n        return 0;\n#endif\n")]
    [InlineData("an #else region of the method", "public partial class C", "Latest",
        "\n#if DEBUG\n        return 0;\n#else\n        var a = xs.Sum(); var b = {|MAGG001:xs|}.Max(); return a + b;\n#endif\n")]
    [InlineData("a warning disabled for the run and restored in the method", "public partial class C", "Latest",
        "\n#pragma warning disable CS0618\n        var a = xs.Sum(x => x * 2); var b = {|MAGG001:xs|}.Max(x => x * 2);\n#pragma warning restore CS0618\n        return a + b;\n")]
    [InlineData("a nullable context of the run's own", "public partial class C", "Latest",
        "\n#nullable disable\n        var a = xs.Sum(); var b = {|MAGG001:xs|}.Max();\n#nullable restore\n        return a + b;\n")]
    public async Task FuseIsNotOfferedWhereTheNewMethodCouldNotBe(string name, string type, string languageVersion, string body)
    {
        _ = name;
        var source = $$"""
            using System.Collections.Generic;
            using System.Linq;

            {{type}}
            {
                public int M(IEnumerable<int> xs)
                {
                    {{body}}
                }
            }
            """;
        var parsed = Markup.Parse(source).Source;
        var project = CodeFixRunner.CreateProject(parsed);
        project = project.WithParseOptions(((Microsoft.CodeAnalysis.CSharp.CSharpParseOptions)project.ParseOptions!)
            .WithLanguageVersion(Enum.Parse<Microsoft.CodeAnalysis.CSharp.LanguageVersion>(languageVersion)));
        var actions = await CodeFixRunner.GetActionsAsync(project);
        Assert.DoesNotContain(actions, static a => a.EquivalenceKey == Fuse);
        Assert.Contains(actions, static a => a.EquivalenceKey == MaterializeOnceCodeFix.EquivalenceKey);
    }

    /// <summary>
    /// A warning disabled and restored before the run, or disabled for the rest of the file, is in the same state after the
    /// method as in the run: the fix goes ahead.
    /// </summary>
    [Theory]
    [InlineData("\n#pragma warning disable CS0168\n#pragma warning restore CS0168\n        var a = xs.Sum(x => x * 2); var b = {|MAGG001:xs|}.Max(x => x * 2);\n        return a + b;\n")]
    [InlineData("\n#pragma warning disable CS0618\n        var a = xs.Sum(x => x * 2); var b = {|MAGG001:xs|}.Max(x => x * 2);\n        return a + b;\n")]
    public async Task FuseIsOfferedWhereTheWarningsAfterTheMethodAreTheRuns(string body)
    {
        var source = $$"""
            using System.Collections.Generic;
            using System.Linq;

            public partial class C
            {
                public int M(IEnumerable<int> xs)
                {
                    {{body}}
                }
            }
            """;
        var actions = await CodeFixRunner.GetActionsAsync(CodeFixRunner.CreateProject(Markup.Parse(source).Source));
        Assert.Contains(actions, static a => a.EquivalenceKey == Fuse);
    }

    /// <summary>
    /// Names that are C# keywords keep their '@' wherever a fix writes them: in a nameof (the member path, a method group,
    /// a method the fix extracts) and in the buffer the materialize fix assigns. They lost it: `nameof(Option.checked)`
    /// and `params = params.ToList();` did not parse.
    /// </summary>
    [Fact]
    public async Task FixesKeepTheAtOfNamesThatAreKeywords()
    {
        await CodeFixVerifier.VerifyAsync("""
            using System.Collections.Generic;
            using System.Linq;

            public class Option { public bool @checked { get; set; } }

            public class C
            {
                public int M(IEnumerable<Option> items)
                {
                    var done = items.Count(i => i.@checked);
                    var all = {|MAGG001:items|}.Count();
                    return done + all;
                }
            }
            """, """
            using System.Collections.Generic;
            using System.Linq;
            using MultiAgg;

            public class Option { public bool @checked { get; set; } }

            public partial class C
            {
                public int M(IEnumerable<Option> items)
                {
                    var (done, all) = SummarizeItems(items);
                    return done + all;
                }

                [Aggregate(Agg.Count, Where = nameof(Option.@checked))]
                [Aggregate(Agg.Count)]
                private static partial (int Done, int All) SummarizeItems(IEnumerable<Option> items);
            }
            """, Fuse);

        await CodeFixVerifier.VerifyAsync("""
            using System.Collections.Generic;
            using System.Linq;

            public class C
            {
                public string M(IEnumerable<int> @params)
                {
                    var joined = string.Join(",", @params);
                    return joined + {|MAGG001:@params|}.Count();
                }
            }
            """, """
            using System.Collections.Generic;
            using System.Linq;

            public class C
            {
                public string M(IEnumerable<int> @params)
                {
                    @params = @params.ToList();
                    var joined = string.Join(",", @params);
                    return joined + @params.Count();
                }
            }
            """, MaterializeOnceCodeFix.EquivalenceKey);
    }

    /// <summary>
    /// A C# 14 extension block holds no partial method: Fuse is not offered there (it wrote one into the block, and made
    /// the block `partial extension(...)`), Materialize still is.
    /// </summary>
    [Fact]
    public async Task FuseIsNotOfferedInAnExtensionBlock()
    {
        var project = CodeFixRunner.CreateProject("""
            using System.Collections.Generic;
            using System.Linq;

            public static class Sequences
            {
                extension(IEnumerable<int> source)
                {
                    public int Spread()
                    {
                        var ys = source.Where(x => x > 0);
                        var max = ys.Max();
                        var min = ys.Min();
                        return max - min;
                    }
                }
            }
            """);
        project = project.WithParseOptions(((Microsoft.CodeAnalysis.CSharp.CSharpParseOptions)project.ParseOptions!)
            .WithLanguageVersion(Microsoft.CodeAnalysis.CSharp.LanguageVersion.Preview));
        var actions = await CodeFixRunner.GetActionsAsync(project);
        Assert.DoesNotContain(actions, static a => a.EquivalenceKey == Fuse);
        Assert.Contains(actions, static a => a.EquivalenceKey == MaterializeOnceCodeFix.EquivalenceKey);
    }

    /// <summary>A using the fix adds goes after the file's global usings, which must come first (CS8915).</summary>
    [Fact]
    public async Task FuseAddsItsUsingAfterTheGlobalUsings()
    {
        await CodeFixVerifier.VerifyAsync("""
            global using static System.Math;
            using System.Collections.Generic;
            using System.Linq;

            public class Report
            {
                public int M(IEnumerable<int> xs)
                {
                    var a = xs.Sum();
                    var b = {|MAGG001:xs|}.Max();
                    return a + b;
                }
            }
            """, """
            global using static System.Math;
            using System.Collections.Generic;
            using System.Linq;
            using MultiAgg;

            public partial class Report
            {
                public int M(IEnumerable<int> xs)
                {
                    var (a, b) = SummarizeXs(xs);
                    return a + b;
                }

                [Aggregate(Agg.Sum, Agg.Max)]
                private static partial (int A, int B) SummarizeXs(IEnumerable<int> xs);
            }
            """, Fuse);
    }

    // Stays on CodeFixRunner: it checks the order and titles of every offered action; the framework applies one.
    [Fact]
    public async Task TheBulkFixIsOfferedFirstThenFuseThenMaterialize()
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
                return {|MAGG001:entries|}.Count();
            }

            public int Stats(IEnumerable<int> xs)
            {
                var a = xs.Sum();
                var b = {|MAGG001:xs|}.Max();
                return a + b;
            }
        }
        """;

    /// <summary>Fix All with this key fuses and materializes everything, whichever diagnostic it starts from.</summary>
    private const string AllFixed = """
        using System.Collections.Generic;
        using System.Linq;
        using MultiAgg;

        public partial class C
        {
            public int Logs(IEnumerable<int> entries)
            {
                entries = entries.ToList();
                foreach (var entry in entries) System.Console.WriteLine(entry);
                return entries.Count();
            }

            public int Stats(IEnumerable<int> xs)
            {
                var (a, b) = SummarizeXs(xs);
                return a + b;
            }

            [Aggregate(Agg.Sum, Agg.Max)]
            private static partial (int A, int B) SummarizeXs(IEnumerable<int> xs);
        }
        """;

    [Fact]
    public async Task OnOneDiagnosticItMaterializesWhatCannotBeFusedAndLeavesTheRest()
    {
        const string fixedSource = """
            using System.Collections.Generic;
            using System.Linq;

            public class C
            {
                public int Logs(IEnumerable<int> entries)
                {
                    entries = entries.ToList();
                    foreach (var entry in entries) System.Console.WriteLine(entry);
                    return entries.Count();
                }

                public int Stats(IEnumerable<int> xs)
                {
                    var a = xs.Sum();
                    var b = {|MAGG001:xs|}.Max();
                    return a + b;
                }
            }
            """;

        await CodeFixVerifier.VerifyAsync(Source, fixedSource, MultipleEnumerationFixAll.EquivalenceKey, diagnosticIndex: 0, batchFixedCode: AllFixed);
    }

    [Fact]
    public async Task OnOneDiagnosticItFusesWhatCanBeFusedAndLeavesTheRest()
    {
        const string fixedSource = """
            using System.Collections.Generic;
            using System.Linq;
            using MultiAgg;

            public partial class C
            {
                public int Logs(IEnumerable<int> entries)
                {
                    foreach (var entry in entries) System.Console.WriteLine(entry);
                    return {|MAGG001:entries|}.Count();
                }

                public int Stats(IEnumerable<int> xs)
                {
                    var (a, b) = SummarizeXs(xs);
                    return a + b;
                }

                [Aggregate(Agg.Sum, Agg.Max)]
                private static partial (int A, int B) SummarizeXs(IEnumerable<int> xs);
            }
            """;

        await CodeFixVerifier.VerifyAsync(Source, fixedSource, MultipleEnumerationFixAll.EquivalenceKey, diagnosticIndex: 1, batchFixedCode: AllFixed);
    }
}

public class MaterializeTests
{
    private const string Materialize = MaterializeOnceCodeFix.EquivalenceKey;

    /// <summary>An expression body that is a throw expression becomes a throw statement after the buffer, not a `return throw`.</summary>
    [Theory]
    [InlineData("int")]
    [InlineData("void")]
    public async Task AThrowExpressionBodyBecomesAThrowStatement(string returned)
    {
        var fixedSource = await CodeFixRunner.ApplyAsync($$"""
            using System;
            using System.Collections.Generic;
            using System.Linq;

            public class C
            {
                public static {{returned}} Fail(IEnumerable<int> xs) =>
                    throw new ArgumentException($"{xs.Count()} values summing to {xs.Sum()}"); // why
            }
            """, Materialize);

        Assert.Contains("throw new ArgumentException($\"{xs.Count()} values summing to {xs.Sum()}\"); // why", fixedSource);
        Assert.DoesNotContain("return throw", fixedSource);
        Assert.Empty(await CodeFixRunner.GetDiagnosticsAsync(CodeFixRunner.CreateProject(fixedSource)));   // compiles, read once
    }

    [Fact]
    public async Task LocalInitializerGetsToList()
    {
        const string testCode = """
            using System.Collections.Generic;
            using System.Linq;

            public class C
            {
                public void M(IEnumerable<int> source)
                {
                    var evens = source.Where(x => x % 2 == 0);
                    foreach (var e in evens) System.Console.WriteLine(e);
                    System.Console.WriteLine({|MAGG001:evens|}.Count());
                }
            }
            """;
        const string fixedSource = """
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
            """;

        await CodeFixVerifier.VerifyAsync(testCode, fixedSource, Materialize);
    }

    [Fact]
    public async Task TheBufferGoesBelowTheDirectivesBeforeTheStatementItPrecedes()
    {
        const string testCode = """
            using System.Collections.Generic;
            using System.Linq;

            public class C
            {
                public async System.Threading.Tasks.Task<int> M(IEnumerable<int> xs)
                {
                    await System.Threading.Tasks.Task.Yield();
            #if DEBUG
                    System.Console.WriteLine("debug");
            #endif
                    // both
                    return xs.Sum() + {|MAGG001:xs|}.Max();
                }
            }
            """;
        const string fixedSource = """
            using System.Collections.Generic;
            using System.Linq;

            public class C
            {
                public async System.Threading.Tasks.Task<int> M(IEnumerable<int> xs)
                {
                    await System.Threading.Tasks.Task.Yield();
            #if DEBUG
                    System.Console.WriteLine("debug");
            #endif
                    xs = xs.ToList();
                    // both
                    return xs.Sum() + xs.Max();
                }
            }
            """;

        await CodeFixVerifier.VerifyAsync(testCode, fixedSource, Materialize);
    }

    [Fact]
    public async Task AParameterALocalFunctionReadsIsBufferedAfterTheMethodsGuards()
    {
        // The local function may run wherever it is named, so the buffer goes before the first statement that reads the
        // parameter or names a local function: after the guard, which a null argument still meets.
        const string testCode = """
            using System.Collections.Generic;
            using System.Linq;

            public class C
            {
                public int M(IEnumerable<int> xs)
                {
                    if (xs is null) return 0;
                    var n = 1;
                    return Top() + n + {|MAGG001:xs|}.Sum();

                    int Top() => xs.Max();
                }
            }
            """;
        const string fixedSource = """
            using System.Collections.Generic;
            using System.Linq;

            public class C
            {
                public int M(IEnumerable<int> xs)
                {
                    if (xs is null) return 0;
                    var n = 1;
                    xs = xs.ToList();
                    return Top() + n + xs.Sum();

                    int Top() => xs.Max();
                }
            }
            """;

        await CodeFixVerifier.VerifyAsync(testCode, fixedSource, Materialize);
    }

    [Fact]
    public async Task ALocalFirstReadAfterCodeInTheSameStatementIsNotBuffered()
    {
        // A buffer goes before a statement: where that statement runs Enqueue before its read, the buffer would copy the
        // queue without the 5 the read saw. Materialize is not offered; with nothing run before the read, it is.
        const string Body = """
            using System.Collections.Generic;
            using System.Linq;

            public class C
            {
                private static int Enqueue(List<int> queue, int job) { queue.Add(job); return queue.Count; }

                public int M(List<int> queue)
                {
                    var pending = queue.Where(static j => j > 0);
                    var n = {{first}} + pending.Count();
                    return n + pending.Max();
                }
            }
            """;
        foreach (var (first, offered) in new[] { ("Enqueue(queue, 5)", false), ("queue.Count", true), ("queue.Where(static j => j < 0).Count()", true) })
        {
            Assert.Equal(offered, await IsOffered(Body.Replace("{{first}}", first)));
        }

        // The same where the code runs in the header of the statement the buffer would go before, and for a parameter.
        Assert.False(await IsOffered("""
            using System.Collections.Generic;
            using System.Linq;

            public class C
            {
                private static int Enqueue(List<int> queue, int job) { queue.Add(job); return queue.Count; }

                public int M(List<int> queue)
                {
                    var pending = queue.Where(static j => j > 0);
                    var n = 0;
                    if (Enqueue(queue, 5) > 0) { n = pending.Count(); }
                    return n + pending.Sum();
                }

                public int P(IEnumerable<int> xs, List<int> queue)
                {
                    var n = Enqueue(queue, 5) + xs.Count();
                    return n + xs.Sum();
                }
            }
            """));

        // The same where another read is in a lambda (the buffer is then the declaration's), outside a block, and in an
        // expression body.
        Assert.False(await IsOffered("""
            using System.Collections.Generic;
            using System.Linq;

            public class C
            {
                private static int Enqueue(List<int> queue, int job) { queue.Add(job); return queue.Count; }

                public int M(List<int> queue)
                {
                    var pending = queue.Where(static j => j > 0);
                    var n = Enqueue(queue, 5) + pending.Count();
                    System.Func<int> later = () => pending.Sum();
                    return n + later();
                }
            }
            """));
        Assert.False(await IsOffered("""
            using System.Collections.Generic;
            using System.Linq;

            public class C
            {
                private static int Enqueue(List<int> queue, int job) { queue.Add(job); return queue.Count; }

                public int M(List<int> queue, int k)
                {
                    switch (k)
                    {
                        case 1:
                            var pending = queue.Where(static j => j > 0);
                            var n = Enqueue(queue, 5) + pending.Count();
                            return n + pending.Sum();
                        default:
                            return 0;
                    }
                }
            }
            """));
        Assert.False(await IsOffered("""
            using System.Collections.Generic;
            using System.Linq;

            public class C
            {
                private static int Enqueue(List<int> queue, int job) { queue.Add(job); return queue.Count; }

                public int P(IEnumerable<int> xs, List<int> queue) => Enqueue(queue, 5) + xs.Count() + xs.Sum();
            }
            """));
    }

    /// <summary>Whether Materialize is offered on the first diagnostic of <paramref name="source"/>, which must have one.</summary>
    private static async Task<bool> IsOffered(string source)
    {
        var project = CodeFixRunner.CreateProject(source);
        Assert.Equal("MAGG001", (await CodeFixRunner.GetDiagnosticsAsync(project))[0].Id);   // the diagnostic the actions are asked for
        return (await CodeFixRunner.GetActionsAsync(project)).Any(static a => a.EquivalenceKey == Materialize);
    }

    [Fact]
    public async Task TheBufferGoesAboveAnIfBeforeTheStatementItPrecedes()
    {
        // The first read is inside a region this build compiles (as a Debug build does #if !RELEASE): the buffer goes above
        // the #if, so a build without it buffers too.
        const string testCode = """
            using System.Collections.Generic;
            using System.Linq;

            public class C
            {
                public int M(IEnumerable<int> xs)
                {
                    if (xs is null) return 0;
            #if !RELEASE
            #if VERBOSE
                    System.Console.WriteLine("verbose");
            #endif
                    System.Console.WriteLine(xs.Count());
            #endif
                    return {|MAGG001:xs|}.Sum() + {|MAGG001:xs|}.Max();
                }
            }
            """;
        const string fixedSource = """
            using System.Collections.Generic;
            using System.Linq;

            public class C
            {
                public int M(IEnumerable<int> xs)
                {
                    if (xs is null) return 0;
                    xs = xs.ToList();
            #if !RELEASE
            #if VERBOSE
                    System.Console.WriteLine("verbose");
            #endif
                    System.Console.WriteLine(xs.Count());
            #endif
                    return xs.Sum() + xs.Max();
                }
            }
            """;

        await CodeFixVerifier.VerifyAsync(testCode, fixedSource, Materialize);
    }

    [Fact]
    public async Task ALocalOfAnonymousElementsAssignedAgainIsBufferedByTheNextStatement()
    {
        // `var` with ToList() would make it a List<anonymous>, which the later assignment of a query does not convert to,
        // and its type cannot be written out: the statement after the declaration buffers it, keeping the type.
        const string testCode = """
            using System.Collections.Generic;
            using System.Linq;

            public class C
            {
                public int M(IEnumerable<int> xs)
                {
                    var rows = xs.Select(x => new { X = x });
                    var a = rows.Count();
                    var b = {|MAGG001:rows|}.Max(r => r.X);
                    rows = rows.Where(r => r.X > a);
                    return a + b + {|MAGG001:rows|}.Count();
                }
            }
            """;
        const string fixedSource = """
            using System.Collections.Generic;
            using System.Linq;

            public class C
            {
                public int M(IEnumerable<int> xs)
                {
                    var rows = xs.Select(x => new { X = x });
                    rows = rows.ToList();
                    var a = rows.Count();
                    var b = rows.Max(r => r.X);
                    rows = rows.Where(r => r.X > a);
                    return a + b + rows.Count();
                }
            }
            """;

        await CodeFixVerifier.VerifyAsync(testCode, fixedSource, Materialize);
    }

    [Fact]
    public async Task ALocalOfGroupsOfAnonymousElementsAssignedAgainIsBufferedByTheNextStatement()
    {
        // The anonymous type is inside the element type (IGrouping<int, anonymous>): no more writable than an element.
        const string testCode = """
            using System.Collections.Generic;
            using System.Linq;

            public class C
            {
                public int M(IEnumerable<int> xs)
                {
                    var groups = xs.Select(x => new { X = x, Odd = x % 2 }).GroupBy(r => r.Odd);
                    var a = groups.Count();
                    var b = {|MAGG001:groups|}.Max(g => g.Count());
                    groups = groups.Where(g => g.Key == 0);
                    return a + b + {|MAGG001:groups|}.Count();
                }
            }
            """;
        const string fixedSource = """
            using System.Collections.Generic;
            using System.Linq;

            public class C
            {
                public int M(IEnumerable<int> xs)
                {
                    var groups = xs.Select(x => new { X = x, Odd = x % 2 }).GroupBy(r => r.Odd);
                    groups = groups.ToList();
                    var a = groups.Count();
                    var b = groups.Max(g => g.Count());
                    groups = groups.Where(g => g.Key == 0);
                    return a + b + groups.Count();
                }
            }
            """;

        await CodeFixVerifier.VerifyAsync(testCode, fixedSource, Materialize);
    }

    /// <summary>
    /// Reads that run later than they are written, after code that changes what the sequence gives (queue.Add(5)), which a
    /// buffer made before that code would miss; with nothing run in between, the fix is offered.
    /// </summary>
    public static TheoryData<string, string, bool> ReadsThatRunLater()
    {
        var data = new TheoryData<string, string, bool>();
        foreach (var (shape, body) in new[]
        {
            // A local function beside a direct read: the buffer could only be the declaration's.
            ("a local function beside a direct read", """
                public int M(List<int> queue)
                {
                    var pending = queue.Where(static j => j > 0);
                    {{between}}
                    return pending.Max() + Count();

                    int Count() => pending.Count();
                }
                """),
            // Every read is in a local function, which reads the local where it is called.
            ("local functions", """
                public int M(List<int> queue)
                {
                    var pending = queue.Where(static j => j > 0);
                    {{between}}
                    return Count() + Max();

                    int Count() => pending.Count();
                    int Max() => pending.Max();
                }
                """),
            // The lambda Where is given runs when `ready` is read.
            ("a lazy query's lambda", """
                public int M(List<int> queue, int[] jobs)
                {
                    var pending = queue.Where(static j => j > 0);
                    var ready = jobs.Where(j => !pending.Contains(j));
                    {{between}}
                    return ready.Count() + pending.Count();
                }
                """),
            // An async local function reads where it is called up to its first await: an await using declaration awaits
            // only when its block ends.
            ("an async local function reading under an await using declaration", """
                public async System.Threading.Tasks.Task<int> M(List<int> queue)
                {
                    var pending = queue.Where(static j => j > 0);
                    {{between}}
                    return await Total() + pending.Count();

                    async System.Threading.Tasks.Task<int> Total()
                    {
                        await using var gate = new System.IO.MemoryStream();
                        return pending.Sum();
                    }
                }
                """),
            // A parameter, read by the lambda kept in `top` where top() is called.
            ("a lambda kept in a local", """
                public int M(IEnumerable<int> pending, List<int> queue)
                {
                    System.Func<int> top = () => pending.Max();
                    {{between}}
                    return top() + pending.Sum();
                }
                """),
        })
        {
            data.Add(shape, body.Replace("{{between}}", "queue.Add(5);"), false);
            data.Add(shape, body.Replace("{{between}}", "var limit = 3;"), true);
        }

        // A function handed to a method that may keep it (not LINQ's, not called) may run after any code: Register's own
        // call, or queue.Add(5), may change what pending gives before then. Given to LINQ, it runs in the call.
        foreach (var given in new[] { "Register(() => pending.Max());", "System.Func<int> top = () => pending.Max(); Register(top);", "Register(Top); int Top() => pending.Max();" })
        {
            data.Add("a function handed to a method that may keep it", """
                public int M(IEnumerable<int> pending, List<int> queue)
                {
                    {{given}}
                    return pending.Sum();
                }

                private static void Register(System.Func<int> f) { }
                """.Replace("{{given}}", given), false);
        }

        // Every read in a function that leaves the method: the first may run after anything the caller does.
        data.Add("a function handed to a method that may keep it", """
            public System.Func<int> M(IEnumerable<int> pending, List<int> queue)
            {
                return () => pending.Max() + pending.Count();
            }
            """, false);

        data.Add("a function given to LINQ", """
            public int M(IEnumerable<int> pending, int[] keys)
            {
                var best = keys.Max(k => pending.Max() + k);
                return best + pending.Sum();
            }
            """, true);

        // An async local function's read in a loop with an await in it: its next pass reads after the call has returned,
        // after queue.Add(5).
        data.Add("an async local function reading in a loop with an await", """
            public async System.Threading.Tasks.Task<int> M(List<int> queue)
            {
                var pending = queue.Where(static j => j > 0);
                var twice = Twice();
                queue.Add(5);
                return await twice + pending.Count();

                async System.Threading.Tasks.Task<int> Twice()
                {
                    var s = 0;
                    for (var i = 0; i < 2; i++) { s += pending.Sum(); await System.Threading.Tasks.Task.Yield(); }
                    return s;
                }
            }
            """, false);

        // A lambda that only hands the sequence on does not read it: queue.Add(5) after it still runs before the reads.
        data.Add("a local function beside a direct read", """
            public int M(List<int> queue)
            {
                var pending = queue.Where(static j => j > 0);
                System.Func<IEnumerable<int>> late = () => pending; queue.Add(5);
                return pending.Max() + Count();

                int Count() => pending.Count();
            }
            """, false);

        return data;
    }

    [Theory]
    [MemberData(nameof(ReadsThatRunLater))]
    public async Task MaterializeIsNotOfferedBeforeCodeThatRunsBeforeALaterRead(string shape, string method, bool offered)
    {
        _ = shape;
        var source = $$"""
            using System.Collections.Generic;
            using System.Linq;

            public class C
            {
            {{method}}
            }
            """;

        Assert.Equal(offered, await IsOffered(source));
    }

    /// <summary>
    /// An operator that reads its source at once (ToLookup gives an interface that is a sequence too, but it is built
    /// there) reads it where it is written: the code after it runs after that read, and the fix is offered.
    /// </summary>
    [Fact]
    public async Task MaterializeIsOfferedWhereAnEagerOperatorReadsFirst()
    {
        const string source = """
            using System.Collections.Generic;
            using System.Linq;

            public class C
            {
                public int M(List<int> queue)
                {
                    var pending = queue.Where(static j => j > 0);
                    var byValue = pending.ToLookup(static j => j);
                    queue.Add(5);
                    return byValue.Count + pending.Count();
                }
            }
            """;

        Assert.True(await IsOffered(source));
    }

    [Fact]
    public async Task AnAggregateMethodsSourceReadAgainIsMaterialized()
    {
        const string Declaration = """
            using System.Collections.Generic;
            using System.Linq;
            using MultiAgg;

            public static partial class Stats
            {
                [Aggregate(Agg.Sum, Agg.Max)]
                public static partial (int Sum, int Max) Of(IEnumerable<int> values);
            }

            """;
        const string testCode = Declaration + """
            public class C
            {
                public int M(IEnumerable<int> xs)
                {
                    var (sum, max) = Stats.Of(xs);
                    return sum + max + {|MAGG001:xs|}.Count();
                }
            }
            """;
        const string fixedSource = Declaration + """
            public class C
            {
                public int M(IEnumerable<int> xs)
                {
                    xs = xs.ToList();
                    var (sum, max) = Stats.Of(xs);
                    return sum + max + xs.Count();
                }
            }
            """;

        await CodeFixVerifier.VerifyAsync(testCode, fixedSource, Materialize);
    }

    [Fact]
    public async Task ParameterIsReassignedFirstAndIndexingUsesToArray()
    {
        const string testCode = """
            using System.Collections.Generic;
            using System.Linq;

            public class C
            {
                public int M(IEnumerable<int> xs) => xs.ElementAt(1) + {|MAGG001:xs|}.Count();
            }
            """;
        const string fixedSource = """
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
            """;

        await CodeFixVerifier.VerifyAsync(testCode, fixedSource, Materialize);
    }

    [Fact]
    public async Task ParameterInABlockBodyAddsSystemLinqWhenMissing()
    {
        const string testCode = """
            using System.Collections.Generic;

            public class C
            {
                public int M(IEnumerable<int> xs)
                {
                    var n = 0;
                    foreach (var x in xs) n += x;
                    foreach (var x in {|MAGG001:xs|}) n -= x;
                    return n;
                }
            }
            """;
        const string fixedSource = """
            using System.Collections.Generic;
            using System.Linq;

            public class C
            {
                public int M(IEnumerable<int> xs)
                {
                    var n = 0;
                    xs = xs.ToList();
                    foreach (var x in xs) n += x;
                    foreach (var x in xs) n -= x;
                    return n;
                }
            }
            """;

        await CodeFixVerifier.VerifyAsync(testCode, fixedSource, Materialize);
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
                var total = {|MAGG001:invoices|}.Sum(i => i.Amount);
                return $"{late} {total}";
            }

            public static string Lines(IEnumerable<Invoice> invoices)
            {
                var late = invoices.Count(i => i.DaysLate > 0);
                var value = {|MAGG001:invoices|}.Sum(i => i.Lines.Select(l => l.Price * l.Quantity).Sum());
                var urgent = {|MAGG001:invoices|}.Count(i => i.Tags.Contains("urgent"));
                return $"{late} {value} {urgent}";
            }

            public static string Paid(IEnumerable<Invoice> invoices)
            {
                var paid = invoices.Where(i => i.IsPaid);
                var amount = paid.Sum(i => i.Amount);
                var largest = {|MAGG001:paid|}.Max(i => i.Amount);
                return $"{amount} {largest}";
            }
        }
        """;

    [Fact]
    public async Task NamesSayWhatIsComputedAndIdenticalHelpersAreShared()
    {
        // Helpers named after what they compute (predicates as questions, else the members they
        // read), the second IsDaysLateAbove0 reused, not copied; the second method summarizing
        // `invoices` named after its results, not SummarizeInvoices2; `paid` (a `var`, so
        // declared nullable) passed as the non-null value it is.
        const string fixedSource = """
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
            """;

        await CodeFixVerifier.VerifyAsync(Invoices, fixedSource, MultipleEnumerationFixAll.EquivalenceKey);
        TestCompiler.Run(TestCompiler.Compile(fixedSource)).AssertClean();
    }
}

/// <summary>What the fixes keep as the code had it: calls that may not run, guards, comments, a local's type.</summary>
public class CodeFixFaithfulnessTests
{
    private const string Fuse = FuseAggregatesCodeFix.EquivalenceKey;
    private const string Materialize = MaterializeOnceCodeFix.EquivalenceKey;

    /// <summary>
    /// Two initializers of a primary constructor's type enumerate its parameter: neither fix has a body to put a pass or a
    /// buffer in, so none is offered (the diagnostic stays, as a warning to restructure by hand).
    /// </summary>
    [Fact]
    public async Task NoFixIsOfferedAcrossAPrimaryConstructorsInitializers()
    {
        var project = CodeFixRunner.CreateProject("""
            using System.Collections.Generic;
            using System.Linq;

            public class Summary(IEnumerable<int> xs)
            {
                public int Total { get; } = xs.Sum();
                public int Largest { get; } = xs.Max();
            }
            """);

        Assert.Single(await CodeFixRunner.GetDiagnosticsAsync(project));
        Assert.Empty(await CodeFixRunner.GetActionsAsync(project));
    }

    /// <summary>
    /// A lambda in a nested type's primary-constructor base argument belongs to no member of the type around it: the new
    /// method, written there, could not name the nested type's type parameter (CS0246). No fix is offered.
    /// </summary>
    [Fact]
    public async Task NoFuseIsOfferedInANestedTypesBaseArgument()
    {
        var project = CodeFixRunner.CreateProject("""
            using System.Collections.Generic;
            using System.Linq;

            public class Base(int value)
            {
                public int Value { get; } = value;
            }

            public partial class Outer
            {
                private static int Run(System.Func<int> f) => f();

                public class Inner<T>(IEnumerable<T> items) : Base(Run(() => { var c = items.Count(); var f = items.Any() ? 1 : 0; return c + f; }))
                {
                }
            }
            """);

        Assert.Equal("MAGG001", (await CodeFixRunner.GetDiagnosticsAsync(project))[0].Id);   // the diagnostic the actions are asked for
        Assert.DoesNotContain(await CodeFixRunner.GetActionsAsync(project), static a => a.EquivalenceKey == Fuse);
    }

    /// <summary>A lambda that reads a local constant keeps reading it in the method the fix extracts: it is passed, as any captured local.</summary>
    [Fact]
    public async Task FuseExtractsALambdaThatReadsALocalConstant()
    {
        await CodeFixVerifier.VerifyAsync("""
            using System.Collections.Generic;
            using System.Linq;

            public class C
            {
                public int M(IEnumerable<int> xs)
                {
                    const int k = 3;
                    var sum = xs.Sum(x => x * k);
                    var max = {|MAGG001:xs|}.Max();
                    return sum + max;
                }
            }
            """, """
            using System.Collections.Generic;
            using System.Linq;
            using MultiAgg;

            public partial class C
            {
                public int M(IEnumerable<int> xs)
                {
                    const int k = 3;
                    var (sum, max) = SummarizeXs(xs, k);
                    return sum + max;
                }

                [Aggregate(Agg.Sum, Of = nameof(TimesK))]
                [Aggregate(Agg.Max)]
                private static partial (int Sum, int Max) SummarizeXs(IEnumerable<int> xs, int k);

                private static int TimesK(int x, int k) => x * k;
            }
            """, Fuse);
    }

    /// <summary>
    /// `var _ = xs.Sum();` declares a local named _, which a deconstruction would turn into a discard: it is not reused as
    /// the fused result (a later read of it would not compile).
    /// </summary>
    [Fact]
    public async Task FuseDoesNotReuseALocalNamedUnderscore()
    {
        await CodeFixVerifier.VerifyAsync("""
            using System.Collections.Generic;
            using System.Linq;

            public class C
            {
                public int M(IEnumerable<int> xs)
                {
                    var _ = xs.Sum();
                    var max = {|MAGG001:xs|}.Max();
                    return _ + max;
                }
            }
            """, """
            using System.Collections.Generic;
            using System.Linq;
            using MultiAgg;

            public partial class C
            {
                public int M(IEnumerable<int> xs)
                {
                    var (sum, max) = SummarizeXs(xs);
                    var _ = sum;
                    return _ + max;
                }

                [Aggregate(Agg.Sum, Agg.Max)]
                private static partial (int Sum, int Max) SummarizeXs(IEnumerable<int> xs);
            }
            """, Fuse);
    }

    /// <summary>
    /// Where a buffer would change what the code does, Materialize once is not offered: a constructor initializer reads the
    /// parameter before any statement could buffer it; a local outside a block (a switch section) whose source changes
    /// before it is read, or an async local read in a <c>try</c>, could only be buffered where it is declared; reads that
    /// take a few elements each may be of an endless source, which a buffer would never finish.
    /// </summary>
    [Theory]
    [InlineData("a constructor initializer reads it", "public D(IEnumerable<int> xs) : base(xs.Count()) { Max = xs.Max(); }")]
    [InlineData("a local of a switch section, its source changed before it is read",
        "public D(int mode, List<int> jobs) : base(0) { switch (mode) { case 1: var pending = jobs.Where(j => j > 0); jobs.Add(5); Max = pending.Count() + pending.Sum(); break; } }")]
    [InlineData("an async local first read in a try",
        "public static async Task<int> CountAsync(string path) { var lines = Lines(path); try { var n = await lines.CountAsync(); await foreach (var l in lines) n += l; return n; } catch (System.IO.IOException) { return -1; } }")]
    [InlineData("a local of a switch section, a field set before it is read",
        "public D(int mode, List<int> jobs) : base(0) { switch (mode) { case 1: var pending = jobs.Where(j => !_paused); _paused = true; Max = pending.Count() + pending.Sum(); break; } }")]
    [InlineData("reads of a few elements each", "public static int FirstTwo(IEnumerable<int> xs) => xs.First() + xs.ElementAt(1);")]
    [InlineData("reads of a few elements each, to a bound or past a few", "public static int Bounded(IEnumerable<int> fib) => fib.First() + fib.TakeWhile(f => f < 4_000_000).Where(f => f % 2 == 0).Sum() + fib.Skip(10).First() + fib.Select(f => f * 2).Take(10).Sum();")]
    [InlineData("async reads of a few elements each", "public static async Task<int> FirstTwoAsync(IAsyncEnumerable<int> xs) => await xs.FirstAsync() + await xs.ElementAtAsync(1);")]
    [InlineData("an iterator that streams a parameter to its caller", "public static IEnumerable<int> Pass(IEnumerable<int> xs) { if (!xs.Any()) yield break; foreach (var x in xs) yield return x; }")]
    [InlineData("an iterator that streams a local to its caller", "public static IEnumerable<int> Pass(int n) { var xs = Enumerable.Range(0, n).Where(x => x > 1); if (!xs.Any()) yield break; foreach (var x in xs) { if (x > 5) yield return x; } }")]
    [InlineData("an async iterator that streams a parameter to its caller", "public static async IAsyncEnumerable<int> PassAsync(IAsyncEnumerable<int> xs) { if (!await xs.AnyAsync()) yield break; await foreach (var x in xs) yield return x; }")]
    [InlineData("an iterator whose read before the loop may stop at a match", "public static IEnumerable<int> Pass(IEnumerable<int> xs) { if (!xs.Any(x => x > 0)) yield break; foreach (var x in xs) yield return x; }")]
    [InlineData("an iterator whose whole read before the loop is in a branch", "public static IEnumerable<int> Pass(IEnumerable<int> xs, bool withTotal) { if (withTotal) yield return xs.Sum(); foreach (var x in xs) yield return x; }")]
    [InlineData("an iterator whose whole read before the loop is in a switch arm", "public static IEnumerable<int> Pass(IEnumerable<int> xs, bool withMax) { var m = withMax switch { true => xs.Max(), false => 0 }; foreach (var x in xs) yield return x + m; }")]
    [InlineData("an iterator whose whole read before the loop is in a lambda", "public static IEnumerable<int> Pass(IEnumerable<int> xs) { Func<int> max = () => xs.Max(); foreach (var x in xs) yield return x * max(); }")]
    [InlineData("a local given another value on one path before it is read",
        "public static int Visible(IEnumerable<int> items, List<int> all, IEnumerable<int> enabled, bool blocked) { IEnumerable<int> ids = enabled.Where(e => e > 0); if (blocked) ids = all.Where(i => i > 0); return items.Count(ids.Contains); }")]
    [InlineData("a parameter given another value by an out argument on one path before it is read",
        "public static int Visible(IEnumerable<int> items, List<int> all, IEnumerable<int> ids, bool blocked) { if (blocked) Load(all, out ids); return items.Count(ids.Contains); } static void Load(List<int> all, out IEnumerable<int> ids) => ids = all.Where(i => i > 0);")]
    [InlineData("a parameter given another value by a deconstruction on one path before it is read",
        "public static int Visible(IEnumerable<int> items, List<int> all, IEnumerable<int> ids, bool blocked) { var n = 0; if (blocked) (ids, n) = (all.Where(i => i > 0), 1); return n + items.Count(ids.Contains); }")]
    [InlineData("a parameter given another value on one path before it is read",
        "public static int Visible(IEnumerable<int> items, List<int> all, IEnumerable<int> ids, bool blocked) { if (blocked) ids = all.Where(i => i > 0); return items.Count(ids.Contains); }")]
    [InlineData("a parameter read in a try and again in its catch",
        "public static int Lines(IEnumerable<int> xs) { try { return xs.Count(); } catch (InvalidOperationException) { return xs.Count(); } }")]
    [InlineData("a parameter read in a try that a goto retries",
        "public static int Retried(IEnumerable<int> xs) { var attempts = 0; retry: try { return xs.Sum() + xs.Max(); } catch (InvalidOperationException) when (attempts++ < 3) { goto retry; } }")]
    [InlineData("a parameter read in a try inside a loop",
        "public static int Looped(IEnumerable<int> xs) { var t = 0; for (var i = 0; i < 3; i++) { try { t += xs.Sum() + xs.Max(); } catch (InvalidOperationException) { } } return t; }")]
    [InlineData("a parameter read only in one arm of a switch expression",
        "public static int Score(IEnumerable<int> xs, int mode) => mode switch { 1 => xs.Sum() + xs.Count(), _ => 0 };")]
    [InlineData("a parameter read only in one branch of ?:",
        "public static int Score(IEnumerable<int> xs, bool full) { return full ? xs.Sum() * xs.Count() : -1; }")]
    [InlineData("a local read only in one branch of ?:",
        "public static int Pick(int n, bool flag) { var xs = Enumerable.Range(0, n).Where(x => x > 1); var r = flag ? xs.Sum() + xs.Max() : 0; return r; }")]
    [InlineData("a parameter read only where the right of && runs",
        "public static bool Any(IEnumerable<int> xs, bool on) => on && xs.Count() > xs.Max();")]
    [InlineData("a local whose source another path changes before it is read",
        "public static int Pending(List<int> jobs, bool verbose) { var pending = jobs.Where(j => j > 0); if (verbose) Console.WriteLine(pending.Count()); else jobs.Add(5); return pending.Sum(); }")]
    [InlineData("a parameter given another value on the path that has not read it",
        "public static int Load(IEnumerable<int> xs, bool fresh) { if (!fresh) Console.WriteLine(xs.Count()); else xs = Fresh(); return xs.Sum(); } static IEnumerable<int> Fresh() => [1];")]
    [InlineData("a local of a loop's body that a continue in a switch leaves unread",
        "public static int Total(List<List<int>> orders) { var total = 0; foreach (var o in orders) { var lines = o.Where(l => l > 0); switch (o.Count) { case 0: continue; case 1: Console.WriteLine(lines.Count()); break; } total += lines.Sum(); } return total; }")]
    [InlineData("a parameter read in a try of a local function",
        "public static int Safely(IEnumerable<int> xs) { return Safe() + xs.Count(); int Safe() { try { return xs.Sum(); } catch (InvalidOperationException) { return 0; } } }")]
    [InlineData("a parameter a query expression reads, its source changed before the query is read",
        "public static int Ready(List<int> jobs, IEnumerable<int> pending) { var ready = from j in jobs where !pending.Contains(j) select j; jobs.Add(5); return ready.Count() + pending.Count(); }")]
    [InlineData("a parameter read only by the lazy query a method returns",
        "public static IEnumerable<int> Keep(IEnumerable<int> src, IEnumerable<int> excluded) => src.Where(x => !excluded.Contains(x));")]
    [InlineData("a parameter a local function replaces on one path before it is read",
        "public static int Visible(IEnumerable<int> items, List<int> all, IEnumerable<int> ids, bool blocked) { void Reset() => ids = all.Where(i => i > 0); if (blocked) Reset(); return items.Count(ids.Contains) + ids.Count(); }")]
    [InlineData("a local of a switch section whose lambda reads a local set before it is read",
        "public D(int mode, int[] nums) : base(0) { switch (mode) { case 1: var t = 10; var big = nums.Where(n => n > t); t = 20; Max = big.Count() + big.Sum(); break; } }")]
    [InlineData("a parameter read only by a lazy query kept in a local the method returns",
        "public static IEnumerable<int> Keep(IEnumerable<int> src, IEnumerable<int> excluded) { var kept = src.Where(x => !excluded.Contains(x)); return kept; }")]
    [InlineData("a parameter a loop that never reads it may return before",
        "public static int Scored(IEnumerable<int> xs, int[] ws, int mode) { if (mode == 1) { foreach (var w in ws) if (w < 0) return -1; return xs.Sum() * xs.Count(); } return xs.Max(); }")]
    [InlineData("a local of a switch section whose filter, a local function beside it, reads a local set before it is read",
        "public D(int mode, int[] nums) : base(0) { var t = 10; bool Big(int n) => n > t; switch (mode) { case 1: var big = nums.Where(Big); t = 20; Max = big.Count() + big.Sum(); break; } }")]
    [InlineData("a parameter a lazy query reads, assigned to a local whose source changes before it is read",
        "public static int Ready(List<int> jobs, List<int> queue) { var pending = queue.Where(static j => j > 0); IEnumerable<int> ready; ready = jobs.Where(j => !pending.Contains(j)); queue.Add(5); return ready.Count() + pending.Count(); }")]
    [InlineData("a parameter read only by a lazy query assigned to a local the method returns",
        "public static IEnumerable<int> Keep(IEnumerable<int> src, IEnumerable<int> excluded) { IEnumerable<int> kept; kept = src.Where(x => !excluded.Contains(x)); return kept; }")]
    [InlineData("a parameter read by local functions that call each other, called on one path only",
        "public sealed class Node { public int Id; public List<Node> Children = new(); } public static int Mark(Node root, IEnumerable<int> skip, bool deep) { if (deep) Visit(root); void Visit(Node n) { if (!skip.Contains(n.Id)) VisitAll(n.Children); } void VisitAll(List<Node> ns) { foreach (var c in ns) Visit(c); } Console.WriteLine(); return skip.Count() + skip.Sum(); }")]
    [InlineData("a local of a block in a switch section that a goto case leaves unread",
        "public static int Sections(int mode, bool flag) { var total = 0; switch (mode) { case 1: { IEnumerable<int> q = Load(); if (flag) goto case 2; else total = q.Count() + q.Sum(); break; } case 2: Console.WriteLine(); break; } return total; } static IEnumerable<int> Load() => new[] { 1 };")]
    [InlineData("a parameter read in a do-while whose continue runs its condition's code first",
        "public static int Drained(IEnumerable<int> xs, Queue<int> queue, bool c) { var n = 0; do { if (!c) continue; n += xs.Count() + xs.Sum(); } while (queue.TryDequeue(out _)); return n; }")]
    [InlineData("a parameter a lazy query reads, kept in a local given another value on one path",
        "public static int Ready(List<int> jobs, List<int> queue, IEnumerable<int> blocked, bool flag) { var ready = jobs.Where(j => !blocked.Contains(j)); if (flag) ready = queue; var n = ready.Count(); queue.Add(1); return n + blocked.Sum(); }")]
    [InlineData("a parameter lazy queries read in the arms of a switch expression kept in a local, its source changed before it is read",
        "public static int Ready(List<int> jobs, List<int> queue, IEnumerable<int> blocked, int mode) { var ready = mode switch { 1 => jobs.Except(blocked), _ => jobs.Where(j => !blocked.Contains(j)) }; queue.Add(5); return ready.Count() + blocked.Sum(); }")]
    [InlineData("a parameter a lazy query reads, kept in a local a local function deconstructs another value into",
        "public static int Swapped(List<int> jobs, List<int> queue, IEnumerable<int> blocked) { var ready = jobs.Where(j => !blocked.Contains(j)); int n; void Swap() => (ready, n) = (queue, 1); Swap(); queue.Add(5); return ready.Count() + n + blocked.Sum(); }")]
    [InlineData("a parameter a lazy query reads in one arm of ?: kept in a local, its source changed before the other arm's value is read",
        "public static int Ready(List<int> jobs, List<int> queue, IEnumerable<int> blocked, bool flag) { var ready = flag ? jobs.Where(j => !blocked.Contains(j)) : jobs; var n = ready.Count(); queue.Add(5); return n + blocked.Sum(); }")]
    [InlineData("a parameter a lazy query reads in one arm of ?: read at once, its source changed before it is read on the other path",
        "public static int Ready(List<int> jobs, List<int> queue, IEnumerable<int> blocked, bool flag) { var n = (flag ? jobs.Where(j => !blocked.Contains(j)) : jobs).Count(); queue.Add(5); return n + blocked.Sum(); }")]
    [InlineData("loops that may stop before an endless sequence ends",
        "public static int Below(IEnumerable<int> primes, int n) { var c = 0; foreach (var p in primes) { if (p >= n) break; c++; } var s = 0; foreach (var p in primes) { if (p >= n) return s; s += p; } return c + s; }")]
    [InlineData("async loops that may stop before an endless sequence ends",
        "public static async Task<int> Below(IAsyncEnumerable<int> ticks, int n) { var c = 0; await foreach (var t in ticks) { if (t >= n) break; c++; } await foreach (var t in ticks.ConfigureAwait(false)) { if (t >= n) break; c += t; } return c; }")]
    [InlineData("an async local function whose only await reads the sequence",
        "public static async Task<int> Totals(IAsyncEnumerable<int> xs) { var n = await xs.CountAsync(); return n + await Total(); async Task<int> Total() => await xs.SumAsync(); }")]
    [InlineData("a parameter read under a lock and again after it",
        "public static int Locked(IEnumerable<int> xs, object gate) { int a; lock (gate) { a = xs.Count(); } return a + xs.Sum(); }")]
    [InlineData("a local whose initializer has no type of its own, which the buffer's call would take away",
        "public static int Items(bool flag, List<string> names, List<Uri> uris) { IEnumerable<object> items = flag ? names.Where(n => n != \"\") : uris.Where(u => u.IsFile); return items.Count() + (items.Last() is null ? 0 : 1); }")]
    [InlineData("a local whose first read's argument changes its source before the read enumerates",
        "public static int Pending(List<int> queue) { var pending = queue.Where(j => j > 0); var hit = pending.Contains(Enqueue(queue, 5)); return (hit ? 1 : 0) + pending.Count(); } static int Enqueue(List<int> q, int v) { q.Add(v); return v; }")]
    [InlineData("a parameter given a tuple element of its name on one path before it is read",
        "public static int Total(IEnumerable<int> items, bool reload) { if (reload) { var page = Load(); items = page.items; } return items.Count() + items.Sum(); } static (IEnumerable<int> items, int n) Load() => (new[] { 1 }, 1);")]
    [InlineData("a parameter given a member of its name on one path before it is read",
        "public sealed class Page { public IEnumerable<int> items = new[] { 1 }; } public static int Total(IEnumerable<int> items, Page page, bool reload) { if (reload) items = page.items; return items.Count() + items.Sum(); }")]
    [InlineData("an async local function that reads the sequence after its first await, called before code that changes its source",
        "public static async Task<int> Later(List<int> source) { var xs = source.Where(s => s > 0); var t = SumLater(); source.Add(5); return await t + xs.Count(); async Task<int> SumLater() { await Task.Delay(10); return xs.Sum(); } }")]
    [InlineData("an iterator local function that reads the sequence, called before code that changes its source",
        "public static int Later(List<int> source) { var xs = source.Where(s => s > 0); var stats = Stats(); source.Add(5); return xs.Count() + xs.Max() + stats.First(); IEnumerable<int> Stats() { yield return xs.Sum(); } }")]
    [InlineData("a parameter read for a few elements, then given another value read twice",
        "public static int Total(IEnumerable<int> feed, Func<IEnumerable<int>> reload) { var first = feed.First(); feed = reload(); return first + feed.Sum() + feed.Count(); }")]
    [InlineData("a local read for a few elements, then given another value read twice",
        "public static int Total(string[] lines, Func<IEnumerable<int>> reload) { IEnumerable<int> xs = lines.Select(int.Parse); var first = xs.First(); xs = reload(); return first + xs.Sum() + xs.Count(); }")]
    [InlineData("an iterator streaming a parameter that one branch gives another value",
        "public static IEnumerable<int> Pass(IEnumerable<int> xs, bool reset) { var any = xs.Any(x => x > 5); if (reset) xs = Array.Empty<int>(); foreach (var x in xs) yield return x; }")]
    [InlineData("a local tested for a collection type between its reads",
        "public static int Lines(string[] all) { var lines = all.Where(l => l.Length > 0); var n = lines.Count(); Console.WriteLine(lines is ICollection<string> ? 1 : 0); return n + lines.Sum(l => l.Length); }")]
    [InlineData("a parameter stored in a field after its reads, which would hold the list instead of the caller's sequence",
        "public void Keep(IEnumerable<int> orders) { var n = orders.Count() + orders.Sum(); _kept = orders; Console.WriteLine(n); }")]
    [InlineData("a parameter stored in a property after its reads",
        "public void Keep(IEnumerable<int> orders) { var n = orders.Count() + orders.Sum(); Kept = orders; Console.WriteLine(n); }")]
    [InlineData("a parameter tested for a collection type after its reads, which the list always is",
        "public static int Cleared(IEnumerable<int> items) { var n = items.Count() + items.Sum(); if (items is ICollection<int> c) c.Clear(); return n; }")]
    [InlineData("a parameter whose type a switch tests after its reads",
        "public static int Cleared(IEnumerable<int> items) { var n = items.Count() + items.Sum(); switch (items) { case ICollection<int> c: c.Clear(); break; } return n; }")]
    [InlineData("a local whose type a switch expression tests between its reads",
        "public static int Lines(string[] all) { var lines = all.Where(l => l.Length > 0); var n = lines.Count(); Console.WriteLine(lines switch { ICollection<string> => 1, _ => 0 }); return n + lines.Sum(l => l.Length); }")]
    [InlineData("a parameter compared with another sequence, which the list never equals",
        "public static bool Same(IEnumerable<int> x, IEnumerable<int> y) { if (x == y) return true; return x.Count() == y.Count() && x.SequenceEqual(y); }")]
    [InlineData("a parameter used as a dictionary's key after its reads, which a new list would miss every time",
        "private readonly Dictionary<IEnumerable<int>, int> _scores = new(); public int Score(IEnumerable<int> xs) { if (_scores.TryGetValue(xs, out var hit)) return hit; var score = xs.Sum() * xs.Count(); _scores[xs] = score; return score; }")]
    [InlineData("a parameter compared by ReferenceEquals after its reads (before them, it still sees the caller's object)",
        "public static int Same(IEnumerable<int> x, IEnumerable<int> y) { var n = x.Count() + x.Sum(); return ReferenceEquals(x, y) ? n : -n; }")]
    [InlineData("a parameter compared by its Equals",
        "public static bool Same(IEnumerable<int> x, IEnumerable<int> y) { if (x.Equals(y)) return true; return x.Count() == y.Count() && x.SequenceEqual(y); }")]
    [InlineData("a parameter searched for in a collection after its reads",
        "public static int Known(IEnumerable<int> xs, IEnumerable<int>[] known) { var n = xs.Count() + xs.Sum(); return known.Contains(xs) ? n : -n; }")]
    [InlineData("a parameter searched for in an array after its reads",
        "public static int Known(IEnumerable<int> xs, IEnumerable<int>[] known) { var n = xs.Count() + xs.Sum(); return Array.IndexOf(known, xs) >= 0 ? n : -n; }")]
    [InlineData("a local added to a set after its reads",
        "private readonly HashSet<IEnumerable<int>> _seen = new(); public int Keep(int[] src) { var q = src.Where(x => x > 0); var n = q.Count() + q.Sum(); _seen.Add(q); return n; }")]
    [InlineData("a local put in a collection initializer and a collection expression after its reads",
        "public static int Keep(int[] src) { var q = src.Where(x => x > 0); var n = q.Count() + q.Sum(); var seen = new HashSet<IEnumerable<int>> { q }; List<IEnumerable<int>> all = [q]; return n + seen.Count + all.Count; }")]
    [InlineData("a parameter cast after its reads",
        "public static int Cleared(IEnumerable<int> items) { var n = items.Count() + items.Sum(); var list = items as IList<int>; return n + (list?.Count ?? 0); }")]
    [InlineData("a local stored in a field after its reads, which would hold the list instead of the lazy query",
        "public void Keep(int[] src) { var q = src.Where(x => x > 0); var n = q.Count() + q.Sum(); _kept = q; Console.WriteLine(n); }")]
    public async Task MaterializeIsNotOfferedWhereItWouldChangeBehaviour(string name, string member)
    {
        _ = name;
        var project = CodeFixRunner.CreateProject($$"""
            using System;
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading.Tasks;

            public class B
            {
                public B() { }

                public B(int n) { }
            }

            public class D : B
            {
                private bool _paused;

                private IEnumerable<int>? _kept;

                public IEnumerable<int>? Kept { get; set; }

                public int Max { get; }

                {{member}}

                private static async IAsyncEnumerable<int> Lines(string path)
                {
                    await Task.Yield();
                    yield return path.Length;
                }
            }
            """);

        Assert.Equal("MAGG001", (await CodeFixRunner.GetDiagnosticsAsync(project))[0].Id);   // the diagnostic the actions are asked for
        Assert.DoesNotContain(await CodeFixRunner.GetActionsAsync(project), static action => action.EquivalenceKey == Materialize);
    }

    /// <summary>
    /// An iterator that reads the whole sequence before it yields (a <c>Max</c> first) streams nothing a buffer would
    /// change: Materialize once is offered there, where one whose reads before the loop take a few elements is not.
    /// </summary>
    [Theory]
    [InlineData("var max = xs.Max(); foreach (var x in xs) yield return x / max;")]
    [InlineData("var mean = xs.Sum() / (double)xs.Count(); foreach (var x in xs) yield return x - mean;")]
    [InlineData("if (xs.Count() == 0) yield break; foreach (var x in xs) yield return x;")]
    [InlineData("yield return xs.Max(); foreach (var x in xs) yield return x;")]
    public async Task MaterializeIsOfferedInAnIteratorThatReadsItAllBeforeItYields(string body)
    {
        var fixedSource = await CodeFixRunner.ApplyAsync($$"""
            using System.Collections.Generic;
            using System.Linq;

            public static class C
            {
                public static IEnumerable<double> Scale(IEnumerable<double> xs)
                {
                    {{body}}
                }
            }
            """, Materialize);
        Assert.Contains("xs.ToList()", fixedSource);
    }

    /// <summary>
    /// A value given where the old one is null (nothing to buffer), or in a lambda (which runs where it is called), leaves
    /// the buffer standing for what the reads read: Materialize once is still offered.
    /// </summary>
    [Theory]
    [InlineData("if (ids == null) ids = new List<int>(); return items.Count(ids.Contains);")]
    [InlineData("if (ids is null) { ids = new List<int>(); } return items.Count(ids.Contains);")]
    [InlineData("System.Action reset = () => ids = all.Where(i => i > 0); return items.Count(ids.Contains);")]
    public async Task MaterializeIsOfferedWhereANewValueReplacesNothingItBuffers(string body)
    {
        var fixedSource = await CodeFixRunner.ApplyAsync($$"""
            using System.Collections.Generic;
            using System.Linq;

            public class C
            {
                public static int Visible(IEnumerable<int> items, List<int> all, IEnumerable<int>? ids)
                {
                    {{body}}
                }
            }
            """, Materialize);
        Assert.Contains("ids = ids", fixedSource);
        Assert.Contains("ToList()", fixedSource);
    }

    /// <summary>
    /// Where every path from the buffer reads the sequence before anything else runs, Materialize once is offered: a read
    /// on the right of <c>&amp;&amp;</c> or <c>||</c> before the branch it leads to, an array's element (no code), an
    /// indexer's setter (it runs after the value), a loop that may leave before its read (as it may not run at all), a
    /// path that throws, and a local function that reads nothing before the one that does.
    /// </summary>
    [Theory]
    [InlineData("public static List<int> Missing(int[] ids, IEnumerable<int> known) { var missing = new List<int>(); foreach (var id in ids) if (id > 0 && !known.Contains(id)) missing.Add(id); return missing; }", "known = known.ToList();")]
    [InlineData("public static List<int> Missing(int[] ids, IEnumerable<int> known) { var missing = new List<int>(); foreach (var id in ids) { if (id <= 0 || known.Contains(id)) continue; missing.Add(id); } return missing; }", "known = known.ToList();")]
    [InlineData("public static int Hits(int[] a, IEnumerable<int> known) { var n = 0; for (var i = 0; i < a.Length; i++) { var id = a[i]; if (known.Contains(id)) n++; } return n; }", "known = known.ToList();")]
    [InlineData("public static Dictionary<string, int> Stats(IEnumerable<int> xs) { var stats = new Dictionary<string, int>(); stats[\"sum\"] = xs.Sum(); stats[\"count\"] = xs.Count(); return stats; }", "xs = xs.ToList();")]
    [InlineData("public static bool AllKnown(int[] ids, IEnumerable<int> known) { foreach (var id in ids) { if (id < 0) return false; if (!known.Contains(id)) return false; } return true; }", "known = known.ToList();")]
    [InlineData("public static int Score(IEnumerable<int> xs, int mode) => mode switch { 1 => xs.Sum() + xs.Count(), 2 => xs.Max() * xs.Count(), _ => throw new System.ArgumentOutOfRangeException(nameof(mode)) };", "xs = xs.ToList();")]
    [InlineData("public static int Total(IEnumerable<int> xs, string s) { Validate(s); return Sum() + xs.Count(); int Sum() => xs.Sum(); static void Validate(string s) { } }", "xs = xs.ToList();", "Validate(s);")]
    [InlineData("public static int Scaled(IEnumerable<int> xs, int k) { if (k == 0) return 0; return Total() * k; int Total() => Sum() + Count(); int Sum() => xs.Sum(); int Count() => xs.Count(); }", "xs = xs.ToList();", "if (k == 0)")]
    [InlineData("public static string Report(IEnumerable<int> xs) { var line = $\"{nameof(Report)}: {xs.Sum()}\"; return line + xs.Count(); }", "xs = xs.ToList();")]
    [InlineData("public static int Known(IEnumerable<(int, int)> pairs, IEnumerable<int> known) { var n = 0; foreach (var p in pairs) { var (id, q) = p; if (known.Contains(id)) n += q; } return n; }", "known = known.ToList();")]
    [InlineData("public static int Prune(List<int> items, IEnumerable<int> stale) { items.RemoveAll(i => stale.Contains(i)); return items.Count; }", "stale = stale.ToList();")]
    [InlineData("public static int Found(int[] a, IEnumerable<int> known) { var i = 0; do { if (i >= a.Length) return -1; i++; } while (!known.Contains(a[i - 1])); return i; }", "known = known.ToList();")]
    [InlineData("public static int Known(Dictionary<int, int> pairs, IEnumerable<int> known) { var n = 0; foreach (var p in pairs) { var (id, q) = p; if (known.Contains(id)) n += q; } return n; }", "known = known.ToList();")]
    [InlineData("public static List<int> Ordered(List<int> items, IEnumerable<int> order) { items.Sort((a, b) => order.Count(o => o == a) - order.Count(o => o == b)); return items; }", "order = order.ToList();")]
    [InlineData("public static int Switched(IEnumerable<int> xs, int[] ts, bool mode) { var n = 0; int total; if (mode) { foreach (var t in ts) switch (t) { case 0: goto case 1; case 1: n++; break; } total = xs.Sum() + xs.Max(); } else total = xs.Count() * 2 + xs.Min(); return total + n; }", "xs = xs.ToList();")]
    [InlineData("public static int Drained(IEnumerable<int> xs, Queue<int> queue) { var n = 0; do { if (n > 10) break; n += xs.Count() + xs.Sum(); } while (queue.TryDequeue(out _)); return n; }", "xs = xs.ToList();")]
    [InlineData("public sealed class Stats { public int Count; public int Max; } public static Stats Of(IEnumerable<int> xs) { return new Stats { Count = xs.Count(), Max = xs.Max() }; }", "xs = xs.ToList();")]
    [InlineData("public static int Head(IEnumerable<int> xs, bool reset) { var head = xs.First(); if (reset) xs = System.Array.Empty<int>(); return head + xs.Sum(); }", "xs = xs.ToList();")]
    [InlineData("public static int Lines(IEnumerable<int> src) { IEnumerable<int> xs = src.Where(x => x > 0); if (xs is ICollection<int> c) System.Console.WriteLine(c.Count); System.Console.WriteLine(xs.Sum()); return xs.Max(); }", "xs = xs.ToList();")]
    public async Task MaterializeIsOfferedWhereEveryPathReadsFirst(string member, string buffered, string? after = null)
    {
        var fixedSource = await CodeFixRunner.ApplyAsync($$"""
            using System.Collections.Generic;
            using System.Linq;

            public class C
            {
                {{member}}
            }
            """, Materialize);
        Assert.Contains(buffered, fixedSource);
        if (after is not null)
        {
            Assert.True(fixedSource.IndexOf(after, StringComparison.Ordinal) < fixedSource.IndexOf(buffered, StringComparison.Ordinal), fixedSource);
        }
    }

    /// <summary>
    /// Filters added one by one to the same local (<c>orders = orders.Where(...)</c>, six times) are followed once each:
    /// the places a name leads to are found once per name, where they had been found again down every chain of names
    /// (with five filters, about 50 s; with six, far longer). Here it takes a few seconds, the compilation's included.
    /// </summary>
    [Fact(Timeout = 30_000)]
    public async Task MaterializeFollowsManyFiltersOfTheSameLocalQuickly()
    {
        var fixedSource = await CodeFixRunner.ApplyAsync("""
            using System.Collections.Generic;
            using System.Linq;

            public class C
            {
                public static List<int> Filtered(IEnumerable<int> orders, int? a, int? b, int? c, int? d, int? e, int? f)
                {
                    if (a != null) orders = orders.Where(o => o > a);
                    if (b != null) orders = orders.Where(o => o > b);
                    if (c != null) orders = orders.Where(o => o > c);
                    if (d != null) orders = orders.Where(o => o > d);
                    if (e != null) orders = orders.Where(o => o > e);
                    if (f != null) orders = orders.Where(o => o > f);
                    var n = orders.Count();
                    return orders.Skip(n / 2).ToList();
                }
            }
            """, Materialize);
        Assert.Contains("orders = orders.ToList();", fixedSource);
    }

    /// <summary>
    /// Optional filters that give the variable a lazy chain over itself (<c>xs = xs.Where(...)</c>) read nothing: the buffer
    /// goes after the last of them, before the first read, so the reads share one pass of the filters. It went before the
    /// first filter, which left the filters to run again on every read (and MAGG001 reported), or, where a filter was the
    /// first statement, was not offered. Nor does a type test read it (<c>xs as IReadOnlyCollection&lt;int&gt;</c>, as an
    /// <c>is</c> pattern did not already): the code's fast path for a collection tests what it was given.
    /// </summary>
    [Theory]
    [InlineData("""
        if (min != null) xs = xs.Where(x => x >= min);
        if (max != null) xs = xs.Where(x => x <= max).Select(x => x * 2);
        return xs.Count() + xs.Sum();
        """, """
        if (min != null) xs = xs.Where(x => x >= min);
        if (max != null) xs = xs.Where(x => x <= max).Select(x => x * 2);
        xs = xs.ToList();
        return xs.Count() + xs.Sum();
        """)]
    [InlineData("""
        xs = xs.Where(x => x > 0);
        return xs.Count() + xs.Sum();
        """, """
        xs = xs.Where(x => x > 0);
        xs = xs.ToList();
        return xs.Count() + xs.Sum();
        """)]
    [InlineData("""
        var known = xs as IReadOnlyCollection<int>;
        var count = known?.Count ?? xs.Count();
        return count + xs.Sum();
        """, """
        var known = xs as IReadOnlyCollection<int>;
        xs = xs.ToList();
        var count = known?.Count ?? xs.Count();
        """)]
    public async Task MaterializeBuffersAParameterAfterWhatReadsNothing(string body, string expected)
    {
        var source = $$"""
            using System.Collections.Generic;
            using System.Linq;

            public class C
            {
                public static int M(IEnumerable<int> xs, int? min, int? max)
                {
            {{string.Join("\n", body.Split('\n').Select(static line => "        " + line))}}
                }
            }
            """;

        var fixedSource = await CodeFixRunner.ApplyAsync(source, Materialize);
        Assert.Contains(string.Join("\n", expected.Split('\n').Select(static line => "        " + line)), fixedSource.Replace("\r\n", "\n"));
    }

    /// <summary>
    /// A membership test in a loop reads up to a match, the whole sequence where none matches: what a buffer is for, so
    /// Materialize once is offered, though <c>Contains</c> may stop early.
    /// </summary>
    [Fact]
    public async Task MaterializeIsOfferedForAMembershipTestInALoop()
    {
        var fixedSource = await CodeFixRunner.ApplyAsync("""
            using System.Collections.Generic;
            using System.Linq;

            public class C
            {
                public static int Known(IEnumerable<int> known, int[] ids)
                {
                    var n = 0;
                    foreach (var id in ids)
                    {
                        if (known.Contains(id)) n++;
                    }

                    return n;
                }
            }
            """, Materialize);
        Assert.Contains("known = known.ToList();", fixedSource);
    }

    /// <summary>
    /// <c>nameof(xs)</c> in a guard reads nothing: the buffer goes after the guard, so a null argument still meets it. An
    /// expression body made a block keeps the comment after it.
    /// </summary>
    [Fact]
    public async Task MaterializeBuffersAfterANameofGuardAndKeepsAnExpressionBodysComment()
    {
        var fixedSource = await CodeFixRunner.ApplyAsync("""
            using System;
            using System.Collections.Generic;
            using System.Linq;

            public class C
            {
                public static int Guarded(IEnumerable<int> xs)
                {
                    if (xs is null) throw new ArgumentNullException(nameof(xs));
                    return xs.Sum() + xs.Max();
                }
            }
            """, Materialize);
        Assert.True(fixedSource.IndexOf("xs = xs.ToList();", StringComparison.Ordinal) > fixedSource.IndexOf("nameof(xs)", StringComparison.Ordinal), fixedSource);

        fixedSource = await CodeFixRunner.ApplyAsync("""
            using System.Collections.Generic;
            using System.Linq;

            public class C
            {
                public static int Commented(IEnumerable<int> xs) => xs.Sum() + xs.Max(); // both bounds
            }
            """, Materialize);
        Assert.Contains("return xs.Sum() + xs.Max(); // both bounds", fixedSource);

        // A comment after the arrow, or on the line of its own before the expression, goes above the return.
        fixedSource = await CodeFixRunner.ApplyAsync("""
            using System.Collections.Generic;
            using System.Linq;

            public class C
            {
                public static int Spread(IEnumerable<int> xs) => // the spread
                    /* of every reading */ xs.Max() - xs.Min();
            }
            """, Materialize);
        Assert.Contains("""
                    xs = xs.ToList();
                    // the spread
                    /* of every reading */
                    return xs.Max() - xs.Min();
            """.ReplaceLineEndings(), fixedSource.ReplaceLineEndings());
    }

    /// <summary>
    /// A ref local refers to storage elsewhere: Materialize once is not offered (it wrote `(ref _items).ToList()`, which
    /// does not compile, or an assignment through the ref that replaced the field with a snapshot).
    /// </summary>
    [Fact]
    public async Task MaterializeIsNotOfferedForARefLocal()
    {
        var project = CodeFixRunner.CreateProject("""
            using System;
            using System.Collections.Generic;
            using System.Linq;

            public class C
            {
                private IEnumerable<int> _items = Enumerable.Range(0, 3);

                public int M()
                {
                    ref var xs = ref _items;
                    Console.WriteLine();
                    return xs.Sum() + xs.Max();
                }
            }
            """);

        Assert.Equal("MAGG001", (await CodeFixRunner.GetDiagnosticsAsync(project))[0].Id);   // the diagnostic the actions are asked for
        Assert.DoesNotContain(await CodeFixRunner.GetActionsAsync(project), static action => action.EquivalenceKey == Materialize);
    }

    /// <summary>
    /// A top-level local of anonymous elements assigned again later can be buffered neither in its initializer (`var`
    /// would make it a list, to which the later query does not convert) nor by a statement after it (top-level statements
    /// are in no block): the fix is not offered, rather than offered and then changing nothing.
    /// </summary>
    [Fact]
    public async Task MaterializeIsNotOfferedForATopLevelLocalOfAnonymousElementsAssignedAgain()
    {
        var project = CodeFixRunner.CreateProject("""
            using System;
            using System.Linq;

            var rows = Enumerable.Range(0, 9).Select(i => new { A = i });
            Console.WriteLine(rows.Count() + rows.Sum(r => r.A));
            rows = rows.Where(r => r.A > 3);
            Console.WriteLine(rows.Count());
            """);
        project = project.WithCompilationOptions(project.CompilationOptions!.WithOutputKind(Microsoft.CodeAnalysis.OutputKind.ConsoleApplication));

        Assert.Equal("MAGG001", (await CodeFixRunner.GetDiagnosticsAsync(project))[0].Id);   // the diagnostic the actions are asked for
        Assert.DoesNotContain(await CodeFixRunner.GetActionsAsync(project), static action => action.EquivalenceKey == MaterializeOnceCodeFix.EquivalenceKey);
    }

    /// <summary>Debug.Assert is [Conditional("DEBUG")]: in a build without DEBUG its argument never runs, so it is not fused.</summary>
    [Fact]
    public async Task ACallInAConditionalMethodsArgumentIsNotFused()
    {
        var project = CodeFixRunner.CreateProject("""
            #define DEBUG
            using System.Collections.Generic;
            using System.Linq;

            public class C
            {
                public void M(IEnumerable<int> xs)
                {
                    var a = xs.Sum();
                    System.Diagnostics.Debug.Assert(xs.Max() > a);
                }
            }
            """);

        Assert.Single(await CodeFixRunner.GetDiagnosticsAsync(project));
        var actions = await CodeFixRunner.GetActionsAsync(project);
        Assert.DoesNotContain(actions, static a => a.EquivalenceKey == Fuse);
        Assert.Contains(actions, static a => a.EquivalenceKey == Materialize);
    }

    /// <summary>
    /// The compiler drops a [Conditional] method's receiver with the call too: an extension method called on the aggregate,
    /// or an instance method on an object built from it, evaluates nothing in a build without the symbol.
    /// </summary>
    [Theory]
    [InlineData("xs.Max().AssertPositive();")]
    [InlineData("new Probe(xs.Max()).Trace();")]
    [InlineData("new Probe(xs.Max())?.Trace();")]           // the statement goes, the receiver before ?. with it
    [InlineData("new OverridingProbe(xs.Max()).Trace();")]  // an override of a [Conditional] method is conditional too
    public async Task ACallInAConditionalMethodsReceiverIsNotFused(string statement)
    {
        var project = CodeFixRunner.CreateProject($$"""
            #define DEBUG
            #define TRACE
            using System.Collections.Generic;
            using System.Diagnostics;
            using System.Linq;

            public static class Checks
            {
                [Conditional("DEBUG")] public static void AssertPositive(this int value) { }
            }

            public sealed class Probe(int value)
            {
                [Conditional("TRACE")] public void Trace() => System.Console.WriteLine(value);
            }

            public class Traced
            {
                [Conditional("TRACE")] public virtual void Trace() { }
            }

            public sealed class OverridingProbe(int value) : Traced
            {
                public override void Trace() => System.Console.WriteLine(value);
            }

            public class C
            {
                public int M(IEnumerable<int> xs)
                {
                    var total = xs.Sum();
                    {{statement}}
                    return total;
                }
            }
            """);

        Assert.Single(await CodeFixRunner.GetDiagnosticsAsync(project));
        var actions = await CodeFixRunner.GetActionsAsync(project);
        Assert.DoesNotContain(actions, static a => a.EquivalenceKey == Fuse);
        Assert.Contains(actions, static a => a.EquivalenceKey == Materialize);
    }

    [Fact]
    public async Task FuseStopsAtAReturn()
    {
        // The Max after the return never runs: fused into the pass, it would throw for an empty source, where M returns 0.
        var fixedSource = await CodeFixRunner.ApplyAsync("""
            using System.Collections.Generic;
            using System.Linq;

            public class C
            {
                public int M(IEnumerable<int> xs)
                {
                    var count = xs.Count();
                    return count + xs.Sum();
                    var largest = xs.Max();
                    return largest;
                }
            }
            """, Fuse);
        Assert.Contains("var largest = xs.Max();", fixedSource);
        Assert.DoesNotContain("Max, ", fixedSource);
        Assert.DoesNotContain("Max)", fixedSource);
    }

    /// <summary>
    /// A collection expression the compiler fills itself (an array, a framework's list) runs no code of the user's
    /// around the calls in it, so they fuse; one of the user's type does not (the theory above).
    /// </summary>
    [Fact]
    public async Task FuseReplacesCallsInACollectionOfTheFrameworks()
    {
        var fixedSource = await CodeFixRunner.ApplyAsync("""
            using System.Collections.Generic;
            using System.Linq;

            public class C
            {
                public int M(IEnumerable<int> xs)
                {
                    int[] bounds = [xs.Min(), xs.Max()];
                    List<int> sizes = [.. bounds, xs.Count()];
                    return bounds[0] + sizes[2];
                }
            }
            """, Fuse);
        Assert.Contains("int[] bounds = [min, max];", fixedSource);
        Assert.Contains("List<int> sizes = [.. bounds, count];", fixedSource);
    }

    /// <summary>
    /// A lambda in a `checked` (or `unchecked`) block moves to a method that keeps the context: its arithmetic still
    /// throws on overflow (or wraps) whatever the project's default.
    /// </summary>
    [Theory]
    [InlineData("checked")]
    [InlineData("unchecked")]
    public async Task FuseKeepsTheOverflowContextOfALambda(string context)
    {
        var source = $$"""
            using System.Collections.Generic;
            using System.Linq;

            public record Line(int Price, int Quantity);

            public class C
            {
                public int M(IEnumerable<Line> lines)
                {
                    {{context}}
                    {
                        var total = lines.Sum(l => l.Price * l.Quantity);
                        var largest = lines.Max(l => l.Price * l.Quantity);
                        return total + largest;
                    }
                }
            }
            """;

        var fixedSource = await CodeFixRunner.ApplyAsync(source, Fuse);
        Assert.Contains($"=> {context}(l.Price * l.Quantity);", fixedSource);
    }

    /// <summary>
    /// A partial method with no implementation is removed with its arguments: the Max inside never runs, so it is not
    /// fused (fused, an empty sequence would throw where the original did not).
    /// </summary>
    [Fact]
    public async Task ACallInAnUnimplementedPartialMethodsArgumentIsNotFused()
    {
        const string testCode = """
            using System.Collections.Generic;
            using System.Linq;

            public partial class C
            {
                partial void OnComputed(int largest);

                public int M(IEnumerable<int> xs)
                {
                    var total = xs.Sum();
                    var count = {|MAGG001:xs|}.Count();
                    OnComputed(xs.Max());
                    return total + count;
                }
            }
            """;
        const string fixedSource = """
            using System.Collections.Generic;
            using System.Linq;
            using MultiAgg;

            public partial class C
            {
                partial void OnComputed(int largest);

                public int M(IEnumerable<int> xs)
                {
                    var (total, count) = SummarizeXs(xs);
                    OnComputed(xs.Max());
                    return total + count;
                }

                [Aggregate(Agg.Sum, Agg.Count)]
                private static partial (int Total, int Count) SummarizeXs(IEnumerable<int> xs);
            }
            """;

        await CodeFixVerifier.VerifyAsync(testCode, fixedSource, Fuse);
    }

    /// <summary>
    /// A lambda that names the containing method's type parameter cannot become a static method beside it (the new
    /// method is not generic, and `T` means nothing there): the calls are not fused; materializing stays on offer.
    /// </summary>
    [Theory]
    [InlineData("i => i is T")]
    [InlineData("i => i.GetType() == typeof(T)")]
    [InlineData("i => i is System.IComparable<T>")]
    [InlineData("i => { T? t = default; return t is null; }")]
    [InlineData("i => System.Collections.Generic.EqualityComparer<T>.Default is null")]
    public async Task ALambdaNamingTheMethodsTypeParameterIsNotFused(string predicate)
    {
        var source = $$"""
            using System.Collections.Generic;
            using System.Linq;

            public static class Tags
            {
                public static (int Matching, int All) Count<T>(IEnumerable<object> items)
                {
                    var matching = items.Count({{predicate}});
                    var all = items.Count();
                    return (matching, all);
                }
            }
            """;

        var keys = await CodeFixRunner.OfferedKeysAsync(source);
        Assert.Equal([MultipleEnumerationFixAll.EquivalenceKey, MaterializeOnceCodeFix.EquivalenceKey], keys);
    }

    /// <summary>
    /// A lambda whose body names an outer variable in a way the extracted method could not take as a parameter: a local
    /// constant where C# wants a constant, a name only `nameof` reads; and an anonymous method without a parameter
    /// list, whose parameter has no name to declare. The calls are not fused; materializing stays on offer.
    /// </summary>
    [Theory]
    [InlineData("i => i is > Limit")]
    [InlineData("i => i switch { Limit => true, _ => false }")]
    [InlineData("i => $\"{i,Limit}\".Length > Limit")]
    [InlineData("i => { const int Twice = Limit * 2; return i > Twice; }")]
    [InlineData("i => i is Limit")]
    [InlineData("i => { byte b = Limit; return i > b; }")]
    [InlineData("i => { switch (i) { case 0: goto case Limit; case 10: return true; default: return false; } }")]
    [InlineData("i => nameof(label).Length < i")]
    [InlineData("delegate { return true; }")]
    public async Task ALambdaNamingAnOuterVariableOtherThanByItsValueIsNotFused(string predicate)
    {
        var source = $$"""
            using System.Collections.Generic;
            using System.Linq;

            public static class Tags
            {
                public static (int Matching, int All) Count(IEnumerable<int> items)
                {
                    const int Limit = 10;
                    var label = "big";
                    var matching = items.Count({{predicate}});
                    var all = items.Count();
                    return (matching, all);
                }
            }
            """;

        var keys = await CodeFixRunner.OfferedKeysAsync(source);
        Assert.Equal([MultipleEnumerationFixAll.EquivalenceKey, MaterializeOnceCodeFix.EquivalenceKey], keys);
    }

    /// <summary>
    /// What the check of the names a lambda reads lets through: a named argument (the called method's parameter), a
    /// local constant read as a value, and a run inside a local function or a lambda, whose own locals are declared there.
    /// </summary>
    [Theory]
    [InlineData("var rounded = xs.Sum(x => Math.Round(x, digits: 2)); var all = xs.Count(); return rounded + all;")]
    [InlineData("const int Limit = 10; var big = xs.Count(x => x > Limit * 2); var all = xs.Count(); return big + all;")]
    [InlineData("return Tally(); double Tally() { var limit = 10; var big = xs.Count(x => x > limit); var all = xs.Count(); return big + all; }")]
    [InlineData("Func<double> tally = () => { var limit = 10; var big = xs.Count(x => x > limit); var all = xs.Count(); return big + all; }; return tally();")]
    public async Task ALambdaReadingOnlyWhatCanBePassedIsFused(string body)
    {
        var source = $$"""
            using System;
            using System.Collections.Generic;
            using System.Linq;

            public static class Tally
            {
                public static double Run(IEnumerable<double> xs)
                {
                    {{body}}
                }
            }
            """;

        var keys = await CodeFixRunner.OfferedKeysAsync(source);
        Assert.Contains(Fuse, keys);
    }

    /// <summary>A pointer a lambda reads (in an unsafe method) cannot be a parameter of the fused method, which is not unsafe: not fused.</summary>
    [Fact]
    public async Task ALambdaReadingAPointerIsNotFused()
    {
        const string source = """
            using System.Collections.Generic;
            using System.Linq;

            public static class Offsets
            {
                public static unsafe (int Total, int All) Run(IEnumerable<int> xs, int start)
                {
                    int* p = &start;
                    var total = xs.Sum(i => i + *p);
                    var all = xs.Count();
                    return (total, all);
                }
            }
            """;

        var keys = await CodeFixRunner.OfferedKeysAsync(source);
        Assert.DoesNotContain(Fuse, keys);
    }

    /// <summary>
    /// A local the calls read that a lambda writes while the sequence is read (the source's own counter): each call
    /// reads it as it is then, where the fused method would be given its value before the pass. Not fused.
    /// </summary>
    [Fact]
    public async Task ALocalALambdaWritesDuringThePassIsNotPassedToAFusedMethod()
    {
        const string source = """
            using System.Collections.Generic;
            using System.Linq;

            public static class Seen
            {
                public static (int Total, int Late) Run(IEnumerable<int> xs)
                {
                    var seen = 0;
                    var counted = xs.Select(x => { seen++; return x; });
                    var total = counted.Sum();
                    var late = counted.Count(x => x > seen);
                    return (total, late);
                }
            }
            """;

        var keys = await CodeFixRunner.OfferedKeysAsync(source);
        Assert.DoesNotContain(Fuse, keys);
        Assert.Contains(MaterializeOnceCodeFix.EquivalenceKey, keys);
    }

    /// <summary>
    /// Over a sequence of delegates, `FirstOrDefault(Fallback)` is the overload with a default value (TSource is a
    /// Func&lt;,&gt; there), not a predicate; and `Distinct&lt;Base&gt;()` after a Select of Derived values tells them
    /// apart as Base. Neither is what [Aggregate] computes: not fused.
    /// </summary>
    [Theory]
    [InlineData("handlers.FirstOrDefault(Fallback) is null ? 0 : 1")]
    [InlineData("handlers.Select(h => new Derived(h(1))).Distinct<Base>().Count()")]
    public async Task AnOverloadThatOnlyLooksLikeAnAggregateIsNotFused(string call)
    {
        var source = $$"""
            using System;
            using System.Collections.Generic;
            using System.Linq;

            public class Base { }
            public sealed class Derived(int value) : Base, IEquatable<Derived>
            {
                public int Value => value;
                public bool Equals(Derived? other) => other?.Value == Value;
                public override bool Equals(object? other) => Equals(other as Derived);
                public override int GetHashCode() => Value;
            }

            public static class Handlers
            {
                private static int Fallback(int x) => x;

                public static (int Picked, int All) Run(IEnumerable<Func<int, int>> handlers)
                {
                    var picked = {{call}};
                    var all = handlers.Count();
                    return (picked, all);
                }
            }
            """;

        var keys = await CodeFixRunner.OfferedKeysAsync(source);
        Assert.DoesNotContain(Fuse, keys);
    }

    /// <summary>A lambda written in an unsafe method (`sizeof` of a struct) moves into a method that is unsafe too.</summary>
    [Fact]
    public async Task ALambdaInAnUnsafeContextMovesIntoAnUnsafeMethod()
    {
        const string source = """
            using System.Collections.Generic;
            using System.Linq;

            public struct Point { public int X; public int Y; }

            public static class Sizes
            {
                public static unsafe (int Bytes, int All) Run(IEnumerable<Point> points)
                {
                    var bytes = points.Sum(p => sizeof(Point) + p.X);
                    var all = points.Count();
                    return (bytes, all);
                }
            }
            """;

        var project = CodeFixRunner.CreateProject(source);
        var fuse = (await CodeFixRunner.GetActionsAsync(project)).Single(static a => a.EquivalenceKey == Fuse);
        var fixedProject = (await CodeFixRunner.ApplyAsync(fuse, project.Solution)).GetProject(project.Id)!;
        var text = (await fixedProject.Documents.Single().GetTextAsync()).ToString();

        Assert.Contains("private static unsafe int ", text);
        Assert.Empty(await CodeFixRunner.GetDiagnosticsAsync(fixedProject));   // it compiles, and reads the points once
    }

    [Fact]
    public async Task FuseKeepsTheCommentsOfTheStatementsItReplaces()
    {
        const string testCode = """
            using System.Collections.Generic;
            using System.Linq;

            public class C
            {
                public int M(IEnumerable<int> xs)
                {
                    // the total
                    var total = xs.Sum(); // incl. tax
                    // fraud check
                    var largest = {|MAGG001:xs|}.Max(); /* the largest */
                    return total + largest;
                }
            }
            """;
        const string fixedSource = """
            using System.Collections.Generic;
            using System.Linq;
            using MultiAgg;

            public partial class C
            {
                public int M(IEnumerable<int> xs)
                {
                    // the total
                    // incl. tax
                    // fraud check
                    /* the largest */
                    var (total, largest) = SummarizeXs(xs);
                    return total + largest;
                }

                [Aggregate(Agg.Sum, Agg.Max)]
                private static partial (int Total, int Largest) SummarizeXs(IEnumerable<int> xs);
            }
            """;

        await CodeFixVerifier.VerifyAsync(testCode, fixedSource, Fuse);
    }

    /// <summary>
    /// A comment inside a lambda the fix moves into a method of its own stays in that method's body, and only there: it was
    /// written above the new call as well.
    /// </summary>
    [Fact]
    public async Task FuseKeepsTheCommentsOfAnExtractedLambdaOnlyInItsMethod()
    {
        const string testCode = """
            using System.Collections.Generic;
            using System.Linq;

            public record Line(decimal Price, int Quantity);

            public class C
            {
                public decimal M(IEnumerable<Line> lines)
                {
                    var net = lines.Sum(l => l.Price /* pre-tax */ * l.Quantity); // the order's value
                    var largest = {|MAGG001:lines|}.Max(l =>
                    {
                        // one line's value
                        return l.Price * l.Quantity;
                    });
                    return net + largest;
                }
            }
            """;
        const string fixedSource = """
            using System.Collections.Generic;
            using System.Linq;
            using MultiAgg;

            public record Line(decimal Price, int Quantity);

            public partial class C
            {
                public decimal M(IEnumerable<Line> lines)
                {
                    // the order's value
                    var (net, largest) = SummarizeLines(lines);
                    return net + largest;
                }

                [Aggregate(Agg.Sum, Of = nameof(PriceTimesQuantity))]
                [Aggregate(Agg.Max, Of = nameof(PriceQuantity))]
                private static partial (decimal Net, decimal Largest) SummarizeLines(IEnumerable<Line> lines);

                private static decimal PriceTimesQuantity(Line l) => l.Price /* pre-tax */ * l.Quantity;

                private static decimal PriceQuantity(Line l)
                {
                    // one line's value
                    return l.Price * l.Quantity;
                }
            }
            """;

        await CodeFixVerifier.VerifyAsync(testCode, fixedSource, Fuse);
    }

    /// <summary>
    /// A source whose lambda makes objects (an object initializer, a `with`) sets the members of what it makes, no state
    /// the calls read: fused. Only a member written outside what the lambda makes refuses it.
    /// </summary>
    [Fact]
    public async Task FuseIsOfferedForASourceThatMakesObjects()
    {
        const string types = """
            using System.Collections.Generic;
            using System.Linq;

            public sealed class Box { public int Size { get; set; } }
            public sealed record Price(decimal Amount);

            """;
        const string boxes = """
            public static class Boxes
            {
                public static (int Total, int Largest) Run(IEnumerable<int> xs)
                {
                    var boxes = xs.Select(x => new Box { Size = x });
                    var total = boxes.Sum(b => b.Size);
                    var largest = boxes.Max(b => b.Size);
                    return (total, largest);
                }
            }
            """;
        const string prices = """
            public static class Prices
            {
                public static (decimal Total, decimal Largest) Taxed(IEnumerable<Price> prices)
                {
                    var taxed = prices.Select(p => p with { Amount = p.Amount * 1.2m });
                    var total = taxed.Sum(p => p.Amount);
                    var largest = taxed.Max(p => p.Amount);
                    return (total, largest);
                }
            }
            """;

        Assert.Contains(Fuse, await CodeFixRunner.OfferedKeysAsync(types + boxes));
        Assert.Contains(Fuse, await CodeFixRunner.OfferedKeysAsync(types + prices));
    }

    /// <summary>
    /// A call whose text a [CallerArgumentExpression] parameter takes (the guard's message names "xs.Min()") is not fused:
    /// a local in its place would name the local instead.
    /// </summary>
    [Fact]
    public async Task FuseIsNotOfferedWhereAParameterTakesTheCallsText()
    {
        const string source = """
            using System;
            using System.Collections.Generic;
            using System.Linq;

            public static class Ranges
            {
                public static int Width(IEnumerable<int> xs)
                {
                    ArgumentOutOfRangeException.ThrowIfGreaterThan(xs.Min(), xs.Max());
                    return xs.Max() - xs.Min();
                }
            }
            """;
        const string nested = """
            using System;
            using System.Collections.Generic;
            using System.Linq;

            public static class Ranges
            {
                public static void Check(IEnumerable<int> xs, int limit) =>
                    ArgumentOutOfRangeException.ThrowIfGreaterThan((long)xs.Max() - xs.Min(), limit);
            }
            """;

        Assert.DoesNotContain(Fuse, await CodeFixRunner.OfferedKeysAsync(source));
        Assert.DoesNotContain(Fuse, await CodeFixRunner.OfferedKeysAsync(nested));
    }

    /// <summary>
    /// Locals named <c>_1</c> and <c>_2</c> name the results <c>Value1</c> and <c>Value2</c>: no name may start with a digit;
    /// <c>__</c> and <c>___</c> name them <c>Value</c> and <c>Value2</c>.
    /// </summary>
    [Fact]
    public async Task FuseNamesResultsOfLocalsThatWouldStartWithADigit()
    {
        const string testCode = """
            using System.Collections.Generic;
            using System.Linq;

            public class C
            {
                public int M(IEnumerable<int> xs)
                {
                    var _1 = xs.Sum();
                    var _2 = {|MAGG001:xs|}.Max();
                    return _1 + _2;
                }
            }
            """;
        const string fixedSource = """
            using System.Collections.Generic;
            using System.Linq;
            using MultiAgg;

            public partial class C
            {
                public int M(IEnumerable<int> xs)
                {
                    var (_1, _2) = SummarizeXs(xs);
                    return _1 + _2;
                }

                [Aggregate(Agg.Sum, Agg.Max)]
                private static partial (int Value1, int Value2) SummarizeXs(IEnumerable<int> xs);
            }
            """;

        await CodeFixVerifier.VerifyAsync(testCode, fixedSource, Fuse);

        // Locals named by underscores alone (`__`, `___`) leave nothing to name a result after.
        const string underscores = """
            using System.Collections.Generic;
            using System.Linq;

            public class C
            {
                public int M(IEnumerable<int> xs)
                {
                    var __ = xs.Sum();
                    var ___ = {|MAGG001:xs|}.Max();
                    return __ + ___;
                }
            }
            """;
        const string underscoresFixed = """
            using System.Collections.Generic;
            using System.Linq;
            using MultiAgg;

            public partial class C
            {
                public int M(IEnumerable<int> xs)
                {
                    var (__, ___) = SummarizeXs(xs);
                    return __ + ___;
                }

                [Aggregate(Agg.Sum, Agg.Max)]
                private static partial (int Value, int Value2) SummarizeXs(IEnumerable<int> xs);
            }
            """;

        await CodeFixVerifier.VerifyAsync(underscores, underscoresFixed, Fuse);
    }

    /// <summary>
    /// A field the source's own lambda writes while the sequence is read, read by a later call's lambda: that call read it
    /// as the earlier calls had left it, the pass would read it as it goes. Not fused, as for a local.
    /// </summary>
    [Fact]
    public async Task AFieldTheSourcesLambdaWritesDuringThePassIsNotReadByAFusedCall()
    {
        const string source = """
            using System.Collections.Generic;
            using System.Linq;

            public static class Seen
            {
                private static int _seen;

                public static (int Total, int Late) Run(IEnumerable<int> xs)
                {
                    var counted = xs.Select(x => { _seen++; return x; });
                    var total = counted.Sum();
                    var late = counted.Count(x => x > _seen);
                    return (total, late);
                }
            }
            """;

        var keys = await CodeFixRunner.OfferedKeysAsync(source);
        Assert.DoesNotContain(Fuse, keys);
        Assert.Contains(MaterializeOnceCodeFix.EquivalenceKey, keys);
    }

    /// <summary>
    /// Where the first statement stays (an assignment), the comments of the statements the fix removes still come along,
    /// and so do those inside a removed statement; both were dropped.
    /// </summary>
    [Fact]
    public async Task FuseKeepsTheCommentsOfTheStatementsItRemovesBesideOneItKeeps()
    {
        const string testCode = """
            using System.Collections.Generic;
            using System.Linq;

            public class C
            {
                public int M(IEnumerable<int> xs)
                {
                    int total;
                    total = xs.Sum(); // incl. tax
                    // peak for the chart
                    var largest = /* gross */ {|MAGG001:xs|}.Max();
                    return total + largest;
                }
            }
            """;
        const string fixedSource = """
            using System.Collections.Generic;
            using System.Linq;
            using MultiAgg;

            public partial class C
            {
                public int M(IEnumerable<int> xs)
                {
                    int total;
                    // peak for the chart
                    /* gross */
                    var (sum, largest) = SummarizeXs(xs);
                    total = sum; // incl. tax
                    return total + largest;
                }

                [Aggregate(Agg.Sum, Agg.Max)]
                private static partial (int Sum, int Largest) SummarizeXs(IEnumerable<int> xs);
            }
            """;

        await CodeFixVerifier.VerifyAsync(testCode, fixedSource, Fuse);
    }

    /// <summary>A call replaced in a statement the fix keeps gives up the comments inside it; they were dropped.</summary>
    [Fact]
    public async Task FuseKeepsTheCommentsInsideACallItReplacesInAStatementItKeeps()
    {
        const string testCode = """
            using System.Collections.Generic;
            using System.Linq;

            public class C
            {
                public int M(IEnumerable<int> xs)
                {
                    var count = xs.Count();
                    return {|MAGG001:xs|}.Sum(/* with tax */) + {|MAGG001:xs|}.Max() / count;
                }
            }
            """;
        const string fixedSource = """
            using System.Collections.Generic;
            using System.Linq;
            using MultiAgg;

            public partial class C
            {
                public int M(IEnumerable<int> xs)
                {
                    /* with tax */
                    var (count, sum, max) = SummarizeXs(xs);
                    return sum + max / count;
                }

                [Aggregate(Agg.Count, Agg.Sum, Agg.Max)]
                private static partial (int Count, int Sum, int Max) SummarizeXs(IEnumerable<int> xs);
            }
            """;

        await CodeFixVerifier.VerifyAsync(testCode, fixedSource, Fuse);
    }

    /// <summary>
    /// A sequence that may be null, as the code's own null tests say, stays null when buffered: `?.`, not ToList's
    /// ArgumentNullException ahead of the test. Annotated so (a parameter, a method's result), or tested where annotations are off.
    /// </summary>
    [Theory]
    [InlineData("enable", "IEnumerable<int>? xs", "", "return (xs?.Sum() ?? -1) + (xs?.Max() ?? 0);", "xs = xs?.ToList();")]
    [InlineData("disable", "IEnumerable<int> xs", "", "return (xs?.Sum() ?? -1) + (xs?.Max() ?? 0);", "xs = xs?.ToList();")]
    [InlineData("enable", "int n", "var xs = Evens(n);", "return (xs?.Sum() ?? -1) + (xs?.Max() ?? 0);", "var xs = Evens(n)?.ToList();")]
    [InlineData("enable", "int n", "var xs = Evens(n);", "if (xs != null) { return xs.Sum() + xs.Max(); } return -1;", "    xs = xs.ToList();")]
    [InlineData("enable", "int n", "var xs = Evens(n); var k = 0;", "if (xs != null && xs.Any()) { k = xs.Count(); } return k;", "xs = xs?.ToList();")]
    [InlineData("disable", "int n", "var xs = Evens(n); var k = 0;", "var a = xs != null ? xs.Sum() : 0; var b = xs is null ? 0 : xs.Max(); return a + b;", "xs = xs?.ToList();")]
    [InlineData("disable", "IEnumerable<int> xs", "int Size() => xs == null ? 0 : xs.Count(); var n = Size();", "return n == 0 ? 0 : xs.Sum() / n;", "xs = xs?.ToList();")]
    [InlineData("enable", "int n", "var xs = Evens(n); var t = 0;", "while (n-- > 0) { if (xs is null) break; t += xs.Sum() + xs.Max(); } return t;", "xs = xs?.ToList();")]
    public async Task MaterializeKeepsANullTheCodeTestsFor(string nullable, string parameter, string local, string reads, string buffered)
    {
        var source = $$"""
            #nullable {{nullable}}
            using System.Collections.Generic;
            using System.Linq;

            public class C
            {
                public int M({{parameter}})
                {
                    {{local}}
                    {{reads}}
                }

                private static IEnumerable<int>? Evens(int n) => n < 0 ? null : Enumerable.Range(0, n).Where(static i => i % 2 == 0);
            }
            """;

        var fixedSource = await CodeFixRunner.ApplyAsync(source, Materialize);
        Assert.Contains(buffered, fixedSource);
    }

    /// <summary>
    /// A parameter annotated as maybe null that the code reads with <c>!</c> is buffered with <c>!</c> too, where the
    /// buffer's <c>xs.ToList()</c> would warn (CS8604) that the reads did not: in a block body or an expression body.
    /// </summary>
    [Theory]
    [InlineData("public int M(IEnumerable<int>? xs) => xs!.Sum() + xs!.Count();")]
    [InlineData("public int M(IEnumerable<int>? xs, int k) { var n = k * 2; return xs!.Sum() + xs!.Count() + n; }")]
    public async Task MaterializeSuppressesANullTheCodeSuppresses(string method)
    {
        var source = $$"""
            #nullable enable
            using System.Collections.Generic;
            using System.Linq;

            public class C
            {
                {{method}}
            }
            """;

        var fixedSource = await CodeFixRunner.ApplyAsync(source, Materialize);
        Assert.Contains("xs = xs!.ToList();", fixedSource);
        TestCompiler.Run(TestCompiler.Compile(fixedSource)).AssertClean();
    }

    /// <summary>An expression-bodied method keeps a null its own code tests for, as a block body does.</summary>
    [Fact]
    public async Task MaterializeKeepsANullAnExpressionBodyTestsFor()
    {
        const string source = """
            #nullable enable
            using System.Collections.Generic;
            using System.Linq;

            public class C
            {
                public int M(IEnumerable<int>? xs) => (xs?.Sum() ?? -1) + (xs?.Max() ?? 0);
            }
            """;

        var fixedSource = await CodeFixRunner.ApplyAsync(source, Materialize);
        Assert.Contains("xs = xs?.ToList();", fixedSource);
    }

    /// <summary>
    /// A local is buffered where its reads begin, as a parameter is, when something runs between its declaration and
    /// them (the source may change: `queue.Add`) or they are in a block of their own (a `try` whose `catch` must still
    /// meet the enumeration's exception); at its declaration when the next statement reads it. There `var` keeps the
    /// local's type where a call on it would bind to the list's own method (`Reverse()` reverses a list in place).
    /// </summary>
    [Theory]
    [InlineData("""
        var rows = Read(path);
        try
        {
            if (!rows.Any()) return 0;
            return rows.Sum();
        }
        catch (System.IO.IOException)
        {
            return -1;
        }
        """, "try\n{\n    rows = rows.ToList();\n    if (!rows.Any()) return 0;")]
    [InlineData("""
        var pending = queue.Where(static j => j > 0);
        queue.Add(5);
        return pending.Count() + pending.Max();
        """, "queue.Add(5);\npending = pending.ToList();\nreturn")]
    [InlineData("""
        var pending = queue.Where(static j => j > 0);
        System.Func<IEnumerable<int>, int> total = static s => s.Sum();
        queue.Add(5);
        return total(pending) + total(pending);
        """, "queue.Add(5);\npending = pending.ToList();\nreturn")]
    [InlineData("""
        var xs = queue.Where(static j => j > 0);
        return xs.Count() + xs.Max();
        """, "var xs = queue.Where(static j => j > 0).ToList();")]
    [InlineData("""
        var xs = queue.Select(static j => j);
        xs.Reverse();
        return xs.Count() + xs.Max();
        """, "IEnumerable<int> xs = queue.Select(static j => j).ToList();")]
    [InlineData("""
        var xs = queue.Select(static j => j);
        (xs).Reverse();
        return xs.Count() + xs.Max();
        """, "IEnumerable<int> xs = queue.Select(static j => j).ToList();")]
    [InlineData("""
        var xs = queue.Select(static j => j);
        var kind = Describe(xs);
        return kind + xs.Count() + xs.Max();
        """, "IEnumerable<int> xs = queue.Select(static j => j).ToList();")]
    [InlineData("""
        var xs = queue.Select(static j => j);
        var kind = new Shape(xs).Kind;
        return kind + xs.Count() + xs.Max();
        """, "IEnumerable<int> xs = queue.Select(static j => j).ToList();")]
    [InlineData("""
        var xs = queue.Select(static j => j);
        var total = xs.Count() + xs.Max();
        return total + Kind(xs!);
        """, "IEnumerable<int> xs = queue.Select(static j => j).ToList();")]
    [InlineData("""
        var xs = queue.Select(static j => j);
        var ys = xs;
        return Describe(ys) + xs.Count() + xs.Max();
        """, "IEnumerable<int> xs = queue.Select(static j => j).ToList();")]
    [InlineData("""
        var xs = queue.Select(static j => j);
        var total = xs.Count() + xs.Max();
        return total + Describe(xs ?? []);
        """, "IEnumerable<int> xs = queue.Select(static j => j).ToList();")]
    [InlineData("""
        var xs = queue.Select(static j => j);
        var ys = xs;
        return new List<int> { Describe(ys) }[0] + xs.Count() + xs.Max();
        """, "IEnumerable<int> xs = queue.Select(static j => j).ToList();")]
    [InlineData("""
        var pending = queue.Where(j => j > 0);
        if (path.Length > 1) { pending = pending.Where(j => j < 100); queue.Add(5); }
        return pending.Sum() + pending.Count();
        """, """
        if (path.Length > 1) { pending = pending.Where(j => j < 100); queue.Add(5); }
        pending = pending.ToList();
        return pending.Sum() + pending.Count();
        """)]
    public async Task MaterializeBuffersALocalWhereItsReadsBegin(string body, string expected)
    {
        var source = $$"""
            using System.Collections.Generic;
            using System.Linq;

            public class C
            {
                public int M(string path, List<int> queue)
                {
            {{string.Join("\n", body.Split('\n').Select(static line => "        " + line))}}
                }

                private static IEnumerable<int> Read(string path)
                {
                    yield return System.IO.File.ReadAllText(path).Length;
                }

                // Overloads that a List<int> would pick instead.
                private static int Describe(IEnumerable<int> xs) => 1;
                private static int Describe(IReadOnlyList<int> xs) => 2;
                private static int Kind<T>(T value) => typeof(T).Name.Length;

                private sealed class Shape
                {
                    public Shape(IEnumerable<int> xs) => Kind = 1;
                    public Shape(ICollection<int> xs) => Kind = 2;
                    public int Kind { get; }
                }
            }
            """;

        var fixedSource = await CodeFixRunner.ApplyAsync(source, Materialize);
        Assert.Contains(expected.Replace("\n", "\n" + "        "), fixedSource.Replace("\r\n", "\n"));
    }

    /// <summary>
    /// A parameter is buffered in the innermost block that holds every read and runs once: inside the null test (no `?.`
    /// needed there), the `try` whose `catch` met the enumeration's exception (also where the `catch` reads it again: it
    /// then reads the buffer, or the sequence where the exception came first), the `lock`; not inside a loop's body,
    /// which would buffer it on every turn.
    /// </summary>
    [Fact]
    public async Task MaterializeBuffersAParameterInTheBlockThatReadsIt()
    {
        const string testCode = """
            #nullable enable
            using System;
            using System.Collections.Generic;
            using System.Linq;

            public class C
            {
                private readonly object _gate = new();

                public int Tested(IEnumerable<int>? xs)
                {
                    if (xs != null)
                    {
                        return xs.Sum() + {|MAGG001:xs|}.Max();
                    }

                    return -1;
                }

                public int Caught(IEnumerable<int> xs)
                {
                    try
                    {
                        return xs.Sum() + {|MAGG001:xs|}.Max();
                    }
                    catch (InvalidOperationException)
                    {
                        return 0;
                    }
                }

                public int Locked(IEnumerable<int> xs, bool skip)
                {
                    if (skip)
                        return 0;
                    else
                        lock (_gate)
                        {
                            return xs.Sum() + {|MAGG001:xs|}.Max();
                        }
                }

                public int Looped(IEnumerable<int> xs)
                {
                    var total = 0;
                    for (var i = 0; i < 3; i++)
                    {
                        total += {|MAGG001:xs|}.Sum() + {|MAGG001:xs|}.Max();
                    }

                    return total;
                }

                public int Recovered(IEnumerable<int> xs)
                {
                    try
                    {
                        return xs.Sum() + {|MAGG001:xs|}.Max();
                    }
                    catch (InvalidOperationException)
                    {
                        return {|MAGG001:xs|}.Count();
                    }
                }

                public int Deferred(IEnumerable<int> xs, bool skip)
                {
                    var top = Top();
                    if (skip)
                        return top;
                    return top + {|MAGG001:xs|}.Sum();

                    int Top() => xs.Max();
                }
            }
            """;
        const string fixedSource = """
            #nullable enable
            using System;
            using System.Collections.Generic;
            using System.Linq;

            public class C
            {
                private readonly object _gate = new();

                public int Tested(IEnumerable<int>? xs)
                {
                    if (xs != null)
                    {
                        xs = xs.ToList();
                        return xs.Sum() + xs.Max();
                    }

                    return -1;
                }

                public int Caught(IEnumerable<int> xs)
                {
                    try
                    {
                        xs = xs.ToList();
                        return xs.Sum() + xs.Max();
                    }
                    catch (InvalidOperationException)
                    {
                        return 0;
                    }
                }

                public int Locked(IEnumerable<int> xs, bool skip)
                {
                    if (skip)
                        return 0;
                    else
                        lock (_gate)
                        {
                            xs = xs.ToList();
                            return xs.Sum() + xs.Max();
                        }
                }

                public int Looped(IEnumerable<int> xs)
                {
                    var total = 0;
                    xs = xs.ToList();
                    for (var i = 0; i < 3; i++)
                    {
                        total += xs.Sum() + xs.Max();
                    }

                    return total;
                }

                public int Recovered(IEnumerable<int> xs)
                {
                    try
                    {
                        xs = xs.ToList();
                        return xs.Sum() + xs.Max();
                    }
                    catch (InvalidOperationException)
                    {
                        return xs.Count();
                    }
                }

                public int Deferred(IEnumerable<int> xs, bool skip)
                {
                    xs = xs.ToList();
                    var top = Top();
                    if (skip)
                        return top;
                    return top + xs.Sum();

                    int Top() => xs.Max();
                }
            }
            """;

        await CodeFixVerifier.VerifyAsync(testCode, fixedSource, Materialize);
    }

    /// <summary>
    /// Buffered inside the branch that tested it: `.ToList()`, though the code tests the parameter for null again on
    /// another path (`?.` there would leave the reads after it warning CS8604).
    /// </summary>
    [Fact]
    public async Task MaterializeInsideANullTestNeedsNoConditionalAccess()
    {
        const string source = """
            #nullable enable
            using System.Collections.Generic;
            using System.Linq;

            public class C
            {
                public string Report(IEnumerable<int>? xs, bool verbose)
                {
                    if (verbose && xs is not null)
                    {
                        return $"{xs.Count()} items, max {xs.Max()}";
                    }

                    return xs is null ? "no data" : "ok";
                }
            }
            """;

        var fixedSource = await CodeFixRunner.ApplyAsync(source, Materialize);
        Assert.Contains("xs = xs.ToList();", fixedSource);
    }

    /// <summary>Annotated `?` but decided by a guard before the buffer: `.ToList()`, which leaves it not null for the reads after.</summary>
    [Fact]
    public async Task MaterializeAfterANullGuardNeedsNoConditionalAccess()
    {
        const string source = """
            #nullable enable
            using System.Collections.Generic;
            using System.Linq;

            public class C
            {
                public int M(IEnumerable<int>? xs)
                {
                    if (xs is null)
                        return -1;
                    return xs.Sum() + xs.Max();
                }
            }
            """;

        var fixedSource = await CodeFixRunner.ApplyAsync(source, Materialize);
        Assert.Contains("xs = xs.ToList();", fixedSource);
    }

    /// <summary>A parameter is buffered after the guards before its first read: a null argument still meets the method's check.</summary>
    [Fact]
    public async Task MaterializeBuffersAParameterAfterItsGuards()
    {
        const string testCode = """
            using System.Collections.Generic;
            using System.Linq;

            public class C
            {
                public int M(IEnumerable<int> xs)
                {
                    if (xs is null)
                        return -1;
                    // both
                    return xs.Sum() + {|MAGG001:xs|}.Max();
                }
            }
            """;
        const string fixedSource = """
            using System.Collections.Generic;
            using System.Linq;

            public class C
            {
                public int M(IEnumerable<int> xs)
                {
                    if (xs is null)
                        return -1;
                    xs = xs.ToList();
                    // both
                    return xs.Sum() + xs.Max();
                }
            }
            """;

        await CodeFixVerifier.VerifyAsync(testCode, fixedSource, Materialize);
    }

    /// <summary>A `var` local keeps its type: it is assigned a query later, and a List would bind other members.</summary>
    [Fact]
    public async Task MaterializeKeepsAVarLocalsType()
    {
        const string testCode = """
            using System.Collections.Generic;
            using System.Linq;

            public class C
            {
                public int M(IEnumerable<int> source)
                {
                    var q = source.Where(x => x > 0);
                    var total = q.Sum();
                    q = q.Where(x => x > total);
                    return total + q.Count();
                }
            }
            """;
        const string fixedSource = """
            using System.Collections.Generic;
            using System.Linq;

            public class C
            {
                public int M(IEnumerable<int> source)
                {
                    IEnumerable<int> q = source.Where(x => x > 0).ToList();
                    var total = q.Sum();
                    q = q.Where(x => x > total);
                    return total + q.Count();
                }
            }
            """;

        await CodeFixVerifier.VerifyAsync(testCode.Replace("total + q.Count()", "total + {|MAGG001:q|}.Count()"), fixedSource, Materialize);
    }

    /// <summary>
    /// A `var` local given its type keeps the `?` where a value assigned to it later may be null: written without it, that
    /// assignment warned (CS8600), an error where warnings are.
    /// </summary>
    [Fact]
    public async Task MaterializeKeepsAVarLocalsTypeNullableWhereALaterValueMayBeNull()
    {
        const string testCode = """
            #nullable enable
            using System;
            using System.Collections.Generic;
            using System.Linq;

            public class C
            {
                public int M(Func<IEnumerable<int>?> more)
                {
                    var xs = Load();
                    var total = xs.Sum() + {|MAGG001:xs|}.Max();
                    xs = more();
                    return total + (xs?.Count() ?? 0);
                }

                private static IEnumerable<int> Load() { yield return 1; }
            }
            """;
        const string fixedSource = """
            #nullable enable
            using System;
            using System.Collections.Generic;
            using System.Linq;

            public class C
            {
                public int M(Func<IEnumerable<int>?> more)
                {
                    IEnumerable<int>? xs = Load().ToList();
                    var total = xs.Sum() + xs.Max();
                    xs = more();
                    return total + (xs?.Count() ?? 0);
                }

                private static IEnumerable<int> Load() { yield return 1; }
            }
            """;

        await CodeFixVerifier.VerifyAsync(testCode, fixedSource, Materialize);
    }

    /// <summary>The members of a nullable element are named as a string: nameof(int?.HasValue) is no C#.</summary>
    [Fact]
    public async Task MaterializeKeepsAVarLocalsTypeWhereAListWouldBindOtherwise()
    {
        // On a List<int>, Reverse() is the list's own, which returns void.
        const string testCode = """
            using System.Collections.Generic;
            using System.Linq;

            public class C
            {
                public int M(IEnumerable<int> source)
                {
                    var q = source.Where(x => x > 0);
                    var last = q.Reverse().First();
                    return last + {|MAGG001:q|}.Count();
                }
            }
            """;
        const string fixedSource = """
            using System.Collections.Generic;
            using System.Linq;

            public class C
            {
                public int M(IEnumerable<int> source)
                {
                    IEnumerable<int> q = source.Where(x => x > 0).ToList();
                    var last = q.Reverse().First();
                    return last + q.Count();
                }
            }
            """;

        await CodeFixVerifier.VerifyAsync(testCode, fixedSource, Materialize);
    }

    [Fact]
    public async Task MaterializeIsNotOfferedForALocalInitializedToNull()
    {
        // `(null).ToList()` would not compile, and every path sets the local anyway.
        const string markup = """
            using System.Collections.Generic;
            using System.Linq;

            public class C
            {
                public int M(IEnumerable<int> a, IEnumerable<int> b, bool flag)
                {
                    IEnumerable<int> items = null;
                    if (flag) items = a.Where(x => x > 0); else items = b.Where(x => x > 1);
                    return items.Count() + {|MAGG001:items|}.Sum();
                }
            }
            """;

        await CodeFixVerifier.VerifyAsync(markup, markup, Materialize);
    }

    /// <summary>`??=` tests for null: the buffer comes after it (before it, ToList threw for the null it replaces).</summary>
    [Fact]
    public async Task MaterializeBuffersAfterACoalescingAssignment()
    {
        const string testCode = """
            using System.Collections.Generic;
            using System.Linq;

            public class C
            {
                public int M(IEnumerable<int>? xs)
                {
                    System.Console.WriteLine();
                    xs ??= Enumerable.Range(1, 3);
                    return xs.Count() + {|MAGG001:xs|}.Sum();
                }
            }
            """;
        const string fixedSource = """
            using System.Collections.Generic;
            using System.Linq;

            public class C
            {
                public int M(IEnumerable<int>? xs)
                {
                    System.Console.WriteLine();
                    xs ??= Enumerable.Range(1, 3);
                    xs = xs.ToList();
                    return xs.Count() + xs.Sum();
                }
            }
            """;

        await CodeFixVerifier.VerifyAsync(testCode, fixedSource, Materialize);
    }

    [Fact]
    public async Task FuseNamesAMemberOfAnAnnotatedElementWithoutItsQuestionMark()
    {
        // `nameof(string?.Length)` would read as a conditional access.
        const string testCode = """
            #nullable enable
            using System.Collections.Generic;
            using System.Linq;

            public class C
            {
                public int M(IEnumerable<string?> names)
                {
                    var longest = names.Max(n => n!.Length);
                    var count = {|MAGG001:names|}.Count();
                    return longest + count;
                }
            }
            """;
        const string fixedSource = """
            #nullable enable
            using System.Collections.Generic;
            using System.Linq;
            using MultiAgg;

            public partial class C
            {
                public int M(IEnumerable<string?> names)
                {
                    var (longest, count) = SummarizeNames(names);
                    return longest + count;
                }

                [Aggregate(Agg.Max, Of = nameof(string.Length))]
                [Aggregate(Agg.Count)]
                private static partial (int Longest, int Count) SummarizeNames(IEnumerable<string?> names);
            }
            """;

        await CodeFixVerifier.VerifyAsync(testCode, fixedSource, Fuse);
        TestCompiler.Run(TestCompiler.Compile(fixedSource)).AssertClean();
    }

    [Fact]
    public async Task FuseGivesAMemberNamedLikeAMethodOfTheTypeAMethodOfItsOwn()
    {
        // `Of = nameof(Order.Total)` would name both the property and the static method Total (MAGG108); so would
        // reusing that method, identical to the lambda, as `Of = nameof(Total)`.
        const string testCode = """
            using System.Collections.Generic;
            using System.Linq;

            public record Order(decimal Total);

            public class C
            {
                public decimal M(IEnumerable<Order> orders)
                {
                    var revenue = orders.Sum(o => o.Total);
                    var count = {|MAGG001:orders|}.Count();
                    return revenue + count;
                }

                private static decimal Total(Order o) => o.Total;
            }
            """;
        const string fixedSource = """
            using System.Collections.Generic;
            using System.Linq;
            using MultiAgg;

            public record Order(decimal Total);

            public partial class C
            {
                public decimal M(IEnumerable<Order> orders)
                {
                    var (revenue, count) = SummarizeOrders(orders);
                    return revenue + count;
                }

                [Aggregate(Agg.Sum, Of = nameof(TotalAsDecimal))]
                [Aggregate(Agg.Count)]
                private static partial (decimal Revenue, int Count) SummarizeOrders(IEnumerable<Order> orders);

                private static decimal TotalAsDecimal(Order o) => o.Total;

                private static decimal Total(Order o) => o.Total;
            }
            """;

        await CodeFixVerifier.VerifyAsync(testCode, fixedSource, Fuse);
        TestCompiler.Run(TestCompiler.Compile(fixedSource)).AssertClean();
    }

    [Fact]
    public async Task FuseNamesTheMembersOfANullableElementAsAString()
    {
        const string testCode = """
            using System.Collections.Generic;
            using System.Linq;

            public class C
            {
                public int M(IEnumerable<int?> ys)
                {
                    var known = ys.Count(y => y.HasValue);
                    var first = {|MAGG001:ys|}.First(y => y.HasValue);
                    return known + (first ?? 0);
                }
            }
            """;
        const string fixedSource = """
            using System.Collections.Generic;
            using System.Linq;
            using MultiAgg;

            public partial class C
            {
                public int M(IEnumerable<int?> ys)
                {
                    var (known, first) = SummarizeYs(ys);
                    return known + (first ?? 0);
                }

                [Aggregate(Agg.Count, Agg.First, Where = "HasValue")]
                private static partial (int Known, int? First) SummarizeYs(IEnumerable<int?> ys);
            }
            """;

        await CodeFixVerifier.VerifyAsync(testCode, fixedSource, Fuse);
        TestCompiler.Run(TestCompiler.Compile(fixedSource)).AssertClean();
    }

    /// <summary>A tuple element may not be named as a member every tuple has (CS8126): those names take a suffix.</summary>
    [Fact]
    public async Task LocalsNamedAsTheMembersOfATupleTakeASuffix()
    {
        const string testCode = """
            using System.Collections.Generic;
            using System.Linq;

            public class C
            {
                public int M(IEnumerable<int> xs)
                {
                    var deconstruct = xs.Count();
                    var compareTo = {|MAGG001:xs|}.Max();
                    return deconstruct + compareTo;
                }
            }
            """;
        const string fixedSource = """
            using System.Collections.Generic;
            using System.Linq;
            using MultiAgg;

            public partial class C
            {
                public int M(IEnumerable<int> xs)
                {
                    var (deconstruct, compareTo) = SummarizeXs(xs);
                    return deconstruct + compareTo;
                }

                [Aggregate(Agg.Count, Agg.Max)]
                private static partial (int DeconstructValue, int CompareToValue) SummarizeXs(IEnumerable<int> xs);
            }
            """;

        await CodeFixVerifier.VerifyAsync(testCode, fixedSource, Fuse);
        TestCompiler.Run(TestCompiler.Compile(fixedSource)).AssertClean();
    }
}
