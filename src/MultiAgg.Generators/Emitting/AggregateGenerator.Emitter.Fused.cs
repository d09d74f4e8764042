using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis.CSharp;
using MultiAgg.Generators.Emitting;
using MultiAgg.Generators.Emitting.Accumulators;
using MultiAgg.Generators.Specs;

namespace MultiAgg.Generators;

public sealed partial class AggregateGenerator
{
    internal static partial class Emitter
    {
        /// <summary>
        /// What every driver of the same aggregates writes alike: one element's updates of every attribute, the results
        /// and their empty rules, and, with [GroupBy], the per-key records. A method and an accumulator type differ only
        /// in where the state lives and what feeds it.
        /// </summary>
        private abstract partial class FusedEmitter
        {
            protected readonly SourceWriter _writer;
            protected readonly string _p;
            protected readonly string _item;
            protected readonly MethodContext _context;

            /// <summary>The prefix of the members of the types declared beside the method (see <see cref="AggregateMethodSpec.MemberPrefix"/>).</summary>
            protected readonly string _m;

            protected FusedEmitter(SourceWriter writer, EquatableArray<AggregateAttributeSpec> attributes, ResultSpec result, GroupingSpec? grouping, bool usesGenericMath, MethodContext context, string memberPrefix = "")
            {
                _writer = writer;
                _m = memberPrefix;
                _context = context with
                {
                    // Only an attribute's one aggregate: with two, the guard stays open until both are decided (First and All).
                    AddedWhileUndecided = new HashSet<AggregateSpec>(attributes.Where(static attribute => attribute.Aggregates.Count == 1 && Accumulator.CanAllBeDecided(attribute.Aggregates)).SelectMany(static attribute => attribute.Aggregates)),
                };
                _p = context.LocalPrefix;
                _item = context.Item;
                Attributes = attributes;
                ResultShape = result;
                Grouping = grouping;
                UsesGenericMath = usesGenericMath;
                Aggregates = attributes.SelectMany(static attribute => attribute.Aggregates).ToList();
                _valueLocals = NameValueLocals();
            }

            /// <summary>
            /// How the static helpers beside the loop (a key's new record, generic math) are declared: local functions of
            /// the method, or members of the accumulator type, which say they are private.
            /// </summary>
            protected virtual string HelperModifiers => "static";

            /// <summary>
            /// The locals each attribute reads its value into, named after what they hold (<c>__total</c> for
            /// <c>Of = "Total"</c>): the value as read when both every value and the non-null ones are wanted, and the
            /// value known not to be null.
            /// </summary>
            private readonly (string Read, string Present)[] _valueLocals;

            /// <summary>Names the loop and its helpers use for themselves, which a value's local must not take.</summary>
            private static readonly HashSet<string> LoopNames = new()
            {
                "item", "span", "i", "n", "read", "vectors", "vectorized", "x", "wide", "isNumber", "allNumbers", "anyNumbers", "k", "j", "v",
                "lane", "element", "rest", "groups", "groupCount", "index", "nullKeyAt", "at", "key", "knownKey", "slot", "exists", "group",
                "byKey", "sequence", "view", "array", "list", "started", "theirs", "other",
                "start", "end", "length", "merged", "items", "itemCount", "into", "state",
                "window", "enumerator", "more", "current", "values", "token", "moving", "move", "thrown", "failure", "keeping", "keys", "canceled",
                "whole", "next", "found", "exception", "query", "rows", "row", "g",
            };

            /// <summary>Loop names followed by a number (<c>__wide16</c>, <c>__result3</c>).</summary>
            private static readonly string[] NumberedLoopNames = { "wide", "low", "high", "result", "filter", "decided", "valued", "failedWhere", "failedOf" };

