using System.Collections;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using MultiAgg.Generators.Specs;
using MultiAgg.Generators.Tests.Infrastructure;

namespace MultiAgg.Generators.Tests;

/// <summary>The pipeline caches: edits that do not touch an [Aggregate] method regenerate nothing.</summary>
public class IncrementalTests
{
    private const string Source = """
        using System.Collections.Generic;
        using MultiAgg;
        using static MultiAgg.Agg;

        namespace Demo;

        public sealed record Order(decimal Total, bool IsPaid);

        public static partial class Stats
        {
            [Aggregate(Sum, Max, Of = nameof(Order.Total))]
            [Aggregate(Count, Where = nameof(Order.IsPaid))]
            public static partial (decimal, decimal, int) Of(IEnumerable<Order> orders);
        }

        [Aggregate(Sum, Max, Of = nameof(Order.Total))]
        [Aggregate(Count, Where = nameof(Order.IsPaid))]
        public partial struct OrderStats : IMergeableAccumulator<OrderStats, Order, (decimal, decimal, int)> { }
        """;

    /// <summary>
    /// Every other form a declaration takes: a query with an inlined method, CPU-parallel, an async source, an async
    /// selector through a window, a custom accumulator by typeof, a grouped method and a grouped accumulator type.
    /// </summary>
    private const string EveryForm = """
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;
        using MultiAgg;
        using MultiAgg.Accumulators;
        using static MultiAgg.Agg;

        namespace Demo.Forms;

        public sealed record Sale(string Region, decimal Total, int Units, double Score, bool IsPaid);

        public static partial class Forms
        {
            private static decimal Net(Sale sale) => sale.Total * 0.8m;

            [Aggregate(Sum, Max, Of = nameof(Net))]
            public static partial (decimal, decimal) Queried(IQueryable<Sale> sales);

            [Aggregate(Sum, Count, Of = nameof(Sale.Units))]
            public static partial (long, int) Parallel(Sale[] sales, ParallelOptions options);

            [Aggregate(Sum, Min, Of = nameof(Sale.Units))]
            public static partial Task<(long, int)> StreamedAsync(IAsyncEnumerable<Sale> sales, CancellationToken cancellationToken);

            private static async Task<int> WeighAsync(Sale sale, CancellationToken cancellationToken)
            {
                await Task.Yield();
                return sale.Units;
            }

            [Aggregate(Sum, Max, Of = nameof(WeighAsync))]
            public static partial Task<(long, int)> WeighedAsync(IEnumerable<Sale> sales, ParallelOptions options);

            [Aggregate(typeof(KahanNeumaierSum), Of = nameof(Sale.Score))]
            [Aggregate(Count, Where = nameof(Sale.IsPaid))]
            public static partial (double, int) Custom(IEnumerable<Sale> sales);

            [GroupBy(nameof(Sale.Region))]
            [Aggregate(Sum, Average, Of = nameof(Sale.Total))]
            public static partial Dictionary<string, (decimal, decimal)> ByRegion(IEnumerable<Sale> sales);
        }

        [GroupBy(nameof(Sale.Region))]
        [Aggregate(Sum, Count, Of = nameof(Sale.Units))]
        public partial struct RegionStats : IMergeableAccumulator<RegionStats, Sale, Dictionary<string, (long, int)>> { }
        """;

    /// <summary>
    /// A method and an accumulator type MultiAgg cannot implement (MAGG104), a [GroupBy] without [Aggregate] (MAGG119),
    /// and a query whose Of C# cannot put in an expression tree (MAGG142).
    /// </summary>
    private const string Rejected = """
        using System.Collections.Generic;
        using MultiAgg;
        using static MultiAgg.Agg;

        namespace Demo;

        public static partial class Broken
        {
            [Aggregate(Sum)]
            public static partial int Total(IEnumerable<string> names);

            [GroupBy(nameof(string.Length))]
            public static partial Dictionary<int, int> ByLength(IEnumerable<string> names);

            // MAGG142, whose message names the expression C# cannot put in an expression tree, and its file.
            [Aggregate(Max, Of = nameof(LengthOf))]
            public static partial int? Longest(System.Linq.IQueryable<string> names);

            private static int? LengthOf(string? name) => name?.Length;
        }

        [Aggregate(Sum)]
        public partial struct BrokenStats : IAccumulator<string, int> { }
        """;

