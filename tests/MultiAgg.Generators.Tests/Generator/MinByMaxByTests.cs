using MultiAgg.Generators.Tests.Infrastructure;

namespace MultiAgg.Generators.Tests;

/// <summary>MinBy/MaxBy against System.Linq: ties, null keys, NaN keys, filters and empty sources.</summary>
public class MinByMaxByTests
{
    private const string Source = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using MultiAgg;
        using static MultiAgg.Agg;

        public sealed record Item(int Id, int Rank, string? Name, double Score, int? Level, bool Keep);
        public readonly record struct Point(int X, int Y);

        public static partial class M
        {
            [Aggregate(MinBy, MaxBy, Of = nameof(Item.Rank))]
            [Aggregate(MinBy, MaxBy, Of = nameof(Item.Name))]
            [Aggregate(MinBy, MaxBy, Of = nameof(Item.Score))]
            [Aggregate(MinBy, MaxBy, Of = nameof(Item.Level), Where = nameof(Item.Keep))]
            public static partial (Item?, Item?, Item?, Item?, Item?, Item?, Item?, Item?) Generated(IEnumerable<Item> items);

            public static object Linq(IEnumerable<Item> source)
            {
                var items = source.ToList();
                var kept = items.Where(i => i.Keep).ToList();
                (Item?, Item?, Item?, Item?, Item?, Item?, Item?, Item?) result = (
                    items.MinBy(i => i.Rank), items.MaxBy(i => i.Rank),
                    items.MinBy(i => i.Name), items.MaxBy(i => i.Name),
                    items.MinBy(i => i.Score), items.MaxBy(i => i.Score),
                    kept.MinBy(i => i.Level), kept.MaxBy(i => i.Level));
                return result;
            }

            [Aggregate(MinBy, Of = nameof(Point.Y))]
            public static partial Point Lowest(Point[] points);

            [Aggregate(MaxBy, Of = nameof(Point.Y))]
            public static partial Point? Highest(List<Point> points);

            [Aggregate(MinBy, Of = nameof(Item.Rank))]
            public static partial Item First(IEnumerable<Item> items);
        }
        """;

    [Fact]
    public void MinByAndMaxByEqualLinq()
    {
        var assembly = TestCompiler.Load(TestCompiler.Run(Source).AssertClean().Output);
        var m = assembly.GetType("M")!;
        var item = assembly.GetType("Item")!;
        var rng = new Random(21);
        string?[] names = { null, "a", "b", "B", "c" };
        foreach (var count in new[] { 0, 1, 2, 3, 8, 60 })
        {
            foreach (var mode in new[] { 0, 1, 2 })
            {
                var list = (System.Collections.IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(item))!;
                for (var i = 0; i < count; i++)
                {
                    var name = mode == 0 ? null : names[rng.Next(names.Length)];                          // mode 0: every key null
                    var score = mode == 2 && i % 7 == 3 ? double.NaN : rng.Next(0, 4) * 0.5;               // NaN is the least key
                    int? level = i % 3 == 0 ? null : rng.Next(0, 3);
                    list.Add(Activator.CreateInstance(item, i, rng.Next(0, 3), name, score, level, mode != 1 || i % 2 == 0));
                }

                Assert.Equal(Outcome.Of(m, "Linq", list), Outcome.Of(m, "Generated", list));
            }
        }

        var points = new[] { (3, 5), (1, 2), (4, 2), (0, 9) };
        var point = assembly.GetType("Point")!;
        var array = Array.CreateInstance(point, points.Length);
        var pointList = (System.Collections.IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(point))!;
        foreach (var (p, i) in points.Select((p, i) => (p, i)))
        {
            var value = Activator.CreateInstance(point, p.Item1, p.Item2)!;
            array.SetValue(value, i);
            pointList.Add(value);
        }

        Assert.Equal("Point { X = 1, Y = 2 }", Outcome.Of(m, "Lowest", array));            // ties: the first wins
        Assert.Equal("Point { X = 0, Y = 9 }", Outcome.Of(m, "Highest", pointList));
        Assert.Equal("InvalidOperationException", Outcome.Of(m, "Lowest", Array.CreateInstance(point, 0)));
        Assert.Equal("null", Outcome.Of(m, "Highest", Activator.CreateInstance(typeof(List<>).MakeGenericType(point))!));
        Assert.Equal("InvalidOperationException", Outcome.Of(m, "First", Activator.CreateInstance(typeof(List<>).MakeGenericType(item))!));
    }
}
