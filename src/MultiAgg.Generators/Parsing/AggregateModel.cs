using MultiAgg.Generators.Diagnostics;
using MultiAgg.Generators.Specs;

namespace MultiAgg.Generators.Parsing;

/// <summary>
/// What the transform hands on for one [Aggregate] target: a spec to emit (a method's or an accumulator type's), or the
/// reasons there is none and, when the compiler accepts a method's declaration, a body that throws (or all empty).
/// Below C# 9 there is only <see cref="LanguageVersionTooLow"/>, which the generator reports once per project rather
/// than once per declaration.
/// </summary>
internal sealed record AggregateModel(
    AggregateMethodSpec? MethodSpec,
    RejectedMethodSpec? Rejected,
    EquatableArray<DiagnosticInfo> Diagnostics,
    DiagnosticInfo? LanguageVersionTooLow = null,
    AccumulatorTypeSpec? TypeSpec = null,
    RejectedAccumulatorTypeSpec? RejectedType = null);