            private (string Read, string Present)[] NameValueLocals()
            {
                var taken = new HashSet<string>(LoopNames);
                // An accumulator's variables are its name and that name followed by a capitalized part (sum0, sum0Count).
                var accumulators = Aggregates.Select(Accumulator.Name).ToList();
                bool IsAccumulators(string name) => accumulators.Any(a =>
                    name.StartsWith(a, System.StringComparison.Ordinal) && (name.Length == a.Length || char.IsUpper(name[a.Length])));
                bool IsNumbered(string name) => NumberedLoopNames.Any(n =>
                    name.Length > n.Length && name.StartsWith(n, System.StringComparison.Ordinal) && name.Skip(n.Length).All(char.IsDigit));
                // Not a keyword with the prefix either: __arglist, __makeref, __reftype and __refvalue are C#'s.
                bool IsFree(string name) => !taken.Contains(name) && !IsAccumulators(name) && !IsNumbered(name)
                                            && SyntaxFacts.GetKeywordKind(_p + name) == SyntaxKind.None;
                string Take(string name, int index)
                {
                    // The attribute's index, then a counter, until the name is free: each try is a new name, so this ends.
                    var chosen = name;
                    for (var attempt = 0; !IsFree(chosen); attempt++)
                    {
                        chosen = attempt == 0 ? $"{name}{index}" : $"{name}{index}_{attempt}";
                    }

                    taken.Add(chosen);
                    return _p + chosen;
                }

                var locals = new (string, string)[Attributes.Count];
                for (var i = 0; i < Attributes.Count; i++)
                {
                    // Where one local holds the value it takes the plain name; read twice, the non-null one is "...Value"
                    // (a value that cannot be null is the same value: one local).
                    var name = Attributes[i].Value.Name;
                    var read = Take(name, i);
                    locals[i] = (read, ReadsTwice(Attributes[i]) && Attributes[i].Value.Nulls != NullKind.None ? Take(name + "Value", i) : read);
                }

                return locals;
            }

            /// <summary>Whether the attribute reads its value once for aggregates given every value and again, once not null, for the rest.</summary>
            private static bool ReadsTwice(AggregateAttributeSpec attribute) =>
                !attribute.Value.IsElement
                && attribute.Aggregates.Any(static a => Accumulator.Of(a).Takes(a) == TakenValues.Every)
                && attribute.Aggregates.Any(static a => Accumulator.Of(a).Takes(a) == TakenValues.NonNull);

            /// <summary>
            /// Whether the value goes into a local before the aggregates given every value: when more than one aggregate
            /// reads it for each element, so that a selector runs (an awaited one is awaited) once per element, as in a
            /// loop written by hand. First alone reads it only until it has one: Firsts alone read it themselves.
            /// </summary>
            private static bool ReadsEveryValueOnce(AggregateAttributeSpec attribute)
            {
                if (attribute.Value.IsElement)
                {
                    return false;
                }

                var every = attribute.Aggregates.Where(static a => Accumulator.Of(a).Takes(a) == TakenValues.Every).ToList();
                return every.Count > 0
                    && (ReadsTwice(attribute) || (every.Count > 1 && every.Any(static a => a.Completion != Completion.HasValue)));
            }

            /// <summary>
            /// Whether the loop reads the attribute's value only until the aggregates given it are decided, where the
            /// attribute as a whole is not (beside a Count): a First until it has one, an Any until it is true, a
            /// floating-point Min until it is NaN, as LINQ's stop calling their selectors. What the loop calls then depends
            /// on the state so far, as for an attribute that can be decided.
            /// </summary>
            protected static bool ReadsValueOnlyUntilDecided(AggregateAttributeSpec attribute) =>
                !attribute.Value.IsElement
                && !Accumulator.CanAllBeDecided(attribute.Aggregates)
                && Accumulator.CanAllBeDecided(ValueTakers(attribute));

            /// <summary>The aggregates of the attribute given its values (not those that count its elements).</summary>
            protected static List<AggregateSpec> ValueTakers(AggregateAttributeSpec attribute) =>
                attribute.Aggregates.Where(static a => Accumulator.Of(a).Takes(a) != TakenValues.Elements).ToList();

            protected EquatableArray<AggregateAttributeSpec> Attributes { get; }

            protected ResultSpec ResultShape { get; }

            protected GroupingSpec? Grouping { get; }

            protected bool UsesGenericMath { get; }

            /// <summary>Every aggregate, attribute by attribute.</summary>
            protected IReadOnlyList<AggregateSpec> Aggregates { get; }

            /// <summary>Whether the current key's record can be a <c>ref</c> local (not in an async method before C# 13).</summary>
            protected abstract bool UsesRefLocals { get; }

            /// <summary>What the per-key record belongs to, for its comment.</summary>
            protected abstract string OwnerName { get; }

            /// <summary>The type parameters' constraints the per-key record repeats.</summary>
            protected abstract EquatableArray<string> Constraints { get; }

