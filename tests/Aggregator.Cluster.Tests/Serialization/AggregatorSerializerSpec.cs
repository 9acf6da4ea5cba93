using System.Globalization;
using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit.Xunit2;
using Aggregator.Actors;
using Aggregator.Actors.Protocol;
using Aggregator.Cluster.Protocol;
using Aggregator.Cluster.Serialization;
using Aggregator.Metrics;
using Aggregator.Metrics.Merging;
using Xunit.Abstractions;
using Aggregator.Tests.Support;

namespace Aggregator.Cluster.Tests.Serialization;

/// <summary>
/// The binary serializer, driven through the actor system's <c>Serialization</c> as Akka.Remote drives it: every
/// message round-trips exactly, the wire stays compact, and the default JSON serializer is never chosen.
/// </summary>
public sealed class AggregatorSerializerSpec : TestKit
{
    private static readonly Config SystemConfig = ConfigurationFactory.ParseString("""
        akka.loglevel = WARNING
        akka.log-dead-letters = off
        """).WithFallback(AggregatorClusterSettings.DefaultConfig());

    private readonly ITestOutputHelper _output;

    public AggregatorSerializerSpec(ITestOutputHelper output)
        : base(SystemConfig, output: output) => _output = output;

    public static TheoryData<string[], double?> Collects => new()
    {
        { [], null },
        { [], 2500 },
        { ["orders-*"], null },
        { ["/user/billing-?", "orders-*", "ünïcødé-✓"], 3200 },
        { ["a"], 0 },
        { ["a"], 86_400_000 },
    };

    [Theory]
    [MemberData(nameof(Collects))]
    public void Collect_round_trips_with_and_without_timeout_and_patterns(string[] patterns, double? timeoutMs)
    {
        var message = new NodeCollectorProtocol.Collect(
            new WorkerSelection(patterns),
            timeoutMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null);

        var back = RoundTrip(message);

        Assert.Equal(message, back);
        Assert.Equal(message.Selection.Patterns, back.Selection.Patterns);
        Assert.Equal(message.Timeout, back.Timeout);
    }

    [Fact]
    public void A_collect_with_a_family_filter_round_trips_as_version_2_and_one_without_stays_version_1()
    {
        var filtered = new NodeCollectorProtocol.Collect(new WorkerSelection(["demo-*"]), TimeSpan.FromMilliseconds(250), new FamilyFilter(["jobs_total", "latency_bucket"]));
        var plain = new NodeCollectorProtocol.Collect(new WorkerSelection(["demo-*"]), TimeSpan.FromMilliseconds(250));
        var serializer = (AggregatorSerializer)Sys.Serialization.FindSerializerFor(filtered);

        var back = RoundTrip(filtered);

        Assert.Equal(filtered, back);
        Assert.Equal(["jobs_total", "latency_bucket"], back.Families!.Names);
        Assert.Equal(AggregatorSerializer.CollectManifest, serializer.Manifest(filtered));
        Assert.Equal("AC2", AggregatorSerializer.CollectManifest);
        Assert.Equal(AggregatorSerializer.CollectManifestV1, serializer.Manifest(plain));
        Assert.Equal(AggregatorSerializer.CollectManifestV1, serializer.Manifest(plain with { Families = FamilyFilter.All }));
        Assert.Null(RoundTrip(plain).Families);
    }

    [Fact]
    public void The_internal_messages_of_replies_of_changes_round_trip()
    {
        var request = new ChangesProtocol.CollectChanges(7, 123456789012345, 42, new WorkerSelection(["load-*"]), new FamilyFilter(["jobs_total"]), TimeSpan.FromMilliseconds(3200), TestActor);
        var chunk = new ChangesProtocol.ChangesChunk(7, 2, 3, [1, 2, 3, 255]);
        var serializer = (AggregatorSerializer)Sys.Serialization.FindSerializerFor(request);

        var backRequest = RoundTrip(request);
        var backChunk = RoundTrip(chunk);

        Assert.Equal("ACH1", serializer.Manifest(request));
        Assert.Equal("ACK1", serializer.Manifest(chunk));
        Assert.Equal((7L, 123456789012345L, 42L), (backRequest.Exchange, backRequest.Session, backRequest.BaseSequence));
        Assert.Equal(request.Workers, backRequest.Workers);
        Assert.Equal(request.Families, backRequest.Families);
        Assert.Equal(request.Timeout, backRequest.Timeout);
        Assert.Equal(TestActor, backRequest.ReplyTo);
        Assert.Equal((7L, 2, 3), (backChunk.Exchange, backChunk.Index, backChunk.Count));
        Assert.Equal(chunk.Bytes, backChunk.Bytes);
    }

