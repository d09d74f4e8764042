using System.Collections.Generic;
using System.Linq;
using MultiAgg.Generators.Emitting;
using MultiAgg.Generators.Emitting.Accumulators;
using MultiAgg.Generators.Specs;

namespace MultiAgg.Generators;

public sealed partial class AggregateGenerator
{
    internal static partial class Emitter
    {
        /// <summary>
        /// An async method with a <c>ParallelOptions</c> parameter (DESIGN.md §7): the loop starts elements into a
        /// <c>MultiAgg.Runtime.EvaluationWindow</c> while it has room, each evaluated by <c>__Evaluate</c> (every Of,
        /// Where and key of the element, awaited where they are asynchronous) on the options' scheduler, and folds the
        /// values it takes back with the sequential loop's own body, reading them from the evaluated struct instead of
        /// the element. Values come back in source order, or as they complete when no result depends on the order.
        /// </summary>
        private sealed partial class MethodEmitter
        {
            private const string WindowType = "global::" + LibraryTypes.EvaluationWindow;

            private string Window => _p + "window";

            private string Values => _p + "values";

            private string Evaluate => _p + "Evaluate";

            /// <summary>Whether values are folded as they complete: every aggregate gives the same result in any order, and no key's first-seen order is kept.</summary>
            private bool InCompletionOrder => _spec.Grouping is null && Aggregates.All(static a => Accumulator.Of(a).IsOrderIndependent(a));

            private string Enumerator => _p + "enumerator";

            /// <summary>Whether the source may have another element: false once a move says it has none.</summary>
            private string More => _p + "more";

            /// <summary>The source's <c>MoveNextAsync</c>, while it keeps the loop waiting.</summary>
            private string Moving => _p + "moving";

            private string Current => _p + "current";

            private void EmitWindow(ParallelSpec window)
            {
                _writer.WriteLine(_spec.CancellationTokenName is null
                    ? "// The caller's token, whether or not the source has an element."
                    : "// The caller's tokens, whether or not the source has an element.");
                _writer.WriteLine($"{window.OptionsName}.CancellationToken.ThrowIfCancellationRequested();");
                if (_spec.CancellationTokenName is { } token)
                {
                    _writer.WriteLine($"{token}.ThrowIfCancellationRequested();");
                }

                _writer.WriteLine();
                DeclareState();
                DeclareDecidedFlags();
                EmitCreateWindow(window);
                using (_writer.Block("try"))
                {
                    EmitReadSource();
                }

                if (_spec.Source.Kind == SourceKind.AsyncForeach)
                {
                    var canceled = _p + "canceled";
                    using (_writer.Block($"catch (global::System.OperationCanceledException {canceled}) when ({Window}.IsOwnCancellation({canceled}))"))
                    {
                        _writer.WriteLine("// The results were decided, and the window had cancelled the source's token (to end a pending move); the");
                        _writer.WriteLine("// sequential loop would have disposed the source with no token cancelled. The results stand.");
                    }

                    EmitObserve("the enumerator's disposal throws");
                }
                else
                {
                    EmitObserve("the loop throws, before the window winds down");
                }

                using (_writer.Block("finally"))
                {
                    _writer.WriteLine("// Cancels what still runs (after an early exit or a failure) and waits for it; if the loop failed, rethrows the");
                    _writer.WriteLine("// first failure in place of what the loop threw, when that is another (the source's cancellation may be its");
                    _writer.WriteLine("// consequence).");
                    _writer.WriteLine($"await {Window}.StopAsync().ConfigureAwait(false);");
                }

                _writer.WriteLine();
                EmitResults();
                EmitEvaluate(window);
            }

