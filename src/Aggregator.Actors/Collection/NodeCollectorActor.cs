using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using Aggregator.Actors.Protocol;
using Aggregator.Metrics;
using Aggregator.Metrics.Merging;

namespace Aggregator.Actors.Collection;

/// <summary>
/// Knows the node's workers (they register; it watches them), asks the selected ones for snapshots under the
/// collection timeout, and merges what arrived with the shared registry, the custom collectors and the retained past
/// of retired workers. Concurrent requests for the same selection join the collection in flight.
/// </summary>
internal sealed class NodeCollectorActor : ReceiveActor
{
    private const string WorkerLevel = "worker";
    private const string NodeLevel = "node";

    private readonly AggregatorExtension _extension;
    private readonly MergeEngine _engine;
    private readonly Dictionary<IActorRef, string> _workers = [];
    private readonly Dictionary<string, Collection> _inFlight = new(StringComparer.Ordinal);
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private long _nextRequestId;

    public NodeCollectorActor(AggregatorExtension extension)
    {
        _extension = extension;
        _engine = new MergeEngine("worker", conflict => _log.Warning("{0}", conflict));

        Receive<NodeCollectorProtocol.RegisterWorker>(r => Register(r.Worker));
        Receive<NodeCollectorProtocol.WorkerRetired>(OnRetired);
        Receive<Terminated>(t => OnTerminated(t.ActorRef));
        Receive<NodeCollectorProtocol.Collect>(OnCollect);
        Receive<WorkerAnswered>(OnAnswered);
        Receive<WorkerFailed>(OnFailed);
        Receive<CollectionTimedOut>(t => Finish(t.RequestId));
    }

    public static Props Props(AggregatorExtension extension) => Akka.Actor.Props.Create(() => new NodeCollectorActor(extension));

    private void Register(IActorRef worker)
    {
        if (_workers.TryAdd(worker, worker.Path.ToStringWithoutAddress()))
        {
            Context.Watch(worker);
        }
    }

    private void OnRetired(NodeCollectorProtocol.WorkerRetired retired)
    {
        var source = retired.Worker.Path.ToStringWithoutAddress();
        _engine.Retire(source, retired.FinalSnapshot);
        if (!retired.Restarting && _workers.Remove(retired.Worker))
        {
            Context.Unwatch(retired.Worker);
        }
    }

    private void OnTerminated(IActorRef worker)
    {
        // A worker that stopped without saying so (it was killed): keep what it last answered.
        if (_workers.Remove(worker, out var source))
        {
            _engine.Retire(source);
        }
    }

    private void OnCollect(NodeCollectorProtocol.Collect collect)
    {
        var key = collect.Selection.Key;
        if (_inFlight.TryGetValue(key, out var running))
        {
            running.Waiters.Add(Sender);
            return;
        }

        var id = ++_nextRequestId;
        var collection = new Collection(id, collect.Selection, Sender);
        foreach (var (worker, path) in _workers)
        {
            if (collect.Selection.Matches(path))
            {
                collection.Pending[worker] = path;
            }
        }

        _inFlight[key] = collection;
        if (collection.Pending.Count == 0)
        {
            Finish(id);
            return;
        }

        var timeout = collect.Timeout ?? _extension.Settings.CollectionTimeout;
        var self = Self;
        foreach (var worker in collection.Pending.Keys)
        {
            worker.Ask<NodeCollectorProtocol.CollectSnapshotReply>(new NodeCollectorProtocol.CollectSnapshot(id), timeout)
                .PipeTo(self, success: reply => new WorkerAnswered(worker, reply), failure: _ => new WorkerFailed(id, worker));
        }

        collection.Timer = Context.System.Scheduler.ScheduleTellOnceCancelable(timeout, Self, new CollectionTimedOut(id), Self);
    }

    private void OnAnswered(WorkerAnswered answered)
    {
        // A reply for a collection that already finished is late: discarded, never merged into a later one.
        if (Find(answered.Reply.RequestId) is not { } collection || !collection.Pending.Remove(answered.Worker, out var path))
        {
            return;
        }

        collection.Answered.Add(new MergeSource(path, answered.Reply.Snapshot, WorkerLevel));
        collection.AnsweredNames.Add(_extension.SourceName(answered.Worker));
        FinishIfComplete(collection);
    }

    private void OnFailed(WorkerFailed failed)
    {
        // The worker stays pending, so it is reported missing; the collection need not wait for it any longer.
        if (Find(failed.RequestId) is { } collection && collection.Pending.ContainsKey(failed.Worker))
        {
            collection.Failed.Add(failed.Worker);
            FinishIfComplete(collection);
        }
    }

    private void FinishIfComplete(Collection collection)
    {
        if (collection.Pending.Count == collection.Failed.Count)
        {
            Finish(collection.RequestId);
        }
    }

    private void Finish(long requestId)
    {
        if (Find(requestId) is not { } collection)
        {
            return;
        }

        _inFlight.Remove(collection.Selection.Key);
        collection.Timer?.Cancel();

        var missingPaths = collection.Pending.Values.ToArray();
        var missingNames = collection.Pending.Keys.Select(_extension.SourceName).ToArray();
        var sources = new List<MergeSource>(collection.Answered)
        {
            new("shared", _extension.Shared.Collect(), WorkerLevel),
        };
        var selection = collection.Selection;
        var merged = _engine.Merge(sources, missingPaths, selection.Matches);

        var self = AggregatorSelfMetrics.Snapshot(WorkerLevel, NodeLevel, collection.AnsweredNames, missingNames, collection.Clock.Elapsed.TotalSeconds);
        var reply = new NodeCollectorProtocol.CollectReply(SnapshotMerger.Combine(merged.Snapshot, self), collection.AnsweredNames, missingNames);
        foreach (var waiter in collection.Waiters)
        {
            waiter.Tell(reply);
        }
    }

    private Collection? Find(long requestId)
    {
        foreach (var collection in _inFlight.Values)
        {
            if (collection.RequestId == requestId)
            {
                return collection;
            }
        }

        return null;
    }

    private sealed record WorkerAnswered(IActorRef Worker, NodeCollectorProtocol.CollectSnapshotReply Reply);

    private sealed record WorkerFailed(long RequestId, IActorRef Worker);

    private sealed record CollectionTimedOut(long RequestId);

    private sealed class Collection(long requestId, WorkerSelection selection, IActorRef firstWaiter)
    {
        public long RequestId { get; } = requestId;

        public WorkerSelection Selection { get; } = selection;

        public List<IActorRef> Waiters { get; } = [firstWaiter];

        public Dictionary<IActorRef, string> Pending { get; } = [];

        public List<MergeSource> Answered { get; } = [];

        public List<string> AnsweredNames { get; } = [];

        public HashSet<IActorRef> Failed { get; } = [];

        public Stopwatch Clock { get; } = Stopwatch.StartNew();

        public ICancelable? Timer { get; set; }
    }
}
