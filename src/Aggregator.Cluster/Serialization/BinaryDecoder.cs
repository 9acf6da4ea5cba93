using System.Buffers.Binary;
using System.Runtime.Serialization;
using System.Text;

namespace Aggregator.Cluster.Serialization;

/// <summary>Reads what <see cref="BinaryEncoder"/> wrote; a truncated or malformed payload throws <see cref="SerializationException"/>.</summary>
internal ref struct BinaryDecoder
{
    private readonly ReadOnlySpan<byte> _bytes;
    private int _position;

    public BinaryDecoder(ReadOnlySpan<byte> bytes)
    {
        _bytes = bytes;
        _position = 0;
    }

    public readonly bool AtEnd => _position == _bytes.Length;

    /// <summary>How many bytes have been read.</summary>
    public readonly int Position => _position;

    public byte ReadByte()
    {
        Need(1);
        return _bytes[_position++];
    }

    public ulong ReadVarint()
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = ReadByte();
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return result;
            }
        }

        throw new SerializationException("Malformed varint in an Aggregator message.");
    }

    public int ReadCount(int max)
    {
        var value = ReadVarint();
        return value <= (ulong)max ? (int)value : throw new SerializationException($"A count of {value} exceeds {max} in an Aggregator message.");
    }

    public long ReadSigned()
    {
        var raw = ReadVarint();
        return (long)(raw >> 1) ^ -(long)(raw & 1);
    }

    public double ReadDouble()
    {
        Need(8);
        var value = BinaryPrimitives.ReadDoubleLittleEndian(_bytes.Slice(_position, 8));
        _position += 8;
        return value;
    }

    public string ReadString()
    {
        // The length is checked against what remains after its own varint.
        var length = ReadCount(int.MaxValue);
        Need(length);
        var value = Encoding.UTF8.GetString(_bytes.Slice(_position, length));
        _position += length;
        return value;
    }

    private readonly void Need(int count)
    {
        if (count > _bytes.Length - _position)
        {
            throw new SerializationException("An Aggregator message ended early.");
        }
    }
}
