using System.Globalization;
using Akka.Actor;
using Aggregator.Actors;
using Aggregator.Actors.Reports;
using Aggregator.Cluster;
using Aggregator.Metrics;

namespace Aggregator.Hosting.Status;

/// <summary>
/// Builds a <see cref="StatusReport"/> from what the collectors published about their last collections
/// (<see cref="CollectionReports"/>) and the settings in force. Reads immutable reports only; never asks an actor.
/// </summary>
internal static class StatusReportBuilder
{
    private const string WorkerLevel = "worker";
    private const string NodeLevel = "node";
    private const string DroppedFamily = "aggregator_series_dropped";
    private const string SourceUpFamily = "aggregator_source_up";

    /// <summary>What the page knows about the request and the server beside the collectors: TLS is whether the request came over HTTPS.</summary>
    public sealed record Serving(MetricsSecurityOptions Security, bool Tls, bool ClientCertificate, string StatusPath);

    public static StatusReport Build(ActorSystem system, bool cluster, string? collectionError, Serving serving, StatusPageOptions options)
    {
        var node = AggregatorExtension.Get(system);
        var clusterExtension = cluster ? AggregatorClusterExtension.Get(system) : null;
        // Each collector's state read once, so that every part of the page shows the same collection.
        var (nodeReport, nodeDurations) = node.Reports.Current;
        var (clusterReport, clusterDurations) = clusterExtension?.Reports.Current ?? (null, []);

        var levels = new List<LevelStatus>();
        if (clusterExtension is not null)
        {
            levels.Add(Level("cluster", clusterReport, clusterDurations));
        }

        levels.Add(Level(NodeLevel, nodeReport, nodeDurations));

        var localName = node.Address.ToString();
        var localWorkers = Workers(nodeReport);
        IReadOnlyList<NodeStatus> nodes = clusterReport is null
            ? [new NodeStatus(localName, true, nodeReport is not null, null, false, nodeReport is null ? null : SeriesCount(nodeReport.Merged), nodeReport is not null, localWorkers)]
            : [.. clusterReport.Sources.Select(s => Node(s, localName, nodeReport, localWorkers, clusterReport.Merged))];

        var top = clusterReport ?? nodeReport;
        var sources = new List<(SourceCardinality Source, MetricsSnapshot Snapshot)>();
        foreach (var report in new[] { clusterReport, nodeReport })
        {
            foreach (var source in report?.Sources ?? [])
            {
                if (source.Snapshot is { } snapshot)
                {
                    sources.Add((new SourceCardinality(source.Name, report!.Level, SeriesCount(snapshot)), snapshot));
                }
            }
        }

        // Other nodes' workers have totals only (no families): they join the per-source list, not the per-family one.
        var perSource = sources.Select(s => s.Source).ToList();
        foreach (var remote in nodes.Where(n => !n.Local))
        {
            perSource.AddRange(remote.Workers.Where(w => w.Series is not null).Select(w => new SourceCardinality(w.Name, WorkerLevel, w.Series!.Value)));
        }

        var conflicts = new List<ConflictStatus>();
        foreach (var (level, report) in new[] { ("cluster", clusterReport), (NodeLevel, nodeReport) })
        {
            foreach (var conflict in report?.Conflicts ?? [])
            {
                conflicts.Add(new ConflictStatus(level, conflict.Family, conflict.Reason, conflict.Sources, conflict.ToString()));
            }
        }

        return new StatusReport(
            DateTimeOffset.UtcNow,
            cluster ? "cluster" : NodeLevel,
            collectionError,
            levels,
            nodes,
            Cardinality(top?.Merged ?? MetricsSnapshot.Empty, sources, perSource, options.TopFamilies),
            conflicts,
            Configuration(node.Settings, clusterExtension?.Settings, top?.Merged ?? MetricsSnapshot.Empty, serving));
    }

    private static LevelStatus Level(string level, CollectionReport? last, IReadOnlyList<TimeSpan> durations) =>
        new(
            level,
            last?.CompletedAt,
            last?.Duration.TotalSeconds,
            last?.Sources.Count(s => s.Up) ?? 0,
            last?.Sources.Count(s => !s.Up) ?? 0,
            [.. durations.Select(d => d.TotalSeconds)]);

