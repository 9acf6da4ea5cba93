using Aggregator.Metrics;
using Aggregator.Metrics.Merging;

namespace Aggregator.Actors;

/// <summary>The definitions of the metrics Aggregator reports about its own collections.</summary>
public static class AggregatorSelfMetrics
{
    /// <summary><c>aggregator_source_up{level,source}</c>: 1 when the source answered the last collection, 0 when it did not.</summary>
    public static readonly MetricDefinition SourceUp = new(
        MetricType.Gauge,
        "aggregator_source_up",
        "Whether a source (a worker, or a node in a cluster) answered the last collection in time.",
        ["level", "source"]);

    /// <summary><c>aggregator_collection_duration_seconds{level}</c>: how long the last collection at that level took.</summary>
    public static readonly MetricDefinition CollectionDuration = new(
        MetricType.Gauge,
        "aggregator_collection_duration_seconds",
        "How long the last collection took, from the first ask to the merged result.",
        ["level"]);

    /// <summary><c>aggregator_selection_cache_entries{level}</c>: selections holding state at that level, at most the configured bound.</summary>
    public static readonly MetricDefinition SelectionCacheEntries = new(
        MetricType.Gauge,
        "aggregator_selection_cache_entries",
        "Selections (worker or node filters of past requests) whose state the collector keeps; bounded by its selection-cache-size.",
        ["level"]);

    /// <summary><c>aggregator_merge_sources{level}</c>: how many inputs the last merge at that level took.</summary>
    public static readonly MetricDefinition MergeSources = new(
        MetricType.Gauge,
        "aggregator_merge_sources",
        "Inputs of the last merge: sources that answered, silent sources' last counters, restarted sources' pasts, retired groups.",
        ["level"]);

    /// <summary><c>aggregator_retired_groups{level}</c>: the folded totals of retired sources the collector keeps.</summary>
    public static readonly MetricDefinition RetiredGroups = new(
        MetricType.Gauge,
        "aggregator_retired_groups",
        "Groups of retired sources (stopped workers by parent path, departed nodes) whose counters are folded into one total each.",
        ["level"]);

    /// <summary>
    /// <c>aggregator_source_answer_seconds{level,source}</c>: how long after the collection started each source's answer
    /// arrived. Reported only while the status page is on, so that another node's page can show this node's workers.
    /// </summary>
    public static readonly MetricDefinition SourceAnswerSeconds = new(
        MetricType.Gauge,
        "aggregator_source_answer_seconds",
        "How long after the last collection started the source's answer arrived (reported while the status page is on).",
        ["level", "source"]);

    /// <summary><c>aggregator_source_series{level,source}</c>: how many series (label sets) each source answered with; status page on only.</summary>
    public static readonly MetricDefinition SourceSeries = new(
        MetricType.Gauge,
        "aggregator_source_series",
        "Series (label sets) in the source's answer to the last collection (reported while the status page is on).",
        ["level", "source"]);

    /// <summary>
    /// The answer time and series count of each source that answered, as <see cref="SourceAnswerSeconds"/> and
    /// <see cref="SourceSeries"/> under <paramref name="level"/>.
    /// </summary>
    public static MetricsSnapshot SourceDetails(string level, IEnumerable<(string Source, double AnswerSeconds, int Series)> answered)
    {
        ArgumentNullException.ThrowIfNull(answered);
        var sources = answered.ToArray();
        return new MetricsSnapshot(
        [
            new MetricFamilySnapshot(SourceAnswerSeconds, [.. sources.Select(s => SeriesSnapshot.ForValue([level, s.Source], s.AnswerSeconds))]),
            new MetricFamilySnapshot(SourceSeries, [.. sources.Select(s => SeriesSnapshot.ForValue([level, s.Source], s.Series))]),
        ]);
    }

    /// <summary>Builds the snapshot of one collection's self metrics.</summary>
    /// <param name="level">"worker" for a node's collection of workers, "node" for a cluster's collection of nodes.</param>
    /// <param name="durationLevel">The level label of the duration: "node" or "cluster".</param>
    /// <param name="answered">The full names of the sources that answered.</param>
    /// <param name="missing">The full names of the sources that did not.</param>
    /// <param name="durationSeconds">How long the collection took.</param>
    /// <param name="engine">The collector's merge engine, whose state sizes are reported under <paramref name="durationLevel"/>.</param>
    public static MetricsSnapshot Snapshot(string level, string durationLevel, IEnumerable<string> answered, IEnumerable<string> missing, double durationSeconds, MergeEngine engine)
    {
        ArgumentNullException.ThrowIfNull(engine);
        var up = answered.Select(s => SeriesSnapshot.ForValue([level, s], 1))
            .Concat(missing.Select(s => SeriesSnapshot.ForValue([level, s], 0)))
            .ToArray();
        return new MetricsSnapshot(
        [
            new MetricFamilySnapshot(SourceUp, up),
            new MetricFamilySnapshot(CollectionDuration, [SeriesSnapshot.ForValue([durationLevel], durationSeconds)]),
            new MetricFamilySnapshot(MergeSources, [SeriesSnapshot.ForValue([durationLevel], engine.LastMergeSourceCount)]),
            new MetricFamilySnapshot(RetiredGroups, [SeriesSnapshot.ForValue([durationLevel], engine.RetiredGroups.Count)]),
            new MetricFamilySnapshot(SelectionCacheEntries, [SeriesSnapshot.ForValue([durationLevel], engine.CachedSelections)]),
        ]);
    }
}
