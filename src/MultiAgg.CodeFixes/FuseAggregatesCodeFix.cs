using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Simplification;
using Microsoft.CodeAnalysis.Text;
using MultiAgg.Generators.Parsing;

namespace MultiAgg.CodeFixes;

/// <summary>
/// "Fuse into one pass" (a sequence) and "Fuse into one query" (an <c>IQueryable&lt;T&gt;</c>): consecutive
/// statements that compute LINQ aggregates of the same source (a variable, or a query written out the same
/// way: see <see cref="FusedSource"/>) become one call of a new [Aggregate] partial method, deconstructed
/// into the original variables:
/// <code>
/// var total = orders.Sum(o => o.Total);          var (total, largest) = SummarizeOrders(orders);
/// var largest = orders.Max(o => o.Total);   =&gt;
///                                                [Aggregate(Agg.Sum, Agg.Max, Of = nameof(Order.Total))]
///                                                private static partial (decimal Total, decimal Largest) SummarizeOrders(IEnumerable&lt;Order&gt; orders);
/// </code>
/// The method's source parameter has the source's type, so the generator reads a sequence in one
/// loop and runs a query as one query (DESIGN §8) exactly where the calls enumerated or executed it.
/// Each result keeps the type of the call it replaces, so values and the exception an empty source
/// throws stay LINQ's (an integral Sum overflows by the generator's exact-total rule: only when the
/// whole total does not fit).
/// </summary>
internal static class FuseAggregatesCodeFix
{
    public const string Title = "Fuse into one pass";
    public const string QueryTitle = "Fuse into one query";
    public const string EquivalenceKey = "MultiAgg.FuseIntoOnePass";

    private const string AggregateAttributeName = "MultiAgg.AggregateAttribute";

    /// <summary>
    /// Whether the new partial method with a value (C# 9) compiles in every project that compiles the document: a
    /// multi-targeted project's other targets link the same file (a netstandard2.0 target's C# is 7.3 by default), and
    /// the fix, run in one target's context, writes the method for all of them.
    /// </summary>
    public static bool FitsEveryTarget(Document document) =>
        document.GetLinkedDocumentIds().All(id =>
            document.Project.Solution.GetDocument(id)?.Project.ParseOptions is not CSharpParseOptions { LanguageVersion: < LanguageVersion.CSharp9 });

    /// <summary>The fix's title for the diagnostic at <paramref name="span"/>, or null when it does not apply.</summary>
    public static async Task<string?> TitleForAsync(Document document, SyntaxNode root, SemanticModel model, TextSpan span, CancellationToken cancellationToken) =>
        (await PlanAsync(document, root, model, span, cancellationToken).ConfigureAwait(false))?.Plan is { } plan ? (plan.IsQuery ? QueryTitle : Title) : null;

    /// <summary>The calls the fix would fuse (in source order, in <paramref name="root"/>), or null when it does not apply.</summary>
    public static async Task<IReadOnlyList<InvocationExpressionSyntax>?> FusedCallsAsync(Document document, SyntaxNode root, SemanticModel model, TextSpan span, CancellationToken cancellationToken)
    {
        if (await PlanAsync(document, root, model, span, cancellationToken).ConfigureAwait(false) is not { } planned)
            return null;
        if (planned.BlockBodied is not { } blocked)
            return planned.Plan.Calls;

        // Found in the document with a block body: the same calls in this one, the expression having moved as a whole.
        return planned.Plan.Calls
            .Select(call => new TextSpan(call.SpanStart - blocked.Shift, call.Span.Length))
            .Select(original => root.FindNode(original).DescendantNodesAndSelf().OfType<InvocationExpressionSyntax>().First(node => node.Span == original))
            .ToList();
    }

    public static async Task<Document> ApplyAsync(Document document, TextSpan span, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || model is null || await PlanAsync(document, root, model, span, cancellationToken).ConfigureAwait(false) is not { } planned)
            return document;

        var plan = planned.Plan;
        if (planned.BlockBodied is { } blocked)
            (document, root) = (blocked.Document, blocked.Root);

        var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        var endOfLine = Syntax.EndOfLine(root);
        foreach (var (call, replacement) in plan.Replacements)
            editor.ReplaceNode(call, SyntaxFactory.IdentifierName(replacement).WithTriviaFrom(call));
        foreach (var statement in plan.RemovedStatements)
        {
            if (statement != plan.FirstStatement)
                editor.RemoveNode(statement, SyntaxRemoveOptions.KeepNoTrivia);
        }

        var deconstruction = SyntaxFactory.ParseStatement(plan.Deconstruction)
            .WithLeadingTrivia(LeadingTrivia(plan, endOfLine))
            .WithTrailingTrivia(endOfLine)
            .WithAdditionalAnnotations(Formatter.Annotation);
        if (plan.RemovedStatements.Contains(plan.FirstStatement))
        {
            editor.ReplaceNode(plan.FirstStatement, deconstruction);
        }
        else
        {
            // Below an #endif before the statement it goes ahead of, above an #if (see Syntax.SplitAfterClosedRegions).
            var (above, own) = Syntax.SplitAfterClosedRegions(plan.FirstStatement.GetLeadingTrivia());
            if (above.Count > 0)
            {
                editor.ReplaceNode(plan.FirstStatement, (current, _) => current.WithLeadingTrivia(own));
                deconstruction = deconstruction.WithLeadingTrivia(above.AddRange(deconstruction.GetLeadingTrivia()));
            }

            editor.InsertBefore(plan.FirstStatement, deconstruction);
        }

        editor.InsertAfter(BelowEarlierFusions(plan.ContainingMember), plan.NewMembers.Select(text =>
            SyntaxFactory.ParseMemberDeclaration(text)!
                .WithLeadingTrivia(endOfLine)
                .WithTrailingTrivia(endOfLine)
                .WithAdditionalAnnotations(Formatter.Annotation, Simplifier.Annotation)));

        foreach (var type in plan.ContainingMember.Ancestors().OfType<TypeDeclarationSyntax>())
            editor.ReplaceNode(type, static (node, _) => Syntax.MakePartial((TypeDeclarationSyntax)node));

        var newRoot = editor.GetChangedRoot();
        if (plan.NeedsUsing && newRoot is CompilationUnitSyntax unit)
            newRoot = Syntax.AddUsing(unit, "MultiAgg");

