using System.Runtime.Serialization;
using Aggregator.Metrics;

namespace Aggregator.Cluster.Serialization;

/// <summary>
/// Replies of changes between a node and the cluster collector that asks it. Both sides keep what the last reply
/// carried: the string table (names, help, label names and values, every string once) and the snapshot. A reply
/// then holds only the strings the table lacks and, per family, an edit script over the previous family's series:
/// runs of unchanged series, removed series, series whose values changed (values only) and new series. A reply is
/// numbered; a request names the number of the last reply its asker decoded, and when that is not the one the node
/// sent last (a lost or late reply, a restart on either side, a new selection) the node sends a full reply, which
/// resets both sides. Decoding a full reply gives exactly what <see cref="SnapshotCodec"/> would carry; decoding a
/// reply of changes gives exactly the full snapshot it was made from.
/// </summary>
/// <remarks>
/// Payload: full flag, sequence, base sequence, new strings, answered and missing sources, then the families. A
/// family is either new (its definition and every series) or patched (the index of the previous snapshot's family
/// with the same definition, then operations until <see cref="Op.End"/>).
/// </remarks>
internal static class ChangesCodec
{
    // A table that holds many more strings than the snapshot uses (label values of series long gone) is dropped by
    // sending a full reply: the state stays proportional to the series, not to their history.
    private const int TableSlack = 4;
    private const int TableFloor = 1024;

    private enum Op : byte
    {
        End = 0,
        Keep = 1,
        Delete = 2,
        Change = 3,
        Insert = 4,
    }

    private enum FamilyMode : byte
    {
        New = 0,
        Patched = 1,
    }

    /// <summary>A reply as decoded: the node's merged snapshot and its sources that answered or not.</summary>
    public sealed record Decoded(MetricsSnapshot Snapshot, IReadOnlyList<string> Answered, IReadOnlyList<string> Missing, bool Full);

    /// <summary>What a node keeps of the last reply it sent one asker for one selection.</summary>
    public sealed class Encoder
    {
        private readonly Dictionary<string, int> _indices = new(StringComparer.Ordinal);
        private MetricsSnapshot? _previous;

        /// <summary>The number of the last reply encoded (0: none).</summary>
        public long Sequence { get; private set; }

        /// <summary>How many strings the table holds.</summary>
        public int TableSize => _indices.Count;

        /// <summary>
        /// Encodes <paramref name="snapshot"/> as changes since reply <paramref name="baseSequence"/> when that is the
        /// last one encoded, in full otherwise (<paramref name="forceFull"/> too).
        /// </summary>
        public byte[] Encode(long baseSequence, IReadOnlyList<string> answered, IReadOnlyList<string> missing, MetricsSnapshot snapshot, bool forceFull = false)
        {
            ArgumentNullException.ThrowIfNull(snapshot);
            var seriesCount = snapshot.Families.Sum(f => f.Series.Count);
            var full = forceFull || _previous is null || baseSequence != Sequence || _indices.Count > (TableSlack * seriesCount) + TableFloor;
            if (full)
            {
                _indices.Clear();
                _previous = null;
            }

            var newStrings = new List<string>();
            var body = new BinaryEncoder(64 + (full ? seriesCount * 12 : 256));
            void WriteRef(string value)
            {
                if (!_indices.TryGetValue(value, out var index))
                {
                    index = _indices.Count;
                    _indices[value] = index;
                    newStrings.Add(value);
                }

                body.WriteVarint(index);
            }

            WriteList(body, answered, WriteRef);
            WriteList(body, missing, WriteRef);
            var families = snapshot.Families;
            IReadOnlyList<MetricFamilySnapshot> previous = _previous?.Families ?? [];
            body.WriteVarint(families.Count);
            var p = 0;
            foreach (var family in families)
            {
                // Both snapshots are sorted by family name: find the previous family of the same name, if any.
                while (p < previous.Count && string.CompareOrdinal(previous[p].Name, family.Name) < 0)
                {
                    p++;
                }

                if (p < previous.Count && previous[p].Name == family.Name && previous[p].Definition.Equals(family.Definition))
                {
                    body.WriteByte((byte)FamilyMode.Patched);
                    body.WriteVarint(p);
                    WritePatch(body, previous[p], family, WriteRef);
                }
                else
                {
                    body.WriteByte((byte)FamilyMode.New);
                    SeriesCodec.WriteDefinition(body, family.Definition, WriteRef);
                    body.WriteVarint(family.Series.Count);
                    var deltas = default(SeriesCodec.Deltas);
                    foreach (var series in family.Series)
                    {
                        SeriesCodec.WriteSeries(body, family.Definition, series, WriteRef, ref deltas);
                    }
                }
            }

            var sequence = Sequence + 1;
            var output = new BinaryEncoder(body.Length + (newStrings.Count * 16) + 32);
            output.WriteByte(full ? (byte)1 : (byte)0);
            output.WriteSigned(sequence);
            output.WriteSigned(full ? 0 : baseSequence);
            output.WriteVarint(newStrings.Count);
            foreach (var s in newStrings)
            {
                output.WriteString(s);
            }

            output.WriteBytes(body.Written);
            Sequence = sequence;
            _previous = snapshot;
            return output.ToArray();
        }

