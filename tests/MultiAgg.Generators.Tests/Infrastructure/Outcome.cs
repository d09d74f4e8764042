using System.Reflection;

namespace MultiAgg.Generators.Tests.Infrastructure;

/// <summary>Calls a static method of a generated test assembly and describes what happened.</summary>
internal static class Outcome
{
    /// <summary>The result's <c>ToString()</c> ("null" for null), or the name of the exception it threw.</summary>
    public static string Of(Type type, string method, object argument)
    {
        try
        {
            return type.GetMethod(method)!.Invoke(null, new[] { argument })?.ToString() ?? "null";
        }
        catch (TargetInvocationException e)
        {
            return e.InnerException!.GetType().Name;
        }
    }
}
