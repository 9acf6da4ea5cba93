using Akka.Actor;
using Akka.Cluster;
using Akka.DistributedData;
using Akka.Event;
using Aggregator.Actors;
using Aggregator.Actors.Collection;
using Aggregator.Actors.Protocol;
using Aggregator.Actors.Reports;
using Aggregator.Cluster.Protocol;
using Aggregator.Cluster.Serialization;
using Aggregator.Metrics;
using Aggregator.Metrics.Merging;
using static Akka.Cluster.ClusterEvent;

namespace Aggregator.Cluster.Collection;

/// <summary>
/// Follows the cluster's membership and, per collection, asks the node collector of every selected member (on that
/// member) under the cluster timeout. Members that are unreachable, leaving or exiting are not asked and count as
/// missing, contributing their last counters. A removed member's last counters fold into the total of its incarnation,
/// which every member replicates (<see cref="DepartedLedger"/>), so every member answers with the same cluster-wide
/// totals, including members that joined later or restarted. Until this node has read the replicated totals it answers
/// nothing (<see cref="ClusterStateNotReadyException"/>).
/// </summary>
internal sealed class ClusterCollectorActor : FanOutCollector<ClusterCollectorActor.CollectionKey>, IWithTimers
{
    private const string NodeLevel = "node";
    private const string ClusterLevel = "cluster";

    // The share of the cluster timeout each node gets for its own workers, so that its partial answer arrives in time.
    private const double NodeTimeoutShare = 0.8;

    // How long the first read of the replicated totals waits for a majority before it is tried again.
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(3);

    // Decoders of replies of changes kept at most (members times the selections asked of them); beyond, all are dropped
    // and the next replies come in full.
    private const int MaxDecoders = 256;

    // The most chunks a reply may announce: 4 GiB at the default chunk size. A larger count is corrupt, and allocating
    // a slot per announced chunk must not be a peer's to decide.
    private const int MaxChunks = 4096;

    private readonly AggregatorClusterSettings _settings;
    private readonly Akka.Cluster.Cluster _cluster;
    private readonly IActorRef _localNodeCollector;
    private readonly CollectionReports? _reports;
    private readonly IActorRef _replicator;
    private readonly ILoggingAdapter _log;
    private readonly MergeEngine _engine;
    private readonly string _self;
    private readonly Dictionary<Address, Member> _members = [];
    private readonly HashSet<Address> _unreachable = [];

    // What a selection needs to know of live members (by address) and departed groups (by incarnation or role set).
    private readonly Dictionary<string, MemberInfo> _directory = new(StringComparer.Ordinal);
    private bool _ready;

    // Replies of changes: this collector's session (a new one per incarnation, so nodes never take it for an earlier
    // one), what it decoded last per node and selection, and the exchanges whose chunks are arriving.
    private readonly long _session = Random.Shared.NextInt64(1, long.MaxValue);
    private readonly Dictionary<(Address Node, WorkerSelection Workers, FamilyFilter Families), ChangesCodec.Decoder> _decoders = [];
    private readonly Dictionary<long, Exchange> _exchanges = [];
    private long _nextExchange;

    // The replicated state last read: applied again to a member's group when this node sees it removed, and consulted
    // before asking the replicas to fold.
    private DepartedLedger.Ledger _ledger = DepartedLedger.Ledger.Empty;

    public ITimerScheduler Timers { get; set; } = null!;

