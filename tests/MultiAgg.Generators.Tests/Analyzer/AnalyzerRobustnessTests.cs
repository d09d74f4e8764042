using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using MultiAgg.CodeFixes;
using MultiAgg.Generators.Analyzers;
using MultiAgg.Generators.Tests.Infrastructure;

namespace MultiAgg.Generators.Tests;

/// <summary>The analyzer and the code fixes see half-typed code all day in the IDE: they must never throw.</summary>
public class AnalyzerRobustnessTests
{
    private const string Seed = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;

        public sealed record Order(decimal Total, bool IsPaid);

        public static class Reports
        {
            public static string Summarize(IEnumerable<Order> orders, decimal limit)
            {
                var total = orders.Sum(o => o.Total);
                var paid = orders.Count(o => o.IsPaid && o.Total > limit);
                var largest = orders.Max(o => o.Total);
                foreach (var o in orders) Console.WriteLine(o);
                int Local() => orders?.Count() ?? 0;
                try { return $"{total} {paid} {largest} {Local()} {[.. orders.Select(o => o.Total)]}"; }
                finally { Console.WriteLine(string.Join(",", orders)); }
            }

            public static async Task<int> Stream(IAsyncEnumerable<int> xs, IQueryable<int> q, CancellationToken ct)
            {
                var n = 0;
                await foreach (var x in xs.WithCancellation(ct)) n += x;
                var low = q.Min();
                var high = q.Max(v => v - n);
                return n + low + high + await xs.CountAsync(ct) + q.Count() + q.Where(v => v > n).Sum();
            }
        }
        """;

    /// <summary>Queries no variable holds: sets read through members, a chain written twice, a set changed, loops, a page.</summary>
    private const string QuerySeed = TestSources.DbSetPrelude + """
        using System.Threading;

        public sealed class Order { public int Id { get; set; } public bool Open { get; set; } public int CustomerId { get; set; } }
        public class Db { public DbSet<Order> Orders { get; } = new(); public DbSet<T> Set<T>() => new(); }

        public class Reports
        {
            private readonly Db _db = new();

            public int Run(List<int> kinds, Order order, Random random)
            {
                var n = _db.Orders.Count() + _db.Orders.Max(o => o.Id);
                var first = _db.Orders.Where(o => o.Open).Min(o => o.Id) + _db.Orders.Where(o => o.Open).Max(o => o.Id);
                var row = _db.Orders.First(o => o.Id == n) ?? _db.Orders.First(o => o.Id == -n);
                _db.Orders.Add(order);
                foreach (var key in kinds)
                {
                    var kind = key % 3;
                    if (kind == 1) n += _db.Set<Order>().ToList().Count;
                    else n += _db.Orders.Count(o => o.CustomerId == kind);
                }
                var count = _db.Orders.Count();
                var skip = random.Next(0, count);
                return n + first + row.Id + _db.Orders.OrderBy(o => o.Id).Skip(skip).Take(count / 2).Count();
            }
        }
        """;

    /// <summary>
    /// Where the sequences are read from: expression bodies (made blocks by Fuse), a record's primary constructor read by
    /// its members, an iterator, a recursive local function, a delegate, query syntax, a lambda run later.
    /// </summary>
    private const string ShapesSeed = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading.Tasks;

        public sealed record Reading(string Sensor, double Value);

        public record Summary(IEnumerable<Reading> Readings)
        {
            public double Spread => Readings.Max(r => r.Value) - Readings.Min(r => r.Value);

            public int Count { get; } = Readings.Count() + Readings.Count(r => r.Value > 0);
        }

        public static class Shapes
        {
            public static double Range(IEnumerable<double> xs) => xs.Max() - xs.Min();

            public static IEnumerable<double> Scaled(IEnumerable<double> xs, double by)
            {
                var top = xs.Max();
                foreach (var x in xs) yield return x / top * by;
            }

            public static int Nested(IEnumerable<int> xs)
            {
                Func<int, int> above = t => xs.Count(x => x > t);
                int Deep(int n) => n <= 0 ? xs.Sum() : Deep(n - 1) + xs.First();
                var q = from x in xs where x > xs.Min() select x * 2;
                return above(1) + Deep(2) + q.Sum() + q.Count();
            }

            public static async Task<double> Later(IEnumerable<double> xs) => await Task.Run(() => xs.Average()) + xs.Sum();
        }
        """;

