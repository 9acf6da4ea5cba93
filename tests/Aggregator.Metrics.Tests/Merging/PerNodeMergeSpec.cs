using Aggregator.Metrics.Exposition;
using Aggregator.Metrics.Merging;
using static Aggregator.Metrics.Tests.Merging.Snap;

namespace Aggregator.Metrics.Tests.Merging;

/// <summary>
/// Per-node families (<see cref="MetricDefinition.PerNode"/>): an ordinary merge within a node, a <c>node</c> label per
/// node in a cluster merge whatever the type, the same result from a flat merge, and no retention once a node is gone.
/// </summary>
public sealed class PerNodeMergeSpec
{
    private const string Node1 = "akka.tcp://agg@127.0.0.1:4053";
    private const string Node2 = "akka.tcp://agg@127.0.0.1:4054";

    private static readonly MetricDefinition Cpu = new(MetricType.Counter, "process_cpu_seconds_total", "CPU.", perNode: true);
    private static readonly MetricDefinition Start = new(MetricType.Gauge, "process_start_time_seconds", "Start.", perNode: true);
    private static readonly MetricDefinition Pause = new(MetricType.Histogram, "gc_pause_seconds", "Pauses.", ["gen"], buckets: [0.1], perNode: true);
    private static readonly MetricDefinition Alloc = new(MetricType.Summary, "alloc_bytes", "Allocations.", perNode: true);
    private static readonly MetricDefinition Runtime = new(MetricType.Info, "runtime_info", "Runtime.", ["version"], perNode: true);
    private static readonly MetricDefinition Jobs = new(MetricType.Counter, "jobs_total", "Jobs.");

    [Fact]
    public void Within_a_node_a_per_node_family_merges_by_its_types_rule_without_labels()
    {
        var result = SnapshotMerger.Merge(
        [
            new MergeSource("/user/w1", Of(F(Cpu, V(1.5)), F(Start, V(100)))),
            new MergeSource("/user/w2", Of(F(Cpu, V(2.25)), F(Start, V(90)))),
            new MergeSource("shared", Of(F(Cpu, V(0.25)), F(Start, V(100)))),
        ]);

        Assert.Empty(result.Conflicts);
        Assert.Equal(
            """
            # HELP process_cpu_seconds_total CPU.
            # TYPE process_cpu_seconds_total counter
            process_cpu_seconds_total 4
            # HELP process_start_time_seconds Start.
            # TYPE process_start_time_seconds gauge
            process_start_time_seconds 100

            """,
            Expose.Render(result.Snapshot, ExpositionFormat.Text));
        Assert.Equal(Cpu, result.Snapshot.Find("process_cpu_seconds")!.Definition);
    }

