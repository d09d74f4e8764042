using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using MultiAgg.Generators.Diagnostics;
using MultiAgg.Generators.Emitting;
using MultiAgg.Generators.Parsing;
using MultiAgg.Generators.Specs;

namespace MultiAgg.Generators;

public sealed partial class AggregateGenerator
{
    /// <summary>
    /// Turns one method carrying [Aggregate] into an <see cref="AggregateMethodSpec"/>, one type carrying it into an
    /// <see cref="AccumulatorTypeSpec"/>, or either into the diagnostics that explain why it cannot be implemented.
    /// All symbol work happens here, once.
    /// </summary>
    internal sealed partial class Parser
    {
        private static readonly SymbolDisplayFormat NamespaceFormat = SymbolDisplayFormat.FullyQualifiedFormat
            .WithGlobalNamespaceStyle(SymbolDisplayGlobalNamespaceStyle.Omitted);

        private static readonly SymbolDisplayFormat ShortTypeFormat = SymbolDisplayFormat.MinimallyQualifiedFormat
            .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

        private readonly GeneratorAttributeSyntaxContext _context;
        private readonly CancellationToken _cancellationToken;
        private readonly List<DiagnosticInfo> _diagnostics = new();
        private readonly Compilation _compilation;
        private readonly SemanticModel _semanticModel;
        private readonly LanguageVersion _languageVersion;
        private readonly KnownTypes _knownTypes;
        private readonly CompilationMemo _memo;

        /// <summary>The type whose members a lookup at the declaration's position sees as from inside (see <see cref="LookUp"/>).</summary>
        private INamedTypeSymbol? _lookupOrigin;
        private bool _lookupOriginKnown;
        private IMethodSymbol _method = null!;
        private MethodDeclarationSyntax _syntax = null!;
        private Declaration? _declaration;
        private bool _declarationIsImplementable;
        private DiagnosticInfo? _languageVersionTooLow;

        /// <summary>The first type the generated file would write that only an extern alias names (see <see cref="NoteExternAlias(ExternName?)"/>).</summary>
        private ExternName? _externName;

        /// <summary>
        /// The IDs of the diagnostics the <c>[Experimental]</c> and <c>[Obsolete]</c> APIs the generated file names give (see
        /// <see cref="CompilationMemo.SuppressedIds"/>):
        /// every type it writes passes <see cref="Type"/> (or, inlined into a query, the inliner), every member it calls
        /// <see cref="ForbiddenObsoleteError"/>. The
        /// file suppresses them: the declaration chose those APIs, in code whose own suppressions do not reach the file.
        /// </summary>
        private readonly SortedSet<string> _suppressedIds = new(System.StringComparer.Ordinal);

        /// <summary>Whether the source is a query, into which <c>Of</c>/<c>Where</c>/key methods are inlined (see <see cref="InlineIntoQuery"/>).</summary>
        private bool _query;

        /// <summary>The method's extra parameters an <c>Of</c>/<c>Where</c>/key method takes by name: used, whatever their type.</summary>
        private readonly HashSet<string> _passedParameters = new();

        /// <summary>Whether the method is async (returns a task), so that <c>Of</c>/<c>Where</c>/key methods may be awaited.</summary>
        private bool _async;

        public Parser(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            _context = context;
            _cancellationToken = cancellationToken;
            _semanticModel = context.SemanticModel;
            _compilation = context.SemanticModel.Compilation;
            _languageVersion = ((CSharpParseOptions)context.TargetNode.SyntaxTree.Options).LanguageVersion;
            _knownTypes = KnownTypes.For(_compilation);
            _memo = CompilationMemo.For(_compilation);
        }

