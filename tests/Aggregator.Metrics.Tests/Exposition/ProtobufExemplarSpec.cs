using System.Diagnostics;
using Aggregator.Metrics.Exposition;
using Aggregator.Metrics.Merging;
using Google.Protobuf.WellKnownTypes;
using Proto = Aggregator.Tests.Protobuf;

namespace Aggregator.Metrics.Tests.Exposition;

/// <summary>Exemplars in the protobuf format, decoded by code generated from the scrape format's schema.</summary>
public sealed class ProtobufExemplarSpec
{
    private static readonly Exemplar Trace = Exemplar.FromTrace(
        ActivityTraceId.CreateFromString("0af7651916cd43dd8448eb211c80319c"),
        ActivitySpanId.CreateFromString("b7ad6b7169203331"));

    [Fact]
    public void Counters_and_buckets_carry_their_exemplars_and_plus_inf_is_written_only_to_hold_one()
    {
        var clock = new ManualClock(Registries.T0);
        var registry = Registries.Worker(clock: clock);
        registry.Counter("requests_total", "Requests", "code").WithLabels("200").Inc(2, Trace);
        registry.Counter("plain_total", "Plain").Inc(1);
        var latency = registry.Histogram("latency_seconds", new MetricOptions { Help = "Latency", Buckets = [0.1, 1] });
        latency.Observe(0.05, new Exemplar(new KeyValuePair<string, string>("user", "ünï")));
        clock.EpochMilliseconds += 1234;
        latency.Observe(3, Trace);
        var merged = SnapshotMerger.Merge([new MergeSource("/user/w1", registry.Collect())]).Snapshot;

        var families = ProtobufFormatSpec.Decode(merged).ToDictionary(f => f.Name);

        var counter = Assert.Single(families["requests_total"].Metric).Counter;
        Assert.Equal(2, counter.Value);
        Assert.Equal(["trace_id=0af7651916cd43dd8448eb211c80319c", "span_id=b7ad6b7169203331", "worker=/user/w1"], Labels(counter.Exemplar));
        Assert.Equal(2, counter.Exemplar.Value);
        Assert.Equal(new Timestamp { Seconds = 1_700_000_000, Nanos = 500_000_000 }, counter.Exemplar.Timestamp);
        Assert.Equal(new Timestamp { Seconds = 1_700_000_000, Nanos = 500_000_000 }, counter.CreatedTimestamp);
        Assert.Null(Assert.Single(families["plain_total"].Metric).Counter.Exemplar);

        var histogram = Assert.Single(families["latency_seconds"].Metric).Histogram;
        Assert.Equal(
            [
                "0.1 1 {user=ünï,worker=/user/w1} 0.05 @1700000000.500000000",
                "1 1",
                "Infinity 2 {trace_id=0af7651916cd43dd8448eb211c80319c,span_id=b7ad6b7169203331,worker=/user/w1} 3 @1700000001.734000000",
            ],
            histogram.Bucket.Select(b => $"{b.UpperBound.ToString(System.Globalization.CultureInfo.InvariantCulture)} {b.CumulativeCount}"
                + (b.Exemplar is null ? string.Empty : $" {{{string.Join(",", Labels(b.Exemplar))}}} {b.Exemplar.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)} @{b.Exemplar.Timestamp.Seconds}.{b.Exemplar.Timestamp.Nanos:D9}")));
        Assert.Equal(2UL, histogram.SampleCount);
    }

    private static string[] Labels(Proto.Exemplar exemplar) => [.. exemplar.Label.Select(l => l.Name + "=" + l.Value)];

    [Fact]
    public void A_native_only_histogram_carries_its_exemplar_in_the_histogram_s_exemplars_and_no_classic_bucket()
    {
        var registry = Registries.Worker();
        var latency = registry.Histogram("latency_seconds", new MetricOptions { Help = "L", NativeHistogram = new NativeHistogramOptions { Schema = 0 } });
        latency.Observe(3, Trace);

        var histogram = Assert.Single(Assert.Single(ProtobufFormatSpec.Decode(registry.Collect())).Metric).Histogram;

        Assert.Empty(histogram.Bucket);
        var exemplar = Assert.Single(histogram.Exemplars);
        Assert.Equal(["trace_id=0af7651916cd43dd8448eb211c80319c", "span_id=b7ad6b7169203331"], Labels(exemplar));
        Assert.Equal(3, exemplar.Value);
        Assert.Equal(1UL, histogram.SampleCount);
        Assert.Equal(0, histogram.Schema);
    }
}
