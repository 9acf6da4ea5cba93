using System.Globalization;

namespace Aggregator.Metrics;

/// <summary>
/// The native buckets of one histogram series at collection time, immutable: schema, zero bucket, and per sign the
/// bucket counts, readable as Prometheus's spans and delta-encoded counts (io.prometheus.client.Histogram's
/// <c>positive_span</c>/<c>positive_delta</c>, <c>negative_span</c>/<c>negative_delta</c>) or as absolute counts by
/// index. The observation count and sum are the series' (<see cref="SeriesSnapshot.Count"/>, <see cref="SeriesSnapshot.Sum"/>),
/// which also count NaN observations that no bucket holds.
/// </summary>
/// <remarks>
/// Bucket <c>i</c> at schema <c>s</c> holds magnitudes in <c>(base^(i-1), base^i]</c>, <c>base = 2^(2^-s)</c>; negative
/// observations count by magnitude in the negative buckets. Spans keep runs of up to two empty buckets inside them (as
/// client_golang does) and start a new span past longer gaps.
/// </remarks>
public sealed class NativeHistogramSnapshot
{
    private readonly int _positiveFirst;
    private readonly long[] _positive;
    private readonly int _negativeFirst;
    private readonly long[] _negative;
    private Encoded? _positiveEncoded;
    private Encoded? _negativeEncoded;

    /// <summary>Takes dense counts whose first and last entries are not zero (or empty arrays); arrays are kept.</summary>
    internal NativeHistogramSnapshot(int schema, double zeroThreshold, long zeroCount, int positiveFirst, long[] positive, int negativeFirst, long[] negative)
    {
        Schema = schema;
        ZeroThreshold = zeroThreshold;
        ZeroCount = zeroCount;
        _positiveFirst = positive.Length == 0 ? 0 : positiveFirst;
        _positive = positive;
        _negativeFirst = negative.Length == 0 ? 0 : negativeFirst;
        _negative = negative;
    }

    /// <summary>The schema, -4 to 8: the growth factor from one bucket to the next is <c>2^(2^-Schema)</c>.</summary>
    public int Schema { get; }

    /// <summary>Observations whose magnitude is at most this count in <see cref="ZeroCount"/>.</summary>
    public double ZeroThreshold { get; }

    /// <summary>The observations in the zero bucket.</summary>
    public long ZeroCount { get; }

    /// <summary>The positive buckets' spans.</summary>
    public IReadOnlyList<NativeBucketSpan> PositiveSpans => PositiveEncoded.Spans;

    /// <summary>The positive buckets' counts in span order, the first absolute, each later one the difference from the one before.</summary>
    public IReadOnlyList<long> PositiveDeltas => PositiveEncoded.Deltas;

    /// <summary>The negative buckets' spans (indices by magnitude).</summary>
    public IReadOnlyList<NativeBucketSpan> NegativeSpans => NegativeEncoded.Spans;

    /// <summary>The negative buckets' counts in span order, delta-encoded as <see cref="PositiveDeltas"/>.</summary>
    public IReadOnlyList<long> NegativeDeltas => NegativeEncoded.Deltas;

    /// <summary>The populated positive buckets as (index, count), by increasing index.</summary>
    public IEnumerable<KeyValuePair<int, long>> PositiveBuckets => Populated(_positiveFirst, _positive);

    /// <summary>The populated negative buckets as (index of the magnitude's bucket, count), by increasing index.</summary>
    public IEnumerable<KeyValuePair<int, long>> NegativeBuckets => Populated(_negativeFirst, _negative);

    /// <summary>The zero count plus every bucket's count: the observations the buckets hold (NaN observations are not among them).</summary>
    public long BucketedCount
    {
        get
        {
            var total = ZeroCount;
            foreach (var c in _positive)
            {
                total += c;
            }

            foreach (var c in _negative)
            {
                total += c;
            }

            return total;
        }
    }

    /// <summary>The index of <see cref="PositiveCounts"/>' first entry (0 when there are none).</summary>
    public int PositiveOffset => _positiveFirst;

    /// <summary>The positive buckets' absolute counts, dense from index <see cref="PositiveOffset"/>; first and last are not zero.</summary>
    public IReadOnlyList<long> PositiveCounts => _positive;

    /// <summary>The index of <see cref="NegativeCounts"/>' first entry (0 when there are none).</summary>
    public int NegativeOffset => _negativeFirst;

    /// <summary>The negative buckets' absolute counts, dense from index <see cref="NegativeOffset"/>; first and last are not zero.</summary>
    public IReadOnlyList<long> NegativeCounts => _negative;

    internal int PositiveFirst => _positiveFirst;

    internal long[] PositiveArray => _positive;

    internal int NegativeFirst => _negativeFirst;

