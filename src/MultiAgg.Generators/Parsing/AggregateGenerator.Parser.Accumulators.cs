using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using MultiAgg.Generators.Diagnostics;
using MultiAgg.Generators.Model;
using MultiAgg.Generators.Parsing;

namespace MultiAgg.Generators;

public sealed partial class AggregateGenerator
{
    /// <summary>The accumulator each aggregate needs, from its value type and declared result type.</summary>
    internal sealed partial class Parser
    {
        // ---- Accumulators: the value type and the declared result type choose the arithmetic -----------

        /// <summary>
        /// Where System.Linq's own Average of this attribute's values starts its floating-point sum (see
        /// <see cref="SumStart"/>): <c>AverageAsync</c> and LINQ's span path (the element itself, not null, of a
        /// <c>T[]</c> or <c>List&lt;T&gt;</c>) start at +0.0; selectors, filters, nullable values, enumerators
        /// and groupings start from the first value.
        /// </summary>
        private static SumStart AverageStart(ParsedSource source, AttributeInput group, bool grouped, bool isAsync) =>
            (grouped, isAsync, plain: group.Value.Spec.IsElement && group.Filter is null && group.Value.Spec.Nulls == NullKind.None) switch
            {
                (grouped: true, _, _) => SumStart.FirstValue,
                (_, isAsync: true, _) => SumStart.Zero,
                (_, _, plain: false) => SumStart.FirstValue,
                _ when source.LinqReadsSpan => SumStart.Zero,
                _ when source.MayBeContiguous => SumStart.ZeroForArraysAndLists,
                _ => SumStart.FirstValue,
            };

        /// <summary>
        /// Types whose MinValue and MaxValue are values like any other: of equal values, which the first-wins rule
        /// would tell apart, there is only one (decimal's extremes have no other scale).
        /// </summary>
        private static bool HasBounds(ITypeSymbol type) =>
            Is32BitsOrFewer(type) || type.SpecialType is SpecialType.System_Int64 or SpecialType.System_UInt64 or SpecialType.System_Decimal;

        /// <summary>Integers (and <c>char</c>) of 32 bits or fewer: fewer than 2^31 of them cannot take a <c>long</c> sum past its range.</summary>
        private static bool Is32BitsOrFewer(ITypeSymbol type) => type.SpecialType is
            SpecialType.System_SByte or SpecialType.System_Byte or SpecialType.System_Int16 or SpecialType.System_UInt16 or
            SpecialType.System_Int32 or SpecialType.System_UInt32 or SpecialType.System_Char;

        private AggregateSpec? ChooseAccumulator(AggregateKind kind, ResolvedValue value, ResultSlot slot, int index, SyntaxNode? aggregateSyntax, ITypeSymbol elementType)
        {
            var result = slot.Type;
            var resultIsNullable = IsNullableResult(result);
            var resultBase = result is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } n ? n.TypeArguments[0] : result;
            var values = value.NonNullType;
            var valuesName = Display(value.NonNullType);

            AggregateSpec Spec(AccumulatorKind accumulatorKind, ITypeSymbol accumulator, string? conversion = null, EmptyBehavior? empty = null)
            {
                var behavior = empty ?? (resultIsNullable ? EmptyBehavior.Null : EmptyBehavior.Throw);
                if (behavior == EmptyBehavior.Null && result is ITypeParameterSymbol { IsReferenceType: false })
                {
                    // LINQ's 'TSource? Max<TSource>' returns null for reference types and throws for value types.
                    behavior = EmptyBehavior.NullUnlessValueType;
                }

                // An oblivious reference result (nullable context disabled) still means "null on empty", as in LINQ;
                // the generated file is #nullable enable, so that null needs a '!' to stay warning-free.
                var nullResult = behavior is not (EmptyBehavior.Null or EmptyBehavior.NullUnlessValueType)
                    ? null
                    : $"default({Type(result)})" + (!result.IsValueType && result.NullableAnnotation != NullableAnnotation.Annotated ? "!" : "");
                return new(kind, accumulatorKind, Type(accumulator), accumulator.IsValueType, Type(result), conversion, behavior, nullResult, index);
            }

