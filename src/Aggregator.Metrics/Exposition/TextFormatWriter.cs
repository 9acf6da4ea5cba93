namespace Aggregator.Metrics.Exposition;

/// <summary>
/// Prometheus text format 0.0.4: timestamps in milliseconds, no <c>_created</c>, counters typed under their
/// <c>_total</c> name and info families as gauges named <c>_info</c>.
/// </summary>
internal sealed class TextFormatWriter : LineFormatWriter
{
    /// <summary>The writer per escaping scheme, in enum order: a writer holds no other state.</summary>
    public static readonly TextFormatWriter[] Instances = [.. Enum.GetValues<EscapingScheme>().Select(e => new TextFormatWriter(e))];

    private TextFormatWriter(EscapingScheme escaping)
        : base(escaping)
    {
    }

    /// <inheritdoc />
    public override ExpositionFormat Format => ExpositionFormat.Text;

    /// <inheritdoc />
    public override string ContentType => ExpositionWriter.TextContentType;

    /// <inheritdoc />
    protected override FamilyEncoding Encoding(MetricDefinition definition) => FamilyEncoding.Text(definition, Escaping);

    /// <inheritdoc />
    protected override bool IsSingleLine(MetricType type) => type is not (MetricType.Histogram or MetricType.Summary);

    /// <inheritdoc />
    protected override void WriteTimestamp(ref Utf8Writer writer, long timestampMs) => writer.WriteLong(timestampMs);
}