    internal long[] NegativeArray => _negative;

    private Encoded PositiveEncoded => _positiveEncoded ??= Encode(_positiveFirst, _positive);

    private Encoded NegativeEncoded => _negativeEncoded ??= Encode(_negativeFirst, _negative);

    /// <summary>Creates a snapshot from absolute bucket counts by index (zero counts are dropped; an index may repeat, its counts add up).</summary>
    /// <exception cref="ArgumentException">The schema is out of range, the threshold negative or not finite, or a count negative.</exception>
    public static NativeHistogramSnapshot Create(
        int schema,
        double zeroThreshold,
        long zeroCount,
        IEnumerable<KeyValuePair<int, long>>? positive = null,
        IEnumerable<KeyValuePair<int, long>>? negative = null)
    {
        Check(schema, zeroThreshold, zeroCount);
        var (pFirst, p) = Dense(positive ?? []);
        var (nFirst, n) = Dense(negative ?? []);
        return new NativeHistogramSnapshot(schema, zeroThreshold, zeroCount, pFirst, p, nFirst, n);
    }

    /// <summary>
    /// Creates a snapshot from dense absolute counts per sign, each starting at its offset index (zeros at either end
    /// are trimmed; the arrays are copied).
    /// </summary>
    /// <exception cref="ArgumentException">The schema is out of range, the threshold negative or not finite, or a count negative.</exception>
    public static NativeHistogramSnapshot FromCounts(
        int schema,
        double zeroThreshold,
        long zeroCount,
        int positiveOffset,
        ReadOnlySpan<long> positiveCounts,
        int negativeOffset,
        ReadOnlySpan<long> negativeCounts)
    {
        Check(schema, zeroThreshold, zeroCount);
        foreach (var c in positiveCounts)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(c, nameof(positiveCounts));
        }