    [Fact]
    public Task BrokenVariantsOfOtherShapesNeverCrashTheAnalyzerOrTheFixes() =>
        ExerciseVariants(ShapesSeed, minimumVariants: 600, minimumFixes: 500, minimumQueryFusions: 0);

    [Fact]
    public Task BrokenVariantsNeverCrashTheAnalyzerOrTheFixes() =>
        ExerciseVariants(Seed, minimumVariants: 400, minimumFixes: 50, minimumQueryFusions: 25);

    [Fact]
    public Task BrokenVariantsOfQueriesReadThroughMembersNeverCrashTheAnalyzerOrTheFixes() =>
        ExerciseVariants(QuerySeed, minimumVariants: 400, minimumFixes: 200, minimumQueryFusions: 200);

    /// <summary>
    /// A local that reads itself in its own initializer, as code being typed may (CS0165), and is then queried per
    /// element: the search for an <c>AsQueryable()</c> behind the query follows each local once, where it looped forever.
    /// </summary>
    [Fact]
    public async Task ALocalQueryReadingItselfEndsTheSearchForDataInMemory()
    {
        const string Source = """
            using System.Collections.Generic;
            using System.Linq;

            public sealed class Order { public int CustomerId { get; set; } public bool Open { get; set; } }

            public static class C
            {
                public static int M(List<int> customers)
                {
                    IQueryable<Order> open = open.Where(o => o.Open);
                    var n = 0;
                    foreach (var c in customers) n += open.Count(o => o.CustomerId == c);
                    return n;
                }
            }
            """;
        var run = Task.Run(() => AnalyzerRunner.GetDiagnosticsAsync(TestCompiler.Compile(Source), new QueryPerElementAnalyzer()));
        var finished = await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(30)));
        Assert.Same(run, finished);
        Assert.Contains(await run, static d => d.Id == "CS0165");
    }

    /// <summary>
    /// A body whose walk passes the bound on the blocks it may visit (here 12,000 conditions in a row, 24,000 blocks) is
    /// given up on: no report for it, none half made, no exception, in bounded time, where a walk that never settled (a
    /// query key built on the key of the pass before) held the analyzer thread until memory ran out. A small body beside
    /// it is still analysed.
    /// </summary>
    [Fact]
    public async Task AWalkPastItsBoundReportsNothingForThatBodyAlone()
    {
        var conditions = string.Concat(Enumerable.Range(0, 12_000).Select(static i => $"        if (flags[{i % 7}]) n++;\n"));
        var source = $$"""
            using System.Collections.Generic;
            using System.Linq;

            public static class C
            {
                public static int Huge(IEnumerable<int> xs, bool[] flags)
                {
                    var n = xs.Count();
            {{conditions}}
                    return n + xs.Sum();
                }

                public static int Small(IEnumerable<int> xs) => xs.Count() + xs.Sum();
            }
            """;
        var run = Task.Run(() => AnalyzerRunner.GetDiagnosticsAsync(TestCompiler.Compile(source), CodeFixRunner.Analyzer));
        var finished = await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(60)));
        Assert.Same(run, finished);
        var reported = (await run).Where(static d => d.Id == "MAGG001").Select(static d => d.Location.GetLineSpan().StartLinePosition.Line);
        Assert.Equal(new[] { 12_012 }, reported);
    }

    /// <summary>
    /// A type with a primary constructor whose initializers sit in two files: they run in one order, so what the first
    /// file's executes is still there in the second's, where the questions about it (a query per element, a page) were
    /// asked of the second file's semantic model, which threw for the first's syntax (AD0001).
    /// </summary>
    [Fact]
    public async Task InitializersOfOneTypeInTwoFilesDoNotThrow()
    {
        const string First = TestSources.DbSetPrelude + """
            public sealed class Order { public int Id { get; set; } public int CustomerId { get; set; } }
            public class Db { public DbSet<Order> Orders { get; } = new(); }

            public partial class Totals(Db db, List<int> customers)
            {
                public int All { get; } = db.Orders.Count();
            }
            """;
        const string Second = """
            using System.Collections.Generic;
            using System.Linq;

            public partial class Totals
            {
                public List<int> Again { get; } = customers.Select(c => db.Orders.Count(o => o.CustomerId == c)).ToList();

                public int Page { get; } = db.Orders.Skip(db.Orders.Count() - 10).Take(10).Count() + db.Orders.Count();

                public List<Order>? CachedAgain { get; } = customers.Count > 1 ? db.Orders.ToList() : null;
            }
            """;
        var diagnostics = await AnalyzerRunner.GetDiagnosticsAsync(TestCompiler.Compile(new[] { First, Second }), CodeFixRunner.Analyzer);
        Assert.DoesNotContain(diagnostics, static d => d.Severity == DiagnosticSeverity.Error);
        Assert.Contains(diagnostics, static d => d.Id == "MAGG002" && d.Location.SourceTree!.FilePath == "Test1.cs");
    }

    private static async Task ExerciseVariants(string seed, int minimumVariants, int minimumFixes, int minimumQueryFusions)
    {
        var variants = RobustnessTests.Variants(seed).Distinct().ToList();
        Assert.True(variants.Count >= minimumVariants, $"only {variants.Count} variants");

        var fixesTried = 0;
        var fixAllsTried = 0;
        var queryFusionsTried = 0;
        for (var i = 0; i < variants.Count; i++)
        {
            // GetDiagnosticsAsync fails the test on AD0001 (an analyzer exception).
            var diagnostics = await AnalyzerRunner.GetDiagnosticsAsync(TestCompiler.Compile(variants[i]), CodeFixRunner.Analyzer);

            // The fixes are slower to run: exercise them on every fourth variant.
            if (i % 4 != 0)
                continue;
            var project = CodeFixRunner.CreateProject(variants[i]);
            var document = project.Documents.Single();
            // The first two of each ID: MAGG001 (fuse, materialize) and MAGG002 (fuse into one query).
            var keys = new HashSet<string?>();
            foreach (var diagnostic in diagnostics.Where(static d => d.Id is "MAGG001" or "MAGG002").GroupBy(static d => d.Id).SelectMany(static g => g.Take(2)))
            {
                var actions = new List<CodeAction>();
                await CodeFixRunner.Provider.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (a, _) => actions.Add(a), CancellationToken.None));
                foreach (var action in actions)
                {
                    await action.GetOperationsAsync(CancellationToken.None);
                    keys.Add(action.EquivalenceKey);
                    fixesTried++;
                    if (action.Title == FuseAggregatesCodeFix.QueryTitle)
                        queryFusionsTried++;
                }
            }

            // And Fix All, as dotnet format runs it, on every eighth: each action's key over every fixable diagnostic.
            var fixable = diagnostics.Where(static d => CodeFixRunner.Provider.FixableDiagnosticIds.Contains(d.Id)).ToImmutableArray();
            if (i % 8 == 0 && !fixable.IsEmpty)
            {
                foreach (var key in keys)
                {
                    if (await CodeFixRunner.FixAllActionAsync(project, key, FixAllScope.Project, fixable) is { } fixAll)
                    {
                        await fixAll.GetOperationsAsync(CancellationToken.None);
                        fixAllsTried++;
                    }
                }
            }
        }

        Assert.True(fixesTried >= minimumFixes, $"only {fixesTried} fixes were exercised");
        Assert.True(fixAllsTried >= minimumFixes / 10, $"only {fixAllsTried} Fix All runs were exercised");
        Assert.True(queryFusionsTried >= minimumQueryFusions, $"only {queryFusionsTried} query fusions were exercised");
    }
}
