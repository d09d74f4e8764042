using System.Reflection;
using Microsoft.CodeAnalysis;
using MultiAgg.CodeFixes;
using MultiAgg.Generators.Tests.Infrastructure;

namespace MultiAgg.Generators.Tests;

/// <summary>
/// The MAGG001 fixes on an <c>IAsyncEnumerable&lt;T&gt;</c>: fused into an async [Aggregate] method, or buffered with
/// ToListAsync. Exact outputs go through <see cref="CodeFixVerifier"/> (Microsoft.CodeAnalysis.Testing).
/// </summary>
public class CodeFixAsyncTests
{
    private const string Fuse = FuseAggregatesCodeFix.EquivalenceKey;

    [Fact]
    public async Task AwaitedAsyncAggregatesFuseIntoAnAsyncMethodGivenTheCallsToken()
    {
        const string testCode = """
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading;
            using System.Threading.Tasks;

            public sealed record Reading(int Value, bool Valid);

            public class Station
            {
                public async Task<string> DescribeAsync(IAsyncEnumerable<Reading> readings, CancellationToken cancellationToken)
                {
                    var count = await readings.CountAsync(cancellationToken);
                    var valid = await {|MAGG001:readings|}.CountAsync(r => r.Valid, cancellationToken).ConfigureAwait(false);
                    var highest = await {|MAGG001:readings|}.MaxByAsync(r => r.Value, cancellationToken: cancellationToken);
                    return $"{count} {valid} {highest}";
                }
            }
            """;
        const string fixedSource = """
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading;
            using System.Threading.Tasks;
            using MultiAgg;

            public sealed record Reading(int Value, bool Valid);

            public partial class Station
            {
                public async Task<string> DescribeAsync(IAsyncEnumerable<Reading> readings, CancellationToken cancellationToken)
                {
                    var (count, valid, highest) = await SummarizeReadingsAsync(readings, cancellationToken).ConfigureAwait(false);
                    return $"{count} {valid} {highest}";
                }

                [Aggregate(Agg.Count)]
                [Aggregate(Agg.Count, Where = nameof(Reading.Valid))]
                [Aggregate(Agg.MaxBy, Of = nameof(Reading.Value))]
                private static partial ValueTask<(int Count, int Valid, Reading? Highest)> SummarizeReadingsAsync(IAsyncEnumerable<Reading> readings, CancellationToken cancellationToken = default);
            }
            """;

        await CodeFixVerifier.VerifyAsync(testCode, fixedSource, Fuse);
        TestCompiler.Run(TestCompiler.Compile(fixedSource)).AssertClean();
    }

    [Fact]
    public async Task AnOrderedAsyncChainFusesAsTheSequenceItIs()
    {
        // .NET 10's AsyncEnumerable.OrderBy returns IOrderedAsyncEnumerable<T>: a lazy chain like any other.
        const string testCode = """
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading.Tasks;

            public class Feed
            {
                public async Task<int> RangeAsync(IAsyncEnumerable<int> ticks)
                {
                    var ordered = ticks.OrderBy(t => t).ThenByDescending(t => t % 10);
                    var lowest = await ordered.FirstAsync();
                    var highest = await {|MAGG001:ordered|}.LastAsync();
                    return highest - lowest;
                }
            }
            """;
        const string fixedSource = """
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading.Tasks;
            using MultiAgg;

            public partial class Feed
            {
                public async Task<int> RangeAsync(IAsyncEnumerable<int> ticks)
                {
                    var ordered = ticks.OrderBy(t => t).ThenByDescending(t => t % 10);
                    var (lowest, highest) = await SummarizeOrderedAsync(ordered);
                    return highest - lowest;
                }

                [Aggregate(Agg.First, Agg.Last)]
                private static partial ValueTask<(int Lowest, int Highest)> SummarizeOrderedAsync(IOrderedAsyncEnumerable<int> ordered, System.Threading.CancellationToken cancellationToken = default);
            }
            """;

        await CodeFixVerifier.VerifyAsync(testCode, fixedSource, Fuse);
        TestCompiler.Run(TestCompiler.Compile(fixedSource)).AssertClean();
    }

