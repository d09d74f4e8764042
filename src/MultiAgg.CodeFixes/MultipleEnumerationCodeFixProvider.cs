using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;

namespace MultiAgg.CodeFixes;

/// <summary>
/// Offers "Fuse into one pass" (first, when the enumerations are aggregate calls it can fuse) and
/// "Materialize once" for MAGG001 and for Microsoft's CA1851, which reports the same problem.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MultipleEnumerationCodeFixProvider)), Shared]
public sealed class MultipleEnumerationCodeFixProvider : CodeFixProvider
{
    public const string MultipleEnumerationId = "MAGG001";
    public const string NetAnalyzersMultipleEnumerationId = "CA1851";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        ImmutableArray.Create(MultipleEnumerationId, NetAnalyzersMultipleEnumerationId);

    public override FixAllProvider GetFixAllProvider() => MultipleEnumerationFixAll.Provider;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var document = context.Document;
        var root = await document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
            return;

        foreach (var diagnostic in context.Diagnostics)
        {
            var span = diagnostic.Location.SourceSpan;
            if (FuseAggregatesCodeFix.CanFix(root, model, span, context.CancellationToken))
            {
                context.RegisterCodeFix(
                    CodeAction.Create(FuseAggregatesCodeFix.Title, ct => FuseAggregatesCodeFix.ApplyAsync(document, span, ct), FuseAggregatesCodeFix.EquivalenceKey),
                    diagnostic);
            }

            if (MaterializeOnceCodeFix.MethodFor(root, model, span, context.CancellationToken) is { } method)
            {
                context.RegisterCodeFix(
                    CodeAction.Create(MaterializeOnceCodeFix.Title(method), ct => MaterializeOnceCodeFix.ApplyAsync(document, span, ct), MaterializeOnceCodeFix.EquivalenceKey),
                    diagnostic);
            }
        }
    }
}

/// <summary>
/// Fix All for both fixes, in a document, project or solution. With the "Fuse" key it fuses every
/// run it can; with the "Materialize" key it buffers each reported variable once. Without a key
/// (how <c>dotnet format analyzers</c> asks) it does what fixes everything: fuse a variable's
/// aggregate calls when all of its diagnostics are fusable, materialize it otherwise.
/// </summary>
internal static class MultipleEnumerationFixAll
{
    public static readonly FixAllProvider Provider = FixAllProvider.Create(
        static (context, document, diagnostics) => FixDocumentAsync(document, diagnostics, context.CodeActionEquivalenceKey, context.CancellationToken));

    private enum Fix
    {
        None,
        Fuse,
        Materialize,
    }

    private static async Task<Document?> FixDocumentAsync(Document document, ImmutableArray<Diagnostic> diagnostics, string? equivalenceKey, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || model is null || diagnostics.IsEmpty)
            return null;

        // Decide on the original document what each diagnostic gets, then mark the sites so
        // they can be found again as earlier fixes rewrite the document.
        var sites = new List<(SyntaxAnnotation Mark, Fix Fix)>();
        var marked = new Dictionary<SyntaxNode, SyntaxAnnotation>();
        var byVariable = diagnostics
            .OrderBy(static d => d.Location.SourceSpan.Start)
            .Select(d => (Diagnostic: d, Found: SequenceReference.Find(root, model, d.Location.SourceSpan, cancellationToken)))
            .Where(static x => x.Found is not null)
            .GroupBy(static x => x.Found!.Value.Variable, SymbolEqualityComparer.Default);
        foreach (var group in byVariable)
        {
            var fusable = group.Select(x => FuseAggregatesCodeFix.CanFix(root, model, x.Diagnostic.Location.SourceSpan, cancellationToken)).ToList();
            var materializeOnce = true;
            var index = 0;
            foreach (var (diagnostic, found) in group)
            {
                var fix = equivalenceKey switch
                {
                    FuseAggregatesCodeFix.EquivalenceKey => fusable[index] ? Fix.Fuse : Fix.None,
                    MaterializeOnceCodeFix.EquivalenceKey => Fix.Materialize,
                    _ => fusable.All(static f => f) ? Fix.Fuse : Fix.Materialize,
                };
                index++;

                // A variable is materialized once, whatever the number of its diagnostics.
                if (fix == Fix.Materialize && !materializeOnce)
                    fix = Fix.None;
                if (fix == Fix.Materialize)
                    materializeOnce = false;
                if (fix == Fix.None || marked.ContainsKey(found!.Value.Reference))
                    continue;

                var mark = new SyntaxAnnotation("MultiAgg.MultipleEnumeration");
                marked[found.Value.Reference] = mark;
                sites.Add((mark, fix));
            }
        }

        if (sites.Count == 0)
            return null;

        document = document.WithSyntaxRoot(root.ReplaceNodes(marked.Keys, (original, current) => current.WithAdditionalAnnotations(marked[original])));
        foreach (var (mark, fix) in sites)
        {
            var current = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var node = current?.GetAnnotatedNodes(mark).FirstOrDefault();
            if (node is null)
                continue; // already rewritten by an earlier fusion of the same run

            document = fix == Fix.Fuse
                ? await FuseAggregatesCodeFix.ApplyAsync(document, node.Span, cancellationToken).ConfigureAwait(false)
                : await MaterializeOnceCodeFix.ApplyAsync(document, node.Span, cancellationToken).ConfigureAwait(false);
        }

        return document;
    }
}
