namespace Aggregator.Metrics.Exposition;

/// <summary>
/// Exemplars in the protobuf format: <c>io.prometheus.client.Exemplar</c> (labels, value, timestamp) in a Counter's
/// field 2 and a Bucket's field 3, with <see cref="ExemplarSnapshot.ExposedLabels"/> as in OpenMetrics. A histogram's
/// +Inf bucket, which the writer otherwise leaves to Prometheus to infer from the count, is written when it holds an
/// exemplar, as client_golang does.
/// </summary>
internal static class ProtobufExemplars
{
    /// <summary>Counter.exemplar.</summary>
    public const int CounterField = 2;

    /// <summary>Bucket.exemplar.</summary>
    public const int BucketField = 3;

    // Histogram.exemplars (repeated), a native histogram's: field 16, length-delimited, a two-byte key.
    private static ReadOnlySpan<byte> NativeKey => [0x82, 0x01];

    private const int LabelField = 1;
    private const int ValueField = 2;
    private const int TimestampField = 3;
    private const int LabelNameField = 1;
    private const int LabelValueField = 2;

    /// <summary>The size of an exemplar field, header included; 0 for none.</summary>
    public static int FieldSize(ExemplarSnapshot? exemplar) => exemplar is null ? 0 : ProtobufWire.DelimitedSize(Size(exemplar));

    /// <summary>Puts <paramref name="exemplar"/> as field <paramref name="field"/>; nothing for none.</summary>
    public static void Put(Span<byte> room, ref int position, int field, ExemplarSnapshot? exemplar)
    {
        if (exemplar is null)
        {
            return;
        }

        ProtobufWire.PutDelimitedHeader(room, ref position, field, Size(exemplar));
        PutContent(room, ref position, exemplar);
    }

    private static void PutContent(Span<byte> room, ref int position, ExemplarSnapshot exemplar)
    {
        foreach (var label in exemplar.ExposedLabels)
        {
            var name = ProtobufWire.Utf8Length(label.Key);
            var value = ProtobufWire.Utf8Length(label.Value);
            ProtobufWire.PutDelimitedHeader(room, ref position, LabelField, ProtobufWire.DelimitedSize(name) + ProtobufWire.DelimitedSize(value));
            ProtobufWire.PutStringField(room, ref position, LabelNameField, label.Key, name);
            ProtobufWire.PutStringField(room, ref position, LabelValueField, label.Value, value);
        }

        ProtobufWire.PutDoubleField(room, ref position, ValueField, exemplar.Value);
        ProtobufWire.PutTimestampField(room, ref position, TimestampField, exemplar.TimestampMs / 1000.0);
    }

    /// <summary>
    /// The size of a native-only histogram's <c>exemplars</c> (every cell's exemplar: such a histogram has one classic
    /// cell, +Inf), which has no classic bucket to hold them.
    /// </summary>
    public static int NativeFieldsSize(in SeriesSnapshot s)
    {
        var size = 0;
        foreach (var exemplar in s.Exemplars)
        {
            if (exemplar is not null)
            {
                var content = Size(exemplar);
                size += NativeKey.Length + ProtobufWire.VarintSize((ulong)content) + content;
            }
        }

        return size;
    }

    /// <summary>Puts a native-only histogram's exemplars as <c>Histogram.exemplars</c>.</summary>
    public static void PutNative(Span<byte> room, ref int position, in SeriesSnapshot s)
    {
        foreach (var exemplar in s.Exemplars)
        {
            if (exemplar is null)
            {
                continue;
            }

            ProtobufWire.PutBytes(room, ref position, NativeKey);
            ProtobufWire.PutVarint(room, ref position, (ulong)Size(exemplar));
            PutContent(room, ref position, exemplar);
        }
    }

    private static int Size(ExemplarSnapshot exemplar)
    {
        var size = 1 + sizeof(double) + ProtobufWire.DelimitedSize(ProtobufWire.TimestampSize(exemplar.TimestampMs / 1000.0));
        foreach (var label in exemplar.ExposedLabels)
        {
            size += ProtobufWire.DelimitedSize(
                ProtobufWire.DelimitedSize(ProtobufWire.Utf8Length(label.Key)) + ProtobufWire.DelimitedSize(ProtobufWire.Utf8Length(label.Value)));
        }

        return size;
    }
}
