using MultiAgg.Generators.Analyzers;
using MultiAgg.Generators.Tests.Infrastructure;

namespace MultiAgg.Generators.Tests;

/// <summary>
/// MAGG002 reports a query executed again only where one query could have served both executions:
/// the same query value read again through operators that filter, aggregate or look up its rows.
/// A different query built on the same variable, a bulk write, a query over data in memory and a
/// path that cannot happen are not repeats.
/// </summary>
public class QueryExecutionTests
{
    private const string Prelude = """
        record Order(int Id, bool Open, decimal Total, string Customer, List<string> Tags);

        static class EntityFrameworkQueryableExtensions
        {
            public static Task<List<T>> ToListAsync<T>(this IQueryable<T> source) => Task.FromResult(source.ToList());
            public static Task<int> CountAsync<T>(this IQueryable<T> source) => Task.FromResult(source.Count());
            public static Task<T?> FirstOrDefaultAsync<T>(this IQueryable<T> source) => Task.FromResult(source.FirstOrDefault());
            public static IQueryable<T> AsNoTracking<T>(this IQueryable<T> source) => source;
            public static IQueryable<T> IgnoreQueryFilters<T>(this IQueryable<T> source) => source;
            public static int ExecuteDelete<T>(this IQueryable<T> source) => 0;
            public static Task<int> ExecuteDeleteAsync<T>(this IQueryable<T> source) => Task.FromResult(0);
            public static Task<int> ExecuteUpdateAsync<T>(this IQueryable<T> source, Func<T, T> set) => Task.FromResult(0);
            public static void Load<T>(this IQueryable<T> source) { foreach (var _ in source) { } }
            public static Task LoadAsync<T>(this IQueryable<T> source) => Task.CompletedTask;
        }

        """;

