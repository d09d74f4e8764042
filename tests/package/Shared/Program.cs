// The console consumers (net10.0, net8.0): MultiAgg's results are checked against LINQ over buffered copies, and
// the streams count their enumerations, which must be one per [Aggregate] call.
using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using PackageConsumer;

var passes = 0;

var (sum, max, count) = Stats.Of(Numbers(1_000));
var summary = Stats.Summarize(Orders(300));
double[] readings = [21.5, 22.25, 19.75, 23.5, 20.0];
var described = Stats.Describe(readings);
var none = Stats.Describe([]);
var (packets, bytes) = await Packets.MeasureAsync(Sizes(100), CancellationToken.None);
var (fetched, largest) = await Packets.FetchAllAsync(Numbers(500), new ParallelOptions { MaxDegreeOfParallelism = 8 });
var fusedPasses = passes;

Console.WriteLine($"ints: sum {sum}, max {max}, count {count}");
Console.WriteLine(FormattableString.Invariant($"orders: revenue {summary.Revenue}, paid {summary.Paid}, average quantity {summary.AverageQuantity:F4}"));
Console.WriteLine(FormattableString.Invariant($"readings: {described.Low} to {described.High}, mean {described.Mean}; none: {none.Low?.ToString() ?? "null"}"));
Console.WriteLine($"packets: {packets}, {bytes} bytes");
Console.WriteLine($"fetched 8 at a time: {fetched} bytes, largest {largest}");
Console.WriteLine($"enumerations of the 4 streams: {fusedPasses}");

var numbers = Numbers(1_000).ToList();
var orders = Orders(300).ToList();
Check((numbers.Sum(static n => (long)n), numbers.Max(), numbers.Count) == (sum, max, count), "Of");
Check(summary == (orders.Sum(static o => o.Total), orders.Count(static o => o.IsPaid), orders.Average(static o => o.Quantity)), "Summarize");
Check(described == (readings.Min(), readings.Max(), readings.Average()) && none == (null, null, null), "Describe");
Check((packets, bytes) == (100, Enumerable.Range(0, 100).Sum(static i => 64L + i * 3)), "MeasureAsync");
Check((fetched, largest) == (Numbers(500).Sum(static n => (long)n + 1), Numbers(500).Max() + 1), "FetchAllAsync");
Check(fusedPasses == 4, "one enumeration per stream");
Console.WriteLine("LINQ agrees");

IEnumerable<int> Numbers(int n)
{
    passes++;
    for (var i = 0; i < n; i++)
    {
        yield return (i * 37) % 1_001;
    }
}

IEnumerable<Order> Orders(int n)
{
    passes++;
    for (var i = 1; i <= n; i++)
    {
        yield return new Order(i * 1.25m, i % 7, i % 3 != 0);
    }
}

async IAsyncEnumerable<int> Sizes(int n)
{
    passes++;
    for (var i = 0; i < n; i++)
    {
        await Task.Yield();
        yield return 64 + i * 3;
    }
}

static void Check(bool ok, string what)
{
    if (!ok)
    {
        throw new InvalidOperationException($"{what}: MultiAgg and LINQ disagree");
    }
}

public static partial class Packets
{
    [MultiAgg.Aggregate(MultiAgg.Agg.LongCount, MultiAgg.Agg.Sum)]
    public static partial Task<(long Count, long Bytes)> MeasureAsync(IAsyncEnumerable<int> sizes, CancellationToken cancellationToken);

    // An async selector with ParallelOptions: at most 8 in flight, through the package's runtime window.
    [MultiAgg.Aggregate(MultiAgg.Agg.Sum, MultiAgg.Agg.Max, Of = nameof(FetchAsync))]
    public static partial Task<(long Bytes, int Largest)> FetchAllAsync(IEnumerable<int> pages, ParallelOptions options);

    private static async ValueTask<int> FetchAsync(int page, CancellationToken cancellationToken)
    {
        await Task.Delay(1, cancellationToken);
        return page + 1;
    }
}
