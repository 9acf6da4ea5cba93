using System.Runtime.Serialization;
using Aggregator.Metrics;

namespace Aggregator.Cluster.Serialization;

/// <summary>
/// How native histograms are written (snapshot format version 3): a family's options after its bucket bounds (schema,
/// zero threshold, maximum bucket count), and each series' native buckets after its sum: schema, zero threshold,
/// zero count, then per sign (positive, negative) the first index and the dense absolute counts.
/// </summary>
internal static class NativeCodec
{
    public static void WriteOptions(BinaryEncoder body, NativeHistogramOptions options)
    {
        body.WriteSigned(options.Schema ?? NativeHistogramOptions.DefaultSchema);
        body.WriteDouble(options.ZeroThreshold);
        body.WriteVarint(options.MaxBucketCount);
    }

    public static NativeHistogramOptions ReadOptions(ref BinaryDecoder reader)
    {
        var schema = reader.ReadSigned();
        var threshold = reader.ReadDouble();
        var max = reader.ReadCount(SeriesCodec.MaxCount);
        return schema is >= NativeHistogramOptions.MinSchema and <= NativeHistogramOptions.MaxSchema
            ? new NativeHistogramOptions { Schema = (int)schema, ZeroThreshold = threshold, MaxBucketCount = max }
            : throw new SerializationException($"A native histogram has schema {schema}, outside {NativeHistogramOptions.MinSchema}..{NativeHistogramOptions.MaxSchema}.");
    }

    public static void WriteBuckets(BinaryEncoder body, NativeHistogramSnapshot native)
    {
        body.WriteSigned(native.Schema);
        body.WriteDouble(native.ZeroThreshold);
        body.WriteVarint((ulong)native.ZeroCount);
        WriteSign(body, native.PositiveOffset, native.PositiveCounts);
        WriteSign(body, native.NegativeOffset, native.NegativeCounts);
    }

    public static NativeHistogramSnapshot ReadBuckets(ref BinaryDecoder reader)
    {
        var schema = reader.ReadSigned();
        var threshold = reader.ReadDouble();
        var zero = reader.ReadVarint();
        var (pOffset, positive) = ReadSign(ref reader);
        var (nOffset, negative) = ReadSign(ref reader);
        try
        {
            return NativeHistogramSnapshot.FromCounts(checked((int)schema), threshold, checked((long)zero), pOffset, positive, nOffset, negative);
        }
        catch (Exception error) when (error is ArgumentException or OverflowException)
        {
            throw new SerializationException($"An Aggregator message holds invalid native buckets: {error.Message}", error);
        }
    }

    private static void WriteSign(BinaryEncoder body, int offset, IReadOnlyList<long> counts)
    {
        body.WriteSigned(offset);
        body.WriteVarint(counts.Count);
        foreach (var count in counts)
        {
            body.WriteVarint((ulong)count);
        }
    }

    private static (int Offset, long[] Counts) ReadSign(ref BinaryDecoder reader)
    {
        var offset = reader.ReadSigned();
        // Wider than any double's indices at schema 8 (about 540,000), narrow enough that a corrupt count allocates little.
        var counts = new long[reader.ReadCount(1 << 20)];
        for (var i = 0; i < counts.Length; i++)
        {
            counts[i] = (long)reader.ReadVarint();
        }

        return offset is >= int.MinValue and <= int.MaxValue
            ? ((int)offset, counts)
            : throw new SerializationException($"A native histogram's first bucket index {offset} is out of range.");
    }
}
