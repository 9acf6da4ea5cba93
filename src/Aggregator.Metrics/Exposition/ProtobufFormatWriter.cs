namespace Aggregator.Metrics.Exposition;

/// <summary>
/// Prometheus' protobuf format: each family one length-delimited <c>io.prometheus.client.MetricFamily</c> message,
/// written in place without building the messages. Every message's length is computed before it is written, so a
/// family is sized in one pass over its series and written, chunk by chunk, in another.
/// </summary>
/// <remarks>
/// Field numbers are those of <c>io/prometheus/client/metrics.proto</c>. A counter's family is named with its
/// <c>_total</c> and an info family is a gauge named <c>_info</c> of value 1, as the protobuf format has no info type.
/// Histograms list their finite buckets (Prometheus adds +Inf from the count), and +Inf too when it holds an exemplar
/// (see <see cref="ProtobufExemplars"/>), and, when native, their schema, zero bucket, spans and delta-encoded counts
/// (packed). Creation times go in the
/// <c>created_timestamp</c> fields. A family without series is left out: the format has no use for its metadata alone.
/// </remarks>
internal sealed class ProtobufFormatWriter : FormatWriter
{
    /// <summary>The writer per escaping scheme, in enum order: a writer holds no other state.</summary>
    public static readonly ProtobufFormatWriter[] Instances = [.. Enum.GetValues<EscapingScheme>().Select(e => new ProtobufFormatWriter(e))];

    // Metric fields.
    private const int LabelField = 1;
    private const int GaugeField = 2;
    private const int CounterField = 3;
    private const int SummaryField = 4;
    private const int TimestampField = 6;
    private const int HistogramField = 7;

    // MetricFamily.metric.
    private const int MetricField = 4;

    // LabelPair.value.
    private const int LabelValueField = 2;

    // Counter, Gauge: value; Counter: created_timestamp.
    private const int ValueField = 1;
    private const int CounterCreatedField = 3;

    // Summary and Histogram: sample_count, sample_sum; Summary: created_timestamp.
    private const int SampleCountField = 1;
    private const int SampleSumField = 2;
    private const int SummaryCreatedField = 4;

    // Histogram: bucket, created_timestamp; Bucket: cumulative_count, upper_bound.
    private const int BucketField = 3;
    private const int HistogramCreatedField = 15;
    private const int CumulativeCountField = 1;
    private const int UpperBoundField = 2;

    // Histogram's native fields; BucketSpan: offset, length.
    private const int SchemaField = 5;
    private const int ZeroThresholdField = 6;
    private const int ZeroCountField = 7;
    private const int NegativeSpanField = 9;
    private const int NegativeDeltaField = 10;
    private const int PositiveSpanField = 12;
    private const int PositiveDeltaField = 13;
    private const int SpanOffsetField = 1;
    private const int SpanLengthField = 2;

    // A key of a field numbered 1 to 15 and a fixed64 double after it.
    private const int DoubleFieldSize = 1 + sizeof(double);

    // Label value lengths of a series are kept on the stack up to this many labels (a family with more rents nothing:
    // it allocates one small array per write call).
    private const int MaxStackLabels = 16;

    private ProtobufFormatWriter(EscapingScheme escaping)
        : base(escaping)
    {
    }

    /// <inheritdoc />
    public override ExpositionFormat Format => ExpositionFormat.Protobuf;

    /// <inheritdoc />
    public override string ContentType => ExpositionWriter.ProtobufContentType;

    /// <inheritdoc />
    /// <remarks>A family's length prefix comes before its first series: the family must be whole, as a snapshot.</remarks>
    public override bool WritesLiveFamilies => false;

