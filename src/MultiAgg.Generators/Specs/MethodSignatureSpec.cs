namespace MultiAgg.Generators.Specs;

internal sealed record MethodSignatureSpec(
    string Modifiers,
    string ReturnType,
    string Name,
    string TypeParameters,
    EquatableArray<string> ConstraintClauses,
    EquatableArray<ParameterSpec> Parameters,
    bool IsAsync);

internal sealed record ParameterSpec(string Modifiers, string Type, string Name);
