using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using MultiAgg.Generators.Diagnostics;
using MultiAgg.Generators.Specs;

namespace MultiAgg.Generators;

public sealed partial class AggregateGenerator
{
    /// <summary>The [Aggregate] attributes: their aggregates, and their Of and Where names resolved to values.</summary>
    internal sealed partial class Parser
    {
        /// <summary>One [Aggregate] attribute as written: what it reads, its filter, and its aggregates with where each is written.</summary>
        private sealed record AttributeInput(string Description, ResolvedValue Value, string? Filter, bool AllowReordering, List<(AggregateKind Kind, SyntaxNode? Syntax)> Aggregates, ITypeSymbol? Accumulator = null);

        /// <summary>
        /// An attribute that did not bind often names an aggregate the <c>using static MultiAgg.Agg</c> import cannot
        /// supply: a member of the containing type called <c>Count</c> hides it (the compiler then says CS1503 about a
        /// method group), or the import is missing (CS0103). Say what to write instead, at the name.
        /// </summary>
        private void ReportUnboundAggregateNames(ImmutableArray<AttributeData> attributes)
        {
            if (_knownTypes.Agg is not { } agg)
            {
                return;
            }

            foreach (var attribute in attributes.Where(static a => a.AttributeConstructor is null))
            {
                var arguments = AttributeSyntax(attribute)?.ArgumentList?.Arguments.Where(static a => a.NameEquals is null) ?? Enumerable.Empty<AttributeArgumentSyntax>();
                foreach (var name in arguments.Select(static a => a.Expression).OfType<IdentifierNameSyntax>())
                {
                    var text = name.Identifier.ValueText;
                    if (agg.GetMembers(text).FirstOrDefault() is not IFieldSymbol member)
                    {
                        continue;
                    }

                    // An accumulator type's parts may carry attributes in other files than the one parsed.
                    var model = ModelOf(name.SyntaxTree);
                    var bound = model.GetSymbolInfo(name, _cancellationToken);
                    if (SymbolEqualityComparer.Default.Equals(bound.Symbol, member))
                    {
                        continue;
                    }

                    var hidden = bound.Symbol ?? bound.CandidateSymbols.FirstOrDefault();
                    var why = hidden is null
                        ? "nothing named so is in scope (is 'using static MultiAgg.Agg;' missing?)"
                        : $"it binds to {hidden.Kind.ToString().ToLowerInvariant()} '{hidden.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat)}', which hides the 'using static MultiAgg.Agg' import";
                    Report(DiagnosticDescriptors.AggregateNameNotBound, name.GetLocation(), text, why);
                }
            }
        }

        /// <summary>The expressions that give an attribute argument's values: through parentheses, casts, ?: and arrays.</summary>
        private static IEnumerable<ExpressionSyntax> ValuesOf(ExpressionSyntax expression) => expression switch
        {
            ParenthesizedExpressionSyntax parenthesized => ValuesOf(parenthesized.Expression),
            CastExpressionSyntax cast => ValuesOf(cast.Expression),
            ConditionalExpressionSyntax conditional => ValuesOf(conditional.WhenTrue).Concat(ValuesOf(conditional.WhenFalse)),
            ArrayCreationExpressionSyntax { Initializer: { } initializer } => initializer.Expressions.SelectMany(ValuesOf),
            ImplicitArrayCreationExpressionSyntax array => array.Initializer.Expressions.SelectMany(ValuesOf),
            CollectionExpressionSyntax collection => collection.Elements.OfType<ExpressionElementSyntax>().SelectMany(static element => ValuesOf(element.Expression)),
            _ => new[] { expression },
        };

        /// <summary>
        /// What was written for each of the <c>params Agg[]</c> values: the arguments, or the elements of the one array (or
        /// collection expression) written in their place, so that a diagnostic points at the value it is about.
        /// </summary>
        private static IReadOnlyList<SyntaxNode> WrittenValues(List<AttributeArgumentSyntax> positional) =>
            positional.Count != 1 ? positional : positional[0].Expression switch
            {
                ArrayCreationExpressionSyntax { Initializer: { } initializer } => initializer.Expressions,
                ImplicitArrayCreationExpressionSyntax array => array.Initializer.Expressions,
                CollectionExpressionSyntax collection when collection.Elements.All(static e => e is ExpressionElementSyntax) =>
                    collection.Elements.Select(static e => (SyntaxNode)((ExpressionElementSyntax)e).Expression).ToList(),
                _ => positional,
            };

