using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using MultiAgg.Generators.Diagnostics;
using MultiAgg.Generators.Model;

namespace MultiAgg.Generators;

public sealed partial class AggregateGenerator
{
    /// <summary>The source parameter: which loop its static type allows.</summary>
    internal sealed partial class Parser
    {
        // ---- The source ------------------------------------------------------------------------------

        private (SourceKind Kind, ITypeSymbol Element, bool NeedsNullCheck, bool IsAsync)? ParseSource(IParameterSymbol parameter)
        {
            var type = parameter.Type;
            var location = ParameterSyntax(parameter)?.Type?.GetLocation() ?? ParameterSyntax(parameter)?.GetLocation();
            if (parameter.RefKind == RefKind.Out)
            {
                Report(DiagnosticDescriptors.UnsupportedSourceType, location, parameter.Name, "is an out parameter");
                return null;
            }

            var needsNullCheck = !type.IsValueType;
            if (type is IArrayTypeSymbol array)
            {
                if (!array.IsSZArray)
                {
                    Report(DiagnosticDescriptors.UnsupportedSourceType, location, parameter.Name, "is a multi-dimensional array");
                    return null;
                }

                return (SourceKind.Foreach, array.ElementType, needsNullCheck, false);
            }

            if (type is INamedTypeSymbol { IsGenericType: true } named)
            {
                var element = named.TypeArguments[0];
                switch (MetadataName(named.OriginalDefinition))
                {
                    case "System.Span`1":
                    case "System.ReadOnlySpan`1":
                        return (SourceKind.Span, element, false, false);
                    case "System.Collections.Immutable.ImmutableArray`1":
                        return (SourceKind.Foreach, element, false, false);
                    case "System.Memory`1":
                    case "System.ReadOnlyMemory`1":
                        return (SourceKind.MemorySpan, element, false, false);
                    case "System.Collections.Generic.List`1":
                        var asSpan = _compilation.GetTypeByMetadataName("System.Runtime.InteropServices.CollectionsMarshal")?
                            .GetMembers("AsSpan").Any() == true;
                        return (asSpan ? SourceKind.ListSpan : SourceKind.Foreach, element, true, false);
                    case "System.Collections.Generic.IList`1":
                    case "System.Collections.Generic.IReadOnlyList`1":
                        return (SourceKind.IndexedList, element, true, false);
                    case "System.Collections.Generic.IEnumerable`1":
                        return (SourceKind.Foreach, element, true, false);
                    case "System.Collections.Generic.IAsyncEnumerable`1":
                        return (SourceKind.AsyncForeach, element, true, true);
                }
            }

            // Any other type that is a sequence: foreach over its static type picks up a struct enumerator.
            var enumerables = SequenceInterfaces(type, "System.Collections.Generic.IEnumerable`1");
            var asyncEnumerables = SequenceInterfaces(type, "System.Collections.Generic.IAsyncEnumerable`1");
            if (enumerables.Count == 1 && asyncEnumerables.Count == 0)
            {
                return (SourceKind.Foreach, enumerables[0], needsNullCheck, false);
            }

            if (asyncEnumerables.Count == 1 && enumerables.Count == 0)
            {
                return (SourceKind.AsyncForeach, asyncEnumerables[0], needsNullCheck, true);
            }

            var reason = enumerables.Count + asyncEnumerables.Count > 1
                ? $"of type '{Display(type)}' is a sequence of more than one element type"
                : $"of type '{Display(type)}' is not a generic sequence";
            Report(DiagnosticDescriptors.UnsupportedSourceType, location, parameter.Name, reason);
            return null;
        }

        private static List<ITypeSymbol> SequenceInterfaces(ITypeSymbol type, string interfaceName) =>
            InterfacesOf(type)
                .Where(i => MetadataName(i.OriginalDefinition) == interfaceName)
                .Select(static i => i.TypeArguments[0])
                .Distinct<ITypeSymbol>(SymbolEqualityComparer.Default)
                .ToList();

        /// <summary>
        /// The interfaces a type is known to implement: itself if it is one, everything it inherits,
        /// and for a type parameter, what its constraints imply (Roslyn's AllInterfaces omits those).
        /// </summary>
        private static IEnumerable<INamedTypeSymbol> InterfacesOf(ITypeSymbol type)
        {
            var interfaces = type.AllInterfaces.AsEnumerable();
            if (type is INamedTypeSymbol { TypeKind: TypeKind.Interface } self)
            {
                interfaces = interfaces.Prepend(self);
            }

            if (type is ITypeParameterSymbol typeParameter)
            {
                interfaces = interfaces.Concat(typeParameter.ConstraintTypes.SelectMany(InterfacesOf));
            }

            return interfaces;
        }

        private (ITypeSymbol ResultType, bool IsAsync)? ParseAsyncShape(IMethodSymbol method, (SourceKind Kind, ITypeSymbol Element, bool NeedsNullCheck, bool IsAsync)? source)
        {
            var returnType = method.ReturnType;
            var isAwaitable = returnType is INamedTypeSymbol named
                && MetadataName(named.OriginalDefinition) is "System.Threading.Tasks.Task`1" or "System.Threading.Tasks.ValueTask`1";
            var isNonGenericTask = MetadataName(returnType.OriginalDefinition) is "System.Threading.Tasks.Task" or "System.Threading.Tasks.ValueTask";
            if (source is null)
            {
                return null;
            }

            if (source.Value.IsAsync && !isAwaitable)
            {
                Report(DiagnosticDescriptors.AsyncShapeMismatch, _syntax.ReturnType.GetLocation(),
                    $"The source '{method.Parameters[0].Name}' is an IAsyncEnumerable<T>, so '{method.Name}' must return Task<T> or ValueTask<T> of its results, not '{Display(returnType)}'");
                return null;
            }

            if (!source.Value.IsAsync && (isAwaitable || isNonGenericTask))
            {
                Report(DiagnosticDescriptors.AsyncShapeMismatch, _syntax.ReturnType.GetLocation(),
                    $"'{method.Name}' returns '{Display(returnType)}' but its source '{method.Parameters[0].Name}' is not an IAsyncEnumerable<T>; return the results directly");
                return null;
            }

            return isAwaitable ? (((INamedTypeSymbol)returnType).TypeArguments[0], true) : (returnType, false);
        }
    }
}
