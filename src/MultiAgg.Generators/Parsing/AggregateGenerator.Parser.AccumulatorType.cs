using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;
using MultiAgg.Generators.Diagnostics;
using MultiAgg.Generators.Parsing;
using MultiAgg.Generators.Specs;

namespace MultiAgg.Generators;

public sealed partial class AggregateGenerator
{
    /// <summary>
    /// [Aggregate] on a partial struct or class (DESIGN.md §6): the same attributes as on a method, read against the
    /// <c>TValue</c> of the <c>IAccumulator&lt;TValue, TResult&gt;</c> the type declares, filling its <c>TResult</c>.
    /// </summary>
    internal sealed partial class Parser
    {
        /// <summary>
        /// What an accumulator type declares: the values <c>Add</c> takes, what <c>Result</c> returns and where that is
        /// written, and whether it asks for <c>Merge</c> and <c>IsComplete</c>.
        /// </summary>
        private sealed record AccumulatorContract(ITypeSymbol Value, ITypeSymbol Result, TypeSyntax ResultSyntax, bool IsMergeable, bool IsCompletable);

        private static bool NamesPointer(AccumulatorContract contract) => NamesPointer(contract.Value) || NamesPointer(contract.Result);

        /// <summary>The type and what it declares, once both are known: enough to write members that throw (<see cref="RejectAccumulatorType"/>).</summary>
        private (INamedTypeSymbol Type, AccumulatorContract Contract)? _implementableType;

        private AccumulatorTypeSpec? ParseAccumulatorType(INamedTypeSymbol type, TypeDeclarationSyntax syntax)
        {
            // Partial declarations may each carry some of the attributes: the first of them writes the type, from all, and
            // says once what is wrong with the type as a whole.
            var attributes = type.GetAttributes().Where(a => KnownTypes.Is(a.AttributeClass, _knownTypes.AggregateAttribute)).ToImmutableArray();
            if (attributes.FirstOrDefault()?.ApplicationSyntaxReference?.GetSyntax(_cancellationToken).FirstAncestorOrSelf<TypeDeclarationSyntax>() is { } first && first != syntax)
            {
                return null;
            }

            if (!CheckAccumulatorTypeDeclaration(type, syntax))
            {
                return null;
            }

            if (attributes.Any(static a => a.AttributeConstructor is null))
            {
                ReportUnboundAggregateNames(attributes);
                return null;
            }

            if (FindContract(type) is not { } contract)
            {
                return null;
            }

            _implementableType = (type, contract);
            if (!CheckGeneratedMembersAreFree(type, contract))
            {
                return null;
            }

            if (type.IsValueType && _languageVersion < LanguageVersion.CSharp11 && FirstDeclaredConstructor(type) is { } constructor)
            {
                // Before C# 11 a struct's constructor must assign every field, and MultiAgg's are in a part it cannot see.
                Report(DiagnosticDescriptors.StructConstructorBeforeCSharp11, constructor, type.Name);
                return null;
            }

            var inputs = ParseAttributes(attributes, contract.Value);
            var aggregateCount = inputs.Sum(static input => input.Aggregates.Count);
            if (inputs.Count == 0 || aggregateCount == 0 || _diagnostics.Count > 0)
            {
                return null;
            }

            var (resultType, resultSyntax) = (contract.Result, contract.ResultSyntax);
            ParsedGrouping? grouping = null;
            if (FindGroupBy(type) is { } groupBy)
            {
                grouping = ParseGrouping(groupBy, resultType, resultSyntax, contract.Value, isAsync: false);
                if (grouping is null)
                {
                    return null;
                }

                (resultType, resultSyntax) = (grouping.ResultType, grouping.ResultSyntax);
            }

            var slots = ParseResultSlots(resultType, aggregateCount, out var resultSpec, resultSyntax);
            if (slots is null)
            {
                return null;
            }

            // Values arrive one at a time, as from an enumerator (a floating Average starts from its first value), and a
            // Min/Max keeps a flag instead of starting at its bound, so that zero is its empty state in a struct's default.
            var pushed = new ParsedSource(SourceKind.Foreach, contract.Value, SourceGuard.None);
            var attributeSpecs = ChooseAccumulators(inputs, slots, pushed, pushed, grouped: grouping is not null, isAsync: false)
                .ConvertAll(static attribute => attribute with { Aggregates = attribute.Aggregates.Select(static a => a with { Bound = null }).ToEquatableArray() });
            // A struct holds its states in place (per-key records live in a list; a class holds a reference).
            if (type.IsValueType && grouping is null && KeptValueHoldingItself(type, contract.Value, inputs, attributeSpecs) is { } holdsItself)
            {
                Report(DiagnosticDescriptors.AccumulatorTypeMustBePartial, syntax.Identifier.GetLocation(), type.Name,
                    $"it is a struct whose state for {holdsItself.Kind} would hold a '{type.Name}' in it, and a struct cannot contain itself (CS0523)");
                return null;
            }

            if (contract.IsMergeable)
            {
                CheckCustomAccumulatorsMerge(type.Name, inputs, DiagnosticDescriptors.AccumulatorNotMergeable);
            }

            NoteLibraryTypesWritten(attributeSpecs, parallel: null);

            if (_diagnostics.Count > 0)
            {
                return null;
            }

            // A custom accumulator's constructor runs as a new key's record opens. Should it throw, the state lives on, so
            // the key must not be left in the index (GetValueRefOrAddDefault adds it first, pointing at record 0).
            var groupingSpec = grouping?.Spec;
            if (groupingSpec is { FindsByRef: true } && attributeSpecs.Any(static attribute => attribute.Aggregates.Any(static a => a.IsCustom)))
            {
                groupingSpec = groupingSpec with { FindsByRef = false };
            }

            return new AccumulatorTypeSpec(
                HintName: CreateHintName(type),
                Namespace: NamespaceOf(type),
                ContainingTypes: AccumulatorTypeDeclarations(type, contract, withAutoLayout: NeedsAutoLayout(type)).ToEquatableArray(),
                TypeName: TypeName(type),
                IsValueType: type.IsValueType,
                IsCopied: type.IsValueType || type.IsRecord,
                ValueType: Type(contract.Value),
                ResultType: Type(contract.Result),
                Result: resultSpec!,
                Attributes: attributeSpecs.ToEquatableArray(),
                Grouping: groupingSpec,
                LocalPrefix: ChooseFieldPrefix(type),
                UsesGenericMath: UsesGenericMath(attributeSpecs),
                IsMergeable: contract.IsMergeable,
                IsCompletable: contract.IsCompletable,
                Printing: PrintMembers(type),
                SuppressedIds: _suppressedIds.ToEquatableArray(),
                NarrowedAccessibility: NarrowedAccessibility(type, contract.Value, contract.Result));
        }

