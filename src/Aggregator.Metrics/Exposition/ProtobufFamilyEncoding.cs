using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;

namespace Aggregator.Metrics.Exposition;

/// <summary>
/// The bytes of a family's <c>MetricFamily</c> message that do not depend on a series (name, help and type fields),
/// and each label's name field, built once per definition.
/// </summary>
internal sealed class ProtobufFamilyEncoding
{
    // io.prometheus.client.MetricType: there is no info type, so an info family is a gauge named name_info.
    private const int CounterType = 0;
    private const int GaugeType = 1;
    private const int SummaryType = 2;
    private const int HistogramType = 4;

    // Keyed weakly by definition, as the line formats' encodings are: the model holds no exposition state.
    private static readonly ConditionalWeakTable<MetricDefinition, ProtobufFamilyEncoding> Encodings = [];

    private ProtobufFamilyEncoding(MetricDefinition definition)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        var writer = new Utf8Writer(buffer);
        var name = definition.SampleName();
        ProtobufWire.StringField(ref writer, 1, name, ProtobufWire.Utf8Length(name));
        ProtobufWire.StringField(ref writer, 2, definition.Help, ProtobufWire.Utf8Length(definition.Help));
        ProtobufWire.VarintField(ref writer, 3, definition.Type switch
        {
            MetricType.Counter => CounterType,
            MetricType.Summary => SummaryType,
            MetricType.Histogram => HistogramType,
            _ => GaugeType,
        });
        writer.Flush();
        Fields = buffer.WrittenSpan.ToArray();

        var labels = definition.LabelNamesArray;
        LabelNameFields = new byte[labels.Length][];
        for (var i = 0; i < labels.Length; i++)
        {
            var bytes = Encoding.UTF8.GetBytes(labels[i]);
            var field = new byte[1 + ProtobufWire.VarintSize((ulong)bytes.Length) + bytes.Length];
            var n = ProtobufWire.WriteVarint(field, ProtobufWire.Tag(1, ProtobufWire.DelimitedWire));
            n += ProtobufWire.WriteVarint(field.AsSpan(n), (ulong)bytes.Length);
            bytes.CopyTo(field, n);
            LabelNameFields[i] = field;
        }
    }

    /// <summary>The family's name, help and type fields.</summary>
    public byte[] Fields { get; }

    /// <summary>Per label: the <c>LabelPair.name</c> field, key and length included.</summary>
    public byte[][] LabelNameFields { get; }

    /// <summary>The encoding of <paramref name="definition"/>, built on first use.</summary>
    public static ProtobufFamilyEncoding Of(MetricDefinition definition) =>
        Encodings.GetValue(definition, static d => new ProtobufFamilyEncoding(d));
}
