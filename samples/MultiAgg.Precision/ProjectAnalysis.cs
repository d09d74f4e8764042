using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using MultiAgg.Generators.Analyzers;

namespace MultiAgg.Precision;

/// <summary>What one project's compilation and analysis gave.</summary>
internal sealed class ProjectResult
{
    public required SourceProject Project { get; init; }

    public required CSharpCompilation Compilation { get; init; }

    public int Lines { get; init; }

    public IReadOnlyList<Diagnostic> Errors { get; init; } = [];

    public IReadOnlyList<Diagnostic> Findings { get; init; } = [];

    public IReadOnlyList<string> AnalyzerExceptions { get; init; } = [];

    public BindingCheck Binding { get; init; } = new();

    public TimeSpan CompileTime { get; init; }

    public TimeSpan AnalyzerTime { get; init; }

    public IReadOnlyDictionary<string, TimeSpan> AnalyzerExecutionTimes { get; init; } = new Dictionary<string, TimeSpan>();
}

/// <summary>
/// The spot check that EF Core code binds: DbContext classes, their DbSet properties, and the EF Core async
/// operators (ToListAsync, CountAsync...) called in the project and what they resolved to.
/// </summary>
internal sealed class BindingCheck
{
    public int DbContexts { get; set; }

    public int DbSets { get; set; }

    public int EfCoreAsyncCalls { get; set; }

    public int OtherAsyncCalls { get; set; }

    public int UnresolvedAsyncCalls { get; set; }

    public void Add(BindingCheck other)
    {
        DbContexts += other.DbContexts;
        DbSets += other.DbSets;
        EfCoreAsyncCalls += other.EfCoreAsyncCalls;
        OtherAsyncCalls += other.OtherAsyncCalls;
        UnresolvedAsyncCalls += other.UnresolvedAsyncCalls;
    }
}

