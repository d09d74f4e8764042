using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;

namespace MultiAgg.Generators.Analyzers;

/// <summary>
/// Calls the compiler removes, arguments and all: a <c>[Conditional("DEBUG")]</c> method
/// (<c>Debug.WriteLine(xs.Count())</c>) where none of its symbols is defined, and a partial method with
/// no implementation. Nothing inside such a call runs, so nothing inside it enumerates. A symbol counts
/// as defined when the project defines it (<see cref="ParseOptions.PreprocessorSymbolNames"/>) or the
/// file does with <c>#define</c> (and does not <c>#undef</c> it).
/// </summary>
internal sealed class OmittedCalls
{
    /// <summary>The <c>[Conditional]</c> symbols of each method met (none: an empty set), which the file calling it may define.</summary>
    private readonly Dictionary<IMethodSymbol, HashSet<string>> _conditions = new(SymbolEqualityComparer.Default);
    private readonly Dictionary<SyntaxTree, HashSet<string>> _defined = new();

    /// <summary>The spans of the calls inside <paramref name="body"/> that the compiler removes.</summary>
    public List<TextSpan> In(IOperation body)
    {
        var spans = new List<TextSpan>();
        foreach (var operation in body.DescendantsAndSelf())
        {
            if (operation is IInvocationOperation invocation && IsOmitted(invocation.TargetMethod, invocation.Syntax.SyntaxTree))
                spans.Add(invocation.Syntax.Span);
        }

        return spans;
    }

    private bool IsOmitted(IMethodSymbol method, SyntaxTree tree)
    {
        method = method.ReducedFrom ?? method;
        if (!method.ReturnsVoid)
            return false;
        if (method.IsPartialDefinition && method.PartialImplementationPart is null)
            return true;

        if (!_conditions.TryGetValue(method, out var symbols))
            _conditions[method] = symbols = ConditionalSymbols(method);
        return symbols.Count > 0 && !symbols.Overlaps(Defined(tree));
    }

    /// <summary>The symbols of the method's <c>[Conditional]</c> attributes, or of the method it overrides.</summary>
    private static HashSet<string> ConditionalSymbols(IMethodSymbol method)
    {
        var symbols = new HashSet<string>();
        for (IMethodSymbol? current = method.OriginalDefinition; current is not null; current = current.OverriddenMethod?.OriginalDefinition)
        {
            foreach (var attribute in current.GetAttributes())
            {
                if (attribute.AttributeClass is { Name: "ConditionalAttribute" } type
                    && SequenceFacts.IsIn(type.ContainingNamespace, "System", "Diagnostics")
                    && attribute.ConstructorArguments.Length == 1
                    && attribute.ConstructorArguments[0].Value is string symbol)
                {
                    symbols.Add(symbol);
                }
            }
        }

        return symbols;
    }

    private HashSet<string> Defined(SyntaxTree tree)
    {
        if (_defined.TryGetValue(tree, out var defined))
            return defined;

        defined = new HashSet<string>(tree.Options.PreprocessorSymbolNames);

        // #define and #undef may only come before the first token: they are its leading trivia.
        foreach (var trivia in tree.GetRoot().GetLeadingTrivia())
        {
            switch (trivia.GetStructure())
            {
                case DefineDirectiveTriviaSyntax { IsActive: true } define:
                    defined.Add(define.Name.ValueText);
                    break;
                case UndefDirectiveTriviaSyntax { IsActive: true } undefine:
                    defined.Remove(undefine.Name.ValueText);
                    break;
            }
        }

        _defined[tree] = defined;
        return defined;
    }
}
