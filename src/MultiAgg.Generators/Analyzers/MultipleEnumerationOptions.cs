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
/// A method is named by its name alone, <c>Type.Method</c>, or <c>Namespace.Type.Method</c>, or by its documentation
/// comment ID (<c>M:Namespace.Type.Method(System.Int32)</c>), which names one overload.
/// </summary>
internal sealed class MultipleEnumerationOptions
{
    public const string EnumeratingMethodsKey = "multiagg.enumerating_methods";
    public const string DeferredMethodsKey = "multiagg.deferred_methods";
    public const string AssumeUnknownMethodsEnumerateKey = "multiagg.assume_unknown_methods_enumerate";

    public static readonly MultipleEnumerationOptions Default = new(ImmutableArray<ConfiguredName>.Empty, ImmutableArray<ConfiguredName>.Empty, false);

    private readonly ImmutableArray<ConfiguredName> _enumerating;
    private readonly ImmutableArray<ConfiguredName> _deferred;

    private MultipleEnumerationOptions(ImmutableArray<ConfiguredName> enumerating, ImmutableArray<ConfiguredName> deferred, bool assumeUnknownMethodsEnumerate)
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

    private static ImmutableArray<ConfiguredName> List(AnalyzerConfigOptions options, string key)
    {
        if (!options.TryGetValue(key, out var text))
            return ImmutableArray<ConfiguredName>.Empty;

        var names = ImmutableArray.CreateBuilder<ConfiguredName>();
        // Comma-separated: .editorconfig ends a value at its first ';' or '#', a comment. A documentation ID's parameter
        // list has commas of its own, so a part that opens one runs on to the part that closes it.
        var parts = text.Split(new[] { ',' }, StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i];
            while (Depth(part) > 0 && i + 1 < parts.Length)
                part += "," + parts[++i];

            if (ConfiguredName.Parse(part.Trim()) is { } name)
                names.Add(name);
        }

        return names.ToImmutable();

        // How many of the brackets a documentation ID's parameter list opens ('(' and '{') are still open.
        static int Depth(string text)
        {
            var depth = 0;
            foreach (var c in text)
                depth += c is '(' or '{' ? 1 : c is ')' or '}' ? -1 : 0;
            return depth;
        }
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

        bool Names(ImmutableArray<ConfiguredName> configured) => Matches(configured, method, qualified) || (type is not null && Matches(configured, method, type));
    }

    private static string QualifiedName(IMethodSymbol method)
    {
        var name = method.MethodKind == MethodKind.Constructor ? method.ContainingType.Name : method.Name;
        for (ISymbol? container = method.ContainingType; container is INamedTypeSymbol or INamespaceSymbol { IsGlobalNamespace: false }; container = container.ContainingSymbol)
            name = container.Name + "." + name;
        return name;
    }

    /// <summary>
    /// A configured name matches when it is the qualified name or a dot-separated suffix of it, and, where it gives a
    /// parameter list, when that is the method's own, as its documentation comment ID writes it.
    /// </summary>
    private static bool Matches(ImmutableArray<ConfiguredName> configured, IMethodSymbol method, string qualified)
    {
        foreach (var entry in configured)
        {
            var name = entry.Name;
            if ((qualified.Length == name.Length
                    ? string.Equals(qualified, name, StringComparison.Ordinal)
                    : qualified.Length > name.Length
                      && qualified[qualified.Length - name.Length - 1] == '.'
                      && qualified.EndsWith(name, StringComparison.Ordinal))
                && (entry.Parameters is null || entry.Parameters == Parameters(method)))
            {
                return true;
            }
        }

        return false;

        // "(System.Int32,``0)" of "M:Shop.Seq.Drain``1(System.Int32,``0)"; "" for a method without parameters.
        static string Parameters(IMethodSymbol method)
        {
            var id = method.OriginalDefinition.GetDocumentationCommentId() ?? "";
            var open = id.IndexOf('(');
            return open < 0 ? "" : id.Substring(open);
        }
    }

    /// <summary>
    /// One name of a list: a dotted name, and the parameter list when a documentation ID gives one. A documentation ID
    /// (<c>M:Shop.Seq`1.Drain``1(System.Int32)</c>) is read as the dotted name it writes, without its <c>M:</c> prefix
    /// and generic arities. A constructor's (<c>M:Shop.Buffer.#ctor(...)</c>) reaches here as <c>M:Shop.Buffer.</c>,
    /// since .editorconfig starts a comment at <c>#</c>: that names the type, so its constructors, every overload.
    /// </summary>
    private sealed class ConfiguredName
    {
        private ConfiguredName(string name, string? parameters)
        {
            Name = name;
            Parameters = parameters;
        }

        public string Name { get; }

        /// <summary>The parameter list as a documentation ID writes it (<c>""</c> for none), or null for any overload.</summary>
        public string? Parameters { get; }

        public static ConfiguredName? Parse(string text)
        {
            if (!text.StartsWith("M:", StringComparison.Ordinal))
                return text.Length == 0 ? null : new ConfiguredName(text, null);

            var id = text.Substring(2);
            var open = id.IndexOf('(');
            var name = open < 0 ? id : id.Substring(0, open);
            var dotted = new System.Text.StringBuilder();
            foreach (var segment in name.Split('.'))
            {
                var arity = segment.IndexOf('`');
                var plain = arity < 0 ? segment : segment.Substring(0, arity);
                if (plain.Length == 0)
                    continue;
                if (dotted.Length > 0)
                    dotted.Append('.');
                dotted.Append(plain);
            }

            // Without a parameter list, every overload: the one without parameters takes no sequence to read.
            var parameters = open >= 0 ? id.Substring(open).Replace(" ", "") : null;
            return dotted.Length == 0 ? null : new ConfiguredName(dotted.ToString(), parameters);
        }
    }
}
