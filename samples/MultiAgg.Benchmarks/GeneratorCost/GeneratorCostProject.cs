using System.Globalization;
using System.IO;
using System.Text;

namespace MultiAgg.Benchmarks.GeneratorCost;

/// <summary>
/// The project of issue 13, part 4: 1,000 <c>[Aggregate]</c> methods, a quarter of each kind (plain
/// aggregates of <c>int[]</c>/<c>IEnumerable&lt;int&gt;</c>; <c>Of</c>/<c>Where</c> over records; vectorized
/// <c>double[]</c>/<c>int[]</c>; <c>[GroupBy]</c> with <c>Of</c>), 20 methods per file, plus a file with the
/// records and one file without any <c>[Aggregate]</c> (what the warm benchmark edits). The same text feeds
/// the in-memory compilation of <see cref="GeneratorDriverCost"/> and the project that
/// <c>measure.sh</c> builds with <c>-p:ReportAnalyzer=true</c>.
/// </summary>
public static class GeneratorCostProject
{
    public const int MethodCount = 1_000;

    private const int MethodsPerFile = 20;

    public const string UnrelatedFileName = "Unrelated.cs";

    public const string RecordsSource = """
        namespace GeneratorCost;

        public sealed record Order(int Id, string Region, decimal Total, int Quantity, bool IsPaid, double Weight, decimal? Discount);

        public sealed record Reading(string Sensor, double Value, int Level, bool IsValid);
        """;

    /// <summary>The file without <c>[Aggregate]</c>; <paramref name="answer"/> changes a method body.</summary>
    public static string UnrelatedSource(int answer) => $$"""
        namespace GeneratorCost;

        public static class Unrelated
        {
            public static int Answer() => {{answer.ToString(CultureInfo.InvariantCulture)}};
        }
        """;

    /// <summary>Every source file of the project, as (file name, text), in a stable order.</summary>
    public static IReadOnlyList<(string Name, string Text)> Sources()
    {
        var files = new List<(string, string)> { ("Records.cs", RecordsSource), (UnrelatedFileName, UnrelatedSource(42)) };
        for (var file = 0; file * MethodsPerFile < MethodCount; file++)
        {
            files.Add(($"Aggregates{file:D3}.cs", AggregatesFile(file)));
        }

        return files;
    }

    /// <summary>
    /// Writes the project into <paramref name="directory"/>: its sources and a csproj that references the
    /// generator of the repository at <paramref name="repositoryRoot"/> as a built DLL, as the package gives it (a project
    /// reference would rebuild the generator with <c>--no-incremental</c>, so each build would load a new copy of it),
    /// or the DLL that <c>-p:CostGenerator</c> names. The generator must be built in Release first (measure.sh does).
    /// </summary>
    public static void Write(string directory, string repositoryRoot)
    {
        Directory.CreateDirectory(directory);
        var src = Path.GetFullPath(Path.Combine(repositoryRoot, "src"));
        File.WriteAllText(Path.Combine(directory, "GeneratorCost.csproj"), $$"""
            <Project Sdk="Microsoft.NET.Sdk">

              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <LangVersion>latest</LangVersion>
                <Nullable>enable</Nullable>
                <ImplicitUsings>disable</ImplicitUsings>
              </PropertyGroup>

              <!-- measure.sh measures another generator (the floor) over the same sources with -p:CostGenerator=<dll>. -->
              <PropertyGroup>
                <CostGenerator Condition="'$(CostGenerator)' == ''">{{src}}/MultiAgg.Generators/bin/Release/netstandard2.0/MultiAgg.Generators.dll</CostGenerator>
              </PropertyGroup>

              <ItemGroup>
                <ProjectReference Include="{{src}}/MultiAgg/MultiAgg.csproj" />
                <Analyzer Include="$(CostGenerator)" />
              </ItemGroup>

            </Project>

            """);
        foreach (var (name, text) in Sources())
        {
            File.WriteAllText(Path.Combine(directory, name), text);
        }
    }

