using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using MultiAgg.Generators.Diagnostics;
using MultiAgg.Generators.Parsing;
using MultiAgg.Generators.Specs;

namespace MultiAgg.Generators;

public sealed partial class AggregateGenerator
{
    /// <summary>A <c>ParallelOptions</c> parameter: the method aggregates blocks of its source on several workers.</summary>
    internal sealed partial class Parser
    {
        /// <summary>
        /// How the method uses its <c>ParallelOptions</c> parameter (blocks of the source, or a window of async
        /// evaluations); null when it has none, and null with a diagnostic when it cannot run in parallel.
        /// </summary>
        private ParallelSpec? ParseParallel(IMethodSymbol method, ParsedSource source, bool isAsync, List<AttributeInput> inputs)
        {
            var options = method.Parameters.Skip(1).Where(p => KnownTypes.Is(p.Type, _knownTypes.ParallelOptions)).ToList();
            if (options.Count == 0)
            {
                return null;
            }

            var parameter = options[0];
            if (options.Count > 1)
            {
                Report(DiagnosticDescriptors.UnsupportedParameter, ParameterSyntax(options[1])?.GetLocation(),
                    $"Parameters '{options[0].Name}' and '{options[1].Name}' are both ParallelOptions; keep one");
                return null;
            }

            var sourceParameter = method.Parameters[0];
            var sourceLocation = ParameterSyntax(sourceParameter)?.Type?.GetLocation();
            if (source.Kind == SourceKind.Query)
            {
                Report(DiagnosticDescriptors.ParallelQuery, ParameterSyntax(parameter)?.GetLocation(), parameter.Name, method.Name, sourceParameter.Name);
                return null;
            }

            if (!method.IsStatic && method.ContainingType.IsValueType)
            {
                Report(DiagnosticDescriptors.UnsupportedParameter, ParameterSyntax(parameter)?.GetLocation(),
                    $"'{method.Name}' is an instance method of a struct, whose 'this' its workers cannot share; make it static, or declare it in a class");
                return null;
            }

            if ((IsPointer(source.Element) ? "pointers" : IsRefLike(source.Element) ? "ref structs" : null) is { } unheld)
            {
                Report(DiagnosticDescriptors.UnsupportedParameter, ParameterSyntax(parameter)?.GetLocation(),
                    $"The elements of '{sourceParameter.Name}' are {unheld} ('{Display(source.Element)}'), which the workers' blocks cannot hold (a span's or an array's type argument); remove the parameter");
                return null;
            }

            if (source.Kind == SourceKind.AsyncForeach || isAsync)
            {
                // Awaited selectors or an asynchronous source: elements one at a time into a window of concurrent
                // evaluations, folded by the method itself, so no accumulator needs to merge.
                return CheckCapturable(method, "its elements are evaluated on other threads")
                    ? new ParallelSpec(Identifier(parameter.Name), ParallelSplit.Window, null, NestedTypeName(method, "Values"))
                    : null;
            }

            if (source is { Kind: SourceKind.Span, SpanExpression: "{0}" } && sourceParameter.Type is INamedTypeSymbol { IsRefLikeType: true } span)
            {
                Report(DiagnosticDescriptors.ParallelSpanSource, sourceLocation, sourceParameter.Name, Display(span), method.Name);
                return null;
            }

            var reported = _diagnostics.Count;
            CheckCustomAccumulatorsMerge(method.Name, inputs, DiagnosticDescriptors.ParallelAccumulatorNotMergeable);

            if (_diagnostics.Count > reported || !CheckCapturable(method, "its blocks run on other threads"))
            {
                return null;
            }

            var spec = source.Kind switch
            {
                SourceKind.Span => new ParallelSpec(Identifier(parameter.Name), ParallelSplit.Ranges, source.SpanExpression + ".Length", NestedTypeName(method, "State")),
                SourceKind.IndexedList => new ParallelSpec(Identifier(parameter.Name), ParallelSplit.Ranges, "{0}.Count", NestedTypeName(method, "State")),
                // A List<T> where CollectionsMarshal is missing (netstandard2.0) is read by index too.
                SourceKind.Foreach when source.IsList => new ParallelSpec(Identifier(parameter.Name), ParallelSplit.Ranges, "{0}.Count", NestedTypeName(method, "State")),
                _ => new ParallelSpec(Identifier(parameter.Name), ParallelSplit.Chunks, null, NestedTypeName(method, "State"), ReadsChunksAsSpans: _knownTypes.ReadOnlySpan is not null),
            };
            return spec;
        }

        /// <summary>
        /// Whether every parameter can be captured by the code that runs elsewhere (a parallel method's blocks, a query's
        /// lambdas): none is passed by reference or a ref struct (reported at the first that is).
        /// </summary>
        private bool CheckCapturable(IMethodSymbol method, string why)
        {
            foreach (var parameter in method.Parameters)
            {
                if (parameter.RefKind != RefKind.None || IsRefLike(parameter.Type))
                {
                    Report(DiagnosticDescriptors.UnsupportedParameter, ParameterSyntax(parameter)?.GetLocation(),
                        $"Parameter '{parameter.Name}' is {WhyByReference(parameter)}, which '{method.Name}' cannot capture: {why}");
                    return false;
                }
            }

            return true;
        }
    }
}
