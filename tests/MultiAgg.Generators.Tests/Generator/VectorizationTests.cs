using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.CompilerServices;
using MultiAgg.Generators.Tests.Infrastructure;

namespace MultiAgg.Generators.Tests;

/// <summary>
/// Which methods get the vector loop, what AllowReordering changes, and what the generated methods
/// allocate. (Bit-identity of the vector loop with the scalar one, on every element type and edge,
/// is checked by <see cref="SemanticsMatrixTests"/>: its arrays are long enough for whole vectors.)
/// </summary>
public class VectorizationTests
{
    private const string Header = """
        using System;
        using System.Collections.Generic;
        using System.Collections.Immutable;
        using MultiAgg;
        using static MultiAgg.Agg;

        public sealed record Order(double Total, bool IsPaid);

        public static partial class C
        {

        """;

    [Theory]
    [InlineData("int[]", "Sum, Min, Max, Average", "(int, int, int, double)")]
    [InlineData("ReadOnlySpan<long>", "Sum, Min, Max, Average", "(long, long, long, double)")]
    [InlineData("Span<byte>", "Count, Sum, Min, Max", "(int, int, byte, byte)")]
    [InlineData("List<ushort>", "LongCount, Min, Max, Average", "(long, ushort, ushort, double)")]
    [InlineData("ImmutableArray<uint>", "Sum, Max", "(long, uint)")]
    [InlineData("ReadOnlyMemory<ulong>", "Sum, Min", "(ulong, ulong)")]
    [InlineData("double[]", "Count, Min, Max", "(int, double, double)")]
    [InlineData("float[]", "Min, Max", "(float?, float?)")]
    [InlineData("IEnumerable<int>", "Sum, Max, Count", "(long, int, int)")]
    [InlineData("IReadOnlyList<sbyte>", "Min, Max", "(sbyte, sbyte)")]
    [InlineData("double[]", "Sum, Min, Max, Average", "(double, double, double, double)")]
    [InlineData("float[]", "Sum, Max", "(float, float)")]
    public void ContiguousPrimitiveSourcesTakeTheVectorPath(string source, string aggregates, string result)
    {
        var code = Generate($"[Aggregate({aggregates})] public static partial {result} M({source} values);");

        // Floating-point sums stay left to right: the vector loop adds each vector's elements in order.
        var floatingSum = (source.StartsWith("double", StringComparison.Ordinal) || source.StartsWith("float", StringComparison.Ordinal))
            && (aggregates.Contains("Sum", StringComparison.Ordinal) || aggregates.Contains("Average", StringComparison.Ordinal));
        Assert.Equal(floatingSum, code.Contains("// Left to right, as LINQ adds: the lanes in order.", StringComparison.Ordinal));

        Assert.Contains("global::System.Numerics.Vector.IsHardwareAccelerated", code);
        Assert.Contains("global::System.Runtime.InteropServices.MemoryMarshal.Cast<", code);
        Assert.Contains("var __rest = __span.Slice(__vectorized);", code);   // the scalar tail
        Assert.Equal(source.StartsWith("IEnumerable", StringComparison.Ordinal) || source.StartsWith("IReadOnly", StringComparison.Ordinal), code.Contains("__TryGetSpan(values, out var __span)", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("float[]", "[Aggregate(Average)]", "float")]                                     // a sum in order, nothing else
    [InlineData("int[]", "[Aggregate(Sum)] [Aggregate(Count, Where = nameof(IsEven))]", "(int, int)")]
    [InlineData("int[]", "[Aggregate(Sum, Of = nameof(Twice))]", "long")]
    [InlineData("int?[]", "[Aggregate(Sum, Max)]", "(int, int?)")]
    [InlineData("decimal[]", "[Aggregate(Sum, Max)]", "(decimal, decimal)")]
    [InlineData("char[]", "[Aggregate(Min, Max)]", "(char, char)")]
    [InlineData("int[]", "[Aggregate(Sum)]", "double")]                                          // int added as double, in order
    [InlineData("IEnumerable<Order>", "[Aggregate(Max, Of = nameof(Order.Total))]", "double")]
    [InlineData("HashSet<int>", "[Aggregate(Sum, Max)]", "(int, int)")]
    [InlineData("IAsyncEnumerable<int>", "[Aggregate(Sum, Max)]", "System.Threading.Tasks.Task<(int, int)>")]
    public void OtherMethodsKeepTheScalarLoop(string source, string attributes, string result)
    {
        var code = Generate($"""
            {attributes} public static partial {result} M({source} values);
            private static bool IsEven(int value) => value % 2 == 0;
            private static long Twice(int value) => 2L * value;
            """);

        Assert.DoesNotContain("Numerics.Vector", code);
    }

    [Fact]
    public void InterfaceSourcesAreReadAsSpansWhenTheyAreArraysOrLists()
    {
        var code = Generate("[Aggregate(Max)] public static partial double M(IEnumerable<double> values);");

        Assert.Contains("if (__TryGetSpan(values, out var __span))", code);
        Assert.Contains("if (__sequence is double[] __array)", code);
        Assert.Contains("if (__sequence.GetType() == typeof(global::System.Collections.Generic.List<double>))", code);
        Assert.Contains("foreach (double __item in values)", code);
    }

    [Fact]
    public void ListsAreReadThroughTheirEnumeratorWhenUserCodeRunsPerElement()
    {
        // A selector could modify the list: its enumerator notices, a span would not.
        var code = Generate("""
            [Aggregate(Max, Of = nameof(Order.Total))] public static partial double M(IEnumerable<Order> values);
            [Aggregate(Max, Of = nameof(Order.Total))] public static partial double L(List<Order> values);
            [Aggregate(Max, Of = nameof(Order.Total))] public static partial double I(IReadOnlyList<Order> values);
            """);

        Assert.Contains("if (__sequence is global::Order[] __array)", code);
        Assert.DoesNotContain("typeof(global::System.Collections.Generic.List<global::Order>)", code);
        Assert.DoesNotContain("CollectionsMarshal", code);
        Assert.Contains("foreach (global::Order __item in values)", code);
        Assert.DoesNotContain(".Count;", code);   // no index loop over the IReadOnlyList<T>
    }

    [Fact]
    public void AllowReorderingVectorizesFloatingSumsAndStaysCloseToTheExactSum()
    {
        var assembly = Compile("""
            [Aggregate(Sum, Average, Min, Max, AllowReordering = true)]
            public static partial (double Sum, double Average, double Min, double Max) Doubles(double[] values);

            [Aggregate(Sum, Average, Count, AllowReordering = true)]
            public static partial (float Sum, float Average, int Count) Floats(List<float> values);
            """, out var code);
        Assert.Contains("var __sum0Lanes = new global::System.Numerics.Vector<double>(-0.0);", code);
        Assert.Contains("// AllowReordering", code);

        var doubles = Method(assembly, "Doubles");
        var floats = Method(assembly, "Floats");
        var rng = new Random(7);
        foreach (var length in new[] { 0, 1, 3, 4, 5, 7, 8, 9, 31, 64, 100, 1000, 4097 })
        {
            var values = Enumerable.Range(0, length).Select(_ => Math.Round(rng.NextDouble() * 2000 - 1000, 3)).ToArray();
            var exact = values.Select(static v => (decimal)v).Sum();   // three decimals: exact in decimal
            if (length == 0)
            {
                Assert.IsType<InvalidOperationException>(Assert.Throws<TargetInvocationException>(() => doubles.Invoke(null, new object[] { values })).InnerException);
                continue;
            }

            var d = (ITuple)doubles.Invoke(null, new object[] { values })!;
            Assert.Equal((double)exact, (double)d[0]!, 1e-9);
            Assert.Equal((double)(exact / length), (double)d[1]!, 1e-9);
            Assert.Equal(values.Min(), (double)d[2]!);
            Assert.Equal(values.Max(), (double)d[3]!);

            var singles = values.Select(static v => (float)v).ToList();
            var f = (ITuple)floats.Invoke(null, new object[] { singles })!;
            Assert.Equal(singles.Sum(), (float)f[0]!, 1e-3f * Math.Max(1, Math.Abs(singles.Sum())));
            Assert.Equal(singles.Average(), (float)f[1]!, 1e-5f * Math.Max(1, Math.Abs(singles.Average())));
            Assert.Equal(length, (int)f[2]!);
        }
    }

    /// <summary>
    /// Reordering may change the last bits of a sum, but not the sign of a zero: over only <c>-0.0</c>, LINQ's
    /// Average of an enumerated source (seeded with its first value) is <c>-0.0</c>, and so is the vectorized one,
    /// whose lanes start from <c>-0.0</c> and are folded into the sum one by one.
    /// </summary>
    [Fact]
    public void AllowReorderingKeepsTheSignOfAZeroSumAsLinq()
    {
        var assembly = Compile("""
            [Aggregate(Sum, Average, AllowReordering = true)]
            public static partial (double Sum, double Average) Doubles(ImmutableArray<double> values);

            [Aggregate(Average, AllowReordering = true)]
            public static partial float Floats(ImmutableArray<float> values);

            public static (double, double, float) Linq(ImmutableArray<double> doubles, ImmutableArray<float> floats) =>
                (System.Linq.Enumerable.Sum(doubles), System.Linq.Enumerable.Average(doubles), System.Linq.Enumerable.Average(floats));
            """, out _);

        foreach (var length in new[] { 1, 7, 64, 1001 })
        {
            var doubles = ImmutableArray.CreateRange(Enumerable.Repeat(-0.0, length));
            var floats = ImmutableArray.CreateRange(Enumerable.Repeat(-0.0f, length));
            var linq = (ITuple)Method(assembly, "Linq").Invoke(null, new object[] { doubles, floats })!;
            var generated = (ITuple)Method(assembly, "Doubles").Invoke(null, new object[] { doubles })!;

            Assert.Equal(BitConverter.DoubleToInt64Bits((double)linq[0]!), BitConverter.DoubleToInt64Bits((double)generated[0]!));
            Assert.Equal(BitConverter.DoubleToInt64Bits((double)linq[1]!), BitConverter.DoubleToInt64Bits((double)generated[1]!));
            Assert.Equal(BitConverter.SingleToInt32Bits((float)linq[2]!), BitConverter.SingleToInt32Bits((float)Method(assembly, "Floats").Invoke(null, new object[] { floats })!));
        }
    }

    [Fact]
    public void ADefaultImmutableArrayThrowsLikeLinqInsteadOfReadingAsEmpty()
    {
        var assembly = Compile("""
            [Aggregate(Count, Sum)]
            public static partial (int Count, long Sum) M(ImmutableArray<int> values);

            public static object Linq(ImmutableArray<int> values) => System.Linq.Enumerable.Sum(values);
            """, out _);

        var empty = new object[] { default(ImmutableArray<int>) };
        var linq = Assert.Throws<TargetInvocationException>(() => Method(assembly, "Linq").Invoke(null, empty)).InnerException;
        var generated = Assert.Throws<TargetInvocationException>(() => Method(assembly, "M").Invoke(null, empty)).InnerException;
        Assert.IsType<InvalidOperationException>(linq);
        Assert.IsType<InvalidOperationException>(generated);
    }

    /// <summary>
    /// An Average beside a Sum of the same 64-bit values reads the Sum's exact total, also where a vector lane wrapped
    /// and the Sum added the vectorized elements again one by one; its count is its own (every element, vectors included).
    /// </summary>
    [Fact]
    public void AnAverageBesideASumReadsItsTotalWhereALaneWraps()
    {
        var assembly = Compile("""
            [Aggregate(Sum, Average)]
            public static partial (long Sum, double Average) Both(long[] values);

            [Aggregate(Average)]
            public static partial double Alone(long[] values);
            """, out var code);
        Assert.DoesNotMatch(@"\b__average1\b", code);   // the Average keeps no total of its own, only __average1Count

        // Every lane gets long.MaxValue twice (it wraps) and -long.MaxValue twice, for any lane count up to 16; then 1..15.
        var values = Enumerable.Repeat(long.MaxValue, 32).Concat(Enumerable.Repeat(-long.MaxValue, 32)).Concat(Enumerable.Range(1, 15).Select(static i => (long)i)).ToArray();
        var exact = values.Sum(static v => (decimal)v);
        Assert.Equal(((long)exact, (double)exact / values.Length), Method(assembly, "Both").Invoke(null, new object[] { values }));
        Assert.Equal((double)exact / values.Length, Method(assembly, "Alone").Invoke(null, new object[] { values }));
    }

    [Fact]
    public void GeneratedMethodsAllocateNothingButTheSourcesEnumerator()
    {
        var assembly = Compile("""
            [Aggregate(Sum, Min, Max, Average)]
            public static partial (long Sum, int Min, int Max, double Average) Array(int[] values);

            [Aggregate(Count, Min, Max)]
            public static partial (int Count, double Min, double Max) Span(ReadOnlySpan<double> values);

            [Aggregate(Sum, Max)]
            public static partial (long Sum, int Max) Sequence(IEnumerable<int> values);

            public static long Enumerate(IEnumerable<int> values)
            {
                long sum = 0;
                foreach (var value in values) sum += value;
                return sum;
            }

            public static IEnumerable<int> Iterator(int count)
            {
                for (var i = 0; i < count; i++) yield return i;
            }

            public static long ArrayBytes(int[] values) => Measure(() => Array(values));
            public static long SpanBytes(double[] values) => Measure(() => Span(values));
            public static long SequenceBytes(IEnumerable<int> values) => Measure(() => Sequence(values));
            public static long EnumerateBytes(IEnumerable<int> values) => Measure(() => Enumerate(values));

            private static long Measure<T>(Func<T> run)
            {
                run();   // warm up: the first call may allocate in the runtime
                var before = GC.GetAllocatedBytesForCurrentThread();
                run();
                return GC.GetAllocatedBytesForCurrentThread() - before;
            }
            """, out _);

        long Bytes(string name, object argument) => (long)Method(assembly, name).Invoke(null, new[] { argument })!;
        var ints = Enumerable.Range(-500, 1000).ToArray();
        var doubles = ints.Select(static i => i * 0.5).ToArray();

        Assert.Equal(0, Bytes("ArrayBytes", ints));
        Assert.Equal(0, Bytes("SpanBytes", doubles));
        Assert.Equal(0, Bytes("SequenceBytes", ints));                 // an array behind IEnumerable<int>: read as a span
        Assert.Equal(0, Bytes("SequenceBytes", ints.ToList()));        // a List<int> too
        var iterator = Method(assembly, "Iterator").Invoke(null, new object[] { 1000 })!;
        Assert.Equal(Bytes("EnumerateBytes", iterator), Bytes("SequenceBytes", iterator));   // only the iterator's own enumerator
    }

    private static string Generate(string members)
    {
        var result = TestCompiler.Run(Header + members + "\n}").AssertClean();
        return string.Join("\n", result.Sources.Select(static s => s.SourceText.ToString()));
    }

    private static Assembly Compile(string members, out string code)
    {
        var result = TestCompiler.Run(Header + members + "\n}").AssertClean();
        code = string.Join("\n", result.Sources.Select(static s => s.SourceText.ToString()));
        return TestCompiler.Load(result.Output);
    }

    private static MethodInfo Method(Assembly assembly, string name) => assembly.GetType("C")!.GetMethod(name)!;
}
