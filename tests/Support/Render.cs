using System.Buffers;
using System.Text;
using Aggregator.Metrics;
using Aggregator.Metrics.Exposition;

namespace Aggregator.Tests.Support;

public static class Render
{
    /// <summary>The text exposition without Aggregator's own families (whose durations vary run to run).</summary>
    public static string UserFamilies(MetricsSnapshot snapshot) =>
        Text(new MetricsSnapshot(snapshot.Families.Where(f => !f.Name.StartsWith("aggregator_", StringComparison.Ordinal))));

    public static string Text(MetricsSnapshot snapshot)
    {
        var buffer = new ArrayBufferWriter<byte>();
        ExpositionWriter.Write(snapshot, ExpositionFormat.Text, buffer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The <c>aggregator_source_up</c> series (of one level, or all) as "source=value" lines, sorted.</summary>
    public static string[] SourceUp(MetricsSnapshot snapshot, string? level = null) =>
        [.. snapshot.Find("aggregator_source_up")!.Series.Where(s => level is null || s.LabelValues[0] == level).Select(s => $"{s.LabelValues[1]}={s.Value}")];

    public static double Value(MetricsSnapshot snapshot, string family) => snapshot.Find(family)!.Series.Single().Value;

    /// <summary>Every counter, histogram and summary sample as "family{labels} field=value", for never-lower checks.</summary>
    public static Dictionary<string, double> MonotonicSamples(MetricsSnapshot snapshot)
    {
        var samples = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var family in snapshot.Families)
        {
            foreach (var series in family.Series)
            {
                var key = $"{family.Name}{{{string.Join(",", series.LabelValues)}}}";
                switch (family.Definition.Type)
                {
                    case MetricType.Counter:
                        samples[key] = series.Value;
                        break;
                    case MetricType.Histogram:
                        for (var b = 0; b < series.CumulativeBuckets.Count; b++)
                        {
                            samples[$"{key} bucket{b}"] = series.CumulativeBuckets[b];
                        }

                        samples[key + " count"] = series.Count;
                        break;
                    case MetricType.Summary:
                        samples[key + " count"] = series.Count;
                        break;
                    default:
                        break;
                }
            }
        }

        return samples;
    }

    /// <summary>Fails naming every counter sample of <paramref name="before"/> that is lower (or gone) in <paramref name="after"/>.</summary>
    public static void NoCounterLower(MetricsSnapshot before, MetricsSnapshot after)
    {
        var now = MonotonicSamples(after);
        var lower = MonotonicSamples(before)
            .Where(b => !now.TryGetValue(b.Key, out var v) || v < b.Value)
            .Select(b => $"{b.Key}: {b.Value} -> {(now.TryGetValue(b.Key, out var v) ? v : "gone")}")
            .ToArray();
        Assert.True(lower.Length == 0, "Counters went down:\n" + string.Join("\n", lower));
    }
}
