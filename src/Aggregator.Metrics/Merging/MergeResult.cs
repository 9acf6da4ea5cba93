namespace Aggregator.Metrics.Merging;

/// <summary>What a merge produced: the merged snapshot and the conflicts it met.</summary>
public sealed record MergeResult(MetricsSnapshot Snapshot, IReadOnlyList<MergeConflict> Conflicts);
