using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis.Text;

namespace MultiAgg.Generators.Tests.Infrastructure;

/// <summary>
/// Parses Roslyn-testing style span markup: <c>{|MAGG107:"Nope"|}</c> marks where a diagnostic
/// with that ID is expected. Returns the source without markup and the expected spans.
/// </summary>
internal static partial class Markup
{
    public static (string Source, List<(string Id, TextSpan Span)> Expected) Parse(string markup)
    {
        var expected = new List<(string, TextSpan)>();
        var output = new System.Text.StringBuilder();
        var open = new Stack<(string Id, int Start)>();
        var i = 0;
        while (i < markup.Length)
        {
            var start = OpenPattern().Match(markup, i);
            var close = markup.IndexOf("|}", i, StringComparison.Ordinal);
            if (start.Success && (close < 0 || start.Index < close))
            {
                output.Append(markup, i, start.Index - i);
                open.Push((start.Groups[1].Value, output.Length));
                i = start.Index + start.Length;
            }
            else if (close >= 0)
            {
                output.Append(markup, i, close - i);
                var (id, begin) = open.Pop();
                expected.Add((id, TextSpan.FromBounds(begin, output.Length)));
                i = close + 2;
            }
            else
            {
                output.Append(markup, i, markup.Length - i);
                break;
            }
        }

        Assert.Empty(open);
        return (output.ToString(), expected);
    }

    [GeneratedRegex(@"\{\|([A-Z]+[0-9]+):")]
    private static partial Regex OpenPattern();
}
