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
/// values ("roots") it may hold, each with the enumeration sites that may already have enumerated it
/// on the paths where the variable holds it. A root is where a sequence comes from: a parameter, a
/// call that returns one, a deferred LINQ operator. Enumerating a <c>Where</c> chain enumerates its
/// source's roots too.</item>
/// <item><see cref="History"/>: for each root, the enumeration sites that may already have
/// enumerated it on some path reaching this point, whoever held it.</item>
/// </list>
/// A variable with no binding holds its own root (a parameter, a captured variable), seen through
/// <see cref="History"/>. Enumerating through a bound variable consults what that variable has seen:
/// after <c>if (b) { ys.Sum(); ys = Next(); }</c> the old value's enumeration is not charged to the
/// value <c>ys</c> holds on the other path. Before a path joins another, <see cref="Prune"/> forgets
/// the variables that are dead there and the history of every value no live variable holds: a value
/// nothing can reach cannot be enumerated again (<c>if (b) ys = A(); else ys = B();</c> in a loop:
/// each iteration's value is enumerated once).
/// </summary>
internal sealed class FlowState
{
    public Dictionary<object, Dictionary<int, HashSet<int>>> Bindings { get; }

    public Dictionary<int, HashSet<int>> History { get; }

    /// <summary>
    /// For a nullable local given a value here (<c>int? count = null; if (b) count = q.Count();</c>): whether it
    /// may be null, and the enumeration sites that may have run on a path where it may be null. At
    /// <c>count ?? q.Count()</c> the path where <c>count</c> is null saw none of the others: they gave it a
    /// value. A local written any other way has no entry (nothing is known).
    /// </summary>
    public Dictionary<ISymbol, NullFact> NullFacts { get; }

    public FlowState()
    {
        Bindings = new Dictionary<object, Dictionary<int, HashSet<int>>>(VariableComparer.Instance);
        History = new Dictionary<int, HashSet<int>>();
        NullFacts = new Dictionary<ISymbol, NullFact>(SymbolEqualityComparer.Default);
    }

    private FlowState(FlowState other)
        : this()
    {
        foreach (var pair in other.Bindings)
            Bindings[pair.Key] = Copy(pair.Value);
        foreach (var pair in other.History)
            History[pair.Key] = new HashSet<int>(pair.Value);
        foreach (var pair in other.NullFacts)
            NullFacts[pair.Key] = new NullFact(pair.Value.MayBeNull, new HashSet<int>(pair.Value.Sites));
    }

    /// <summary>A nullable local is written: with a value that is never null, or one that may be.</summary>
    public void AssignNullable(ISymbol local, bool neverNull)
    {
        var sites = new HashSet<int>();
        if (!neverNull)
        {
            // Whatever ran before may have run on a path where the local is now null.
            foreach (var seen in History.Values)
                sites.UnionWith(seen);
            foreach (var binding in Bindings.Values)
            {
                foreach (var seen in binding.Values)
                    sites.UnionWith(seen);
            }
        }

        NullFacts[local] = new NullFact(!neverNull, sites);
    }

    /// <summary>
    /// The state on the path where <paramref name="local"/> is null: without the sites <paramref name="applies"/>
    /// accepts that ran only where it is not.
    /// </summary>
    public FlowState WhereNull(ISymbol local, Func<int, bool> applies)
    {
        if (!NullFacts.TryGetValue(local, out var fact))
            return this;

        var state = Clone();
        foreach (var seen in state.History.Values)
            seen.RemoveWhere(site => applies(site) && !fact.Sites.Contains(site));
        foreach (var binding in state.Bindings.Values)
        {
            foreach (var seen in binding.Values)
                seen.RemoveWhere(site => applies(site) && !fact.Sites.Contains(site));
        }

        return state;
    }

    public FlowState Clone() => new(this);

    /// <summary>The state on a path where <paramref name="variable"/> is known to hold a collection: no sequence value of its own.</summary>
    public FlowState AsCollection(object variable)
    {
        var state = Clone();
        state.Bindings[variable] = new Dictionary<int, HashSet<int>>();
        return state;
    }

    public HashSet<int> HistoryOf(int root)
    {
        if (!History.TryGetValue(root, out var sites))
            History[root] = sites = new HashSet<int>();
        return sites;
    }

    /// <summary>
    /// Forgets every execution of <paramref name="root"/>, as each variable holding it saw them too: what it gives now is
    /// new (a query's table written between two counts, <c>orders</c> in <c>var orders = db.Orders;</c> included).
    /// </summary>
    public void Forget(int root)
    {
        HistoryOf(root).Clear();
        foreach (var binding in Bindings.Values)
        {
            if (binding.TryGetValue(root, out var seen))
                seen.Clear();
        }
    }

    /// <summary>
    /// Binds <paramref name="variable"/> to <paramref name="roots"/>, each with the sites that have
    /// enumerated it as seen through <paramref name="from"/> (the variable the value is read from), or
    /// by anyone when it comes from no bound variable.
    /// </summary>
    public void Bind(object variable, HashSet<int> roots, object? from)
    {
        var source = from is not null && Bindings.TryGetValue(from, out var bound) ? bound : null;
        var binding = new Dictionary<int, HashSet<int>>();
        foreach (var root in roots)
        {
            binding[root] = source is not null && source.TryGetValue(root, out var seen)
                ? new HashSet<int>(seen)
                : new HashSet<int>(HistoryOf(root));
        }

        Bindings[variable] = binding;
    }

