using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace MultiAgg.Generators.Parsing;

/// <summary>
/// What the parser works out once per compilation though most methods ask for it again: the text generated code
/// writes a type with (and whether that text reaches it), what a name finds in a type as seen from a declaring
/// type, and what the global usings import. Roslyn builds the first two anew on every call (<c>ToDisplayString</c> its
/// display parts, <c>LookupSymbols</c> a binder's lookup), and in a project of many <c>[Aggregate]</c> methods the same
/// few types and member names come back in each; the third is read from every file. Types are compared with their nullability and tuple element names, which both the text and the members'
/// types carry.
/// </summary>
internal sealed class CompilationMemo
{
    private static readonly ConditionalWeakTable<Compilation, CompilationMemo> Memos = new();

    /// <summary>How generated code writes a type: in full, from <c>global::</c>, with its nullability.</summary>
    private static readonly SymbolDisplayFormat TypeFormat = SymbolDisplayFormat.FullyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    private readonly ConcurrentDictionary<ITypeSymbol, (string Name, ExternName? ExternName, ImmutableArray<string> SuppressedIds)> _types = new(SymbolEqualityComparer.IncludeNullability);

    private readonly ConcurrentDictionary<Lookup, ImmutableArray<ISymbol>> _lookups = new();

    private readonly ConcurrentDictionary<INamespaceOrTypeSymbol, ImmutableHashSet<string>> _nameTwins = new(SymbolEqualityComparer.Default);

    private readonly ConcurrentDictionary<ISymbol, ImmutableArray<string>> _suppressedIds = new(SymbolEqualityComparer.Default);

    /// <summary>Per referenced assembly, the extern alias it is referenced only through, or "" when global:: reaches it.</summary>
    private readonly ConcurrentDictionary<IAssemblySymbol, string> _externAliases = new(SymbolEqualityComparer.Default);

    /// <summary>See <see cref="GlobalUsings"/>; null until first asked for.</summary>
    private GlobalImports? _globalUsings;

    private readonly Compilation _compilation;

    private CompilationMemo(Compilation compilation) => _compilation = compilation;

