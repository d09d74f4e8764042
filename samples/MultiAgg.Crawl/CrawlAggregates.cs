using MultiAgg.Samples.Shared;
using static MultiAgg.Agg;

namespace MultiAgg.Crawl;

/// <summary>The generated methods: a bounded-concurrency async aggregation, at most options.MaxDegreeOfParallelism calls in flight.</summary>
internal static partial class CrawlAggregates
{
    /// <summary>Total bytes, largest page and page count of pages 0..N-1; every integral aggregate, so folded as completed.</summary>
    [Aggregate(Sum, Max, Count, Of = nameof(FetchSizeAsync))]
    public static partial Task<(long Bytes, int Largest, int Pages)> CrawlAsync(IEnumerable<long> pages, HttpClient http, Uri server, ParallelOptions options);

    /// <summary>The sum and count of <see cref="Approaches.YieldValueAsync"/>, the <c>yield</c> command's selector.</summary>
    [Aggregate(Sum, Count, Of = nameof(YieldValueAsync))]
    public static partial Task<(long Sum, int Count)> SumYieldsAsync(IEnumerable<long> values, ParallelOptions options);

    /// <summary>One page's body length; a non-success status throws (and so fails the whole crawl).</summary>
    private static async ValueTask<int> FetchSizeAsync(long page, HttpClient http, Uri server, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(LocalServer.PageUri(server, page), cancellationToken);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return body.Length;
    }

    private static ValueTask<int> YieldValueAsync(long n) => Approaches.YieldValueAsync(n);
}
