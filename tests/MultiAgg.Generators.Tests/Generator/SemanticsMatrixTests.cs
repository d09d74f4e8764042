using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using MultiAgg.Generators.Tests.Infrastructure;

namespace MultiAgg.Generators.Tests;

/// <summary>
/// Every numeric element type (and its nullable form) × every source shape × strict or nullable
/// results: the generated method must equal System.Linq (and, for integral sums, an exact
/// BigInteger oracle) on edge-case and random inputs, value for value and exception for exception.
/// The cases are generated into one compilation, compiled with the generator, loaded and run.
/// </summary>
public class SemanticsMatrixTests
{
    private sealed record Element(string Name, Kind Kind, string SumType, string AverageType);

    private enum Kind { Signed, Unsigned, Floating, Decimal }

    private static readonly Element[] Elements =
    {
        new("sbyte", Kind.Signed, "int", "double"),
        new("short", Kind.Signed, "int", "double"),
        new("int", Kind.Signed, "int", "double"),
        new("long", Kind.Signed, "long", "double"),
        new("byte", Kind.Unsigned, "int", "double"),
        new("ushort", Kind.Unsigned, "int", "double"),
        new("uint", Kind.Unsigned, "uint", "double"),
        new("ulong", Kind.Unsigned, "ulong", "double"),
        new("float", Kind.Floating, "float", "float"),
        new("double", Kind.Floating, "double", "double"),
        new("decimal", Kind.Decimal, "decimal", "decimal"),
    };

    /// <summary>
    /// Source parameter type, how the runner builds it from an array <c>a</c>, and the same source for
    /// System.Linq (spans and memory, which LINQ cannot read, as the array of their values).
    /// </summary>
    private static readonly (string Name, string Type, string Build, bool Async, string Linq)[] Shapes =
    {
        ("Array", "{0}[]", "a", false, "a"),
        ("List", "List<{0}>", "new List<{0}>(a)", false, "new List<{0}>(a)"),
        ("OneShot", "IEnumerable<{0}>", "new OneShot<{0}>(a)", false, "new OneShot<{0}>(a)"),
        ("IList", "IList<{0}>", "new List<{0}>(a)", false, "((IList<{0}>)new List<{0}>(a))"),
        ("IReadOnlyList", "IReadOnlyList<{0}>", "Array.AsReadOnly(a)", false, "Array.AsReadOnly(a)"),
        ("ReadOnlySpan", "ReadOnlySpan<{0}>", "new ReadOnlySpan<{0}>(a)", false, "a"),
        ("Span", "Span<{0}>", "a.AsSpan()", false, "a"),
        ("ReadOnlyMemory", "ReadOnlyMemory<{0}>", "new ReadOnlyMemory<{0}>(a)", false, "a"),
        ("Memory", "Memory<{0}>", "a.AsMemory()", false, "a"),
        ("ImmutableArray", "ImmutableArray<{0}>", "ImmutableArray.Create(a)", false, "ImmutableArray.Create(a)"),
        ("Collection", "Collection<{0}>", "new Collection<{0}>(a)", false, "new Collection<{0}>(a)"),
        ("Async", "IAsyncEnumerable<{0}>", "OneShotAsync(a)", true, "OneShotAsync(a)"),
    };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void GeneratedMethodsEqualLinqOnEveryTypeAndSource(bool checkOverflow)
    {
        var (source, cases, _) = BuildMatrix();
        var result = TestCompiler.Run(TestCompiler.Compile(source, checkOverflow: checkOverflow)).AssertClean();
        var matrix = TestCompiler.Load(result.Output).GetType("Matrix")!;

        var failures = new List<string>();
        var compared = 0;
        foreach (var (name, element, nullableElement, expectedName) in cases)
        {
            var inputs = (IEnumerable<object>)matrix.GetMethod($"Inputs_{element}{(nullableElement ? "_N" : "")}")!.Invoke(null, null)!;
            var expectedMethod = matrix.GetMethod("E_" + expectedName)!;
            var actualMethod = matrix.GetMethod("R_" + name)!;
            foreach (var input in inputs)
            {
                var expected = Outcome(expectedMethod, input);
                var actual = Outcome(actualMethod, input);
                compared++;
                if (!SameOutcome(expected, actual))
                {
                    failures.Add($"{name} on [{Describe(input)}]: expected {Show(expected)}, got {Show(actual)}");
                }
            }
        }

        Assert.True(cases.Count >= 500, $"only {cases.Count} cases");
        Assert.True(failures.Count == 0, $"{failures.Count} of {compared} comparisons differ:\n" + string.Join("\n", failures.Take(40)));
    }

