using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace MultiAgg.CodeFixes;

/// <summary>
/// Whether a buffer reads the sequence as the code did: on every path from where it is made, the code's own first read
/// comes before anything that could change what the sequence gives, before the variable is given another value, and
/// before the code leaves, and no read moves out of a <c>try</c>.
/// </summary>
internal static partial class MaterializeOnceCodeFix
{
    /// <summary>
    /// Whether the buffer made at <paramref name="bufferAt"/>, before the statements (or the expression body)
    /// <paramref name="from"/> in <paramref name="scope"/>, reads the sequence as the code did:
    /// <list type="bullet">
    /// <item>every path from there reads it (where the read runs: <see cref="RunPoints"/>) before any code runs
    /// (<see cref="RunsCode"/>: <c>Enqueue(queue, 5) + pending.Count()</c>, <c>if (verbose) Log(pending.Count()); else
    /// jobs.Add(job);</c>, since on the second path the job is added before the read), before the variable is given
    /// another value (<c>if (blocked) ids = Other();</c>) and before the code leaves (<c>flag ? xs.Sum() + xs.Max() :
    /// 0</c>, a <c>return</c> before the reads): there the buffer would read what the code never did, a query run for
    /// nothing or an endless source never done. A loop, or a lambda given to LINQ, whose first run reads counts as a
    /// read: a buffer before a loop is the fix's design, though the loop may not run at all;</item>
    /// <item>no read in a <c>try</c> block or a <c>catch</c> is buffered outside that <c>try</c>, where the enumeration's
    /// exception would no longer meet its <c>catch</c> or <c>finally</c>.</item>
    /// </list>
    /// </summary>
    private static bool ReadsAsTheCodeDid(IEnumerable<SyntaxNode> from, SyntaxNode scope, int bufferAt, ISymbol variable, IEnumerable<SyntaxNode> reads, SemanticModel model, CancellationToken cancellationToken)
    {
        var points = new HashSet<SyntaxNode>(reads.SelectMany(read => RunPoints(read, scope, model, cancellationToken)));
        return !points.Any(point => LeavesATry(point, bufferAt))
            && new PathWalk(variable, points, model, cancellationToken).Sequence(from) == PathWalk.Outcome.Read;
    }

    /// <summary>
    /// Whether <paramref name="point"/> is in a <c>try</c> block or a <c>catch</c> of a <c>try</c> statement that
    /// <paramref name="bufferAt"/> is not inside (a buffer made at the statement's start goes before it).
    /// </summary>
    private static bool LeavesATry(SyntaxNode point, int bufferAt) =>
        point.Ancestors().OfType<TryStatementSyntax>().Any(attempt => (bufferAt <= attempt.SpanStart || bufferAt >= attempt.Span.End)
            && (attempt.Block.Span.Contains(point.Span) || attempt.Catches.Any(handler => handler.Span.Contains(point.Span))));

    /// <summary>
    /// Where a read in <paramref name="scope"/> may run. Outside a function, the read itself. A function's body runs where
    /// it is called: a local function's where it is named (a call, or a delegate made of it); a lambda's kept in a local,
    /// where that local is named; one given to LINQ's operators, where it is given. A function handed anywhere else
    /// (<c>Register(() =&gt; pending.Max())</c>, <c>Register(top)</c>, a field, a return) may run at any later time: nowhere
    /// here, so that where every read is one, no path reads first and the fix is not offered. A name inside another
    /// function runs where that one does. And what LINQ's lazy operators are given (<c>var ready = jobs.Where(j =&gt;
    /// !blocked.Contains(j))</c>, or <c>blocked.Where(...)</c>) runs where the local keeping their sequence is named.
    /// </summary>
    private static IEnumerable<SyntaxNode> RunPoints(SyntaxNode read, SyntaxNode scope, SemanticModel model, CancellationToken cancellationToken, int depth = 0)
    {
        // What runs: the outermost function around the read, or the read itself.
        var runs = read.Ancestors().TakeWhile(node => node != scope)
            .LastOrDefault(static node => node is LocalFunctionStatementSyntax or AnonymousFunctionExpressionSyntax) ?? read;
        var named = LazilyKeptIn(runs, model, cancellationToken) ?? runs switch
        {
            LocalFunctionStatementSyntax local => model.GetDeclaredSymbol(local, cancellationToken),
            AnonymousFunctionExpressionSyntax { Parent: EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax kept } } => model.GetDeclaredSymbol(kept, cancellationToken),
            _ => null,
        };