    public static TheoryData<string, string> Inputs => new()
    {
        { "ints", "new[] { 3, 1, 4, 1, 5, 9, 2, 6 }" },
        { "empty", "new int[0]" },
        { "overflow", "new[] { int.MaxValue, 1 }" },
        { "single", "new[] { -7 }" },
    };

    /// <summary>The fused async code computes what the awaited calls computed, and fails the way they failed.</summary>
    // Stays on CodeFixRunner: the fixed program is compiled, loaded and run against the original, which the
    // framework does not do.
    [Theory]
    [MemberData(nameof(Inputs))]
    public async Task FusedAsyncCodeBehavesLikeTheOriginal(string name, string data)
    {
        _ = name;
        var source = $$"""
            using System;
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading;
            using System.Threading.Tasks;

            public sealed record Reading(int Value, bool Valid);

            public static class Program
            {
                public static string Run()
                {
                    try
                    {
                        var data = {{data}};
                        return DescribeAsync(Readings(data), Values(data), CancellationToken.None).GetAwaiter().GetResult();
                    }
                    catch (Exception e)
                    {
                        return e.GetType().Name;
                    }
                }

                private static async IAsyncEnumerable<int> Values(int[] data)
                {
                    foreach (var value in data)
                    {
                        await Task.Yield();
                        yield return value;
                    }
                }

                private static async IAsyncEnumerable<Reading> Readings(int[] data)
                {
                    await foreach (var value in Values(data))
                        yield return new Reading(value, value % 2 == 0);
                }

                private static async Task<string> DescribeAsync(IAsyncEnumerable<Reading> readings, IAsyncEnumerable<int> values, CancellationToken token)
                {
                    var count = await readings.CountAsync(token);
                    var valid = await readings.LongCountAsync(r => r.Valid, token);
                    var any = await readings.AnyAsync(token);
                    var allPositive = await readings.AllAsync(r => r.Value > 0, token);
                    var lastValid = await readings.LastOrDefaultAsync(r => r.Valid, token);
                    var lowest = await readings.MinByAsync(r => r.Value, cancellationToken: token);
                    var firstValid = (await readings.FirstAsync(r => r.Valid, token)).Value;
                    var validities = await readings.Select(r => r.Valid).Distinct().CountAsync(token);
                    var halfMean = await readings.Select(r => r.Value * 0.5).AverageAsync(token);
                    var lowestValue = await readings.Select(r => (double?)r.Value).MinAsync(cancellationToken: token);

                    var total = await values.SumAsync();
                    var largest = await values.MaxAsync();
                    var smallest = await values.MinAsync();
                    var average = await values.AverageAsync();
                    var first = await values.FirstOrDefaultAsync();
                    return string.Join(",", count, valid, any, allPositive, lastValid, lowest, firstValid, validities, halfMean.ToString("R"), lowestValue, total, largest, smallest, average.ToString("R"), first);
                }
            }
            """;

        var fixedSource = (await CodeFixRunner.FixAllAsync(CodeFixRunner.CreateProject(source), Fuse))[0];
        Assert.Contains("await SummarizeReadingsAsync(readings, token)", fixedSource);
        Assert.Contains("await SummarizeValuesAsync(values)", fixedSource);
        Assert.Contains("[Aggregate(Agg.CountDistinct, Of = nameof(Reading.Valid))]", fixedSource);
        Assert.Contains("[Aggregate(Agg.Average, Of = nameof(ValueTimes0_5))]", fixedSource);
        Assert.DoesNotContain("MinAsync", fixedSource);

        var before = RunProgram(TestCompiler.Compile(source));
        var after = TestCompiler.Run(TestCompiler.Compile(fixedSource)).AssertClean();
        Assert.Equal(before, RunProgram(after.Output));
    }

    private const string AsyncProgram = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;

        public static class Program
        {
            public static string Run() => ReportAsync(Entries(7), CancellationToken.None).GetAwaiter().GetResult()
                + " | " + StatsAsync(Entries(5)).GetAwaiter().GetResult()
                + " | " + ReadingsAsync().GetAwaiter().GetResult();

            private static async IAsyncEnumerable<int> Entries(int count)
            {
                for (var i = 0; i < count; i++)
                {
                    await Task.Yield();
                    yield return i * 3 % 5;
                }
            }