        var changed = document.WithSyntaxRoot(newRoot);
        changed = await Simplifier.ReduceAsync(changed, Simplifier.Annotation, cancellationToken: cancellationToken).ConfigureAwait(false);
        return await Formatter.FormatAsync(changed, Formatter.Annotation, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Where a fusion's new methods go: after <paramref name="member"/>, below the [Aggregate] partial methods without a
    /// body that follow it (what earlier fusions of its runs wrote), so that the methods come in the order of the runs.
    /// </summary>
    private static MemberDeclarationSyntax BelowEarlierFusions(MemberDeclarationSyntax member)
    {
        var last = member;
        foreach (var next in member.Parent?.ChildNodes().OfType<MemberDeclarationSyntax>().SkipWhile(m => m != member).Skip(1) ?? [])
        {
            if (next is not MethodDeclarationSyntax { Body: null, ExpressionBody: null } method
                || !method.Modifiers.Any(SyntaxKind.PartialKeyword)
                || !method.AttributeLists.SelectMany(static list => list.Attributes).Any(static attribute => attribute.Name.ToString() is "Aggregate" or "AggregateAttribute" or "MultiAgg.Aggregate" or "MultiAgg.AggregateAttribute"))
            {
                break;
            }

            last = method;
        }

        return last;
    }

    /// <summary>
    /// The deconstruction's leading trivia: where it replaces the first statement, that statement's, else only its
    /// indentation (the first statement stays, with its own comments); then the comments of every statement it removes
    /// (<c>// incl. tax</c> after <c>var total = xs.Sum();</c>, <c>/* gross */</c> inside one), each on a line of its own.
    /// </summary>
    private static SyntaxTriviaList LeadingTrivia(FusionPlan plan, SyntaxTrivia endOfLine)
    {
        var leading = plan.FirstStatement.GetLeadingTrivia();
        var indentation = Syntax.Indentation(leading).FirstOrDefault();
        if (!plan.RemovedStatements.Contains(plan.FirstStatement))
            leading = Syntax.Indentation(leading);

        // The replaced first statement's leading trivia is already there: only what follows its first token's start. A call
        // replaced in a statement that stays gives up the comments inside it (`xs.Sum(o => o.Net /* after discounts */)`).
        var comments = plan.RemovedStatements
            .SelectMany(statement => statement.DescendantTrivia().Where(t => statement != plan.FirstStatement || t.SpanStart >= statement.SpanStart))
            .Concat(plan.Replacements
                .Where(replaced => !plan.RemovedStatements.Any(statement => statement.Span.Contains(replaced.Call.Span)))
                .SelectMany(static replaced => replaced.Call.DescendantTrivia().Where(t => t.SpanStart >= replaced.Call.SpanStart && t.Span.End <= replaced.Call.Span.End)))
            .Where(static t => t.IsKind(SyntaxKind.SingleLineCommentTrivia) || t.IsKind(SyntaxKind.MultiLineCommentTrivia))
            .Where(t => !plan.MovedText.Any(moved => moved.Contains(t.Span)))   // kept in the extracted method's body
            .OrderBy(static t => t.SpanStart)
            .ToList();
        foreach (var comment in comments)
        {
            leading = leading.Add(comment).Add(endOfLine);
            if (indentation != default)
                leading = leading.Add(indentation);
        }

        return leading;
    }

    /// <summary>
    /// Whether code at <paramref name="position"/> compiles in a context the code after <paramref name="member"/> does
    /// not, where the new method and the lambdas made methods go. Inside an <c>#if</c> region opened in the member (the
    /// run of an <c>#if NET6_0_OR_GREATER</c> in a method body), every build would compile them, and they would name what
    /// only that region's builds have. Before a <c>#pragma warning</c> or <c>#nullable</c> directive later in the member
    /// (a <c>#pragma warning disable CS0618</c> the method restores before its end), they would lose the run's warnings
    /// and nullable context: a warning it disabled comes back, an error under TreatWarningsAsErrors.
    /// </summary>
    private static bool IsInContextOfItsOwn(MemberDeclarationSyntax member, int position)
    {
        var depth = 0;
        foreach (var trivia in member.DescendantTrivia())
        {
            // The member's leading trivia is outside it: a region around the whole member holds the new method too.
            if (trivia.SpanStart < member.SpanStart)
                continue;
            if (trivia.SpanStart >= position)
            {
                if (trivia.IsKind(SyntaxKind.PragmaWarningDirectiveTrivia) || trivia.IsKind(SyntaxKind.NullableDirectiveTrivia))
                    return true;
                continue;
            }

            if (trivia.IsKind(SyntaxKind.IfDirectiveTrivia))
                depth++;
            else if (trivia.IsKind(SyntaxKind.EndIfDirectiveTrivia))
                depth--;
        }

        return depth > 0;
    }

    /// <summary>
    /// What the fix will change, or null when the diagnostic's code is not a run of fusable calls. Calls in the expression
    /// body of a method or local function (<c>=&gt; xs.Max() - xs.Min()</c>) are planned in the document with that body
    /// made a block (<c>{ return xs.Max() - xs.Min(); }</c>), which the fix then changes.
    /// </summary>
    private static async Task<(FusionPlan Plan, BlockBodied? BlockBodied)?> PlanAsync(Document document, SyntaxNode root, SemanticModel model, TextSpan span, CancellationToken cancellationToken)
    {
        if (Seed.Find(root, model, span, cancellationToken) is not { } seed)
            return null;
        if (Plan(model, seed, cancellationToken) is { } plan)
            return (plan, null);

        return await WithBlockBodyAsync(document, root, model, seed, cancellationToken).ConfigureAwait(false) is { } blocked
            && Seed.Find(blocked.Root, blocked.Model, new TextSpan(span.Start + blocked.Shift, span.Length), cancellationToken) is { } moved
            && Plan(blocked.Model, moved, cancellationToken) is { } movedPlan
            ? (movedPlan, blocked)
            : null;
    }

    /// <summary>
    /// Where the diagnostic sits in the expression body of a method, constructor, operator or local function, which has no
    /// statement to put the fused call before: the document with that body made a block, and how far the expression moved
    /// in it (as a whole: it is the same node). Else null.
    /// </summary>
    private static async Task<BlockBodied?> WithBlockBodyAsync(Document document, SyntaxNode root, SemanticModel model, Seed seed, CancellationToken cancellationToken)
    {
        // Only where there is a seed call to fuse (a new document costs a compilation of its own). A throw expression has
        // no value to aggregate into, and becomes another node.
        var arrow = seed.Call.Syntax.Ancestors()
            .FirstOrDefault(static node => node is StatementSyntax or AnonymousFunctionExpressionSyntax or ArrowExpressionClauseSyntax) as ArrowExpressionClauseSyntax;
        if (arrow is not { Parent: BaseMethodDeclarationSyntax or LocalFunctionStatementSyntax, Expression: not ThrowExpressionSyntax }
            || !Syntax.CanMakeBlockBody(arrow.Parent)
            || model.GetDeclaredSymbol(arrow.Parent, cancellationToken) is not IMethodSymbol method)
        {
            return null;
        }

        var mark = new SyntaxAnnotation();
        var function = arrow.Parent.ReplaceNode(arrow.Expression, arrow.Expression.WithAdditionalAnnotations(mark));
        var blocked = document.WithSyntaxRoot(root.ReplaceNode(arrow.Parent, Syntax.WithBlockBody(function, Syntax.ReturnsAValue(method))));
        var blockedRoot = await blocked.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var blockedModel = await blocked.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        return blockedRoot?.GetAnnotatedNodes(mark).FirstOrDefault() is { } expression && blockedModel is not null
            ? new BlockBodied(blocked, blockedRoot, blockedModel, expression.SpanStart - arrow.Expression.SpanStart)
            : null;
    }

    /// <summary>A document with an expression body made a block, and how far the expression moved.</summary>
    private sealed record BlockBodied(Document Document, SyntaxNode Root, SemanticModel Model, int Shift);

    /// <summary>
    /// What a fusion starts from: MultiAgg's [Aggregate] in the compilation, the diagnostic's source, and the aggregate call
    /// on it at the diagnostic.
    /// </summary>
    private sealed record Seed(INamedTypeSymbol Attribute, FusedSource Source, AggregateCall Call)
    {
        public static Seed? Find(SyntaxNode root, SemanticModel model, TextSpan span, CancellationToken cancellationToken) =>
            model.Compilation.GetTypeByMetadataName(AggregateAttributeName) is { } attribute
            && FusedSource.Find(root, model, span, cancellationToken) is { } source
            && AggregateCall.Find(model, source.Reference, cancellationToken) is { } call
                ? new Seed(attribute, source, call)
                : null;
    }

    /// <summary>What the fix will change, or null when the seed's code is not a run of fusable calls in a block.</summary>
    private static FusionPlan? Plan(SemanticModel model, Seed found, CancellationToken cancellationToken)
    {
        var (attribute, source, seed) = found;
        if (seed.Syntax.FirstAncestorOrSelf<StatementSyntax>() is not { Parent: BlockSyntax block } seedStatement
            || Unnameable(source.Type, model.Compilation)
            || source.DependsOn is null)
        {
            return null;
        }

        // The run: the consecutive statements around the diagnostic whose every use of the
        // source is an aggregate call that always runs. Every statement but the last must do
        // nothing else (call methods, assign fields...) that the fused pass would now run after.
        var statements = block.Statements;
        var index = statements.IndexOf(seedStatement);
        var callsAt = new Dictionary<int, List<AggregateCall>>();
        if (!HasCalls(index))
            return null;
        var first = index;
        // A return ends the run: the calls after it never run (the compiler's CS0162), and the pass must not run them.
        while (first > 0 && HasCalls(first - 1) && statements[first - 1] is not ReturnStatementSyntax && IsInert(statements[first - 1], callsAt[first - 1], model, cancellationToken))
            first--;
        var last = index;
        while (last + 1 < statements.Count && statements[last] is not ReturnStatementSyntax && IsInert(statements[last], callsAt[last], model, cancellationToken) && HasCalls(last + 1))
            last++;

        var run = Enumerable.Range(first, last - first + 1).ToList();
        var allCalls = run.SelectMany(i => callsAt[i]).ToList();
        if (allCalls.Count < 2)
            return null;

        // The pass runs where the run starts, so nothing written before a call of the run, in the statement of that call,
        // may be code the pass would now run ahead of: `var r = Check(n) + xs.Max()` (Check no longer runs before an
        // empty source throws, nor before it refills xs), or, for an expression source (`_db.Orders`), anything that could
        // change what it reads (`_db.Orders.Count() + Reload() + _db.Orders.Max(...)`). Statements before the last were
        // checked whole above. And a conditional-compilation directive inside the run would leave calls it excludes in
        // some builds fused into code every build runs.
        if (run.Any(i => !IsInert(statements[i], callsAt[i], model, cancellationToken, before: callsAt[i].Max(static c => c.Expression.SpanStart))
                         || statements[i].DescendantTrivia().Any(t => t.IsDirective && t.SpanStart >= statements[first].SpanStart)))
        {
            return null;
        }

        if (AssignsWhatAFailureLeaves(run.Select(i => statements[i]).ToList(), allCalls, block, model, cancellationToken))
            return null;

        // A call whose text another parameter captures (`ArgumentOutOfRangeException.ThrowIfGreaterThan(xs.Min(), xs.Max())`,
        // .NET 9's `Debug.Assert(xs.Any())`): a local in its place would change the message to the local's name.
        if (allCalls.Any(call => IsCapturedAsText(call.Expression, model, cancellationToken)))
            return null;

        // The generator reads the new method's source as its type says: a query (an IQueryable<T>) runs
        // as one query, anything else is enumerated. Every call must have read it that way. And the
        // method is either synchronous or awaited: a run that mixes both is left alone, since fusing it
        // would move the synchronous calls' work behind an await, or block on the awaited ones.
        var isQuery = AggregateCall.IsQueryable(source.Type);
        var isAsync = seed.IsAsync;
        if (allCalls.Any(c => c.IsQuery != isQuery || c.IsAsync != isAsync))
            return null;

        if (isAsync && FusedConfigureAwait(allCalls, model, cancellationToken) is null)
            return null;

        // A lazy source's own functions (`var stamps = lines.Select(l => Parse(l[..19]))`) run on the elements each call reads.
        var sourceMayThrow = source.Functions(model, cancellationToken).Any(f => FunctionMayThrow(f, model, cancellationToken));
        if (FailsInAnotherOrder(allCalls, isQuery, sourceMayThrow, model, cancellationToken))
            return null;

        // LINQ's Count() of an ordering counts what it orders, and Any() may, without sorting it, where the pass enumerates
        // the ordering and so sorts it: a sort the calls never paid for, and key selectors (or a comparer) that may fail or
        // write, running where they did not. (A call that reads the elements sorts in LINQ too, and so does a Count() of a
        // filter over an ordering.)
        if (allCalls.All(static c => c.Aggregate is "Count" or "Any" && c.Function is null) && source.IsOrdering(model, cancellationToken))
            return null;

        // LINQ's Last reads the last element alone through them (Select calls its selector on it only, Where tests a list
        // from its end), where the pass reads every element through them: unless another call reads them all too, one
        // that fails for an earlier element would now fail the pass.
        if (sourceMayThrow
            && allCalls.Any(static c => c.Aggregate is "Last" or "LastOrDefault")
            && !allCalls.Any(static c => c.Aggregate is not ("Last" or "LastOrDefault") && !StopsAtItsAnswer(c)))
        {
            return null;
        }

        // A lazy source's own functions that write a field or property (`Select(x => { _seen++; return x; })`) change it
        // while the pass reads the elements, where each call's function read it as the calls before had left it (a local
        // so written is checked with the values the calls capture, below).
        if (MembersWrittenBy(source.Functions(model, cancellationToken)) is { Count: > 0 } written
            && allCalls.Any(call => call.Function is { } function && function.Value.DescendantsAndSelf()
                .Any(o => o is IFieldReferenceOperation or IPropertyReferenceOperation && written.Contains(((IMemberReferenceOperation)o).Member.OriginalDefinition))))
        {
            return null;
        }

        if (isQuery && allCalls.Any(static call => (call.Function is { } function && NegatesANullableComparison(function)) || ComputesInAnotherTypeInOneQuery(call) || HasNoQueryForm(call)))
            return null;

        // The new method is a partial method with a value (C# 9), in a type the generator implements methods of: not an
        // interface, nor a file-local type or one inside it (MAGG's FileLocalContainingType), nor a C# 14 extension block,
        // which holds no partial method (read from the syntax, as the generator does: this Roslyn predates the blocks).
        // A nested type's header (a primary constructor's base argument) is no member of the type around it: the new
        // method there could not name the nested type's type parameters, nor read its parameters.
        var containingMember = block.Ancestors().OfType<MemberDeclarationSyntax>().FirstOrDefault(static m => m.Parent is TypeDeclarationSyntax);
        if (containingMember is null or BaseTypeDeclarationSyntax or DelegateDeclarationSyntax
            || containingMember.Parent is not TypeDeclarationSyntax typeDeclaration
            || typeDeclaration is InterfaceDeclarationSyntax
            || typeDeclaration.Keyword.ValueText == "extension"
            || model.SyntaxTree.Options is CSharpParseOptions { LanguageVersion: < LanguageVersion.CSharp9 }
            || model.GetDeclaredSymbol(typeDeclaration, cancellationToken) is not { } containingType
            || IsInFileLocalType(containingType)
            || allCalls.Any(c => Unnameable(c.ResultType, model.Compilation))
            || IsInContextOfItsOwn(containingMember, statements[first].SpanStart))
        {
            return null;
        }

        var runStart = statements[first].SpanStart;
        var position = containingMember.Span.End;
        var memberNames = MemberNames(containingType, model, position);
        var translator = new FunctionTranslator(model, containingType, position, runStart, memberNames, inlinedIntoQuery: isQuery, cancellationToken);

        // One tuple element per distinct (aggregate, function, type), in the order of the calls, so
        // that the first result to fail (an overflowing Sum, a First without a match) is the call
        // that failed first; consecutive calls with the same function share an attribute.
        var elements = new List<Element>();
        var attributes = new List<(string Functions, List<Element> Elements)>();
        var elementOfCall = new Dictionary<AggregateCall, Element>();
        foreach (var call in allCalls)
        {
            var function = "";
            if (call.Function is { } argument)
            {
                var translated = translator.Translate(argument, call.IsPredicate, identityIsNoFunction: !call.NeedsItsSelector);
                if (translated is null)
                    return null;
                function = translated.Length == 0 ? "" : (call.Filters ? "Where = " : "Of = ") + translated;
            }

            // Where the new method is declared, with that place's nullable context (which the call's may not be).
            var resultType = call.GivesNullForNoValues && model.GetNullableContext(position).AnnotationsEnabled()
                ? call.ResultType.WithNullableAnnotation(NullableAnnotation.Annotated)
                : call.ResultType;
            var type = resultType.ToMinimalDisplayString(model, position);
            var element = elements.FirstOrDefault(e => e.Aggregate == call.Aggregate && e.Function == function && e.Type == type);
            if (element is null)
            {
                element = new Element(call.Aggregate, function, type, call);
                elements.Add(element);
                var group = attributes.LastOrDefault();
                if (group.Elements is null || group.Functions != function)
                    attributes.Add(group = (function, new List<Element>()));
                group.Elements.Add(element);
            }

            elementOfCall[call] = element;
        }

        // Async calls: one pass or one query, awaited once, given the token the calls were given
        // (they must agree on it), read where the first call read it.
        var tokens = allCalls.Select(static c => c.CancellationToken?.Value.Syntax).OfType<ExpressionSyntax>().ToList();
        var token = tokens.FirstOrDefault();
        var tokenSymbols = token?.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>()
            .Select(id => model.GetSymbolInfo(id, cancellationToken).Symbol)
            .OfType<ISymbol>()
            .Where(static symbol => symbol is ILocalSymbol or IParameterSymbol)
            .ToList() ?? new List<ISymbol>();
        // The fused call reads the token, and an expression source, where the run starts: what they read
        // must be declared by then, and keep its value through the run.
        // And a token read once stands for the calls' reads only where reading it does nothing: `Deadline()` or
        // `new CancellationTokenSource(5000).Token` gave each call a timeout of its own, from when it started.
        var readAtStart = tokenSymbols.Concat(source.Reads).ToList();
        if (tokens.Any(t => !SyntaxFactory.AreEquivalent(t, token))
            || (token is not null && token.DescendantNodesAndSelf().Any(static n => n is InvocationExpressionSyntax or BaseObjectCreationExpressionSyntax or AssignmentExpressionSyntax))
            || readAtStart.Any(symbol => symbol.DeclaringSyntaxReferences.Any(r => r.Span.End > runStart)))
        {
            return null;
        }

        // A captured token becomes a parameter of the new method, and the generator takes a method's first token for
        // its own: its loop checks that token before each element (and an async one gives it to the source). Only the
        // token the awaited calls are given already did so. A captured ParallelOptions would make the pass parallel.
        if (translator.Captured.Any(c => Unnameable(translator.TypeOf(c), model.Compilation)
                || (AggregateCall.IsCancellationToken(translator.TypeOf(c)) && !tokenSymbols.Contains(c, SymbolEqualityComparer.Default))
                || AggregateCall.IsParallelOptions(translator.TypeOf(c)))
            || WrittenWithin(translator.Captured.Concat(tokenSymbols).Concat(source.DependsOn).ToList(), statements[first], statements[last], model)
            || WrittenByAFunction(translator.Captured.Concat(source.DependsOn).ToList(), containingMember, statements[first], model, cancellationToken))
        {
            return null;
        }

        // Results in tuple order, named after the variables they initialize where possible.
        var ordered = attributes.SelectMany(static a => a.Elements).ToList();
        var localNames = Names.UsedIn(containingMember, model, runStart);
        var removed = new List<StatementSyntax>();
        var reused = new List<ISymbol>();
        var replacements = new List<(ExpressionSyntax, string)>();
        foreach (var element in ordered)
        {
            if (ReusableDeclaration(element.FirstCall, model, cancellationToken) is var (statement, name, local))
            {
                element.Local = name;
                removed.Add(statement);
                reused.Add(local);
            }
            else
            {
                element.Local = Names.Unique(Names.Camel(element.Aggregate) + Suffix(element.Function), localNames);
            }
        }

        // A variable the fused result is declared as stands for the call's value in the later calls of the same
        // aggregate: assigned again within the run (`a = xs.Min()`), it would hand them the new value instead.
        if (reused.Count > 0 && run.Select(i => statements[i]).Except(removed).Any(statement =>
                model.AnalyzeDataFlow(statement) is not { Succeeded: true } flow || flow.WrittenInside.Any(w => reused.Contains(w, SymbolEqualityComparer.Default))))
        {
            return null;
        }

        // One local stands for every call of the same aggregate. A method called on a struct's value changes a copy of it
        // (`cs.First().Bump()`); called on that local (or on the user's own local the result is declared as), it would
        // change what the other calls read.
        var shared = allCalls.GroupBy(call => elementOfCall[call]).Where(static calls => calls.Count() > 1 && MayChangeInPlace(calls.Key.FirstCall.ResultType));
        if (shared.Any(calls => calls.Any(static call => IsMethodReceiver(call.Expression))
                || run.Select(i => statements[i]).Any(statement => statement.DescendantNodes().OfType<IdentifierNameSyntax>().Any(name => IsMethodReceiver(name)
                    && model.GetSymbolInfo(name, cancellationToken).Symbol is ILocalSymbol local && local.Name == calls.Key.Local
                    && reused.Contains(local, SymbolEqualityComparer.Default)))))
        {
            return null;
        }

        foreach (var call in allCalls)
        {
            var element = elementOfCall[call];
            if (!removed.Contains(call.Syntax.FirstAncestorOrSelf<StatementSyntax>()!) || element.FirstCall != call)
                replacements.Add((call.Expression, element.Local!));
        }

        var tupleNames = new HashSet<string>();
        // Where one of MultiAgg's names already means something else here (a type of the user's own called
        // AggregateAttribute or Agg), `using MultiAgg;` would lose to it or make it ambiguous: the attribute is written in full.
        var qualified = SharesANameWithMultiAgg(model, position, attribute);
        var aggregatePrefix = AggregatePrefix(model, position, elements, qualified);
        var text = new StringBuilder();
        foreach (var (functions, grouped) in attributes)
        {
            text.Append(qualified ? "[global::MultiAgg.Aggregate(" : "[Aggregate(").Append(string.Join(", ", grouped.Select(e => aggregatePrefix + e.Aggregate)));
            if (functions.Length > 0)
                text.Append(", ").Append(functions);
            text.Append(")]\n");
        }

        var methodName = MethodName(source.Name, ordered.Select(static e => e.Local!).ToList(), containingMember, model, memberNames, localNames, isAsync ? "Async" : "", cancellationToken);
        var capturedNames = new HashSet<string>(translator.Captured.Select(static c => c.Name));
        var sourceParameter = source.Variable?.Name ?? Names.Unique(Names.Camel(source.Name), capturedNames).TrimStart('@');
        var parameters = new List<string> { Names.Declare(source.Type, sourceParameter, model, position) };
        parameters.AddRange(translator.Captured.Select(c => Names.Declare(translator.TypeOf(c), c.Name, model, position)));
        var arguments = new[] { source.Argument }.Concat(translator.Captured.Select(static c => Names.Escape(c.Name))).ToList();

        // One result is the value itself; several are a tuple, deconstructed into the locals.
        var returnType = ordered.Count == 1 ? ordered[0].Type : "(" + string.Join(", ", ordered.Select(e => e.Type + " " + TupleName(e.Local!, tupleNames))) + ")";
        if (isAsync)
        {
            // As every async aggregate it replaces, the method returns a task (the calls' kind: ValueTask<>
            // for AsyncEnumerable's, Task<> for EF Core's) and takes an optional token; the call passes
            // the token the calls were given, if any.
            returnType = $"global::System.Threading.Tasks.{(allCalls[0].Operation.Type is { Name: "Task" } ? "Task" : "ValueTask")}<{returnType}>";
            var parameterNames = new HashSet<string>(new[] { sourceParameter }.Concat(translator.Captured.Select(static c => c.Name)));
            parameters.Add("global::System.Threading.CancellationToken " + Names.Unique("cancellationToken", parameterNames) + " = default");
            if (token is not null)
                arguments.Add(token.WithoutTrivia().ToString());
        }

        text.Append("private static partial ")
            .Append(returnType)
            .Append(' ').Append(methodName).Append('(').Append(string.Join(", ", parameters)).Append(");");

        var fusedCall = $"{methodName}({string.Join(", ", arguments)})";
        if (isAsync)
        {
            fusedCall = "await " + fusedCall + FusedConfigureAwait(allCalls, model, cancellationToken);
        }

        var deconstruction = ordered.Count == 1
            ? $"var {ordered[0].Local} = {fusedCall};"
            : $"var ({string.Join(", ", ordered.Select(static e => e.Local))}) = {fusedCall};";

        var members = new List<string> { text.ToString() };
        members.AddRange(translator.ExtractedMethods);
        var needsUsing = !qualified && !model.LookupNamespacesAndTypes(position, name: "AggregateAttribute")
            .Any(t => SymbolEqualityComparer.Default.Equals(t, attribute));

        return new FusionPlan(
            isQuery, containingMember, statements[first], allCalls.Select(static c => c.Syntax).ToList(), removed, replacements, translator.MovedText,
            deconstruction, members, needsUsing);

        bool HasCalls(int i)
        {
            if (!callsAt.ContainsKey(i)
                && statements[i] is LocalDeclarationStatementSyntax { UsingKeyword.RawKind: 0, IsConst: false } or ExpressionStatementSyntax or ReturnStatementSyntax
                && CallsIn(statements[i], source, model, cancellationToken) is { } found
                && !(statements[i] is ExpressionStatementSyntax { Expression: var discarded } && found.Any(c => c.Expression.Span == discarded.Span)))
            {
                // (A call whose result is dropped, `xs.Count();`, has no value for the pass to stand in for.)
                callsAt[i] = found;
            }

            return callsAt.ContainsKey(i);
        }
    }

    private sealed class Element
    {
        public Element(string aggregate, string function, string type, AggregateCall firstCall)
        {
            Aggregate = aggregate;
            Function = function;
            Type = type;
            FirstCall = firstCall;
        }

        public string Aggregate { get; }

        public string Function { get; }

        public string Type { get; }

        public AggregateCall FirstCall { get; }

        public string? Local { get; set; }
    }

    /// <summary>
    /// The aggregate calls on <paramref name="source"/> in a statement, or null when the
    /// statement uses the source any other way, or in code that may not run (a lambda, the
    /// right of <c>&amp;&amp;</c>, a <c>?:</c> branch...): such a call cannot be hoisted.
    /// </summary>
    private static List<AggregateCall>? CallsIn(StatementSyntax statement, FusedSource source, SemanticModel model, CancellationToken cancellationToken)
    {
        var calls = new List<AggregateCall>();
        foreach (var candidate in source.CandidatesIn(statement))
        {
            if (!source.Is(candidate, model, cancellationToken))
                continue;

            if (AggregateCall.Find(model, candidate, cancellationToken) is not { } call || !AlwaysRuns(call.Syntax, statement, model, cancellationToken))
                return null;
            calls.Add(call);
        }

        return calls.Count > 0 ? calls : null;
    }

    /// <summary>
    /// Whether the call runs whenever its statement does: not in a branch (<c>?:</c>, the right of <c>&amp;&amp;</c>,
    /// <c>||</c>, <c>??</c>, <c>?.</c>, a switch arm), a lambda, a local function or a query clause; not in an argument or
    /// the receiver of a <c>[Conditional]</c> method (<c>Debug.Assert(xs.First() &lt;= xs.Last())</c> evaluates nothing in
    /// Release), nor in
    /// an interpolated string a handler may not format (a logger's <c>$"{xs.Count()}"</c> at a disabled level).
    /// </summary>
    private static bool AlwaysRuns(SyntaxNode node, StatementSyntax statement, SemanticModel model, CancellationToken cancellationToken)
    {
        for (var child = node; child != statement && child.Parent is { } parent; child = parent)
        {
            var conditional = parent switch
            {
                ConditionalExpressionSyntax c => child != c.Condition,
                BinaryExpressionSyntax b when b.IsKind(SyntaxKind.LogicalAndExpression) || b.IsKind(SyntaxKind.LogicalOrExpression) || b.IsKind(SyntaxKind.CoalesceExpression) => child == b.Right,
                AssignmentExpressionSyntax a when a.IsKind(SyntaxKind.CoalesceAssignmentExpression) => child == a.Right,
                // The receiver too where what follows is an omitted call: the statement goes with it (`xs.First()?.Trace()`).
                ConditionalAccessExpressionSyntax c => child == c.WhenNotNull || c.WhenNotNull is InvocationExpressionSyntax { Expression: MemberBindingExpressionSyntax } call && IsOmittedCall(call),
                SwitchExpressionArmSyntax or AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or QueryExpressionSyntax => true,
                ArgumentListSyntax { Parent: InvocationExpressionSyntax invocation } => IsOmittedCall(invocation),
                // Its receiver is dropped with it: `xs.Max().AssertPositive()`, `new Probe(xs.Max()).Trace()`.
                MemberAccessExpressionSyntax { Parent: InvocationExpressionSyntax invocation } access when child == access.Expression => IsOmittedCall(invocation),
                // An interpolated string, or several joined by '+', given to a handler.
                InterpolatedStringExpressionSyntax or BinaryExpressionSyntax { RawKind: (int)SyntaxKind.AddExpression } =>
                    model.GetConversion(parent, cancellationToken).IsInterpolatedStringHandler,
                _ => false,
            };
            if (conditional)
                return false;
        }

        return true;

        bool IsOmittedCall(InvocationExpressionSyntax invocation) =>
            model.GetSymbolInfo(invocation, cancellationToken).Symbol is IMethodSymbol method && IsOmitted(method);
    }

    /// <summary>
    /// A method whose calls the compiler may drop, arguments and all: one marked <c>[Conditional]</c> (<c>Debug.Assert</c>,
    /// <c>Trace.WriteLine</c>), or overriding one so marked, as C# reads an override's; or a partial method with no
    /// implementation.
    /// </summary>
    private static bool IsOmitted(IMethodSymbol method)
    {
        if (method.OriginalDefinition is { IsPartialDefinition: true, PartialImplementationPart: null })
            return true;
        for (IMethodSymbol? current = method; current is not null; current = current.OverriddenMethod)
        {
            if (current.GetAttributes().Any(static a => a.AttributeClass is { Name: "ConditionalAttribute", ContainingNamespace: { Name: "Diagnostics", ContainingNamespace.Name: "System" } }))
                return true;
        }

        return false;
    }

    /// <summary>
    /// A statement whose only effects besides its aggregate calls are declaring or assigning
    /// locals: running the fused pass before it is not observable. With <paramref name="before"/>, only what
    /// is written entirely before that position counts (what runs before the call there).
    /// </summary>
    private static bool IsInert(StatementSyntax statement, List<AggregateCall> calls, SemanticModel model, CancellationToken cancellationToken, int? before = null)
    {
        // A call's result converted by a user-defined implicit conversion (`PositiveInt n = xs.Count()`): a call, with no
        // syntax of its own, that runs as the result is taken.
        if (calls.Any(call => (before is not { } end || call.Expression.Span.End <= end) && ConvertsByUserCode(call.Expression, model, cancellationToken)))
            return false;

        var callSpans = calls.Select(static c => c.Expression.Span).ToList();
        foreach (var node in statement.DescendantNodes(n => !callSpans.Contains(n.Span)))
        {
            if (callSpans.Contains(node.Span))
                continue;
            if (before is { } end && node.Span.End > end)
            {
                // Around the call, what runs before its initializer does: the constructor (and the Adds of the items
                // before it) of `new Stats(n) { Peak = xs.Max() }`, the copy of `r with { P = xs.Max() }`.
                if (node is BaseObjectCreationExpressionSyntax { Initializer: { } initializer } && initializer.Span.Contains(end)
                    || node is WithExpressionSyntax { Initializer: var copied } && copied.Span.Contains(end)
                    || node is CollectionExpressionSyntax collection && !BuildsWithoutUserCode(collection, model, cancellationToken))
                {
                    return false;
                }

                continue;
            }

            switch (node)
            {
                case InvocationExpressionSyntax or ObjectCreationExpressionSyntax or ImplicitObjectCreationExpressionSyntax
                    or AwaitExpressionSyntax or ThrowExpressionSyntax or PostfixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PostIncrementExpression or (int)SyntaxKind.PostDecrementExpression }
                    or PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PreIncrementExpression or (int)SyntaxKind.PreDecrementExpression }:
                    return false;
                // A ref local writes through to what it refers to.
                case AssignmentExpressionSyntax assignment
                    when model.GetSymbolInfo(assignment.Left, cancellationToken).Symbol is not ILocalSymbol { RefKind: RefKind.None }:
                    return false;

                // What may throw: run after the pass, its exception would come after one the pass throws (an empty
                // source's Max) instead of before it (`total / xs.Count()` on an empty source). An indexer (`?[` too),
                // a user-defined operator or conversion is a call, as are the constructor and Adds of a collection
                // expression of the user's type, and the enumeration of a spread that is not an array; a cast may fail; and a member of what a call gives
                // for an empty source (MaxBy's null, `Max()!.Value` of nullable values) is a NullReferenceException
                // or an InvalidOperationException of its own.
                case BinaryExpressionSyntax { RawKind: (int)SyntaxKind.DivideExpression or (int)SyntaxKind.ModuloExpression }:
                case AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.DivideAssignmentExpression or (int)SyntaxKind.ModuloAssignmentExpression }:
                case ElementAccessExpressionSyntax or ElementBindingExpressionSyntax:
                case CollectionExpressionSyntax collection when !BuildsWithoutUserCode(collection, model, cancellationToken):
                case SpreadElementSyntax spread when !SpreadsWithoutUserCode(spread, model, cancellationToken):
                case CastExpressionSyntax cast when MayFail(cast, model, cancellationToken):
                case BinaryExpressionSyntax or PrefixUnaryExpressionSyntax or AssignmentExpressionSyntax when MayOverflow(node, model, cancellationToken):
                case MemberAccessExpressionSyntax member when ReadsWhatEmptyGives(member.Expression, calls) || ReadsWhatMayBeNull(member, model, cancellationToken):
                // An array's size may be negative, a stackalloc's too.
                case ArrayCreationExpressionSyntax creation when HasComputedSize(creation.Type, model, cancellationToken):
                case StackAllocArrayCreationExpressionSyntax { Type: ArrayTypeSyntax allocated } when HasComputedSize(allocated, model, cancellationToken):
                // Patterns and tuple comparisons call what their syntax does not show: a Deconstruct, a list's Count and
                // indexer, the elements' == operators; the user's, unless .NET's own (a tuple's, an array's, an int's).
                case PositionalPatternClauseSyntax { Parent: RecursivePatternSyntax positional }
                    when model.GetOperation(positional, cancellationToken) is not IRecursivePatternOperation { DeconstructSymbol: null }:
                case ListPatternSyntax list
                    when model.GetOperation(list, cancellationToken) is not IListPatternOperation { LengthSymbol: { } length } listed
                        || !IsDotNets(length) || (listed.IndexerSymbol is { } indexer && !IsDotNets(indexer)):
                case BinaryExpressionSyntax when model.GetOperation(node, cancellationToken) is ITupleBinaryOperation tuples
                    && !(ComparesAsDotNets(tuples.LeftOperand.Type) && ComparesAsDotNets(tuples.RightOperand.Type)):
                case ExpressionSyntax expression when CallsUserCode(expression, model, cancellationToken):
                // Formatting a value into a string (`$"{order}: ..."`, `"n=" + order`) calls its ToString, which may be the user's.
                case InterpolationSyntax hole when FormatsByUserCode(model.GetTypeInfo(hole.Expression, cancellationToken).Type):
                case BinaryExpressionSyntax { RawKind: (int)SyntaxKind.AddExpression } concatenation
                    when model.GetTypeInfo(concatenation, cancellationToken).Type?.SpecialType == SpecialType.System_String
                         && (FormatsByUserCode(model.GetTypeInfo(concatenation.Left, cancellationToken).Type) || FormatsByUserCode(model.GetTypeInfo(concatenation.Right, cancellationToken).Type)):
                case AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.AddAssignmentExpression } appended
                    when model.GetTypeInfo(appended.Left, cancellationToken).Type?.SpecialType == SpecialType.System_String
                         && FormatsByUserCode(model.GetTypeInfo(appended.Right, cancellationToken).Type):
                // A user-defined conversion (`Quantity q = xs.Sum() - reserved`) runs the user's code, which may throw.
                case ExpressionSyntax converted when ConvertsByUserCode(converted, model, cancellationToken):
                // A switch expression with no arm for some value throws SwitchExpressionException; dynamic code is bound
                // at run time, and may fail there.
                case SwitchExpressionSyntax when model.GetOperation(node, cancellationToken) is ISwitchExpressionOperation { IsExhaustive: false }:
                case ExpressionSyntax bound when model.GetTypeInfo(bound, cancellationToken).Type is { TypeKind: TypeKind.Dynamic }:
                    return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Whether a method may change a value of <paramref name="type"/> in place: a struct that is not <c>readonly</c>, other
    /// than .NET's own values (numbers, enums, tuples, <c>Nullable&lt;T&gt;</c>, <c>DateTime</c>...), whose methods do not.
    /// </summary>
    private static bool MayChangeInPlace(ITypeSymbol type) =>
        type is { IsValueType: true, IsReadOnly: false, SpecialType: SpecialType.None, TypeKind: TypeKind.Struct }
        && !type.IsTupleType && type.OriginalDefinition.SpecialType != SpecialType.System_Nullable_T
        && type.ContainingNamespace?.ToDisplayString() is not ("System" or "System.Numerics");

