using System.Diagnostics;
using System.Net;
using MultiAgg.Samples.Shared;

namespace MultiAgg.Crawl;

/// <summary>The totals of one run, whichever way they were computed.</summary>
internal readonly record struct Totals(long Bytes, long Ok, long Failed);

/// <summary>
/// The three ways to run N async calls with at most C in flight and aggregate what they return: over HTTP
/// (<c>client</c>) and over a selector that only yields (<c>yield</c>). Every approach reads its input from
/// <see cref="Pages"/>, a lazy iterator; only <c>whenall</c> materializes anything (its N tasks).
/// </summary>
internal static class Approaches
{
    public const string WhenAll = "whenall";
    public const string ForEachAsync = "foreachasync";
    public const string MultiAgg = "multiagg";

    /// <summary>Every approach, in the order <c>measure</c> runs them.</summary>
    public static readonly string[] All = [MultiAgg, WhenAll, ForEachAsync];

    /// <summary>Throws the usage error for a name that is not one of <see cref="All"/>.</summary>
    public static void CheckKnown(string approach)
    {
        if (!All.Contains(approach))
        {
            throw new UsageException($"unknown approach '{approach}' (expected one of {string.Join(", ", All)})");
        }
    }

    /// <summary>0, 1, ..., count - 1, one at a time: a source that is never a list.</summary>
    public static IEnumerable<long> Pages(long count)
    {
        for (long n = 0; n < count; n++)
        {
            yield return n;
        }
    }

    /// <summary>The selector of <c>yield</c>: no I/O, just one trip through the thread pool.</summary>
    public static async ValueTask<int> YieldValueAsync(long n)
    {
        await Task.Yield();
        return (int)(n & 1023);
    }

    /// <summary>The sum of <see cref="YieldValueAsync"/> over 0..count - 1.</summary>
    public static long YieldTotal(long count) => (count / 1024 * (1023L * 1024 / 2)) + (count % 1024 * ((count % 1024) - 1) / 2);

    /// <summary>One pooled-connection client for a crawl at <paramref name="concurrency"/> requests in flight.</summary>
    public static HttpClient CreateHttpClient(int concurrency) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = concurrency,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
        AutomaticDecompression = DecompressionMethods.None,
        AllowAutoRedirect = false,
        UseCookies = false,
        UseProxy = false,
    })
    {
        Timeout = TimeSpan.FromMinutes(2),
    };

    /// <summary>One page: its status (2xx or not) and its body's length.</summary>
    private static async Task<(bool Ok, int Length)> FetchAsync(HttpClient http, Uri server, long page, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(LocalServer.PageUri(server, page), cancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return (response.IsSuccessStatusCode, body.Length);
    }

    public static async Task<Totals> CrawlAsync(string approach, HttpClient http, Uri server, long requests, int concurrency)
    {
        switch (approach)
        {
            case WhenAll:
            {
                // What users write today: every task created up front, each waiting for the semaphore. N tasks (and, for
                // all but C of them, N semaphore waiters) live until the last one ends, then N results in one array.
                using var gate = new SemaphoreSlim(concurrency);
                var tasks = Pages(requests).Select(async n =>
                {
                    await gate.WaitAsync();
                    try
                    {
                        return await FetchAsync(http, server, n, CancellationToken.None);
                    }
                    finally
                    {
                        gate.Release();
                    }
                }).ToArray();
                var results = await Task.WhenAll(tasks);
                long bytes = 0, ok = 0, failed = 0;
                foreach (var (isOk, length) in results)
                {
                    bytes += length;
                    if (isOk)
                    {
                        ok++;
                    }
                    else
                    {
                        failed++;
                    }
                }

                return new Totals(bytes, ok, failed);
            }

            case ForEachAsync:
            {
                // Bounded: at most C bodies running, the source pulled as they finish; the totals shared through Interlocked.
                long bytes = 0, ok = 0, failed = 0;
                await Parallel.ForEachAsync(Pages(requests), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (n, cancellationToken) =>
                {
                    var (isOk, length) = await FetchAsync(http, server, n, cancellationToken);
                    Interlocked.Add(ref bytes, length);
                    if (isOk)
                    {
                        Interlocked.Increment(ref ok);
                    }
                    else
                    {
                        Interlocked.Increment(ref failed);
                    }
                });
                return new Totals(bytes, ok, failed);
            }

            case MultiAgg:
            {
                // FetchSizeAsync throws on every non-success status (EnsureSuccessStatusCode), and the first exception
                // fails the whole method: a run that returns has ok = Pages and failed = 0.
                var (bytes, _, pages) = await CrawlAggregates.CrawlAsync(
                    Pages(requests), http, server, new ParallelOptions { MaxDegreeOfParallelism = concurrency });
                return new Totals(bytes, pages, 0);
            }

            default:
                throw new UsageException($"unknown approach '{approach}'");
        }
    }

    public static async Task<Totals> YieldAsync(string approach, long count, int concurrency)
    {
        switch (approach)
        {
            case WhenAll:
            {
                using var gate = new SemaphoreSlim(concurrency);
                var tasks = Pages(count).Select(async n =>
                {
                    await gate.WaitAsync();
                    try
                    {
                        return await YieldValueAsync(n);
                    }
                    finally
                    {
                        gate.Release();
                    }
                }).ToArray();
                var results = await Task.WhenAll(tasks);
                long sum = 0;
                foreach (var value in results)
                {
                    sum += value;
                }

                return new Totals(sum, results.LongLength, 0);
            }

            case ForEachAsync:
            {
                long sum = 0, calls = 0;
                await Parallel.ForEachAsync(Pages(count), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (n, _) =>
                {
                    var value = await YieldValueAsync(n);
                    Interlocked.Add(ref sum, value);
                    Interlocked.Increment(ref calls);
                });
                return new Totals(sum, calls, 0);
            }

            case MultiAgg:
            {
                var (sum, calls) = await CrawlAggregates.SumYieldsAsync(Pages(count), new ParallelOptions { MaxDegreeOfParallelism = concurrency });
                return new Totals(sum, calls, 0);
            }

            default:
                throw new UsageException($"unknown approach '{approach}'");
        }
    }

    /// <summary>The <c>client</c> and <c>yield</c> commands: one run, one JSON line; exit 1 if the total is wrong.</summary>
    public static async Task<int> RunAsync(bool overHttp, Options options)
    {
        var approach = options.Required("approach");
        var count = options.Long(overHttp ? "requests" : "count", min: 1);
        var concurrency = options.Int("concurrency", 1000, min: 1);
        var server = overHttp ? new Uri(options.Required("url").TrimEnd('/') + "/") : null;
        options.RejectUnknown();
        CheckKnown(approach);

        using var http = server is null ? null : CreateHttpClient(concurrency);
        var stopwatch = Stopwatch.StartNew();
        var totals = http is null
            ? await YieldAsync(approach, count, concurrency)
            : await CrawlAsync(approach, http, server!, count, concurrency);
        stopwatch.Stop();

        var result = RunResult.Measure(approach, count, concurrency, stopwatch.Elapsed, totals.Bytes, totals.Ok, totals.Failed);
        Console.Out.WriteLine(result.ToJson());
        Console.Out.Flush();

        var expected = overHttp ? LocalServer.TotalSize(count) : YieldTotal(count);
        if (totals.Bytes != expected || totals.Ok != count || totals.Failed != 0)
        {
            Console.Error.WriteLine($"wrong totals: bytes {totals.Bytes} (expected {expected}), ok {totals.Ok}, failed {totals.Failed} (expected {count} and 0)");
            return 1;
        }

        return 0;
    }
}
