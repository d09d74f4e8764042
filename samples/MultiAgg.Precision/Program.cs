using Microsoft.CodeAnalysis;

namespace MultiAgg.Precision;

/// <summary>
/// Runs MultiAgg's query analyzers (MAGG001-MAGG004) over the C# sources of an application, one compilation per
/// project, and prints every MAGG002/MAGG003/MAGG004 diagnostic with its method, to be judged by hand. See README.md.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        Options options;
        try
        {
            options = Options.Parse(args);
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine(e.Message);
            Console.Error.WriteLine(Options.Usage);
            return 2;
        }

        var total = Stopwatch.StartNew();
        var (projects, skipped) = SourceProjects.Find(options);
        var references = References.Load();
        Console.WriteLine($"# {options.SourceDirectory}: {projects.Count} projects, {projects.Sum(p => p.Files.Count)} files, {references.Length} metadata references");
        Console.WriteLine($"# skipped .cs files: {skipped}");
        Console.WriteLine();

        var results = new List<ProjectResult>();
        var byFile = new Dictionary<string, ProjectResult>(StringComparer.Ordinal);
        foreach (var project in projects)
        {
            var dependencies = Closure(project, byFile);
            var result = await ProjectAnalysis.RunAsync(project, references, dependencies);
            results.Add(result);
            byFile[project.ProjectFile] = result;
            Report.Findings(result, options);
        }

        Report.Summary(results, options, total.Elapsed);
        return 0;
    }

    /// <summary>The results of every project the project references, directly or not (ProjectReference is transitive).</summary>
    private static List<ProjectResult> Closure(SourceProject project, Dictionary<string, ProjectResult> byFile)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>(project.References);
        var closure = new List<ProjectResult>();
        while (pending.Count > 0)
        {
            var file = pending.Pop();
            if (seen.Add(file) && byFile.TryGetValue(file, out var result))
            {
                closure.Add(result);
                foreach (var reference in result.Project.References)
                {
                    pending.Push(reference);
                }
            }
        }

        return closure;
    }

    internal static bool IsListed(Diagnostic diagnostic, Options options) =>
        diagnostic.Id is "MAGG002" or "MAGG003" or "MAGG004" or "AD0001" || (options.ListMagg001 && diagnostic.Id == "MAGG001");
}
