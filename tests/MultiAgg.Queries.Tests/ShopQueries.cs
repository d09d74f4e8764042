using static MultiAgg.Agg;

namespace MultiAgg.Queries.Tests;

/// <summary>Every result of <see cref="ShopQueries.Summarize"/>, in its attributes' order; nullable where a source may be empty.</summary>
public sealed record Totals(
    int Orders, long OrdersLong,
    int Quantity, int? LeastQuantity, int? MostQuantity, double? AverageQuantity,
    long QuantityLong,
    int MaybeQuantity, int? LeastMaybe, int? MostMaybe, double? AverageMaybe,
    decimal Revenue, decimal? Smallest, decimal? Largest, decimal? AverageTotal,
    double Score, double? AverageScore, double? LowestScore, double? BestScore,
    float Weight, float? AverageWeight,
    bool AnyPaid, bool AllPaid, bool Any,
    int Regions, int Notes, long NotesLong);

/// <summary>The [Aggregate] methods over queries that the tests run on SQLite, PostgreSQL and LINQ-to-Objects' own IQueryable.</summary>
public static partial class ShopQueries
{
    [Aggregate(Count, LongCount)]
    [Aggregate(Sum, Min, Max, Average, Of = nameof(Order.Quantity))]
    [Aggregate(Sum, Of = nameof(Order.Quantity))]
    [Aggregate(Sum, Min, Max, Average, Of = nameof(Order.MaybeQuantity))]
    [Aggregate(Sum, Min, Max, Average, Of = nameof(Order.Total))]
    [Aggregate(Sum, Average, Min, Max, Of = nameof(Order.Score))]
    [Aggregate(Sum, Average, Of = nameof(Order.Weight))]
    [Aggregate(Any, All, Of = nameof(Order.IsPaid))]
    [Aggregate(Any)]
    [Aggregate(CountDistinct, Of = nameof(Order.Region))]
    [Aggregate(CountDistinct, CountDistinct, Of = nameof(Order.Note))]
    public static partial Totals Summarize(IQueryable<Order> orders);

    /// <summary>CountDistinct of the rows themselves, as <c>orders.Distinct().Count()</c> counts them.</summary>
    [Aggregate(CountDistinct)]
    [Aggregate(Count)]
    public static partial (int Distinct, int All) DistinctRows(IQueryable<Order> orders);

    /// <summary>Non-nullable Max and Average: LINQ's InvalidOperationException on an empty source, from the first of them.</summary>
    [Aggregate(Max, Of = nameof(Order.Total))]
    [Aggregate(Average, Of = nameof(Order.Quantity))]
    public static partial (decimal Largest, double AverageQuantity) Strict(IQueryable<Order> orders);

    /// <summary>Each attribute's own filter: SQL's FILTER (WHERE ...) on PostgreSQL.</summary>
    [Aggregate(Count, Sum, Max, Of = nameof(Order.Total), Where = nameof(Order.IsPaid))]
    [Aggregate(CountDistinct, Of = nameof(Order.Note), Where = nameof(Order.IsPaid))]
    [Aggregate(Count)]
    public static partial (int Paid, decimal PaidRevenue, decimal? LargestPaid, int PaidNotes, int All) Paid(IQueryable<Order> orders);

    [Aggregate(Sum, Max, Of = nameof(Order.Total))]
    [Aggregate(Count, Where = nameof(Order.IsPaid))]
    public static partial Task<(decimal Revenue, decimal Largest, int Paid)> SummarizeAsync(IQueryable<Order> orders, CancellationToken cancellationToken = default);

    [GroupBy(nameof(Order.Region))]
    [Aggregate(Sum, Of = nameof(Order.Total))]
    [Aggregate(Count)]
    [Aggregate(Max, Of = nameof(Order.Total), Where = nameof(Order.IsPaid))]
    [Aggregate(Average, Of = nameof(Order.MaybeQuantity))]
    public static partial Dictionary<string, (decimal Revenue, int Orders, decimal? LargestPaid, double? AverageMaybe)> ByRegion(IQueryable<Order> orders);

    [GroupBy(nameof(Order.Region))]
    [Aggregate(Sum, Of = nameof(Order.Quantity))]
    [Aggregate(Max, Of = nameof(Order.Total), Where = nameof(Order.IsPaid))]
    public static partial ValueTask<Dictionary<string, (long Quantity, decimal LargestPaid)>> ByRegionAsync(IQueryable<Order> orders, CancellationToken cancellationToken);

    /// <summary>Synchronous, with a token: checked before the command, which cannot be cancelled once it runs.</summary>
    [GroupBy(nameof(Order.Region))]
    [Aggregate(Sum, Of = nameof(Order.Quantity))]
    public static partial Dictionary<string, long> QuantityByRegion(IQueryable<Order> orders, CancellationToken cancellationToken);