    /// <summary>Whether <paramref name="expression"/> is what a method is called on (<c>x.Bump()</c>, <c>(await q.FirstAsync()).Bump()</c>).</summary>
    private static bool IsMethodReceiver(ExpressionSyntax expression)
    {
        while (expression.Parent is ParenthesizedExpressionSyntax parenthesized)
            expression = parenthesized;
        return expression.Parent is MemberAccessExpressionSyntax { Parent: InvocationExpressionSyntax } access && access.Expression == expression;
    }

    /// <summary>Whether <c>==</c> on a tuple element of <paramref name="type"/> is .NET's own: numbers, strings, enums, tuples of them.</summary>
    private static bool ComparesAsDotNets(ITypeSymbol? type) => type switch
    {
        INamedTypeSymbol { IsTupleType: true } tuple => tuple.TupleElements.All(static element => ComparesAsDotNets(element.Type)),
        INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable => ComparesAsDotNets(nullable.TypeArguments[0]),
        { TypeKind: TypeKind.Enum } => true,
        { SpecialType: not SpecialType.None } => true,
        _ => false,
    };

    private static bool HasComputedSize(ArrayTypeSyntax type, SemanticModel model, CancellationToken cancellationToken) =>
        type.RankSpecifiers.SelectMany(static rank => rank.Sizes).Any(size => size is not OmittedArraySizeExpressionSyntax && !model.GetConstantValue(size, cancellationToken).HasValue);

