using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using Microsoft.CodeAnalysis.Text;
using MultiAgg.Generators.Analyzers;

namespace MultiAgg.Generators.Tests.Infrastructure;

/// <summary>
/// Runs analyzers over in-memory code through <see cref="CompilationWithAnalyzers"/> and compares
/// what they report with span markup (<c>{|MAGG001:xs|}</c>), the way Microsoft.CodeAnalysis.Testing does.
/// </summary>
internal static class AnalyzerRunner
{
    public static async Task<ImmutableArray<Diagnostic>> GetDiagnosticsAsync(
        Compilation compilation,
        DiagnosticAnalyzer analyzer,
        IReadOnlyDictionary<string, string>? editorConfig = null)
    {
        var options = new AnalyzerOptions(
            ImmutableArray<AdditionalText>.Empty,
            new TestOptionsProvider(editorConfig ?? new Dictionary<string, string>()));
        var withAnalyzers = compilation.WithAnalyzers(
            ImmutableArray.Create(analyzer),
            new CompilationWithAnalyzersOptions(options, onAnalyzerException: null, concurrentAnalysis: false, logAnalyzerExecutionTime: false));
        var diagnostics = await withAnalyzers.GetAllDiagnosticsAsync();

        // An analyzer that throws shows up as AD0001; that is always a test failure.
        Assert.DoesNotContain(diagnostics, static d => d.Id == "AD0001");
        return diagnostics;
    }

    /// <summary>
    /// Asserts that the analyzer reports exactly the marked spans, with the marked IDs, through
    /// Microsoft.CodeAnalysis.Testing's <see cref="CSharpAnalyzerTest{TAnalyzer, TVerifier}"/>: it also checks that
    /// the test code compiles, that each diagnostic disappears under <c>#pragma warning disable</c> and in
    /// generated code, and that the analyzer never throws. The references are pinned (.NET 10's reference
    /// assemblies from Basic.Reference.Assemblies, and the MultiAgg contract), so nothing is downloaded.
    /// <paramref name="editorConfig"/> holds <c>.editorconfig</c> options; <paramref name="preprocessorSymbols"/>
    /// are defined for the whole project, as <c>DefineConstants</c> would.
    /// </summary>
    public static async Task<ImmutableArray<Diagnostic>> VerifyAsync<TAnalyzer>(
        string markup,
        TAnalyzer analyzer,
        IReadOnlyDictionary<string, string>? editorConfig = null,
        IEnumerable<string>? preprocessorSymbols = null)
        where TAnalyzer : DiagnosticAnalyzer, new()
    {
        var test = new CSharpAnalyzerTest<TAnalyzer, DefaultVerifier>
        {
            TestCode = markup,
            ReferenceAssemblies = PinnedReferences,
        };
        test.TestState.AdditionalReferences.AddRange(Basic.Reference.Assemblies.Net100.References.All);
        test.TestState.AdditionalReferences.Add(MetadataReference.CreateFromFile(typeof(Agg).Assembly.Location));
        if (editorConfig is { Count: > 0 })
        {
            var options = string.Concat(editorConfig.Select(static o => $"{o.Key} = {o.Value}\n"));
            test.TestState.AnalyzerConfigFiles.Add(("/.globalconfig", "is_global = true\n" + options));
        }

        if (preprocessorSymbols is not null)
        {
            var symbols = preprocessorSymbols.ToArray();
            test.SolutionTransforms.Add((solution, projectId) => solution.WithProjectParseOptions(
                projectId, ((CSharpParseOptions)solution.GetProject(projectId)!.ParseOptions!).WithPreprocessorSymbols(symbols)));
        }

        await test.RunAsync();

        // What the analyzer reported, for tests that look further than the spans (messages, properties).
        var (source, _) = Markup.Parse(markup);
        Compilation compilation = TestCompiler.Compile(source);
        if (preprocessorSymbols is not null)
        {
            var tree = compilation.SyntaxTrees.Single();
            compilation = compilation.ReplaceSyntaxTree(tree, CSharpSyntaxTree.ParseText(
                tree.GetText(), ((CSharpParseOptions)tree.Options).WithPreprocessorSymbols(preprocessorSymbols), tree.FilePath));
        }

        var supported = analyzer.SupportedDiagnostics.Select(static d => d.Id).ToHashSet();
        return (await GetDiagnosticsAsync(compilation, analyzer, editorConfig)).Where(d => supported.Contains(d.Id)).ToImmutableArray();
    }

    /// <summary>No package to resolve: the references come from Basic.Reference.Assemblies (pinned), not a download.</summary>
    private static readonly ReferenceAssemblies PinnedReferences = new("net10.0");

    private sealed class TestOptionsProvider(IReadOnlyDictionary<string, string> values) : AnalyzerConfigOptionsProvider
    {
        private readonly TestOptions _options = new(values);

        public override AnalyzerConfigOptions GlobalOptions => _options;

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => _options;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => _options;
    }

    private sealed class TestOptions(IReadOnlyDictionary<string, string> values) : AnalyzerConfigOptions
    {
        public override bool TryGetValue(string key, out string value)
        {
            if (values.TryGetValue(key, out var found))
            {
                value = found;
                return true;
            }

            value = null!;
            return false;
        }
    }
}
