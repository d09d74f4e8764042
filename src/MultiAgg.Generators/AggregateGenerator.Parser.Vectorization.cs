using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using MultiAgg.Generators.Model;

namespace MultiAgg.Generators;

public sealed partial class AggregateGenerator
{
    /// <summary>Whether the loop can read the source a <c>Vector&lt;T&gt;</c> at a time.</summary>
    internal sealed partial class Parser
    {
        /// <summary>
        /// The loop is vectorized when the source can be contiguous memory of a primitive number, every
        /// attribute aggregates the element itself without a filter, every aggregate has a lane-wise form
        /// that is bit-identical to the scalar loop (a floating-point sum adds each vector's elements in
        /// order unless <c>AllowReordering</c> lets it keep lanes), and the consumer's framework has the APIs it uses.
        /// </summary>
        private VectorElement? ChooseVectorization(ParsedSource source, ITypeSymbol elementType, List<AggregateGroupSpec> groups)
        {
            if (source.SpanExpression is null && !source.MayBeContiguous)
            {
                return null;
            }

            if (VectorElementOf(elementType) is not { } element || !HasVectorApis())
            {
                return null;
            }

            var isFloating = element is VectorElement.Single or VectorElement.Double;
            var elementName = Type(elementType);
            foreach (var group in groups)
            {
                if (group.FilterExpression is not null || !group.Value.IsElement)
                {
                    return null;
                }

                foreach (var aggregate in group.Aggregates)
                {
                    var lanewise = aggregate.Arithmetic switch
                    {
                        Arithmetic.Counter => true,
                        Arithmetic.ExactSigned or Arithmetic.ExactUnsigned => !isFloating,
                        Arithmetic.Floating => true,   // in order inside the vector loop, or in lanes with AllowReordering
                        Arithmetic.Ordered => !isFloating && aggregate.AccumulatorType == elementName,
                        Arithmetic.OrderedFloating => isFloating && aggregate.AccumulatorType == elementName,
                        _ => false,
                    };
                    if (!lanewise)
                    {
                        return null;
                    }
                }
            }

            // Counting needs no lanes and a sum in order gains nothing from them: only vectorize for real lane work.
            var hasLaneWork = groups.Any(g => g.Aggregates.Any(a =>
                a.Arithmetic is not (Arithmetic.Counter or Arithmetic.Floating) || (a.Arithmetic == Arithmetic.Floating && g.AllowReordering && isFloating)));
            return hasLaneWork ? element : null;
        }

        private static VectorElement? VectorElementOf(ITypeSymbol type) => type.SpecialType switch
        {
            SpecialType.System_SByte => VectorElement.SByte,
            SpecialType.System_Byte => VectorElement.Byte,
            SpecialType.System_Int16 => VectorElement.Int16,
            SpecialType.System_UInt16 => VectorElement.UInt16,
            SpecialType.System_Int32 => VectorElement.Int32,
            SpecialType.System_UInt32 => VectorElement.UInt32,
            SpecialType.System_Int64 => VectorElement.Int64,
            SpecialType.System_UInt64 => VectorElement.UInt64,
            SpecialType.System_Single => VectorElement.Single,
            SpecialType.System_Double => VectorElement.Double,
            _ => null,
        };

        /// <summary>
        /// <c>Vector.Sum</c> (.NET 6) is the newest API the vector loop calls; where it exists, so do
        /// <c>Widen</c>, <c>ConditionalSelect</c> and <c>MemoryMarshal.Cast</c>.
        /// </summary>
        private bool HasVectorApis() =>
            _compilation.GetTypeByMetadataName("System.Numerics.Vector")?.GetMembers("Sum").Any() == true
            && _compilation.GetTypeByMetadataName("System.Runtime.InteropServices.MemoryMarshal")?.GetMembers("Cast").Any() == true
            && _compilation.GetTypeByMetadataName("System.ReadOnlySpan`1") is not null;
    }
}
