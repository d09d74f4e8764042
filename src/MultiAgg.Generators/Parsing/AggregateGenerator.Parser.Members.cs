using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using MultiAgg.Generators.Diagnostics;
using MultiAgg.Generators.Parsing;
using MultiAgg.Generators.Specs;

namespace MultiAgg.Generators;

public sealed partial class AggregateGenerator
{
    /// <summary>Of, Where and [GroupBy] names: a member path of the element, or a method of the containing type.</summary>
    internal sealed partial class Parser
    {
        /// <summary>A resolved Of, Where or key name (or the element itself): its spec, and its types with and without null.</summary>
        private sealed record ResolvedValue(ValueSpec Spec, ITypeSymbol Type, ITypeSymbol NonNullType, SyntaxNode? Syntax, string? OfText);

        private ResolvedValue ElementValue(ITypeSymbol elementType) => Value("{0}", elementType, null, null);

        private ResolvedValue Value(string expression, ITypeSymbol type, SyntaxNode? syntax, string? text)
        {
            var (nulls, nonNull) = Nullability(type);

            return new ResolvedValue(new ValueSpec(expression, Type(type), nulls, Type(nonNull), LocalName(text)), type, nonNull, syntax, text);
        }

        /// <summary>An <c>Of</c> name as a camelCase identifier: <c>"Customer.Age"</c> is <c>customerAge</c>; the element is <c>value</c>.</summary>
        private static string LocalName(string? text)
        {
            var name = new System.Text.StringBuilder(text?.Length ?? 0);
            var segmentStarts = true;
            foreach (var c in text ?? "")
            {
                if (c == '.')
                {
                    segmentStarts = true;
                }
                else if (char.IsLetterOrDigit(c) || c == '_')
                {
                    // Each segment's first letter or digit starts a word: camelCase, as the path reads.
                    name.Append(!segmentStarts ? c : name.Length == 0 ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c));
                    segmentStarts = false;
                }
            }

            return name.Length == 0 || char.IsDigit(name[0]) ? "value" + name : name.ToString();
        }

        /// <summary>How values of <paramref name="type"/> can be null, and the type left once they are not.</summary>
        private static (NullKind Nulls, ITypeSymbol NonNull) Nullability(ITypeSymbol type) => type switch
        {
            INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable => (NullKind.NullableValueType, nullable.TypeArguments[0]),
            { IsValueType: true } => (NullKind.None, type),
            _ => (NullKind.Reference, type.WithNullableAnnotation(NullableAnnotation.NotAnnotated)),
        };

        /// <summary>
        /// Resolves an <c>Of</c>/<c>Where</c> name: a (dotted) member path of the element, or a method of
        /// the containing type taking the element first and further parameters matched by name.
        /// </summary>
        /// <param name="isRead">Whether the generated code reads the value: not where only counts ask for it.</param>
        private ResolvedValue? ResolveMember(string text, ITypeSymbol elementType, SyntaxNode? syntax, bool isRead = true)
        {
            var location = syntax?.GetLocation();
            var path = text.Split('.').Select(static s => s.Trim()).ToArray();
            if (path.Any(static s => s.Length == 0))
            {
                Report(DiagnosticDescriptors.UnknownMember, location, text, Display(elementType), Display(_declaration!.Owner), " (the path has an empty segment)");
                return null;
            }

            var memberCandidates = InstanceMembers(elementType, path[0]);
            var methodCandidates = path.Length == 1 ? ContainingTypeMethods(path[0], elementType) : new List<IMethodSymbol>();

            if (memberCandidates.Count + methodCandidates.Count > 1)
            {
                var described = memberCandidates.Concat(methodCandidates)
                    .Select(static s => s.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat));
                Report(DiagnosticDescriptors.AmbiguousMember, location, text, string.Join(" and ", described));
                return null;
            }

            if (methodCandidates.Count == 1 && (ForbiddenAsObsolete(methodCandidates[0]) ?? OnlyNativeCodeCalls(methodCandidates[0])) is { } forbidden)
            {
                Report(DiagnosticDescriptors.UnknownMember, location, text, Display(elementType), Display(_declaration!.Owner), forbidden);
                return null;
            }