        /// <summary>
        /// Where the type is more accessible than what its <c>Add</c> takes or its <c>Result</c> gives (a public type over an
        /// internal element, which C# allows for the interface), the accessibility those can have (CS0051 and CS0053 for
        /// public ones): <c>internal</c>, or <c>private</c> below that (a private type nested in an outer one). Null where
        /// they can be public.
        /// </summary>
        private static string? NarrowedAccessibility(INamedTypeSymbol type, ITypeSymbol valueType, ITypeSymbol resultType)
        {
            var (value, result) = (EffectiveAccessibility(valueType), EffectiveAccessibility(resultType));
            var reach = EffectiveAccessibility(type);
            return Covers(value, reach) && Covers(result, reach) ? null
                : Covers(value, Accessibility.Internal) && Covers(result, Accessibility.Internal) ? "internal"
                : "private";
        }

        /// <summary>
        /// Whether code that can name a type of accessibility <paramref name="wider"/> includes all code that can name one of
        /// <paramref name="narrower"/>: <c>protected</c> and <c>internal</c> include neither the other.
        /// </summary>
        private static bool Covers(Accessibility wider, Accessibility narrower) => wider switch
        {
            Accessibility.Public => true,
            Accessibility.ProtectedOrInternal => narrower != Accessibility.Public,
            Accessibility.Internal => narrower is Accessibility.Internal or Accessibility.ProtectedAndInternal or Accessibility.Private,
            Accessibility.Protected => narrower is Accessibility.Protected or Accessibility.ProtectedAndInternal or Accessibility.Private,
            Accessibility.ProtectedAndInternal => narrower is Accessibility.ProtectedAndInternal or Accessibility.Private,
            _ => narrower == Accessibility.Private,
        };

        /// <summary>
        /// How widely a type can be named: the least of its own and its containing types' accessibility, and of its type
        /// arguments' or elements' (of a protected and an internal level, the protected one: an approximation, where the two
        /// together are really protected-and-internal).
        /// </summary>
        private static Accessibility EffectiveAccessibility(ITypeSymbol type)
        {
            var least = Accessibility.Public;
            Visit(type);
            return least;

            void Visit(ITypeSymbol part)
            {
                switch (part)
                {
                    case IArrayTypeSymbol array:
                        Visit(array.ElementType);
                        break;
                    case IPointerTypeSymbol pointer:
                        Visit(pointer.PointedAtType);
                        break;
                    case INamedTypeSymbol named:
                        for (var owner = named; owner is not null; owner = owner.ContainingType)
                        {
                            if (owner.DeclaredAccessibility is not Accessibility.NotApplicable and var declared && declared < least)
                            {
                                least = declared;
                            }
                        }

                        foreach (var argument in named.TypeArguments)
                        {
                            Visit(argument);
                        }

                        break;
                }
            }
        }