    /// <summary>
    /// What the compilation's <c>global using</c> directives import (<c>ImplicitUsings</c> writes some): namespaces, by
    /// name, and the types of <c>global using static</c>, whose extension methods it brings in too. Read from every file
    /// once per compilation, not once per method that asks (an edit anywhere makes a new compilation).
    /// </summary>
    public GlobalImports GlobalUsings(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _globalUsings) is { } known)
        {
            return known;
        }

        var (namespaces, types) = (ImmutableHashSet.CreateBuilder<string>(), ImmutableHashSet.CreateBuilder<INamedTypeSymbol>(SymbolEqualityComparer.Default));
        foreach (var tree in _compilation.SyntaxTrees)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (tree.GetRoot(cancellationToken) is not CompilationUnitSyntax unit)
            {
                continue;
            }

            SemanticModel? model = null;   // made only for a file that has global usings
            foreach (var directive in unit.Usings)
            {
                if (directive.GlobalKeyword.IsKind(SyntaxKind.None))
                {
                    break;   // global usings come first in a file
                }

                if (directive.Alias is null && directive.Name is { } name)
                {
                    switch ((model ??= _compilation.GetSemanticModel(tree)).GetSymbolInfo(name, cancellationToken).Symbol)
                    {
                        case INamespaceSymbol imported:
                            namespaces.Add(imported.ToDisplayString());
                            break;
                        case INamedTypeSymbol type when !directive.StaticKeyword.IsKind(SyntaxKind.None):
                            types.Add(type.OriginalDefinition);
                            break;
                    }
                }
            }
        }

        // Two threads may both read them: the same sets, either kept.
        var found = new GlobalImports(namespaces.ToImmutable(), types.ToImmutable());
        Volatile.Write(ref _globalUsings, found);
        return found;
    }

    /// <summary>What the global usings import: namespaces by name, and the types of <c>global using static</c>.</summary>
    public sealed record GlobalImports(ImmutableHashSet<string> Namespaces, ImmutableHashSet<INamedTypeSymbol> Types);

    public static CompilationMemo For(Compilation compilation) => Memos.GetValue(compilation, static c => new CompilationMemo(c));

    /// <summary>
    /// The text generated code writes <paramref name="type"/> with, displayed the first time it is asked for, and the type
    /// in it (itself, a type argument, the type around it, an array's element) whose assembly only an extern alias
    /// reaches, not that text's <c>global::</c>: null when every part can be written so; and the IDs of the
    /// diagnostics naming the <c>[Experimental]</c> and <c>[Obsolete]</c> APIs in the text gives (<see cref="SuppressedIds"/>).
    /// One lookup gives all three.
    /// </summary>
    public (string Name, ExternName? ExternName, ImmutableArray<string> SuppressedIds) Written(ITypeSymbol type)
    {
        if (!_types.TryGetValue(type, out var written))
        {
            written = _types.GetOrAdd(type, (type.ToDisplayString(TypeFormat), FindExternName(type), SuppressedIds(type)));
        }

        return written;
    }

    /// <summary>The same for a namespace, as a reference's alias binds it (<c>Lib::Shop</c>: that assembly's own namespace).</summary>
    public ExternName? ExternNameOf(INamespaceSymbol ns) =>
        ns.NamespaceKind == NamespaceKind.Assembly && ExternAliasOf(ns.ContainingAssembly) is { } alias ? new ExternName(alias, ns) : null;

    private ExternName? FindExternName(ITypeSymbol type) => type switch
    {
        IArrayTypeSymbol array => FindExternName(array.ElementType),
        IPointerTypeSymbol pointer => FindExternName(pointer.PointedAtType),
        IFunctionPointerTypeSymbol function => FindExternName(function.Signature.ReturnType) ?? FirstExternName(function.Signature.Parameters.Select(static p => p.Type)),
        INamedTypeSymbol named => ExternAliasOf(named.ContainingAssembly) is { } alias
            ? new ExternName(alias, named.OriginalDefinition)
            : FirstExternName(named.TypeArguments) ?? (named.ContainingType is { } outer ? FindExternName(outer) : null),
        _ => null,
    };

    private ExternName? FirstExternName(IEnumerable<ITypeSymbol> types)
    {
        foreach (var type in types)
        {
            if (FindExternName(type) is { } name)
            {
                return name;
            }
        }

        return null;
    }

    private string? ExternAliasOf(IAssemblySymbol? assembly)
    {
        if (assembly is null)
        {
            return null;
        }

        if (!_externAliases.TryGetValue(assembly, out var alias))
        {
            // global:: reaches the assemblies whose namespaces the compilation's global namespace merges: its own, and every
            // one referenced without an alias or with 'global' among them (by any of its references). Another is named only
            // through the alias it was given.
            var reached = false;
            foreach (var constituent in _compilation.GlobalNamespace.ConstituentNamespaces)
            {
                reached |= SymbolEqualityComparer.Default.Equals(constituent.ContainingAssembly, assembly);
            }

            var aliases = _compilation.GetMetadataReference(assembly)?.Properties.Aliases ?? ImmutableArray<string>.Empty;
            alias = _externAliases.GetOrAdd(assembly, reached || aliases.IsDefaultOrEmpty ? "" : aliases[0]);
        }

        return alias.Length == 0 ? null : alias;
    }

    /// <summary>
    /// The IDs of the diagnostics C# gives where generated code names <paramref name="symbol"/> and which the
    /// declaration, naming it, chose: an <c>[Experimental]</c> attribute's (an error unless suppressed), and an
    /// <c>[Obsolete]</c> warning's (its <c>DiagnosticId</c>, else CS0618 with a message and CS0612 without; not
    /// <c>error: true</c>'s CS0619, which nothing suppresses). On it or a property's getter, on the type around it, its
    /// module and assembly, and for a type also on its type arguments, an array's element and a pointer's target. Each
    /// symbol's own attributes are read once, the rest is the memo of the symbols it leads to.
    /// </summary>
    public ImmutableArray<string> SuppressedIds(ISymbol symbol)
    {
        if (_suppressedIds.TryGetValue(symbol, out var ids))
        {
            return ids;
        }

        var found = new SortedSet<string>(StringComparer.Ordinal);
        AddOwn(symbol);
        if (symbol is IPropertySymbol { GetMethod: { } getter })
        {
            AddOwn(getter);
        }

        IEnumerable<ISymbol?> around = symbol switch
        {
            // A type parameter is its own: its declaring type's arguments are type parameters again.
            IAssemblySymbol or ITypeParameterSymbol => Array.Empty<ISymbol>(),
            IModuleSymbol module => new[] { module.ContainingAssembly },
            IArrayTypeSymbol array => new[] { array.ElementType },
            IPointerTypeSymbol pointer => new[] { pointer.PointedAtType },
            IFunctionPointerTypeSymbol function => new[] { function.Signature.ReturnType }.Concat(function.Signature.Parameters.Select(static p => p.Type)),
            INamedTypeSymbol named => named.TypeArguments.Append<ISymbol?>(named.ContainingType ?? (ISymbol?)named.ContainingModule),
            _ => new[] { symbol.ContainingType ?? (ISymbol?)symbol.ContainingModule },
        };
        foreach (var next in around)
        {
            if (next is not null)
            {
                found.UnionWith(SuppressedIds(next));
            }
        }

        return _suppressedIds.GetOrAdd(symbol, found.ToImmutableArray());

        void AddOwn(ISymbol owner)
        {
            foreach (var attribute in owner.GetAttributes())
            {
                if (attribute.AttributeClass is { Name: "ExperimentalAttribute", ContainingNamespace: { Name: "CodeAnalysis", ContainingNamespace: { Name: "Diagnostics", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } } }
                    && attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is string id
                    && Microsoft.CodeAnalysis.CSharp.SyntaxFacts.IsValidIdentifier(id))   // C# refuses any other at the attribute itself
                {
                    found.Add(id);
                }
                else if (attribute.AttributeClass is { Name: "ObsoleteAttribute", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } }
                    && ObsoleteWarningId(attribute) is { } warning)
                {
                    found.Add(warning);
                }
            }
        }

        // Null for an error, and for an ID a #pragma cannot name.
        static string? ObsoleteWarningId(AttributeData obsolete)
        {
            if (obsolete.ConstructorArguments.Length == 2 && obsolete.ConstructorArguments[1].Value is true)
            {
                return null;
            }

            foreach (var named in obsolete.NamedArguments)
            {
                if (named.Key == "DiagnosticId" && named.Value.Value is string id)
                {
                    return Microsoft.CodeAnalysis.CSharp.SyntaxFacts.IsValidIdentifier(id) ? id : null;
                }
            }

            return obsolete.ConstructorArguments.Length > 0 && obsolete.ConstructorArguments[0].Value is string ? "CS0618" : "CS0612";
        }
    }

    /// <summary>
    /// Whether another member of <paramref name="container"/> (a type's member, a namespace's type or namespace) has
    /// <paramref name="name"/> but for case, or has it exactly and is a namespace where this is a type or the reverse
    /// (C# rejects that, CS0101, but both reach the generator): in a hint name, both read the same. The names that do are
    /// found once per container.
    /// </summary>
    public bool HasNameTwin(INamespaceOrTypeSymbol container, string name)
    {
        if (!_nameTwins.TryGetValue(container, out var twins))
        {
            var members = container.GetMembers();
            var builder = ImmutableHashSet.CreateBuilder<string>(StringComparer.Ordinal);
            var seen = new Dictionary<string, ISymbol>(StringComparer.OrdinalIgnoreCase);
            foreach (var member in members)
            {
                if (!seen.TryGetValue(member.Name, out var first))
                {
                    seen.Add(member.Name, member);
                }
                else if (first.Name != member.Name || first is INamespaceSymbol != member is INamespaceSymbol)
                {
                    builder.Add(first.Name);
                    builder.Add(member.Name);
                }
            }

            twins = _nameTwins.GetOrAdd(container, builder.ToImmutable());
        }

        return twins.Contains(name);
    }

    /// <summary>
    /// <c>LookupSymbols(position, container, name)</c> for a <paramref name="position"/> whose enclosing type is
    /// <paramref name="from"/> (null: none): with a container, what it finds depends on the position only through the
    /// type whose private and protected members may be seen from there.
    /// </summary>
    public ImmutableArray<ISymbol> LookUp(SemanticModel model, int position, INamedTypeSymbol? from, INamespaceOrTypeSymbol container, string name)
    {
        var key = new Lookup(from, container, name);
        if (!_lookups.TryGetValue(key, out var symbols))
        {
            symbols = _lookups.GetOrAdd(key, model.LookupSymbols(position, container, name));
        }

        return symbols;
    }

    private readonly struct Lookup(INamedTypeSymbol? from, INamespaceOrTypeSymbol container, string name) : IEquatable<Lookup>
    {
        private readonly INamedTypeSymbol? _from = from;
        private readonly INamespaceOrTypeSymbol _container = container;
        private readonly string _name = name;

        public bool Equals(Lookup other) =>
            SymbolEqualityComparer.Default.Equals(_from, other._from)
            && SymbolEqualityComparer.IncludeNullability.Equals(_container, other._container)
            && _name == other._name;

        public override bool Equals(object? obj) => obj is Lookup other && Equals(other);

        public override int GetHashCode() =>
            ((_from is null ? 0 : SymbolEqualityComparer.Default.GetHashCode(_from)) * 31 + SymbolEqualityComparer.IncludeNullability.GetHashCode(_container)) * 31
            + StringComparer.Ordinal.GetHashCode(_name);
    }
}

/// <summary>A type or namespace that only <paramref name="Alias"/> names (<c>Lib::Shop.Order</c>), never <c>global::</c>.</summary>
internal sealed record ExternName(string Alias, INamespaceOrTypeSymbol Symbol)
{
    public override string ToString() => Alias + "::" + Symbol.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat);
}