            /// <summary>The flags evaluations read to skip what no longer counts (see <see cref="EmitRaiseDecided"/>).</summary>
            private void DeclareDecidedFlags()
            {
                var flagged = FlaggedAttributes().ToList();
                if (flagged.Count == 0)
                {
                    return;
                }

                var (decided, valued) = (flagged.Any(static f => !f.OnlyValue), flagged.Any(static f => f.OnlyValue));
                var skipped = flagged.Any(static f => !f.OnlyValue && f.Attribute.FilterExpression is not null) ? "its Where and Of" : "its Of";
                if (decided && valued)
                {
                    _writer.WriteLine($"// Raised once an attribute's results are final (decided: evaluations begun from then on skip {skipped}),");
                    _writer.WriteLine("// or once the aggregates given its values are (valued: they skip its Of).");
                }
                else
                {
                    _writer.WriteLine(decided
                        ? $"// Raised once an attribute's results are final: evaluations begun from then on skip {skipped}."
                        : "// Raised once the aggregates given an attribute's values are decided: evaluations begun from then on skip its Of.");
                }

                foreach (var (_, attribute, flag, _) in flagged)
                {
                    _writer.WriteLine($"bool {flag} = false; // {attribute.Description}");
                }

                _writer.WriteLine();
            }

            private void EmitCreateWindow(ParallelSpec window)
            {
                if (InCompletionOrder)
                {
                    _writer.WriteLine("// At most MaxDegreeOfParallelism elements evaluated at a time (on the options' scheduler), their values folded as");
                    _writer.WriteLine("// they complete: every result here is the same in any order, so a slow element holds up none of the others.");
                }
                else
                {
                    _writer.WriteLine("// At most MaxDegreeOfParallelism elements evaluated at a time (on the options' scheduler), their values folded in");
                    _writer.WriteLine("// source order, so the results are the sequential loop's to the last bit; values done early wait in the window.");
                }

                var methodToken = _spec.CancellationTokenName ?? "default";
                _writer.WriteLine($"var {Window} = new {WindowType}<{_spec.Source.ElementType}, {window.NestedType}>({window.OptionsName}, {methodToken}, inSourceOrder: {(InCompletionOrder ? "false" : "true")}, {Evaluate});");
            }

            /// <summary>One reader of the source, which reads no further ahead than the window has room for.</summary>
            private void EmitReadSource()
            {
                var (source, element) = (_spec.Source, _spec.Source.ElementType);
                if (source.Kind != SourceKind.AsyncForeach)
                {
                    _writer.WriteLine($"using var {Enumerator} = ((global::System.Collections.Generic.IEnumerable<{element}>){source.ParameterName}).GetEnumerator();");
                    EmitStartAndFoldLoop(async: false);
                    return;
                }

                var asyncEnumerable = $"global::System.Collections.Generic.IAsyncEnumerable<{element}>";
                _writer.WriteLine($"var {Enumerator} = (({asyncEnumerable}){source.ParameterName}).GetAsyncEnumerator({Window}.Token);");
                using (_writer.Block($"await using (global::System.Threading.Tasks.TaskAsyncEnumerableExtensions.ConfigureAwait({Enumerator}, false))"))
                {
                    _writer.WriteLine($"global::System.Threading.Tasks.Task<bool>? {Moving} = null; // the source's MoveNextAsync, while it keeps the loop waiting");

                    // An awaited disposal runs before an exception filter outside it: the loop's exception is noted here,
                    // so that nothing failing while the enumerator is disposed passes for the first failure.
                    using (_writer.Block("try"))
                    {
                        EmitStartAndFoldLoop(async: true);
                    }

                    EmitObserve("the loop throws, before the enumerator is disposed");
                    using (_writer.Block("finally"))
                    {
                        _writer.WriteLine("// A move still pending (the results decided, or a failure, while the source was quiet) is cancelled and");
                        _writer.WriteLine("// waited out: an async iterator cannot be disposed while its MoveNextAsync is pending.");
                        _writer.WriteLine($"if ({Moving} is not null) await {Window}.AbandonMoveAsync({Moving}).ConfigureAwait(false);");
                    }
                }
            }

