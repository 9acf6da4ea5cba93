using Aggregator.Actors;
using Aggregator.Metrics;

namespace Aggregator.Cluster.Protocol;

/// <summary>The messages of the cluster collector (local to each node: it is asked by that node's endpoint).</summary>
public static class ClusterCollectorProtocol
{
    /// <summary>
    /// Asks for the merge of the selected nodes (each merging its selected workers), waiting at most
    /// <paramref name="Timeout"/> (null: the configured cluster collection timeout), with only the families
    /// <paramref name="Families"/> selects (null: every family): the filter travels to every node and worker.
    /// </summary>
    public sealed record Collect(NodeSelection Nodes, WorkerSelection Workers, TimeSpan? Timeout = null, FamilyFilter? Families = null);

    /// <summary>The cluster-wide merged snapshot, with the nodes that answered and those that did not.</summary>
    public sealed record CollectReply(MetricsSnapshot Snapshot, IReadOnlyList<string> Answered, IReadOnlyList<string> Missing);
}