    /// <summary>
    /// The same matrix through accumulator types (DESIGN.md §6): each element of the input pushed into a type with the same
    /// attributes equals the method over an iterator (LINQ's seeded path); a merge of the input split at a third equals
    /// one run, exactly except for floating-point sums, which add two partial sums (documented).
    /// </summary>
    [Fact]
    public void AccumulatorTypesEqualTheMethodsOnEveryTypeAndMergeSplits()
    {
        var (source, _, types) = BuildMatrix();
        var result = TestCompiler.Run(TestCompiler.Compile(source)).AssertClean();
        var matrix = TestCompiler.Load(result.Output).GetType("Matrix")!;

        var failures = new List<string>();
        var compared = 0;
        foreach (var (key, element, nullableElement, floating) in types)
        {
            var inputs = (IEnumerable<object>)matrix.GetMethod($"Inputs_{element}{(nullableElement ? "_N" : "")}")!.Invoke(null, null)!;
            var method = matrix.GetMethod("R_" + key.Replace("_", "_OneShot_", StringComparison.Ordinal))!;
            foreach (var input in inputs)
            {
                var expected = Outcome(method, input);
                var pushed = Outcome(matrix.GetMethod("P_" + key)!, input);
                var merged = Outcome(matrix.GetMethod("M_" + key)!, input);
                compared++;
                if (!SameOutcome(expected, pushed))
                {
                    failures.Add($"pushed {key} on [{Describe(input)}]: expected {Show(expected)}, got {Show(pushed)}");
                }

                // Only a sum, and the average read from it, may round differently when added in two parts; a Min and a Max
                // merge exactly, signed zeros included.
                var summed = floating && !key.EndsWith("MinMax", StringComparison.Ordinal);
                if (!(SameOutcome(expected, merged) || (summed && SameUpToSummation(expected, merged, input))))
                {
                    failures.Add($"merged {key} on [{Describe(input)}]: expected {Show(expected)}, got {Show(merged)}");
                }
            }
        }

        Assert.True(types.Count >= 40, $"only {types.Count} types");
        Assert.True(failures.Count == 0, $"{failures.Count} of {compared} comparisons differ:\n" + string.Join("\n", failures.Take(40)));
    }

    /// <summary>
    /// Two partial floating-point (or decimal) sums added together differ from one left-to-right run by rounding only: at
    /// most a few ulps of the sum of magnitudes per element. Where that sum is near the type's range, partial sums may
    /// overflow where one run does not, or the other way round. Only the Sum and the Average (<see cref="SummedFields"/>)
    /// may differ so; every other result is the same value.
    /// </summary>
    /// <summary>The positions of Sum and Average in <c>(Count, LongCount, Sum, Min, Max, Average)</c>.</summary>
    private static readonly int[] SummedFields = [2, 5];

