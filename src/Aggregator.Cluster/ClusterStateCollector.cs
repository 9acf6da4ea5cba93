using Akka.Cluster;
using Aggregator.Metrics;

namespace Aggregator.Cluster;

/// <summary>
/// Akka cluster membership as this node sees it, read at collection time: <c>akka_cluster_members{status}</c>,
/// <c>akka_cluster_unreachable_members</c>, and <c>akka_cluster_self_status{node,status}</c> (one series of value 1 per
/// node, naming its current status). Gauges merge by max across nodes; the self status stays one series per node.
/// </summary>
public static class ClusterStateCollector
{
    /// <summary>The name it registers under in <see cref="MetricRegistry.AddCollector"/>.</summary>
    public const string Name = "akka_cluster";

    private static readonly MetricDefinition Members = new(MetricType.Gauge, "akka_cluster_members", "Cluster members by status, as this node sees them.", ["status"]);
    private static readonly MetricDefinition Unreachable = new(MetricType.Gauge, "akka_cluster_unreachable_members", "Members this node sees as unreachable.");
    private static readonly MetricDefinition SelfStatus = new(
        MetricType.Gauge,
        "akka_cluster_self_status",
        "A node's own membership status, as a label of a series of value 1.",
        ["node", "status"]);

    /// <summary>Adds the collector for <paramref name="cluster"/> to <paramref name="registry"/>.</summary>
    public static void Register(MetricRegistry registry, Akka.Cluster.Cluster cluster)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(cluster);
        registry.AddCollector(Name, () => Collect(cluster.State, cluster.SelfAddress.ToString(), cluster.SelfMember.Status));
    }

    /// <summary>The families for a membership state.</summary>
    public static IEnumerable<MetricFamilySnapshot> Collect(ClusterEvent.CurrentClusterState state, string selfAddress, MemberStatus self)
    {
        ArgumentNullException.ThrowIfNull(state);
        var statuses = Enum.GetValues<MemberStatus>();
        var counts = statuses.Select(s => SeriesSnapshot.ForValue([Label(s)], state.Members.Count(m => m.Status == s))).ToArray();
        return
        [
            new MetricFamilySnapshot(Members, counts),
            new MetricFamilySnapshot(Unreachable, [SeriesSnapshot.ForValue([], state.Unreachable.Count)]),
            new MetricFamilySnapshot(SelfStatus, [SeriesSnapshot.ForValue([selfAddress, Label(self)], 1)]),
        ];
    }

    private static string Label(MemberStatus status) => status.ToString().ToLowerInvariant();
}
