using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;

namespace MultiAgg.CodeFixes;

/// <summary>
/// Turns the selectors and predicates of LINQ calls into what [Aggregate] takes: a member access
/// <c>o =&gt; o.Total</c> becomes <c>nameof(Order.Total)</c>; a method group of the containing
/// type is named with <c>nameof</c>; any other lambda becomes a private static method named after
/// what it computes, whose captured locals become extra parameters of both that method and the
/// fused one (the generator matches them by name).
/// </summary>
internal sealed class FunctionTranslator
{
    private readonly SemanticModel _model;
    private readonly INamedTypeSymbol _containingType;
    private readonly int _position;
    private readonly int _runStart;
    private readonly HashSet<string> _memberNames;
    private readonly bool _inlinedIntoQuery;
    private readonly Dictionary<string, string> _extractedByText = new();
    private readonly Dictionary<ISymbol, ITypeSymbol> _capturedTypes = new(SymbolEqualityComparer.Default);
    private readonly CancellationToken _cancellationToken;

    /// <param name="inlinedIntoQuery">
    /// Whether the generator inlines the extracted methods into a query, where it refuses what the generated file cannot
    /// write as the user's file does (see <see cref="CanBeInlined"/>).
    /// </param>
    public FunctionTranslator(SemanticModel model, INamedTypeSymbol containingType, int position, int runStart, HashSet<string> memberNames, bool inlinedIntoQuery, CancellationToken cancellationToken)
    {
        _model = model;
        _containingType = containingType;
        _position = position;
        _runStart = runStart;
        _memberNames = memberNames;
        _inlinedIntoQuery = inlinedIntoQuery;
        _cancellationToken = cancellationToken;
    }

    /// <summary>Methods to add beside the fused one, in order.</summary>
    public List<string> ExtractedMethods { get; } = new();

    /// <summary>
    /// The spans of the lambda bodies whose text, comments included, an extracted method holds now (a body written
    /// again as the method's, or one such a method already holds): their comments are not lost where the call goes.
    /// </summary>
    public List<TextSpan> MovedText { get; } = new();

    /// <summary>Locals and parameters the lambdas capture: they become extra parameters.</summary>
    public List<ISymbol> Captured { get; } = new();

    /// <summary>The type to declare a parameter for a <see cref="Captured"/> variable with.</summary>
    public ITypeSymbol TypeOf(ISymbol captured) => _capturedTypes[captured];

    /// <summary>
    /// The text after <c>Of =</c> or <c>Where =</c>, the empty string for an identity selector that
    /// <paramref name="identityIsNoFunction"/> lets go, or null when the function cannot be expressed (then the calls
    /// are not fused).
    /// </summary>
    public string? Translate(IArgumentOperation argument, bool isPredicate, bool identityIsNoFunction)
    {
        // A delegate (Enumerable's Func<>) is a creation around the function; an expression tree
        // (Queryable's Expression<Func<>>) is a conversion of the lambda itself.
        var value = argument.Value;
        while (value is IConversionOperation or IDelegateCreationOperation)
            value = value is IConversionOperation conversion ? conversion.Operand : ((IDelegateCreationOperation)value).Target;

        switch (value)
        {
            case IMethodReferenceOperation { Instance: null, Method: var method }
                when SymbolEqualityComparer.Default.Equals(method.ContainingType, _containingType)
                     && method is { MethodKind: MethodKind.Ordinary, IsStatic: true, IsGenericMethod: false, Parameters.Length: 1 }   // not a local function: nameof could not see it
                     // Nor an overloaded name, which the generator would find ambiguous where C# picked one.
                     && _model.LookupSymbols(_position, _containingType, method.Name).OfType<IMethodSymbol>().Count() == 1
                     // Nor a name the element has a member of too (`Trim` for strings): the generator could not tell which.
                     && (argument.Parameter?.Type as INamedTypeSymbol)?.DelegateInvokeMethod?.Parameters.FirstOrDefault()?.Type is { } element
                     && !IsReadableMember(element, method.Name):
                return $"nameof({Names.Escape(method.Name)})";
            case IAnonymousFunctionOperation lambda:
                return TranslateLambda(lambda, isPredicate, identityIsNoFunction);
            default:
                return null;
        }
    }

