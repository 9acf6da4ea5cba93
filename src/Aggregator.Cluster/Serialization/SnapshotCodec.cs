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
/// byte of <see cref="FamilyFlags"/> there (timestamped, per-node). Encoding writes the current version; decoding reads
/// both.
/// </remarks>
internal sealed class SnapshotCodec
{
    // The largest whole number a double holds exactly; beyond it values are written raw.
    private const double MaxExactInteger = 9007199254740992d;

    // Guards against absurd counts in a corrupt payload before anything is allocated for them.
    private const int MaxCount = 100_000_000;

    private readonly Dictionary<string, int> _indices = new(StringComparer.Ordinal);
    private readonly List<string> _table = [];
    private readonly BinaryEncoder _body;

    private SnapshotCodec(int capacity) => _body = new BinaryEncoder(capacity);

    [Flags]
    private enum FamilyFlags : byte
    {
        None = 0,
        Timestamped = 1,
        PerNode = 2,
    }

    [Flags]
    private enum SeriesFlags : byte
    {
        None = 0,
        IntegerValue = 1,
        HasTimestamp = 2,
        HasCreated = 4,
        CreatedInMilliseconds = 8,
    }

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

    /// <summary>The format version <see cref="Encode"/> writes.</summary>
    public const int CurrentVersion = 2;

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

    private static string Ref(ref BinaryDecoder reader, string[] table)
    {
        var index = reader.ReadVarint();
        return index < (ulong)table.Length ? table[index] : throw new SerializationException($"String index {index} is outside the table of {table.Length}.");
    }

    private static bool IsExactInteger(double value) =>
        Math.Abs(value) <= MaxExactInteger && value == Math.Floor(value) && !(value == 0 && double.IsNegative(value));

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
        var type = (MetricType)reader.ReadByte();
        var name = Ref(ref reader, table);
        var help = Ref(ref reader, table);
        var labels = new string[reader.ReadCount(MaxCount)];
        for (var i = 0; i < labels.Length; i++)
        {
            labels[i] = Ref(ref reader, table);
        }

        var flagsByte = reader.ReadByte();
        var familyFlags = version == 1
            ? (flagsByte == 1 ? FamilyFlags.Timestamped : FamilyFlags.None)
            : (FamilyFlags)flagsByte;
        if ((familyFlags & ~(FamilyFlags.Timestamped | FamilyFlags.PerNode)) != 0)
        {
            throw new SerializationException($"Family '{name}' has unknown flags 0x{flagsByte:X2}.");
        }

        var policy = (GaugeMergePolicy)reader.ReadByte();
        var bounds = new double[reader.ReadCount(MaxCount)];
        for (var i = 0; i < bounds.Length; i++)
        {
            bounds[i] = reader.ReadDouble();
        }

        if (!Enum.IsDefined(type) || !Enum.IsDefined(policy))
        {
            throw new SerializationException($"Family '{name}' has an unknown type {(int)type} or gauge policy {(int)policy}.");
        }

        MetricDefinition definition;
        try
        {
            definition = new MetricDefinition(
                type,
                name,
                help,
                labels,
                familyFlags.HasFlag(FamilyFlags.Timestamped),
                policy,
                type == MetricType.Histogram ? bounds : null,
                familyFlags.HasFlag(FamilyFlags.PerNode));
        }
        catch (MetricDefinitionException error)
        {
            throw new SerializationException($"An Aggregator message holds an invalid family: {error.Message}", error);
        }

        var series = new SeriesSnapshot[reader.ReadCount(MaxCount)];
        long lastTimestamp = 0;
        long lastCreated = 0;
        for (var s = 0; s < series.Length; s++)
        {
            var flags = (SeriesFlags)reader.ReadByte();
            var values = new string[labels.Length];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = Ref(ref reader, table);
            }

            double value = 0;
            long count = 0;
            double sum = 0;
            long[]? buckets = null;
            switch (type)
            {
                case MetricType.Histogram:
                    buckets = new long[bounds.Length + 1];
                    long running = 0;
                    for (var b = 0; b < buckets.Length; b++)
                    {
                        running += (long)reader.ReadVarint();
                        buckets[b] = running;
                    }

                    sum = ReadNumber(ref reader, flags);
                    break;
                case MetricType.Summary:
                    count = (long)reader.ReadVarint();
                    sum = ReadNumber(ref reader, flags);
                    break;
                default:
                    value = ReadNumber(ref reader, flags);
                    break;
            }

