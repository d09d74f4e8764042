using MultiAgg.Generators.Analyzers;
using MultiAgg.Generators.Tests.Infrastructure;

namespace MultiAgg.Generators.Tests;

/// <summary>
/// MAGG002 on queries no variable holds: a set in a field or property (a repository's table, a context's
/// <c>DbSet</c>), <c>db.Set&lt;T&gt;()</c>, and the same chain written out twice. Each read of such a path, or each copy
/// of such a chain, is the same query, until something on the path (or a variable the chain reads) is written. A
/// chain inside a loop is a new query per iteration; a query that depends on the loop's element is MAGG004's.
/// </summary>
public class QueryReadThroughMembersTests
{
    private const string Prelude = TestSources.DbSetPrelude + """
        public sealed class Order { public int Id { get; set; } public bool Open { get; set; } public int CustomerId { get; set; } }
        public sealed class Customer { public int Id { get; set; } }
        public class Db { public DbSet<Order> Orders { get; } = new(); public DbSet<T> Set<T>() => new(); }
        public interface IRepository<T> { IQueryable<T> Table { get; } }

        """;

    public static TheoryData<string, string> Repeats => new()
    {
        { "a set counted twice around a handler that saves, which runs later", """
            class Context : Db { public int SaveChanges() => 0; }
            class Orders
            {
                event System.Action? Ticked;

                (int, int) Run(Context db, Order order)
                {
                    var before = db.Orders.Count(o => o.Open);
                    Ticked += OnTick;
                    System.Action later = () => { order.Open = true; db.SaveChanges(); };
                    Ticked += later;
                    return (before, {|MAGG002:db.Orders|}.Count(o => o.Open));

                    void OnTick() => db.SaveChanges();
                }
            }
            """ },
        { "a query kept in a local, executed twice where no variable its filter reads is written between", """
            class Status
            {
                private readonly Db _db = new();
                (bool, Order?) Run(int s, int floor)
                {
                    floor = Math.Max(floor, 0);
                    var open = _db.Orders.Where(o => o.CustomerId == s && o.Id > floor);
                    var any = open.Any();
                    var labels = new Labels { CustomerId = s };
                    return (any, {|MAGG002:open|}.FirstOrDefault());
                }

                private sealed class Labels { public int CustomerId { get; set; } }
            }
            """ },
        { "the same lookup twice, its row named as a lambda elsewhere names what it gives a method of the application's own", """
            class Seeder
            {
                private readonly Db _db = new();
                static void Remember(Order order) { }
                (int, int) Run(List<Order> orders)
                {
                    var first = _db.Orders.Single(o => o.CustomerId == 1).Id;
                    orders.ForEach(o => Remember(o));
                    return (first, {|MAGG002:_db.Orders|}.Single(o => o.CustomerId == 1).Id);
                }
            }
            """ },
        { "a query kept in a local whose filter reads a collection only read between its executions", """
            class Chosen
            {
                private readonly Db _db = new();
                (int, int, string) Run(List<int> ids, int id)
                {
                    var chosen = _db.Orders.Where(o => ids.Contains(o.Id));
                    var before = chosen.Count();
                    var known = ids.Contains(id) && ids.IndexOf(id) > 0;
                    var label = string.Join(",", ids);
                    return (before, {|MAGG002:chosen|}.Count(), label + known);
                }

                (int, int) Written(List<int> picked, int id)
                {
                    var before = _db.Orders.Where(o => picked.Contains(o.Id)).Count();
                    var known = picked.IndexOf(id);
                    return (before, {|MAGG002:_db.Orders.Where(o => picked.Contains(o.Id))|}.Count() + known);
                }

                (int, int) Given(List<int> picked, List<int> all)
                {
                    // Added to before both, or given to a library's method that reads it, or to one that returns a new
                    // collection: the same question twice.
                    picked.Add(1);
                    var before = _db.Orders.Where(o => picked.Contains(o.Id)).Count();
                    all.AddRange(picked);
                    return (before, {|MAGG002:_db.Orders.Where(o => picked.Contains(o.Id))|}.Count());
                }

                (int, int) Renewed(System.Collections.Immutable.ImmutableList<int> frozen, int[] days, System.Collections.Immutable.IImmutableList<int> tags)
                {
                    var chosen = _db.Orders.Where(o => frozen.Contains(o.Id) || days.Contains(o.CustomerId) || tags.Contains(o.Id));
                    var before = chosen.Count();
                    var more = frozen.Add(4);
                    var reversed = Enumerable.Reverse(days);
                    var fewer = System.Collections.Immutable.ImmutableList.Remove(tags, 3);
                    return (before + more.Count + reversed.Count() + fewer.Count, {|MAGG002:chosen|}.Count());
                }
            }
            """ },
        { "a query kept in a local, counted, then its sorted rows listed where no variable its filter reads is written between", """
            class Daily
            {
                private readonly Db _db = new();
                (int, List<Order>) Run(int min)
                {
                    var big = _db.Orders.Where(o => o.CustomerId > min);
                    var n = big.Count();
                    var label = $"over {min}";
                    return (n, {|MAGG002:big|}.OrderBy(o => o.Id).ToList());
                }
            }
            """ },
        { "a query a helper built from the context, counted twice after a save", """
            class Context : Db { public int SaveChanges() => 0; }
            class Seeder
            {
                static IQueryable<Order> Open(Context db) => db.Orders.Where(o => o.Open);

                (int, int) Run(Context db)
                {
                    db.SaveChanges();
                    var open = Open(db);
                    return (open.Count(), {|MAGG002:open|}.Count());
                }
            }
            """ },
        { "a projection's rows, then a count of them", """
            class Report
            {
                private readonly Db _db = new();
                int Run()
                {
                    var ids = _db.Orders.Select(o => o.Id).ToList();
                    return ids.Sum() + {|MAGG002:_db.Orders|}.Count();
                }
            }
            """ },
        { "a projection written as a query expression, then a count of it", """
            class Report
            {
                private readonly Db _db = new();
                int Run()
                {
                    var ids = (from o in _db.Orders select o.Id).ToList();
                    return ids.Sum() + {|MAGG002:_db.Orders|}.Count();
                }
            }
            """ },
        { "a chain that reads nothing of the iteration, run for each element of a loop", """
            class Checkout
            {
                private readonly Db _db = new();
                int Run(List<int> items)
                {
                    var applied = 0;
                    foreach (var item in items)
                    {
                        var open = {|MAGG002:_db.Orders.Where(o => o.Open)|}.ToList();
                        applied += open.Count(o => o.Id == item);
                    }
                    return applied;
                }
            }
            """ },
        { "a check that the set has rows, then its first row", """
            class Home
            {
                private readonly Db _db = new();
                Order? Run() => _db.Orders.Any() ? {|MAGG002:_db.Orders|}.First() : null;
            }
            """ },
        { "a stored query counted in each iteration of a loop that writes nothing it reads", """
            class Daily
            {
                private readonly Db _db = new();
                List<int> Run(int customer, int days)
                {
                    var counts = new List<int>();
                    var theirs = _db.Orders.Where(o => o.CustomerId == customer);
                    for (var day = 0; day < days; day++)
                        counts.Add({|MAGG002:theirs|}.Count());
                    return counts;
                }
            }
            """ },
        { "the lowest and highest of the one facet a condition on the iteration chooses: the highest repeats the lowest's query", """
            class Facets
            {
                private readonly Db _db = new();
                List<int> Run(List<int> kinds)
                {
                    var bounds = new List<int>();
                    foreach (var kind in kinds)
                    {
                        if (kind == 2)
                        {
                            bounds.Add(_db.Orders.Where(o => o.Open).Min(o => o.Id));
                            bounds.Add({|MAGG002:_db.Orders.Where(o => o.Open)|}.Max(o => o.Id));
                        }
                    }
                    return bounds;
                }
            }
            """ },
        { "a set loaded in each iteration of a loop that saves on some path but never leaves on what it loaded", """
            class Context : Db { public int SaveChanges() => 0; }
            class Importer
            {
                private readonly Context _db = new();
                void Run(List<int> ids)
                {
                    foreach (var id in ids)
                    {
                        var orders = {|MAGG002:_db.Orders|}.ToList();
                        if (orders.Count > id)
                            _db.SaveChanges();
                    }
                }
            }
            """ },
        { "a set loaded in each iteration of a foreach that returns once it is empty and saves on some path", """
            class Context : Db { public int SaveChanges() => 0; }
            class Importer
            {
                private readonly Context _db = new();
                void Run(List<int> ids)
                {
                    foreach (var id in ids)
                    {
                        var orders = {|MAGG002:_db.Orders|}.ToList();
                        if (orders.Count == 0) return;
                        if (orders.Count > id) _db.SaveChanges();
                    }
                }
            }
            """ },
        { "a set loaded in each iteration of a while loop whose break on what it loaded is a switch's", """
            class Context : Db { public int SaveChanges() => 0; }
            class Importer
            {
                private readonly Context _db = new();
                void Run(List<int> ids)
                {
                    var i = 0;
                    while (i < ids.Count)
                    {
                        var orders = {|MAGG002:_db.Orders|}.ToList();
                        if (orders.Count > 0)
                        {
                            switch (ids[i])
                            {
                                case 1: _db.SaveChanges(); break;
                                default: break;
                            }
                        }
                        i++;
                    }
                }
            }
            """ },
        { "the rows stored in a property named as the set, then a count of it", """
            class OrdersPage
            {
                private readonly Db _db = new();
                public List<Order> Orders { get; set; } = new();
                public int Count { get; set; }
                void Run()
                {
                    Orders = _db.Orders.ToList();
                    Count = {|MAGG002:_db.Orders|}.Count();
                }
            }
            """ },
        { "the rows selected as themselves, then a lookup they hold", """
            class EditForm
            {
                private readonly Db _db = new();
                (int, Order?) Run(int id)
                {
                    var all = _db.Orders.Select(o => o).ToList();
                    var order = {|MAGG002:_db.Orders|}.FirstOrDefault(o => o.Id == id);
                    return (all.Count, order);
                }
            }
            """ },
        { "the rows, then a lookup they hold", """
            class EditForm
            {
                private readonly Db _db = new();
                (int, Order?) Run(int id)
                {
                    var all = _db.Orders.ToList();
                    var order = {|MAGG002:_db.Orders|}.FirstOrDefault(o => o.Id == id);
                    return (all.Count, order);
                }
            }
            """ },
        { "a set counted in every iteration after a guard that leaves the loop", """
            class Lines
            {
                private readonly Db _db = new();
                int Run(List<string> lines)
                {
                    var n = 0;
                    foreach (var line in lines)
                    {
                        if (line.Length == 0) throw new FormatException();
                        if (line == "end") break;
                        n += {|MAGG002:_db.Orders|}.Count();
                    }
                    return n;
                }
            }
            """ },
        { "a set counted in every iteration through a local declared in the loop", """
            class Kinds
            {
                private readonly Db _db = new();
                int Run(List<int> kinds)
                {
                    var n = 0;
                    foreach (var kind in kinds)
                    {
                        var orders = _db.Orders;
                        n += kind * {|MAGG002:orders|}.Count();
                    }
                    return n;
                }
            }
            """ },
        { "a set counted, then streamed through DbSet's own AsAsyncEnumerable", """
            class StreamedSet<T> : DbSet<T> { public IAsyncEnumerable<T> AsAsyncEnumerable() => throw new NotSupportedException(); }
            class StreamDb { public StreamedSet<Order> Orders { get; } = new(); }
            class Reports
            {
                private readonly StreamDb _db = new();
                async Task<int> Run()
                {
                    var n = _db.Orders.Count();
                    await foreach (var order in {|MAGG002:_db.Orders|}.AsAsyncEnumerable()) n += order.Id;
                    return n;
                }
            }
            """ },
        { "a query counted, then streamed through EF Core's AsAsyncEnumerable", """
            static class EntityFrameworkQueryableExtensions
            {
                public static IAsyncEnumerable<T> AsAsyncEnumerable<T>(this IQueryable<T> source) => throw new NotSupportedException();
                public static Task<int> CountAsync<T>(this IQueryable<T> source) => Task.FromResult(source.Count());
            }
            class Reports
            {
                async Task<int> Run(IQueryable<Order> open)
                {
                    var n = await open.CountAsync();
                    await foreach (var order in {|MAGG002:open|}.AsAsyncEnumerable()) n += order.Id;
                    return n;
                }
            }
            """ },
        { "a set loaded in every iteration after a guard that does not read the iteration", """
            class Facets
            {
                private readonly Db _db = new();
                int Run(List<int> kinds, int limit)
                {
                    var n = 0;
                    foreach (var kind in kinds)
                    {
                        if (limit < 0) continue;
                        n += kind * {|MAGG002:_db.Orders|}.ToList().Count;
                    }
                    return n;
                }
            }
            """ },
        { "a set counted in every iteration of an inner loop, the outer one waiting", """
            class Reports
            {
                private readonly Db _db = new();
                async Task Run(List<int> kinds)
                {
                    var n = 0;
                    while (n < 1000)
                    {
                        foreach (var k in kinds) n += k * {|MAGG002:_db.Orders|}.Count();
                        await Task.Delay(1000);
                    }
                }
            }
            """ },
        { "a set counted in every iteration, a lambda in the loop waiting", """
            class Reports
            {
                private readonly Db _db = new();
                int Run()
                {
                    var total = 0;
                    for (var i = 0; i < 3; i++)
                    {
                        total += {|MAGG002:_db.Orders|}.Count();
                        _ = Task.Run(async () => await Task.Delay(10));
                    }

                    return total;
                }
            }
            """ },
        { "a transaction begun on the context's Database between two reads, which writes nothing", """
            class DatabaseFacade { public object BeginTransaction(System.Data.IsolationLevel level) => new(); }
            class EfDb : Db { public DatabaseFacade Database { get; } = new(); }
            class Reports
            {
                private readonly EfDb _db = new();
                int Run()
                {
                    var before = _db.Orders.Count();
                    _db.Database.BeginTransaction(System.Data.IsolationLevel.Serializable);
                    return before + {|MAGG002:_db.Orders|}.Count();
                }
            }
            """ },
        { "a set read by an extension method that gives a value, between two reads", """
            static class Paging { public static Task<List<T>> ToPagedListAsync<T>(this IQueryable<T> query, int page, int size) => Task.FromResult(query.Skip(page * size).Take(size).ToList()); }
            class Reports
            {
                private readonly Db _db = new();
                async Task<int> Run()
                {
                    var before = _db.Orders.Count();
                    var page = await _db.Orders.ToPagedListAsync(1, 20);
                    return before + page.Count + {|MAGG002:_db.Orders|}.Count();
                }
            }
            """ },
        { "a join's other set, counted around a bulk delete of the join held in a variable", """
            static class BulkExtensions { public static int ExecuteDelete<T>(this IQueryable<T> query) => 0; }
            class DbWithCustomers : Db { public DbSet<Customer> Customers { get; } = new(); }
            class Cleaner
            {
                private readonly DbWithCustomers _db = new();
                int Run()
                {
                    var stale = _db.Orders.Join(_db.Customers.Where(c => c.Id < 0), o => o.CustomerId, c => c.Id, (o, c) => o);
                    var before = _db.Customers.Count();
                    stale.ExecuteDelete();
                    return before + {|MAGG002:_db.Customers|}.Count();
                }
            }
            """ },
        { "a set in a field: checked, then loaded", """
            class LanguageService
            {
                private readonly DbSet<Order> _languages = new();
                List<Order> All() => _languages.Any() ? {|MAGG002:_languages|}.ToList() : new List<Order>();
            }
            """ },
        { "a repository's table property", """
            class Reports
            {
                private readonly IRepository<Order> _orders;
                Reports(IRepository<Order> orders) => _orders = orders;
                int Span() => _orders.Table.Max(o => o.Id) - {|MAGG002:_orders.Table|}.Min(o => o.Id);
            }
            """ },
        { "a context's set, counted and then its maximum", """
            class Reports
            {
                private readonly Db _db = new();
                int Run() => _db.Orders.Count() + {|MAGG002:_db.Orders|}.Max(o => o.Id);
            }
            """ },
        { "a context's set, aggregated by an [Aggregate] method and then counted", """
            static partial class Stats
            {
                [MultiAgg.Aggregate(MultiAgg.Agg.Max, Of = nameof(Order.Id))]
                public static partial int LastId(IQueryable<Order> orders);
                public static partial int LastId(IQueryable<Order> orders) => 0; // the generator's part
            }

            class Reports
            {
                private readonly Db _db = new();
                int Run() => Stats.LastId(_db.Orders) + {|MAGG002:_db.Orders|}.Count();
            }
            """ },
        { "a context parameter's set", """
            class Reports { int Run(Db db) => db.Orders.Count() + {|MAGG002:db.Orders|}.Max(o => o.Id); }
            """ },
        { "Set<T>() written twice", """
            class Reports { int Run(Db db) => db.Set<Order>().Count() + {|MAGG002:db.Set<Order>()|}.Count(o => o.Open); }
            """ },
        { "a static set", """
            static class Cache { public static readonly DbSet<Order> Orders = new(); }
            class Reports { int Run() => Cache.Orders.Count() + {|MAGG002:Cache.Orders|}.Max(o => o.Id); }
            """ },
        { "two counts of a set with different filters: one query counts both", """
            class Reports
            {
                private readonly Db _db = new();
                bool Full(int coupon, int customer) =>
                    _db.Orders.Count(o => o.Id == coupon) > 10 || {|MAGG002:_db.Orders|}.Count(o => o.Id == coupon && o.CustomerId == customer) > 2;
            }
            """ },
        { "the same lookup in a set twice", """
            class Reports
            {
                private readonly Db _db = new();
                string Run() => _db.Orders.First(o => o.Id == 7).Id + "/" + {|MAGG002:_db.Orders|}.First(o => o.Id == 7).CustomerId;
            }
            """ },
        { "the same lookup in a set twice, in a method that sets a view model's members named like its columns", """
            public sealed class OrderView { public int Id { get; set; } public bool Open { get; set; } public int CustomerId { get; set; } public int Qty { get; set; } }
            public sealed class Basket { public int Id { get; set; } public List<Line> Lines { get; } = new(); public Customer Owner { get; set; } = new(); }
            public sealed class Line { public int Qty { get; set; } }
            class Reports
            {
                private readonly Db _db = new();
                OrderView Run(int id)
                {
                    var view = new OrderView { Open = true };
                    view.Id = id;
                    view.CustomerId = _db.Orders.First(o => o.Id == id).CustomerId;
                    view.Open = {|MAGG002:_db.Orders|}.First(o => o.Id == id).Open && _db.Orders.Count(o => o.Open) > 0;
                    view.Qty = _db.Set<Basket>().First(b => b.Lines.Any(l => l.Qty > id)).Id;
                    view.Qty += {|MAGG002:_db.Set<Basket>()|}.First(b => b.Lines.Any(l => l.Qty > id)).Id;
                    view.Qty += _db.Set<Basket>().First(b => b.Owner.Id == id).Id;
                    view.Qty += {|MAGG002:_db.Set<Basket>()|}.First(b => b.Owner.Id == id).Id;
                    return view;
                }
            }
            """ },
        { "the same lookup twice under one lock, or the second before the lock is taken", """
            class Settings
            {
                private readonly Db _db = new();
                private readonly object _gate = new();
                private readonly System.Threading.SemaphoreSlim _semaphore = new(1);

                bool Both(int id)
                {
                    lock (_gate)
                    {
                        return _db.Orders.Any(o => o.Id == id) && {|MAGG002:_db.Orders|}.Any(o => o.Id == id);
                    }
                }

                bool Before(int id)
                {
                    var known = _db.Orders.Any(o => o.Id == id);
                    var again = {|MAGG002:_db.Orders|}.Any(o => o.Id == id);
                    lock (_gate) { return known && again; }
                }

                bool Scoped(int id, System.Threading.Lock gate)
                {
                    // A Lock's scope disposed at the end of its block, before the second.
                    var known = _db.Orders.Any(o => o.Id == id);
                    {
                        using var scope = gate.EnterScope();
                        known &= id > 0;
                    }
                    return known && {|MAGG002:_db.Orders|}.Any(o => o.Id == id);
                }

                bool Released(int id, System.Threading.SemaphoreSlim semaphore, System.Threading.ManualResetEventSlim ready, System.Threading.ManualResetEvent signal)
                {
                    // Taken and given back, or an event waited for (a signal, no lock): the second runs outside any lock.
                    var known = _db.Orders.Any(o => o.Id == id);
                    semaphore.Wait();
                    semaphore.Release();
                    ready.Wait();
                    signal.WaitOne();
                    return known && {|MAGG002:_db.Orders|}.Any(o => o.Id == id);
                }

                static readonly System.Threading.SemaphoreSlim Shared = new(1);

                async Task<bool> ReleasedThroughItsType(int id)
                {
                    // Taken as `Settings.Shared` and given back as `Shared`: one lock.
                    var known = _db.Orders.Any(o => o.Id == id);
                    await Settings.Shared.WaitAsync();
                    try { known &= id > 0; }
                    finally { Shared.Release(); }
                    return known && {|MAGG002:_db.Orders|}.Any(o => o.Id == id);
                }

                async Task<bool> ReleasedThroughThis(int id)
                {
                    // Taken as `_semaphore` and given back as `this._semaphore`: one lock, so the second runs outside it.
                    var known = _db.Orders.Any(o => o.Id == id);
                    await _semaphore.WaitAsync();
                    try { known &= id > 0; }
                    finally { this._semaphore.Release(); }
                    return known && {|MAGG002:_db.Orders|}.Any(o => o.Id == id);
                }
            }
            """ },
        { "a set checked for a row, then the same row looked up", """
            class Reports
            {
                private readonly Db _db = new();
                Order? Run(int id) => _db.Orders.Any(o => o.Id == id) ? {|MAGG002:_db.Orders|}.First(o => o.Id == id) : null;
            }
            """ },
        { "a lookup in a set, then its rows", """
            class Reports
            {
                private readonly Db _db = new();
                (Order, List<Order>) Run() => (_db.Orders.First(o => o.Open), {|MAGG002:_db.Orders|}.ToList());
            }
            """ },
        { "a set counted in every iteration, whatever the element, each element's failure caught: no retry", """
            class Reports
            {
                private readonly Db _db = new();
                int Run(List<int> kinds, List<string> lines)
                {
                    var n = 0;
                    foreach (var kind in kinds)
                    {
                        try { n += kind * {|MAGG002:_db.Orders|}.Count(); }
                        catch (System.InvalidOperationException) { n = -1; }
                    }

                    for (var attempt = 0; attempt < 3; attempt++)
                    {
                        try { n += {|MAGG002:_db.Orders|}.Count(); return n; }
                        catch (System.TimeoutException) { throw; }
                    }

                    foreach (var kind in kinds)
                    {
                        n += kind * {|MAGG002:_db.Orders|}.Count();
                        foreach (var line in lines)
                        {
                            try { n += int.Parse(line); break; }
                            catch (System.FormatException) { }
                        }
                    }

                    return n;
                }
            }
            """ },
        { "a set counted in every iteration, whatever the element", """
            class Reports
            {
                private readonly Db _db = new();
                int Run(List<int> kinds)
                {
                    var n = 0;
                    foreach (var kind in kinds)
                    {
                        if (n > 100) break;
                        n += kind * {|MAGG002:_db.Orders|}.Count();
                    }
                    return n;
                }
            }
            """ },
        { "a set counted twice around a helper call on the containing type", """
            class Reports
            {
                private readonly Db _db = new();
                void Log(int n) { }
                int Run()
                {
                    var n = _db.Orders.Count();
                    Log(n);
                    return {|MAGG002:_db.Orders|}.Max(o => o.Id);
                }
            }
            """ },
        { "different rows looked up in a set a variable holds: loading it once serves both", """
            class Seed
            {
                private readonly Db _db = new();
                (Order?, Order?) Run()
                {
                    var orders = _db.Orders.OrderBy(o => o.Id).AsQueryable();
                    return (orders.FirstOrDefault(o => o.Open), {|MAGG002:orders|}.FirstOrDefault(o => o.CustomerId == 1));
                }
            }
            """ },
        { "a set asked the same thing in every iteration", """
            class Reports
            {
                private readonly Db _db = new();
                int Run(List<int> ids)
                {
                    var n = 0;
                    foreach (var id in ids) n += id * {|MAGG002:_db.Orders|}.Count(o => o.Open);
                    return n;
                }
            }
            """ },
        { "a query variable asked the same thing in every iteration", """
            class Reports
            {
                int Run(IQueryable<Order> orders, List<int> ids)
                {
                    var n = 0;
                    foreach (var id in ids) n += id * {|MAGG002:orders|}.Count(o => o.Open);
                    return n;
                }
            }
            """ },
        { "a set looked up, then Find (a read), then counted", """
            class Reports
            {
                private readonly Db _db = new();
                int Run() { var n = _db.Orders.Count(); _db.Orders.Find(1); return n + {|MAGG002:_db.Orders|}.Max(o => o.Id); }
            }
            """ },
        { "a set counted for every element by a lambda LINQ runs per element", """
            class Reports
            {
                private readonly Db _db = new();
                int Run(List<int> ids) => ids.Sum(id => id * {|MAGG002:_db.Orders|}.Count());
            }
            """ },
        { "the same chain written out twice", """
            class Reports
            {
                private readonly Db _db = new();
                int Run() => _db.Orders.Where(o => o.Open).Min(o => o.Id) + {|MAGG002:_db.Orders.Where(o => o.Open)|}.Max(o => o.Id);
            }
            """ },
        { "the same chain over a parameter written out twice, through links that keep the rows", """
            class Reports
            {
                int Run(IQueryable<Order> orders) =>
                    orders.Where(o => o.Open).OrderBy(o => o.Id).First().Id + {|MAGG002:orders.Where(o => o.Open).OrderBy(o => o.Id)|}.Last().Id;
            }
            """ },
        { "the same chain over a parameter, reading a parameter, across a branch", """
            class Reports
            {
                int Run(IQueryable<Order> orders, int customer, bool verbose)
                {
                    var count = orders.Where(o => o.CustomerId == customer).Count();
                    if (verbose) System.Console.WriteLine(count);
                    return count + {|MAGG002:orders.Where(o => o.CustomerId == customer)|}.Max(o => o.Id);
                }
            }
            """ },
        { "a query that does not depend on the loop, run in every iteration", """
            class Reports
            {
                private readonly Db _db = new();
                int Run(List<int> ids)
                {
                    var n = 0;
                    foreach (var id in ids) n += id * {|MAGG002:_db.Orders|}.Count();
                    return n;
                }
            }
            """ },
        { "a chain walked by foreach, then written out again and counted", """
            class Reports
            {
                private readonly Db _db = new();
                int Run()
                {
                    var n = 0;
                    foreach (var order in _db.Orders.Where(o => o.Open)) n += order.Id;
                    return n + {|MAGG002:_db.Orders.Where(o => o.Open)|}.Count();
                }
            }
            """ },
    };

