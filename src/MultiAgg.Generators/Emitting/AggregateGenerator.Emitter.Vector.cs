using System.Linq;
using MultiAgg.Generators.Emitting.Accumulators;
using MultiAgg.Generators.Specs;

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
            private const string Vector = VectorLanes.Vector;

            private void EmitVectorLoop(VectorElement element, string span)
            {
                var t = _spec.Source.ElementType;
                var aggregates = Aggregates.ToList();
                var lanes = new VectorLanes(aggregates, _writer, _context, _locals, span, t, element == VectorElement.Single);
                var owners = aggregates.Where(lanes.OwnsLanes).ToList();
                var inLanes = owners.Where(static a => a.Lanes is not (LaneKind.Count or LaneKind.SequentialSum)).ToList();
                var inOrder = owners.Where(static a => a.Lanes == LaneKind.SequentialSum).ToList();
                var bits = Bits(element);
                var (vectorOfT, mask, x) = (lanes.VectorOfT, lanes.Mask, lanes.X);
                lanes.Wide = bits == 64 ? x : _p + "wide";
                var needsWide = bits < 64 && inLanes.Any(static a => a.Lanes is LaneKind.WidenedSum or LaneKind.ReorderedSum);
                var floatingMin = inLanes.Any(static a => a.Lanes == LaneKind.FloatingMinMax && a.Kind == AggregateKind.Min);
                var floatingMax = inLanes.Any(static a => a.Lanes == LaneKind.FloatingMinMax && a.Kind == AggregateKind.Max);

                _writer.WriteLine($"int {lanes.Vectorized} = 0;");
                using (_writer.Block($"if ({Vector}.IsHardwareAccelerated && {span}.Length >= {vectorOfT}.Count)"))
                {
                    _writer.WriteLine("// Whole vectors first: each lane keeps its own partial result, folded in below.");
                    _writer.WriteLine($"var {_p}vectors = global::System.Runtime.InteropServices.MemoryMarshal.Cast<{t}, {vectorOfT}>({span});");
                    foreach (var a in inLanes)
                    {
                        Accumulator.Of(a).DeclareLanes(a, lanes);
                    }

                    if (floatingMin)
                    {
                        _writer.WriteLine($"var {lanes.AllNumbers} = new {mask}(-1); // a lane turns 0 once it reads a NaN");
                    }

                    if (floatingMax)
                    {
                        _writer.WriteLine($"var {lanes.AnyNumbers} = {mask}.Zero; // a lane turns -1 once it reads a number");
                    }

                    using (_writer.Block($"for (int {_p}v = 0; {_p}v < {_p}vectors.Length; {_p}v++)"))
                    {
                        EmitTokenCheck();
                        _writer.WriteLine($"var {x} = {_p}vectors[{_p}v];");
                        if (needsWide)
                        {
                            EmitWiden(x, bits, lanes.Wide);
                        }

                        if (floatingMin || floatingMax)
                        {
                            _writer.WriteLine($"var {_p}isNumber = {Vector}.Equals({x}, {x});");
                            if (floatingMin)
                            {
                                _writer.WriteLine($"{lanes.AllNumbers} &= {_p}isNumber;");
                            }

                            if (floatingMax)
                            {
                                _writer.WriteLine($"{lanes.AnyNumbers} |= {_p}isNumber;");
                            }
                        }

                        foreach (var a in inLanes)
                        {
                            Accumulator.Of(a).AddToLanes(a, lanes);
                        }

                        if (inOrder.Count > 0)
                        {
                            _writer.WriteLine("// Left to right, as LINQ adds: the lanes in order.");
                            using (_writer.Block($"for (int {_p}k = 0; {_p}k < {vectorOfT}.Count; {_p}k++)"))
                            {
                                foreach (var a in inOrder)
                                {
                                    Accumulator.Of(a).AddToLanes(a, lanes);
                                }
                            }
                        }
                    }

                    _writer.WriteLine();
                    _writer.WriteLine($"{lanes.Vectorized} = {_p}vectors.Length * {vectorOfT}.Count;");
                    if (_readFlag is not null)
                    {
                        _writer.WriteLine($"{_readFlag} = true;");
                    }

                    foreach (var a in aggregates)
                    {
                        if (a.Lanes is LaneKind.WrappingSum or LaneKind.MinMax or LaneKind.FloatingMinMax or LaneKind.ReorderedSum)
                        {
                            _writer.WriteLine();   // before the folds that are blocks (the writer leaves one after a block)
                        }

                        Accumulator.Of(a).FoldLanes(a, lanes);
                    }
                }

                _writer.WriteLine();
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
