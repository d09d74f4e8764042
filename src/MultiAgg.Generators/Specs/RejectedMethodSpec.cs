namespace MultiAgg.Generators.Specs;

/// <summary>
/// A partial method MultiAgg reported errors for, though the compiler accepts its declaration. It gets a body that
/// throws with those errors' messages, so the build shows only the MAGG errors (no CS8795 "partial method must have
/// an implementation" beside each), and an error lowered to a warning fails loudly when the method is called.
/// </summary>
internal sealed record RejectedMethodSpec(
    string HintName,
    string? Namespace,
    EquatableArray<ContainingTypeSpec> ContainingTypes,
    MethodSignatureSpec Signature,
    string Message,
    EquatableArray<string> SuppressedIds = default);