    private static bool SameUpToSummation(object expected, object actual, object input)
    {
        var values = ((System.Collections.IEnumerable)input).Cast<object?>().Where(static v => v is not null).Select(static v => Math.Abs(Convert.ToDouble(v))).ToList();
        var magnitude = values.Sum();
        var nearTheRange = double.IsInfinity(magnitude) || magnitude > 1e300 || (values.Count > 0 && input.GetType().GetElementType() is { } t && (t == typeof(decimal) || t == typeof(decimal?)) && magnitude > 1e28);
        if (expected is OverflowException || actual is OverflowException)
        {
            return nearTheRange;
        }

        if (expected is not ITuple left || actual is not ITuple right || left.Length != right.Length)
        {
            return false;
        }

        for (var i = 0; i < left.Length; i++)
        {
            if (SameValue(left[i], right[i]))
            {
                continue;
            }

            if (!SummedFields.Contains(i) || left[i] is not (float or double or decimal) || right[i] is not (float or double or decimal))
            {
                return false;
            }

            var (x, y) = (Convert.ToDouble(left[i]), Convert.ToDouble(right[i]));
            var epsilon = left[i] is float ? 1e-6 : 1e-15;   // decimals are compared as doubles
            if (!(nearTheRange || (!double.IsNaN(x) && Math.Abs(x - y) <= epsilon * values.Count * Math.Max(1, magnitude))))
            {
                return false;
            }
        }

        return true;
    }

    private static (string Source, List<(string Name, string Element, bool Nullable, string Expected)> Cases, List<(string Key, string Element, bool Nullable, bool Floating)> Types) BuildMatrix()
    {
        var types = new List<(string, string, bool, bool)>();
        var code = new StringBuilder();
        code.AppendLine(Prelude);
        code.AppendLine("public static partial class Matrix");
        code.AppendLine("{");
        var cases = new List<(string, string, bool, string)>();
        foreach (var element in Elements)
        {
            foreach (var nullableElement in new[] { false, true })
            {
                var t = element.Name + (nullableElement ? "?" : "");
                EmitInputs(code, element, nullableElement);
                // Floating-point sums add left to right, so only Count, Min and Max of floats take the
                // vector path: they get a case of their own.
                var variants = element.Kind == Kind.Floating ? new[] { "", "MinMax" } : new[] { "" };
                foreach (var (nullableResults, variant) in new[] { false, true }.SelectMany(n => variants.Select(v => (n, v))))
                {
                    var q = nullableResults ? "?" : "";
                    var u = element.Name;
                    var minMaxOnly = variant == "MinMax";
                    var resultType = minMaxOnly
                        ? $"(int Count, {u}{q} Min, {u}{q} Max)"
                        : $"(int Count, long LongCount, {element.SumType}{q} Sum, {u}{q} Min, {u}{q} Max, {element.AverageType}{q} Average)";
                    var key = $"{u}{(nullableElement ? "N" : "")}_{(nullableResults ? "Null" : "Strict")}{variant}";
                    // A floating-point Average's sum starts where LINQ's does on that source (+0.0 on its span
                    // path and in AverageAsync, the first value elsewhere), so it is compared with LINQ called
                    // on the same shape of source; every other result is the same for every shape.
                    var perShape = element.Kind == Kind.Floating && !minMaxOnly;
                    if (!perShape)
                    {
                        EmitExpected(code, element, t, resultType, key, nullableResults, minMaxOnly, linqSource: null);
                    }

                    foreach (var shape in Shapes)
                    {
                        var name = $"{u}{(nullableElement ? "N" : "")}_{shape.Name}_{(nullableResults ? "Null" : "Strict")}{variant}";
                        var expected = perShape ? $"{key}_{shape.Name}" : key;
                        if (perShape)
                        {
                            EmitExpected(code, element, t, resultType, expected, nullableResults, minMaxOnly, (string.Format(shape.Linq, t), shape.Async));
                        }

                        var sourceType = string.Format(shape.Type, t);
                        var returnType = shape.Async ? $"Task<{resultType}>" : resultType;
                        code.AppendLine(minMaxOnly ? "    [Aggregate(Count, Min, Max)]" : "    [Aggregate(Count, LongCount, Sum, Min, Max, Average)]");
                        code.AppendLine($"    public static partial {returnType} G_{name}({sourceType} source);");
                        var call = $"G_{name}({string.Format(shape.Build, t)})";
                        code.AppendLine($"    public static object R_{name}(object input) {{ var a = ({t}[])input; return {(shape.Async ? call + ".GetAwaiter().GetResult()" : call)}; }}");
                        cases.Add((name, u, nullableElement, expected));
                    }

                    // The same aggregates as a type: a struct for plain elements, a class for nullable ones.
                    var declaration = nullableElement ? "public sealed partial class" : "public partial struct";
                    code.AppendLine(minMaxOnly ? "    [Aggregate(Count, Min, Max)]" : "    [Aggregate(Count, LongCount, Sum, Min, Max, Average)]");
                    code.AppendLine($"    {declaration} T_{key} : IMergeableAccumulator<T_{key}, {t}, {resultType}> {{ }}");
                    code.AppendLine($"    public static object P_{key}(object input) {{ var s = new T_{key}(); foreach (var v in ({t}[])input) s.Add(v); return s.Result; }}");
                    code.AppendLine($"    public static object M_{key}(object input) {{ var a = ({t}[])input; var left = new T_{key}(); var right = new T_{key}(); for (var i = 0; i < a.Length; i++) {{ if (i < a.Length / 3) left.Add(a[i]); else right.Add(a[i]); }} left.Merge(right); return left.Result; }}");
                    types.Add((key, u, nullableElement, element.Kind is Kind.Floating or Kind.Decimal));
                }
            }
        }

        code.AppendLine("}");
        return (code.ToString(), cases, types);
    }

