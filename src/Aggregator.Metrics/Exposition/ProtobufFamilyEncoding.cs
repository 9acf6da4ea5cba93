using System.Runtime.CompilerServices;

namespace Aggregator.Metrics.Exposition;

/// <summary>
/// The bytes of a family's <c>MetricFamily</c> message that do not depend on a series (name, help and type fields),
/// and each label's name field, built once per definition and escaping scheme (once for legacy names).
/// </summary>
internal sealed class ProtobufFamilyEncoding
{
    // io.prometheus.client.MetricType: there is no info type, so an info family is a gauge named name_info.
    private const int CounterType = 0;
    private const int GaugeType = 1;
    private const int SummaryType = 2;
    private const int HistogramType = 4;

    // Keyed weakly by definition, as the line formats' encodings are: the model holds no exposition state. Per escaping
    // scheme (in enum order); the underscores table serves every family with legacy names.
    private static readonly ConditionalWeakTable<MetricDefinition, ProtobufFamilyEncoding>[] Encodings =
        [.. Enum.GetValues<EscapingScheme>().Select(_ => new ConditionalWeakTable<MetricDefinition, ProtobufFamilyEncoding>())];

    private ProtobufFamilyEncoding(MetricDefinition definition, EscapingScheme escaping)
    {
        // Protobuf holds any name as a string: nothing is quoted. Escaped names are the escaped family name with the
        // suffix after it, as the line formats write them, so one scrape stores the same names whatever the format.
        LegacyNames = NameEscaping.HasLegacyNames(definition);
        var name = NameEscaping.EscapeMetricName(definition.Name, escaping) + SampleNames.Single(definition.Type, string.Empty);
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
            var label = NameEscaping.EscapeLabelName(labels[i], escaping);
            var length = ProtobufWire.Utf8Length(label);
            var field = new byte[ProtobufWire.DelimitedSize(length)];
            var at = 0;
            ProtobufWire.PutStringField(field, ref at, 1, label, length);
            LabelNameFields[i] = field;
        }
    }

    /// <summary>The family's name, help and type fields.</summary>
    public byte[] Fields { get; }

    /// <summary>Per label: the <c>LabelPair.name</c> field, key and length included.</summary>
    public byte[][] LabelNameFields { get; }

    /// <summary>Whether the family's metric and label names are all legacy names, which no scheme changes.</summary>
    public bool LegacyNames { get; }

    /// <summary>The encoding of <paramref name="definition"/> with names escaped by <paramref name="escaping"/>, built on first use.</summary>
    public static ProtobufFamilyEncoding Of(MetricDefinition definition, EscapingScheme escaping = EscapingScheme.Underscores)
    {
        var underscores = Encodings[(int)EscapingScheme.Underscores].GetValue(definition, static d => new ProtobufFamilyEncoding(d, EscapingScheme.Underscores));
        if (escaping == EscapingScheme.Underscores || underscores.LegacyNames)
        {
            return underscores;
        }

        // Looked up first: the factory captures the scheme, and would cost an allocation on every scrape.
        var table = Encodings[(int)escaping];
        return table.TryGetValue(definition, out var escaped) ? escaped : table.GetValue(definition, d => new ProtobufFamilyEncoding(d, escaping));
    }
}
