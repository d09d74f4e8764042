using MultiAgg.Generators.Analyzers;
using MultiAgg.Generators.Tests.Infrastructure;

namespace MultiAgg.Generators.Tests;

/// <summary>
/// A query held as the class that implements it (EF Core's <c>DbSet&lt;T&gt;</c>, another ORM's table), not only as
/// <c>IQueryable&lt;T&gt;</c>: a parameter, a local, <c>db.Set&lt;T&gt;()</c> and an <c>IQueryable&lt;T&gt;</c> local
/// given a set are tracked like any query (MAGG002). Collections that implement <c>IEnumerable&lt;T&gt;</c> stay
/// materialized.
/// </summary>
public class HeldQueryTests
{
    private const string Prelude = TestSources.DbSetPrelude + """
        public sealed class Order { public int Id { get; set; } public bool Open { get; set; } }

        public class Db { public DbSet<Order> Orders { get; } = new(); public DbSet<T> Set<T>() => new(); }

        """;

    public static TheoryData<string, string> Cases => new()
    {
        { "a set as a parameter", """
            class C { int M(DbSet<Order> orders) => orders.Count() + {|MAGG002:orders|}.Count(o => o.Open); }
            """ },
        { "a set in a local", """
            class C { bool M(Db db) { var orders = db.Orders; return orders.Any() && {|MAGG002:orders|}.ToList().Count > 1; } }
            """ },
        { "Set<T>() in a local", """
            class C { int M(Db db) { var orders = db.Set<Order>(); return orders.Count() + {|MAGG002:orders|}.Max(o => o.Id); } }
            """ },
        { "an IQueryable<T> local given a set", """
            class C { int M(Db db) { IQueryable<Order> orders = db.Orders; return orders.Count() + {|MAGG002:orders|}.Count(o => o.Open); } }
            """ },
        { "a set read once, then a different query built on it", """
            class C { int M(DbSet<Order> orders) => orders.Count() + orders.Where(o => o.Open).Count(); }
            """ },
        { "a list is materialized: read as often as you like", """
            class C { int M(List<Order> orders) => orders.Count() + orders.Count(o => o.Open) + orders.Max(o => o.Id); }
            """ },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task ReportsExactlyTheMarkedSpans(string name, string member)
    {
        _ = name;
        await AnalyzerRunner.VerifyAsync(Prelude + member, new MultipleEnumerationAnalyzer());
    }
}