    public static TheoryData<string, string> Repeats => new()
    {
        { "two aggregates, the second given a value that is not the first's result", """
            class Store
            {
                int Run(IQueryable<Order> orders, decimal limit)
                {
                    var average = orders.Average(o => o.Total);
                    Console.WriteLine(average);
                    return {|MAGG002:orders|}.Count(o => o.Total > limit);
                }
            }
            """ },
        { "a count in a try, then again after it and in the catch of another try", """
            class Store
            {
                int Run(IQueryable<Order> orders)
                {
                    int count;
                    try { count = orders.Count(); }
                    catch (TimeoutException) { count = -1; }
                    try { Console.WriteLine(count); }
                    catch (InvalidOperationException) { count = {|MAGG002:orders|}.Count(); }
                    return count + {|MAGG002:orders|}.Count();
                }
            }
            """ },
        { "a query loaded into the context, synchronously or not, then counted", """
            class Store
            {
                int Run(IQueryable<Order> orders)
                {
                    var open = orders.Where(o => o.Open);
                    open.Load();
                    return {|MAGG002:open|}.Count();
                }

                async Task<int> RunAsync(IQueryable<Order> orders)
                {
                    var open = orders.Where(o => o.Open);
                    await open.LoadAsync();
                    return await {|MAGG002:open|}.CountAsync();
                }
            }
            """ },
        { "the same query fetched twice", """
            class Store
            {
                int Run(IQueryable<Order> orders)
                {
                    var open = orders.Where(o => o.Open);
                    var first = open.ToList();
                    var second = {|MAGG002:open|}.ToList();
                    return first.Count + second.Count;
                }
            }
            """ },
        { "a count taken twice under the same is null test", """
            class Store
            {
                int Run(IQueryable<Order> orders, int? cached)
                {
                    int? count = cached;
                    if (count is null)
                        Console.WriteLine(orders.Count());
                    if (count == null)
                        return {|MAGG002:orders|}.Count();
                    return count.Value;
                }
            }
            """ },
        { "a lookup that may find nothing, then the same rows where it did", """
            #nullable enable
            class Store
            {
                Order Run(IQueryable<Order> orders, bool fast)
                {
                    Order? first = null;
                    if (fast)
                        first = orders.FirstOrDefault();
                    if (first is null)
                        first = {|MAGG002:orders|}.First();
                    return first;
                }
            }
            """ },
        { "rows loaded, then maybe dropped, then loaded again where dropped", """
            #nullable enable
            class Store
            {
                int Run(IQueryable<Order> orders, bool stale)
                {
                    List<Order>? rows = orders.ToList();
                    rows = stale ? null : rows;
                    if (rows is null)
                        rows = {|MAGG002:orders|}.ToList();
                    return rows.Count;
                }
            }
            """ },
        { "rows loaded outside a nullable context, where ToList may return null as far as the compiler knows", """
            #nullable disable
            class Store
            {
                int Run(IQueryable<Order> orders, bool warm)
                {
                    List<Order> rows = null;
                    if (warm)
                        rows = orders.ToList();
                    rows ??= {|MAGG002:orders|}.ToList();
                    return rows.Count;
                }
            }
            """ },
        { "a count a local function resets, taken again where it did", """
            class Store
            {
                int Run(IQueryable<Order> orders)
                {
                    int? count = orders.Count();
                    Reset();
                    if (count is null)
                        count = {|MAGG002:orders|}.Count();
                    return count.Value;

                    void Reset() => count = null;
                }
            }
            """ },
        { "a count a lambda made earlier resets, taken again where it did", """
            class Store
            {
                int Run(IQueryable<Order> orders)
                {
                    int? count = null;
                    Action reset = () => count = null;
                    count = orders.Count();
                    reset();
                    if (count is null)
                        count = {|MAGG002:orders|}.Count();
                    return count.Value;
                }
            }
            """ },
        { "a count a method may reset through ref, taken again where it did", """
            class Store
            {
                int Run(IQueryable<Order> orders)
                {
                    int? count = orders.Count();
                    Reset(ref count);
                    if (count is null)
                        count = {|MAGG002:orders|}.Count();
                    return count.Value;
                }

                static void Reset(ref int? count) => count = null;
            }
            """ },
        { "a count and a maximum over the same rows", """
            class Store
            {
                decimal Run(IQueryable<Order> orders) => orders.Count() + {|MAGG002:orders|}.Max(o => o.Total);
            }
            """ },
        { "a check and then the same rows", """
            class Store
            {
                async Task<List<Order>> Run(IQueryable<Order> orders)
                {
                    if (!orders.Any()) return new List<Order>();
                    return await {|MAGG002:orders|}.ToListAsync();
                }
            }
            """ },
        { "several lookups in one small set", """
            class Store
            {
                (Order?, Order?) Run(IQueryable<Order> orders) =>
                    (orders.FirstOrDefault(o => o.Id == 1), {|MAGG002:orders|}.FirstOrDefault(o => o.Id == 2));
            }
            """ },
        { "an ordering or a tracking option keeps the rows", """
            class Store
            {
                async Task<int> Run(IQueryable<Order> orders)
                {
                    var count = await orders.CountAsync();
                    var rows = await {|MAGG002:orders|}.AsNoTracking().OrderBy(o => o.Total).ToListAsync();
                    return count + rows.Count;
                }
            }
            """ },
        { "the query read on the client after a count", """
            class Store
            {
                int Run(IQueryable<Order> orders) =>
                    orders.Count() + {|MAGG002:orders|}.AsEnumerable().Where(o => o.Open).Count();
            }
            """ },
        { "a sequence counted on both sides of ?? (MAGG001 does not read the null path)", """
            class Store
            {
                int Run(IEnumerable<int> xs, bool known)
                {
                    int? count = null;
                    if (known)
                        count = xs.Count();
                    return count ?? {|MAGG001:xs|}.Count();
                }
            }
            """ },
        { "counted, then its rows divided by the count in memory: the query does not read the count", """
            class Store
            {
                List<decimal> Run(IQueryable<Order> orders)
                {
                    var count = orders.Count();
                    return {|MAGG002:orders|}.ToList().Select(o => o.Total / count).ToList();
                }
            }
            """ },
        { "counted, then its rows in a local, divided by the count in memory", """
            class Store
            {
                List<decimal> Run(IQueryable<Order> orders)
                {
                    var count = orders.Count();
                    var shares = orders.AsEnumerable().Select(o => o.Total / count);
                    return {|MAGG002:shares|}.ToList();
                }
            }
            """ },
        { "a query held as a sequence, counted, then divided by the count in memory", """
            class Store
            {
                List<decimal> Run(IQueryable<Order> orders)
                {
                    IEnumerable<Order> all = orders;
                    var count = all.Count();
                    return {|MAGG002:all|}.Select(o => o.Total / count).ToList();
                }
            }
            """ },
        { "counted, then its rows awaited and divided by the count in memory", """
            class Store
            {
                async Task<List<decimal>> Run(IQueryable<Order> orders)
                {
                    var count = await orders.CountAsync();
                    return (await {|MAGG002:orders|}.ToListAsync()).Select(o => o.Total / count).ToList();
                }
            }
            """ },
    };

