using System.Linq;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;

namespace MultiAgg.Generators.Parsing;

/// <summary>
/// The types the parser recognises, resolved once per compilation. A type the consumer's framework lacks
/// (netstandard2.0 has no <c>IAsyncEnumerable&lt;T&gt;</c> and no generic math, .NET Framework no
/// <c>CollectionsMarshal</c>) is null, and nothing is ever that type.
/// </summary>
internal sealed class KnownTypes
{
    private static readonly ConditionalWeakTable<Compilation, KnownTypes> Cache = new();

    private KnownTypes(Compilation compilation)
    {
        INamedTypeSymbol? Get(string metadataName) => compilation.GetTypeByMetadataName(metadataName);

        // MultiAgg's own types from the library the attributes bind to, which Compilation.GetTypeByMetadataName misses
        // when only an extern alias references it (the generated code cannot name them then: MAGG139).
        var library = LibraryOf(compilation);
        INamedTypeSymbol? Library(string metadataName) => library?.GetTypeByMetadataName(metadataName);

        AggregateAttribute = Library(AggregateGenerator.AggregateAttributeName);
        GroupByAttribute = Library(AggregateGenerator.Parser.GroupByAttributeName);
        Agg = Library("MultiAgg.Agg");
        IAccumulator = Library("MultiAgg.IAccumulator`2");
        IMergeableAccumulator = Library("MultiAgg.IMergeableAccumulator`3");
        ICompletableAccumulator = Library("MultiAgg.ICompletableAccumulator");
        Welford = Library("MultiAgg.Accumulators.Welford");
        ExactInt64Sum = Library(LibraryTypes.ExactInt64Sum);
        ExactUInt64Sum = Library(LibraryTypes.ExactUInt64Sum);
        ParallelAggregation = Library(LibraryTypes.ParallelAggregation);
        EvaluationWindow = Library(LibraryTypes.EvaluationWindow + "`2");

        IComparable = Get("System.IComparable");
        IComparableOfT = Get("System.IComparable`1");
        IAdditionOperators = Get("System.Numerics.IAdditionOperators`3");
        IAdditiveIdentity = Get("System.Numerics.IAdditiveIdentity`2");
        INumberBase = Get("System.Numerics.INumberBase`1");

        Span = Get("System.Span`1");
        ReadOnlySpan = Get("System.ReadOnlySpan`1");
        Memory = Get("System.Memory`1");
        ReadOnlyMemory = Get("System.ReadOnlyMemory`1");
        ImmutableArray = Get("System.Collections.Immutable.ImmutableArray`1");
        List = Get("System.Collections.Generic.List`1");
        IList = Get("System.Collections.Generic.IList`1");
        IReadOnlyList = Get("System.Collections.Generic.IReadOnlyList`1");
        IEnumerable = Get("System.Collections.Generic.IEnumerable`1");
        ICollection = Get("System.Collections.Generic.ICollection`1");
        IReadOnlyCollection = Get("System.Collections.Generic.IReadOnlyCollection`1");
        IAsyncEnumerable = Get("System.Collections.Generic.IAsyncEnumerable`1");
        IQueryable = Get("System.Linq.IQueryable`1");

        Task = Get("System.Threading.Tasks.Task");
        TaskOfT = Get("System.Threading.Tasks.Task`1");
        ValueTask = Get("System.Threading.Tasks.ValueTask");
        ValueTaskOfT = Get("System.Threading.Tasks.ValueTask`1");
        CancellationToken = Get("System.Threading.CancellationToken");
        ParallelOptions = Get("System.Threading.Tasks.ParallelOptions");

        Dictionary = Get("System.Collections.Generic.Dictionary`2");
        IDictionary = Get("System.Collections.Generic.IDictionary`2");
        IReadOnlyDictionary = Get("System.Collections.Generic.IReadOnlyDictionary`2");
        IEqualityComparer = Get("System.Collections.Generic.IEqualityComparer`1");
        NonGenericEqualityComparer = Get("System.Collections.IEqualityComparer");
        IComparer = Get("System.Collections.Generic.IComparer`1");
        NonGenericComparer = Get("System.Collections.IComparer");

        StructLayoutAttribute = Get("System.Runtime.InteropServices.StructLayoutAttribute");
        InlineArrayAttribute = Get("System.Runtime.CompilerServices.InlineArrayAttribute");
        UnmanagedCallersOnlyAttribute = Get("System.Runtime.InteropServices.UnmanagedCallersOnlyAttribute");
        ObsoleteAttribute = Get("System.ObsoleteAttribute");
        GeneratedCodeAttribute = Get("System.CodeDom.Compiler.GeneratedCodeAttribute");
        var collectionsMarshal = Get("System.Runtime.InteropServices.CollectionsMarshal");
        HasListAsSpan = collectionsMarshal?.GetMembers("AsSpan").Any() == true;
        HasGetValueRefOrAddDefault = collectionsMarshal?.GetMembers("GetValueRefOrAddDefault").Any() == true;

        // Vector.Sum (.NET 6) is the newest API the vector loop calls; where it exists, so do Widen,
        // ConditionalSelect and MemoryMarshal.Cast.
        HasVectorApis = Get("System.Numerics.Vector")?.GetMembers("Sum").Any() == true
            && Get("System.Runtime.InteropServices.MemoryMarshal")?.GetMembers("Cast").Any() == true
            && ReadOnlySpan is not null;
    }

