using System.Buffers;
using System.Text;
using Aggregator.Conformance.Tests.Tools;
using Aggregator.Metrics;
using Aggregator.Metrics.Exposition;
using Aggregator.Metrics.Merging;
using Aggregator.Metrics.Tests.Merging;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Aggregator.Conformance.Tests.Merging;

/// <summary>
/// Merged expositions under the real tools: <c>promtool check metrics</c> on text 0.0.4 (exit 0, not even a lint
/// problem), Python's lax text parser on text and its strict OpenMetrics parser on OpenMetrics, with the exact merged
/// values; the conflict cases, whose output must stay valid while <c>aggregator_merge_conflicts_total</c> counts them;
/// and random merged snapshots.
/// </summary>
public sealed class MergedExpositionConformanceSpec
{
    private const long T = 1_700_000_000_000;
    private const string Tricky = "ä \"q\" \\ \n";

    [Fact]
    public void A_merge_with_every_rule_passes_promtool_and_both_python_parsers_with_the_merged_values()
    {
        var jobs = Def(MetricType.Counter, "jobs_total", "Jobs done.", ["queue"], timestamped: true);
        var depth = Def(MetricType.Gauge, "queue_depth", "Queue depth.", [], timestamped: true);
        var free = Def(MetricType.Gauge, "free_slots", "Free slots.", [], policy: GaugeMergePolicy.Min);
        var connections = Def(MetricType.Gauge, "connections", "Open connections.", [], policy: GaugeMergePolicy.Sum);
        var version = Def(MetricType.Gauge, "config_version", "Configuration version.", [], timestamped: true, policy: GaugeMergePolicy.MostRecent);
        var cpu = Def(MetricType.Gauge, "cpu_ratio", "CPU use.", ["queue"], policy: GaugeMergePolicy.All);
        var latency = new MetricDefinition(MetricType.Histogram, "latency_seconds", "Latency.", ["queue"], buckets: [0.25, 1]);
        var payload = Def(MetricType.Summary, "payload_bytes", "Payload sizes.", ["queue"]);
        var build = Def(MetricType.Info, "build_info", "Build.", ["version"]);

        var merged = SnapshotMerger.Merge(
        [
            new MergeSource("w1", new MetricsSnapshot(
            [
                F(jobs, V(["a"], 1.5, T + 1000, 1_700_000_000.5), V(["b"], 1, T + 2000, 1_699_999_999.25), V([Tricky], 1, T + 1000)),
                F(depth, V([], 3, T + 1000)),
                F(free, V([], 3)),
                F(connections, V([], 1)),
                F(version, V([], 1, T + 3000)),
                F(cpu, V(["a"], 0.5)),
                F(latency, SeriesSnapshot.ForHistogram(["a"], [1, 2, 3], 1.5, createdSeconds: 1_700_000_000)),
                F(payload, SeriesSnapshot.ForSummary(["a"], 3, 300, createdSeconds: 1_700_000_000)),
                F(build, V(["1.0"], 1)),
            ])),
            new MergeSource("w2", new MetricsSnapshot(
            [
                F(jobs, V(["a"], 2, T + 3000, 1_699_999_990.75)),
                F(depth, V([], 5, T + 2000)),
                F(free, V([], -1.5)),
                F(connections, V([], 2.25)),
                F(version, V([], 2, T + 2000)),
                F(cpu, V(["a"], 0.25)),
                F(latency, SeriesSnapshot.ForHistogram(["a"], [0, 1, 1], 0.75, createdSeconds: 1_699_999_000)),
                F(build, V(["1.0"], 1)),
            ])),
            new MergeSource("w3", new MetricsSnapshot(
            [
                F(jobs, V(["b"], 4, T + 1000), V([Tricky], 2, SeriesSnapshot.NoTimestamp, 1_700_000_001)),
                F(depth, V([], 5, T + 3000)),
                F(free, V([], 2)),
                F(connections, V([], 4)),
                F(version, V([], 9, T + 1000)),
                F(payload, SeriesSnapshot.ForSummary(["a"], 1, 12)),
                F(build, V(["1.1"], 1)),
            ])),
        ]);

        Assert.Empty(merged.Conflicts);
        var (text, openMetrics) = CheckWithAllTools(merged.Snapshot);
        Assert.Equal(
        [
            "build_info{version=1.0} 1.0",
            "build_info{version=1.1} 1.0",
            "config_version 1.0 @1700000003.000000000",
            "connections 7.25",
            "cpu_ratio{queue=a,worker=w1} 0.5",
            "cpu_ratio{queue=a,worker=w2} 0.25",
            "free_slots -1.5",
            "jobs_total{queue=a} 3.5 @1700000003.000000000",
            "jobs_created{queue=a} 1699999990.75 @1700000003.000000000",
            "jobs_total{queue=b} 5.0 @1700000002.000000000",
            "jobs_created{queue=b} 1699999999.25 @1700000002.000000000",
            $"jobs_total{{queue={Tricky}}} 3.0 @1700000001.000000000",
            $"jobs_created{{queue={Tricky}}} 1700000001.0 @1700000001.000000000",
            "latency_seconds_bucket{le=0.25,queue=a} 1.0",
            "latency_seconds_bucket{le=1.0,queue=a} 3.0",
            "latency_seconds_bucket{le=+Inf,queue=a} 4.0",
            "latency_seconds_count{queue=a} 4.0",
            "latency_seconds_sum{queue=a} 2.25",
            "latency_seconds_created{queue=a} 1699999000.0",
            "payload_bytes_count{queue=a} 4.0",
            "payload_bytes_sum{queue=a} 312.0",
            "payload_bytes_created{queue=a} 1700000000.0",
            "queue_depth 5.0 @1700000003.000000000",
        ],
            openMetrics);
        Assert.Equal(
        [
            "build_info{version=1.0} 1.0",
            "build_info{version=1.1} 1.0",
            "config_version 1.0 @1700000003.0",
            "connections 7.25",
            "cpu_ratio{queue=a,worker=w1} 0.5",
            "cpu_ratio{queue=a,worker=w2} 0.25",
            "free_slots -1.5",
            "jobs_total{queue=a} 3.5 @1700000003.0",
            "jobs_total{queue=b} 5.0 @1700000002.0",
            $"jobs_total{{queue={Tricky}}} 3.0 @1700000001.0",
            "latency_seconds_bucket{le=0.25,queue=a} 1.0",
            "latency_seconds_bucket{le=1.0,queue=a} 3.0",
            "latency_seconds_bucket{le=+Inf,queue=a} 4.0",
            "latency_seconds_count{queue=a} 4.0",
            "latency_seconds_sum{queue=a} 2.25",
            "payload_bytes_count{queue=a} 4.0",
            "payload_bytes_sum{queue=a} 312.0",
            "queue_depth 5.0 @1700000003.0",
        ],
            text);
    }