    public static TheoryData<string, string> NotRepeats => new()
    {
        { "a query executed again in a catch of the try that executed it: a retry", """
            class Store
            {
                async Task<List<Order>> Run(IQueryable<Order> orders)
                {
                    try { return await orders.ToListAsync(); }
                    catch (TimeoutException) { return await orders.ToListAsync(); }
                }
            }
            """ },
        { "a lookup by a local function's parameter, called in a loop: another query each call", """
            class Store
            {
                List<Order?> Run(IQueryable<Order> orders, int[] ids)
                {
                    var found = new List<Order?>();
                    foreach (var id in ids)
                        found.Add(Find(id));
                    return found;

                    Order? Find(int key) => orders.FirstOrDefault(o => o.Id == key);
                }
            }
            """ },
        { "a lookup by a lambda's parameter, called in a loop: another query each call", """
            class Store
            {
                int Run(IQueryable<Order> orders, int[] ids)
                {
                    Func<int, int> tagsOf = key => orders.Where(o => o.Id == key).Sum(o => o.Tags.Count);
                    var total = 0;
                    foreach (var id in ids)
                        total += tagsOf(id);
                    return total;
                }
            }
            """ },
        { "a lookup in a lambda made in a loop, by a variable of the iteration: another query each time", """
            class Store
            {
                async Task Run(IQueryable<Order> orders, int[] ids)
                {
                    var i = 0;
                    while (i < ids.Length)
                    {
                        var id = ids[i++];
                        Console.WriteLine(await Task.Run(() => orders.FirstOrDefault(o => o.Id == id)));
                    }
                }
            }
            """ },
        { "a query asked with what an earlier one returned, which must run first", """
            class Store
            {
                int Run(IQueryable<Order> orders)
                {
                    var average = orders.Average(o => o.Total);
                    var threshold = average * 2;
                    return orders.Count(o => o.Total > threshold);
                }
            }
            """ },
        { "a query asked with a value computed from what an earlier one returned, in the expression that runs it", """
            class Store
            {
                int Run(IQueryable<Order> orders)
                {
                    var threshold = orders.Average(o => o.Total) * 1.5m;
                    return orders.Count(o => o.Total > threshold);
                }
            }
            """ },
        { "a query asked with a member an object initializer set from what an earlier one returned", """
            class PriceSpec { public decimal Min { get; set; } public int Limit { get; set; } }

            class Store
            {
                int Run(IQueryable<Order> orders, int limit)
                {
                    var average = orders.Average(o => o.Total);
                    var spec = new PriceSpec { Min = average, Limit = limit };
                    return orders.Count(o => o.Total > spec.Min);
                }
            }
            """ },
        { "a query asked with what an earlier one returned, read through '!'", """
            class Store
            {
                private IQueryable<Order>? _orders;

                async Task<List<Order>> Run()
                {
                    var average = _orders!.Average(o => o.Total);
                    var near = _orders!.OrderBy(o => System.Math.Abs(o.Total - average));
                    return await near.ToListAsync();
                }
            }
            """ },
        { "two helpers filtering one set, each executed once", """
            class Store
            {
                (List<Order>, List<Order>, int) Run(IQueryable<Order> orders) => (Open(orders).ToList(), Shut(orders).ToList(), orders.Count());

                private static IEnumerable<Order> Open(IQueryable<Order> q) => q.Where(o => o.Open);

                private static IEnumerable<Order> Shut(IQueryable<Order> q) => q.Where(o => !o.Open).AsEnumerable();
            }
            """ },
        { "a query held in a local, built from what an earlier one returned", """
            class Store
            {
                async Task<int> Run(IQueryable<Order> orders)
                {
                    var newest = orders.Max(o => o.Id);
                    var recent = orders.Where(o => o.Id > newest - 10);
                    return (await recent.ToListAsync()).Count;
                }
            }
            """ },
        { "a lookup per item of a loop: another query each time (N+1), MAGG004's", """
            class Store
            {
                void Run(IQueryable<Order> orders, int[] ids)
                {
                    foreach (var id in ids)
                        Console.WriteLine(orders.FirstOrDefault(o => o.Id == id));
                }
            }
            """ },
        { "a facet built on the query after reading it", """
            class Store
            {
                int Run(IQueryable<Order> orders)
                {
                    var rows = orders.ToList();
                    var tags = orders.SelectMany(o => o.Tags).GroupBy(t => t).Select(g => g.Key).ToList();
                    return rows.Count + tags.Count;
                }
            }
            """ },
        { "a fallback query", """
            class Store
            {
                Order? Run(IQueryable<Order> orders) =>
                    orders.FirstOrDefault() ?? orders.Where(o => o.Open).FirstOrDefault();
            }
            """ },
        { "chunks of a batch loop", """
            class Store
            {
                void Run(IQueryable<Order> orders, int batches)
                {
                    for (var i = 0; i < batches; i++)
                        Console.WriteLine(orders.Skip(i * 100).Take(100).ToList().Count);
                }
            }
            """ },
        { "a stored page per iteration", """
            class Store
            {
                void Run(IQueryable<Order> orders, int batches)
                {
                    for (var i = 0; i < batches; i++)
                    {
                        var page = orders.OrderBy(o => o.Id).Skip(i * 100).Take(100);
                        Console.WriteLine(page.Count());
                    }
                }
            }
            """ },
        { "the query as one input of a join and a concatenation", """
            class Store
            {
                int Run(IQueryable<Order> orders, IQueryable<Order> archived)
                {
                    var all = orders.ToList();
                    var pairs = orders.Join(archived, a => a.Id, b => b.Id, (a, b) => a.Total + b.Total).ToList();
                    var both = orders.Concat(archived).Count();
                    return all.Count + pairs.Count + both;
                }
            }
            """ },
        { "a derived query stored and executed after the source", """
            class Store
            {
                int Run(IQueryable<Order> orders)
                {
                    var open = orders.Where(o => o.Open);
                    var all = orders.Count();
                    return all + open.Count();
                }
            }
            """ },
        { "a bulk delete after reading the rows", """
            class Store
            {
                async Task<int> Run(IQueryable<Order> orders)
                {
                    var stale = orders.Where(o => !o.Open);
                    var rows = await stale.ToListAsync();
                    var deleted = await stale.ExecuteDeleteAsync();
                    await stale.ExecuteUpdateAsync(o => o);
                    return rows.Count + deleted + stale.ExecuteDelete();
                }
            }
            """ },
        { "a list seen as a query", """
            class Store
            {
                decimal Run(List<Order> list)
                {
                    var query = list.AsQueryable();
                    var open = query.Where(o => o.Open);
                    return query.Count() + query.Max(o => o.Total) + open.Count() + open.Sum(o => o.Total);
                }
            }
            """ },
        { "a variable assigned in both branches at the top of a loop", """
            class Store
            {
                int Run(IQueryable<Order> orders, int[] ids)
                {
                    var total = 0;
                    foreach (var id in ids)
                    {
                        IQueryable<Order> selected;
                        if (id > 0)
                            selected = orders.Where(o => o.Id == id);
                        else
                            selected = orders.Where(o => o.Open);
                        total += selected.Count();
                    }

                    return total;
                }
            }
            """ },
        { "a sequence assigned in both branches at the top of a loop", """
            class Store
            {
                IEnumerable<int> Evens(int n) => Enumerable.Range(0, n).Where(x => x % 2 == 0);

                IEnumerable<int> Odds(int n) => Enumerable.Range(0, n).Where(x => x % 2 == 1);

                int Run(int[] ids)
                {
                    var total = 0;
                    IEnumerable<int> selected;
                    foreach (var id in ids)
                    {
                        if (id > 0)
                            selected = Evens(id);
                        else
                            selected = Odds(-id);
                        total += selected.Count();
                    }

                    return total;
                }
            }
            """ },
        { "a count taken only when none was given", """
            class Store
            {
                int Run(IQueryable<Order> orders, bool known)
                {
                    int? count = null;
                    if (known)
                        count = orders.Count();
                    return count ?? orders.Count();
                }
            }
            """ },
        { "a count taken with ??= only when none was taken", """
            class Store
            {
                int Run(IQueryable<Order> orders, bool known)
                {
                    int? count = null;
                    if (known)
                        count = orders.Count();
                    count ??= orders.Count();
                    return count.Value;
                }
            }
            """ },
        { "a count taken under an is null test only when none was taken", """
            class Store
            {
                int Run(IQueryable<Order> orders, bool known)
                {
                    int? count = null;
                    if (known)
                        count = orders.Count();
                    if (count is null)
                        count = orders.Count();
                    return count.Value;
                }
            }
            """ },
        { "a count taken under an == null test only when none was taken", """
            class Store
            {
                int Run(IQueryable<Order> orders, bool known)
                {
                    int? count = null;
                    if (known)
                        count = orders.Count();
                    if (null == count)
                        return orders.Count();
                    return count.Value;
                }
            }
            """ },
        { "a count taken only where an is not null test failed", """
            class Store
            {
                int Run(IQueryable<Order> orders, bool known)
                {
                    int? count = null;
                    if (known)
                        count = orders.Count();
                    if (count is not null)
                        return count.Value;
                    return orders.Count();
                }
            }
            """ },
        { "a count taken only where a != null test failed", """
            class Store
            {
                int Run(IQueryable<Order> orders, bool known)
                {
                    int? count = null;
                    if (known)
                        count = orders.Count();
                    if (count != null)
                        return count.Value;
                    return orders.Count();
                }
            }
            """ },
        { "a count taken only where it has no value", """
            class Store
            {
                int Run(IQueryable<Order> orders, bool known)
                {
                    int? count = null;
                    if (known)
                        count = orders.Count();
                    if (!count.HasValue)
                        count = orders.Count();
                    return count.Value;
                }
            }
            """ },
        { "rows loaded with ??= only when none were loaded (ToList never returns null, in a nullable context)", """
            #nullable enable
            class Store
            {
                int Run(IQueryable<Order> orders, bool warm)
                {
                    List<Order>? rows = null;
                    if (warm)
                        rows = orders.ToList();
                    rows ??= orders.ToList();
                    return rows.Count;
                }
            }
            """ },
        { "a count taken again when the cached one may be missing", """
            class Store
            {
                int Run(IQueryable<Order> orders, int? cached)
                {
                    int? count = cached;
                    if (count is null)
                        Console.WriteLine(orders.Count());
                    return count ?? {|MAGG002:orders|}.Count();
                }
            }
            """ },
        { "one of two tables of a new context chosen at the top of each iteration", """
            class Db
            {
                public IQueryable<Order> Orders => new List<Order>().AsQueryable().AsNoTracking();

                public IQueryable<Order> Archived => new List<Order>().AsQueryable().AsNoTracking();
            }

            class Store
            {
                int Run(Func<Db> open, int[] ids)
                {
                    var total = 0;
                    IQueryable<Order> selected;
                    foreach (var id in ids)
                    {
                        var db = open();
                        if (id > 0)
                            selected = db.Orders;
                        else
                            selected = db.Archived;
                        total += selected.Count(o => o.Id == id);
                    }

                    return total;
                }
            }
            """ },
    };

