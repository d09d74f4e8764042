using System.Collections.Generic;
using System.Linq;
using MultiAgg.Generators.Emitting.Accumulators;
using MultiAgg.Generators.Model;

namespace MultiAgg.Generators;

public sealed partial class AggregateGenerator
{
    internal static partial class Emitter
    {
        /// <summary>
        /// The vector loop: it reads whole <c>Vector&lt;T&gt;</c>s, keeps a partial result per lane for each
        /// aggregate, and then folds the lanes into the scalar accumulators, leaving them exactly as the
        /// scalar loop would have after the same elements; the scalar loop then reads the rest.
        /// </summary>
        /// <remarks>
        /// Where lanes cannot know what the scalar rule needs (which NaN or which signed zero came first, or
        /// whether a 64-bit lane sum wrapped) the fold re-reads the vectorized elements for that aggregate,
        /// so results stay bit-identical; those cases are rare and cost one more pass, not a wrong answer.
        /// </remarks>
        private sealed partial class MethodEmitter
        {
            private const string Vector = "global::System.Numerics.Vector";

            // Every attribute of a vectorized method reads the element itself, unfiltered, so aggregates with
            // the same lane plan (Sum and Average, say) share one set of lanes: the first one's.
            private Dictionary<AggregateSpec, AggregateSpec> _laneOwners = new();

            private string Lanes(AggregateSpec a) => _locals.Of(_laneOwners[a]) + "Lanes";

            private string Wrapped(AggregateSpec a) => _locals.Of(_laneOwners[a]) + "Wrapped";

            private bool OwnsLanes(AggregateSpec a) => ReferenceEquals(_laneOwners[a], a);

            // An in-order sum is shared only by sums that start alike: an Average seeded with its first value keeps
            // its own (see SumStart; a source read as a span here is an array or a list, where LINQ starts at zero).
            private static (LaneKind?, AggregateKind?, bool) LaneKey(AggregateSpec a) =>
                (a.Lanes, a.Lanes is LaneKind.MinMax or LaneKind.FloatingMinMax ? a.Kind : null, a.Lanes == LaneKind.SequentialSum && a.Start == SumStart.FirstValue);

            private void EmitVectorLoop(VectorElement element, string span)
            {
                var t = _spec.Source.ElementType;
                var vectorOfT = $"{Vector}<{t}>";
                var aggregates = Aggregates(_spec).ToList();
                _laneOwners = aggregates.ToDictionary(a => a, a => aggregates.First(b => LaneKey(b) == LaneKey(a)));
                var owners = aggregates.Where(OwnsLanes).ToList();
                var inLanes = owners.Where(static a => a.Lanes is not (LaneKind.Count or LaneKind.SequentialSum)).ToList();
                var inOrder = owners.Where(static a => a.Lanes == LaneKind.SequentialSum).ToList();
                var bits = Bits(element);
                var mask = $"{Vector}<{(element == VectorElement.Single ? "int" : "long")}>";
                var x = _p + "x";
                var wide = bits == 64 ? x : _p + "wide";
                var needsWide = bits < 64 && inLanes.Any(static a => a.Lanes is LaneKind.WidenedSum or LaneKind.ReorderedSum);
                var floatingMin = inLanes.Any(static a => a.Lanes == LaneKind.FloatingMinMax && a.Kind == AggregateKind.Min);
                var floatingMax = inLanes.Any(static a => a.Lanes == LaneKind.FloatingMinMax && a.Kind == AggregateKind.Max);

                _writer.WriteLine($"int {_p}vectorized = 0;");
                using (_writer.Block($"if ({Vector}.IsHardwareAccelerated && {span}.Length >= {vectorOfT}.Count)"))
                {
                    _writer.WriteLine("// Whole vectors first: each lane keeps its own partial result, folded in below.");
                    _writer.WriteLine($"var {_p}vectors = global::System.Runtime.InteropServices.MemoryMarshal.Cast<{t}, {vectorOfT}>({span});");
                    foreach (var a in inLanes)
                    {
                        DeclareLanes(a, t, vectorOfT);
                    }

                    if (floatingMin)
                    {
                        _writer.WriteLine($"var {_p}allNumbers = new {mask}(-1); // a lane turns 0 once it reads a NaN");
                    }

                    if (floatingMax)
                    {
                        _writer.WriteLine($"var {_p}anyNumbers = {mask}.Zero; // a lane turns -1 once it reads a number");
                    }

                    using (_writer.Block($"for (int {_p}v = 0; {_p}v < {_p}vectors.Length; {_p}v++)"))
                    {
                        _writer.WriteLine($"var {x} = {_p}vectors[{_p}v];");
                        if (needsWide)
                        {
                            EmitWiden(x, bits, wide);
                        }

                        if (floatingMin || floatingMax)
                        {
                            _writer.WriteLine($"var {_p}isNumber = {Vector}.Equals({x}, {x});");
                            if (floatingMin)
                            {
                                _writer.WriteLine($"{_p}allNumbers &= {_p}isNumber;");
                            }

                            if (floatingMax)
                            {
                                _writer.WriteLine($"{_p}anyNumbers |= {_p}isNumber;");
                            }
                        }

                        foreach (var a in inLanes)
                        {
                            EmitLaneUpdate(a, x, wide);
                        }

                        if (inOrder.Count > 0)
                        {
                            _writer.WriteLine("// Left to right, as LINQ adds: the lanes in order.");
                            using (_writer.Block($"for (int {_p}k = 0; {_p}k < {vectorOfT}.Count; {_p}k++)"))
                            {
                                foreach (var a in inOrder)
                                {
                                    _writer.WriteLine($"{_locals.Of(a)} += {x}[{_p}k];");
                                }
                            }
                        }
                    }

                    _writer.WriteLine();
                    _writer.WriteLine($"{_p}vectorized = {_p}vectors.Length * {vectorOfT}.Count;");
                    if (_readFlag is not null)
                    {
                        _writer.WriteLine($"{_readFlag} = true;");
                    }

                    foreach (var a in aggregates)
                    {
                        if (a.Lanes is LaneKind.WrappingSum or LaneKind.MinMax or LaneKind.FloatingMinMax)
                        {
                            _writer.WriteLine();   // the folds that are blocks
                        }

                        EmitFold(a, span, vectorOfT, mask);
                    }
                }

                _writer.WriteLine();
            }

