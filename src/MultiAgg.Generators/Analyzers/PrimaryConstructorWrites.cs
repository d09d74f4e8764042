using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace MultiAgg.Generators.Analyzers;

/// <summary>
/// The sequence parameters of a type's primary constructor that some member of the type assigns, found once per type
/// and compilation. Such a parameter is a variable every member shares: a call of one of the type's methods on
/// <c>this</c> may give it a new sequence (see the walker's <c>RebindReassignedByCall</c>).
/// </summary>
internal sealed class PrimaryConstructorWrites
{
    private readonly ConcurrentDictionary<INamedTypeSymbol, ImmutableArray<IParameterSymbol>> _byType = new(SymbolEqualityComparer.Default);

    /// <summary>Asked at every call on <c>this</c>: a type met before costs a lookup, with no delegate made.</summary>
    public ImmutableArray<IParameterSymbol> ReassignedIn(INamedTypeSymbol type, CancellationToken cancellationToken) =>
        _byType.TryGetValue(type, out var found) ? found : _byType.GetOrAdd(type, Find(type, cancellationToken));

    /// <summary>
    /// A record's members read its positional parameters' properties, never the parameters: none. Otherwise the
    /// parameters that an assignment (a deconstruction's included) or a <c>ref</c> or <c>out</c> argument in the type's
    /// declarations writes, by name: a local of the same name in another member counts too, which only forgets more.
    /// </summary>
    private static ImmutableArray<IParameterSymbol> Find(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        if (type.IsRecord)
            return ImmutableArray<IParameterSymbol>.Empty;

        var declarations = type.DeclaringSyntaxReferences.Select(reference => reference.GetSyntax(cancellationToken)).OfType<TypeDeclarationSyntax>().ToList();
        var primary = declarations.Any(static declaration => declaration.ParameterList is not null)
            ? type.InstanceConstructors.FirstOrDefault(constructor => constructor.DeclaringSyntaxReferences.Any(reference => reference.GetSyntax(cancellationToken) is TypeDeclarationSyntax))
            : null;
        var sequences = primary?.Parameters.Where(static parameter => SequenceFacts.KindOf(parameter.Type) != SequenceKind.None).ToList();
        if (sequences is not { Count: > 0 })
            return ImmutableArray<IParameterSymbol>.Empty;

        var written = new HashSet<string>();
        foreach (var node in declarations.SelectMany(static declaration => declaration.DescendantNodes()))
        {
            var targets = node switch
            {
                AssignmentExpressionSyntax { Left: TupleExpressionSyntax tuple } => tuple.Arguments.Select(static argument => argument.Expression),
                AssignmentExpressionSyntax assignment => new[] { assignment.Left },
                ArgumentSyntax { RefKindKeyword.ValueText: "ref" or "out" } argument => new[] { argument.Expression },
                _ => Enumerable.Empty<ExpressionSyntax>(),
            };
            foreach (var name in targets.OfType<IdentifierNameSyntax>())
                written.Add(name.Identifier.ValueText);
        }

        return sequences.Where(parameter => written.Contains(parameter.Name)).ToImmutableArray();
    }
}