    [Fact]
    public void In_a_cluster_merge_each_nodes_series_keep_a_node_label_for_every_type()
    {
        MetricsSnapshot Node(double cpu, double start, long fast, long all, double pauseSum, long allocCount, string version) => Of(
            F(Cpu, V(cpu)),
            F(Start, V(start)),
            F(Pause, SeriesSnapshot.ForHistogram(["0"], [fast, all], pauseSum)),
            F(Alloc, SeriesSnapshot.ForSummary([], allocCount, allocCount * 64.0)),
            F(Runtime, SeriesSnapshot.ForValue([version], 1)),
            F(Jobs, V(allocCount)));

        var result = SnapshotMerger.Merge(
        [
            new MergeSource(Node2, Node(7.5, 1_700_000_200, 1, 3, 0.75, 5, "10.0.1"), "node"),
            new MergeSource(Node1, Node(2.25, 1_700_000_100, 4, 4, 0.125, 2, "10.0.1"), "node"),
        ]);

        Assert.Empty(result.Conflicts);
        Assert.Equal(
            """
            # HELP alloc_bytes Allocations.
            # TYPE alloc_bytes summary
            alloc_bytes_count{node="akka.tcp://agg@127.0.0.1:4053"} 2
            alloc_bytes_sum{node="akka.tcp://agg@127.0.0.1:4053"} 128
            alloc_bytes_count{node="akka.tcp://agg@127.0.0.1:4054"} 5
            alloc_bytes_sum{node="akka.tcp://agg@127.0.0.1:4054"} 320
            # HELP gc_pause_seconds Pauses.
            # TYPE gc_pause_seconds histogram
            gc_pause_seconds_bucket{gen="0",node="akka.tcp://agg@127.0.0.1:4053",le="0.1"} 4
            gc_pause_seconds_bucket{gen="0",node="akka.tcp://agg@127.0.0.1:4053",le="+Inf"} 4
            gc_pause_seconds_count{gen="0",node="akka.tcp://agg@127.0.0.1:4053"} 4
            gc_pause_seconds_sum{gen="0",node="akka.tcp://agg@127.0.0.1:4053"} 0.125
            gc_pause_seconds_bucket{gen="0",node="akka.tcp://agg@127.0.0.1:4054",le="0.1"} 1
            gc_pause_seconds_bucket{gen="0",node="akka.tcp://agg@127.0.0.1:4054",le="+Inf"} 3
            gc_pause_seconds_count{gen="0",node="akka.tcp://agg@127.0.0.1:4054"} 3
            gc_pause_seconds_sum{gen="0",node="akka.tcp://agg@127.0.0.1:4054"} 0.75
            # HELP jobs_total Jobs.
            # TYPE jobs_total counter
            jobs_total 7
            # HELP process_cpu_seconds_total CPU.
            # TYPE process_cpu_seconds_total counter
            process_cpu_seconds_total{node="akka.tcp://agg@127.0.0.1:4053"} 2.25
            process_cpu_seconds_total{node="akka.tcp://agg@127.0.0.1:4054"} 7.5
            # HELP process_start_time_seconds Start.
            # TYPE process_start_time_seconds gauge
            process_start_time_seconds{node="akka.tcp://agg@127.0.0.1:4053"} 1700000100
            process_start_time_seconds{node="akka.tcp://agg@127.0.0.1:4054"} 1700000200
            # HELP runtime_info Runtime.
            # TYPE runtime_info gauge
            runtime_info{version="10.0.1",node="akka.tcp://agg@127.0.0.1:4053"} 1
            runtime_info{version="10.0.1",node="akka.tcp://agg@127.0.0.1:4054"} 1

            """,
            Expose.Render(result.Snapshot, ExpositionFormat.Text));
        Assert.Equal(
            new MetricDefinition(MetricType.Counter, "process_cpu_seconds_total", "CPU.", ["node"], perNode: true),
            result.Snapshot.Find("process_cpu_seconds")!.Definition);
    }

    [Fact]
    public void A_flat_merge_of_every_worker_equals_the_merge_of_node_merges()
    {
        KeyValuePair<string, string> P(string k, string v) => new(k, v);
        MetricsSnapshot W(double cpu, double start, double pause) => Of(
            F(Cpu, V(cpu)),
            F(Start, V(start)),
            F(Pause, SeriesSnapshot.ForHistogram(["1"], [pause < 0.1 ? 1 : 0, 1], pause)),
            F(Jobs, V(1)));

        var node1 = SnapshotMerger.Merge([new MergeSource("w1", W(1, 10, 0.05)), new MergeSource("w2", W(2, 20, 0.5))]).Snapshot;
        var node2 = SnapshotMerger.Merge([new MergeSource("w1", W(4, 30, 0.25))]).Snapshot;
        var cluster = SnapshotMerger.Merge([new MergeSource("n1", node1, "node"), new MergeSource("n2", node2, "node")]);
        var flat = SnapshotMerger.Merge(
        [
            new MergeSource("n2/w1", W(4, 30, 0.25), [P("worker", "w1"), P("node", "n2")]),
            new MergeSource("n1/w2", W(2, 20, 0.5), [P("worker", "w2"), P("node", "n1")]),
            new MergeSource("n1/w1", W(1, 10, 0.05), [P("worker", "w1"), P("node", "n1")]),
        ]);

        Assert.Equal(["n1=3", "n2=4"], Values(cluster, "process_cpu_seconds"));
        Assert.Equal(["n1=20", "n2=30"], Values(cluster, "process_start_time_seconds"));
        Assert.Equal(["=3"], Values(cluster, "jobs"));
        Assert.Equal(Expose.Render(flat.Snapshot, ExpositionFormat.OpenMetrics), Expose.Render(cluster.Snapshot, ExpositionFormat.OpenMetrics));
        Assert.Equal(
            """
            # HELP gc_pause_seconds Pauses.
            # TYPE gc_pause_seconds histogram
            gc_pause_seconds_bucket{gen="1",node="n1",le="0.1"} 1
            gc_pause_seconds_bucket{gen="1",node="n1",le="+Inf"} 2
            gc_pause_seconds_count{gen="1",node="n1"} 2
            gc_pause_seconds_sum{gen="1",node="n1"} 0.55
            gc_pause_seconds_bucket{gen="1",node="n2",le="0.1"} 0
            gc_pause_seconds_bucket{gen="1",node="n2",le="+Inf"} 1
            gc_pause_seconds_count{gen="1",node="n2"} 1
            gc_pause_seconds_sum{gen="1",node="n2"} 0.25

            """,
            Expose.Render(new MetricsSnapshot([cluster.Snapshot.Find("gc_pause_seconds")!]), ExpositionFormat.Text));
        Assert.Empty(cluster.Conflicts);
        Assert.Empty(flat.Conflicts);
    }

