namespace Aggregator.Metrics.Merging;

/// <summary>
/// The stateful side of merging, for a collector that merges its sources again and again. Its state is a function of
/// the series, not of history:
/// <list type="bullet">
/// <item>the last counters, histograms and summaries of each live source, so that a source that does not answer a
/// collection still contributes them (its gauges are left out) and a slow source never makes a merged counter dip;</item>
/// <item>the past of each live source that restarted, added to what its new incarnation reports;</item>
/// <item>one folded total per <em>retired group</em>: a source that retires for good (a stopped worker, a departed node)
/// adds its last counters, histograms and summaries into its group's total and is forgotten, so memory and merge time
/// depend on the number of groups and series, never on how many sources ever lived; its gauges disappear;</item>
/// <item>per selection, in a bounded least-recently-used cache: what the selection needs beyond that (the retired
/// sources it matched one by one, whose group it does not cover whole; the sources' answers to it when they differ from
/// the unfiltered ones);</item>
/// <item>conflict counts in <c>aggregator_merge_conflicts_total{family,reason}</c>, each reported once;</item>
/// <item>for the last unfiltered merge, its result and inputs (reused whole while nothing changes) and which families'
/// sources were aligned position by position (merged in place while they hand the same label arrays).</item>
/// </list>
/// An unfiltered merge (no selection) sees everything and is exact. A selection sees the live and restarted sources it
/// matches, the groups it covers whole, and the retirements it matched since it entered the cache: it is monotonic
/// between its own merges while it stays cached, and never sees data from outside it.
/// Not thread-safe: one collector (actor) owns it.
/// </summary>
public sealed class MergeEngine
{
    /// <summary>The sample name of the counter that counts conflicts (its family name is <c>aggregator_merge_conflicts</c>).</summary>
    public const string ConflictsCounterName = "aggregator_merge_conflicts_total";

    /// <summary>How many selections keep state when the caller does not say (each holds at most its series' totals).</summary>
    public const int DefaultSelectionCacheSize = 64;

    private const string PastSuffix = " (past)";
    private const string GroupPrefix = "retired ";
    private const string SelectionRetiredName = "retired (selection)";

    private static readonly MetricDefinition ConflictsDefinition = new(
        MetricType.Counter,
        ConflictsCounterName,
        "Sources whose series of a family were left out of a merge (or whose HELP was overridden), by family and reason.",
        ["family", "reason"]);

    private readonly string _sourceLabel;
    private readonly Action<MergeConflict>? _onFirstConflict;
    private readonly Dictionary<string, MetricsSnapshot> _last = new(StringComparer.Ordinal);
    private readonly Dictionary<string, MetricsSnapshot> _past = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, MetricsSnapshot> _groups = new(StringComparer.Ordinal);
    private readonly SelectionCache _selections;
    private readonly Dictionary<(string Family, string Reason), long> _conflictCounts = [];

    // The last unfiltered merge and its inputs; while none of them changes (and no source restarted, retired or was
    // raised: the version), the next unfiltered merge is that same result, without merging again.
    private Memo? _memo;
    private long _version;

    // Which families' sources held the same label arrays in the same order at the last unfiltered merge.
    private readonly AlignmentMemo _alignment = new();

    // The collector's own copies of its unfiltered merges' label sets, in exposition order; null unless asked for.
    private readonly LabelCopies? _labelCopies;

    /// <summary>Creates an engine.</summary>
    /// <param name="sourceLabel">The label an <c>all</c> gauge's series get: <c>worker</c> at a node, <c>node</c> in a cluster.</param>
    /// <param name="onFirstConflict">Called the first time each (family, reason) conflict is met, to log it.</param>
    /// <param name="selectionCacheSize">How many selections keep state (at least 1).</param>
    /// <param name="copyLabels">
    /// Whether unfiltered merges hand out the engine's own copies of their label sets, laid out in the order the
    /// exposition reads them, instead of the sources' arrays: for sources whose labels were allocated on many threads
    /// over time (a node's workers), at the price of one more copy of each distinct label set. Values are the same.
    /// </param>
    public MergeEngine(string sourceLabel = "worker", Action<MergeConflict>? onFirstConflict = null, int selectionCacheSize = DefaultSelectionCacheSize, bool copyLabels = false)
    {
        MetricNames.ValidateLabelName(ConflictsCounterName, sourceLabel);
        ArgumentOutOfRangeException.ThrowIfLessThan(selectionCacheSize, 1);
        _sourceLabel = sourceLabel;
        _onFirstConflict = onFirstConflict;
        _selections = new SelectionCache(selectionCacheSize);
        _labelCopies = copyLabels ? new LabelCopies() : null;
    }

