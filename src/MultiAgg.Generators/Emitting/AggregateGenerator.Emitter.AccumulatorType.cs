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
        public static string Emit(AccumulatorTypeSpec spec) =>
            EmitInContainingTypes(spec.Namespace, spec.ContainingTypes, spec.SuppressedIds, writer => new AccumulatorTypeEmitter(spec, writer).Emit());

        /// <summary>The other half of an accumulator type MultiAgg rejected: its interface's members, throwing with the reasons.</summary>
        public static string EmitRejected(RejectedAccumulatorTypeSpec spec) =>
            EmitInContainingTypes(spec.Namespace, spec.ContainingTypes, spec.SuppressedIds, writer =>
            {
                var fail = ThrowWith(spec.Message);
                var accessibility = spec.NarrowedAccessibility ?? "public";
                writer.WriteLine("// MultiAgg reported errors for this type (see the MAGG diagnostics); these members only keep the");
                writer.WriteLine("// compiler from adding \"does not implement interface member\" to them.");
                foreach (var member in spec.Members)
                {
                    writer.WriteLine(GeneratedCodeAttribute);
                    writer.WriteLine(member switch
                    {
                        "Add" => $"{accessibility} void Add({spec.ValueType} value) => {fail};",
                        "Result" => $"{accessibility} {spec.ResultType} Result => {fail};",
                        "Merge" => $"public void Merge({spec.TypeName} other) => {fail};",
                        "IsComplete" => $"public bool IsComplete => {fail};",
                        _ => throw new System.ArgumentException($"'{member}' is no member of an accumulator's interfaces", nameof(spec)),
                    });
                }

                if (spec.NarrowedAccessibility is not null)
                {
                    WriteExplicitAccumulatorMembers(writer, spec.ValueType, spec.ResultType, "value", spec.Members.Contains("Add"), spec.Members.Contains("Result"));
                }
            });

        /// <summary>
        /// The interface's <c>Add</c> and <c>Result</c>, where the type's own are less accessible than it: explicit
        /// implementations that call them.
        /// </summary>
        private static void WriteExplicitAccumulatorMembers(SourceWriter writer, string valueType, string resultType, string value, bool add, bool result)
        {
            var contract = $"global::MultiAgg.IAccumulator<{valueType}, {resultType}>";
            if (add)
            {
                writer.WriteLine();
                writer.WriteLine(GeneratedCodeAttribute);
                writer.WriteLine($"void {contract}.Add({valueType} {value}) => Add({value});");
            }

            if (result)
            {
                writer.WriteLine();
                writer.WriteLine(GeneratedCodeAttribute);
                writer.WriteLine($"{resultType} {contract}.Result => Result;");
            }
        }

        /// <summary>
        /// An accumulator type: the state as fields, <c>Add</c> as the loop body a method would run per element, and
        /// <c>Result</c> as the results a method returns after its loop; <c>Merge</c> and <c>IsComplete</c> when declared.
        /// </summary>
        /// <remarks>
        /// A struct's <c>default</c> is the empty state. Where some field of the empty state is not zero (All starts true, a
        /// floating Average at -0.0, a CountDistinct set, per-key records), a struct keeps a <c>started</c> flag and sets
        /// those fields before its first <c>Add</c> or <c>Merge</c>; a class sets them in field initializers.
        /// </remarks>
        private sealed class AccumulatorTypeEmitter : FusedEmitter
        {
            private readonly AccumulatorTypeSpec _spec;

            /// <summary>The type's own fields (<c>__sum0</c>).</summary>
            private readonly Scope _fields;

            /// <summary>Whether a struct needs to set fields of its empty state that <c>default</c> leaves zero.</summary>
            private readonly bool _needsStart;

            public AccumulatorTypeEmitter(AccumulatorTypeSpec spec, SourceWriter writer)
                : base(writer, spec.Attributes, spec.Result, spec.Grouping, spec.UsesGenericMath,
                    new MethodContext(spec.LocalPrefix, "value", Source: null, new HashSet<AggregateSpec>(), default))
            {
                _spec = spec;
                _fields = new Scope(_p);
                _needsStart = spec.IsValueType && Fields().Any(static f => !f.StartsZeroed);
            }

            protected override bool UsesRefLocals => true;

            protected override string HelperModifiers => "private static";

            protected override string OwnerName => _spec.TypeName;

            protected override EquatableArray<string> Constraints => default;

            private string Started => _p + "started";

            private string Start => _p + "Start";

            private string Empty => _p + "Empty";

            /// <summary>One field of the state, the value the empty state holds, and the attribute it belongs to.</summary>
            private readonly record struct Field(string Type, string Name, string Initial, bool StartsZeroed, string? Comment = null, string? Attribute = null, bool IsKeyIndex = false);

            /// <summary>
            /// Whether the per-key storage is one object the type holds: else a copy of a struct that has started (or a
            /// record's <c>with</c>) would share the records and the index but keep its own count, and the two would
            /// overwrite each other's keys.
            /// </summary>
            private bool SharesKeys => Grouping is not null && _spec.IsCopied;

            private string Keys => _p + "keys";

            protected override string KeysOwner => SharesKeys ? Keys + "." : "";

            private IEnumerable<Field> Fields()
            {
                if (Grouping is { } grouping)
                {
                    if (SharesKeys)
                    {
                        yield return new(KeysType(grouping), Keys, $"new {KeysType(grouping)}()", false, $"the per-key storage: one object, which every copy of this {(_spec.IsValueType ? "struct" : "record")} shares");
                        yield break;
                    }

                    foreach (var field in KeyFields(grouping))
                    {
                        yield return field;
                    }

                    yield break;
                }

                foreach (var attribute in Attributes)
                {
                    foreach (var a in attribute.Aggregates)
                    {
                        foreach (var variable in Accumulator.Of(a).State(a, _context))
                        {
                            yield return new(variable.Type, _fields.Of(a, variable.Suffix), variable.Initial, variable.StartsZeroed, variable.Comment, attribute.Description);
                        }
                    }
                }
            }

            /// <summary>The per-key storage as fields (<see cref="FusedEmitter.KeyStorage"/>).</summary>
            private IEnumerable<Field> KeyFields(GroupingSpec grouping) =>
                KeyStorage(grouping).Select(part => new Field(part.Type, _p + part.Name, part.Initial, StartsZeroed: part.Initial == "0", part.Comment, IsKeyIndex: part.IsIndex));

            private static string KeysType(GroupingSpec grouping) => grouping.RecordType + "s";

            /// <summary>
            /// Whether a struct's <c>Result</c> and <c>IsComplete</c> can be <c>readonly</c> (no defensive copy where the state
            /// sits in a readonly field): not when they read a custom accumulator, whose members may not be.
            /// </summary>
            private string ReadOnlyModifier =>
                _spec.IsValueType && !Aggregates.Any(static a => a.IsCustom) ? "readonly " : "";

            /// <summary>What <c>Add</c> and <c>Result</c> are declared: public, or as accessible as their types are (see <see cref="AccumulatorTypeSpec.NarrowedAccessibility"/>).</summary>
            private string MemberAccessibility => _spec.NarrowedAccessibility ?? "public";

            public void Emit()
            {
                DeclareFields();
                EmitAdd();
                EmitResult();
                if (_spec.NarrowedAccessibility is not null)
                {
                    WriteExplicitAccumulatorMembers(_writer, _spec.ValueType, _spec.ResultType, _item, add: true, result: true);
                }

                if (_spec.Printing is { } printMembers)
                {
                    EmitPrintMembers(printMembers);
                }
                if (_spec.IsMergeable)
                {
                    EmitMerge();
                }

                if (_spec.IsCompletable)
                {
                    EmitIsComplete();
                }

                if (_needsStart)
                {
                    EmitStart();
                }

                EmitGenericMathHelpers();

                if (Grouping is { } grouping)
                {
                    EmitOpenGroup(grouping);
                    EmitGroupRecord(grouping);
                    if (SharesKeys)
                    {
                        EmitKeysType(grouping);
                    }
                }
            }

            private void DeclareFields()
            {
                // A class starts empty from its initializers; a reference that starts null says so ("default!") to the
                // nullable analysis, as the method's locals do. A struct starts from default (see Start), whatever
                // constructor the user writes: its fields are declared oblivious to nullability, or each constructor of the
                // user's would be warned about the references it leaves null, fields it cannot name (CS8618).
                if (!_spec.IsValueType)
                {
                    DeclareFields(Fields(), "private", initialized: true);
                    return;
                }

                var fields = Fields().ToList();
                var annotated = fields.Any(static f => f.Type.Contains('?'));
                _writer.WriteLine("#nullable disable annotations // these hold what default gives, nulls too, whatever constructor the struct has");
                if (annotated)
                {
                    _writer.WriteLine("#pragma warning disable CS8669 // a '?' is ignored here: the field's type says no more than it does");
                }

                DeclareFields(fields, "private", initialized: false);
                if (annotated)
                {
                    _writer.WriteLine("#pragma warning restore CS8669");
                }

                _writer.WriteLine("#nullable enable annotations");
                if (_needsStart)
                {
                    _writer.WriteLine();
                    _writer.WriteLine($"private bool {Started}; // whether {Start}() has set the fields the empty state does not hold as zero");
                }
            }

            /// <summary>A struct's per-key storage: a class, so that the struct's copies share all of it, the count too.</summary>
            private void EmitKeysType(GroupingSpec grouping)
            {
                using (OpenNestedType($"The per-key storage of {_spec.TypeName}: one object, which every copy of it shares.", $"private sealed class {KeysType(grouping)}"))
                {
                    DeclareFields(KeyFields(grouping), "public", initialized: true);
                }
            }

            private void DeclareFields(IEnumerable<Field> fields, string accessibility, bool initialized)
            {
                string? attribute = null;
                foreach (var field in fields)
                {
                    if (field.Attribute is not null && field.Attribute != attribute)
                    {
                        if (attribute is not null)
                        {
                            _writer.WriteLine();
                        }

                        attribute = field.Attribute;
                        _writer.WriteLine("// " + attribute);
                    }

                    var initializer = initialized && (!field.StartsZeroed || field.Initial.EndsWith("!", System.StringComparison.Ordinal)) ? " = " + field.Initial : "";
                    var declaration = $"{accessibility} {field.Type} {field.Name}{initializer};{(field.Comment is null ? "" : " // " + field.Comment)}";
                    if (Grouping is { } grouping && field.IsKeyIndex)
                    {
                        WithNullableKeys(grouping, declaration);
                    }
                    else
                    {
                        _writer.WriteLine(declaration);
                    }
                }
            }

            private void EmitAdd()
            {
                _writer.WriteLine();
                _writer.WriteLine("/// <inheritdoc/>");
                _writer.WriteLine(GeneratedCodeAttribute);
                using (_writer.Block($"{MemberAccessibility} void Add({_spec.ValueType} {_item})"))
                {
                    if (_needsStart)
                    {
                        _writer.WriteLine($"if (!{Started}) {Start}();");
                    }

                    // An accumulator type's Of, Where and key never await (the parser reports them): no token to give.
                    var reads = ElementReads.InPlace(token: null);
                    EmitAttributes(Grouping is { } grouping ? EmitFindGroup(grouping, ReadKey(reads, grouping)) : _fields, reads);
                }
            }

            private void EmitResult()
            {
                _writer.WriteLine();
                _writer.WriteLine("/// <inheritdoc/>");
                _writer.WriteLine(GeneratedCodeAttribute);
                using (_writer.Block($"{MemberAccessibility} {ReadOnlyModifier}{_spec.ResultType} Result"))
                {
                    using (_writer.Block("get"))
                    {
                        if (_needsStart)
                        {
                            _writer.WriteLine($"if (!{Started}) return {Empty}().Result;");
                        }

                        if (Grouping is { } grouping)
                        {
                            EmitGroupedResults(grouping);
                        }
                        else
                        {
                            EmitResultLocals(_fields);
                            _writer.WriteLine($"return {ResultExpression()};");
                        }
                    }
                }
            }

            /// <summary>
            /// What the record's <c>ToString()</c> shows: what the compiler's would, but its result, or that it has none, where
            /// the compiler's would throw with <c>Result</c> for an empty state whose results cannot be empty (the debugger, a
            /// log line), or, per key, for a null key, which the result's dictionary cannot hold.
            /// </summary>
            private void EmitPrintMembers(PrintMembersSpec printMembers)
            {
                _writer.WriteLine();
                var shown = new List<string> { "the result", "\"(no value)\" for an empty state whose result cannot be empty" };
                if (Grouping is { KeyNulls: not NullKind.None })
                {
                    shown.Add("\"(a null key)\" once one was added");
                }

                // An exact integral total is narrowed when Result is read, and a generic-math average makes its count a
                // value of its type: either throws once it does not fit.
                var totalOverflows = Aggregates.Any(static a => a.Accumulator is AccumulatorKind.ExactSigned or AccumulatorKind.ExactUnsigned);
                var countOverflows = Aggregates.Any(static a => a.Accumulator is AccumulatorKind.GenericMath && a.Kind == AggregateKind.Average);
                var overflows = totalOverflows || countOverflows;
                if (overflows)
                {
                    shown.Add($"\"(overflow)\" for a {(totalOverflows && countOverflows ? "total or count" : totalOverflows ? "total" : "count")} its type cannot hold");
                }

                var before = (printMembers.PrintsBase, printMembers.Members.IsEmpty) switch
                {
                    (false, true) => "",
                    (false, false) => "its own members, then ",
                    (true, true) => "the base record's members, then ",
                    (true, false) => "the base record's members, its own, then ",
                };
                _writer.WriteLine($"/// <summary>What ToString() shows: {before}{string.Join(", ", shown.Take(shown.Count - 1))}, or {shown[shown.Count - 1]}.</summary>");
                _writer.WriteLine(GeneratedCodeAttribute);
                var readOnly = printMembers.ReadsOnly ? ReadOnlyModifier : "";
                using (_writer.Block($"{printMembers.Modifiers} {readOnly}bool PrintMembers(global::System.Text.StringBuilder builder)"))
                {
                    if (printMembers.PrintsBase)
                    {
                        using (_writer.Block("if (base.PrintMembers(builder))"))
                        {
                            _writer.WriteLine("builder.Append(\", \");");
                        }
                    }

                    // The compiler's format: a value type through its own ToString(), which a ref struct has too.
                    foreach (var member in printMembers.Members)
                    {
                        var value = "this." + SourceWriter.Identifier(member.Name);
                        _writer.WriteLine($"builder.Append(\"{member.Name} = \").Append({(member.IsValueType ? value + ".ToString()" : "(object?)" + value)}).Append(\", \");");
                    }

                    _writer.WriteLine("builder.Append(\"Result = \");");
                    using (_writer.Block("try"))
                    {
                        _writer.WriteLine("builder.Append((object?)Result);");
                    }

                    using (_writer.Block("catch (global::System.InvalidOperationException)"))
                    {
                        _writer.WriteLine("builder.Append(\"(no value)\");");
                    }

                    if (Grouping is { KeyNulls: not NullKind.None })
                    {
                        using (_writer.Block("catch (global::System.ArgumentNullException)"))
                        {
                            _writer.WriteLine("builder.Append(\"(a null key)\");");
                        }
                    }

                    if (overflows)
                    {
                        using (_writer.Block("catch (global::System.OverflowException)"))
                        {
                            _writer.WriteLine("builder.Append(\"(overflow)\");");
                        }
                    }

                    if (_spec.IsCompletable)
                    {
                        _writer.WriteLine("builder.Append(\", IsComplete = \").Append(IsComplete);");
                    }

                    _writer.WriteLine("return true;");
                }
            }

            private void EmitMerge()
            {
                var other = "other";   // the interface's name; every field starts with the prefix, so it shadows none
                _writer.WriteLine();
                _writer.WriteLine("/// <inheritdoc/>");
                _writer.WriteLine(GeneratedCodeAttribute);
                using (_writer.Block($"public void Merge({_spec.TypeName} {other})"))
                {
                    if (!_spec.IsValueType)
                    {
                        _writer.WriteLine($"if ({other} is null) throw new global::System.ArgumentNullException({SourceWriter.NameLiteral(other)});");
                    }

                    if (_needsStart)
                    {
                        _writer.WriteLine($"if (!{other}.{Started}) return; // nothing was added to it");
                        _writer.WriteLine($"if (!{Started}) {Start}();");
                    }

                    if (Grouping is { } grouping)
                    {
                        // The other's keys in its first-seen order: a key new here comes after this one's, as if its
                        // elements had been added after this one's.
                        var (i, theirs) = (_p + "i", _p + "theirs");
                        using (_writer.Block($"for (int {i} = 0; {i} < {other}.{GroupCount}; {i}++)"))
                        {
                            _writer.WriteLine($"var {theirs} = {other}.{Groups}[{i}];");
                            var mine = EmitFindGroup(grouping, theirs + "." + grouping.KeyMember);
                            EmitMerges(mine, FieldsOf(theirs));
                        }
                    }
                    else
                    {
                        EmitMerges(_fields, new Scope($"{other}.{_p}"));
                    }
                }
            }

            private void EmitIsComplete()
            {
                _writer.WriteLine();
                _writer.WriteLine("/// <inheritdoc/>");
                _writer.WriteLine(GeneratedCodeAttribute);
                if (Grouping is not null)
                {
                    _writer.WriteLine($"public {ReadOnlyModifier}bool IsComplete => false; // a later element may always start a new key");
                    return;
                }

                if (!Accumulator.CanAllBeDecided(Aggregates))
                {
                    var open = Aggregates.First(static a => a.Completion == Completion.Never);
                    _writer.WriteLine($"public {ReadOnlyModifier}bool IsComplete => false; // {open.Kind} can change with every value");
                    return;
                }

                var decided = Accumulator.AllDecided(Aggregates, _fields);
                if (!_needsStart)
                {
                    _writer.WriteLine($"public {ReadOnlyModifier}bool IsComplete => {decided};");
                    return;
                }

                using (_writer.Block($"public {ReadOnlyModifier}bool IsComplete"))
                {
                    using (_writer.Block("get"))
                    {
                        _writer.WriteLine($"if (!{Started}) return {Empty}().IsComplete;");
                        _writer.WriteLine($"return {decided};");
                    }
                }
            }

            /// <summary>
            /// The fields of the empty state that <c>default</c> leaves zero, and the empty state itself. Started only once
            /// they are set: an initial value that throws (a custom accumulator's constructor) leaves the next Add to try again.
            /// </summary>
            private void EmitStart()
            {
                _writer.WriteLine();
                using (_writer.Block($"private void {Start}()"))
                {
                    foreach (var field in Fields().Where(static f => !f.StartsZeroed))
                    {
                        _writer.WriteLine($"{field.Name} = {field.Initial};");
                    }

                    _writer.WriteLine($"{Started} = true;");
                }

                _writer.WriteLine();
                using (_writer.Block($"private static {_spec.TypeName} {Empty}()"))
                {
                    _writer.WriteLine($"var empty = default({_spec.TypeName});");
                    _writer.WriteLine($"empty.{Start}();");
                    _writer.WriteLine("return empty;");
                }
            }
        }
    }
}
