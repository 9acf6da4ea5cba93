namespace Aggregator.Metrics.Exposition;

/// <summary>
/// What the two line formats share: a sample is a name, its labels, a value and an optional timestamp on one line,
/// written from the family's pre-encoded fragments. Text 0.0.4 and OpenMetrics differ in their headers, timestamps,
/// <c>_created</c> samples and the <c>_sum</c> they may show; each says so in its overrides.
/// </summary>
internal abstract class LineFormatWriter : FormatWriter
{
    /// <summary>Creates the writer of names escaped by <paramref name="escaping"/>.</summary>
    protected LineFormatWriter(EscapingScheme escaping)
        : base(escaping)
    {
    }

    /// <summary>The family's pre-encoded header, names and label fragments in this format, names escaped by <see cref="FormatWriter.Escaping"/>.</summary>
    protected abstract FamilyEncoding Encoding(MetricDefinition definition);

    /// <summary>Whether a series of <paramref name="type"/> is one line with nothing else (the loop most series take).</summary>
    protected abstract bool IsSingleLine(MetricType type);

    /// <summary>Writes a timestamp's digits in this format's unit.</summary>
    protected abstract void WriteTimestamp(ref Utf8Writer writer, long timestampMs);

    /// <summary>Writes what follows a counter's sample (OpenMetrics' <c>_created</c>); nothing by default.</summary>
    protected virtual void WriteCounterExtras(ref Utf8Writer writer, FamilyEncoding encoding, in SeriesSnapshot s, long timestamp)
    {
    }

    /// <summary>Writes a histogram's or summary's creation time (OpenMetrics only); nothing by default.</summary>
    protected virtual void WriteCreated(ref Utf8Writer writer, FamilyEncoding encoding, in SeriesSnapshot s, long timestamp)
    {
    }

    /// <summary>Writes an exemplar after a sample's timestamp (OpenMetrics only: text 0.0.4 has none); nothing by default.</summary>
    protected virtual void WriteExemplar(ref Utf8Writer writer, ExemplarSnapshot exemplar)
    {
    }

    /// <summary>Whether a histogram's <c>_count</c> and <c>_sum</c> are written (OpenMetrics leaves out a sum it cannot hold).</summary>
    protected virtual bool KeepsHistogramSum(MetricDefinition definition, in SeriesSnapshot s) => true;

    /// <summary>Whether a summary's <c>_sum</c> is written.</summary>
    protected virtual bool KeepsSummarySum(in SeriesSnapshot s) => true;

    /// <inheritdoc />
    public sealed override void WriteFamily(ref Utf8Writer writer, MetricFamilySnapshot family, int from, int to, bool includeTimestamps)
    {
        var definition = family.Definition;
        var encoding = Encoding(definition);
        if (from == 0)
        {
            writer.Write(encoding.Header);
        }

        var series = family.SeriesArray;
        var timestamped = definition.Timestamped && includeTimestamps;
        if (!IsSingleLine(definition.Type))
        {
            for (var i = from; i < to; i++)
            {
                WriteSeries(ref writer, definition, encoding, in series[i], timestamped);
            }

            return;
        }

        // One line per series, the type settled once for the family: most of an exposition's series take this loop.
        var name = encoding.Main;
        var prefixes = encoding.LabelPrefixes;
        for (var i = from; i < to; i++)
        {
            ref readonly var s = ref series[i];
            writer.WriteLabelled(name, prefixes, s.LabelValuesArray, Close(encoding, s.LabelValuesArray.Length));
            writer.WriteDouble(s.Value);
            WriteTimestampAndNewline(ref writer, timestamped ? s.TimestampMs : SeriesSnapshot.NoTimestamp);
        }
    }

    /// <inheritdoc />
    public sealed override void WriteLiveFamily(ref Utf8Writer writer, MetricDefinition definition, MetricChild[] children, int from, int to, bool includeTimestamps)
    {
        var encoding = Encoding(definition);
        if (from == 0)
        {
            writer.Write(encoding.Header);
        }

        var timestamped = definition.Timestamped && includeTimestamps;
        for (var i = from; i < to; i++)
        {
            // A struct on the stack: streaming a live family allocates nothing per counter or gauge series.
            var series = children[i].Snapshot();
            WriteSeries(ref writer, definition, encoding, in series, timestamped);
        }
    }

