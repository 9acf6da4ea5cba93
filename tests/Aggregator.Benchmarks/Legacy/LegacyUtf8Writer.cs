using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace Aggregator.Benchmarks.Legacy;

/// <summary>
/// A copy of the exposition writer's UTF-8 writer before issue 15, kept so the cost curve can compare both in one run.
/// Writes UTF-8 into an <see cref="IBufferWriter{T}"/> through one span at a time, advancing the writer only when the
/// span is full or on <see cref="Flush"/>, so that small writes cost no interface call.
/// </summary>
internal ref struct LegacyUtf8Writer
{
    // Large enough for any number and most lines; a longer piece asks for a span of its own size.
    private const int ChunkSize = 16 * 1024;

    // Below this, .NET writes whole doubles without an exponent, exactly as a long is written.
    private const double MaxPlainInteger = 1e15;

    // The longest a double or long is written: "-1.2345678901234567e-308" is 24 bytes; 32 leaves room.
    private const int MaxNumberLength = 32;

    private static readonly SearchValues<char> NeedsEscape = SearchValues.Create("\\\"\n");
    private static readonly SearchValues<char> NeedsHelpEscape = SearchValues.Create("\\\n");

    private readonly IBufferWriter<byte> _output;
    private Span<byte> _span;
    private int _position;

    public LegacyUtf8Writer(IBufferWriter<byte> output)
    {
        _output = output;
        _span = output.GetSpan(ChunkSize);
        _position = 0;
    }

    /// <summary>Bytes written since creation, flushed or not.</summary>
    public long BytesWritten { get; private set; }

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
        if (Math.Abs(value) < MaxPlainInteger && value == Math.Floor(value) && !(value == 0 && double.IsNegative(value)))
        {
            WriteLong((long)value);
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

        Utf8Formatter.TryFormat(value, _span[_position..], out var written);
        Advance(written);
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
            _position = 0;
            _span = [];
        }
    }

    private static void ThrowNumberTooLong(double value) =>
        throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"Could not format {value}."));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Advance(int count)
    {
        _position += count;
        BytesWritten += count;
    }

    private void WriteEscaped(string value, SearchValues<char> specials)
    {
        var chars = value.AsSpan();
        while (true)
        {
            var special = chars.IndexOfAny(specials);
            WriteUtf8(special < 0 ? chars : chars[..special]);
            if (special < 0)
            {
                return;
            }

            Write(chars[special] switch
            {
                '\\' => "\\\\"u8,
                '"' => "\\\""u8,
                _ => "\\n"u8,
            });
            chars = chars[(special + 1)..];
        }
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
