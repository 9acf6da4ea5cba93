using Aggregator.Conformance.Tests.Conformance;
using Aggregator.Metrics;
using Aggregator.Metrics.Merging;
using static Aggregator.Conformance.Tests.Conformance.Expect;

namespace Aggregator.Conformance.Tests.Exposition;

/// <summary>
/// Native histograms in the text formats, which cannot carry native buckets: promtool is silent on the text format and
/// Python's text and strict OpenMetrics parsers read exactly the classic part (the classic buckets when kept, else only
/// +Inf with count and sum), also after a merge of sources at different schemas.
/// </summary>
public sealed class NativeExpositionConformanceSpec
{
    private const long T0 = 1_700_000_000_250;
    private const double T0Seconds = 1_700_000_000.25;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Native_only_and_native_with_classic_histograms_are_valid_classic_histograms(bool shared)
    {
        var registry = NewRegistry(shared);
        var native = registry.Histogram("rpc_duration_seconds", new MetricOptions { Help = "RPC duration.", LabelNames = ["method"], NativeHistogram = new NativeHistogramOptions() });
        var both = registry.Histogram("payload_bytes", new MetricOptions { Help = "Payloads.", Buckets = [100, 1000], NativeHistogram = new NativeHistogramOptions { Schema = 0 } });
        foreach (var v in new[] { 0.002, 0.5, 3, -1, 0 })
        {
            native.WithLabels("get").Observe(v);
        }

        foreach (var v in new[] { 50, 500, 5000 })
        {
            both.Observe(v);
        }

        await ExpositionCheck.VerifyAsync(registry.Collect(), [
            Histogram("payload_bytes", "Payloads.", Histogram(["100.0", "1000.0", "+Inf"], [1, 2, 3], 5550) with { Created = T0Seconds }),
            Histogram("rpc_duration_seconds", "RPC duration.", Histogram(["+Inf"], [5], 2.502, ("method", "get")) with { Created = T0Seconds }),
        ]);
    }

    [Fact]
    public async Task A_merge_of_sources_at_different_schemas_is_served_as_its_count_and_sum()
    {
        var sources = new List<MergeSource>();
        for (var s = 0; s < 3; s++)
        {
            var registry = NewRegistry(shared: false);
            var histogram = registry.Histogram("rpc_duration_seconds", new MetricOptions { Help = "RPC duration.", NativeHistogram = new NativeHistogramOptions { Schema = 8 - (3 * s) } });
            histogram.Observe(s + 0.25);
            histogram.Observe(-s);
            sources.Add(new MergeSource($"w{s}", registry.Collect()));
        }

        var merged = SnapshotMerger.Merge(sources).Snapshot;
        Assert.Equal(2, merged.Find("rpc_duration_seconds")!.Series[0].Native!.Schema);

        await ExpositionCheck.VerifyAsync(merged, [
            Histogram("rpc_duration_seconds", "RPC duration.", Histogram(["+Inf"], [6], 0.75) with { Created = T0Seconds }),
        ]);
    }

    private static MetricRegistry NewRegistry(bool shared)
    {
        var catalog = new MetricCatalog(new MetricsOptions { TimeProvider = new ManualClock(T0) });
        return shared ? new SharedRegistry(catalog) : new WorkerRegistry(catalog);
    }
}
