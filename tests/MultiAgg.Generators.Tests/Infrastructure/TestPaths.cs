namespace MultiAgg.Generators.Tests.Infrastructure;

/// <summary>
/// Paths in the repository, found from the test binaries rather than [CallerFilePath]: CI builds
/// map source paths to "/_/" (ContinuousIntegrationBuild), which would point nowhere.
/// </summary>
internal static class TestPaths
{
    private static readonly Lazy<string> Root = new(() =>
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "MultiAgg.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("MultiAgg.sln not found above " + AppContext.BaseDirectory);
    });

    public static string RepositoryRoot => Root.Value;

    /// <summary>The text of a rule's page, docs/rules/<paramref name="id"/>.md, with <c>\n</c> line endings.</summary>
    public static string RulePage(string id) => File.ReadAllText(Path.Combine(RepositoryRoot, "docs", "rules", id + ".md")).ReplaceLineEndings("\n");

    public static string Snapshots => Path.Combine(RepositoryRoot, "tests", "MultiAgg.Generators.Tests", "Generator", "Snapshots");
}
