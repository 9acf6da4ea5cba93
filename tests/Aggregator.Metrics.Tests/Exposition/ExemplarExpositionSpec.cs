using System.Diagnostics;
using System.Text;
using Aggregator.Metrics.Exposition;
using Aggregator.Metrics.Merging;

namespace Aggregator.Metrics.Tests.Exposition;

public sealed class ExemplarExpositionSpec
{
    private static readonly Exemplar Trace = Exemplar.FromTrace(
        ActivityTraceId.CreateFromString("0af7651916cd43dd8448eb211c80319c"),
        ActivitySpanId.CreateFromString("b7ad6b7169203331"));

    [Fact]
    public void OpenMetrics_writes_exemplars_after_counter_totals_and_histogram_buckets_and_text_writes_none()
    {
        var clock = new ManualClock(Registries.T0);
        var registry = Registries.Worker(clock: clock);
        registry.Counter("requests_total", "Requests", "code").WithLabels("200").Inc(2, Trace);
        var latency = registry.Histogram("latency_seconds", new MetricOptions { Help = "Latency", Buckets = [0.1, 1] });
        clock.EpochMilliseconds += 1234;
        latency.Observe(0.05, new Exemplar(new KeyValuePair<string, string>("user", "a\"b\\c\nd")));
        latency.Observe(3, Trace.WithTimestamp(DateTimeOffset.FromUnixTimeMilliseconds(1_600_000_000_000)));

        Assert.Equal(
            """
            # HELP latency_seconds Latency
            # TYPE latency_seconds histogram
            latency_seconds_bucket{le="0.1"} 1 # {user="a\"b\\c\nd"} 0.05 1700000001.734
            latency_seconds_bucket{le="1.0"} 1
            latency_seconds_bucket{le="+Inf"} 2 # {trace_id="0af7651916cd43dd8448eb211c80319c",span_id="b7ad6b7169203331"} 3 1600000000
            latency_seconds_count 2
            latency_seconds_sum 3.05
            latency_seconds_created 1700000000.5
            # HELP requests Requests
            # TYPE requests counter
            requests_total{code="200"} 2 # {trace_id="0af7651916cd43dd8448eb211c80319c",span_id="b7ad6b7169203331"} 2 1700000000.5
            requests_created{code="200"} 1700000000.5
            # EOF

            """,
            Expose.OpenMetrics(registry));
        Assert.DoesNotContain("#", Expose.Text(registry).Replace("# HELP", string.Empty, StringComparison.Ordinal).Replace("# TYPE", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_streamed_registry_writes_the_same_exemplars_as_its_snapshot()
    {
        var registry = Registries.Worker();
        registry.Counter("c", "C").Inc(1.5, Trace);
        registry.Histogram("h", new MetricOptions { Help = "H", Buckets = [1] }).Observe(0.5, Trace);
        using var stream = new MemoryStream();

        await ExpositionWriter.WriteAsync(registry, ExpositionFormat.OpenMetrics, stream);

        Assert.Equal(Expose.OpenMetrics(registry), Encoding.UTF8.GetString(stream.ToArray()));
        Assert.Contains("c_total 1.5 # {trace_id=\"0af7651916cd43dd8448eb211c80319c\",span_id=\"b7ad6b7169203331\"} 1.5 1700000000.5\n", Encoding.UTF8.GetString(stream.ToArray()), StringComparison.Ordinal);
    }

    [Fact]
    public void Merged_exemplars_show_their_node_and_worker_while_they_fit_in_128_characters()
    {
        var registry = Registries.Worker();
        registry.Counter("c", "C").Inc(1, Trace);
        var node = SnapshotMerger.Merge([new MergeSource("/user/w1", registry.Collect())]).Snapshot;

        // trace_id + span_id take 63 characters; worker="/user/w1" 14 more, node="akka.tcp://agg@127.0.0.1:4053" 33 more.
        var cluster = SnapshotMerger.Merge([new MergeSource("akka.tcp://agg@127.0.0.1:4053", node, "node")]).Snapshot;
        Assert.Contains(
            "c_total 1 # {trace_id=\"0af7651916cd43dd8448eb211c80319c\",span_id=\"b7ad6b7169203331\",worker=\"/user/w1\",node=\"akka.tcp://agg@127.0.0.1:4053\"} 1 1700000000.5\n",
            Expose.Render(cluster, ExpositionFormat.OpenMetrics),
            StringComparison.Ordinal);

        // A worker path that would cross 128 characters is left out; the node (chosen first) stays.
        var longWorker = "/user/" + new string('w', 30);
        var deep = SnapshotMerger.Merge([new MergeSource(longWorker, registry.Collect())]).Snapshot;
        var wide = SnapshotMerger.Merge([new MergeSource("akka.tcp://agg@127.0.0.1:4053", deep, "node")]).Snapshot;
        Assert.Contains(
            "c_total 1 # {trace_id=\"0af7651916cd43dd8448eb211c80319c\",span_id=\"b7ad6b7169203331\",node=\"akka.tcp://agg@127.0.0.1:4053\"} 1 1700000000.5\n",
            Expose.Render(wide, ExpositionFormat.OpenMetrics),
            StringComparison.Ordinal);
        Assert.Equal([new("worker", longWorker), new("node", "akka.tcp://agg@127.0.0.1:4053")], wide.Find("c")!.Series[0].Exemplars[0]!.Sources);
    }
}
