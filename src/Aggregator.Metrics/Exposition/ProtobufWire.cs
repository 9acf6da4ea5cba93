using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace Aggregator.Metrics.Exposition;

/// <summary>
/// The protobuf wire format's primitives, written in place and sized before they are written: the protobuf writer
/// must know every message's length before its first byte, so each primitive comes with its size.
/// </summary>
internal static class ProtobufWire
{
    /// <summary>Wire type of varints (and zigzag varints).</summary>
    public const int VarintWire = 0;

    /// <summary>Wire type of doubles.</summary>
    public const int Fixed64Wire = 1;

    /// <summary>Wire type of strings, messages and packed repeated scalars.</summary>
    public const int DelimitedWire = 2;

    /// <summary>The most bytes a varint takes (a negative int64 takes all ten).</summary>
    public const int MaxVarintLength = 10;

    /// <summary>The key of a field: its number and wire type, as one varint.</summary>
    public static uint Tag(int field, int wireType) => (uint)((field << 3) | wireType);

    /// <summary>The bytes a varint of <paramref name="value"/> takes.</summary>
    public static int VarintSize(ulong value) => (BitOperations.Log2(value | 1) / 7) + 1;

    /// <summary>The bytes a length-delimited field of <paramref name="length"/> content bytes takes, key included (keys of fields 1 to 15 are one byte).</summary>
    public static int DelimitedSize(int length) => 1 + VarintSize((ulong)length) + length;

    /// <summary>The UTF-8 length of <paramref name="text"/>, lone surrogates counted as the U+FFFD they are written as.</summary>
    public static int Utf8Length(string text) => Encoding.UTF8.GetByteCount(text);

    /// <summary>A signed value zigzag-encoded, as sint32 and sint64 fields carry it.</summary>
    public static ulong ZigZag(long value) => (ulong)((value << 1) ^ (value >> 63));

    /// <summary>Writes a varint at the start of <paramref name="destination"/>.</summary>
    /// <returns>The bytes written.</returns>
    public static int WriteVarint(Span<byte> destination, ulong value)
    {
        var i = 0;
        while (value >= 0x80)
        {
            destination[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[i++] = (byte)value;
        return i;
    }

    /// <summary>Puts a varint at <paramref name="position"/> and moves past it.</summary>
    public static void PutVarint(Span<byte> destination, ref int position, ulong value) =>
        position += WriteVarint(destination[position..], value);

    /// <summary>Puts a one-byte key (fields 1 to 15) and a varint value.</summary>
    public static void PutVarintField(Span<byte> destination, ref int position, int field, ulong value)
    {
        destination[position++] = (byte)Tag(field, VarintWire);
        position += WriteVarint(destination[position..], value);
    }

    /// <summary>Puts a one-byte key (fields 1 to 15) and a double.</summary>
    public static void PutDoubleField(Span<byte> destination, ref int position, int field, double value)
    {
        destination[position++] = (byte)Tag(field, Fixed64Wire);
        BinaryPrimitives.WriteDoubleLittleEndian(destination[position..], value);
        position += sizeof(double);
    }

    /// <summary>Puts the one-byte key (fields 1 to 15) and the length of a length-delimited field whose content follows.</summary>
    public static void PutDelimitedHeader(Span<byte> destination, ref int position, int field, int length)
    {
        destination[position++] = (byte)Tag(field, DelimitedWire);
        position += WriteVarint(destination[position..], (ulong)length);
    }

    /// <summary>Puts a string field (fields 1 to 15) whose UTF-8 length is already known.</summary>
    public static void PutStringField(Span<byte> destination, ref int position, int field, string value, int utf8Length)
    {
        PutDelimitedHeader(destination, ref position, field, utf8Length);
        position += Encoding.UTF8.GetBytes(value, destination[position..]);
    }

    /// <summary>Puts bytes already encoded.</summary>
    public static void PutBytes(Span<byte> destination, ref int position, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(destination[position..]);
        position += bytes.Length;
    }

    /// <summary>Puts a <c>google.protobuf.Timestamp</c> field (fields 1 to 15) for an epoch-second time.</summary>
    public static void PutTimestampField(Span<byte> destination, ref int position, int field, double epochSeconds)
    {
        var (seconds, nanos) = SplitSeconds(epochSeconds);
        PutDelimitedHeader(destination, ref position, field, TimestampSize(epochSeconds));
        if (seconds != 0)
        {
            PutVarintField(destination, ref position, 1, (ulong)seconds);
        }

        if (nanos != 0)
        {
            PutVarintField(destination, ref position, 2, (ulong)nanos);
        }
    }

    /// <summary>The content size of a <c>google.protobuf.Timestamp</c> for an epoch-second time.</summary>
    public static int TimestampSize(double epochSeconds)
    {
        var (seconds, nanos) = SplitSeconds(epochSeconds);
        return (seconds != 0 ? 1 + VarintSize((ulong)seconds) : 0) + (nanos != 0 ? 1 + VarintSize((ulong)nanos) : 0);
    }

    /// <summary>Whole seconds and the nanoseconds after them (never negative, as Timestamp requires), rounded to the microsecond a double holds.</summary>
    private static (long Seconds, int Nanos) SplitSeconds(double epochSeconds)
    {
        var seconds = (long)Math.Floor(epochSeconds);
        var nanos = (int)(Math.Round((epochSeconds - seconds) * 1e6) * 1e3);
        if (nanos >= 1_000_000_000)
        {
            seconds++;
            nanos -= 1_000_000_000;
        }

        return (seconds, nanos);
    }
}
