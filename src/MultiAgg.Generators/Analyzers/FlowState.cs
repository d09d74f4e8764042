using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;

namespace MultiAgg.Generators.Analyzers;

/// <summary>
/// What is known at one point of a control flow graph, as a may-analysis (merging two paths
/// takes the union):
/// <list type="bullet">
/// <item><see cref="Bindings"/>: for each tracked local, parameter or flow capture, the sequence
/// values ("roots") it may hold. A root is where a sequence comes from: a parameter, a call that
/// returns one, a deferred LINQ operator. Enumerating a <c>Where</c> chain enumerates its source's
/// roots too.</item>
/// <item><see cref="History"/>: for each root, the enumeration sites that may already have
/// enumerated it on some path reaching this point.</item>
/// </list>
/// A variable with no binding holds its own root (a parameter, a captured variable). Before a path
/// joins another, <see cref="Prune"/> forgets the variables that are dead there and the history of
/// every value no live variable holds: a value nothing can reach cannot be enumerated again, so the
/// sites that enumerated it must not be charged to whatever the variable holds on another path
/// (<c>if (b) ys = A(); else ys = B();</c> in a loop: each iteration's value is enumerated once).
/// </summary>
internal sealed class FlowState
{
    public Dictionary<object, HashSet<int>> Bindings { get; }

    public Dictionary<int, HashSet<int>> History { get; }

    public FlowState()
    {
        Bindings = new Dictionary<object, HashSet<int>>(VariableComparer.Instance);
        History = new Dictionary<int, HashSet<int>>();
    }

    private FlowState(FlowState other)
        : this()
    {
        foreach (var pair in other.Bindings)
            Bindings[pair.Key] = new HashSet<int>(pair.Value);
        foreach (var pair in other.History)
            History[pair.Key] = new HashSet<int>(pair.Value);
    }

    public FlowState Clone() => new(this);

    public HashSet<int> HistoryOf(int root)
    {
        if (!History.TryGetValue(root, out var sites))
            History[root] = sites = new HashSet<int>();
        return sites;
    }

    /// <summary>
    /// Merges another path into this one; true when anything was added. A variable bound on one path
    /// only still holds its own root (<paramref name="implicitRoot"/>) on the other.
    /// </summary>
    public bool UnionWith(FlowState other, Func<ISymbol, int?> implicitRoot)
    {
        var changed = false;
        foreach (var pair in Bindings)
        {
            if (pair.Key is ISymbol symbol && !other.Bindings.ContainsKey(symbol) && implicitRoot(symbol) is { } root)
                changed |= pair.Value.Add(root);
        }

        foreach (var pair in other.Bindings)
        {
            if (pair.Key is ISymbol symbol && !Bindings.ContainsKey(symbol) && implicitRoot(symbol) is { } root)
            {
                Bindings[symbol] = new HashSet<int>(pair.Value) { root };
                changed = true;
            }
        }

        return Union(Bindings, other.Bindings) | Union(History, other.History) | changed;
    }

    /// <summary>
    /// A copy that keeps only the variables <paramref name="isLive"/> accepts and the history of the
    /// values they may hold: through a binding, or, unbound, as their own root
    /// (<paramref name="ownerOf"/> names the variable a root is the own root of).
    /// </summary>
    public FlowState Prune(Func<object, bool> isLive, Func<int, ISymbol?> ownerOf)
    {
        var pruned = new FlowState();
        var reachable = new HashSet<int>();
        foreach (var pair in Bindings)
        {
            if (!isLive(pair.Key))
                continue;
            pruned.Bindings[pair.Key] = new HashSet<int>(pair.Value);
            reachable.UnionWith(pair.Value);
        }

        foreach (var pair in History)
        {
            if (reachable.Contains(pair.Key)
                || (ownerOf(pair.Key) is { } symbol && !pruned.Bindings.ContainsKey(symbol) && isLive(symbol)))
                pruned.History[pair.Key] = new HashSet<int>(pair.Value);
        }

        return pruned;
    }

    private static bool Union<TKey>(Dictionary<TKey, HashSet<int>> target, Dictionary<TKey, HashSet<int>> source)
        where TKey : notnull
    {
        var changed = false;
        foreach (var pair in source)
        {
            if (!target.TryGetValue(pair.Key, out var set))
            {
                target[pair.Key] = new HashSet<int>(pair.Value);
                changed = true;
            }
            else
            {
                var before = set.Count;
                set.UnionWith(pair.Value);
                changed |= set.Count != before;
            }
        }

        return changed;
    }

    /// <summary>Keys are symbols (compared as symbols) or <see cref="CaptureId"/>s.</summary>
    internal sealed class VariableComparer : IEqualityComparer<object>
    {
        public static readonly VariableComparer Instance = new();

        public new bool Equals(object? x, object? y) => x is ISymbol a && y is ISymbol b
            ? SymbolEqualityComparer.Default.Equals(a, b)
            : object.Equals(x, y);

        public int GetHashCode(object obj) => obj is ISymbol symbol
            ? SymbolEqualityComparer.Default.GetHashCode(symbol)
            : obj.GetHashCode();
    }
}
