namespace Aggregator.Metrics;

/// <summary>
/// One series of a family at collection time: its label values and its value (counter, gauge, info) or its
/// count, sum and cumulative bucket counts (histogram, summary). Immutable.
/// </summary>
public readonly struct SeriesSnapshot
{
    /// <summary>The timestamp value meaning "no timestamp recorded".</summary>
    public const long NoTimestamp = long.MinValue;

    private readonly string[] _labelValues;
    private readonly long[]? _cumulativeBuckets;
    private readonly ExemplarSnapshot?[]? _exemplars;

    private SeriesSnapshot(string[] labelValues, double value, long count, double sum, long[]? cumulativeBuckets, long timestampMs, double createdSeconds, NativeHistogramSnapshot? native = null, ExemplarSnapshot?[]? exemplars = null)
    {
        Native = native;
        _exemplars = exemplars;
        _labelValues = labelValues;
        Value = value;
        Count = count;
        Sum = sum;
        _cumulativeBuckets = cumulativeBuckets;
        TimestampMs = timestampMs;
        CreatedSeconds = createdSeconds;
    }

    /// <summary>The label values, in the order of the family's label names.</summary>
    public IReadOnlyList<string> LabelValues => _labelValues;

    /// <summary>The value of a counter, gauge or info series (1 for info); 0 for histograms and summaries.</summary>
    public double Value { get; }

    /// <summary>The observation count of a histogram or summary.</summary>
    public long Count { get; }

    /// <summary>The sum of observations of a histogram or summary.</summary>
    public double Sum { get; }

    /// <summary>A histogram's cumulative bucket counts, one per bound and a last one for +Inf; empty otherwise.</summary>
    public IReadOnlyList<long> CumulativeBuckets => _cumulativeBuckets ?? [];

    /// <summary>The epoch-millisecond time of the last update, or <see cref="NoTimestamp"/>.</summary>
    public long TimestampMs { get; }

    /// <summary>Whether a timestamp was recorded.</summary>
    public bool HasTimestamp => TimestampMs != NoTimestamp;

    /// <summary>The epoch-second creation time of a counter, histogram or summary series; NaN when unknown.</summary>
    public double CreatedSeconds { get; }

    /// <summary>A native histogram's buckets (see <see cref="MetricDefinition.NativeHistogram"/>); null otherwise.</summary>
    public NativeHistogramSnapshot? Native { get; }

    internal string[] LabelValuesArray => _labelValues;

    internal long[]? CumulativeBucketsArray => _cumulativeBuckets;

    /// <summary>
    /// The exemplars: one for a counter, one per bucket (+Inf last) for a histogram, null where none was recorded;
    /// empty when the series has none at all.
    /// </summary>
    public IReadOnlyList<ExemplarSnapshot?> Exemplars => _exemplars ?? [];

    internal ExemplarSnapshot?[]? ExemplarsArray => _exemplars;

    /// <summary>The same series with <paramref name="exemplars"/> (kept, not copied; null for none) instead of its own.</summary>
    /// <param name="exemplars">One per counter, one per bucket (+Inf last) for a histogram.</param>
    public SeriesSnapshot WithExemplars(ExemplarSnapshot?[]? exemplars) =>
        new(_labelValues, Value, Count, Sum, _cumulativeBuckets, TimestampMs, CreatedSeconds, Native, exemplars);

    /// <summary>Same label values and values, bit for bit (so NaN equals NaN and -0 differs from 0).</summary>
    /// <param name="other">The series to compare with.</param>
    public bool SameAs(in SeriesSnapshot other) =>
        (ReferenceEquals(_labelValues, other._labelValues) || _labelValues.AsSpan().SequenceEqual(other._labelValues))
        && BitConverter.DoubleToInt64Bits(Value) == BitConverter.DoubleToInt64Bits(other.Value)
        && Count == other.Count
        && BitConverter.DoubleToInt64Bits(Sum) == BitConverter.DoubleToInt64Bits(other.Sum)
        && TimestampMs == other.TimestampMs
        && BitConverter.DoubleToInt64Bits(CreatedSeconds) == BitConverter.DoubleToInt64Bits(other.CreatedSeconds)
        && (ReferenceEquals(_cumulativeBuckets, other._cumulativeBuckets) || _cumulativeBuckets.AsSpan().SequenceEqual(other._cumulativeBuckets))
        && (Native is null ? other.Native is null : Native.SameAs(other.Native))
        && Merging.ExemplarMerge.SameExemplars(_exemplars, other._exemplars);

    /// <summary>The same series under other label values (kept, not copied), for a merge that adds source labels.</summary>
    internal SeriesSnapshot WithLabelValues(string[] labelValues) =>
        new(labelValues, Value, Count, Sum, _cumulativeBuckets, TimestampMs, CreatedSeconds, Native, _exemplars);

    /// <summary>The same histogram series with native buckets <paramref name="native"/> (kept, not copied).</summary>
    /// <param name="native">The native buckets, or null for none.</param>
    public SeriesSnapshot WithNative(NativeHistogramSnapshot? native) =>
        _cumulativeBuckets is null && native is not null
            ? throw new InvalidOperationException("Only a histogram series has native buckets.")
            : new(_labelValues, Value, Count, Sum, _cumulativeBuckets, TimestampMs, CreatedSeconds, native, _exemplars);

    /// <summary>A counter, gauge or info series.</summary>
    /// <param name="labelValues">The label values (kept, not copied: do not change the array afterwards).</param>
    /// <param name="value">The value.</param>
    /// <param name="timestampMs">The epoch-millisecond time of the last update, or <see cref="NoTimestamp"/>.</param>
    /// <param name="createdSeconds">A counter's creation time in epoch seconds, or NaN.</param>
    public static SeriesSnapshot ForValue(string[] labelValues, double value, long timestampMs = NoTimestamp, double createdSeconds = double.NaN)
    {
        ArgumentNullException.ThrowIfNull(labelValues);
        return new SeriesSnapshot(labelValues, value, 0, 0, null, timestampMs, createdSeconds);
    }

    /// <summary>A summary series (count and sum).</summary>
    public static SeriesSnapshot ForSummary(string[] labelValues, long count, double sum, long timestampMs = NoTimestamp, double createdSeconds = double.NaN)
    {
        ArgumentNullException.ThrowIfNull(labelValues);
        return new SeriesSnapshot(labelValues, 0, count, sum, null, timestampMs, createdSeconds);
    }

    /// <summary>A histogram series; the count is the last (+Inf) cumulative bucket.</summary>
    /// <param name="labelValues">The label values (kept, not copied).</param>
    /// <param name="cumulativeBuckets">Cumulative counts, one per bound and a last one for +Inf (kept, not copied).</param>
    /// <param name="sum">The sum of observations.</param>
    /// <param name="timestampMs">The epoch-millisecond time of the last update, or <see cref="NoTimestamp"/>.</param>
    /// <param name="createdSeconds">The creation time in epoch seconds, or NaN.</param>
    public static SeriesSnapshot ForHistogram(string[] labelValues, long[] cumulativeBuckets, double sum, long timestampMs = NoTimestamp, double createdSeconds = double.NaN)
    {
        ArgumentNullException.ThrowIfNull(labelValues);
        ArgumentNullException.ThrowIfNull(cumulativeBuckets);
        if (cumulativeBuckets.Length == 0)
        {
            throw new ArgumentException("A histogram series needs at least the +Inf bucket.", nameof(cumulativeBuckets));
        }

        for (var i = 1; i < cumulativeBuckets.Length; i++)
        {
            if (cumulativeBuckets[i] < cumulativeBuckets[i - 1])
            {
                throw new ArgumentException($"Cumulative bucket counts must not decrease: bucket {i} has {cumulativeBuckets[i]} after {cumulativeBuckets[i - 1]}.", nameof(cumulativeBuckets));
            }
        }

        return new SeriesSnapshot(labelValues, 0, cumulativeBuckets[^1], sum, cumulativeBuckets, timestampMs, createdSeconds);
    }
}
