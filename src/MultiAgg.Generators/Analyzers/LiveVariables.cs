using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace MultiAgg.Generators.Analyzers;

/// <summary>
/// Which variables of one <see cref="ControlFlowGraph"/> may still be read at the start of each block
/// (a backward may-analysis). <see cref="EnumerationFlowAnalysis"/> forgets a variable where it is dead,
/// and with it the values only that variable held: the value a loop-body local, a pattern variable or
/// a variable about to be reassigned held in the previous iteration is gone, not enumerated again.
/// <para>
/// Only sequence variables this graph declares (locals, the owner's parameters) and flow captures are
/// followed. Anything else is always live: variables of an enclosing body (a lambda's graph sees them
/// as captured), and variables a lambda or local function in this graph reads or writes, since it
/// may run at any later point. Being live more often than needed only costs precision, never a report.
/// </para>
/// </summary>
internal sealed class LiveVariables
{
    private readonly HashSet<object> _followed;
    private readonly HashSet<object>[] _liveIn;

    private LiveVariables(HashSet<object> followed, HashSet<object>[] liveIn)
    {
        _followed = followed;
        _liveIn = liveIn;
    }

    /// <summary>Whether <paramref name="variable"/> (a symbol or a <see cref="CaptureId"/>) may be read from the start of block <paramref name="ordinal"/> on.</summary>
    public bool IsLiveAt(int ordinal, object variable) =>
        !_followed.Contains(variable) || _liveIn[ordinal].Contains(variable);

    /// <param name="graph">The graph.</param>
    /// <param name="owner">The lambda or local function the graph is the body of; null for a member body.</param>
    /// <param name="targets">Captures that stand for an assignment's target variable.</param>
    public static LiveVariables Compute(ControlFlowGraph graph, ISymbol? owner, Dictionary<CaptureId, ISymbol> targets)
    {
        var blocks = graph.Blocks;
        var followed = new HashSet<object>(FlowState.VariableComparer.Instance);
        CollectFollowed(graph.Root, followed);
        foreach (var block in blocks)
        {
            var operations = block.BranchValue is { } branchValue ? block.Operations.Add(branchValue) : block.Operations;
            foreach (var operation in operations)
            {
                foreach (var node in operation.DescendantsAndSelf())
                {
                    switch (node)
                    {
                        case IFlowCaptureOperation capture:
                            followed.Add(capture.Id);
                            break;
                        case IParameterReferenceOperation parameter
                            when IsOwnParameter(graph, parameter.Parameter, owner) && SequenceFacts.KindOf(parameter.Parameter.Type) != SequenceKind.None:
                            followed.Add(parameter.Parameter);
                            break;
                    }
                }
            }
        }

        // Whatever a lambda or local function touches may be read whenever it runs.
        foreach (var function in graph.OriginalOperation.Descendants())
        {
            if (function is not (IAnonymousFunctionOperation or ILocalFunctionOperation))
                continue;
            foreach (var node in function.Descendants())
            {
                switch (node)
                {
                    case ILocalReferenceOperation local:
                        followed.Remove(local.Local);
                        break;
                    case IParameterReferenceOperation parameter:
                        followed.Remove(parameter.Parameter);
                        break;
                }
            }
        }

        var uses = new HashSet<object>[blocks.Length];
        var defs = new HashSet<object>[blocks.Length];
        foreach (var block in blocks)
        {
            var scanner = new BlockScanner(followed, targets);
            foreach (var operation in block.Operations)
                scanner.Visit(operation);
            if (block.BranchValue is { } branchValue)
                scanner.Visit(branchValue);
            uses[block.Ordinal] = scanner.Uses;
            defs[block.Ordinal] = scanner.Defs;
        }

        var (successors, handlers) = Successors(graph);
        var liveIn = new HashSet<object>[blocks.Length];
        for (var i = 0; i < blocks.Length; i++)
            liveIn[i] = new HashSet<object>(FlowState.VariableComparer.Instance);

        // Backward, to the least fixed point: sets only grow.
        var changed = true;
        while (changed)
        {
            changed = false;
            for (var ordinal = blocks.Length - 1; ordinal >= 0; ordinal--)
            {
                var live = new HashSet<object>(FlowState.VariableComparer.Instance);
                foreach (var successor in successors[ordinal])
                    live.UnionWith(successor < 0 ? followed : liveIn[successor]);
                live.ExceptWith(defs[ordinal]);
                live.UnionWith(uses[ordinal]);

                // An exception may leave the block before any of its writes.
                foreach (var handler in handlers[ordinal])
                    live.UnionWith(liveIn[handler]);

                if (!live.SetEquals(liveIn[ordinal]))
                {
                    liveIn[ordinal] = live;
                    changed = true;
                }
            }
        }

        return new LiveVariables(followed, liveIn);
    }