        public AggregateModel Parse()
        {
            AggregateMethodSpec? spec = null;
            AccumulatorTypeSpec? typeSpec = null;
            RejectedMethodSpec? rejected = null;
            RejectedAccumulatorTypeSpec? rejectedType = null;
            try
            {
                if (_context.TargetNode is TypeDeclarationSyntax typeSyntax && _context.TargetSymbol is INamedTypeSymbol type)
                {
                    typeSpec = ParseAccumulatorType(type, typeSyntax);
                    typeSpec = _diagnostics.Count == 0 ? typeSpec : null;
                    rejectedType = typeSpec is null ? RejectAccumulatorType() : null;
                }
                else
                {
                    spec = ParseMethod();
                    spec = _diagnostics.Count == 0 ? spec : null;
                    rejected = spec is null ? Reject() : null;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return Failed(ex);
            }

            return new AggregateModel(spec, rejected, _diagnostics.ToEquatableArray(), _languageVersionTooLow, typeSpec, rejectedType);
        }

        /// <summary>
        /// An unexpected failure, as MAGG199 at the declaration with the body that throws if it can still be written: the
        /// generator must never take the compiler down, which would drop every file it wrote (CS8785).
        /// </summary>
        private AggregateModel Failed(Exception ex)
        {
            var location = _context.TargetNode switch
            {
                MethodDeclarationSyntax m => m.Identifier.GetLocation(),
                TypeDeclarationSyntax t => t.Identifier.GetLocation(),
                var node => node.GetLocation(),
            };
            _diagnostics.Clear();
            Report(DiagnosticDescriptors.GeneratorFailure, location, _context.TargetSymbol.Name, ex.GetType().Name + ": " + ex.Message);
            return new AggregateModel(null, RejectAfterFailure(), _diagnostics.ToEquatableArray(), _languageVersionTooLow);
        }

        /// <summary>After an unexpected failure, the body that throws if it can still be written; nothing if that fails too.</summary>
        private RejectedMethodSpec? RejectAfterFailure()
        {
            try
            {
                return Reject();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return null;
            }
        }

        /// <summary>A body that throws, for a declaration the compiler accepts but MultiAgg rejected (see <see cref="RejectedMethodSpec"/>).</summary>
        private RejectedMethodSpec? Reject()
        {
            // The compiler's own errors in the signature (an inaccessible parameter type, say) would only be repeated
            // by a body; the missing implementation (CS8795) is the one a body removes. (Errors in the attributes are
            // the attributes' own: the body still spares them the CS8795 beside.)
            if (!_declarationIsImplementable)
            {
                return null;
            }

            var signature = Microsoft.CodeAnalysis.Text.TextSpan.FromBounds(
                _syntax.Modifiers.Count > 0 ? _syntax.Modifiers[0].SpanStart : _syntax.ReturnType.SpanStart, _syntax.Span.End);
            if (_semanticModel.GetDeclarationDiagnostics(signature, _cancellationToken).Any(static d => d.Severity == DiagnosticSeverity.Error && d.Id != "CS8795"))
            {
                return null;
            }

            // The signature's types first: one that only an extern alias names leaves no body to write (MAGG139).
            var declared = CreateSignature(_method, _syntax, isAsync: false);
            if (_externName is not null)
            {
                return null;
            }

            var reasons = _diagnostics.Count == 0
                ? "its [Aggregate] attribute has errors"
                : string.Join(" ", _diagnostics.Select(static d => d.IdAndMessage));
            return new RejectedMethodSpec(
                CreateHintName(_method),
                NamespaceOf(_method),
                ContainingTypes(_method, _syntax).ToEquatableArray(),
                declared,
                $"MultiAgg could not implement '{_method.Name}': {reasons}",
                _suppressedIds.ToEquatableArray());
        }

        /// <summary>
        /// Whether the loop awaits a selector: an asynchronous Where or key, or an asynchronous Of that an aggregate reads
        /// (Count and LongCount count the elements and never read their Of).
        /// </summary>
        private static bool AwaitsASelector(List<AttributeInput> inputs, ParsedGrouping? grouping) =>
            inputs.Any(static input => (input.Filter is { } filter && ValueSpec.Awaits(filter))
                || (ValueSpec.Awaits(input.Value.Spec.Expression) && input.Aggregates.Any(static a => a.Kind is not (AggregateKind.Count or AggregateKind.LongCount))))
            || (grouping is not null && ValueSpec.Awaits(grouping.Spec.KeyExpression));

        /// <summary>
        /// Whether every comparer parameter is used: as the [GroupBy] key's comparer or by an Of/Where/key method that takes
        /// it by name. The aggregates themselves compare with the default comparers (LINQ's CountDistinct, Min and Max
        /// forms without one), so any other comparer would be left unused without a word.
        /// </summary>
        private bool CheckComparersUsed(string? keyComparer)
        {
            var unused = _declaration!.ExtraParameters
                .Where(p => !_passedParameters.Contains(p.Name) && Identifier(p.Name) != keyComparer && _knownTypes.IsComparer(p.Type))
                .ToList();
            foreach (var parameter in unused)
            {
                Report(DiagnosticDescriptors.UnsupportedParameter, ParameterSyntax(parameter)?.GetLocation(),
                    $"Parameter '{parameter.Name}' is a comparer that nothing uses: the aggregates compare with the default comparers, only an IEqualityComparer<TKey> of the [GroupBy] key's type compares keys, and no Of, Where or key method takes a parameter named '{parameter.Name}'; remove it, or compare in an Of or Where method that takes it");
            }

            return unused.Count == 0;
        }

        /// <summary>
        /// First whether MultiAgg can implement the declaration at all (<see cref="ValidateMethod"/>), then what its
        /// attributes ask of the one loop (<see cref="BuildSpec"/>).
        /// </summary>
        private AggregateMethodSpec? ParseMethod() =>
            ValidateMethod() is { } declared ? BuildSpec(declared) : null;

        /// <summary>
        /// From the attributes to the spec: each attribute's aggregates, the [GroupBy] key, the result slots the
        /// aggregates fill and the accumulator each needs, then how the loop reads the source.
        /// </summary>
        private AggregateMethodSpec? BuildSpec(ImplementableMethod declared)
        {
            var (method, syntax, source, resultType, isAsync) = declared;
            var elementType = source.Element;
            _query = source.Kind == SourceKind.Query;
            _async = isAsync;

            // The loop names the element's type, which the signature may not spell (a source deriving from List<int*[]>,
            // a collection of its own private type, an [Obsolete] collection of a type obsolete as an error).
            var unspellable = PointersRefused(elementType, stored: false)
                              ?? (_compilation.IsSymbolAccessibleWithin(elementType, method.ContainingType) ? null : $"which '{method.ContainingType.Name}' cannot access")
                              ?? (ForbiddenObsoleteTypeIn(elementType) is { } obsolete ? "which " + obsolete : null);
            if (unspellable is not null)
            {
                Report(DiagnosticDescriptors.UnsupportedSourceType, ParameterSyntax(method.Parameters[0])?.Type?.GetLocation(), method.Parameters[0].Name,
                    $"has elements of type '{Display(elementType)}', {unspellable}");
                return null;
            }

            var inputs = ParseAttributes(_context.Attributes, elementType);
            var aggregateCount = inputs.Sum(static input => input.Aggregates.Count);
            if (inputs.Count == 0 || aggregateCount == 0 || _diagnostics.Count > 0)
            {
                return null;
            }

            // [GroupBy]: the aggregates fill the dictionary's values, one per key.
            ParsedGrouping? grouping = null;
            if (FindGroupBy(method) is { } groupBy)
            {
                grouping = ParseGrouping(groupBy, resultType, UnwrapAwaitedSyntax(syntax.ReturnType), elementType, isAsync);
                if (grouping is null)
                {
                    return null;
                }

                resultType = grouping.ResultType;
            }

            if (!CheckComparersUsed(grouping?.Spec.ComparerName))
            {
                return null;
            }

            // LINQ's own operators read the source as declared, whatever the loop must do to read it across awaits.
            var asDeclared = source;
            if (isAsync && !source.IsAsync && source.Kind != SourceKind.Query)
            {
                // A task over a synchronous source: only an awaited Of/Where/key method makes the method async.
                if (!AwaitsASelector(inputs, grouping))
                {
                    Report(DiagnosticDescriptors.AsyncShapeMismatch, syntax.ReturnType.GetLocation(),
                        $"'{method.Name}' returns '{Display(method.ReturnType)}' but its source '{method.Parameters[0].Name}' is not an IAsyncEnumerable<T> and no Of, Where or key method it reads is asynchronous (Count and LongCount read no Of); return the results directly");
                    return null;
                }

                source = ReadAcrossAwaits(method.Parameters[0], source);
                if (source is null)
                {
                    return null;
                }
            }

            var slots = ParseResultSlots(resultType, aggregateCount, out var resultSpec, grouping?.ResultSyntax ?? UnwrapAwaitedSyntax(syntax.ReturnType));
            if (slots is null)
            {
                return null;
            }

            var attributes = ChooseAccumulators(inputs, slots, source, asDeclared, grouped: grouping is not null, isAsync);
            if (_diagnostics.Count > 0)
            {
                return null;
            }

            var parallel = ParseParallel(method, source, isAsync, inputs);
            if (_diagnostics.Count > 0 || ((grouping is not null || parallel is not null || _query) && !CheckNestedTypeAllowed(method)))
            {
                return null;
            }

            // The loop checks the method's token before each element, synchronous or not; a synchronous parallel
            // method's blocks check one the runtime links to it and to the options' token.
            var cancellationToken = TokenParameters(method).FirstOrDefault();

            if (_query && !CheckCapturable(method, "the query's lambdas capture it"))
            {
                return null;
            }

            if (_query)
            {
                // No loop: nothing to read through an enumerator, to vectorize or to keep narrow.
                return new AggregateMethodSpec(
                    HintName: CreateHintName(method),
                    Namespace: NamespaceOf(method),
                    ContainingTypes: ContainingTypes(method, syntax, isAsync).ToEquatableArray(),
                    Signature: CreateSignature(method, syntax, isAsync),
                    Source: new SourceSpec(source.Kind, Identifier(method.Parameters[0].Name), Type(elementType), source.Guard, null, RuntimeSpans.None),
                    CancellationTokenName: cancellationToken is null ? null : Identifier(cancellationToken.Name),
                    Result: resultSpec!,
                    Attributes: attributes.ToEquatableArray(),
                    LocalPrefix: ChooseLocalPrefix(method),
                    UsesGenericMath: false,
                    Vectorized: null,
                    Grouping: grouping?.Spec,
                    QueryRowType: NestedTypeName(method, "Row"),
                    MemberPrefix: ChooseMemberPrefix(method),
                    SuppressedIds: _suppressedIds.ToEquatableArray());
            }

            // A parallel method reads its blocks by index whoever runs user code: changing the source while it is
            // aggregated is a race anyway.
            var userCodeRuns = grouping is not null || attributes.Any(static attribute =>
                !attribute.Value.IsElement || attribute.FilterExpression is not null || attribute.Aggregates.Any(static aggregate => aggregate.IsCustom));
            if (userCodeRuns && parallel is null)
            {
                source = source.ReadThroughEnumerator();
            }

            // Fewer than 2^31 elements (per key too: a key's Count counts its own) cannot take a long sum of
            // 32-bit values past its range: those sums need no wrap tracking.
            var fewerThan2To31 = source.Kind is SourceKind.Span or SourceKind.IndexedList
                || attributes.Any(static attribute => attribute.FilterExpression is null && attribute.Aggregates.Any(static aggregate => aggregate is { Accumulator: AccumulatorKind.Counter, AccumulatorType: "int" }));
            if (fewerThan2To31)
            {
                attributes = WithNarrowTotals(attributes, inputs);
            }

            // Per-key records are not vectorized: each element may belong to another key. Chunks of a parallel method
            // are read from an array of their own by index, and a window's elements one at a time: no span path.
            var chunks = parallel?.Split is ParallelSplit.Chunks or ParallelSplit.Window;
            var vectorPlan = grouping is null && !chunks ? PlanVectorLoop(source, elementType, attributes) : null;
            if (!NoteLibraryTypesWritten(vectorPlan?.Attributes ?? attributes, parallel))
            {
                return null;
            }

            return new AggregateMethodSpec(
                HintName: CreateHintName(method),
                Namespace: NamespaceOf(method),
                ContainingTypes: ContainingTypes(method, syntax, isAsync).ToEquatableArray(),
                Signature: CreateSignature(method, syntax, isAsync),
                Source: new SourceSpec(source.Kind, Identifier(method.Parameters[0].Name), Type(elementType), source.Guard, source.SpanExpression, chunks ? RuntimeSpans.None : source.SpansAtRunTime(userCodeRuns), source.ThroughInterface),
                CancellationTokenName: cancellationToken is null ? null : Identifier(cancellationToken.Name),
                Result: resultSpec!,
                Attributes: (vectorPlan?.Attributes ?? attributes).ToEquatableArray(),
                LocalPrefix: ChooseLocalPrefix(method),
                UsesGenericMath: UsesGenericMath(attributes),
                Vectorized: vectorPlan?.Element,
                Grouping: grouping?.Spec,
                Parallel: parallel,
                MemberPrefix: ChooseMemberPrefix(method),
                SuppressedIds: _suppressedIds.ToEquatableArray());
        }

        /// <summary>Whether the aggregates' state lives in fields whatever the method: an accumulator type's, a parallel block's.</summary>
        private bool StateIsStored() =>
            _declaration!.IsType || _method.Parameters.Any(p => KnownTypes.Is(p.Type, _knownTypes.ParallelOptions));

        /// <summary>
        /// Each attribute's aggregates with their accumulators, in result slot order (one attribute spec per input,
        /// in the same order; an aggregate that cannot be implemented is reported and left out). <paramref name="asDeclared"/>
        /// is the source as LINQ's own operators would read it, before the loop's reading across awaits.
        /// </summary>
        private List<AggregateAttributeSpec> ChooseAccumulators(List<AttributeInput> inputs, List<ResultSlot> slots, ParsedSource source, ParsedSource asDeclared, bool grouped, bool isAsync)
        {
            var attributes = new List<AggregateAttributeSpec>();
            var slotIndex = 0;

            // Per key, per worker, in an accumulator type's fields or across an await: no ref struct can be kept there.
            var stored = grouped || isAsync || StateIsStored();

            // Whether the aggregates are those of System.Linq.AsyncEnumerable's operators: of an IAsyncEnumerable, not per key,
            // where AsyncEnumerable.GroupBy's groups are IEnumerables that LINQ-to-Objects aggregates.
            var asAsyncLinq = source.Kind == SourceKind.AsyncForeach && !grouped;
            foreach (var attribute in inputs)
            {
                var aggregates = new List<AggregateSpec>();
                foreach (var (kind, argumentSyntax) in attribute.Aggregates)
                {
                    var slot = slots[slotIndex];
                    var aggregate = attribute.Accumulator is { } accumulator
                        ? ChooseCustomAccumulator(accumulator, attribute.Value, slot, slotIndex, argumentSyntax, stored)
                        : ChooseAccumulator(kind, attribute.Value, slot, slotIndex, argumentSyntax, source.Element, stored);
                    if (aggregate is { Kind: AggregateKind.Average, Accumulator: AccumulatorKind.Floating or AccumulatorKind.Decimal })
                    {
                        aggregate = aggregate with { Start = AverageStart(asDeclared, attribute, grouped) };
                    }

                    // .NET 10's MinAsync of float? or double? values reads every one, each NaN taking the last one's place,
                    // where Enumerable.Min, and MinAsync of float or double, return at the first NaN.
                    if (aggregate is { Completion: Completion.AtNaN } && asAsyncLinq && attribute.Value.Spec.Nulls == NullKind.NullableValueType)
                    {
                        aggregate = aggregate with { Completion = Completion.Never };
                    }

                    // Min/Max of an unconstrained T: its nullable column could not tell "no value" from default(T).
                    var unconstrained = QueryLimits.IsUnconstrainedTypeParameter(attribute.Value.NonNullType)
                        && aggregate?.Kind is AggregateKind.Min or AggregateKind.Max;
                    // A sum of nint or nuint: an expression tree cannot convert a native integer to the 64-bit column.
                    var native = attribute.Value.NonNullType.IsNativeIntegerType
                        && aggregate?.Accumulator is AccumulatorKind.ExactSigned or AccumulatorKind.ExactUnsigned;
                    // Distinct collections (a byte[] hash, EF Core's primitive collection column): LINQ's set compares them by
                    // reference, a database by their contents (a bytea, an array or JSON column).
                    var collections = aggregate?.Kind == AggregateKind.CountDistinct && QueryLimits.IsCollectionOtherThanString(attribute.Value.NonNullType);
                    if (aggregate is not null && source.Kind == SourceKind.Query && (!aggregate.Accumulator.HasQueryForm() || unconstrained || native || collections))
                    {
                        var what = aggregate.Kind == AggregateKind.Custom ? $"The accumulator '{Display(attribute.Accumulator!)}'"
                            : aggregate.Accumulator == AccumulatorKind.GenericMath || native ? $"{aggregate.Kind} of '{Display(attribute.Value.NonNullType)}' values"
                            : unconstrained ? $"{aggregate.Kind} of '{Display(attribute.Value.NonNullType)}' (constrain it to 'struct' or 'class')"
                            : collections ? $"{aggregate.Kind} of '{Display(attribute.Value.NonNullType)}' values (LINQ compares collections by reference, a database by their contents)"
                            : aggregate.Kind.ToString();
                        Report(DiagnosticDescriptors.NoQueryForm, argumentSyntax?.GetLocation(), what, _method.Parameters[0].Name);
                    }

                    if (aggregate is not null)
                    {
                        aggregates.Add(aggregate);
                    }

                    slotIndex++;
                }

                // Not as System.Linq.AsyncEnumerable's Select(of).LastAsync(), which calls the selector for every element.
                if (!asAsyncLinq)
                {
                    KeepLastElements(aggregates, attribute.Value.Spec, source.Element, stored);
                }

                attributes.Add(new AggregateAttributeSpec(attribute.Description, attribute.Value.Spec, attribute.Filter, attribute.AllowReordering, aggregates.ToEquatableArray()));
            }

            return attributes;
        }

        /// <summary>
        /// LINQ's <c>Select(of).Last()</c> keeps the last element and calls the selector once, on it: where nothing else of
        /// the attribute reads the value of every element (beside counts, and aggregates that stop reading it once decided, as
        /// LINQ's stop calling their selectors: Firsts, Any, All, a floating-point Min at NaN), its Lasts keep the element too and read the value for the result, so a selector that would throw
        /// for an earlier element is never called for it. An awaited selector is still read per element (a result is not
        /// awaited), and a ref struct element cannot be kept, nor a value made of pointers where the generated code cannot
        /// hold one (<see cref="PointersRefused"/>), nor, in a struct accumulator type, an element that holds the struct in
        /// place (its own type, a tuple with it inside): the struct would contain itself, where keeping the value does not.
        /// </summary>
        private void KeepLastElements(List<AggregateSpec> aggregates, ValueSpec value, ITypeSymbol element, bool stored)
        {
            if (value.IsElement || ValueSpec.Awaits(value.Expression) || IsRefLike(element) || PointersRefused(element, stored) is not null
                || _implementableType is { Type: { IsValueType: true } owner } && element is INamedTypeSymbol { IsValueType: true } held && HoldsStateOf(held, owner, fed: false)
                || !aggregates.All(static a => a.Completion != Completion.Never
                    || a.Kind is AggregateKind.Last or AggregateKind.LastOrDefault or AggregateKind.Count or AggregateKind.LongCount))
            {
                return;
            }

            for (var i = 0; i < aggregates.Count; i++)
            {
                if (aggregates[i].Kind is AggregateKind.Last or AggregateKind.LastOrDefault)
                {
                    aggregates[i] = aggregates[i] with { AccumulatorType = Type(element), AccumulatorIsValueType = element.IsValueType, ValueOfKept = value.Expression };
                }
            }
        }

        /// <summary>
        /// For a loop that reads fewer than 2^31 elements: the exact sums of values of 32 bits or fewer, whose plain
        /// <c>long</c> total is exact (see <see cref="AggregateSpec.NarrowTotal"/>). <paramref name="inputs"/> are the
        /// attributes as parsed, in the order of <paramref name="attributes"/>.
        /// </summary>
        private static List<AggregateAttributeSpec> WithNarrowTotals(List<AggregateAttributeSpec> attributes, List<AttributeInput> inputs) =>
            attributes.Zip(inputs, static (attribute, input) => !Is32BitsOrFewer(input.Value.NonNullType) ? attribute : attribute with
            {
                Aggregates = attribute.Aggregates
                    .Select(static aggregate => aggregate.Accumulator is AccumulatorKind.ExactSigned or AccumulatorKind.ExactUnsigned ? aggregate with { NarrowTotal = true } : aggregate)
                    .ToEquatableArray(),
            }).ToList();

        /// <summary>Whether some aggregate adds through .NET 7's generic math, for which the generated code writes its helpers.</summary>
        private static bool UsesGenericMath(IEnumerable<AggregateAttributeSpec> attributes) =>
            attributes.Any(static attribute => attribute.Aggregates.Any(static aggregate => aggregate.Accumulator == AccumulatorKind.GenericMath));

        // ---- Small helpers -------------------------------------------------------------------------

        private AttributeSyntax? AttributeSyntax(AttributeData attribute) =>
            attribute.ApplicationSyntaxReference?.GetSyntax(_cancellationToken) as AttributeSyntax;

        private ParameterSyntax? ParameterSyntax(IParameterSymbol parameter) =>
            _syntax.ParameterList.Parameters.FirstOrDefault(p => p.Identifier.ValueText == parameter.Name);

        private string Type(ITypeSymbol type)
        {
            var (name, externName, suppressedIds) = _memo.Written(type);
            NoteExternAlias(externName);
            NoteSuppressed(suppressedIds);
            return name;
        }

        /// <summary>
        /// The library's own types the generated code writes from <c>global::</c>: the totals of exact sums that could wrap,
        /// the runtime of a parallel or windowed method. MultiAgg referenced only through an extern alias reaches none of
        /// them (MAGG139), where the attributes alone would still bind. False when one was reported.
        /// </summary>
        private bool NoteLibraryTypesWritten(IEnumerable<AggregateAttributeSpec> attributes, ParallelSpec? parallel)
        {
            foreach (var aggregate in attributes.SelectMany(static attribute => attribute.Aggregates))
            {
                var total = aggregate switch
                {
                    { NarrowTotal: true } => null,
                    { Accumulator: AccumulatorKind.ExactSigned } => _knownTypes.ExactInt64Sum,
                    { Accumulator: AccumulatorKind.ExactUnsigned } => _knownTypes.ExactUInt64Sum,
                    _ => null,
                };
                NoteLibraryType(total);
            }

            NoteLibraryType(parallel?.Split switch
            {
                null => null,
                ParallelSplit.Window => _knownTypes.EvaluationWindow,
                _ => _knownTypes.ParallelAggregation,
            });
            return _externName is null;
        }

        private void NoteLibraryType(INamedTypeSymbol? type)
        {
            if (type is not null)
            {
                NoteExternAlias(type);
            }
        }

        /// <summary>A type or namespace the generated file writes as it binds it (an inlined body's): what <see cref="Type"/> notes.</summary>
        private void NoteWritten(INamespaceOrTypeSymbol symbol)
        {
            NoteExternAlias(symbol);
            NoteSuppressed(symbol);
        }

        /// <summary>A type or member the generated file names: its <c>[Experimental]</c> and <c>[Obsolete]</c> IDs, which the file suppresses.</summary>
        private void NoteSuppressed(ISymbol symbol) => NoteSuppressed(_memo.SuppressedIds(symbol));

        private void NoteSuppressed(ImmutableArray<string> ids)
        {
            // Almost always none: no set to touch, no array boxed for UnionWith, on every type written.
            if (!ids.IsEmpty)
            {
                _suppressedIds.UnionWith(ids);
            }
        }

        /// <summary>
        /// A type (or namespace) the generated file is about to write that only an extern alias names: reported once
        /// (MAGG139), where every type the file writes passes, so that no file with an unresolvable global:: name is
        /// written, not even the body that throws (see <see cref="Reject"/>).
        /// </summary>
        private void NoteExternAlias(INamespaceOrTypeSymbol symbol) =>
            NoteExternAlias(symbol is INamespaceSymbol ns ? _memo.ExternNameOf(ns) : _memo.Written((ITypeSymbol)symbol).ExternName);

        private void NoteExternAlias(ExternName? name)
        {
            if (_externName is not null || name is null)
            {
                return;
            }

            _externName = name;
            Report(DiagnosticDescriptors.TypeOnlyBehindExternAlias, null, _context.TargetSymbol.Name, name.ToString(), name.Alias);
        }

        /// <summary>The semantic model of <paramref name="tree"/>: the target's own, or one for another file of the type.</summary>
        private SemanticModel ModelOf(SyntaxTree tree) => tree == _semanticModel.SyntaxTree ? _semanticModel : _compilation.GetSemanticModel(tree);

        private static string Display(ITypeSymbol type) => type.ToDisplayString(ShortTypeFormat);

        private static string Identifier(string name) => SourceWriter.Identifier(name);

        /// <summary>
        /// Reports at <paramref name="location"/>, or at the declaration where there is none or it is in a file of another
        /// compilation (a base type's member in a referenced project's source, as the IDE gives it): the compiler refuses
        /// a generator's diagnostic there, and dropping the generator's whole output with it (CS8785).
        /// </summary>
        private void Report(DiagnosticDescriptor descriptor, Location? location, params string[] args)
        {
            if (location is { SourceTree: { } tree } && !_compilation.ContainsSyntaxTree(tree))
            {
                location = null;
            }

            _diagnostics.Add(DiagnosticInfo.Create(descriptor, location ?? _declaration?.NameLocation ?? _context.TargetNode.GetLocation(), args));
        }
    }
}