/// <summary>Compiles one project from its sources and runs MultipleEnumerationAnalyzer and QueryPerElementAnalyzer over it.</summary>
internal static class ProjectAnalysis
{
    /// <summary>
    /// Every project gets these: the SDK's implicit usings for a console project, and EF Core. Their namespaces hold
    /// few type names, so they rarely make a name ambiguous in a project that does not have them itself.
    /// </summary>
    private const string GlobalUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        global using Microsoft.EntityFrameworkCore;
        """;

    /// <summary>
    /// A web project with implicit usings gets these and <see cref="WorkerGlobalUsings"/> too, as the SDK gives them. Not
    /// given to the others: in a project without them, <c>Microsoft.Extensions.Configuration</c> makes its own
    /// <c>IConfigurationManager</c> ambiguous (Jellyfin).
    /// </summary>
    private const string WebGlobalUsings = """
        global using System.Net.Http.Json;
        global using Microsoft.AspNetCore.Builder;
        global using Microsoft.AspNetCore.Hosting;
        global using Microsoft.AspNetCore.Http;
        global using Microsoft.AspNetCore.Routing;
        """;

    /// <summary>A worker project with implicit usings gets these.</summary>
    private const string WorkerGlobalUsings = """
        global using Microsoft.Extensions.Configuration;
        global using Microsoft.Extensions.DependencyInjection;
        global using Microsoft.Extensions.Hosting;
        global using Microsoft.Extensions.Logging;
        """;

    private static readonly string[] EfCoreAsyncOperators =
    [
        "ToListAsync", "ToArrayAsync", "CountAsync", "LongCountAsync", "AnyAsync", "AllAsync", "FirstAsync",
        "FirstOrDefaultAsync", "SingleAsync", "SingleOrDefaultAsync", "SumAsync", "MaxAsync", "MinAsync",
        "AverageAsync", "ToDictionaryAsync", "ForEachAsync",
    ];

    public static readonly CSharpParseOptions ParseOptions = new(
        LanguageVersion.Latest,
        DocumentationMode.Parse,
        preprocessorSymbols:
        [
            "RELEASE", "NET", "NETCOREAPP", "NETCOREAPP3_0_OR_GREATER", "NETCOREAPP3_1_OR_GREATER", "NET5_0_OR_GREATER",
            "NET6_0_OR_GREATER", "NET7_0_OR_GREATER", "NET8_0_OR_GREATER", "NET9_0_OR_GREATER", "NET10_0_OR_GREATER",
        ]);

    public static async Task<ProjectResult> RunAsync(
        SourceProject project, ImmutableArray<MetadataReference> references, IReadOnlyList<ProjectResult> dependencies)
    {
        var trees = project.Files
            .AsParallel().AsOrdered()
            .Select(file => CSharpSyntaxTree.ParseText(File.ReadAllText(file), ParseOptions, file))
            .ToList();
        var lines = trees.Sum(tree => tree.GetText().Lines.Count);
        var globalUsings = project.ImplicitUsingsSdk switch
        {
            "Web" => string.Join('\n', GlobalUsings, WebGlobalUsings, WorkerGlobalUsings),
            "Worker" => string.Join('\n', GlobalUsings, WorkerGlobalUsings),
            _ => GlobalUsings,
        };
        trees.Add(CSharpSyntaxTree.ParseText(globalUsings, ParseOptions, Path.Combine(project.Directory, "MultiAgg.Precision.GlobalUsings.g.cs")));

        // A project with top-level statements is a program: as a library, its statements would not bind.
        var hasTopLevelStatements = trees.Any(tree => tree.GetRoot() is CompilationUnitSyntax unit && unit.Members.OfType<GlobalStatementSyntax>().Any());
        var compilationOptions = new CSharpCompilationOptions(
            hasTopLevelStatements ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary,
            nullableContextOptions: NullableContextOptions.Enable,
            allowUnsafe: true,
            concurrentBuild: true);
        var compilation = CSharpCompilation.Create(
            project.Name,
            trees,
            references.AddRange(dependencies.Select(d => (MetadataReference)d.Compilation.ToMetadataReference())),
            compilationOptions);

        var stopwatch = Stopwatch.StartNew();
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        var compileTime = stopwatch.Elapsed;

        var exceptions = new List<string>();
        var withAnalyzers = compilation.WithAnalyzers(
            [new MultipleEnumerationAnalyzer(), new QueryPerElementAnalyzer()],
            new CompilationWithAnalyzersOptions(
                new AnalyzerOptions([]),
                onAnalyzerException: (exception, analyzer, _) =>
                {
                    lock (exceptions)
                    {
                        exceptions.Add($"{analyzer.GetType().Name}: {exception.GetType().Name}: {exception.Message}");
                    }
                },
                concurrentAnalysis: true,
                logAnalyzerExecutionTime: true));
        stopwatch.Restart();
        var findings = await withAnalyzers.GetAnalyzerDiagnosticsAsync();
        var analyzerTime = stopwatch.Elapsed;
        var executionTimes = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        foreach (var analyzer in withAnalyzers.Analyzers)
        {
            var telemetry = await withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzer, CancellationToken.None);
            executionTimes[analyzer.GetType().Name] = telemetry.ExecutionTime;
        }

        return new ProjectResult
        {
            Project = project,
            Compilation = compilation,
            Lines = lines,
            Errors = errors,
            Findings = [.. findings.Where(d => d.Id.StartsWith("MAGG", StringComparison.Ordinal) || d.Id == "AD0001")],
            AnalyzerExceptions = exceptions,
            Binding = CheckBinding(compilation),
            CompileTime = compileTime,
            AnalyzerTime = analyzerTime,
            AnalyzerExecutionTimes = executionTimes,
        };
    }

    private static BindingCheck CheckBinding(CSharpCompilation compilation)
    {
        var check = new BindingCheck();
        var dbContext = compilation.GetTypeByMetadataName("Microsoft.EntityFrameworkCore.DbContext");
        var dbSet = compilation.GetTypeByMetadataName("Microsoft.EntityFrameworkCore.DbSet`1");
        foreach (var type in SourceTypes(compilation.Assembly.GlobalNamespace))
        {
            if (!Derives(type, dbContext))
            {
                continue;
            }

            check.DbContexts++;
            check.DbSets += type.GetMembers().OfType<IPropertySymbol>()
                .Count(p => p.Type is INamedTypeSymbol { IsGenericType: true } t && SymbolEqualityComparer.Default.Equals(t.OriginalDefinition, dbSet));
        }

        foreach (var tree in compilation.SyntaxTrees)
        {
            SemanticModel? model = null;
            foreach (var invocation in tree.GetRoot().DescendantNodes().OfType<InvocationExpressionSyntax>())
            {
                var name = invocation.Expression switch
                {
                    MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
                    MemberBindingExpressionSyntax binding => binding.Name.Identifier.ValueText,
                    _ => null,
                };
                if (name is null || !EfCoreAsyncOperators.Contains(name, StringComparer.Ordinal))
                {
                    continue;
                }

                model ??= compilation.GetSemanticModel(tree);
                var symbol = model.GetSymbolInfo(invocation).Symbol;
                if (symbol is null)
                {
                    check.UnresolvedAsyncCalls++;
                }
                else if (symbol.ContainingType?.Name == "EntityFrameworkQueryableExtensions")
                {
                    check.EfCoreAsyncCalls++;
                }
                else
                {
                    check.OtherAsyncCalls++;
                }
            }
        }

        return check;
    }

    private static bool Derives(INamedTypeSymbol type, INamedTypeSymbol? baseType)
    {
        for (var current = type.BaseType; current is not null && baseType is not null; current = current.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(current, baseType))
            {
                return true;
            }
        }

        return false;
    }

    private static IEnumerable<INamedTypeSymbol> SourceTypes(INamespaceSymbol ns)
    {
        foreach (var member in ns.GetMembers())
        {
            if (member is INamespaceSymbol child)
            {
                foreach (var type in SourceTypes(child))
                {
                    yield return type;
                }
            }
            else if (member is INamedTypeSymbol type && type.Locations.Any(l => l.IsInSource))
            {
                yield return type;
            }
        }
    }
}
