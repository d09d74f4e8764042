using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace MultiAgg.Generators.Analyzers;

/// <summary>
/// Where a project has suppressed CA1851 (the .NET analyzer MAGG001 replaces), so that MAGG001 stays
/// quiet there too and moving from one to the other costs no second round of suppressions. Mirrors how
/// the compiler applies suppressions to a diagnostic:
/// <list type="bullet">
/// <item><c>#pragma warning disable CA1851</c> (or a bare <c>#pragma warning disable</c>) in effect at
/// the site, until a matching <c>#pragma warning restore</c>;</item>
/// <item><c>[SuppressMessage("...", "CA1851")]</c> or <c>[UnconditionalSuppressMessage]</c> (the ID may be
/// followed by <c>:title</c>) on any symbol containing the site: local function, member, property, type;</item>
/// <item>the same as an assembly or module attribute: without a target for the whole compilation
/// (scope <c>module</c> or none), else with <c>Target = "~M:..."</c> (a documentation comment ID) naming a
/// containing member or type (scope <c>member</c>, <c>type</c>), or a containing namespace with scope
/// <c>namespaceanddescendants</c> (scope <c>namespace</c> covers only the namespace itself, never code in its types).</item>
/// </list>
/// Safe to share between threads: one instance serves a compilation.
/// </summary>
internal sealed class Ca1851Suppressions
{
    private const string Id = "CA1851";

    private readonly Compilation _compilation;
    private readonly Lazy<GlobalSuppressions> _global;
    private readonly ConcurrentDictionary<SyntaxTree, ImmutableArray<(int Position, bool Disables)>> _pragmas = new();

    public Ca1851Suppressions(Compilation compilation)
    {
        _compilation = compilation;
        _global = new Lazy<GlobalSuppressions>(ReadGlobalSuppressions);
    }

    /// <summary>Whether CA1851 is suppressed at <paramref name="location"/>.</summary>
    public bool Covers(Location location, SemanticModel model)
    {
        if (location.SourceTree is not { } tree)
            return false;

        var global = _global.Value;
        return global.CompilationWide
               || IsPragmaDisabled(tree, location.SourceSpan.Start)
               || IsSuppressedOnContainingSymbol(model.GetEnclosingSymbol(location.SourceSpan.Start), global);
    }

    private bool IsPragmaDisabled(SyntaxTree tree, int position)
    {
        var directives = _pragmas.GetOrAdd(tree, ReadPragmas);
        var disabled = false;
        foreach (var (directivePosition, disables) in directives)
        {
            if (directivePosition >= position)
                break;
            disabled = disables;
        }

        return disabled;
    }

    /// <summary>The <c>#pragma warning</c> directives that affect CA1851, in file order.</summary>
    private static ImmutableArray<(int Position, bool Disables)> ReadPragmas(SyntaxTree tree)
    {
        var directives = ImmutableArray.CreateBuilder<(int, bool)>();
        if (tree.GetRoot() is not CSharpSyntaxNode root)
            return ImmutableArray<(int, bool)>.Empty;
        for (var directive = root.GetFirstDirective(); directive is not null; directive = directive.GetNextDirective())
        {
            if (directive is not PragmaWarningDirectiveTriviaSyntax pragma || !pragma.IsActive || !MentionsCa1851(pragma))
                continue;
            directives.Add((pragma.SpanStart, pragma.DisableOrRestoreKeyword.IsKind(SyntaxKind.DisableKeyword)));
        }

        return directives.ToImmutable();
    }

    private static bool MentionsCa1851(PragmaWarningDirectiveTriviaSyntax pragma)
    {
        // No list at all means every warning.
        if (pragma.ErrorCodes.Count == 0)
            return true;
        foreach (var code in pragma.ErrorCodes)
        {
            if (code is IdentifierNameSyntax { Identifier.ValueText: Id })
                return true;
        }

        return false;
    }

    private static bool IsSuppressedOnContainingSymbol(ISymbol? symbol, GlobalSuppressions global)
    {
        for (; symbol is not null; symbol = symbol.ContainingSymbol)
        {
            if (symbol is INamespaceSymbol ns)
            {
                return !ns.IsGlobalNamespace && global.Covers(ns);
            }

            if (HasSuppressMessage(symbol) || global.Covers(symbol))
                return true;

            // An accessor's site is inside its property or event too, and so is an initializer's, whose enclosing symbol
            // is the property's backing field.
            var associated = symbol switch
            {
                IMethodSymbol method => method.AssociatedSymbol,
                IFieldSymbol field => field.AssociatedSymbol,
                _ => null,
            };
            if (associated is not null && (HasSuppressMessage(associated) || global.Covers(associated)))
            {
                return true;
            }
        }

        return false;
    }

