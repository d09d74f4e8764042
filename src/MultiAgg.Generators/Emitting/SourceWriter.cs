using System;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.CodeAnalysis.CSharp;

namespace MultiAgg.Generators.Emitting;

/// <summary>A minimal indented text writer (the shape of dotnet/runtime's SourceWriter).</summary>
/// <remarks>
/// Written for a project with a thousand [Aggregate] methods, where the emitter's garbage was most of the
/// generator's (and the compiler's server GC then most of its time): the builder is reused per thread rather than
/// grown chunk by chunk for every file, and an interpolated line is appended piece by piece
/// (<see cref="LineHandler"/>) rather than formatted into a string first. Dispose the writer to give its builder back.
/// </remarks>
internal sealed class SourceWriter : IDisposable
{
    private const int IndentSize = 4;

    /// <summary>A builder bigger than this (a file of a million characters) is left to the GC rather than kept.</summary>
    private const int MaxCachedCapacity = 1 << 20;

    [ThreadStatic]
    private static StringBuilder? _threadBuilder;

    /// <summary>
    /// A name as C# code must write it: <c>@fixed</c> for a keyword, <c>@await</c> too (an async method's body, where the
    /// generated code may sit, takes it for the operator).
    /// </summary>
    public static string Identifier(string name) =>
        SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None
        || SyntaxFacts.GetContextualKeywordKind(name) is SyntaxKind.AwaitKeyword
            ? "@" + name
            : name;

    /// <summary>
    /// A parameter's name as a string literal, for an <c>ArgumentNullException</c>: what <c>nameof</c> gives, without
    /// <c>nameof</c>, which a parameter named <c>nameof</c> turns into a call of that parameter anywhere in the method.
    /// </summary>
    public static string NameLiteral(string identifier) => $"\"{identifier.TrimStart('@')}\"";

    /// <summary>
    /// <paramref name="expression"/> without the parentheses around all of it, for the whole right-hand side of an
    /// assignment, which needs none (an awaited selector's value is written <c>(await ...)</c> to be an operand anywhere).
    /// Kept as it is where a literal's quote could hide a parenthesis.
    /// </summary>
    public static string Unparenthesized(string expression)
    {
        if (expression.Length < 3 || expression[0] != '(' || expression[expression.Length - 1] != ')' || expression.IndexOfAny(Quotes) >= 0)
        {
            return expression;
        }

        var depth = 0;
        for (var i = 0; i < expression.Length - 1; i++)
        {
            depth += expression[i] switch { '(' => 1, ')' => -1, _ => 0 };
            if (depth == 0)
            {
                return expression;   // the first parenthesis closes before the end: (a) + (b)
            }
        }

        return expression.Substring(1, expression.Length - 2);
    }

    private static readonly char[] Quotes = { '"', '\'' };

    private StringBuilder? _builder;
    private int _indent;

    /// <summary>Whether the last line written closed a block: a statement after it gets a blank line first.</summary>
    private bool _afterBlock;

    public SourceWriter()
    {
        _builder = _threadBuilder ?? new StringBuilder(16 * 1024);
        _threadBuilder = null;
    }

    private StringBuilder Builder => _builder ?? throw new ObjectDisposedException(nameof(SourceWriter));

    public void WriteLine(string line = "")
    {
        if (line.Length > 0)
        {
            SeparateFromBlock(line);
            Builder.Append(' ', _indent * IndentSize).Append(line);
        }

        _afterBlock = false;
        Builder.Append('\n');
    }

    /// <summary>
    /// A blank line between a block and the statement or comment after it, as a person leaves one (StyleCop's SA1513),
    /// unless what follows continues it (<c>else</c>, <c>catch</c>, <c>finally</c>, the rest of an expression), closes
    /// the block around it, or is a preprocessor directive.
    /// </summary>
    private void SeparateFromBlock(string line)
    {
        if (_afterBlock && !ContinuesBlock(line))
        {
            Builder.Append('\n');
        }
    }

    private static bool ContinuesBlock(string line) =>
        line[0] is '}' or ')' or ',' or ';' or '#'
        || StartsWithWord(line, "else") || StartsWithWord(line, "catch") || StartsWithWord(line, "finally");

