namespace Aggregator.Metrics.Exposition;

/// <summary>
/// One exposition format: how a family's header, its series and the end of an exposition are written. The public
/// <see cref="ExpositionWriter"/> walks the families, chunks and flushes; a format writer only turns them into bytes.
/// </summary>
internal abstract class FormatWriter
{
    /// <summary>Creates the writer of names escaped by <paramref name="escaping"/>.</summary>
    protected FormatWriter(EscapingScheme escaping) => Escaping = escaping;

    /// <summary>How names that are not legacy names are written (see <see cref="NameEscaping"/>).</summary>
    public EscapingScheme Escaping { get; }

    /// <summary>The format written.</summary>
    public abstract ExpositionFormat Format { get; }

    /// <summary>The response's content type.</summary>
    public abstract string ContentType { get; }

    /// <summary>
    /// Whether a registry's live series can be written straight from its children. A format that must know a family's
    /// length before its first series (protobuf's length prefixes) says no, and is given a snapshot instead.
    /// </summary>
    public virtual bool WritesLiveFamilies => true;

    /// <summary>The writer of <paramref name="format"/> with names escaped by <paramref name="escaping"/>.</summary>
    public static FormatWriter For(ExpositionFormat format, EscapingScheme escaping = EscapingScheme.Underscores)
    {
        if (!Enum.IsDefined(escaping))
        {
            throw new ArgumentOutOfRangeException(nameof(escaping), escaping, $"Escaping scheme {escaping} is not one of AllowUtf8, Underscores, Dots, Values.");
        }

        return format switch
        {
            ExpositionFormat.Text => TextFormatWriter.Instances[(int)escaping],
            ExpositionFormat.OpenMetrics => OpenMetricsFormatWriter.Instances[(int)escaping],
            ExpositionFormat.Protobuf => ProtobufFormatWriter.Instances[(int)escaping],
            _ => throw UnknownFormat(format),
        };
    }

    /// <summary>Writes series <paramref name="from"/> to <paramref name="to"/> of a family, and its header first when <paramref name="from"/> is 0.</summary>
    public abstract void WriteFamily(ref Utf8Writer writer, MetricFamilySnapshot family, int from, int to, bool includeTimestamps);

    /// <summary>As <see cref="WriteFamily"/>, from a registry's live children; called only when <see cref="WritesLiveFamilies"/>.</summary>
    public abstract void WriteLiveFamily(ref Utf8Writer writer, MetricDefinition definition, MetricChild[] children, int from, int to, bool includeTimestamps);

    /// <summary>Writes what closes an exposition (OpenMetrics' <c># EOF</c>); nothing by default.</summary>
    public virtual void WriteEnd(ref Utf8Writer writer)
    {
    }

    private static ArgumentOutOfRangeException UnknownFormat(ExpositionFormat format) =>
        new(nameof(format), format, $"Exposition format {format} is not one of Text, OpenMetrics, Protobuf.");
}
