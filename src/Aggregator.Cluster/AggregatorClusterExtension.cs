using Akka;
using Akka.Actor;
using Aggregator.Actors;
using Aggregator.Actors.Protocol;
using Aggregator.Cluster.Collection;
using Aggregator.Cluster.Protocol;
using Aggregator.Metrics;
using Aggregator.Cluster.Serialization;
using Aggregator.Metrics.Merging;
using Akka.DistributedData;
using Akka.Event;

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

    // The final totals must reach every member before this one leaves; the cluster-leave phase allows 10 s by default.
    private static readonly TimeSpan FinalWriteTimeout = TimeSpan.FromSeconds(3);

    /// <summary>Creates the extension; use <see cref="Get(ActorSystem)"/> instead.</summary>
    public AggregatorClusterExtension(ExtendedActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        EnsureSerializer(system);
        Node = AggregatorExtension.Get(system);
        Settings = AggregatorClusterSettings.Create(system);
        ClusterCollector = system.SystemActorOf(ClusterCollectorActor.Props(Settings, Node.NodeCollector), ClusterCollectorName);
        system.SystemActorOf(ChangesEndpointActor.Props(Node.NodeCollector, Settings.ReplyChunkSize), ChangesEndpointActor.Name);
        if (Node.Settings.Collectors.Cluster)
        {
            ClusterStateCollector.Register(Node.Shared, Akka.Cluster.Cluster.Get(system));
        }

        CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseBeforeClusterShutdown, "aggregator-final-totals", () => WriteFinalTotalsAsync(system));
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
        CancellationToken cancellationToken = default) => CollectAsync(nodes, workers, timeout, null, cancellationToken);

    /// <summary>
    /// Collects and merges the selected members, keeping only the families <paramref name="families"/> selects: the
    /// filter travels to every member and worker, which gather, merge and send those alone.
    /// </summary>
    public Task<ClusterCollectorProtocol.CollectReply> CollectAsync(
        NodeSelection? nodes,
        WorkerSelection? workers,
        TimeSpan? timeout,
        FamilyFilter? families,
        CancellationToken cancellationToken = default)
    {
        var wait = timeout ?? Settings.CollectionTimeout;
        return ClusterCollector.Ask<ClusterCollectorProtocol.CollectReply>(
            new ClusterCollectorProtocol.Collect(nodes ?? Settings.Nodes, workers ?? Node.Settings.Workers, wait, families),
            wait + ReplyMargin,
            cancellationToken);
    }

    /// <summary>
    /// On the way out, this member's own final counters go to every member (WriteAll) before it leaves, so that a member
    /// that joins or restarts next reads them with its first majority read, and no total drops after a rolling restart.
    /// </summary>
    private async Task<Done> WriteFinalTotalsAsync(ExtendedActorSystem system)
    {
        var cluster = Akka.Cluster.Cluster.Get(system);
        if (cluster.SelfMember.Status is not (Akka.Cluster.MemberStatus.Up or Akka.Cluster.MemberStatus.Leaving))
        {
            return Done.Instance;
        }

        try
        {
            var reply = await Node.NodeCollector.Ask<NodeCollectorProtocol.CollectReply>(
                new NodeCollectorProtocol.Collect(WorkerSelection.All, Node.Settings.CollectionTimeout),
                Node.Settings.CollectionTimeout + ReplyMargin).ConfigureAwait(false);
            var self = DepartedLedger.Incarnation(cluster.SelfUniqueAddress);
            var entry = DepartedLedger.EncodeDeparted(cluster.SelfAddress, cluster.SelfRoles, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), MergeEngine.MonotonicPart(reply.Snapshot));
            await DistributedData.Get(system).Replicator.Ask<IUpdateResponse>(
                Dsl.Update(DepartedLedger.Key, LWWDictionary<string, byte[]>.Empty, new WriteAll(FinalWriteTimeout), d => d.SetItem(cluster, DepartedLedger.EntryKey(self, self), entry)),
                FinalWriteTimeout + ReplyMargin).ConfigureAwait(false);
        }
        catch (Exception error) when (error is AskTimeoutException or TimeoutException)
        {
            system.Log.Warning("Aggregator could not replicate this member's final totals before leaving: {0}", error.Message);
        }

        return Done.Instance;
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