    /// <summary>The sites that may have enumerated <paramref name="root"/> before, as seen through <paramref name="holder"/> when it is bound.</summary>
    public HashSet<int> EarlierSites(int root, object? holder) =>
        holder is not null && Bindings.TryGetValue(holder, out var binding) && binding.TryGetValue(root, out var seen)
            ? seen
            : HistoryOf(root);

    /// <summary>
    /// Where a variable holds <paramref name="root"/>, it holds the root <paramref name="renamed"/> gives instead, with
    /// the same sites seen (added to what it may hold of that root already), and that root's history takes this one's.
    /// </summary>
    public void Rename(int root, Func<int> renamed)
    {
        int? to = null;
        foreach (var binding in Bindings.Values)
        {
            if (!binding.TryGetValue(root, out var seen))
                continue;
            to ??= renamed();
            binding.Remove(root);
            Union(binding, to.Value, seen);
        }

        if (to is { } target && History.TryGetValue(root, out var history))
            HistoryOf(target).UnionWith(history);
    }

    /// <summary>Records that <paramref name="sites"/> enumerate <paramref name="root"/>, for everyone who may hold it.</summary>
    public void Enumerated(int root, ICollection<int> sites)
    {
        HistoryOf(root).UnionWith(sites);
        foreach (var fact in NullFacts.Values)
        {
            if (fact.MayBeNull)
                fact.Sites.UnionWith(sites);
        }

        foreach (var binding in Bindings.Values)
        {
            if (binding.TryGetValue(root, out var seen))
                seen.UnionWith(sites);
        }
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
                changed |= Union(pair.Value, root, other.History.TryGetValue(root, out var seen) ? seen : null);
        }

        foreach (var pair in other.Bindings)
        {
            if (!Bindings.TryGetValue(pair.Key, out var binding))
            {
                Bindings[pair.Key] = binding = Copy(pair.Value);
                changed = true;
                if (pair.Key is ISymbol symbol && implicitRoot(symbol) is { } root)
                    Union(binding, root, History.TryGetValue(root, out var seen) ? seen : null);
                continue;
            }

            foreach (var entry in pair.Value)
                changed |= Union(binding, entry.Key, entry.Value);
        }

        // A nullable local is known only where every path knows it.
        foreach (var local in new List<ISymbol>(NullFacts.Keys))
        {
            var fact = NullFacts[local];
            if (!other.NullFacts.TryGetValue(local, out var theirs))
            {
                NullFacts.Remove(local);
                changed = true;
                continue;
            }

            var before = fact.Sites.Count;
            fact.Sites.UnionWith(theirs.Sites);
            changed |= fact.Sites.Count != before || (theirs.MayBeNull && !fact.MayBeNull);
            fact.MayBeNull |= theirs.MayBeNull;
        }

        foreach (var pair in other.History)
        {
            if (!History.TryGetValue(pair.Key, out var sites))
            {
                History[pair.Key] = new HashSet<int>(pair.Value);
                changed = true;
            }
            else
            {
                var before = sites.Count;
                sites.UnionWith(pair.Value);
                changed |= sites.Count != before;
            }
        }

        return changed;
    }

    /// <summary>
    /// A copy that keeps only the variables <paramref name="isLive"/> accepts and the history of the
    /// values they may hold: through a binding, or, unbound, as their own root
    /// (<paramref name="ownerOf"/> names the variable a root is the own root of), and of the values no
    /// variable holds that are read again wherever they are read (<paramref name="isLasting"/>: a member path's query).
    /// </summary>
    public FlowState Prune(Func<object, bool> isLive, Func<int, ISymbol?> ownerOf, Func<int, bool> isLasting)
    {
        var pruned = new FlowState();
        var reachable = new HashSet<int>();
        foreach (var pair in Bindings)
        {
            if (!isLive(pair.Key))
                continue;
            pruned.Bindings[pair.Key] = Copy(pair.Value);
            reachable.UnionWith(pair.Value.Keys);
        }

        foreach (var pair in NullFacts)
        {
            if (isLive(pair.Key))
                pruned.NullFacts[pair.Key] = new NullFact(pair.Value.MayBeNull, new HashSet<int>(pair.Value.Sites));
        }

        foreach (var pair in History)
        {
            if (reachable.Contains(pair.Key)
                || isLasting(pair.Key)
                || (ownerOf(pair.Key) is { } symbol && !pruned.Bindings.ContainsKey(symbol) && isLive(symbol)))
            {
                pruned.History[pair.Key] = new HashSet<int>(pair.Value);
            }
        }

        return pruned;
    }

    private static bool Union(Dictionary<int, HashSet<int>> binding, int root, HashSet<int>? seen)
    {
        if (!binding.TryGetValue(root, out var sites))
        {
            binding[root] = seen is null ? new HashSet<int>() : new HashSet<int>(seen);
            return true;
        }

        if (seen is null)
            return false;
        var before = sites.Count;
        sites.UnionWith(seen);
        return sites.Count != before;
    }

    private static Dictionary<int, HashSet<int>> Copy(Dictionary<int, HashSet<int>> binding)
    {
        var copy = new Dictionary<int, HashSet<int>>(binding.Count);
        foreach (var pair in binding)
            copy[pair.Key] = new HashSet<int>(pair.Value);
        return copy;
    }

    internal sealed class NullFact
    {
        public NullFact(bool mayBeNull, HashSet<int> sites)
        {
            MayBeNull = mayBeNull;
            Sites = sites;
        }

        public bool MayBeNull { get; set; }

        public HashSet<int> Sites { get; }
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
