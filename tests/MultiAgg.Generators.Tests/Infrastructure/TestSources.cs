namespace MultiAgg.Generators.Tests.Infrastructure;

/// <summary>Test code shared by the analyzer tests: sources as strings, compiled with each test's own code.</summary>
internal static class TestSources
{
    /// <summary>
    /// A set that is a query, as EF Core's <c>DbSet&lt;T&gt;</c> is (a class implementing <c>IQueryable&lt;T&gt;</c>, with
    /// <c>Find</c>, <c>Add</c> and <c>Remove</c>), over no rows; it needs <c>System</c>, <c>System.Collections.Generic</c>,
    /// <c>System.Linq</c>, <c>System.Linq.Expressions</c> and <c>System.Threading.Tasks</c>.
    /// </summary>
    public const string DbSet = """
        public class DbSet<T> : IQueryable<T>
        {
            private readonly IQueryable<T> _rows = new List<T>().AsQueryable();
            public Type ElementType => _rows.ElementType;
            public Expression Expression => _rows.Expression;
            public IQueryProvider Provider => _rows.Provider;
            public IEnumerator<T> GetEnumerator() => _rows.GetEnumerator();
            System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
            public T? Find(params object[] keys) => default;
            public ValueTask<T?> FindAsync(params object[] keys) => default;
            public void Add(T entity) { }
            public void Remove(T entity) { }
        }

        """;

    /// <summary>The start of a file with <see cref="DbSet"/> and the usings it and the tests need.</summary>
    public const string DbSetPrelude = """
        using System;
        using System.Collections;
        using System.Collections.Generic;
        using System.Linq;
        using System.Linq.Expressions;
        using System.Threading.Tasks;


        """ + DbSet;
}
