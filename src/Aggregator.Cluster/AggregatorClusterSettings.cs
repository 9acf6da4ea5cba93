using Akka.Actor;
using Akka.Configuration;

namespace Aggregator.Cluster;

/// <summary>The <c>aggregator.cluster</c> settings (defaults in the embedded reference.conf). Immutable.</summary>
public sealed record AggregatorClusterSettings
{
    /// <summary>How long a cluster-wide collection waits for nodes (default 4 s).</summary>
    public TimeSpan CollectionTimeout { get; init; } = TimeSpan.FromSeconds(4);

    /// <summary>The nodes a collection asks when a request names none (default: every node).</summary>
    public NodeSelection Nodes { get; init; } = NodeSelection.All;

    /// <summary>
    /// The HOCON defaults, including the serializer bindings; give it as a fallback to a plain
    /// <c>ActorSystem.Create</c> (Akka.Hosting's WithMetricsAggregator adds it for you).
    /// </summary>
    public static Config DefaultConfig() =>
        ConfigurationFactory.FromResource<AggregatorClusterSettings>("Aggregator.Cluster.reference.conf");

    /// <summary>Reads the settings of <paramref name="system"/>.</summary>
    public static AggregatorClusterSettings Create(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        var config = system.Settings.Config.WithFallback(DefaultConfig()).GetConfig("aggregator.cluster");
        var timeout = config.GetTimeSpan("collection-timeout");
        if (timeout <= TimeSpan.Zero)
        {
            throw new ConfigurationException($"aggregator.cluster.collection-timeout must be positive, not {timeout}.");
        }

        return new AggregatorClusterSettings
        {
            CollectionTimeout = timeout,
            Nodes = new NodeSelection(config.GetStringList("roles"), config.GetStringList("nodes")),
        };
    }
}
