using System.Runtime.Serialization;
using Aggregator.Metrics;

namespace Aggregator.Cluster.Serialization;

/// <summary>
/// How a family's definition and its series are written, shared by full replies (<see cref="SnapshotCodec"/>) and by
/// replies of changes (<see cref="ChangesCodec"/>): strings as references into a table the caller keeps, whole numbers
/// as zigzag varints, others as 8 raw bytes, timestamps and <c>_created</c> times as deltas from the previous series
/// written with the same <see cref="Deltas"/>.
/// </summary>
internal static class SeriesCodec
{
    /// <summary>Guards against absurd counts in a corrupt payload before anything is allocated for them.</summary>
    public const int MaxCount = 100_000_000;

    // The largest whole number a double holds exactly; beyond it values are written raw.
    private const double MaxExactInteger = 9007199254740992d;

    [Flags]
    private enum FamilyFlags : byte
    {
        None = 0,
        Timestamped = 1,
        PerNode = 2,

        // Version 3: the family is a native histogram; its options follow the bounds and each series its native buckets.
        Native = 4,
    }

    [Flags]
    private enum SeriesFlags : byte
    {
        None = 0,
        IntegerValue = 1,
        HasTimestamp = 2,
        HasCreated = 4,
        CreatedInMilliseconds = 8,

        // Format version 4: the series' exemplars follow (see ExemplarCodec).
        HasExemplars = 16,
    }

    /// <summary>The string at <paramref name="reader"/>'s next reference into <paramref name="table"/>.</summary>
    public static string Ref(ref BinaryDecoder reader, IReadOnlyList<string> table)
    {
        var index = reader.ReadVarint();
        return index < (ulong)table.Count ? table[(int)index] : throw new SerializationException($"String index {index} is outside the table of {table.Count}.");
    }

    /// <summary>Writes a family's definition: type, exposed name, help, label names, flags, gauge policy, bucket bounds.</summary>
    public static void WriteDefinition(BinaryEncoder body, MetricDefinition definition, Action<string> writeRef)
    {
        body.WriteByte((byte)definition.Type);

        // The full exposed name, so that the receiver's definition gets the same family name back.
        writeRef(definition.SampleName());
        writeRef(definition.Help);
        body.WriteVarint(definition.LabelNames.Count);
        foreach (var label in definition.LabelNames)
        {
            writeRef(label);
        }

        body.WriteByte((byte)((definition.Timestamped ? FamilyFlags.Timestamped : FamilyFlags.None)
            | (definition.PerNode ? FamilyFlags.PerNode : FamilyFlags.None)
            | (definition.NativeHistogram is null ? FamilyFlags.None : FamilyFlags.Native)));
        body.WriteByte((byte)definition.GaugePolicy);
        body.WriteVarint(definition.Buckets.Count);
        foreach (var bound in definition.Buckets)
        {
            body.WriteDouble(bound);
        }

        if (definition.NativeHistogram is { } native)
        {
            NativeCodec.WriteOptions(body, native);
        }
    }

    /// <summary>Reads what <see cref="WriteDefinition"/> wrote (version 1 wrote the flags as a timestamp byte 0 or 1).</summary>
    public static MetricDefinition ReadDefinition(ref BinaryDecoder reader, IReadOnlyList<string> table, int version)
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
        var known = FamilyFlags.Timestamped | FamilyFlags.PerNode | (version >= 3 ? FamilyFlags.Native : FamilyFlags.None);
        if ((familyFlags & ~known) != 0)
        {
            throw new SerializationException($"Family '{name}' has unknown flags 0x{flagsByte:X2} for snapshot format version {version} (written by a newer Aggregator?).");
        }

        var policy = (GaugeMergePolicy)reader.ReadByte();
        var bounds = new double[reader.ReadCount(MaxCount)];
        for (var i = 0; i < bounds.Length; i++)
        {
            bounds[i] = reader.ReadDouble();
        }

        var nativeOptions = familyFlags.HasFlag(FamilyFlags.Native) ? NativeCodec.ReadOptions(ref reader) : null;
        if (!Enum.IsDefined(type) || !Enum.IsDefined(policy))
        {
            throw new SerializationException($"Family '{name}' has an unknown type {(int)type} or gauge policy {(int)policy}.");
        }