    [Fact]
    public void A_per_node_all_gauge_keeps_every_worker_and_node_apart()
    {
        KeyValuePair<string, string> P(string k, string v) => new(k, v);
        var threads = new MetricDefinition(MetricType.Gauge, "threads", "Threads.", gaugePolicy: GaugeMergePolicy.All, perNode: true);

        var node = SnapshotMerger.Merge([new MergeSource("w1", Of(F(threads, V(3)))), new MergeSource("w2", Of(F(threads, V(4))))]);
        var cluster = SnapshotMerger.Merge([new MergeSource("n1", node.Snapshot, "node")]);
        var flat = SnapshotMerger.Merge(
        [
            new MergeSource("n1/w1", Of(F(threads, V(3))), [P("worker", "w1"), P("node", "n1")]),
            new MergeSource("n1/w2", Of(F(threads, V(4))), [P("worker", "w2"), P("node", "n1")]),
        ]);

        Assert.Equal(["w1=3", "w2=4"], Values(node, "threads"));
        Assert.Equal(["w1,n1=3", "w2,n1=4"], Values(cluster, "threads"));
        Assert.Equal(["w1,n1=3", "w2,n1=4"], Values(flat, "threads"));
    }

    [Fact]
    public void A_source_that_does_not_mark_the_family_per_node_still_merges_with_those_that_do()
    {
        var plain = new MetricDefinition(MetricType.Counter, "process_cpu_seconds_total", "CPU.");

        var result = SnapshotMerger.Merge(
        [
            new MergeSource(Node1, Of(F(Cpu, V(1))), "node"),
            new MergeSource(Node2, Of(F(plain, V(2))), "node"),
        ]);

        Assert.Empty(result.Conflicts);
        Assert.Equal([$"{Node1}=1", $"{Node2}=2"], Values(result, "process_cpu_seconds"));
        Assert.True(result.Snapshot.Find("process_cpu_seconds")!.Definition.PerNode);
    }

    [Fact]
    public void A_per_node_family_that_already_has_a_node_label_is_left_out_of_a_cluster_merge_and_reported()
    {
        var labeled = new MetricDefinition(MetricType.Counter, "connections_total", "Connections.", ["node"], perNode: true);
        MetricsSnapshot S(double value) => Of(F(labeled, SeriesSnapshot.ForValue(["peer"], value)), F(Jobs, V(value)));

        var node = SnapshotMerger.Merge([new MergeSource("w1", S(1)), new MergeSource("w2", S(2))]);
        var cluster = SnapshotMerger.Merge([new MergeSource(Node1, S(1), "node"), new MergeSource(Node2, S(2), "node")]);

        Assert.Equal(["peer=3"], Values(node, "connections"));
        Assert.Empty(node.Conflicts);
        Assert.Null(cluster.Snapshot.Find("connections"));
        Assert.Equal(["=3"], Values(cluster, "jobs"));
        var conflict = Assert.Single(cluster.Conflicts);
        Assert.Equal(("connections", MergeConflictReason.SourceLabel), (conflict.Family, conflict.Reason));
        Assert.Equal([Node1, Node2], conflict.Sources);
        Assert.Equal("a per-node family adds the labels [node], which the family already has or its sources do not share", conflict.Detail);
    }

