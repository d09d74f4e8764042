using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace MultiAgg.CodeFixes;

/// <summary>
/// Offers, for MAGG001 and for Microsoft's CA1851 (which reports the same problem): first
/// "Fuse where possible, else materialize" (<see cref="MultipleEnumerationFixAll.Title"/>), then
/// "Fuse into one pass" when the enumerations are aggregate calls it can fuse, then "Materialize once".
/// For MAGG002, a query executed more than once: "Fuse into one query" when the executions are
/// aggregate calls it can fuse, and nothing else: buffering a query with <c>ToList()</c> would move
/// its work from the database to the client, a choice for its author rather than a fix.
/// </summary>
/// <remarks>
/// <c>dotnet format analyzers</c> fixes one diagnostic ID at a time, in bulk, with the equivalence
/// key of the first action registered on whichever diagnostic it meets first, of any ID it was
/// asked for, and that order varies from run to run. The first action therefore has the same key
/// on every diagnostic, <see cref="MultipleEnumerationFixAll.EquivalenceKey"/>: on a sequence, the
/// bulk action, whose Fix All chooses per sequence; on a query, its one fix, which that Fix All
/// applies to every query. So the bulk result never depends on which diagnostic came first.
/// </remarks>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MultipleEnumerationCodeFixProvider)), Shared]
public sealed class MultipleEnumerationCodeFixProvider : CodeFixProvider
{
    public const string MultipleEnumerationId = "MAGG001";
    public const string MultipleQueryExecutionId = "MAGG002";
    public const string NetAnalyzersMultipleEnumerationId = "CA1851";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        ImmutableArray.Create(MultipleEnumerationId, MultipleQueryExecutionId, NetAnalyzersMultipleEnumerationId);

    public override FixAllProvider GetFixAllProvider() => MultipleEnumerationFixAll.Provider;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var document = context.Document;
        var root = await document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
            return;

        var fusable = FuseAggregatesCodeFix.FitsEveryTarget(document);
        foreach (var diagnostic in context.Diagnostics)
        {
            var span = diagnostic.Location.SourceSpan;
            var fusion = fusable ? await FuseAggregatesCodeFix.TitleForAsync(document, root, model, span, context.CancellationToken).ConfigureAwait(false) : null;
            if (diagnostic.Id == MultipleQueryExecutionId)
            {
                if (fusion is not null)
                {
                    context.RegisterCodeFix(
                        CodeAction.Create(fusion, ct => FuseAggregatesCodeFix.ApplyAsync(document, span, ct), MultipleEnumerationFixAll.EquivalenceKey),
                        diagnostic);
                }

                continue;
            }

            var materialization = MaterializeOnceCodeFix.MethodFor(root, model, span, context.CancellationToken);
            if (fusion is null && materialization is null)
                continue;

            context.RegisterCodeFix(
                CodeAction.Create(
                    MultipleEnumerationFixAll.Title,
                    ct => MultipleEnumerationFixAll.FixAsync(document, ImmutableArray.Create(diagnostic), MultipleEnumerationFixAll.EquivalenceKey, ct),
                    MultipleEnumerationFixAll.EquivalenceKey),
                diagnostic);
            if (fusion is not null)
            {
                context.RegisterCodeFix(
                    CodeAction.Create(fusion, ct => FuseAggregatesCodeFix.ApplyAsync(document, span, ct), FuseAggregatesCodeFix.EquivalenceKey),
                    diagnostic);
            }

            if (materialization is not null)
            {
                context.RegisterCodeFix(
                    CodeAction.Create(MaterializeOnceCodeFix.Title(materialization), ct => MaterializeOnceCodeFix.ApplyAsync(document, span, ct), MaterializeOnceCodeFix.EquivalenceKey),
                    diagnostic);
            }
        }
    }
}