    [Fact]
    public void A_cluster_merge_of_node_merges_passes_the_tools_with_worker_and_node_labels()
    {
        var jobs = Def(MetricType.Counter, "jobs_total", "Jobs done.", ["queue"]);
        var cpu = Def(MetricType.Gauge, "cpu_ratio", "CPU use.", ["queue"], policy: GaugeMergePolicy.All);
        MergeSource Worker(string name, double done, double ratio) =>
            new(name, new MetricsSnapshot([F(jobs, V(["a"], done)), F(cpu, V(["a"], ratio))]));

        var node1 = new MergeEngine("worker").Merge([Worker("w1", 1, 0.5), Worker("w2", 2, 0.25)]).Snapshot;
        var node2 = new MergeEngine("worker").Merge([Worker("w1", 4, 0.75)]).Snapshot;
        var cluster = new MergeEngine("node").Merge([new MergeSource("n1", node1, "node"), new MergeSource("n2", node2, "node")]);

        var (text, openMetrics) = CheckWithAllTools(cluster.Snapshot);
        Assert.Equal(
        [
            "cpu_ratio{node=n1,queue=a,worker=w1} 0.5",
            "cpu_ratio{node=n2,queue=a,worker=w1} 0.75",
            "cpu_ratio{node=n1,queue=a,worker=w2} 0.25",
            "jobs_total{queue=a} 7.0",
        ],
            openMetrics);
        Assert.Equal(openMetrics, text);
    }

