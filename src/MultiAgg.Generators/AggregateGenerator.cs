using Microsoft.CodeAnalysis;

namespace MultiAgg.Generators;

/// <summary>
/// Implements every <c>partial</c> method marked <c>[Aggregate]</c> as one fused loop.
/// The data flow: attribute targets → <see cref="Parser"/> (symbols → equatable spec + diagnostics)
/// → <see cref="Emitter"/> (spec → source). Diagnostics and source are separate outputs so that a
/// diagnostic's moving location never invalidates cached source.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed partial class AggregateGenerator : IIncrementalGenerator
{
    public const string AggregateAttributeName = "MultiAgg.AggregateAttribute";

    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var models = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                AggregateAttributeName,
                // Every target is looked at: a lambda or accessor with [Aggregate] deserves a diagnostic too.
                predicate: static (_, _) => true,
                transform: static (context, cancellationToken) => new Parser(context, cancellationToken).Parse())
            .WithTrackingName(TrackingNames.Models);

        var diagnostics = models
            .Select(static (model, _) => model.Diagnostics)
            .WithTrackingName(TrackingNames.Diagnostics);

        var specs = models
            .Select(static (model, _) => model.Spec)
            .WithTrackingName(TrackingNames.Specs);

        context.RegisterSourceOutput(diagnostics, static (context, diagnostics) =>
        {
            foreach (var diagnostic in diagnostics)
            {
                context.ReportDiagnostic(diagnostic.ToDiagnostic());
            }
        });

        // [GroupBy] on a method without [Aggregate] is not seen above; without this it would only get
        // the compiler's "partial method must have an implementation".
        var lonelyGroupBys = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                Parser.GroupByAttributeName,
                predicate: static (_, _) => true,
                transform: static (context, _) => Parser.CheckGroupByHasAggregate(context))
            .Where(static diagnostic => diagnostic is not null)
            .WithTrackingName(TrackingNames.GroupByDiagnostics);

        context.RegisterSourceOutput(lonelyGroupBys, static (context, diagnostic) => context.ReportDiagnostic(diagnostic!.ToDiagnostic()));

        context.RegisterSourceOutput(specs, static (context, spec) =>
        {
            if (spec is not null)
            {
                context.AddSource(spec.HintName, Emitter.Emit(spec));
            }
        });
    }
}

/// <summary>Names of the pipeline steps, so tests can assert that they are cached.</summary>
internal static class TrackingNames
{
    public const string Models = nameof(Models);
    public const string Diagnostics = nameof(Diagnostics);
    public const string Specs = nameof(Specs);
    public const string GroupByDiagnostics = nameof(GroupByDiagnostics);
}
