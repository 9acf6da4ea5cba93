using System.Diagnostics;
using Aggregator.Metrics.Merging;

namespace Aggregator.Metrics.Tests.Merging;

public sealed class ExemplarMergeSpec
{
    private static readonly MetricOptions LatencyOptions = new() { Help = "Latency", Buckets = [0.1, 1], LabelNames = ["route"] };

    [Fact]
    public void The_newest_exemplar_survives_worker_node_and_cluster_merges_with_the_sources_it_came_through()
    {
        // Node n1: w1 records at +10 ms, w2 at +30 ms; node n2: w3 at +20 ms. The cluster keeps w2's.
        var w1 = Worker(10, 1, "11111111111111111111111111111111", 0.05);
        var w2 = Worker(30, 2, "22222222222222222222222222222222", 0.07);
        var w3 = Worker(20, 4, "33333333333333333333333333333333", 0.5);

        var n1 = SnapshotMerger.Merge([new MergeSource("akka://s/user/w1", w1), new MergeSource("akka://s/user/w2", w2)]).Snapshot;
        var n2 = SnapshotMerger.Merge([new MergeSource("akka://s/user/w3", w3)]).Snapshot;
        var cluster = SnapshotMerger.Merge([new MergeSource("n1", n1, "node"), new MergeSource("n2", n2, "node")]).Snapshot;

        var counter = Assert.Single(cluster.Find("requests")!.Series);
        Assert.Equal(7, counter.Value);
        Assert.Equal(
            "{trace_id=\"22222222222222222222222222222222\",span_id=\"00f067aa0ba902b7\"} 2 @1700000000530 from [worker=akka://s/user/w2,node=n1]",
            Assert.Single(counter.Exemplars)!.ToString());

        // Per bucket: 0.05 (w1) and 0.07 (w2) share the first, w2's newer; 0.5 (w3) has the second alone; +Inf has none.
        var histogram = Assert.Single(cluster.Find("latency_seconds")!.Series);
        Assert.Equal([2L, 3L, 3L], histogram.CumulativeBuckets);
        Assert.Equal(
            [
                "{trace_id=\"22222222222222222222222222222222\",span_id=\"00f067aa0ba902b7\"} 0.07 @1700000000530 from [worker=akka://s/user/w2,node=n1]",
                "{trace_id=\"33333333333333333333333333333333\",span_id=\"00f067aa0ba902b7\"} 0.5 @1700000000520 from [worker=akka://s/user/w3,node=n2]",
                "null",
            ],
            histogram.Exemplars.Select(e => e?.ToString() ?? "null"));

        // One flat merge of the three workers, each labelled with its worker and node, keeps the same exemplars.
        var flat = SnapshotMerger.Merge(
        [
            new MergeSource("akka://s/user/w1", w1, [new("worker", "akka://s/user/w1"), new("node", "n1")]),
            new MergeSource("akka://s/user/w2", w2, [new("worker", "akka://s/user/w2"), new("node", "n1")]),
            new MergeSource("akka://s/user/w3", w3, [new("worker", "akka://s/user/w3"), new("node", "n2")]),
        ]).Snapshot;
        Assert.True(flat.Find("requests")!.Series[0].SameAs(counter));
        Assert.True(flat.Find("latency_seconds")!.Series[0].SameAs(histogram));
    }

    [Fact]
    public void Equal_times_are_broken_by_the_larger_value_then_the_labels_whatever_the_order_of_sources()
    {
        var a = Exemplars(("t", "a"), 5, 100);
        var b = Exemplars(("t", "b"), 5, 100);
        var c = Exemplars(("t", "c"), 3, 100);

        foreach (var order in new[] { new[] { a, b, c }, [c, b, a], [b, c, a] })
        {
            var merged = SnapshotMerger.Merge(order.Select((s, i) => new MergeSource($"s{i}", s))).Snapshot;
            Assert.Equal("b", merged.Find("c")!.Series[0].Exemplars[0]!.Labels[0].Value);
        }
    }

    [Fact]
    public void A_series_without_exemplars_takes_the_other_sources_exemplar()
    {
        var plain = Snap.Of(Snap.Counter("c", Snap.V(1)));
        var with = Exemplars(("t", "x"), 2, 100);

        var merged = SnapshotMerger.Merge([new MergeSource("a", plain), new MergeSource("b", with)]).Snapshot;

        Assert.Equal("{t=\"x\"} 2 @100 from [worker=b]", merged.Find("c")!.Series[0].Exemplars[0]!.ToString());
        Assert.Equal(3, merged.Find("c")!.Series[0].Value);
    }

    [Fact]
    public void A_retired_worker_s_exemplars_are_dropped_while_its_totals_are_kept()
    {
        var engine = new MergeEngine();
        var first = engine.Merge([new MergeSource("w1", Exemplars(("t", "old"), 4, 100)), new MergeSource("w2", Exemplars(("t", "kept"), 1, 50))]);
        Assert.Equal("old", first.Snapshot.Find("c")!.Series[0].Exemplars[0]!.Labels[0].Value);

        engine.Retire("w1", "akka://s/user");
        var second = engine.Merge([new MergeSource("w2", Exemplars(("t", "kept"), 1, 50))]);

        var series = second.Snapshot.Find("c")!.Series[0];
        Assert.Equal(5, series.Value);
        Assert.Equal("{t=\"kept\"} 1 @50 from [worker=w2]", series.Exemplars[0]!.ToString());
    }

    private static MetricsSnapshot Worker(long atMs, double amount, string trace, double observed)
    {
        var clock = new ManualClock(Registries.T0 + atMs);
        var registry = Registries.Worker(clock: clock);
        var exemplar = Exemplar.FromTrace(ActivityTraceId.CreateFromString(trace), ActivitySpanId.CreateFromString("00f067aa0ba902b7"));
        registry.Counter("requests_total", "Requests", "route").WithLabels("/").Inc(amount, exemplar);
        registry.Histogram("latency_seconds", LatencyOptions).WithLabels("/").Observe(observed, exemplar);
        return registry.Collect();
    }

    private static MetricsSnapshot Exemplars((string Name, string Value) label, double value, long timestampMs) =>
        Snap.Of(Snap.Counter("c", Snap.V(value).WithExemplars([new ExemplarSnapshot([new(label.Name, label.Value)], value, timestampMs)])));
}
