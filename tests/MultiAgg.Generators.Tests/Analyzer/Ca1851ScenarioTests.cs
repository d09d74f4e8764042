using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using MultiAgg.Generators.Analyzers;
using MultiAgg.Generators.Tests.Infrastructure;

namespace MultiAgg.Generators.Tests;

/// <summary>
/// The situations exercised by the tests of Microsoft's CA1851 (AvoidMultipleEnumerations), restated
/// in our own code, plus the ones CA1851 does not cover that MAGG001/MAGG002 claim. Our markup
/// differs from CA1851's: only the extra enumeration is marked, never the first one on a path, and
/// where CA1851 seeds a local with <c>Enumerable.Range</c> (deliberately not tracked here) these use a
/// parameter or an iterator's result. Unmarked code must produce nothing.
/// </summary>
public class Ca1851ScenarioTests
{
    private const string Iterator = """

        static class Source
        {
            public static IEnumerable<int> Fetch(int seed)
            {
                yield return seed;
                yield return seed + 1;
            }
        }
        """;

    /// <summary>Executing LINQ operators, one after another.</summary>
    public static TheoryData<string, string> RepeatedOperators => new()
    {
        { "every executing operator enumerates", """
            class Telemetry
            {
                void Probe(IEnumerable<int> pulses)
                {
                    _ = pulses.Aggregate((a, b) => a ^ b);
                    _ = {|MAGG001:pulses|}.All(p => p > 0);
                    _ = {|MAGG001:pulses|}.Any();
                    _ = {|MAGG001:pulses|}.Average();
                    _ = {|MAGG001:pulses|}.Contains(7);
                    _ = {|MAGG001:pulses|}.Count();
                    _ = {|MAGG001:pulses|}.ElementAt(1);
                    _ = {|MAGG001:pulses|}.ElementAtOrDefault(2);
                    _ = {|MAGG001:pulses|}.First();
                    _ = {|MAGG001:pulses|}.FirstOrDefault();
                    _ = {|MAGG001:pulses|}.Last();
                    _ = {|MAGG001:pulses|}.LastOrDefault();
                    _ = {|MAGG001:pulses|}.LongCount();
                    _ = {|MAGG001:pulses|}.Max();
                    _ = {|MAGG001:pulses|}.Min();
                    _ = {|MAGG001:pulses|}.SequenceEqual(new[] { 1, 2 });
                    _ = {|MAGG001:pulses|}.Single();
                    _ = {|MAGG001:pulses|}.SingleOrDefault();
                    _ = {|MAGG001:pulses|}.Sum();
                    _ = {|MAGG001:pulses|}.ToArray();
                    _ = {|MAGG001:pulses|}.ToDictionary(p => p);
                    _ = {|MAGG001:pulses|}.ToHashSet();
                    _ = {|MAGG001:pulses|}.ToList();
                    _ = {|MAGG001:pulses|}.ToLookup(p => p % 2);
                    _ = {|MAGG001:pulses|}.MaxBy(p => -p);
                    _ = {|MAGG001:pulses|}.MinBy(p => -p);
                }
            }
            """ },
        { "only the deferred parameter is reported, not the array", """
            class Gauge
            {
                void Inspect(IEnumerable<double> levels, double[] cached)
                {
                    var positive = levels.All(l => l > 0);
                    var some = {|MAGG001:levels|}.Any();
                    var cachedMean = cached.Average();
                    var cachedCount = cached.Count();
                    var mean = {|MAGG001:levels|}.Average();
                    var count = {|MAGG001:levels|}.Count();
                }
            }
            """ },
        { "static call with named arguments", """
            class Clock
            {
                int Read(IEnumerable<int> ticks)
                {
                    var early = Enumerable.First(predicate: t => t > 2, source: ticks);
                    return early + {|MAGG001:ticks|}.Last();
                }
            }
            """ },
        { "extension methods called as static methods", """
            class Splice
            {
                void Join(IEnumerable<int> head, IEnumerable<int> tail)
                {
                    var joined = Enumerable.Concat(head, tail);
                    Enumerable.ElementAt(tail, 1);
                    Enumerable.ToArray({|MAGG001:joined|});
                }
            }
            """ },
        { "arrays and lists may be read any number of times", """
            class Cache
            {
                int Read(int[] slots, List<int> names)
                {
                    var a = slots.Sum() + slots.Max() + slots.Count() + slots.First();
                    var b = names.Sum() + names.Max() + names.Count() + names.Last();
                    return a + b;
                }
            }
            """ },
        { "TryGetNonEnumeratedCount does not enumerate", """
            class Sizer
            {
                int Size(IEnumerable<int> items)
                {
                    if (items.TryGetNonEnumeratedCount(out var known))
                        Console.WriteLine(known);
                    return items.ElementAt(3);
                }
            }
            """ },
    };

    /// <summary><c>foreach</c> loops, plain and over LINQ views.</summary>
    public static TheoryData<string, string> ForeachLoops => new()
    {
        { "two loops over one parameter", """
            class Printer
            {
                void Print(IEnumerable<string> lines)
                {
                    foreach (var line in lines) Console.WriteLine(line);
                    foreach (var line in {|MAGG001:lines|}) Console.Error.WriteLine(line);
                }
            }
            """ },
        { "a loop, then ToHashSet", """
            class Dedupe
            {
                HashSet<int> Keep(IEnumerable<int> ids)
                {
                    foreach (var id in ids) Console.WriteLine(id);
                    return {|MAGG001:ids|}.ToHashSet();
                }
            }
            """ },
        { "a loop over a filtered view, then ToLookup on the source", """
            class Shelf
            {
                ILookup<int, int> Group(IEnumerable<int> prices)
                {
                    foreach (var p in prices.Where(p => p > 0).Select(p => p * 2)) Console.WriteLine(p);
                    return {|MAGG001:prices|}.ToLookup(p => p % 10);
                }
            }
            """ },
        { "the source queried again inside and after a loop over it", """
            class Census
            {
                void Count(IEnumerable<string> words)
                {
                    foreach (var w in words.Where(word => word.Length > 3))
                    {
                        var n = {|MAGG001:words|}.Count(x => x == w);
                    }

                    var second = {|MAGG001:words|}.Select(word => word.ToUpperInvariant()).Skip(1).First();
                }
            }
            """ },
        { "a loop over a view of an array, then the array", """
            class Slots
            {
                int Walk(int[] slots)
                {
                    foreach (var s in slots.Select(slot => slot + 1)) Console.WriteLine(s);
                    return slots.Count();
                }
            }
            """ },
        { "two loops over an IOrderedEnumerable parameter", """
            class Podium
            {
                void Show(IOrderedEnumerable<int> ranks)
                {
                    foreach (var r in ranks) Console.WriteLine(r);
                    foreach (var r in {|MAGG001:ranks|}) Console.WriteLine(-r);
                }
            }
            """ },
        { "two loops over a non-generic IEnumerable", """
            class Legacy
            {
                void Dump(IEnumerable bag)
                {
                    foreach (var o in bag) Console.WriteLine(o);
                    foreach (var o in {|MAGG001:bag|}) Console.WriteLine(o);
                }
            }
            """ },
        { "one loop is one enumeration", """
            class Printer
            {
                int Print(IEnumerable<string> lines)
                {
                    var n = 0;
                    foreach (var line in lines) n += line.Length;
                    return n;
                }
            }
            """ },
    };

    /// <summary><c>for</c>, <c>while</c>, <c>do</c> loops: the back edge repeats the body.</summary>
    public static TheoryData<string, string> OtherLoops => new()
    {
        { "for loop body", """
            class Scorer
            {
                int Score(IEnumerable<int> scores, int[] bonus)
                {
                    var total = 0;
                    for (var round = 0; round < 3; round++)
                    {
                        total += {|MAGG001:scores|}.Aggregate((a, b) => a + b);
                        if (bonus.Contains(round)) total++;
                    }
                    return total;
                }
            }
            """ },
        { "while (true) body", """
            class Spinner
            {
                void Spin(IEnumerable<int> first, IEnumerable<int> second)
                {
                    while (true)
                    {
                        var a = {|MAGG001:first|}.ElementAt(2);
                        var b = {|MAGG001:second|}.ElementAtOrDefault(5);
                        if (a == b) break;
                    }
                }
            }
            """ },
        { "do-while body", """
            class Pump
            {
                int Fill(IEnumerable<int> drops)
                {
                    var level = 0;
                    do
                    {
                        level += {|MAGG001:drops|}.First();
                    }
                    while (level < 100);
                    return level;
                }
            }
            """ },
        { "a loop condition runs every iteration", """
            class Waiter
            {
                void Wait(IEnumerable<int> queue)
                {
                    var attempts = 0;
                    while ({|MAGG001:queue|}.Min() < 10)
                    {
                        if (++attempts > 5) break;
                    }
                }
            }
            """ },
        { "only the sequence enumerated inside the loop", """
            class Matrix
            {
                void Cross(IEnumerable<int> rows, IEnumerable<int> tally, IEnumerable<int> columns)
                {
                    var seen = tally.Count();
                    foreach (var r in rows)
                    {
                        {|MAGG001:columns|}.Count();
                    }
                }
            }
            """ },
        { "a deferred link inside a loop", """
            class Rounds
            {
                void Play(IEnumerable<int> live, int[] rounds)
                {
                    var snapshot = Source.Fetch(1).ToArray();
                    foreach (var _ in rounds)
                    {
                        var cached = snapshot.Count();
                        var best = {|MAGG001:live|}.DefaultIfEmpty().MaxBy(v => v);
                    }
                }
            }
            """ + Iterator },
        { "a fresh sequence each iteration", """
            class Batches
            {
                void Run()
                {
                    for (var i = 0; i < 10; i++)
                    {
                        var batch = Source.Fetch(i);
                        var second = batch.ElementAt(1);
                    }
                }
            }
            """ + Iterator },
        { "an alias of an outer sequence inside a loop", """
            class Feeds
            {
                void Run()
                {
                    var feed = Source.Fetch(0);
                    for (var i = 0; i < 10; i++)
                    {
                        var other = Source.Fetch(i);
                        var view = feed;
                        var second = {|MAGG001:view|}.ElementAt(1);
                        var top = other.First();
                    }
                }
            }
            """ + Iterator },
        { "a chain rebuilt each iteration over an outer parameter", """
            class Merger
            {
                void Run(IEnumerable<int> extra)
                {
                    for (var i = 0; i < 10; i++)
                    {
                        var merged = Source.Fetch(i).Concat(extra);
                        var head = {|MAGG001:merged|}.ElementAt(0);
                    }
                }
            }
            """ + Iterator },
        { "leaving the loop right after the only enumeration", """
            class Finder
            {
                int Find(IEnumerable<int> xs, int[] keys)
                {
                    foreach (var k in keys)
                    {
                        if (k == 0)
                            return xs.Sum();
                    }
                    return -1;
                }
            }
            """ },
    };

