namespace MultiAgg.Generators.Specs;

/// <summary>A type enclosing the method, outermost first, as "{Declaration} {NameWithTypeParameters}" (e.g. "ref partial struct S").</summary>
internal sealed record ContainingTypeSpec(string Declaration, string NameWithTypeParameters);
