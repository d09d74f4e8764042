using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using MultiAgg.Generators.Diagnostics;
using MultiAgg.Generators.Specs;

namespace MultiAgg.Generators;

/// <summary>
/// Implements every <c>partial</c> method marked <c>[Aggregate]</c> as one fused loop, and every partial struct or class
/// marked so as an accumulator type whose <c>Add</c> is that loop's body.
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

        // [GroupBy] on a method or an accumulator type without [Aggregate] is not seen above; without this it would only
        // get the compiler's "partial method must have an implementation" (or "does not implement interface member").
        var groupByWithoutAggregate = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                Parser.GroupByAttributeName,
                predicate: static (_, _) => true,
                transform: static (context, cancellationToken) => new Parser(context, cancellationToken).ParseGroupByWithoutAggregate())
            .Where(static model => model is not null)
            .Select(static (model, _) => model!)
            .WithTrackingName(TrackingNames.GroupByModels);

        var specs = models
            .Select(static (model, _) => model.MethodSpec)
            .WithTrackingName(TrackingNames.Specs);

        context.RegisterSourceOutput(specs, static (context, spec) =>
        {
            if (spec is not null)
            {
                AddSource(context, spec.HintName, MemberName(spec.ContainingTypes, spec.Signature.Name), spec, Emitter.Emit);
            }
        });

        // [Aggregate] on a partial struct or class: the accumulator type's fields, Add, Result, Merge and IsComplete.
        var typeSpecs = models
            .Select(static (model, _) => model.TypeSpec)
            .WithTrackingName(TrackingNames.TypeSpecs);

        context.RegisterSourceOutput(typeSpecs, static (context, spec) =>
        {
            if (spec is not null)
            {
                AddSource(context, spec.HintName, MemberName(spec.ContainingTypes, member: null), spec, Emitter.Emit);
            }
        });

        // Below C# 9 no [Aggregate] method can be written: one MAGG110 for the project, at its first [Aggregate]
        // attribute (in file order), instead of one per method beside the compiler's own CS8370s.
        var languageVersionTooLow = models
            .Select(static (model, _) => model.LanguageVersionTooLow)
            .Where(static diagnostic => diagnostic is not null)
            .Collect()
            .WithTrackingName(TrackingNames.LanguageVersionTooLow);
        context.RegisterSourceOutput(languageVersionTooLow, static (context, diagnostics) =>
        {
            var first = diagnostics
                .OrderBy(static d => d!.Location?.SourceTree?.FilePath, StringComparer.Ordinal)
                .ThenBy(static d => d!.Location?.SourceSpan.Start)
                .FirstOrDefault();
            if (first is not null)
            {
                context.ReportDiagnostic(first.ToDiagnostic());
            }
        });

        foreach (var source in new[] { models, groupByWithoutAggregate })
        {
            // Diagnostics hold real source locations (so #pragma and .editorconfig apply): a step of their own,
            // apart from the specs, whose equality alone decides what is emitted again.
            var diagnostics = source
                .Select(static (model, _) => model.Diagnostics)
                .WithTrackingName(TrackingNames.Diagnostics);
            context.RegisterSourceOutput(diagnostics, static (context, diagnostics) =>
            {
                foreach (var diagnostic in diagnostics)
                {
                    context.ReportDiagnostic(diagnostic.ToDiagnostic());
                }
            });

            var rejected = source
                .Select(static (model, _) => model.Rejected)
                .WithTrackingName(TrackingNames.Rejected);
            context.RegisterSourceOutput(rejected, static (context, rejected) =>
            {
                if (rejected is not null)
                {
                    AddSource(context, rejected.HintName, MemberName(rejected.ContainingTypes, rejected.Signature.Name), rejected, Emitter.EmitRejected);
                }
            });

            var rejectedTypes = source
                .Select(static (model, _) => model.RejectedType)
                .WithTrackingName(TrackingNames.RejectedTypes);
            context.RegisterSourceOutput(rejectedTypes, static (context, rejected) =>
            {
                if (rejected is not null)
                {
                    AddSource(context, rejected.HintName, MemberName(rejected.ContainingTypes, member: null), rejected, Emitter.EmitRejected);
                }
            });
        }
    }

    /// <summary>
    /// Adds one file, or, when writing it throws (a defect of ours), reports MAGG199 instead: an exception escaping a
    /// source output would make the compiler drop everything this generator wrote (CS8785), every other method's file
    /// included. (A hint name two outputs share is found by the driver only after both, where nothing can catch it.)
    /// </summary>
    private static void AddSource<TSpec>(SourceProductionContext context, string hintName, string member, TSpec spec, Func<TSpec, string> emit)
    {
        var (_, failure) = TryEmit(member, spec, s =>
        {
            var source = emit(s);
            context.AddSource(hintName, source);
            return source;
        });
        if (failure is not null)
        {
            context.ReportDiagnostic(failure);
        }
    }

    /// <summary>
    /// The emitted text, or the MAGG199 that replaces it. The spec holds no location (a moved declaration must not
    /// emit its file again), so the diagnostic has none and names the member; the member, left without the file that
    /// implements it, still gets the compiler's own error where it is declared.
    /// </summary>
    internal static (string? Source, Diagnostic? Failure) TryEmit<TSpec>(string member, TSpec spec, Func<TSpec, string> emit)
    {
        try
        {
            return (emit(spec), null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return (null, Diagnostic.Create(DiagnosticDescriptors.GeneratorFailure, Location.None, member, ex.GetType().Name + ": " + ex.Message));
        }
    }

    /// <summary>The types, outermost first, and the member, as MAGG199 names them: <c>Reports.Stats&lt;T&gt;.Total</c>.</summary>
    private static string MemberName(EquatableArray<ContainingTypeSpec> containingTypes, string? member) =>
        string.Join(".", containingTypes.Select(static t => t.NameWithTypeParameters).Concat(member is null ? [] : [member]));
}

/// <summary>Names of the pipeline steps, so tests can assert that they are cached.</summary>
internal static class TrackingNames
{
    public const string Models = nameof(Models);
    public const string Diagnostics = nameof(Diagnostics);
    public const string Specs = nameof(Specs);
    public const string TypeSpecs = nameof(TypeSpecs);
    public const string Rejected = nameof(Rejected);
    public const string RejectedTypes = nameof(RejectedTypes);
    public const string GroupByModels = nameof(GroupByModels);
    public const string LanguageVersionTooLow = nameof(LanguageVersionTooLow);
}
