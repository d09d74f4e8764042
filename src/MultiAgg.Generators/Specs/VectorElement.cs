namespace MultiAgg.Generators.Specs;

/// <summary>A primitive element type the loop can read whole <c>Vector&lt;T&gt;</c>s of.</summary>
internal enum VectorElement
{
    SByte,
    Byte,
    Int16,
    UInt16,
    Int32,
    UInt32,
    Int64,
    UInt64,
    Single,
    Double,
}
