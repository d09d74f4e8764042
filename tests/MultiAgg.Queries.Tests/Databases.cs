using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using MultiAgg.Testing;

namespace MultiAgg.Queries.Tests;

/// <summary>Every command a context sends, to count round trips and read the SQL.</summary>
public sealed class CommandLog : DbCommandInterceptor
{
    private readonly List<string> _commands = [];

    private int _asynchronous;

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

    /// <summary>How many of <see cref="Commands"/> were executed through the asynchronous reader.</summary>
    public int ExecutedAsynchronously
    {
        get
        {
            lock (_commands)
            {
                return _asynchronous;
            }
        }
    }

    public void Clear()
    {
        lock (_commands)
        {
            _commands.Clear();
            _asynchronous = 0;
        }
    }

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Record(command, asynchronously: false);
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Record(command, asynchronously: true);
        return new(result);
    }

    private void Record(DbCommand command, bool asynchronously)
    {
        lock (_commands)
        {
            _commands.Add(command.CommandText);
            _asynchronous += asynchronously ? 1 : 0;
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
    private readonly string _database = $"multiagg_queries_{Guid.NewGuid():N}"; // two runs sharing a server never drop each other's
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

        await using var db = Open();
        db.Orders.AddRange(Batches.PostgresOnlyScores());
        await db.SaveChangesAsync();
        Log.Clear();
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
