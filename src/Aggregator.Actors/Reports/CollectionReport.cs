using Aggregator.Metrics;
using Aggregator.Metrics.Merging;

namespace Aggregator.Actors.Reports;

/// <summary>
/// What one collection at one level found: who answered and when, what the merge made of it and which conflicts it met.
/// Immutable; a collector publishes one after each collection of its configured selection (see <see cref="CollectionReports"/>).
/// </summary>
/// <param name="Level">The level of its sources: <c>worker</c> for a node's collection, <c>node</c> for a cluster's.</param>
/// <param name="CompletedAt">When the collection answered.</param>
/// <param name="Duration">How long it took, from the first ask to the merged result.</param>
/// <param name="Sources">Every source asked, in the order the collector knows them.</param>
/// <param name="Merged">The merged snapshot (the reply, without the collector's own families).</param>
/// <param name="Conflicts">The conflicts of this merge; each one's text is the warning logged when it was first met.</param>
public sealed record CollectionReport(
    string Level,
    DateTimeOffset CompletedAt,
    TimeSpan Duration,
    IReadOnlyList<SourceReport> Sources,
    MetricsSnapshot Merged,
    IReadOnlyList<MergeConflict> Conflicts);
