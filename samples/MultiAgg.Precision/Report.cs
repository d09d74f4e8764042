using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace MultiAgg.Precision;

/// <summary>The printed report: each listed diagnostic with its source, then the counts and times.</summary>
internal static class Report
{
    private static readonly string[] Ids = ["MAGG001", "MAGG002", "MAGG003", "MAGG004"];

    public static void Findings(ProjectResult result, Options options)
    {
        var listed = result.Findings
            .Where(d => Program.IsListed(d, options))
            .OrderBy(d => d.Location.SourceTree?.FilePath, StringComparer.Ordinal)
            .ThenBy(d => d.Location.SourceSpan.Start)
            .ThenBy(d => d.Id, StringComparer.Ordinal);
        foreach (var diagnostic in listed)
        {
            Finding(diagnostic, options);
        }

        foreach (var error in result.Errors.Take(options.ShowErrors))
        {
            var span = error.Location.GetLineSpan();
            Console.WriteLine($"{result.Project.Name}: {SourceProjects.Relative(options.SourceDirectory, span.Path)}:{span.StartLinePosition.Line + 1}: {error.Id} {error.GetMessage(CultureInfo.InvariantCulture)}");
        }

        foreach (var exception in result.AnalyzerExceptions)
        {
            Console.WriteLine($"{result.Project.Name}: analyzer exception: {exception}");
        }
    }

    public static void Summary(IReadOnlyList<ProjectResult> results, Options options, TimeSpan elapsed)
    {
        Console.WriteLine("== per project ==");
        Console.WriteLine($"{"project",-60} {"files",6} {"lines",8} {"errors",7} {"MAGG001",8} {"MAGG002",8} {"MAGG003",8} {"MAGG004",8}");
        foreach (var result in results)
        {
            var counts = Ids.Select(id => result.Findings.Count(d => d.Id == id).ToString(CultureInfo.InvariantCulture).PadLeft(8));
            Console.WriteLine($"{result.Project.Name,-60} {result.Project.Files.Count,6} {result.Lines,8} {result.Errors.Count,7} {string.Join(' ', counts)}");
        }

        Console.WriteLine();
        Console.WriteLine("== summary ==");
        Console.WriteLine($"source: {options.SourceDirectory}");
        Console.WriteLine($"projects: {results.Count}; files analyzed: {results.Sum(r => r.Project.Files.Count)}; lines: {results.Sum(r => r.Lines)}");
        Console.WriteLine(string.Join("; ", Ids.Select(id => $"{id}: {results.Sum(r => r.Findings.Count(d => d.Id == id))}")));
        var exceptions = results.Sum(r => r.AnalyzerExceptions.Count + r.Findings.Count(d => d.Id == "AD0001"));
        Console.WriteLine($"analyzer exceptions: {exceptions}");

        var errors = results.SelectMany(r => r.Errors).ToList();
        var topCodes = errors.GroupBy(d => d.Id).OrderByDescending(g => g.Count()).Take(8).Select(g => $"{g.Key} {g.Count()}");
        Console.WriteLine($"compile errors: {errors.Count} ({string.Join(", ", topCodes)})");

        var binding = new BindingCheck();
        foreach (var result in results)
        {
            binding.Add(result.Binding);
        }

        Console.WriteLine(
            $"binding spot-check: {binding.DbContexts} DbContext classes with {binding.DbSets} DbSet<T> properties bound; "
            + $"EF Core async operator calls (ToListAsync, CountAsync...): {binding.EfCoreAsyncCalls} bound to EntityFrameworkQueryableExtensions, "
            + $"{binding.OtherAsyncCalls} bound to another method, {binding.UnresolvedAsyncCalls} unresolved");

        var compile = TimeSpan.FromTicks(results.Sum(r => r.CompileTime.Ticks));
        var analyzers = TimeSpan.FromTicks(results.Sum(r => r.AnalyzerTime.Ticks));
        var perAnalyzer = results.SelectMany(r => r.AnalyzerExecutionTimes)
            .GroupBy(pair => pair.Key, StringComparer.Ordinal)
            .Select(g => $"{g.Key} {TimeSpan.FromTicks(g.Sum(pair => pair.Value.Ticks)).TotalSeconds:F2} s");
        Console.WriteLine(
            $"time: compile (GetDiagnostics) {compile.TotalSeconds:F1} s; analyzers (GetAnalyzerDiagnosticsAsync, wall) {analyzers.TotalSeconds:F1} s; "
            + $"analyzer execution: {string.Join(", ", perAnalyzer)}; total {elapsed.TotalSeconds:F1} s");
    }

