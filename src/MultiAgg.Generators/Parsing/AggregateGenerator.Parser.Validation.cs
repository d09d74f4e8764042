using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using MultiAgg.Generators.Diagnostics;
using MultiAgg.Generators.Parsing;

namespace MultiAgg.Generators;

public sealed partial class AggregateGenerator
{
    /// <summary>Whether MultiAgg can implement a declaration: the method, its containing types, its parameters and its async shape.</summary>
    internal sealed partial class Parser
    {
        /// <summary>A declaration MultiAgg can implement: its source, and the result it returns (unwrapped from its task).</summary>
        private sealed record ImplementableMethod(IMethodSymbol Method, MethodDeclarationSyntax Syntax, ParsedSource Source, ITypeSymbol ResultType, bool IsAsync);

        /// <summary>
        /// Whether MultiAgg can implement this declaration before reading what its attributes ask for: a partial
        /// method definition in partial types, attributes the compiler could bind, a source parameter of a type it
        /// can loop over, and a return type whose async shape matches the source.
        /// </summary>
        private ImplementableMethod? ValidateMethod()
        {
            if (_context.TargetSymbol is not IMethodSymbol method)
            {
                return null;
            }

            if (_context.TargetNode is not MethodDeclarationSyntax syntax)
            {
                // A local function, lambda, accessor or operator: none can be a partial method.
                var (location, what) = _context.TargetNode switch
                {
                    LocalFunctionStatementSyntax local => (local.Identifier.GetLocation(), "it is a local function"),
                    var node => (AttributeSyntax(_context.Attributes[0])?.GetLocation() ?? node.GetLocation(), "it is not a method declaration"),
                };
                Report(DiagnosticDescriptors.MethodMustBePartialDefinition, location, method.Name, what);
                return null;
            }

            if (!CheckDeclaration(method, syntax))
            {
                return null;
            }

            // Attributes the compiler could not bind carry its own error; say what to write where we can tell.
            if (_context.Attributes.Any(static a => a.AttributeConstructor is null))
            {
                ReportUnboundAggregateNames(_context.Attributes);
                return null;
            }

            if (method.Parameters.Length == 0)
            {
                Report(DiagnosticDescriptors.MissingSourceParameter, syntax.ParameterList.GetLocation(), method.Name);
                return null;
            }

            foreach (var parameter in method.Parameters.Skip(1))
            {
                if (parameter.RefKind == RefKind.Out)
                {
                    Report(DiagnosticDescriptors.UnsupportedParameter, ParameterSyntax(parameter)?.GetLocation(), $"Parameter '{parameter.Name}' is an out parameter; an [Aggregate] method returns all its results through its return value");
                }
            }

            var source = ParseSource(method.Parameters[0]);
            var returnShape = ParseAsyncShape(method, source);
            if (source is null || returnShape is null || _diagnostics.Count > 0)
            {
                return null;
            }

            var (resultType, isAsync) = returnShape.Value;
            if (isAsync && !CheckAsyncParameters(method))
            {
                return null;
            }

            // An async loop checks one token and hands it to every awaited selector that takes one, whatever its name: a
            // second would be ignored. (A synchronous method's selectors take its tokens by name.)
            if (isAsync && TokenParameters(method).Take(2).ToList() is { Count: 2 } tokens)
            {
                Report(DiagnosticDescriptors.UnsupportedParameter, ParameterSyntax(tokens[1])?.GetLocation(),
                    $"Parameters '{tokens[0].Name}' and '{tokens[1].Name}' are both CancellationTokens of an async method, which checks one and hands it to every awaited Of, Where or key method; keep one (link them with CancellationTokenSource.CreateLinkedTokenSource if both may cancel)");
                return null;
            }

            return new ImplementableMethod(method, syntax, source, resultType, isAsync);
        }

