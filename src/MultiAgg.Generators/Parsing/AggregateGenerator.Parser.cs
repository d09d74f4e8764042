using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using MultiAgg.Generators.Diagnostics;
using MultiAgg.Generators.Model;
using MultiAgg.Generators.Parsing;

namespace MultiAgg.Generators;

public sealed partial class AggregateGenerator
{
    /// <summary>
    /// Turns one method carrying [Aggregate] into an <see cref="AggregateMethodSpec"/>, or into the
    /// diagnostics that explain why it cannot be implemented. All symbol work happens here, once.
    /// </summary>
    internal sealed partial class Parser
    {
        private static readonly SymbolDisplayFormat TypeFormat = SymbolDisplayFormat.FullyQualifiedFormat
            .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

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
        private IMethodSymbol _method = null!;
        private MethodDeclarationSyntax _syntax = null!;
        private bool _declarationIsImplementable;
        private DiagnosticInfo? _languageVersionTooLow;

        public Parser(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            _context = context;
            _cancellationToken = cancellationToken;
            _semanticModel = context.SemanticModel;
            _compilation = context.SemanticModel.Compilation;
            _languageVersion = ((CSharpParseOptions)context.TargetNode.SyntaxTree.Options).LanguageVersion;
            _knownTypes = KnownTypes.For(_compilation);
        }

        public AggregateMethodModel Parse()
        {
            AggregateMethodSpec? spec = null;
            RejectedMethodSpec? rejected = null;
            try
            {
                spec = ParseMethod();
                spec = _diagnostics.Count == 0 ? spec : null;
                rejected = spec is null ? Reject() : null;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The generator must never take the compiler down: an unexpected failure is a diagnostic.
                var location = _context.TargetNode switch
                {
                    MethodDeclarationSyntax m => m.Identifier.GetLocation(),
                    var node => node.GetLocation(),
                };
                _diagnostics.Clear();
                Report(DiagnosticDescriptors.GeneratorFailure, location, _context.TargetSymbol.Name, ex.GetType().Name + ": " + ex.Message);
                spec = null;
                rejected = RejectAfterFailure();
            }

            return new AggregateMethodModel(spec, rejected, _diagnostics.ToEquatableArray(), _languageVersionTooLow);
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

            var reasons = _diagnostics.Count == 0
                ? "its [Aggregate] attribute has errors"
                : string.Join(" ", _diagnostics.Select(static d => d.IdAndMessage));
            return new RejectedMethodSpec(
                CreateHintName(_method),
                NamespaceOf(_method),
                ContainingTypes(_method).ToEquatableArray(),
                CreateSignature(_method, _syntax, isAsync: false),
                $"MultiAgg could not implement '{_method.Name}': {reasons}");
        }

