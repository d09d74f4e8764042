using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
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
            start.RegisterOperationBlockAction(context => AnalyzeBody(context, suppressions));
        });
    }

    private static void AnalyzeBody(OperationBlockAnalysisContext context, Ca1851Suppressions suppressions)
    {
        var analyzedRoots = new HashSet<IOperation>();
        foreach (var block in context.OperationBlocks)
        {
            // Blocks hang off a method body, an initializer...: the graph is built for that root.
            var root = block;
            while (root.Parent is not null)
                root = root.Parent;
            if (!HasFlowGraph(root) || !analyzedRoots.Add(root) || !MentionsSequenceOrQuery(root))
                continue;

            var options = MultipleEnumerationOptions.Read(
                context.Options.AnalyzerConfigOptionsProvider.GetOptions(block.Syntax.SyntaxTree));
            var analysis = new EnumerationFlowAnalysis(options, context.CancellationToken);
            analysis.Analyze(context.GetControlFlowGraph(block));
            foreach (var diagnostic in analysis.GetDiagnostics())
            {
                // MAGG001 is the rule CA1851 is: a site the project exempted from one is exempt from both.
                if (diagnostic.Id == DiagnosticDescriptors.MultipleEnumeration.Id
                    && block.SemanticModel is { } model
                    && suppressions.Covers(diagnostic.Location, model))
                {
                    continue;
                }

                context.ReportDiagnostic(diagnostic);
            }
        }
    }

    private static bool HasFlowGraph(IOperation root) =>
        root is IMethodBodyOperation or IConstructorBodyOperation or IBlockOperation
            or IFieldInitializerOperation or IPropertyInitializerOperation;

    /// <summary>
    /// The cheap filter that keeps the flow analysis away from most bodies: nothing can be
    /// enumerated twice unless some variable holds a sequence or some member path reads a query.
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
                    return true;
            }
        }

        return false;
    }
}