    /// <summary><c>if</c>, <c>else if</c>, <c>switch</c>, short-circuit operators.</summary>
    public static TheoryData<string, string> Branches => new()
    {
        { "if / else if / else, then after", """
            class Router
            {
                void Route(int mode, IEnumerable<int> stream)
                {
                    var copy = Source.Fetch(1).ToArray();
                    if (mode == 1)
                    {
                        copy.First();
                        stream.FirstOrDefault();
                    }
                    else if (mode == 3)
                    {
                        copy.Last();
                        stream.LastOrDefault();
                    }
                    else
                    {
                        copy.LongCount();
                        stream.Max();
                    }

                    copy.Min();
                    {|MAGG001:stream|}.Single();
                }
            }
            """ + Iterator },
        { "before the if, then in each arm", """
            class Router
            {
                void Route(int mode, IEnumerable<int> stream)
                {
                    stream.SingleOrDefault();
                    if (mode == 1)
                        {|MAGG001:stream|}.First();
                    else if (mode == 3)
                        {|MAGG001:stream|}.Last();
                    else if (mode == 5)
                        {|MAGG001:stream|}.Count();
                }
            }
            """ },
        { "if without else, then after", """
            class Gate
            {
                void Pass(bool open, IEnumerable<int> a, IEnumerable<int> b)
                {
                    if (open)
                    {
                        a.Single();
                        b.SingleOrDefault();
                    }

                    {|MAGG001:a|}.ToDictionary(x => x);
                    {|MAGG001:a|}.Max();
                    {|MAGG001:b|}.First();
                    {|MAGG001:b|}.Min();
                }
            }
            """ },
        { "if and else, then after", """
            class Gate
            {
                void Pass(bool open, IEnumerable<int> a, IEnumerable<int> b)
                {
                    if (open)
                    {
                        a.Single();
                        b.SingleOrDefault();
                    }
                    else
                    {
                        a.Sum();
                        b.ToArray();
                    }

                    {|MAGG001:a|}.ToDictionary(x => x);
                    {|MAGG001:b|}.First();
                }
            }
            """ },
        { "different sequences in different arms", """
            class Switcher
            {
                void Pick(int mode, IEnumerable<int> a, IEnumerable<int> b)
                {
                    if (mode == 0)
                        a.Single();
                    else if (mode == 1)
                        b.SingleOrDefault();

                    {|MAGG001:a|}.ToDictionary(x => x);
                    {|MAGG001:b|}.First();
                }
            }
            """ },
        { "one arm each, then twice each", """
            class Switcher
            {
                void Pick(int mode, IEnumerable<int> a, IEnumerable<int> b)
                {
                    if (mode == 0)
                        a.Single();
                    else
                        b.SingleOrDefault();

                    {|MAGG001:a|}.ToDictionary(x => x);
                    {|MAGG001:a|}.ToDictionary(x => -x);
                    {|MAGG001:b|}.First();
                    {|MAGG001:b|}.First();
                }
            }
            """ },
        { "the condition, then either arm", """
            class Probe
            {
                int Look(IEnumerable<int> xs)
                {
                    if (xs.Any())
                        return {|MAGG001:xs|}.Single();
                    else
                        return {|MAGG001:xs|}.SingleOrDefault();
                }
            }
            """ },
        { "an else-if condition", """
            class Probe
            {
                void Look(IEnumerable<int> xs, int[] fixedOnes)
                {
                    if (xs.Any())
                    {
                        {|MAGG001:xs|}.ToArray();
                    }
                    else if ({|MAGG001:xs|}.Max() == 10)
                    {
                    }

                    if (fixedOnes.Any())
                        fixedOnes.ToDictionary(f => f);
                    else if (fixedOnes.Max() == 10)
                        Console.WriteLine();
                }
            }
            """ },
        { "both operands of &&", """
            class Check
            {
                bool Test(IEnumerable<int> xs, int[] ys) =>
                    (xs.Any() && {|MAGG001:xs|}.Max() == 10) | (ys.Any() && ys.Max() == 10);
            }
            """ },
        { "both operands of ||", """
            class Check
            {
                bool Test(IEnumerable<int> xs, int[] ys) =>
                    (xs.Any() || {|MAGG001:xs|}.Max() == 10) & (ys.Any() || ys.Max() == 10);
            }
            """ },
        { "the condition, then after the if", """
            class Probe
            {
                int Look(IEnumerable<int> xs)
                {
                    if (xs.Any())
                        Console.WriteLine("some");
                    return {|MAGG001:xs|}.Min();
                }
            }
            """ },
        { "a branch that can never run", """
            class Dead
            {
                int Look(IEnumerable<int> xs)
                {
                    if (false)
                    {
                        Console.WriteLine(xs.First());
                    }

                    return xs.First();
                }
            }
            """ },
        { "two chains in one arm, then after", """
            class Compare
            {
                void Diff(IEnumerable<int> left, IEnumerable<int> right, int mode)
                {
                    if (mode == 1)
                    {
                        left.Except(right).ToList();
                        {|MAGG001:left|}.Intersect({|MAGG001:right|}).ToList();
                    }

                    {|MAGG001:left|}.Max();
                }
            }
            """ },
        { "before, inside and after one arm", """
            class Compare
            {
                void Diff(IEnumerable<int> left, IEnumerable<int> right, int mode)
                {
                    left.Max();
                    if (mode == 1)
                    {
                        {|MAGG001:left|}.Except(right).ToList();
                        {|MAGG001:left|}.Intersect({|MAGG001:right|}).ToList();
                    }

                    {|MAGG001:left|}.Max();
                }
            }
            """ },
        { "two chains in one arm, nothing after", """
            class Compare
            {
                void Diff(IEnumerable<int> left, IEnumerable<int> right, int mode)
                {
                    if (mode == 1)
                    {
                        left.Union(right).ToList();
                        {|MAGG001:left|}.Join({|MAGG001:right|}, a => a, b => b, (a, b) => a + b).ToList();
                    }
                }
            }
            """ },
        { "switch sections count once", """
            class Dispatch
            {
                int Run(IEnumerable<int> xs, int kind)
                {
                    switch (kind)
                    {
                        case 0: return xs.Sum();
                        case 1: return xs.Max();
                        default:
                            foreach (var x in xs) Console.WriteLine(x);
                            return 0;
                    }
                }
            }
            """ },
        { "a switch section, then after the switch", """
            class Dispatch
            {
                int Run(IEnumerable<int> xs, int kind)
                {
                    var n = 0;
                    switch (kind)
                    {
                        case 0: n = xs.Sum(); break;
                        case 1: n = xs.Max(); break;
                    }
                    return n + {|MAGG001:xs|}.Count();
                }
            }
            """ },
    };

    /// <summary><c>?:</c> and <c>??</c>: a variable that may hold one of several sequences.</summary>
    public static TheoryData<string, string> ConditionalValues => new()
    {
        { "the arms of ?: count once", """
            class Choice
            {
                int Pick(IEnumerable<int> xs, bool high) => high ? xs.Max() : xs.Min();
            }
            """ },
        { "?: between two parameters", """
            class Choice
            {
                void Pick(IEnumerable<int> first, IEnumerable<int> second, bool which)
                {
                    var chosen = which ? first : second;
                    var rest = chosen.Except({|MAGG001:first|});

                    chosen.ElementAt(1);
                    {|MAGG001:first|}.ElementAt(1);
                    {|MAGG001:rest|}.ToArray();
                }
            }
            """ },
        { "?: between a parameter and an array (stricter than CA1851)", """
            class Choice
            {
                void Pick(IEnumerable<int> first, int[] second, bool which)
                {
                    var chosen = which ? first : second;
                    var rest = chosen.Except(second);

                    chosen.ElementAt(1);
                    {|MAGG001:first|}.ElementAt(1);
                    {|MAGG001:rest|}.ToArray();
                }
            }
            """ },
        { "a chain over either of two arrays", """
            class Choice
            {
                void Pick(int[] first, int[] second, bool which)
                {
                    var chosen = which ? first : second;
                    var rest = chosen.Except(second);

                    rest.ToArray();
                    {|MAGG001:rest|}.ToArray();
                }
            }
            """ },
        { "?? may pick the parameter enumerated again", """
            class Fallback
            {
                int Read(IEnumerable<int>? preferred, IEnumerable<int> backup)
                {
                    var source = preferred ?? backup;
                    var n = source.Count();
                    return n + ({|MAGG001:preferred|}?.Sum() ?? 0);
                }
            }
            """ },
        { "?? with an empty fallback, enumerated once", """
            class Fallback
            {
                int Read(IEnumerable<int>? maybe)
                {
                    var items = maybe ?? Enumerable.Empty<int>();
                    return items.Sum();
                }
            }
            """ },
    };

    /// <summary>Materializing operators and collection constructors.</summary>
    public static TheoryData<string, string> Materializing => new()
    {
        { "a lookup's group, read twice", """
            record Order(int Customer, decimal Total);

            class Stats
            {
                decimal Of(List<Order> orders, int key)
                {
                    var byCustomer = orders.ToLookup(o => o.Customer);
                    var mine = byCustomer[key];
                    return mine.Any() ? mine.Sum(o => o.Total) : 0;
                }
            }
            """ },
        { "the groups GroupBy and GroupJoin hand their result selectors", """
            record Order(int Customer, decimal Total);

            class Stats
            {
                object ByCustomer(List<Order> orders, List<int> customers) => (
                    orders.GroupBy(o => o.Customer, (c, os) => new { c, N = os.Count(), T = os.Sum(o => o.Total) }).ToList(),
                    customers.GroupJoin(orders, c => c, o => o.Customer, (c, os) => new { c, N = os.Count(), T = os.Sum(o => o.Total) }).ToList(),
                    (from c in customers join o in orders on c equals o.Customer into g select new { c, N = g.Count(), T = g.Sum(o => o.Total) }).ToList());
            }
            """ },
        { "the groups the async and parallel GroupBy and GroupJoin hand their result selectors", """
            record Order(int Customer, decimal Total);

            class Stats
            {
                async Task<object> ByCustomer(IAsyncEnumerable<Order> orders, IAsyncEnumerable<Order> more, IAsyncEnumerable<int> customers, List<Order> list) => (
                    await orders.GroupBy(o => o.Customer, (c, os) => new { c, N = os.Count(), T = os.Sum(o => o.Total) }).ToListAsync(),
                    await customers.GroupJoin(more, c => c, o => o.Customer, (c, os) => new { c, N = os.Count(), T = os.Sum(o => o.Total) }).ToListAsync(),
                    list.AsParallel().GroupBy(o => o.Customer, (c, os) => new { c, N = os.Count(), T = os.Sum(o => o.Total) }).ToList());
            }
            """ },
        { "materialized twice", """
            class Copier
            {
                void Copy(IEnumerable<int> source)
                {
                    source.ToArray().Select(v => v + 1).Where(v => v != 100);
                    {|MAGG001:source|}.ToArray().Select(v => v + 1).Where(v => v != 100);
                }
            }
            """ },
        { "materialized once, the copy reused", """
            class Copier
            {
                int Copy(IEnumerable<int> source)
                {
                    var copy = source.ToList();
                    var n = copy.Sum() + copy.Max();
                    foreach (var c in copy) n += c;
                    return n;
                }
            }
            """ },
        { "an IEnumerable local that holds an array", """
            class Holder
            {
                int Use(bool flag)
                {
                    IEnumerable<int> held = Source.Fetch(4).ToArray();
                    var n = flag ? held.Single() : held.Last();
                    return n + held.LastOrDefault();
                }
            }
            """ + Iterator },
        { "a zip with a materialized copy", """
            class Pairs
            {
                int[] Pair(IEnumerable<int> stream)
                {
                    IEnumerable<int> copy = Source.Fetch(2).ToArray();
                    var pairs = stream.Zip(copy, (a, b) => a + b);
                    var second = copy.ElementAt(1);
                    return pairs.ToArray();
                }
            }
            """ + Iterator },
        { "a chain over an array, and the array", """
            class Pairs
            {
                int[] Join(IEnumerable<int> stream, int[] fixedOnes)
                {
                    var joined = fixedOnes.Concat(stream);
                    var second = fixedOnes.ElementAt(1);
                    return joined.ToArray();
                }
            }
            """ },
        { "immutable collections", """
            using System.Collections.Immutable;

            class Freezer
            {
                void Freeze(IEnumerable<int> values)
                {
                    var frozen = values.ToImmutableArray();
                    var sorted = {|MAGG001:values|}.ToImmutableSortedSet();
                    var listed = {|MAGG001:values|}.Where(v => v > 0).ToImmutableList();
                }
            }
            """ },
        { "collection constructors", """
            class Builders
            {
                void Build(IEnumerable<int> values)
                {
                    var list = new List<int>(values);
                    var set = new HashSet<int>({|MAGG001:values|});
                    var queue = new Queue<int>({|MAGG001:values|});
                    var stack = new Stack<int>({|MAGG001:values|});
                    var sorted = new SortedSet<int>({|MAGG001:values|});
                    var linked = new LinkedList<int>({|MAGG001:values|});
                }
            }
            """ },
        { "dictionary and priority queue constructors", """
            class Builders
            {
                int Build(IEnumerable<KeyValuePair<string, int>> entries, IEnumerable<(string, int)> jobs)
                {
                    var map = new Dictionary<string, int>(entries);
                    var work = new PriorityQueue<string, int>(jobs);
                    return {|MAGG001:entries|}.Count() + {|MAGG001:jobs|}.Count();
                }
            }
            """ },
    };

