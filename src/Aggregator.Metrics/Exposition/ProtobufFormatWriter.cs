namespace Aggregator.Metrics.Exposition;

/// <summary>
/// Prometheus' protobuf format: each family one length-delimited <c>io.prometheus.client.MetricFamily</c> message,
/// written in place without building the messages. Every message's length is computed before it is written, so a
/// family is sized in one pass over its series and written, chunk by chunk, in another.
/// </summary>
/// <remarks>
/// Field numbers are those of <c>io/prometheus/client/metrics.proto</c>. A counter's family is named with its
/// <c>_total</c> and an info family is a gauge named <c>_info</c> of value 1, as the protobuf format has no info type.
/// Histograms list their finite buckets (Prometheus adds +Inf from the count). Creation times go in the
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

    // A key of a field numbered 1 to 15 and a fixed64 double after it.
    private const int DoubleFieldSize = 1 + sizeof(double);

    private ProtobufFormatWriter(EscapingScheme escaping)
        : base(escaping)
    {
    }

    /// <summary>The writer of names escaped by underscores, the default.</summary>
    public static ProtobufFormatWriter Instance => Instances[(int)EscapingScheme.Underscores];

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
        if (from == 0)
        {
            long size = encoding.Fields.Length;
            foreach (ref readonly var s in series.AsSpan())
            {
                var metric = MetricSize(definition, encoding, in s, timestamped);
                size += 1 + ProtobufWire.VarintSize((ulong)metric) + metric;
            }

            ProtobufWire.Varint(ref writer, (ulong)size);
            writer.Write(encoding.Fields);
        }

        for (var i = from; i < to; i++)
        {
            ref readonly var s = ref series[i];
            ProtobufWire.DelimitedHeader(ref writer, MetricField, MetricSize(definition, encoding, in s, timestamped));
            WriteMetric(ref writer, definition, encoding, in s, timestamped);
        }
    }

    /// <inheritdoc />
    public override void WriteLiveFamily(ref Utf8Writer writer, MetricDefinition definition, MetricChild[] children, int from, int to, bool includeTimestamps) =>
        throw new InvalidOperationException("The protobuf writer writes snapshots only: a family's length is needed before its first series.");

    private static int MetricSize(MetricDefinition definition, ProtobufFamilyEncoding encoding, in SeriesSnapshot s, bool timestamped)
    {
        var size = 0;
        var values = s.LabelValuesArray;
        for (var i = 0; i < values.Length; i++)
        {
            size += ProtobufWire.DelimitedSize(LabelPairSize(encoding.LabelNameFields[i], values[i]));
        }

        size += ProtobufWire.DelimitedSize(ValueSize(definition, in s));
        if (timestamped && s.HasTimestamp)
        {
            size += 1 + ProtobufWire.VarintSize((ulong)s.TimestampMs);
        }

        return size;
    }

    private static int LabelPairSize(byte[] nameField, string value) =>
        nameField.Length + ProtobufWire.DelimitedSize(ProtobufWire.Utf8Length(value));

    /// <summary>The content size of the metric's typed message (Counter, Gauge, Summary or Histogram).</summary>
    private static int ValueSize(MetricDefinition definition, in SeriesSnapshot s)
    {
        switch (definition.Type)
        {
            case MetricType.Counter:
                return DoubleFieldSize + CreatedSize(s.CreatedSeconds);
            case MetricType.Summary:
                return 1 + ProtobufWire.VarintSize((ulong)s.Count) + DoubleFieldSize + CreatedSize(s.CreatedSeconds);
            case MetricType.Histogram:
                var size = 1 + ProtobufWire.VarintSize((ulong)s.Count) + DoubleFieldSize + CreatedSize(s.CreatedSeconds);
                var buckets = s.CumulativeBucketsArray!;
                for (var b = 0; b < buckets.Length - 1; b++)
                {
                    size += ProtobufWire.DelimitedSize(1 + ProtobufWire.VarintSize((ulong)buckets[b]) + DoubleFieldSize);
                }

                return size;
            default:
                return DoubleFieldSize;
        }
    }

    private static int CreatedSize(double createdSeconds) =>
        double.IsNaN(createdSeconds) ? 0 : ProtobufWire.DelimitedSize(ProtobufWire.TimestampSize(createdSeconds));

    private static void WriteMetric(ref Utf8Writer writer, MetricDefinition definition, ProtobufFamilyEncoding encoding, in SeriesSnapshot s, bool timestamped)
    {
        var values = s.LabelValuesArray;
        for (var i = 0; i < values.Length; i++)
        {
            var nameField = encoding.LabelNameFields[i];
            var valueLength = ProtobufWire.Utf8Length(values[i]);
            ProtobufWire.DelimitedHeader(ref writer, LabelField, nameField.Length + ProtobufWire.DelimitedSize(valueLength));
            writer.Write(nameField);
            ProtobufWire.StringField(ref writer, LabelValueField, values[i], valueLength);
        }

        var valueSize = ValueSize(definition, in s);
        switch (definition.Type)
        {
            case MetricType.Counter:
                ProtobufWire.DelimitedHeader(ref writer, CounterField, valueSize);
                ProtobufWire.DoubleField(ref writer, ValueField, s.Value);
                WriteCreated(ref writer, CounterCreatedField, s.CreatedSeconds);
                break;
            case MetricType.Summary:
                ProtobufWire.DelimitedHeader(ref writer, SummaryField, valueSize);
                ProtobufWire.VarintField(ref writer, SampleCountField, (ulong)s.Count);
                ProtobufWire.DoubleField(ref writer, SampleSumField, s.Sum);
                WriteCreated(ref writer, SummaryCreatedField, s.CreatedSeconds);
                break;
            case MetricType.Histogram:
                ProtobufWire.DelimitedHeader(ref writer, HistogramField, valueSize);
                WriteHistogram(ref writer, definition, in s);
                break;
            default:
                ProtobufWire.DelimitedHeader(ref writer, GaugeField, valueSize);
                ProtobufWire.DoubleField(ref writer, ValueField, s.Value);
                break;
        }

        if (timestamped && s.HasTimestamp)
        {
            ProtobufWire.VarintField(ref writer, TimestampField, (ulong)s.TimestampMs);
        }
    }

    private static void WriteHistogram(ref Utf8Writer writer, MetricDefinition definition, in SeriesSnapshot s)
    {
        ProtobufWire.VarintField(ref writer, SampleCountField, (ulong)s.Count);
        ProtobufWire.DoubleField(ref writer, SampleSumField, s.Sum);
        var buckets = s.CumulativeBucketsArray!;
        var bounds = definition.BucketsArray;
        for (var b = 0; b < buckets.Length - 1; b++)
        {
            ProtobufWire.DelimitedHeader(ref writer, BucketField, 1 + ProtobufWire.VarintSize((ulong)buckets[b]) + DoubleFieldSize);
            ProtobufWire.VarintField(ref writer, CumulativeCountField, (ulong)buckets[b]);
            ProtobufWire.DoubleField(ref writer, UpperBoundField, bounds[b]);
        }

        WriteCreated(ref writer, HistogramCreatedField, s.CreatedSeconds);
    }

    private static void WriteCreated(ref Utf8Writer writer, int field, double createdSeconds)
    {
        if (!double.IsNaN(createdSeconds))
        {
            ProtobufWire.TimestampField(ref writer, field, createdSeconds);
        }
    }
}
