using Aggregator.Metrics.Exposition;

namespace Aggregator.Metrics.Tests.Exposition;

public sealed class RegistryStreamingSpec
{
    [Theory]
    [InlineData(ExpositionFormat.Text)]
    [InlineData(ExpositionFormat.OpenMetrics)]
    [InlineData(ExpositionFormat.Protobuf)]
    public async Task Streaming_a_registry_writes_exactly_what_its_snapshot_writes(ExpositionFormat format)
    {
        var registry = new SharedRegistry(new MetricCatalog(new MetricsOptions { TimeProvider = new ManualClock(1_700_000_000_250), MaxSeriesPerFamily = 600 }));
        var counter = registry.Counter("requests_total", "Requests", "path");
        for (var i = 0; i < 700; i++)
        {
            counter.WithLabels("/p/" + i).Inc(i);
        }

        registry.Histogram("latency_seconds", new MetricOptions { Buckets = [0.1, 1] }).Observe(0.5);
        registry.Summary("size_bytes", "Sizes").Observe(3);
        registry.Gauge("temperature", new MetricOptions { Timestamped = true }).Set(21.5);
        registry.Info("build", "Build", "version").Set("2.0");
        registry.AddCollector("extra", () => [MetricFamilySnapshot.OfValue(new MetricDefinition(MetricType.Gauge, "extra_value", "Extra"), 7)]);

        using var streamed = new MemoryStream();
        var written = await ExpositionWriter.WriteAsync(registry, format, streamed);

        Assert.Equal(Expose.Render(registry.Collect(), format), System.Text.Encoding.UTF8.GetString(streamed.ToArray()));
        Assert.Equal(streamed.Length, written);
    }
}
