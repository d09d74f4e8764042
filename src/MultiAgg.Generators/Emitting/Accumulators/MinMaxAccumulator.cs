using System.Collections.Generic;
using MultiAgg.Generators.Specs;

namespace MultiAgg.Generators.Emitting.Accumulators;

/// <summary>
/// Min and Max: the best value so far and whether there is one. Integers, <c>char</c> and <c>decimal</c> compare with
/// their own operators, and start at their bound when they have one (<see cref="AggregateSpec.Bound"/>); <c>float</c>
/// and <c>double</c> follow LINQ's NaN rules; anything else compares through <c>Comparer&lt;T&gt;.Default</c>. Of equal
/// values the first stays.
/// </summary>
internal sealed class MinMaxAccumulator : Accumulator
{
    public static readonly MinMaxAccumulator Instance = new();

    public override TakenValues Takes(AggregateSpec a) => TakenValues.NonNull;

    /// <summary>
    /// Equal integers are the same value, so whichever comes first wins changes nothing; equal decimals (1.0 and 1.00),
    /// floating-point values (NaN, -0.0) and compared objects can differ, and keep the source's order.
    /// </summary>
    public override bool IsOrderIndependent(AggregateSpec a) =>
        a.Accumulator == AccumulatorKind.Ordered && a.AccumulatorType is "sbyte" or "byte" or "short" or "ushort" or "int" or "uint" or "long" or "ulong" or "char";

    public override IEnumerable<StateVariable> State(AggregateSpec a, MethodContext method)
    {
        if (a.Bound is not null)
        {
            yield return new(a.AccumulatorType, "", a.Bound, false, "every value ties or beats it: no first-value test per element");
            if (method.SharesElementsRead.Contains(a))
            {
                yield break;
            }
        }
        else
        {
            yield return new(a.AccumulatorType, "", a.AccumulatorIsValueType ? "default" : "default!", true);
        }

        yield return new("bool", "HasValue", "false", true);
    }

    public override void EmitAdd(SourceWriter writer, AggregateSpec a, Scope scope, string value, MethodContext method)
    {
        var acc = scope.Of(a);
        var isMin = a.Kind == AggregateKind.Min;
        switch (a.Accumulator)
        {
            case AccumulatorKind.Ordered when a.Bound is not null:
                // Strictly better only, so of equal values the first stays.
                writer.WriteLine($"if ({value} {(isMin ? "<" : ">")} {acc}) {acc} = {value};");
                if (!method.SharesElementsRead.Contains(a))
                {
                    writer.WriteLine($"{scope.Of(a, "HasValue")} = true;");
                }

                break;
            case AccumulatorKind.Ordered:
                KeepIf(writer, a, scope, $"{value} {(isMin ? "<" : ">")} {acc}", value);
                break;
            case AccumulatorKind.OrderedFloating:
                // LINQ: Min is NaN as soon as any value is NaN, the first one where it stops there (Completion.AtNaN) and
                // the last where it reads on (MinAsync of float? or double?); Max skips NaN unless every value is NaN
                // (then the last one). Ties keep the first value.
                KeepIf(writer, a, scope, (isMin, a.Completion) switch
                {
                    (true, Completion.AtNaN) => $"{value} < {acc} || ({a.AccumulatorType}.IsNaN({value}) && !{a.AccumulatorType}.IsNaN({acc}))",
                    (true, _) => $"{value} < {acc} || {a.AccumulatorType}.IsNaN({value})",
                    (false, _) => $"{value} > {acc} || {a.AccumulatorType}.IsNaN({acc})",
                }, value);
                break;
            default:
                KeepIf(writer, a, scope, $"global::System.Collections.Generic.Comparer<{a.AccumulatorType}>.Default.Compare({value}, {acc}) {(isMin ? "<" : ">")} 0", value);
                break;
        }
    }

    /// <summary>A floating-point Min is decided at its first NaN (<see cref="Completion.AtNaN"/>); an empty state holds 0.</summary>
    public override string Decided(AggregateSpec a, Scope scope) => $"{a.AccumulatorType}.IsNaN({scope.Of(a)})";

    /// <summary>
    /// The other state's best value goes through the same rule as one value would: of equal values this one's stays,
    /// a NaN Min stays the first NaN (the last, where it reads on), and a Max skips the other's NaN unless this one has only NaNs.
    /// </summary>
    public override void EmitMerge(SourceWriter writer, AggregateSpec a, Scope into, Scope other, MethodContext method)
    {
        using (writer.Block($"if ({other.Of(a, "HasValue")})"))
        {
            var value = method.LocalPrefix + Name(a) + "Other";
            writer.WriteLine($"var {value} = {other.Of(a)};");
            EmitAdd(writer, a, into, value, method);
        }
    }

    public override void DeclareLanes(AggregateSpec a, VectorLanes lanes)
    {
        var isMin = a.Kind == AggregateKind.Min;
        lanes.Writer.WriteLine(a.Lanes == LaneKind.MinMax
            ? $"var {lanes.Lanes(a)} = new {lanes.VectorOfT}({lanes.ElementType}.{(isMin ? "MaxValue" : "MinValue")});"
            // Infinities are neutral; NaN lanes are never chosen (the fold deals with NaN).
            : $"var {lanes.Lanes(a)} = new {lanes.VectorOfT}({lanes.ElementType}.{(isMin ? "PositiveInfinity" : "NegativeInfinity")});");
    }