        private static void WritePatch(BinaryEncoder body, MetricFamilySnapshot before, MetricFamilySnapshot after, Action<string> writeRef)
        {
            var old = SeriesOf(before);
            var now = SeriesOf(after);
            var definition = after.Definition;
            var deltas = default(SeriesCodec.Deltas);
            var (pending, run) = (Op.End, 0);
            void Flush()
            {
                if (run > 0)
                {
                    body.WriteByte((byte)pending);
                    body.WriteVarint(run);
                    run = 0;
                }
            }

            void Count(Op op)
            {
                if (pending != op)
                {
                    Flush();
                    pending = op;
                }

                run++;
            }

            int i = 0, j = 0;
            while (i < old.Length || j < now.Length)
            {
                var order = i == old.Length ? 1 : j == now.Length ? -1 : LabelValuesComparer.Instance.Compare(old[i], now[j]);
                if (order < 0)
                {
                    Count(Op.Delete);
                    i++;
                }
                else if (order > 0)
                {
                    Flush();
                    body.WriteByte((byte)Op.Insert);
                    SeriesCodec.WriteSeries(body, definition, now[j], writeRef, ref deltas);
                    j++;
                }
                else if (old[i].SameAs(now[j]))
                {
                    Count(Op.Keep);
                    i++;
                    j++;
                }
                else
                {
                    Flush();
                    body.WriteByte((byte)Op.Change);
                    SeriesCodec.WriteSeries(body, definition, now[j], writeRef, ref deltas, withLabels: false);
                    i++;
                    j++;
                }
            }

            Flush();
            body.WriteByte((byte)Op.End);
        }
    }

    /// <summary>What the asker keeps of the last reply it decoded from one node for one selection.</summary>
    public sealed class Decoder
    {
        private readonly List<string> _table = [];
        private MetricsSnapshot? _previous;

        /// <summary>The number of the last reply decoded (0: none), which the next request names as its base.</summary>
        public long Sequence { get; private set; }

        /// <summary>How many strings the table holds.</summary>
        public int TableSize => _table.Count;

        /// <summary>
        /// Decodes a reply. A reply of changes to anything but the last reply decoded, or a corrupt one, throws
        /// <see cref="SerializationException"/> and drops the state, so that the next request gets a full reply.
        /// </summary>
        public Decoded Decode(ReadOnlySpan<byte> bytes)
        {
            try
            {
                return DecodeOrThrow(bytes);
            }
            catch
            {
                _table.Clear();
                _previous = null;
                Sequence = 0;
                throw;
            }
        }

        private Decoded DecodeOrThrow(ReadOnlySpan<byte> bytes)
        {
            var reader = new BinaryDecoder(bytes);
            var full = reader.ReadByte() switch
            {
                0 => false,
                1 => true,
                var other => throw new SerializationException($"A reply of changes has an unknown kind {other}."),
            };
            var sequence = reader.ReadSigned();
            var baseSequence = reader.ReadSigned();
            if (full)
            {
                _table.Clear();
                _previous = null;
            }
            else if (_previous is null || baseSequence != Sequence)
            {
                throw new SerializationException($"A reply of changes since reply {baseSequence} arrived, but the last reply decoded is {Sequence}.");
            }

            var added = reader.ReadCount(SeriesCodec.MaxCount);
            for (var i = 0; i < added; i++)
            {
                _table.Add(reader.ReadString());
            }

            var answered = ReadList(ref reader, _table);
            var missing = ReadList(ref reader, _table);
            IReadOnlyList<MetricFamilySnapshot> previous = _previous?.Families ?? [];
            var families = new MetricFamilySnapshot[reader.ReadCount(SeriesCodec.MaxCount)];
            for (var f = 0; f < families.Length; f++)
            {
                switch ((FamilyMode)reader.ReadByte())
                {
                    case FamilyMode.New:
                    {
                        var definition = SeriesCodec.ReadDefinition(ref reader, _table, SnapshotCodec.CurrentVersion);
                        var series = new SeriesSnapshot[reader.ReadCount(SeriesCodec.MaxCount)];
                        var deltas = default(SeriesCodec.Deltas);
                        for (var s = 0; s < series.Length; s++)
                        {
                            series[s] = SeriesCodec.ReadSeries(ref reader, definition, _table, ref deltas);
                        }

                        families[f] = new MetricFamilySnapshot(definition, series);
                        break;
                    }

                    case FamilyMode.Patched:
                    {
                        var index = previous.Count > 0
                            ? reader.ReadCount(previous.Count - 1)
                            : throw new SerializationException("A reply of changes patches a family, but the last reply had none.");
                        families[f] = ReadPatch(ref reader, previous[index], _table);
                        break;
                    }

                    default:
                        throw new SerializationException("A reply of changes holds a family of an unknown kind.");
                }
            }

            if (!reader.AtEnd)
            {
                throw new SerializationException("A reply of changes has bytes past its end.");
            }

            var snapshot = new MetricsSnapshot(families);
            _previous = snapshot;
            Sequence = sequence;
            return new Decoded(snapshot, answered, missing, full);
        }

