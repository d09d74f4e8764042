using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;
using MultiAgg.Generators.Diagnostics;

namespace MultiAgg.Generators.Analyzers;

/// <summary>
/// Finds sequences that may be enumerated more than once, by a forward may-analysis over the
/// <see cref="ControlFlowGraph"/> of one method body (see <see cref="FlowState"/>). Branches merge
/// by union, so an enumeration in each arm of an <c>if</c> counts once; a loop's back edge carries
/// its body's enumerations into the next iteration; an assignment (also through a pattern, an
/// <c>out</c> argument or a deconstruction) binds the variable to a new value with no history. A join
/// keeps each variable's view of the values it may hold, and nothing of what only dead variables
/// (<see cref="LiveVariables"/>) could reach, so a variable given one value per path or per iteration
/// is not charged with the others' enumerations. A call the compiler removes (<see cref="OmittedCalls"/>)
/// runs nothing. Lambdas and local functions are analysed in their own graphs and their
/// effect on captured variables is applied where they are created or called (twice when LINQ or
/// <c>ForEach</c> runs them once per element): a delegate local that is only ever called runs at its calls,
/// any other lambda where it is made; a lambda quoted as an expression tree never runs here. The instance
/// initializers of a type with a primary constructor are analysed in the order they run (<see cref="AnalyzeInOrder"/>).
/// A deferred chain enumerated in place enumerates each of its sources at its own reference; a
/// stored chain enumerates its sources' roots, and once more any value two of its sources share.
/// </summary>
internal sealed partial class EnumerationFlowAnalysis
{
    private readonly MultipleEnumerationOptions _options;
    private readonly CancellationToken _cancellationToken;
    private readonly PrimaryConstructorWrites _primaryConstructorWrites;

    // Roots: where a sequence value comes from. Keyed by the symbol (parameters, captured or
    // otherwise unassigned variables) or by the operation that produced the value.
    private readonly Dictionary<object, int> _rootIds = new();
    private readonly List<Root> _roots = new();

    // For each member's graph, which anonymous types' properties it fills with a chain made in place (HoldsChainMadeHere).
    private readonly Dictionary<ControlFlowGraph, Dictionary<IPropertySymbol, bool>> _anonymousChains = new();

    // Sites: one per enumerated operand.
    private readonly Dictionary<IOperation, int> _siteIds = new();
    private readonly List<Site> _sites = new();

    // Site -> the sites that may have enumerated the same value before it.
    private readonly Dictionary<int, HashSet<int>> _reports = new();

    /// <summary>The roots each reported site enumerates again, for the name its diagnostic gives (see <see cref="ReportedName"/>).</summary>
    private readonly Dictionary<int, HashSet<int>> _reportedRoots = new();

    // Chain root -> the sources that read a value an earlier source of the same link reads too:
    // source site -> the roots read twice. Enumerating the chain enumerates those again there.
    private readonly Dictionary<int, Dictionary<int, HashSet<int>>> _repeats = new();

    // A page of a query (a Skip or Take link) -> the query values it pages; a page site -> the
    // counts of those values before it (MAGG003).
    private readonly Dictionary<int, HashSet<int>> _pages = new();
    private readonly Dictionary<int, HashSet<int>> _pageReports = new();

    private readonly Dictionary<ControlFlowGraph, BodySummary?> _summaries = new();

    // Bodies whose own summary was asked for while they were being summarized: local functions that call themselves.
    private readonly HashSet<ControlFlowGraph> _recursive = new();

    // Bodies that write the database (a save, a bulk write, raw SQL), themselves or through a function they run where they
    // call it: where such a body runs, a query its caller executed before is read again, not repeated (see ForgetQueries).
    private readonly HashSet<ControlFlowGraph> _writesDatabase = new();

    // Each call's role, classified once: the walker revisits the same operations on every pass
    // to the fixed point, and classification compares names (and configured lists).
    private readonly Dictionary<IMethodSymbol, MethodRole> _roles = new(SymbolEqualityComparer.Default);
    private readonly Dictionary<IMethodSymbol, ImmutableArray<ISymbol>?> _viewed = new(SymbolEqualityComparer.Default);

    private readonly OmittedCalls _omittedCalls = new();

    // The roots of member paths (`_db.Products`), to forget what they saw when a path leading to them is written,
    // and of the chains written out on roots (see SameQuery), to forget those too.
    private readonly List<(MemberPath Path, int Root)> _paths = new();
    private readonly List<(int[] Sources, int Root)> _chains = new();

    // A chain's root -> the links that made it (a chain written out twice has two): see DerivesFrom.
    private readonly Dictionary<int, HashSet<IInvocationOperation>> _chainLinks = new();

    // A query link's root -> the roots of the query it is written on (its first source, not a Join's inner one): the rows
    // a bulk write of the link writes (see ForgetRows); and -> the roots of all its sources: a link that is no chain
    // (a new query at every evaluation) is forgotten with them all the same (see ForgetWithChains).
    private readonly Dictionary<int, HashSet<int>> _writtenOn = new();
    private readonly Dictionary<int, HashSet<int>> _linkSources = new();

    // A query link -> its arguments as SameQuery compares them; null when it is a new query at every evaluation.
    private readonly Dictionary<IInvocationOperation, string?> _linkArguments = new();

    // The locals and parameters written after their declaration anywhere in the body: a query that reads one
    // may differ from a copy of itself written later (see SameQuery). Found on first use.
    private HashSet<string>? _rewritten;
    private List<(string Name, SyntaxNode Value, bool Member)>? _assignments;   // the body's declarations and assignments, by name (PageReadsCount)
    private IOperation? _body;

    // The semantic model of each file analysed: the initializers of a type with a primary constructor, analysed in the
    // order they run, may be in several, and a site's syntax must be asked of its own file's model.
    private readonly Dictionary<SyntaxTree, SemanticModel> _models = new();

    /// <param name="primaryConstructorWrites">What the compilation's types assign of their primary constructors' parameters,
    /// shared by every analysis of the compilation.</param>
    public EnumerationFlowAnalysis(MultipleEnumerationOptions options, CancellationToken cancellationToken, PrimaryConstructorWrites? primaryConstructorWrites = null)
    {
        _options = options;
        _cancellationToken = cancellationToken;
        _primaryConstructorWrites = primaryConstructorWrites ?? new PrimaryConstructorWrites();
    }

    /// <summary>Analyses a method body (and every lambda and local function in it).</summary>
    public void Analyze(ControlFlowGraph graph) => AnalyzeInOrder(new[] { graph });

    /// <summary>
    /// Analyses graphs that run one after the other in one member (the instance initializers of a type with a primary
    /// constructor), each from the state the one before it ended in.
    /// </summary>
    public void AnalyzeInOrder(IEnumerable<ControlFlowGraph> graphs)
    {
        FlowState? state = null;
        try
        {
            foreach (var graph in graphs)
                state = Analyze(graph, state);
        }
        catch (WalkDidNotSettle)
        {
            _gaveUp = true;
        }
    }

    /// <summary>
    /// How many blocks the walks of one analysis may visit in all before it gives up and reports nothing: the walk settles
    /// because every state only grows, over a bounded set of roots and sites; should some body make a new root at each
    /// pass regardless (as a query key built on the previous pass's root once did), the analysis must end all the same,
    /// not hold the IDE's analyzer thread and memory. 25 times what any body of the precision corpus needs (790, in 1.2
    /// million lines of seven applications: samples/MultiAgg.Precision).
    /// </summary>
    private const int MaxBlockVisits = 20_000;

    private int _blockVisits;
    private bool _gaveUp;

    /// <summary>Thrown when the walks pass <see cref="MaxBlockVisits"/>.</summary>
    private sealed class WalkDidNotSettle : System.Exception
    {
    }

    private FlowState? Analyze(ControlFlowGraph graph, FlowState? entry)
    {
        // What is found by name in the body is the body's own.
        _body = graph.OriginalOperation;
        if (_body.SemanticModel is { } model)
            _models[model.SyntaxTree] = model;
        _rewritten = null;
        _assignments = null;
        Run(graph, owner: null, entry, out var exit);
        AnalyzeLocalFunctions(graph);
        return exit;
    }

    private void AnalyzeLocalFunctions(ControlFlowGraph graph)
    {
        // Local functions that are never called still deserve a look at their own parameters.
        foreach (var localFunction in graph.LocalFunctions)
        {
            var inner = graph.GetLocalFunctionControlFlowGraph(localFunction, _cancellationToken);
            Summarize(inner, localFunction);
            AnalyzeLocalFunctions(inner);
        }
    }

    public IEnumerable<Diagnostic> GetDiagnostics()
    {
        if (_gaveUp)
            yield break;
        var reported = new HashSet<Location>();
        foreach (var pair in _pageReports.OrderBy(p => p.Key))
        {
            var site = _sites[pair.Key];
            if (_reports.ContainsKey(pair.Key) || !reported.Add(site.Location))
                continue;
            yield return Diagnostic.Create(
                DiagnosticDescriptors.QueryCountedThenPaged,
                site.Location,
                pair.Value.Select(id => _sites[id].Location).Distinct().OrderBy(location => location.SourceSpan.Start),
                site.Name);
        }

        reported.Clear();
        foreach (var pair in _reports.OrderBy(p => p.Key))
        {
            var site = _sites[pair.Key];
            if (!reported.Add(site.Location))
                continue;

            var others = pair.Value
                .Select(id => _sites[id].Location)
                .Where(location => location != site.Location)
                .Distinct()
                .OrderBy(location => location.SourceSpan.Start);
            // MAGG002 where a query is what runs again; MAGG001 where only a sequence in memory is enumerated again, even
            // if the site also executes a query for the first time (`db.AsEnumerable().Concat(pending)`).
            var query = _reportedRoots[pair.Key].Any(root => _roots[root].IsQueryable);
            yield return Diagnostic.Create(
                query ? DiagnosticDescriptors.MultipleQueryExecution : DiagnosticDescriptors.MultipleEnumeration,
                site.Location,
                others,
                query ? site.Name : ReportedName(pair.Key));
        }
    }

    /// <summary>
    /// Runs the analysis over one graph (the body of <paramref name="owner"/>, or of a member when null)
    /// to a fixed point and returns its final states.
    /// </summary>
    /// <remarks>
    /// A finally block is analysed once for each place the code that runs it was going (see <see cref="FinallyContext"/>):
    /// a <c>return</c> inside a <c>foreach</c> runs the enumerator's finally on its way out of the method, and what it
    /// enumerated must not continue with the loop's normal end to the code after the loop.
    /// </remarks>
    private List<FlowState> Run(ControlFlowGraph graph, ISymbol? owner) => Run(graph, owner, entry: null, out _);

    /// <param name="entry">The state the graph starts in; empty when null.</param>
    /// <param name="exit">The state at the graph's exit; null when it cannot be reached (every path throws).</param>
    private List<FlowState> Run(ControlFlowGraph graph, ISymbol? owner, FlowState? entry, out FlowState? exit)
    {
        var blocks = graph.Blocks;
        var targets = CapturedTargets(graph);
        var captures = CapturedValues(graph);
        var liveness = LiveVariables.Compute(graph, owner, targets);
        var inStates = new Dictionary<(int Ordinal, int Context), FlowState>();
        var outStates = new List<FlowState>();
        var contexts = new List<FinallyContext> { FinallyContext.None };
        var contextIds = new Dictionary<FinallyContext, int> { [FinallyContext.None] = 0 };
        var worklist = new SortedSet<(int Ordinal, int Context)> { (0, 0) };
        inStates[(0, 0)] = entry?.Clone() ?? new FlowState();
        var walker = new Walker(this, graph, targets);

        while (worklist.Count > 0)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            if (++_blockVisits > MaxBlockVisits)
                throw new WalkDidNotSettle();
            var at = worklist.Min;
            worklist.Remove(at);
            var (ordinal, context) = at;
            var block = blocks[ordinal];
            var state = inStates[at].Clone();

            // Any point of a try block may throw into its catch or finally blocks: each of them starts
            // from the state before the block, between two of its operations, or after it. (A
            // lambda's graph hangs off its creator's regions: stop at this graph's root.) A finally
            // entered by an exception ends by throwing on.
            var handlers = new List<(int, int)>();
            for (var region = block.EnclosingRegion; region is { Kind: not ControlFlowRegionKind.Root }; region = region.EnclosingRegion)
            {
                if (region.Kind != ControlFlowRegionKind.Try || region.EnclosingRegion is null)
                    continue;
                foreach (var handler in region.EnclosingRegion.NestedRegions)
                {
                    if (handler == region)
                        continue;
                    var outer = Around(handler, context);
                    handlers.Add((handler.FirstBlockOrdinal, handler.Kind == ControlFlowRegionKind.Finally
                        ? Intern(new FinallyContext(handler, Remaining: ImmutableArray<ControlFlowRegion>.Empty, Destination: -1, outer))
                        : outer));
                }
            }

            // The state between two operations differs from the states before and after the block only
            // where a binding is replaced: the walker hands it over just before.
            MergeAll(handlers, state);
            walker.State = state;
            walker.BeforeRebinding = handlers.Count == 0 ? null : () => MergeAll(handlers, state);
            foreach (var operation in block.Operations)
                walker.Visit(operation);
            if (block.BranchValue is { } branchValue)
                walker.Visit(branchValue);
            MergeAll(handlers, state);
            outStates.Add(state);

            // `count ?? q.Count()`, `count ??= q.Count()`, `if (count is null)`: the branch taken where a nullable local is
            // null sees only the query executions that ran where it may be null (MAGG001 keeps its path-insensitive view).
            var (nullBranch, local) = NullTest(block, captures);
            // `if (xs is not ICollection<int>) xs = xs.ToList();`: where a sequence variable is tested to be a collection,
            // it holds one, as `xs as IList<int>` gives one.
            var (collectionBranch, collection) = CollectionTest(block, captures);
            var neverTaken = NeverTaken(block);
            foreach (var branch in new[] { block.ConditionalSuccessor, block.FallThroughSuccessor })
            {
                if (branch is null || branch == neverTaken)
                    continue;
                var taken = local is not null && nullBranch == branch ? state.WhereNull(local, IsQuerySite) : state;
                Follow(branch, collection is not null && collectionBranch == branch ? taken.AsCollection(collection) : taken, context);
            }

            // Leaving a finally: on to the next finally the branch runs, or where it was going. (The end of an exception
            // filter inside it falls through the same way, to the runtime, which goes on with a handler or the search.)
            if (block.FallThroughSuccessor is { Semantics: ControlFlowBranchSemantics.StructuredExceptionHandling }
                && contexts[context] is { Region: not null, Destination: >= 0 } leaving
                && OutsideLocalLifetimes(block.EnclosingRegion) == leaving.Region)
            {
                Reach(leaving.Remaining, leaving.Destination, leaving.Outer, state);
            }
        }

        exit = inStates.TryGetValue((blocks.Length - 1, 0), out var atExit) ? atExit : null;
        return outStates;

        bool IsQuerySite(int site) => _sites[site].IsQuery;

        void Follow(ControlFlowBranch? branch, FlowState state, int context)
        {
            // A branch Roslyn knows is never taken (`if (false)`) carries nothing. A branch cannot leave a finally
            // block other than at its end, so its destination is in the same one.
            if (branch?.Destination is not { IsReachable: true } destination)
                return;

            Reach(branch.FinallyRegions, destination.Ordinal, context, state);
        }

        // Runs each finally in turn, then reaches the destination.
        void Reach(ImmutableArray<ControlFlowRegion> finallyRegions, int destination, int destinationContext, FlowState state)
        {
            if (finallyRegions.IsEmpty)
            {
                Merge((destination, destinationContext), state);
                return;
            }

            var first = finallyRegions[0];
            Merge((first.FirstBlockOrdinal, Intern(new FinallyContext(first, finallyRegions.RemoveAt(0), destination, destinationContext))), state);
        }

        // The context of a handler: that of the finally blocks around it (a catch inside a finally block belongs to it).
        int Around(ControlFlowRegion handler, int context)
        {
            while (context != 0 && !Encloses(contexts[context].Region!, handler))
                context = contexts[context].Outer;
            return context;
        }

        int Intern(FinallyContext context)
        {
            if (!contextIds.TryGetValue(context, out var id))
            {
                contextIds[context] = id = contexts.Count;
                contexts.Add(context);
            }

            return id;
        }

        void MergeAll(List<(int, int)> destinations, FlowState state)
        {
            foreach (var destination in destinations)
                Merge(destination, state);
        }

