using Microsoft.CodeAnalysis;
using MultiAgg.Generators.Diagnostics;
using MultiAgg.Generators.Specs;

namespace MultiAgg.Generators;

public sealed partial class AggregateGenerator
{
    /// <summary>What every built-in accumulator family is asked, and the three ways it can answer.</summary>
    internal sealed partial class Parser
    {
        /// <summary>
        /// One built-in aggregate as an attribute asks for it: its kind, the values it reads and the result slot it
        /// fills. Every accumulator family answers it in one of three ways: a <see cref="Spec"/>, a declared result
        /// type that does not fit (<see cref="Mismatch"/>), or an aggregate these values cannot have
        /// (<see cref="NotApplicable"/>).
        /// </summary>
        private sealed class AggregateRequest
        {
            private readonly Parser _parser;
            private readonly ResultSlot _slot;
            private readonly SyntaxNode? _syntax;

            public AggregateRequest(Parser parser, AggregateKind kind, ResolvedValue value, ResultSlot slot, int index, SyntaxNode? syntax)
            {
                _parser = parser;
                _slot = slot;
                _syntax = syntax;
                Kind = kind;
                Value = value;
                Index = index;
                ResultIsNullable = IsNullableResult(Result);
                ResultBase = Result is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } n ? n.TypeArguments[0] : Result;
            }

            public AggregateKind Kind { get; }

            public ResolvedValue Value { get; }

            /// <summary>The values without their null, which the built-in aggregates skip.</summary>
            public ITypeSymbol Values => Value.NonNullType;

            /// <summary>The result slot this aggregate fills.</summary>
            public int Index { get; }

            /// <summary>The declared result type.</summary>
            public ITypeSymbol Result => _slot.Type;

            /// <summary>The declared result type without its <c>Nullable&lt;T&gt;</c>.</summary>
            public ITypeSymbol ResultBase { get; }

            /// <summary>Whether the declared result says "null when there is no value".</summary>
            public bool ResultIsNullable { get; }

            /// <summary>
            /// The usual spec: an accumulator of type <paramref name="accumulator"/>, and the declared result's rule for empty
            /// input unless <paramref name="empty"/> says otherwise. <paramref name="produced"/> is what the aggregate gives
            /// (the values, unless it picks an element): an oblivious reference result (nullable context disabled) is
            /// null on empty only where LINQ's overload for those is (<c>TSource? Max&lt;TSource&gt;</c> of a reference or
            /// nullable type), not where it throws (<c>int Max(IEnumerable&lt;int&gt;)</c>, boxed into an <c>object</c>).
            /// </summary>
            public AggregateSpec Spec(AccumulatorKind accumulatorKind, ITypeSymbol accumulator, string? conversion = null, EmptyBehavior? empty = null, ITypeSymbol? produced = null)
            {
                var obliviousOverValues = Result is { IsValueType: false, NullableAnnotation: NullableAnnotation.None } and not ITypeParameterSymbol
                    && (produced ?? Value.Type) is { IsValueType: true } values && values.OriginalDefinition.SpecialType != SpecialType.System_Nullable_T;
                var behavior = empty ?? (ResultIsNullable && !obliviousOverValues ? EmptyBehavior.Null : EmptyBehavior.Throw);
                if (behavior == EmptyBehavior.Null && Result is ITypeParameterSymbol { IsReferenceType: false })
                {
                    // LINQ's 'TSource? Max<TSource>' returns null for reference types and throws for value types.
                    behavior = EmptyBehavior.NullUnlessValueType;
                }

                // An oblivious reference result (nullable context disabled) still means "null on empty", as in LINQ;
                // the generated file is #nullable enable, so that null needs a '!' to stay warning-free.
                var nullResult = behavior is not (EmptyBehavior.Null or EmptyBehavior.NullUnlessValueType)
                    ? null
                    : $"default({_parser.Type(Result)})" + (!Result.IsValueType && Result.NullableAnnotation != NullableAnnotation.Annotated ? "!" : "");
                return new(Kind, accumulatorKind, _parser.Type(accumulator), accumulator.IsValueType, _parser.Type(Result), conversion, behavior, nullResult, Index);
            }

            /// <summary>Reports, at the result, that the declared result type cannot hold this aggregate; <paramref name="advice"/> says what to declare.</summary>
            public AggregateSpec? Mismatch(string advice)
            {
                _parser.Report(DiagnosticDescriptors.ResultTypeMismatch, _slot.Syntax?.GetLocation(), _slot.Name, Display(Result), "the " + Kind, Display(Value.Type), advice);
                return null;
            }

            /// <summary>Reports, at the aggregate, that it does not apply to these values.</summary>
            public AggregateSpec? NotApplicable(string why)
            {
                _parser.Report(DiagnosticDescriptors.AggregateNotApplicable, _syntax?.GetLocation(), Kind.ToString(), Display(Value.Type), why);
                return null;
            }
        }
    }
}
