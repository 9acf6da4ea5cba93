using System.Runtime.CompilerServices;

namespace Aggregator.Metrics;

/// <summary>
/// One series of a family at collection time: its label values and its value (counter, gauge, info) or its
/// count, sum and cumulative bucket counts (histogram, summary). Immutable.
/// </summary>
/// <remarks>
/// Five words (40 bytes), because every collection builds arrays of these and at 10,000 series per worker each word
/// is 80 kB more on the large object heap. One double slot holds the value of a counter, gauge or info series and the
/// sum of a histogram or summary; one reference, the detail, tells which: null or an exemplar array for a value series,
/// the cumulative bucket array itself for a plain histogram (its count is the last bucket), and a small object only for
/// a summary (its count) or a histogram that also has native buckets or exemplars. Kinds are told apart by exact type
/// (<see cref="object.GetType"/>), never by a covariant array cast, which the readers of every series would pay for.
/// </remarks>
public readonly struct SeriesSnapshot
{
    /// <summary>The timestamp value meaning "no timestamp recorded".</summary>
    public const long NoTimestamp = long.MinValue;

    private readonly string[] _labelValues;

    // null or ExemplarSnapshot?[]: counter, gauge or info; long[]: plain histogram; HistogramDetail; SummaryDetail.
    private readonly object? _detail;

    // The value of a counter, gauge or info series; the sum of a histogram or summary.
    private readonly double _number;

    private SeriesSnapshot(string[] labelValues, object? detail, double number, long timestampMs, double createdSeconds)
    {
        _labelValues = labelValues;
        _detail = detail;
        _number = number;
        TimestampMs = timestampMs;
        CreatedSeconds = createdSeconds;
    }

    /// <summary>The label values, in the order of the family's label names.</summary>
    public IReadOnlyList<string> LabelValues => _labelValues;

    /// <summary>The value of a counter, gauge or info series (1 for info); 0 for histograms and summaries.</summary>
    public double Value => IsValueSeries ? _number : 0;

    /// <summary>The observation count of a histogram or summary.</summary>
    public long Count
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            var detail = _detail;
            if (detail is null)
            {
                return 0;
            }

            // GetType() compared in place, never kept in a local: only the comparison itself compiles to one
            // method-table check; a local makes it a call. Sealed classes are tested with `is`, also one check.
            return detail.GetType() == typeof(long[]) ? LastBucket(Unsafe.As<long[]>(detail))
                : detail is HistogramDetail histogram ? LastBucket(histogram.Buckets)
                : detail is SummaryDetail summary ? summary.Count
                : 0;
        }
    }

    /// <summary>The sum of observations of a histogram or summary.</summary>
    public double Sum => IsValueSeries ? 0 : _number;

    /// <summary>A histogram's cumulative bucket counts, one per bound and a last one for +Inf; empty otherwise.</summary>
    public IReadOnlyList<long> CumulativeBuckets => CumulativeBucketsArray ?? [];

    /// <summary>The epoch-millisecond time of the last update, or <see cref="NoTimestamp"/>.</summary>
    public long TimestampMs { get; }

    /// <summary>Whether a timestamp was recorded.</summary>
    public bool HasTimestamp => TimestampMs != NoTimestamp;

    /// <summary>The epoch-second creation time of a counter, histogram or summary series; NaN when unknown.</summary>
    public double CreatedSeconds { get; }

    /// <summary>A native histogram's buckets (see <see cref="MetricDefinition.NativeHistogram"/>); null otherwise.</summary>
    public NativeHistogramSnapshot? Native => _detail is HistogramDetail histogram ? histogram.Native : null;

    internal string[] LabelValuesArray => _labelValues;

    internal long[]? CumulativeBucketsArray
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            var detail = _detail;
            if (detail is null)
            {
                return null;
            }

            return detail.GetType() == typeof(long[]) ? Unsafe.As<long[]>(detail)
                : detail is HistogramDetail histogram ? histogram.Buckets
                : null;
        }
    }

    /// <summary>
    /// The exemplars: one for a counter, one per bucket (+Inf last) for a histogram, null where none was recorded;
    /// empty when the series has none at all.
    /// </summary>
    public IReadOnlyList<ExemplarSnapshot?> Exemplars => ExemplarsArray ?? [];

    internal ExemplarSnapshot?[]? ExemplarsArray
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            var detail = _detail;
            if (detail is null)
            {
                return null;
            }

            return detail.GetType() == typeof(ExemplarSnapshot[]) ? Unsafe.As<ExemplarSnapshot?[]>(detail)
                : detail is HistogramDetail histogram ? histogram.Exemplars
                : detail is SummaryDetail summary ? summary.Exemplars
                : null;
        }
    }

    // A counter, gauge or info series (or a default one): the double slot is its value, not a sum.
    private bool IsValueSeries => _detail is null || _detail.GetType() == typeof(ExemplarSnapshot[]);

    /// <summary>The same series with <paramref name="exemplars"/> (kept, not copied; null for none) instead of its own.</summary>
    /// <param name="exemplars">One per counter, one per bucket (+Inf last) for a histogram.</param>
    public SeriesSnapshot WithExemplars(ExemplarSnapshot?[]? exemplars) =>
        new(_labelValues, WithDetail(Native, exemplars), _number, TimestampMs, CreatedSeconds);

    /// <summary>Same label values and values, bit for bit (so NaN equals NaN and -0 differs from 0).</summary>
    /// <param name="other">The series to compare with.</param>
    public bool SameAs(in SeriesSnapshot other)
    {
        var buckets = CumulativeBucketsArray;
        var otherBuckets = other.CumulativeBucketsArray;
        return (ReferenceEquals(_labelValues, other._labelValues) || _labelValues.AsSpan().SequenceEqual(other._labelValues))
            && BitConverter.DoubleToInt64Bits(Value) == BitConverter.DoubleToInt64Bits(other.Value)
            && Count == other.Count
            && BitConverter.DoubleToInt64Bits(Sum) == BitConverter.DoubleToInt64Bits(other.Sum)
            && TimestampMs == other.TimestampMs
            && BitConverter.DoubleToInt64Bits(CreatedSeconds) == BitConverter.DoubleToInt64Bits(other.CreatedSeconds)
            && (ReferenceEquals(buckets, otherBuckets) || buckets.AsSpan().SequenceEqual(otherBuckets))
            && (Native is not { } native ? other.Native is null : native.SameAs(other.Native))
            && Merging.ExemplarMerge.SameExemplars(ExemplarsArray, other.ExemplarsArray);
    }

    /// <summary>The same series under other label values (kept, not copied), for a merge that adds source labels.</summary>
    internal SeriesSnapshot WithLabelValues(string[] labelValues) =>
        new(labelValues, _detail, _number, TimestampMs, CreatedSeconds);

    /// <summary>The same histogram series with native buckets <paramref name="native"/> (kept, not copied).</summary>
    /// <param name="native">The native buckets, or null for none.</param>
    public SeriesSnapshot WithNative(NativeHistogramSnapshot? native) =>
        CumulativeBucketsArray is null && native is not null
            ? throw new InvalidOperationException("Only a histogram series has native buckets.")
            : new(_labelValues, WithDetail(native, ExemplarsArray), _number, TimestampMs, CreatedSeconds);

    /// <summary>
    /// The same histogram series with native buckets and exemplars both replaced (kept, not copied): one detail object
    /// where <see cref="WithNative"/> then <see cref="WithExemplars"/> would make two.
    /// </summary>
    internal SeriesSnapshot WithNativeAndExemplars(NativeHistogramSnapshot? native, ExemplarSnapshot?[]? exemplars) =>
        CumulativeBucketsArray is null && native is not null
            ? throw new InvalidOperationException("Only a histogram series has native buckets.")
            : new(_labelValues, WithDetail(native, exemplars), _number, TimestampMs, CreatedSeconds);

    /// <summary>A counter, gauge or info series.</summary>
    /// <param name="labelValues">The label values (kept, not copied: do not change the array afterwards).</param>
    /// <param name="value">The value.</param>
    /// <param name="timestampMs">The epoch-millisecond time of the last update, or <see cref="NoTimestamp"/>.</param>
    /// <param name="createdSeconds">A counter's creation time in epoch seconds, or NaN.</param>
    public static SeriesSnapshot ForValue(string[] labelValues, double value, long timestampMs = NoTimestamp, double createdSeconds = double.NaN)
    {
        ArgumentNullException.ThrowIfNull(labelValues);
        return new SeriesSnapshot(labelValues, null, value, timestampMs, createdSeconds);
    }

    /// <summary>A summary series (count and sum).</summary>
    public static SeriesSnapshot ForSummary(string[] labelValues, long count, double sum, long timestampMs = NoTimestamp, double createdSeconds = double.NaN)
    {
        ArgumentNullException.ThrowIfNull(labelValues);
        return new SeriesSnapshot(labelValues, new SummaryDetail(count, null), sum, timestampMs, createdSeconds);
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

        return new SeriesSnapshot(labelValues, HistogramDetail.Of(cumulativeBuckets, null, null), sum, timestampMs, createdSeconds);
    }

    private static long LastBucket(long[] buckets) => buckets[^1];

    // This series' detail with its native buckets and exemplars replaced; the kind and the rest stay.
    private object? WithDetail(NativeHistogramSnapshot? native, ExemplarSnapshot?[]? exemplars)
    {
        var detail = _detail;
        if (detail is null || detail.GetType() == typeof(ExemplarSnapshot[]))
        {
            return exemplars;
        }

        if (detail is SummaryDetail summary)
        {
            return ReferenceEquals(summary.Exemplars, exemplars) ? summary : new SummaryDetail(summary.Count, exemplars);
        }

        if (detail is HistogramDetail histogram && ReferenceEquals(histogram.Native, native) && ReferenceEquals(histogram.Exemplars, exemplars))
        {
            return histogram;
        }

        return HistogramDetail.Of(CumulativeBucketsArray!, native, exemplars);
    }

    /// <summary>A summary's count, and its exemplars if it was given any.</summary>
    private sealed class SummaryDetail(long count, ExemplarSnapshot?[]? exemplars)
    {
        public long Count { get; } = count;

        public ExemplarSnapshot?[]? Exemplars { get; } = exemplars;
    }

    /// <summary>A histogram's cumulative buckets with its native buckets or exemplars (or both).</summary>
    private sealed class HistogramDetail
    {
        private HistogramDetail(long[] buckets, NativeHistogramSnapshot? native, ExemplarSnapshot?[]? exemplars)
        {
            Buckets = buckets;
            Native = native;
            Exemplars = exemplars;
        }

        public long[] Buckets { get; }

        public NativeHistogramSnapshot? Native { get; }

        public ExemplarSnapshot?[]? Exemplars { get; }

        /// <summary>
        /// The detail of a histogram: the bucket array itself when there is nothing else to hold, unless the array is
        /// really another type cast to <c>long[]</c> (a <c>ulong[]</c> is, to the runtime), which the exact type
        /// checks would not recognise.
        /// </summary>
        public static object Of(long[] buckets, NativeHistogramSnapshot? native, ExemplarSnapshot?[]? exemplars) =>
            native is null && exemplars is null && buckets.GetType() == typeof(long[])
                ? buckets
                : new HistogramDetail(buckets, native, exemplars);
    }
}