            /// <summary>The loop: start elements while the window has room, then take the next value and fold it.</summary>
            private void EmitStartAndFoldLoop(bool async)
            {
                _writer.WriteLine($"bool {More} = true;");
                using (_writer.Block("while (true)"))
                {
                    if (async)
                    {
                        _writer.WriteLine("// Start elements while fewer than MaxDegreeOfParallelism are pending; while the source keeps the loop waiting");
                        _writer.WriteLine("// for its next element, values done meanwhile are folded (they may decide the results).");
                    }
                    else
                    {
                        _writer.WriteLine("// Start elements while fewer than MaxDegreeOfParallelism are pending.");
                    }

                    using (_writer.Block($"while ({More} && {Window}.HasRoom)"))
                    {
                        if (async)
                        {
                            EmitStartNextAsync();
                        }
                        else
                        {
                            _writer.WriteLine($"{More} = {Window}.MoveNext({Enumerator}, out var {Current}); // a source that throws: the elements started before it come first");
                            _writer.WriteLine($"if ({More}) {Window}.Start({Current});");
                        }
                    }

                    _writer.WriteLine();
                    _writer.WriteLine($"if ({Window}.IsEmpty) break; // the source is done, and every element folded");
                    _writer.WriteLine();
                    _writer.WriteLine($"if (!{Window}.TryTakeDone(out var {Values})) {Values} = await {Window}.TakeAsync().ConfigureAwait(false);");
                    if (ReadsElement)
                    {
                        _writer.WriteLine($"var {_item} = {Values}.{ElementField};");
                    }

                    _writer.WriteLine();
                    EmitBody(ElementReads.Evaluated(Values, Window, KeptFailures.Where.Keys, KeptFailures.Of.Keys));
                    EmitRaiseDecided();
                }

                _writer.WriteLine();
                _writer.WriteLine($"{Window}.Finish(); // every value the results need is folded: nothing that fails from now on counts");
            }

            /// <summary>
            /// Starts the async source's next element: a move begun (or, pending, waited for while values done meanwhile
            /// are folded), then its element started; a move or a <c>Current</c> that throws fails as a failed move would.
            /// </summary>
            private void EmitStartNextAsync()
            {
                var (element, move, thrown) = (_spec.Source.ElementType, _p + "move", _p + "thrown");
                using (_writer.Block($"if ({Moving} is null)"))
                {
                    // A source that throws rather than return a failed move fails the same way.
                    var valueTask = "global::System.Threading.Tasks.ValueTask<bool>";
                    _writer.WriteLine($"{valueTask} {move};");
                    using (_writer.Block("try"))
                    {
                        _writer.WriteLine($"{move} = {Enumerator}.MoveNextAsync();");
                    }

                    using (_writer.Block($"catch (global::System.Exception {thrown})"))
                    {
                        _writer.WriteLine($"{move} = new {valueTask}(global::System.Threading.Tasks.Task.FromException<bool>({thrown})); // as a move that failed");
                    }

                    _writer.WriteLine();
                    _writer.WriteLine($"if ({move}.IsCompletedSuccessfully) {More} = {move}.Result; // at once: nothing to wait for");
                    _writer.WriteLine($"else {Moving} = {move}.AsTask(); // a failed move too: the elements started before it come first");
                }

                _writer.WriteLine();
                using (_writer.Block($"if ({Moving} is not null)"))
                {
                    _writer.WriteLine($"if (!await {Window}.WhenMovedAsync({Moving}).ConfigureAwait(false)) break; // a value to fold first: the move stays pending");
                    _writer.WriteLine($"{More} = await {Moving}.ConfigureAwait(false);");
                    _writer.WriteLine($"{Moving} = null;");
                }

                _writer.WriteLine();
                using (_writer.Block($"if ({More})"))
                {
                    // A Current that throws (a reader parsing the row it moved to) fails as its move would have.
                    _writer.WriteLine($"{element} {Current};");
                    using (_writer.Block("try"))
                    {
                        _writer.WriteLine($"{Current} = {Enumerator}.Current;");
                    }

                    using (_writer.Block($"catch (global::System.Exception {thrown})"))
                    {
                        _writer.WriteLine($"{Moving} = global::System.Threading.Tasks.Task.FromException<bool>({thrown}); // as a move that failed");
                        _writer.WriteLine("continue;");
                    }

                    _writer.WriteLine();
                    _writer.WriteLine($"{Window}.Start({Current});");
                }
            }

            /// <summary>The filter that notes the first failure for the window (see <c>EvaluationWindow.Observe</c>), and never catches.</summary>
            private void EmitObserve(string what)
            {
                var exception = _p + "exception";
                using (_writer.Block($"catch (global::System.Exception {exception}) when ({Window}.Observe({exception}))"))
                {
                    _writer.WriteLine($"throw; // never: Observe notes what {what}, and lets it through");
                }
            }