    private static string AggregatesFile(int file)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $$"""
            using System.Collections.Generic;
            using MultiAgg;
            using static MultiAgg.Agg;

            namespace GeneratorCost;

            public static partial class Aggregates{{file:D3}}
            {

            """);
        for (var i = file * MethodsPerFile; i < (file + 1) * MethodsPerFile && i < MethodCount; i++)
        {
            text.Append(Method(i)).Append('\n');
        }

        return text.Append("}\n").ToString();
    }

    /// <summary>Method <paramref name="i"/>: the kinds take turns, and each kind has a few variants.</summary>
    private static string Method(int i)
    {
        var variant = i / 4 % 3;
        return (i % 4) switch
        {
            // Plain: the element itself, through the foreach (or span type test) loop.
            0 => variant switch
            {
                0 => $"""
                        [Aggregate(Sum, Max, Count)]
                        public static partial (int Sum, int Max, int Count) Plain{i}(IEnumerable<int> values);

                    """,
                1 => $"""
                        [Aggregate(Sum, Min, Max, Average)]
                        public static partial (long Sum, int? Min, int? Max, double? Average) Plain{i}(IEnumerable<int> values);

                    """,
                _ => $"""
                        [Aggregate(Count, Sum)]
                        [Aggregate(Max)]
                        public static partial (long Count, long Sum, int Max) Plain{i}(IReadOnlyList<int> values);

                    """,
            },

            // Of/Where over records: member selectors and filters.
            1 => variant switch
            {
                0 => $"""
                        [Aggregate(Sum, Max, Of = nameof(Order.Total))]
                        [Aggregate(Count, Where = nameof(Order.IsPaid))]
                        [Aggregate(Average, Of = nameof(Order.Quantity))]
                        public static partial (decimal Revenue, decimal Largest, int Paid, double AverageQuantity) Orders{i}(IEnumerable<Order> orders);

                    """,
                1 => $"""
                        [Aggregate(Min, Max, Average, Of = nameof(Reading.Value), Where = nameof(Reading.IsValid))]
                        [Aggregate(Count)]
                        public static partial (double? Low, double? High, double? Mean, int Readings) Readings{i}(IEnumerable<Reading> readings);

                    """,
                _ => $"""
                        [Aggregate(Sum, Of = nameof(Order.Weight), Where = nameof(Order.IsPaid))]
                        [Aggregate(Max, Of = nameof(Order.Discount))]
                        [Aggregate(CountDistinct, Of = nameof(Order.Region))]
                        public static partial (double PaidWeight, decimal? BestDiscount, int Regions) Orders{i}(List<Order> orders);

                    """,
            },

            // Arrays: the vector loop.
            2 => variant switch
            {
                0 => $"""
                        [Aggregate(Sum, Min, Max, Average)]
                        public static partial (double Sum, double Min, double Max, double Average) Doubles{i}(double[] values);

                    """,
                1 => $"""
                        [Aggregate(Sum, Min, Max, Average)]
                        public static partial (int Sum, int Min, int Max, double Average) Ints{i}(int[] values);

                    """,
                _ => $"""
                        [Aggregate(Sum, Average, AllowReordering = true)]
                        [Aggregate(Count)]
                        public static partial (double Sum, double Average, int Count) Doubles{i}(double[] values);

                    """,
            },

            // [GroupBy] with Of.
            _ => variant switch
            {
                0 => $"""
                        [GroupBy(nameof(Order.Region))]
                        [Aggregate(Sum, Max, Of = nameof(Order.Total))]
                        [Aggregate(Count)]
                        public static partial Dictionary<string, (decimal Revenue, decimal Largest, int Orders)> ByRegion{i}(IEnumerable<Order> orders);

                    """,
                1 => $"""
                        [GroupBy(nameof(Reading.Sensor))]
                        [Aggregate(Average, Max, Of = nameof(Reading.Value))]
                        [Aggregate(Count, Where = nameof(Reading.IsValid))]
                        public static partial Dictionary<string, (double Mean, double Peak, int Valid)> BySensor{i}(IEnumerable<Reading> readings);

                    """,
                _ => $"""
                        [GroupBy(nameof(Order.Quantity))]
                        [Aggregate(Sum, Of = nameof(Order.Total))]
                        [Aggregate(Count, Where = nameof(Order.IsPaid))]
                        public static partial Dictionary<int, (decimal Revenue, int Paid)> ByQuantity{i}(IEnumerable<Order> orders);

                    """,
            },
        };
    }
}
