using System.Runtime.Serialization;
using Aggregator.Metrics;

namespace Aggregator.Cluster.Serialization;

/// <summary>
/// The compact binary form of snapshots: every distinct string (names, help, label names and values) once in a table,
/// referenced by varint index; whole numbers as zigzag varints, others as 8 raw bytes; timestamps and <c>_created</c>
/// times as deltas from the previous series of the family. A counter series with two label values typically takes
/// 5–10 bytes.
/// </summary>
/// <remarks>
/// Versions (carried by the serializer's manifests): 1 wrote a family's timestamp flag as a byte 0 or 1; 2 writes a
/// byte of family flags there (timestamped, per-node; see <see cref="SeriesCodec"/>); 3 adds native histograms (a
/// family flag, the options and each series' buckets, see <see cref="NativeCodec"/>); 4 adds exemplars to the series
/// that have them (a series flag, see <see cref="ExemplarCodec"/>). Encoding writes bytes that version 2 reads whenever
/// the snapshot has neither (<see cref="VersionFor"/>), so mixed clusters keep working until one is used; decoding
/// reads every version.
/// </remarks>
internal sealed class SnapshotCodec
{
    // Guards against absurd counts in a corrupt payload before anything is allocated for them.
    private const int MaxCount = SeriesCodec.MaxCount;

    private readonly Dictionary<string, int> _indices = new(StringComparer.Ordinal);
    private readonly List<string> _table = [];
    private readonly BinaryEncoder _body;

    private SnapshotCodec(int capacity) => _body = new BinaryEncoder(capacity);

    /// <summary>Writes a message body: string lists, then optionally a snapshot, behind the string table.</summary>
    public static byte[] Encode(IReadOnlyList<IReadOnlyList<string>> stringLists, MetricsSnapshot? snapshot, long extra)
    {
        var codec = new SnapshotCodec(EstimateSize(snapshot));
        codec._body.WriteSigned(extra);
        foreach (var list in stringLists)
        {
            codec._body.WriteVarint(list.Count);
            foreach (var s in list)
            {
                codec.WriteStringRef(s);
            }
        }

        codec._body.WriteByte(snapshot is null ? (byte)0 : (byte)1);
        if (snapshot is not null)
        {
            codec.WriteSnapshot(snapshot);
        }

        var output = new BinaryEncoder(codec._body.Length + (codec._table.Count * 8) + 16);
        output.WriteVarint(codec._table.Count);
        foreach (var s in codec._table)
        {
            output.WriteString(s);
        }

        output.WriteBytes(codec._body.Written);
        return output.ToArray();
    }

    /// <summary>The newest format version, which <see cref="Decode"/> reads along with the earlier ones.</summary>
    public const int CurrentVersion = 4;

    /// <summary>
    /// The oldest version that reads what <see cref="Encode"/> writes for <paramref name="snapshot"/>: 4 when it holds an
    /// exemplar, 3 when it holds a native histogram, 2 otherwise.
    /// </summary>
    public static int VersionFor(MetricsSnapshot? snapshot) =>
        ExemplarCodec.Any(snapshot) ? 4
        : snapshot is not null && snapshot.Families.Any(f => f.Definition.NativeHistogram is not null) ? 3
        : 2;

    /// <summary>Reads what <see cref="Encode"/> wrote, given how many string lists it holds and the format version.</summary>
    /// <exception cref="SerializationException">The version is unknown or the payload is corrupt.</exception>
    public static (IReadOnlyList<string>[] StringLists, MetricsSnapshot? Snapshot, long Extra) Decode(ReadOnlySpan<byte> bytes, int stringListCount, int version)
    {
        if (version is < 1 or > CurrentVersion)
        {
            throw new SerializationException($"Aggregator snapshot format version {version} is unknown; this node reads versions 1 to {CurrentVersion}.");
        }

        var reader = new BinaryDecoder(bytes);
        var table = new string[reader.ReadCount(MaxCount)];
        for (var i = 0; i < table.Length; i++)
        {
            table[i] = reader.ReadString();
        }

        var extra = reader.ReadSigned();
        var lists = new IReadOnlyList<string>[stringListCount];
        for (var l = 0; l < stringListCount; l++)
        {
            var list = new string[reader.ReadCount(MaxCount)];
            for (var i = 0; i < list.Length; i++)
            {
                list[i] = Ref(ref reader, table);
            }

            lists[l] = list;
        }

        var snapshot = reader.ReadByte() == 1 ? ReadSnapshot(ref reader, table, version) : null;
        if (!reader.AtEnd)
        {
            throw new SerializationException("An Aggregator message has bytes past its end.");
        }

        return (lists, snapshot, extra);
    }

    private static int EstimateSize(MetricsSnapshot? snapshot) =>
        snapshot is null ? 64 : 64 + snapshot.Families.Sum(f => 64 + (f.Series.Count * 12));

    private static string Ref(ref BinaryDecoder reader, string[] table) => SeriesCodec.Ref(ref reader, table);

    private static MetricsSnapshot ReadSnapshot(ref BinaryDecoder reader, string[] table, int version)
    {
        var families = new MetricFamilySnapshot[reader.ReadCount(MaxCount)];
        for (var f = 0; f < families.Length; f++)
        {
            families[f] = ReadFamily(ref reader, table, version);
        }

        return new MetricsSnapshot(families);
    }

    private static MetricFamilySnapshot ReadFamily(ref BinaryDecoder reader, string[] table, int version)
    {
        var definition = SeriesCodec.ReadDefinition(ref reader, table, version);
        var series = new SeriesSnapshot[reader.ReadCount(MaxCount)];
        var deltas = default(SeriesCodec.Deltas);
        for (var s = 0; s < series.Length; s++)
        {
            series[s] = SeriesCodec.ReadSeries(ref reader, definition, table, ref deltas);
        }

        return new MetricFamilySnapshot(definition, series);
    }

    private void WriteStringRef(string value)
    {
        if (!_indices.TryGetValue(value, out var index))
        {
            index = _table.Count;
            _indices[value] = index;
            _table.Add(value);
        }

        _body.WriteVarint(index);
    }

    private void WriteSnapshot(MetricsSnapshot snapshot)
    {
        _body.WriteVarint(snapshot.Families.Count);
        foreach (var family in snapshot.Families)
        {
            WriteFamily(family);
        }
    }

    private void WriteFamily(MetricFamilySnapshot family)
    {
        SeriesCodec.WriteDefinition(_body, family.Definition, WriteStringRef);
        _body.WriteVarint(family.Series.Count);
        var deltas = default(SeriesCodec.Deltas);
        foreach (var series in family.Series)
        {
            SeriesCodec.WriteSeries(_body, family.Definition, series, WriteStringRef, ref deltas);
        }
    }
}
