using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace MultiAgg.CodeFixes;

/// <summary>Names for what the fixes add: readable, and unique where they are declared.</summary>
internal static class Names
{
    /// <summary><c>Total</c> of <c>total</c> or <c>_total</c>; <c>Value1</c> of <c>_1</c>, which no identifier may start as.</summary>
    public static string Pascal(string name)
    {
        name = name.TrimStart('@', '_');
        return name.Length == 0 ? name : char.IsDigit(name[0]) ? "Value" + name : char.ToUpperInvariant(name[0]) + name.Substring(1);
    }

    /// <summary><c>total</c> of <c>Total</c> or <c>_total</c>; <c>value1</c> of <c>_1</c>.</summary>
    public static string Camel(string name)
    {
        name = name.TrimStart('@', '_');
        return name.Length == 0 ? name : char.IsDigit(name[0]) ? "value" + name : char.ToLowerInvariant(name[0]) + name.Substring(1);
    }

    /// <summary><c>Total</c>, <c>TotalAndCount</c>, <c>TotalCountAndLargest</c>.</summary>
    public static string Join(IReadOnlyList<string> words) =>
        words.Count <= 1 ? string.Concat(words) : string.Concat(words.Take(words.Count - 1)) + "And" + words[words.Count - 1];

    /// <summary>A name that already reads as a yes/no question: <c>IsPaid</c>, <c>HasLines</c>, <c>CanShip</c>.</summary>
    public static bool IsQuestion(string name) =>
        StartsWithWord(name, "Is") || StartsWithWord(name, "Has") || StartsWithWord(name, "Can") || StartsWithWord(name, "Matches");

    private static bool StartsWithWord(string name, string word) =>
        name.StartsWith(word, System.StringComparison.Ordinal) && (name.Length == word.Length || char.IsUpper(name[word.Length]) || char.IsDigit(name[word.Length]));

    /// <summary>An identifier as source text: <c>@class</c> for a keyword.</summary>
    public static string Escape(string name) => SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;

    /// <summary>A parameter declaration, <c>IEnumerable&lt;Order&gt; orders</c>, with the type as the file can name it.</summary>
    public static string Declare(ITypeSymbol type, string name, SemanticModel model, int position) =>
        type.ToMinimalDisplayString(model, position) + " " + Escape(name);

    /// <summary><paramref name="wanted"/>, or <paramref name="wanted"/> with the smallest number suffix, that <paramref name="taken"/> does not hold; then takes it.</summary>
    public static string Unique(string wanted, ISet<string> taken)
    {
        if (SyntaxFacts.GetKeywordKind(wanted) != SyntaxKind.None || SyntaxFacts.GetContextualKeywordKind(wanted) is SyntaxKind.VarKeyword)
            wanted = "@" + wanted;
        var name = wanted;
        for (var i = 2; !taken.Add(name); i++)
            name = wanted + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return name;
    }

    /// <summary>Every name declared or referenced in <paramref name="scope"/>: new locals must not shadow or collide with any.</summary>
    public static HashSet<string> UsedIn(SyntaxNode scope, SemanticModel model, int position)
    {
        var names = new HashSet<string>(model.LookupSymbols(position).Select(static s => s.Name));
        foreach (var token in scope.DescendantTokens())
        {
            if (token.IsKind(SyntaxKind.IdentifierToken))
                names.Add(token.ValueText);
        }

        return names;
    }

    /// <summary>
    /// A method name that says what a selector or predicate computes, read off its body:
    /// <c>o =&gt; o.Price * o.Quantity</c> is <c>PriceTimesQuantity</c>, <c>o =&gt; o.Total &gt; 100</c>
    /// is <c>TotalAbove100</c>. Null when the body does not read as a short name.
    /// </summary>
    public static string? Describe(ExpressionSyntax expression, string parameter)
    {
        var builder = new StringBuilder();
        return Append(expression, parameter, builder) && builder.Length is > 0 and <= 48 ? builder.ToString() : null;
    }

