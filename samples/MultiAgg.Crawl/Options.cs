namespace MultiAgg.Crawl;

/// <summary>A command's <c>--name value</c> (or <c>--name=value</c>) options, parsed by hand.</summary>
internal sealed class Options
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    private Options()
    {
    }

    public static Options Parse(ReadOnlySpan<string> args)
    {
        var options = new Options();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                throw new UsageException($"expected an option (--name value), got '{arg}'");
            }

            string name, value;
            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                name = arg[2..equals];
                value = arg[(equals + 1)..];
            }
            else if (i + 1 < args.Length)
            {
                name = arg[2..];
                value = args[++i];
            }
            else
            {
                throw new UsageException($"option '{arg}' has no value");
            }

            if (!options._values.TryAdd(name, value))
            {
                throw new UsageException($"option '--{name}' given twice");
            }
        }

        return options;
    }

    public string Required(string name) =>
        Optional(name) ?? throw new UsageException($"missing option --{name}");

    public string? Optional(string name)
    {
        _read.Add(name);
        return _values.TryGetValue(name, out var value) ? value : null;
    }

    public long Long(string name, long? fallback = null, long min = 0)
    {
        var text = fallback is null ? Required(name) : Optional(name);
        if (text is null)
        {
            return fallback!.Value;
        }

        return long.TryParse(text.Replace("_", "", StringComparison.Ordinal), NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var value) && value >= min
            ? value
            : throw new UsageException($"--{name} must be an integer >= {min}, got '{text}'");
    }

    public int Int(string name, int? fallback = null, int min = 0)
    {
        var value = Long(name, fallback, min);
        return value <= int.MaxValue ? (int)value : throw new UsageException($"--{name} must be at most {int.MaxValue}, got {value}");
    }

    public string[] List(string name, string[] fallback) =>
        Optional(name) is { } text
            ? text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : fallback;

    public long[] LongList(string name, long[] fallback) =>
        [.. List(name, [.. fallback.Select(n => n.ToString(CultureInfo.InvariantCulture))]).Select(text =>
            long.TryParse(text.Replace("_", "", StringComparison.Ordinal), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
                ? value
                : throw new UsageException($"--{name} must be a comma-separated list of positive integers, got '{text}'"))];

    /// <summary>Call after reading every option: a misspelt one is an error, not silently ignored.</summary>
    public void RejectUnknown()
    {
        var unknown = _values.Keys.Where(name => !_read.Contains(name)).ToArray();
        if (unknown.Length > 0)
        {
            throw new UsageException($"unknown option(s): {string.Join(", ", unknown.Select(name => "--" + name))}");
        }
    }
}

internal sealed class UsageException(string message) : Exception(message);