    /// <summary>
    /// Whether an expression with no call syntax of its own runs code: a user-defined operator or conversion, a property
    /// whose getter the code declares with a body (`Scale * xs.Max()`), or that an override may give one (a virtual or
    /// abstract property of the code's own); one of an interface outside .NET's own (`options.Value`), whose
    /// implementation may be anyone's; or a library's that runs or waits for code it was given (<c>Lazy&lt;T&gt;.Value</c>,
    /// <c>Task&lt;T&gt;.Result</c>). An auto-property's only reads, as do .NET's (<c>IReadOnlyCollection&lt;T&gt;.Count</c>).
    /// </summary>
    private static bool CallsUserCode(ExpressionSyntax expression, SemanticModel model, CancellationToken cancellationToken) =>
        model.GetSymbolInfo(expression, cancellationToken).Symbol switch
        {
            IMethodSymbol { MethodKind: MethodKind.UserDefinedOperator or MethodKind.Conversion } => true,
            IPropertySymbol property => expression is IdentifierNameSyntax
                && (HasDeclaredGetter(property) || MayBeOverridden(property) || (property.ContainingType.TypeKind == TypeKind.Interface && !IsDotNets(property)) || RunsWhatItWasGiven(property)),
            _ => false,
        };

    /// <summary>
    /// Whether formatting a value of <paramref name="type"/> into a string may run code of the user's: a <c>ToString</c>
    /// override below .NET's own types (a record's prints its properties, getters and all), an <c>IFormattable</c> or
    /// <c>ISpanFormattable</c> of the user's, or whatever an <c>object</c>, a type parameter or an interface of the user's
    /// is at run time, or what a tuple of .NET's holds. An enum, a primitive or another type of .NET formats by .NET's code.
    /// </summary>
    private static bool FormatsByUserCode(ITypeSymbol? type)
    {
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
            type = nullable.TypeArguments[0];
        if (type is null || type.TypeKind is TypeKind.Enum or TypeKind.Error)
            return false;
        if (type is ITypeParameterSymbol || type.TypeKind == TypeKind.Dynamic || type.SpecialType == SpecialType.System_Object)
            return true;
        // .NET's own, unless it prints what it holds: a tuple's or a KeyValuePair's ToString formats its elements.
        if (type.SpecialType != SpecialType.None || IsDotNets(type))
            return type is INamedTypeSymbol { IsGenericType: true } generic && IsDotNets(generic) && generic.TypeArguments.Any(FormatsByUserCode);
        if (type.TypeKind == TypeKind.Interface
            || type.AllInterfaces.Any(static i => i.Name is "IFormattable" or "ISpanFormattable" && IsDotNets(i)))
        {
            return true;
        }

        for (var declaring = type; declaring is not null && !IsDotNets(declaring); declaring = declaring.BaseType)
        {
            if (declaring.GetMembers("ToString").Any(static m => m is IMethodSymbol { IsOverride: true, Parameters.Length: 0 }))
                return true;
        }

        return false;
    }

