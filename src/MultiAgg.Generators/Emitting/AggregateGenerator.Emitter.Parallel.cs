using System.Linq;
using MultiAgg.Generators.Emitting.Accumulators;
using MultiAgg.Generators.Specs;

namespace MultiAgg.Generators;

public sealed partial class AggregateGenerator
{
    internal static partial class Emitter
    {
        /// <summary>
        /// A method with a <c>ParallelOptions</c> parameter (DESIGN.md §7): the source in blocks, each through the same
        /// fused loop into a state of its own (a struct of the accumulators, or of the per-key records), the states merged
        /// in block order by <c>MultiAgg.Runtime.ParallelAggregation</c>, the results read from the merged state. Block
        /// sizes depend on the source's length alone, so every degree of parallelism gives the same bits.
        /// </summary>
        private sealed partial class MethodEmitter
        {
            private const string Runtime = "global::" + LibraryTypes.ParallelAggregation;

            private string Merged => _p + "merged";

            private void EmitParallel(ParallelSpec parallel)
            {
                var (options, state, source) = (parallel.OptionsName, parallel.NestedType, _spec.Source.ParameterName);
                var decided = DecidesEarly ? _p + "IsDecided" : "null";
                var continuation = ReadsAgain ? _p + (parallel.Split == ParallelSplit.Ranges ? "ContinueRange" : "ContinueChunk") : "null";
                var readsInOrder = ReadsInOrder ? $", {_p}ReadsInOrder" : "";
                var token = _spec.CancellationTokenName is { } methodToken ? $", cancellationToken: {methodToken}" : "";
                _writer.WriteLine($"{options}.CancellationToken.ThrowIfCancellationRequested(); // whether or not the source fills a block");
                _writer.WriteLine();
                if (parallel.Split == ParallelSplit.Ranges)
                {
                    var length = _p + "length";
                    _writer.WriteLine($"int {length} = {parallel.LengthExpression!.Replace("{0}", source)};");
                    _writer.WriteLine();
                    _writer.WriteLine("// Blocks on up to MaxDegreeOfParallelism workers, each into a state of its own, merged in block order (a source");
                    _writer.WriteLine("// of one block is read on the calling thread).");
                    _writer.WriteLine($"var {Merged} = {Runtime}.OverRanges<{state}>({length}, {options}, {_p}AddRange, {_p}Merge, {decided}, {continuation}{readsInOrder}{token});");
                    EmitMergedResults();
                    EmitAddRange(state);
                }
                else
                {
                    _writer.WriteLine("// Chunks pulled in order from the one enumerator (a list when the method runs: blocks copied by index), on up to");
                    _writer.WriteLine("// MaxDegreeOfParallelism workers, merged in order.");
                    _writer.WriteLine($"var {Merged} = {Runtime}.OverChunks<{_spec.Source.ElementType}, {state}>({source}, {options}, {_p}AddChunk, {_p}Merge, {decided}, {continuation}{readsInOrder}{token});");
                    EmitMergedResults();
                    EmitAddChunk(state);
                }

                EmitMergeFunction(state);
                if (DecidesEarly)
                {
                    EmitIsDecided(state);
                }

                if (ReadsAgain)
                {
                    EmitContinuation(state, continuation, parallel.Split);
                }

                if (ReadsInOrder)
                {
                    EmitReadsInOrder(state);
                }
            }