    [Fact]
    public void A_request_for_changes_with_a_timeout_beyond_24_days_is_refused_by_its_value()
    {
        var request = new ChangesProtocol.CollectChanges(1, 2, 0, WorkerSelection.All, FamilyFilter.All, TimeSpan.FromDays(30), TestActor);
        var bytes = ToBinary(request);

        var error = Assert.Throws<SerializationException>(() => FromBinary(bytes, AggregatorSerializer.CollectChangesManifest));

        Assert.Equal("A request for a reply of changes is corrupt (timeout 2592000000 ms, or bytes past its end).", error.Message);
    }

    [Fact]
    public void A_reply_with_an_empty_snapshot_round_trips()
    {
        var message = new NodeCollectorProtocol.CollectReply(MetricsSnapshot.Empty, [], []);

        var back = RoundTrip(message);

        SnapshotAssert.Equal(message.Snapshot, back.Snapshot);
        Assert.Empty(back.Answered);
        Assert.Empty(back.Missing);
    }

    [Fact]
    public void A_reply_with_every_metric_type_timestamps_and_created_round_trips()
    {
        var snapshot = new MetricsSnapshot(
        [
            Family(new MetricDefinition(MetricType.Counter, "requests_total", "Requests", ["method", "code"]),
                SeriesSnapshot.ForValue(["GET", "200"], 42, createdSeconds: 1_700_000_000.123),
                SeriesSnapshot.ForValue(["GET", "500"], 0, createdSeconds: 1_700_000_000.1234567),
                SeriesSnapshot.ForValue(["POST", "200"], 7)),
            Family(new MetricDefinition(MetricType.Counter, "ticks_total_total", "A counter whose name ends with _total", ["x"], timestamped: true),
                SeriesSnapshot.ForValue(["a"], 1, 1_700_000_000_500, 1_699_999_999),
                SeriesSnapshot.ForValue(["b"], 2, 1_600_000_000_000, 1_800_000_000),
                SeriesSnapshot.ForValue(["c"], 3, -5, -1.5),
                SeriesSnapshot.ForValue(["d"], 4, 0, 0),
                SeriesSnapshot.ForValue(["e"], 5, long.MaxValue),
                SeriesSnapshot.ForValue(["f"], 6, long.MinValue + 1)),
            Family(new MetricDefinition(MetricType.Gauge, "queue_max", "Max", ["q"], gaugePolicy: GaugeMergePolicy.Max), SeriesSnapshot.ForValue(["q1"], 3)),
            Family(new MetricDefinition(MetricType.Gauge, "queue_min", "Min", gaugePolicy: GaugeMergePolicy.Min), SeriesSnapshot.ForValue([], -3)),
            Family(new MetricDefinition(MetricType.Gauge, "queue_sum", "Sum", gaugePolicy: GaugeMergePolicy.Sum), SeriesSnapshot.ForValue([], 12.25)),
            Family(new MetricDefinition(MetricType.Gauge, "queue_recent", "Recent", timestamped: true, gaugePolicy: GaugeMergePolicy.MostRecent),
                SeriesSnapshot.ForValue([], 9, 1_700_000_000_001)),
            Family(new MetricDefinition(MetricType.Gauge, "queue_all", "All", ["worker"], gaugePolicy: GaugeMergePolicy.All),
                SeriesSnapshot.ForValue(["/user/w1"], 1), SeriesSnapshot.ForValue(["/user/w2"], 2)),
            Family(new MetricDefinition(MetricType.Gauge, "job:rate", string.Empty), SeriesSnapshot.ForValue([], 0.5)),
            Family(new MetricDefinition(MetricType.Histogram, "latency_seconds", "Latency", ["route"], timestamped: true, buckets: [0.005, 0.1, 1, 2.5, 10]),
                SeriesSnapshot.ForHistogram(["/a"], [1, 5, 5, 9, 9, 12], 13.75, 1_700_000_000_000, 1_699_000_000.25),
                SeriesSnapshot.ForHistogram(["/b"], [0, 0, 0, 0, 0, 0], 0, 1_700_000_000_000),
                SeriesSnapshot.ForHistogram(["/c"], [0, 0, long.MaxValue / 2, long.MaxValue / 2, long.MaxValue / 2, long.MaxValue - 1], 1e300)),
            Family(new MetricDefinition(MetricType.Histogram, "one_bucket", "One bucket", buckets: [-1]),
                SeriesSnapshot.ForHistogram([], [2, 3], -4)),
            Family(new MetricDefinition(MetricType.Summary, "size_bytes", "Sizes", ["kind"]),
                SeriesSnapshot.ForSummary(["big"], 3, 3000.5, createdSeconds: 1_700_000_000),
                SeriesSnapshot.ForSummary(["huge"], long.MaxValue, 9007199254740993d),
                SeriesSnapshot.ForSummary(["none"], 0, 0)),
            Family(new MetricDefinition(MetricType.Info, "build_info", "Build", ["version", "commit"]),
                SeriesSnapshot.ForValue(["1.0.0", "abc123"], 1)),
            Family(new MetricDefinition(MetricType.Counter, "empty_family_total", "No series", ["a", "b"])),
        ]);
        var message = new NodeCollectorProtocol.CollectReply(
            snapshot,
            ["akka.tcp://agg@127.0.0.1:1/user/w1", "akka.tcp://agg@127.0.0.1:1/user/w2"],
            ["akka.tcp://agg@127.0.0.1:1/user/w3"]);

        var back = RoundTrip(message);

        SnapshotAssert.Equal(snapshot, back.Snapshot);
        Assert.Equal(message.Answered, back.Answered);
        Assert.Equal(message.Missing, back.Missing);
        Assert.Equal("ticks_total", back.Snapshot.Find("ticks_total")!.Definition.Name);
        Assert.Equal("build", back.Snapshot.Find("build")!.Definition.Name);
        Assert.Equal("job:rate", back.Snapshot.Find("job:rate")!.Definition.Help);
    }

