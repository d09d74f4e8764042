using System.Collections.Generic;
using System.Linq;
using MultiAgg.Generators.Emitting.Accumulators;
using MultiAgg.Generators.Specs;

namespace MultiAgg.Generators;

public sealed partial class AggregateGenerator
{
    internal static partial class Emitter
    {
        /// <summary>
        /// [GroupBy]: the accumulators become the fields of a record per key. Records sit in an array in
        /// first-seen key order, a dictionary maps each key to its record, and the loop body is the
        /// ungrouped one, reading and writing the current key's record instead of locals.
        /// </summary>
        private abstract partial class FusedEmitter
        {
            protected string Groups => KeyLocal("groups");

            protected string GroupCount => KeyLocal("groupCount");

            protected string Index => KeyLocal("index");

            protected string NullKeyAt => KeyLocal("nullKeyAt");

            /// <summary>A part of the per-key storage as the loop holds it: a local, or the struct's shared object's member.</summary>
            private string KeyLocal(string name) => KeysOwner + _p + name;

            /// <summary>
            /// One part of the per-key storage, <paramref name="Name"/> after the prefix (the loop's <c>__groups</c>, a block
            /// state's or an accumulator type's member): its type, the value it starts with, and why it is there.
            /// <paramref name="IsIndex"/>: the dictionary by key, declared with CS8714 suppressed where the key type allows null.
            /// <paramref name="IsRecords"/>: the records or their count, all the results read.
            /// </summary>
            protected readonly record struct KeyStoragePart(string Name, string Type, string Initial, string? Comment, bool IsIndex = false, bool IsRecords = false);

            /// <summary>
            /// The per-key storage, the one list every driver declares, hands over and stores: the records in first-seen key
            /// order, their count, the index by key (with <paramref name="comparer"/>), and, where keys can be null, the null
            /// key's record.
            /// </summary>
            protected static IEnumerable<KeyStoragePart> KeyStorage(GroupingSpec grouping, string? comparer = null)
            {
                var index = $"global::System.Collections.Generic.Dictionary<{grouping.LookupKeyType}, int>";
                yield return new("groups", grouping.RecordType + "[]", $"new {grouping.RecordType}[4]", "one record of accumulators per key, in the order the keys are first seen", IsRecords: true);
                yield return new("groupCount", "int", "0", null, IsRecords: true);
                yield return new("index", index, $"new {index}({comparer})", null, IsIndex: true);
                if (grouping.KeyNulls != NullKind.None)
                {
                    yield return new("nullKeyAt", "int", "-1", "LINQ groups a null key too; a Dictionary cannot hold one");
                }
            }

            /// <summary><c>var</c> where the value says the type (<c>new ...</c>), the type where it does not (<c>int</c>).</summary>
            protected static string LocalType(KeyStoragePart part) => part.Initial.StartsWith("new ", System.StringComparison.Ordinal) ? "var" : part.Type;

            /// <summary>
            /// What the per-key storage is reached through: nothing for the loop's locals and a class's fields; a struct's
            /// one object (<c>__keys.</c>), which its copies share.
            /// </summary>
            protected virtual string KeysOwner => "";

            protected string At => _p + "at";

            private string Open => _p + "Open";

            /// <summary>
            /// The current record: a <c>ref</c> local where C# allows one, else the array element itself
            /// (an async method cannot declare ref locals before C# 13).
            /// </summary>
            private string CurrentGroup => UsesRefLocals ? _p + "group" : $"{Groups}[{At}]";

            /// <summary>The accumulators of the current key: the fields of its record.</summary>
            protected Scope RecordScope => FieldsOf(CurrentGroup);

            protected void DeclareGroups(GroupingSpec grouping)
            {
                _writer.WriteLine("// One record of accumulators per key, in the order the keys are first seen.");
                foreach (var part in KeyStorage(grouping, grouping.ComparerName))
                {
                    // The records' comment is the line above.
                    var comment = part.Comment is null || part.Name == "groups" ? "" : " // " + part.Comment;
                    WriteKeyStorage(grouping, part, $"{LocalType(part)} {KeyLocal(part.Name)} = {part.Initial};{comment}");
                }

                _writer.WriteLine();
            }

