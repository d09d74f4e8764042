using System;
using System.Runtime.CompilerServices;

namespace MultiAgg.Accumulators;

/// <summary>
/// The exact sum of signed integers: a wrapping 64-bit running sum plus the number of times it
/// wrapped. The true total is <c>sum + wraps * 2^64</c>, so the sum overflows only if the total
/// really does not fit, never because some running prefix did (LINQ throws on prefixes).
/// </summary>
/// <remarks>Generated code uses this for integral <c>Sum</c> and <c>Average</c>; it is public so user code can too.</remarks>
public struct ExactInt64Sum
{
    private long _sum;
    private long _wraps;

    /// <summary>Adds a value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(long value)
    {
        long next = unchecked(_sum + value);

        // Signed overflow happened iff both operands have the sign the result lacks; it wrapped
        // upwards (+2^64) for a positive value and downwards for a negative one. A branch, not
        // arithmetic on every add: it is (almost) never taken, and never for values of 32 bits or
        // fewer before 2^32 additions, so the hot loop pays one test of a sign.
        if (((_sum ^ next) & (value ^ next)) < 0)
        {
            _wraps += value < 0 ? -1 : 1;
        }

        _sum = next;
    }

    /// <summary>Adds the values <paramref name="other"/> read, exactly: as if this sum had read them after its own.</summary>
    public void Merge(ExactInt64Sum other)
    {
        long next = unchecked(_sum + other._sum);
        if (((_sum ^ next) & (other._sum ^ next)) < 0)
        {
            _wraps += other._sum < 0 ? -1 : 1;
        }

        _sum = next;
        _wraps += other._wraps;
    }

    /// <summary>Whether the exact total fits in a <see cref="long"/>.</summary>
    public readonly bool FitsInt64 => _wraps == 0;

    /// <summary>The exact total.</summary>
    /// <exception cref="OverflowException">The total does not fit in a <see cref="long"/>.</exception>
    public readonly long Total => _wraps == 0 ? _sum : throw new OverflowException();
}

/// <summary>
/// The exact sum of unsigned integers: a wrapping 64-bit running sum plus the number of wraps.
/// </summary>
/// <remarks>Generated code uses this for integral <c>Sum</c> and <c>Average</c>; it is public so user code can too.</remarks>
public struct ExactUInt64Sum
{
    private ulong _sum;
    private ulong _wraps;

    /// <summary>Adds a value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(ulong value)
    {
        ulong next = unchecked(_sum + value);
        if (next < _sum)
        {
            _wraps++;
        }

        _sum = next;
    }

    /// <summary>Adds the values <paramref name="other"/> read, exactly: as if this sum had read them after its own.</summary>
    public void Merge(ExactUInt64Sum other)
    {
        ulong next = unchecked(_sum + other._sum);
        if (next < _sum)
        {
            _wraps++;
        }

        _sum = next;
        _wraps += other._wraps;
    }

    /// <summary>Whether the exact total fits in a <see cref="ulong"/>.</summary>
    public readonly bool FitsUInt64 => _wraps == 0;

    /// <summary>The exact total.</summary>
    /// <exception cref="OverflowException">The total does not fit in a <see cref="ulong"/>.</exception>
    public readonly ulong Total => _wraps == 0 ? _sum : throw new OverflowException();
}