        void Merge((int Ordinal, int Context) destination, FlowState state)
        {
            // Only what the destination can still reach travels: the value a dead variable held, or one
            // a reassignment left behind, is no repeat of whatever that variable holds on another path.
            var arriving = state.Prune(variable => liveness.IsLiveAt(destination.Ordinal, variable), root => _roots[root].Symbol, root => _roots[root].IsLasting);
            if (!inStates.TryGetValue(destination, out var known))
            {
                inStates[destination] = arriving;
                worklist.Add(destination);
            }
            else if (known.UnionWith(arriving, OwnRoot))
            {
                worklist.Add(destination);
            }
        }
    }

    private static ControlFlowRegion OutsideLocalLifetimes(ControlFlowRegion region)
    {
        while (region is { Kind: ControlFlowRegionKind.LocalLifetime, EnclosingRegion: { } enclosing })
            region = enclosing;
        return region;
    }

    private static bool Encloses(ControlFlowRegion outer, ControlFlowRegion inner)
    {
        for (var region = inner.EnclosingRegion; region is not null; region = region.EnclosingRegion)
        {
            if (region == outer)
                return true;
        }

        return false;
    }

    /// <summary>
    /// Why a finally block runs: on the way along a branch, which goes on to the <paramref name="Remaining"/> finally
    /// blocks and then to the block <paramref name="Destination"/> (in the context <paramref name="Outer"/>), or for an
    /// exception (<paramref name="Destination"/> -1), after which nothing runs normally. <see cref="None"/> is the
    /// context of code outside finally blocks.
    /// </summary>
    private sealed record FinallyContext(ControlFlowRegion? Region, ImmutableArray<ControlFlowRegion> Remaining, int Destination, int Outer)
    {
        public static readonly FinallyContext None = new(null, ImmutableArray<ControlFlowRegion>.Empty, -1, 0);

        public bool Equals(FinallyContext? other) =>
            other is not null && Region == other.Region && Remaining.SequenceEqual(other.Remaining) && Destination == other.Destination && Outer == other.Outer;

        public override int GetHashCode() => ((Region?.GetHashCode() ?? 0) * 31 + Destination) * 31 + Outer;
    }

    /// <summary>
    /// The branch a block takes when a local it tests for null is null, and that local: the tests <c>??</c>, <c>?.</c>
    /// and <c>??=</c> make (a null test, or <c>HasValue</c> of a nullable value, on a capture of the local), and
    /// <c>is null</c>, <c>is not null</c>, <c>== null</c>, <c>!= null</c>, <c>HasValue</c> and their negations written
    /// out.
    /// </summary>
    private static (ControlFlowBranch? Branch, ILocalSymbol? Local) NullTest(BasicBlock block, IReadOnlyDictionary<CaptureId, IOperation> captures)
    {
        if (block.BranchValue is not { } condition || block.ConditionKind == ControlFlowConditionKind.None
            || NullCheck(condition) is not ({ } operand, var trueWhenNull)
            || Resolve(operand, captures) is not ILocalReferenceOperation local)
        {
            return default;
        }

        return (BranchWhen(block, trueWhenNull), local.Local);
    }

    /// <summary>
    /// The branch a block with a constant condition never takes: Roslyn keeps the exit of <c>while (true)</c> and the
    /// back edge of <c>do { } while (false)</c> in the graph, reachable, and the states that flow along them never exist
    /// (the values a variable held before such a loop, seen after it).
    /// </summary>
    private static ControlFlowBranch? NeverTaken(BasicBlock block) =>
        block is { ConditionKind: not ControlFlowConditionKind.None, BranchValue.ConstantValue: { HasValue: true, Value: bool value } }
            ? BranchWhen(block, !value)
            : null;

    /// <summary>The branch a block with a condition takes when the condition is <paramref name="value"/>.</summary>
    private static ControlFlowBranch? BranchWhen(BasicBlock block, bool value) =>
        // The conditional successor is taken when the condition is what the block's kind says; the fall-through otherwise.
        value == (block.ConditionKind == ControlFlowConditionKind.WhenTrue) ? block.ConditionalSuccessor : block.FallThroughSuccessor;

    /// <summary>
    /// The branch a block takes when a sequence variable (a local or parameter) it tests is a collection, and that
    /// variable: <c>xs is ICollection&lt;int&gt;</c>, <c>xs is IList&lt;int&gt; list</c>, <c>xs is not int[]</c>, and their
    /// negations written out.
    /// </summary>
    private static (ControlFlowBranch? Branch, ISymbol? Variable) CollectionTest(BasicBlock block, IReadOnlyDictionary<CaptureId, IOperation> captures)
    {
        if (block.BranchValue is not { } condition || block.ConditionKind == ControlFlowConditionKind.None
            || CollectionCheck(condition) is not ({ } operand, var trueWhenCollection))
        {
            return default;
        }

        ISymbol? variable = Resolve(operand, captures) switch
        {
            ILocalReferenceOperation reference => reference.Local,
            IParameterReferenceOperation reference => reference.Parameter,
            _ => null,
        };
        if (variable is null)
            return default;

        return (BranchWhen(block, trueWhenCollection), variable);
    }

    /// <summary>
    /// The sequence <paramref name="condition"/> tests for a collection type (one MAGG001 does not track, as it does
    /// not track a variable declared <c>List&lt;T&gt;</c>), and whether the condition is true when it is one.
    /// </summary>
    private static (IOperation? Operand, bool TrueWhenCollection) CollectionCheck(IOperation condition) => condition switch
    {
        IIsTypeOperation test when IsCollectionTest(test.ValueOperand, test.TypeOperand) => (test.ValueOperand, !test.IsNegated),
        IIsPatternOperation test when IsCollectionPattern(test.Value, test.Pattern) => (test.Value, true),
        IIsPatternOperation test when MissesOnlyCollections(test.Value, test.Pattern) => (test.Value, false),
        IUnaryOperation { OperatorKind: UnaryOperatorKind.Not, OperatorMethod: null } not when CollectionCheck(not.Operand) is ({ } operand, var trueWhenCollection) =>
            (operand, !trueWhenCollection),
        _ => default,
    };

    /// <summary>
    /// Whether <paramref name="pattern"/> matches only collections: a collection type (<c>IList&lt;int&gt; list</c>,
    /// <c>int[] { Length: &gt; 0 }</c>), two such patterns joined by <c>or</c>, one joined to anything by <c>and</c>, or
    /// the negation of one that fails only for collections.
    /// </summary>
    private static bool IsCollectionPattern(IOperation value, IPatternOperation pattern) => pattern switch
    {
        ITypePatternOperation type => IsCollectionTest(value, type.MatchedType),
        IDeclarationPatternOperation declaration => IsCollectionTest(value, declaration.MatchedType),
        IRecursivePatternOperation recursive => IsCollectionTest(value, recursive.MatchedType),
        IBinaryPatternOperation { OperatorKind: BinaryOperatorKind.Or } or => IsCollectionPattern(value, or.LeftPattern) && IsCollectionPattern(value, or.RightPattern),
        IBinaryPatternOperation { OperatorKind: BinaryOperatorKind.And } and => IsCollectionPattern(value, and.LeftPattern) || IsCollectionPattern(value, and.RightPattern),
        INegatedPatternOperation negated => MissesOnlyCollections(value, negated.Pattern),
        _ => false,
    };

    /// <summary>
    /// Whether <paramref name="pattern"/> fails only for collections, so that a test's false branch holds one:
    /// <c>not IList&lt;int&gt;</c>, <c>not ICollection&lt;int&gt; and not IReadOnlyCollection&lt;int&gt;</c> (the form
    /// IDE0078 writes for <c>not (A or B)</c>), either side of an <c>or</c> that does. A side of an <c>and</c> may fail
    /// for null instead (<c>not null and not IList&lt;int&gt;</c>): null is no sequence to enumerate.
    /// </summary>
    private static bool MissesOnlyCollections(IOperation value, IPatternOperation pattern) => pattern switch
    {
        INegatedPatternOperation negated => IsCollectionPattern(value, negated.Pattern),
        IBinaryPatternOperation { OperatorKind: BinaryOperatorKind.And } and =>
            (MissesOnlyCollections(value, and.LeftPattern) && MissesOnlyCollectionsOrNull(value, and.RightPattern))
            || (MissesOnlyCollectionsOrNull(value, and.LeftPattern) && MissesOnlyCollections(value, and.RightPattern)),
        IBinaryPatternOperation { OperatorKind: BinaryOperatorKind.Or } or => MissesOnlyCollections(value, or.LeftPattern) || MissesOnlyCollections(value, or.RightPattern),
        _ => false,
    };

    private static bool MissesOnlyCollectionsOrNull(IOperation value, IPatternOperation pattern) =>
        pattern is INegatedPatternOperation { Pattern: IConstantPatternOperation { Value: var constant } } && IsNull(constant)
        || MissesOnlyCollections(value, pattern);

    private static bool IsCollectionTest(IOperation value, ITypeSymbol? tested) =>
        tested is not null && SequenceFacts.KindOf(value.Type) != SequenceKind.None && SequenceFacts.IsCollection(tested);

    /// <summary>The value <paramref name="condition"/> compares with null, and whether the condition is true when it is null.</summary>
    private static (IOperation? Operand, bool TrueWhenNull) NullCheck(IOperation condition) => condition switch
    {
        IIsNullOperation test => (test.Operand, true),
        IInvocationOperation { TargetMethod.Name: "get_HasValue", Instance: { } instance } when IsNullableValue(instance.Type) => (instance, false),
        IPropertyReferenceOperation { Property.Name: "HasValue", Instance: { } instance } when IsNullableValue(instance.Type) => (instance, false),
        IIsPatternOperation { Pattern: IConstantPatternOperation { Value: var constant } } pattern when IsNull(constant) => (pattern.Value, true),
        IIsPatternOperation { Pattern: INegatedPatternOperation { Pattern: IConstantPatternOperation { Value: var constant } } } pattern when IsNull(constant) =>
            (pattern.Value, false),
        // A user-defined == may mean anything.
        IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals, OperatorMethod: null } binary =>
            (IsNull(binary.RightOperand) ? binary.LeftOperand : IsNull(binary.LeftOperand) ? binary.RightOperand : null,
             binary.OperatorKind == BinaryOperatorKind.Equals),
        IUnaryOperation { OperatorKind: UnaryOperatorKind.Not, OperatorMethod: null } not when NullCheck(not.Operand) is ({ } operand, var trueWhenNull) =>
            (operand, !trueWhenNull),
        _ => default,
    };

    private static bool IsNull(IOperation operation) => operation.ConstantValue is { HasValue: true, Value: null };

    private static bool IsNullableValue(ITypeSymbol? type) => type?.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T;

    /// <summary>What a test reads through the captures the graph made of it (<c>??=</c> captures a capture of the local).</summary>
    private static IOperation? Resolve(IOperation? operation, IReadOnlyDictionary<CaptureId, IOperation> captures)
    {
        for (var depth = 0; depth < 8; depth++)
        {
            // A user-defined conversion makes another value: a test of it is no test of the local.
            while (operation is IConversionOperation { IsImplicit: true, Conversion.IsUserDefined: false } conversion)
                operation = conversion.Operand;
            if (operation is not IFlowCaptureReferenceOperation reference || !captures.TryGetValue(reference.Id, out var value))
                return operation;
            operation = value;
        }

        return null;
    }

    /// <summary>What each capture of the graph holds, for the captures given one value (a capture per branch of a <c>?:</c> is left out).</summary>
    private static Dictionary<CaptureId, IOperation> CapturedValues(ControlFlowGraph graph)
    {
        var values = new Dictionary<CaptureId, IOperation>();
        var ambiguous = new HashSet<CaptureId>();
        foreach (var block in graph.Blocks)
        {
            foreach (var operation in block.Operations)
            {
                if (operation is not IFlowCaptureOperation capture)
                    continue;
                if (values.ContainsKey(capture.Id))
                    ambiguous.Add(capture.Id);
                else
                    values[capture.Id] = capture.Value;
            }
        }

        foreach (var id in ambiguous)
            values.Remove(id);
        return values;
    }

    /// <summary>
    /// What a lambda or local function body enumerates of the variables it captures: symbol to
    /// the sites that may enumerate it. Reports repeated enumerations inside the body as a side
    /// effect. Null while the body is being analysed: its own call inside it, which a second run then applies.
    /// </summary>
    private BodySummary? Summarize(ControlFlowGraph graph, ISymbol owner)
    {
        if (_summaries.TryGetValue(graph, out var known))
            return known;

        _summaries[graph] = null;
        var summary = Summarized(graph, owner);

        // A body that calls itself (a recursive local function) met its own call before knowing what the body enumerates:
        // once more, with that known, so that what it enumerates on the path of that call counts twice (`xs.Count() +
        // Walk(n - 1)`), and what only the path that ends the recursion does (`n == 0 ? xs.Count() : Walk(n - 1)`), once.
        if (_recursive.Remove(graph))
        {
            _summaries[graph] = summary;
            summary = Summarized(graph, owner);
        }

        _summaries[graph] = summary;
        return summary;
    }

    private BodySummary Summarized(ControlFlowGraph graph, ISymbol owner)
    {
        var summary = new BodySummary();
        var states = Run(graph, owner, entry: null, out var exit);
        summary.WritesDatabase = _writesDatabase.Contains(graph);
        foreach (var state in states)
        {
            foreach (var pair in state.History)
            {
                if (pair.Value.Count == 0)
                    continue;
                if (_roots[pair.Key].Symbol is { } symbol)
                {
                    if (!IsOwnedBy(symbol, owner))
                        Add(summary.Variables, symbol, pair.Value);
                    else if (symbol is IParameterSymbol parameter)
                        summary.Parameters.Add(parameter.Ordinal);
                }
                else if (_roots[pair.Key].IsLasting && !IsReadThrough(pair.Key, owner))
                {
                    Add(summary.Queries, pair.Key, pair.Value);
                }
            }
        }

        foreach (var (symbol, target) in CapturedWrites(graph.OriginalOperation, owner))
        {
            // What it holds where the body ends (nothing at all for a collection, `xs = xs.ToList()`), when that is known.
            if (!summary.Written.ContainsKey(symbol))
                summary.Written[symbol] = new CapturedWrite(target, exit is not null && exit.Bindings.TryGetValue(symbol, out var held) ? new HashSet<int>(held.Keys) : null);
        }

        return summary;

        static void Add<TKey>(Dictionary<TKey, HashSet<int>> sites, TKey key, HashSet<int> more)
        {
            if (!sites.TryGetValue(key, out var known))
                sites[key] = known = new HashSet<int>();
            known.UnionWith(more);
        }
    }

    /// <summary>Whether a lasting root (a member path's query, or a chain on such roots) is read through a variable of <paramref name="owner"/>.</summary>
    private bool IsReadThrough(int root, ISymbol owner)
    {
        foreach (var (path, id) in _paths)
        {
            if (id == root)
                return path.Variable is not null && IsOwnedBy(path.Variable, owner);
        }

        foreach (var (sources, id) in _chains)
        {
            if (id == root)
                return sources.Any(source => _roots[source].Symbol is { } symbol ? IsOwnedBy(symbol, owner) : IsReadThrough(source, owner));
        }

        return false;
    }

    /// <summary>
    /// What a lambda's or local function's body executes of what it does not own, for the places that create or
    /// call it: the variables it captures, and the queries read through members or written out as chains.
    /// </summary>
    /// <summary>
    /// The sequence variables declared outside <paramref name="body"/> that it may assign (<c>page = fetch(++i)</c>, an
    /// <c>out</c> or <c>ref</c> argument, a deconstruction), a lambda inside it included, each with the target written.
    /// </summary>
    private static IEnumerable<(ISymbol Symbol, IOperation Target)> CapturedWrites(IOperation body, ISymbol owner)
    {
        foreach (var operation in body.Descendants())
        {
            foreach (var target in SequenceFacts.AssignedTargets(operation))
            {
                if (Variable(target) is { } symbol && !IsOwnedBy(symbol, owner) && SequenceFacts.KindOf(target.Type) != SequenceKind.None
                    && !symbol.DeclaringSyntaxReferences.Any(r => body.Syntax.Span.Contains(r.Span)))
                {
                    yield return (symbol, target);
                }
            }
        }

    }

    /// <summary>
    /// A captured variable a body assigns: where (<paramref name="Target"/>), and the roots it holds where the body ends,
    /// null when unknown. Among them, a variable's own root is the value that variable held at the call, and any other
    /// root not lasting is a value the call made.
    /// </summary>
    private sealed record CapturedWrite(IOperation Target, HashSet<int>? Held);

    /// <summary>The variable whose value at the body's entry <paramref name="root"/> stands for, or null.</summary>
    private ISymbol? HolderAtEntry(int root) => _roots[root].Symbol is { } symbol && OwnRoot(symbol) == root ? symbol : null;

    private bool IsLasting(int root) => _roots[root].IsLasting;

    private sealed class BodySummary
    {
        public Dictionary<ISymbol, HashSet<int>> Variables { get; } = new(SymbolEqualityComparer.Default);

        /// <summary>The variables it captures that it may assign (see <see cref="CapturedWrite"/>).</summary>
        public Dictionary<ISymbol, CapturedWrite> Written { get; } = new(SymbolEqualityComparer.Default);

        public Dictionary<int, HashSet<int>> Queries { get; } = new();

        /// <summary>The ordinals of its own parameters whose values it may enumerate: a call enumerates what it passes there.</summary>
        public HashSet<int> Parameters { get; } = new();

        /// <summary>Whether it writes the database (see <see cref="_writesDatabase"/>).</summary>
        public bool WritesDatabase { get; set; }
    }

    private MethodRole RoleOf(IMethodSymbol method)
    {
        if (!_roles.TryGetValue(method, out var role))
            _roles[method] = role = SequenceFacts.Classify(method, _options);
        return role;
    }

    /// <summary>
    /// The variables the result of the user's <paramref name="method"/> is a lazy view of, where it returns nothing else: a
    /// chain of deferred operators (or the variable itself) on its own sequence parameters or, for a local function, on
    /// variables it captures (<c>IEnumerable&lt;Order&gt; Open() =&gt; orders.Where(o =&gt; !o.Closed)</c>). Enumerating the
    /// result enumerates them, as the chain written at the call would. Null for anything else: a method another may
    /// override, an iterator (<c>yield</c> needs a block, which this reads only as one <c>return</c>), a query (MAGG002
    /// judges a query method's executions by what it is asked), a value made some other way.
    /// </summary>
    private ImmutableArray<ISymbol>? ViewedByResult(IMethodSymbol method)
    {
        method = method.OriginalDefinition;
        if (!_viewed.TryGetValue(method, out var viewed))
            _viewed[method] = viewed = Find();
        return viewed;

        ImmutableArray<ISymbol>? Find()
        {
            if (method.IsVirtual || method.IsAbstract || method.IsOverride || method.IsExtern
                || SequenceFacts.KindOf(method.ReturnType) is SequenceKind.None or SequenceKind.Queryable)
            {
                return null;
            }

            var returned = method.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(_cancellationToken) switch
            {
                BaseMethodDeclarationSyntax declaration => ReturnedBy(declaration.ExpressionBody, declaration.Body),
                LocalFunctionStatementSyntax function => ReturnedBy(function.ExpressionBody, function.Body),
                _ => null,
            };
            if (returned is null || ModelOf(returned)?.GetOperation(returned, _cancellationToken) is not { } value)
                return null;

            var sources = ImmutableArray.CreateBuilder<ISymbol>();
            return Views(value) ? sources.ToImmutable() : null;

            bool Views(IOperation operation)
            {
                switch (operation)
                {
                    case IConversionOperation conversion:
                        return Views(conversion.Operand);
                    case IParameterReferenceOperation { Parameter: var parameter }
                        when SymbolEqualityComparer.Default.Equals(parameter.ContainingSymbol, method) || method.MethodKind == MethodKind.LocalFunction:
                        sources.Add(parameter);
                        return true;
                    case ILocalReferenceOperation { Local: var local } when method.MethodKind == MethodKind.LocalFunction && !IsOwnedBy(local, method):
                        sources.Add(local);
                        return true;
                    case IInvocationOperation link when RoleOf(link.TargetMethod) == MethodRole.Deferred
                                                        && SequenceFacts.KindOf(link.Type) != SequenceKind.Queryable:
                        // Not a query's link: a filter of `db.Orders` is another query than `db.Orders` (see QueryRoots).
                        var links = Walker.Sources(link).ToList();
                        return links.Count > 0 && links.All(Views);
                    default:
                        return false;
                }
            }
        }

        static ExpressionSyntax? ReturnedBy(ArrowExpressionClauseSyntax? arrow, BlockSyntax? body) =>
            arrow?.Expression ?? (body is { Statements: { Count: 1 } statements } && statements[0] is ReturnStatementSyntax { Expression: { } expression } ? expression : null);
    }

    /// <summary>The local or parameter <paramref name="operation"/> refers to, or null.</summary>
    private static ISymbol? Variable(IOperation operation) => operation switch
    {
        ILocalReferenceOperation local => local.Local,
        IParameterReferenceOperation parameter => parameter.Parameter,
        _ => null,
    };

    private static bool IsOwnedBy(ISymbol symbol, ISymbol? owner) =>
        owner is not null && SymbolEqualityComparer.Default.Equals(symbol.ContainingSymbol, owner);

    /// <summary>The root a variable holds while nothing in this body has assigned it: its own.</summary>
    private int? OwnRoot(ISymbol symbol)
    {
        var kind = SequenceFacts.KindOf(symbol switch
        {
            ILocalSymbol local => local.Type,
            IParameterSymbol parameter => parameter.Type,
            _ => null,
        });
        return kind == SequenceKind.None || IsGroupHandedToResultSelector(symbol) ? null : RootFor(symbol, symbol, kind);
    }

    /// <summary>
    /// The group LINQ to Objects hands a result selector of <c>GroupBy</c> or <c>GroupJoin</c> (<c>(key, orders) =&gt; ...</c>,
    /// <c>join ... into g</c>): typed <c>IEnumerable&lt;T&gt;</c>, but a grouping already in memory, as <c>IGrouping</c> is;
    /// so do .NET 10's <c>AsyncEnumerable</c> and PLINQ's <c>ParallelEnumerable</c>.
    /// </summary>
    private bool IsGroupHandedToResultSelector(ISymbol symbol)
    {
        // A query's lambdas are the compiler's: their parameters may have no syntax of their own, the lambda has.
        if (symbol is not IParameterSymbol { Ordinal: 1, ContainingSymbol: IMethodSymbol { MethodKind: MethodKind.AnonymousFunction } lambda }
            || (symbol.DeclaringSyntaxReferences.FirstOrDefault() ?? lambda.DeclaringSyntaxReferences.FirstOrDefault())?.GetSyntax(_cancellationToken) is not { } declaration
            || ModelOf(declaration) is not { } model)
        {
            return false;
        }

        // (key, group) => ... passed to the call; or a query's `join ... into g`, the clause that calls GroupJoin.
        SyntaxNode? call = declaration.FirstAncestorOrSelf<LambdaExpressionSyntax>()?.Parent is ArgumentSyntax { Parent.Parent: InvocationExpressionSyntax invocation }
            ? invocation
            : declaration.FirstAncestorOrSelf<QueryExpressionSyntax>()?.DescendantNodes().OfType<JoinClauseSyntax>()
                .FirstOrDefault(join => join.Into?.Identifier.ValueText == symbol.Name);
        var called = call is JoinClauseSyntax clause
            ? model.GetQueryClauseInfo(clause, _cancellationToken).OperationInfo.Symbol
            : call is null ? null : model.GetSymbolInfo(call, _cancellationToken).Symbol;
        return called is IMethodSymbol method
            && (method.ReducedFrom ?? method) is { Name: "GroupBy" or "GroupJoin", ContainingType: { Name: "Enumerable" or "AsyncEnumerable" or "ParallelEnumerable" } enumerable }
            && SequenceFacts.IsIn(enumerable.ContainingNamespace, "System", "Linq");
    }

    /// <summary>
    /// Flow captures that stand for the variable an assignment writes, not for its value: the graph
    /// captures the target of <c>batch = k &gt; 0 ? A() : B()</c> before the branches, and assigns
    /// through the capture after them. Capture to the variable. A capture that is also read
    /// (<c>(ys ??= Load()).Sum()</c> reads the value it captured) is a value, not only a target.
    /// </summary>
    internal static Dictionary<CaptureId, ISymbol> CapturedTargets(ControlFlowGraph graph)
    {
        var targets = new Dictionary<CaptureId, ISymbol>();
        var assignedThrough = new HashSet<CaptureId>();
        var read = new HashSet<CaptureId>();
        foreach (var block in graph.Blocks)
        {
            var operations = block.BranchValue is { } branchValue ? block.Operations.Add(branchValue) : block.Operations;
            foreach (var operation in operations)
            {
                foreach (var node in operation.DescendantsAndSelf())
                {
                    if (node is not IFlowCaptureReferenceOperation reference)
                        continue;
                    if (reference.Parent is ISimpleAssignmentOperation { IsRef: false } assignment && assignment.Target == reference)
                        assignedThrough.Add(reference.Id);
                    else
                        read.Add(reference.Id);
                }
            }
        }

        assignedThrough.ExceptWith(read);

        if (assignedThrough.Count == 0)
            return targets;

        foreach (var block in graph.Blocks)
        {
            foreach (var operation in block.Operations)
            {
                if (operation is IFlowCaptureOperation capture && assignedThrough.Contains(capture.Id))
                {
                    switch (capture.Value)
                    {
                        case ILocalReferenceOperation local:
                            targets[capture.Id] = local.Local;
                            break;
                        case IParameterReferenceOperation parameter:
                            targets[capture.Id] = parameter.Parameter;
                            break;
                    }
                }
            }
        }

        return targets;
    }

    /// <summary>The variable a pattern declares (<c>is IEnumerable&lt;int&gt; inner</c>, <c>is { } items</c>), if any.</summary>
    internal static ISymbol? DeclaredVariable(IPatternOperation pattern) => pattern switch
    {
        IDeclarationPatternOperation declaration => declaration.DeclaredSymbol,
        IRecursivePatternOperation recursive => recursive.DeclaredSymbol,
        IListPatternOperation list => list.DeclaredSymbol,
        _ => null,
    };

    /// <summary>The variables a deconstruction writes: <c>(a, b) = ...</c>, <c>var (a, (b, c)) = ...</c>.</summary>
    internal static IEnumerable<IOperation> DeconstructedVariables(IOperation target)
    {
        switch (SkipDeclaration(target))
        {
            case ITupleOperation tuple:
                foreach (var element in tuple.Elements)
                {
                    foreach (var variable in DeconstructedVariables(element))
                        yield return variable;
                }

                break;
            case ILocalReferenceOperation or IParameterReferenceOperation:
                yield return SkipDeclaration(target);
                break;
        }
    }

    /// <summary>The variable reference inside <c>out var x</c> or <c>var (a, b)</c>.</summary>
    internal static IOperation SkipDeclaration(IOperation operation) =>
        operation is IDeclarationExpressionOperation declaration ? declaration.Expression : operation;

    /// <param name="wholeSet">A query written out the same way that is still a whole set: a link that keeps the rows
    /// (<see cref="SequenceFacts.KeepsRows"/>) of one (see <see cref="Root.IsWholeSet"/>). A member path's query always is.</param>
    private int RootFor(object key, ISymbol? symbol, SequenceKind kind, bool wholeSet = false)
    {
        if (!_rootIds.TryGetValue(key, out var id))
        {
            id = _roots.Count;
            var isQueryable = kind == SequenceKind.Queryable;
            _roots.Add(new Root(symbol, isQueryable, IsLasting: key is MemberPath or QueryKey, IsWholeSet: key is MemberPath && isQueryable || wholeSet));
            _rootIds[key] = id;
            if (key is MemberPath path)
                _paths.Add((path, id));
            if (key is QueryKey chain)
                _chains.Add((chain.Sources, id));
        }

        return id;
    }

    /// <summary>The root standing for every value <paramref name="origin"/> made before its latest one, <paramref name="latest"/> (see the walker's <c>NewRoot</c>).</summary>
    private int EarlierRootFor(object origin, int latest, SequenceKind kind)
    {
        var id = RootFor((origin, EarlierValues: true), null, kind);
        _roots[id] = _roots[id] with { MadeBy = latest };
        return id;
    }

    /// <summary>
    /// The root under which what the expression that made <paramref name="root"/>'s values reads twice, or pages, is
    /// recorded: the same for all of them, the earlier and the latest.
    /// </summary>
    private int MakerOf(int root) => _roots[root].MadeBy ?? root;

    /// <summary>
    /// The root of the query a member path reads (<c>_db.Products</c>, <c>_languages</c>): one for every read
    /// of the path, whose history lasts as long as nothing on the path is written. So is a lazy chain read from a
    /// variable through an anonymous type's properties (a query's <c>let</c>, <c>new { Larger = ys.Where(...) }</c>):
    /// they hold what they were given and cannot be set (see <see cref="HoldsChainMadeHere"/>). Any other member may
    /// make a new sequence on each read.
    /// </summary>
    /// <param name="graph">The graph being walked, to find the member it belongs to.</param>
    private int? PathRoot(IOperation operation, ControlFlowGraph graph)
    {
        var kind = SequenceFacts.KindOf(operation.Type);
        if (kind == SequenceKind.None || MemberPath.Of(operation) is not { Members.Length: > 0 } path)
            return null;
        if (kind == SequenceKind.Queryable
            || path.Variable is not null && path.Members[path.Members.Length - 1] is IPropertySymbol held && HoldsChainMadeHere(held, graph)
               && path.Members.All(static member => member is IPropertySymbol { ContainingType.IsAnonymousType: true }))
        {
            return RootFor(path, null, kind);
        }

        return null;
    }

    /// <summary>
    /// Whether <paramref name="property"/> is an anonymous type's that the member <paramref name="graph"/> belongs to
    /// creates, storing a lazy chain made in place each time (<c>ys.Where(...)</c>, a query): reading it twice runs the
    /// chain twice. Not one that holds data in memory, which a local holding the same value is not charged for (the
    /// group a <c>join ... into</c> or a <c>GroupBy</c> hands its result selector, a lookup's group), nor one created
    /// elsewhere, of unknown make, or in a lambda quoted as an expression tree (a query provider's projection, whose
    /// rows come back in memory).
    /// </summary>
    private bool HoldsChainMadeHere(IPropertySymbol property, ControlFlowGraph graph)
    {
        if (!property.ContainingType.IsAnonymousType)
            return false;

        var member = graph;
        while (member.Parent is { } parent)
            member = parent;
        if (!_anonymousChains.TryGetValue(member, out var chains))
        {
            _anonymousChains[member] = chains = new Dictionary<IPropertySymbol, bool>(SymbolEqualityComparer.Default);
            foreach (var creation in member.OriginalOperation.Descendants().OfType<IAnonymousObjectCreationOperation>())
            {
                var quoted = false;
                for (var outer = creation.Parent; outer is not null && !quoted; outer = outer.Parent)
                    quoted = outer is IAnonymousFunctionOperation function && SequenceFacts.IsQuoted(function);
                foreach (var initializer in creation.Initializers)
                {
                    if (initializer is ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property: var stored }, Value: var value }
                        && SequenceFacts.KindOf(stored.Type) != SequenceKind.None)
                    {
                        chains[stored] = (!chains.TryGetValue(stored, out var before) || before) && !quoted && IsChainMadeInPlace(value);
                    }
                }
            }
        }

        return chains.TryGetValue(property, out var holds) && holds;

        bool IsChainMadeInPlace(IOperation value)
        {
            while (value is IConversionOperation conversion && SequenceFacts.IsSequenceLike(conversion.Operand.Type))
                value = conversion.Operand;
            return value is ITranslatedQueryOperation
                   || value is IInvocationOperation invocation && !SequenceFacts.IsView(invocation.TargetMethod)
                      && RoleOf(invocation.TargetMethod) is MethodRole.Deferred or MethodRole.EnumeratingAndDeferred;
        }
    }

    /// <summary>
    /// A variable or member is written: the queries read through it, and the chains written out on them, are
    /// other queries from now on.
    /// </summary>
    private void Forget(MemberPath written, FlowState state)
    {
        var forgotten = new HashSet<int>();
        foreach (var (path, root) in _paths)
        {
            if (path.StartsWith(written))
                forgotten.Add(root);
        }

        ForgetWithChains(forgotten, state);
    }

    /// <summary>
    /// The rows behind the queries <paramref name="changed"/> are written (a bulk delete of a query a variable holds): those
    /// queries, the queries they are written on down to the set (not a Join's or Concat's other source, as a bulk write
    /// written out inline reaches only its first), and every chain written out on any of them, are other queries from now on.
    /// </summary>
    private void ForgetRows(IEnumerable<int> changed, FlowState state)
    {
        // The queries only: a Join's sequence in memory (`ids`) keeps what it saw.
        var forgotten = new HashSet<int>(changed.Where(root => _roots[root].IsQueryable));
        var pending = new Stack<int>(forgotten);
        while (pending.Count > 0)
        {
            if (_writtenOn.TryGetValue(pending.Pop(), out var below))
            {
                foreach (var source in below)
                {
                    if (forgotten.Add(source))
                        pending.Push(source);
                }
            }
        }

        ForgetWithChains(forgotten, state);
    }

    /// <summary>Notes the query a link's root is written on, and all its sources (see <see cref="ForgetRows"/>).</summary>
    private void NoteLink(int link, HashSet<int> writtenOn, HashSet<int> sources)
    {
        Add(_writtenOn, writtenOn);
        Add(_linkSources, sources);

        void Add(Dictionary<int, HashSet<int>> links, HashSet<int> roots)
        {
            if (!links.TryGetValue(link, out var known))
                links[link] = known = new HashSet<int>();
            known.UnionWith(roots);
        }
    }

    /// <summary>
    /// A save writes the database every query reads, through its own context or another: each query executed after it is
    /// another read, whatever reaches it (a member of the context, a helper that was given the context, a parameter), as
    /// in a loop that marks a batch and saves before it reads the next one.
    /// </summary>
    private void ForgetQueries(FlowState state)
    {
        var forgotten = new HashSet<int>();
        for (var root = 0; root < _roots.Count; root++)
        {
            if (_roots[root].IsQueryable)
                forgotten.Add(root);
        }

        ForgetWithChains(forgotten, state);
    }

    /// <summary>Forgets <paramref name="forgotten"/>, and the chains and other links written on them, in turn.</summary>
    private void ForgetWithChains(HashSet<int> forgotten, FlowState state)
    {
        for (var grown = forgotten.Count > 0; grown;)
        {
            grown = false;
            foreach (var (sources, chain) in _chains)
            {
                if (!forgotten.Contains(chain) && sources.Any(forgotten.Contains))
                    grown |= forgotten.Add(chain);
            }

            foreach (var pair in _linkSources)
            {
                if (!forgotten.Contains(pair.Key) && forgotten.Overlaps(pair.Value))   // walks the link's few sources
                    grown |= forgotten.Add(pair.Key);
            }
        }

        foreach (var root in forgotten)
            state.Forget(root);
    }

    /// <summary>
    /// The key under which a query link (<c>Where</c>, <c>OrderBy</c>, <c>Include</c>...) over
    /// <paramref name="sources"/> is the same query wherever it is written: the same operator over the same
    /// source values with the same arguments (<see cref="ArgumentText"/>: <c>db.Products.Where(p =&gt; p.Active)</c>
    /// written out twice, or once in a <c>foreach</c> that reads nothing of the iteration). Null, a new query at
    /// each evaluation, when its arguments read a value of the iteration around it, or a variable or member written in
    /// the body (the two copies may read different values) or changed by a call in the loop around it; in any other loop
    /// (a <c>while</c>, <c>do</c> or <c>for</c> run until what it reads changes, as a queue drained in batches: each
    /// iteration's query is its own); when a source is a value an evaluation makes; and when a source derives from the
    /// link itself (<see cref="DerivesFrom"/>).
    /// </summary>
    private QueryKey? SameQuery(IInvocationOperation invocation, HashSet<int> sources)
    {
        // Built on a value an evaluation makes (`Load(id).Where(...)`), the chain is new with it each time.
        if (sources.Count == 0 || sources.Any(source => _roots[source] is { Symbol: null, IsLasting: false }))
            return null;

        // What does not depend on the state, once per link: the walker visits it on every pass to the fixed point.
        if (!_linkArguments.TryGetValue(invocation, out var arguments))
        {
            _linkArguments[invocation] = arguments = InnermostLoop(invocation.Syntax) switch
            {
                null => ArgumentText(invocation.Arguments, varyInLoops: false),
                CommonForEachStatementSyntax when !DependsOnTheIteration(invocation) => ArgumentText(invocation.Arguments, varyInLoops: false),
                _ => null,
            };
        }

        if (arguments is null || DerivesFrom(sources, invocation))
            return null;

        var roots = sources.ToList();
        roots.Sort();
        return new QueryKey(invocation.TargetMethod, roots.ToArray(), arguments);
    }

    /// <summary>
    /// What a call executing the query <paramref name="operand"/> asks of it (see <see cref="OneQueryServes"/>): its
    /// kind, its name (without <c>Async</c>), and what it is asked: the links written between the set and the call
    /// (<c>OrderBy(o =&gt; o.Id)</c> decides which row is <c>First</c>) and its arguments (<see cref="ArgumentText"/>);
    /// null when those may differ from one evaluation to the next: they (or the links of the local the call reads, as
    /// its initializer wrote them) read a variable declared in the loop around them, or one written in the body.
    /// </summary>
    private Execution ExecutionOf(IMethodSymbol method, MethodRole role, IEnumerable<IArgumentOperation> arguments, SyntaxNode operand)
    {
        var kind = SequenceFacts.ExecutionKindOf(method, role);
        if (kind == QueryExecutionKind.Rows)
            return RowsAt(operand);
        var question = ArgumentText(arguments, varyInLoops: true);
        if (question is not null && (LinksVary(operand) || AsksAtRandom(operand) || (Initialized(operand) is var held && held != operand && AsksAtRandom(held))))
        {
            question = null;
        }
        return new Execution(kind, SequenceFacts.OperatorName(method), question is null ? null : string.Join(" ", operand.DescendantTokens().Select(static t => t.ValueText)) + "|" + question);
    }

    /// <summary>The rows of the query <paramref name="operand"/> as it is executed there (<see cref="RowsOf"/>), and whether its links vary.</summary>
    private Execution RowsAt(SyntaxNode operand) => LinksVary(operand) ? RowsOf(operand) with { Varies = true } : RowsOf(operand);

    /// <summary>
    /// Whether the links before an execution may ask another question at each evaluation: they read a value of the loop
    /// around them (`_db.Orders.Select(o =&gt; o.Total * rates[i]).Sum()`), or the links of the local the execution reads do,
    /// as its initializer wrote them (`var totals = orders.Select(o =&gt; o.Year == year ? o.Total : 0);`), or read a
    /// variable the loop around the execution writes (`var q = _db.Orders.Where(o =&gt; o.Day == day);`, then
    /// `while (...) { q.Count(); day = day.AddDays(1); }`). Their arguments, not what the chain starts from
    /// (`var orders = _db.Orders;` in the loop is the same set each time).
    /// </summary>
    private bool LinksVary(SyntaxNode operand) =>
        ArgumentsVary(operand)
        || (Initialized(operand) is var initialized && initialized != operand && (ArgumentsVary(initialized) || ReadsWrittenInLoop(initialized, operand)));

    private bool ArgumentsVary(SyntaxNode query) =>
        query.DescendantNodesAndSelf().OfType<ArgumentSyntax>().Any(argument => VariesPerEvaluation(argument, query));

    /// <summary>Whether the arguments of <paramref name="links"/> read a variable, field or property the loop around <paramref name="execution"/> writes.</summary>
    private bool ReadsWrittenInLoop(SyntaxNode links, SyntaxNode execution)
    {
        if (InnermostLoop(execution) is not { } loop || ModelOf(loop)?.GetOperation(loop, _cancellationToken) is not { } iteration)
            return false;
        var written = RewrittenVariables(iteration, withChangesInPlace: true);
        return written.Count > 0
            && links.DescendantNodesAndSelf().OfType<ArgumentSyntax>()
                .Any(argument => argument.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>()
                    .Any(name => written.Contains(name.Identifier.ValueText) && LambdaDeclaring(name, argument) is null));
    }

    /// <summary>
    /// Which rows a query as written loads: the set's own, something of each (a <c>Select</c> among its links, or a query
    /// expression's <c>select</c>), or the distinct values of such a projection, fewer than the set's rows.
    /// </summary>
    private Execution RowsOf(SyntaxNode operand)
    {
        var distinct = false;
        var followed = 0;
        for (var link = operand; ;)
        {
            switch (link)
            {
                // A local's links are those its initializer wrote (`var options = _db.Orders.Select(...)`).
                case IdentifierNameSyntax when followed++ < 8 && Initialized(link) is var initialized && initialized != link:
                    link = initialized;
                    continue;
                case ParenthesizedExpressionSyntax parenthesized:
                    link = parenthesized.Expression;
                    continue;
                case InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access } call:
                    if (access.Name.Identifier.ValueText == "Select" && !SelectsTheRow(call))
                        return distinct ? Execution.DistinctValues : Execution.ProjectedRows;
                    distinct |= access.Name.Identifier.ValueText == "Distinct";
                    link = access.Expression;
                    continue;
                case QueryExpressionSyntax query when !SelectsTheRangeVariable(query):
                    return distinct ? Execution.DistinctValues : Execution.ProjectedRows;
                default:
                    return Execution.Rows;
            }
        }

        // `Select(o => o)`: the rows themselves.
        static bool SelectsTheRow(InvocationExpressionSyntax select) =>
            select.ArgumentList.Arguments.Count == 1
            && select.ArgumentList.Arguments[0].Expression is SimpleLambdaExpressionSyntax { ExpressionBody: IdentifierNameSyntax body } lambda
            && body.Identifier.ValueText == lambda.Parameter.Identifier.ValueText;

        // `from o in _db.Orders where ... select o`: the rows of its source, however filtered or ordered.
        static bool SelectsTheRangeVariable(QueryExpressionSyntax query) =>
            query.Body is { Continuation: null, SelectOrGroup: SelectClauseSyntax { Expression: IdentifierNameSyntax selected } }
            && selected.Identifier.ValueText == query.FromClause.Identifier.ValueText;
    }

    /// <summary>
    /// A call's arguments other than its sequences and its cancellation token, token for token, each local or
    /// parameter declared outside them named with where it is declared (two <c>id</c>s of two blocks differ, a
    /// lambda's <c>o</c> does not); null when one is implicit,
    /// reads a variable or member written in the body after its declaration, or (<paramref name="varyInLoops"/>)
    /// reads a variable declared in the loop around it.
    /// </summary>
    private string? ArgumentText(IEnumerable<IArgumentOperation> arguments, bool varyInLoops)
    {
        var text = new System.Text.StringBuilder();
        foreach (var argument in arguments)
        {
            if (argument.Parameter is { } parameter && (SequenceFacts.IsSequenceParameter(parameter) || parameter.Type.Name == nameof(CancellationToken)))
                continue;
            if (argument.ArgumentKind == ArgumentKind.DefaultValue)
            {
                text.Append("default,");
                continue;
            }

            if (argument.IsImplicit || ReadsRewrittenVariable(argument.Value.Syntax) || AsksAtRandom(argument.Syntax) || (varyInLoops && VariesPerEvaluation(argument.Syntax, argument.Syntax)))
            {
                return null;
            }

            foreach (var token in argument.Value.Syntax.DescendantTokens())
            {
                text.Append(token.ValueText);
                if (token.Parent is IdentifierNameSyntax name && VariableDeclaredAt(name) is { } declaredAt && !argument.Syntax.Span.Contains(declaredAt))
                    text.Append('@').Append(declaredAt);
                text.Append(' ');
            }

            text.Append(',');
        }

        return text.ToString();
    }

    /// <summary>The locals and parameters the arguments of a query's links read (<c>day</c> in <c>Where(o =&gt; o.Day == day)</c>).</summary>
    private HashSet<ISymbol> VariablesReadBy(SyntaxNode links)
    {
        var read = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        if (ModelOf(links) is not { } model)
            return read;
        foreach (var name in links.DescendantNodes().OfType<ArgumentSyntax>().SelectMany(static argument => argument.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>()))
        {
            if (model.GetSymbolInfo(name, _cancellationToken).Symbol is (ILocalSymbol or IParameterSymbol) and var variable)
                read.Add(variable);
        }

        return read;
    }

    /// <summary>Whether the body writes one of <paramref name="variables"/> between <paramref name="first"/> and <paramref name="second"/>, in the text.</summary>
    private bool WrittenBetween(HashSet<ISymbol> variables, SyntaxNode first, SyntaxNode second)
    {
        if (ModelOf(first) is not { } model)
            return false;
        return NodesBetween(first, second)
            .SelectMany(node => node switch
            {
                AssignmentExpressionSyntax assignment => [assignment.Left],
                PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PreIncrementExpression or (int)SyntaxKind.PreDecrementExpression } increment => [increment.Operand],
                PostfixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PostIncrementExpression or (int)SyntaxKind.PostDecrementExpression } increment => [increment.Operand],
                ArgumentSyntax { RefKindKeyword.RawKind: not 0 } argument => [argument.Expression],
                InvocationExpressionSyntax call when model.GetOperation(call, _cancellationToken) is IInvocationOperation invocation =>
                    ChangedInPlaceBy(invocation).Select(static changed => changed.Syntax as ExpressionSyntax),
                _ => Enumerable.Empty<ExpressionSyntax>(),
            })
            .Select(RootOf)
            .Any(target => target is not null && model.GetSymbolInfo(target, _cancellationToken).Symbol is { } written && variables.Contains(written));

        // The variable a write changes: itself (`day++`), or what it holds (`criteria.From = ...`, `days[0] = ...`), which
        // the query reads through it when it runs.
        static IdentifierNameSyntax? RootOf(ExpressionSyntax? target)
        {
            while (target is MemberAccessExpressionSyntax or ElementAccessExpressionSyntax)
                target = target is MemberAccessExpressionSyntax access ? access.Expression : ((ElementAccessExpressionSyntax)target).Expression;
            return target as IdentifierNameSyntax;
        }
    }

    /// <summary>
    /// The collections a call may change in place, whose new items a query reading them sends when it runs: the one a
    /// library method named for a change is called on (<c>ids.AddRange(more)</c>, <c>seen.Clear()</c>, an extension's
    /// receiver too), or else those it is given (<c>Array.Sort(keys, items)</c>, <c>random.Shuffle(days)</c>), unless the
    /// method returns a new one instead (an immutable collection's <c>Add</c>, LINQ's <c>Reverse</c>); and each
    /// collection a method declared in the project's source is given, an extension's receiver included
    /// (<c>Collect(seen, id)</c>, <c>seen.Collect(id)</c>), with the object such a method named for a change is called on
    /// (<c>criteria.AddStatus(s)</c>). Not what the libraries' other methods are given, which they read
    /// (<c>string.Join(",", ids)</c>, <c>all.AddRange(ids)</c>'s <c>ids</c>).
    /// </summary>
    private static IEnumerable<IOperation> ChangedInPlaceBy(IInvocationOperation call)
    {
        var method = call.TargetMethod;
        var explicitArguments = call.Arguments.Where(static argument => argument.ArgumentKind == ArgumentKind.Explicit).ToList();
        var receiver = call.Instance is { } instance ? SequenceFacts.WithoutConversions(instance)
            : method.IsExtensionMethod && explicitArguments.FirstOrDefault(static argument => argument.Parameter?.Ordinal == 0) is { } first ? SequenceFacts.WithoutConversions(first.Value)
            : null;
        var collections = explicitArguments.Select(static argument => SequenceFacts.WithoutConversions(argument.Value)).Where(IsCollection);
        var changes = ChangesInPlace(method);
        if (method.Locations.Any(static location => location.IsInSource))
            return changes && receiver is not null ? collections.Append(receiver) : collections;
        if (!changes)
            return [];
        return receiver is not null && IsCollection(receiver) ? [receiver] : collections.Where(value => value != receiver);

        static bool IsCollection(IOperation value) =>
            value.Type is { SpecialType: not SpecialType.System_String } type && SequenceFacts.IsCollection(type);

        // Named for a change, and not returning a new collection instead: an immutable collection (of the type it is called
        // on), or a lazy sequence, as declared (Queue<IQueryable<T>>.Dequeue gives an item, not a view).
        static bool ChangesInPlace(IMethodSymbol method)
        {
            var declared = method.OriginalDefinition;
            return Verbs.Any(verb => method.Name.StartsWith(verb, System.StringComparison.Ordinal) && (method.Name.Length == verb.Length || char.IsUpper(method.Name[verb.Length])))
                && !SequenceFacts.IsSequenceLike(declared.ReturnType)
                && !(declared.ReturnType is INamedTypeSymbol returned && SequenceFacts.IsWithin(returned.ContainingNamespace, "System", "Collections", "Immutable")
                     && (declared.IsExtensionMethod ? declared.Parameters.FirstOrDefault()?.Type : declared.ContainingType) is INamedTypeSymbol on
                     && SymbolEqualityComparer.Default.Equals(returned.OriginalDefinition, on.OriginalDefinition));
        }
    }

    /// <summary>The verbs that begin the names of the methods that change a collection in place (<c>AddRange</c>, <c>TryDequeue</c>, <c>UnionWith</c>).</summary>
    private static readonly string[] Verbs =
        ["Add", "Insert", "Remove", "Clear", "Push", "Pop", "Enqueue", "Dequeue", "TryAdd", "TryRemove", "TryPop", "TryDequeue", "TryTake",
         "TryUpdate", "GetOrAdd", "Sort", "Reverse", "Shuffle", "Fill", "UnionWith", "IntersectWith", "ExceptWith", "SymmetricExceptWith"];

    /// <summary>
    /// The nodes of the body written wholly between <paramref name="first"/> and <paramref name="second"/>, in document
    /// order: what runs after the one and before the other where neither is in a loop. None where they are in other
    /// files or out of order.
    /// </summary>
    private IEnumerable<SyntaxNode> NodesBetween(SyntaxNode first, SyntaxNode second)
    {
        if (_body?.Syntax is not { } body || first.SyntaxTree != second.SyntaxTree || first.Span.End > second.SpanStart)
            return Enumerable.Empty<SyntaxNode>();
        var between = TextSpan.FromBounds(first.Span.End, second.SpanStart);
        return body.DescendantNodes(node => node.FullSpan.IntersectsWith(between)).Where(node => between.Contains(node.Span));
    }

    /// <summary>
    /// Whether an argument draws a random value (<c>OrderBy(o =&gt; Guid.NewGuid())</c>, <c>EF.Functions.Random()</c>,
    /// <c>Skip(random.Next(n))</c>): each evaluation asks another question, which no earlier answer serves.
    /// </summary>
    private bool AsksAtRandom(SyntaxNode argument) =>
        ModelOf(argument) is { } model
        && argument.DescendantNodesAndSelf().OfType<InvocationExpressionSyntax>().Any(call =>
            model.GetSymbolInfo(call, _cancellationToken).Symbol is IMethodSymbol { ContainingType: { } type } method
            && (type.Name, method.Name) is ("Guid", "NewGuid") or ("Random", _) or ("DbFunctionsExtensions", "Random") or ("RandomNumberGenerator", "GetInt32")
            && (type.Name == "DbFunctionsExtensions" || SequenceFacts.IsIn(type.ContainingNamespace, "System") || SequenceFacts.IsIn(type.ContainingNamespace, "System", "Security", "Cryptography")));

    /// <summary>Where the local or parameter <paramref name="name"/> reads is declared; null for anything else.</summary>
    private int? VariableDeclaredAt(IdentifierNameSyntax name) =>
        ModelOf(name)?.GetSymbolInfo(name, _cancellationToken).Symbol is (ILocalSymbol or IParameterSymbol) and var variable
        && variable.DeclaringSyntaxReferences.FirstOrDefault() is { } declaration
            ? declaration.Span.Start
            : null;

    /// <summary>
    /// The innermost loop statement <paramref name="syntax"/> runs in the iterations of, within its own lambda (or,
    /// <paramref name="throughLambdas"/>, the loop a lambda around it is made in), local function or member: not one
    /// whose <c>foreach</c> collection or <c>for</c> initializer it is in, which run once per run of that loop.
    /// </summary>
    private static SyntaxNode? InnermostLoop(SyntaxNode syntax, bool throughLambdas = false)
    {
        for (var node = syntax.Parent; node is not null; node = node.Parent)
        {
            switch (node)
            {
                // What a `foreach` walks and a `for`'s initializer run once per run of the loop, not in its iterations.
                case CommonForEachStatementSyntax { Expression: var walked } when walked.Span.Contains(syntax.Span):
                case ForStatementSyntax { Declaration: var declaration, Initializers: var initializers }
                    when declaration?.Span.Contains(syntax.Span) == true || initializers.Any(initializer => initializer.Span.Contains(syntax.Span)):
                    continue;
                case ForStatementSyntax or CommonForEachStatementSyntax or WhileStatementSyntax or DoStatementSyntax:
                    return node;
                case AnonymousFunctionExpressionSyntax when !throughLambdas:
                case LocalFunctionStatementSyntax or MemberDeclarationSyntax:
                    return null;
            }
        }

        return null;
    }

    /// <summary>
    /// Whether <paramref name="argument"/>, an argument of the execution or of a link of its query
    /// <paramref name="query"/>, may read another value each time the execution is evaluated: a local declared in the
    /// loop around it, also where a lambda made in the loop holds the execution (each iteration's
    /// <c>Task.Run(() =&gt; ...)</c> has its own), or a parameter of the local function or lambda around the query, which
    /// each call gives anew (<c>Find(id)</c> in a loop). The parameters of the query's own lambdas are part of it.
    /// </summary>
    private bool VariesPerEvaluation(SyntaxNode argument, SyntaxNode query) =>
        (InnermostLoop(argument, throughLambdas: true) is { } loop && ReadsVariableDeclaredIn(argument, loop))
        || (ModelOf(argument) is { } model && argument.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>().Any(name =>
            model.GetSymbolInfo(name, _cancellationToken).Symbol is IParameterSymbol { ContainingSymbol: IMethodSymbol { MethodKind: MethodKind.LocalFunction or MethodKind.AnonymousFunction } } parameter
            && parameter.DeclaringSyntaxReferences.Any(d => d.SyntaxTree == query.SyntaxTree && !query.Span.Contains(d.Span))));

    /// <summary>The semantic model of the file <paramref name="syntax"/> is in, among those analysed; null for another.</summary>
    private SemanticModel? ModelOf(SyntaxNode syntax) => _models.TryGetValue(syntax.SyntaxTree, out var model) ? model : null;

    /// <summary>
    /// Whether an argument of a link (its source aside) may read another value in each iteration of a loop around it: a
    /// local declared in it (a value of the iteration; of an outer loop's too: the same query for every element of the
    /// inner loop, but another in the next iteration of the outer, which one key per link could not tell apart), or
    /// something a call in it may change (<see cref="ReadsChangedIn"/>).
    /// </summary>
    private bool DependsOnTheIteration(IInvocationOperation link) =>
        link.Arguments.Any(argument =>
            argument.Parameter is not { } parameter || !SequenceFacts.IsSequenceParameter(parameter)
            ? LoopsAround(argument.Syntax).Any(loop => ReadsVariableDeclaredIn(argument.Syntax, loop) || ReadsChangedIn(argument.Syntax, loop, link.Syntax))
            : false);

    /// <summary>
    /// Whether <paramref name="syntax"/> reads, by name, something the loop may change in place outside
    /// <paramref name="link"/>: what a call in it is made on or passed to (`seen.Add(id)`, `Collect(seen, id)`, then
    /// `Where(j =&gt; !seen.Contains(j.Id))`), or an element of which it writes (`current[0] = id`). It may hold other
    /// values in each iteration, and a provider sends them with each query.
    /// </summary>
    private static bool ReadsChangedIn(SyntaxNode syntax, SyntaxNode loop, SyntaxNode link)
    {
        var changed = new HashSet<string>();
        foreach (var node in loop.DescendantNodes())
        {
            if (link.Span.Contains(node.Span))
                continue;
            switch (node)
            {
                case InvocationExpressionSyntax call:
                    if (call.Expression is MemberAccessExpressionSyntax { Expression: var receiver })
                        Add(receiver);
                    foreach (var argument in call.ArgumentList.Arguments)
                        Add(argument.Expression);
                    break;
                case AssignmentExpressionSyntax { Left: ElementAccessExpressionSyntax { Expression: var written } }:
                    Add(written);
                    break;
            }
        }

        return changed.Count > 0 && syntax.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>().Any(name => changed.Contains(name.Identifier.ValueText));

        void Add(ExpressionSyntax expression)
        {
            if (expression is MemberAccessExpressionSyntax member)
                changed.Add(member.Name.Identifier.ValueText);
            else if (expression is IdentifierNameSyntax name)
                changed.Add(name.Identifier.ValueText);
        }
    }

    /// <summary>The root of the chain <paramref name="key"/> names, made (or written out again) by <paramref name="link"/>.</summary>
    private int ChainRoot(QueryKey key, IInvocationOperation link, SequenceKind kind, bool wholeSet)
    {
        var root = RootFor(key, null, kind, wholeSet);
        if (!_chainLinks.TryGetValue(root, out var links))
            _chainLinks[root] = links = new HashSet<IInvocationOperation>();
        links.Add(link);
        return root;
    }

    /// <summary>
    /// Whether one of <paramref name="sources"/> is, or is built on, a chain <paramref name="link"/> made: its own result of
    /// an iteration before (`query = query.Where(...)`, `query = visitor.Visit(query)`, through any cast), which a key would
    /// make another query of at each pass, so that the walk would never settle.
    /// </summary>
    private bool DerivesFrom(HashSet<int> sources, IInvocationOperation link)
    {
        var seen = new HashSet<int>();
        var pending = new Stack<int>(sources);
        while (pending.Count > 0)
        {
            var root = pending.Pop();
            if (!seen.Add(root) || !_chainLinks.TryGetValue(root, out var links))
                continue;
            if (links.Contains(link))
                return true;
            foreach (var (chainSources, chain) in _chains)
            {
                if (chain == root)
                {
                    foreach (var source in chainSources)
                        pending.Push(source);
                }
            }
        }

        return false;
    }

    private static IEnumerable<SyntaxNode> LoopsAround(SyntaxNode syntax)
    {
        for (var loop = InnermostLoop(syntax, throughLambdas: true); loop is not null; loop = InnermostLoop(loop, throughLambdas: true))
            yield return loop;
    }

    /// <summary>Whether <paramref name="syntax"/> reads a local declared in <paramref name="loop"/> (its iteration variable included): a value of the iteration.</summary>
    private bool ReadsVariableDeclaredIn(SyntaxNode syntax, SyntaxNode loop) =>
        ModelOf(syntax) is { } model
        && syntax.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>().Any(name =>
            model.GetSymbolInfo(name, _cancellationToken).Symbol is ILocalSymbol local
            && local.DeclaringSyntaxReferences.Any(declaration => declaration.SyntaxTree == loop.SyntaxTree && loop.Span.Contains(declaration.Span)));

    /// <summary>
    /// Whether an argument may read a variable written after its declaration, or a field or property the body
    /// writes. By name, through the syntax: a lambda's body is not part of the flow graph's operations, and a name
    /// that merely matches costs a report, never a false one. A member of a row (<c>o.Id</c> in <c>o =&gt; o.Id == id</c>,
    /// <c>l.Qty</c> in <c>o =&gt; o.Lines.Any(l =&gt; l.Qty &gt; 5)</c>) is a column, which no write in .NET changes: a view
    /// model's <c>Id</c> the body sets is not it. A member of an object in memory (<c>p.Id</c> in
    /// <c>picked.Select(p =&gt; p.Id)</c>) is read as it is when the query runs.
    /// </summary>
    private bool ReadsRewrittenVariable(SyntaxNode value)
    {
        _rewritten ??= RewrittenVariables(_body);
        if (_rewritten.Count == 0)
            return false;
        foreach (var node in value.DescendantNodesAndSelf())
        {
            if (node is IdentifierNameSyntax name && _rewritten.Contains(name.Identifier.ValueText) && !IsColumn(name, value) && LambdaDeclaring(name, value) is null)
                return true;
        }

        return false;
    }

    /// <summary>Whether <paramref name="name"/> is a member, or a member's member, of a row of the query <paramref name="argument"/> is given to.</summary>
    private static bool IsColumn(IdentifierNameSyntax name, SyntaxNode argument)
    {
        if (name.Parent is not MemberAccessExpressionSyntax access || access.Name != name)
            return false;
        var root = access.Expression;
        while (root is MemberAccessExpressionSyntax inner)
            root = inner.Expression;
        return root is IdentifierNameSyntax parameter && IsRow(parameter, argument);
    }

    /// <summary>
    /// Whether <paramref name="name"/> is a parameter of a lambda over the query's rows: the argument itself
    /// (<c>o =&gt; ...</c>), or one given to a call on a row's member (<c>l</c> in <c>o.Lines.Any(l =&gt; ...)</c>), the
    /// innermost lambda that declares the name deciding (an expression tree has no <c>?.</c>).
    /// </summary>
    private static bool IsRow(IdentifierNameSyntax name, SyntaxNode argument)
    {
        if (LambdaDeclaring(name, argument) is not { } declaring)
            return false;
        if (Unparenthesized(argument) == declaring)
            return true;
        if (declaring.Parent is not ArgumentSyntax { Parent.Parent: InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax call } })
            return false;
        ExpressionSyntax receiver = call.Expression;
        while (receiver is MemberAccessExpressionSyntax access)
            receiver = access.Expression;
        return receiver is IdentifierNameSyntax row && IsRow(row, argument);
    }

    /// <summary>What an argument or a parenthesised expression holds: <c>(x)</c>'s <c>x</c>, an argument's expression.</summary>
    private static SyntaxNode Unparenthesized(SyntaxNode node)
    {
        while (node is ArgumentSyntax { Expression: var expression })
            node = expression;
        while (node is ParenthesizedExpressionSyntax parenthesized)
            node = parenthesized.Expression;
        return node;
    }

    /// <summary>
    /// The innermost lambda within <paramref name="argument"/> (itself included) that declares <paramref name="name"/>
    /// as its parameter: what the name reads there, which no write in the body outside it changes.
    /// </summary>
    private static LambdaExpressionSyntax? LambdaDeclaring(IdentifierNameSyntax name, SyntaxNode argument)
    {
        return name.Ancestors().TakeWhile(node => node != argument.Parent).OfType<LambdaExpressionSyntax>()
            .FirstOrDefault(lambda => ParametersOf(lambda).Any(parameter => parameter.Identifier.ValueText == name.Identifier.ValueText));

        static IEnumerable<ParameterSyntax> ParametersOf(LambdaExpressionSyntax lambda) => lambda switch
        {
            SimpleLambdaExpressionSyntax simple => new[] { simple.Parameter },
            ParenthesizedLambdaExpressionSyntax parenthesized => parenthesized.ParameterList.Parameters,
            _ => Enumerable.Empty<ParameterSyntax>(),
        };
    }

    /// <summary>
    /// The names of the locals and parameters <paramref name="body"/> writes after their declaration, and of the fields
    /// and properties it writes (its lambdas and local functions included), and, <paramref name="withChangesInPlace"/>,
    /// of those whose collection a call in it may change in place (<see cref="ChangedInPlaceBy"/>): in a loop's body,
    /// what the next iteration reads anew.
    /// </summary>
    private static HashSet<string> RewrittenVariables(IOperation? body, bool withChangesInPlace = false)
    {
        var written = new HashSet<string>();
        if (body is null)
            return written;
        foreach (var node in body.DescendantsAndSelf())
        {
            switch (node)
            {
                case IAssignmentOperation assignment:
                    Add(assignment.Target);
                    break;
                case IIncrementOrDecrementOperation increment:
                    Add(increment.Target);
                    break;
                case IArgumentOperation { Parameter.RefKind: RefKind.Out or RefKind.Ref } argument:
                    Add(SkipDeclaration(argument.Value));
                    break;
                case IInvocationOperation call when withChangesInPlace:
                    foreach (var changed in ChangedInPlaceBy(call))
                        Add(changed);
                    break;
            }
        }

        return written;

        void Add(IOperation target)
        {
            foreach (var variable in target is ITupleOperation or IDeclarationExpressionOperation ? DeconstructedVariables(target) : new[] { target })
            {
                switch (variable)
                {
                    case ILocalReferenceOperation local:
                        written.Add(local.Local.Name);
                        break;
                    case IParameterReferenceOperation parameter:
                        written.Add(parameter.Parameter.Name);
                        break;
                    case IMemberReferenceOperation member:
                        written.Add(member.Member.Name);
                        break;
                }
            }
        }
    }

    private int SiteFor(IOperation operand, IOperation? reference)
    {
        if (_siteIds.TryGetValue(operand, out var id))
            return id;

        id = _sites.Count;
        var (name, syntax) = reference switch
        {
            ILocalReferenceOperation local => (local.Local.Name, reference.Syntax),
            IParameterReferenceOperation parameter => (parameter.Parameter.Name, reference.Syntax),
            _ => (Shorten(operand.Syntax.ToString()), operand.Syntax),
        };
        _sites.Add(new Site(name, syntax.GetLocation(), operand.Syntax));
        _siteIds[operand] = id;
        return id;
    }

    private static string Shorten(string text)
    {
        text = string.Join(" ", text.Split((char[]?)null, System.StringSplitOptions.RemoveEmptyEntries));
        return text.Length <= 40 ? text : text.Substring(0, 39) + "…";
    }

    /// <summary>
    /// Two executions of a whole set (a table read through members) that one query could have served: two
    /// aggregates (one query computes both), the rows and anything else (the rows loaded once serve it), the same
    /// lookup twice, or a check of a row and its lookup (<c>Any(o =&gt; o.Id == id)</c>, then <c>First(o =&gt; o.Id == id)</c>;
    /// <c>Any()</c>, then <c>First()</c>).
    /// Two different lookups (<c>First(x =&gt; x.Sku == "A")</c>, then <c>"B"</c>; <c>First()</c>, then <c>Last()</c>) or an
    /// aggregate and another lookup are two queries: serving both at once would load the table.
    /// </summary>
    private static bool OneQueryServes(Execution? one, Execution? other)
    {
        var (a, b) = (one ?? Execution.Rows, other ?? Execution.Rows);
        if (a.Kind == QueryExecutionKind.Rows || b.Kind == QueryExecutionKind.Rows)
        {
            // Rows of a projection (`Select(c => new { c.Id, c.Name })`) serve other rows and a count of them, but not a
            // lookup of an entity nor an aggregate of what they may not hold; its distinct values not even the count.
            var (rows, asked) = a.Kind == QueryExecutionKind.Rows ? (a, b) : (b, a);
            return !rows.Projected || asked.Kind == QueryExecutionKind.Rows
                || (!rows.Distinct && asked is { Kind: QueryExecutionKind.Aggregate, Name: "Count" or "LongCount" or "Any" } && asked.Arguments?.EndsWith("|", System.StringComparison.Ordinal) == true);
        }

        if (a.Kind == QueryExecutionKind.Aggregate && b.Kind == QueryExecutionKind.Aggregate)
            return true;
        if (a.Arguments is null || a.Arguments != b.Arguments)
            return false;
        // A check and a lookup of the same rows: `FirstOrDefault` answers both; a count of them and the first are two
        // queries, unless both ask for the one row a key finds.
        // (Whether all rows match asks about those that do not: no lookup of one that does serves it.)
        return a.Kind == b.Kind ? a.Name == b.Name
            : a.Name == "Any" || b.Name == "Any" || (!a.Arguments.EndsWith("|", System.StringComparison.Ordinal) && a.Name != "All" && b.Name != "All");
    }

    /// <summary>
    /// Whether the loop that runs the site again drains what it reads: a <c>while</c>, <c>do</c> or <c>for</c> that leaves
    /// on what the site read (`if (ids.Count == 0) break;`, `more = ids.Count == 100;` for `while (more)`,
    /// `if (!await q.AnyAsync()) break;`) and writes the database on some path of its body
    /// (<see cref="SequenceFacts.WritesTheDatabase"/>): a loop that reads a batch and deletes or marks it, under
    /// <c>if (ids.Length &gt; 0)</c> or through a query a helper built, reads what the iteration before left, which the
    /// write's own rules (<see cref="ForgetQueries"/>) miss on the path that writes nothing.
    /// </summary>
    private static bool DrainsWhatItReads(Site site)
    {
        site.DrainsWhatItReads ??= Find();
        return site.DrainsWhatItReads.Value;

        bool Find()
        {
            if (InnermostLoop(site.Operand) is not { } loop || loop is not (WhileStatementSyntax or DoStatementSyntax or ForStatementSyntax))
                return false;
            var read = NamesOfWhatItRead(site.Operand, loop);
            return ExitConditions(loop).Any(condition =>
                    condition.Span.Contains(site.Operand.Span)
                    || condition.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>().Any(name => read.Contains(name.Identifier.ValueText)))
                && loop.DescendantNodes().OfType<InvocationExpressionSyntax>().Any(static call => SequenceFacts.WritesTheDatabase(InvokedName(call)));
        }

        // The local the execution's result is given to (`var ids = await query.ToListAsync();`, `ids = ...`), and the
        // locals the loop computes from it (`more = ids.Count == 100;`).
        static HashSet<string> NamesOfWhatItRead(SyntaxNode operand, SyntaxNode loop)
        {
            var names = new HashSet<string>();
            for (var node = operand.Parent; node is not null && node != loop && node is not StatementSyntax; node = node.Parent)
            {
                var declared = node switch
                {
                    VariableDeclaratorSyntax declarator => declarator.Identifier.ValueText,
                    AssignmentExpressionSyntax { Left: IdentifierNameSyntax assigned } => assigned.Identifier.ValueText,
                    _ => null,
                };
                if (declared is not null)
                {
                    names.Add(declared);
                    break;
                }
            }

            if (names.Count > 0)
            {
                foreach (var node in loop.DescendantNodes())
                {
                    var (name, value) = node switch
                    {
                        VariableDeclaratorSyntax { Initializer.Value: var initial } declarator => (declarator.Identifier.ValueText, initial),
                        AssignmentExpressionSyntax { Left: IdentifierNameSyntax left, Right: var right } => (left.Identifier.ValueText, right),
                        _ => ("", null),
                    };
                    if (value is not null && value.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>().Any(read => names.Contains(read.Identifier.ValueText)))
                        names.Add(name);
                }
            }

            return names;
        }

        // The loop's own condition, and those of the `if`s whose body leaves it.
        static IEnumerable<ExpressionSyntax> ExitConditions(SyntaxNode loop)
        {
            switch (loop)
            {
                case WhileStatementSyntax { Condition: var condition }:
                    yield return condition;
                    break;
                case DoStatementSyntax { Condition: var condition }:
                    yield return condition;
                    break;
                case ForStatementSyntax { Condition: { } condition }:
                    yield return condition;
                    break;
            }

            foreach (var test in loop.DescendantNodes().OfType<IfStatementSyntax>())
            {
                if (test.Statement.DescendantNodesAndSelf().Any(node => Leaves(node, loop)))
                    yield return test.Condition;
            }
        }

        // A `break` of this loop (not of a `switch` or a loop inside it), a `return` or a `goto` to a label, not in a lambda
        // or local function.
        static bool Leaves(SyntaxNode node, SyntaxNode loop)
        {
            if (node is not (BreakStatementSyntax or ReturnStatementSyntax) && !node.IsKind(SyntaxKind.GotoStatement))
                return false;
            for (var around = node.Parent; around is not null && around != loop; around = around.Parent)
            {
                if (around is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax
                    || (node is BreakStatementSyntax && around is SwitchSectionSyntax or WhileStatementSyntax or DoStatementSyntax or ForStatementSyntax or CommonForEachStatementSyntax))
                {
                    return false;
                }
            }

            return true;
        }

        static string InvokedName(InvocationExpressionSyntax call) => call.Expression switch
        {
            MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
            MemberBindingExpressionSyntax binding => binding.Name.Identifier.ValueText,
            SimpleNameSyntax name => name.Identifier.ValueText,
            _ => "",
        };
    }

    /// <summary>Whether <paramref name="other"/> is written after <paramref name="site"/> in the body of the innermost loop around it.</summary>
    private static bool RunsLaterInTheLoopOf(Site other, Site site) =>
        other.Operand.SyntaxTree == site.Operand.SyntaxTree
        && other.Operand.SpanStart > site.Operand.SpanStart
        && InnermostLoop(site.Operand) is { } loop && loop.Span.Contains(other.Operand.Span);

    /// <summary>Reports that <paramref name="site"/> enumerates <paramref name="root"/> again after <paramref name="earlier"/>.</summary>
    /// <param name="throughVariable">The site reads the root through a local or a parameter: a query given to a variable
    /// is one built to be read again, whole set or not, so every repeat of it counts.</param>
    private void Report(int site, HashSet<int> earlier, int root, bool throughVariable)
    {
        // A query a local holds runs its links again at each execution: one that draws a random value, or reads a variable
        // written between two executions (`day++` between two `onDay.Count()`), asks another question the second time; read
        // as it is, or through a link that keeps its rows (`onDay.OrderBy(o => o.Id).ToList()`: no variable holds that).
        // So does one reading a collection changed in place between them (`ids.AddRange(more)`).
        if (_roots[root].IsQueryable && ChainStart(_sites[site].Operand) is var local && Initialized(local) is var held && held != local)
        {
            if (AsksAtRandom(held))
                return;
            if (VariablesReadBy(held) is { Count: > 0 } read)
            {
                earlier = new HashSet<int>(earlier.Where(other => !WrittenBetween(read, _sites[other].Operand, _sites[site].Operand)));
                if (earlier.Count == 0)
                    return;
            }
        }

        if (_roots[root].IsWholeSet && !throughVariable)
        {
            earlier = new HashSet<int>(earlier.Where(other => OneQueryServes(_sites[site].Execution, _sites[other].Execution)));
            if (earlier.Count == 0)
                return;
        }

        // A query executed again at the same place in the next iteration is another query when it is asked something
        // else each time (its arguments vary: a lookup per key, a walk up a chain of parents), when it depends on the
        // element of a loop over rows (N+1, MAGG004's to report: QueryPerElementAnalyzer), or when a condition on the
        // iteration chooses whether it runs (`if (kind == Kind.Brand)` in a loop over kinds). Any sequence read again at
        // the same place is meant to be when the loop waits between iterations (polling: each read is to see what changed
        // meanwhile, files in a folder as rows in a table; materializing it once would poll a snapshot forever) or catches
        // what failed in them (a retry: each read is to do again what failed); for a sequence, not when the loop walks
        // elements (a `foreach` that pauses now and then still scans the sequence once per element). Then no execution of
        // an iteration before counts: the same one, or one after it in the loop's body (the `MaxAsync` after the
        // `MinAsync` of the one facet a condition chooses), which only the iteration before can have run.
        var (query, repeated) = (_roots[root].IsQueryable, _sites[site]);
        var ofIterationsBefore = earlier.Where(other => other == site || RunsLaterInTheLoopOf(_sites[other], repeated)).ToList();
        if (ofIterationsBefore.Count > 0
            && ((query && (repeated.Execution is { Kind: not QueryExecutionKind.Rows, Arguments: null } or { Kind: QueryExecutionKind.Rows, Varies: true } || IsPerElement(repeated) || IsChosenPerIteration(repeated) || DrainsWhatItReads(repeated)))
                || (IsPolledOrRetried(repeated) && (query || !WalksElements(InnermostLoop(repeated.Operand), repeated.Operand)))))
        {
            earlier = new HashSet<int>(earlier);
            earlier.ExceptWith(ofIterationsBefore);
            if (earlier.Count == 0)
                return;
        }

        // What fills a cache (`cache ??= xs.ToList()` in a local function called twice, `if (rows is null)` in a loop) runs
        // again only to find it filled; another enumeration of the same sequence still counts.
        if (earlier.Contains(site) && FillsCache(_sites[site]))
        {
            earlier = new HashSet<int>(earlier);
            earlier.Remove(site);
            if (earlier.Count == 0)
                return;
        }

        // A query asked with what an earlier one returned must run after it, one executed again in a `catch` of the
        // `try` that executed it first does again what failed there (a retry after a timeout), and one asked again under
        // a lock taken after the first (double-checked locking) asks what another writer committed meanwhile: not one
        // query twice.
        if (query)
        {
            earlier = new HashSet<int>(earlier.Where(other => !AskedWithResultOf(_sites[site], _sites[other]) && !RetriedAfter(_sites[site], _sites[other])
                && !AskedAgainUnderALock(_sites[site], _sites[other])));
            if (earlier.Count == 0)
                return;
        }

        // Two queries that each depend on an element (a loop's and a lambda's, each N+1) are not one query twice.
        if (query && IsPerElement(_sites[site]))
        {
            earlier = new HashSet<int>(earlier.Where(other => !(_sites[other].IsQuery && IsPerElement(_sites[other]))));
            if (earlier.Count == 0)
                return;
        }

        if (!_reports.TryGetValue(site, out var set))
            _reports[site] = set = new HashSet<int>();
        set.UnionWith(earlier);
        if (!_reportedRoots.TryGetValue(site, out var roots))
            _reportedRoots[site] = roots = new HashSet<int>();
        roots.Add(root);
    }

    /// <summary>
    /// What a MAGG001 report at <paramref name="site"/> names: the variable read there, or, where an earlier enumeration read
    /// another variable whose value runs again through this one (a chain over it, an alias of it), that variable through
    /// this one: <c>'details' through 'users'</c> for <c>users = details.Select(...)</c> after a <c>details.Count()</c>.
    /// The variable is the one whose own value is enumerated again, or else the one this variable's chain starts from.
    /// </summary>
    private string ReportedName(int site)
    {
        var reported = _sites[site];
        var name = reported.Name;
        var declarator = DeclaratorOf(reported);

        // A local declared in the lambda that reads it holds a new value at each run of the lambda (once per element): its
        // own site run again is not that variable read again.
        var fresh = declarator is not null && InnermostFunction(declarator) is { } function && function == InnermostFunction(reported.Operand);
        var earlierSites = _reports[site].Where(other => !(fresh && other == site)).Select(other => _sites[other]).ToList();
        if (!_reportedRoots.TryGetValue(site, out var roots) || earlierSites.Any(other => other.Name == name))
            return name;   // read again through the same variable: that variable is what runs twice, as the user sees it

        // The variable whose own value runs again; or the one this variable's chain starts from, where every earlier read
        // is of that variable or of another chain written on it (two chains over one method's result).
        var sources = roots.Select(root => _roots[root].Symbol?.Name).Distinct().ToList();
        var start = ChainSource(declarator);
        var source = sources.Count == 1 && sources[0] is { } owner ? owner
            : start is not null && earlierSites.All(other => other.Name == start || ChainSource(DeclaratorOf(other)) == start) ? start
            : null;
        return source is not null && source != name ? $"{source}' through '{name}" : name;
    }

    /// <summary>The lambda or local function <paramref name="node"/> is in, if any.</summary>
    private static SyntaxNode? InnermostFunction(SyntaxNode node) =>
        node.Ancestors().FirstOrDefault(static ancestor => ancestor is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax);

    /// <summary>
    /// Where <paramref name="site"/>'s variable is declared as a local with an initializer, the last such declaration
    /// before the site in its member (a lambda's site may read a variable declared around it) or top-level statements.
    /// </summary>
    private static VariableDeclaratorSyntax? DeclaratorOf(Site site) =>
        site.Operand.Ancestors().FirstOrDefault(static node => node is MemberDeclarationSyntax and not GlobalStatementSyntax or CompilationUnitSyntax)?
            .DescendantNodes()
            .OfType<VariableDeclaratorSyntax>()
            .LastOrDefault(declarator => declarator.Identifier.ValueText == site.Name && declarator.SpanStart < site.Operand.SpanStart);

    /// <summary>
    /// The variable the chain <paramref name="declarator"/> initializes its variable with starts from (<c>details</c> in
    /// <c>var users = details.Select(...).Distinct()</c>); null if it is not such a chain.
    /// </summary>
    private static string? ChainSource(VariableDeclaratorSyntax? declarator) =>
        declarator?.Initializer?.Value is { } value && ChainStart(value) is IdentifierNameSyntax start && start != value ? start.Identifier.ValueText : null;

    /// <summary>
    /// Where a chain of calls starts (<c>db.Orders</c> of <c>db.Orders.Where(...).AsEnumerable().Select(...)</c>), through
    /// parentheses and <c>!</c>, which change nothing at run time (<c>big</c> of <c>(big)!.OrderBy(...)</c>).
    /// </summary>
    private static SyntaxNode ChainStart(SyntaxNode value)
    {
        while (true)
        {
            switch (value)
            {
                case InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax link }:
                    value = link.Expression;
                    break;
                case ParenthesizedExpressionSyntax parenthesized:
                    value = parenthesized.Expression;
                    break;
                case PostfixUnaryExpressionSyntax suppressed when suppressed.IsKind(SyntaxKind.SuppressNullableWarningExpression):
                    value = suppressed.Operand;
                    break;
                default:
                    return value;
            }
        }
    }

    private void AddRepeat(int chain, int site, HashSet<int> roots)
    {
        if (!_repeats.TryGetValue(chain, out var repeats))
            _repeats[chain] = repeats = new Dictionary<int, HashSet<int>>();
        if (repeats.TryGetValue(site, out var known))
            known.UnionWith(roots);
        else
            repeats[site] = roots;
    }

    /// <param name="Symbol">The variable whose own value the root is, if any.</param>
    /// <param name="IsQueryable">Whether executing it is a round trip.</param>
    /// <param name="IsLasting">A member path's query (or sequence, see <see cref="PathRoot"/>) or a query written out the
    /// same way: every read is the same value, so no variable going dead ends its history.</param>
    /// <param name="IsWholeSet">A member path's query, or an ordering or <c>Include</c> of one written out the same way: a
    /// whole set (a context's table, a repository's), not a query built to be reused; only executions one query could
    /// have served repeat it (see <see cref="OneQueryServes"/>).</param>
    /// <param name="MadeBy">For the root of the values an expression made before its latest one (see
    /// <see cref="EarlierRootFor"/>), the root of that latest one.</param>
    private sealed record Root(ISymbol? Symbol, bool IsQueryable, bool IsLasting, bool IsWholeSet, int? MadeBy = null);

    /// <summary>What one execution asks of its query (<see cref="ExecutionOf"/>): <paramref name="Arguments"/> is the
    /// source as written, <c>|</c>, and the call's arguments.</summary>
    /// <param name="Projected">For rows: the query selects something of each (<see cref="RowsOf"/>).</param>
    /// <param name="Distinct">For projected rows: only the distinct values, so not one per row of the set.</param>
    /// <param name="Varies">For rows: the links may select other rows at each evaluation (<see cref="LinksVary"/>).</param>
    private sealed record Execution(QueryExecutionKind Kind, string Name, string? Arguments, bool Projected = false, bool Distinct = false, bool Varies = false)
    {
        public static readonly Execution Rows = new(QueryExecutionKind.Rows, "", null);

        public static readonly Execution ProjectedRows = new(QueryExecutionKind.Rows, "", null, Projected: true);

        public static readonly Execution DistinctValues = new(QueryExecutionKind.Rows, "", null, Projected: true, Distinct: true);
    }

    /// <summary>See <see cref="SameQuery"/>.</summary>
    private sealed class QueryKey : System.IEquatable<QueryKey>
    {
        private readonly IMethodSymbol _method;
        private readonly string _arguments;

        public QueryKey(IMethodSymbol method, int[] sources, string arguments)
        {
            _method = method;
            Sources = sources;
            _arguments = arguments;
        }

        /// <summary>The roots of the source values, in order.</summary>
        public int[] Sources { get; }

        public bool Equals(QueryKey? other) =>
            other is not null
            && SymbolEqualityComparer.Default.Equals(_method, other._method)
            && Sources.SequenceEqual(other.Sources)
            && _arguments == other._arguments;

        public override bool Equals(object? obj) => Equals(obj as QueryKey);

        public override int GetHashCode()
        {
            var hash = SymbolEqualityComparer.Default.GetHashCode(_method);
            foreach (var source in Sources)
                hash = unchecked((hash * 31) + source);
            return unchecked((hash * 31) + _arguments.GetHashCode());
        }
    }

    private bool FillsCache(Site site)
    {
        site.FillsCache ??= ModelOf(site.Operand)?.GetOperation(site.Operand, _cancellationToken) is { } operand && SequenceFacts.FillsCache(operand);
        return site.FillsCache.Value;
    }

    private bool IsPerElement(Site site)
    {
        site.IsPerElement ??= ModelOf(site.Operand)?.GetOperation(site.Operand, _cancellationToken) is { } operand
                              && QueryPerElementAnalyzer.IsPerElementExecution(operand);
        return site.IsPerElement.Value;
    }

    /// <summary>
    /// Whether a condition that depends on the iteration of the loop around <paramref name="site"/> (it reads a
    /// variable declared in the loop) decides whether the site runs: the branch of a <c>switch</c> or an <c>if</c>
    /// on the element, or a guard before it that continues to the next iteration, which may let it run in one iteration
    /// of many.
    /// </summary>
    private bool IsChosenPerIteration(Site site)
    {
        site.IsChosenPerIteration ??= Find();
        return site.IsChosenPerIteration.Value;

        bool Find()
        {
            if (InnermostLoop(site.Operand) is not { } loop)
                return false;

            var conditions = new List<SyntaxNode>();
            for (var node = site.Operand; node.Parent is { } parent && parent != loop; node = parent)
            {
                switch (parent)
                {
                    case IfStatementSyntax statement when statement.Condition != node:
                        conditions.Add(statement.Condition);
                        break;
                    case SwitchSectionSyntax { Parent: SwitchStatementSyntax statement }:
                        conditions.Add(statement.Expression);
                        break;
                    case SwitchExpressionArmSyntax { Parent: SwitchExpressionSyntax expression }:
                        conditions.Add(expression.GoverningExpression);
                        break;
                    case ConditionalExpressionSyntax conditional when conditional.Condition != node:
                        conditions.Add(conditional.Condition);
                        break;
                    case BinaryExpressionSyntax binary when binary.Right == node && binary.Kind() is SyntaxKind.LogicalAndExpression or SyntaxKind.LogicalOrExpression or SyntaxKind.CoalesceExpression:
                        conditions.Add(binary.Left);
                        break;
                    case BlockSyntax block when node is StatementSyntax statement:
                        // A guard before it that skips the rest of the iteration (`if (kind != Kind.Brand) continue;`) chooses
                        // it too. One that leaves the loop (break, return, throw) does not: the site runs in every iteration
                        // before that.
                        conditions.AddRange(block.Statements.TakeWhile(s => s != statement)
                            .OfType<IfStatementSyntax>()
                            .Where(static guard => guard.Else is null && Continues(guard.Statement))
                            .Select(static guard => guard.Condition));
                        break;
                }
            }

            return conditions.Any(condition => ReadsVariableDeclaredIn(condition, loop));
        }

        static bool Continues(StatementSyntax statement) => statement switch
        {
            ContinueStatementSyntax => true,
            BlockSyntax block => block.Statements.LastOrDefault() is { } last && Continues(last),
            _ => false,
        };
    }

    /// <summary>
    /// Whether the loop that runs the site again waits between its iterations (<c>Task.Delay</c>, <c>Thread.Sleep</c>,
    /// <c>PeriodicTimer.WaitForNextTickAsync</c>, in its own code, not in a lambda or local function it declares), or
    /// retries them (see <see cref="Retries"/>): a sequence read again there polls for what changed meanwhile, or is read
    /// again after what failed (a concurrency conflict, a transient error), which one read could not serve. That loop is
    /// the innermost one the site runs in the iterations of (<see cref="InnermostLoop"/>).
    /// </summary>
    private bool IsPolledOrRetried(Site site)
    {
        site.IsPolledOrRetried ??= Find();
        return site.IsPolledOrRetried.Value;

        bool Find()
        {
            if (ModelOf(site.Operand) is not { } model)
                return false;
            var loop = InnermostLoop(site.Operand);
            return loop is not null
                && (Retries(loop)
                    || loop.DescendantNodes(static node => node is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax))
                        .OfType<InvocationExpressionSyntax>()
                        .Any(call => model.GetSymbolInfo(call, _cancellationToken).Symbol is IMethodSymbol { ContainingType: { } type } method
                            && (type.Name, method.Name) is ("Task", "Delay") or ("Thread", "Sleep") or ("PeriodicTimer", "WaitForNextTickAsync")
                            && (type.Name == "Task" ? SequenceFacts.IsIn(type.ContainingNamespace, "System", "Threading", "Tasks") : SequenceFacts.IsIn(type.ContainingNamespace, "System", "Threading"))));
        }
    }

    /// <summary>
    /// Whether a loop walks the elements of a collection for <paramref name="operand"/>'s read: a <c>foreach</c>, or a
    /// <c>for</c> whose condition bounds its index by a length (<c>i &lt; users.Length</c>, <c>.Count</c>, <c>.Count()</c>),
    /// not by a number of attempts, where the call that reads <paramref name="operand"/> reads that element
    /// (<c>admins.Contains(users[i])</c>; not <c>inbox.Any()</c> in a walk of a schedule of delays, which polls).
    /// </summary>
    private bool WalksElements(SyntaxNode? loop, SyntaxNode operand) =>
        loop is CommonForEachStatementSyntax
        || loop is ForStatementSyntax { Condition: { } condition }
            && condition.DescendantNodesAndSelf(static node => node is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax))
                .OfType<BinaryExpressionSyntax>()
                .Any(static comparison => comparison.Kind() is SyntaxKind.LessThanExpression or SyntaxKind.LessThanOrEqualExpression or SyntaxKind.GreaterThanExpression or SyntaxKind.GreaterThanOrEqualExpression
                    && (IsLength(comparison.Left) || IsLength(comparison.Right)))
            && ReadsVariableDeclaredIn(CallReading(operand), loop);

    /// <summary>The call chain that reads <paramref name="operand"/>, with its arguments (<c>admins.Contains(users[i])</c>).</summary>
    private static SyntaxNode CallReading(SyntaxNode operand)
    {
        var node = operand;
        while (node.Parent is MemberAccessExpressionSyntax or InvocationExpressionSyntax or ArgumentSyntax or ArgumentListSyntax or ParenthesizedExpressionSyntax
               or ConditionalAccessExpressionSyntax or MemberBindingExpressionSyntax)
        {
            node = node.Parent;
        }

        return node;
    }

    private static bool IsLength(ExpressionSyntax expression) => expression switch
    {
        MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Length" or "LongLength" or "Count" } => true,
        InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Count" or "LongCount" }, ArgumentList.Arguments.Count: 0 } => true,
        _ => false,
    };

    /// <summary>
    /// Whether <paramref name="retry"/> runs in a <c>catch</c> (not in a function inside it) of the <c>try</c> whose block
    /// holds <paramref name="attempt"/>.
    /// </summary>
    private static bool RetriedAfter(Site retry, Site attempt) =>
        retry.Operand.SyntaxTree == attempt.Operand.SyntaxTree
        && retry.Operand.Ancestors().TakeWhile(static node => node is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax))
            .Any(node => node is CatchClauseSyntax { Parent: TryStatementSyntax attempted } && attempted.Block.Span.Contains(attempt.Operand.Span));

    /// <summary>
    /// Whether <paramref name="again"/> runs under a lock taken after <paramref name="first"/>: inside a <c>lock</c>
    /// statement that <paramref name="first"/> is outside, or after a call between them that takes one and no release of
    /// it before <paramref name="again"/> (<c>await semaphore.WaitAsync()</c>, <c>Monitor.Enter</c>, a <c>Mutex</c>'s or
    /// <c>Semaphore</c>'s <c>WaitOne</c>, a reader-writer lock's write or upgradeable lock, .NET 9's <c>Lock</c>, whose
    /// <c>using</c> scope must hold <paramref name="again"/>).
    /// </summary>
    private bool AskedAgainUnderALock(Site again, Site first)
    {
        var (later, earlier) = (again.Operand, first.Operand);
        if (later.SyntaxTree != earlier.SyntaxTree || earlier.Span.End > later.SpanStart)
            return false;
        if (later.Ancestors().OfType<LockStatementSyntax>().Any(locked => !locked.Span.Contains(earlier.Span)))
            return true;
        if (ModelOf(later) is not { } model)
            return false;
        var calls = NodesBetween(earlier, later)
            .OfType<InvocationExpressionSyntax>()
            .Select(call => (Call: call, Lock: LockCall(call)))
            .Where(static call => call.Lock is not null)
            .ToList();
        return calls.Any(taken => taken.Lock is { Takes: true } lockCall
            && (lockCall.Method != "EnterScope" || ScopeHolds(taken.Call, later))
            && !calls.Any(released => released.Lock is { Takes: false } release && released.Call.SpanStart > taken.Call.Span.End && SameLock(release.Of, lockCall.Of)));

        // A Lock's scope is held where the `using` the call starts holds: its statement, or the rest of the block of a
        // `using var` (a scope no `using` disposes is taken as released).
        static bool ScopeHolds(InvocationExpressionSyntax call, SyntaxNode later) =>
            call.Ancestors().OfType<StatementSyntax>().FirstOrDefault() switch
            {
                UsingStatementSyntax scope => scope.Statement.Span.Contains(later.Span),
                LocalDeclarationStatementSyntax { UsingKeyword.RawKind: not 0, Parent: BlockSyntax block } => block.Span.Contains(later.Span),
                _ => false,
            };

        // Whether a call takes a lock (or releases one), and the lock: the receiver (`_gate?.Wait()`'s too), or Monitor's argument.
        (bool Takes, string Method, (ISymbol? Symbol, string Text) Of)? LockCall(InvocationExpressionSyntax call)
        {
            if (model.GetSymbolInfo(call, _cancellationToken).Symbol is not IMethodSymbol { ContainingType: { } type } method
                || !SequenceFacts.IsIn(type.ContainingNamespace, "System", "Threading"))
            {
                return null;
            }

            var receiver = type.Name == "Monitor"
                ? call.ArgumentList.Arguments.FirstOrDefault()?.Expression
                : call.Expression switch
                {
                    MemberAccessExpressionSyntax access => access.Expression,
                    MemberBindingExpressionSyntax => call.Ancestors().OfType<ConditionalAccessExpressionSyntax>().FirstOrDefault(access => access.WhenNotNull.Span.Contains(call.Span))?.Expression,
                    _ => null,
                };
            bool? takes = (type.Name, method.Name) switch
            {
                ("SemaphoreSlim", "Wait" or "WaitAsync") or ("Monitor", "Enter" or "TryEnter") or ("Lock", "Enter" or "TryEnter" or "EnterScope")
                    or ("ReaderWriterLockSlim", "EnterWriteLock" or "TryEnterWriteLock" or "EnterUpgradeableReadLock" or "TryEnterUpgradeableReadLock") => true,
                ("WaitHandle", "WaitOne") => receiver is not null
                    && model.GetTypeInfo(receiver, _cancellationToken).Type?.Name is "Mutex" or "Semaphore" ? true : null,   // an event is a signal, no lock
                ("SemaphoreSlim" or "Semaphore", "Release") or ("Monitor", "Exit") or ("Mutex", "ReleaseMutex") or ("Lock", "Exit")
                    or ("ReaderWriterLockSlim", "ExitWriteLock" or "ExitUpgradeableReadLock") => false,
                _ => null,
            };
            return takes is { } value && receiver is not null ? (value, method.Name, LockOf(receiver)) : null;
        }

        // The lock a receiver names: its variable, written with `this.` (a static one with its type's name) or without, or
        // else its text (`_locks[key]`).
        (ISymbol? Symbol, string Text) LockOf(ExpressionSyntax receiver) =>
            (receiver is IdentifierNameSyntax or MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax }
                || (receiver is MemberAccessExpressionSyntax { Expression: var owner } && model.GetSymbolInfo(owner, _cancellationToken).Symbol is INamedTypeSymbol))
            && model.GetSymbolInfo(receiver, _cancellationToken).Symbol is { Kind: SymbolKind.Field or SymbolKind.Property or SymbolKind.Local or SymbolKind.Parameter } variable
                ? (variable, "")
                : (null, receiver.ToString());

        static bool SameLock((ISymbol? Symbol, string Text) one, (ISymbol? Symbol, string Text) other) =>
            SymbolEqualityComparer.Default.Equals(one.Symbol, other.Symbol) && one.Text == other.Text;
    }

    /// <summary>
    /// Whether a loop is a retry: a <c>try</c> of its own (not of a loop, lambda or local function inside it) leaves the
    /// loop once its block succeeds, and has a <c>catch</c> that does not end by throwing, so the loop goes round again
    /// after what failed. Its block leaves where it ends by leaving (<see cref="EndsByLeaving"/>), or by throwing what
    /// failed after a statement that leaves on success (<c>if (r.Ok) return r; throw new TransientException();</c>), or
    /// where its catches go round with <c>continue</c> and the statement after it leaves at once
    /// (<c>try { rows = Load(); } catch (TimeoutException) { continue; } break;</c>). A <c>catch</c> that logs an
    /// element's failure and goes on to the next element is no retry, nor is a block that leaves early on some element
    /// (<c>if (id &lt; 0) return n;</c>) and then goes on to read it.
    /// </summary>
    private static bool Retries(SyntaxNode loop)
    {
        // The flags whose setting ends the loop (`while (!done)`: done = true), with the value that does.
        var flags = new Dictionary<string, bool>();
        AddFlags(loop switch
        {
            WhileStatementSyntax { Condition: var test } => test,
            DoStatementSyntax { Condition: var test } => test,
            ForStatementSyntax { Condition: var test } => test,
            _ => null,
        });
        return loop.DescendantNodes(node => node == loop || !IsLoopOrFunction(node))
            .OfType<TryStatementSyntax>()
            .Any(attempt =>
            {
                if (!attempt.Catches.Any(static handler => !SequenceFacts.EndsByThrowing(handler)))
                    return false;
                var breakLeaves = !attempt.Ancestors().TakeWhile(ancestor => ancestor != loop).Any(static ancestor => ancestor is SwitchSectionSyntax);
                return EndsByLeaving(attempt.Block, breakLeaves, flags)
                    || (attempt.Block.Statements is { Count: > 1 } statements && statements.Last() is ThrowStatementSyntax
                        && statements.Take(statements.Count - 1).Any(statement => EndsByLeaving(statement, breakLeaves, flags)))
                    || (attempt.Catches.All(static handler => SequenceFacts.EndsByThrowing(handler) || handler.Block.Statements.LastOrDefault() is ContinueStatementSyntax)
                        && attempt.Parent is BlockSyntax { Parent: var body } block && body == loop
                        && block.Statements.IndexOf(attempt) is var at && at + 1 < block.Statements.Count
                        && LeavesAtOnce(block.Statements[at + 1], breakLeaves));
            });

        // A condition's flags: `!done` (true ends the loop) or `more` (false does), alone or in a chain of &&.
        void AddFlags(ExpressionSyntax? condition)
        {
            switch (condition is null ? null : Unparenthesized(condition))
            {
                case BinaryExpressionSyntax { RawKind: (int)SyntaxKind.LogicalAndExpression } both:
                    AddFlags(both.Left);
                    AddFlags(both.Right);
                    break;
                case PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.LogicalNotExpression, Operand: var operand }
                    when Unparenthesized(operand) is IdentifierNameSyntax flag:
                    flags[flag.Identifier.ValueText] = true;
                    break;
                case IdentifierNameSyntax flag:
                    flags[flag.Identifier.ValueText] = false;
                    break;
            }
        }

        // Leaves whenever it runs: a `return`, a `break` of the loop, or a block that ends with one.
        static bool LeavesAtOnce(StatementSyntax statement, bool breakLeaves) => statement switch
        {
            ReturnStatementSyntax => true,
            BreakStatementSyntax => breakLeaves,
            BlockSyntax block => block.Statements.LastOrDefault() is { } last && LeavesAtOnce(last, breakLeaves),
            _ => false,
        };
    }

    /// <summary>
    /// Whether a statement ends by leaving the loop around it: its last statement is a <c>return</c>, a <c>break</c> where
    /// <paramref name="breakLeaves"/> (not in a <c>switch</c>, whose <c>break</c> stays in the loop), or the setting of a
    /// flag of the loop's condition to the value that ends it (<paramref name="flags"/>: <c>done = true;</c> for
    /// <c>while (!done)</c>; not a counter's or a reader's next value), through blocks, <c>using</c>,
    /// <c>lock</c> and a nested <c>try</c>'s block; or an <c>if</c> that does on one of its branches
    /// (<c>if (sent) return;</c>: success leaves, failure goes round).
    /// </summary>
    private static bool EndsByLeaving(StatementSyntax statement, bool breakLeaves, Dictionary<string, bool> flags) => statement switch
    {
        ReturnStatementSyntax => true,
        BreakStatementSyntax => breakLeaves,
        ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression, Left: IdentifierNameSyntax flag, Right: LiteralExpressionSyntax value } } =>
            flags.TryGetValue(flag.Identifier.ValueText, out var ends) && value.IsKind(ends ? SyntaxKind.TrueLiteralExpression : SyntaxKind.FalseLiteralExpression),
        BlockSyntax block => block.Statements.LastOrDefault() is { } last && EndsByLeaving(last, breakLeaves, flags),
        UsingStatementSyntax scoped => EndsByLeaving(scoped.Statement, breakLeaves, flags),
        LockStatementSyntax locked => EndsByLeaving(locked.Statement, breakLeaves, flags),
        TryStatementSyntax inner => EndsByLeaving(inner.Block, breakLeaves, flags),
        IfStatementSyntax conditional => EndsByLeaving(conditional.Statement, breakLeaves, flags)
            || (conditional.Else is { } otherwise && EndsByLeaving(otherwise.Statement, breakLeaves, flags)),
        _ => false,
    };

    private static bool IsLoopOrFunction(SyntaxNode node) =>
        node is ForStatementSyntax or CommonForEachStatementSyntax or WhileStatementSyntax or DoStatementSyntax
            or AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax;

    /// <summary>
    /// Whether the page executed at <paramref name="page"/> is computed from the result of <paramref name="count"/>
    /// (<c>Skip(Random(0, count))</c>, a page number clamped to the last page): the count must run first, so one
    /// query could not serve both and it is not the paging idiom. By name, through the syntax: the variable the count is
    /// stored in, the variables computed from it, and the <c>Skip</c>/<c>Take</c> arguments of the page (written in
    /// place, or in the initializer of the local the page is executed through).
    /// </summary>
    private bool PageReadsCount(Site page, Site count)
    {
        if (ResultOf(count, withObjectsSetFromIt: false) is not { } derived)
            return false;

        var pageSyntax = Initialized(page.Operand);

        var pages = pageSyntax.DescendantNodesAndSelf()
            .OfType<InvocationExpressionSyntax>()
            .Where(call => ModelOf(call)?.GetSymbolInfo(call, _cancellationToken).Symbol is IMethodSymbol method && SequenceFacts.Pages(method))
            .ToList();

        // The count written in the page's own argument (`Skip(Random.Shared.Next(query.Count()))`).
        if (pages.Any(call => call.SyntaxTree == count.Operand.SyntaxTree && call.ArgumentList.Span.Contains(count.Operand.Span)))
            return true;

        return pages.Any(call => call.ArgumentList.Arguments.Any(argument => Reads(argument.Expression, derived)));
    }

    /// <summary>
    /// Whether the query <paramref name="later"/> executes is asked with what <paramref name="earlier"/> returned
    /// (<c>var avg = await q.AverageAsync(p =&gt; p.Price);</c>, then <c>q.CountAsync(p =&gt; p.Price &gt; avg)</c>), in its call
    /// or in the query it reads through a local: it must run after it, and no one query serves both.
    /// </summary>
    private bool AskedWithResultOf(Site later, Site earlier)
    {
        if (ResultOf(earlier) is not { Count: > 0 } derived)
            return false;

        // A local computed from the result (by name, as ResultOf finds them) is asked with it only where what one of its
        // values sends to the database reads it: `var q = orders.Where(o => o.Total > avg);`, not
        // `var shares = orders.AsEnumerable().Select(o => o.Total / count);`.
        if (later.Operand is IdentifierNameSyntax local && derived.Contains(local.Identifier.ValueText) && Assignments() is { } assignments)
        {
            var others = new HashSet<string>(derived);
            others.Remove(local.Identifier.ValueText);
            return ReadsByName(AsSent(local), others)
                || assignments.Any(assigned => !assigned.Member && assigned.Name == local.Identifier.ValueText && ReadsByName(AsSent(ChainStart(assigned.Value)), others));
        }

        return ReadsByName(AsSent(later.Operand), derived) || ReadsByName(AsSent(ChainStart(Initialized(later.Operand))), derived);

        // The calls on a query up to the one that executes it: not a call the result is an argument of
        // (`Log(q.Count(), avg)`), nor one on what is no longer a query, which runs in memory on the rows
        // (`q.ToList().Select(o => o.Total / count)`, `e.Select(...)` of an IEnumerable<T> holding a query).
        SyntaxNode AsSent(SyntaxNode query)
        {
            while (query.Parent is MemberAccessExpressionSyntax or InvocationExpressionSyntax or AwaitExpressionSyntax or ParenthesizedExpressionSyntax
                   || query.Parent.IsKind(SyntaxKind.SuppressNullableWarningExpression))
            {
                if (query.Parent is MemberAccessExpressionSyntax && !IsQueryValue(query))
                    break;
                query = query.Parent;
            }

            return query;
        }

        bool IsQueryValue(SyntaxNode value) =>
            ModelOf(value) is not { } model || SequenceFacts.KindOf(model.GetTypeInfo(value, _cancellationToken).Type) == SequenceKind.Queryable;

        // A name standing alone: not a member of something (`_db.Categories` where `Categories = ...` stored the result).
        static bool ReadsByName(SyntaxNode value, HashSet<string> names) =>
            value.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>().Any(name =>
                names.Contains(name.Identifier.ValueText)
                && !(name.Parent is MemberAccessExpressionSyntax access && access.Name == name)
                && name.Parent is not (MemberBindingExpressionSyntax or NameColonSyntax or NameEqualsSyntax));
    }

    /// <summary>
    /// The variable a site's result is stored in and those computed from it, through the body's declarations and
    /// assignments (names, not symbols: a read of another variable of such a name counts, which at worst leaves a repeat
    /// unreported); null without a body.
    /// </summary>
    /// <param name="withObjectsSetFromIt">Whether an object whose initializer sets a member from the result counts as
    /// computed from it (<c>spec</c> of <c>new PriceSpec { Min = avg }</c>, whose <c>spec.Min</c> MAGG002 reads through the
    /// object's name, trusting no member name alone); MAGG003 takes only the member (<c>Total</c> of <c>new PageModel {
    /// Total = total, Page = page }</c>), so that a page by <c>model.Page</c> is not taken for one computed from the count.</param>
    private HashSet<string>? ResultOf(Site site, bool withObjectsSetFromIt = true)
    {
        if (Assignments() is not { } assignments)
            return null;
        if ((withObjectsSetFromIt ? site.DerivedFromResult : site.DerivedMembersOfResult) is { } known)
            return known;

        var derived = new HashSet<string>();
        if (StoredIn(site.Operand) is { } stored)
        {
            derived.Add(stored);
            for (var grown = true; grown;)
            {
                grown = false;
                foreach (var (name, value, _) in assignments)
                {
                    if (!derived.Contains(name) && Reads(value, derived, inObjectInitializers: withObjectsSetFromIt))
                        grown = derived.Add(name);
                }
            }
        }

        if (withObjectsSetFromIt)
            site.DerivedFromResult = derived;
        else
            site.DerivedMembersOfResult = derived;
        return derived;

        // `var count = await query.CountAsync();`, `total = query.Count();`: the variable the result goes to, or a value
        // computed from it in the same expression goes to (`var skip = Math.Max(0, query.Count() - 10);`).
        static string? StoredIn(SyntaxNode operand)
        {
            for (var node = Executing(operand); node.Parent is { } parent; node = parent)
            {
                switch (parent)
                {
                    case EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax declarator }:
                        return declarator.Identifier.ValueText;
                    case AssignmentExpressionSyntax assignment:
                        return assignment.Right == node ? AssignedName(assignment) : null;
                    case AnonymousFunctionExpressionSyntax:
                        return null;
                    case ExpressionSyntax or ArgumentSyntax or ArgumentListSyntax:
                        continue;
                    default:
                        return null;
                }
            }

            return null;
        }
    }

    /// <param name="inObjectInitializers">Whether reads in an object initializer's assignments count: not where those are
    /// taken as assignments of their own (to <c>Total</c> of <c>new PageModel { Total = total, Page = page }</c>).</param>
    private static bool Reads(SyntaxNode value, HashSet<string> names, bool inObjectInitializers = true) =>
        value.DescendantNodesAndSelf(node => inObjectInitializers || !node.IsKind(SyntaxKind.ObjectInitializerExpression))
            .OfType<IdentifierNameSyntax>()
            .Any(name => names.Contains(name.Identifier.ValueText));

    /// <summary>The whole expression that executes an operand: <c>await query.Where(...).CountAsync(...)</c> of <c>query</c>.</summary>
    private static SyntaxNode Executing(SyntaxNode operand)
    {
        var node = operand;
        while (node.Parent is MemberAccessExpressionSyntax or InvocationExpressionSyntax or AwaitExpressionSyntax or ParenthesizedExpressionSyntax
               or CastExpressionSyntax or ArgumentSyntax or ArgumentListSyntax)
        {
            node = node.Parent;
        }

        return node;
    }

    /// <summary>
    /// Whether the rows a count or a page is of are distinct values (<c>orders.Select(o => o.CustomerId).Distinct()</c>,
    /// in place or in the local it is read through): a count of those is the total of a page of them only, not of the
    /// rows themselves, which no <c>COUNT(*) OVER ()</c> could stand for.
    /// </summary>
    private bool TakesDistinct(Site site)
    {
        // Through locals in turn (`var ids = ....Distinct(); var sorted = ids.OrderBy(...)`), a few deep: a local read
        // in its own first value (a parameter's name reused) must not loop.
        for (var (link, locals) = (site.Operand, 0); ;)
        {
            switch (link)
            {
                case InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access }:
                    if (access.Name.Identifier.ValueText == "Distinct")
                        return true;
                    link = access.Expression;
                    break;
                case ParenthesizedExpressionSyntax or AwaitExpressionSyntax or CastExpressionSyntax:
                    link = link.ChildNodes().Last();
                    break;
                case IdentifierNameSyntax when locals++ < 8 && Initialized(link) is var value && value != link:
                    link = value;
                    break;
                default:
                    return false;
            }
        }
    }

    /// <summary>A local read by name: the syntax of its declaration (or first assignment) in the body; anything else itself.</summary>
    private SyntaxNode Initialized(SyntaxNode operand) =>
        operand is IdentifierNameSyntax local && Assignments()?.FirstOrDefault(pair => !pair.Member && pair.Name == local.Identifier.ValueText).Value is { } value
            ? value
            : operand;

    /// <summary>
    /// The name an assignment stores into: a local's, or a member's (<c>model.Total = query.Count()</c>, read back as
    /// <c>model.Total</c>). Names, not symbols: a page that reads any member of that name counts as reading the count,
    /// which at worst leaves a page unreported.
    /// </summary>
    private static string? AssignedName(AssignmentExpressionSyntax assignment) => assignment.Left switch
    {
        IdentifierNameSyntax target => target.Identifier.ValueText,
        MemberAccessExpressionSyntax { Name: IdentifierNameSyntax member } => member.Identifier.ValueText,
        _ => null,
    };

    /// <summary>The body's declarations and assignments of locals (and members) by name, in order: collected once, when first asked.</summary>
    private List<(string Name, SyntaxNode Value, bool Member)>? Assignments() =>
        _body?.Syntax is not { } body
            ? null
            : _assignments ??= body.DescendantNodes()
                .Select(node => node switch
                {
                    VariableDeclaratorSyntax { Initializer.Value: { } value } declarator => (Name: declarator.Identifier.ValueText, Value: (SyntaxNode)value, Member: false),
                    AssignmentExpressionSyntax assignment when AssignedName(assignment) is { } name => (name, assignment.Right, assignment.Left is MemberAccessExpressionSyntax),
                    _ => (Name: (string?)null, Value: (SyntaxNode?)null, Member: false),
                })
                .Where(pair => pair.Name is not null)
                .Select(pair => (pair.Name!, pair.Value!, pair.Member))
                .ToList();

    private sealed class Site
    {
        public Site(string name, Location location, SyntaxNode operand)
        {
            Name = name;
            Location = location;
            Operand = operand;
        }

        public string Name { get; }

        public Location Location { get; }

        /// <summary>The enumerated operand's syntax.</summary>
        public SyntaxNode Operand { get; }

        /// <summary>Whether the site executes a query built from a loop's element (MAGG004's N+1); null until asked.</summary>
        public bool? IsPerElement { get; set; }

        /// <summary>Whether a condition on the iteration chooses whether the site runs (see IsChosenPerIteration); null until asked.</summary>
        public bool? IsChosenPerIteration { get; set; }

        /// <summary>Whether the site only fills a cache (see SequenceFacts.FillsCache); null until asked.</summary>
        public bool? FillsCache { get; set; }

        /// <summary>Whether a loop around the site waits between iterations or retries them (see IsPolledOrRetried); null until asked.</summary>
        public bool? IsPolledOrRetried { get; set; }

        /// <summary>Whether the loop around the site drains what it reads (see DrainsWhatItReads); null until asked.</summary>
        public bool? DrainsWhatItReads { get; set; }

        public bool IsQuery { get; set; }

        /// <summary>A count of the whole query (<c>Count()</c>, <c>CountAsync()</c>): a paging total.</summary>
        public bool IsCount { get; set; }

        /// <summary>The variable its result is stored in and those computed from it (see ResultOf); null until asked.</summary>
        public HashSet<string>? DerivedFromResult { get; set; }

        /// <summary>The same, without the objects whose initializers set a member from it (see ResultOf); null until asked.</summary>
        public HashSet<string>? DerivedMembersOfResult { get; set; }

        /// <summary>What the execution asks of the operand, set at its first: a call's question, or the rows (a <c>foreach</c>).</summary>
        public Execution? Execution { get; set; }
    }
}