    /// <summary>The retired groups whose folded totals the engine holds.</summary>
    public IReadOnlyCollection<string> RetiredGroups => _groups.Keys;

    /// <summary>The live sources that restarted and whose past the engine holds.</summary>
    public IReadOnlyCollection<string> RestartedSources => _past.Keys;

    /// <summary>How many selections hold state now (at most the configured cache size).</summary>
    public int CachedSelections => _selections.Count;

    /// <summary>How many sources the last merge merged: what it replied, silent sources, pasts, groups and selection state.</summary>
    public int LastMergeSourceCount { get; private set; }

    /// <summary>How many family merges were done position by position because their sources were known to be aligned.</summary>
    public long AlignedFamilyMerges => _alignment.AlignedMerges;

    /// <summary>How many label sets the engine copied so far (none unless it copies labels): grows with new series only.</summary>
    public long CopiedLabelSets => _labelCopies?.CopiedLabelSets ?? 0;

    /// <summary>True when the last merge reused the one before it: unfiltered, with the same inputs and state.</summary>
    public bool LastMergeReused { get; private set; }

    /// <summary>
    /// Merges what <paramref name="replied"/> reported, the last counters, histograms and summaries of the
    /// <paramref name="missing"/> sources (asked, but silent), the pasts of restarted sources and the retired groups
    /// that <paramref name="selection"/> sees (everything when null), keeping only the families
    /// <paramref name="families"/> selects (every family when null).
    /// </summary>
    /// <remarks>
    /// With a family filter the sources answered only the selected families: what the engine knows of each source is
    /// updated family by family, so an unfiltered merge that follows still sees every family's newest values, and a
    /// silent source's other families are not lost. Merging is per family, so the filtered merge equals the unfiltered
    /// one with the other families left out.
    /// <para>
    /// <paramref name="extra"/> (the collector's own metrics) is called once the sources are known, so that it may read
    /// <see cref="LastMergeSourceCount"/> and the other counts of this merge; its families (those the filter keeps) join
    /// the result in the same walk over the families as the merge, and <see cref="MergeResult.Merged"/> is the result
    /// without them. A reused merge adds them to the last result, merging nothing. Conflict counts, when any were ever
    /// met, join after the walk, since this merge's own count is only known at its end.
    /// </para>
    /// </remarks>
    public MergeResult Merge(IReadOnlyCollection<MergeSource> replied, IEnumerable<string>? missing = null, IMergeSelection? selection = null, FamilyFilter? families = null, Func<MetricsSnapshot>? extra = null)
    {
        ArgumentNullException.ThrowIfNull(replied);
        var filter = families ?? FamilyFilter.All;
        var unfiltered = selection is null && filter.IsAll;
        string[] silentNames = [.. (missing ?? []).Order(StringComparer.Ordinal)];
        LastMergeReused = unfiltered && _memo is { } memo && memo.Matches(_version, replied, silentNames);
        if (LastMergeReused)
        {
            var reused = _memo!.Result;
            return extra is null ? reused : reused with { Snapshot = SnapshotMerger.Combine(reused.Merged, filter.Apply(extra())) };
        }

        var state = selection is null ? null : _selections.Touch(selection);
        var last = state is not null && !selection!.AnswersAsUnfiltered ? state.Last : _last;
        var sources = new List<MergeSource>(replied.Count + _past.Count + _groups.Count + 1);
        var answered = new HashSet<string>(StringComparer.Ordinal);
        foreach (var source in replied)
        {
            sources.Add(source);
            answered.Add(source.Name);
            last[source.Name] = filter.Update(last.GetValueOrDefault(source.Name), MonotonicPart(source.Snapshot));
        }

        foreach (var name in silentNames)
        {
            if (!answered.Contains(name) && last.TryGetValue(name, out var silent))
            {
                sources.Add(Source(name, filter.Apply(silent)));
            }
        }

        foreach (var (name, past) in _past)
        {
            if (selection?.Matches(name) ?? true)
            {
                sources.Add(Source(name + PastSuffix, filter.Apply(past)));
            }
        }

        foreach (var (group, totals) in _groups)
        {
            if (selection?.Covers(group) ?? true)
            {
                sources.Add(Source(GroupPrefix + group, filter.Apply(totals)));
            }
        }

        if (state?.Retired is { } retired)
        {
            sources.Add(Source(SelectionRetiredName, filter.Apply(retired)));
        }

        LastMergeSourceCount = sources.Count;
        // Only unfiltered merges use the alignment memo: a selection's sources differ from the unfiltered ones, and
        // alternating between the two would make each forget what the other recorded.
        var result = SnapshotMerger.Merge(sources, extra is null ? MetricsSnapshot.Empty : filter.Apply(extra()), unfiltered ? _alignment : null, unfiltered ? _labelCopies : null);
        if (result.Conflicts.Count > 0 || _conflictCounts.Count > 0)
        {
            Count(result.Conflicts);
            var counts = filter.Apply(new MetricsSnapshot([ConflictsFamily()]));
            result = result with { Snapshot = SnapshotMerger.Combine(result.Snapshot, counts), Merged = SnapshotMerger.Combine(result.Merged, counts) };
        }

        // A merge with conflicts counts them again each time: it is never reused. The memo keeps the merge without the
        // extra families, which the next reuse asks for afresh.
        if (unfiltered)
        {
            _memo = result.Conflicts.Count == 0 ? new Memo(_version, Inputs(replied), silentNames, result with { Snapshot = result.Merged }) : null;
        }

        return result;
    }

