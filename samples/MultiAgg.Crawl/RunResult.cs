using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace MultiAgg.Crawl;

/// <summary>
/// One run's JSON line, printed by <c>client</c> and <c>yield</c> and read back by <c>measure</c>. For <c>yield</c>,
/// <see cref="Requests"/> is the number of selector calls and <see cref="Bytes"/> the sum of the selector's values.
/// </summary>
internal sealed record RunResult(
    string Approach,
    long Requests,
    int Concurrency,
    double Seconds,
    double RequestsPerSecond,
    long Bytes,
    long Ok,
    long Failed,
    double PeakWorkingSetMB,
    int Gen0,
    int Gen1,
    int Gen2)
{
    /// <summary>The result of a run that just ended in this process: its peak working set and collection counts so far.</summary>
    public static RunResult Measure(string approach, long requests, int concurrency, TimeSpan elapsed, long bytes, long ok, long failed)
    {
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        return new RunResult(
            approach,
            requests,
            concurrency,
            elapsed.TotalSeconds,
            requests / elapsed.TotalSeconds,
            bytes,
            ok,
            failed,
            process.PeakWorkingSet64 / (1024.0 * 1024.0),
            GC.CollectionCount(0),
            GC.CollectionCount(1),
            GC.CollectionCount(2));
    }

    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteString("approach", Approach);
            json.WriteNumber("requests", Requests);
            json.WriteNumber("concurrency", Concurrency);
            json.WriteNumber("seconds", Math.Round(Seconds, 3));
            json.WriteNumber("requestsPerSecond", Math.Round(RequestsPerSecond, 1));
            json.WriteNumber("bytes", Bytes);
            json.WriteNumber("ok", Ok);
            json.WriteNumber("failed", Failed);
            json.WriteNumber("peakWorkingSetMB", Math.Round(PeakWorkingSetMB, 1));
            json.WriteNumber("gen0", Gen0);
            json.WriteNumber("gen1", Gen1);
            json.WriteNumber("gen2", Gen2);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    public static RunResult Parse(string line)
    {
        using var document = JsonDocument.Parse(line);
        var root = document.RootElement;
        return new RunResult(
            root.GetProperty("approach").GetString() ?? "",
            root.GetProperty("requests").GetInt64(),
            root.GetProperty("concurrency").GetInt32(),
            root.GetProperty("seconds").GetDouble(),
            root.GetProperty("requestsPerSecond").GetDouble(),
            root.GetProperty("bytes").GetInt64(),
            root.GetProperty("ok").GetInt64(),
            root.GetProperty("failed").GetInt64(),
            root.GetProperty("peakWorkingSetMB").GetDouble(),
            root.GetProperty("gen0").GetInt32(),
            root.GetProperty("gen1").GetInt32(),
            root.GetProperty("gen2").GetInt32());
    }
}
