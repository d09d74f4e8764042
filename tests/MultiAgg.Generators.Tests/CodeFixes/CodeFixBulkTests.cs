using System.Collections.Immutable;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using MultiAgg.CodeFixes;
using MultiAgg.Generators.Tests.Infrastructure;

namespace MultiAgg.Generators.Tests;

/// <summary>Fix All in every scope, the key-less bulk fix `dotnet format` asks for, CA1851, and a run of the fixed code.</summary>
public class CodeFixBulkTests
{
    private const string TwoMethodsMarkup = """
        using System.Collections.Generic;
        using System.Linq;

        public static class Stats
        {
            public static int A(IEnumerable<int> xs)
            {
                var sum = xs.Sum();
                var max = {|MAGG001:xs|}.Max();
                return sum + max;
            }

            public static double B(IEnumerable<double> ys)
            {
                var min = ys.Min();
                var average = {|MAGG001:ys|}.Average();
                foreach (var y in {|MAGG001:ys|}) System.Console.WriteLine(y);
                return min + average;
            }
        }
        """;

    private static readonly string TwoMethods = Markup.Parse(TwoMethodsMarkup).Source;

    /// <summary>
    /// What the Fuse key makes of <see cref="TwoMethodsMarkup"/>: both runs fused; the foreach over <c>ys</c> stays, and
    /// with it a second read of <c>ys</c> after the fused method's (the key-less bulk fix materializes <c>ys</c> instead).
    /// </summary>
    private const string TwoMethodsFused = """
        using System.Collections.Generic;
        using System.Linq;
        using MultiAgg;

        public static partial class Stats
        {
            public static int A(IEnumerable<int> xs)
            {
                var (sum, max) = SummarizeXs(xs);
                return sum + max;
            }

            [Aggregate(Agg.Sum, Agg.Max)]
            private static partial (int Sum, int Max) SummarizeXs(IEnumerable<int> xs);

            public static double B(IEnumerable<double> ys)
            {
                var (min, average) = SummarizeYs(ys);
                foreach (var y in {|MAGG001:ys|}) System.Console.WriteLine(y);
                return min + average;
            }

            [Aggregate(Agg.Min, Agg.Average)]
            private static partial (double Min, double Average) SummarizeYs(IEnumerable<double> ys);
        }
        """;

    [Fact]
    public async Task FixAllWithTheFuseKeyFusesEveryFusableRun()
    {
        await CodeFixVerifier.VerifyAsync(TwoMethodsMarkup, TwoMethodsFused, FuseAggregatesCodeFix.EquivalenceKey);
    }

    // Stays on CodeFixRunner: `dotnet format` asks for Fix All with no equivalence key, which the framework,
    // always picking one action by key or index, cannot ask for.
    [Fact]
    public async Task FixAllWithoutAKeyFusesWhatItCanAndMaterializesTheRest()
    {
        // `dotnet format analyzers` asks for Fix All with no equivalence key: every diagnostic goes.
        var fixedSource = Assert.Single(await CodeFixRunner.FixAllAsync(CodeFixRunner.CreateProject(TwoMethods), equivalenceKey: null));

        Assert.Equal("""
            using System.Collections.Generic;
            using System.Linq;
            using MultiAgg;

            public static partial class Stats
            {
                public static int A(IEnumerable<int> xs)
                {
                    var (sum, max) = SummarizeXs(xs);
                    return sum + max;
                }

                [Aggregate(Agg.Sum, Agg.Max)]
                private static partial (int Sum, int Max) SummarizeXs(IEnumerable<int> xs);

                public static double B(IEnumerable<double> ys)
                {
                    ys = ys.ToList();
                    var min = ys.Min();
                    var average = ys.Average();
                    foreach (var y in ys) System.Console.WriteLine(y);
                    return min + average;
                }
            }
            """, fixedSource);

        // The result compiles (with the generator) and has nothing left to report.
        Assert.Empty(await CodeFixRunner.GetDiagnosticsAsync(CodeFixRunner.CreateProject(fixedSource)));
    }

