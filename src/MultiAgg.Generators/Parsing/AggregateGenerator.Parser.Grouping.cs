using System;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using MultiAgg.Generators.Diagnostics;
using MultiAgg.Generators.Parsing;
using MultiAgg.Generators.Specs;

namespace MultiAgg.Generators;

public sealed partial class AggregateGenerator
{
    /// <summary>[GroupBy]: the key, the dictionary the method returns, and the key comparer.</summary>
    internal sealed partial class Parser
    {
        public const string GroupByAttributeName = "MultiAgg.GroupByAttribute";

        /// <summary>What [GroupBy] contributes: the grouping itself, and the per-key result type the aggregates fill.</summary>
        private sealed record ParsedGrouping(GroupingSpec Spec, ITypeSymbol ResultType, TypeSyntax ResultSyntax);

        /// <summary>
        /// MAGG119 for a [GroupBy] method with no [Aggregate] (which the aggregate pipeline never sees), and a body that
        /// throws if its declaration is otherwise fine.
        /// </summary>
        public AggregateModel? ParseGroupByWithoutAggregate()
        {
            try
            {
                return GroupByWithoutAggregate();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return Failed(ex);
            }
        }

        private AggregateModel? GroupByWithoutAggregate()
        {
            if (_context.TargetSymbol.GetAttributes().Any(a => KnownTypes.Is(a.AttributeClass, _knownTypes.AggregateAttribute)))
            {
                return null;
            }

            if (_context.TargetSymbol is INamedTypeSymbol type)
            {
                var typeSyntax = _context.TargetNode as TypeDeclarationSyntax;
                Report(DiagnosticDescriptors.GroupByWithoutAggregate, typeSyntax?.Identifier.GetLocation() ?? _context.TargetNode.GetLocation(), $"Accumulator type '{type.Name}'");

                // One that declares the interface still gets its members, throwing, as a rejected accumulator type does, so
                // that no CS0535 ("does not implement interface member") stands beside MAGG119: from the declaration of its
                // first [GroupBy] alone, where partial declarations repeat the attribute (CS0579), so one file is written.
                if (typeSyntax is not null && type.AllInterfaces.Any(i => KnownTypes.Is(i, _knownTypes.IAccumulator))
                    && FindGroupBy(type)?.ApplicationSyntaxReference?.GetSyntax(_cancellationToken).FirstAncestorOrSelf<TypeDeclarationSyntax>() == typeSyntax
                    && CheckAccumulatorTypeDeclaration(type, typeSyntax) && FindContract(type) is { } contract)
                {
                    _implementableType = (type, contract);
                }

                return new AggregateModel(null, null, _diagnostics.ToEquatableArray(), RejectedType: RejectAccumulatorType());
            }

            if (_context.TargetSymbol is not IMethodSymbol method)
            {
                return null;
            }

            var syntax = _context.TargetNode as MethodDeclarationSyntax;
            Report(DiagnosticDescriptors.GroupByWithoutAggregate, syntax?.Identifier.GetLocation() ?? _context.TargetNode.GetLocation(), $"Method '{method.Name}'");
            if (syntax is not null)
            {
                CheckDeclaration(method, syntax);
            }

            return new AggregateModel(null, Reject(), _diagnostics.ToEquatableArray());
        }

        private AttributeData? FindGroupBy(ISymbol target) =>
            target.GetAttributes().FirstOrDefault(a => KnownTypes.Is(a.AttributeClass, _knownTypes.GroupByAttribute));

