namespace MultiAgg.Generators.Specs;

internal enum ResultKind
{
    /// <summary>The method returns the one aggregate's value.</summary>
    Single,

    /// <summary>The method returns a tuple literal of all values.</summary>
    Tuple,

    /// <summary>The method returns <c>new T(values...)</c>.</summary>
    Constructor,
}

internal sealed record ResultSpec(ResultKind Kind, string? ConstructedType);
