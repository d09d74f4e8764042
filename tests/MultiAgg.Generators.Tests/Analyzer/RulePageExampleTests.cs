using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using MultiAgg.CodeFixes;
using MultiAgg.Generators.Analyzers;
using MultiAgg.Generators.Tests.Infrastructure;

namespace MultiAgg.Generators.Tests.Analyzer;

/// <summary>
/// The analyzers' rule pages (MAGG001–MAGG004) show code as a user writes it, with a <c>// MAGG00n: message</c>
/// comment on each line the rule reports. Every C# block on those pages is compiled, in the usual types of the pages'
/// examples (a context <c>db</c> with <c>Orders</c>, EF Core's async operators), and must get exactly the marked
/// diagnostics, with the marked messages: a page whose example is no longer reported, or whose "fixed" code still is,
/// tells users the wrong thing.
/// </summary>
public sealed class RulePageExampleTests
{
    /// <summary>What the pages' examples take as given: the model, a context, EF Core's operators, and a few locals.</summary>
    private const string Prelude = """
        using System.Threading;
        using Microsoft.EntityFrameworkCore;
        using MultiAgg;

        """ + TestSources.DbSetPrelude + """
        public class Order
        {
            public int Id { get; set; }
            public int CustomerId { get; set; }
            public bool IsPaid { get; set; }
            public bool Open { get; set; }
            public decimal Total { get; set; }
        }

        public class Customer
        {
            public int Id { get; set; }
            public string Name { get; set; } = "";
        }

        public class AppDb
        {
            public DbSet<Order> Orders { get; } = new();
            public DbSet<Customer> Customers { get; } = new();
        }

        public record Summary(int Count, List<Order> Rows);

        namespace Microsoft.EntityFrameworkCore
        {
            public static class EntityFrameworkQueryableExtensions
            {
                public static Task<List<T>> ToListAsync<T>(this IQueryable<T> source, CancellationToken ct = default) => Task.FromResult(source.ToList());
                public static Task<int> CountAsync<T>(this IQueryable<T> source, CancellationToken ct = default) => Task.FromResult(source.Count());
                public static Task<int> CountAsync<T>(this IQueryable<T> source, Expression<Func<T, bool>> predicate, CancellationToken ct = default) => Task.FromResult(source.Count(predicate));
                public static Task<decimal> SumAsync<T>(this IQueryable<T> source, Expression<Func<T, decimal>> selector, CancellationToken ct = default) => Task.FromResult(source.Sum(selector));
                public static Task<TResult> MaxAsync<T, TResult>(this IQueryable<T> source, Expression<Func<T, TResult>> selector, CancellationToken ct = default) => Task.FromResult(source.Max(selector)!);
                public static Task<Dictionary<TKey, TValue>> ToDictionaryAsync<T, TKey, TValue>(this IQueryable<T> source, Func<T, TKey> key, Func<T, TValue> value, CancellationToken ct = default)
                    where TKey : notnull => Task.FromResult(source.AsEnumerable().ToDictionary(key, value));
            }
        }

        public abstract class PageBase
        {
            protected readonly AppDb db = new();
            protected readonly List<Customer> customers = new();
            protected readonly int skip = 0, take = 10;
            protected readonly CancellationToken ct = default;
        }

        """;

    private static readonly Regex Marker = new(@"// (MAGG00[1-4])(?::\s*(.*))?$", RegexOptions.Multiline);

    public static TheoryData<string, int> Blocks()
    {
        var blocks = new TheoryData<string, int>();
        foreach (var id in new[] { "MAGG001", "MAGG002", "MAGG003", "MAGG004" })
        {
            for (var i = 0; i < CodeBlocks(id).Count; i++)
            {
                blocks.Add(id, i);
            }
        }

        return blocks;
    }