    /// <summary>
    /// A sequence to be materialized whose reported read is inside another sequence's fused run (a lambda the fusion moves
    /// into the new method): the fusion passes it to that method, and it is buffered there, before the fused call. It had
    /// been dropped, left enumerated once per element inside the pass.
    /// </summary>
    [Fact]
    public async Task ASequenceReadInsideAnotherSequencesFusedRunIsStillMaterialized()
    {
        const string Source = """
            using System.Collections.Generic;
            using System.Linq;

            public static class Stats
            {
                public static int M(IEnumerable<int> xs, IEnumerable<int> ys)
                {
                    var max = xs.Max();
                    var n = xs.Count(x => ys.Contains(x));
                    return max + n;
                }
            }
            """;
        var project = CodeFixRunner.CreateProject(Source);
        Assert.Equal(["MAGG001", "MAGG001"], (await CodeFixRunner.GetDiagnosticsAsync(project)).Select(static d => d.Id));

        var fixedSource = Assert.Single(await CodeFixRunner.FixAllAsync(project, equivalenceKey: null));

        Assert.Contains("ys = ys.ToList();\n        var (max, n) = ", fixedSource.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Empty(await CodeFixRunner.GetDiagnosticsAsync(CodeFixRunner.CreateProject(fixedSource)));
    }

    /// <summary>Starts with a sequence that can only be materialized, as in the issue's trial.</summary>
    private const string MaterializeOnlyFirst = """
        using System.Collections.Generic;
        using System.Linq;

        public static class Report
        {
            public static string Logs(IEnumerable<int> entries)
            {
                var lines = new List<string>();
                foreach (var entry in entries)
                    lines.Add($"#{entry}");
                return $"{entries.Count()} entries: {string.Join(",", lines)}";
            }

            public static string Readings(IEnumerable<int> readings)
            {
                var total = readings.Sum();
                var largest = readings.Max();
                var count = readings.Count();
                return $"{total} {largest} {count}";
            }

            public static int[] Histogram(IEnumerable<int> values, int[] keys) =>
                keys.Select(k => values.Count(v => v == k)).ToArray();

            public static string TwoRuns(IEnumerable<int> xs)
            {
                var sum = xs.Sum();
                var max = xs.Max();
                System.Console.WriteLine(sum);
                var min = xs.Min();
                var count = xs.Count();
                return $"{max} {min} {count}";
            }

            public static int InALoop(IEnumerable<int> ys, int n)
            {
                var result = 0;
                for (var i = 0; i < n; i++)
                {
                    var sum = ys.Sum();
                    var max = ys.Max();
                    result += sum + max;
                }

                return result;
            }

            public static double Spread(IEnumerable<double> prices)
            {
                var min = prices.Min();
                var max = prices.Max();
                return max - min;
            }
        }
        """;

    private const string MaterializeOnlyFirstFixed = """
        using System.Collections.Generic;
        using System.Linq;
        using MultiAgg;

        public static partial class Report
        {
            public static string Logs(IEnumerable<int> entries)
            {
                var lines = new List<string>();
                entries = entries.ToList();
                foreach (var entry in entries)
                    lines.Add($"#{entry}");
                return $"{entries.Count()} entries: {string.Join(",", lines)}";
            }

            public static string Readings(IEnumerable<int> readings)
            {
                var (total, largest, count) = SummarizeReadings(readings);
                return $"{total} {largest} {count}";
            }

            [Aggregate(Agg.Sum, Agg.Max, Agg.Count)]
            private static partial (int Total, int Largest, int Count) SummarizeReadings(IEnumerable<int> readings);

            public static int[] Histogram(IEnumerable<int> values, int[] keys)
            {
                values = values.ToList();
                return keys.Select(k => values.Count(v => v == k)).ToArray();
            }

            public static string TwoRuns(IEnumerable<int> xs)
            {
                xs = xs.ToList();
                var sum = xs.Sum();
                var max = xs.Max();
                System.Console.WriteLine(sum);
                var min = xs.Min();
                var count = xs.Count();
                return $"{max} {min} {count}";
            }

            public static int InALoop(IEnumerable<int> ys, int n)
            {
                var result = 0;
                ys = ys.ToList();
                for (var i = 0; i < n; i++)
                {
                    var sum = ys.Sum();
                    var max = ys.Max();
                    result += sum + max;
                }

                return result;
            }

            public static double Spread(IEnumerable<double> prices)
            {
                var (min, max) = SummarizePrices(prices);
                return max - min;
            }

            [Aggregate(Agg.Min, Agg.Max)]
            private static partial (double Min, double Max) SummarizePrices(IEnumerable<double> prices);
        }
        """;

    // Stays on CodeFixRunner: it replays `dotnet format` from every starting diagnostic (FormatAsync), an
    // order the framework does not vary.
    [Fact]
    public async Task BulkFixFusesEveryFusableGroupWhicheverDiagnosticDotnetFormatMeetsFirst()
    {
        var project = CodeFixRunner.CreateProject(MaterializeOnlyFirst);
        var diagnostics = await CodeFixRunner.GetDiagnosticsAsync(project);
        Assert.True(diagnostics.Length >= 8, $"expected the test code to report every case, got {diagnostics.Length}");

        // The first diagnostic can only be materialized, yet its first action is the bulk one.
        Assert.Equal(new[] { MultipleEnumerationFixAll.EquivalenceKey, MaterializeOnceCodeFix.EquivalenceKey }, (await CodeFixRunner.GetActionsAsync(project, 0)).Select(static a => a.EquivalenceKey));

        for (var first = 0; first < diagnostics.Length; first++)
        {
            // Fused where one fusion settles the sequence; materialized where only that fixes it:
            // a foreach, a lambda run per key, two runs of calls, a run in a loop.
            var fixedSource = Assert.Single(await CodeFixRunner.FormatAsync(project, first));
            Assert.Equal(MaterializeOnlyFirstFixed, fixedSource);
        }

        // One run leaves nothing to report, and the result compiles with the generator.
        Assert.Empty(await CodeFixRunner.GetDiagnosticsAsync(CodeFixRunner.CreateProject(MaterializeOnlyFirstFixed)));
        TestCompiler.Run(TestCompiler.Compile(MaterializeOnlyFirstFixed)).AssertClean();
    }

    [Fact]
    public async Task FixAllInTheSolutionFixesEveryDocument()
    {
        const string OtherMarkup = """
            using System.Collections.Generic;
            using System.Linq;

            namespace Other
            {
                internal class Reader
                {
                    public long Total(IEnumerable<long> values)
                    {
                        var total = values.Sum();
                        var count = {|MAGG001:values|}.LongCount();
                        return total / count;
                    }
                }
            }
            """;
        const string OtherFixed = """
            using System.Collections.Generic;
            using System.Linq;
            using MultiAgg;

            namespace Other
            {
                internal partial class Reader
                {
                    public long Total(IEnumerable<long> values)
                    {
                        var (total, count) = SummarizeValues(values);
                        return total / count;
                    }

                    [Aggregate(Agg.Sum, Agg.LongCount)]
                    private static partial (long Total, long Count) SummarizeValues(IEnumerable<long> values);
                }
            }
            """;

        // The framework runs Fix All in document, project and solution scope over both documents.
        await CodeFixVerifier.VerifyAsync([TwoMethodsMarkup, OtherMarkup], [TwoMethodsFused, OtherFixed], FuseAggregatesCodeFix.EquivalenceKey);
    }

    [Fact]
    public async Task FixAllAcrossThePartsOfOneTypeNamesEachNewMethodOnce()
    {
        // Both files of one partial class fuse a run over `xs`: fixed one file after the other, the second method sees the
        // first and takes another name (fixed side by side, both were SummarizeXs, a compile error).
        const string First = """
            using System.Collections.Generic;
            using System.Linq;

            public static partial class Report
            {
                public static int Spread(IEnumerable<int> xs)
                {
                    var sum = xs.Sum();
                    var max = {|MAGG001:xs|}.Max();
                    return max * 10 - sum;
                }
            }
            """;
        const string Second = """
            using System.Collections.Generic;
            using System.Linq;

            public static partial class Report
            {
                public static int Balance(IEnumerable<int> xs)
                {
                    var sum = xs.Sum();
                    var max = {|MAGG001:xs|}.Max();
                    return sum - max;
                }
            }
            """;
        const string FirstFixed = """
            using System.Collections.Generic;
            using System.Linq;
            using MultiAgg;

            public static partial class Report
            {
                public static int Spread(IEnumerable<int> xs)
                {
                    var (sum, max) = SummarizeXs(xs);
                    return max * 10 - sum;
                }

                [Aggregate(Agg.Sum, Agg.Max)]
                private static partial (int Sum, int Max) SummarizeXs(IEnumerable<int> xs);
            }
            """;
        const string SecondFixed = """
            using System.Collections.Generic;
            using System.Linq;
            using MultiAgg;

            public static partial class Report
            {
                public static int Balance(IEnumerable<int> xs)
                {
                    var (sum, max) = SumAndMaxOfXs(xs);
                    return sum - max;
                }

                [Aggregate(Agg.Sum, Agg.Max)]
                private static partial (int Sum, int Max) SumAndMaxOfXs(IEnumerable<int> xs);
            }
            """;

        await CodeFixVerifier.VerifyAsync([First, Second], [FirstFixed, SecondFixed], FuseAggregatesCodeFix.EquivalenceKey);

        // dotnet format's way: no key, the whole solution at once.
        var project = CodeFixRunner.CreateProject(Markup.Parse(First).Source, Markup.Parse(Second).Source);
        Assert.Equal([FirstFixed, SecondFixed], await CodeFixRunner.FixAllAsync(project, equivalenceKey: null));
    }

    // Stays on CodeFixRunner: CA1851 comes from the .NET analyzers, not from the analyzer under test, so the
    // diagnostic is made by hand and the offered actions are checked directly.
    [Fact]
    public async Task CA1851DiagnosticsGetTheSameFixes()
    {
        const string Source = """
            using System.Collections.Generic;
            using System.Linq;

            public class C
            {
                public int M(IEnumerable<int> xs) { var a = xs.Sum(); var b = xs.Max(); return a + b; }
            }
            """;
        var project = CodeFixRunner.CreateProject(Source);
        var document = project.Documents.Single();
        var tree = (await document.GetSyntaxTreeAsync())!;

        // CA1851 reports every enumeration at the reference to the variable.
        var descriptor = new DiagnosticDescriptor("CA1851", "Possible multiple enumerations of 'IEnumerable' collection", "Possible multiple enumerations of 'IEnumerable' collection. Consider using an implementation that avoids multiple enumerations.", "Performance", DiagnosticSeverity.Warning, true);
        var start = Source.IndexOf("xs.Max", StringComparison.Ordinal);
        var diagnostic = Diagnostic.Create(descriptor, Location.Create(tree, new Microsoft.CodeAnalysis.Text.TextSpan(start, 2)));
        var actions = new List<CodeAction>();
        await CodeFixRunner.Provider.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (a, _) => actions.Add(a), CancellationToken.None));