            /// <summary>Whether the generated member is an obsolete method, which the types beside it follow (see <see cref="MethodSignatureSpec.IsObsolete"/>).</summary>
            protected virtual bool IsObsolete => false;

            private string Result(int index) => _p + "result" + index;

            /// <summary>Every attribute's aggregates for the current element, its filter, value and key read as <paramref name="reads"/> says.</summary>
            protected void EmitAttributes(Scope scope, ElementReads reads)
            {
                for (var index = 0; index < Attributes.Count; index++)
                {
                    if (index > 0)
                    {
                        _writer.WriteLine();
                    }

                    var attribute = Attributes[index];
                    _writer.WriteLine("// " + attribute.Description);
                    if (Undecided(attribute, scope) is { } undecided)
                    {
                        // Once its results are final, its Where and Of run no more, as LINQ's Any, All and First stop
                        // calling theirs (a later element's exception would otherwise fail the method).
                        using (_writer.Block($"if ({undecided})"))
                        {
                            EmitFilteredAttribute(attribute, index, scope, reads);
                        }
                    }
                    else
                    {
                        EmitFilteredAttribute(attribute, index, scope, reads);
                    }
                }
            }

            /// <summary>
            /// The condition that some aggregate of <paramref name="attribute"/> can still change, when every one of them can
            /// be decided early (Any, All, First, a completable custom accumulator); null when one needs every element.
            /// </summary>
            private static string? Undecided(AggregateAttributeSpec attribute, Scope scope)
            {
                if (!Accumulator.CanAllBeDecided(attribute.Aggregates))
                {
                    return null;
                }

                return NotDecided(attribute.Aggregates, scope);
            }

            /// <summary>The condition that some of <paramref name="aggregates"/>, which can all be decided, is not yet.</summary>
            private static string NotDecided(IReadOnlyCollection<AggregateSpec> aggregates, Scope scope)
            {
                var decided = Accumulator.AllDecided(aggregates, scope);
                return aggregates.Count == 1 ? Not(decided) : $"!({decided})";

                static string Not(string condition) => condition.StartsWith("!", System.StringComparison.Ordinal) && IsSimple(condition.Substring(1))
                    ? condition.Substring(1)
                    : IsSimple(condition) ? "!" + condition : $"!({condition})";

                // A name, a member or a call without operators (double.IsNaN(__min0)) takes a '!' as it is.
                static bool IsSimple(string text) => text.All(static c => char.IsLetterOrDigit(c) || c is '_' or '.' or '(' or ')');
            }

            /// <summary>One attribute's aggregates for the current element, behind its <c>Where</c> when it has one.</summary>
            private void EmitFilteredAttribute(AggregateAttributeSpec attribute, int index, Scope scope, ElementReads reads)
            {
                if (attribute.FilterExpression is not null)
                {
                    using (_writer.Block($"if ({ReadFilter(reads, index)})"))
                    {
                        EmitAttribute(attribute, index, scope, reads);
                    }
                }
                else
                {
                    EmitAttribute(attribute, index, scope, reads);
                }
            }

            /// <summary>
            /// One attribute's aggregates for the current element: those that count elements first, then those given
            /// every value (null or not), then those given the non-null values, reading the value once for all.
            /// </summary>
            private void EmitAttribute(AggregateAttributeSpec attribute, int index, Scope scope, ElementReads reads)
            {
                ILookup<TakenValues, AggregateSpec> taking = attribute.Aggregates.ToLookup(static a => Accumulator.Of(a).Takes(a));
                EmitAdds(taking[TakenValues.Elements].ToList(), scope, _item);

                var valueTakers = ValueTakers(attribute);
                if ((valueTakers.Count == 1 && valueTakers[0].Completion == Completion.HasValue) || !ReadsValueOnlyUntilDecided(attribute))
                {
                    // Read for every element that reaches them (a First alone tests its own value first).
                    EmitValueAdds(attribute, index, taking, scope, reads);
                    return;
                }

                // Beside a Count: the value only until the aggregates given it are decided, as LINQ's stop calling theirs.
                using (_writer.Block($"if ({NotDecided(valueTakers, scope)})"))
                {
                    EmitValueAdds(attribute, index, taking, scope, reads);
                }
            }

