using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace MultiAgg.CodeFixes;

/// <summary>
/// A call of one of LINQ's aggregates that [Aggregate] computes, on a given variable, with or without
/// a selector or predicate. The same shapes are read on a sequence and on a query, each from the
/// methods that aggregate it (see <see cref="Host"/>):
/// <list type="bullet">
/// <item>a sequence: <c>Count</c>, <c>LongCount</c>, <c>Sum</c>, <c>Min</c>, <c>Max</c>, <c>Average</c>,
/// <c>MinBy</c>, <c>MaxBy</c>, <c>First</c>, <c>FirstOrDefault</c>, <c>Last</c>, <c>LastOrDefault</c>,
/// <c>Any</c>, <c>All</c>, or the awaited call of its async form on an <c>IAsyncEnumerable&lt;T&gt;</c>
/// (.NET 10's <c>System.Linq.AsyncEnumerable</c>: <c>CountAsync</c>...);</item>
/// <item>a query: the aggregates with a query form (<c>Count</c>, <c>LongCount</c>, <c>Sum</c>, <c>Min</c>,
/// <c>Max</c>, <c>Average</c>, <c>Any</c>, <c>All</c>), or the awaited call of a provider's async form
/// (EF Core's <c>CountAsync</c>...);</item>
/// <item>either: <c>Select(f).Distinct().Count()</c> (or <c>Distinct().Count()</c>, <c>LongCount</c>, async), which is
/// <c>CountDistinct</c> of <c>f</c>; <c>Select(f).Sum()</c>, which is <c>Sum(f)</c> (so are <c>Min</c>, <c>Max</c> and
/// <c>Average</c>, async too).</item>
/// </list>
/// </summary>
internal sealed class AggregateCall
{
    private AggregateCall(InvocationExpressionSyntax syntax, ExpressionSyntax expression, IInvocationOperation operation, string aggregate, bool isQuery, ITypeSymbol resultType, IArgumentOperation? function, IArgumentOperation? cancellationToken)
    {
        Syntax = syntax;
        Expression = expression;
        Operation = operation;
        Aggregate = aggregate;
        IsQuery = isQuery;
        ResultType = resultType;
        Function = function;
        CancellationToken = cancellationToken;
    }

    /// <summary>The call that computes the aggregate: the last of a <c>Select(f).Distinct().Count()</c> or <c>Select(f).Sum()</c> chain.</summary>
    public InvocationExpressionSyntax Syntax { get; }

    /// <summary>What the result replaces: the call, or the <c>await</c> of an async call (through <c>ConfigureAwait</c>).</summary>
    public ExpressionSyntax Expression { get; }

    public IInvocationOperation Operation { get; }

    public bool IsAsync => Expression != Syntax;

    /// <summary>The <c>Agg</c> member: the LINQ method's name (without <c>Async</c>), or <c>CountDistinct</c>.</summary>
    public string Aggregate { get; }

    /// <summary>The call executes a query (an <c>IQueryable&lt;T&gt;</c>'s provider runs it) rather than enumerating a sequence.</summary>
    public bool IsQuery { get; }

    /// <summary>The call's (awaited) type: the result keeps it, so values, overflow and empty-source behaviour stay LINQ's.</summary>
    public ITypeSymbol ResultType { get; }

    /// <summary>The selector (<c>Sum(o =&gt; o.Total)</c>, <c>Select(o =&gt; o.Region)</c> before <c>Distinct()</c> or <c>Sum()</c>) or predicate (<c>Count(o =&gt; o.IsPaid)</c>), if any.</summary>
    public IArgumentOperation? Function { get; }

    /// <summary>The <c>CancellationToken</c> an async call is given, if any.</summary>
    public IArgumentOperation? CancellationToken { get; }

    /// <summary>
    /// The function filters the elements the aggregate sees (<c>Count(p)</c>, <c>First(p)</c>,
    /// <c>Any(p)</c>: <c>Where</c>) rather than giving its value (<c>Sum(s)</c>, <c>MinBy(k)</c>, <c>All(p)</c>: <c>Of</c>).
    /// </summary>
    public bool Filters => Function is not null && Aggregate is "Count" or "LongCount" or "First" or "FirstOrDefault" or "Last" or "LastOrDefault" or "Any";

