using Akka.Actor;

namespace Aggregator.Cluster;

/// <summary>Creates the <see cref="AggregatorClusterExtension"/> of an actor system.</summary>
public sealed class AggregatorClusterExtensionProvider : ExtensionIdProvider<AggregatorClusterExtension>
{
    /// <inheritdoc />
    public override AggregatorClusterExtension CreateExtension(ExtendedActorSystem system) => new(system);
}
