using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Simplification;
using Microsoft.CodeAnalysis.Text;

namespace MultiAgg.CodeFixes;

/// <summary>
/// "Materialize once": buffers the sequence before its first read, so every later enumeration
/// reads the buffer: a local's initializer gets <c>.ToList()</c> when the next statement reads it; a parameter, or a
/// local read only later, is replaced by its buffered copy before the first statement that reads it
/// (<c>xs = xs.ToList();</c>, after the guards). <c>ToArray()</c> is used when the code
/// indexes the sequence with <c>ElementAt</c>. An <c>IAsyncEnumerable&lt;T&gt;</c> is buffered with
/// <c>ToListAsync</c> and its uses rewritten (MaterializeOnceCodeFix.Async.cs).
/// </summary>
internal static partial class MaterializeOnceCodeFix
{
    public const string EquivalenceKey = "MultiAgg.MaterializeOnce";

    public static string Title(string method) => $"Materialize once with {method}()";

    /// <summary>The method the fix would call (ToList, ToArray, ToListAsync, ToArrayAsync), or null when it does not apply.</summary>
    public static string? MethodFor(SyntaxNode root, SemanticModel model, TextSpan span, CancellationToken cancellationToken) =>
        Plan(root, model, span, cancellationToken)?.Method ?? AsyncPlan(root, model, span, cancellationToken)?.Method;

