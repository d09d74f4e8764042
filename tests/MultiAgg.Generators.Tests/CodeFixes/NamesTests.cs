using Microsoft.CodeAnalysis.CSharp;
using MultiAgg.CodeFixes;

namespace MultiAgg.Generators.Tests;

/// <summary>The names the fuse fix gives a helper, read off the lambda's body.</summary>
public class NamesTests
{
    [Theory]
    [InlineData("o.Quantity * 2", "QuantityTimes2")]
    [InlineData("o.Quantity * 2.0", "QuantityTimes2")]
    [InlineData("o.Total * 2.50m", "TotalTimes2_5")]
    [InlineData("o.Quantity * 0.5", "QuantityTimes0_5")]
    [InlineData("o.Quantity * .5", "QuantityTimes0_5")]
    [InlineData("o.Quantity * .0", "QuantityTimes0")]
    [InlineData("o.Total > 1_000m", "TotalAbove1000")]
    [InlineData("o.Flags & 0xFd", null)]   // no word for &
    [InlineData("o.Id % 0x1F", "IdMod0x1F")]
    [InlineData("o.Total * 1e-3", null)]   // an exponent: 1e3 would read as a thousand
    [InlineData("o.Total * 1.5E3", null)]
    public void ANumberReadsAsItsValue(string body, string? expected) =>
        Assert.Equal(expected, Names.Describe(SyntaxFactory.ParseExpression(body), "o"));
}