            if (methodCandidates.Count == 1 && !_query && OverloadCalledInstead(methodCandidates[0], elementType) is { } instead)
            {
                Report(DiagnosticDescriptors.AmbiguousMember, location, text,
                    $"{methodCandidates[0].ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat)}, but a call with the element {instead}; give the overloads different names");
                return null;
            }

            if (methodCandidates.Count == 1 && AwaitedResult(methodCandidates[0]) is { } awaited)
            {
                return AwaitSelector(methodCandidates[0], awaited, elementType, syntax, text);
            }

            if (methodCandidates.Count == 1 && _query && isRead)
            {
                // A provider translates expressions, not calls of the user's methods: the body goes into the query (that
                // of a value only counts ask for never does, so any method will do there, as in a loop).
                return InlineIntoQuery(methodCandidates[0], elementType, syntax, text) is { } inlined
                    ? Value(inlined, methodCandidates[0].ReturnType, syntax, text)
                    : null;
            }

            if (methodCandidates.Count == 1)
            {
                var method = methodCandidates[0];
                var receiver = method.IsStatic ? Type(method.ContainingType) : "this";
                var arguments = new List<string> { NonNullArgument("{0}", elementType, method.Parameters[0].Type) };
                foreach (var parameter in method.Parameters.Skip(1))
                {
                    var match = _declaration!.ExtraParameters.First(p => p.Name == parameter.Name);
                    _passedParameters.Add(match.Name);
                    arguments.Add(NonNullArgument(Identifier(match.Name), match.Type, parameter.Type));
                }

                return Value($"{receiver}.{Identifier(method.Name)}({string.Join(", ", arguments)})", method.ReturnType, syntax, text);
            }

            if (memberCandidates.Count == 0)
            {
                var hint = path.Length > 1 ? "" : ContainingTypeMethodHint(path[0]);
                Report(DiagnosticDescriptors.UnknownMember, location, text, Display(elementType), Display(_declaration!.Owner), hint);
                return null;
            }

            // Walk the dotted path member by member. A nullable receiver gets '!': the user asked for
            // x.A.B, which throws on null exactly like the lambda x => x.A.B would.
            var expression = "{0}";
            var current = elementType;
            for (var i = 0; i < path.Length; i++)
            {
                var members = i == 0 ? memberCandidates : InstanceMembers(current, path[i]);
                if (members.Count != 1)
                {
                    var kind = members.Count == 0 ? DiagnosticDescriptors.UnknownMember : DiagnosticDescriptors.AmbiguousMember;
                    if (members.Count == 0)
                    {
                        Report(kind, location, text, Display(current), Display(_declaration!.Owner), $" ('{path[i]}' is not an accessible member of '{Display(current)}')");
                    }
                    else
                    {
                        Report(kind, location, text, string.Join(" and ", members.Select(static m => m.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat))));
                    }

                    return null;
                }

                var member = members[0];
                if (ForbiddenAsObsolete(member) is { } obsolete)
                {
                    Report(DiagnosticDescriptors.UnknownMember, location, text, Display(elementType), Display(_declaration!.Owner), obsolete);
                    return null;
                }

                if (member is IMethodSymbol elementMethod && ElementCallCalledInstead(elementMethod, current) is { } calledInstead)
                {
                    Report(DiagnosticDescriptors.AmbiguousMember, location, text,
                        $"{elementMethod.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat)}, but a call on the element {calledInstead}; give the methods different names");
                    return null;
                }

                if (_query && member is IPropertySymbol { RefKind: not RefKind.None } or IMethodSymbol { RefKind: not RefKind.None })
                {
                    Report(DiagnosticDescriptors.NotInlinableIntoQuery, location, text, _declaration!.Name,
                        $"'{member.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat)}' returns by reference, which C# cannot put in an expression tree");
                    return null;
                }

                expression = $"{expression}{(MayBeNull(current) ? "!" : "")}.{Identifier(member.Name)}{(member is IMethodSymbol ? "()" : "")}";
                current = member switch
                {
                    IPropertySymbol property => property.Type,
                    IFieldSymbol field => field.Type,
                    IMethodSymbol method => method.ReturnType,
                    _ => current,
                };

                // A step through a member made of pointers (an int*[]'s Length) is read in an unsafe context only; what the
                // last step gives is judged by what reads or keeps it.
                if (isRead && i < path.Length - 1 && PointersRefused(current, stored: false) is { } refused)
                {
                    Report(DiagnosticDescriptors.UnknownMember, location, text, Display(elementType), Display(_declaration!.Owner),
                        $" ('{path[i]}' is '{Display(current)}', {refused})");
                    return null;
                }

