using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;

namespace Aggregator.Metrics.Exposition;

/// <summary>
/// The UTF-8 bytes of everything in a family's exposition that does not depend on a series: the HELP and TYPE lines,
/// the sample names, the label-name fragments and the <c>le</c> fragments. Built once per definition and format.
/// </summary>
internal sealed class FamilyEncoding
{
    // Keyed weakly by definition: an encoding lives as long as its definition, and the model holds no exposition state.
    private static readonly ConditionalWeakTable<MetricDefinition, FamilyEncoding> TextEncodings = [];
    private static readonly ConditionalWeakTable<MetricDefinition, FamilyEncoding> OpenMetricsEncodings = [];

    private FamilyEncoding(MetricDefinition definition, bool openMetrics)
    {
        var name = definition.Name;
        Main = Encode(definition.SampleName());
        Bucket = Encode(name + SampleNames.Bucket);
        Count = Encode(name + SampleNames.Count);
        Sum = Encode(name + SampleNames.Sum);
        Created = Encode(name + SampleNames.Created);
        Header = EncodeHeader(definition, openMetrics);

        var labels = definition.LabelNamesArray;
        LabelPrefixes = new byte[labels.Length][];
        for (var i = 0; i < labels.Length; i++)
        {
            LabelPrefixes[i] = Encode((i == 0 ? "{" : "\",") + labels[i] + "=\"");
        }

        var bounds = definition.BucketsArray;
        BucketSuffixes = new byte[bounds.Length + 1][];
        for (var i = 0; i <= bounds.Length; i++)
        {
            var le = i < bounds.Length ? FormatBound(bounds[i]) : "+Inf";
            BucketSuffixes[i] = Encode((labels.Length == 0 ? "{le=\"" : "\",le=\"") + le + "\"} ");
        }
    }

    /// <summary>The encoding of <paramref name="definition"/> in text 0.0.4, built on first use.</summary>
    public static FamilyEncoding Text(MetricDefinition definition) =>
        TextEncodings.GetValue(definition, static d => new FamilyEncoding(d, openMetrics: false));

    /// <summary>The encoding of <paramref name="definition"/> in OpenMetrics 1.0.0, built on first use.</summary>
    public static FamilyEncoding OpenMetrics(MetricDefinition definition) =>
        OpenMetricsEncodings.GetValue(definition, static d => new FamilyEncoding(d, openMetrics: true));

    /// <summary>The HELP and TYPE lines.</summary>
    public byte[] Header { get; }

    /// <summary>The single-valued sample name: <c>name_total</c>, <c>name_info</c> or <c>name</c>.</summary>
    public byte[] Main { get; }

    public byte[] Bucket { get; }

    public byte[] Count { get; }

    public byte[] Sum { get; }

    public byte[] Created { get; }

    /// <summary>Per label: <c>{name="</c> for the first, <c>",name="</c> for the others.</summary>
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

    private static byte[] Encode(string text) => Encoding.UTF8.GetBytes(text);

    private static byte[] EncodeHeader(MetricDefinition definition, bool openMetrics)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        var writer = new Utf8Writer(buffer);
        string metadataName;
        string typeName;
        if (openMetrics)
        {
            metadataName = definition.Name;
            typeName = MetricDefinition.TypeName(definition.Type);
        }
        else
        {
            // Text 0.0.4 knows no info type: an info is a gauge named name_info there, and a counter is named name_total.
            metadataName = definition.SampleName();
            typeName = definition.Type == MetricType.Info ? "gauge" : MetricDefinition.TypeName(definition.Type);
        }

        writer.Write("# HELP "u8);
        writer.WriteUtf8Text(metadataName);
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
        writer.WriteUtf8Text(metadataName);
        writer.Write((byte)' ');
        writer.WriteUtf8Text(typeName);
        writer.Write((byte)'\n');
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }
}
