using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using MultiAgg.Generators.Diagnostics;

namespace MultiAgg.Generators;

public sealed partial class AggregateGenerator
{
    /// <summary>Methods that <c>Of</c>, <c>Where</c> or the key name for a query source: their bodies, inlined into the query.</summary>
    internal sealed partial class Parser
    {
        /// <summary>
        /// The expression body of <paramref name="method"/> as an expression of the element (<c>{0}</c>) that the query's
        /// lambdas can hold: a provider translates an expression tree, never a call of the user's method. Its further
        /// parameters become the aggregate method's parameters of the same names, which the lambdas capture (a provider
        /// sends captured values as query parameters); names are fully qualified, since the generated file has none of
        /// the method's usings. Null, with a diagnostic at <paramref name="argument"/>, when the body cannot be inlined.
        /// </summary>
        private string? InlineIntoQuery(IMethodSymbol method, ITypeSymbol elementType, SyntaxNode? argument, string text)
        {
            var location = argument?.GetLocation();
            var implementation = method.PartialImplementationPart ?? method;
            var declaration = implementation.DeclaringSyntaxReferences
                .Select(reference => reference.GetSyntax(_cancellationToken))
                .OfType<MethodDeclarationSyntax>()
                .FirstOrDefault();
            var why = declaration switch
            {
                // The loop calls it virtually, on an instance of the declaring type or of one derived from it: a query can
                // only hold this one body, which that call runs for certain only where nothing can derive.
                _ when method is { IsVirtual: true } or { IsOverride: true, IsSealed: false } && !_declaration!.Owner.IsSealed
                    => "it is virtual, and a query would run this body where a derived type overrides it; make it non-virtual, or seal it",
                // Its body is bound in the generic type's own declaration, where the type parameters are not the query's.
                _ when !SymbolEqualityComparer.Default.Equals(method.ContainingType, method.ContainingType.OriginalDefinition)
                    => $"it is declared in the generic type '{Display(method.ContainingType.OriginalDefinition)}', whose body MultiAgg cannot write for '{Display(method.ContainingType)}'; declare it in '{Display(_declaration!.Owner)}', or in a type that is not generic",
                null => "its source is not part of this compilation",
                _ when !_compilation.ContainsSyntaxTree(declaration.SyntaxTree) => "its source is not part of this compilation",   // a referenced project's, in the IDE
                { ExpressionBody: not null } => null,
                { Body: not null } => "it has a block body",
                _ => "it has no body",
            };
            if (why is not null)
            {
                Report(DiagnosticDescriptors.NotInlinableIntoQuery, location, text, _declaration!.Name, why);
                return null;
            }

            var body = declaration!.ExpressionBody!.Expression;
            var model = ModelOf(body.SyntaxTree);
            var operation = model.GetOperation(body, _cancellationToken);
            if ((FindUntranslatable(operation) ?? ReturnedThroughTupleConversion(model, body, method.ReturnType)) is { } untranslatable)
            {
                // Named by its text and file, not its line: the message is also the rejected body's, which an edit that
                // moves lines must not write again.
                var where = $"'{untranslatable.Syntax}' in {System.IO.Path.GetFileName(untranslatable.Syntax.SyntaxTree.FilePath)}";
                Report(DiagnosticDescriptors.NotExpressibleInQuery, location, text, _declaration!.Name, untranslatable.What, where, untranslatable.Instead);
                return null;
            }

            if (QueryClauseOutOfScope(operation) is { } clause)
            {
                var extension = clause.ReducedFrom ?? clause;
                var (called, instead) = (extension.Name, $"write the method calls ('.{extension.Name}(...)'), which MultiAgg writes out in full");
                Report(DiagnosticDescriptors.NotInlinableIntoQuery, location, text, _declaration!.Name, CanBeNamedFrom(extension, _declaration.Owner, _compilation)
                    ? $"its query syntax calls '{Display(extension.ContainingType)}.{called}', which the generated file, without the usings of yours, cannot find; {instead}, or import '{extension.ContainingNamespace.ToDisplayString()}' with a global using"
                    : $"its query syntax calls '{Display(extension.ContainingType)}.{called}', which the generated file cannot see (a file-local or inaccessible type); {instead}");
                return null;
            }

            // A method of a C# 14 extension block: its receiver form needs the usings the generated file does not have, and
            // this Roslyn cannot name its static form.
            if (operation?.DescendantsAndSelf().OfType<IInvocationOperation>().FirstOrDefault(static call => call.TargetMethod.ContainingType.IsExtension) is { } extensionCall)
            {
                var extension = extensionCall.TargetMethod;
                Report(DiagnosticDescriptors.NotInlinableIntoQuery, location, text, _declaration!.Name,
                    $"its body calls '{extension.Name}' of an extension block in '{Display(extension.ContainingType.ContainingType)}', which the generated file cannot call as written; write what it computes, or use a classic extension method ('static ... {extension.Name}(this ...)')");
                return null;
            }

            if (ObsoleteErrorIn(operation) is { } obsolete)
            {
                Report(DiagnosticDescriptors.NotInlinableIntoQuery, location, text, _declaration!.Name,
                    $"its body uses '{obsolete.Syntax}'{obsolete.Why}, which only code that is obsolete itself may use; read another member, or mark '{_declaration.Name}' [Obsolete] too");
                return null;
            }

            // Each parameter becomes the element or the aggregate method's parameter of its name, cast where the types differ
            // (so that the body binds as it did), written first as a placeholder no user code can contain.
            var arguments = new Dictionary<ISymbol, string>(SymbolEqualityComparer.Default);
            var parameters = implementation.Parameters;
            arguments[parameters[0]] = Converted("{0}", elementType, parameters[0].Type);
            var declaredInBody = NamesDeclaredIn(body);
            foreach (var parameter in parameters.Skip(1))
            {
                // Matched by the name the method was found by: its definition's, where a partial method's implementation
                // may name the parameter otherwise.
                var outer = _declaration!.ExtraParameters.First(p => p.Name == method.Parameters[parameter.Ordinal].Name);
                if (outer.Name != parameter.Name && declaredInBody.Contains(outer.Name))
                {
                    // Written in its place, the outer name would be the lambda's own parameter there.
                    Report(DiagnosticDescriptors.NotInlinableIntoQuery, location, text, _declaration.Name,
                        $"its body declares '{outer.Name}', the name of the parameter of '{_declaration.Name}' that its parameter '{parameter.Name}' stands for; rename one of them");
                    return null;
                }

                _passedParameters.Add(outer.Name);
                arguments[parameter] = Converted(Identifier(outer.Name), outer.Type, parameter.Type);
            }

            // The query's own lambda parameters must not be names the body declares (its lambdas' parameters would hide them).
            _inlinedNames.AddRange(body.DescendantTokens().Where(static t => t.IsKind(SyntaxKind.IdentifierToken)).Select(static t => t.ValueText));

            var placeholders = arguments.Keys.Select(static (parameter, i) => (parameter, name: $"__MultiAggParameter{i}__")).ToList();
            var inliner = new QueryInliner(this, model, placeholders.ToDictionary(static p => p.parameter, static p => p.name, SymbolEqualityComparer.Default), _declaration!.Owner, implementation.ContainingType);
            var inlined = inliner.Visit(body)!.NormalizeWhitespace().ToFullString();
            // "{0}" is how every spec writes the element: inlined text holding it (in a string) would be read as one.
            // Comments, which the inliner drops, do not count.
            if (inlined.Contains("{0}"))
            {
                Report(DiagnosticDescriptors.NotExpressibleInQuery, location, text, _declaration.Name, "the text '{0}'", "its body",
                    "the string built another way (\"{\" + \"0}\"), since MultiAgg writes the element as '{0}' in what it inlines");
                return null;
            }

            if (inliner.PrimaryConstructorParameter is { } captured)
            {
                Report(DiagnosticDescriptors.NotInlinableIntoQuery, location, text, _declaration.Name,
                    $"its body reads '{captured.Name}', a primary constructor's parameter, which the generated method cannot name; keep it in a field or property, or pass it as a parameter of the [Aggregate] method");
                return null;
            }

            if (inliner.Inaccessible is { } unseen)
            {
                Report(DiagnosticDescriptors.NotInlinableIntoQuery, location, text, _declaration.Name,
                    $"its body uses '{unseen.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat)}', which '{Display(_declaration.Owner)}' cannot see where the query is written");
                return null;
            }

            if (inliner.Hidden is var (hidden, by))
            {
                Report(DiagnosticDescriptors.NotInlinableIntoQuery, location, text, _declaration.Name,
                    $"its body reads '{hidden.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat)}', and '{Display(by)}' declares a member of that name too, which 'this.{hidden.Name}' would name in '{Display(_declaration.Owner)}', where the query is written; rename one of them");
                return null;
            }

            if (inliner.ReadsInstance && _declaration.Owner.IsValueType)
            {
                Report(DiagnosticDescriptors.NotInlinableIntoQuery, location, text, _declaration.Name,
                    $"its body reads instance members of the struct '{Display(_declaration.Owner)}', which the query's lambdas cannot capture; make them static, or pass them as parameters of the [Aggregate] method");
                return null;
            }

            foreach (var (parameter, name) in placeholders)
            {
                // A '!' the body writes after the parameter stays one where the value ends with its own ('x!!' is CS8715).
                var passed = arguments[parameter];
                inlined = inlined.Replace(name + "!", passed.EndsWith("!", System.StringComparison.Ordinal) ? passed : passed + "!").Replace(name, passed);
            }

            // Converted to the method's return type, as the call was: a target-typed body (a conditional with null, 'new()',
            // 'default') keeps its type outside the method. In a project that checks overflow, checked: the query may put
            // the body inside an unchecked conversion of its own (a Sum's widening), which would otherwise reach its arithmetic.
            var converted = $"({Type(implementation.ReturnType)})({inlined})";
            return _compilation.Options.CheckOverflow ? $"checked({converted})" : $"({converted})";
        }