        private AggregateMethodSpec? ParseMethod()
        {
            if (_context.TargetSymbol is not IMethodSymbol method)
            {
                return null;
            }

            if (_context.TargetNode is not MethodDeclarationSyntax syntax)
            {
                // A local function, lambda, accessor or operator: none can be a partial method.
                var (location, what) = _context.TargetNode switch
                {
                    LocalFunctionStatementSyntax local => (local.Identifier.GetLocation(), "it is a local function"),
                    var node => (AttributeSyntax(_context.Attributes[0])?.GetLocation() ?? node.GetLocation(), "it is not a method declaration"),
                };
                Report(DiagnosticDescriptors.MethodMustBePartialDefinition, location, method.Name, what);
                return null;
            }

            if (!CheckDeclaration(method, syntax))
            {
                return null;
            }

            // Attributes the compiler could not bind carry its own error; say what to write where we can tell.
            var attributes = _context.Attributes;
            if (attributes.Any(static a => a.AttributeConstructor is null))
            {
                ReportUnboundAggregateNames(attributes);
                return null;
            }

            if (method.Parameters.Length == 0)
            {
                Report(DiagnosticDescriptors.MissingSourceParameter, syntax.ParameterList.GetLocation(), method.Name);
                return null;
            }

            foreach (var parameter in method.Parameters.Skip(1))
            {
                if (parameter.RefKind == RefKind.Out)
                {
                    Report(DiagnosticDescriptors.UnsupportedParameter, ParameterSyntax(parameter)?.GetLocation(), $"Parameter '{parameter.Name}' is an out parameter; an [Aggregate] method returns all its results through its return value");
                }
            }

            var source = ParseSource(method.Parameters[0]);
            var returnShape = ParseAsyncShape(method, source);
            if (source is null || returnShape is null || _diagnostics.Count > 0)
            {
                return null;
            }

            var (resultType, isAsync) = returnShape.Value;
            if (isAsync && !CheckAsyncParameters(method))
            {
                return null;
            }

            var elementType = source.Element;
            var groupInputs = ParseAttributes(attributes, elementType);
            var aggregateCount = groupInputs.Sum(static g => g.Aggregates.Count);
            if (groupInputs.Count == 0 || aggregateCount == 0 || _diagnostics.Count > 0)
            {
                return null;
            }

            // [GroupBy]: the aggregates fill the dictionary's values, one per key.
            ParsedGrouping? grouping = null;
            if (FindGroupBy(method) is { } groupBy)
            {
                grouping = ParseGrouping(groupBy, resultType, elementType, isAsync);
                if (grouping is null)
                {
                    return null;
                }

                resultType = grouping.ResultType;
            }

            var slots = ParseResultSlots(resultType, aggregateCount, out var resultSpec, grouping?.ResultSyntax);
            if (slots is null)
            {
                return null;
            }

            var groups = new List<AggregateAttributeSpec>();
            var narrowSums = new HashSet<AggregateSpec>();   // exact sums of 32-bit values: see NarrowTotal
            var slotIndex = 0;
            foreach (var group in groupInputs)
            {
                var aggregates = new List<AggregateSpec>();
                foreach (var (kind, argumentSyntax) in group.Aggregates)
                {
                    var slot = slots[slotIndex];
                    var aggregate = group.Accumulator is { } accumulator
                        ? ChooseCustomAccumulator(accumulator, group.Value, slot, slotIndex, argumentSyntax)
                        : ChooseAccumulator(kind, group.Value, slot, slotIndex, argumentSyntax, elementType);
                    if (aggregate is { Kind: AggregateKind.Average, Accumulator: AccumulatorKind.Floating })
                    {
                        aggregate = aggregate with { Start = AverageStart(source, group, grouping is not null, isAsync) };
                    }

                    if (aggregate is { Accumulator: AccumulatorKind.ExactSigned or AccumulatorKind.ExactUnsigned } && Is32BitsOrFewer(group.Value.NonNullType))
                    {
                        narrowSums.Add(aggregate);
                    }

                    if (aggregate is not null)
                    {
                        aggregates.Add(aggregate);
                    }

                    slotIndex++;
                }

                groups.Add(new AggregateAttributeSpec(group.Description, group.Value.Spec, group.Filter, group.AllowReordering, aggregates.ToEquatableArray()));
            }

            if (_diagnostics.Count > 0)
            {
                return null;
            }

            var cancellationToken = isAsync
                ? method.Parameters.Skip(1).FirstOrDefault(p => KnownTypes.Is(p.Type, _knownTypes.CancellationToken))
                : null;

            var userCodeRuns = grouping is not null || groups.Any(static g =>
                !g.Value.IsElement || g.FilterExpression is not null || g.Aggregates.Any(static a => a.Accumulator is AccumulatorKind.Custom or AccumulatorKind.CustomNonNull));
            if (userCodeRuns)
            {
                source = source.ReadThroughEnumerator();
            }

            // Fewer than 2^31 elements (per key too: a key's Count counts its own) cannot take a long sum of
            // 32-bit values past its range: those sums need no wrap tracking.
            var fewerThan2To31 = source.Kind is SourceKind.Span or SourceKind.IndexedList
                || groups.Any(static g => g.FilterExpression is null && g.Aggregates.Any(static a => a is { Accumulator: AccumulatorKind.Counter, AccumulatorType: "int" }));
            if (fewerThan2To31 && narrowSums.Count > 0)
            {
                groups = groups.ConvertAll(g => g with
                {
                    Aggregates = g.Aggregates.Select(a => narrowSums.Contains(a) ? a with { NarrowTotal = true } : a).ToEquatableArray(),
                });
            }

            // Per-key records are not vectorized: each element may belong to another key.
            var vectorized = grouping is null ? ChooseVectorization(source, elementType, groups) : null;
            return new AggregateMethodSpec(
                HintName: CreateHintName(method),
                Namespace: NamespaceOf(method),
                ContainingTypes: ContainingTypes(method).ToEquatableArray(),
                Signature: CreateSignature(method, syntax, isAsync),
                Source: new SourceSpec(source.Kind, Identifier(method.Parameters[0].Name), Type(elementType), source.Guard, source.SpanExpression, source.SpansAtRunTime(userCodeRuns)),
                CancellationTokenName: cancellationToken is null ? null : Identifier(cancellationToken.Name),
                Result: resultSpec!,
                Attributes: groups.ToEquatableArray(),
                LocalPrefix: ChooseLocalPrefix(method),
                UsesGenericMath: groups.Any(static g => g.Aggregates.Any(static a => a.Accumulator == AccumulatorKind.GenericMath)),
                Vectorized: vectorized,
                Grouping: grouping?.Spec);
        }