                // What an inlined method's body may not hold (FindUntranslatable), a step of a path may not give either.
                if (_query && (current.IsRefLikeType || current.TypeKind == TypeKind.Dynamic))
                {
                    Report(DiagnosticDescriptors.NotInlinableIntoQuery, location, text, _declaration!.Name,
                        $"'{member.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat)}' is {(current.IsRefLikeType ? "a ref struct value" : "dynamic")}, which C# cannot put in an expression tree");
                    return null;
                }
            }

            return Value(expression, current, syntax, text);
        }

        /// <summary>MAGG107's detail for a method marked <c>[UnmanagedCallersOnly]</c>, which C# cannot call (CS8901).</summary>
        private string? OnlyNativeCodeCalls(IMethodSymbol method) =>
            _knownTypes.UnmanagedCallersOnlyAttribute is { } attribute
            && method.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, attribute))
                ? $" ('{method.Name}' is [UnmanagedCallersOnly]: only native code calls it)"
                : null;

        /// <summary>
        /// MAGG107's detail for a member C# forbids reading, <c>[Obsolete(message, error: true)]</c> on it or on a property's
        /// getter: the generated code would fail to compile there (CS0619). Null for any other member (an obsolete warning,
        /// CS0618, the generated file suppresses: the declaration chose the member), and in code that is obsolete itself, where C# allows it: the generated part
        /// shares the declaration's attributes and sits in the same types.
        /// </summary>
        private string? ForbiddenAsObsolete(ISymbol member) =>
            ForbiddenObsoleteError(member) is { } error ? $" ('{member.Name}' is [Obsolete] as an error{error})" : null;

        /// <summary>
        /// The detail of <c>[Obsolete(message, error: true)]</c> on a member the generated code would call or read (or on the
        /// getter that reads a property), where C# forbids that (CS0619): null without one, and in obsolete code, where C#
        /// allows it (an obsolete warning's ID the generated file suppresses). The one rule for MAGG105, MAGG107 and MAGG116's obsolete members, and so the one place that notes the
        /// <c>[Experimental]</c> and <c>[Obsolete]</c> IDs of the members the generated code names (see <see cref="_suppressedIds"/>).
        /// </summary>
        private string? ForbiddenObsoleteError(ISymbol member)
        {
            NoteSuppressed(member);
            return (ObsoleteError(member) ?? (member is IPropertySymbol { GetMethod: { } getter } ? ObsoleteError(getter) : null)) is { } error && !InObsoleteCode()
                ? error
                : null;
        }

        /// <summary>
        /// Why the generated code cannot name <paramref name="type"/>: it is, or is built from (a type argument, an array's
        /// element, a type it is nested in: <c>List&lt;LegacyCode&gt;</c>), a type <c>[Obsolete]</c> as an error (see
        /// <see cref="ForbiddenObsoleteError"/>); null where it can.
        /// </summary>
        private string? ForbiddenObsoleteTypeIn(ITypeSymbol type)
        {
            return Find(type) is ({ } obsolete, var error)
                ? (SymbolEqualityComparer.Default.Equals(obsolete, type) ? "" : $"holds '{Display(obsolete)}', which ") + "is [Obsolete] as an error" + error
                : null;

            (ITypeSymbol? Type, string? Error) Find(ITypeSymbol part) => part switch
            {
                IArrayTypeSymbol array => Find(array.ElementType),
                INamedTypeSymbol named when ForbiddenObsoleteError(named.OriginalDefinition) is { } error => (named, error),
                INamedTypeSymbol named => named.TypeArguments.Select(Find).FirstOrDefault(static found => found.Type is not null) is { Type: not null } inner ? inner
                    : named.ContainingType is { } outer ? Find(outer) : (null, null),
                _ => (null, null),
            };
        }

        /// <summary>The detail of a symbol's <c>[Obsolete(message, error: true)]</c> (<c>": message"</c>, or empty); null without one.</summary>
        private string? ObsoleteError(ISymbol symbol)
        {
            foreach (var attribute in symbol.GetAttributes())
            {
                if (IsObsolete(attribute) && attribute.ConstructorArguments.Length == 2 && attribute.ConstructorArguments[1].Value is true)
                {
                    return attribute.ConstructorArguments[0].Value is string text ? $": {text}" : "";
                }
            }

            return null;
        }

        private bool InObsoleteCode()
        {
            for (ISymbol? symbol = _declaration!.IsType ? _declaration.Owner : _method; symbol is not null; symbol = symbol.ContainingType)
            {
                if (symbol.GetAttributes().Any(IsObsolete))
                {
                    return true;
                }
            }

            return false;
        }

        private bool IsObsolete(AttributeData attribute) => KnownTypes.Is(attribute.AttributeClass, _knownTypes.ObsoleteAttribute);

        /// <summary>What an asynchronous method's task gives (<c>T</c> of <c>Task&lt;T&gt;</c>/<c>ValueTask&lt;T&gt;</c>); null for any other method.</summary>
        private ITypeSymbol? AwaitedResult(IMethodSymbol method) =>
            method.ReturnType is INamedTypeSymbol { TypeArguments.Length: 1 } task && (KnownTypes.Is(task, _knownTypes.TaskOfT) || KnownTypes.Is(task, _knownTypes.ValueTaskOfT))
                ? task.TypeArguments[0]
                : null;

        /// <summary>
        /// An asynchronous <c>Of</c>/<c>Where</c>/key method: awaited per element, one at a time, by an async method; a
        /// <c>CancellationToken</c> parameter of it receives the method's own token.
        /// </summary>
        private ResolvedValue? AwaitSelector(IMethodSymbol method, ITypeSymbol awaited, ITypeSymbol elementType, SyntaxNode? syntax, string text)
        {
            var declaration = _declaration!;
            var location = syntax?.GetLocation();
            var why = declaration.IsType ? $"an accumulator type's Add cannot await it; make '{method.Name}' synchronous"
                : _query ? $"a query cannot await it; give '{method.Name}' a synchronous expression body"
                : !_async ? $"so '{declaration.Name}' must return Task<T> or ValueTask<T> of its results"
                : null;
            if (why is not null)
            {
                Report(DiagnosticDescriptors.AsyncShapeMismatch, location, $"'{text}' is asynchronous ('{Display(method.ReturnType)}'): {why}");
                return null;
            }

            var receiver = method.IsStatic ? Type(method.ContainingType) : "this";
            var arguments = new List<string> { NonNullArgument("{0}", elementType, method.Parameters[0].Type) };
            foreach (var parameter in method.Parameters.Skip(1))
            {
                // A token is written {1}: the method's own one at a time, a window's linked one with ParallelOptions
                // (ValueSpec's placeholders).
                var match = declaration.ExtraParameters.FirstOrDefault(p => p.Name == parameter.Name && p.RefKind != RefKind.Out && IsImplicit(p.Type, parameter.Type));
                if (match is not null)
                {
                    _passedParameters.Add(match.Name);
                }

                arguments.Add(KnownTypes.Is(parameter.Type, _knownTypes.CancellationToken) ? "{1}" : NonNullArgument(Identifier(match!.Name), match.Type, parameter.Type));
            }

            // The local holds what the task gave: FetchSizeAsync's is fetchSize.
            var named = text.Length > "Async".Length && text.EndsWith("Async", System.StringComparison.Ordinal) ? text.Substring(0, text.Length - "Async".Length) : text;
            return Value($"(await {receiver}.{Identifier(method.Name)}({string.Join(", ", arguments)}){ValueSpec.AwaitTail})", awaited, syntax, named);
        }

        /// <summary>
        /// What the generated call, which passes the element and the parameters named like the method's by name, does
        /// instead of calling <paramref name="method"/> (see <see cref="OtherThan(SymbolInfo, System.Func{IMethodSymbol, bool})"/>): an overload the candidates leave out
        /// (a generic one, one by reference, one with other or optional parameters) may be a better match. Only a name with
        /// overloads is bound again.
        /// </summary>
        private string? OverloadCalledInstead(IMethodSymbol method, ITypeSymbol elementType)
        {
            var declaration = _declaration!;
            if (LookUp(declaration.Owner, method.Name).Count(static s => s is IMethodSymbol) < 2)
            {
                return null;
            }

            var arguments = new[] { elementType }.Concat(method.Parameters.Skip(1).Select(p =>
                declaration.ExtraParameters.FirstOrDefault(e => e.Name == p.Name && e.RefKind != RefKind.Out && IsImplicit(e.Type, p.Type))?.Type ?? p.Type));
            var receiver = method.IsStatic ? Type(method.ContainingType) : $"default({Type(declaration.Owner)})";
            return OtherThan(BindCall(receiver, method.Name, arguments), method);
        }

        /// <summary>
        /// What the generated <c>x.Name()</c> does instead of calling <paramref name="method"/>, a parameterless method of the
        /// element (see <see cref="OtherThan(SymbolInfo, System.Func{IMethodSymbol, bool})"/>): C# hides it behind a derived type's method of that name that takes optional
        /// parameters, or a static one, which the element's candidates leave out (and a lookup does not list). Only a name
        /// the element's class or its bases declare another method of is bound again.
        /// </summary>
        private string? ElementCallCalledInstead(IMethodSymbol method, ITypeSymbol element)
        {
            var methods = 0;
            for (var type = element as INamedTypeSymbol ?? element.BaseType; type is not null && methods < 2; type = type.BaseType)
            {
                methods += type.GetMembers(method.Name).Count(static m => m is IMethodSymbol);
            }

            return methods < 2
                ? null
                : OtherThan(BindCall($"default({Type(element)})", method.Name, []), method);
        }

        /// <summary>
        /// <c>receiver.name(...)</c> with arguments of <paramref name="arguments"/>' types, bound where the declaration is,
        /// as the generated code's call is. Each argument is an empty array's element: a value of its type that is not a
        /// constant, as the generated code's are not (<c>default(int)</c> would convert to a <c>short</c> parameter).
        /// </summary>
        private SymbolInfo BindCall(string receiver, string name, IEnumerable<ITypeSymbol> arguments)
        {
            var call = SyntaxFactory.ParseExpression($"{receiver}.{Identifier(name)}({string.Join(", ", arguments.Select(ElementOfAnEmptyArray))})");
            return _semanticModel.GetSpeculativeSymbolInfo(_declaration!.Position, call, SpeculativeBindingOption.BindAsExpression);

            // An array of arrays is created with the length first and the element's ranks after it: new decimal[0][,],
            // an empty array of decimal[,] (new decimal[,][0] would be another type).
            string ElementOfAnEmptyArray(ITypeSymbol type)
            {
                var ranks = "";
                for (; type is IArrayTypeSymbol array; type = array.ElementType)
                {
                    ranks += "[" + new string(',', array.Rank - 1) + "]";
                }

                return $"(new {Type(type)}[0]{ranks})[0]";
            }
        }

        /// <summary>
        /// What a bound call does instead of calling a method <paramref name="meant"/> accepts: "calls" another, or "is
        /// ambiguous among" several; null where it calls one it accepts, or binds late (a <c>dynamic</c> argument).
        /// </summary>
        /// <summary><see cref="OtherThan(SymbolInfo, System.Func{IMethodSymbol, bool})"/> of a call meant for <paramref name="meant"/> itself.</summary>
        private static string? OtherThan(SymbolInfo bound, IMethodSymbol meant) =>
            OtherThan(bound, called => SymbolEqualityComparer.Default.Equals(called.OriginalDefinition, meant.OriginalDefinition));

        private static string? OtherThan(SymbolInfo bound, System.Func<IMethodSymbol, bool> meant)
        {
            if (bound.Symbol is IMethodSymbol called)
            {
                return meant(called) ? null : "calls " + Short(called);
            }

            // A call that finds only another method, which it cannot call (a derived type's static one that hides the one
            // meant, called on an instance: CS0176), fails.
            if (bound.CandidateSymbols.Length == 1 && bound.CandidateSymbols[0] is IMethodSymbol found && !meant(found))
            {
                return $"finds only {Short(found)}, which it cannot call";
            }

            // Where the method meant is applicable, a call that binds to none is one C# cannot choose for (CS0121, which the
            // semantic model reports as an overload resolution failure among the tied candidates).
            return bound.CandidateReason is CandidateReason.Ambiguous or CandidateReason.OverloadResolutionFailure && bound.CandidateSymbols.Length > 1
                ? "is ambiguous among " + string.Join(", ", bound.CandidateSymbols.Select(Short))
                : null;

            static string Short(ISymbol symbol) => symbol.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat);
        }

        /// <summary>A static abstract or virtual member of an interface: callable only through a type parameter (CS8926).</summary>
        private static bool IsStaticAbstractOrVirtual(ISymbol member) =>
            member is { IsStatic: true, ContainingType.TypeKind: TypeKind.Interface } && (member.IsAbstract || member.IsVirtual);

        private string ContainingTypeMethodHint(string name)
        {
            var declaration = _declaration!;
            var sameName = LookUp(declaration.Owner, name).OfType<IMethodSymbol>().ToList();
            return sameName.Count == 0 ? ""
                : sameName.All(IsStaticAbstractOrVirtual) ? $" ('{Display(declaration.Owner)}.{name}' is a static abstract or virtual interface member, which only a type parameter can call)"
                : declaration.IsType ? $" ('{Display(declaration.Owner)}.{name}' must be static and take the element, by value or 'in', as its only parameter)"
                : $" ('{Display(declaration.Owner)}.{name}' must take the element as its first parameter, further parameters named like the parameters of '{declaration.Name}' (each by value or 'in'), and be static unless '{declaration.Name}' is an instance method)";
        }

        /// <summary>
        /// What <paramref name="name"/> finds in <paramref name="container"/> seen from the declaration, as Roslyn's
        /// <c>LookupSymbols</c> does; the same for every method of the declaring type, so looked up once per compilation.
        /// </summary>
        private ImmutableArray<ISymbol> LookUp(INamespaceOrTypeSymbol container, string name)
        {
            var position = _declaration!.Position;
            if (!_lookupOriginKnown)
            {
                // The declaring type, unless the position falls outside its body (an accumulator type written with an
                // empty '{}' or a ';' body): what the lookup sees depends on the type Roslyn finds around the position.
                _lookupOrigin = _semanticModel.GetEnclosingSymbol(position, _cancellationToken) switch
                {
                    INamedTypeSymbol type => type,
                    var symbol => symbol?.ContainingType,
                };
                _lookupOriginKnown = true;
            }

            return _memo.LookUp(_semanticModel, position, _lookupOrigin, container, name);
        }

        /// <summary>
        /// The required members that <c>new T(...)</c> through <paramref name="constructor"/> (a struct's implicit
        /// <c>new T()</c> when null) leaves unset, named for a diagnostic: the generated code sets none (CS9035). Null when
        /// there are none, or the constructor is <c>[SetsRequiredMembers]</c>.
        /// </summary>
        private static string? RequiredMembersLeftBy(INamedTypeSymbol type, IMethodSymbol? constructor)
        {
            // By name, as the compiler knows it: a polyfill of the attribute (PolySharp's) counts, one copy or several.
            if (constructor?.GetAttributes().Any(static a => a.AttributeClass is { Name: "SetsRequiredMembersAttribute", ContainingNamespace: { Name: "CodeAnalysis", ContainingNamespace: { Name: "Diagnostics", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } } }) == true)
            {
                return null;
            }

            var required = new List<string>();
            for (INamedTypeSymbol? t = type; t is not null; t = t.BaseType)
            {
                required.AddRange(t.GetMembers()
                    .Where(static m => m is IPropertySymbol { IsRequired: true } or IFieldSymbol { IsRequired: true })
                    .Select(static m => m.Name));
            }

            return required.Count == 0 ? null : string.Join(", ", required.Distinct());
        }

        /// <summary>Properties, fields and parameterless non-void methods of an element, as the lambda <c>x => x.Name</c> would see them.</summary>
        private List<ISymbol> InstanceMembers(ITypeSymbol type, string name)
        {
            var owner = _declaration!.Owner;
            var found = LookUp(type, name)
                .Where(static s => !s.IsStatic && s switch
                {
                    IPropertySymbol p => !p.IsIndexer && p.GetMethod is not null,
                    IFieldSymbol => true,
                    IMethodSymbol m => m.MethodKind == MethodKind.Ordinary && m.Parameters.Length == 0 && !m.ReturnsVoid && m.TypeParameters.Length == 0,
                    _ => false,
                })
                // Through the element, as `x.Name` reads it: a protected getter is not readable through an element of
                // another type, the containing type's base though it be.
                .Where(s => s is not IPropertySymbol { GetMethod: { } getter } || _compilation.IsSymbolAccessibleWithin(getter, owner, throughType: type))
                .ToList();

            // C# reads 'x.Name' as the lambda would: an override and the member it overrides are one member, a member
            // of a derived type hides one of its bases ('new', or a parameterless method of the same signature), and a
            // class constraint's member hides an interface constraint's. Two members that only share a name, such as
            // IA.X and IB.X seen through an interface deriving from both, are two: C# calls 'x.X' ambiguous.
            return found.Count < 2 ? found : found.Where(s => !found.Any(other => Hides(other, s))).ToList();
        }

        /// <summary>
        /// Whether <paramref name="member"/> hides <paramref name="hidden"/> from 'x.Name': it is declared in a type derived
        /// from <paramref name="hidden"/>'s (an override, a 'new' member, a method of the same signature), or in a class
        /// where <paramref name="hidden"/> is an interface's (a type parameter's class and interface constraints).
        /// </summary>
        private static bool Hides(ISymbol member, ISymbol hidden) =>
            !SymbolEqualityComparer.Default.Equals(member, hidden)
            && (DerivesFrom(member.ContainingType, hidden.ContainingType)
                || (member.ContainingType.TypeKind != TypeKind.Interface && hidden.ContainingType.TypeKind == TypeKind.Interface));

        private static bool DerivesFrom(ITypeSymbol type, INamedTypeSymbol from)
        {
            for (var current = type.BaseType; current is not null; current = current.BaseType)
            {
                if (SymbolEqualityComparer.Default.Equals(current.OriginalDefinition, from.OriginalDefinition))
                {
                    return true;
                }
            }

            return type.AllInterfaces.Any(i => SymbolEqualityComparer.Default.Equals(i.OriginalDefinition, from.OriginalDefinition));
        }

        private List<IMethodSymbol> ContainingTypeMethods(string name, ITypeSymbol elementType)
        {
            var declaration = _declaration!;
            var extraParameters = declaration.ExtraParameters;
            var methods = LookUp(declaration.Owner, name)
                .OfType<IMethodSymbol>()
                .Where(m => m.MethodKind == MethodKind.Ordinary
                    && (m.IsStatic || (declaration.InstanceAccess && (!declaration.ReadOnlyAccess || m.IsReadOnly)))
                    && !IsStaticAbstractOrVirtual(m)
                    && m.TypeParameters.Length == 0
                    && !m.ReturnsVoid
                    && m.Parameters.Length >= 1
                    && m.Parameters.All(static p => p.RefKind is RefKind.None or RefKind.In)   // `in` takes what a value does
                    && IsImplicit(elementType, m.Parameters[0].Type)
                    && m.Parameters.Skip(1).All(p => extraParameters.Any(e => e.Name == p.Name && e.RefKind != RefKind.Out && IsImplicit(e.Type, p.Type))
                        || (AwaitedResult(m) is not null && KnownTypes.Is(p.Type, _knownTypes.CancellationToken))))
                .ToList();

            // `Area(in Box box)` beside `Area(Box box)`: a call without `in` binds the by-value one, as the generated call does.
            methods.RemoveAll(m => m.Parameters.Any(static p => p.RefKind == RefKind.In) && methods.Any(byValue => !SymbolEqualityComparer.Default.Equals(byValue, m)
                && byValue.Parameters.Length == m.Parameters.Length
                && byValue.Parameters.All(p => p.RefKind == RefKind.None && SymbolEqualityComparer.Default.Equals(p.Type, m.Parameters[p.Ordinal].Type))));
            return methods;
        }

        private bool IsImplicit(ITypeSymbol from, ITypeSymbol to)
        {
            var conversion = _compilation.ClassifyConversion(from, to);
            return conversion.IsImplicit && !conversion.IsUserDefined;
        }

        private static string NonNullArgument(string expression, ITypeSymbol argumentType, ITypeSymbol parameterType) =>
            MayBeNull(argumentType) && parameterType.NullableAnnotation == NullableAnnotation.NotAnnotated && !parameterType.IsValueType
                ? expression + "!"
                : expression;

        private static bool MayBeNull(ITypeSymbol type) =>
            !type.IsValueType && type.NullableAnnotation == NullableAnnotation.Annotated;
    }
}
