using MultiAgg.Generators.Tests.Infrastructure;

namespace MultiAgg.Generators.Tests;

/// <summary>CountDistinct against <c>Select(of).Distinct().Count()</c>.</summary>
public class CountDistinctTests
{
    private const string Source = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using MultiAgg;
        using static MultiAgg.Agg;

        public sealed record Visit(string? User, int Page, double Score, int? Campaign, bool Bot);

        public static partial class D
        {
            [Aggregate(CountDistinct, Of = nameof(Visit.User))]
            [Aggregate(CountDistinct, Of = nameof(Visit.Page), Where = nameof(Human))]
            [Aggregate(CountDistinct, Of = nameof(Visit.Score))]
            [Aggregate(CountDistinct, Of = nameof(Visit.Campaign))]
            [Aggregate(Count)]
            public static partial (int Users, long HumanPages, int Scores, int Campaigns, int Visits) Generated(IEnumerable<Visit> visits);

            private static bool Human(Visit visit) => !visit.Bot;

            public static object Linq(IEnumerable<Visit> source)
            {
                var visits = source.ToList();
                (int, long, int, int, int) result = (
                    visits.Select(v => v.User).Distinct().Count(),
                    visits.Where(v => !v.Bot).Select(v => v.Page).Distinct().Count(),
                    visits.Select(v => v.Score).Distinct().Count(),
                    visits.Select(v => v.Campaign).Distinct().Count(),
                    visits.Count);
                return result;
            }
        }
        """;

    [Fact]
    public void CountDistinctEqualsLinqIncludingNullsNaNAndSignedZeros()
    {
        var assembly = TestCompiler.Load(TestCompiler.Run(Source).AssertClean().Output);
        var d = assembly.GetType("D")!;
        var visit = assembly.GetType("Visit")!;
        var rng = new Random(17);
        string?[] users = { null, "ann", "Ann", "bob", "cy" };
        double[] scores = { 0.0, -0.0, double.NaN, 1.5, double.NaN };
        foreach (var count in new[] { 0, 1, 5, 200 })
        {
            var list = (System.Collections.IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(visit))!;
            for (var i = 0; i < count; i++)
            {
                int? campaign = rng.Next(4) == 0 ? null : rng.Next(3);
                list.Add(Activator.CreateInstance(visit, users[rng.Next(users.Length)], rng.Next(20), scores[rng.Next(scores.Length)], campaign, rng.Next(3) == 0));
            }

            Assert.Equal(Outcome.Of(d, "Linq", list), Outcome.Of(d, "Generated", list));
        }
    }

    /// <summary>
    /// CountDistinct compares with the default comparer; a comparer parameter an Of method takes by name is that method's,
    /// so counting users ignoring case is written by normalizing them there (any other comparer parameter is MAGG114).
    /// </summary>
    [Fact]
    public void AComparerAnOfMethodTakesIsUsedThere()
    {
        const string Source = """
            using System;
            using System.Collections.Generic;
            using MultiAgg;
            using static MultiAgg.Agg;

            public static partial class D
            {
                [Aggregate(CountDistinct, Of = nameof(Normalized))]
                public static partial int Users(IEnumerable<string> users, StringComparer comparer);

                private static string Normalized(string user, StringComparer comparer) =>
                    comparer.Equals(user, user.ToUpperInvariant()) ? user.ToUpperInvariant() : user;

                public static string Run() =>
                    Users(new[] { "ann", "Ann", "bob" }, StringComparer.OrdinalIgnoreCase) + "," + Users(new[] { "ann", "Ann", "bob" }, StringComparer.Ordinal);
            }
            """;
        var run = TestCompiler.Load(TestCompiler.Run(Source).AssertClean().Output).GetType("D")!.GetMethod("Run")!;
        Assert.Equal("2,3", (string)run.Invoke(null, null)!);
    }
}
