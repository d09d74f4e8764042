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

    /// <summary>Merges another path into this one; true when anything was added.</summary>
    public bool UnionWith(FlowState other) => Union(Bindings, other.Bindings) | Union(History, other.History);

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
    private sealed class VariableComparer : IEqualityComparer<object>
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
