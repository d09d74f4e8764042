using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using MultiAgg.Generators.Diagnostics;
using MultiAgg.Generators.Parsing;
using MultiAgg.Generators.Specs;

namespace MultiAgg.Generators;

public sealed partial class AggregateGenerator
{
    /// <summary>Where the generated half goes and how it is declared: hint name, namespace, containing types, signature, local names.</summary>
    internal sealed partial class Parser
    {
        /// <summary>The namespace the generated part goes in, or null for the global namespace.</summary>
        private static string? NamespaceOf(ISymbol symbol) =>
            symbol.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString(NamespaceFormat) : null;

        /// <summary>
        /// The containing types' declarations. An async implementation's part is never <c>unsafe</c>: it awaits, which
        /// no unsafe context allows (CS4004), and it takes no pointers (<see cref="CheckAsyncParameters"/>).
        /// </summary>
        private static IEnumerable<ContainingTypeSpec> ContainingTypes(IMethodSymbol method, MethodDeclarationSyntax syntax, bool isAsync = false) =>
            TypeDeclarations(method.ContainingType, IsUnsafeContext(syntax.Parent) && !isAsync);

        /// <summary>
        /// Whether <paramref name="node"/> is inside a type declared <c>unsafe</c>. That makes only the declaration's own
        /// text unsafe, so the generated part, which repeats the pointer types of the user's signature, says it again.
        /// (A method's own <c>unsafe</c> is one of the modifiers its implementation repeats.)
        /// </summary>
        private static bool IsUnsafeContext(SyntaxNode? node) =>
            node?.AncestorsAndSelf().OfType<TypeDeclarationSyntax>().Any(static t => t.Modifiers.Any(SyntaxKind.UnsafeKeyword)) == true;