        /// <param name="returned">The result: a method's, unwrapped from <c>Task&lt;T&gt;</c>/<c>ValueTask&lt;T&gt;</c>, or an accumulator type's <c>TResult</c>.</param>
        /// <param name="returnSyntax">Where <paramref name="returned"/> is written.</param>
        private ParsedGrouping? ParseGrouping(AttributeData groupBy, ITypeSymbol returned, TypeSyntax returnSyntax, ITypeSymbol elementType, bool isAsync)
        {
            var declaration = _declaration!;
            if (returned is not INamedTypeSymbol { TypeArguments.Length: 2 } dictionary || !IsDictionary(dictionary))
            {
                Report(DiagnosticDescriptors.GroupByNeedsDictionary, returnSyntax.GetLocation(), declaration.Description, Display(returned));
                return null;
            }

            var (keyType, resultType) = (dictionary.TypeArguments[0], dictionary.TypeArguments[1]);

            // A dynamic key is an object to the runtime: looked up as one, the keys' finding is bound at compile time
            // (a dynamic argument would bind GetValueRefOrAddDefault at run time, which cannot return a ref), and the
            // Dictionary<object, T> built is the Dictionary<dynamic, T> the method returns.
            if (keyType.TypeKind == TypeKind.Dynamic)
            {
                keyType = _compilation.ObjectType.WithNullableAnnotation(keyType.NullableAnnotation);
            }
            var typeArgumentSyntax = returnSyntax switch
            {
                GenericNameSyntax g => g.TypeArgumentList.Arguments,
                QualifiedNameSyntax { Right: GenericNameSyntax g } => g.TypeArgumentList.Arguments,
                AliasQualifiedNameSyntax { Name: GenericNameSyntax g } => g.TypeArgumentList.Arguments,
                _ => default,
            };
            var resultSyntax = typeArgumentSyntax.Count == 2 ? typeArgumentSyntax[1] : returnSyntax;

            var attributeSyntax = AttributeSyntax(groupBy);
            var keySyntax = (SyntaxNode?)attributeSyntax?.ArgumentList?.Arguments.FirstOrDefault()?.Expression ?? attributeSyntax;
            var keyText = groupBy.ConstructorArguments.Length == 1 ? groupBy.ConstructorArguments[0].Value as string : null;
            var key = ResolveMember(keyText ?? "", elementType, keySyntax);
            if (key is null)
            {
                return null;
            }

            // The loop reads the key before it converts it to the dictionary's (an int*[] to object).
            if (PointersRefused(key.Type, stored: false) is { } unreadable)
            {
                Report(DiagnosticDescriptors.UnknownMember, keySyntax?.GetLocation(), keyText!, Display(elementType), Display(_declaration!.Owner),
                    $" ('{keyText}' is '{Display(key.Type)}', {unreadable})");
                return null;
            }

            // The key converts to the dictionary's as LINQ's would, but never by a user-defined conversion or one that
            // loses digits (a long or int to float): distinct keys would silently share a group. A key read as dynamic is
            // cast to the key type (the loop needs a static one), a conversion the runtime binds as explicit, which would
            // make 1.5 and 1.7 one int key: it only goes to object (or dynamic), where the cast is a reference's or a box.
            var keyConversion = _compilation.ClassifyConversion(key.Type, keyType);
            if (!keyConversion.IsImplicit || keyConversion.IsUserDefined || LosesDigits(key.Type, keyType) || ConvertsAnElementByUserCode(key.Type, keyType)
                || (key.Type.TypeKind == TypeKind.Dynamic && keyType.SpecialType != SpecialType.System_Object && keyType.TypeKind != TypeKind.Dynamic))
            {
                Report(DiagnosticDescriptors.GroupByKeyMismatch, keySyntax?.GetLocation(), keyText!, Display(key.Type), Display(keyType), declaration.Name);
                return null;
            }

            // The query converts the key inside its expression tree, which cannot hold a conversion between tuple types.
            if (_query && IsTupleConversion(keyConversion))
            {
                Report(DiagnosticDescriptors.NotExpressibleInQuery, keySyntax?.GetLocation(), keyText!, declaration.Name,
                    "a conversion between tuple types", $"'{Display(key.Type)}' to '{Display(keyType)}', the dictionary's key type", $"a key of the dictionary's key type, '{Display(keyType)}'");
                return null;
            }

            // A collection key (a byte[] hash): LINQ's dictionary compares it by reference, a database by its contents.
            if (_query && QueryLimits.IsCollectionOtherThanString(key.Type))
            {
                Report(DiagnosticDescriptors.QueryCollectionKey, keySyntax?.GetLocation(), keyText!, Display(key.Type), declaration.Name);
                return null;
            }

            // Each key is kept in its record, a type beside the method.
            if (PointersRefused(keyType, stored: true) is { } refused)
            {
                Report(DiagnosticDescriptors.UnsupportedParameter, (typeArgumentSyntax.Count == 2 ? typeArgumentSyntax[0] : returnSyntax).GetLocation(),
                    $"The key type '{Display(keyType)}' of the dictionary '{declaration.Name}' returns is {refused}");
                return null;
            }

            // The lookup dictionary holds keys that are not null; a null key gets a record of its own.
            var (keyNulls, lookupKey) = Nullability(keyType);
            var heldKey = keyNulls == NullKind.Reference ? keyType.WithNullableAnnotation(NullableAnnotation.Annotated) : keyType;

            var comparer = FindKeyComparer(keyType, lookupKey, keyNulls);
            if (comparer is { Found: false })
            {
                return null;
            }

            if (_query && comparer is { Name: { } comparerName })
            {
                var parameter = declaration.ExtraParameters.First(p => Identifier(p.Name) == comparerName);
                Report(DiagnosticDescriptors.QueryKeyComparer, ParameterSyntax(parameter)?.GetLocation(), parameter.Name, declaration.Name);
                return null;
            }

            var spec = new GroupingSpec(
                // A key read as dynamic converts to the dictionary's key type at run time, as assigning it would.
                KeyExpression: key.Type.TypeKind == TypeKind.Dynamic ? $"(({Type(heldKey)})({key.Spec.Expression}))" : key.Spec.Expression,
                KeyType: Type(heldKey),
                LookupKeyType: Type(lookupKey),
                KeyNulls: keyNulls,
                DictionaryType: $"global::System.Collections.Generic.Dictionary<{Type(keyType)}, {Type(resultType)}>",
                ComparerName: comparer?.Name,
                RecordType: declaration.RecordTypeName,
                KeyTypeIsNullable: !SatisfiesNotNull(keyType),
                LookupKeyTypeIsNullable: !SatisfiesNotNull(lookupKey),
                FindsByRef: !isAsync && _knownTypes.HasGetValueRefOrAddDefault,
                KeyMember: KeyMember());
            return new ParsedGrouping(spec, resultType, resultSyntax);
        }