    [Fact]
    public void Special_and_non_integer_values_round_trip_bit_for_bit()
    {
        double[] values =
        [
            double.NaN, double.PositiveInfinity, double.NegativeInfinity, -0.0, 0.0, 0.1, -0.1, 1.0 / 3, 2.5e-300,
            double.Epsilon, -double.Epsilon, double.MaxValue, double.MinValue, 9007199254740992d, -9007199254740992d,
            9007199254740994d, 1e16, -1e16, 1e19, 1e20, 123456789.000001, long.MaxValue, long.MinValue, 1, -1, 63, 64, -64, -65,
            BitConverter.Int64BitsToDouble(0x7FF8_0000_0000_0001), BitConverter.Int64BitsToDouble(unchecked((long)0xFFF8_0000_0000_0000)),
        ];
        var gauges = values.Select((v, i) => SeriesSnapshot.ForValue([i.ToString("D2", CultureInfo.InvariantCulture)], v, i * 1000L, double.NaN)).ToArray();
        var counters = values.Select((v, i) => SeriesSnapshot.ForValue([i.ToString("D2", CultureInfo.InvariantCulture)], v, createdSeconds: v)).ToArray();
        var sums = values.Select((v, i) => SeriesSnapshot.ForSummary([i.ToString("D2", CultureInfo.InvariantCulture)], i, v, createdSeconds: v)).ToArray();
        var histograms = values.Select((v, i) => SeriesSnapshot.ForHistogram([i.ToString("D2", CultureInfo.InvariantCulture)], [i, i * 2L], v)).ToArray();
        var snapshot = new MetricsSnapshot(
        [
            Family(new MetricDefinition(MetricType.Gauge, "g", "G", ["i"], timestamped: true), gauges),
            Family(new MetricDefinition(MetricType.Counter, "c", "C", ["i"]), counters),
            Family(new MetricDefinition(MetricType.Summary, "s", "S", ["i"]), sums),
            Family(new MetricDefinition(MetricType.Histogram, "h", "H", ["i"], buckets: [1]), histograms),
            Family(new MetricDefinition(MetricType.Histogram, "h2", "H2", buckets: [-1e300, -0.0, double.Epsilon, 0.1, 1.0 / 3, double.MaxValue]),
                SeriesSnapshot.ForHistogram([], [1, 2, 3, 4, 5, 6, 7], double.NaN)),
        ]);

        var back = RoundTrip(new NodeCollectorProtocol.CollectReply(snapshot, [], []));

        SnapshotAssert.Equal(snapshot, back.Snapshot);
        Assert.Equal(
            [-1e300, -0.0, double.Epsilon, 0.1, 1.0 / 3, double.MaxValue],
            back.Snapshot.Find("h2")!.Definition.Buckets.Select(BitConverter.DoubleToInt64Bits).Select(BitConverter.Int64BitsToDouble));
        Assert.True(double.IsNegative(back.Snapshot.Find("h2")!.Definition.Buckets[1]));
    }