    private static void EmitExpected(StringBuilder code, Element element, string t, string resultType, string key, bool nullableResults, bool minMaxOnly,
        (string Source, bool Async)? linqSource)
    {
        var u = element.Name;
        string Maybe(string expression, string type) => nullableResults ? $"present.Length == 0 ? ({type}?)null : {expression}" : expression;

        var sum = element.Kind is Kind.Signed or Kind.Unsigned
            ? $"checked(({element.SumType})Oracle.Total(present))"
            : "present.Sum()";
        var average = (element.Kind, linqSource) switch
        {
            (Kind.Signed, _) => "Oracle.AverageSigned(present)",
            (Kind.Unsigned, _) => "Oracle.AverageUnsigned(present)",
            (_, { Async: true } linq) => $"Oracle.Strict({linq.Source}.AverageAsync().AsTask().GetAwaiter().GetResult())",
            (_, { } linq) => $"Oracle.Strict({linq.Source}.Average())",
            _ => "present.Average()",
        };

        code.AppendLine($"    public static object E_{key}(object input)");
        code.AppendLine("    {");
        code.AppendLine($"        var values = ({t}[])input;");
        code.AppendLine("        var a = values;");
        code.AppendLine(t.EndsWith('?')
            ? $"        {u}[] present = values.Where(static v => v.HasValue).Select(static v => v.GetValueOrDefault()).ToArray();"
            : $"        {u}[] present = values.ToArray();");
        code.AppendLine("        int count = values.Length;");
        code.AppendLine("        long longCount = values.LongLength;");
        if (!minMaxOnly)
        {
            code.AppendLine($"        var sum = {sum};");
        }

        code.AppendLine($"        var min = {Maybe("present.Min()", u)};");
        code.AppendLine($"        var max = {Maybe("present.Max()", u)};");
        if (!minMaxOnly)
        {
            code.AppendLine($"        var average = {Maybe(average, element.AverageType)};");
        }

        code.AppendLine(minMaxOnly
            ? $"        {resultType} result = (count, min, max);"
            : $"        {resultType} result = (count, longCount, sum, min, max, average);");
        code.AppendLine("        return result;");
        code.AppendLine("    }");
    }