            // A foreach and counts: only materializing reads it once.
            public static async Task<string> ReportAsync(IAsyncEnumerable<int> entries, CancellationToken cancellationToken)
            {
                var lines = new List<string>();
                await foreach (var entry in entries.WithCancellation(cancellationToken).ConfigureAwait(false))
                    lines.Add($"#{entry}");
                var even = await entries.CountAsync(e => e % 2 == 0, cancellationToken);
                return $"{await entries.CountAsync()} entries, {even} even, first {await entries.FirstAsync()}: {string.Join(",", lines)}";
            }

            // Aggregates only: fused into one async pass.
            public static async Task<string> StatsAsync(IAsyncEnumerable<int> values)
            {
                var total = await values.SumAsync();
                var largest = await values.MaxAsync();
                var count = await values.CountAsync();
                return $"{total} {largest} {count}";
            }

            // A local: buffered where it is declared.
            public static async Task<string> ReadingsAsync()
            {
                IAsyncEnumerable<int> readings = Entries(4);
                var sum = 0;
                await foreach (var reading in readings)
                    sum += reading;
                return $"{sum} {await readings.MaxAsync()}";
            }
        }
        """;

    private const string AsyncProgramFixed = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;
        using MultiAgg;

        public static partial class Program
        {
            public static string Run() => ReportAsync(Entries(7), CancellationToken.None).GetAwaiter().GetResult()
                + " | " + StatsAsync(Entries(5)).GetAwaiter().GetResult()
                + " | " + ReadingsAsync().GetAwaiter().GetResult();

            private static async IAsyncEnumerable<int> Entries(int count)
            {
                for (var i = 0; i < count; i++)
                {
                    await Task.Yield();
                    yield return i * 3 % 5;
                }
            }

            // A foreach and counts: only materializing reads it once.
            public static async Task<string> ReportAsync(IAsyncEnumerable<int> entries, CancellationToken cancellationToken)
            {
                var lines = new List<string>();
                var entriesList = await entries.ToListAsync(cancellationToken).ConfigureAwait(false);
                foreach (var entry in entriesList)
                    lines.Add($"#{entry}");
                var even = entriesList.Count(e => e % 2 == 0);
                return $"{entriesList.Count} entries, {even} even, first {entriesList.First()}: {string.Join(",", lines)}";
            }

            // Aggregates only: fused into one async pass.
            public static async Task<string> StatsAsync(IAsyncEnumerable<int> values)
            {
                var (total, largest, count) = await SummarizeValuesAsync(values);
                return $"{total} {largest} {count}";
            }

            [Aggregate(Agg.Sum, Agg.Max, Agg.Count)]
            private static partial ValueTask<(int Total, int Largest, int Count)> SummarizeValuesAsync(IAsyncEnumerable<int> values, CancellationToken cancellationToken = default);

            // A local: buffered where it is declared.
            public static async Task<string> ReadingsAsync()
            {
                var readings = await Entries(4).ToListAsync();
                var sum = 0;
                foreach (var reading in readings)
                    sum += reading;
                return $"{sum} {readings.Max()}";
            }
        }
        """;

    // Stays on CodeFixRunner: it replays `dotnet format` from every starting diagnostic (FormatAsync), an
    // order the framework does not vary, and runs the result against the original.
    [Fact]
    public async Task BulkFixFusesAsyncAggregatesAndMaterializesOtherAsyncSequencesWithToListAsync()
    {
        var project = CodeFixRunner.CreateProject(AsyncProgram);
        var diagnostics = await CodeFixRunner.GetDiagnosticsAsync(project);
        Assert.Equal(MaterializeOnceCodeFix.Title("ToListAsync"), (await CodeFixRunner.GetActionsAsync(project, 0)).Last().Title);

        for (var first = 0; first < diagnostics.Length; first++)
        {
            var fixedSource = Assert.Single(await CodeFixRunner.FormatAsync(project, first));
            Assert.Equal(AsyncProgramFixed, fixedSource);
        }

        // Nothing left to report; it compiles with the generator and prints what the original printed.
        Assert.Empty(await CodeFixRunner.GetDiagnosticsAsync(CodeFixRunner.CreateProject(AsyncProgramFixed)));
        var after = TestCompiler.Run(TestCompiler.Compile(AsyncProgramFixed)).AssertClean();
        Assert.Equal(RunProgram(TestCompiler.Compile(AsyncProgram)), RunProgram(after.Output));
    }