    /// <inheritdoc />
    public override void WriteFamily(ref Utf8Writer writer, MetricFamilySnapshot family, int from, int to, bool includeTimestamps)
    {
        var series = family.SeriesArray;
        if (series.Length == 0)
        {
            return;
        }

        var definition = family.Definition;
        var encoding = ProtobufFamilyEncoding.Of(definition, Escaping);
        var timestamped = definition.Timestamped && includeTimestamps;
        var labelCount = definition.LabelNamesArray.Length;
        Span<int> labelLengths = labelCount <= MaxStackLabels ? stackalloc int[MaxStackLabels] : new int[labelCount];
        labelLengths = labelLengths[..labelCount];
        if (from == 0)
        {
            long size = encoding.Fields.Length;
            foreach (ref readonly var s in series.AsSpan())
            {
                var metric = MetricSize(definition, encoding, in s, timestamped, labelLengths, out _);
                size += 1 + ProtobufWire.VarintSize((ulong)metric) + metric;
            }

            var room = writer.Room(ProtobufWire.MaxVarintLength + encoding.Fields.Length);
            var position = 0;
            ProtobufWire.PutVarint(room, ref position, (ulong)size);
            ProtobufWire.PutBytes(room, ref position, encoding.Fields);
            writer.Wrote(position);
        }

        for (var i = from; i < to; i++)
        {
            // Each metric is sized once, then written into one span reserved for all of it.
            ref readonly var s = ref series[i];
            var metricSize = MetricSize(definition, encoding, in s, timestamped, labelLengths, out var valueSize);
            var room = writer.Room(ProtobufWire.MaxVarintLength + 1 + metricSize);
            var position = 0;
            ProtobufWire.PutDelimitedHeader(room, ref position, MetricField, metricSize);
            WriteMetric(room, ref position, definition, encoding, in s, timestamped, labelLengths, valueSize);
            writer.Wrote(position);
        }
    }

    /// <inheritdoc />
    public override void WriteLiveFamily(ref Utf8Writer writer, MetricDefinition definition, MetricChild[] children, int from, int to, bool includeTimestamps) =>
        throw new InvalidOperationException("The protobuf writer writes snapshots only: a family's length is needed before its first series.");

    /// <summary>The content size of a series' <c>Metric</c>; the UTF-8 length of each label value and the typed message's size come out too.</summary>
    private static int MetricSize(MetricDefinition definition, ProtobufFamilyEncoding encoding, in SeriesSnapshot s, bool timestamped, Span<int> labelLengths, out int valueSize)
    {
        var size = 0;
        var values = s.LabelValuesArray;
        var nameFields = encoding.LabelNameFields;
        for (var i = 0; i < labelLengths.Length; i++)
        {
            var length = ProtobufWire.Utf8Length(values[i]);
            labelLengths[i] = length;
            size += ProtobufWire.DelimitedSize(nameFields[i].Length + ProtobufWire.DelimitedSize(length));
        }

        valueSize = ValueSize(definition, in s);
        size += ProtobufWire.DelimitedSize(valueSize);
        if (timestamped && s.HasTimestamp)
        {
            size += 1 + ProtobufWire.VarintSize((ulong)s.TimestampMs);
        }

        return size;
    }

    /// <summary>The content size of the metric's typed message (Counter, Gauge, Summary or Histogram).</summary>
    private static int ValueSize(MetricDefinition definition, in SeriesSnapshot s)
    {
        switch (definition.Type)
        {
            case MetricType.Counter:
                return DoubleFieldSize + ProtobufExemplars.FieldSize(ExemplarWriter.At(in s, 0)) + CreatedSize(s.CreatedSeconds);
            case MetricType.Summary:
                return 1 + ProtobufWire.VarintSize((ulong)s.Count) + DoubleFieldSize + CreatedSize(s.CreatedSeconds);
            case MetricType.Histogram:
                var size = 1 + ProtobufWire.VarintSize((ulong)s.Count) + DoubleFieldSize + CreatedSize(s.CreatedSeconds);
                var buckets = s.CumulativeBucketsArray!;
                for (var b = 0; b < buckets.Length - 1; b++)
                {
                    size += ProtobufWire.DelimitedSize(1 + ProtobufWire.VarintSize((ulong)buckets[b]) + DoubleFieldSize + ProtobufExemplars.FieldSize(ExemplarWriter.At(in s, b)));
                }

                if (InfiniteExemplar(definition, in s) is { } infinite)
                {
                    size += ProtobufWire.DelimitedSize(1 + ProtobufWire.VarintSize((ulong)buckets[^1]) + DoubleFieldSize + ProtobufExemplars.FieldSize(infinite));
                }

                return s.Native is { } native ? size + NativeSize(native) + NativeExemplarsSize(definition, in s) : size;
            default:
                return DoubleFieldSize;
        }
    }

    private static int CreatedSize(double createdSeconds) =>
        double.IsNaN(createdSeconds) ? 0 : ProtobufWire.DelimitedSize(ProtobufWire.TimestampSize(createdSeconds));

