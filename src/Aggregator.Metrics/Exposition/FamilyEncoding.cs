using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;

namespace Aggregator.Metrics.Exposition;

/// <summary>
/// The UTF-8 bytes of everything in a family's exposition that does not depend on a series: the HELP and TYPE lines,
/// the sample names, the label-name fragments and the <c>le</c> fragments. Built once per definition, format and
/// escaping scheme, so no name is escaped or quoted per series.
/// </summary>
/// <remarks>
/// Names are escaped by <see cref="NameEscaping"/>: the family name is escaped and the sample suffixes appended after
/// it (<c>my.requests</c> under <c>dots</c> is <c>my_dot_requests_total</c>), so that every parser still finds a
/// family's samples by their suffix. Under <c>allow-utf-8</c> a family whose name is not a legacy name is written in
/// the quoted form of Prometheus 3's text formats: <c># TYPE "my.requests" counter</c> and
/// <c>{"my.requests_total",code="200"} 1</c>; a label name that is not a legacy one is quoted too,
/// <c>{"http.method"="GET"}</c>. Quoted names escape <c>\</c>, <c>"</c> and newline as label values do. A family
/// whose names are all legacy names has one encoding per format, whatever the scheme.
/// </remarks>
internal sealed class FamilyEncoding
{
    // Keyed weakly by definition: an encoding lives as long as its definition, and the model holds no exposition state.
    // Per format, per escaping scheme (in enum order); the underscores table serves every family with legacy names.
    private static readonly ConditionalWeakTable<MetricDefinition, FamilyEncoding>[] TextEncodings = NewTables();
    private static readonly ConditionalWeakTable<MetricDefinition, FamilyEncoding>[] OpenMetricsEncodings = NewTables();

    private FamilyEncoding(MetricDefinition definition, bool openMetrics, EscapingScheme escaping)
    {
        var name = definition.Name;
        LegacyNames = NameEscaping.HasLegacyNames(definition);
        Escaping = LegacyNames ? EscapingScheme.Underscores : escaping;
        var quoted = Escaping == EscapingScheme.AllowUtf8 && !MetricNames.IsValidMetricName(name);
        var escaped = NameEscaping.EscapeMetricName(name, Escaping);
        Main = EncodeSampleName(escaped, SampleNames.Single(definition.Type, string.Empty), quoted);
        Bucket = EncodeSampleName(escaped, SampleNames.Bucket, quoted);
        Count = EncodeSampleName(escaped, SampleNames.Count, quoted);
        Sum = EncodeSampleName(escaped, SampleNames.Sum, quoted);
        Created = EncodeSampleName(escaped, SampleNames.Created, quoted);
        BareClose = quoted ? "} "u8.ToArray() : " "u8.ToArray();
        var metadataName = openMetrics ? escaped : escaped + SampleNames.Single(definition.Type, string.Empty);
        Header = EncodeHeader(definition, openMetrics, quoted ? Quote(metadataName) : Encode(metadataName));

        // A quoted metric name opens the braces: the first label follows it after a comma.
        var labels = definition.LabelNamesArray;
        var open = quoted ? "," : "{";
        LabelPrefixes = new byte[labels.Length][];
        for (var i = 0; i < labels.Length; i++)
        {
            LabelPrefixes[i] = [.. Encode(i == 0 ? open : "\","), .. LabelName(labels[i], Escaping), .. "=\""u8];
        }

        var bounds = definition.BucketsArray;
        BucketSuffixes = new byte[bounds.Length + 1][];
        for (var i = 0; i <= bounds.Length; i++)
        {
            var le = i < bounds.Length ? FormatBound(bounds[i]) : "+Inf";
            BucketSuffixes[i] = Encode((labels.Length == 0 ? open + "le=\"" : "\",le=\"") + le + "\"} ");
        }
    }

    /// <summary>The encoding of <paramref name="definition"/> in text 0.0.4 with names escaped by <paramref name="escaping"/>, built on first use.</summary>
    public static FamilyEncoding Text(MetricDefinition definition, EscapingScheme escaping = EscapingScheme.Underscores) =>
        Of(TextEncodings, definition, escaping, openMetrics: false);

    /// <summary>The encoding of <paramref name="definition"/> in OpenMetrics 1.0.0 with names escaped by <paramref name="escaping"/>, built on first use.</summary>
    public static FamilyEncoding OpenMetrics(MetricDefinition definition, EscapingScheme escaping = EscapingScheme.Underscores) =>
        Of(OpenMetricsEncodings, definition, escaping, openMetrics: true);

    /// <summary>Whether the family's metric and label names are all legacy names, which no scheme changes.</summary>
    public bool LegacyNames { get; }

    /// <summary>The scheme the names were written with (<see cref="EscapingScheme.Underscores"/> for legacy names: any would do).</summary>
    public EscapingScheme Escaping { get; }

