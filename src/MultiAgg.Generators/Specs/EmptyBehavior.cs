namespace MultiAgg.Generators.Specs;

/// <summary>What happens when an aggregate that needs a value saw none.</summary>
internal enum EmptyBehavior
{
    /// <summary>The aggregate is defined on empty input (Count, Sum).</summary>
    NotApplicable,

    /// <summary>Throw <c>InvalidOperationException</c>, as LINQ does for non-nullable results.</summary>
    Throw,

    /// <summary>Return null (a nullable result).</summary>
    Null,

    /// <summary>A <c>T?</c> result of an unconstrained type parameter: null when <c>T</c> is a reference type, else throw (LINQ's rule).</summary>
    NullUnlessValueType,
}