            /// <summary>
            /// The evaluation of one element: its key, then each attribute's filter and (where it passes) value, in the
            /// order the sequential loop reads them, into the values struct.
            /// </summary>
            private void EmitEvaluate(ParallelSpec window)
            {
                var (values, token, type) = (Values, _p + "token", window.NestedType);
                var reads = ElementReads.InEvaluation(token);
                var task = $"global::System.Threading.Tasks.Task<{type}>";
                _writer.WriteLine();
                var awaits = EvaluatedExpressions().Any(ValueSpec.Awaits);
                var flags = FlaggedAttributes().ToDictionary(static d => d.Index, static d => (d.Flag, d.OnlyValue));
                var kept = KeptFailures;
                var (keeping, keepsBehind) = (_p + "keeping", kept.Where.Values.Concat(kept.Of.Values).Contains(Keep.Behind));
                using (_writer.Block($"{(awaits ? "async " : "")}{task} {Evaluate}({_spec.Source.ElementType} {_item}, global::System.Threading.CancellationToken {token})"))
                {
                    if (awaits)
                    {
                        _writer.WriteLine("// Begun on the options' scheduler: each await continues there (ConfigureAwait(true)).");
                    }

                    _writer.WriteLine($"var {values} = new {type}();");
                    if (ReadsElement)
                    {
                        _writer.WriteLine($"{values}.{ElementField} = {_item};");
                    }

                    if (_spec.Grouping is { } grouping)
                    {
                        _writer.WriteLine($"{values}.{KeyField} = {ReadKey(reads, grouping)};");
                    }

                    if (keepsBehind)
                    {
                        _writer.WriteLine($"var {keeping} = false; // a failure is kept: the ones after it are kept too, behind it");
                    }

                    var readBefore = _spec.Grouping is not null;
                    foreach (var (index, attribute, filters, readsValue) in EvaluatedAttributes())
                    {
                        _writer.WriteLine();
                        _writer.WriteLine("// " + attribute.Description);
                        if (readBefore)
                        {
                            // The window stopped (a failure, results decided, the caller's cancellation) while an earlier
                            // read ran: nothing needs this element's other values, and no selector is called for them.
                            _writer.WriteLine($"{token}.ThrowIfCancellationRequested();");
                        }

                        readBefore = true;
                        if (flags.TryGetValue(index, out var flagged) && !flagged.OnlyValue)
                        {
                            using (_writer.Block($"if (!{Raised(flagged.Flag)})"))
                            {
                                EmitReads(index, filters, readsValue, valueFlag: null);
                            }
                        }
                        else
                        {
                            EmitReads(index, filters, readsValue, valueFlag: flagged.OnlyValue ? flagged.Flag : null);
                        }
                    }

                    _writer.WriteLine();
                    _writer.WriteLine(awaits ? $"return {values};" : $"return global::System.Threading.Tasks.Task.FromResult({values});");
                }

                // The value is read where the filter passes and, with a flag, until the loop raises it (a First beside a Count).
                void EmitReads(int index, bool filters, bool readsValue, string? valueFlag)
                {
                    var value = $"{values}.{ValueField(index)} = {SourceWriter.Unparenthesized(ReadValue(reads, index))};";
                    if (filters)
                    {
                        EmitRead($"{values}.{FilterField(index)} = {SourceWriter.Unparenthesized(ReadFilter(reads, index))};", kept.Where, index, FailedWhereField(index));
                    }

                    if (!readsValue)
                    {
                        return;
                    }

                    if (filters)
                    {
                        _writer.WriteLine($"{token}.ThrowIfCancellationRequested(); // as before each attribute: the Where may have run long");
                    }

                    var conditions = new[] { filters ? $"{values}.{FilterField(index)}" : null, valueFlag is null ? null : "!" + Raised(valueFlag) }
                        .Where(static c => c is not null)
                        .ToList();
                    if (conditions.Count == 0)
                    {
                        EmitRead(value, kept.Of, index, FailedOfField(index));
                    }
                    else if (!kept.Of.ContainsKey(index))
                    {
                        _writer.WriteLine($"if ({string.Join(" && ", conditions)}) {value}");
                    }
                    else
                    {
                        using (_writer.Block($"if ({string.Join(" && ", conditions)})"))
                        {
                            EmitRead(value, kept.Of, index, FailedOfField(index));
                        }
                    }
                }

                static string Raised(string flag) => $"global::System.Threading.Volatile.Read(ref {flag})";

                // One Where or Of: what it throws is kept, where KeptFailures says, for the fold to throw where the sequential
                // loop would call it (or not). The window's cancellation ends the evaluation.
                void EmitRead(string read, Dictionary<int, Keep> keptReads, int index, string failed)
                {
                    if (!keptReads.TryGetValue(index, out var keep))
                    {
                        _writer.WriteLine(read);
                        return;
                    }

                    using (_writer.Block("try"))
                    {
                        _writer.WriteLine(read);
                    }

                    var (failure, behind) = (_p + "failure", keep == Keep.Behind ? keeping + " && " : "");
                    using (_writer.Block($"catch (global::System.Exception {failure}) when ({behind}!{token}.IsCancellationRequested)"))
                    {
                        _writer.WriteLine($"{values}.{failed} = global::System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture({failure}); // thrown where it is folded, if it is read there");
                        if (keepsBehind)
                        {
                            _writer.WriteLine($"{keeping} = true;");
                        }
                    }
                }
            }

