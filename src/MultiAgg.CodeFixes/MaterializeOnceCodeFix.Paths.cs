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
    /// <item>every path from there reads it (where the read runs: <see cref="RunPointSearch"/>) before any code runs
    /// (<see cref="RunsCode"/>: <c>Enqueue(queue, 5) + pending.Count()</c>, <c>if (verbose) Log(pending.Count()); else
    /// jobs.Add(job);</c>, since on the second path the job is added before the read), before the variable is given
    /// another value (<c>if (blocked) ids = Other();</c>) and before the code leaves (<c>flag ? xs.Sum() + xs.Max() :
    /// 0</c>, a <c>return</c> before the reads): there the buffer would read what the code never did, a query run for
    /// nothing or an endless source never done. A loop, or a lambda given to LINQ, whose first run reads counts as a
    /// read: a buffer before a loop is the fix's design, though the loop may not run at all;</item>
    /// <item>no read in a <c>try</c> block or a <c>catch</c> is buffered outside that <c>try</c>, where the enumeration's
    /// exception would no longer meet its <c>catch</c> or <c>finally</c>; nor one in a <c>lock</c> outside it, where the
    /// enumeration would no longer run under the lock.</item>
    /// </list>
    /// </summary>
    private static bool ReadsAsTheCodeDid(IEnumerable<SyntaxNode> from, SyntaxNode scope, int bufferAt, ISymbol variable, IEnumerable<SyntaxNode> reads, SemanticModel model, CancellationToken cancellationToken)
    {
        // Each place a read runs, with the first read there (a function's first use decides whether it reads or replaces).
        var points = new Dictionary<SyntaxNode, SyntaxNode>();
        var all = reads.ToList();
        var search = new RunPointSearch(scope, model, cancellationToken);
        try
        {
            foreach (var read in all)
            {
                foreach (var point in search.Of(read))
                {
                    if (!points.TryGetValue(point, out var first) || read.SpanStart < first.SpanStart)
                        points[point] = read;
                }
            }

            return !search.GaveUp
                && !all.Concat(points.Keys).Any(node => LeavesATryOrLock(node, bufferAt))
                && new PathWalk(variable, points, scope, model, cancellationToken).Sequence(from) == PathWalk.Outcome.Read;
        }
        catch (System.InsufficientExecutionStackException)
        {
            return false;   // code nested deeper than the walk can follow: not offered
        }
    }

    /// <summary>
    /// Whether <paramref name="node"/> runs whenever the code of <paramref name="scope"/> around it does: in no branch of
    /// an <c>if</c>, a <c>switch</c>, <c>?:</c>, <c>&amp;&amp;</c>, <c>||</c>, <c>??</c> or <c>?.</c>, a loop's body (a
    /// <c>do</c>'s first run aside), a <c>catch</c> or <c>finally</c>, or a function.
    /// </summary>
    private static bool RunsWithoutAChoice(SyntaxNode node, SyntaxNode scope)
    {
        for (var (inner, outer) = (node, node.Parent); outer is not null && outer != scope; (inner, outer) = (outer, outer.Parent))
        {
            var chosen = outer switch
            {
                IfStatementSyntax test => inner != test.Condition,
                ConditionalExpressionSyntax choice => inner != choice.Condition,
                BinaryExpressionSyntax { RawKind: (int)SyntaxKind.LogicalAndExpression or (int)SyntaxKind.LogicalOrExpression or (int)SyntaxKind.CoalesceExpression } binary => inner == binary.Right,
                AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.CoalesceAssignmentExpression } assignment => inner == assignment.Right,
                ConditionalAccessExpressionSyntax access => inner == access.WhenNotNull,
                SwitchStatementSyntax @switch => inner != @switch.Expression,
                SwitchExpressionSyntax @switch => inner != @switch.GoverningExpression,
                WhileStatementSyntax loop => inner == loop.Statement,
                ForStatementSyntax loop => inner == loop.Statement || loop.Incrementors.Contains(inner),
                CommonForEachStatementSyntax loop => inner == loop.Statement,
                CatchClauseSyntax or FinallyClauseSyntax or AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax => true,
                _ => false,
            };
            if (chosen)
                return false;
        }

        return true;
    }

    /// <summary>
    /// Whether <paramref name="point"/> is in a <c>try</c> block or a <c>catch</c> of a <c>try</c> statement, or in the body
    /// of a <c>lock</c>, that <paramref name="bufferAt"/> is not inside (a buffer made at the statement's start goes
    /// before it).
    /// </summary>
    private static bool LeavesATryOrLock(SyntaxNode point, int bufferAt) =>
        point.Ancestors().Any(ancestor => (bufferAt <= ancestor.SpanStart || bufferAt >= ancestor.Span.End) && ancestor switch
        {
            TryStatementSyntax attempt => attempt.Block.Span.Contains(point.Span) || attempt.Catches.Any(handler => handler.Span.Contains(point.Span)),
            LockStatementSyntax guarded => guarded.Statement.Span.Contains(point.Span),
            _ => false,
        });

    /// <summary>
    /// Where reads in <paramref name="scope"/> may run. Outside a function, the read itself. A function's body runs where
    /// it is called: a local function's where it is named (a call, or a delegate made of it); a lambda's kept in a local,
    /// where that local is named; one given to a method that runs it during the call (<see cref="RunsWhileCalled"/>),
    /// where it is given. A function handed anywhere else (<c>Register(() =&gt; pending.Max())</c>, <c>Register(top)</c>, a
    /// field, a return) may run at any later time: nowhere here, so that where every read is one, no path reads first and
    /// the fix is not offered. A name inside another function runs where that one does. What LINQ's lazy operators or a
    /// query expression are given (<c>var ready = jobs.Where(j =&gt; !blocked.Contains(j))</c>, <c>from j in jobs where
    /// !blocked.Contains(j) select j</c>) runs where the local declared with their sequence is named after it, where an
    /// operator that reads reads it, and nowhere here where the sequence is returned, yielded or assigned (a local assigned
    /// it may hold it on some paths only), nor through a local written again (<c>if (flag) ready = queue;</c>).
    /// </summary>
    /// <remarks>
    /// The places a name leads to are found once per name. A name met again while its own are still being found (functions
    /// that call each other) adds nothing there, the outermost call being where the ring runs; what was found while a name
    /// around it was still open depends on it, and is found again rather than kept.
    /// </remarks>
    private sealed class RunPointSearch(SyntaxNode scope, SemanticModel model, CancellationToken cancellationToken)
    {
        private readonly Dictionary<ISymbol, IReadOnlyList<SyntaxNode>> _found = new(SymbolEqualityComparer.Default);

        /// <summary>The names whose places are being found, each with how many were open before it.</summary>
        private readonly Dictionary<ISymbol, int> _open = new(SymbolEqualityComparer.Default);

        /// <summary>The outermost open name met again since the innermost open one was opened.</summary>
        private int _outermostMet = int.MaxValue;

        /// <summary>How many more names may be followed: a ring of functions that all call each other is followed down every path.</summary>
        private int _budget = 10_000;

        /// <summary>Whether the search stopped short (<see cref="_budget"/>): the places found are not all there are.</summary>
        public bool GaveUp { get; private set; }

        public IReadOnlyList<SyntaxNode> Of(SyntaxNode read, bool namesALazySequence = false)
        {
            System.Runtime.CompilerServices.RuntimeHelpers.EnsureSufficientExecutionStack();
            if (read.Ancestors().TakeWhile(node => node != scope).Any(function => ReadsLaterThanCalled(function, read)))
                return [];

            // What runs: the outermost function or query around the read, or the read itself.
            var runs = read.Ancestors().TakeWhile(node => node != scope)
                .LastOrDefault(static node => node is LocalFunctionStatementSyntax or AnonymousFunctionExpressionSyntax or QueryExpressionSyntax) ?? read;
            var sequence = LazySequenceOf(runs, model, cancellationToken) ?? (namesALazySequence && runs == read ? read as ExpressionSyntax : null);
            var namedBy = sequence is not null
                ? (sequence.Parent is EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax keeps } ? model.GetDeclaredSymbol(keeps, cancellationToken) as ILocalSymbol : null)
                : runs switch
                {
                    LocalFunctionStatementSyntax local => model.GetDeclaredSymbol(local, cancellationToken),
                    AnonymousFunctionExpressionSyntax { Parent: EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax kept } } => model.GetDeclaredSymbol(kept, cancellationToken),
                    _ => null,
                };

            if (namedBy is null && (sequence is not null ? IsHandedOn(sequence) : IsFunctionValue(runs, model, cancellationToken) && !CalledOrGivenToLinq(runs, model, cancellationToken)))
                return [];

            if (namedBy is null)
                return [(SyntaxNode?)sequence ?? runs];

            if (_found.TryGetValue(namedBy, out var found))
                return found;

            if (--_budget < 0)
            {
                GaveUp = true;
                return [];
            }

            if (_open.TryGetValue(namedBy, out var openAt))
            {
                _outermostMet = System.Math.Min(_outermostMet, openAt);
                return [];
            }

            var at = _open.Count;
            var outermostBefore = _outermostMet;
            (_open[namedBy], _outermostMet) = (at, int.MaxValue);
            var names = scope.DescendantNodes().OfType<IdentifierNameSyntax>()
                .Where(name => name.Identifier.ValueText == namedBy.Name && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(name, cancellationToken).Symbol, namedBy))
                .ToList();
            var lazy = sequence is not null;
            found = names.Any(IsWritten)
                ? []
                : names.Where(name => !(sequence ?? runs).Span.Contains(name.Span) && (!lazy || name.SpanStart > sequence!.Span.End))
                    .SelectMany(name => Of(name, namesALazySequence: lazy))
                    .ToList();
            _open.Remove(namedBy);
            if (_outermostMet >= at)
            {
                _found[namedBy] = found;
                _outermostMet = outermostBefore;
            }
            else
            {
                _outermostMet = System.Math.Min(outermostBefore, _outermostMet);
            }

            return found;
        }

        /// <summary>
        /// Whether <paramref name="function"/>, called, makes <paramref name="read"/> at some later time rather than during
        /// the call: an iterator runs its body as its result is read; an async function runs on from its first await when
        /// that completes, so a read after an await in it, or in a loop with an await in it (whose next pass comes after
        /// that), is made then. (Where such a function's result is read at once, its reads are missed, and the code around
        /// the call decides.)
        /// </summary>
        private static bool ReadsLaterThanCalled(SyntaxNode function, SyntaxNode read)
        {
            var (isAsync, body) = function switch
            {
                LocalFunctionStatementSyntax local => (local.Modifiers.Any(SyntaxKind.AsyncKeyword), (SyntaxNode?)local.Body ?? local.ExpressionBody),
                AnonymousFunctionExpressionSyntax lambda => (!lambda.AsyncKeyword.IsKind(SyntaxKind.None), lambda.Body),
                _ => (false, null),
            };
            if (body is null)
                return false;
            if (function is LocalFunctionStatementSyntax && Own(body).Any(static node => node is YieldStatementSyntax))
                return true;

            return isAsync
                && (Own(body).Any(node => IsAwait(node) && AwaitsBefore(node, read))
                    || read.Ancestors().TakeWhile(node => node != body).Any(static node => node is ForStatementSyntax or CommonForEachStatementSyntax or WhileStatementSyntax or DoStatementSyntax
                        && Own(node).Any(IsAwait)));

            // What the function runs itself, not the functions inside it.
            static IEnumerable<SyntaxNode> Own(SyntaxNode node) =>
                node.DescendantNodesAndSelf(static inner => inner is not (LocalFunctionStatementSyntax or AnonymousFunctionExpressionSyntax));

            static bool IsAwait(SyntaxNode node) => node is AwaitExpressionSyntax
                or CommonForEachStatementSyntax { AwaitKeyword.RawKind: not (int)SyntaxKind.None }
                or UsingStatementSyntax { AwaitKeyword.RawKind: not (int)SyntaxKind.None }
                or LocalDeclarationStatementSyntax { AwaitKeyword.RawKind: not (int)SyntaxKind.None };

            // Whether an await comes before the read: one around it awaits what the read made; an await foreach awaits
            // before its body, an await using when the statement ends, an await using declaration when its block does.
            static bool AwaitsBefore(SyntaxNode point, SyntaxNode read) => point switch
            {
                CommonForEachStatementSyntax loop => loop.SpanStart < read.SpanStart && !loop.Expression.Span.Contains(read.Span),
                LocalDeclarationStatementSyntax { Parent: { } block } => block.Span.End <= read.SpanStart,
                _ => point.Span.End <= read.SpanStart,
            };
        }

        // Returned, yielded or assigned, even to a local (which may hold it on some paths only), or one arm of ?: or of a
        // switch (whose value may be another's on some paths): read elsewhere, if ever.
        private static bool IsHandedOn(SyntaxNode sequence) => sequence.Parent is ReturnStatementSyntax or YieldStatementSyntax or ArrowExpressionClauseSyntax or SwitchExpressionArmSyntax
            || (sequence.Parent is AssignmentExpressionSyntax assignment && assignment.Right == sequence)
            || (sequence.Parent is ConditionalExpressionSyntax conditional && conditional.Condition != sequence);

        // A write of the name (assigned, deconstructed into, passed out or ref): it may hold something else from there on.
        private static bool IsWritten(IdentifierNameSyntax name) =>
            name.Parent is ArgumentSyntax { RefKindKeyword.RawKind: (int)SyntaxKind.OutKeyword or (int)SyntaxKind.RefKeyword } || AssignmentTo(name) is not null;
    }

    /// <summary>A local, or a parameter passed by value: what only this method's code reads and writes.</summary>
    private static bool IsLocalValue(ISymbol symbol) => symbol is ILocalSymbol or IParameterSymbol { RefKind: RefKind.None };

    /// <summary>
    /// The sequence that reads <paramref name="node"/> only when it is itself read: the outermost of the LINQ lazy operators
    /// (<see cref="IsLazy"/>) that <paramref name="node"/> is the source or a function of, or a query expression; null where
    /// nothing lazy holds it.
    /// </summary>
    private static ExpressionSyntax? LazySequenceOf(SyntaxNode node, SemanticModel model, CancellationToken cancellationToken)
    {
        ExpressionSyntax? sequence = node as QueryExpressionSyntax;
        for (var current = node; ;)
        {
            var outer = current.Parent switch
            {
                ArgumentSyntax { Parent: ArgumentListSyntax { Parent: InvocationExpressionSyntax given } } => given,
                MemberAccessExpressionSyntax { Parent: InvocationExpressionSyntax onIt } member when member.Expression == current => onIt,
                // What only passes a lazy sequence on is that sequence (an arm of ?: or of a switch is one of several: see IsHandedOn).
                ParenthesizedExpressionSyntax or CastExpressionSyntax when sequence is not null => (ExpressionSyntax)current.Parent,
                _ => null,
            };
            if (outer is InvocationExpressionSyntax && (model.GetSymbolInfo(outer, cancellationToken).Symbol is not IMethodSymbol method || !IsLinq(method) || !IsLazy(method)))
                outer = null;
            if (outer is null)
                return sequence;
            (current, sequence) = (outer, outer);
        }
    }

    /// <summary>The assignment that writes <paramref name="name"/>: as its target, or as a part of a deconstruction's.</summary>
    private static AssignmentExpressionSyntax? AssignmentTo(SyntaxNode name)
    {
        var target = name;
        while (target.Parent is ArgumentSyntax { Parent: TupleExpressionSyntax tuple })
            target = tuple;
        return target.Parent is AssignmentExpressionSyntax assignment && assignment.Left == target ? assignment : null;
    }

    /// <summary>
    /// Whether <paramref name="value"/> names <paramref name="name"/>: a new value made from the old one (<c>xs.Where(...)</c>),
    /// not a member or tuple element of that name (<c>page.xs</c>, <c>page?.xs</c>).
    /// </summary>
    private static bool Mentions(ExpressionSyntax value, string name) =>
        value.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>().Any(id => id.Identifier.ValueText == name && !NamesAMember(id));

    private static bool NamesAMember(IdentifierNameSyntax id) => id.Parent switch
    {
        MemberAccessExpressionSyntax access => access.Name == id,
        MemberBindingExpressionSyntax or NameColonSyntax or NameEqualsSyntax => true,
        _ => false,
    };

    /// <summary>
    /// Whether a use gives the variable a value made without it (<c>xs = Other()</c>; <c>xs = xs.Where(...)</c> goes on
    /// reading the buffer): assigned, deconstructed into or passed <c>out</c> (in a function, where that runs: see
    /// <see cref="RunPointSearch"/>), and not where it is null (<c>if (xs == null) xs = [];</c>: the buffer of a null is null,
    /// and reads nothing).
    /// </summary>
    private static bool IsReplaced(SyntaxNode use)
    {
        if (use is not IdentifierNameSyntax { Identifier.ValueText: var name } || InANullTestOf(use, name))
            return false;

        if (use.Parent is ArgumentSyntax { RefKindKeyword.RawKind: (int)SyntaxKind.OutKeyword })
            return true;

        return AssignmentTo(use) is { RawKind: (int)SyntaxKind.SimpleAssignmentExpression } assignment && !Mentions(assignment.Right, name);

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
    /// is wherever the code tests for null, reads nothing either. So does a path that throws: the buffer's pass is all it
    /// adds. A loop that may read counts as reading, though it may run no time or leave before its read (a
    /// <c>continue</c>, a <c>break</c>, a <c>return</c>): a buffer before a loop is the point of the fix.
    /// </summary>
    private sealed class PathWalk(ISymbol variable, Dictionary<SyntaxNode, SyntaxNode> points, SyntaxNode scope, SemanticModel model, CancellationToken cancellationToken)
    {
        /// <summary>What the paths through some code do before they read the sequence: each path is one of these.</summary>
        [System.Flags]
        public enum Outcome
        {
            None = 0,

            /// <summary>It read the sequence before anything else.</summary>
            Read = 1,

            /// <summary>It goes on past the code without having read it, or done anything else.</summary>
            Unread = 2,

            /// <summary>It left a loop (<c>break</c>) without having read it, to go on after the loop.</summary>
            Left = 4,

            /// <summary>It left a loop's turn (<c>continue</c>) without having read it, to go on with the loop's test.</summary>
            Continued = 32,

            /// <summary>
            /// It left the method from inside a loop (<c>return</c>, <c>yield break</c>, <c>goto</c>) without having read it: as a
            /// loop that may run no time, accepted where the loop reads, spoiled where no loop around it does (see <see cref="Loop"/>).
            /// </summary>
            Exited = 8,

            /// <summary>It ran code, gave the variable another value, or left the scope, before it read the sequence.</summary>
            Spoiled = 16,
        }

        /// <summary>The loops and <c>switch</c> statements the walk is in, innermost on top: what a jump leaves.</summary>
        private readonly Stack<StatementSyntax> _breakable = new();

        /// <summary>The locals a function or query in scope reads: writing one changes what that code gives (see <see cref="Writes"/>).</summary>
        private HashSet<ISymbol>? _captured;

        public Outcome Sequence(IEnumerable<SyntaxNode?> nodes)
        {
            var outcome = Outcome.Unread;
            foreach (var node in nodes)
            {
                outcome = Then(outcome, () => Walk(node));
                if (!outcome.HasFlag(Outcome.Unread))
                    return outcome;
            }

            return outcome;
        }

        private Outcome Walk(SyntaxNode? node)
        {
            System.Runtime.CompilerServices.RuntimeHelpers.EnsureSufficientExecutionStack();
            if (node is null)
                return Outcome.Unread;
            if (points.TryGetValue(node, out var read))
                return IsReplaced(read) ? Outcome.Spoiled : Outcome.Read;

            switch (node)
            {
                case AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax:
                    return Outcome.Unread;   // runs where it is called, which is a run point of its reads
                case InvocationExpressionSyntax call when Operands(call).FirstOrDefault(points.ContainsKey) is { } given:
                    // A call enumerates what it is given once its receiver and arguments are evaluated: code in the
                    // others (`pending.Contains(Enqueue(queue, 5))`) runs before the read.
                    return Then(Sequence(Operands(call).Where(operand => operand != given)), () => Walk(given));
                case BaseObjectCreationExpressionSyntax { Initializer: not null } creation
                    when model.GetSymbolInfo(creation, cancellationToken).Symbol is IMethodSymbol { IsImplicitlyDeclared: false }:
                    // A constructor of the code's own runs once its arguments are evaluated, before the initializer's reads.
                    return Then(Walk(creation.ArgumentList), () => Outcome.Spoiled);
                case QueryExpressionSyntax query:
                    return Walk(query.FromClause.Expression);   // its clauses run as its sequence is read
                case IfStatementSyntax branch:
                {
                    var (whenTrue, whenFalse) = Test(branch.Condition);
                    return Then(whenTrue, () => Walk(branch.Statement)) | Then(whenFalse, () => Walk(branch.Else?.Statement));
                }

                case ConditionalExpressionSyntax conditional:
                {
                    var (whenTrue, whenFalse) = Test(conditional.Condition);
                    return Then(whenTrue, () => Walk(conditional.WhenTrue)) | Then(whenFalse, () => Walk(conditional.WhenFalse));
                }

                case BinaryExpressionSyntax { RawKind: (int)SyntaxKind.LogicalAndExpression or (int)SyntaxKind.LogicalOrExpression }:
                case PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.LogicalNotExpression }:
                {
                    var (whenTrue, whenFalse) = Test((ExpressionSyntax)node);
                    return whenTrue | whenFalse;
                }

                case SwitchExpressionSyntax switchExpression:
                    return Then(Walk(switchExpression.GoverningExpression),
                        () => switchExpression.Arms.Aggregate(Outcome.None, (outcome, arm) => outcome | Sequence([arm.WhenClause, arm.Expression])));
                case BinaryExpressionSyntax { RawKind: (int)SyntaxKind.CoalesceExpression } coalesce:
                    return Then(Walk(coalesce.Left), () => Walk(coalesce.Right) | Outcome.Unread);
                case AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.CoalesceAssignmentExpression } coalesce:
                    return Then(Walk(coalesce.Left), () => Walk(coalesce.Right) | Outcome.Unread);
                case AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression, Left: IdentifierNameSyntax { Identifier.ValueText: var name } } rebuilt
                    when points.ContainsKey(rebuilt.Left) && Mentions(rebuilt.Right, name):
                    // `pending = pending.Where(...)`: a new value made from the old reads it where that value is read.
                    return Walk(rebuilt.Right);
                case AssignmentExpressionSyntax assignment when !points.ContainsKey(assignment.Left):
                {
                    // The target's object and index, then the value, then the write: a setter runs last.
                    var target = assignment.Left switch
                    {
                        ElementAccessExpressionSyntax element => Sequence([element.Expression, element.ArgumentList]),
                        MemberAccessExpressionSyntax member => Walk(member.Expression),
                        _ => Outcome.Unread,
                    };
                    // A deconstruction may call a Deconstruct of the user's (a record's or a pair's only takes its parts), and
                    // give the variable another value: `(ids, n) = (Other(), 1)`.
                    var deconstructs = assignment.Left is TupleExpressionSyntax or DeclarationExpressionSyntax
                        && model.GetDeconstructionInfo(assignment).Method is { IsImplicitlyDeclared: false } deconstruct
                        && deconstruct.ContainingType is not { Name: "KeyValuePair", ContainingNamespace: { Name: "Generic", ContainingNamespace: { Name: "Collections", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } } };
                    var replaces = assignment.Left.DescendantNodes().Any(part => points.ContainsKey(part) && IsReplaced(part));
                    return Then(Then(target, () => Walk(assignment.Right)), () => deconstructs || replaces || Writes(assignment.Left) ? Outcome.Spoiled : Outcome.Unread);
                }

                case ConditionalAccessExpressionSyntax access:
                    return Then(Walk(access.Expression), () => Walk(access.WhenNotNull) | Outcome.Unread);
                case ThrowStatementSyntax or ThrowExpressionSyntax:
                    return Outcome.Read;
                case YieldStatementSyntax { RawKind: (int)SyntaxKind.YieldReturnStatement }:
                    // The caller's code runs before the iterator goes on.
                    return Then(Sequence(node.ChildNodes()), () => Outcome.Spoiled);
                case GotoStatementSyntax { RawKind: (int)SyntaxKind.GotoCaseStatement or (int)SyntaxKind.GotoDefaultStatement }:
                    // On into another section of its switch, whose own paths are walked where the walk holds the switch.
                    return _breakable.Contains(node.FirstAncestorOrSelf<SwitchStatementSyntax>()!) ? Outcome.None : Outcome.Spoiled;
                case ReturnStatementSyntax or YieldStatementSyntax or GotoStatementSyntax:
                    // A way out of the method before the read: inside a loop one more way the loop may not read.
                    return Then(Sequence(node.ChildNodes()), () => _breakable.Any(IsLoop) ? Outcome.Exited : Outcome.Spoiled);
                case BreakStatementSyntax:
                    return _breakable.Count == 0 ? Outcome.Spoiled : IsLoop(_breakable.Peek()) ? Outcome.Left : Outcome.Unread;
                case ContinueStatementSyntax:
                    return _breakable.Any(IsLoop) ? Outcome.Continued : Outcome.Spoiled;
                case CommonForEachStatementSyntax loop:
                    return Then(Walk(loop.Expression), () => Loop(Turn(loop, loop.Statement)));
                case WhileStatementSyntax loop:
                {
                    var (whenTrue, whenFalse) = Test(loop.Condition);
                    return Loop(Then(whenTrue, () => Turn(loop, loop.Statement)) | whenFalse);
                }

                case DoStatementSyntax loop:
                    return Loop(Then(Continued(Turn(loop, loop.Statement)), () => Walk(loop.Condition)));
                case ForStatementSyntax loop:
                    return Then(Sequence([loop.Declaration, .. loop.Initializers]), () =>
                    {
                        var (whenTrue, whenFalse) = loop.Condition is { } condition ? Test(condition) : (Outcome.Unread, Outcome.Unread);
                        return Loop(Then(whenTrue, () => Then(Continued(Turn(loop, loop.Statement)), () => Sequence(loop.Incrementors))) | whenFalse);
                    });
                case TryStatementSyntax attempt:
                    // What a catch does runs only after an exception, which nothing before a read throws.
                    return Then(Walk(attempt.Block), () => Walk(attempt.Finally?.Block));
                case SwitchStatementSyntax choice:
                {
                    // Without a default, no section may run.
                    var hasDefault = choice.Sections.Any(static s => s.Labels.Any(static l => l is DefaultSwitchLabelSyntax));
                    return Then(Walk(choice.Expression), () =>
                    {
                        _breakable.Push(choice);
                        try
                        {
                            return choice.Sections.Aggregate(hasDefault ? Outcome.None : Outcome.Unread,
                                (outcome, section) => outcome | Sequence([.. section.Labels, .. section.Statements]));
                        }
                        finally
                        {
                            _breakable.Pop();
                        }
                    });
                }

                default:
                {
                    // Its parts in order, then what it does itself.
                    var outcome = Sequence(node.ChildNodes());
                    return outcome.HasFlag(Outcome.Unread) && Runs(node) ? (outcome & ~Outcome.Unread) | Outcome.Spoiled : outcome;
                }
            }
        }

        /// <summary>
        /// What a condition does before it is known true, and before it is known false: <c>id &gt; 0 &amp;&amp;
        /// known.Contains(id)</c> has read where it is true. Where a test says the variable is null, that side counts as read.
        /// </summary>
        private (Outcome WhenTrue, Outcome WhenFalse) Test(ExpressionSyntax condition)
        {
            switch (condition)
            {
                case ParenthesizedExpressionSyntax parenthesized:
                    return Test(parenthesized.Expression);
                case PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.LogicalNotExpression } not:
                {
                    var (whenTrue, whenFalse) = Test(not.Operand);
                    return (whenFalse, whenTrue);
                }

                case BinaryExpressionSyntax { RawKind: (int)SyntaxKind.LogicalAndExpression } and:
                {
                    // True where both are; false where the left is, or the left is true and the right false.
                    var (leftTrue, leftFalse) = Test(and.Left);
                    var (rightTrue, rightFalse) = Test(and.Right);
                    return (Then(leftTrue, () => rightTrue), leftFalse | Then(leftTrue, () => rightFalse));
                }

                case BinaryExpressionSyntax { RawKind: (int)SyntaxKind.LogicalOrExpression } or:
                {
                    var (leftTrue, leftFalse) = Test(or.Left);
                    var (rightTrue, rightFalse) = Test(or.Right);
                    return (leftTrue | Then(leftFalse, () => rightTrue), Then(leftFalse, () => rightFalse));
                }

                default:
                {
                    var outcome = Walk(condition);
                    var isNull = outcome == Outcome.Unread ? NullWhen(condition) : null;
                    return (isNull == true ? Outcome.Read : outcome, isNull == false ? Outcome.Read : outcome);
                }
            }
        }

        /// <summary>A turn whose condition or incrementors run next: on its paths that went on to them too (a <c>continue</c>).</summary>
        private static Outcome Continued(Outcome turn) => turn.HasFlag(Outcome.Continued) ? (turn & ~Outcome.Continued) | Outcome.Unread : turn;

        private static bool IsLoop(StatementSyntax statement) => statement is not SwitchStatementSyntax;

        /// <summary>What a call evaluates before it runs: the expression it is called on, then its arguments.</summary>
        private static IEnumerable<ExpressionSyntax> Operands(InvocationExpressionSyntax call) =>
            (call.Expression is MemberAccessExpressionSyntax access ? [access.Expression] : System.Array.Empty<ExpressionSyntax>())
                .Concat(call.ArgumentList.Arguments.Select(static argument => argument.Expression));

        /// <summary>What runs next on the paths that have not read yet.</summary>
        private static Outcome Then(Outcome first, System.Func<Outcome> rest) =>
            first.HasFlag(Outcome.Unread) && !first.HasFlag(Outcome.Spoiled) ? (first & ~Outcome.Unread) | rest() : first;

        /// <summary>
        /// A loop, from its paths: read where any turn may read, though it may run no time or leave before its read; where
        /// none does, a way out of the method from inside it is still one (for a loop around it to accept, or not).
        /// </summary>
        private static Outcome Loop(Outcome paths) =>
            paths.HasFlag(Outcome.Spoiled) ? Outcome.Spoiled
            : paths.HasFlag(Outcome.Read) ? Outcome.Read
            : paths.HasFlag(Outcome.Exited) ? Outcome.Exited | Outcome.Unread
            : Outcome.Unread;

        /// <summary>One turn of a loop's body.</summary>
        private Outcome Turn(StatementSyntax loop, StatementSyntax body)
        {
            _breakable.Push(loop);
            try
            {
                return Walk(body);
            }
            finally
            {
                _breakable.Pop();
            }
        }

        /// <summary>Whether a node runs code that may change what the sequence gives (<see cref="RunsCode"/>), writes included.</summary>
        private bool Runs(SyntaxNode node) => node switch
        {
            // An array's element is no code; an indexer's getter is.
            ElementAccessExpressionSyntax access => model.GetSymbolInfo(access, cancellationToken).Symbol is IPropertySymbol,
            PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PreIncrementExpression or (int)SyntaxKind.PreDecrementExpression } step => Writes(step.Operand),
            PostfixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PostIncrementExpression or (int)SyntaxKind.PostDecrementExpression } step => Writes(step.Operand),
            AssignmentExpressionSyntax assignment => Writes(assignment.Left),
            _ => RunsCode(node, model, cancellationToken),
        };

        /// <summary>
        /// Whether writing <paramref name="target"/> may change what the sequence gives: anything but a local or a parameter
        /// (not <c>ref</c>), and one that a lambda, local function or query reads (<c>var big = nums.Where(n =&gt; n &gt; t);
        /// t = 20;</c>).
        /// </summary>
        private bool Writes(ExpressionSyntax target)
        {
            switch (target)
            {
                case DeclarationExpressionSyntax:
                    return false;   // new locals: `var (id, quantity) = pair`
                case TupleExpressionSyntax tuple:
                    return tuple.Arguments.Any(argument => Writes(argument.Expression));
            }

            if (model.GetSymbolInfo(target, cancellationToken).Symbol is IDiscardSymbol)
                return false;
            if (model.GetSymbolInfo(target, cancellationToken).Symbol is not { } local || !IsLocalValue(local))
                return true;

            // Read anywhere in the member (a local function beside a switch section's statements), or the file's top-level code.
            var member = scope.AncestorsAndSelf().FirstOrDefault(static node => node is MemberDeclarationSyntax and not GlobalStatementSyntax) ?? scope.SyntaxTree.GetRoot(cancellationToken);
            _captured ??= new HashSet<ISymbol>(
                member.DescendantNodes().Where(static node => node is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or QueryExpressionSyntax)
                    .SelectMany(static function => function.DescendantNodes().OfType<IdentifierNameSyntax>())
                    .Select(name => model.GetSymbolInfo(name, cancellationToken).Symbol)
                    .OfType<ISymbol>()
                    .Where(static symbol => symbol is ILocalSymbol or IParameterSymbol),
                SymbolEqualityComparer.Default);
            return _captured.Contains(local);
        }

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
    }
}