    /// <summary>
    /// An identity selector (<c>x =&gt; x</c>) still says something: a <c>MinBy</c>/<c>MaxBy</c> needs its key, and
    /// System.Linq's floating-point or decimal <c>Average</c> with a selector sums from the first value where the one
    /// without sums an array or list from zero (the average of <c>{ -0.0 }</c> is <c>-0.0</c> only with the selector).
    /// </summary>
    public bool NeedsItsSelector => Function is not null
        && (Aggregate is "MinBy" or "MaxBy"
            || Aggregate == "Average" && SelectedType(Function) is { } selected
               && WithoutNullable(selected).SpecialType is SpecialType.System_Single or SpecialType.System_Double or SpecialType.System_Decimal);

    /// <summary>A nullable value type's underlying type; any other type itself.</summary>
    internal static ITypeSymbol WithoutNullable(ITypeSymbol type) =>
        type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable ? nullable.TypeArguments[0] : type;

    /// <summary>What a selector returns: its <c>Func&lt;,&gt;</c>'s, or an expression tree's.</summary>
    private static ITypeSymbol? SelectedType(IArgumentOperation function)
    {
        var type = function.Parameter?.Type as INamedTypeSymbol;
        if (type is { Name: "Expression", TypeArguments.Length: 1 })
            type = type.TypeArguments[0] as INamedTypeSymbol;
        return type?.DelegateInvokeMethod?.ReturnType;
    }

    /// <summary>
    /// The call gives null for no values though its type does not say so: EF Core's <c>MinAsync</c>/<c>MaxAsync</c> declare
    /// <c>Task&lt;TResult&gt;</c> (the synchronous <c>Queryable.Max</c> declares <c>TResult?</c>), and give null for no rows
    /// where <c>TResult</c> is a reference type, as LINQ's <c>Max</c> of one does. The fused result must be nullable, or
    /// the generated method would throw there.
    /// </summary>
    public bool GivesNullForNoValues => IsAsync && Aggregate is "Min" or "Max" or "MinBy" or "MaxBy"
        && ResultType is { IsReferenceType: true, NullableAnnotation: not NullableAnnotation.Annotated };

    /// <summary>The function answers yes or no: a filter, or the condition of <c>All</c>.</summary>
    public bool IsPredicate => Filters || (Function is not null && Aggregate == "All");