    [Fact]
    public void Unicode_label_values_and_help_round_trip()
    {
        string[] labels =
        [
            string.Empty, " ", "a\"b\\c\nd\te", "Grüße, Zürich", "日本語のラベル", "emoji 🚀🔥 and ZWJ 👩‍💻", "combining e\u0301 vs \u00e9",
            "right-to-left עברית", "\u0000nul", "line\r\nbreak", "surrogate pair 𝄞", new string('x', 5000),
        ];
        var snapshot = new MetricsSnapshot(
        [
            Family(new MetricDefinition(MetricType.Counter, "unicode_total", "Hilfe: Größe «ü» 📈\nzweite Zeile \\", ["value"]),
                [.. labels.Select((l, i) => SeriesSnapshot.ForValue([l], i))]),
            Family(new MetricDefinition(MetricType.Info, "unicode_labels_info", "Info", ["a", "b"]),
                [.. labels.Select((l, i) => SeriesSnapshot.ForValue([l, labels[(i + 1) % labels.Length]], 1))]),
        ]);

        var back = RoundTrip(new NodeCollectorProtocol.CollectReply(snapshot, ["akka.tcp://ägg@127.0.0.1:1/user/wörker-✓"], ["/user/日本"]));

        SnapshotAssert.Equal(snapshot, back.Snapshot);
        Assert.Equal(["akka.tcp://ägg@127.0.0.1:1/user/wörker-✓"], back.Answered);
        Assert.Equal(["/user/日本"], back.Missing);
    }

    [Fact]
    public void UTF_8_metric_and_label_names_round_trip_to_a_node_whose_own_declarations_are_legacy()
    {
        // This test system runs with the default aggregator.name-validation = legacy: a peer's UTF-8 names still decode.
        var snapshot = new MetricsSnapshot(
        [
            Family(new MetricDefinition(MetricType.Counter, "http.requests_total", "Requests", ["http.method", "größe"], nameValidation: NameValidation.Utf8),
                SeriesSnapshot.ForValue(["GET", "1"], 3)),
            Family(new MetricDefinition(MetricType.Histogram, "日本.latency", "Latency", ["a/b"], buckets: [0.5], nameValidation: NameValidation.Utf8),
                SeriesSnapshot.ForHistogram(["x"], [1, 2], 0.75)),
        ]);

        var back = RoundTrip(new NodeCollectorProtocol.CollectReply(snapshot, [], []));

        SnapshotAssert.Equal(snapshot, back.Snapshot);
        Assert.Equal(["http.requests", "日本.latency"], back.Snapshot.Families.Select(f => f.Name));
        Assert.Equal(["http.method", "größe"], back.Snapshot.Families[0].Definition.LabelNames);
    }