        foreach (var c in negativeCounts)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(c, nameof(negativeCounts));
        }

        if ((long)positiveOffset + positiveCounts.Length > int.MaxValue || (long)negativeOffset + negativeCounts.Length > int.MaxValue)
        {
            throw new ArgumentException("Native bucket indices run past int.MaxValue.", nameof(positiveOffset));
        }

        var (pFirst, p) = Trim(positiveOffset, positiveCounts.ToArray());
        var (nFirst, n) = Trim(negativeOffset, negativeCounts.ToArray());
        return new NativeHistogramSnapshot(schema, zeroThreshold, zeroCount, pFirst, p, nFirst, n);
    }

    /// <summary>Creates a snapshot from spans and delta-encoded counts, as Prometheus's protobuf carries them.</summary>
    /// <exception cref="ArgumentException">The spans and deltas disagree in length, a span is malformed, or a count is negative.</exception>
    public static NativeHistogramSnapshot FromSpans(
        int schema,
        double zeroThreshold,
        long zeroCount,
        IReadOnlyList<NativeBucketSpan> positiveSpans,
        IReadOnlyList<long> positiveDeltas,
        IReadOnlyList<NativeBucketSpan> negativeSpans,
        IReadOnlyList<long> negativeDeltas)
    {
        ArgumentNullException.ThrowIfNull(positiveSpans);
        ArgumentNullException.ThrowIfNull(positiveDeltas);
        ArgumentNullException.ThrowIfNull(negativeSpans);
        ArgumentNullException.ThrowIfNull(negativeDeltas);
        return Create(schema, zeroThreshold, zeroCount, Decode(positiveSpans, positiveDeltas), Decode(negativeSpans, negativeDeltas));
    }

    /// <summary>The count of positive bucket <paramref name="index"/> (0 when empty).</summary>
    public long PositiveCount(int index) => At(_positiveFirst, _positive, index);

    /// <summary>The count of negative bucket <paramref name="index"/> (0 when empty).</summary>
    public long NegativeCount(int index) => At(_negativeFirst, _negative, index);

    /// <summary>Same schema, zero bucket (threshold bit for bit) and bucket counts.</summary>
    public bool SameAs(NativeHistogramSnapshot? other) =>
        other is not null
        && (ReferenceEquals(this, other)
            || (Schema == other.Schema
                && BitConverter.DoubleToInt64Bits(ZeroThreshold) == BitConverter.DoubleToInt64Bits(other.ZeroThreshold)
                && ZeroCount == other.ZeroCount
                && _positiveFirst == other._positiveFirst
                && _negativeFirst == other._negativeFirst
                && _positive.AsSpan().SequenceEqual(other._positive)
                && _negative.AsSpan().SequenceEqual(other._negative)));

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"schema={Schema} zero={ZeroThreshold:R}:{ZeroCount} +[{string.Join(",", PositiveBuckets.Select(b => $"{b.Key}:{b.Value}"))}] -[{string.Join(",", NegativeBuckets.Select(b => $"{b.Key}:{b.Value}"))}]");

    internal static void Check(int schema, double zeroThreshold, long zeroCount)
    {
        if (schema is < NativeHistogramOptions.MinSchema or > NativeHistogramOptions.MaxSchema)
        {
            throw new ArgumentException($"Native schema {schema} is outside {NativeHistogramOptions.MinSchema}..{NativeHistogramOptions.MaxSchema}.", nameof(schema));
        }

        if (!(zeroThreshold >= 0) || double.IsInfinity(zeroThreshold))
        {
            throw new ArgumentException($"Native zero threshold {zeroThreshold} must be finite and at least 0.", nameof(zeroThreshold));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(zeroCount);
    }

    /// <summary>Trims zero counts off both ends of <paramref name="counts"/> (starting at index <paramref name="first"/>).</summary>
    internal static (int First, long[] Counts) Trim(int first, long[] counts)
    {
        var lo = 0;
        while (lo < counts.Length && counts[lo] == 0)
        {
            lo++;
        }

        if (lo == counts.Length)
        {
            return (0, []);
        }

        var hi = counts.Length - 1;
        while (counts[hi] == 0)
        {
            hi--;
        }

        return lo == 0 && hi == counts.Length - 1 ? (first, counts) : (first + lo, counts[lo..(hi + 1)]);
    }

    private static long At(int first, long[] counts, int index)
    {
        var slot = (long)index - first;
        return slot >= 0 && slot < counts.Length ? counts[slot] : 0;
    }

    private static IEnumerable<KeyValuePair<int, long>> Populated(int first, long[] counts)
    {
        for (var i = 0; i < counts.Length; i++)
        {
            if (counts[i] != 0)
            {
                yield return new KeyValuePair<int, long>(first + i, counts[i]);
            }
        }
    }

    private static (int First, long[] Counts) Dense(IEnumerable<KeyValuePair<int, long>> buckets)
    {
        var sorted = new SortedDictionary<int, long>();
        foreach (var (index, count) in buckets)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(count, nameof(buckets));
            if (count != 0)
            {
                sorted[index] = checked(sorted.GetValueOrDefault(index) + count);
            }
        }

        if (sorted.Count == 0)
        {
            return (0, []);
        }

        var first = sorted.Keys.First();
        var counts = new long[checked(sorted.Keys.Last() - first + 1)];
        foreach (var (index, count) in sorted)
        {
            counts[index - first] = count;
        }

        return (first, counts);
    }

    private static List<KeyValuePair<int, long>> Decode(IReadOnlyList<NativeBucketSpan> spans, IReadOnlyList<long> deltas)
    {
        var buckets = new List<KeyValuePair<int, long>>(deltas.Count);
        var index = 0;
        var d = 0;
        long count = 0;
        for (var s = 0; s < spans.Count; s++)
        {
            if (spans[s].Length < 0 || (s > 0 && spans[s].Offset < 0))
            {
                throw new ArgumentException($"Native bucket span {s} ({spans[s]}) is malformed.", nameof(spans));
            }

            index += spans[s].Offset;
            for (var i = 0; i < spans[s].Length; i++, index++, d++)
            {
                if (d >= deltas.Count)
                {
                    throw new ArgumentException($"The native bucket spans cover more buckets than the {deltas.Count} deltas.", nameof(deltas));
                }

                count += deltas[d];
                buckets.Add(new KeyValuePair<int, long>(index, count));
            }
        }

        return d == deltas.Count
            ? buckets
            : throw new ArgumentException($"The native bucket spans cover {d} buckets; there are {deltas.Count} deltas.", nameof(deltas));
    }

    private static Encoded Encode(int first, long[] counts)
    {
        var spans = new List<NativeBucketSpan>();
        var deltas = new List<long>(counts.Length);
        long previous = 0;
        var i = 0;
        var end = first;
        while (i < counts.Length)
        {
            // A span starts at a populated bucket and runs on through gaps of at most two empty buckets.
            var start = i;
            var last = i;
            for (var j = i + 1; j < counts.Length && j - last <= 3; j++)
            {
                if (counts[j] != 0)
                {
                    last = j;
                }
            }

            spans.Add(new NativeBucketSpan(spans.Count == 0 ? first + start : first + start - end, last - start + 1));
            for (var j = start; j <= last; j++)
            {
                deltas.Add(counts[j] - previous);
                previous = counts[j];
            }

            end = first + last + 1;
            i = last + 1;
            while (i < counts.Length && counts[i] == 0)
            {
                i++;
            }
        }

        return new Encoded([.. spans], [.. deltas]);
    }

    private sealed record Encoded(NativeBucketSpan[] Spans, long[] Deltas);
}