        /// <summary>
        /// See <see cref="PrintMembersSpec"/>: null for a type that is no record, one that declares its own
        /// <c>PrintMembers</c>, and one with a member to print whose type is in error or a pointer (no object to append),
        /// or that is <c>[Obsolete]</c> as an error (which the compiler's may read, and generated code may not). A member
        /// obsolete as a warning, or experimental, has its ID suppressed in the generated file.
        /// </summary>
        private PrintMembersSpec? PrintMembers(INamedTypeSymbol type)
        {
            if (!type.IsRecord || type.GetMembers("PrintMembers").Any(static member => !member.IsImplicitlyDeclared))
            {
                return null;
            }

            // What the compiler prints: public instance fields and properties with a getter, indexers and overrides aside.
            var printed = new List<(ISymbol Member, ITypeSymbol Type, bool ReadsOnly)>();
            foreach (var member in type.GetMembers())
            {
                if (member.DeclaredAccessibility != Accessibility.Public || member.IsStatic)
                {
                    continue;
                }

                if (member is IFieldSymbol field)
                {
                    printed.Add((field, field.Type, true));
                }
                else if (member is IPropertySymbol { IsIndexer: false, IsOverride: false, GetMethod: { } getter } property)
                {
                    printed.Add((property, property.Type, getter.IsReadOnly));
                }
            }

            if (printed.Any(static member => member.Type is IErrorTypeSymbol or IPointerTypeSymbol or IFunctionPointerTypeSymbol)
                || printed.Any(member => ForbiddenObsoleteError(member.Member) is not null))
            {
                return null;
            }

            var derives = !type.IsValueType && type.BaseType?.SpecialType != SpecialType.System_Object;
            var modifiers = derives ? "protected override" : type.IsValueType || type.IsSealed ? "private" : "protected virtual";
            return new PrintMembersSpec(
                modifiers,
                derives,
                printed.Select(static member => new PrintedMember(member.Member.Name, member.Type.IsValueType)).ToEquatableArray(),
                printed.All(static member => member.ReadsOnly));
        }

        /// <summary>
        /// Members that throw, for a type whose declaration MultiAgg could read but whose attributes it rejected (see
        /// <see cref="RejectedAccumulatorTypeSpec"/>); none where the type itself declares the member.
        /// </summary>
        private RejectedAccumulatorTypeSpec? RejectAccumulatorType()
        {
            if (_implementableType is not var (type, contract))
            {
                return null;
            }

            // The contract's types first: one that only an extern alias names leaves no members to write (MAGG139).
            var (value, result) = (Type(contract.Value), Type(contract.Result));
            if (_externName is not null)
            {
                return null;
            }

            var declared = DeclaredGeneratedMembers(type, contract).Select(static member => member.Name).ToImmutableHashSet();
            var members = GeneratedMemberNames(contract).Where(name => !declared.Contains(name) && name != type.Name);
            var reasons = _diagnostics.Count == 0
                ? "its [Aggregate] attributes have errors"
                : string.Join(" ", _diagnostics.Select(static d => d.IdAndMessage));
            return new RejectedAccumulatorTypeSpec(
                CreateHintName(type),
                NamespaceOf(type),
                AccumulatorTypeDeclarations(type, contract).ToEquatableArray(),
                TypeName(type),
                value,
                result,
                members.ToEquatableArray(),
                $"MultiAgg could not implement '{type.Name}': {reasons}",
                NarrowedAccessibility(type, contract.Value, contract.Result),
                _suppressedIds.ToEquatableArray());
        }

        /// <summary>
        /// The type's declarations for its generated part: unsafe where its values or result are made of pointers
        /// (<c>IAccumulator&lt;int*[], int&gt;</c>, which only an unsafe context can have declared), since <c>Add</c> and
        /// <c>Result</c> repeat them; a pointer itself is no type argument.
        /// </summary>
        private static IEnumerable<ContainingTypeSpec> AccumulatorTypeDeclarations(INamedTypeSymbol type, AccumulatorContract contract, bool withAutoLayout = false)
        {
            var declarations = TypeDeclarations(type, isUnsafe: NamesPointer(contract)).ToList();
            if (withAutoLayout)
            {
                declarations[declarations.Count - 1] = declarations[declarations.Count - 1] with
                {
                    Attribute = "[global::System.Runtime.InteropServices.StructLayout(global::System.Runtime.InteropServices.LayoutKind.Auto)]",
                };
            }

            return declarations;
        }

        /// <summary>
        /// The aggregate of a struct whose state would keep a value holding the struct itself (its First, a Min of itself,
        /// a tuple or struct with one inside): the struct would contain itself (CS0523 in the generated part). Only kinds
        /// that keep a value in place count: a distinct count's set is a reference, a custom accumulator is MAGG116's. The
        /// specs name the kept types by their text; the symbols are among the values the attributes take.
        /// </summary>
        private AggregateSpec? KeptValueHoldingItself(INamedTypeSymbol type, ITypeSymbol value, List<AttributeInput> inputs, List<AggregateAttributeSpec> attributeSpecs)
        {
            var kept = inputs.SelectMany(static input => new[] { input.Value.Type, input.Value.NonNullType }).Prepend(value)
                .OfType<INamedTypeSymbol>().Where(static t => t.IsValueType)
                .GroupBy(Type).ToDictionary(static g => g.Key, static g => g.First());
            return attributeSpecs.SelectMany(static attribute => attribute.Aggregates).FirstOrDefault(a => a.Accumulator.KeepsAValueInPlace()
                && new[] { a.AccumulatorType, a.KeyType }.Any(held => held is not null && kept.TryGetValue(held.TrimEnd('?'), out var symbol)
                    && HoldsStateOf(symbol, type, fed: false)));
        }

