using Akka.Actor;
using Aggregator.Metrics;

namespace Aggregator.Actors.Protocol;

/// <summary>The messages of the node collector: between it and its workers, and between it and whoever asks it.</summary>
public static class NodeCollectorProtocol
{
    /// <summary>A worker tells the collector it exists (again, after a restart); the collector watches it.</summary>
    public sealed record RegisterWorker(IActorRef Worker);

    /// <summary>
    /// A worker is stopping or restarting: <paramref name="FinalSnapshot"/> is what its registry held last, retained by
    /// the merge so that merged counters never go down.
    /// </summary>
    public sealed record WorkerRetired(IActorRef Worker, MetricsSnapshot FinalSnapshot, bool Restarting);

    /// <summary>
    /// The collector asks a worker for a snapshot of the families <paramref name="Families"/> selects in its registry
    /// (null: every family).
    /// </summary>
    public sealed record CollectSnapshot(long RequestId, FamilyFilter? Families = null);

    /// <summary>A worker's answer to <see cref="CollectSnapshot"/>, carrying the request id it answers.</summary>
    public sealed record CollectSnapshotReply(long RequestId, MetricsSnapshot Snapshot);

    /// <summary>
    /// Asks the collector for the merge of the selected workers, the shared registry and the custom collectors, waiting at
    /// most <paramref name="Timeout"/> for the workers (null: the configured collection timeout), with only the families
    /// <paramref name="Families"/> selects (null: every family), which the workers are asked for alone.
    /// </summary>
    public sealed record Collect(WorkerSelection Selection, TimeSpan? Timeout = null, FamilyFilter? Families = null);

    /// <summary>The merged snapshot, with the sources that answered and those that did not.</summary>
    public sealed record CollectReply(MetricsSnapshot Snapshot, IReadOnlyList<string> Answered, IReadOnlyList<string> Missing);
}
