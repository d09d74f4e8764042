using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;

namespace MultiAgg.CodeFixes;

/// <summary>
/// What "Fuse into one pass/query" hands the new method: the sequence or query every fused call reads. Either a
/// variable (a local or parameter, where MAGG001, MAGG002 and CA1851 report), or an expression MAGG002 reports
/// because it is written out the same way in each call: a query read through members (<c>_db.Orders</c>,
/// <c>db.Set&lt;Order&gt;()</c>) or a query chain (<c>_db.Orders.Where(o =&gt; o.Open)</c>). The expression is then
/// evaluated once, where the fused call is, instead of once per call.
/// </summary>
internal sealed class FusedSource
{
    private FusedSource(ExpressionSyntax reference, ISymbol? variable, string name, ITypeSymbol type, IReadOnlyList<ISymbol> reads, IReadOnlyList<ISymbol>? dependsOn)
    {
        Reference = reference;
        Variable = variable;
        Name = name;
        Type = type;
        Reads = reads;
        DependsOn = dependsOn;
    }

    /// <summary>The source where the diagnostic is.</summary>
    public ExpressionSyntax Reference { get; }

    /// <summary>The variable, for a variable source.</summary>
    public ISymbol? Variable { get; }

    /// <summary>What to call it: the variable's name, or the member the expression reads (<c>Orders</c>).</summary>
    public string Name { get; }

    /// <summary>The type the new method's source parameter is declared with.</summary>
    public ITypeSymbol Type { get; }

    /// <summary>
    /// The locals and parameters the fused call reads where the run starts: the variable, or what the expression reads.
    /// They must be declared by then.
    /// </summary>
    public IReadOnlyList<ISymbol> Reads { get; }

    /// <summary>
    /// What the sequence's elements depend on: <see cref="Reads"/>, and for a variable what its lazy value reads each
    /// time it is enumerated. The fused calls must all see the same values, so none may be written within the run.
    /// Null when that cannot be told (the variable is given a value through an <c>out</c> or <c>ref</c> argument or a
    /// deconstruction): then the calls cannot be fused.
    /// </summary>
    public IReadOnlyList<ISymbol>? DependsOn { get; }

    /// <summary>The member the source is read in, whose code gives the variable its values.</summary>
    private MemberDeclarationSyntax? Member => Reference.Ancestors().OfType<MemberDeclarationSyntax>().FirstOrDefault();

    /// <summary>
    /// The functions a variable's lazy value runs on each element it gives: the arguments of the deferred LINQ operators
    /// its value is made of (<c>l =&gt; Parse(l[..19])</c> of <c>var stamps = lines.Select(...)</c>, a query expression's
    /// clauses too), down through the lazy locals it is built on; not those of a sequence made already
    /// (<c>xs.Select(...).ToList()</c>).
    /// </summary>
    public IEnumerable<IArgumentOperation> Functions(SemanticModel model, CancellationToken cancellationToken)
    {
        if (Variable is null || Member is not { } member)
            yield break;

        var seen = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        var pending = new Stack<ISymbol>();
        pending.Push(Variable);
        while (pending.Count > 0)
        {
            var symbol = pending.Pop();
            if (!seen.Add(symbol))
                continue;
            foreach (var value in ValuesOf(symbol, member, model, cancellationToken) ?? new List<SyntaxNode>())
            {
                for (var link = model.GetOperation(value, cancellationToken); link is not null;)
                {
                    switch (link)
                    {
                        case IConversionOperation conversion:
                            link = conversion.Operand;
                            continue;
                        case ITranslatedQueryOperation query:
                            link = query.Operation;
                            continue;
                        case IInvocationOperation { TargetMethod: { ContainingType: { Name: "Enumerable" } linq, ReturnType.TypeKind: TypeKind.Interface } } deferred
                            when deferred.Arguments.Length > 0 && AggregateCall.IsSystemLinq(linq):
                            foreach (var argument in deferred.Arguments)
                            {
                                if (argument.Parameter?.Type.TypeKind == TypeKind.Delegate)
                                    yield return argument;
                            }

                            link = deferred.Arguments[0].Value;
                            continue;
                        case ILocalReferenceOperation local:
                            pending.Push(local.Local);
                            break;
                        case IParameterReferenceOperation parameter:
                            pending.Push(parameter.Parameter);
                            break;
                    }

                    break;
                }
            }
        }
    }