        /// <summary>
        /// Whether a struct's generated part says its layout is automatic: its fields and the user's, in two partial
        /// declarations, have no order C# defines (CS0282, a warning on the user's type that no pragma in the generated
        /// file can silence). A struct with no instance field of its own keeps the default, and one that chose its layout
        /// keeps its choice.
        /// </summary>
        private bool NeedsAutoLayout(INamedTypeSymbol type) => type.IsValueType && HasInstanceFields(type) && ChosenLayout(type) is null;

        /// <summary>Whether the user's declarations of the type hold instance state of their own, beside what MultiAgg adds.</summary>
        private static bool HasInstanceFields(INamedTypeSymbol type) =>
            type.GetMembers().Any(static m => m is IFieldSymbol { IsStatic: false, IsConst: false })
            || type.GetMembers().Any(static m => m is IEventSymbol { IsStatic: false } e && e.DeclaringSyntaxReferences.Any(static r => r.GetSyntax() is VariableDeclaratorSyntax))
            || HasPrimaryConstructor(type);   // a parameter captured by a member is a field C# does not list

        /// <summary>Whether the type (not a record) has a primary constructor, whose parameters its members may capture.</summary>
        private static bool HasPrimaryConstructor(INamedTypeSymbol type) =>
            !type.IsRecord && type.DeclaringSyntaxReferences.Any(static r => r.GetSyntax() is TypeDeclarationSyntax { ParameterList: not null });

        private static string TypeName(INamedTypeSymbol type) => Identifier(type.Name) + TypeParameterList(type.TypeParameters);

        /// <summary>A partial struct or class, in partial types, that MultiAgg can write the other half of.</summary>
        private bool CheckAccumulatorTypeDeclaration(INamedTypeSymbol type, TypeDeclarationSyntax syntax)
        {
            _declaration = Declaration.ForType(type, syntax);

            // Half-typed headers carry the compiler's own errors; so do [Aggregate] on an interface, enum or delegate.
            if (syntax.Identifier.IsMissing || syntax.AttributeLists.Any(HasSyntaxErrors) || HasSyntaxErrors(syntax.BaseList)
                || syntax.Ancestors().OfType<TypeDeclarationSyntax>().Any(static t => t.Identifier.IsMissing)
                || type.TypeKind is not (TypeKind.Struct or TypeKind.Class))
            {
                return false;
            }

            if (LanguageVersionIsTooLow(syntax.Identifier))
            {
                return false;
            }

            var problem = !syntax.Modifiers.Any(SyntaxKind.PartialKeyword) ? "it is not partial"
                : type.IsRefLikeType ? "it is a ref struct, which cannot be kept between pushes"
                : type.IsStatic ? "it is static, so there is no state to push into"
                : type.IsReadOnly ? "it is a readonly struct, whose fields Add could not change"
                : HasExplicitLayout(type) ? "it has an explicit layout, in which MultiAgg's fields would have no offset"
                : IsInlineArray(type) ? "it is an inline array, whose one field is its element: there is no room for MultiAgg's"
                // Asked for, on a struct or a class (a struct that asks for none gets an automatic one: NeedsAutoLayout).
                : ChosenLayout(type) == (int)System.Runtime.InteropServices.LayoutKind.Sequential && HasInstanceFields(type)
                    ? "it asks for a sequential layout and has fields of its own, which beside MultiAgg's, in another declaration, have no defined order (CS0282)"
                : null;
            if (problem is not null)
            {
                Report(DiagnosticDescriptors.AccumulatorTypeMustBePartial, syntax.Identifier.GetLocation(), type.Name, problem);
                return false;
            }

            // `with` runs a record's copy constructor, and one written by hand starts MultiAgg's private fields afresh.
            if (type.IsRecord && !type.IsValueType && DeclaredCopyConstructor(type) is { } copy)
            {
                Report(DiagnosticDescriptors.AccumulatorTypeMustBePartial, copy, type.Name,
                    "it is a record that declares its own copy constructor, which cannot copy MultiAgg's private state: a 'with' copy would start empty");
                return false;
            }

            if (FileLocalIn(type) is { } fileLocal)
            {
                // Generated code lives in another file, and a file-local type cannot be extended from there.
                Report(DiagnosticDescriptors.FileLocalContainingType, syntax.Identifier.GetLocation(), fileLocal.Name, type.Name);
                return false;
            }

            return CheckEnclosingTypesArePartial(syntax, $"the [Aggregate] type '{type.Name}'");
        }