    /// <summary>Deferred operators: a chain runs its sources each time it is enumerated.</summary>
    public static TheoryData<string, string> DeferredChains => new()
    {
        { "a long pipeline run twice", """
            class Pipeline
            {
                void Run(IEnumerable<int> raw)
                {
                    var first = raw.Append(1).Cast<object>().Distinct().OfType<int>()
                        .OrderBy(v => v).ThenByDescending(v => v).Prepend(0).Reverse()
                        .Select(v => v + 1).Skip(2).SkipWhile(v => v == 3).SkipLast(1)
                        .Take(5).TakeWhile(v => v < 9).TakeLast(2).Where(v => v != 4).ToArray();
                    var again = {|MAGG001:raw|}.Append(2).Distinct().OrderByDescending(v => v).ThenBy(v => v)
                        .Where(v => v != 4).First();
                }
            }
            """ },
        { "GroupBy twice", """
            class Buckets
            {
                void Split(IEnumerable<string> names)
                {
                    var byLength = names.GroupBy(n => n.Length).ToArray();
                    var byInitial = {|MAGG001:names|}.GroupBy(n => n[0]).ToArray();
                }
            }
            """ },
        { "SelectMany twice", """
            class Flatten
            {
                void Run(IEnumerable<IEnumerable<int>> nested)
                {
                    var a = nested.SelectMany(x => x).ToArray();
                    var b = {|MAGG001:nested|}.SelectMany(x => x.ToArray()).ToArray();
                }
            }
            """ },
        { "a source reused after a stored chain ran", """
            class Merge
            {
                void Run(IEnumerable<int> tail, IEnumerable<int> middle, IEnumerable<int> head)
                {
                    var all = head.Concat(middle).Concat(tail);
                    var pick = middle.ElementAt(1);
                    var snapshot = {|MAGG001:all|}.ToArray();
                    var again = {|MAGG001:head|}.ToArray();
                }
            }
            """ },
        { "one sequence twice inside one stored chain", """
            class Merge
            {
                int[] Run(IEnumerable<int> first, IEnumerable<int> second)
                {
                    var mixed = first.Except(second).Concat({|MAGG001:second|});
                    return mixed.ToArray();
                }
            }
            """ },
        { "one sequence twice inside one chain that never runs", """
            class Merge
            {
                IEnumerable<int> Run(IEnumerable<int> first)
                {
                    var doubled = first.Concat(first);
                    return doubled;
                }
            }
            """ },
        { "one sequence twice inside one inline chain", """
            class Merge
            {
                int Run(IEnumerable<int> first, IEnumerable<int> second) =>
                    first.Zip({|MAGG001:first|}.Skip(1), (a, b) => b - a).Sum() + second.Sum();
            }
            """ },
        { "two stored chains share their sources", """
            class Overlap
            {
                void Run(IEnumerable<int> left, IEnumerable<int> right)
                {
                    var trimmed = Source.Fetch(0).Except(left).Except(right);
                    var joined = left.Concat(right);
                    var probe = trimmed.ElementAt(1);
                    var whole = {|MAGG001:joined|}.ToArray();
                }
            }
            """ + Iterator },
        { "an alias of a source inside one chain", """
            class Echo
            {
                void Run(IEnumerable<int> lead)
                {
                    var source = Source.Fetch(3);
                    var copy = source;
                    var doubled = lead.Concat(source).Concat({|MAGG001:copy|});
                    var probe = source.ElementAt(1);
                    var whole = {|MAGG001:doubled|}.ToArray();
                }
            }
            """ + Iterator },
        { "an ordered parameter inside a concat", """
            class Ladder
            {
                void Run(IEnumerable<int> lead, IOrderedEnumerable<int> ranked, IEnumerable<int> rest)
                {
                    var all = lead.Concat(ranked).Concat(rest);
                    var second = ranked.ElementAt(1);
                    var whole = {|MAGG001:all|}.ToArray();
                }
            }
            """ },
        { "a chain nested in an argument", """
            class Ladder
            {
                void Run(IEnumerable<int> outer, IOrderedEnumerable<int> ranked, IEnumerable<int> extra)
                {
                    var mix = outer.Concat(extra.Concat(ranked).Select(v => v).Where(v => v != 0)).Distinct().Reverse();
                    var third = ranked.ElementAt(2);
                    var whole = {|MAGG001:mix|}.ToArray();
                }
            }
            """ },
        { "query syntax", """
            class Query
            {
                void Run(IEnumerable<int> readings)
                {
                    var bumped = from r in readings
                                 where r > 0
                                 select r + 1;
                    var some = bumped.ElementAt(3);
                    var other = {|MAGG001:readings|}.ElementAt(5);
                }
            }
            """ },
        { "AsEnumerable is a link of the chain", """
            class Viewer
            {
                void Run(IEnumerable<int> source, int[] fixedOnes)
                {
                    var view = source.AsEnumerable();
                    var a = view.AsEnumerable().First();
                    var b = {|MAGG001:view|}.First();

                    var wrapped = fixedOnes.AsEnumerable();
                    var c = fixedOnes.AsEnumerable().First();
                    var d = fixedOnes.First();
                }
            }
            """ },
        { "a zip, then its first source", """
            class Zipper
            {
                void Run(IEnumerable<int> left, IEnumerable<int> right)
                {
                    var pairs = left.Zip(right, (a, b) => (a, b));
                    var top = pairs.First();
                    var head = {|MAGG001:left|}.First();
                }
            }
            """ },
        { "the *By operators and Chunk are links", """
            class SetOps
            {
                void Run(IEnumerable<int> xs, IEnumerable<int> ys)
                {
                    var a = xs.ExceptBy(ys, v => v).Count();
                    var b = {|MAGG001:xs|}.IntersectBy({|MAGG001:ys|}, v => v).Count();
                    var c = {|MAGG001:xs|}.UnionBy({|MAGG001:ys|}, v => v).Count();
                    var d = {|MAGG001:xs|}.DistinctBy(v => v % 3).Count();
                    var e = {|MAGG001:xs|}.Chunk(4).Count();
                }
            }
            """ },
        { "a chain grown in a loop from fresh sequences, run once", """
            class Gather
            {
                List<int> Run(int[] ids)
                {
                    IEnumerable<int> appended = Enumerable.Empty<int>();
                    IEnumerable<int> prepended = Enumerable.Empty<int>();
                    foreach (var id in ids)
                    {
                        appended = appended.Concat(Source.Fetch(id));
                        prepended = Source.Fetch(-id).Concat(prepended);
                    }
                    return appended.Concat(prepended).ToList();
                }
            }
            """ + Iterator },
        { "a chain grown in a loop from one parameter", """
            class Gather
            {
                List<int> Run(int[] ids, IEnumerable<int> extra)
                {
                    IEnumerable<int> all = Enumerable.Empty<int>();
                    foreach (var id in ids)
                        all = all.Concat({|MAGG001:extra|});
                    return all.ToList();
                }
            }
            """ },
        { "a stored chain that never runs is not an enumeration", """
            class Lazy
            {
                int Run(IEnumerable<int> xs)
                {
                    var positives = xs.Where(v => v > 0);
                    return xs.Count();
                }
            }
            """ },
        { "one pass through a chain", """
            class Lazy
            {
                int Run(IEnumerable<int> xs) => xs.Where(v => v > 0).Select(v => v * 2).Sum();
            }
            """ },
    };

    /// <summary>Assignments: a new value has no history, an alias shares it.</summary>
    public static TheoryData<string, string> Assignments => new()
    {
        { "assigned anew in a task awaited between two reads, and read twice after", """
            class Loader
            {
                async Task<int> Run(System.Func<IEnumerable<int>> load)
                {
                    var rows = load();
                    var n = rows.Count();
                    await Task.Run(() => rows = load());
                    return n + rows.Count() + {|MAGG001:rows|}.Sum();
                }
            }
            """ },
        { "reassigned after two enumerations", """
            class Refill
            {
                void Run(IEnumerable<int> batch)
                {
                    var a = batch.ToArray();
                    var b = {|MAGG001:batch|}.ToArray();
                    batch = Source.Fetch(1);
                    var c = batch.First();
                    batch = Source.Fetch(2);
                    foreach (var x in batch) Console.WriteLine(x);
                }
            }
            """ + Iterator },
        { "an alias after an enumeration", """
            class Alias
            {
                void Run(IEnumerable<int> given)
                {
                    given.ToArray();
                    var other = given;
                    {|MAGG001:other|}.First();
                }
            }
            """ },
        { "aliases of aliases across branches", """
            class Alias
            {
                void Run(bool flag, IEnumerable<int> given)
                {
                    var made = Source.Fetch(0);
                    var m1 = made;
                    var m2 = m1;
                    var g1 = given;
                    var g2 = g1;
                    if (flag)
                    {
                        foreach (var x in m2) { }
                        foreach (var x in g2) { }
                    }
                    else
                    {
                        var p = made.First();
                        var q = given.First();
                    }

                    foreach (var z in {|MAGG001:m1|}) { }
                    foreach (var z in {|MAGG001:g1|}) { }
                }
            }
            """ + Iterator },
        { "a loop over a local, then over its alias", """
            class Alias
            {
                void Run()
                {
                    var made = Source.Fetch(5);
                    foreach (var x in made) { }
                    var same = made;
                    foreach (var x in {|MAGG001:same|}) { }
                }
            }
            """ + Iterator },
        { "a chain narrowed in a loop, run once", """
            class Narrow
            {
                List<int> Run(IEnumerable<int> xs, Func<int, bool>[] filters)
                {
                    foreach (var f in filters)
                        xs = xs.Where(f);
                    return xs.ToList();
                }
            }
            """ },
        { "a chain narrowed on conditions, run once", """
            class Narrow
            {
                List<int> Run(IEnumerable<int> xs, bool positive, bool sorted)
                {
                    var query = xs;
                    if (positive)
                        query = query.Where(x => x > 0);
                    if (sorted)
                        query = query.OrderBy(x => x);
                    return query.ToList();
                }
            }
            """ },
        { "reassigned in both arms before the second use", """
            class Refill
            {
                int Run(IEnumerable<int> xs, bool flag)
                {
                    var first = xs.Sum();
                    if (flag)
                        xs = Source.Fetch(1);
                    else
                        xs = Array.Empty<int>();
                    return first + xs.Max();
                }
            }
            """ + Iterator },
    };

    /// <summary>Handing a sequence to a method nothing is known about is not an enumeration.</summary>
    public static TheoryData<string, string> PassedOn => new()
    {
        { "stored as an item of a collection, then read once", """
            class Index
            {
                private int _count;

                void Add(string key, IEnumerable<int> orders, Dictionary<string, IEnumerable<int>> map, List<IEnumerable<int>> all)
                {
                    map.Add(key, orders);
                    all.Add(orders);
                    var copy = new Dictionary<string, IEnumerable<int>> { { key, orders } };
                    _count += orders.Count();
                }
            }
            """ },
        { "copied into a collection, then read again", """
            class Copy
            {
                void Add(IEnumerable<int> orders, List<int> all)
                {
                    all.AddRange(orders);
                    var n = {|MAGG001:orders|}.Count();
                }
            }
            """ },
        { "passed as object", """
            class Relay
            {
                void Run(IEnumerable<int> given)
                {
                    var made = Source.Fetch(0);
                    Note(made);
                    var a = made.First();
                    Note(given);
                    var b = given.First();
                }

                void Note(object value) { }
            }
            """ + Iterator },
        { "passed to generic methods and extensions", """
            class Relay
            {
                void Run(IEnumerable<int> given)
                {
                    var made = Source.Fetch(0);
                    Hold(made);
                    var a = made.First();
                    made.Tag();
                    Hold(given);
                    var b = given.First();
                    given.Tag();
                }

                void Hold<T>(T value) { }
            }

            static class RelayExtensions
            {
                public static void Tag<T>(this T value) { }
            }
            """ + Iterator },
        { "passed to type parameters constrained to IEnumerable<T>", """
            class Relay
            {
                void Run(IEnumerable<int> given)
                {
                    var made = Source.Fetch(0);
                    Gated(made);
                    made.Pair(given);
                    made.Concat(given).ElementAt(1);
                }

                void Gated<T>(T value) where T : IEnumerable<int>
                {
                    var alias = value;
                }
            }

            static class RelayExtensions
            {
                public static void Pair<T, U>(this T first, U second) where U : IEnumerable<int> { }
            }
            """ + Iterator },
    };

