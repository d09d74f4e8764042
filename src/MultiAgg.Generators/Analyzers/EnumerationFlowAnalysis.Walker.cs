using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;

namespace MultiAgg.Generators.Analyzers;

internal sealed partial class EnumerationFlowAnalysis
{
    /// <summary>
    /// The transfer function: walks the operations of one basic block in evaluation order and
    /// updates <see cref="State"/> for assignments, enumerations, lambdas and local function calls.
    /// </summary>
    private sealed class Walker
    {
        private readonly EnumerationFlowAnalysis _analysis;
        private readonly ControlFlowGraph _graph;

        // The value each flow capture was given, to name the variable behind `xs?.Count()`.
        private readonly Dictionary<CaptureId, IOperation> _captured = new();

        // The values of a capture that branches give different ones (a conditional's, a coalesce's), each branch's.
        private readonly Dictionary<CaptureId, List<IOperation>> _capturedInBranches = new();

        // Roots made by the expression being evaluated (see ChainRoots), and how deep in links it is.
        private readonly List<int> _made = new();
        private int _linkDepth;

        // The calls the compiler removes ([Conditional] without its symbol): nothing in them runs.
        private readonly List<TextSpan> _omitted;

        // Captures that stand for an assignment's target variable (see CapturedTargets).
        private readonly Dictionary<CaptureId, ISymbol> _targets;

        // Locals a lambda or local function of this body assigns: when it runs is not followed, so whether they are null
        // is never known. Found at the first write of a nullable local (most bodies write none).
        private HashSet<ILocalSymbol>? _writtenByFunctions;

        // Delegate locals that are only ever called here, directly or by LINQ per element (`Func<int> total = () => xs.Sum();
        // ... total()`, `xs.Count(allowed)`): their body runs at each call, not where it is made. Any other use (handed on,
        // assigned again, called in another function) leaves the body applied where it is made.
        private readonly Dictionary<ILocalSymbol, (ControlFlowGraph Body, ISymbol Owner)> _calledDelegates = new(SymbolEqualityComparer.Default);
        private readonly Dictionary<ILocalSymbol, bool> _defers = new(SymbolEqualityComparer.Default);

        // The delegate local a lambda visited now is the value of, where the local runs only where this body calls it
        // (see Visit); and, of such locals, the bodies that assign what they capture, which each call assigns again.
        private ILocalSymbol? _standingInFor;
        private readonly Dictionary<ILocalSymbol, (BodySummary Summary, ControlFlowGraph Body, ISymbol Owner)> _writersCalledHere = new(SymbolEqualityComparer.Default);

        public Walker(EnumerationFlowAnalysis analysis, ControlFlowGraph graph, Dictionary<CaptureId, ISymbol> targets)
        {
            _analysis = analysis;
            _graph = graph;
            _targets = targets;
            _omitted = analysis._omittedCalls.In(graph.OriginalOperation);
        }

        private static HashSet<ILocalSymbol> LocalsWrittenByFunctions(IOperation root)
        {
            var written = new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default);
            foreach (var operation in root.Descendants())
            {
                var (function, body) = operation switch
                {
                    IAnonymousFunctionOperation lambda => (lambda.Symbol, lambda.Body),
                    ILocalFunctionOperation local => (local.Symbol, local.Body),
                    _ => default((IMethodSymbol?, IBlockOperation?)),
                };
                if (body is null)
                    continue;
                foreach (var inner in body.Descendants())
                {
                    if (inner is IAssignmentOperation { Target: ILocalReferenceOperation { Local: var local } } && !SymbolEqualityComparer.Default.Equals(local.ContainingSymbol, function))
                        written.Add(local);
                }
            }

            return written;
        }

        public FlowState State { get; set; } = null!;

        /// <summary>Called just before a variable's binding is replaced (an exception handler must see the state before).</summary>
        public System.Action? BeforeRebinding { get; set; }

        public void Visit(IOperation operation)
        {
            if (_omitted.Count > 0 && IsOmitted(operation))
                return;

            switch (operation)
            {
                case IFlowAnonymousFunctionOperation lambda when SequenceFacts.IsQuoted(lambda):
                    // A lambda converted to an expression tree is data for a query provider, which
                    // composes it into the query: it is never run here. What it reads of the method's own is read
                    // as the query runs, though.
                    EnumerateCapturedSequences(lambda);
                    return;
                case IFlowAnonymousFunctionOperation lambda:
                    var body = _graph.GetAnonymousFunctionControlFlowGraphInScope(lambda, _analysis._cancellationToken);
                    // One run where it is handed on (a task's, an execution strategy's) assigns what it assigns there too.
                    var perElement = SequenceFacts.RunsPerElement(lambda);
                    var runsHere = perElement || SequenceFacts.RunsWhereCalled(lambda);
                    ApplyBody(body, lambda.Symbol, perElement, called: _standingInFor is not null || runsHere, writesHere: runsHere);
                    if (_standingInFor is { } standIn)
                        Remember(standIn, body, lambda.Symbol);
                    if (SequenceFacts.IsFlattenedBy(lambda))
                    {
                        foreach (var returned in body.Blocks.Where(static b => b.FallThroughSuccessor?.Semantics == ControlFlowBranchSemantics.Return).Select(static b => b.BranchValue))
                            EnumerateFlattened(returned, lambda);
                    }

                    return;
                case ISimpleAssignmentOperation assignment:
                    if (!DefersToCalls(assignment))
                    {
                        // A delegate local only called in this body, but not deferred to its calls (it writes what it does not
                        // own), runs where it is made as their stand-in: what it assigns is assigned there.
                        // Each call assigns it again (`reload = () => xs = load();` then `reload()`).
                        var was = _standingInFor;
                        _standingInFor = assignment.Target is ILocalReferenceOperation { Local: { Type.TypeKind: TypeKind.Delegate } local } && IsOnlyCalledHere(local) ? local : null;
                        Visit(assignment.Value);
                        _standingInFor = was;
                    }

                    if (TrackedVariable(assignment.Target) is { } variable)
                    {
                        // A parameter holds its argument, unbound, until first assigned: a handler may still see that value,
                        // unless the new one is made from it (`xs = xs.ToList()`, a buffer, whose own failure a handler
                        // may read it again after, as it would the first time).
                        var oldValueLives = variable is IParameterSymbol parameter
                            && !assignment.Value.DescendantsAndSelf().OfType<IParameterReferenceOperation>().Any(read => SymbolEqualityComparer.Default.Equals(read.Parameter, parameter));
                        Bind(variable, ValueRoots(assignment.Value), HolderOf(assignment.Value), oldValueLives);
                    }
                    else
                    {
                        Visit(assignment.Target);
                        ForgetValueOf(assignment.Target);
                        if (WrittenLocal(assignment.Target) is { } local && IsNullable(local.Type))
                        {
                            _writtenByFunctions ??= LocalsWrittenByFunctions(_graph.OriginalOperation);
                            if (_writtenByFunctions.Contains(local))
                                State.NullFacts.Remove(local);
                            else
                                State.AssignNullable(local, IsNeverNull(assignment.Value));
                        }
                    }

                    return;
                case IFlowCaptureOperation capture when _targets.ContainsKey(capture.Id):
                    // The variable about to be written, not a read of its value.
                    _captured[capture.Id] = capture.Value;
                    return;
                case IFlowCaptureOperation capture:
                    Visit(capture.Value);
                    Bind(capture.Id, ValueRoots(capture.Value), HolderOf(capture.Value));
                    if (!_captured.TryGetValue(capture.Id, out var earlier))
                    {
                        _captured[capture.Id] = capture.Value;
                    }
                    else if (earlier != capture.Value)
                    {
                        // `flag ? xs : ys`, `a ?? b`: either value, not only the first one met.
                        if (!_capturedInBranches.TryGetValue(capture.Id, out var branches))
                            _capturedInBranches[capture.Id] = branches = new List<IOperation> { earlier };
                        if (!branches.Contains(capture.Value))
                            branches.Add(capture.Value);
                    }

                    return;
            }

            foreach (var child in operation.ChildOperations)
                Visit(child);

            switch (operation)
            {
                case IInvocationOperation invocation:
                    OnCall(invocation.TargetMethod, invocation.Instance, invocation.Arguments);
                    RunCalledDelegates(invocation);
                    BindOutArguments(invocation.Arguments);
                    ForgetChangedBy(invocation);
                    RebindReassignedByCall(invocation);
                    break;
                case IObjectCreationOperation { Constructor: { } constructor } creation:
                    OnCall(constructor, null, creation.Arguments);
                    BindOutArguments(creation.Arguments);
                    break;
                case IIsPatternOperation isPattern:
                    BindPatternVariables(isPattern);
                    break;
                case IDeconstructionAssignmentOperation deconstruction:
                    BindDeconstructed(deconstruction);
                    break;
                case ISpreadOperation spread:
                    Enumerate(spread.Operand);
                    break;
                case IMethodReferenceOperation { Method.MethodKind: MethodKind.LocalFunction } reference:
                    var referencedPerElement = SequenceFacts.RunsPerElement(reference);
                    ApplyLocalFunction(reference.Method, referencedPerElement, writesHere: referencedPerElement || SequenceFacts.RunsWhereCalled(reference));
                    if (_standingInFor is { } standIn)
                        Remember(standIn, _graph.GetLocalFunctionControlFlowGraphInScope(reference.Method.OriginalDefinition, _analysis._cancellationToken), reference.Method.OriginalDefinition);
                    break;
                case IMethodReferenceOperation reference:
                    OnMethodGroup(reference);
                    break;
            }
        }

