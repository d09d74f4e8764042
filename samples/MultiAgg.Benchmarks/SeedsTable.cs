using static MultiAgg.Benchmarks.SeedApproaches;

namespace MultiAgg.Benchmarks;

/// <summary>
/// The seed's table in .NET: sum and max of a fresh one-shot <c>Range(N)</c> per invocation. The
/// seed measured range(10000) once; N = 10,000,000 shows the per-item costs without start-up noise.
/// </summary>
public class SeedsTable
{
    [Params(10_000, 10_000_000)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup() => CheckAll(N, includeBarrier: false);

    [Benchmark(Baseline = true)]
    public (long Sum, int Max) BufferThenLinq() => SeedApproaches.BufferThenLinq(Range(N));

    [Benchmark]
    public Task<(long Sum, int Max)> ChannelsTwoConsumers() => SeedApproaches.ChannelsTwoConsumers(Range(N));

    [Benchmark]
    public (long Sum, int Max) RxPublish() => SeedApproaches.RxPublish(Range(N));

    [Benchmark]
    public (long Sum, int Max) DelegateAccumulators() => SeedApproaches.DelegateAccumulators(Range(N));

    [Benchmark]
    public (long Sum, int Max) AggregateTupleSeed() => SeedApproaches.AggregateTupleSeed(Range(N));

    [Benchmark]
    public (long Sum, int Max) HandWrittenLoop() => SeedApproaches.HandWrittenLoop(Range(N));

    [Benchmark]
    public (long Sum, int Max) Generated() => SeedApproaches.Generated(Range(N));
}

/// <summary>
/// The seed's threads-with-a-barrier-per-item, apart from <see cref="SeedsTable"/> because it only
/// runs at N = 10,000: two barrier phases per item cost microseconds each, so 10,000,000 items would
/// take minutes per invocation. Buffering and the generated loop are repeated here for the ratio.
/// </summary>
public class SeedsTableBarrier
{
    [Params(10_000)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup() => CheckAll(N, includeBarrier: true);

    [Benchmark(Baseline = true)]
    public (long Sum, int Max) BufferThenLinq() => SeedApproaches.BufferThenLinq(Range(N));

    [Benchmark]
    public (long Sum, int Max) BarrierThreads() => SeedApproaches.BarrierThreads(Range(N));

    [Benchmark]
    public (long Sum, int Max) Generated() => SeedApproaches.Generated(Range(N));
}
