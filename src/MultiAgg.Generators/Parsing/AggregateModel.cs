using MultiAgg.Generators.Diagnostics;
using MultiAgg.Generators.Specs;

namespace MultiAgg.Generators.Parsing;

/// <summary>
/// What the transform hands on: a spec to emit, or the reasons there is none and, when the compiler accepts the
/// declaration, a body that throws (or all empty). Below C# 9 there is only <see cref="LanguageVersionTooLow"/>,
/// which the generator reports once per project rather than once per method.
/// </summary>
internal sealed record AggregateMethodModel(
    AggregateMethodSpec? Spec,
    RejectedMethodSpec? Rejected,
    EquatableArray<DiagnosticInfo> Diagnostics,
    DiagnosticInfo? LanguageVersionTooLow = null);
