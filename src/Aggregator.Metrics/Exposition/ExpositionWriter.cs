using System.Buffers;
using System.IO.Pipelines;

namespace Aggregator.Metrics.Exposition;

/// <summary>
/// Writes snapshots in text 0.0.4, OpenMetrics 1.0.0 or protobuf, family by family, each format by its own writer. The
/// asynchronous overloads flush as they go, so an exposition is streamed and never held whole in memory.
/// </summary>
public static class ExpositionWriter
{
    /// <summary>The content type of text format 0.0.4.</summary>
    public const string TextContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>The content type of OpenMetrics 1.0.0.</summary>
    public const string OpenMetricsContentType = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    /// <summary>The content type of the protobuf format: length-delimited <c>io.prometheus.client.MetricFamily</c> messages.</summary>
    public const string ProtobufContentType = "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited";

    // Series written between two checks of the unflushed size: small enough that a 40,000-series family is streamed,
    // large enough that the checks cost nothing measurable.
    private const int SeriesPerChunk = 256;

    // Bytes held before the asynchronous writers flush to the stream.
    private const int FlushThreshold = 64 * 1024;

    // Per format, per escaping scheme (both in enum order): the Content-Type a negotiated response carries, built once.
    private static readonly string[][] NegotiatedContentTypes =
        [.. Enum.GetValues<ExpositionFormat>().Select(f => Enum.GetValues<EscapingScheme>().Select(e => ContentType(f) + "; escaping=" + NameEscaping.HeaderValue(e)).ToArray())];

    /// <summary>The content type of <paramref name="format"/>.</summary>
    public static string ContentType(ExpositionFormat format) => FormatWriter.For(format).ContentType;

    /// <summary>
    /// The content type of <paramref name="format"/> written with <paramref name="escaping"/>, as prometheus/common's
    /// negotiation states it: <c>text/plain; version=0.0.4; charset=utf-8; escaping=underscores</c>.
    /// </summary>
    public static string ContentType(ExpositionFormat format, EscapingScheme escaping)
    {
        // For refuses an unknown format or scheme, naming it; the table is indexed by the same two enums.
        _ = FormatWriter.For(format, escaping);
        return NegotiatedContentTypes[(int)format][(int)escaping];
    }

    /// <summary>Writes <paramref name="snapshot"/> to <paramref name="output"/>.</summary>
    /// <param name="snapshot">The families to write, in their (sorted) order.</param>
    /// <param name="format">The format.</param>
    /// <param name="output">Where the bytes go.</param>
    /// <param name="includeTimestamps">False to leave timestamps out (Pushgateway and node_exporter refuse them).</param>
    /// <param name="escaping">
    /// How names that are not legacy names are written (<see cref="NameEscaping"/>): escaped with underscores by
    /// default, which every consumer reads; <see cref="EscapingScheme.AllowUtf8"/> only for one that asked for it.
    /// </param>
    /// <returns>The number of bytes written.</returns>
    public static long Write(
        MetricsSnapshot snapshot,
        ExpositionFormat format,
        IBufferWriter<byte> output,
        bool includeTimestamps = true,
        EscapingScheme escaping = EscapingScheme.Underscores)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(output);
        var formatWriter = FormatWriter.For(format, escaping);
        var writer = new Utf8Writer(output);
        foreach (var family in snapshot.FamiliesArray)
        {
            formatWriter.WriteFamily(ref writer, family, 0, family.SeriesArray.Length, includeTimestamps);
        }

