using System.Diagnostics;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Threading.Channels;
using MultiAgg.Samples;
using MultiAgg.Samples.Shared;

Console.WriteLine("MultiAgg: many aggregates, one pass.");
Console.WriteLine();

// 1. A one-shot stream: a second enumeration would see nothing (or re-run the query).
var summary = Aggregations.Summarize(OrderStream(10_000));
Console.WriteLine("1. Orders from a one-shot stream");
Console.WriteLine($"   revenue {summary.Revenue:N2}, largest {summary.Largest:N2}, {summary.Orders} orders, {summary.Paid} paid,");
Console.WriteLine($"   {summary.AverageQuantity:N2} items on average, best discount {summary.BestDiscount:N2}");
Console.WriteLine();

// 2. A sensor array, including the empty case that LINQ's Min/Max would throw on.
double[] celsius = [21.5, 22.1, 19.8, 23.4, 20.0];
var described = Aggregations.Describe(celsius);
var none = Aggregations.Describe([]);
Console.WriteLine("2. Sensor readings (a span)");
Console.WriteLine($"   {described.Readings} readings from {described.Low} to {described.High} °C, mean {described.Mean:N2} °C");
Console.WriteLine($"   no readings: low = {none.Low?.ToString() ?? "null"}, mean = {none.Mean?.ToString() ?? "null"}");
Console.WriteLine();

// 3. An async stream.
using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
var packets = await Aggregations.MeasureAsync(Packets(1_000), cts.Token);
Console.WriteLine("3. Packets from an IAsyncEnumerable");
Console.WriteLine($"   {packets.Count} packets, {packets.TotalBytes:N0} bytes, largest {packets.Largest} bytes");
Console.WriteLine();

// 4. Per key: [GroupBy] makes every aggregate a per-region one, still in one pass.
Console.WriteLine("4. Per region, from a one-shot stream");
foreach (var (region, r) in Aggregations.ByRegion(OrderStream(10_000)))
{
    Console.WriteLine($"   {region,-4} revenue {r.Revenue,12:N2}, {r.Paid} paid, largest #{r.Largest.Id} ({r.Largest.Total:N2}), median ~{r.MedianTotal:N0}");
}

Console.WriteLine();

// 5. Push: the same aggregates as a state (OrderStats) that orders arrive into one at a time, from
// wherever they come. Each result must equal Summarize's over the same orders (section 1).
Console.WriteLine("5. The same orders pushed into an OrderStats, one at a time");

// (a) An IObservable<Order> (System.Reactive), pushing from a thread-pool thread. Write the lambda:
// Subscribe(stats.Add) would turn the struct's method into a delegate on a boxed copy of stats,
// and every order would be added to that copy while stats stayed empty.
var observed = new OrderStats();
var completed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);   // the rest of this program not on Rx's thread
using (OrderStream(10_000).ToObservable(TaskPoolScheduler.Default)
    .Subscribe(o => observed.Add(o), completed.SetException, completed.SetResult))
{
    await completed.Task;   // Rx calls OnNext one at a time, so Add needs no lock
}

Pushed("from an IObservable<Order> (Rx)", observed.Result, summary);

// (b) A Channel<Order>: a producer task writes, this method reads with await foreach.
var channel = Channel.CreateBounded<Order>(new BoundedChannelOptions(256) { SingleReader = true, SingleWriter = true });
var producer = Task.Run(async () =>
{
    try
    {
        foreach (var order in OrderStream(10_000))
        {
            await channel.Writer.WriteAsync(order);
        }
    }
    finally
    {
        channel.Writer.Complete();
    }
});
var read = new OrderStats();
await foreach (var order in channel.Reader.ReadAllAsync())
{
    read.Add(order);
}

await producer;
Pushed("from a Channel<Order>", read.Result, summary);

// (c) Shards: four states built in parallel, each over its own part of the orders, then merged in
// order. Merge folds another state in as if its orders had come after this one's.
Order[] orders = [.. OrderStream(10_000)];
var shards = new OrderStats[4];
Parallel.For(0, shards.Length, s =>
{
    var shard = new OrderStats();
    foreach (var order in orders.AsSpan()[(orders.Length * s / shards.Length)..(orders.Length * (s + 1) / shards.Length)])
    {
        shard.Add(order);
    }

    shards[s] = shard;
});
var merged = new OrderStats();
foreach (var shard in shards)
{
    merged.Merge(shard);
}

Pushed($"{shards.Length} shards in parallel, merged", merged.Result, summary);
Console.WriteLine("   (each equal to Summarize's result for the same orders, section 1)");
Console.WriteLine();

