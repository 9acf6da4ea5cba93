using System.Buffers;
using System.IO.Pipelines;
using Aggregator.Metrics;
using Aggregator.Metrics.Exposition;

namespace Aggregator.Benchmarks.Legacy;

/// <summary>
/// The exposition writer as it was before issue 15 (a benchmark-only copy), so that the cost curve compares the old and
/// the new writer in the same run, on the same snapshot.
/// Writes snapshots in text 0.0.4 or OpenMetrics 1.0.0 as UTF-8, family by family, from pre-encoded names. The
/// asynchronous overloads flush as they go, so an exposition is streamed and never held whole in memory.
/// </summary>
internal static class LegacyExpositionWriter
{
    /// <summary>The content type of text format 0.0.4.</summary>
    public const string TextContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>The content type of OpenMetrics 1.0.0.</summary>
    public const string OpenMetricsContentType = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    // Series written between two checks of the unflushed size: small enough that a 40,000-series family is streamed,
    // large enough that the checks cost nothing measurable.
    private const int SeriesPerChunk = 256;

    // Bytes held before the asynchronous writers flush to the stream.
    private const int FlushThreshold = 64 * 1024;

    /// <summary>The content type of <paramref name="format"/>.</summary>
    public static string ContentType(ExpositionFormat format) =>
        format == ExpositionFormat.OpenMetrics ? OpenMetricsContentType : TextContentType;

    /// <summary>Writes <paramref name="snapshot"/> to <paramref name="output"/>.</summary>
    /// <param name="snapshot">The families to write, in their (sorted) order.</param>
    /// <param name="format">The format.</param>
    /// <param name="output">Where the bytes go.</param>
    /// <param name="includeTimestamps">False to leave timestamps out (Pushgateway and node_exporter refuse them).</param>
    /// <returns>The number of bytes written.</returns>
    public static long Write(MetricsSnapshot snapshot, ExpositionFormat format, IBufferWriter<byte> output, bool includeTimestamps = true)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(output);
        var writer = new LegacyUtf8Writer(output);
        var options = new WriteOptions(format == ExpositionFormat.OpenMetrics, includeTimestamps);
        foreach (var family in snapshot.FamiliesArray)
        {
            WriteFamily(ref writer, family, 0, family.SeriesArray.Length, options);
        }

        if (options.OpenMetrics)
        {
            writer.Write("# EOF\n"u8);
        }