        formatWriter.WriteEnd(ref writer);
        writer.Flush();
        return writer.BytesWritten;
    }

    /// <summary>
    /// Writes <paramref name="snapshot"/> to <paramref name="output"/>, flushing every 64 KiB or so, names escaped by
    /// <paramref name="escaping"/> (see <see cref="Write"/>).
    /// </summary>
    /// <returns>The number of bytes written.</returns>
    public static ValueTask<long> WriteAsync(
        MetricsSnapshot snapshot,
        ExpositionFormat format,
        PipeWriter output,
        bool includeTimestamps = true,
        EscapingScheme escaping = EscapingScheme.Underscores,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(output);
        var families = Array.ConvertAll(snapshot.FamiliesArray, f => new GatheredFamily(null, f));
        return WriteGatheredAsync(families, FormatWriter.For(format, escaping), includeTimestamps, output, cancellationToken);
    }

    /// <summary>
    /// Collects <paramref name="registry"/> straight into <paramref name="stream"/>: its own families are streamed from
    /// their live series, without building a snapshot (custom collectors' families still are). For a registry with
    /// no actors around it; a worker registry must only be written by its owner, like every other use. Names are
    /// escaped by <paramref name="escaping"/> (see <see cref="Write"/>).
    /// </summary>
    /// <returns>The number of bytes written.</returns>
    public static async ValueTask<long> WriteAsync(
        MetricRegistry registry,
        ExpositionFormat format,
        Stream stream,
        bool includeTimestamps = true,
        EscapingScheme escaping = EscapingScheme.Underscores,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(stream);
        var pipe = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));
        try
        {
            return await WriteGatheredAsync(registry.Gather(), FormatWriter.For(format, escaping), includeTimestamps, pipe, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await pipe.CompleteAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Writes <paramref name="snapshot"/> to <paramref name="stream"/>, flushing every 64 KiB or so, names escaped by
    /// <paramref name="escaping"/> (see <see cref="Write"/>).
    /// </summary>
    /// <returns>The number of bytes written.</returns>
    public static async ValueTask<long> WriteAsync(
        MetricsSnapshot snapshot,
        ExpositionFormat format,
        Stream stream,
        bool includeTimestamps = true,
        EscapingScheme escaping = EscapingScheme.Underscores,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var pipe = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));
        try
        {
            return await WriteAsync(snapshot, format, pipe, includeTimestamps, escaping, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await pipe.CompleteAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Writes families chunk by chunk, flushing every 64 KiB or so, so that the output streams.</summary>
    private static async ValueTask<long> WriteGatheredAsync(
        IReadOnlyList<GatheredFamily> families,
        FormatWriter format,
        bool includeTimestamps,
        PipeWriter output,
        CancellationToken cancellationToken)
    {
        long total = 0;
        long unflushed = 0;
        foreach (var gathered in families)
        {
            var children = format.WritesLiveFamilies ? gathered.Family?.SortedChildren() : null;
            var snapshot = children is null ? gathered.Snapshot ?? gathered.Family!.Collect() : null;
            var count = children?.Length ?? snapshot!.SeriesArray.Length;
            var from = 0;
            do
            {
                var to = Math.Min(count, from + SeriesPerChunk);
                var written = WriteChunk(output, format, gathered.Definition, children, snapshot, from, to, includeTimestamps);
                total += written;
                unflushed += written;
                from = to;
                if (unflushed >= FlushThreshold)
                {
                    unflushed = 0;
                    await output.FlushAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            while (from < count);
        }

        total += WriteEnd(output, format);
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        return total;
    }

    private static long WriteChunk(
        IBufferWriter<byte> output,
        FormatWriter format,
        MetricDefinition definition,
        MetricChild[]? children,
        MetricFamilySnapshot? snapshot,
        int from,
        int to,
        bool includeTimestamps)
    {
        var writer = new Utf8Writer(output);
        if (children is not null)
        {
            format.WriteLiveFamily(ref writer, definition, children, from, to, includeTimestamps);
        }
        else
        {
            format.WriteFamily(ref writer, snapshot!, from, to, includeTimestamps);
        }

        writer.Flush();
        return writer.BytesWritten;
    }

    private static long WriteEnd(IBufferWriter<byte> output, FormatWriter format)
    {
        var writer = new Utf8Writer(output);
        format.WriteEnd(ref writer);
        writer.Flush();
        return writer.BytesWritten;
    }
}
