using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;

namespace MultiAgg.Benchmarks;

public static class Program
{
    public static void Main(string[] args)
    {
        // Not benchmarks: the 1,000-method project for GeneratorCost/measure.sh, and a stopwatch harness to profile.
        if (args is ["--generator-cost", .. var command])
        {
            GeneratorCost.GeneratorCostCommands.Run(command);
            return;
        }

        var config = DefaultConfig.Instance
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumn(StatisticColumn.Median, BaselineRatioColumn.RatioMean, BaselineRatioColumn.RatioStdDev);

        // Sized so that each class runs in minutes on a 2-core machine. BenchmarkDotNet
        // uses a config's default job as the base of a command-line `--job`, so `--job short` or
        // `--job dry` would silently keep these counts: add the job only when the user names none.
        if (!NamesAJob(args))
        {
            config = config.AddJob(Job.Default
                .WithLaunchCount(1)
                .WithWarmupCount(3)
                .WithIterationCount(10)
                .AsDefault());
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
    }

    private static bool NamesAJob(string[] args) =>
        args.Any(arg => arg is "--job" or "-j" || arg.StartsWith("--job=", StringComparison.Ordinal));
}