    private static void Finding(Diagnostic diagnostic, Options options)
    {
        var tree = diagnostic.Location.SourceTree!;
        var root = options.SourceDirectory;
        var line = diagnostic.Location.GetLineSpan().StartLinePosition.Line;
        Console.WriteLine($"{SourceProjects.Relative(root, tree.FilePath)}:{line + 1}: {diagnostic.Id} {diagnostic.GetMessage(CultureInfo.InvariantCulture)}");
        var others = diagnostic.AdditionalLocations.Where(l => l.IsInSource).ToList();
        if (others.Count > 0)
        {
            var where = others.Select(l => l.SourceTree == tree
                ? $"{l.GetLineSpan().StartLinePosition.Line + 1}"
                : $"{SourceProjects.Relative(root, l.SourceTree!.FilePath)}:{l.GetLineSpan().StartLinePosition.Line + 1}");
            Console.WriteLine($"    earlier/related at line {string.Join(", ", where)}");
        }

        var node = tree.GetRoot().FindNode(diagnostic.Location.SourceSpan);
        var member = node.AncestorsAndSelf().FirstOrDefault(n => n is BaseMethodDeclarationSyntax or AccessorDeclarationSyntax
            or BasePropertyDeclarationSyntax or FieldDeclarationSyntax or GlobalStatementSyntax);
        if (member is AccessorDeclarationSyntax { Parent.Parent: BasePropertyDeclarationSyntax property })
        {
            member = property;
        }

        var text = tree.GetText();
        var (first, last) = member is null or GlobalStatementSyntax
            ? (0, text.Lines.Count - 1)
            : (text.Lines.GetLinePosition(member.FullSpan.Start).Line, text.Lines.GetLinePosition(member.Span.End).Line);
        while (first < last && string.IsNullOrWhiteSpace(text.Lines[first].ToString()))
        {
            first++;
        }

        var marked = others.Where(l => l.SourceTree == tree).Select(l => l.GetLineSpan().StartLinePosition.Line).Append(line).ToHashSet();
        if (last - first + 1 <= options.MaxMethodLines)
        {
            Print(text, [(first, last)], line, marked);
        }
        else
        {
            // Too long: a window around the diagnostic and each earlier location, within the member.
            var windows = marked.Order()
                .Select(l => (Math.Max(first, l - options.ContextLines), Math.Min(last, l + options.ContextLines)))
                .Aggregate(new List<(int, int)>(), Merge);
            Print(text, windows, line, marked);
        }

        Console.WriteLine();
    }

    private static List<(int First, int Last)> Merge(List<(int First, int Last)> windows, (int First, int Last) next)
    {
        if (windows.Count > 0 && next.First <= windows[^1].Last + 1)
        {
            windows[^1] = (windows[^1].First, Math.Max(windows[^1].Last, next.Last));
        }
        else
        {
            windows.Add(next);
        }

        return windows;
    }

    private static void Print(SourceText text, List<(int First, int Last)> windows, int line, HashSet<int> marked)
    {
        for (var w = 0; w < windows.Count; w++)
        {
            if (w > 0)
            {
                Console.WriteLine("      ...");
            }

            for (var i = windows[w].First; i <= windows[w].Last; i++)
            {
                var mark = i == line ? '>' : marked.Contains(i) ? '+' : ' ';
                Console.WriteLine($"{mark}{i + 1,5}  {text.Lines[i]}");
            }
        }
    }
}