        /// <summary>See <see cref="GroupingSpec.KeyMember"/>.</summary>
        private string KeyMember()
        {
            var typeParameters = _declaration!.IsType ? ImmutableArray<ITypeParameterSymbol>.Empty : _method.TypeParameters;
            var name = "Key";
            while (typeParameters.Any(t => t.Name == name))
            {
                name = "_" + name;
            }

            return name;
        }

        /// <summary>
        /// The parameter that compares keys: one whose type converts to <c>IEqualityComparer&lt;TKey&gt;</c>,
        /// as LINQ's <c>GroupBy(source, key, comparer)</c> takes it. Null when there is none; not
        /// <c>Found</c> when the method's comparers cannot be used (reported).
        /// </summary>
        private (bool Found, string? Name)? FindKeyComparer(ITypeSymbol keyType, ITypeSymbol lookupKey, NullKind keyNulls)
        {
            if (_knownTypes.IEqualityComparer is not { } comparerInterface)
            {
                return null;
            }

            var wanted = comparerInterface.Construct(keyType);
            var parameters = _declaration!.ExtraParameters;
            var comparers = parameters.Where(p => p.RefKind != RefKind.Out && p.Type.TypeKind != TypeKind.Dynamic && _compilation.ClassifyConversion(p.Type, wanted) is { IsImplicit: true, IsUserDefined: false }).ToList();
            // An equality comparer of other keys, or the non-generic one, which would otherwise be left unused without a word
            // (one an Of/Where/key method takes is used).
            var misfits = parameters.Where(p => !comparers.Contains(p, SymbolEqualityComparer.Default) && !_passedParameters.Contains(p.Name)
                && p.Type is INamedTypeSymbol named && (SymbolEqualityComparer.Default.Equals(named.OriginalDefinition, comparerInterface)
                    || SymbolEqualityComparer.Default.Equals(named, _knownTypes.NonGenericEqualityComparer))).ToList();

            // Nullable<T> keys take no comparer at all (below): the advice for a misfit is then the same.
            var advice = keyNulls == NullKind.NullableValueType
                ? $"group by a key of type '{Display(lookupKey)}' to use a comparer"
                : $"make it an IEqualityComparer<{Display(keyType)}>";
            foreach (var misfit in misfits)
            {
                Report(DiagnosticDescriptors.UnsupportedParameter, ParameterSyntax(misfit)?.GetLocation(),
                    $"Parameter '{misfit.Name}' is a '{Display(misfit.Type)}', which cannot compare the '{Display(keyType)}' keys of [GroupBy]; {advice}");
            }

            if (comparers.Count > 1)
            {
                Report(DiagnosticDescriptors.UnsupportedParameter, ParameterSyntax(comparers[1])?.GetLocation(),
                    $"Parameters '{comparers[0].Name}' and '{comparers[1].Name}' can both compare the keys of [GroupBy]; keep one IEqualityComparer<{Display(keyType)}> parameter");
            }
            else if (comparers.Count == 1 && keyNulls == NullKind.NullableValueType)
            {
                Report(DiagnosticDescriptors.UnsupportedParameter, ParameterSyntax(comparers[0])?.GetLocation(),
                    $"Parameter '{comparers[0].Name}' compares '{Display(keyType)}' keys, but MultiAgg looks up Nullable<T> keys by their value; group by a key of type '{Display(lookupKey)}' to use a comparer");
            }

            if (misfits.Count > 0 || comparers.Count > 1 || (comparers.Count == 1 && keyNulls == NullKind.NullableValueType))
            {
                return (false, null);
            }

            return comparers.Count == 1 ? (true, Identifier(comparers[0].Name)) : null;
        }