    // An initializer reads a primary constructor's parameters, which the initializers after it read too.
    private static bool IsOwnParameter(ControlFlowGraph graph, IParameterSymbol parameter, ISymbol? owner) =>
        owner is null
            ? parameter.ContainingSymbol is IMethodSymbol { MethodKind: not (MethodKind.LocalFunction or MethodKind.AnonymousFunction) }
                && graph.OriginalOperation is not (IFieldInitializerOperation or IPropertyInitializerOperation)
            : SymbolEqualityComparer.Default.Equals(parameter.ContainingSymbol, owner);

    private static void CollectFollowed(ControlFlowRegion region, HashSet<object> followed)
    {
        foreach (var local in region.Locals)
        {
            if (SequenceFacts.KindOf(local.Type) != SequenceKind.None && !local.IsRef)
                followed.Add(local);
        }

        foreach (var nested in region.NestedRegions)
            CollectFollowed(nested, followed);
    }

    /// <summary>
    /// Each block's successors, as <see cref="EnumerationFlowAnalysis"/> follows them: branches (through
    /// the finally blocks they run) and, for the end of a finally, wherever the branches that run it
    /// continue (-1: an unknown continuation); apart, the handlers any point of a try block may throw into.
    /// </summary>
    private static (List<int>[] Successors, List<int>[] Handlers) Successors(ControlFlowGraph graph)
    {
        var blocks = graph.Blocks;
        var successors = new List<int>[blocks.Length];
        var handlers = new List<int>[blocks.Length];
        var finallyContinuations = new Dictionary<ControlFlowRegion, HashSet<int>>();
        for (var i = 0; i < blocks.Length; i++)
        {
            successors[i] = new List<int>();
            handlers[i] = new List<int>();
        }

        foreach (var block in blocks)
        {
            foreach (var branch in new[] { block.ConditionalSuccessor, block.FallThroughSuccessor })
            {
                if (branch?.Destination is not { } destination)
                    continue;
                if (branch.FinallyRegions.IsEmpty)
                {
                    successors[block.Ordinal].Add(destination.Ordinal);
                    continue;
                }

                successors[block.Ordinal].Add(branch.FinallyRegions[0].FirstBlockOrdinal);
                for (var i = 0; i < branch.FinallyRegions.Length; i++)
                {
                    var region = branch.FinallyRegions[i];
                    if (!finallyContinuations.TryGetValue(region, out var set))
                        finallyContinuations[region] = set = new HashSet<int>();
                    set.Add(i + 1 < branch.FinallyRegions.Length ? branch.FinallyRegions[i + 1].FirstBlockOrdinal : destination.Ordinal);
                }
            }

            for (var region = block.EnclosingRegion; region is { Kind: not ControlFlowRegionKind.Root }; region = region.EnclosingRegion)
            {
                if (region.Kind != ControlFlowRegionKind.Try || region.EnclosingRegion is null)
                    continue;
                foreach (var handler in region.EnclosingRegion.NestedRegions)
                {
                    if (handler != region)
                        handlers[block.Ordinal].Add(handler.FirstBlockOrdinal);
                }
            }
        }

        foreach (var block in blocks)
        {
            if (block.FallThroughSuccessor is not { Semantics: ControlFlowBranchSemantics.StructuredExceptionHandling })
                continue;

            // The end of a finally continues where the branches that ran it were going; an exception
            // leaving it, or the end of a catch or filter we cannot place, could go anywhere.
            var region = block.EnclosingRegion;
            while (region is { Kind: ControlFlowRegionKind.LocalLifetime })
                region = region.EnclosingRegion;
            if (region is { Kind: ControlFlowRegionKind.Finally } && finallyContinuations.TryGetValue(region, out var continuations))
                successors[block.Ordinal].AddRange(continuations);
            else if (region is { Kind: ControlFlowRegionKind.Finally or ControlFlowRegionKind.Filter })
                successors[block.Ordinal].Add(-1);
        }

        return (successors, handlers);
    }

