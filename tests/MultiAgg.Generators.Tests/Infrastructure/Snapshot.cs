using System.Runtime.CompilerServices;

namespace MultiAgg.Generators.Tests.Infrastructure;

/// <summary>
/// Compares generated text with a committed snapshot named as Verify names them
/// (<c>Snapshots/{Class}.{Test}#{HintName without .cs}.verified.cs</c>), so switching to
/// Verify.SourceGenerators later is a rename-free change. A mismatch writes a <c>.received.cs</c>
/// beside it and fails with the first differing line. The generator's version is scrubbed. Set MULTIAGG_ACCEPT_SNAPSHOTS=1 to accept
/// new output locally; CI never accepts.
/// </summary>
internal static class Snapshot
{
    public static void Verify(GeneratorResult result, [CallerFilePath] string callerFile = "", [CallerMemberName] string test = "")
    {
        var sources = result.Sources.ToList();
        Assert.NotEmpty(sources);
        foreach (var source in sources)
        {
            Verify(source.HintName, source.SourceText.ToString(), callerFile, test);
        }
    }

    public static void Verify(string hintName, string actual, string callerFile, string test)
    {
        var directory = TestPaths.Snapshots;
        var stem = $"{Path.GetFileNameWithoutExtension(callerFile.Replace('\\', '/').Split('/')[^1])}.{test}#{Path.ChangeExtension(hintName, null)}";
        var verified = Path.Combine(directory, stem + ".verified.cs");
        var received = Path.Combine(directory, stem + ".received.cs");
        actual = Scrub(actual.Replace("\r\n", "\n", StringComparison.Ordinal));

        var expected = File.Exists(verified) ? Scrub(File.ReadAllText(verified).Replace("\r\n", "\n", StringComparison.Ordinal)) : null;
        if (expected == actual)
        {
            File.Delete(received);
            return;
        }

        var accept = Environment.GetEnvironmentVariable("MULTIAGG_ACCEPT_SNAPSHOTS") == "1" && Environment.GetEnvironmentVariable("CI") != "true";
        if (accept)
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(verified, actual);
            File.Delete(received);
            return;
        }

        Directory.CreateDirectory(directory);
        File.WriteAllText(received, actual);
        Assert.Fail(expected is null
            ? $"No snapshot {Path.GetFileName(verified)} yet; review {Path.GetFileName(received)} and accept it (MULTIAGG_ACCEPT_SNAPSHOTS=1)."
            : $"Snapshot {Path.GetFileName(verified)} differs; see {Path.GetFileName(received)}.\n{FirstDifference(expected, actual)}");
    }

    /// <summary>The generator's version (in [GeneratedCode]) follows the package's, so snapshots hold a placeholder.</summary>
    private static string Scrub(string text) => GeneratedCodeVersion.Replace(text, "$1{version}$2");

    private static readonly System.Text.RegularExpressions.Regex GeneratedCodeVersion =
        new("(GeneratedCode\\(\"MultiAgg\\.Generators\", \")[^\"]*(\"\\))", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    private static string FirstDifference(string expected, string actual)
    {
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        for (var i = 0; i < Math.Max(e.Length, a.Length); i++)
        {
            var left = i < e.Length ? e[i] : "<end>";
            var right = i < a.Length ? a[i] : "<end>";
            if (left != right)
            {
                return $"line {i + 1}:\n  verified: {left}\n  received: {right}";
            }
        }

        return "(whitespace only)";
    }
}
