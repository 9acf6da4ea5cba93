using System.Buffers;
using System.Text;
using Aggregator.Metrics.Exposition;

namespace Aggregator.Metrics.Tests;

/// <summary>Renders snapshots and registries to strings for exact comparisons.</summary>
public static class Expose
{
    public static string Text(MetricRegistry registry) => Render(registry.Collect(), ExpositionFormat.Text);

    public static string OpenMetrics(MetricRegistry registry) => Render(registry.Collect(), ExpositionFormat.OpenMetrics);

    public static string Render(MetricsSnapshot snapshot, ExpositionFormat format, bool includeTimestamps = true)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var written = ExpositionWriter.Write(snapshot, format, buffer, includeTimestamps);
        Assert.Equal(buffer.WrittenCount, written);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
