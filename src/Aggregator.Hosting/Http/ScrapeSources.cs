using Akka.Actor;
using Akka.Cluster;

namespace Aggregator.Hosting.Http;

/// <summary>Picks what an endpoint serves when the caller does not say.</summary>
public static class ScrapeSources
{
    /// <summary>The whole cluster for a cluster member, this node otherwise.</summary>
    public static IScrapeSource Default(ActorSystem system) =>
        IsClusterMember(system) ? new ClusterScrapeSource(system) : new NodeScrapeSource(system);

    /// <summary>Whether <paramref name="system"/> runs the cluster actor-ref provider.</summary>
    public static bool IsClusterMember(ActorSystem system) =>
        system is ExtendedActorSystem extended && extended.Provider is IClusterActorRefProvider;
}
