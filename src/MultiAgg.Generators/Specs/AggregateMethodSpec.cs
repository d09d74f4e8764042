namespace MultiAgg.Generators.Specs;

// Everything the emitter needs, as plain values: types are fully qualified `global::` strings and
// no ISymbol, SyntaxNode or Location is held, so the incremental pipeline can compare specs by value.

/// <summary>One [Aggregate] partial method: where it lives, its signature, and what its loop computes.</summary>
/// <remarks>
/// <paramref name="Vectorized"/> is set when the whole loop can run on <c>Vector&lt;T&gt;</c>s of the source (see the vector emitter);
/// <paramref name="Grouping"/> when [GroupBy] makes every aggregate a per-key one, and <paramref name="Result"/> then describes one key's results.
/// <paramref name="QueryRowType"/>, for a query source, is the class each group's row is projected into, declared beside the method.
/// <paramref name="Parallel"/> is set when a <c>ParallelOptions</c> parameter makes the method aggregate blocks on several workers.
/// <paramref name="MemberPrefix"/> starts the members of the types declared beside the method (a key's record, a block's
/// state, an element's values, a query's row), which are generic over the method's type parameters: empty, unless a type
/// parameter's name does not start with a capital letter, as those members' names do not (a member named like its type's
/// type parameter is CS0102).
/// <paramref name="SuppressedIds"/> are the IDs of the diagnostics the <c>[Experimental]</c> and <c>[Obsolete]</c> APIs the file
/// names give, which it suppresses.
/// </remarks>
internal sealed record AggregateMethodSpec(
    string HintName,
    string? Namespace,
    EquatableArray<ContainingTypeSpec> ContainingTypes,
    MethodSignatureSpec Signature,
    SourceSpec Source,
    string? CancellationTokenName,
    ResultSpec Result,
    EquatableArray<AggregateAttributeSpec> Attributes,
    string LocalPrefix,
    bool UsesGenericMath,
    VectorElement? Vectorized,
    GroupingSpec? Grouping = null,
    string? QueryRowType = null,
    ParallelSpec? Parallel = null,
    string MemberPrefix = "",
    EquatableArray<string> SuppressedIds = default);
