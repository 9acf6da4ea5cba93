using System.Buffers;
using System.Text;
using Aggregator.Metrics.Exposition;

namespace Aggregator.Metrics.Tests.Exposition;

public sealed class NumberFormatSpec
{
    [Theory]
    [InlineData(0.0, "0")]
    [InlineData(3.0, "3")]
    [InlineData(-42.0, "-42")]
    [InlineData(0.1, "0.1")]
    [InlineData(1e-05, "1e-05")]
    [InlineData(1e+20, "1e+20")]
    [InlineData(1e15, "1000000000000000")]
    [InlineData(999999999999999.0, "999999999999999")]
    [InlineData(123456.789, "123456.789")]
    [InlineData(double.PositiveInfinity, "+Inf")]
    [InlineData(double.NegativeInfinity, "-Inf")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(-0.0, "-0.0")]
    public void Values_are_written_shortest_round_trip_with_whole_numbers_as_integers(double value, string expected) =>
        Assert.Equal(expected, Write((ref Utf8Writer w) => w.WriteDouble(value)));

    [Theory]
    [InlineData(1700000000.5, "1700000000.5")]
    [InlineData(1700000000.0, "1700000000")]
    [InlineData(1700000000.123, "1700000000.123")]
    [InlineData(1700000000.05, "1700000000.05")]
    [InlineData(-1.5, "-1.5")]
    [InlineData(0.0001, "0.0001")]
    public void Created_seconds_are_exact(double seconds, string expected) =>
        Assert.Equal(expected, Write((ref Utf8Writer w) => w.WriteSeconds(seconds)));

    [Theory]
    [InlineData(1700000000005L, "1700000000.005")]
    [InlineData(-1500L, "-1.5")]
    [InlineData(-1L, "-0.001")]
    [InlineData(0L, "0")]
    public void Millisecond_timestamps_become_seconds(long milliseconds, string expected) =>
        Assert.Equal(expected, Write((ref Utf8Writer w) => w.WriteSecondsFromMilliseconds(milliseconds)));

    private delegate void WriteAction(ref Utf8Writer writer);

    private static string Write(WriteAction write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new Utf8Writer(buffer);
        write(ref writer);
        writer.Flush();
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