    /// <summary>The aggregate call whose source is <paramref name="source"/> (a variable's reference, or an expression: see <see cref="FusedSource"/>).</summary>
    public static AggregateCall? Find(SemanticModel model, ExpressionSyntax source, System.Threading.CancellationToken cancellationToken)
    {
        var invocation = source.Parent switch
        {
            MemberAccessExpressionSyntax member when member.Expression == source => member.Parent as InvocationExpressionSyntax,
            ArgumentSyntax { Parent: ArgumentListSyntax { Parent: InvocationExpressionSyntax staticCall } list } argument
                when list.Arguments.IndexOf(argument) == 0 => staticCall,
            _ => null,
        };
        if (invocation is null
            || model.GetOperation(invocation, cancellationToken) is not IInvocationOperation operation
            || operation.Arguments.Length == 0
            || !IsRead(operation.Arguments[0].Value, source)
            // `derived.Max<Base>()` compares the elements as Base (and Distinct<Base>() tells them apart as Base), where the
            // fused method, over the source's own type, would compare them as Derived.
            || !SymbolEqualityComparer.Default.Equals(ElementOf(model.GetTypeInfo(source, cancellationToken).Type), ElementOf(operation.Arguments[0].Parameter?.Type)))
        {
            return null;
        }

        // `Select(f).Distinct()` ahead of a count: the links are read first, then the call that aggregates.
        IInvocationOperation? select = null, distinct = null;
        if (IsSelect(operation) && ConsumerOf(operation) is { } afterSelect)
        {
            select = operation;
            operation = afterSelect;
        }

        if (IsDistinct(operation) && ConsumerOf(operation) is { } afterDistinct)
        {
            distinct = operation;
            operation = afterDistinct;
        }

        if (operation.Type is null
            || HostOf(operation.TargetMethod) is not { } host
            || !IsLinkOf(select, host)
            || !IsLinkOf(distinct, host))
        {
            return null;
        }

        var isAsync = host is Host.AsyncEnumerable or Host.ProviderExtensions;
        var isQuery = host is Host.Queryable or Host.ProviderExtensions;
        var name = isAsync ? operation.TargetMethod.Name.Substring(0, operation.TargetMethod.Name.Length - "Async".Length) : operation.TargetMethod.Name;
        IArgumentOperation? function = null, token = null;
        for (var i = 1; i < operation.Arguments.Length; i++)
        {
            var argument = operation.Arguments[i];
            // As declared, not as substituted: over delegates, FirstOrDefault's `TSource defaultValue` is a Func<,> too.
            switch (argument.Parameter?.OriginalDefinition.Type)
            {
                // A Func<TSource, X> (quoted as an Expression<> for a query): not the async-delegate overloads,
                // Func<TSource, CancellationToken, ValueTask<X>>.
                case var type when IsFunction(type) && function is null:
                    function = argument;
                    break;
                case var type when isAsync && IsCancellationToken(type):
                    token = argument.ArgumentKind == ArgumentKind.DefaultValue ? null : argument;
                    break;
                // The async Min/Max/MinBy/MaxBy take an optional comparer; the default one is what [Aggregate] uses.
                case INamedTypeSymbol { Name: "IComparer" } when isAsync && IsDefault(argument):
                    break;
                default:
                    return null; // a comparer, a default value...: not what [Aggregate] computes
            }
        }

        if (distinct is not null)
        {
            // Only a plain count of the distinct values is CountDistinct (of the selector, or of the elements).
            if (name is not ("Count" or "LongCount") || function is not null)
                return null;
            // Distinct<Base>() of a Select of Derived values tells them apart as Base; the fused set would as Derived.
            if (select is not null && !SymbolEqualityComparer.Default.Equals(select.Type, distinct.Arguments[0].Parameter?.Type))
                return null;
            name = "CountDistinct";
            function = select?.Arguments[1];
        }
        else if (select is not null)
        {
            // Select(f).Sum() is Sum(f): the same values, in the same order, each f called once; so are Min, Max and
            // Average (both sum a sequence that is not an array from its first value). A count or a test of Any would not
            // call f where LINQ's Select does, and First, MinBy or All would take a second function.
            if (name is not ("Sum" or "Min" or "Max" or "Average") || function is not null)
                return null;
            // Max<Base>() of a Select of Derived values compares them as Base; Max(f) would compare them as Derived.
            if (!SymbolEqualityComparer.Default.Equals(select.Type, operation.Arguments[0].Parameter?.Type))
                return null;
            function = select.Arguments[1];
        }

        if (operation.Syntax is not InvocationExpressionSyntax call || !ComparesAsTheGeneratorCan(operation, name, model.Compilation))
            return null;
        if (!isAsync)
            return new AggregateCall(call, call, operation, name, isQuery, operation.Type, function, null);

        // Async: only a call awaited where it is made, `await xs.CountAsync()` (optionally
        // `.ConfigureAwait(...)`), has a value the fused method's result can stand for.
        ExpressionSyntax awaited = call;
        if (call.Parent is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ConfigureAwait", Parent: InvocationExpressionSyntax configured })
            awaited = configured;
        if (awaited.Parent is not AwaitExpressionSyntax await || model.GetTypeInfo(await, cancellationToken).Type is not { } awaitedType)
            return null;

        return new AggregateCall(call, await, operation, name, isQuery, awaitedType, function, token);
    }

    /// <summary>
    /// Whether the values a <c>Min</c>/<c>Max</c> compares (the keys of a <c>MinBy</c>/<c>MaxBy</c>) are comparable as the
    /// generator requires (else MAGG104): a type parameter, or an <c>IComparable&lt;T&gt;</c> (its own or, contravariant, a
    /// base type's) or <c>IComparable</c>. LINQ also takes <c>object</c>, an array or an interface, comparing what they
    /// hold at run time, which the generator cannot check.
    /// </summary>
    private static bool ComparesAsTheGeneratorCan(IInvocationOperation operation, string name, Compilation compilation)
    {
        ITypeSymbol compared;
        if (name is "MinBy" or "MaxBy")
        {
            if (operation.TargetMethod.TypeArguments.Length != 2)
                return true;
            compared = operation.TargetMethod.TypeArguments[1];
        }
        else if (name is "Min" or "Max")
        {
            // What it returns (awaited, for the async forms): the values, or the selector's.
            compared = operation.TargetMethod.ReturnType is INamedTypeSymbol { Name: "Task" or "ValueTask", TypeArguments.Length: 1 } awaited
                ? awaited.TypeArguments[0]
                : operation.TargetMethod.ReturnType;
        }
        else
        {
            return true;
        }

        compared = WithoutNullable(compared);
        if (compared is ITypeParameterSymbol)
            return true;
        return compilation.GetTypeByMetadataName("System.IComparable`1") is { } comparableOfT
                && compilation.ClassifyCommonConversion(compared, comparableOfT.Construct(compared)).IsImplicit
            || compilation.GetTypeByMetadataName("System.IComparable") is { } comparable
                && compilation.ClassifyCommonConversion(compared, comparable).IsImplicit;
    }

    /// <summary>Where an aggregate method is declared, which says what it reads and whether it is awaited.</summary>
    private enum Host
    {
        /// <summary><c>System.Linq.Enumerable</c>: a sequence, enumerated where it is called.</summary>
        Enumerable,

        /// <summary><c>System.Linq.AsyncEnumerable</c>: an <c>IAsyncEnumerable&lt;T&gt;</c>, awaited.</summary>
        AsyncEnumerable,

        /// <summary><c>System.Linq.Queryable</c>: a query, executed where it is called.</summary>
        Queryable,

        /// <summary>
        /// EF Core's <c>EntityFrameworkQueryableExtensions</c>, whose <c>*Async</c> methods on an <c>IQueryable&lt;T&gt;</c>
        /// execute it, awaited. Recognised by its name and namespace, without a reference to EF Core; another provider's
        /// such class, which MAGG002 recognises by shape, is not fused (see <see cref="HostOf"/>).
        /// </summary>
        ProviderExtensions,
    }

    /// <summary>What [Aggregate] computes of a sequence, in one pass.</summary>
    private static readonly string[] SequenceAggregates =
    {
        "Count", "LongCount", "Sum", "Min", "Max", "Average", "MinBy", "MaxBy",
        "First", "FirstOrDefault", "Last", "LastOrDefault", "Any", "All",
    };

    /// <summary>What [Aggregate] computes of a query, in one query: the aggregates with a query form (the others are MAGG140).</summary>
    private static readonly string[] QueryAggregates = { "Count", "LongCount", "Sum", "Min", "Max", "Average", "Any", "All" };

    private static Host? HostOf(IMethodSymbol method)
    {
        method = method.ReducedFrom ?? method;
        if (method.ContainingType is not { } type)
            return null;
        if (IsSystemLinq(type))
        {
            return type.Name switch
            {
                "Enumerable" when IsOneOf(method.Name, SequenceAggregates) => Host.Enumerable,
                "AsyncEnumerable" when IsAsyncOneOf(method.Name, SequenceAggregates) => Host.AsyncEnumerable,
                "Queryable" when IsOneOf(method.Name, QueryAggregates) => Host.Queryable,
                _ => null,
            };
        }

        // EF Core's async operators only: the generated async query reads its query as an IAsyncEnumerable<T>, which EF Core's
        // queries are and another provider's need not be (EF6's QueryableExtensions, a wrapper of the user's own): fused,
        // every call would throw where each worked.
        return type is { IsStatic: true, Name: "EntityFrameworkQueryableExtensions" } && IsEntityFrameworkCore(type)
               && method.Parameters.Length > 0 && IsQueryable(method.Parameters[0].Type)
               && IsAsyncOneOf(method.Name, QueryAggregates)
            ? Host.ProviderExtensions
            : null;

        static bool IsEntityFrameworkCore(ISymbol symbol) =>
            symbol.ContainingNamespace is { Name: "EntityFrameworkCore", ContainingNamespace: { Name: "Microsoft", ContainingNamespace.IsGlobalNamespace: true } };
    }

    /// <summary>
    /// A <c>Select</c> or <c>Distinct</c> ahead of the aggregate comes from the operators of the same source: a
    /// sequence's from <c>Enumerable</c> (<c>AsyncEnumerable</c>), a query's from <c>Queryable</c>, so that it stays
    /// part of the one query.
    /// </summary>
    private static bool IsLinkOf(IInvocationOperation? link, Host host) =>
        link is null
        || (link.TargetMethod.ReducedFrom ?? link.TargetMethod).ContainingType.Name == host switch
        {
            Host.Enumerable => "Enumerable",
            Host.AsyncEnumerable => "AsyncEnumerable",
            _ => "Queryable",
        };

    private static bool IsSelect(IInvocationOperation operation) =>
        operation.TargetMethod.Name == "Select" && IsSystemLinq(operation.TargetMethod.ContainingType)
        && operation.Arguments.Length == 2 && IsFunction(operation.Arguments[1].Parameter?.OriginalDefinition.Type);

    /// <summary><c>Distinct()</c> with the default comparer.</summary>
    private static bool IsDistinct(IInvocationOperation operation)
    {
        if (operation.TargetMethod.Name != "Distinct" || !IsSystemLinq(operation.TargetMethod.ContainingType))
            return false;
        for (var i = 1; i < operation.Arguments.Length; i++)
        {
            if (!IsDefault(operation.Arguments[i]))
                return false;
        }

        return true;
    }

    /// <summary>The call that <paramref name="operation"/>'s result is the source of: <c>Distinct</c> in <c>xs.Select(f).Distinct()</c>.</summary>
    private static IInvocationOperation? ConsumerOf(IOperation operation)
    {
        while (operation.Parent is IConversionOperation { IsImplicit: true } conversion)
            operation = conversion;
        return operation.Parent is IArgumentOperation { Parent: IInvocationOperation consumer } argument && consumer.Arguments[0] == argument
            ? consumer
            : null;
    }

    /// <summary><c>Func&lt;TSource, X&gt;</c>, or <c>Expression&lt;Func&lt;TSource, X&gt;&gt;</c> as a query's operators take it.</summary>
    private static bool IsFunction(ITypeSymbol? type)
    {
        if (type is INamedTypeSymbol { Name: "Expression", TypeArguments.Length: 1, ContainingNamespace: { Name: "Expressions" } expressions } expression
            && IsSystemLinq(expressions))
        {
            type = expression.TypeArguments[0];
        }

        return type is INamedTypeSymbol { Name: "Func", TypeArguments.Length: 2 };
    }

    /// <summary><c>System.Threading.CancellationToken</c>.</summary>
    public static bool IsCancellationToken(ITypeSymbol? type) =>
        type is INamedTypeSymbol { Name: "CancellationToken", ContainingNamespace: { Name: "Threading", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } };

    /// <summary><c>System.Threading.Tasks.ParallelOptions</c>: a method taking one is the generator's CPU-parallel or async window form.</summary>
    public static bool IsParallelOptions(ITypeSymbol? type) =>
        type is INamedTypeSymbol { Name: "ParallelOptions", ContainingNamespace: { Name: "Tasks", ContainingNamespace: { Name: "Threading", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } } };

    /// <summary><c>IQueryable&lt;T&gt;</c>, or a type implementing it (<c>DbSet&lt;T&gt;</c>, <c>IOrderedQueryable&lt;T&gt;</c>): the generator runs one query over a source of this type.</summary>
    public static bool IsQueryable(ITypeSymbol type) =>
        IsQueryableInterface(type) || type.AllInterfaces.Any(IsQueryableInterface);

    private static bool IsQueryableInterface(ITypeSymbol type) =>
        type is INamedTypeSymbol { Name: "IQueryable", Arity: 1 } && IsSystemLinq(type);

    /// <summary>Whether <paramref name="symbol"/> is in <c>System.Linq</c> (<c>Enumerable</c>, <c>Queryable</c>, <c>AsyncEnumerable</c>, <c>IQueryable&lt;T&gt;</c>).</summary>
    internal static bool IsSystemLinq(ISymbol symbol) =>
        symbol.ContainingNamespace is { Name: "Linq", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } };

