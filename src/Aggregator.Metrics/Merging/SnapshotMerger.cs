namespace Aggregator.Metrics.Merging;

/// <summary>
/// Merges snapshots from several sources into one by the rules of SPEC §5. Pure: no state, no clock. Sources are
/// taken in the order of their names, so the order they are passed in does not change the result, and merging
/// merges (worker → node → cluster) gives what one flat merge gives.
/// </summary>
/// <remarks>
/// Series match on family name plus label names and values. Counters, histograms and summaries are summed (newest
/// timestamp, earliest <c>_created</c>); gauges follow their <see cref="GaugeMergePolicy"/>; info series with equal
/// labels collapse. Where the sources carry a <see cref="MergeSource.NodeLabel"/> source label, a
/// <see cref="MetricDefinition.PerNode"/> family keeps each node's series apart under it, whatever its type. For each
/// family the shape (type, label names, buckets, native or not, gauge policy) held by the most sources wins, the earliest source
/// breaking a tie; the series of sources with another shape are left out and reported.
/// </remarks>
public static class SnapshotMerger
{
    /// <summary>Merges <paramref name="sources"/>.</summary>
    /// <exception cref="ArgumentException">Two sources share a name.</exception>
    public static MergeResult Merge(IEnumerable<MergeSource> sources) => Merge(sources, MetricsSnapshot.Empty);

    /// <summary>
    /// Merges <paramref name="sources"/> and adds <paramref name="extra"/>'s families as <see cref="Combine"/> would, in
    /// the same walk over the families: <c>Combine(Merge(sources).Snapshot, extra)</c> without a second pass. The
    /// result's <see cref="MergeResult.Merged"/> is the merge without them.
    /// </summary>
    /// <exception cref="ArgumentException">Two sources share a name.</exception>
    public static MergeResult Merge(IEnumerable<MergeSource> sources, MetricsSnapshot extra) => Merge(sources, extra, null);

    /// <summary>
    /// As <see cref="Merge(IEnumerable{MergeSource}, MetricsSnapshot)"/>, with a collector's <paramref name="memo"/> of
    /// aligned families (same result, less work) and, when given, its <paramref name="copies"/> of label sets (same
    /// values, laid out in order).
    /// </summary>
    internal static MergeResult Merge(IEnumerable<MergeSource> sources, MetricsSnapshot extra, AlignmentMemo? memo, LabelCopies? copies = null)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(extra);
        var ordered = sources.OrderBy(s => s.Name, StringComparer.Ordinal).ToArray();
        for (var i = 1; i < ordered.Length; i++)
        {
            if (ordered[i].Name == ordered[i - 1].Name)
            {
                throw new ArgumentException($"Two merge sources are named '{ordered[i].Name}'.", nameof(sources));
            }
        }

        // One walk over every source's families, which are sorted by name, taking the smallest name each step: each
        // family is grouped, merged, checked against the sample names of the families before it and combined with
        // the extra family of its name before the walk moves on.
        var cursors = new int[ordered.Length];
        var extras = extra.FamiliesArray;
        var nextExtra = 0;
        var conflicts = new List<MergeConflict>();

        // Name clashes are reported after the other conflicts, as when they were found in a pass of their own.
        var clashes = new List<MergeConflict>();
        var merged = new List<MetricFamilySnapshot>();

        // The merge without the extra families, for a caller that keeps it (MergeResult.Merged): only built when the
        // two differ, and only as references to the same family snapshots.
        var alone = extras.Length == 0 ? null : new List<MetricFamilySnapshot>();
        var taken = new Dictionary<string, string>(StringComparer.Ordinal);
        var members = new List<Member>(ordered.Length);
        while (true)
        {
            string? name = null;
            for (var i = 0; i < ordered.Length; i++)
            {
                var families = ordered[i].Snapshot.FamiliesArray;
                if (cursors[i] < families.Length && (name is null || string.CompareOrdinal(families[cursors[i]].Name, name) < 0))
                {
                    name = families[cursors[i]].Name;
                }
            }

            if (name is null)
            {
                break;
            }

            // Extra families named before this one join as they are.
            while (nextExtra < extras.Length && string.CompareOrdinal(extras[nextExtra].Name, name) < 0)
            {
                merged.Add(extras[nextExtra++]);
            }

            members.Clear();
            for (var i = 0; i < ordered.Length; i++)
            {
                var families = ordered[i].Snapshot.FamiliesArray;
                if (cursors[i] < families.Length && families[cursors[i]].Name == name)
                {
                    members.Add(new Member(ordered[i], families[cursors[i]++]));
                }
            }

            var family = MergeFamily(name, members, conflicts, memo, copies);
            if (family is not null && !TakeSampleNames(family, members, taken, clashes))
            {
                family = null;
            }

            if (family is not null)
            {
                alone?.Add(family);
            }

            if (nextExtra < extras.Length && extras[nextExtra].Name == name)
            {
                var added = extras[nextExtra++];
                family = family is null ? added : CombineFamilies(family, added);
            }

            if (family is not null)
            {
                merged.Add(family);
            }
        }