    /// <summary>MAGG003: a total count of a query and then a page of the same query.</summary>
    public static TheoryData<string, string> Paging => new()
    {
        { "counted, then a page of the same filtered query", """
            class Store
            {
                async Task<(int, List<Order>)> Run(IQueryable<Order> orders, int skip, int take)
                {
                    var open = orders.Where(o => o.Open);
                    var total = await open.CountAsync();
                    var page = await {|MAGG003:open|}.OrderBy(o => o.Id).Skip(skip).Take(take).ToListAsync();
                    return (total, page);
                }
            }
            """ },
        { "counted, then a page taken in place", """
            class Store
            {
                (int, List<Order>) Run(IQueryable<Order> orders, int take) =>
                    (orders.Count(), {|MAGG003:orders|}.Take(take).ToList());
            }
            """ },
        { "a page with no count", """
            class Store
            {
                List<Order> Run(IQueryable<Order> orders, int skip) => orders.Skip(skip).Take(10).ToList();
            }
            """ },
        { "a count of some rows, then a page", """
            class Store
            {
                (int, List<Order>) Run(IQueryable<Order> orders) =>
                    (orders.Count(o => o.Open), orders.Skip(10).Take(10).ToList());
            }
            """ },
        { "a count of one query, then a page of another built on it", """
            class Store
            {
                (int, List<Order>) Run(IQueryable<Order> orders) =>
                    (orders.Count(), orders.Where(o => o.Open).Skip(10).Take(10).ToList());
            }
            """ },
        { "a page, then the count", """
            class Store
            {
                (List<Order>, int) Run(IQueryable<Order> orders) =>
                    (orders.Skip(10).Take(10).ToList(), orders.Count());
            }
            """ },
        { "a random row: the count chooses what to skip, so it must run first", """
            class Store
            {
                Order? Run(IQueryable<Order> orders, System.Random random)
                {
                    var count = orders.Count();
                    var skip = random.Next(0, count);
                    return orders.OrderBy(o => o.Id).Skip(skip).FirstOrDefault();
                }
            }
            """ },
        { "a random row, the count written in the Skip", """
            class Store
            {
                Order? Run(IQueryable<Order> orders, System.Random random) =>
                    orders.OrderBy(o => o.Id).Skip(random.Next(0, orders.Count())).FirstOrDefault();
            }
            """ },
        { "a count of distinct values, then a page of the rows: not the page's total", """
            class Store
            {
                async Task<(int, List<Order>)> Run(IQueryable<Order> orders) =>
                    (await orders.Select(o => o.Id).Distinct().CountAsync(), await orders.OrderBy(o => o.Id).Skip(10).Take(10).ToListAsync());

                (int, List<Order>) Held(IQueryable<Order> orders)
                {
                    var ids = orders.Select(o => o.Id).Distinct();
                    var buyers = ids.Count();
                    return (buyers, orders.Skip(10).Take(10).ToList());
                }
            }
            """ },
        { "a count of rows, then a page of distinct values held in a local, or two locals deep", """
            class Store
            {
                (int, List<int>) Run(IQueryable<Order> orders)
                {
                    var ids = orders.Select(o => o.Id).Distinct();
                    var total = orders.Count();
                    return (total, ids.OrderBy(i => i).Skip(10).Take(10).ToList());
                }

                (int, List<Order>) Sorted(IQueryable<Order> orders)
                {
                    var unique = orders.Select(o => o.Id).Distinct();
                    var sorted = unique.OrderBy(i => i);
                    return (sorted.Count(), orders.Skip(10).Take(10).ToList());
                }
            }
            """ },
        { "a count of distinct values held in a local, then a page of them", """
            class Store
            {
                (int, List<int>) Run(IQueryable<Order> orders)
                {
                    var ids = orders.Select(o => o.Id).Distinct();
                    var n = ids.Count();
                    return (n, {|MAGG003:ids|}.OrderBy(i => i).Skip(10).Take(10).ToList());
                }
            }
            """ },
        { "a test beyond the page or a capped count is no page of rows", """
            class Store
            {
                (int, bool, int) Run(IQueryable<Order> orders, int page)
                {
                    var total = orders.Count();
                    return (total, orders.Skip((page + 1) * 10).Any(), orders.Take(1000).Count());
                }
            }
            """ },
        { "a count that ignores the model's global filters, then a page under them", """
            class Store
            {
                async Task<(int, List<Order>)> Run(IQueryable<Order> orders) =>
                    (await orders.IgnoreQueryFilters().CountAsync(), await orders.OrderBy(o => o.Id).Skip(10).Take(10).ToListAsync());

                (int, int) Twice(IQueryable<Order> orders) => (orders.IgnoreQueryFilters().Count(), orders.Count());
            }
            """ },
        { "a count of distinct values, then a page of them", """
            class Store
            {
                (int, List<int>) Run(IQueryable<Order> orders) =>
                    (orders.Select(o => o.Id).Distinct().Count(), {|MAGG003:orders|}.Select(o => o.Id).Distinct().OrderBy(id => id).Skip(10).Take(10).ToList());
            }
            """ },
        { "a page number clamped to the last page by the count", """
            class Store
            {
                List<Order> Run(IQueryable<Order> orders, int page)
                {
                    var total = orders.Count();
                    page = System.Math.Min(page, total / 10);
                    var rows = orders.Skip(page * 10).Take(10);
                    return rows.ToList();
                }
            }
            """ },
        { "a page computed from the count in the expression that runs it: the count must run first", """
            class Store
            {
                List<Order> Last(IQueryable<Order> orders)
                {
                    var skip = System.Math.Max(0, orders.Count() - 10);
                    return orders.OrderBy(o => o.Id).Skip(skip).ToList();
                }

                async Task<List<Order>> Clamped(IQueryable<Order> orders, int page, int size)
                {
                    var pages = (await orders.CountAsync() + size - 1) / size;
                    page = System.Math.Clamp(page, 1, System.Math.Max(1, pages));
                    return await orders.OrderBy(o => o.Id).Skip((page - 1) * size).Take(size).ToListAsync();
                }
            }
            """ },
        { "a page clamped by a count stored in a member: the count must run first", """
            class PageModel { public int Total { get; set; } public int Page { get; set; } }

            class Store
            {
                List<Order> Run(IQueryable<Order> orders, PageModel model)
                {
                    model.Total = orders.Count();
                    return orders.Skip(System.Math.Max(0, model.Total - 10)).ToList();
                }

                List<Order> Initialized(IQueryable<Order> orders)
                {
                    var model = new PageModel { Total = orders.Count() };
                    return orders.Skip(model.Total - 10).ToList();
                }

                (PageModel, List<Order>) Independent(IQueryable<Order> orders, PageModel model)
                {
                    model.Total = orders.Count();
                    return (model, {|MAGG003:orders|}.Skip(model.Page * 10).Take(10).ToList());
                }

                (PageModel, List<Order>) InitializedBeside(IQueryable<Order> orders, int page)
                {
                    var total = orders.Count();
                    var model = new PageModel { Total = total, Page = page };
                    return (model, {|MAGG003:orders|}.Skip(model.Page * 10).Take(10).ToList());
                }
            }
            """ },
        { "counted, then a page that does not depend on the count", """
            class Store
            {
                (int, List<Order>) Run(IQueryable<Order> orders, int page)
                {
                    var total = orders.Count();
                    var first = page * 10;
                    return (total, {|MAGG003:orders|}.Skip(first).Take(10).ToList());
                }
            }
            """ },
        { "counted twice, then paged: the second count is the repeat", """
            class Store
            {
                (int, int, List<Order>) Run(IQueryable<Order> orders) =>
                    (orders.Count(), {|MAGG002:orders|}.Count(), {|MAGG003:orders|}.Take(10).ToList());
            }
            """ },
    };