    public static TheoryData<string, string> NotRepeats => new()
    {
        { "a projection walked by foreach, then a lookup of an entity it does not hold", """
            class Names
            {
                private readonly Db _db = new();
                Order? Run(int id)
                {
                    foreach (var customer in _db.Orders.Select(o => o.CustomerId)) Console.WriteLine(customer);
                    return _db.Orders.FirstOrDefault(o => o.Id == id);
                }
            }
            """ },
        { "a query kept in a local of the loop whose link reads the loop's index: another question each time", """
            class Yearly
            {
                int[] Run(IQueryable<Order> orders)
                {
                    var sums = new int[5];
                    for (var year = 0; year < sums.Length; year++)
                    {
                        var totals = orders.Select(o => o.CustomerId == year ? o.Id : 0);
                        sums[year] = totals.Sum();
                    }
                    return sums;
                }
            }
            """ },
        { "a projection kept in a local, its rows, then a lookup of an entity they do not hold, or its distinct values, then a count", """
            class EditForm
            {
                private readonly Db _db = new();
                (int, Order?) Run(int id)
                {
                    var options = _db.Orders.Select(o => new { o.Id, o.CustomerId });
                    var list = options.ToList();
                    var order = _db.Orders.FirstOrDefault(o => o.Id == id);
                    return (list.Count, order);
                }

                (int, int) Customers()
                {
                    var customers = _db.Orders.Select(o => o.CustomerId).Distinct();
                    var ids = customers.ToList();
                    return (ids.Count, _db.Orders.Count());
                }
            }
            """ },
        { "a query kept in a local whose filter reads a variable written between its executions", """
            class Daily
            {
                private readonly Db _db = new();
                (int, int) Run(int day)
                {
                    var onDay = _db.Orders.Where(o => o.CustomerId == day);
                    var a = onDay.Count();
                    day++;
                    var b = onDay.Count();
                    return (a, b);
                }
            }
            """ },
        { "a lookup by the members of objects in memory, written between its two runs", """
            class Picks
            {
                private readonly Db _db = new();
                (Order, Order) Run(List<Order> picked)
                {
                    var a = _db.Orders.First(o => picked.Select(p => p.Id).Contains(o.Id));
                    picked[0].Id = 9;
                    var b = _db.Orders.First(o => picked.Select(p => p.Id).Contains(o.Id));
                    return (a, b);
                }
            }
            """ },
        { "double-checked locking: the same lookup asked again under a lock taken after it, to see what another writer committed", """
            class Settings
            {
                private readonly Db _db = new();
                private readonly object _gate = new();
                private readonly System.Threading.SemaphoreSlim _semaphore = new(1);

                void Ensure(int id)
                {
                    if (!_db.Orders.Any(o => o.Id == id))
                    {
                        lock (_gate)
                        {
                            if (!_db.Orders.Any(o => o.Id == id))
                                _db.Orders.Add(new Order { Id = id });
                        }
                    }
                }

                async Task EnsureAsync(int id)
                {
                    if (!_db.Orders.Any(o => o.Id == id))
                    {
                        await _semaphore.WaitAsync();
                        try
                        {
                            if (!_db.Orders.Any(o => o.Id == id))
                                _db.Orders.Add(new Order { Id = id });
                        }
                        finally { _semaphore.Release(); }
                    }
                }

                static readonly System.Threading.Mutex? Named = null;

                void EnsureNamed(int id)
                {
                    if (!_db.Orders.Any(o => o.Id == id))
                    {
                        Named?.WaitOne();
                        try
                        {
                            if (!_db.Orders.Any(o => o.Id == id))
                                _db.Orders.Add(new Order { Id = id });
                        }
                        finally { Named?.ReleaseMutex(); }
                    }
                }

                void EnsureIfShared(int id, System.Threading.SemaphoreSlim? shared)
                {
                    if (!_db.Orders.Any(o => o.Id == id))
                    {
                        shared?.Wait();
                        try
                        {
                            if (!_db.Orders.Any(o => o.Id == id))
                                _db.Orders.Add(new Order { Id = id });
                        }
                        finally { shared?.Release(); }
                    }
                }
            }
            """ },
        { "a query kept in a local whose filter reads a member, or an item, of a variable written between its executions", """
            public sealed class Criteria { public int From { get; set; } }
            class Daily
            {
                private readonly Db _db = new();
                (int, int, int, int) Run(Criteria criteria, int[] days)
                {
                    var since = _db.Orders.Where(o => o.CustomerId >= criteria.From);
                    var week = since.Count();
                    criteria.From -= 7;
                    var fortnight = since.Count();
                    var onDay = _db.Orders.Where(o => o.CustomerId == days[0]);
                    var first = onDay.Count();
                    days[0]++;
                    var second = onDay.Count();
                    return (week, fortnight, first, second);
                }
            }
            """ },
        { "a query kept in a local whose filter reads a collection changed in place between its executions", """
            static class Seen
            {
                public static void Remember(this HashSet<int> seen, int id) => seen.Add(id);
                public static void AddCustomer(this Picked picked, int id) => picked.Customers.Add(id);
            }
            sealed class Picked { public List<int> Customers { get; } = new(); }
            struct Span { public int From; public void AddDays(int days) => From += days; }
            class Chosen
            {
                private readonly Db _db = new();
                static void Collect(HashSet<int> seen, int id) => seen.Add(id);
                (int, int, int, int, int, int) Run(List<int> ids, int[] more, HashSet<int> seen, int[] days)
                {
                    var chosen = _db.Orders.Where(o => ids.Contains(o.Id));
                    var before = chosen.Count();
                    ids.AddRange(more);
                    var after = chosen.Count();
                    var unseen = _db.Orders.Where(o => !seen.Contains(o.Id));
                    var first = unseen.Count();
                    Collect(seen, 4);
                    var second = unseen.Count();
                    var onDays = _db.Orders.Where(o => o.CustomerId == days[0]);
                    var lowest = onDays.Count();
                    Array.Sort(days);
                    return (before, after, first, second, lowest, onDays.Count());
                }

                void AddSeen(HashSet<int> seen, int id) => seen.Add(id);

                sealed class TagList : List<string> { public TagList AddTag(string tag) { Add(tag); return this; } }
                sealed class Filter { public List<int> Statuses { get; } = new(); public void AddStatus(int status) => Statuses.Add(status); }

                (int, int, int, int) Built(TagList tags, Filter criteria)
                {
                    // A fluent builder's change returns the builder; a method of the project's own changes its object.
                    var tagged = _db.Orders.Where(o => tags.Contains(o.Id.ToString()));
                    var first = tagged.Count();
                    tags.AddTag("x");
                    var wanted = _db.Orders.Where(o => criteria.Statuses.Contains(o.CustomerId));
                    var before = wanted.Count();
                    criteria.AddStatus(3);
                    return (first, tagged.Count(), before, wanted.Count());
                }

                (int, int, int, int) Given(HashSet<int> seen, int[] keys, int[] items)
                {
                    // A method of the project's own named for a change, given the set; a static sort given two arrays.
                    var unseen = _db.Orders.Where(o => !seen.Contains(o.Id));
                    var first = unseen.Count();
                    this.AddSeen(seen, 4);
                    var second = unseen.Count();
                    var listed = _db.Orders.Where(o => items.Contains(o.CustomerId));
                    var before = listed.Count();
                    Array.Sort(keys, items);
                    return (first, second, before, listed.Count());
                }

                (int, int, int, int) Extended(HashSet<int> seen, Span span)
                {
                    // An extension of the project's own given the set; a method of its own named for a change on a struct.
                    var unseen = _db.Orders.Where(o => !seen.Contains(o.Id));
                    var first = unseen.Count();
                    seen.Remember(4);
                    var later = _db.Orders.Where(o => o.CustomerId >= span.From);
                    var before = later.Count();
                    span.AddDays(7);
                    return (first, unseen.Count(), before, later.Count());
                }

                (int, int) ExtendedObject(Picked picked)
                {
                    // An extension of the project's own named for a change, on an object that holds the list.
                    var theirs = _db.Orders.Where(o => picked.Customers.Contains(o.CustomerId));
                    var before = theirs.Count();
                    picked.AddCustomer(3);
                    return (before, theirs.Count());
                }

                int Drained(HashSet<int> seen)
                {
                    // Changed in place in the loop that runs the query again.
                    var unseen = _db.Orders.Where(o => !seen.Contains(o.Id));
                    var n = 0;
                    for (var i = 0; i < 3; i++)
                    {
                        n += unseen.Count();
                        seen.Add(i);
                    }

                    return n;
                }
            }
            """ },
        { "a query kept in a local whose filter reads a variable written between its count and its sorted rows", """
            class Daily
            {
                private readonly Db _db = new();
                (int, List<Order>) Run(int min)
                {
                    var big = _db.Orders.Where(o => o.CustomerId > min);
                    var n = big.Count();
                    min = 100;
                    return (n, big.OrderBy(o => o.Id).ToList());
                }
            }
            """ },
        { "a query kept in a local whose filter reads a variable written between, its sorted rows listed through ! and parentheses", """
            class Daily
            {
                private readonly Db _db = new();
                (int, List<Order>, List<Order>) Run(int min)
                {
                    IQueryable<Order>? big = _db.Orders.Where(o => o.CustomerId > min);
                    var n = big.Count();
                    min = 100;
                    var sorted = big!.OrderBy(o => o.Id).ToList();
                    min = 200;
                    return (n, sorted, (big).OrderBy(o => o.Id).ToList());
                }
            }
            """ },
        { "a random order kept in a local, its first row picked twice", """
            class Quotes
            {
                private readonly Db _db = new();
                (Order, Order) Run()
                {
                    var shuffled = _db.Orders.OrderBy(o => Guid.NewGuid());
                    return (shuffled.First(), shuffled.First());
                }
            }
            """ },
        { "a random row picked twice", """
            class Quotes
            {
                private readonly Db _db = new();
                (Order, Order) Run() =>
                    (_db.Orders.OrderBy(o => Guid.NewGuid()).First(), _db.Orders.OrderBy(o => Guid.NewGuid()).First());
            }
            """ },
        { "whether every row matches, then the first that does", """
            class Paid
            {
                private readonly Db _db = new();
                Order? Run() => !_db.Orders.All(o => o.Open) ? _db.Orders.FirstOrDefault(o => o.Open) : null;
            }
            """ },
        { "a projection's rows, then a lookup of an entity they do not hold", """
            class EditForm
            {
                private readonly Db _db = new();
                (int, Order?) Run(int id)
                {
                    var options = _db.Orders.Select(o => new { o.Id, o.CustomerId }).ToList();
                    var order = _db.Orders.FirstOrDefault(o => o.Id == id);
                    return (options.Count, order);
                }
            }
            """ },
        { "the distinct values of a projection, then a count of the set they do not give", """
            class Filters
            {
                private readonly Db _db = new();
                (List<int>, int) Run()
                {
                    var customers = _db.Orders.Select(o => o.CustomerId).Distinct().ToList();
                    return (customers, _db.Orders.Count());
                }
            }
            """ },
        { "a projection written as a query expression, then a lookup of an entity it does not hold", """
            class EditForm
            {
                private readonly Db _db = new();
                (int, Order?) Run(int id)
                {
                    var options = (from o in _db.Orders orderby o.Id select new { o.Id, o.CustomerId }).ToList();
                    var order = _db.Orders.FirstOrDefault(o => o.Id == id);
                    return (options.Count, order);
                }
            }
            """ },
        { "a chain that reads the element, run for each element of a loop", """
            class Checkout
            {
                private readonly Db _db = new();
                int Run(List<int> customers)
                {
                    var count = 0;
                    foreach (var customer in customers)
                        count += _db.Orders.Where(o => o.CustomerId == customer).ToList().Count;
                    return count;
                }
            }
            """ },
        { "a query each iteration builds on the one before (filters a loop adds, one visitor after another)", """
            interface IVisitor { IQueryable<Order> Visit(IQueryable<Order> query); }
            class Search
            {
                private readonly Db _db = new();
                private readonly List<IVisitor> _visitors = new();
                (IQueryable<Order>, int) Run(List<int> excluded)
                {
                    var query = _db.Orders.Where(o => o.Open);
                    foreach (var visitor in _visitors)
                        query = visitor.Visit(query);
                    foreach (var id in excluded)
                        query = query.Where(o => o.Id != id).OrderBy(o => o.CustomerId);
                    return (query, query.Count());
                }
            }
            """ },
        { "a sort each iteration adds to, through a cast", """
            class Grid
            {
                private readonly Db _db = new();
                List<Order> Run(List<string> columns)
                {
                    IQueryable<Order> query = _db.Orders.OrderBy(o => o.Id);
                    foreach (var column in columns)
                    {
                        switch (column)
                        {
                            case "customer": query = ((IOrderedQueryable<Order>)query).ThenBy(o => o.CustomerId); break;
                            case "open": query = (query as IOrderedQueryable<Order>)!.ThenBy(o => o.Open); break;
                        }
                    }
                    return query.ToList();
                }
            }
            """ },
        { "a chain that reads a set the loop adds to, run for each element", """
            class Rounds
            {
                private readonly Db _db = new();
                void Run(List<int> rounds)
                {
                    var seen = new HashSet<int>();
                    foreach (var round in rounds)
                    {
                        var next = _db.Orders.Where(o => !seen.Contains(o.Id)).ToList();
                        foreach (var order in next) seen.Add(order.Id);
                    }
                }
            }
            """ },
        { "a chain that reads a set a helper adds to, or an array the loop writes, run for each element", """
            class Rounds
            {
                private readonly Db _db = new();
                static void Collect(HashSet<int> seen, List<Order> orders) { foreach (var o in orders) seen.Add(o.Id); }
                void Run(List<int> rounds)
                {
                    var seen = new HashSet<int>();
                    var current = new int[1];
                    foreach (var round in rounds)
                    {
                        Collect(seen, _db.Orders.Where(o => !seen.Contains(o.Id)).ToList());
                        current[0] = round;
                        var mine = _db.Orders.Where(o => o.CustomerId == current[0]).ToList();
                    }
                }
            }
            """ },
        { "a chain in a for loop that drains a queue", """
            interface IWorker { void Process(List<Order> batch); }
            class Drain
            {
                private readonly Db _db = new();
                void Run(IWorker worker, int maxBatches)
                {
                    for (var i = 0; i < maxBatches; i++)
                    {
                        var batch = _db.Orders.Where(o => o.Open).Take(50).ToList();
                        if (batch.Count == 0) break;
                        worker.Process(batch);
                    }
                }
            }
            """ },
        { "a batch read in a loop that deletes it on a path of its body", """
            static class BulkExtensions { public static int ExecuteDelete<T>(this IQueryable<T> query) => 0; }
            class Cleaner
            {
                private readonly Db _db = new();
                void Run(IQueryable<Order> stale, int maxBatches)
                {
                    var batch = stale.OrderBy(o => o.Id).Take(100);
                    for (var i = 0; i < maxBatches; i++)
                    {
                        var ids = batch.Select(o => o.Id).ToList();
                        if (ids.Count == 0) break;
                        if (ids.Count > 1)
                            _db.Orders.Where(o => ids.Contains(o.Id)).ExecuteDelete();
                    }
                }
            }
            """ },
        { "a drain that leaves on a flag computed from the batch it read", """
            static class BulkExtensions { public static int ExecuteDelete<T>(this IQueryable<T> query) => 0; }
            class Cleaner
            {
                private readonly Db _db = new();
                void Run(IQueryable<Order> stale)
                {
                    var more = true;
                    while (more)
                    {
                        var ids = stale.Select(o => o.Id).ToList();
                        more = ids.Count == 100;
                        if (ids.Count > 0)
                            _db.Orders.Where(o => ids.Contains(o.Id)).ExecuteDelete();
                    }
                }
            }
            """ },
        { "a drain that leaves once a check of what it reads is false, and saves on some path", """
            class Context : Db
            {
                public int SaveChanges() => 0;

                void Drain(IQueryable<Order> stale, int limit)
                {
                    for (var i = 0; i < limit; i++)
                    {
                        if (!stale.Any()) break;
                        if (i % 2 == 0) SaveChanges();
                    }
                }
            }
            """ },
        { "a chain run for each element of a loop that saves the context in each iteration", """
            class Context : Db { public int SaveChanges() => 0; }
            class Closer
            {
                private readonly Context _db = new();
                void Run(List<int> ids)
                {
                    foreach (var id in ids)
                    {
                        var open = _db.Orders.Where(o => o.Open).ToList();
                        open[id].Open = false;
                        _db.SaveChanges();
                    }
                }
            }
            """ },
        { "a stored query whose filter reads a variable the loop advances, counted in each iteration", """
            class Daily
            {
                private readonly Db _db = new();
                List<int> Run(int from, int to)
                {
                    var counts = new List<int>();
                    var day = from;
                    var onDay = _db.Orders.Where(o => o.CustomerId == day);
                    while (day < to)
                    {
                        counts.Add(onDay.Count());
                        day++;
                    }
                    return counts;
                }
            }
            """ },
        { "a stored query whose filter reads a variable the loop advances, listed in each iteration", """
            class Daily
            {
                private readonly Db _db = new();
                List<List<Order>> Run(int from, int to)
                {
                    var lists = new List<List<Order>>();
                    var day = from;
                    var onDay = _db.Orders.Where(o => o.CustomerId == day);
                    for (; day < to; day++)
                        lists.Add(onDay.ToList());
                    return lists;
                }
            }
            """ },
        { "a projection's rows, then an aggregate of another member", """
            class Report
            {
                private readonly Db _db = new();
                int Run()
                {
                    var ids = _db.Orders.Select(o => o.Id).ToList();
                    return ids.Count + _db.Orders.Sum(o => o.CustomerId);
                }
            }
            """ },
        { "two different chains on one set", """
            class Reports
            {
                private readonly Db _db = new();
                int Run() => _db.Orders.Where(o => o.Open).Count() + _db.Orders.Where(o => !o.Open).Count();
            }
            """ },
        { "two sets", """
            class Reports { int Run(Db db) => db.Set<Order>().Count() + db.Set<Customer>().Count(); }
            """ },
        { "a chain reading a variable written between the copies", """
            class Reports
            {
                int Run(IQueryable<Order> orders)
                {
                    var after = 1;
                    var first = orders.Where(o => o.Id > after).Count();
                    after = 100;
                    return first + orders.Where(o => o.Id > after).Count();
                }
            }
            """ },
        { "a chain in a loop: each iteration's query is its own (delete in batches)", """
            class Reports
            {
                private readonly Db _db = new();
                void Run()
                {
                    while (true)
                    {
                        var batch = _db.Orders.Where(o => !o.Open).Take(100).ToList();
                        if (batch.Count == 0) break;
                    }
                }
            }
            """ },
        { "the context written between", """
            class Reports
            {
                int Run()
                {
                    var db = new Db();
                    var first = db.Orders.Count();
                    db = new Db();
                    return first + db.Orders.Count();
                }
                int Chosen(Db archive, bool old)
                {
                    var db = new Db();
                    var first = db.Orders.Count();
                    db = old ? archive : new Db();   // written through the capture the graph makes of it before the branches
                    return first + db.Orders.Count();
                }
            }
            """ },
        { "a new context per iteration", """
            class Reports
            {
                int Run(List<int> ids)
                {
                    var n = 0;
                    foreach (var id in ids)
                    {
                        var db = new Db();
                        n += db.Orders.Count();
                    }

                    return n;
                }
            }
            """ },
        { "the set field written between", """
            class Reports
            {
                private DbSet<Order> _orders = new();
                int Run(DbSet<Order> archive)
                {
                    var first = _orders.Count();
                    _orders = archive;
                    return first + _orders.Count();
                }
            }
            """ },
        { "a lookup per element of a loop: MAGG004's, not a repeat", """
            class Reports
            {
                private readonly Db _db = new();
                int Run(List<int> customers)
                {
                    var n = 0;
                    foreach (var id in customers) n += _db.Orders.Count(o => o.CustomerId == id);
                    return n + customers.Sum(c => _db.Orders.Count(o => o.CustomerId == c));
                }
            }
            """ },
        { "different rows looked up in one set: each is its own query", """
            class Seed
            {
                private readonly Db _db = new();
                void Run()
                {
                    var first = _db.Orders.First(o => o.CustomerId == 0);
                    var third = _db.Orders.First(o => o.CustomerId == 2);
                    var open = _db.Orders.FirstOrDefault(o => o.Open);
                    System.Console.WriteLine(first.Id + third.Id + open?.Id);
                }
            }
            """ },
        { "a lookup, then a fallback lookup if it found nothing", """
            class Search
            {
                private readonly IRepository<Customer> _customers;
                Search(IRepository<Customer> customers) => _customers = customers;
                Customer? Find(int id) => _customers.Table.FirstOrDefault(c => c.Id == id) ?? _customers.Table.FirstOrDefault(c => c.Id == -id);
            }
            """ },
        { "a lookup per step of a walk up a chain of parents", """
            class Tree
            {
                private readonly Db _db = new();
                bool IsAncestor(int parentId, int childId)
                {
                    var parent = _db.Orders.First(o => o.Id == parentId).CustomerId;
                    while (parent != 0)
                    {
                        if (parent == childId) return true;
                        parent = _db.Orders.First(o => o.Id == parent).CustomerId;
                    }
                    return false;
                }
            }
            """ },
        { "an [Aggregate] method over a set and a lookup in it", """
            static partial class Stats
            {
                [MultiAgg.Aggregate(MultiAgg.Agg.Count)]
                public static partial int Count(IQueryable<Order> orders);
                public static partial int Count(IQueryable<Order> orders) => 0; // the generator's part
            }

            class Reports
            {
                private readonly Db _db = new();
                int Run(int id) => Stats.Count(_db.Orders) + _db.Orders.First(o => o.Id == id).CustomerId;
            }
            """ },
        { "an [Aggregate] method asked something else in each iteration", """
            static partial class Stats
            {
                [MultiAgg.Aggregate(MultiAgg.Agg.Count, Where = nameof(IsOf))]
                public static partial int CountOf(IQueryable<Order> orders, int customer);
                public static partial int CountOf(IQueryable<Order> orders, int customer) => 0; // the generator's part

                private static bool IsOf(Order order, int customer) => order.CustomerId == customer;
            }

            class Reports
            {
                private readonly Db _db = new();
                int Run()
                {
                    var n = 0;
                    for (var customer = 0; customer < 3; customer++) n += Stats.CountOf(_db.Orders, customer);
                    return n;
                }
            }
            """ },
        { "an aggregate of a set and a lookup in it", """
            class Reports
            {
                private readonly Db _db = new();
                int Run(int id) => _db.Orders.Count() + _db.Orders.First(o => o.Id == id).CustomerId;
            }
            """ },
        { "a set loaded in the branch a condition on the iteration chooses", """
            class Facets
            {
                private readonly Db _db = new();
                int Run(List<int> kinds)
                {
                    var n = 0;
                    foreach (var key in kinds)
                    {
                        var kind = key % 3;
                        if (kind == 1) n += 1;
                        else if (kind == 2) n += _db.Orders.ToList().Count;
                    }
                    return n;
                }
            }
            """ },
        { "a set loaded after a guard on the iteration that skips the others", """
            class Facets
            {
                private readonly Db _db = new();
                int Run(List<int> kinds)
                {
                    var n = 0;
                    foreach (var kind in kinds)
                    {
                        if (kind != 2)
                        {
                            n++;
                            continue;
                        }

                        n += _db.Orders.ToList().Count;
                    }
                    return n;
                }
            }
            """ },
        { "a chain whose link reads the loop's index: another question each time", """
            class Rates
            {
                private readonly Db _db = new();
                int[] Run(int[] rates)
                {
                    var totals = new int[rates.Length];
                    for (var i = 0; i < rates.Length; i++) totals[i] = _db.Orders.Select(o => o.Id * rates[i]).Sum();
                    return totals;
                }
            }
            """ },
        { "a check per key of a loop over keys: another question each time", """
            class Saver
            {
                private readonly Db _db = new();
                int Run(List<int> keys)
                {
                    var known = 0;
                    foreach (var key in keys)
                    {
                        var customer = key * 2;
                        if (_db.Orders.Any(o => o.CustomerId == customer)) known++;
                    }
                    return known;
                }
            }
            """ },
        { "a set changed between two counts", """
            class Seeder
            {
                private readonly Db _db = new();
                (int, int) Run(Order order)
                {
                    var before = _db.Orders.Count();
                    _db.Orders.Add(order);
                    return (before, _db.Orders.Count());
                }
            }
            """ },
        { "a repository written through between two counts", """
            interface IStore<T> { IQueryable<T> Table { get; } void Insert(T row); }
            class Seeder
            {
                (int, int) Run(IStore<Order> store, Order order)
                {
                    var before = store.Table.Count();
                    store.Insert(order);
                    return (before, store.Table.Count());
                }
            }
            """ },
        { "different rows looked up in an ordering of one set, written out twice", """
            class Settings
            {
                private readonly Db _db = new();
                (Order?, Order?) Run() =>
                    (_db.Orders.OrderBy(o => o.Id).FirstOrDefault(o => o.Open), _db.Orders.OrderBy(o => o.Id).FirstOrDefault(o => o.CustomerId == 1));
            }
            """ },
        { "different rows looked up in a set without its global filters, written out twice", """
            static class FilterExtensions { public static IQueryable<T> IgnoreQueryFilters<T>(this IQueryable<T> source) => source; }

            class Settings
            {
                private readonly Db _db = new();
                (Order?, Order?) Run(int a, int b) =>
                    (_db.Orders.IgnoreQueryFilters().FirstOrDefault(o => o.Id == a), _db.Orders.IgnoreQueryFilters().FirstOrDefault(o => o.Id == b));
            }
            """ },
        { "a chain written again after its set changed", """
            class Seeder
            {
                private readonly Db _db = new();
                (int, int) Run(Order order)
                {
                    var before = _db.Orders.Where(o => o.Open).Count();
                    _db.Orders.Add(order);
                    return (before, _db.Orders.Where(o => o.Open).Count());
                }
            }
            """ },
        { "a chain reading a field written between the copies", """
            class Reports
            {
                private readonly Db _db = new();
                private int _min = 1;
                (int, int) Run()
                {
                    var low = _db.Orders.Where(o => o.Id > _min).Count();
                    _min = 100;
                    return (low, _db.Orders.Where(o => o.Id > _min).Count());
                }
            }
            """ },
        { "the first and the last row of a set", """
            class Reports
            {
                private readonly Db _db = new();
                int Run() => _db.Orders.First().Id + _db.Orders.Last().Id + _db.Orders.OrderBy(o => o.Id).First().Id + _db.Orders.OrderBy(o => o.Id).Last().Id;
            }
            """ },
        { "a count of a set and its first row", """
            class Reports
            {
                private readonly Db _db = new();
                int Run() => _db.Orders.Count() + _db.Orders.First().Id;
            }
            """ },
        { "two variables of one name in two blocks", """
            class Reports
            {
                private readonly Db _db = new();
                int Run(bool a, bool b)
                {
                    var n = 0;
                    if (a) { var id = 1; n += _db.Orders.Where(o => o.CustomerId == id).ToList().Count; }
                    if (b) { var id = 2; n += _db.Orders.Where(o => o.CustomerId == id).ToList().Count; }
                    return n;
                }
            }
            """ },
        { "a context matched by a pattern in each iteration", """
            class Reports
            {
                int Run(List<object> items)
                {
                    var n = 0;
                    foreach (var item in items)
                    {
                        if (item is not Db db) continue;
                        n += db.Orders.Count();
                    }
                    return n;
                }
            }
            """ },
        { "a set saved between two counts", """
            class Context : Db { public int SaveChanges() => 0; }
            class Seeder
            {
                private readonly Context _db = new();
                (int, int) Run(Order order)
                {
                    var before = _db.Orders.Count(o => o.Open);
                    order.Open = true;
                    _db.SaveChanges();
                    return (before, _db.Orders.Count(o => o.Open));
                }
            }
            """ },
        { "a context's own method, saving between two counts of its set", """
            class Context : Db
            {
                public int SaveChanges() => 0;

                (int, int) Open(Order order)
                {
                    var before = Orders.Count(o => o.Open);
                    order.Open = true;
                    SaveChanges();
                    return (before, this.Orders.Count(o => o.Open));
                }
            }
            """ },
        { "a set counted before and after a save an execution strategy, a task or a local function runs where it is called", """
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
                    public static Task ExecuteAsync(this Storage.IExecutionStrategy strategy, Func<Task> operation) => operation();
                }
            }

            class Context : Db { public Task<int> SaveChangesAsync() => Task.FromResult(0); public int SaveChanges() => 0; }
            class Orders
            {
                async Task<(int, int)> Retried(Context db, Order order, Microsoft.EntityFrameworkCore.Storage.IExecutionStrategy strategy)
                {
                    var before = db.Orders.Count(o => o.Open);
                    await Microsoft.EntityFrameworkCore.ExecutionStrategyExtensions.ExecuteAsync(strategy, async () => { order.Open = true; await db.SaveChangesAsync(); });
                    return (before, db.Orders.Count(o => o.Open));
                }

                async Task<(int, int)> OnATask(Context db)
                {
                    var before = db.Orders.Count(o => o.Open);
                    await Task.Run(() => db.SaveChanges());
                    return (before, db.Orders.Count(o => o.Open));
                }

                (int, int) Committed(Context db)
                {
                    var before = db.Orders.Count(o => o.Open);
                    Commit();
                    return (before, db.Orders.Count(o => o.Open));

                    void Commit() => db.SaveChanges();
                }

                (int, int) ThroughADelegate(Context db, Order order)
                {
                    System.Action commit = () => { order.Open = true; db.SaveChanges(); };
                    var before = db.Orders.Count(o => o.Open);
                    commit();
                    return (before, db.Orders.Count(o => o.Open));
                }

                void SavedPerElement(Context db, List<int> ids) => ids.ForEach(id => { db.Orders.Count(o => o.Id == id); db.SaveChanges(); });
            }
            """ },
        { "a query a helper built from the context, read in batches with a save before each next batch", """
            class Context : Db { public Task<int> SaveChangesAsync() => Task.FromResult(0); }
            class Notifications
            {
                static (IQueryable<Order> Paged, IQueryable<Order> All) Queries(Context db) => (db.Orders.Take(10), db.Orders.Where(o => o.Open));

                async Task<int> Close(Context db)
                {
                    var queries = Queries(db);
                    var closed = 0;
                    next:
                    var batch = queries.All.Take(100).ToList();
                    if (batch.Count > 0)
                    {
                        foreach (var order in batch) order.Open = false;
                        closed += batch.Count;
                        await db.SaveChangesAsync();
                        goto next;
                    }
                    return closed;
                }
            }
            """ },
        { "a query of one context counted again after another context saved", """
            class Context : Db { public int SaveChanges() => 0; }
            class Seeder
            {
                (int, int) Run(IQueryable<Order> open, Context writer, Order order)
                {
                    var before = open.Count();
                    writer.Orders.Add(order);
                    writer.SaveChanges();
                    return (before, open.Count());
                }
            }
            """ },
        { "a set held in a local, saved between two counts", """
            class Context : Db { public int SaveChanges() => 0; }
            class Seeder
            {
                private readonly Context _db = new();
                (int, int) Run(Order order)
                {
                    var orders = _db.Orders;
                    var before = orders.Count(o => o.Open);
                    order.Open = true;
                    _db.SaveChanges();
                    return (before, orders.Count(o => o.Open));
                }
            }
            """ },
        { "a bulk delete through a query a parameter holds, in a loop", """
            static class BulkExtensions
            {
                public static Task<int> ExecuteDeleteAsync<T>(this IQueryable<T> query) => Task.FromResult(0);
                public static Task<bool> ExistsAsync<T>(this IQueryable<T> query) => Task.FromResult(query.Any());
            }
            class Cleaner
            {
                async Task<int> Purge(IQueryable<Order> stale, Db db)
                {
                    var n = 0;
                    while (stale.Any())
                        n += await stale.Take(1000).ExecuteDeleteAsync();
                    var open = db.Orders.Where(o => o.Open);
                    var before = open.Count();
                    await open.ExecuteDeleteAsync();
                    return n + before + db.Orders.Count(o => o.Open) + open.Count();
                }
            }
            """ },
        { "a write through an extension method of the context, and raw SQL through its Database", """
            class DatabaseFacade { }
            static class RelationalDatabaseFacadeExtensions { public static int ExecuteSqlRaw(this DatabaseFacade database, string sql) => 0; }
            class EfDb : Db { public DatabaseFacade Database { get; } = new(); }
            static class BulkExtensions { public static void BulkInsert<T>(this Db db, IEnumerable<T> rows) { } }
            class Importer
            {
                private readonly EfDb _db = new();
                (int, int, int) Run(List<Order> rows)
                {
                    var before = _db.Orders.Count();
                    _db.BulkInsert(rows);
                    var middle = _db.Orders.Count();
                    _db.Database.ExecuteSqlRaw("DELETE FROM Orders");
                    return (before, middle, _db.Orders.Count());
                }
            }
            """ },
        { "a bulk delete of a query built in a loop from a variable", """
            static class BulkExtensions { public static int ExecuteDelete<T>(this IQueryable<T> query) => 0; }
            class Cleaner
            {
                private readonly Db _db = new();
                (int, int) Run()
                {
                    var before = _db.Orders.Count();
                    var b = 0;
                    do
                    {
                        var stale = _db.Orders.Where(o => o.CustomerId == b);
                        stale.ExecuteDelete();
                    }
                    while (++b < 3);

                    return (before, _db.Orders.Count());
                }
            }
            """ },
        { "a query a local holds over a filter that reads a written variable, saved between two counts", """
            class Cleaner
            {
                private readonly Db _db = new();
                (int, int) Run(int? floor)
                {
                    floor ??= 30;
                    var stale = _db.Orders.Where(o => o.Id < floor);
                    var n = stale.Count();
                    _db.Orders.Add(new Order());
                    return (n, stale.Count());
                }
            }
            """ },
        { "a retry loop that catches what failed: each run does again what failed", """
            class ConflictException : System.Exception { }
            class Stock
            {
                private readonly Db _db = new();
                void Take(int id)
                {
                    for (var attempt = 0; attempt < 3; attempt++)
                    {
                        var order = _db.Orders.First(o => o.Id == id);
                        try
                        {
                            order.Open = false;
                            if (attempt == 0) throw new ConflictException();
                            return;
                        }
                        catch (ConflictException)
                        {
                        }
                    }
                }

                List<Order> Load()
                {
                    while (true)
                    {
                        try { return _db.Orders.Where(o => o.Open).ToList(); }
                        catch (System.TimeoutException) { }
                    }
                }
            }
            """ },
        { "a poll that waits between two runs of the same query", """
            class Waiter
            {
                private readonly Db _db = new();
                async Task Run(int id)
                {
                    while (!_db.Orders.Any(o => o.Id == id && !o.Open))
                        await Task.Delay(500);
                    var fresh = _db.Orders.Where(o => o.Open);
                    for (var i = 0; i < 3; i++)
                    {
                        foreach (var o in fresh.ToList()) o.Open = false;
                        System.Threading.Thread.Sleep(1000);
                    }
                }
            }
            """ },
        { "a bulk delete between two counts", """
            static class BulkExtensions { public static int ExecuteDelete<T>(this IQueryable<T> query) => 0; }
            class Cleaner
            {
                private readonly Db _db = new();
                (int, int) Run()
                {
                    var before = _db.Orders.Count();
                    _db.Orders.Where(o => !o.Open).ExecuteDelete();
                    return (before, _db.Orders.Count());
                }
            }
            """ },
        { "a lambda that counts the set of its own parameter", """
            class Reports
            {
                int Run(List<Db> contexts) => contexts.Sum(db => db.Orders.Count());
            }
            """ },
        { "a lambda that queries per element: MAGG004's, not a repeat", """
            class Reports
            {
                private readonly Db _db = new();
                List<int> Run(List<Customer> customers) => customers.Select(c => _db.Orders.Count(o => o.CustomerId == c.Id)).ToList();
            }
            """ },
        { "a local function that loads a set once, memoized, called in a loop", """
            class Reports
            {
                private readonly Db _db = new();
                int Run(List<int> ids)
                {
                    List<Order>? all = null;
                    var n = 0;
                    foreach (var id in ids) n += Load().Count;
                    return n;

                    List<Order> Load() => all ??= _db.Orders.OrderBy(o => o.Id).ToList();
                }
            }
            """ },
        { "a factory lambda handed to a cache", """
            class Cache { public T Get<T>(string key, Func<T> factory) => factory(); }
            class Reports
            {
                private readonly Db _db = new();
                private readonly Cache _cache = new();
                List<Order> Run() => _db.Orders.Any() ? _cache.Get("orders", () => _db.Orders.ToList()) : new List<Order>();
            }
            """ },
        { "collections in fields are materialized", """
            class Reports
            {
                private readonly List<Order> _cache = new();
                private readonly IEnumerable<Order> _loaded = new List<Order>();
                int Run() => _cache.Count() + _cache.Max(o => o.Id) + _loaded.Count() + _loaded.Max(o => o.Id);
            }
            """ },
    };

    [Theory]
    [MemberData(nameof(Repeats))]
    public Task ReportsTheSameQueryReadAgain(string name, string markup)
    {
        _ = name;
        return AnalyzerRunner.VerifyAsync(Prelude + markup, new MultipleEnumerationAnalyzer());
    }

    [Theory]
    [MemberData(nameof(NotRepeats))]
    public Task DoesNotReportOtherQueries(string name, string markup)
    {
        _ = name;
        return AnalyzerRunner.VerifyAsync(Prelude + markup, new MultipleEnumerationAnalyzer());
    }

    [Fact]
    public Task ACountAndAPageOfTheSameChainWrittenOutTwiceIsTheirOwnRule() =>
        AnalyzerRunner.VerifyAsync(Prelude + """
            class Reports
            {
                private readonly Db _db = new();
                (int, List<Order>) Page(int skip) =>
                    (_db.Orders.Where(o => o.Open).Count(), {|MAGG003:_db.Orders.Where(o => o.Open).OrderBy(o => o.Id).Skip(skip).Take(20)|}.ToList());
            }
            """, new MultipleEnumerationAnalyzer());
}