/// <summary>
/// Fix All in a document, project or solution, by equivalence key: "Fuse" fuses every run of
/// aggregate calls it can; "Materialize" buffers each reported sequence once; the first action's
/// key (and no key, as some hosts send) fuses each sequence whose enumerations one fusion
/// settles and materializes the others, and fuses every run on a query (which nothing
/// materializes). Diagnostics are taken in source order, so the same input always gives the same
/// output.
/// </summary>
internal static class MultipleEnumerationFixAll
{
    public const string Title = "Fuse where possible, else materialize";

    /// <summary>The key of the first action on every diagnostic: this bulk action on a sequence, "Fuse into one query" on a query.</summary>
    public const string EquivalenceKey = "MultiAgg.FuseElseMaterialize";

    public static readonly FixAllProvider Provider = new DocumentByDocument();

    private enum Fix
    {
        Fuse,
        Materialize,
    }

    public static async Task<Document> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, string? equivalenceKey, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || model is null || diagnostics.IsEmpty)
            return document;

        // Decide on the original document what each sequence gets, then mark the sites so they
        // can be found again as earlier fixes rewrite the document.
        var fusable = FuseAggregatesCodeFix.FitsEveryTarget(document);
        var sites = new List<(ExpressionSyntax Reference, Fix Fix)>();
        var declarations = new Dictionary<ExpressionSyntax, SyntaxNode>();   // a materialized variable's, by its site
        var bySource = diagnostics
            .Where(d => d.Location.SourceTree == root.SyntaxTree)
            .OrderBy(static d => d.Location.SourceSpan.Start)
            .ThenBy(static d => d.Id, System.StringComparer.Ordinal)
            .Select(d => (Diagnostic: d, Found: FusedSource.Find(root, model, d.Location.SourceSpan, cancellationToken)))
            .Where(static x => x.Found is not null)
            .GroupBy(static x => x.Found!.Key, FusedSource.KeyComparer);
        foreach (var group in bySource)
        {
            var variable = group.First().Found!.Variable;
            var references = group.Select(static x => x.Found!.Reference).ToList();
            var fused = new List<(ExpressionSyntax Reference, IReadOnlyList<InvocationExpressionSyntax> Calls)>();
            foreach (var reference in fusable ? references : [])
            {
                if (await FuseAggregatesCodeFix.FusedCallsAsync(document, root, model, reference.Span, cancellationToken).ConfigureAwait(false) is { } calls)
                    fused.Add((reference, calls));
            }

            var runs = fused.GroupBy(static r => r.Calls[0].SpanStart).Select(static g => g.First()).ToList();
            // A query is never materialized, even one held in an IEnumerable<T> variable, which the fix would take.
            var isQuery = group.Any(static x => x.Diagnostic.Id == MultipleEnumerationCodeFixProvider.MultipleQueryExecutionId);
            var materializable = isQuery ? null : references.FirstOrDefault(r => MaterializeOnceCodeFix.MethodFor(root, model, r.Span, cancellationToken) is not null);
            switch (equivalenceKey)
            {
                case FuseAggregatesCodeFix.EquivalenceKey:
                    sites.AddRange(runs.Select(static r => (r.Reference, Fix.Fuse)));
                    break;
                case MaterializeOnceCodeFix.EquivalenceKey:
                    if (materializable is not null)
                        sites.Add((materializable, Fix.Materialize));
                    break;
                default:
                    var enumerations = group.SelectMany(static x => new[] { x.Diagnostic.Location }.Concat(x.Diagnostic.AdditionalLocations))
                        .Where(l => l.SourceTree == root.SyntaxTree)
                        .Select(static l => l.SourceSpan)
                        .ToList();
                    var settling = runs.FirstOrDefault(r => Settles(r.Calls, enumerations, variable));
                    if (settling.Reference is not null)
                    {
                        sites.Add((settling.Reference, Fix.Fuse));
                    }
                    else if (materializable is not null)
                    {
                        sites.Add((materializable, Fix.Materialize));
                        if (variable?.DeclaringSyntaxReferences.FirstOrDefault(r => r.SyntaxTree == root.SyntaxTree)?.GetSyntax(cancellationToken) is { } declaration)
                            declarations.Add(materializable, declaration);
                    }
                    else
                    {
                        sites.AddRange(runs.Select(static r => (r.Reference, Fix.Fuse))); // fewer passes, at least
                    }

                    break;
            }
        }

        if (sites.Count == 0)
            return document;

        var marks = sites.Select(static s => (SyntaxNode)s.Reference).Concat(declarations.Values).Distinct()
            .ToDictionary(static node => node, static _ => new SyntaxAnnotation("MultiAgg.MultipleEnumeration"));
        document = document.WithSyntaxRoot(root.ReplaceNodes(marks.Keys, (original, current) => current.WithAdditionalAnnotations(marks[original])));
        foreach (var (reference, fix) in sites.OrderBy(static s => s.Reference.SpanStart))
        {
            var current = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var node = current?.GetAnnotatedNodes(marks[reference]).FirstOrDefault();
            if (node is null && fix == Fix.Materialize && declarations.TryGetValue(reference, out var declaration))
                node = await FirstMaterializableReadAsync(document, marks[declaration], cancellationToken).ConfigureAwait(false);
            if (node is null)
                continue; // already rewritten by an earlier fusion of the same run

            document = fix == Fix.Fuse
                ? await FuseAggregatesCodeFix.ApplyAsync(document, node.Span, cancellationToken).ConfigureAwait(false)
                : await MaterializeOnceCodeFix.ApplyAsync(document, node.Span, cancellationToken).ConfigureAwait(false);
        }

        return document;
    }

    /// <summary>
    /// The first read of the variable declared at the node marked <paramref name="declaration"/> that "Materialize once"
    /// can buffer, in the document as the fixes before left it. A fusion of another sequence may have taken the read the
    /// diagnostic named into the new method (<c>xs.Count(x =&gt; ys.Contains(x))</c>), passing the variable to it
    /// instead: the buffer then goes before the fused call, where <c>ys</c> is still read once per element.
    /// </summary>
    private static async Task<SyntaxNode?> FirstMaterializableReadAsync(Document document, SyntaxAnnotation declaration, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root?.GetAnnotatedNodes(declaration).FirstOrDefault() is not { } declared
            || model?.GetDeclaredSymbol(declared, cancellationToken) is not { } variable
            || declared.FirstAncestorOrSelf<MemberDeclarationSyntax>() is not { } member)
        {
            return null;
        }

        // (Never a top-level statement's local: a fusion needs a type to add its method to.)
        return member.DescendantNodes().OfType<IdentifierNameSyntax>()
            .Where(name => name.Identifier.ValueText == variable.Name
                && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(name, cancellationToken).Symbol, variable))
            .FirstOrDefault(name => MaterializeOnceCodeFix.MethodFor(root, model, name.Span, cancellationToken) is not null);
    }

    /// <summary>
    /// Fixes the documents one after the other, each in the solution the ones before it left. Fixing them side by side
    /// (as <see cref="FixAllProvider.Create(System.Func{FixAllContext, Document, ImmutableArray{Diagnostic}, Task{Document}})"/>
    /// does) would let two files of one partial type each add a method named <c>SummarizeXs</c>: a new method's name
    /// is unique only among the members its document's compilation can see.
    /// </summary>
    private sealed class DocumentByDocument : FixAllProvider
    {
        public override IEnumerable<FixAllScope> GetSupportedFixAllScopes() =>
            new[] { FixAllScope.Document, FixAllScope.Project, FixAllScope.Solution };

        public override Task<CodeAction?> GetFixAsync(FixAllContext context)
        {
            var title = context.Scope switch
            {
                FixAllScope.Document => $"Fix all in {context.Document?.Name}",
                FixAllScope.Project => $"Fix all in {context.Project.Name}",
                _ => "Fix all in solution",
            };
            return Task.FromResult<CodeAction?>(CodeAction.Create(title, ct => FixSolutionAsync(context, ct), context.CodeActionEquivalenceKey));
        }

        private static async Task<Solution> FixSolutionAsync(FixAllContext context, CancellationToken cancellationToken)
        {
            var documents = context.Scope switch
            {
                FixAllScope.Document => context.Document is { } document ? new[] { document } : Array.Empty<Document>(),
                FixAllScope.Project => context.Project.Documents,
                _ => context.Solution.Projects.SelectMany(static p => p.Documents),
            };

            // Every document's diagnostics come from the solution as it was; a fix rewrites only its own document, so the
            // others' spans still hold when their turn comes.
            var work = new List<(DocumentId Id, ImmutableArray<Diagnostic> Diagnostics)>();
            var cancellable = context.WithCancellationToken(cancellationToken);
            foreach (var document in documents)
            {
                var diagnostics = await cancellable.GetDocumentDiagnosticsAsync(document).ConfigureAwait(false);
                if (!diagnostics.IsEmpty)
                    work.Add((document.Id, diagnostics));
            }

            var solution = context.Solution;
            foreach (var (id, diagnostics) in work)
            {
                if (solution.GetDocument(id) is not { } document
                    || await document.GetSyntaxTreeAsync(cancellationToken).ConfigureAwait(false) is not { } tree)
                {
                    continue;
                }

                // Whether a tree the diagnostics name has the document's text: compared once per tree, not per location.
                var sameText = new Dictionary<SyntaxTree, bool>();
                bool SameText(SyntaxTree reported)
                {
                    if (!sameText.TryGetValue(reported, out var same))
                        sameText[reported] = same = reported.GetText(cancellationToken).ContentEquals(tree.GetText(cancellationToken));
                    return same;
                }

                var relocated = diagnostics.Select(d => InTree(d, tree, SameText)).ToImmutableArray();
                var fixedDocument = await FixAsync(document, relocated, context.CodeActionEquivalenceKey, cancellationToken).ConfigureAwait(false);
                solution = fixedDocument.Project.Solution;
            }

            return solution;
        }

        /// <summary>
        /// The diagnostic with its locations in <paramref name="tree"/>, where they were reported in a tree of the same text:
        /// a workspace may hand out a new tree object for an unchanged document once its project's compilation changed.
        /// (A location in a tree of another text, as <paramref name="hasTreesText"/> says, stays where it is, and the fix
        /// passes it by.)
        /// </summary>
        private static Diagnostic InTree(Diagnostic diagnostic, SyntaxTree tree, Func<SyntaxTree, bool> hasTreesText)
        {
            if (diagnostic.Location.SourceTree == tree)
                return diagnostic;
            return Diagnostic.Create(diagnostic.Descriptor, Move(diagnostic.Location), diagnostic.AdditionalLocations.Select(Move), diagnostic.Properties);

            Location Move(Location location) =>
                location.SourceTree is { } reported && reported != tree && hasTreesText(reported)
                    ? Location.Create(tree, location.SourceSpan)
                    : location;
        }
    }

    /// <summary>
    /// Fusing <paramref name="calls"/> leaves one enumeration of the sequence: every reported
    /// enumeration (and every earlier one the diagnostics point to) is one of the calls, and the
    /// run is not repeated by a loop or a lambda inside the variable's scope (the member's, for a
    /// source that is no variable).
    /// </summary>
    private static bool Settles(IReadOnlyList<InvocationExpressionSyntax> calls, List<TextSpan> enumerations, ISymbol? variable)
    {
        if (!enumerations.All(e => calls.Any(c => c.Span.Contains(e))))
            return false;

        var declaration = variable?.DeclaringSyntaxReferences.FirstOrDefault()?.Span;
        foreach (var ancestor in calls[0].Ancestors())
        {
            if (declaration is { } span && ancestor.Span.Contains(span))
                return true;
            if (ancestor is ForStatementSyntax or CommonForEachStatementSyntax or WhileStatementSyntax or DoStatementSyntax
                or AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)
            {
                return false;
            }
        }

        return true;
    }
}
