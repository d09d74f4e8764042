using MultiAgg.Generators.Analyzers;
using MultiAgg.Generators.Tests.Infrastructure;

namespace MultiAgg.Generators.Tests;

/// <summary>
/// MAGG001/MAGG002: every extra enumeration is reported at the reference to the variable that is
/// enumerated again, marked up as {|MAGG001:xs|}. Unmarked code must produce nothing.
/// </summary>
public class MultipleEnumerationAnalyzerTests
{
    internal const string Header = """
        using System;
        using System.Collections;
        using System.Collections.Generic;
        using System.Linq;
        using System.Text;
        using System.Threading;
        using System.Threading.Tasks;

        """;

    public static TheoryData<string, string> Basics => new()
    {
        { "a sequence passed by ref gets a new value: what the old one was read for is not held against it", """
            class C
            {
                static void Materialize<T>(ref IEnumerable<T> s) { if (s is not ICollection<T>) s = s.ToList(); }

                int M(IEnumerable<int> xs)
                {
                    var n = xs.Count();
                    Materialize(ref xs);
                    return n + xs.Sum();
                }

                // The local function's ToArray reads the old one a second time (reported there), not the new one.
                int Local(IEnumerable<int> xs)
                {
                    var n = xs.Count();
                    Buffer(ref {|MAGG001:xs|});
                    return n + xs.Max();

                    static void Buffer(ref IEnumerable<int> s) => s = s.ToArray();
                }

                // What comes back is of unknown make, as a parameter is: read twice, it is reported.
                int Twice(IEnumerable<int> xs)
                {
                    Materialize(ref xs);
                    return xs.Count() + {|MAGG001:xs|}.Sum();
                }

                int NotPassedByRef(IEnumerable<int> xs)
                {
                    var n = xs.Count();
                    return n + {|MAGG001:xs|}.Sum();
                }
            }
            """ },
        { "List<T>'s and Array's searches and a set's RemoveWhere run their predicate per element", """
            class C
            {
                int M(List<int> list, int[] array, HashSet<int> set, IEnumerable<int> allowed)
                {
                    list.RemoveAll(x => !{|MAGG001:allowed|}.Contains(x));
                    set.RemoveWhere(x => {|MAGG001:allowed|}.Any(a => a == x));
                    return Array.FindAll(array, x => {|MAGG001:allowed|}.Contains(x)).Length;
                }

                int Once(List<int> list, IEnumerable<int> allowed)
                {
                    var n = list.Count;
                    list.Add(allowed.Count());
                    return n;
                }
            }
            """ },
        { "ImmutableArray's LINQ and the immutable collections' searches run their delegate per element", """
            class C
            {
                bool M(System.Collections.Immutable.ImmutableArray<int> keys, System.Collections.Immutable.ImmutableList<int> list,
                       IEnumerable<int> allowed, IEnumerable<int> banned, IEnumerable<int> seen)
                {
                    var builder = list.ToBuilder();
                    builder.RemoveAll(x => {|MAGG001:seen|}.Contains(x));
                    return keys.All(k => {|MAGG001:allowed|}.Contains(k))
                        && list.TrueForAll(k => !{|MAGG001:banned|}.Contains(k));
                }
            }
            """ },
        { "SelectMany enumerates what its collection selector returns once per element", """
            class C
            {
                List<(int, int)> Query(List<int> xs, IEnumerable<int> ys) => (from x in xs from y in {|MAGG001:ys|} select (x, y)).ToList();

                int Method(List<int> xs, IEnumerable<int> ys) => xs.SelectMany(x => {|MAGG001:ys|}.Where(y => y > x)).Count();

                int AfterACount(List<int> xs, IEnumerable<int> ys)
                {
                    var n = ys.Count();
                    return n + xs.SelectMany(x => {|MAGG001:ys|}).Count();
                }

                // The element's own sequences, and a list, are no repeated enumeration.
                int Own(List<List<int>> groups, List<int> list) => groups.SelectMany(g => g).Count() + groups.SelectMany(g => list).Count();

                int OwnInAQuery(List<IEnumerable<int>> batches) => (from b in batches from x in b select x).Count() + batches.SelectMany(b => b).Count();
            }
            """ },
        { "a delegate local that assigns a captured sequence assigns it again at each call", """
            class C
            {
                int Reload(Func<IEnumerable<int>> load)
                {
                    IEnumerable<int> xs = load();
                    Action reload = () => xs = load();
                    var before = xs.Sum();
                    reload();
                    return before + xs.Sum();
                }

                int ThroughALocalFunction(Func<IEnumerable<int>> load)
                {
                    IEnumerable<int> xs = load();
                    Action reload = Reload;
                    var before = xs.Sum();
                    reload();
                    return before + xs.Sum();

                    void Reload() => xs = load();
                }

                int NotReloaded(Func<IEnumerable<int>> load)
                {
                    IEnumerable<int> xs = load();
                    Action reload = () => xs = load();
                    var before = xs.Sum();
                    return before + {|MAGG001:xs|}.Sum();
                }
            }
            """ },
        { "a test for either of two collection types, or against both, tells collections apart", """
            class C
            {
                double Mean(IEnumerable<double> xs)
                {
                    if (xs is ICollection<double> or IReadOnlyCollection<double>)
                        return xs.Sum() / xs.Count();
                    return 0;
                }

                int Buffered(IEnumerable<int> xs)
                {
                    if (xs is not (ICollection<int> or IReadOnlyCollection<int>)) xs = xs.ToList();
                    return xs.Count() + xs.Sum();
                }

                int BufferedAsIde0078WritesIt(IEnumerable<int> xs)
                {
                    if (xs is not ICollection<int> and not IReadOnlyCollection<int>) xs = xs.ToList();
                    return xs.Count() + xs.Sum();
                }

                int BufferedUnlessNullOrACollection(IEnumerable<int> xs)
                {
                    if (xs is not null and not IReadOnlyCollection<int>) xs = xs.ToList();
                    return xs.Count() + xs.Sum();
                }

                int NotBufferedWhenOnlyNull(IEnumerable<int> xs)
                {
                    if (xs is not null and not IList<int>) { }
                    return xs.Count() + {|MAGG001:xs|}.Sum();
                }

                int Sized(IEnumerable<int> xs) => xs is IList<int> and { Count: > 0 } ? xs.Sum() + xs.Max() : 0;

                int EitherNotBoth(IEnumerable<int> xs, object o)
                {
                    if (xs is IList<int> or null)
                        return 0;
                    return xs.Count() + {|MAGG001:xs|}.Sum();
                }
            }
            """ },
        { "an iterator local function's body runs when its result is enumerated, not when it is called", """
            class C
            {
                int M(IEnumerable<int> xs, bool onlyPositive)
                {
                    IEnumerable<int> Positives() { foreach (var x in xs) if (x > 0) yield return x; }
                    var positives = Positives();
                    return onlyPositive ? positives.Sum() : xs.Sum();
                }

                int ThroughADelegate(IEnumerable<int> xs, bool onlyPositive)
                {
                    IEnumerable<int> Positives() { foreach (var x in xs) if (x > 0) yield return x; }
                    Func<IEnumerable<int>> make = Positives;
                    var positives = make();
                    return onlyPositive ? positives.Sum() : xs.Sum();
                }

                int NotAnIterator(IEnumerable<int> xs)
                {
                    int Total() => xs.Sum();
                    var total = Total();
                    return total + {|MAGG001:xs|}.Max();
                }
            }
            """ },
        { "a while (true) loop's exit that is never taken keeps no value from before the loop", """
            class C
            {
                int M(Func<int, IEnumerable<int>> fetch)
                {
                    var page = fetch(0);
                    var n = page.Count();
                    var i = 1;
                    while (true) { page = fetch(i++); if (i > 10) break; }
                    return n + page.Sum();
                }
            }
            """ },
        { "a sequence polled by a loop that waits between reads is read again on purpose: a list would poll one snapshot forever", """
            class C
            {
                async Task Wait(string dir, int expected)
                {
                    var done = System.IO.Directory.EnumerateFiles(dir, "*.done");
                    while (done.Count() < expected)
                        await Task.Delay(500);
                }

                void Sleep(IEnumerable<int> live)
                {
                    for (var i = 0; i < 10 && !live.Any(); i++)
                        Thread.Sleep(100);
                }

                // A retry reads it again after what failed.
                int Retry(IEnumerable<string> lines)
                {
                    while (true)
                    {
                        try { return lines.Sum(int.Parse); }
                        catch (FormatException) { }
                    }
                }

                // A loop over lines that leaves early on one of them, each line's failure caught, is no retry.
                int Load(System.IO.TextReader reader, IEnumerable<int> known)
                {
                    string? line;
                    var n = 0;
                    while ((line = reader.ReadLine()) != null)
                    {
                        try
                        {
                            var id = int.Parse(line);
                            if (id < 0) return n;
                            if ({|MAGG001:known|}.Contains(id)) n++;
                        }
                        catch (FormatException) { }
                    }

                    return n;
                }

                // One whose attempt ends by leaving on success is.
                int Send(IEnumerable<string> lines, Func<List<string>, bool> post)
                {
                    for (var attempt = 0; attempt < 3; attempt++)
                    {
                        try
                        {
                            using (var scope = new System.IO.MemoryStream())
                            {
                                if (post(lines.ToList())) return attempt;
                            }
                        }
                        catch (System.IO.IOException) { }
                    }

                    return -1;
                }

                // So is one that throws what failed, once a success has left.
                int Transient(IEnumerable<string> lines, Func<List<string>, bool> send)
                {
                    for (;;)
                    {
                        try
                        {
                            if (send(lines.ToList())) return 1;
                            throw new TimeoutException();
                        }
                        catch (TimeoutException) { }
                    }
                }

                // One in a switch section that returns on success retries.
                int Sent(IEnumerable<string> lines, Func<List<string>, int> send, int mode)
                {
                    while (true)
                    {
                        switch (mode)
                        {
                            case 1:
                                try { return send(lines.ToList()); }
                                catch (System.IO.IOException) { break; }
                        }
                    }
                }

                // So is one that sets the flag its loop tests, or goes round from its catch and leaves after it.
                int Flagged(IEnumerable<string> lines, IEnumerable<string> more, Func<List<string>, int> send)
                {
                    var done = false;
                    var sent = 0;
                    do
                    {
                        try
                        {
                            sent = send(lines.ToList());
                            done = true;
                        }
                        catch (System.IO.IOException) { }
                    }
                    while (!(done));

                    while (true)
                    {
                        try { sent += send(more.ToList()); }
                        catch (System.IO.IOException) { continue; }
                        break;
                    }

                    return sent;
                }

                // A counter the condition reads, advanced at the end of each element's try, is no flag.
                int Counted(IEnumerable<int> known, int[] ids)
                {
                    var n = 0;
                    var i = 0;
                    while (i < ids.Length)
                    {
                        try
                        {
                            if ({|MAGG001:known|}.Contains(ids[i])) n++;
                            i = i + 1;
                        }
                        catch (FormatException) { i = ids.Length; }
                    }

                    // Nor is a flag the condition reads set to the value that keeps it going, nor a skip to an element's
                    // own break.
                    var more = true;
                    while (more && n < 10)
                    {
                        try
                        {
                            n += {|MAGG001:known|}.Count();
                            more = true;
                        }
                        catch (FormatException) { }
                    }

                    foreach (var id in ids)
                    {
                        try { n += id; }
                        catch (FormatException) { continue; }
                        if ({|MAGG001:known|}.Contains(id)) break;
                    }

                    while (n < 100)
                    {
                        if (n < 0)
                        {
                            try { n += 1; }
                            catch (FormatException) { continue; }
                            break;
                        }

                        n += {|MAGG001:known|}.Count();
                    }

                    return n;
                }

                // A try in a switch section whose break leaves the switch, not the loop, is no retry.
                int Switched(System.IO.TextReader reader, IEnumerable<int> ids, string kind)
                {
                    var n = 0;
                    while (reader.Read() >= 0)
                    {
                        switch (kind)
                        {
                            case "a":
                                try { n += {|MAGG001:ids|}.Count(); break; }
                                catch (FormatException) { break; }
                        }
                    }

                    return n;
                }

                // Two reads in one iteration of the poll are still two.
                async Task<int> Both(IEnumerable<int> live)
                {
                    while (live.Count() < 3)
                        await Task.Delay(100);
                    return {|MAGG001:live|}.Sum();
                }

                // A loop that does not wait reads the same values each time.
                int Spin(IEnumerable<int> xs)
                {
                    var n = 0;
                    while (n < 100) n += {|MAGG001:xs|}.Count();
                    return n;
                }

                // A foreach that pauses now and then still scans the sequence once per element.
                async Task<int> Paced(IEnumerable<int> users, IEnumerable<int> admins)
                {
                    var n = 0;
                    foreach (var user in users)
                    {
                        if ({|MAGG001:admins|}.Contains(user)) n++;
                        if (n % 50 == 0) await Task.Delay(100);
                    }

                    return n;
                }

                // So does a for loop over its elements by index.
                async Task<int> PacedByIndex(int[] users, IEnumerable<int> admins)
                {
                    var n = 0;
                    for (var i = 0; i < users.Length; i++)
                    {
                        if ({|MAGG001:admins|}.Contains(users[i])) n++;
                        await Task.Delay(100);
                    }

                    return n;
                }

                // A walk of a schedule of delays that reads nothing of it polls.
                void Backoff(int[] delays, IEnumerable<int> inbox)
                {
                    for (var i = 0; i < delays.Length; i++)
                    {
                        if (inbox.Any()) return;
                        Thread.Sleep(delays[i]);
                    }
                }
            }
            """ },
        { "a lazy sequence an expression tree reads is read as the query runs: EF Core enumerates it into the query's parameter", """
            record Product(int Id, string Name);
            class C
            {
                List<Product> Find(IQueryable<Product> products, List<(int Id, bool Keep)> items)
                {
                    var ids = items.Where(i => i.Keep).Select(i => i.Id);
                    if (!ids.Any()) return new();
                    return products.Where(p => {|MAGG001:ids|}.Contains(p.Id)).ToList();
                }

                // Read once, in the tree only; and a list read twice is no lazy sequence.
                List<Product> Once(IQueryable<Product> products, IEnumerable<int> ids, List<int> kept) =>
                    products.Where(p => ids.Contains(p.Id) && kept.Contains(p.Id) && kept.Count > 0).ToList();

                // The tree's own parameters (a group's rows) are the provider's; a query it reads is composed into it.
                int Groups(IQueryable<Product> products, IQueryable<Product> others) =>
                    products.GroupBy(p => p.Name).Select(g => g.Count() + g.Sum(p => p.Id) + others.Count(o => o.Name == g.Key)).Sum()
                    + others.Count();

                // The sequence itself compared, not read.
                int Compared(IQueryable<Product> products, IEnumerable<int> ids) =>
                    ids.Count() + products.Count(p => ids != null);

                // Query syntax: a clause's lambda reads it too; a range variable (a group) is the provider's.
                List<Product> Clause(IQueryable<Product> products, IEnumerable<int> ids)
                {
                    if (!ids.Any()) return new();
                    return (from p in products where {|MAGG001:ids|}.Contains(p.Id) select p).ToList();
                }

                int Grouped(IQueryable<Product> products) =>
                    (from p in products group p by p.Name into g where g.Count() > 1 select g.Sum(x => x.Id)).Sum();
            }
            """ },
        { "a logger's formatter reads the sequences it is given: Microsoft.Extensions.Logging and Serilog", """
            namespace Microsoft.Extensions.Logging
            {
                public interface ILogger { }
                public static class LoggerExtensions
                {
                    public static void LogInformation(this ILogger logger, string? message, params object?[] args) { }
                    public static void LogWarning(this ILogger logger, System.Exception? exception, string? message, params object?[] args) { }
                    public static System.IDisposable? BeginScope(this ILogger logger, string messageFormat, params object?[] args) => null;
                }

                [System.AttributeUsage(System.AttributeTargets.Method)]
                public sealed class LoggerMessageAttribute(int eventId, int level, string message) : System.Attribute { }
            }

            namespace Serilog
            {
                public interface ILogger { void Information<T>(string messageTemplate, T propertyValue); ILogger ForContext(string propertyName, object? value, bool destructureObjects = false); }
            }

            namespace Serilog.Core
            {
                public sealed class Logger : Serilog.ILogger
                {
                    public void Information<T>(string messageTemplate, T propertyValue) { }
                    public Serilog.ILogger ForContext(string propertyName, object? value, bool destructureObjects = false) => this;
                }
            }

            namespace App
            {
                using Microsoft.Extensions.Logging;
                partial class C
                {
                    int Logged(ILogger log, IEnumerable<int> ids, List<int> list)
                    {
                        log.LogInformation("Ids {Ids} of {List}", ids, list);
                        return {|MAGG001:ids|}.Sum() + list.Sum();
                    }

                    void LoggedOnly(ILogger log, IEnumerable<int> ids, System.Exception error) =>
                        log.LogWarning(error, "Failed for {Ids}", ids);

                    int Serilogged(Serilog.ILogger log, IEnumerable<int> ids)
                    {
                        log.Information("Ids {Ids}", ids);
                        return {|MAGG001:ids|}.Count();
                    }

                    int Scoped(ILogger log, Serilog.Core.Logger logger, IEnumerable<int> ids, IEnumerable<int> more, IEnumerable<int> rest)
                    {
                        using var scope = log.BeginScope("For {Ids}", ids);
                        logger.Information("More {More}", more);
                        Checked(log, rest);
                        return {|MAGG001:ids|}.Count() + {|MAGG001:more|}.Count() + logger.ForContext("Rest", {|MAGG001:rest|}).GetHashCode();
                    }

                    [LoggerMessage(1, 2, "Checked {Ids}")]
                    static partial void Checked(ILogger logger, IEnumerable<int> ids);
                    static partial void Checked(ILogger logger, IEnumerable<int> ids) { }   // the logging generator's part
                }
            }
            """ },
        { "Dapper's rows are read into a list unless told not to: reading them twice reads memory", """
            namespace Dapper
            {
                public struct CommandDefinition { }
                public static class SqlMapper
                {
                    public static IEnumerable<T> Query<T>(this System.Data.IDbConnection cnn, string sql, object? param = null, bool buffered = true) => new List<T>();
                    public static Task<IEnumerable<T>> QueryAsync<T>(this System.Data.IDbConnection cnn, string sql, object? param = null) => Task.FromResult<IEnumerable<T>>(new List<T>());
                    public static Task<IEnumerable<T>> QueryAsync<T>(this System.Data.IDbConnection cnn, CommandDefinition command) => Task.FromResult<IEnumerable<T>>(new List<T>());
                    public class GridReader { public IEnumerable<T> Read<T>(bool buffered = true) => new List<T>(); }
                }
            }

            namespace App
            {
                using Dapper;
                class C
                {
                    async Task<int> Buffered(System.Data.IDbConnection db, SqlMapper.GridReader grid)
                    {
                        var users = await db.QueryAsync<int>("select id from users");
                        if (!users.Any()) return 0;
                        var names = db.Query<string>("select name from users", buffered: true);
                        var more = grid.Read<int>();
                        var configured = await db.QueryAsync<int>("select id from users").ConfigureAwait(false);
                        return users.Sum() + names.Count() + names.Count(n => n.Length > 3) + more.Count() + more.Sum() + configured.Count() + configured.Sum();
                    }

                    int Viewed(System.Data.IDbConnection db, Dictionary<int, string> byId, ILookup<int, string> byLength)
                    {
                        // Views of what is in memory: the rows, a dictionary's values, a lookup's group.
                        var rows = db.Query<int>("select id from users").AsEnumerable();
                        var names = byId.Values.AsEnumerable();
                        var shortNames = byLength[3].Cast<string>();
                        return rows.Count() + rows.Sum() + names.Count() + names.Count(n => n.Length > 3) + shortNames.Count() + shortNames.Count(n => n != "");
                    }

                    async Task<int> Streamed(System.Data.IDbConnection db, CommandDefinition command, bool buffer)
                    {
                        var rows = db.Query<int>("select id from users", buffered: false);
                        var either = db.Query<int>("select id from users", buffered: buffer);
                        var defined = await db.QueryAsync<int>(command);
                        return rows.Count() + {|MAGG001:rows|}.Sum() + either.Count() + {|MAGG001:either|}.Sum() + defined.Count() + {|MAGG001:defined|}.Sum();
                    }
                }
            }
            """ },
        { "a do-while (false) body runs once", """
            class C
            {
                int M(IEnumerable<int> xs)
                {
                    var total = 0;
                    do { total = xs.Sum(); } while (false);
                    return total;
                }
            }
            """ },
        { "a while (true) loop that reads what it read before the loop still does", """
            class C
            {
                int M(IEnumerable<int> xs)
                {
                    var n = xs.Count();
                    while (true) { n += {|MAGG001:xs|}.Sum(); if (n > 10) break; }
                    return n;
                }
            }
            """ },
        { "Aggregate's result selector runs once", """
            class C
            {
                int M(IEnumerable<int> nums, IEnumerable<int> ys) => nums.Aggregate(0, (a, n) => a + n, s => s * ys.Count());
            }
            """ },
        { "Aggregate's func runs per element", """
            class C
            {
                int M(IEnumerable<int> nums, IEnumerable<int> ys) => nums.Aggregate(0, (a, n) => a + {|MAGG001:ys|}.Count(), s => s);
            }
            """ },
        { "PLINQ's operators enumerate what AsParallel wraps", """
            class C
            {
                int M(IEnumerable<int> xs) => xs.AsParallel().Sum() + {|MAGG001:xs|}.Max();
            }
            """ },
        { "a PLINQ query held in a local or a parameter runs again for each operator that ends it", """
            class C
            {
                int M(IEnumerable<int> xs, ParallelQuery<int> ps)
                {
                    var q = xs.AsParallel().Where(x => x > 0);
                    return q.Sum() + {|MAGG001:q|}.Max() + ps.Count() + {|MAGG001:ps|}.Min();
                }

                // An ordered PLINQ query is one too, and OrderBy is a link of it, not a read.
                int Ordered(IEnumerable<int> xs, ParallelQuery<int> ps)
                {
                    var sorted = xs.AsParallel().Where(x => x > 0).OrderBy(x => x);
                    var byValue = ps.OrderBy(x => -x);
                    return sorted.First() + {|MAGG001:sorted|}.Last() + ps.Count() + (byValue is null ? 1 : 0);
                }
            }
            """ },
        { "AggregateAsync's result selector runs once", """
            class C
            {
                ValueTask<int> M(IAsyncEnumerable<int> ticks, IEnumerable<int> ys) => ticks.AggregateAsync(0, (a, t) => a + t, a => a * ys.Count());
            }
            """ },
        { "a cast or an 'as' from object gives a sequence of unknown make", """
            class C
            {
                int M(object o, object p)
                {
                    var xs = (IEnumerable<int>)o;
                    var ys = p as IEnumerable<int>;
                    return xs.Count() + {|MAGG001:xs|}.Sum() + (ys?.Count() ?? 0) + ({|MAGG001:ys|}?.Sum() ?? 0);
                }
            }
            """ },
        { "a sequence that is an element compared or appended, not enumerated", """
            class C
            {
                int M(IEnumerable<IEnumerable<int>> seen, IEnumerable<IEnumerable<int>> more, IEnumerable<int> xs, IEnumerable<int> ys)
                {
                    var batches = more.Append(ys).Prepend(xs.Skip(1));
                    return (seen.Contains(xs) ? 1 : 0) + xs.Count() + batches.Count() + ys.Count();
                }
            }
            """ },
        { "a local function that assigns the sequence it captures, a page at a time", """
            class C
            {
                int M(Func<int, IEnumerable<int>> fetch)
                {
                    var i = 0;
                    var page = fetch(0);
                    var n = 0;
                    void Advance() => page = fetch(++i);
                    while (page.Any())
                    {
                        n++;
                        Advance();
                    }

                    return n;
                }
            }
            """ },
        { "a local function and a lambda that materialize the sequence they capture", """
            class C
            {
                int M(IEnumerable<int> xs, IEnumerable<int> ys)
                {
                    void Materialize() => xs = xs.ToList();
                    Action materialize = () => (ys, _) = (ys.ToArray(), 0);
                    Materialize();
                    materialize();
                    return xs.Count() + xs.Sum() + ys.Count() + ys.Sum();
                }
            }
            """ },
        { "a local function that filters the sequence it captures: the filter reads it again", """
            class C
            {
                int M(IEnumerable<int> xs, Func<int, bool> p)
                {
                    void Filter() => xs = xs.Where(p);
                    var n = xs.Count();
                    Filter();
                    return n + {|MAGG001:xs|}.Sum();
                }
            }
            """ },
        { "a local function that sets a sequence to its parameter (a value of each call) or swaps two (each keeps what was read of it)", """
            class C
            {
                int M(IEnumerable<int> a, IEnumerable<int> b, IEnumerable<int> xs, IEnumerable<int> ys)
                {
                    void Set(IEnumerable<int> v) => xs = v;
                    void Swap() { var t = xs; xs = ys; ys = t; }
                    Set(a);
                    var n = xs.Count();
                    Set(b);
                    n += xs.Sum() + ys.Count();
                    Swap();
                    return n + {|MAGG001:ys|}.Sum();   // b, read as xs before the swap; not ys's own Count
                }
            }
            """ },
        { "a lambda run per element that assigns a sequence: its value is enumerated twice", """
            class C
            {
                int M(List<int> ids, Func<int, IEnumerable<int>> fetch)
                {
                    IEnumerable<int> page = Enumerable.Empty<int>();
                    ids.ForEach(id => page = fetch(id));
                    return page.Sum() + {|MAGG001:page|}.Max();
                }
            }
            """ },
        { "a local function that assigns a new lazy sequence: that one is enumerated twice", """
            class C
            {
                int M(IEnumerable<int> xs)
                {
                    void Reload() => xs = xs.Select(static x => x + 1);
                    Reload();
                    return xs.Count() + {|MAGG001:xs|}.Sum();
                }
            }
            """ },
        { "two LINQ calls", """
            class C
            {
                int M(IEnumerable<int> xs) => xs.Sum() + {|MAGG001:xs|}.Max();
            }
            """ },
        { "three statements", """
            class C
            {
                void M(IEnumerable<int> xs)
                {
                    var sum = xs.Sum();
                    var max = {|MAGG001:xs|}.Max();
                    var count = {|MAGG001:xs|}.Count();
                }
            }
            """ },
        { "foreach then Count", """
            class C
            {
                int M(IEnumerable<int> xs)
                {
                    foreach (var x in xs) Console.WriteLine(x);
                    return {|MAGG001:xs|}.Count();
                }
            }
            """ },
        { "exclusive branches count once", """
            class C
            {
                int M(IEnumerable<int> xs, bool b)
                {
                    if (b) return xs.Sum();
                    else return xs.Max();
                }
            }
            """ },
        { "branch then join", """
            class C
            {
                int M(IEnumerable<int> xs, bool b)
                {
                    var n = 0;
                    if (b) n = xs.Sum();
                    return n + {|MAGG001:xs|}.Max();
                }
            }
            """ },
        { "loop", """
            class C
            {
                int M(IEnumerable<int> xs, int[] keys)
                {
                    var n = 0;
                    foreach (var k in keys) n += {|MAGG001:xs|}.Count(x => x == k);
                    return n;
                }
            }
            """ },
        { "re-created in the loop", """
            class C
            {
                int M(int[] keys)
                {
                    var n = 0;
                    foreach (var k in keys)
                    {
                        var xs = Get(k);
                        n += xs.Sum();
                    }
                    return n;
                }

                IEnumerable<int> Get(int k) { yield return k; }
            }
            """ },
        { "reassignment resets", """
            class C
            {
                int M(IEnumerable<int> xs)
                {
                    var a = xs.Sum();
                    xs = Get();
                    return a + xs.Max();
                }

                IEnumerable<int> Get() { yield return 1; }
            }
            """ },
        { "materialized value is not tracked", """
            class C
            {
                int M(IEnumerable<int> source)
                {
                    IEnumerable<int> xs = source.ToList();
                    return xs.Sum() + xs.Max() + xs.Count();
                }
            }
            """ },
        { "materialize then reuse", """
            class C
            {
                int M(IEnumerable<int> xs)
                {
                    xs = xs.ToArray();
                    return xs.Sum() + xs.Max();
                }
            }
            """ },
        { "deferred chain", """
            class C
            {
                int M(IEnumerable<int> xs)
                {
                    var evens = xs.Where(x => x % 2 == 0).Select(x => x * 2);
                    var n = evens.Count();
                    return n + {|MAGG001:evens|}.Sum() + {|MAGG001:xs|}.Max();
                }
            }
            """ },
        { "deferred chain over a list", """
            class C
            {
                int M(List<int> list)
                {
                    var evens = list.Where(x => x % 2 == 0);
                    return evens.Count() + {|MAGG001:evens|}.Sum();
                }
            }
            """ },
        { "newer LINQ operators are deferred links", """
            class C
            {
                void M(IEnumerable<string> words)
                {
                    var ordered = words.Order();
                    var counted = words.CountBy(w => w.Length);
                    var indexed = words.Index();
                    foreach (var o in ordered) { }
                    foreach (var c in {|MAGG001:counted|}) { }
                    foreach (var i in {|MAGG001:indexed|}) { }
                }
            }
            """ },
        { "alias", """
            class C
            {
                int M(IEnumerable<int> xs)
                {
                    var ys = xs;
                    return xs.Sum() + {|MAGG001:ys|}.Max();
                }
            }
            """ },
        { "conditional access", """
            class C
            {
                int? M(IEnumerable<int>? xs) => xs?.Sum() + {|MAGG001:xs|}?.Max();
            }
            """ },
        { "collection expression spread", """
            class C
            {
                int[] M(IEnumerable<int> xs, IEnumerable<int> ys) => [.. xs, .. ys, .. {|MAGG001:xs|}];
            }
            """ },
        { "a spread into any target reads the sequence, and what it makes is in memory", """
            class C
            {
                int Sequence(IEnumerable<int> xs)
                {
                    IEnumerable<int> copy = [.. xs];
                    return copy.Sum() + copy.Max() + {|MAGG001:xs|}.Count();
                }
                int Immutable(IEnumerable<int> xs)
                {
                    System.Collections.Immutable.ImmutableArray<int> copy = [.. xs];
                    return copy.Sum() + {|MAGG001:xs|}.Count();
                }
                int Span(IEnumerable<int> xs)
                {
                    ReadOnlySpan<int> copy = [.. xs];
                    return copy.Length + {|MAGG001:xs|}.Count();
                }
                int Replaced(IEnumerable<int> xs)
                {
                    xs = [.. xs];
                    return xs.Sum() + xs.Max();
                }
            }
            """ },
        { "set comparisons read the whole sequence", """
            class C
            {
                bool M(HashSet<int> known, IEnumerable<int> xs) => known.SetEquals(xs) || known.IsSubsetOf({|MAGG001:xs|});
                bool N(HashSet<int> known, IEnumerable<int> xs) => known.Overlaps(xs) && {|MAGG001:xs|}.Any();
            }
            """ },
        { "a join and a group read their sources when the query is run", """
            class C
            {
                int Join(List<int> xs, IEnumerable<int> ys)
                {
                    var pairs = (from x in xs join y in ys on x equals y select x).ToList();
                    return pairs.Count + {|MAGG001:ys|}.Count();
                }
                int Group(IEnumerable<int> xs)
                {
                    var groups = (from x in xs group x by x % 2).ToList();
                    return groups.Count + {|MAGG001:xs|}.Count();
                }
                int GroupedTwice(IEnumerable<int> xs)
                {
                    var groups = from x in xs group x by x % 2 into g select g.Count();
                    return groups.Sum() + {|MAGG001:groups|}.Max();
                }
            }
            """ },
        { "string.Join, AddRange, collection constructors", """
            class C
            {
                void M(IEnumerable<string> xs)
                {
                    var text = string.Join(",", xs);
                    var list = new List<string>();
                    list.AddRange({|MAGG001:xs|});
                    var set = new HashSet<string>({|MAGG001:xs|});
                    set.UnionWith({|MAGG001:xs|});
                    var builder = new StringBuilder().AppendJoin(";", {|MAGG001:xs|});
                }
            }
            """ },
        { "Task.WhenAll over a deferred sequence", """
            class C
            {
                async Task M(IEnumerable<int> ids)
                {
                    var tasks = ids.Select(id => Task.Delay(id));
                    await Task.WhenAll(tasks);
                    await Task.WhenAny({|MAGG001:tasks|});
                }
            }
            """ },
        { "lambda enumerates a captured sequence after the method did", """
            class C
            {
                int M(IEnumerable<int> xs)
                {
                    var total = xs.Sum();
                    Func<int> max = () => {|MAGG001:xs|}.Max();
                    return total + max();
                }
            }
            """ },
        { "a delegate local runs where it is called: on the other path than a direct use", """
            class C
            {
                int M(IEnumerable<int> xs, int mode)
                {
                    Func<int> total = () => xs.Sum();
                    var max = () => xs.Max();
                    if (mode == 0)
                        return total();
                    if (mode == 1)
                        return max.Invoke();
                    return xs.Count();
                }
            }
            """ },
        { "a delegate local runs where it is called: after the direct use", """
            class C
            {
                int M(IEnumerable<int> xs)
                {
                    Func<int> max = () => {|MAGG001:xs|}.Max();
                    var total = xs.Sum();
                    return total + max();
                }
            }
            """ },
        { "a delegate local called twice", """
            class C
            {
                int M(IEnumerable<int> xs)
                {
                    Func<int> total = () => {|MAGG001:xs|}.Sum();
                    return total() + total();
                }
            }
            """ },
        { "a delegate local called twice, its name logged with nameof, which reads nothing", """
            class C
            {
                int M(IEnumerable<int> xs, bool flag)
                {
                    Func<int> total = () => {|MAGG001:xs|}.Sum();
                    Console.WriteLine(nameof(total));
                    return total() + total();
                }

                int N(IEnumerable<int> xs, bool flag)
                {
                    Func<int> total = () => xs.Sum();
                    Console.WriteLine(nameof(total));
                    return flag ? total() : xs.Max();
                }
            }
            """ },
        { "a delegate local called in a loop", """
            class C
            {
                int M(IEnumerable<int> xs, int times)
                {
                    Func<int> total = () => {|MAGG001:xs|}.Sum();
                    var sum = 0;
                    for (var i = 0; i < times; i++)
                        sum += total();
                    return sum;
                }
            }
            """ },
        { "a delegate local named by a local function runs where it is called", """
            class C
            {
                int M(IEnumerable<int> xs, bool flag)
                {
                    Func<int> total = Total;
                    if (flag)
                        return total();
                    return xs.Max();

                    int Total() => xs.Sum();
                }
            }
            """ },
        { "a delegate local that is handed on runs where it is made", """
            class C
            {
                int M(IEnumerable<int> xs, bool flag)
                {
                    Func<int> total = () => xs.Sum();
                    Later = total;
                    if (flag)
                        return 0;
                    return {|MAGG001:xs|}.Max();
                }

                Func<int>? Later { get; set; }
            }
            """ },
        { "a delegate local assigned twice runs where it is made", """
            class C
            {
                int M(IEnumerable<int> xs, bool flag)
                {
                    Func<int> total = () => xs.Sum();
                    if (flag)
                        total = () => 0;
                    return total() + {|MAGG001:xs|}.Max();
                }
            }
            """ },
        { "a delegate local handed to LINQ runs per element", """
            class C
            {
                int M(IEnumerable<int> xs, IEnumerable<int> banned, int[] keys)
                {
                    Func<int, bool> allowed = x => !{|MAGG001:banned|}.Contains(x);
                    Func<int, bool> positive = x => x > 0;
                    var known = new HashSet<int>(xs);
                    Func<int, bool> isKnown = k => known.Contains(k);
                    return keys.Count(allowed) + keys.Count(positive) + keys.Count(isKnown);
                }
            }
            """ },
        { "a delegate local that caches what it read runs where it is made", """
            class C
            {
                List<int>? _rows;

                int M(IEnumerable<int> xs, IEnumerable<int> ys, IEnumerable<int> zs)
                {
                    List<int>? cache = null;
                    Func<List<int>> rows = () => cache ??= xs.ToList();
                    Func<List<int>> others = () => _rows ??= ys.ToList();
                    var loaded = 0;
                    Func<int> once = () => loaded++ == 0 ? zs.Count() : 0;
                    return rows().Sum() + rows().Max() + others().Sum() + others().Max() + once() + once();
                }
            }
            """ },
        { "a delegate local handed to LINQ beside an argument that branches", """
            class C
            {
                ILookup<string, string> M(IEnumerable<string> banned, string[] keys, IEqualityComparer<string>? comparer)
                {
                    var n = banned.Count();
                    Func<string, string> keyOf = k => {|MAGG001:banned|}.Contains(k) ? "" : k;
                    return keys.ToLookup(keyOf, comparer ?? StringComparer.Ordinal);
                }
            }
            """ },
        { "a delegate local converted where it is handed on, or handed as a value", """
            class C
            {
                int M(List<string> names, IEnumerable<string> banned, IEnumerable<int> xs, IEnumerable<Func<int>> known)
                {
                    Action<object> check = o => Console.WriteLine({|MAGG001:banned|}.Count());
                    names.ForEach(check);
                    Func<int> total = () => xs.Sum();
                    return known.Contains(total) ? 0 : total();
                }
            }
            """ },
        { "a delegate local that caches through a local function or a ref runs where it is made", """
            class C
            {
                List<int>? _rows;

                int M(IEnumerable<int> xs, IEnumerable<int> ys)
                {
                    List<int>? cache = null;
                    void Load() { cache = xs.ToList(); }
                    Func<List<int>> get = () => { if (cache == null) Load(); return cache!; };
                    Func<List<int>> others = () => { ref var slot = ref _rows; return slot ??= ys.ToList(); };
                    return get().Sum() + get().Max() + others().Sum() + others().Max();
                }
            }
            """ },
        { "a local function that caches what it read enumerates it once, however often it is called", """
            class C
            {
                List<int>? _rows;
                readonly object _gate = new();

                int M(IEnumerable<int> xs, IEnumerable<int> ys, IEnumerable<int> zs, IEnumerable<int> ws, IEnumerable<int> vs, IEnumerable<string> columns, IEnumerable<int> us, IEnumerable<int> qs)
                {
                    List<int>? cache = null;
                    List<int>? slot = null;
                    var loaded = false;
                    var loaded2 = false;
                    var ready = false;
                    var total = 0;
                    foreach (var k in new[] { 1, 2 })
                    {
                        if (!loaded)
                        {
                            total += ws.Count();
                            loaded = true;
                        }
                    }

                    // A first-time flag: true until the first pass clears it; an option tested inside a guard is no guard.
                    var first = true;
                    var header = "";
                    var withHeader = columns is not null;
                    foreach (var k in new[] { 1, 2 })
                    {
                        if (first)
                        {
                            if (withHeader)
                                header = string.Join(",", columns);
                            first = false;
                        }

                        if (!loaded2)
                        {
                            if (withHeader)
                                total += us.Sum();
                            loaded2 = true;
                        }

                        // A reset in a catch that rethrows ends the run: nothing reads qs again.
                        if (!ready)
                        {
                            try
                            {
                                total += qs.Sum();
                                ready = true;
                            }
                            catch (InvalidOperationException)
                            {
                                ready = false;
                                throw;
                            }
                        }
                    }

                    Dictionary<int, int>? byKey = null;
                    return total + header.Length + Rows().Sum() + Rows().Max() + Others().Sum() + Others().Max() + Guarded().Sum() + Guarded().Max()
                        + Looked(1) + Looked(2);

                    int Looked(int key)
                    {
                        if (byKey is null)
                        {
                            byKey = new();
                            foreach (var v in vs)   // the loop's collection is read once per filling
                                byKey[v] = v * 2;
                        }

                        return byKey.GetValueOrDefault(key);
                    }

                    List<int> Rows() => cache ??= xs.ToList();
                    List<int> Others() => _rows ??= ys.ToList();
                    List<int> Guarded()
                    {
                        if (slot is null)
                        {
                            lock (_gate)
                            {
                                foreach (var skipped in new[] { 1, 2 })
                                {
                                    if (skipped > 1)
                                        break;
                                }

                                slot = zs.ToList();
                            }
                        }

                        return slot;
                    }
                }
            }
            """ },
        { "a cache filled again after it is emptied, or beside another enumeration, or a guard that lets the body run more than once", """
            class C
            {
                int M(IEnumerable<int> xs, IEnumerable<int> ys, IEnumerable<int> zs)
                {
                    List<int>? cache = null;
                    List<int>? rows = null;
                    var runs = 0;
                    var first = Rows().Sum();
                    cache = null;
                    var n = ys.Count();
                    return first + Rows().Max() + n + Others().Sum() + Counted() + Counted();

                    List<int> Rows() => cache ??= {|MAGG001:xs|}.ToList();
                    List<int> Others() => rows ??= {|MAGG001:ys|}.ToList();
                    int Counted()
                    {
                        if (runs < 3)
                        {
                            runs++;
                            return {|MAGG001:zs|}.Sum();
                        }
                        return 0;
                    }
                }
            }
            """ },
        { "guards that fill nothing for good: a loop inside the fill, a value that may be null, a flag set on some paths or set back, a field flag other members set, a cache made anew, a cache emptied elsewhere", """
            #nullable enable
            class C
            {
                bool _dirty = true;

                void Touch() => _dirty = true;

                int M(IEnumerable<int> vs, IEnumerable<string> names, IEnumerable<int> xs, IEnumerable<int> ys, IEnumerable<int> zs,
                      IEnumerable<int> ws, IEnumerable<int> us, IEnumerable<int> ts, int[] keys, bool stale,
                      IEnumerable<int> rs, IEnumerable<string> titles, IEnumerable<string> lefts, IEnumerable<string> rights, IEnumerable<int> os,
                      IEnumerable<int> fs, IEnumerable<int> gs, IEnumerable<int> hs, IEnumerable<int> ps)
                {
                    List<int>? early = null;
                    string? named = null;
                    string? either = null;
                    List<int>? cast = null;
                    var scanned = false;
                    var again = true;
                    var retry = true;
                    var primed = false;
                    string? hit = null;
                    var done = false;
                    var counted = false;
                    List<int>? kept = null;
                    List<int>? swapped = null;
                    var n = 0;
                    foreach (var k in new[] { 1, 2 })
                    {
                        if (!scanned)
                        {
                            foreach (var key in keys)
                                n += {|MAGG001:vs|}.Count(v => v == key);
                            scanned = true;
                        }

                        if (again)
                        {
                            n += {|MAGG001:fs|}.Count();
                            again = true;   // never cleared: runs every time
                        }

                        if (retry)
                        {
                            retry = false;
                            try { n += {|MAGG001:gs|}.Count(); }
                            catch (InvalidOperationException) { retry = true; }   // set back: runs again
                        }

                        if (_dirty)
                        {
                            n += {|MAGG001:hs|}.Sum();
                            _dirty = false;
                        }

                        // A catch that resets and then may go round again is no rethrow.
                        if (!primed)
                        {
                            try
                            {
                                n += {|MAGG001:ps|}.Sum();
                                primed = true;
                            }
                            catch (InvalidOperationException)
                            {
                                primed = false;
                                if (stale)
                                    continue;
                                throw;
                            }
                        }

                        Touch();   // sets the field flag again

                        hit ??= {|MAGG001:names|}.FirstOrDefault(name => name.Length == k);
                        if (!done)
                        {
                            n += {|MAGG001:xs|}.Count();
                            done = n > 10;
                        }

                        if (!counted)
                        {
                            n += {|MAGG001:ys|}.Count();
                            if (n > 0)
                                counted = true;
                        }

                        List<int>? fresh = null;
                        fresh ??= {|MAGG001:zs|}.ToList();
                        n += fresh.Count;

                        if (kept is null)
                            kept = {|MAGG001:us|}.ToList();
                        else if (stale)
                            kept = null;

                        swapped ??= {|MAGG001:ts|}.ToList();
                        (swapped, n) = (null, n + swapped.Count);

                        if (early is null)
                        {
                            var read = {|MAGG001:rs|}.ToList();
                            if (read.Count == 0)
                                continue;
                            early = read;
                        }

                        named ??= {|MAGG001:titles|}.FirstOrDefault(title => title.Length > k)?.ToUpper();
                        either ??= {|MAGG001:lefts|}.FirstOrDefault(name => name.Length == k) ?? {|MAGG001:rights|}.FirstOrDefault(name => name.Length == k);
                        cast ??= {|MAGG001:os|}.ToList() as object as List<int>;
                    }

                    return n + Own().Count + Own().Count + (hit?.Length ?? 0) + (kept?.Count ?? 0);

                    List<int> Own()
                    {
                        List<int>? mine = null;
                        return mine ??= {|MAGG001:ws|}.ToList();
                    }
                }
            }
            """ },
        { "a value that may be null fills no cache, where the code has no nullable annotations too (FirstOrDefault declares TSource?)", """
            #nullable disable
            class C
            {
                int M(IEnumerable<string> names, IEnumerable<int> xs)
                {
                    string hit = null;
                    List<int> rows = null;
                    foreach (var k in new[] { 1, 2 })
                    {
                        hit ??= {|MAGG001:names|}.FirstOrDefault(name => name.Length == k);
                        rows ??= xs.ToList();
                    }

                    return (hit?.Length ?? 0) + rows.Count;
                }
            }
            """ },
        { "a delegate local that builds objects runs where it is called", """
            class Row { public int Total { get; set; } }

            class C
            {
                object M(IEnumerable<int> xs, bool flag, int[] slots, int k)
                {
                    Func<Row> row = () => new Row { Total = xs.Sum() };
                    Func<object> pair = () => new { Count = xs.Count() };
                    Func<int[]> fill = () => { var own = new int[3]; own[k] = xs.Max(); return own; };
                    if (flag)
                        return row();
                    if (k > 0)
                        return pair();
                    if (k < 0)
                        return fill();
                    return xs.Min();
                }
            }
            """ },
        { "a delegate local enumerates its own parameter twice, never called", """
            class C
            {
                void M()
                {
                    Func<IEnumerable<int>, int> width = s => s.Max() - {|MAGG001:s|}.Min();
                }
            }
            """ },
        { "two initializers of a primary constructor's type enumerate its parameter", """
            class Summary(IEnumerable<int> xs, IEnumerable<int> ys)
            {
                public int Total { get; } = xs.Sum();
                private readonly int _max = {|MAGG001:xs|}.Max();
                public int Count => xs.Count();
                private readonly List<int> _others = ys.ToList();
                public int Others { get; } = 3;
            }
            """ },
        { "a primary constructor's base call reads its parameter after the initializers have", """
            class Base(int count);
            class Report(IEnumerable<int> xs, IEnumerable<int> ys) : Base({|MAGG001:xs|}.Count() + ys.Count())
            {
                public int Total { get; } = xs.Sum();
            }

            class Alone(IEnumerable<int> xs) : Base(xs.Max() - {|MAGG001:xs|}.Min());

            // A constructor declared in the body is a method of its own: its base call reads its own parameter.
            class Declared : Base
            {
                private readonly int _total;
                public Declared(IEnumerable<int> xs) : base(xs.Count()) => _total = {|MAGG001:xs|}.Sum();
            }
            """ },
        { "a primary constructor's parameter enumerated twice in one initializer and again in the next", """
            record Summary(IEnumerable<int> Xs)
            {
                public int Spread { get; } = Xs.Max() - {|MAGG001:Xs|}.Min();
                public int Count { get; } = {|MAGG001:Xs|}.Count();
            }
            """ },
        { "initializers of a primary constructor's type: exclusive paths, a stored lambda", """
            class Summary(IEnumerable<int> xs, bool sum)
            {
                public int Value { get; } = sum ? xs.Sum() : xs.Max();
                public Func<int> Later { get; } = () => {|MAGG001:xs|}.Count();
            }
            """ },
        { "a primary constructor's parameter another member assigns, read again after a call on this", """
            class Feed(IEnumerable<int> items)
            {
                public void Refresh() => items = Fetch();
                private static IEnumerable<int> Fetch() => new[] { 1 };
                public int Report()
                {
                    var n = items.Count();
                    Refresh();
                    return n + items.Sum();
                }
            }
            """ },
        { "a primary constructor's parameter another member assigns in a deconstruction, read again after this.Reload()", """
            class Feed(IEnumerable<int> items, int version)
            {
                public void Reload() => (items, version) = (new[] { 2 }, version + 1);
                public int Report()
                {
                    var n = items.Count();
                    this.Reload();
                    return n + items.Sum() + version;
                }
            }
            """ },
        { "a primary constructor's parameter another member assigns, read again after a call on this that follows a call on base", """
            class Base { public virtual int Report() => 0; }
            class Feed(IEnumerable<int> items) : Base
            {
                public void Refresh() => items = new[] { 1 };
                public override int Report()
                {
                    base.Report();
                    var n = items.Count();
                    Refresh();
                    return n + items.Sum();
                }
            }
            """ },
        { "a local holding a primary constructor's parameter another member assigns, read again after a call on this", """
            class Feed(IEnumerable<int> items)
            {
                public void Refresh() => items = new[] { 1 };
                public int Report()
                {
                    var snapshot = items;
                    var n = snapshot.Count();
                    Refresh();
                    return n + {|MAGG001:snapshot|}.Sum() + items.Sum();
                }
            }
            """ },
        { "a primary constructor's parameter another member assigns, read twice with no call between", """
            class Feed(IEnumerable<int> items)
            {
                public void Refresh() => items = new[] { 1 };
                public int Report() => items.Count() + {|MAGG001:items|}.Sum();
            }
            """ },
        { "a primary constructor's parameter no member assigns, read again after a call on this", """
            class Feed(IEnumerable<int> items)
            {
                private void Log() { }
                public int Report()
                {
                    var n = items.Count();
                    Log();
                    return n + {|MAGG001:items|}.Sum();
                }
            }
            """ },
        { "lambda run per element", """
            class C
            {
                int[] M(IEnumerable<int> xs, int[] keys) => keys.Select(k => {|MAGG001:xs|}.Count(x => x == k)).ToArray();
            }
            """ },
        { "local function called twice", """
            class C
            {
                int M(IEnumerable<int> xs)
                {
                    return Total() + Total();
                    int Total() => {|MAGG001:xs|}.Sum();
                }
            }
            """ },
        { "local function after a direct enumeration", """
            class C
            {
                int M(IEnumerable<int> xs)
                {
                    var n = xs.Count();
                    return n + Total();
                    int Total() => {|MAGG001:xs|}.Sum();
                }
            }
            """ },
        { "lambda parameter enumerated twice", """
            class C
            {
                Func<IEnumerable<int>, int> F = s => s.Sum() + {|MAGG001:s|}.Max();
            }
            """ },
        { "non-generic IEnumerable", """
            class C
            {
                int M(IEnumerable xs)
                {
                    var n = 0;
                    foreach (var x in xs) n++;
                    foreach (var x in {|MAGG001:xs|}) n++;
                    return n;
                }
            }
            """ },
        { "type parameter constrained to IEnumerable<T>", """
            class C
            {
                int M<T>(T xs) where T : IEnumerable<int> => xs.Sum() + {|MAGG001:xs|}.Max();
            }
            """ },
        { "IOrderedEnumerable", """
            class C
            {
                void M(IEnumerable<int> xs)
                {
                    IOrderedEnumerable<int> sorted = xs.OrderBy(x => x).ThenBy(x => -x);
                    var first = sorted.First();
                    var last = {|MAGG001:sorted|}.Last();
                }
            }
            """ },
        { "await foreach and async LINQ", """
            class C
            {
                async Task<int> M(IAsyncEnumerable<int> xs, CancellationToken ct)
                {
                    var n = 0;
                    await foreach (var x in xs.WithCancellation(ct)) n += x;
                    return n + await {|MAGG001:xs|}.CountAsync(ct);
                }
            }
            """ },
        { "try, catch and finally", """
            class C
            {
                int M(IEnumerable<int> xs)
                {
                    var n = 0;
                    try { n = xs.Sum(); }
                    catch (InvalidOperationException) { n = {|MAGG001:xs|}.Count(); }
                    finally { Console.WriteLine(n); }
                    return n;
                }
            }
            """ },
        { "finally enumerates after the try did", """
            class C
            {
                int M(IEnumerable<int> xs)
                {
                    var n = 0;
                    try { n = xs.Sum(); }
                    finally { n += {|MAGG001:xs|}.Count(); }
                    return n;
                }
            }
            """ },
        { "a return through a foreach's finally does not reach the code after the loop", """
            class C
            {
                int M(IEnumerable<int> xs, List<int> keys)
                {
                    foreach (var key in keys)
                    {
                        if (key < 0) return xs.Sum();
                    }
                    return xs.Count();
                }
            }
            """ },
        { "a return through using and lock finallys does not reach the code after them", """
            class C
            {
                readonly object _gate = new();
                int M(IEnumerable<int> xs, bool b)
                {
                    using (var stream = new System.IO.MemoryStream())
                    {
                        if (b) return xs.Sum();
                    }
                    lock (_gate)
                    {
                        if (!b) return xs.Max();
                    }
                    return xs.Count();
                }
            }
            """ },
        { "a return through a written finally does not reach the code after it, the finally's own enumeration does", """
            class C
            {
                int M(IEnumerable<int> xs, bool b)
                {
                    try
                    {
                        if (b) return xs.Sum();
                    }
                    finally
                    {
                        Console.WriteLine();
                    }
                    return xs.Count();
                }
                int N(IEnumerable<int> xs, bool b)
                {
                    try
                    {
                        if (b) return xs.Sum();
                    }
                    finally
                    {
                        Console.WriteLine({|MAGG001:xs|}.Max());
                    }
                    return {|MAGG001:xs|}.Count();
                }
            }
            """ },
        { "the end of an exception filter inside a finally is not the end of the finally", """
            class C
            {
                int M(bool b)
                {
                    var xs = Load();
                    try
                    {
                        Console.WriteLine(xs.Count());
                    }
                    finally
                    {
                        try { Console.WriteLine(); }
                        catch (Exception e) when (e.Message.Length > 0) { }
                        xs = Load();
                    }
                    return xs.Count();
                }
                IEnumerable<int> Load() => Enumerable.Range(0, 3);
            }
            """ },
        { "nested finallys: each branch continues where it was going", """
            class C
            {
                int M(IEnumerable<int> xs, List<int> outer, List<int> inner)
                {
                    foreach (var o in outer)
                    {
                        foreach (var i in inner)
                        {
                            if (i == o) return xs.Sum();
                            if (i > o) goto done;
                        }
                    }
                    done:
                    return xs.Count();
                }
                int N(IEnumerable<int> xs, List<int> outer, List<int> inner)
                {
                    var n = 0;
                    foreach (var o in outer)
                    {
                        foreach (var i in inner)
                        {
                            if (i == o) { n = xs.Sum(); goto done; }
                        }
                    }
                    done:
                    return n + {|MAGG001:xs|}.Count();
                }
            }
            """ },
        { "a break out of a foreach carries its enumeration past the loop", """
            class C
            {
                int M(IEnumerable<int> xs, List<int> keys)
                {
                    var n = 0;
                    foreach (var key in keys)
                    {
                        if (key < 0) { n = xs.Sum(); break; }
                    }
                    return n + {|MAGG001:xs|}.Count();
                }
            }
            """ },
        { "an exception through a finally reaches a catch around it", """
            class C
            {
                int M(IEnumerable<int> xs, List<int> keys)
                {
                    try
                    {
                        var total = xs.Sum();
                        foreach (var key in keys)
                        {
                            if (key > total) throw new InvalidOperationException();
                        }
                        return total;
                    }
                    catch (InvalidOperationException)
                    {
                        return {|MAGG001:xs|}.Count();
                    }
                }
            }
            """ },
        { "switch arms count once", """
            class C
            {
                int M(IEnumerable<int> xs, int k) => k switch
                {
                    0 => xs.Sum(),
                    1 => xs.Max(),
                    _ => xs.Count(),
                };
            }
            """ },
        { "patterns and casts do not enumerate", """
            class C
            {
                int M(IEnumerable<int> xs)
                {
                    if (xs is ICollection<int> c) return c.Count;
                    var list = xs as IList<int>;
                    return Enumerable.TryGetNonEnumeratedCount(xs, out var n) ? n : xs.Count();
                }
            }
            """ },
        { "a sequence replaced by itself as a collection or by a copy is materialized on both paths", """
            class C
            {
                int M(IEnumerable<int> xs)
                {
                    xs = xs as IList<int> ?? xs.ToList();
                    return xs.Sum() + xs.Max();
                }
                int N(IEnumerable<int> xs)
                {
                    xs = xs as IReadOnlyCollection<int> ?? (IEnumerable<int>)xs.ToArray();
                    return xs.Sum() + xs.Max();
                }
                int O(IEnumerable<int> xs)
                {
                    xs = (xs as int[]) ?? new List<int>(xs).ToArray();
                    return xs.Sum() + xs.Max();
                }
            }
            """ },
        { "a sequence copied only where a type test says it is not a collection is materialized on both paths", """
            class C
            {
                int M(IEnumerable<int> xs)
                {
                    if (xs is not ICollection<int>) xs = xs.ToList();
                    return xs.Sum() + xs.Max();
                }
                int N(IEnumerable<int> xs)
                {
                    if (!(xs is IReadOnlyList<int>)) xs = xs.ToArray();
                    return xs.Sum() + xs.Max();
                }
                int O(IEnumerable<int> xs)
                {
                    if (xs is IList<int> list) { } else xs = new List<int>(xs);
                    return xs.Sum() + xs.Max();
                }
            }
            """ },
        { "a collection replaced by a lazy chain after a type test is lazy", """
            class C
            {
                int M(IEnumerable<int> xs)
                {
                    if (xs is ICollection<int>) xs = xs.Where(x => x > 0);
                    return xs.Sum() + {|MAGG001:xs|}.Max();
                }
            }
            """ },
        { "a type test for what is not a collection says nothing", """
            class C
            {
                int M(IEnumerable<int> xs)
                {
                    if (xs is object) return xs.Sum() + {|MAGG001:xs|}.Max();
                    if (xs is System.IDisposable) return xs.Sum() + {|MAGG001:xs|}.Max();
                    return 0;
                }
            }
            """ },
        { "a dictionary's keys and values are in memory", """
            class C
            {
                int M(IReadOnlyDictionary<string, int> stock)
                {
                    var amounts = stock.Values;
                    var names = stock.Keys;
                    return amounts.Sum() + amounts.Max() + names.Count() + names.Max(n => n.Length);
                }
            }
            """ },
        { "a sequence replaced by itself as a collection or by a lazy chain is lazy on one path", """
            class C
            {
                int M(IEnumerable<int> xs)
                {
                    xs = xs as IList<int> ?? xs.Where(x => x > 0);
                    return xs.Sum() + {|MAGG001:xs|}.Max();
                }
            }
            """ },
        { "AsEnumerable over a collection is the collection", """
            class C
            {
                int M(List<int> items)
                {
                    var view = items.AsEnumerable();
                    return view.Sum() + view.Max();
                }
                int N(IEnumerable<int> xs)
                {
                    var view = xs.AsEnumerable();
                    return view.Sum() + {|MAGG001:view|}.Max();
                }
            }
            """ },
        { "ToAsyncEnumerable over a collection reads the collection", """
            class C
            {
                async Task<int> M(List<int> items)
                {
                    var stream = items.ToAsyncEnumerable();
                    return await stream.CountAsync() + await stream.SumAsync();
                }
                async Task<int> N(IEnumerable<int> xs)
                {
                    var stream = xs.ToAsyncEnumerable();
                    return await stream.CountAsync() + await {|MAGG001:stream|}.SumAsync();
                }
            }
            """ },
        { "WithCancellation and ConfigureAwait over a collection's view read the collection", """
            class C
            {
                async Task<int> M(List<int> items, CancellationToken ct)
                {
                    var stream = items.ToAsyncEnumerable().WithCancellation(ct).ConfigureAwait(false);
                    var total = 0;
                    await foreach (var x in stream) total += x;
                    await foreach (var x in stream) total -= x;
                    return total;
                }
                async Task<int> N(IEnumerable<int> xs, CancellationToken ct)
                {
                    var stream = xs.ToAsyncEnumerable().WithCancellation(ct);
                    var total = 0;
                    await foreach (var x in stream) total += x;
                    await foreach (var x in {|MAGG001:stream|}) total -= x;
                    return total;
                }
                async Task<int> P(IEnumerable<int> xs, CancellationToken ct)
                {
                    if (xs is not ICollection<int>) xs = xs.ToList();
                    var stream = xs.ToAsyncEnumerable().WithCancellation(ct);
                    var total = 0;
                    await foreach (var x in stream) total += x;
                    await foreach (var x in stream) total -= x;
                    return total;
                }
                async Task<int> O(List<int> items, CancellationToken ct)
                {
                    var stream = items.ToAsyncEnumerable().Where(x => x > 0).WithCancellation(ct);
                    var total = 0;
                    await foreach (var x in stream) total += x;
                    await foreach (var x in {|MAGG001:stream|}) total -= x;
                    return total;
                }
            }
            """ },
        { "a query's let, and an anonymous type's property, hold one sequence", """
            class C
            {
                IEnumerable<int> Let(List<int> xs, List<int> ys) =>
                    from x in xs
                    let larger = ys.Where(y => y > x)
                    select larger.Count() + {|MAGG001:larger|}.Sum();
                IEnumerable<int> LetOfCollection(List<int> xs, List<int> ys) =>
                    from x in xs
                    let larger = ys.Where(y => y > x).ToList()
                    select larger.Count() + larger.Sum();
                IEnumerable<int> LetReadOncePerElement(List<int> xs, List<int> ys) =>
                    from x in xs
                    let larger = ys.Where(y => y > x)
                    select larger.Count();
                int Anonymous(List<int> ys)
                {
                    var held = new { Larger = ys.Where(y => y > 0), Count = 1 };
                    return held.Larger.Count() + {|MAGG001:held.Larger|}.Sum();
                }
                int AnonymousAssignedAgain(List<int> ys)
                {
                    var held = new { Larger = ys.Where(y => y > 0) };
                    var n = held.Larger.Count();
                    held = new { Larger = ys.Where(y => y < 0) };
                    return n + held.Larger.Sum();
                }
                int AnonymousReadPerElement(List<int> xs, List<int> ys)
                {
                    var held = new { Larger = ys.Where(y => y > 0) };
                    return xs.Sum(x => {|MAGG001:held.Larger|}.Count(y => y > x));
                }
                IEnumerable<int> LetAmongLets(List<int> xs, List<int> ys) =>
                    from x in xs
                    let larger = ys.Where(y => y > x)
                    let twice = x * 2
                    select larger.Count() + {|MAGG001:larger|}.Sum() + twice;
                int Nested(List<int> ys)
                {
                    var held = new { Inner = new { Larger = ys.Where(y => y > 0) } };
                    return held.Inner.Larger.Count() + {|MAGG001:held.Inner.Larger|}.Sum();
                }
                IEnumerable<int> Selected(List<int> xs, List<int> ys) =>
                    xs.Select(x => new { x, Larger = ys.Where(y => y > x) }).Select(t => t.Larger.Count() + {|MAGG001:t.Larger|}.Sum());
            }
            """ },
        { "groups and values of unknown make an anonymous type holds are not followed", """
            class C
            {
                IEnumerable<int> Lookup(List<int> keys, List<(int Key, int Value)> pairs)
                {
                    var byKey = pairs.ToLookup(p => p.Key, p => p.Value);
                    return from k in keys let values = byKey[k] select values.Count() + values.Sum();
                }
                IEnumerable<int> Joined(List<int> keys, List<(int Key, int Value)> pairs) =>
                    from k in keys
                    join p in pairs on k equals p.Key into matches
                    orderby matches.Count() descending
                    select matches.Count() + matches.Sum(p => p.Value);
                int Grouped(List<(int Key, int Value)> pairs)
                {
                    var total = 0;
                    foreach (var g in pairs.GroupBy(p => p.Key, (k, ps) => new { k, Items = ps }))
                        total += g.Items.Count() + g.Items.Sum(p => p.Value);
                    return total;
                }
                int Projected(IQueryable<List<int>> rows)
                {
                    var total = 0;
                    foreach (var row in rows.Select(r => new { Positives = r.Where(v => v > 0) }).ToList())
                        total += row.Positives.Count() + row.Positives.Sum();   // the provider's rows, in memory
                    return total;
                }
                int Picked(List<int> ys)
                {
                    var rows = new[] { new { Items = ys.Where(y => y > 0) }, new { Items = ys.Where(y => y < 0) } };
                    IEnumerable<int> current = ys;
                    void Pick(int i) { var row = rows[i]; current = row.Items; }
                    Pick(0);
                    var positives = current.Count();
                    Pick(1);
                    return positives + current.Count();
                }
            }
            """ },
        { "values one call makes in turn are different values", """
            class C
            {
                int M(List<int> ids)
                {
                    IEnumerable<int>? previous = null;
                    var total = 0;
                    foreach (var id in ids)
                    {
                        var current = Load(id);
                        if (previous is not null) total += previous.Sum();
                        previous = current;
                    }
                    return total + (previous?.Sum() ?? 0);
                }
                int N(List<int> ids)
                {
                    IEnumerable<int>? previous = null;
                    var total = 0;
                    foreach (var id in ids)
                    {
                        var current = Load(id);
                        total += current.Sum();
                        if (previous is not null) total -= {|MAGG001:previous|}.Max();
                        previous = current;
                    }
                    return total;
                }
                int O(List<int> ids, int[] skip)
                {
                    IEnumerable<int> previous = Enumerable.Empty<int>();
                    var total = 0;
                    foreach (var id in ids)
                    {
                        var current = Load(id);
                        var both = current.Except(skip).Concat({|MAGG001:current|});
                        total += previous.Count();
                        previous = both;
                    }
                    return total;
                }
                IEnumerable<int> Load(int id) => Enumerable.Range(0, id);
            }
            """ },
        { "passing the sequence on does not enumerate by default", """
            class C
            {
                int M(IEnumerable<int> xs)
                {
                    Log(xs);
                    Log(xs);
                    return xs.Sum();
                }

                void Log(IEnumerable<int> values) { }
            }
            """ },
        { "unknown call results are tracked", """
            class C
            {
                int M()
                {
                    var xs = Read();
                    return xs.Sum() + {|MAGG001:xs|}.Max();
                }

                IEnumerable<int> Read() { yield return 1; }
            }
            """ },
        { "Range and collection expressions are not tracked", """
            class C
            {
                int M()
                {
                    var r = Enumerable.Range(0, 10);
                    IEnumerable<int> c = [1, 2, 3];
                    return r.Sum() + r.Max() + c.Sum() + c.Max();
                }
            }
            """ },
        { "MAGG002 queryable executed twice", """
            class C
            {
                int M(IQueryable<int> q)
                {
                    var paid = q.Where(x => x > 0);
                    var count = paid.Count();
                    var list = {|MAGG002:paid|}.ToList();
                    foreach (var x in q) { } // the query paid was built on is another query
                    foreach (var x in {|MAGG002:q|}) { }
                    return count + list.Count;
                }
            }
            """ },
        { "MAGG002 provider async operators", """
            static class QueryableExtensions
            {
                public static Task<List<T>> ToListAsync<T>(this IQueryable<T> source) => Task.FromResult(source.ToList());
                public static Task<int> CountAsync<T>(this IQueryable<T> source) => Task.FromResult(source.Count());
                public static IQueryable<T> AsNoTracking<T>(this IQueryable<T> source) => source;
            }

            class C
            {
                async Task<int> M(IQueryable<int> q)
                {
                    var query = q.AsNoTracking().Where(x => x > 0);
                    var list = await query.ToListAsync();
                    return list.Count + await {|MAGG002:query|}.CountAsync();
                }
            }
            """ },
        { "an [Aggregate] method reads its source, as its generated body does", """
            static partial class Stats
            {
                [MultiAgg.Aggregate(MultiAgg.Agg.Sum, MultiAgg.Agg.Max)]
                public static partial (int Sum, int Max) Of(IEnumerable<int> values);
                public static partial (int Sum, int Max) Of(IEnumerable<int> values) => (0, 0); // the generator's part
            }

            class C
            {
                int M(IEnumerable<int> xs)
                {
                    var (sum, max) = Stats.Of(xs);
                    return sum + max + {|MAGG001:xs|}.Count() + Stats.Of({|MAGG001:xs|}).Sum;
                }
            }
            """ },
        { "an [Aggregate] extension method called with its source named last", """
            static partial class Stats
            {
                [MultiAgg.Aggregate(MultiAgg.Agg.Sum, Where = nameof(IsAbove))]
                public static partial int SumAbove(this IEnumerable<int> values, int limit);
                public static partial int SumAbove(this IEnumerable<int> values, int limit) => 0; // the generator's part

                private static bool IsAbove(int value, int limit) => value > limit;
            }

            class C
            {
                int M(IEnumerable<int> xs, IEnumerable<int> ys) =>
                    xs.SumAbove(3) + Stats.SumAbove(limit: 3, values: {|MAGG001:xs|}) + ys.SumAbove(limit: 1);
            }
            """ },
        { "an async [Aggregate] method reads its stream", """
            static partial class Stats
            {
                [MultiAgg.Aggregate(MultiAgg.Agg.Count)]
                public static partial Task<int> CountAsync(IAsyncEnumerable<int> values, CancellationToken cancellationToken);
                public static partial Task<int> CountAsync(IAsyncEnumerable<int> values, CancellationToken cancellationToken) => Task.FromResult(0); // the generator's part
            }

            class C
            {
                async Task<int> M(IAsyncEnumerable<int> stream, CancellationToken token)
                {
                    var n = await Stats.CountAsync(stream, token);
                    await foreach (var x in {|MAGG001:stream|}) n += x;
                    return n;
                }
            }
            """ },
        { "an [Aggregate] method over a list: a materialized source is read again for free", """
            static partial class Stats
            {
                [MultiAgg.Aggregate(MultiAgg.Agg.Sum)]
                public static partial int Total(List<int> values);
                public static partial int Total(List<int> values) => 0; // the generator's part
            }

            class C
            {
                int M(IEnumerable<int> xs)
                {
                    var list = xs.ToList();
                    return Stats.Total(list) + list.Count();
                }
            }
            """ },
        { "an [Aggregate] method named Count is no paging total", """
            static partial class Stats
            {
                [MultiAgg.Aggregate(MultiAgg.Agg.Count)]
                public static partial int Count(IQueryable<int> values);
                public static partial int Count(IQueryable<int> values) => 0; // the generator's part
            }

            class C
            {
                List<int> M(IQueryable<int> q, out int total)
                {
                    total = Stats.Count(q);
                    return q.Skip(10).Take(10).ToList();
                }
            }
            """ },
        { "an [Aggregate] method over a query executes it, whatever its name", """
            static partial class Stats
            {
                [MultiAgg.Aggregate(MultiAgg.Agg.Count)]
                public static partial int Count(IQueryable<int> values);
                public static partial int Count(IQueryable<int> values) => 0; // the generator's part
            }

            class C
            {
                int M(IQueryable<int> q) => Stats.Count(q) + {|MAGG002:q|}.Sum();
            }
            """ },
    };