        private List<AttributeInput> ParseAttributes(ImmutableArray<AttributeData> attributes, ITypeSymbol elementType)
        {
            var inputs = new List<AttributeInput>();
            // In source order: by file, in the compilation's order (which orders a partial type's parts), then by position. A
            // position alone would interleave the attributes of parts in two files, and so the results they fill.
            var trees = attributes.Select(static a => a.ApplicationSyntaxReference?.SyntaxTree).Distinct().Count() > 1
                ? _compilation.SyntaxTrees.Select(static (tree, i) => (tree, i)).ToDictionary(static p => p.tree, static p => p.i)
                : null;
            foreach (var attribute in attributes
                .OrderBy(a => trees is not null && a.ApplicationSyntaxReference is { } reference && trees.TryGetValue(reference.SyntaxTree, out var index) ? index : -1)
                .ThenBy(static a => a.ApplicationSyntaxReference?.Span.Start ?? 0))
            {
                _cancellationToken.ThrowIfCancellationRequested();
                var attributeSyntax = AttributeSyntax(attribute);
                var positional = attributeSyntax?.ArgumentList?.Arguments.Where(static a => a.NameEquals is null).ToList() ?? new List<AttributeArgumentSyntax>();

                if (attribute.ConstructorArguments.Length != 1
                    || attribute.ConstructorArguments[0].Kind is not (TypedConstantKind.Array or TypedConstantKind.Type))
                {
                    // Only the params Agg[] and Type constructors exist; anything else did not bind.
                    continue;
                }

                var accumulator = attribute.ConstructorArguments[0].Kind == TypedConstantKind.Type
                    ? attribute.ConstructorArguments[0].Value as ITypeSymbol
                    : null;
                if (attribute.ConstructorArguments[0].Kind == TypedConstantKind.Type && accumulator is null)
                {
                    // A null Type, (Type)null, compiles; an error type is the compiler's to report.
                    if (attribute.ConstructorArguments[0].IsNull)
                    {
                        Report(DiagnosticDescriptors.InvalidAccumulator, (positional.Count == 1 ? positional[0] : (SyntaxNode?)attributeSyntax)?.GetLocation() ?? _declaration!.NameLocation,
                            "null", "name the accumulator type with typeof(...)");
                    }

                    continue;
                }

                var values = accumulator is not null || attribute.ConstructorArguments[0].IsNull
                    ? ImmutableArray<TypedConstant>.Empty
                    : attribute.ConstructorArguments[0].Values;
                if (values.Length == 0 && accumulator is null)
                {
                    Report(DiagnosticDescriptors.NoAggregates, attributeSyntax?.GetLocation() ?? _declaration!.NameLocation);
                    continue;
                }

                // Agg is no flags enum: Count | Sum is Sum and Sum | Max is MinBy, which no one writing the operator meant. An
                // operator gives a value in an argument of its own, an array's element, a cast or a branch of ?: (whose
                // condition is no value).
                var combinations = positional
                    .SelectMany(static argument => ValuesOf(argument.Expression))
                    .OfType<BinaryExpressionSyntax>()
                    .ToList();
                foreach (var combination in combinations)
                {
                    Report(DiagnosticDescriptors.UnknownAggregate, combination.GetLocation(), combination.ToString(),
                        "; Agg is not a flags enum: list each aggregate as an argument of its own, such as [Aggregate(Count, Sum)]");
                }

                if (combinations.Count > 0)
                {
                    continue;
                }

                var aggregates = new List<(AggregateKind, SyntaxNode?)>();
                if (accumulator is not null)
                {
                    aggregates.Add((AggregateKind.Custom, positional.Count == 1 ? positional[0] : attributeSyntax));
                }

                var written = WrittenValues(positional);
                for (var i = 0; i < values.Length; i++)
                {
                    var argumentSyntax = written.Count == values.Length ? written[i] : attributeSyntax;
                    if (values[i].Value is not int raw || !Enum.IsDefined(typeof(AggregateKind), raw) || raw == (int)AggregateKind.Custom)
                    {
                        Report(DiagnosticDescriptors.UnknownAggregate, argumentSyntax?.GetLocation(), values[i].Value?.ToString() ?? "null", "");
                        continue;
                    }

                    aggregates.Add(((AggregateKind)raw, argumentSyntax));
                }

                string? of = null, where = null;
                AttributeArgumentSyntax? ofSyntax = null, whereSyntax = null;
                var allowReordering = false;
                foreach (var named in attribute.NamedArguments)
                {
                    var argumentSyntax = attributeSyntax?.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == named.Key);
                    if (named.Key == "Of")
                    {
                        (of, ofSyntax) = (named.Value.Value as string, argumentSyntax);
                    }
                    else if (named.Key == "Where")
                    {
                        (where, whereSyntax) = (named.Value.Value as string, argumentSyntax);
                    }
                    else if (named.Key == "AllowReordering")
                    {
                        allowReordering = named.Value.Value is true;
                    }
                }

                var value = of is null
                    ? ElementValue(elementType)
                    : ResolveMember(of, elementType, (SyntaxNode?)ofSyntax?.Expression ?? attributeSyntax,
                        isRead: aggregates.Any(static a => a.Item1 is not (AggregateKind.Count or AggregateKind.LongCount)));
                string? filter = null;
                if (where is not null)
                {
                    var predicate = ResolveMember(where, elementType, (SyntaxNode?)whereSyntax?.Expression ?? attributeSyntax);
                    if (predicate is not null)
                    {
                        if (predicate.Type.SpecialType != SpecialType.System_Boolean)
                        {
                            Report(DiagnosticDescriptors.WhereMustBeBoolean, predicate.Syntax?.GetLocation(), where, Display(predicate.Type));
                        }
                        else
                        {
                            filter = predicate.Spec.Expression;
                        }
                    }
                }

                if (value is not null)
                {
                    inputs.Add(new AttributeInput(Describe(aggregates, of, where, allowReordering, accumulator), value, filter, allowReordering, aggregates, accumulator));
                }
            }

            return inputs;
        }

        /// <summary>
        /// The attribute as the generated code's comments quote it, on one line: <c>Of</c> and <c>Where</c> as C# literals,
        /// escaped, since the string may hold a line break (which the member lookup trims) that would end the comment.
        /// </summary>
        private static string Describe(List<(AggregateKind Kind, SyntaxNode? Syntax)> aggregates, string? of, string? where, bool allowReordering, ITypeSymbol? accumulator)
        {
            var parts = accumulator is not null
                ? new List<string> { $"typeof({accumulator.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)})" }
                : aggregates.Select(static a => a.Kind.ToString()).ToList();
            if (of is not null)
            {
                parts.Add("Of = " + SymbolDisplay.FormatLiteral(of, quote: true));
            }

            if (where is not null)
            {
                parts.Add("Where = " + SymbolDisplay.FormatLiteral(where, quote: true));
            }

            if (allowReordering)
            {
                parts.Add("AllowReordering = true");
            }

            return "[Aggregate(" + string.Join(", ", parts) + ")]";
        }
    }
}