        /// <summary>The method's <c>CancellationToken</c> parameters after its source, in order.</summary>
        private IEnumerable<IParameterSymbol> TokenParameters(IMethodSymbol method) =>
            method.Parameters.Skip(1).Where(p => KnownTypes.Is(p.Type, _knownTypes.CancellationToken));

        /// <summary>
        /// The declaration itself: a partial method definition, in partial types, that MultiAgg can write the other
        /// half of. Once it is, whatever else MultiAgg rejects still gets a body that throws (<see cref="Reject"/>).
        /// </summary>
        private bool CheckDeclaration(IMethodSymbol method, MethodDeclarationSyntax syntax)
        {
            _method = method;
            _syntax = syntax;
            _declaration = Declaration.ForMethod(method, syntax);

            // Types the compiler could not bind, a half-typed declaration (a parameter without a name, a missing
            // parenthesis) and a containing type still without a name already carry the compiler's own errors;
            // nothing written for them could compile.
            if (HasErrorTypes(method) || HasSyntaxErrors(syntax) || syntax.Ancestors().OfType<TypeDeclarationSyntax>().Any(static t => t.Identifier.IsMissing))
            {
                return false;
            }

            if (LanguageVersionIsTooLow(syntax.Identifier))
            {
                return false;
            }

            // C# 14's extension blocks hold no partial methods (the compiler says CS0751, "must be declared within a
            // partial type", of a block in a partial class); the method is written as the extension method it stands for.
            // (Read from the syntax: the generator is built against a Roslyn that predates extension blocks.)
            if (syntax.Parent is TypeDeclarationSyntax { Keyword.ValueText: "extension" })
            {
                Report(DiagnosticDescriptors.MethodMustBePartialDefinition, syntax.Identifier.GetLocation(), method.Name,
                    $"it is in an extension block, where C# allows no partial method (write it as an extension method of the enclosing static class, its source the 'this' parameter: 'static partial ... {method.Name}(this ...)')");
                return false;
            }

            if (!CheckPartial(method, syntax) | !CheckContainingTypesArePartial(method, syntax))
            {
                return false;
            }

            // No parameter stands for __arglist, so the generated part could not repeat the signature, not even in a body
            // that throws.
            if (method.IsVararg)
            {
                Report(DiagnosticDescriptors.UnsupportedParameter, syntax.ParameterList.Parameters.LastOrDefault()?.GetLocation() ?? syntax.ParameterList.GetLocation(),
                    $"Method '{method.Name}' takes __arglist; an [Aggregate] method takes its extra values as parameters");
                return false;
            }

            _declarationIsImplementable = true;
            if (method.ReturnsByRef || method.ReturnsByRefReadonly)
            {
                Report(DiagnosticDescriptors.UnsupportedParameter, syntax.ReturnType.GetLocation(), $"Method '{method.Name}' returns by reference; an [Aggregate] method returns its results by value");
                return false;
            }

            return true;
        }

        private bool CheckPartial(IMethodSymbol method, MethodDeclarationSyntax syntax)
        {
            string? problem = null;
            if (!syntax.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                problem = "it is not partial";
            }
            else if (syntax.Body is not null || syntax.ExpressionBody is not null)
            {
                problem = "it has a body";
            }
            else if (syntax.Modifiers.Any(SyntaxKind.ExternKeyword))
            {
                // An extern partial method is an implementation, whose body is elsewhere: C# wants a declaration beside it.
                problem = "it is extern, which makes it an implementation";
            }
            else if (method.PartialImplementationPart is not null)
            {
                problem = "it already has an implementation";
            }
            else if (syntax.ExplicitInterfaceSpecifier is not null)
            {
                // CS0754; the generated half could not repeat it either (its name would be 'ITotals.Total').
                problem = "it implements an interface member explicitly, which a partial method cannot";
            }
            else if (NeedsAccessibility(method, syntax) && !syntax.Modifiers.Any(static m => SyntaxFacts.IsAccessibilityModifier(m.Kind())))
            {
                // The compiler says so of the declaration (CS8796 and its kin) and would again of any implementation.
                problem = "it has no accessibility modifier, which C# requires of a partial method that returns a value, has out parameters or is virtual, override, sealed or new";
            }

            if (problem is null)
            {
                return true;
            }

            Report(DiagnosticDescriptors.MethodMustBePartialDefinition, syntax.Identifier.GetLocation(), method.Name, problem);
            return false;
        }

