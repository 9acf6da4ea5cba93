using Akka.Actor;
using Akka.Event;
using Aggregator.Actors.Protocol;
using Aggregator.Metrics;
using Aggregator.Metrics.Merging;

namespace Aggregator.Actors.Collection;

/// <summary>
/// Knows the node's workers (they register; it watches them), asks the selected ones for snapshots under the
/// collection timeout, and merges what arrived with the shared registry, the custom collectors and the folded totals of
/// retired workers (one per parent path, see <see cref="MergeEngine"/>). Concurrent requests for the same selection
/// join the collection in flight.
/// </summary>
internal sealed class NodeCollectorActor : FanOutCollector<NodeCollectorActor.CollectionKey>
{
    private const string WorkerLevel = "worker";
    private const string NodeLevel = "node";

    // The group of the workers whose parents come after the configured bound: only every-worker selections cover it.
    private const string AnyPathGroup = "";

    private readonly AggregatorExtension _extension;
    private readonly MergeEngine _engine;
    private readonly Dictionary<IActorRef, string> _workers = [];

    // The shared registry's last unfiltered snapshot, whose unchanged families the next collection hands back as is.
    private MetricsSnapshot? _lastShared;

    public NodeCollectorActor(AggregatorExtension extension)
        : base(extension.Settings.CollectionTimeout)
    {
        _extension = extension;
        var log = Context.GetLogger();
        // Workers allocate their labels on many threads over their lives: the node lays its merge's out in order.
        _engine = new MergeEngine(WorkerLevel, conflict => log.Warning("{0}", conflict), extension.Settings.SelectionCacheSize, copyLabels: true);

        Receive<NodeCollectorProtocol.RegisterWorker>(r => Register(r.Worker));
        Receive<NodeCollectorProtocol.WorkerRetired>(OnRetired);
        Receive<Terminated>(t => OnTerminated(t.ActorRef));

        // Workers answer this actor directly, under the request id; an answer from an actor no longer known is dropped.
        Receive<NodeCollectorProtocol.CollectSnapshotReply>(r =>
        {
            if (_workers.TryGetValue(Sender, out var path))
            {
                Answered(r.RequestId, path, r.Snapshot);
            }
        });
        Receive<NodeCollectorProtocol.Collect>(c =>
        {
            var families = c.Families ?? FamilyFilter.All;
            StartOrJoin(
                new CollectionKey(c.Selection, families),
                Sender,
                () => [.. _workers.Where(w => c.Selection.Matches(w.Value)).Select(w => Target(w.Key, w.Value, families))],
                c.Timeout ?? _extension.Settings.CollectionTimeout,
                c);
        });
    }

    public static Props Props(AggregatorExtension extension) => Akka.Actor.Props.Create(() => new NodeCollectorActor(extension)).WithDispatcher(AggregatorExtension.DispatcherId);

    protected override object Complete(CompletedCollection completed)
    {
        var request = (NodeCollectorProtocol.Collect)completed.Request;
        var selection = request.Selection;
        var families = request.Families ?? FamilyFilter.All;
        var sources = completed.Answered
            .Select(a => new MergeSource(a.Target.MergeName, a.Snapshot, WorkerLevel))
            .Append(new MergeSource("shared", CollectShared(families), WorkerLevel))
            .ToArray();
        var answered = completed.Answered.Select(a => a.Target.ReportName).ToArray();
        var missing = completed.Missing.Select(m => m.ReportName).ToArray();

        // The node's own metrics join the merge's walk over the families; they read the engine's counts for this merge.
        var merged = _engine.Merge(sources, completed.Missing.Select(m => m.MergeName), selection.IsAll ? null : selection, families, () => SelfMetrics(completed, answered, missing));
        if (families.IsAll && selection.Equals(_extension.Settings.Workers))
        {
            _extension.Reports.Record(WorkerLevel, completed, merged, name => _engine.LastAnswer(name) is not null);
        }

        return new NodeCollectorProtocol.CollectReply(merged.Snapshot, answered, missing);
    }

    private MetricsSnapshot SelfMetrics(CompletedCollection completed, string[] answered, string[] missing)
    {
        var self = AggregatorSelfMetrics.Snapshot(WorkerLevel, NodeLevel, answered, missing, completed.Elapsed.TotalSeconds, _engine);
        if (!_extension.Reports.Enabled)
        {
            return self;
        }

        // For the status page of whichever node serves the cluster: this node's workers' answer times and sizes.
        return SnapshotMerger.Combine(self, AggregatorSelfMetrics.SourceDetails(
            WorkerLevel,
            completed.Answered.Select(a => (a.Target.ReportName, a.AnsweredAfter.TotalSeconds, a.Snapshot.Families.Sum(f => f.Series.Count)))));
    }

    private MetricsSnapshot CollectShared(FamilyFilter families)
    {
        var snapshot = _extension.Shared.Collect(families, _lastShared);
        if (families.IsAll)
        {
            _lastShared = snapshot;
        }

        return snapshot;
    }

    private FanOutTarget Target(IActorRef worker, string path, FamilyFilter families) =>
        new(path, _extension.SourceName(worker), Ask: null)
        {
            Send = (id, self) => worker.Tell(new NodeCollectorProtocol.CollectSnapshot(id, families.IsAll ? null : families), self),
        };

    private void Register(IActorRef worker)
    {
        if (_workers.TryAdd(worker, worker.Path.ToStringWithoutAddress()))
        {
            Context.Watch(worker);
        }
    }

    private void OnRetired(NodeCollectorProtocol.WorkerRetired retired)
    {
        var path = retired.Worker.Path.ToStringWithoutAddress();
        if (retired.Restarting)
        {
            _engine.Restarted(path, retired.FinalSnapshot);
        }
        else
        {
            _engine.Retire(path, Group(path), retired.FinalSnapshot);
            if (_workers.Remove(retired.Worker))
            {
                Context.Unwatch(retired.Worker);
            }
        }
    }

    private void OnTerminated(IActorRef worker)
    {
        // A worker that stopped without saying so (it was killed): keep what it last answered.
        if (_workers.Remove(worker, out var path))
        {
            _engine.Retire(path, Group(path));
        }
    }

    // Stopped workers fold per parent: per-request actors and passivated entities share a handful of parents, so the
    // totals stay as many as the parents, whatever the number of actors that ever lived.
    private string Group(string path)
    {
        var parent = path[..Math.Max(0, path.LastIndexOf('/'))];
        return _engine.RetiredGroups.Count < _extension.Settings.MaxRetiredGroups || _engine.GroupTotals(parent) is not null
            ? parent
            : AnyPathGroup;
    }

    /// <summary>
    /// What collections are shared by: the worker selection and the family filter, compared exactly (no delimiter can
    /// make two different requests equal).
    /// </summary>
    internal sealed record CollectionKey(WorkerSelection Workers, FamilyFilter Families);
}
