using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace MultiAgg.CodeFixes;

/// <summary>
/// A call of one of LINQ's aggregates that [Aggregate] computes (<c>Count</c>, <c>LongCount</c>,
/// <c>Sum</c>, <c>Min</c>, <c>Max</c>, <c>Average</c>, <c>MinBy</c>, <c>MaxBy</c>, <c>First</c>,
/// <c>FirstOrDefault</c>, <c>Last</c>, <c>LastOrDefault</c>, <c>Any</c>, <c>All</c>) on a given
/// variable, with or without a selector or predicate; or the awaited call of its async form on an
/// <c>IAsyncEnumerable&lt;T&gt;</c> (.NET 10's <c>System.Linq.AsyncEnumerable</c>: <c>CountAsync</c>...).
/// </summary>
internal sealed class AggregateCall
{
    private AggregateCall(InvocationExpressionSyntax syntax, ExpressionSyntax expression, IInvocationOperation operation, ITypeSymbol resultType, IArgumentOperation? function, IArgumentOperation? cancellationToken)
    {
        Syntax = syntax;
        Expression = expression;
        Operation = operation;
        ResultType = resultType;
        Function = function;
        CancellationToken = cancellationToken;
    }

    public InvocationExpressionSyntax Syntax { get; }

    /// <summary>What the result replaces: the call, or the <c>await</c> of an async call (through <c>ConfigureAwait</c>).</summary>
    public ExpressionSyntax Expression { get; }

    public IInvocationOperation Operation { get; }

    public bool IsAsync => Expression != Syntax;

    /// <summary>The <c>Agg</c> member: the LINQ method's name (without <c>Async</c>).</summary>
    public string Aggregate => IsAsync ? Operation.TargetMethod.Name.Substring(0, Operation.TargetMethod.Name.Length - "Async".Length) : Operation.TargetMethod.Name;

    /// <summary>The call's (awaited) type: the result keeps it, so values, overflow and empty-source behaviour stay LINQ's.</summary>
    public ITypeSymbol ResultType { get; }

    /// <summary>The selector (<c>Sum(o =&gt; o.Total)</c>) or predicate (<c>Count(o =&gt; o.IsPaid)</c>), if any.</summary>
    public IArgumentOperation? Function { get; }

    /// <summary>The <c>CancellationToken</c> an async call is given, if any.</summary>
    public IArgumentOperation? CancellationToken { get; }

    /// <summary>
    /// The function filters the elements the aggregate sees (<c>Count(p)</c>, <c>First(p)</c>,
    /// <c>Any(p)</c>: <c>Where</c>) rather than giving its value (<c>Sum(s)</c>, <c>MinBy(k)</c>, <c>All(p)</c>: <c>Of</c>).
    /// </summary>
    public bool Filters => Function is not null && Aggregate is "Count" or "LongCount" or "First" or "FirstOrDefault" or "Last" or "LastOrDefault" or "Any";

    /// <summary>The function answers yes or no: a filter, or the condition of <c>All</c>.</summary>
    public bool IsPredicate => Filters || (Function is not null && Aggregate == "All");

    /// <summary>The aggregate call whose source is <paramref name="reference"/>, a reference to <paramref name="variable"/>.</summary>
    public static AggregateCall? Find(SemanticModel model, IdentifierNameSyntax reference, ISymbol variable, System.Threading.CancellationToken cancellationToken)
    {
        var invocation = reference.Parent switch
        {
            MemberAccessExpressionSyntax member when member.Expression == reference => member.Parent as InvocationExpressionSyntax,
            ArgumentSyntax { Parent: ArgumentListSyntax { Parent: InvocationExpressionSyntax call } list } argument
                when list.Arguments.IndexOf(argument) == 0 => call,
            _ => null,
        };
        if (invocation is null
            || model.GetOperation(invocation, cancellationToken) is not IInvocationOperation operation
            || operation.Type is null
            || KindOf(operation.TargetMethod) is not { } kind
            || operation.Arguments.Length == 0
            || !IsReferenceTo(operation.Arguments[0].Value, variable))
        {
            return null;
        }

        IArgumentOperation? function = null, token = null;
        for (var i = 1; i < operation.Arguments.Length; i++)
        {
            var argument = operation.Arguments[i];
            switch (argument.Parameter?.Type)
            {
                // A Func<TSource, X>: not the async-delegate overloads, Func<TSource, CancellationToken, ValueTask<X>>.
                case INamedTypeSymbol { Name: "Func", TypeArguments.Length: 2 } when function is null:
                    function = argument;
                    break;
                case INamedTypeSymbol { Name: "CancellationToken" } when kind == Kind.Async:
                    token = argument.ArgumentKind == ArgumentKind.DefaultValue ? null : argument;
                    break;
                // The async Min/Max/MinBy/MaxBy take an optional comparer; the default one is what [Aggregate] uses.
                case INamedTypeSymbol { Name: "IComparer" } when kind == Kind.Async && IsDefault(argument):
                    break;
                default:
                    return null; // a comparer, a default value...: not what [Aggregate] computes
            }
        }

        if (kind == Kind.Sync)
            return new AggregateCall(invocation, invocation, operation, operation.Type, function, null);

        // Async: only a call awaited where it is made, `await xs.CountAsync()` (optionally
        // `.ConfigureAwait(...)`), has a value the fused method's result can stand for.
        ExpressionSyntax awaited = invocation;
        if (invocation.Parent is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ConfigureAwait", Parent: InvocationExpressionSyntax configured })
            awaited = configured;
        return awaited.Parent is AwaitExpressionSyntax await && model.GetTypeInfo(await, cancellationToken).Type is { } awaitedType
            ? new AggregateCall(invocation, await, operation, awaitedType, function, token)
            : null;
    }

    private enum Kind
    {
        Sync,
        Async,
    }

    private static readonly string[] Aggregates =
    {
        "Count", "LongCount", "Sum", "Min", "Max", "Average", "MinBy", "MaxBy",
        "First", "FirstOrDefault", "Last", "LastOrDefault", "Any", "All",
    };

    private static Kind? KindOf(IMethodSymbol method)
    {
        method = method.ReducedFrom ?? method;
        if (method.ContainingType is not { ContainingNamespace: { Name: "Linq", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } } type)
            return null;
        if (type.Name == "Enumerable" && System.Array.IndexOf(Aggregates, method.Name) >= 0)
            return Kind.Sync;
        if (type.Name == "AsyncEnumerable" && method.Name.EndsWith("Async", System.StringComparison.Ordinal)
            && System.Array.IndexOf(Aggregates, method.Name.Substring(0, method.Name.Length - "Async".Length)) >= 0)
        {
            return Kind.Async;
        }

        return null;
    }

    private static bool IsDefault(IArgumentOperation argument) =>
        argument.ArgumentKind == ArgumentKind.DefaultValue
        || argument.Value is { ConstantValue: { HasValue: true, Value: null } };

    private static bool IsReferenceTo(IOperation value, ISymbol variable)
    {
        while (value is IConversionOperation { IsImplicit: true } conversion)
            value = conversion.Operand;
        var symbol = value switch
        {
            ILocalReferenceOperation local => (ISymbol)local.Local,
            IParameterReferenceOperation parameter => parameter.Parameter,
            _ => null,
        };
        return SymbolEqualityComparer.Default.Equals(symbol, variable);
    }
}
