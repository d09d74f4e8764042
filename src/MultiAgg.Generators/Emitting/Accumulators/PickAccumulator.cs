using System.Collections.Generic;
using MultiAgg.Generators.Specs;

namespace MultiAgg.Generators.Emitting.Accumulators;

/// <summary>
/// First and Last (and their OrDefault forms): a value, null or not, and whether there is one. First is decided once it
/// has one. A Last whose value nothing else reads per element keeps the element instead, and reads its value for the
/// result (<see cref="AggregateSpec.ValueOfKept"/>). A Last that shares the method's test of an element read keeps no
/// flag (<see cref="KeepsFlag"/>).
/// </summary>
internal sealed class PickAccumulator : Accumulator
{
    public static readonly PickAccumulator Instance = new();

    public override TakenValues Takes(AggregateSpec a) => a.ValueOfKept is null ? TakenValues.Every : TakenValues.Elements;

    public override bool ReadsElement(AggregateSpec a) => a.ValueOfKept is not null;

    public override IEnumerable<StateVariable> State(AggregateSpec a, MethodContext method)
    {
        var comment = a.ValueOfKept is null ? null : "the element: its value is read once, for the result, as LINQ's Last reads it";
        yield return new(a.AccumulatorType, "", a.AccumulatorIsValueType ? "default" : "default!", true, comment);
        if (KeepsFlag(a, method))
        {
            yield return new("bool", "HasValue", "false", true);
        }
    }

    /// <summary>
    /// Whether it keeps its own "has a value" flag: a First's also says it is decided; a Last's says nothing the method's
    /// shared test of an element read does not, where it shares it (<see cref="MethodContext.SharesElementsRead"/>).
    /// </summary>
    private static bool KeepsFlag(AggregateSpec a, MethodContext method) =>
        a.Kind is AggregateKind.First or AggregateKind.FirstOrDefault || !method.SharesElementsRead.Contains(a);

    public override void EmitAdd(SourceWriter writer, AggregateSpec a, Scope scope, string value, MethodContext method)
    {
        if (a.Kind is AggregateKind.First or AggregateKind.FirstOrDefault && !method.AddedWhileUndecided.Contains(a))
        {
            using (writer.Block($"if (!{scope.Of(a, "HasValue")})"))
            {
                writer.WriteLine($"{scope.Of(a)} = {value};");
                writer.WriteLine($"{scope.Of(a, "HasValue")} = true;");
            }
        }
        else
        {
            writer.WriteLine($"{scope.Of(a)} = {value};");
            if (KeepsFlag(a, method))
            {
                writer.WriteLine($"{scope.Of(a, "HasValue")} = true;");
            }
        }
    }

    public override void EmitMerge(SourceWriter writer, AggregateSpec a, Scope into, Scope other, MethodContext method)
    {
        var first = a.Kind is AggregateKind.First or AggregateKind.FirstOrDefault;
        using (writer.Block(first ? $"if (!{into.Of(a, "HasValue")} && {other.Of(a, "HasValue")})" : $"if ({other.Of(a, "HasValue")})"))
        {
            writer.WriteLine($"{into.Of(a)} = {other.Of(a)};");
            writer.WriteLine($"{into.Of(a, "HasValue")} = true;");
        }
    }

    public override string Result(AggregateSpec a, Scope scope, MethodContext method) =>
        ForgivingNull(a, a.ValueOfKept is { } of ? of.Replace("{0}", scope.Of(a)) : scope.Of(a));

    public override Presence? Emptiness(AggregateSpec a, Scope scope, MethodContext method) => new(scope.Of(a, "HasValue"), "!" + scope.Of(a, "HasValue"));

    public override string Decided(AggregateSpec a, Scope scope) => scope.Of(a, "HasValue");
}