    private string? TranslateLambda(IAnonymousFunctionOperation lambda, bool isPredicate, bool identityIsNoFunction)
    {
        // A body that reads `this` or calls a local function cannot move to a static method of the type (a helper named
        // after the local function would even call itself).
        // Nor one that reads what is [Obsolete] as an error, which only obsolete code may (the user's member may be), and
        // neither the new method nor the generated part is.
        if (lambda.Symbol.IsAsync || lambda.Symbol.Parameters.Length != 1
            || lambda.Syntax is not AnonymousFunctionExpressionSyntax syntax
            || syntax is AnonymousMethodExpressionSyntax { ParameterList: null }   // `delegate { ... }`: no parameter to name
            || lambda.Descendants().Any(static o => o is IInstanceReferenceOperation { ReferenceKind: not InstanceReferenceKind.ImplicitReceiver }
                or IInvocationOperation { TargetMethod.MethodKind: MethodKind.LocalFunction }
                or IMethodReferenceOperation { Method.MethodKind: MethodKind.LocalFunction }
                || WritesOutside(o)
                || ReadsObsoleteAsError(o)))
        {
            return null;
        }

        // Nor can one that names the containing method's type parameter (`i => i is T`): the new methods are not generic.
        // Nor one returning a file-local type, which the signature of a method of a type that is not file-local cannot
        // name (CS9051), or an anonymous one, which no signature can.
        if (NamesMethodTypeParameter(lambda, syntax) || Mentions(lambda.Symbol.ReturnType, static t => t is INamedTypeSymbol { IsFileLocal: true } or { IsAnonymousType: true }))
            return null;

        var parameter = lambda.Symbol.Parameters[0];
        var returned = SingleReturnedValue(lambda.Body);
        if (returned is not null && !isPredicate && identityIsNoFunction)
        {
            // o => o: no selector at all.
            if (returned is IParameterReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Parameter, parameter))
                return "";
        }

        // A member path, unless the type has a method of that name too, which the generator would find as well
        // (MAGG108): the lambda becomes a method of its own then.
        if (returned is not null && MemberPath(returned, parameter) is { } path
            && SymbolEqualityComparer.Default.Equals(returned.Type, lambda.Symbol.ReturnType)
            && (path.Count > 1 || !NamesAMethodOfTheType(path[0])))
        {
            // nameof(Order.Total) where C# can write it (`string?.Length` would read as a conditional access); `int?.HasValue`
            // and the like only as a string.
            return path.Count == 1 && parameter.Type is INamedTypeSymbol { IsTupleType: false, IsAnonymousType: false } named
                   && named.OriginalDefinition.SpecialType != SpecialType.System_Nullable_T
                ? $"nameof({parameter.Type.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToMinimalDisplayString(_model, _position)}.{Names.Escape(path[0])})"
                : SymbolDisplay.FormatLiteral(string.Join(".", path), quote: true);
        }

        if (_inlinedIntoQuery && !CanBeInlined(lambda, syntax))
            return null;

