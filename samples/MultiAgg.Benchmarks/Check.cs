using System.Runtime.CompilerServices;

namespace MultiAgg.Benchmarks;

/// <summary>
/// The [GlobalSetup] of every benchmark class runs each entry once and compares it with the
/// reference result, so that the suite can never report the speed of a wrong answer.
/// </summary>
internal static class Check
{
    public static void Equal<T>(T expected, T actual, [CallerArgumentExpression(nameof(actual))] string what = "")
    {
        if (!EqualityComparer<T>.Default.Equals(expected, actual))
        {
            throw new InvalidOperationException($"{what} returned {actual}, expected {expected}.");
        }
    }

    /// <summary>For sums that may add in another order than LINQ's left-to-right one.</summary>
    public static void Close(double expected, double actual, double tolerance, [CallerArgumentExpression(nameof(actual))] string what = "")
    {
        if (!(Math.Abs(expected - actual) <= tolerance))
        {
            throw new InvalidOperationException($"{what} returned {actual}, expected {expected} within {tolerance}.");
        }
    }
}