    /// <summary>
    /// <paramref name="source"/> restarted: its last counters, histograms and summaries join its past, which stays in every
    /// later merge under its name; the new incarnation starts from zero on top of it.
    /// </summary>
    /// <param name="source">The source's name.</param>
    /// <param name="finalSnapshot">What the source reported last on its way out; null to keep what it last replied.</param>
    public void Restarted(string source, MetricsSnapshot? finalSnapshot = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        _version++;
        if (TakeLast(source, finalSnapshot) is { } last)
        {
            _past[source] = Fold(_past.GetValueOrDefault(source), last);
        }

        MoveSelectionAnswers(source, group: null);
    }

    /// <summary>
    /// <paramref name="source"/> retired for good: its past and last counters, histograms and summaries fold into the
    /// total of <paramref name="group"/>, and the engine forgets the source. Cached selections that match the source but
    /// do not cover the group keep its totals in their own state.
    /// </summary>
    /// <param name="source">The source's name.</param>
    /// <param name="group">The retired group it folds into (a worker's parent path, a departed node).</param>
    /// <param name="finalSnapshot">What the source reported last on its way out; null to keep what it last replied.</param>
    /// <param name="groupOfOne">
    /// True when the group only ever holds this source (a departed node's incarnation), whose totals may already be known
    /// from elsewhere: the group is raised to the source's totals, series by series, instead of added to.
    /// </param>
    public void Retire(string source, string group, MetricsSnapshot? finalSnapshot = null, bool groupOfOne = false)
    {
        ArgumentNullException.ThrowIfNull(source);
        _version++;
        ArgumentNullException.ThrowIfNull(group);
        var last = TakeLast(source, finalSnapshot);
        _past.Remove(source, out var past);
        var total = past is null ? last : last is null ? past : Fold(past, last);

        // Retired totals keep no exemplars: they keep merged counters from going down, while exemplars point at recent traces.
        total = total is null ? null : ExemplarMerge.Strip(total);
        if (total is not null)
        {
            foreach (var entry in _selections.Entries)
            {
                if (entry.Selection.AnswersAsUnfiltered && entry.Selection.Matches(source) && !entry.Selection.Covers(group))
                {
                    entry.Retired = Fold(entry.Retired, total);
                }
            }

            _groups[group] = groupOfOne && _groups.TryGetValue(group, out var known)
                ? MonotonicMax.Of(known, total)
                : Fold(_groups.GetValueOrDefault(group), total);
        }

        MoveSelectionAnswers(source, group);
    }

