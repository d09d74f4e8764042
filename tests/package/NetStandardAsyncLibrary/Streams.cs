// What netstandard2.0 can only compile with Microsoft.Bcl.AsyncInterfaces: an IAsyncEnumerable<T> source, a
// ValueTask<T> result, async selectors one at a time and through a window, and accumulator types beside them.
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using MultiAgg;
using static MultiAgg.Agg;

namespace PackageConsumer
{
    public sealed class Reading
    {
        public string Sensor { get; set; } = "";

        public double Value { get; set; }

        public bool IsValid { get; set; }
    }

    public static partial class Streams
    {
        [Aggregate(Sum, Max, Count)]
        public static partial ValueTask<(long Sum, int Max, int Count)> StreamAsync(IAsyncEnumerable<int> values, CancellationToken cancellationToken);

        [GroupBy(nameof(Reading.Sensor))]
        [Aggregate(Average, Of = nameof(Reading.Value), Where = nameof(Reading.IsValid))]
        public static partial Task<Dictionary<string, double?>> BySensorAsync(IAsyncEnumerable<Reading> readings, CancellationToken cancellationToken);

        [Aggregate(Sum, Max, Of = nameof(SizeAsync))]
        public static partial Task<(long Total, int Largest)> FetchAsync(IEnumerable<string> urls, CancellationToken cancellationToken);

        [Aggregate(Sum, Max, Of = nameof(SizeAsync))]
        public static partial Task<(long Total, int Largest)> WindowAsync(IAsyncEnumerable<string> urls, ParallelOptions options);

        private static async ValueTask<int> SizeAsync(string url, CancellationToken cancellationToken)
        {
            await Task.Delay(1, cancellationToken).ConfigureAwait(false);
            return url.Length;
        }
    }

    [Aggregate(Sum, Max, Of = nameof(Reading.Value))]
    [Aggregate(Count, Where = nameof(Reading.IsValid))]
    public partial struct ReadingStats : IMergeableAccumulator<ReadingStats, Reading, (double Total, double Peak, int Valid)>
    {
    }
}
