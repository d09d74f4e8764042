using System.Linq;
using Microsoft.CodeAnalysis;

namespace MultiAgg.Generators.Parsing;

/// <summary>
/// Values a query cannot aggregate as LINQ does in memory: the generator refuses them in a query method (MAGG140,
/// MAGG145), and the code fix that fuses a query's calls into one (linked into MultiAgg.CodeFixes) does not offer a
/// method the generator would refuse.
/// </summary>
internal static class QueryLimits
{
    /// <summary>
    /// Whether values of <paramref name="type"/> are collections (arrays, lists), which LINQ compares by reference and a
    /// database by contents (a bytea, an array or JSON column); not strings. A type parameter is one when a type it is
    /// constrained to is (a type parameter lists no interfaces of its own).
    /// </summary>
    public static bool IsCollectionOtherThanString(ITypeSymbol type) => type switch
    {
        ITypeParameterSymbol parameter => parameter.ConstraintTypes.Any(IsCollectionOtherThanString),
        IArrayTypeSymbol => true,
        _ => type.SpecialType != SpecialType.System_String
            && (type.SpecialType == SpecialType.System_Collections_IEnumerable
                || type.AllInterfaces.Any(static i => i.SpecialType == SpecialType.System_Collections_IEnumerable)),
    };

    /// <summary>
    /// Whether <paramref name="type"/> is a type parameter constrained to neither <c>struct</c> nor <c>class</c>: the nullable
    /// column of its Min or Max could not tell "no value" from <c>default(T)</c>.
    /// </summary>
    public static bool IsUnconstrainedTypeParameter(ITypeSymbol type) =>
        type is ITypeParameterSymbol { IsValueType: false, IsReferenceType: false };
}
