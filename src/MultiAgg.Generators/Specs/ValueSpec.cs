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
/// <remarks>
/// Expressions of the element (a value's, a filter's, a key's) are written with placeholders the emitter fills where it
/// writes them: <c>{0}</c> the element, and in an awaited selector's call <c>{1}</c> its token and <c>{2}</c> whether it
/// continues on the captured context (see <see cref="Awaits"/>).
/// </remarks>
internal sealed record ValueSpec(string Expression, string Type, NullKind Nulls, string NonNullType, string Name)
{
    /// <summary>How an awaited selector's task is awaited, <c>{2}</c> filled by the emitter.</summary>
    public const string AwaitTail = ".ConfigureAwait({2})";

    public bool IsElement => Expression == "{0}";

    /// <summary>Whether an expression of the element awaits a selector.</summary>
    public static bool Awaits(string expression) => expression.Contains(AwaitTail);
}