    /// <summary>Type parameters, <c>IOrderedEnumerable&lt;T&gt;</c> and the non-generic <c>IEnumerable</c>.</summary>
    public static TheoryData<string, string> SequenceTypes => new()
    {
        { "a type parameter constrained to IEnumerable<int>", """
            class Generic
            {
                void Run<TBag>(TBag bag) where TBag : IEnumerable<int>
                {
                    var x = bag.Select(p => p).ElementAt(3);
                    var y = {|MAGG001:bag|}.Where(p => p != 1).ElementAt(3);
                }
            }
            """ },
        { "a chain of type parameter constraints", """
            class Generic
            {
                void Run<TOuter, TMiddle, TInner>(TOuter bag)
                    where TOuter : TMiddle
                    where TMiddle : TInner
                    where TInner : IEnumerable<int>
                {
                    var x = bag.Select(p => p).ElementAt(3);
                    var y = {|MAGG001:bag|}.Where(p => p != 1).ElementAt(3);
                }
            }
            """ },
        { "an IOrderedEnumerable parameter", """
            class Ordered
            {
                void Run(IOrderedEnumerable<int> sorted)
                {
                    sorted.Where(v => v != 10).ToArray();
                    {|MAGG001:sorted|}.ToList();
                }
            }
            """ },
        { "a non-generic IEnumerable through OfType and Cast", """
            class Legacy
            {
                void Run(IEnumerable bag)
                {
                    bag.OfType<int>().ToArray();
                    {|MAGG001:bag|}.Cast<int>().ToList();
                }
            }
            """ },
    };

    /// <summary>Exception handling and <c>is</c>/<c>as</c> checks.</summary>
    public static TheoryData<string, string> HandlersAndChecks => new()
    {
        { "a using block, then after it", """
            class Scoped
            {
                int Run(IEnumerable<int> xs)
                {
                    int total;
                    using (var reader = new System.IO.StringReader("x"))
                    {
                        total = xs.Sum();
                    }
                    return total + {|MAGG001:xs|}.Max();
                }
            }
            """ },
        { "a catch after a partial loop", """
            class Retry
            {
                int Run(IEnumerable<int> xs)
                {
                    var n = 0;
                    try
                    {
                        foreach (var x in xs) n = checked(n + x);
                    }
                    catch (OverflowException)
                    {
                        n = {|MAGG001:xs|}.FirstOrDefault();
                    }
                    return n;
                }
            }
            """ },
        { "try returns, catch does not enumerate", """
            class Retry
            {
                int Run(IEnumerable<int> xs)
                {
                    try
                    {
                        return xs.Sum();
                    }
                    catch (OverflowException)
                    {
                        return -1;
                    }
                }
            }
            """ },
        { "as, or a copy", """
            class Shapes
            {
                int Run(IEnumerable<int> xs)
                {
                    var list = xs as IList<int> ?? xs.ToList();
                    return list.Sum() + list.Max();
                }
            }
            """ },
        { "is, or one enumeration", """
            class Shapes
            {
                int Run(IEnumerable<int> xs)
                {
                    if (xs is IReadOnlyCollection<int> known)
                        return known.Count;
                    return xs.Count();
                }
            }
            """ },
        { "is with a counting fallback, then a second pass", """
            class Shapes
            {
                int Run(IEnumerable<int> xs)
                {
                    var count = xs is ICollection<int> c ? c.Count : xs.Count();
                    return count + {|MAGG001:xs|}.Sum();
                }
            }
            """ },
    };

    /// <summary>Lambdas and local functions (not covered by CA1851).</summary>
    public static TheoryData<string, string> Functions => new()
    {
        { "a Where lambda runs per element", """
            class Filter
            {
                int[] Run(IEnumerable<int> candidates, IEnumerable<int> banned) =>
                    candidates.Where(c => !{|MAGG001:banned|}.Contains(c)).ToArray();
            }
            """ },
        { "a Where method group runs per element (IDE0200's form of the lambda)", """
            class Filter
            {
                int[] Run(IEnumerable<int> candidates, IEnumerable<int> allowed) =>
                    candidates.Where({|MAGG001:allowed|}.Contains).ToArray();
            }
            """ },
        { "a method group over a sequence, given to a method that calls it later, and the sequence read again", """
            class Report
            {
                int Run(IEnumerable<int> xs, System.Func<System.Func<int>, int> later) => later(xs.Sum) + {|MAGG001:xs|}.Count();
            }
            """ },
        { "a method group over a list or a materialized sequence runs per element unreported", """
            class Filter
            {
                int[] Run(IEnumerable<int> candidates, IEnumerable<int> allowed, List<int> list)
                {
                    var known = allowed.ToHashSet();
                    return candidates.Where(known.Contains).Where(list.Contains).ToArray();
                }
            }
            """ },
        { "a local function enumerates the sequence it is given", """
            class Report
            {
                int Run(IEnumerable<int> xs)
                {
                    return Total(xs) + {|MAGG001:xs|}.Count();

                    static int Total(IEnumerable<int> s) => s.Sum();
                }
            }
            """ },
        { "a local function returning a chain on a sequence it captures, called twice, then the sequence read", """
            class Report
            {
                decimal Run(IEnumerable<Order> orders)
                {
                    return Open().Count() + {|MAGG001:Open()|}.Sum(o => o.Total) + {|MAGG001:orders|}.Count();

                    IEnumerable<Order> Open() => orders.Where(o => !o.Closed);
                }
            }

            record Order(decimal Total, bool Closed);
            """ },
        { "a local function returning a chain on its parameter, then the sequence read", """
            class Report
            {
                int Run(IEnumerable<int> xs)
                {
                    return Evens(xs).Sum() + {|MAGG001:xs|}.Count();

                    static IEnumerable<int> Evens(IEnumerable<int> s)
                    {
                        return s.Where(x => x % 2 == 0).Select(x => x / 2);
                    }
                }
            }
            """ },
        { "a method returning a chain on its parameter, then the sequence read", """
            class Report
            {
                int Run(IEnumerable<int> xs) => Evens(xs).Sum() + {|MAGG001:xs|}.Count();

                private static IEnumerable<int> Evens(IEnumerable<int> s) => s.Where(x => x % 2 == 0);
            }
            """ },
        { "views each read once: another sequence each call, a captured one assigned between two calls", """
            class Report
            {
                int Run(IEnumerable<int> xs, IEnumerable<int> ys, System.Func<IEnumerable<int>> load)
                {
                    var rows = load();
                    var a = Evens(xs).Sum() + Evens(ys).Sum();
                    var b = Current().Count();
                    rows = load();
                    return a + b + Current().Count();

                    IEnumerable<int> Current() => rows.Where(r => r > 0);
                }

                private static IEnumerable<int> Evens(IEnumerable<int> s) => s.Where(x => x % 2 == 0);
            }
            """ },
        { "no view: a method that buffers, or that another may override, is a call nothing is known of, as before", """
            class Report
            {
                // What an unknown method does with its argument is not counted (multiagg.assume_unknown_methods_enumerate
                // says otherwise): were these views, the sequence read after would be reported.
                int Run(IEnumerable<int> xs, IEnumerable<int> ys) => Listed(xs).Count() + xs.Count() + Overridable(ys).Count() + ys.Count();

                private static IEnumerable<int> Listed(IEnumerable<int> s) => s.ToList();

                protected virtual IEnumerable<int> Overridable(IEnumerable<int> s) => s.Where(x => x > 0);
            }
            """ },
        { "a local function given the same sequence twice, and two different ones", """
            class Report
            {
                int Run(IEnumerable<int> xs, IEnumerable<int> ys)
                {
                    return Total(xs) + Total(ys) + Total({|MAGG001:xs|});

                    static int Total(IEnumerable<int> s) => s.Sum();
                }
            }
            """ },
        { "a lambda in a local enumerates the sequence it is given", """
            class Report
            {
                int Run(IEnumerable<int> xs)
                {
                    System.Func<IEnumerable<int>, int> total = s => s.Sum();
                    return total(xs) + {|MAGG001:xs|}.Count();
                }
            }
            """ },
        { "a local function that only builds a chain over the sequence it is given, read once", """
            class Report
            {
                int Run(IEnumerable<int> xs, List<int> list)
                {
                    return Evens(xs).Sum() + Total(list);

                    static IEnumerable<int> Evens(IEnumerable<int> s) => s.Where(x => x % 2 == 0);
                    static int Total(IEnumerable<int> s) => s.Sum();
                }
            }
            """ },
        { "a List.ForEach callback runs per element", """
            class Tally
            {
                int Run(List<string> names, IEnumerable<string> roster)
                {
                    var hits = 0;
                    names.ForEach(n => hits += {|MAGG001:roster|}.Count(r => r == n));
                    return hits;
                }
            }
            """ },
        { "a local function called in a loop", """
            class Rounds
            {
                int Run(IEnumerable<int> xs, int rounds)
                {
                    var total = 0;
                    for (var i = 0; i < rounds; i++)
                        total += Once();
                    return total;

                    int Once() => {|MAGG001:xs|}.Sum();
                }
            }
            """ },
        { "a static local function enumerates its own parameter twice", """
            class Spread
            {
                int Run(IEnumerable<int> xs)
                {
                    return Width(xs);

                    static int Width(IEnumerable<int> s) => s.Max() - {|MAGG001:s|}.Min();
                }
            }
            """ },
        { "a lambda that runs once", """
            class Deferred
            {
                int Run(IEnumerable<int> xs)
                {
                    Func<int> total = () => xs.Sum();
                    return total();
                }
            }
            """ },
        { "a local function and a direct use on exclusive paths", """
            class Deferred
            {
                int Run(IEnumerable<int> xs, bool flag)
                {
                    if (flag)
                        return Total();
                    return xs.Max();

                    int Total() => xs.Sum();
                }
            }
            """ },
        { "a lambda over a set materialized first", """
            class Filter
            {
                int[] Run(IEnumerable<int> candidates, IEnumerable<int> banned)
                {
                    var set = banned.ToHashSet();
                    return candidates.Where(c => !set.Contains(c)).ToArray();
                }
            }
            """ },
    };

    /// <summary><c>?.</c>, collection-expression spreads, and BCL methods that read a whole sequence.</summary>
    public static TheoryData<string, string> OtherEnumerations => new()
    {
        { "?. then a plain call", """
            class Maybe
            {
                int Run(IEnumerable<int>? maybe) => maybe?.Count() > 0 ? {|MAGG001:maybe|}.First() : 0;
            }
            """ },
        { "?. once", """
            class Maybe
            {
                int Run(IEnumerable<int>? maybe) => maybe?.Sum() ?? 0;
            }
            """ },
        { "a spread, then a count", """
            class Spreads
            {
                int Run(IEnumerable<int> head, IEnumerable<int> tail)
                {
                    int[] merged = [.. head, .. tail];
                    return merged.Length + {|MAGG001:head|}.Count();
                }
            }
            """ },
        { "one spread into a list", """
            class Spreads
            {
                int Run(IEnumerable<int> source)
                {
                    List<int> copy = [.. source];
                    return copy.Sum() + copy.Max();
                }
            }
            """ },
        { "string.Join, then AddRange", """
            class Tags
            {
                List<string> Run(IEnumerable<string> tags)
                {
                    Console.WriteLine(string.Join(";", tags));
                    var all = new List<string>();
                    all.AddRange({|MAGG001:tags|});
                    return all;
                }
            }
            """ },
        { "string.Concat and StringBuilder.AppendJoin", """
            class Tags
            {
                string Run(IEnumerable<string> tags)
                {
                    var glued = string.Concat(tags);
                    return new StringBuilder(glued).AppendJoin(",", {|MAGG001:tags|}).ToString();
                }
            }
            """ },
        { "Task.WhenAll twice over the same deferred tasks", """
            class Jobs
            {
                async Task Run(IEnumerable<int> ids)
                {
                    var jobs = ids.Select(Work);
                    await Task.WhenAll(jobs);
                    await Task.WhenAll({|MAGG001:jobs|});
                }

                static Task Work(int id) => Task.Delay(id);
            }
            """ },
        { "Task.WhenAll over materialized tasks", """
            class Jobs
            {
                async Task Run(IEnumerable<int> ids)
                {
                    var jobs = ids.Select(id => Task.Delay(id)).ToArray();
                    await Task.WhenAll(jobs);
                    await Task.WhenAny(jobs);
                }
            }
            """ },
        { "Task.WaitAll over deferred tasks, then their results", """
            class Jobs
            {
                int[] Run(IEnumerable<int> ids, CancellationToken cancellationToken)
                {
                    var jobs = ids.Select(id => Task.Run(() => id * 2));
                    Task.WaitAll(jobs, cancellationToken);
                    return {|MAGG001:jobs|}.Select(job => job.Result).ToArray();
                }
            }
            """ },
        { "File.WriteAllLines and AppendAllLinesAsync read their lines", """
            class Export
            {
                async Task Run(IEnumerable<string> lines, string path)
                {
                    System.IO.File.WriteAllLines(path, lines);
                    await System.IO.File.AppendAllLinesAsync(path + ".bak", {|MAGG001:lines|});
                    System.IO.File.AppendAllLines(path + ".log", {|MAGG001:lines|}, Encoding.UTF8);
                }
            }
            """ },
        { "Cast to a type the items already have returns its source: a list stays a list", """
            class Names
            {
                int Run(List<string> names, IEnumerable<string> ids)
                {
                    var objects = names.Cast<object>();
                    IEnumerable<string> held = names;
                    var alsoObjects = held.Cast<object>();
                    var n = objects.Count() + objects.Count(o => o is string) + alsoObjects.Count() + alsoObjects.Count();
                    var lazy = ids.Cast<object>();
                    return n + lazy.Count() + {|MAGG001:lazy|}.Count();
                }
            }
            """ },
        { "Cast that converts each item makes a new sequence over its source", """
            class Numbers
            {
                int Run(int[] values)
                {
                    var boxed = values.Cast<object>();
                    return boxed.Count() + {|MAGG001:boxed|}.Count();
                }
            }
            """ },
    };