        // ---- The method and its containing types -------------------------------------------------

        /// <summary>
        /// The declaration itself: a partial method definition, in partial types, that MultiAgg can write the other
        /// half of. Once it is, whatever else MultiAgg rejects still gets a body that throws (<see cref="Reject"/>).
        /// </summary>
        private bool CheckDeclaration(IMethodSymbol method, MethodDeclarationSyntax syntax)
        {
            _method = method;
            _syntax = syntax;

            // Types the compiler could not bind, a half-typed declaration (a parameter without a name, a missing
            // parenthesis) and a containing type still without a name already carry the compiler's own errors;
            // nothing written for them could compile.
            if (HasErrorTypes(method) || syntax.ContainsDiagnostics || syntax.Ancestors().OfType<TypeDeclarationSyntax>().Any(static t => t.Identifier.IsMissing))
            {
                return false;
            }

            if (_languageVersion < LanguageVersion.CSharp9)
            {
                // Not reported here: the compiler already marks each such method (CS8370), and one MAGG110 for the
                // whole project says what to change (see Initialize). Nothing is generated.
                _languageVersionTooLow = DiagnosticInfo.Create(
                    DiagnosticDescriptors.LanguageVersionTooLow,
                    AttributeSyntax(_context.Attributes[0])?.GetLocation() ?? syntax.Identifier.GetLocation(),
                    _languageVersion.ToDisplayString());
                return false;
            }

            if (!CheckPartial(method, syntax) | !CheckContainingTypesArePartial(method, syntax))
            {
                return false;
            }

            _declarationIsImplementable = true;
            if (method.ReturnsByRef || method.ReturnsByRefReadonly)
            {
                Report(DiagnosticDescriptors.UnsupportedParameter, syntax.ReturnType.GetLocation(), $"Method '{method.Name}' returns by reference; an [Aggregate] method returns its results by value");
                return false;
            }

            return true;
        }

        private bool CheckPartial(IMethodSymbol method, MethodDeclarationSyntax syntax)
        {
            string? problem = null;
            if (!syntax.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                problem = "it is not partial";
            }
            else if (syntax.Body is not null || syntax.ExpressionBody is not null)
            {
                problem = "it has a body";
            }
            else if (method.PartialImplementationPart is not null)
            {
                problem = "it already has an implementation";
            }

            if (problem is null)
            {
                return true;
            }

            Report(DiagnosticDescriptors.MethodMustBePartialDefinition, syntax.Identifier.GetLocation(), method.Name, problem);
            return false;
        }

        /// <summary>The generated implementation of an async source is an async method, which C# restricts.</summary>
        private bool CheckAsyncParameters(IMethodSymbol method)
        {
            var ok = true;
            foreach (var parameter in method.Parameters.Skip(1))
            {
                if (parameter.RefKind != RefKind.None || parameter.Type.IsRefLikeType)
                {
                    Report(DiagnosticDescriptors.UnsupportedParameter, ParameterSyntax(parameter)?.GetLocation(),
                        $"Parameter '{parameter.Name}' is {(parameter.RefKind != RefKind.None ? "passed by reference" : "a ref struct")}, which the async method implementing an IAsyncEnumerable<T> source cannot take");
                    ok = false;
                }
            }

            if (!method.IsStatic && method.ContainingType.IsRefLikeType)
            {
                Report(DiagnosticDescriptors.UnsupportedParameter, _syntax.Identifier.GetLocation(),
                    $"'{method.Name}' is an instance method of a ref struct, which cannot be async; make it static");
                ok = false;
            }

            return ok;
        }

        private bool CheckContainingTypesArePartial(IMethodSymbol method, MethodDeclarationSyntax syntax)
        {
            var ok = true;
            if (method.ContainingType is { IsFileLocal: true } fileLocal)
            {
                // Generated code lives in another file, and a file-local type cannot be extended from there.
                var declaration = syntax.Ancestors().OfType<TypeDeclarationSyntax>().FirstOrDefault(t => t.Modifiers.Any(SyntaxKind.FileKeyword));
                Report(DiagnosticDescriptors.FileLocalContainingType, declaration?.Identifier.GetLocation(), fileLocal.Name, method.Name);
                return false;
            }

            for (var node = syntax.Parent; node is not null; node = node.Parent)
            {
                if (node is TypeDeclarationSyntax type && !type.Modifiers.Any(SyntaxKind.PartialKeyword))
                {
                    Report(DiagnosticDescriptors.ContainingTypeMustBePartial, type.Identifier.GetLocation(), type.Identifier.ValueText, method.Name);
                    ok = false;
                }
            }

            return ok;
        }

