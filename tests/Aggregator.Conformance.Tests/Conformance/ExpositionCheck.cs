using System.Buffers;
using System.Globalization;
using System.Text;
using Aggregator.Conformance.Tests.Tools;
using Aggregator.Metrics;
using Aggregator.Metrics.Exposition;

namespace Aggregator.Conformance.Tests.Conformance;

/// <summary>An exposition in both formats, as the library wrote it.</summary>
public sealed record Rendered(string Text, string OpenMetrics)
{
    /// <summary>The lines of the OpenMetrics exposition whose sample name is <paramref name="sampleName"/>.</summary>
    public IReadOnlyList<string> OpenMetricsLines(string sampleName) => Lines(OpenMetrics, sampleName);

    /// <summary>The lines of the text exposition whose sample name is <paramref name="sampleName"/>.</summary>
    public IReadOnlyList<string> TextLines(string sampleName) => Lines(Text, sampleName);

    private static List<string> Lines(string exposition, string sampleName) =>
        [.. exposition.Split('\n').Where(l => l.StartsWith(sampleName + "{", StringComparison.Ordinal) || l.StartsWith(sampleName + " ", StringComparison.Ordinal))];
}

/// <summary>
/// Writes a snapshot in both formats and runs the real tools on it: <c>promtool check metrics</c> on the text format
/// (exit 0, silent: lint-clean), and Python's text and strict OpenMetrics parsers, whose parsed samples must equal the
/// expected ones exactly and completely.
/// </summary>
public static class ExpositionCheck
{
    private const int MaxShown = 20_000;

    public static async Task<Rendered> VerifyAsync(MetricsSnapshot snapshot, IReadOnlyList<ExpectedFamily> expected, bool includeTimestamps = true)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(expected);
        var text = await WriteAsync(snapshot, ExpositionFormat.Text, includeTimestamps);
        var openMetrics = await WriteAsync(snapshot, ExpositionFormat.OpenMetrics, includeTimestamps);

        // promtool and Python (both parsers in one process) run side by side.
        var promtool = Task.Run(() => Promtool.CheckMetrics(text));
        var python = Task.Run(() => PythonParser.RunBoth(text, openMetrics));
        await Task.WhenAll(promtool, python);

        var textString = Encoding.UTF8.GetString(text);
        var openMetricsString = Encoding.UTF8.GetString(openMetrics);
        var (pythonText, pythonOpenMetrics) = await python;
        Promtool.AssertClean(await promtool, textString);
        AssertSame(expected, PythonParser.Read(pythonText, textString, openMetrics: false), openMetrics: false, textString);
        AssertSame(expected, PythonParser.Read(pythonOpenMetrics, openMetricsString, openMetrics: true), openMetrics: true, openMetricsString);
        return new Rendered(textString, openMetricsString);
    }

    /// <summary>
    /// Writes <paramref name="snapshot"/> with the synchronous writer and checks that both asynchronous writers (to a
    /// stream and to a pipe) produce the same bytes, and that every writer reports the exact byte count.
    /// </summary>
    public static async Task<byte[]> WriteAsync(MetricsSnapshot snapshot, ExpositionFormat format, bool includeTimestamps = true)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var count = ExpositionWriter.Write(snapshot, format, buffer, includeTimestamps);
        var bytes = buffer.WrittenSpan.ToArray();
        Assert.Equal(bytes.Length, count);

        using var stream = new MemoryStream();
        var streamCount = await ExpositionWriter.WriteAsync(snapshot, format, stream, includeTimestamps);
        Assert.Equal(bytes.Length, streamCount);
        Assert.True(bytes.AsSpan().SequenceEqual(stream.ToArray()), $"{format}: WriteAsync(Stream) wrote other bytes than Write.");

        // No back-pressure: the whole exposition is read only after the writer completes.
        var pipe = new System.IO.Pipelines.Pipe(new System.IO.Pipelines.PipeOptions(pauseWriterThreshold: 0));
        var pipeCount = await ExpositionWriter.WriteAsync(snapshot, format, pipe.Writer, includeTimestamps);
        await pipe.Writer.CompleteAsync();
        var read = await pipe.Reader.ReadAtLeastAsync(int.MaxValue);
        Assert.Equal(bytes.Length, pipeCount);
        Assert.True(bytes.AsSpan().SequenceEqual(read.Buffer.ToArray()), $"{format}: WriteAsync(PipeWriter) wrote other bytes than Write.");
        await pipe.Reader.CompleteAsync();
        return bytes;
    }

    /// <summary>Asserts that <paramref name="parsed"/> is exactly <paramref name="expected"/>, showing the first difference.</summary>
    public static void AssertSame(IReadOnlyList<ExpectedFamily> expected, IReadOnlyList<ParsedFamily> parsed, bool openMetrics, string exposition)
    {
        var want = Canonical.FromExpected(expected, openMetrics);
        var got = Canonical.FromParsed(parsed, openMetrics);
        if (want.SequenceEqual(got, StringComparer.Ordinal))
        {
            return;
        }

        var at = 0;
        while (at < want.Count && at < got.Count && want[at] == got[at])
        {
            at++;
        }

        var message = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"Python's {(openMetrics ? "OpenMetrics" : "text")} parser read other samples than were written ")
            .Append(CultureInfo.InvariantCulture, $"({want.Count} lines expected, {got.Count} parsed); first difference at line {at}:\n")
            .Append("  expected: ").Append(at < want.Count ? want[at] : "(nothing)").Append('\n')
            .Append("  parsed:   ").Append(at < got.Count ? got[at] : "(nothing)").Append('\n')
            .Append("--- expected (from there) ---\n").AppendJoin('\n', want.Skip(at).Take(15)).Append('\n')
            .Append("--- parsed (from there) ---\n").AppendJoin('\n', got.Skip(at).Take(15)).Append('\n')
            .Append("--- exposition ---\n").Append(exposition.Length > MaxShown ? exposition[..MaxShown] + "\n(truncated)" : exposition);
        Assert.Fail(message.ToString());
    }
}
