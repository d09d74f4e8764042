namespace MultiAgg.Generators.Emitting;

/// <summary>How generated code tells, at run time, the sources System.Linq reads whole as a span.</summary>
internal static class LinqSpans
{
    public static string ListType(string elementType) => $"global::System.Collections.Generic.List<{elementType}>";

    /// <summary>
    /// LINQ's test for a list it reads as a span: the type itself, not a class derived from it, which may implement
    /// <c>IEnumerable&lt;T&gt;</c> again, its own way.
    /// </summary>
    public static string IsExactList(string expression, string elementType) =>
        $"{expression}.GetType() == typeof({ListType(elementType)})";
}
