using MultiAgg.Samples.Shared;
using static MultiAgg.Agg;

namespace MultiAgg.Samples;

/// <summary>
/// Section 8: the pages of a web server, fetched by an async selector. With a <see cref="ParallelOptions"/> parameter
/// at most MaxDegreeOfParallelism requests are in flight and the URLs are read no further ahead than that; without
/// one, the same declaration awaits one request at a time.
/// </summary>
public static partial class Crawling
{
    /// <summary>Every aggregate here is the same in any order, so responses are folded as they arrive.</summary>
    [Aggregate(Sum, Max, Count, Of = nameof(FetchSizeAsync))]
    public static partial Task<(long Bytes, int Largest, int Pages)> CrawlAsync(IEnumerable<Uri> pages, HttpClient http, ParallelOptions options, CancellationToken cancellationToken);

    /// <summary>The same, one request at a time.</summary>
    [Aggregate(Sum, Max, Count, Of = nameof(FetchSizeAsync))]
    public static partial Task<(long Bytes, int Largest, int Pages)> CrawlOneByOneAsync(IEnumerable<Uri> pages, HttpClient http, CancellationToken cancellationToken);

    /// <summary>First and Last depend on the order: responses are folded in source order, through the same window.</summary>
    [Aggregate(First, Last, Of = nameof(FetchSizeAsync))]
    public static partial Task<(int FirstPage, int LastPage)> FirstAndLastAsync(IEnumerable<Uri> pages, HttpClient http, ParallelOptions options, CancellationToken cancellationToken);

    private static int _inFlight;
    private static int _peakInFlight;
    private static int _answered;

    /// <summary>The most requests in flight at once since the last <see cref="Reset"/>.</summary>
    public static int PeakInFlight => Volatile.Read(ref _peakInFlight);

    /// <summary>The requests answered (or failed) since the last <see cref="Reset"/>.</summary>
    public static int Answered => Volatile.Read(ref _answered);

    /// <summary>Starts the counts again, between two crawls.</summary>
    public static void Reset() => (_peakInFlight, _answered) = (0, 0);

    private static async ValueTask<int> FetchSizeAsync(Uri page, HttpClient http, CancellationToken cancellationToken)
    {
        var now = Interlocked.Increment(ref _inFlight);
        for (var peak = PeakInFlight; now > peak;)
        {
            var seen = Interlocked.CompareExchange(ref _peakInFlight, now, peak);
            peak = seen == peak ? now : seen;
        }

        try
        {
            return (await http.GetByteArrayAsync(page, cancellationToken)).Length;
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
            Interlocked.Increment(ref _answered);
        }
    }
}