        /// <summary>Whether C# requires an accessibility modifier of the partial method (C# 9's extended partial methods, in an interface too).</summary>
        private static bool NeedsAccessibility(IMethodSymbol method, MethodDeclarationSyntax syntax) =>
            !method.ReturnsVoid
            || method.Parameters.Any(static p => p.RefKind == RefKind.Out)
            || syntax.Modifiers.Any(static m => m.Kind() is SyntaxKind.VirtualKeyword or SyntaxKind.OverrideKeyword or SyntaxKind.SealedKeyword or SyntaxKind.NewKeyword);

        /// <summary>The generated implementation of an async source is an async method, which C# restricts.</summary>
        private bool CheckAsyncParameters(IMethodSymbol method)
        {
            var ok = true;
            foreach (var parameter in method.Parameters)
            {
                // A span source is the span rule's (MAGG103 over awaits); this is about what an async method can take: no ref
                // struct, nor a type parameter that may be one (allows ref struct), a source read through foreach included.
                if (parameter.RefKind != RefKind.None || (IsRefLike(parameter.Type) && (parameter.Ordinal > 0 || !IsSpan(parameter.Type))))
                {
                    Report(DiagnosticDescriptors.UnsupportedParameter, ParameterSyntax(parameter)?.GetLocation(),
                        $"Parameter '{parameter.Name}' is {WhyByReference(parameter)}, which the async method implementing '{method.Name}' cannot take");
                    ok = false;
                }
            }

            if (!method.IsStatic && method.ContainingType.IsRefLikeType)
            {
                Report(DiagnosticDescriptors.UnsupportedParameter, _syntax.Identifier.GetLocation(),
                    $"'{method.Name}' is an instance method of a ref struct, which cannot be async; make it static");
                ok = false;
            }

            // Pointers (CS4005) and awaits in an unsafe context (CS4004) are what C# refuses an async method: its generated
            // part, which awaits, is no unsafe context, so it cannot name a pointer type anywhere in its signature.
            foreach (var parameter in method.Parameters.Where(static p => NamesPointer(p.Type)))
            {
                Report(DiagnosticDescriptors.UnsupportedParameter, ParameterSyntax(parameter)?.GetLocation(),
                    $"Parameter '{parameter.Name}' holds pointers, which the async method implementing '{method.Name}' cannot take");
                ok = false;
            }

            if (NamesPointer(method.ReturnType))
            {
                Report(DiagnosticDescriptors.UnsupportedParameter, _syntax.ReturnType.GetLocation(),
                    $"'{method.Name}' returns pointers, which the async method implementing it cannot name");
                ok = false;
            }

            if (_syntax.Modifiers.FirstOrDefault(static m => m.IsKind(SyntaxKind.UnsafeKeyword)) is { RawKind: not 0 } unsafeModifier)
            {
                Report(DiagnosticDescriptors.UnsupportedParameter, unsafeModifier.GetLocation(),
                    $"'{method.Name}' is declared unsafe, but the async method implementing it awaits, which C# does not allow in an unsafe context; remove 'unsafe'");
                ok = false;
            }

            return ok;
        }

