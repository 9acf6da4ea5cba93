using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Aggregator.Metrics.Exposition;

namespace Aggregator.Metrics.Tests.Exposition;

/// <summary>
/// The writer's own number and label formatting (issue 15) against the formatting it replaced: the BCL's integer
/// formatter, the shortest round-trip of a double with a lower-case exponent, and escaping through
/// <see cref="string.IndexOfAny(char[])"/> and the UTF-8 encoder. Both must give the same bytes for every value.
/// </summary>
public sealed class FastFormattingSpec
{
    public static readonly TheoryData<double> EdgeDoubles =
    [
        0.0, -0.0, 1.0, -1.0, 9.0, 10.0, 99.0, 100.0, 0.5, -0.5, 0.1, 1e-7, 1e-5, 1e-4, 123456.789,
        999_999_999_999_999.0, 1e15 - 0.5, 1e15, -1e15, 1e15 + 1, 1e16, 1e21, -1e21, 1e22,
        9_007_199_254_740_992.0, 9_007_199_254_740_994.0, -9_007_199_254_740_992.0,
        long.MaxValue, long.MinValue, ulong.MaxValue,
        double.MaxValue, double.MinValue, double.Epsilon, -double.Epsilon, 2.2250738585072014e-308, 2.225073858507201e-308,
        double.NaN, double.PositiveInfinity, double.NegativeInfinity, 0.30000000000000004, 1.0 / 3,
    ];

    public static readonly TheoryData<long> EdgeLongs =
    [
        0, 1, -1, 9, 10, 11, 99, 100, 101, 999, 1000, 9_999_999_999, 10_000_000_000, 999_999_999_999_999_999,
        1_000_000_000_000_000_000, long.MaxValue, long.MinValue, long.MinValue + 1, -10, -100, -999_999_999_999_999,
    ];

    // Kept out of theory data: a test runner may not carry lone surrogates through its serialization of cases.
    private static readonly string[] EdgeLabelValues =
    [
        "", "a", "GET", "1234567", "12345678", "123456789", "/api/items/12345", "/api/items/123456", "0123456789abcdef0",
        "\\", "\"", "\n", "a\\b", "a\"b\nc", "1234567\"", "12345678\\", "\"12345678", "1234567890123456\n",
        "\u007f", "\u0080", "é", "日本語のラベル", "1234567é", "12345678é", "ab\ud83d\ude00cd", "1234567\ud83d\ude00x",
        "\ud800", "1234567\ud800", "x\udc00y", "12345678\ud800\"", "\u00ff\u0100\u07ff\u0800\uffff",
        "line\r\nbreak", "tab\there", "\0nul",
    ];

    [Theory]
    [MemberData(nameof(EdgeDoubles))]
    public void Doubles_are_written_as_before(double value) =>
        Assert.Equal(Before(value), Now(value));

    [Theory]
    [InlineData(9_007_199_254_740_992.0, "9007199254740992")]
    [InlineData(1e21, "1e+21")]
    [InlineData(1e-7, "1e-07")]
    [InlineData(double.Epsilon, "5e-324")]
    [InlineData(2.225073858507201e-308, "2.225073858507201e-308")]
    [InlineData(999_999_999_999_999.0, "999999999999999")]
    [InlineData(-999_999_999_999_999.0, "-999999999999999")]
    [InlineData(-0.0, "-0.0")]
    [InlineData(-1.0, "-1")]
    [InlineData(long.MinValue, "-9.223372036854776e+18")]
    public void Edge_doubles_have_the_text_they_always_had(double value, string expected) =>
        Assert.Equal(expected, Now(value));

