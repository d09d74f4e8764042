using MultiAgg.Samples.Shared;

namespace MultiAgg.Crawl;

/// <summary>
/// The bounded-concurrency async aggregation harness (seed 002: a million requests, at most 1,000 in flight, summing
/// response sizes, watching the client's memory). See README.md beside this file.
/// </summary>
public static class Program
{
    /// <summary>The server's default maximum delay: 100,000 requests take a few seconds on 2 cores (README.md).</summary>
    public const int DefaultMaxDelayMs = 20;

    private const string Usage = """
        usage:
          server [--max-delay-ms D]
          client --approach A --requests N [--concurrency C] --url BASE
          yield --approach A --count N [--concurrency C]
          measure [--sizes 10000,100000,1000000] [--yield-counts 1000000,10000000] [--approaches multiagg,whenall,foreachasync]
                  [--max-delay-ms D] [--concurrency 1000] [--timeout-s 1800] [--heap-limit-mb M] [--gen0-mb M]
        approaches: multiagg, whenall, foreachasync
        """;

    public static async Task<int> Main(string[] args)
    {
        try
        {
            if (args.Length == 0)
            {
                throw new UsageException("no command");
            }

            var options = Options.Parse(args.AsSpan(1));
            return args[0] switch
            {
                "server" => await ServeAsync(options),
                "client" => await Approaches.RunAsync(overHttp: true, options),
                "yield" => await Approaches.RunAsync(overHttp: false, options),
                "measure" => await Measure.RunAsync(options),
                "help" or "--help" or "-h" => Help(),
                _ => throw new UsageException($"unknown command '{args[0]}'"),
            };
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine(e.Message);
            Console.Error.WriteLine(Usage);
            return 2;
        }
    }

    private static int Help()
    {
        Console.WriteLine(Usage);
        return 0;
    }

    /// <summary>The <c>server</c> command: a <see cref="LocalServer"/> until standard input closes.</summary>
    private static async Task<int> ServeAsync(Options options)
    {
        var maxDelayMs = options.Int("max-delay-ms", DefaultMaxDelayMs);
        options.RejectUnknown();
        await using var server = await LocalServer.StartAsync(TimeSpan.FromMilliseconds(maxDelayMs));
        Console.Out.WriteLine($"listening on {server.BaseAddress}");
        Console.Out.Flush();
        using var input = Console.OpenStandardInput();
        await input.CopyToAsync(Stream.Null);
        return 0;
    }
}
