using Aggregator.Metrics.Exposition;

namespace Aggregator.Metrics.Tests.Native;

/// <summary>The text formats cannot hold native buckets: they show the classic part, which for native only is the +Inf bucket.</summary>
public sealed class NativeTextFormatSpec
{
    [Fact]
    public void A_native_only_histogram_is_served_as_a_classic_histogram_with_only_the_inf_bucket()
    {
        var registry = Registries.Worker();
        var histogram = registry.Histogram("latency_seconds", new MetricOptions { Help = "Latency.", NativeHistogram = new NativeHistogramOptions() });
        histogram.Observe(0.25);
        histogram.Observe(3);

        Assert.Equal(
            "# HELP latency_seconds Latency.\n# TYPE latency_seconds histogram\nlatency_seconds_bucket{le=\"+Inf\"} 2\nlatency_seconds_count 2\nlatency_seconds_sum 3.25\n",
            Expose.Text(registry));
        Assert.Equal(
            "# HELP latency_seconds Latency.\n# TYPE latency_seconds histogram\nlatency_seconds_bucket{le=\"+Inf\"} 2\nlatency_seconds_count 2\nlatency_seconds_sum 3.25\nlatency_seconds_created 1700000000.5\n# EOF\n",
            Expose.OpenMetrics(registry));
    }

    [Fact]
    public void A_histogram_with_native_and_classic_buckets_shows_its_classic_buckets()
    {
        var registry = Registries.Worker();
        var histogram = registry.Histogram("h", new MetricOptions { Help = "H.", Buckets = [1], NativeHistogram = new NativeHistogramOptions() });
        histogram.Observe(0.5);
        histogram.Observe(2);

        Assert.Equal(
            "# HELP h H.\n# TYPE h histogram\nh_bucket{le=\"1.0\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_count 2\nh_sum 2.5\n",
            Expose.Render(registry.Collect(), ExpositionFormat.Text));
    }
}