    /// <summary>
    /// Raises <paramref name="group"/>'s folded totals to at least <paramref name="totals"/>, series by series (the larger
    /// count wins): for totals learnt from elsewhere, such as a departed node's as replicated across a cluster.
    /// </summary>
    public void RaiseGroup(string group, MetricsSnapshot totals)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(totals);
        _version++;
        var monotonic = ExemplarMerge.Strip(MonotonicPart(totals));
        _groups[group] = _groups.TryGetValue(group, out var known) ? MonotonicMax.Of(known, monotonic) : monotonic;
    }

    /// <summary>
    /// <paramref name="groups"/> were folded into <paramref name="into"/> elsewhere, whose totals (theirs included) are
    /// <paramref name="intoTotals"/>: they are dropped and <paramref name="into"/> raised, as for replicated state. Cached
    /// selections that covered a dropped group but not <paramref name="into"/> keep its totals in their own state.
    /// </summary>
    public void FoldedElsewhere(IEnumerable<string> groups, string into, MetricsSnapshot intoTotals)
    {
        ArgumentNullException.ThrowIfNull(groups);
        _version++;
        foreach (var group in groups)
        {
            if (group != into && _groups.Remove(group, out var totals))
            {
                KeepForSelections(group, into, totals);
            }
        }

        RaiseGroup(into, intoTotals);
    }

    /// <summary>The folded totals of <paramref name="group"/>, or null when it has none.</summary>
    public MetricsSnapshot? GroupTotals(string group) => _groups.GetValueOrDefault(group);

    /// <summary>What <paramref name="source"/> last answered an unfiltered request with (counters, histograms, summaries).</summary>
    public MetricsSnapshot? LastAnswer(string source) => _last.GetValueOrDefault(source);

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

    private MetricsSnapshot? TakeLast(string source, MetricsSnapshot? finalSnapshot)
    {
        var found = _last.Remove(source, out var last);
        return finalSnapshot is not null ? MonotonicPart(finalSnapshot) : found ? last : null;
    }

    // Selections whose sources answer them differently keep their own last answers: a departing source's answer to
    // such a selection joins the selection's retired totals (its group, unfiltered, is never covered by it).
    private void MoveSelectionAnswers(string source, string? group)
    {
        foreach (var entry in _selections.Entries)
        {
            if (entry.Last.Remove(source, out var last) && (group is null || !entry.Selection.Covers(group)))
            {
                entry.Retired = Fold(entry.Retired, last);
            }
        }
    }

    private void KeepForSelections(string from, string into, MetricsSnapshot totals)
    {
        foreach (var entry in _selections.Entries)
        {
            if (entry.Selection.Covers(from) && !entry.Selection.Covers(into))
            {
                entry.Retired = Fold(entry.Retired, totals);
            }
        }
    }

    private MergeSource Source(string name, MetricsSnapshot snapshot) => new(name, snapshot, _sourceLabel);

    private MetricsSnapshot Fold(MetricsSnapshot? past, MetricsSnapshot last) =>
        ExemplarMerge.Strip(past is null ? last : SnapshotMerger.Merge([Source("past", past), Source("last", last)]).Snapshot);

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

    // By name, the last of a name winning, as the merge itself records it (ToDictionary would throw on a repeated name).
    private static Dictionary<string, MetricsSnapshot> Inputs(IReadOnlyCollection<MergeSource> replied)
    {
        var inputs = new Dictionary<string, MetricsSnapshot>(replied.Count, StringComparer.Ordinal);
        foreach (var source in replied)
        {
            inputs[source.Name] = source.Snapshot;
        }

        return inputs;
    }

    private sealed record Memo(long Version, Dictionary<string, MetricsSnapshot> Replied, string[] Missing, MergeResult Result)
    {
        public bool Matches(long version, IReadOnlyCollection<MergeSource> replied, string[] missing)
        {
            if (version != Version || replied.Count != Replied.Count || !missing.AsSpan().SequenceEqual(Missing))
            {
                return false;
            }

            foreach (var source in replied)
            {
                if (!Replied.TryGetValue(source.Name, out var before) || !before.SameContent(source.Snapshot))
                {
                    return false;
                }
            }

            return true;
        }
    }
}
