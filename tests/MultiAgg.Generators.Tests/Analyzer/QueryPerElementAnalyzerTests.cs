using MultiAgg.Generators.Analyzers;
using MultiAgg.Generators.Tests.Infrastructure;

namespace MultiAgg.Generators.Tests;

/// <summary>
/// MAGG004: a query built from a loop's element and executed once per element (N+1), marked up at the executing call
/// as {|MAGG004:ToList|}. Loops that query a different batch or page on purpose, queries over data in memory,
/// expression trees and queries that do not depend on the element report nothing.
/// </summary>
public class QueryPerElementAnalyzerTests
{
    /// <summary>A DbContext-like shape: a set that is a query (and has Find), EF Core-style async operators.</summary>
    private const string Header = TestSources.DbSetPrelude + """
        public sealed class Customer { public int Id { get; set; } public string Name { get; set; } = ""; public List<Order> Orders { get; } = new(); }
        public sealed class Order { public int Id { get; set; } public int CustomerId { get; set; } public decimal Total { get; set; } }

        public sealed class Shop
        {
            public DbSet<Customer> Customers { get; } = new();
            public DbSet<Order> Orders { get; } = new();
        }

        public static class EntityFrameworkQueryableExtensions
        {
            public static Task<List<T>> ToListAsync<T>(this IQueryable<T> source) => Task.FromResult(source.ToList());
            public static Task<int> CountAsync<T>(this IQueryable<T> source) => Task.FromResult(source.Count());
            public static Task<T?> FirstOrDefaultAsync<T>(this IQueryable<T> source, Expression<Func<T, bool>> predicate) => Task.FromResult(source.FirstOrDefault(predicate));
            public static Task ForEachAsync<T>(this IQueryable<T> source, Action<T> action) { foreach (var row in source) action(row); return Task.CompletedTask; }
        }

        """;