        /// <summary>
        /// A member, operator or type the body uses that is <c>[Obsolete]</c> as an error: C# lets the body use it
        /// only because its method is obsolete, and the generated method, unless it is obsolete too, would fail (CS0619).
        /// </summary>
        private (SyntaxNode Syntax, string Why)? ObsoleteErrorIn(IOperation? body)
        {
            foreach (var operation in body?.DescendantsAndSelf() ?? Enumerable.Empty<IOperation>())
            {
                ISymbol? used = operation switch
                {
                    IMemberReferenceOperation reference => reference.Member,
                    IInvocationOperation call => call.TargetMethod,
                    IObjectCreationOperation creation => creation.Constructor,
                    IBinaryOperation { OperatorMethod: { } @operator } => @operator,
                    IUnaryOperation { OperatorMethod: { } @operator } => @operator,
                    IConversionOperation { OperatorMethod: { } @operator } => @operator,
                    ITypeOfOperation typeOf => typeOf.TypeOperand,
                    _ => null,
                };

                // And the type the inlined text names: a static member's (written 'global::Legacy.Rate', by its bare name
                // too), a created object's, a cast's.
                var named = operation switch
                {
                    IMemberReferenceOperation { Instance: null } reference => reference.Member.ContainingType,
                    IInvocationOperation { Instance: null } call => call.TargetMethod.ContainingType,
                    IObjectCreationOperation creation => creation.Type,
                    IConversionOperation { IsImplicit: false } cast => cast.Type,
                    _ => null,
                };
                foreach (var symbol in new[] { used, named })
                {
                    if (symbol is not null && ForbiddenAsObsolete(symbol) is { } why)
                    {
                        return (operation.Syntax, why);
                    }
                }
            }

            return null;
        }

