using System.Globalization;
using System.Text;
using Aggregator.Metrics.Merging;
using FsCheck;
using FsCheck.Fluent;

namespace Aggregator.Metrics.Tests.Merging;

/// <summary>
/// FsCheck generators of worker snapshots for the merge properties: a fixed set of families of every type and every
/// gauge policy, each reported by a random subset of workers with a random subset of series, label values from a small
/// alphabet, random values, timestamps and <c>_created</c>. Shared (as a linked file) by the conformance project.
/// </summary>
/// <remarks>
/// Floating-point addition is not associative, so every value that a merge adds up is one that adds exactly: a
/// multiple of 0.25 within ±2^40 (and bucket counts and summary counts are integers). A few dozen of them sum to at
/// most 2^46, far below 2^53, so any grouping and any order gives the same bits. Gauges whose policy does not add
/// (max, min, mostrecent, all) also get NaN, ±Inf and -0; a sum gauge gets them too, since NaN and infinities
/// propagate the same way in any order and a zero sum is -0 only when every term is -0.
/// </remarks>
internal static class SnapshotGen
{
    /// <summary>Label values: empty, plain, and one that needs every escape and is not ASCII.</summary>
    public static readonly string[] Alphabet = ["", "a", "b", "ä \"q\" \\ \n"];

    /// <summary>The epoch millisecond around which timestamps are drawn, so that ties are common.</summary>
    public const long BaseMs = 1_700_000_000_000;