        /// <summary>Where a record declares its copy constructor (<c>Stats(Stats original)</c>), if it does; else the compiler writes one.</summary>
        private Location? DeclaredCopyConstructor(INamedTypeSymbol type) =>
            type.InstanceConstructors
                .Where(c => !c.IsImplicitlyDeclared && c.Parameters.Length == 1 && SymbolEqualityComparer.Default.Equals(c.Parameters[0].Type, type))
                .SelectMany(static c => c.DeclaringSyntaxReferences)
                .Select(reference => reference.GetSyntax(_cancellationToken) is ConstructorDeclarationSyntax declared ? declared.Identifier.GetLocation() : null)
                .FirstOrDefault(static location => location is not null);

        private bool HasExplicitLayout(INamedTypeSymbol type) => ChosenLayout(type) == (int)System.Runtime.InteropServices.LayoutKind.Explicit;

        private bool IsInlineArray(INamedTypeSymbol type) =>
            type.IsValueType && type.GetAttributes().Any(a => KnownTypes.Is(a.AttributeClass, _knownTypes.InlineArrayAttribute));

        /// <summary>The layout the type's own <c>[StructLayout]</c> gives it (a <c>LayoutKind</c> value), if it has one.</summary>
        private int? ChosenLayout(INamedTypeSymbol type) =>
            type.GetAttributes().FirstOrDefault(a => KnownTypes.Is(a.AttributeClass, _knownTypes.StructLayoutAttribute)) is { } layout
                ? layout.ConstructorArguments.Length == 1 && layout.ConstructorArguments[0].Value is { } kind ? System.Convert.ToInt32(kind, System.Globalization.CultureInfo.InvariantCulture) : -1
                : null;

        /// <summary>
        /// Where a struct declares a constructor of its own that must assign every field itself before C# 11 (a record
        /// struct's parameter list is one): its name. One that calls <c>this(...)</c> (the zeroing one, or another checked
        /// here itself) or assigns <c>this</c> on every path has every field assigned.
        /// </summary>
        private Location? FirstDeclaredConstructor(INamedTypeSymbol type) =>
            type.InstanceConstructors
                .SelectMany(static c => c.DeclaringSyntaxReferences)
                .Select(reference => reference.GetSyntax(_cancellationToken) switch
                {
                    ConstructorDeclarationSyntax { Initializer.ThisOrBaseKeyword.RawKind: (int)SyntaxKind.ThisKeyword } => null,
                    ConstructorDeclarationSyntax declared when AssignsThisOnEveryPath(declared) => null,
                    ConstructorDeclarationSyntax declared => declared.Identifier.GetLocation(),
                    TypeDeclarationSyntax { ParameterList: { } parameters } => parameters.GetLocation(),
                    var other => other.GetLocation(),
                })
                .FirstOrDefault(static location => location is not null);

        /// <summary>
        /// Whether a struct constructor's body assigns <c>this</c> itself (<c>this = default;</c>) on every path to its end.
        /// (The compiler's own flow analysis cannot tell: without MultiAgg's part, assigning the user's fields assigns all.)
        /// A must-analysis over the body's control flow graph: a block ends assigned if every way into it is, or it assigns.
        /// </summary>
        private bool AssignsThisOnEveryPath(ConstructorDeclarationSyntax constructor)
        {
            var model = ModelOf(constructor.SyntaxTree);
            if (model.GetOperation(constructor, _cancellationToken) is not IConstructorBodyOperation body)
            {
                return false;
            }

            var blocks = ControlFlowGraph.Create(body, _cancellationToken).Blocks;
            var assignedAtEnd = blocks.Select(static block => block.Kind != BasicBlockKind.Entry).ToArray();
            for (var changed = true; changed;)
            {
                changed = false;
                foreach (var block in blocks.Where(static block => block.Kind != BasicBlockKind.Entry))
                {
                    var assigned = block.Predecessors.All(branch => assignedAtEnd[branch.Source.Ordinal]) || AssignsThis(block);
                    changed |= assigned != assignedAtEnd[block.Ordinal];
                    assignedAtEnd[block.Ordinal] = assigned;
                }
            }

            return assignedAtEnd[blocks.Length - 1];

            static bool AssignsThis(BasicBlock block) =>
                block.Operations.Append(block.BranchValue).OfType<IOperation>()
                    .Any(static operation => operation.DescendantsAndSelf().Any(static o => o is ISimpleAssignmentOperation { Target: IInstanceReferenceOperation }));
        }

