using System;
using System.Text;

namespace MultiAgg.Generators.Emitting;

/// <summary>A minimal indented text writer (the shape of dotnet/runtime's SourceWriter).</summary>
internal sealed class SourceWriter
{
    private const int IndentSize = 4;
    private readonly StringBuilder _builder = new();
    private int _indent;

    public void WriteLine(string line = "")
    {
        if (line.Length > 0)
        {
            _builder.Append(' ', _indent * IndentSize).Append(line);
        }

        _builder.Append('\n');
    }

    /// <summary>Writes <paramref name="header"/>, an opening brace, and indents until the result is disposed.</summary>
    public Block Block(string? header = null)
    {
        if (header is not null)
        {
            WriteLine(header);
        }

        WriteLine("{");
        _indent++;
        return new Block(this);
    }

    internal void CloseBlock()
    {
        _indent--;
        WriteLine("}");
    }

    public override string ToString() => _builder.ToString();
}

internal readonly struct Block : IDisposable
{
    private readonly SourceWriter _writer;

    public Block(SourceWriter writer) => _writer = writer;

    public void Dispose() => _writer.CloseBlock();
}
