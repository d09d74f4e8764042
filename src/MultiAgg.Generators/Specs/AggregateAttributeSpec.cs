namespace MultiAgg.Generators.Specs;

/// <summary>
/// One [Aggregate] attribute: a value to read per element, an optional filter, and its aggregates.
/// <paramref name="AllowReordering"/> lets its floating-point sums add in any order.
/// </summary>
internal sealed record AggregateAttributeSpec(
    string Description,
    ValueSpec Value,
    string? FilterExpression,
    bool AllowReordering,
    EquatableArray<AggregateSpec> Aggregates);