            AggregateSpec? Mismatch(string advice)
            {
                Report(DiagnosticDescriptors.ResultTypeMismatch, slot.Syntax?.GetLocation(), slot.Name, Display(result), "the " + kind, Display(value.Type), advice);
                return null;
            }

            AggregateSpec? NotApplicable(string why)
            {
                Report(DiagnosticDescriptors.AggregateNotApplicable, aggregateSyntax?.GetLocation(), kind.ToString(), Display(value.Type), why);
                return null;
            }

            switch (kind)
            {
                case AggregateKind.MinBy:
                case AggregateKind.MaxBy:
                {
                    if (value.Spec.IsElement)
                    {
                        return NotApplicable($"{kind} needs a key: name it with Of ({kind}(x => x.Key))");
                    }

                    if (values is not ITypeParameterSymbol && !Implements(values, _knownTypes.IComparableOfT) && !Implements(values, _knownTypes.IComparable))
                    {
                        return NotApplicable("its key implements neither IComparable<T> nor IComparable");
                    }

                    if (!IsImplicit(elementType, resultBase) && !IsImplicit(elementType, result))
                    {
                        return Mismatch($"declare it '{Display(elementType)}', the element type (or '{Display(elementType)}?' for null on empty input)");
                    }

                    return Spec(AccumulatorKind.KeyedPick, elementType) with { KeyType = Type(values), KeyMayBeNull = value.Spec.Nulls != NullKind.None };
                }

                case AggregateKind.CountDistinct:
                {
                    if (result.SpecialType is not (SpecialType.System_Int32 or SpecialType.System_Int64))
                    {
                        return Mismatch("declare it 'int' (or 'long')");
                    }

                    return new AggregateSpec(kind, AccumulatorKind.Distinct, Type(value.Type), false, Type(result), null, EmptyBehavior.NotApplicable, null, index);
                }

                case AggregateKind.First:
                case AggregateKind.FirstOrDefault:
                case AggregateKind.Last:
                case AggregateKind.LastOrDefault:
                {
                    // Every value, null or not, as LINQ's Select(of).First() sees them.
                    if (!IsImplicit(value.Type, result))
                    {
                        return Mismatch($"declare it '{Display(value.Type)}'");
                    }

                    var orDefault = kind is AggregateKind.FirstOrDefault or AggregateKind.LastOrDefault;
                    var isFirst = kind is AggregateKind.First or AggregateKind.FirstOrDefault;
                    return new AggregateSpec(
                        kind,
                        AccumulatorKind.Pick,
                        Type(value.Type),
                        value.Type.IsValueType,
                        Type(result),
                        ResultConversion: null,
                        orDefault ? EmptyBehavior.Null : EmptyBehavior.Throw,
                        orDefault ? $"default({Type(result)})" + (result.IsValueType ? "" : "!") : null,
                        index,
                        Completion: isFirst ? Completion.HasValue : Completion.Never);
                }

                case AggregateKind.Any:
                case AggregateKind.All:
                {
                    if (result.SpecialType != SpecialType.System_Boolean)
                    {
                        return Mismatch("declare it 'bool'");
                    }

                    var isAny = kind == AggregateKind.Any;
                    var completion = isAny ? Completion.WhenTrue : Completion.WhenFalse;
                    if (isAny && value.Spec.IsElement)
                    {
                        // Any() without Of: "has elements", whatever they are.
                        return new AggregateSpec(kind, AccumulatorKind.Presence, "bool", true, "bool", null, EmptyBehavior.NotApplicable, null, index, Completion: completion);
                    }

                    if (value.Type.SpecialType != SpecialType.System_Boolean)
                    {
                        return NotApplicable(value.Spec.IsElement
                            ? "All needs bool values: name a bool member with Of (All(x => x.Member))"
                            : $"{kind} with Of needs a bool value (not '{Display(value.Type)}')");
                    }

                    return new AggregateSpec(kind, AccumulatorKind.Predicate, "bool", true, "bool", null, EmptyBehavior.NotApplicable, null, index, Completion: completion);
                }

                case AggregateKind.Variance:
                case AggregateKind.VarianceP:
                case AggregateKind.StdDev:
                case AggregateKind.StdDevP:
                {
                    if (NumericKindOf(values) == NumericKind.None)
                    {
                        return NotApplicable("it is not a number (variance and standard deviation are computed as double)");
                    }

                    if (resultBase.SpecialType != SpecialType.System_Double)
                    {
                        return Mismatch("declare it 'double' (or 'double?' for null when there are too few values)");
                    }

                    if (_knownTypes.Welford is not { } welford)
                    {
                        return NotApplicable("the referenced MultiAgg library is older than this generator (it lacks MultiAgg.Accumulators.Welford)");
                    }

                    return Spec(AccumulatorKind.Moments, welford);
                }

                case AggregateKind.Count:
                case AggregateKind.LongCount:
                {
                    var allowed = kind == AggregateKind.Count
                        ? result.SpecialType is SpecialType.System_Int32 or SpecialType.System_Int64
                        : result.SpecialType is SpecialType.System_Int64;
                    return allowed
                        ? Spec(AccumulatorKind.Counter, result, empty: EmptyBehavior.NotApplicable)
                        : Mismatch(kind == AggregateKind.Count ? "declare it 'int' (or 'long')" : "declare it 'long'");
                }

                case AggregateKind.Sum:
                case AggregateKind.Average:
                {
                    var isSum = kind == AggregateKind.Sum;
                    EmptyBehavior? empty = isSum ? EmptyBehavior.NotApplicable : null;   // Sum of nothing is 0
                    var numeric = NumericKindOf(values);
                    var target = NumericKindOf(resultBase);
                    if (numeric is NumericKind.Signed or NumericKind.Unsigned)
                    {
                        // Integers add up exactly in 64 bits of their own signedness.
                        var (exact, total) = numeric == NumericKind.Signed
                            ? (AccumulatorKind.ExactSigned, SpecialType.System_Int64)
                            : (AccumulatorKind.ExactUnsigned, SpecialType.System_UInt64);
                        if (isSum && target is NumericKind.Signed or NumericKind.Unsigned && IsImplicit(values, resultBase))
                        {
                            return Spec(exact, Special(total), resultBase.SpecialType == total ? null : Type(resultBase), empty);
                        }

                        if (!isSum && resultBase.SpecialType == SpecialType.System_Double)
                        {
                            return Spec(exact, Special(total), null, empty);
                        }

                        if (target == NumericKind.Decimal)
                        {
                            return Spec(AccumulatorKind.Decimal, resultBase, null, empty);
                        }

                        if (isSum && target is NumericKind.Single or NumericKind.Double)
                        {
                            return Spec(AccumulatorKind.Floating, Special(SpecialType.System_Double), target == NumericKind.Single ? "float" : null, empty);
                        }

                        return Mismatch(isSum
                            ? $"declare a wider integer type, 'double' or 'decimal' (nullable if you like)"
                            : "the average of integers is 'double' (or 'decimal'); use 'double?' for null on empty input");
                    }

                    if (numeric is NumericKind.Single or NumericKind.Double)
                    {
                        if (target == NumericKind.Double || (target == NumericKind.Single && numeric == NumericKind.Single))
                        {
                            return Spec(AccumulatorKind.Floating, Special(SpecialType.System_Double), target == NumericKind.Single ? "float" : null, empty);
                        }

                        return Mismatch(numeric == NumericKind.Single ? "declare it 'float' or 'double'" : "declare it 'double'");
                    }

                    if (numeric == NumericKind.Decimal)
                    {
                        return target == NumericKind.Decimal ? Spec(AccumulatorKind.Decimal, resultBase, null, empty) : Mismatch("declare it 'decimal'");
                    }

                    // Any other type: System.Numerics generic math, where the consumer has it.
                    var required = isSum ? _knownTypes.IAdditionOperators : _knownTypes.INumberBase;
                    if (!Implements(values, required) || (isSum && !Implements(values, _knownTypes.IAdditiveIdentity)))
                    {
                        return NotApplicable(isSum
                            ? "it is not a number (Sum needs a numeric type, or one implementing IAdditionOperators<T, T, T> and IAdditiveIdentity<T, T>)"
                            : "it is not a number (Average needs a numeric type, or one implementing INumberBase<T>)");
                    }

                    if (_languageVersion < LanguageVersion.CSharp11)
                    {
                        return NotApplicable("generic math needs C# 11 or later");
                    }

                    if (!SymbolEqualityComparer.Default.Equals(values, resultBase))
                    {
                        return Mismatch($"declare it '{valuesName}'");
                    }

                    _usesGenericMath = true;
                    return Spec(AccumulatorKind.GenericMath, values, null, empty);
                }

                case AggregateKind.Min:
                case AggregateKind.Max:
                {
                    var numeric = NumericKindOf(values);
                    AccumulatorKind accumulatorKind;
                    if (numeric is NumericKind.Single or NumericKind.Double)
                    {
                        accumulatorKind = AccumulatorKind.OrderedFloating;
                    }
                    else if (numeric != NumericKind.None || values.SpecialType == SpecialType.System_Char)
                    {
                        accumulatorKind = AccumulatorKind.Ordered;
                    }
                    // A type parameter may be comparable only at run time: LINQ decides there too.
                    else if (values is ITypeParameterSymbol || Implements(values, _knownTypes.IComparableOfT) || Implements(values, _knownTypes.IComparable))
                    {
                        accumulatorKind = AccumulatorKind.Comparer;
                    }
                    else
                    {
                        return NotApplicable("it implements neither IComparable<T> nor IComparable");
                    }

                    if (!IsImplicit(values, resultBase))
                    {
                        return Mismatch($"declare it '{valuesName}' (or '{valuesName}?' for null on empty input)");
                    }

                    return accumulatorKind == AccumulatorKind.Ordered && HasBounds(values)
                        ? Spec(accumulatorKind, values) with { Bound = $"{Type(values)}.{(kind == AggregateKind.Min ? "MaxValue" : "MinValue")}" }
                        : Spec(accumulatorKind, values);
                }
            }

