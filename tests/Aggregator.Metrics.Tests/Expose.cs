using System.Buffers;
using System.Text;
using Aggregator.Metrics.Exposition;

namespace Aggregator.Metrics.Tests;

/// <summary>Renders snapshots and registries to strings for exact comparisons.</summary>
public static class Expose
{
    public static string Text(MetricRegistry registry, bool includeTimestamps = true) =>
        Render(registry.Collect(), ExpositionFormat.Text, includeTimestamps);

    public static string OpenMetrics(MetricRegistry registry, bool includeTimestamps = true) =>
        Render(registry.Collect(), ExpositionFormat.OpenMetrics, includeTimestamps);

    public static string Render(MetricsSnapshot snapshot, ExpositionFormat format, bool includeTimestamps = true) =>
        Encoding.UTF8.GetString(Bytes(snapshot, format, includeTimestamps));

    public static byte[] Bytes(MetricsSnapshot snapshot, ExpositionFormat format, bool includeTimestamps = true)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var written = ExpositionWriter.Write(snapshot, format, buffer, includeTimestamps);
        Assert.Equal(buffer.WrittenCount, written);
        return buffer.WrittenSpan.ToArray();
    }
}
