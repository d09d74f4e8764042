// Each method below enumerates a sequence (or executes a query) more than once, the way real code
// often does. Build it to see MAGG001 and MAGG002, then let `dotnet format analyzers` rewrite it
// (README, "Finding multiple enumeration"). The output is the same before and after; the number of
// passes is not.

Console.WriteLine(Readings.Describe(Sensor.Read(1_000)));
Console.WriteLine(Sales.Summarize(Orders.Stream(500), threshold: 250m));
Console.WriteLine(Logs.Report(Sensor.Read(10)));
Console.WriteLine(string.Join(" ", Histogram.Count(Sensor.Read(200), [0, 1, 2, 3])));
Console.WriteLine(await Feed.SummarizeAsync(Sensor.ReadAsync(300), CancellationToken.None));
Console.WriteLine(await Feed.ListAsync(Sensor.ReadAsync(8)));
Console.WriteLine(Catalog.Describe(Sensor.Read(400).AsQueryable()));
Console.WriteLine($"sensor passes: {Sensor.Passes}");

public sealed record Order(decimal Total, int Quantity, bool IsPaid);

public static class Logs
{
    // A foreach and a Count: not aggregates only, so the fix materializes the sequence once.
    // It comes first on purpose: the bulk fix still fuses the groups below.
    public static string Report(IEnumerable<int> entries)
    {
        var lines = new List<string>();
        foreach (var entry in entries)
            lines.Add($"#{entry}");
        return $"{entries.Count()} entries: {string.Join(",", lines)}";
    }
}

public static class Sensor
{
    public static int Passes { get; private set; }

    /// <summary>A one-shot-looking stream: every enumeration re-reads the sensor.</summary>
    public static IEnumerable<int> Read(int count)
    {
        Passes++;
        for (var i = 0; i < count; i++)
            yield return (i * 37) % 101 % 4;
    }

    /// <summary>The same readings as an async stream, as from a device or a socket.</summary>
    public static async IAsyncEnumerable<int> ReadAsync(int count)
    {
        foreach (var reading in Read(count))
        {
            await Task.Yield();
            yield return reading;
        }
    }
}

public static class Orders
{
    public static IEnumerable<Order> Stream(int count)
    {
        for (var i = 1; i <= count; i++)
            yield return new Order(i * 1.25m, i % 7, i % 3 != 0);
    }
}

public static class Readings
{
    // Three aggregates, three passes: "Fuse into one pass" makes it one.
    public static string Describe(IEnumerable<int> readings)
    {
        var total = readings.Sum();
        var largest = readings.Max();
        var count = readings.Count();
        return $"total={total} max={largest} count={count}";
    }
}

public static class Sales
{
    // Selectors, a predicate, a lambda that captures a parameter: all fusable.
    public static string Summarize(IEnumerable<Order> orders, decimal threshold)
    {
        var revenue = orders.Sum(o => o.Total);
        var paid = orders.Count(o => o.IsPaid);
        var large = orders.Count(o => o.Total > threshold);
        var units = orders.Sum(o => o.Quantity * 2);
        return $"revenue={revenue} paid={paid} large={large} units={units}";
    }
}

public static class Histogram
{
    // The lambda runs once per key, so `values` is enumerated once per key.
    public static int[] Count(IEnumerable<int> values, int[] keys) =>
        keys.Select(k => values.Count(v => v == k)).ToArray();
}

public static class Feed
{
    // Awaited async aggregates: fused into one async [Aggregate] method, given the same token.
    public static async Task<string> SummarizeAsync(IAsyncEnumerable<int> readings, CancellationToken cancellationToken)
    {
        var total = await readings.SumAsync(cancellationToken);
        var largest = await readings.MaxAsync(cancellationToken: cancellationToken);
        var count = await readings.CountAsync(cancellationToken);
        return $"async total={total} max={largest} count={count}";
    }

    // An await foreach and a CountAsync: buffered once with ToListAsync, the uses made synchronous.
    public static async Task<string> ListAsync(IAsyncEnumerable<int> readings)
    {
        var seen = new List<int>();
        await foreach (var reading in readings)
            seen.Add(reading);
        return $"{await readings.CountAsync()} async readings: {string.Join(",", seen)}";
    }
}

public static class Catalog
{
    // A query (LINQ's own AsQueryable here; a database's would be a round trip each): every
    // aggregate executes it again. "Fuse into one query" (MAGG002) executes it once.
    public static string Describe(IQueryable<int> rows)
    {
        var total = rows.Sum();
        var highest = rows.Max();
        var distinct = rows.Distinct().Count();
        return $"query total={total} max={highest} distinct={distinct}";
    }
}
