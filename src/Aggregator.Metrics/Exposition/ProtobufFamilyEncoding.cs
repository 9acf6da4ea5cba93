using System.Runtime.CompilerServices;

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
        var name = definition.SampleName();
        var nameLength = ProtobufWire.Utf8Length(name);
        var helpLength = ProtobufWire.Utf8Length(definition.Help);
        var fields = new byte[ProtobufWire.DelimitedSize(nameLength) + ProtobufWire.DelimitedSize(helpLength) + 2];
        var position = 0;
        ProtobufWire.PutStringField(fields, ref position, 1, name, nameLength);
        ProtobufWire.PutStringField(fields, ref position, 2, definition.Help, helpLength);
        ProtobufWire.PutVarintField(fields, ref position, 3, definition.Type switch
        {
            MetricType.Counter => CounterType,
            MetricType.Summary => SummaryType,
            MetricType.Histogram => HistogramType,
            _ => GaugeType,
        });
        Fields = fields;

        var labels = definition.LabelNamesArray;
        LabelNameFields = new byte[labels.Length][];
        for (var i = 0; i < labels.Length; i++)
        {
            var length = ProtobufWire.Utf8Length(labels[i]);
            var field = new byte[ProtobufWire.DelimitedSize(length)];
            var at = 0;
            ProtobufWire.PutStringField(field, ref at, 1, labels[i], length);
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