        private void Bind(object variable, HashSet<int> roots, object? from, bool unboundValueLives = false)
        {
            if (BeforeRebinding is not null && (unboundValueLives || State.Bindings.ContainsKey(variable)))
                BeforeRebinding();
            State.Bind(variable, roots, from);
        }

        private bool IsOmitted(IOperation operation)
        {
            var span = operation.Syntax.Span;
            foreach (var call in _omitted)
            {
                if (call.Contains(span))
                    return true;
            }

            return false;
        }

        /// <summary>
        /// A pattern binds its variables every time it matches. The variable a pattern declares for its
        /// whole input holds the input's value: a sequence's (<c>xs is IOrderedEnumerable&lt;int&gt; ordered</c>
        /// is <c>xs</c>), or that of a variable of another type seen as a sequence
        /// (<c>item is IEnumerable&lt;int&gt; inner</c> over an <c>object</c>), which stays one value until the
        /// variable is written (<c>foreach</c> writes <c>item</c> every iteration). Over anything else
        /// (a property, a call, a nested pattern), it is a new value each time.
        /// </summary>
        private void BindPatternVariables(IIsPatternOperation isPattern)
        {
            foreach (var pattern in isPattern.Pattern.DescendantsAndSelf().OfType<IPatternOperation>())
            {
                if (DeclaredVariable(pattern) is not ILocalSymbol local)
                    continue;
                if (SequenceFacts.KindOf(local.Type) is var kind && kind == SequenceKind.None)
                {
                    // `o is Db db`: a new value each match, and with it every set read through it.
                    if (_analysis._paths.Count > 0)
                        _analysis.Forget(MemberPath.Of(local), State);
                    continue;
                }

                var whole = pattern == isPattern.Pattern;
                if (whole && SequenceFacts.KindOf(isPattern.Value.Type) != SequenceKind.None)
                    Bind(local, ValueRoots(isPattern.Value), HolderOf(isPattern.Value));
                else if (whole && FindReference(isPattern.Value) is { } reference && Variable(reference) is { } input)
                    Bind(local, new HashSet<int> { _analysis.RootFor(input, input, kind) }, from: null);
                else
                    Bind(local, new HashSet<int> { NewRoot(pattern, kind) }, from: null);
            }
        }

        /// <summary>
        /// A variable of a type not tracked as a sequence is written: the value a pattern saw in it as a
        /// sequence (see <see cref="BindPatternVariables"/>) is gone, the next one is new, and so is what is read
        /// through it (<see cref="MemberPath"/>). The graph may write it through a capture made before the value
        /// (<c>held = new { Larger = ys.Where(...) }</c>): that capture stands for the variable.
        /// </summary>
        private void ForgetValueOf(IOperation target)
        {
            var variable = WrittenVariable(target);
            if (variable is not null)
            {
                // A match kept from the value before (`first = list`) is that value still: it moves, with what its holders
                // saw of it, to the root of the variable's earlier values, as a value an expression made before does (see
                // NewRoot), so that enumerating the next match does not mark it.
                if (_analysis._rootIds.TryGetValue(variable, out var root))
                {
                    var kind = _analysis._roots[root].IsQueryable ? SequenceKind.Queryable : SequenceKind.Enumerable;
                    State.Rename(root, () => _analysis.EarlierRootFor(variable, root, kind));
                    State.HistoryOf(root).Clear();
                }

                State.NullFacts.Remove(variable);
            }

            if (_analysis._paths.Count > 0 && (variable is not null ? MemberPath.Of(variable) : MemberPath.Of(target)) is { } path)
                _analysis.Forget(path, State);
        }

        /// <summary>
        /// A call that may change the rows of a set: a method called with arguments on the set, or on an object the set
        /// is read through (<c>_db.Orders.Add(order)</c>, <c>repository.Insert(row)</c>), or a bulk write of a query over
        /// it (<c>_db.Orders.Where(...).ExecuteDelete()</c>): what is read through it afterwards is another read. A
        /// <c>SaveChanges</c> makes every query another read (<see cref="EnumerationFlowAnalysis.ForgetQueries"/>). Not a
        /// call on <c>this</c>, which would forget every field's set at every call of a helper, nor EF Core's reads
        /// (<c>Find</c>, <c>Entry</c>).
        /// </summary>
        private void ForgetChangedBy(IInvocationOperation invocation)
        {
            var method = invocation.TargetMethod.ReducedFrom ?? invocation.TargetMethod;
            if (SequenceFacts.IsSave(method.Name))
            {
                _analysis.ForgetQueries(State);
                _analysis._writesDatabase.Add(_graph);
                return;
            }

            if (SequenceFacts.IsBulkWrite(method) && invocation.Arguments.Length > 0)
            {
                _analysis._writesDatabase.Add(_graph);
                // The query itself may be a variable's (`stale.Take(1000).ExecuteDelete()`): what it held, and the sets it
                // reads, are other rows now.
                var query = QuerySource(invocation.Arguments[0].Value);
                if (query is ILocalReferenceOperation or IParameterReferenceOperation or IFlowCaptureReferenceOperation)
                    _analysis.ForgetRows(ValueRoots(query), State);
                ForgetPath(query);
                return;
            }

            if (_analysis._paths.Count == 0 || method.Name is "Find" or "FindAsync" or "Entry")
                return;

            // An extension method writes through its first argument as an instance method through its instance
            // (`_db.BulkInsert(rows)`), when it gives nothing to read back (see below); on a sequence, only one the
            // analysis knows nothing of (LINQ's and EF Core's operators read).
            var (receiver, arguments) = invocation.Instance is { } instance
                ? (instance, invocation.Arguments)
                : method.IsExtensionMethod && invocation.Arguments.Length > 0 && (ReturnsNothingToRead(method) || SequenceFacts.IsRawSqlWrite(method.Name))
                  && (SequenceFacts.KindOf(invocation.Arguments[0].Value.Type) == SequenceKind.None || _analysis.RoleOf(invocation.TargetMethod) == MethodRole.Unknown)
                    ? (Unwrapped(invocation.Arguments[0].Value), invocation.Arguments.RemoveAt(0))
                    : (null, ImmutableArray<IArgumentOperation>.Empty);
            if (receiver is not null && arguments.Any(argument => argument.ArgumentKind != ArgumentKind.DefaultValue))
            {
                ForgetPath(receiver);
            }

            void ForgetPath(IOperation changed)
            {
                // Not `this` itself: any method of the type taking an argument would forget everything.
                if (MemberPath.Of(changed) is not { } path || (path.Variable is null && path.Members.Length == 0))
                {
                    return;
                }

                // EF Core's `_db.Database.ExecuteSql(...)` writes the context's tables, which are not read through its
                // Database facade (its other calls, a transaction or a timeout, write nothing).
                if (path.Members.LastOrDefault() is IPropertySymbol { Name: "Database", Type.Name: "DatabaseFacade" })
                {
                    if (!SequenceFacts.IsRawSqlWrite(method.Name))
                        return;
                    path = path.Owner;
                    _analysis._writesDatabase.Add(_graph);
                }
                _analysis.Forget(path, State);
            }

            static IOperation Unwrapped(IOperation operation) =>
                operation is IConversionOperation { IsImplicit: true } conversion ? conversion.Operand : operation;

            // A write gives nothing back, or only its completion (`BulkInsert`, `BulkInsertAsync`); a method that gives a
            // value reads (`ToPagedListAsync(page, size)`, `GetByIdAsync(id)`), whatever else it may do.
            static bool ReturnsNothingToRead(IMethodSymbol method) =>
                method.ReturnsVoid || method.ReturnType is INamedTypeSymbol { Arity: 0, Name: "Task" or "ValueTask" };
        }

