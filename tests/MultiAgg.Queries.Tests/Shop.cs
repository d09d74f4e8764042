using Microsoft.EntityFrameworkCore;

namespace MultiAgg.Queries.Tests;

/// <summary>The rows every query test reads; <see cref="Batch"/> picks a scenario out of one table.</summary>
public sealed class Order
{
    public int Id { get; set; }

    public string Batch { get; set; } = "";

    public string Region { get; set; } = "";

    public string? Note { get; set; }

    public decimal Total { get; set; }

    public int Quantity { get; set; }

    public int? MaybeQuantity { get; set; }

    public double Score { get; set; }

    public float? Weight { get; set; }

    public bool IsPaid { get; set; }

    public long Big { get; set; }

    public ulong Unsigned { get; set; }

    /// <summary>When the order was placed, in UTC (Npgsql writes only UTC to a <c>timestamptz</c>).</summary>
    public DateTimeOffset Placed { get; set; }

    public int CustomerId { get; set; }

    public Customer Customer { get; set; } = null!;

    /// <summary>An optional navigation: a path through it is a left join, which gives null where there is no referrer.</summary>
    public int? ReferrerId { get; set; }

    public Customer? Referrer { get; set; }
}

public sealed class Customer
{
    public int Id { get; set; }

    public int Age { get; set; }
}

public sealed class ShopContext(DbContextOptions<ShopContext> options) : DbContext(options)
{
    public DbSet<Order> Orders => Set<Order>();

    public DbSet<Customer> Customers => Set<Customer>();
}

/// <summary>The scenarios: rows with every kind of value, and rows whose totals overflow.</summary>
public static class Batches
{
    /// <summary>240 orders over five regions (one lower-case), with nulls, paid and unpaid, negative and fractional values.</summary>
    public const string Main = "main";

    /// <summary>Quantities int.MaxValue, int.MaxValue and -int.MaxValue: the total fits an int, a running prefix does not.</summary>
    public const string PrefixOverflow = "prefix";

    /// <summary>Quantities int.MaxValue and 1: the total does not fit an int, but a long.</summary>
    public const string IntOverflow = "int";

    /// <summary>Big = long.MaxValue twice: the total does not fit 64 bits, where the database's arithmetic decides.</summary>
    public const string LongOverflow = "long";

    /// <summary>
    /// Big = long.MaxValue, 1, -1 in that order: the total fits 64 bits, the running total after the second row does not.
    /// </summary>
    public const string LongPrefixOverflow = "longprefix";

    /// <summary>
    /// MaybeQuantity 50, null, 20 and a referrer (ages 27, 36) on the first and last order only: values SQL sees as
    /// null where C# does not (a comparison with null, a path through a missing referrer).
    /// </summary>
    public const string NullOperands = "nulls";

    /// <summary>
    /// Unsigned = 2^64 - 11, 4 and 6: values past long.MaxValue, a total of exactly ulong.MaxValue, which no 64-bit signed
    /// sum holds.
    /// </summary>
    public const string Unsigned = "ulong";

    /// <summary>
    /// Unsigned = long.MaxValue, long.MaxValue and 1: values a 64-bit signed integer holds, a total of ulong.MaxValue,
    /// which it does not.
    /// </summary>
    public const string UnsignedPastLong = "ulongtotal";

    /// <summary>Total = decimal.MaxValue twice: a total past decimal's range, which the database's numeric holds.</summary>
    public const string DecimalOverflow = "decimal";

    /// <summary>A batch no row belongs to: an empty source.</summary>
    public const string None = "none";

    /// <summary>
    /// Score = 1.5, NaN and -2, on PostgreSQL only (<see cref="PostgresOnlyScores"/>): SQLite stores NaN as null, which the Score
    /// column does not take.
    /// </summary>
    public const string NaN = "nan";

    /// <summary>Score = -0.0, then +0.0, on PostgreSQL only (<see cref="PostgresOnlyScores"/>): two equal values told apart by their sign.</summary>
    public const string SignedZeros = "zeros";

    public static List<Customer> Customers() => Enumerable.Range(1, 7).Select(static i => new Customer { Id = i, Age = 18 + (i * 9 % 50) }).ToList();

    public static List<Order> Orders()
    {
        var random = new Random(20261130);
        string[] regions = ["East", "West", "North", "South", "east"];
        string?[] notes = ["gift", "rush", null, "Gift", "bulk", null];
        var orders = new List<Order>();
        for (var i = 0; i < 240; i++)
        {
            orders.Add(new Order
            {
                Batch = Batches.Main,
                Region = regions[random.Next(regions.Length)],
                Note = notes[random.Next(notes.Length)],
                Total = Math.Round((decimal)(random.NextDouble() * 2000 - 100), 2),
                Quantity = random.Next(-5, 500),
                MaybeQuantity = random.Next(4) == 0 ? null : random.Next(1, 100),
                Score = Math.Round(random.NextDouble() * 100, 3),
                Weight = random.Next(5) == 0 ? null : (float)Math.Round(random.NextDouble() * 10, 2),
                IsPaid = random.Next(3) != 0,
                Big = random.NextInt64(-1_000_000_000_000, 1_000_000_000_000),
                CustomerId = 1 + random.Next(7),
                Placed = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(random.Next(500_000)),
            });
        }

        orders.AddRange(Quantities(PrefixOverflow, int.MaxValue, int.MaxValue, -int.MaxValue));
        orders.AddRange(Quantities(IntOverflow, int.MaxValue, 1));
        orders.Add(new Order { Batch = LongOverflow, Region = "East", Big = long.MaxValue, CustomerId = 1 });
        orders.Add(new Order { Batch = LongOverflow, Region = "East", Big = long.MaxValue, CustomerId = 1 });
        orders.AddRange(Enumerable.Repeat(DecimalOverflow, 2).Select(static batch => new Order { Batch = batch, Region = "East", Total = decimal.MaxValue, CustomerId = 1 }));
        orders.AddRange(new[] { long.MaxValue, 1, -1 }.Select(static big => new Order { Batch = LongPrefixOverflow, Region = "East", Big = big, CustomerId = 1 }));
        orders.AddRange(new[] { ulong.MaxValue - 10, 4UL, 6UL }.Select(static value => new Order { Batch = Unsigned, Region = "East", Unsigned = value, CustomerId = 1 }));
        orders.AddRange(new[] { (ulong)long.MaxValue, (ulong)long.MaxValue, 1UL }.Select(static value => new Order { Batch = UnsignedPastLong, Region = "East", Unsigned = value, CustomerId = 1 }));
        orders.Add(new Order { Batch = NullOperands, Region = "East", MaybeQuantity = 50, CustomerId = 1, ReferrerId = 1 });
        orders.Add(new Order { Batch = NullOperands, Region = "East", MaybeQuantity = null, CustomerId = 2 });
        orders.Add(new Order { Batch = NullOperands, Region = "East", MaybeQuantity = 20, CustomerId = 3, ReferrerId = 2 });
        return orders;
    }

    public static IEnumerable<Order> PostgresOnlyScores() =>
        new[] { 1.5, double.NaN, -2 }.Select(static score => new Order { Batch = NaN, Region = "East", Score = score, CustomerId = 1 })
            .Concat(new[] { -0.0, 0.0 }.Select(static score => new Order { Batch = SignedZeros, Region = "East", Score = score, CustomerId = 1 }));

    private static IEnumerable<Order> Quantities(string batch, params int[] quantities) =>
        quantities.Select(q => new Order { Batch = batch, Region = "East", Quantity = q, CustomerId = 1 });
}