    /// <summary>
    /// The families a worker may report. Each has the definition every source agrees on (first), variants that still
    /// merge without leaving anything out (another HELP, another timestamp flag) and variants that conflict.
    /// </summary>
    public static readonly Slot[] Slots =
    [
        new(
            Def(MetricType.Counter, "jobs_total", "Jobs done.", ["queue", "code"]),
            [Def(MetricType.Counter, "jobs_total", "Jobs finished.", ["queue", "code"]), Def(MetricType.Counter, "jobs_total", "Jobs done.", ["queue", "code"], timestamped: true)],
            [Def(MetricType.Gauge, "jobs", "Jobs done.", ["queue", "code"]), Def(MetricType.Counter, "jobs_total", "Jobs done.", ["queue"])]),
        new(
            Def(MetricType.Counter, "restarts_total", "Restarts.", [], timestamped: true),
            [Def(MetricType.Counter, "restarts_total", "Restarts.", [])],
            [Def(MetricType.Summary, "restarts", "Restarts.", [])]),
        new(
            Def(MetricType.Gauge, "queue_depth", "Queue depth.", ["queue"], timestamped: true),
            [Def(MetricType.Gauge, "queue_depth", "Queue depth.", ["queue"])],
            [Def(MetricType.Gauge, "queue_depth", "Queue depth.", ["queue"], policy: GaugeMergePolicy.Min)]),
        new(
            Def(MetricType.Gauge, "free_slots", "Free slots.", ["queue"], timestamped: true, policy: GaugeMergePolicy.Min),
            [Def(MetricType.Gauge, "free_slots", "Free slots, lowest.", ["queue"], timestamped: true, policy: GaugeMergePolicy.Min)],
            [Def(MetricType.Gauge, "free_slots", "Free slots.", ["pool"], timestamped: true, policy: GaugeMergePolicy.Min)]),
        new(
            Def(MetricType.Gauge, "connections", "Open connections.", ["queue", "code"], timestamped: true, policy: GaugeMergePolicy.Sum),
            [Def(MetricType.Gauge, "connections", "Open connections.", ["queue", "code"], policy: GaugeMergePolicy.Sum)],
            [Def(MetricType.Gauge, "connections", "Open connections.", ["queue", "code"], timestamped: true, policy: GaugeMergePolicy.All)]),
        new(
            Def(MetricType.Gauge, "config_version", "Configuration version.", ["queue"], timestamped: true, policy: GaugeMergePolicy.MostRecent),
            [Def(MetricType.Gauge, "config_version", "Config version.", ["queue"], timestamped: true, policy: GaugeMergePolicy.MostRecent)],
            [Def(MetricType.Counter, "config_version", "Configuration version.", ["queue"], timestamped: true)]),
        new(
            Def(MetricType.Gauge, "cpu_ratio", "CPU use.", ["queue"], timestamped: true, policy: GaugeMergePolicy.All),
            [Def(MetricType.Gauge, "cpu_ratio", "CPU use.", ["queue"], policy: GaugeMergePolicy.All)],
            [Def(MetricType.Gauge, "cpu_ratio", "CPU use.", ["queue"], timestamped: true)]),
        new(
            Def(MetricType.Gauge, "uptime_seconds", "Uptime.", [], policy: GaugeMergePolicy.All),
            [Def(MetricType.Gauge, "uptime_seconds", "Uptime.", [], timestamped: true, policy: GaugeMergePolicy.All)],
            [Def(MetricType.Gauge, "uptime_seconds", "Uptime.", [], policy: GaugeMergePolicy.MostRecent)]),
        new(
            Def(MetricType.Histogram, "latency_seconds", "Latency.", ["queue"], timestamped: true, buckets: [0.005, 0.25, 1, 10]),
            [Def(MetricType.Histogram, "latency_seconds", "Latency.", ["queue"], buckets: [0.005, 0.25, 1, 10])],
            [Def(MetricType.Histogram, "latency_seconds", "Latency.", ["queue"], timestamped: true, buckets: [0.1, 1])]),
        new(
            Def(MetricType.Histogram, "temperature_celsius", "Temperature.", [], buckets: [-10, 0, 10]),
            [Def(MetricType.Histogram, "temperature_celsius", "Temperature, measured.", [], buckets: [-10, 0, 10])],
            [Def(MetricType.Histogram, "temperature_celsius", "Temperature.", ["queue"], buckets: [-10, 0, 10])]),
        new(
            Def(MetricType.Summary, "payload_bytes", "Payload sizes.", ["queue"]),
            [Def(MetricType.Summary, "payload_bytes", "Payload sizes.", ["queue"], timestamped: true)],
            [Def(MetricType.Histogram, "payload_bytes", "Payload sizes.", ["queue"])]),
        new(
            Def(MetricType.Info, "build_info", "Build.", ["version", "queue"], timestamped: true),
            [Def(MetricType.Info, "build_info", "Build info.", ["version", "queue"], timestamped: true)],
            [Def(MetricType.Info, "build_info", "Build.", ["version"])]),

        // Per-node families: kept apart by a node label in a cluster merge. A source that does not mark one still merges
        // with those that do (the flag is an "or"); one that already has a node label cannot get another.
        new(
            Def(MetricType.Counter, "cpu_seconds_total", "CPU time.", ["queue"], perNode: true),
            [Def(MetricType.Counter, "cpu_seconds_total", "CPU time.", ["queue"]), Def(MetricType.Counter, "cpu_seconds_total", "CPU time.", ["queue"], timestamped: true, perNode: true)],
            [Def(MetricType.Counter, "cpu_seconds_total", "CPU time.", ["node"], perNode: true), Def(MetricType.Gauge, "cpu_seconds", "CPU time.", ["queue"], perNode: true)]),
        new(
            Def(MetricType.Gauge, "start_time_seconds", "Start time.", [], perNode: true),
            [Def(MetricType.Gauge, "start_time_seconds", "Start time.", [], timestamped: true, perNode: true)],
            [Def(MetricType.Gauge, "start_time_seconds", "Start time.", [], policy: GaugeMergePolicy.Min, perNode: true)]),
        new(
            Def(MetricType.Gauge, "threads", "Threads.", ["queue"], policy: GaugeMergePolicy.All, perNode: true),
            [Def(MetricType.Gauge, "threads", "Threads.", ["queue"], policy: GaugeMergePolicy.All)],
            [Def(MetricType.Gauge, "threads", "Threads.", ["queue"], policy: GaugeMergePolicy.Sum, perNode: true)]),
        new(
            Def(MetricType.Histogram, "gc_pause_seconds", "GC pauses.", ["queue"], timestamped: true, buckets: [0.001, 0.1], perNode: true),
            [Def(MetricType.Histogram, "gc_pause_seconds", "GC pause time.", ["queue"], timestamped: true, buckets: [0.001, 0.1], perNode: true)],
            [Def(MetricType.Histogram, "gc_pause_seconds", "GC pauses.", ["queue"], timestamped: true, buckets: [1], perNode: true)]),
        new(
            Def(MetricType.Summary, "alloc_bytes", "Allocations.", [], perNode: true),
            [Def(MetricType.Summary, "alloc_bytes", "Allocations.", [], timestamped: true, perNode: true)],
            [Def(MetricType.Counter, "alloc_bytes_total", "Allocations.", [], perNode: true)]),
        new(
            Def(MetricType.Info, "runtime_info", "Runtime.", ["version"], perNode: true),
            [Def(MetricType.Info, "runtime_info", "Runtime, described.", ["version"], perNode: true)],
            [Def(MetricType.Info, "runtime_info", "Runtime.", ["version", "queue"], perNode: true)]),
    ];

