namespace Aggregator.Metrics.Tests.Registry;

/// <summary>The README's native-histogram declaration, as written there (ReadmeSpec finds each line here), declaring a native-only histogram.</summary>
public sealed class ReadmeNativeHistogramSpec
{
    [Fact]
    public void The_readme_s_native_histogram_declaration_is_native_only_at_schema_3()
    {
        var registry = Registries.Worker();
        var latency = registry.Histogram("latency_seconds", new MetricOptions
        {
            NativeHistogram = new NativeHistogramOptions { Schema = 3 },   // or BucketFactor = 1.1
        });
        latency.Observe(1.5);

        var series = Assert.Single(registry.Collect().Find("latency_seconds")!.Series);
        Assert.Equal(3, series.Native!.Schema);
        Assert.Equal([1L], series.CumulativeBuckets);
    }
}