            /// <summary>
            /// Whether the next block is read in order, on top of the blocks before it, rather than merged (see
            /// <see cref="Accumulator.NeedsValuesInOrder"/>): while an aggregate that needs its values in order is undecided;
            /// per key, a key of the block that the blocks before it have met and left undecided (a key they have not met
            /// starts empty in the block as well, so its own state is the sequential loop's).
            /// </summary>
            private void EmitReadsInOrder(string state)
            {
                var (given, next, i) = (_p + "state", _p + "next", _p + "i");
                var inOrder = Aggregates.Where(static a => Accumulator.Of(a).NeedsValuesInOrder(a)).ToList();
                string Undecided(Scope scope) => inOrder.Count == 1 ? "!" + Accumulator.AllDecided(inOrder, scope) : $"!({Accumulator.AllDecided(inOrder, scope)})";
                _writer.WriteLine();
                if (_spec.Grouping is not { } grouping)
                {
                    _writer.WriteLine($"static bool {_p}ReadsInOrder({state} {given}, {state} {next}) => {Undecided(FieldsOf(given))};");
                    return;
                }

                var (key, known, at) = (_p + "key", _p + "knownKey", _p + "at");
                using (_writer.Block($"static bool {_p}ReadsInOrder({state} {given}, {state} {next})"))
                {
                    using (_writer.Block($"for (int {i} = 0; {i} < {next}.{Member("groupCount")}; {i}++)"))
                    {
                        _writer.WriteLine($"var {key} = {next}.{Member("groups")}[{i}].{grouping.KeyMember};");
                        _writer.WriteLine(grouping.KeyNulls == NullKind.None
                            ? $"if ({given}.{Member("index")}.TryGetValue({key}, out int {at}) && {Undecided(FieldsOf($"{given}.{Member("groups")}[{at}]"))}) return true;"
                            : $"int {at} = {key} is {{ }} {known} ? ({given}.{Member("index")}.TryGetValue({known}, out int {_p}found) ? {_p}found : -1) : {given}.{Member("nullKeyAt")};");
                        if (grouping.KeyNulls != NullKind.None)
                        {
                            _writer.WriteLine($"if ({at} >= 0 && {Undecided(FieldsOf($"{given}.{Member("groups")}[{at}]"))}) return true;");
                        }
                    }

                    _writer.WriteLine();
                    _writer.WriteLine("return false;");
                }
            }

            /// <summary>
            /// The sequential loop, going on from the state of the blocks before a block whose selector failed, over that
            /// block: its own loop skipped an attribute's <c>Where</c> and <c>Of</c> only once its own state had decided the
            /// attribute, and what came before may have decided it sooner (then the sequential loop never calls them there,
            /// nor meets the failure). The accumulators are read from the state and written back; the loop is the plain
            /// one, which skips and stops where the sequential loop does.
            /// </summary>
            private void EmitContinuation(string state, string name, ParallelSplit split)
            {
                var (given, i) = (_p + "state", _p + "i");
                _writer.WriteLine();
                if (split == ParallelSplit.Ranges)
                {
                    var (source, start, end) = (_spec.Source, _p + "start", _p + "end");
                    using (_writer.Block($"void {name}(ref {state} {given}, int {start}, int {end}, {CancellationTokenType} {LoopToken})"))
                    {
                        LoadState(given);
                        if (source.Kind == SourceKind.Span)
                        {
                            var span = _p + "span";
                            _writer.WriteLine($"var {span} = {BlockSpan(start, end)};");
                            EmitLoopByIndex(span, i, "0", span + ".Length");
                        }
                        else
                        {
                            EmitLoopByIndex(source.ParameterName, i, start, end);
                        }

                        StoreState(given);
                    }
                }
                else
                {
                    var (items, count) = (_p + "items", _p + "itemCount");
                    using (_writer.Block($"void {name}(ref {state} {given}, {_spec.Source.ElementType}[] {items}, int {count}, {CancellationTokenType} {LoopToken})"))
                    {
                        LoadState(given);
                        EmitLoopOverChunk(items, count, i);
                        StoreState(given);
                    }
                }
            }

            /// <summary>
            /// The type of a block's token, which its loop checks before each element (see <see cref="LoopToken"/>): the
            /// runtime cancels it with the caller's tokens, and when the results no longer need the block (decided, or an
            /// earlier block failed).
            /// </summary>
            private const string CancellationTokenType = "global::System.Threading.CancellationToken";

            /// <summary>
            /// The elements <c>[start, end)</c> of a span source, as a span: of the array itself (a span parameter, which no
            /// block could capture, is never split), or a slice of the span it gives (a list's, an immutable array's...).
            /// </summary>
            private string BlockSpan(string start, string end)
            {
                var source = _spec.Source;
                return source.SpanExpression == "{0}"
                    ? $"new global::System.ReadOnlySpan<{source.ElementType}>({source.ParameterName}, {start}, {end} - {start})"
                    : $"{source.SpanExpression!.Replace("{0}", source.ParameterName)}.Slice({start}, {end} - {start})";
            }