    [Fact]
    public void One_hundred_thousand_series_round_trip_exactly()
    {
        var random = new Random(1347);
        var counters = new SeriesSnapshot[40_000];
        for (var i = 0; i < counters.Length; i++)
        {
            counters[i] = SeriesSnapshot.ForValue(
                [$"/api/v1/resource/{i / 10}", (200 + (i % 10)).ToString(CultureInfo.InvariantCulture)],
                i % 3 == 0 ? random.Next() : random.NextDouble() * 1e6,
                1_700_000_000_000 + random.Next(0, 60_000),
                1_700_000_000 + (random.Next(0, 60_000) / 1000.0));
        }

        var gauges = new SeriesSnapshot[30_000];
        for (var i = 0; i < gauges.Length; i++)
        {
            gauges[i] = SeriesSnapshot.ForValue([$"user-{i:D6}", $"session-{random.Next():X8}-{i}"], (random.NextDouble() - 0.5) * 100);
        }

        var histograms = new SeriesSnapshot[20_000];
        for (var i = 0; i < histograms.Length; i++)
        {
            var a = random.Next(0, 100);
            var b = a + random.Next(0, 100);
            var c = b + random.Next(0, 100);
            histograms[i] = SeriesSnapshot.ForHistogram([$"h{i}"], [a, b, c, c + 1], random.NextDouble() * c, createdSeconds: 1_700_000_000 + i);
        }

        var summaries = new SeriesSnapshot[10_000];
        for (var i = 0; i < summaries.Length; i++)
        {
            summaries[i] = SeriesSnapshot.ForSummary([$"s{i}"], i, i * 0.25, 1_700_000_000_000 - i);
        }

        var snapshot = new MetricsSnapshot(
        [
            Family(new MetricDefinition(MetricType.Counter, "requests_total", "Requests", ["route", "code"], timestamped: true), counters),
            Family(new MetricDefinition(MetricType.Gauge, "sessions", "Sessions", ["user", "session"], gaugePolicy: GaugeMergePolicy.All), gauges),
            Family(new MetricDefinition(MetricType.Histogram, "latency_seconds", "Latency", ["i"], buckets: [0.1, 1, 10]), histograms),
            Family(new MetricDefinition(MetricType.Summary, "size_bytes", "Sizes", ["i"], timestamped: true), summaries),
        ]);
        Assert.Equal(100_000, snapshot.Families.Sum(f => f.Series.Count));

        var bytes = ToBinary(new NodeCollectorProtocol.CollectReply(snapshot, [], []));
        var back = (NodeCollectorProtocol.CollectReply)FromBinary(bytes, AggregatorSerializer.CollectReplyManifest);

        SnapshotAssert.Equal(snapshot, back.Snapshot);
        _output.WriteLine($"100,000 mixed series: {bytes.Length:N0} B, {bytes.Length / 100_000.0:F1} B per series");
    }

    [Fact]
    public void A_reply_of_ten_thousand_two_label_counter_series_takes_at_most_40_bytes_per_series()
    {
        var worker = TwoLabelCounters(new WorkerRegistry(), seed: 1);
        var single = ToBinary(new NodeCollectorProtocol.CollectReply(worker, ["akka.tcp://agg@127.0.0.1:4053/user/w1"], []));

        var workers = Enumerable.Range(1, 8).Select(w => new MergeSource($"/user/w{w}", TwoLabelCounters(new WorkerRegistry(), seed: w))).ToArray();
        var merged = SnapshotMerger.Merge(workers).Snapshot;
        Assert.Equal(10_000, merged.Find("http_requests")!.Series.Count);
        var node = ToBinary(new NodeCollectorProtocol.CollectReply(
            merged,
            [.. Enumerable.Range(1, 8).Select(w => $"akka.tcp://agg@127.0.0.1:4053/user/w{w}")],
            []));

        var unique = new WorkerRegistry();
        var sessions = unique.Counter("sessions_total", "Sessions", "user", "session");
        for (var i = 0; i < 10_000; i++)
        {
            sessions.WithLabels($"user-{i:D5}", $"session-{i:D5}").Inc(i % 100);
        }

        var distinct = ToBinary(new NodeCollectorProtocol.CollectReply(unique.Collect(), [], []));

        var perSeries = single.Length / 10_000.0;
        var perMergedSeries = node.Length / 10_000.0;
        var perDistinctSeries = distinct.Length / 10_000.0;
        _output.WriteLine($"1 worker, 10,000 counter series {{route (1,000 values), code (10 values)}}: {single.Length:N0} B, {perSeries:F2} B per series");
        _output.WriteLine($"8 workers x the same 10,000 series, merged: {node.Length:N0} B, {perMergedSeries:F2} B per series");
        _output.WriteLine($"10,000 series with both label values distinct per series: {distinct.Length:N0} B, {perDistinctSeries:F2} B per series");
        Assert.True(perSeries <= 40, $"{perSeries:F2} B per series");
        Assert.True(perMergedSeries <= 40, $"{perMergedSeries:F2} B per series");
        Assert.True(perDistinctSeries <= 40, $"{perDistinctSeries:F2} B per series");
    }