    /// <summary>
    /// The assembly that declares <c>[Aggregate]</c>: found the usual way, else as the only one declaring it among every
    /// reference, aliased ones included; null when none does, or more than one does and none through <c>global::</c>.
    /// </summary>
    private static IAssemblySymbol? LibraryOf(Compilation compilation) =>
        compilation.GetTypeByMetadataName(AggregateGenerator.AggregateAttributeName)?.ContainingAssembly
            ?? (compilation.GetTypesByMetadataName(AggregateGenerator.AggregateAttributeName) is { Length: 1 } only ? only[0].ContainingAssembly : null);

    public static KnownTypes For(Compilation compilation) => Cache.GetValue(compilation, static c => new KnownTypes(c));

    // ---- MultiAgg's own ------------------------------------------------------------------------------

    public INamedTypeSymbol? AggregateAttribute { get; }

    public INamedTypeSymbol? GroupByAttribute { get; }

    public INamedTypeSymbol? Agg { get; }

    /// <summary><c>IAccumulator&lt;TValue, TResult&gt;</c>, which a custom accumulator implements.</summary>
    public INamedTypeSymbol? IAccumulator { get; }

    /// <summary><c>IMergeableAccumulator&lt;TSelf, TValue, TResult&gt;</c>: an accumulator type declaring it gets <c>Merge</c>.</summary>
    public INamedTypeSymbol? IMergeableAccumulator { get; }

    public INamedTypeSymbol? ICompletableAccumulator { get; }

    /// <summary>How a struct's fields are laid out: an accumulator struct's generated part says so when it must.</summary>
    public INamedTypeSymbol? StructLayoutAttribute { get; }

    /// <summary>Makes a struct an array of its one field: an accumulator struct has no room for its state there.</summary>
    public INamedTypeSymbol? InlineArrayAttribute { get; }

    /// <summary>Marks a method only native code calls, through a function pointer: C# cannot call it (CS8901).</summary>
    public INamedTypeSymbol? UnmanagedCallersOnlyAttribute { get; }

    public INamedTypeSymbol? ObsoleteAttribute { get; }

    /// <summary>What the generated parts carry, and a partial method's declaration may carry already (once only).</summary>
    public INamedTypeSymbol? GeneratedCodeAttribute { get; }

    /// <summary>The library's variance accumulator; absent from a MultiAgg library older than this generator.</summary>
    public INamedTypeSymbol? Welford { get; }

    /// <summary>The exact integer sums' totals, which the generated code names where a total could wrap.</summary>
    public INamedTypeSymbol? ExactInt64Sum { get; }

    public INamedTypeSymbol? ExactUInt64Sum { get; }

    /// <summary>The runtime of a parallel method's blocks and of a windowed method's evaluations.</summary>
    public INamedTypeSymbol? ParallelAggregation { get; }

    public INamedTypeSymbol? EvaluationWindow { get; }

    // ---- Comparison and generic math -----------------------------------------------------------------