        /// <summary>The names an inlined body declares: its lambdas' parameters and its query's range variables.</summary>
        private static HashSet<string> NamesDeclaredIn(ExpressionSyntax body) =>
            new(body.DescendantNodesAndSelf().Select(static node => node switch
            {
                ParameterSyntax parameter => parameter.Identifier.ValueText,
                FromClauseSyntax from => from.Identifier.ValueText,
                LetClauseSyntax let => let.Identifier.ValueText,
                JoinClauseSyntax join => join.Identifier.ValueText,
                JoinIntoClauseSyntax into => into.Identifier.ValueText,
                QueryContinuationSyntax continuation => continuation.Identifier.ValueText,
                _ => null,
            }).OfType<string>());

        /// <summary>Every name in the bodies inlined so far, which the generated method's own names must not start with.</summary>
        private readonly List<string> _inlinedNames = new();

        /// <summary>
        /// A value of type <paramref name="from"/> where the body has a <paramref name="to"/>: cast where the types differ,
        /// with '!' where only <paramref name="to"/> is not nullable (an element of an IQueryable&lt;Customer?&gt;), as the
        /// loop passes it to the method.
        /// </summary>
        private string Converted(string expression, ITypeSymbol from, ITypeSymbol to)
        {
            var value = NonNullArgument(expression, from, to);
            return SymbolEqualityComparer.Default.Equals(from, to) ? value : $"(({Type(to)}){value})";
        }