    /// <summary>
    /// Whether the variable may hold an ordering (<c>xs.OrderBy(x =&gt; x.Rank)</c>, <c>Order()</c>, a <c>ThenBy</c>, an
    /// <c>orderby</c> clause), or a link LINQ counts from one (<c>Take</c>, <c>Skip</c>, <c>Reverse</c>,
    /// <c>AsEnumerable</c>, <c>Cast</c>), whose sort enumerating it runs: LINQ's <c>Count()</c> of one counts what it
    /// orders without sorting it, or running its key selectors. Any value of type <c>IOrderedEnumerable&lt;T&gt;</c> is
    /// one, a parameter's included; values are followed through the locals they are read from, and either branch of a
    /// <c>?:</c> or <c>??</c> that chooses them.
    /// </summary>
    public bool IsOrdering(SemanticModel model, CancellationToken cancellationToken)
    {
        if (Variable is null || Member is not { } member)
            return false;

        var seen = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        return Holds(Variable);

        bool Holds(ISymbol variable) =>
            IsOrdered(variable switch { ILocalSymbol local => local.Type, IParameterSymbol parameter => parameter.Type, _ => null })
            || (seen.Count < 8 && seen.Add(variable)
                && (ValuesOf(variable, member, model, cancellationToken) ?? new List<SyntaxNode>()).Any(value => Is(model.GetOperation(value, cancellationToken))));

        bool Is(IOperation? value)
        {
            switch (value)
            {
                case IConversionOperation conversion:
                    return Is(conversion.Operand);
                case ITranslatedQueryOperation query:
                    return Is(query.Operation);
                case IConditionalOperation choice:
                    return Is(choice.WhenTrue) || Is(choice.WhenFalse);
                case ICoalesceOperation coalesce:
                    return Is(coalesce.Value) || Is(coalesce.WhenNull);
                case ILocalReferenceOperation local:
                    return Holds(local.Local);
                case IParameterReferenceOperation parameter:
                    return Holds(parameter.Parameter);
                case IInvocationOperation { TargetMethod: { ContainingType: { Name: "Enumerable" } linq } method } link
                    when AggregateCall.IsSystemLinq(linq) && link.Arguments.Length > 0:
                    return method.Name is "OrderBy" or "OrderByDescending" or "ThenBy" or "ThenByDescending" or "Order" or "OrderDescending"
                        || (method.Name is "Take" or "Skip" or "Reverse" or "AsEnumerable" or "Cast" && Is(link.Arguments[0].Value));
                default:
                    return IsOrdered(value?.Type);
            }
        }

        static bool IsOrdered(ITypeSymbol? type) =>
            type is INamedTypeSymbol { Name: "IOrderedEnumerable", TypeArguments.Length: 1 } ordered && AggregateCall.IsSystemLinq(ordered);
    }

    /// <summary>
    /// Equal for two diagnostics about the same source: the variable, or the expression's tokens in the same member (the
    /// same text in two methods is two sources). Compare with <see cref="KeyComparer"/>.
    /// </summary>
    public object Key =>
        Variable ?? (object)$"{Member?.SpanStart}:{string.Join(" ", Reference.DescendantTokens().Select(static t => t.ValueText))}";

    public static IEqualityComparer<object> KeyComparer { get; } = new SourceKeyComparer();

    /// <summary>What the fused call passes: the variable, or the expression as written.</summary>
    public string Argument => Variable is not null ? Names.Escape(Variable.Name) : Reference.WithoutTrivia().ToString();