    /// <summary>An expression-bodied method: the token is judged where the body's expression starts, where the parameters are in scope.</summary>
    [Fact]
    public async Task AsyncMaterializeIsOfferedInAnExpressionBodiedMethod()
    {
        const string source = """
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading;
            using System.Threading.Tasks;

            public static class C
            {
                public static async Task<(int, int)> M(IAsyncEnumerable<int> xs, CancellationToken ct) =>
                    (await xs.CountAsync(ct), await xs.SumAsync(ct));
            }
            """;

        var fixedSource = await CodeFixRunner.ApplyAsync(source, MaterializeOnceCodeFix.EquivalenceKey);
        Assert.Contains("await xs.ToListAsync(ct)", fixedSource);
    }

    /// <summary>
    /// Code that runs before the first read in the same statement (a producer filling a channel whose reader xs is) runs
    /// before the buffer too, which would wait for what that code has not yet written: Materialize is not offered.
    /// </summary>
    [Theory]
    [InlineData("await FillAsync(log)", false)]
    [InlineData("log.Count", true)]
    public async Task AsyncMaterializeIsNotOfferedWhereCodeRunsBeforeTheFirstRead(string first, bool offered)
    {
        const string Body = """
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading.Tasks;

            public static class C
            {
                public static async Task<int> OfParameter(IAsyncEnumerable<int> xs, List<int> log)
                {
                    var n = {{first}} + await xs.CountAsync();
                    return n + await xs.SumAsync();
                }

                public static async Task<int> OfLocal(IAsyncEnumerable<int> source, List<int> log)
                {
                    var xs = source.Where(static x => x > 0);
                    var n = {{first}} + await xs.CountAsync();
                    return n + await xs.SumAsync();
                }

                private static Task<int> FillAsync(List<int> log) => Task.FromResult(log.Count);
            }
            """;
        var project = CodeFixRunner.CreateProject(Body.Replace("{{first}}", first));
        Assert.Equal(2, (await CodeFixRunner.GetDiagnosticsAsync(project)).Length);
        for (var index = 0; index < 2; index++)
        {
            var actions = await CodeFixRunner.GetActionsAsync(project, index);
            Assert.Equal(offered, actions.Any(static a => a.EquivalenceKey == MaterializeOnceCodeFix.EquivalenceKey));
        }
    }

    /// <summary>An async parameter is buffered where a synchronous one is: inside the `try` whose `catch` met the enumeration's exception.</summary>
    [Fact]
    public async Task AsyncMaterializeBuffersAParameterInTheBlockThatReadsIt()
    {
        const string source = """
            using System;
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading;
            using System.Threading.Tasks;

            public static class C
            {
                public static async Task<int> M(IAsyncEnumerable<int> xs, CancellationToken ct)
                {
                    var fallback = -1;
                    try
                    {
                        return await xs.CountAsync(ct) + await xs.SumAsync(ct);
                    }
                    catch (InvalidOperationException)
                    {
                        return fallback;
                    }
                }
            }
            """;

        var fixedSource = await CodeFixRunner.ApplyAsync(source, MaterializeOnceCodeFix.EquivalenceKey);
        var buffer = fixedSource.IndexOf("var xsList = await xs.ToListAsync(ct);", StringComparison.Ordinal);
        Assert.True(buffer > fixedSource.IndexOf("try", StringComparison.Ordinal), fixedSource);
        Assert.Contains("return xsList.Count + xsList.Sum();", fixedSource);
    }