            /// <summary>
            /// The aggregates of an attribute given its values, every value (null or not) first, then the non-null ones,
            /// the value read once for all.
            /// </summary>
            private void EmitValueAdds(AggregateAttributeSpec attribute, int index, ILookup<TakenValues, AggregateSpec> taking, Scope scope, ElementReads reads)
            {
                var value = attribute.Value;
                var read = value.IsElement ? _item : ReadValue(reads, index);
                var everyValue = taking[TakenValues.Every].ToList();
                var nonNull = taking[TakenValues.NonNull].ToList();
                if (everyValue.Count > 0)
                {
                    if (ReadsEveryValueOnce(attribute) || everyValue.Count > 1)
                    {
                        // Read once for every aggregate of the attribute (Firsts alone: while the test around them says so).
                        _writer.WriteLine($"var {_valueLocals[index].Read} = {SourceWriter.Unparenthesized(read)};");
                        read = _valueLocals[index].Read;
                    }

                    EmitAdds(everyValue, scope, read);
                }

                if (nonNull.Count == 0)
                {
                    return;
                }

                if (value.Nulls == NullKind.None)
                {
                    // Every value is one: the aggregates given every value already put it in a local, or it goes into one.
                    var local = value.IsElement || everyValue.Count > 0 ? read : _valueLocals[index].Present;
                    if (local != read)
                    {
                        _writer.WriteLine($"var {local} = {SourceWriter.Unparenthesized(read)};");
                    }

                    EmitAdds(nonNull, scope, local);
                }
                else
                {
                    var local = _valueLocals[index].Present;
                    using (_writer.Block($"if ({read} is {{ }} {local})"))
                    {
                        EmitAdds(nonNull, scope, local);
                    }
                }
            }

            /// <summary><c>token.ThrowIfCancellationRequested();</c> when the method has a token; whether it wrote it.</summary>
            protected bool EmitTokenCheck(string? token)
            {
                if (token is null)
                {
                    return false;
                }

                _writer.WriteLine($"{token}.ThrowIfCancellationRequested();");
                return true;
            }

            /// <summary>Whether the attribute reads its value at all: some aggregate of it is given values, not just elements.</summary>
            protected static bool ReadsValue(AggregateAttributeSpec attribute) =>
                attribute.Aggregates.Any(static a => Accumulator.Of(a).Takes(a) != TakenValues.Elements);

            /// <summary>Whether the body reads the element itself, beside its filters, values and key.</summary>
            protected bool ReadsElement => Attributes.Any(static attribute => attribute.Value.IsElement && ReadsValue(attribute))
                || Aggregates.Any(static a => Accumulator.Of(a).ReadsElement(a));

            // ---- Reading the element's user code ---------------------------------------------------------

            /// <summary>
            /// Where the body reads an element's filters, values and key: the expressions themselves at the element
            /// (<see cref="ElementReads.InPlace"/>: an awaited selector given <see cref="ElementReads.Token"/>, its
            /// continuation on the captured context when <see cref="ElementReads.ContinueOnCapturedContext"/> says so),
            /// or the fields of the struct an async window's evaluation stored them in (<see cref="ElementReads.Evaluated"/>).
            /// </summary>
            protected sealed record ElementReads(
                string? Values, string Token, bool ContinueOnCapturedContext, IReadOnlyCollection<int>? KeptWhere = null, IReadOnlyCollection<int>? KeptOf = null, string? Window = null)
            {
                /// <summary>In the method's own loop: never back on the caller's context.</summary>
                public static ElementReads InPlace(string? token) => new(null, token ?? "default", ContinueOnCapturedContext: false);

                /// <summary>In a window's evaluation, which runs on the options' scheduler and stays there.</summary>
                public static ElementReads InEvaluation(string token) => new(null, token, ContinueOnCapturedContext: true);

                /// <summary>
                /// From the values struct; the attributes <paramref name="keptWhere"/> and <paramref name="keptOf"/> name kept
                /// what their Where or Of threw, which <paramref name="window"/> throws where the loop reads it, as it would have
                /// called them there.
                /// </summary>
                public static ElementReads Evaluated(string values, string window, IReadOnlyCollection<int> keptWhere, IReadOnlyCollection<int> keptOf) =>
                    new(values + ".", "default", ContinueOnCapturedContext: false, keptWhere, keptOf, window);
            }