    /// <summary>
    /// Families that exist only to clash by sample name with a family above (only in conflict mode): <c>jobs_created</c>
    /// and counter <c>jobs</c>'s <c>_created</c>, gauge <c>build_info</c> and info <c>build</c>, counter
    /// <c>latency_seconds_created</c> and the histogram's <c>_created</c>. None of them trips promtool's lint.
    /// </summary>
    public static readonly Slot[] ClashSlots =
    [
        new(Def(MetricType.Gauge, "jobs_created", "Clashes with jobs.", ["queue"]), [], []),
        new(Def(MetricType.Gauge, "build_info", "Clashes with build.", ["version"]), [], []),
        new(Def(MetricType.Counter, "latency_seconds_created_total", "Clashes with latency_seconds.", []), [], []),
    ];

    private static readonly string[] NodeNames = ["n1", "n10", "n2", "m"];
    private static readonly string[] WorkerNames = ["w1", "w10", "w2", "a"];

    /// <summary>
    /// A cluster of 1–4 nodes with 1–4 workers each, in random orders. Names are chosen so that ordinal order of
    /// "node/worker" agrees with the order of (node, worker) even where one name is a prefix of another.
    /// </summary>
    /// <param name="conflicts">Whether workers may report conflicting definitions and clashing names.</param>
    /// <param name="workers">The fewest and most workers per node; past 4 they are named w00, w01, ….</param>
    /// <param name="maxNodes">The most nodes.</param>
    /// <param name="everyFamily">Whether every worker reports every family (otherwise a random subset of them).</param>
    public static Gen<ClusterCase> Cluster(bool conflicts, (int Min, int Max)? workers = null, int maxNodes = 4, bool everyFamily = false) =>
        from nodeCount in Gen.Choose(1, Math.Min(maxNodes, NodeNames.Length))
        from nodeNames in Gen.Shuffle(NodeNames)
        from nodes in Gen.CollectToArray(nodeNames.Take(nodeCount), name => Node(name, conflicts, workers ?? (1, WorkerNames.Length), everyFamily))
        from flatOrder in Gen.Shuffle(nodes.SelectMany(n => n.Workers.Select(w => (n.Name, w.Name))).ToArray())
        select new ClusterCase(nodes, flatOrder);

    /// <summary>One worker's snapshot: a random subset of the families (or all), each with a random subset of its series.</summary>
    public static Gen<MetricsSnapshot> Snapshot(bool conflicts, bool everyFamily = false) =>
        from slots in everyFamily ? Gen.Constant(Slots.ToList()) : Gen.SubListOf(conflicts ? [.. Slots, .. ClashSlots] : Slots)
        from families in Gen.CollectToArray(slots, slot => from d in Pick(slot, conflicts) from f in Family(d) select f)
        select new MetricsSnapshot(families);

    /// <summary>A family of <paramref name="definition"/> with a random subset (possibly none) of its label sets.</summary>
    public static Gen<MetricFamilySnapshot> Family(MetricDefinition definition) =>
        from labelSets in Gen.SubListOf(LabelSets(definition.LabelNames.Count))
        from series in Gen.CollectToArray(labelSets, labels => Series(definition, labels))
        select new MetricFamilySnapshot(definition, series);

