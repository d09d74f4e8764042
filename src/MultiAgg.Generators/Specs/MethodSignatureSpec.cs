namespace MultiAgg.Generators.Specs;

/// <summary>
/// The implementation's declaration. <see cref="ConstraintClauses"/> are what it repeats of the declaring part (an override
/// inherits its constraints and may not restate them); <see cref="TypeParameterConstraints"/> are
/// what a type generic over the method's type parameters must declare, the inherited ones included. <see cref="IsObsolete"/>:
/// the method itself is <c>[Obsolete]</c> (not only a type around it), so that the types generated beside it are too, and
/// may name what its code may (a type <c>[Obsolete]</c> as an error, CS0619 elsewhere).
/// </summary>
internal sealed record MethodSignatureSpec(
    string Modifiers,
    string ReturnType,
    string Name,
    string TypeParameters,
    EquatableArray<string> ConstraintClauses,
    EquatableArray<string> TypeParameterConstraints,
    EquatableArray<ParameterSpec> Parameters,
    AsyncShape Async,
    bool DeclaresGeneratedCode = false,
    bool IsObsolete = false)
{
    public bool IsAsync => Async != AsyncShape.None;
}

internal sealed record ParameterSpec(string Modifiers, string Type, string Name);

/// <summary>Where an async implementation awaits.</summary>
internal enum AsyncShape
{
    /// <summary>The method returns its results: it does not await.</summary>
    None,

    /// <summary>
    /// The method checks its arguments, then returns the task of a local async function that does the rest, so a null
    /// source throws at the call, as LINQ's async operators do, not when the task is awaited.
    /// </summary>
    LocalFunction,

    /// <summary>The same, in a static method: the local function is <c>static</c>, since it captures nothing.</summary>
    StaticLocalFunction,

    /// <summary>
    /// The method itself is <c>async</c>, its argument checks failing the task: a struct's instance method, whose
    /// <c>this</c> no local function may use (CS1673).
    /// </summary>
    Method,
}
