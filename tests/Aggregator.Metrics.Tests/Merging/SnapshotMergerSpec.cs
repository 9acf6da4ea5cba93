using Aggregator.Metrics.Merging;
using static Aggregator.Metrics.Tests.Merging.Snap;

namespace Aggregator.Metrics.Tests.Merging;

public sealed class SnapshotMergerSpec
{
    [Fact]
    public void Ten_sources_each_incrementing_a_counter_once_give_ten()
    {
        var sources = Enumerable.Range(0, 10).Select(i =>
        {
            var registry = new WorkerRegistry();
            registry.Counter("events_total", "Events").Inc();
            return new MergeSource($"w{i}", registry.Collect());
        });

        var result = SnapshotMerger.Merge(sources);

        Assert.Equal(["=10"], Values(result, "events"));
        Assert.Empty(result.Conflicts);
    }

    [Fact]
    public void Counters_sum_take_the_newest_timestamp_and_the_earliest_created()
    {
        var result = SnapshotMerger.Merge(
        [
            Source("a", Counter("c", V(1.5, 100, 10))),
            Source("b", Counter("c", V(2, 300, 5))),
            Source("c", Counter("c", V(4, NoTs, double.NaN))),
        ]);

        var series = Assert.Single(result.Snapshot.Find("c")!.Series);
        Assert.Equal(7.5, series.Value);
        Assert.Equal(300, series.TimestampMs);
        Assert.Equal(5, series.CreatedSeconds);
    }

    [Fact]
    public void Series_match_on_label_values_and_stay_sorted()
    {
        var result = SnapshotMerger.Merge(
        [
            Source("a", Counter("c", L("x", 1), L("z", 1))),
            Source("b", Counter("c", L("y", 2), L("z", 2))),
        ]);

        Assert.Equal(["x=1", "y=2", "z=3"], Values(result, "c"));
    }

    [Fact]
    public void Min_gauge_over_zero_to_nine_gives_zero()
    {
        var sources = Enumerable.Range(0, 10).Select(i => Source($"w{i}", Gauge("g", GaugeMergePolicy.Min, V(i))));

        Assert.Equal(["=0"], Values(SnapshotMerger.Merge(sources), "g"));
    }

    [Theory]
    [InlineData(GaugeMergePolicy.Max, "=5@200")]
    [InlineData(GaugeMergePolicy.Min, "=-1@300")]
    [InlineData(GaugeMergePolicy.Sum, "=7@300")]
    [InlineData(GaugeMergePolicy.MostRecent, "=-1@300")]
    public void Gauge_policies_pick_value_and_timestamp(GaugeMergePolicy policy, string expected)
    {
        var result = SnapshotMerger.Merge(
        [
            Source("a", TimestampedGauge("g", policy, V(3, 100))),
            Source("b", TimestampedGauge("g", policy, V(5, 200))),
            Source("c", TimestampedGauge("g", policy, V(-1, 300))),
        ]);

        Assert.Equal([expected], Values(result, "g"));
    }

    [Fact]
    public void Max_gauge_tie_takes_the_newest_timestamp()
    {
        var result = SnapshotMerger.Merge(
        [
            Source("a", TimestampedGauge("g", GaugeMergePolicy.Max, V(5, 100))),
            Source("b", TimestampedGauge("g", GaugeMergePolicy.Max, V(5, 300))),
            Source("c", TimestampedGauge("g", GaugeMergePolicy.Max, V(5, 200))),
        ]);

        Assert.Equal(["=5@300"], Values(result, "g"));
    }

    [Fact]
    public void Min_gauge_tie_takes_the_newest_timestamp()
    {
        var result = SnapshotMerger.Merge(
        [
            Source("a", TimestampedGauge("g", GaugeMergePolicy.Min, V(1, 400))),
            Source("b", TimestampedGauge("g", GaugeMergePolicy.Min, V(1, 300))),
        ]);

        Assert.Equal(["=1@400"], Values(result, "g"));
    }

    [Fact]
    public void Mostrecent_tie_on_time_takes_the_larger_value_and_missing_time_is_oldest()
    {
        var result = SnapshotMerger.Merge(
        [
            Source("a", TimestampedGauge("g", GaugeMergePolicy.MostRecent, V(1, 500, labels: "t"), V(9, NoTs, labels: "x"))),
            Source("b", TimestampedGauge("g", GaugeMergePolicy.MostRecent, V(2, 500, labels: "t"), V(3, 10, labels: "x"))),
        ]);

        Assert.Equal(["t=2@500", "x=3@10"], Values(result, "g"));
    }