        /// <summary>
        /// An extension method a query expression's clause calls (<c>from l in o.Lines where ... select l</c> calls
        /// <c>Where</c> and <c>Select</c>) that the generated file would not find: the clauses stay as they are, and that
        /// file has no usings of its own, only the compilation's global ones and the namespaces enclosing the type.
        /// </summary>
        private IMethodSymbol? QueryClauseOutOfScope(IOperation? body)
        {
            if (body is null || !body.DescendantsAndSelf().Any(static o => o is ITranslatedQueryOperation))
            {
                return null;
            }

            var owner = _declaration!.Owner;
            foreach (var call in body.DescendantsAndSelf().OfType<ITranslatedQueryOperation>().SelectMany(static q => q.DescendantsAndSelf()).OfType<IInvocationOperation>())
            {
                var method = call.TargetMethod;
                if (!call.IsImplicit)
                {
                    continue;   // the body's own calls, rewritten as static calls
                }

                if (!CanBeNamedFrom(method, owner, _compilation))
                {
                    return method;
                }

                // A member of the receiver's type is found on it; anything else (an extension method, a member of an
                // extension block, which a static class holds) through the namespaces in scope.
                var inExtensionBlock = method.ContainingType?.ContainingType is { IsStatic: true };
                if (call.Instance?.Type is { } receiver && !method.IsStatic && !inExtensionBlock
                    && (receiver.TypeKind == TypeKind.TypeParameter
                        || SymbolEqualityComparer.Default.Equals(receiver.OriginalDefinition, method.ContainingType!.OriginalDefinition)
                        || DerivesFrom(receiver, method.ContainingType)))
                {
                    continue;
                }

                // Namespaces by name: an assembly's namespace symbol is not the compilation's.
                var (scope, enclosing) = (method.ContainingNamespace.ToDisplayString(), false);
                for (var ns = owner.ContainingNamespace; ns is not null && !enclosing; ns = ns.ContainingNamespace)
                {
                    enclosing = ns.ToDisplayString() == scope;
                }

                var declaring = method.ContainingType;
                while (declaring?.ContainingType is { } outer)
                {
                    declaring = outer;   // a member of an extension block is its static class's
                }

                var (namespaces, types) = _memo.GlobalUsings(_cancellationToken);
                if (!enclosing && !namespaces.Contains(scope) && (declaring is null || !types.Contains(declaring)))
                {
                    return method;
                }
            }

            return null;
        }

        /// <summary>
        /// Whether a method generated in a file of its own inside <paramref name="owner"/> can name <paramref name="symbol"/>:
        /// accessible there, and not in a <c>file</c> type (visible only in the file that declares it).
        /// </summary>
        private static bool CanBeNamedFrom(ISymbol symbol, INamedTypeSymbol owner, Compilation compilation)
        {
            for (var type = symbol as INamedTypeSymbol ?? symbol.ContainingType; type is not null; type = type.ContainingType)
            {
                if (type.IsFileLocal)
                {
                    return false;
                }
            }

            return compilation.IsSymbolAccessibleWithin(symbol, owner);
        }

        /// <summary>What C# cannot put in an expression tree, found in an inlined body: where, what it is, and what to write instead.</summary>
        private sealed record Untranslatable(SyntaxNode Syntax, string What, string Instead);

