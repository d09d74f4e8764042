using System.Reflection.PortableExecutable;
using Microsoft.CodeAnalysis;

namespace MultiAgg.Precision;

/// <summary>
/// The metadata references the analyzed code binds against: this program's TRUSTED_PLATFORM_ASSEMBLIES (the .NET and
/// ASP.NET Core shared frameworks) and the managed DLLs of its output directory (EF Core and its dependencies).
/// Roslyn and MultiAgg's own assemblies are left out: the analyzed code does not use them.
/// </summary>
internal static class References
{
    public static ImmutableArray<MetadataReference> Load()
    {
        var trusted = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        var local = Directory.GetFiles(AppContext.BaseDirectory, "*.dll");
        var byName = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var path in trusted.Concat(local))
        {
            var name = Path.GetFileNameWithoutExtension(path);
            if (name.StartsWith("Microsoft.CodeAnalysis", StringComparison.OrdinalIgnoreCase)
                || name.StartsWith("MultiAgg.", StringComparison.OrdinalIgnoreCase)
                || byName.ContainsKey(name)
                || !HasMetadata(path))
            {
                continue;
            }

            byName[name] = path;
        }

        return [.. byName.Values.Order(StringComparer.Ordinal).Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))];
    }

    private static bool HasMetadata(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            using var reader = new PEReader(stream);
            return reader.HasMetadata;
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    }
}