        /// <summary>
        /// The one <c>IAccumulator&lt;TValue, TResult&gt;</c> the type declares, itself or through
        /// <c>IMergeableAccumulator&lt;TSelf, TValue, TResult&gt;</c>, and <c>ICompletableAccumulator</c> if declared.
        /// </summary>
        private AccumulatorContract? FindContract(INamedTypeSymbol type)
        {
            var declared = new List<(ITypeSymbol Value, ITypeSymbol Result, INamedTypeSymbol Interface)>();
            var isMergeable = false;
            var interfaces = DeclaredInterfaces(type);

            // The accumulator interfaces the type lists itself say what it is; those that come through one of its other
            // interfaces only when it lists none (an IAccumulator<int, object> of its own, implemented explicitly beside
            // the one MultiAgg writes, is not a second contract).
            // A mergeable one asks for Merge wherever it comes from.
            var listedItself = type.Interfaces.Where(i => KnownTypes.Is(i, _knownTypes.IAccumulator) || KnownTypes.Is(i, _knownTypes.IMergeableAccumulator)).ToList();
            var contracts = listedItself.Count > 0
                ? listedItself.Concat(interfaces.Where(i => KnownTypes.Is(i, _knownTypes.IMergeableAccumulator))).Distinct<INamedTypeSymbol>(SymbolEqualityComparer.Default)
                : interfaces;
            foreach (var candidate in contracts)
            {
                if (KnownTypes.Is(candidate, _knownTypes.IAccumulator))
                {
                    declared.Add((candidate.TypeArguments[0], candidate.TypeArguments[1], candidate));
                }
                else if (KnownTypes.Is(candidate, _knownTypes.IMergeableAccumulator))
                {
                    // The type itself, not null: the generated Merge takes the other state and throws for null.
                    if (!SymbolEqualityComparer.Default.Equals(candidate.TypeArguments[0], type) || candidate.TypeArguments[0].NullableAnnotation == NullableAnnotation.Annotated)
                    {
                        Report(DiagnosticDescriptors.MergeableAccumulatorNotSelf, BaseTypeSyntax(type, candidate)?.Syntax.GetLocation(), type.Name, Display(candidate.TypeArguments[0]));
                        return null;
                    }

                    declared.Add((candidate.TypeArguments[1], candidate.TypeArguments[2], candidate));
                    isMergeable = true;
                }
            }

            if (declared.Any(static d => ContainsErrorType(d.Value) || ContainsErrorType(d.Result)))
            {
                return null;   // the compiler reports the types it could not bind
            }

            var distinct = declared
                .GroupBy(static d => (d.Value, d.Result), new PairComparer())
                .Select(static g => g.First())
                .ToList();
            if (distinct.Count == 0)
            {
                Report(DiagnosticDescriptors.AccumulatorInterfaceMissing, null, type.Name);
                return null;
            }

            if (distinct.Count > 1)
            {
                Report(DiagnosticDescriptors.AccumulatorInterfaceAmbiguous, BaseTypeSyntax(type, distinct[1].Interface)?.Syntax.GetLocation(), type.Name,
                    string.Join(" and ", distinct.Select(static d => $"IAccumulator<{Display(d.Value)}, {Display(d.Result)}>")));
                return null;
            }

            var (value, result, chosen) = distinct[0];
            if (BaseTypeSyntax(type, chosen) is not { } listed)
            {
                return null;   // only a declaration the compiler rejects lists no base it binds
            }

            // TResult where the interface is listed itself; the interface of the user's that inherits it, else.
            var resultSyntax = listed.Exactly ? LastTypeArgument(listed.Syntax)! : listed.Syntax;

            var completable = interfaces.Any(i => KnownTypes.Is(i, _knownTypes.ICompletableAccumulator));
            return new AccumulatorContract(value, result, resultSyntax, isMergeable, completable);
        }

        /// <summary>
        /// The interfaces the type declares, and those they inherit (an interface of the user's own that extends
        /// <c>ICompletableAccumulator</c>); not those a base class implements, whose members are the base class's.
        /// </summary>
        private static List<INamedTypeSymbol> DeclaredInterfaces(INamedTypeSymbol type) =>
            type.Interfaces.SelectMany(static i => i.AllInterfaces.Prepend(i)).Distinct<INamedTypeSymbol>(SymbolEqualityComparer.Default).ToList();

        /// <summary>Where the type lists <paramref name="implemented"/> among its bases, or an interface that inherits it, in any of its declarations.</summary>
        private (TypeSyntax Syntax, bool Exactly)? BaseTypeSyntax(INamedTypeSymbol type, INamedTypeSymbol implemented)
        {
            (TypeSyntax Syntax, bool Exactly)? inheriting = null;
            foreach (var reference in type.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax(_cancellationToken) is not TypeDeclarationSyntax { BaseList: { } bases } declaration)
                {
                    continue;
                }

                var model = ModelOf(declaration.SyntaxTree);
                foreach (var listed in bases.Types)
                {
                    if (model.GetTypeInfo(listed.Type, _cancellationToken).Type is not INamedTypeSymbol bound)
                    {
                        continue;
                    }

                    if (SymbolEqualityComparer.Default.Equals(bound, implemented))
                    {
                        return (listed.Type, true);
                    }

                    if (inheriting is null && bound.AllInterfaces.Contains(implemented, SymbolEqualityComparer.Default))
                    {
                        inheriting = (listed.Type, false);
                    }
                }
            }

