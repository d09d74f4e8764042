using MultiAgg.Generators.Analyzers;
using MultiAgg.Generators.Tests.Infrastructure;

namespace MultiAgg.Generators.Tests;

/// <summary>
/// EF Core's range methods (<c>DbSet&lt;T&gt;.AddRange</c>, <c>DbContext.UpdateRange</c>...) enumerate the entities they
/// are given before they return, so a lazy sequence of entities read again afterwards is made again: new, untracked
/// objects, whose generated keys are never filled in (MAGG001). The set or context they are called on is not read: no
/// query runs (no MAGG002, and none per element in a loop).
/// </summary>
public class EntityRangeTests
{
    private const string Prelude = """
        using System;
        using System.Collections;
        using System.Collections.Generic;
        using System.Linq;
        using System.Linq.Expressions;
        using System.Threading;
        using System.Threading.Tasks;
        using Microsoft.EntityFrameworkCore;

        namespace Microsoft.EntityFrameworkCore
        {
            public class DbSet<T> : IQueryable<T> where T : class
            {
                private readonly IQueryable<T> _rows = new List<T>().AsQueryable();
                public Type ElementType => _rows.ElementType;
                public Expression Expression => _rows.Expression;
                public IQueryProvider Provider => _rows.Provider;
                public IEnumerator<T> GetEnumerator() => _rows.GetEnumerator();
                IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
                public virtual void AddRange(IEnumerable<T> entities) { }
                public virtual Task AddRangeAsync(IEnumerable<T> entities, CancellationToken cancellationToken = default) => Task.CompletedTask;
                public virtual void AttachRange(IEnumerable<T> entities) { }
                public virtual void UpdateRange(IEnumerable<T> entities) { }
                public virtual void RemoveRange(IEnumerable<T> entities) { }
            }

            public class DbContext
            {
                public virtual void AddRange(IEnumerable<object> entities) { }
                public virtual void UpdateRange(IEnumerable<object> entities) { }
                public virtual void RemoveRange(IEnumerable<object> entities) { }
                public virtual Task<int> SaveChangesAsync(CancellationToken cancellationToken = default) => Task.FromResult(0);
            }
        }

        public sealed class Customer { public int Id { get; set; } public string Name { get; set; } = ""; }

        public class Shop : DbContext { public DbSet<Customer> Customers { get; } = new(); }

        """;

    public static TheoryData<string, string> Cases => new()
    {
        { "new entities added, then read again for their keys", """
            class Import
            {
                async Task<List<int>> Run(Shop db, IEnumerable<string> names)
                {
                    var customers = names.Select(n => new Customer { Name = n });
                    await db.Customers.AddRangeAsync(customers);
                    await db.SaveChangesAsync();
                    return {|MAGG001:customers|}.Select(c => c.Id).ToList();
                }
            }
            """ },
        { "every range method of the set and of the context reads its entities", """
            class Sync
            {
                void Run(Shop db, IEnumerable<Customer> changed, IEnumerable<Customer> gone, IEnumerable<Customer> known)
                {
                    db.Customers.AddRange(changed);
                    db.Customers.UpdateRange({|MAGG001:changed|});
                    db.Customers.RemoveRange(gone);
                    db.RemoveRange({|MAGG001:gone|});
                    db.Customers.AttachRange(known);
                    db.UpdateRange({|MAGG001:known|});
                }
            }
            """ },
        { "a set given entities is not queried: counting it after is its first execution", """
            class Import
            {
                int Run(Shop db, List<Customer> first, List<Customer> second)
                {
                    db.Customers.AddRange(first);
                    db.Customers.AddRange(second);
                    db.Customers.RemoveRange(first);
                    return db.Customers.Count();
                }
            }
            """ },
        { "entities materialized before they are added", """
            class Import
            {
                async Task<List<int>> Run(Shop db, IEnumerable<string> names)
                {
                    var customers = names.Select(n => new Customer { Name = n }).ToList();
                    db.Customers.AddRange(customers);
                    await db.SaveChangesAsync();
                    return customers.Select(c => c.Id).ToList();
                }
            }
            """ },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task ReportsExactlyTheMarkedSpans(string name, string member)
    {
        _ = name;
        await AnalyzerRunner.VerifyAsync(Prelude + member, new MultipleEnumerationAnalyzer());
    }

    [Fact]
    public Task AddingToASetPerElementRunsNoQuery() =>
        AnalyzerRunner.VerifyAsync(Prelude + """
            class Import
            {
                void Run(Shop db, List<List<Customer>> batches)
                {
                    foreach (var batch in batches)
                        db.Customers.AddRange(batch);
                    batches.ForEach(batch => db.Customers.RemoveRange(batch));
                }
            }
            """, new QueryPerElementAnalyzer());
}