    /// <summary>One series of <paramref name="definition"/> with random values, timestamp and <c>_created</c>.</summary>
    public static Gen<SeriesSnapshot> Series(MetricDefinition definition, string[] labels) => definition.Type switch
    {
        MetricType.Counter =>
            from v in Quarters(negative: false) from ts in Timestamp from c in Created
            select SeriesSnapshot.ForValue(labels, v, ts, c),
        MetricType.Gauge =>
            from v in GaugeValue from ts in Timestamp
            select SeriesSnapshot.ForValue(labels, v, ts),
        MetricType.Histogram =>
            from increments in Gen.CollectToArray(Enumerable.Repeat(Count, definition.Buckets.Count + 1))
            from sum in Quarters(negative: true) from ts in Timestamp from c in Created
            select SeriesSnapshot.ForHistogram(labels, Cumulative(increments), sum, ts, c),
        MetricType.Summary =>
            from count in Count from sum in Quarters(negative: true) from ts in Timestamp from c in Created
            select SeriesSnapshot.ForSummary(labels, count, sum, ts, c),
        // Python's OpenMetrics parser cannot tell an info family's series apart and refuses one where only some have a
        // timestamp; a registry sets one on every update of a timestamped family, so generate what a registry reports.
        _ =>
            from ts in definition.Timestamped ? Timestamp.Where(t => t != SeriesSnapshot.NoTimestamp) : Gen.Constant(SeriesSnapshot.NoTimestamp)
            select SeriesSnapshot.ForValue(labels, 1, ts),
    };

    /// <summary>A multiple of 0.25 within ±2^40, often a small one so that max and min see ties.</summary>
    public static Gen<double> Quarters(bool negative) => Gen.Frequency(
        (3, Gen.Choose(negative ? -8 : 0, 8).Select(n => n * 0.25)),
        (2, from hi in Gen.Choose(0, (1 << 21) - 1)
            from lo in Gen.Choose(0, (1 << 21) - 1)
            from sign in Gen.Elements(negative ? new[] { 1, -1 } : [1])
            select sign * (((long)hi << 21) | (uint)lo) * 0.25));

    /// <summary>A count that adds exactly: small or up to 2^40.</summary>
    public static Gen<long> Count => Gen.Frequency(
        (3, Gen.Choose(0, 5).Select(n => (long)n)),
        (1, from hi in Gen.Choose(0, (1 << 19) - 1) from lo in Gen.Choose(0, (1 << 21) - 1) select ((long)hi << 21) | (uint)lo));

    /// <summary>A gauge value: exact quarters, and now and then NaN, an infinity or -0.</summary>
    public static Gen<double> GaugeValue => Gen.Frequency(
        (9, Quarters(negative: true)),
        (1, Gen.Elements(double.NaN, double.PositiveInfinity, double.NegativeInfinity, -0.0)));

    /// <summary>No timestamp, or one of a few close epoch milliseconds (ties are common), or a random one.</summary>
    public static Gen<long> Timestamp => Gen.Frequency(
        (1, Gen.Constant(SeriesSnapshot.NoTimestamp)),
        (3, Gen.Choose(0, 3).Select(n => BaseMs + (n * 1000L))),
        (1, Gen.Choose(0, 100_000_000).Select(n => BaseMs + n)));

    /// <summary>Unknown (NaN), or an epoch second with milliseconds.</summary>
    public static Gen<double> Created => Gen.Frequency(
        (1, Gen.Constant(double.NaN)),
        (3, Gen.Choose(0, 5000).Select(n => (BaseMs / 1000) + (n / 1000.0))));

    private static Gen<MetricDefinition> Pick(Slot slot, bool conflicts)
    {
        var choices = new List<(int, Gen<MetricDefinition>)> { (8, Gen.Constant(slot.Definition)) };
        choices.AddRange(slot.Compatible.Select(d => (1, Gen.Constant(d))));
        if (conflicts)
        {
            choices.AddRange(slot.Conflicting.Select(d => (1, Gen.Constant(d))));
        }

        return Gen.Frequency(choices);
    }