        private static Untranslatable? FindUntranslatable(IOperation? body)
        {
            if (body is null)
            {
                return null;
            }

            foreach (var operation in body.DescendantsAndSelf())
            {
                (string What, string Instead)? found = operation switch
                {
                    IConditionalAccessOperation => ("a null-conditional operator ('?.')", "'x.A == null ? null : x.A.B', or 'x.A.B' where the database propagates null"),
                    IIsPatternOperation => ("a pattern ('is ...')", "'==' and '!=' comparisons, or a cast"),
                    ISwitchExpressionOperation => ("a switch expression", "conditional operators ('c ? a : b')"),
                    IThrowOperation => ("a throw expression", "a value the query can compute, and a check of the results"),
                    ITupleOperation => ("a tuple literal", "one value per Of, or an anonymous type ('new { ... }')"),
                    IConversionOperation conversion when IsTupleConversion(conversion.GetConversion()) => ("a conversion between tuple types", "the tuple type the value has, or one value per Of"),
                    ICoalesceOperation { Syntax: BinaryExpressionSyntax { Left: var left } } when Unparenthesized(left).Kind() is SyntaxKind.NullLiteralExpression or SyntaxKind.DefaultLiteralExpression
                        => ("a null or default literal left of '??'", "the right-hand side alone"),
                    IInvocationOperation { IsImplicit: true, Parent: IObjectOrCollectionInitializerOperation, TargetMethod: var add } when add.IsExtensionMethod || add.ContainingType.IsExtension
                        => ("a collection initializer whose Add is an extension method", "a collection whose own Add the initializer calls, or the extension called on it"),
                    IWithOperation => ("a 'with' expression", "an object creation"),
                    ICollectionExpressionOperation => ("a collection expression", "an array creation ('new[] { ... }')"),
                    IRangeOperation or IUnaryOperation { OperatorKind: UnaryOperatorKind.Hat } => ("an index from the end or a range", "Length/Count arithmetic, Substring, or Skip/Take"),
                    ISimpleAssignmentOperation { Parent: IObjectOrCollectionInitializerOperation, Target: IPropertyReferenceOperation { Arguments.Length: > 0 } or IImplicitIndexerReferenceOperation or IArrayElementReferenceOperation }
                        => ("a dictionary initializer ('[key] = value')", "a collection initializer ('{ { key, value } }') or a member that builds the dictionary"),
                    ISimpleAssignmentOperation { Parent: not (IObjectOrCollectionInitializerOperation or IAnonymousObjectCreationOperation) }
                        or ICompoundAssignmentOperation or ICoalesceAssignmentOperation or IIncrementOrDecrementOperation or IDeconstructionAssignmentOperation
                        => ("an assignment", "an expression without side effects"),
                    IAnonymousFunctionOperation { Syntax: AnonymousFunctionExpressionSyntax { Block: not null } } => ("a lambda with a block body", "a lambda whose body is one expression"),
                    IAnonymousFunctionOperation { Symbol.IsAsync: true } => ("an async lambda", "a lambda that returns the value itself"),
                    IArgumentOperation { ArgumentKind: ArgumentKind.ParamCollection } => ("a params collection given element by element", "the collection created in the call ('new List<int> { a, b }')"),
                    IBinaryOperation { OperatorKind: BinaryOperatorKind.UnsignedRightShift } => ("the operator '>>>'", "'>>' on the unsigned type ('(int)((uint)x >> n)')"),
                    IArrayCreationOperation { DimensionSizes.Length: > 1, Initializer: not null } => ("a multidimensional array initializer", "a one-dimensional array"),
                    IImplicitIndexerReferenceOperation => ("an Index or Range indexer", "an int index ('s[s.Length - 1]') or Substring"),
                    IPropertyReferenceOperation { Property.ContainingType.IsExtension: true } => ("an extension property", "the extension's static method, or the expression it computes"),
                    _ when StaticAbstractMember(operation) is not null => ("a static abstract or virtual interface member ('T.Zero', an operator of a type parameter)", "a member of a concrete type, or the value passed in"),
                    IArgumentOperation { ArgumentKind: ArgumentKind.DefaultValue } => ("a call that leaves out optional arguments", "the call with every argument written out"),
                    IArgumentOperation { Syntax: ArgumentSyntax { NameColon: not null } } => ("a named argument", "the arguments in order, without their names"),
                    IDeclarationExpressionOperation or IDiscardOperation => ("an out variable", "a call without out arguments (or a member that returns the value)"),
                    IPropertyReferenceOperation { Property.RefKind: not RefKind.None } or IInvocationOperation { TargetMethod.RefKind: not RefKind.None }
                        => ("a member that returns by reference", "a member that returns the value"),
                    ITupleBinaryOperation => ("a tuple comparison", "the elements compared one by one"),
                    IInstanceReferenceOperation { Syntax: BaseExpressionSyntax } => ("a 'base' access", "the member without 'base.'"),
                    IUtf8StringOperation => ("a UTF-8 string literal", "a string"),
                    IInterpolatedStringHandlerCreationOperation => ("an interpolated string given to a handler type", "string concatenation ('a + \"-\" + b')"),
                    { Type.TypeKind: TypeKind.Dynamic } => ("a dynamic operation", "statically typed members"),
                    // (The conversion C# 14 makes from an array to a span for an extension such as Contains is the
                    // compiler's own, and allowed there.)
                    { Type.IsRefLikeType: true } and not IConversionOperation { IsImplicit: true }
                        => ("a ref struct value", "members of the string or array itself ('StartsWith', 'Contains')"),
                    _ => null,
                };

                if (found is { } untranslatable)
                {
                    return new Untranslatable(operation.Syntax, untranslatable.What, untranslatable.Instead);
                }
            }

            return null;
        }