    [Theory]
    [MemberData(nameof(Basics))]
    public Task ReportsExactlyTheExtraEnumerations(string name, string markup)
    {
        _ = name;
        return AnalyzerRunner.VerifyAsync(Header + markup, new MultipleEnumerationAnalyzer());
    }

    /// <summary>
    /// A local function that calls itself runs again what it enumerates on the path of that call (each level of a walk
    /// down a tree); what only the path that ends the recursion enumerates runs once.
    /// </summary>
    [Fact]
    public async Task ARecursiveLocalFunctionEnumeratesAgainWhatItsRecursivePathReads()
    {
        var diagnostics = await AnalyzerRunner.VerifyAsync(Header + """
            class Node
            {
                public int Id { get; set; }
                public List<Node> Children { get; } = new();
            }

            class C
            {
                int Depth(IEnumerable<int> xs)
                {
                    int Walk(int n) => n == 0 ? 0 : {|MAGG001:xs|}.Count() + Walk(n - 1);
                    return Walk(3);
                }

                void Visit(Node root, IEnumerable<int> allowed)
                {
                    void Go(Node node)
                    {
                        if ({|MAGG001:allowed|}.Contains(node.Id))
                            Console.WriteLine(node.Id);
                        foreach (var child in node.Children)
                            Go(child);
                    }

                    Go(root);
                }

                int Last(IEnumerable<int> xs)
                {
                    int Walk(int n) => n == 0 ? xs.Count() : Walk(n - 1);
                    return Walk(3);
                }
            }
            """, new MultipleEnumerationAnalyzer());

        Assert.Equal(2, diagnostics.Length);
    }