        Assert.Equal(new[] { MultipleEnumerationFixAll.EquivalenceKey, FuseAggregatesCodeFix.EquivalenceKey, MaterializeOnceCodeFix.EquivalenceKey }, actions.Select(static a => a.EquivalenceKey));
    }

    public static TheoryData<string, string> Programs => new()
    {
        { "ints", "new[] { 3, 1, 4, 1, 5, 9, 2, 6 }" },
        { "empty", "new int[0]" },
        { "overflow", "new[] { int.MaxValue, 1 }" },     // Sum overflows before First finds no flagged item
        { "single", "new[] { -7 }" },                    // First finds no flagged item
        { "flagged", "new[] { 2, -4, 8 }" },
    };

    /// <summary>The fixed code computes what the original computed, and fails the way it failed.</summary>
    // Stays on CodeFixRunner: the fixed program is compiled, loaded and run against the original, which the
    // framework does not do.
    [Theory]
    [MemberData(nameof(Programs))]
    public async Task FusedCodeBehavesLikeTheOriginal(string name, string data)
    {
        _ = name;
        var source = $$"""
            using System;
            using System.Collections.Generic;
            using System.Linq;

            public sealed record Item(int Value, bool Flag);

            public static class Program
            {
                public static string Run()
                {
                    try
                    {
                        return Describe({{data}}.Select(v => new Item(v, v % 2 == 0)), 2);
                    }
                    catch (Exception e)
                    {
                        return e.GetType().Name + ": " + e.Message;   // the message says which aggregate failed
                    }
                }

                private static string Describe(IEnumerable<Item> items, int factor)
                {
                    var count = items.Count();
                    var flagged = items.LongCount(i => i.Flag);
                    var total = items.Sum(i => i.Value);
                    var firstFlagged = items.First(i => i.Flag).Value;
                    var scaled = items.Sum(i => (long)i.Value * factor);
                    var average = items.Average(i => i.Value);
                    var largest = items.Max(i => i.Value);
                    var smallest = items.Min(i => (double?)i.Value);
                    var biggest = items.MaxBy(i => i.Value);
                    var any = items.Any();
                    var allPositive = items.All(i => i.Value > 0);
                    var lastFlagged = items.LastOrDefault(i => i.Flag);
                    var remainders = items.Select(i => i.Value % 3).Distinct().Count();
                    var selectedTotal = items.Select(i => i.Value * factor).Sum();
                    var selectedMean = items.Select(i => i.Value / 3.0).Average();
                    var selectedLeast = items.Select(i => i.Flag ? (int?)i.Value : null).Min();
                    return string.Join(",", count, flagged, total, firstFlagged, scaled, average.ToString("R"), largest, smallest, biggest, any, allPositive, lastFlagged, remainders,
                        selectedTotal, selectedMean.ToString("R"), selectedLeast);
                }
            }
            """;

        var project = CodeFixRunner.CreateProject(source);
        var fixedSource = (await CodeFixRunner.FixAllAsync(project, FuseAggregatesCodeFix.EquivalenceKey))[0];
        Assert.Contains("Summarize", fixedSource);
        Assert.Contains("[Aggregate(Agg.CountDistinct, Of = nameof(ValueMod3))]", fixedSource);

        var before = RunProgram(TestCompiler.Compile(source));
        var after = TestCompiler.Run(TestCompiler.Compile(fixedSource)).AssertClean();

        // The one documented difference: First(predicate) becomes [Aggregate(First, Where = ...)], which filters first, as
        // Where(predicate).First() does, and says so as that does (the exception's type is the same).
        Assert.Equal(before.Replace("no matching element", "no elements", StringComparison.Ordinal), RunProgram(after.Output));
    }

    private static string RunProgram(Compilation compilation) =>
        (string)TestCompiler.Load(compilation).GetType("Program")!.GetMethod("Run", BindingFlags.Public | BindingFlags.Static)!.Invoke(null, null)!;
}
