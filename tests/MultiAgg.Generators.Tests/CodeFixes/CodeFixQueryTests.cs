using System.Reflection;
using Microsoft.CodeAnalysis;
using MultiAgg.CodeFixes;
using MultiAgg.Generators.Tests.Infrastructure;

namespace MultiAgg.Generators.Tests;

/// <summary>
/// MAGG002's "Fuse into one query": aggregate calls on one <c>IQueryable&lt;T&gt;</c>, synchronous (<c>Queryable</c>) or
/// awaited (EF Core's <c>*Async</c>, declared here by <see cref="EntityFrameworkCore"/> with EF Core's signatures),
/// become one [Aggregate] method that runs one query. Exact outputs go through <see cref="CodeFixVerifier"/>
/// (Microsoft.CodeAnalysis.Testing, with the generator attached); the fixed code also compiles warning-free with no
/// MAGG diagnostic, and runs like the original on LINQ's own <c>AsQueryable()</c>.
/// </summary>
public class CodeFixQueryTests
{
    /// <summary>MAGG002's one action carries the key every first action has (see <see cref="MultipleEnumerationCodeFixProvider"/>).</summary>
    private const string FuseIntoOneQuery = MultipleEnumerationFixAll.EquivalenceKey;

    /// <summary>
    /// EF Core's async aggregates as <c>EntityFrameworkQueryableExtensions</c> declares them (EF Core 10's signatures),
    /// run on whatever provider the query has: the fix must recognise them by name and namespace, without EF Core.
    /// </summary>
    internal const string EntityFrameworkCore = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Linq.Expressions;
        using System.Threading;
        using System.Threading.Tasks;

        namespace Microsoft.EntityFrameworkCore
        {
            public static class EntityFrameworkQueryableExtensions
            {
                public static Task<int> CountAsync<TSource>(this IQueryable<TSource> source, CancellationToken cancellationToken = default) =>
                    Run(() => source.Count(), cancellationToken);

                public static Task<int> CountAsync<TSource>(this IQueryable<TSource> source, Expression<Func<TSource, bool>> predicate, CancellationToken cancellationToken = default) =>
                    Run(() => source.Count(predicate), cancellationToken);

                public static Task<long> LongCountAsync<TSource>(this IQueryable<TSource> source, Expression<Func<TSource, bool>> predicate, CancellationToken cancellationToken = default) =>
                    Run(() => source.LongCount(predicate), cancellationToken);

                public static Task<int> SumAsync<TSource>(this IQueryable<TSource> source, Expression<Func<TSource, int>> selector, CancellationToken cancellationToken = default) =>
                    Run(() => source.Sum(selector), cancellationToken);

                public static Task<decimal> SumAsync<TSource>(this IQueryable<TSource> source, Expression<Func<TSource, decimal>> selector, CancellationToken cancellationToken = default) =>
                    Run(() => source.Sum(selector), cancellationToken);

                public static Task<TResult> MinAsync<TSource, TResult>(this IQueryable<TSource> source, Expression<Func<TSource, TResult>> selector, CancellationToken cancellationToken = default) =>
                    Run(() => source.Min(selector)!, cancellationToken);

                public static Task<TResult> MaxAsync<TSource, TResult>(this IQueryable<TSource> source, Expression<Func<TSource, TResult>> selector, CancellationToken cancellationToken = default) =>
                    Run(() => source.Max(selector)!, cancellationToken);

                public static Task<double> AverageAsync<TSource>(this IQueryable<TSource> source, Expression<Func<TSource, int>> selector, CancellationToken cancellationToken = default) =>
                    Run(() => source.Average(selector), cancellationToken);

                public static Task<double?> AverageAsync<TSource>(this IQueryable<TSource> source, Expression<Func<TSource, long?>> selector, CancellationToken cancellationToken = default) =>
                    Run(() => source.Average(selector), cancellationToken);

                public static Task<bool> AnyAsync<TSource>(this IQueryable<TSource> source, CancellationToken cancellationToken = default) =>
                    Run(() => source.Any(), cancellationToken);

                public static Task<bool> AllAsync<TSource>(this IQueryable<TSource> source, Expression<Func<TSource, bool>> predicate, CancellationToken cancellationToken = default) =>
                    Run(() => source.All(predicate), cancellationToken);

                public static Task<List<TSource>> ToListAsync<TSource>(this IQueryable<TSource> source, CancellationToken cancellationToken = default) =>
                    Run(() => source.ToList(), cancellationToken);

                private static async Task<T> Run<T>(Func<T> execute, CancellationToken cancellationToken)
                {
                    await Task.Yield();
                    cancellationToken.ThrowIfCancellationRequested();
                    return execute();
                }
            }
        }
        """;

    /// <summary>LINQ-to-Objects' query, made to implement <c>IAsyncEnumerable&lt;T&gt;</c> as EF Core's queries do, for the async methods to run.</summary>
    private const string AsyncQueryable = """
        using System;
        using System.Collections;
        using System.Collections.Generic;
        using System.Linq;
        using System.Linq.Expressions;
        using System.Threading;
        using System.Threading.Tasks;

        /// <summary>LINQ-to-Objects' query, which also implements IAsyncEnumerable&lt;T&gt;, as EF Core's queries do.</summary>
        public sealed class AsyncQuery<T>(IQueryable<T> inner) : IQueryable<T>, IAsyncEnumerable<T>
        {
            public Type ElementType => inner.ElementType;

            public Expression Expression => inner.Expression;

            public IQueryProvider Provider => new AsyncQueryProvider(inner.Provider);

            public IEnumerator<T> GetEnumerator() => inner.GetEnumerator();

            IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

