namespace MultiAgg.Generators.Specs;

/// <summary>How a value is skipped when it is null.</summary>
internal enum NullKind
{
    /// <summary>Values cannot be null.</summary>
    None,

    /// <summary><c>Nullable&lt;T&gt;</c>: skip when <c>!HasValue</c>, aggregate <c>GetValueOrDefault()</c>.</summary>
    NullableValueType,

    /// <summary>A reference type or unconstrained type parameter: skip when <c>is null</c>.</summary>
    Reference,
}

/// <summary>
/// The value an attribute aggregates. <paramref name="Expression"/> reads it from the element,
/// written as <c>{0}</c>; <paramref name="NonNullType"/> is the type left once nulls are skipped;
/// <paramref name="Name"/> says what it is, for the local that holds it (<c>total</c> for <c>Of = "Total"</c>,
/// <c>customerAge</c> for <c>"Customer.Age"</c>, <c>value</c> for the element itself).
/// </summary>
internal sealed record ValueSpec(string Expression, string Type, NullKind Nulls, string NonNullType, string Name)
{
    public bool IsElement => Expression == "{0}";
}
