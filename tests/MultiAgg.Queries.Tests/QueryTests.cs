using Microsoft.EntityFrameworkCore;

namespace MultiAgg.Queries.Tests;

/// <summary>
/// The [Aggregate] methods of <see cref="ShopQueries"/> on SQLite, on PostgreSQL and on LINQ-to-Objects' own
/// IQueryable (<c>AsQueryable()</c>), each compared with LINQ-to-Objects over the same rows loaded into memory: exactly
/// where DESIGN.md §8 says they are equal, by the documented rule where the database's arithmetic or collation decides.
/// </summary>
[Collection(DatabaseCollection.Name)]
public sealed class QueryTests(Databases databases) : IDisposable
{
    public const string Linq = "LINQ";

    public static TheoryData<string> Providers => new() { "SQLite", "PostgreSQL", Linq };

    public static TheoryData<string> DatabaseProviders => new() { "SQLite", "PostgreSQL" };

    public static TheoryData<string, string> ProvidersAndBatches()
    {
        var data = new TheoryData<string, string>();
        foreach (var provider in new[] { "SQLite", "PostgreSQL", Linq })
        {
            data.Add(provider, Batches.Main);
            data.Add(provider, Batches.None);
        }

        return data;
    }

    private readonly List<ShopContext> _contexts = [];

    public void Dispose()
    {
        foreach (var context in _contexts)
        {
            context.Dispose();
        }
    }

    /// <summary>A batch's rows as a query of <paramref name="provider"/>; its commands are counted from here on.</summary>
    private IQueryable<Order> Source(string provider, string batch)
    {
        if (provider == Linq)
        {
            return Rows(batch).AsQueryable();
        }

        var database = databases[provider];
        var context = database.Open();
        _contexts.Add(context);
        database.Log.Clear();
        return context.Orders.Where(o => o.Batch == batch);
    }

    private List<Order> Rows(string batch) => databases.Sqlite.Rows(batch);

    private IReadOnlyList<string> Commands(string provider) => databases[provider].Log.Commands;