        /// <summary>The namespace the generated part goes in, or null for the global namespace.</summary>
        private static string? NamespaceOf(IMethodSymbol method) =>
            method.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString(NamespaceFormat) : null;

        private static IEnumerable<ContainingTypeSpec> ContainingTypes(IMethodSymbol method)
        {
            var types = new List<ContainingTypeSpec>();
            for (var type = method.ContainingType; type is not null; type = type.ContainingType)
            {
                // 'partial' must come right before the type keyword: "ref partial struct", "partial record struct".
                var declaration = (type.IsRecord, type.TypeKind) switch
                {
                    (true, TypeKind.Struct) => "partial record struct",
                    (true, _) => "partial record",
                    (_, TypeKind.Struct) => type.IsRefLikeType ? "ref partial struct" : "partial struct",
                    (_, TypeKind.Interface) => "partial interface",
                    _ => "partial class",
                };
                var name = Identifier(type.Name);
                if (type.TypeParameters.Length > 0)
                {
                    name += "<" + string.Join(", ", type.TypeParameters.Select(static t => t.Variance switch
                    {
                        VarianceKind.Out => "out ",
                        VarianceKind.In => "in ",
                        _ => "",
                    } + Identifier(t.Name))) + ">";
                }

                types.Add(new ContainingTypeSpec(declaration, name));
            }

            types.Reverse();
            return types;
        }

        private static MethodSignatureSpec CreateSignature(IMethodSymbol method, MethodDeclarationSyntax syntax, bool isAsync)
        {
            // Keep the user's modifiers in their order; 'partial' must come last, right before the return type.
            var modifiers = syntax.Modifiers
                .Where(static m => !m.IsKind(SyntaxKind.PartialKeyword) && !m.IsKind(SyntaxKind.AsyncKeyword))
                .Select(static m => m.Text)
                .ToList();
            if (isAsync)
            {
                modifiers.Add("async");
            }

            modifiers.Add("partial");

            var parameters = method.Parameters.Select((p, i) =>
            {
                var prefix = new StringBuilder();
                if (i == 0 && method.IsExtensionMethod)
                {
                    prefix.Append("this ");
                }

                // 'params' spans are implicitly scoped, and 'scoped params' is not valid syntax.
                if (!p.IsParams && (p.ScopedKind == ScopedKind.ScopedValue || (p.ScopedKind == ScopedKind.ScopedRef && p.RefKind != RefKind.Out)))
                {
                    prefix.Append("scoped ");
                }

                prefix.Append(p.RefKind switch
                {
                    RefKind.Ref => "ref ",
                    RefKind.Out => "out ",
                    RefKind.In => "in ",
                    RefKind.RefReadOnlyParameter => "ref readonly ",
                    _ => "",
                });
                if (p.IsParams)
                {
                    prefix.Append("params ");
                }

                return new ParameterSpec(prefix.ToString(), Type(p.Type), Identifier(p.Name));
            });

            var typeParameters = method.TypeParameters.Length == 0
                ? ""
                : "<" + string.Join(", ", method.TypeParameters.Select(static t => Identifier(t.Name))) + ">";

            // Only a rejected method (a body that throws) can return by reference.
            var returnKind = method.ReturnsByRefReadonly ? "ref readonly " : method.ReturnsByRef ? "ref " : "";
            return new MethodSignatureSpec(
                string.Join(" ", modifiers),
                returnKind + Type(method.ReturnType),
                Identifier(method.Name),
                typeParameters,
                method.TypeParameters.Select(ConstraintClause).Where(static c => c is not null).Select(static c => c!).ToEquatableArray(),
                parameters.ToEquatableArray(),
                isAsync);
        }

        /// <summary>Partial method parts must repeat their constraints exactly.</summary>
        private static string? ConstraintClause(ITypeParameterSymbol typeParameter)
        {
            var constraints = new List<string>();
            if (typeParameter.HasReferenceTypeConstraint)
            {
                constraints.Add(typeParameter.ReferenceTypeConstraintNullableAnnotation == NullableAnnotation.Annotated ? "class?" : "class");
            }
            else if (typeParameter.HasUnmanagedTypeConstraint)
            {
                constraints.Add("unmanaged");
            }
            else if (typeParameter.HasValueTypeConstraint)
            {
                constraints.Add("struct");
            }
            else if (typeParameter.HasNotNullConstraint)
            {
                constraints.Add("notnull");
            }

            constraints.AddRange(typeParameter.ConstraintTypes.Select(Type));
            if (typeParameter.HasConstructorConstraint)
            {
                constraints.Add("new()");
            }

            if (typeParameter.AllowsRefLikeType)
            {
                constraints.Add("allows ref struct");
            }

            return constraints.Count == 0 ? null : $"where {Identifier(typeParameter.Name)} : {string.Join(", ", constraints)}";
        }

