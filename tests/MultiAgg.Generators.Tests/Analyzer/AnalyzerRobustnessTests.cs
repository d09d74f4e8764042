using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using MultiAgg.CodeFixes;
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

    [Fact]
    public async Task BrokenVariantsNeverCrashTheAnalyzerOrTheFixes()
    {
        var variants = RobustnessTests.Variants(Seed).Distinct().ToList();
        Assert.True(variants.Count >= 400, $"only {variants.Count} variants");

        var fixesTried = 0;
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
            foreach (var diagnostic in diagnostics.Where(static d => d.Id is "MAGG001" or "MAGG002").GroupBy(static d => d.Id).SelectMany(static g => g.Take(2)))
            {
                var actions = new List<CodeAction>();
                await CodeFixRunner.Provider.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (a, _) => actions.Add(a), CancellationToken.None));
                foreach (var action in actions)
                {
                    await action.GetOperationsAsync(CancellationToken.None);
                    fixesTried++;
                    if (action.Title == FuseAggregatesCodeFix.QueryTitle)
                        queryFusionsTried++;
                }
            }
        }

        Assert.True(fixesTried > 50, $"only {fixesTried} fixes were exercised");
        Assert.True(queryFusionsTried > 25, $"only {queryFusionsTried} query fusions were exercised");
    }
}
