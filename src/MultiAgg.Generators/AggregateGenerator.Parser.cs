using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using MultiAgg.Generators.Diagnostics;
using MultiAgg.Generators.Model;

namespace MultiAgg.Generators;

public sealed partial class AggregateGenerator
{
    /// <summary>
    /// Turns one method carrying [Aggregate] into an <see cref="AggregateMethodSpec"/>, or into the
    /// diagnostics that explain why it cannot be implemented. All symbol work happens here, once.
    /// </summary>
    internal sealed class Parser
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
        private IMethodSymbol _method = null!;
        private MethodDeclarationSyntax _syntax = null!;
        private bool _usesGenericMath;

        public Parser(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            _context = context;
            _cancellationToken = cancellationToken;
            _semanticModel = context.SemanticModel;
            _compilation = context.SemanticModel.Compilation;
            _languageVersion = ((CSharpParseOptions)context.TargetNode.SyntaxTree.Options).LanguageVersion;
        }

        public AggregateMethodModel Parse()
        {
            AggregateMethodSpec? spec;
            try
            {
                spec = ParseMethod();
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
            }

            return new AggregateMethodModel(_diagnostics.Count == 0 ? spec : null, _diagnostics.ToEquatableArray());
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

            _method = method;
            _syntax = syntax;

            // Attributes the compiler could not bind already carry the compiler's own error.
            var attributes = _context.Attributes;
            if (attributes.Any(static a => a.AttributeConstructor is null) || HasErrorTypes(method))
            {
                return null;
            }

            if (_languageVersion < LanguageVersion.CSharp9)
            {
                Report(DiagnosticDescriptors.LanguageVersionTooLow, AttributeSyntax(attributes[0])?.GetLocation() ?? syntax.Identifier.GetLocation(), _languageVersion.ToDisplayString());
                return null;
            }

            if (!CheckPartial(method, syntax) | !CheckContainingTypesArePartial(method, syntax))
            {
                return null;
            }

            if (method.ReturnsByRef || method.ReturnsByRefReadonly)
            {
                Report(DiagnosticDescriptors.UnsupportedParameter, syntax.ReturnType.GetLocation(), $"Method '{method.Name}' returns by reference; an [Aggregate] method returns its results by value");
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

            var elementType = source.Value.Element;
            var groupInputs = ParseAttributes(attributes, elementType);
            var aggregateCount = groupInputs.Sum(static g => g.Aggregates.Count);
            if (groupInputs.Count == 0 || aggregateCount == 0 || _diagnostics.Count > 0)
            {
                return null;
            }

            var slots = ParseResultSlots(resultType, aggregateCount, out var resultSpec);
            if (slots is null)
            {
                return null;
            }

            var groups = new List<AggregateGroupSpec>();
            var slotIndex = 0;
            foreach (var group in groupInputs)
            {
                var aggregates = new List<AggregateSpec>();
                foreach (var (kind, argumentSyntax) in group.Aggregates)
                {
                    var slot = slots[slotIndex];
                    var aggregate = ChooseAccumulator(kind, group.Value, slot, slotIndex, argumentSyntax);
                    if (aggregate is not null)
                    {
                        aggregates.Add(aggregate);
                    }

                    slotIndex++;
                }

                groups.Add(new AggregateGroupSpec(group.Description, group.Value.Spec, group.Filter, aggregates.ToEquatableArray()));
            }

            if (_diagnostics.Count > 0)
            {
                return null;
            }

            var cancellationToken = isAsync
                ? method.Parameters.Skip(1).FirstOrDefault(p => IsType(p.Type, "System.Threading.CancellationToken"))
                : null;

            return new AggregateMethodSpec(
                HintName: CreateHintName(method),
                Namespace: method.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString(NamespaceFormat) : null,
                ContainingTypes: ContainingTypes(method).ToEquatableArray(),
                Signature: CreateSignature(method, syntax, isAsync),
                Source: new SourceSpec(source.Value.Kind, Identifier(method.Parameters[0].Name), Type(elementType), source.Value.NeedsNullCheck),
                CancellationTokenName: cancellationToken is null ? null : Identifier(cancellationToken.Name),
                Result: resultSpec!,
                Groups: groups.ToEquatableArray(),
                LocalPrefix: ChooseLocalPrefix(method),
                UsesGenericMath: _usesGenericMath);
        }

        // ---- The method and its containing types -------------------------------------------------

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

            return new MethodSignatureSpec(
                string.Join(" ", modifiers),
                Type(method.ReturnType),
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

            // Overloads share a name; a stable hash of the documentation ID (arity and parameter types) tells them apart.
            var overloads = method.ContainingType.GetMembers(method.Name).OfType<IMethodSymbol>().Count(static m => m.IsPartialDefinition);
            parts.Add(overloads > 1 ? $"{method.Name}_{StableHash(method.GetDocumentationCommentId() ?? method.ToDisplayString()):x8}" : method.Name);

            var name = string.Join(".", parts);
            var builder = new StringBuilder(name.Length);
            foreach (var c in name)
            {
                builder.Append(char.IsLetterOrDigit(c) || c is '.' or '_' ? c : '_');
            }

            return builder.Append(".g.cs").ToString();
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

        // ---- The source ------------------------------------------------------------------------------

        private (SourceKind Kind, ITypeSymbol Element, bool NeedsNullCheck, bool IsAsync)? ParseSource(IParameterSymbol parameter)
        {
            var type = parameter.Type;
            var location = ParameterSyntax(parameter)?.Type?.GetLocation() ?? ParameterSyntax(parameter)?.GetLocation();
            if (parameter.RefKind == RefKind.Out)
            {
                Report(DiagnosticDescriptors.UnsupportedSourceType, location, parameter.Name, "is an out parameter");
                return null;
            }

            var needsNullCheck = !type.IsValueType;
            if (type is IArrayTypeSymbol array)
            {
                if (!array.IsSZArray)
                {
                    Report(DiagnosticDescriptors.UnsupportedSourceType, location, parameter.Name, "is a multi-dimensional array");
                    return null;
                }

                return (SourceKind.Foreach, array.ElementType, needsNullCheck, false);
            }

            if (type is INamedTypeSymbol { IsGenericType: true } named)
            {
                var element = named.TypeArguments[0];
                switch (MetadataName(named.OriginalDefinition))
                {
                    case "System.Span`1":
                    case "System.ReadOnlySpan`1":
                        return (SourceKind.Span, element, false, false);
                    case "System.Collections.Immutable.ImmutableArray`1":
                        return (SourceKind.Foreach, element, false, false);
                    case "System.Memory`1":
                    case "System.ReadOnlyMemory`1":
                        return (SourceKind.MemorySpan, element, false, false);
                    case "System.Collections.Generic.List`1":
                        var asSpan = _compilation.GetTypeByMetadataName("System.Runtime.InteropServices.CollectionsMarshal")?
                            .GetMembers("AsSpan").Any() == true;
                        return (asSpan ? SourceKind.ListSpan : SourceKind.Foreach, element, true, false);
                    case "System.Collections.Generic.IList`1":
                    case "System.Collections.Generic.IReadOnlyList`1":
                        return (SourceKind.IndexedList, element, true, false);
                    case "System.Collections.Generic.IEnumerable`1":
                        return (SourceKind.Foreach, element, true, false);
                    case "System.Collections.Generic.IAsyncEnumerable`1":
                        return (SourceKind.AsyncForeach, element, true, true);
                }
            }

            // Any other type that is a sequence: foreach over its static type picks up a struct enumerator.
            var enumerables = SequenceInterfaces(type, "System.Collections.Generic.IEnumerable`1");
            var asyncEnumerables = SequenceInterfaces(type, "System.Collections.Generic.IAsyncEnumerable`1");
            if (enumerables.Count == 1 && asyncEnumerables.Count == 0)
            {
                return (SourceKind.Foreach, enumerables[0], needsNullCheck, false);
            }

            if (asyncEnumerables.Count == 1 && enumerables.Count == 0)
            {
                return (SourceKind.AsyncForeach, asyncEnumerables[0], needsNullCheck, true);
            }

            var reason = enumerables.Count + asyncEnumerables.Count > 1
                ? $"of type '{Display(type)}' is a sequence of more than one element type"
                : $"of type '{Display(type)}' is not a generic sequence";
            Report(DiagnosticDescriptors.UnsupportedSourceType, location, parameter.Name, reason);
            return null;
        }

        private static List<ITypeSymbol> SequenceInterfaces(ITypeSymbol type, string interfaceName) =>
            InterfacesOf(type)
                .Where(i => MetadataName(i.OriginalDefinition) == interfaceName)
                .Select(static i => i.TypeArguments[0])
                .Distinct<ITypeSymbol>(SymbolEqualityComparer.Default)
                .ToList();

        /// <summary>
        /// The interfaces a type is known to implement: itself if it is one, everything it inherits,
        /// and for a type parameter, what its constraints imply (Roslyn's AllInterfaces omits those).
        /// </summary>
        private static IEnumerable<INamedTypeSymbol> InterfacesOf(ITypeSymbol type)
        {
            var interfaces = type.AllInterfaces.AsEnumerable();
            if (type is INamedTypeSymbol { TypeKind: TypeKind.Interface } self)
            {
                interfaces = interfaces.Prepend(self);
            }

            if (type is ITypeParameterSymbol typeParameter)
            {
                interfaces = interfaces.Concat(typeParameter.ConstraintTypes.SelectMany(InterfacesOf));
            }

            return interfaces;
        }

        private (ITypeSymbol ResultType, bool IsAsync)? ParseAsyncShape(IMethodSymbol method, (SourceKind Kind, ITypeSymbol Element, bool NeedsNullCheck, bool IsAsync)? source)
        {
            var returnType = method.ReturnType;
            var isAwaitable = returnType is INamedTypeSymbol named
                && MetadataName(named.OriginalDefinition) is "System.Threading.Tasks.Task`1" or "System.Threading.Tasks.ValueTask`1";
            var isNonGenericTask = MetadataName(returnType.OriginalDefinition) is "System.Threading.Tasks.Task" or "System.Threading.Tasks.ValueTask";
            if (source is null)
            {
                return null;
            }

            if (source.Value.IsAsync && !isAwaitable)
            {
                Report(DiagnosticDescriptors.AsyncShapeMismatch, _syntax.ReturnType.GetLocation(),
                    $"The source '{method.Parameters[0].Name}' is an IAsyncEnumerable<T>, so '{method.Name}' must return Task<T> or ValueTask<T> of its results, not '{Display(returnType)}'");
                return null;
            }

            if (!source.Value.IsAsync && (isAwaitable || isNonGenericTask))
            {
                Report(DiagnosticDescriptors.AsyncShapeMismatch, _syntax.ReturnType.GetLocation(),
                    $"'{method.Name}' returns '{Display(returnType)}' but its source '{method.Parameters[0].Name}' is not an IAsyncEnumerable<T>; return the results directly");
                return null;
            }

            return isAwaitable ? (((INamedTypeSymbol)returnType).TypeArguments[0], true) : (returnType, false);
        }

        // ---- Attributes: aggregates, Of, Where -------------------------------------------------------

        private sealed record GroupInput(string Description, ResolvedValue Value, string? Filter, List<(AggregateKind Kind, SyntaxNode? Syntax)> Aggregates);

        private sealed record ResolvedValue(ValueSpec Spec, ITypeSymbol Type, ITypeSymbol NonNullType, SyntaxNode? Syntax, string? OfText);

        private List<GroupInput> ParseAttributes(ImmutableArray<AttributeData> attributes, ITypeSymbol elementType)
        {
            var groups = new List<GroupInput>();
            foreach (var attribute in attributes.OrderBy(a => a.ApplicationSyntaxReference?.Span.Start ?? 0))
            {
                _cancellationToken.ThrowIfCancellationRequested();
                var attributeSyntax = AttributeSyntax(attribute);
                var positional = attributeSyntax?.ArgumentList?.Arguments.Where(static a => a.NameEquals is null).ToList() ?? new List<AttributeArgumentSyntax>();

                if (attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Kind != TypedConstantKind.Array)
                {
                    // Only the params Agg[] constructor exists; anything else did not bind.
                    continue;
                }

                var values = attribute.ConstructorArguments[0].IsNull ? ImmutableArray<TypedConstant>.Empty : attribute.ConstructorArguments[0].Values;
                if (values.Length == 0)
                {
                    Report(DiagnosticDescriptors.NoAggregates, attributeSyntax?.GetLocation() ?? _syntax.Identifier.GetLocation());
                    continue;
                }

                var aggregates = new List<(AggregateKind, SyntaxNode?)>();
                for (var i = 0; i < values.Length; i++)
                {
                    SyntaxNode? argumentSyntax = positional.Count == values.Length ? positional[i] : (SyntaxNode?)attributeSyntax;
                    if (values[i].Value is not int raw || !Enum.IsDefined(typeof(AggregateKind), raw))
                    {
                        Report(DiagnosticDescriptors.UnknownAggregate, argumentSyntax?.GetLocation(), values[i].Value?.ToString() ?? "null");
                        continue;
                    }

                    aggregates.Add(((AggregateKind)raw, argumentSyntax));
                }

                string? of = null, where = null;
                AttributeArgumentSyntax? ofSyntax = null, whereSyntax = null;
                foreach (var named in attribute.NamedArguments)
                {
                    var argumentSyntax = attributeSyntax?.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == named.Key);
                    if (named.Key == "Of")
                    {
                        (of, ofSyntax) = (named.Value.Value as string, argumentSyntax);
                    }
                    else if (named.Key == "Where")
                    {
                        (where, whereSyntax) = (named.Value.Value as string, argumentSyntax);
                    }
                }

                var value = of is null
                    ? ElementValue(elementType)
                    : ResolveMember(of, elementType, (SyntaxNode?)ofSyntax?.Expression ?? attributeSyntax, isFilter: false);
                string? filter = null;
                if (where is not null)
                {
                    var predicate = ResolveMember(where, elementType, (SyntaxNode?)whereSyntax?.Expression ?? attributeSyntax, isFilter: true);
                    if (predicate is not null)
                    {
                        if (predicate.Type.SpecialType != SpecialType.System_Boolean)
                        {
                            Report(DiagnosticDescriptors.WhereMustBeBoolean, predicate.Syntax?.GetLocation(), where, Display(predicate.Type));
                        }
                        else
                        {
                            filter = predicate.Spec.Expression;
                        }
                    }
                }

                if (value is not null)
                {
                    groups.Add(new GroupInput(Describe(aggregates, of, where), value, filter, aggregates));
                }
            }

            return groups;
        }

        private static string Describe(List<(AggregateKind Kind, SyntaxNode? Syntax)> aggregates, string? of, string? where)
        {
            var parts = aggregates.Select(static a => a.Kind.ToString()).ToList();
            if (of is not null)
            {
                parts.Add($"Of = \"{of}\"");
            }

            if (where is not null)
            {
                parts.Add($"Where = \"{where}\"");
            }

            return "[Aggregate(" + string.Join(", ", parts) + ")]";
        }

        private ResolvedValue ElementValue(ITypeSymbol elementType) => Value("{0}", elementType, null, null);

        private ResolvedValue Value(string expression, ITypeSymbol type, SyntaxNode? syntax, string? text)
        {
            var (nulls, nonNull) = type switch
            {
                INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable => (NullKind.NullableValueType, nullable.TypeArguments[0]),
                { IsValueType: true } => (NullKind.None, type),
                _ => (NullKind.Reference, type.WithNullableAnnotation(NullableAnnotation.NotAnnotated)),
            };

            return new ResolvedValue(new ValueSpec(expression, Type(type), nulls, Type(nonNull)), type, nonNull, syntax, text);
        }

        /// <summary>
        /// Resolves an <c>Of</c>/<c>Where</c> name: a (dotted) member path of the element, or a method of
        /// the containing type taking the element first and further parameters matched by name.
        /// </summary>
        private ResolvedValue? ResolveMember(string text, ITypeSymbol elementType, SyntaxNode? syntax, bool isFilter)
        {
            var location = syntax?.GetLocation();
            var path = text.Split('.').Select(static s => s.Trim()).ToArray();
            if (path.Any(static s => s.Length == 0))
            {
                Report(DiagnosticDescriptors.UnknownMember, location, text, Display(elementType), Display(_method.ContainingType), " (the path has an empty segment)");
                return null;
            }

            var position = _syntax.SpanStart;
            var memberCandidates = InstanceMembers(elementType, path[0], position);
            var methodCandidates = path.Length == 1 ? ContainingTypeMethods(path[0], elementType, position) : new List<IMethodSymbol>();

            if (memberCandidates.Count + methodCandidates.Count > 1)
            {
                var described = memberCandidates.Concat(methodCandidates)
                    .Select(static s => s.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat));
                Report(DiagnosticDescriptors.AmbiguousMember, location, text, string.Join(" and ", described));
                return null;
            }

            if (methodCandidates.Count == 1)
            {
                var method = methodCandidates[0];
                var receiver = method.IsStatic ? Type(method.ContainingType) : "this";
                var arguments = new List<string> { NonNullArgument("{0}", elementType, method.Parameters[0].Type) };
                foreach (var parameter in method.Parameters.Skip(1))
                {
                    var match = _method.Parameters.Skip(1).First(p => p.Name == parameter.Name);
                    arguments.Add(NonNullArgument(Identifier(match.Name), match.Type, parameter.Type));
                }

                return Value($"{receiver}.{Identifier(method.Name)}({string.Join(", ", arguments)})", method.ReturnType, syntax, text);
            }

            if (memberCandidates.Count == 0)
            {
                var hint = path.Length > 1 ? "" : ContainingTypeMethodHint(path[0]);
                Report(DiagnosticDescriptors.UnknownMember, location, text, Display(elementType), Display(_method.ContainingType), hint);
                return null;
            }

            // Walk the dotted path member by member. A nullable receiver gets '!': the user asked for
            // x.A.B, which throws on null exactly like the lambda x => x.A.B would.
            var expression = "{0}";
            var current = elementType;
            for (var i = 0; i < path.Length; i++)
            {
                var members = i == 0 ? memberCandidates : InstanceMembers(current, path[i], position);
                if (members.Count != 1)
                {
                    var kind = members.Count == 0 ? DiagnosticDescriptors.UnknownMember : DiagnosticDescriptors.AmbiguousMember;
                    if (members.Count == 0)
                    {
                        Report(kind, location, text, Display(current), Display(_method.ContainingType), $" ('{path[i]}' is not an accessible member of '{Display(current)}')");
                    }
                    else
                    {
                        Report(kind, location, text, string.Join(" and ", members.Select(static m => m.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat))));
                    }

                    return null;
                }

                var member = members[0];
                expression = $"{expression}{(MayBeNull(current) ? "!" : "")}.{Identifier(member.Name)}{(member is IMethodSymbol ? "()" : "")}";
                current = member switch
                {
                    IPropertySymbol property => property.Type,
                    IFieldSymbol field => field.Type,
                    IMethodSymbol method => method.ReturnType,
                    _ => current,
                };
            }