    public static FusedSource? Find(SyntaxNode root, SemanticModel model, TextSpan span, CancellationToken cancellationToken)
    {
        if (SequenceReference.Find(root, model, span, cancellationToken) is var (reference, variable))
        {
            // The pass reads the variable once, where the run starts: neither it nor what its lazy value reads
            // (`var above = v.Where(x => x > floor)`, then `floor = ...` between the calls) may change within the run.
            var member = reference.Ancestors().OfType<MemberDeclarationSyntax>().FirstOrDefault() ?? root;
            return SequenceReference.TypeAt(variable, reference, model, cancellationToken) is { } type
                ? new FusedSource(reference, variable, variable.Name, type, new[] { variable }, DependenciesOf(variable, member, model, cancellationToken))
                : null;
        }

        if (!root.FullSpan.Contains(span) || root.FindNode(span, getInnermostNodeForTie: true) is not { } node)
            return null;
        if (node is ArgumentSyntax argument)
            node = argument.Expression;
        // `_db.Orders`, `db.Set<Order>()`, a chain, or a field or property read by its bare name (`_languages`).
        if (node is not (MemberAccessExpressionSyntax or InvocationExpressionSyntax or IdentifierNameSyntax)
            || (node is IdentifierNameSyntax && model.GetSymbolInfo(node, cancellationToken).Symbol is not (IFieldSymbol or IPropertySymbol))
            || model.GetTypeInfo(node, cancellationToken).Type is not { } expressionType
            || !AggregateCall.IsQueryable(expressionType)
            || NameOf((ExpressionSyntax)node) is not { } name)
        {
            return null;
        }

        var reads = LocalsRead(node, model, cancellationToken).ToList();
        return new FusedSource((ExpressionSyntax)node, null, name, expressionType, reads, reads);
    }

    /// <summary>
    /// The locals, parameters and local functions of the member an expression reads (its lambdas' own parameters
    /// aside).
    /// </summary>
    private static IEnumerable<ISymbol> LocalsRead(SyntaxNode expression, SemanticModel model, CancellationToken cancellationToken) =>
        expression.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>()
            .Select(identifier => model.GetSymbolInfo(identifier, cancellationToken).Symbol)
            .Where(static symbol => symbol is ILocalSymbol or IMethodSymbol { MethodKind: MethodKind.LocalFunction }
                or IParameterSymbol { ContainingSymbol: IMethodSymbol { MethodKind: not MethodKind.AnonymousFunction } })
            .Distinct(SymbolEqualityComparer.Default)!;

    /// <summary>
    /// <paramref name="variable"/> and what its value reads, as a lazy sequence reads it each time it is enumerated:
    /// what each value given to it reads (its initializer, or an assignment in <paramref name="member"/>), and so on
    /// through the lazy locals and local functions those read (<c>var same = above.Select(...)</c>, <c>xs.Where(Above)</c>).
    /// A value type's value is read when the sequence is enumerated, not followed further. Null when a variable is given
    /// values some other way (an <c>out</c> or <c>ref</c> argument, a deconstruction): what it reads is then unknown.
    /// </summary>
    private static List<ISymbol>? DependenciesOf(ISymbol variable, SyntaxNode member, SemanticModel model, CancellationToken cancellationToken)
    {
        var found = new List<ISymbol>();
        var pending = new Stack<ISymbol>();
        pending.Push(variable);
        while (pending.Count > 0)
        {
            var symbol = pending.Pop();
            if (found.Contains(symbol, SymbolEqualityComparer.Default))
                continue;
            found.Add(symbol);
            if (symbol is ILocalSymbol { Type.IsValueType: true } or IParameterSymbol { Type.IsValueType: true })
                continue;
            if (ValuesOf(symbol, member, model, cancellationToken) is not { } values)
                return null;
            foreach (var value in values)
            {
                // What a local function declares itself (its parameters and locals) is not read from outside.
                foreach (var read in LocalsRead(value, model, cancellationToken))
                {
                    if (value is not LocalFunctionStatementSyntax || !read.DeclaringSyntaxReferences.Any(r => value.Span.Contains(r.Span)))
                        pending.Push(read);
                }
            }
        }

        return found;
    }

