namespace Aggregator.Metrics.Merging;

/// <summary>What a merge produced: the merged snapshot and the conflicts it met.</summary>
/// <param name="Snapshot">The merged snapshot, with the extra families the caller asked to add in the same pass.</param>
/// <param name="Conflicts">The conflicts the merge met.</param>
public sealed record MergeResult(MetricsSnapshot Snapshot, IReadOnlyList<MergeConflict> Conflicts)
{
    /// <summary>The merge alone, without the extra families (a collector's own metrics); <see cref="Snapshot"/> when there were none.</summary>
    public MetricsSnapshot Merged { get; init; } = Snapshot;
}
