using Akka.Actor;
using Aggregator.Actors;
using Aggregator.Metrics;

namespace Aggregator.Cluster.Protocol;

/// <summary>
/// Internal messages between a cluster collector and the changes endpoint of each node it asks (replies of changes:
/// see <c>ChangesCodec</c>). Not part of the public protocol; they cross nodes, bound to the Aggregator serializer.
/// </summary>
internal static class ChangesProtocol
{
    /// <summary>
    /// Asks a node for its merge of <paramref name="Workers"/> and <paramref name="Families"/> within
    /// <paramref name="Timeout"/>, as changes since reply <paramref name="BaseSequence"/> of this asker's
    /// <paramref name="Session"/> (0: none), in chunks sent to <paramref name="ReplyTo"/> under <paramref name="Exchange"/>.
    /// </summary>
    public sealed record CollectChanges(long Exchange, long Session, long BaseSequence, WorkerSelection Workers, FamilyFilter Families, TimeSpan Timeout, IActorRef ReplyTo);

    /// <summary>
    /// Part <paramref name="Index"/> of <paramref name="Count"/> of the reply to <paramref name="Exchange"/>;
    /// <paramref name="Exemplars"/> when the reply carries exemplars (sent under a newer manifest).
    /// </summary>
    public sealed record ChangesChunk(long Exchange, int Index, int Count, byte[] Bytes, bool Exemplars = false);
}