    [Fact]
    public void AnUnrelatedEditLeavesEveryStepCached()
    {
        var compilation = TestCompiler.Compile(Source);
        var driver = TestCompiler.CreateDriver(compilation, trackSteps: true).RunGenerators(compilation);

        var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText(
            "namespace Demo; public static class Unrelated { public static int Answer() => 42; }",
            (CSharpParseOptions)compilation.SyntaxTrees.First().Options));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        foreach (var step in new[] { TrackingNames.Models, TrackingNames.Specs, TrackingNames.TypeSpecs, TrackingNames.Diagnostics, TrackingNames.LanguageVersionTooLow })
        {
            var outputs = result.TrackedSteps[step].SelectMany(static s => s.Outputs).ToList();
            Assert.NotEmpty(outputs);
            Assert.All(outputs, o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{step} was {o.Reason}"));
        }

        Assert.All(result.TrackedOutputSteps.SelectMany(static s => s.Value).SelectMany(static s => s.Outputs),
            o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
    }

    /// <summary>
    /// Every named step, those that only rejected declarations feed too: a method and an accumulator type MultiAgg cannot
    /// implement (members that throw with the MAGG messages) and a [GroupBy] without [Aggregate] (MAGG119).
    /// </summary>
    [Fact]
    public void AnUnrelatedEditLeavesEveryStepCachedForRejectedDeclarationsToo()
    {
        var compilation = TestCompiler.Compile(new[] { Source, Rejected });
        var driver = TestCompiler.CreateDriver(compilation, trackSteps: true).RunGenerators(compilation);
        Assert.Equal(new[] { "MAGG104", "MAGG104", "MAGG119", "MAGG142" }, driver.GetRunResult().Diagnostics.Select(static d => d.Id).Order());

        var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText(
            "namespace Demo; public static class Unrelated { public static int Answer() => 42; }",
            (CSharpParseOptions)compilation.SyntaxTrees.First().Options));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        var steps = typeof(TrackingNames).GetFields(BindingFlags.Public | BindingFlags.Static).Select(static f => (string)f.GetValue(null)!).ToList();
        Assert.Equal(8, steps.Count);
        foreach (var step in steps)
        {
            var outputs = result.TrackedSteps[step].SelectMany(static s => s.Outputs).ToList();
            Assert.NotEmpty(outputs);
            Assert.All(outputs, o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{step} was {o.Reason}"));
        }

        Assert.All(result.TrackedOutputSteps.SelectMany(static s => s.Value).SelectMany(static s => s.Outputs),
            o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
    }

    /// <summary>
    /// The same at the scale of samples/MultiAgg.Benchmarks/GeneratorCost: 1,000 methods of every kind (plain,
    /// Of/Where over records, arrays, [GroupBy]) in 50 files, and an edit of a method body in a file without any.
    /// </summary>
    [Fact]
    public void AnUnrelatedEditLeavesEveryStepCachedForAThousandMethods()
    {
        const string records = """
            namespace Demo;

            public sealed record Order(string Region, decimal Total, int Quantity, bool IsPaid);
            """;
        static string Unrelated(int answer) => $"namespace Demo; public static class Unrelated {{ public static int Answer() => {answer}; }}";
        static string Method(int i) => (i % 4) switch
        {
            0 => $"[Aggregate(Sum, Max, Count)] public static partial (int, int, int) Plain{i}(IEnumerable<int> values);",
            1 => $"[Aggregate(Sum, Max, Of = nameof(Order.Total))] [Aggregate(Count, Where = nameof(Order.IsPaid))] public static partial (decimal, decimal, int) Orders{i}(IEnumerable<Order> orders);",
            2 => $"[Aggregate(Sum, Min, Max, Average)] public static partial (double, double, double, double) Doubles{i}(double[] values);",
            _ => $"[GroupBy(nameof(Order.Region))] [Aggregate(Sum, Of = nameof(Order.Total))] [Aggregate(Count)] public static partial Dictionary<string, (decimal, int)> ByRegion{i}(IEnumerable<Order> orders);",
        };
        var files = Enumerable.Range(0, 50).Select(file => $$"""
            using System.Collections.Generic;
            using MultiAgg;
            using static MultiAgg.Agg;

            namespace Demo;

            public static partial class Aggregates{{file}}
            {
                {{string.Join("\n    ", Enumerable.Range(file * 20, 20).Select(Method))}}
            }
            """);
        var compilation = TestCompiler.Compile(files.Append(records).Append(Unrelated(42)));
        var driver = TestCompiler.CreateDriver(compilation, trackSteps: true).RunGenerators(compilation);
        Assert.Equal(1000, driver.GetRunResult().Results.Single().GeneratedSources.Length);

        var tree = compilation.SyntaxTrees.Last();
        var edited = compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(Unrelated(43))));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        Assert.Equal(1000, result.GeneratedSources.Length);
        Assert.Empty(result.Diagnostics);
        foreach (var step in new[] { TrackingNames.Models, TrackingNames.Specs, TrackingNames.Diagnostics, TrackingNames.Rejected })
        {
            var outputs = result.TrackedSteps[step].SelectMany(static s => s.Outputs).ToList();
            Assert.Equal(1000, outputs.Count);
            Assert.All(outputs, o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{step} was {o.Reason}"));
        }

        Assert.All(result.TrackedOutputSteps.SelectMany(static s => s.Value).SelectMany(static s => s.Outputs),
            o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
    }

    /// <summary>
    /// The commonest edit in an IDE: a line added above the declarations, in their own file, which moves every location.
    /// What is emitted holds no location: nothing is written again, rejected declarations (and their messages) included.
    /// Only the diagnostics, which carry locations, move with them.
    /// </summary>
    [Fact]
    public void ALineAddedAboveTheDeclarationsWritesNothingAgain()
    {
        var compilation = TestCompiler.Compile(new[] { Source, Rejected });
        var driver = TestCompiler.CreateDriver(compilation, trackSteps: true).RunGenerators(compilation);

        var edited = compilation;
        foreach (var tree in compilation.SyntaxTrees)
            edited = edited.ReplaceSyntaxTree(tree, tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From("// a comment that moves everything\n\n" + tree.GetText())));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        foreach (var step in new[] { TrackingNames.Specs, TrackingNames.TypeSpecs, TrackingNames.Rejected, TrackingNames.RejectedTypes })
        {
            var outputs = result.TrackedSteps[step].SelectMany(static s => s.Outputs).ToList();
            Assert.NotEmpty(outputs);
            Assert.All(outputs, o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{step} was {o.Reason}"));
        }

        // The sources are the steps' outputs, so none is written again; the diagnostics' output is, with their new lines.
        Assert.Equal(
            driver.GetRunResult().Results.Single().GeneratedSources.Select(static s => s.HintName + "\n" + s.SourceText),
            result.GeneratedSources.Select(static s => s.HintName + "\n" + s.SourceText));
        Assert.Equal(
            driver.GetRunResult().Diagnostics.Select(static d => d.Location.GetLineSpan().StartLinePosition.Line + 2).Order(),
            result.Diagnostics.Select(static d => d.Location.GetLineSpan().StartLinePosition.Line).Order());
    }

    /// <summary>
    /// Every form of declaration (queries, parallel, async, windows, custom accumulators, grouping, grouped types), through
    /// the two edits an IDE makes all day: a file added elsewhere, and a line added above the declarations in their file.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void EveryFormStaysCachedThroughUnrelatedEdits(bool lineAbove)
    {
        var compilation = TestCompiler.Compile(EveryForm);
        var driver = TestCompiler.CreateDriver(compilation, trackSteps: true).RunGenerators(compilation);
        var before = driver.GetRunResult();
        Assert.True(before.Diagnostics.IsEmpty, string.Join("\n", before.Diagnostics));
        Assert.Equal(7, before.Results.Single().GeneratedSources.Length);   // six methods and the type

        var tree = compilation.SyntaxTrees.Single();
        var edited = lineAbove
            ? compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From("// a comment that moves everything\n\n" + tree.GetText())))
            : compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("namespace Demo; public static class Unrelated { public static int Answer() => 42; }", (CSharpParseOptions)tree.Options));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        foreach (var step in new[] { TrackingNames.Specs, TrackingNames.TypeSpecs })
        {
            var outputs = result.TrackedSteps[step].SelectMany(static s => s.Outputs).ToList();
            Assert.NotEmpty(outputs);
            Assert.All(outputs, o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{step} was {o.Reason}"));
        }

        Assert.All(result.TrackedOutputSteps.SelectMany(static s => s.Value).SelectMany(static s => s.Outputs),
            o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
    }

    [Fact]
    public void EditingTheMethodRegeneratesIt()
    {
        var compilation = TestCompiler.Compile(Source);
        var driver = TestCompiler.CreateDriver(compilation, trackSteps: true).RunGenerators(compilation);

        var tree = compilation.SyntaxTrees.Single();
        var edited = compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(
            Source.Replace("[Aggregate(Count, Where", "[Aggregate(LongCount, Where").Replace("decimal, int)", "decimal, long)"))));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        var specs = result.TrackedSteps[TrackingNames.Specs].SelectMany(static s => s.Outputs).ToList();
        Assert.Contains(specs, static o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains("__longcount2", result.GeneratedSources.Single(static s => s.HintName == "Demo.Stats.Of.g.cs").SourceText.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void EditingTheAccumulatorTypeRegeneratesItAlone()
    {
        var compilation = TestCompiler.Compile(Source);
        var driver = TestCompiler.CreateDriver(compilation, trackSteps: true).RunGenerators(compilation);

        var tree = compilation.SyntaxTrees.Single();
        var edited = compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(
            Source.Replace("(decimal, decimal, int)> { }", "(decimal, decimal, int)>, ICompletableAccumulator { }"))));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        var typeSpecs = result.TrackedSteps[TrackingNames.TypeSpecs].SelectMany(static s => s.Outputs).ToList();
        Assert.Contains(typeSpecs, static o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains("public readonly bool IsComplete => false;", result.GeneratedSources.Single(static s => s.HintName == "Demo.OrderStats.g.cs").SourceText.ToString(), StringComparison.Ordinal);

        // The method's spec is equal to the one before: its source is not written again.
        Assert.Contains(result.TrackedSteps[TrackingNames.Specs].SelectMany(static s => s.Outputs), static o => o.Reason is IncrementalStepRunReason.Unchanged or IncrementalStepRunReason.Cached);
    }

    [Fact]
    public void OutputIsDeterministic()
    {
        static string[] Texts() => TestCompiler.Run(Source).Sources.Select(static s => s.HintName + "\n" + s.SourceText).ToArray();
        var first = Texts();
        Assert.Equal(first, Texts());

        // The same under another culture (a comma for the decimal point, U+2212 for minus, other casing and collation):
        // a build machine's settings must not change the generated files.
        var culture = System.Globalization.CultureInfo.CurrentCulture;
        try
        {
            System.Globalization.CultureInfo.CurrentCulture = System.Globalization.CultureInfo.GetCultureInfo("tr-TR");
            Assert.Equal(first, Texts());
            System.Globalization.CultureInfo.CurrentCulture = System.Globalization.CultureInfo.GetCultureInfo("sv-SE");
            Assert.Equal(first, Texts());
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = culture;
        }
    }

    /// <summary>
    /// Walks every type reachable from what the emitter is given to prove no symbol, syntax or location leaks
    /// into it. (Diagnostics keep their source location on purpose, in a step of their own: see DiagnosticInfo.)
    /// </summary>
    [Fact]
    public void SpecsHoldOnlyValues()
    {
        var forbidden = new[] { typeof(ISymbol), typeof(SyntaxNode), typeof(SemanticModel), typeof(Compilation), typeof(Location), typeof(SyntaxTree), typeof(SyntaxToken) };
        var seen = new HashSet<Type>();
        var pending = new Queue<Type>(new[] { typeof(AggregateMethodSpec), typeof(RejectedMethodSpec), typeof(AccumulatorTypeSpec), typeof(RejectedAccumulatorTypeSpec) });
        while (pending.Count > 0)
        {
            var type = pending.Dequeue();
            if (!seen.Add(type) || type.IsPrimitive || type.IsEnum || type == typeof(string))
            {
                continue;
            }

            Assert.False(forbidden.Any(f => f.IsAssignableFrom(type)), $"{type} must not flow through the pipeline");
            Assert.True(type.IsValueType || type.IsSealed, $"{type} should be a sealed record or a value type");
            if (!type.IsGenericType && type.GetMethod("Equals", new[] { type }) is null)
            {
                Assert.Fail($"{type} is not value-equatable");
            }

            foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
            {
                var fieldType = field.FieldType;
                if (fieldType.IsGenericType && fieldType.GetGenericTypeDefinition() == typeof(System.Collections.Immutable.ImmutableArray<>))
                {
                    Assert.True(type.IsGenericType && type.GetGenericTypeDefinition() == typeof(EquatableArray<>), $"{type}.{field.Name} holds an ImmutableArray; use EquatableArray");
                }

                foreach (var t in fieldType.IsGenericType ? fieldType.GetGenericArguments().Append(fieldType) : new[] { fieldType })
                {
                    pending.Enqueue(Nullable.GetUnderlyingType(t) ?? t);
                }
            }
        }

        Assert.Contains(typeof(AggregateSpec), seen);
        Assert.Contains(typeof(MethodSignatureSpec), seen);
    }
}
