namespace MultiAgg.Generators.Specs;

/// <summary>
/// The implementation's declaration. <see cref="ConstraintClauses"/> are what it repeats of the declaring part (an override
/// inherits its constraints and may not restate them); <see cref="TypeParameterConstraints"/> are
/// what a type generic over the method's type parameters must declare, the inherited ones included.
/// </summary>
internal sealed record MethodSignatureSpec(
    string Modifiers,
    string ReturnType,
    string Name,
    string TypeParameters,
    EquatableArray<string> ConstraintClauses,
    EquatableArray<string> TypeParameterConstraints,
    EquatableArray<ParameterSpec> Parameters,
    bool IsAsync);

internal sealed record ParameterSpec(string Modifiers, string Type, string Name);
