namespace MultiAgg.Generators.Specs;

/// <summary>
/// The <c>PrintMembers</c> MultiAgg writes for a record accumulator, whose <c>ToString()</c> the compiler would otherwise
/// write to read <c>Result</c>, which throws for an empty state whose results cannot be empty (the debugger, a log line).
/// It prints what the compiler's would, in its order and format, with the result shown safely.
/// </summary>
/// <param name="Modifiers">What C# requires of a record's own <c>PrintMembers</c>: <c>private</c> in a record struct or a sealed
/// record, <c>protected override</c> where the record derives from another, <c>protected virtual</c> otherwise.</param>
/// <param name="PrintsBase">Whether the record derives from another record, whose members print first.</param>
/// <param name="Members">The record's own printable members (public instance fields and readable properties), in the
/// compiler's order; MultiAgg's <c>Result</c> and <c>IsComplete</c> follow them.</param>
/// <param name="ReadsOnly">Whether reading those members leaves a struct as it is (fields, <c>readonly</c> getters), so
/// <c>PrintMembers</c> can be <c>readonly</c> without the compiler warning of a defensive copy.</param>
internal sealed record PrintMembersSpec(string Modifiers, bool PrintsBase, EquatableArray<PrintedMember> Members, bool ReadsOnly);

/// <summary>
/// One member a record's <c>ToString()</c> prints: a value type's through its own <c>ToString()</c>, as the compiler does
/// (a ref struct property cannot be boxed), anything else as an object.
/// </summary>
internal readonly record struct PrintedMember(string Name, bool IsValueType);
