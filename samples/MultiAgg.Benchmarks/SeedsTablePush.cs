using System.Reactive.Linq;
using System.Reactive.Subjects;
using System.Reactive.Threading.Tasks;
using static MultiAgg.Agg;
using static MultiAgg.Benchmarks.SeedApproaches;

namespace MultiAgg.Benchmarks;

/// <summary>
/// The seed's table pushed instead of pulled (seeds/002's reactive_transduce, the table's Rx row):
/// the same sum and max of <c>0..N-1</c>, added one value at a time to a generated accumulator
/// struct. The Rx entries come in pairs with one producer each, so that a pair differs only in what
/// consumes it: the one-shot iterator through Rx's <c>ToObservable()</c> (which schedules every
/// value on the current thread's trampoline), or a <c>Subject&lt;int&gt;</c> that a <c>foreach</c>
/// over the same iterator pushes into (an event source's cost). The loops of <c>Add</c> are put next
/// to the generated method over the same iterator and over an array of the same values.
/// </summary>
public class SeedsTablePush
{
    private int[] _values = [];

    [Params(10_000, 10_000_000)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _values = [.. Enumerable.Range(0, N)];
        var expected = ((long)N * (N - 1) / 2, N - 1);
        Check.Equal(expected, GeneratedMethod());
        Check.Equal(expected, RxSubscribeAdd());
        Check.Equal(expected, RxPublish());
        Check.Equal(expected, SubjectSubscribeAdd());
        Check.Equal(expected, SubjectSumMaxZip());
        Check.Equal(expected, ForeachAdd());
        Check.Equal(expected, ForAdd());
        Check.Equal(expected, GeneratedMethodArray());
        Check.Equal(expected, ForAddArray());
    }

    /// <summary>The pull answer from <see cref="SeedsTable"/>: the generated method over the iterator.</summary>
    [Benchmark(Baseline = true)]
    public (long Sum, int Max) GeneratedMethod() => Generated(Range(N));

    /// <summary>
    /// Rx pushes every value into the struct through a lambda. Not <c>Subscribe(stats.Add)</c>: a
    /// delegate to a struct's method binds a boxed copy, which would receive the values instead.
    /// </summary>
    [Benchmark]
    public (long Sum, int Max) RxSubscribeAdd()
    {
        var stats = new SumMax();
        bool completed = false;
        using (Range(N).ToObservable().Subscribe(v => stats.Add(v), () => completed = true))
        {
            // ToObservable iterates on the current thread, so Subscribe returns when it is done.
            return completed ? stats.Result : throw new InvalidOperationException("The observable has not completed.");
        }
    }

    /// <summary>Rx's own operators: <c>Publish</c>, <c>Sum</c>, <c>Max</c>, <c>Zip</c> (<see cref="SeedApproaches.RxPublish"/>).</summary>
    [Benchmark]
    public (long Sum, int Max) RxPublish() => SeedApproaches.RxPublish(Range(N));

    /// <summary>A <c>foreach</c> over the iterator pushes into a subject, which calls <c>stats.Add</c>.</summary>
    [Benchmark]
    public (long Sum, int Max) SubjectSubscribeAdd()
    {
        var stats = new SumMax();
        using var subject = new Subject<int>();
        using (subject.Subscribe(v => stats.Add(v)))
        {
            foreach (int value in Range(N))
            {
                subject.OnNext(value);
            }

            subject.OnCompleted();
        }

        return stats.Result;
    }

    /// <summary>The same subject into Rx's own <c>Sum</c> and <c>Max</c>, zipped (a subject multicasts, as <c>Publish</c> does).</summary>
    [Benchmark]
    public (long Sum, int Max) SubjectSumMaxZip()
    {
        using var subject = new Subject<int>();
        Task<(long Sum, int Max)> result = subject.Select(x => (long)x).Sum()
            .Zip(subject.Max(), (sum, max) => (sum, max))
            .ToTask();
        foreach (int value in Range(N))
        {
            subject.OnNext(value);
        }

        subject.OnCompleted();
        return result.GetAwaiter().GetResult();   // completed by OnCompleted, on this thread
    }

    /// <summary>The same iterator, each value passed to <c>Add</c> by a <c>foreach</c>.</summary>
    [Benchmark]
    public (long Sum, int Max) ForeachAdd()
    {
        var stats = new SumMax();
        foreach (int value in Range(N))
        {
            stats.Add(value);
        }

        return stats.Result;
    }

    /// <summary>The same values with no producer at all: a plain <c>for</c> loop of <c>Add(i)</c>.</summary>
    [Benchmark]
    public (long Sum, int Max) ForAdd()
    {
        var stats = new SumMax();
        for (int i = 0; i < N; i++)
        {
            stats.Add(i);
        }

        return stats.Result;
    }

    /// <summary>The generated method over an <c>int[]</c> of the same values (pre-built in the setup).</summary>
    [Benchmark]
    public (long Sum, int Max) GeneratedMethodArray() => PushTable.Generated(_values);

    /// <summary>A <c>for</c> loop of <c>Add</c> over the same array.</summary>
    [Benchmark]
    public (long Sum, int Max) ForAddArray()
    {
        var stats = new SumMax();
        int[] values = _values;
        for (int i = 0; i < values.Length; i++)
        {
            stats.Add(values[i]);
        }

        return stats.Result;
    }
}

/// <summary>The seed's two aggregates as an accumulator struct: its default is the empty state.</summary>
[Aggregate(Sum, Max)]
public partial struct SumMax : IAccumulator<int, (long Sum, int Max)> { }

/// <summary>The generated method over an array, for <see cref="SeedsTablePush.GeneratedMethodArray"/>.</summary>
public static partial class PushTable
{
    [Aggregate(Sum, Max)]
    public static partial (long Sum, int Max) Generated(int[] values);
}
