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
        /// An <c>IQueryable&lt;T&gt;</c> source: no loop, but one LINQ expression that groups the rows (by a constant, or by
        /// the [GroupBy] key), projects each group's aggregates into a row of a generated class, and runs once: one command,
        /// one scan. Each kind says which SQL aggregates it needs and how its result follows from them
        /// (<see cref="Accumulator.QueryColumns"/>); the results keep the loop's empty rules, applied to a missing row or a
        /// null column here rather than met as an exception inside the provider.
        /// </summary>
        private sealed class QueryEmitter : FusedEmitter
        {
            private readonly AggregateMethodSpec _spec;
            private readonly string _rowType;

            /// <summary>Each aggregate's group (by result index), as its columns read it: its attribute's filter and value.</summary>
            private readonly Dictionary<int, QueryGroup> _groups = new();

            /// <summary>
            /// A column that another before it already computes, of the same type by the same expression (Any and All of one
            /// value both count its true rows; a Sum and an Average of one value both sum it): the name of that one, which
            /// the row's results read instead. The query computes each once.
            /// </summary>
            private readonly Dictionary<string, string> _sameColumn = new();

            public QueryEmitter(AggregateMethodSpec spec, SourceWriter writer)
                : base(writer, spec.Attributes, spec.Result, spec.Grouping, usesGenericMath: false,
                    new MethodContext(spec.LocalPrefix, spec.LocalPrefix + "x", spec.Source, new HashSet<AggregateSpec>(), default), spec.MemberPrefix)
            {
                _spec = spec;
                _rowType = spec.QueryRowType!;
                var (group, x) = (_p + "g", _p + "x");
                foreach (var attribute in spec.Attributes)
                {
                    var rows = attribute.FilterExpression is { } filter ? QueryGroup.Call("Where", group, $"{x} => {filter.Replace("{0}", x)}") : group;
                    foreach (var a in attribute.Aggregates)
                    {
                        _groups[a.ResultIndex] = new QueryGroup(rows, x, attribute.Value, _p);
                    }
                }

                var computed = new Dictionary<(string Type, string Expression), string>();
                foreach (var (a, column) in Columns())
                {
                    var name = Accumulator.Name(a) + column.Suffix;
                    if (computed.TryGetValue((column.Type, column.Expression), out var earlier))
                    {
                        _sameColumn[name] = earlier;
                    }
                    else
                    {
                        computed[(column.Type, column.Expression)] = name;
                    }
                }
            }

            /// <summary>Every aggregate's columns, attribute by attribute.</summary>
            private IEnumerable<(AggregateSpec Aggregate, QueryColumn Column)> Columns() =>
                Attributes.SelectMany(static attribute => attribute.Aggregates)
                    .SelectMany(a => Accumulator.Of(a).QueryColumns(a, _groups[a.ResultIndex]).Select(column => (a, column)));

            /// <summary>The columns of <paramref name="a"/> the query computes: those no earlier column computes already.</summary>
            private IEnumerable<QueryColumn> OwnColumns(AggregateSpec a) =>
                Accumulator.Of(a).QueryColumns(a, _groups[a.ResultIndex]).Where(column => !_sameColumn.ContainsKey(Accumulator.Name(a) + column.Suffix));

            protected override bool UsesRefLocals => false;

            protected override string OwnerName => _spec.Signature.Name;

            protected override EquatableArray<string> Constraints => _spec.Signature.TypeParameterConstraints;

            protected override bool IsObsolete => _spec.Signature.IsObsolete;

            private string Query => _p + "query";

            private string Row => _p + "row";

            public void Emit()
            {
                EmitSignature(_writer, _spec.Signature);
                using (_writer.Block())
                {
                    using (OpenAsyncBody(_writer, _spec.Signature, _p, EmitArgumentChecks(_writer, _spec.Source)))
                    {
                        EmitQuery();
                        if (Grouping is { } grouping)
                        {
                            EmitGroupedRows(grouping);
                        }
                        else
                        {
                            EmitOneRow();
                        }
                    }
                }

                EmitRowType();
            }

            /// <summary>The query: the rows grouped, each group projected into a row of every aggregate's columns.</summary>
            private void EmitQuery()
            {
                var (source, element, x, g) = (_spec.Source, _spec.Source.ElementType, _p + "x", _p + "g");
                var (keyType, key) = Grouping is { } grouping
                    ? (grouping.KeyType, grouping.KeyExpression.Replace("{0}", x))
                    : ("int", "1");
                _writer.WriteLine(Grouping is null
                    ? "// One query, one scan: the rows as one group (a constant key), its aggregates projected into one row."
                    : "// One query, one scan: the rows grouped by the key, each group's aggregates projected into one row.");
                _writer.WriteLine($"var {Query} = global::System.Linq.Queryable.Select(");
                _writer.WriteLine($"    global::System.Linq.Queryable.GroupBy<{element}, {keyType}>({source.ParameterName}, {x} => {key}),");
                _writer.WriteLine($"    {g} => new {_rowType}");
                _writer.WriteLine("    {");
                if (Grouping is not null)
                {
                    _writer.WriteLine($"        {Grouping.KeyMember} = {g}.Key,");
                }

                var columns = FieldsOf();
                foreach (var attribute in Attributes)
                {
                    _writer.WriteLine("        // " + attribute.Description);
                    foreach (var a in attribute.Aggregates)
                    {
                        foreach (var column in Accumulator.Of(a).QueryColumns(a, _groups[a.ResultIndex]))
                        {
                            var name = columns.Of(a, column.Suffix);
                            _writer.WriteLine(_sameColumn.TryGetValue(Accumulator.Name(a) + column.Suffix, out var same)
                                ? $"        // {name}: not computed again, read from {Member(same)}"
                                : $"        {name} = {column.Expression},");
                        }
                    }
                }

                _writer.WriteLine("    });");
                _writer.WriteLine();
            }

            /// <summary>Without [GroupBy]: the one row, or none when the source has no rows (a group needs one).</summary>
            private void EmitOneRow()
            {
                var found = _p + "found";
                _writer.WriteLine($"// No row comes back for no rows: then every column is as over no values (null, or a count of 0).");
                _writer.WriteLine($"var {Row} = new {_rowType}();");
                using (ForEachRow(found))
                {
                    _writer.WriteLine($"{Row} = {found};");
                    _writer.WriteLine("break;");
                }

                _writer.WriteLine();
                EmitRowResults(RowScope);
                _writer.WriteLine();
                _writer.WriteLine($"return {ResultExpression()};");
            }

            /// <summary>With [GroupBy]: a dictionary entry per row, in the order the provider returns them.</summary>
            private void EmitGroupedRows(GroupingSpec grouping)
            {
                var byKey = _p + "byKey";
                WithNullableKeys(grouping, $"var {byKey} = new {grouping.DictionaryType}();");
                using (ForEachRow(Row))
                {
                    EmitRowResults(RowScope);
                    if (grouping.KeyNulls != NullKind.None)
                    {
                        _writer.WriteLine("// A null key throws ArgumentNullException here, after its results, as in ToDictionary.");
                    }

                    var key = $"{Row}.{grouping.KeyMember}{(grouping.KeyNulls == NullKind.Reference ? "!" : "")}";
                    _writer.WriteLine($"{byKey}.Add({key}, {ResultExpression()});");
                }

                _writer.WriteLine();
                _writer.WriteLine($"return {byKey};");
            }

            private void EmitRowResults(Scope row) => EmitResultLocals(
                a => Accumulator.Of(a).QueryResult(a, _groups[a.ResultIndex], row),
                a => Accumulator.Of(a).QueryEmptiness(a, _groups[a.ResultIndex], row));

            private Scope RowScope => FieldsOf(Row) with { SameAs = _sameColumn };

            /// <summary>
            /// Runs the query: <c>foreach</c> for a plain result, once the method's token is checked; for a task,
            /// <c>await foreach</c> over the provider's <c>IAsyncEnumerable&lt;T&gt;</c>, with the method's token, which a
            /// cancelled command reports.
            /// </summary>
            private Block ForEachRow(string row)
            {
                if (!_spec.Signature.IsAsync)
                {
                    // A synchronous command cannot be cancelled once it runs: the method's token is checked before.
                    EmitTokenCheck(_spec.CancellationTokenName);

                    return _writer.Block($"foreach (var {row} in {Query})");
                }

                var rows = _p + "rows";
                var token = _spec.CancellationTokenName;
                var message = $"The query of '{_spec.Signature.Name}' cannot run asynchronously: its provider does not implement IAsyncEnumerable<T> (EF Core's do). Return the results directly to run it synchronously.";
                _writer.WriteLine($"if ({Query} is not global::System.Collections.Generic.IAsyncEnumerable<{_rowType}> {rows})");
                using (_writer.Block())
                {
                    _writer.WriteLine($"throw new global::System.InvalidOperationException({Microsoft.CodeAnalysis.CSharp.SymbolDisplay.FormatLiteral(message, quote: true)});");
                }

                _writer.WriteLine();
                return _writer.Block($"await foreach (var {row} in {AsyncEnumeration(rows, _rowType, token)})");
            }

            /// <summary>The class a group's row is projected into: settable properties, as providers materialize them.</summary>
            private void EmitRowType()
            {
                using (OpenNestedType($"A row of the query of {OwnerName}: one group's aggregates, as the provider computes them.", $"private sealed class {_rowType}"))
                {
                    var columns = FieldsOf();
                    EmitMembersByAttribute(
                        a => OwnColumns(a).Select(c => $"public {c.Type} {columns.Of(a, c.Suffix)} {{ get; set; }}"),
                        // The key as the loop holds it, a reference one nullable (string?): the provider sets it, and
                        // nothing needs an initializer.
                        leadingMember: Grouping is { } grouping ? $"public {grouping.KeyType} {grouping.KeyMember} {{ get; set; }}" : null);
                }
            }
        }
    }
}