    /// <summary>Each conflict of SPEC §5, met twice by one engine (the second and third sources disagree with the first, or not).</summary>
    [Theory]
    [InlineData("type", "m")]
    [InlineData("label_names", "m")]
    [InlineData("buckets", "h")]
    [InlineData("gauge_policy", "g")]
    [InlineData("help", "m")]
    [InlineData("name_clash", "x_total")]
    public void A_conflict_still_gives_valid_output_and_is_counted_exactly(string reason, string family)
    {
        var (sources, expectedSamples) = ConflictCase(reason);
        var engine = new MergeEngine();

        var first = engine.Merge(sources);
        var second = engine.Merge(sources);

        Assert.Equal([(family, reason)], first.Conflicts.Select(c => (c.Family, c.Reason)));
        Assert.Equal([(family, reason)], second.Conflicts.Select(c => (c.Family, c.Reason)));
        var (text, openMetrics) = CheckWithAllTools(second.Snapshot);
        var losers = reason == MergeConflictReason.Help ? 2 : 1;
        string[] expected =
        [
            .. expectedSamples,
            $"aggregator_merge_conflicts_total{{family={family},reason={reason}}} {2 * losers}.0",
            "cpu_ratio{worker=a} 1.0",
            "cpu_ratio{worker=b} 2.0",
            "cpu_ratio{worker=c} 3.0",
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), text.Order(StringComparer.Ordinal));
        Assert.Equal(text, openMetrics.Where(s => !s.Contains("_created", StringComparison.Ordinal)));
    }

    [Fact]
    public void Every_conflict_at_once_is_counted_per_family_and_reason_and_the_output_stays_valid()
    {
        var cases = new[] { "type", "label_names", "buckets", "gauge_policy", "help", "name_clash" }.Select(ConflictCase).ToArray();
        MergeSource Combined(string name) => new(name, new MetricsSnapshot(
            cases.SelectMany(c => c.Sources.Single(s => s.Name == name).Snapshot.Families)
                .GroupBy(f => f.Name)
                .Select(g => g.First())));
        var engine = new MergeEngine();
        MergeSource[] sources = [Combined("a"), Combined("b"), Combined("c")];

        for (var i = 0; i < 3; i++)
        {
            engine.Merge(sources);
        }

        var merged = engine.Merge(sources);

        var (text, _) = CheckWithAllTools(merged.Snapshot);
        Assert.Equal(
        [
            "aggregator_merge_conflicts_total{family=g,reason=gauge_policy} 4.0",
            "aggregator_merge_conflicts_total{family=h,reason=buckets} 4.0",
            "aggregator_merge_conflicts_total{family=m,reason=type} 4.0",
            "aggregator_merge_conflicts_total{family=x_total,reason=name_clash} 4.0",
        ],
            text.Where(s => s.StartsWith("aggregator_", StringComparison.Ordinal)));
    }

    /// <summary>
    /// Random clusters, conflicts and name clashes included, merged by node engines and a cluster engine: every
    /// exposition passes promtool and both Python parsers, and the parsers see every family of the snapshot.
    /// </summary>
    [Property(MaxTest = 30)]
    public Property Random_merged_snapshots_pass_promtool_and_both_python_parsers() =>
        Prop.ForAll(SnapshotGen.Cluster(conflicts: true).ToArbitrary(), cluster =>
        {
            var nodes = cluster.Nodes.Select(n => new MergeSource(n.Name, new MergeEngine("worker").Merge([.. n.Sources]).Snapshot, "node"));
            var merged = new MergeEngine("node").Merge([.. nodes]).Snapshot;

            var text = Render(merged, ExpositionFormat.Text);
            var openMetrics = Render(merged, ExpositionFormat.OpenMetrics);
            Promtool.AssertClean(text);
            var parsedText = PythonParser.Parse(text, openMetrics: false);
            var parsedOpenMetrics = PythonParser.Parse(openMetrics, openMetrics: true);

            Assert.Equal(merged.Families.Select(f => f.Name), parsedOpenMetrics.Select(f => f.Name));
            Assert.Equal(merged.Families.Sum(f => f.Series.Count), parsedText.Sum(f => f.Samples.Select(s => string.Join(",", s.Labels.Where(l => l.Key != "le").OrderBy(l => l.Key, StringComparer.Ordinal))).Distinct().Count()));
        });

    private static (MergeSource[] Sources, string[] Samples) ConflictCase(string reason)
    {
        var counter = Def(MetricType.Counter, "m_total", "M.", []);
        MergeSource S(string name, double cpu, params MetricFamilySnapshot[] families) => new(
            name,
            new MetricsSnapshot([.. families, F(Def(MetricType.Gauge, "cpu_ratio", "CPU use.", [], policy: GaugeMergePolicy.All), V([], cpu))]));

        return reason switch
        {
            MergeConflictReason.Type => (
                [S("a", 1, F(counter, V([], 1))), S("b", 2, F(counter, V([], 2))), S("c", 3, F(Def(MetricType.Gauge, "m", "M.", []), V([], 7)))],
                ["m_total 3.0"]),
            MergeConflictReason.LabelNames => (
                [
                    S("a", 1, F(Def(MetricType.Counter, "m_total", "M.", ["queue"]), V(["q"], 1))),
                    S("b", 2, F(Def(MetricType.Counter, "m_total", "M.", ["queue"]), V(["q"], 2))),
                    S("c", 3, F(Def(MetricType.Counter, "m_total", "M.", ["pool"]), V(["q"], 4))),
                ],
                ["m_total{queue=q} 3.0"]),
            MergeConflictReason.Buckets => (
                [
                    S("a", 1, F(new MetricDefinition(MetricType.Histogram, "h", "H.", buckets: [1]), SeriesSnapshot.ForHistogram([], [1, 2], 1.5))),
                    S("b", 2, F(new MetricDefinition(MetricType.Histogram, "h", "H.", buckets: [2]), SeriesSnapshot.ForHistogram([], [5, 5], 1))),
                    S("c", 3, F(new MetricDefinition(MetricType.Histogram, "h", "H.", buckets: [1]), SeriesSnapshot.ForHistogram([], [0, 1], 2))),
                ],
                ["h_bucket{le=+Inf} 3.0", "h_bucket{le=1.0} 1.0", "h_count 3.0", "h_sum 3.5"]),
            MergeConflictReason.GaugePolicy => (
                [
                    S("a", 1, F(Def(MetricType.Gauge, "g", "G.", []), V([], 9))),
                    S("b", 2, F(Def(MetricType.Gauge, "g", "G.", [], policy: GaugeMergePolicy.Min), V([], 5))),
                    S("c", 3, F(Def(MetricType.Gauge, "g", "G.", [], policy: GaugeMergePolicy.Min), V([], 4))),
                ],
                ["g 4.0"]),
            MergeConflictReason.Help => (
                [S("a", 1, F(counter, V([], 1))), S("b", 2, F(Def(MetricType.Counter, "m_total", "Other.", []), V([], 2))), S("c", 3, F(Def(MetricType.Counter, "m_total", "Third.", []), V([], 4)))],
                ["m_total 7.0"]),
            _ => (
                [S("a", 1, F(Def(MetricType.Counter, "x_total", "X.", []), V([], 1))), S("b", 2, F(Def(MetricType.Gauge, "x_total", "X.", []), V([], 2))), S("c", 3)],
                ["x_total 1.0"]),
        };
    }

    /// <summary>
    /// Renders <paramref name="snapshot"/> in both formats, runs promtool on the text and the Python parsers on each,
    /// and returns the samples each parser read as "name{label=value,...} value @timestamp", labels sorted.
    /// </summary>
    private static (string[] Text, string[] OpenMetrics) CheckWithAllTools(MetricsSnapshot snapshot)
    {
        var text = Render(snapshot, ExpositionFormat.Text);
        var openMetrics = Render(snapshot, ExpositionFormat.OpenMetrics);
        Promtool.AssertClean(text);
        return (Samples(PythonParser.Parse(text, openMetrics: false)), Samples(PythonParser.Parse(openMetrics, openMetrics: true)));
    }

    private static string[] Samples(IReadOnlyList<ParsedFamily> families) =>
        [.. families.SelectMany(f => f.Samples).Select(s =>
            s.Name
            + (s.Labels.Count == 0 ? string.Empty : "{" + string.Join(",", s.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}")) + "}")
            + " " + s.Value
            + (s.Timestamp is null ? string.Empty : " @" + s.Timestamp))];

    private static string Render(MetricsSnapshot snapshot, ExpositionFormat format)
    {
        var buffer = new ArrayBufferWriter<byte>();
        ExpositionWriter.Write(snapshot, format, buffer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static MetricDefinition Def(
        MetricType type,
        string name,
        string help,
        string[] labels,
        bool timestamped = false,
        GaugeMergePolicy policy = GaugeMergePolicy.Max) =>
        new(type, name, help, labels, timestamped, policy);

    private static MetricFamilySnapshot F(MetricDefinition definition, params SeriesSnapshot[] series) => new(definition, series);

    private static SeriesSnapshot V(string[] labels, double value, long timestampMs = SeriesSnapshot.NoTimestamp, double created = double.NaN) =>
        SeriesSnapshot.ForValue(labels, value, timestampMs, created);
}
