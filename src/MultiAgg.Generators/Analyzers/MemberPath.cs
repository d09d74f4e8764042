using System;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace MultiAgg.Generators.Analyzers;

/// <summary>
/// A value reached from <c>this</c>, a static member, a local or a parameter through fields, properties
/// and parameterless instance methods: <c>_languages</c>, <c>_db.Products</c>, <c>Repository.Table</c>,
/// <c>db.Set&lt;Order&gt;()</c>. Every read of such a path reads the same query (a repository's table, a
/// context's set), so, unlike the result of an arbitrary call, its executions are one query's, until
/// something on the path is written (<see cref="StartsWith"/>).
/// </summary>
internal sealed class MemberPath : IEquatable<MemberPath>
{
    // Deeper chains are not worth the walk: real code reads a set through two or three members.
    private const int MaxLength = 8;

    private MemberPath(ISymbol? variable, ImmutableArray<ISymbol> members)
    {
        Variable = variable;
        Members = members;
    }

    /// <summary>The local or parameter the path starts from; null when it starts from <c>this</c> or a static member.</summary>
    public ISymbol? Variable { get; }

    /// <summary>The members read, outermost first.</summary>
    public ImmutableArray<ISymbol> Members { get; }

    /// <summary>
    /// The path <paramref name="operation"/> reads, or null when it reads anything else (an indexer, a call
    /// with arguments, an element of a collection...). A bare local or parameter is a path of no members.
    /// </summary>
    public static MemberPath? Of(IOperation? operation)
    {
        var members = ImmutableArray.CreateBuilder<ISymbol>();
        for (var depth = 0; operation is not null && depth <= MaxLength; depth++)
        {
            switch (operation)
            {
                case IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance }:
                    return Create(null, members);
                case ILocalReferenceOperation local:
                    return Create(local.Local, members);
                case IParameterReferenceOperation parameter:
                    return Create(parameter.Parameter, members);
                case IFieldReferenceOperation field:
                    members.Add(field.Field);
                    if (field.Field.IsStatic)
                        return Create(null, members);
                    operation = field.Instance;
                    break;
                case IPropertyReferenceOperation property when property.Arguments.IsEmpty:
                    members.Add(property.Property);
                    if (property.Property.IsStatic)
                        return Create(null, members);
                    operation = property.Instance;
                    break;
                case IInvocationOperation invocation when invocation.Arguments.IsEmpty && !invocation.TargetMethod.IsStatic && !invocation.TargetMethod.ReturnsVoid:
                    members.Add(invocation.TargetMethod);
                    operation = invocation.Instance;
                    break;
                default:
                    return null;
            }
        }

        return null;

        static MemberPath Create(ISymbol? variable, ImmutableArray<ISymbol>.Builder members)
        {
            members.Reverse();
            return new MemberPath(variable, members.ToImmutable());
        }
    }

    /// <summary>The path of a local or parameter itself, with no members: writing it changes every path from it.</summary>
    public static MemberPath Of(ISymbol variable) => new(variable, ImmutableArray<ISymbol>.Empty);

    /// <summary>The path without its last member: what that member is read from.</summary>
    public MemberPath Owner => new(Variable, Members.IsEmpty ? Members : Members.RemoveAt(Members.Length - 1));

    /// <summary>Whether writing <paramref name="prefix"/> changes what this path reads (it is this path or leads to it).</summary>
    public bool StartsWith(MemberPath prefix)
    {
        if (!SymbolEqualityComparer.Default.Equals(Variable, prefix.Variable) || prefix.Members.Length > Members.Length)
            return false;
        for (var i = 0; i < prefix.Members.Length; i++)
        {
            if (!SymbolEqualityComparer.Default.Equals(Members[i], prefix.Members[i]))
                return false;
        }

        return true;
    }

    public bool Equals(MemberPath? other) => other is not null && other.Members.Length == Members.Length && StartsWith(other);

    public override bool Equals(object? obj) => Equals(obj as MemberPath);

    public override int GetHashCode()
    {
        var hash = Variable is null ? 17 : SymbolEqualityComparer.Default.GetHashCode(Variable);
        foreach (var member in Members)
            hash = unchecked((hash * 31) + SymbolEqualityComparer.Default.GetHashCode(member));
        return hash;
    }
}