    private static bool Append(ExpressionSyntax expression, string parameter, StringBuilder builder)
    {
        switch (expression)
        {
            case ParenthesizedExpressionSyntax parenthesized:
                return Append(parenthesized.Expression, parameter, builder);
            case CastExpressionSyntax cast:
                return Append(cast.Expression, parameter, builder);
            case IdentifierNameSyntax identifier:
                if (identifier.Identifier.ValueText != parameter)
                    builder.Append(Pascal(identifier.Identifier.ValueText));
                return true;
            case MemberAccessExpressionSyntax member:
                return Append(member.Expression, parameter, builder) && builder.Append(Pascal(member.Name.Identifier.ValueText)) is not null;
            case InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax or IdentifierNameSyntax } invocation when invocation.ArgumentList.Arguments.Count == 0:
                return Append(invocation.Expression, parameter, builder);
            case LiteralExpressionSyntax literal:
                var text = literal.Kind() switch
                {
                    SyntaxKind.NumericLiteralExpression => NumberWord(literal.Token.Text),
                    SyntaxKind.TrueLiteralExpression => "True",
                    SyntaxKind.FalseLiteralExpression => "False",
                    SyntaxKind.NullLiteralExpression => "Null",
                    _ => null,
                };
                return text is not null && builder.Append(text) is not null;
            case PrefixUnaryExpressionSyntax unary when unary.IsKind(SyntaxKind.LogicalNotExpression):
                builder.Append("Not");
                return Append(unary.Operand, parameter, builder);
            case PrefixUnaryExpressionSyntax unary when unary.IsKind(SyntaxKind.UnaryMinusExpression):
                builder.Append("Minus");
                return Append(unary.Operand, parameter, builder);
            case BinaryExpressionSyntax binary when Word(binary.Kind()) is { } word:
                return Append(binary.Left, parameter, builder)
                       && builder.Append(word) is not null
                       && Append(binary.Right, parameter, builder);
            default:
                return false;
        }
    }

    /// <summary>
    /// A number as part of a name: <c>2.0</c> is <c>2</c> and <c>0.5</c> (or <c>.5</c>) is <c>0_5</c> (not <c>20</c> and
    /// <c>05</c>), <c>100m</c> is <c>100</c> (a suffix only says the type), <c>1_000</c> is <c>1000</c>; hexadecimal and binary
    /// keep their digits. Null for an exponent (<c>1e-3</c>), which no word says shortly.
    /// </summary>
    private static string? NumberWord(string literal)
    {
        var text = literal.Replace("_", "");
        var radix = text.Length > 1 && text[0] == '0' && text[1] is 'x' or 'X' or 'b' or 'B';
        if (!radix)
        {
            if (text.IndexOfAny(new[] { 'e', 'E' }) >= 0)
                return null;
            text = text.TrimEnd('u', 'U', 'l', 'L', 'f', 'F', 'd', 'D', 'm', 'M');
            if (text.IndexOf('.') >= 0)
                text = ("0" + text).TrimEnd('0').TrimEnd('.').TrimStart('0');
            if (text.Length == 0 || text[0] == '.')
                text = "0" + text;
        }

        return new string(text.Select(static c => c == '.' ? '_' : c).Where(static c => char.IsLetterOrDigit(c) || c == '_').ToArray());
    }

    private static string? Word(SyntaxKind kind) => kind switch
    {
        SyntaxKind.MultiplyExpression => "Times",
        SyntaxKind.AddExpression => "Plus",
        SyntaxKind.SubtractExpression => "Minus",
        SyntaxKind.DivideExpression => "Over",
        SyntaxKind.ModuloExpression => "Mod",
        SyntaxKind.GreaterThanExpression => "Above",
        SyntaxKind.GreaterThanOrEqualExpression => "AtLeast",
        SyntaxKind.LessThanExpression => "Below",
        SyntaxKind.LessThanOrEqualExpression => "AtMost",
        SyntaxKind.EqualsExpression => "Is",
        SyntaxKind.NotEqualsExpression => "IsNot",
        SyntaxKind.LogicalAndExpression => "And",
        SyntaxKind.LogicalOrExpression => "Or",
        _ => null,
    };
}