    [Theory]
    [InlineData(GaugeMergePolicy.Max, new[] { double.NaN, 1.0, double.NaN }, "1")]
    [InlineData(GaugeMergePolicy.Min, new[] { double.NaN, 1.0, double.NaN }, "1")]
    [InlineData(GaugeMergePolicy.Max, new[] { double.NaN, double.NaN }, "NaN")]
    [InlineData(GaugeMergePolicy.Min, new[] { double.NaN, double.NaN }, "NaN")]
    [InlineData(GaugeMergePolicy.Sum, new[] { double.NaN, 1.0 }, "NaN")]
    [InlineData(GaugeMergePolicy.Max, new[] { double.NegativeInfinity, 1.0, double.PositiveInfinity }, "Infinity")]
    [InlineData(GaugeMergePolicy.Min, new[] { double.NegativeInfinity, 1.0, double.PositiveInfinity }, "-Infinity")]
    [InlineData(GaugeMergePolicy.Sum, new[] { double.NegativeInfinity, 1.0, double.PositiveInfinity }, "NaN")]
    [InlineData(GaugeMergePolicy.Sum, new[] { 1.0, double.PositiveInfinity }, "Infinity")]
    public void Gauges_with_NaN_infinities_and_signed_zeros(GaugeMergePolicy policy, double[] values, string expected)
    {
        var result = SnapshotMerger.Merge(values.Select((v, i) => Source($"s{i}", Gauge("g", policy, V(v)))));

        Assert.Equal(["=" + expected], Values(result, "g"));
    }

    [Fact]
    public void Max_prefers_positive_zero_and_min_negative_zero_whatever_the_order()
    {
        string Merge(GaugeMergePolicy policy, double first, double second) =>
            Values(SnapshotMerger.Merge([Source("a", Gauge("g", policy, V(first))), Source("b", Gauge("g", policy, V(second)))]), "g")[0];

        Assert.Equal(["=0", "=0", "=-0", "=-0"], new[]
        {
            Merge(GaugeMergePolicy.Max, -0.0, 0.0),
            Merge(GaugeMergePolicy.Max, 0.0, -0.0),
            Merge(GaugeMergePolicy.Min, 0.0, -0.0),
            Merge(GaugeMergePolicy.Min, -0.0, 0.0),
        });
    }

    [Fact]
    public void All_gauge_keeps_every_source_with_a_worker_label()
    {
        var result = SnapshotMerger.Merge(
        [
            Source("w2", Gauge("g", GaugeMergePolicy.All, L("x", 2))),
            Source("w1", Gauge("g", GaugeMergePolicy.All, L("x", 1), L("y", 5))),
        ]);

        var family = result.Snapshot.Find("g")!;
        Assert.Equal(["k", "worker"], family.Definition.LabelNames);
        Assert.Equal(["x,w1=1", "x,w2=2", "y,w1=5"], Values(result, "g"));
    }

    [Fact]
    public void All_gauge_whose_labels_include_the_source_label_is_left_out_and_reported()
    {
        var definition = new MetricDefinition(MetricType.Gauge, "g", "help", ["worker"], gaugePolicy: GaugeMergePolicy.All);
        var family = new MetricFamilySnapshot(definition, [SeriesSnapshot.ForValue(["x"], 1)]);

        var result = SnapshotMerger.Merge([new MergeSource("w1", Of(family)), Source("w2", Counter("c", V(1)))]);

        Assert.Null(result.Snapshot.Find("g"));
        Assert.Equal(["=1"], Values(result, "c"));
        var conflict = Assert.Single(result.Conflicts);
        Assert.Equal(("g", MergeConflictReason.SourceLabel), (conflict.Family, conflict.Reason));
        Assert.Equal(["w1"], conflict.Sources);
    }

    [Fact]
    public void Histograms_add_bucket_by_bucket()
    {
        var definition = new MetricDefinition(MetricType.Histogram, "h", "help", buckets: [1, 2]);
        MergeSource H(string name, long[] buckets, double sum, long ts, double created) =>
            new(name, Of(new MetricFamilySnapshot(definition, [SeriesSnapshot.ForHistogram([], buckets, sum, ts, created)])));

        var result = SnapshotMerger.Merge([H("a", [1, 3, 4], 5.5, 10, 100), H("b", [0, 2, 7], 20, 30, 50), H("c", [2, 2, 2], 0.5, 20, 70)]);

        var series = Assert.Single(result.Snapshot.Find("h")!.Series);
        Assert.Equal([3L, 7, 13], series.CumulativeBuckets);
        Assert.Equal(13, series.Count);
        Assert.Equal(26, series.Sum);
        Assert.Equal(30, series.TimestampMs);
        Assert.Equal(50, series.CreatedSeconds);
    }

