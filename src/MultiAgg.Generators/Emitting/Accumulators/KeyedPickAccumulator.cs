using System.Collections.Generic;
using MultiAgg.Generators.Specs;

namespace MultiAgg.Generators.Emitting.Accumulators;

/// <summary>
/// MinBy and MaxBy, as LINQ does them: the first element stands in until a non-null key is seen; then only a strictly
/// better key (by <c>Comparer&lt;TKey&gt;.Default</c>) replaces the element. Its values are the keys; it keeps the element.
/// </summary>
internal sealed class KeyedPickAccumulator : Accumulator
{
    public static readonly KeyedPickAccumulator Instance = new();

    public override TakenValues Takes(AggregateSpec a) => TakenValues.Every;

    public override bool ReadsElement(AggregateSpec a) => true;

    public override IEnumerable<StateVariable> State(AggregateSpec a, MethodContext method)
    {
        yield return new(a.AccumulatorType, "", a.AccumulatorIsValueType ? "default" : "default!", true);
        yield return new("bool", "HasValue", "false", true);
        yield return new(a.KeyType!, "Key", "default!", true);
        yield return new("bool", "HasKey", "false", true);
    }

    public override void EmitAdd(SourceWriter writer, AggregateSpec a, Scope scope, string value, MethodContext method)
    {
        using (writer.Block($"if (!{scope.Of(a, "HasValue")})"))
        {
            writer.WriteLine($"{scope.Of(a)} = {method.Item};");
            writer.WriteLine($"{scope.Of(a, "HasValue")} = true;");
        }

        var key = $"{method.LocalPrefix}{Name(a)}Next";
        if (a.KeyMayBeNull)
        {
            using (writer.Block($"if ({value} is {{ }} {key})"))
            {
                EmitBetterKey(writer, a, scope, key, method);
            }
        }
        else
        {
            writer.WriteLine($"var {key} = {value};");
            EmitBetterKey(writer, a, scope, key, method);
        }
    }

    private static void EmitBetterKey(SourceWriter writer, AggregateSpec a, Scope scope, string key, MethodContext method)
    {
        var better = a.Kind == AggregateKind.MinBy ? "< 0" : "> 0";
        using (writer.Block($"if (!{scope.Of(a, "HasKey")} || global::System.Collections.Generic.Comparer<{a.KeyType}>.Default.Compare({key}, {scope.Of(a, "Key")}) {better})"))
        {
            writer.WriteLine($"{scope.Of(a)} = {method.Item};");
            writer.WriteLine($"{scope.Of(a, "Key")} = {key};");
            writer.WriteLine($"{scope.Of(a, "HasKey")} = true;");
        }
    }

    /// <summary>
    /// An empty state takes the other's as it is; otherwise the other's element replaces this one's only for a strictly
    /// better key, as each of its elements would have.
    /// </summary>
    public override void EmitMerge(SourceWriter writer, AggregateSpec a, Scope into, Scope other, MethodContext method)
    {
        var better = a.Kind == AggregateKind.MinBy ? "< 0" : "> 0";
        using (writer.Block($"if (!{into.Of(a, "HasValue")} || ({other.Of(a, "HasKey")} && (!{into.Of(a, "HasKey")} || global::System.Collections.Generic.Comparer<{a.KeyType}>.Default.Compare({other.Of(a, "Key")}, {into.Of(a, "Key")}) {better})))"))
        {
            foreach (var part in new[] { "", "HasValue", "Key", "HasKey" })
            {
                writer.WriteLine($"{into.Of(a, part)} = {other.Of(a, part)};");
            }
        }
    }

    public override string Result(AggregateSpec a, Scope scope, MethodContext method) => ForgivingNull(a, scope.Of(a));

    public override Presence? Emptiness(AggregateSpec a, Scope scope, MethodContext method) => new(scope.Of(a, "HasValue"), "!" + scope.Of(a, "HasValue"));
}
