using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using MultiAgg.Generators.Tests.Infrastructure;

namespace MultiAgg.Generators.Tests;

/// <summary>Every misuse of [Aggregate] is a MAGG1nn diagnostic at the exact span at fault (marked up as {|ID:...|}).</summary>
public class DiagnosticTests
{
    private const string Header = """
        using System;
        using System.Collections;
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using MultiAgg;
        using static MultiAgg.Agg;

        public sealed record Order(decimal Total, int Quantity, bool IsPaid, string Region)
        {
            public decimal Net() => Total;
        }

        """;

    public static TheoryData<string, string> Cases => new()
    {
        { "MAGG100 not partial", """
            public static partial class C
            {
                [Aggregate(Sum)]
                public static int {|MAGG100:Total|}(int[] values) => 0;
            }
            """ },
        { "MAGG100 implementation part", """
            public static partial class C
            {
                public static partial int Total(int[] values);

                [Aggregate(Sum)]
                public static partial int {|MAGG100:Total|}(int[] values) => 0;
            }
            """ },
        { "MAGG100 extern, which makes it an implementation", """
            public static partial class C
            {
                [Aggregate(Sum)]
                public static extern partial int {|MAGG100:Total|}(int[] values);
            }
            """ },
        { "MAGG107 a member or method C# forbids reading, [Obsolete] as an error", """
            public sealed record Sale(decimal Total)
            {
                [System.Obsolete("use Total", true)]
                public decimal Amount => Total;

                public Sale Self => this;
            }

            public static partial class C
            {
                [Aggregate(Sum, Of = {|MAGG107:"Amount"|})]
                [Aggregate(Max, Of = {|MAGG107:"Self.Amount"|})]
                [Aggregate(Min, Of = {|MAGG107:"Net"|})]
                public static partial (decimal, decimal, decimal) Totals(IEnumerable<Sale> sales);

                [System.Obsolete("use Total", error: true)]
                private static decimal Net(Sale sale) => sale.Total;

                [Aggregate(Sum, Of = {|MAGG107:"Gross"|})]
                public static partial decimal Gross(IEnumerable<Line> lines);
            }

            public sealed class Line
            {
                public decimal Gross { [System.Obsolete("use Net", true)] get; set; }
            }
            """ },
        { "MAGG100 local function", """
            public static class C
            {
                public static void M()
                {
                    [Aggregate(Sum)]
                    static int {|MAGG100:Local|}(int[] values) => 0;
                }
            }
            """ },
        { "MAGG101 containing type", """
            public static class {|MAGG101:C|}
            {
                [Aggregate(Sum)]
                public static partial int {|CS0751:Total|}(int[] values);
            }
            """ },
        { "MAGG101 outer type", """
            public class {|MAGG101:Outer|}
            {
                public static partial class Inner
                {
                    [Aggregate(Sum)]
                    public static partial int Total(int[] values);
                }
            }
            """ },
        { "MAGG102 no parameters", """
            public static partial class C
            {
                [Aggregate(Count)]
                public static partial int Total{|MAGG102:()|};
            }
            """ },
        { "MAGG103 non-generic enumerable", """
            public static partial class C
            {
                [Aggregate(Count)]
                public static partial int Total({|MAGG103:IEnumerable|} values);
            }
            """ },
        { "MAGG140 First over a query", """
            public static partial class C
            {
                [Aggregate({|MAGG140:First|})]
                public static partial Order Earliest(System.Linq.IQueryable<Order> orders);
            }
            """ },
        { "MAGG140 Variance over a query", """
            public static partial class C
            {
                [Aggregate(Sum, {|MAGG140:Variance|}, Of = nameof(Order.Quantity))]
                public static partial (int, double) Spread(System.Linq.IOrderedQueryable<Order> orders);
            }
            """ },
        { "MAGG140 a sum of nint over a query", """
            public static partial class C
            {
                [Aggregate({|MAGG140:Sum|}, Of = nameof(Units))]
                public static partial nint Total(System.Linq.IQueryable<Order> orders);

                private static nint Units(Order order) => order.Quantity;
            }
            """ },
        { "MAGG140 distinct collections over a query: LINQ compares them by reference, a database by contents", """
            public static partial class C
            {
                [Aggregate({|MAGG140:CountDistinct|}, Of = nameof(Hash))]
                [Aggregate({|MAGG140:CountDistinct|}, Of = nameof(Tags))]
                [Aggregate({|MAGG140:CountDistinct|}, Of = nameof(UntypedTags))]
                [Aggregate(CountDistinct, Of = nameof(Order.Quantity))]
                [Aggregate(CountDistinct, Of = nameof(Name))]
                public static partial (int Hashes, int TagLists, int UntypedTagLists, int Quantities, int Names) Distinct(System.Linq.IQueryable<Order> orders);

                private static byte[] Hash(Order order) => System.BitConverter.GetBytes(order.Quantity);
                private static List<int> Tags(Order order) => new() { order.Quantity };
                private static System.Collections.IEnumerable UntypedTags(Order order) => Tags(order);
                private static string Name(Order order) => order.Quantity.ToString();
            }
            """ },
        { "MAGG140 custom accumulator over a query", """
            public struct Product : IAccumulator<int, long>
            {
                private long _product;
                private bool _started;
                public void Add(int value) { _product = _started ? _product * value : value; _started = true; }
                public readonly long Result => _started ? _product : 1;
            }

            public static partial class C
            {
                [Aggregate({|MAGG140:typeof(Product)|}, Of = nameof(Order.Quantity))]
                public static partial long Product(System.Linq.IQueryable<Order> orders);
            }
            """ },
        { "MAGG141 a method with a block body", """
            public static partial class C
            {
                [Aggregate(Sum, Of = {|MAGG141:nameof(Taxed)|})]
                public static partial decimal Total(System.Linq.IQueryable<Order> orders);

                private static decimal Taxed(Order order) { return order.Total * 1.2m; }
            }
            """ },
        { "MAGG141 a base type's method reading a member the owner declares again", """
            public class ReportBase
            {
                protected decimal Rate => 0.2m;
                protected decimal NetOf(Order order) => order.Total * (1 - Rate);
            }
            public partial class C : ReportBase
            {
                protected new decimal Rate => 0.5m;

                [Aggregate(Sum, Of = {|MAGG141:nameof(NetOf)|})]
                public partial decimal NetTotal(System.Linq.IQueryable<Order> orders);
            }
            """ },
        { "MAGG141 a base type's method reading a member a type between declares again", """
            public class ReportBase
            {
                protected decimal Rate => 0.2m;
                protected decimal NetOf(Order order) => order.Total * (1 - Rate);
            }
            public class Middle : ReportBase
            {
                protected new decimal Rate => 0.5m;
            }
            public partial class C : Middle
            {
                [Aggregate(Sum, Of = {|MAGG141:nameof(NetOf)|})]
                public partial decimal NetTotal(System.Linq.IQueryable<Order> orders);
            }
            """ },
        { "MAGG141 a base type's method calling a method the owner overloads", """
            public class ReportBase
            {
                protected decimal Scale(decimal value) => value * 2;
                protected decimal Scaled(Order order) => this.Scale(order.Total);
            }
            public partial class C : ReportBase
            {
                protected decimal Scale(object value) => 0;

                [Aggregate(Sum, Of = {|MAGG141:nameof(Scaled)|})]
                public partial decimal Total(System.Linq.IQueryable<Order> orders);
            }
            """ },
        { "MAGG141 a member path through a ref struct value in a query", """
            public sealed class Line
            {
                public string Code { get; set; } = "";
                public ReadOnlySpan<char> Chars => Code.AsSpan();
            }

            public static partial class C
            {
                [Aggregate(Sum, Of = {|MAGG141:"Chars.Length"|})]
                public static partial long Characters(System.Linq.IQueryable<Line> lines);
            }
            """ },
        { "MAGG141 a ref struct key in a query", """
            public sealed class Line
            {
                public string Code { get; set; } = "";
                public ReadOnlySpan<char> Chars => Code.AsSpan();
            }

            public static partial class C
            {
                [GroupBy({|MAGG141:"Chars.Length"|})]
                [Aggregate(Count)]
                public static partial Dictionary<int, int> ByLength(System.Linq.IQueryable<Line> lines);
            }
            """ },
        { "MAGG141 a dynamic member in a query", """
            public sealed record Item(dynamic Label, int Units);

            public static partial class C
            {
                [Aggregate(CountDistinct, Of = {|MAGG141:nameof(Item.Label)|})]
                public static partial int Labels(System.Linq.IQueryable<Item> items);
            }
            """ },
        { "MAGG141 a member returning by reference in a query", """
            public sealed class Cell
            {
                private int _value;
                public ref int Value => ref _value;
            }

            public static partial class C
            {
                [Aggregate(Sum, Of = {|MAGG141:nameof(Cell.Value)|})]
                public static partial int Total(System.Linq.IQueryable<Cell> cells);
            }
            """ },
        { "MAGG142 a null-conditional operator", """
            public static partial class C
            {
                [Aggregate(Max, Of = {|MAGG142:nameof(Length)|})]
                public static partial int? Longest(System.Linq.IQueryable<Order> orders);

                private static int Length(Order order) => order.Region?.Length ?? 0;
            }
            """ },
        { "MAGG142 a null literal left of '??'", """
            public static partial class C
            {
                [Aggregate(CountDistinct, Of = {|MAGG142:nameof(RegionOf)|})]
                public static partial int Regions(System.Linq.IQueryable<Order> orders);

                private static string RegionOf(Order order) => null ?? order.Region;
            }
            """ },
        { "MAGG142 a conversion between tuple types", """
            public static partial class C
            {
                [Aggregate(CountDistinct, Of = {|MAGG142:nameof(Pair)|})]
                public static partial int Pairs(System.Linq.IQueryable<Order> orders);

                private static (string, long) Pair(Order order) => ValueTuple.Create(order.Region, order.Quantity);
            }
            """ },
        { "MAGG142 a tuple key converted to the dictionary's key type", """
            public static partial class C
            {
                [GroupBy({|MAGG142:nameof(Pair)|})]
                [Aggregate(Count)]
                public static partial Dictionary<(string, long), int> ByPair(System.Linq.IQueryable<Order> orders);

                private static (string, int) Pair(Order order) => ValueTuple.Create(order.Region, order.Quantity);
            }
            """ },
        { "MAGG142 a collection initializer whose Add is an extension", """
            public static class Bags
            {
                public static void Add(this Stack<int> stack, int value) => stack.Push(value);
            }

            public static partial class C
            {
                [Aggregate(Sum, Of = {|MAGG142:nameof(Pushed)|})]
                public static partial int PushedCount(System.Linq.IQueryable<Order> orders);

                private static int Pushed(Order order) => new Stack<int> { order.Quantity }.Count;
            }
            """ },
        { "MAGG142 a pattern in a filter", """
            public static partial class C
            {
                [Aggregate(Count, Where = {|MAGG142:nameof(IsLarge)|})]
                public static partial int Large(System.Linq.IQueryable<Order> orders);

                private static bool IsLarge(Order order) => order.Total is > 100m;
            }
            """ },
        { "MAGG142 a switch expression in a key", """
            public static partial class C
            {
                [GroupBy({|MAGG142:nameof(Band)|})]
                [Aggregate(Count)]
                public static partial Dictionary<string, int> ByBand(System.Linq.IQueryable<Order> orders);

                private static string Band(Order order) => order.Total switch { > 100m => "high", _ => "low" };
            }
            """ },
        { "MAGG142 a named argument", """
            public static partial class C
            {
                [Aggregate(Sum, Of = {|MAGG142:nameof(Rounded)|})]
                public static partial decimal Revenue(System.Linq.IQueryable<Order> orders);

                private static decimal Rounded(Order order) => System.Math.Round(order.Total * 1.2m, decimals: 2);
            }
            """ },
        { "MAGG142 a static abstract interface member of a type parameter", """
            public sealed record Item<T>(T Value);

            public static partial class Stats<T> where T : System.Numerics.INumber<T>
            {
                [Aggregate(Count, Where = {|MAGG142:nameof(IsPositive)|})]
                public static partial int Positive(System.Linq.IQueryable<Item<T>> items);

                private static bool IsPositive(Item<T> item) => item.Value > T.Zero;
            }
            """ },
        { "MAGG142 an unsigned right shift", """
            public static partial class C
            {
                [Aggregate(CountDistinct, Of = {|MAGG142:nameof(Bucket)|})]
                public static partial int Buckets(System.Linq.IQueryable<Order> orders);

                private static int Bucket(Order order) => order.Quantity >>> 4;
            }
            """ },
        { "MAGG142 an interpolated string given to a handler", """
            public static partial class C
            {
                [Aggregate(CountDistinct, Of = {|MAGG142:nameof(Label)|})]
                public static partial int Labels(System.Linq.IQueryable<Order> orders);

                private static string Label(Order order) => new System.Text.StringBuilder().Append($"{order.Region}-{order.Quantity}").ToString();
            }
            """ },
        { "MAGG142 an interpolated string given to a handler of the user's own", """
            [System.Runtime.CompilerServices.InterpolatedStringHandler]
            public struct Shout
            {
                private System.Text.StringBuilder _text;
                public Shout(int literalLength, int formattedCount) => _text = new System.Text.StringBuilder(literalLength);
                public void AppendLiteral(string s) => _text.Append(s);
                public void AppendFormatted<T>(T value) => _text.Append(value);
                public override string ToString() => _text.ToString().ToUpperInvariant();
            }

            public static partial class C
            {
                [Aggregate(CountDistinct, Of = {|MAGG142:nameof(Label)|})]
                public static partial int Labels(System.Linq.IQueryable<Order> orders);

                private static string Label(Order order) => Loud($"{order.Region}");

                public static string Loud(Shout text) => text.ToString();
            }
            """ },
        { "MAGG142 a dictionary initializer", """
            public static partial class C
            {
                [Aggregate(Sum, Of = {|MAGG142:nameof(Entries)|})]
                public static partial int EntryCount(System.Linq.IQueryable<Order> orders);

                private static int Entries(Order order) => new Dictionary<string, int> { [order.Region] = order.Quantity }.Count;
            }
            """ },
        { "MAGG142 an async lambda", """
            public static partial class C
            {
                [Aggregate(Sum, Of = {|MAGG142:nameof(Pending)|})]
                public static partial int PendingCount(System.Linq.IQueryable<Order> orders);

                private static int Pending(Order order) => new Func<Task<int>>[] { async () => await Task.FromResult(order.Quantity) }.Length;
            }
            """ },
        { "MAGG142 a multidimensional array initializer", """
            public static partial class C
            {
                [Aggregate(Sum, Of = {|MAGG142:nameof(Cells)|})]
                public static partial int CellCount(System.Linq.IQueryable<Order> orders);

                private static int Cells(Order order) => new int[,] { { order.Quantity } }.Length;
            }
            """ },
        { "MAGG142 an Index indexer", """
            public static partial class C
            {
                [Aggregate(CountDistinct, Of = {|MAGG142:nameof(LastLetter)|})]
                public static partial int LastLetters(System.Linq.IQueryable<Order> orders);

                private static char LastLetter(Order order) => order.Region[Index.FromEnd(1)];
            }
            """ },
        { "MAGG142 a params collection given element by element", """
            public static partial class C
            {
                [Aggregate(Sum, Of = {|MAGG142:nameof(Listed)|})]
                public static partial int ListedCount(System.Linq.IQueryable<Order> orders);

                private static int Listed(Order order) => Count(order.Quantity, 1);

                public static int Count(params List<int> values) => values.Count;
            }
            """ },
        { "MAGG143 a key comparer over a query", """
            public static partial class C
            {
                [GroupBy(nameof(Order.Region))]
                [Aggregate(Count)]
                public static partial Dictionary<string, int> ByRegion(System.Linq.IQueryable<Order> orders, {|MAGG143:IEqualityComparer<string> comparer|});
            }
            """ },
        { "MAGG145 a collection key over a query: LINQ compares it by reference, a database by contents", """
            public static partial class C
            {
                [GroupBy({|MAGG145:nameof(Hash)|})]
                [Aggregate(Count)]
                public static partial Dictionary<byte[], int> ByHash(System.Linq.IQueryable<Order> orders);

                [GroupBy({|MAGG145:nameof(Tags)|})]
                [Aggregate(Count)]
                public static partial Dictionary<IEnumerable<int>, int> ByTags(System.Linq.IQueryable<Order> orders);

                private static byte[] Hash(Order order) => System.BitConverter.GetBytes(order.Quantity);
                private static List<int> Tags(Order order) => new() { order.Quantity };
            }
            """ },
        { "MAGG150 a span source with ParallelOptions", """
            public static partial class C
            {
                [Aggregate(Sum)]
                public static partial long Total({|MAGG150:ReadOnlySpan<int>|} values, System.Threading.Tasks.ParallelOptions options);
            }
            """ },
        { "MAGG151 a parallel method's accumulator without Merge", """
            public struct Product : IAccumulator<int, long>
            {
                private long _product;
                public void Add(int value) => _product = _product == 0 ? value : _product * value;
                public readonly long Result => _product;
            }

            public static partial class C
            {
                [Aggregate({|MAGG151:typeof(Product)|})]
                public static partial long Multiply(int[] values, System.Threading.Tasks.ParallelOptions options);
            }
            """ },
        { "MAGG152 a query with ParallelOptions", """
            public static partial class C
            {
                [Aggregate(Count)]
                public static partial int Orders(System.Linq.IQueryable<Order> orders, {|MAGG152:System.Threading.Tasks.ParallelOptions options|});
            }
            """ },
        { "MAGG114 an allows-ref-struct parameter of an async method", """
            public static partial class C
            {
                [Aggregate(Count)]
                public static partial System.Threading.Tasks.Task<int> CountAsync<TContext>(System.Collections.Generic.IAsyncEnumerable<int> values, {|MAGG114:TContext context|}) where TContext : allows ref struct;
            }
            """ },
        { "MAGG114 a ref struct source of an async method", """
            public ref struct Digits : System.Collections.Generic.IEnumerable<int>
            {
                public System.Collections.Generic.IEnumerator<int> GetEnumerator() { yield return 1; }
                System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
            }

            public static partial class C
            {
                [Aggregate(Sum, Of = nameof(ScaleAsync))]
                public static partial System.Threading.Tasks.Task<int> TotalAsync({|MAGG114:Digits digits|});

                private static System.Threading.Tasks.Task<int> ScaleAsync(int value) => System.Threading.Tasks.Task.FromResult(value * 10);
            }
            """ },
        { "MAGG114 an allows-ref-struct parameter of a parallel method", """
            public static partial class Ops<T> where T : allows ref struct
            {
                private static long Scale(int value, T context) => value;

                [Aggregate(Sum, Of = nameof(Scale))]
                public static partial long Total(int[] values, {|MAGG114:T context|}, System.Threading.Tasks.ParallelOptions options);
            }
            """ },
        { "MAGG105 a result type whose constructor is obsolete as an error", """
            public sealed class Stats
            {
                [System.Obsolete("use Create", error: true)]
                public Stats(int count, long total) { }
            }

            public static partial class C
            {
                [Aggregate(Count, LongCount)]
                public static partial {|MAGG105:Stats|} Summarize(int[] values);
            }
            """ },
        { "MAGG114 two ParallelOptions", """
            public static partial class C
            {
                [Aggregate(Count)]
                public static partial int Orders(Order[] orders, System.Threading.Tasks.ParallelOptions first, {|MAGG114:System.Threading.Tasks.ParallelOptions second|});
            }
            """ },
        { "MAGG114 two CancellationTokens of an async method", """
            public static partial class C
            {
                [Aggregate(Sum, Of = nameof(PriceAsync))]
                public static partial Task<decimal> TotalAsync(IAsyncEnumerable<Order> orders, System.Threading.CancellationToken a, {|MAGG114:System.Threading.CancellationToken b|});

                private static Task<decimal> PriceAsync(Order order, System.Threading.CancellationToken b) => Task.FromResult(order.Total);
            }
            """ },
        { "MAGG113 an async Of method in a synchronous method", """
            public static partial class C
            {
                [Aggregate(Sum, Of = {|MAGG113:nameof(TotalAsync)|})]
                public static partial decimal Revenue(Order[] orders);

                private static Task<decimal> TotalAsync(Order order) => Task.FromResult(order.Total);
            }
            """ },
        { "MAGG113 a task over a synchronous source with no async selector", """
            public static partial class C
            {
                [Aggregate(Sum, Of = nameof(Order.Total))]
                public static partial {|MAGG113:Task<decimal>|} RevenueAsync(Order[] orders);
            }
            """ },
        { "MAGG113 a task over a synchronous source whose only async Of a Count never reads", """
            public static partial class C
            {
                [Aggregate(Count, LongCount, Of = nameof(TotalAsync))]
                public static partial {|MAGG113:Task<(int, long)>|} OrdersAsync(Order[] orders);

                private static Task<decimal> TotalAsync(Order order) => Task.FromResult(order.Total);
            }
            """ },
        { "MAGG113 an async Of method in an accumulator type", """
            [Aggregate(Sum, Of = {|MAGG113:nameof(TotalAsync)|})]
            public partial struct Revenue : IAccumulator<Order, decimal>
            {
                private static Task<decimal> TotalAsync(Order order) => Task.FromResult(order.Total);
            }
            """ },
        { "MAGG103 a memory source read across awaits", """
            public static partial class C
            {
                [Aggregate(Sum, Of = nameof(TotalAsync))]
                public static partial Task<decimal> RevenueAsync({|MAGG103:ReadOnlyMemory<Order>|} orders);

                private static Task<decimal> TotalAsync(Order order) => Task.FromResult(order.Total);
            }
            """ },
        { "MAGG103 ref struct elements read across awaits", """
            public ref struct Cell
            {
                public int Value { get; init; }
            }

            public static partial class C
            {
                [Aggregate(Sum, Of = nameof(Cell.Value), Where = nameof(KeptAsync))]
                public static partial Task<int> TotalAsync({|MAGG103:IEnumerable<Cell>|} cells);

                private static ValueTask<bool> KeptAsync(Cell cell) => new(cell.Value > 1);
            }
            """ },
        { "MAGG114 a source passed by reference to a parallel method", """
            public static partial class C
            {
                [Aggregate(Sum)]
                public static partial long Total({|MAGG114:in int[] values|}, System.Threading.Tasks.ParallelOptions options);
            }
            """ },
        { "MAGG114 a query parameter passed by reference", """
            public static partial class C
            {
                [Aggregate(Sum, Of = nameof(Taxed))]
                public static partial decimal Revenue(System.Linq.IQueryable<Order> orders, {|MAGG114:in decimal rate|});

                private static decimal Taxed(Order order, decimal rate) => order.Total * rate;
            }
            """ },
        { "MAGG141 a base type's private member in an inlined method", """
            public class Rates
            {
                private static readonly decimal Rate = 1.2m;
                protected static decimal Taxed(Order order) => order.Total * Rate;
            }

            public partial class C : Rates
            {
                [Aggregate(Sum, Of = {|MAGG141:nameof(Taxed)|})]
                public static partial decimal Revenue(System.Linq.IQueryable<Order> orders);
            }
            """ },
        { "MAGG142 an out variable in an inlined method", """
            public static partial class C
            {
                [Aggregate(Sum, Of = {|MAGG142:nameof(Parsed)|})]
                public static partial int Total(System.Linq.IQueryable<Order> orders);

                private static int Parsed(Order order) => int.TryParse(order.Region, out var n) ? n : 0;
            }
            """ },
        { "MAGG142 the placeholder text in an inlined method", """
            public static partial class C
            {
                [Aggregate(CountDistinct, Of = {|MAGG142:nameof(Label)|})]
                public static partial int Labels(System.Linq.IQueryable<Order> orders);

                private static string Label(Order order) => string.Format("{0} pcs", order.Quantity);
            }
            """ },
        { "MAGG141 a primary constructor's parameter in an inlined method", """
            public partial class Reports(decimal vat)
            {
                private decimal Gross(Order order) => order.Total * (1 + vat);

                [Aggregate(Sum, Of = {|MAGG141:nameof(Gross)|})]
                public partial decimal TotalGross(System.Linq.IQueryable<Order> orders, decimal vat);
            }
            """ },
        { "MAGG141 a member [Obsolete] as an error in an inlined method", """
            public static class Legacy
            {
                [System.Obsolete("use Order.Total", true)]
                public static decimal Gross(Order order) => order.Total;
            }

            public static partial class C
            {
                [Aggregate(Sum, Of = {|MAGG141:nameof(Doubled)|})]
                public static partial decimal Total(System.Linq.IQueryable<Order> orders);

                [System.Obsolete("use Order.Total")]
                private static decimal Doubled(Order order) => Legacy.Gross(order) * 2;
            }
            """ },
        { "MAGG141 a type [Obsolete] as an error, whose static member an inlined method reads", """
            [System.Obsolete("use Rates", true)]
            public static class Legacy
            {
                public static decimal Rate => 2;
            }

            public static partial class C
            {
                [Aggregate(Sum, Of = {|MAGG141:nameof(Doubled)|})]
                public static partial decimal Total(System.Linq.IQueryable<Order> orders);

                [System.Obsolete("use Rates")]
                private static decimal Doubled(Order order) => order.Total * Legacy.Rate;
            }
            """ },
        { "MAGG141 a method of a generic base type", """
            public abstract class ReportBase<TRow>
            {
                protected static decimal Discounted(Order order) => order.Total * 0.8m;
            }

            public sealed partial class SalesReport : ReportBase<Order>
            {
                [Aggregate(Sum, Of = {|MAGG141:nameof(Discounted)|})]
                public static partial decimal Revenue(System.Linq.IQueryable<Order> orders);
            }
            """ },
        { "MAGG141 a virtual inlined method", """
            public partial class Reports
            {
                protected virtual decimal Gross(Order order) => order.Total;

                [Aggregate(Sum, Of = {|MAGG141:nameof(Gross)|})]
                public partial decimal TotalGross(System.Linq.IQueryable<Order> orders);
            }
            """ },
        { "MAGG141 a file type's extension in an inlined method", """
            file static class Money
            {
                public static decimal WithoutVat(this decimal amount) => amount / 1.2m;
            }

            public static partial class C
            {
                [Aggregate(Sum, Of = {|MAGG141:nameof(NetTotal)|})]
                public static partial decimal Revenue(System.Linq.IQueryable<Order> orders);

                private static decimal NetTotal(Order order) => order.Total.WithoutVat();
            }
            """ },
        { "MAGG141 an inlined lambda's parameter named as the method's", """
            public sealed record Line(decimal[] Parts);

            public static partial class C
            {
                [Aggregate(Sum, Of = {|MAGG141:nameof(Net)|})]
                public static partial decimal Total(System.Linq.IQueryable<Line> lines, decimal rate);

                private static partial decimal Net(Line line, decimal rate);
                private static partial decimal Net(Line line, decimal r) => System.Linq.Enumerable.Sum(line.Parts, rate => rate * r);
            }
            """ },
        { "MAGG142 a ref struct in an inlined method", """
            public static partial class C
            {
                [Aggregate(Count, Where = {|MAGG142:nameof(IsEu)|})]
                public static partial int Eu(System.Linq.IQueryable<Order> orders);

                private static bool IsEu(Order order) => order.Region.AsSpan().StartsWith("EU");
            }
            """ },
        { "MAGG142 an out discard in an inlined method", """
            public static partial class C
            {
                [Aggregate(Sum, Of = {|MAGG142:nameof(Parses)|})]
                public static partial int Total(System.Linq.IQueryable<Order> orders);

                private static int Parses(Order order) => int.TryParse(order.Region, out _) ? 1 : 0;
            }
            """ },
        { "MAGG141 query syntax in an inlined method, without a global using", """
            namespace Shop
            {
                using System.Linq;

                public static partial class C
                {
                    [Aggregate(Count, Where = {|MAGG141:nameof(IsEu)|})]
                    public static partial int Eu(IQueryable<Order> orders);

                    private static bool IsEu(Order order) => (from c in order.Region where c == 'E' select c).Any();
                }
            }
            """ },
        { "MAGG141 query syntax calling a file-local extension method", """
            public sealed record Line(decimal Discount);
            public sealed record Basket(Line[] Lines);

            file static class Picks
            {
                public static IEnumerable<T> Where<T>(this T[] source, Func<T, bool> keep) => System.Linq.Enumerable.Where(source, keep);
            }

            public static partial class C
            {
                [Aggregate(Count, Where = {|MAGG141:nameof(HasDiscount)|})]
                public static partial int Discounted(System.Linq.IQueryable<Basket> baskets);

                private static bool HasDiscount(Basket basket) => System.Linq.Enumerable.Any(from l in basket.Lines where l.Discount > 0 select l);
            }
            """ },
        { "MAGG142 a member returning by reference in an inlined method", """
            public sealed class Box { private decimal _total; public ref readonly decimal Total => ref _total; }
            public static partial class C
            {
                [Aggregate(Sum, Of = {|MAGG142:nameof(Doubled)|})]
                public static partial decimal Revenue(System.Linq.IQueryable<Box> boxes);

                private static decimal Doubled(Box box) => box.Total * 2;
            }
            """ },
        { "MAGG141 a member path returning by reference", """
            public sealed class Box { private decimal _total; public ref readonly decimal Total => ref _total; }
            public static partial class C
            {
                [Aggregate(Sum, Of = {|MAGG141:nameof(Box.Total)|})]
                public static partial decimal Revenue(System.Linq.IQueryable<Box> boxes);
            }
            """ },
        { "MAGG140 Max of an unconstrained type parameter over a query", """
            public static partial class C
            {
                [Aggregate({|MAGG140:Max|})]
                public static partial T Largest<T>(System.Linq.IQueryable<T> values);
            }
            """ },
        { "MAGG140 and MAGG145 a type parameter constrained to a collection over a query", """
            public sealed class Row<T> { public T Value { get; set; } = default!; }

            public static partial class C
            {
                [Aggregate({|MAGG140:CountDistinct|}, Of = "Value")]
                public static partial int DistinctHashes<T>(System.Linq.IQueryable<Row<T>> rows) where T : class, IEnumerable<byte>;

                [Aggregate({|MAGG140:CountDistinct|}, Of = "Value")]
                public static partial int DistinctLists<TList, TItem>(System.Linq.IQueryable<Row<TList>> rows) where TList : TItem where TItem : class, IReadOnlyList<int>;

                [GroupBy({|MAGG145:"Value"|})]
                [Aggregate(Count)]
                public static partial Dictionary<T, int> ByHash<T>(System.Linq.IQueryable<Row<T>> rows) where T : class, IEnumerable<byte>;
            }
            """ },
        { "MAGG121 aggregate hidden by a member", """
            public partial class C
            {
                public int Count() => 0;

                [Aggregate(Sum, {|MAGG121:Count|})]
                public static partial (long, int) Totals(int[] values);
            }
            """ },
        { "MAGG130 accumulator type not partial", """
            [Aggregate(Sum)]
            public struct {|MAGG130:Totals|} : IAccumulator<int, long> { }
            """ },
        { "MAGG130 accumulator type is a ref struct", """
            [Aggregate(Sum)]
            public ref partial struct {|MAGG130:Totals|} : IAccumulator<int, long> { }
            """ },
        { "MAGG130 accumulator type is a readonly struct", """
            [Aggregate(Sum)]
            public readonly partial struct {|MAGG130:Totals|} : IAccumulator<int, long> { }
            """ },
        { "MAGG130 accumulator type is static", """
            [Aggregate(Sum)]
            public static partial class {|MAGG130:Totals|} { }
            """ },
        { "MAGG131 accumulator type without IAccumulator", """
            [Aggregate(Sum)]
            public partial struct {|MAGG131:Totals|} { }
            """ },
        { "MAGG132 accumulator type with two IAccumulators", """
            [Aggregate(Sum)]
            public partial struct Totals : IAccumulator<int, long>, {|MAGG132:IAccumulator<long, long>|} { }
            """ },
        { "MAGG133 IMergeableAccumulator of another type", """
            [Aggregate(Sum)]
            public partial struct Totals : {|MAGG133:IMergeableAccumulator<int, int, long>|} { }
            """ },
        { "MAGG133 IMergeableAccumulator of the type itself, but nullable", """
            #nullable enable
            [Aggregate(Count)]
            public partial class Shard : {|MAGG133:IMergeableAccumulator<Shard?, int, int>|} { }
            """ },
        { "MAGG134 custom accumulator that cannot merge", """
            public struct Tally : IAccumulator<int, int>
            {
                private int _n;
                public void Add(int value) => _n++;
                public readonly int Result => _n;
            }

            [Aggregate({|MAGG134:typeof(Tally)|})]
            public partial struct Totals : IMergeableAccumulator<Totals, int, int> { }
            """ },
        { "MAGG130 accumulator record class with its own copy constructor", """
            [Aggregate(Count)]
            public sealed partial record Tally : IAccumulator<int, int>
            {
                public string Label { get; init; } = "";

                private {|MAGG130:Tally|}(Tally original) => Label = original.Label;
            }
            """ },
        { "MAGG130 accumulator struct whose state would hold itself", """
            [Aggregate(First)]
            public partial struct {|MAGG130:Latest|} : IAccumulator<Latest, Latest> { }

            [Aggregate(Max)]
            public partial struct {|MAGG130:Highest|} : IAccumulator<Highest, Highest>, IComparable<Highest>
            {
                public int Rank { get; set; }

                public int CompareTo(Highest other) => Rank.CompareTo(other.Rank);
            }
            """ },
        { "MAGG130 accumulator struct whose state would hold itself inside a tuple, a struct or another instantiation", """
            [Aggregate(First)]
            public partial struct {|MAGG130:Pair|} : IAccumulator<(Pair, int), (Pair, int)> { }

            public struct Wrapper
            {
                public Boxed Inner;
            }

            [Aggregate(Last)]
            public partial struct {|MAGG130:Boxed|} : IAccumulator<Wrapper, Wrapper> { }

            [Aggregate(First)]
            public partial struct {|MAGG130:Cell|}<T> : IAccumulator<Cell<int>, Cell<int>> { }

            public struct Reading
            {
                public int Value;
                public Keyed Source;
            }

            [Aggregate(MaxBy, Of = nameof(Reading.Value))]
            public partial struct {|MAGG130:Keyed|} : IAccumulator<Reading, Reading?> { }

            public struct Tagged(Owned owner)
            {
                public Owned Owner => owner;   // captured: a field C# does not list
            }

            [Aggregate(First)]
            public partial struct {|MAGG130:Owned|} : IAccumulator<Tagged, Tagged> { }
            """ },
        { "MAGG130 accumulator struct whose generic-math Sum or Average would hold itself", """
            [Aggregate(Sum)]
            public partial struct {|MAGG130:Money|} : IAccumulator<Money, Money>, System.Numerics.IAdditionOperators<Money, Money, Money>, System.Numerics.IAdditiveIdentity<Money, Money>
            {
                public decimal Amount;
                public static Money operator +(Money a, Money b) => new() { Amount = a.Amount + b.Amount };
                public static Money AdditiveIdentity => default;
            }
            """ },
        { "MAGG130 an inline array struct, which holds one field", """
            [Aggregate(Sum)]
            [System.Runtime.CompilerServices.InlineArray(4)]
            public partial struct {|MAGG130:Buffer|} : IAccumulator<int, int>
            {
                private int _element;
            }
            """ },
        { "MAGG135 accumulator type declares Add", """
            [Aggregate(Sum)]
            public partial struct Totals : IAccumulator<int, long>
            {
                public void {|MAGG135:Add|}(int value) { }
            }
            """ },
        { "MAGG135 accumulator type declares an Add C# reads as the same signature: tuple names, dynamic for object", """
            [Aggregate(Count)]
            public partial struct Lines : IAccumulator<(int Id, decimal Total), int>
            {
                public void {|MAGG135:Add|}((int, decimal) pair) { }
            }

            [Aggregate(Count)]
            public partial struct Things : IAccumulator<object, int>
            {
                public void {|MAGG135:Add|}(dynamic value) { }
            }
            """ },
        { "MAGG135 accumulator type's field named Result", """
            [Aggregate(Sum)]
            public partial struct Totals : IAccumulator<int, long>
            {
                private long {|MAGG135:Result|};
            }
            """ },
        { "MAGG135 accumulator type's base class declares Result", """
            public class Reading
            {
                public int {|MAGG135:Result|} => 0;

                private int Add(int value) => value;   // private: neither hidden nor a clash
            }

            [Aggregate(Count)]
            public partial class Counted : Reading, IAccumulator<int, int> { }
            """ },
        { "MAGG135 accumulator type implements Add explicitly", """
            [Aggregate(Sum)]
            public partial struct Totals : IAccumulator<int, long>
            {
                void IAccumulator<int, long>.{|MAGG135:Add|}(int value) { }
            }
            """ },
        { "MAGG135 accumulator type implements Result and IsComplete explicitly", """
            [Aggregate(Any)]
            public partial class Seen : IAccumulator<bool, bool>, ICompletableAccumulator
            {
                bool IAccumulator<bool, bool>.{|MAGG135:Result|} => false;
                bool ICompletableAccumulator.{|MAGG135:IsComplete|} => false;
            }
            """ },
        { "MAGG135 accumulator type's base class from another assembly declares Add", """
            [Aggregate(Sum)]
            public partial class Summed : {|MAGG135:List<int>|}, IAccumulator<int, long> { }
            """ },
        { "MAGG135 accumulator type's nested type named IsComplete", """
            [Aggregate(Any)]
            public partial class Seen : IAccumulator<bool, bool>, ICompletableAccumulator
            {
                private sealed class {|MAGG135:IsComplete|} { }

                public void Add(string other) { }   // overloads of Add: no clash
                public void Add(ref bool value) { }
                public void Add<T>(bool value) { }
            }
            """ },
        { "MAGG136 accumulator type named Result", """
            [Aggregate(Sum)]
            public partial struct {|MAGG136:Result|} : IAccumulator<int, long> { }
            """ },
        { "MAGG137 grouped method in a variant interface", """
            public partial interface IShapes<out T>
            {
                [GroupBy(nameof(Order.Region))]
                [Aggregate(Count)]
                public static partial Dictionary<string, int> {|MAGG137:CountByRegion|}(IEnumerable<Order> orders);
            }
            """ },
        { "MAGG137 grouped method in an interface inside a variant interface", """
            public partial interface IOuter<out T>
            {
                public partial interface IInner
                {
                    [GroupBy(nameof(Order.Region))]
                    [Aggregate(Count)]
                    public static partial Dictionary<string, int> {|MAGG137:CountByRegion|}(IEnumerable<Order> orders);
                }
            }
            """ },
        { "MAGG105 accumulator type's result holds too few values", """
            [Aggregate(Sum, Max)]
            public partial struct Totals : IAccumulator<int, {|MAGG105:long|}> { }
            """ },
        { "MAGG106 accumulator type's result does not fit", """
            [Aggregate(Max, Of = nameof(Order.Total))]
            public partial class Largest : IAccumulator<Order, {|MAGG106:int|}> { }
            """ },
        { "MAGG107 accumulator type's instance method", """
            [Aggregate(Sum, Of = {|MAGG107:nameof(Taxed)|})]
            public partial struct Totals : IAccumulator<Order, decimal>
            {
                private decimal Taxed(Order o) => o.Total * 1.2m;
            }
            """ },
        { "MAGG117 grouped accumulator type without a dictionary", """
            [GroupBy(nameof(Order.Region))]
            [Aggregate(Sum, Of = nameof(Order.Total))]
            public partial struct Totals : IAccumulator<Order, {|MAGG117:decimal|}> { }
            """ },
        { "MAGG119 accumulator type with [GroupBy] only", """
            [GroupBy(nameof(Order.Region))]
            public partial struct {|MAGG119:Totals|} { }
            """ },
        { "MAGG119 accumulator type with [GroupBy] only, declaring its interface", """
            [GroupBy(nameof(Order.Region))]
            public partial struct {|MAGG119:Totals|} : IMergeableAccumulator<Totals, Order, Dictionary<string, int>>, ICompletableAccumulator { }
            """ },
        { "MAGG119 accumulator type with [GroupBy] only, on two of its declarations", """
            [GroupBy(nameof(Order.Region))]
            public partial struct {|MAGG119:Totals|} : IAccumulator<Order, Dictionary<string, int>> { }

            [{|CS0579:GroupBy|}(nameof(Order.Region))]
            public partial struct {|MAGG119:Totals|} { }
            """ },
        { "MAGG101 type containing an accumulator type", """
            public static class {|MAGG101:Outer|}
            {
                [Aggregate(Sum)]
                public partial struct Totals : IAccumulator<int, long> { }
            }
            """ },
        { "MAGG115 file-local accumulator type", """
            [Aggregate(Sum)]
            file partial struct {|MAGG115:Totals|} : IAccumulator<int, long> { }
            """ },
        { "MAGG103 elements of a type the method cannot see", """
            public sealed class Bag : IEnumerable<Bag.Entry>
            {
                private sealed class Entry { }
                public IEnumerator<Entry> GetEnumerator() => throw null!;
                IEnumerator IEnumerable.GetEnumerator() => throw null!;
            }

            public static partial class C
            {
                [Aggregate(Count)]
                public static partial int Total({|MAGG103:Bag|} bag);
            }
            """ },
        { "MAGG103 elements of a type obsolete as an error, which only an obsolete collection names", """
            [System.Obsolete("use Line", true)] public sealed class OldLine { }
            [System.Obsolete("use Lines")] public sealed class OldLines : List<OldLine> { }

            public static partial class C
            {
                [Aggregate(Count)]
                public static partial int Total({|MAGG103:OldLines|} lines);
            }
            """ },
        { "MAGG103 async elements of a type the method cannot see (the loop's ConfigureAwait cannot name it either)", """
            public sealed class Feed : IAsyncEnumerable<Feed.Entry>
            {
                private sealed class Entry { }
                IAsyncEnumerator<Entry> IAsyncEnumerable<Entry>.GetAsyncEnumerator(System.Threading.CancellationToken token) => throw null!;
            }

            public static partial class C
            {
                [Aggregate(Count)]
                public static partial Task<int> Total({|MAGG103:Feed|} feed);
            }
            """ },
        { "MAGG107 a key made of pointers, read outside an unsafe context into an object key", """
            public sealed unsafe class Node { public int*[] Cells = new int*[0]; }

            public static partial class C
            {
                [GroupBy({|MAGG107:nameof(Node.Cells)|})]
                [Aggregate(Count)]
                public static partial Dictionary<object, int> ByCells(IEnumerable<Node> nodes);
            }
            """ },
        { "MAGG107 an Of method only native code calls", """
            public static partial class C
            {
                [Aggregate(Sum, Of = {|MAGG107:nameof(Twice)|})]
                public static partial long Total(int[] values);

                [System.Runtime.InteropServices.UnmanagedCallersOnly]
                private static int Twice(int x) => 2 * x;
            }
            """ },
        { "MAGG103 multi-dimensional array", """
            public static partial class C
            {
                [Aggregate(Count)]
                public static partial int Total({|MAGG103:int[,]|} values);
            }
            """ },
        { "MAGG103 two element types", """
            public sealed class Both : IEnumerable<int>, IEnumerable<string>
            {
                IEnumerator<int> IEnumerable<int>.GetEnumerator() => throw null!;
                IEnumerator<string> IEnumerable<string>.GetEnumerator() => throw null!;
                IEnumerator IEnumerable.GetEnumerator() => throw null!;
            }

            public static partial class C
            {
                [Aggregate(Count)]
                public static partial int Total({|MAGG103:Both|} values);
            }
            """ },
        { "MAGG104 All of non-bool elements", """
            public static partial class C
            {
                [Aggregate({|MAGG104:All|})]
                public static partial bool AllOf(int[] values);
            }
            """ },
        { "MAGG104 Any of a non-bool Of", """
            public static partial class C
            {
                [Aggregate({|MAGG104:Any|}, Of = nameof(Order.Quantity))]
                public static partial bool AnyOf(IEnumerable<Order> orders);
            }
            """ },
        { "MAGG106 Any declared int", """
            public static partial class C
            {
                [Aggregate(Any)]
                public static partial {|MAGG106:int|} AnyOf(IEnumerable<Order> orders);
            }
            """ },
        { "MAGG106 First of a narrower type", """
            public static partial class C
            {
                [Aggregate(First, Of = nameof(Order.Total))]
                public static partial {|MAGG106:int|} FirstOf(IEnumerable<Order> orders);
            }
            """ },
        { "MAGG104 a pointer First in a parallel method of a type that is not unsafe, whose workers' state is no unsafe type", """
            public sealed unsafe class Node { public int* Cell; }

            public static partial class C
            {
                [Aggregate({|MAGG104:First|}, Of = nameof(Node.Cell))]
                public static unsafe partial int* FirstCell(Node[] nodes, ParallelOptions options);
            }
            """ },
        { "MAGG104 a MaxBy of pointer elements per key, in a type that is not unsafe", """
            public sealed unsafe class Pick
            {
                public Pick(int* cell, int count) => Count = count;

                public int Count { get; }
            }

            public static partial class C
            {
                [GroupBy(nameof(IsNull))]
                [Aggregate({|MAGG104:MaxBy|}, Of = nameof(Address))]
                [Aggregate(Count)]
                public static unsafe partial Dictionary<bool, Pick> Keyed(int*[] cells);

                private static unsafe bool IsNull(int* cell) => cell == null;

                private static unsafe long Address(int* cell) => (long)cell;
            }
            """ },
        { "MAGG104 a pointer First in a method that is no unsafe context", """
            public sealed unsafe class Node { public int* Cell; }

            public sealed class Scan
            {
                public unsafe Scan(int* first, int count) => Count = count;

                public int Count { get; }
            }

            public static partial class C
            {
                [Aggregate({|MAGG104:First|}, Of = nameof(Node.Cell))]
                [Aggregate(Count)]
                public static partial Scan Read(Node[] nodes);
            }
            """ },
        { "MAGG104 variance of strings", """
            public static partial class C
            {
                [Aggregate({|MAGG104:Variance|})]
                public static partial double Spread(IEnumerable<string> values);
            }
            """ },
        { "MAGG106 StdDev declared decimal", """
            public static partial class C
            {
                [Aggregate(StdDev)]
                public static partial {|MAGG106:decimal|} Spread(decimal[] values);
            }
            """ },
        { "MAGG104 MinBy without a key", """
            public static partial class C
            {
                [Aggregate({|MAGG104:MinBy|})]
                public static partial Order Cheapest(IEnumerable<Order> orders);
            }
            """ },
        { "MAGG106 MaxBy declared as the key", """
            public static partial class C
            {
                [Aggregate(MaxBy, Of = nameof(Order.Total))]
                public static partial {|MAGG106:decimal|} Largest(IEnumerable<Order> orders);
            }
            """ },
        { "MAGG106 CountDistinct declared double", """
            public static partial class C
            {
                [Aggregate(CountDistinct, Of = nameof(Order.Region))]
                public static partial {|MAGG106:double|} Regions(IEnumerable<Order> orders);
            }
            """ },
        { "MAGG104 sum of strings", """
            public static partial class C
            {
                [Aggregate({|MAGG104:Sum|})]
                public static partial string Total(IEnumerable<string> values);
            }
            """ },
        { "MAGG104 min of non-comparable", """
            public sealed class Blob { }

            public static partial class C
            {
                [Aggregate(Count, {|MAGG104:Min|})]
                public static partial (int, Blob) Least(IEnumerable<Blob> values);
            }
            """ },
        { "MAGG105 tuple arity", """
            public static partial class C
            {
                [Aggregate(Sum, Max, Count)]
                public static partial {|MAGG105:(long, int)|} Stats(int[] values);
            }
            """ },
        { "MAGG105 void", """
            public static partial class C
            {
                [Aggregate(Sum)]
                public static partial {|MAGG105:void|} Stats(int[] values);
            }
            """ },
        { "MAGG105 no matching constructor", """
            public sealed class Result { public Result(int a) { } }

            public static partial class C
            {
                [Aggregate(Sum, Max)]
                public static partial {|MAGG105:Result|} Stats(int[] values);
            }
            """ },
        { "MAGG106 count as string", """
            public static partial class C
            {
                [Aggregate(Sum, Count)]
                public static partial (long Sum, {|MAGG106:string Count|}) Stats(int[] values);
            }
            """ },
        { "MAGG106 narrowing sum", """
            public static partial class C
            {
                [Aggregate(Sum)]
                public static partial {|MAGG106:int|} Total(long[] values);
            }
            """ },
        { "MAGG106 average of ints as float", """
            public static partial class C
            {
                [Aggregate(Average)]
                public static partial Task<{|MAGG106:float|}> Mean(IAsyncEnumerable<int> values);
            }
            """ },
        { "MAGG107 unknown Of", """
            public static partial class C
            {
                [Aggregate(Sum, Of = {|MAGG107:"Price"|})]
                public static partial decimal Total(IEnumerable<Order> orders);
            }
            """ },
        { "MAGG107 static abstract interface method", """
            public partial interface IScored
            {
                static abstract decimal Score(Order order);

                [Aggregate(Sum, Of = {|MAGG107:nameof(Score)|})]
                public static partial decimal Total(IEnumerable<Order> orders);
            }
            """ },
        { "MAGG107 unknown path segment", """
            public static partial class C
            {
                [Aggregate(Max, Of = {|MAGG107:"Region.Nope"|})]
                public static partial int Longest(IEnumerable<Order> orders);
            }
            """ },
        { "MAGG107 selector with unmatched parameter", """
            public static partial class C
            {
                private static decimal Taxed(Order o, decimal rate) => o.Total * rate;

                [Aggregate(Sum, Of = {|MAGG107:nameof(Taxed)|})]
                public static partial decimal Total(IEnumerable<Order> orders, decimal percent);
            }
            """ },
        { "MAGG104 a value of a type [Obsolete] as an error, read from an obsolete member", """
            [System.Obsolete("use Code", true)]
            public sealed class LegacyCode { }

            public sealed class Ticket
            {
                [System.Obsolete("use Code")]
                public LegacyCode Legacy { get; } = null!;
            }

            public sealed class Bundle
            {
                [System.Obsolete("use Codes")]
                public List<LegacyCode> Legacy { get; } = new();

                [System.Obsolete("use Codes")]
                public LegacyCode[] Older { get; } = new LegacyCode[0];
            }

            public static partial class C
            {
                [Aggregate({|MAGG104:CountDistinct|}, Of = nameof(Ticket.Legacy))]
                public static partial int Codes(IEnumerable<Ticket> tickets);

                [Aggregate({|MAGG104:First|}, Of = nameof(Bundle.Legacy))]
                [Aggregate({|MAGG104:Last|}, Of = nameof(Bundle.Older))]
                public static partial (object, object) Firsts(IEnumerable<Bundle> bundles);
            }
            """ },
        { "MAGG108 ambiguous", """
            public static partial class C
            {
                private static decimal Total(Order o) => o.Total;

                [Aggregate(Sum, Of = {|MAGG108:"Total"|})]
                public static partial decimal Revenue(IEnumerable<Order> orders);
            }
            """ },
        { "MAGG108 an overload the generated call would prefer to the one that fits", """
            public static partial class C
            {
                private static decimal Share(object o) => ((Order)o).Total;
                private static decimal Share(Order o, decimal part = 0.5m) => o.Total * part;

                [Aggregate(Sum, Of = {|MAGG108:nameof(Share)|})]
                public static partial decimal Revenue(IEnumerable<Order> orders);
            }
            """ },
        { "MAGG108 an element's method that a derived type's overload hides from the call", """
            public class LineBase { public int Units() => 1; public int Weight() => 2; }
            public sealed class Line : LineBase { public decimal Units(decimal factor = 1m) => 2.5m * factor; public static new int Weight() => 3; }

            public static partial class C
            {
                [Aggregate(Sum, Of = {|MAGG108:nameof(Line.Units)|})]
                public static partial int Total(IEnumerable<Line> lines);

                [Aggregate(Sum, Of = {|MAGG108:nameof(Line.Weight)|})]
                public static partial int TotalWeight(IEnumerable<Line> lines);
            }
            """ },
        { "MAGG108 an overload the generated call would prefer, in a generic method", """
            public interface IOrder { decimal Total { get; } }
            public static partial class C
            {
                private static decimal Share(object o) => ((IOrder)o).Total;
                private static decimal Share(IOrder o, decimal part = 0.5m) => o.Total * part;

                [Aggregate(Sum, Of = {|MAGG108:nameof(Share)|})]
                public static partial decimal Revenue<T>(IEnumerable<T> orders) where T : IOrder;
            }
            """ },
        { "MAGG108 overloads the generated call finds ambiguous", """
            public interface IA { } public interface IB { }
            public sealed class Both : IA, IB { }
            public static partial class C
            {
                private static int Value(object o) => 1;
                private static int Value(IA o, int scale = 1) => 2;
                private static int Value(IB o, int scale = 1) => 3;

                [Aggregate(Sum, Of = {|MAGG108:nameof(Value)|})]
                public static partial int Total(IEnumerable<Both> items);
            }
            """ },
        { "MAGG109 where not bool", """
            public static partial class C
            {
                [Aggregate(Count, Where = {|MAGG109:nameof(Order.Quantity)|})]
                public static partial int Paid(IEnumerable<Order> orders);
            }
            """ },
        { "MAGG111 no aggregates", """
            public static partial class C
            {
                [{|MAGG111:Aggregate()|}]
                public static partial int Nothing(int[] values);
            }
            """ },
        { "MAGG112 unknown aggregate", """
            public static partial class C
            {
                [Aggregate(Sum, {|MAGG112:(Agg)42|})]
                public static partial (int, int) Odd(int[] values);
            }
            """ },
        { "MAGG112 unknown aggregate in an array", """
            public static partial class C
            {
                [Aggregate(new[] { Sum, {|MAGG112:(Agg)42|} })]
                public static partial (int, int) Odd(int[] values);
            }
            """ },
        { "MAGG112 unknown aggregate in a collection expression", """
            public static partial class C
            {
                [Aggregate([{|MAGG112:(Agg)42|}, Sum])]
                public static partial (int, int) Odd(int[] values);
            }
            """ },
        { "MAGG112 aggregates combined with |, which is Sum here", """
            public static partial class C
            {
                [Aggregate({|MAGG112:Count | Sum|})]
                public static partial int Total(int[] values);
            }
            """ },
        { "MAGG112 aggregates combined into another member (MinBy) or no member, in parentheses or a cast too", """
            public static partial class C
            {
                [Aggregate(({|MAGG112:Agg.Sum | Agg.Max|}), {|MAGG112:CountDistinct | Max|}, (Agg)({|MAGG112:Count | Min|}), Min)]
                public static partial (int, int, int, int) Odd(int[] values);
            }
            """ },
        { "MAGG112 aggregates combined in an array's element or a branch of ?:, whose condition is no aggregate", """
            public static partial class C
            {
                private const int Level = 2;

                [Aggregate(new[] { {|MAGG112:Count | Sum|}, Level > 1 ? Max : Min })]
                [Aggregate(Level > 1 ? Max : {|MAGG112:Min | Sum|})]
                public static partial (int, int, int) Odd(int[] values);
            }
            """ },
        { "MAGG113 async source, sync result", """
            public static partial class C
            {
                [Aggregate(Sum)]
                public static partial {|MAGG113:int|} Total(IAsyncEnumerable<int> values);
            }
            """ },
        { "MAGG113 sync source, task result", """
            public static partial class C
            {
                [Aggregate(Sum)]
                public static partial {|MAGG113:Task<int>|} Total(int[] values);
            }
            """ },
        { "MAGG114 out parameter", """
            public static partial class C
            {
                [Aggregate(Sum)]
                public static partial int Total(int[] values, {|MAGG114:out int count|});
            }
            """ },
        { "MAGG114 ref return", """
            public static partial class C
            {
                [Aggregate(Sum)]
                public static partial {|MAGG114:ref int|} Total(int[] values);
            }
            """ },
        { "MAGG100 lambda", """
            public static class C
            {
                public static System.Func<int[], int> F = [{|MAGG100:Aggregate(Sum)|}] static (int[] values) => 0;
            }
            """ },
        { "MAGG107 private getter", """
            public sealed class Secret { public int Value { private get; set; } }

            public static partial class C
            {
                [Aggregate(Sum, Of = {|MAGG107:nameof(Secret.Value)|})]
                public static partial int Total(IEnumerable<Secret> items);
            }
            """ },
        { "MAGG107 readonly method, mutating selector", """
            public partial struct S
            {
                private int Scale(int x) => x;

                [Aggregate(Sum, Of = {|MAGG107:nameof(Scale)|})]
                public readonly partial long Total(int[] values);
            }
            """ },
        { "MAGG114 async with in parameter", """
            public static partial class C
            {
                [Aggregate(Sum)]
                public static partial Task<long> Total(IAsyncEnumerable<int> values, {|MAGG114:in int scale|});
            }
            """ },
        { "MAGG115 file-local type", """
            file static partial class {|MAGG115:C|}
            {
                [Aggregate(Sum)]
                public static partial int Total(int[] values);
            }
            """ },
        { "MAGG115 a type nested in a file-local type", """
            file partial class {|MAGG115:Outer|}
            {
                public static partial class C
                {
                    [Aggregate(Sum)]
                    public static partial int Total(int[] values);
                }
            }
            """ },
        { "MAGG100 no accessibility, which C# requires of a partial method that returns a value", """
            public static partial class C
            {
                [Aggregate(Sum)]
                static partial int {|MAGG100:Total|}(int[] values);
            }
            public partial interface IShapes
            {
                [Aggregate(Sum)]
                static partial int {|MAGG100:Total|}(int[] values);
            }
            """ },
        { "MAGG116 an accumulator whose Result a derived class hides with 'new'", """
            public class Tally : IAccumulator<int, int>
            {
                private int _n;
                public void Add(int value) => _n += value;
                public int Result => _n;
            }
            public class Labelled : Tally { public new string Result => "n"; }
            public class Counted : Tally { public new void Add(int value) { } }
            public static partial class C
            {
                [Aggregate({|MAGG116:typeof(Labelled)|})]
                public static partial int Total(int[] values);

                [Aggregate({|MAGG116:typeof(Counted)|})]
                public static partial int Count(int[] values);
            }
            """ },
        { "MAGG107 an Of method taking a dynamic extra parameter", """
            public static partial class C
            {
                [Aggregate(Sum, Of = {|MAGG107:nameof(Priced)|})]
                public static partial decimal Revenue(IEnumerable<Order> orders, dynamic rate);

                [Aggregate(Sum, Of = {|MAGG107:nameof(Priced)|})]
                public static partial decimal QueriedRevenue(System.Linq.IQueryable<Order> orders, dynamic rate);

                private static decimal Priced(Order order, decimal rate) => order.Total * rate;
            }
            """ },
        { "MAGG116 an accumulator implementing the interface explicitly", """
            public struct Tally : IAccumulator<int, long>
            {
                private long _n;
                void IAccumulator<int, long>.Add(int value) => _n += value;
                long IAccumulator<int, long>.Result => _n;
            }
            public static partial class C
            {
                [Aggregate({|MAGG116:typeof(Tally)|})]
                public static partial long Total(int[] values);
            }
            """ },
        { "MAGG116 an accumulator whose own Add overload takes the values", """
            public struct Tally : IAccumulator<object, long>
            {
                private long _n;
                public void Add(object value) => _n++;
                public void Add(string text) => _n += text.Length;
                public long Result => _n;
            }
            public static partial class C
            {
                [Aggregate({|MAGG116:typeof(Tally)|}, Of = nameof(Order.Region))]
                public static partial long Total(IEnumerable<Order> orders);
            }
            """ },
        { "MAGG116 the Add C# calls implements the other interface and is [Obsolete] as an error", """
            public struct Tally : IAccumulator<object, long>, IAccumulator<long, long>
            {
                private long _n;
                public void Add(object value) => _n++;
                [System.Obsolete("use Add(object)", error: true)]
                public void Add(long value) => _n += value;
                public long Result => _n;
            }
            public static partial class C
            {
                [Aggregate({|MAGG116:typeof(Tally)|})]
                public static partial long Total(int[] values);
            }
            """ },
        { "MAGG116 a ref struct accumulator kept per key", """
            public ref struct Tally : IAccumulator<int, int>
            {
                private int _n;
                public void Add(int value) => _n++;
                public readonly int Result => _n;
            }
            public sealed record Sale(string Region, int Units);
            public static partial class C
            {
                [GroupBy(nameof(Sale.Region))]
                [Aggregate({|MAGG116:typeof(Tally)|}, Of = nameof(Sale.Units))]
                public static partial Dictionary<string, int> ByRegion(IEnumerable<Sale> sales);
            }
            """ },
        { "MAGG116 an accumulator nested in a file-local type", """
            file static class Helpers
            {
                public struct Tally : IAccumulator<int, long>
                {
                    private long _n;
                    public void Add(int value) => _n += value;
                    public readonly long Result => _n;
                }
            }
            public static partial class C
            {
                [Aggregate({|MAGG116:typeof(Helpers.Tally)|})]
                public static partial long Total(int[] values);
            }
            """ },
        { "MAGG116 an accumulator given a file-local type argument", """
            file sealed class Local { }
            public struct Tally<T> : IAccumulator<int, long>
            {
                private long _n;
                public void Add(int value) => _n += value;
                public readonly long Result => _n;
            }
            public static partial class C
            {
                [Aggregate({|MAGG116:typeof(Tally<Local[]>)|})]
                public static partial long Total(int[] values);
            }
            """ },
        { "MAGG116 a null Type, which compiles", """
            public static partial class C
            {
                [Aggregate(Sum)]
                [Aggregate({|MAGG116:(System.Type)null|})]
                public static partial long Total(int[] values);
            }
            """ },
        { "MAGG116 a file-local accumulator", """
            file struct Tally : IAccumulator<int, long>
            {
                private long _n;
                public void Add(int value) => _n += value;
                public readonly long Result => _n;
            }
            public static partial class C
            {
                [Aggregate({|MAGG116:typeof(Tally)|})]
                public static partial long Total(int[] values);
            }
            """ },
        { "MAGG105 a constructor taking its values by ref", """
            public sealed class Totals { public Totals(ref long sum, ref int max) { } }
            public static partial class C
            {
                [Aggregate(Sum, Max)]
                public static partial {|MAGG105:Totals|} Stats(int[] values);
            }
            """ },
        { "MAGG105 a base type's protected constructor, which new cannot call", """
            public class Totals { protected Totals(long sum, int max) { } }
            public partial class C : Totals
            {
                public C() : base(0, 0) { }

                [Aggregate(Sum, Max)]
                public static partial {|MAGG105:Totals|} Stats(int[] values);
            }
            """ },
        { "MAGG116 an accumulator class whose parameterless constructor is obsolete as an error", """
            public sealed class Retired : IAccumulator<int, long>
            {
                private long _n;
                [System.Obsolete("use Fresh", error: true)]
                public Retired() { }
                public void Add(int value) => _n += value;
                public long Result => _n;
            }
            public static partial class C
            {
                [Aggregate({|MAGG116:typeof(Retired)|})]
                public static partial long Total(int[] values);
            }
            """ },
        { "MAGG116 an accumulator whose Add is obsolete as an error", """
            public struct Retired : IAccumulator<int, long>
            {
                private long _n;
                [System.Obsolete("use Push", error: true)]
                public void Add(int value) => _n += value;
                public readonly long Result => _n;
            }
            public static partial class C
            {
                [Aggregate({|MAGG116:typeof(Retired)|})]
                public static partial long Total(int[] values);
            }
            """ },
        { "MAGG116 a parallel method's accumulator whose Merge is obsolete as an error", """
            public struct Total : IMergeableAccumulator<Total, int, long>
            {
                private long _sum;
                public void Add(int value) => _sum += value;
                public readonly long Result => _sum;
                [System.Obsolete("merging is retired", error: true)]
                public void Merge(Total other) => _sum += other._sum;
            }
            public static partial class C
            {
                [Aggregate({|MAGG116:typeof(Total)|})]
                public static partial long Sum(int[] values, System.Threading.Tasks.ParallelOptions options);
            }
            """ },
        { "MAGG116 an accumulator whose Merge is obsolete as an error, in a mergeable accumulator type", """
            public struct Total : IMergeableAccumulator<Total, int, long>
            {
                private long _sum;
                public void Add(int value) => _sum += value;
                public readonly long Result => _sum;
                [System.Obsolete("merging is retired", error: true)]
                public void Merge(Total other) => _sum += other._sum;
            }

            [Aggregate({|MAGG116:typeof(Total)|})]
            public partial struct Totals : IMergeableAccumulator<Totals, int, long> { }
            """ },
        { "MAGG116 a struct accumulator whose parameterless constructor is private", """
            public struct Hidden : IAccumulator<int, long>
            {
                private long _n;
                private Hidden() { _n = 0; }
                public void Add(int value) => _n += value;
                public readonly long Result => _n;
            }
            public static partial class C
            {
                [Aggregate({|MAGG116:typeof(Hidden)|})]
                public static partial long Total(int[] values);
            }
            """ },
        { "MAGG116 an accumulator class whose parameterless constructor is protected, used by a class deriving from it", """
            public class Tally : IAccumulator<int, long>
            {
                private long _n;
                protected Tally() { }
                public void Add(int value) => _n += value;
                public long Result => _n;
            }
            public partial class Stats : Tally
            {
                [Aggregate({|MAGG116:typeof(Tally)|})]
                public static partial long Total(int[] values);
            }
            """ },
        { "MAGG116 an accumulator type holding itself", """
            [Aggregate({|MAGG116:typeof(Node)|})]
            public partial class Node : IAccumulator<int, int> { }
            """ },
        { "MAGG116 two accumulator types holding each other", """
            [Aggregate({|MAGG116:typeof(Right)|})]
            public partial struct Left : IAccumulator<int, int> { }

            [Aggregate({|MAGG116:typeof(Left)|})]
            public partial struct Right : IAccumulator<int, int> { }
            """ },
        { "MAGG116 a class and a struct accumulator type holding each other", """
            [Aggregate({|MAGG116:typeof(Inner)|})]
            public partial class Outer : IAccumulator<int, int> { }

            [Aggregate({|MAGG116:typeof(Outer)|})]
            public partial struct Inner : IAccumulator<int, int> { }
            """ },
        { "MAGG130 an accumulator struct with an explicit layout", """
            [Aggregate(Sum)]
            [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Explicit)]
            public partial struct {|MAGG130:Overlaid|} : IAccumulator<int, int> { }
            """ },
        { "MAGG130 an accumulator struct with a sequential layout and fields of its own", """
            [Aggregate(Sum)]
            [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
            public partial struct {|MAGG130:Ordered|} : IAccumulator<int, int>
            {
                private int _seen;

                public int Seen => _seen++;
            }
            """ },
        { "MAGG130 an accumulator class with a sequential layout and fields of its own", """
            [Aggregate(Sum)]
            [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
            public partial class {|MAGG130:Ordered|} : IAccumulator<int, int>
            {
                private int _seen;

                public int Seen => _seen++;
            }
            """ },
        { "MAGG130 once for a type whose declarations each carry attributes", """
            [Aggregate(Sum)]
            public readonly partial struct {|MAGG130:Split|} : IAccumulator<int, (int, int)> { }

            [Aggregate(Count)]
            public readonly partial struct Split { }
            """ },
        { "MAGG116 an accumulator type holding itself through a struct's field", """
            public struct Wrapper : IAccumulator<int, int>
            {
                private Node _node;
                public void Add(int value) { }
                public int Result => 0;
            }

            [Aggregate({|MAGG116:typeof(Wrapper)|})]
            public partial struct Node : IAccumulator<int, int> { }
            """ },
        { "MAGG116 an accumulator type holding itself through a generic struct's field", """
            public struct Wrapper : IAccumulator<int, int>
            {
                private (int, int) _first;
                private (Node, int) _second;
                public void Add(int value) { }
                public int Result => 0;
            }

            [Aggregate({|MAGG116:typeof(Wrapper)|})]
            public partial struct Node : IAccumulator<int, int> { }
            """ },
        { "MAGG130 an accumulator class with an explicit layout", """
            [Aggregate(Sum)]
            [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Explicit)]
            public partial class {|MAGG130:Overlaid|} : IAccumulator<int, int> { }
            """ },
        { "MAGG141 an inlined method reading a struct's instance members", """
            public partial struct Repo
            {
                private decimal _rate;
                private decimal Discounted(Order order) => order.Total * _rate;

                [Aggregate(Sum, Of = {|MAGG141:nameof(Discounted)|})]
                public partial decimal Revenue(System.Linq.IQueryable<Order> orders);
            }
            """ },
        { "MAGG118 an int key in a float dictionary", """
            public static partial class C
            {
                [GroupBy({|MAGG118:nameof(Order.Quantity)|})]
                [Aggregate(Count)]
                public static partial Dictionary<float, int> ByQuantity(IEnumerable<Order> orders);
            }
            """ },
        { "MAGG118 a dynamic key in an int dictionary", """
            public sealed record Coded(dynamic Code, int Units);
            public static partial class C
            {
                [GroupBy({|MAGG118:nameof(Coded.Code)|})]
                [Aggregate(Sum, Of = nameof(Coded.Units))]
                public static partial Dictionary<int, int> ByCode(IEnumerable<Coded> items);
            }
            """ },
        { "MAGG118 a dynamic key in a string dictionary", """
            public sealed record Coded(dynamic Code, int Units);
            public static partial class C
            {
                [GroupBy({|MAGG118:nameof(Coded.Code)|})]
                [Aggregate(Sum, Of = nameof(Coded.Units))]
                public static partial Dictionary<string, int> ByCode(IEnumerable<Coded> items);
            }
            """ },
        { "MAGG118 a tuple key with an int element in a float element", """
            public static partial class C
            {
                [GroupBy({|MAGG118:nameof(RegionAndQuantity)|})]
                [Aggregate(Count)]
                public static partial Dictionary<(string, float), int> ByRegionAndQuantity(IEnumerable<Order> orders);

                private static (string, int) RegionAndQuantity(Order order) => (order.Region, order.Quantity);
            }
            """ },
        { "MAGG118 a tuple key converting an element by a user-defined conversion", """
            public readonly record struct Money(decimal Amount) { public static implicit operator decimal(Money m) => m.Amount; }
            public static partial class C
            {
                [GroupBy({|MAGG118:nameof(RegionAndPrice)|})]
                [Aggregate(Count)]
                public static partial Dictionary<(string, decimal), int> ByRegionAndPrice(IEnumerable<Order> orders);

                private static (string, Money) RegionAndPrice(Order order) => (order.Region, new Money(order.Total));
            }
            """ },
        { "MAGG118 a tuple key converting an element by a user-defined conversion into a nullable tuple", """
            public readonly record struct Money(decimal Amount) { public static implicit operator decimal(Money m) => m.Amount; }
            public static partial class C
            {
                [GroupBy({|MAGG118:nameof(RegionAndPrice)|})]
                [Aggregate(Count)]
                public static partial Dictionary<(string, decimal)?, int> ByRegionAndPrice(IEnumerable<Order> orders);

                private static (string, Money) RegionAndPrice(Order order) => (order.Region, new Money(order.Total));
            }
            """ },
        { "MAGG108 a member inherited from two interfaces", """
            public interface IPriced { decimal Price { get; } }
            public interface IQuoted { decimal Price { get; } }
            public interface ILine : IPriced, IQuoted { }
            public static partial class C
            {
                [Aggregate(Sum, Of = {|MAGG108:nameof(IPriced.Price)|})]
                public static partial decimal Total(IEnumerable<ILine> lines);
            }
            """ },
        { "MAGG104 CountDistinct of a ref struct", """
            public sealed class Line { public ReadOnlySpan<char> Code => default; }
            public static partial class C
            {
                [Aggregate({|MAGG104:CountDistinct|}, Of = nameof(Line.Code))]
                public static partial int Codes(Line[] lines);
            }
            """ },
        { "MAGG104 CountDistinct of pointers", """
            public static unsafe partial class C
            {
                [Aggregate({|MAGG104:CountDistinct|})]
                public static partial int Cells(int*[] cells);
            }
            """ },
        { "MAGG114 pointers on several workers", """
            public static unsafe partial class C
            {
                [Aggregate(Count)]
                public static partial int Cells(int*[] cells, {|MAGG114:System.Threading.Tasks.ParallelOptions options|});
            }
            """ },
        { "MAGG114 an async method declared unsafe", """
            public static partial class C
            {
                [Aggregate(Count)]
                public static {|MAGG114:unsafe|} partial Task<int> CountAsync(IAsyncEnumerable<int> values);
            }
            """ },
        { "MAGG114 pointers in an async method", """
            public static unsafe partial class C
            {
                [Aggregate(Count)]
                public static partial Task<int> CountAsync(IAsyncEnumerable<int> values, {|MAGG114:int* scale|});
            }
            """ },
        { "MAGG114 arrays of pointers in an async method's parameters and result, which its part cannot name", """
            public static unsafe partial class C
            {
                [Aggregate(Count)]
                public static partial Task<int> CountAsync({|MAGG114:IAsyncEnumerable<int*[]> rows|});

                [Aggregate(Count)]
                public static partial Task<int> CellsAsync(IAsyncEnumerable<int> values, {|MAGG114:int*[][] cells|});

                [Aggregate(First)]
                public static partial {|MAGG114:Task<int*[]>|} FirstAsync(IAsyncEnumerable<int> values);
            }
            """ },
        { "MAGG104 values made of pointers where the method is no unsafe context, or kept beside it", """
            public sealed unsafe class Node { public int*[] Cells = new int*[0]; public System.Collections.Generic.List<int*[]> Rows = new(); public int Kind; }
            public static partial class C
            {
                [Aggregate({|MAGG104:First|}, Of = nameof(Node.Cells))]
                [Aggregate({|MAGG104:CountDistinct|}, Of = nameof(Node.Rows))]
                [Aggregate(Count, Of = nameof(Node.Cells))]
                public static partial (object First, int Rows, int Count) Read(IEnumerable<Node> nodes);

                [GroupBy(nameof(Node.Kind))]
                [Aggregate({|MAGG104:First|}, Of = nameof(Node.Cells))]
                public static unsafe partial Dictionary<int, int*[]> FirstCells(IEnumerable<Node> nodes);
            }
            """ },
        { "MAGG107 a path through an array of pointers where the method is no unsafe context", """
            public sealed unsafe class Node { public int*[] Cells = new int*[0]; }
            public static partial class C
            {
                [Aggregate(Sum, Of = {|MAGG107:"Cells.Length"|})]
                public static partial int Cells(IEnumerable<Node> nodes);

                [Aggregate(Count, Where = {|MAGG107:"Cells.IsReadOnly"|})]
                public static partial int Filtered(IEnumerable<Node> nodes);
            }
            """ },
        { "MAGG103 a source whose elements are made of pointers where the signature does not spell them", """
            public sealed unsafe class Rows : List<int*[]> { }
            public sealed unsafe class Stream : IAsyncEnumerable<int*[]>
            {
                public IAsyncEnumerator<int*[]> GetAsyncEnumerator(System.Threading.CancellationToken cancellationToken = default) => throw new NotSupportedException();
            }
            public static partial class C
            {
                [Aggregate(Count)]
                public static partial int Cells({|MAGG103:Rows|} rows);
            }
            public static unsafe partial class D
            {
                [Aggregate(Count)]
                public static partial Task<int> CellsAsync({|MAGG103:Stream|} rows);
            }
            """ },
        { "MAGG104 an accumulator type that keeps values made of pointers its contract does not name", """
            public sealed unsafe class Node { public int*[] Cells = new int*[0]; }
            [Aggregate({|MAGG104:First|}, Of = nameof(Node.Cells))]
            public unsafe partial struct Firsts : IAccumulator<Node, object> { }
            """ },
        { "MAGG114 a key made of pointers, kept per key where no type around the method is unsafe", """
            public sealed unsafe class Node { public int*[] Cells = new int*[0]; }
            public static partial class C
            {
                [GroupBy(nameof(Node.Cells))]
                [Aggregate(Count)]
                public static unsafe partial Dictionary<{|MAGG114:int*[]|}, int> ByCells(IEnumerable<Node> nodes);
            }
            """ },
        { "MAGG116 a custom accumulator given values made of pointers where the method is no unsafe context", """
            public sealed unsafe class Node { public int*[] Cells = new int*[0]; }
            public unsafe struct Lengths : IAccumulator<int*[], int> { private int _total; public void Add(int*[] cells) => _total += cells.Length; public int Result => _total; }
            public static partial class C
            {
                [Aggregate({|MAGG116:typeof(Lengths)|}, Of = nameof(Node.Cells))]
                public static partial int Total(IEnumerable<Node> nodes);
            }
            """ },
        { "MAGG114 __arglist, which the generated part could not repeat", """
            public static partial class C
            {
                [Aggregate(Count)]
                public static partial int {|CS8795:F|}(int[] values, {|MAGG114:__arglist|});
            }
            """ },
        { "MAGG105 an eighth type argument that is not the tuple of the rest", """
            public static partial class C
            {
                [Aggregate(Sum, Min, Max, Count, Sum, Min, Max, Count)]
                public static partial {|MAGG105:ValueTuple<int, int, int, int, int, int, int, int>|} Values(int[] values);

                [Aggregate(Sum, Min, Max, Count, Sum, Min, Max, Count)]
                public static partial {|MAGG105:Tuple<int, int, int, int, int, int, int, int>|} References(int[] values);
            }
            """ },
        { "MAGG104 Max of a comparable ref struct", """
            public ref struct Stamp : IComparable<Stamp> { public int CompareTo(Stamp other) => 0; }
            public sealed class Line { public Stamp At => default; }
            public static partial class C
            {
                [Aggregate({|MAGG104:Max|}, Of = nameof(Line.At))]
                public static partial Stamp Latest(Line[] lines);
            }
            """ },
        { "MAGG104 MaxBy a ref struct key", """
            public ref struct Stamp : IComparable<Stamp> { public int CompareTo(Stamp other) => 0; }
            public sealed class Line { public Stamp At => default; }
            public static partial class C
            {
                [Aggregate({|MAGG104:MaxBy|}, Of = nameof(Line.At))]
                public static partial Line? Latest(Line[] lines);
            }
            """ },
        { "MAGG104 Last of a ref struct on several workers", """
            public sealed class Line { public ReadOnlySpan<char> Code => default; }
            public static partial class C
            {
                [Aggregate({|MAGG104:LastOrDefault|}, Of = nameof(Line.Code))]
                public static partial ReadOnlySpan<char> LastCode(Line[] lines, System.Threading.Tasks.ParallelOptions options);
            }
            """ },
        { "MAGG104 First of a ref struct per key", """
            public sealed class Line { public string Region => ""; public ReadOnlySpan<char> Code => default; }
            public sealed class Summary { public Summary(ReadOnlySpan<char> code) { } }
            public static partial class C
            {
                [GroupBy(nameof(Line.Region))]
                [Aggregate({|MAGG104:First|}, Of = nameof(Line.Code))]
                public static partial Dictionary<string, Summary> FirstCodes(Line[] lines);
            }
            """ },
        { "MAGG114 ref struct elements on several workers", """
            public ref struct Cell { public int Value => 0; }
            public static partial class C
            {
                [Aggregate(Count)]
                public static partial int Cells(IEnumerable<Cell> cells, {|MAGG114:System.Threading.Tasks.ParallelOptions options|});
            }
            """ },
        { "MAGG103 both IEnumerable<T> and IAsyncEnumerable<T>", """
            public sealed class Feed : IEnumerable<int>, IAsyncEnumerable<int>
            {
                public IEnumerator<int> GetEnumerator() => null!;
                IEnumerator IEnumerable.GetEnumerator() => null!;
                public IAsyncEnumerator<int> GetAsyncEnumerator(System.Threading.CancellationToken cancellationToken = default) => null!;
            }
            public static partial class C
            {
                [Aggregate(Sum)]
                public static partial int Total({|MAGG103:Feed|} values);
            }
            """ },
        { "MAGG116 not an accumulator", """
            public struct NotOne { public void Add(double value) { } }
            public static partial class C
            {
                [Aggregate({|MAGG116:typeof(NotOne)|})]
                public static partial double Total(double[] values);
            }
            """ },
        { "MAGG116 no parameterless constructor", """
            public sealed class Needs : IAccumulator<double, double>
            {
                public Needs(int seed) { }
                public void Add(double value) { }
                public double Result => 0;
            }
            public static partial class C
            {
                [Aggregate({|MAGG116:typeof(Needs)|})]
                public static partial double Total(double[] values);
            }
            """ },
        { "MAGG116 abstract", """
            public abstract class Base : IAccumulator<double, double>
            {
                public void Add(double value) { }
                public double Result => 0;
            }
            public static partial class C
            {
                [Aggregate({|MAGG116:typeof(Base)|})]
                public static partial double Total(double[] values);
            }
            """ },
        { "MAGG116 wrong value type", """
            public struct Texts : IAccumulator<string, int>
            {
                public void Add(string value) { }
                public int Result => 0;
            }
            public static partial class C
            {
                [Aggregate({|MAGG116:typeof(Texts)|}, Of = nameof(Order.Quantity))]
                public static partial int Total(IEnumerable<Order> orders);
            }
            """ },
        { "MAGG116 open generic", """
            public struct Any<T> : IAccumulator<T, int>
            {
                public void Add(T value) { }
                public int Result => 0;
            }
            public static partial class C
            {
                [Aggregate({|MAGG116:typeof(Any<>)|})]
                public static partial int Total(int[] values);
            }
            """ },
        { "MAGG106 accumulator result", """
            public struct Sum : IAccumulator<int, long>
            {
                public void Add(int value) { }
                public long Result => 0;
            }
            public static partial class C
            {
                [Aggregate(typeof(Sum))]
                public static partial {|MAGG106:int|} Total(int[] values);
            }
            """ },
        { "MAGG117 GroupBy without a dictionary", """
            public static partial class C
            {
                [GroupBy(nameof(Order.Region))]
                [Aggregate(Sum, Of = nameof(Order.Total))]
                public static partial {|MAGG117:List<decimal>|} ByRegion(IEnumerable<Order> orders);
            }
            """ },
        { "MAGG117 GroupBy returning a dictionary's task wrongly", """
            public static partial class C
            {
                [GroupBy(nameof(Order.Region))]
                [Aggregate(Sum, Of = nameof(Order.Total))]
                public static partial Task<{|MAGG117:decimal|}> ByRegion(IAsyncEnumerable<Order> orders);
            }
            """ },
        { "MAGG118 GroupBy key type", """
            public static partial class C
            {
                [GroupBy({|MAGG118:nameof(Order.Region)|})]
                [Aggregate(Sum, Of = nameof(Order.Total))]
                public static partial Dictionary<int, decimal> ByRegion(IEnumerable<Order> orders);
            }
            """ },
        { "MAGG119 GroupBy without Aggregate", """
            public static partial class C
            {
                [GroupBy(nameof(Order.Region))]
                public static partial Dictionary<string, decimal> {|MAGG119:ByRegion|}(IEnumerable<Order> orders);
            }
            """ },
        { "MAGG107 unknown GroupBy key", """
            public static partial class C
            {
                [GroupBy({|MAGG107:"Country"|})]
                [Aggregate(Count)]
                public static partial Dictionary<string, int> ByCountry(IEnumerable<Order> orders);
            }
            """ },
        { "MAGG105 GroupBy result per key", """
            public static partial class C
            {
                [GroupBy(nameof(Order.Region))]
                [Aggregate(Sum, Max, Of = nameof(Order.Total))]
                public static partial IReadOnlyDictionary<string, {|MAGG105:decimal|}> ByRegion(IEnumerable<Order> orders);
            }
            """ },
        { "MAGG106 GroupBy result type", """
            public static partial class C
            {
                [GroupBy(nameof(Order.Region))]
                [Aggregate(Sum, Of = nameof(Order.Total))]
                public static partial Dictionary<string, {|MAGG106:int|}> ByRegion(IEnumerable<Order> orders);
            }
            """ },
        { "MAGG114 GroupBy comparer of another type", """
            public static partial class C
            {
                [GroupBy(nameof(Order.Region))]
                [Aggregate(Count)]
                public static partial Dictionary<string, int> ByRegion(IEnumerable<Order> orders, {|MAGG114:IEqualityComparer<int> comparer|});
            }
            """ },
        { "MAGG114 GroupBy non-generic comparer, which LINQ's GroupBy does not take", """
            public static partial class C
            {
                [GroupBy(nameof(Order.Region))]
                [Aggregate(Count)]
                public static partial Dictionary<string, int> ByRegion(IEnumerable<Order> orders, {|MAGG114:System.Collections.IEqualityComparer comparer|});
            }
            """ },
        { "MAGG114 a comparer no aggregate uses: CountDistinct compares by default", """
            public static partial class C
            {
                [Aggregate(CountDistinct, Of = nameof(Order.Region))]
                public static partial int Regions(IEnumerable<Order> orders, {|MAGG114:IEqualityComparer<string> comparer|});
            }
            """ },
        { "MAGG114 comparers no aggregate uses: Min and Max compare by default, a StringComparer and a comparer type parameter", """
            public static partial class C
            {
                [Aggregate(Min, Max, Of = nameof(Order.Region))]
                public static partial (string, string) Range<TComparer>(IEnumerable<Order> orders, {|MAGG114:IComparer<string> comparer|}, {|MAGG114:StringComparer ordinal|}, {|MAGG114:TComparer other|}, int unused, {|MAGG114:ByLength? byLength|})
                    where TComparer : System.Collections.IComparer;
            }

            public struct ByLength : IComparer<string>
            {
                public int Compare(string? x, string? y) => (x?.Length ?? 0).CompareTo(y?.Length ?? 0);
            }
            """ },
        { "MAGG114 GroupBy: a comparer of another kind beside the key comparer", """
            public static partial class C
            {
                [GroupBy(nameof(Order.Region))]
                [Aggregate(Max, Of = nameof(Order.Region))]
                public static partial Dictionary<string, string> ByRegion(IEnumerable<Order> orders, IEqualityComparer<string> keys, {|MAGG114:IComparer<string> values|});
            }
            """ },
        { "MAGG114 GroupBy two comparers", """
            public static partial class C
            {
                [GroupBy(nameof(Order.Region))]
                [Aggregate(Count)]
                public static partial Dictionary<string, int> ByRegion(IEnumerable<Order> orders, IEqualityComparer<string> first, {|MAGG114:StringComparer second|});
            }
            """ },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ReportsTheDiagnosticAtTheSpanAtFault(string name, string markup)
    {
        var (source, expected) = Markup.Parse(Header + markup);
        var result = TestCompiler.Run(source);

        var actual = result.GeneratorDiagnostics
            .Concat(result.CompilationDiagnostics.Where(d => expected.Any(e => e.Id == d.Id)))
            .Where(static d => d.Location.GetLineSpan().Path == "Test0.cs")
            .Select(static d => (d.Id, d.Location.SourceSpan))
            .Distinct()
            .OrderBy(static d => d.SourceSpan.Start)
            .ToList();

        Assert.True(expected.OrderBy(static e => e.Span.Start).SequenceEqual(actual),
            $"{name}\nexpected: {string.Join(", ", expected.Select(e => $"{e.Id}@{source.Substring(e.Span.Start, e.Span.Length)}"))}" +
            $"\nactual:   {string.Join(", ", actual.Select(a => $"{a.Id}@{source.Substring(a.SourceSpan.Start, a.SourceSpan.Length)}"))}" +
            $"\nall generator diagnostics: {string.Join("; ", result.GeneratorDiagnostics)}");

        // Where the compiler accepts the declaration, MultiAgg writes a body that throws with its errors, so no
        // CS8795 ("partial method must have an implementation") stands beside them, and the body compiles.
        Assert.All(result.Sources, static s => Assert.Contains(
            "=> throw new global::System.InvalidOperationException(\"MultiAgg could not implement", s.SourceText.ToString(), StringComparison.Ordinal));
        Assert.True(!result.CompilationDiagnostics.Any(static d => d.Id == "CS8795") || NotImplementable.Any(name.StartsWith),
            $"{name}: CS8795 beside the MAGG error\n{string.Join("\n", result.CompilationDiagnostics)}");

        // The same for an accumulator type whose interface MultiAgg could read: its members throw, so no CS0535
        // ("does not implement interface member") stands beside the MAGG error.
        Assert.True(!result.CompilationDiagnostics.Any(static d => d.Id == "CS0535") || NotImplementableTypes.Any(name.StartsWith),
            $"{name}: CS0535 beside the MAGG error\n{string.Join("\n", result.CompilationDiagnostics)}");
        Assert.DoesNotContain(result.CompilationDiagnostics, static d => d.Severity == DiagnosticSeverity.Error && d.Location.SourceTree?.FilePath != "Test0.cs");
    }

    /// <summary>C# lets obsolete code read a member that is [Obsolete] as an error, and the generated part is obsolete code too.</summary>
    [Fact]
    public void ObsoleteCodeMayReadAMemberObsoleteAsAnError()
    {
        const string Source = """
            using System.Collections.Generic;
            using MultiAgg;
            using static MultiAgg.Agg;

            public sealed record Sale(decimal Total)
            {
                [System.Obsolete("use Total", true)]
                public decimal Amount => Total;
            }

            public static partial class Reports
            {
                [System.Obsolete("use Totals")]
                [Aggregate(Sum, Of = "Amount")]
                public static partial decimal Legacy(IEnumerable<Sale> sales);
            }

            [System.Obsolete("use Reports")]
            public static partial class Old
            {
                [Aggregate(Sum, Of = "Amount")]
                public static partial decimal Total(IEnumerable<Sale> sales);

                [Aggregate(Sum, Of = nameof(Doubled))]
                public static partial decimal Queried(System.Linq.IQueryable<Sale> sales);

                private static decimal Doubled(Sale sale) => sale.Amount * 2;
            }
            """;
        TestCompiler.Run(Source).AssertClean();
    }

    /// <summary>
    /// A base class that is itself an <c>[Aggregate]</c> type has an <c>Add</c> and a <c>Result</c> MultiAgg writes, which
    /// the compilation the generator reads does not show: MAGG135 at the base, not a derived <c>Add</c> hiding it (CS0108).
    /// </summary>
    [Fact]
    public void ABaseThatIsAnAggregateTypeIsReportedAtTheBase()
    {
        var (source, expected) = Markup.Parse(Header + """
            [Aggregate(Sum)]
            public partial class Totals : IAccumulator<int, long> { }

            [Aggregate(Max)]
            public partial class MoreTotals : {|MAGG135:Totals|}, IAccumulator<int, long> { }
            """);
        var result = TestCompiler.Run(source);

        Assert.Equal(
            new[] { ("MAGG135", expected[0].Span, "Add"), ("MAGG135", expected[0].Span, "Result") },
            result.GeneratorDiagnostics.Select(static d => (d.Id, d.Location.SourceSpan, d.GetMessage().Split('\'')[3])));
        Assert.DoesNotContain(result.CompilationDiagnostics, static d => d.Severity == DiagnosticSeverity.Error || d.Id == "CS0108");
    }

    /// <summary>
    /// Nullable&lt;T&gt; keys take no comparer: a comparer of the nullable keys and one of their values get the same advice
    /// (the first was told to become the second's type, which was then refused).
    /// </summary>
    [Fact]
    public void EveryComparerOfNullableKeysGetsTheSameAdvice()
    {
        var (source, expected) = Markup.Parse(Header + """
            public sealed record Line(int? Shelf, int Units);

            public static partial class C
            {
                [GroupBy(nameof(Line.Shelf))]
                [Aggregate(Sum, Of = nameof(Line.Units))]
                public static partial Dictionary<int?, int> ByShelf(IEnumerable<Line> lines, {|MAGG114:IEqualityComparer<int> shelves|});

                [GroupBy(nameof(Line.Shelf))]
                [Aggregate(Sum, Of = nameof(Line.Units))]
                public static partial Dictionary<int?, int> ByNullableShelf(IEnumerable<Line> lines, {|MAGG114:IEqualityComparer<int?> shelves|});
            }
            """);
        var result = TestCompiler.Run(source);

        Assert.Equal(
            expected.Select(static e => ("MAGG114", e.Span)),
            result.GeneratorDiagnostics.Select(static d => (d.Id, d.Location.SourceSpan)));
        Assert.All(result.GeneratorDiagnostics, static d => Assert.EndsWith("group by a key of type 'int' to use a comparer", d.GetMessage(), StringComparison.Ordinal));
    }

    /// <summary>C# 14's extension properties cannot be in an expression tree either (CS9296 in the generated file, before).</summary>
    [Fact]
    public void AnExtensionPropertyInAnInlinedMethodIsReported()
    {
        var (source, expected) = Markup.Parse(Header + """
            public static class OrderExtensions
            {
                extension(Order order)
                {
                    public decimal Gross => order.Total * 1.2m;
                }
            }

            public static partial class C
            {
                [Aggregate(Sum, Of = {|MAGG142:nameof(Gross)|})]
                public static partial decimal Revenue(System.Linq.IQueryable<Order> orders);

                private static decimal Gross(Order order) => order.Gross;
            }
            """);
        var result = TestCompiler.Run(source, LanguageVersion.Preview);

        var diagnostic = Assert.Single(result.GeneratorDiagnostics);
        Assert.Equal(("MAGG142", expected[0].Span), (diagnostic.Id, diagnostic.Location.SourceSpan));
        Assert.Contains("an extension property", diagnostic.GetMessage(), StringComparison.Ordinal);
        Assert.DoesNotContain(result.CompilationDiagnostics, static d => d.Severity == DiagnosticSeverity.Error);
    }

    /// <summary>
    /// A method of a C# 14 extension block, called in an inlined method: the generated file, without the user's usings,
    /// could not call it as written (CS1061 there, before).
    /// </summary>
    [Fact]
    public void AnExtensionBlockMethodInAnInlinedMethodIsReported()
    {
        var (source, expected) = Markup.Parse(Header + """
            namespace Shop.Pricing
            {
                public static class OrderPricing
                {
                    extension(Order order)
                    {
                        public decimal Discounted() => order.Total * 0.8m;
                    }
                }
            }

            namespace Shop.Reports
            {
                using Shop.Pricing;

                public static partial class C
                {
                    [Aggregate(Sum, Of = {|MAGG141:nameof(Reduced)|})]
                    public static partial decimal Revenue(System.Linq.IQueryable<Order> orders);

                    private static decimal Reduced(Order order) => order.Discounted();
                }
            }
            """);
        var result = TestCompiler.Run(source, LanguageVersion.Preview);

        var diagnostic = Assert.Single(result.GeneratorDiagnostics);
        Assert.Equal(("MAGG141", expected[0].Span), (diagnostic.Id, diagnostic.Location.SourceSpan));
        Assert.Contains("extension block", diagnostic.GetMessage(), StringComparison.Ordinal);
        Assert.DoesNotContain(result.CompilationDiagnostics, static d => d.Severity == DiagnosticSeverity.Error);
    }

    /// <summary>
    /// The inliner drops comments, so a comment holding MultiAgg's placeholder text '{0}' is no reason to refuse a body
    /// (it was refused with MAGG142); the text in an interpolated string still is.
    /// </summary>
    [Fact]
    public void OnlyThePlaceholderTextInWhatIsInlinedIsRefused()
    {
        var (source, expected) = Markup.Parse(Header + """
            public static partial class C
            {
                [Aggregate(Sum, Of = nameof(Doubled))]
                public static partial decimal Revenue(System.Linq.IQueryable<Order> orders);

                [Aggregate(CountDistinct, Of = {|MAGG142:nameof(Label)|})]
                public static partial int Labels(System.Linq.IQueryable<Order> orders);

                private static decimal Doubled(Order order) => order.Total /* {0} is the order */ * 2; // not {0}

                private static string Label(Order order) => $"{0}{order.Region}";
            }
            """);
        var result = TestCompiler.Run(source);

        var diagnostic = Assert.Single(result.GeneratorDiagnostics);
        Assert.Equal(("MAGG142", expected[0].Span), (diagnostic.Id, diagnostic.Location.SourceSpan));
        var revenue = Assert.Single(result.Sources, static s => s.SourceText.ToString().Contains("Revenue(", StringComparison.Ordinal));
        Assert.Contains("* 2", revenue.SourceText.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("{0}", revenue.SourceText.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(result.CompilationDiagnostics, static d => d.Severity == DiagnosticSeverity.Error);
    }

    [Fact]
    public void AMissingUsingStaticIsReportedWithWhatToWrite()
    {
        var (source, expected) = Markup.Parse("""
            using MultiAgg;

            public static partial class C
            {
                [Aggregate({|MAGG121:Max|}, Agg.Min)]
                public static partial (int, int) Range(int[] values);
            }
            """);
        var result = TestCompiler.Run(source);

        var diagnostic = Assert.Single(result.GeneratorDiagnostics);
        Assert.Equal(expected[0].Span, diagnostic.Location.SourceSpan);
        Assert.Contains("write 'Agg.Max'", diagnostic.GetMessage(), StringComparison.Ordinal);
        Assert.Contains("using static MultiAgg.Agg", diagnostic.GetMessage(), StringComparison.Ordinal);
        Assert.Equal(new[] { "CS0103" }, result.CompilationDiagnostics.Where(static d => d.Severity == DiagnosticSeverity.Error).Select(static d => d.Id));
    }

    /// <summary>An accumulator type's part in another file, without the import: the name is bound in that file's model.</summary>
    [Fact]
    public void AMissingUsingStaticInAnotherPartsFileIsReportedThere()
    {
        const string First = """
            using MultiAgg;
            using static MultiAgg.Agg;
            public sealed record Order(decimal Total);
            [Aggregate(Sum, Of = nameof(Order.Total))]
            public partial struct Stats : IAccumulator<Order, (decimal, int)> { }
            """;
        var (second, expected) = Markup.Parse("""
            using MultiAgg;
            [Aggregate({|MAGG121:Count|})]
            partial struct Stats { }
            """);
        var compilation = CSharpCompilation.Create(
            "Parts",
            [CSharpSyntaxTree.ParseText(First, path: "First.cs"), CSharpSyntaxTree.ParseText(second, path: "Second.cs")],
            TestCompiler.MetadataReferences,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        var result = TestCompiler.Run(compilation);

        var diagnostic = Assert.Single(result.GeneratorDiagnostics);
        Assert.Equal(("MAGG121", "Second.cs", expected[0].Span), (diagnostic.Id, diagnostic.Location.SourceTree?.FilePath, diagnostic.Location.SourceSpan));
        Assert.Contains("write 'Agg.Count'", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    private const string TwoMisuses = """
        public static partial class C
        {
        #pragma warning disable MAGG104
            [Aggregate(Sum)]
            public static partial int Suppressed(string[] values);
        #pragma warning restore MAGG104

            [Aggregate(Sum)]
            public static partial int Reported(string[] values);
        }
        """;

    [Fact]
    public void PragmaWarningDisableAppliesToGeneratorDiagnostics()
    {
        var result = TestCompiler.Run(Header + TwoMisuses);
        Assert.Equal(2, result.GeneratorDiagnostics.Count(static d => d.Id == "MAGG104"));
        Assert.All(result.GeneratorDiagnostics, static d => Assert.Equal(LocationKind.SourceFile, d.Location.Kind));

        // What the compiler does with them: the one under #pragma is suppressed, the other stays an error.
        var effective = CompilationWithAnalyzers.GetEffectiveDiagnostics(result.GeneratorDiagnostics, result.Output);
        var reported = Assert.Single(effective, static d => !d.IsSuppressed);
        Assert.Equal(DiagnosticSeverity.Error, reported.Severity);
        var source = Header + TwoMisuses;
        var (disable, restore) = (source.IndexOf("#pragma warning disable", StringComparison.Ordinal), source.IndexOf("#pragma warning restore", StringComparison.Ordinal));
        Assert.True(reported.Location.SourceSpan.Start > restore, "the MAGG104 after the #pragma restore is the one reported");
        var suppressed = Assert.Single(effective, static d => d.IsSuppressed);
        Assert.InRange(suppressed.Location.SourceSpan.Start, disable, restore);
    }

    [Fact]
    public void EditorconfigSeverityAppliesToGeneratorDiagnosticsAndALoweredErrorThrowsAtRunTime()
    {
        // What `dotnet_diagnostic.MAGG104.severity = warning` in .editorconfig gives the compiler: per-tree options.
        var compilation = TestCompiler.Compile(Header + TwoMisuses);
        compilation = compilation.WithOptions(compilation.Options.WithSyntaxTreeOptionsProvider(new TreeSeverity("MAGG104", ReportDiagnostic.Warn)));
        var result = TestCompiler.Run(compilation);

        var effective = CompilationWithAnalyzers.GetEffectiveDiagnostics(result.GeneratorDiagnostics, result.Output).Where(static d => !d.IsSuppressed).ToList();
        Assert.Equal(DiagnosticSeverity.Warning, Assert.Single(effective).Severity);

        // Lowered to a warning, the build succeeds; the method throws with the diagnostic's message when called.
        Assert.DoesNotContain(result.CompilationDiagnostics, static d => d.Severity == DiagnosticSeverity.Error);
        var method = TestCompiler.Load(result.Output).GetType("C")!.GetMethod("Reported")!;
        var error = Assert.IsType<InvalidOperationException>(Assert.Throws<System.Reflection.TargetInvocationException>(() => method.Invoke(null, new object[] { new[] { "a" } })).InnerException);
        Assert.StartsWith("MultiAgg could not implement 'Reported': MAGG104: Sum cannot be computed over values of type 'string'", error.Message, StringComparison.Ordinal);
    }

    /// <summary>The per-tree severities an .editorconfig file gives the compiler.</summary>
    private sealed class TreeSeverity(string id, ReportDiagnostic severity) : SyntaxTreeOptionsProvider
    {
        public override GeneratedKind IsGenerated(SyntaxTree tree, CancellationToken cancellationToken) => GeneratedKind.Unknown;

        public override bool TryGetDiagnosticValue(SyntaxTree tree, string diagnosticId, CancellationToken cancellationToken, out ReportDiagnostic value)
        {
            value = severity;
            return diagnosticId == id;
        }

        public override bool TryGetGlobalDiagnosticValue(string diagnosticId, CancellationToken cancellationToken, out ReportDiagnostic value)
        {
            value = default;
            return false;
        }
    }

    /// <summary>Declarations the compiler itself rejects, or that MultiAgg cannot write the other half of.</summary>
    private static readonly string[] NotImplementable = { "MAGG100", "MAGG101", "MAGG115", "MAGG114 __arglist" };

    /// <summary>Accumulator types MultiAgg cannot extend, or whose interface it cannot tell.</summary>
    // A member or the type named like one MultiAgg writes leaves that interface member unimplemented (CS0535 beside the error).
    private static readonly string[] NotImplementableTypes = { "MAGG101", "MAGG115", "MAGG130", "MAGG131", "MAGG132", "MAGG133", "MAGG135 accumulator type's", "MAGG136" };

    /// <summary>
    /// Before C# 11 a struct's own constructor (or a record struct's parameter list) must assign every field, MultiAgg's
    /// too: MAGG138 at it, and the type's members throw instead of CS0171 in the generated part. C# 11 takes the same
    /// declarations cleanly.
    /// </summary>
    [Theory]
    [InlineData("""
        [Aggregate(Sum)]
        public partial struct Scaled : IAccumulator<int, int>
        {
            private readonly string _label;

            public {|MAGG138:Scaled|}(string label) => _label = label;

            public string Label => _label;
        }
        """)]
    [InlineData("""
        [Aggregate(Sum, Max)]
        public partial record struct Named{|MAGG138:(string Label)|} : IAccumulator<int, (int Sum, int Max)>;
        """)]
    [InlineData("""
        [Aggregate(Count)]
        public partial struct Maybe : IAccumulator<int, int>
        {
            private readonly int _seed;

            public {|MAGG138:Maybe|}(int seed)
            {
                if (seed > 0) this = default;
                else _seed = seed;
            }

            public int Seed => _seed;
        }
        """)]
    public void AStructsConstructorBeforeCSharp11IsReportedAtIt(string declaration)
    {
        var (source, expected) = Markup.Parse("using MultiAgg;\nusing static MultiAgg.Agg;\n\n" + declaration);
        var result = TestCompiler.Run(source, LanguageVersion.CSharp10);
        var diagnostic = Assert.Single(result.GeneratorDiagnostics);
        Assert.Equal("MAGG138", diagnostic.Id);
        Assert.Equal(expected[0].Span, diagnostic.Location.SourceSpan);
        Assert.Empty(result.CompilationDiagnostics.Where(static d => d.Severity == DiagnosticSeverity.Error && d.Location.SourceTree?.FilePath != "Test0.cs"));
        Assert.DoesNotContain(result.CompilationDiagnostics, static d => d.Id is "CS0171" or "CS0535");

        TestCompiler.Run(source, LanguageVersion.CSharp11).AssertClean();
    }

    /// <summary>
    /// A C# 10 struct constructor that calls <c>this()</c> or assigns <c>this</c> has every field assigned, MultiAgg's too:
    /// no MAGG138.
    /// </summary>
    [Fact]
    public void AStructsConstructorThatZeroesEveryFieldIsFineBeforeCSharp11()
    {
        const string Source = """
            using MultiAgg;
            using static MultiAgg.Agg;

            [Aggregate(Sum)]
            public partial struct Scaled : IAccumulator<int, int>
            {
                private readonly string _label;

                public Scaled(string label) : this() => _label = label;

                public Scaled(int label)
                {
                    this = default;
                    _label = label.ToString();
                }

                public Scaled(bool fresh)
                {
                    if (fresh) this = new Scaled("fresh");
                    else this = new Scaled("again");
                }

                public Scaled(long label)
                {
                    var text = label.ToString();
                    {
                        this = new Scaled(text);
                    }
                }

                public string Label => _label;
            }
            """;
        TestCompiler.Run(Source, LanguageVersion.CSharp10).AssertClean();
    }

    /// <summary>
    /// A struct that holds a class accumulator holding a struct that holds the first struct again: the class is a
    /// reference, so no layout cycle and nothing made twice; no MAGG116.
    /// </summary>
    [Fact]
    public void AClassBetweenTwoStructsIsNoCycle()
    {
        const string Source = """
            using MultiAgg;
            using static MultiAgg.Agg;

            public struct Inner : IAccumulator<int, int>
            {
                private Outer _outer;
                public void Add(int value) => _outer = default;
                public int Result => _outer.GetHashCode() * 0;
            }

            [Aggregate(typeof(Inner))]
            public partial class Middle : IAccumulator<int, int> { }

            [Aggregate(typeof(Middle))]
            public partial struct Outer : IAccumulator<int, int> { }
            """;
        TestCompiler.Run(Source).AssertClean();
    }

    /// <summary>
    /// A [GroupBy] struct keeps its accumulators in per-key records in an array, so a hand-written struct accumulator with a
    /// field of that struct is no layout cycle, and nothing generated feeds it: no MAGG116.
    /// </summary>
    [Fact]
    public void AGroupedStructsAccumulatorHoldingItIsNoCycle()
    {
        const string Source = """
            using System.Collections.Generic;
            using MultiAgg;

            public sealed record Sale(string Region, int Units);

            public struct Hand : IAccumulator<Sale, int>
            {
                private UnitsByRegion _byRegion;
                public void Add(Sale value) => _byRegion = default;
                public readonly int Result => _byRegion.GetHashCode() * 0;
            }

            [GroupBy(nameof(Sale.Region))]
            [Aggregate(typeof(Hand))]
            public partial struct UnitsByRegion : IAccumulator<Sale, Dictionary<string, int>> { }
            """;
        TestCompiler.Run(Source).AssertClean();
    }

    /// <summary>
    /// A generic struct branching into two new types at every level (CS0523 too): the cycle check stops after a bounded
    /// number of types, not 2^depth of them.
    /// </summary>
    [Fact]
    public void AStructBranchingIntoNewTypesStopsTheCycleCheck()
    {
        const string Source = """
            using MultiAgg;

            public struct Tree<T> : IAccumulator<int, int>
            {
                private Tree<(T, int)> _left;
                private Tree<(T, long)> _right;
                public void Add(int value) { }
                public readonly int Result => 0;
            }

            [Aggregate(typeof(Tree<int>))]
            public partial struct Forest : IAccumulator<int, int> { }
            """;
        var result = TestCompiler.Run(Source);
        Assert.DoesNotContain(result.GeneratorDiagnostics, static d => d.Id == "MAGG199");
    }

    /// <summary>
    /// A struct nesting itself ever deeper (CS0523, the compiler's error) inside what an accumulator type holds: the cycle
    /// check, which follows types as constructed, stops (it overflowed the stack, which no catch survives).
    /// </summary>
    [Fact]
    public void AStructNestingItselfEverDeeperStopsTheCycleCheck()
    {
        const string Source = """
            using MultiAgg;
            using static MultiAgg.Agg;

            public struct Box<T>
            {
                public Box<Box<T>> Next;
            }

            public struct Holder : IAccumulator<int, int>
            {
                public Box<int> Box;
                public void Add(int value) { }
                public int Result => 0;
            }

            [Aggregate(typeof(Holder))]
            public partial struct Node : IAccumulator<int, int> { }
            """;
        var result = TestCompiler.Run(Source);
        Assert.DoesNotContain(result.GeneratorDiagnostics, static d => d.Id is "MAGG199" or "MAGG116");
        Assert.Contains(result.CompilationDiagnostics, static d => d.Id == "CS0523");
    }

    /// <summary>
    /// An accumulator that names, in its own attribute, a null array of aggregates, held by another type: that type's
    /// check for a cycle reads the attribute too, and gets no MAGG199.
    /// </summary>
    [Fact]
    public void ANullArrayOfAggregatesInAHeldTypesAttributeIsNoFailure()
    {
        const string Source = """
            using MultiAgg;
            using static MultiAgg.Agg;

            [Aggregate((Agg[])null!)]
            public partial struct Odd : IAccumulator<int, int> { }

            [Aggregate(typeof(Odd))]
            public partial struct Holder : IAccumulator<int, int> { }
            """;
        var result = TestCompiler.Run(Source);
        Assert.DoesNotContain(result.GeneratorDiagnostics, static d => d.Id == "MAGG199");
    }

    /// <summary>
    /// A virtual method inherited by a sealed type runs as declared there (nothing can override it below): it inlines
    /// into the query without MAGG141.
    /// </summary>
    [Fact]
    public void AVirtualMethodInheritedByASealedTypeInlinesIntoTheQuery()
    {
        const string Source = """
            using System.Linq;
            using MultiAgg;
            using static MultiAgg.Agg;

            public sealed record Order(decimal Total);

            public abstract class Base
            {
                protected virtual decimal Rate(Order order) => order.Total;
            }

            public sealed partial class Report : Base
            {
                [Aggregate(Sum, Of = nameof(Rate))]
                public partial decimal Revenue(IQueryable<Order> orders);
            }
            """;
        var generated = TestCompiler.Run(Source).AssertClean().SingleSource;

        // Inlined: the expression tree reads the row's Total; a call of Rate would be a method the provider cannot translate.
        Assert.Contains("__x.Total", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("Rate(", generated, StringComparison.Ordinal);
    }

    [Fact]
    public void LanguageVersionBelowCSharp9IsReportedOnTheAttribute()
    {
        var (source, expected) = Markup.Parse("""
            using MultiAgg;
            using static MultiAgg.Agg;

            public static partial class C
            {
                [{|MAGG110:Aggregate(Sum)|}]
                public static partial void Total(int[] values);
            }
            """);
        var result = TestCompiler.Run(source, LanguageVersion.CSharp8);
        var diagnostic = Assert.Single(result.GeneratorDiagnostics);
        Assert.Equal("MAGG110", diagnostic.Id);
        Assert.Equal(expected[0].Span, diagnostic.Location.SourceSpan);
    }

    /// <summary>
    /// C# 7.3, the default of netstandard2.0 and .NET Framework projects: one MAGG110 for the project, at the first
    /// [Aggregate] attribute in file order, saying what to set; nothing is generated, so each method keeps only the
    /// compiler's own errors.
    /// </summary>
    [Fact]
    public void LanguageVersionBelowCSharp9IsReportedOncePerProject()
    {
        var (first, expected) = Markup.Parse("""
            using System.Collections.Generic;
            using MultiAgg;
            using static MultiAgg.Agg;

            public static partial class A
            {
                [{|MAGG110:Aggregate(Sum, Count)|}]
                public static partial (long Sum, int Count) Totals(IEnumerable<int> values);

                [Aggregate(Min, Max)]
                public static partial (int Min, int Max) Range(int[] values);
            }
            """);
        const string Second = """
            using System.Collections.Generic;
            using MultiAgg;

            public static partial class B
            {
                [Aggregate(Agg.Average)]
                public static partial double Mean(List<double> values);
            }
            """;
        var compilation = TestCompiler.Compile(new[] { first, Second }, LanguageVersion.CSharp7_3, nullable: NullableContextOptions.Disable);
        var result = TestCompiler.Run(compilation);

        var diagnostic = Assert.Single(result.GeneratorDiagnostics);
        Assert.Equal("MAGG110", diagnostic.Id);
        Assert.Equal("Test0.cs", diagnostic.Location.SourceTree!.FilePath);
        Assert.Equal(expected[0].Span, diagnostic.Location.SourceSpan);
        Assert.Contains("this project uses C# 7.3: set <LangVersion>9</LangVersion>", diagnostic.GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.Empty(result.Sources);

        var errors = result.CompilationDiagnostics.Where(static d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.All(errors, static d => Assert.Contains(d.Id, new[] { "CS8370", "CS8795" }));
        Assert.Equal(3, errors.Count(static d => d.Id == "CS8795"));
    }

    /// <summary>The generator's rules, each with a page whose first example is meant to be pasted into a project as it stands.</summary>
    public static TheoryData<string> GeneratorRules
    {
        get
        {
            var rules = new TheoryData<string>();
            foreach (var id in Descriptors().Select(static d => d.Id).Where(static id => id.StartsWith("MAGG1", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
            {
                // MAGG139's example needs a referenced assembly under an extern alias; MAGG199's is a crash that cannot be shown.
                if (id is not ("MAGG139" or "MAGG199"))
                {
                    rules.Add(id);
                }
            }

            return rules;
        }
    }

    /// <summary>
    /// A rule page's first example, pasted into an empty project, gets the page's diagnostic and no compiler error the
    /// example does not name itself: users copy these, and an example that forgot to declare a type shows a CS0246 and
    /// never reaches the rule. The project is the one the example's section names before it (a <c>TargetFramework</c>
    /// of netstandard2.0, whose C# is 7.3 by default, and a <c>LangVersion</c>), else today's.
    /// </summary>
    [Theory]
    [MemberData(nameof(GeneratorRules))]
    public void EachRulePagesExampleGetsItsDiagnostic(string id)
    {
        var page = TestPaths.RulePage(id);
        var example = page.IndexOf("## Example", StringComparison.Ordinal);
        Assert.True(example >= 0, $"{id}.md has no '## Example' section");
        var section = page[example..];
        var opening = section.IndexOf("```csharp\n", StringComparison.Ordinal);
        Assert.True(opening >= 0, $"{id}.md has no C# example");
        var project = section[..opening];
        var code = section[(opening + "```csharp\n".Length)..section.IndexOf("```", opening + 3, StringComparison.Ordinal)];

        var netStandard = project.Contains("<TargetFramework>netstandard2.0</TargetFramework>", StringComparison.Ordinal);
        var version = netStandard ? LanguageVersion.CSharp7_3 : LanguageVersion.Latest;
        if (System.Text.RegularExpressions.Regex.Match(project, "<LangVersion>([^<]+)</LangVersion>") is { Success: true } given)
        {
            Assert.True(LanguageVersionFacts.TryParse(given.Groups[1].Value, out version), $"{id}.md names LangVersion '{given.Groups[1].Value}'");
        }

        var compilation = CSharpCompilation.Create(
            "RulePage" + id,
            new[] { CSharpSyntaxTree.ParseText(code, new CSharpParseOptions(version), path: "Test0.cs") },
            netStandard
                ? Basic.Reference.Assemblies.NetStandard20.References.All.Append(MetadataReference.CreateFromFile(typeof(Agg).Assembly.Location))
                : TestCompiler.MetadataReferences,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: version >= LanguageVersion.CSharp8 ? NullableContextOptions.Enable : NullableContextOptions.Disable));
        var result = TestCompiler.Run(compilation);

        Assert.Contains(result.GeneratorDiagnostics, d => d.Id == id);
        Assert.All(result.GeneratorDiagnostics, d => Assert.Equal(id, d.Id));
        var named = System.Text.RegularExpressions.Regex.Matches(code, "CS[0-9]{4}").Select(static m => m.Value).ToHashSet();
        var unexpected = result.CompilationDiagnostics
            .Where(d => d.Severity == DiagnosticSeverity.Error && d.Id.StartsWith("CS", StringComparison.Ordinal) && !named.Contains(d.Id))
            .ToList();
        Assert.True(unexpected.Count == 0, $"{id}.md's example does not compile:\n" + string.Join("\n", unexpected));
    }

    /// <summary>
    /// Each rule's page quotes its message as the compiler shows it, placeholders and all, in a <c>text</c> block (a rule
    /// whose whole message is the one placeholder has nothing to quote): a message changed in the code and not on its
    /// page tells users something the build never says.
    /// </summary>
    [Fact]
    public void EachRulePageQuotesItsMessage()
    {
        var unquoted = Descriptors()
            .Where(static d => d.MessageFormat.ToString(System.Globalization.CultureInfo.InvariantCulture) is var format && format != "{0}"
                && !TestPaths.RulePage(d.Id).Contains("```text\n" + format + "\n```", StringComparison.Ordinal))
            .Select(static d => d.Id)
            .ToList();
        Assert.True(unquoted.Count == 0, "rule pages that do not quote their message: " + string.Join(", ", unquoted));
    }

    private static List<DiagnosticDescriptor> Descriptors() =>
        typeof(AggregateGenerator).Assembly.GetType("MultiAgg.Generators.Diagnostics.DiagnosticDescriptors")!
            .GetFields()
            .Select(static f => f.GetValue(null))
            .OfType<DiagnosticDescriptor>()
            .ToList();

    /// <summary>
    /// What a referenced project declares in source (the IDE gives a project reference as a compilation) is reported in
    /// this compilation's files: at the user's base type for a member MultiAgg would write, and as a method whose source
    /// is not here for a query. A diagnostic in the other project's file would make the compiler drop the whole output.
    /// </summary>
    [Fact]
    public void WhatAReferencedProjectDeclaresInSourceIsReportedHere()
    {
        var library = TestCompiler.Compile("""
            namespace Lib
            {
                public abstract class Tally { public void Add(int value) { } }
                public sealed class Order { public decimal Total { get; set; } }
                public class Pricing { public static decimal Net(Order order) => order.Total * 2; }
            }
            """);
        const string source = """
            using System.Linq;
            using MultiAgg;
            using static MultiAgg.Agg;

            [Aggregate(Sum)]
            public partial class Stats : Lib.Tally, IAccumulator<int, int> { }

            public partial class Reports : Lib.Pricing
            {
                [Aggregate(Sum, Of = nameof(Net))]
                public static partial decimal Total(IQueryable<Lib.Order> orders);
            }
            """;

        var result = TestCompiler.Run(TestCompiler.Compile(source).AddReferences(library.ToMetadataReference()));

        Assert.DoesNotContain(result.GeneratorDiagnostics, static d => d.Id is "CS8785" or "MAGG199");
        var tree = result.Output.SyntaxTrees.First();
        var found = result.GeneratorDiagnostics.Where(static d => d.Id.StartsWith("MAGG", StringComparison.Ordinal))
            .Select(d => (d.Id, d.Location.SourceTree == tree ? tree.GetText().ToString(d.Location.SourceSpan) : "elsewhere")).ToList();
        Assert.Contains(("MAGG135", "Lib.Tally"), found);
        Assert.Contains(("MAGG141", "nameof(Net)"), found);
        Assert.Contains("its source is not part of this compilation", Assert.Single(result.GeneratorDiagnostics, static d => d.Id == "MAGG141").GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void EveryDescriptorHasADocumentationPageAndAReleaseEntry()
    {
        var root = TestPaths.RepositoryRoot;
        var unshipped = File.ReadAllText(Path.Combine(root, "src/MultiAgg.Generators/AnalyzerReleases.Unshipped.md"));
        var index = File.ReadAllText(Path.Combine(root, "docs/rules/README.md"));
        var readme = File.ReadAllText(Path.Combine(root, "README.md"));
        var descriptors = Descriptors();

        // The help links are built from the package's RepositoryUrl, set once in Directory.Build.props.
        var repositoryUrl = System.Text.RegularExpressions.Regex.Match(
            File.ReadAllText(Path.Combine(root, "Directory.Build.props")), "<RepositoryUrl>([^<]+)</RepositoryUrl>").Groups[1].Value;
        Assert.StartsWith("https://", repositoryUrl, StringComparison.Ordinal);

        Assert.True(descriptors.Count >= 17);
        foreach (var descriptor in descriptors)
        {
            Assert.True(File.Exists(Path.Combine(root, "docs/rules", descriptor.Id + ".md")), $"docs/rules/{descriptor.Id}.md is missing");
            Assert.Equal($"{repositoryUrl.TrimEnd('/')}/blob/main/docs/rules/{descriptor.Id}.md", descriptor.HelpLinkUri);
            Assert.Contains(descriptor.Id + " |", unshipped, StringComparison.Ordinal);
            Assert.True(index.Contains($"| [{descriptor.Id}]({descriptor.Id}.md) |", StringComparison.Ordinal), $"docs/rules/README.md does not list {descriptor.Id}");
            Assert.True(readme.Contains($"| [{descriptor.Id}](docs/rules/{descriptor.Id}.md) |", StringComparison.Ordinal), $"README.md does not list {descriptor.Id}");
        }
    }
}
