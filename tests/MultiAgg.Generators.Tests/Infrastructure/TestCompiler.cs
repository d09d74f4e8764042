using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using MultiAgg.Generators;

namespace MultiAgg.Generators.Tests.Infrastructure;

/// <summary>Compiles C# in memory, runs the generator over it, and loads what it produced.</summary>
internal static class TestCompiler
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
    {
        // The running framework's assemblies plus the MultiAgg contract: what a consumer compiles against.
        var platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        return platform
            .Where(static p => Path.GetFileName(p) is var name && (name.StartsWith("System.", StringComparison.Ordinal) || name is "mscorlib.dll" or "netstandard.dll"))
            .Append(typeof(Agg).Assembly.Location)
            .Select(static p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToImmutableArray();
    });

    public static ImmutableArray<MetadataReference> MetadataReferences => References.Value;

    public static CSharpCompilation Compile(
        string source,
        LanguageVersion languageVersion = LanguageVersion.Latest,
        bool checkOverflow = false,
        NullableContextOptions nullable = NullableContextOptions.Enable,
        OutputKind outputKind = OutputKind.DynamicallyLinkedLibrary) =>
        Compile(new[] { source }, languageVersion, checkOverflow, nullable, outputKind);

    public static CSharpCompilation Compile(
        IEnumerable<string> sources,
        LanguageVersion languageVersion = LanguageVersion.Latest,
        bool checkOverflow = false,
        NullableContextOptions nullable = NullableContextOptions.Enable,
        OutputKind outputKind = OutputKind.DynamicallyLinkedLibrary)
    {
        var parseOptions = new CSharpParseOptions(languageVersion);
        var trees = sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, parseOptions, path: $"Test{i}.cs"));
        return CSharpCompilation.Create(
            "Tests" + Guid.NewGuid().ToString("N"),
            trees,
            References.Value,
            new CSharpCompilationOptions(outputKind, checkOverflow: checkOverflow, nullableContextOptions: nullable, allowUnsafe: true));
    }

    public static GeneratorDriver CreateDriver(CSharpCompilation compilation, bool trackSteps = false) =>
        CSharpGeneratorDriver.Create(
            new[] { new AggregateGenerator().AsSourceGenerator() },
            parseOptions: (CSharpParseOptions)compilation.SyntaxTrees.First().Options,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: trackSteps));

    public static GeneratorResult Run(CSharpCompilation compilation)
    {
        var driver = CreateDriver(compilation).RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
        return new GeneratorResult(output, generatorDiagnostics, driver.GetRunResult());
    }

    public static GeneratorResult Run(string source, LanguageVersion languageVersion = LanguageVersion.Latest, bool checkOverflow = false) =>
        Run(Compile(source, languageVersion, checkOverflow));

    /// <summary>Emits the compilation and loads it into a collectible context.</summary>
    public static Assembly Load(Compilation compilation)
    {
        using var stream = new MemoryStream();
        var emit = compilation.Emit(stream);
        Assert.True(emit.Success, "Emit failed:\n" + string.Join("\n", emit.Diagnostics.Where(static d => d.Severity == DiagnosticSeverity.Error)));
        stream.Position = 0;
        var context = new AssemblyLoadContext("MultiAgg.Tests." + compilation.AssemblyName, isCollectible: true);
        return context.LoadFromStream(stream);
    }
}

internal sealed record GeneratorResult(Compilation Output, ImmutableArray<Diagnostic> GeneratorDiagnostics, GeneratorDriverRunResult RunResult)
{
    public ImmutableArray<Diagnostic> CompilationDiagnostics => Output.GetDiagnostics();

    public IEnumerable<GeneratedSourceResult> Sources => RunResult.Results.SelectMany(static r => r.GeneratedSources);

    public string SingleSource => Assert.Single(Sources).SourceText.ToString();

    /// <summary>Asserts the generator reported nothing and the output compiles with no error or warning.</summary>
    public GeneratorResult AssertClean()
    {
        Assert.Empty(GeneratorDiagnostics);
        var problems = CompilationDiagnostics.Where(static d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.True(problems.Count == 0, "The output compilation has problems:\n" + string.Join("\n", problems) + "\n\n" + string.Join("\n\n", Sources.Select(static s => s.SourceText.ToString())));
        return this;
    }
}
