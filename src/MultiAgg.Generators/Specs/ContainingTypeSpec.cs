namespace MultiAgg.Generators.Specs;

/// <summary>
/// A type enclosing the method, outermost first, as "{Declaration} {NameWithTypeParameters}" (e.g. "ref partial struct S"),
/// with an <paramref name="Attribute"/> line the generated part adds to it, if any.
/// </summary>
internal sealed record ContainingTypeSpec(string Declaration, string NameWithTypeParameters, string? Attribute = null);
