using System.Text.RegularExpressions;

namespace MultiAgg.Precision;

/// <summary>The command line: a source directory, <c>--exclude</c> patterns and a few switches.</summary>
internal sealed class Options
{
    private Options(string sourceDirectory, IReadOnlyList<string> excludes, bool listMagg001, int contextLines, int maxMethodLines, int showErrors)
    {
        ShowErrors = showErrors;
        SourceDirectory = sourceDirectory;
        Excludes = excludes;
        ListMagg001 = listMagg001;
        ContextLines = contextLines;
        MaxMethodLines = maxMethodLines;
    }

    public const string Usage = """
        usage: MultiAgg.Precision <source-dir> [--exclude <glob-or-substring>]... [--list-magg001]
                                  [--context N] [--max-method-lines N] [--show-errors N]
          Compiles every project (.csproj directory) under <source-dir> from its .cs files, runs MAGG001-MAGG004
          and prints every MAGG002/MAGG003/MAGG004 diagnostic with the method it is in.
          --exclude P          skip files whose path (relative to <source-dir>, with '/') matches P: a glob
                               when P has '*' or '?' ('**' crosses folders), else a substring (case-insensitive)
          --list-magg001       list MAGG001 diagnostics too (default: counted only)
          --context N          lines either side of the diagnostic when the method is too long (default 15)
          --max-method-lines N print the whole containing method up to N lines (default 80)
          --show-errors N      print each project's first N compile errors (default 0), to see what does not bind
        """;

    /// <summary>The directory whose projects are analyzed (full path).</summary>
    public string SourceDirectory { get; }

    public IReadOnlyList<string> Excludes { get; }

    public bool ListMagg001 { get; }

    public int ContextLines { get; }

    public int MaxMethodLines { get; }

    public int ShowErrors { get; }

    public static Options Parse(string[] args)
    {
        string? directory = null;
        var excludes = new List<string>();
        var listMagg001 = false;
        var context = 15;
        var maxMethodLines = 80;
        var showErrors = 0;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--exclude":
                    excludes.Add(Value(args, ref i));
                    break;
                case "--list-magg001":
                    listMagg001 = true;
                    break;
                case "--context":
                    context = int.Parse(Value(args, ref i), CultureInfo.InvariantCulture);
                    break;
                case "--max-method-lines":
                    maxMethodLines = int.Parse(Value(args, ref i), CultureInfo.InvariantCulture);
                    break;
                case "--show-errors":
                    showErrors = int.Parse(Value(args, ref i), CultureInfo.InvariantCulture);
                    break;
                case var arg when arg.StartsWith("--", StringComparison.Ordinal):
                    throw new UsageException($"unknown option '{arg}'");
                case var arg when directory is null:
                    directory = arg;
                    break;
                case var arg:
                    throw new UsageException($"more than one source directory ('{directory}', '{arg}')");
            }
        }

        if (directory is null)
        {
            throw new UsageException("no source directory");
        }

        if (!Directory.Exists(directory))
        {
            throw new UsageException($"'{directory}' is not a directory");
        }

        return new Options(Path.GetFullPath(directory), excludes, listMagg001, context, maxMethodLines, showErrors);
    }

    /// <summary>Whether a path relative to the source directory (with '/') matches an <c>--exclude</c> pattern.</summary>
    public bool IsExcluded(string relativePath) => Excludes.Any(pattern => Matches(pattern, relativePath));

    private static bool Matches(string pattern, string relativePath)
    {
        if (!pattern.Contains('*', StringComparison.Ordinal) && !pattern.Contains('?', StringComparison.Ordinal))
        {
            return relativePath.Contains(pattern, StringComparison.OrdinalIgnoreCase);
        }

        var regex = "^" + Regex.Escape(pattern)
            .Replace(@"\*\*/", "(.*/)?", StringComparison.Ordinal)
            .Replace(@"\*\*", ".*", StringComparison.Ordinal)
            .Replace(@"\*", "[^/]*", StringComparison.Ordinal)
            .Replace(@"\?", "[^/]", StringComparison.Ordinal) + "$";
        return Regex.IsMatch(relativePath, regex, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    }

    private static string Value(string[] args, ref int i) =>
        i + 1 < args.Length ? args[++i] : throw new UsageException($"option '{args[i]}' has no value");
}

/// <summary>A mistake on the command line: the message and the usage are printed, exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
