using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using MultiAgg.Generators.Tests.Infrastructure;

namespace MultiAgg.Generators.Tests;

/// <summary>
/// The generated code's fallbacks, compiled against the real reference assemblies of the frameworks that
/// need them (netstandard2.0 and .NET Framework 4.7.2, pinned through Basic.Reference.Assemblies): no
/// <c>CollectionsMarshal</c> (lists are enumerated, groups found with <c>TryGetValue</c>), no <c>Vector.Sum</c>
/// (no vector loop), C# 9, an async window through Task alone. The netstandard2.0 build also runs here, against LINQ.
/// </summary>
public class FrameworkFallbackTests
{
    private const string Source = """
        using System.Collections.Generic;
        using System.Linq;
        using MultiAgg;
        using static MultiAgg.Agg;

        public sealed class Order
        {
            public Order(string region, double total, int quantity, bool isPaid) { Region = region; Total = total; Quantity = quantity; IsPaid = isPaid; }
            public string Region { get; }
            public double Total { get; }
            public int Quantity { get; }
            public bool IsPaid { get; }
        }

        public static partial class Reports
        {
            [Aggregate(Sum, Min, Max, Average, Count)]
            public static partial (long Sum, int Min, int Max, double Average, int Count) Ints(int[] values);

            [Aggregate(Sum, Max, Count)]
            public static partial (long Sum, int Max, int Count) List(List<int> values);

            [Aggregate(Sum, Max, Of = nameof(Order.Total))]
            [Aggregate(Count, Where = nameof(Order.IsPaid))]
            [Aggregate(Average, Of = nameof(Order.Quantity))]
            [Aggregate(MaxBy, Of = nameof(Order.Total))]
            [Aggregate(CountDistinct, Of = nameof(Order.Region))]
            [Aggregate(Variance, Of = nameof(Order.Total))]
            public static partial (double, double, int, double, Order, int, double) Summary(IEnumerable<Order> orders);

            [GroupBy(nameof(Order.Region))]
            [Aggregate(Sum, Of = nameof(Order.Total))]
            [Aggregate(Count)]
            public static partial Dictionary<string, (double Total, int Count)> ByRegion(IReadOnlyList<Order> orders);

            [Aggregate(Sum, Max, Of = nameof(Order.Total))]
            [Aggregate(Count, CountDistinct, Of = nameof(Order.Region), Where = nameof(Order.IsPaid))]
            public static partial (double Total, double? Largest, int Paid, int PaidRegions) Query(IQueryable<Order> orders);

            [GroupBy(nameof(Order.Region))]
            [Aggregate(Average, Of = nameof(Order.Quantity))]
            public static partial Dictionary<string, double> QueryByRegion(IQueryable<Order> orders);

            [Aggregate(Sum, Max, Of = nameof(QuantityAsync))]
            public static partial System.Threading.Tasks.Task<(long Sum, int Max)> Window(IEnumerable<Order> orders, System.Threading.Tasks.ParallelOptions options);

            // On blocks of all cores: an IEnumerable<T> pulled in chunks, a list in ranges, without spans where there are none.
            [Aggregate(Sum, Max, Of = nameof(Order.Quantity))]
            [Aggregate(Count, Where = nameof(Order.IsPaid))]
            public static partial (long Sum, int Max, int Paid) Blocks(IEnumerable<Order> orders, System.Threading.Tasks.ParallelOptions options);

            [Aggregate(Sum, Max)]
            public static partial (long Sum, int Max) ArrayBlocks(int[] values, System.Threading.Tasks.ParallelOptions options);

            private static async System.Threading.Tasks.Task<int> QuantityAsync(Order order)
            {
                await System.Threading.Tasks.Task.Yield();
                return order.Quantity;
            }

            public static string Check(int n)
            {
                var orders = Enumerable.Range(0, n).Select(i => new Order(new[] { "EU", "US", "APAC" }[i % 3], i * 1.25, i % 7 + 1, i % 4 != 0)).ToList();
                var ints = Enumerable.Range(-n, 3 * n).ToArray();
                var mean = orders.Average(o => o.Total);
                var mine = (Ints(ints), List(ints.ToList()), Summary(orders), string.Join(";", ByRegion(orders)),
                            Query(orders.AsQueryable()), string.Join(";", QueryByRegion(orders.AsQueryable())),
                            Window(orders, new System.Threading.Tasks.ParallelOptions { MaxDegreeOfParallelism = 3 }).GetAwaiter().GetResult(),
                            Blocks(orders.Select(o => o), new System.Threading.Tasks.ParallelOptions { MaxDegreeOfParallelism = 3 }),
                            ArrayBlocks(ints, new System.Threading.Tasks.ParallelOptions { MaxDegreeOfParallelism = 3 }));
                var linq = ((ints.Sum(v => (long)v), ints.Min(), ints.Max(), ints.Average(), ints.Length),
                            (ints.Sum(v => (long)v), ints.Max(), ints.Length),
                            (orders.Sum(o => o.Total), orders.Max(o => o.Total), orders.Count(o => o.IsPaid), orders.Average(o => o.Quantity),
                             orders.OrderByDescending(o => o.Total).First(), orders.Select(o => o.Region).Distinct().Count(),
                             orders.Sum(o => (o.Total - mean) * (o.Total - mean)) / (n - 1)),
                            string.Join(";", orders.GroupBy(o => o.Region).ToDictionary(g => g.Key, g => (g.Sum(o => o.Total), g.Count()))),
                            (orders.Sum(o => o.Total), orders.Max(o => (double?)o.Total), orders.Count(o => o.IsPaid), orders.Where(o => o.IsPaid).Select(o => o.Region).Distinct().Count()),
                            string.Join(";", orders.GroupBy(o => o.Region).ToDictionary(g => g.Key, g => g.Average(o => o.Quantity))),
                            (orders.Sum(o => (long)o.Quantity), orders.Max(o => o.Quantity)),
                            (orders.Sum(o => (long)o.Quantity), orders.Max(o => o.Quantity), orders.Count(o => o.IsPaid)),
                            (ints.Sum(v => (long)v), ints.Max()));
                return mine.ToString() == linq.ToString() ? "same" : mine + " != " + linq;
            }
        }
        """;