    private static bool HasSuppressMessage(ISymbol symbol)
    {
        foreach (var attribute in symbol.GetAttributes())
        {
            if (Decode(attribute) is not null)
                return true;
        }

        return false;
    }

    /// <summary>A <c>SuppressMessage</c> for CA1851: its scope and target (both may be null); null for any other attribute.</summary>
    private static (string? Scope, string? Target)? Decode(AttributeData attribute)
    {
        if (attribute.AttributeClass is not { Name: "SuppressMessageAttribute" or "UnconditionalSuppressMessageAttribute" } type
            || !SequenceFacts.IsIn(type.ContainingNamespace, "System", "Diagnostics", "CodeAnalysis")
            || attribute.ConstructorArguments.Length < 2
            || attribute.ConstructorArguments[1].Value is not string checkId)
        {
            return null;
        }

        // "CA1851:Possible multiple enumerations of 'IEnumerable' collection": the title is optional.
        var separator = checkId.IndexOf(':');
        if ((separator < 0 ? checkId : checkId.Substring(0, separator)) != Id)
            return null;

        string? scope = null, target = null;
        foreach (var argument in attribute.NamedArguments)
        {
            if (argument.Key == "Scope")
                scope = argument.Value.Value as string;
            else if (argument.Key == "Target")
                target = argument.Value.Value as string;
        }

        return (scope, target);
    }

    private GlobalSuppressions ReadGlobalSuppressions()
    {
        var global = new GlobalSuppressions();
        Read(_compilation.Assembly.GetAttributes());
        foreach (var module in _compilation.Assembly.Modules)
            Read(module.GetAttributes());
        return global;

        void Read(ImmutableArray<AttributeData> attributes)
        {
            foreach (var attribute in attributes)
            {
                if (Decode(attribute) is not { } decoded)
                    continue;

                var (scope, target) = decoded;
                switch (scope?.ToLowerInvariant() ?? "")
                {
                    case "" or "module" when target is null:
                        global.CompilationWide = true;
                        break;
                    case "member" or "type" or "namespace" when target is not null:
                        global.AddTarget(Normalize(target));
                        break;
                    case "namespaceanddescendants" when target is not null:
                        global.NamespacesAndDescendants.Add(Normalize(target));
                        break;
                }
            }
        }
    }

    /// <summary>"~M:N.C.M(System.Int32)" and "M:N.C.M(System.Int32)" name the same member.</summary>
    private static string Normalize(string target) => target.StartsWith("~", StringComparison.Ordinal) ? target.Substring(1) : target;

    private sealed class GlobalSuppressions
    {
        public bool CompilationWide { get; set; }

        /// <summary>Documentation comment IDs of members and types whose whole declaration is suppressed.</summary>
        public HashSet<string> Targets { get; } = new(StringComparer.Ordinal);

        /// <summary>The targets written with a return type, without it: they name a member whose own ID has none.</summary>
        private HashSet<string> TypedTargetsWithoutTheirReturnType { get; } = new(StringComparer.Ordinal);

        public void AddTarget(string target)
        {
            Targets.Add(target);
            if (MultipleEnumerationOptions.WithoutReturnType(target) is var bare && bare != target)
                TypedTargetsWithoutTheirReturnType.Add(bare);
        }

        /// <summary>Documentation comment IDs of namespaces suppressed with everything in them.</summary>
        public HashSet<string> NamespacesAndDescendants { get; } = new(StringComparer.Ordinal);

        public bool Covers(ISymbol symbol)
        {
            if (symbol is INamespaceSymbol)
            {
                for (var ns = symbol as INamespaceSymbol; ns is { IsGlobalNamespace: false }; ns = ns.ContainingNamespace)
                {
                    if (NamespacesAndDescendants.Count > 0 && DocumentationCommentId.CreateDeclarationId(ns) is { } nsId && NamespacesAndDescendants.Contains(nsId))
                        return true;
                }

                return false;
            }

            // Lambdas and local functions have no documentation comment ID.
            if (Targets.Count == 0 || symbol is IMethodSymbol { MethodKind: MethodKind.LocalFunction or MethodKind.AnonymousFunction })
                return false;
            // The return type counts only where both have one (MultipleEnumerationOptions.NameTheSameMember): a target
            // written without it names the member with any, and one written with it the member whose ID has none.
            if (DocumentationCommentId.CreateDeclarationId(symbol) is not { } id)
                return false;
            var bare = MultipleEnumerationOptions.WithoutReturnType(id);
            return Targets.Contains(id) || (bare != id ? Targets.Contains(bare) : TypedTargetsWithoutTheirReturnType.Contains(id));
        }
    }
}
