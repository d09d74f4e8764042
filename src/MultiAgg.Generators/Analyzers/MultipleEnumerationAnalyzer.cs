using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;
using MultiAgg.Generators.Diagnostics;

namespace MultiAgg.Generators.Analyzers;

/// <summary>
/// MAGG001: a sequence (local, parameter or deferred LINQ chain) that may be enumerated more than
/// once on some path. MAGG002: the same for an <c>IQueryable&lt;T&gt;</c>, where every execution
/// is a round trip. The flow analysis is in <see cref="EnumerationFlowAnalysis"/>; this class only
/// decides which bodies are worth it, and keeps MAGG001 quiet where the project suppressed CA1851
/// (<see cref="Ca1851Suppressions"/>).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class MultipleEnumerationAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(
            DiagnosticDescriptors.MultipleEnumeration, DiagnosticDescriptors.MultipleQueryExecution, DiagnosticDescriptors.QueryCountedThenPaged);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(static start =>
        {
            var suppressions = new Ca1851Suppressions(start.Compilation);
            var primaryConstructorWrites = new PrimaryConstructorWrites();
            start.RegisterOperationBlockAction(context => AnalyzeBody(context, suppressions, primaryConstructorWrites));
            start.RegisterSymbolStartAction(type => AnalyzePrimaryConstructorInitializers(type, suppressions, primaryConstructorWrites), SymbolKind.NamedType);
        });
    }

    private static void AnalyzeBody(OperationBlockAnalysisContext context, Ca1851Suppressions suppressions, PrimaryConstructorWrites primaryConstructorWrites)
    {
        var analyzedRoots = new HashSet<IOperation>();
        foreach (var block in context.OperationBlocks)
        {
            // Blocks hang off a method body, an initializer...: the graph is built for that root.
            var root = SequenceFacts.RootOf(block);
            if (!HasFlowGraph(root) || !analyzedRoots.Add(root) || !MentionsSequenceOrQuery(root) || ReadsPrimaryConstructorParameter(root))
                continue;

            var options = MultipleEnumerationOptions.Read(
                context.Options.AnalyzerConfigOptionsProvider.GetOptions(block.Syntax.SyntaxTree));
            var analysis = new EnumerationFlowAnalysis(options, context.CancellationToken, primaryConstructorWrites);
            analysis.Analyze(context.GetControlFlowGraph(block));
            foreach (var diagnostic in Unsuppressed(analysis, _ => block.SemanticModel, suppressions))
                context.ReportDiagnostic(diagnostic);
        }
    }

    /// <summary>
    /// The instance initializers of a type with a primary constructor run in one constructor, in order, then the
    /// arguments of its base constructor's call: a parameter two of them enumerate (<c>Total { get; } = orders.Sum(...)</c>,
    /// <c>Count { get; } = orders.Count()</c>) is enumerated twice. Those that read a parameter are analysed together, at
    /// the type's end, each going on from the state the one before it ended in.
    /// </summary>
    private static void AnalyzePrimaryConstructorInitializers(SymbolStartAnalysisContext start, Ca1851Suppressions suppressions, PrimaryConstructorWrites primaryConstructorWrites)
    {
        var type = (INamedTypeSymbol)start.Symbol;
        if (!type.DeclaringSyntaxReferences.Any(static reference => reference.GetSyntax() is TypeDeclarationSyntax { ParameterList: not null }))
            return;

        var initializers = new ConcurrentBag<(IOperation Root, ControlFlowGraph Graph)>();
        start.RegisterOperationBlockAction(context =>
        {
            if (!SymbolEqualityComparer.Default.Equals(context.OwningSymbol.ContainingType, type))
                return;
            foreach (var block in context.OperationBlocks)
            {
                var root = SequenceFacts.RootOf(block);
                if (MentionsSequenceOrQuery(root) && ReadsPrimaryConstructorParameter(root))
                    initializers.Add((root, context.GetControlFlowGraph(block)));
            }
        });

        start.RegisterSymbolEndAction(end =>
        {
            if (initializers.IsEmpty)
                return;

            // In the order they run: by file, in the compilation's order (which orders a partial type's parts), then by
            // position. The files' order is looked up only for a type whose initializers are in more than one.
            var trees = initializers.Select(static initializer => initializer.Root.Syntax.SyntaxTree).Distinct().Skip(1).Any()
                ? end.Compilation.SyntaxTrees.Select(static (tree, i) => (tree, i)).ToDictionary(static p => p.tree, static p => p.i)
                : null;
            var ordered = initializers
                .OrderBy(static initializer => IsPrimaryConstructorBody(initializer.Root))
                .ThenBy(initializer => trees is not null && trees.TryGetValue(initializer.Root.Syntax.SyntaxTree, out var index) ? index : -1)
                .ThenBy(static initializer => initializer.Root.Syntax.SpanStart)
                .ToList();
            var first = ordered[0].Root;
            var options = MultipleEnumerationOptions.Read(end.Options.AnalyzerConfigOptionsProvider.GetOptions(first.Syntax.SyntaxTree));
            var analysis = new EnumerationFlowAnalysis(options, end.CancellationToken, primaryConstructorWrites);
            analysis.AnalyzeInOrder(ordered.Select(static initializer => initializer.Graph));
            var models = ordered.GroupBy(static initializer => initializer.Root.Syntax.SyntaxTree).ToDictionary(static g => g.Key, static g => g.First().Root.SemanticModel);
            foreach (var diagnostic in Unsuppressed(analysis, tree => models.TryGetValue(tree, out var model) ? model : null, suppressions))
                end.ReportDiagnostic(diagnostic);
        });
    }

    private static IEnumerable<Diagnostic> Unsuppressed(EnumerationFlowAnalysis analysis, System.Func<SyntaxTree, SemanticModel?> modelOf, Ca1851Suppressions suppressions)
    {
        foreach (var diagnostic in analysis.GetDiagnostics())
        {
            // MAGG001 is the rule CA1851 is: a site the project exempted from one is exempt from both.
            if (diagnostic.Id == DiagnosticDescriptors.MultipleEnumeration.Id
                && diagnostic.Location.SourceTree is { } tree
                && modelOf(tree) is { } model
                && suppressions.Covers(diagnostic.Location, model))
            {
                continue;
            }

            yield return diagnostic;
        }
    }

    /// <summary>
    /// Whether <paramref name="root"/> is an instance initializer, or the primary constructor's call of the base
    /// constructor (<c>: Base(orders.Count())</c>, whose arguments run after the initializers), that reads a primary
    /// constructor's parameter.
    /// </summary>
    private static bool ReadsPrimaryConstructorParameter(IOperation root) =>
        (root is IFieldInitializerOperation or IPropertyInitializerOperation || IsPrimaryConstructorBody(root))
        && root.Descendants().Any(static operation => operation is IParameterReferenceOperation { Parameter.ContainingSymbol: IMethodSymbol { MethodKind: MethodKind.Constructor } });

    private static bool IsPrimaryConstructorBody(IOperation root) => root is IConstructorBodyOperation { Syntax: TypeDeclarationSyntax };

    private static bool HasFlowGraph(IOperation root) =>
        root is IMethodBodyOperation or IConstructorBodyOperation or IBlockOperation
            or IFieldInitializerOperation or IPropertyInitializerOperation;

    /// <summary>
    /// The cheap filter that keeps the flow analysis away from most bodies: nothing can be
    /// enumerated twice unless some variable holds a sequence or some member path reads one value (see
    /// <c>EnumerationFlowAnalysis.PathRoot</c>).
    /// </summary>
    private static bool MentionsSequenceOrQuery(IOperation block)
    {
        foreach (var operation in block.Descendants())
        {
            switch (operation)
            {
                case ILocalReferenceOperation or IParameterReferenceOperation when SequenceFacts.KindOf(operation.Type) != SequenceKind.None:
                // A query read through members (`_db.Products`, `db.Set<Order>()`) is one value too (MemberPath).
                case IFieldReferenceOperation or IPropertyReferenceOperation or IInvocationOperation { Arguments.IsEmpty: true }
                    when SequenceFacts.KindOf(operation.Type) == SequenceKind.Queryable:
                // So is a sequence an anonymous type holds (a query's `let`).
                case IPropertyReferenceOperation { Property.ContainingType.IsAnonymousType: true }
                    when SequenceFacts.KindOf(operation.Type) != SequenceKind.None:
                    return true;
            }
        }

        return false;
    }
}