        return Extract(lambda, syntax, parameter, isPredicate);
    }

    /// <summary>
    /// Whether an operation of a lambda's body writes what outlives the call (a field, a property, an array element, an
    /// event, through <c>ref</c> or <c>out</c>); a captured local it writes, <see cref="CapturedVariables"/> refuses. Fused,
    /// each element goes through every call's function before the next element does, so a later call's function would see
    /// an earlier one's writes partway through, not whole.
    /// </summary>
    private static bool WritesOutside(IOperation operation) =>
        operation is IEventAssignmentOperation || (WrittenTarget(operation) is { } target && !IsOwnVariable(target));

    /// <summary>
    /// What <paramref name="operation"/> writes: the target of an assignment (simple, compound, <c>??=</c>, deconstruction)
    /// or an increment, or a variable passed by <c>ref</c> or <c>out</c>; null for anything else.
    /// </summary>
    internal static IOperation? WrittenTarget(IOperation operation) => operation switch
    {
        IAssignmentOperation assignment => assignment.Target,
        IIncrementOrDecrementOperation change => change.Target,
        IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } argument => argument.Value,
        _ => null,
    };

    /// <summary>
    /// A variable of the lambda's own (a parameter, a local, a discard, or a tuple or declaration of them), or a member of
    /// what the lambda is creating (an object, collection, anonymous-object or <c>with</c> initializer's).
    /// </summary>
    internal static bool IsOwnVariable(IOperation target) => target switch
    {
        ILocalReferenceOperation { Local.RefKind: RefKind.None } or IParameterReferenceOperation { Parameter.RefKind: RefKind.None } or IDiscardOperation => true,
        IMemberReferenceOperation { Instance: IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ImplicitReceiver } } => true,
        IDeclarationExpressionOperation declaration => IsOwnVariable(declaration.Expression),
        ITupleOperation tuple => tuple.Elements.All(IsOwnVariable),
        _ => false,
    };

    /// <summary>
    /// Whether the generator can inline a method with this lambda's body into a query (else MAGG141 or MAGG142 would fail
    /// the build the fix leaves): no query syntax, whose methods the generated file finds only through its own usings; no
    /// file-local type, which the generated file, another file, cannot name (a member of one, a value of one, a type
    /// test or <c>typeof</c>); and no text <c>{0}</c>, which is how the generator writes the element in what it inlines.
    /// </summary>
    private static bool CanBeInlined(IAnonymousFunctionOperation lambda, AnonymousFunctionExpressionSyntax syntax) =>
        !syntax.Body.DescendantNodesAndSelf().OfType<QueryExpressionSyntax>().Any()
        && !lambda.Body.Descendants().Any(static operation => (operation.Type is { } type && Mentions(type, IsFileLocal)) || operation switch
        {
            IMemberReferenceOperation reference => Mentions(reference.Member.ContainingType, IsFileLocal),
            IInvocationOperation call => Mentions(call.TargetMethod.ContainingType, IsFileLocal) || call.TargetMethod.TypeArguments.Any(static t => Mentions(t, IsFileLocal)),
            ITypeOfOperation typeOf => Mentions(typeOf.TypeOperand, IsFileLocal),
            IIsTypeOperation test => Mentions(test.TypeOperand, IsFileLocal),
            IIsPatternOperation { Pattern: ITypePatternOperation or IDeclarationPatternOperation } pattern => Mentions(pattern.Pattern.NarrowedType, IsFileLocal),
            _ => false,
        })
        // As the generator reads it: the body's normalized text (an interpolation `$"{0}"` is three tokens).
        && !syntax.Body.NormalizeWhitespace().ToString().Contains("{0}");

    private static bool IsFileLocal(ITypeSymbol type) => type is INamedTypeSymbol { IsFileLocal: true };

    /// <summary>Whether <paramref name="operation"/> uses a member, a constructor or a type that is <c>[Obsolete]</c> as an error.</summary>
    private static bool ReadsObsoleteAsError(IOperation operation) =>
        (operation switch
        {
            IMemberReferenceOperation reference => reference.Member,
            IInvocationOperation call => call.TargetMethod,
            IObjectCreationOperation creation => creation.Constructor,
            _ => null,
        } is { } used && (IsObsoleteAsError(used) || (used.ContainingType is { } owner && IsObsoleteAsError(owner))))
        || (operation.Type is { } type && IsObsoleteAsError(type));

    internal static bool IsObsoleteAsError(ISymbol symbol) =>
        symbol.GetAttributes().Any(static a => a.AttributeClass is { Name: "ObsoleteAttribute", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } }
            && a.ConstructorArguments.Length == 2 && a.ConstructorArguments[1].Value is true);

    /// <summary>
    /// Whether a type written in the lambda (<c>typeof(T)</c>, <c>is IComparable&lt;T&gt;</c>, <c>EqualityComparer&lt;T&gt;.Default</c>)
    /// or the type of any value it computes involves a type parameter of a method.
    /// </summary>
    private bool NamesMethodTypeParameter(IAnonymousFunctionOperation lambda, AnonymousFunctionExpressionSyntax syntax)
    {
        var written = syntax.Body.DescendantNodesAndSelf().OfType<TypeSyntax>()
            .Select(type => _model.GetSymbolInfo(type, _cancellationToken).Symbol as ITypeSymbol);
        var computed = lambda.Body.Descendants().Select(static operation => operation.Type);
        return written.Concat(computed).Any(static type => type is not null && Mentions(type, IsMethodTypeParameter));
    }

    /// <summary>A type parameter of a method (not of a type): out of reach of a new method beside the containing one.</summary>
    public static bool IsMethodTypeParameter(ITypeSymbol type) => type is ITypeParameterSymbol { TypeParameterKind: TypeParameterKind.Method };

    /// <summary>Whether <paramref name="type"/>, or a type it is built of (an element, a type argument), satisfies <paramref name="test"/>.</summary>
    public static bool Mentions(ITypeSymbol type, System.Func<ITypeSymbol, bool> test) =>
        test(type) || type switch
        {
            IArrayTypeSymbol array => Mentions(array.ElementType, test),
            IPointerTypeSymbol pointer => Mentions(pointer.PointedAtType, test),
            INamedTypeSymbol named => named.TypeArguments.Any(argument => Mentions(argument, test))
                                      || (named.ContainingType is { } outer && Mentions(outer, test)),
            _ => false,
        };

    private static IOperation? SingleReturnedValue(IBlockOperation body)
    {
        if (body.Operations.Length is 1 or 2 && body.Operations[0] is IReturnOperation { ReturnedValue: { } value })
            return value;
        return null;
    }

    /// <summary><c>o.Customer.Age</c> read off the lambda's parameter: ["Customer", "Age"].</summary>
    private static List<string>? MemberPath(IOperation value, IParameterSymbol parameter)
    {
        var path = new List<string>();
        while (true)
        {
            switch (value)
            {
                case IPropertyReferenceOperation { Instance: { } instance, Property: { IsIndexer: false, IsStatic: false } property }:
                    path.Insert(0, property.Name);
                    value = instance;
                    break;
                case IFieldReferenceOperation { Instance: { } instance, Field.IsStatic: false } field:
                    path.Insert(0, field.Field.Name);
                    value = instance;
                    break;
                case IParameterReferenceOperation reference when SymbolEqualityComparer.Default.Equals(reference.Parameter, parameter):
                    return path.Count > 0 ? path : null;
                default:
                    return null;
            }
        }
    }

    private string? Extract(IAnonymousFunctionOperation lambda, AnonymousFunctionExpressionSyntax syntax, IParameterSymbol parameter, bool isPredicate)
    {
        var captured = CapturedVariables(lambda, syntax);
        if (captured is null)
            return null;

        // Arithmetic in a `checked`/`unchecked` block or expression keeps that context in the method it moves to (the
        // type's level has only the project's); a block body there is left as it is.
        var returned = ReturnedExpression(syntax, lambda.Symbol.ReturnType);
        var context = Syntax.OverflowContext(syntax);
        if (context is not null && returned is null)
            return null;
        var bodyText = returned is not null
            ? " => " + (context is null ? returned.WithoutTrivia().ToFullString() : $"{context}({returned.WithoutTrivia().ToFullString()})") + ";"
            : "\n" + syntax.Block!.ToFullString();
        var key = parameter.Type.ToDisplayString() + "|" + parameter.Name + "|" + lambda.Symbol.ReturnType.ToDisplayString() + bodyText;
        if (_extractedByText.TryGetValue(key, out var known))
        {
            MovedText.Add(returned?.Span ?? syntax.Block!.FullSpan);
            return $"nameof({Names.Escape(known)})";
        }

        // A method of the type that already computes exactly this (an earlier fix wrote it) serves again, unless the
        // lambda's overflow context is its own (the method's body would be compared without it).
        if (context is null && Existing(lambda, returned, syntax.Block, captured) is { } existing)
        {
            _extractedByText[key] = existing;
            AddCaptured(captured);
            return $"nameof({Names.Escape(existing)})";
        }

        var name = Names.Unique(HelperName(lambda, syntax, parameter, isPredicate), _memberNames);
        _extractedByText[key] = name;

        var parameters = new List<string> { Names.Declare(parameter.Type, parameter.Name, _model, _position) };
        foreach (var symbol in captured)
            parameters.Add(Names.Declare(_capturedTypes[symbol], symbol.Name, _model, _position));
        AddCaptured(captured);

        // Written in an unsafe context (`sizeof(Point)`, a pointer), the body keeps one.
        var modifiers = IsInUnsafeContext(syntax) ? "private static unsafe" : "private static";
        MovedText.Add(returned?.Span ?? syntax.Block!.FullSpan);
        ExtractedMethods.Add(
            $"{modifiers} {lambda.Symbol.ReturnType.ToMinimalDisplayString(_model, _position)} {Names.Escape(name)}({string.Join(", ", parameters)}){bodyText}");
        return $"nameof({Names.Escape(name)})";
    }

    private static bool IsInUnsafeContext(SyntaxNode node) =>
        node.Ancestors().Any(static ancestor => ancestor switch
        {
            UnsafeStatementSyntax => true,
            MemberDeclarationSyntax member => member.Modifiers.Any(SyntaxKind.UnsafeKeyword),
            LocalFunctionStatementSyntax function => function.Modifiers.Any(SyntaxKind.UnsafeKeyword),
            _ => false,
        });

    /// <summary>
    /// The lambda's expression body, without an outermost cast to its return type that the method's
    /// return makes anyway: <c>o =&gt; (int?)o.Quantity</c> becomes <c>int? QuantityAsNullableInt32(Order o) =&gt; o.Quantity;</c>,
    /// as the simplifier would leave it, so that the same lambda met again finds that method. Null for a block body.
    /// </summary>
    private ExpressionSyntax? ReturnedExpression(AnonymousFunctionExpressionSyntax syntax, ITypeSymbol returnType)
    {
        if (syntax.ExpressionBody is not { } body)
            return null;
        var unwrapped = body;
        while (unwrapped is ParenthesizedExpressionSyntax parenthesized)
            unwrapped = parenthesized.Expression;
        return unwrapped is CastExpressionSyntax cast
               && SymbolEqualityComparer.IncludeNullability.Equals(_model.GetTypeInfo(cast.Type, _cancellationToken).Type, returnType)
               && ReturnConvertsAsCast(cast, returnType)
            ? cast.Expression
            : body;
    }

    /// <summary>
    /// Whether returning the cast's operand converts it as the cast does: implicitly, and not from <c>dynamic</c> (whose
    /// cast converts explicitly at run time, a boxed <c>long</c> to <c>int</c>, where the return would throw) nor through
    /// another user-defined operator (a cast from <c>int</c> takes an explicit <c>operator Money(int)</c> over the
    /// implicit <c>operator Money(long)</c> the return would call).
    /// </summary>
    private bool ReturnConvertsAsCast(CastExpressionSyntax cast, ITypeSymbol returnType)
    {
        var returned = _model.ClassifyConversion(cast.Expression, returnType);
        return returned is { IsImplicit: true, IsDynamic: false }
               && _model.GetOperation(cast, _cancellationToken) is IConversionOperation written
               && SymbolEqualityComparer.Default.Equals(written.OperatorMethod, returned.MethodSymbol);
    }

    private void AddCaptured(List<ISymbol> captured)
    {
        foreach (var symbol in captured)
        {
            if (!Captured.Contains(symbol, SymbolEqualityComparer.Default))
                Captured.Add(symbol);
        }
    }

    /// <summary>
    /// What the function computes, read off its body (<c>IsTotalAboveThreshold</c>,
    /// <c>PriceTimesQuantity</c>), else the members it reads (<c>LinesPrice</c>,
    /// <c>MatchesTags</c>); predicates read as a question.
    /// </summary>
    private string HelperName(IAnonymousFunctionOperation lambda, AnonymousFunctionExpressionSyntax syntax, IParameterSymbol parameter, bool isPredicate)
    {
        var described = syntax.ExpressionBody is { } body ? Names.Describe(body, parameter.Name) : null;
        if (described is not null && SyntaxFacts.IsValidIdentifier(described) && !char.IsDigit(described[0]))
        {
            if (isPredicate && !Names.IsQuestion(described))
                described = "Is" + described;
        }
        else
        {
            var members = string.Concat(MembersRead(lambda).Take(3));
            described = isPredicate ? "Matches" + members : members.Length > 0 ? members : "Value";
        }

        // The generator resolves Of/Where against the element's members first: a helper named
        // like one of them (`Value` for `i => (double?)i.Value`) would be ambiguous.
        if (HasMember(parameter.Type, described))
            described += "As" + TypeWord(lambda.Symbol.ReturnType);
        return described;
    }

    /// <summary>The properties and fields the function reads (else the methods it calls, LINQ's aside), in order, once each.</summary>
    private static List<string> MembersRead(IAnonymousFunctionOperation lambda)
    {
        var members = new List<(int Position, string Name)>();
        var methods = new List<(int Position, string Name)>();
        foreach (var operation in lambda.Body.Descendants())
        {
            switch (operation)
            {
                case IPropertyReferenceOperation { Property.IsIndexer: false } property:
                    members.Add((operation.Syntax.SpanStart, property.Property.Name));
                    break;
                case IFieldReferenceOperation field:
                    members.Add((operation.Syntax.SpanStart, field.Field.Name));
                    break;
                case IInvocationOperation invocation when !(invocation.TargetMethod.ContainingType is { Name: "Enumerable" or "Queryable" } linq && AggregateCall.IsSystemLinq(linq)):
                    methods.Add((operation.Syntax.SpanStart, invocation.TargetMethod.Name));
                    break;
            }
        }

        return (members.Count > 0 ? members : methods)
            .Where(static n => SyntaxFacts.IsValidIdentifier(n.Name))
            .OrderBy(static n => n.Position)
            .Select(static n => Names.Pascal(n.Name))
            .Distinct()
            .ToList();
    }

    /// <summary>
    /// A static method of the containing type declared exactly as the helper would be: same
    /// parameters (names and types), same return type, an equivalent body.
    /// </summary>
    private string? Existing(IAnonymousFunctionOperation lambda, ExpressionSyntax? returned, BlockSyntax? block, List<ISymbol> captured)
    {
        var parameters = new[] { (ISymbol)lambda.Symbol.Parameters[0] }.Concat(captured).ToList();
        foreach (var member in _containingType.GetMembers().OfType<IMethodSymbol>())
        {
            if (!member.IsStatic || member.IsGenericMethod || member.MethodKind != MethodKind.Ordinary
                || !SymbolEqualityComparer.IncludeNullability.Equals(member.ReturnType, lambda.Symbol.ReturnType)
                || member.Parameters.Length != parameters.Count
                || member.Parameters.Where((p, i) => p.RefKind != RefKind.None || p.Name != parameters[i].Name
                                                     || !SymbolEqualityComparer.Default.Equals(p.Type, i == 0 ? lambda.Symbol.Parameters[0].Type : _capturedTypes[parameters[i]])).Any()
                || member.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(_cancellationToken) is not MethodDeclarationSyntax declaration)
            {
                continue;
            }

            var same = (declaration.ExpressionBody, returned, declaration.Body, block) switch
            {
                ({ } arrow, { } expression, _, _) => SyntaxFactory.AreEquivalent(arrow.Expression, expression),
                (null, null, { } declared, { } body) => SyntaxFactory.AreEquivalent(declared, body),
                _ => false,
            };
            // Named so, it must be the one thing the generator finds: not overloaded, nor a member of the element too (MAGG108).
            if (same && _model.LookupSymbols(_position, _containingType, member.Name).OfType<IMethodSymbol>().Count() == 1
                && !IsReadableMember(lambda.Symbol.Parameters[0].Type, member.Name))
            {
                return member.Name;
            }
        }

        return null;
    }

    /// <summary>Whether the containing type has a method named <paramref name="name"/> that could take an element: an <c>Of</c> of that name may mean it.</summary>
    private bool NamesAMethodOfTheType(string name) =>
        _model.LookupSymbols(_position, _containingType, name).Any(static member => member is IMethodSymbol { MethodKind: MethodKind.Ordinary, Parameters.Length: > 0 });

    /// <summary>
    /// Whether <c>x.Name</c> reads a value off an element of <paramref name="type"/>, as the generator resolves an <c>Of</c>
    /// name: an accessible instance property, field or parameterless method (then a method of the type named so too is
    /// ambiguous to it, MAGG108).
    /// </summary>
    private bool IsReadableMember(ITypeSymbol type, string name) =>
        _model.LookupSymbols(_position, type, name).Any(static member => !member.IsStatic && member switch
        {
            IPropertySymbol property => !property.IsIndexer && property.GetMethod is not null,
            IFieldSymbol => true,
            IMethodSymbol { MethodKind: MethodKind.Ordinary, Parameters.Length: 0, ReturnsVoid: false, TypeParameters.Length: 0 } => true,
            _ => false,
        });

    private static bool HasMember(ITypeSymbol type, string name)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            if (!current.GetMembers(name).IsEmpty)
                return true;
        }

        return type.AllInterfaces.Any(i => !i.GetMembers(name).IsEmpty);
    }

    private static string TypeWord(ITypeSymbol type) =>
        type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable
            ? "Nullable" + TypeWord(nullable.TypeArguments[0])
            : Names.Pascal(type.Name);

    /// <summary>
    /// The outer locals and parameters the lambda reads; null when one cannot be passed in: it is
    /// written by the lambda, declared or assigned after the calls begin, or by-reference.
    /// </summary>
    private List<ISymbol>? CapturedVariables(IAnonymousFunctionOperation lambda, AnonymousFunctionExpressionSyntax syntax)
    {
        var flow = syntax.ExpressionBody is { } expression
            ? _model.AnalyzeDataFlow(expression)
            : _model.AnalyzeDataFlow(syntax.Block!);
        if (flow is null || !flow.Succeeded)
            return null;

        var result = new List<ISymbol>();
        foreach (var symbol in flow.ReadInside.Concat(flow.WrittenInside).Distinct(SymbolEqualityComparer.Default))
        {
            _cancellationToken.ThrowIfCancellationRequested();
            if (SymbolEqualityComparer.Default.Equals(symbol.ContainingSymbol, lambda.Symbol)
                || IsDeclaredInside(symbol, syntax))
            {
                continue;
            }

            switch (symbol)
            {
                case IParameterSymbol { IsThis: true }:
                    return null;
                case IParameterSymbol { RefKind: RefKind.None } parameter when !flow.WrittenInside.Contains(symbol) && IsPassable(parameter.Type):
                case ILocalSymbol { RefKind: RefKind.None } local when !flow.WrittenInside.Contains(symbol) && IsPassable(local.Type)
                                                                                   && local.DeclaringSyntaxReferences.All(r => r.Span.End <= _runStart):
                    result.Add(symbol);
                    _capturedTypes[symbol] = TypeInside(symbol, syntax);
                    break;
                default:
                    return null;
            }
        }

        // Every outer variable the body names must be one passed in, and passed in as a value: `nameof(limit)` reads
        // nothing, and a local constant where C# wants a constant (`x is > Limit`) cannot be a parameter.
        foreach (var name in syntax.Body.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>())
        {
            if (name.Parent is not NameColonSyntax   // a named argument or subpattern: the called method's parameter
                && _model.GetSymbolInfo(name, _cancellationToken).Symbol is { Kind: SymbolKind.Local or SymbolKind.Parameter } variable
                && !SymbolEqualityComparer.Default.Equals(variable.ContainingSymbol, lambda.Symbol) && !IsDeclaredInside(variable, syntax)
                && (!result.Contains(variable, SymbolEqualityComparer.Default) || (variable is ILocalSymbol { IsConst: true } && WantsAConstant(name, syntax))))
            {
                return null;
            }
        }

        return result;
    }

    /// <summary>
    /// Whether <paramref name="name"/>, a local constant, is read where only a constant will do, as a parameter would not:
    /// a pattern (<c>is &gt; Limit</c>, <c>is Limit</c>), a <c>case</c> or <c>goto case</c>, an interpolation's alignment, a
    /// constant's value, an attribute's argument or a default value; or converted as only a constant converts
    /// (<c>byte b = Limit;</c>, an <c>int</c> constant that fits).
    /// </summary>
    private bool WantsAConstant(IdentifierNameSyntax name, SyntaxNode function)
    {
        // The whole constant expression the name is part of (`Limit * 2`): what is converted, or stands in such a place.
        ExpressionSyntax constant = name;
        while (constant.Parent is ExpressionSyntax outer && _model.GetConstantValue(outer, _cancellationToken).HasValue)
            constant = outer;
        return _model.GetConversion(constant, _cancellationToken).IsConstantExpression
            || constant.AncestorsAndSelf().TakeWhile(node => node != function).Any(static node =>
                node is PatternSyntax or CaseSwitchLabelSyntax or InterpolationAlignmentClauseSyntax or AttributeArgumentSyntax or ParameterSyntax
                    or LocalDeclarationStatementSyntax { IsConst: true }
                || node.IsKind(SyntaxKind.GotoCaseStatement)
                || (node.Parent is BinaryExpressionSyntax test && test.IsKind(SyntaxKind.IsExpression) && test.Right == node));
    }

    /// <summary>Whether a value of <paramref name="type"/> can be a parameter of a method that is not unsafe and outlives no stack frame.</summary>
    private static bool IsPassable(ITypeSymbol type) => !type.IsRefLikeType && type is not (IPointerTypeSymbol or IFunctionPointerTypeSymbol);

    /// <summary>The captured variable's type as the lambda reads it (see <see cref="SequenceReference.TypeAt"/>).</summary>
    private ITypeSymbol TypeInside(ISymbol symbol, AnonymousFunctionExpressionSyntax syntax)
    {
        var reference = syntax.DescendantNodes().OfType<IdentifierNameSyntax>().FirstOrDefault(id =>
            id.Identifier.ValueText == symbol.Name && SymbolEqualityComparer.Default.Equals(_model.GetSymbolInfo(id, _cancellationToken).Symbol, symbol));
        return (reference is null ? SequenceReference.TypeOf(symbol) : SequenceReference.TypeAt(symbol, reference, _model, _cancellationToken))!;
    }

    /// <summary>A local, or the parameter of a nested lambda, of the function itself: not captured.</summary>
    private static bool IsDeclaredInside(ISymbol symbol, SyntaxNode syntax) =>
        symbol is ILocalSymbol or IParameterSymbol && symbol.DeclaringSyntaxReferences.Any(r => syntax.Span.Contains(r.Span));
}