    public override void AddToLanes(AggregateSpec a, VectorLanes lanes)
    {
        var (isMin, best, x) = (a.Kind == AggregateKind.Min, lanes.Lanes(a), lanes.X);
        lanes.Writer.WriteLine(a.Lanes == LaneKind.MinMax
            ? $"{best} = {VectorLanes.Vector}.{(isMin ? "Min" : "Max")}({best}, {x});"
            // Vector.Min/Max differ across runtimes on NaN and signed zeros; a strict compare does not.
            : $"{best} = {VectorLanes.Vector}.ConditionalSelect({VectorLanes.Vector}.{(isMin ? "LessThan" : "GreaterThan")}({x}, {best}), {x}, {best});");
    }

    /// <summary>
    /// Each lane goes through the scalar rule. Floating lanes cannot know which NaN or which signed zero came first:
    /// where that matters the elements are read again.
    /// </summary>
    public override void FoldLanes(AggregateSpec a, VectorLanes lanes)
    {
        if (a.Lanes == LaneKind.MinMax)
        {
            lanes.FoldEachLane(a);
            return;
        }

        var (writer, acc, span, j) = (lanes.Writer, lanes.Locals.Of(a), lanes.Span, lanes.Method.LocalPrefix + "j");
        var (condition, reason) = a.Kind == AggregateKind.Min
            ? ($"!{VectorLanes.Vector}.EqualsAll({lanes.AllNumbers}, new {lanes.Mask}(-1))", "A NaN was read and Min is the first NaN")
            : ($"{VectorLanes.Vector}.EqualsAll({lanes.AnyNumbers}, {lanes.Mask}.Zero)", "Only NaNs were read and Max is the last of them");
        using (writer.Block($"if ({condition})"))
        {
            writer.WriteLine($"// {reason}: read them again with the scalar rule.");
            lanes.Replay(a);
        }

        using (writer.Block("else"))
        {
            lanes.FoldEachLane(a);
            using (writer.Block($"if ({acc} == 0)"))
            {
                writer.WriteLine("// -0.0 equals +0.0 and the first of equal values wins: take the first zero read.");
                using (writer.Block($"for (int {j} = 0; {j} < {lanes.Vectorized}; {j}++)"))
                {
                    using (writer.Block($"if ({span}[{j}] == 0)"))
                    {
                        writer.WriteLine($"{acc} = {span}[{j}];");
                        writer.WriteLine("break;");
                    }
                }
            }
        }
    }

    public override string Result(AggregateSpec a, Scope scope, MethodContext method) => scope.Of(a);

    /// <summary>
    /// SQL's MIN/MAX, asked for as nullable so that a group without a value is a null column rather than an exception
    /// inside the provider. Which value is least is the database's rule (collation for strings, NaN for floats).
    /// PostgreSQL and SQL Server have no MIN or MAX of a boolean. With false before true, as in .NET, a <c>bool</c>'s
    /// least value is whether all its values are true, and its greatest whether any is: counts of the true values and of
    /// the values, as All and Any count them (<see cref="QueryGroup.CountTrue"/>).
    /// </summary>
    public override IEnumerable<QueryColumn> QueryColumns(AggregateSpec a, QueryGroup group)
    {
        if (IsBool(a))
        {
            yield return new("long", "", group.CountTrue());
            yield return new("long", "Values", group.CountBools());
            yield break;
        }

        var value = a.AccumulatorIsValueType ? $"({a.AccumulatorType}?){group.Value.Expression}" : group.Value.Expression;
        yield return new(a.AccumulatorType + "?", "", group.Over(a.Kind.ToString(), group.Lambda(value)));
    }

    public override string QueryResult(AggregateSpec a, QueryGroup group, Scope row) =>
        IsBool(a) ? (a.Kind == AggregateKind.Min ? $"{row.Of(a)} == {row.Of(a, "Values")}" : $"{row.Of(a)} != 0")
        : a.AccumulatorIsValueType ? row.Of(a) + ".GetValueOrDefault()"
        : row.Of(a) + "!";

    private static bool IsBool(AggregateSpec a) => a.AccumulatorType == "bool";

    public override Presence? QueryEmptiness(AggregateSpec a, QueryGroup group, Scope row) =>
        IsBool(a)
            ? new Presence($"{row.Of(a, "Values")} != 0", $"{row.Of(a, "Values")} == 0")
            : new Presence($"{row.Of(a)} != null", $"{row.Of(a)} == null");

    /// <summary>Its flag; where it keeps none, it shares the method's test (<see cref="MethodContext.SharesElementsRead"/>), asked first.</summary>
    public override Presence? Emptiness(AggregateSpec a, Scope scope, MethodContext method) =>
        new Presence(scope.Of(a, "HasValue"), "!" + scope.Of(a, "HasValue"));
}