        /// <summary>
        /// Whether a conversion goes from one tuple type to another (<c>(string, int)</c> to <c>(string, long)</c>), which
        /// an expression tree cannot hold (CS8144), from a tuple literal or not.
        /// </summary>
        private static bool IsTupleConversion(Conversion conversion) => conversion.IsTupleConversion || conversion.IsTupleLiteralConversion;

        /// <summary>
        /// A body whose value converts to the method's return type between tuple types (a <c>(string, int)</c> from a method
        /// of <c>(string, long)</c>): inlined, the conversion is the query's, which an expression tree cannot hold (CS8144).
        /// </summary>
        private static Untranslatable? ReturnedThroughTupleConversion(SemanticModel model, ExpressionSyntax body, ITypeSymbol returnType) =>
            IsTupleConversion(model.ClassifyConversion(body, returnType))
                ? new Untranslatable(body, "a conversion between tuple types", $"a value of the tuple type '{Display(returnType)}' itself, or one value per Of")
                : null;

        private static ExpressionSyntax Unparenthesized(ExpressionSyntax expression)
        {
            while (expression is ParenthesizedExpressionSyntax parenthesized)
            {
                expression = parenthesized.Expression;
            }

            return expression;
        }

        /// <summary>The static abstract or virtual interface member an operation calls or reads (through a type parameter), or null.</summary>
        private static ISymbol? StaticAbstractMember(IOperation operation)
        {
            ISymbol? member = operation switch
            {
                IInvocationOperation invocation => invocation.TargetMethod,
                IPropertyReferenceOperation property => property.Property,
                IMethodReferenceOperation reference => reference.Method,
                IBinaryOperation binary => binary.OperatorMethod,
                IUnaryOperation unary => unary.OperatorMethod,
                IConversionOperation conversion => conversion.OperatorMethod,
                _ => null,
            };
            return member is not null && IsStaticAbstractOrVirtual(member) ? member : null;
        }

        /// <summary>
        /// Rewrites an inlined body for a file of its own: parameters become placeholders, every type, namespace and
        /// static member named by a simple name is fully qualified, extension methods become static calls (their
        /// namespaces are not imported there), <c>nameof</c> becomes its string, and comments go.
        /// </summary>
        private sealed class QueryInliner : CSharpSyntaxRewriter
        {
            private readonly Parser _parser;
            private readonly SemanticModel _model;
            private readonly Dictionary<ISymbol, string> _placeholders;
            private readonly INamedTypeSymbol _owner;

            /// <summary>The type that declares the inlined method, where its body's names were bound: the owner or a base of it.</summary>
            private readonly INamedTypeSymbol _declaringType;

            public QueryInliner(Parser parser, SemanticModel model, Dictionary<ISymbol, string> placeholders, INamedTypeSymbol owner, INamedTypeSymbol declaringType)
            {
                _parser = parser;
                _model = model;
                _placeholders = placeholders;
                _owner = owner;
                _declaringType = declaringType;
            }

            /// <summary>A type or member the body names that the generated method could not name (a base type's private one).</summary>
            public ISymbol? Inaccessible { get; private set; }

            /// <summary>
            /// An instance member the body, declared in a base type, reads through <c>this</c>, whose name the owner or a
            /// type between them declares again (a <c>new</c> member, an overload): the generated method would read that one.
            /// </summary>
            public (ISymbol Member, INamedTypeSymbol By)? Hidden { get; private set; }

            /// <summary>A primary constructor's parameter the body reads, which a method in another file of the type cannot name.</summary>
            public IParameterSymbol? PrimaryConstructorParameter { get; private set; }