    [Fact]
    public void The_per_node_flag_round_trips_with_and_without_timestamps()
    {
        var snapshot = new MetricsSnapshot(
        [
            Family(new MetricDefinition(MetricType.Counter, "jobs_total", "Jobs"), SeriesSnapshot.ForValue([], 3)),
            Family(new MetricDefinition(MetricType.Counter, "process_cpu_seconds_total", "CPU", perNode: true), SeriesSnapshot.ForValue([], 2.5)),
            Family(new MetricDefinition(MetricType.Gauge, "process_start_time_seconds", "Start", timestamped: true, perNode: true), SeriesSnapshot.ForValue([], 1_700_000_000, 1_700_000_000_000)),
            Family(new MetricDefinition(MetricType.Gauge, "threads", "Threads", ["queue"], gaugePolicy: GaugeMergePolicy.All, perNode: true), SeriesSnapshot.ForValue(["q"], 4)),
            Family(new MetricDefinition(MetricType.Histogram, "pause_seconds", "Pauses", buckets: [0.1], perNode: true), SeriesSnapshot.ForHistogram([], [1, 2], 0.5)),
        ]);

        var back = RoundTrip(new NodeCollectorProtocol.CollectReply(snapshot, ["a"], []));

        SnapshotAssert.Equal(snapshot, back.Snapshot);
        Assert.Equal(
            [("jobs", false, false), ("pause_seconds", false, true), ("process_cpu_seconds", false, true), ("process_start_time_seconds", true, true), ("threads", false, true)],
            back.Snapshot.Families.Select(f => (f.Name, f.Definition.Timestamped, f.Definition.PerNode)));
    }

    [Fact]
    public void A_version_1_reply_from_an_older_node_still_decodes()
    {
        // A CollectReply as version 1 (manifest ACR1) wrote it, before families carried the per-node flag: answered
        // ["/user/w1"], a timestamped counter process_cpu_seconds_total 2.5 and an all gauge queue{q="a"} 3.
        byte[] version1 =
        [
            0x07, 0x08, 0x2F, 0x75, 0x73, 0x65, 0x72, 0x2F, 0x77, 0x31, 0x19, 0x70, 0x72, 0x6F, 0x63, 0x65, 0x73, 0x73, 0x5F,
            0x63, 0x70, 0x75, 0x5F, 0x73, 0x65, 0x63, 0x6F, 0x6E, 0x64, 0x73, 0x5F, 0x74, 0x6F, 0x74, 0x61, 0x6C, 0x03, 0x43,
            0x50, 0x55, 0x05, 0x71, 0x75, 0x65, 0x75, 0x65, 0x05, 0x51, 0x75, 0x65, 0x75, 0x65, 0x01, 0x71, 0x01, 0x61, 0x00,
            0x01, 0x00, 0x00, 0x01, 0x02, 0x00, 0x01, 0x02, 0x00, 0x01, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
            0x00, 0x04, 0x40, 0x80, 0xA0, 0xAB, 0xFE, 0xF9, 0x62, 0x01, 0x03, 0x04, 0x01, 0x05, 0x00, 0x04, 0x00, 0x01, 0x01,
            0x06, 0x06,
        ];

        var back = (NodeCollectorProtocol.CollectReply)FromBinary(version1, AggregatorSerializer.CollectReplyManifestV1);

        SnapshotAssert.Equal(
            new MetricsSnapshot(
            [
                Family(new MetricDefinition(MetricType.Counter, "process_cpu_seconds_total", "CPU", timestamped: true), SeriesSnapshot.ForValue([], 2.5, 1_700_000_000_000)),
                Family(new MetricDefinition(MetricType.Gauge, "queue", "Queue", ["q"], gaugePolicy: GaugeMergePolicy.All), SeriesSnapshot.ForValue(["a"], 3)),
            ]),
            back.Snapshot);
        Assert.Equal(["/user/w1"], back.Answered);
        Assert.Empty(back.Missing);
        Assert.Equal("ACR2", AggregatorSerializer.CollectReplyManifest);
    }

