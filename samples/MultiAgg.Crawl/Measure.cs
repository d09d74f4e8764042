using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace MultiAgg.Crawl;

/// <summary>
/// The <c>measure</c> command: a <c>server</c> child process, then a fresh <c>client</c> (or <c>yield</c>) child
/// process per size and approach, so that each peak working set is that run's alone. Prints two markdown tables.
/// </summary>
internal static class Measure
{
    /// <summary>One child run: its JSON line, or why there is none.</summary>
    private sealed record Outcome(string Approach, long Count, RunResult? Result, string? Error);

    public static async Task<int> RunAsync(Options options)
    {
        var sizes = options.LongList("sizes", [10_000, 100_000, 1_000_000]);
        var yieldCounts = options.LongList("yield-counts", [1_000_000, 10_000_000]);
        var approaches = options.List("approaches", Approaches.All);
        var maxDelayMs = options.Int("max-delay-ms", Program.DefaultMaxDelayMs);
        var concurrency = options.Int("concurrency", 1000, min: 1);
        var timeout = TimeSpan.FromSeconds(options.Int("timeout-s", 1800, min: 1));
        var heapLimitMB = options.Int("heap-limit-mb", 0);
        var gen0MB = options.Int("gen0-mb", 0);
        options.RejectUnknown();

        var notes = new List<string>();
        foreach (var approach in approaches)
        {
            Approaches.CheckKnown(approach);
        }

        // A hard GC heap limit for the client and yield processes (not the server): what fails first under a budget.
        var clientEnvironment = new Dictionary<string, string>(StringComparer.Ordinal);
        if (heapLimitMB > 0)
        {
            clientEnvironment["DOTNET_GCHeapHardLimit"] = (heapLimitMB * 1024L * 1024L).ToString("X", CultureInfo.InvariantCulture);
            notes.Add($"client and yield processes ran with a {heapLimitMB} MB GC heap limit (DOTNET_GCHeapHardLimit).");
        }

        // A fixed gen0 budget: by default the GC lets gen0 grow with the allocation rate, so a longer run's peak holds more
        // garbage between collections whatever the code keeps alive; fixed, the peak shows what the approach holds.
        if (gen0MB > 0)
        {
            clientEnvironment["DOTNET_GCgen0size"] = (gen0MB * 1024L * 1024L).ToString("X", CultureInfo.InvariantCulture);
            notes.Add($"client and yield processes ran with a fixed {gen0MB} MB gen0 budget (DOTNET_GCgen0size).");
        }

        var requestRuns = new List<Outcome>();
        var yieldRuns = new List<Outcome>();
        if (sizes.Length > 0 && approaches.Length > 0)
        {
            using var server = Start(["server", "--max-delay-ms", Text(maxDelayMs)], redirectInput: true, environment: []);
            string? line;
            try
            {
                line = await server.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
            }
            catch (TimeoutException)
            {
                line = "(no answer in 60 s)";   // stopped below, with the child still running: nothing is left behind
            }

            const string Prefix = "listening on ";
            if (line is null || !line.StartsWith(Prefix, StringComparison.Ordinal))
            {
                server.Kill(entireProcessTree: true);
                Console.Error.WriteLine($"the server did not start: '{line}'");
                return 1;
            }

            var url = line[Prefix.Length..].Trim();
            Console.Error.WriteLine($"server (pid {server.Id}) {line}, delay 0-{maxDelayMs} ms");
            try
            {
                foreach (var size in sizes)
                {
                    foreach (var approach in approaches)
                    {
                        requestRuns.Add(await RunChildAsync(
                            approach, size, timeout, clientEnvironment,
                            ["client", "--approach", approach, "--requests", Text(size), "--concurrency", Text(concurrency), "--url", url]));
                    }
                }
            }
            finally
            {
                await StopServerAsync(server);
            }
        }

        foreach (var count in yieldCounts)
        {
            foreach (var approach in approaches)
            {
                yieldRuns.Add(await RunChildAsync(
                    approach, count, timeout, clientEnvironment,
                    ["yield", "--approach", approach, "--count", Text(count), "--concurrency", Text(concurrency)]));
            }
        }

        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"Requests: GET /n for n in [0, N) against a local Kestrel server (delay uniform in 0-{maxDelayMs} ms), at most {concurrency} in flight; one fresh client process per row.");
        report.AppendLine();
        Table(report, requestRuns, "req/s");
        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"Yield: N calls of an async selector that only awaits Task.Yield(), at most {concurrency} in flight; one fresh process per row.");
        report.AppendLine();
        Table(report, yieldRuns, "calls/s");
        foreach (var note in notes)
        {
            report.AppendLine().Append("Note: ").AppendLine(note);
        }

        Console.Out.Write(report.ToString());
        return requestRuns.Concat(yieldRuns).Any(run => run.Error is not null) ? 1 : 0;
    }

    private static void Table(StringBuilder report, List<Outcome> runs, string rateName)
    {
        report.AppendLine(CultureInfo.InvariantCulture, $"| approach | N | seconds | {rateName} | peak working set MB |");
        report.AppendLine("|---|---:|---:|---:|---:|");
        foreach (var run in runs)
        {
            if (run.Result is { } result)
            {
                report.AppendLine(CultureInfo.InvariantCulture, $"| {run.Approach} | {run.Count:N0} | {result.Seconds:F2} | {result.RequestsPerSecond:N0} | {result.PeakWorkingSetMB:F1} |");
            }
            else
            {
                report.AppendLine(CultureInfo.InvariantCulture, $"| {run.Approach} | {run.Count:N0} | {run.Error} | | |");
            }
        }

        var first = true;
        foreach (var approach in runs.Select(run => run.Approach).Distinct())
        {
            var mine = runs.Where(run => run.Approach == approach).OrderBy(run => run.Count).ToList();
            if (mine.Count < 2)
            {
                continue;
            }

            if (first)
            {
                report.AppendLine();
                first = false;
            }

            var (smallest, largest) = (mine[0], mine[^1]);
            var ratio = smallest.Result is { } small && largest.Result is { } large
                ? (large.PeakWorkingSetMB / small.PeakWorkingSetMB).ToString("F2", CultureInfo.InvariantCulture) + "x"
                : "n/a (a run failed)";
            report.AppendLine(CultureInfo.InvariantCulture, $"- {approach}: peak working set at N = {largest.Count:N0} / at N = {smallest.Count:N0}: {ratio}");
        }
    }

    /// <summary>Runs one child to its end (or kills it at the timeout) and reads its JSON line; never throws for the child's failure.</summary>
    private static async Task<Outcome> RunChildAsync(string approach, long count, TimeSpan timeout, Dictionary<string, string> environment, string[] args)
    {
        Console.Error.Write($"{args[0]} {approach} N={count}: ");
        using var child = Start(args, redirectInput: false, environment);
        var stdout = child.StandardOutput.ReadToEndAsync();
        var stderr = child.StandardError.ReadToEndAsync();
        var timedOut = false;
        using (var deadline = new CancellationTokenSource(timeout))
        {
            try
            {
                await child.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                timedOut = true;
                child.Kill(entireProcessTree: true);
                await child.WaitForExitAsync();
            }
        }

        var output = await stdout;
        var errors = (await stderr).Trim();
        var json = output.Split('\n').Select(line => line.Trim()).LastOrDefault(line => line.StartsWith('{'));
        RunResult? result = null;
        try
        {
            result = json is null ? null : RunResult.Parse(json);
        }
        catch (System.Text.Json.JsonException)
        {
            // Reported below as a run without a result.
        }

        string? error = null;
        if (timedOut)
        {
            error = $"killed after the {timeout.TotalSeconds:F0} s timeout";
        }
        else if (child.ExitCode != 0)
        {
            var why = child.ExitCode switch
            {
                137 => "killed (SIGKILL: out of memory?)",
                134 => "aborted (SIGABRT: unhandled exception or out of memory)",
                _ => $"failed (exit {child.ExitCode})",
            };
            var firstError = errors.Split('\n').FirstOrDefault(line => line.Length > 0);
            error = firstError is null ? why : $"{why}: {firstError.Replace("|", "/", StringComparison.Ordinal)}";
        }
        else if (result is null)
        {
            error = "no result line";
        }

        Console.Error.WriteLine(error ?? json);
        return new Outcome(approach, count, error is null ? result : null, error);
    }

    private static async Task StopServerAsync(Process server)
    {
        // The server runs until its standard input closes; kill it if it does not stop in time.
        server.StandardInput.Close();
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            await server.WaitForExitAsync(grace.Token);
        }
        catch (OperationCanceledException)
        {
            server.Kill(entireProcessTree: true);
        }
    }

    /// <summary>This same program as a child process: its apphost, or <c>dotnet</c> with this assembly when run through <c>dotnet</c>.</summary>
    private static Process Start(string[] args, bool redirectInput, Dictionary<string, string> environment)
    {
        var host = Environment.ProcessPath ?? throw new InvalidOperationException("no process path");
        var start = new ProcessStartInfo(host)
        {
            RedirectStandardInput = redirectInput,
            RedirectStandardOutput = true,
            RedirectStandardError = !redirectInput,
            UseShellExecute = false,
        };
        if (Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            start.ArgumentList.Add(Assembly.GetEntryAssembly()?.Location ?? throw new InvalidOperationException("no entry assembly"));
        }

        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        return Process.Start(start) ?? throw new InvalidOperationException($"could not start {host}");
    }

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