    /// <summary>
    /// The buffer's await takes the place of the first use's: it is configured only when that one was, so code between
    /// the first use and a later configured one stays on the caller's context (a UI thread's, say).
    /// </summary>
    [Theory]
    [InlineData(false, "var n = await xs.CountAsync(ct); Label = n.ToString(); var m = await xs.MaxAsync(cancellationToken: ct).ConfigureAwait(false); return n + m;")]
    [InlineData(true, "var n = await xs.CountAsync(ct).ConfigureAwait(false); Label = n.ToString(); var m = await xs.MaxAsync(cancellationToken: ct); return n + m;")]
    [InlineData(false, "var n = 0; await foreach (var x in xs.WithCancellation(ct)) { n += await xs.CountAsync(ct).ConfigureAwait(false); } return n;")]
    [InlineData(true, "var n = 0; await foreach (var x in xs.WithCancellation(ct).ConfigureAwait(false)) n += x; Label = n.ToString(); return n + await xs.CountAsync(ct);")]
    public async Task AsyncMaterializeConfiguresTheBufferAsTheFirstUseWas(bool configured, string body)
    {
        var fixedSource = await CodeFixRunner.ApplyAsync(WithLabel(body), MaterializeOnceCodeFix.EquivalenceKey);
        Assert.Contains(configured ? "await xs.ToListAsync(ct).ConfigureAwait(false);" : "await xs.ToListAsync(ct);", fixedSource);
    }

    /// <summary>
    /// Where a branch chooses which use comes first and they are configured otherwise (one path's first await on the
    /// caller's context, another's not), no one buffer's await is configured as the code was: Materialize once is not
    /// offered; where every path's first use is configured alike it is.
    /// </summary>
    [Theory]
    [InlineData(false, "int n; if (fast) n = await xs.CountAsync(ct).ConfigureAwait(false); else n = await xs.SumAsync(ct); Label = n.ToString(); return n + await xs.MaxAsync(cancellationToken: ct);")]
    [InlineData(false, "var n = fast ? await xs.CountAsync(ct) : await xs.SumAsync(ct).ConfigureAwait(false); Label = n.ToString(); return n + await xs.MaxAsync(cancellationToken: ct);")]
    [InlineData(true, "int n; if (fast) n = await xs.CountAsync(ct).ConfigureAwait(false); else n = await xs.SumAsync(ct).ConfigureAwait(false); return n + await xs.MaxAsync(cancellationToken: ct).ConfigureAwait(false);")]
    public async Task AsyncMaterializeIsNotOfferedWherePathsConfigureTheirFirstAwaitOtherwise(bool offered, string body)
    {
        var keys = await CodeFixRunner.OfferedKeysAsync(WithLabel(body));
        Assert.Equal(offered, keys.Contains(MaterializeOnceCodeFix.EquivalenceKey));
    }

    /// <summary>An async method over <c>xs</c> with <paramref name="body"/>, in a class with a <c>Label</c> a UI thread would own.</summary>
    private static string WithLabel(string body) => $$"""
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;

        public static class C
        {
            public static string Label = "";

            public static async Task<int> M(IAsyncEnumerable<int> xs, bool fast, CancellationToken ct)
            {
                {{body}}
            }
        }
        """;

    /// <summary>A comment beside an argument of a rewritten call stays, the token's argument going.</summary>
    [Fact]
    public async Task AsyncMaterializeKeepsTheCommentsOfTheArguments()
    {
        const string source = """
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading;
            using System.Threading.Tasks;

            public static class C
            {
                public static async Task<int> M(IAsyncEnumerable<int> xs, CancellationToken ct)
                {
                    var n = await xs.CountAsync(
                        x => x > 0, // only positive readings
                        ct);
                    return n + await xs.SumAsync(/* all of them */ ct);
                }
            }
            """;

        var fixedSource = await CodeFixRunner.ApplyAsync(source, MaterializeOnceCodeFix.EquivalenceKey);
        Assert.Contains("// only positive readings", fixedSource);
        Assert.Contains("/* all of them */", fixedSource);
        Assert.DoesNotContain("ct)", fixedSource.Substring(fixedSource.IndexOf("ToListAsync(ct)", System.StringComparison.Ordinal) + 16));
    }