        /// <summary>
        /// A primary constructor's parameter is a variable every member of its type shares: after a call of a method
        /// declared in the type, on <c>this</c>, a parameter some member assigns (<c>public void Refresh() =&gt; items =
        /// Fetch();</c>) may hold a new sequence, as after an assignment here. (A base type's method cannot assign it.)
        /// </summary>
        private void RebindReassignedByCall(IInvocationOperation invocation)
        {
            if (invocation.Instance is not IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance })
                return;

            foreach (var parameter in _analysis._primaryConstructorWrites.ReassignedIn(invocation.TargetMethod.ContainingType.OriginalDefinition, _analysis._cancellationToken))
                Bind(parameter, new HashSet<int> { NewRoot((invocation, parameter), SequenceFacts.KindOf(parameter.Type)) }, from: null);
        }

        /// <summary>The value a query chain starts from (<c>_db.Orders</c> in <c>_db.Orders.Where(...)</c>).</summary>
        private IOperation QuerySource(IOperation query)
        {
            for (var depth = 0; depth < 64; depth++)
            {
                switch (query)
                {
                    case IConversionOperation conversion:
                        query = conversion.Operand;
                        break;
                    case IInvocationOperation link when IsLink(link) && Sources(link).FirstOrDefault() is { } source:
                        query = source;
                        break;
                    default:
                        return query;
                }
            }

            return query;
        }

        private static bool IsNullable(ITypeSymbol type) =>
            type.IsReferenceType || type.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T;

        /// <summary>The local or parameter an assignment writes: itself, or the capture the graph made of it (<c>x = c ? null : x</c>).</summary>
        private ISymbol? WrittenVariable(IOperation target) =>
            target is IFlowCaptureReferenceOperation capture && _targets.TryGetValue(capture.Id, out var variable) ? variable : Variable(target);

        /// <summary>The local an assignment writes (<see cref="WrittenVariable"/>).</summary>
        private ILocalSymbol? WrittenLocal(IOperation target) => WrittenVariable(target) as ILocalSymbol;

        /// <summary>
        /// A value that cannot be null: a value type's (a count, an awaited sum), a new object, a non-null constant, or
        /// what a method declares it never returns (<c>ToList()</c>, an awaited <c>ToListAsync()</c>), where the compiler's
        /// nullable analysis agrees. Not a result of type <c>T</c>, which may be nullable, nor one of a library compiled
        /// without nullable annotations.
        /// </summary>
        private static bool IsNeverNull(IOperation value)
        {
            while (value is IConversionOperation { IsImplicit: true, Conversion.IsUserDefined: false } conversion)
                value = conversion.Operand;
            if (value is IObjectCreationOperation or IArrayCreationOperation
                || value.ConstantValue is { HasValue: true, Value: not null }
                || value.Type is { IsValueType: true } type && type.OriginalDefinition.SpecialType != SpecialType.System_Nullable_T)
            {
                return true;
            }

            if (value.Type is not { IsReferenceType: true, NullableAnnotation: NullableAnnotation.NotAnnotated })
                return false;
            return value switch
            {
                IInvocationOperation call => DeclaresNonNull(call.TargetMethod.OriginalDefinition.ReturnType, call.TargetMethod.OriginalDefinition.ReturnNullableAnnotation),
                IAwaitOperation { Operation: IInvocationOperation call } when call.TargetMethod.OriginalDefinition.ReturnType is INamedTypeSymbol { Name: "Task" or "ValueTask", TypeArguments.Length: 1 } task =>
                    DeclaresNonNull(task.TypeArguments[0], task.TypeArgumentNullableAnnotations[0]),
                _ => false,
            };

            static bool DeclaresNonNull(ITypeSymbol type, NullableAnnotation annotation) =>
                annotation == NullableAnnotation.NotAnnotated && type is not ITypeParameterSymbol;
        }

        /// <summary><c>TryGetValue(key, out var items)</c>, <c>Materialize(ref xs)</c>: the variable receives a value the call made.</summary>
        private void BindOutArguments(IEnumerable<IArgumentOperation> arguments)
        {
            foreach (var argument in arguments)
            {
                if (argument.Parameter?.RefKind == RefKind.Out)
                {
                    BindNewValue(SkipDeclaration(argument.Value));
                }
                else if (argument.Parameter?.RefKind == RefKind.Ref)
                {
                    // The method may write it (Materialize(ref xs) buffers it): what is known of its value stops here, so
                    // what the old value was read for is no longer held against the new one.
                    BindNewValue(argument.Value);
                    if (WrittenLocal(argument.Value) is { } local)
                        State.NullFacts.Remove(local);
                }
            }
        }

        /// <summary>
        /// A deconstruction from a tuple literal moves values (<c>(a, b) = (b, a)</c> swaps them: every value is
        /// read before any variable is written); from anything else (<c>Deconstruct</c>, a tuple a call
        /// returned, <c>foreach (var (key, values) in groups)</c>) each variable receives a new value.
        /// </summary>
        private void BindDeconstructed(IDeconstructionAssignmentOperation deconstruction)
        {
            var moves = new List<(ISymbol Variable, HashSet<int> Roots, object? From)>();
            Pair(deconstruction.Target, deconstruction.Value);
            foreach (var (variable, roots, from) in moves)
                Bind(variable, roots, from);

            void Pair(IOperation target, IOperation? value)
            {
                target = SkipDeclaration(target);
                while (value is IConversionOperation { Operand: ITupleOperation } conversion)
                    value = conversion.Operand;

                if (target is ITupleOperation targets)
                {
                    var values = value is ITupleOperation tuple && tuple.Elements.Length == targets.Elements.Length ? tuple.Elements : default;
                    for (var i = 0; i < targets.Elements.Length; i++)
                        Pair(targets.Elements[i], values.IsDefault ? null : values[i]);
                }
                else if (TrackedVariable(target) is { } variable)
                {
                    moves.Add(value is null
                        ? (variable, new HashSet<int> { NewRoot(target, SequenceFacts.KindOf(target.Type)) }, null)
                        : (variable, ValueRoots(value), HolderOf(value)));
                }
                else
                {
                    ForgetValueOf(target);
                }
            }
        }

        /// <summary>Binds a variable written by an <c>out</c> argument to a new value.</summary>
        private void BindNewValue(IOperation target)
        {
            if (TrackedVariable(target) is { } variable)
                Bind(variable, new HashSet<int> { NewRoot(target, SequenceFacts.KindOf(target.Type)) }, from: null);
            else
                ForgetValueOf(target);
        }

        private void OnCall(IMethodSymbol method, IOperation? instance, IEnumerable<IArgumentOperation> arguments)
        {
            if (method.MethodKind == MethodKind.LocalFunction)
            {
                ApplyLocalFunction(method, perElement: false, arguments);
                return;
            }

            // A delegate local whose body is known: RunCalledDelegates applies that body, the arguments it reads included.
            if (method.MethodKind == MethodKind.DelegateInvoke && CalledDelegate(instance) is not null)
                return;

            // `foreach` and `await foreach` are lowered to these calls in the graph (the latter passes
            // the default CancellationToken to IAsyncEnumerable<T>.GetAsyncEnumerator).
            if (instance is not null && method.Name is "GetEnumerator" or "GetAsyncEnumerator" && method.Parameters.All(p => p.IsOptional))
            {
                Enumerate(instance);
                return;
            }

            // A logger's formatter reads each sequence it is given, through its params array or a generic value.
            if (SequenceFacts.LogsItsArguments(method))
            {
                var logged = arguments.SelectMany(static argument => argument.Value is IArrayCreationOperation { Initializer: { } items } ? items.ElementValues : [argument.Value]);
                foreach (var value in logged.Select(SequenceFacts.WithoutConversions))
                {
                    if (SequenceFacts.KindOf(value.Type) is SequenceKind.Enumerable or SequenceKind.Queryable)
                        Enumerate(value);
                }

                return;
            }

            var role = _analysis.RoleOf(method);
            if (Enumerates(role))
            {
                _executing = (method, role, arguments);
                try
                {
                    foreach (var argument in arguments)
                    {
                        // An [Aggregate] method's further arguments go to its Of/Where methods: unknown use.
                        if (argument.Parameter is { } parameter && SequenceFacts.IsSequenceParameter(parameter)
                            && (role != MethodRole.EnumeratingSource || parameter.Ordinal == 0 || _analysis._options.AssumeUnknownMethodsEnumerate)
                            && !(role == MethodRole.Unknown && StoresItem(method, parameter)))
                        {
                            Enumerate(argument.Value);
                        }
                    }
                }
                finally
                {
                    _executing = null;
                }
            }
        }

        /// <summary>
        /// A method group over a sequence (<c>keys.Where(allowed.Contains)</c>, IDE0200's form of
        /// <c>k =&gt; allowed.Contains(k)</c>): each call of the delegate runs the extension method on the receiver, so it
        /// reads the receiver as that lambda's body would, once where the group is given, twice where LINQ or
        /// <c>ForEach</c> call it per element.
        /// </summary>
        private void OnMethodGroup(IMethodReferenceOperation reference)
        {
            var method = reference.Method.ReducedFrom ?? reference.Method;
            if (!method.IsExtensionMethod || method.Parameters.Length == 0 || !SequenceFacts.IsSequenceParameter(method.Parameters[0])
                || !Enumerates(_analysis.RoleOf(method)))
            {
                return;
            }

            // The graph drops a static method's receiver: a local or parameter is read from the syntax.
            var receiver = reference.Instance;
            if (receiver is null && reference.Syntax is MemberAccessExpressionSyntax { Expression: var expression })
            {
                receiver = _analysis.ModelOf(expression)?.GetOperation(expression, _analysis._cancellationToken);
                if (receiver is not (ILocalReferenceOperation or IParameterReferenceOperation))
                    return;
            }

            if (receiver is null)
                return;

            for (var run = SequenceFacts.RunsPerElement(reference) ? 2 : 1; run > 0; run--)
                Enumerate(receiver);
        }

        /// <summary>
        /// Whether an unknown method's parameter keeps any value as an item (<c>seen.Add(xs)</c>, <c>byId.TryAdd(id, xs)</c>,
        /// <c>Task.FromResult(xs)</c>): a collection's or a task's, declared as a type parameter with no constraint, a
        /// sequence only because a type argument made it one. Other such methods may read what they are given
        /// (<c>JsonSerializer.Serialize(xs)</c>).
        /// </summary>
        private static bool StoresItem(IMethodSymbol method, IParameterSymbol parameter) =>
            parameter.OriginalDefinition.Type is ITypeParameterSymbol { ConstraintTypes.Length: 0 }
            && method.ContainingType is { } type
            && (SequenceFacts.IsWithin(type.ContainingNamespace, "System", "Collections")
                || (type.Name is "Task" or "ValueTask" && SequenceFacts.IsIn(type.ContainingNamespace, "System", "Threading", "Tasks")));

        private bool Enumerates(MethodRole role) =>
            role is MethodRole.Enumerating or MethodRole.EnumeratingAndDeferred or MethodRole.EnumeratingSource
            || (role == MethodRole.Unknown && _analysis._options.AssumeUnknownMethodsEnumerate);

        // The call being applied, which executes the sequences passed to it: a paging total? an aggregate?
        private (IMethodSymbol Method, MethodRole Role, IEnumerable<IArgumentOperation> Arguments)? _executing;

        /// <summary><c>Count()</c>, <c>LongCount()</c> or a provider's <c>CountAsync()</c>, with no predicate.</summary>
        private static bool IsTotalCount(IMethodSymbol method, MethodRole role)
        {
            method = method.ReducedFrom ?? method;
            return method.Name is "Count" or "LongCount" or "CountAsync" or "LongCountAsync"
                   && role != MethodRole.EnumeratingSource   // a user's [Aggregate] method named Count is no operator
                   && method.Parameters.Length > 0
                   && SequenceFacts.KindOf(method.Parameters[0].Type) == SequenceKind.Queryable
                   && method.Parameters.Skip(1).All(p => p.Type.Name == "CancellationToken");
        }

        private void Enumerate(IOperation operand)
        {
            // A chain built in place (`xs.Where(...).Count()`, `a.Concat(b).ToList()`) reads each of its
            // sources: each is an enumeration site of its own, so every source read again is named.
            if (InlineChain(operand) is { } chain)
            {
                foreach (var source in Sources(chain))
                    Enumerate(source);
                return;
            }

            var roots = ValueRoots(operand);
            if (roots.Count == 0)
                return;

            EnumerateRoots(_analysis.SiteFor(operand, FindReference(operand)), roots, HolderOf(operand));

            // A stored chain that reads one value through two of its links (`a.Except(b).Concat(b)`)
            // enumerates that value again at the later link: the value this chain read, an earlier one of its
            // expression's where the chain is an earlier one too.
            foreach (var root in roots)
            {
                if (_analysis._repeats.TryGetValue(_analysis.MakerOf(root), out var repeats))
                {
                    foreach (var repeat in repeats)
                        EnumerateRoots(repeat.Key, AsHeld(repeat.Value, roots), holder: null);
                }
            }
        }

        /// <summary>
        /// The sequences of the method's own variables an expression tree reads (<c>p =&gt; ids.Contains(p.Id)</c>), each
        /// read where the tree is made: a provider evaluates them as it runs the query (EF Core enumerates <c>ids</c> into
        /// the query's parameter), a compiled tree as its delegate runs. A query it reads is composed into the query
        /// instead, and what its own lambdas declare is the provider's.
        /// </summary>
        private void EnumerateCapturedSequences(IFlowAnonymousFunctionOperation lambda)
        {
            // A query clause's lambda has no syntax of its own: its syntax, and so its operation, is the clause's expression.
            var tree = _analysis.ModelOf(lambda.Syntax)?.GetOperation(lambda.Syntax, _analysis._cancellationToken);
            var body = tree is IAnonymousFunctionOperation function ? function.Body : tree;
            if (body is null)
                return;

            foreach (var operation in body.DescendantsAndSelf())
            {
                var variable = operation switch
                {
                    ILocalReferenceOperation local => (ISymbol)local.Local,
                    IParameterReferenceOperation parameter => parameter.Parameter,
                    _ => null,
                };
                if (variable is not null
                    && SequenceFacts.KindOf(operation.Type) is SequenceKind.Enumerable
                    && !IsTreesOwn(variable)
                    && IsReadBy(operation))
                {
                    Enumerate(operation);
                }
            }

            // A parameter of the tree (a range variable of a query clause too, declared in an earlier clause) or of a
            // lambda inside it, or a local declared in it.
            bool IsTreesOwn(ISymbol variable) =>
                SymbolEqualityComparer.Default.Equals(variable.ContainingSymbol, lambda.Symbol)
                || variable.Locations.Any(location => location.SourceTree == lambda.Syntax.SyntaxTree && lambda.Syntax.Span.Contains(location.SourceSpan));

            // Read as an operator's source: the receiver, or an extension method's first argument (through a conversion).
            static bool IsReadBy(IOperation reference)
            {
                var read = reference;
                while (read.Parent is IConversionOperation conversion)
                    read = conversion;
                return read.Parent switch
                {
                    IInvocationOperation call => call.Instance == read,
                    IArgumentOperation { Parent: IInvocationOperation call, Parameter.Ordinal: 0 } => call.TargetMethod.IsExtensionMethod,
                    _ => false,
                };
            }
        }

        /// <summary>Each of <paramref name="made"/> as <paramref name="held"/> holds it: itself, or the root of the earlier values of its expression.</summary>
        private HashSet<int> AsHeld(HashSet<int> made, HashSet<int> held)
        {
            var result = new HashSet<int>();
            foreach (var root in made)
            {
                var earlier = held.Where(h => h != root && _analysis.MakerOf(h) == root).Select(static h => (int?)h).FirstOrDefault();
                result.Add(held.Contains(root) || earlier is null ? root : earlier.Value);
            }

            return result;
        }

        /// <summary>Enumerates <paramref name="roots"/> at <paramref name="site"/>, read through <paramref name="holder"/> (null: no variable).</summary>
        private void EnumerateRoots(int site, HashSet<int> roots, object? holder)
        {
            var sites = new[] { site };
            if (_analysis._sites[site] is { Execution: null } enumerated)
            {
                if (_executing is { } call)
                {
                    enumerated.IsCount = IsTotalCount(call.Method, call.Role);
                    enumerated.Execution = _analysis.ExecutionOf(call.Method, call.Role, call.Arguments, enumerated.Operand);
                }
                else
                {
                    // Walked by `foreach`, or read as a whole some other way: its rows, of a projection or not.
                    enumerated.Execution = _analysis.RowsAt(enumerated.Operand);
                }
            }

            foreach (var root in roots)
            {
                if (_analysis._roots[root].IsQueryable)
                    _analysis._sites[site].IsQuery = true;
                if (_analysis._pages.TryGetValue(_analysis.MakerOf(root), out var paged))
                    ReportCountedPage(site, paged);
                var earlier = State.EarlierSites(root, holder);
                if (earlier.Count > 0)
                    _analysis.Report(site, earlier, root, throughVariable: holder is ISymbol);
                State.Enumerated(root, sites);
            }
        }

        /// <summary>
        /// A page of <paramref name="paged"/> is executed at <paramref name="site"/>: MAGG003 when a total count of one of
        /// them ran before and the page is loaded as rows (not a test beyond it, <c>Skip(n).Any()</c>, nor a capped count).
        /// </summary>
        private void ReportCountedPage(int site, HashSet<int> paged)
        {
            var counts = new HashSet<int>();
            var page = _analysis._sites[site];
            if (page.Execution is { Kind: not QueryExecutionKind.Rows })
                return;

            bool? pageTakesDistinct = null;
            foreach (var root in paged)
            {
                foreach (var earlier in State.HistoryOf(root))
                {
                    // The total of the page's rows: not computed from the page, and of distinct values exactly when they are.
                    var count = _analysis._sites[earlier];
                    if (count.IsCount && !_analysis.PageReadsCount(page, count) && _analysis.TakesDistinct(count) == (pageTakesDistinct ??= _analysis.TakesDistinct(page)))
                        counts.Add(earlier);
                }
            }

            if (counts.Count == 0)
                return;
            if (!_analysis._pageReports.TryGetValue(site, out var known))
                _analysis._pageReports[site] = known = new HashSet<int>();
            known.UnionWith(counts);
        }

        /// <summary>
        /// The deferred call that produces <paramref name="operation"/> in place, through conversions and
        /// query syntax. A query provider composes its links into one execution, so a chain that is
        /// still a query is not taken apart.
        /// </summary>
        private IInvocationOperation? InlineChain(IOperation operation)
        {
            for (var depth = 0; depth < 64; depth++)
            {
                switch (operation)
                {
                    case IConversionOperation conversion when conversion.Conversion.IsIdentity || SequenceFacts.IsSequenceLike(conversion.Operand.Type):
                        operation = conversion.Operand;
                        break;
                    case ITranslatedQueryOperation query:
                        operation = query.Operation;
                        break;
                    case IInvocationOperation invocation when IsLink(invocation):
                        return SequenceFacts.KindOf(invocation.Type) == SequenceKind.Queryable ? null : invocation;
                    default:
                        return null;
                }
            }

            return null;
        }

        private bool IsLink(IInvocationOperation invocation) =>
            _analysis.RoleOf(invocation.TargetMethod) is MethodRole.Deferred or MethodRole.EnumeratingAndDeferred;

        /// <summary>
        /// What <c>SelectMany</c>'s collection selector returns is enumerated once per element: a variable from outside
        /// the lambda that it returns, or that a chain it returns reads (<c>x => ys.Where(y => y &gt; x)</c>), is read
        /// again for every element. A variable of the lambda's own (<c>x => x</c>) and a value a call makes are new each time.
        /// </summary>
        private void EnumerateFlattened(IOperation? returned, IFlowAnonymousFunctionOperation lambda)
        {
            if (returned is null)
                return;
            if (InlineChain(returned) is { } chain)
            {
                foreach (var source in Sources(chain))
                    EnumerateFlattened(source, lambda);
                return;
            }

            // The lambda's own: a local declared in it, or its parameter (a query's `from b in batches from x in b` gives
            // the compiler's lambda `b => b`, whose parameter has no syntax of its own).
            var outer = returned switch
            {
                ILocalReferenceOperation local => !local.Local.DeclaringSyntaxReferences.Any(r => lambda.Syntax.Span.Contains(r.Span)),
                IParameterReferenceOperation parameter => !SymbolEqualityComparer.Default.Equals(parameter.Parameter.ContainingSymbol, lambda.Symbol)
                    && !parameter.Parameter.DeclaringSyntaxReferences.Any(r => lambda.Syntax.Span.Contains(r.Span)),
                _ => false,
            };
            if (!outer)
                return;

            Enumerate(returned);
            Enumerate(returned);
        }

        /// <summary>The sequences a link reads: the sequence it is called on (a wrapper's own member), then its sequence arguments.</summary>
        internal static IEnumerable<IOperation> Sources(IInvocationOperation invocation)
        {
            if (invocation.Instance is { } instance && SequenceFacts.IsSequenceLike(instance.Type) && !SequenceFacts.IsEntityRange(invocation.TargetMethod))
                yield return instance;
            foreach (var argument in invocation.Arguments)
            {
                if (argument.Parameter is { } parameter && SequenceFacts.IsSequenceParameter(parameter))
                    yield return argument.Value;
            }
        }

        /// <summary>
        /// Applies what a lambda or local function body enumerates where it runs: the variables it captures (twice where
        /// it runs per element) and, given the <paramref name="arguments"/> of a call, what it is passed for the parameters
        /// it enumerates (<c>int Total(IEnumerable&lt;int&gt; s) =&gt; s.Sum();</c> then <c>Total(xs)</c>).
        /// </summary>
        /// <param name="called">Whether the body runs here (a call, or a lambda run per element, as its enumerations
        /// are), so that what it assigns is assigned here too; not a lambda handed on where it is made, which may run later,
        /// or never (an event handler).</param>
        /// <param name="writesHere">Whether what the body writes of the database is written here (by default, where it is
        /// called): a lambda run per element or where it is handed on (an execution strategy's, a task's), not one standing
        /// in for its calls, nor a method group handed to anything else (an event handler).</param>
        private void ApplyBody(ControlFlowGraph body, ISymbol owner, bool perElement, bool called = true, IEnumerable<IArgumentOperation>? arguments = null, bool? writesHere = null)
        {
            // An iterator's body runs when its result is enumerated, not where it is called, named as a method group or
            // called through a delegate; this analysis does not follow it there (a miss, not a false warning).
            if (owner is IMethodSymbol { MethodKind: MethodKind.LocalFunction } function && IsIterator(function))
                return;

            var summary = _analysis.Summarize(body, owner);
            if (summary is null)
            {
                _analysis._recursive.Add(body);   // its own call, inside it: applied once its summary is known
                return;
            }

            for (var run = perElement ? 2 : 1; run > 0; run--)
            {
                foreach (var pair in summary.Variables)
                {
                    foreach (var root in RootsOf(pair.Key))
                        Apply(root, pair.Key, pair.Value);
                }

                // `customers.Sum(c => _db.Orders.Count())`: the same query for every element. Only there: a lambda stored or
                // handed to an unknown method, or a local function, may run once (a cache's factory, `x ??= ...`) or be
                // given other arguments at each call.
                if (perElement)
                {
                    foreach (var pair in summary.Queries)
                        Apply(pair.Key, holder: null, pair.Value);
                }

                if (writesHere ?? called)
                    ApplyWrites(summary);
            }

            if (arguments is not null && summary.Parameters.Count > 0)
            {
                foreach (var argument in arguments)
                {
                    if (argument.Parameter is { } parameter && summary.Parameters.Contains(parameter.Ordinal))
                        Enumerate(argument.Value);
                }
            }

            if (called)
                BindWritten(summary, body, owner);

            void Apply(int root, object? holder, HashSet<int> sites)
            {
                var earlier = State.EarlierSites(root, holder);
                if (earlier.Count > 0)
                {
                    var copy = new HashSet<int>(earlier);
                    foreach (var site in sites)
                        _analysis.Report(site, copy, root, throughVariable: holder is not null);
                }

                State.Enumerated(root, sites);
            }
        }

        /// <summary>
        /// A body run here that writes the database (a retried save, a local function that commits): the queries executed
        /// before, its own included, are other reads after it, as after a save written here. (Its own reads after its save
        /// are taken as before it: a miss, never a false report.)
        /// </summary>
        private void ApplyWrites(BodySummary summary)
        {
            if (!summary.WritesDatabase)
                return;
            _analysis.ForgetQueries(State);
            _analysis._writesDatabase.Add(_graph);
        }

        /// <summary>
        /// What a body assigns of the variables it captures they hold afterwards (<c>void Advance() => page = fetch(++i);</c>):
        /// the values they held at the call that it kept (<c>xs = xs.Where(p)</c> still reads the old xs), and one value the
        /// call made for the rest. All are read before any is bound, as a swap (<c>(xs, ys) = (ys, xs)</c>) reads both first.
        /// </summary>
        private void BindWritten(BodySummary summary, ControlFlowGraph body, ISymbol owner)
        {
            var rebound = new List<(ISymbol Variable, HashSet<int> Roots)>();
            foreach (var pair in summary.Written)
            {
                var (target, held) = (pair.Value.Target, pair.Value.Held);
                var roots = new HashSet<int>();
                var made = held is null;
                foreach (var root in held ?? [])
                {
                    // A variable of the body's own (its parameter `v` in `Set(v) => xs = v`) holds a value of this call.
                    if (_analysis.HolderAtEntry(root) is { } holder && !IsOwnedBy(holder, owner)
                        && !holder.DeclaringSyntaxReferences.Any(r => body.OriginalOperation.Syntax.Span.Contains(r.Span)))
                    {
                        roots.UnionWith(RootsOf(holder));
                    }
                    else if (_analysis.IsLasting(root) && !_analysis.IsReadThrough(root, owner))
                    {
                        // The same value at every call; not one read through the body's own variable (`var r = rows[i]; cur = r.Items;`).
                        roots.Add(root);
                    }
                    else
                    {
                        made = true;
                    }
                }

                if (made)
                    roots.Add(NewRoot(target, SequenceFacts.KindOf(target.Type)));
                rebound.Add((pair.Key, roots));
            }

            foreach (var (variable, roots) in rebound)
                Bind(variable, roots, from: variable);
        }

        /// <summary>
        /// Whether <paramref name="assignment"/> makes a delegate local from a lambda or a local function that is only
        /// called in this body: then it is remembered for its calls, and nothing runs here.
        /// </summary>
        private bool DefersToCalls(ISimpleAssignmentOperation assignment)
        {
            if (assignment.Target is not ILocalReferenceOperation { Local: var local } || local.Type.TypeKind != TypeKind.Delegate)
                return false;

            var (body, owner) = SequenceFacts.DelegateBehind(assignment.Value) switch
            {
                IFlowAnonymousFunctionOperation lambda when !SequenceFacts.IsQuoted(lambda)
                    => (_graph.GetAnonymousFunctionControlFlowGraphInScope(lambda, _analysis._cancellationToken), (ISymbol)lambda.Symbol),
                IMethodReferenceOperation { Method: { MethodKind: MethodKind.LocalFunction } method }
                    => (_graph.GetLocalFunctionControlFlowGraphInScope(method.OriginalDefinition, _analysis._cancellationToken), method.OriginalDefinition),
                _ => default((ControlFlowGraph?, ISymbol?)),
            };
            if (body is null || owner is null)
                return false;

            // A body that writes what it does not own may run differently the next time (`cache ??= xs.ToList()`).
            if (!_defers.TryGetValue(local, out var defers))
                _defers[local] = defers = IsOnlyCalledHere(local) && !WritesOutside(body.OriginalOperation, new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default));
            if (!defers)
                return false;

            // What the body enumerates of its own is reported whether or not it is ever called.
            _analysis.Summarize(body, owner);
            _calledDelegates[local] = (body, owner);
            return true;
        }

        /// <summary>
        /// Whether <paramref name="local"/> is given its value where it is declared and otherwise only called, by this
        /// body itself (a call in a lambda or local function of it runs when that one runs).
        /// </summary>
        private bool IsOnlyCalledHere(ILocalSymbol local)
        {
            var declared = false;
            foreach (var operation in _graph.OriginalOperation.Descendants())
            {
                switch (operation)
                {
                    case IVariableDeclaratorOperation declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, local):
                        declared = declarator.GetVariableInitializer() is not null && InThisBody(declarator);
                        break;
                    case ILocalReferenceOperation { Parent: INameOfOperation }:
                        break;   // nameof(total) reads its name only
                    case ILocalReferenceOperation reference when SymbolEqualityComparer.Default.Equals(reference.Local, local):
                        var called = reference.Parent is IInvocationOperation { TargetMethod.MethodKind: MethodKind.DelegateInvoke } invocation && invocation.Instance == reference;
                        if (!(called || SequenceFacts.RunsPerElement(reference)) || !InThisBody(reference))
                        {
                            return false;
                        }

                        break;
                }
            }

            return declared;
        }

        /// <summary>
        /// Whether running <paramref name="function"/> may write a variable it does not declare, or a member other than a new
        /// object's (an object, <c>with</c> or anonymous-type initializer's), itself or through the local functions it calls.
        /// </summary>
        private static bool WritesOutside(IOperation function, HashSet<IMethodSymbol> visited)
        {
            var span = function.Syntax.Span;
            foreach (var operation in function.Descendants())
            {
                switch (operation)
                {
                    case IAssignmentOperation assignment when Outside(assignment.Target):
                    case IIncrementOrDecrementOperation change when Outside(change.Target):
                    case IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } argument when Outside(argument.Value):
                    case IEventAssignmentOperation:
                    case IInvocationOperation { TargetMethod.MethodKind: MethodKind.LocalFunction } call when LocalFunctionWritesOutside(call.TargetMethod):
                    case IMethodReferenceOperation { Method.MethodKind: MethodKind.LocalFunction } reference when LocalFunctionWritesOutside(reference.Method):
                        return true;
                }
            }

            return false;

            bool Outside(IOperation target) => target switch
            {
                ILocalReferenceOperation local => local.Local.IsRef || !DeclaredWithin(local.Local),
                IParameterReferenceOperation parameter => !DeclaredWithin(parameter.Parameter),
                IMemberReferenceOperation { Instance: IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ImplicitReceiver } } => false,
                IArrayElementReferenceOperation element => Outside(element.ArrayReference),
                ITupleOperation tuple => tuple.Elements.Any(Outside),
                IDeclarationExpressionOperation declaration => Outside(declaration.Expression),
                IConversionOperation conversion => Outside(conversion.Operand),
                IDiscardOperation => false,
                _ => true,   // a member, what a call returns by ref, a pointer's target: state others share
            };

            bool DeclaredWithin(ISymbol variable) =>
                variable.Locations.FirstOrDefault() is { IsInSource: true } location
                && location.SourceTree == function.Syntax.SyntaxTree
                && span.Contains(location.SourceSpan);

            // One declared inside the function is among its descendants already.
            bool LocalFunctionWritesOutside(IMethodSymbol method)
            {
                if (!visited.Add(method.OriginalDefinition))
                    return false;

                var declaration = SequenceFacts.RootOf(function).Descendants().OfType<ILocalFunctionOperation>()
                    .FirstOrDefault(f => SymbolEqualityComparer.Default.Equals(f.Symbol, method.OriginalDefinition));
                return declaration is null || (!span.Contains(declaration.Syntax.Span) && WritesOutside(declaration, visited));
            }
        }

        private bool InThisBody(IOperation operation)
        {
            for (var parent = operation.Parent; parent is not null && parent != _graph.OriginalOperation; parent = parent.Parent)
            {
                if (parent is IAnonymousFunctionOperation or ILocalFunctionOperation)
                    return false;
            }

            return true;
        }

        /// <summary>
        /// A delegate local's body, run where the local is made as its calls' stand-in, that assigns what it captures or
        /// writes the database: each call does so again.
        /// </summary>
        private void Remember(ILocalSymbol local, ControlFlowGraph body, ISymbol owner)
        {
            if (_analysis.Summarize(body, owner) is { } writes && (writes.Written.Count > 0 || writes.WritesDatabase))
                _writersCalledHere[local] = (writes, body, owner);
        }

        /// <summary>
        /// Runs the bodies of the delegate locals <paramref name="invocation"/> runs: the one it invokes, and those it hands to
        /// LINQ or <c>ForEach</c>, which run them per element (`keys.Count(allowed)`), as they would a lambda written there.
        /// </summary>
        private void RunCalledDelegates(IInvocationOperation invocation)
        {
            if (CalledDelegate(invocation.Instance) is { } invoked)
            {
                ApplyBody(invoked.Body, invoked.Owner, perElement: false, arguments: invocation.Arguments);
            }
            else if (CapturedValue(invocation.Instance) is { } value && SequenceFacts.DelegateBehind(value) is ILocalReferenceOperation { Local: var local }
                     && _writersCalledHere.TryGetValue(local, out var writer))
            {
                BindWritten(writer.Summary, writer.Body, writer.Owner);
                ApplyWrites(writer.Summary);
            }
            if (!SequenceFacts.RunsDelegatePerElement(invocation.TargetMethod))
                return;
            foreach (var argument in invocation.Arguments)
            {
                if (SequenceFacts.TakesDelegate(argument) && CalledDelegate(argument.Value) is { } handed)
                    ApplyBody(handed.Body, handed.Owner, perElement: !SequenceFacts.RunsOnce(argument));
            }
        }

        private (ControlFlowGraph Body, ISymbol Owner)? CalledDelegate(IOperation? operation)
        {
            // `names.ForEach(check)` with an Action<object> converts it to an Action<string>, the same body.
            return CapturedValue(operation) is { } value && SequenceFacts.DelegateBehind(value) is ILocalReferenceOperation { Local: var local }
                && _calledDelegates.TryGetValue(local, out var called)
                ? called
                : null;
        }

        /// <summary>The value a flow capture stands for (the graph spills a call's receiver or arguments when a later argument branches).</summary>
        private IOperation? CapturedValue(IOperation? operation) =>
            operation is IFlowCaptureReferenceOperation capture && _captured.TryGetValue(capture.Id, out var value) ? value : operation;

        /// <summary>Whether a local function is an iterator: a <c>yield</c> of its own, not of a function inside it.</summary>
        private static bool IsIterator(IMethodSymbol function) =>
            function.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax() is LocalFunctionStatementSyntax { Body: { } body }
            && body.DescendantNodes(static node => node is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)).OfType<YieldStatementSyntax>().Any();

        private void ApplyLocalFunction(IMethodSymbol method, bool perElement, IEnumerable<IArgumentOperation>? arguments = null, bool writesHere = true)
        {
            var body = _graph.GetLocalFunctionControlFlowGraphInScope(method.OriginalDefinition, _analysis._cancellationToken);
            ApplyBody(body, method.OriginalDefinition, perElement, arguments: arguments, writesHere: writesHere);
        }

        private ISymbol? TrackedVariable(IOperation target) => target switch
        {
            IFlowCaptureReferenceOperation capture when _targets.TryGetValue(capture.Id, out var variable)
                => SequenceFacts.KindOf(variable is ILocalSymbol local ? local.Type : ((IParameterSymbol)variable).Type) != SequenceKind.None ? variable : null,
            ILocalReferenceOperation local when SequenceFacts.KindOf(local.Local.Type) != SequenceKind.None => local.Local,
            IParameterReferenceOperation parameter when SequenceFacts.KindOf(parameter.Parameter.Type) != SequenceKind.None => parameter.Parameter,
            _ => null,
        };

        /// <summary>The roots a variable may hold here: its binding, or, never assigned in this body, its own.</summary>
        private HashSet<int> RootsOf(ISymbol symbol)
        {
            if (State.Bindings.TryGetValue(symbol, out var bound))
                return new HashSet<int>(bound.Keys);

            return _analysis.OwnRoot(symbol) is { } own ? new HashSet<int> { own } : new HashSet<int>();
        }

        /// <summary>
        /// The roots that enumerating the value of <paramref name="operation"/> would enumerate.
        /// A value produced here (a call returning a sequence, a deferred operator) is a new root
        /// whose history starts empty.
        /// </summary>
        private HashSet<int> ValueRoots(IOperation? operation)
        {
            switch (operation)
            {
                case null:
                case ILiteralOperation or IDefaultValueOperation:
                case IArrayCreationOperation or IObjectCreationOperation or ICollectionExpressionOperation:
                    return new HashSet<int>();
                case IConversionOperation conversion:
                    // A conversion from a concrete collection (List<T> to IEnumerable<T>) is a
                    // materialized value: enumerating it again is cheap and sees the same items. So is
                    // one to a collection (`xs as IList<T>`): what it gives, if anything, is one.
                    // A cast to a sequence from what is neither one nor a collection (`(IEnumerable<int>)o`, `o as
                    // IEnumerable<int>`) gives a value of unknown make, as `o is IEnumerable<int> xs` does.
                    if (conversion.Conversion.IsIdentity
                        || (conversion.Operand is IFlowCaptureReferenceOperation || SequenceFacts.IsSequenceLike(conversion.Operand.Type)) && SequenceFacts.IsSequenceLike(conversion.Type))
                    {
                        return ValueRoots(conversion.Operand);
                    }

                    var cast = SequenceFacts.KindOf(conversion.Type);
                    return !conversion.Conversion.IsImplicit && conversion.Conversion.IsReference && cast != SequenceKind.None
                        && conversion.Operand.Type is not null && !SequenceFacts.IsCollection(conversion.Operand.Type)
                        ? new HashSet<int> { NewRoot(conversion, cast) }
                        : new HashSet<int>();
                case ILocalReferenceOperation local:
                    return RootsOf(local.Local);
                case IParameterReferenceOperation parameter:
                    return RootsOf(parameter.Parameter);
                case IFlowCaptureReferenceOperation capture:
                    return State.Bindings.TryGetValue(capture.Id, out var captured) ? new HashSet<int>(captured.Keys) : new HashSet<int>();
                case ITranslatedQueryOperation query:
                    return ValueRoots(query.Operation);
                case { } memory when IsInMemory(memory):
                    return new HashSet<int>();
                case IInvocationOperation invocation:
                    switch (_analysis.RoleOf(invocation.TargetMethod))
                    {
                        case MethodRole.Deferred when ViewsMemory(invocation):
                            return new HashSet<int>();
                        case MethodRole.Deferred or MethodRole.EnumeratingAndDeferred:
                            return ChainRoots(invocation);
                        case MethodRole.Unknown when _analysis.ViewedByResult(invocation.TargetMethod) is { } viewed:
                            return ViewRoots(invocation, viewed);
                    }

                    break;
            }

            if (_analysis.PathRoot(operation, _graph) is { } path)
                return new HashSet<int> { path };
            var kind = SequenceFacts.KindOf(operation.Type);
            return kind == SequenceKind.None ? new HashSet<int>() : new HashSet<int> { NewRoot(operation, kind) };
        }

        /// <summary>
        /// The roots of a call to the user's method whose result is a lazy view (see <see cref="ViewedByResult"/>): what
        /// it views, its arguments for its parameters and the variables it captures as they are here, and a value of its
        /// own, new at each call.
        /// </summary>
        private HashSet<int> ViewRoots(IInvocationOperation invocation, ImmutableArray<ISymbol> viewed)
        {
            var roots = new HashSet<int>();
            var called = (invocation.TargetMethod.ReducedFrom ?? invocation.TargetMethod).OriginalDefinition;
            foreach (var variable in viewed)
            {
                // Its own parameter: what the call passes (only a local function views anything else: what it captures, as
                // it is here).
                if (variable is IParameterSymbol parameter && SymbolEqualityComparer.Default.Equals(parameter.ContainingSymbol, called))
                {
                    if (invocation.Arguments.FirstOrDefault(argument => argument.Parameter?.Ordinal == parameter.Ordinal) is { } argument)
                        roots.UnionWith(ValueRoots(argument.Value));
                }
                else if (called.MethodKind == MethodKind.LocalFunction)
                {
                    roots.UnionWith(RootsOf(variable));
                }
            }

            roots.Add(NewRoot(invocation, SequenceFacts.KindOf(invocation.Type)));
            return roots;
        }

        /// <summary>
        /// Whether <paramref name="operation"/> gives what is already in memory, with no root of its own: a lookup's group
        /// (<c>byCustomer[key]</c>), a dictionary's keys or values (IReadOnlyDictionary's are IEnumerable&lt;T&gt;), Dapper's rows
        /// read into a list, what a harmless method returns.
        /// </summary>
        private bool IsInMemory(IOperation operation) => operation switch
        {
            IPropertyReferenceOperation { Property: { IsIndexer: true, ContainingType: { Name: "ILookup" or "Lookup" } lookup } } =>
                SequenceFacts.IsIn(lookup.ContainingNamespace, "System", "Linq"),
            IPropertyReferenceOperation { Property: { IsIndexer: false, Name: "Keys" or "Values" } view } =>
                SequenceFacts.IsDictionary(view.ContainingType) && SequenceFacts.KindOf(view.Type) is SequenceKind.None or SequenceKind.Enumerable,
            IInvocationOperation or IAwaitOperation when SequenceFacts.IsBufferedRows(operation) => true,
            IInvocationOperation invocation => _analysis.RoleOf(invocation.TargetMethod) == MethodRole.Harmless,
            _ => false,
        };

        /// <summary>
        /// Whether <paramref name="invocation"/> is a view (<see cref="SequenceFacts.IsView"/>, or a <c>Cast</c> that
        /// returns its source, <see cref="SequenceFacts.CastsToItsOwnType"/>) of data in memory: of a collection, or of
        /// another such view, or of what is in memory (<see cref="IsInMemory"/>), written out here or held by a variable. AsEnumerable gives its source itself, the others read
        /// it anew: a collection stays one (<c>items.ToAsyncEnumerable().WithCancellation(ct)</c>).
        /// </summary>
        private bool ViewsMemory(IInvocationOperation invocation)
        {
            if (!SequenceFacts.IsView(invocation.TargetMethod)
                && !(_analysis.ModelOf(invocation.Syntax) is { } model && SequenceFacts.CastsToItsOwnType(invocation, model.Compilation)))
            {
                return false;
            }

            // What was written, through conversions between sequence types (Cast's source is a non-generic IEnumerable).
            var source = Sources(invocation).FirstOrDefault();
            while (source is IConversionOperation conversion && SequenceFacts.IsSequenceLike(conversion.Operand.Type))
                source = conversion.Operand;
            switch (source)
            {
                case IConversionOperation { Conversion.IsImplicit: true } collection when !SequenceFacts.IsSequenceLike(collection.Operand.Type):
                    return true;
                case { } memory when IsInMemory(memory):
                    return true;
                case IInvocationOperation inner:
                    return ViewsMemory(inner);
                case { } held and (ILocalReferenceOperation or IParameterReferenceOperation or IFlowCaptureReferenceOperation):
                    return ValueRoots(held).Count == 0;   // a lookup: the roots the variable holds, none for a collection's view
                default:
                    return false;
            }
        }

        /// <summary>
        /// The roots of a deferred link: its sources' and its own. A source that shares a root with an
        /// earlier source of the same link is recorded as a repeat, reported when the link is enumerated
        /// (a query provider composes one execution out of them: no repeat there). A root this very
        /// expression makes is a new value: where an earlier value of the same origin is still held
        /// (`all = all.Concat(Load(id))` in a loop) the two are different values, not a repeat.
        /// </summary>
        private HashSet<int> ChainRoots(IInvocationOperation invocation)
        {
            if (_linkDepth++ == 0)
                _made.Clear();
            try
            {
                var kind = SequenceFacts.KindOf(invocation.Type);
                var chain = kind is SequenceKind.None or SequenceKind.Queryable ? -1 : NewRoot(invocation, kind);
                var first = chain >= 0 ? _made.Count - 1 : _made.Count;
                var roots = new HashSet<int>();
                HashSet<int>? writtenOn = null;
                var repeats = new List<(IOperation Source, HashSet<int> Shared)>();
                foreach (var source in Sources(invocation))
                {
                    var sourceRoots = ValueRoots(source);
                    writtenOn ??= sourceRoots;
                    if (chain >= 0 && kind != SequenceKind.Queryable && sourceRoots.Overlaps(roots))
                    {
                        var shared = new HashSet<int>(sourceRoots);
                        shared.IntersectWith(roots);
                        repeats.Add((source, shared));
                    }

                    roots.UnionWith(sourceRoots);
                }

                foreach (var (source, shared) in repeats)
                {
                    for (var i = first; i < _made.Count; i++)
                        shared.Remove(_made[i]);
                    if (shared.Count > 0)
                        _analysis.AddRepeat(chain, _analysis.SiteFor(source, FindReference(source)), shared);
                }

                if (kind == SequenceKind.Queryable)
                {
                    // A query written out again the same way is the same query (see SameQuery).
                    chain = _analysis.SameQuery(invocation, roots) is { } key
                        ? _analysis.ChainRoot(key, invocation, kind, wholeSet: SequenceFacts.KeepsWholeSet(invocation.TargetMethod) && roots.All(root => _analysis._roots[root].IsWholeSet))
                        : NewRoot(invocation, kind);
                    if (writtenOn is not null)
                        _analysis.NoteLink(chain, writtenOn, roots);
                    return QueryRoots(invocation, chain, roots);
                }

                if (chain >= 0)
                    roots.Add(chain);
                return roots;
            }
            finally
            {
                _linkDepth--;
            }
        }

        /// <summary>
        /// The roots of a query link over <paramref name="sources"/>. Over no query at all (<c>list.AsQueryable()</c>
        /// and what is built on it) it is a view of data in memory: it holds its sources' values, MAGG001's
        /// to judge. A link that keeps the rows (<see cref="SequenceFacts.KeepsRows"/>) executes its source
        /// query when it is executed. Any other link is a different query: executing it is no execution of
        /// the query it was built on, which one query could not have served with it (a facet, a page, a
        /// join), so only the sequences it reads that are not queries are charged.
        /// </summary>
        private HashSet<int> QueryRoots(IInvocationOperation invocation, int chain, HashSet<int> sources)
        {
            if (!sources.Any(root => _analysis._roots[root].IsQueryable))
                return sources;
            if (!SequenceFacts.KeepsRows(invocation.TargetMethod))
            {
                // A page (`q.OrderBy(...).Skip(s).Take(n)`) remembers the query it pages, to tell a
                // page after a total count (MAGG003).
                if (SequenceFacts.Pages(invocation.TargetMethod))
                {
                    var paged = new HashSet<int>();
                    foreach (var root in sources)
                    {
                        if (!_analysis._roots[root].IsQueryable)
                            continue;
                        if (_analysis._pages.TryGetValue(_analysis.MakerOf(root), out var inner))
                            paged.UnionWith(inner);
                        else
                            paged.Add(root);
                    }

                    _analysis._pages[chain] = paged;
                }

                sources.RemoveWhere(root => _analysis._roots[root].IsQueryable);
            }

            sources.Add(chain);
            return sources;
        }

        /// <param name="origin">What makes the value: an operation, or an operation and the variable it gives a value (a call
        /// that may assign several parameters).</param>
        private int NewRoot(object origin, SequenceKind kind)
        {
            var root = _analysis.RootFor(origin, null, kind);

            // A value this expression made before that a variable still holds (`previous = current` in a loop) is
            // another value than the one it makes now: it moves to the root of the earlier values made here, with
            // what each holder saw of it, so that enumerating one does not mark the other.
            State.Rename(root, () => _analysis.EarlierRootFor(origin, root, kind));
            State.HistoryOf(root).Clear();
            if (_linkDepth > 0)
                _made.Add(root);
            return root;
        }

        /// <summary>
        /// The variable or flow capture an operand reads its value from as it is (through conversions
        /// that keep the value), whose view of that value's history counts; null for any other operand.
        /// </summary>
        private static object? HolderOf(IOperation? operation)
        {
            for (var depth = 0; operation is not null && depth < 64; depth++)
            {
                switch (operation)
                {
                    case IConversionOperation conversion when conversion.Conversion.IsIdentity
                                                              || conversion.Operand is IFlowCaptureReferenceOperation
                                                              || SequenceFacts.IsSequenceLike(conversion.Operand.Type):
                        operation = conversion.Operand;
                        break;
                    case ILocalReferenceOperation local:
                        return local.Local;
                    case IParameterReferenceOperation parameter:
                        return parameter.Parameter;
                    case IFlowCaptureReferenceOperation capture:
                        return capture.Id;
                    default:
                        return null;
                }
            }

            return null;
        }

        /// <summary>The variable reference behind an enumerated operand, to name it in the diagnostic.</summary>
        private IOperation? FindReference(IOperation? operation)
        {
            for (var depth = 0; operation is not null && depth < 64; depth++)
            {
                switch (operation)
                {
                    case ILocalReferenceOperation or IParameterReferenceOperation:
                        return operation;
                    case IConversionOperation conversion:
                        operation = conversion.Operand;
                        break;
                    case IFlowCaptureReferenceOperation capture when _capturedInBranches.TryGetValue(capture.Id, out var branches):
                        // The one variable its branches read (`ys ??= Fetch()`: ys, or a new value); of two (`flag ? xs : ys`),
                        // neither is the one enumerated for certain: the whole expression is.
                        var variables = branches.Select(FindReference).OfType<IOperation>().ToList();
                        return variables.Select(Variable).Distinct(SymbolEqualityComparer.Default).Count() == 1 ? variables[0] : null;
                    case IFlowCaptureReferenceOperation capture:
                        operation = _captured.TryGetValue(capture.Id, out var value) ? value : null;
                        break;
                    case ITranslatedQueryOperation query:
                        operation = query.Operation;
                        break;
                    case IInvocationOperation invocation when IsLink(invocation):
                        // Past a link that makes another query (a filter, a join: not an ordering, nor the page a
                        // count was taken of), the variable is not what runs: the chain is (see SameQuery).
                        if (SequenceFacts.KindOf(invocation.Type) == SequenceKind.Queryable
                            && !SequenceFacts.KeepsRows(invocation.TargetMethod)
                            && !SequenceFacts.Pages(invocation.TargetMethod))
                        {
                            return null;
                        }

                        operation = Sources(invocation).FirstOrDefault();
                        break;
                    default:
                        return null;
                }
            }

            return null;
        }
    }
}
