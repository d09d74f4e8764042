using System;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;

namespace MultiAgg.Generators.Parsing;

/// <summary>
/// What the parser works out once per compilation though most methods ask for it again: the text generated code
/// writes a type with, and the members a name finds on an element type. Roslyn builds both anew on every call
/// (<c>ToDisplayString</c> its display parts, <c>LookupSymbols</c> a binder's lookup), and in a project of many
/// <c>[Aggregate]</c> methods the same few types and member names come back in each. Types are compared with their
/// nullability and tuple element names, which both the text and the members' types carry.
/// </summary>
internal sealed class CompilationMemo
{
    private static readonly ConditionalWeakTable<Compilation, CompilationMemo> Memos = new();

    private readonly ConcurrentDictionary<ITypeSymbol, string> _typeNames = new(SymbolEqualityComparer.IncludeNullability);

    private readonly ConcurrentDictionary<MemberLookup, ImmutableArray<ISymbol>> _members = new();

    public static CompilationMemo For(Compilation compilation) => Memos.GetValue(compilation, static _ => new CompilationMemo());

    /// <summary>The text of <paramref name="type"/>, written by <paramref name="write"/> the first time it is asked for.</summary>
    public string TypeName(ITypeSymbol type, Func<ITypeSymbol, string> write)
    {
        if (!_typeNames.TryGetValue(type, out var name))
        {
            name = _typeNames.GetOrAdd(type, write(type));
        }

        return name;
    }

    /// <summary>
    /// The members <paramref name="name"/> finds on <paramref name="type"/> as seen from inside <paramref name="from"/>,
    /// looked up by <paramref name="lookUp"/> the first time they are asked for.
    /// </summary>
    public ImmutableArray<ISymbol> Members(ITypeSymbol type, string name, INamedTypeSymbol from, Func<ImmutableArray<ISymbol>> lookUp)
    {
        var key = new MemberLookup(type, name, from);
        if (!_members.TryGetValue(key, out var members))
        {
            members = _members.GetOrAdd(key, lookUp());
        }

        return members;
    }

    private readonly struct MemberLookup(ITypeSymbol type, string name, INamedTypeSymbol from) : IEquatable<MemberLookup>
    {
        private readonly ITypeSymbol _type = type;
        private readonly string _name = name;
        private readonly INamedTypeSymbol _from = from;

        public bool Equals(MemberLookup other) =>
            SymbolEqualityComparer.IncludeNullability.Equals(_type, other._type)
            && _name == other._name
            && SymbolEqualityComparer.Default.Equals(_from, other._from);

        public override bool Equals(object? obj) => obj is MemberLookup other && Equals(other);

        public override int GetHashCode() =>
            (SymbolEqualityComparer.IncludeNullability.GetHashCode(_type) * 31 + StringComparer.Ordinal.GetHashCode(_name)) * 31
            + SymbolEqualityComparer.Default.GetHashCode(_from);
    }
}
