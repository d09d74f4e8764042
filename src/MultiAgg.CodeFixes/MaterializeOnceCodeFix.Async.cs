using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;

namespace MultiAgg.CodeFixes;

/// <summary>
/// "Materialize once" for an <c>IAsyncEnumerable&lt;T&gt;</c>: the sequence is awaited into a
/// <c>List&lt;T&gt;</c> where it comes from (<c>await ....ToListAsync(token)</c>, with the
/// cancellation token the code uses or has as a parameter), and every use becomes its synchronous
/// form so that it still compiles: <c>await foreach</c> becomes <c>foreach</c>,
/// <c>await xs.CountAsync()</c> becomes <c>xs.Count</c>, other awaited <c>System.Linq.AsyncEnumerable</c>
/// calls their <c>Enumerable</c> counterparts. A use it cannot rewrite (the sequence passed on, an
/// async delegate, a call not awaited where it is made) and the fix is not offered.
/// </summary>
internal static partial class MaterializeOnceCodeFix
{
    private static AsyncMaterializePlan? AsyncPlan(SyntaxNode root, SemanticModel model, TextSpan span, CancellationToken cancellationToken)
    {
        if (SequenceReference.Find(root, model, span, cancellationToken) is not var (_, variable)
            || SequenceReference.TypeOf(variable) is not INamedTypeSymbol
            {
                Name: "IAsyncEnumerable", Arity: 1,
                ContainingNamespace: { Name: "Generic", ContainingNamespace: { Name: "Collections", ContainingNamespace.Name: "System" } },
            }
            || variable.ContainingSymbol is not IMethodSymbol { IsAsync: true } owner
            || owner.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken) is not { } function
            || variable.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken) is not { } declaration)
        {
            return null;
        }

        // Where the buffer is made: the local's declaration, or for a parameter where WhereToBuffer says.
        LocalDeclarationStatementSyntax? local = null;
        switch (declaration)
        {
            // `var` takes the list's type, which must be the declared sequence's elements: an `IAsyncEnumerable<object>`
            // holding a query of strings would become a List<string>, on which overloads and `==` bind otherwise.
            case VariableDeclaratorSyntax { Initializer: { } initializer, Parent: VariableDeclarationSyntax { Variables.Count: 1, Parent: LocalDeclarationStatementSyntax statement } }
                when statement.UsingKeyword.IsKind(SyntaxKind.None) && statement.AwaitKeyword.IsKind(SyntaxKind.None) && variable is ILocalSymbol { IsRef: false }
                    && (statement.Declaration.Type.IsVar || SymbolEqualityComparer.IncludeNullability.Equals(model.GetTypeInfo(initializer.Value, cancellationToken).Type, SequenceReference.TypeOf(variable))):
                local = statement;
                break;
            case ParameterSyntax when variable is IParameterSymbol { RefKind: RefKind.None } && function is BaseMethodDeclarationSyntax or LocalFunctionStatementSyntax:
                break;
            default:
                return null;
        }

        var uses = new List<AsyncUse>();
        foreach (var identifier in function.DescendantNodes().OfType<IdentifierNameSyntax>())
        {
            if (identifier.Identifier.ValueText != variable.Name
                || !SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(identifier, cancellationToken).Symbol, variable))
            {
                continue;
            }

            if (AsyncUse.Of(identifier, variable, model, cancellationToken) is not { } use)
                return null;
            uses.Add(use);
        }

        // A local is buffered at its declaration, where its type changes: only where the next statement reads it first
        // (see IsReadRightAfter), or what runs between (a try's catch, a branch that never reads it) would see the change.
        if (local is not null && !IsReadRightAfter(local, uses.Select(static u => u.Node), model, cancellationToken))
            return null;

        // An endless source read only a few elements at a time has no end to buffer up to.
        if (uses.All(static u => u.SyncName is { } name ? TakesAFew(name, u.HasArguments) : u.Node is CommonForEachStatementSyntax loop && MayStopEarly(loop)) || StreamsToTheCaller(uses.ConvertAll(static u => u.Node), node => uses.Find(u => u.Node == node)?.SyncName))
            return null;

        var method = uses.Any(static u => u.SyncName is "ElementAt" or "ElementAtOrDefault") ? "ToArrayAsync" : "ToListAsync";

        // A parameter is buffered where a synchronous one is (WhereToBuffer).
        var site = local is null ? WhereToBuffer(function, uses.Select(static u => u.Node).ToList()) : null;
        if (local is null && site is null && !Syntax.CanMakeBlockBody(function))
            return null;

        // Where the buffer is made: the names there are what its token may use.
        var position = local?.SpanStart ?? site?.Start ?? ExpressionBody(function)?.Expression.SpanStart ?? function.SpanStart;
        if (Token(uses, owner, model, position) is not { } token)
            return null;

        // As for a synchronous sequence, every path must read first (`await Fill(channel) + await xs.CountAsync()` over the
        // channel's reader would wait forever for the buffer).
        IEnumerable<SyntaxNode> from = local is not null ? StatementsAfter(local)
            : site is { } at ? at.Statements
            : ExpressionBody(function) is { } arrow ? [arrow] : [];
        if (!ReadsAsTheCodeDid(from, local?.Parent ?? function, local?.Span.End ?? position, variable, uses.Select(static u => u.Node), model, cancellationToken))
            return null;
        var name = local is null
            ? Names.Unique(Names.Camel(variable.Name) + (method == "ToArrayAsync" ? "Array" : "List"), Names.UsedIn(function, model, position))
            : Names.Escape(variable.Name);
        var count = method == "ToArrayAsync" ? "Length" : "Count";

        // An await the code configured (`await foreach (var x in xs.ConfigureAwait(false))`) stays configured, when it is
        // the first: the buffer's await takes its place, and what runs between it and a later configured one stays on
        // the caller's context (a UI thread's, say).
        // The first use in the text is the first on every path where nothing chooses whether it runs; else, where another use
        // that may come first is configured otherwise, no one buffer's await is configured as the code was.
        var firstUse = uses.OrderBy(static u => u.Node.SpanStart).First().Node;
        var configuresFalse = ConfiguresAwaitFalse(firstUse);
        if (!RunsWithoutAChoice(firstUse, local?.Parent ?? site?.Block ?? function) && uses.Any(u => ConfiguresAwaitFalse(u.Node) != configuresFalse))
            return null;
        var configureAwait = configuresFalse ? ".ConfigureAwait(false)" : "";

        var replaced = uses.ToDictionary(static u => u.Node, static u => u);
        var nodes = uses.Select(static u => u.Node).Append(local ?? (SyntaxNode?)site?.Block ?? function);
        var newRoot = root.ReplaceNodes(nodes, (original, rewritten) =>
        {
            if (replaced.TryGetValue(original, out var use))
                return use.Rewrite(rewritten, name, count);
            var buffered = $"await {Receiver(local is null ? SyntaxFactory.IdentifierName(Names.Escape(variable.Name)) : local.Declaration.Variables[0].Initializer!.Value)}.{method}({token}){configureAwait}";
            if (local is not null)
            {
                var statement = (LocalDeclarationStatementSyntax)rewritten;
                var declarator = statement.Declaration.Variables[0];
                var type = statement.Declaration.Type;
                return statement.WithDeclaration(statement.Declaration
                    .WithType(type.IsVar ? type : SyntaxFactory.IdentifierName("var").WithTriviaFrom(type))
                    .WithVariables(SyntaxFactory.SingletonSeparatedList(declarator.WithInitializer(declarator.Initializer!.WithValue(
                        SyntaxFactory.ParseExpression(buffered).WithTriviaFrom(declarator.Initializer.Value))))));
            }

            var first = SyntaxFactory.ParseStatement($"var {name} = {buffered};")
                .WithTrailingTrivia(Syntax.EndOfLine(root))
                .WithAdditionalAnnotations(Formatter.Annotation);
            return site is { } buffer
                ? Inserted((BlockSyntax)rewritten, first, buffer.Index)
                : Syntax.WithBlockBody(rewritten, Syntax.ReturnsAValue(owner), first);
        });

        if (!model.LookupSymbols(position, SequenceReference.TypeOf(variable), method, includeReducedExtensionMethods: true).Any() && newRoot is CompilationUnitSyntax unit)
            newRoot = Syntax.AddUsing(unit, "System.Linq");

        // The rewritten uses must still compile (a sync counterpart may not exist or may not fit), and leave no async
        // function whose only awaits they were without one (`async Task<int> Total() => await xs.SumAsync();` would warn
        // CS1998, an error where warnings are).
        var (before, after) = (Problems(model, cancellationToken), Problems(ModelOf(model, newRoot), cancellationToken));
        if (after.Errors > before.Errors || after.AwaitlessAsync > before.AwaitlessAsync)
            return null;

        return new AsyncMaterializePlan(method, newRoot);
    }

    private static ExpressionSyntax Receiver(ExpressionSyntax value) =>
        value is InvocationExpressionSyntax or MemberAccessExpressionSyntax or IdentifierNameSyntax or ElementAccessExpressionSyntax
            ? value.WithoutTrivia()
            : SyntaxFactory.ParenthesizedExpression(value.WithoutTrivia());

    /// <summary>
    /// The token to buffer with: the one the uses pass, when they agree and it can be written where the buffer is made
    /// (a local or parameter in scope there, a member of one, a field, <c>CancellationToken.None</c>, <c>default</c>);
    /// when no use passes one, the enclosing method's <c>CancellationToken</c> parameter, else none. Null when the uses
    /// pass tokens that no one token stands for: the fix is not offered rather than cancel with another token.
    /// </summary>
    private static string? Token(List<AsyncUse> uses, IMethodSymbol owner, SemanticModel model, int position)
    {
        var passed = uses.SelectMany(static u => u.Tokens).ToList();
        if (passed.Count > 0)
        {
            return passed.All(t => SyntaxFactory.AreEquivalent(t, passed[0])) && IsWritableAt(passed[0], model, position)
                ? passed[0].WithoutTrivia().ToString()
                : null;
        }

        return owner.Parameters.FirstOrDefault(static p => AggregateCall.IsCancellationToken(p.Type)) is { } parameter
            ? Names.Escape(parameter.Name)
            : "";
    }

    /// <summary>Whether a token expression means the same written at <paramref name="position"/>: names declared there, then member accesses.</summary>
    private static bool IsWritableAt(ExpressionSyntax token, SemanticModel model, int position)
    {
        var leftmost = token;
        while (leftmost is MemberAccessExpressionSyntax access)
            leftmost = access.Expression;

        switch (leftmost)
        {
            case LiteralExpressionSyntax or DefaultExpressionSyntax or PredefinedTypeSyntax or ThisExpressionSyntax:
                return true;
            case IdentifierNameSyntax identifier:
                var symbol = model.GetSymbolInfo(identifier).Symbol;
                if (symbol is IParameterSymbol or ILocalSymbol)
                {
                    return model.LookupSymbols(position, name: identifier.Identifier.ValueText).Contains(symbol, SymbolEqualityComparer.Default)
                        && symbol.DeclaringSyntaxReferences.All(r => r.Span.End <= position || symbol is IParameterSymbol);
                }

                return symbol is IFieldSymbol or IPropertySymbol or INamedTypeSymbol or INamespaceSymbol;
            default:
                return false;
        }
    }

    private sealed record AsyncMaterializePlan(string Method, SyntaxNode NewRoot);

    /// <summary>
    /// Whether a use's own await is <c>ConfigureAwait(false)</c>: an awaited call's (<c>await xs.CountAsync().ConfigureAwait(false)</c>),
    /// or a loop's, anywhere in the chain it reads the sequence through (<c>xs.ConfigureAwait(false).WithCancellation(token)</c>).
    /// </summary>
    private static bool ConfiguresAwaitFalse(SyntaxNode use)
    {
        if (use is AwaitExpressionSyntax awaited)
            return IsConfigureAwaitFalse(awaited.Expression);

        for (var chain = (use as CommonForEachStatementSyntax)?.Expression; chain is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access }; chain = access.Expression)
        {
            if (IsConfigureAwaitFalse(chain))
                return true;
        }

        return false;

        static bool IsConfigureAwaitFalse(ExpressionSyntax expression) =>
            expression is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ConfigureAwait" }, ArgumentList.Arguments: { Count: 1 } arguments }
            && arguments[0].Expression.IsKind(SyntaxKind.FalseLiteralExpression);
    }

    /// <summary>One use of the async sequence and how it reads the buffer instead.</summary>
    private sealed class AsyncUse
    {
        private AsyncUse(SyntaxNode node, string? syncName, ArgumentListSyntax? arguments, List<ExpressionSyntax> tokens)
        {
            Node = node;
            SyncName = syncName;
            Arguments = arguments;
            Tokens = tokens;
        }

        /// <summary>The node rewritten: an <c>await foreach</c>, or an awaited call.</summary>
        public SyntaxNode Node { get; }

        /// <summary>The Enumerable method that replaces the async call; null for a foreach.</summary>
        public string? SyncName { get; }

        /// <summary>
        /// The arguments the Enumerable method is given: the async call's, less its token, with their comments; null for a
        /// foreach.
        /// </summary>
        public ArgumentListSyntax? Arguments { get; }

        /// <summary>Whether the Enumerable method is given any argument.</summary>
        public bool HasArguments => Arguments is { Arguments.Count: > 0 };

        /// <summary>The cancellation tokens the use passed (they are dropped: the buffer is read synchronously).</summary>
        public List<ExpressionSyntax> Tokens { get; }

        public SyntaxNode Rewrite(SyntaxNode rewritten, string buffer, string count)
        {
            if (rewritten is CommonForEachStatementSyntax loop)
            {
                return loop
                    .WithAwaitKeyword(default)
                    .WithForEachKeyword(loop.ForEachKeyword.WithLeadingTrivia(loop.AwaitKeyword.LeadingTrivia))
                    .WithExpression(SyntaxFactory.IdentifierName(buffer).WithTriviaFrom(loop.Expression));
            }

            var read = SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, SyntaxFactory.IdentifierName(buffer),
                SyntaxFactory.IdentifierName(SyncName == "Count" && !HasArguments ? count : SyncName!));
            return (SyncName == "Count" && !HasArguments ? read : (ExpressionSyntax)SyntaxFactory.InvocationExpression(read, Arguments!)).WithTriviaFrom(rewritten);
        }

        public static AsyncUse? Of(IdentifierNameSyntax reference, ISymbol variable, SemanticModel model, CancellationToken cancellationToken)
        {
            // await foreach (var x in xs), optionally xs.WithCancellation(token).ConfigureAwait(false).
            var tokens = new List<ExpressionSyntax>();
            ExpressionSyntax node = reference;
            while (node.Parent is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "WithCancellation" or "ConfigureAwait" } member
                   && member.Expression == node && member.Parent is InvocationExpressionSyntax { ArgumentList.Arguments.Count: 1 } configured)
            {
                if (member.Name.Identifier.ValueText == "WithCancellation")
                    tokens.Add(configured.ArgumentList.Arguments[0].Expression);
                node = configured;
            }

            if (node.Parent is CommonForEachStatementSyntax loop && loop.Expression == node && !loop.AwaitKeyword.IsKind(SyntaxKind.None))
                return new AsyncUse(loop, null, null, tokens);

            // await xs.CountAsync(...), optionally .ConfigureAwait(...).
            if (reference.Parent is not MemberAccessExpressionSyntax { Parent: InvocationExpressionSyntax invocation } call
                || call.Expression != reference
                || !call.Name.Identifier.ValueText.EndsWith("Async", System.StringComparison.Ordinal)
                || model.GetOperation(invocation, cancellationToken) is not IInvocationOperation operation
                || operation.TargetMethod.ContainingType is not { Name: "AsyncEnumerable" } linq || !AggregateCall.IsSystemLinq(linq)
                || operation.TargetMethod.Parameters.Any(static p => p.Type is INamedTypeSymbol { Name: "Func", TypeArguments: { Length: > 0 } arguments } && arguments[arguments.Length - 1] is { Name: "ValueTask" or "Task" }))
            {
                return null;
            }

            ExpressionSyntax awaited = invocation;
            if (invocation.Parent is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ConfigureAwait", Parent: InvocationExpressionSyntax configuredCall })
                awaited = configuredCall;
            if (awaited.Parent is not AwaitExpressionSyntax await)
                return null;

            var dropped = new List<ArgumentSyntax>();
            foreach (var argument in operation.Arguments.Skip(1))
            {
                if (argument.ArgumentKind == ArgumentKind.DefaultValue || argument.Syntax is not ArgumentSyntax syntax)
                    continue;
                if (AggregateCall.IsCancellationToken(argument.Parameter?.Type))
                {
                    tokens.Add(syntax.Expression);
                    dropped.Add(syntax);
                }
                else if (syntax.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>().Any(id => id.Identifier.ValueText == variable.Name))
                {
                    return null;
                }
            }

            // The comments around the token's argument (and its comma) stay where they were; where there are none, so does
            // the spacing of what is left.
            var name = call.Name.Identifier.ValueText;
            var commented = invocation.ArgumentList.DescendantTrivia().Any(static t => t.IsKind(SyntaxKind.SingleLineCommentTrivia) || t.IsKind(SyntaxKind.MultiLineCommentTrivia));
            var arguments = invocation.ArgumentList.RemoveNodes(dropped, commented ? SyntaxRemoveOptions.KeepExteriorTrivia : SyntaxRemoveOptions.KeepNoTrivia)!;
            return new AsyncUse(await, name.Substring(0, name.Length - "Async".Length), arguments, tokens);
        }
    }
}
