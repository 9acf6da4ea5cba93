using System.Runtime.Serialization;
using Aggregator.Metrics;

namespace Aggregator.Cluster.Serialization;

/// <summary>
/// A series' exemplars on the wire (snapshot format version 4, written only for series that have exemplars, behind the
/// series flag <c>HasExemplars</c>): the number of cells (1 for a counter, one per bucket for a histogram), then per
/// cell 0 for none, or the label count plus 1, each label's name as a string reference and its value inline (trace ids
/// are unique, so the string table would only grow with them), the value as 8 raw bytes, the timestamp as a zigzag
/// varint of epoch milliseconds, and the sources (count, then name and value as string references).
/// </summary>
/// <remarks>
/// Snapshots without exemplars are written as before (version 2, or 3 with native histograms), under the manifests
/// older nodes read; a reply with exemplars travels under a version-4 manifest (<c>ACR4</c>, <c>ACK2</c>), which an
/// older node refuses with "AggregatorSerializer does not know manifest …" in its log (its collector then counts the
/// node as not answering for that collection).
/// </remarks>
internal static class ExemplarCodec
{
    // The most labels (and source labels) one exemplar may carry on the wire: the 128-character limit allows fewer.
    private const int MaxLabels = 64;

    /// <summary>Whether any series of <paramref name="snapshot"/> carries an exemplar (and so needs format version 4).</summary>
    public static bool Any(MetricsSnapshot? snapshot)
    {
        if (snapshot is null)
        {
            return false;
        }

        foreach (var family in snapshot.Families)
        {
            if (family.Definition.Type is not (MetricType.Counter or MetricType.Histogram))
            {
                continue;
            }

            foreach (var series in family.Series)
            {
                if (Carries(family.Definition, series))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>
    /// Whether <paramref name="series"/> has exemplars the wire carries: a counter's one cell or a histogram's one per
    /// bucket. Exemplars of another shape (a custom collector's gauge, say) are not sent, rather than refused by the
    /// receiving node.
    /// </summary>
    public static bool Carries(MetricDefinition definition, in SeriesSnapshot series) =>
        series.Exemplars.Count > 0 && series.Exemplars.Count == CellCount(definition);

    /// <summary>How many exemplar cells a series of <paramref name="definition"/> has: one for a counter, one per bucket (+Inf included) for a histogram, -1 for types without exemplars.</summary>
    private static int CellCount(MetricDefinition definition) => definition.Type switch
    {
        MetricType.Counter => 1,
        MetricType.Histogram => definition.Buckets.Count + 1,
        _ => -1,
    };

    /// <summary>Writes <paramref name="exemplars"/> (not empty).</summary>
    public static void Write(BinaryEncoder body, IReadOnlyList<ExemplarSnapshot?> exemplars, Action<string> writeRef)
    {
        body.WriteVarint(exemplars.Count);
        foreach (var exemplar in exemplars)
        {
            if (exemplar is null)
            {
                body.WriteVarint(0);
                continue;
            }

            body.WriteVarint(exemplar.Labels.Count + 1);
            foreach (var label in exemplar.Labels)
            {
                writeRef(label.Key);
                body.WriteString(label.Value);
            }

            body.WriteDouble(exemplar.Value);
            body.WriteSigned(exemplar.TimestampMs);
            body.WriteVarint(exemplar.Sources.Count);
            foreach (var source in exemplar.Sources)
            {
                writeRef(source.Key);
                writeRef(source.Value);
            }
        }
    }

    /// <summary>Reads what <see cref="Write"/> wrote for a series of <paramref name="definition"/>.</summary>
    public static ExemplarSnapshot?[] Read(ref BinaryDecoder reader, MetricDefinition definition, IReadOnlyList<string> table)
    {
        var expected = CellCount(definition);
        if (expected < 0)
        {
            throw new SerializationException($"Family '{definition.Name}' is a {definition.Type}, which has no exemplars.");
        }

        var count = reader.ReadCount(expected);
        if (count != expected)
        {
            throw new SerializationException($"A series of '{definition.Name}' has {count} exemplar cells; its shape has {expected}.");
        }

        var exemplars = new ExemplarSnapshot?[count];
        for (var i = 0; i < count; i++)
        {
            var labelCount = reader.ReadCount(MaxLabels + 1);
            if (labelCount == 0)
            {
                continue;
            }

            var labels = new KeyValuePair<string, string>[labelCount - 1];
            for (var l = 0; l < labels.Length; l++)
            {
                var name = SeriesCodec.Ref(ref reader, table);
                labels[l] = new(name, reader.ReadString());
            }

            var value = reader.ReadDouble();
            var timestamp = reader.ReadSigned();
            var sources = new KeyValuePair<string, string>[reader.ReadCount(MaxLabels)];
            for (var s = 0; s < sources.Length; s++)
            {
                var name = SeriesCodec.Ref(ref reader, table);
                sources[s] = new(name, SeriesCodec.Ref(ref reader, table));
            }

            exemplars[i] = new ExemplarSnapshot(labels, value, timestamp, sources);
        }

        return exemplars;
    }
}
