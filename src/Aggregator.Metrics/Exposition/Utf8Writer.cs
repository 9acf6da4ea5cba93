using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;

namespace Aggregator.Metrics.Exposition;

/// <summary>
/// Writes UTF-8 into an <see cref="IBufferWriter{T}"/> through one span at a time, advancing the writer only when the
/// span is full or on <see cref="Flush"/>, so that small writes cost no interface call.
/// </summary>
internal ref struct Utf8Writer
{
    // Large enough for any number and most lines; a longer piece asks for a span of its own size.
    private const int ChunkSize = 16 * 1024;

    // Below this, .NET writes whole doubles without an exponent, exactly as a long is written.
    private const double MaxPlainInteger = 1e15;

    // The longest a double or long is written: "-1.2345678901234567e-308" is 24 bytes; 32 leaves room.
    private const int MaxNumberLength = 32;

    // Room kept after a labelled sample name for its value, timestamp and newline, so that they need no reservation.
    private const int ValueRoom = 2 * MaxNumberLength + 2;

    private static readonly SearchValues<char> NeedsEscape = SearchValues.Create("\\\"\n");
    private static readonly SearchValues<char> NeedsHelpEscape = SearchValues.Create("\\\n");

    // "00", "01", … "99": integers are written two digits at a time.
    private static readonly byte[] DigitPairs = CreateDigitPairs();

    private static readonly ulong[] PowersOf10 = CreatePowersOf10();

    private readonly IBufferWriter<byte> _output;
    private Span<byte> _span;
    private int _position;
    private long _flushed;

    public Utf8Writer(IBufferWriter<byte> output)
    {
        _output = output;
        _span = output.GetSpan(ChunkSize);
        _position = 0;
    }

    /// <summary>Bytes written since creation, flushed or not.</summary>
    public readonly long BytesWritten => _flushed + _position;

    public void Write(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > _span.Length - _position)
        {
            Reserve(bytes.Length);
        }

        bytes.CopyTo(_span[_position..]);
        Advance(bytes.Length);
    }

    public void Write(byte b)
    {
        if (_position == _span.Length)
        {
            Reserve(1);
        }

        _span[_position] = b;
        Advance(1);
    }

    /// <summary>
    /// A span of at least <paramref name="size"/> bytes at the current position, for a writer that encodes in place
    /// (the protobuf writer); say how much was used with <see cref="Wrote"/>.
    /// </summary>
    public Span<byte> Room(int size)
    {
        if (size > _span.Length - _position)
        {
            Reserve(size);
        }

        return _span[_position..];
    }

    /// <summary>Moves past <paramref name="count"/> bytes written into the span <see cref="Room"/> returned.</summary>
    public void Wrote(int count) => Advance(count);

    /// <summary>Writes <paramref name="value"/> with <c>\</c>, <c>"</c> and newline escaped (label values; OpenMetrics HELP).</summary>
    public void WriteEscaped(string value) => WriteEscaped(value, NeedsEscape);

    /// <summary>Writes <paramref name="value"/> with <c>\</c> and newline escaped (text-format HELP).</summary>
    public void WriteHelpEscaped(string value) => WriteEscaped(value, NeedsHelpEscape);

    /// <summary>Writes a sample value: shortest round-trip, <c>+Inf</c>, <c>-Inf</c>, <c>NaN</c>, lower-case exponent.</summary>
    public void WriteDouble(double value)
    {
        if (!double.IsFinite(value))
        {
            Write(double.IsNaN(value) ? "NaN"u8 : value > 0 ? "+Inf"u8 : "-Inf"u8);
            return;
        }

        // Most values are whole numbers (counts, sizes): integer formatting is several times cheaper than the
        // shortest round-trip of a double, and gives the same text for whole numbers of this size.
        // The conversion saturates outside the range of long, and -0.0 converts to 0: the bit test keeps it out.
        var whole = (long)value;
        if (whole == value && whole is > -(long)MaxPlainInteger and < (long)MaxPlainInteger && BitConverter.DoubleToInt64Bits(value) != long.MinValue)
        {
            WriteLong(whole);
            return;
        }

        if (value == 0)
        {
            // Only negative zero gets here. "-0.0", not "-0": parsers that try integers first (Python's OpenMetrics
            // parser) would read "-0" as 0 and lose the sign.
            Write("-0.0"u8);
            return;
        }

        if (MaxNumberLength > _span.Length - _position)
        {
            Reserve(MaxNumberLength);
        }

        var target = _span[_position..];
        if (!value.TryFormat(target, out var written, default, CultureInfo.InvariantCulture))
        {
            ThrowNumberTooLong(value);
        }

        // .NET writes "1E+20"; Prometheus and OpenMetrics parsers accept both, but Go and Python write a lower-case "e".
        for (var i = 0; i < written; i++)
        {
            if (target[i] == (byte)'E')
            {
                target[i] = (byte)'e';
                break;
            }
        }

        Advance(written);
    }

    public void WriteLong(long value)
    {
        if (MaxNumberLength > _span.Length - _position)
        {
            Reserve(MaxNumberLength);
        }

        Advance(FormatInteger(value, _span[_position..]));
    }

    /// <summary>
    /// Writes <paramref name="name"/>, then each label's prefix and escaped value, then <paramref name="close"/> (what
    /// ends the labels and puts the space before the value), reserving room for the value, timestamp and newline too.
    /// </summary>
    /// <param name="name">The sample name.</param>
    /// <param name="prefixes">Per label: <c>{name="</c> for the first, <c>",name="</c> for the others.</param>
    /// <param name="values">The label values, as many as the prefixes the family has.</param>
    /// <param name="close">What follows the last value: <c>"} </c>, a bucket's <c>",le="0.5"} </c>, or a space without labels.</param>
    public void WriteLabelled(byte[] name, byte[][] prefixes, string[] values, ReadOnlySpan<byte> close)
    {
        // In UTF-8 a char takes at most 3 bytes (a surrogate pair 4 for its 2 chars), an escaped one 2.
        var bound = name.Length + close.Length + ValueRoom;
        for (var i = 0; i < values.Length; i++)
        {
            bound += prefixes[i].Length + (3 * values[i].Length);
        }

        if (bound > _span.Length - _position)
        {
            Reserve(bound);
        }

        var span = _span;
        var position = _position;
        name.CopyTo(span[position..]);
        position += name.Length;
        for (var i = 0; i < values.Length; i++)
        {
            var prefix = prefixes[i];
            prefix.CopyTo(span[position..]);
            position += prefix.Length;
            position += EncodeLabelValue(values[i], span[position..]);
        }

        close.CopyTo(span[position..]);
        position += close.Length;
        _position = position;
    }

    /// <summary>
    /// Writes <paramref name="value"/> in decimal into <paramref name="destination"/> (at least 20 bytes, 21 when
    /// negative) exactly as <see cref="Utf8Formatter"/> does, two digits at a time; returns the bytes written.
    /// </summary>
    internal static int FormatInteger(long value, Span<byte> destination)
    {
        if (value >= 0)
        {
            return FormatDigits((ulong)value, destination);
        }

        destination[0] = (byte)'-';

        // The magnitude of long.MinValue does not fit a long; as an unsigned value it does.
        return 1 + FormatDigits((ulong)-(value + 1) + 1, destination[1..]);
    }

    /// <summary>
    /// Writes a label value escaped as UTF-8 into <paramref name="destination"/>, which has room for 3 bytes per char;
    /// returns the bytes written. Eight chars at a time while they are ASCII with nothing to escape, as label values
    /// almost always are; from the first that is not, as <see cref="WriteEscaped(string)"/> writes it.
    /// </summary>
    internal static int EncodeLabelValue(string value, Span<byte> destination)
    {
        var chars = value.AsSpan();
        var i = 0;
        if (Vector128.IsHardwareAccelerated && chars.Length >= Vector128<ushort>.Count)
        {
            var units = MemoryMarshal.Cast<char, ushort>(chars);
            var last = units.Length - Vector128<ushort>.Count;
            while (true)
            {
                var block = Vector128.Create(units.Slice(i, Vector128<ushort>.Count));
                var special = Vector128.GreaterThan(block, Vector128.Create((ushort)0x7F))
                    | Vector128.Equals(block, Vector128.Create((ushort)'\\'))
                    | Vector128.Equals(block, Vector128.Create((ushort)'"'))
                    | Vector128.Equals(block, Vector128.Create((ushort)'\n'));
                if (special != Vector128<ushort>.Zero)
                {
                    return i + EncodeEscaped(chars[i..], destination[i..], NeedsEscape);
                }

                MemoryMarshal.Write(destination[i..], Vector128.Narrow(block, block).AsUInt64().ToScalar());
                if (i == last)
                {
                    return chars.Length;
                }

                // The last block may overlap the one before: its chars were checked, and are written again the same.
                i = Math.Min(i + Vector128<ushort>.Count, last);
            }
        }

        for (; i < chars.Length; i++)
        {
            var c = chars[i];
            if (c >= 0x80 || c == '\\' || c == '"' || c == '\n')
            {
                return i + EncodeEscaped(chars[i..], destination[i..], NeedsEscape);
            }

            destination[i] = (byte)c;
        }

        return chars.Length;
    }

    /// <summary>
    /// Writes a time in epoch seconds (a <c>_created</c> value): through <see cref="WriteSecondsFromMilliseconds"/> when
    /// it is a whole number of milliseconds, as clocks give, which is exact and cheap; as a double otherwise.
    /// </summary>
    public void WriteSeconds(double seconds)
    {
        var milliseconds = Math.Round(seconds * 1000);
        if (Math.Abs(milliseconds) < MaxPlainInteger && milliseconds / 1000 == seconds)
        {
            WriteSecondsFromMilliseconds((long)milliseconds);
            return;
        }

        WriteDouble(seconds);
    }

    /// <summary>Writes an epoch-millisecond time as OpenMetrics seconds: <c>1700000000.123</c>, <c>1700000000</c>.</summary>
    public void WriteSecondsFromMilliseconds(long milliseconds)
    {
        if (milliseconds < 0)
        {
            // Before 1970: the sign, then the magnitude, so that -1500 ms reads "-1.5".
            Write((byte)'-');
            milliseconds = -milliseconds;
        }

        var seconds = Math.DivRem(milliseconds, 1000, out var remainder);
        WriteLong(seconds);
        if (remainder == 0)
        {
            return;
        }

        Write((byte)'.');
        Write((byte)('0' + (remainder / 100)));
        remainder %= 100;
        if (remainder != 0)
        {
            Write((byte)('0' + (remainder / 10)));
            remainder %= 10;
            if (remainder != 0)
            {
                Write((byte)('0' + remainder));
            }
        }
    }

    /// <summary>Hands everything written so far to the underlying writer.</summary>
    public void Flush()
    {
        if (_position > 0)
        {
            _output.Advance(_position);
            _flushed += _position;
            _position = 0;
            _span = [];
        }
    }

    private static void ThrowNumberTooLong(double value) =>
        throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"Could not format {value}."));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Advance(int count) => _position += count;

    private static int FormatDigits(ulong value, Span<byte> destination)
    {
        var length = CountDigits(value);
        var digits = destination[..length];
        var pairs = DigitPairs;
        var end = length;
        while (value >= 100)
        {
            var pair = (int)(value % 100) * 2;
            value /= 100;
            end -= 2;
            digits[end] = pairs[pair];
            digits[end + 1] = pairs[pair + 1];
        }

        if (value >= 10)
        {
            var pair = (int)value * 2;
            digits[0] = pairs[pair];
            digits[1] = pairs[pair + 1];
        }
        else
        {
            digits[0] = (byte)('0' + (int)value);
        }

        return length;
    }

    private static int CountDigits(ulong value)
    {
        // log10 from log2 (1233 / 4096 ≈ log10 2), then one comparison corrects it.
        var estimate = ((BitOperations.Log2(value) + 1) * 1233) >> 12;
        return estimate + (value >= PowersOf10[estimate] ? 1 : 0) + (value == 0 ? 1 : 0);
    }

    private static byte[] CreateDigitPairs()
    {
        var pairs = new byte[200];
        for (var i = 0; i < 100; i++)
        {
            pairs[2 * i] = (byte)('0' + (i / 10));
            pairs[(2 * i) + 1] = (byte)('0' + (i % 10));
        }

        return pairs;
    }

    private static ulong[] CreatePowersOf10()
    {
        var powers = new ulong[20];
        powers[0] = 1;
        for (var i = 1; i < powers.Length; i++)
        {
            powers[i] = powers[i - 1] * 10;
        }

        return powers;
    }

    /// <summary>
    /// Escapes and encodes <paramref name="chars"/> into <paramref name="destination"/> (room for 3 bytes per char):
    /// the runs between specials through the UTF-8 encoder, which turns lone surrogates into U+FFFD.
    /// </summary>
    private static int EncodeEscaped(ReadOnlySpan<char> chars, Span<byte> destination, SearchValues<char> specials)
    {
        var written = 0;
        while (true)
        {
            var special = chars.IndexOfAny(specials);
            var run = special < 0 ? chars : chars[..special];
            if (!run.IsEmpty)
            {
                written += Encoding.UTF8.GetBytes(run, destination[written..]);
            }

            if (special < 0)
            {
                return written;
            }

            var escape = chars[special] switch
            {
                '\\' => "\\\\"u8,
                '"' => "\\\""u8,
                _ => "\\n"u8,
            };
            escape.CopyTo(destination[written..]);
            written += escape.Length;
            chars = chars[(special + 1)..];
        }
    }

    private void WriteEscaped(string value, SearchValues<char> specials)
    {
        var bound = 3 * value.Length;
        if (bound > _span.Length - _position)
        {
            Reserve(bound);
        }

        Advance(EncodeEscaped(value, _span[_position..], specials));
    }

    /// <summary>Writes <paramref name="text"/> as UTF-8 without escaping (names, which need none).</summary>
    public void WriteUtf8Text(string text) => WriteUtf8(text);

    private void WriteUtf8(ReadOnlySpan<char> chars)
    {
        if (chars.IsEmpty)
        {
            return;
        }

        // Lone surrogates become U+FFFD: the output is always valid UTF-8.
        var max = Encoding.UTF8.GetMaxByteCount(chars.Length);
        if (max > _span.Length - _position)
        {
            Reserve(Math.Min(max, Encoding.UTF8.GetByteCount(chars)));
        }

        Advance(Encoding.UTF8.GetBytes(chars, _span[_position..]));
    }

    private void Reserve(int size)
    {
        Flush();
        _span = _output.GetSpan(Math.Max(size, ChunkSize));
    }
}
