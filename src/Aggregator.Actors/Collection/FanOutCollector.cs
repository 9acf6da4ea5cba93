using System.Diagnostics;
using Akka.Actor;
using Aggregator.Metrics;

namespace Aggregator.Actors.Collection;

/// <summary>
/// The fan-out shared by the node collector (over workers) and the cluster collector (over nodes). A collection asks
/// every target of one selection under a request id, and late answers are discarded by that id. Every requester waits
/// until its own deadline or until every target has answered or failed, whichever comes first; a collection ends when
/// it is complete or when its last requester has had its answer.
/// </summary>
/// <remarks>
/// A collection's asks stay open for its ask timeout: the longer of its first requester's timeout and the configured
/// collection timeout, and a tenth more. So a requester in a hurry cannot cut the collection short for those who join
/// it. A later request for the same selection joins the newest collection when its own deadline falls before that
/// collection's asks close; otherwise it starts a new collection, which the selection's later requests then join.
/// </remarks>
/// <typeparam name="TSelection">What a collection is of; requests with equal selections share collections.</typeparam>
internal abstract class FanOutCollector<TSelection> : ReceiveActor
    where TSelection : notnull
{
    // The asks stay open this share longer than any requester needs: otherwise a request with the same timeout as the
    // first, arriving a moment later, would have a later deadline than the asks and could never share the collection.
    private const double JoinWindowShare = 0.1;

    private readonly TimeSpan _collectionTimeout;
    private readonly Dictionary<TSelection, Collection> _newest = [];
    private readonly Dictionary<long, Collection> _running = [];
    private long _nextRequestId;

    /// <param name="collectionTimeout">The configured collection timeout: no collection's asks close sooner.</param>
    protected FanOutCollector(TimeSpan collectionTimeout)
    {
        _collectionTimeout = collectionTimeout;
        Receive<TargetAnswered>(OnAnswered);
        Receive<TargetFailed>(OnFailed);
        Receive<WaiterTimedOut>(OnWaiterTimedOut);
    }

    /// <summary>
    /// Joins the newest collection of <paramref name="selection"/> when <paramref name="timeout"/> ends before its asks
    /// close, or starts one over <paramref name="targets"/>. The requester gets what <see cref="Complete"/> returns: for
    /// the complete collection, or for what has arrived by its own timeout.
    /// </summary>
    protected void StartOrJoin(TSelection selection, IActorRef requester, Func<IReadOnlyList<FanOutTarget>> targets, TimeSpan timeout, object request)
    {
        if (_newest.TryGetValue(selection, out var newest) && newest.Clock.Elapsed + timeout <= newest.AskTimeout)
        {
            AddWaiter(newest, requester, timeout);
            return;
        }

        var id = ++_nextRequestId;
        var askTimeout = (timeout > _collectionTimeout ? timeout : _collectionTimeout) * (1 + JoinWindowShare);
        var collection = new Collection(id, selection, request, askTimeout);
        _newest[selection] = collection;
        _running[id] = collection;

        // Waiting before anything is asked: a collection with nothing to ask is complete at once.
        AddWaiter(collection, requester, timeout);

        var self = Self;
        foreach (var target in targets())
        {
            collection.Pending[target.MergeName] = target;
            if (target.Send is { } send)
            {
                send(id, self);
                continue;
            }

            if (target.Ask is null)
            {
                collection.Failed.Add(target.MergeName);
                continue;
            }

            target.Ask(id, askTimeout).PipeTo(
                self,
                success: snapshot => new TargetAnswered(id, target.MergeName, snapshot),
                failure: _ => new TargetFailed(id, target.MergeName));
        }

        FinishIfComplete(collection);
    }

    /// <summary>Builds the reply to a collection, complete or as far as it has come at a requester's deadline.</summary>
    protected abstract object Complete(CompletedCollection completed);

    /// <summary>
    /// <paramref name="target"/> answered collection <paramref name="requestId"/> with <paramref name="snapshot"/>: for
    /// targets sent to (<see cref="FanOutTarget.Send"/>), whose answers the collector receives itself. A late answer is
    /// discarded as any other.
    /// </summary>
    protected void Answered(long requestId, string target, MetricsSnapshot snapshot) => OnAnswered(new TargetAnswered(requestId, target, snapshot));

    private void AddWaiter(Collection collection, IActorRef requester, TimeSpan timeout)
    {
        var waiter = new Waiter(requester);
        collection.Waiters.Add(waiter);
        waiter.Timer = Context.System.Scheduler.ScheduleTellOnceCancelable(timeout, Self, new WaiterTimedOut(collection.RequestId, waiter), Self);
    }

    private void OnAnswered(TargetAnswered answered)
    {
        // An answer to a collection that already ended is late: discarded, never merged into a later one.
        if (!_running.TryGetValue(answered.RequestId, out var collection) || !collection.Pending.Remove(answered.Target, out var target))
        {
            return;
        }

        collection.Answered.Add(new AnsweredTarget(target, answered.Snapshot) { AnsweredAfter = collection.Clock.Elapsed });
        FinishIfComplete(collection);
    }

    private void OnFailed(TargetFailed failed)
    {
        // The target stays pending, so it is reported missing; the collection need not wait for it any longer.
        if (_running.TryGetValue(failed.RequestId, out var collection) && collection.Pending.ContainsKey(failed.Target))
        {
            collection.Failed.Add(failed.Target);
            FinishIfComplete(collection);
        }
    }

    private void OnWaiterTimedOut(WaiterTimedOut timedOut)
    {
        // The collection goes on for its other waiters; this one gets what has arrived so far.
        if (!_running.TryGetValue(timedOut.RequestId, out var collection) || !collection.Waiters.Remove(timedOut.Waiter))
        {
            return;
        }

        timedOut.Waiter.Requester.Tell(Complete(Progress(collection, [.. collection.Answered])));
        if (collection.Waiters.Count == 0)
        {
            End(collection);
        }
    }

    private void FinishIfComplete(Collection collection)
    {
        if (collection.Pending.Count != collection.Failed.Count)
        {
            return;
        }

        End(collection);
        var reply = Complete(Progress(collection, collection.Answered));
        foreach (var waiter in collection.Waiters)
        {
            waiter.Timer?.Cancel();
            waiter.Requester.Tell(reply);
        }
    }

    private void End(Collection collection)
    {
        _running.Remove(collection.RequestId);

        // A newer collection of the same selection may have taken the key; it goes on.
        if (_newest.TryGetValue(collection.Selection, out var newest) && newest == collection)
        {
            _newest.Remove(collection.Selection);
        }
    }

    private static CompletedCollection Progress(Collection collection, IReadOnlyList<AnsweredTarget> answered) =>
        new(collection.Request, answered, [.. collection.Pending.Values], collection.Clock.Elapsed);

    private sealed record TargetAnswered(long RequestId, string Target, MetricsSnapshot Snapshot);

    private sealed record TargetFailed(long RequestId, string Target);

    private sealed record WaiterTimedOut(long RequestId, Waiter Waiter);

    private sealed class Waiter(IActorRef requester)
    {
        public IActorRef Requester { get; } = requester;

        public ICancelable? Timer { get; set; }
    }

    private sealed class Collection(long requestId, TSelection selection, object request, TimeSpan askTimeout)
    {
        public long RequestId { get; } = requestId;

        public TSelection Selection { get; } = selection;

        public object Request { get; } = request;

        public TimeSpan AskTimeout { get; } = askTimeout;

        public List<Waiter> Waiters { get; } = [];

        public Dictionary<string, FanOutTarget> Pending { get; } = new(StringComparer.Ordinal);

        public HashSet<string> Failed { get; } = new(StringComparer.Ordinal);

        public List<AnsweredTarget> Answered { get; } = [];

        public Stopwatch Clock { get; } = Stopwatch.StartNew();
    }
}

/// <summary>A target's answer within a collection.</summary>
internal sealed record AnsweredTarget(FanOutTarget Target, MetricsSnapshot Snapshot)
{
    /// <summary>How long after the collection started the answer arrived (for the status page).</summary>
    public TimeSpan AnsweredAfter { get; init; }
}

/// <summary>A collection, complete or as far as it had come: the request that started it, who answered, who did not, how long it took.</summary>
internal sealed record CompletedCollection(object Request, IReadOnlyList<AnsweredTarget> Answered, IReadOnlyList<FanOutTarget> Missing, TimeSpan Elapsed);