    /// <summary>What ends a sample without labels and puts the space before its value: <c> </c>, or <c>} </c> after a quoted name.</summary>
    public byte[] BareClose { get; }

    /// <summary>The HELP and TYPE lines.</summary>
    public byte[] Header { get; }

    /// <summary>The single-valued sample name: <c>name_total</c>, <c>name_info</c> or <c>name</c>.</summary>
    public byte[] Main { get; }

    public byte[] Bucket { get; }

    public byte[] Count { get; }

    public byte[] Sum { get; }

    public byte[] Created { get; }

    /// <summary>Per label: <c>{name="</c> for the first (<c>,name="</c> after a quoted metric name), <c>",name="</c> for the others.</summary>
    public byte[][] LabelPrefixes { get; }

    /// <summary>Per bucket: what closes a bucket sample's labels, including <c>le</c> and the space before the value.</summary>
    public byte[][] BucketSuffixes { get; }

    /// <summary>
    /// Renders a bucket bound the one way it is always rendered, in both formats: shortest round-trip, with ".0" added
    /// to whole numbers as OpenMetrics' canonical form asks (so 1 is "1.0", 0.25 is "0.25", 1e+20 stays "1e+20").
    /// </summary>
    public static string FormatBound(double bound)
    {
        var buffer = new ArrayBufferWriter<byte>(32);
        var writer = new Utf8Writer(buffer);
        writer.WriteDouble(bound);
        writer.Flush();
        var text = Encoding.UTF8.GetString(buffer.WrittenSpan);
        return text.AsSpan().IndexOfAny(".eEIN") < 0 ? text + ".0" : text;
    }

    private static ConditionalWeakTable<MetricDefinition, FamilyEncoding>[] NewTables() =>
        [.. Enum.GetValues<EscapingScheme>().Select(_ => new ConditionalWeakTable<MetricDefinition, FamilyEncoding>())];

    private static FamilyEncoding Of(ConditionalWeakTable<MetricDefinition, FamilyEncoding>[] tables, MetricDefinition definition, EscapingScheme escaping, bool openMetrics)
    {
        // Most families have legacy names: their underscores encoding serves every scheme, found with one lookup.
        var underscores = tables[(int)EscapingScheme.Underscores].GetValue(
            definition,
            openMetrics ? static d => new FamilyEncoding(d, true, EscapingScheme.Underscores) : static d => new FamilyEncoding(d, false, EscapingScheme.Underscores));
        if (escaping == EscapingScheme.Underscores || underscores.LegacyNames)
        {
            return underscores;
        }

        // Looked up first: the factory captures the scheme, and would cost an allocation on every scrape.
        var table = tables[(int)escaping];
        return table.TryGetValue(definition, out var escaped) ? escaped : table.GetValue(definition, d => new FamilyEncoding(d, openMetrics, escaping));
    }

    private static byte[] Encode(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>A sample name: the escaped family name and the suffix, or <c>{"</c>, the whole name escaped as a string, and <c>"</c>.</summary>
    private static byte[] EncodeSampleName(string escapedName, string suffix, bool quoted) =>
        quoted ? [.. "{"u8, .. Quote(escapedName + suffix)] : Encode(escapedName + suffix);

    /// <summary>A label name as written: escaped by the scheme, and quoted under allow-utf-8 when it is not a legacy name.</summary>
    private static byte[] LabelName(string label, EscapingScheme escaping) =>
        escaping == EscapingScheme.AllowUtf8 && !MetricNames.HasLegacyLabelCharacters(label)
            ? Quote(label)
            : Encode(NameEscaping.EscapeLabelName(label, escaping));

    /// <summary><paramref name="name"/> in double quotes, with <c>\</c>, <c>"</c> and newline escaped as in a label value.</summary>
    private static byte[] Quote(string name)
    {
        var buffer = new ArrayBufferWriter<byte>(name.Length + 8);
        var writer = new Utf8Writer(buffer);
        writer.Write((byte)'"');
        writer.WriteEscaped(name);
        writer.Write((byte)'"');
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    private static byte[] EncodeHeader(MetricDefinition definition, bool openMetrics, byte[] metadataName)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        var writer = new Utf8Writer(buffer);

        // Text 0.0.4 knows no info type: an info is a gauge named name_info there, and a counter is named name_total.
        var typeName = openMetrics || definition.Type != MetricType.Info ? MetricDefinition.TypeName(definition.Type) : "gauge";

        writer.Write("# HELP "u8);
        writer.Write(metadataName);
        writer.Write((byte)' ');
        if (openMetrics)
        {
            writer.WriteEscaped(definition.Help);
        }
        else
        {
            writer.WriteHelpEscaped(definition.Help);
        }

        writer.Write("\n# TYPE "u8);
        writer.Write(metadataName);
        writer.Write((byte)' ');
        writer.WriteUtf8Text(typeName);
        writer.Write((byte)'\n');
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }
}