    [Fact]
    public void Unknown_family_flags_throw_SerializationException_naming_the_family()
    {
        var reply = new NodeCollectorProtocol.CollectReply(
            new MetricsSnapshot([Family(new MetricDefinition(MetricType.Counter, "jobs_total", "Jobs", perNode: true), SeriesSnapshot.ForValue([], 3))]),
            [],
            []);
        var bytes = ToBinary(reply);

        // The payload ends with the family's flags (0x02, per-node), gauge policy, bucket count, series count, the
        // series' flags and its value 3 as a zigzag varint.
        Assert.Equal([0x02, 0x00, 0x00, 0x01, 0x01, 0x06], bytes[^6..]);
        bytes[^6] = 0x06;

        var error = Assert.Throws<SerializationException>(() => FromBinary(bytes, AggregatorSerializer.CollectReplyManifest));
        Assert.Equal("Family 'jobs_total' has unknown flags 0x06 for snapshot format version 2 (written by a newer Aggregator?).", error.Message);
    }

    [Fact]
    public void An_unknown_manifest_throws_SerializationException()
    {
        var serializer = Assert.IsType<AggregatorSerializer>(Sys.Serialization.FindSerializerForType(typeof(NodeCollectorProtocol.CollectReply)));
        var bytes = serializer.ToBinary(new NodeCollectorProtocol.CollectReply(MetricsSnapshot.Empty, [], []));

        Assert.Equal(
            "AggregatorSerializer does not know manifest 'ACR9' (written by a newer Aggregator version?); the message is dropped.",
            Assert.Throws<SerializationException>(() => serializer.FromBinary(bytes, "ACR9")).Message);
        Assert.Throws<SerializationException>(() => serializer.FromBinary(bytes, string.Empty));
        Assert.Throws<SerializationException>(() => Sys.Serialization.Deserialize(bytes, AggregatorSerializer.SerializerId, "Nope"));
        Assert.Throws<SerializationException>(() => serializer.Manifest("not an Aggregator message"));
        Assert.Throws<SerializationException>(() => serializer.ToBinary("not an Aggregator message"));
    }

    [Fact]
    public void A_truncated_or_padded_payload_throws_SerializationException()
    {
        var snapshot = new MetricsSnapshot(
        [
            Family(new MetricDefinition(MetricType.Histogram, "h", "H", ["a"], buckets: [1, 2]), SeriesSnapshot.ForHistogram(["x"], [1, 2, 3], 4.5)),
        ]);
        var bytes = ToBinary(new NodeCollectorProtocol.CollectReply(snapshot, ["a"], ["b"]));

        for (var length = 0; length < bytes.Length; length++)
        {
            var cut = bytes[..length];
            Assert.Throws<SerializationException>(() => FromBinary(cut, AggregatorSerializer.CollectReplyManifest));
        }

        Assert.Throws<SerializationException>(() => FromBinary([.. bytes, 0], AggregatorSerializer.CollectReplyManifest));
    }

    [Fact]
    public void The_configured_bindings_choose_the_binary_serializer_for_both_messages()
    {
        // No Aggregator extension has started in this system: the HOCON fallback alone binds the serializer.
        AssertBinarySerializer(Sys);
    }

