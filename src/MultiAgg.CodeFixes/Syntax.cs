using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;

namespace MultiAgg.CodeFixes;

/// <summary>Small syntax edits the fixes share.</summary>
internal static class Syntax
{
    /// <summary>
    /// <paramref name="expression"/> without the parentheses and <c>!</c> around it (<c>(xs)!</c> is <c>xs</c>), and
    /// whether a <c>!</c> was among them.
    /// </summary>
    public static ExpressionSyntax Unwrapped(ExpressionSyntax expression, out bool suppressed)
    {
        suppressed = false;
        while (expression is ParenthesizedExpressionSyntax or PostfixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.SuppressNullableWarningExpression })
        {
            suppressed |= expression is PostfixUnaryExpressionSyntax;
            expression = expression is ParenthesizedExpressionSyntax parenthesized ? parenthesized.Expression : ((PostfixUnaryExpressionSyntax)expression).Operand;
        }

        return expression;
    }

    /// <summary>
    /// The innermost <c>checked</c> or <c>unchecked</c> block or expression <paramref name="node"/> is written in, in its
    /// member (<c>"checked"</c> or <c>"unchecked"</c>); null where the project's context holds.
    /// </summary>
    public static string? OverflowContext(SyntaxNode node)
    {
        foreach (var ancestor in node.Ancestors())
        {
            switch (ancestor)
            {
                case CheckedExpressionSyntax expression:
                    return expression.Keyword.ValueText;
                case CheckedStatementSyntax statement:
                    return statement.Keyword.ValueText;
                case MemberDeclarationSyntax:
                    return null;
            }
        }

        return null;
    }

    /// <summary><paramref name="expression"/> with the parentheses and <c>!</c> around it: what its parent uses (<c>(xs)!</c> of <c>xs</c>).</summary>
    public static ExpressionSyntax Wrapped(ExpressionSyntax expression)
    {
        while (expression.Parent is ParenthesizedExpressionSyntax or PostfixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.SuppressNullableWarningExpression })
            expression = (ExpressionSyntax)expression.Parent;
        return expression;
    }

    /// <summary>
    /// Whether <see cref="WithBlockBody"/> keeps all of <paramref name="function"/>'s expression body: it has one, and no
    /// directive (<c>#if</c>, <c>#pragma</c>, <c>#region</c>) sits after its arrow, before its expression or before its
    /// <c>;</c>, which the block would drop or leave half outside (an <c>#if</c> before the expression has its
    /// <c>#endif</c> after the member).
    /// </summary>
    public static bool CanMakeBlockBody(SyntaxNode function)
    {
        var (arrow, semicolon) = function switch
        {
            BaseMethodDeclarationSyntax method => (method.ExpressionBody, method.SemicolonToken),
            LocalFunctionStatementSyntax local => (local.ExpressionBody, local.SemicolonToken),
            _ => (null, default),
        };
        return arrow is not null
            && !arrow.ArrowToken.TrailingTrivia.Concat(arrow.Expression.GetLeadingTrivia()).Concat(semicolon.LeadingTrivia).Any(static t => t.IsDirective);
    }

    /// <summary>
    /// Whether a block body of <paramref name="method"/> gives back its expression body's value with <c>return</c>: it
    /// returns a value, and, async, a task with a result (<c>Task&lt;T&gt;</c>, not <c>Task</c> or <c>ValueTask</c>).
    /// </summary>
    public static bool ReturnsAValue(IMethodSymbol method) =>
        !method.ReturnsVoid && !(method.IsAsync && method.ReturnType is INamedTypeSymbol { Arity: 0 });

    /// <summary>
    /// <paramref name="function"/> (a method, constructor, operator or local function) with its expression body made a
    /// block (see <see cref="CanMakeBlockBody"/>): <paramref name="before"/>, then the expression as a return (when <paramref name="returnsValue"/>), a throw
    /// or an expression statement. Any other function is returned as it is.
    /// </summary>
    public static SyntaxNode WithBlockBody(SyntaxNode function, bool returnsValue, params StatementSyntax[] before)
    {
        switch (function)
        {
            case BaseMethodDeclarationSyntax { ExpressionBody: { } arrow } method:
                return method.WithExpressionBody(null).WithSemicolonToken(default).WithBody(Block(arrow, method.SemicolonToken));
            case LocalFunctionStatementSyntax { ExpressionBody: { } arrow } local:
                return local.WithExpressionBody(null).WithSemicolonToken(default).WithBody(Block(arrow, local.SemicolonToken));
            default:
                return function;
        }

        // The expression's statement ends with the body's own `;`, and keeps the comment after it; a comment after the
        // arrow (`=> // the spread`) or before the expression goes above it. A throw expression
        // (`=> throw new ArgumentException($"{xs.Count()} ... {xs.Sum()}")`) becomes a throw statement: it has no value to return.
        BlockSyntax Block(ArrowExpressionClauseSyntax arrow, SyntaxToken semicolon)
        {
            var end = semicolon.WithLeadingTrivia(SyntaxFactory.TriviaList());
            var expression = arrow.Expression.WithoutLeadingTrivia();
            StatementSyntax rest = expression switch
            {
                ThrowExpressionSyntax thrown => SyntaxFactory.ThrowStatement(thrown.ThrowKeyword, thrown.Expression, end),
                var value when returnsValue => SyntaxFactory.ReturnStatement(value).WithSemicolonToken(end),
                var value => SyntaxFactory.ExpressionStatement(value).WithSemicolonToken(end),
            };
            var endOfLine = EndOfLine(function);
            var comments = arrow.ArrowToken.TrailingTrivia.Concat(arrow.Expression.GetLeadingTrivia())
                .Where(static t => t.IsKind(SyntaxKind.SingleLineCommentTrivia) || t.IsKind(SyntaxKind.MultiLineCommentTrivia))
                .SelectMany(comment => new[] { comment, endOfLine });
            return SyntaxFactory.Block(before.Append(rest.WithLeadingTrivia(comments))).WithAdditionalAnnotations(Formatter.Annotation);
        }
    }

    /// <summary>A new line as the document writes them (CRLF or LF), elastic so the formatter may adjust it.</summary>
    public static SyntaxTrivia EndOfLine(SyntaxNode root)
    {
        foreach (var trivia in root.DescendantTrivia())
        {
            if (trivia.IsKind(SyntaxKind.EndOfLineTrivia))
                return SyntaxFactory.ElasticEndOfLine(trivia.ToString());
        }

        return SyntaxFactory.ElasticEndOfLine("\n");
    }

    /// <summary>The indentation a statement's leading trivia ends with: its last whitespace, or nothing.</summary>
    public static SyntaxTriviaList Indentation(SyntaxTriviaList leading) =>
        leading.Count > 0 && leading[leading.Count - 1].IsKind(SyntaxKind.WhitespaceTrivia) ? SyntaxFactory.TriviaList(leading[leading.Count - 1]) : default;

    /// <summary>
    /// A statement's leading trivia split where a statement inserted ahead of it goes: the latest place outside every
    /// conditional region the trivia opens or closes. After an <c>#endif</c> that closes a region the code above is in
    /// (the new statement must not fall into it), before an <c>#if</c> that opens one the statement is in (the new
    /// statement must not depend on it), nested ones included. The comments after the split stay with their statement.
    /// </summary>
    public static (SyntaxTriviaList Above, SyntaxTriviaList Own) SplitAfterClosedRegions(SyntaxTriviaList leading)
    {
        // The depth of #if nesting, relative to where the trivia begins: the split is the start, or after the last #endif
        // that leaves the least depth.
        var (depth, least, split) = (0, 0, 0);
        for (var i = 0; i < leading.Count; i++)
        {
            if (leading[i].IsKind(SyntaxKind.IfDirectiveTrivia))
            {
                depth++;
            }
            else if (leading[i].IsKind(SyntaxKind.EndIfDirectiveTrivia) && --depth <= least)
            {
                (least, split) = (depth, i + 1);
            }
        }

        return (SyntaxFactory.TriviaList(leading.Take(split)), SyntaxFactory.TriviaList(leading.Skip(split)));
    }

    /// <summary>
    /// Adds <c>partial</c> as the last modifier, right before <c>class</c>, <c>struct</c> or <c>record</c> as C# wants it: the
    /// keyword's leading trivia (indentation, comments, an <c>#endif</c> closing a region of modifiers) moves to it, so it
    /// is in every build.
    /// </summary>
    public static TypeDeclarationSyntax MakePartial(TypeDeclarationSyntax type)
    {
        if (type.Modifiers.Any(SyntaxKind.PartialKeyword))
            return type;

        var partial = SyntaxFactory.Token(type.Keyword.LeadingTrivia, SyntaxKind.PartialKeyword, SyntaxFactory.TriviaList(SyntaxFactory.Space));
        return type
            .WithKeyword(type.Keyword.WithLeadingTrivia())
            .WithModifiers(type.Modifiers.Add(partial));
    }

    /// <summary>
    /// Adds <c>using <paramref name="name"/>;</c> in sorted position, System first, after any global using, unless present:
    /// at the top of the file, or inside its one namespace where the file keeps its usings there (StyleCop's SA1200
    /// default), since a using of its own at the top would break that style.
    /// </summary>
    public static CompilationUnitSyntax AddUsing(CompilationUnitSyntax unit, string name)
    {
        if (!unit.Usings.Any(static u => !u.GlobalKeyword.IsKind(SyntaxKind.GlobalKeyword))
            && unit.Members.Count == 1
            && unit.Members[0] is BaseNamespaceDeclarationSyntax { Usings.Count: > 0 } ns)
        {
            return Has(unit.Usings, name) || Has(ns.Usings, name) ? unit : unit.ReplaceNode(ns, ns.WithUsings(Inserted(ns.Usings, Directive(unit, name), name)));
        }

        if (Has(unit.Usings, name))
            return unit;

        var directive = Directive(unit, name);
        if (unit.Usings.Count == 0)
        {
            // The first using of the file: it goes below the file's leading comments, followed
            // by a blank line.
            var endOfLine = EndOfLine(unit);
            directive = directive
                .WithLeadingTrivia(unit.GetLeadingTrivia())
                .WithTrailingTrivia(endOfLine, endOfLine);
            unit = unit.WithoutLeadingTrivia();
        }

        return unit.WithUsings(Inserted(unit.Usings, directive, name));
    }

    private static bool Has(SyntaxList<UsingDirectiveSyntax> usings, string name) =>
        usings.Any(u => u.Alias is null && u.StaticKeyword.IsKind(SyntaxKind.None) && u.Name?.ToString() == name);

    private static UsingDirectiveSyntax Directive(CompilationUnitSyntax unit, string name) =>
        SyntaxFactory.UsingDirective(SyntaxFactory.ParseName(name))
            .WithTrailingTrivia(EndOfLine(unit))
            .WithAdditionalAnnotations(Formatter.Annotation);

    /// <summary><paramref name="usings"/> with <paramref name="directive"/> in sorted position, after the global usings.</summary>
    private static SyntaxList<UsingDirectiveSyntax> Inserted(SyntaxList<UsingDirectiveSyntax> usings, UsingDirectiveSyntax directive, string name)
    {
        // After the global usings, which must come before every other (CS8915).
        var index = 0;
        while (index < usings.Count && usings[index].GlobalKeyword.IsKind(SyntaxKind.GlobalKeyword))
        {
            index++;
        }

        while (index < usings.Count
               && usings[index].Alias is null
               && usings[index].StaticKeyword.IsKind(SyntaxKind.None)
               && Compare(usings[index].Name?.ToString() ?? "", name) < 0)
        {
            index++;
        }

        if (index == 0 && usings.Count > 0)
        {
            // Keep the leading trivia (a header comment) ahead of the new first using.
            directive = directive.WithLeadingTrivia(usings[0].GetLeadingTrivia());
            usings = usings.Replace(usings[0], usings[0].WithLeadingTrivia());
        }

        return usings.Insert(index, directive);
    }

    private static int Compare(string left, string right)
    {
        var leftSystem = left == "System" || left.StartsWith("System.", StringComparison.Ordinal);
        var rightSystem = right == "System" || right.StartsWith("System.", StringComparison.Ordinal);
        return leftSystem != rightSystem ? (leftSystem ? -1 : 1) : string.CompareOrdinal(left, right);
    }
}
