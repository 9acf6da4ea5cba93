using Akka.Actor;

namespace Aggregator.Actors;

/// <summary>Creates the <see cref="AggregatorExtension"/> of an actor system.</summary>
public sealed class AggregatorExtensionProvider : ExtensionIdProvider<AggregatorExtension>
{
    /// <inheritdoc />
    public override AggregatorExtension CreateExtension(ExtendedActorSystem system) => new(system);
}