            return NotApplicable("this aggregate is not supported");
        }

        /// <summary>A result type that says "null when there is no value".</summary>
        private static bool IsNullableResult(ITypeSymbol type) => type switch
        {
            INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } => true,
            { IsValueType: true } => false,
            ITypeParameterSymbol => type.NullableAnnotation == NullableAnnotation.Annotated,
            _ => type.NullableAnnotation != NullableAnnotation.NotAnnotated,   // annotated, or oblivious like LINQ
        };

        private enum NumericKind
        {
            None,
            Signed,
            Unsigned,
            Single,
            Double,
            Decimal,
        }

        private static NumericKind NumericKindOf(ITypeSymbol type) => type.SpecialType switch
        {
            SpecialType.System_SByte or SpecialType.System_Int16 or SpecialType.System_Int32 or SpecialType.System_Int64 => NumericKind.Signed,
            SpecialType.System_Byte or SpecialType.System_UInt16 or SpecialType.System_UInt32 or SpecialType.System_UInt64 => NumericKind.Unsigned,
            SpecialType.System_Single => NumericKind.Single,
            SpecialType.System_Double => NumericKind.Double,
            SpecialType.System_Decimal => NumericKind.Decimal,
            _ => NumericKind.None,
        };

        private ITypeSymbol Special(SpecialType type) => _compilation.GetSpecialType(type);

        /// <summary>Whether a type (or a type parameter, through its constraints) implements a generic
        /// interface closed over itself, such as <c>IComparable&lt;T&gt;</c> or <c>INumberBase&lt;T&gt;</c>.</summary>
        private static bool Implements(ITypeSymbol type, INamedTypeSymbol? @interface) =>
            InterfacesOf(type).Any(i => KnownTypes.Is(i, @interface)
                && i.TypeArguments.All(a => SymbolEqualityComparer.Default.Equals(a.WithNullableAnnotation(NullableAnnotation.None), type.WithNullableAnnotation(NullableAnnotation.None))));
    }
}