    /// <summary>What ends a sample's labels and puts the space before its value (<c>} </c> after a bare quoted name).</summary>
    protected static ReadOnlySpan<byte> Close(FamilyEncoding encoding, int labelCount) => labelCount == 0 ? encoding.BareClose : "\"} "u8;

    /// <summary>Writes a single-valued sample line.</summary>
    protected void WriteSample(ref Utf8Writer writer, byte[] name, FamilyEncoding encoding, string[] labelValues, double value, long timestamp, ExemplarSnapshot? exemplar = null)
    {
        writer.WriteLabelled(name, encoding.LabelPrefixes, labelValues, Close(encoding, labelValues.Length));
        writer.WriteDouble(value);
        WriteTimestampAndNewline(ref writer, timestamp, exemplar);
    }

    /// <summary>Writes the timestamp, when there is one, the exemplar, when there is one and the format has them, and ends the line.</summary>
    protected void WriteTimestampAndNewline(ref Utf8Writer writer, long timestamp, ExemplarSnapshot? exemplar = null)
    {
        if (timestamp != SeriesSnapshot.NoTimestamp)
        {
            writer.Write((byte)' ');
            WriteTimestamp(ref writer, timestamp);
        }

        if (exemplar is not null)
        {
            WriteExemplar(ref writer, exemplar);
        }

        writer.Write((byte)'\n');
    }

    private void WriteSeries(ref Utf8Writer writer, MetricDefinition definition, FamilyEncoding encoding, in SeriesSnapshot s, bool timestamped)
    {
        var timestamp = timestamped ? s.TimestampMs : SeriesSnapshot.NoTimestamp;
        switch (definition.Type)
        {
            case MetricType.Histogram:
                WriteHistogram(ref writer, encoding, in s, definition, timestamp);
                break;
            case MetricType.Summary:
                WriteSummary(ref writer, encoding, in s, timestamp);
                break;
            case MetricType.Counter:
                WriteSample(ref writer, encoding.Main, encoding, s.LabelValuesArray, s.Value, timestamp, ExemplarWriter.At(in s, 0));
                WriteCounterExtras(ref writer, encoding, in s, timestamp);
                break;
            default:
                WriteSample(ref writer, encoding.Main, encoding, s.LabelValuesArray, s.Value, timestamp);
                break;
        }
    }

    private void WriteHistogram(ref Utf8Writer writer, FamilyEncoding encoding, in SeriesSnapshot s, MetricDefinition definition, long timestamp)
    {
        var buckets = s.CumulativeBucketsArray!;
        for (var b = 0; b < buckets.Length; b++)
        {
            writer.WriteLabelled(encoding.Bucket, encoding.LabelPrefixes, s.LabelValuesArray, encoding.BucketSuffixes[b]);
            writer.WriteLong(buckets[b]);
            WriteTimestampAndNewline(ref writer, timestamp, ExemplarWriter.At(in s, b));
        }

        if (KeepsHistogramSum(definition, in s))
        {
            WriteCount(ref writer, encoding, s.LabelValuesArray, s.Count, timestamp);
            WriteSample(ref writer, encoding.Sum, encoding, s.LabelValuesArray, s.Sum, timestamp);
        }

        WriteCreated(ref writer, encoding, in s, timestamp);
    }

    private void WriteSummary(ref Utf8Writer writer, FamilyEncoding encoding, in SeriesSnapshot s, long timestamp)
    {
        WriteCount(ref writer, encoding, s.LabelValuesArray, s.Count, timestamp);
        if (KeepsSummarySum(in s))
        {
            WriteSample(ref writer, encoding.Sum, encoding, s.LabelValuesArray, s.Sum, timestamp);
        }

        WriteCreated(ref writer, encoding, in s, timestamp);
    }

    private void WriteCount(ref Utf8Writer writer, FamilyEncoding encoding, string[] labelValues, long count, long timestamp)
    {
        writer.WriteLabelled(encoding.Count, encoding.LabelPrefixes, labelValues, Close(encoding, labelValues.Length));
        writer.WriteLong(count);
        WriteTimestampAndNewline(ref writer, timestamp);
    }
}