            /// <summary>Whether the body reads the instance (<c>this</c>, or a member of it by its bare name).</summary>
            public bool ReadsInstance { get; private set; }

            public override SyntaxNode? VisitThisExpression(ThisExpressionSyntax node)
            {
                ReadsInstance = true;
                return base.VisitThisExpression(node);
            }

            public override SyntaxNode? VisitIdentifierName(IdentifierNameSyntax node) => Qualify(node) ?? base.VisitIdentifierName(node);

            /// <summary>
            /// <c>Lib::Shop</c> names through an extern alias, which the generated file does not declare: written from
            /// <c>global::</c>, which reaches it when 'global' is among the reference's aliases (MAGG139 otherwise).
            /// </summary>
            public override SyntaxNode? VisitAliasQualifiedName(AliasQualifiedNameSyntax node)
            {
                if (node.Alias.Identifier.IsKind(SyntaxKind.GlobalKeyword) || _model.GetSymbolInfo(node, _parser._cancellationToken).Symbol is not INamespaceOrTypeSymbol symbol)
                {
                    return base.VisitAliasQualifiedName(node);
                }

                _parser.NoteWritten(symbol);
                return SyntaxFactory.ParseTypeName(symbol.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)).WithTriviaFrom(node);
            }

            public override SyntaxNode? VisitGenericName(GenericNameSyntax node)
            {
                var visited = (GenericNameSyntax)base.VisitGenericName(node)!;
                return Qualify(node, visited) ?? visited;
            }

            public override SyntaxNode? VisitInvocationExpression(InvocationExpressionSyntax node)
            {
                if (node.Expression is IdentifierNameSyntax { Identifier.ValueText: "nameof" } && _model.GetConstantValue(node, _parser._cancellationToken).Value is string name)
                {
                    return SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal(name)).WithTriviaFrom(node);
                }

                if (node.Expression is MemberAccessExpressionSyntax access
                    && _model.GetSymbolInfo(node, _parser._cancellationToken).Symbol is IMethodSymbol { ReducedFrom: { } extension } reduced)
                {
                    // receiver.Method<T>(a, b) is Extensions.Method<T>(receiver, a, b).
                    if (!CanBeNamed(extension))
                    {
                        Inaccessible ??= extension;
                    }

                    // A value-type receiver is cast to the parameter's type as the receiver form converts it (by boxing
                    // only): as an argument, it could convert by widening to another overload's (an int to long).
                    var receiver = Visit(access.Expression)!.ToString();
                    if (_model.GetTypeInfo(access.Expression, _parser._cancellationToken).Type is { IsValueType: true } receiverType
                        && reduced.GetConstructedReducedFrom()?.Parameters.FirstOrDefault()?.Type is { } thisType
                        && !SymbolEqualityComparer.Default.Equals(receiverType, thisType))
                    {
                        receiver = $"(({_parser.Type(thisType)})({receiver}))";
                    }

                    var typeArguments = access.Name is GenericNameSyntax generic ? ((TypeArgumentListSyntax)Visit(generic.TypeArgumentList)!).ToString() : "";
                    var visitedArguments = ((ArgumentListSyntax)Visit(node.ArgumentList)!).Arguments.Select(static a => a.ToString());
                    var call = $"{_parser.Type(extension.ContainingType)}.{access.Name.Identifier.ValueText}{typeArguments}({string.Join(", ", visitedArguments.Prepend(receiver))})";
                    return SyntaxFactory.ParseExpression(call).WithTriviaFrom(node);
                }

                return base.VisitInvocationExpression(node);
            }

            public override SyntaxTrivia VisitTrivia(SyntaxTrivia trivia) =>
                trivia.IsKind(SyntaxKind.SingleLineCommentTrivia) || trivia.IsKind(SyntaxKind.MultiLineCommentTrivia)
                    ? default
                    : base.VisitTrivia(trivia);