            var timestamp = SeriesSnapshot.NoTimestamp;
            if (flags.HasFlag(SeriesFlags.HasTimestamp))
            {
                timestamp = lastTimestamp += reader.ReadSigned();
            }

            var created = double.NaN;
            if (flags.HasFlag(SeriesFlags.HasCreated))
            {
                created = flags.HasFlag(SeriesFlags.CreatedInMilliseconds) ? (lastCreated += reader.ReadSigned()) / 1000.0 : reader.ReadDouble();
            }

            series[s] = type switch
            {
                MetricType.Histogram => SeriesSnapshot.ForHistogram(values, buckets!, sum, timestamp, created),
                MetricType.Summary => SeriesSnapshot.ForSummary(values, count, sum, timestamp, created),
                _ => SeriesSnapshot.ForValue(values, value, timestamp, created),
            };
        }

        return new MetricFamilySnapshot(definition, series);
    }

    private static double ReadNumber(ref BinaryDecoder reader, SeriesFlags flags) =>
        flags.HasFlag(SeriesFlags.IntegerValue) ? reader.ReadSigned() : reader.ReadDouble();

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
        var definition = family.Definition;
        _body.WriteByte((byte)definition.Type);

        // The full exposed name, so that the receiver's definition gets the same family name back.
        WriteStringRef(definition.SampleName());
        WriteStringRef(definition.Help);
        _body.WriteVarint(definition.LabelNames.Count);
        foreach (var label in definition.LabelNames)
        {
            WriteStringRef(label);
        }

        _body.WriteByte((byte)((definition.Timestamped ? FamilyFlags.Timestamped : FamilyFlags.None) | (definition.PerNode ? FamilyFlags.PerNode : FamilyFlags.None)));
        _body.WriteByte((byte)definition.GaugePolicy);
        _body.WriteVarint(definition.Buckets.Count);
        foreach (var bound in definition.Buckets)
        {
            _body.WriteDouble(bound);
        }

        _body.WriteVarint(family.Series.Count);
        long lastTimestamp = 0;
        long lastCreated = 0;
        foreach (var series in family.Series)
        {
            var number = definition.Type is MetricType.Histogram or MetricType.Summary ? series.Sum : series.Value;
            var createdMs = series.CreatedSeconds * 1000;
            var createdExact = !double.IsNaN(series.CreatedSeconds) && IsExactInteger(createdMs) && createdMs / 1000 == series.CreatedSeconds;
            var flags = (IsExactInteger(number) ? SeriesFlags.IntegerValue : SeriesFlags.None)
                | (series.HasTimestamp ? SeriesFlags.HasTimestamp : SeriesFlags.None)
                | (double.IsNaN(series.CreatedSeconds) ? SeriesFlags.None : SeriesFlags.HasCreated)
                | (createdExact ? SeriesFlags.CreatedInMilliseconds : SeriesFlags.None);
            _body.WriteByte((byte)flags);
            foreach (var value in series.LabelValues)
            {
                WriteStringRef(value);
            }

            switch (definition.Type)
            {
                case MetricType.Histogram:
                    long previous = 0;
                    foreach (var cumulative in series.CumulativeBuckets)
                    {
                        _body.WriteVarint((ulong)(cumulative - previous));
                        previous = cumulative;
                    }

                    WriteNumber(number, flags);
                    break;
                case MetricType.Summary:
                    _body.WriteVarint((ulong)series.Count);
                    WriteNumber(number, flags);
                    break;
                default:
                    WriteNumber(number, flags);
                    break;
            }

            if (series.HasTimestamp)
            {
                _body.WriteSigned(series.TimestampMs - lastTimestamp);
                lastTimestamp = series.TimestampMs;
            }

            if (flags.HasFlag(SeriesFlags.CreatedInMilliseconds))
            {
                var ms = (long)createdMs;
                _body.WriteSigned(ms - lastCreated);
                lastCreated = ms;
            }
            else if (flags.HasFlag(SeriesFlags.HasCreated))
            {
                _body.WriteDouble(series.CreatedSeconds);
            }
        }
    }

    private void WriteNumber(double value, SeriesFlags flags)
    {
        if (flags.HasFlag(SeriesFlags.IntegerValue))
        {
            _body.WriteSigned((long)value);
        }
        else
        {
            _body.WriteDouble(value);
        }
    }
}