    /// <summary>
    /// The buffer is read with the token the uses pass, whatever expression it is (a member of a local, or None), not the
    /// method's parameter; uses that pass different tokens get no Materialize.
    /// </summary>
    [Theory]
    [InlineData("timeout.Token", "timeout.Token")]
    [InlineData("CancellationToken.None", "CancellationToken.None")]
    [InlineData("timeout.Token", null)]
    public async Task AsyncMaterializeKeepsTheTokenTheUsesPass(string token, string? otherToken)
    {
        var source = $$"""
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading;
            using System.Threading.Tasks;

            public static class C
            {
                public static async Task<string> M(IAsyncEnumerable<int> xs, CancellationToken ct)
                {
                    using var timeout = new CancellationTokenSource();
                    var lines = new List<int>();
                    await foreach (var x in xs.WithCancellation({{token}}))
                        lines.Add(x);
                    return $"{await xs.CountAsync({{otherToken ?? "ct"}})} {lines.Count}";
                }
            }
            """;

        if (otherToken is null)
        {
            var actions = await CodeFixRunner.GetActionsAsync(CodeFixRunner.CreateProject(source));
            Assert.DoesNotContain(actions, static a => a.EquivalenceKey == MaterializeOnceCodeFix.EquivalenceKey);
            return;
        }

        var fixedSource = await CodeFixRunner.ApplyAsync(source, MaterializeOnceCodeFix.EquivalenceKey);
        Assert.Contains($"await xs.ToListAsync({token});", fixedSource);
    }

    /// <summary>
    /// A captured token becomes the new method's parameter, which the generator takes for the method's own token: only
    /// the token the calls are given may be captured.
    /// </summary>
    [Theory]
    [InlineData("another token", "other", false)]
    [InlineData("the calls' own token", "cancellationToken", true)]
    public async Task FuseIsOfferedForACapturedTokenOnlyWhenTheCallsAreGivenIt(string name, string captured, bool offered)
    {
        _ = name;
        var markup = $$"""
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading;
            using System.Threading.Tasks;

            public class C
            {
                public async Task<(int, int)> M(IAsyncEnumerable<int> xs, CancellationToken other, CancellationToken cancellationToken)
                {
                    var live = await xs.CountAsync(x => x > 0 && !{{captured}}.IsCancellationRequested, cancellationToken);
                    var max = await {|MAGG001:xs|}.MaxAsync(cancellationToken: cancellationToken);
                    return (live, max);
                }
            }
            """;

        var actions = await CodeFixRunner.GetActionsAsync(CodeFixRunner.CreateProject(Markup.Parse(markup).Source));
        Assert.Equal(offered, actions.Any(static a => a.EquivalenceKey == Fuse));
    }

    /// <summary>
    /// A token the calls make as they run (a timeout of each call's own, from when it starts) is not made once for them
    /// all; a token they read is read once.
    /// </summary>
    [Theory]
    [InlineData("Deadline()", false)]
    [InlineData("new CancellationTokenSource(5000).Token", false)]
    [InlineData("timeout.Token", true)]
    public async Task FuseIsOfferedForATokenTheCallsReadButNotOneTheyMake(string token, bool offered)
    {
        var markup = $$"""
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading;
            using System.Threading.Tasks;

            public class C
            {
                private static CancellationToken Deadline() => new CancellationTokenSource(5000).Token;

                public async Task<(int, int)> M(IAsyncEnumerable<int> xs, CancellationTokenSource timeout)
                {
                    var count = await xs.CountAsync({{token}});
                    var max = await {|MAGG001:xs|}.MaxAsync(cancellationToken: {{token}});
                    return (count, max);
                }
            }
            """;

        var actions = await CodeFixRunner.GetActionsAsync(CodeFixRunner.CreateProject(Markup.Parse(markup).Source));
        Assert.Equal(offered, actions.Any(static a => a.EquivalenceKey == Fuse));
    }