    /// <summary>A null key throws ArgumentNullException, as ToDictionary does.</summary>
    [GroupBy(nameof(Order.Note))]
    [Aggregate(Count)]
    public static partial Dictionary<string, int> ByNote(IQueryable<Order> orders);

    /// <summary>Methods with expression bodies, inlined into the query; their further parameters become query parameters.</summary>
    [Aggregate(Sum, Max, Of = nameof(Net), Where = nameof(IsLarge))]
    [Aggregate(Count, Where = nameof(IsLarge))]
    public static partial (decimal Net, decimal? LargestNet, int Large) NetOfLarge(IQueryable<Order> orders, decimal taxRate, decimal threshold);

    private static decimal Net(Order order, decimal taxRate) => order.Total / (1 + taxRate);

    private static bool IsLarge(Order order, decimal threshold) => order.Total > threshold && !string.IsNullOrEmpty(order.Region);

    /// <summary>A target-typed body (a conditional with null): inlined converted to the method's return type.</summary>
    [Aggregate(Average, Count, Of = nameof(PaidTotal))]
    public static partial (decimal? AveragePaid, int Orders) AveragePaid(IQueryable<Order> orders);

    private static decimal? PaidTotal(Order order) => order.IsPaid ? order.Total : null;

    /// <summary>A member path through a navigation: a join.</summary>
    [Aggregate(Max, Average, Of = "Customer.Age")]
    public static partial (int? Oldest, double? AverageAge) CustomerAges(IQueryable<Order> orders);

    /// <summary>A path through an optional navigation: a left join, whose missing rows SQL's aggregates skip.</summary>
    [Aggregate(Sum, Max, Average, Of = "Referrer.Age")]
    public static partial (int TotalAge, int? Oldest, double? AverageAge) ReferrerAges(IQueryable<Order> orders);

    /// <summary>A projection through an optional navigation: a member whose type cannot be null, which SQL gives as null.</summary>
    [Aggregate(Sum, Average, Of = nameof(ReferrerRow.Age))]
    public static partial (int TotalAge, double? AverageAge) ProjectedAges(IQueryable<ReferrerRow> rows);

    /// <summary>Distinct values through an optional navigation: the missing row's null counts once, as <c>Distinct().Count()</c> counts it.</summary>
    [Aggregate(CountDistinct, Of = "Referrer.Age")]
    public static partial int DistinctReferrerAges(IQueryable<Order> orders);

    /// <summary>The same through a projection, whose member cannot be null in C#.</summary>
    [Aggregate(CountDistinct, Of = nameof(ReferrerRow.Age))]
    public static partial int DistinctProjectedAges(IQueryable<ReferrerRow> rows);

    /// <summary>
    /// The same through a method that reads a nullable column as <c>int</c>: the column's own null, which SQL gives as it
    /// is (EF Core writes no cast), where a column compared as it is would be counted with <c>COUNT(DISTINCT)</c>, which skips it.
    /// </summary>
    [Aggregate(CountDistinct, Of = nameof(QuantityRead))]
    public static partial int DistinctQuantitiesRead(IQueryable<Order> orders);

    private static int QuantityRead(Order order) => (int)order.MaybeQuantity!;

    /// <summary>
    /// The distinct answers of comparisons with a null operand: C#'s false for the null row, which SQL's null must not
    /// count apart from the rows that are false.
    /// </summary>
    [Aggregate(CountDistinct, Of = nameof(IsOverThirty))]
    [Aggregate(CountDistinct, Of = nameof(IsMany))]
    public static partial (int Large, int Many) DistinctAnswers(IQueryable<Order> orders);

    private static bool IsOverThirty(Order order) => order.MaybeQuantity > 30;

    /// <summary>Comparisons with a null operand: false in C#, null in SQL; the query must keep C#'s answer.</summary>
    [Aggregate(Any, All, Of = nameof(IsMany))]
    [Aggregate(Any, All, Of = nameof(IsFew))]
    [Aggregate(Count, Where = nameof(IsFew))]
    public static partial (bool AnyMany, bool AllMany, bool AnyFew, bool AllFew, int Few) Many(IQueryable<Order> orders);

    private static bool IsMany(Order order) => order.MaybeQuantity > 10;

    private static bool IsFew(Order order) => order.MaybeQuantity == null || order.MaybeQuantity <= 10;

    /// <summary>The same with the negation written out, which EF Core 10 mistranslates on SQLite (dotnet/efcore#39059).</summary>
    [Aggregate(Any, All, Of = nameof(IsNotMany))]
    [Aggregate(Count, Where = nameof(IsNotMany))]
    public static partial (bool AnyFew, bool AllFew, int Few) NotMany(IQueryable<Order> orders);

    private static bool IsNotMany(Order order) => !(order.MaybeQuantity > 10);

    /// <summary>The least and greatest of those comparisons: false before true, as LINQ orders a bool.</summary>
    [Aggregate(Min, Max, Of = nameof(IsMany))]
    [Aggregate(Min, Max, Of = nameof(IsNotMany))]
    public static partial (bool LeastMany, bool GreatestMany, bool LeastNotMany, bool GreatestNotMany) ManyRange(IQueryable<Order> orders);