        private static string CreateHintName(IMethodSymbol method)
        {
            var parts = new List<string>();
            if (method.ContainingNamespace is { IsGlobalNamespace: false } ns)
            {
                parts.Add(ns.ToDisplayString());
            }

            var types = new List<string>();
            for (var type = method.ContainingType; type is not null; type = type.ContainingType)
            {
                types.Add(type.MetadataName);
            }

            types.Reverse();
            parts.AddRange(types);

            parts.Add(method.Name + OverloadSuffix(method));

            var name = string.Join(".", parts);
            var builder = new StringBuilder(name.Length);
            foreach (var c in name)
            {
                builder.Append(char.IsLetterOrDigit(c) || c is '.' or '_' ? c : '_');
            }

            return builder.Append(".g.cs").ToString();
        }

        /// <summary>
        /// Overloads share a name; a stable hash of the documentation ID (arity and parameter types) tells
        /// apart what is generated for each.
        /// </summary>
        private static string OverloadSuffix(IMethodSymbol method)
        {
            var overloads = method.ContainingType.GetMembers(method.Name).OfType<IMethodSymbol>().Count(static m => m.IsPartialDefinition);
            return overloads > 1 ? $"_{StableHash(method.GetDocumentationCommentId() ?? method.ToDisplayString()):x8}" : "";
        }

        /// <summary>FNV-1a: unlike string.GetHashCode, the same on every run and machine.</summary>
        private static uint StableHash(string text)
        {
            var hash = 2166136261u;
            foreach (var c in text)
            {
                hash = unchecked((hash ^ c) * 16777619u);
            }

            return hash;
        }

        /// <summary>Generated locals start with a prefix no parameter name starts with, so they never collide.</summary>
        private static string ChooseLocalPrefix(IMethodSymbol method)
        {
            var names = method.Parameters.Select(static p => p.Name)
                .Concat(method.TypeParameters.Select(static t => t.Name))
                .Concat(ContainingTypeParameters(method.ContainingType))
                .ToList();
            var prefix = "__";
            while (names.Any(n => n.StartsWith(prefix, StringComparison.Ordinal)))
            {
                prefix += "_";
            }

            return prefix;
        }

        private static IEnumerable<string> ContainingTypeParameters(INamedTypeSymbol? type)
        {
            for (; type is not null; type = type.ContainingType)
            {
                foreach (var typeParameter in type.TypeParameters)
                {
                    yield return typeParameter.Name;
                }
            }
        }

        // ---- Small helpers -------------------------------------------------------------------------

        /// <summary>Types the compiler could not bind already carry its own error; nothing to add.</summary>
        private static bool HasErrorTypes(IMethodSymbol method) =>
            ContainsErrorType(method.ReturnType) || method.Parameters.Any(static p => ContainsErrorType(p.Type));

        private static bool ContainsErrorType(ITypeSymbol type) => type switch
        {
            { TypeKind: TypeKind.Error } => true,
            INamedTypeSymbol named => named.TypeArguments.Any(ContainsErrorType),
            IArrayTypeSymbol array => ContainsErrorType(array.ElementType),
            _ => false,
        };

        private AttributeSyntax? AttributeSyntax(AttributeData attribute) =>
            attribute.ApplicationSyntaxReference?.GetSyntax(_cancellationToken) as AttributeSyntax;

        private ParameterSyntax? ParameterSyntax(IParameterSymbol parameter) =>
            _syntax.ParameterList.Parameters.FirstOrDefault(p => p.Identifier.ValueText == parameter.Name);

        private static string Type(ITypeSymbol type) => type.ToDisplayString(TypeFormat);

        private static string Display(ITypeSymbol type) => type.ToDisplayString(ShortTypeFormat);

        private static string Identifier(string name) =>
            SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None || SyntaxFacts.GetContextualKeywordKind(name) is SyntaxKind.AwaitKeyword
                ? "@" + name
                : name;

        private void Report(DiagnosticDescriptor descriptor, Location? location, params string[] args) =>
            _diagnostics.Add(DiagnosticInfo.Create(descriptor, location ?? (_syntax is null ? _context.TargetNode.GetLocation() : _syntax.Identifier.GetLocation()), args));
    }
}