            /// <summary>
            /// After a value is folded, raises the flag of each attribute whose results it made final (or those of the
            /// aggregates given its values), so that evaluations begun from then on skip that attribute's Where and Of (its Of), as the
            /// sequential loop stops calling them; those begun before may still call them (up to MaxDegreeOfParallelism
            /// elements ahead).
            /// </summary>
            private void EmitRaiseDecided()
            {
                var flagged = FlaggedAttributes().ToList();
                if (flagged.Count == 0)
                {
                    return;
                }

                _writer.WriteLine();
                foreach (var (_, attribute, flag, onlyValue) in flagged)
                {
                    var decided = onlyValue ? ValueTakers(attribute) : attribute.Aggregates.ToList();
                    _writer.WriteLine($"if (!{flag} && {Accumulator.AllDecided(decided, _locals)}) global::System.Threading.Volatile.Write(ref {flag}, true);");
                }
            }

            /// <summary>
            /// The Where and Of reads whose failures an evaluation keeps for the fold to throw where the sequential loop would
            /// call them (the fold reads them through the window's <c>Read</c>): always those the fold may not read, as it
            /// reads a decidable attribute's Where and Of only while it is undecided, and an Of only until the aggregates given it are decided
            /// (First beside Count); and behind a kept failure, those after it, which come after it.
            /// </summary>
            private (Dictionary<int, Keep> Where, Dictionary<int, Keep> Of) KeptFailures => _keptFailures ??= FindKeptFailures();

            private (Dictionary<int, Keep> Where, Dictionary<int, Keep> Of)? _keptFailures;

            private (Dictionary<int, Keep> Where, Dictionary<int, Keep> Of) FindKeptFailures()
            {
                var (where, of, seen) = (new Dictionary<int, Keep>(), new Dictionary<int, Keep>(), false);
                foreach (var (index, attribute, filters, readsValue) in EvaluatedAttributes())
                {
                    var decidable = Accumulator.CanAllBeDecided(attribute.Aggregates);
                    if (filters)
                    {
                        Add(where, decidable);
                    }

                    if (readsValue)
                    {
                        Add(of, decidable || ReadsValueOnlyUntilDecided(attribute));
                    }

                    void Add(Dictionary<int, Keep> reads, bool mayBeSkipped)
                    {
                        if (mayBeSkipped || seen)
                        {
                            reads[index] = mayBeSkipped ? Keep.Always : Keep.Behind;
                            seen = true;
                        }
                    }
                }

                return (where, of);
            }

            /// <summary>Whether a read's failure is kept always, or only behind another kept failure of the element.</summary>
            private enum Keep
            {
                Always,
                Behind,
            }