    [Fact]
    public Task ASequenceInMemoryEnumeratedAgainBesideAQueryRunOnceIsMAGG001() =>
        AnalyzerRunner.VerifyAsync(MultipleEnumerationAnalyzerTests.Header + Prelude + """
            class Store
            {
                List<Order> Run(IQueryable<Order> db, IEnumerable<Order> pending)
                {
                    Console.WriteLine(pending.Count());
                    var all = db.AsEnumerable().Concat(pending);
                    return {|MAGG001:all|}.ToList();
                }
            }
            """, new MultipleEnumerationAnalyzer());

    [Theory]
    [MemberData(nameof(Paging))]
    public Task ReportsACountThenAPageAsTheirOwnRule(string name, string markup)
    {
        _ = name;
        return AnalyzerRunner.VerifyAsync(MultipleEnumerationAnalyzerTests.Header + Prelude + markup, new MultipleEnumerationAnalyzer());
    }

    [Theory]
    [MemberData(nameof(Repeats))]
    public Task ReportsWhatOneQueryCouldServe(string name, string markup)
    {
        _ = name;
        return AnalyzerRunner.VerifyAsync(MultipleEnumerationAnalyzerTests.Header + Prelude + markup, new MultipleEnumerationAnalyzer());
    }

    [Theory]
    [MemberData(nameof(NotRepeats))]
    public Task DoesNotReportDifferentQueriesOrImpossiblePaths(string name, string markup)
    {
        _ = name;
        return AnalyzerRunner.VerifyAsync(MultipleEnumerationAnalyzerTests.Header + Prelude + markup, new MultipleEnumerationAnalyzer());
    }
}