            /// <summary>The accumulators (or per-key records) as the loop's locals, from a state.</summary>
            private void LoadState(string given)
            {
                if (_spec.Grouping is { } grouping)
                {
                    LoadKeyStorage(grouping, given);
                    _writer.WriteLine();
                    return;
                }

                var fields = FieldsOf(given);
                foreach (var a in Aggregates)
                {
                    foreach (var variable in Accumulator.Of(a).State(a, _context))
                    {
                        _writer.WriteLine($"var {_locals.Of(a, variable.Suffix)} = {fields.Of(a, variable.Suffix)};");
                    }
                }

                _writer.WriteLine();
            }

            /// <summary>The loop's locals back into the state.</summary>
            private void StoreState(string given)
            {
                _writer.WriteLine();
                if (_spec.Grouping is { } grouping)
                {
                    StoreKeyStorage(grouping, given);
                    return;
                }

                var fields = FieldsOf(given);
                foreach (var a in Aggregates)
                {
                    foreach (var variable in Accumulator.Of(a).State(a, _context))
                    {
                        _writer.WriteLine($"{fields.Of(a, variable.Suffix)} = {_locals.Of(a, variable.Suffix)};");
                    }
                }
            }

            /// <summary>Whether the merged state can be decided before every block is read, as the loop exits early.</summary>
            private bool DecidesEarly => _spec.Grouping is null && Accumulator.CanAllBeDecided(Aggregates);

            /// <summary>
            /// Whether a block whose selector failed is read again from the blocks before it (see <see cref="EmitContinuation"/>):
            /// when some attribute stops calling its selectors once decided, or its value once the aggregates given it are
            /// decided (per key, with [GroupBy]), which a block cannot know of the blocks before it.
            /// </summary>
            private bool ReadsAgain => ReadsInOrder || _spec.Attributes.Any(static attribute => Accumulator.CanAllBeDecided(attribute.Aggregates) || ReadsValueOnlyUntilDecided(attribute));

            /// <summary>Whether some aggregate needs its values in order, which a merge of blocks cannot give it (see <see cref="EmitReadsInOrder"/>).</summary>
            private bool ReadsInOrder => Aggregates.Any(static a => Accumulator.Of(a).NeedsValuesInOrder(a));

            /// <summary>The results, from the merged state.</summary>
            private void EmitMergedResults()
            {
                if (_spec.Grouping is { } grouping)
                {
                    LoadKeyStorage(grouping, Merged, recordsOnly: true);
                    EmitGroupedResults(grouping);
                    return;
                }

                EmitResultLocals(FieldsOf(Merged));
                _writer.WriteLine();
                _writer.WriteLine($"return {ResultExpression()};");
            }

            /// <summary>The elements <c>[start, end)</c> of an indexable source, through the sequential loop's body (and vector loop).</summary>
            private void EmitAddRange(string state)
            {
                var (source, start, end, i) = (_spec.Source, _p + "start", _p + "end", _p + "i");
                _writer.WriteLine();
                using (_writer.Block($"{state} {_p}AddRange(int {start}, int {end}, {CancellationTokenType} {LoopToken})"))
                {
                    DeclareState();
                    if (source.Kind == SourceKind.Span)
                    {
                        EmitSpanPath(BlockSpan(start, end));
                    }
                    else if (source.MayBeContiguous)
                    {
                        // An array (or List<T>) behind the interface: the block as a span, as the sequential method reads it.
                        var whole = _p + "whole";
                        using (_writer.Block($"if ({_p}TryGetSpan({source.ParameterName}, out var {whole}))"))
                        {
                            EmitSpanPath($"{whole}.Slice({start}, {end} - {start})");
                        }

                        using (_writer.Block("else"))
                        {
                            EmitLoopByIndex(source.ParameterName, i, start, end);
                        }
                    }
                    else
                    {
                        EmitLoopByIndex(source.ParameterName, i, start, end);
                    }

                    _writer.WriteLine();
                    EmitReturnState(state);
                }
            }

            /// <summary>A chunk copied from the enumerator, through the sequential loop's body.</summary>
            private void EmitAddChunk(string state)
            {
                var (items, count, i) = (_p + "items", _p + "itemCount", _p + "i");
                _writer.WriteLine();
                using (_writer.Block($"{state} {_p}AddChunk({_spec.Source.ElementType}[] {items}, int {count}, {CancellationTokenType} {LoopToken})"))
                {
                    DeclareState();
                    EmitLoopOverChunk(items, count, i);

                    _writer.WriteLine();
                    EmitReturnState(state);
                }
            }