            /// <summary>A line about a part of the per-key storage: the index's with CS8714 suppressed where keys allow null.</summary>
            protected void WriteKeyStorage(GroupingSpec grouping, KeyStoragePart part, string line)
            {
                if (part.IsIndex)
                {
                    WithNullableKeys(grouping, line);
                }
                else
                {
                    _writer.WriteLine(line);
                }
            }

            /// <summary>
            /// The loop's per-key storage from a block's <paramref name="state"/> (its index is the same dictionary, filled in
            /// place); with <paramref name="recordsOnly"/>, only the records and their count, for the results.
            /// </summary>
            protected void LoadKeyStorage(GroupingSpec grouping, string state, bool recordsOnly = false)
            {
                foreach (var part in KeyStorage(grouping).Where(part => part.IsRecords || !recordsOnly))
                {
                    _writer.WriteLine($"{LocalType(part)} {KeyLocal(part.Name)} = {state}.{Member(part.Name)};");
                }
            }

            /// <summary>The loop's per-key storage back into <paramref name="state"/> (the array may have grown; the index is the same object).</summary>
            protected void StoreKeyStorage(GroupingSpec grouping, string state)
            {
                foreach (var part in KeyStorage(grouping).Where(static part => !part.IsIndex))
                {
                    _writer.WriteLine($"{state}.{Member(part.Name)} = {KeyLocal(part.Name)};");
                }
            }

            /// <summary>The loop's per-key storage as the members of a new block state's initializer.</summary>
            protected void InitializeKeyStorage(GroupingSpec grouping)
            {
                foreach (var part in KeyStorage(grouping))
                {
                    _writer.WriteLine($"{Member(part.Name)} = {KeyLocal(part.Name)},");
                }
            }

            /// <summary>Finds (or opens) the record of the key <paramref name="keyExpression"/> gives, and returns the scope of its accumulators.</summary>
            protected Scope EmitFindGroup(GroupingSpec grouping, string keyExpression)
            {
                var key = _p + "key";
                _writer.WriteLine($"{grouping.KeyType} {key} = {keyExpression};");
                _writer.WriteLine($"int {At};");
                if (grouping.KeyNulls == NullKind.None)
                {
                    EmitLookup(grouping, key, key);
                }
                else
                {
                    var known = _p + "knownKey";
                    using (_writer.Block($"if ({key} is {{ }} {known})"))
                    {
                        EmitLookup(grouping, key, known);
                    }

                    using (_writer.Block("else"))
                    {
                        _writer.WriteLine($"if ({NullKeyAt} < 0) {NullKeyAt} = {Open}(ref {Groups}, ref {GroupCount}, {key});");
                        _writer.WriteLine($"{At} = {NullKeyAt};");
                    }
                }

                if (UsesRefLocals)
                {
                    _writer.WriteLine();
                    _writer.WriteLine($"ref var {CurrentGroup} = ref {Groups}[{At}];");
                }

                _writer.WriteLine();
                return RecordScope;
            }

            /// <param name="key">The key as held (null allowed), which a new record keeps.</param>
            /// <param name="lookupKey">The same key known not to be null.</param>
            private void EmitLookup(GroupingSpec grouping, string key, string lookupKey)
            {
                if (grouping.FindsByRef)
                {
                    // One hash lookup per element, whether the key is new or not.
                    var (slot, exists) = (_p + "slot", _p + "exists");
                    var lookup = $"ref int {slot} = ref global::System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault({Index}, {lookupKey}, out bool {exists});";
                    WithoutNotNullWarning(grouping.LookupKeyTypeIsNullable, lookup, "an unconstrained key type: the key here is not null");
                    _writer.WriteLine($"if (!{exists}) {slot} = {Open}(ref {Groups}, ref {GroupCount}, {key});");
                    _writer.WriteLine($"{At} = {slot};");
                    return;
                }

                using (_writer.Block($"if (!{Index}.TryGetValue({lookupKey}, out {At}))"))
                {
                    _writer.WriteLine($"{At} = {Open}(ref {Groups}, ref {GroupCount}, {key});");
                    _writer.WriteLine($"{Index}.Add({lookupKey}, {At});");
                }
            }