        writer.Flush();
        return writer.BytesWritten;
    }

    /// <summary>Writes <paramref name="snapshot"/> to <paramref name="output"/>, flushing every 64 KiB or so.</summary>
    /// <returns>The number of bytes written.</returns>
    public static ValueTask<long> WriteAsync(
        MetricsSnapshot snapshot,
        ExpositionFormat format,
        PipeWriter output,
        bool includeTimestamps = true,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(output);
        var families = Array.ConvertAll(snapshot.FamiliesArray, f => new GatheredFamily(null, f));
        return WriteGatheredAsync(families, new WriteOptions(format == ExpositionFormat.OpenMetrics, includeTimestamps), output, cancellationToken);
    }

    /// <summary>
    /// Collects <paramref name="registry"/> straight into <paramref name="stream"/>: its own families are streamed from
    /// their live series, without building a snapshot (custom collectors' families still are). For a registry with
    /// no actors around it; a worker registry must only be written by its owner, like every other use.
    /// </summary>
    /// <returns>The number of bytes written.</returns>
    public static async ValueTask<long> WriteAsync(
        MetricRegistry registry,
        ExpositionFormat format,
        Stream stream,
        bool includeTimestamps = true,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(stream);
        var pipe = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));
        try
        {
            var options = new WriteOptions(format == ExpositionFormat.OpenMetrics, includeTimestamps);
            return await WriteGatheredAsync(registry.Gather(), options, pipe, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await pipe.CompleteAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Writes <paramref name="snapshot"/> to <paramref name="stream"/>, flushing every 64 KiB or so.</summary>
    /// <returns>The number of bytes written.</returns>
    public static async ValueTask<long> WriteAsync(
        MetricsSnapshot snapshot,
        ExpositionFormat format,
        Stream stream,
        bool includeTimestamps = true,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var pipe = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));
        try
        {
            return await WriteAsync(snapshot, format, pipe, includeTimestamps, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await pipe.CompleteAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Writes families chunk by chunk, flushing every 64 KiB or so, so that the output streams.</summary>
    private static async ValueTask<long> WriteGatheredAsync(IReadOnlyList<GatheredFamily> families, WriteOptions options, PipeWriter output, CancellationToken cancellationToken)
    {
        long total = 0;
        long unflushed = 0;
        foreach (var gathered in families)
        {
            var children = gathered.Family?.SortedChildren();
            var snapshot = children is null ? gathered.Snapshot ?? gathered.Family!.Collect() : null;
            var count = children?.Length ?? snapshot!.SeriesArray.Length;
            var from = 0;
            do
            {
                var to = Math.Min(count, from + SeriesPerChunk);
                var written = WriteChunk(output, gathered.Definition, children, snapshot, from, to, options);
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

        if (options.OpenMetrics)
        {
            total += WriteEof(output);
        }

        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        return total;
    }

    private static long WriteChunk(IBufferWriter<byte> output, MetricDefinition definition, MetricChild[]? children, MetricFamilySnapshot? snapshot, int from, int to, WriteOptions options)
    {
        var writer = new LegacyUtf8Writer(output);
        if (children is not null)
        {
            WriteLiveFamily(ref writer, definition, children, from, to, options);
        }
        else
        {
            WriteFamily(ref writer, snapshot!, from, to, options);
        }

        writer.Flush();
        return writer.BytesWritten;
    }

    private static long WriteEof(IBufferWriter<byte> output)
    {
        var writer = new LegacyUtf8Writer(output);
        writer.Write("# EOF\n"u8);
        writer.Flush();
        return writer.BytesWritten;
    }

    private static void WriteFamily(ref LegacyUtf8Writer writer, MetricFamilySnapshot family, int from, int to, WriteOptions options)
    {
        var definition = family.Definition;
        var encoding = options.OpenMetrics ? FamilyEncoding.OpenMetrics(definition) : FamilyEncoding.Text(definition);
        if (from == 0)
        {
            writer.Write(encoding.Header);
        }

        var series = family.SeriesArray;
        for (var i = from; i < to; i++)
        {
            WriteSeries(ref writer, definition, encoding, in series[i], options);
        }
    }

    private static void WriteLiveFamily(ref LegacyUtf8Writer writer, MetricDefinition definition, MetricChild[] children, int from, int to, WriteOptions options)
    {
        var encoding = options.OpenMetrics ? FamilyEncoding.OpenMetrics(definition) : FamilyEncoding.Text(definition);
        if (from == 0)
        {
            writer.Write(encoding.Header);
        }

        for (var i = from; i < to; i++)
        {
            // A struct on the stack: streaming a live family allocates nothing per counter or gauge series.
            var series = children[i].Snapshot();
            WriteSeries(ref writer, definition, encoding, in series, options);
        }
    }

    private static void WriteSeries(ref LegacyUtf8Writer writer, MetricDefinition definition, FamilyEncoding encoding, in SeriesSnapshot s, WriteOptions options)
    {
        var timestamp = definition.Timestamped && options.IncludeTimestamps ? s.TimestampMs : SeriesSnapshot.NoTimestamp;
        switch (definition.Type)
        {
            case MetricType.Histogram:
                WriteHistogram(ref writer, encoding, in s, definition, timestamp, options);
                break;
            case MetricType.Summary:
                WriteSummary(ref writer, encoding, in s, timestamp, options);
                break;
            default:
                WriteSample(ref writer, encoding.Main, encoding, s.LabelValuesArray, s.Value, timestamp, options);
                if (options.OpenMetrics && definition.Type == MetricType.Counter)
                {
                    WriteCreated(ref writer, encoding, in s, timestamp, options);
                }

                break;
        }
    }

    private static void WriteHistogram(
        ref LegacyUtf8Writer writer,
        FamilyEncoding encoding,
        in SeriesSnapshot s,
        MetricDefinition definition,
        long timestamp,
        WriteOptions options)
    {
        var buckets = s.CumulativeBucketsArray!;
        for (var b = 0; b < buckets.Length; b++)
        {
            writer.Write(encoding.Bucket);
            WriteLabelValues(ref writer, encoding, s.LabelValuesArray);
            writer.Write(encoding.BucketSuffixes[b]);
            writer.WriteLong(buckets[b]);
            WriteTimestampAndNewline(ref writer, timestamp, options);
        }

        // OpenMetrics treats _sum as a counter: it may not be negative or NaN, and a histogram with a negative bound
        // may not have one; _count must then go too. The buckets still carry the count.
        var keepSum = !options.OpenMetrics || (s.Sum >= 0 && (definition.BucketsArray.Length == 0 || definition.BucketsArray[0] >= 0));
        if (keepSum)
        {
            WriteCountSample(ref writer, encoding, s.LabelValuesArray, s.Count, timestamp, options);
            WriteSample(ref writer, encoding.Sum, encoding, s.LabelValuesArray, s.Sum, timestamp, options);
        }

        WriteCreated(ref writer, encoding, in s, timestamp, options);
    }

    private static void WriteSummary(ref LegacyUtf8Writer writer, FamilyEncoding encoding, in SeriesSnapshot s, long timestamp, WriteOptions options)
    {
        WriteCountSample(ref writer, encoding, s.LabelValuesArray, s.Count, timestamp, options);

        // OpenMetrics treats a summary's _sum as a counter too: left out when negative or NaN.
        if (!options.OpenMetrics || s.Sum >= 0)
        {
            WriteSample(ref writer, encoding.Sum, encoding, s.LabelValuesArray, s.Sum, timestamp, options);
        }

        WriteCreated(ref writer, encoding, in s, timestamp, options);
    }

    private static void WriteCreated(ref LegacyUtf8Writer writer, FamilyEncoding encoding, in SeriesSnapshot s, long timestamp, WriteOptions options)
    {
        // _created exists in OpenMetrics only; it shares its group's timestamp, which OpenMetrics requires.
        if (options.OpenMetrics && !double.IsNaN(s.CreatedSeconds))
        {
            writer.Write(encoding.Created);
            WriteLabelValues(ref writer, encoding, s.LabelValuesArray);
            CloseLabels(ref writer, s.LabelValuesArray.Length);
            writer.WriteSeconds(s.CreatedSeconds);
            WriteTimestampAndNewline(ref writer, timestamp, options);
        }
    }

    private static void WriteCountSample(ref LegacyUtf8Writer writer, FamilyEncoding encoding, string[] labelValues, long count, long timestamp, WriteOptions options)
    {
        writer.Write(encoding.Count);
        WriteLabelValues(ref writer, encoding, labelValues);
        CloseLabels(ref writer, labelValues.Length);
        writer.WriteLong(count);
        WriteTimestampAndNewline(ref writer, timestamp, options);
    }

    private static void WriteSample(
        ref LegacyUtf8Writer writer,
        byte[] name,
        FamilyEncoding encoding,
        string[] labelValues,
        double value,
        long timestamp,
        WriteOptions options)
    {
        writer.Write(name);
        WriteLabelValues(ref writer, encoding, labelValues);
        CloseLabels(ref writer, labelValues.Length);
        writer.WriteDouble(value);
        WriteTimestampAndNewline(ref writer, timestamp, options);
    }

    private static void WriteLabelValues(ref LegacyUtf8Writer writer, FamilyEncoding encoding, string[] labelValues)
    {
        var prefixes = encoding.LabelPrefixes;
        for (var i = 0; i < labelValues.Length; i++)
        {
            writer.Write(prefixes[i]);
            writer.WriteEscaped(labelValues[i]);
        }
    }

    private static void CloseLabels(ref LegacyUtf8Writer writer, int labelCount) =>
        writer.Write(labelCount == 0 ? " "u8 : "\"} "u8);

    private static void WriteTimestampAndNewline(ref LegacyUtf8Writer writer, long timestamp, WriteOptions options)
    {
        if (timestamp != SeriesSnapshot.NoTimestamp)
        {
            writer.Write((byte)' ');
            if (options.OpenMetrics)
            {
                writer.WriteSecondsFromMilliseconds(timestamp);
            }
            else
            {
                writer.WriteLong(timestamp);
            }
        }

        writer.Write((byte)'\n');
    }

    private readonly record struct WriteOptions(bool OpenMetrics, bool IncludeTimestamps);
}
