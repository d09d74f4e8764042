using System.Linq;
using Microsoft.CodeAnalysis;
using MultiAgg.Generators.Diagnostics;
using MultiAgg.Generators.Parsing;
using MultiAgg.Generators.Specs;

namespace MultiAgg.Generators;

public sealed partial class AggregateGenerator
{
    /// <summary>User-defined accumulators: <c>[Aggregate(typeof(TAccumulator))]</c>.</summary>
    internal sealed partial class Parser
    {
        /// <summary>
        /// Checks that <paramref name="accumulator"/> can be created and fed, and picks its
        /// <c>IAccumulator&lt;TValue, TResult&gt;</c>: the one whose <c>TValue</c> takes the values as they
        /// are (nulls included), or else the non-null values; its <c>TResult</c> must fit the result slot.
        /// </summary>
        private AggregateSpec? ChooseCustomAccumulator(ITypeSymbol accumulator, ResolvedValue value, ResultSlot slot, int index, SyntaxNode? syntax)
        {
            AggregateSpec? Invalid(string why)
            {
                Report(DiagnosticDescriptors.InvalidAccumulator, syntax?.GetLocation(), Display(accumulator), why);
                return null;
            }

            if (accumulator is not INamedTypeSymbol { TypeKind: TypeKind.Struct or TypeKind.Class } named)
            {
                return Invalid("it must be a struct or a class");
            }

            if (named.IsUnboundGenericType || named.IsAbstract || named.IsStatic)
            {
                return Invalid(named.IsUnboundGenericType ? "it is an open generic type; give its type arguments" : "it cannot be created (abstract or static)");
            }

            var constructible = named.TypeKind == TypeKind.Struct
                || named.InstanceConstructors.Any(c => c.Parameters.Length == 0 && _compilation.IsSymbolAccessibleWithin(c, _declaration!.Owner));
            if (!constructible)
            {
                return Invalid("it needs a parameterless constructor the containing type can call");
            }

            var implementations = named.AllInterfaces
                .Where(i => KnownTypes.Is(i, _knownTypes.IAccumulator))
                .ToList();
            if (implementations.Count == 0)
            {
                return Invalid("it does not implement MultiAgg.IAccumulator<TValue, TResult>");
            }

            // Values as they are first; then non-null values, skipping nulls as the built-in aggregates do.
            var (chosen, accumulatorKind) = (implementations.FirstOrDefault(i => IsImplicit(value.Type, i.TypeArguments[0])), AccumulatorKind.Custom);
            if (chosen is null && value.Spec.Nulls != NullKind.None)
            {
                (chosen, accumulatorKind) = (implementations.FirstOrDefault(i => IsImplicit(value.NonNullType, i.TypeArguments[0])), AccumulatorKind.CustomNonNull);
            }

            if (chosen is null)
            {
                var accepted = string.Join(", ", implementations.Select(static i => "'" + Display(i.TypeArguments[0]) + "'"));
                return Invalid($"it takes {accepted}, not the '{Display(value.Type)}' values this attribute selects");
            }

            var produced = chosen.TypeArguments[1];
            if (!IsImplicit(produced, slot.Type))
            {
                Report(DiagnosticDescriptors.ResultTypeMismatch, slot.Syntax?.GetLocation(), slot.Name, Display(slot.Type),
                    "the result of " + Display(accumulator), Display(value.Type), $"declare it '{Display(produced)}'");
                return null;
            }

            var completable = named.AllInterfaces.Any(i => KnownTypes.Is(i, _knownTypes.ICompletableAccumulator));
            return new AggregateSpec(
                AggregateKind.Custom,
                accumulatorKind,
                Type(named),
                named.IsValueType,
                Type(slot.Type),
                ResultConversion: null,
                EmptyBehavior.NotApplicable,
                NullResult: null,
                index,
                Completion: completable ? Completion.IsComplete : Completion.Never);
        }
    }
}
