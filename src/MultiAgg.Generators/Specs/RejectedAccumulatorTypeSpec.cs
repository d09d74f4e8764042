namespace MultiAgg.Generators.Specs;

/// <summary>
/// An accumulator type MultiAgg reported errors for, though it knows what the type declares. It gets the interface's
/// members, each throwing with those errors' messages, so the build shows only the MAGG errors (no CS0535 "does not
/// implement interface member" beside them), and an error lowered to a warning fails loudly when the type is used.
/// </summary>
/// <param name="Members">The members to write: those of <c>Add</c>, <c>Result</c>, <c>Merge</c> and <c>IsComplete</c> the type asks for and does not declare.</param>
/// <param name="NarrowedAccessibility">As <see cref="AccumulatorTypeSpec.NarrowedAccessibility"/>: what <c>Add</c> and
/// <c>Result</c> are declared where public ones would add CS0051 or CS0053 beside the MAGG errors.</param>
internal sealed record RejectedAccumulatorTypeSpec(
    string HintName,
    string? Namespace,
    EquatableArray<ContainingTypeSpec> ContainingTypes,
    string TypeName,
    string ValueType,
    string ResultType,
    EquatableArray<string> Members,
    string Message,
    string? NarrowedAccessibility,
    EquatableArray<string> SuppressedIds = default);
