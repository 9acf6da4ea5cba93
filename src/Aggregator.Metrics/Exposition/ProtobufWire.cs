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

    /// <summary>Writes a double little-endian, as fixed64 fields carry it.</summary>
    /// <returns>The bytes written (8).</returns>
    public static int WriteDouble(Span<byte> destination, double value)
    {
        BinaryPrimitives.WriteDoubleLittleEndian(destination, value);
        return sizeof(double);
    }

    /// <summary>Writes a varint through <paramref name="writer"/>.</summary>
    public static void Varint(ref Utf8Writer writer, ulong value) =>
        writer.Wrote(WriteVarint(writer.Room(MaxVarintLength), value));

    /// <summary>Writes a key and a varint value.</summary>
    public static void VarintField(ref Utf8Writer writer, int field, ulong value)
    {
        var room = writer.Room(2 * MaxVarintLength);
        var n = WriteVarint(room, Tag(field, VarintWire));
        writer.Wrote(n + WriteVarint(room[n..], value));
    }

    /// <summary>Writes a key and a double.</summary>
    public static void DoubleField(ref Utf8Writer writer, int field, double value)
    {
        var room = writer.Room(MaxVarintLength + sizeof(double));
        var n = WriteVarint(room, Tag(field, Fixed64Wire));
        writer.Wrote(n + WriteDouble(room[n..], value));
    }

    /// <summary>Writes the key and length of a length-delimited field whose content follows.</summary>
    public static void DelimitedHeader(ref Utf8Writer writer, int field, int length)
    {
        var room = writer.Room(2 * MaxVarintLength);
        var n = WriteVarint(room, Tag(field, DelimitedWire));
        writer.Wrote(n + WriteVarint(room[n..], (ulong)length));
    }

    /// <summary>Writes a string field whose UTF-8 length is already known.</summary>
    public static void StringField(ref Utf8Writer writer, int field, string value, int utf8Length)
    {
        DelimitedHeader(ref writer, field, utf8Length);
        writer.WriteUtf8Text(value);
    }

    /// <summary>The content size of a <c>google.protobuf.Timestamp</c> for an epoch-second time.</summary>
    public static int TimestampSize(double epochSeconds)
    {
        var (seconds, nanos) = SplitSeconds(epochSeconds);
        return (seconds != 0 ? 1 + VarintSize((ulong)seconds) : 0) + (nanos != 0 ? 1 + VarintSize((ulong)nanos) : 0);
    }

    /// <summary>Writes a <c>google.protobuf.Timestamp</c> field for an epoch-second time.</summary>
    public static void TimestampField(ref Utf8Writer writer, int field, double epochSeconds)
    {
        var (seconds, nanos) = SplitSeconds(epochSeconds);
        DelimitedHeader(ref writer, field, TimestampSize(epochSeconds));
        if (seconds != 0)
        {
            VarintField(ref writer, 1, (ulong)seconds);
        }

        if (nanos != 0)
        {
            VarintField(ref writer, 2, (ulong)nanos);
        }
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