    private static void EmitInputs(StringBuilder code, Element element, bool nullableElement)
    {
        var u = element.Name;
        var edges = element.Kind switch
        {
            Kind.Signed => $$"""
                new {{u}}[] { 0 }, new {{u}}[] { {{u}}.MaxValue }, new {{u}}[] { {{u}}.MinValue },
                new {{u}}[] { {{u}}.MaxValue, 1 }, new {{u}}[] { {{u}}.MinValue, -1 },
                new {{u}}[] { {{u}}.MaxValue, 1, -2 }, new {{u}}[] { {{u}}.MinValue, -1, 2 },
                new {{u}}[] { {{u}}.MaxValue, {{u}}.MaxValue, {{u}}.MinValue, {{u}}.MinValue },
                new {{u}}[] { -5, 3, -5, 3 }, new {{u}}[] { 7, 7, 7 },
                """,
            Kind.Unsigned => $$"""
                new {{u}}[] { 0 }, new {{u}}[] { {{u}}.MaxValue }, new {{u}}[] { {{u}}.MaxValue, 1 },
                new {{u}}[] { {{u}}.MaxValue, {{u}}.MaxValue, {{u}}.MaxValue }, new {{u}}[] { 7, 0, 7 },
                """,
            Kind.Floating => $$"""
                new {{u}}[] { 0 }, new {{u}}[] { -0.0f }, new {{u}}[] { -0.0f, -0.0f }, new {{u}}[] { -0.0f, -0.0f, -0.0f }, new {{u}}[] { {{u}}.NaN }, new {{u}}[] { {{u}}.NaN, 1 }, new {{u}}[] { 1, {{u}}.NaN },
                new {{u}}[] { {{u}}.NaN, {{u}}.NaN }, new {{u}}[] { -0.0f, 0.0f }, new {{u}}[] { 0.0f, -0.0f }, new {{u}}[] { 1, -0.0f, 0.0f, 1 },
                new {{u}}[] { {{u}}.PositiveInfinity, {{u}}.NegativeInfinity }, new {{u}}[] { {{u}}.MaxValue, {{u}}.MaxValue },
                new {{u}}[] { {{u}}.NaN, -1, {{u}}.NaN, 2 }, new {{u}}[] { 1e7f, 1, -1e7f, 0.5f }, new {{u}}[] { {{u}}.Epsilon, -{{u}}.Epsilon },
                """,
            _ => """
                new decimal[] { 0m }, new decimal[] { decimal.MaxValue, 1m }, new decimal[] { decimal.MaxValue, -1m, 1m },
                new decimal[] { 1.50m, 2.250m }, new decimal[] { decimal.MinValue, decimal.MaxValue }, new decimal[] { 1m, 1.0m, 1.00m },
                """,
        };
        var random = element.Kind switch
        {
            Kind.Signed or Kind.Unsigned => $"small ? unchecked(({u})rng.Next(-100, 100)) : unchecked(({u})rng.NextInt64(long.MinValue, long.MaxValue))",
            Kind.Floating => $"small ? ({u})Math.Round(rng.NextDouble() * 200 - 100, 2) : ({u})((rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(-10, 30)))",
            _ => "small ? Math.Round((decimal)rng.NextDouble() * 200m - 100m, rng.Next(0, 5)) : (decimal)((rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(0, 20)))",
        };

        var specials = element.Kind switch
        {
            Kind.Signed => $"{{ {u}.MaxValue, {u}.MinValue, 0, -1 }}",
            Kind.Unsigned => $"{{ {u}.MaxValue, 0, 1 }}",
            Kind.Floating => $"{{ {u}.NaN, 0.0f, -0.0f, {u}.PositiveInfinity, {u}.NegativeInfinity, {u}.MaxValue, {u}.MinValue }}",
            _ => "{ decimal.MaxValue / 4, 0m, -1m }",
        };

        // Whole vectors of one edge: lanes that wrap (total fits, or not), NaN only, signed zeros in either order.
        var longEdges = element.Kind switch
        {
            Kind.Signed => $"new[] {{ Enumerable.Repeat({u}.MaxValue, 64).Concat(Enumerable.Repeat({u}.MinValue, 64)).ToArray(), Enumerable.Repeat({u}.MaxValue, 100).ToArray(), Enumerable.Repeat({u}.MinValue, 99).ToArray() }}",
            Kind.Unsigned => $"new[] {{ Enumerable.Repeat({u}.MaxValue, 100).ToArray(), Enumerable.Repeat(({u})1, 77).ToArray() }}",
            Kind.Floating => $"new[] {{ Enumerable.Repeat({u}.NaN, 70).ToArray(), Enumerable.Repeat(({u})(-0.0), 70).ToArray(), Enumerable.Range(0, 90).Select(i => i % 7 == 3 ? -0.0f : i % 7 == 5 ? 0.0f : ({u})(i + 1)).ToArray(), Enumerable.Range(0, 90).Select(i => i % 7 == 3 ? 0.0f : i % 7 == 5 ? -0.0f : ({u})(-i - 1)).ToArray(), Enumerable.Range(0, 64).Select(i => i == 40 ? {u}.NaN : ({u})i).ToArray(), Enumerable.Range(0, 64).Select(i => i < 63 ? {u}.NaN : -0.0f).ToArray() }}",
            _ => "Array.Empty<decimal[]>()",
        };

        var name = $"Inputs_{u}{(nullableElement ? "_N" : "")}";
        code.AppendLine($"    public static IEnumerable<object> {name}()");
        code.AppendLine("    {");
        code.AppendLine($"        var arrays = new List<{u}[]> {{ Array.Empty<{u}>(), {edges} }};");
        code.AppendLine($"        var rng = new Random({u.Length * 7919 + (nullableElement ? 1 : 0)});");
        code.AppendLine("        for (var i = 0; i < 24; i++)");
        code.AppendLine("        {");
        code.AppendLine("            var small = i % 3 != 0;");
        code.AppendLine($"            var array = new {u}[rng.Next(0, small ? 40 : 6)];");
        code.AppendLine($"            for (var j = 0; j < array.Length; j++) array[j] = {random};");
        code.AppendLine("            arrays.Add(array);");
        code.AppendLine("        }");

        // Long enough for whole vectors plus a tail (Vector<byte> has 32 lanes on AVX2), with the
        // values that vector lanes must treat exactly like the scalar loop sprinkled in.
        code.AppendLine($"        {u}[] specials = {specials};");
        code.AppendLine("        for (var i = 0; i < 16; i++)");
        code.AppendLine("        {");
        code.AppendLine($"            var array = new {u}[rng.Next(30, 300)];");
        code.AppendLine("            var small = true;");
        code.AppendLine($"            for (var j = 0; j < array.Length; j++) array[j] = {random};");
        code.AppendLine("            for (var k = i % 4 == 0 ? 0 : rng.Next(1, 6); k > 0; k--) array[rng.Next(array.Length)] = specials[rng.Next(specials.Length)];");
        code.AppendLine("            arrays.Add(array);");
        code.AppendLine("        }");
        code.AppendLine($"        arrays.AddRange({longEdges});");
        if (nullableElement)
        {
            code.AppendLine($"        yield return new {u}?[] {{ null }};");
            code.AppendLine($"        yield return new {u}?[] {{ null, null, null }};");
            code.AppendLine($"        foreach (var a in arrays) yield return a.SelectMany((v, i) => i % 2 == 0 ? new {u}?[] {{ null, v }} : new {u}?[] {{ v }}).ToArray();");
        }
        else
        {
            code.AppendLine("        foreach (var a in arrays) yield return a;");
        }

        code.AppendLine("    }");
    }