    /// <summary>The negation's other forms, which EF Core makes the same SQL NOT: compared with false, and chosen.</summary>
    [Aggregate(Count, Where = nameof(IsManyFalse))]
    [Aggregate(Count, Where = nameof(IsManyChosenFalse))]
    public static partial (int ComparedWithFalse, int ChosenFalse) NotManyOtherwise(IQueryable<Order> orders);

    private static bool IsManyFalse(Order order) => (order.MaybeQuantity > 10) == false;

    private static bool IsManyChosenFalse(Order order) => order.MaybeQuantity > 10 ? false : true;

    [Aggregate(Min, Max, Of = nameof(Order.Region))]
    public static partial (string? First, string? Last) RegionRange(IQueryable<Order> orders);

    /// <summary>The first and last time: EF Core's SQLite provider translates no Min or Max of a DateTimeOffset.</summary>
    [Aggregate(Min, Max, Of = nameof(Order.Placed))]
    public static partial (DateTimeOffset? First, DateTimeOffset? Last) PlacedRange(IQueryable<Order> orders);

    /// <summary>The least and greatest of a bool, false before true as in .NET: PostgreSQL has no MIN(boolean).</summary>
    [Aggregate(Min, Max, Of = nameof(Order.IsPaid))]
    [Aggregate(Min, Max, Of = nameof(PaidIfAny))]
    public static partial (bool LeastPaid, bool MostPaid, bool? LeastKnownPaid, bool? MostKnownPaid) PaidRange(IQueryable<Order> orders);

    /// <summary>Paid or not where the order has a quantity, null where it has none.</summary>
    private static bool? PaidIfAny(Order order) => order.MaybeQuantity == null ? null : order.IsPaid;

    [Aggregate(Sum, Of = nameof(Order.Quantity))]
    public static partial int QuantityTotal(IQueryable<Order> orders);

    [Aggregate(Sum, Of = nameof(Order.Quantity))]
    public static partial long QuantityTotalLong(IQueryable<Order> orders);

    [Aggregate(Sum, Of = nameof(Order.Big))]
    public static partial long BigTotal(IQueryable<Order> orders);

    [Aggregate(Sum, Of = nameof(Order.Total))]
    public static partial decimal Revenue(IQueryable<Order> orders);

    [Aggregate(Sum, Average, Min, Max, Of = nameof(Order.Unsigned))]
    public static partial (ulong Sum, double Average, ulong Least, ulong Most) UnsignedStats(IQueryable<Order> orders);

    /// <summary>The same in memory: LINQ has no ulong Sum or Average to compare with.</summary>
    [Aggregate(Sum, Average, Min, Max, Of = nameof(Order.Unsigned))]
    public static partial (ulong Sum, double Average, ulong Least, ulong Most) UnsignedStatsInMemory(IEnumerable<Order> orders);

    /// <summary>Without Min and Max, which EF Core's SQLite provider does not translate for ulong.</summary>
    [Aggregate(Sum, Average, Of = nameof(Order.Unsigned))]
    public static partial (ulong Sum, double Average) UnsignedTotal(IQueryable<Order> orders);

    [Aggregate(Sum, Average, Of = nameof(Order.Unsigned))]
    public static partial (ulong Sum, double Average) UnsignedTotalInMemory(IEnumerable<Order> orders);

    /// <summary>Min and Max of doubles, where a NaN is ordered differently by PostgreSQL and by LINQ.</summary>
    [Aggregate(Min, Max, Of = nameof(Order.Score))]
    public static partial (double Lowest, double Highest) ScoreRange(IQueryable<Order> orders);

    [Aggregate(Min, Max, Of = nameof(Order.Score))]
    public static partial (double Lowest, double Highest) ScoreRangeInMemory(IEnumerable<Order> orders);

    /// <summary>A DbSet itself, the static type implementing both IQueryable and IAsyncEnumerable: the query path.</summary>
    [Aggregate(Count, Where = nameof(Order.IsPaid))]
    [Aggregate(Max, Of = nameof(Order.Quantity))]
    public static partial (int Paid, int? MostQuantity) FromSet(Microsoft.EntityFrameworkCore.DbSet<Order> orders);

    /// <summary>The in-memory method the same attributes make over an IEnumerable: query.AsEnumerable() opts out of the query.</summary>
    [Aggregate(Count, Where = nameof(Order.IsPaid))]
    [Aggregate(Max, Of = nameof(Order.Quantity))]
    public static partial (int Paid, int? MostQuantity) InMemory(IEnumerable<Order> orders);
}

/// <summary>An order's referrer's age, projected: a left join, whose missing referrer SQL gives as a null age.</summary>
public sealed class ReferrerRow
{
    public int Age { get; set; }
}