    private static void WriteMetric(
        Span<byte> room,
        ref int position,
        MetricDefinition definition,
        ProtobufFamilyEncoding encoding,
        in SeriesSnapshot s,
        bool timestamped,
        ReadOnlySpan<int> labelLengths,
        int valueSize)
    {
        var values = s.LabelValuesArray;
        var nameFields = encoding.LabelNameFields;
        for (var i = 0; i < labelLengths.Length; i++)
        {
            var nameField = nameFields[i];
            ProtobufWire.PutDelimitedHeader(room, ref position, LabelField, nameField.Length + ProtobufWire.DelimitedSize(labelLengths[i]));
            ProtobufWire.PutBytes(room, ref position, nameField);
            ProtobufWire.PutStringField(room, ref position, LabelValueField, values[i], labelLengths[i]);
        }

        switch (definition.Type)
        {
            case MetricType.Counter:
                ProtobufWire.PutDelimitedHeader(room, ref position, CounterField, valueSize);
                ProtobufWire.PutDoubleField(room, ref position, ValueField, s.Value);
                ProtobufExemplars.Put(room, ref position, ProtobufExemplars.CounterField, ExemplarWriter.At(in s, 0));
                PutCreated(room, ref position, CounterCreatedField, s.CreatedSeconds);
                break;
            case MetricType.Summary:
                ProtobufWire.PutDelimitedHeader(room, ref position, SummaryField, valueSize);
                ProtobufWire.PutVarintField(room, ref position, SampleCountField, (ulong)s.Count);
                ProtobufWire.PutDoubleField(room, ref position, SampleSumField, s.Sum);
                PutCreated(room, ref position, SummaryCreatedField, s.CreatedSeconds);
                break;
            case MetricType.Histogram:
                ProtobufWire.PutDelimitedHeader(room, ref position, HistogramField, valueSize);
                WriteHistogram(room, ref position, definition, in s);
                break;
            default:
                ProtobufWire.PutDelimitedHeader(room, ref position, GaugeField, valueSize);
                ProtobufWire.PutDoubleField(room, ref position, ValueField, s.Value);
                break;
        }

        if (timestamped && s.HasTimestamp)
        {
            ProtobufWire.PutVarintField(room, ref position, TimestampField, (ulong)s.TimestampMs);
        }
    }

    private static void WriteHistogram(Span<byte> room, ref int position, MetricDefinition definition, in SeriesSnapshot s)
    {
        ProtobufWire.PutVarintField(room, ref position, SampleCountField, (ulong)s.Count);
        ProtobufWire.PutDoubleField(room, ref position, SampleSumField, s.Sum);
        var buckets = s.CumulativeBucketsArray!;
        var bounds = definition.BucketsArray;
        for (var b = 0; b < buckets.Length; b++)
        {
            // The +Inf bucket only to carry its exemplar.
            var exemplar = b < bounds.Length ? ExemplarWriter.At(in s, b) : InfiniteExemplar(definition, in s);
            if (b == bounds.Length && exemplar is null)
            {
                break;
            }

            ProtobufWire.PutDelimitedHeader(room, ref position, BucketField, 1 + ProtobufWire.VarintSize((ulong)buckets[b]) + DoubleFieldSize + ProtobufExemplars.FieldSize(exemplar));
            ProtobufWire.PutVarintField(room, ref position, CumulativeCountField, (ulong)buckets[b]);
            ProtobufWire.PutDoubleField(room, ref position, UpperBoundField, b < bounds.Length ? bounds[b] : double.PositiveInfinity);
            ProtobufExemplars.Put(room, ref position, ProtobufExemplars.BucketField, exemplar);
        }

        PutCreated(room, ref position, HistogramCreatedField, s.CreatedSeconds);
        if (s.Native is { } native)
        {
            WriteNative(room, ref position, native);
            if (definition.BucketsArray.Length == 0)
            {
                ProtobufExemplars.PutNative(room, ref position, in s);
            }
        }
    }

    /// <summary>
    /// The exemplar of the +Inf bucket, written as a bucket of its own; none for a native histogram without classic
    /// buckets, which a lone +Inf bucket would make look classic (its exemplars go in <c>Histogram.exemplars</c>).
    /// </summary>
    private static ExemplarSnapshot? InfiniteExemplar(MetricDefinition definition, in SeriesSnapshot s) =>
        s.Native is not null && definition.BucketsArray.Length == 0 ? null : ExemplarWriter.At(in s, definition.BucketsArray.Length);

    /// <summary>A native-only histogram's exemplars go in <c>Histogram.exemplars</c>; with classic buckets, in those.</summary>
    private static int NativeExemplarsSize(MetricDefinition definition, in SeriesSnapshot s) =>
        definition.BucketsArray.Length == 0 ? ProtobufExemplars.NativeFieldsSize(in s) : 0;