        /// <summary>The declarations the generated part repeats, outermost first, down to <paramref name="innermost"/>.</summary>
        private static IEnumerable<ContainingTypeSpec> TypeDeclarations(INamedTypeSymbol innermost, bool isUnsafe)
        {
            var types = new List<ContainingTypeSpec>();
            for (var type = innermost; type is not null; type = type.ContainingType)
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
                if (isUnsafe && type.Equals(innermost, SymbolEqualityComparer.Default))
                {
                    declaration = "unsafe " + declaration;
                }

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

        private MethodSignatureSpec CreateSignature(IMethodSymbol method, MethodDeclarationSyntax syntax, bool isAsync)
        {
            // Keep the user's modifiers in their order; 'partial' must come last, right before the return type.
            var modifiers = syntax.Modifiers
                .Where(static m => !m.IsKind(SyntaxKind.PartialKeyword) && !m.IsKind(SyntaxKind.AsyncKeyword))
                .Select(static m => m.Text)
                .ToList();
            var shape = !isAsync ? AsyncShape.None
                : method.IsStatic ? AsyncShape.StaticLocalFunction
                : method.ContainingType.IsValueType ? AsyncShape.Method
                : AsyncShape.LocalFunction;
            if (shape == AsyncShape.Method)
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

            var typeParameters = TypeParameterList(method.TypeParameters);
            var constraints = method.TypeParameters.Select(ConstraintClause).Where(static c => c is not null).Select(static c => c!).ToEquatableArray();

            // An override inherits its constraints (CS0460 to write them); it may only say
            // `class`, `struct` or `default`, which its parts then repeat.
            var ownConstraints = method.IsOverride
                ? syntax.ConstraintClauses.Select(static c => $"where {c.Name.Identifier.Text} : {string.Join(", ", c.Constraints.Select(static k => k.ToString()))}").ToEquatableArray()
                : constraints;

            // Only a rejected method (a body that throws) can return by reference.
            var returnKind = method.ReturnsByRefReadonly ? "ref readonly " : method.ReturnsByRef ? "ref " : "";
            return new MethodSignatureSpec(
                string.Join(" ", modifiers),
                returnKind + Type(method.ReturnType),
                Identifier(method.Name),
                typeParameters,
                ownConstraints,
                constraints,
                parameters.ToEquatableArray(),
                shape,
                // A partial method's parts share their attributes, and [GeneratedCode] may appear once (CS0579).
                method.GetAttributes().Any(a => KnownTypes.Is(a.AttributeClass, _knownTypes.GeneratedCodeAttribute)),
                method.GetAttributes().Any(IsObsolete));
        }

        /// <summary><c>&lt;T, U&gt;</c> as the declaration names them, or nothing.</summary>
        private static string TypeParameterList(System.Collections.Immutable.ImmutableArray<ITypeParameterSymbol> typeParameters) =>
            typeParameters.Length == 0 ? "" : "<" + string.Join(", ", typeParameters.Select(static t => Identifier(t.Name))) + ">";

        /// <summary>
        /// Whether C# takes <paramref name="type"/> in a constraint clause: not a sealed class, a struct, an array,
        /// <c>object</c>, <c>ValueType</c> or <c>Array</c> (CS0701, CS0702), which an override's inherited constraints may
        /// be once the base type's arguments are substituted (<c>where T : U</c> of a <c>Base&lt;Item&gt;</c>). Such a type
        /// parameter can only be that type; the types generated beside the method hold its values without saying so.
        /// </summary>
        private static bool CanBeWrittenAsConstraint(ITypeSymbol type) => type switch
        {
            ITypeParameterSymbol => true,
            INamedTypeSymbol { TypeKind: TypeKind.Class } named => !named.IsSealed && named.SpecialType is not (SpecialType.System_Object or SpecialType.System_ValueType or SpecialType.System_Array),
            INamedTypeSymbol { TypeKind: TypeKind.Interface } => true,
            _ => false,
        };

        /// <summary>Partial method parts must repeat their constraints exactly.</summary>
        private string? ConstraintClause(ITypeParameterSymbol typeParameter)
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

            constraints.AddRange(typeParameter.ConstraintTypes.Where(CanBeWrittenAsConstraint).Select(Type));
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

        /// <summary>
        /// <c>{Namespace}.{Types}.{Method}.g.cs</c>, with a hash where a part of the name is shared with another but for
        /// case or with a namespace (see <see cref="TwinSuffix"/>, which tells overloads apart too), or where the method's
        /// name is shared by overloads (see <see cref="OverloadSuffix"/>).
        /// </summary>
        private string CreateHintName(IMethodSymbol method) =>
            HintName(method.ContainingType, method.Name + (TwinSuffix(method) is { Length: > 0 } suffix ? suffix : OverloadSuffix(method)), DuplicateSuffix(method));

        /// <summary><c>{Namespace}.{Types}.g.cs</c> for an accumulator type (a method and a nested type cannot share a name).</summary>
        private string CreateHintName(INamedTypeSymbol type) => HintName(type, null, TwinSuffix(type) + DuplicateSuffix(type));

        /// <summary>
        /// C# rejects a member declared twice (CS0102, CS0111, CS0756: pasted twice, or overloads that differ only in their
        /// return type or nullability), yet each declaration reaches the generator with the same hint name, and two equal
        /// hint names would fail the whole generator: every one after the first in source order ends with its position
        /// after a dot (<c>Total.2</c>), which no identifier can (a sibling named <c>Total_2</c> keeps its own name).
        /// </summary>
        private string DuplicateSuffix(ISymbol symbol)
        {
            if (symbol.ContainingSymbol is not INamespaceOrTypeSymbol container)
            {
                return "";
            }

            var twins = container.GetMembers(symbol.Name);
            if (twins.Length < 2)
            {
                return "";
            }

            var id = symbol.GetDocumentationCommentId();
            var earlier = twins.Count(twin => !twin.Equals(symbol, SymbolEqualityComparer.Default) && ComesBefore(twin, symbol) && (twin, symbol) switch
            {
                (IMethodSymbol method, IMethodSymbol) => method.IsPartialDefinition && method.GetDocumentationCommentId() == id,
                (INamedTypeSymbol type, INamedTypeSymbol other) => type.Arity == other.Arity,
                (IMethodSymbol { IsPartialDefinition: true }, INamedTypeSymbol) or (INamedTypeSymbol, IMethodSymbol) => true,
                _ => false,
            });
            return earlier == 0 ? "" : $".{earlier + 1}";
        }

        /// <summary>Whether <paramref name="first"/> is declared before <paramref name="second"/>: by the compilation's order of files, then position.</summary>
        private bool ComesBefore(ISymbol first, ISymbol second)
        {
            if (first.Locations.FirstOrDefault() is not { IsInSource: true, SourceTree: { } firstTree } a
                || second.Locations.FirstOrDefault() is not { IsInSource: true, SourceTree: { } secondTree } b)
            {
                return false;
            }

            if (firstTree == secondTree)
            {
                return a.SourceSpan.Start < b.SourceSpan.Start;
            }

            foreach (var tree in _compilation.SyntaxTrees)
            {
                if (tree == firstTree || tree == secondTree)
                {
                    return tree == firstTree;
                }
            }

            return false;
        }

        /// <summary>
        /// The driver compares hint names ignoring case, and two equal ones fail the whole generator: where the method or
        /// type, or a type or namespace around it, has a sibling named the same but for case (<c>Total</c> and <c>total</c>,
        /// classes <c>Stats</c> and <c>stats</c>, namespaces <c>Acme</c> and <c>acme</c>), or is a type beside a namespace
        /// of its name (<c>A.Stats</c> both, CS0101), the hint name ends with a stable hash of the symbol.
        /// </summary>
        private string TwinSuffix(ISymbol symbol) =>
            HasNameTwin(symbol) ? HashSuffix(Identity(symbol) + "#" + TypeDepth(symbol)) : "";

        /// <summary>
        /// How many types hold <paramref name="symbol"/>: the one part of its identity its documentation ID leaves out, and
        /// where a type and a namespace share a name (<c>A.Stats.Inner</c> as a nested class, and as a class of namespace
        /// <c>A.Stats</c>), the part that tells them apart.
        /// </summary>
        private static int TypeDepth(ISymbol symbol)
        {
            var depth = 0;
            for (var type = symbol.ContainingType; type is not null; type = type.ContainingType)
            {
                depth++;
            }

            return depth;
        }

        private bool HasNameTwin(ISymbol symbol)
        {
            // Every part of the name: the member, the types around it, and the namespaces (Acme.Stats beside acme.Stats).
            for (var current = symbol; current is not INamespaceSymbol { IsGlobalNamespace: true }; current = (ISymbol?)current.ContainingType ?? current.ContainingNamespace)
            {
                if (_memo.HasNameTwin((INamespaceOrTypeSymbol?)current.ContainingType ?? current.ContainingNamespace, current.Name))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// The namespace, the types and the member, joined by dots, then <paramref name="suffix"/>. Only letters, digits,
        /// dots and underscores are kept; a name that had another character (an identifier's connector punctuation or
        /// combining mark: <c>Total‿</c>, the vowel signs of <c>कुल</c>) ends with a hash of it as well, since with that
        /// character as <c>_</c> it could be another method's (<c>Total_</c>).
        /// </summary>
        private static string HintName(INamedTypeSymbol innermost, string? member, string suffix = "")
        {
            var parts = new List<string>();
            for (var ns = innermost.ContainingNamespace; ns is { IsGlobalNamespace: false }; ns = ns.ContainingNamespace)
            {
                parts.Add(ns.Name);
            }

            parts.Reverse();
            var types = new List<string>();
            for (var type = innermost; type is not null; type = type.ContainingType)
            {
                types.Add(type.MetadataName);
            }

            types.Reverse();
            parts.AddRange(types);
            if (member is not null)
            {
                parts.Add(member);
            }

            var name = string.Join(".", parts);
            var builder = new StringBuilder(name.Length);
            var replaced = false;
            // A generic type's metadata name keeps its backtick (Outer`1): as '_' it would be the name of a type Outer_1.
            foreach (var c in name)
            {
                var kept = char.IsLetterOrDigit(c) || c is '.' or '_' or '`';
                builder.Append(kept ? c : '_');
                replaced |= !kept;
            }

            if (replaced)
            {
                builder.Append($"_{StableHash(name):x8}");
            }

            return builder.Append(suffix).Append(".g.cs").ToString();
        }

        /// <summary>
        /// A type generated beside a method for one <paramref name="role"/> (a per-key record's <c>Group</c>, a query's
        /// <c>Row</c>, a parallel block's <c>State</c>): <c>__{Method}_{role}</c>, told apart from an overload's, generic
        /// over the method's type parameters.
        /// </summary>
        private static string NestedTypeName(IMethodSymbol method, string role) =>
            UnclaimedTypeName(method.ContainingType, method.Name + "_" + role + OverloadSuffix(method)) + TypeParameterList(method.TypeParameters);

        /// <summary>
        /// <c>__{stem}</c>, or with more underscores while a member of <paramref name="owner"/>, where the type is declared,
        /// starts with it: the type (and a per-key record's storage, its name and an <c>s</c>) never names one of the user's.
        /// </summary>
        private static string UnclaimedTypeName(INamedTypeSymbol owner, string stem) => ChoosePrefix(MemberNamesWithInherited(owner), stem) + stem;

        /// <summary>
        /// Whether the method's containing type can hold the type generated beside it (see <see cref="NestedTypeName"/>):
        /// an interface with <c>in</c> or <c>out</c> type parameters, or any type inside one, can hold none (CS8427), MAGG137.
        /// </summary>
        private bool CheckNestedTypeAllowed(IMethodSymbol method)
        {
            for (var owner = method.ContainingType; owner is not null; owner = owner.ContainingType)
            {
                if (owner is { TypeKind: TypeKind.Interface } && owner.TypeParameters.Any(static t => t.Variance != VarianceKind.None))
                {
                    Report(DiagnosticDescriptors.NestedTypeInVariantInterface, null, method.Name, owner.Name);
                    return false;
                }
            }

            return true;
        }

        /// <summary>
        /// Overloads share a name; a stable hash of the documentation ID (arity and parameter types) tells
        /// apart what is generated for each.
        /// </summary>
        private static string OverloadSuffix(IMethodSymbol method)
        {
            var overloads = method.ContainingType.GetMembers(method.Name).OfType<IMethodSymbol>().Count(static m => m.IsPartialDefinition);
            return overloads > 1 ? HashSuffix(Identity(method)) : "";
        }

        /// <summary><c>_{hash}</c> of an identity (<see cref="Identity"/>: a documentation ID, which tells apart overloads, arities and case).</summary>
        private static string HashSuffix(string identity) => $"_{StableHash(identity):x8}";

        private static string Identity(ISymbol symbol) => symbol.GetDocumentationCommentId() ?? symbol.ToDisplayString();

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

        /// <summary>
        /// Generated locals start with a prefix no parameter name starts with, so they never collide; nor any name in a
        /// body inlined into a query, whose lambdas' parameters would hide the query's own.
        /// </summary>
        private string ChooseLocalPrefix(IMethodSymbol method) => ChoosePrefix(method.Parameters.Select(static p => p.Name)
            .Concat(method.TypeParameters.Select(static t => t.Name))
            .Concat(ContainingTypeParameters(method.ContainingType))
            .Concat(_inlinedNames));

        /// <summary>
        /// See <see cref="AggregateMethodSpec.MemberPrefix"/>: the local prefix, which no type parameter starts with, where
        /// a type parameter's name does not start with a capital letter, as the names of those members (after a value's
        /// <c>Of</c>, which may start with an underscore) may not either.
        /// </summary>
        private string ChooseMemberPrefix(IMethodSymbol method) =>
            method.TypeParameters.Any(static t => !char.IsUpper(t.Name[0])) ? ChooseLocalPrefix(method) : "";

        /// <summary>An accumulator type's fields and helpers are its members: their prefix must not start any of its own.</summary>
        private static string ChooseFieldPrefix(INamedTypeSymbol type) =>
            // (The type's own name too: no member may be named as its type, CS0542.)
            ChoosePrefix(MemberNamesWithInherited(type).Concat(ContainingTypeParameters(type)).Append(type.Name));

        /// <summary>
        /// The names of the type's members, nested types included, and of those its base types let it see: a generated
        /// member named as one of the type's own would clash with it (CS0102), as one of a base's would hide it (CS0108 in
        /// the generated file); a base's private member it cannot hide. Of a base only the names a generated one could
        /// take, which start with <c>__</c>, are looked up (a base such as a controller or a context has hundreds of
        /// members, and the names alone are cached).
        /// </summary>
        private static IEnumerable<string> MemberNamesWithInherited(INamedTypeSymbol type)
        {
            // (MemberNames leaves out nested types.)
            foreach (var name in type.MemberNames.Concat(type.GetTypeMembers().Select(static nested => nested.Name)))
            {
                yield return name;
            }

            for (var baseType = type.BaseType; baseType is not null; baseType = baseType.BaseType)
            {
                foreach (var name in baseType.MemberNames)
                {
                    if (name.StartsWith("__", StringComparison.Ordinal)
                        && baseType.GetMembers(name).Any(static member => member.DeclaredAccessibility != Accessibility.Private))
                    {
                        yield return name;
                    }
                }

                foreach (var nested in baseType.GetTypeMembers())
                {
                    if (nested.Name.StartsWith("__", StringComparison.Ordinal) && nested.DeclaredAccessibility != Accessibility.Private)
                    {
                        yield return nested.Name;
                    }
                }
            }
        }

        /// <summary>The shortest run of two or more underscores that, followed by <paramref name="stem"/>, starts none of <paramref name="taken"/>.</summary>
        private static string ChoosePrefix(IEnumerable<string> taken, string stem = "")
        {
            var names = taken.ToList();
            var start = "__" + stem;   // made once per try, not once per name tested
            while (names.Exists(name => name.StartsWith(start, StringComparison.Ordinal)))
            {
                start = "_" + start;
            }

            return start.Substring(0, start.Length - stem.Length);
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
    }
}