    public static TheoryData<string> Frameworks => new() { "netstandard2.0", "net472" };

    [Theory]
    [MemberData(nameof(Frameworks))]
    public void TheFallbacksCompileWarningFreeAgainstTheFrameworksReferenceAssemblies(string framework)
    {
        var (output, generated) = Generate(framework);

        Assert.DoesNotContain("CollectionsMarshal", generated, StringComparison.Ordinal);   // .NET 5+
        Assert.DoesNotContain("Vector.Sum", generated, StringComparison.Ordinal);           // .NET 6+: no vector loop
        Assert.Contains(".TryGetValue(", generated, StringComparison.Ordinal);              // no GetValueRefOrAddDefault
        Assert.Contains("foreach (int __item in values)", generated, StringComparison.Ordinal);   // a List<T> is enumerated

        using var stream = new MemoryStream();
        var emit = output.Emit(stream);
        Assert.True(emit.Success, string.Join("\n", emit.Diagnostics));
    }

    [Fact]
    public void TheNetStandardBuildRunsAndEqualsLinq()
    {
        var (output, _) = Generate("netstandard2.0");
        var reports = TestCompiler.Load(output).GetType("Reports")!;
        foreach (var n in new[] { 2, 3, 50, 1000 })
        {
            Assert.Equal("same", reports.GetMethod("Check")!.Invoke(null, new object[] { n }));
        }
    }

    /// <summary>Without IAsyncEnumerable&lt;T&gt; a query has nothing to run asynchronously through: MAGG144 at the return type.</summary>
    [Fact]
    public void AnAsyncQueryWithoutIAsyncEnumerableIsMAGG144()
    {
        const string source = """
            using System.Linq;
            using System.Threading.Tasks;
            using MultiAgg;
            using static MultiAgg.Agg;

            public static partial class Reports
            {
                [Aggregate(Count)]
                public static partial Task<int> CountAsync(IQueryable<int> values);
            }
            """;
        var compilation = CSharpCompilation.Create(
            "NoAsyncEnumerable",
            new[] { CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.CSharp9), path: "Test0.cs") },
            Basic.Reference.Assemblies.NetStandard20.References.All.Append(MetadataReference.CreateFromFile(typeof(Agg).Assembly.Location)),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));

        var diagnostic = Assert.Single(TestCompiler.Run(compilation).GeneratorDiagnostics);

        Assert.Equal("MAGG144", diagnostic.Id);
        Assert.Equal("Task<int>", diagnostic.Location.SourceTree!.GetText().ToString(diagnostic.Location.SourceSpan));
    }

    private static (Compilation Output, string Generated) Generate(string framework)
    {
        var references = framework switch
        {
            "netstandard2.0" => Basic.Reference.Assemblies.NetStandard20.References.All,
            _ => Basic.Reference.Assemblies.Net472.References.All,
        };
        var parseOptions = new CSharpParseOptions(LanguageVersion.CSharp9);
        var compilation = CSharpCompilation.Create(
            "Fallback" + Guid.NewGuid().ToString("N"),
            new[] { CSharpSyntaxTree.ParseText(Source, parseOptions, path: "Test0.cs") },
            references.Append(MetadataReference.CreateFromFile(typeof(Agg).Assembly.Location)),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        var result = TestCompiler.Run(compilation);

        Assert.Empty(result.GeneratorDiagnostics);
        var problems = result.CompilationDiagnostics.Where(static d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        var generated = string.Join("\n", result.Sources.Select(static s => s.SourceText.ToString()));
        Assert.True(problems.Count == 0, $"{framework}: the output has problems:\n" + string.Join("\n", problems) + "\n\n" + generated);
        return (result.Output, generated);
    }
}