    private static Gen<NodeCase> Node(string name, bool conflicts, (int Min, int Max) size, bool everyFamily) =>
        from count in Gen.Choose(size.Min, size.Max)
        from names in Gen.Shuffle(size.Max <= WorkerNames.Length
            ? WorkerNames
            : Enumerable.Range(0, size.Max).Select(i => "w" + i.ToString("D2", CultureInfo.InvariantCulture)).ToArray())
        from workers in Gen.CollectToArray(names.Take(count), worker => Snapshot(conflicts, everyFamily).Select(s => new WorkerCase(worker, s)))
        select new NodeCase(name, workers);

    private static string[][] LabelSets(int labelCount) => labelCount switch
    {
        0 => [[]],
        1 => [.. Alphabet.Select(a => new[] { a })],
        _ => [.. Alphabet.SelectMany(a => Alphabet.Select(b => new[] { a, b }))],
    };

    private static long[] Cumulative(long[] increments)
    {
        var buckets = new long[increments.Length];
        long total = 0;
        for (var i = 0; i < increments.Length; i++)
        {
            buckets[i] = total += increments[i];
        }

        return buckets;
    }

    private static MetricDefinition Def(
        MetricType type,
        string name,
        string help,
        string[] labels,
        bool timestamped = false,
        GaugeMergePolicy policy = GaugeMergePolicy.Max,
        double[]? buckets = null,
        bool perNode = false) =>
        new(type, name, help, labels, timestamped, policy, type == MetricType.Histogram ? buckets ?? [0.1, 1] : null, perNode);

    /// <summary>One family slot: the agreed definition, compatible variants and conflicting variants.</summary>
    public sealed record Slot(MetricDefinition Definition, MetricDefinition[] Compatible, MetricDefinition[] Conflicting);
}

/// <summary>One worker and what it reported.</summary>
internal sealed record WorkerCase(string Name, MetricsSnapshot Snapshot);

/// <summary>One node and its workers, in the order they are passed to the node's merge.</summary>
internal sealed record NodeCase(string Name, WorkerCase[] Workers)
{
    /// <summary>This node's workers as merge sources (source label <c>worker</c>).</summary>
    public IEnumerable<MergeSource> Sources => Workers.Select(w => new MergeSource(w.Name, w.Snapshot));
}

/// <summary>A generated cluster: its nodes (in the order passed to the cluster merge) and an order for the flat merge.</summary>
internal sealed record ClusterCase(NodeCase[] Nodes, (string Node, string Worker)[] FlatOrder)
{
    /// <summary>Every worker as one flat merge source named "node/worker" with labels [worker, node], innermost first.</summary>
    public IEnumerable<MergeSource> FlatSources => FlatOrder.Select(p => new MergeSource(
        p.Node + "/" + p.Worker,
        Nodes.Single(n => n.Name == p.Node).Workers.Single(w => w.Name == p.Worker).Snapshot,
        [new KeyValuePair<string, string>("worker", p.Worker), new KeyValuePair<string, string>("node", p.Node)]));

    /// <summary>Every worker of every node.</summary>
    public IEnumerable<(string Node, WorkerCase Worker)> Workers => Nodes.SelectMany(n => n.Workers.Select(w => (n.Name, w)));

    /// <summary>Merges each node's workers, then the nodes (source label <c>node</c>).</summary>
    public MergeResult MergeByNode() => SnapshotMerger.Merge(
        Nodes.Select(n => new MergeSource(n.Name, SnapshotMerger.Merge(n.Sources).Snapshot, "node")));

    /// <summary>Merges every worker in one flat merge.</summary>
    public MergeResult MergeFlat() => SnapshotMerger.Merge(FlatSources);

    /// <summary>The counts of the case, and each worker's families and series count, for a failing case's report.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{Nodes.Length} nodes, flat order {string.Join(" ", FlatOrder.Select(p => p.Node + "/" + p.Worker))}");
        foreach (var (node, worker) in Workers)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n  {node}/{worker.Name}: ");
            text.AppendJoin(", ", worker.Snapshot.Families.Select(f => $"{f.Definition} ×{f.Series.Count}"));
        }

        return text.ToString();
    }
}