        try
        {
            // The sending node validated the names under its own aggregator.name-validation; a node must not refuse a
            // peer's UTF-8 names because its own declarations are legacy ones.
            return new MetricDefinition(
                type,
                name,
                help,
                labels,
                familyFlags.HasFlag(FamilyFlags.Timestamped),
                policy,
                type == MetricType.Histogram ? bounds : null,
                familyFlags.HasFlag(FamilyFlags.PerNode),
                nativeOptions,
                NameValidation.Utf8);
        }
        catch (MetricDefinitionException error)
        {
            throw new SerializationException($"An Aggregator message holds an invalid family: {error.Message}", error);
        }
    }

    /// <summary>Writes one series: flags, label values (unless <paramref name="withLabels"/> is false), values, times.</summary>
    public static void WriteSeries(BinaryEncoder body, MetricDefinition definition, SeriesSnapshot series, Action<string> writeRef, ref Deltas deltas, bool withLabels = true)
    {
        var number = definition.Type is MetricType.Histogram or MetricType.Summary ? series.Sum : series.Value;
        var createdMs = series.CreatedSeconds * 1000;
        var createdExact = !double.IsNaN(series.CreatedSeconds) && IsExactInteger(createdMs) && createdMs / 1000 == series.CreatedSeconds;
        var flags = (IsExactInteger(number) ? SeriesFlags.IntegerValue : SeriesFlags.None)
            | (series.HasTimestamp ? SeriesFlags.HasTimestamp : SeriesFlags.None)
            | (double.IsNaN(series.CreatedSeconds) ? SeriesFlags.None : SeriesFlags.HasCreated)
            | (createdExact ? SeriesFlags.CreatedInMilliseconds : SeriesFlags.None)
            | (ExemplarCodec.Carries(definition, series) ? SeriesFlags.HasExemplars : SeriesFlags.None);
        body.WriteByte((byte)flags);
        if (withLabels)
        {
            foreach (var value in series.LabelValues)
            {
                writeRef(value);
            }
        }

        switch (definition.Type)
        {
            case MetricType.Histogram:
                long previous = 0;
                foreach (var cumulative in series.CumulativeBuckets)
                {
                    body.WriteVarint((ulong)(cumulative - previous));
                    previous = cumulative;
                }

                WriteNumber(body, number, flags);
                if (definition.NativeHistogram is not null)
                {
                    NativeCodec.WriteBuckets(body, series.Native ?? throw new SerializationException($"A series of native histogram '{definition.Name}' has no native buckets."));
                }

                break;
            case MetricType.Summary:
                body.WriteVarint((ulong)series.Count);
                WriteNumber(body, number, flags);
                break;
            default:
                WriteNumber(body, number, flags);
                break;
        }

        if (series.HasTimestamp)
        {
            body.WriteSigned(series.TimestampMs - deltas.LastTimestamp);
            deltas.LastTimestamp = series.TimestampMs;
        }

        if (flags.HasFlag(SeriesFlags.CreatedInMilliseconds))
        {
            var ms = (long)createdMs;
            body.WriteSigned(ms - deltas.LastCreated);
            deltas.LastCreated = ms;
        }
        else if (flags.HasFlag(SeriesFlags.HasCreated))
        {
            body.WriteDouble(series.CreatedSeconds);
        }

        if (flags.HasFlag(SeriesFlags.HasExemplars))
        {
            ExemplarCodec.Write(body, series.Exemplars, writeRef);
        }
    }

    /// <summary>
    /// Reads what <see cref="WriteSeries"/> wrote; without labels in the payload, the series takes
    /// <paramref name="knownLabels"/> (the unchanged label values of the series it replaces).
    /// </summary>
    public static SeriesSnapshot ReadSeries(ref BinaryDecoder reader, MetricDefinition definition, IReadOnlyList<string> table, ref Deltas deltas, string[]? knownLabels = null)
    {
        var flags = (SeriesFlags)reader.ReadByte();
        string[] values;
        if (knownLabels is null)
        {
            var read = new string[definition.LabelNames.Count];
            for (var i = 0; i < read.Length; i++)
            {
                read[i] = Ref(ref reader, table);
            }

            values = read;
        }
        else
        {
            values = knownLabels;
        }

        double value = 0;
        long count = 0;
        double sum = 0;
        long[]? buckets = null;
        NativeHistogramSnapshot? native = null;
        switch (definition.Type)
        {
            case MetricType.Histogram:
                buckets = new long[definition.Buckets.Count + 1];
                long running = 0;
                for (var b = 0; b < buckets.Length; b++)
                {
                    running += (long)reader.ReadVarint();
                    buckets[b] = running;
                }

                sum = ReadNumber(ref reader, flags);
                native = definition.NativeHistogram is null ? null : NativeCodec.ReadBuckets(ref reader);
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
            timestamp = deltas.LastTimestamp += reader.ReadSigned();
        }

        var created = double.NaN;
        if (flags.HasFlag(SeriesFlags.HasCreated))
        {
            created = flags.HasFlag(SeriesFlags.CreatedInMilliseconds) ? (deltas.LastCreated += reader.ReadSigned()) / 1000.0 : reader.ReadDouble();
        }

        var series = definition.Type switch
        {
            MetricType.Histogram => SeriesSnapshot.ForHistogram(values, buckets!, sum, timestamp, created).WithNative(native),
            MetricType.Summary => SeriesSnapshot.ForSummary(values, count, sum, timestamp, created),
            _ => SeriesSnapshot.ForValue(values, value, timestamp, created),
        };
        return flags.HasFlag(SeriesFlags.HasExemplars) ? series.WithExemplars(ExemplarCodec.Read(ref reader, definition, table)) : series;
    }

    private static bool IsExactInteger(double value) =>
        Math.Abs(value) <= MaxExactInteger && value == Math.Floor(value) && !(value == 0 && double.IsNegative(value));

    private static void WriteNumber(BinaryEncoder body, double value, SeriesFlags flags)
    {
        if (flags.HasFlag(SeriesFlags.IntegerValue))
        {
            body.WriteSigned((long)value);
        }
        else
        {
            body.WriteDouble(value);
        }
    }

    private static double ReadNumber(ref BinaryDecoder reader, SeriesFlags flags) =>
        flags.HasFlag(SeriesFlags.IntegerValue) ? reader.ReadSigned() : reader.ReadDouble();

    /// <summary>The previous series' timestamp and <c>_created</c> milliseconds, which the next one is written relative to.</summary>
    public struct Deltas
    {
        public long LastTimestamp;
        public long LastCreated;
    }
}
