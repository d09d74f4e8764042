using MultiAgg.Accumulators;
using static MultiAgg.Agg;

namespace MultiAgg.Benchmarks;

/// <summary>User-defined accumulators (the two MultiAgg ships) in the fused loop, against the LINQ way.</summary>
public static partial class SignalReport
{
    [Aggregate(typeof(KahanNeumaierSum))]
    [Aggregate(typeof(P2Median))]
    [Aggregate(Count)]
    public static partial (double Total, double Median, int Count) Describe(IEnumerable<double> signal);

    /// <summary>
    /// Without a streaming quantile: buffer, sort for the exact median, and fold the compensated sum
    /// with <c>Aggregate</c> (the same Kahan–Neumaier step).
    /// </summary>
    public static (double Total, double Median, int Count) Linq(IEnumerable<double> signal)
    {
        var buffered = signal.ToList();
        var sorted = buffered.Order().ToList();
        var median = sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
        var (sum, compensation) = buffered.Aggregate((Sum: 0.0, Compensation: 0.0), static (acc, x) =>
        {
            var t = acc.Sum + x;
            var c = Math.Abs(acc.Sum) >= Math.Abs(x) ? (acc.Sum - t) + x : (x - t) + acc.Sum;
            return (t, acc.Compensation + c);
        });
        return (sum + compensation, median, buffered.Count);
    }

    /// <summary>A million samples from a one-shot iterator: a noisy sine on a large offset.</summary>
    public static IEnumerable<double> Signal(int count)
    {
        var random = new Random(11);
        for (var i = 0; i < count; i++)
        {
            yield return 1e6 + (Math.Sin(i * 0.001) * 100) + random.NextDouble();
        }
    }
}

/// <summary>
/// A compensated sum and a median of a million-sample stream: P² and Kahan–Neumaier in one pass
/// (constant memory) against buffering, sorting and a compensated <c>Aggregate</c>.
/// </summary>
public class CustomAccumulators
{
    private const int Count = 1_000_000;

    [GlobalSetup]
    public void Setup()
    {
        var exact = BufferSortAndAggregate();
        var streamed = Generated();
        Check.Equal(exact.Count, streamed.Count);
        Check.Close(exact.Total, streamed.Total, Math.Abs(exact.Total) * 1e-15);
        // P² is an estimate: within 1 % of the data's range (about 201) of the exact median.
        Check.Close(exact.Median, streamed.Median, 2.01);
    }

    [Benchmark(Baseline = true)]
    public (double Total, double Median, int Count) BufferSortAndAggregate() => SignalReport.Linq(SignalReport.Signal(Count));

    [Benchmark]
    public (double Total, double Median, int Count) Generated() => SignalReport.Describe(SignalReport.Signal(Count));
}
