using System.Net;
using System.Net.Http;
using BenchmarkDotNet.Engines;
using MultiAgg.Samples.Shared;
using static MultiAgg.Agg;

namespace MultiAgg.Benchmarks.Concurrency;

public static partial class CrawlMethods
{
    /// <summary>Seed 002's crawl: total bytes, largest page and page count, at most options.MaxDegreeOfParallelism requests in flight.</summary>
    [Aggregate(Sum, Max, Count, Of = nameof(FetchSizeAsync))]
    public static partial Task<(long Bytes, int Largest, int Pages)> CrawlAsync(IEnumerable<long> pages, HttpClient http, Uri server, ParallelOptions options);

    /// <summary>One page's body length; a non-success status throws and fails the whole crawl.</summary>
    private static async ValueTask<int> FetchSizeAsync(long page, HttpClient http, Uri server, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(LocalServer.PageUri(server, page), cancellationToken);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return body.Length;
    }
}

/// <summary>
/// Seed 002's experiment in-process: 100,000 GET requests to a local Kestrel server (each answered after a random
/// 0-20 ms), at most 1,000 in flight, summing the body sizes. The generated method (a ParallelOptions parameter and
/// an async selector) against Task.WhenAll over a semaphore (all N tasks up front) and Parallel.ForEachAsync with
/// Interlocked totals. Allocated is what a crawl allocates in all (every request allocates, whatever the approach), not
/// what it holds at once: samples/MultiAgg.Crawl measures that, as peak working sets across N, one process per run.
/// </summary>
// Seconds per invocation: one warmup and five measured iterations of one invocation each (one launch, as Program's
// default job has). The counts are job mutators applied to the [SimpleJob], which takes the place of Program's default
// job (3 warmups, 10 iterations) for this class.
[SimpleJob(RunStrategy.Monitoring)]
[WarmupCount(1)]
[IterationCount(5)]
public class Crawl
{
    private const long N = 100_000;
    private const int Concurrency = 1_000;

    private LocalServer _server = null!;
    private HttpClient _http = null!;
    private Uri _base = null!;

    [GlobalSetup]
    public void Setup()
    {
        _server = LocalServer.StartAsync(TimeSpan.FromMilliseconds(20)).GetAwaiter().GetResult();
        _base = _server.BaseAddress;
        _http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = Concurrency,
            AutomaticDecompression = DecompressionMethods.None,
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
        });

        var expected = LocalServer.TotalSize(N);
        Check.Equal(expected, MultiAgg().GetAwaiter().GetResult());
        Check.Equal(expected, WhenAllSemaphore().GetAwaiter().GetResult());
        Check.Equal(expected, ParallelForEachAsyncInterlocked().GetAwaiter().GetResult());
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _http.Dispose();
        _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    private static IEnumerable<long> Pages()
    {
        for (long n = 0; n < N; n++)
        {
            yield return n;
        }
    }

    [Benchmark(Baseline = true)]
    public async Task<long> MultiAgg()
    {
        var (bytes, _, pages) = await CrawlMethods.CrawlAsync(Pages(), _http, _base, new ParallelOptions { MaxDegreeOfParallelism = Concurrency });
        Check.Equal(N, (long)pages);
        return bytes;
    }

    /// <summary>What users write today: N tasks up front, each waiting on a semaphore, then one array of N sizes.</summary>
    [Benchmark]
    public async Task<long> WhenAllSemaphore()
    {
        using var gate = new SemaphoreSlim(Concurrency);
        var tasks = Pages().Select(async n =>
        {
            await gate.WaitAsync();
            try
            {
                using var response = await _http.GetAsync(LocalServer.PageUri(_base, n));
                response.EnsureSuccessStatusCode();
                return (await response.Content.ReadAsByteArrayAsync()).Length;
            }
            finally
            {
                gate.Release();
            }
        }).ToArray();
        var sizes = await Task.WhenAll(tasks);
        long bytes = 0;
        foreach (var size in sizes)
        {
            bytes += size;
        }

        return bytes;
    }

    /// <summary>Bounded: at most 1,000 bodies running, the totals shared through Interlocked.</summary>
    [Benchmark]
    public async Task<long> ParallelForEachAsyncInterlocked()
    {
        long bytes = 0;
        await Parallel.ForEachAsync(Pages(), new ParallelOptions { MaxDegreeOfParallelism = Concurrency }, async (n, cancellationToken) =>
        {
            using var response = await _http.GetAsync(LocalServer.PageUri(_base, n), cancellationToken);
            response.EnsureSuccessStatusCode();
            Interlocked.Add(ref bytes, (await response.Content.ReadAsByteArrayAsync(cancellationToken)).Length);
        });
        return bytes;
    }
}
