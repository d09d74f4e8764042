using System.Diagnostics;
using System.Globalization;

namespace MultiAgg.Benchmarks.GeneratorCost;

/// <summary>
/// What <c>--generator-cost</c> on the command line runs instead of benchmarks:
/// <c>write &lt;directory&gt; &lt;repository root&gt;</c> writes the 1,000-method project (measure.sh builds it);
/// <c>profile cold|warm [runs]</c> times the driver with a stopwatch, a process to attach a profiler to
/// (<c>dotnet-trace collect -- dotnet MultiAgg.Benchmarks.dll --generator-cost profile warm 20</c>).
/// </summary>
public static class GeneratorCostCommands
{
    public static void Run(string[] args)
    {
        switch (args)
        {
            case ["write", var directory, var repositoryRoot]:
                GeneratorCostProject.Write(directory, repositoryRoot);
                break;
            case ["profile", var kind, .. var rest] when kind is "cold" or "warm":
                Profile(kind, rest.Length > 0 ? int.Parse(rest[0], CultureInfo.InvariantCulture) : 10);
                break;
            default:
                throw new ArgumentException("usage: --generator-cost write <directory> <repository root> | profile cold|warm [runs]");
        }
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private static void Profile(string kind, int runs)
    {
        var benchmark = new GeneratorDriverCost();
        benchmark.Setup();
        var times = new List<double>();
        var cpuTimes = new List<double>();
        var allocated = new List<double>();
        using var process = Process.GetCurrentProcess();
        for (var i = 0; i < runs; i++)
        {
            // CPU time (all threads, the GC's included) hardly moves when other processes load the machine; wall time does.
            process.Refresh();
            var cpu = process.TotalProcessorTime;
            var bytes = GC.GetTotalAllocatedBytes(precise: true);
            var stopwatch = Stopwatch.StartNew();
            _ = kind == "cold" ? benchmark.Cold() : benchmark.Warm();
            times.Add(stopwatch.Elapsed.TotalMilliseconds);
            process.Refresh();
            cpuTimes.Add((process.TotalProcessorTime - cpu).TotalMilliseconds);
            allocated.Add((GC.GetTotalAllocatedBytes(precise: true) - bytes) / 1e6);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{kind}: {runs} runs, median wall {Median(times):F1} ms (min {times.Min():F1}), median CPU {Median(cpuTimes):F1} ms, allocated {Median(allocated):F1} MB"));
    }
}