            /// <summary>The name as the generated file must write it; null to keep it as it is.</summary>
            private SyntaxNode? Qualify(SimpleNameSyntax node, SimpleNameSyntax? visited = null)
            {
                // Member names too: 'Base.Rate' names a type the generated method sees and a member it may not.
                var symbol = _model.GetSymbolInfo(node, _parser._cancellationToken).Symbol;
                if (symbol is INamedTypeSymbol or IFieldSymbol or IPropertySymbol or IMethodSymbol or IEventSymbol && !CanBeNamed(symbol))
                {
                    Inaccessible ??= symbol;
                }

                // Qualified too: the generated file has no extern alias (Lib::Shop.Order), nor the using that names one, nor
                // the user's suppression of an [Experimental] type's ID (Lib.Preview.Widget).
                if (symbol is INamespaceOrTypeSymbol named)
                {
                    _parser.NoteWritten(named);
                }

                if (IsMemberName(node))
                {
                    if (node.Parent is MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } && symbol is not null && HiderInOwner(symbol) is { } by)
                    {
                        Hidden ??= (symbol, by);
                    }

                    return null;
                }

                switch (symbol)
                {
                    case IParameterSymbol parameter when _placeholders.TryGetValue(parameter, out var placeholder):
                        return SyntaxFactory.IdentifierName(placeholder).WithTriviaFrom(node);
                    case IParameterSymbol { ContainingSymbol: IMethodSymbol { MethodKind: MethodKind.Constructor } } captured:
                        PrimaryConstructorParameter ??= captured;
                        return null;
                    case (INamespaceSymbol or INamedTypeSymbol { TypeKind: not TypeKind.Error }) and var typeOrNamespace:
                        return SyntaxFactory.ParseTypeName(typeOrNamespace.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)).WithTriviaFrom(node);
                    case (IFieldSymbol or IPropertySymbol or IMethodSymbol or IEventSymbol) and { IsStatic: true, ContainingType: { } type }:
                        return SyntaxFactory.ParseExpression($"{_parser.Type(type)}.{(visited ?? node).WithoutTrivia()}").WithTriviaFrom(node);
                    case IFieldSymbol or IPropertySymbol or IMethodSymbol { MethodKind: MethodKind.Ordinary } or IEventSymbol:
                        // An instance member by its bare name is this.Name: in the generated method a parameter of the same
                        // name (the aggregate method's `rate`) would otherwise be read instead.
                        ReadsInstance = true;
                        if (HiderInOwner(symbol) is { } hider)
                        {
                            Hidden ??= (symbol, hider);
                        }

                        return SyntaxFactory.ParseExpression($"this.{(visited ?? node).WithoutTrivia()}").WithTriviaFrom(node);
                    default:
                        return null;
                }
            }

            /// <summary>
            /// The type that makes <c>this.Name</c>, bound in the body's declaring type, name another member in the owner: the
            /// first from the owner up to (not including) that one to declare the name where the owner can see it; null for
            /// none. Overrides aside: lookup passes them by, and they are the same member.
            /// </summary>
            private INamedTypeSymbol? HiderInOwner(ISymbol member)
            {
                if (member.IsStatic || SymbolEqualityComparer.Default.Equals(_owner.OriginalDefinition, _declaringType.OriginalDefinition))
                {
                    return null;
                }

                for (var type = _owner; type is not null && !SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, _declaringType.OriginalDefinition); type = type.BaseType)
                {
                    if (type.GetMembers(member.Name).Any(m => !m.IsOverride && _model.Compilation.IsSymbolAccessibleWithin(m, _owner)))
                    {
                        return type;
                    }
                }

                return null;
            }

            /// <summary>Whether the generated method can name <paramref name="symbol"/> (see <see cref="CanBeNamedFrom"/>).</summary>
            private bool CanBeNamed(ISymbol symbol) => CanBeNamedFrom(symbol, _owner, _model.Compilation);

            /// <summary>
            /// Whether the name is looked up in what precedes it (<c>x.Name</c>, <c>N.Name</c>) or names a member or argument,
            /// the member of a new object an initializer assigns (<c>new Key { Region = ... }</c>) included.
            /// </summary>
            private static bool IsMemberName(SimpleNameSyntax node) => node.Parent switch
            {
                MemberAccessExpressionSyntax access => access.Name == node,
                QualifiedNameSyntax qualified => qualified.Right == node,
                AliasQualifiedNameSyntax => true,
                MemberBindingExpressionSyntax => true,
                NameColonSyntax or NameEqualsSyntax => true,
                AssignmentExpressionSyntax { Parent: InitializerExpressionSyntax } assignment => assignment.Left == node,
                _ => false,
            };
        }
    }
}
