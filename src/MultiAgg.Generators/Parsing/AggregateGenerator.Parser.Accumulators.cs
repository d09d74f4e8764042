using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using MultiAgg.Generators.Parsing;
using MultiAgg.Generators.Specs;

namespace MultiAgg.Generators;

public sealed partial class AggregateGenerator
{
    /// <summary>
    /// The accumulator each built-in aggregate needs, from its value type and declared result type: one method per
    /// family of aggregates, each answering an <see cref="AggregateRequest"/>.
    /// </summary>
    internal sealed partial class Parser
    {
        /// <summary>
        /// Where System.Linq's own Average of this attribute's values starts its floating-point or decimal sum (see
        /// <see cref="SumStart"/>), over the source as declared: <c>AverageAsync</c> (of an <c>IAsyncEnumerable&lt;T&gt;</c>,
        /// as for Min's NaN and Last's selector; an awaited selector over a synchronous source leaves it LINQ-to-Objects')
        /// and LINQ's span path (the element itself, not null, of a <c>T[]</c> or <c>List&lt;T&gt;</c>) start at +0.0;
        /// selectors, filters, nullable values, enumerators and groupings start from the first value.
        /// </summary>
        private static SumStart AverageStart(ParsedSource source, AttributeInput attribute, bool grouped) =>
            (grouped, source.IsAsync, plain: attribute.Value.Spec.IsElement && attribute.Filter is null && attribute.Value.Spec.Nulls == NullKind.None) switch
            {
                (grouped: true, _, _) => SumStart.FirstValue,
                (_, IsAsync: true, _) => SumStart.Zero,
                (_, _, plain: false) => SumStart.FirstValue,
                _ when source.IsList => SumStart.ZeroForExactLists,
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

        /// <summary>A ref struct, or a type parameter that may be one (<c>allows ref struct</c>): no type argument of a collection or comparer.</summary>
        private static bool IsRefLike(ITypeSymbol type) => type.IsRefLikeType || type is ITypeParameterSymbol { AllowsRefLikeType: true };

        /// <summary><c>Span&lt;T&gt;</c> or <c>ReadOnlySpan&lt;T&gt;</c>.</summary>
        private bool IsSpan(ITypeSymbol type) => KnownTypes.Is(type, _knownTypes.Span) || KnownTypes.Is(type, _knownTypes.ReadOnlySpan);

        /// <summary>What keeps a parameter from being captured or kept across an await: its <c>ref</c>, or its ref-like type (<see cref="IsRefLike"/>).</summary>
        private static string WhyByReference(IParameterSymbol parameter) =>
            parameter.RefKind != RefKind.None ? "passed by reference"
            : parameter.Type is ITypeParameterSymbol ? "a type parameter that allows ref struct"
            : "a ref struct";

        /// <summary>
        /// Whether the generated code can read a value made of pointers (see <see cref="NamesPointer(ITypeSymbol)"/>), or,
        /// <paramref name="stored"/>, keep one: in a method, a local of its body is in an unsafe context where the method
        /// or a type around it is <c>unsafe</c>, and a field of the per-key record or the workers' state MultiAgg declares
        /// beside the method only where a type around it is (a method's own <c>unsafe</c> does not reach a nested type);
        /// never in an async method (no unsafe context awaits). An accumulator type's generated part is unsafe where its
        /// contract is made of pointers (<see cref="AccumulatorTypeDeclarations"/>).
        /// </summary>
        private bool CanHoldPointers(bool stored) =>
            _declaration!.IsType
                ? _implementableType is { Contract: var contract } && NamesPointer(contract)
                : _syntax is { } syntax && !_async && (stored
                    ? IsUnsafeContext(syntax.Parent)
                    : syntax.Modifiers.Any(SyntaxKind.UnsafeKeyword) || IsUnsafeContext(syntax.Parent));

        /// <summary>
        /// Why the generated code here cannot read a value of <paramref name="type"/> (or, <paramref name="stored"/>, keep
        /// one), made of pointers as it is (see <see cref="CanHoldPointers"/>); null where it can, or the type has none.
        /// </summary>
        private string? PointersRefused(ITypeSymbol type, bool stored) =>
            !NamesPointer(type) || CanHoldPointers(stored) ? null : "a pointer or made of pointers, which " + (
                _declaration!.IsType ? "the type's generated part cannot hold: it is unsafe only where the values or the result of its IAccumulator are made of pointers"
                : _async ? "the generated async method cannot hold: it awaits, so it is no unsafe context"
                : stored ? "can be kept per key or in each worker's state only where a type around the method is 'unsafe' (a method's own 'unsafe' does not reach the record or state declared beside it)"
                : "only an unsafe context can read: declare the method (or its type) 'unsafe'");

        /// <summary>A pointer or function pointer: no type argument either (CS0306), so no span, set or array of state holds it.</summary>
        private static bool IsPointer(ITypeSymbol type) => type is IPointerTypeSymbol or IFunctionPointerTypeSymbol;

        /// <summary>
        /// Whether code that reads or declares a value of <paramref name="type"/> needs an unsafe context (CS0214): a pointer,
        /// an array of them (<c>int*[]</c>), or a type with one among its type arguments or those of the types around it
        /// (<c>List&lt;int*[]&gt;</c>).
        /// </summary>
        private static bool NamesPointer(ITypeSymbol type) => type switch
        {
            IPointerTypeSymbol or IFunctionPointerTypeSymbol => true,
            IArrayTypeSymbol array => NamesPointer(array.ElementType),
            INamedTypeSymbol named => named.TypeArguments.Any(NamesPointer) || (named.ContainingType is { } outer && NamesPointer(outer)),
            _ => false,
        };

        /// <summary>Why Min, Max, MinBy and MaxBy refuse a ref struct: they compare through <c>Comparer&lt;T&gt;.Default</c>, as LINQ does.</summary>
        private const string RefStructCannotBeCompared = "a ref struct, which cannot be compared through Comparer<T>";

        /// <summary>Why a pick refuses a ref struct where its state is stored (see <see cref="ChooseAccumulators"/>).</summary>
        private const string RefStructCannotBeKept = "a ref struct, which cannot be kept per key, in each worker's state, in an accumulator type's fields or across an await";

        /// <summary>
        /// A built-in aggregate's accumulator: each family of aggregates decides in a method of its own. <paramref name="stored"/>:
        /// the state lives in fields or across awaits, not in the method's locals.
        /// </summary>
        private AggregateSpec? ChooseAccumulator(AggregateKind kind, ResolvedValue value, ResultSlot slot, int index, SyntaxNode? aggregateSyntax, ITypeSymbol elementType, bool stored)
        {
            var aggregate = new AggregateRequest(this, kind, value, slot, index, aggregateSyntax);

            // A count never reads the value; every other aggregate does, and a pick or a distinct count keeps it.
            if (kind is not (AggregateKind.Count or AggregateKind.LongCount) && PointersRefused(value.Type, stored) is { } refused)
            {
                return aggregate.NotApplicable("it is " + refused);
            }

            // ... and names its type (a pick's state, a distinct count's set), which C# forbids where the type is [Obsolete]
            // as an error (CS0619), though the obsolete member the value is read from may name it.
            if (kind is not (AggregateKind.Count or AggregateKind.LongCount) && ForbiddenObsoleteTypeIn(value.NonNullType) is { } obsolete)
            {
                return aggregate.NotApplicable("it " + obsolete);
            }

            return kind switch
            {
                AggregateKind.Count or AggregateKind.LongCount => ChooseCounter(aggregate),
                AggregateKind.Sum or AggregateKind.Average => ChooseSumOrAverage(aggregate),
                AggregateKind.Min or AggregateKind.Max => ChooseMinOrMax(aggregate),
                AggregateKind.First or AggregateKind.FirstOrDefault or AggregateKind.Last or AggregateKind.LastOrDefault => ChoosePick(aggregate, stored),
                AggregateKind.Any or AggregateKind.All => ChooseAnyOrAll(aggregate),
                AggregateKind.Variance or AggregateKind.VarianceP or AggregateKind.StdDev or AggregateKind.StdDevP => ChooseMoments(aggregate),
                AggregateKind.CountDistinct => ChooseDistinct(aggregate),
                AggregateKind.MinBy or AggregateKind.MaxBy => ChooseKeyedPick(aggregate, elementType, stored),
                _ => aggregate.NotApplicable("this aggregate is not supported"),
            };
        }

        /// <summary>Count and LongCount: a checked counter of the declared type.</summary>
        private static AggregateSpec? ChooseCounter(AggregateRequest aggregate)
        {
            var allowed = aggregate.Kind == AggregateKind.Count
                ? aggregate.Result.SpecialType is SpecialType.System_Int32 or SpecialType.System_Int64
                : aggregate.Result.SpecialType is SpecialType.System_Int64;
            return allowed
                ? aggregate.Spec(AccumulatorKind.Counter, aggregate.Result, empty: EmptyBehavior.NotApplicable)
                : aggregate.Mismatch(aggregate.Kind == AggregateKind.Count ? "declare it 'int' (or 'long')" : "declare it 'long'");
        }

        /// <summary>
        /// Sum and Average: integers add up exactly, <c>float</c> and <c>double</c> in <c>double</c>, <c>decimal</c> in
        /// <c>decimal</c>, and any other type through generic math where the consumer has it.
        /// </summary>
        private AggregateSpec? ChooseSumOrAverage(AggregateRequest aggregate)
        {
            var (values, resultBase) = (aggregate.Values, aggregate.ResultBase);
            var isSum = aggregate.Kind == AggregateKind.Sum;
            EmptyBehavior? empty = isSum ? EmptyBehavior.NotApplicable : null;   // Sum of nothing is 0
            var numeric = AddendKindOf(values);
            var target = AddendKindOf(resultBase);
            if (numeric is NumericKind.Signed or NumericKind.Unsigned)
            {
                // Integers add up exactly in 64 bits of their own signedness.
                var (exact, total) = numeric == NumericKind.Signed
                    ? (AccumulatorKind.ExactSigned, SpecialType.System_Int64)
                    : (AccumulatorKind.ExactUnsigned, SpecialType.System_UInt64);
                if (isSum && target is NumericKind.Signed or NumericKind.Unsigned && IsImplicit(values, resultBase))
                {
                    return aggregate.Spec(exact, Special(total), resultBase.SpecialType == total ? null : Type(resultBase), empty);
                }

                if (!isSum && resultBase.SpecialType == SpecialType.System_Double)
                {
                    return aggregate.Spec(exact, Special(total), null, empty);
                }

                if (target == NumericKind.Decimal)
                {
                    return aggregate.Spec(AccumulatorKind.Decimal, resultBase, null, empty);
                }

                if (isSum && target is NumericKind.Single or NumericKind.Double)
                {
                    return aggregate.Spec(AccumulatorKind.Floating, Special(SpecialType.System_Double), target == NumericKind.Single ? "float" : null, empty);
                }

                return aggregate.Mismatch(isSum
                    ? $"declare a wider integer type, 'double' or 'decimal' (nullable if you like)"
                    : "the average of integers is 'double' (or 'decimal'); use 'double?' for null on empty input");
            }

            if (numeric is NumericKind.Single or NumericKind.Double)
            {
                if (target == NumericKind.Double || (target == NumericKind.Single && numeric == NumericKind.Single))
                {
                    return aggregate.Spec(AccumulatorKind.Floating, Special(SpecialType.System_Double), target == NumericKind.Single ? "float" : null, empty);
                }

                return aggregate.Mismatch(numeric == NumericKind.Single ? "declare it 'float' or 'double'" : "declare it 'double'");
            }

            if (numeric == NumericKind.Decimal)
            {
                return target == NumericKind.Decimal ? aggregate.Spec(AccumulatorKind.Decimal, resultBase, null, empty) : aggregate.Mismatch("declare it 'decimal'");
            }

            // Any other type: System.Numerics generic math, where the consumer has it.
            var required = isSum ? _knownTypes.IAdditionOperators : _knownTypes.INumberBase;
            if (!Implements(values, required) || (isSum && !Implements(values, _knownTypes.IAdditiveIdentity)))
            {
                return aggregate.NotApplicable(isSum
                    ? "it is not a number (Sum needs a numeric type, or one implementing IAdditionOperators<T, T, T> and IAdditiveIdentity<T, T>)"
                    : "it is not a number (Average needs a numeric type, or one implementing INumberBase<T>)");
            }

            if (_languageVersion < LanguageVersion.CSharp11)
            {
                return aggregate.NotApplicable("generic math needs C# 11 or later");
            }

            if (!SymbolEqualityComparer.Default.Equals(values, resultBase))
            {
                return aggregate.Mismatch($"declare it '{Display(values)}'");
            }

            return aggregate.Spec(AccumulatorKind.GenericMath, values, null, empty);
        }

        /// <summary>
        /// Min and Max: numbers and <c>char</c> with their own operators (NaN rules for floating point), anything
        /// else comparable through <c>Comparer&lt;T&gt;.Default</c>.
        /// </summary>
        private AggregateSpec? ChooseMinOrMax(AggregateRequest aggregate)
        {
            var values = aggregate.Values;
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
            else if (IsRefLike(values))
            {
                return aggregate.NotApplicable("it is " + RefStructCannotBeCompared);
            }
            // A type parameter may be comparable only at run time: LINQ decides there too.
            else if (values is ITypeParameterSymbol || IsComparable(values))
            {
                accumulatorKind = AccumulatorKind.Comparer;
            }
            else
            {
                return aggregate.NotApplicable("it implements neither IComparable<T> nor IComparable");
            }

            if (!IsImplicit(values, aggregate.ResultBase))
            {
                var valuesName = Display(values);
                return aggregate.Mismatch($"declare it '{valuesName}' (or '{valuesName}?' for null on empty input)");
            }

            var spec = aggregate.Spec(accumulatorKind, values);
            return accumulatorKind switch
            {
                AccumulatorKind.Ordered when HasBounds(values) => spec with { Bound = $"{Type(values)}.{(aggregate.Kind == AggregateKind.Min ? "MaxValue" : "MinValue")}" },
                AccumulatorKind.OrderedFloating when aggregate.Kind == AggregateKind.Min => spec with { Completion = Completion.AtNaN },
                _ => spec,
            };
        }

        /// <summary>First, FirstOrDefault, Last and LastOrDefault: keep a value, and whether there is one.</summary>
        private AggregateSpec? ChoosePick(AggregateRequest aggregate, bool stored)
        {
            var (kind, value, result) = (aggregate.Kind, aggregate.Value, aggregate.Result);
            if (stored && IsRefLike(value.Type))
            {
                return aggregate.NotApplicable("it is " + RefStructCannotBeKept);
            }

            // Every value, null or not, as LINQ's Select(of).First() sees them.
            if (!IsImplicit(value.Type, result))
            {
                return aggregate.Mismatch($"declare it '{Display(value.Type)}'");
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
                aggregate.Index,
                Completion: isFirst ? Completion.HasValue : Completion.Never,
                ForgivesNull: ForgivesNull(value.Type, result));
        }

        /// <summary>Any and All: over <c>bool</c> values, or (Any without <c>Of</c>) whether there is a value at all.</summary>
        private static AggregateSpec? ChooseAnyOrAll(AggregateRequest aggregate)
        {
            var (kind, value) = (aggregate.Kind, aggregate.Value);
            if (aggregate.Result.SpecialType != SpecialType.System_Boolean)
            {
                return aggregate.Mismatch("declare it 'bool'");
            }

            var isAny = kind == AggregateKind.Any;
            var completion = isAny ? Completion.WhenTrue : Completion.WhenFalse;
            if (isAny && value.Spec.IsElement)
            {
                // Any() without Of: "has elements", whatever they are.
                return new AggregateSpec(kind, AccumulatorKind.Presence, "bool", true, "bool", null, EmptyBehavior.NotApplicable, null, aggregate.Index, Completion: completion);
            }

            if (value.Type.SpecialType != SpecialType.System_Boolean)
            {
                return aggregate.NotApplicable(value.Spec.IsElement
                    ? "All needs bool values: name a bool member with Of (All(x => x.Member))"
                    : $"{kind} with Of needs a bool value (not '{Display(value.Type)}')");
            }

            return new AggregateSpec(kind, AccumulatorKind.Predicate, "bool", true, "bool", null, EmptyBehavior.NotApplicable, null, aggregate.Index, Completion: completion);
        }

        /// <summary>Variance, VarianceP, StdDev and StdDevP: the library's Welford accumulator, in <c>double</c>.</summary>
        private AggregateSpec? ChooseMoments(AggregateRequest aggregate)
        {
            if (NumericKindOf(aggregate.Values) == NumericKind.None)
            {
                return aggregate.NotApplicable("it is not a number (variance and standard deviation are computed as double)");
            }

            if (aggregate.ResultBase.SpecialType != SpecialType.System_Double)
            {
                return aggregate.Mismatch("declare it 'double' (or 'double?' for null when there are too few values)");
            }

            if (_knownTypes.Welford is not { } welford)
            {
                return aggregate.NotApplicable("the referenced MultiAgg library is older than this generator (it lacks MultiAgg.Accumulators.Welford)");
            }

            return aggregate.Spec(AccumulatorKind.Moments, welford);
        }

        /// <summary>CountDistinct: a set of every value, null included.</summary>
        private AggregateSpec? ChooseDistinct(AggregateRequest aggregate)
        {
            var result = aggregate.Result;
            if (result.SpecialType is not (SpecialType.System_Int32 or SpecialType.System_Int64))
            {
                return aggregate.Mismatch("declare it 'int' (or 'long')");
            }

            if (IsRefLike(aggregate.Values))
            {
                return aggregate.NotApplicable("it is a ref struct, which a HashSet<T> cannot hold");
            }

            if (IsPointer(aggregate.Values))
            {
                return aggregate.NotApplicable("it is a pointer, which cannot be a HashSet<T>'s type argument");
            }

            return new AggregateSpec(aggregate.Kind, AccumulatorKind.Distinct, Type(aggregate.Value.Type), false, Type(result), null, EmptyBehavior.NotApplicable, null, aggregate.Index);
        }

        /// <summary>MinBy and MaxBy: keep the element with the least or greatest <c>Of</c> key.</summary>
        private AggregateSpec? ChooseKeyedPick(AggregateRequest aggregate, ITypeSymbol elementType, bool stored)
        {
            var (kind, value, keys) = (aggregate.Kind, aggregate.Value, aggregate.Values);
            if (value.Spec.IsElement)
            {
                return aggregate.NotApplicable($"{kind} needs a key: name it with Of ({kind}(x => x.Key))");
            }

            if (IsRefLike(keys))
            {
                return aggregate.NotApplicable("its key is " + RefStructCannotBeCompared);
            }

            if (stored && IsRefLike(elementType))
            {
                return aggregate.NotApplicable("it keeps an element, which is " + RefStructCannotBeKept);
            }

            if (PointersRefused(elementType, stored) is { } refused)
            {
                return aggregate.NotApplicable("it keeps an element, which is " + refused);
            }

            if (keys is not ITypeParameterSymbol && !IsComparable(keys))
            {
                return aggregate.NotApplicable("its key implements neither IComparable<T> nor IComparable");
            }

            if (!IsImplicit(elementType, aggregate.ResultBase) && !IsImplicit(elementType, aggregate.Result))
            {
                return aggregate.Mismatch($"declare it '{Display(elementType)}', the element type (or '{Display(elementType)}?' for null on empty input)");
            }

            return aggregate.Spec(AccumulatorKind.KeyedPick, elementType, produced: elementType) with
            {
                KeyType = Type(keys),
                KeyMayBeNull = value.Spec.Nulls != NullKind.None,
                ForgivesNull = ForgivesNull(elementType, aggregate.Result),
            };
        }

        /// <summary>
        /// Whether what an accumulator gives may be null where the declared result says it is not, which the generated
        /// file, under <c>#nullable enable</c>, would warn about (see <see cref="AggregateSpec.ForgivesNull"/>): the value
        /// is annotated (<c>string?</c>) and the declared reference type is not (<c>string</c>), or the two are one type but
        /// for the nullability of what they hold (<c>List&lt;string?&gt;</c> declared <c>List&lt;string&gt;</c>).
        /// </summary>
        private static bool ForgivesNull(ITypeSymbol produced, ITypeSymbol declared) =>
            (!produced.IsValueType && produced.NullableAnnotation == NullableAnnotation.Annotated
                && !declared.IsValueType && declared.NullableAnnotation != NullableAnnotation.Annotated)
            || (SymbolEqualityComparer.Default.Equals(produced, declared)
                && !SymbolEqualityComparer.IncludeNullability.Equals(produced.WithNullableAnnotation(NullableAnnotation.None), declared.WithNullableAnnotation(NullableAnnotation.None)));

        /// <summary>A result type that says "null when there is no value".</summary>
        private static bool IsNullableResult(ITypeSymbol type) => type switch
        {
            INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } => true,
            { IsValueType: true } => false,
            // Annotated, or oblivious (annotations off) as LINQ's 'TSource Max<TSource>' was written before them; a type
            // parameter's is null only for reference types (EmptyBehavior.NullUnlessValueType).
            _ => type.NullableAnnotation != NullableAnnotation.NotAnnotated,
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

        /// <summary>
        /// <see cref="NumericKindOf"/>, with <c>nint</c> and <c>nuint</c> the integers they are: 64 bits at most, so they
        /// add up exactly as the built-in integers do (not through generic math, whose running total is checked).
        /// Written <c>IntPtr</c> where C# does not read it as <c>nint</c> (before C# 11, or a runtime without numeric
        /// <c>IntPtr</c>), it converts to <c>long</c> only explicitly, so it stays with generic math.
        /// </summary>
        private static NumericKind AddendKindOf(ITypeSymbol type) => type switch
        {
            { IsNativeIntegerType: true, SpecialType: SpecialType.System_IntPtr } => NumericKind.Signed,
            { IsNativeIntegerType: true, SpecialType: SpecialType.System_UIntPtr } => NumericKind.Unsigned,
            _ => NumericKindOf(type),
        };

        private ITypeSymbol Special(SpecialType type) => _compilation.GetSpecialType(type);

        /// <summary>
        /// Whether <c>Comparer&lt;T&gt;.Default</c> compares <paramref name="type"/> by its own rule, as LINQ's Min, Max,
        /// MinBy and MaxBy do: it is an <c>IComparable&lt;T&gt;</c> (through a base type's <c>IComparable&lt;Base&gt;</c>
        /// too, the interface being contravariant: a <c>Circle</c> of a <c>Shape : IComparable&lt;Shape&gt;</c>) or an
        /// <c>IComparable</c>.
        /// </summary>
        private bool IsComparable(ITypeSymbol type) =>
            Implements(type, _knownTypes.IComparableOfT)
            || Implements(type, _knownTypes.IComparable)
            || (_knownTypes.IComparableOfT is { } comparable && _compilation.ClassifyConversion(type, comparable.Construct(type)) is { IsImplicit: true, IsReference: true });

        /// <summary>Whether a type (or a type parameter, through its constraints) implements a generic
        /// interface closed over itself, such as <c>IComparable&lt;T&gt;</c> or <c>INumberBase&lt;T&gt;</c>.</summary>
        private static bool Implements(ITypeSymbol type, INamedTypeSymbol? @interface) =>
            InterfacesOf(type).Any(i => KnownTypes.Is(i, @interface)
                && i.TypeArguments.All(a => SymbolEqualityComparer.Default.Equals(a.WithNullableAnnotation(NullableAnnotation.None), type.WithNullableAnnotation(NullableAnnotation.None))));
    }
}