            return Value(expression, current, syntax, text);
        }

        private string ContainingTypeMethodHint(string name)
        {
            var sameName = _semanticModel.LookupSymbols(_syntax.SpanStart, _method.ContainingType, name).OfType<IMethodSymbol>().ToList();
            return sameName.Count == 0
                ? ""
                : $" ('{Display(_method.ContainingType)}.{name}' must take the element as its first parameter, further parameters named like the parameters of '{_method.Name}', and be static unless '{_method.Name}' is an instance method)";
        }

        /// <summary>Properties, fields and parameterless non-void methods of an element, as the lambda <c>x => x.Name</c> would see them.</summary>
        private List<ISymbol> InstanceMembers(ITypeSymbol type, string name, int position)
        {
            return _semanticModel.LookupSymbols(position, type, name)
                .Where(static s => !s.IsStatic && s switch
                {
                    IPropertySymbol p => !p.IsIndexer && p.GetMethod is not null,
                    IFieldSymbol => true,
                    IMethodSymbol m => m.MethodKind == MethodKind.Ordinary && m.Parameters.Length == 0 && !m.ReturnsVoid && m.TypeParameters.Length == 0,
                    _ => false,
                })
                .Where(s => s is not IPropertySymbol { GetMethod: { } getter } || _compilation.IsSymbolAccessibleWithin(getter, _method.ContainingType))
                .GroupBy(static s => s.Name)
                .Select(static g => g.First())   // an override and its base are one member
                .ToList();
        }

        private List<IMethodSymbol> ContainingTypeMethods(string name, ITypeSymbol elementType, int position)
        {
            var containingType = _method.ContainingType;
            var extraParameters = _method.Parameters.Skip(1).ToList();
            return _semanticModel.LookupSymbols(position, containingType, name)
                .OfType<IMethodSymbol>()
                .Where(m => m.MethodKind == MethodKind.Ordinary
                    && (m.IsStatic || (!_method.IsStatic && (!_method.IsReadOnly || m.IsReadOnly)))
                    && m.TypeParameters.Length == 0
                    && !m.ReturnsVoid
                    && m.Parameters.Length >= 1
                    && m.Parameters.All(static p => p.RefKind == RefKind.None)
                    && IsImplicit(elementType, m.Parameters[0].Type)
                    && m.Parameters.Skip(1).All(p => extraParameters.Any(e => e.Name == p.Name && e.RefKind != RefKind.Out && IsImplicit(e.Type, p.Type))))
                .ToList();
        }

        private bool IsImplicit(ITypeSymbol from, ITypeSymbol to)
        {
            var conversion = _compilation.ClassifyConversion(from, to);
            return conversion.IsImplicit && !conversion.IsUserDefined;
        }

        private static string NonNullArgument(string expression, ITypeSymbol argumentType, ITypeSymbol parameterType) =>
            MayBeNull(argumentType) && parameterType.NullableAnnotation == NullableAnnotation.NotAnnotated && !parameterType.IsValueType
                ? expression + "!"
                : expression;

        private static bool MayBeNull(ITypeSymbol type) =>
            !type.IsValueType && type.NullableAnnotation == NullableAnnotation.Annotated;

        // ---- The result ----------------------------------------------------------------------------

        private sealed record ResultSlot(ITypeSymbol Type, SyntaxNode? Syntax, string Name);

        private List<ResultSlot>? ParseResultSlots(ITypeSymbol resultType, int count, out ResultSpec? spec)
        {
            spec = null;
            var resultSyntax = UnwrapAwaitedSyntax(_syntax.ReturnType);
            if (resultType.SpecialType == SpecialType.System_Void)
            {
                Report(DiagnosticDescriptors.ResultShapeMismatch, _syntax.ReturnType.GetLocation(), _method.Name, count.ToString(), "void", "holds no value");
                return null;
            }

            if (count == 1)
            {
                spec = new ResultSpec(ResultKind.Single, null);
                return new List<ResultSlot> { new(resultType, resultSyntax, "The result") };
            }

            if (resultType is INamedTypeSymbol { IsTupleType: true } tuple)
            {
                var elements = tuple.TupleElements;
                if (elements.Length != count)
                {
                    Report(DiagnosticDescriptors.ResultShapeMismatch, resultSyntax.GetLocation(), _method.Name, count.ToString(), Display(resultType), $"holds {elements.Length} values");
                    return null;
                }

                var elementSyntax = resultSyntax is TupleTypeSyntax tupleSyntax && tupleSyntax.Elements.Count == count ? tupleSyntax.Elements : default;
                spec = new ResultSpec(ResultKind.Tuple, null);
                return elements.Select((e, i) => new ResultSlot(
                    e.Type,
                    elementSyntax.Count == count ? elementSyntax[i] : resultSyntax,
                    e.IsExplicitlyNamedTupleElement ? $"Result '{e.Name}'" : $"Result {i + 1}")).ToList();
            }

            if (resultType is INamedTypeSymbol { TypeKind: TypeKind.Class or TypeKind.Struct } named && !named.IsAbstract)
            {
                var constructors = named.InstanceConstructors
                    .Where(c => c.Parameters.Length == count && _compilation.IsSymbolAccessibleWithin(c, _method.ContainingType))
                    .ToList();
                if (constructors.Count == 1)
                {
                    spec = new ResultSpec(ResultKind.Constructor, Type(named.WithNullableAnnotation(NullableAnnotation.NotAnnotated)));
                    return constructors[0].Parameters.Select(p => new ResultSlot(p.Type, resultSyntax, $"Result '{p.Name}'")).ToList();
                }

                var why = constructors.Count == 0
                    ? $"is neither a tuple nor a type with an accessible constructor taking {count} values"
                    : $"has {constructors.Count} accessible constructors taking {count} values, so the order of the results is ambiguous";
                Report(DiagnosticDescriptors.ResultShapeMismatch, resultSyntax.GetLocation(), _method.Name, count.ToString(), Display(resultType), why);
                return null;
            }

            Report(DiagnosticDescriptors.ResultShapeMismatch, resultSyntax.GetLocation(), _method.Name, count.ToString(), Display(resultType),
                $"is neither a tuple nor a type with a constructor taking {count} values");
            return null;
        }

        private static TypeSyntax UnwrapAwaitedSyntax(TypeSyntax returnType) => returnType switch
        {
            GenericNameSyntax { TypeArgumentList.Arguments.Count: 1 } g when g.Identifier.ValueText is "Task" or "ValueTask" => g.TypeArgumentList.Arguments[0],
            QualifiedNameSyntax { Right: GenericNameSyntax { TypeArgumentList.Arguments.Count: 1 } g } when g.Identifier.ValueText is "Task" or "ValueTask" => g.TypeArgumentList.Arguments[0],
            AliasQualifiedNameSyntax { Name: GenericNameSyntax { TypeArgumentList.Arguments.Count: 1 } g } when g.Identifier.ValueText is "Task" or "ValueTask" => g.TypeArgumentList.Arguments[0],
            _ => returnType,
        };

        // ---- Accumulators: the value type and the declared result type choose the arithmetic -----------

        private AggregateSpec? ChooseAccumulator(AggregateKind kind, ResolvedValue value, ResultSlot slot, int index, SyntaxNode? aggregateSyntax)
        {
            var result = slot.Type;
            var resultIsNullable = IsNullableResult(result);
            var resultBase = result is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } n ? n.TypeArguments[0] : result;
            var values = value.NonNullType;
            var valuesName = Display(value.NonNullType);

            AggregateSpec Spec(Arithmetic arithmetic, ITypeSymbol accumulator, string? conversion = null, EmptyBehavior? empty = null)
            {
                var behavior = empty ?? (resultIsNullable ? EmptyBehavior.Null : EmptyBehavior.Throw);
                if (behavior == EmptyBehavior.Null && result is ITypeParameterSymbol { IsReferenceType: false })
                {
                    // LINQ's 'TSource? Max<TSource>' returns null for reference types and throws for value types.
                    behavior = EmptyBehavior.NullUnlessValueType;
                }


                // An oblivious reference result (nullable context disabled) still means "null on empty", as in LINQ;
                // the generated file is #nullable enable, so that null needs a '!' to stay warning-free.
                var nullResult = behavior is not (EmptyBehavior.Null or EmptyBehavior.NullUnlessValueType)
                    ? null
                    : $"default({Type(result)})" + (!result.IsValueType && result.NullableAnnotation != NullableAnnotation.Annotated ? "!" : "");
                return new(kind, arithmetic, Type(accumulator), accumulator.IsValueType, Type(result), conversion, behavior, nullResult, index);
            }

            AggregateSpec? Mismatch(string advice)
            {
                Report(DiagnosticDescriptors.ResultTypeMismatch, slot.Syntax?.GetLocation(), slot.Name, Display(result), Describe(kind), Display(value.Type), advice);
                return null;
            }

            AggregateSpec? NotApplicable(string why)
            {
                Report(DiagnosticDescriptors.AggregateNotApplicable, aggregateSyntax?.GetLocation(), kind.ToString(), Display(value.Type), why);
                return null;
            }

            switch (kind)
            {
                case AggregateKind.Count:
                case AggregateKind.LongCount:
                {
                    var allowed = kind == AggregateKind.Count
                        ? result.SpecialType is SpecialType.System_Int32 or SpecialType.System_Int64
                        : result.SpecialType is SpecialType.System_Int64;
                    return allowed
                        ? Spec(Arithmetic.Counter, result, empty: EmptyBehavior.NotApplicable)
                        : Mismatch(kind == AggregateKind.Count ? "declare it 'int' (or 'long')" : "declare it 'long'");
                }

                case AggregateKind.Sum:
                case AggregateKind.Average:
                {
                    var isSum = kind == AggregateKind.Sum;
                    var empty = isSum ? EmptyBehavior.NotApplicable : (resultIsNullable ? EmptyBehavior.Null : EmptyBehavior.Throw);
                    var numeric = NumericKindOf(values);
                    var target = NumericKindOf(resultBase);
                    if (numeric is NumericKind.Signed or NumericKind.Unsigned)
                    {
                        if (isSum && target is NumericKind.Signed or NumericKind.Unsigned && IsImplicit(values, resultBase))
                        {
                            var arithmetic = numeric == NumericKind.Signed ? Arithmetic.ExactSigned : Arithmetic.ExactUnsigned;
                            var total = numeric == NumericKind.Signed ? SpecialType.System_Int64 : SpecialType.System_UInt64;
                            return Spec(arithmetic, Special(total), resultBase.SpecialType == total ? null : Type(resultBase), empty);
                        }

                        if (!isSum && resultBase.SpecialType == SpecialType.System_Double)
                        {
                            return Spec(numeric == NumericKind.Signed ? Arithmetic.ExactSigned : Arithmetic.ExactUnsigned,
                                Special(numeric == NumericKind.Signed ? SpecialType.System_Int64 : SpecialType.System_UInt64), null, empty);
                        }

                        if (target == NumericKind.Decimal)
                        {
                            return Spec(Arithmetic.Decimal, resultBase, null, empty);
                        }

                        if (isSum && target is NumericKind.Single or NumericKind.Double)
                        {
                            return Spec(Arithmetic.Floating, Special(SpecialType.System_Double), target == NumericKind.Single ? "float" : null, empty);
                        }

                        return Mismatch(isSum
                            ? $"declare a wider integer type, 'double' or 'decimal' (nullable if you like)"
                            : "the average of integers is 'double' (or 'decimal'); use 'double?' for null on empty input");
                    }

                    if (numeric is NumericKind.Single or NumericKind.Double)
                    {
                        if (target == NumericKind.Double || (target == NumericKind.Single && numeric == NumericKind.Single))
                        {
                            return Spec(Arithmetic.Floating, Special(SpecialType.System_Double), target == NumericKind.Single ? "float" : null, empty);
                        }

                        return Mismatch(numeric == NumericKind.Single ? "declare it 'float' or 'double'" : "declare it 'double'");
                    }

                    if (numeric == NumericKind.Decimal)
                    {
                        return target == NumericKind.Decimal ? Spec(Arithmetic.Decimal, resultBase, null, empty) : Mismatch("declare it 'decimal'");
                    }

                    // Any other type: System.Numerics generic math, where the consumer has it.
                    var required = isSum ? "System.Numerics.IAdditionOperators`3" : "System.Numerics.INumberBase`1";
                    if (!Implements(values, required) || (isSum && !Implements(values, "System.Numerics.IAdditiveIdentity`2")))
                    {
                        return NotApplicable(isSum
                            ? "it is not a number (Sum needs a numeric type, or one implementing IAdditionOperators<T, T, T> and IAdditiveIdentity<T, T>)"
                            : "it is not a number (Average needs a numeric type, or one implementing INumberBase<T>)");
                    }

                    if (_languageVersion < LanguageVersion.CSharp11)
                    {
                        return NotApplicable("generic math needs C# 11 or later");
                    }

                    if (!SymbolEqualityComparer.Default.Equals(values, resultBase))
                    {
                        return Mismatch($"declare it '{valuesName}'");
                    }

                    _usesGenericMath = true;
                    return Spec(Arithmetic.GenericMath, values, null, empty);
                }

                case AggregateKind.Min:
                case AggregateKind.Max:
                {
                    var numeric = NumericKindOf(values);
                    Arithmetic arithmetic;
                    if (numeric is NumericKind.Single or NumericKind.Double)
                    {
                        arithmetic = Arithmetic.OrderedFloating;
                    }
                    else if (numeric != NumericKind.None || values.SpecialType == SpecialType.System_Char)
                    {
                        arithmetic = Arithmetic.Ordered;
                    }
                    // A type parameter may be comparable only at run time: LINQ decides there too.
                    else if (values is ITypeParameterSymbol || Implements(values, "System.IComparable`1") || Implements(values, "System.IComparable"))
                    {
                        arithmetic = Arithmetic.Comparer;
                    }
                    else
                    {
                        return NotApplicable("it implements neither IComparable<T> nor IComparable");
                    }

                    if (!IsImplicit(values, resultBase))
                    {
                        return Mismatch($"declare it '{valuesName}' (or '{valuesName}?' for null on empty input)");
                    }

                    return Spec(arithmetic, values);
                }
            }

            return NotApplicable("this aggregate is not supported");
        }

        private static string Describe(AggregateKind kind) => kind switch
        {
            AggregateKind.Count => "the Count",
            AggregateKind.LongCount => "the LongCount",
            AggregateKind.Sum => "the Sum",
            AggregateKind.Average => "the Average",
            AggregateKind.Min => "the Min",
            _ => "the Max",
        };

        /// <summary>A result type that says "null when there is no value".</summary>
        private static bool IsNullableResult(ITypeSymbol type) => type switch
        {
            INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } => true,
            { IsValueType: true } => false,
            ITypeParameterSymbol => type.NullableAnnotation == NullableAnnotation.Annotated,
            _ => type.NullableAnnotation != NullableAnnotation.NotAnnotated,   // annotated, or oblivious like LINQ
        };

        private enum NumericKind
        {
            None,
            Signed,
            Unsigned,
            Single,
            Double,
            Decimal,
        }

        private static NumericKind NumericKindOf(ITypeSymbol type) => type.SpecialType switch
        {
            SpecialType.System_SByte or SpecialType.System_Int16 or SpecialType.System_Int32 or SpecialType.System_Int64 => NumericKind.Signed,
            SpecialType.System_Byte or SpecialType.System_UInt16 or SpecialType.System_UInt32 or SpecialType.System_UInt64 => NumericKind.Unsigned,
            SpecialType.System_Single => NumericKind.Single,
            SpecialType.System_Double => NumericKind.Double,
            SpecialType.System_Decimal => NumericKind.Decimal,
            _ => NumericKind.None,
        };

        private ITypeSymbol Special(SpecialType type) => _compilation.GetSpecialType(type);

        /// <summary>Whether a type (or a type parameter, through its constraints) implements a generic
        /// interface closed over itself, such as <c>IComparable&lt;T&gt;</c> or <c>INumberBase&lt;T&gt;</c>.</summary>
        private static bool Implements(ITypeSymbol type, string interfaceMetadataName) =>
            InterfacesOf(type).Any(i => MetadataName(i.OriginalDefinition) == interfaceMetadataName
                && i.TypeArguments.All(a => SymbolEqualityComparer.Default.Equals(a.WithNullableAnnotation(NullableAnnotation.None), type.WithNullableAnnotation(NullableAnnotation.None))));

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

        private static bool IsType(ITypeSymbol type, string metadataName) => MetadataName(type) == metadataName;

        private static string MetadataName(ITypeSymbol type) =>
            type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() + "." + type.MetadataName : type.MetadataName;

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
