using MultiAgg.Generators.Specs;

namespace MultiAgg.Generators.Emitting.Accumulators;

/// <summary>
/// Sum and Average of any other number, through <c>System.Numerics</c> generic math: <c>AdditiveIdentity</c>, a checked
/// <c>+</c>, and <c>CreateChecked</c> of the count, called through helpers constrained to the interfaces (a type may
/// implement its operators explicitly, as <c>char</c> does).
/// </summary>
internal sealed class GenericMathSumAccumulator : SumAccumulator
{
    public static readonly GenericMathSumAccumulator Instance = new();

    protected override StateVariable Total(AggregateSpec a, MethodContext method) =>
        new(a.AccumulatorType, "", $"{method.LocalPrefix}Zero<{a.AccumulatorType}>()", false);

    protected override string AddToTotal(AggregateSpec a, Scope scope, string value, MethodContext method) =>
        $"{scope.Of(a)} = {method.LocalPrefix}Add({scope.Of(a)}, {value});";

    protected override string MergeTotals(AggregateSpec a, Scope into, Scope other, MethodContext method) =>
        $"{into.Of(a)} = {method.LocalPrefix}Add({into.Of(a)}, {other.Of(a)});";

    protected override string TotalOf(AggregateSpec a, Scope scope) => scope.Of(a);

    protected override string ResultOf(AggregateSpec a, string total, string count, string localPrefix) => a.Kind == AggregateKind.Average
        ? $"{localPrefix}Divide({total}, {count})"
        : a.ResultConversion is null ? total : $"({a.ResultConversion}){total}";

    /// <summary>The helpers the accumulators call, written once beside the method's code.</summary>
    public static void EmitHelpers(SourceWriter writer, string prefix, string modifiers, bool withDivide)
    {
        var t = prefix + "TNumber";
        writer.WriteLine($"{modifiers} {t} {prefix}Zero<{t}>() where {t} : global::System.Numerics.IAdditiveIdentity<{t}, {t}> => {t}.AdditiveIdentity;");
        writer.WriteLine($"{modifiers} {t} {prefix}Add<{t}>({t} left, {t} right) where {t} : global::System.Numerics.IAdditionOperators<{t}, {t}, {t}> => checked(left + right);");
        if (withDivide)
        {
            writer.WriteLine($"{modifiers} {t} {prefix}Divide<{t}>({t} sum, long count) where {t} : global::System.Numerics.INumberBase<{t}> => sum / {t}.CreateChecked(count);");
        }
    }
}