    [Theory]
    [MemberData(nameof(ProvidersAndBatches))]
    public void Every_aggregate_equals_LINQ_over_the_same_rows(string provider, string batch)
    {
        var rows = Rows(batch);
        var totals = ShopQueries.Summarize(Source(provider, batch));

        Assert.Equal(rows.Count, totals.Orders);
        Assert.Equal(rows.LongCount(), totals.OrdersLong);
        Assert.Equal(rows.Sum(static o => o.Quantity), totals.Quantity);
        Assert.Equal(rows.Min(static o => (int?)o.Quantity), totals.LeastQuantity);
        Assert.Equal(rows.Max(static o => (int?)o.Quantity), totals.MostQuantity);
        Assert.Equal(rows.Average(static o => (int?)o.Quantity), totals.AverageQuantity);
        Assert.Equal(rows.Sum(static o => (long)o.Quantity), totals.QuantityLong);
        Assert.Equal(rows.Sum(static o => o.MaybeQuantity) ?? -1, totals.MaybeQuantity);
        Assert.Equal(rows.Min(static o => o.MaybeQuantity), totals.LeastMaybe);
        Assert.Equal(rows.Max(static o => o.MaybeQuantity), totals.MostMaybe);
        Assert.Equal(rows.Average(static o => o.MaybeQuantity), totals.AverageMaybe);
        Assert.Equal(rows.Sum(static o => o.Total), totals.Revenue);
        Assert.Equal(rows.Min(static o => (decimal?)o.Total), totals.Smallest);
        Assert.Equal(rows.Max(static o => (decimal?)o.Total), totals.Largest);
        Assert.Equal(rows.Average(static o => (decimal?)o.Total), totals.AverageTotal);
        Assert.Equal(rows.Min(static o => (double?)o.Score), totals.LowestScore);
        Assert.Equal(rows.Max(static o => (double?)o.Score), totals.BestScore);
        Assert.Equal(rows.Any(static o => o.IsPaid), totals.AnyPaid);
        Assert.Equal(rows.All(static o => o.IsPaid), totals.AllPaid);
        Assert.Equal(rows.Count != 0, totals.Any);
        Assert.Equal(rows.Select(static o => o.Region).Distinct().Count(), totals.Regions);
        Assert.Equal(rows.Select(static o => o.Note).Distinct().Count(), totals.Notes);
        Assert.Equal(rows.Select(static o => o.Note).Distinct().LongCount(), totals.NotesLong);

        // Floating-point sums: the database adds in its own order (documented); equal within rounding.
        AssertClose(rows.Sum(static o => o.Score), totals.Score);
        AssertClose(rows.Average(static o => (double?)o.Score), totals.AverageScore);
        AssertClose((float?)(rows.Sum(static o => o.Weight) ?? 0), totals.Weight);
        AssertClose(rows.Average(static o => o.Weight), totals.AverageWeight);

        if (provider != Linq)
        {
            Assert.Single(Commands(provider));
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void A_source_with_rows_but_no_value_for_a_filter_gives_LINQs_empty_results(string provider)
    {
        // No order of the main batch is above 10,000: the filtered aggregates see no value, the others do.
        var rows = Rows(Batches.Main);
        var (net, largest, large) = ShopQueries.NetOfLarge(Source(provider, Batches.Main), taxRate: 0.2m, threshold: 10_000m);

        Assert.Equal(0m, net);
        Assert.Null(largest);
        Assert.Equal(0, large);
        Assert.NotEmpty(rows);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void Non_nullable_results_of_an_empty_source_throw_what_LINQ_throws(string provider)
    {
        var empty = Rows(Batches.None);
        var expected = Assert.Throws<InvalidOperationException>(() => empty.Max(static o => o.Total));

        var thrown = Assert.Throws<InvalidOperationException>(() => ShopQueries.Strict(Source(provider, Batches.None)));

        Assert.Equal(expected.Message, thrown.Message);
        var rows = Rows(Batches.Main);
        Assert.Equal((rows.Max(static o => o.Total), rows.Average(static o => o.Quantity)), ShopQueries.Strict(Source(provider, Batches.Main)));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void CountDistinct_of_the_rows_counts_them_as_Distinct_Count_does(string provider)
    {
        var rows = Rows(Batches.Main);

        Assert.Equal((rows.Distinct().Count(), rows.Count), ShopQueries.DistinctRows(Source(provider, Batches.Main)));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void Each_attribute_filters_its_own_aggregates(string provider)
    {
        var rows = Rows(Batches.Main);
        var paid = rows.Where(static o => o.IsPaid).ToList();

        var result = ShopQueries.Paid(Source(provider, Batches.Main));

        Assert.Equal((paid.Count, paid.Sum(static o => o.Total), paid.Max(static o => (decimal?)o.Total), paid.Select(static o => o.Note).Distinct().Count(), rows.Count), result);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders))]
    public void One_command_scans_the_table_once(string provider)
    {
        ShopQueries.Paid(Source(provider, Batches.Main));

        var sql = Assert.Single(Commands(provider));
        Assert.Single(Occurrences(sql, "FROM \"Orders\""));
        if (provider == "PostgreSQL")
        {
            // Npgsql writes a filtered aggregate with SQL's FILTER clause: Count, Sum, Max, and CountDistinct's two columns.
            Assert.Equal(5, Occurrences(sql, "FILTER (WHERE").Count);
        }
        else
        {
            Assert.Matches(@"COUNT\(CASE\s+WHEN", sql);
        }
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders))]
    public async Task An_async_method_runs_its_one_query_asynchronously(string provider)
    {
        var rows = Rows(Batches.Main);

        var result = await ShopQueries.SummarizeAsync(Source(provider, Batches.Main));

        Assert.Equal((rows.Sum(static o => o.Total), rows.Max(static o => o.Total), rows.Count(static o => o.IsPaid)), result);
        Assert.Single(Commands(provider));
        Assert.Equal(1, databases[provider].Log.ExecutedAsynchronously);
        // The largest of no orders: LINQ's exception, from the missing row, not from the provider.
        await Assert.ThrowsAsync<InvalidOperationException>(() => ShopQueries.SummarizeAsync(Source(provider, Batches.None)));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders))]
    public async Task A_cancelled_token_cancels_the_query(string provider)
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ShopQueries.SummarizeAsync(Source(provider, Batches.Main), cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ShopQueries.ByRegionAsync(Source(provider, Batches.Main), cancelled.Token).AsTask());
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void A_synchronous_method_checks_its_token_before_the_query_runs(string provider)
    {
        var expected = Rows(Batches.Main).GroupBy(static o => o.Region).ToDictionary(static g => g.Key, static g => g.Sum(static o => (long)o.Quantity));
        Assert.Equal(expected, ShopQueries.QuantityByRegion(Source(provider, Batches.Main), CancellationToken.None));

        var source = Source(provider, Batches.Main);
        Assert.Throws<OperationCanceledException>(() => ShopQueries.QuantityByRegion(source, new CancellationToken(canceled: true)));
        if (provider != Linq)
        {
            Assert.Empty(Commands(provider));
        }
    }

    [Fact]
    public async Task An_async_method_over_a_query_that_cannot_run_asynchronously_says_so()
    {
        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => ShopQueries.SummarizeAsync(Rows(Batches.Main).AsQueryable()));

        Assert.Contains("cannot run asynchronously", thrown.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task GroupBy_returns_one_entry_per_key(string provider)
    {
        var rows = Rows(Batches.Main);
        var expected = rows.GroupBy(static o => o.Region).ToDictionary(
            static g => g.Key,
            static g => (g.Sum(static o => o.Total), g.Count(), g.Where(static o => o.IsPaid).Max(static o => (decimal?)o.Total), g.Average(static o => o.MaybeQuantity)));

        var byRegion = ShopQueries.ByRegion(Source(provider, Batches.Main));

        Assert.Equal(expected.OrderBy(static e => e.Key, StringComparer.Ordinal), byRegion.OrderBy(static e => e.Key, StringComparer.Ordinal));
        if (provider != Linq)
        {
            Assert.Single(Commands(provider));
            var byRegionAsync = await ShopQueries.ByRegionAsync(Source(provider, Batches.Main), CancellationToken.None);
            Assert.Equal(
                rows.GroupBy(static o => o.Region).ToDictionary(static g => g.Key, static g => (g.Sum(static o => (long)o.Quantity), g.Where(static o => o.IsPaid).Max(static o => o.Total))).OrderBy(static e => e.Key, StringComparer.Ordinal),
                byRegionAsync.OrderBy(static e => e.Key, StringComparer.Ordinal));
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void A_null_key_throws_what_ToDictionary_throws(string provider)
    {
        var rows = Rows(Batches.Main);
        Assert.Throws<ArgumentNullException>(() => rows.GroupBy(static o => o.Note).ToDictionary(static g => g.Key!, static g => g.Count()));

        Assert.Throws<ArgumentNullException>(() => ShopQueries.ByNote(Source(provider, Batches.Main)));
    }

    [Fact]
    public void A_null_query_throws_at_the_call_not_when_the_task_is_awaited()
    {
        // The async methods check their query before they return a task. EF Core's own SumAsync(null) fails at the call
        // too, though with a NullReferenceException (EF Core 10).
        Assert.Equal("orders", Assert.Throws<ArgumentNullException>(() => { _ = ShopQueries.SummarizeAsync(null!); }).ParamName);
        Assert.Equal("orders", Assert.Throws<ArgumentNullException>(() => { _ = ShopQueries.ByRegionAsync(null!, CancellationToken.None); }).ParamName);
        Assert.ThrowsAny<Exception>(() => { _ = EntityFrameworkQueryableExtensions.SumAsync((IQueryable<int>)null!); });
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void Methods_with_expression_bodies_are_inlined_and_their_parameters_sent_as_query_parameters(string provider)
    {
        var large = Rows(Batches.Main).Where(static o => o.Total > 500m && !string.IsNullOrEmpty(o.Region)).ToList();

        var (net, largestNet, count) = ShopQueries.NetOfLarge(Source(provider, Batches.Main), taxRate: 0.2m, threshold: 500m);

        Assert.Equal(large.Count, count);
        // Division is the database's decimal arithmetic (PostgreSQL's numeric keeps 16 or more significant digits after
        // a division; .NET's decimal 28): equal to the last digits .NET keeps, within 1e-12 of the total.
        Assert.Equal((double)large.Sum(static o => o.Total / 1.2m), (double)net, 1e-12 * (double)net);
        Assert.Equal((double)large.Max(static o => o.Total / 1.2m), (double)largestNet!.Value, 1e-12 * (double)largestNet);
        if (provider != Linq)
        {
            // EF Core sends threshold as itself and 1 + taxRate, which it computes first, as another parameter.
            var sql = Assert.Single(Commands(provider));
            Assert.Contains("@threshold", sql, StringComparison.Ordinal);
            Assert.DoesNotContain("500", sql, StringComparison.Ordinal);
            Assert.DoesNotContain("1.2", sql, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void A_target_typed_body_keeps_its_methods_type(string provider)
    {
        var rows = Rows(Batches.Main);

        var (averagePaid, orders) = ShopQueries.AveragePaid(Source(provider, Batches.Main));

        Assert.Equal((rows.Average(static o => o.IsPaid ? o.Total : (decimal?)null), rows.Count), (averagePaid, orders));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void A_member_path_through_a_navigation_is_a_join(string provider)
    {
        var rows = Rows(Batches.Main);

        var (oldest, averageAge) = ShopQueries.CustomerAges(Source(provider, Batches.Main));

        Assert.Equal(rows.Max(static o => o.Customer.Age), oldest);
        Assert.Equal(rows.Average(static o => o.Customer.Age), averageAge);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void A_value_a_left_join_leaves_null_is_skipped_as_SQL_skips_it(string provider)
    {
        // Two of the three orders have a referrer: SQL's aggregates see their two ages (an average over two, not three);
        // LINQ-to-Objects reads the missing referrer's age and throws.
        var ages = Rows(Batches.NullOperands).Where(static o => o.ReferrerId is not null)
            .Select(static o => Batches.Customers().Single(c => c.Id == o.ReferrerId).Age).ToList();
        Assert.Equal(2, ages.Count);

        if (provider == Linq)
        {
            Assert.Throws<NullReferenceException>(() => ShopQueries.ReferrerAges(Source(provider, Batches.NullOperands)));
            return;
        }

        Assert.Equal((ages.Sum(), ages.Max(), ages.Average()), ShopQueries.ReferrerAges(Source(provider, Batches.NullOperands)));
        Assert.Equal((0, (int?)null, (double?)null), ShopQueries.ReferrerAges(Source(provider, Batches.None)));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders))]
    public void A_projected_member_a_left_join_leaves_null_is_skipped_by_the_average_too(string provider)
    {
        // The projection's Age cannot be null in C#, but SQL gives the order without a referrer a null age: SUM skips
        // it, and so must the average's count (two ages, not three rows). In memory, reading it would throw.
        var ages = Rows(Batches.NullOperands).Where(static o => o.ReferrerId is not null)
            .Select(static o => Batches.Customers().Single(c => c.Id == o.ReferrerId).Age).ToList();
        Assert.Equal(2, ages.Count);

        var projected = Source(provider, Batches.NullOperands).Select(static o => new ReferrerRow { Age = o.Referrer!.Age });
        Assert.Equal((ages.Sum(), (double?)ages.Average()), ShopQueries.ProjectedAges(projected));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders))]
    public void Distinct_values_a_left_join_leaves_null_count_that_null_once_as_Distinct_Count_does(string provider)
    {
        // Two referrers' ages and the order without one, whose age SQL gives as null: the provider's own
        // Distinct().Count() counts it once, and so does the fused query (EF Core writes both as COUNT(*) over a
        // SELECT DISTINCT, not as COUNT(DISTINCT ...), which would skip it).
        var expected = Source(provider, Batches.NullOperands).Select(static o => o.Referrer!.Age).Distinct().Count();
        Assert.Equal(3, expected);

        Assert.Equal(expected, ShopQueries.DistinctReferrerAges(Source(provider, Batches.NullOperands)));
        var projected = Source(provider, Batches.NullOperands).Select(static o => new ReferrerRow { Age = o.Referrer!.Age });
        Assert.Equal(expected, ShopQueries.DistinctProjectedAges(projected));
        Assert.Equal(0, ShopQueries.DistinctReferrerAges(Source(provider, Batches.None)));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders))]
    public void Distinct_values_a_method_reads_from_a_nullable_column_count_its_null_once_as_Distinct_Count_does(string provider)
    {
        // MaybeQuantity 50, null, 20 read as int: the provider's own Distinct().Count() counts the null once (a
        // COUNT(*) over a SELECT DISTINCT); the fused query's distinct values are an aggregate of the group, which EF
        // Core writes as COUNT(DISTINCT ...) for a plain column, so the null is counted apart.
        var expected = Source(provider, Batches.NullOperands).Select(static o => (int)o.MaybeQuantity!).Distinct().Count();
        Assert.Equal(3, expected);

        Assert.Equal(expected, ShopQueries.DistinctQuantitiesRead(Source(provider, Batches.NullOperands)));
        Assert.Equal(0, ShopQueries.DistinctQuantitiesRead(Source(provider, Batches.None)));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void Distinct_answers_of_a_comparison_with_null_count_its_false_once(string provider)
    {
        // MaybeQuantity 50, null, 20: `null > 30` is false in C#, as 20 > 30 is, so IsOverThirty is true, false, false.
        var rows = Rows(Batches.NullOperands);
        var expected = (rows.Select(static o => o.MaybeQuantity > 30).Distinct().Count(), rows.Select(static o => o.MaybeQuantity > 10).Distinct().Count());
        Assert.Equal((2, 2), expected);

        Assert.Equal(expected, ShopQueries.DistinctAnswers(Source(provider, Batches.NullOperands)));
        Assert.Equal((0, 0), ShopQueries.DistinctAnswers(Source(provider, Batches.None)));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void Any_All_and_filters_keep_CSharps_answer_for_a_comparison_with_null(string provider)
    {
        // MaybeQuantity 50, null, 20: `null > 10` is false in C#, so IsMany is true, false, true and IsFew false, true, false.
        var rows = Rows(Batches.NullOperands);
        var expected = (
            rows.Any(static o => o.MaybeQuantity > 10), rows.All(static o => o.MaybeQuantity > 10),
            rows.Any(static o => !(o.MaybeQuantity > 10)), rows.All(static o => !(o.MaybeQuantity > 10)),
            rows.Count(static o => !(o.MaybeQuantity > 10)));
        Assert.Equal((true, false, true, false, 1), expected);

        Assert.Equal(expected, ShopQueries.Many(Source(provider, Batches.NullOperands)));

        // Negated, `!(o.MaybeQuantity > 10)`: EF Core 10 on SQLite (and SQL Server) flattens its null compensation away
        // inside an aggregate's CASE (dotnet/efcore#39059, open), so the null row counts as false there, as it does in a
        // hand-written GroupBy with the same Count. The README says so and gives the spelled-out form above. When EF Core
        // fixes it, this branch fails and the README's note goes.
        var notMany = ShopQueries.NotMany(Source(provider, Batches.NullOperands));
        Assert.Equal(provider == "SQLite" ? (false, false, 0) : (expected.Item3, expected.Item4, expected.Item5), notMany);

        // Its other forms, `(o.MaybeQuantity > 10) == false` and `o.MaybeQuantity > 10 ? false : true`, become the same NOT
        // and lose the null row the same way, which is why the code fix does not fuse them into one query either.
        var otherwise = ShopQueries.NotManyOtherwise(Source(provider, Batches.NullOperands));
        Assert.Equal(provider == "SQLite" ? (0, 0) : (expected.Item5, expected.Item5), otherwise);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void Min_and_Max_of_a_comparison_with_null_keep_CSharps_answer_but_for_the_negation_on_SQLite(string provider)
    {
        // IsMany is true, false, true and IsNotMany false, true, false: each has a false and a true.
        var rows = Rows(Batches.NullOperands);
        var expected = (
            rows.Min(static o => o.MaybeQuantity > 10), rows.Max(static o => o.MaybeQuantity > 10),
            rows.Min(static o => !(o.MaybeQuantity > 10)), rows.Max(static o => !(o.MaybeQuantity > 10)));
        Assert.Equal((false, true, false, true), expected);

        // The negation inside MAX's CASE loses its null compensation on SQLite as in a count (dotnet/efcore#39059): the
        // null row, the only one whose negation is true, is false there, so the greatest is false.
        var range = ShopQueries.ManyRange(Source(provider, Batches.NullOperands));
        Assert.Equal(provider == "SQLite" ? (false, true, false, false) : expected, range);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void Min_and_Max_of_a_DateTimeOffset_are_the_providers_to_translate(string provider)
    {
        var placed = Rows(Batches.Main).Select(static o => o.Placed).ToList();

        var thrown = Record.Exception(() => ShopQueries.PlacedRange(Source(provider, Batches.Main)));

        if (provider == "SQLite")
        {
            // EF Core's SQLite provider stores a DateTimeOffset as text and translates no MIN/MAX of it, as the README says.
            Assert.IsType<NotSupportedException>(thrown);
        }
        else
        {
            Assert.Null(thrown);
            Assert.Equal(((DateTimeOffset?)placed.Min(), (DateTimeOffset?)placed.Max()), ShopQueries.PlacedRange(Source(provider, Batches.Main)));
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void Min_and_Max_of_a_bool_order_false_before_true(string provider)
    {
        foreach (var batch in new[] { Batches.Main, Batches.NullOperands, Batches.IntOverflow })
        {
            var rows = Rows(batch);
            var known = rows.Where(static o => o.MaybeQuantity != null).Select(static o => o.IsPaid).ToList();

            var range = ShopQueries.PaidRange(Source(provider, batch));

            Assert.Equal((rows.Min(static o => o.IsPaid), rows.Max(static o => o.IsPaid), known.Count == 0 ? null : (bool?)known.Min(), known.Count == 0 ? null : (bool?)known.Max()), range);
        }

        // No rows: LINQ's exception for a bool, as the same method over a list throws.
        Assert.Throws<InvalidOperationException>(() => ShopQueries.PaidRange(Source(provider, Batches.None)));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void Strings_compare_by_the_databases_collation(string provider)
    {
        var regions = Rows(Batches.Main).Select(static o => o.Region).ToList();

        var (first, last) = ShopQueries.RegionRange(Source(provider, Batches.Main));

        if (provider == Linq)
        {
            Assert.Equal((regions.Min(), regions.Max()), (first, last));
        }
        else
        {
            // SQLite's BINARY collation and PostgreSQL's C.UTF-8 order strings by their bytes ("East" < "West" < "east"),
            // LINQ's Comparer<string>.Default by culture ("east" < "East").
            Assert.Equal((regions.Min(StringComparer.Ordinal), regions.Max(StringComparer.Ordinal)), (first, last));
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void An_int_sum_is_taken_in_64_bits_and_fits_when_its_total_does(string provider)
    {
        var quantities = Rows(Batches.PrefixOverflow).Select(static o => o.Quantity).ToList();
        Assert.Throws<OverflowException>(() => quantities.Sum());   // LINQ: a running prefix overflows

        Assert.Equal(int.MaxValue, ShopQueries.QuantityTotal(Source(provider, Batches.PrefixOverflow)));
        Assert.Throws<OverflowException>(() => ShopQueries.QuantityTotal(Source(provider, Batches.IntOverflow)));
        Assert.Equal(int.MaxValue + 1L, ShopQueries.QuantityTotalLong(Source(provider, Batches.IntOverflow)));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void A_total_past_64_bits_fails_as_the_provider_fails(string provider)
    {
        var thrown = Record.Exception(() => ShopQueries.BigTotal(Source(provider, Batches.LongOverflow)));

        switch (provider)
        {
            case "PostgreSQL":
                Assert.Equal("22003", Assert.IsType<Npgsql.PostgresException>(thrown).SqlState);   // bigint out of range
                break;
            case "SQLite":
                Assert.Contains("integer overflow", Assert.IsType<Microsoft.Data.Sqlite.SqliteException>(thrown).Message, StringComparison.Ordinal);
                break;
            default:
                Assert.IsType<OverflowException>(thrown);
                break;
        }
    }

    /// <summary>
    /// decimal.MaxValue twice: PostgreSQL's numeric holds the total, and Npgsql throws LINQ's <c>OverflowException</c> as
    /// it reads it into a decimal; EF Core's SQLite provider adds decimals in .NET, in an aggregate function of its own
    /// (<c>ef_sum</c>), so its overflow comes back as a <c>SqliteException</c> with the overflow's message.
    /// </summary>
    [Theory]
    [MemberData(nameof(Providers))]
    public void A_decimal_total_past_decimals_range_fails_as_the_provider_fails(string provider)
    {
        Assert.Throws<OverflowException>(() => Rows(Batches.DecimalOverflow).Sum(static o => o.Total));   // LINQ's own
        var thrown = Record.Exception(() => ShopQueries.Revenue(Source(provider, Batches.DecimalOverflow)));

        if (provider == "SQLite")
        {
            Assert.Contains("too large or too small for a Decimal", Assert.IsType<Microsoft.Data.Sqlite.SqliteException>(thrown).Message, StringComparison.Ordinal);
            Assert.Contains("ef_sum(", Assert.Single(Commands(provider)), StringComparison.Ordinal);
        }
        else
        {
            Assert.IsType<OverflowException>(thrown);
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void A_64_bit_running_total_follows_the_providers_sum(string provider)
    {
        // long.MaxValue, 1, -1: the total fits. The in-memory method never throws for a total that fits (DESIGN.md §4);
        // a query leaves the sum to its provider: PostgreSQL sums bigint in numeric, SQLite's sum() and LINQ's checked
        // Sum fail where the running total leaves 64 bits.
        long? total = null;
        var thrown = Record.Exception(() => total = ShopQueries.BigTotal(Source(provider, Batches.LongPrefixOverflow)));

        switch (provider)
        {
            case "PostgreSQL":
                Assert.Null(thrown);
                Assert.Equal(long.MaxValue, total);
                break;
            case "SQLite":
                Assert.Contains("integer overflow", Assert.IsType<Microsoft.Data.Sqlite.SqliteException>(thrown).Message, StringComparison.Ordinal);
                break;
            default:
                Assert.IsType<OverflowException>(thrown);
                break;
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void An_unsigned_64_bit_sum_past_long_MaxValue_is_exact(string provider)
    {
        // The database sums ulong as decimal (SQLite: EF Core's ef_sum over the values as text; PostgreSQL: numeric).
        var expected = ShopQueries.UnsignedTotalInMemory(Rows(Batches.UnsignedPastLong));
        Assert.Equal((ulong.MaxValue, ulong.MaxValue / 3.0), expected);

        Assert.Equal(expected, ShopQueries.UnsignedTotal(Source(provider, Batches.UnsignedPastLong)));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void Unsigned_values_past_long_MaxValue_are_what_the_database_stores(string provider)
    {
        var expected = ShopQueries.UnsignedStatsInMemory(Rows(Batches.Unsigned));
        Assert.Equal((ulong.MaxValue, ulong.MaxValue / 3.0, 4UL, ulong.MaxValue - 10), expected);

        if (provider == "SQLite")
        {
            // EF Core's SQLite provider stores a ulong as the signed 64-bit integer of the same bits, so 2^64 - 11 is -11
            // there and the three values sum to -1, which no ulong holds; it does not translate Min and Max of a ulong.
            Assert.IsType<OverflowException>(Record.Exception(() => ShopQueries.UnsignedTotal(Source(provider, Batches.Unsigned))));
            Assert.IsType<NotSupportedException>(Record.Exception(() => ShopQueries.UnsignedStats(Source(provider, Batches.Unsigned))));
            return;
        }

        Assert.Equal(expected, ShopQueries.UnsignedStats(Source(provider, Batches.Unsigned)));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders))]
    public void A_DbSet_is_a_query_and_AsEnumerable_opts_out(string provider)
    {
        var rows = Rows(Batches.Main).Concat(Rows(Batches.PrefixOverflow)).Concat(Rows(Batches.IntOverflow)).Concat(Rows(Batches.LongOverflow))
            .Concat(Rows(Batches.LongPrefixOverflow)).Concat(Rows(Batches.NullOperands)).ToList();
        var expected = (rows.Count(static o => o.IsPaid), rows.Max(static o => (int?)o.Quantity));
        var database = databases[provider];
        using var db = database.Open();
        database.Log.Clear();

        Assert.Equal(expected, ShopQueries.FromSet(db.Orders));
        var query = Assert.Single(database.Log.Commands);
        Assert.Contains("GROUP BY", query, StringComparison.Ordinal);

        database.Log.Clear();
#pragma warning disable MAGG002 // the set read a second time on purpose, row by row
        Assert.Equal(expected, ShopQueries.InMemory(db.Orders.AsNoTracking().AsEnumerable()));
#pragma warning restore MAGG002
        var download = Assert.Single(database.Log.Commands);
        Assert.DoesNotContain("GROUP BY", download, StringComparison.Ordinal);   // every row, aggregated here
    }

    /// <summary>
    /// The database's order where it has one (the README's query section): PostgreSQL puts NaN above every number, so its
    /// Min skips a NaN and its Max returns it, where LINQ's Min returns NaN and its Max skips it.
    /// </summary>
    [Fact]
    public void PostgreSQL_orders_NaN_above_every_number()
    {
        var rows = databases.Postgres.Rows(Batches.NaN);
        Assert.Equal(3, rows.Count);
        var (lowest, highest) = ShopQueries.ScoreRangeInMemory(rows);
        Assert.True(double.IsNaN(lowest), $"LINQ's Min: {lowest}");
        Assert.Equal(1.5, highest);

        (lowest, highest) = ShopQueries.ScoreRange(Source("PostgreSQL", Batches.NaN));
        Assert.Single(Commands("PostgreSQL"));
        Assert.Equal(-2, lowest);
        Assert.True(double.IsNaN(highest), $"PostgreSQL's Max: {highest}");
    }

    /// <summary>
    /// Of equal values, PostgreSQL's Min and Max return the one they read last, where LINQ keeps the first (the README's
    /// query section): over -0.0 then +0.0, LINQ's are both -0.0 and PostgreSQL's both +0.0.
    /// </summary>
    [Fact]
    public void PostgreSQL_returns_the_last_of_equal_values()
    {
        var rows = databases.Postgres.Rows(Batches.SignedZeros);
        Assert.Equal(new[] { true, false }, rows.Select(static o => double.IsNegative(o.Score)));
        var (lowest, highest) = ShopQueries.ScoreRangeInMemory(rows);
        Assert.True(double.IsNegative(lowest) && double.IsNegative(highest), $"LINQ's: {lowest} {highest}");

        (lowest, highest) = ShopQueries.ScoreRange(Source("PostgreSQL", Batches.SignedZeros));
        Assert.Single(Commands("PostgreSQL"));
        Assert.Equal(0.0, lowest);
        Assert.False(double.IsNegative(lowest) || double.IsNegative(highest), $"PostgreSQL's: {lowest} {highest}");
    }

    /// <summary>PostgreSQL cancels a running command when the token is cancelled: the query over a slow source stops early.</summary>
    [Fact]
    public async Task Cancelling_a_running_query_cancels_its_command_on_PostgreSQL()
    {
        var database = databases.Postgres;
        await using var db = database.Open();
        var slow = db.Orders.FromSqlRaw("SELECT o.* FROM \"Orders\" AS o CROSS JOIN pg_sleep(60)");
        using var cancellation = new CancellationTokenSource();
        database.Log.Clear();

        // Cancelled once the command is on its way and 200 ms more (not before: a token cancelled first proves nothing about a
        // running command).
        var query = ShopQueries.SummarizeAsync(slow, cancellation.Token);
        var sent = System.Diagnostics.Stopwatch.StartNew();
        while (!database.Log.Commands.Any(static c => c.Contains("pg_sleep", StringComparison.Ordinal)) && !query.IsCompleted && sent.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(10);
        }

        Assert.Contains(database.Log.Commands, static c => c.Contains("pg_sleep", StringComparison.Ordinal));
        await Task.Delay(200);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => query);

        // Well short of the minute it sleeps, with room for a loaded machine (and for Npgsql's fallback of breaking the connection).
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), $"the command ran on for {watch.Elapsed} after its cancellation");
    }

    private static void AssertClose(double expected, double actual) =>
        Assert.Equal(expected, actual, Math.Max(Math.Abs(expected), 1) * 1e-12);

    private static void AssertClose(double? expected, double? actual)
    {
        Assert.Equal(expected is null, actual is null);
        if (expected is { } e)
        {
            AssertClose(e, actual!.Value);
        }
    }

    private static void AssertClose(float? expected, float? actual)
    {
        Assert.Equal(expected is null, actual is null);
        if (expected is { } e)
        {
            Assert.Equal(e, actual!.Value, Math.Max(Math.Abs(e), 1) * 1e-6f);
        }
    }

    private static List<int> Occurrences(string text, string part)
    {
        var found = new List<int>();
        for (var at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + 1, StringComparison.Ordinal))
        {
            found.Add(at);
        }

        return found;
    }
}
