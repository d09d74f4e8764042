using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace MultiAgg.CodeFixes;

/// <summary>
/// The variable a multiple-enumeration diagnostic is about. MAGG001 and CA1851 both report at a
/// reference to the local or parameter that is enumerated.
/// </summary>
internal static class SequenceReference
{
    public static (IdentifierNameSyntax Reference, ISymbol Variable)? Find(SyntaxNode root, SemanticModel model, TextSpan span, System.Threading.CancellationToken cancellationToken)
    {
        if (!root.FullSpan.Contains(span))
            return null;

        var node = root.FindNode(span, getInnermostNodeForTie: true);
        if (node is ArgumentSyntax argument)
            node = argument.Expression;
        if (node is not IdentifierNameSyntax reference)
            return null;

        return model.GetSymbolInfo(reference, cancellationToken).Symbol is (ILocalSymbol or IParameterSymbol) and var variable
            ? (reference, variable)
            : null;
    }

    /// <summary>
    /// The type to declare a parameter that receives <paramref name="variable"/> as read at
    /// <paramref name="reference"/>: its declared type, without the <c>?</c> that <c>var</c> puts on
    /// every reference type when the value there is known not to be null.
    /// </summary>
    public static ITypeSymbol? TypeAt(ISymbol variable, SyntaxNode reference, SemanticModel model, System.Threading.CancellationToken cancellationToken)
    {
        var type = TypeOf(variable);
        return type is { IsReferenceType: true, NullableAnnotation: NullableAnnotation.Annotated }
               && model.GetTypeInfo(reference, cancellationToken).Nullability.FlowState == NullableFlowState.NotNull
            ? type.WithNullableAnnotation(NullableAnnotation.NotAnnotated)
            : type;
    }

    /// <summary>The declared type of a local or parameter; null for anything else.</summary>
    public static ITypeSymbol? TypeOf(ISymbol variable) => variable switch
    {
        ILocalSymbol local => local.Type,
        IParameterSymbol parameter => parameter.Type,
        _ => null,
    };
}