    [Fact]
    public void Sources_of_which_only_some_carry_a_node_label_leave_a_per_node_family_out()
    {
        var result = SnapshotMerger.Merge(
        [
            new MergeSource(Node1, Of(F(Cpu, V(1)), F(Jobs, V(1))), "node"),
            new MergeSource("/user/w1", Of(F(Cpu, V(2)), F(Jobs, V(2))), "worker"),
        ]);

        Assert.Null(result.Snapshot.Find("process_cpu_seconds"));
        Assert.Equal(["=3"], Values(result, "jobs"));
        var conflict = Assert.Single(result.Conflicts);
        Assert.Equal(("process_cpu_seconds", MergeConflictReason.SourceLabel), (conflict.Family, conflict.Reason));
    }

    [Fact]
    public void The_monotonic_part_leaves_per_node_families_out()
    {
        var snapshot = Of(
            F(Alloc, SeriesSnapshot.ForSummary([], 1, 64)),
            F(Pause, SeriesSnapshot.ForHistogram(["0"], [1, 1], 0.01)),
            F(Jobs, V(5)),
            F(Cpu, V(2)),
            F(Start, V(100)));

        var monotonic = MergeEngine.MonotonicPart(snapshot);

        Assert.Equal(["jobs"], monotonic.Families.Select(f => f.Name));
    }

    [Fact]
    public void A_departed_nodes_per_node_counters_disappear_while_its_other_counters_are_retained()
    {
        var engine = new MergeEngine("node");
        MergeSource N(string name, double cpu, double jobs) => new(name, Of(F(Cpu, V(cpu)), F(Jobs, V(jobs))), "node");
        var before = engine.Merge([N(Node1, 3, 10), N(Node2, 4, 20)]);

        engine.Retire(Node2, Node2);
        var after = engine.Merge([N(Node1, 5, 11)]);
        var silent = engine.Merge([], missing: [Node1]);

        Assert.Equal([$"{Node1}=3", $"{Node2}=4"], Values(before, "process_cpu_seconds"));
        Assert.Equal([$"{Node1}=5"], Values(after, "process_cpu_seconds"));
        Assert.Equal(["=31"], Values(after, "jobs"));
        Assert.Null(silent.Snapshot.Find("process_cpu_seconds"));
        Assert.Equal(["=31"], Values(silent, "jobs"));
        Assert.Empty(after.Conflicts);
    }

    [Fact]
    public void A_user_metric_opts_in_through_its_options()
    {
        var registry = new WorkerRegistry();
        var open = registry.Gauge("open_sockets", new MetricOptions { Help = "Open sockets.", PerNode = true });
        open.Set(12);

        var family = Assert.Single(registry.Collect().Families);
        Assert.True(family.Definition.PerNode);
        Assert.Equal("gauge open_sockets{} policy=Max per-node", family.Definition.ToString());
        var conflict = Assert.Throws<MetricConflictException>(() => registry.Gauge("open_sockets", new MetricOptions { Help = "Open sockets." }));
        Assert.Contains("per-node flag differs", conflict.Message, StringComparison.Ordinal);

        var cluster = SnapshotMerger.Merge(
        [
            new MergeSource(Node1, registry.Collect(), "node"),
            new MergeSource(Node2, registry.Collect(), "node"),
        ]);
        Assert.Equal([$"{Node1}=12", $"{Node2}=12"], Values(cluster, "open_sockets"));
    }

    private static MetricFamilySnapshot F(MetricDefinition definition, params SeriesSnapshot[] series) => new(definition, series);
}
