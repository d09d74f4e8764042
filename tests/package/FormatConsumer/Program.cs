// Readings.Describe enumerates its sequence three times (MAGG001); `dotnet format analyzers --diagnostics MAGG001`
// fuses the three into one [Aggregate] method. The output stays the same; the number of passes does not.
Console.WriteLine(Readings.Describe(Sensor.Read(1_000)));
Console.WriteLine($"sensor passes: {Sensor.Passes}");

public static class Readings
{
    public static string Describe(IEnumerable<int> readings)
    {
        var count = readings.Count();
        var total = readings.Sum();
        var highest = readings.Max();
        return $"{count} readings, total {total}, highest {highest}";
    }
}

public static class Sensor
{
    public static int Passes { get; private set; }

    /// <summary>A stream that reads the sensor again on every enumeration.</summary>
    public static IEnumerable<int> Read(int count)
    {
        Passes++;
        for (var i = 0; i < count; i++)
        {
            yield return (i * 37) % 101;
        }
    }
}
