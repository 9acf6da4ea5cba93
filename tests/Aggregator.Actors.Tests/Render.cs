using System.Buffers;
using System.Text;
using Aggregator.Metrics;
using Aggregator.Metrics.Exposition;

namespace Aggregator.Actors.Tests;

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

    /// <summary>The <c>aggregator_source_up</c> series as "source=value" lines, sorted.</summary>
    public static string[] SourceUp(MetricsSnapshot snapshot) =>
        [.. snapshot.Find("aggregator_source_up")!.Series.Select(s => $"{s.LabelValues[1]}={s.Value}")];

    public static double Value(MetricsSnapshot snapshot, string family) => snapshot.Find(family)!.Series.Single().Value;
}
