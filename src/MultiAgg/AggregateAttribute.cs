using System;

namespace MultiAgg;

/// <summary>
/// Asks the MultiAgg source generator to implement the annotated <c>partial</c> method as one
/// fused loop that computes every requested aggregate in a single pass over its first parameter.
/// </summary>
/// <remarks>
/// <para>
/// Results are assigned in order: attributes in source order and, within one attribute, the
/// aggregates in the order written. The return type is the single value (one aggregate in all),
/// a tuple, or a type whose constructor takes the values in that order.
/// </para>
/// <para>
/// <see cref="Of"/> and <see cref="Where"/> apply to the aggregates of their own attribute only,
/// like SQL's <c>SUM(x) FILTER (WHERE p)</c>.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// [Aggregate(Sum, Max, Of = nameof(Order.Total))]
/// [Aggregate(Count, Where = nameof(Order.IsPaid))]
/// public static partial (decimal Revenue, decimal Largest, int Paid) Summarize(IEnumerable&lt;Order&gt; orders);
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Struct | AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class AggregateAttribute : Attribute
{
    /// <summary>Requests the given aggregates, computed over the values this attribute selects.</summary>
    /// <param name="aggregates">The aggregates, in the order their results appear in the return value.</param>
    public AggregateAttribute(params Agg[] aggregates)
    {
        Aggregates = aggregates ?? Array.Empty<Agg>();
    }

    /// <summary>
    /// Requests a user-defined aggregate: <paramref name="accumulator"/> is a struct or class with a
    /// parameterless constructor implementing <see cref="IAccumulator{TValue, TResult}"/>. The loop
    /// creates one, calls <c>Add</c> with each value this attribute selects (nulls are skipped unless
    /// <c>TValue</c> accepts them) and returns <c>Result</c>; a struct is never boxed.
    /// </summary>
    /// <param name="accumulator">The accumulator type, e.g. <c>typeof(KahanNeumaierSum)</c>.</param>
    public AggregateAttribute(Type accumulator)
    {
        Aggregates = Array.Empty<Agg>();
        Accumulator = accumulator;
    }

    /// <summary>The requested aggregates, in order (empty for a user-defined accumulator).</summary>
    public Agg[] Aggregates { get; }

    /// <summary>The user-defined accumulator type, or null when <see cref="Aggregates"/> are requested.</summary>
    public Type? Accumulator { get; }

    /// <summary>
    /// The value to aggregate: the name of a property, field or parameterless method of the
    /// element type (a dotted path such as <c>"Customer.Age"</c> is allowed), or of a method of the
    /// containing type whose first parameter takes the element and whose further parameters are
    /// matched by name to the partial method's parameters (a <c>CancellationToken</c> parameter is given the method's
    /// token). In an async method that method may return <c>Task&lt;T&gt;</c> or <c>ValueTask&lt;T&gt;</c>, awaited per
    /// element. Without it the element itself is aggregated. An accumulator type's <c>Of</c> is a member of the
    /// element or a static method of one parameter.
    /// </summary>
    public string? Of { get; set; }

    /// <summary>
    /// A filter for this attribute's aggregates: the name of a <see cref="bool"/> member of the
    /// element type, or of a predicate method of the containing type, resolved like <see cref="Of"/>.
    /// </summary>
    public string? Where { get; set; }

    /// <summary>
    /// Lets this attribute's floating-point <c>Sum</c> and <c>Average</c> add in any order, so that
    /// over contiguous memory (arrays, spans, <c>List&lt;T&gt;</c>) they are computed with SIMD in several
    /// partial sums. The result can then differ from LINQ's left-to-right sum: usually in the last bits, but where
    /// large values of opposite sign cancel, a different order can give a wholly different value, or an infinity
    /// where LINQ's sum stays finite (or the reverse).
    /// </summary>
    /// <remarks>
    /// Off by default: <c>float</c>/<c>double</c> sums are added left to right and are bit-identical to
    /// System.Linq's (a method with a <c>ParallelOptions</c> parameter adds each block's sum to the ones before it, in
    /// block order, so its sums can differ in the last bits). The setting does not change integral sums, which are
    /// exact whatever the order, nor <c>decimal</c> sums, always added left to right; <c>Min</c>, <c>Max</c> and
    /// <c>Count</c> are vectorized without it.
    /// </remarks>
    public bool AllowReordering { get; set; }
}
