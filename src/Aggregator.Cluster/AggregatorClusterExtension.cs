using Akka.Actor;
using Aggregator.Actors;
using Aggregator.Actors.Protocol;
using Aggregator.Cluster.Collection;
using Aggregator.Cluster.Protocol;
using Aggregator.Cluster.Serialization;

namespace Aggregator.Cluster;

/// <summary>
/// Cluster-wide collection on one node: the cluster collector (a system actor,
/// <c>/system/aggregator-cluster-collector</c>) that merges every selected member's node collection. Starts the node
/// extension too. Every member must run Aggregator (its node collector answers the cluster collectors).
/// </summary>
public sealed class AggregatorClusterExtension : IExtension
{
    /// <summary>The name of the cluster collector actor.</summary>
    public const string ClusterCollectorName = "aggregator-cluster-collector";

    // Extra time the asker waits beyond the collection timeout, so that the partial result arrives before it gives up.
    private static readonly TimeSpan ReplyMargin = TimeSpan.FromSeconds(1);

    /// <summary>Creates the extension; use <see cref="Get(ActorSystem)"/> instead.</summary>
    public AggregatorClusterExtension(ExtendedActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        EnsureSerializer(system);
        Node = AggregatorExtension.Get(system);
        Settings = AggregatorClusterSettings.Create(system);
        ClusterCollector = system.SystemActorOf(ClusterCollectorActor.Props(Settings, Node.NodeCollector), ClusterCollectorName);
        if (Node.Settings.Collectors.Cluster)
        {
            ClusterStateCollector.Register(Node.Shared, Akka.Cluster.Cluster.Get(system));
        }
    }

    /// <summary>This node's Aggregator.</summary>
    public AggregatorExtension Node { get; }

    /// <summary>The <c>aggregator.cluster</c> settings.</summary>
    public AggregatorClusterSettings Settings { get; }

    /// <summary>The cluster collector.</summary>
    public IActorRef ClusterCollector { get; }

    /// <summary>Gets (starting on first use) the extension of <paramref name="system"/>.</summary>
    public static AggregatorClusterExtension Get(ActorSystem system) =>
        system.WithExtension<AggregatorClusterExtension, AggregatorClusterExtensionProvider>();

    /// <summary>Collects and merges the selected nodes' selected workers (configured selections when null).</summary>
    public Task<ClusterCollectorProtocol.CollectReply> CollectAsync(
        NodeSelection? nodes = null,
        WorkerSelection? workers = null,
        TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        var wait = timeout ?? Settings.CollectionTimeout;
        return ClusterCollector.Ask<ClusterCollectorProtocol.CollectReply>(
            new ClusterCollectorProtocol.Collect(nodes ?? Settings.Nodes, workers ?? Node.Settings.Workers, wait),
            wait + ReplyMargin,
            cancellationToken);
    }

    /// <summary>
    /// Binds the serializer at run time when the configuration did not, so that the node collector's messages never
    /// fall back to the default JSON serializer. The bindings go into the configuration as a top-level fallback: every
    /// <c>InjectTopLevelFallback</c> (ours in <see cref="AggregatorExtension"/>, other extensions') rebuilds
    /// <c>system.Serialization</c> from the configuration, discarding serializers added to the old instance directly.
    /// </summary>
    private static void EnsureSerializer(ExtendedActorSystem system)
    {
        if (system.Serialization.FindSerializerForType(typeof(NodeCollectorProtocol.CollectReply)) is AggregatorSerializer)
        {
            return;
        }

        system.Settings.InjectTopLevelFallback(AggregatorClusterSettings.DefaultConfig());
    }
}