    /// <summary>
    /// A conditional enumerated in place (<c>(flag ? xs : ys).Count()</c>, <c>(preferred ?? backup).Count()</c>) may be
    /// either variable: the report is at the whole expression and names it, not the branch the analysis met first.
    /// </summary>
    [Fact]
    public async Task AConditionalEnumeratedInPlaceIsNamedAsAWhole()
    {
        var diagnostics = await AnalyzerRunner.VerifyAsync(Header + """
            class C
            {
                int M(IEnumerable<int> xs, IEnumerable<int> ys, bool flag)
                {
                    var total = ys.Sum();
                    return total + ({|MAGG001:flag ? xs : ys|}).Count();
                }

                int N(IEnumerable<int>? preferred, IEnumerable<int> backup)
                {
                    var total = backup.Sum();
                    return total + ({|MAGG001:preferred ?? backup|}).Count();
                }
            }
            """, new MultipleEnumerationAnalyzer());

        Assert.Equal(
            new[]
            {
                "'ys' through 'flag ? xs : ys' may be enumerated more than once",
                "'backup' through 'preferred ?? backup' may be enumerated more than once",
            },
            diagnostics.OrderBy(static d => d.Location.SourceSpan.Start).Select(static d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)));
    }

    /// <summary>
    /// Where what a chain enumerates again is the variable it reads, the report names that variable, through the chain:
    /// `users` is enumerated once, `details` twice (a precision run found nine such reports naming only the chain),
    /// whether `details` is a parameter or a local given a call's result. Of two chains over one variable, the variable
    /// is named, not the other chain. A variable whose own value is enumerated again keeps its own name.
    /// </summary>
    /// <summary>
    /// Two chains written on one local that holds a method's result (GrandNode's startup types, each chain making new
    /// instances): the local is named through the later chain, as a parameter is. A local declared in a lambda that runs
    /// per element is a new value at each run: what runs again through it is the variable its chain reads.
    /// </summary>
    [Fact]
    public async Task ChainsOverALocalAndALocalOfAPerElementLambdaNameTheVariableTheyRead()
    {
        var diagnostics = await AnalyzerRunner.VerifyAsync(Header + """
            interface IStartup { bool Before { get; } int Priority { get; } }
            class C
            {
                static bool Installed(Type t) => true;
                static IEnumerable<Type> Types() => new[] { typeof(int) };

                void M()
                {
                    var startups = Types();
                    var before = startups.Where(Installed).Select(t => (IStartup)Activator.CreateInstance(t)!).Where(s => s.Before).OrderBy(s => s.Priority);
                    foreach (var s in before) Console.WriteLine(s);
                    var after = startups.Where(Installed).Select(t => (IStartup)Activator.CreateInstance(t)!).Where(s => !s.Before).OrderBy(s => s.Priority);
                    foreach (var s in {|MAGG001:after|}) Console.WriteLine(s);
                }

                List<string> N(List<(int Id, string Name)> all, int[] ids)
                {
                    var options = all.Where(x => ids.Contains(x.Id));
                    var first = {|MAGG001:options|}.Select(x => {|MAGG001:options|}.Where(y => y.Id == x.Id).Select(z => z.Name).ToList().Count).ToList();
                    return all.Except({|MAGG001:options|}).Select(x =>
                    {
                        var filtered = options.Where(y => y.Id == x.Id).Select(s => s.Name).Concat(new List<string> { x.Name });
                        return string.Join(",", {|MAGG001:filtered|}.ToList());
                    }).ToList();
                }
            }
            """, new MultipleEnumerationAnalyzer());

        Assert.Equal(
            new[]
            {
                "'startups' through 'after' may be enumerated more than once",
                "'options' may be enumerated more than once",
                "'options' may be enumerated more than once",
                "'options' may be enumerated more than once",
                "'options' through 'filtered' may be enumerated more than once",
            },
            diagnostics.OrderBy(static d => d.Location.SourceSpan.Start).Select(static d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task AChainReadingAVariableAgainNamesTheVariableThroughTheChain()
    {
        var diagnostics = await AnalyzerRunner.VerifyAsync(Header + """
            class C
            {
                void M(IEnumerable<int> details)
                {
                    var total = details.Count();
                    var users = details.Select(d => d * 2).Distinct();
                    var count = {|MAGG001:users|}.Count();
                }

                void N(IEnumerable<int> details)
                {
                    var users = details.Select(d => d * 2);
                    var count = users.Count();
                    var max = {|MAGG001:users|}.Max();
                }

                void O(Func<IEnumerable<int>> load)
                {
                    var details = load();
                    var total = details.Count();
                    var users = details.Select(d => d * 2).Distinct();
                    var count = {|MAGG001:users|}.Count();
                }

                void P(IEnumerable<object> stores)
                {
                    var texts = stores.OfType<string>();
                    var boxes = stores.OfType<int>();
                    var count = texts.Count() + {|MAGG001:boxes|}.Count();
                }

                void Q(Func<IEnumerable<int>> load)
                {
                    var details = load();
                    var total = details.Count();
                    var users = details.Select(d => d * 2);
                    var count = {|MAGG001:users|}.Count();
                    var max = {|MAGG001:users|}.Max();
                }

                void R(Func<IEnumerable<int>> load)
                {
                    var details = load();
                    var total = details.Count();
                    var users = details.Select(d => d * 2);
                    Func<int> count = () => {|MAGG001:users|}.Count();
                    Console.WriteLine(count());
                }
            }
            """, new MultipleEnumerationAnalyzer());

        Assert.Equal(
            new[]
            {
                "'details' through 'users' may be enumerated more than once",
                "'users' may be enumerated more than once",
                "'details' through 'users' may be enumerated more than once",
                "'stores' through 'boxes' may be enumerated more than once",
                "'details' through 'users' may be enumerated more than once",
                "'users' may be enumerated more than once",
                "'details' through 'users' may be enumerated more than once",
            },
            diagnostics.OrderBy(static d => d.Location.SourceSpan.Start).Select(static d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task DiagnosticNamesTheVariableAndPointsAtTheEarlierEnumerations()
    {
        var diagnostics = await AnalyzerRunner.VerifyAsync(Header + """
            class C
            {
                void M(IEnumerable<int> readings)
                {
                    var sum = readings.Sum();
                    var max = {|MAGG001:readings|}.Max();
                }
            }
            """, new MultipleEnumerationAnalyzer());

        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal("'readings' may be enumerated more than once", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        var earlier = Assert.Single(diagnostic.AdditionalLocations);
        Assert.Equal("readings", earlier.SourceTree!.GetText().ToString(earlier.SourceSpan));
        Assert.True(earlier.SourceSpan.Start < diagnostic.Location.SourceSpan.Start);
        Assert.Equal(Microsoft.CodeAnalysis.DiagnosticSeverity.Warning, diagnostic.Severity);
    }

    [Fact]
    public async Task EditorConfigAddsEnumeratingAndDeferredMethods()
    {
        const string Code = """
            static class Seq
            {
                public static void Drain<T>(this IEnumerable<T> source) { foreach (var _ in source) { } }
                public static IEnumerable<T> Batch<T>(this IEnumerable<T> source) => source;
            }

            class C
            {
                void M(IEnumerable<int> xs)
                {
                    var batched = xs.Batch();
                    xs.Drain();
                    batched.Drain();
                }
            }
            """;

        // By default neither method is known: nothing to report.
        await AnalyzerRunner.VerifyAsync(Header + Code, new MultipleEnumerationAnalyzer());

        await AnalyzerRunner.VerifyAsync(
            Header + Code.Replace("batched.Drain()", "{|MAGG001:batched|}.Drain()"),
            new MultipleEnumerationAnalyzer(),
            new Dictionary<string, string>
            {
                [MultipleEnumerationOptions.EnumeratingMethodsKey] = "Seq.Drain",
                [MultipleEnumerationOptions.DeferredMethodsKey] = "Batch",
            });

        // The same, as IDs without a parameter list (every overload), one with its return type as a suppression writes it.
        await AnalyzerRunner.VerifyAsync(
            Header + Code.Replace("batched.Drain()", "{|MAGG001:batched|}.Drain()"),
            new MultipleEnumerationAnalyzer(),
            new Dictionary<string, string>
            {
                [MultipleEnumerationOptions.EnumeratingMethodsKey] = "M:Seq.Drain",
                [MultipleEnumerationOptions.DeferredMethodsKey] = "~M:Seq.Batch~System.Collections.Generic.IEnumerable{``0}",
            });
    }

    /// <summary>A constructor is named by its type in the options, as `new Shop.Buffer(xs)` names it.</summary>
    [Fact]
    public async Task EditorConfigNamesAConstructorByItsType()
    {
        const string Code = """
            namespace Shop
            {
                sealed class Buffer { public Buffer(IEnumerable<int> values) { } }

                class C
                {
                    int M(IEnumerable<int> xs)
                    {
                        var buffer = new Buffer(xs);
                        return xs.Count();
                    }
                }
            }
            """;

        await AnalyzerRunner.VerifyAsync(Header + Code, new MultipleEnumerationAnalyzer());
        foreach (var name in new[] { "Shop.Buffer", "Buffer", "M:Shop.Buffer.Buffer" })
        {
            await AnalyzerRunner.VerifyAsync(
                Header + Code.Replace("return xs.Count()", "return {|MAGG001:xs|}.Count()"),
                new MultipleEnumerationAnalyzer(),
                new Dictionary<string, string> { [MultipleEnumerationOptions.EnumeratingMethodsKey] = "Seq.Drain, " + name });
        }
    }

    /// <summary>
    /// A documentation comment ID, as a suppression's target or the API docs write it, names the method, generic
    /// arities included; with a parameter list it names that overload alone.
    /// </summary>
    [Fact]
    public async Task EditorConfigNamesAMethodByItsDocumentationId()
    {
        const string Code = """
            namespace Shop
            {
                static class Seq<TTag>
                {
                    public static int Drain<T>(IEnumerable<T> source, int limit) { foreach (var _ in source) { } return limit; }
                    public static int Drain<T>(IEnumerable<T> source, string label) => label.Length;
                }

                sealed class Buffer { public Buffer(IEnumerable<int> values, int capacity) { } }

                class C
                {
                    int Drained(IEnumerable<int> xs)
                    {
                        Seq<string>.Drain(xs, 10);
                        return xs.Count();
                    }

                    int Labelled(IEnumerable<int> xs)
                    {
                        Seq<string>.Drain(xs, "all");
                        return xs.Count();
                    }

                    int Buffered(IEnumerable<int> xs)
                    {
                        var buffer = new Buffer(xs, 4);
                        return xs.Count();
                    }
                }
            }
            """;

        var drained = Code.Replace("return xs.Count();\n        }\n\n        int Labelled", "return {|MAGG001:xs|}.Count();\n        }\n\n        int Labelled");
        var labelled = Code.Replace("return xs.Count();\n        }\n\n        int Buffered", "return {|MAGG001:xs|}.Count();\n        }\n\n        int Buffered");
        var buffered = Code.Replace("return xs.Count();\n        }\n    }", "return {|MAGG001:xs|}.Count();\n        }\n    }");
        Assert.NotEqual(Code, drained);
        Assert.NotEqual(Code, labelled);
        Assert.NotEqual(Code, buffered);

        var cases = new (string Configured, string Expected)[]
        {
            ("M:Shop.Seq`1.Drain``1(System.Collections.Generic.IEnumerable{``0},System.Int32)", drained),
            ("M:Shop.Seq`1.Drain``1(System.Collections.Generic.IEnumerable{``0}, System.String)", labelled),
            ("M:Shop.Seq`1.Drain``1(System.Collections.Generic.IEnumerable{``0},System.Double)", Code),
            ("~M:Shop.Seq`1.Drain``1(System.Collections.Generic.IEnumerable{``0},System.Int32)", drained),   // as a suppression's target
            ("~M:Shop.Seq`1.Drain``1(System.Collections.Generic.IEnumerable{``0},System.Int32)~System.Int32", drained),   // with its return type
            ("M:Shop.Seq`1.Drain(System.Collections.Generic.IEnumerable{``0},System.Int32)", Code),          // the arities count
            ("M:Shop.Seq`2.Drain``1(System.Collections.Generic.IEnumerable{``0},System.Int32)", Code),
        };
        foreach (var (configured, expected) in cases)
        {
            await AnalyzerRunner.VerifyAsync(
                Header + expected,
                new MultipleEnumerationAnalyzer(),
                new Dictionary<string, string> { [MultipleEnumerationOptions.EnumeratingMethodsKey] = "Other.Drain, " + configured + ", Other.Fill" });
        }

        // A constructor's ID cannot be written whole: .editorconfig starts a comment at '#'. What is left of it,
        // "M:Shop.Buffer.", names the type's constructors, every overload.
        await AnalyzerRunner.VerifyAsync(
            Header + buffered,
            new MultipleEnumerationAnalyzer(),
            new Dictionary<string, string> { [MultipleEnumerationOptions.EnumeratingMethodsKey] = "Other.Drain, M:Shop.Buffer.#ctor(System.Int32)" });

        // A parameter list left open (a typo) names nothing, and the names after it are still read.
        await AnalyzerRunner.VerifyAsync(
            Header + buffered,
            new MultipleEnumerationAnalyzer(),
            new Dictionary<string, string> { [MultipleEnumerationOptions.EnumeratingMethodsKey] = "M:Shop.Seq`1.Drain``1(System.Int32, Shop.Buffer" });

        // Without a parameter list, every overload.
        await AnalyzerRunner.VerifyAsync(
            Header + Code.Replace("return xs.Count();\n        }\n\n        int Buffered", "return {|MAGG001:xs|}.Count();\n        }\n\n        int Buffered")
                .Replace("return xs.Count();\n        }\n\n        int Labelled", "return {|MAGG001:xs|}.Count();\n        }\n\n        int Labelled"),
            new MultipleEnumerationAnalyzer(),
            new Dictionary<string, string> { [MultipleEnumerationOptions.EnumeratingMethodsKey] = "M:Shop.Seq`1.Drain``1" });
    }

    [Fact]
    public async Task AssumingUnknownMethodsEnumerateCountsAnAggregateMethodsFurtherArguments()
    {
        const string Code = """
            static partial class Stats
            {
                [MultiAgg.Aggregate(MultiAgg.Agg.Count, Where = nameof(IsOneOf))]
                public static partial int CountOf(IEnumerable<int> values, IEnumerable<int> wanted);
                public static partial int CountOf(IEnumerable<int> values, IEnumerable<int> wanted) => 0; // the generator's part

                static bool IsOneOf(int value, IEnumerable<int> wanted) => value > 0;
            }

            class C
            {
                int M(IEnumerable<int> xs, IEnumerable<int> wanted) => Stats.CountOf(xs, wanted) + wanted.Count();
            }
            """;

        // By default only the source is known to be read.
        await AnalyzerRunner.VerifyAsync(Header + Code, new MultipleEnumerationAnalyzer());

        await AnalyzerRunner.VerifyAsync(
            Header + Code.Replace("+ wanted.Count()", "+ {|MAGG001:wanted|}.Count()"),
            new MultipleEnumerationAnalyzer(),
            new Dictionary<string, string> { [MultipleEnumerationOptions.AssumeUnknownMethodsEnumerateKey] = "true" });
    }

    [Fact]
    public async Task EditorConfigCanAssumeUnknownMethodsEnumerate()
    {
        await AnalyzerRunner.VerifyAsync(
            Header + """
            class C
            {
                void M(IEnumerable<int> xs)
                {
                    Log(xs);
                    Log({|MAGG001:xs|});
                }

                void Stored(IEnumerable<int> xs, HashSet<IEnumerable<int>> seen, Dictionary<int, IEnumerable<int>> byId)
                {
                    // Kept as an item, not read: a type argument made these parameters sequences.
                    seen.Add(xs);
                    byId.TryAdd(1, xs);
                    _ = Task.FromResult(xs);
                    Log(xs);
                }

                void Serialized(IEnumerable<int> xs)
                {
                    // A generic method elsewhere may read what it is given.
                    _ = System.Text.Json.JsonSerializer.Serialize(xs);
                    Log({|MAGG001:xs|});
                }

                void Log(IEnumerable<int> values) { }
            }
            """,
            new MultipleEnumerationAnalyzer(),
            new Dictionary<string, string> { [MultipleEnumerationOptions.AssumeUnknownMethodsEnumerateKey] = "true" });
    }

    [Fact]
    public async Task ADelegateLocalWhoseBodyIsKnownIsNotAnUnknownMethod()
    {
        // Its body says what a call enumerates: the sequence it is given, once; not once more as an unknown method's argument.
        await AnalyzerRunner.VerifyAsync(
            Header + """
            class C
            {
                int M(IEnumerable<int> xs)
                {
                    System.Func<IEnumerable<int>, int> total = s => s.Sum();
                    return total(xs);
                }

                int Twice(IEnumerable<int> xs)
                {
                    System.Func<IEnumerable<int>, int> total = s => s.Sum();
                    return total(xs) + total({|MAGG001:xs|});
                }
            }
            """,
            new MultipleEnumerationAnalyzer(),
            new Dictionary<string, string> { [MultipleEnumerationOptions.AssumeUnknownMethodsEnumerateKey] = "true" });
    }
}