            private void DeclareLanes(AggregateSpec a, string t, string vectorOfT)
            {
                var lanes = Lanes(a);
                var total = a.Accumulator == AccumulatorKind.ExactUnsigned ? "ulong" : "long";
                switch (a.Lanes)
                {
                    case LaneKind.WidenedSum:
                        _writer.WriteLine($"var {lanes} = {Vector}<{total}>.Zero;");
                        break;
                    case LaneKind.WrappingSum:
                        _writer.WriteLine($"var {lanes} = {Vector}<{total}>.Zero;");
                        _writer.WriteLine($"var {Wrapped(a)} = {Vector}<{total}>.Zero;");
                        break;
                    case LaneKind.ReorderedSum:
                        _writer.WriteLine($"var {lanes} = {Vector}<double>.Zero;");
                        break;
                    case LaneKind.MinMax:
                        _writer.WriteLine($"var {lanes} = new {vectorOfT}({t}.{(a.Kind == AggregateKind.Min ? "MaxValue" : "MinValue")});");
                        break;
                    case LaneKind.FloatingMinMax:
                        // Infinities are neutral; NaN lanes are never chosen (the fold deals with NaN).
                        _writer.WriteLine($"var {lanes} = new {vectorOfT}({t}.{(a.Kind == AggregateKind.Min ? "PositiveInfinity" : "NegativeInfinity")});");
                        break;
                }
            }

            /// <summary>
            /// Widens <paramref name="x"/> step by step to 64-bit lanes, adding each pair of halves: the sum of
            /// two values always fits twice their width, so a lane never wraps on elements narrower than 64 bits.
            /// </summary>
            private void EmitWiden(string x, int bits, string wide)
            {
                var current = x;
                for (var width = bits * 2; width <= 64; width *= 2)
                {
                    var next = width == 64 ? wide : $"{_p}wide{width}";
                    _writer.WriteLine($"{Vector}.Widen({current}, out var {_p}low{width}, out var {_p}high{width});");
                    _writer.WriteLine($"var {next} = {_p}low{width} + {_p}high{width};");
                    current = next;
                }
            }

            private void EmitLaneUpdate(AggregateSpec a, string x, string wide)
            {
                var lanes = Lanes(a);
                var isMin = a.Kind == AggregateKind.Min;
                switch (a.Lanes)
                {
                    case LaneKind.WrappingSum when a.Accumulator == AccumulatorKind.ExactSigned:
                        // Signed overflow: both operands have the sign the result lacks.
                        _writer.WriteLine($"var {_locals.Of(a)}Next = {lanes} + {x};");
                        _writer.WriteLine($"{Wrapped(a)} |= ({lanes} ^ {_locals.Of(a)}Next) & ({x} ^ {_locals.Of(a)}Next);");
                        _writer.WriteLine($"{lanes} = {_locals.Of(a)}Next;");
                        break;
                    case LaneKind.WrappingSum:
                        // Unsigned overflow: the result is below what was added.
                        _writer.WriteLine($"{lanes} += {x};");
                        _writer.WriteLine($"{Wrapped(a)} |= {Vector}.LessThan({lanes}, {x});");
                        break;
                    case LaneKind.WidenedSum:
                    case LaneKind.ReorderedSum:
                        _writer.WriteLine($"{lanes} += {wide};");
                        break;
                    case LaneKind.MinMax:
                        _writer.WriteLine($"{lanes} = {Vector}.{(isMin ? "Min" : "Max")}({lanes}, {x});");
                        break;
                    case LaneKind.FloatingMinMax:
                        // Vector.Min/Max differ across runtimes on NaN and signed zeros; a strict compare does not.
                        _writer.WriteLine($"{lanes} = {Vector}.ConditionalSelect({Vector}.{(isMin ? "LessThan" : "GreaterThan")}({x}, {lanes}), {x}, {lanes});");
                        break;
                }
            }