// 6. Against the usual LINQ answer on the same one-shot stream: buffer it, then enumerate five times.
const int n = 10_000_000;
Measure(() => Aggregations.Profile(Signal(1_000)), () => Linq(Signal(1_000)), print: false);   // warm up both
Console.WriteLine($"6. Count, Sum, Min, Max and Average of a {n:N0}-sample signal stream");
Measure(() => Aggregations.Profile(Signal(n)), () => Linq(Signal(n)), print: true);

Console.WriteLine();

// 7. A database: the same declarations over an IQueryable run one SQL query each, computed where the rows are
// (SQLite in memory here, no server; PostgreSQL or any EF Core provider alike). The 10,000 orders of section 1
// give the same summary, from one round trip instead of a download.
var commands = new CommandLog();
await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=:memory:"))
{
    await connection.OpenAsync();   // the database lives while this connection is open
    await using (var db = Shop.Open(connection, commands))
    {
        await db.Database.EnsureCreatedAsync();
        db.Orders.AddRange(OrderStream(10_000).Select(static o => o with { Id = 0 }));
        await db.SaveChangesAsync();
    }

    await using (var db = Shop.Open(connection, commands))
    {
        commands.Commands.Clear();
        // Two questions, two queries, on purpose: the count of commands below shows one per call (MAGG002 would
        // rightly say that db.Orders is read twice).
#pragma warning disable MAGG002
        var fromDatabase = await Queries.SummarizeAsync(db.Orders);
        Console.WriteLine("7. The orders of section 1 in a SQLite database, summarized by one query");
        OneCommandPerCall(commands, calls: 1);
        Pushed("1 command", fromDatabase, summary);
        Console.WriteLine("   " + commands.Commands[0].ReplaceLineEndings(" ").Replace("  ", " ", StringComparison.Ordinal)[..110] + "...");
        foreach (var (region, r) in Queries.ByRegion(db.Orders))
        {
            Console.WriteLine($"   {region,-4} revenue {r.Revenue,12:N2}, {r.Paid} paid, {r.AfterDiscounts,12:N2} after discounts");
        }
#pragma warning restore MAGG002

        OneCommandPerCall(commands, calls: 2);
        Console.WriteLine("   (2 commands in all, one per call)");
    }
}

// 8. A crawl: an async selector fetches each page of a web server (a local one, started here on a loopback port;
// each answer comes after 0-20 ms). With ParallelOptions at most 100 requests are in flight and the URLs are read no
// further ahead than that; without (a declaration of its own, over fewer pages), one at a time. Each is checked
// against the server's own totals.
Console.WriteLine();
await using (var server = await LocalServer.StartAsync(TimeSpan.FromMilliseconds(20)))
using (var http = new HttpClient(new HttpClientHandler { UseProxy = false }))   // a proxy from http_proxy would not skip loopback
using (var crawling = new CancellationTokenSource(TimeSpan.FromMinutes(1)))
{
    // The most URLs read ahead of the answers: at most MaxDegreeOfParallelism, however slow the server.
    var readAhead = 0;
    IEnumerable<Uri> Urls(int count)
    {
        for (var page = 0; page < count; page++)
        {
            readAhead = Math.Max(readAhead, page + 1 - Crawling.Answered);
            yield return server.PageUri(page);
        }
    }

    var watch = Stopwatch.StartNew();
    Crawling.Reset();
    var crawl = await Crawling.CrawlAsync(Urls(2_000), http, new ParallelOptions { MaxDegreeOfParallelism = 100 }, crawling.Token);
    var (concurrently, peak, ahead) = (watch.Elapsed, Crawling.PeakInFlight, readAhead);
    watch.Restart();
    readAhead = 0;
    Crawling.Reset();
    var oneByOne = await Crawling.CrawlOneByOneAsync(Urls(200), http, crawling.Token);
    var (sequentially, peakOneByOne, aheadOneByOne) = (watch.Elapsed, Crawling.PeakInFlight, readAhead);
    var (first, last) = await Crawling.FirstAndLastAsync(Urls(2_000), http, new ParallelOptions { MaxDegreeOfParallelism = 100 }, crawling.Token);
    if (crawl.Bytes != LocalServer.TotalSize(2_000) || oneByOne.Bytes != LocalServer.TotalSize(200) || (first, last) != (LocalServer.PageSize(0), LocalServer.PageSize(1_999)))
    {
        throw new InvalidOperationException($"crawl results differ from the server's pages: {crawl}, {oneByOne}, ({first}, {last})");
    }

    // Concurrent, yet within the window; one by one, one at a time.
    if (peak is < 2 or > 100 || ahead > 100 || (peakOneByOne, aheadOneByOne) != (1, 1))
    {
        throw new InvalidOperationException($"the crawls left their bounds: {peak} in flight and {ahead} URLs read ahead with at most 100, {peakOneByOne} and {aheadOneByOne} one at a time");
    }

    Console.WriteLine($"8. A crawl of a local web server ({server.BaseAddress}, 0-20 ms per answer)");
    Console.WriteLine($"   2,000 pages, at most 100 in flight: {crawl.Bytes:N0} bytes, largest {crawl.Largest} bytes, in {concurrently.TotalMilliseconds:N0} ms (peak {peak} in flight, URLs read at most {ahead} ahead of the answers)");
    Console.WriteLine($"   200 pages, one at a time:          {oneByOne.Bytes:N0} bytes, largest {oneByOne.Largest} bytes, in {sequentially.TotalMilliseconds:N0} ms");
    Console.WriteLine($"   in source order through the window: first page {first} bytes, last page {last} bytes");
}

