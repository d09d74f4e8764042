namespace MultiAgg.Generators.Specs;

/// <summary>
/// [GroupBy]: the loop keeps one record of accumulators per key, in first-seen order, and returns a
/// <paramref name="DictionaryType"/> from each key to its results.
/// </summary>
/// <param name="KeyExpression">Reads the key from the element, written as <c>{0}</c>.</param>
/// <param name="KeyType">The key as the loop holds it, null included (<c>string?</c>, <c>int?</c>, <c>int</c>).</param>
/// <param name="LookupKeyType">The key once known not to be null: what the lookup dictionary is keyed by.</param>
/// <param name="KeyNulls">Whether a key can be null; a null key gets its own record, since a <c>Dictionary</c> cannot hold it.</param>
/// <param name="DictionaryType">The dictionary the method builds and returns (<c>Dictionary&lt;TKey, TResult&gt;</c>).</param>
/// <param name="ComparerName">The <c>IEqualityComparer&lt;TKey&gt;</c> parameter, if the method has one.</param>
/// <param name="RecordType">The generated struct holding one key's accumulators; generic over the method's type parameters, with their constraints.</param>
/// <param name="KeyTypeIsNullable">
/// The declared key type does not satisfy <c>Dictionary</c>'s <c>notnull</c> constraint (<c>int?</c>, <c>string?</c>,
/// an unconstrained type parameter): the dictionaries are still right, since a null key never reaches the lookup and
/// throws on <c>Add</c> as in <c>ToDictionary</c>, but they are declared with CS8714 suppressed.
/// </param>
/// <param name="LookupKeyTypeIsNullable">
/// The key type known not to be null still does not satisfy <c>notnull</c> (an unconstrained type parameter): the
/// lookup by <c>CollectionsMarshal.GetValueRefOrAddDefault</c>, which infers it, is written with CS8714 suppressed.
/// </param>
/// <param name="FindsByRef">
/// Whether the record is found with one lookup by <c>CollectionsMarshal.GetValueRefOrAddDefault</c>: .NET 6+, not in
/// async methods, and not in an accumulator type with a custom accumulator, whose records open with user code that may
/// throw and leave the key in the index (the other lookup adds it once its record is open).
/// </param>
/// <param name="KeyMember">
/// The record's (and a query row's) member holding the key: <c>Key</c>, unless the method has a type parameter of that
/// name, which the record, generic over them, could not hold a member of (CS0102).
/// </param>
internal sealed record GroupingSpec(
    string KeyExpression,
    string KeyType,
    string LookupKeyType,
    NullKind KeyNulls,
    string DictionaryType,
    string? ComparerName,
    string RecordType,
    bool KeyTypeIsNullable,
    bool LookupKeyTypeIsNullable,
    bool FindsByRef,
    string KeyMember);