        /// <summary>Whether a type meets the <c>notnull</c> constraint of <c>Dictionary&lt;TKey, TValue&gt;</c> without a warning.</summary>
        private static bool SatisfiesNotNull(ITypeSymbol type) => type switch
        {
            INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } => false,
            { IsValueType: true } => true,
            ITypeParameterSymbol parameter => parameter.NullableAnnotation != NullableAnnotation.Annotated
                && (parameter.HasNotNullConstraint
                    || parameter.HasValueTypeConstraint
                    || (parameter.HasReferenceTypeConstraint && parameter.ReferenceTypeConstraintNullableAnnotation != NullableAnnotation.Annotated)
                    || parameter.ConstraintTypes.Any(SatisfiesNotNull)),
            _ => type.NullableAnnotation != NullableAnnotation.Annotated,
        };

        /// <summary>The dictionaries a [GroupBy] method may return; it builds a <c>Dictionary&lt;TKey, TResult&gt;</c> for each.</summary>
        private bool IsDictionary(INamedTypeSymbol type) =>
            KnownTypes.Is(type, _knownTypes.Dictionary) || KnownTypes.Is(type, _knownTypes.IDictionary) || KnownTypes.Is(type, _knownTypes.IReadOnlyDictionary);

        /// <summary>
        /// A tuple key whose element converts by a user-defined conversion (<c>(string, Money)</c> to <c>(string, decimal)</c>,
        /// or to <c>(string, decimal)?</c>).
        /// </summary>
        private bool ConvertsAnElementByUserCode(ITypeSymbol from, ITypeSymbol to) =>
            WithoutNullable(from) is INamedTypeSymbol { IsTupleType: true } fromTuple && WithoutNullable(to) is INamedTypeSymbol { IsTupleType: true } toTuple
            && fromTuple.TupleElements.Length == toTuple.TupleElements.Length
            && fromTuple.TupleElements.Zip(toTuple.TupleElements, (f, t) => _compilation.ClassifyConversion(f.Type, t.Type) is { IsUserDefined: true }
                || ConvertsAnElementByUserCode(f.Type, t.Type)).Any(static found => found);

        /// <summary>
        /// An implicit numeric conversion that rounds: a 32- or 64-bit integer to <c>float</c>, a 64-bit one to
        /// <c>double</c>; of a tuple's elements too, one by one, as C# converts them.
        /// </summary>
        private static bool LosesDigits(ITypeSymbol from, ITypeSymbol to)
        {
            if (WithoutNullable(from) is INamedTypeSymbol { IsTupleType: true } fromTuple && WithoutNullable(to) is INamedTypeSymbol { IsTupleType: true } toTuple
                && fromTuple.TupleElements.Length == toTuple.TupleElements.Length)
            {
                return fromTuple.TupleElements.Zip(toTuple.TupleElements, static (f, t) => LosesDigits(f.Type, t.Type)).Any(static loses => loses);
            }

            return (WithoutNullable(from).SpecialType, WithoutNullable(to).SpecialType) switch
            {
                (SpecialType.System_Int32 or SpecialType.System_UInt32 or SpecialType.System_Int64 or SpecialType.System_UInt64
                    or SpecialType.System_IntPtr or SpecialType.System_UIntPtr, SpecialType.System_Single) => true,
                (SpecialType.System_Int64 or SpecialType.System_UInt64 or SpecialType.System_IntPtr or SpecialType.System_UIntPtr, SpecialType.System_Double) => true,
                _ => false,
            };
        }

        /// <summary>A nullable value type's underlying type; any other type itself.</summary>
        private static ITypeSymbol WithoutNullable(ITypeSymbol type) =>
            type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable ? nullable.TypeArguments[0] : type;
    }
}