        if (named is null && IsFunctionValue(runs, model, cancellationToken) && !CalledOrGivenToLinq(runs, model, cancellationToken))
            return [];

        // Names that lead to each other in a ring: the outermost is where it runs.
        if (named is null || depth > 8)
            return [runs];

        return scope.DescendantNodes().OfType<IdentifierNameSyntax>()
            .Where(name => name.Identifier.ValueText == named.Name && !runs.Span.Contains(name.Span)
                && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(name, cancellationToken).Symbol, named))
            .SelectMany(name => RunPoints(name, scope, model, cancellationToken, depth + 1))
            .ToList();
    }

    /// <summary>
    /// Whether a use gives the variable a value made without it (<c>xs = Other()</c>; <c>xs = xs.Where(...)</c> goes on
    /// reading the buffer): assigned, deconstructed into or passed <c>out</c>, where it runs (not in a lambda, which runs
    /// where it is called), and not where it is null (<c>if (xs == null) xs = [];</c>: the buffer of a null is null, and
    /// reads nothing).
    /// </summary>
    private static bool IsReplaced(SyntaxNode use)
    {
        if (use is not IdentifierNameSyntax { Identifier.ValueText: var name } || InAFunction(use) || InANullTestOf(use, name))
            return false;

        if (use.Parent is ArgumentSyntax { RefKindKeyword.RawKind: (int)SyntaxKind.OutKeyword })
            return true;

        SyntaxNode target = use;
        while (target.Parent is ArgumentSyntax { Parent: TupleExpressionSyntax tuple })
            target = tuple;
        return target.Parent is AssignmentExpressionSyntax assignment && assignment.IsKind(SyntaxKind.SimpleAssignmentExpression) && assignment.Left == target
            && !assignment.Right.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>().Any(id => id.Identifier.ValueText == name);

        static bool InANullTestOf(SyntaxNode use, string name) =>
            use.Ancestors().OfType<IfStatementSyntax>().Any(statement => statement.Condition switch
            {
                BinaryExpressionSyntax { RawKind: (int)SyntaxKind.EqualsExpression } binary =>
                    (IsName(binary.Left, name) && binary.Right.IsKind(SyntaxKind.NullLiteralExpression))
                    || (IsName(binary.Right, name) && binary.Left.IsKind(SyntaxKind.NullLiteralExpression)),
                IsPatternExpressionSyntax { Pattern: ConstantPatternSyntax { Expression: var constant } } test =>
                    IsName(test.Expression, name) && constant.IsKind(SyntaxKind.NullLiteralExpression),
                _ => false,
            } && statement.Statement.Span.Contains(use.Span));

        static bool IsName(ExpressionSyntax expression, string name) => expression is IdentifierNameSyntax { Identifier.ValueText: var text } && text == name;
    }

    /// <summary>
    /// Follows the code's paths in the order it runs, from where the buffer would be made, to the first thing each does
    /// with the sequence: reads it (one of the run points), or first does something else (<see cref="Outcome"/>). A path
    /// on which the code's own test found the variable null counts as read: there the buffer, <c>xs?.ToList()</c> as it
    /// is wherever the code tests for null, reads nothing either.
    /// </summary>
    private sealed class PathWalk(ISymbol variable, HashSet<SyntaxNode> points, SemanticModel model, CancellationToken cancellationToken)
    {
        public enum Outcome
        {
            /// <summary>Every path through the code read the sequence before anything else.</summary>
            Read,

            /// <summary>Some paths go on past the code without having read it, and without anything else in between.</summary>
            Unread,

            /// <summary>A path ran code, gave the variable another value, or left, before it read the sequence.</summary>
            Spoiled,
        }

        /// <summary>How many loops and <c>switch</c> statements the walk is in: a <c>break</c> or <c>continue</c> there goes on.</summary>
        private int _breakable;

        public Outcome Sequence(IEnumerable<SyntaxNode?> nodes)
        {
            foreach (var node in nodes)
            {
                var outcome = Walk(node);
                if (outcome != Outcome.Unread)
                    return outcome;
            }

            return Outcome.Unread;
        }

        private Outcome Walk(SyntaxNode? node)
        {
            if (node is null)
                return Outcome.Unread;
            if (points.Contains(node))
                return IsReplaced(node) ? Outcome.Spoiled : Outcome.Read;

            switch (node)
            {
                case AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax:
                    return Outcome.Unread;   // runs where it is called, which is a run point of its reads
                case IfStatementSyntax branch:
                    return Then(Walk(branch.Condition), () => Branches(branch.Condition, branch.Statement, branch.Else?.Statement));
                case ConditionalExpressionSyntax conditional:
                    return Then(Walk(conditional.Condition), () => Branches(conditional.Condition, conditional.WhenTrue, conditional.WhenFalse));
                case SwitchExpressionSyntax switchExpression:
                    return Then(Walk(switchExpression.GoverningExpression), () => Either(switchExpression.Arms.Select(arm => Sequence([arm.WhenClause, arm.Expression]))));
                case BinaryExpressionSyntax { RawKind: (int)SyntaxKind.LogicalAndExpression or (int)SyntaxKind.LogicalOrExpression } shortCircuit:
                    // `xs != null && xs.Any()`: where the right is skipped, the variable is null.
                    return Then(Walk(shortCircuit.Left), () => NullWhen(shortCircuit.Left) == shortCircuit.IsKind(SyntaxKind.LogicalOrExpression)
                        ? Walk(shortCircuit.Right)
                        : Perhaps(Walk(shortCircuit.Right)));
                case BinaryExpressionSyntax { RawKind: (int)SyntaxKind.CoalesceExpression } coalesce:
                    return Then(Walk(coalesce.Left), () => Perhaps(Walk(coalesce.Right)));
                case AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.CoalesceAssignmentExpression } coalesce:
                    return Then(Walk(coalesce.Left), () => Perhaps(Walk(coalesce.Right)));
                case ConditionalAccessExpressionSyntax access:
                    return Then(Walk(access.Expression), () => Perhaps(Walk(access.WhenNotNull)));
                case ReturnStatementSyntax or ThrowStatementSyntax or YieldStatementSyntax or GotoStatementSyntax:
                    return Leaving(Sequence(node.ChildNodes()));
                case ThrowExpressionSyntax thrown:
                    return Leaving(Walk(thrown.Expression));
                case BreakStatementSyntax or ContinueStatementSyntax:
                    return _breakable > 0 ? Outcome.Unread : Outcome.Spoiled;
                case CommonForEachStatementSyntax loop:
                    return Then(Walk(loop.Expression), () => Breakable(() => Walk(loop.Statement)));
                case WhileStatementSyntax loop:
                    return Then(Walk(loop.Condition), () => Breakable(() => Walk(loop.Statement)));
                case DoStatementSyntax loop:
                    return Then(Breakable(() => Walk(loop.Statement)), () => Walk(loop.Condition));
                case ForStatementSyntax loop:
                    return Then(Sequence([loop.Declaration, .. loop.Initializers, loop.Condition]),
                        () => Then(Breakable(() => Walk(loop.Statement)), () => Sequence(loop.Incrementors)));
                case TryStatementSyntax attempt:
                    // What a catch does runs only after an exception, which nothing before a read throws.
                    return Then(Walk(attempt.Block), () => Walk(attempt.Finally?.Block));
                case SwitchStatementSyntax choice:
                {
                    // Without a default, no section may run.
                    var hasDefault = choice.Sections.Any(static s => s.Labels.Any(static l => l is DefaultSwitchLabelSyntax));
                    return Then(Walk(choice.Expression), () => Breakable(() => Either(choice.Sections
                        .Select(section => Sequence([.. section.Labels, .. section.Statements]))
                        .Concat(hasDefault ? [] : [Outcome.Unread]))));
                }
                default:
                    // Its parts in order, then what it does itself.
                    var outcome = Sequence(node.ChildNodes());
                    return outcome == Outcome.Unread && RunsCode(node, model, cancellationToken) ? Outcome.Spoiled : outcome;
            }
        }

        private static Outcome Then(Outcome first, System.Func<Outcome> rest) => first == Outcome.Unread ? rest() : first;

        /// <summary>The two branches of a test: where the test says the variable is null, that branch counts as read.</summary>
        private Outcome Branches(ExpressionSyntax condition, SyntaxNode whenTrue, SyntaxNode? whenFalse) => NullWhen(condition) switch
        {
            true => Either([Outcome.Read, Walk(whenFalse)]),
            false => Either([Walk(whenTrue), Outcome.Read]),
            null => Either([Walk(whenTrue), Walk(whenFalse)]),
        };

        /// <summary>
        /// Whether a condition is true exactly where the variable is null (<c>xs == null</c>, <c>xs is null</c>), false
        /// where it is exactly where it is not (<c>xs != null</c>, <c>xs is not null</c>, <c>xs is { }</c>), else null.
        /// </summary>
        private bool? NullWhen(ExpressionSyntax condition)
        {
            switch (condition)
            {
                case ParenthesizedExpressionSyntax parenthesized:
                    return NullWhen(parenthesized.Expression);
                case PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.LogicalNotExpression } not:
                    return !NullWhen(not.Operand);
                case BinaryExpressionSyntax { RawKind: (int)SyntaxKind.EqualsExpression or (int)SyntaxKind.NotEqualsExpression } comparison
                    when (IsVariable(comparison.Left) && comparison.Right.IsKind(SyntaxKind.NullLiteralExpression))
                        || (IsVariable(comparison.Right) && comparison.Left.IsKind(SyntaxKind.NullLiteralExpression)):
                    return comparison.IsKind(SyntaxKind.EqualsExpression);
                case IsPatternExpressionSyntax test when IsVariable(test.Expression):
                    return test.Pattern switch
                    {
                        ConstantPatternSyntax { Expression.RawKind: (int)SyntaxKind.NullLiteralExpression } => true,
                        UnaryPatternSyntax { Pattern: ConstantPatternSyntax { Expression.RawKind: (int)SyntaxKind.NullLiteralExpression } } => false,
                        RecursivePatternSyntax { Type: null, PositionalPatternClause: null, PropertyPatternClause.Subpatterns.Count: 0, Designation: null } => false,
                        _ => null,
                    };
                default:
                    return null;
            }
        }

        private bool IsVariable(ExpressionSyntax expression) =>
            expression is IdentifierNameSyntax name && name.Identifier.ValueText == variable.Name
            && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(name, cancellationToken).Symbol, variable);

        /// <summary>Paths of which one runs: read where all read, spoiled where any is.</summary>
        private static Outcome Either(IEnumerable<Outcome> paths)
        {
            var outcomes = paths.ToList();
            return outcomes.Contains(Outcome.Spoiled) ? Outcome.Spoiled
                : outcomes.All(static o => o == Outcome.Read) ? Outcome.Read
                : Outcome.Unread;
        }

        /// <summary>A part that may not run (the right of <c>&amp;&amp;</c>): where it reads, the path that skips it has not.</summary>
        private static Outcome Perhaps(Outcome outcome) => outcome == Outcome.Spoiled ? Outcome.Spoiled : Outcome.Unread;

        /// <summary>A jump out (<c>return</c>, <c>throw</c>, <c>yield</c>, <c>goto</c>): spoiled unless what it runs first read the sequence.</summary>
        private static Outcome Leaving(Outcome outcome) => outcome == Outcome.Read ? Outcome.Read : Outcome.Spoiled;

        private Outcome Breakable(System.Func<Outcome> walk)
        {
            _breakable++;
            try
            {
                return walk();
            }
            finally
            {
                _breakable--;
            }
        }
    }
}