        while (nextExtra < extras.Length)
        {
            merged.Add(extras[nextExtra++]);
        }

        memo?.EndMerge();
        copies?.EndMerge();
        conflicts.AddRange(clashes);
        var snapshot = MetricsSnapshot.FromSorted([.. merged]);
        return new MergeResult(snapshot, conflicts) { Merged = alone is null ? snapshot : MetricsSnapshot.FromSorted([.. alone]) };
    }

    /// <summary>
    /// Adds <paramref name="second"/>'s families to <paramref name="first"/>'s at the same level: families only one has
    /// are kept as they are; a family both have is merged by its rules, except that no source labels are added (an
    /// <c>all</c> gauge keeps the first's series where both have one). Where the shapes differ, the first's family is
    /// kept. For adding a collector's own families (source status, conflict counts) to a merged snapshot.
    /// </summary>
    public static MetricsSnapshot Combine(MetricsSnapshot first, MetricsSnapshot second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        return MetricsSnapshot.FromSorted(SortedUnion.Of(first.FamiliesArray, second.FamiliesArray, SortedUnion.ByName, CombineFamilies));
    }

    private static MetricFamilySnapshot CombineFamilies(MetricFamilySnapshot x, MetricFamilySnapshot y) =>
        SameShape(x.Definition, y.Definition)
            ? new MetricFamilySnapshot(x.Definition, SeriesMerger.Merge(x.Definition, [x.SeriesArray, y.SeriesArray]), validate: false)
            : x;

    private static MetricFamilySnapshot? MergeFamily(string name, List<Member> members, List<MergeConflict> conflicts, AlignmentMemo? memo, LabelCopies? copies)
    {
        var winners = PickShape(name, members, conflicts);
        var first = winners[0].Family.Definition;
        var disagreeing = winners.Where(w => w.Family.Definition.Help != first.Help).Select(w => w.Source.Name).ToArray();
        if (disagreeing.Length > 0)
        {
            conflicts.Add(new MergeConflict(name, MergeConflictReason.Help, disagreeing, $"HELP differs from '{winners[0].Source.Name}', whose text is kept"));
        }

        // Either flag held by any source holds for the merge: an "or" is associative, so merging merges still equals one
        // flat merge. Rebuilt from the sample name: the constructor strips one _total (_info), which a family name may
        // still end with. Its names were validated when declared, under the catalog's rules, so the widest rules apply.
        var timestamped = winners.Any(w => w.Family.Definition.Timestamped);
        var perNode = winners.Any(w => w.Family.Definition.PerNode);
        var definition = timestamped == first.Timestamped && perNode == first.PerNode
            ? first
            : new MetricDefinition(first.Type, first.SampleName(), first.Help, first.LabelNamesArray, timestamped, first.GaugePolicy, first.Type == MetricType.Histogram ? first.BucketsArray : null, perNode, first.NativeHistogram, NameValidation.Utf8);

        if (definition.Type == MetricType.Gauge && definition.GaugePolicy == GaugeMergePolicy.All)
        {
            return MergeLabeled(definition, winners, conflicts, static _ => true, "gauge policy 'all'");
        }

        if (definition.PerNode && winners.Any(w => w.Source.SourceLabels.Any(IsNodeLabel)))
        {
            return MergeLabeled(definition, winners, conflicts, IsNodeLabel, "a per-node family");
        }

        var inputs = new List<SeriesSnapshot[]>(winners.Count);
        foreach (var winner in winners)
        {
            inputs.Add(ExemplarMerge.Attribute(winner.Family.SeriesArray, winner.Source.SourceLabels));
        }

        var series = memo is null
            ? SeriesMerger.Merge(definition, inputs)
            : SeriesMerger.Merge(definition, inputs, memo, name, [.. winners.Select(w => w.Source.Name)]);
        if (copies is not null && inputs.Count > 1)
        {
            // A merge of several inputs is a new array of the merge's own (one input's is that input's array).
            series = copies.Apply(name, series);
        }

        return new MetricFamilySnapshot(definition, series, validate: false);
    }

    /// <summary>Keeps the members of the most common shape and reports the others, one conflict per reason.</summary>
    private static List<Member> PickShape(string name, List<Member> members, List<MergeConflict> conflicts)
    {
        if (members.Count == 1)
        {
            return members;
        }

        var shapes = new List<List<Member>>();
        foreach (var member in members)
        {
            var shape = shapes.Find(s => SameShape(s[0].Family.Definition, member.Family.Definition));
            if (shape is null)
            {
                shapes.Add([member]);
            }
            else
            {
                shape.Add(member);
            }
        }

        // The most sources win; List.Find and a stable max keep the earliest shape on a tie.
        var winners = shapes[0];
        foreach (var shape in shapes)
        {
            if (shape.Count > winners.Count)
            {
                winners = shape;
            }
        }

        var kept = winners[0].Family.Definition;
        foreach (var byReason in members.Where(m => !winners.Contains(m)).GroupBy(m => ShapeDifference(kept, m.Family.Definition)))
        {
            var losers = byReason.ToArray();
            conflicts.Add(new MergeConflict(
                name,
                byReason.Key,
                [.. losers.Select(l => l.Source.Name)],
                $"kept {kept} from '{winners[0].Source.Name}', left out {string.Join("; ", losers.Select(l => $"{l.Family.Definition} from '{l.Source.Name}'"))}"));
        }

        return winners;
    }

    internal static bool SameShape(MetricDefinition a, MetricDefinition b) =>
        a.Type == b.Type
        && a.GaugePolicy == b.GaugePolicy
        && a.LabelNamesArray.AsSpan().SequenceEqual(b.LabelNamesArray)
        && a.BucketsArray.AsSpan().SequenceEqual(b.BucketsArray)
        && (a.NativeHistogram is null) == (b.NativeHistogram is null);

    private static string ShapeDifference(MetricDefinition kept, MetricDefinition other) =>
        kept.Type != other.Type ? MergeConflictReason.Type
        : !kept.LabelNamesArray.AsSpan().SequenceEqual(other.LabelNamesArray) ? MergeConflictReason.LabelNames
        : !kept.BucketsArray.AsSpan().SequenceEqual(other.BucketsArray) ? MergeConflictReason.Buckets
        : (kept.NativeHistogram is null) != (other.NativeHistogram is null) ? MergeConflictReason.Native
        : MergeConflictReason.GaugePolicy;

    private static bool IsNodeLabel(KeyValuePair<string, string> label) => label.Key == MergeSource.NodeLabel;

    /// <summary>
    /// Keeps the series of sources apart by appending the source labels <paramref name="added"/> selects to theirs:
    /// every source label for an <c>all</c> gauge, only <c>node</c> for a per-node family (so its workers still merge
    /// within a node by the type's rule). Series that end up with equal labels merge by the type's rule.
    /// </summary>
    private static MetricFamilySnapshot? MergeLabeled(
        MetricDefinition definition,
        List<Member> winners,
        List<MergeConflict> conflicts,
        Func<KeyValuePair<string, string>, bool> added,
        string rule)
    {
        var sourceLabelNames = winners[0].Source.SourceLabels.Where(added).Select(l => l.Key).ToArray();
        var clashing = winners
            .Where(w => w.Source.SourceLabels.Where(added).Any(l => definition.LabelNamesArray.Contains(l.Key))
                        || !w.Source.SourceLabels.Where(added).Select(l => l.Key).SequenceEqual(sourceLabelNames))
            .ToArray();
        if (clashing.Length > 0)
        {
            conflicts.Add(new MergeConflict(
                definition.Name,
                MergeConflictReason.SourceLabel,
                [.. winners.Select(w => w.Source.Name)],
                $"{rule} adds the labels [{string.Join(",", sourceLabelNames)}], which the family already has or its sources do not share"));
            return null;
        }

        // The family's names passed its catalog's rules and the source labels were checked as legacy names.
        var labeled = new MetricDefinition(
            definition.Type,
            definition.SampleName(),
            definition.Help,
            [.. definition.LabelNamesArray, .. sourceLabelNames],
            definition.Timestamped,
            definition.GaugePolicy,
            definition.Type == MetricType.Histogram ? definition.BucketsArray : null,
            definition.PerNode,
            definition.NativeHistogram,
            NameValidation.Utf8);

        var inputs = new List<SeriesSnapshot[]>(winners.Count);
        foreach (var winner in winners)
        {
            var extra = winner.Source.SourceLabels.Where(added).Select(l => l.Value).ToArray();
            var series = winner.Family.SeriesArray;
            var relabeled = new SeriesSnapshot[series.Length];
            for (var i = 0; i < series.Length; i++)
            {
                // Appending the same values to every series of one source keeps that source's series sorted.
                relabeled[i] = series[i].WithLabelValues([.. series[i].LabelValuesArray, .. extra]);
            }

            inputs.Add(ExemplarMerge.Attribute(relabeled, winner.Source.SourceLabels));
        }

        return new MetricFamilySnapshot(labeled, SeriesMerger.Merge(labeled, inputs), validate: false);
    }

    /// <summary>
    /// Claims <paramref name="family"/>'s sample names, or leaves the family out (false) when a family earlier by name
    /// already uses one of them.
    /// </summary>
    private static bool TakeSampleNames(
        MetricFamilySnapshot family,
        List<Member> members,
        Dictionary<string, string> taken,
        List<MergeConflict> conflicts)
    {
        var names = SampleNames.Occupied(family.Definition).ToArray();
        var clash = names.FirstOrDefault(taken.ContainsKey);
        if (clash is not null)
        {
            conflicts.Add(new MergeConflict(
                family.Name,
                MergeConflictReason.NameClash,
                [.. members.Select(m => m.Source.Name)],
                $"its sample name '{clash}' belongs to family '{taken[clash]}'"));
            return false;
        }

        foreach (var n in names)
        {
            taken[n] = family.Name;
        }

        return true;
    }

    private sealed record Member(MergeSource Source, MetricFamilySnapshot Family);
}
