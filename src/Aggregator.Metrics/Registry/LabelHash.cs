using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Aggregator.Metrics;

/// <summary>
/// The hash of label values that a family's series table is keyed by. Cheaper than <see cref="string.GetHashCode()"/>
/// (Marvin) on the short strings label values are, and seeded per process as Marvin is, so that values chosen to
/// collide cannot be worked out ahead of a run; a collision costs time, never correctness (the table compares values).
/// </summary>
internal static class LabelHash
{
    private const ulong Multiplier = 0x9E3779B97F4A7C15;

    private static readonly ulong Seed = unchecked((ulong)Random.Shared.NextInt64());

    /// <summary>The hash of a list of values; <see cref="Of(string, string)"/> gives the same for two.</summary>
    public static int Of(ReadOnlySpan<string> values)
    {
        var hash = values.Length;
        foreach (var value in values)
        {
            hash = Combine(hash, Of(value));
        }

        return hash;
    }

    /// <summary>The hash of two values, equal to <see cref="Of(ReadOnlySpan{string})"/> of the pair.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Of(string first, string second) => Combine(Combine(2, Of(first)), Of(second));

    /// <summary>The hash of one value; 0 for null (which the family then rejects).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Of(string? value)
    {
        if (value is null)
        {
            return 0;
        }

        ref var bytes = ref Unsafe.As<char, byte>(ref MemoryMarshal.GetReference(value.AsSpan()));
        var length = (nuint)value.Length * 2;
        var hash = Seed ^ length;
        nuint offset = 0;
        for (; offset + 8 <= length; offset += 8)
        {
            hash = Mix(hash ^ Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref bytes, offset)));
        }

        // The last 0 to 3 characters, read without running past the string (the length is already in the seed).
        var rest = length - offset;
        ulong tail = 0;
        if (rest >= 4)
        {
            tail = Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref bytes, offset));
            if (rest == 6)
            {
                tail |= (ulong)Unsafe.ReadUnaligned<ushort>(ref Unsafe.Add(ref bytes, offset + 4)) << 32;
            }
        }
        else if (rest == 2)
        {
            tail = Unsafe.ReadUnaligned<ushort>(ref Unsafe.Add(ref bytes, offset));
        }

        // The high half of a product depends on every bit of its input; the low half only on the low bits.
        return (int)((Mix(hash ^ tail) * Multiplier) >> 32);
    }

    private static int Combine(int hash, int value) => unchecked((hash * -1521134295) + value);

    // The multiply carries low bits up; the shift brings high bits back down, so the next block's bits meet all of them.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Mix(ulong value)
    {
        value *= Multiplier;
        return value ^ (value >> 29);
    }
}