    [Fact]
    public void Histogram_merge_does_not_change_its_inputs()
    {
        var definition = new MetricDefinition(MetricType.Histogram, "h", "help", buckets: [1]);
        long[] first = [1, 2];
        var a = new MergeSource("a", Of(new MetricFamilySnapshot(definition, [SeriesSnapshot.ForHistogram([], first, 1)])));
        var b = new MergeSource("b", Of(new MetricFamilySnapshot(definition, [SeriesSnapshot.ForHistogram([], [3, 4], 1)])));

        SnapshotMerger.Merge([a, b]);

        Assert.Equal([1L, 2], first);
    }

    [Fact]
    public void Summaries_add_count_and_sum()
    {
        var definition = new MetricDefinition(MetricType.Summary, "s", "help");
        MergeSource S(string name, long count, double sum) =>
            new(name, Of(new MetricFamilySnapshot(definition, [SeriesSnapshot.ForSummary([], count, sum)])));

        var series = Assert.Single(SnapshotMerger.Merge([S("a", 3, 1.5), S("b", 4, 2.25)]).Snapshot.Find("s")!.Series);

        Assert.Equal((7L, 3.75), (series.Count, series.Sum));
    }

    [Fact]
    public void Info_series_with_equal_labels_collapse()
    {
        var definition = new MetricDefinition(MetricType.Info, "build", "help", ["version"]);
        MergeSource I(string name, string version, long ts) =>
            new(name, Of(new MetricFamilySnapshot(definition, [SeriesSnapshot.ForValue([version], 1, ts)])));

        var result = SnapshotMerger.Merge([I("a", "1.0", 5), I("b", "1.0", 9), I("c", "2.0", 1)]);

        Assert.Equal(["1.0=1@9", "2.0=1@1"], Values(result, "build"));
    }

    [Fact]
    public void Counter_and_gauge_under_one_name_leave_out_the_minority_and_report_it()
    {
        var result = SnapshotMerger.Merge(
        [
            Source("a", Counter("m", V(1))),
            Source("b", Gauge("m", GaugeMergePolicy.Max, V(7))),
            Source("c", Counter("m", V(2))),
        ]);

        Assert.Equal(MetricType.Counter, result.Snapshot.Find("m")!.Definition.Type);
        Assert.Equal(["=3"], Values(result, "m"));
        var conflict = Assert.Single(result.Conflicts);
        Assert.Equal(("m", MergeConflictReason.Type), (conflict.Family, conflict.Reason));
        Assert.Equal(["b"], conflict.Sources);
    }

    [Fact]
    public void A_tie_between_shapes_keeps_the_first_source_by_name()
    {
        var result = SnapshotMerger.Merge(
        [
            Source("b", Gauge("m", GaugeMergePolicy.Max, V(7))),
            Source("a", Gauge("m", GaugeMergePolicy.Min, V(1))),
        ]);

        Assert.Equal(GaugeMergePolicy.Min, result.Snapshot.Find("m")!.Definition.GaugePolicy);
        var conflict = Assert.Single(result.Conflicts);
        Assert.Equal((MergeConflictReason.GaugePolicy, "b"), (conflict.Reason, Assert.Single(conflict.Sources)));
    }

    [Fact]
    public void Different_label_names_and_buckets_are_conflicts()
    {
        var h1 = new MetricDefinition(MetricType.Histogram, "h", "help", buckets: [1]);
        var h2 = new MetricDefinition(MetricType.Histogram, "h", "help", buckets: [2]);
        var c1 = new MetricDefinition(MetricType.Counter, "c", "help", ["a"]);
        var c2 = new MetricDefinition(MetricType.Counter, "c", "help", ["b"]);
        MergeSource S(string name, MetricDefinition h, MetricDefinition c) => new(name, Of(
            new MetricFamilySnapshot(h, [SeriesSnapshot.ForHistogram([], [1, 1], 1)]),
            new MetricFamilySnapshot(c, [SeriesSnapshot.ForValue(["v"], 1)])));

        var result = SnapshotMerger.Merge([S("a", h1, c1), S("b", h1, c1), S("c", h2, c2)]);

        Assert.Equal(
            [("c", MergeConflictReason.LabelNames, "c"), ("h", MergeConflictReason.Buckets, "c")],
            result.Conflicts.Select(c => (c.Family, c.Reason, Assert.Single(c.Sources))));
        Assert.Equal([2L, 2], Assert.Single(result.Snapshot.Find("h")!.Series).CumulativeBuckets);
    }

    [Fact]
    public void Help_disagreement_keeps_the_first_text_and_is_reported_without_leaving_anything_out()
    {
        MergeSource S(string name, string help) =>
            new(name, Of(new MetricFamilySnapshot(new MetricDefinition(MetricType.Counter, "c", help), [V(1)])));

        var result = SnapshotMerger.Merge([S("b", "second"), S("a", "first")]);

        Assert.Equal("first", result.Snapshot.Find("c")!.Definition.Help);
        Assert.Equal(["=2"], Values(result, "c"));
        var conflict = Assert.Single(result.Conflicts);
        Assert.Equal((MergeConflictReason.Help, "b"), (conflict.Reason, Assert.Single(conflict.Sources)));
    }