    /// <summary>
    /// The size of a native histogram's fields. Without any bucket, a no-op positive span (offset 0, length 0) is
    /// written, so that a parser tells the histogram from a classic one even when its zero threshold is 0.
    /// </summary>
    private static int NativeSize(NativeHistogramSnapshot native)
    {
        var size = 1 + ProtobufWire.VarintSize(ProtobufWire.ZigZag(native.Schema))
            + DoubleFieldSize
            + 1 + ProtobufWire.VarintSize((ulong)native.ZeroCount);
        var positive = native.PositiveSpans;
        var negative = native.NegativeSpans;
        if (positive.Count == 0 && negative.Count == 0)
        {
            return size + ProtobufWire.DelimitedSize(SpanSize(default));
        }

        return size + SpansSize(negative) + DeltasSize(native.NegativeDeltas) + SpansSize(positive) + DeltasSize(native.PositiveDeltas);
    }

    private static int SpanSize(NativeBucketSpan span) =>
        1 + ProtobufWire.VarintSize(ProtobufWire.ZigZag(span.Offset)) + 1 + ProtobufWire.VarintSize((ulong)span.Length);

    private static int SpansSize(IReadOnlyList<NativeBucketSpan> spans)
    {
        var size = 0;
        for (var i = 0; i < spans.Count; i++)
        {
            size += ProtobufWire.DelimitedSize(SpanSize(spans[i]));
        }

        return size;
    }

    /// <summary>The size of a packed sint64 field, key and length included; nothing when empty.</summary>
    private static int DeltasSize(IReadOnlyList<long> deltas) => deltas.Count == 0 ? 0 : ProtobufWire.DelimitedSize(PackedSize(deltas));

    private static int PackedSize(IReadOnlyList<long> deltas)
    {
        var size = 0;
        for (var i = 0; i < deltas.Count; i++)
        {
            size += ProtobufWire.VarintSize(ProtobufWire.ZigZag(deltas[i]));
        }

        return size;
    }

    private static void WriteNative(Span<byte> room, ref int position, NativeHistogramSnapshot native)
    {
        ProtobufWire.PutVarintField(room, ref position, SchemaField, ProtobufWire.ZigZag(native.Schema));
        ProtobufWire.PutDoubleField(room, ref position, ZeroThresholdField, native.ZeroThreshold);
        ProtobufWire.PutVarintField(room, ref position, ZeroCountField, (ulong)native.ZeroCount);
        var positive = native.PositiveSpans;
        var negative = native.NegativeSpans;
        if (positive.Count == 0 && negative.Count == 0)
        {
            PutSpan(room, ref position, PositiveSpanField, default);
            return;
        }

        PutSpans(room, ref position, NegativeSpanField, negative);
        PutDeltas(room, ref position, NegativeDeltaField, native.NegativeDeltas);
        PutSpans(room, ref position, PositiveSpanField, positive);
        PutDeltas(room, ref position, PositiveDeltaField, native.PositiveDeltas);
    }

    private static void PutSpans(Span<byte> room, ref int position, int field, IReadOnlyList<NativeBucketSpan> spans)
    {
        for (var i = 0; i < spans.Count; i++)
        {
            PutSpan(room, ref position, field, spans[i]);
        }
    }

    private static void PutSpan(Span<byte> room, ref int position, int field, NativeBucketSpan span)
    {
        ProtobufWire.PutDelimitedHeader(room, ref position, field, SpanSize(span));
        ProtobufWire.PutVarintField(room, ref position, SpanOffsetField, ProtobufWire.ZigZag(span.Offset));
        ProtobufWire.PutVarintField(room, ref position, SpanLengthField, (ulong)span.Length);
    }

    private static void PutDeltas(Span<byte> room, ref int position, int field, IReadOnlyList<long> deltas)
    {
        if (deltas.Count == 0)
        {
            return;
        }

        ProtobufWire.PutDelimitedHeader(room, ref position, field, PackedSize(deltas));
        for (var i = 0; i < deltas.Count; i++)
        {
            ProtobufWire.PutVarint(room, ref position, ProtobufWire.ZigZag(deltas[i]));
        }
    }

    private static void PutCreated(Span<byte> room, ref int position, int field, double createdSeconds)
    {
        if (!double.IsNaN(createdSeconds))
        {
            ProtobufWire.PutTimestampField(room, ref position, field, createdSeconds);
        }
    }
}
