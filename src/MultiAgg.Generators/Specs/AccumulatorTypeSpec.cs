namespace MultiAgg.Generators.Specs;

/// <summary>
/// A partial struct or class marked [Aggregate] that declares <c>IAccumulator&lt;TValue, TResult&gt;</c>: its state
/// becomes fields, and MultiAgg writes <c>Add</c> (one element's updates), <c>Result</c>, and <c>Merge</c> and
/// <c>IsComplete</c> when the type declares <c>IMergeableAccumulator</c> or <c>ICompletableAccumulator</c>.
/// </summary>
/// <param name="ContainingTypes">The types enclosing the accumulator type, outermost first, and the type itself last.</param>
/// <param name="TypeName">The type as its own members name it (<c>OrderStats</c>, <c>Stats&lt;T&gt;</c>).</param>
/// <param name="IsValueType">A struct, whose <c>default</c> is the empty state; a class starts empty from its field initializers.</param>
/// <param name="IsCopied">A struct or a record class: assigning the one, <c>with</c> on the other, copies every field, so the copy
/// shares what those fields reference.</param>
/// <param name="ValueType">What <c>Add</c> takes: <c>TValue</c>, the element every attribute reads.</param>
/// <param name="ResultType">What <c>Result</c> returns: <c>TResult</c>, or the per-key dictionary with [GroupBy].</param>
/// <param name="Printing">For a record, the <c>PrintMembers</c> MultiAgg writes for its <c>ToString()</c>; null for any
/// other type, and for a record that declares its own.</param>
/// <param name="NarrowedAccessibility">Where the type is more accessible than its <c>TValue</c> or <c>TResult</c>, the
/// accessibility of <c>Add</c> and <c>Result</c> (<c>internal</c>, <c>private</c>), which then implement the interface's
/// explicitly; null where they are public.</param>
internal sealed record AccumulatorTypeSpec(
    string HintName,
    string? Namespace,
    EquatableArray<ContainingTypeSpec> ContainingTypes,
    string TypeName,
    bool IsValueType,
    bool IsCopied,
    string ValueType,
    string ResultType,
    ResultSpec Result,
    EquatableArray<AggregateAttributeSpec> Attributes,
    GroupingSpec? Grouping,
    string LocalPrefix,
    bool UsesGenericMath,
    bool IsMergeable,
    bool IsCompletable,
    PrintMembersSpec? Printing,
    EquatableArray<string> SuppressedIds = default,
    string? NarrowedAccessibility = null);
