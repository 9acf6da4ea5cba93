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
        var x = a.FamiliesArray;
        var y = b.FamiliesArray;
        var result = new List<MetricFamilySnapshot>(Math.Max(x.Length, y.Length));
        int i = 0, j = 0;
        while (i < x.Length || j < y.Length)
        {
            var c = i == x.Length ? 1 : j == y.Length ? -1 : string.CompareOrdinal(x[i].Name, y[j].Name);
            if (c < 0)
            {
                result.Add(x[i++]);
            }
            else if (c > 0)
            {
                result.Add(y[j++]);
            }
            else
            {
                result.Add(SnapshotMerger.SameShape(x[i].Definition, y[j].Definition) ? Family(x[i], y[j]) : x[i]);
                i++;
                j++;
            }
        }

        return MetricsSnapshot.FromSorted([.. result]);
    }

    private static MetricFamilySnapshot Family(MetricFamilySnapshot a, MetricFamilySnapshot b)
    {
        var x = a.SeriesArray;
        var y = b.SeriesArray;
        var series = new List<SeriesSnapshot>(Math.Max(x.Length, y.Length));
        int i = 0, j = 0;
        while (i < x.Length || j < y.Length)
        {
            var c = i == x.Length ? 1 : j == y.Length ? -1 : LabelValuesComparer.Instance.Compare(x[i], y[j]);
            if (c < 0)
            {
                series.Add(x[i++]);
            }
            else if (c > 0)
            {
                series.Add(y[j++]);
            }
            else
            {
                series.Add(Further(x[i], y[j]) ? y[j] : x[i]);
                i++;
                j++;
            }
        }

        return new MetricFamilySnapshot(a.Definition, [.. series], validate: false);
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
