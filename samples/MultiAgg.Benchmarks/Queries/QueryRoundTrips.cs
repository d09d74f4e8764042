using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using MultiAgg.Testing;
using Npgsql;
using NpgsqlTypes;
using static MultiAgg.Agg;

namespace MultiAgg.Benchmarks.Queries;

public sealed class Sale
{
    public int Id { get; set; }

    public decimal Total { get; set; }

    public int Quantity { get; set; }

    public bool IsPaid { get; set; }
}

/// <summary>The same sales with the money in cents: integer aggregates, which cost little beside the scan.</summary>
public sealed class CentSale
{
    public int Id { get; set; }

    public long Total { get; set; }

    public int Quantity { get; set; }

    public bool IsPaid { get; set; }
}

public sealed class SalesContext(DbContextOptions<SalesContext> options) : DbContext(options)
{
    public DbSet<Sale> Sales => Set<Sale>();

    public DbSet<CentSale> CentSales => Set<CentSale>();
}

public sealed record SalesSummary(decimal PaidRevenue, decimal LargestPaid, int Paid, int Sales, double AverageQuantity);

public static partial class SalesQueries
{
    [Aggregate(Sum, Max, Count, Of = nameof(Sale.Total), Where = nameof(Sale.IsPaid))]
    [Aggregate(Count)]
    [Aggregate(Average, Of = nameof(Sale.Quantity))]
    public static partial SalesSummary Summarize(IQueryable<Sale> sales);

    [Aggregate(Sum, Max, Count, Of = nameof(CentSale.Total), Where = nameof(CentSale.IsPaid))]
    [Aggregate(Count)]
    [Aggregate(Average, Of = nameof(CentSale.Quantity))]
    public static partial (long PaidRevenue, long LargestPaid, int Paid, int Sales, double AverageQuantity) Summarize(IQueryable<CentSale> sales);
}

/// <summary>
/// Issue 14's measurement: five aggregates of a 1,000,000-row PostgreSQL table, three of them filtered, as five
/// separate queries (five round trips, five scans), as the generated method (one query, one scan), and as
/// <c>ToList()</c> followed by LINQ (one query that downloads every row). PostgreSQL is the server named by
/// <c>MULTIAGG_POSTGRES</c>, else a throwaway cluster started here, as the query tests do. <see cref="Money"/>: the
/// total as <c>numeric</c> (decimal), whose sum and max cost a database more per row than a scan, or as <c>bigint</c> cents.
/// </summary>
public class QueryRoundTrips
{
    [Params("numeric", "bigint")]
    public string Money { get; set; } = "numeric";

    private const int Rows = 1_000_000;

    private PostgresCluster? _cluster;
    private SalesContext _db = null!;

    /// <summary>Round trips per call, counted once in the setup and printed with the results.</summary>
    private readonly CommandCounter _commands = new();

    [GlobalSetup]
    public void Setup()
    {
        var server = Environment.GetEnvironmentVariable("MULTIAGG_POSTGRES");
        if (string.IsNullOrWhiteSpace(server))
        {
            _cluster = PostgresCluster.Start();
            server = _cluster.ConnectionString;
        }

        var connectionString = new NpgsqlConnectionStringBuilder(server) { Database = "multiagg_benchmarks" }.ConnectionString;
        _db = new SalesContext(new DbContextOptionsBuilder<SalesContext>().UseNpgsql(connectionString).AddInterceptors(_commands).Options);
        _db.Database.EnsureDeleted();
        _db.Database.EnsureCreated();
        Load(connectionString, Money == "bigint" ? "CentSales" : "Sales");

        var expected = ToListThenLinq();
        foreach (var (name, run) in new (string, Func<SalesSummary>)[] { ("FiveQueries", FiveQueries), ("Generated", Generated), ("ToListThenLinq", ToListThenLinq) })
        {
            _commands.Count = 0;
            var result = run();
            Check.Equal(expected with { AverageQuantity = 0 }, result with { AverageQuantity = 0 }, name);
            Check.Close(expected.AverageQuantity, result.AverageQuantity, 1e-9, name);
            Console.WriteLine($"// {name}: {_commands.Count} round trip(s)");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _db.Database.EnsureDeleted();
        _db.Dispose();
        NpgsqlConnection.ClearAllPools();
        _cluster?.Dispose();
    }

    [Benchmark(Baseline = true)]
    public SalesSummary FiveQueries()
    {
        if (Money == "bigint")
        {
            var paidCents = _db.CentSales.Where(static s => s.IsPaid);
#pragma warning disable MAGG002 // the baseline: one query per aggregate, on purpose
            return new SalesSummary(
                paidCents.Sum(static s => s.Total),
                paidCents.Max(static s => s.Total),
                paidCents.Count(),
                _db.CentSales.Count(),
                _db.CentSales.Average(static s => s.Quantity));
#pragma warning restore MAGG002
        }

        var paid = _db.Sales.Where(static s => s.IsPaid);
#pragma warning disable MAGG002 // the baseline: one query per aggregate, on purpose
        return new SalesSummary(
            paid.Sum(static s => s.Total),
            paid.Max(static s => s.Total),
            paid.Count(),
            _db.Sales.Count(),
            _db.Sales.Average(static s => s.Quantity));
#pragma warning restore MAGG002
    }

    [Benchmark]
    public SalesSummary Generated()
    {
        if (Money == "bigint")
        {
            var (paidRevenue, largestPaid, paid, sales, averageQuantity) = SalesQueries.Summarize(_db.CentSales);
            return new SalesSummary(paidRevenue, largestPaid, paid, sales, averageQuantity);
        }

        return SalesQueries.Summarize(_db.Sales);
    }

    [Benchmark]
    public SalesSummary ToListThenLinq()
    {
        if (Money == "bigint")
        {
            var cents = _db.CentSales.AsNoTracking().ToList();
            var paidCents = cents.Where(static s => s.IsPaid).ToList();
            return new SalesSummary(paidCents.Sum(static s => s.Total), paidCents.Max(static s => s.Total), paidCents.Count, cents.Count, cents.Average(static s => s.Quantity));
        }

        var sales = _db.Sales.AsNoTracking().ToList();
        var paid = sales.Where(static s => s.IsPaid).ToList();
        return new SalesSummary(paid.Sum(static s => s.Total), paid.Max(static s => s.Total), paid.Count, sales.Count, sales.Average(static s => s.Quantity));
    }

    /// <summary>The rows through COPY (seconds, not the minutes of a million INSERTs), then ANALYZE and VACUUM for the planner.</summary>
    private static void Load(string connectionString, string table)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        var random = new Random(14);
        using (var import = connection.BeginBinaryImport($"COPY \"{table}\" (\"Total\", \"Quantity\", \"IsPaid\") FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 0; i < Rows; i++)
            {
                import.StartRow();
                var total = Math.Round((decimal)random.NextDouble() * 1000m, 2);
                if (table == "CentSales")
                {
                    import.Write((long)(total * 100), NpgsqlDbType.Bigint);
                }
                else
                {
                    import.Write(total, NpgsqlDbType.Numeric);
                }

                import.Write(random.Next(1, 20), NpgsqlDbType.Integer);
                import.Write(random.Next(4) != 0, NpgsqlDbType.Boolean);
            }

            import.Complete();
        }

        using var analyze = new NpgsqlCommand($"VACUUM ANALYZE \"{table}\"", connection);
        analyze.ExecuteNonQuery();
    }

    private sealed class CommandCounter : DbCommandInterceptor
    {
        public int Count { get; set; }

        public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
        {
            Count++;
            return result;
        }

        public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
        {
            Count++;
            return result;
        }
    }
}