    [Fact]
    public async Task Without_the_bindings_the_cluster_extension_registers_the_serializer_at_run_time()
    {
        var system = ActorSystem.Create("plain", """
            akka.loglevel = WARNING
            akka.log-dead-letters = off
            akka.actor.provider = cluster
            akka.remote.dot-netty.tcp.hostname = 127.0.0.1
            akka.remote.dot-netty.tcp.port = 0
            akka.coordinated-shutdown.run-by-actor-system-terminate = off
            """);
        try
        {
            // The precondition: a plain system would use the default (JSON) serializer, and has even cached that choice.
            Assert.IsNotType<AggregatorSerializer>(system.Serialization.FindSerializerFor(Reply()));
            Assert.IsNotType<AggregatorSerializer>(system.Serialization.FindSerializerFor(new NodeCollectorProtocol.Collect(WorkerSelection.All)));

            AggregatorClusterExtension.Get(system);

            AssertBinarySerializer(system);
            var message = Reply();
            var serializer = system.Serialization.FindSerializerFor(message);
            var back = (NodeCollectorProtocol.CollectReply)system.Serialization.Deserialize(
                serializer.ToBinary(message),
                serializer.Identifier,
                Akka.Serialization.Serialization.ManifestFor(serializer, message));
            SnapshotAssert.Equal(message.Snapshot, back.Snapshot);
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(10));
        }
    }

    private static NodeCollectorProtocol.CollectReply Reply() => new(
        new MetricsSnapshot([Family(new MetricDefinition(MetricType.Counter, "jobs_total", "Jobs"), SeriesSnapshot.ForValue([], 3))]),
        ["a"],
        []);

    private static void AssertBinarySerializer(ActorSystem system)
    {
        Assert.IsType<AggregatorSerializer>(system.Serialization.FindSerializerFor(new NodeCollectorProtocol.Collect(WorkerSelection.All)));
        Assert.IsType<AggregatorSerializer>(system.Serialization.FindSerializerFor(new NodeCollectorProtocol.Collect(new WorkerSelection(["w"]), TimeSpan.FromSeconds(1))));
        Assert.IsType<AggregatorSerializer>(system.Serialization.FindSerializerFor(Reply()));
        Assert.IsType<AggregatorSerializer>(system.Serialization.FindSerializerForType(typeof(NodeCollectorProtocol.Collect)));
        Assert.IsType<AggregatorSerializer>(system.Serialization.FindSerializerForType(typeof(NodeCollectorProtocol.CollectReply)));
        Assert.Equal(AggregatorSerializer.SerializerId, system.Serialization.FindSerializerFor(Reply()).Identifier);
    }

    private static MetricFamilySnapshot Family(MetricDefinition definition, params SeriesSnapshot[] series) => new(definition, series);

    /// <summary>10,000 counter series with two labels, as a busy HTTP worker has them: 1,000 routes x 10 codes.</summary>
    private static MetricsSnapshot TwoLabelCounters(WorkerRegistry registry, int seed)
    {
        var requests = registry.Counter("http_requests_total", "HTTP requests", "route", "code");
        var random = new Random(seed);
        for (var i = 0; i < 10_000; i++)
        {
            requests.WithLabels($"/api/v1/resource/{i / 10}", (200 + (i % 10)).ToString(CultureInfo.InvariantCulture)).Inc(random.Next(1, 1000));
        }

        return registry.Collect();
    }

    private T RoundTrip<T>(T message)
        where T : notnull
    {
        var serializer = Sys.Serialization.FindSerializerFor(message);
        Assert.IsType<AggregatorSerializer>(serializer);
        var bytes = serializer.ToBinary(message);
        var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, message);
        return Assert.IsType<T>(Sys.Serialization.Deserialize(bytes, serializer.Identifier, manifest));
    }

    private byte[] ToBinary(object message) => Sys.Serialization.FindSerializerFor(message).ToBinary(message);

    private object FromBinary(byte[] bytes, string manifest) => Sys.Serialization.Deserialize(bytes, AggregatorSerializer.SerializerId, manifest);
}
