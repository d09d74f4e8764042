using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using MultiAgg.Generators.Specs;

namespace MultiAgg.Generators.Diagnostics;

/// <summary>
/// A diagnostic to report, with its real source <see cref="Microsoft.CodeAnalysis.Location"/>: only a location in a
/// syntax tree lets <c>#pragma warning disable</c> and <c>.editorconfig</c> severities apply (a location rebuilt
/// from a file path is an external-file one, which both ignore). So diagnostics flow in a pipeline step of their
/// own, and the equatable specs that drive emission hold no location (dotnet/runtime's generators do the same).
/// A location compares by tree and span, so an edit in another file leaves this step unchanged too.
/// </summary>
internal sealed record DiagnosticInfo(DiagnosticDescriptor Descriptor, Location? Location, EquatableArray<string> MessageArgs)
{
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, SyntaxNode? node, params string[] messageArgs) =>
        new(descriptor, node?.GetLocation(), messageArgs.ToEquatableArray());

    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, Location? location, params string[] messageArgs) =>
        new(descriptor, location, messageArgs.ToEquatableArray());

    public Diagnostic ToDiagnostic() => Diagnostic.Create(
        Descriptor,
        Location ?? Microsoft.CodeAnalysis.Location.None,
        MessageArgs.Select(static a => (object?)a).ToArray());

    /// <summary>"MAGG104: the message", as a generated body that throws quotes it.</summary>
    public string IdAndMessage => Descriptor.Id + ": " + ToDiagnostic().GetMessage(CultureInfo.InvariantCulture);
}