    public INamedTypeSymbol? IComparable { get; }

    public INamedTypeSymbol? IComparableOfT { get; }

    public INamedTypeSymbol? IAdditionOperators { get; }

    public INamedTypeSymbol? IAdditiveIdentity { get; }

    public INamedTypeSymbol? INumberBase { get; }

    // ---- Sources -------------------------------------------------------------------------------------

    public INamedTypeSymbol? Span { get; }

    public INamedTypeSymbol? ReadOnlySpan { get; }

    public INamedTypeSymbol? Memory { get; }

    public INamedTypeSymbol? ReadOnlyMemory { get; }

    public INamedTypeSymbol? ImmutableArray { get; }

    public INamedTypeSymbol? List { get; }

    public INamedTypeSymbol? IList { get; }

    public INamedTypeSymbol? IReadOnlyList { get; }

    public INamedTypeSymbol? IEnumerable { get; }

    public INamedTypeSymbol? ICollection { get; }

    public INamedTypeSymbol? IReadOnlyCollection { get; }

    public INamedTypeSymbol? IAsyncEnumerable { get; }

    public INamedTypeSymbol? IQueryable { get; }

    // ---- Async methods -------------------------------------------------------------------------------

    public INamedTypeSymbol? Task { get; }

    public INamedTypeSymbol? TaskOfT { get; }

    public INamedTypeSymbol? ValueTask { get; }

    public INamedTypeSymbol? ValueTaskOfT { get; }

    public INamedTypeSymbol? CancellationToken { get; }

    /// <summary>A parameter of this type makes a method aggregate on several workers (DESIGN.md §7).</summary>
    public INamedTypeSymbol? ParallelOptions { get; }

    // ---- [GroupBy] -----------------------------------------------------------------------------------

    public INamedTypeSymbol? Dictionary { get; }

    public INamedTypeSymbol? IDictionary { get; }

    public INamedTypeSymbol? IReadOnlyDictionary { get; }

    public INamedTypeSymbol? IEqualityComparer { get; }

    /// <summary><c>System.Collections.IEqualityComparer</c>, which <c>StringComparer</c>s also are, but LINQ's GroupBy does not take.</summary>
    public INamedTypeSymbol? NonGenericEqualityComparer { get; }

    public INamedTypeSymbol? IComparer { get; }

    public INamedTypeSymbol? NonGenericComparer { get; }

    /// <summary>Whether a type compares: it is or implements an equality comparer or a comparer, generic or not.</summary>
    public bool IsComparer(ITypeSymbol type)
    {
        bool Compares(INamedTypeSymbol candidate) =>
            Is(candidate, IEqualityComparer) || Is(candidate, IComparer) || Is(candidate, NonGenericEqualityComparer) || Is(candidate, NonGenericComparer);
        // A type parameter's interfaces are its constraints'; a nullable struct's, its value's.
        return type switch
        {
            ITypeParameterSymbol parameter => parameter.ConstraintTypes.Any(IsComparer),
            INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable => IsComparer(nullable.TypeArguments[0]),
            _ => (type is INamedTypeSymbol named && Compares(named)) || type.AllInterfaces.Any(Compares),
        };
    }

    // ---- What the consumer's framework can do --------------------------------------------------------

    /// <summary>Whether the consumer has <c>CollectionsMarshal.AsSpan</c>, to view a <c>List&lt;T&gt;</c> as a span (.NET 5 and later).</summary>
    public bool HasListAsSpan { get; }

    /// <summary>Whether the consumer has <c>CollectionsMarshal.GetValueRefOrAddDefault</c> (.NET 6 and later).</summary>
    public bool HasGetValueRefOrAddDefault { get; }

    /// <summary>Whether the consumer has every API the vector loop calls.</summary>
    public bool HasVectorApis { get; }

    /// <summary>
    /// Whether <paramref name="type"/> is <paramref name="known"/> (a generic type in any construction, such as
    /// <c>List&lt;int&gt;</c> for <c>List&lt;T&gt;</c>); never when the known type is absent.
    /// </summary>
    public static bool Is(ITypeSymbol? type, INamedTypeSymbol? known) =>
        type is not null && known is not null && SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, known);
}