        /// <summary>
        /// A file-local type that naming <paramref name="type"/> names: the type itself, a type around it (a type nested in
        /// a file-local one is file-local too), or one of their type arguments, an array's or pointer's element included.
        /// </summary>
        private static INamedTypeSymbol? FileLocalIn(ITypeSymbol type)
        {
            switch (type)
            {
                case IArrayTypeSymbol array:
                    return FileLocalIn(array.ElementType);
                case IPointerTypeSymbol pointer:
                    return FileLocalIn(pointer.PointedAtType);
                case INamedTypeSymbol named:
                    for (var current = named; current is not null; current = current.ContainingType)
                    {
                        if (current.IsFileLocal)
                        {
                            return current;
                        }

                        foreach (var argument in current.TypeArguments)
                        {
                            if (FileLocalIn(argument) is { } inArgument)
                            {
                                return inArgument;
                            }
                        }
                    }

                    return null;
                default:
                    return null;
            }
        }

        private bool CheckContainingTypesArePartial(IMethodSymbol method, MethodDeclarationSyntax syntax)
        {
            var ok = true;
            if (FileLocalIn(method.ContainingType) is { } fileLocal)
            {
                // Generated code lives in another file, and a file-local type cannot be extended from there.
                var declaration = syntax.Ancestors().OfType<TypeDeclarationSyntax>().FirstOrDefault(t => t.Modifiers.Any(SyntaxKind.FileKeyword));
                Report(DiagnosticDescriptors.FileLocalContainingType, declaration?.Identifier.GetLocation(), fileLocal.Name, method.Name);
                return false;
            }

            return ok & CheckEnclosingTypesArePartial(syntax, $"the [Aggregate] method '{method.Name}'");
        }

        /// <summary>
        /// Every type around <paramref name="declaration"/> must be partial, for the generated file to re-declare it:
        /// a MAGG101 on each that is not.
        /// </summary>
        private bool CheckEnclosingTypesArePartial(SyntaxNode declaration, string what)
        {
            var ok = true;
            foreach (var type in declaration.Ancestors().OfType<TypeDeclarationSyntax>().Where(static t => !t.Modifiers.Any(SyntaxKind.PartialKeyword)))
            {
                Report(DiagnosticDescriptors.ContainingTypeMustBePartial, type.Identifier.GetLocation(), type.Identifier.ValueText, what);
                ok = false;
            }

            return ok;
        }

        /// <summary>
        /// Below C# 9 nothing is generated and nothing is reported here: the compiler already marks each declaration
        /// (CS8370), and one MAGG110 for the whole project, at its first [Aggregate] attribute, says what to change
        /// (see Initialize).
        /// </summary>
        private bool LanguageVersionIsTooLow(SyntaxToken name)
        {
            if (_languageVersion >= LanguageVersion.CSharp9)
            {
                return false;
            }

            _languageVersionTooLow = DiagnosticInfo.Create(
                DiagnosticDescriptors.LanguageVersionTooLow,
                AttributeSyntax(_context.Attributes[0])?.GetLocation() ?? name.GetLocation(),
                _languageVersion.ToDisplayString());
            return true;
        }

        /// <summary>
        /// Whether the parser found an error in <paramref name="node"/>. Not its warnings: a doc comment's malformed XML
        /// (CS1570, with GenerateDocumentationFile) or a <c>#warning</c> between the attribute and the member is part of its
        /// syntax too, and stopped the generator without a word (CS8795, or CS0535 for a type, from the compiler).
        /// </summary>
        private static bool HasSyntaxErrors(SyntaxNode? node) =>
            node is { ContainsDiagnostics: true } && node.GetDiagnostics().Any(static d => d.Severity == DiagnosticSeverity.Error);

        /// <summary>Types the compiler could not bind already carry its own error; nothing to add.</summary>
        private static bool HasErrorTypes(IMethodSymbol method) =>
            ContainsErrorType(method.ReturnType) || method.Parameters.Any(static p => ContainsErrorType(p.Type));

        private static bool ContainsErrorType(ITypeSymbol type) => type switch
        {
            { TypeKind: TypeKind.Error } => true,
            INamedTypeSymbol named => named.TypeArguments.Any(ContainsErrorType),
            IArrayTypeSymbol array => ContainsErrorType(array.ElementType),
            _ => false,
        };
    }
}
