namespace Aggregator.Hosting.Status;

/// <summary>Everything the status page and its JSON show, built once per request from the collectors' last reports.</summary>
/// <param name="GeneratedAt">When the page was built.</param>
/// <param name="Scope"><c>cluster</c> when the page serves a cluster member's cluster-wide view, <c>node</c> otherwise.</param>
/// <param name="CollectionError">Why the collection the page asked for failed; null when it did not.</param>
/// <param name="Levels">The last collection at each level: the cluster's (of nodes), then this node's (of workers).</param>
/// <param name="Nodes">Every node with its workers.</param>
/// <param name="Cardinality">Series counts.</param>
/// <param name="Conflicts">The conflicts of the last merges.</param>
/// <param name="Configuration">The settings in force, by section; no secrets.</param>
internal sealed record StatusReport(
    DateTimeOffset GeneratedAt,
    string Scope,
    string? CollectionError,
    IReadOnlyList<LevelStatus> Levels,
    IReadOnlyList<NodeStatus> Nodes,
    CardinalityStatus Cardinality,
    IReadOnlyList<ConflictStatus> Conflicts,
    IReadOnlyList<ConfigurationSection> Configuration);

/// <summary>The last collection at one level and the durations of the collections before it.</summary>
internal sealed record LevelStatus(string Level, DateTimeOffset? CompletedAt, double? DurationSeconds, int SourcesUp, int SourcesDown, IReadOnlyList<double> DurationHistorySeconds);

/// <summary>
/// A node: whether it answered, when, whether its counters came from retained state, and its workers. WorkersKnown is
/// false for a node that did not answer: its workers are not known.
/// </summary>
internal sealed record NodeStatus(string Name, bool Local, bool Up, double? AnswerSeconds, bool Retained, int? Series, bool WorkersKnown, IReadOnlyList<SourceStatus> Workers);

/// <summary>A worker source; answer time and series count are known for this node's workers only.</summary>
internal sealed record SourceStatus(string Name, bool Up, double? AnswerSeconds, bool Retained, int? Series);

/// <summary>The cardinality of the merged result and of each source.</summary>
/// <param name="MergedSeries">Series (label sets) in the merged result.</param>
/// <param name="FamilyCount">Families in the merged result.</param>
/// <param name="TopFamilies">The largest families by merged series, largest first.</param>
/// <param name="Sources">Every source that answered with its series count, largest first.</param>
/// <param name="Dropped">Series refused by the per-family cap, by family (<c>aggregator_series_dropped_total</c>).</param>
internal sealed record CardinalityStatus(int MergedSeries, int FamilyCount, IReadOnlyList<FamilyCardinality> TopFamilies, IReadOnlyList<SourceCardinality> Sources, IReadOnlyList<DroppedSeries> Dropped);

/// <summary>
/// One family's series count, merged and in each source that has it (largest first), its HELP, its labels with their
/// distinct values in the merged result, and the label values of its first series as an example.
/// </summary>
internal sealed record FamilyCardinality(string Family, string Type, string Help, int MergedSeries, IReadOnlyList<LabelCardinality> Labels, string? Example, IReadOnlyList<SourceCardinality> Sources);

/// <summary>How many distinct values a label has in a family's merged series.</summary>
internal sealed record LabelCardinality(string Label, int Values);

/// <summary>A source's series count, at its level (<c>worker</c> or <c>node</c>).</summary>
internal sealed record SourceCardinality(string Source, string Level, int Series);

/// <summary>How many series of one family the cap refused.</summary>
internal sealed record DroppedSeries(string Family, double Count);

/// <summary>A conflict of a merge at a level: the family, the reason, the sources left out, and the logged warning's text.</summary>
internal sealed record ConflictStatus(string Level, string Family, string Reason, IReadOnlyList<string> Sources, string Text);

/// <summary>A group of settings.</summary>
internal sealed record ConfigurationSection(string Name, IReadOnlyList<KeyValuePair<string, string>> Settings);
