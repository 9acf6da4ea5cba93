using Akka.Actor;
using Akka.Event;
using Aggregator.Actors;
using Aggregator.Actors.Collection;
using Aggregator.Actors.Protocol;
using Aggregator.Cluster.Protocol;
using Aggregator.Metrics;
using Aggregator.Metrics.Merging;
using static Akka.Cluster.ClusterEvent;

namespace Aggregator.Cluster.Collection;

/// <summary>
/// Follows the cluster's membership and, per collection, asks the node collector of every selected member (on that
/// member) under the cluster timeout. Members that are unreachable, leaving or exiting are not asked and count as
/// missing, contributing their last counters; removed members are retired, so cluster-wide counters never go down
/// while this node lives.
/// </summary>
internal sealed class ClusterCollectorActor : FanOutCollector<ClusterSelection>
{
    private const string NodeLevel = "node";
    private const string ClusterLevel = "cluster";

    // The share of the cluster timeout each node gets for its own workers, so that its partial answer arrives in time.
    private const double NodeTimeoutShare = 0.8;

    private readonly AggregatorClusterSettings _settings;
    private readonly Akka.Cluster.Cluster _cluster;
    private readonly IActorRef _localNodeCollector;
    private readonly ILoggingAdapter _log;

    // One engine per worker selection: a node's answer (and so its last counters, retained when it goes) depends on
    // which of its workers were asked, so the past of one selection must never stand in for another's.
    private readonly Dictionary<WorkerSelection, MergeEngine> _engines = [];
    private readonly Dictionary<Address, Akka.Cluster.Member> _members = [];
    private readonly HashSet<Address> _unreachable = [];

    // Removed members by address, so that a selection by role still knows the roles of the nodes whose past it retains.
    private readonly Dictionary<string, Akka.Cluster.Member> _removed = new(StringComparer.Ordinal);

    public ClusterCollectorActor(AggregatorClusterSettings settings, IActorRef localNodeCollector)
        : base(settings.CollectionTimeout)
    {
        _settings = settings;
        _localNodeCollector = localNodeCollector;
        _cluster = Akka.Cluster.Cluster.Get(Context.System);
        _log = Context.GetLogger();

        Receive<MemberRemoved>(m =>
        {
            _members.Remove(m.Member.Address);
            _unreachable.Remove(m.Member.Address);
            _removed[m.Member.Address.ToString()] = m.Member;
            foreach (var engine in _engines.Values)
            {
                engine.Retire(m.Member.Address.ToString());
            }
        });
        Receive<IMemberEvent>(m => _members[m.Member.Address] = m.Member);
        Receive<UnreachableMember>(m => _unreachable.Add(m.Member.Address));
        Receive<ReachableMember>(m => _unreachable.Remove(m.Member.Address));
        Receive<ClusterCollectorProtocol.Collect>(c =>
            StartOrJoin(new ClusterSelection(c.Nodes, c.Workers), Sender, () => Targets(c), c.Timeout ?? _settings.CollectionTimeout, c));
    }

    public static Props Props(AggregatorClusterSettings settings, IActorRef localNodeCollector) =>
        Akka.Actor.Props.Create(() => new ClusterCollectorActor(settings, localNodeCollector)).WithDispatcher(AggregatorExtension.DispatcherId);

    protected override void PreStart() =>
        _cluster.Subscribe(Self, SubscriptionInitialStateMode.InitialStateAsEvents, typeof(IMemberEvent), typeof(IReachabilityEvent));

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    protected override object Complete(CompletedCollection completed)
    {
        var request = (ClusterCollectorProtocol.Collect)completed.Request;
        var nodes = request.Nodes;
        if (!_engines.TryGetValue(request.Workers, out var engine))
        {
            var log = _log;
            _engines[request.Workers] = engine = new MergeEngine(NodeLevel, conflict => log.Warning("{0}", conflict));
        }

        var sources = completed.Answered.Select(a => new MergeSource(a.Target.MergeName, a.Snapshot, NodeLevel)).ToArray();
        var merged = engine.Merge(
            sources,
            completed.Missing.Select(m => m.MergeName),
            name => _removed.TryGetValue(name, out var removed) ? nodes.Matches(removed.Address, removed.Roles) : nodes.MatchesAddress(name));

        var answered = completed.Answered.Select(a => a.Target.ReportName).ToArray();
        var missing = completed.Missing.Select(m => m.ReportName).ToArray();
        var self = AggregatorSelfMetrics.Snapshot(NodeLevel, ClusterLevel, answered, missing, completed.Elapsed.TotalSeconds);
        return new ClusterCollectorProtocol.CollectReply(SnapshotMerger.Combine(merged.Snapshot, self), answered, missing);
    }

    private List<FanOutTarget> Targets(ClusterCollectorProtocol.Collect collect)
    {
        var targets = new List<FanOutTarget>();
        foreach (var (address, member) in _members)
        {
            if (!collect.Nodes.Matches(address, member.Roles))
            {
                continue;
            }

            var askable = member.Status == Akka.Cluster.MemberStatus.Up && !_unreachable.Contains(address);
            var name = address.ToString();
            targets.Add(new FanOutTarget(name, name, askable ? AskNode(address, collect.Workers) : null));
        }

        return targets;
    }

    private Func<long, TimeSpan, Task<MetricsSnapshot>> AskNode(Address address, WorkerSelection workers)
    {
        var selection = address == _cluster.SelfAddress
            ? null
            : Context.ActorSelection(new RootActorPath(address) / "system" / AggregatorExtension.NodeCollectorName);
        var local = _localNodeCollector;
        return async (_, askTimeout) =>
        {
            // The node's budget follows the collection's asks, not the first requester: a hurried first one must not
            // leave the nodes' answers short for those who join.
            var request = new NodeCollectorProtocol.Collect(workers, askTimeout * NodeTimeoutShare);
            var reply = selection is null
                ? await local.Ask<NodeCollectorProtocol.CollectReply>(request, askTimeout).ConfigureAwait(false)
                : await selection.Ask<NodeCollectorProtocol.CollectReply>(request, askTimeout).ConfigureAwait(false);
            return reply.Snapshot;
        };
    }
}