    /// <summary>Collects, in evaluation order, the followed variables a block reads before it writes them, and those it writes.</summary>
    private sealed class BlockScanner
    {
        private readonly HashSet<object> _followed;
        private readonly Dictionary<CaptureId, ISymbol> _targets;

        public BlockScanner(HashSet<object> followed, Dictionary<CaptureId, ISymbol> targets)
        {
            _followed = followed;
            _targets = targets;
        }

        public HashSet<object> Uses { get; } = new(FlowState.VariableComparer.Instance);

        public HashSet<object> Defs { get; } = new(FlowState.VariableComparer.Instance);

        public void Visit(IOperation operation)
        {
            switch (operation)
            {
                case IFlowAnonymousFunctionOperation:
                    // What a lambda touches is always live (see Compute).
                    return;
                case ISimpleAssignmentOperation { IsRef: false } assignment when Variable(assignment.Target) is { } target:
                    Visit(assignment.Value);
                    Define(target);
                    return;
                case ISimpleAssignmentOperation { IsRef: false, Target: IFlowCaptureReferenceOperation through } assignment
                    when _targets.TryGetValue(through.Id, out var variable):
                    Visit(assignment.Value);
                    Use(through.Id);
                    Define(variable);
                    return;
                case IFlowCaptureOperation capture when _targets.ContainsKey(capture.Id):
                    // Captures the variable about to be written: no read of it.
                    Define(capture.Id);
                    return;
                case IFlowCaptureOperation capture:
                    Visit(capture.Value);
                    Define(capture.Id);
                    return;
                case IFlowCaptureReferenceOperation reference:
                    Use(reference.Id);
                    return;
                case ILocalReferenceOperation local:
                    Use(local.Local);
                    return;
                case IParameterReferenceOperation parameter:
                    Use(parameter.Parameter);
                    return;
                case IIsPatternOperation isPattern:
                    // A pattern binds its variables anew every time it matches.
                    Visit(isPattern.Value);
                    foreach (var pattern in isPattern.Pattern.DescendantsAndSelf().OfType<IPatternOperation>())
                    {
                        if (EnumerationFlowAnalysis.DeclaredVariable(pattern) is { } declared)
                            Define(declared);
                    }

                    return;
                case IDeconstructionAssignmentOperation deconstruction:
                    VisitTargetParts(deconstruction.Target);
                    Visit(deconstruction.Value);
                    foreach (var target in EnumerationFlowAnalysis.DeconstructedVariables(deconstruction.Target))
                    {
                        if (Variable(target) is { } written)
                            Define(written);
                    }

                    return;
                case IArgumentOperation { Parameter.RefKind: RefKind.Out } argument when Variable(EnumerationFlowAnalysis.SkipDeclaration(argument.Value)) is { } written:
                    Define(written);
                    return;
            }

            foreach (var child in operation.ChildOperations)
                Visit(child);
        }

        /// <summary>What a deconstruction's target reads besides the variables it writes (<c>(items[i], rest) = ...</c>).</summary>
        private void VisitTargetParts(IOperation target)
        {
            switch (EnumerationFlowAnalysis.SkipDeclaration(target))
            {
                case ITupleOperation tuple:
                    foreach (var element in tuple.Elements)
                        VisitTargetParts(element);
                    break;
                case ILocalReferenceOperation or IParameterReferenceOperation:
                    break;
                case var other:
                    Visit(other);
                    break;
            }
        }

        private static ISymbol? Variable(IOperation operation) => operation switch
        {
            ILocalReferenceOperation local => local.Local,
            IParameterReferenceOperation parameter => parameter.Parameter,
            _ => null,
        };

        private void Use(object variable)
        {
            if (_followed.Contains(variable) && !Defs.Contains(variable))
                Uses.Add(variable);
        }

        private void Define(object variable)
        {
            if (_followed.Contains(variable))
                Defs.Add(variable);
        }
    }
}
