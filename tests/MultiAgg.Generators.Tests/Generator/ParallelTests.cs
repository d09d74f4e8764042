using System.Reflection;
using MultiAgg.Generators.Tests.Infrastructure;

namespace MultiAgg.Generators.Tests;

/// <summary>
/// CPU-parallel methods (a <c>ParallelOptions</c> parameter, DESIGN.md §7) against the sequential method with the same
/// attributes: every source shape, degrees of parallelism 1, 2, 3 and 8, sizes around the block size. Exact aggregates
/// equal the sequential method's; floating-point sums are the same bits for every degree of parallelism.
/// </summary>
public class ParallelTests
{
    private const string Exact = """
        [Aggregate(Count, LongCount)]
        [Aggregate(Sum, Min, Max, Average, Of = nameof(Item.Id))]
        [Aggregate(Sum, Min, Max, Average, Of = nameof(Item.Quantity))]
        [Aggregate(Min, Max, Of = nameof(Item.Score))]
        [Aggregate(Sum, Max, Of = nameof(Item.Price), Where = nameof(Item.Ok))]
        [Aggregate(First, LastOrDefault, MinBy, MaxBy, Of = nameof(Item.Score))]
        [Aggregate(Any, All, Of = nameof(Item.Ok))]
        [Aggregate(CountDistinct, Of = nameof(Item.Region))]
        """;

    private const string ExactResult =
        "(int, long, long, int?, int?, double?, int, int?, int?, double?, double?, double?, decimal, decimal?, double?, double?, Item?, Item?, bool, bool, int)";

    private const string Floating = """
        [Aggregate(Sum, Average, Variance, StdDevP, Of = nameof(Item.Score))]
        [Aggregate(typeof(KahanNeumaierSum), Of = nameof(Item.Score))]
        """;

    private const string FloatingResult = "(double, double?, double?, double?, double)";

    private const string Grouped = """
        [GroupBy(nameof(Item.Region))]
        [Aggregate(Sum, Max, Of = nameof(Item.Id))]
        [Aggregate(Count, Where = nameof(Item.Ok))]
        """;

    private const string GroupedResult = "Dictionary<string, (long, int, int)>";

    /// <summary>Each source shape a parallel method takes, and how the test hands it the items.</summary>
    private static readonly (string Name, string Type, string From)[] Shapes =
    {
        ("Array", "Item[]", "items"),
        ("List", "List<Item>", "items.ToList()"),
        ("IList", "IList<Item>", "items"),
        ("IReadOnlyList", "IReadOnlyList<Item>", "items.ToList()"),
        ("ImmutableArray", "ImmutableArray<Item>", "items.ToImmutableArray()"),
        ("Memory", "ReadOnlyMemory<Item>", "items.AsMemory()"),
        ("Sequence", "IEnumerable<Item>", "Stream(items)"),
    };

    private static readonly Lazy<Type> Program = new(Compile);

    private static Type Compile()
    {
        var source = new System.Text.StringBuilder("""
            using System;
            using System.Collections.Generic;
            using System.Collections.Immutable;
            using System.Linq;
            using System.Threading;
            using System.Threading.Tasks;
            using MultiAgg;
            using MultiAgg.Accumulators;
            using static MultiAgg.Agg;

            public sealed record Item(int Id, string Region, double Score, int? Quantity, bool Ok, decimal Price);

            public static partial class P
            {
                public static IEnumerable<Item> Stream(Item[] items) { foreach (var item in items) yield return item; }

            """);
        foreach (var (attributes, result, name) in new[] { (Exact, ExactResult, "Exact"), (Floating, FloatingResult, "Floating"), (Grouped, GroupedResult, "Grouped") })
        {
            source.AppendLine(attributes).AppendLine($"public static partial {result} {name}(IEnumerable<Item> items);");
            foreach (var (shape, type, from) in Shapes)
            {
                source.AppendLine(attributes).AppendLine($"public static partial {result} {name}{shape}({type} items, ParallelOptions options);");
                source.AppendLine($"public static object Run{name}{shape}(Item[] items, ParallelOptions options) => {name}{shape}({from}, options);");
            }
        }

        source.AppendLine("}");
        var output = TestCompiler.Run(source.ToString()).AssertClean().Output;
        return TestCompiler.Load(output).GetType("P")!;
    }

