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

    private static void Profile(string kind, int runs)
    {
        var benchmark = new GeneratorDriverCost();
        benchmark.Setup();
        var times = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var stopwatch = Stopwatch.StartNew();
            _ = kind == "cold" ? benchmark.Cold() : benchmark.Warm();
            times.Add(stopwatch.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{kind}: {runs} runs, median {times[times.Count / 2]:F1} ms, min {times[0]:F1} ms, max {times[^1]:F1} ms"));
    }
}
