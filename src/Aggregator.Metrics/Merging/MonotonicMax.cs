namespace Aggregator.Metrics.Merging;

/// <summary>
/// The series-by-series maximum of two views of the same monotonic totals (counters, histograms, summaries), as two
/// observers of one departed source may have seen it at different moments: the series that has progressed further
/// wins whole (a histogram's buckets are never mixed from two moments). Commutative, associative and idempotent, so it
/// can merge replicated state in any order.
/// </summary>
public static class MonotonicMax
{
    /// <summary>The per-series maximum of <paramref name="a"/> and <paramref name="b"/>; where shapes differ, <paramref name="a"/>'s family is kept.</summary>
    public static MetricsSnapshot Of(MetricsSnapshot a, MetricsSnapshot b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return MetricsSnapshot.FromSorted(SortedUnion.Of(a.FamiliesArray, b.FamiliesArray, SortedUnion.ByName, static (x, y) =>
            SnapshotMerger.SameShape(x.Definition, y.Definition)
                ? new MetricFamilySnapshot(
                    x.Definition,
                    SortedUnion.Of(x.SeriesArray, y.SeriesArray, LabelValuesComparer.Instance.Compare, static (s, t) => Further(s, t) ? t : s),
                    validate: false)
                : x));
    }

    // Whether b has progressed further than a: more observations, then a larger sum or value, then a later update.
    private static bool Further(SeriesSnapshot a, SeriesSnapshot b)
    {
        if (a.Count != b.Count)
        {
            return b.Count > a.Count;
        }

        if (a.Value != b.Value)
        {
            return b.Value > a.Value;
        }

        if (a.Sum != b.Sum)
        {
            return b.Sum > a.Sum;
        }

        return b.TimestampMs > a.TimestampMs;
    }
}
