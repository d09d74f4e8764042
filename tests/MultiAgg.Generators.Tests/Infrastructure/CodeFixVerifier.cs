using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;
using Microsoft.CodeAnalysis.Text;
using MultiAgg.CodeFixes;
using MultiAgg.Generators.Analyzers;

namespace MultiAgg.Generators.Tests.Infrastructure;

/// <summary>
/// Verifies <see cref="MultipleEnumerationCodeFixProvider"/> through Microsoft.CodeAnalysis.Testing's
/// <see cref="CSharpCodeFixTest{TAnalyzer, TCodeFix, TVerifier}"/>: the test code carries span markup
/// (<c>{|MAGG001:xs|}</c>), the fixed code is the exact expected document (with markup for what is still
/// reported). Besides the single fix, the framework checks each diagnostic's message and severity, re-runs the
/// analyzer under <c>#pragma</c> and in generated code, runs Fix All in document, project and solution scope,
/// counts iterations, and fails if the fixed code does not compile. The [Aggregate] generator is attached, so a
/// fused method without its generated implementation is a compiler error. References are pinned as in
/// <see cref="AnalyzerRunner"/>, so nothing is downloaded.
/// </summary>
internal static class CodeFixVerifier
{
    /// <summary>
    /// Applies the action with <paramref name="equivalenceKey"/>. With <paramref name="diagnosticIndex"/>, only
    /// that diagnostic (in source order) is fixed, once, and <paramref name="batchFixedCode"/> is what Fix All
    /// gives; without it, fixes are applied until nothing is left to fix and Fix All must give
    /// <paramref name="fixedCode"/> too.
    /// </summary>
    public static Task VerifyAsync(string testCode, string fixedCode, string equivalenceKey, int? diagnosticIndex = null, string? batchFixedCode = null) =>
        VerifyAsync([testCode], [fixedCode], equivalenceKey, diagnosticIndex, batchFixedCode is null ? null : [batchFixedCode]);

    /// <summary>As above, over a project of several documents (<c>/0/Test0.cs</c>, <c>/0/Test1.cs</c>, ...).</summary>
    public static Task VerifyAsync(string[] testCodes, string[] fixedCodes, string equivalenceKey, int? diagnosticIndex = null, string[]? batchFixedCodes = null)
    {
        var test = new Test(diagnosticIndex)
        {
            CodeActionEquivalenceKey = equivalenceKey,
            ReferenceAssemblies = PinnedReferences,
        };
        test.TestState.Sources.AddRange(testCodes.Select(static (code, i) => ($"/0/Test{i}.cs", SourceText.From(code))));
        test.FixedState.Sources.AddRange(fixedCodes.Select(static (code, i) => ($"/0/Test{i}.cs", SourceText.From(code))));
        if (batchFixedCodes is not null)
        {
            test.BatchFixedState.Sources.AddRange(batchFixedCodes.Select(static (code, i) => ($"/0/Test{i}.cs", SourceText.From(code))));
        }

        if (diagnosticIndex is not null)
        {
            test.CodeFixTestBehaviors |= CodeFixTestBehaviors.FixOne;
        }

        // What the fixed code still marks is still reported (by default the framework drops fixable markup there).
        test.FixedState.MarkupHandling = MarkupMode.Allow;
        test.BatchFixedState.MarkupHandling = MarkupMode.Allow;

        // The fixed states inherit these.
        test.TestState.AdditionalReferences.AddRange(Basic.Reference.Assemblies.Net100.References.All);
        test.TestState.AdditionalReferences.Add(MetadataReference.CreateFromFile(typeof(Agg).Assembly.Location));

        return test.RunAsync();
    }

    /// <summary>No package to resolve: the references come from Basic.Reference.Assemblies (pinned), not a download.</summary>
    private static readonly ReferenceAssemblies PinnedReferences = new("net10.0");

    private sealed class Test : CSharpCodeFixTest<MultipleEnumerationAnalyzer, MultipleEnumerationCodeFixProvider, DefaultVerifier>
    {
        private readonly int? _diagnosticIndex;

        public Test(int? diagnosticIndex)
        {
            _diagnosticIndex = diagnosticIndex;

            // The generator's output is checked where it belongs (snapshot and behaviour tests); here it only
            // has to exist, which the compiler checks: a partial method without its implementation is CS8795.
            TestBehaviors |= TestBehaviors.SkipGeneratedSourcesCheck;
            SolutionTransforms.Add(static (solution, projectId) =>
            {
                var project = solution.GetProject(projectId)!;
                return solution
                    .WithProjectCompilationOptions(projectId, ((CSharpCompilationOptions)project.CompilationOptions!).WithNullableContextOptions(NullableContextOptions.Enable))
                    .WithProjectParseOptions(projectId, ((CSharpParseOptions)project.ParseOptions!).WithLanguageVersion(LanguageVersion.Latest));
            });
        }

        protected override IEnumerable<Type> GetSourceGenerators() => new[] { typeof(AggregateGenerator) };

        protected override Diagnostic? TrySelectDiagnosticToFix(ImmutableArray<Diagnostic> fixableDiagnostics) =>
            _diagnosticIndex is { } index
                ? fixableDiagnostics.OrderBy(static d => d.Location.SourceSpan.Start).ElementAtOrDefault(index)
                : base.TrySelectDiagnosticToFix(fixableDiagnostics);
    }
}