            public async IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default)
            {
                foreach (var item in inner)
                {
                    await Task.Yield();
                    cancellationToken.ThrowIfCancellationRequested();
                    yield return item;
                }
            }
        }

        public sealed class AsyncQueryProvider(IQueryProvider inner) : IQueryProvider
        {
            public IQueryable CreateQuery(Expression expression) => throw new NotSupportedException();

            public IQueryable<TElement> CreateQuery<TElement>(Expression expression) => new AsyncQuery<TElement>(inner.CreateQuery<TElement>(expression));

            public object? Execute(Expression expression) => inner.Execute(expression);

            public TResult Execute<TResult>(Expression expression) => inner.Execute<TResult>(expression);
        }
        """;

    [Fact]
    public async Task SyncAggregatesOfAQueryFuseIntoOneQuery()
    {
        const string testCode = """
            using System.Linq;

            public sealed record Order(decimal Total, int Quantity, bool IsPaid, string Region);

            public class Report
            {
                public string Describe(IQueryable<Order> orders)
                {
                    var revenue = orders.Sum(o => o.Total);
                    var largest = {|MAGG002:orders|}.Max(o => o.Total);
                    var paid = {|MAGG002:orders|}.Count(o => o.IsPaid);
                    var units = {|MAGG002:orders|}.Average(o => o.Quantity);
                    var regions = {|MAGG002:orders|}.Select(o => o.Region).Distinct().Count();
                    var smallest = {|MAGG002:orders|}.Select(o => o.Total).Min();
                    return $"{revenue} {largest} {paid} {units} {regions} {smallest}";
                }
            }
            """;
        const string fixedSource = """
            using System.Linq;
            using MultiAgg;

            public sealed record Order(decimal Total, int Quantity, bool IsPaid, string Region);

            public partial class Report
            {
                public string Describe(IQueryable<Order> orders)
                {
                    var (revenue, largest, paid, units, regions, smallest) = SummarizeOrders(orders);
                    return $"{revenue} {largest} {paid} {units} {regions} {smallest}";
                }

                [Aggregate(Agg.Sum, Agg.Max, Of = nameof(Order.Total))]
                [Aggregate(Agg.Count, Where = nameof(Order.IsPaid))]
                [Aggregate(Agg.Average, Of = nameof(Order.Quantity))]
                [Aggregate(Agg.CountDistinct, Of = nameof(Order.Region))]
                [Aggregate(Agg.Min, Of = nameof(Order.Total))]
                private static partial (decimal Revenue, decimal Largest, int Paid, double Units, int Regions, decimal Smallest) SummarizeOrders(IQueryable<Order> orders);
            }
            """;

        await CodeFixVerifier.VerifyAsync(testCode, fixedSource, FuseIntoOneQuery);

        // The generator implements it as a query, without a diagnostic or warning.
        TestCompiler.Run(TestCompiler.Compile(fixedSource)).AssertClean();
    }

    /// <summary>An expression-bodied method's aggregates of a query fuse as a block's do: the body becomes a block.</summary>
    [Fact]
    public async Task AQuerysAggregatesInAnExpressionBodyFuseIntoOneQuery()
    {
        const string testCode = """
            using System.Linq;

            public sealed record Order(decimal Total, int Quantity, bool IsPaid, string Region);

            public class Report
            {
                public string Describe(IQueryable<Order> orders) => $"{orders.Count()} orders, {{|MAGG002:orders|}.Sum(o => o.Total)} in all";
            }
            """;
        const string fixedSource = """
            using System.Linq;
            using MultiAgg;

            public sealed record Order(decimal Total, int Quantity, bool IsPaid, string Region);

            public partial class Report
            {
                public string Describe(IQueryable<Order> orders)
                {
                    var (count, sumTotal) = SummarizeOrders(orders);
                    return $"{count} orders, {sumTotal} in all";
                }

                [Aggregate(Agg.Count)]
                [Aggregate(Agg.Sum, Of = nameof(Order.Total))]
                private static partial (int Count, decimal SumTotal) SummarizeOrders(IQueryable<Order> orders);
            }
            """;

        await CodeFixVerifier.VerifyAsync(testCode, fixedSource, FuseIntoOneQuery);
    }

    [Fact]
    public async Task AwaitedProviderAggregatesFuseIntoAnAsyncMethodGivenTheCallsToken()
    {
        const string testCode = """
            using System.Linq;
            using System.Threading;
            using System.Threading.Tasks;
            using Microsoft.EntityFrameworkCore;

            public sealed record Order(decimal Total, int Quantity, bool IsPaid, string Region);

            public class Report
            {
                public async Task<string> DescribeAsync(IQueryable<Order> orders, CancellationToken ct)
                {
                    var count = await orders.CountAsync(ct).ConfigureAwait(false);
                    var paid = await {|MAGG002:orders|}.CountAsync(o => o.IsPaid, ct);
                    var revenue = await {|MAGG002:orders|}.SumAsync(o => o.Total, ct);
                    var largest = await {|MAGG002:orders|}.MaxAsync(o => o.Total, ct);
                    var units = await {|MAGG002:orders|}.AverageAsync(o => o.Quantity, ct);
                    var any = await {|MAGG002:orders|}.AnyAsync(ct);
                    var allPaid = await {|MAGG002:orders|}.AllAsync(o => o.IsPaid, ct);
                    var regions = await {|MAGG002:orders|}.Select(o => o.Region).Distinct().CountAsync(ct);
                    return $"{count} {paid} {revenue} {largest} {units} {any} {allPaid} {regions}";
                }
            }
            """;
        const string fixedSource = """
            using System.Linq;
            using System.Threading;
            using System.Threading.Tasks;
            using Microsoft.EntityFrameworkCore;
            using MultiAgg;

            public sealed record Order(decimal Total, int Quantity, bool IsPaid, string Region);

            public partial class Report
            {
                public async Task<string> DescribeAsync(IQueryable<Order> orders, CancellationToken ct)
                {
                    var (count, paid, revenue, largest, units, any, allPaid, regions) = await SummarizeOrdersAsync(orders, ct).ConfigureAwait(false);
                    return $"{count} {paid} {revenue} {largest} {units} {any} {allPaid} {regions}";
                }

                [Aggregate(Agg.Count)]
                [Aggregate(Agg.Count, Where = nameof(Order.IsPaid))]
                [Aggregate(Agg.Sum, Agg.Max, Of = nameof(Order.Total))]
                [Aggregate(Agg.Average, Of = nameof(Order.Quantity))]
                [Aggregate(Agg.Any)]
                [Aggregate(Agg.All, Of = nameof(Order.IsPaid))]
                [Aggregate(Agg.CountDistinct, Of = nameof(Order.Region))]
                private static partial Task<(int Count, int Paid, decimal Revenue, decimal Largest, double Units, bool Any, bool AllPaid, int Regions)> SummarizeOrdersAsync(IQueryable<Order> orders, CancellationToken cancellationToken = default);
            }
            """;

        await CodeFixVerifier.VerifyAsync([testCode, EntityFrameworkCore], [fixedSource, EntityFrameworkCore], FuseIntoOneQuery);
        TestCompiler.Run(TestCompiler.Compile([fixedSource, EntityFrameworkCore])).AssertClean();
    }

    /// <summary>
    /// EF Core's <c>MaxAsync</c> declares <c>Task&lt;TResult&gt;</c>, and gives null for no rows where <c>TResult</c> is a
    /// reference type: the fused result is nullable, and the fused call gives null there too instead of throwing.
    /// </summary>
    [Fact]
    public async Task AnAwaitedMaxOfAReferenceTypeIsNullableAsTheCallsNullForNoRows()
    {
        const string testCode = """
            using System.Linq;
            using System.Threading;
            using System.Threading.Tasks;
            using Microsoft.EntityFrameworkCore;

            public sealed record Order(decimal Total, string Region);

            public static class Report
            {
                public static async Task<string> DescribeAsync(IQueryable<Order> orders, CancellationToken ct)
                {
                    var count = await orders.CountAsync(ct);
                    var last = await {|MAGG002:orders|}.MaxAsync(o => o.Region, ct);
                    return $"{count} {last ?? "none"}";
                }
            }
            """;
        const string fixedSource = """
            using System.Linq;
            using System.Threading;
            using System.Threading.Tasks;
            using Microsoft.EntityFrameworkCore;
            using MultiAgg;

            public sealed record Order(decimal Total, string Region);

            public static partial class Report
            {
                public static async Task<string> DescribeAsync(IQueryable<Order> orders, CancellationToken ct)
                {
                    var (count, last) = await SummarizeOrdersAsync(orders, ct);
                    return $"{count} {last ?? "none"}";
                }

                [Aggregate(Agg.Count)]
                [Aggregate(Agg.Max, Of = nameof(Order.Region))]
                private static partial Task<(int Count, string? Last)> SummarizeOrdersAsync(IQueryable<Order> orders, CancellationToken cancellationToken = default);
            }
            """;

        await CodeFixVerifier.VerifyAsync([testCode, EntityFrameworkCore], [fixedSource, EntityFrameworkCore], FuseIntoOneQuery);
        const string program = """
            using System.Linq;

            public static class Program
            {
                public static string Run(string[] regions) =>
                    Report.DescribeAsync(new AsyncQuery<Order>(regions.Select(static r => new Order(1m, r)).AsQueryable()), default).GetAwaiter().GetResult();
            }
            """;
        var run = TestCompiler.Load(TestCompiler.Run(TestCompiler.Compile([fixedSource, EntityFrameworkCore, AsyncQueryable, program])).AssertClean().Output)
            .GetType("Program")!.GetMethod("Run")!;
        string Describe(params string[] regions) => (string)run.Invoke(null, [regions])!;

        Assert.Equal("0 none", Describe());
        Assert.Equal("2 west", Describe("east", "west"));
    }

    [Fact]
    public async Task CallsWithoutATokenGiveTheFusedCallNone()
    {
        const string testCode = """
            using System.Linq;
            using System.Threading.Tasks;
            using Microsoft.EntityFrameworkCore;

            public sealed record Order(decimal Total, bool IsPaid);

            public static class Report
            {
                public static async Task<string> DescribeAsync(IQueryable<Order> paid)
                {
                    var revenue = await paid.SumAsync(o => o.Total);
                    var smallest = await {|MAGG002:paid|}.MinAsync(o => (decimal?)o.Total);
                    return $"{revenue} {smallest}";
                }
            }
            """;
        const string fixedSource = """
            using System.Linq;
            using System.Threading.Tasks;
            using Microsoft.EntityFrameworkCore;
            using MultiAgg;

            public sealed record Order(decimal Total, bool IsPaid);

            public static partial class Report
            {
                public static async Task<string> DescribeAsync(IQueryable<Order> paid)
                {
                    var (revenue, smallest) = await SummarizePaidAsync(paid);
                    return $"{revenue} {smallest}";
                }

                [Aggregate(Agg.Sum, Of = nameof(Order.Total))]
                [Aggregate(Agg.Min, Of = nameof(TotalAsNullableDecimal))]
                private static partial Task<(decimal Revenue, decimal? Smallest)> SummarizePaidAsync(IQueryable<Order> paid, System.Threading.CancellationToken cancellationToken = default);

                private static decimal? TotalAsNullableDecimal(Order o) => o.Total;
            }
            """;

        await CodeFixVerifier.VerifyAsync([testCode, EntityFrameworkCore], [fixedSource, EntityFrameworkCore], FuseIntoOneQuery);
        TestCompiler.Run(TestCompiler.Compile([fixedSource, EntityFrameworkCore])).AssertClean();
    }

    /// <summary>
    /// A set read through members (<c>_db.Orders</c>) and a chain written out the same way in each call are sources
    /// too: the fused call reads them once, and the method takes them as the type they have (a set, a query).
    /// </summary>
    [Fact]
    public async Task ASetReadThroughMembersAndARepeatedChainAreFusedSources()
    {
        const string testCode = """
            using System.Linq;
            using System.Threading;
            using System.Threading.Tasks;
            using Microsoft.EntityFrameworkCore;

            public sealed class Order { public int Id { get; set; } public decimal Total { get; set; } public bool Open { get; set; } }
            public sealed class Shop { public DbSet<Order> Orders { get; } = new(); }

            public class Report
            {
                private readonly Shop _db = new();

                public async Task<string> DescribeAsync(CancellationToken ct)
                {
                    var count = await _db.Orders.CountAsync(ct);
                    var largest = await {|MAGG002:_db.Orders|}.MaxAsync(o => o.Total, ct);
                    return $"{count} {largest}";
                }

                public string Open()
                {
                    var first = _db.Orders.Where(o => o.Open).Min(o => o.Id);
                    var last = {|MAGG002:_db.Orders.Where(o => o.Open)|}.Max(o => o.Id);
                    return $"{first}..{last}";
                }
            }
            """;
        const string fixedSource = """
            using System.Linq;
            using System.Threading;
            using System.Threading.Tasks;
            using Microsoft.EntityFrameworkCore;
            using MultiAgg;

            public sealed class Order { public int Id { get; set; } public decimal Total { get; set; } public bool Open { get; set; } }
            public sealed class Shop { public DbSet<Order> Orders { get; } = new(); }

            public partial class Report
            {
                private readonly Shop _db = new();

                public async Task<string> DescribeAsync(CancellationToken ct)
                {
                    var (count, largest) = await SummarizeOrdersAsync(_db.Orders, ct);
                    return $"{count} {largest}";
                }

                [Aggregate(Agg.Count)]
                [Aggregate(Agg.Max, Of = nameof(Order.Total))]
                private static partial Task<(int Count, decimal Largest)> SummarizeOrdersAsync(DbSet<Order> orders, CancellationToken cancellationToken = default);

                public string Open()
                {
                    var (first, last) = SummarizeOrders(_db.Orders.Where(o => o.Open));
                    return $"{first}..{last}";
                }

                [Aggregate(Agg.Min, Agg.Max, Of = nameof(Order.Id))]
                private static partial (int First, int Last) SummarizeOrders(IQueryable<Order> orders);
            }
            """;

        var sources = new[] { testCode, CodeFixQueryTests.EntityFrameworkCore.Replace("namespace Microsoft.EntityFrameworkCore\n{", "namespace Microsoft.EntityFrameworkCore\n{\n" + TestSources.DbSet) };
        var fixedSources = new[] { fixedSource, sources[1] };
        await CodeFixVerifier.VerifyAsync(sources, fixedSources, FuseIntoOneQuery);
        TestCompiler.Run(TestCompiler.Compile(fixedSources)).AssertClean();
    }

    [Fact]
    public async Task AFieldReadByItsBareNameIsAFusedSource()
    {
        const string testCode = """
            using System.Linq;

            public sealed record Order(decimal Total);

            public class Report
            {
                private readonly IQueryable<Order> _orders = Enumerable.Empty<Order>().AsQueryable();

                public string Describe()
                {
                    var count = _orders.Count();
                    var largest = {|MAGG002:_orders|}.Max(o => o.Total);
                    return $"{count} {largest}";
                }
            }
            """;
        const string fixedSource = """
            using System.Linq;
            using MultiAgg;

            public sealed record Order(decimal Total);

            public partial class Report
            {
                private readonly IQueryable<Order> _orders = Enumerable.Empty<Order>().AsQueryable();

                public string Describe()
                {
                    var (count, largest) = SummarizeOrders(_orders);
                    return $"{count} {largest}";
                }

                [Aggregate(Agg.Count)]
                [Aggregate(Agg.Max, Of = nameof(Order.Total))]
                private static partial (int Count, decimal Largest) SummarizeOrders(IQueryable<Order> orders);
            }
            """;

        await CodeFixVerifier.VerifyAsync(testCode, fixedSource, FuseIntoOneQuery);
    }

    /// <summary>
    /// Another provider's async aggregates (EF6's <c>System.Data.Entity.QueryableExtensions</c>, a wrapper of the user's
    /// own), whose queries need not be <c>IAsyncEnumerable&lt;T&gt;</c>, which the generated async query reads: fused, every
    /// call would throw where each worked. Only EF Core's are fused.
    /// </summary>
    [Fact]
    public async Task AnotherProvidersAsyncAggregatesAreNotFused()
    {
        const string markup = """
            using System.Linq;
            using System.Threading;
            using System.Threading.Tasks;

            namespace System.Data.Entity
            {
                public static class QueryableExtensions
                {
                    public static Task<int> CountAsync<T>(this IQueryable<T> source, CancellationToken cancellationToken) => Task.FromResult(source.Count());
                    public static Task<decimal> SumAsync<T>(this IQueryable<T> source, System.Linq.Expressions.Expression<System.Func<T, decimal>> selector, CancellationToken cancellationToken) => Task.FromResult(source.Sum(selector));
                }
            }

            public sealed record Order(decimal Total);

            public class Report
            {
                public async Task<string> DescribeAsync(IQueryable<Order> orders, CancellationToken ct)
                {
                    var count = await System.Data.Entity.QueryableExtensions.CountAsync(orders, ct);
                    var total = await System.Data.Entity.QueryableExtensions.SumAsync({|MAGG002:orders|}, o => o.Total, ct);
                    return $"{count} {total}";
                }
            }
            """;

        var project = CodeFixRunner.CreateProject(Markup.Parse(markup).Source);
        Assert.DoesNotContain(await CodeFixRunner.GetActionsAsync(project), static a => a.EquivalenceKey == FuseIntoOneQuery);
    }

    [Fact]
    public async Task AnExpressionSourceIsNotFusedAcrossACallThatMayChangeIt()
    {
        const string markup = """
            using System.Linq;

            public sealed record Order(decimal Total);

            public class Report
            {
                private IQueryable<Order> _orders = Enumerable.Empty<Order>().AsQueryable();

                private int Reload() { _orders = Enumerable.Empty<Order>().AsQueryable(); return 0; }

                public decimal Describe()
                {
                    var total = _orders.Count() + Reload() + {|MAGG002:_orders|}.Max(o => o.Total);
                    return total;
                }
            }
            """;

        var project = CodeFixRunner.CreateProject(Markup.Parse(markup).Source);
        Assert.Empty(await CodeFixRunner.GetActionsAsync(project));
    }


    [Fact]
    public async Task LambdasBecomeMemberPathsOrExpressionBodiedMethodsThatTakeWhatTheyCapture()
    {
        const string testCode = """
            using System.Linq;

            public sealed record Customer(int Age);
            public sealed record Order(decimal Total, bool IsPaid, Customer Customer);

            public static class Report
            {
                public static string Describe(IQueryable<Order> orders, decimal discount, decimal threshold)
                {
                    var net = orders.Sum(o => o.Total * (1 - discount));
                    var large = {|MAGG002:orders|}.Count(o => o.Total > threshold && o.IsPaid);
                    var oldest = {|MAGG002:orders|}.Max(o => o.Customer.Age);
                    var allPaid = {|MAGG002:orders|}.All(o => o.IsPaid);
                    return $"{net} {large} {oldest} {allPaid}";
                }
            }
            """;
        const string fixedSource = """
            using System.Linq;
            using MultiAgg;

            public sealed record Customer(int Age);
            public sealed record Order(decimal Total, bool IsPaid, Customer Customer);

            public static partial class Report
            {
                public static string Describe(IQueryable<Order> orders, decimal discount, decimal threshold)
                {
                    var (net, large, oldest, allPaid) = SummarizeOrders(orders, discount, threshold);
                    return $"{net} {large} {oldest} {allPaid}";
                }

                [Aggregate(Agg.Sum, Of = nameof(TotalTimes1MinusDiscount))]
                [Aggregate(Agg.Count, Where = nameof(IsTotalAboveThresholdAndIsPaid))]
                [Aggregate(Agg.Max, Of = "Customer.Age")]
                [Aggregate(Agg.All, Of = nameof(Order.IsPaid))]
                private static partial (decimal Net, int Large, int Oldest, bool AllPaid) SummarizeOrders(IQueryable<Order> orders, decimal discount, decimal threshold);

                private static decimal TotalTimes1MinusDiscount(Order o, decimal discount) => o.Total * (1 - discount);

                private static bool IsTotalAboveThresholdAndIsPaid(Order o, decimal threshold) => o.Total > threshold && o.IsPaid;
            }
            """;

        await CodeFixVerifier.VerifyAsync(testCode, fixedSource, FuseIntoOneQuery);

        // The generator inlines both methods into the query (no MAGG141/MAGG142), their second parameters bound to the
        // fused method's parameters of the same names.
        TestCompiler.Run(TestCompiler.Compile(fixedSource)).AssertClean();
    }

    [Theory]
    [InlineData("an execution that is not an aggregate", "var total = q.Sum(o => o.Total); var rows = {|MAGG002:q|}.ToList();")]
    [InlineData("an aggregate without a query form", "var total = q.Sum(o => o.Total); var first = {|MAGG002:q|}.First();")]
    [InlineData("different tokens", "var count = await q.CountAsync(a); var any = await {|MAGG002:q|}.AnyAsync(b);")]
    [InlineData("sync and awaited", "var count = q.Count(); var any = await {|MAGG002:q|}.AnyAsync(a);")]
    [InlineData("not awaited where called", "var count = q.CountAsync(a); var any = await {|MAGG002:q|}.AnyAsync(a); await count;")]
    [InlineData("enumerated, not queried", "var count = q.Count(); var largest = Enumerable.Max({|MAGG002:q|}, o => o.Total);")]
    [InlineData("a statement in between", "var count = q.Count(); Log(); var any = {|MAGG002:q|}.Any();")]
    // One query computes every column before the results: a sum that may overflow no longer fails before a later
    // call's division; and it counts Any's matches over every row, where Any's own query stops at the first.
    [InlineData("a throwing function after an overflowing sum", "var units = q.Sum(o => o.Quantity); var cheap = {|MAGG002:q|}.Count(o => o.Total / o.Quantity < 2m);")]
    [InlineData("an Any whose predicate may throw", "var cheap = q.Any(o => o.Total / o.Quantity < 2m); var count = {|MAGG002:q|}.Count();")]
    [InlineData("an All whose predicate may throw", "var count = q.Count(); var dear = {|MAGG002:q|}.All(o => o.Total / o.Quantity > 2m);")]
    // What the generator could not inline into the query (MAGG141, MAGG142): the fix would leave a build that fails.
    [InlineData("query syntax in a lambda", "var letters = q.Sum(o => (from c in o.Name where c != ' ' select 1).Count()); var count = {|MAGG002:q|}.Count();")]
    [InlineData("the text {0} in a lambda", "var named = q.Count(o => o.Name == \"{0}\"); var any = {|MAGG002:q|}.Any();")]
    [InlineData("the text {0} in an interpolation", "var named = q.Count(o => o.Name == $\"{0}\"); var any = {|MAGG002:q|}.Any();")]
    // The generated file cannot name a file-local type of this one.
    [InlineData("a file-local type's member in a lambda", "var gross = q.Sum(o => o.Total * Rates.Vat); var count = {|MAGG002:q|}.Count();")]
    [InlineData("a test for a file-local type in a lambda", "var marked = q.Count(o => (object)o.Name is Marker); var count = {|MAGG002:q|}.Count();")]
    // EF Core 10 drops the null compensation of a negated comparison inside an aggregate (dotnet/efcore#39059): as its own
    // query's WHERE, it is translated right.
    [InlineData("a negated comparison with a nullable operand", "var few = q.Count(o => !(o.MaybeQuantity > 10)); var count = {|MAGG002:q|}.Count();")]
    [InlineData("such a comparison compared with false", "var few = q.Count(o => (o.MaybeQuantity > 10) == false); var count = {|MAGG002:q|}.Count();")]
    [InlineData("such a comparison choosing false", "var few = q.Count(o => o.MaybeQuantity > 10 ? false : true); var count = {|MAGG002:q|}.Count();")]
    // EF Core averages long values as doubles; the one query would sum them as long, and fail where that sum overflows.
    [InlineData("an Average of long", "var mean = q.Average(o => o.Views); var count = {|MAGG002:q|}.Count();")]
    [InlineData("an awaited Average of long?", "var count = await q.CountAsync(a); var mean = await {|MAGG002:q|}.AverageAsync(o => o.MaybeViews, a);")]
    // PostgreSQL's sum(real) adds in real; the one query adds floats as doubles, as LINQ does.
    [InlineData("a Sum of float", "var weight = q.Sum(o => o.Weight); var count = {|MAGG002:q|}.Count();")]
    // What the generator refuses in a query (MAGG140), where EF Core runs each call: the fix would leave a build that fails.
    [InlineData("a distinct count of arrays", "var count = q.Count(); var hashes = {|MAGG002:q|}.Select(o => o.Hash).Distinct().Count();")]
    [InlineData("the Min and Max of a type parameter of the class", "var low = k.Min(o => o.Id); var high = {|MAGG002:k|}.Max(o => o.Id);")]
    public async Task FuseIntoOneQueryIsNotOfferedWhenItWouldChangeBehaviour(string name, string body)
    {
        _ = name;
        var markup = $$"""
            using System.Linq;
            using System.Threading;
            using System.Threading.Tasks;
            using Microsoft.EntityFrameworkCore;

            public sealed record Order(decimal Total, int Quantity, string Name, int? MaybeQuantity, long Views, long? MaybeViews, float Weight, byte[] Hash);

            public sealed record Keyed<TKey>(TKey Id);

            file static class Rates { public const decimal Vat = 1.2m; }

            file sealed class Marker { }

            public class C<TKey>
            {
                public async Task M(IQueryable<Order> q, IQueryable<Keyed<TKey>> k, CancellationToken a, CancellationToken b)
                {
                    {{body}}
                }

                private static void Log() { }
            }
            """;

        // The framework: no Fuse action, so the code stays as it is and the diagnostic stays reported.
        await CodeFixVerifier.VerifyAsync([markup, EntityFrameworkCore], [markup, EntityFrameworkCore], FuseIntoOneQuery);

        // And no other action either: a query is not materialized by a fix.
        var project = CodeFixRunner.CreateProject(Markup.Parse(markup).Source, EntityFrameworkCore);
        Assert.Empty(await CodeFixRunner.GetActionsAsync(project));
    }

    /// <summary>
    /// Only a negated comparison of values (dotnet/efcore#39059) keeps calls apart: a negated null test, or negated
    /// arithmetic that compares nothing, fuses.
    /// </summary>
    [Theory]
    [InlineData("var known = q.Count(o => !(o.MaybeQuantity == null)); var count = {|MAGG002:q|}.Count();")]
    [InlineData("var odd = q.Count(o => !Even(o.MaybeQuantity + 1)); var count = {|MAGG002:q|}.Count();")]
    public async Task FuseIntoOneQueryIsOfferedForANegationThatComparesNoNullableValues(string body)
    {
        var markup = $$"""
            using System.Linq;

            public sealed record Order(int? MaybeQuantity);

            public class C
            {
                public void M(IQueryable<Order> q)
                {
                    {{body}}
                }

                public static bool Even(int? value) => value % 2 == 0;
            }
            """;

        var project = CodeFixRunner.CreateProject(Markup.Parse(markup).Source);
        Assert.Contains(await CodeFixRunner.GetActionsAsync(project), static a => a.EquivalenceKey == FuseIntoOneQuery);
    }

    // Stays on CodeFixRunner: it checks the titles of every offered action; the framework applies one.
    [Fact]
    public async Task FuseIntoOneQueryIsTheOnlyActionOnAQuery()
    {
        var project = CodeFixRunner.CreateProject("""
            using System.Linq;

            public class C
            {
                public int M(IQueryable<int> q)
                {
                    var a = q.Sum();
                    var b = q.Max();
                    return a + b;
                }
            }
            """);
        var actions = await CodeFixRunner.GetActionsAsync(project);
        Assert.Equal(new[] { (FuseAggregatesCodeFix.QueryTitle, (string?)FuseIntoOneQuery) }, actions.Select(static a => (a.Title, a.EquivalenceKey)));
    }

    private const string ReportsMarkup = """
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;
        using Microsoft.EntityFrameworkCore;

        public sealed record Order(decimal Total, int Quantity, bool IsPaid);

        public static class Reports
        {
            public static string Totals(IQueryable<Order> orders)
            {
                var revenue = orders.Sum(o => o.Total);
                var count = {|MAGG002:orders|}.Count();
                return $"{revenue} {count}";
            }

            public static async Task<string> PaidAsync(IQueryable<Order> orders, CancellationToken cancellationToken)
            {
                var paid = orders.Where(o => o.IsPaid);
                var revenue = await paid.SumAsync(o => o.Total, cancellationToken);
                var units = await {|MAGG002:paid|}.SumAsync(o => o.Quantity, cancellationToken);
                return $"{revenue} {units}";
            }
        }
        """;

    private const string ReportsFixed = """
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;
        using Microsoft.EntityFrameworkCore;
        using MultiAgg;

        public sealed record Order(decimal Total, int Quantity, bool IsPaid);

        public static partial class Reports
        {
            public static string Totals(IQueryable<Order> orders)
            {
                var (revenue, count) = SummarizeOrders(orders);
                return $"{revenue} {count}";
            }

            [Aggregate(Agg.Sum, Of = nameof(Order.Total))]
            [Aggregate(Agg.Count)]
            private static partial (decimal Revenue, int Count) SummarizeOrders(IQueryable<Order> orders);

            public static async Task<string> PaidAsync(IQueryable<Order> orders, CancellationToken cancellationToken)
            {
                var paid = orders.Where(o => o.IsPaid);
                var (revenue, units) = await SummarizePaidAsync(paid, cancellationToken);
                return $"{revenue} {units}";
            }

            [Aggregate(Agg.Sum, Of = nameof(Order.Total))]
            [Aggregate(Agg.Sum, Of = nameof(Order.Quantity))]
            private static partial Task<(decimal Revenue, int Units)> SummarizePaidAsync(IQueryable<Order> paid, CancellationToken cancellationToken = default);
        }
        """;

    [Fact]
    public async Task FixAllFusesEveryQueryInEveryScope()
    {
        const string OtherMarkup = """
            using System.Linq;

            namespace Other
            {
                internal class Stock
                {
                    public long Spread(IQueryable<long> levels)
                    {
                        var lowest = levels.Min();
                        var highest = {|MAGG002:levels|}.Max();
                        return highest - lowest;
                    }
                }
            }
            """;
        const string OtherFixed = """
            using System.Linq;
            using MultiAgg;

            namespace Other
            {
                internal partial class Stock
                {
                    public long Spread(IQueryable<long> levels)
                    {
                        var (lowest, highest) = SummarizeLevels(levels);
                        return highest - lowest;
                    }

                    [Aggregate(Agg.Min, Agg.Max)]
                    private static partial (long Lowest, long Highest) SummarizeLevels(IQueryable<long> levels);
                }
            }
            """;

        // The framework runs Fix All in document, project and solution scope over the three documents.
        await CodeFixVerifier.VerifyAsync([ReportsMarkup, OtherMarkup, EntityFrameworkCore], [ReportsFixed, OtherFixed, EntityFrameworkCore], FuseIntoOneQuery);
    }

    /// <summary>
    /// A query held in an <c>IEnumerable&lt;T&gt;</c> local that no fusion settles: no fix is offered on its MAGG002, and
    /// Fix All, with whichever key, leaves it as it is. The bulk action's default had materialized it, as a sequence
    /// of that type would be, where MAGG002's page says a query is never materialized.
    /// </summary>
    [Fact]
    public async Task FixAllNeverMaterializesAQueryHeldAsASequence()
    {
        const string source = """
            using System.Collections.Generic;
            using System.Linq;

            public sealed record Order(decimal Total);

            public static class Rows
            {
                public static List<decimal> Shares(IQueryable<Order> orders)
                {
                    IEnumerable<Order> all = orders;
                    var count = all.Count();
                    return all.Select(o => o.Total / count).ToList();
                }
            }
            """;
        var project = CodeFixRunner.CreateProject(source, EntityFrameworkCore);
        var diagnostics = await CodeFixRunner.GetDiagnosticsAsync(project);
        Assert.Equal("MAGG002", Assert.Single(diagnostics).Id);
        Assert.Empty(await CodeFixRunner.GetActionsAsync(project, 0));
        foreach (var key in new[] { null, MultipleEnumerationFixAll.EquivalenceKey, MaterializeOnceCodeFix.EquivalenceKey, FuseAggregatesCodeFix.EquivalenceKey })
        {
            Assert.Equal([source, EntityFrameworkCore], await CodeFixRunner.FixAllAsync(project, key));
        }

        // CA1851, which the fixes take too, reports the same read as a sequence's: still not materialized.
        var ca1851 = Diagnostic.Create(
            new DiagnosticDescriptor(MultipleEnumerationCodeFixProvider.NetAnalyzersMultipleEnumerationId, "Possible multiple enumerations", "Possible multiple enumerations", "Performance", DiagnosticSeverity.Warning, true),
            diagnostics[0].Location);
        Assert.Equal([source, EntityFrameworkCore], await CodeFixRunner.FixAllAsync(project, equivalenceKey: null, diagnostics: [ca1851]));
        Assert.Equal([source, EntityFrameworkCore], await CodeFixRunner.FixAllAsync(project, MaterializeOnceCodeFix.EquivalenceKey, diagnostics: [ca1851]));
    }

    // Stays on CodeFixRunner: it replays `dotnet format` from every starting diagnostic (FormatAsync), an order the
    // framework does not vary, over queries and sequences together, starting with a query no fix is offered for.
    [Fact]
    public async Task DotnetFormatFusesEveryQueryWhicheverDiagnosticItMeetsFirst()
    {
        const string rowsAndLogs = """
            using System.Collections.Generic;
            using System.Linq;

            public static class Rows
            {
                // Executed by string.Join and by Count: nothing to fuse, left as it is.
                public static string List(IQueryable<Order> orders)
                {
                    var lines = string.Join(",", orders.Select(o => o.Total));
                    return $"{orders.Count()} orders: {lines}";
                }

                // A sequence read by a foreach and by Count (MAGG001): materialized.
                public static string Log(IEnumerable<int> entries)
                {
                    foreach (var entry in entries) System.Console.WriteLine(entry);
                    return $"{entries.Count()} entries";
                }
            }
            """;
        const string rowsAndLogsFixed = """
            using System.Collections.Generic;
            using System.Linq;

            public static class Rows
            {
                // Executed by string.Join and by Count: nothing to fuse, left as it is.
                public static string List(IQueryable<Order> orders)
                {
                    var lines = string.Join(",", orders.Select(o => o.Total));
                    return $"{orders.Count()} orders: {lines}";
                }

                // A sequence read by a foreach and by Count (MAGG001): materialized.
                public static string Log(IEnumerable<int> entries)
                {
                    entries = entries.ToList();
                    foreach (var entry in entries) System.Console.WriteLine(entry);
                    return $"{entries.Count()} entries";
                }
            }
            """;
        var project = CodeFixRunner.CreateProject(rowsAndLogs, Markup.Parse(ReportsMarkup).Source, EntityFrameworkCore);
        var diagnostics = await CodeFixRunner.GetDiagnosticsAsync(project);
        Assert.Equal(["MAGG002", "MAGG001", "MAGG002", "MAGG002"], diagnostics.Select(static d => d.Id));
        Assert.Empty(await CodeFixRunner.GetActionsAsync(project, 0));

        // dotnet format takes the key of the first action on whichever diagnostic, of either ID, it meets first.
        for (var i = 0; i < diagnostics.Length; i++)
        {
            var firstKey = (await CodeFixRunner.GetActionsAsync(project, i)).FirstOrDefault()?.EquivalenceKey;
            Assert.True(firstKey is null or MultipleEnumerationFixAll.EquivalenceKey, $"diagnostic {i}: {firstKey}");
        }

        for (var first = 0; first < diagnostics.Length; first++)
        {
            var fixedSources = await CodeFixRunner.FormatAsync(project, first);
            Assert.Equal([rowsAndLogsFixed, ReportsFixed, EntityFrameworkCore], fixedSources);
        }

        // Only the query that string.Join and Count execute is left to report; the result compiles with the generator.
        var fixedProject = CodeFixRunner.CreateProject(rowsAndLogsFixed, ReportsFixed, EntityFrameworkCore);
        Assert.Equal("MAGG002", Assert.Single(await CodeFixRunner.GetDiagnosticsAsync(fixedProject)).Id);
        TestCompiler.Run(TestCompiler.Compile([rowsAndLogsFixed, ReportsFixed, EntityFrameworkCore])).AssertClean();
    }

    public static TheoryData<string, string> Inputs => new()
    {
        { "orders", "new[] { 3, 1, 4, 1, 5, 9, 2, 6 }" },
        { "empty", "new int[0]" },                     // Average, then Max: InvalidOperationException
        { "overflow", "new[] { int.MaxValue, 1 }" },   // the int Sum: OverflowException
        { "single", "new[] { -7 }" },
    };

    /// <summary>
    /// The fused query computes what the calls computed, and fails the way they failed, on LINQ's own
    /// <c>AsQueryable()</c> (made to implement <c>IAsyncEnumerable&lt;T&gt;</c>, as EF Core's queries do, for the
    /// async method).
    /// </summary>
    // Stays on CodeFixRunner: the fixed program is compiled, loaded and run against the original, which the
    // framework does not do.
    [Theory]
    [MemberData(nameof(Inputs))]
    public async Task FusedQueriesBehaveLikeTheOriginalCalls(string name, string data)
    {
        _ = name;
        var source = $$"""
            using System;
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading;
            using System.Threading.Tasks;
            using Microsoft.EntityFrameworkCore;

            public sealed record Order(int Quantity, decimal Total, bool IsPaid, string? Note);

            public static class Program
            {
                public static string Run()
                {
                    var orders = {{data}}.Select(static (q, i) => new Order(q, q * 1.5m, q % 2 == 0, i % 3 == 0 ? null : "n" + (q % 4))).ToList();
                    return Try(() => Describe(orders.AsQueryable(), 3))
                        + " | " + Try(() => DescribeAsync(new AsyncQuery<Order>(orders.AsQueryable()), CancellationToken.None).GetAwaiter().GetResult());
                }

                private static string Try(Func<string> run)
                {
                    try
                    {
                        return run();
                    }
                    catch (Exception e)
                    {
                        return e.GetType().Name + ": " + e.Message;
                    }
                }

                private static string Describe(IQueryable<Order> orders, int factor)
                {
                    var count = orders.Count();
                    var paid = orders.LongCount(o => o.IsPaid);
                    var quantity = orders.Sum(o => o.Quantity);
                    var revenue = orders.Sum(o => o.Total);
                    var scaled = orders.Sum(o => (long)o.Quantity * factor);
                    var average = orders.Average(o => o.Quantity);
                    var largest = orders.Max(o => o.Total);
                    var smallest = orders.Min(o => (int?)o.Quantity);
                    var any = orders.Any();
                    var allPaid = orders.All(o => o.IsPaid);
                    var notes = orders.Select(o => o.Note).Distinct().Count();
                    var firstNote = orders.Min(o => o.Note);
                    return string.Join(",", count, paid, quantity, revenue, scaled, average.ToString("R"), largest, smallest, any, allPaid, notes, firstNote);
                }

                private static async Task<string> DescribeAsync(IQueryable<Order> orders, CancellationToken token)
                {
                    var count = await orders.CountAsync(token);
                    var paid = await orders.LongCountAsync(o => o.IsPaid, token);
                    var quantity = await orders.SumAsync(o => o.Quantity, token);
                    var average = await orders.AverageAsync(o => o.Quantity, token);
                    var largest = await orders.MaxAsync(o => o.Total, token);
                    var smallest = await orders.MinAsync(o => (int?)o.Quantity, token);
                    var any = await orders.AnyAsync(token);
                    var allPaid = await orders.AllAsync(o => o.IsPaid, token);
                    var notes = await orders.Select(o => o.Note).Distinct().CountAsync(token);
                    return string.Join(",", count, paid, quantity, average.ToString("R"), largest, smallest, any, allPaid, notes);
                }
            }
            """;

        var project = CodeFixRunner.CreateProject(source, EntityFrameworkCore, AsyncQueryable);
        var fixedSource = (await CodeFixRunner.FixAllAsync(project, FuseIntoOneQuery))[0];
        Assert.Contains("= SummarizeOrders(orders, factor);", fixedSource);
        Assert.Contains("= await SummarizeOrdersAsync(orders, token);", fixedSource);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(fixedSource, @"static int\? QuantityAsNullableInt32\(Order o\) => o\.Quantity;")); // shared by both methods

        var before = RunProgram(TestCompiler.Compile([source, EntityFrameworkCore, AsyncQueryable]));
        var after = TestCompiler.Run(TestCompiler.Compile([fixedSource, EntityFrameworkCore, AsyncQueryable])).AssertClean();
        Assert.Equal(before, RunProgram(after.Output));
    }

    private static string RunProgram(Compilation compilation) =>
        (string)TestCompiler.Load(compilation).GetType("Program")!.GetMethod("Run", BindingFlags.Public | BindingFlags.Static)!.Invoke(null, null)!;
}