    /// <summary>LINQ operators newer than CA1851's lists, understood by shape.</summary>
    public static TheoryData<string, string> NewerOperators => new()
    {
        { "Order is a link", """
            class Ranking
            {
                void Run(IEnumerable<int> scores)
                {
                    var ranked = scores.Order();
                    var top = ranked.First();
                    var bottom = {|MAGG001:ranked|}.Last();
                }
            }
            """ },
        { "CountBy is a link", """
            class Letters
            {
                int Run(IEnumerable<string> words)
                {
                    foreach (var pair in words.CountBy(w => w[0])) Console.WriteLine(pair);
                    return {|MAGG001:words|}.Count();
                }
            }
            """ },
        { "AggregateBy is a link", """
            class Regions
            {
                void Run(IEnumerable<(string Region, decimal Amount)> sales)
                {
                    var totals = sales.AggregateBy(s => s.Region, 0m, (sum, s) => sum + s.Amount);
                    var regions = totals.Count();
                    var biggest = {|MAGG001:totals|}.MaxBy(t => t.Value);
                }
            }
            """ },
        { "Index is a link", """
            class Numbered
            {
                string Run(IEnumerable<string> words)
                {
                    foreach (var (i, w) in words.Index()) Console.WriteLine($"{i}: {w}");
                    return {|MAGG001:words|}.Last();
                }
            }
            """ },
        { "LeftJoin is a link over both sources", """
            class Joins
            {
                int Run(IEnumerable<int> left, IEnumerable<int> right)
                {
                    var joined = left.LeftJoin(right, a => a, b => b, (a, b) => a + b).Count();
                    return joined + {|MAGG001:right|}.Count();
                }
            }
            """ },
    };

    /// <summary><c>IAsyncEnumerable&lt;T&gt;</c> (not covered by CA1851).</summary>
    public static TheoryData<string, string> AsyncSequences => new()
    {
        { "two await foreach loops", """
            class Feed
            {
                async Task<int> Run(IAsyncEnumerable<int> ticks)
                {
                    var total = 0;
                    await foreach (var t in ticks) total += t;
                    await foreach (var t in {|MAGG001:ticks|}) total -= t;
                    return total;
                }
            }
            """ },
        { "two configured await foreach loops", """
            class Feed
            {
                async Task<int> Run(IAsyncEnumerable<int> ticks, CancellationToken token)
                {
                    var total = 0;
                    await foreach (var t in ticks.WithCancellation(token).ConfigureAwait(false)) total += t;
                    await foreach (var t in {|MAGG001:ticks|}.WithCancellation(token).ConfigureAwait(false)) total -= t;
                    return total;
                }
            }
            """ },
        { "an await foreach, then an async operator", """
            class Feed
            {
                async Task<int> Run(IAsyncEnumerable<int> ticks)
                {
                    var total = 0;
                    await foreach (var t in ticks.ConfigureAwait(false)) total += t;
                    return total + await {|MAGG001:ticks|}.FirstAsync();
                }
            }
            """ },
        { "one configured await foreach", """
            class Feed
            {
                async Task<int> Run(IAsyncEnumerable<int> ticks, CancellationToken token)
                {
                    var total = 0;
                    await foreach (var t in ticks.WithCancellation(token).ConfigureAwait(false)) total += t;
                    return total;
                }
            }
            """ },
        { "a configured async sequence kept in a local and looped over twice", """
            class Feed
            {
                async Task<int> Run(IAsyncEnumerable<int> ticks, CancellationToken token)
                {
                    var configured = ticks.WithCancellation(token).ConfigureAwait(false);
                    var total = 0;
                    await foreach (var t in configured) total += t;
                    await foreach (var t in {|MAGG001:configured|}) total -= t;
                    return total;
                }
            }
            """ },
        { "a configured async sequence kept in a local, looped over once, then its source read", """
            class Feed
            {
                async Task<int> Run(IAsyncEnumerable<int> ticks, CancellationToken token)
                {
                    var configured = ticks.WithCancellation(token);
                    var total = 0;
                    await foreach (var t in configured) total += t;
                    return total + await {|MAGG001:ticks|}.CountAsync();
                }
            }
            """ },
        { "a configured async sequence kept in a local and looped over once", """
            class Feed
            {
                async Task<int> Run(IAsyncEnumerable<int> ticks, CancellationToken token)
                {
                    var configured = ticks.WithCancellation(token).ConfigureAwait(false);
                    var total = 0;
                    await foreach (var t in configured) total += t;
                    return total;
                }
            }
            """ },
        { "an ordered async chain (.NET 10's IOrderedAsyncEnumerable) read on one path, its source on the other", """
            class Feed
            {
                async Task<int> Run(IAsyncEnumerable<int> ticks, bool latest)
                {
                    var ordered = ticks.OrderBy(t => t).ThenByDescending(t => t % 10);
                    return latest ? await ordered.LastAsync() : await ticks.FirstAsync();
                }
            }
            """ },
        { "an ordered async chain read twice", """
            class Feed
            {
                async Task<int> Run(IAsyncEnumerable<int> ticks)
                {
                    var ordered = ticks.OrderBy(t => t).ThenBy(t => t % 10);
                    return await ordered.FirstAsync() + await {|MAGG001:ordered|}.LastAsync();
                }
            }
            """ },
        { "an ordered async chain read, then its source", """
            class Feed
            {
                async Task<int> Run(IAsyncEnumerable<int> ticks)
                {
                    var lowest = await ticks.OrderBy(t => t).FirstAsync();
                    return lowest + await {|MAGG001:ticks|}.CountAsync();
                }
            }
            """ },
    };

    /// <summary><c>IQueryable&lt;T&gt;</c> executed more than once: MAGG002.</summary>
    public static TheoryData<string, string> Queries => new()
    {
        { "a filtered query counted, then fetched", """
            record Order(bool Open, decimal Total);

            class Store
            {
                Order? Run(IQueryable<Order> orders)
                {
                    var open = orders.Where(o => o.Open);
                    var count = open.Count();
                    return count == 0 ? null : {|MAGG002:open|}.FirstOrDefault();
                }
            }
            """ },
        { "a query iterated, then summed", """
            record Order(bool Open, decimal Total);

            class Store
            {
                decimal Run(IQueryable<Order> orders)
                {
                    foreach (var o in orders) Console.WriteLine(o);
                    return {|MAGG002:orders|}.Sum(o => o.Total);
                }
            }
            """ },
        { "an ordered query, first and last", """
            record Order(bool Open, decimal Total);

            class Store
            {
                decimal Run(IQueryable<Order> orders)
                {
                    var sorted = orders.OrderBy(o => o.Total);
                    return sorted.First().Total - {|MAGG002:sorted|}.Last().Total;
                }
            }
            """ },
        { "a query fetched once", """
            record Order(bool Open, decimal Total);

            class Store
            {
                decimal Run(IQueryable<Order> orders)
                {
                    var rows = orders.Where(o => o.Open).ToList();
                    return rows.Count + rows.Sum(o => o.Total);
                }
            }
            """ },
        { "a subquery is part of one query", """
            record Order(bool Open, decimal Total);

            class Store
            {
                int Run(IQueryable<Order> orders, IQueryable<decimal> limits) =>
                    orders.Where(o => limits.Any(l => l < o.Total) && orders.Count() > 1).Count();
            }
            """ },
        { "a self-join and a union are one query each", """
            record Order(bool Open, decimal Total);

            class Store
            {
                int Pairs(IQueryable<Order> orders) =>
                    orders.Join(orders, a => a.Total, b => b.Total, (a, b) => a).Count();

                int Both(IQueryable<Order> orders)
                {
                    var both = orders.Where(o => o.Open).Union(orders.Where(o => o.Total > 10));
                    return both.Count();
                }
            }
            """ },
        { "a query executed in one arm or the other", """
            record Order(bool Open, decimal Total);

            class Store
            {
                decimal Run(IQueryable<Order> orders, bool cheapest)
                {
                    if (cheapest)
                        return orders.Min(o => o.Total);
                    return orders.Max(o => o.Total);
                }
            }
            """ },
    };

