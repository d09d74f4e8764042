using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

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
    /// Asserts that <paramref name="analyzer"/> reports exactly the marked spans, with the marked IDs.
    /// <paramref name="preprocessorSymbols"/> are defined for the whole project, as <c>DefineConstants</c> would.
    /// </summary>
    public static async Task<ImmutableArray<Diagnostic>> VerifyAsync(
        string markup,
        DiagnosticAnalyzer analyzer,
        IReadOnlyDictionary<string, string>? editorConfig = null,
        IEnumerable<string>? preprocessorSymbols = null)
    {
        var (source, expected) = Markup.Parse(markup);
        Compilation compilation = TestCompiler.Compile(source);
        if (preprocessorSymbols is not null)
        {
            var tree = compilation.SyntaxTrees.Single();
            var options = ((Microsoft.CodeAnalysis.CSharp.CSharpParseOptions)tree.Options).WithPreprocessorSymbols(preprocessorSymbols);
            compilation = compilation.ReplaceSyntaxTree(tree, Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(tree.GetText(), options, tree.FilePath));
        }

        var errors = compilation.GetDiagnostics().Where(static d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, "The test code does not compile:\n" + string.Join("\n", errors));

        var supported = analyzer.SupportedDiagnostics.Select(static d => d.Id).ToHashSet();
        var diagnostics = (await GetDiagnosticsAsync(compilation, analyzer, editorConfig))
            .Where(d => supported.Contains(d.Id))
            .ToImmutableArray();
        var actual = diagnostics.Select(static d => (d.Id, d.Location.SourceSpan)).OrderBy(static d => d.SourceSpan.Start).ToList();
        var wanted = expected.OrderBy(static d => d.Span.Start).ToList();
        Assert.True(
            wanted.SequenceEqual(actual),
            $"Expected:\n{Describe(source, wanted)}\nActual:\n{Describe(source, actual)}");
        return diagnostics;
    }

    private static string Describe(string source, IEnumerable<(string Id, TextSpan Span)> diagnostics) =>
        string.Join("\n", diagnostics.Select(d =>
        {
            var line = source.Take(d.Span.Start).Count(static c => c == '\n') + 1;
            return $"  {d.Id} at line {line} '{source.Substring(d.Span.Start, d.Span.Length)}' {d.Span}";
        })) is { Length: > 0 } text ? text : "  (none)";

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