    public static async Task<Document> ApplyAsync(Document document, TextSpan span, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
            return document;
        if (Plan(root, model, span, cancellationToken) is not { } plan)
        {
            return AsyncPlan(root, model, span, cancellationToken) is { } asyncPlan
                ? await FormatAsync(document.WithSyntaxRoot(asyncPlan.NewRoot), cancellationToken).ConfigureAwait(false)
                : document;
        }

        SyntaxNode newRoot;
        if (plan.Initializer is { } localInitializer && BufferedLater(plan, localInitializer, root, model, cancellationToken) is { } later)
        {
            newRoot = later;
        }
        else if (plan.Initializer is { } initializer)
        {
            var value = initializer.Value;
            var receiver = value is InvocationExpressionSyntax or MemberAccessExpressionSyntax or IdentifierNameSyntax or ElementAccessExpressionSyntax
                ? value.WithoutTrivia()
                : SyntaxFactory.ParenthesizedExpression(value.WithoutTrivia());
            // A value that may be null, as the code's own null tests say, stays null: `?.` instead of ToList's exception.
            var valueInfo = model.GetTypeInfo(value, cancellationToken);
            var flowState = valueInfo.Nullability.FlowState;
            var keepsNull = valueInfo.Type is { IsReferenceType: true }
                && (flowState == NullableFlowState.MaybeNull
                    || (flowState == NullableFlowState.None && IsTestedForNull(plan.Variable, initializer.FirstAncestorOrSelf<BlockSyntax>() ?? root, model, cancellationToken)));
            var buffer = new SyntaxAnnotation();   // the ToList call, which the code had not made
            ExpressionSyntax materialized = keepsNull
                ? SyntaxFactory.ConditionalAccessExpression(receiver, SyntaxFactory.InvocationExpression(SyntaxFactory.MemberBindingExpression(SyntaxFactory.IdentifierName(plan.Method))).WithAdditionalAnnotations(buffer))
                : SyntaxFactory.InvocationExpression(SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, receiver, SyntaxFactory.IdentifierName(plan.Method))).WithAdditionalAnnotations(buffer);
            materialized = materialized.WithTriviaFrom(value);

            // The model of the code with the buffer in place, made once for the two questions below.
            SemanticModel? changed = null;
            SemanticModel Materialized() => changed ??= ModelOf(model, WithLinq(root.ReplaceNode(value, materialized), plan.HasLinq));

            // `var` would make the local a List<T>, to which a later assignment of a query does not convert, and on
            // which some reads bind otherwise (`Reverse()` is List<T>'s, returning void; `q ?? []`): a local assigned
            // again, or one that `var` would break, keeps the type it had, written out; or, where it cannot be (an
            // anonymous element type), buffered by the statement after its declaration.
            if (initializer.Parent is VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Type.IsVar: true, Variables.Count: 1 } declaration }
                && (IsAssignedAgain(plan.Variable, declaration, model, cancellationToken)
                    || AddsErrors(model, Materialized(), cancellationToken)
                    || CallsBindOtherwise(model, Materialized(), value, buffer, cancellationToken))
                && SequenceReference.TypeOf(plan.Variable) is INamedTypeSymbol declared)
            {
                if (!HasUnwritableElements(declared))
                {
                    // Written as the IDE's "use explicit type" writes it: without the `?` that `var` implies, unless the list may
                    // be null, or a value assigned later may be (`xs = TryMore();`, which would warn of a null otherwise).
                    var mayBeNull = flowState == NullableFlowState.MaybeNull || IsAssignedMaybeNull(plan.Variable, declaration, model, cancellationToken);
                    var type = SyntaxFactory.ParseTypeName(declared.WithNullableAnnotation(mayBeNull ? NullableAnnotation.Annotated : NullableAnnotation.NotAnnotated).ToMinimalDisplayString(model, declaration.SpanStart))
                        .WithTriviaFrom(declaration.Type)
                        .WithAdditionalAnnotations(Simplifier.Annotation);
                    newRoot = root.ReplaceNode(declaration, declaration.ReplaceNode(value, materialized).WithType(type));
                }
                else if (declaration.Parent is LocalDeclarationStatementSyntax { Parent: BlockSyntax block } statement)
                {
                    newRoot = root.ReplaceNode(block, Inserted(block, Reassignment(plan, keepsNull, root), block.Statements.IndexOf(statement) + 1));
                }
                else
                {
                    return document;   // outside a block, in a switch section: nowhere to put the statement
                }
            }
            else
            {
                newRoot = root.ReplaceNode(value, materialized);
            }
        }
        else
        {
            // A parameter that may be null where it is buffered stays null: annotated so (or not annotated at all), and
            // tested for null from there on (a guard before it has already decided, and the list would warn again).
            var body = Body(plan.Function!);
            var reads = ReadingReferences((SyntaxNode?)body ?? ExpressionBody(plan.Function!)!, plan.Variable, model, cancellationToken);
            var at = WhereToBuffer(plan.Function!, body is null ? [] : reads);
            var annotation = plan.Variable is IParameterSymbol parameter ? parameter.NullableAnnotation : NullableAnnotation.None;
            var keepsNull = annotation != NullableAnnotation.NotAnnotated
                && SequenceReference.TypeOf(plan.Variable) is { IsReferenceType: true }
                && (at is { } site
                    ? IsTestedForNullAfter(site, body!, plan.Variable, model, cancellationToken)
                    : ExpressionBody(plan.Function!) is { } arrow && IsTestedForNull(plan.Variable, arrow, model, cancellationToken));
            // One annotated so that the code reads it with `!` (`xs!.Sum()`) is buffered so too: `xs.ToList()` would warn.
            var firstRead = reads.FirstOrDefault(read => at is not { } from || read.SpanStart >= from.Start);
            var suppressesNull = annotation == NullableAnnotation.Annotated && firstRead?.Parent is PostfixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.SuppressNullableWarningExpression };
            var statement = Reassignment(plan, keepsNull, root, suppressesNull);
            newRoot = at is { } buffer
                ? root.ReplaceNode(buffer.Block, Inserted(buffer.Block, statement, buffer.Index))
                : root.ReplaceNode(plan.Function!, Syntax.WithBlockBody(plan.Function!, plan.ReturnsValue, statement));
        }

        return await FormatAsync(document.WithSyntaxRoot(WithLinq(newRoot, plan.HasLinq)), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether a sequence type's elements cannot be written out: anonymous, or holding an anonymous type anywhere (a tuple's, a group's).</summary>
    private static bool HasUnwritableElements(INamedTypeSymbol sequence) =>
        FunctionTranslator.Mentions(sequence, static t => t.IsAnonymousType);

    /// <summary>
    /// <c>xs = xs.ToList();</c>, or <c>?.</c> where the variable may be null there, or <c>!.</c> where the code says with
    /// its own <c>!</c> that it is not (<paramref name="suppressesNull"/>).
    /// </summary>
    private static StatementSyntax Reassignment(MaterializePlan plan, bool keepsNull, SyntaxNode root, bool suppressesNull = false)
    {
        var name = SyntaxFactory.IdentifierName(Names.Escape(plan.Variable.Name));
        return SyntaxFactory.ParseStatement($"{name} = {name}{(keepsNull ? "?" : suppressesNull ? "!" : "")}.{plan.Method}();")
            .WithTrailingTrivia(Syntax.EndOfLine(root))
            .WithAdditionalAnnotations(Formatter.Annotation);
    }

    /// <summary>
    /// A local buffered where its reads begin rather than where it is declared, when something runs between the two (the
    /// source may change before it is read: <c>queue.Add(job)</c>) or the reads are in a block of their own (a <c>try</c>
    /// whose <c>catch</c> the enumeration's exception must still meet, a branch that may never read it): <c>xs = xs.ToList();</c>
    /// there, as for a parameter. Null where the declaration is the place (its next statement reads it), or where the
    /// local's type does not take the list (<c>IOrderedEnumerable&lt;T&gt;</c>).
    /// </summary>
    private static SyntaxNode? BufferedLater(MaterializePlan plan, EqualsValueClauseSyntax initializer, SyntaxNode root, SemanticModel model, CancellationToken cancellationToken)
    {
        if (initializer.Parent?.Parent?.Parent is not LocalDeclarationStatementSyntax { Parent: BlockSyntax block } declaration)
            return null;

        var uses = StatementsAfter(declaration).SelectMany(statement => ReadingReferences(statement, plan.Variable, model, cancellationToken)).ToList();
        if (LaterSite(block, declaration, uses) is not { } site)
            return null;

        // A local that may be null where it is buffered stays null, as at a declaration: `?.`, which changes nothing for
        // a list. May be: its flow state says so where it is first read, or where it is declared unless the buffer is in a
        // branch of its own null test; where annotations are off, the code tests it for null anywhere in its block; either
        // way, the code tests it from the buffer on.
        var flowState = model.GetTypeInfo(uses[0], cancellationToken).Nullability.FlowState;
        var keepsNull = SequenceReference.TypeOf(plan.Variable) is { IsReferenceType: true }
            && (flowState == NullableFlowState.MaybeNull
                || (model.GetTypeInfo(initializer.Value, cancellationToken).Nullability.FlowState == NullableFlowState.MaybeNull
                    && !site.Block.Ancestors().TakeWhile(node => node != block).OfType<IfStatementSyntax>()
                        .Any(test => IsTestedForNull(plan.Variable, test.Condition, model, cancellationToken)))
                || (flowState == NullableFlowState.None && IsTestedForNull(plan.Variable, block, model, cancellationToken))
                || IsTestedForNullAfter(site, block, plan.Variable, model, cancellationToken));
        var newRoot = root.ReplaceNode(site.Block, Inserted(site.Block, Reassignment(plan, keepsNull, root), site.Index));
        return AddsErrors(model, ModelOf(model, WithLinq(newRoot, plan.HasLinq)), cancellationToken) ? null : newRoot;
    }

    /// <summary>
    /// Where a local declared in <paramref name="block"/> is buffered when not at its declaration: where its reads begin
    /// (<see cref="WhereToBufferIn"/>). Null where that is the declaration's next statement, the same moment, and where a
    /// read is in a function, which may run anywhere, more than once: there it is buffered where it is made.
    /// </summary>
    private static BufferSite? LaterSite(BlockSyntax block, StatementSyntax declaration, IReadOnlyCollection<SyntaxNode> reads)
    {
        if (reads.Count == 0 || reads.Any(read => InAFunction(read)))
            return null;

        var site = WhereToBufferIn(block, reads);
        return site.Block == block && site.Index == block.Statements.IndexOf(declaration) + 1 ? null : site;
    }

    /// <summary>
    /// Whether anything in the member binds otherwise once <c>var</c> makes the local a <c>List&lt;T&gt;</c>: LINQ's
    /// <c>Reverse()</c>, which returns a reversed sequence, becomes the list's, which reverses it in place; an overload for
    /// <c>IReadOnlyList&lt;T&gt;</c> wins over one for <c>IEnumerable&lt;T&gt;</c>, whether the local is passed itself
    /// (<c>Describe(xs)</c>, <c>new Shape(xs)</c>) or its type flows on (<c>var ys = xs;</c>, <c>xs ?? []</c>, a lambda
    /// returning it); a generic method infers the list's type (<c>Kind(xs)</c>). Every call, object creation, element
    /// access, constructor initializer and collection initializer's <c>Add</c> of the member is compared, in order.
    /// </summary>
    private static bool CallsBindOtherwise(SemanticModel model, SemanticModel changed, ExpressionSyntax value, SyntaxAnnotation buffer, CancellationToken cancellationToken)
    {
        var added = changed.SyntaxTree.GetRoot(cancellationToken).GetAnnotatedNodes(buffer).Single();
        return !Bindings(model, value, null).SequenceEqual(Bindings(changed, added, added));

        // The member holding the local (the whole file for a top-level statement); nothing outside it sees the local's type.
        IEnumerable<string?> Bindings(SemanticModel m, SyntaxNode inMember, SyntaxNode? skip)
        {
            var member = inMember.Ancestors().FirstOrDefault(static node => node is MemberDeclarationSyntax and not GlobalStatementSyntax)
                ?? m.SyntaxTree.GetRoot(cancellationToken);
            foreach (var node in member.DescendantNodes())
            {
                if (node != skip && node is InvocationExpressionSyntax or BaseObjectCreationExpressionSyntax or ElementAccessExpressionSyntax or ConstructorInitializerSyntax)
                {
                    yield return Binding(m.GetSymbolInfo(node, cancellationToken).Symbol);
                }

                if (node is ExpressionSyntax { Parent: InitializerExpressionSyntax { RawKind: (int)SyntaxKind.CollectionInitializerExpression } } element)
                {
                    yield return Binding(m.GetCollectionInitializerSymbolInfo(element, cancellationToken).Symbol);
                }
            }
        }

        // Written out: the two models are two compilations, whose source symbols differ.
        static string? Binding(ISymbol? bound) => bound switch
        {
            // A reduced extension's receiver type is the local's: what it was reduced from, and its type arguments.
            IMethodSymbol { ReducedFrom: { } definition } method => $"{definition.ToDisplayString()}<{string.Join(", ", method.TypeArguments.Select(static t => t.ToDisplayString()))}>",
            { } symbol => symbol.ToDisplayString(),
            null => null,
        };
    }

    /// <summary>The root with <c>using System.Linq;</c>, unless <paramref name="hasLinq"/> says ToList is in scope already.</summary>
    private static SyntaxNode WithLinq(SyntaxNode root, bool hasLinq) =>
        !hasLinq && root is CompilationUnitSyntax unit ? Syntax.AddUsing(unit, "System.Linq") : root;

    private static async Task<Document> FormatAsync(Document changed, CancellationToken cancellationToken)
    {
        changed = await Simplifier.ReduceAsync(changed, Simplifier.Annotation, cancellationToken: cancellationToken).ConfigureAwait(false);
        return await Formatter.FormatAsync(changed, Formatter.Annotation, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether the code tests the variable for null (<c>xs != null</c>, <c>xs is null</c>, <c>xs?.</c>, <c>xs ??</c>) in <paramref name="scope"/>.</summary>
    private static bool IsTestedForNull(ISymbol variable, SyntaxNode scope, SemanticModel model, CancellationToken cancellationToken) =>
        scope.DescendantNodes().OfType<IdentifierNameSyntax>().Any(id =>
            id.Identifier.ValueText == variable.Name
            && (IsNullTest(id) || id.Parent is ConditionalAccessExpressionSyntax access && access.Expression == id)
            && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(id, cancellationToken).Symbol, variable));

    /// <summary>
    /// Whether the code tests the variable for null where that may run after the buffer: in the statements from the
    /// buffer on, or in any local function or lambda of <paramref name="scope"/>, which runs where it is called.
    /// </summary>
    private static bool IsTestedForNullAfter(BufferSite site, SyntaxNode scope, ISymbol variable, SemanticModel model, CancellationToken cancellationToken) =>
        site.Statements.Any(statement => IsTestedForNull(variable, statement, model, cancellationToken))
        || scope.DescendantNodes().Where(static node => node is LocalFunctionStatementSyntax or AnonymousFunctionExpressionSyntax)
            .Any(function => IsTestedForNull(variable, function, model, cancellationToken));

    /// <summary>The model of <paramref name="model"/>'s compilation with its tree's root replaced by <paramref name="newRoot"/>.</summary>
    private static SemanticModel ModelOf(SemanticModel model, SyntaxNode newRoot)
    {
        var tree = model.SyntaxTree;
        var newTree = tree.WithRootAndOptions(newRoot, tree.Options);
        return model.Compilation.ReplaceSyntaxTree(tree, newTree).GetSemanticModel(newTree);
    }

    /// <summary>Whether the changed code (<paramref name="changed"/>) has more compile errors than the model's.</summary>
    private static bool AddsErrors(SemanticModel model, SemanticModel changed, CancellationToken cancellationToken) =>
        Problems(changed, cancellationToken).Errors > Problems(model, cancellationToken).Errors;

    /// <summary>The file's compile errors, and its async functions that await nothing (CS1998).</summary>
    private static (int Errors, int AwaitlessAsync) Problems(SemanticModel model, CancellationToken cancellationToken)
    {
        var diagnostics = model.GetDiagnostics(cancellationToken: cancellationToken);
        return (diagnostics.Count(static d => d.Severity == DiagnosticSeverity.Error), diagnostics.Count(static d => d.Id == "CS1998"));
    }

    /// <summary>
    /// Whether <paramref name="node"/> is there to be tested for null: an <c>is</c> pattern, <c>== null</c>, <c>!= null</c>,
    /// the left of <c>??</c> or <c>??=</c>.
    /// </summary>
    private static bool IsNullTest(ExpressionSyntax node) => node.Parent switch
    {
        IsPatternExpressionSyntax => true,
        BinaryExpressionSyntax binary when binary.IsKind(SyntaxKind.CoalesceExpression) => binary.Left == node,
        AssignmentExpressionSyntax assignment when assignment.IsKind(SyntaxKind.CoalesceAssignmentExpression) => assignment.Left == node,
        BinaryExpressionSyntax binary => binary.Left.IsKind(SyntaxKind.NullLiteralExpression) || binary.Right.IsKind(SyntaxKind.NullLiteralExpression),
        _ => false,
    };

    /// <summary>Whether the local is assigned, after its declaration, a value that may be null where it is assigned.</summary>
    private static bool IsAssignedMaybeNull(ISymbol local, SyntaxNode declaration, SemanticModel model, CancellationToken cancellationToken) =>
        WritesOf(local, declaration, model, cancellationToken).Any(write =>
            write is AssignmentExpressionSyntax assignment && assignment.IsKind(SyntaxKind.SimpleAssignmentExpression)
            && model.GetTypeInfo(assignment.Right, cancellationToken).Nullability.FlowState == NullableFlowState.MaybeNull);

    /// <summary>Whether the local is written after its declaration: assigned, or passed by <c>ref</c> or <c>out</c>.</summary>
    private static bool IsAssignedAgain(ISymbol local, SyntaxNode declaration, SemanticModel model, CancellationToken cancellationToken) =>
        WritesOf(local, declaration, model, cancellationToken).Any();

    /// <summary>The assignments to the local in its scope, and the arguments that pass it by <c>ref</c> or <c>out</c>.</summary>
    private static IEnumerable<SyntaxNode> WritesOf(ISymbol local, SyntaxNode declaration, SemanticModel model, CancellationToken cancellationToken)
    {
        // A top-level statement's local is in scope in the statements after it, outside any block.
        var scope = declaration.FirstAncestorOrSelf<BlockSyntax>() ?? declaration.FirstAncestorOrSelf<CompilationUnitSyntax>() ?? declaration.Parent!;
        return scope.DescendantNodes().Where(node => Writes(node, local, model, cancellationToken));
    }

    /// <summary>Whether <paramref name="node"/> writes <paramref name="variable"/>: assigns it, or passes it by <c>ref</c> or <c>out</c>.</summary>
    private static bool Writes(SyntaxNode node, ISymbol variable, SemanticModel model, CancellationToken cancellationToken) => node switch
    {
        AssignmentExpressionSyntax assignment => SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(assignment.Left, cancellationToken).Symbol, variable),
        ArgumentSyntax { RefKindKeyword.RawKind: (int)SyntaxKind.RefKeyword or (int)SyntaxKind.OutKeyword } argument
            => SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(argument.Expression, cancellationToken).Symbol, variable),
        _ => false,
    };

    /// <summary>
    /// The references in <paramref name="scope"/> that read <paramref name="variable"/> as a sequence (a null test,
    /// <c>ArgumentNullException.ThrowIfNull(xs)</c>, <c>nameof(xs)</c> do not).
    /// </summary>
    private static List<SyntaxNode> ReadingReferences(SyntaxNode scope, ISymbol variable, SemanticModel model, CancellationToken cancellationToken) =>
        scope.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>().Where(id =>
                id.Identifier.ValueText == variable.Name
                && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(id, cancellationToken).Symbol, variable)
                && ReadsAsSequence(id, model, cancellationToken)
                && !IsLinkOfItself(id, variable, model, cancellationToken))
            .ToList<SyntaxNode>();

    /// <summary>
    /// Whether <paramref name="reference"/> is the source of a lazy chain given back to the variable (<c>xs = xs.Where(p)</c>,
    /// an optional filter), or the variable given it: no read, but the variable's next value, which the buffer after it is
    /// to hold.
    /// </summary>
    private static bool IsLinkOfItself(IdentifierNameSyntax reference, ISymbol variable, SemanticModel model, CancellationToken cancellationToken)
    {
        if (reference.Parent is AssignmentExpressionSyntax target && target.Left == reference)
        {
            return target.Right.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>()
                .Any(source => source.Identifier.ValueText == reference.Identifier.ValueText && IsLinkOfItself(source, variable, model, cancellationToken));
        }

        ExpressionSyntax node = reference;
        while (OperatorCalledOn(node) is { } call && model.GetSymbolInfo(call, cancellationToken).Symbol is IMethodSymbol method && IsLazyLinqOperator(method))
            node = call;
        return node != reference
               && node.Parent is AssignmentExpressionSyntax assignment && assignment.IsKind(SyntaxKind.SimpleAssignmentExpression) && assignment.Right == node
               && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(assignment.Left, cancellationToken).Symbol, variable);
    }

    /// <summary>A LINQ to Objects operator that returns a lazy sequence over its source (<c>Where</c>, <c>Select</c>, <c>OrderBy</c>...).</summary>
    private static bool IsLazyLinqOperator(IMethodSymbol method)
    {
        method = method.ReducedFrom ?? method;
        return method.ContainingType is { Name: "Enumerable" } type && AggregateCall.IsSystemLinq(type)
               && method.ReturnType is INamedTypeSymbol { Name: "IEnumerable" or "IOrderedEnumerable", Arity: 1 };
    }

    /// <summary>
    /// The reads of the value a buffer would hold: those before the code, after its first read, gives the variable another
    /// value on every path (<c>feed = reload();</c> after <c>feed.First()</c>), other than a chain over itself; the reads
    /// after that read that other value, which the buffer does not stand for. A value given on some paths only (in a
    /// branch, a loop), or in a lambda or a local function, which runs where that is called, leaves every read counted.
    /// </summary>
    private static List<SyntaxNode> ReadsOfTheBufferedValue(List<SyntaxNode> reads, ISymbol variable, SyntaxNode scope, SemanticModel model, CancellationToken cancellationToken)
    {
        if (reads.Count == 0)
            return reads;
        var firstRead = reads.Min(static read => read.SpanStart);
        var replaced = scope.DescendantNodes(node => node is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax))
            .Where(node => node.SpanStart > firstRead && Writes(node, variable, model, cancellationToken)
                && !(node is AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression, Left: IdentifierNameSyntax target }
                     && IsLinkOfItself(target, variable, model, cancellationToken))
                && RunsWithoutAChoice(node, scope))
            .Select(static node => (int?)node.SpanStart)
            .Min();
        return replaced is { } at ? reads.Where(read => read.SpanStart < at).ToList() : reads;
    }

    /// <summary>
    /// Whether code in <paramref name="scope"/>, from where the buffer is made (<paramref name="from"/>) on, uses the
    /// variable's object itself rather than its elements: stores it in a field or a property (which would keep the list,
    /// not what the caller gave or the lazy query), or tests or casts its type, with <c>is</c>, <c>as</c>, a cast or a
    /// <c>switch</c> (which the list passes as a collection, and a cast to one lets the code change the list rather than
    /// the caller's), or compares it with another object or keeps it (<c>x == y</c>, <c>Equals</c>, a dictionary's key,
    /// a set's or a list's item: see <see cref="ComparesOrKeeps"/>), which the new list never equals. A buffer changes
    /// what those see.
    /// </summary>
    private static bool UsesTheObjectItself(SyntaxNode scope, ISymbol variable, int from, SemanticModel model, CancellationToken cancellationToken) =>
        scope.DescendantNodes().OfType<IdentifierNameSyntax>().Any(name =>
            name.SpanStart >= from && name.Identifier.ValueText == variable.Name
            && Syntax.Wrapped(name) is var used && used.Parent switch
            {
                AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression } store when store.Right == used
                    => model.GetSymbolInfo(store.Left, cancellationToken).Symbol is IFieldSymbol or IPropertySymbol,
                BinaryExpressionSyntax { RawKind: (int)SyntaxKind.IsExpression or (int)SyntaxKind.AsExpression } test => test.Left == used,
                IsPatternExpressionSyntax test => test.Expression == used && test.Pattern.DescendantNodesAndSelf().OfType<TypeSyntax>().Any(),
                CastExpressionSyntax cast => cast.Expression == used,
                SwitchStatementSyntax test => test.Expression == used,
                SwitchExpressionSyntax test => test.GoverningExpression == used,
                BinaryExpressionSyntax comparison when comparison.IsKind(SyntaxKind.EqualsExpression) || comparison.IsKind(SyntaxKind.NotEqualsExpression) => !IsNullTest(used),
                ArgumentSyntax => ArgumentOf(model.GetOperation(used, cancellationToken)) is { } argument && ComparesOrKeeps(argument),
                InitializerExpressionSyntax { RawKind: (int)SyntaxKind.CollectionInitializerExpression or (int)SyntaxKind.ComplexElementInitializerExpression } => true,   // `new HashSet<IEnumerable<int>> { xs }`
                ExpressionElementSyntax => true,   // `[xs]`, an item of a collection expression
                MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Equals", Parent: InvocationExpressionSyntax } access => access.Expression == used,
                _ => false,
            }
            && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(name, cancellationToken).Symbol, variable));

    /// <summary>
    /// Whether a call compares the object it is given as <paramref name="argument"/> with others, or keeps it: a generic
    /// type's own type parameter (a dictionary's key, a set's or a list's item), a method's type parameter that another
    /// parameter holds items of (<c>seqs.Contains(xs)</c>, <c>Array.IndexOf(all, xs)</c>), or <c>Equals</c> and
    /// <c>ReferenceEquals</c>. Not a delegate's parameter (<c>total(xs)</c> reads it) nor a guard's
    /// (<c>Guard.NotNull(xs)</c>).
    /// </summary>
    private static bool ComparesOrKeeps(IArgumentOperation argument) => argument switch
    {
        { Parent: IInvocationOperation { TargetMethod.MethodKind: MethodKind.DelegateInvoke } } => false,
        { Parent: IInvocationOperation { TargetMethod: { Name: "Equals" or "ReferenceEquals", ContainingType.SpecialType: SpecialType.System_Object } } } => true,
        { Parameter.OriginalDefinition: { Type: ITypeParameterSymbol { TypeParameterKind: TypeParameterKind.Type } } } => true,
        { Parameter.OriginalDefinition: { Type: ITypeParameterSymbol { TypeParameterKind: TypeParameterKind.Method } item, ContainingSymbol: IMethodSymbol method } parameter }
            => method.Parameters.Any(other => other.Ordinal != parameter.Ordinal && HoldsItemsOf(other.Type, item)),
        _ => false,
    };

    private static bool HoldsItemsOf(ITypeSymbol type, ITypeParameterSymbol item) => type switch
    {
        IArrayTypeSymbol array => SymbolEqualityComparer.Default.Equals(array.ElementType, item),
        INamedTypeSymbol named => named.TypeArguments.Any(argument => SymbolEqualityComparer.Default.Equals(argument, item)),
        _ => false,
    };

    /// <summary>The argument <paramref name="operation"/> is given as, through the conversions to its parameter's type.</summary>
    private static IArgumentOperation? ArgumentOf(IOperation? operation)
    {
        while (operation?.Parent is IConversionOperation conversion)
            operation = conversion;
        return operation?.Parent as IArgumentOperation;
    }

    /// <summary>
    /// Whether every read takes no more than a few elements (<c>xs.First() + xs.ElementAt(1)</c>): the sequence may be
    /// endless, and a buffer would never be done.
    /// </summary>
    private static bool ReadsOnlyAFew(IReadOnlyCollection<SyntaxNode> reads) => reads.Count > 0 && reads.All(ReadsAFew);

    private static bool ReadsAFew(SyntaxNode read)
    {
        // A Skip or SkipWhile, or a link that gives one element for each (Select, Cast), reads a few where what is called
        // on it does: `fib.Skip(10).First()`, `fib.Select(f => f * 2).Take(10)`.
        var node = read;
        for (; OperatorCalledOn(node) is { Expression: MemberAccessExpressionSyntax access } call; node = call)
        {
            var name = access.Name.Identifier.ValueText;
            if (name is not ("Skip" or "SkipWhile" or "Select" or "Cast"))
                return TakesAFew(name, call.ArgumentList.Arguments.Count > 0);
        }

        return IsLoopThatMayStopEarly(node);
    }

    /// <summary>
    /// Whether <paramref name="read"/> is what a <c>foreach</c> loops over (configured, or not) and the loop may stop
    /// before the end (<c>foreach (var p in primes) { if (p &gt;= n) break; ... }</c>): a read of a few, as <c>TakeWhile</c> is.
    /// </summary>
    private static bool IsLoopThatMayStopEarly(SyntaxNode read)
    {
        while (read.Parent is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "WithCancellation" or "ConfigureAwait", Parent: InvocationExpressionSyntax call } access
               && access.Expression == read)
        {
            read = call;
        }

        return read.Parent is CommonForEachStatementSyntax loop && loop.Expression == read && MayStopEarly(loop);
    }

    /// <summary>Whether a loop may stop before its sequence ends: a <c>break</c> of its own, a <c>return</c> or a <c>yield break</c> in it.</summary>
    private static bool MayStopEarly(CommonForEachStatementSyntax loop) =>
        loop.Statement.DescendantNodesAndSelf(static node => node is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax))
            .Any(node => node switch
            {
                ReturnStatementSyntax => true,
                YieldStatementSyntax yield => yield.IsKind(SyntaxKind.YieldBreakStatement),
                BreakStatementSyntax exit => exit.Ancestors().First(static a => a is SwitchSectionSyntax or CommonForEachStatementSyntax or ForStatementSyntax or WhileStatementSyntax or DoStatementSyntax) == loop,
                _ => false,
            });

    /// <summary>The call of a LINQ operator on a read (<c>xs.Max()</c>), if any.</summary>
    private static InvocationExpressionSyntax? OperatorCalledOn(SyntaxNode read) =>
        read.Parent is MemberAccessExpressionSyntax { Parent: InvocationExpressionSyntax call } access && access.Expression == read ? call : null;

    /// <summary>The name of the LINQ operator called on a read (<c>xs.Max()</c>: <c>Max</c>), if any.</summary>
    private static string? OperatorOn(SyntaxNode read) =>
        OperatorCalledOn(read) is { Expression: MemberAccessExpressionSyntax access } ? access.Name.Identifier.ValueText : null;

    /// <summary>
    /// Whether an iterator streams the sequence to its caller where a buffer would not: a read is a <c>foreach</c> that
    /// yields as it goes (<c>foreach (var x in xs) yield return x;</c>), and nothing reads the whole sequence for sure
    /// before it, so that a caller who stops early (<c>Take(5)</c> of an endless sequence) stops the reading too, where a
    /// buffer would read it all before the first element. Read for sure: by an operator that always reads to the end
    /// (<c>var max = xs.Max();</c>, not an <c>Any(p)</c> that may stop at a match), in a statement of the loop's own
    /// block before it, outside any branch or lambda.
    /// </summary>
    private static bool StreamsToTheCaller(IReadOnlyCollection<SyntaxNode> reads, Func<SyntaxNode, string?> readingOperator)
    {
        var loops = reads.Select(static read => read.AncestorsAndSelf()
                .TakeWhile(static node => node is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or MemberDeclarationSyntax))
                .OfType<CommonForEachStatementSyntax>()
                .FirstOrDefault(loop => (loop == read || loop.Expression.Span.Contains(read.Span))
                    && loop.Statement.DescendantNodesAndSelf(static node => node is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax))
                        .Any(static node => node.IsKind(SyntaxKind.YieldReturnStatement))))
            .OfType<CommonForEachStatementSyntax>()
            .ToList();
        return loops.Count > 0 && !reads.Any(read => loops.All(loop => ReadsAllBefore(read, loop)));

        bool ReadsAllBefore(SyntaxNode read, StatementSyntax loop)
        {
            if (readingOperator(read) is not ("Count" or "LongCount" or "Sum" or "Min" or "Max" or "Average" or "Last" or "LastOrDefault"
                    or "Aggregate" or "ToList" or "ToArray" or "ToHashSet" or "ToDictionary" or "ToLookup"))
            {
                return false;
            }

            // The read's statement, reached only through what always runs its operands (a call and its arguments, a
            // creation, an initializer, a plain assignment, an arithmetic or comparison operator, an await, a cast, an
            // `if`'s condition, a `yield return`), not a branch (?:, &&, ??, a switch arm) or a lambda, is a statement of
            // the loop's block before the loop.
            for (var node = read; node.Parent is { } parent; node = parent)
            {
                switch (parent)
                {
                    case BinaryExpressionSyntax { RawKind: (int)SyntaxKind.LogicalAndExpression or (int)SyntaxKind.LogicalOrExpression or (int)SyntaxKind.CoalesceExpression }:
                        return false;
                    case MemberAccessExpressionSyntax or InvocationExpressionSyntax or ArgumentSyntax or ArgumentListSyntax or AwaitExpressionSyntax
                        or ParenthesizedExpressionSyntax or CastExpressionSyntax or EqualsValueClauseSyntax or VariableDeclaratorSyntax or VariableDeclarationSyntax
                        or BaseObjectCreationExpressionSyntax or BinaryExpressionSyntax or PrefixUnaryExpressionSyntax
                        or AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression }:
                        continue;
                    case LocalDeclarationStatementSyntax or ExpressionStatementSyntax or YieldStatementSyntax when parent.Parent is BlockSyntax:
                    case IfStatementSyntax @if when @if.Condition == node && parent.Parent is BlockSyntax:
                        return parent.Parent == loop.Parent && parent.Span.End <= loop.SpanStart;
                    default:
                        return false;
                }
            }

            return false;
        }
    }

    /// <summary>
    /// The LINQ operators that read a bounded number of elements, whatever they hold: <c>Take</c>, <c>ElementAt</c>, and
    /// <c>First</c>, <c>Any</c>, <c>Single</c> without a predicate (with one, or <c>Contains</c>, they read up to a match,
    /// the whole sequence where none matches: a membership test in a loop is what a buffer is for); and <c>TakeWhile</c>,
    /// which is how an endless sequence is read to a bound (<c>fib.TakeWhile(f =&gt; f &lt; 4_000_000)</c>).
    /// </summary>
    private static bool TakesAFew(string name, bool hasArguments) => name.EndsWith("Async", System.StringComparison.Ordinal)
        ? TakesAFew(name.Substring(0, name.Length - "Async".Length), hasArguments)
        : name is "Take" or "TakeWhile" or "ElementAt" or "ElementAtOrDefault"
            || (!hasArguments && name is "First" or "FirstOrDefault" or "Any" or "Single" or "SingleOrDefault");

    /// <summary>
    /// The statements after <paramref name="statement"/> in the list that holds it: a block's, a switch section's, or the
    /// top-level statements after it.
    /// </summary>
    private static IEnumerable<StatementSyntax> StatementsAfter(StatementSyntax statement) => statement.Parent switch
    {
        BlockSyntax block => block.Statements.Skip(block.Statements.IndexOf(statement) + 1),
        SwitchSectionSyntax section => section.Statements.Skip(section.Statements.IndexOf(statement) + 1),
        GlobalStatementSyntax { Parent: CompilationUnitSyntax unit } global =>
            unit.Members.Skip(unit.Members.IndexOf(global) + 1).OfType<GlobalStatementSyntax>().Select(static g => g.Statement),
        _ => [],
    };

    /// <summary>
    /// Whether the first statement after <paramref name="declaration"/> that reads the local reads it first thing, outside
    /// a statement of its own (a <c>try</c>, a branch, a loop) and a function, and only plain locals are declared or set
    /// before it (no call, no await, no new object): the declaration is then the buffer's place, since nothing runs
    /// between the two, no path skips the read, and a <c>catch</c> around the read met none of its exceptions.
    /// </summary>
    private static bool IsReadRightAfter(StatementSyntax declaration, IEnumerable<SyntaxNode> reads, SemanticModel model, CancellationToken cancellationToken)
    {
        var all = reads.ToList();
        foreach (var next in StatementsAfter(declaration))
        {
            var inNext = all.Where(read => next.Span.Contains(read.Span)).ToList();
            if (inNext.Count > 0)
            {
                return inNext.Any(read => !read.AncestorsAndSelf().TakeWhile(node => node != next)
                    .Any(static node => node is StatementSyntax or AnonymousFunctionExpressionSyntax));
            }

            if (MayRunCode(next, model, cancellationToken))
                return false;
        }

        return false;
    }

    /// <summary>Whether a statement may run code that changes what a sequence gives: anything but a declaration or an assignment of locals from what calls nothing.</summary>
    private static bool MayRunCode(StatementSyntax statement, SemanticModel model, CancellationToken cancellationToken) =>
        statement is not (LocalDeclarationStatementSyntax or ExpressionStatementSyntax)
        || statement.DescendantNodes().Any(node => RunsCode(node, model, cancellationToken));

    /// <summary>Whether a read is inside a local function or lambda, which runs where it is called.</summary>
    private static bool InAFunction(SyntaxNode read) =>
        read.Ancestors().Any(static node => node is LocalFunctionStatementSyntax or AnonymousFunctionExpressionSyntax);

    /// <summary>
    /// Code that may change what a sequence gives: a call (not one of LINQ's operators, which only read), an await, a
    /// creation, an indexer, or an assignment of anything but a local.
    /// </summary>
    private static bool RunsCode(SyntaxNode node, SemanticModel model, CancellationToken cancellationToken) => node switch
    {
        InvocationExpressionSyntax call => model.GetSymbolInfo(call, cancellationToken).Symbol is IMethodSymbol method ? !IsLinq(method) : !IsNameOf(call),
        AwaitExpressionSyntax or BaseObjectCreationExpressionSyntax or ElementAccessExpressionSyntax => true,
        AssignmentExpressionSyntax assignment => model.GetSymbolInfo(assignment.Left, cancellationToken).Symbol is not ILocalSymbol,
        _ => false,
    };

    /// <summary>A lambda, or the name of a local function or of a local holding a delegate: a function, not yet run.</summary>
    private static bool IsFunctionValue(SyntaxNode node, SemanticModel model, CancellationToken cancellationToken) => node switch
    {
        AnonymousFunctionExpressionSyntax => true,
        IdentifierNameSyntax name => model.GetSymbolInfo(name, cancellationToken).Symbol is IMethodSymbol { MethodKind: MethodKind.LocalFunction }
            or ILocalSymbol { Type.TypeKind: TypeKind.Delegate },
        _ => false,
    };

    /// <summary>The <c>nameof</c> operator, which runs nothing: a call of no method named so.</summary>
    private static bool IsNameOf(InvocationExpressionSyntax call) => call.Expression is IdentifierNameSyntax { Identifier.ValueText: "nameof" };

    /// <summary>
    /// Whether the function <paramref name="function"/> is run where it is written: called (<c>f()</c>,
    /// <c>f.Invoke()</c>, <c>f?.Invoke()</c>), or given to a method that runs it during the call (<see cref="RunsWhileCalled"/>).
    /// </summary>
    private static bool CalledOrGivenToLinq(SyntaxNode function, SemanticModel model, CancellationToken cancellationToken) => function.Parent switch
    {
        InvocationExpressionSyntax call => call.Expression == function,
        MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Invoke", Parent: InvocationExpressionSyntax } invoke => invoke.Expression == function,
        ConditionalAccessExpressionSyntax { WhenNotNull: InvocationExpressionSyntax { Expression: MemberBindingExpressionSyntax { Name.Identifier.ValueText: "Invoke" } } } invoke => invoke.Expression == function,
        ArgumentSyntax { Parent: ArgumentListSyntax { Parent: InvocationExpressionSyntax given } } =>
            model.GetSymbolInfo(given, cancellationToken).Symbol is IMethodSymbol method && RunsWhileCalled(method),
        _ => false,
    };

    /// <summary>
    /// A method that runs the functions it is given before it returns, and keeps none: LINQ's operators (a lazy one's run
    /// as its sequence is read: see <see cref="LazySequenceOf"/>), and <c>List&lt;T&gt;</c>'s, <c>Array</c>'s and
    /// <c>HashSet&lt;T&gt;</c>'s that take a predicate, an action, a converter or a comparison
    /// (<c>known.RemoveAll(k =&gt; stale.Contains(k))</c>).
    /// </summary>
    private static bool RunsWhileCalled(IMethodSymbol method) =>
        IsLinq(method)
        || (method.Name is "ForEach" or "RemoveAll" or "RemoveWhere" or "Exists" or "Find" or "FindAll" or "FindIndex" or "FindLast" or "FindLastIndex" or "TrueForAll" or "ConvertAll" or "Sort"
            && method.ContainingType is { ContainingNamespace: { Name: "Generic", ContainingNamespace: { Name: "Collections", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } }, MetadataName: "List`1" or "HashSet`1" }
                or { Name: "Array", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } });

    /// <summary>
    /// A LINQ operator that gives a sequence it has not read yet: <c>IEnumerable&lt;T&gt;</c> or
    /// <c>IOrderedEnumerable&lt;T&gt;</c>, and not one of its source's elements (<c>First</c> of a sequence of sequences).
    /// </summary>
    private static bool IsLazy(IMethodSymbol method)
    {
        if (method.ReturnType is not INamedTypeSymbol { OriginalDefinition.MetadataName: "IEnumerable`1" or "IOrderedEnumerable`1" } returned)
            return false;
        var source = method.ReducedFrom is null ? method.Parameters.FirstOrDefault()?.Type : method.ReceiverType;
        return source is not INamedTypeSymbol { IsGenericType: true } sequence || !SymbolEqualityComparer.Default.Equals(returned, sequence.TypeArguments[0]);
    }

    private static bool IsLinq(IMethodSymbol method) =>
        (method.ReducedFrom ?? method).ContainingType is { Name: "Enumerable" } linq && AggregateCall.IsSystemLinq(linq);

    /// <summary>
    /// Where a parameter's buffer goes, null for an expression body: before the first statement that holds one of
    /// <paramref name="uses"/>, after the guards before it, so a null argument still meets the method's own check. That
    /// is in the innermost block holding them all that runs once each time its statement does (a <c>try</c>'s or a
    /// <c>catch</c>'s, a branch's, a <c>using</c>'s or a <c>lock</c>'s), so that the enumeration's exception meets the
    /// <c>catch</c> it met before and a path that never reads the sequence does not enumerate it; not into a loop, which
    /// would buffer it on every turn. A use in a local function, which runs wherever it is called, puts it in the body's
    /// own block, before the first statement that reads it or names a local function, after the guards before that.
    /// </summary>
    private static BufferSite? WhereToBuffer(SyntaxNode function, IReadOnlyCollection<SyntaxNode> uses)
    {
        if (Body(function) is not { } block)
            return null;
        if (uses.Any(use => use.Ancestors().TakeWhile(node => node != function).Any(static node => node is LocalFunctionStatementSyntax)))
        {
            // The local functions that read it, themselves or through another: a statement naming any other is no read, and
            // runs code before the first.
            var functions = block.DescendantNodes().OfType<LocalFunctionStatementSyntax>().ToList();
            var localFunctions = new HashSet<string>(functions.Where(f => uses.Any(use => f.Span.Contains(use.Span))).Select(static f => f.Identifier.ValueText));
            while (functions.FirstOrDefault(f => !localFunctions.Contains(f.Identifier.ValueText) && f.DescendantNodes().OfType<IdentifierNameSyntax>().Any(Names)) is { } caller)
            {
                localFunctions.Add(caller.Identifier.ValueText);
            }

            var first = block.Statements.FirstOrDefault(statement => statement is not LocalFunctionStatementSyntax
                && (uses.Any(use => statement.Span.Contains(use.Span)) || statement.DescendantNodes().OfType<IdentifierNameSyntax>().Any(Names)));
            return new BufferSite(block, first is null ? 0 : block.Statements.IndexOf(first));

            // A name of one of them (not a member of something else that has the name: `.Sum()`).
            bool Names(IdentifierNameSyntax name) => localFunctions.Contains(name.Identifier.ValueText)
                && !(name.Parent is MemberAccessExpressionSyntax access && access.Name == name);
        }

        return WhereToBufferIn(block, uses);
    }

    /// <summary>From <paramref name="block"/> down, the innermost block that holds every one of <paramref name="uses"/> and runs once (see <see cref="WhereToBuffer"/>).</summary>
    private static BufferSite WhereToBufferIn(BlockSyntax block, IReadOnlyCollection<SyntaxNode> uses)
    {
        while (true)
        {
            var holders = block.Statements.Where(statement => uses.Any(use => statement.Span.Contains(use.Span))).Take(2).ToList();
            var index = holders.Count == 0 ? 0 : block.Statements.IndexOf(holders[0]);
            if (holders.Count != 1 || InnerBlock(holders[0], uses) is not var (inner, within))
                return new BufferSite(block, index);
            (block, uses) = (inner, within);
        }
    }

    /// <summary>
    /// The block, run at most once each time <paramref name="statement"/> runs, that holds every one of
    /// <paramref name="uses"/>, and the uses to place the buffer among there. A <c>try</c> block that reads the sequence
    /// more than once, whose <c>catch</c> or <c>finally</c> reads it too, holds the buffer for its own reads: a handler then
    /// reads the buffer, or the sequence where the exception came before it, as it read the sequence before.
    /// </summary>
    private static (BlockSyntax Block, IReadOnlyCollection<SyntaxNode> Uses)? InnerBlock(StatementSyntax statement, IReadOnlyCollection<SyntaxNode> uses)
    {
        while (true)
        {
            if (statement is BlockSyntax block)
                return (block, uses);

            IEnumerable<StatementSyntax?> parts = statement switch
            {
                IfStatementSyntax branch => [branch.Statement, branch.Else?.Statement],
                TryStatementSyntax attempt => [attempt.Block, .. attempt.Catches.Select(static c => c.Block), attempt.Finally?.Block],
                UsingStatementSyntax scope => [scope.Statement],
                LockStatementSyntax scope => [scope.Statement],
                CheckedStatementSyntax scope => [scope.Block],
                UnsafeStatementSyntax scope => [scope.Block],
                FixedStatementSyntax scope => [scope.Statement],
                _ => [],   // loops, and labelled statements, which a `goto` may run again
            };
            if (parts.FirstOrDefault(part => part is not null && uses.All(use => part.Span.Contains(use.Span))) is { } holder)
            {
                statement = holder;   // a block, or a statement with blocks of its own (`else if`, `using (a) using (b)`)
            }
            else if (statement is TryStatementSyntax attempt && uses.Where(use => attempt.Block.Span.Contains(use.Span)).ToList() is { Count: > 1 } attempted)
            {
                (statement, uses) = (attempt.Block, attempted);
            }
            else
            {
                return null;
            }
        }
    }

    private static BlockSyntax? Body(SyntaxNode function) => function switch
    {
        BaseMethodDeclarationSyntax method => method.Body,
        LocalFunctionStatementSyntax local => local.Body,
        _ => null,
    };

    private static ArrowExpressionClauseSyntax? ExpressionBody(SyntaxNode function) => function switch
    {
        BaseMethodDeclarationSyntax method => method.ExpressionBody,
        LocalFunctionStatementSyntax local => local.ExpressionBody,
        _ => null,
    };

    /// <summary>A reference that reads the sequence rather than testing it for null or passing it on as an object.</summary>
    private static bool ReadsAsSequence(IdentifierNameSyntax reference, SemanticModel model, CancellationToken cancellationToken)
    {
        ExpressionSyntax node = reference;
        while (node.Parent is ParenthesizedExpressionSyntax parenthesized)
            node = parenthesized;
        // A null test reads nothing, nor does a type test (`xs as IReadOnlyCollection<T>`, as an `is` pattern does not):
        // the code's fast path for a collection stays before the buffer.
        if (IsNullTest(node) || node.Parent is BinaryExpressionSyntax typeTest && (typeTest.IsKind(SyntaxKind.AsExpression) || typeTest.IsKind(SyntaxKind.IsExpression)))
            return false;

        // `nameof(xs)` names it; a guard's `Guard.NotNull(xs)` (a parameter of an unconstrained type parameter's type) takes any
        // value. A delegate's `Invoke(T arg)` (`total(xs)`, a Func<IEnumerable<int>, int>) hands it to code that may read it.
        if (reference.Ancestors().OfType<InvocationExpressionSyntax>().Any(call =>
                call.Expression is IdentifierNameSyntax { Identifier.ValueText: "nameof" } && model.GetSymbolInfo(call, cancellationToken).Symbol is null)
            || model.GetOperation(node, cancellationToken)?.Parent is IArgumentOperation
            {
                Parameter.OriginalDefinition.Type: ITypeParameterSymbol { ConstraintTypes.Length: 0 },
                Parent: not IInvocationOperation { TargetMethod.MethodKind: MethodKind.DelegateInvoke },
            })
        {
            return false;
        }

        return node.Parent is BinaryExpressionSyntax binary && (binary.IsKind(SyntaxKind.EqualsExpression) || binary.IsKind(SyntaxKind.NotEqualsExpression) || binary.IsKind(SyntaxKind.CoalesceExpression))
            || model.GetTypeInfo(node, cancellationToken).ConvertedType?.SpecialType != SpecialType.System_Object;
    }

    /// <summary>
    /// The block with <paramref name="statement"/> before its statement at <paramref name="index"/>, which keeps its
    /// comments; the new one takes only its indentation.
    /// </summary>
    private static BlockSyntax Inserted(BlockSyntax block, StatementSyntax statement, int index)
    {
        if (block.Statements.Count <= index)
            return block.WithStatements(block.Statements.Add(statement));

        // Below an #endif before the statement it goes ahead of, above an #if (see SplitAfterClosedRegions), at its indentation.
        var next = block.Statements[index];
        var (above, own) = Syntax.SplitAfterClosedRegions(next.GetLeadingTrivia());
        return block.WithStatements(block.Statements
            .Replace(next, next.WithLeadingTrivia(own))
            .Insert(index, statement.WithLeadingTrivia(above.AddRange(Syntax.Indentation(own)))));
    }

    private static MaterializePlan? Plan(SyntaxNode root, SemanticModel model, TextSpan span, CancellationToken cancellationToken)
    {
        if (SequenceReference.Find(root, model, span, cancellationToken) is not var (reference, variable))
            return null;

        var type = SequenceReference.TypeOf(variable);

        // Only IEnumerable<T>: a List<T> converts to it, while an IOrderedEnumerable<T>, a
        // type parameter or a query would change meaning or stop compiling.
        if (type is not INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Collections_Generic_IEnumerable_T } enumerable)
            return null;

        var indexes = root.DescendantNodes().OfType<IdentifierNameSyntax>().Any(id =>
            id.Identifier.ValueText == variable.Name
            && id.Parent is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ElementAt" or "ElementAtOrDefault" } member
            && member.Expression == id
            && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(id, cancellationToken).Symbol, variable));
        var method = indexes ? "ToArray" : "ToList";
        var hasLinq = model.LookupSymbols(reference.SpanStart, enumerable, method, includeReducedExtensionMethods: true).Any();
        var declaration = variable.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken);

        if (variable is ILocalSymbol { IsRef: true })
            return null;   // a ref local refers to storage elsewhere, which a buffer cannot stand for

        if (variable is ILocalSymbol)
        {
            // An initializer of null (`IEnumerable<T> xs = null;`, set on every path below it) has nothing to buffer.
            // Nor does a query held as a sequence (`IEnumerable<Order> all = orders;`), which is never materialized (MAGG002's
            // page), whichever diagnostic asks: CA1851 reports it as a sequence.
            if (declaration is not VariableDeclaratorSyntax { Initializer: { } initializer, Parent.Parent: LocalDeclarationStatementSyntax statement }
                || IsMaterialized(initializer.Value)
                || model.GetConstantValue(initializer.Value, cancellationToken) is { HasValue: true, Value: null }
                // (An initializer with no type of its own, `flag ? names.Where(...) : uris.Where(...)`, takes the local's:
                // the buffer's call on it would have none to take.)
                || model.GetTypeInfo(initializer.Value, cancellationToken).Type is not { } initialType || AggregateCall.IsQueryable(initialType))
            {
                return null;
            }

            // Outside a block (a switch section, a top-level statement) the buffer can only be the initializer: only where
            // the next statement reads it, or the code between (`jobs.Add(5)`) would run after the list was taken.
            var reads = StatementsAfter(statement).SelectMany(next => ReadingReferences(next, variable, model, cancellationToken)).ToList();
            var buffered = ReadsOfTheBufferedValue(reads, variable, statement.Parent!, model, cancellationToken);
            if ((statement.Parent is not BlockSyntax && !IsReadRightAfter(statement, reads, model, cancellationToken)) || ReadsOnlyAFew(buffered) || StreamsToTheCaller(buffered, OperatorOn))
                return null;

            // Outside a block, a `var` local of anonymous elements assigned again can be buffered neither in its initializer
            // (the list would be its type) nor by a statement after it.
            if (statement.Parent is not BlockSyntax && statement.Declaration.Type.IsVar
                && HasUnwritableElements(enumerable)
                && IsAssignedAgain(variable, statement.Declaration, model, cancellationToken))
            {
                return null;
            }
            // Where the buffer is made: the declaration, unless it moves to where the reads begin (see BufferedLater: none in
            // a function, which may run anywhere). No code may run between there and the first read.
            var later = statement.Parent is BlockSyntax enclosing ? LaterSite(enclosing, statement, reads) : null;
            if (!ReadsAsTheCodeDid(later?.Statements ?? StatementsAfter(statement), statement.Parent!, later?.Start ?? statement.Span.End, variable, reads, model, cancellationToken)
                || UsesTheObjectItself(statement.Parent!, variable, later?.Start ?? statement.Span.End, model, cancellationToken))
            {
                return null;
            }

            return new MaterializePlan(variable, method, hasLinq, initializer, null, false);
        }

        // A parameter: reassign it before its first read, so every read sees the buffer.
        if (variable is not IParameterSymbol { RefKind: RefKind.None, ContainingSymbol: IMethodSymbol owner }
            || declaration?.Parent?.Parent is not { } function)
        {
            return null;
        }

        var body = (SyntaxNode?)Body(function) ?? ExpressionBody(function);
        if (body is null || (body is BlockSyntax block && block.Statements.FirstOrDefault() is ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax first }
                                                       && first.Left is IdentifierNameSyntax target && target.Identifier.ValueText == variable.Name
                                                       && !IsLinkOfItself(target, variable, model, cancellationToken)))
        {
            return null;
        }

        // `: base(xs.Count())` reads it before any statement of the body could buffer it.
        if (function is ConstructorDeclarationSyntax { Initializer: { } chained } && ReadingReferences(chained, variable, model, cancellationToken).Count > 0)
            return null;

        var uses = ReadingReferences(body, variable, model, cancellationToken);
        var bufferedUses = ReadsOfTheBufferedValue(uses, variable, body, model, cancellationToken);
        if (ReadsOnlyAFew(bufferedUses) || StreamsToTheCaller(bufferedUses, OperatorOn)
            || (uses.Count > 0 && UsesTheObjectItself(body, variable, uses.Min(static use => use.SpanStart), model, cancellationToken)))
        {
            return null;
        }

        // As for a local, no code may run between the buffer (before a statement, or first in an expression body) and the
        // first read.
        var site = WhereToBuffer(function, uses);
        if ((site is null && !Syntax.CanMakeBlockBody(function))
            || !ReadsAsTheCodeDid((IEnumerable<SyntaxNode>?)site?.Statements ?? [body], body, site?.Start ?? body.SpanStart, variable, uses, model, cancellationToken))
        {
            return null;
        }

        return new MaterializePlan(variable, method, hasLinq, null, function, Syntax.ReturnsAValue(owner));
    }

    private static bool IsMaterialized(ExpressionSyntax value) =>
        value is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ToList" or "ToArray" } };

    /// <summary>Before the statement at <paramref name="Index"/> of <paramref name="Block"/> (or at its end).</summary>
    private readonly record struct BufferSite(BlockSyntax Block, int Index)
    {
        /// <summary>Where the buffer is made: the names in scope there are the ones it can use.</summary>
        public int Start => Index < Block.Statements.Count ? Block.Statements[Index].SpanStart : Block.CloseBraceToken.SpanStart;

        /// <summary>The statements the buffer goes before, and those after them in the block.</summary>
        public IEnumerable<StatementSyntax> Statements => Block.Statements.Skip(Index);
    }

    private sealed record MaterializePlan(ISymbol Variable, string Method, bool HasLinq, EqualsValueClauseSyntax? Initializer, SyntaxNode? Function, bool ReturnsValue);
}