            return inheriting;
        }

        /// <summary><c>TResult</c> in <c>IAccumulator&lt;TValue, TResult&gt;</c> as written, for diagnostics about the result.</summary>
        private static TypeSyntax? LastTypeArgument(TypeSyntax? written) => written switch
        {
            GenericNameSyntax g => g.TypeArgumentList.Arguments.LastOrDefault(),
            QualifiedNameSyntax { Right: GenericNameSyntax g } => g.TypeArgumentList.Arguments.LastOrDefault(),
            AliasQualifiedNameSyntax { Name: GenericNameSyntax g } => g.TypeArgumentList.Arguments.LastOrDefault(),
            _ => written,
        };

        /// <summary>The members MultiAgg writes for the type: <c>Add</c>, <c>Result</c>, and <c>Merge</c> and <c>IsComplete</c> when declared.</summary>
        private static IEnumerable<string> GeneratedMemberNames(AccumulatorContract contract) => new[] { "Add", "Result" }
            .Concat(contract.IsMergeable ? new[] { "Merge" } : Array.Empty<string>())
            .Concat(contract.IsCompletable ? new[] { "IsComplete" } : Array.Empty<string>());

        /// <summary>
        /// <c>Add</c>, <c>Result</c>, <c>Merge</c> and <c>IsComplete</c> are MultiAgg's to write: no member of the type may take
        /// one of those names (MAGG135), nor the type itself (MAGG136: a member cannot be named like its type).
        /// </summary>
        private bool CheckGeneratedMembersAreFree(INamedTypeSymbol type, AccumulatorContract contract)
        {
            var declared = DeclaredGeneratedMembers(type, contract);
            foreach (var (location, name) in declared)
            {
                Report(DiagnosticDescriptors.GeneratedMemberDeclared, location, type.Name, name);
            }

            var namedLikeAMember = GeneratedMemberNames(contract).Contains(type.Name);
            if (namedLikeAMember)
            {
                Report(DiagnosticDescriptors.TypeNamedLikeGeneratedMember, type.Locations.FirstOrDefault(), type.Name);
            }

            return declared.Count == 0 && !namedLikeAMember;
        }

        /// <summary>
        /// The members the type declares or inherits that would clash with one MultiAgg writes, each where to report it:
        /// any member of that name (a field, a property, a nested type, a method), except an overload of <c>Add</c> or
        /// <c>Merge</c> with other parameters; the contract's own members implemented explicitly, which the interface would
        /// call instead of MultiAgg's; a base type's member the type can see, which the generated one would hide (CS0108),
        /// reported at the base type when it is not in this compilation; and the members MultiAgg writes for a base type
        /// that is itself an <c>[Aggregate]</c> type, which are not in the compilation it reads.
        /// </summary>
        private List<(Location? Location, string Name)> DeclaredGeneratedMembers(INamedTypeSymbol type, AccumulatorContract contract)
        {
            var names = GeneratedMemberNames(contract).ToList();
            var found = new List<(Location? Location, string Name)>();
            found.AddRange(type.GetMembers()
                .Where(member => ImplementsContractExplicitly(member, type, contract))
                .Select(static member => (member.Locations.FirstOrDefault(), ExplicitlyImplemented(member)!.Name)));
            for (INamedTypeSymbol? t = type; t is not null && t.SpecialType != SpecialType.System_Object; t = t.BaseType)
            {
                var isOwn = SymbolEqualityComparer.Default.Equals(t, type);
                if (!isOwn && t.GetAttributes().Any(a => KnownTypes.Is(a.AttributeClass, _knownTypes.AggregateAttribute)))
                {
                    found.AddRange(new[] { "Add", "Result" }.Select(name => (BaseTypeLocation(type), name)));
                    continue;
                }

                found.AddRange(t.GetMembers()
                    .Where(member => !member.IsImplicitlyDeclared && names.Contains(member.Name)
                        && (isOwn || _compilation.IsSymbolAccessibleWithin(member, type))
                        && member switch
                        {
                            IMethodSymbol { Name: "Add" } add => HasSignature(add, contract.Value),
                            IMethodSymbol { Name: "Merge" } merge => HasSignature(merge, type),
                            _ => true,
                        })
                    .Select(member => (member.Locations.FirstOrDefault(l => l.SourceTree is { } tree && _compilation.ContainsSyntaxTree(tree)) ?? BaseTypeLocation(type), member.Name)));
            }

            return found;
        }

