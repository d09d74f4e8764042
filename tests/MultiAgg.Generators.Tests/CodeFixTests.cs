using MultiAgg.CodeFixes;
using MultiAgg.Generators.Tests.Infrastructure;

namespace MultiAgg.Generators.Tests;

/// <summary>The MAGG001 code fixes, applied through a workspace and compared as whole documents.</summary>
public class CodeFixTests
{
    private const string Fuse = FuseAggregatesCodeFix.EquivalenceKey;
    private const string Materialize = MaterializeOnceCodeFix.EquivalenceKey;

    [Fact]
    public async Task Fuse_replaces_the_calls_with_one_generated_method()
    {
        var fixedSource = await CodeFixRunner.ApplyAsync("""
            using System.Collections.Generic;
            using System.Linq;

            public class Report
            {
                public string Describe(IEnumerable<int> readings)
                {
                    var total = readings.Sum();
                    var largest = readings.Max();
                    var count = readings.Count();
                    return $"{total} {largest} {count}";
                }
            }
            """, Fuse);

        Assert.Equal("""
            using System.Collections.Generic;
            using System.Linq;
            using MultiAgg;

            public partial class Report
            {
                public string Describe(IEnumerable<int> readings)
                {
                    var (total, largest, count) = SummarizeReadings(readings);
                    return $"{total} {largest} {count}";
                }

                [Aggregate(Agg.Sum, Agg.Max, Agg.Count)]
                private static partial (int Total, int Largest, int Count) SummarizeReadings(IEnumerable<int> readings);
            }
            """, fixedSource);
    }
}