        private static MetricFamilySnapshot ReadPatch(ref BinaryDecoder reader, MetricFamilySnapshot before, List<string> table)
        {
            var old = SeriesOf(before);
            var definition = before.Definition;

            // Written lazily: while every operation keeps the previous series, nothing is copied, and a family that only
            // kept them all is the previous family itself (which lets the cluster's merge see it unchanged by reference).
            SeriesSnapshot[]? series = null;
            var written = 0;
            var deltas = default(SeriesCodec.Deltas);
            var i = 0;
            while (true)
            {
                var op = (Op)reader.ReadByte();
                switch (op)
                {
                    case Op.End:
                        if (i != old.Length)
                        {
                            throw new SerializationException($"A patch of '{definition.Name}' left {old.Length - i} of its series unaccounted for.");
                        }

                        return series is null
                            ? before
                            : new MetricFamilySnapshot(definition, written == series.Length ? series : series[..written]);
                    case Op.Keep:
                    case Op.Delete:
                        var run = reader.ReadCount(old.Length - i);
                        if (op == Op.Delete)
                        {
                            series ??= Started(old, i);
                        }
                        else if (series is not null)
                        {
                            series = Reserve(series, written + run);
                            old.AsSpan(i, run).CopyTo(series.AsSpan(written));
                            written += run;
                        }
                        else
                        {
                            // Still the previous series, one for one: nothing to copy yet.
                            written += run;
                        }

                        i += run;
                        break;
                    case Op.Change:
                        if (i == old.Length)
                        {
                            throw new SerializationException($"A patch of '{definition.Name}' changes a series past its end.");
                        }

                        series = Reserve(series ?? Started(old, i), written + 1);
                        series[written++] = SeriesCodec.ReadSeries(ref reader, definition, table, ref deltas, Labels(old[i]));
                        i++;
                        break;
                    case Op.Insert:
                        series = Reserve(series ?? Started(old, i), written + 1);
                        series[written++] = SeriesCodec.ReadSeries(ref reader, definition, table, ref deltas);
                        break;
                    default:
                        throw new SerializationException($"A patch of '{definition.Name}' holds an unknown operation {(byte)op}.");
                }
            }
        }

        // The output of a patch once it differs from the previous series: those kept so far, with room for the rest.
        private static SeriesSnapshot[] Started(SeriesSnapshot[] old, int kept)
        {
            var series = new SeriesSnapshot[Math.Max(old.Length, kept + 1)];
            old.AsSpan(0, kept).CopyTo(series);
            return series;
        }

        private static SeriesSnapshot[] Reserve(SeriesSnapshot[] series, int needed)
        {
            if (needed <= series.Length)
            {
                return series;
            }

            var grown = new SeriesSnapshot[Math.Max(needed, series.Length * 2)];
            series.CopyTo(grown, 0);
            return grown;
        }
    }

    private static void WriteList(BinaryEncoder body, IReadOnlyList<string> list, Action<string> writeRef)
    {
        body.WriteVarint(list.Count);
        foreach (var item in list)
        {
            writeRef(item);
        }
    }

    private static string[] ReadList(ref BinaryDecoder reader, List<string> table)
    {
        var list = new string[reader.ReadCount(SeriesCodec.MaxCount)];
        for (var i = 0; i < list.Length; i++)
        {
            list[i] = SeriesCodec.Ref(ref reader, table);
        }

        return list;
    }

    // The series array a family holds (its public view is that array), read without an interface call per series.
    private static SeriesSnapshot[] SeriesOf(MetricFamilySnapshot family) => family.Series as SeriesSnapshot[] ?? [.. family.Series];

    // The label values array a series already holds (its public view is that array), shared by the changed series.
    private static string[] Labels(SeriesSnapshot series) => series.LabelValues as string[] ?? [.. series.LabelValues];
}
