using System;
using System.Collections.Immutable;
using System.Linq;
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
        // list has commas of its own, so a part that opens one runs on to the part that closes it (where none does, a
        // typo, the part stands alone and the rest of the list is still read).
        var parts = text.Split(new[] { ',' }, StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < parts.Length; i++)
        {
            var (part, last) = (parts[i], i);
            while (Depth(part) > 0 && last + 1 < parts.Length)
                part += "," + parts[++last];

            if (Depth(part) == 0)
                i = last;
            else
                part = parts[i];

            if (ConfiguredName.Parse(part) is { } name)
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
        string? id = null;   // the documentation ID, read only where one is configured
        return (Names(_enumerating), Names(_deferred)) switch
        {
            (true, true) => MethodRole.EnumeratingAndDeferred,
            (true, false) => MethodRole.Enumerating,
            (false, true) => MethodRole.Deferred,
            _ => MethodRole.Unknown,
        };

        bool Names(ImmutableArray<ConfiguredName> configured)
        {
            foreach (var entry in configured)
            {
                if (entry.IsDocumentationId
                        ? NameTheSameMember(entry.Text, id ??= DocumentationId(method), static (configured, own) =>
                            EndsWithName(configured.IndexOf('(') >= 0 ? own : WithoutParameters(own), configured))
                        : EndsWithName(qualified, entry.Text) || (type is not null && EndsWithName(type, entry.Text)))
                {
                    return true;
                }
            }

            return false;
        }

        static string DocumentationId(IMethodSymbol method) => method.OriginalDefinition.GetDocumentationCommentId() is { Length: > 2 } id ? id.Substring(2) : "";

        static string WithoutParameters(string id) => id.IndexOf('(') is var open and >= 0 ? id.Substring(0, open) : id;
    }

    /// <summary>
    /// Whether a documentation ID as configured (or a suppression's target) and a member's own ID name the same member,
    /// by <paramref name="same"/>: the compiler finds a member by its ID with the return type some forms end with
    /// (<c>M:N.C.M(System.Int32)~System.Int32</c>) or without it, so the return type counts only where both have one
    /// (a conversion operator's tells <c>op_Explicit(N.C)~System.Double</c> from <c>~System.Decimal</c>).
    /// </summary>
    internal static bool NameTheSameMember(string configured, string id, Func<string, string, bool> same) =>
        configured.IndexOf('~') > 0 && id.IndexOf('~') > 0 ? same(configured, id) : same(WithoutReturnType(configured), WithoutReturnType(id));

    internal static string WithoutReturnType(string id) => id.IndexOf('~') is var returnType and > 0 ? id.Substring(0, returnType) : id;

    private static string QualifiedName(IMethodSymbol method)
    {
        var name = method.MethodKind == MethodKind.Constructor ? method.ContainingType.Name : method.Name;
        for (ISymbol? container = method.ContainingType; container is INamedTypeSymbol or INamespaceSymbol { IsGlobalNamespace: false }; container = container.ContainingSymbol)
            name = container.Name + "." + name;
        return name;
    }

    /// <summary>Whether <paramref name="name"/> is <paramref name="qualified"/> or a dot-separated suffix of it.</summary>
    private static bool EndsWithName(string qualified, string name) =>
        qualified.Length == name.Length
            ? string.Equals(qualified, name, StringComparison.Ordinal)
            : qualified.Length > name.Length
              && qualified[qualified.Length - name.Length - 1] == '.'
              && qualified.EndsWith(name, StringComparison.Ordinal);

    /// <summary>
    /// One name of a list: a dotted name (<c>Shop.Seq.Drain</c>), or a documentation comment ID
    /// (<c>M:Shop.Seq`1.Drain``1(System.Int32)</c>, or <c>~M:...</c> as a suppression's target writes it), compared with
    /// the method's own ID, without its parameter list where the configured one has none (an ID without a list or
    /// arities is read as the dotted name it is). A constructor's ID
    /// (<c>M:Shop.Buffer.#ctor(...)</c>) reaches here as <c>M:Shop.Buffer.</c>, since .editorconfig starts a comment at
    /// <c>#</c>: that names the type's constructors, every overload.
    /// </summary>
    private sealed class ConfiguredName
    {
        private ConfiguredName(string text, bool isDocumentationId)
        {
            Text = text;
            IsDocumentationId = isDocumentationId;
        }

        /// <summary>The dotted name, or the documentation ID without its <c>M:</c> and without white space.</summary>
        public string Text { get; }

        public bool IsDocumentationId { get; }

        public static ConfiguredName? Parse(string text)
        {
            text = text.Trim();
            if (text.StartsWith("~", StringComparison.Ordinal))
                text = text.Substring(1);
            if (!text.StartsWith("M:", StringComparison.Ordinal))
                return text.Length == 0 ? null : new ConfiguredName(text, isDocumentationId: false);

            var id = new string(text.Substring(2).Where(static c => !char.IsWhiteSpace(c)).ToArray());
            if (id.EndsWith(".", StringComparison.Ordinal))
                id += "#ctor";

            // Without a parameter list or arities, an ID is a dotted name, and is read as one, return type and all
            // (M:Shop.Buffer.Buffer, M:Shop.Seq.Drain~System.Int32).
            var bare = WithoutReturnType(id);
            var isDotted = bare.IndexOfAny(new[] { '(', '`', '#' }) < 0;
            return id.Length == 0 ? null : new ConfiguredName(isDotted ? bare : id, isDocumentationId: !isDotted);
        }
    }
}