            /// <summary>A filter, value or key expression at the element, its placeholders filled (see <see cref="ValueSpec"/>).</summary>
            protected string Substitute(string expression, ElementReads reads) =>
                expression.Replace("{0}", _item).Replace("{1}", reads.Token).Replace("{2}", reads.ContinueOnCapturedContext ? "true" : "false");

            protected string ReadFilter(ElementReads reads, int attribute) =>
                reads.Values is { } values ? Evaluated(values + FilterField(attribute), reads.KeptWhere, attribute, values + FailedWhereField(attribute), reads.Window)
                    : Substitute(Attributes[attribute].FilterExpression!, reads);

            protected string ReadValue(ElementReads reads, int attribute) =>
                reads.Values is { } values ? Evaluated(values + ValueField(attribute), reads.KeptOf, attribute, values + FailedOfField(attribute), reads.Window)
                    : Substitute(Attributes[attribute].Value.Expression, reads);

            /// <summary>An evaluated field; read through the window's <c>Read</c>, which throws what its evaluation kept, when it kept failures.</summary>
            private static string Evaluated(string field, IReadOnlyCollection<int>? kept, int attribute, string failed, string? window) =>
                kept?.Contains(attribute) == true ? $"{window}.Read({field}, {failed})" : field;

            protected string ReadKey(ElementReads reads, GroupingSpec grouping) =>
                reads.Values is { } values ? values + KeyField : Substitute(grouping.KeyExpression, reads);

            /// <summary>The fields of an evaluated element: named as the loop's locals are, without their prefix.</summary>
            protected string FilterField(int attribute) => _m + "filter" + attribute;

            /// <summary>The fields of an async window's evaluated values that keep what an attribute's Where or Of threw.</summary>
            protected string FailedWhereField(int attribute) => _m + "failedWhere" + attribute;

            protected string FailedOfField(int attribute) => _m + "failedOf" + attribute;

            protected string ValueField(int attribute)
            {
                // A local's prefix keeps it from being a keyword (__fixed; see NameValueLocals for __reftype); a field needs the escape (@fixed, @await).
                return SourceWriter.Identifier(_m + _valueLocals[attribute].Read.Substring(_p.Length));
            }

            protected string KeyField => _m + "key";

            protected string ElementField => _m + "item";

            /// <summary>A member of a type declared beside the method: <paramref name="name"/>, with the member prefix.</summary>
            protected string Member(string name) => _m + name;

            /// <summary>The accumulators held as fields of <paramref name="owner"/> (a record, a block's state), or of the type being declared.</summary>
            protected Scope FieldsOf(string? owner = null) => new((owner is null ? "" : owner + ".") + _m);

            protected void EmitAdds(List<AggregateSpec> aggregates, Scope scope, string value)
            {
                foreach (var a in aggregates)
                {
                    Accumulator.Of(a).EmitAdd(_writer, a, scope, value, _context);
                }
            }

            /// <summary>The results in declaration order, as the method (or one key of it) returns them.</summary>
            protected string ResultExpression()
            {
                var results = string.Join(", ", Aggregates.OrderBy(static a => a.ResultIndex).Select(a => Result(a.ResultIndex)));
                return ResultShape.Kind switch
                {
                    ResultKind.Single => results,
                    ResultKind.Tuple => $"({results})",
                    _ => $"new {ResultShape.ConstructedType}({results})",
                };
            }

            /// <summary>
            /// A local per result: the accumulator's value, or LINQ's exception or null when it has none. An aggregate that
            /// shares the method's test of an element read (<see cref="MethodContext.SharesElementsRead"/>) is asked that one,
            /// whatever its kind.
            /// </summary>
            protected void EmitResultLocals(Scope scope) => EmitResultLocals(
                a => Accumulator.Of(a).Result(a, scope, _context),
                a => _context.SharesElementsRead.Contains(a) ? _context.ElementsRead : Accumulator.Of(a).Emptiness(a, scope, _context));

