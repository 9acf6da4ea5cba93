using Akka.Actor;
using Akka.Event;
using Aggregator.Actors;
using Aggregator.Actors.Protocol;
using Aggregator.Cluster.Protocol;
using Aggregator.Cluster.Serialization;
using Aggregator.Metrics;

namespace Aggregator.Cluster.Collection;

/// <summary>
/// A node's side of replies of changes: asks this node's collector for the merge a cluster collector wants, encodes it
/// as changes since the last reply that asker decoded (<see cref="ChangesCodec"/>), and sends it back in chunks, so
/// that no reply meets the remote frame size however many series the node holds. It keeps one encoder per asker
/// session and selection, the least recently used dropped beyond <see cref="MaxEncoders"/>: a dropped one only costs
/// its asker a full reply.
/// </summary>
internal sealed class ChangesEndpointActor : ReceiveActor
{
    /// <summary>The endpoint's name under /system.</summary>
    public const string Name = "aggregator-changes";

    // Askers (cluster collectors of other members, one session each) times the selections they ask: a few per member.
    private const int MaxEncoders = 64;

    // The node collector answers by the request's timeout; this much longer, its partial answer still arrives.
    private static readonly TimeSpan ReplyMargin = TimeSpan.FromSeconds(1);

    private readonly IActorRef _nodeCollector;
    private readonly int _chunkSize;
    private readonly ILoggingAdapter _log;
    private readonly Dictionary<(long Session, WorkerSelection Workers, FamilyFilter Families), LinkedListNode<Entry>> _encoders = [];
    private readonly LinkedList<Entry> _recency = new();

    public ChangesEndpointActor(IActorRef nodeCollector, int chunkSize)
    {
        _nodeCollector = nodeCollector;
        _chunkSize = chunkSize;
        _log = Context.GetLogger();
        Receive<ChangesProtocol.CollectChanges>(Collect);
        Receive<Collected>(Send);
        Receive<Status.Failure>(f => _log.Debug("A collection for a reply of changes failed: {0}", f.Cause.Message));
    }

    /// <summary>How many encoders the endpoint holds (at most <see cref="MaxEncoders"/>).</summary>
    internal int Encoders => _encoders.Count;

    public static Props Props(IActorRef nodeCollector, int chunkSize) =>
        Akka.Actor.Props.Create(() => new ChangesEndpointActor(nodeCollector, chunkSize)).WithDispatcher(AggregatorExtension.DispatcherId);

    private void Collect(ChangesProtocol.CollectChanges request)
    {
        var families = request.Families.IsAll ? null : request.Families;
        _nodeCollector
            .Ask<NodeCollectorProtocol.CollectReply>(new NodeCollectorProtocol.Collect(request.Workers, request.Timeout, families), request.Timeout + ReplyMargin)
            .PipeTo(Self, success: reply => new Collected(request, reply));
    }

    private void Send(Collected collected)
    {
        var (request, reply) = (collected.Request, collected.Reply);
        var bytes = Encoder((request.Session, request.Workers, request.Families)).Encode(request.BaseSequence, reply.Answered, reply.Missing, reply.Snapshot);
        var count = Math.Max(1, (bytes.Length + _chunkSize - 1) / _chunkSize);

        // A reply with exemplars goes under a newer manifest, which a node one version older refuses rather than misreads.
        var exemplars = Serialization.ExemplarCodec.Any(reply.Snapshot);
        for (var i = 0; i < count; i++)
        {
            var offset = i * _chunkSize;
            var chunk = bytes.AsSpan(offset, Math.Min(_chunkSize, bytes.Length - offset)).ToArray();
            request.ReplyTo.Tell(new ChangesProtocol.ChangesChunk(request.Exchange, i, count, chunk, exemplars), Self);
        }
    }

    private ChangesCodec.Encoder Encoder((long Session, WorkerSelection Workers, FamilyFilter Families) key)
    {
        if (_encoders.TryGetValue(key, out var node))
        {
            _recency.Remove(node);
            _recency.AddFirst(node);
            return node.Value.Encoder;
        }

        if (_encoders.Count >= MaxEncoders)
        {
            var oldest = _recency.Last!;
            _recency.RemoveLast();
            _encoders.Remove(oldest.Value.Key);
        }

        node = _recency.AddFirst(new Entry(key, new ChangesCodec.Encoder()));
        _encoders[key] = node;
        return node.Value.Encoder;
    }

    private sealed record Entry((long Session, WorkerSelection Workers, FamilyFilter Families) Key, ChangesCodec.Encoder Encoder);

    private sealed record Collected(ChangesProtocol.CollectChanges Request, NodeCollectorProtocol.CollectReply Reply);
}