    private static bool IsOneOf(string name, string[] aggregates) => System.Array.IndexOf(aggregates, name) >= 0;

    private static bool IsAsyncOneOf(string name, string[] aggregates) =>
        name.EndsWith("Async", System.StringComparison.Ordinal) && IsOneOf(name.Substring(0, name.Length - "Async".Length), aggregates);

    private static bool IsDefault(IArgumentOperation argument) =>
        argument.ArgumentKind == ArgumentKind.DefaultValue
        || argument.Value is { ConstantValue: { HasValue: true, Value: null } };

    /// <summary>What a sequence type enumerates: the element of the <c>IEnumerable&lt;T&gt;</c> or <c>IAsyncEnumerable&lt;T&gt;</c> it is or implements.</summary>
    private static ITypeSymbol? ElementOf(ITypeSymbol? type) => type switch
    {
        null => null,
        // A type parameter has no interfaces of its own: its constraints' (`where TItems : IEnumerable<int>`).
        ITypeParameterSymbol parameter => parameter.ConstraintTypes.Select(ElementOf).FirstOrDefault(static element => element is not null),
        _ => (type is INamedTypeSymbol named ? type.AllInterfaces.Prepend(named) : type.AllInterfaces)
            .FirstOrDefault(static i => i is { IsGenericType: true, OriginalDefinition.Name: "IEnumerable" or "IAsyncEnumerable" })?.TypeArguments[0],
    };

    /// <summary>Whether an argument's value is <paramref name="source"/>, seen through implicit conversions (a set as an <c>IQueryable&lt;T&gt;</c>).</summary>
    private static bool IsRead(IOperation value, ExpressionSyntax source)
    {
        while (value is IConversionOperation { IsImplicit: true } conversion)
            value = conversion.Operand;
        return value.Syntax == source;
    }
}