    public static TheoryData<string, string> Cases => new()
    {
        { "a query per customer in List<T> and Array searches, which run their predicate per element", """
            class C
            {
                int M(Shop db, List<Customer> customers, Customer[] all) =>
                    customers.RemoveAll(c => !db.Orders.Where(o => o.CustomerId == c.Id).{|MAGG004:Any|}())
                    + (Array.Exists(all, c => db.Orders.Where(o => o.CustomerId == c.Id).{|MAGG004:Count|}() > 3) ? 1 : 0);
            }
            """ },
        { "a query per customer in the action a provider's ForEachAsync runs for each row", """
            class C
            {
                async Task<int> M(Shop db)
                {
                    var many = 0;
                    await db.Customers.ForEachAsync(c => many += db.Orders.Where(o => o.CustomerId == c.Id).{|MAGG004:Count|}() > 3 ? 1 : 0);
                    return many;
                }
            }
            """ },
        { "a query per customer, built up by assigning it again in the loop", """
            class C
            {
                int M(Shop db, List<Customer> customers, bool onlyLarge)
                {
                    var n = 0;
                    foreach (var c in customers)
                    {
                        var orders = db.Orders.AsQueryable();
                        orders = orders.Where(o => o.CustomerId == c.Id);
                        if (onlyLarge) orders = orders.Where(o => o.Total > 100);
                        n += orders.{|MAGG004:Count|}();
                    }

                    return n;
                }
            }
            """ },
        { "a query per row whose rows are dictionaries, which enumerate their entries but are no batch", """
            class C
            {
                int M(Shop db, List<Dictionary<string, string>> rows, IEnumerable<System.Dynamic.ExpandoObject> objects)
                {
                    var n = 0;
                    foreach (var row in rows)
                    {
                        var name = row["Name"];
                        n += db.Customers.Where(c => c.Name == name).{|MAGG004:Count|}();
                    }

                    foreach (var o in objects)
                    {
                        if (((IDictionary<string, object?>)o).TryGetValue("Id", out var id))
                            n += db.Orders.Where(x => x.Id == (int)id!).{|MAGG004:Count|}();
                    }

                    return n;
                }
            }
            """ },
        { "a query per hash, a byte array that is one value (a hash, a row version), not a batch of them", """
            public sealed class Blob { public int Id { get; set; } public byte[] Sha256 { get; set; } = []; }
            class C
            {
                int M(Shop db, List<byte[]> hashes, IQueryable<Blob> blobs)
                {
                    var n = 0;
                    foreach (var hash in hashes)
                        n += blobs.Where(b => b.Sha256 == hash).{|MAGG004:Count|}();
                    return n;
                }
            }
            """ },
        { "no report for a query per set of a dictionary of sets, which the query joins: a query per database", """
            class C
            {
                async Task<int> M(Shop db)
                {
                    var sets = new Dictionary<string, IQueryable<Customer>> { ["all"] = db.Customers, ["named"] = db.Customers.Where(c => c.Name != "") };
                    var n = 0;
                    foreach (var pair in sets)
                    {
                        var (name, customers) = (pair.Key, pair.Value);
                        var query = from o in db.Orders join c in customers on o.CustomerId equals c.Id where c.Name != name select o;
                        n += (await query.ToListAsync()).Count;
                        var direct = from o in db.Orders join c in pair.Value on o.CustomerId equals c.Id where c.Name != pair.Key select o;
                        n += (await direct.ToListAsync()).Count;
                    }

                    return n;
                }
            }
            """ },
        { "a query per key of a dictionary of sets that reads the key alone", """
            class C
            {
                int M(Shop db, Dictionary<int, IQueryable<Order>> ordersByCustomer)
                {
                    var n = 0;
                    foreach (var pair in ordersByCustomer)
                        n += db.Customers.Where(c => c.Id == pair.Key).{|MAGG004:Count|}();

                    foreach (var pair in ordersByCustomer)
                    {
                        var customers = db.Customers.Where(c => c.Id == pair.Key);
                        n += customers.{|MAGG004:Count|}();
                    }

                    return n;
                }
            }
            """ },
        { "no report for messages read as they arrive: a channel's, a blocking collection's", """
            class C
            {
                async Task<int> M(Shop db, System.Threading.Channels.Channel<int> ids, System.Collections.Concurrent.BlockingCollection<int> queue)
                {
                    var n = 0;
                    await foreach (var id in ids.Reader.ReadAllAsync())
                        n += db.Orders.Where(o => o.CustomerId == id).Count();

                    await foreach (var id in ids.Reader.ReadAllAsync().ConfigureAwait(false))
                        n += db.Orders.Where(o => o.CustomerId == id).Count();

                    var arriving = ids.Reader.ReadAllAsync();
                    await foreach (var id in arriving)
                        n += db.Orders.Where(o => o.CustomerId == id).Count();

                    foreach (var id in queue.GetConsumingEnumerable())
                        n += db.Orders.Where(o => o.CustomerId == id).Count();

                    return n;
                }
            }
            """ },
        { "a query per customer in a foreach", """
            class C
            {
                decimal M(Shop db, List<Customer> customers)
                {
                    decimal total = 0;
                    foreach (var customer in customers)
                    {
                        var orders = db.Orders.Where(o => o.CustomerId == customer.Id).{|MAGG004:ToList|}();
                        total += orders.Sum(o => o.Total);
                    }

                    return total;
                }
            }
            """ },
        { "a query per customer flattened by SelectMany", """
            class C
            {
                List<Order> M(Shop db, List<Customer> customers) =>
                    customers.SelectMany(c => {|MAGG004:db.Orders.Where(o => o.CustomerId == c.Id)|}).ToList();

                List<Order> Block(Shop db, List<Customer> customers) =>
                    customers.SelectMany(c =>
                    {
                        var id = c.Id;
                        return {|MAGG004:db.Orders.Where(o => o.CustomerId == id)|};
                    }).ToList();

                List<Order> NotPerElement(Shop db, List<Customer> customers) =>
                    // In memory, translated by the provider, or a nested lambda's own return: no query per customer.
                    customers.SelectMany(c => c.Orders)
                        .Concat(db.Customers.SelectMany(c => db.Orders.Where(o => o.CustomerId == c.Id)))
                        .Concat(customers.SelectMany(c => c.Orders.Select(o => o)))
                        .ToList();
            }
            """ },
        { "a collection built from a query per customer", """
            class C
            {
                int M(Shop db, List<Customer> customers)
                {
                    var found = 0;
                    foreach (var customer in customers)
                    {
                        var orders = new {|MAGG004:List<Order>|}(db.Orders.Where(o => o.CustomerId == customer.Id));
                        var ids = new {|MAGG004:HashSet<int>|}(db.Orders.Where(o => o.CustomerId == customer.Id).Select(o => o.Id));
                        found += orders.Count + ids.Count;
                    }

                    return found;
                }

                List<Order> Once(Shop db, List<Customer> customers)
                {
                    // Built once, before the loop: no N+1; nor a list given a capacity, or the rows of the element itself.
                    var all = new List<Order>(db.Orders);
                    foreach (var customer in customers)
                    {
                        var mine = new List<Order>(customer.Orders);
                        var sized = new List<Order>(customer.Id);
                        all.AddRange(mine);
                    }

                    return all;
                }
            }
            """ },
        { "a query per customer spread into a collection expression, what IDE0305 makes of ToList", """
            class C
            {
                int M(Shop db, List<Customer> customers)
                {
                    var found = 0;
                    foreach (var customer in customers)
                    {
                        List<Order> orders = [{|MAGG004:..|} db.Orders.Where(o => o.CustomerId == customer.Id)];
                        int[] ids = [0, {|MAGG004:..|} db.Orders.Where(o => o.CustomerId == customer.Id).Select(o => o.Id).AsEnumerable()];
                        found += orders.Count + ids.Length;
                    }

                    return found;
                }

                List<Order> Once(Shop db, List<Customer> customers)
                {
                    // Spread once, before the loop, or the rows of the element itself: no N+1.
                    List<Order> all = [.. db.Orders];
                    foreach (var customer in customers)
                    {
                        List<Order> mine = [.. customer.Orders];
                        all.AddRange(mine);
                    }

                    return all;
                }
            }
            """ },
        { "a query per customer kept in a local read in memory", """
            class C
            {
                static int Listed(IEnumerable<Order> orders) => orders.Count();

                decimal M(Shop db, List<Customer> customers)
                {
                    var total = 0m;
                    foreach (var c in customers)
                    {
                        var rows = db.Orders.Where(o => o.CustomerId == c.Id).AsEnumerable();
                        IEnumerable<Order> same = db.Orders.Where(o => o.CustomerId == c.Id);
                        total += rows.{|MAGG004:Sum|}(o => o.Total) + {|MAGG004:Listed|}(same);
                        foreach (var o in {|MAGG004:same|}) total += o.Total;
                    }

                    return total;
                }

                decimal Loaded(Shop db, List<Customer> customers)
                {
                    // Read into a list once, or the element's own rows: no query per customer.
                    var total = 0m;
                    var all = db.Orders.ToList();
                    foreach (var c in customers)
                    {
                        var rows = all.Where(o => o.CustomerId == c.Id);
                        IEnumerable<Order> own = c.Orders;
                        total += rows.Sum(o => o.Total) + own.Count();
                    }

                    return total;
                }

                int Filtered(Shop db, List<Customer> customers)
                {
                    // The whole set read in memory and filtered there, per customer: the same command each time (MAGG002's).
                    IEnumerable<Order> every = db.Orders;
                    var n = 0;
                    foreach (var c in customers)
                    {
                        n += every.Count(o => o.CustomerId == c.Id);
                        int[] ids = [.. every.Where(o => o.CustomerId == c.Id).Select(o => o.Id)];
                        n += ids.Length;
                    }

                    return n;
                }
            }
            """ },
        { "an [Aggregate] method over a query built from the element", """
            static partial class Stats
            {
                [MultiAgg.Aggregate(MultiAgg.Agg.Sum, MultiAgg.Agg.Count, Of = nameof(Order.Total))]
                public static partial (decimal Total, int Count) Of(IQueryable<Order> orders);
                public static partial (decimal Total, int Count) Of(IQueryable<Order> orders) => (0, 0); // the generator's part
            }

            class C
            {
                decimal M(Shop db, List<Customer> customers)
                {
                    decimal total = 0;
                    foreach (var customer in customers)
                    {
                        total += Stats.{|MAGG004:Of|}(db.Orders.Where(o => o.CustomerId == customer.Id)).Total;
                    }

                    return total;
                }
            }
            """ },
        { "an [Aggregate] method's query that is not its source", """
            static partial class Stats
            {
                [MultiAgg.Aggregate(MultiAgg.Agg.Count, Where = nameof(IsKnown))]
                public static partial int CountKnown(IEnumerable<int> ids, IQueryable<Order> orders);
                public static partial int CountKnown(IEnumerable<int> ids, IQueryable<Order> orders) => 0; // the generator's part

                private static bool IsKnown(int id, IQueryable<Order> orders) => id > 0;
            }

            class C
            {
                int M(Shop db, List<Customer> customers)
                {
                    var n = 0;
                    foreach (var customer in customers)
                    {
                        n += Stats.CountKnown(orders: db.Orders.Where(o => o.CustomerId == customer.Id), ids: new[] { 1, 2 });
                    }

                    return n;
                }
            }
            """ },
        { "an [Aggregate] method's source named after another argument", """
            static partial class Stats
            {
                [MultiAgg.Aggregate(MultiAgg.Agg.Count, Where = nameof(IsAbove))]
                public static partial int CountAbove(IQueryable<Order> orders, IQueryable<Customer> customers);
                public static partial int CountAbove(IQueryable<Order> orders, IQueryable<Customer> customers) => 0; // the generator's part

                private static bool IsAbove(Order order, IQueryable<Customer> customers) => order.Total > 0;
            }

            class C
            {
                int M(Shop db, List<Customer> customers)
                {
                    var n = 0;
                    foreach (var customer in customers)
                    {
                        n += Stats.{|MAGG004:CountAbove|}(customers: db.Customers, orders: db.Orders.Where(o => o.CustomerId == customer.Id));
                    }

                    return n;
                }
            }
            """ },
        { "an awaited count per element, and Find by its key", """
            class C
            {
                async Task<int> M(Shop db, IEnumerable<int> ids)
                {
                    var n = 0;
                    foreach (var id in ids)
                    {
                        n += await db.Orders.Where(o => o.CustomerId == id).{|MAGG004:CountAsync|}();
                        var customer = db.Customers.{|MAGG004:Find|}(id);
                    }

                    return n;
                }
            }
            """ },
        { "a predicate that reads the element, in an await foreach over a stream", """
            class C
            {
                async Task M(Shop db, IAsyncEnumerable<Order> stream)
                {
                    await foreach (var order in stream)
                    {
                        var customer = await db.Customers.{|MAGG004:FirstOrDefaultAsync|}(c => c.Id == order.CustomerId);
                    }
                }
            }
            """ },
        { "a foreach over a query inside a foreach", """
            class C
            {
                void M(Shop db, Customer[] customers)
                {
                    foreach (var customer in customers)
                    {
                        foreach (var order in {|MAGG004:db.Orders.Where(o => o.CustomerId == customer.Id)|})
                        {
                            Console.WriteLine(order.Total);
                        }
                    }
                }
            }
            """ },
        { "a lambda LINQ to Objects runs per element", """
            class C
            {
                List<int> M(Shop db, List<Customer> customers) =>
                    customers.Select(c => db.Orders.{|MAGG004:Count|}(o => o.CustomerId == c.Id)).ToList();
            }
            """ },
        { "an outer loop's element, read in an inner loop", """
            class C
            {
                void M(Shop db, List<Customer> customers, string[] labels)
                {
                    foreach (var customer in customers)
                    {
                        foreach (var label in labels)
                        {
                            Console.WriteLine(label + db.Orders.{|MAGG004:Count|}(o => o.CustomerId == customer.Id));
                        }
                    }
                }
            }
            """ },
        { "not N+1: one query for all the elements, before the loop", """
            class C
            {
                void M(Shop db, List<Customer> customers)
                {
                    var ids = customers.Select(c => c.Id).ToList();
                    var byCustomer = db.Orders.Where(o => ids.Contains(o.CustomerId)).ToList().ToLookup(o => o.CustomerId);
                    foreach (var customer in customers)
                    {
                        Console.WriteLine(byCustomer[customer.Id].Count());
                    }
                }
            }
            """ },
        { "not N+1: batches of keys (Chunk) and pages (Skip/Take)", """
            class C
            {
                void M(Shop db, List<int> ids, int pages)
                {
                    foreach (var batch in ids.Chunk(500))
                    {
                        var orders = db.Orders.Where(o => batch.Contains(o.CustomerId)).ToList();
                    }

                    foreach (var page in Enumerable.Range(0, pages))
                    {
                        var rows = db.Orders.OrderBy(o => o.Id).Skip(page * 100).Take(100).ToList();
                        var shown = db.Orders.OrderBy(o => o.Id).Skip(page * 100).Take(100).Select(o => new { o.Id, Page = page }).ToList();
                    }

                    for (var i = 0; i < pages; i++)
                    {
                        var rows = db.Orders.Where(o => o.Id > i).ToList();
                    }
                }
            }
            """ },
        { "not N+1: data in memory, an expression tree, a query that ignores the element", """
            class C
            {
                void M(Shop db, List<Customer> customers, List<Order> orders)
                {
                    var local = orders.AsQueryable();
                    foreach (var customer in customers)
                    {
                        var mine = orders.AsQueryable().Where(o => o.CustomerId == customer.Id).ToList();
                        var again = local.Where(o => o.CustomerId == customer.Id).Count();
                        Console.WriteLine(customer.Orders.Count(o => o.Total > 0));
                    }

                    // Translated by the provider into one query: the inner Count runs on the server, not per element here.
                    var counts = db.Customers.Select(c => new { c.Name, Orders = db.Orders.Count(o => o.CustomerId == c.Id) }).ToList();
                }
            }
            """ },
        { "a query per customer over a set's AsQueryable(), which is the set, not data in memory", """
            public static class SetQueries
            {
                public static IQueryable<T> AsQueryable<T>(this DbSet<T> set) => set;   // as EF Core's DbSet<T>.AsQueryable()
            }

            class C
            {
                int M(Shop db, List<Customer> customers)
                {
                    var n = 0;
                    foreach (var customer in customers)
                    {
                        n += db.Orders.AsQueryable().Where(o => o.CustomerId == customer.Id).{|MAGG004:Count|}();
                        n += Queryable.AsQueryable(db.Orders).Where(o => o.CustomerId == customer.Id).{|MAGG004:Count|}();
                    }

                    return n;
                }
            }
            """ },
        { "a query per customer read in memory through AsEnumerable or AsAsyncEnumerable, which still runs it", """
            public static class Streams
            {
                public static async IAsyncEnumerable<T> AsAsyncEnumerable<T>(this IQueryable<T> source)
                {
                    foreach (var row in source) yield return row;
                    await Task.Yield();
                }
            }

            class C
            {
                async Task<int> M(Shop db, List<Customer> customers)
                {
                    var n = 0;
                    foreach (var customer in customers)
                    {
                        n += db.Orders.Where(o => o.CustomerId == customer.Id).AsEnumerable().{|MAGG004:Count|}(o => o.Total > 0);
                        n += db.Orders.Where(o => o.CustomerId == customer.Id).AsEnumerable().Where(o => o.Total > 0).{|MAGG004:ToList|}().Count;
                        foreach (var order in {|MAGG004:db.Orders.Where(o => o.CustomerId == customer.Id).AsEnumerable()|})
                            n++;
                        await foreach (var order in {|MAGG004:db.Orders.Where(o => o.CustomerId == customer.Id).AsAsyncEnumerable()|})
                            n++;
                        await foreach (var order in {|MAGG004:db.Orders.Where(o => o.CustomerId == customer.Id).AsAsyncEnumerable().WithCancellation(default)|})
                            n++;
                    }

                    return n;
                }
            }
            """ },
        { "not N+1: the rows of one query, read in memory per customer", """
            class C
            {
                int M(Shop db, List<Customer> customers)
                {
                    var orders = db.Orders.ToList();
                    var n = 0;
                    foreach (var customer in customers)
                    {
                        n += orders.AsQueryable().Where(o => o.CustomerId == customer.Id).Count();
                        n += orders.AsEnumerable().Count(o => o.CustomerId == customer.Id);
                        n += customer.Orders.AsQueryable().AsEnumerable().Count(o => o.Total > 0);
                        // The same query for every customer, filtered in memory: MAGG002's (the same query again), not N+1.
                        n += db.Orders.AsEnumerable().Count(o => o.CustomerId == customer.Id);
                        n += db.Orders.AsEnumerable().Where(o => o.CustomerId == customer.Id).ToList().Count;
                        foreach (var order in db.Orders.AsEnumerable().Where(o => o.CustomerId == customer.Id))
                            n++;
                    }

                    return n;
                }
            }
            """ },
        { "a query per customer inside an execution strategy's lambda, which runs where it is called", """
            namespace Microsoft.EntityFrameworkCore.Storage
            {
                public interface IExecutionStrategy
                {
                    TResult Execute<TState, TResult>(TState state, Func<TState, TResult> operation);
                }
            }

            namespace Microsoft.EntityFrameworkCore
            {
                public static class ExecutionStrategyExtensions
                {
                    public static Task<TResult> ExecuteAsync<TResult>(this Storage.IExecutionStrategy strategy, Func<Task<TResult>> operation) => operation();
                }
            }

            class C
            {
                async Task<int> M(Shop db, List<Customer> customers, Microsoft.EntityFrameworkCore.Storage.IExecutionStrategy strategy)
                {
                    var n = 0;
                    foreach (var customer in customers)
                    {
                        var orders = await Microsoft.EntityFrameworkCore.ExecutionStrategyExtensions.ExecuteAsync(
                            strategy, () => db.Orders.Where(o => o.CustomerId == customer.Id).{|MAGG004:ToListAsync|}());
                        n += orders.Count + strategy.Execute(db, shop => shop.Orders.Where(o => o.CustomerId == customer.Id).{|MAGG004:Count|}());
                    }

                    return n;
                }
            }
            """ },
        { "a query per customer inside a Polly pipeline's or policy's lambda, which runs where it is called", """
            namespace Polly
            {
                public sealed class ResiliencePipeline
                {
                    public ValueTask<TResult> ExecuteAsync<TResult>(Func<System.Threading.CancellationToken, ValueTask<TResult>> callback, System.Threading.CancellationToken cancellationToken = default) =>
                        callback(cancellationToken);
                }

                public interface ISyncPolicy
                {
                    TResult Execute<TResult>(Func<TResult> action);
                }
            }

            class C
            {
                async Task<int> M(Shop db, List<Customer> customers, Polly.ResiliencePipeline pipeline, Polly.ISyncPolicy policy)
                {
                    var n = 0;
                    foreach (var customer in customers)
                    {
                        n += await pipeline.ExecuteAsync(async ct => (await db.Orders.Where(o => o.CustomerId == customer.Id).{|MAGG004:ToListAsync|}()).Count);
                        n += policy.Execute(() => db.Orders.{|MAGG004:Count|}(o => o.CustomerId == customer.Id));
                    }

                    return n;
                }
            }
            """ },
        { "a query per customer in a task started for each", """
            class C
            {
                async Task<int> M(Shop db, List<Customer> customers)
                {
                    var counts = new List<Task<int>>();
                    foreach (var customer in customers)
                    {
                        counts.Add(Task.Run(() => db.Orders.Where(o => o.CustomerId == customer.Id).{|MAGG004:Count|}()));
                        counts.Add(Task.Factory.StartNew(() => db.Orders.{|MAGG004:Count|}(o => o.CustomerId == customer.Id)));
                    }

                    return (await Task.WhenAll(counts)).Sum();
                }
            }
            """ },
        { "not N+1: a lambda kept for later, or run once, inside the loop", """
            class C
            {
                List<Func<int>> M(Shop db, List<Customer> customers)
                {
                    var later = new List<Func<int>>();
                    foreach (var customer in customers)
                    {
                        later.Add(() => db.Orders.Where(o => o.CustomerId == customer.Id).Count());
                    }

                    return later;
                }
            }
            """ },
        { "a query per customer in Parallel.ForEachAsync, on a context made with the loop's token", """
            class C
            {
                static Task<Shop> CreateAsync(System.Threading.CancellationToken token) => Task.FromResult(new Shop());
                Task M(List<Customer> customers) =>
                    Parallel.ForEachAsync(customers, async (customer, token) =>
                    {
                        var db = await CreateAsync(token);
                        Console.WriteLine(await db.Orders.Where(o => o.CustomerId == customer.Id).{|MAGG004:CountAsync|}());
                    });
            }
            """ },
        { "a query that reads a value computed from the element", """
            class C
            {
                async Task M(Shop db, List<Customer> imported)
                {
                    foreach (var row in imported)
                    {
                        var name = row.Name.Trim();
                        var key = name.ToUpperInvariant();
                        var existing = await db.Customers.{|MAGG004:FirstOrDefaultAsync|}(c => c.Name == key);
                        Console.WriteLine(existing?.Id);
                        if (int.TryParse(row.Name, out var id))
                            Console.WriteLine(await db.Orders.Where(o => o.CustomerId == id).{|MAGG004:CountAsync|}());
                        if (row is { Id: var rowId })
                            Console.WriteLine(await db.Orders.Where(o => o.CustomerId == rowId).{|MAGG004:CountAsync|}());
                    }
                }
            }
            """ },
        { "not N+1: a value computed from a batch", """
            class C
            {
                int M(Shop db, List<int> ids)
                {
                    var n = 0;
                    foreach (var batch in ids.Chunk(100))
                    {
                        var first = batch[0];
                        n += db.Orders.Count(o => o.CustomerId >= first);
                    }
                    return n;
                }
            }
            """ },
        { "not N+1: a lambda nested in an expression tree", """
            class C
            {
                List<Customer> M(Shop db, List<int> blocked) =>
                    db.Customers.Where(c => c.Orders.Any(o => db.Orders.Where(x => x.Id == o.Id).Count() > 0 && !blocked.Contains(o.Id))).ToList();
            }
            """ },
        { "not N+1: a loop over a fixed list of constants", """
            enum Kind { Genre, Tag, Studio }
            class C
            {
                private static readonly (Kind Kind, int Weight)[] Dimensions = [(Kind.Genre, 3), (Kind.Tag, 2), (Kind.Studio, 1)];
                int M(Shop db)
                {
                    var n = 0;
                    foreach (var (kind, weight) in Dimensions) n += weight * db.Orders.Count(o => o.CustomerId == (int)kind);
                    foreach (var id in new[] { 1, 2, 3 }) n += db.Orders.Count(o => o.CustomerId == id);
                    var kinds = new[] { Kind.Genre, Kind.Tag };
                    foreach (var kind in kinds) n += db.Orders.Count(o => o.CustomerId == (int)kind);
                    // The same lists given to a lambda or a method group, an enum's values, a list built of constants.
                    n += kinds.Select(k => db.Orders.Count(o => o.CustomerId == (int)k)).Sum();
                    n += Dimensions.Sum(d => d.Weight * db.Orders.Count(o => o.CustomerId == (int)d.Kind));
                    n += new[] { 1, 2 }.Select(CountFor).Sum();
                    foreach (var status in System.Enum.GetValues<Kind>()) n += db.Orders.Count(o => o.CustomerId == (int)status);
                    foreach (var id in new List<int> { 1, 2 }) n += db.Orders.Count(o => o.CustomerId == id);
                    foreach (var month in System.Linq.Enumerable.Range(1, 12)) n += db.Orders.Count(o => o.CustomerId == month);
                    n += Enumerable.Range(1, 12).Sum(month => db.Orders.Count(o => o.CustomerId == month));
                    return n;

                    int CountFor(int id) => db.Orders.Count(o => o.CustomerId == id);
                }
            }
            """ },
        { "a query kept in a local declared without a value, set in either branch per element", """
            class C
            {
                async Task<int> M(Shop db, List<Customer> customers)
                {
                    var n = 0;
                    foreach (var c in customers)
                    {
                        IQueryable<Order> q;
                        if (c.Name == "vip") q = db.Orders.Where(o => o.CustomerId == c.Id && o.Total > 100);
                        else q = db.Orders.Where(o => o.CustomerId == c.Id);
                        n += await q.{|MAGG004:CountAsync|}();
                    }

                    return n;
                }
            }
            """ },
        { "a lambda kept in a local, called per element", """
            class C
            {
                int M(Shop db, List<Customer> customers)
                {
                    Func<int, int> countOf = id => db.Orders.Count(o => o.CustomerId == id);
                    Func<int, int> fixedCount = _ => db.Orders.Count(o => o.Total > 100);
                    var n = 0;
                    foreach (var c in customers) n += {|MAGG004:countOf|}(c.Id) + fixedCount(c.Id);
                    return n;
                }
            }
            """ },
        { "a ForEach extension of a sequence, a project's own (as MoreLINQ's)", """
            static class Sequences
            {
                public static void ForEach<T>(this IEnumerable<T> source, Action<T> action) { foreach (var item in source) action(item); }
            }

            class C
            {
                int M(Shop db, List<Customer> customers)
                {
                    var n = 0;
                    customers.AsEnumerable().ForEach(c => n += db.Orders.{|MAGG004:Count|}(o => o.CustomerId == c.Id));
                    return n;
                }
            }
            """ },
        { "Find per element of rows loaded into the context before the loop, which EF Core answers from them", """
            static class Loading
            {
                public static void Load<T>(this IQueryable<T> source) { }
                public static IQueryable<T> AsNoTracking<T>(this IQueryable<T> source) => source;
            }

            class C
            {
                int M(Shop db, Shop other, List<Order> orders, List<int> ids)
                {
                    var n = 0;
                    foreach (var o in orders) n += db.Customers.{|MAGG004:Find|}(o.CustomerId)?.Id ?? 0;   // nothing loaded yet
                    foreach (var o in orders) n += {|MAGG004:Get|}(o.CustomerId);   // a local function, run before the Load
                    db.Customers.AsNoTracking().Where(c => ids.Contains(c.Id)).Load();   // not tracked
                    other.Customers.Load();   // another context's
                    foreach (var o in orders) n += db.Customers.{|MAGG004:Find|}(o.CustomerId)?.Id ?? 0;
                    db.Customers.Where(c => ids.Contains(c.Id)).Load();
                    foreach (var o in orders) n += db.Customers.Find(o.CustomerId)?.Id ?? 0;
                    foreach (var o in orders) n += db.Orders.{|MAGG004:Find|}(o.Id)?.Id ?? 0;   // another set's rows
                    return n;

                    int Get(int id) => db.Customers.Find(id)?.Id ?? 0;
                }
            }
            """ },
        { "a field whose initializer reads itself through operators (it compiles): followed no further, no crash", """
            enum Kind { None, Genre }
            class C
            {
                private static readonly Kind[] Kinds = Kinds.Where(k => k != Kind.None).ToArray();
                private static readonly int[] A = B.ToArray(), B = A.ToArray();
                int M(Shop db)
                {
                    var n = 0;
                    foreach (var k in Kinds) n += db.Orders.{|MAGG004:Count|}(o => o.CustomerId == (int)k);
                    foreach (var id in A) n += db.Orders.{|MAGG004:Count|}(o => o.CustomerId == id);
                    return n;
                }
            }
            """ },
        { "not N+1: a fixed list filtered, cast, ordered or copied", """
            enum Kind { None, Genre, Tag, Studio }
            class C
            {
                private static readonly System.Collections.Frozen.FrozenSet<Kind> Shown = System.Collections.Frozen.FrozenSet.ToFrozenSet(new[] { Kind.Genre, Kind.Tag });
                int M(Shop db)
                {
                    var n = 0;
                    foreach (var kind in System.Enum.GetValues(typeof(Kind)).Cast<Kind>()) n += db.Orders.Count(o => o.CustomerId == (int)kind);
                    foreach (var kind in System.Enum.GetValues<Kind>().Where(k => k != Kind.None)) n += db.Orders.Count(o => o.CustomerId == (int)kind);
                    foreach (var kind in Shown) n += db.Orders.Count(o => o.CustomerId == (int)kind);
                    foreach (var id in new[] { 3, 1, 2 }.OrderBy(i => i).ToList()) n += db.Orders.Count(o => o.CustomerId == id);
                    return n;
                }
            }
            """ },
        { "a loop over a fixed list inside a loop over rows: k queries per row", """
            enum Status { Open, Paid }
            class C
            {
                int M(Shop db, List<Customer> customers)
                {
                    var n = 0;
                    var statuses = new[] { Status.Open, Status.Paid };
                    foreach (var c in customers)
                    {
                        foreach (var s in System.Enum.GetValues<Status>())
                            n += db.Orders.{|MAGG004:Count|}(o => o.CustomerId == c.Id && o.Total > (int)s);
                        n += statuses.Sum(s => db.Orders.{|MAGG004:Count|}(o => o.CustomerId == c.Id && o.Total > (int)s));

                        // The fixed list's values alone: the same k queries for every row, MAGG002's (not per element).
                        foreach (var s in statuses)
                            n += db.Orders.Count(o => o.Total > (int)s);
                    }

                    return n;
                }
            }
            """ },
        { "a loop over a list that is not fixed", """
            class C
            {
                private static readonly int[] Ids = System.Linq.Enumerable.Range(0, 100).ToArray();
                int M(Shop db)
                {
                    var n = 0;
                    foreach (var id in Ids) n += db.Orders.{|MAGG004:Count|}(o => o.CustomerId == id);
                    n += Ids.Select(id => db.Orders.{|MAGG004:Count|}(o => o.CustomerId == id)).Sum();
                    foreach (var id in new List<int> { 1, n }) n += db.Orders.{|MAGG004:Count|}(o => o.CustomerId == id);
                    foreach (var id in Enumerable.Range(1, n)) n += db.Orders.{|MAGG004:Count|}(o => o.CustomerId == id);
                    var some = new[] { 1, 2 };
                    some = Ids;
                    foreach (var id in some) n += db.Orders.{|MAGG004:Count|}(o => o.CustomerId == id);
                    return n;
                }
            }
            """ },
        { "not N+1: a database per element (a tenant's, a shard's)", """
            sealed class Shard { public Shop Context { get; } = new(); public string Connection { get; set; } = ""; }
            class C
            {
                static Shop Open(string connectionString) => new();
                int M(List<Shop> shards, List<string> tenants, List<Shard> described)
                {
                    var n = 0;
                    foreach (var shard in shards) n += shard.Orders.Count();
                    foreach (var shard in described) n += shard.Context.Orders.Count() + Open(shard.Connection).Orders.Count(o => o.Total > 0);
                    foreach (var tenant in tenants)
                    {
                        var shop = Open(tenant);
                        var orders = shop.Orders.Where(o => o.Total > 0);
                        n += orders.Count() + shop.Customers.Count(c => c.Name != "");
                    }
                    return n;
                }
            }
            """ },
        { "a row's own query (explicit loading) is not a database; a loop outside a database's loop", """
            sealed class Entry<T> { public IQueryable<Order> Query() => new DbSet<Order>(); }
            static class Contexts { public static Entry<T> Entry<T>(this Shop db, T entity) => new(); }
            class C
            {
                static Shop Open(string tenant) => new();
                int M(Shop db, List<Customer> customers, List<string> tenants)
                {
                    var n = 0;
                    foreach (var customer in customers)
                    {
                        var entry = db.Entry(customer);
                        n += entry.Query().{|MAGG004:Count|}();
                        foreach (var tenant in tenants)
                        {
                            var shop = Open(tenant);
                            n += shop.Orders.{|MAGG004:Count|}(o => o.CustomerId == customer.Id);
                        }
                    }
                    return n;
                }
            }
            """ },
        { "a query per customer that also takes a number of rows from the customer: not a page", """
            sealed class Subscriber { public int Id { get; set; } public int Limit { get; set; } }
            class C
            {
                int M(Shop db, List<Subscriber> subscribers)
                {
                    var n = 0;
                    foreach (var s in subscribers)
                    {
                        n += db.Orders.Where(o => o.CustomerId == s.Id).Take(s.Limit).{|MAGG004:Count|}();
                        var mine = db.Orders.Where(o => o.CustomerId == s.Id);
                        n += mine.Take(s.Limit).{|MAGG004:Count|}();
                        n += db.Orders.OrderBy(o => o.Id == s.Id).Skip(s.Limit).{|MAGG004:Count|}();
                        n += db.Orders.Where(o => new[] { o.Id }.Select(id => id == s.Id).Any()).Take(s.Limit).{|MAGG004:Count|}();
                    }
                    return n;
                }
            }
            """ },
        { "a query per element that a helper builds, from the same database", """
            class C
            {
                static IQueryable<Order> OrdersOf(Shop db, Customer customer) => db.Orders.Where(o => o.CustomerId == customer.Id);
                Shop Db { get; } = new();
                int M(Shop db, List<Customer> customers)
                {
                    var n = 0;
                    foreach (var customer in customers)
                        n += OrdersOf(db, customer).{|MAGG004:Count|}() + Db.Orders.{|MAGG004:Count|}(o => o.CustomerId == customer.Id);
                    return n;
                }
            }
            """ },
        { "a query per element that a helper executes: a local function, a method of the same file, a query it is given", """
            class C
            {
                private readonly Shop _db = new();

                int M(Shop db, List<Customer> customers)
                {
                    var n = 0;
                    foreach (var c in customers)
                        n += {|MAGG004:CountOf|}(c.Id) + {|MAGG004:Executed|}(db.Orders.Where(o => o.CustomerId == c.Id));
                    return n;

                    int CountOf(int id) => db.Orders.Count(o => o.CustomerId == id);
                }

                async Task<decimal> Totals(List<Customer> customers, List<int> ids)
                {
                    decimal total = 0;
                    foreach (var c in customers)
                        total += (await {|MAGG004:FirstOrderAsync|}(c))?.Total ?? 0;
                    total += ids.Sum(id => {|MAGG004:Lookup|}(id)?.Total ?? 0);
                    return total;
                }

                private Task<Order?> FirstOrderAsync(Customer customer)
                {
                    var mine = _db.Orders.Where(o => o.CustomerId == customer.Id);
                    return mine.FirstOrDefaultAsync(o => o.Total > 0);
                }

                private Order? Lookup(int id) => _db.Orders.Find(id);
                private static int Executed(IQueryable<Order> orders) => orders.Where(o => o.Total > 0).Count();

                // A set given beside the element, a parameter after one that is not the element, a collection computed
                // from the row, a query given beside a constant.
                int N(Shop db, List<Customer> customers, List<int> years, int fixedId)
                {
                    var n = 0;
                    foreach (var c in customers)
                        n += {|MAGG004:CountIn|}(db.Orders, c.Id) + {|MAGG004:CountAmong|}(db, c.Orders.Select(o => o.Id).ToArray())
                            + {|MAGG004:Above|}(db.Orders.Where(o => o.CustomerId == c.Id), 42)
                            + {|MAGG004:CountGiven|}(db.Orders.Take(c.Id), c.Id)
                            + {|MAGG004:CountKnown|}(db.Orders.Where(o => o.CustomerId == c.Id), known.AsQueryable())
                            + {|MAGG004:Labelled|}(db.Orders.Take(10), c.Id).Count + {|MAGG004:LabelledAll|}(db, c.Id).Count
                            + (int){|MAGG004:Summed|}(db.Orders.Where(o => o.CustomerId == c.Id)) + {|MAGG004:Listed|}(db.Orders.Where(o => o.CustomerId == c.Id))
                            + {|MAGG004:Listed|}(db.Orders.Where(o => o.CustomerId == c.Id).AsEnumerable());
                    foreach (var year in years)
                        n += {|MAGG004:CountBy|}(db, fixedId, year);

                    // A shop per account, which also gives the page: a database per account, so the customer's query.
                    foreach (var c in customers)
                        foreach (var account in accounts)
                            n += {|MAGG004:PageIn|}(account.Db, c.Id, account.Page).Count;
                    return n;
                }

                private readonly List<Account> accounts = new();
                sealed class Account { public Shop Db { get; } = new(); public int Page { get; set; } }
                static List<Order> PageIn(Shop shop, int id, int page) => shop.Orders.Where(o => o.CustomerId == id).Skip(page * 10).Take(10).ToList();

                static int CountIn(DbSet<Order> orders, int id) => orders.Count(o => o.CustomerId == id);
                static int CountAmong(Shop db, int[] ids) => db.Orders.Count(o => ids.Contains(o.Id));
                static int Above(IQueryable<Order> orders, decimal total) => orders.Count(o => o.Total > total);
                static int CountBy(Shop db, int customerId, int year) => db.Orders.Count(o => o.CustomerId == customerId && o.Id / 1000 == year);
                static int CountGiven(IQueryable<Order> orders, int id) => orders.Count(o => o.CustomerId == id);
                static int CountKnown(IQueryable<Order> orders, IQueryable<Customer> known) => orders.Count(o => known.Any(k => k.Id == o.CustomerId));
                private readonly List<Customer> known = new();
                static List<(int, int)> Labelled(IQueryable<Order> orders, int id) => orders.Select(o => ValueTuple.Create(o.Id, id)).ToList();
                static List<(int, int)> LabelledAll(Shop db, int id) => db.Orders.Select(o => ValueTuple.Create(o.Id, id)).ToList();

                // Sequences it enumerates, given queries.
                static decimal Summed(IEnumerable<Order> orders) => orders.Sum(o => o.Total);
                static int Listed(IEnumerable<Order> orders) { var n = 0; foreach (var o in orders) n++; return n; }
            }
            """ },
        { "a query per element that a helper given as a method group executes", """
            sealed record Row(int Id, int Orders);
            class C
            {
                private readonly Shop _db = new();

                List<Row> M(List<Customer> customers, List<int> ids) =>
                    customers.Select({|MAGG004:ToRow|}).Concat(ids.Select({|MAGG004:Lookup|})).Concat(ids.Select({|MAGG004:_db.Find|}))
                        .Concat(ids.Select(id => new Row(id, 0))).Where(row => ids.Select({|MAGG004:_db.Orders.CountFor|}).Any()).ToList();

                // An accumulator's function: the element is its second parameter.
                int Total(List<Customer> customers) => customers.Aggregate(0, {|MAGG004:AddOrders|});

                private Row ToRow(Customer customer) => new(customer.Id, _db.Orders.Count(o => o.CustomerId == customer.Id));
                private Row Lookup(int id) => new(id, _db.Orders.Find(id)?.Id ?? 0);
                private int AddOrders(int total, Customer customer) => total + _db.Orders.Count(o => o.CustomerId == customer.Id);
            }

            static class Lookups
            {
                // An extension method group given its receiver: the element is the parameter after it.
                public static Row Find(this Shop db, int id) => new(id, db.Orders.Count(o => o.CustomerId == id));

                // A query the receiver gives, asked per element.
                public static int CountFor(this IQueryable<Order> orders, int id) => orders.Count(o => o.CustomerId == id);
            }
            """ },
        { "not N+1: a method group given a batch, run once, or whose query does not read its element", """
            class C
            {
                private readonly Shop _db = new();

                int M(List<int> ids, List<Customer> customers, List<Shop> shops)
                {
                    Func<Customer, int> later = CountOf;
                    return ids.Chunk(100).Sum(CountAmong) + customers.Sum(AllOrders) + later(customers[0])
                        + customers.Aggregate(0, (n, c) => n + c.Id, Total)
                        + ids.Chunk(100).Sum(CountAmongAny) + ids.Chunk(100).Sum(CountAmongObjects)   // given a batch here
                        + customers.Zip(shops, Tenants.CountIn).Sum() + shops.Sum(customers[0].CountIn)   // a database per element
                        + ids.Select(PageOf).Sum(static page => page.Count)   // a page, shown with its number
                        + ids.Sum(cached.AsQueryable().CountFor);   // data in memory
                }

                private readonly List<Order> cached = new();
                private int CountAmongObjects(object batch) => _db.Orders.Count(o => ((int[])batch).Contains(o.CustomerId));
                private List<(int, int)> PageOf(int page, int index) => _db.Orders.Skip(page * 10).Take(10).Select(o => ValueTuple.Create(o.Id, index)).ToList();

                private int CountAmong(int[] batch) => _db.Orders.Count(o => batch.Contains(o.CustomerId));
                private int CountAmongAny<TBatch>(TBatch batch) where TBatch : IEnumerable<int> => _db.Orders.Count(o => batch.Contains(o.CustomerId));
                private int AllOrders(Customer customer) => _db.Orders.Count();
                private int CountOf(Customer customer) => _db.Orders.Count(o => o.CustomerId == customer.Id);
                private int Total(int n) => _db.Orders.Count(o => o.CustomerId == n);
            }

            static class Tenants
            {
                public static int CountIn(this Customer customer, Shop shop) => shop.Orders.Count(o => o.CustomerId == customer.Id);
                public static int CountFor(this IQueryable<Order> orders, int id) => orders.Count(o => o.CustomerId == id);
            }
            """ },
        { "not N+1: a helper given a batch, a page, a database per element, or one that runs no query of its element", """
            sealed class Tenant { public Shop Db { get; } = new(); public int Id { get; set; } }
            class C
            {
                int M(Shop db, List<int> ids, List<int> pages, List<Tenant> tenants, List<Customer> customers)
                {
                    var n = 0;
                    foreach (var batch in ids.Chunk(100)) n += CountAmong(db, batch) + CountTagged(db, batch.Length);
                    foreach (var page in pages) n += PageOf(db, page).Count;
                    foreach (var tenant in tenants) n += CountIn(tenant.Db) + CountFor(tenant.Db, tenant.Id);
                    foreach (var c in customers) n += AllOrders(db) + Later(db, c.Id)() + Each(db, c.Id) + Tagged(db, c.Name);
                    foreach (var c in customers) n += Executed(c.Orders.AsQueryable().Where(o => o.Total > 0)) + Above(cached.AsQueryable(), c.Id);
                    foreach (var c in customers)
                        foreach (var batch in c.Orders.Select(o => o.Id).Chunk(100))
                            n += CountAmongFor(db, c.Id, batch) + CountAmongOf(db.Orders.Where(o => o.CustomerId == c.Id), batch)
                                + CountIn(db.Orders.Where(o => batch.Contains(o.Id)), c.Id);
                    foreach (var c in customers)
                        foreach (var page in pages)
                            n += PageFor(db, c.Id, page).Count;
                    foreach (var page in pages)
                        n += Shown(db.Orders.Skip(page * 10).Take(10), page).Count;
                    n += CountFor(db, 42);

                    // A sequence a helper enumerates, given data in memory or a batch's query.
                    foreach (var c in customers) n += (int)Summed(c.Orders) + Listed(c.Orders.Where(o => o.Total > 0));
                    foreach (var batch in ids.Chunk(100)) n += Listed(db.Orders.Where(o => batch.Contains(o.CustomerId)));
                    // Loaded before the loop, or the same command each time with the element read in memory (MAGG002's).
                    var all = db.Orders.Where(o => o.Total > 0);
                    var loaded = all.ToList();
                    foreach (var c in customers) n += Listed(loaded.Where(o => o.CustomerId == c.Id)) + Listed(all.AsEnumerable().Where(o => o.CustomerId == c.Id));
                    return n;
                }

                static decimal Summed(IEnumerable<Order> orders) => orders.Sum(o => o.Total);
                static int Listed(IEnumerable<Order> orders) { var n = 0; foreach (var o in orders) n++; return n; }

                static int Executed(IQueryable<Order> orders) => orders.Count();
                static int Above(IQueryable<Order> orders, decimal total) => orders.Count(o => o.Total > total);
                static int CountAmongFor(Shop db, int id, int[] batch) => db.Orders.Count(o => o.CustomerId == id && batch.Contains(o.Id));
                static int CountAmongOf(IQueryable<Order> orders, int[] ids) => orders.Count(o => ids.Contains(o.Id));
                static List<(int, int)> Shown(IQueryable<Order> orders, int page) => orders.Select(o => ValueTuple.Create(o.Id, page)).ToList();
                static int CountIn(IQueryable<Order> orders, int id) => orders.Count(o => o.CustomerId == id);
                private readonly List<Order> cached = new();
                static List<Order> PageFor(Shop db, int id, int page) => db.Orders.Where(o => o.CustomerId == id).Skip(page * 10).Take(10).ToList();

                static int CountAmong(Shop db, int[] batch) => db.Orders.Count(o => batch.Contains(o.CustomerId));
                static int CountTagged(Shop db, int size) => db.Orders.Select(o => ValueTuple.Create(o.Id, size)).Count();
                static List<Order> PageOf(Shop db, int page) => db.Orders.Skip(page * 10).Take(10).ToList();
                static int CountIn(Shop shop) => shop.Orders.Count();
                static int CountFor(Shop shop, int id) => shop.Orders.Count(o => o.CustomerId == id);
                static int AllOrders(Shop db) => db.Orders.Count();
                static Func<int> Later(Shop db, int id) => () => db.Orders.Count(o => o.CustomerId == id);
                static int Each(Shop db, int id) { var n = 0; for (var i = 0; i < 3; i++) n += db.Orders.Count(o => o.CustomerId == id + i); return n; }
                static int Tagged(Shop db, string name) => db.Orders.Count();
            }
            """ },
        { "a query held in a local, built from the element", """
            class C
            {
                int M(Shop db, List<Customer> customers)
                {
                    var n = 0;
                    foreach (var customer in customers)
                    {
                        var orders = db.Orders.Where(o => o.CustomerId == customer.Id);
                        n += orders.{|MAGG004:Count|}();
                    }
                    return n;
                }
            }
            """ },
        { "a collection computed from a row is the row's", """
            class C
            {
                int M(Shop db, List<string> lines, List<Customer> customers)
                {
                    var n = 0;
                    foreach (var line in lines)
                    {
                        var parts = line.Split(',');
                        n += db.Orders.{|MAGG004:Count|}(o => o.Id == int.Parse(parts[0]));
                    }
                    foreach (var customer in customers)
                    {
                        var ids = customer.Orders.Select(o => o.Id).ToList();
                        n += db.Orders.{|MAGG004:Count|}(o => ids.Contains(o.Id));
                    }
                    return n;
                }
            }
            """ },
        { "a query per group key; the group's rows as a batch are not N+1", """
            class C
            {
                int M(Shop db, List<Order> orders)
                {
                    var n = 0;
                    foreach (var g in orders.GroupBy(o => o.CustomerId))
                    {
                        n += db.Customers.{|MAGG004:Find|}(g.Key)?.Id ?? 0;
                        var id = g.Key;
                        n += db.Orders.{|MAGG004:Count|}(o => o.CustomerId == id);
                        var ids = g.Select(o => o.Id).ToList();
                        n += db.Orders.Count(o => ids.Contains(o.Id));
                        n += db.Orders.Count(o => g.Contains(o));
                        var ofKey = db.Orders.Where(o => o.CustomerId == g.Key);
                        n += ofKey.{|MAGG004:Count|}();
                        var ofRows = db.Orders.Where(o => ids.Contains(o.Id));
                        n += ofRows.Count();
                    }
                    foreach (var g in orders.GroupBy(o => (o.CustomerId, o.Id)))
                    {
                        var (customerId, _) = g.Key;
                        n += db.Orders.{|MAGG004:Count|}(o => o.CustomerId == customerId);
                    }
                    return n;
                }
            }
            """ },
        { "a context's Find per element", """
            namespace Microsoft.EntityFrameworkCore
            {
                public class DbContext
                {
                    public T? Find<T>(params object[] keys) where T : class => default;
                    public ValueTask<T?> FindAsync<T>(params object[] keys) where T : class => default;
                }
            }

            class AppDb : Microsoft.EntityFrameworkCore.DbContext { }

            class C
            {
                async Task<int> M(AppDb db, List<Order> orders)
                {
                    var n = 0;
                    foreach (var order in orders)
                    {
                        n += db.{|MAGG004:Find<Customer>|}(order.CustomerId)?.Id ?? 0;
                        n += (await db.{|MAGG004:FindAsync<Customer>|}(order.CustomerId))?.Id ?? 0;
                    }
                    n += db.Find<Customer>(1)?.Id ?? 0;
                    return n;
                }
            }
            """ },
        { "not N+1: a lambda that runs once", """
            class C
            {
                Func<int> M(Shop db, Customer customer) => () => db.Orders.Count(o => o.CustomerId == customer.Id);
            }
            """ },
        { "not N+1: a query the loop leaves after, by return, break or a rethrow, runs at most once", """
            class C
            {
                List<Order> Find(Shop db, List<Customer> customers, string name)
                {
                    foreach (var c in customers)
                    {
                        if (c.Name == name)
                            return db.Orders.Where(o => o.CustomerId == c.Id).ToList();
                    }
                    return new();
                }

                int First(Shop db, List<Customer> customers)
                {
                    var n = 0;
                    foreach (var c in customers)
                    {
                        n = db.Orders.Count(o => o.CustomerId == c.Id);
                        Console.WriteLine(n);
                        break;
                    }
                    return n;
                }

                // A continue of an inner loop, after the query, skips nothing of the outer loop's return.
                decimal Total(Shop db, List<Customer> customers, string name)
                {
                    decimal t = 0;
                    foreach (var c in customers)
                    {
                        if (c.Name != name) continue;
                        foreach (var o in db.Orders.Where(o => o.CustomerId == c.Id)) { if (o.Total < 0) continue; t += o.Total; }
                        for (var i = 0; i < 3; i++) { if (i == 1) continue; t += i; }
                        return t;
                    }
                    return t;
                }

                // A fixed list's lambda in the statement that returns: its queries run once per call, as a foreach would.
                int Statuses(Shop db, List<Customer> customers)
                {
                    var statuses = new[] { 1, 2 };
                    foreach (var c in customers)
                    {
                        if (c.Name == "vip")
                            return statuses.Sum(s => db.Orders.Count(o => o.CustomerId == c.Id && o.Total > s));
                    }
                    return 0;
                }

                // A continue of a fixed list's loop goes on to its next value, then to the return after it; a task's
                // lambda runs where it is made, in the statement that returns.
                int Kinds(Shop db, List<Customer> customers)
                {
                    var n = 0;
                    foreach (var c in customers)
                    {
                        if (c.Name != "vip")
                            continue;
                        foreach (var k in new[] { 1, 2 })
                        {
                            if (db.Orders.Any(o => o.CustomerId == c.Id && o.Total > k))
                                continue;
                            n++;
                        }

                        if (n > 0)
                            return Task.Run(() => db.Orders.Count(o => o.CustomerId == c.Id)).Result;
                        return n;
                    }

                    return n;
                }

                async Task<int> Rethrow(Shop db, List<Customer> customers)
                {
                    foreach (var c in customers)
                    {
                        try { Console.WriteLine(c.Id); }
                        catch (InvalidOperationException)
                        {
                            Console.WriteLine(await db.Orders.Where(o => o.CustomerId == c.Id).CountAsync());
                            throw;
                        }
                    }
                    return 0;
                }
            }
            """ },
        { "a loop left only on some paths, or caught before it leaves, still runs the query per element", """
            class C
            {
                int M(Shop db, List<Customer> customers, List<string> labels)
                {
                    var n = 0;
                    foreach (var c in customers)
                    {
                        n += db.Orders.{|MAGG004:Count|}(o => o.CustomerId == c.Id);
                        if (n > 10) break;
                    }
                    foreach (var c in customers)
                    {
                        n += db.Orders.{|MAGG004:Count|}(o => o.CustomerId == c.Id);
                        if (n < 10) continue;
                        break;
                    }
                    foreach (var c in customers)
                    {
                        switch (c.Id)
                        {
                            case 1:
                                n += db.Orders.{|MAGG004:Count|}(o => o.CustomerId == c.Id);
                                break;
                        }
                    }
                    foreach (var c in customers)
                    {
                        try { n += db.Orders.{|MAGG004:Count|}(o => o.CustomerId == c.Id); throw new InvalidOperationException(); }
                        catch (InvalidOperationException) { }
                    }
                    foreach (var c in customers)
                    {
                        foreach (var label in labels)
                        {
                            n += db.Orders.{|MAGG004:Count|}(o => o.CustomerId == c.Id);
                            break;   // leaves the loop over labels, not the one over customers
                        }
                    }
                    customers.ForEach(c => { n += db.Orders.{|MAGG004:Count|}(o => o.CustomerId == c.Id); return; });
                    customers.ForEach(c =>
                    {
                        foreach (var label in labels)
                        {
                            n += db.Orders.{|MAGG004:Count|}(o => o.CustomerId == c.Id && label != "");
                            return;   // leaves the lambda, which runs again for the next customer
                        }
                    });
                    foreach (var c in customers)
                    {
                        if (db.Orders.{|MAGG004:Any|}(o => o.CustomerId == c.Id)) continue;
                        return n + c.Id;
                    }
                    foreach (var c in customers)
                    {
                        switch (c.Id)
                        {
                            case 1:
                                n = db.Orders.{|MAGG004:Count|}(o => o.CustomerId == c.Id);
                                if (n == 0) continue;
                                return n;
                        }
                    }
                    return n;
                }
            }
            """ },
        { "a query per customer in a local function the loop's body declares and calls with the element's key: reported once, where it reads the element", """
            class C
            {
                int M(Shop db, List<Customer> customers)
                {
                    var n = 0;
                    foreach (var c in customers)
                    {
                        n += CountOrders(c.Id);
                        int CountOrders(int id) => db.Orders.{|MAGG004:Count|}(o => o.CustomerId == id && o.Id != c.Id);
                    }
                    return n;
                }

                int Walked(Shop db, List<Customer> customers)
                {
                    var n = 0;
                    foreach (var c in customers)
                    {
                        n += CountOrders(c.Id) + Listed(c.Id).Count;
                        int CountOrders(int id)
                        {
                            var k = 0;
                            foreach (var o in {|MAGG004:db.Orders.Where(o => o.CustomerId == id && o.Id != c.Id)|}) k++;
                            return k;
                        }
                        List<Order> Listed(int id) => new {|MAGG004:List<Order>|}(db.Orders.Where(o => o.CustomerId == id && o.Id != c.Id));
                    }
                    return n;
                }

                int ByKeyOnly(Shop db, List<Customer> customers)
                {
                    var n = 0;
                    foreach (var c in customers)
                    {
                        n += {|MAGG004:CountOrders|}(c.Id);
                        int CountOrders(int id) => db.Orders.Count(o => o.CustomerId == id);
                    }
                    return n;
                }
            }
            """ },
        { "a query per customer in a local function the loop's body declares and calls", """
            class C
            {
                int M(Shop db, List<Customer> customers)
                {
                    var n = 0;
                    foreach (var c in customers)
                    {
                        n += CountOrders();
                        int CountOrders() => db.Orders.{|MAGG004:Count|}(o => o.CustomerId == c.Id);
                    }
                    return n;
                }

                int Found(Shop db, List<Customer> customers, string name)
                {
                    // A search: its one call returns, so the query runs once.
                    foreach (var c in customers)
                    {
                        if (c.Name == name)
                            return Summarize();
                        int Summarize() => db.Orders.Count(o => o.CustomerId == c.Id);
                    }
                    return 0;
                }

                int FoundOrCounted(Shop db, List<Customer> customers, string name)
                {
                    // One of its calls goes on to the next customer.
                    var n = 0;
                    foreach (var c in customers)
                    {
                        if (c.Name == name)
                            return Summarize();
                        n += Summarize();
                        int Summarize() => db.Orders.{|MAGG004:Count|}(o => o.CustomerId == c.Id);
                    }
                    return n;
                }

                int InALambda(Shop db, List<Customer> customers)
                {
                    // Declared in a lambda run per customer: its body is the lambda's.
                    var n = 0;
                    customers.ForEach(c =>
                    {
                        n += CountOrders();
                        int CountOrders() => db.Orders.{|MAGG004:Count|}(o => o.CustomerId == c.Id);
                    });
                    return n;
                }

                async Task<int> InParallel(Shop db, List<Customer> customers)
                {
                    var n = 0;
                    await Parallel.ForEachAsync(customers, async (c, ct) =>
                    {
                        System.Threading.Interlocked.Add(ref n, await CountOrders());
                        Task<int> CountOrders() => db.Orders.Where(o => o.CustomerId == c.Id).{|MAGG004:CountAsync|}();
                    });
                    return n;
                }

                List<Func<int>> Later(Shop db, List<Customer> customers)
                {
                    var later = new List<Func<int>>();
                    foreach (var c in customers)
                    {
                        later.Add(CountOrders);
                        int CountOrders() => db.Orders.Count(o => o.CustomerId == c.Id);
                    }
                    return later;
                }
            }
            """ },
        { "not N+1: a query run on the first element only, under a flag the branch clears", """
            class C
            {
                int M(Shop db, List<Customer> customers)
                {
                    var first = true;
                    var n = 0;
                    foreach (var c in customers)
                    {
                        if (first)
                        {
                            n = db.Orders.Count(o => o.CustomerId == c.Id);
                            first = false;
                        }
                        n += c.Id;
                    }
                    return n;
                }
            }
            """ },
        { "explicit loading of each element's navigation", """
            namespace Microsoft.EntityFrameworkCore.ChangeTracking
            {
                public abstract class NavigationEntry
                {
                    public bool IsLoaded { get; set; }
                    public virtual void Load() { }
                    public virtual Task LoadAsync(System.Threading.CancellationToken cancellationToken = default) => Task.CompletedTask;
                }

                public class CollectionEntry<TEntity, TProperty> : NavigationEntry where TEntity : class where TProperty : class
                {
                    public override void Load() { }
                }

                public class EntityEntry<TEntity> where TEntity : class
                {
                    public CollectionEntry<TEntity, TProperty> Collection<TProperty>(Expression<Func<TEntity, IEnumerable<TProperty>>> navigation)
                        where TProperty : class => new();
                }
            }

            namespace Microsoft.EntityFrameworkCore
            {
                public class DbContext
                {
                    public ChangeTracking.EntityEntry<T> Entry<T>(T entity) where T : class => new();
                }
            }

            class AppDb : Microsoft.EntityFrameworkCore.DbContext { }

            class C
            {
                async Task M(AppDb db, List<Customer> customers)
                {
                    foreach (var c in customers)
                    {
                        db.Entry(c).Collection(x => x.Orders).{|MAGG004:Load|}();
                        var orders = db.Entry(c).Collection(x => x.Orders);
                        if (!orders.IsLoaded)
                            await orders.{|MAGG004:LoadAsync|}();
                    }

                    customers.ForEach(c => db.Entry(c).Collection(x => x.Orders).{|MAGG004:Load|}());
                    db.Entry(customers[0]).Collection(x => x.Orders).Load();
                }
            }
            """ },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task ReportsExactlyTheMarkedSpans(string name, string markup)
    {
        _ = name;
        await AnalyzerRunner.VerifyAsync(Header + markup, new QueryPerElementAnalyzer());
    }

    [Fact]
    public async Task TheMessageNamesTheCallAndTheElement()
    {
        var diagnostics = await AnalyzerRunner.VerifyAsync(Header + """
            class C
            {
                void M(Shop db, List<Customer> customers)
                {
                    foreach (var customer in customers)
                    {
                        var orders = db.Orders.Where(o => o.CustomerId == customer.Id).{|MAGG004:ToList|}();
                    }
                }
            }
            """, new QueryPerElementAnalyzer());
        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal("'ToList' runs a query for every 'customer' (N+1): one round trip per element; query the rows of all of them at once, before the loop", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("customers", Assert.Single(diagnostic.AdditionalLocations).SourceTree!.GetText().ToString(Assert.Single(diagnostic.AdditionalLocations).SourceSpan));
    }

    [Fact]
    public async Task AQueryReadingAValueOfTheElementNamesTheElement()
    {
        var diagnostics = await AnalyzerRunner.VerifyAsync(Header + """
            class C
            {
                void M(Shop db, List<Customer> customers)
                {
                    foreach (var customer in customers)
                    {
                        var id = customer.Id;
                        Console.WriteLine(db.Orders.{|MAGG004:Count|}(o => o.CustomerId == id));
                    }
                }
            }
            """, new QueryPerElementAnalyzer());
        Assert.Contains("for every 'customer'", Assert.Single(diagnostics).GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task InQuerySyntaxTheMessageNamesTheRangeVariable()
    {
        var diagnostics = await AnalyzerRunner.VerifyAsync(Header + """
            class C
            {
                List<Order> M(Shop db, List<int> customerIds, List<int> orderIds) =>
                    (from customerId in customerIds
                     from orderId in orderIds
                     where db.Orders.Select(o => o.CustomerId).{|MAGG004:Contains|}(customerId)
                     select new Order { Id = orderId, CustomerId = customerId }).ToList();
            }
            """, new QueryPerElementAnalyzer());
        Assert.Contains("for every 'customerId'", Assert.Single(diagnostics).GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task AnElementWhoseTypeDidNotBindIsNotReported()
    {
        // Compile errors are expected here (Missing is no type): only MAGG004 is verified. The same loop over ints is
        // reported, so what keeps it quiet is the element's type.
        const string Source = """
            class C
            {
                int M(Shop db, IEnumerable<{0}> batches)
                {
                    var n = 0;
                    foreach (var batch in batches) n += db.Orders.Count(o => o.Id == batch.GetHashCode());
                    return n;
                }
            }
            """;
        var unbound = await AnalyzerRunner.GetDiagnosticsAsync(TestCompiler.Compile(Header + Source.Replace("{0}", "Missing", StringComparison.Ordinal)), new QueryPerElementAnalyzer());
        Assert.DoesNotContain(unbound, d => d.Id == "MAGG004");

        var bound = await AnalyzerRunner.GetDiagnosticsAsync(TestCompiler.Compile(Header + Source.Replace("{0}", "int", StringComparison.Ordinal)), new QueryPerElementAnalyzer());
        Assert.Single(bound, d => d.Id == "MAGG004");
    }

    /// <summary>
    /// Code being written: a local given itself (CS0165) or locals given each other (CS0841) are followed once each on
    /// the way to a query, where following them had gone round for ever, hanging the build and the IDE.
    /// </summary>
    [Fact]
    public async Task LocalsGivenThemselvesOrEachOtherEndTheSearchForAQuery()
    {
        const string Source = """
            class C
            {
                int M(Shop db, List<Customer> customers)
                {
                    var n = 0;
                    foreach (var c in customers)
                    {
                        IEnumerable<Order> rows = rows.Where(o => o.CustomerId == c.Id);
                        IEnumerable<Order> first = second;
                        IEnumerable<Order> second = first.Where(o => o.CustomerId == c.Id);
                        n += rows.Count() + first.Count() + second.Count();
                    }
                    return n;
                }
            }
            """;
        var analysis = AnalyzerRunner.GetDiagnosticsAsync(TestCompiler.Compile(Header + Source), new QueryPerElementAnalyzer());
        Assert.Same(analysis, await Task.WhenAny(analysis, Task.Delay(TimeSpan.FromMinutes(1))));
        Assert.DoesNotContain(await analysis, d => d.Id == "MAGG004");
    }

    [Fact]
    public async Task BrokenVariantsNeverCrashIt()
    {
        const string Seed = """
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading.Tasks;
            public sealed record Order(int Id, int CustomerId, decimal Total);
            public static class Reports
            {
                public static async Task<decimal> Totals(IQueryable<Order> orders, List<int> customers, IAsyncEnumerable<int> more)
                {
                    decimal total = 0;
                    foreach (var id in customers) total += orders.Where(o => o.CustomerId == id).Sum(o => o.Total);
                    await foreach (var id in more) { foreach (var o in orders.Where(o => o.CustomerId == id)) total += o.Total; }
                    return total + customers.Select(c => orders.Count(o => o.CustomerId == c)).Sum();
                }

                private static readonly int[] Kinds = [1, 2, 3];

                public static int Derived(IQueryable<Order> orders, List<string> rows)
                {
                    var n = 0;
                    foreach (var row in rows)
                    {
                        var key = row.Trim();
                        if (int.TryParse(key, out var id)) n += orders.Count(o => o.Id == id);
                    }
                    foreach (var kind in Kinds) n += orders.Count(o => o.CustomerId == kind);
                    n += orders.Where(o => rows.Any(r => orders.Count(x => x.Id == o.Id) > r.Length)).Count();
                    return n + (from a in rows from b in rows where orders.Select(o => o.Id).Contains(a.Length) select b).Count();
                }
            }
            """;
        var variants = RobustnessTests.Variants(Seed).Distinct().ToList();
        Assert.True(variants.Count >= 300, $"only {variants.Count} variants");
        var reported = 0;
        foreach (var variant in variants)
        {
            // GetDiagnosticsAsync fails the test on AD0001 (an analyzer exception).
            reported += (await AnalyzerRunner.GetDiagnosticsAsync(TestCompiler.Compile(variant), new QueryPerElementAnalyzer())).Count(static d => d.Id == "MAGG004");
        }

        Assert.True(reported > variants.Count, $"only {reported} MAGG004 over {variants.Count} variants");
    }
}