    private static bool StartsWithWord(string line, string word) =>
        line.StartsWith(word, StringComparison.Ordinal) && (line.Length == word.Length || !SyntaxFacts.IsIdentifierPartCharacter(line[word.Length]));

    /// <summary>The same as <see cref="WriteLine(string)"/> for an interpolated line, without the string in between.</summary>
    public void WriteLine([InterpolatedStringHandlerArgument("")] ref LineHandler line) => line.End();

    /// <summary>Writes <paramref name="header"/>, an opening brace, and indents until the result is disposed.</summary>
    public Block Block(string? header = null)
    {
        if (header is not null)
        {
            WriteLine(header);
        }

        return OpenBlock();
    }

    /// <summary>The same as <see cref="Block(string?)"/> for an interpolated header.</summary>
    public Block Block([InterpolatedStringHandlerArgument("")] ref LineHandler header)
    {
        header.End();
        return OpenBlock();
    }

    private Block OpenBlock()
    {
        WriteLine("{");
        _indent++;
        return new Block(this);
    }

    internal void CloseBlock(string closing)
    {
        _indent--;
        WriteLine(closing);
        _afterBlock = closing == "}";
    }

    /// <summary>An initializer's braces: <c>{</c> on a line of its own, then <c>};</c>.</summary>
    public Block Initializer()
    {
        WriteLine("{");
        _indent++;
        return new Block(this, "};");
    }

    public override string ToString() => Builder.ToString();

    /// <summary>Gives the builder back for the next writer on this thread.</summary>
    public void Dispose()
    {
        if (_builder is { } builder && builder.Capacity <= MaxCachedCapacity)
        {
            builder.Clear();
            _threadBuilder = builder;
        }

        _builder = null;
    }

    /// <summary>
    /// Appends an interpolated line straight to the writer: the indent, each piece, and the newline, as
    /// <see cref="WriteLine(string)"/> would write the formatted string (an empty line gets no indent). Values
    /// are formatted with the invariant culture (<see cref="IFormattable"/>), whatever the compiling process's culture.
    /// </summary>
    [InterpolatedStringHandler]
    internal readonly ref struct LineHandler
    {
        private readonly SourceWriter _writer;
        private readonly StringBuilder _builder;
        private readonly int _start;
        private readonly int _afterIndent;

        public LineHandler(int literalLength, int formattedCount, SourceWriter writer)
        {
            _ = literalLength;
            _ = formattedCount;
            _writer = writer;
            _builder = writer.Builder;
            _start = _builder.Length;
            if (writer._afterBlock)
            {
                // The blank line after a block, taken back in End if the line continues the block. Written now, not
                // inserted once the line is known: an insert splits the builder's buffer, which Dispose's Clear then
                // reallocates whole, a buffer per generated file.
                _builder.Append('\n');
            }

            _builder.Append(' ', writer._indent * IndentSize);
            _afterIndent = _builder.Length;
        }

        public void AppendLiteral(string value) => _builder.Append(value);

        public void AppendFormatted(string? value) => _builder.Append(value);

        public void AppendFormatted<T>(T value)
        {
            // Invariant: generated text must not depend on the culture of the process that compiles it.
            if (value is IFormattable formattable)
            {
                _builder.Append(formattable.ToString(null, System.Globalization.CultureInfo.InvariantCulture));
            }
            else if (value is not null)
            {
                _builder.Append(value.ToString());
            }
        }

        internal void End()
        {
            if (_builder.Length == _afterIndent)
            {
                _builder.Length = _start;   // nothing but the indent: an empty line
            }
            else if (_writer._afterBlock && ContinuesBlock(_builder.ToString(_afterIndent, Math.Min(_builder.Length - _afterIndent, 8))))
            {
                _builder.Remove(_start, 1);
            }

            _writer._afterBlock = false;
            _builder.Append('\n');
        }
    }
}

internal readonly struct Block : IDisposable
{
    private readonly SourceWriter _writer;
    private readonly string _closing;

    public Block(SourceWriter writer, string closing = "}") => (_writer, _closing) = (writer, closing);

    public void Dispose() => _writer.CloseBlock(_closing);
}
