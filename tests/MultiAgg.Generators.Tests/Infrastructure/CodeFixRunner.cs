using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using MultiAgg.CodeFixes;
using MultiAgg.Generators.Analyzers;

namespace MultiAgg.Generators.Tests.Infrastructure;

/// <summary>
/// Applies <see cref="MultipleEnumerationCodeFixProvider"/> through an <see cref="AdhocWorkspace"/>,
/// as the IDE and <c>dotnet format</c> do: find the analyzer's diagnostics, ask the provider for
/// its actions (or its Fix All), apply the resulting solution, return the documents' text.
/// </summary>
internal static class CodeFixRunner
{
    public static readonly DiagnosticAnalyzer Analyzer = new MultipleEnumerationAnalyzer();
    public static readonly CodeFixProvider Provider = new MultipleEnumerationCodeFixProvider();

    public static Project CreateProject(params string[] sources)
    {
        var workspace = new AdhocWorkspace();
        var project = workspace.AddProject(ProjectInfo.Create(
            ProjectId.CreateNewId(),
            VersionStamp.Default,
            "Fixed",
            "Fixed",
            LanguageNames.CSharp,
            compilationOptions: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, allowUnsafe: true),
            parseOptions: new CSharpParseOptions(LanguageVersion.Latest),
            metadataReferences: TestCompiler.MetadataReferences,
            analyzerReferences: new AnalyzerReference[] { new GeneratorReference() }));
        for (var i = 0; i < sources.Length; i++)
            project = project.AddDocument($"Test{i}.cs", SourceText.From(sources[i]), filePath: $"/src/Test{i}.cs").Project;
        return project;
    }

    /// <summary>The analyzer's diagnostics that the provider fixes (MAGG001, MAGG002), in source order (document by document).</summary>
    public static async Task<ImmutableArray<Diagnostic>> GetDiagnosticsAsync(Project project)
    {
        var compilation = (await project.GetCompilationAsync())!;
        var errors = compilation.GetDiagnostics().Where(static d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, "The test code does not compile:\n" + string.Join("\n", errors));
        return (await AnalyzerRunner.GetDiagnosticsAsync(compilation, Analyzer))
            .Where(static d => Provider.FixableDiagnosticIds.Contains(d.Id))
            .OrderBy(static d => d.Location.SourceTree?.FilePath, StringComparer.Ordinal)
            .ThenBy(static d => d.Location.SourceSpan.Start)
            .ToImmutableArray();
    }

    /// <summary>The titles of the actions offered for the diagnostic at <paramref name="index"/>, in order.</summary>
    public static async Task<IReadOnlyList<CodeAction>> GetActionsAsync(Project project, int index = 0)
    {
        var diagnostic = (await GetDiagnosticsAsync(project))[index];
        var document = project.GetDocument(diagnostic.Location.SourceTree)!;
        var actions = new List<CodeAction>();
        var context = new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None);
        await Provider.RegisterCodeFixesAsync(context);
        return actions;
    }

    /// <summary>The equivalence keys of the actions offered on the first diagnostic of a project of <paramref name="source"/>, in order.</summary>
    public static async Task<IReadOnlyList<string?>> OfferedKeysAsync(string source) =>
        (await GetActionsAsync(CreateProject(source))).Select(static action => action.EquivalenceKey).ToList();

    /// <summary>Applies the action with <paramref name="equivalenceKey"/> offered on the diagnostic at <paramref name="index"/>.</summary>
    public static Task<string> ApplyAsync(string source, string equivalenceKey, int index = 0) =>
        ApplyAsync(new[] { source }, equivalenceKey, index);

    /// <summary>
    /// Applies the action with <paramref name="equivalenceKey"/> offered on the diagnostic at <paramref name="index"/>
    /// of a project of <paramref name="sources"/>, and returns the first source after it.
    /// </summary>
    public static async Task<string> ApplyAsync(string[] sources, string equivalenceKey, int index = 0)
    {
        var project = CreateProject(sources);
        var action = (await GetActionsAsync(project, index)).FirstOrDefault(a => a.EquivalenceKey == equivalenceKey);
        Assert.True(action is not null, $"No '{equivalenceKey}' action was offered.");
        var solution = await ApplyAsync(action!, project.Solution);
        return (await solution.GetDocument(project.DocumentIds[0])!.GetTextAsync()).ToString();
    }

    /// <summary>
    /// What <c>dotnet format analyzers --diagnostics MAGG001 MAGG002</c> does when the diagnostic it
    /// meets first is the one at <paramref name="first"/> (its order varies from run to run). It fixes
    /// one ID at a time, analysing the code again before each: with the equivalence key of the first
    /// action offered on the diagnostic it meets first, of any ID it was asked for (no key when
    /// nothing is offered there), by Fix All over the solution, given that ID's diagnostics in that
    /// changed order.
    /// </summary>
    public static async Task<string[]> FormatAsync(Project project, int first)
    {
        var diagnostics = await GetDiagnosticsAsync(project);
        var ids = diagnostics.Skip(first).Concat(diagnostics.Take(first)).Select(static d => d.Id).Distinct().ToList();
        foreach (var id in ids)
        {
            diagnostics = await GetDiagnosticsAsync(project);
            var start = first % Math.Max(diagnostics.Length, 1);
            var metFirst = diagnostics.Skip(start).Concat(diagnostics.Take(start)).ToImmutableArray();
            if (!metFirst.Any(d => d.Id == id))
                continue;
            var key = (await GetActionsAsync(project, start)).FirstOrDefault()?.EquivalenceKey;
            project = (await FixAllSolutionAsync(project, key, FixAllScope.Solution, metFirst.Where(d => d.Id == id).ToImmutableArray())).GetProject(project.Id)!;
        }

        return await TextsAsync(project);
    }

    /// <summary>Runs Fix All with <paramref name="equivalenceKey"/> over <paramref name="scope"/> (every diagnostic, or <paramref name="diagnostics"/> in their order).</summary>
    public static async Task<string[]> FixAllAsync(Project project, string? equivalenceKey, FixAllScope scope = FixAllScope.Solution, ImmutableArray<Diagnostic> diagnostics = default)
    {
        var solution = await FixAllSolutionAsync(project, equivalenceKey, scope, diagnostics);
        return await TextsAsync(solution.GetProject(project.Id)!);
    }

    private static async Task<Solution> FixAllSolutionAsync(Project project, string? equivalenceKey, FixAllScope scope, ImmutableArray<Diagnostic> diagnostics)
    {
        if (diagnostics.IsDefault)
            diagnostics = await GetDiagnosticsAsync(project);
        Assert.NotEmpty(diagnostics);
        var action = await FixAllActionAsync(project, equivalenceKey, scope, diagnostics);
        Assert.NotNull(action);
        return await ApplyAsync(action!, project.Solution);
    }

    /// <summary>
    /// The provider's Fix All action for <paramref name="diagnostics"/> (the first one's document, for
    /// <see cref="FixAllScope.Document"/>), asking nothing of the project's code: it may not compile.
    /// </summary>
    public static Task<CodeAction?> FixAllActionAsync(Project project, string? equivalenceKey, FixAllScope scope, ImmutableArray<Diagnostic> diagnostics)
    {
        var context = scope == FixAllScope.Document
            ? new FixAllContext(project.GetDocument(diagnostics[0].Location.SourceTree)!, Provider, scope, equivalenceKey, Provider.FixableDiagnosticIds, new Diagnostics(diagnostics), CancellationToken.None)
            : new FixAllContext(project, Provider, scope, equivalenceKey, Provider.FixableDiagnosticIds, new Diagnostics(diagnostics), CancellationToken.None);
        return Provider.GetFixAllProvider()!.GetFixAsync(context);
    }

    private static async Task<string[]> TextsAsync(Project project)
    {
        var texts = new List<string>();
        foreach (var id in project.DocumentIds)
            texts.Add((await project.GetDocument(id)!.GetTextAsync()).ToString());
        return texts.ToArray();
    }

    public static async Task<Solution> ApplyAsync(CodeAction action, Solution solution)
    {
        var operations = await action.GetOperationsAsync(CancellationToken.None);
        var apply = Assert.Single(operations.OfType<ApplyChangesOperation>());
        return apply.ChangedSolution;
    }

    /// <summary>Puts the [Aggregate] generator in the project, as the package does, so fixed code compiles.</summary>
    private sealed class GeneratorReference : AnalyzerReference
    {
        public override string FullPath => typeof(AggregateGenerator).Assembly.Location;

        public override object Id => nameof(GeneratorReference);

        public override ImmutableArray<DiagnosticAnalyzer> GetAnalyzersForAllLanguages() => ImmutableArray<DiagnosticAnalyzer>.Empty;

        public override ImmutableArray<DiagnosticAnalyzer> GetAnalyzers(string language) => ImmutableArray<DiagnosticAnalyzer>.Empty;

        // The workspace keys its generator state by instance: always hand out the same one.
        private static readonly ImmutableArray<ISourceGenerator> Generators = ImmutableArray.Create(new AggregateGenerator().AsSourceGenerator());

        public override ImmutableArray<ISourceGenerator> GetGeneratorsForAllLanguages() => Generators;

        public override ImmutableArray<ISourceGenerator> GetGenerators(string language) => GetGeneratorsForAllLanguages();
    }

    private sealed class Diagnostics(ImmutableArray<Diagnostic> all) : FixAllContext.DiagnosticProvider
    {
        public override Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
            Task.FromResult<IEnumerable<Diagnostic>>(all);

        public override Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken) =>
            Task.FromResult(all.Where(d => d.Location.SourceTree?.FilePath == document.FilePath));

        public override Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
            Task.FromResult(Enumerable.Empty<Diagnostic>());
    }
}
