using System.Buffers.Binary;
using System.Text;

namespace Aggregator.Cluster.Serialization;

/// <summary>Appends varints, raw doubles and bytes to a growing buffer.</summary>
internal sealed class BinaryEncoder
{
    private byte[] _buffer;

    public BinaryEncoder(int capacity) => _buffer = new byte[Math.Max(capacity, 64)];

    public int Length { get; private set; }

    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, Length);

    public void WriteByte(byte value)
    {
        Ensure(1);
        _buffer[Length++] = value;
    }

    public void WriteVarint(ulong value)
    {
        Ensure(10);
        while (value >= 0x80)
        {
            _buffer[Length++] = (byte)(value | 0x80);
            value >>= 7;
        }

        _buffer[Length++] = (byte)value;
    }

    public void WriteVarint(int value) => WriteVarint((ulong)(uint)value);

    /// <summary>Zigzag: small negative and positive numbers both take few bytes.</summary>
    public void WriteSigned(long value) => WriteVarint((ulong)((value << 1) ^ (value >> 63)));

    public void WriteDouble(double value)
    {
        Ensure(8);
        BinaryPrimitives.WriteDoubleLittleEndian(_buffer.AsSpan(Length), value);
        Length += 8;
    }

    public void WriteString(string value)
    {
        var count = Encoding.UTF8.GetByteCount(value);
        WriteVarint(count);
        Ensure(count);
        Length += Encoding.UTF8.GetBytes(value, _buffer.AsSpan(Length));
    }

    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(Length));
        Length += bytes.Length;
    }

    public byte[] ToArray() => Written.ToArray();

    private void Ensure(int more)
    {
        if (Length + more > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, Length + more));
        }
    }
}
