namespace MultiAgg.Generators.Specs;

/// <summary>When an aggregate's result can no longer change, so the loop may stop early (a transducer's "reduced").</summary>
internal enum Completion
{
    Never,

    /// <summary>First/FirstOrDefault: once it has a value.</summary>
    HasValue,

    /// <summary>Any: once it is true.</summary>
    WhenTrue,

    /// <summary>All: once it is false.</summary>
    WhenFalse,

    /// <summary>An <c>ICompletableAccumulator</c>: once <c>IsComplete</c> says so.</summary>
    IsComplete,

    /// <summary>Min of <c>float</c>/<c>double</c>: once it is NaN, as LINQ's Min returns at the first NaN it reads.</summary>
    AtNaN,
}