    [Fact]
    public void Random_doubles_are_written_as_before()
    {
        var random = new Random(15);
        Span<byte> bits = stackalloc byte[8];
        for (var i = 0; i < 200_000; i++)
        {
            // Every bit pattern (subnormals, NaN payloads, huge and tiny), small whole numbers, and decimals.
            double value;
            switch (i % 4)
            {
                case 0:
                    random.NextBytes(bits);
                    value = BitConverter.ToDouble(bits);
                    break;
                case 1:
                    value = Math.Round((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(0, 18)));
                    break;
                case 2:
                    value = Math.Round(random.NextDouble() * 1e6, random.Next(0, 8));
                    break;
                default:
                    value = (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-10, 25));
                    break;
            }

            var before = Before(value);
            var now = Now(value);
            if (before != now)
            {
                Assert.Fail($"{value:R} ({BitConverter.DoubleToInt64Bits(value):X16}): before '{before}', now '{now}'");
            }
        }
    }

    [Theory]
    [MemberData(nameof(EdgeLongs))]
    public void Integers_are_written_as_the_BCL_writes_them(long value)
    {
        Span<byte> expected = stackalloc byte[32];
        Assert.True(Utf8Formatter.TryFormat(value, expected, out var length));
        Span<byte> actual = stackalloc byte[32];
        var written = Utf8Writer.FormatInteger(value, actual);
        Assert.Equal(Encoding.ASCII.GetString(expected[..length]), Encoding.ASCII.GetString(actual[..written]));
        Assert.Equal(value.ToString(CultureInfo.InvariantCulture), Encoding.ASCII.GetString(actual[..written]));
    }

    [Fact]
    public void Random_integers_are_written_as_the_BCL_writes_them()
    {
        var random = new Random(15);
        Span<byte> expected = stackalloc byte[32];
        Span<byte> actual = stackalloc byte[32];
        for (var i = 0; i < 200_000; i++)
        {
            var value = random.NextInt64(long.MinValue, long.MaxValue) >> random.Next(0, 63);
            Utf8Formatter.TryFormat(value, expected, out var length);
            var written = Utf8Writer.FormatInteger(value, actual);
            if (!expected[..length].SequenceEqual(actual[..written]))
            {
                Assert.Fail($"{value}: '{Encoding.ASCII.GetString(actual[..written])}'");
            }
        }
    }

    [Fact]
    public void Label_values_are_escaped_and_encoded_as_before()
    {
        foreach (var value in EdgeLabelValues)
        {
            Assert.Equal(EscapedBefore(value), EscapedNow(value));
        }
    }

    [Fact]
    public void Label_values_have_the_text_they_always_had()
    {
        Assert.Equal("a\\\"b\\nc\\\\d", Encoding.UTF8.GetString(EscapedNow("a\"b\nc\\d")));
        Assert.Equal("12345678\\\\", Encoding.UTF8.GetString(EscapedNow("12345678\\")));
        Assert.Equal([(byte)'1', (byte)'2', (byte)'3', (byte)'4', (byte)'5', (byte)'6', (byte)'7', 0xEF, 0xBF, 0xBD], EscapedNow("1234567\ud800"));
        Assert.Equal([(byte)'a', (byte)'b', 0xF0, 0x9F, 0x98, 0x80, (byte)'c', (byte)'d'], EscapedNow("ab\ud83d\ude00cd"));
    }

    [Fact]
    public void Random_label_values_are_escaped_and_encoded_as_before()
    {
        var random = new Random(15);
        char[] alphabet = ['a', 'Z', '0', '/', '_', '\\', '"', '\n', 'é', '\u0800', '\ud83d', '\ude00', '\u007f', '\u0080', ' '];
        for (var i = 0; i < 50_000; i++)
        {
            var chars = new char[random.Next(0, 40)];
            for (var c = 0; c < chars.Length; c++)
            {
                // Mostly plain ASCII, as real label values are, with the odd character that is not.
                chars[c] = random.Next(8) == 0 ? alphabet[random.Next(alphabet.Length)] : (char)random.Next(0x20, 0x7f);
            }

            var value = new string(chars);
            Assert.Equal(EscapedBefore(value), EscapedNow(value));
        }
    }

    /// <summary>The formatting before issue 15, as Utf8Writer.WriteDouble did it.</summary>
    private static string Before(double value)
    {
        if (!double.IsFinite(value))
        {
            return double.IsNaN(value) ? "NaN" : value > 0 ? "+Inf" : "-Inf";
        }

        if (Math.Abs(value) < 1e15 && value == Math.Floor(value) && !(value == 0 && double.IsNegative(value)))
        {
            Span<byte> digits = stackalloc byte[32];
            Utf8Formatter.TryFormat((long)value, digits, out var length);
            return Encoding.ASCII.GetString(digits[..length]);
        }

        if (value == 0)
        {
            return "-0.0";
        }

        var text = value.ToString(CultureInfo.InvariantCulture);
        var e = text.IndexOf('E', StringComparison.Ordinal);
        return e < 0 ? text : text[..e] + "e" + text[(e + 1)..];
    }

    private static string Now(double value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new Utf8Writer(buffer);
        writer.WriteDouble(value);
        writer.Flush();
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The escaping before issue 15: the runs between specials through the UTF-8 encoder, specials escaped.</summary>
    private static byte[] EscapedBefore(string value)
    {
        var output = new List<byte>();
        var rest = value;
        while (true)
        {
            var special = rest.IndexOfAny(['\\', '"', '\n']);
            output.AddRange(Encoding.UTF8.GetBytes(special < 0 ? rest : rest[..special]));
            if (special < 0)
            {
                return [.. output];
            }

            output.AddRange(rest[special] switch
            {
                '\\' => "\\\\"u8.ToArray(),
                '"' => "\\\""u8.ToArray(),
                _ => "\\n"u8.ToArray(),
            });
            rest = rest[(special + 1)..];
        }
    }

    private static byte[] EscapedNow(string value)
    {
        var destination = new byte[3 * value.Length];
        return destination.AsSpan(0, Utf8Writer.EncodeLabelValue(value, destination)).ToArray();
    }
}