        /// <summary>
        /// Whether <paramref name="member"/> implements, explicitly, a member of the contract MultiAgg implements:
        /// <c>IAccumulator&lt;TValue, TResult&gt;</c> with the type's own arguments, its <c>IMergeableAccumulator</c>, or
        /// <c>ICompletableAccumulator</c>. Another <c>IAccumulator</c>'s (a view of the same state) is the user's.
        /// </summary>
        private bool ImplementsContractExplicitly(ISymbol member, INamedTypeSymbol type, AccumulatorContract contract) =>
            ExplicitlyImplemented(member)?.ContainingType is { } contractType
            && (KnownTypes.Is(contractType, _knownTypes.ICompletableAccumulator)
                || (KnownTypes.Is(contractType, _knownTypes.IAccumulator)
                    && SameTypes(contractType.TypeArguments, contract.Value, contract.Result))
                || (KnownTypes.Is(contractType, _knownTypes.IMergeableAccumulator)
                    && SameTypes(contractType.TypeArguments, type, contract.Value, contract.Result)));

        private static ISymbol? ExplicitlyImplemented(ISymbol member) => member switch
        {
            IMethodSymbol { AssociatedSymbol: not null } => null,   // a property's accessor: the property is the member
            IMethodSymbol method => method.ExplicitInterfaceImplementations.FirstOrDefault(),
            IPropertySymbol property => property.ExplicitInterfaceImplementations.FirstOrDefault(),
            _ => null,
        };

        private static bool SameTypes(ImmutableArray<ITypeSymbol> types, params ITypeSymbol[] expected) =>
            types.Length == expected.Length && types.Zip(expected, static (a, b) => SymbolEqualityComparer.Default.Equals(a, b)).All(static same => same);

        /// <summary>Where the type names its base class, for a clash that comes from the base: a base in source shows its own member.</summary>
        private Location? BaseTypeLocation(INamedTypeSymbol type) =>
            type.DeclaringSyntaxReferences
                .Select(reference => reference.GetSyntax(_cancellationToken))
                .OfType<TypeDeclarationSyntax>()
                .Select(static declaration => declaration.BaseList?.Types.FirstOrDefault())
                .FirstOrDefault(written => written is not null
                    && SymbolEqualityComparer.Default.Equals(ModelOf(written.SyntaxTree).GetTypeInfo(written.Type, _cancellationToken).Type, type.BaseType))
                ?.Type.GetLocation()
            ?? type.Locations.FirstOrDefault();

        /// <summary>
        /// The generated <c>Add</c>'s or <c>Merge</c>'s signature: one by-value parameter of that type as C# compares
        /// signatures (an identity conversion: tuple element names, <c>dynamic</c> for <c>object</c> and nullability aside),
        /// no type parameters.
        /// </summary>
        private bool HasSignature(IMethodSymbol method, ITypeSymbol parameter) =>
            method is { TypeParameters.Length: 0, Parameters.Length: 1 }
            && method.Parameters[0].RefKind == RefKind.None
            && _compilation.ClassifyConversion(method.Parameters[0].Type, parameter).IsIdentity;

        /// <summary>
        /// Merging states merges each accumulator in them (an accumulator type's <c>Merge</c>, a parallel method's blocks):
        /// a custom accumulator must know how, or <paramref name="descriptor"/> is reported at it with <paramref name="owner"/>;
        /// and its <c>Merge</c> must be callable, or MAGG116 is (the sequential methods, which never merge, leave it alone).
        /// </summary>
        private void CheckCustomAccumulatorsMerge(string owner, List<AttributeInput> inputs, DiagnosticDescriptor descriptor)
        {
            foreach (var input in inputs)
            {
                if (input.Accumulator is not INamedTypeSymbol custom)
                {
                    continue;
                }

                var location = input.Aggregates.FirstOrDefault().Syntax?.GetLocation();
                var mergeable = custom.AllInterfaces.FirstOrDefault(i =>
                    KnownTypes.Is(i, _knownTypes.IMergeableAccumulator) && SymbolEqualityComparer.Default.Equals(i.TypeArguments[0], custom));
                if (mergeable is null)
                {
                    Report(descriptor, location, owner, Display(custom));
                }
                else if (mergeable.GetMembers("Merge").FirstOrDefault() is { } merge
                    && custom.FindImplementationForInterfaceMember(merge) is { } implementation
                    && ForbiddenObsoleteError(implementation) is { } obsolete)
                {
                    Report(DiagnosticDescriptors.InvalidAccumulator, location, Display(custom),
                        $"its 'Merge' is [Obsolete] as an error{obsolete}, which the generated code calls to merge the states of '{owner}'");
                }
            }
        }

        private sealed class PairComparer : IEqualityComparer<(ITypeSymbol Value, ITypeSymbol Result)>
        {
            public bool Equals((ITypeSymbol Value, ITypeSymbol Result) x, (ITypeSymbol Value, ITypeSymbol Result) y) =>
                SymbolEqualityComparer.IncludeNullability.Equals(x.Value, y.Value) && SymbolEqualityComparer.IncludeNullability.Equals(x.Result, y.Result);

            public int GetHashCode((ITypeSymbol Value, ITypeSymbol Result) pair) =>
                SymbolEqualityComparer.Default.GetHashCode(pair.Value) * 31 + SymbolEqualityComparer.Default.GetHashCode(pair.Result);
        }
    }
}