    /// <summary>A property of the code's own that an override may give a getter of its own to.</summary>
    private static bool MayBeOverridden(IPropertySymbol property) =>
        (property.IsVirtual || property.IsAbstract || property.IsOverride) && !property.IsSealed && property.ContainingType.TypeKind != TypeKind.Interface
        && property.Locations.Any(static location => location.IsInSource);

    /// <summary>A member of .NET itself (the <c>System</c> namespaces), whose interfaces' properties only read.</summary>
    private static bool IsDotNets(ISymbol member)
    {
        var outermost = member.ContainingNamespace;
        while (outermost is { ContainingNamespace.IsGlobalNamespace: false })
        {
            outermost = outermost.ContainingNamespace;
        }

        return outermost is { Name: "System" } && !member.Locations.Any(static location => location.IsInSource);
    }

    /// <summary>
    /// A library property that runs a factory or waits for a task: <c>Lazy&lt;T&gt;.Value</c>, <c>ThreadLocal&lt;T&gt;.Value</c>,
    /// <c>Task&lt;T&gt;.Result</c>, <c>ValueTask&lt;T&gt;.Result</c>.
    /// </summary>
    private static bool RunsWhatItWasGiven(IPropertySymbol property) =>
        (property.Name, property.ContainingType) switch
        {
            ("Value", { Name: "Lazy", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } }) => true,
            ("Value", { Name: "ThreadLocal", ContainingNamespace: { Name: "Threading", ContainingNamespace.Name: "System" } }) => true,
            ("Result", { Name: "Task" or "ValueTask", ContainingNamespace: { Name: "Tasks", ContainingNamespace: { Name: "Threading", ContainingNamespace.Name: "System" } } }) => true,
            _ => false,
        };

    /// <summary>Whether a property's getter is code of the user's: written with a body (or as <c>=> ...</c>), not an auto-property's.</summary>
    private static bool HasDeclaredGetter(IPropertySymbol property) =>
        (property.PartialImplementationPart ?? property).GetMethod?.DeclaringSyntaxReferences
            .Any(static reference => reference.GetSyntax() is ArrowExpressionClauseSyntax or AccessorDeclarationSyntax { Body: not null } or AccessorDeclarationSyntax { ExpressionBody: not null }) == true;

    /// <summary>
    /// Whether a query's function negates a comparison with a nullable operand (<c>o =&gt; !(o.Quantity &gt; 10)</c>, or in
    /// another form EF Core makes a <c>NOT</c> of, <see cref="Negated"/>): as its
    /// own query's <c>WHERE</c>, EF Core translates it with SQL's nulls in mind; inside the fused query's aggregate, EF
    /// Core 10 on SQLite and SQL Server drops that (dotnet/efcore#39059), and the rows whose operand is null change sides.
    /// </summary>
    private static bool NegatesANullableComparison(IArgumentOperation function) =>
        function.Value.DescendantsAndSelf().Select(Negated).Any(static negated => negated is not null
            && negated.DescendantsAndSelf().OfType<IBinaryOperation>().Any(static comparison => comparison is
            {
                IsLifted: true,
                OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals or BinaryOperatorKind.LessThan or BinaryOperatorKind.LessThanOrEqual
                    or BinaryOperatorKind.GreaterThan or BinaryOperatorKind.GreaterThanOrEqual,
            } && !IsNullConstant(comparison.LeftOperand) && !IsNullConstant(comparison.RightOperand)));

    /// <summary>
    /// What <paramref name="operation"/> negates, in each form EF Core turns into SQL's <c>NOT</c>: <c>!x</c>,
    /// <c>x == false</c> (<c>false == x</c>, <c>x != true</c>), and <c>x ? false : true</c>; null for anything else.
    /// </summary>
    private static IOperation? Negated(IOperation operation) => operation switch
    {
        IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not => not.Operand,
        IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } test
            when Constant(test.RightOperand) is bool right && right == (test.OperatorKind == BinaryOperatorKind.NotEquals) => test.LeftOperand,
        IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } test
            when Constant(test.LeftOperand) is bool left && left == (test.OperatorKind == BinaryOperatorKind.NotEquals) => test.RightOperand,
        IConditionalOperation { WhenFalse: { } whenFalse } choice when Constant(choice.WhenTrue) is false && Constant(whenFalse) is true => choice.Condition,
        _ => null,
    };

    private static object? Constant(IOperation operation) => operation.ConstantValue is { HasValue: true } constant ? constant.Value : null;

    private static bool IsNullConstant(IOperation operation) => operation.ConstantValue is { HasValue: true, Value: null };

    /// <summary>
    /// Whether the pass would throw another exception than the calls do, where two things fail: it runs each call's
    /// function on an element before the next element, where LINQ runs one call over the whole sequence before the next
    /// call begins. So a function that fails for some elements (see <see cref="FunctionMayThrow"/>) must not come after
    /// a call that may fail while there are elements (a <c>First</c> with no match, a <c>Sum</c> that overflows, such a
    /// function), whose exception LINQ throws first, unless an earlier call has that same function; a failure only an
    /// empty source gives (<c>Max</c>) runs no function. Nor may <c>Last</c>'s predicate fail, which LINQ tests from the
    /// end of a list and the pass from its start. A lazy source whose own functions may fail (<paramref name="sourceMayThrow"/>:
    /// `xs.Select(x => 10 / x)`) makes every call that reads it one that may fail while there are elements.
    /// </summary>
    private static bool FailsInAnotherOrder(List<AggregateCall> calls, bool isQuery, bool sourceMayThrow, SemanticModel model, CancellationToken cancellationToken)
    {
        var (mayFail, mayFailOtherThanOverflow) = (false, false);
        var readEveryElement = new List<IArgumentOperation>();
        foreach (var call in calls)
        {
            var functionMayThrow = FunctionMayThrow(call.Function, model, cancellationToken);

            // One query computes Any and All over every row (a count of the rows that match), where the call's own query
            // stops at its answer (EXISTS): a predicate that may throw could fail on a row the call never reached.
            if (functionMayThrow && isQuery && call.Aggregate is "Any" or "All")
                return true;

            var throws = functionMayThrow
                && !readEveryElement.Any(function => SyntaxFactory.AreEquivalent(function.Value.Syntax, call.Function!.Value.Syntax));
            if (throws && (mayFail || call.Aggregate is "Last" or "LastOrDefault"))
                return true;

            // A sum that may overflow at an earlier element than the source's own function fails at.
            if (sourceMayThrow && mayFail && MayOverflow(call))
                return true;

            // A decimal one overflows at the element that takes it over, in the pass, where an integral one fails after it
            // (its total is exact): before the answer a First or Last with no match gives after the pass, which LINQ
            // throws first. (One query computes its columns in their order.)
            if (mayFailOtherThanOverflow && !isQuery && OverflowsWithinThePass(call))
                return true;
            mayFailOtherThanOverflow |= throws || sourceMayThrow || (call.Aggregate is "First" or "Last" && call.Function is not null);
            mayFail |= mayFailOtherThanOverflow || MayOverflow(call);

            // A call that runs its function on every element throws first where that function fails: the same function in
            // a later call adds nothing. One that stops at its answer (First, Any, All, a floating-point Min at its first
            // NaN) may never reach that element.
            if (call.Function is { } function && !StopsAtItsAnswer(call))
                readEveryElement.Add(function);
        }

        return false;
    }

    /// <summary>A call LINQ ends at its answer, before the end of the sequence: a First, an Any, an All, a floating-point Min.</summary>
    private static bool StopsAtItsAnswer(AggregateCall call) => call.Aggregate is "First" or "FirstOrDefault" or "Any" or "All" || IsFloatingMin(call);

    /// <summary>
    /// A <c>Min</c> of <c>float</c> or <c>double</c> values (nullable or not), which LINQ ends at the first NaN; not .NET 10's
    /// <c>MinAsync</c> of <c>float?</c> or <c>double?</c>, which reads on.
    /// </summary>
    private static bool IsFloatingMin(AggregateCall call) =>
        call.Aggregate == "Min" && ValueType(call) is { } value
        && AggregateCall.WithoutNullable(value).SpecialType is SpecialType.System_Single or SpecialType.System_Double
        && !(call.IsAsync && !call.IsQuery && value.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T);

    /// <summary>
    /// Whether the generator would refuse the call's aggregate in a query method (MAGG140), where EF Core runs the call
    /// itself: a distinct count of collections (a <c>byte[]</c> hash), which LINQ compares by reference, or the Min or Max
    /// of a type parameter constrained to neither <c>struct</c> nor <c>class</c> (a generic repository's key).
    /// </summary>
    private static bool HasNoQueryForm(AggregateCall call) =>
        ValueType(call) is { } value
        && (call.Aggregate == "CountDistinct" && QueryLimits.IsCollectionOtherThanString(AggregateCall.WithoutNullable(value))
            || call.Aggregate is "Min" or "Max" && QueryLimits.IsUnconstrainedTypeParameter(AggregateCall.WithoutNullable(value)));

    /// <summary>
    /// A call whose query the database computes in another type than the one query would. An <c>Average</c> of <c>long</c>
    /// values: EF Core averages them as doubles (<c>AVG(CAST(x AS REAL))</c>, <c>avg(x::double precision)</c>), where the
    /// one query sums them as <c>long</c>, exactly, and fails where that sum leaves 64 bits (two rows of
    /// <c>long.MaxValue</c>) and the call's average did not. A <c>Sum</c> of <c>float</c> values: PostgreSQL's
    /// <c>sum(real)</c> adds in <c>real</c>, where the one query adds them as doubles, as LINQ does.
    /// </summary>
    private static bool ComputesInAnotherTypeInOneQuery(AggregateCall call) =>
        call.IsQuery && ValueType(call) is { } value
        && (call.Aggregate, AggregateCall.WithoutNullable(value).SpecialType) is ("Average", SpecialType.System_Int64) or ("Sum", SpecialType.System_Single);

    /// <summary>
    /// Whether a call may throw OverflowException while there are elements: an integral or decimal Sum, and an Average of
    /// <c>long</c> or <c>decimal</c> values, which LINQ sums in their own type (an <c>int</c> Average sums in <c>long</c>).
    /// </summary>
    private static bool MayOverflow(AggregateCall call) => call.Aggregate switch
    {
        "Sum" => IsIntegralOrDecimal(call.ResultType),
        "Average" => ValueType(call) is { } value && AggregateCall.WithoutNullable(value).SpecialType is SpecialType.System_Int64 or SpecialType.System_Decimal,
        _ => false,
    };

    /// <summary>A decimal <c>Sum</c> or <c>Average</c>, which the generator adds as it reads, throwing where the running total overflows.</summary>
    private static bool OverflowsWithinThePass(AggregateCall call) => call.Aggregate is "Sum" or "Average" && IsDecimal(ValueType(call));

    /// <summary>The type of the values a call aggregates: its function's result, else the source's elements.</summary>
    private static ITypeSymbol? ValueType(AggregateCall call)
    {
        if (call.Function is { Parameter.Type: INamedTypeSymbol function })
        {
            // Func<TSource, TValue>, or the Expression<Func<TSource, TValue>> of a query.
            var @delegate = function.TypeKind == TypeKind.Delegate ? function : function.TypeArguments.FirstOrDefault() as INamedTypeSymbol;
            return @delegate?.DelegateInvokeMethod?.ReturnType;
        }

        var method = call.Operation.TargetMethod.ReducedFrom ?? call.Operation.TargetMethod;
        return method.Parameters.FirstOrDefault()?.Type is INamedTypeSymbol { TypeArguments.Length: 1 } source ? source.TypeArguments[0] : null;
    }

    private static bool IsIntegralOrDecimal(ITypeSymbol type) =>
        AggregateCall.WithoutNullable(type).SpecialType
            is SpecialType.System_Int32 or SpecialType.System_Int64 or SpecialType.System_Decimal
            or SpecialType.System_UInt32 or SpecialType.System_UInt64 or SpecialType.System_Int16 or SpecialType.System_UInt16 or SpecialType.System_Byte or SpecialType.System_SByte;

    /// <summary>
    /// Whether a call's lambda fails for some ordinary elements: it divides where the divisor may be zero, indexes, casts
    /// where a cast may fail, or throws. What fails only for broken data (a null element or member, an overflow, a method
    /// it calls) is not counted: every call reading it would fail alike, and refusing every lambda that calls a method
    /// would leave little to fuse.
    /// </summary>
    private static bool FunctionMayThrow(IArgumentOperation? function, SemanticModel model, CancellationToken cancellationToken)
    {
        var value = function?.Value;
        while (value is IConversionOperation or IDelegateCreationOperation)
            value = value is IConversionOperation conversion ? conversion.Operand : ((IDelegateCreationOperation)value).Target;
        if (value is not IAnonymousFunctionOperation lambda)
            return false;

        // A lambda's body, or the expression of a query clause (`select 10 / x`), which C# makes a lambda of.
        return lambda.Body.Syntax.DescendantNodesAndSelf().Any(node => node switch
        {
            ThrowExpressionSyntax or ThrowStatementSyntax or ElementAccessExpressionSyntax or ElementBindingExpressionSyntax => true,
            BinaryExpressionSyntax { RawKind: (int)SyntaxKind.DivideExpression or (int)SyntaxKind.ModuloExpression } division => MayDivideByZero(division, division.Right, model, cancellationToken),
            AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.DivideAssignmentExpression or (int)SyntaxKind.ModuloAssignmentExpression } division => MayDivideByZero(division, division.Right, model, cancellationToken),
            CastExpressionSyntax cast => MayFail(cast, model, cancellationToken),
            _ => false,
        });
    }

    private static bool ConvertsByUserCode(ExpressionSyntax expression, SemanticModel model, CancellationToken cancellationToken)
    {
        while (expression.Parent is ParenthesizedExpressionSyntax parenthesized)
            expression = parenthesized;
        return model.GetConversion(expression, cancellationToken).IsUserDefined;
    }

    /// <summary>
    /// A division (or remainder) that throws for some values: not of floating-point numbers (nullable ones included), nor
    /// by a constant other than 0 and -1 (<c>int.MinValue / -1</c> overflows).
    /// </summary>
    private static bool MayDivideByZero(ExpressionSyntax division, ExpressionSyntax divisor, SemanticModel model, CancellationToken cancellationToken)
    {
        if (IsFloatingPoint(model.GetTypeInfo(division, cancellationToken).Type))
            return false;
        return model.GetConstantValue(divisor, cancellationToken) is not { HasValue: true, Value: { } constant }
            || constant switch
            {
                char c => c == 0,
                decimal m => m is 0m or -1m,
                ulong u => u == 0,
                IConvertible integral => integral.ToInt64(System.Globalization.CultureInfo.InvariantCulture) is 0 or -1,
                _ => true,
            };
    }

    private static bool IsFloatingPoint(ITypeSymbol? type) =>
        type is not null && AggregateCall.WithoutNullable(type).SpecialType is SpecialType.System_Double or SpecialType.System_Single;

    /// <summary>
    /// A collection expression of a type the compiler fills without code of the user's: an array, a span, a list, an
    /// immutable array, or an interface it picks one of these for. Any other type's constructor and <c>Add</c>s (or its
    /// builder) are calls, which a set's or a dictionary's hashing and comparing of the user's elements are too:
    /// <c>Bag b = [n, xs.Max()]</c> adds <c>n</c> before the <c>Max</c>.
    /// </summary>
    private static bool BuildsWithoutUserCode(CollectionExpressionSyntax collection, SemanticModel model, CancellationToken cancellationToken) =>
        model.GetTypeInfo(collection, cancellationToken).ConvertedType is { } type
        && (IsFilledByTheCompiler(type)
            || type is INamedTypeSymbol { TypeKind: TypeKind.Interface, Name: "IEnumerable" or "IReadOnlyCollection" or "IReadOnlyList" or "ICollection" or "IList", Arity: 1 } list
                && list.ContainingNamespace.ToDisplayString() == "System.Collections.Generic");

    /// <summary>
    /// A spread that enumerates without code of the user's: of a collection the compiler copies (see
    /// <see cref="IsFilledByTheCompiler"/>, or a string), not null there (<c>[.. maybeNull, xs.Max()]</c> would throw first;
    /// a <c>!</c> only says so, and a default <c>ImmutableArray&lt;T&gt;</c> is a null inside).
    /// </summary>
    private static bool SpreadsWithoutUserCode(SpreadElementSyntax spread, SemanticModel model, CancellationToken cancellationToken)
    {
        var info = model.GetTypeInfo(Syntax.Unwrapped(spread.Expression, out var suppressed), cancellationToken);
        return !suppressed && info.Type is { } type && (IsFilledByTheCompiler(type) || type.SpecialType == SpecialType.System_String)
            && (type.IsValueType ? type.Name != "ImmutableArray" : info.Nullability.FlowState == NullableFlowState.NotNull);
    }

    /// <summary>An array, a span, <c>List&lt;T&gt;</c>, <c>ImmutableArray&lt;T&gt;</c>: what the compiler builds and reads as memory.</summary>
    private static bool IsFilledByTheCompiler(ITypeSymbol type) => type is IArrayTypeSymbol
        || type is INamedTypeSymbol { Arity: 1 } named && (named.Name, named.ContainingNamespace?.ToDisplayString()) is
            ("Span" or "ReadOnlySpan", "System") or ("List", "System.Collections.Generic") or ("ImmutableArray", "System.Collections.Immutable");

    /// <summary>
    /// A cast that throws for some values: a downcast, an unboxing, a nullable's value, or a numeric conversion in a
    /// checked context, or one to <c>decimal</c> from a floating-point type or from <c>decimal</c> to an integral type,
    /// which checks in any context (<c>InvalidCastException</c>, <c>InvalidOperationException</c>, <c>OverflowException</c>).
    /// A conversion to or from an enum is its underlying type's: <c>checked((Level)count)</c> throws as
    /// <c>checked((byte)count)</c> would, where <c>(int)level</c> cannot. (Roslyn's operation says it is checked only for
    /// a numeric conversion, so an enum's context is read from the syntax.)
    /// </summary>
    private static bool MayFail(CastExpressionSyntax cast, SemanticModel model, CancellationToken cancellationToken)
    {
        if (model.GetOperation(cast, cancellationToken) is not IConversionOperation { Operand.Type: { } from, Type: { } to } operation)
            return false;
        var conversion = operation.GetConversion();
        if (!conversion.IsExplicit)
            return false;
        if (conversion.IsReference || conversion.IsUnboxing || conversion.IsNullable)
            return true;
        var isChecked = operation.IsChecked;
        if (conversion.IsEnumeration)
        {
            (from, to) = (Underlying(from), Underlying(to));
            if (model.Compilation.ClassifyCommonConversion(from, to).IsImplicit)
                return false;
            isChecked = Syntax.OverflowContext(cast) is { } context ? context == "checked" : model.Compilation.Options.CheckOverflow;
        }
        else if (!conversion.IsNumeric)
        {
            return false;
        }

        // To or from decimal checks in any context, except decimal to double or float, which rounds.
        return isChecked || (IsDecimal(to) && IsFloatingPoint(from)) || (IsDecimal(from) && !IsFloatingPoint(to));

        static ITypeSymbol Underlying(ITypeSymbol type) => (type as INamedTypeSymbol)?.EnumUnderlyingType ?? type;
    }

    /// <summary>
    /// Arithmetic that throws OverflowException: integral in a checked context (the project's, or <c>checked(...)</c>),
    /// or <c>decimal</c> in any context.
    /// </summary>
    private static bool MayOverflow(SyntaxNode node, SemanticModel model, CancellationToken cancellationToken) =>
        model.GetOperation(node, cancellationToken) switch
        {
            IBinaryOperation binary => binary.IsChecked || IsDecimal(binary.Type),
            ICompoundAssignmentOperation compound => compound.IsChecked || IsDecimal(compound.Type),
            IUnaryOperation unary => unary.IsChecked,
            _ => false,
        };

    private static bool IsDecimal(ITypeSymbol? type) =>
        type is not null && AggregateCall.WithoutNullable(type).SpecialType == SpecialType.System_Decimal;

    /// <summary>
    /// <paramref name="receiver"/> (through parentheses and <c>!</c>) is a call of the run that gives null or no value
    /// for an empty source instead of throwing: <c>MinBy</c>, <c>MaxBy</c>, <c>FirstOrDefault</c>, <c>LastOrDefault</c>,
    /// or a <c>Min</c>/<c>Max</c> of a reference or nullable type.
    /// </summary>
    private static bool ReadsWhatEmptyGives(ExpressionSyntax receiver, List<AggregateCall> calls)
    {
        receiver = Syntax.Unwrapped(receiver, out _);
        return calls.Any(call => call.Expression.Span == receiver.Span
            && (call.Aggregate is "MinBy" or "MaxBy" or "FirstOrDefault" or "LastOrDefault"
                || (call.Aggregate is "Min" or "Max" && (call.ResultType.IsReferenceType || call.ResultType.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T))));
    }

    /// <summary>
    /// A member of what may be null where it is read (its flow state; unknown where annotations are off; anything behind
    /// a <c>!</c>): a <c>NullReferenceException</c>, or a nullable's <c>Value</c> an <c>InvalidOperationException</c>, which
    /// the pass must not come before (<c>longest.Length + xs.Min()</c>, <c>longest</c> a <c>MaxBy</c> of the run).
    /// </summary>
    private static bool ReadsWhatMayBeNull(MemberAccessExpressionSyntax member, SemanticModel model, CancellationToken cancellationToken)
    {
        // `x!` is a promise the compiler takes, and reports as not null: what was suppressed may still be null.
        var receiver = Syntax.Unwrapped(member.Expression, out var suppressed);

        if (receiver is ThisExpressionSyntax or BaseExpressionSyntax or LiteralExpressionSyntax
            || model.GetSymbolInfo(receiver, cancellationToken).Symbol is INamespaceOrTypeSymbol)
        {
            return false;
        }

        var info = model.GetTypeInfo(receiver, cancellationToken);
        var nullable = info.Type?.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T;
        if (info.Type is not { } type || (type.IsValueType && !(nullable && member.Name.Identifier.ValueText == "Value")))
            return false;
        return suppressed || info.Nullability.FlowState != NullableFlowState.NotNull;
    }

    private static bool IsInFileLocalType(INamedTypeSymbol type)
    {
        for (INamedTypeSymbol? t = type; t is not null; t = t.ContainingType)
        {
            if (t.IsFileLocal)
                return true;
        }

        return false;
    }

    /// <summary><c>var total = xs.Sum();</c>: the fused result can be <c>total</c> itself, declared by the deconstruction.</summary>
    private static (StatementSyntax Statement, string Name, ILocalSymbol Local)? ReusableDeclaration(AggregateCall call, SemanticModel model, CancellationToken cancellationToken)
    {
        if (call.Expression.Parent is EqualsValueClauseSyntax
            {
                Parent: VariableDeclaratorSyntax
                {
                    Parent: VariableDeclarationSyntax { Variables.Count: 1, Parent: LocalDeclarationStatementSyntax statement },
                } declarator,
            }
            && model.GetDeclaredSymbol(declarator, cancellationToken) is ILocalSymbol local
            && SymbolEqualityComparer.Default.Equals(local.Type, call.ResultType)
            // `var _ = xs.Sum();` declares a local named _, which a deconstruction would make a discard.
            && declarator.Identifier.ValueText != "_")
        {
            return (statement, declarator.Identifier.Text, local);
        }

        return null;
    }

    /// <summary>
    /// Whether the run assigns a local that code may read once the run has thrown: one declared outside an enclosing
    /// <c>try</c> (in the same function), which its <c>catch</c> or <c>finally</c>, or what follows, may read, or one a
    /// lambda or local function captures, which its caller may read after catching what the function throws; holding a
    /// value when the run starts. Should a call fail, the run's assignments that complete before the last call would
    /// have been made (<c>n = xs.Count();</c> before a <c>First</c> that finds nothing), where the pass, which runs first,
    /// throws before any of them. A local with no value before the run cannot be read after a failure in it.
    /// </summary>
    private static bool AssignsWhatAFailureLeaves(List<StatementSyntax> run, List<AggregateCall> calls, BlockSyntax block, SemanticModel model, CancellationToken cancellationToken)
    {
        var guarded = block.Ancestors()
            .TakeWhile(static node => node is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or MemberDeclarationSyntax))
            .OfType<TryStatementSyntax>()
            .Where(t => t.Block.Span.Contains(block.Span))
            .Select(static t => t.Block.Span)
            .ToList();
        var function = block.Ancestors().TakeWhile(static node => node is not MemberDeclarationSyntax)
            .FirstOrDefault(static node => node is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax);
        var lastCall = calls.Max(static call => call.Expression.SpanStart);
        var assigned = run.SelectMany(static statement => statement.DescendantNodes().OfType<AssignmentExpressionSyntax>())
            .Where(assignment => assignment.Span.End <= lastCall)
            .Select(assignment => model.GetSymbolInfo(assignment.Left, cancellationToken).Symbol)
            .OfType<ILocalSymbol>()
            .ToList();

        // A captured local may have its value from before any call of the function.
        if (function is not null && assigned.Any(local => local.DeclaringSyntaxReferences.Any(declaration => !function.Span.Contains(declaration.Span))))
            return true;

        // A local a function made before the calls reads may be read by it after a failure, as a catch would: the
        // function may have been kept elsewhere (`Progress = () => seen`). A local function is there from the start,
        // wherever it is written.
        var madeBefore = block.Ancestors().OfType<MemberDeclarationSyntax>().FirstOrDefault()?.DescendantNodes()
            .Where(node => (node is LocalFunctionStatementSyntax || (node is AnonymousFunctionExpressionSyntax && node.SpanStart < lastCall)) && !node.Span.Contains(block.Span))
            .ToList() ?? [];
        assigned.RemoveAll(local => !local.DeclaringSyntaxReferences.Any(declaration => guarded.Any(span => !span.Contains(declaration.Span)))
            && !madeBefore.Any(made => Reads(made, local)));
        if (assigned.Count == 0)
            return false;

        var flow = model.AnalyzeDataFlow(run[0], run[run.Count - 1]);
        return flow is not { Succeeded: true } || assigned.Any(local => flow.DefinitelyAssignedOnEntry.Contains(local, SymbolEqualityComparer.Default));

        bool Reads(SyntaxNode made, ILocalSymbol local) => made.DescendantNodes().OfType<IdentifierNameSyntax>().Any(name =>
            name.Identifier.ValueText == local.Name && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(name, cancellationToken).Symbol, local));
    }

    private static bool WrittenWithin(IReadOnlyList<ISymbol> symbols, StatementSyntax first, StatementSyntax last, SemanticModel model)
    {
        if (symbols.Count == 0)
            return false;
        var flow = model.AnalyzeDataFlow(first, last);
        return flow is null || !flow.Succeeded || symbols.Any(s => flow.WrittenInside.Contains(s, SymbolEqualityComparer.Default));
    }

    /// <summary>
    /// Whether <paramref name="expression"/> is written in an argument, at any depth (<c>xs.Max() - xs.Min()</c>), whose
    /// text a <c>[CallerArgumentExpression]</c> parameter of that call takes.
    /// </summary>
    private static bool IsCapturedAsText(ExpressionSyntax expression, SemanticModel model, CancellationToken cancellationToken) =>
        expression.Ancestors().TakeWhile(static node => node is not (StatementSyntax or MemberDeclarationSyntax)).OfType<ArgumentSyntax>().Any(argument =>
            model.GetOperation(argument, cancellationToken) is IArgumentOperation { Parameter: { ContainingSymbol: IMethodSymbol method } parameter }
            && method.Parameters.Any(other => other.GetAttributes().Any(attribute =>
                attribute.AttributeClass is { Name: "CallerArgumentExpressionAttribute" }
                && attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value as string == parameter.Name)));

    /// <summary>
    /// The fields and properties <paramref name="functions"/> write (<see cref="FunctionTranslator.WrittenTarget"/>): not
    /// a member of the object one is making, which is no state (<see cref="FunctionTranslator.IsOwnVariable"/>).
    /// </summary>
    private static HashSet<ISymbol> MembersWrittenBy(IEnumerable<IArgumentOperation> functions) =>
        new(functions.SelectMany(static function => function.Value.DescendantsAndSelf())
                .Select(FunctionTranslator.WrittenTarget)
                .OfType<IMemberReferenceOperation>()
                .Where(static target => target is IFieldReferenceOperation or IPropertyReferenceOperation && !FunctionTranslator.IsOwnVariable(target))
                .Select(static target => target.Member.OriginalDefinition),
            SymbolEqualityComparer.Default);

    /// <summary>
    /// Whether a lambda or local function of the member writes one of the variables: it may run during the pass (the
    /// source's own <c>Select(x =&gt; { seen++; return x; })</c>), where the calls read the value as it is then and the
    /// fused call would pass the value it had when the pass began. Not a function the calls are in (<paramref name="run"/>
    /// is its statement), whose own declarations count as writes; one nested in it is looked at on its own.
    /// </summary>
    private static bool WrittenByAFunction(IReadOnlyList<ISymbol> symbols, SyntaxNode member, StatementSyntax run, SemanticModel model, CancellationToken cancellationToken)
    {
        if (symbols.Count == 0)
            return false;
        var names = new HashSet<string>(symbols.Select(static symbol => symbol.Name));
        foreach (var function in member.DescendantNodes())
        {
            cancellationToken.ThrowIfCancellationRequested();
            SyntaxNode? body = function switch
            {
                AnonymousFunctionExpressionSyntax lambda => lambda.Body,
                LocalFunctionStatementSyntax local => (SyntaxNode?)local.Body ?? local.ExpressionBody?.Expression,
                _ => null,
            };
            if (body is null || body.Span.Contains(run.Span)
                || !body.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>().Any(name => names.Contains(name.Identifier.ValueText)))
            {
                continue;
            }

            var flow = body is ExpressionSyntax expression ? model.AnalyzeDataFlow(expression) : model.AnalyzeDataFlow((StatementSyntax)body);
            if (flow is not { Succeeded: true } || symbols.Any(symbol => flow.WrittenInside.Contains(symbol, SymbolEqualityComparer.Default)))
                return true;
        }

        return false;
    }

    /// <summary>
    /// Bare <c>Sum</c> under <c>using static MultiAgg.Agg;</c> when nothing else is named so; <c>Agg.Sum</c> otherwise,
    /// or <c>global::MultiAgg.Agg.Sum</c> where the attribute is written in full.
    /// </summary>
    private static string AggregatePrefix(SemanticModel model, int position, List<Element> elements, bool qualified)
    {
        foreach (var element in elements)
        {
            var symbols = model.LookupSymbols(position, name: element.Aggregate);
            if (symbols.Length == 0 || symbols.Any(static s => s is not IFieldSymbol { ContainingType: { Name: "Agg", ContainingNamespace.Name: "MultiAgg" } }))
                return qualified ? "global::MultiAgg.Agg." : "Agg.";
        }

        return "";
    }

    /// <summary>
    /// Whether the name <c>MultiAgg</c>, or a name MultiAgg's namespace declares (a type, an attribute's short name, a
    /// namespace), finds something else at <paramref name="position"/>, where <c>using MultiAgg;</c> brings them all in. An attribute's name is looked
    /// up among types only, as the compiler looks it up; any other name, such as <c>Agg</c> in <c>Agg.Sum</c>, among
    /// every symbol, since a member of the type (a method named <c>Agg</c>) hides the import there.
    /// </summary>
    private static bool SharesANameWithMultiAgg(SemanticModel model, int position, INamedTypeSymbol attribute)
    {
        var multiAgg = attribute.ContainingNamespace.ToDisplayString();

        // The using's own name, looked up where it may go (inside the file's namespace): in `namespace Acme.MultiAgg.Demo`,
        // `MultiAgg` is Acme's.
        if (model.LookupNamespacesAndTypes(position, name: multiAgg).Any(found => found.ToDisplayString() != multiAgg))
            return true;

        foreach (var member in attribute.ContainingNamespace.GetMembers())
        {
            if (member is INamedTypeSymbol { DeclaredAccessibility: not Accessibility.Public })
                continue;
            var names = member.Name.EndsWith("Attribute", StringComparison.Ordinal) && member.Name.Length > "Attribute".Length
                ? new[] { member.Name, member.Name.Substring(0, member.Name.Length - "Attribute".Length) }
                : new[] { member.Name };
            var isAttribute = names.Length > 1;
            if (names.Any(name => (isAttribute ? model.LookupNamespacesAndTypes(position, name: name) : model.LookupSymbols(position, name: name))
                    .Any(found => found.ContainingType is not null || found.ContainingNamespace?.ToDisplayString() != multiAgg)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// <c>SummarizeOrders</c>; where the type already has one, what this one computes
    /// (<c>RevenueAndPaidOfOrders</c>), then what it is for (<c>SummarizeOrdersForReport</c>); a
    /// number only when all of those are taken. Taken means a member's name (<paramref name="taken"/>, which reserves
    /// the one chosen) or a name the containing member uses (<paramref name="inMember"/>), where a local function or a
    /// delegate local of that name would take the call.
    /// </summary>
    private static string MethodName(string sourceName, List<string> results, MemberDeclarationSyntax containingMember, SemanticModel model, HashSet<string> taken, HashSet<string> inMember, string suffix, CancellationToken cancellationToken)
    {
        var source = Names.Pascal(sourceName);
        var candidates = new List<string> { "Summarize" + source + suffix };
        if (results.Count <= 3)
            candidates.Add(Names.Join(results.Select(static r => Names.Pascal(r.TrimStart('@'))).ToList()) + "Of" + source + suffix);
        if (model.GetDeclaredSymbol(containingMember, cancellationToken) is { Name: var member } && SyntaxFacts.IsValidIdentifier(member))
            candidates.Add("Summarize" + source + "For" + Names.Pascal(member).Replace("Async", "") + suffix);
        foreach (var candidate in candidates)
        {
            if (SyntaxFacts.IsValidIdentifier(candidate) && !inMember.Contains(candidate) && taken.Add(candidate))
                return candidate;
        }

        var name = Names.Unique(candidates[0], new HashSet<string>(taken.Concat(inMember)));
        taken.Add(name);
        return name;
    }

    private static string Suffix(string function)
    {
        var start = function.IndexOf('(');
        var name = start >= 0 ? function.Substring(start + 1).TrimEnd(')') : function.Substring(function.IndexOf('=') + 1).Trim().Trim('"');
        var lastDot = name.LastIndexOf('.');
        var member = start >= 0 && lastDot >= 0 ? name.Substring(lastDot + 1) : name.Replace(".", "");
        return member.Length == 0 ? "" : Names.Pascal(member);
    }

    /// <summary>
    /// What the one await of the fused call takes after it: the calls' <c>ConfigureAwait</c> where they agree; where they
    /// differ, <c>.ConfigureAwait(false)</c> if one call had it, since the code after that call, and after the calls
    /// awaited later, no longer ran on the captured context (null, not fused, where one is not a constant).
    /// </summary>
    private static string? FusedConfigureAwait(List<AggregateCall> calls, SemanticModel model, CancellationToken cancellationToken)
    {
        var configured = calls.Select(static call =>
            call.Expression is AwaitExpressionSyntax { Expression: InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ConfigureAwait" } } invocation } && invocation != call.Syntax
                ? invocation.ArgumentList
                : null).ToList();
        if (configured.All(arguments => arguments?.ToString() == configured[0]?.ToString()))
            return configured[0] is { } arguments ? ".ConfigureAwait" + arguments : "";

        var continuesOnContext = configured.Select(arguments => arguments is null ? true
            : arguments.Arguments.Count == 1 && model.GetConstantValue(arguments.Arguments[0].Expression, cancellationToken) is { HasValue: true, Value: bool value } ? value
            : (bool?)null).ToList();
        return continuesOnContext.Contains(null) ? null : continuesOnContext.Contains(false) ? ".ConfigureAwait(false)" : "";
    }

    private static string TupleName(string local, HashSet<string> taken)
    {
        var name = Names.Pascal(local.TrimStart('@'));
        if (name.Length == 0)
        {
            name = "Value";   // underscores alone (`__`)
        }
        else if (name is "Rest" or "ToString" or "Equals" or "GetHashCode" or "GetType" or "CompareTo" or "Deconstruct"
            || (name.StartsWith("Item", System.StringComparison.Ordinal) && name.Length > 4 && name.Substring(4).All(char.IsDigit)))
        {
            name += "Value";
        }

        return Names.Unique(name, taken);
    }

    /// <summary>
    /// Names a new member of <paramref name="type"/> must not take: its own members and its bases', and every member a
    /// simple name reaches from inside it (an outer type's, a <c>using static</c> import's), which a new member of that
    /// name would hide: a helper named after the method it calls would call itself.
    /// </summary>
    private static HashSet<string> MemberNames(INamedTypeSymbol type, SemanticModel model, int position)
    {
        var names = new HashSet<string> { type.Name };
        for (var current = type; current is not null; current = current.BaseType)
        {
            foreach (var member in current.GetMembers())
                names.Add(member.Name);
        }

        foreach (var symbol in model.LookupSymbols(position))
        {
            if (symbol.ContainingSymbol is INamedTypeSymbol && symbol is not INamedTypeSymbol)
                names.Add(symbol.Name);
        }

        return names;
    }

    /// <summary>
    /// A type the new method's declaration, beside the member, or its generated body cannot write: one that involves a
    /// type parameter of the containing method (the new method is not generic), an anonymous type, a file-local type
    /// (CS9051 in a member of a type that is not file-local; inside one, refused as well, for one rule), or a type of an
    /// assembly referenced only through an extern alias, which the generated file cannot name (the generator's MAGG139),
    /// or one <c>[Obsolete]</c> as an error, which only obsolete code names, as the user's member may be (CS0619).
    /// </summary>
    private static bool Unnameable(ITypeSymbol type, Compilation compilation) =>
        FunctionTranslator.Mentions(type, t => FunctionTranslator.IsMethodTypeParameter(t)
            || t is INamedTypeSymbol { IsAnonymousType: true } or INamedTypeSymbol { IsFileLocal: true }
            || (t is INamedTypeSymbol { ContainingAssembly: { } assembly } && OnlyBehindAnExternAlias(assembly, compilation))
            || FunctionTranslator.IsObsoleteAsError(t));

    /// <summary>
    /// Whether global:: cannot reach <paramref name="assembly"/>: the compilation's global namespace merges its own and
    /// those of every assembly referenced without an alias, or with 'global' among its aliases.
    /// </summary>
    private static bool OnlyBehindAnExternAlias(IAssemblySymbol assembly, Compilation compilation) =>
        compilation.GetMetadataReference(assembly) is { Properties.Aliases.IsDefaultOrEmpty: false }
        && !compilation.GlobalNamespace.ConstituentNamespaces.Any(ns => SymbolEqualityComparer.Default.Equals(ns.ContainingAssembly, assembly));

    private sealed record FusionPlan(
        bool IsQuery,
        MemberDeclarationSyntax ContainingMember,
        StatementSyntax FirstStatement,
        List<InvocationExpressionSyntax> Calls,
        List<StatementSyntax> RemovedStatements,
        List<(ExpressionSyntax Call, string Replacement)> Replacements,
        List<TextSpan> MovedText,
        string Deconstruction,
        List<string> NewMembers,
        bool NeedsUsing);
}
