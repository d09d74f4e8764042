using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace MultiAgg.Precision;

/// <summary>A project found under the source directory: its .csproj, its .cs files and the projects it references.</summary>
internal sealed class SourceProject(string name, string projectFile)
{
    /// <summary>The assembly name (the .csproj's file name), so that <c>InternalsVisibleTo</c> between projects holds.</summary>
    public string Name { get; } = name;

    public string ProjectFile { get; } = projectFile;

    public string Directory => Path.GetDirectoryName(ProjectFile)!;

    public List<string> Files { get; } = [];

    /// <summary>Full paths of the .csproj files named by <c>ProjectReference</c> items.</summary>
    public List<string> References { get; } = [];

    /// <summary>
    /// The SDK whose implicit usings the project gets beyond a console project's (<c>Web</c> or <c>Worker</c>), when
    /// <c>ImplicitUsings</c> is enabled in the .csproj or a Directory.Build.props above it; else null.
    /// </summary>
    public string? ImplicitUsingsSdk { get; set; }
}

/// <summary>
/// Finds the projects under a directory and assigns each .cs file to the nearest .csproj above it, skipping bin/obj,
/// test projects, migrations, generated files and what <c>--exclude</c> names.
/// </summary>
internal static partial class SourceProjects
{
    /// <summary>A folder of tests: test, tests, Foo.Tests, Foo.Test, FooTests, Foo.IntegrationTest, Test.Foo, Foo.Tests.Bar...</summary>
    [GeneratedRegex(@"^(tests?|.*[.\-_]tests?|.*tests|test[.\-_].*|.*[.\-_]tests?[.\-_].*)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TestFolder();

    private static readonly string[] SkippedFolders = ["bin", "obj", ".git", ".vs", "node_modules", "wwwroot"];

    private static readonly string[] GeneratedSuffixes = [".g.cs", ".g.i.cs", ".designer.cs", ".generated.cs", ".AssemblyInfo.cs"];

    /// <summary>The projects, in an order where every project comes after those it references.</summary>
    public static (IReadOnlyList<SourceProject> Projects, SkipCounts Skipped) Find(Options options)
    {
        var root = options.SourceDirectory;
        var projects = new Dictionary<string, SourceProject>(StringComparer.Ordinal);
        var sources = new List<string>();
        var skipped = new SkipCounts();
        Walk(root, options, projects, sources, skipped);

        var byDirectory = projects.Values.ToDictionary(p => p.Directory, StringComparer.Ordinal);
        foreach (var file in sources)
        {
            var owner = OwnerOf(file, root, byDirectory);
            if (owner is null)
            {
                skipped.OutsideProjects++;
            }
            else if (IsGenerated(file))
            {
                skipped.Generated++;
            }
            else
            {
                owner.Files.Add(file);
            }
        }

        foreach (var project in projects.Values)
        {
            project.References.AddRange(ReadProjectReferences(project.ProjectFile).Where(projects.ContainsKey));
            var text = File.ReadAllText(project.ProjectFile);
            var sdk = text.Contains("Microsoft.NET.Sdk.Web", StringComparison.OrdinalIgnoreCase) ? "Web"
                : text.Contains("Microsoft.NET.Sdk.Worker", StringComparison.OrdinalIgnoreCase) ? "Worker"
                : null;
            project.ImplicitUsingsSdk = sdk is not null && EnablesImplicitUsings(project.Directory, root) ? sdk : null;
        }

        var ordered = new List<SourceProject>();
        var visited = new HashSet<string>(StringComparer.Ordinal);
        foreach (var project in projects.Values.OrderBy(p => p.ProjectFile, StringComparer.Ordinal))
        {
            Visit(project, projects, visited, ordered);
        }

        ordered.RemoveAll(p => p.Files.Count == 0);
        return (ordered, skipped);
    }

    /// <summary>The path relative to the source directory, with '/'.</summary>
    public static string Relative(string root, string path) => Path.GetRelativePath(root, path).Replace('\\', '/');

    private static void Walk(string directory, Options options, Dictionary<string, SourceProject> projects, List<string> sources, SkipCounts skipped)
    {
        var projectFiles = System.IO.Directory.GetFiles(directory, "*.csproj").Order(StringComparer.Ordinal).ToArray();
        if (projectFiles.Length > 0 && !options.IsExcluded(Relative(options.SourceDirectory, projectFiles[0])))
        {
            // Two projects in one folder share their files: the first (by name) gets them.
            var file = Path.GetFullPath(projectFiles[0]);
            projects[file] = new SourceProject(Path.GetFileNameWithoutExtension(file), file);
        }

        foreach (var file in System.IO.Directory.GetFiles(directory, "*.cs"))
        {
            if (options.IsExcluded(Relative(options.SourceDirectory, file)))
            {
                skipped.Excluded++;
            }
            else
            {
                sources.Add(Path.GetFullPath(file));
            }
        }

        foreach (var child in System.IO.Directory.GetDirectories(directory).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(child);
            if (SkippedFolders.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                continue;
            }

            if (TestFolder().IsMatch(name))
            {
                skipped.TestFiles += CountSources(child);
            }
            else if (name.EndsWith("Migrations", StringComparison.OrdinalIgnoreCase))
            {
                skipped.MigrationFiles += CountSources(child);
            }
            else
            {
                Walk(child, options, projects, sources, skipped);
            }
        }
    }

    private static int CountSources(string directory) =>
        System.IO.Directory.EnumerateFiles(directory, "*.cs", SearchOption.AllDirectories).Count();

    /// <summary>The project of the nearest folder above the file that has a .csproj.</summary>
    private static SourceProject? OwnerOf(string file, string root, Dictionary<string, SourceProject> byDirectory)
    {
        for (var directory = Path.GetDirectoryName(file); directory is not null && directory.Length >= root.Length; directory = Path.GetDirectoryName(directory))
        {
            if (byDirectory.TryGetValue(directory, out var project))
            {
                return project;
            }
        }

        return null;
    }

    private static bool IsGenerated(string file)
    {
        if (GeneratedSuffixes.Any(suffix => file.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)))
        {
            return true;
        }

        using var reader = new StreamReader(file);
        for (var i = 0; i < 10 && reader.ReadLine() is { } line; i++)
        {
            if (line.Contains("<auto-generated", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether the .csproj in the folder or a Directory.Build.props at or above it sets ImplicitUsings to enable or true.</summary>
    private static bool EnablesImplicitUsings(string directory, string root)
    {
        for (var current = directory; current is not null && current.Length >= root.Length; current = Path.GetDirectoryName(current))
        {
            var files = System.IO.Directory.GetFiles(current, "*.csproj").Append(Path.Combine(current, "Directory.Build.props")).Where(File.Exists);
            foreach (var file in files)
            {
                if (ImplicitUsings().Match(File.ReadAllText(file)) is { Success: true } match)
                {
                    return match.Groups[1].Value.Equals("enable", StringComparison.OrdinalIgnoreCase)
                        || match.Groups[1].Value.Equals("true", StringComparison.OrdinalIgnoreCase);
                }
            }
        }

        return false;
    }

    [GeneratedRegex(@"<ImplicitUsings>\s*(\w+)\s*</ImplicitUsings>", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ImplicitUsings();

    private static IEnumerable<string> ReadProjectReferences(string projectFile)
    {
        XDocument document;
        try
        {
            document = XDocument.Load(projectFile);
        }
        catch (System.Xml.XmlException)
        {
            yield break;
        }

        var directory = Path.GetDirectoryName(projectFile)!;
        foreach (var element in document.Descendants().Where(e => e.Name.LocalName == "ProjectReference"))
        {
            if (element.Attribute("Include")?.Value is { Length: > 0 } include && !include.Contains("$(", StringComparison.Ordinal))
            {
                yield return Path.GetFullPath(Path.Combine(directory, include.Replace('\\', '/')));
            }
        }
    }

    private static void Visit(SourceProject project, Dictionary<string, SourceProject> projects, HashSet<string> visited, List<SourceProject> ordered)
    {
        if (!visited.Add(project.ProjectFile))
        {
            return;
        }

        foreach (var reference in project.References)
        {
            Visit(projects[reference], projects, visited, ordered);
        }

        ordered.Add(project);
    }
}

/// <summary>How many .cs files were left out, and why.</summary>
internal sealed class SkipCounts
{
    public int TestFiles { get; set; }

    public int MigrationFiles { get; set; }

    public int Generated { get; set; }

    public int Excluded { get; set; }

    public int OutsideProjects { get; set; }

    public override string ToString() =>
        $"tests {TestFiles}, migrations {MigrationFiles}, generated {Generated}, --exclude {Excluded}, outside any project {OutsideProjects}";
}
