using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace MultiAgg.Generators;

public sealed partial class AggregateGenerator
{
    internal sealed partial class Parser
    {
        /// <summary>
        /// What carries the [Aggregate] attributes, as the steps that read them (attributes, members, results, keys) see
        /// it: a partial method, or an accumulator type.
        /// </summary>
        /// <param name="Description">How messages name it: <c>Method 'Summarize'</c>, <c>Accumulator type 'OrderStats'</c>.</param>
        /// <param name="Owner">The type whose methods <c>Of</c>/<c>Where</c>/the key may name, and from which accessibility is judged.</param>
        /// <param name="Position">Where names are looked up: inside <paramref name="Owner"/>, so its private members are seen.</param>
        /// <param name="NameLocation">Where a diagnostic without a better place goes.</param>
        /// <param name="ExtraParameters">Parameters in scope for <c>Of</c>/<c>Where</c> methods: a method's after its source; none for a type.</param>
        /// <param name="InstanceAccess">Whether <c>Of</c>/<c>Where</c> may name instance methods of <paramref name="Owner"/> (readonly ones only when <paramref name="ReadOnlyAccess"/>).</param>
        /// <param name="RecordTypeName">The per-key record [GroupBy] declares beside the generated code.</param>
        private sealed record Declaration(
            string Description,
            string Name,
            INamedTypeSymbol Owner,
            int Position,
            Location NameLocation,
            ImmutableArray<IParameterSymbol> ExtraParameters,
            bool InstanceAccess,
            bool ReadOnlyAccess,
            string RecordTypeName,
            bool IsType)
        {
            public static Declaration ForMethod(IMethodSymbol method, MethodDeclarationSyntax syntax) => new(
                $"Method '{method.Name}'",
                method.Name,
                method.ContainingType,
                syntax.ReturnType.SpanStart,
                syntax.Identifier.GetLocation(),
                method.Parameters.Skip(1).ToImmutableArray(),
                InstanceAccess: !method.IsStatic,
                ReadOnlyAccess: method.IsReadOnly,
                NestedTypeName(method, "Group"),
                IsType: false);

            /// <summary>
            /// An accumulator type: its static methods only, looked up from inside its body, or for a part written with a
            /// ';' body (no braces, so no inside), from its ';', where its members are in scope too.
            /// </summary>
            public static Declaration ForType(INamedTypeSymbol type, TypeDeclarationSyntax syntax) => new(
                $"Accumulator type '{type.Name}'",
                type.Name,
                type,
                syntax.OpenBraceToken.IsKind(SyntaxKind.OpenBraceToken) && !syntax.OpenBraceToken.IsMissing ? syntax.OpenBraceToken.Span.End
                    : syntax.SemicolonToken.IsKind(SyntaxKind.SemicolonToken) ? syntax.SemicolonToken.SpanStart
                    : syntax.Identifier.SpanStart,
                syntax.Identifier.GetLocation(),
                ImmutableArray<IParameterSymbol>.Empty,
                InstanceAccess: false,
                ReadOnlyAccess: false,
                UnclaimedTypeName(type, type.Name + "_Group"),
                IsType: true);
        }
    }
}