    private const string Prelude = """
        using System;
        using System.Collections.Generic;
        using System.Collections.Immutable;
        using System.Collections.ObjectModel;
        using System.Linq;
        using System.Numerics;
        using System.Threading.Tasks;
        using MultiAgg;
        using static MultiAgg.Agg;

        /// <summary>An iterator that can be read only once, like a network stream.</summary>
        public sealed class OneShot<T> : IEnumerable<T>
        {
            private readonly T[] _items;
            private bool _used;
            public OneShot(T[] items) => _items = items;
            public IEnumerator<T> GetEnumerator()
            {
                if (_used) throw new InvalidOperationException("enumerated twice");
                _used = true;
                return ((IEnumerable<T>)_items).GetEnumerator();
            }
            System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
        }

        public static class Oracle
        {
            public static BigInteger Total<T>(IEnumerable<T> values) => values.Aggregate(BigInteger.Zero, static (s, v) => s + (BigInteger)Convert.ToDecimal(v));

            public static double AverageSigned<T>(T[] values)
            {
                if (values.Length == 0) throw new InvalidOperationException("Sequence contains no elements");
                return (double)checked((long)Total(values)) / values.Length;
            }

            /// <summary>LINQ's Average of nullable values, with the strict result's rule: no value throws.</summary>
            public static T Strict<T>(T? average) where T : struct =>
                average ?? throw new InvalidOperationException("Sequence contains no elements");

            public static T Strict<T>(T average) where T : struct => average;

            public static double AverageUnsigned<T>(T[] values)
            {
                if (values.Length == 0) throw new InvalidOperationException("Sequence contains no elements");
                return (double)checked((ulong)Total(values)) / values.Length;
            }
        }

        public static partial class Matrix
        {
            public static async IAsyncEnumerable<T> OneShotAsync<T>(T[] items)
            {
                foreach (var item in items)
                {
                    if (item is null) await Task.Yield();
                    yield return item;
                }
            }
        }
        """;

