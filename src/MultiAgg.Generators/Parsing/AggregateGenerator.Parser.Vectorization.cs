using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using MultiAgg.Generators.Specs;

namespace MultiAgg.Generators;

public sealed partial class AggregateGenerator
{
    /// <summary>Whether the loop can read the source a <c>Vector&lt;T&gt;</c> at a time.</summary>
    internal sealed partial class Parser
    {
        /// <summary>The vector loop: the element it reads whole vectors of, and the attributes with each aggregate's lanes.</summary>
        private sealed record VectorPlan(VectorElement Element, List<AggregateAttributeSpec> Attributes);

        /// <summary>
        /// The loop is vectorized when the source can be contiguous memory of a primitive number, every
        /// attribute aggregates the element itself without a filter, every aggregate has a lane plan that
        /// is bit-identical to the scalar loop, and the consumer's framework has the APIs the loop uses.
        /// Then the plan holds <paramref name="attributes"/> with each aggregate's <see cref="LaneKind"/>; otherwise it is null.
        /// </summary>
        private VectorPlan? PlanVectorLoop(ParsedSource source, ITypeSymbol elementType, List<AggregateAttributeSpec> attributes)
        {
            if ((source.SpanExpression is null && !source.MayBeContiguous) || VectorElementOf(elementType) is not { } element || !_knownTypes.HasVectorApis)
            {
                return null;
            }

            var elementName = Type(elementType);
            var planned = new List<AggregateAttributeSpec>();
            foreach (var attribute in attributes)
            {
                if (attribute.FilterExpression is not null || !attribute.Value.IsElement)
                {
                    return null;
                }

                var aggregates = new List<AggregateSpec>();
                foreach (var aggregate in attribute.Aggregates)
                {
                    if (LanesOf(aggregate, element, elementName, attribute.AllowReordering) is not { } lanes)
                    {
                        return null;
                    }

                    aggregates.Add(aggregate with { Lanes = lanes });
                }

                planned.Add(attribute with { Aggregates = aggregates.ToEquatableArray() });
            }

            // Counting needs no lanes and a sum in order gains nothing from them: vectorize for real lane work only.
            if (!planned.Any(static attribute => attribute.Aggregates.Any(static aggregate => aggregate.Lanes is not (LaneKind.Count or LaneKind.SequentialSum))))
            {
                return null;
            }

            return new VectorPlan(element, planned);
        }

        private static LaneKind? LanesOf(AggregateSpec aggregate, VectorElement element, string elementName, bool allowReordering)
        {
            var isFloating = element is VectorElement.Single or VectorElement.Double;
            var is64Bit = element is VectorElement.Int64 or VectorElement.UInt64;
            return aggregate.Accumulator switch
            {
                AccumulatorKind.Counter => LaneKind.Count,
                AccumulatorKind.ExactSigned or AccumulatorKind.ExactUnsigned when !isFloating => is64Bit ? LaneKind.WrappingSum : LaneKind.WidenedSum,
                AccumulatorKind.Floating => isFloating && allowReordering ? LaneKind.ReorderedSum : LaneKind.SequentialSum,
                AccumulatorKind.Ordered when !isFloating && aggregate.AccumulatorType == elementName => LaneKind.MinMax,
                AccumulatorKind.OrderedFloating when isFloating && aggregate.AccumulatorType == elementName => LaneKind.FloatingMinMax,
                _ => null,
            };
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
    }
}