    public ClusterCollectorActor(AggregatorClusterSettings settings, IActorRef localNodeCollector, CollectionReports? reports = null)
        : base(settings.CollectionTimeout)
    {
        _settings = settings;
        _localNodeCollector = localNodeCollector;
        _reports = reports;
        _cluster = Akka.Cluster.Cluster.Get(Context.System);
        _replicator = DistributedData.Get(Context.System).Replicator;
        _self = DepartedLedger.Incarnation(_cluster.SelfUniqueAddress);
        _log = Context.GetLogger();
        var log = _log;
        _engine = new MergeEngine(NodeLevel, conflict => log.Warning("{0}", conflict), settings.SelectionCacheSize);

        Receive<MemberRemoved>(m => OnRemoved(m.Member));
        Receive<IMemberEvent>(m =>
        {
            _members[m.Member.Address] = m.Member;
            _directory[m.Member.Address.ToString()] = new MemberInfo(m.Member.Address, m.Member.Roles);
        });
        Receive<UnreachableMember>(m => _unreachable.Add(m.Member.Address));
        Receive<ReachableMember>(m => _unreachable.Remove(m.Member.Address));
        Receive<ReadDeparted>(_ => _replicator.Tell(Dsl.Get(DepartedLedger.Key, new ReadMajority(ReadTimeout))));
        Receive<GetSuccess>(g => Apply(g.Get(DepartedLedger.Key), initialRead: true));
        Receive<NotFound>(_ => Apply(LWWDictionary<string, byte[]>.Empty, initialRead: true));
        Receive<GetFailure>(_ =>
        {
            _log.Warning("Could not read the departed members' totals from a majority within {0}; trying again.", ReadTimeout);
            Timers.StartSingleTimer(ReadDeparted.Instance, ReadDeparted.Instance, TimeSpan.FromSeconds(1));
        });
        Receive<Changed>(c => Apply(c.Get(DepartedLedger.Key), initialRead: false));
        Receive<UpdateSuccess>(_ => { });
        Receive<IUpdateFailure>(f => _log.Warning("Replicating departed members' totals failed: {0}", f));
        Receive<FoldTick>(_ => FoldIfOldest());
        Receive<ChangesProtocol.ChangesChunk>(OnChunk);
        Receive<ExchangeExpired>(e => _exchanges.Remove(e.Exchange));
        Receive<ClusterCollectorProtocol.Collect>(c =>
        {
            if (!_ready)
            {
                Sender.Tell(new Status.Failure(new ClusterStateNotReadyException(
                    $"{_cluster.SelfAddress} has not yet read the departed members' totals from the cluster; its answer would be too low.")));
                return;
            }

            var timeout = c.Timeout ?? _settings.CollectionTimeout;
            var key = new CollectionKey(new ClusterSelection(c.Nodes, c.Workers, _directory.GetValueOrDefault), c.Families ?? FamilyFilter.All);
            StartOrJoin(key, Sender, () => Targets(c, key.Families), timeout, c);
        });
    }

    public static Props Props(AggregatorClusterSettings settings, IActorRef localNodeCollector, CollectionReports? reports = null) =>
        Akka.Actor.Props.Create(() => new ClusterCollectorActor(settings, localNodeCollector, reports)).WithDispatcher(AggregatorExtension.DispatcherId);

    protected override void PreStart()
    {
        _cluster.Subscribe(Self, SubscriptionInitialStateMode.InitialStateAsEvents, typeof(IMemberEvent), typeof(IReachabilityEvent));
        _replicator.Tell(Dsl.Subscribe(DepartedLedger.Key, Self));

        // Read once this member is Up: by then the replicator knows the other members, so a majority means theirs.
        var self = Self;
        _cluster.RegisterOnMemberUp(() => self.Tell(ReadDeparted.Instance));
        var interval = _settings.DepartedRetention < TimeSpan.FromMinutes(4) ? _settings.DepartedRetention / 4 : TimeSpan.FromMinutes(1);
        Timers.StartPeriodicTimer(FoldTick.Instance, FoldTick.Instance, interval);
    }

    protected override void PostStop()
    {
        _cluster.Unsubscribe(Self);
        _replicator.Tell(Dsl.Unsubscribe(DepartedLedger.Key, Self));
    }

    protected override object Complete(CompletedCollection completed)
    {
        var request = (ClusterCollectorProtocol.Collect)completed.Request;
        var selection = request.Nodes.Equals(NodeSelection.All) && request.Workers.IsAll
            ? null
            : new ClusterSelection(request.Nodes, request.Workers, _directory.GetValueOrDefault);
        // A member removed while the collection ran is counted by its departed total now, not by its answer too.
        var sources = completed.Answered
            .Where(a => _directory.GetValueOrDefault(a.Target.MergeName)?.Address is not null)
            .Select(a => new MergeSource(a.Target.MergeName, a.Snapshot, NodeLevel))
            .ToArray();
        var families = request.Families ?? FamilyFilter.All;
        var answered = completed.Answered.Select(a => a.Target.ReportName).ToArray();
        var missing = completed.Missing.Select(m => m.ReportName).ToArray();

        // The cluster's own metrics join the merge's walk over the families; they read the engine's counts for this merge.
        var merged = _engine.Merge(
            sources,
            completed.Missing.Select(m => m.MergeName),
            selection,
            families,
            () => AggregatorSelfMetrics.Snapshot(NodeLevel, ClusterLevel, answered, missing, completed.Elapsed.TotalSeconds, _engine));
        if (families.IsAll && request.Nodes.Equals(_settings.Nodes) && request.Workers.Equals(AggregatorExtension.Get(Context.System).Settings.Workers))
        {
            _reports?.Record(NodeLevel, completed, merged, name => _engine.LastAnswer(name) is not null);
        }

        return new ClusterCollectorProtocol.CollectReply(merged.Snapshot, answered, missing);
    }

