namespace Aggregator.Metrics.Merging;

/// <summary>
/// The stateful side of merging, for a collector that merges its sources again and again:
/// <list type="bullet">
/// <item>a source that does not answer a collection still contributes its last counters, histograms and summaries
/// (its gauges are left out), so a slow source never makes a merged counter dip;</item>
/// <item>a retired source (a worker stopped or restarted, a node gone) keeps its last counters, histograms and
/// summaries in every later merge, added to whatever a new incarnation under the same name reports, so a merged
/// counter never decreases while the engine lives; its gauges disappear;</item>
/// <item>conflicts are counted in <c>aggregator_merge_conflicts_total{family,reason}</c> and reported once per
/// family and reason.</item>
/// </list>
/// Not thread-safe: one collector (actor) owns it.
/// </summary>
public sealed class MergeEngine
{
    /// <summary>The sample name of the counter that counts conflicts (its family name is <c>aggregator_merge_conflicts</c>).</summary>
    public const string ConflictsCounterName = "aggregator_merge_conflicts_total";

    private const string RetiredSuffix = " (retired)";

    private static readonly MetricDefinition ConflictsDefinition = new(
        MetricType.Counter,
        ConflictsCounterName,
        "Sources whose series of a family were left out of a merge (or whose HELP was overridden), by family and reason.",
        ["family", "reason"]);

    private readonly string _sourceLabel;
    private readonly Action<MergeConflict>? _onFirstConflict;
    private readonly Dictionary<string, MetricsSnapshot> _lastMonotonic = new(StringComparer.Ordinal);
    private readonly Dictionary<string, MetricsSnapshot> _retained = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Family, string Reason), long> _conflictCounts = [];

    /// <summary>Creates an engine.</summary>
    /// <param name="sourceLabel">The label an <c>all</c> gauge's series get: <c>worker</c> at a node, <c>node</c> in a cluster.</param>
    /// <param name="onFirstConflict">Called the first time each (family, reason) conflict is met, to log it.</param>
    public MergeEngine(string sourceLabel = "worker", Action<MergeConflict>? onFirstConflict = null)
    {
        MetricNames.ValidateLabelName(ConflictsCounterName, sourceLabel);
        _sourceLabel = sourceLabel;
        _onFirstConflict = onFirstConflict;
    }

    /// <summary>The names of the sources whose past is retained.</summary>
    public IReadOnlyCollection<string> RetiredSources => _retained.Keys;

    /// <summary>
    /// Merges what <paramref name="replied"/> reported, the last counters, histograms and summaries of the
    /// <paramref name="missing"/> sources (asked, but silent), and the retained past of the retired sources that
    /// <paramref name="includeRetired"/> selects (all when null).
    /// </summary>
    public MergeResult Merge(
        IReadOnlyCollection<MergeSource> replied,
        IEnumerable<string>? missing = null,
        Func<string, bool>? includeRetired = null)
    {
        ArgumentNullException.ThrowIfNull(replied);
        var sources = new List<MergeSource>(replied.Count + _retained.Count);
        var answered = new HashSet<string>(StringComparer.Ordinal);
        foreach (var source in replied)
        {
            sources.Add(source);
            answered.Add(source.Name);
            _lastMonotonic[source.Name] = MonotonicPart(source.Snapshot);
        }

        foreach (var name in missing ?? [])
        {
            if (!answered.Contains(name) && _lastMonotonic.TryGetValue(name, out var last))
            {
                sources.Add(new MergeSource(name, last, _sourceLabel));
            }
        }

        foreach (var (name, retained) in _retained)
        {
            if (includeRetired?.Invoke(name) ?? true)
            {
                sources.Add(new MergeSource(name + RetiredSuffix, retained, _sourceLabel));
            }
        }

        var result = SnapshotMerger.Merge(sources);
        if (result.Conflicts.Count == 0 && _conflictCounts.Count == 0)
        {
            return result;
        }

        Count(result.Conflicts);
        return result with { Snapshot = SnapshotMerger.Combine(result.Snapshot, new MetricsSnapshot([ConflictsFamily()])) };
    }

    /// <summary>
    /// Retires <paramref name="source"/>: its last counters, histograms and summaries join its retained past and stay in
    /// every later merge; a new incarnation under the same name starts from zero on top of them.
    /// </summary>
    /// <param name="source">The source's name.</param>
    /// <param name="finalSnapshot">What the source reported last on its way out; null to keep what it last replied.</param>
    public void Retire(string source, MetricsSnapshot? finalSnapshot = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        var found = _lastMonotonic.Remove(source, out var last);
        if (finalSnapshot is not null)
        {
            last = MonotonicPart(finalSnapshot);
        }
        else if (!found)
        {
            return;
        }

        _retained[source] = _retained.TryGetValue(source, out var past)
            ? SnapshotMerger.Merge([new MergeSource("past", past, _sourceLabel), new MergeSource("last", last!, _sourceLabel)]).Snapshot
            : last!;
    }

    /// <summary>
    /// The families of <paramref name="snapshot"/> that never decrease and outlive their source: counters, histograms,
    /// summaries, except <see cref="MetricDefinition.PerNode"/> ones, which describe a process that is gone with its
    /// source (a departed node's CPU time is not the cluster's).
    /// </summary>
    public static MetricsSnapshot MonotonicPart(MetricsSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var all = snapshot.FamiliesArray;
        var kept = Array.FindAll(all, f => (f.Definition.Type is MetricType.Counter or MetricType.Histogram or MetricType.Summary) && !f.Definition.PerNode);
        return kept.Length == all.Length ? snapshot : MetricsSnapshot.FromSorted(kept);
    }

    private void Count(IReadOnlyList<MergeConflict> conflicts)
    {
        foreach (var conflict in conflicts)
        {
            var key = (conflict.Family, conflict.Reason);
            var first = !_conflictCounts.ContainsKey(key);
            _conflictCounts[key] = _conflictCounts.GetValueOrDefault(key) + conflict.Sources.Count;
            if (first)
            {
                _onFirstConflict?.Invoke(conflict);
            }
        }
    }

    private MetricFamilySnapshot ConflictsFamily() =>
        new(ConflictsDefinition, [.. _conflictCounts.Select(c => SeriesSnapshot.ForValue([c.Key.Family, c.Key.Reason], c.Value))]);
}