    /// <summary>
    /// A variable that holds a different value on each path, or a new one each iteration: each value
    /// enumerated once is no repeat; one value enumerated twice on a path, or before and after a join, is.
    /// </summary>
    public static TheoryData<string, string> ValuesPerPath => new()
    {
        { "a pattern variable bound anew each iteration", """
            class Walker
            {
                int Total(IEnumerable<object> items)
                {
                    var total = 0;
                    foreach (var item in items)
                        if (item is IEnumerable<int> inner) total += inner.Sum();
                    return total;
                }
            }
            """ },
        { "a pattern variable enumerated twice in one iteration", """
            class Walker
            {
                int Total(IEnumerable<object> items)
                {
                    var total = 0;
                    foreach (var item in items)
                        if (item is IEnumerable<int> inner) total += inner.Sum() + {|MAGG001:inner|}.Max();
                    return total;
                }
            }
            """ },
        { "a pattern variable over an unchanged object, in a loop", """
            class Walker
            {
                int Total(object source, int[] keys)
                {
                    var total = 0;
                    foreach (var k in keys)
                        if (source is IEnumerable<int> numbers) total += {|MAGG001:numbers|}.Count(x => x == k);
                    return total;
                }
            }
            """ },
        { "a pattern variable over an object variable written between two matches", """
            class Walker
            {
                int Total(object first, object second)
                {
                    var current = first;
                    var total = current is IEnumerable<int> a ? a.Sum() : 0;
                    current = second;
                    return total + (current is IEnumerable<int> b ? b.Sum() : 0);
                }
            }
            """ },
        { "a match kept from an earlier iteration, read after later matches are", """
            class Walker
            {
                int Total(IEnumerable<object> items)
                {
                    IEnumerable<int>? first = null;
                    var sum = 0;
                    foreach (var item in items)
                        if (item is IEnumerable<int> list)
                        {
                            if (first is null) first = list;
                            else sum += list.Sum();
                        }
                    return sum + (first?.Count() ?? 0);
                }
            }
            """ },
        { "a match kept in a local, read after the object variable matched another value", """
            class Walker
            {
                int Total(object one, object two)
                {
                    var current = one;
                    IEnumerable<int> kept = current is IEnumerable<int> a ? a : [];
                    current = two;
                    var total = current is IEnumerable<int> b ? b.Sum() : 0;
                    return total + kept.Count();
                }
            }
            """ },
        { "a match kept in a local, read again after the object variable matched another value", """
            class Walker
            {
                int Total(object one, object two)
                {
                    var current = one;
                    IEnumerable<int> kept = current is IEnumerable<int> a ? a : [];
                    var n = kept.Sum();
                    current = two;
                    var total = current is IEnumerable<int> b ? b.Sum() : 0;
                    return n + total + {|MAGG001:kept|}.Count();
                }
            }
            """ },
        { "two patterns over one object variable", """
            class Walker
            {
                int Total(object current)
                {
                    var total = current is IEnumerable<int> a ? a.Sum() : 0;
                    return total + (current is IEnumerable<int> b ? {|MAGG001:b|}.Sum() : 0);
                }
            }
            """ },
        { "an is { } variable over a property, each iteration", """
            class Node { public IEnumerable<int>? Children { get; set; } }

            class Walker
            {
                int Total(Node[] nodes)
                {
                    var total = 0;
                    foreach (var node in nodes)
                        if (node.Children is { } children) total += children.Count();
                    return total;
                }
            }
            """ },
        { "a pattern variable over an outer parameter, in a loop", """
            class Walker
            {
                int Total(IEnumerable<int> xs, int[] keys)
                {
                    var total = 0;
                    foreach (var k in keys)
                        if (xs is IOrderedEnumerable<int> ordered) total += {|MAGG001:ordered|}.First();
                    return total;
                }
            }
            """ },
        { "a pattern variable is the value it matched", """
            class Walker
            {
                int Total(IEnumerable<int> xs)
                {
                    if (xs is IOrderedEnumerable<int> ordered)
                        return ordered.First() + {|MAGG001:xs|}.Last();
                    return 0;
                }
            }
            """ },
        { "?: picks one of two values, enumerated once", """
            class Graph<T>
            {
                private readonly List<T> _all = new();

                void AddAll(IEnumerable<T> source)
                {
                    var nodes = source is ICollection<T> c ? c : new List<T>(source);
                    foreach (var n in nodes) _all.Add(n);
                }
            }
            """ },
        { "?: between two fresh sequences each iteration, variable declared outside the loop", """
            class Batches
            {
                int Total(int[] keys)
                {
                    var total = 0;
                    IEnumerable<int> batch;
                    foreach (var k in keys)
                    {
                        batch = k > 0 ? Source.Fetch(k) : Source.Fetch(-k);
                        total += batch.Sum();
                    }
                    return total;
                }
            }
            """ + Iterator },
        { "?: assigned to a variable that held a value enumerated before", """
            class Graph
            {
                int Count(IEnumerable<int> xs, bool flag)
                {
                    IEnumerable<int> ys = xs;
                    var n = ys.Sum();
                    ys = flag ? Source.Fetch(1) : Source.Fetch(2);
                    return n + ys.Max();
                }
            }
            """ + Iterator },
        { "?: assigned to a variable, one arm the value enumerated before", """
            class Graph
            {
                int Count(IEnumerable<int> xs, bool flag)
                {
                    IEnumerable<int> ys = Source.Fetch(0);
                    var n = xs.Sum();
                    ys = flag ? Source.Fetch(1) : xs;
                    return n + {|MAGG001:ys|}.Max();
                }
            }
            """ + Iterator },
        { "??= reads the value it may keep", """
            class Lazy
            {
                int Run(IEnumerable<int>? ys, bool flag)
                {
                    var n = ys?.Sum() ?? 0;
                    return n + ({|MAGG001:ys|} ??= flag ? Source.Fetch(1) : Source.Fetch(2)).Max();
                }
            }
            """ + Iterator },
        { "?: that may pick a parameter enumerated again after the join", """
            class Graph
            {
                int Count(IEnumerable<int> source, bool positive)
                {
                    var nodes = positive ? source.Where(x => x > 0) : source;
                    foreach (var n in nodes) Console.WriteLine(n);
                    return {|MAGG001:source|}.Count();
                }
            }
            """ },
        { "a new window each iteration", """
            class Sliding
            {
                void Run(int n)
                {
                    IEnumerable<int> window = Source.Fetch(0);
                    for (int i = 0; i < n; i++) { Use(window.Sum()); window = Source.Fetch(i); }
                }

                void Use(int value) { }
            }
            """ + Iterator },
        { "a window enumerated twice before it moves", """
            class Sliding
            {
                void Run(int n)
                {
                    IEnumerable<int> window = Source.Fetch(0);
                    for (int i = 0; i < n; i++) { Use(window.Sum()); Use({|MAGG001:window|}.Max()); window = Source.Fetch(i); }
                }

                void Use(int value) { }
            }
            """ + Iterator },
        { "a window that moves only on some iterations", """
            class Sliding
            {
                void Run(IEnumerable<int> window, int n)
                {
                    for (int i = 0; i < n; i++) { Use({|MAGG001:window|}.Sum()); if (i % 2 == 0) window = Source.Fetch(i); }
                }

                void Use(int value) { }
            }
            """ + Iterator },
        { "reassigned on one path, the old value enumerated once", """
            class Refill
            {
                int Run(IEnumerable<int> xs, bool flag)
                {
                    var ys = xs;
                    var total = 0;
                    if (flag)
                    {
                        total += ys.Sum();
                        ys = Source.Fetch(1);
                    }
                    return total + ys.Max();
                }
            }
            """ + Iterator },
        { "reassigned on one path, the old value enumerated again on the other", """
            class Refill
            {
                int Run(IEnumerable<int> xs, bool flag)
                {
                    var n = xs.Sum();
                    if (flag)
                        xs = Source.Fetch(1);
                    return n + {|MAGG001:xs|}.Max();
                }
            }
            """ + Iterator },
        { "reassigned on one path, the parameter read again after the join", """
            class Refill
            {
                int Run(IEnumerable<int> xs, bool flag)
                {
                    var ys = xs;
                    var total = 0;
                    if (flag)
                    {
                        total += ys.Sum();
                        ys = Source.Fetch(1);
                    }
                    return total + ys.Max() + {|MAGG001:xs|}.Count();
                }
            }
            """ + Iterator },
        { "if/else assigns a value per path, enumerated once", """
            class Pick
            {
                int Run(bool flag)
                {
                    IEnumerable<int> ys;
                    if (flag) ys = Source.Fetch(1); else ys = Source.Fetch(2);
                    return ys.Sum();
                }
            }
            """ + Iterator },
        { "if/else may alias a parameter enumerated before the join", """
            class Pick
            {
                int Run(IEnumerable<int> xs, bool flag)
                {
                    IEnumerable<int> ys;
                    if (flag) ys = xs; else ys = Source.Fetch(2);
                    var n = xs.Sum();
                    return n + {|MAGG001:ys|}.Max();
                }
            }
            """ + Iterator },
        { "assigned on both branches at the top of a loop body", """
            class Pick
            {
                int Run(int[] keys)
                {
                    var total = 0;
                    IEnumerable<int> ys;
                    foreach (var k in keys)
                    {
                        if (k > 0) ys = Source.Fetch(k); else ys = Source.Fetch(-k);
                        total += ys.Sum();
                    }
                    return total;
                }
            }
            """ + Iterator },
        { "a loop-body local assigned on both branches", """
            class Pick
            {
                int Run(int[] keys)
                {
                    var total = 0;
                    foreach (var k in keys)
                    {
                        IEnumerable<int> ys;
                        if (k > 0) ys = Source.Fetch(k);
                        else ys = Source.Fetch(-k).Where(x => x > 0);
                        total += ys.Sum();
                    }
                    return total;
                }
            }
            """ + Iterator },
        { "assigned on both branches in a loop, one branch an outer parameter", """
            class Pick
            {
                int Run(int[] keys, IEnumerable<int> fallback)
                {
                    var total = 0;
                    IEnumerable<int> ys;
                    foreach (var k in keys)
                    {
                        if (k > 0) ys = Source.Fetch(k); else ys = fallback;
                        total += {|MAGG001:ys|}.Sum();
                    }
                    return total;
                }
            }
            """ + Iterator },
        { "a loop-body local over a filtered outer parameter", """
            class Pick
            {
                int Run(int[] keys, IEnumerable<int> xs)
                {
                    var total = 0;
                    foreach (var k in keys)
                    {
                        IEnumerable<int> ys;
                        if (k > 0) ys = Source.Fetch(k); else ys = xs.Where(x => x > k);
                        total += {|MAGG001:ys|}.Sum();
                    }
                    return total;
                }
            }
            """ + Iterator },
        { "an out variable filled each iteration", """
            class Lookup
            {
                int Run(int[] keys, Dictionary<int, IEnumerable<int>> map)
                {
                    var total = 0;
                    foreach (var k in keys)
                        if (map.TryGetValue(k, out var values)) total += values.Sum();
                    return total;
                }
            }
            """ },
        { "an out variable enumerated twice", """
            class Lookup
            {
                int Run(int[] keys, Dictionary<int, IEnumerable<int>> map)
                {
                    var total = 0;
                    foreach (var k in keys)
                        if (map.TryGetValue(k, out var values)) total += values.Sum() + {|MAGG001:values|}.Max();
                    return total;
                }
            }
            """ },
        { "a deconstructed variable each iteration", """
            class Groups
            {
                int Run((int Key, IEnumerable<int> Values)[] groups)
                {
                    var total = 0;
                    foreach (var (key, values) in groups) total += key * values.Sum();
                    return total;
                }
            }
            """ },
        { "a deconstructed variable enumerated twice", """
            class Groups
            {
                int Run((int Key, IEnumerable<int> Values)[] groups)
                {
                    var total = 0;
                    foreach (var (key, values) in groups) total += values.Sum() + {|MAGG001:values|}.Count();
                    return total;
                }
            }
            """ },
        { "a switch case variable each iteration, its guard and body read one value", """
            class Walker
            {
                int Total(object[] items)
                {
                    var total = 0;
                    foreach (var item in items)
                    {
                        switch (item)
                        {
                            case IEnumerable<int> numbers:
                                total += numbers.Sum();
                                break;
                            case IEnumerable<long> longs when longs.Any():
                                total += (int){|MAGG001:longs|}.Sum();
                                break;
                        }
                    }
                    return total;
                }
            }
            """ },
        { "a switch case guard and body read the same value", """
            class Walker
            {
                int Total(object item) => item switch
                {
                    IEnumerable<int> numbers when numbers.Any() => {|MAGG001:numbers|}.Sum(),
                    _ => 0,
                };
            }
            """ },
        { "an out variable filled by each loop condition", """
            class Drain
            {
                int Run(Queue<IEnumerable<int>> queue)
                {
                    var total = 0;
                    while (queue.TryDequeue(out var batch))
                        total += batch.Sum();
                    return total;
                }
            }
            """ },
        { "assigned on both branches in a foreach over a list (a try/finally in the graph)", """
            class Pick
            {
                int Run(List<int> keys)
                {
                    var total = 0;
                    IEnumerable<int> ys;
                    foreach (var k in keys)
                    {
                        if (k > 0) ys = Source.Fetch(k); else ys = Source.Fetch(-k);
                        using (var reader = new System.IO.StringReader(""))
                            total += ys.Sum();
                    }
                    return total;
                }
            }
            """ + Iterator },
        { "an exception may leave the old value in place", """
            class Refill
            {
                int Run(IEnumerable<int> xs)
                {
                    var ys = xs;
                    var total = 0;
                    try
                    {
                        total += ys.Sum();
                        ys = Source.Fetch(1);
                    }
                    catch (InvalidOperationException)
                    {
                    }
                    return total + {|MAGG001:ys|}.Max();
                }

                // A parameter, given no value of its own before the try, too.
                int Parameter(IEnumerable<int> xs)
                {
                    var total = 0;
                    try
                    {
                        total += xs.Sum();
                        xs = Source.Fetch(1);
                    }
                    catch (InvalidOperationException)
                    {
                    }
                    return total + {|MAGG001:xs|}.Max();
                }
            }
            """ + Iterator },
        { "a tuple swap moves values, it makes none", """
            class Swap
            {
                int Run(IEnumerable<int> a, IEnumerable<int> b, int n)
                {
                    var total = 0;
                    for (var i = 0; i < n; i++)
                    {
                        total += {|MAGG001:a|}.Sum();
                        (a, b) = (b, a);
                    }
                    return total;
                }
            }
            """ },
        { "a tuple of fresh sequences each iteration", """
            class Swap
            {
                int Run(int n)
                {
                    var total = 0;
                    IEnumerable<int> a, b;
                    for (var i = 0; i < n; i++)
                    {
                        (a, b) = (Source.Fetch(i), Source.Fetch(-i));
                        total += a.Sum() + b.Sum();
                    }
                    return total;
                }
            }
            """ + Iterator },
        { "the last out value, kept after the loop, enumerated again", """
            class Drain
            {
                int Run(Queue<IEnumerable<int>> queue)
                {
                    var total = 0;
                    IEnumerable<int>? last = null;
                    while (queue.TryDequeue(out var batch))
                    {
                        total += batch.Sum();
                        last = batch;
                    }
                    return total + ({|MAGG001:last|}?.Count() ?? 0);
                }
            }
            """ },
        { "a chain narrowed from itself each iteration", """
            class Narrow
            {
                int Run(IEnumerable<int> xs, int[] keys)
                {
                    var total = 0;
                    var current = xs;
                    foreach (var k in keys)
                    {
                        total += {|MAGG001:current|}.Sum();
                        current = current.Where(x => x > k);
                    }
                    return total;
                }
            }
            """ },
        { "a local function reads the variable, reassigned every iteration first", """
            class Captured
            {
                int Run(IEnumerable<int> xs, int[] keys)
                {
                    var total = 0;
                    foreach (var k in keys)
                    {
                        xs = Source.Fetch(k);
                        total += Sum();
                    }
                    return total;

                    int Sum() => xs.Sum();
                }
            }
            """ + Iterator },
        { "a local function reads the variable, reassigned on some iterations", """
            class Captured
            {
                int Run(IEnumerable<int> xs, int[] keys)
                {
                    var total = 0;
                    foreach (var k in keys)
                    {
                        total += Sum();
                        if (k > 0) xs = Source.Fetch(k);
                    }
                    return total;

                    int Sum() => {|MAGG001:xs|}.Sum();
                }
            }
            """ + Iterator },
    };

