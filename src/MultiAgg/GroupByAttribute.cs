using System;

namespace MultiAgg;

/// <summary>
/// Turns every aggregate of an <see cref="AggregateAttribute"/> method into a per-key one: the method
/// returns <c>Dictionary&lt;TKey, TResult&gt;</c> (or <c>IReadOnlyDictionary&lt;TKey, TResult&gt;</c>,
/// <c>IDictionary&lt;TKey, TResult&gt;</c>) with one entry per distinct key, in the order the keys are
/// first seen (over an <c>IQueryable&lt;T&gt;</c>, the order the database returns its groups), each holding that key's
/// results as the ungrouped method would return them.
/// </summary>
/// <remarks>
/// <para>
/// The result equals <c>source.GroupBy(key).ToDictionary(g =&gt; g.Key, g =&gt; &lt;aggregates of g&gt;)</c>,
/// computed in one pass with one accumulator record per key. As <c>ToDictionary</c> does, a null key
/// throws <see cref="ArgumentNullException"/>, after the whole source has been read.
/// </para>
/// <para>
/// To compare keys with something other than <c>EqualityComparer&lt;TKey&gt;.Default</c>, give the method
/// a parameter of type <c>IEqualityComparer&lt;TKey&gt;</c>; it groups the keys and is the returned
/// dictionary's comparer (null means the default comparer).
/// </para>
/// </remarks>
/// <example>
/// <code>
/// [GroupBy(nameof(Order.Region))]
/// [Aggregate(Sum, Max, Of = nameof(Order.Total))]
/// [Aggregate(Count)]
/// public static partial Dictionary&lt;string, (decimal Revenue, decimal Largest, int Orders)&gt; ByRegion(IEnumerable&lt;Order&gt; orders);
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Struct | AttributeTargets.Class)]
public sealed class GroupByAttribute : Attribute
{
    /// <summary>Groups the method's aggregates by <paramref name="key"/>.</summary>
    /// <param name="key">
    /// The key of each element, resolved like <see cref="AggregateAttribute.Of"/>: a property, field or
    /// parameterless method of the element type (a dotted path is allowed), or a method of the containing type.
    /// </param>
    public GroupByAttribute(string key)
    {
        Key = key;
    }

    /// <summary>The name of the key member or method.</summary>
    public string Key { get; }
}
