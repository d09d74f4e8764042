using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace MultiAgg.Testing;

// Shared by the query tests and the query benchmarks (linked into both projects).

/// <summary>
/// A PostgreSQL cluster in a temporary directory, started with initdb and pg_ctl on a free loopback port, stopped and
/// deleted on dispose. PostgreSQL refuses to run as root: as root, it runs as the <c>postgres</c> user (runuser).
/// </summary>
public sealed class PostgresCluster : IDisposable
{
    private readonly string _bin;
    private readonly string _directory;
    private readonly bool _asPostgresUser;

    private PostgresCluster(string bin, string directory, bool asPostgresUser, int port)
    {
        (_bin, _directory, _asPostgresUser) = (bin, directory, asPostgresUser);
        ConnectionString = $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=true";
    }

    public string ConnectionString { get; }

    public static PostgresCluster Start()
    {
        var bin = FindBinaries() ?? throw new InvalidOperationException(
            "These tests need PostgreSQL (15 or later): install it (Debian/Ubuntu: apt-get install postgresql), so that initdb and pg_ctl are " +
            "under /usr/lib/postgresql/<version>/bin or on PATH, or set MULTIAGG_POSTGRES to the connection string of a server to use.");
        var asPostgresUser = Environment.UserName == "root";
        var directory = Directory.CreateTempSubdirectory("multiagg-postgres-").FullName;
        var port = FreePort();
        var cluster = new PostgresCluster(bin, directory, asPostgresUser, port);
        try
        {
            if (asPostgresUser)
            {
                Run("chown", "postgres:postgres", directory);
            }

            cluster.RunPostgres("initdb", "-D", directory, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync");
            cluster.RunPostgres("pg_ctl", "-D", directory, "-l", Path.Combine(directory, "log"), "-w", "-t", "60",
                "-o", $"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off", "start");
            return cluster;
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        try
        {
            if (File.Exists(Path.Combine(_directory, "postmaster.pid")))
            {
                RunPostgres("pg_ctl", "-D", _directory, "-m", "fast", "-w", "stop");
            }
        }
        finally
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static string? FindBinaries()
    {
        var candidates = new List<string>();
        if (Directory.Exists("/usr/lib/postgresql"))
        {
            candidates.AddRange(Directory.GetDirectories("/usr/lib/postgresql").OrderByDescending(static d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0).Select(static d => Path.Combine(d, "bin")));
        }

        candidates.AddRange((Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries));
        return candidates.FirstOrDefault(static d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void RunPostgres(string program, params string[] arguments)
    {
        var path = Path.Combine(_bin, program);
        if (_asPostgresUser)
        {
            Run("runuser", ["-u", "postgres", "--", path, .. arguments]);
        }
        else
        {
            Run(path, arguments);
        }
    }

    private static void Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = "/" };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed ({process.ExitCode}): {error}{output.Result}");
        }
    }
}