            /// <summary>
            /// A chunk's elements, the first <paramref name="count"/> of its buffer, as a span where there is one: a loop to
            /// the span's length needs no bounds check per element, where one to the count does.
            /// </summary>
            private void EmitLoopOverChunk(string items, string count, string i)
            {
                if (!_spec.Parallel!.ReadsChunksAsSpans)
                {
                    EmitLoopByIndex(items, i, "0", count);
                    return;
                }

                var span = _p + "span";
                _writer.WriteLine($"var {span} = new global::System.ReadOnlySpan<{_spec.Source.ElementType}>({items}, 0, {count});");
                EmitLoopByIndex(span, i, "0", span + ".Length");
            }

            /// <summary>The loop body for the elements <c>[from, to)</c> of something indexable.</summary>
            private void EmitLoopByIndex(string collection, string i, string from, string to)
            {
                using (_writer.Block($"for (int {i} = {from}; {i} < {to}; {i}++)"))
                {
                    EmitTokenCheck();
                    _writer.WriteLine($"var {_item} = {collection}[{i}];");
                    EmitBody(InPlace);
                }
            }

            /// <summary>The block's accumulators (or per-key records) as its state.</summary>
            private void EmitReturnState(string state)
            {
                _writer.WriteLine($"return new {state}");
                using (_writer.Initializer())
                {
                    if (_spec.Grouping is { } grouping)
                    {
                        InitializeKeyStorage(grouping);
                        return;
                    }

                    var fields = FieldsOf();
                    foreach (var a in Aggregates)
                    {
                        foreach (var variable in Accumulator.Of(a).State(a, _context))
                        {
                            _writer.WriteLine($"{fields.Of(a, variable.Suffix)} = {_locals.Of(a, variable.Suffix)},");
                        }
                    }
                }
            }

            /// <summary>
            /// Folds a block's state into the state of the blocks before it: each kind's merge, as if the block's values had
            /// come after; per key, the later block's keys in their first-seen order after the earlier's.
            /// </summary>
            private void EmitMergeFunction(string state)
            {
                var (into, other) = (_p + "into", _p + "other");
                _writer.WriteLine();
                using (_writer.Block($"static void {_p}Merge(ref {state} {into}, {state} {other})"))
                {
                    if (_spec.Grouping is not { } grouping)
                    {
                        EmitMerges(FieldsOf(into), FieldsOf(other));
                        return;
                    }

                    // The per-key records of the earlier blocks, as the loop's own locals, for the loop's own lookup.
                    LoadKeyStorage(grouping, into);

                    var (i, theirs) = (_p + "i", _p + "theirs");
                    using (_writer.Block($"for (int {i} = 0; {i} < {other}.{Member("groupCount")}; {i}++)"))
                    {
                        // Read in place: two blocks' states never share their records.
                        _writer.WriteLine($"ref readonly var {theirs} = ref {other}.{Member("groups")}[{i}];");
                        var mine = EmitFindGroup(grouping, theirs + "." + grouping.KeyMember);
                        EmitMerges(mine, FieldsOf(theirs));
                    }

                    _writer.WriteLine();
                    StoreKeyStorage(grouping, into);
                }
            }

            /// <summary>Whether no later block can change any result: then no block starts.</summary>
            private void EmitIsDecided(string state)
            {
                var merged = FieldsOf(_p + "state");
                _writer.WriteLine();
                _writer.WriteLine($"static bool {_p}IsDecided({state} {_p}state) =>");
                _writer.WriteLine($"    {Accumulator.AllDecided(Aggregates, merged)};");
            }

            /// <summary>The struct a block's state is kept in, beside the method.</summary>
            private void EmitStateType(ParallelSpec parallel)
            {
                using (OpenNestedType($"The accumulators of a block of {OwnerName}'s source; blocks merge in order.", $"private struct {parallel.NestedType}"))
                {
                    if (_spec.Grouping is { } grouping)
                    {
                        foreach (var part in KeyStorage(grouping))
                        {
                            WriteKeyStorage(grouping, part, $"public {part.Type} {Member(part.Name)};");
                        }

                        return;
                    }

                    var fields = FieldsOf();
                    EmitMembersByAttribute(a => Accumulator.Of(a).State(a, _context).Select(v => $"public {v.Type} {fields.Of(a, v.Suffix)};"));
                }
            }
        }
    }
}
