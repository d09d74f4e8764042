using System.Collections.Generic;
using System.Linq;
using MultiAgg.Generators.Specs;

namespace MultiAgg.Generators.Emitting.Accumulators;

/// <summary>
/// What a kind's vector lanes are written against: the vector loop over a span, the current vector, and the method's
/// locals. Aggregates with the same lane plan (Sum and Average of the same elements, say) share one set of lanes, the
/// first one's, which is its <see cref="Owner"/>.
/// </summary>
internal sealed class VectorLanes
{
    public const string Vector = "global::System.Numerics.Vector";

    private readonly Dictionary<AggregateSpec, AggregateSpec> _owners;

    public VectorLanes(IReadOnlyList<AggregateSpec> aggregates, SourceWriter writer, MethodContext method, Scope locals, string span, string elementType, bool isSingle)
    {
        _owners = aggregates.ToDictionary(a => a, a => aggregates.First(b => LaneKey(b) == LaneKey(a)));
        Writer = writer;
        Method = method;
        Locals = locals;
        Span = span;
        ElementType = elementType;
        VectorOfT = $"{Vector}<{elementType}>";
        Mask = $"{Vector}<{(isSingle ? "int" : "long")}>";
    }

    public SourceWriter Writer { get; }

    public MethodContext Method { get; }

    public Scope Locals { get; }

    /// <summary>The span the vectors are read from; its first <see cref="Vectorized"/> elements are theirs.</summary>
    public string Span { get; }

    public string ElementType { get; }

    public string VectorOfT { get; }

    /// <summary>The integer vector a comparison of two <see cref="VectorOfT"/>s gives.</summary>
    public string Mask { get; }

    /// <summary>The current vector.</summary>
    public string X => P + "x";

    /// <summary>The current vector widened to 64-bit lanes, each the sum of the elements it covers (<see cref="X"/> itself for 64-bit elements).</summary>
    public string Wide { get; set; } = "";

    /// <summary>How many elements the vectors covered (after the loop).</summary>
    public string Vectorized => P + "vectorized";

    /// <summary>Whether each lane has read only numbers so far (a lane turns 0 once it reads a NaN).</summary>
    public string AllNumbers => P + "allNumbers";

    /// <summary>Whether each lane has read a number (a lane turns -1 once it does).</summary>
    public string AnyNumbers => P + "anyNumbers";

    private string P => Method.LocalPrefix;

    public string Lanes(AggregateSpec a) => Locals.Of(_owners[a], "Lanes");

    public string Wrapped(AggregateSpec a) => Locals.Of(_owners[a], "Wrapped");

    public AggregateSpec Owner(AggregateSpec a) => _owners[a];

    public bool OwnsLanes(AggregateSpec a) => ReferenceEquals(_owners[a], a);

    // An in-order sum is shared only by sums that start alike (see SumStart): a class derived from List<T> is read
    // as a span here, where LINQ enumerates it and seeds an Average with its first value.
    private static (LaneKind?, AggregateKind?, SumStart?) LaneKey(AggregateSpec a) =>
        (a.Lanes, a.Lanes is LaneKind.MinMax or LaneKind.FloatingMinMax ? a.Kind : null, a.Lanes == LaneKind.SequentialSum ? a.Start : null);

    /// <summary>Feeds each lane to the scalar rule: for values equal bit for bit, order does not matter.</summary>
    public void FoldEachLane(AggregateSpec a)
    {
        using (Writer.Block($"for (int {P}k = 0; {P}k < {VectorOfT}.Count; {P}k++)"))
        {
            Writer.WriteLine($"var {P}lane = {Lanes(a)}[{P}k];");
            Accumulator.Of(a).EmitAdd(Writer, a, Locals, P + "lane", Method);
        }
    }

    /// <summary>The scalar loop for one aggregate over the elements the vectors covered.</summary>
    public void Replay(AggregateSpec a)
    {
        using (Writer.Block($"for (int {P}j = 0; {P}j < {Vectorized}; {P}j++)"))
        {
            Writer.WriteLine($"var {P}element = {Span}[{P}j];");
            Accumulator.Of(a).EmitAdd(Writer, a, Locals, P + "element", Method);
        }
    }
}