static (int, double, double, double, double) Linq(IEnumerable<double> signal)
{
    var buffered = signal.ToList();   // without it each call below would re-run the stream
    return (buffered.Count, buffered.Sum(), buffered.Min(), buffered.Max(), buffered.Average());
}

static void OneCommandPerCall(CommandLog commands, int calls)
{
    if (commands.Commands.Count != calls)
    {
        throw new InvalidOperationException($"{calls} calls sent {commands.Commands.Count} commands:\n{string.Join("\n", commands.Commands)}");
    }
}

static void Pushed(string source, OrderSummary result, OrderSummary expected)
{
    if (result != expected)
    {
        throw new InvalidOperationException($"{source}: {result}, but Summarize gives {expected}");
    }

    Console.WriteLine($"   {source + ":",-35} revenue {result.Revenue:N2}, largest {result.Largest:N2}, {result.Orders} orders, {result.Paid} paid");
}

static void Measure(Func<(int, double, double, double, double)> fused, Func<(int, double, double, double, double)> linq, bool print)
{
    var (fusedTime, fusedBytes, fusedResult) = Run(fused);
    var (linqTime, linqBytes, linqResult) = Run(linq);
    if (fusedResult != linqResult)
    {
        throw new InvalidOperationException($"results differ: {fusedResult} vs {linqResult}");
    }

    if (print)
    {
        Console.WriteLine($"   MultiAgg, one pass:         {fusedTime.TotalMilliseconds,7:N1} ms {fusedBytes / 1024.0 / 1024,8:N2} MiB allocated");
        Console.WriteLine($"   LINQ, ToList + five passes: {linqTime.TotalMilliseconds,7:N1} ms {linqBytes / 1024.0 / 1024,8:N2} MiB allocated");
        Console.WriteLine("   (one timed run on this machine, not a benchmark; both results are identical)");
    }
}

static (TimeSpan, long, T) Run<T>(Func<T> action)
{
    GC.Collect();
    var before = GC.GetAllocatedBytesForCurrentThread();
    var watch = Stopwatch.StartNew();
    var result = action();
    watch.Stop();
    return (watch.Elapsed, GC.GetAllocatedBytesForCurrentThread() - before, result);
}

// A stream that produces each sample once, like a device or a network socket.
static IEnumerable<double> Signal(int count)
{
    for (var i = 0; i < count; i++)
    {
        yield return Math.Sin(i * 0.001) * 100 + (i % 17);
    }
}

// A stream that, like a database cursor, produces each order once.
static IEnumerable<Order> OrderStream(int count)
{
    var random = new Random(42);
    string[] regions = ["EU", "US", "APAC"];
    for (var i = 0; i < count; i++)
    {
        yield return new Order(
            i,
            regions[i % regions.Length],
            Math.Round((decimal)random.NextDouble() * 500m, 2),
            random.Next(1, 10),
            i % 4 != 0,
            i % 7 == 0 ? null : Math.Round((decimal)random.NextDouble() * 0.3m, 2));
    }
}

static async IAsyncEnumerable<int> Packets(int count, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
{
    var random = new Random(7);
    for (var i = 0; i < count; i++)
    {
        if (i % 100 == 0)
        {
            await Task.Yield();
        }

        cancellationToken.ThrowIfCancellationRequested();
        yield return random.Next(64, 1500);
    }
}