    /// <summary>
    /// The expressions a local or parameter is given in <paramref name="member"/> (by <c>=</c>, <c>??=</c> or <c>+=</c>), or a
    /// local function's declaration; null when it is also given values that are not expressions of their own (<c>out</c>,
    /// <c>ref</c>, a deconstruction).
    /// </summary>
    private static List<SyntaxNode>? ValuesOf(ISymbol symbol, SyntaxNode member, SemanticModel model, CancellationToken cancellationToken)
    {
        var values = new List<SyntaxNode>();
        foreach (var reference in symbol.DeclaringSyntaxReferences)
        {
            switch (reference.GetSyntax(cancellationToken))
            {
                case VariableDeclaratorSyntax { Initializer.Value: { } initializer }:
                    values.Add(initializer);
                    break;
                case LocalFunctionStatementSyntax function:
                    values.Add(function);
                    break;
                case SingleVariableDesignationSyntax designation
                    when designation.Ancestors().TakeWhile(static n => n is not StatementSyntax).Any(static n => n is ArgumentSyntax or AssignmentExpressionSyntax):
                    return null;   // `out var above`, `var (above, rest) = ...`: given a value not an expression of its own
            }
        }

        if (symbol is not (ILocalSymbol or IParameterSymbol))
            return values;

        foreach (var name in member.DescendantNodes().OfType<IdentifierNameSyntax>())
        {
            if (name.Identifier.ValueText != symbol.Name || !SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(name, cancellationToken).Symbol, symbol))
                continue;
            switch (name.Parent)
            {
                case AssignmentExpressionSyntax assignment when assignment.Left == name:
                    values.Add(assignment.Right);   // `??=` and `+=` too: the old value's reads are followed already
                    break;
                case ArgumentSyntax { RefKindKeyword.RawKind: not 0 }:
                case ArgumentSyntax { Parent: TupleExpressionSyntax } when name.Ancestors().OfType<AssignmentExpressionSyntax>().Any(a => a.Left.Span.Contains(name.Span)):
                    return null;
            }
        }

        return values;
    }

    /// <summary>The nodes of <paramref name="statement"/> that may read this source, to be checked with <see cref="Is"/>.</summary>
    public IEnumerable<ExpressionSyntax> CandidatesIn(StatementSyntax statement) =>
        Variable is not null
            ? statement.DescendantNodes().OfType<IdentifierNameSyntax>().Where(identifier => identifier.Identifier.ValueText == Variable.Name)
            : statement.DescendantNodes().OfType<ExpressionSyntax>().Where(node => node.RawKind == Reference.RawKind);

    /// <summary>Whether <paramref name="node"/> reads this source: the variable, or the expression written out the same way.</summary>
    public bool Is(ExpressionSyntax node, SemanticModel model, CancellationToken cancellationToken) =>
        Variable is not null
            ? SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(node, cancellationToken).Symbol, Variable)
            : SyntaxFactory.AreEquivalent(node, Reference, topLevel: false);

    private sealed class SourceKeyComparer : IEqualityComparer<object>
    {
        public new bool Equals(object? x, object? y) =>
            x is ISymbol a && y is ISymbol b ? SymbolEqualityComparer.Default.Equals(a, b) : object.Equals(x, y);

        public int GetHashCode(object obj) => obj is ISymbol symbol ? SymbolEqualityComparer.Default.GetHashCode(symbol) : obj.GetHashCode();
    }

    /// <summary>
    /// The member an expression source reads, as a name: <c>Orders</c> for <c>_db.Orders</c>, for
    /// <c>_db.Orders.Where(...)</c> and for <c>db.Set&lt;Order&gt;()</c>; <c>Languages</c> for <c>_languages</c>.
    /// </summary>
    private static string? NameOf(ExpressionSyntax expression)
    {
        for (var depth = 0; depth < 32; depth++)
        {
            switch (expression)
            {
                case InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name: GenericNameSyntax { TypeArgumentList.Arguments.Count: 1 } generic }, ArgumentList.Arguments.Count: 0 }
                    when generic.TypeArgumentList.Arguments[0].DescendantNodesAndSelf().OfType<SimpleNameSyntax>().LastOrDefault() is { } typeName:
                    return Plural(typeName.Identifier.ValueText);
                case InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax link }:
                    expression = link.Expression;
                    break;
                case MemberAccessExpressionSyntax member:
                    return Clean(member.Name.Identifier.ValueText);
                case IdentifierNameSyntax identifier:
                    return Clean(identifier.Identifier.ValueText);
                default:
                    return null;
            }
        }

        return null;

        static string? Clean(string name)
        {
            name = Names.Pascal(name.TrimStart('_'));
            return SyntaxFacts.IsValidIdentifier(name) ? name : null;
        }

        static string Plural(string name) => name.EndsWith("s", System.StringComparison.Ordinal) ? name : name + "s";
    }
}