            /// <summary>
            /// A local per result, from each aggregate's value (<paramref name="valueOf"/>) and whether it has one
            /// (<paramref name="emptinessOf"/>, null when it always has), wherever the driver keeps them.
            /// </summary>
            protected void EmitResultLocals(System.Func<AggregateSpec, string> valueOf, System.Func<AggregateSpec, Presence?> emptinessOf)
            {
                // A test that has not thrown stays false for the results after it (Min and Max of one flag): written once.
                var tested = new HashSet<string>();
                foreach (var a in Aggregates.OrderBy(static a => a.ResultIndex))
                {
                    var accumulator = Accumulator.Of(a);
                    var result = Result(a.ResultIndex);
                    var value = valueOf(a);
                    if (emptinessOf(a) is not { } test)
                    {
                        _writer.WriteLine($"{a.ResultType} {result} = {value};");
                    }
                    else if (a.Empty == EmptyBehavior.NullUnlessValueType)
                    {
                        // As LINQ's 'TSource? Min<TSource>': null for reference types, an exception for value types.
                        _writer.WriteLine($"if ({test.Missing} && default({a.AccumulatorType}) is not null) {Accumulator.NoElements}");
                        _writer.WriteLine($"{a.ResultType} {result} = {test.Present} ? {value} : {a.NullResult};");
                    }
                    else if (a.Empty == EmptyBehavior.Null)
                    {
                        _writer.WriteLine($"{a.ResultType} {result} = {test.Present} ? {value} : {a.NullResult};");
                    }
                    else
                    {
                        if (tested.Add(test.Missing))
                        {
                            _writer.WriteLine($"if ({test.Missing}) {accumulator.EmptyError(a)}");
                        }

                        _writer.WriteLine($"{a.ResultType} {result} = {value};");
                    }
                }
            }

            /// <summary>Text for a documentation comment: a generic type's name (<c>Stats&lt;T&gt;</c>) is not XML.</summary>
            private static string XmlText(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");

            /// <summary>
            /// Opens a type declared beside the generated member (a key's record, a block's state, a query's row): its
            /// summary, the generated-code attribute, and its declaration with the method's constraints.
            /// </summary>
            protected Block OpenNestedType(string summary, string declaration)
            {
                _writer.WriteLine();
                _writer.WriteLine($"/// <summary>{XmlText(summary)}</summary>");
                _writer.WriteLine(GeneratedCodeAttribute);
                if (IsObsolete)
                {
                    _writer.WriteLine("[global::System.Obsolete(\"Used by an obsolete method, and may use what it does.\")]");
                }

                _writer.WriteLine(declaration);
                foreach (var constraint in Constraints)
                {
                    _writer.WriteLine("    " + constraint);
                }

                return _writer.Block();
            }

            /// <summary>
            /// A nested type's members for each aggregate (<paramref name="members"/>), attribute by attribute under its
            /// description, a blank line between attributes (and before the first after a <paramref name="leadingMember"/>).
            /// </summary>
            protected void EmitMembersByAttribute(System.Func<AggregateSpec, IEnumerable<string>> members, string? leadingMember = null)
            {
                if (leadingMember is not null)
                {
                    _writer.WriteLine(leadingMember);
                }

                var first = leadingMember is null;
                foreach (var attribute in Attributes)
                {
                    // An attribute with no members of its own (a query's columns all computed for another) shows none.
                    var written = attribute.Aggregates.SelectMany(members).ToList();
                    if (written.Count == 0)
                    {
                        continue;
                    }

                    if (!first)
                    {
                        _writer.WriteLine();
                    }

                    first = false;
                    _writer.WriteLine("// " + attribute.Description);
                    foreach (var member in written)
                    {
                        _writer.WriteLine(member);
                    }
                }
            }

            /// <summary>Folds the accumulators in <paramref name="other"/> into <paramref name="into"/>, attribute by attribute.</summary>
            protected void EmitMerges(Scope into, Scope other)
            {
                for (var i = 0; i < Attributes.Count; i++)
                {
                    var attribute = Attributes[i];
                    if (i > 0)
                    {
                        _writer.WriteLine();
                    }

                    _writer.WriteLine("// " + attribute.Description);
                    foreach (var a in attribute.Aggregates)
                    {
                        Accumulator.Of(a).EmitMerge(_writer, a, into, other, _context);
                    }
                }
            }

            protected void EmitGenericMathHelpers()
            {
                if (!UsesGenericMath)
                {
                    return;
                }

                _writer.WriteLine();
                GenericMathSumAccumulator.EmitHelpers(_writer, _p, HelperModifiers, withDivide: Aggregates.Any(static a => a is { Accumulator: AccumulatorKind.GenericMath, Kind: AggregateKind.Average }));
            }
        }
    }
}