    /// <summary>
    /// A call the compiler removes (a <c>[Conditional]</c> method whose symbol is not defined, a partial
    /// method with no implementation) enumerates nothing; the same call kept enumerates as usual.
    /// </summary>
    public static TheoryData<string, string> RemovedCalls => new()
    {
        { "Debug.WriteLine without DEBUG", """
            class Report
            {
                int Run(IEnumerable<int> xs)
                {
                    System.Diagnostics.Debug.WriteLine(xs.Count());
                    return xs.Sum();
                }
            }
            """ },
        { "Debug.Assert with && and a lambda, without DEBUG", """
            class Report
            {
                int Run(IEnumerable<int> xs, int[] keys)
                {
                    System.Diagnostics.Debug.Assert(xs.Any() && keys.All(k => xs.Contains(k)), xs.First().ToString());
                    return xs.Sum();
                }
            }
            """ },
        { "a Conditional method of our own, symbol not defined", """
            static class Trace
            {
                [System.Diagnostics.Conditional("TRACE_SEQUENCES")]
                public static void Dump(IEnumerable<int> values) => Console.WriteLine(string.Join(",", values));
            }

            class Report
            {
                int Run(IEnumerable<int> xs)
                {
                    Trace.Dump(xs.Where(x => x > 0).ToList());
                    return xs.Sum();
                }
            }
            """ },
        { "a kept call still enumerates", """
            static class Trace
            {
                public static void Dump(IEnumerable<int> values) => Console.WriteLine(string.Join(",", values));
            }

            class Report
            {
                int Run(IEnumerable<int> xs)
                {
                    Trace.Dump(xs.Where(x => x > 0).ToList());
                    return {|MAGG001:xs|}.Sum();
                }
            }
            """ },
        { "a partial method with no implementation", """
            partial class Report
            {
                partial void OnLoaded(int count);

                int Run(IEnumerable<int> xs)
                {
                    OnLoaded(xs.Count());
                    return xs.Sum();
                }
            }
            """ },
        { "a partial method with an implementation", """
            partial class Report
            {
                partial void OnLoaded(int count);
                partial void OnLoaded(int count) => Console.WriteLine(count);

                int Run(IEnumerable<int> xs)
                {
                    OnLoaded(xs.Count());
                    return {|MAGG001:xs|}.Sum();
                }
            }
            """ },
    };

    /// <summary>
    /// Where the project suppressed CA1851, MAGG001 is quiet too; a suppression of anything else, or of
    /// CA1851 elsewhere, hides nothing. MAGG001's own suppressions keep working.
    /// </summary>
    public static TheoryData<string, string> Ca1851Suppressions => new()
    {
        { "#pragma warning disable CA1851", """
            class Orders
            {
                int Total(IEnumerable<int> prices)
                {
            #pragma warning disable CA1851 // Possible multiple enumerations of 'IEnumerable' collection
                    return prices.Sum() + prices.Max();
            #pragma warning restore CA1851
                }
            }
            """ },
        { "#pragma warning restore CA1851 ends it", """
            class Orders
            {
                int Total(IEnumerable<int> prices)
                {
            #pragma warning disable CA1851
                    var n = prices.Sum() + prices.Max();
            #pragma warning restore CA1851
                    return n + {|MAGG001:prices|}.Count();
                }
            }
            """ },
        { "#pragma warning disable of another rule", """
            class Orders
            {
                int Total(IEnumerable<int> prices)
                {
            #pragma warning disable CA1822, CA1850
                    return prices.Sum() + {|MAGG001:prices|}.Max();
            #pragma warning restore CA1822, CA1850
                }
            }
            """ },
        { "#pragma warning disable MAGG001", """
            class Orders
            {
                int Total(IEnumerable<int> prices)
                {
            #pragma warning disable MAGG001
                    return prices.Sum() + prices.Max();
            #pragma warning restore MAGG001
                }
            }
            """ },
        { "SuppressMessage on the method", """
            using System.Diagnostics.CodeAnalysis;

            class Orders
            {
                [SuppressMessage("Performance", "CA1851:Possible multiple enumerations of 'IEnumerable' collection", Justification = "Small lists")]
                int Total(IEnumerable<int> prices) => prices.Sum() + prices.Max();

                int Other(IEnumerable<int> prices) => prices.Sum() + {|MAGG001:prices|}.Max();
            }
            """ },
        { "SuppressMessage with the bare ID, on the method, reaches its lambdas and local functions", """
            using System.Diagnostics.CodeAnalysis;

            class Orders
            {
                [SuppressMessage("Performance", "CA1851")]
                int Total(IEnumerable<int> prices, int[] keys)
                {
                    var hits = keys.Count(k => prices.Contains(k));
                    return hits + Local();

                    int Local() => prices.Sum() + prices.Max();
                }
            }
            """ },
        { "SuppressMessage on the type, and on an enclosing type", """
            using System.Diagnostics.CodeAnalysis;

            [SuppressMessage("Performance", "CA1851")]
            class Orders
            {
                int Total(IEnumerable<int> prices) => prices.Sum() + prices.Max();

                class Lines
                {
                    int Count(IEnumerable<int> lines) => lines.Count() + lines.Sum();
                }
            }
            """ },
        { "SuppressMessage on a property covers its accessors and its initializer", """
            using System.Diagnostics.CodeAnalysis;

            class Orders
            {
                private IEnumerable<int> _prices = Array.Empty<int>();

                [SuppressMessage("Performance", "CA1851")]
                int Spread
                {
                    get
                    {
                        var prices = _prices;
                        return prices.Max() - prices.Min();
                    }
                }

                [SuppressMessage("Performance", "CA1851")]
                public Func<IEnumerable<int>, int> Range { get; } = xs => xs.Max() - xs.Min();

                public Func<IEnumerable<int>, int> Unsuppressed { get; } = xs => xs.Max() - {|MAGG001:xs|}.Min();
            }
            """ },
        { "UnconditionalSuppressMessage on the method", """
            using System.Diagnostics.CodeAnalysis;

            class Orders
            {
                [UnconditionalSuppressMessage("Performance", "CA1851")]
                int Total(IEnumerable<int> prices) => prices.Sum() + prices.Max();
            }
            """ },
        { "SuppressMessage for another rule", """
            using System.Diagnostics.CodeAnalysis;

            class Orders
            {
                [SuppressMessage("Performance", "CA1850")]
                [SuppressMessage("Performance", "CA18510")]
                int Total(IEnumerable<int> prices) => prices.Sum() + {|MAGG001:prices|}.Max();
            }
            """ },
        { "assembly SuppressMessage with a member target", """
            using System.Diagnostics.CodeAnalysis;

            [assembly: SuppressMessage("Performance", "CA1851", Scope = "member", Target = "~M:Shop.Orders.Total(System.Collections.Generic.IEnumerable{System.Int32})~System.Int32")]

            namespace Shop
            {
                class Orders
                {
                    int Total(IEnumerable<int> prices) => prices.Sum() + prices.Max();

                    int Total(IEnumerable<long> prices) => (int)prices.Sum() + (int){|MAGG001:prices|}.Max();
                }
            }
            """ },
        { "assembly SuppressMessage with a member target written without its return type", """
            using System.Diagnostics.CodeAnalysis;

            [assembly: SuppressMessage("Performance", "CA1851", Scope = "member", Target = "~M:Shop.Orders.Total(System.Collections.Generic.IEnumerable{System.Int32})")]

            namespace Shop
            {
                class Orders
                {
                    int Total(IEnumerable<int> prices) => prices.Sum() + prices.Max();

                    int Total(IEnumerable<long> prices) => (int)prices.Sum() + (int){|MAGG001:prices|}.Max();
                }
            }
            """ },
        { "assembly SuppressMessage of one conversion operator, named with its return type", """
            using System.Diagnostics.CodeAnalysis;

            [assembly: SuppressMessage("Performance", "CA1851", Scope = "member", Target = "~M:Shop.Series.op_Explicit(Shop.Series)~System.Double")]

            namespace Shop
            {
                class Series
                {
                    public IEnumerable<int> Values() => Enumerable.Range(0, 3);

                    public static explicit operator double(Series s)
                    {
                        var values = s.Values();
                        return values.Sum() + values.Max();
                    }

                    public static explicit operator decimal(Series s)
                    {
                        var values = s.Values();
                        return values.Sum() + {|MAGG001:values|}.Max();
                    }
                }
            }
            """ },
        { "assembly SuppressMessage of a conversion operator named without its return type: every such operator", """
            using System.Diagnostics.CodeAnalysis;

            [assembly: SuppressMessage("Performance", "CA1851", Scope = "member", Target = "~M:Shop.Series.op_Explicit(Shop.Series)")]

            namespace Shop
            {
                class Series
                {
                    public IEnumerable<int> Values() => Enumerable.Range(0, 3);

                    public static explicit operator double(Series s)
                    {
                        var values = s.Values();
                        return values.Sum() + values.Max();
                    }

                    public static explicit operator decimal(Series s)
                    {
                        var values = s.Values();
                        return values.Sum() + values.Max();
                    }
                }
            }
            """ },
        { "assembly SuppressMessage with a type target", """
            using System.Diagnostics.CodeAnalysis;

            [assembly: SuppressMessage("Performance", "CA1851", Scope = "type", Target = "~T:Shop.Orders")]

            namespace Shop
            {
                class Orders
                {
                    int Total(IEnumerable<int> prices) => prices.Sum() + prices.Max();
                }

                class Invoices
                {
                    int Total(IEnumerable<int> prices) => prices.Sum() + {|MAGG001:prices|}.Max();
                }
            }
            """ },
        { "assembly SuppressMessage for a namespace and its descendants", """
            using System.Diagnostics.CodeAnalysis;

            [assembly: SuppressMessage("Performance", "CA1851", Scope = "namespaceanddescendants", Target = "~N:Shop")]

            namespace Shop.Billing
            {
                class Orders
                {
                    int Total(IEnumerable<int> prices) => prices.Sum() + prices.Max();
                }
            }

            namespace Warehouse
            {
                class Stock
                {
                    int Total(IEnumerable<int> counts) => counts.Sum() + {|MAGG001:counts|}.Max();
                }
            }
            """ },
        { "assembly SuppressMessage with namespace scope covers only the namespace itself, as for CA1851", """
            using System.Diagnostics.CodeAnalysis;

            [assembly: SuppressMessage("Performance", "CA1851", Scope = "namespace", Target = "~N:Shop")]

            namespace Shop
            {
                class Orders
                {
                    int Total(IEnumerable<int> prices) => prices.Sum() + {|MAGG001:prices|}.Max();
                }
            }
            """ },
        { "assembly SuppressMessage without a target", """
            using System.Diagnostics.CodeAnalysis;

            [assembly: SuppressMessage("Performance", "CA1851:Possible multiple enumerations of 'IEnumerable' collection")]

            class Orders
            {
                int Total(IEnumerable<int> prices) => prices.Sum() + prices.Max();
            }
            """ },
        { "assembly SuppressMessage for another member", """
            using System.Diagnostics.CodeAnalysis;

            [assembly: SuppressMessage("Performance", "CA1851", Scope = "member", Target = "~M:Shop.Orders.Other")]

            namespace Shop
            {
                class Orders
                {
                    void Other() { }

                    int Total(IEnumerable<int> prices) => prices.Sum() + {|MAGG001:prices|}.Max();
                }
            }
            """ },
    };

