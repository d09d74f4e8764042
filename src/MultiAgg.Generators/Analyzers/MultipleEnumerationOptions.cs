using System;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace MultiAgg.Generators.Analyzers;

/// <summary>
/// The <c>.editorconfig</c> settings of MAGG001/MAGG002 (see docs/rules/MAGG001.md):
/// <code>
/// multiagg.enumerating_methods = MyCompany.Sequences.Drain, Materialize
/// multiagg.deferred_methods = MyCompany.Sequences.Batch
/// multiagg.assume_unknown_methods_enumerate = false
/// </code>
/// A method is named by its name alone, <c>Type.Method</c>, or <c>Namespace.Type.Method</c>.
/// </summary>
internal sealed class MultipleEnumerationOptions
{
    public const string EnumeratingMethodsKey = "multiagg.enumerating_methods";
    public const string DeferredMethodsKey = "multiagg.deferred_methods";
    public const string AssumeUnknownMethodsEnumerateKey = "multiagg.assume_unknown_methods_enumerate";

    public static readonly MultipleEnumerationOptions Default = new(ImmutableArray<string>.Empty, ImmutableArray<string>.Empty, false);

    private readonly ImmutableArray<string> _enumerating;
    private readonly ImmutableArray<string> _deferred;

    private MultipleEnumerationOptions(ImmutableArray<string> enumerating, ImmutableArray<string> deferred, bool assumeUnknownMethodsEnumerate)
    {
        _enumerating = enumerating;
        _deferred = deferred;
        AssumeUnknownMethodsEnumerate = assumeUnknownMethodsEnumerate;
    }

    /// <summary>Whether a method nothing is known about counts as enumerating the sequences passed to it.</summary>
    public bool AssumeUnknownMethodsEnumerate { get; }

    public static MultipleEnumerationOptions Read(AnalyzerConfigOptions options)
    {
        var enumerating = List(options, EnumeratingMethodsKey);
        var deferred = List(options, DeferredMethodsKey);
        var assume = options.TryGetValue(AssumeUnknownMethodsEnumerateKey, out var text)
                     && bool.TryParse(text.Trim(), out var value) && value;
        return enumerating.IsEmpty && deferred.IsEmpty && !assume
            ? Default
            : new MultipleEnumerationOptions(enumerating, deferred, assume);
    }

    private static ImmutableArray<string> List(AnalyzerConfigOptions options, string key)
    {
        if (!options.TryGetValue(key, out var text))
            return ImmutableArray<string>.Empty;

        var names = ImmutableArray.CreateBuilder<string>();
        // Comma-separated: .editorconfig ends a value at its first ';' or '#', a comment.
        foreach (var part in text.Split(new[] { ',' }, StringSplitOptions.RemoveEmptyEntries))
        {
            var name = part.Trim();
            if (name.StartsWith("M:", StringComparison.Ordinal))
                name = name.Substring(2);
            if (name.Length > 0)
                names.Add(name);
        }

        return names.ToImmutable();
    }

    /// <summary>The role configured for <paramref name="method"/>, or <see cref="MethodRole.Unknown"/>.</summary>
    public MethodRole Classify(IMethodSymbol method)
    {
        if (_deferred.IsEmpty && _enumerating.IsEmpty)
            return MethodRole.Unknown;

        // A constructor by its type's name too (Shop.Buffer for new Shop.Buffer(xs)), as well as by Buffer.Buffer.
        var qualified = QualifiedName(method);
        var type = method.MethodKind == MethodKind.Constructor ? qualified.Substring(0, qualified.LastIndexOf('.')) : null;
        return (Names(_enumerating), Names(_deferred)) switch
        {
            (true, true) => MethodRole.EnumeratingAndDeferred,
            (true, false) => MethodRole.Enumerating,
            (false, true) => MethodRole.Deferred,
            _ => MethodRole.Unknown,
        };

        bool Names(ImmutableArray<string> configured) => Matches(configured, qualified) || (type is not null && Matches(configured, type));
    }

    private static string QualifiedName(IMethodSymbol method)
    {
        var name = method.MethodKind == MethodKind.Constructor ? method.ContainingType.Name : method.Name;
        for (ISymbol? container = method.ContainingType; container is INamedTypeSymbol or INamespaceSymbol { IsGlobalNamespace: false }; container = container.ContainingSymbol)
            name = container.Name + "." + name;
        return name;
    }

    /// <summary>A configured name matches when it is the qualified name or a dot-separated suffix of it.</summary>
    private static bool Matches(ImmutableArray<string> configured, string qualified)
    {
        foreach (var name in configured)
        {
            if (qualified.Length == name.Length
                    ? string.Equals(qualified, name, StringComparison.Ordinal)
                    : qualified.Length > name.Length
                      && qualified[qualified.Length - name.Length - 1] == '.'
                      && qualified.EndsWith(name, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