    private static List<SourceStatus> Workers(CollectionReport? report) =>
        [.. (report?.Sources ?? []).OrderBy(s => s.Name, StringComparer.Ordinal).Select(s => new SourceStatus(s.Name, s.Up, s.AnsweredAfter?.TotalSeconds, s.Retained, s.Snapshot is null ? null : SeriesCount(s.Snapshot)))];

    private static NodeStatus Node(SourceReport source, string localName, CollectionReport? nodeReport, List<SourceStatus> localWorkers, MetricsSnapshot clusterMerged)
    {
        var series = source.Snapshot is null ? (int?)null : SeriesCount(source.Snapshot);
        if (source.Name == localName && nodeReport is not null)
        {
            return new NodeStatus(source.Name, true, source.Up, source.AnsweredAfter?.TotalSeconds, source.Retained, series, true, localWorkers);
        }

        if (!source.Up)
        {
            return new NodeStatus(source.Name, false, false, null, source.Retained, null, false, []);
        }

        // Another node's workers, as its answer reported them: aggregator_source_up{level="worker"}, and their answer
        // times and series counts when that node has the status page on too (it reports them only then).
        var prefix = source.Name + "/";
        var answers = WorkerValues(clusterMerged, AggregatorSelfMetrics.SourceAnswerSeconds.Name, prefix);
        var sizes = WorkerValues(clusterMerged, AggregatorSelfMetrics.SourceSeries.Name, prefix);
        var workers = WorkerValues(clusterMerged, SourceUpFamily, prefix)
            .Select(w => new SourceStatus(
                w.Key,
                w.Value == 1,
                w.Value == 1 && answers.TryGetValue(w.Key, out var answer) ? answer : null,
                false,
                w.Value == 1 && sizes.TryGetValue(w.Key, out var size) ? (int)size : null))
            .OrderBy(s => s.Name, StringComparer.Ordinal)
            .ToList();
        return new NodeStatus(source.Name, source.Name == localName, true, source.AnsweredAfter?.TotalSeconds, false, series, true, workers);
    }

    private static Dictionary<string, double> WorkerValues(MetricsSnapshot snapshot, string family, string prefix) =>
        (snapshot.Find(family)?.Series ?? [])
            .Where(s => s.LabelValues[0] == WorkerLevel && s.LabelValues[1].StartsWith(prefix, StringComparison.Ordinal))
            .ToDictionary(s => s.LabelValues[1], s => s.Value, StringComparer.Ordinal);

    private static int SeriesCount(MetricsSnapshot snapshot)
    {
        var count = 0;
        foreach (var family in snapshot.Families)
        {
            count += family.Series.Count;
        }

        return count;
    }

    private static CardinalityStatus Cardinality(MetricsSnapshot merged, List<(SourceCardinality Source, MetricsSnapshot Snapshot)> sources, List<SourceCardinality> perSource, int topCount)
    {
        var top = merged.Families
            .OrderByDescending(f => f.Series.Count)
            .ThenBy(f => f.Name, StringComparer.Ordinal)
            .Take(topCount)
            .Select(f => new FamilyCardinality(
                f.Definition.SampleName(),
                f.Definition.Type.ToString().ToLowerInvariant(),
                f.Definition.Help,
                f.Series.Count,
                Labels(f),
                f.Series.Count == 0 || f.Definition.LabelNames.Count == 0
                    ? null
                    : string.Join(",", f.Definition.LabelNames.Select((l, i) => $"{l}=\"{f.Series[0].LabelValues[i]}\"")),
                [.. sources
                    .Select(s => s.Snapshot.Find(f.Name) is { } found ? s.Source with { Series = found.Series.Count } : null)
                    .OfType<SourceCardinality>()
                    .OrderByDescending(s => s.Series)
                    .ThenBy(s => s.Source, StringComparer.Ordinal)]))
            .ToArray();
        var dropped = (merged.Find(DroppedFamily)?.Series ?? [])
            .Select(s => new DroppedSeries(s.LabelValues[0], s.Value))
            .OrderByDescending(d => d.Count)
            .ToArray();
        return new CardinalityStatus(
            SeriesCount(merged),
            merged.Families.Count,
            top,
            [.. perSource.OrderByDescending(s => s.Series).ThenBy(s => s.Source, StringComparer.Ordinal)],
            dropped);
    }