            /// <summary>One dictionary entry per record, in first-seen order, as <c>ToDictionary</c> adds the groups.</summary>
            protected void EmitGroupedResults(GroupingSpec grouping)
            {
                var byKey = _p + "byKey";
                var comparer = grouping.ComparerName is { } name ? ", " + name : "";
                WithNullableKeys(grouping, $"var {byKey} = new {grouping.DictionaryType}({GroupCount}{comparer});");
                using (_writer.Block($"for (int {At} = 0; {At} < {GroupCount}; {At}++)"))
                {
                    if (UsesRefLocals)
                    {
                        _writer.WriteLine($"ref var {CurrentGroup} = ref {Groups}[{At}];");
                    }

                    EmitResultLocals(RecordScope);
                    if (grouping.KeyNulls != NullKind.None)
                    {
                        _writer.WriteLine("// A null key throws ArgumentNullException here, after its results, as in ToDictionary.");
                    }

                    var key = CurrentGroup + "." + grouping.KeyMember + (grouping.KeyNulls == NullKind.Reference ? "!" : "");
                    _writer.WriteLine($"{byKey}.Add({key}, {ResultExpression()});");
                }

                _writer.WriteLine();
                _writer.WriteLine($"return {byKey};");
            }

            /// <summary>Declares a dictionary of keys whose type allows null (see <see cref="GroupingSpec.KeyTypeIsNullable"/>).</summary>
            protected void WithNullableKeys(GroupingSpec grouping, string declaration) =>
                WithoutNotNullWarning(grouping.KeyTypeIsNullable, declaration, "the key type allows null: a null key never reaches the lookup, and Add throws for it as ToDictionary does");

            /// <summary>Writes <paramref name="line"/>, with CS8714 (a type argument that may be null for <c>notnull</c>) suppressed around it <paramref name="when"/> so, for <paramref name="why"/>.</summary>
            private void WithoutNotNullWarning(bool when, string line, string why)
            {
                if (!when)
                {
                    _writer.WriteLine(line);
                    return;
                }

                _writer.WriteLine("#pragma warning disable CS8714 // " + why);
                _writer.WriteLine(line);
                _writer.WriteLine("#pragma warning restore CS8714");
            }

            /// <summary>Appends a record for a new key; it starts zeroed, so only accumulators that start elsewhere are set.</summary>
            protected void EmitOpenGroup(GroupingSpec grouping)
            {
                _writer.WriteLine();
                using (_writer.Block($"{HelperModifiers} int {Open}(ref {grouping.RecordType}[] groups, ref int count, {grouping.KeyType} key)"))
                {
                    _writer.WriteLine("if (count == groups.Length) global::System.Array.Resize(ref groups, count * 2);");
                    _writer.WriteLine("ref var group = ref groups[count];");
                    _writer.WriteLine($"group.{grouping.KeyMember} = key;");
                    var opened = FieldsOf("group");
                    foreach (var a in Aggregates)
                    {
                        foreach (var variable in Accumulator.Of(a).State(a, _context).Where(static v => !v.StartsZeroed))
                        {
                            _writer.WriteLine($"{opened.Of(a, variable.Suffix)} = {variable.Initial};");
                        }
                    }

                    _writer.WriteLine("return count++;");
                }
            }

            /// <summary>The struct holding one key's accumulators, declared beside the method.</summary>
            protected void EmitGroupRecord(GroupingSpec grouping)
            {
                var fields = FieldsOf();
                using (OpenNestedType($"The accumulators of one key of {OwnerName}.", $"private struct {grouping.RecordType}"))
                {
                    EmitMembersByAttribute(
                        a => Accumulator.Of(a).State(a, _context).Select(v => $"public {v.Type} {fields.Of(a, v.Suffix)};{v.LineComment}"),
                        leadingMember: $"public {grouping.KeyType} {grouping.KeyMember};");
                }
            }
        }
    }
}