    [Fact]
    public void A_counter_x_and_a_gauge_x_total_from_different_sources_cannot_both_be_exposed()
    {
        var result = SnapshotMerger.Merge([Source("a", Counter("x", V(1))), Source("b", Gauge("x_total", GaugeMergePolicy.Max, V(2)))]);

        Assert.Equal(["x"], result.Snapshot.Families.Select(f => f.Name));
        var conflict = Assert.Single(result.Conflicts);
        Assert.Equal(("x_total", MergeConflictReason.NameClash, "b"), (conflict.Family, conflict.Reason, Assert.Single(conflict.Sources)));
    }

    [Theory]
    [InlineData(MetricType.Counter, "x_total_total", "x_total")]
    [InlineData(MetricType.Info, "x_info_info", "x_info")]
    [InlineData(MetricType.Gauge, "x_total", "x_total")]
    public void A_family_keeps_its_name_when_only_some_sources_timestamp_it(MetricType type, string declared, string family)
    {
        MergeSource S(string name, bool timestamped) => new(name, Of(new MetricFamilySnapshot(
            new MetricDefinition(type, declared, "help", ["k"], timestamped),
            [SeriesSnapshot.ForValue(["v"], 1, 5)])));

        var result = SnapshotMerger.Merge([S("a", false), S("b", true)]);

        var merged = Assert.Single(result.Snapshot.Families);
        Assert.Equal((family, true), (merged.Name, merged.Definition.Timestamped));
        Assert.Empty(result.Conflicts);
    }

    [Fact]
    public void Source_order_does_not_change_the_result()
    {
        MergeSource[] sources =
        [
            Source("a", Counter("c", L("x", 1)), TimestampedGauge("g", GaugeMergePolicy.MostRecent, V(1, 5))),
            Source("b", Counter("c", L("y", 2)), TimestampedGauge("g", GaugeMergePolicy.MostRecent, V(2, 5))),
            Source("c", Counter("c", L("x", 3)), TimestampedGauge("g", GaugeMergePolicy.MostRecent, V(3, 1))),
        ];

        var forward = SnapshotMerger.Merge(sources);
        var backward = SnapshotMerger.Merge(sources.Reverse());

        Assert.Equal(Values(forward, "c"), Values(backward, "c"));
        Assert.Equal(["x=4", "y=2"], Values(forward, "c"));
        Assert.Equal(["=2@5"], Values(backward, "g"));
    }

    [Fact]
    public void Worker_node_cluster_equals_one_flat_merge_with_all_gauges()
    {
        KeyValuePair<string, string> P(string k, string v) => new(k, v);
        MetricsSnapshot W(double g, double c) => Of(Gauge("g", GaugeMergePolicy.All, V(g)), Counter("c", V(c)));

        var node1 = SnapshotMerger.Merge([new MergeSource("w1", W(1, 1)), new MergeSource("w2", W(2, 2))]).Snapshot;
        var node2 = SnapshotMerger.Merge([new MergeSource("w1", W(3, 4))]).Snapshot;
        var cluster = SnapshotMerger.Merge([new MergeSource("n1", node1, "node"), new MergeSource("n2", node2, "node")]);
        var flat = SnapshotMerger.Merge(
        [
            new MergeSource("n1/w1", W(1, 1), [P("worker", "w1"), P("node", "n1")]),
            new MergeSource("n1/w2", W(2, 2), [P("worker", "w2"), P("node", "n1")]),
            new MergeSource("n2/w1", W(3, 4), [P("worker", "w1"), P("node", "n2")]),
        ]);

        Assert.Equal(["w1,n1=1", "w1,n2=3", "w2,n1=2"], Values(cluster, "g"));
        Assert.Equal(Values(flat, "g"), Values(cluster, "g"));
        Assert.Equal(Values(flat, "c"), Values(cluster, "c"));
        Assert.Equal(["=7"], Values(cluster, "c"));
    }

    [Fact]
    public void More_than_thirty_two_sources_merge_in_passes()
    {
        var sources = Enumerable.Range(0, 100).Select(i => Source($"w{i:D3}", Counter("c", L("s" + (i % 7), 1))));

        Assert.Equal(["s0=15", "s1=15", "s2=14", "s3=14", "s4=14", "s5=14", "s6=14"], Values(SnapshotMerger.Merge(sources), "c"));
    }

    [Fact]
    public void Two_sources_with_one_name_are_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => SnapshotMerger.Merge([Source("a"), Source("a")]));

        Assert.StartsWith("Two merge sources are named 'a'.", error.Message, StringComparison.Ordinal);
    }
}