    private static LabelCardinality[] Labels(MetricFamilySnapshot family)
    {
        var names = family.Definition.LabelNames;
        var labels = new LabelCardinality[names.Count];
        for (var i = 0; i < names.Count; i++)
        {
            var values = new HashSet<string>(StringComparer.Ordinal);
            foreach (var series in family.Series)
            {
                values.Add(series.LabelValues[i]);
            }

            labels[i] = new LabelCardinality(names[i], values.Count);
        }

        return labels;
    }

    private static List<ConfigurationSection> Configuration(AggregatorSettings node, AggregatorClusterSettings? cluster, MetricsSnapshot merged, Serving serving)
    {
        var sections = new List<ConfigurationSection>
        {
            new("Node collection (aggregator.*)",
            [
                new("collection-timeout", Duration(node.CollectionTimeout)),
                new("workers", node.Workers.ToString()),
                new("selection-cache-size", Number(node.SelectionCacheSize)),
                new("max-retired-groups", Number(node.MaxRetiredGroups)),
                new("max-series-per-family", Number(node.Metrics.MaxSeriesPerFamily)),
                new("namespace", node.Metrics.Namespace.Length == 0 ? "(none)" : node.Metrics.Namespace),
                new("default-gauge-policy", Lower(node.Metrics.DefaultGaugePolicy)),
                new("name-conflict-policy", Lower(node.Metrics.NameConflictPolicy)),
                new("name-missing-policy", Lower(node.Metrics.NameMissingPolicy)),
                new("name-validation", Lower(node.Metrics.NameValidation)),
            ]),
        };
        if (cluster is not null)
        {
            sections.Add(new("Cluster collection (aggregator.cluster.*)",
            [
                new("collection-timeout", Duration(cluster.CollectionTimeout)),
                new("roles", cluster.Nodes.Roles.Count == 0 ? "(any)" : string.Join(", ", cluster.Nodes.Roles)),
                new("nodes", cluster.Nodes.Addresses.Count == 0 ? "(all)" : string.Join(", ", cluster.Nodes.Addresses)),
                new("selection-cache-size", Number(cluster.SelectionCacheSize)),
                new("departed-retention", Duration(cluster.DepartedRetention)),
            ]));
        }

        var collectors = node.Collectors;
        sections.Add(new("Built-in collectors (aggregator.collectors.*)",
        [
            new("process", OnOff(collectors.Process)),
            new("runtime", OnOff(collectors.Runtime)),
            new("meters", OnOff(collectors.Meters)),
            new("meter-prefixes", collectors.MeterPrefixes.Count == 0 ? "(all)" : string.Join(", ", collectors.MeterPrefixes)),
            new("cluster", OnOff(collectors.Cluster)),
        ]));
        sections.Add(new("Gauge merge policies (gauges in the last merge)",
        [
            .. merged.Families
                .Where(f => f.Definition.Type == MetricType.Gauge)
                .Select(f => new KeyValuePair<string, string>(f.Name, Lower(f.Definition.GaugePolicy))),
        ]));

        // Only whether each protection is on, and user counts: never a user's hash, a key or a header's value.
        var security = serving.Security;
        sections.Add(new("Serving",
        [
            new("tls", OnOff(serving.Tls)),
            new("client-certificate", serving.ClientCertificate ? "presented" : "none"),
            new("basic-auth", security.BasicAuthUsers.Count == 0 ? "off" : string.Create(CultureInfo.InvariantCulture, $"on ({security.BasicAuthUsers.Count} users)")),
            new("rate-limit", security.RequestRateLimit is { } limit ? string.Create(CultureInfo.InvariantCulture, $"1 per {Duration(limit.Interval)}, burst {limit.Burst}") : "off"),
            new("response-headers", security.ResponseHeaders.Count == 0 ? "(none)" : string.Join(", ", security.ResponseHeaders.Keys.Order(StringComparer.Ordinal))),
            new("status-page", serving.StatusPath),
        ]));
        return sections;
    }

    private static string Duration(TimeSpan value) =>
        value.TotalSeconds >= 1 && value.Milliseconds == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{value.TotalSeconds:0.###} s")
            : string.Create(CultureInfo.InvariantCulture, $"{value.TotalMilliseconds:0.###} ms");

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string OnOff(bool value) => value ? "on" : "off";

    private static string Lower<T>(T value)
        where T : struct, Enum => value.ToString().ToLowerInvariant();
}