            private void EmitFold(AggregateSpec a, string span, string vectorOfT, string mask)
            {
                var acc = _locals.Of(a);
                var lanes = Lanes(a);
                var countVectorized = a.Kind == AggregateKind.Average ? $"{_locals.Of(a, "Count")} += {_p}vectorized;" : null;
                switch (a.Lanes)
                {
                    case LaneKind.Count:
                        _writer.WriteLine($"{acc} = checked({acc} + {_p}vectorized);");
                        break;
                    case LaneKind.WidenedSum:
                        // Each lane holds less than 2^61 and there are at most 8: the total fits.
                        _writer.WriteLine(ExactSumAccumulator.Add(a, _locals, $"{Vector}.Sum({lanes})"));
                        WriteIfNotNull(countVectorized);
                        break;
                    case LaneKind.WrappingSum:
                        var (wrapped, total) = a.Accumulator == AccumulatorKind.ExactSigned
                            ? ($"{Vector}.LessThanAny({Wrapped(a)}, {Vector}<long>.Zero)", "long")
                            : ($"!{Vector}.EqualsAll({Wrapped(a)}, {Vector}<ulong>.Zero)", "ulong");
                        using (_writer.Block($"if ({wrapped})"))
                        {
                            _writer.WriteLine("// A lane wrapped: add the elements again one by one, exactly.");
                            EmitReplay(a, span);
                        }

                        using (_writer.Block("else"))
                        {
                            using (_writer.Block($"for (int {_p}k = 0; {_p}k < {Vector}<{total}>.Count; {_p}k++)"))
                            {
                                _writer.WriteLine(ExactSumAccumulator.Add(a, _locals, $"{lanes}[{_p}k]"));
                            }

                            WriteIfNotNull(countVectorized);
                        }

                        break;
                    case LaneKind.ReorderedSum:
                        _writer.WriteLine($"{acc} += {Vector}.Sum({lanes}); // AllowReordering: lanes add in their own order");
                        WriteIfNotNull(countVectorized);
                        break;
                    case LaneKind.SequentialSum:
                        if (!OwnsLanes(a))
                        {
                            _writer.WriteLine($"{acc} = {_locals.Of(_laneOwners[a])}; // the same sum, added in the same order");
                        }

                        WriteIfNotNull(countVectorized);
                        break;
                    case LaneKind.MinMax:
                        EmitLaneFold(a, vectorOfT);
                        break;
                    case LaneKind.FloatingMinMax:
                        var (condition, reason) = a.Kind == AggregateKind.Min
                            ? ($"!{Vector}.EqualsAll({_p}allNumbers, new {mask}(-1))", "A NaN was read and Min is the first NaN")
                            : ($"{Vector}.EqualsAll({_p}anyNumbers, {mask}.Zero)", "Only NaNs were read and Max is the last of them");
                        using (_writer.Block($"if ({condition})"))
                        {
                            _writer.WriteLine($"// {reason}: read them again with the scalar rule.");
                            EmitReplay(a, span);
                        }

                        using (_writer.Block("else"))
                        {
                            EmitLaneFold(a, vectorOfT);
                            using (_writer.Block($"if ({acc} == 0)"))
                            {
                                _writer.WriteLine("// -0.0 equals +0.0 and the first of equal values wins: take the first zero read.");
                                using (_writer.Block($"for (int {_p}j = 0; {_p}j < {_p}vectorized; {_p}j++)"))
                                {
                                    using (_writer.Block($"if ({span}[{_p}j] == 0)"))
                                    {
                                        _writer.WriteLine($"{acc} = {span}[{_p}j];");
                                        _writer.WriteLine("break;");
                                    }
                                }
                            }
                        }

                        break;
                }
            }

            /// <summary>Feeds each lane to the scalar rule: for values equal bit for bit, order does not matter.</summary>
            private void EmitLaneFold(AggregateSpec a, string vectorOfT)
            {
                using (_writer.Block($"for (int {_p}k = 0; {_p}k < {vectorOfT}.Count; {_p}k++)"))
                {
                    _writer.WriteLine($"var {_p}lane = {Lanes(a)}[{_p}k];");
                    EmitAdds(new List<AggregateSpec> { a }, _locals, _p + "lane");
                }
            }

            /// <summary>The scalar loop for one aggregate over the elements the vectors covered.</summary>
            private void EmitReplay(AggregateSpec a, string span)
            {
                using (_writer.Block($"for (int {_p}j = 0; {_p}j < {_p}vectorized; {_p}j++)"))
                {
                    _writer.WriteLine($"var {_p}element = {span}[{_p}j];");
                    EmitAdds(new List<AggregateSpec> { a }, _locals, _p + "element");
                }
            }

            private void WriteIfNotNull(string? line)
            {
                if (line is not null)
                {
                    _writer.WriteLine(line);
                }
            }

            private static int Bits(VectorElement element) => element switch
            {
                VectorElement.SByte or VectorElement.Byte => 8,
                VectorElement.Int16 or VectorElement.UInt16 => 16,
                VectorElement.Int32 or VectorElement.UInt32 or VectorElement.Single => 32,
                _ => 64,
            };
        }
    }
}