    private static object Outcome(MethodInfo method, object input)
    {
        try
        {
            return method.Invoke(null, new[] { input })!;
        }
        catch (TargetInvocationException e)
        {
            var inner = e.InnerException!;
            return inner is AggregateException { InnerException: { } first } ? first : inner;
        }
    }

    private static bool SameOutcome(object expected, object actual)
    {
        if (expected is Exception e)
        {
            // An InvalidOperationException says what was wrong: no elements, as LINQ says it, not a one-shot source
            // enumerated twice.
            return actual is Exception a && a.GetType() == e.GetType() && (a is not InvalidOperationException || a.Message == e.Message);
        }

        if (expected is not ITuple left || actual is not ITuple right || left.Length != right.Length)
        {
            return false;
        }

        for (var i = 0; i < left.Length; i++)
        {
            if (!SameValue(left[i], right[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Equal values with the same type; floating point compared bit for bit (all NaNs alike).</summary>
    private static bool SameValue(object? x, object? y) => (x, y) switch
    {
        (null, null) => true,
        (double a, double b) => (double.IsNaN(a) && double.IsNaN(b)) || BitConverter.DoubleToInt64Bits(a) == BitConverter.DoubleToInt64Bits(b),
        (float a, float b) => (float.IsNaN(a) && float.IsNaN(b)) || BitConverter.SingleToInt32Bits(a) == BitConverter.SingleToInt32Bits(b),
        (decimal a, decimal b) => decimal.GetBits(a).SequenceEqual(decimal.GetBits(b)),
        _ => Equals(x, y) && x!.GetType() == y!.GetType(),
    };

    private static string Show(object outcome) => outcome switch
    {
        Exception e => e.GetType().Name,
        ITuple t => "(" + string.Join(", ", Enumerable.Range(0, t.Length).Select(i => Format(t[i]))) + ")",
        _ => outcome.ToString() ?? "null",
    };

    private static string Describe(object input) =>
        string.Join(", ", ((System.Collections.IEnumerable)input).Cast<object?>().Take(12).Select(Format));

    private static string Format(object? value) => value switch
    {
        null => "null",
        double d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture) + (d == 0 && double.IsNegative(d) ? "(-0)" : ""),
        float f => f.ToString("R", System.Globalization.CultureInfo.InvariantCulture) + (f == 0 && float.IsNegative(f) ? "(-0)" : ""),
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "",
    };
}
