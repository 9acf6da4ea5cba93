namespace Aggregator.Metrics.Exposition;

/// <summary>
/// OpenMetrics 1.0.0: timestamps in seconds, <c>_created</c> after counters, histograms and summaries, a <c>_sum</c>
/// only where OpenMetrics allows one, and <c># EOF</c> at the end.
/// </summary>
internal sealed class OpenMetricsFormatWriter : LineFormatWriter
{
    /// <summary>The writer per escaping scheme, in enum order: a writer holds no other state.</summary>
    public static readonly OpenMetricsFormatWriter[] Instances = [.. Enum.GetValues<EscapingScheme>().Select(e => new OpenMetricsFormatWriter(e))];

    private OpenMetricsFormatWriter(EscapingScheme escaping)
        : base(escaping)
    {
    }

    /// <inheritdoc />
    public override ExpositionFormat Format => ExpositionFormat.OpenMetrics;

    /// <inheritdoc />
    public override string ContentType => ExpositionWriter.OpenMetricsContentType;

    /// <inheritdoc />
    public override void WriteEnd(ref Utf8Writer writer) => writer.Write("# EOF\n"u8);

    /// <inheritdoc />
    protected override FamilyEncoding Encoding(MetricDefinition definition) => FamilyEncoding.OpenMetrics(definition, Escaping);

    /// <inheritdoc />
    protected override bool IsSingleLine(MetricType type) => type is MetricType.Gauge or MetricType.Info;

    /// <inheritdoc />
    protected override void WriteTimestamp(ref Utf8Writer writer, long timestampMs) => writer.WriteSecondsFromMilliseconds(timestampMs);

    /// <inheritdoc />
    protected override void WriteExemplar(ref Utf8Writer writer, ExemplarSnapshot exemplar) => ExemplarWriter.Write(ref writer, exemplar);

    /// <inheritdoc />
    protected override void WriteCounterExtras(ref Utf8Writer writer, FamilyEncoding encoding, in SeriesSnapshot s, long timestamp) =>
        WriteCreated(ref writer, encoding, in s, timestamp);

    /// <inheritdoc />
    protected override void WriteCreated(ref Utf8Writer writer, FamilyEncoding encoding, in SeriesSnapshot s, long timestamp)
    {
        // _created shares its group's timestamp, which OpenMetrics requires.
        if (!double.IsNaN(s.CreatedSeconds))
        {
            writer.WriteLabelled(encoding.Created, encoding.LabelPrefixes, s.LabelValuesArray, Close(encoding, s.LabelValuesArray.Length));
            writer.WriteSeconds(s.CreatedSeconds);
            WriteTimestampAndNewline(ref writer, timestamp);
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// OpenMetrics treats _sum as a counter: it may not be negative or NaN, and a histogram with a negative bound may not
    /// have one; _count must then go too. The buckets still carry the count.
    /// </remarks>
    protected override bool KeepsHistogramSum(MetricDefinition definition, in SeriesSnapshot s) =>
        s.Sum >= 0 && (definition.BucketsArray.Length == 0 || definition.BucketsArray[0] >= 0);

    /// <inheritdoc />
    /// <remarks>OpenMetrics treats a summary's _sum as a counter too: left out when negative or NaN.</remarks>
    protected override bool KeepsSummarySum(in SeriesSnapshot s) => s.Sum >= 0;
}