    [Theory]
    [MemberData(nameof(RepeatedOperators))]
    [MemberData(nameof(ForeachLoops))]
    [MemberData(nameof(OtherLoops))]
    [MemberData(nameof(Branches))]
    [MemberData(nameof(ConditionalValues))]
    [MemberData(nameof(Materializing))]
    [MemberData(nameof(DeferredChains))]
    [MemberData(nameof(Assignments))]
    [MemberData(nameof(PassedOn))]
    [MemberData(nameof(SequenceTypes))]
    [MemberData(nameof(HandlersAndChecks))]
    [MemberData(nameof(Functions))]
    [MemberData(nameof(OtherEnumerations))]
    [MemberData(nameof(NewerOperators))]
    [MemberData(nameof(AsyncSequences))]
    [MemberData(nameof(Queries))]
    [MemberData(nameof(ValuesPerPath))]
    [MemberData(nameof(RemovedCalls))]
    [MemberData(nameof(Ca1851Suppressions))]
    public Task ReportsExactlyTheExtraEnumerations(string name, string markup)
    {
        _ = name;
        return AnalyzerRunner.VerifyAsync(MultipleEnumerationAnalyzerTests.Header + markup, new MultipleEnumerationAnalyzer());
    }

    private const string DebugReport = """
        class Report
        {
            int Run(IEnumerable<int> xs)
            {
                System.Diagnostics.Debug.WriteLine(xs.Count());
                return {|MAGG001:xs|}.Sum();
            }
        }
        """;

    [Fact]
    public Task AConditionalCallIsKeptWhenTheFileDefinesItsSymbol() =>
        AnalyzerRunner.VerifyAsync("#define DEBUG\n" + MultipleEnumerationAnalyzerTests.Header + DebugReport, new MultipleEnumerationAnalyzer());

    [Fact]
    public Task AConditionalCallIsKeptWhenTheProjectDefinesItsSymbol() =>
        AnalyzerRunner.VerifyAsync(
            MultipleEnumerationAnalyzerTests.Header + DebugReport,
            new MultipleEnumerationAnalyzer(),
            preprocessorSymbols: new[] { "DEBUG", "TRACE" });

    [Fact]
    public Task AConditionalCallIsRemovedWhenTheFileUndefinesTheProjectSymbol() =>
        AnalyzerRunner.VerifyAsync(
            "#undef DEBUG\n" + MultipleEnumerationAnalyzerTests.Header + DebugReport.Replace("{|MAGG001:xs|}", "xs"),
            new MultipleEnumerationAnalyzer(),
            preprocessorSymbols: new[] { "DEBUG" });

    /// <summary>
    /// A primary constructor's initializers in two files are analysed together; a [Conditional] call is removed in the
    /// file that does not define its symbol and kept in the one that does, whichever is read first.
    /// </summary>
    [Fact]
    public async Task AConditionalCallIsRemovedOrKeptByItsOwnFileAcrossPartialDeclarations()
    {
        const string Verbose = "#define VERBOSE\n" + MultipleEnumerationAnalyzerTests.Header + """
            static class Log { [System.Diagnostics.Conditional("VERBOSE")] public static void Write(int n) { } }

            partial class Report(IEnumerable<int> xs)
            {
                public int Total { get; } = xs.Sum();
                public Action Traced { get; } = () => Log.Write(xs.Count());
            }
            """;
        const string Quiet = MultipleEnumerationAnalyzerTests.Header + """
            partial class Report
            {
                public Action Logged { get; } = () => Log.Write(xs.Max());
            }
            """;

        foreach (var sources in new[] { new[] { Verbose, Quiet }, new[] { Quiet, Verbose } })
        {
            var compilation = TestCompiler.Compile(sources);
            Assert.Empty(compilation.GetDiagnostics().Where(static d => d.Severity == DiagnosticSeverity.Error));
            var reported = (await AnalyzerRunner.GetDiagnosticsAsync(compilation, new MultipleEnumerationAnalyzer())).Where(static d => d.Id == "MAGG001").ToList();
            var only = Assert.Single(reported);
            Assert.Equal(Array.IndexOf(sources, Verbose), compilation.SyntaxTrees.ToList().IndexOf(only.Location.SourceTree!));
            Assert.Contains("xs.Count()", only.Location.SourceTree!.ToString().Substring(only.Location.SourceSpan.Start, 10));
        }
    }

    [Fact]
    public Task ADefineInsideAnInactiveRegionDoesNotCount() =>
        AnalyzerRunner.VerifyAsync(
            "#if NEVER\n#define DEBUG\n#endif\n" + MultipleEnumerationAnalyzerTests.Header + DebugReport.Replace("{|MAGG001:xs|}", "xs"),
            new MultipleEnumerationAnalyzer());

    [Fact]
    public Task AnOverrideOfAConditionalMethodIsRemovedToo() =>
        AnalyzerRunner.VerifyAsync(
            "#define BASE_ONLY\n" + MultipleEnumerationAnalyzerTests.Header + """
            class Sink
            {
                [System.Diagnostics.Conditional("AUDIT")]
                public virtual void Write(int value) { }
            }

            class LoudSink : Sink
            {
                public override void Write(int value) => Console.WriteLine(value);
            }

            class Report
            {
                int Run(IEnumerable<int> xs, LoudSink sink)
                {
                    sink.Write(xs.Count());
                    return xs.Sum();
                }
            }
            """,
            new MultipleEnumerationAnalyzer());

    private static readonly Dictionary<string, string> ConfiguredOptions = new()
    {
        [MultipleEnumerationOptions.EnumeratingMethodsKey] = "Sink.Drain, Sink.Gate, Lens.Tee, LensExtensions.TeeWith",
        [MultipleEnumerationOptions.DeferredMethodsKey] =
            "Lens.Narrow, Lens.Focus, LensExtensions.FocusOn, Lens.Pick, LensExtensions.PickFrom, "
            + "Lens.Merge, LensExtensions.MergeWith, Lens.Tee, LensExtensions.TeeWith",
    };

    /// <summary>
    /// Methods named in <c>.editorconfig</c>: with the configuration the marked enumerations are
    /// reported; without it nothing is known about these methods and nothing is reported. (A stand-in body that
    /// returned its argument would make a method a view without the configuration: those that could be throw.)
    /// </summary>
    public static TheoryData<string, string> ConfiguredMethods => new()
    {
        { "a configured enumerating method", """
            static class Sink
            {
                public static void Drain(IEnumerable<int> values) { }
            }

            class Use
            {
                void Run(IEnumerable<int> main, IEnumerable<int> other)
                {
                    Sink.Drain(main);
                    var n = {|MAGG001:main|}.UnionBy(other, v => v).ElementAt(1);
                }
            }
            """ },
        { "a configured enumerating method with a constrained type parameter", """
            static class Sink
            {
                public static void Gate<T>(T values) where T : IEnumerable<int> { }
            }

            class Use
            {
                void Run(IEnumerable<int> given)
                {
                    var made = Source.Fetch(1);
                    Sink.Gate(made);
                    {|MAGG001:made|}.First();
                    Sink.Gate(given);
                    {|MAGG001:given|}.First();
                }
            }
            """ + Iterator },
        { "a configured deferred method", """
            static class Lens
            {
                public static IEnumerable<int> Narrow(IEnumerable<int> values) => throw new System.NotSupportedException("a stub: the analyzer knows it by its configuration");
            }

            class Use
            {
                void Run(IEnumerable<int> main, IEnumerable<int> other)
                {
                    var n = main.UnionBy(other, v => v).ElementAt(1);
                    var m = Lens.Narrow({|MAGG001:main|}).ElementAt(2);
                }
            }
            """ },
        { "configured deferred methods with constrained type parameters", """
            static class Lens
            {
                public static T Focus<T, U>(U source) where U : T where T : IEnumerable<int> => throw new System.NotSupportedException("a stub: the analyzer knows it by its configuration");
            }

            static class LensExtensions
            {
                public static T FocusOn<T, U>(this U source) where U : T where T : IEnumerable<int> => throw new System.NotSupportedException("a stub: the analyzer knows it by its configuration");
            }

            class Use
            {
                void Run()
                {
                    var ordered = Enumerable.Range(0, 50).OrderBy(v => -v);
                    var x = Lens.Focus<IEnumerable<int>, IOrderedEnumerable<int>>(ordered).ElementAt(1);
                    var y = {|MAGG001:ordered|}.FocusOn<IEnumerable<int>, IOrderedEnumerable<int>>().ElementAt(2);
                }
            }
            """ },
        { "configured deferred methods with an unconstrained type parameter", """
            static class Lens
            {
                public static T Pick<T>(T source) => source;
            }

            static class LensExtensions
            {
                public static T PickFrom<T>(this T source) => source;
            }

            class Use
            {
                void Run()
                {
                    var ordered = Enumerable.Range(0, 50).OrderBy(v => -v);
                    var x = Lens.Pick(ordered).ElementAt(1);
                    var y = {|MAGG001:ordered|}.PickFrom().ElementAt(2);
                }
            }
            """ },
        { "configured deferred methods over two sequences", """
            static class Lens
            {
                public static T Merge<T>(T first, T second) => first;
            }

            static class LensExtensions
            {
                public static T MergeWith<T>(this T first, T second) => first;
            }

            class Use
            {
                void Run(IEnumerable<int> extra)
                {
                    var ordered = Enumerable.Range(0, 50).OrderBy(v => -v);
                    var x = Lens.Merge(ordered, extra).ElementAt(1);
                    var y = {|MAGG001:ordered|}.MergeWith({|MAGG001:extra|}).ElementAt(2);
                }
            }
            """ },
        { "a method configured as both enumerating and deferred", """
            static class Lens
            {
                public static T Tee<T>(T first, T second) => first;
            }

            static class LensExtensions
            {
                public static T TeeWith<T>(this T first, T second) => first;
            }

            class Use
            {
                void Run(IEnumerable<int> extra)
                {
                    var ordered = Enumerable.Range(0, 50).OrderBy(v => -v);
                    var x = Lens.Tee(ordered, extra);
                    var y = {|MAGG001:ordered|}.TeeWith({|MAGG001:extra|});
                }
            }
            """ },
    };

    [Theory]
    [MemberData(nameof(ConfiguredMethods))]
    public async Task FollowsConfiguredMethods(string name, string markup)
    {
        _ = name;
        await AnalyzerRunner.VerifyAsync(MultipleEnumerationAnalyzerTests.Header + markup, new MultipleEnumerationAnalyzer(), ConfiguredOptions);
        await AnalyzerRunner.VerifyAsync(MultipleEnumerationAnalyzerTests.Header + Unmarked(markup), new MultipleEnumerationAnalyzer());
    }

    [Fact]
    public async Task CanAssumeUnknownMethodsEnumerate()
    {
        const string Markup = """
            class Use
            {
                void Run(IEnumerable<int> main, IEnumerable<int> other)
                {
                    main.UnionBy(other, v => v).ElementAt(3);
                    Consume({|MAGG001:main|});
                }

                void Consume(IEnumerable<int> values)
                {
                    foreach (var v in values) Console.WriteLine(v);
                }
            }
            """;

        await AnalyzerRunner.VerifyAsync(
            MultipleEnumerationAnalyzerTests.Header + Markup,
            new MultipleEnumerationAnalyzer(),
            new Dictionary<string, string> { [MultipleEnumerationOptions.AssumeUnknownMethodsEnumerateKey] = "true" });
        await AnalyzerRunner.VerifyAsync(
            MultipleEnumerationAnalyzerTests.Header + Unmarked(Markup),
            new MultipleEnumerationAnalyzer(),
            new Dictionary<string, string> { [MultipleEnumerationOptions.AssumeUnknownMethodsEnumerateKey] = "false" });
        await AnalyzerRunner.VerifyAsync(MultipleEnumerationAnalyzerTests.Header + Unmarked(Markup), new MultipleEnumerationAnalyzer());
    }

    /// <summary>The same code with its diagnostic markup removed.</summary>
    private static string Unmarked(string markup) => Regex.Replace(markup, @"\{\|MAGG00[12]:([^|]*)\|\}", "$1");
}
