using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;
using Microsoft.CodeAnalysis.Text;

namespace MultiAgg.CodeFixes;

/// <summary>
/// "Materialize once": buffers the sequence where it comes from, so every later enumeration
/// reads the buffer: a local's initializer gets <c>.ToList()</c>; a parameter is replaced by its
/// buffered copy at the top of the body (<c>xs = xs.ToList();</c>). <c>ToArray()</c> is used when the code
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
        if (plan.Initializer is { } initializer)
        {
            var value = initializer.Value;
            var receiver = value is InvocationExpressionSyntax or MemberAccessExpressionSyntax or IdentifierNameSyntax or ElementAccessExpressionSyntax
                ? value.WithoutTrivia()
                : SyntaxFactory.ParenthesizedExpression(value.WithoutTrivia());
            var materialized = SyntaxFactory.InvocationExpression(
                    SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, receiver, SyntaxFactory.IdentifierName(plan.Method)))
                .WithTriviaFrom(value);
            newRoot = root.ReplaceNode(value, materialized);
        }
        else
        {
            var name = SyntaxFactory.IdentifierName(plan.Variable.Name);
            var statement = SyntaxFactory.ParseStatement($"{name} = {name}.{plan.Method}();")
                .WithTrailingTrivia(Syntax.EndOfLine(root))
                .WithAdditionalAnnotations(Formatter.Annotation);
            newRoot = root.ReplaceNode(plan.Function!, WithFirstStatement(plan.Function!, statement, plan.ReturnsValue));
        }

        if (!plan.HasLinq && newRoot is CompilationUnitSyntax unit)
            newRoot = Syntax.AddUsing(unit, "System.Linq");

        return await FormatAsync(document.WithSyntaxRoot(newRoot), cancellationToken).ConfigureAwait(false);
    }

    private static async Task<Document> FormatAsync(Document changed, CancellationToken cancellationToken)
    {
        changed = await Simplifier.ReduceAsync(changed, Simplifier.Annotation, cancellationToken: cancellationToken).ConfigureAwait(false);
        return await Formatter.FormatAsync(changed, Formatter.Annotation, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Puts <paramref name="statement"/> first in the function's body, turning an expression body into a block.</summary>
    private static SyntaxNode WithFirstStatement(SyntaxNode function, StatementSyntax statement, bool returnsValue)
    {
        switch (function)
        {
            case BaseMethodDeclarationSyntax { Body: { } body } method:
                return method.WithBody(Prepend(body));
            case LocalFunctionStatementSyntax { Body: { } body } local:
                return local.WithBody(Prepend(body));
            case BaseMethodDeclarationSyntax { ExpressionBody: { } arrow } method:
                return method.WithExpressionBody(null).WithSemicolonToken(default).WithBody(Block(arrow));
            case LocalFunctionStatementSyntax { ExpressionBody: { } arrow } local:
                return local.WithExpressionBody(null).WithSemicolonToken(default).WithBody(Block(arrow));
            default:
                return function;
        }

        BlockSyntax Prepend(BlockSyntax body) => body.WithStatements(body.Statements.Insert(
            0,
            body.Statements.Count > 0 ? statement.WithLeadingTrivia(body.Statements[0].GetLeadingTrivia()) : statement));

        BlockSyntax Block(ArrowExpressionClauseSyntax arrow)
        {
            StatementSyntax rest = returnsValue ? SyntaxFactory.ReturnStatement(arrow.Expression) : SyntaxFactory.ExpressionStatement(arrow.Expression);
            return SyntaxFactory.Block(statement, rest).WithAdditionalAnnotations(Formatter.Annotation);
        }
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

        if (variable is ILocalSymbol)
        {
            return declaration is VariableDeclaratorSyntax { Initializer: { } initializer }
                   && !IsMaterialized(initializer.Value)
                ? new MaterializePlan(variable, method, hasLinq, initializer, null, false)
                : null;
        }

        // A parameter: reassign it first thing, so the whole body sees the buffer.
        if (variable is not IParameterSymbol { RefKind: RefKind.None, ContainingSymbol: IMethodSymbol owner }
            || declaration?.Parent?.Parent is not { } function)
        {
            return null;
        }

        var body = function switch
        {
            BaseMethodDeclarationSyntax m => (SyntaxNode?)m.Body ?? m.ExpressionBody,
            LocalFunctionStatementSyntax f => (SyntaxNode?)f.Body ?? f.ExpressionBody,
            _ => null,
        };
        if (body is null || (body is BlockSyntax block && block.Statements.FirstOrDefault() is ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax first }
                                                       && first.Left is IdentifierNameSyntax target && target.Identifier.ValueText == variable.Name))
        {
            return null;
        }

        var returnsValue = !owner.ReturnsVoid && !(owner.IsAsync && owner.ReturnType is INamedTypeSymbol { IsGenericType: false });
        return new MaterializePlan(variable, method, hasLinq, null, function, returnsValue);
    }

    private static bool IsMaterialized(ExpressionSyntax value) =>
        value is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ToList" or "ToArray" } };

    private sealed record MaterializePlan(ISymbol Variable, string Method, bool HasLinq, EqualsValueClauseSyntax? Initializer, SyntaxNode? Function, bool ReturnsValue);
}