    [Theory]
    [MemberData(nameof(Blocks))]
    public async Task EachBlockGetsExactlyTheDiagnosticsItsCommentsName(string id, int index)
    {
        var block = CodeBlocks(id)[index];

        // Statements go in a method. Members go in a class, each part of a block that a comment introduces ("// Before",
        // "// After") in a class of its own, since the parts declare the same method. Each line of the source remembers
        // the block's line it is, if any.
        var lines = block.Split('\n');
        var members = Regex.IsMatch(block, @"^(//.*\n)*(public|private|internal|\[)");
        var source = new StringBuilder();
        var blockLineOf = new List<int>();
        void Append(string text, int blockLine = -1)
        {
            foreach (var line in text.TrimEnd('\n').Split('\n'))
            {
                source.Append(line).Append('\n');
                blockLineOf.Add(blockLine);
            }
        }

        Append(Prelude);
        if (!members)
        {
            Append("public class Page : PageBase\n{\npublic async Task Run()\n{");
        }

        for (var line = 0; line < lines.Length; line++)
        {
            if (members && (line == 0 || lines[line].StartsWith("//", StringComparison.Ordinal)))
            {
                Append((line == 0 ? "" : "}\n") + $"public partial class Page{line} : PageBase\n{{");
            }

            Append(lines[line], line);
        }

        Append(members ? "}" : "}\n}");

        var result = TestCompiler.Run(TestCompiler.Compile(source.ToString()));
        var errors = result.CompilationDiagnostics.Where(static d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, $"{id}.md's block {index} does not compile:\n" + string.Join("\n", errors) + "\n\n" + block);
        Assert.Empty(result.GeneratorDiagnostics);

        var reported = new List<Reported>();
        foreach (var analyzer in new DiagnosticAnalyzer[] { new MultipleEnumerationAnalyzer(), new QueryPerElementAnalyzer() })
        {
            reported.AddRange((await AnalyzerRunner.GetDiagnosticsAsync(result.Output, analyzer))
                .Where(d => d.Id.StartsWith("MAGG00", StringComparison.Ordinal) && d.Location.SourceTree == result.Output.SyntaxTrees.First())
                .Select(d => new Reported(blockLineOf[d.Location.GetLineSpan().StartLinePosition.Line], d.Id, d.GetMessage(CultureInfo.InvariantCulture))));
        }

        // Each marked line must be reported with its ID, and with a message that begins with the comment's text, if any.
        var unmarked = reported.ToList();
        for (var line = 0; line < lines.Length; line++)
        {
            if (Marker.Match(lines[line]) is { Success: true } marker)
            {
                var match = unmarked.FindIndex(r => r.Line == line && r.Id == marker.Groups[1].Value
                    && r.Message.StartsWith(marker.Groups[2].Value, StringComparison.Ordinal));
                Assert.True(match >= 0, $"{id}.md's block {index}, line {line + 1}: '{lines[line].Trim()}' is not reported so; reported:\n" + string.Join("\n", reported));
                unmarked.RemoveAt(match);
            }
        }

        Assert.True(unmarked.Count == 0, $"{id}.md's block {index} gets diagnostics its comments do not name:\n" + string.Join("\n", unmarked) + "\n\n" + block);
    }

    /// <summary>
    /// The fuse fix turns a page's example, as written before its comments, into the code the page shows after it: the
    /// next block, or the block's own part after an "// After" comment.
    /// </summary>
    [Theory]
    [InlineData("MAGG001")]
    [InlineData("MAGG002")]
    public async Task EachPagesExampleIsFusedIntoTheCodeItShowsAfterIt(string id)
    {
        var blocks = CodeBlocks(id);
        var example = blocks.First(b => b.Contains("// " + id, StringComparison.Ordinal));
        var (before, after) = example.IndexOf("\n// After", StringComparison.Ordinal) is var split and >= 0
            ? (example[..(split + 1)], example[(example.IndexOf('\n', split + 1) + 1)..])
            : (example, blocks[blocks.IndexOf(example) + 1]);
        var written = Regex.Replace(Regex.Replace(before, @"^// Before.*\n", ""), @"\s*// MAGG00.*$", "", RegexOptions.Multiline).TrimEnd() + "\n";
        const string Header = "using System.Collections.Generic;\nusing System.Linq;\nusing System.Threading;\nusing System.Threading.Tasks;\nusing Microsoft.EntityFrameworkCore;\nusing MultiAgg;\n\npublic static partial class Page\n{\n";

        var fixedSource = await CodeFixRunner.ApplyAsync(
            new[] { Header + Indent(written) + "}\n", Prelude }, id == "MAGG001" ? FuseAggregatesCodeFix.EquivalenceKey : MultipleEnumerationFixAll.EquivalenceKey);

        Assert.Equal(Header + Indent(after.TrimEnd() + "\n") + "}\n", fixedSource.ReplaceLineEndings("\n"));
    }

    private static string Indent(string block) =>
        string.Concat(block.Split('\n').Select(static l => l.Length == 0 ? "\n" : "    " + l + "\n"))[..^1];

    private sealed record Reported(int Line, string Id, string Message)
    {
        public override string ToString() => $"line {Line + 1}: {Id}: {Message}";
    }

    /// <summary>A block inside a list item is indented as the item is; the code is not.</summary>
    private static string Dedent(string block)
    {
        var lines = block.TrimEnd().Split('\n');
        var indent = lines.Where(static l => l.Trim().Length > 0).Min(static l => l.Length - l.TrimStart().Length);
        return string.Join("\n", lines.Select(l => l.Length >= indent ? l[indent..] : l.TrimStart())) + "\n";
    }

    /// <summary>The page's C# blocks, in order, each with its last line's newline.</summary>
    private static List<string> CodeBlocks(string id)
    {
        var page = TestPaths.RulePage(id);
        return Regex.Matches(page, "```csharp\n(.*?)```", RegexOptions.Singleline).Select(static m => Dedent(m.Groups[1].Value)).ToList();
    }
}