            /// <summary>
            /// The evaluated attributes whose results can be final before the source ends, each with the flag the loop raises
            /// once they are (see <see cref="EmitRaiseDecided"/>), which evaluations begun from then on read to skip them;
            /// and those whose value only decidable aggregates read (<see cref="FusedEmitter.ReadsValueOnlyUntilDecided"/>), flagged
            /// once they are decided (<c>OnlyValue</c>), after which evaluations skip the Of but still read the Where.
            /// None with [GroupBy]: per key, a later element may always start a new key.
            /// </summary>
            private IEnumerable<(int Index, AggregateAttributeSpec Attribute, string Flag, bool OnlyValue)> FlaggedAttributes()
            {
                if (_spec.Grouping is not null)
                {
                    yield break;
                }

                foreach (var (index, attribute, _, readsValue) in EvaluatedAttributes())
                {
                    if (Accumulator.CanAllBeDecided(attribute.Aggregates))
                    {
                        yield return (index, attribute, _p + "decided" + index, false);
                    }
                    else if (readsValue && ReadsValueOnlyUntilDecided(attribute))
                    {
                        yield return (index, attribute, _p + "valued" + index, true);
                    }
                }
            }

            /// <summary>The expressions an element's evaluation runs: its key, and each attribute's filter and value where it stores them.</summary>
            private IEnumerable<string> EvaluatedExpressions()
            {
                if (_spec.Grouping is { } grouping)
                {
                    yield return grouping.KeyExpression;
                }

                foreach (var (_, attribute, filters, readsValue) in EvaluatedAttributes())
                {
                    if (filters)
                    {
                        yield return attribute.FilterExpression!;
                    }

                    if (readsValue)
                    {
                        yield return attribute.Value.Expression;
                    }
                }
            }

            /// <summary>
            /// The attributes an element's evaluation stores something of, with what: whether the element passes the
            /// filter, and the value (unless it is the element itself, or no aggregate of the attribute reads it).
            /// </summary>
            private IEnumerable<(int Index, AggregateAttributeSpec Attribute, bool Filters, bool ReadsValue)> EvaluatedAttributes()
            {
                for (var index = 0; index < Attributes.Count; index++)
                {
                    var attribute = Attributes[index];
                    var (filters, readsValue) = (attribute.FilterExpression is not null, ReadsValue(attribute) && !attribute.Value.IsElement);
                    if (filters || readsValue)
                    {
                        yield return (index, attribute, filters, readsValue);
                    }
                }
            }

            /// <summary>The struct one element's evaluation fills, beside the method.</summary>
            private void EmitValuesType(ParallelSpec window)
            {
                // Its summary names only what the struct holds.
                var evaluated = EvaluatedAttributes().ToList();
                var gave = new[] { evaluated.Any(static e => e.ReadsValue) ? "Of" : null, evaluated.Any(static e => e.Filters) ? "Where" : null, _spec.Grouping is null ? null : "key" }
                    .OfType<string>().ToList();
                var summary = (ReadsElement, gave.Count) switch
                {
                    (_, 0) => "the element",
                    (var element, _) => (element ? "the element, and " : "") + "what its " + (gave.Count == 1 ? gave[0] : string.Join(", ", gave.Take(gave.Count - 1)) + " and " + gave[gave.Count - 1]) + " gave",
                };
                using (OpenNestedType($"One element of {OwnerName}'s source, evaluated: {summary}.", $"private struct {window.NestedType}"))
                {
                    var kept = KeptFailures;
                    var separate = false;
                    if (ReadsElement)
                    {
                        _writer.WriteLine($"public {_spec.Source.ElementType} {ElementField};");
                        separate = true;
                    }

                    if (_spec.Grouping is { } grouping)
                    {
                        _writer.WriteLine($"public {grouping.KeyType} {KeyField};");
                        separate = true;
                    }

                    foreach (var (index, attribute, filters, readsValue) in evaluated)
                    {
                        if (separate)
                        {
                            _writer.WriteLine();
                        }

                        separate = true;
                        _writer.WriteLine($"// {attribute.Description}");
                        if (filters)
                        {
                            _writer.WriteLine($"public bool {FilterField(index)};");
                        }

                        if (readsValue)
                        {
                            _writer.WriteLine($"public {attribute.Value.Type} {ValueField(index)};");
                        }

                        if (kept.Where.ContainsKey(index))
                        {
                            _writer.WriteLine($"public global::System.Runtime.ExceptionServices.ExceptionDispatchInfo? {FailedWhereField(index)}; // what its Where threw");
                        }

                        if (kept.Of.ContainsKey(index))
                        {
                            _writer.WriteLine($"public global::System.Runtime.ExceptionServices.ExceptionDispatchInfo? {FailedOfField(index)}; // what its Of threw");
                        }
                    }
                }
            }
        }
    }
}
