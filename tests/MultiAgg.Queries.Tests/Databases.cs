using System.Data.Common;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace MultiAgg.Queries.Tests;

/// <summary>Every command a context sends, to count round trips and read the SQL.</summary>
public sealed class CommandLog : DbCommandInterceptor
{
    private readonly List<string> _commands = [];

    public IReadOnlyList<string> Commands
    {
        get
        {
            lock (_commands)
            {
                return _commands.ToList();
            }
        }
    }

    public void Clear()
    {
        lock (_commands)
        {
            _commands.Clear();
        }
    }

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Record(command);
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Record(command);
        return new(result);
    }

    private void Record(DbCommand command)
    {
        lock (_commands)
        {
            _commands.Add(command.CommandText);
        }
    }
}

/// <summary>A database holding <see cref="Batches"/>: its contexts log their commands to <see cref="Log"/>.</summary>
public abstract class ShopDatabase : IAsyncLifetime
{
    private List<Order>? _rows;

    public abstract string Name { get; }

    public CommandLog Log { get; } = new();

    protected abstract void Configure(DbContextOptionsBuilder<ShopContext> options);

    public ShopContext Open()
    {
        var options = new DbContextOptionsBuilder<ShopContext>();
        Configure(options);
        options.AddInterceptors(Log);
        return new ShopContext(options.Options);
    }

    /// <summary>The rows of a batch, loaded into memory (customers included): what LINQ-to-Objects is compared on.</summary>
    public List<Order> Rows(string batch)
    {
        if (_rows is null)
        {
            using var db = Open();
            _rows = db.Orders.AsNoTracking().Include(static o => o.Customer).OrderBy(static o => o.Id).ToList();
        }

        return _rows.Where(o => o.Batch == batch).ToList();
    }

    public virtual async Task InitializeAsync()
    {
        await using var db = Open();
        await db.Database.EnsureDeletedAsync();
        await db.Database.EnsureCreatedAsync();
        db.Customers.AddRange(Batches.Customers());
        db.Orders.AddRange(Batches.Orders());
        await db.SaveChangesAsync();
        Log.Clear();
    }

    public virtual async Task DisposeAsync()
    {
        await using var db = Open();
        await db.Database.EnsureDeletedAsync();
    }

    public override string ToString() => Name;
}

/// <summary>SQLite in a file of its own: no server.</summary>
public sealed class SqliteShop : ShopDatabase
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"multiagg-queries-{Environment.ProcessId}-{Guid.NewGuid():N}.db");

    public override string Name => "SQLite";

    protected override void Configure(DbContextOptionsBuilder<ShopContext> options) => options.UseSqlite($"Data Source={_path}");

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        File.Delete(_path);
    }
}

/// <summary>
/// PostgreSQL: the server named by <c>MULTIAGG_POSTGRES</c> (a connection string) when it is set, else a throwaway
/// cluster these tests start on a free loopback port and remove afterwards (as the <c>postgres</c> user when run as root,
/// since PostgreSQL refuses to run as root). The tests never skip: without PostgreSQL they fail and say what to install.
/// </summary>
public sealed class PostgresShop : ShopDatabase
{
    private readonly string _database = $"multiagg_queries_{Environment.ProcessId}";
    private PostgresCluster? _cluster;
    private string _connectionString = "";

    public override string Name => "PostgreSQL";

    protected override void Configure(DbContextOptionsBuilder<ShopContext> options) => options.UseNpgsql(_connectionString);

    public override async Task InitializeAsync()
    {
        var server = Environment.GetEnvironmentVariable("MULTIAGG_POSTGRES");
        if (string.IsNullOrWhiteSpace(server))
        {
            _cluster = PostgresCluster.Start();
            server = _cluster.ConnectionString;
        }

        _connectionString = new Npgsql.NpgsqlConnectionStringBuilder(server) { Database = _database }.ConnectionString;
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        try
        {
            await base.DisposeAsync();
        }
        finally
        {
            Npgsql.NpgsqlConnection.ClearAllPools();
            _cluster?.Dispose();
        }
    }
}

/// <summary>A PostgreSQL cluster in a temporary directory, started with initdb and pg_ctl, stopped and deleted on dispose.</summary>
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

/// <summary>One SQLite database and one PostgreSQL server for all query tests.</summary>
public sealed class Databases : IAsyncLifetime
{
    public SqliteShop Sqlite { get; } = new();

    public PostgresShop Postgres { get; } = new();

    public ShopDatabase this[string name] => name == Sqlite.Name ? Sqlite : Postgres;

    public async Task InitializeAsync()
    {
        await Sqlite.InitializeAsync();
        await Postgres.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        try
        {
            await Sqlite.DisposeAsync();
        }
        finally
        {
            await Postgres.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class DatabaseCollection : ICollectionFixture<Databases>
{
    public const string Name = "Databases";
}