    /// <summary>
    /// One await stands for the calls': where they configure it differently, with <c>ConfigureAwait(false)</c> if one of
    /// them had it (the code after it no longer ran on the captured context), and not at all where one is not a constant.
    /// </summary>
    [Theory]
    [InlineData("the same on each", ".ConfigureAwait(false)", ".ConfigureAwait(false)", ".ConfigureAwait(false)")]
    [InlineData("false on the second", "", ".ConfigureAwait(false)", ".ConfigureAwait(false)")]
    [InlineData("true and none", ".ConfigureAwait(true)", "", "")]
    [InlineData("a value known at run time", "", ".ConfigureAwait(resume)", null)]
    public async Task FusedAwaitIsConfiguredAsTheCallsWere(string name, string first, string second, string? fused)
    {
        _ = name;
        var markup = $$"""
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading.Tasks;

            public class C
            {
                public async Task<(int, int)> M(IAsyncEnumerable<int> xs, bool resume)
                {
                    var count = await xs.CountAsync(){{first}};
                    var max = await {|MAGG001:xs|}.MaxAsync(){{second}};
                    return (count, max);
                }
            }
            """;

        var project = CodeFixRunner.CreateProject(Markup.Parse(markup).Source);
        var actions = await CodeFixRunner.GetActionsAsync(project);
        Assert.Equal(fused is not null, actions.Any(static a => a.EquivalenceKey == Fuse));
        if (fused is not null)
        {
            var fixedSource = (await CodeFixRunner.FixAllAsync(project, Fuse))[0];
            Assert.Contains($"= await SummarizeXsAsync(xs){fused};", fixedSource);
        }
    }

    /// <summary>
    /// An AsyncEnumerable of the user's own in a namespace ending in Linq, whose CountAsync takes a non-generic Func: the
    /// async plan read that delegate's last type argument and threw (the code-fix error bar); only System.Linq's counts.
    /// </summary>
    [Fact]
    public async Task AsyncMaterializeLeavesAnotherAsyncEnumerableClassAlone()
    {
        const string Source = """
            using System.Collections.Generic;
            using System.Threading.Tasks;
            using My.Linq;

            namespace My.Linq
            {
                public delegate bool Func();

                public static class AsyncEnumerable
                {
                    public static ValueTask<int> CountAsync<T>(this IAsyncEnumerable<T> source, Func keep) => default;
                }
            }

            public static class C
            {
                public static async Task<int> M(IAsyncEnumerable<int> xs)
                {
                    var n = await xs.CountAsync(() => true);
                    await foreach (var x in xs) n += x;
                    await foreach (var x in xs) n -= x;
                    return n;
                }
            }
            """;
        var project = CodeFixRunner.CreateProject(Source);
        var diagnostics = await CodeFixRunner.GetDiagnosticsAsync(project);
        Assert.NotEmpty(diagnostics);
        for (var i = 0; i < diagnostics.Length; i++)
        {
            Assert.DoesNotContain(await CodeFixRunner.GetActionsAsync(project, i), static a => a.EquivalenceKey == MaterializeOnceCodeFix.EquivalenceKey);
        }
    }

    [Theory]
    [InlineData("passed on", "await foreach (var x in xs) { } await foreach (var y in {|MAGG001:xs|}) { } await Consume(xs);")]
    [InlineData("not awaited where called", "var count = xs.CountAsync(); await foreach (var x in {|MAGG001:xs|}) { } await count;")]
    [InlineData("async predicate", "await foreach (var x in xs) { } await {|MAGG001:xs|}.CountAsync((x, ct) => ValueTask.FromResult(x > 0));")]
    [InlineData("declared wider than its value, which `var` would narrow", "IAsyncEnumerable<object> os = Strings(); await foreach (var o in os) { } await foreach (var p in {|MAGG001:os|}) { } static async IAsyncEnumerable<string> Strings() { await Task.Yield(); yield return \"a\"; }")]
    public async Task AsyncMaterializeIsNotOfferedWhenAUseCannotBeRewritten(string name, string body)
    {
        _ = name;
        var markup = $$"""
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading.Tasks;

            public class C
            {
                public async Task M(IAsyncEnumerable<int> xs)
                {
                    {{body}}
                }

                private static async Task Consume(IAsyncEnumerable<int> xs)
                {
                    await foreach (var x in xs) { }
                }
            }
            """;

        // The framework: no Materialize action, so the code stays as it is and the diagnostic stays reported.
        await CodeFixVerifier.VerifyAsync(markup, markup, MaterializeOnceCodeFix.EquivalenceKey);

        // And no other action either.
        Assert.Empty(await CodeFixRunner.GetActionsAsync(CodeFixRunner.CreateProject(Markup.Parse(markup).Source)));
    }

    private static string RunProgram(Compilation compilation) =>
        (string)TestCompiler.Load(compilation).GetType("Program")!.GetMethod("Run", BindingFlags.Public | BindingFlags.Static)!.Invoke(null, null)!;
}
