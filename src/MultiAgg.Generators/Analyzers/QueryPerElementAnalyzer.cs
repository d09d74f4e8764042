using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using MultiAgg.Generators.Diagnostics;

namespace MultiAgg.Generators.Analyzers;

/// <summary>
/// MAGG004: a query executed once per element of a loop, whose query depends on the element (N+1): a <c>foreach</c>
/// over rows, or a lambda that LINQ to Objects or <c>ForEach</c> runs per element, that executes a query built from
/// the element (<c>db.Orders.Where(o =&gt; o.CustomerId == customer.Id).ToList()</c>, <c>Find(id)</c>). One query for
/// all the elements would serve them all.
/// </summary>
/// <remarks>
/// Built for precision over recall, as MAGG002 is: a loop that runs a different query per iteration on purpose is not
/// reported. So a loop over batches (an element that is itself a collection, as <c>Chunk</c> gives) or pages (an
/// element used only in <c>Skip</c>/<c>Take</c>), a <c>for</c> or <c>while</c> loop (counters, fixpoints), a lambda that
/// runs once (or that a provider translates: an expression tree), and a query over data in memory
/// (<c>list.AsQueryable()</c>) are left alone; a query that does not depend on the element is MAGG002's (the same
/// query again).
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class QueryPerElementAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.QueryPerElement);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(static start =>
        {
            var helpers = new HelperQueries();
            start.RegisterOperationAction(context => AnalyzeInvocation(context, helpers), OperationKind.Invocation);
            start.RegisterOperationAction(context => AnalyzeMethodGroup(context, helpers), OperationKind.MethodReference);
            start.RegisterOperationAction(AnalyzeLoop, OperationKind.Loop);
            start.RegisterOperationAction(AnalyzeCreation, OperationKind.ObjectCreation);
            start.RegisterOperationAction(AnalyzeSpread, OperationKind.Spread);
        });
    }

    /// <summary>
    /// A call that executes a query (an executing operator over one, or a <c>DbSet</c>'s or a context's <c>Find</c>), or
    /// a helper's call whose body executes one built from what the call passes (<see cref="AnalyzeHelperCall"/>).
    /// </summary>
    private static void AnalyzeInvocation(OperationAnalysisContext context, HelperQueries helpers)
    {
        var invocation = (IInvocationOperation)context.Operation;
        var method = invocation.TargetMethod;
        if (method.Name == "SelectMany")
        {
            AnalyzeFlattenedQueries(context, invocation);
        }

        // Cheapest first: most calls over a query are links that execute nothing (Where, Select, Include), told by the
        // method's role; only the calls that execute one need the loops around them.
        if (CandidateQuery(invocation) is { } candidate && ExecutedBy(invocation, Options(context, invocation)) is { } query
            && PerElementScope(invocation, candidate) is { } scope)
        {
            if (!(method.Name is "Find" or "FindAsync" && LoadedBefore(invocation)))
            {
                Report(context, query, scope, invocation.Syntax, NameOf(invocation).GetLocation(), method.Name);
            }

            return;
        }

        AnalyzeHelperCall(context, invocation, helpers);
    }

    private static MultipleEnumerationOptions Options(OperationAnalysisContext context, IOperation operation) =>
        MultipleEnumerationOptions.Read(context.Options.AnalyzerConfigOptionsProvider.GetOptions(operation.Syntax.SyntaxTree));

    /// <summary>The name a call is written with (<c>Count</c> of <c>orders.Count()</c>), where the diagnostic goes.</summary>
    private static SyntaxNode NameOf(IInvocationOperation invocation) =>
        invocation.Syntax switch
        {
            InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access } => access.Name,
            InvocationExpressionSyntax { Expression: SimpleNameSyntax name } => name,
            var call => call,
        };

    /// <summary>
    /// The query a call may execute, before its method's role is asked: what a call that makes its own query is called
    /// on (<see cref="MakesItsOwnQuery"/>), or the query it reads.
    /// </summary>
    private static IOperation? CandidateQuery(IInvocationOperation invocation) =>
        MakesItsOwnQuery(invocation) ? invocation.Instance : ExecutedQuery(invocation);

    /// <summary>
    /// A call that makes and runs a query of its own from what it is called on and given: a set's or a context's
    /// <c>Find</c>, or EF Core's explicit loading of an entity's navigation (<c>db.Entry(c).Collection(x =&gt; x.Orders).Load()</c>,
    /// <c>LoadAsync</c>, a <c>Reference</c>'s too).
    /// </summary>
    private static bool MakesItsOwnQuery(IInvocationOperation invocation) =>
        invocation.Instance is { Type: { } type }
        && invocation.TargetMethod.Name switch
        {
            "Find" or "FindAsync" => IsQuery(type) || IsDbContext(type),
            "Load" or "LoadAsync" => IsNavigationEntry(type),
            _ => false,
        };

    /// <summary>
    /// Whether the rows a per-element <c>Find</c> (in the member's own code, not a lambda's or a local function's, which
    /// may run anywhere) looks up were loaded into the context before: a statement of the member's own code before it gives
    /// a query of their type, from the same context and tracked, to <c>Load</c> or <c>LoadAsync</c>
    /// (<c>db.Customers.Where(c =&gt; ids.Contains(c.Id)).Load();</c>). EF Core's <c>Find</c> answers from the rows it
    /// tracks, without a round trip, which is how N+1 is fixed with it. Asked only once such a <c>Find</c> is found.
    /// </summary>
    private static bool LoadedBefore(IInvocationOperation find)
    {
        var found = find.Instance?.Type is { } set && QueriedType(set) is { } element ? element
            : find.TargetMethod.TypeArguments.Length == 1 ? find.TargetMethod.TypeArguments[0]
            : null;
        if (found is null || find.SemanticModel is not { } model || OwnCode(find.Syntax) is not { } code)
            return false;
        var context = Leftmost(find.Syntax);
        return code.DescendantNodes(node => node.SpanStart < find.Syntax.SpanStart && node is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax))
            .OfType<ExpressionStatementSyntax>()
            .Any(statement => statement.Span.End <= find.Syntax.SpanStart
                && (statement.Expression is AwaitExpressionSyntax awaited ? awaited.Expression : statement.Expression) is var loading
                && (loading is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ConfigureAwait", Expression: var configured } } ? configured : loading)
                    is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Load" or "LoadAsync" } } call
                && Leftmost(call) == context && !call.ToString().Contains("AsNoTracking")
                && model.GetSymbolInfo(call).Symbol is IMethodSymbol load
                && (load.ReducedFrom is null ? load.Parameters.FirstOrDefault()?.Type : load.ReceiverType) is { } source && IsQuery(source)
                && SymbolEqualityComparer.Default.Equals(QueriedType(source), found));

        // The member's own code around a node: its declaration, or the program of top-level statements; none inside a
        // lambda or a local function.
        static SyntaxNode? OwnCode(SyntaxNode node)
        {
            for (var current = node.Parent; current is not null; current = current.Parent)
            {
                switch (current)
                {
                    case AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax:
                        return null;
                    case GlobalStatementSyntax { Parent: { } program }:
                        return program;
                    case MemberDeclarationSyntax member:
                        return member;
                }
            }

            return null;
        }

        // The name a chain of calls and members starts from: `db` of `db.Customers.Where(...).Load()`.
        static string? Leftmost(SyntaxNode node)
        {
            while (true)
            {
                switch (node)
                {
                    case InvocationExpressionSyntax call:
                        node = call.Expression;
                        break;
                    case MemberAccessExpressionSyntax access:
                        node = access.Expression;
                        break;
                    case IdentifierNameSyntax name:
                        return name.Identifier.ValueText;
                    case ThisExpressionSyntax:
                        return "this";
                    default:
                        return null;
                }
            }
        }
    }

    /// <summary>The <c>T</c> of the <c>IQueryable&lt;T&gt;</c> a type is or implements.</summary>
    private static ITypeSymbol? QueriedType(ITypeSymbol type) =>
        (type is INamedTypeSymbol named ? type.AllInterfaces.Prepend(named) : type.AllInterfaces)
            .FirstOrDefault(static i => i is { Name: "IQueryable", Arity: 1 } && SequenceFacts.IsIn(i.ContainingNamespace, "System", "Linq"))?.TypeArguments[0];

    /// <summary>EF Core's <c>NavigationEntry</c>: a <c>CollectionEntry</c> or <c>ReferenceEntry</c> of a tracked entity.</summary>
    private static bool IsNavigationEntry(ITypeSymbol type) => DerivesFrom(type, "NavigationEntry", "Microsoft", "EntityFrameworkCore", "ChangeTracking");

    /// <summary>Whether <paramref name="type"/> is, or derives from, the class <paramref name="name"/> of the namespace <paramref name="ns"/>.</summary>
    private static bool DerivesFrom(ITypeSymbol? type, string name, params string[] ns)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            if (current.Name == name && SequenceFacts.IsIn(current.ContainingNamespace, ns))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The query <paramref name="invocation"/> executes: by <c>Find</c>, by enumerating it, or as an [Aggregate] method's
    /// source. With <paramref name="isQuery"/>, what it enumerates that that says is the query (see <see cref="QueryRead"/>).
    /// </summary>
    private static IOperation? ExecutedBy(IInvocationOperation invocation, MultipleEnumerationOptions options, System.Func<IOperation, bool>? isQuery = null)
    {
        if (isQuery is null && MakesItsOwnQuery(invocation))
        {
            return invocation.Instance;
        }

        return SequenceFacts.Classify(invocation.TargetMethod, options) switch
        {
            MethodRole.Enumerating or MethodRole.EnumeratingAndDeferred => ExecutedQuery(invocation, isQuery),
            // An [Aggregate] method executes its source, the first parameter, wherever its argument is written.
            MethodRole.EnumeratingSource => QueryRead(invocation.Arguments.FirstOrDefault(static a => a.Parameter?.Ordinal == 0)?.Value, isQuery),
            _ => null,
        };
    }

    /// <summary>
    /// <c>customers.SelectMany(c =&gt; db.Orders.Where(o =&gt; o.CustomerId == c.Id))</c>: LINQ to Objects enumerates the
    /// query each call of the selector returns, once per element, as a <c>ToList</c> in the lambda would. (A provider's
    /// <c>SelectMany</c> takes an expression tree, which it translates: nothing runs per element there.)
    /// </summary>
    private static void AnalyzeFlattenedQueries(OperationAnalysisContext context, IInvocationOperation invocation)
    {
        foreach (var argument in invocation.Arguments)
        {
            if (Unwrap(argument.Value) is not IDelegateCreationOperation { Target: IAnonymousFunctionOperation selector })
            {
                continue;
            }

            foreach (var returned in selector.Body.Descendants().OfType<IReturnOperation>())
            {
                if (Unwrap(returned.ReturnedValue) is { } query && IsQuery(query.Type) && EnclosingFunction(returned) == selector
                    && PerElementScope(query, query) is { } scope)
                {
                    Report(context, query, scope, query.Syntax, query.Syntax.GetLocation(), "SelectMany");
                }
            }
        }

        // The lambda a return belongs to: the selector's own, not one nested in it.
        static IOperation? EnclosingFunction(IOperation operation)
        {
            var current = operation.Parent;
            while (current is not null and not IAnonymousFunctionOperation)
            {
                current = current.Parent;
            }

            return current;
        }
    }

    /// <summary>A collection built from a query (<c>new List&lt;Order&gt;(query)</c>, <c>new HashSet&lt;int&gt;(ids)</c>), which reads it whole.</summary>
    private static void AnalyzeCreation(OperationAnalysisContext context)
    {
        var creation = (IObjectCreationOperation)context.Operation;
        if (creation.Constructor is not { } constructor || ExecutedQuery(creation.Arguments) is not { } query
            || PerElementScope(creation, query) is not { } scope)
        {
            return;
        }

        if (Reads(constructor, Options(context, creation)))
        {
            var type = creation.Syntax is ObjectCreationExpressionSyntax { Type: var written } ? written : creation.Syntax;
            Report(context, query, scope, creation.Syntax, type.GetLocation(), "new " + constructor.ContainingType.Name);
        }
    }

    /// <summary>
    /// A query spread into a collection expression (<c>List&lt;Order&gt; orders = [.. query]</c>, what IDE0305 makes of
    /// <c>query.ToList()</c>), which reads it whole, as <c>new List&lt;Order&gt;(query)</c> does.
    /// </summary>
    private static void AnalyzeSpread(OperationAnalysisContext context)
    {
        var spread = (ISpreadOperation)context.Operation;
        if (QueryRead(spread.Operand) is { } query && PerElementScope(spread, query) is { } scope)
        {
            var location = spread.Syntax is SpreadElementSyntax written ? written.OperatorToken.GetLocation() : spread.Syntax.GetLocation();
            Report(context, query, scope, spread.Syntax, location, "..");
        }
    }

    /// <summary>Whether a constructor reads the sequences it is given (a collection's, or one the options name).</summary>
    private static bool Reads(IMethodSymbol constructor, MultipleEnumerationOptions options) =>
        SequenceFacts.Classify(constructor, options) is MethodRole.Enumerating or MethodRole.EnumeratingAndDeferred;

    /// <summary>
    /// A helper given as a method group to what runs it per element (<c>customers.Select(ToDto)</c>,
    /// <c>ids.Select(db.Lookup)</c>): each call is the lambda's (<c>c =&gt; ToDto(c)</c>), whose parameters are all element
    /// values, so what the helper's body does with the parameters they fill is judged as a call's arguments are (see
    /// <see cref="UseOfArguments"/>): a batch or a database among them is no N+1; else a query of any of them is the
    /// element's, run once per element.
    /// </summary>
    private static void AnalyzeMethodGroup(OperationAnalysisContext context, HelperQueries helpers)
    {
        var reference = (IMethodReferenceOperation)context.Operation;
        if (!SequenceFacts.RunsPerElement(reference) || IsInExpressionTree(reference) || RunsOverFixedList(reference))
        {
            return;
        }

        // The declared method, whose parameters' ordinals the helper's queries name, and where the delegate's arguments
        // start among them: after the receiver an extension method group is given (`db.Lookup`).
        var called = reference.Method;
        var helper = (called.ReducedFrom ?? called).OriginalDefinition;
        // (The operation names the extension's static method, the receiver as its instance; a reduced one is taken too.)
        var first = called.ReducedFrom is not null || (called.IsExtensionMethod && reference.Instance is not null) ? 1 : 0;
        if ((reference.Parent as IDelegateCreationOperation)?.Type is not INamedTypeSymbol { DelegateInvokeMethod.Parameters: { IsEmpty: false } passed }
            || passed.Length + first != helper.Parameters.Length)
        {
            return;
        }

        foreach (var query in QueriesOf(context, helper, reference, helpers))
        {
            var (elements, shown) = (query.Elements, query.Shown);
            if (Is(elements, IsBatchOrUnknown) || Is(shown, IsBatchOrUnknown) || Is(query.Databases, static _ => true) || Is(elements, IsDatabase))
            {
                continue;   // a batch per call, or a database per element
            }

            // A query the receiver gives (`ids.Select(list.AsQueryable().CountFor)`) is data in memory where it starts so.
            if (query.Given == 0 && first == 1 && reference.Instance is { } receiver && ReadsInMemoryData(receiver))
            {
                continue;
            }

            // The element's own query; else none where a page is filled; else one the element is only shown beside: as
            // for a call.
            var element = FirstFilled(elements) ?? (Is(query.Pages, static _ => true) ? null : FirstFilled(shown));
            if (element is { } ordinal)
            {
                Report(context, query.Query, (helper.Parameters[ordinal], null), reference.Syntax, reference.Syntax.GetLocation(), helper.Name);
                return;
            }
        }

        // The type the delegate passes for the declared parameter, as its invocation declares it (a batch of ints given
        // to an `object` or a generic parameter is a batch); null for one it does not fill (an extension's receiver).
        ITypeSymbol? Passed(int ordinal) => ordinal - first is var index && index >= 0 && index < passed.Length ? passed[index].Type : null;

        bool Is(ImmutableArray<int> ordinals, System.Func<ITypeSymbol, bool> test) => ordinals.Any(ordinal => Passed(ordinal) is { } type && test(type));

        int? FirstFilled(ImmutableArray<int> ordinals) =>
            ordinals.Where(ordinal => Passed(ordinal) is { } type && !IsLoopMachinery(type)).Select(static ordinal => (int?)ordinal).FirstOrDefault();
    }

    /// <summary>
    /// The queries of a helper <paramref name="use"/> calls or names, read from its body once per compilation (and the
    /// options with it): every later use only asks the cache. None for what may run another body (virtual, abstract, an
    /// override) or whose body is in another file.
    /// </summary>
    private static ImmutableArray<HelperQuery> QueriesOf(OperationAnalysisContext context, IMethodSymbol helper, IOperation use, HelperQueries helpers) =>
        helper.MethodKind is not (MethodKind.LocalFunction or MethodKind.Ordinary) || helper.IsVirtual || helper.IsAbstract || helper.IsOverride
        || use.SemanticModel is not { } model
        || helper.DeclaringSyntaxReferences is not { Length: 1 } declarations || declarations[0].SyntaxTree != use.Syntax.SyntaxTree
            ? ImmutableArray<HelperQuery>.Empty
            : helpers.Of(helper, () => HelperQueriesOf(
                helper, model.GetOperation(declarations[0].GetSyntax(context.CancellationToken), context.CancellationToken), Options(context, use)));

    /// <summary>
    /// A helper called per element (a local function, or a method whose body is in the same file) whose body executes a
    /// query built from what the call passes: <c>foreach (var c in customers) total += CountOf(c.Id);</c> with
    /// <c>int CountOf(int id) =&gt; db.Orders.Count(o =&gt; o.CustomerId == id)</c>, or a query it is given
    /// (<c>CountOf(db.Orders.Where(o =&gt; o.CustomerId == c.Id))</c>). Followed one call deep, and only where the body
    /// executes the query once per call.
    /// </summary>
    private static void AnalyzeHelperCall(OperationAnalysisContext context, IInvocationOperation call, HelperQueries helpers)
    {
        if (call.Arguments.IsEmpty || !MayRunPerElement(call))
        {
            return;
        }

        // A lambda kept in a local and called through it (`countOf(c.Id)`, `Func<int, int> countOf = id => db...`) is a
        // helper as a local function is, named by its local.
        var (helper, name, queries) = LambdaCalled(call) is { } lambda
            ? (lambda.Function.Symbol, lambda.Local.Name, helpers.Of(lambda.Function.Symbol, () => HelperQueriesOf(lambda.Function.Symbol, lambda.Function, Options(context, call))))
            : (call.TargetMethod.OriginalDefinition, call.TargetMethod.Name, QueriesOf(context, call.TargetMethod.OriginalDefinition, call, helpers));
        foreach (var query in queries)
        {
            // The call site decides what the helper's parameters hold: the element (a query per element), a batch of
            // elements, a page, or a database per element, as a loop's own query would. A query given is the element's
            // where it reads the element, unless its database does; a database given (a context, a set) is one per
            // element where it reads the element at all. Data in memory is no round trip.
            var elements = ArgumentsFor(query.Elements);
            var databases = ArgumentsFor(query.Databases);
            var given = query.Given is { } ordinal ? ArgumentsFor(ImmutableArray.Create(ordinal)).FirstOrDefault() : null;
            if (query.GivenAsSequence)
            {
                // The query under what reads it in memory: only it goes to the database, as a loop's own query is judged
                // (`all.AsEnumerable().Where(o => o.CustomerId == c.Id)` sends the same command for every element).
                if (QueryRead(given) is not { } sent)
                {
                    continue;   // a sequence in memory: no round trip
                }

                elements = elements.ConvertAll(argument => argument == given ? sent : argument);
                given = sent;
            }

            // Only where the query starts decides whether it is data in memory, as for a query written in the loop.
            if (databases.Append(given).OfType<IOperation>().Any(ReadsInMemoryData))
            {
                continue;
            }

            var elementReads = elements.ConvertAll(static argument => (argument, ReadVariables(argument)));
            var shownReads = ArgumentsFor(query.Shown).ConvertAll(static argument => (argument, ReadVariables(argument)));
            List<ISymbol>? pageReads = null, databaseReads = null;
            var scope = PerElementScope(call, values => UseOfArguments(
                values, elementReads, pageReads ??= ArgumentsFor(query.Pages).SelectMany(ReadVariables).ToList(), shownReads,
                () => databaseReads ??= databases.Select(static database => DatabaseOf(database) ?? database)
                    .Concat(given is not null && DatabaseOf(given) is { } source ? new[] { source } : Enumerable.Empty<IOperation>())
                    .SelectMany(ReadVariables).ToList()));
            if (scope is { } found)
            {
                Report(context, query.Query, found, call.Syntax, NameOf(call).GetLocation(), name);
                return;
            }
        }

        List<IOperation> ArgumentsFor(ImmutableArray<int> parameters) =>
            call.Arguments.Where(argument => argument.Parameter is { } parameter && parameters.Contains(parameter.Ordinal)).Select(static argument => argument.Value).ToList();
    }

    /// <summary>
    /// The lambda a delegate call runs, where the delegate is a local given that lambda where it is declared and assigned
    /// nowhere else.
    /// </summary>
    private static (ILocalSymbol Local, IAnonymousFunctionOperation Function)? LambdaCalled(IInvocationOperation call) =>
        call.TargetMethod.MethodKind == MethodKind.DelegateInvoke
        && Unwrap(call.Instance) is ILocalReferenceOperation local
        && InitializerOf(local) switch { IDelegateCreationOperation creation => creation.Target, var value => value } is IAnonymousFunctionOperation function
        && !IsAssignedAgain(local.Local)
            ? (local.Local, function)
            : null;

    /// <summary>
    /// How a helper's call reads one scope's element values through what it passes, as the query written in the loop
    /// would (<see cref="UseOf"/> over the whole command): a batch through any element argument; else a database; else
    /// the element's query through any of them; else a page, through an element argument that reads it only to page
    /// or through a page argument; else the element's query where it is only shown beside the rows.
    /// </summary>
    private static (ElementUse Use, ISymbol? Element) UseOfArguments(
        List<ElementValue> values, List<(IOperation Argument, List<ISymbol> Read)> elements, List<ISymbol> pageReads,
        List<(IOperation Argument, List<ISymbol> Read)> shown, System.Func<List<ISymbol>> databaseReads)
    {
        var uses = elements.ConvertAll(element => UseOf(values, element.Argument, element.Read, databaseReads));
        var shownUses = shown.ConvertAll(value => UseOf(values, value.Argument, value.Read, databaseReads));
        if (uses.Concat(shownUses).Any(static use => use.Use == ElementUse.Batch))
        {
            return (ElementUse.Batch, null);
        }

        if (uses.Concat(shownUses).Any(static use => use.Use == ElementUse.Database) || Reads(databaseReads()))
        {
            return (ElementUse.Database, null);
        }

        if (uses.Find(static use => use.Use == ElementUse.Query) is { Use: ElementUse.Query } query)
        {
            return query;
        }

        if (uses.Exists(static use => use.Use == ElementUse.Page) || Reads(pageReads))
        {
            return (ElementUse.Page, null);
        }

        return shownUses.Find(static use => use.Use == ElementUse.Query) is { Use: ElementUse.Query } shownQuery ? shownQuery : (ElementUse.None, null);

        bool Reads(List<ISymbol> read) => read.Any(variable => values.Any(value => SymbolEqualityComparer.Default.Equals(value.Value, variable)));
    }

    /// <summary>Whether a call sits in a loop or a lambda, the only places a call runs per element: a cheap test before the helper's body is read.</summary>
    private static bool MayRunPerElement(IOperation call)
    {
        for (var scope = call.Parent; scope is not null; scope = scope.Parent)
        {
            if (scope is IForEachLoopOperation or IAnonymousFunctionOperation)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The queries a helper's body executes once per call, each built from one parameter (the element it would be given
    /// in a loop) or given as one: see <see cref="AnalyzeHelperCall"/>.
    /// </summary>
    private static ImmutableArray<HelperQuery> HelperQueriesOf(IMethodSymbol helper, IOperation? declaration, MultipleEnumerationOptions options)
    {
        var body = declaration switch
        {
            ILocalFunctionOperation function => function.Body ?? function.IgnoredBody,
            IMethodBodyOperation method => method.BlockBody ?? method.ExpressionBody,
            IAnonymousFunctionOperation lambda => lambda.Body,
            _ => null,
        };
        // An iterator's body runs as its result is read, not where it is called (a foreach over that is reported itself).
        if (body is null || body.Descendants().Any(static operation => operation.Kind is OperationKind.YieldReturn or OperationKind.YieldBreak))
        {
            return ImmutableArray<HelperQuery>.Empty;
        }

        var parameters = helper.Parameters.Where(static parameter => !IsLoopMachinery(parameter.Type)).ToList();
        var valuesOf = parameters.ToDictionary(static parameter => parameter, parameter => ValuesOf(new[] { parameter }, body), SymbolEqualityComparer.Default);
        var found = ImmutableArray.CreateBuilder<HelperQuery>();
        foreach (var (execution, query) in ExecutionsOf(body, options))
        {
            if (!RunsOncePerCall(execution, body))
            {
                continue;
            }

            // A local function a loop's body declares and only calls is part of that body: a query in it that reads the
            // loop's element is reported where it executes (by a call, a foreach or a collection built from it, as
            // AnalyzeInvocation, AnalyzeLoop and AnalyzeCreation judge it), not again where the function is called.
            if (helper.MethodKind is MethodKind.LocalFunction or MethodKind.AnonymousFunction
                && (execution is IInvocationOperation invocation ? CandidateQuery(invocation) : query) is { } candidate
                && PerElementScope(execution, candidate) is not null)
            {
                continue;
            }

            // Each parameter is, to this query, its element (the call site then tells a row from a batch, as a loop's
            // element is told), a page, its database, or nothing.
            var command = ReadsInMemory(execution, query) ? query : execution;
            var read = ReadVariables(command);
            var database = DatabaseOf(query) is { } source ? ReadVariables(source) : new List<ISymbol>();
            var (elements, pages, shown, databases) =
                (ImmutableArray.CreateBuilder<int>(), ImmutableArray.CreateBuilder<int>(), ImmutableArray.CreateBuilder<int>(), ImmutableArray.CreateBuilder<int>());
            foreach (var parameter in parameters)
            {
                var values = valuesOf[parameter];
                var readHere = values.Where(value => read.Contains(value.Value, SymbolEqualityComparer.Default)).ToList();
                if (IsTheDatabase(values, readHere, command, database))
                {
                    databases.Add(parameter.Ordinal);
                }
                else if (readHere.Count > 0)
                {
                    // Only shown beside the rows: the element's, unless the call pages by the same element (as a loop's
                    // element read so is).
                    (readHere.All(value => IsPaged(command, value.Value)) ? pages
                        : readHere.All(value => IsPaged(command, value.Value, orOnlyShown: true)) ? shown
                        : elements).Add(parameter.Ordinal);
                }
            }

            // A query the helper is given, executed as it is or with more operators: the caller's query, per element where
            // the caller builds it from the element (its database, where it starts, is what DatabaseOf finds in it).
            int? givenQuery = null;
            if (ChainStart(query) is IParameterReferenceOperation { Parameter: var given } && parameters.Contains(given, SymbolEqualityComparer.Default))
            {
                givenQuery = given.Ordinal;
                databases.Remove(given.Ordinal);
                elements.Add(given.Ordinal);
            }

            if (elements.Count > 0 || shown.Count > 0)
            {
                found.Add(new HelperQuery(query, elements.ToImmutable(), pages.ToImmutable(), shown.ToImmutable(), databases.ToImmutable(), givenQuery));
            }
        }

        // A sequence the helper is given and enumerates (`orders.Sum(o => o.Total)` over an IEnumerable<Order>): a query
        // where the caller passes one, which each call then executes, the element's where the caller builds it so.
        var sequences = parameters.Where(static parameter => SequenceFacts.IsSequenceLike(parameter.Type) && !IsQuery(parameter.Type)).ToList();
        if (sequences.Count > 0)
        {
            var enumerated = new HashSet<int>();
            foreach (var (execution, reference) in ExecutionsOf(body, options, value => value is IParameterReferenceOperation { Parameter: var parameter } && sequences.Contains(parameter, SymbolEqualityComparer.Default)))
            {
                if (reference is IParameterReferenceOperation { Parameter.Ordinal: var ordinal } && RunsOncePerCall(execution, body) && enumerated.Add(ordinal))
                {
                    var none = ImmutableArray<int>.Empty;
                    found.Add(new HelperQuery(reference, ImmutableArray.Create(ordinal), none, none, none, ordinal, GivenAsSequence: true));
                }
            }
        }

        return found.ToImmutable();
    }

    /// <summary>
    /// What executes a query in a body, with the query: a call, a <c>foreach</c> over it, a collection built from it (a
    /// query as <paramref name="isQuery"/> says, see <see cref="QueryRead"/>).
    /// </summary>
    private static IEnumerable<(IOperation Execution, IOperation Query)> ExecutionsOf(IOperation body, MultipleEnumerationOptions options, System.Func<IOperation, bool>? isQuery = null)
    {
        foreach (var operation in body.Descendants())
        {
            var executed = operation switch
            {
                IInvocationOperation invocation => (invocation, ExecutedBy(invocation, options, isQuery)),
                IForEachLoopOperation loop => (loop.Collection, QueryRead(loop.Collection, isQuery)),
                IObjectCreationOperation { Constructor: { } constructor } creation when Reads(constructor, options) => (creation, ExecutedQuery(creation.Arguments, isQuery)),
                _ => ((IOperation?)null, (IOperation?)null),
            };
            if (executed is ({ } execution, { } query))
            {
                yield return (execution, query);
            }
        }
    }

    /// <summary>
    /// Whether an execution in a helper's body runs once per call: not in a loop of its own (which this analyzer reports
    /// where it is), nor in a lambda or a local function, which may run any number of times.
    /// </summary>
    private static bool RunsOncePerCall(IOperation execution, IOperation body)
    {
        for (var scope = execution.Parent; scope is not null && scope != body; scope = scope.Parent)
        {
            switch (scope)
            {
                case IForEachLoopOperation loop when IsWithin(execution, loop.Collection):
                    continue;   // the loop's collection is read once
                case IAnonymousFunctionOperation lambda when SequenceFacts.RunsWhereCalled(lambda):
                    continue;
                case ILoopOperation or IAnonymousFunctionOperation or ILocalFunctionOperation:
                    return false;
            }
        }

        return true;
    }

    /// <summary>
    /// A query a helper executes once per call, with the ordinals of the parameters that are, to it, its element (any of
    /// them), its pages, values only shown beside its rows, and its database, and of the one it is,
    /// <paramref name="Given"/>, where it is given (one of the elements: the query the caller builds). Where
    /// <paramref name="GivenAsSequence"/>, that parameter is a sequence the helper enumerates, a query only where the
    /// call passes one.
    /// </summary>
    private readonly record struct HelperQuery(
        IOperation Query, ImmutableArray<int> Elements, ImmutableArray<int> Pages, ImmutableArray<int> Shown, ImmutableArray<int> Databases, int? Given,
        bool GivenAsSequence = false);

    /// <summary>The queries of each helper, read from its body once per compilation.</summary>
    private sealed class HelperQueries
    {
        private readonly ConcurrentDictionary<IMethodSymbol, ImmutableArray<HelperQuery>> _byHelper = new(SymbolEqualityComparer.Default);

        public ImmutableArray<HelperQuery> Of(IMethodSymbol helper, System.Func<ImmutableArray<HelperQuery>> read) =>
            _byHelper.TryGetValue(helper, out var queries) ? queries : _byHelper.GetOrAdd(helper, read());
    }

    /// <summary>
    /// Whether <paramref name="query"/>, a query operand in the tree of the semantic model (not a flow graph's copy), is
    /// executed per element where this analyzer reports it: by the call it is an argument or the instance of, or by the
    /// <c>foreach</c> it is the collection of. MAGG002 leaves such an execution's repeats to MAGG004.
    /// </summary>
    internal static bool IsPerElementExecution(IOperation query)
    {
        var execution = query;
        while (execution.Parent is IConversionOperation or IArgumentOperation)
        {
            execution = execution.Parent;
        }

        execution = execution.Parent switch
        {
            IInvocationOperation invocation => invocation,
            IObjectCreationOperation creation => creation,
            IForEachLoopOperation loop when loop.Collection == execution => execution,
            _ => null,
        };
        return execution is not null && PerElementScope(execution, query) is not null && !ReadsInMemoryData(query);
    }

    /// <summary>A <c>foreach</c> (or <c>await foreach</c>) over a query, itself inside a loop over rows.</summary>
    private static void AnalyzeLoop(OperationAnalysisContext context)
    {
        if (context.Operation is IForEachLoopOperation loop && QueryRead(loop.Collection) is { } collection
            && PerElementScope(loop.Collection, collection) is { } scope)
        {
            Report(context, collection, scope, loop.Collection.Syntax, loop.Collection.Syntax.GetLocation(), "foreach");
        }
    }

    private static void Report(
        OperationAnalysisContext context, IOperation query, (ISymbol Element, IForEachLoopOperation? Loop) scope, SyntaxNode execution, Location location, string what)
    {
        if (ReadsInMemoryData(query))
        {
            return;
        }

        var additional = scope.Loop is null ? Enumerable.Empty<Location>() : new[] { scope.Loop.Collection.Syntax.GetLocation() };
        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.QueryPerElement, location, additional, what, ElementName(scope.Element, execution, query.SemanticModel)));
    }

    /// <summary>
    /// The element's name as the code writes it. In query syntax (<c>from a in xs from b in ys where ...</c>) the lambda
    /// the compiler makes takes a transparent identifier the code never names: name the range variable the execution reads.
    /// </summary>
    private static string ElementName(ISymbol element, SyntaxNode execution, SemanticModel? model)
    {
        if (!element.IsImplicitlyDeclared && SyntaxFacts.IsValidIdentifier(element.Name))
        {
            return element.Name;
        }

        var rangeVariable = model is null
            ? null
            : execution.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>()
                .Select(name => model.GetSymbolInfo(name).Symbol)
                .OfType<IRangeVariableSymbol>()
                .FirstOrDefault();
        return rangeVariable?.Name ?? "element";
    }

    /// <summary>
    /// The nearest enclosing loop over rows (a <c>foreach</c> body, or a lambda run per element) whose element the
    /// execution reads, and that element; none when a batch or page loop, an expression tree, a lambda run once or a
    /// local function comes first.
    /// </summary>
    private static (ISymbol Element, IForEachLoopOperation? Loop)? PerElementScope(IOperation execution, IOperation query)
    {
        if (IsInExpressionTree(execution))
        {
            return null;   // the provider translates the call, nested lambdas and all: nothing runs per element here
        }

        // What the database runs: the whole execution (its predicate is part of the command), or only the query where the
        // execution reads it in memory (`query.AsEnumerable().Count(o => o.CustomerId == c.Id)` sends the same command for
        // every element, MAGG002's to report).
        var command = ReadsInMemory(execution, query) ? query : execution;
        List<ISymbol>? read = null, database = null;   // what the command and its database read: collected once, where needed
        return PerElementScope(execution, values => UseOf(
            values, command, read ??= ReadVariables(command), () => database ??= DatabaseOf(query) is { } source ? ReadVariables(source) : new List<ISymbol>()));
    }

    /// <summary>
    /// The nearest enclosing loop over rows around <paramref name="execution"/> whose element values it reads as
    /// <paramref name="useOf"/> says (the query's own, or a helper's call's arguments), and that element.
    /// </summary>
    private static (ISymbol Element, IForEachLoopOperation? Loop)? PerElementScope(
        IOperation execution, System.Func<List<ElementValue>, (ElementUse Use, ISymbol? Element)> useOf)
    {
        if (SequenceFacts.FillsCache(execution))
        {
            return null;   // `if (first) { ...; first = false; }`: once, whatever runs it again
        }

        // After a `return` that follows the execution, the loops up to the function it returns from run it once.
        var returned = false;
        // Where the way out of a loop is looked for: from the execution, or from the lambda it runs in (a fixed list's,
        // or one run where it is called), whose call the statements after it follow.
        var exitFrom = execution;
        for (var scope = execution.Parent; scope is not null; scope = scope.Parent)
        {
            if (returned && scope is IForEachLoopOperation)
            {
                continue;
            }

            returned &= scope is not (IAnonymousFunctionOperation or ILocalFunctionOperation);
            List<ElementValue> values;
            IForEachLoopOperation? loop = null;
            switch (scope)
            {
                case IAnonymousFunctionOperation lambda when SequenceFacts.RunsPerElement(lambda):
                    if (RunsOverFixedList(lambda))
                    {
                        exitFrom = lambda;
                        continue;   // kinds.Select(k => db.Orders.Count(...)): as a foreach over them
                    }

                    values = ValuesOf(lambda.Symbol.Parameters.Where(static parameter => !IsLoopMachinery(parameter.Type)), lambda.Body);
                    break;
                case IAnonymousFunctionOperation lambda when SequenceFacts.RunsWhereCalled(lambda):
                    exitFrom = lambda;
                    continue;   // an execution strategy's, a task's: the code around it, run per element if that is
                case ILocalFunctionOperation function when CallsAround(function) is { } calls:
                    // Declared and called in the loop's body, reading its element: part of that body, where the way out
                    // of the loop is looked for from its call (with more than one, none is taken as leaving).
                    if (calls.Count == 1)
                    {
                        exitFrom = calls[0];
                    }

                    continue;
                case IAnonymousFunctionOperation or ILocalFunctionOperation:
                    return null;   // runs once, or who knows when: not a loop of ours
                case IForEachLoopOperation forEach when IsWithin(execution, forEach.Body):
                    if (IsFixedList(forEach.Collection))
                    {
                        // A handful of values written in the code: a query per value, on purpose, but a loop over rows
                        // around it still runs those queries per row (N times k).
                        continue;
                    }

                    if (IsLiveStream(forEach.Collection))
                    {
                        return null;   // messages that arrive over time: none can be fetched before it comes
                    }

                    (values, loop) = (ValuesOf(forEach.Locals.Where(local => IsIterationVariable(local, forEach)), forEach.Body), forEach);
                    break;
                default:
                    continue;
            }

            switch (useOf(values))
            {
                case (ElementUse.Query, var element):
                    switch (loop is null ? LoopExit.None : ExitAfter(exitFrom, loop))
                    {
                        case LoopExit.Member:
                            returned = true;   // a search that returns what it found: once per call of its function,
                            continue;          // which a lambda run per element may repeat
                        case LoopExit.Loop:
                            continue;          // once per run of this loop, which an outer loop may repeat
                    }

                    return (element!, loop);
                case (ElementUse.Batch or ElementUse.Page, _):
                    return null;   // a different query per iteration on purpose, which no outer loop turns into N+1
            }
        }

        return null;
    }

    /// <summary>
    /// The calls of a local function declared inside a <c>foreach</c> body, or a lambda run per element
    /// (<c>customers.ForEach(c =&gt; { ... })</c>, <c>Parallel.ForEachAsync</c>'s) or where it is called, where it is only
    /// called there, by name, not handed on as a delegate (which may run later, or never): its body runs where it is
    /// called, with the element it captures. Null where it is not.
    /// </summary>
    private static List<IOperation>? CallsAround(ILocalFunctionOperation function)
    {
        var around = function.Parent;
        while (around is not null and not (IForEachLoopOperation or IAnonymousFunctionOperation or ILocalFunctionOperation))
        {
            around = around.Parent;
        }

        var body = around switch
        {
            IForEachLoopOperation loop when IsWithin(function, loop.Body) => loop.Body,
            IAnonymousFunctionOperation lambda when SequenceFacts.RunsPerElement(lambda) || SequenceFacts.RunsWhereCalled(lambda) => lambda.Body,
            _ => null,
        };
        if (body is null)
        {
            return null;
        }

        var uses = body.Descendants()
            .Where(operation => operation switch
            {
                IInvocationOperation call => SymbolEqualityComparer.Default.Equals(call.TargetMethod, function.Symbol),
                IMethodReferenceOperation reference => SymbolEqualityComparer.Default.Equals(reference.Method, function.Symbol),
                _ => false,
            })
            .ToList();
        return uses.Count > 0 && uses.All(static use => use is IInvocationOperation) ? uses : null;
    }

    /// <summary>What a <c>continue</c> or <c>goto</c> in a statement skips of the statements after it (<see cref="ExitAfter"/>).</summary>
    private enum Skip
    {
        /// <summary>None leaves the statement.</summary>
        Nothing,

        /// <summary>A continue of a loop inside the loop's body: the rest of that inner loop's body, not what follows the inner loop.</summary>
        RestOfInnerLoop,

        /// <summary>A continue of the loop or one around it, or a goto: the rest of this iteration.</summary>
        ThisIteration,
    }

    /// <summary>How the code around an execution leaves a loop it runs in once it has run (<see cref="ExitAfter"/>).</summary>
    private enum LoopExit
    {
        /// <summary>Not on every path: the loop goes on to the next element.</summary>
        None,

        /// <summary>By <c>break</c>: the loop ends, the member goes on.</summary>
        Loop,

        /// <summary>By <c>return</c>, <c>yield break</c> or a <c>throw</c> nothing in the loop catches: the function it is in ends.</summary>
        Member,
    }

    /// <summary>
    /// Whether every path from <paramref name="execution"/> leaves <paramref name="loop"/> before its next element: the
    /// execution is returned or thrown, or a later statement of a block around it, in the loop's body, returns, throws or
    /// breaks out of the loop with no <c>continue</c> or <c>goto</c> before it. A lambda or local function between them
    /// returns from itself, not from the loop.
    /// </summary>
    private static LoopExit ExitAfter(IOperation execution, IForEachLoopOperation loop)
    {
        var around = new List<(IOperation Child, IOperation Parent)>();
        for (IOperation child = execution, parent = execution.Parent!; parent is not null && child != loop.Body; child = parent, parent = parent.Parent!)
        {
            if (parent is IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                return LoopExit.None;
            }

            around.Add((child, parent));
        }

        foreach (var (child, parent) in around)
        {
            var exit = Exit(parent);   // `return db.Orders.Where(...).ToList();`
            if (exit != LoopExit.None)
            {
                return exit;
            }

            var statements = parent switch
            {
                IBlockOperation block => block.Operations,
                ISwitchCaseOperation section => section.Body,
                _ => ImmutableArray<IOperation>.Empty,
            };
            if (statements.IsEmpty)
            {
                continue;
            }

            // The statement holding the execution may go on to the next element itself (`if (db...Any(...)) continue;`),
            // or to the next value of an inner loop (a fixed list's), whose end the statements after it still follow.
            switch (Skips(child))
            {
                case Skip.ThisIteration:
                    return LoopExit.None;
                case Skip.RestOfInnerLoop:
                    continue;
            }

            foreach (var statement in statements.SkipWhile(statement => statement != child).Skip(1))
            {
                exit = Exit(statement);
                if (exit != LoopExit.None)
                {
                    return exit;
                }

                var skip = Skips(statement);
                if (skip == Skip.ThisIteration)
                {
                    return LoopExit.None;   // the exit may be skipped
                }

                if (skip == Skip.RestOfInnerLoop)
                {
                    break;
                }
            }
        }

        return LoopExit.None;

        // What a continue or goto that leaves the statement skips: a continue of a loop inside the loop's body only the
        // rest of that inner loop's body; a continue of the loop (or of one around it), or a goto, the rest of this
        // iteration. One that stays inside the statement (its own loop's, a label of its own) skips nothing after it.
        Skip Skips(IOperation statement)
        {
            var skip = Skip.Nothing;
            foreach (var branch in statement.DescendantsAndSelf().OfType<IBranchOperation>())
            {
                var leaves = branch.BranchKind switch
                {
                    BranchKind.Continue => Continued(branch, statement),
                    BranchKind.GoTo when !statement.DescendantsAndSelf().Any(o => o is ILabeledOperation labeled && SymbolEqualityComparer.Default.Equals(labeled.Label, branch.Target)) => Skip.ThisIteration,
                    _ => Skip.Nothing,
                };
                if (leaves == Skip.ThisIteration)
                {
                    return leaves;
                }

                skip = leaves == Skip.Nothing ? skip : leaves;
            }

            return skip;
        }

        // The loop a continue continues encloses it: found before the statement, it stays inside; between the statement
        // and the loop, it is an inner loop's; else it is the loop's, or one's around it.
        Skip Continued(IBranchOperation branch, IOperation statement)
        {
            var passedStatement = branch == statement;
            for (var around = branch.Parent; around is not null && around != loop; around = around.Parent)
            {
                if (around is ILoopOperation continued && SymbolEqualityComparer.Default.Equals(continued.ContinueLabel, branch.Target))
                {
                    return passedStatement ? Skip.RestOfInnerLoop : Skip.Nothing;
                }

                passedStatement |= around == statement;
            }

            return Skip.ThisIteration;
        }

        LoopExit Exit(IOperation statement) => statement switch
        {
            IReturnOperation { Kind: OperationKind.Return or OperationKind.YieldBreak } => LoopExit.Member,
            IThrowOperation or IExpressionStatementOperation { Operation: IThrowOperation } when !IsCaughtWithin(statement, loop) => LoopExit.Member,
            IBranchOperation { BranchKind: BranchKind.Break } branch when SymbolEqualityComparer.Default.Equals(branch.Target, loop.ExitLabel) => LoopExit.Loop,
            _ => LoopExit.None,
        };
    }

    /// <summary>Whether a <c>try</c> inside <paramref name="loop"/> catches what <paramref name="thrower"/> throws.</summary>
    private static bool IsCaughtWithin(IOperation thrower, IForEachLoopOperation loop)
    {
        for (IOperation child = thrower, parent = thrower.Parent!; parent is not null && child != loop.Body; child = parent, parent = parent.Parent!)
        {
            if (parent is ITryOperation { Catches.Length: > 0 } handled && handled.Body == child)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>How a command reads the element values of one scope: a loop's, or a lambda's run per element.</summary>
    private enum ElementUse
    {
        /// <summary>It reads none of them.</summary>
        None,

        /// <summary>As a batch (or an element whose type did not bind, which may be one): never N+1.</summary>
        Batch,

        /// <summary>Only to page through the rows (<c>Skip</c>, <c>Take</c>), and shown beside them: never N+1.</summary>
        Page,

        /// <summary>Through the database it queries: one per element, which no one query can serve.</summary>
        Database,

        /// <summary>As the element's own query: N+1 where the scope runs per element.</summary>
        Query,
    }

    /// <summary>
    /// How <paramref name="command"/>, which reads the variables <paramref name="read"/>, reads <paramref name="values"/>;
    /// with the element it reads, for <see cref="ElementUse.Query"/>.
    /// </summary>
    private static (ElementUse Use, ISymbol? Element) UseOf(List<ElementValue> values, IOperation command, List<ISymbol> read, System.Func<List<ISymbol>> databaseReads)
    {
        var readHere = values.Where(value => read.Contains(value.Value, SymbolEqualityComparer.Default)).ToList();
        if (readHere.Count == 0)
        {
            return (ElementUse.None, null);
        }

        // Batches and pages: a different query per iteration on purpose. An element whose type did not bind may be
        // either: unknown, so not reported.
        if (readHere.Any(value => IsBatchRead(command, value)))
        {
            return (ElementUse.Batch, null);
        }

        if (readHere.All(value => IsPaged(command, value.Value)))
        {
            return (ElementUse.Page, null);
        }

        // A query per database; an outer loop may still repeat it.
        if (IsTheDatabase(values, readHere, command, databaseReads()))
        {
            return (ElementUse.Database, null);
        }

        return (ElementUse.Query, readHere[0].Element);
    }

    /// <summary>
    /// Whether <paramref name="values"/> (of which the command reads <paramref name="readHere"/>) give the command its
    /// database, a context or set that comes from them: one per tenant, one per shard (the database reads
    /// <paramref name="database"/>), or a set an element holds, read by the query directly or through the locals computed
    /// from it (a dictionary of sets, each joined into the query).
    /// </summary>
    private static bool IsTheDatabase(List<ElementValue> values, List<ElementValue> readHere, IOperation command, List<ISymbol> database) =>
        database.Any(variable => values.Any(value => SymbolEqualityComparer.Default.Equals(value.Value, variable)))
        || readHere.Any(static value => value.FromSet) || ReadsASetOf(command, readHere);

    /// <summary>
    /// Whether <paramref name="execution"/> reaches <paramref name="query"/> through a call that reads it in memory, or
    /// through a local that holds it read so (a query outside the execution: see <see cref="QueryRead"/>).
    /// </summary>
    private static bool ReadsInMemory(IOperation execution, IOperation query)
    {
        for (var current = query.Parent; current != execution; current = current.Parent)
        {
            if (current is null or IInvocationOperation)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A per-element lambda's parameter that is not the element: <c>Parallel.ForEachAsync</c>'s token, <c>Parallel.ForEach</c>'s
    /// loop state. A context made with the token (<c>CreateDbContextAsync(ct)</c>) is not one per element.
    /// </summary>
    private static bool IsLoopMachinery(ITypeSymbol type) =>
        (type.Name == "CancellationToken" && SequenceFacts.IsIn(type.ContainingNamespace, "System", "Threading"))
        || (type.Name == "ParallelLoopState" && SequenceFacts.IsIn(type.ContainingNamespace, "System", "Threading", "Tasks"));

    /// <summary>Whether <paramref name="operation"/> is part of a lambda quoted as an expression tree, however deeply nested.</summary>
    private static bool IsInExpressionTree(IOperation operation)
    {
        for (var scope = operation.Parent; scope is not null; scope = scope.Parent)
        {
            if (scope is IAnonymousFunctionOperation lambda && SequenceFacts.IsQuoted(lambda))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A stream read as its messages arrive, in place or kept in a local: a channel's <c>ReadAllAsync</c>, a blocking
    /// collection's <c>GetConsumingEnumerable</c>, a gRPC request stream's <c>ReadAllAsync</c>. A message's rows cannot be fetched before
    /// the loop, with the others', since the others have not come yet.
    /// </summary>
    private static bool IsLiveStream(IOperation collection)
    {
        // `var messages = reader.ReadAllAsync(ct);`, then the loop over `messages`.
        var stream = KeptValue(Unwrap(collection)!);

        // `reader.ReadAllAsync(ct).ConfigureAwait(false)`, `.WithCancellation(ct)`: the same stream.
        while (stream is IInvocationOperation { TargetMethod.Name: "ConfigureAwait" or "WithCancellation" } configured
               && (configured.Instance ?? configured.Arguments.FirstOrDefault()?.Value) is { } configuredStream)
        {
            stream = Unwrap(configuredStream);
        }

        return stream is IInvocationOperation { TargetMethod: var method }
            && (method.ReducedFrom ?? method) is { ContainingType: { } type, Name: var name }
            && (name, type.Name) switch
            {
                ("ReadAllAsync", "ChannelReader") => SequenceFacts.IsIn(type.ContainingNamespace, "System", "Threading", "Channels"),
                ("GetConsumingEnumerable", "BlockingCollection") => SequenceFacts.IsIn(type.ContainingNamespace, "System", "Collections", "Concurrent"),
                ("ReadAllAsync", "AsyncStreamReaderExtensions") => SequenceFacts.IsIn(type.ContainingNamespace, "Grpc", "Core"),
                _ => false,
            };
    }

    /// <summary>
    /// Whether the lambda or method group run per element is given the elements of a fixed list (<see cref="IsFixedList"/>):
    /// the sequence the call taking it reads, its receiver or its first argument (<c>kinds.Select(k =&gt; ...)</c>).
    /// </summary>
    private static bool RunsOverFixedList(IOperation function)
    {
        if (SequenceFacts.PassedAs(function) is not { Parent: IInvocationOperation invocation })
            return false;

        return ReceiverOf(invocation) is { } source && IsFixedList(source);
    }

    /// <summary>What a call is made on: its instance, or an extension method's first argument.</summary>
    private static IOperation? ReceiverOf(IInvocationOperation invocation) =>
        invocation.TargetMethod.IsExtensionMethod && invocation.Instance is null
            ? invocation.Arguments.FirstOrDefault(static a => a.Parameter?.Ordinal == 0)?.Value
            : invocation.Instance;

    /// <summary>
    /// A collection of constants written in the code: an array or collection expression of literals, enum members or
    /// tuples of them, or a list of them built with a collection initializer (<c>new List&lt;Kind&gt; { ... }</c>), in
    /// place, in a <c>static readonly</c> field of the same file (<c>[(Kind.Genre, 3), (Kind.Tag, 1)]</c>), or in a local
    /// assigned nowhere else; or an enum's values (<c>Enum.GetValues&lt;Status&gt;()</c>), or <c>Enumerable.Range</c> of constants;
    /// or such a list filtered, cast, ordered or copied (<c>Enum.GetValues(typeof(Kind)).Cast&lt;Kind&gt;()</c>,
    /// <c>.Where(k =&gt; k != Kind.None)</c>, <c>.ToFrozenSet()</c>): some of the same constants.
    /// </summary>
    /// <param name="counter">Whether an <c>Enumerable.Range</c> counts: a loop's counter written in place, not a table of ids
    /// kept as an array (<c>Enumerable.Range(0, 100).ToArray()</c>).</param>
    /// <param name="depth">How many operators the list has been followed through: a field whose initializer reads itself
    /// (<c>Kinds = Kinds.Where(...).ToArray()</c>, which compiles) is followed no further than a list is written.</param>
    private static bool IsFixedList(IOperation collection, bool counter = true, int depth = 0)
    {
        var value = Unwrap(collection);
        if (value is IFieldReferenceOperation { Field: { IsStatic: true, IsReadOnly: true } field }
            && field.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax() is VariableDeclaratorSyntax { Initializer.Value: { } initializer }
            && value.SemanticModel is { } model
            && model.SyntaxTree == initializer.SyntaxTree)
        {
            value = Unwrap(model.GetOperation(initializer));   // a field declared in the file of the loop (as such lists are)
        }
        else
        {
            value = KeptValue(value!);   // a local the list is written into
        }

        if (value is IInvocationOperation { TargetMethod: { Name: "GetValues", ContainingType.SpecialType: SpecialType.System_Enum } })
        {
            return true;
        }

        if (value is IInvocationOperation kept && KeepsSomeOfItsSource(kept.TargetMethod) && ReceiverOf(kept) is { } source)
        {
            return depth < 8 && IsFixedList(source, counter: false, depth + 1);
        }

        // Enumerable.Range(1, 12): a for loop's counter, written as a sequence.
        if (counter && value is IInvocationOperation { TargetMethod: { Name: "Range", ContainingType: { Name: "Enumerable" } enumerable }, Arguments: var bounds }
            && SequenceFacts.IsIn(enumerable.ContainingNamespace, "System", "Linq")
            && bounds.All(static b => b.Value.ConstantValue.HasValue))
        {
            return true;
        }

        var elements = value switch
        {
            IArrayCreationOperation { Initializer: { } items } => items.ElementValues,
            ICollectionExpressionOperation expression => expression.Elements,
            IObjectCreationOperation { Initializer: IObjectOrCollectionInitializerOperation { Initializers: { IsEmpty: false } adds } } when adds.All(static a => a is IInvocationOperation { Arguments.Length: 1 }) =>
                adds.Select(static a => ((IInvocationOperation)a).Arguments[0].Value).ToImmutableArray(),
            _ => default,
        };
        return !elements.IsDefault && elements.All(IsConstant);

        static bool IsConstant(IOperation element) => Unwrap(element) switch
        {
            { ConstantValue.HasValue: true } => true,
            ITupleOperation tuple => tuple.Elements.All(IsConstant),
            _ => false,
        };
    }

    /// <summary>
    /// A LINQ to Objects operator whose elements are some of its source's, in some order (<c>Where</c>, <c>Cast</c>,
    /// <c>OrderBy</c>, <c>Take</c>, <c>Distinct</c>), or a copy of them (<c>ToList</c>, <c>ToFrozenSet</c>).
    /// </summary>
    private static bool KeepsSomeOfItsSource(IMethodSymbol method) =>
        method.ContainingType is { } type
        && ((type.Name == "Enumerable" && SequenceFacts.IsIn(type.ContainingNamespace, "System", "Linq")
                && method.Name is "Where" or "Cast" or "OfType" or "Distinct" or "OrderBy" or "OrderByDescending" or "ThenBy" or "ThenByDescending"
                    or "Order" or "OrderDescending" or "Reverse" or "Skip" or "Take" or "SkipWhile" or "TakeWhile" or "AsEnumerable"
                    or "ToArray" or "ToList" or "ToHashSet")
            || (type.Name == "FrozenSet" && method.Name == "ToFrozenSet" && SequenceFacts.IsIn(type.ContainingNamespace, "System", "Collections", "Frozen")));

    /// <summary>Whether the member that declares <paramref name="local"/> assigns it anywhere but in its declaration.</summary>
    private static bool IsAssignedAgain(ILocalSymbol local) => WritesOf(local) is not { } writes || writes.Any();

    /// <summary>
    /// What writes a local of its name in the member that declares it, by name (at worst a write of another local of
    /// that name counts): an assignment, or an argument that passes it by <c>ref</c> or <c>out</c>; null where the member
    /// is not found.
    /// </summary>
    private static IEnumerable<SyntaxNode>? WritesOf(ILocalSymbol local) =>
        local.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax().Ancestors().OfType<MemberDeclarationSyntax>().FirstOrDefault() is { } member
            ? member.DescendantNodes().Where(node => node switch
            {
                AssignmentExpressionSyntax { Left: IdentifierNameSyntax name } => name.Identifier.ValueText == local.Name,
                ArgumentSyntax { RefKindKeyword.RawKind: not 0, Expression: IdentifierNameSyntax name } => name.Identifier.ValueText == local.Name,
                _ => false,
            })
            : null;

    /// <summary>
    /// The elements of a loop, each with itself, and the locals its body computes from them, each with the element it
    /// comes from (<c>var email = row.GetValue("Email")</c>, <c>row.TryGetValue("Email", out var email)</c> or
    /// <c>row is { Email: var email }</c>, then a query that reads <c>email</c>: a value of the row is the row as far as
    /// the query is concerned).
    /// </summary>
    private static List<ElementValue> ValuesOf(IEnumerable<ISymbol> elements, IOperation body)
    {
        var values = elements.Select(static element => new ElementValue(element, element, FromKeyOnly: false, FromSet: false)).ToList();
        foreach (var operation in body.Descendants())
        {
            // `var key = row.Get("Key")`, and `row.TryGet("Sku", out var sku)`: the call that writes `sku` reads the row;
            // `var (region, year) = g.Key` declares both from the key; `query = query.Where(o => o.CustomerId == c.Id)`
            // makes the query the customer's.
            var (declared, from) = operation switch
            {
                IVariableDeclaratorOperation declarator => (new ISymbol[] { declarator.Symbol }, declarator.GetVariableInitializer()?.Value),
                ISimpleAssignmentOperation { Target: ILocalReferenceOperation local } assignment => (new ISymbol[] { local.Local }, assignment.Value),
                IArgumentOperation { Parameter.RefKind: RefKind.Out, Value: IDeclarationExpressionOperation { Expression: ILocalReferenceOperation local }, Parent: IInvocationOperation call }
                    => (new ISymbol[] { local.Local }, (IOperation?)call),
                IPatternOperation pattern when EnumerationFlowAnalysis.DeclaredVariable(pattern) is ILocalSymbol local => (new ISymbol[] { local }, MatchedValue(pattern)),
                IDeconstructionAssignmentOperation deconstruction => (
                    deconstruction.Target.DescendantsAndSelf().OfType<ILocalReferenceOperation>().Where(static local => local.IsDeclaration).Select(static local => (ISymbol)local.Local).ToArray(),
                    deconstruction.Value),
                _ => (null, null),
            };
            if (declared is null || from is null)
            {
                continue;
            }

            var read = ReadVariables(from);
            var sources = values.Where(value => read.Contains(value.Value, SymbolEqualityComparer.Default)).ToList();
            if (sources.Count > 0)
            {
                // Computed from a grouping's key alone (`g.Key`, or values computed from it), not from its rows.
                var element = sources[0].Element;
                var fromKeyOnly = sources.All(source => source.FromKeyOnly || (SymbolEqualityComparer.Default.Equals(source.Value, element) && ReadsOnlyTheKey(from, element)));
                var fromSet = sources.Any(static source => source.FromSet) || ReadsASetOf(from, sources);
                values.AddRange(declared.Select(symbol => new ElementValue(symbol, element, fromKeyOnly, fromSet)));
            }
        }

        return values;
    }

    /// <summary>
    /// A loop's element, or a local its body computes from it (<paramref name="Value"/>), with the element it comes from,
    /// whether it comes from a grouping's <c>Key</c> alone, and whether from a set the element holds (<see cref="ReadsASetOf"/>).
    /// </summary>
    private readonly record struct ElementValue(ISymbol Value, ISymbol Element, bool FromKeyOnly, bool FromSet);

    /// <summary>The value a pattern is matched against, at the top (<c>row is { Sku: var sku }</c>: <c>row</c>).</summary>
    private static IOperation? MatchedValue(IPatternOperation pattern)
    {
        for (IOperation? current = pattern; current is not null; current = current.Parent)
        {
            switch (current)
            {
                case IIsPatternOperation isPattern:
                    return isPattern.Value;
                case ISwitchExpressionOperation switchExpression:
                    return switchExpression.Value;
                case ISwitchCaseOperation { Parent: ISwitchOperation switchStatement }:
                    return switchStatement.Value;
            }
        }

        return null;
    }

    /// <summary>
    /// Whether an operation reads a set one of <paramref name="values"/> holds: a member of it that is a query
    /// (<c>pair.Value</c> of a dictionary of sets, joined into the query).
    /// </summary>
    private static bool ReadsASetOf(IOperation operation, List<ElementValue> values) =>
        operation.DescendantsAndSelf().OfType<IMemberReferenceOperation>().Any(member =>
            member is { Type: { } type, Instance: { } instance } && IsQuery(type)
            && ReadVariables(instance).Any(variable => values.Any(value => SymbolEqualityComparer.Default.Equals(value.Value, variable))));

    /// <summary>The locals and parameters an operation reads, each once, in the order it reads them.</summary>
    private static List<ISymbol> ReadVariables(IOperation operation)
    {
        var read = new List<ISymbol>();
        foreach (var descendant in operation.DescendantsAndSelf())
        {
            var symbol = descendant switch
            {
                ILocalReferenceOperation local => (ISymbol)local.Local,
                IParameterReferenceOperation parameter => parameter.Parameter,
                _ => null,
            };
            if (symbol is not null && !read.Contains(symbol, SymbolEqualityComparer.Default))
            {
                read.Add(symbol);
            }
        }

        return read;
    }

    private static ITypeSymbol? TypeOf(ISymbol symbol) => symbol switch
    {
        ILocalSymbol local => local.Type,
        IParameterSymbol parameter => parameter.Type,
        _ => null,
    };

    /// <summary>
    /// Whether the execution reads <paramref name="read"/> (the loop's element or a value computed from
    /// it) as a batch: the element is itself a collection (a chunk of ids), and every value computed from a batch is the
    /// batch's (<c>batch[0]</c>). A collection computed from a row is the row's (<c>line.Split(',')</c>, <c>customer.Tags</c>):
    /// a query per row. A grouping is a batch and a key: read through its <c>Key</c> alone, or through a value computed
    /// from it that is not a collection or comes from the key alone (<c>var id = g.Key</c>, a query built from the key and
    /// held in a local), it is a query per key.
    /// </summary>
    private static bool IsBatchRead(IOperation execution, ElementValue read)
    {
        var (value, element) = (read.Value, read.Element);
        var (valueType, elementType) = (TypeOf(value), TypeOf(element));
        if (valueType is null or { TypeKind: TypeKind.Error } || !IsBatchOrUnknown(elementType))
        {
            return valueType is null or { TypeKind: TypeKind.Error };
        }

        if (!IsGrouping(elementType!))
        {
            return true;
        }

        return SymbolEqualityComparer.Default.Equals(value, element)
            ? !ReadsOnlyTheKey(execution, element)
            : IsBatchOrUnknown(valueType) && !read.FromKeyOnly;
    }

    private static bool IsGrouping(ITypeSymbol type) => IsIGrouping(type) || type.AllInterfaces.Any(IsIGrouping);

    private static bool IsIGrouping(ITypeSymbol type) =>
        type is INamedTypeSymbol { Name: "IGrouping", Arity: 2 } && SequenceFacts.IsIn(type.ContainingNamespace, "System", "Linq");

    /// <summary>Whether every read of <paramref name="grouping"/> in <paramref name="execution"/> is of its <c>Key</c>.</summary>
    private static bool ReadsOnlyTheKey(IOperation execution, ISymbol grouping) =>
        execution.DescendantsAndSelf()
            .Where(operation => operation switch
            {
                ILocalReferenceOperation local => SymbolEqualityComparer.Default.Equals(local.Local, grouping),
                IParameterReferenceOperation parameter => SymbolEqualityComparer.Default.Equals(parameter.Parameter, grouping),
                _ => false,
            })
            .All(static read => read.Parent is IPropertyReferenceOperation { Property.Name: "Key" });

    /// <summary>
    /// What the query's database comes from: the instance its chain starts at (<c>ctx</c> in <c>ctx.Orders.Where(...)</c>
    /// or <c>ctx.Set&lt;Order&gt;()</c>, <c>shard.Context</c> in <c>shard.Context.Orders</c>, <c>Open(tenant.Connection)</c>),
    /// or the variable that holds the set itself, when that holds a database: not an entry or a row whose own query this
    /// is (<c>db.Entry(customer).Collection(...).Query()</c>), nor a helper that builds the query (<c>OrdersOf(db, customer)</c>).
    /// </summary>
    private static IOperation? DatabaseOf(IOperation query)
    {
        var database = ChainStart(query) switch
        {
            IMemberReferenceOperation { Instance: { } instance } => Unwrap(instance),
            IInvocationOperation { Instance: { } instance } => Unwrap(instance),
            var start and (ILocalReferenceOperation or IParameterReferenceOperation) => start,
            _ => null,
        };
        return database?.Type is { } type && IsDatabase(type) ? database : null;
    }

    /// <summary>A set, a context, or a type that holds sets (a context by another name).</summary>
    private static bool IsDatabase(ITypeSymbol type) =>
        IsQuery(type) || IsDbContext(type) || type.GetMembers().OfType<IPropertySymbol>().Any(static property => IsQuery(property.Type));

    /// <summary>
    /// An element that is itself a collection (a chunk of ids): the loop queries batch by batch; or one whose type did
    /// not bind (a compile error, a missing reference), which may be such a collection. A <c>byte[]</c> is one value (a
    /// hash, a row version, a blob), as a provider maps it.
    /// </summary>
    private static bool IsBatchOrUnknown(ITypeSymbol? type) => type switch
    {
        null => false,
        { TypeKind: TypeKind.Error } => true,
        IArrayTypeSymbol array => array.ElementType.SpecialType != SpecialType.System_Byte,
        _ => type.SpecialType != SpecialType.System_String && !IsDictionary(type)
            && (SequenceFacts.IsSequenceLike(type) || type.AllInterfaces.Any(static i => SequenceFacts.KindOf(i) != SequenceKind.None)),
    };

    /// <summary>
    /// A dictionary (a parsed CSV line, a JSON object, Dapper's row, an <c>ExpandoObject</c>): a row of named values, not a
    /// batch, though it enumerates its entries.
    /// </summary>
    private static bool IsDictionary(ITypeSymbol type) => IsIDictionary(type) || type.AllInterfaces.Any(IsIDictionary);

    private static bool IsIDictionary(ITypeSymbol type) =>
        type is INamedTypeSymbol { Name: "IDictionary" or "IReadOnlyDictionary", Arity: 2 } && SequenceFacts.IsIn(type.ContainingNamespace, "System", "Collections", "Generic");

    /// <summary>
    /// An element used to page through a query (<c>Skip(page * size)</c>, <c>Take</c>) and otherwise at most shown beside
    /// the rows (<c>Select(o =&gt; new { o.Id, page })</c>, <c>TagWith</c>): page by page, on purpose. One that the query
    /// also filters by (<c>Where(o =&gt; o.CustomerId == c.Id).Take(c.Limit)</c>) is a query per row. With
    /// <paramref name="orOnlyShown"/>, one only shown counts too: a helper's parameter, which is the element's unless the
    /// call pages by the same element.
    /// </summary>
    private static bool IsPaged(IOperation execution, ISymbol element, bool orOnlyShown = false)
    {
        var calls = execution.DescendantsAndSelf().OfType<IInvocationOperation>().ToList();
        var paging = ArgumentsOf(calls.Where(static call => SequenceFacts.Pages(call.TargetMethod) || call.TargetMethod.Name is "ElementAt" or "ElementAtOrDefault"));
        var shown = ArgumentsOf(calls.Where(call => call.TargetMethod.Name is "Select" or "TagWith" or "TagWithCallSite" && !IsInLambda(call, execution)));
        var reads = execution.DescendantsAndSelf().Where(operation => operation switch
        {
            ILocalReferenceOperation local => SymbolEqualityComparer.Default.Equals(local.Local, element),
            IParameterReferenceOperation parameter => SymbolEqualityComparer.Default.Equals(parameter.Parameter, element),
            _ => false,
        }).ToList();
        return (orOnlyShown || reads.Any(read => paging.Any(argument => IsWithin(read, argument))))
            && reads.All(read => paging.Concat(shown).Any(argument => IsWithin(read, argument)));

        // A query operator's arguments besides its source.
        static List<IArgumentOperation> ArgumentsOf(IEnumerable<IInvocationOperation> calls) => calls.SelectMany(static call => call.Arguments.Skip(1)).ToList();

        // A call inside a lambda of the execution (a Select in a Where's predicate) is part of that argument, not of the chain.
        static bool IsInLambda(IOperation call, IOperation execution)
        {
            for (var current = call.Parent; current is not null && current != execution; current = current.Parent)
            {
                if (current is IAnonymousFunctionOperation)
                {
                    return true;
                }
            }

            return false;
        }
    }

    private static bool IsIterationVariable(ILocalSymbol local, IForEachLoopOperation loop) =>
        loop.LoopControlVariable.DescendantsAndSelf().Any(operation => operation switch
        {
            IVariableDeclaratorOperation declarator => SymbolEqualityComparer.Default.Equals(declarator.Symbol, local),
            ILocalReferenceOperation reference => SymbolEqualityComparer.Default.Equals(reference.Local, local),
            _ => false,
        });

    private static bool IsWithin(IOperation operation, IOperation ancestor)
    {
        for (var current = operation; current is not null; current = current.Parent)
        {
            if (current == ancestor)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The query an executing call runs: the one its instance, or else its first argument that reads one, reads.</summary>
    private static IOperation? ExecutedQuery(IInvocationOperation invocation, System.Func<IOperation, bool>? isQuery = null) =>
        (SequenceFacts.IsEntityRange(invocation.TargetMethod) ? null : QueryRead(invocation.Instance, isQuery)) ?? ExecutedQuery(invocation.Arguments, isQuery);

    private static IOperation? ExecutedQuery(ImmutableArray<IArgumentOperation> arguments, System.Func<IOperation, bool>? isQuery = null)
    {
        foreach (var argument in arguments)
        {
            if (QueryRead(argument.Value, isQuery) is { } query)
            {
                return query;
            }
        }

        return null;
    }

    /// <summary>
    /// The query <paramref name="value"/> reads: itself when it is one, or the query under the links that read it in
    /// memory (<c>query.AsEnumerable().Where(...)</c>, <c>query.AsAsyncEnumerable()</c>), whose reading executes it, through
    /// locals given one once (<c>IEnumerable&lt;Order&gt; rows = query;</c>). A query
    /// is a value of a query type, or what <paramref name="isQuery"/> says is one (a helper's sequence parameter, which
    /// the caller may give a query).
    /// </summary>
    private static IOperation? QueryRead(IOperation? value, System.Func<IOperation, bool>? isQuery = null)
    {
        HashSet<ILocalSymbol>? followed = null;   // `IEnumerable<Order> rows = rows.Where(...)` (CS0165) ends
        for (var current = Unwrap(value); current is not null;)
        {
            if (isQuery?.Invoke(current) ?? IsQuery(current.Type))
            {
                return current;
            }

            // A local that holds one read in memory: `var rows = query.AsEnumerable();`, `IEnumerable<Order> rows = query;`.
            if (current is ILocalReferenceOperation { Local: var local } && SequenceFacts.IsSequenceLike(local.Type)
                && (followed ??= new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default)).Add(local)
                && KeptValue(current) is var kept && kept != current)
            {
                current = Unwrap(kept);
                continue;
            }

            if (current is not IInvocationOperation link || !SequenceFacts.IsSequenceLike(link.Type)
                || SequenceFacts.Classify(link.TargetMethod, MultipleEnumerationOptions.Default) != MethodRole.Deferred)
            {
                return null;
            }

            current = Unwrap(link.Instance ?? link.Arguments.FirstOrDefault(static a => a.Parameter?.Ordinal == 0)?.Value);
        }

        return null;
    }

    /// <summary>
    /// Whether the chain the query is built from starts at <c>AsQueryable()</c> (of data in memory: no round trip),
    /// directly or through a local initialized with it.
    /// </summary>
    private static bool ReadsInMemoryData(IOperation query) => ChainStart(query) is IInvocationOperation { TargetMethod.Name: "AsQueryable" };

    /// <summary>
    /// Where the chain a query is built from starts: down its operators to the source they read, through each local to
    /// the value it was declared with, until a set, a variable that cannot be followed, or an <c>AsQueryable()</c> call
    /// over data in memory (over a query, as a set's own <c>AsQueryable()</c>, it is one more link).
    /// </summary>
    private static IOperation? ChainStart(IOperation query)
    {
        // Each local is followed once: in code being edited, a local may read itself in its own initializer (CS0165),
        // which the binder still binds as a reference to it.
        HashSet<ILocalSymbol>? followed = null;
        for (var current = Unwrap(query); ;)
        {
            switch (current)
            {
                case IInvocationOperation { TargetMethod.Name: "AsQueryable" } asQueryable when ExecutedQuery(asQueryable) is null:
                    return current;
                case IInvocationOperation invocation when ExecutedQuery(invocation) is { } source:
                    current = source;
                    break;
                case ILocalReferenceOperation local
                    when (followed ??= new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default)).Add(local.Local) && (InitializerOf(local) ?? FirstAssignedTo(local)) is { } initializer:
                    current = initializer;
                    break;
                default:
                    return current;
            }
        }
    }

    /// <summary>The value a local is declared with, where it has one.</summary>
    private static IOperation? InitializerOf(ILocalReferenceOperation local) =>
        local.Local.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax() is VariableDeclaratorSyntax { Initializer.Value: { } value }
            ? Unwrap(local.SemanticModel?.GetOperation(value))
            : null;

    /// <summary>
    /// For a local declared without a value, the value its first assignment gives it (<c>IQueryable&lt;Order&gt; q;</c>, then
    /// <c>q = db.Orders.Where(...)</c> in one branch and another chain of the same set in the other): where its query starts.
    /// </summary>
    private static IOperation? FirstAssignedTo(ILocalReferenceOperation local) =>
        local.Local.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax() is VariableDeclaratorSyntax { Initializer: null } declarator
        && WritesOf(local.Local)?.OfType<AssignmentExpressionSyntax>()
            .FirstOrDefault(assignment => assignment.IsKind(SyntaxKind.SimpleAssignmentExpression) && assignment.SpanStart > declarator.SpanStart) is { } first
        && local.SemanticModel?.GetOperation(first) is ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assigned
        && SymbolEqualityComparer.Default.Equals(target.Local, local.Local)
            ? Unwrap(assigned.Value)
            : null;

    /// <summary>What a local is given once, where <paramref name="value"/> reads one that is assigned nowhere else; else the value itself.</summary>
    private static IOperation KeptValue(IOperation value) =>
        value is ILocalReferenceOperation local && InitializerOf(local) is { } initializer && !IsAssignedAgain(local.Local) ? initializer : value;

    private static IOperation? Unwrap(IOperation? operation) => operation is null ? null : SequenceFacts.WithoutConversions(operation);

    /// <summary>EF Core's <c>DbContext</c>, or a class derived from it, whose <c>Find&lt;T&gt;</c> looks a row up as a set's <c>Find</c> does.</summary>
    private static bool IsDbContext(ITypeSymbol? type) => DerivesFrom(type, "DbContext", "Microsoft", "EntityFrameworkCore");

    /// <summary>A query type: <c>IQueryable&lt;T&gt;</c>, or a class that implements it (EF Core's <c>DbSet&lt;T&gt;</c>).</summary>
    private static bool IsQuery(ITypeSymbol? type) => SequenceFacts.KindOf(type) == SequenceKind.Queryable;
}
