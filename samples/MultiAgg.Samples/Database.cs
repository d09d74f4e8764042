using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using MultiAgg;
using static MultiAgg.Agg;

namespace MultiAgg.Samples;

/// <summary>
/// The sample's orders in a database: SQLite in memory, no server to start and no file to leave behind. The database
/// lives as long as the connection every context is given stays open.
/// </summary>
public sealed class Shop(DbContextOptions<Shop> options) : DbContext(options)
{
    public DbSet<Order> Orders => Set<Order>();

    public static Shop Open(DbConnection connection, CommandLog log) =>
        new(new DbContextOptionsBuilder<Shop>().UseSqlite(connection).AddInterceptors(log).Options);
}

/// <summary>The commands a context sends: each is a round trip.</summary>
public sealed class CommandLog : DbCommandInterceptor
{
    public List<string> Commands { get; } = [];

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Commands.Add(command.CommandText);
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Commands.Add(command.CommandText);
        return new(result);
    }
}

/// <summary>
/// Summarize and ByRegion's declarations over an <see cref="IQueryable{T}"/>: the generator writes one query each,
/// which the database computes in one scan and one round trip (DESIGN.md §8).
/// </summary>
public static partial class Queries
{
    [Aggregate(Sum, Max, Of = nameof(Order.Total))]
    [Aggregate(Count)]
    [Aggregate(Count, Where = nameof(Order.IsPaid))]
    [Aggregate(Average, Of = nameof(Order.Quantity))]
    [Aggregate(Max, Of = nameof(Order.Discount))]
    public static partial Task<OrderSummary> SummarizeAsync(IQueryable<Order> orders, CancellationToken cancellationToken = default);

    [GroupBy(nameof(Order.Region))]
    [Aggregate(Sum, Of = nameof(Order.Total))]
    [Aggregate(Count, Where = nameof(Order.IsPaid))]
    [Aggregate(Sum, Of = nameof(Discounted))]
    public static partial Dictionary<string, (decimal Revenue, int Paid, decimal AfterDiscounts)> ByRegion(IQueryable<Order> orders);

    // Inlined into the query, since a database cannot call a .NET method.
    private static decimal Discounted(Order order) => order.Total - (order.Discount ?? 0m);
}
