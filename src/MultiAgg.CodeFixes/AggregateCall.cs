using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace MultiAgg.CodeFixes;

/// <summary>
/// A call of one of LINQ's aggregates that [Aggregate] computes (<c>Count</c>, <c>LongCount</c>,
/// <c>Sum</c>, <c>Min</c>, <c>Max</c>, <c>Average</c>, <c>MinBy</c>, <c>MaxBy</c>, <c>First</c>,
/// <c>FirstOrDefault</c>, <c>Last</c>, <c>LastOrDefault</c>, <c>Any</c>, <c>All</c>) on a given
/// variable, with or without a selector or predicate.
/// </summary>
internal sealed class AggregateCall
{
    private AggregateCall(InvocationExpressionSyntax syntax, IInvocationOperation operation, IArgumentOperation? function)
    {
        Syntax = syntax;
        Operation = operation;
        Function = function;
    }

    public InvocationExpressionSyntax Syntax { get; }

    public IInvocationOperation Operation { get; }

    /// <summary>The <c>Agg</c> member: the LINQ method's name.</summary>
    public string Aggregate => Operation.TargetMethod.Name;

    /// <summary>The call's type: the result keeps it, so values, overflow and empty-source behaviour stay LINQ's.</summary>
    public ITypeSymbol ResultType => Operation.Type!;

    /// <summary>The selector (<c>Sum(o =&gt; o.Total)</c>) or predicate (<c>Count(o =&gt; o.IsPaid)</c>), if any.</summary>
    public IArgumentOperation? Function { get; }

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
            || !IsFusable(operation.TargetMethod)
            || operation.Arguments.Length == 0
            || !IsReferenceTo(operation.Arguments[0].Value, variable))
            return null;

        return new AggregateCall(invocation, operation, operation.Arguments.Length == 2 ? operation.Arguments[1] : null);
    }

    private static bool IsFusable(IMethodSymbol method)
    {
        method = method.ReducedFrom ?? method;
        if (method.Name is not ("Count" or "LongCount" or "Sum" or "Min" or "Max" or "Average" or "MinBy" or "MaxBy"
                or "First" or "FirstOrDefault" or "Last" or "LastOrDefault" or "Any" or "All")
            || method.ContainingType is not { Name: "Enumerable", ContainingNamespace: { Name: "Linq", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } })
            return false;

        // Source only, or source plus a Func<TSource, X> (not the IComparer or default-value overloads).
        return method.Parameters.Length == 1
               || (method.Parameters.Length == 2 && method.Parameters[1].Type is INamedTypeSymbol { Name: "Func", TypeArguments.Length: 2 });
    }

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