    public static TheoryData<string> ShapeNames => new(Shapes.Select(static s => s.Name));

    private static object[] Items(Type program, int count, int seed)
    {
        var item = program.Assembly.GetType("Item")!;
        var random = new Random(seed);
        string[] regions = { "EU", "US", "APAC", "LATAM", "eu" };
        var items = Array.CreateInstance(item, count);
        for (var i = 0; i < count; i++)
        {
            int? quantity = random.Next(5) == 0 ? null : random.Next(-50, 1000);
            var score = random.Next(50) == 0 ? -0.0 : Math.Round((random.NextDouble() - 0.3) * 1e6, random.Next(8));
            items.SetValue(Activator.CreateInstance(item, i - (count / 3), regions[random.Next(regions.Length)], score, quantity, random.Next(3) != 0, (decimal)random.Next(-100_000, 100_000) / 100m), i);
        }

        return new object[] { items };
    }

    private static string Invoke(Type program, string method, object items, ParallelOptions? options = null)
    {
        try
        {
            var arguments = options is null ? new[] { items } : new[] { items, options };
            var result = program.GetMethod(method)!.Invoke(null, arguments);
            return result is System.Collections.IDictionary dictionary
                ? string.Join("; ", dictionary.Keys.Cast<object>().Select(k => $"{k}={dictionary[k]}"))   // keys in the dictionary's order
                : result?.ToString() ?? "null";
        }
        catch (TargetInvocationException e)
        {
            return e.InnerException!.GetType().Name + ": " + e.InnerException.Message;
        }
    }

    [Theory]
    [MemberData(nameof(ShapeNames))]
    public void ExactAggregatesEqualTheSequentialMethodForEveryDegree(string shape)
    {
        var program = Program.Value;
        foreach (var count in new[] { 0, 1, 4096, 4097, 30_000 })
        {
            var items = Items(program, count, seed: count);
            var expected = Invoke(program, "Exact", items[0]);
            foreach (var degree in new[] { 1, 2, 3, 8 })
            {
                var actual = Invoke(program, "RunExact" + shape, items[0], new ParallelOptions { MaxDegreeOfParallelism = degree });
                Assert.True(expected == actual, $"{shape}, {count} items, degree {degree}:\nsequential {expected}\nparallel   {actual}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(ShapeNames))]
    public void FloatingSumsAreTheSameBitsForEveryDegreeAndCloseToTheSequentialLoop(string shape)
    {
        var program = Program.Value;
        foreach (var count in new[] { 0, 1, 4097, 50_000 })
        {
            var items = Items(program, count, seed: 7 + count);
            var once = Invoke(program, "RunFloating" + shape, items[0], new ParallelOptions { MaxDegreeOfParallelism = 1 });
            foreach (var degree in new[] { 2, 3, 8 })
            {
                Assert.Equal(once, Invoke(program, "RunFloating" + shape, items[0], new ParallelOptions { MaxDegreeOfParallelism = degree }));
            }

            var sequential = (System.Runtime.CompilerServices.ITuple)program.GetMethod("Floating")!.Invoke(null, items)!;
            var parallel = (System.Runtime.CompilerServices.ITuple)program.GetMethod("RunFloating" + shape)!.Invoke(null, new[] { items[0], new ParallelOptions { MaxDegreeOfParallelism = 2 } })!;
            for (var i = 0; i < sequential.Length; i++)
            {
                var (s, p) = ((double?)sequential[i], (double?)parallel[i]);
                Assert.Equal(s is null, p is null);
                if (s is { } x)
                {
                    Assert.Equal(x, p!.Value, Math.Max(1e-9, Math.Abs(x) * 1e-12));
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(ShapeNames))]
    public void GroupedKeysComeInFirstSeenOrderWithTheSequentialResults(string shape)
    {
        var program = Program.Value;
        foreach (var count in new[] { 0, 3, 4097, 30_000 })
        {
            var items = Items(program, count, seed: 100 + count);
            var expected = Invoke(program, "Grouped", items[0]);
            foreach (var degree in new[] { 1, 2, 8 })
            {
                Assert.Equal(expected, Invoke(program, "RunGrouped" + shape, items[0], new ParallelOptions { MaxDegreeOfParallelism = degree }));
            }
        }
    }
}
