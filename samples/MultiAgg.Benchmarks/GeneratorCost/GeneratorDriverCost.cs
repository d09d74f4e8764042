using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using MultiAgg.Generators;

namespace MultiAgg.Benchmarks.GeneratorCost;

/// <summary>
/// The generator's own cost over the 1,000 methods of <see cref="GeneratorCostProject"/>, compiled in memory
/// against the .NET 10 reference assemblies. <c>Cold</c>: a fresh driver over a <c>Clone()</c> of the compilation:
/// new source symbols, nothing of them bound yet, as a command-line build has; the reference assemblies' symbols,
/// loaded by the first run, are shared, which a command-line build pays for too. <c>Warm</c>: a driver that has run once, after
/// an edit of the file without <c>[Aggregate]</c>, what the IDE pays per keystroke elsewhere: the transform
/// runs again for every method (a new compilation means new symbols), every later step is cached.
/// </summary>
public class GeneratorDriverCost
{
    /// <summary>The generator's named steps (its internal TrackingNames), not Roslyn's own, such as the compilation.</summary>
    private static readonly string[] TrackingNames = ["Models", "Specs", "Diagnostics", "Rejected", "GroupByModels", "LanguageVersionTooLow"];

    private CSharpCompilation _compilation = null!;
    private CSharpParseOptions _parseOptions = null!;
    private GeneratorDriver _warmDriver = null!;
    private SyntaxTree _unrelated = null!;
    private SyntaxTree _unrelatedEdited = null!;

    [GlobalSetup]
    public void Setup()
    {
        _parseOptions = new CSharpParseOptions(LanguageVersion.Latest);
        var trees = GeneratorCostProject.Sources()
            .Select(file => CSharpSyntaxTree.ParseText(file.Text, _parseOptions, path: file.Name))
            .ToList();
        _compilation = CSharpCompilation.Create(
            "GeneratorCost",
            trees,
            Basic.Reference.Assemblies.Net100.References.All.Append(MetadataReference.CreateFromFile(typeof(Agg).Assembly.Location)),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        _unrelated = trees.Single(t => t.FilePath == GeneratorCostProject.UnrelatedFileName);
        _unrelatedEdited = CSharpSyntaxTree.ParseText(GeneratorCostProject.UnrelatedSource(43), _parseOptions, path: GeneratorCostProject.UnrelatedFileName);

        _warmDriver = CreateDriver(trackSteps: false).RunGenerators(_compilation.Clone());
        Check();
    }

    [Benchmark]
    public GeneratorDriver Cold() => CreateDriver(trackSteps: false).RunGenerators(_compilation.Clone());

    [Benchmark]
    public GeneratorDriver Warm() => _warmDriver.RunGenerators(_compilation.ReplaceSyntaxTree(_unrelated, _unrelatedEdited));

    private GeneratorDriver CreateDriver(bool trackSteps) =>
        CSharpGeneratorDriver.Create(
            new[] { new AggregateGenerator().AsSourceGenerator() },
            parseOptions: _parseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: trackSteps));

    /// <summary>Every method is implemented without a diagnostic, the output compiles, and the edit leaves every step cached.</summary>
    private void Check()
    {
        var driver = CreateDriver(trackSteps: true).RunGeneratorsAndUpdateCompilation(_compilation, out var output, out var diagnostics);
        var run = driver.GetRunResult().Results.Single();
        var errors = output.GetDiagnostics().Where(static d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        if (run.GeneratedSources.Length != GeneratorCostProject.MethodCount || !diagnostics.IsEmpty || run.Diagnostics.Length > 0 || errors.Count > 0)
        {
            throw new InvalidOperationException(
                $"Expected {GeneratorCostProject.MethodCount} sources and no diagnostics, got {run.GeneratedSources.Length} sources and: "
                + string.Join(Environment.NewLine, diagnostics.Concat(run.Diagnostics).Concat(errors).Take(10)));
        }

        var edited = driver.RunGenerators(_compilation.ReplaceSyntaxTree(_unrelated, _unrelatedEdited)).GetRunResult().Results.Single();
        var notCached = edited.TrackedSteps.Concat(edited.TrackedOutputSteps)
            .Where(static step => TrackingNames.Contains(step.Key))
            .SelectMany(static step => step.Value.SelectMany(static s => s.Outputs).Select(o => (step.Key, o.Reason)))
            .Where(static o => o.Reason is not (IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged))
            .ToImmutableArray();
        if (!notCached.IsEmpty)
        {
            throw new InvalidOperationException("An unrelated edit ran steps again: " + string.Join(", ", notCached.Distinct().Take(10)));
        }
    }
}
