using Aggregator.Metrics.Merging;

namespace Aggregator.Metrics.Tests.Merging;

/// <summary>Short builders for the snapshots merge tests feed in.</summary>
internal static class Snap
{
    public const long NoTs = SeriesSnapshot.NoTimestamp;

    public static MetricsSnapshot Of(params MetricFamilySnapshot[] families) => new(families);

    public static MergeSource Source(string name, params MetricFamilySnapshot[] families) => new(name, Of(families));

    public static MetricFamilySnapshot Counter(string name, params SeriesSnapshot[] series) =>
        new(new MetricDefinition(MetricType.Counter, name, "help", LabelNames(series)), series);

    public static MetricFamilySnapshot Gauge(string name, GaugeMergePolicy policy, params SeriesSnapshot[] series) =>
        new(new MetricDefinition(MetricType.Gauge, name, "help", LabelNames(series), gaugePolicy: policy), series);

    public static MetricFamilySnapshot TimestampedGauge(string name, GaugeMergePolicy policy, params SeriesSnapshot[] series) =>
        new(new MetricDefinition(MetricType.Gauge, name, "help", LabelNames(series), timestamped: true, gaugePolicy: policy), series);

    public static SeriesSnapshot V(double value, long ts = NoTs, double created = double.NaN, params string[] labels) =>
        SeriesSnapshot.ForValue(labels, value, ts, created);

    public static SeriesSnapshot L(string label, double value, long ts = NoTs) => SeriesSnapshot.ForValue([label], value, ts);

    /// <summary>The series of a merged family as "labels=value@ts" strings, for exact comparison.</summary>
    public static string[] Values(MergeResult result, string family) =>
        [.. result.Snapshot.Find(family)!.Series.Select(s =>
            $"{string.Join(",", s.LabelValues)}={s.Value.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}" + (s.HasTimestamp ? $"@{s.TimestampMs}" : string.Empty))];

    // Test families use one label "k" when their series have one label value, none otherwise.
    private static string[] LabelNames(SeriesSnapshot[] series) =>
        series.Length > 0 && series[0].LabelValues.Count == 1 ? ["k"] : [];
}