    private void OnRemoved(Member member)
    {
        foreach (var key in _decoders.Keys.Where(k => k.Node == member.Address).ToArray())
        {
            _decoders.Remove(key);
        }

        _members.Remove(member.Address);
        _unreachable.Remove(member.Address);
        var name = member.Address.ToString();
        var incarnation = DepartedLedger.Incarnation(member.UniqueAddress);
        _directory.Remove(name);
        _directory[incarnation] = new MemberInfo(member.Address, member.Roles);

        // What this node last saw of the member goes to every member, so that the totals are the same wherever asked.
        if (_engine.LastAnswer(name) is { } last)
        {
            var entry = DepartedLedger.EncodeDeparted(member.Address, member.Roles, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), last);
            var key = DepartedLedger.EntryKey(incarnation, _self);
            _replicator.Tell(Dsl.Update(DepartedLedger.Key, LWWDictionary<string, byte[]>.Empty, WriteLocal.Instance, d => d.SetItem(_cluster, key, entry)));
        }

        _engine.Retire(name, incarnation, groupOfOne: true);
        if (_ledger.Members.TryGetValue(incarnation, out var replicated))
        {
            _engine.RaiseGroup(incarnation, replicated.Totals);
        }
    }

    private void Apply(LWWDictionary<string, byte[]> data, bool initialRead)
    {
        var ledger = _ledger = DepartedLedger.Read(data);
        foreach (var (key, fold) in ledger.Folds)
        {
            _directory[key] = new MemberInfo(null, fold.Roles);
            foreach (var (id, _) in fold.Folded)
            {
                _directory.Remove(id);
            }

            _engine.FoldedElsewhere(fold.Folded.Select(f => f.Id), key, fold.Totals);
        }

        foreach (var (incarnation, departed) in ledger.Members)
        {
            // A member writes its final totals just before it leaves: while it is still a member, its live answers count.
            if (_members.TryGetValue(departed.Address, out var member) && DepartedLedger.Incarnation(member.UniqueAddress) == incarnation)
            {
                continue;
            }

            _directory[incarnation] = new MemberInfo(departed.Address, departed.Roles);
            _engine.RaiseGroup(incarnation, departed.Totals);
        }

        if (initialRead && !_ready)
        {
            _ready = true;
            _log.Info("Read the totals of {0} departed members and {1} folds; answering cluster collections.", ledger.Members.Count, ledger.Folds.Count);
        }
    }

    // Only the oldest member folds, so that two members do not fold the same departures into the total twice.
    private void FoldIfOldest()
    {
        var up = _members.Values.Where(m => m.Status == MemberStatus.Up).ToArray();
        if (up.Length == 0 || up.Any(m => m.IsOlderThan(_cluster.SelfMember)) || !_cluster.SelfMember.Status.Equals(MemberStatus.Up))
        {
            return;
        }

        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var retention = (long)_settings.DepartedRetention.TotalMilliseconds;
        if (!_ledger.Members.Values.Any(m => m.RemovedAtMs < now - retention))
        {
            return;
        }

        var cluster = _cluster;
        _replicator.Tell(Dsl.Update(
            DepartedLedger.Key,
            LWWDictionary<string, byte[]>.Empty,
            new WriteMajority(ReadTimeout),
            d => DepartedLedger.FoldDue(d, cluster, now, now - retention, now - retention)));
    }

    private List<FanOutTarget> Targets(ClusterCollectorProtocol.Collect collect, FamilyFilter families)
    {
        var targets = new List<FanOutTarget>();
        foreach (var (address, member) in _members)
        {
            if (!collect.Nodes.Matches(address, member.Roles))
            {
                continue;
            }

            var askable = member.Status == MemberStatus.Up && !_unreachable.Contains(address);
            var name = address.ToString();
            targets.Add(new FanOutTarget(name, name, !askable ? null : _settings.DeltaReplies && address != _cluster.SelfAddress
                ? AskChanges(address, collect.Workers, families)
                : AskNode(address, collect.Workers, families)));
        }

        return targets;
    }

    private Func<long, TimeSpan, Task<MetricsSnapshot>> AskNode(Address address, WorkerSelection workers, FamilyFilter families)
    {
        var selection = address == _cluster.SelfAddress
            ? null
            : Context.ActorSelection(new RootActorPath(address) / "system" / AggregatorExtension.NodeCollectorName);
        var local = _localNodeCollector;
        return async (_, askTimeout) =>
        {
            // The node's budget follows the collection's asks, not the first requester: a hurried first one must not
            // leave the nodes' answers short for those who join.
            var request = new NodeCollectorProtocol.Collect(workers, askTimeout * NodeTimeoutShare, families.IsAll ? null : families);
            var reply = selection is null
                ? await local.Ask<NodeCollectorProtocol.CollectReply>(request, askTimeout).ConfigureAwait(false)
                : await selection.Ask<NodeCollectorProtocol.CollectReply>(request, askTimeout).ConfigureAwait(false);
            return reply.Snapshot;
        };
    }

    // Asks a remote node's changes endpoint; its chunks arrive here (OnChunk), and the task completes once all have.
    private Func<long, TimeSpan, Task<MetricsSnapshot>> AskChanges(Address address, WorkerSelection workers, FamilyFilter families)
    {
        var endpoint = Context.ActorSelection(new RootActorPath(address) / "system" / ChangesEndpointActor.Name);
        return (_, askTimeout) =>
        {
            var id = ++_nextExchange;
            var exchange = new Exchange(address, workers, families);
            _exchanges[id] = exchange;
            var decoder = _decoders.GetValueOrDefault((address, workers, families));
            var request = new ChangesProtocol.CollectChanges(id, _session, decoder?.Sequence ?? 0, workers, families, askTimeout * NodeTimeoutShare, Self);
            endpoint.Tell(request, Self);
            var expired = new ExchangeExpired(id);
            Timers.StartSingleTimer(expired, expired, askTimeout);
            return exchange.Reply.Task.WaitAsync(askTimeout);
        };
    }

    private void OnChunk(ChangesProtocol.ChangesChunk chunk)
    {
        // A chunk of an exchange that expired, or of a node removed since, is late: dropped.
        if (!_exchanges.TryGetValue(chunk.Exchange, out var exchange))
        {
            return;
        }

        if (chunk.Count is < 1 or > MaxChunks || chunk.Index < 0 || chunk.Index >= chunk.Count || (exchange.Chunks is { } known && known.Length != chunk.Count))
        {
            _exchanges.Remove(chunk.Exchange);
            exchange.Reply.TrySetException(new InvalidOperationException(
                $"{exchange.Node} sent chunk {chunk.Index} of {chunk.Count}, which is not a chunk of this reply ({exchange.Chunks?.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none yet"} announced, at most {MaxChunks})."));
            return;
        }

        exchange.Chunks ??= new byte[chunk.Count][];

        if (exchange.Chunks[chunk.Index] is null)
        {
            exchange.Chunks[chunk.Index] = chunk.Bytes;
            exchange.Received++;
        }

        if (exchange.Received < exchange.Chunks.Length)
        {
            return;
        }

        _exchanges.Remove(chunk.Exchange);
        Timers.Cancel(new ExchangeExpired(chunk.Exchange));
        var bytes = exchange.Chunks.Length == 1 ? exchange.Chunks[0]! : Concat(exchange.Chunks!);
        var key = (exchange.Node, exchange.Workers, exchange.Families);
        if (!_decoders.TryGetValue(key, out var decoder))
        {
            if (_decoders.Count >= MaxDecoders)
            {
                _decoders.Clear();
            }

            _decoders[key] = decoder = new ChangesCodec.Decoder();
        }

        try
        {
            exchange.Reply.TrySetResult(decoder.Decode(bytes).Snapshot);
        }
        catch (Exception error) when (error is System.Runtime.Serialization.SerializationException or ArgumentException)
        {
            // The decoder dropped its state: the next request names no base, and the node replies in full.
            _log.Warning("A reply of changes from {0} could not be applied ({1}); the next one will be full.", exchange.Node, error.Message);
            exchange.Reply.TrySetException(error);
        }
    }

    private static byte[] Concat(byte[][] chunks)
    {
        var bytes = new byte[chunks.Sum(c => c.Length)];
        var offset = 0;
        foreach (var chunk in chunks)
        {
            chunk.CopyTo(bytes, offset);
            offset += chunk.Length;
        }

        return bytes;
    }

    /// <summary>What collections are shared by: the node and worker selection and the family filter, compared exactly.</summary>
    internal sealed record CollectionKey(ClusterSelection Selection, FamilyFilter Families);

    private sealed record ExchangeExpired(long Exchange);

    /// <summary>One node's reply of changes as its chunks arrive.</summary>
    private sealed class Exchange(Address node, WorkerSelection workers, FamilyFilter families)
    {
        public Address Node { get; } = node;

        public WorkerSelection Workers { get; } = workers;

        public FamilyFilter Families { get; } = families;

        public TaskCompletionSource<MetricsSnapshot> Reply { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public byte[]?[]? Chunks { get; set; }

        public int Received { get; set; }
    }

    private sealed class ReadDeparted
    {
        public static readonly ReadDeparted Instance = new();
    }

    private sealed class FoldTick
    {
        public static readonly FoldTick Instance = new();
    }
}
