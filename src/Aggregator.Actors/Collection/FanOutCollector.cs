using System.Diagnostics;
using Akka.Actor;
using Aggregator.Metrics;

namespace Aggregator.Actors.Collection;

/// <summary>
/// The fan-out shared by the node collector (over workers) and the cluster collector (over nodes): one collection
/// per selection at a time (later requests for the same selection join it), every target asked under a request id
/// and the timeout, late answers discarded, and the collection finished when every target has answered or failed,
/// or when the timeout strikes.
/// </summary>
internal abstract class FanOutCollector : ReceiveActor
{
    private readonly Dictionary<string, Collection> _inFlight = new(StringComparer.Ordinal);
    private long _nextRequestId;

    protected FanOutCollector()
    {
        Receive<TargetAnswered>(OnAnswered);
        Receive<TargetFailed>(OnFailed);
        Receive<CollectionTimedOut>(t => Finish(t.RequestId));
        Receive<WaiterTimedOut>(OnWaiterTimedOut);
    }

    /// <summary>
    /// Joins the collection in flight for <paramref name="key"/>, or starts one over <paramref name="targets"/>. The
    /// requester gets what <see cref="Complete"/> returns; one that joins with a timeout ending before the collection's
    /// gets, at its own timeout, what has arrived by then.
    /// </summary>
    protected void StartOrJoin(string key, IActorRef requester, Func<IReadOnlyList<FanOutTarget>> targets, TimeSpan timeout, object request)
    {
        if (_inFlight.TryGetValue(key, out var running))
        {
            running.Waiters.Add(requester);
            if (running.Clock.Elapsed + timeout < running.Timeout)
            {
                running.WaiterTimers.Add(Context.System.Scheduler.ScheduleTellOnceCancelable(timeout, Self, new WaiterTimedOut(running.RequestId, requester), Self));
            }

            return;
        }

        var id = ++_nextRequestId;
        var collection = new Collection(id, key, request, requester, timeout);
        _inFlight[key] = collection;
        var self = Self;
        foreach (var target in targets())
        {
            collection.Pending[target.MergeName] = target;
            if (target.Ask is null)
            {
                collection.Failed.Add(target.MergeName);
                continue;
            }

            target.Ask(id, timeout).PipeTo(
                self,
                success: snapshot => new TargetAnswered(id, target.MergeName, snapshot),
                failure: _ => new TargetFailed(id, target.MergeName));
        }

        if (!FinishIfComplete(collection))
        {
            collection.Timer = Context.System.Scheduler.ScheduleTellOnceCancelable(timeout, Self, new CollectionTimedOut(id), Self);
        }
    }

    /// <summary>Builds the reply to a finished collection; called once per collection.</summary>
    protected abstract object Complete(CompletedCollection completed);

    private void OnAnswered(TargetAnswered answered)
    {
        // An answer to a collection that already finished is late: discarded, never merged into a later one.
        if (Find(answered.RequestId) is not { } collection || !collection.Pending.Remove(answered.Target, out var target))
        {
            return;
        }

        collection.Answered.Add(new AnsweredTarget(target, answered.Snapshot));
        FinishIfComplete(collection);
    }

    private void OnFailed(TargetFailed failed)
    {
        // The target stays pending, so it is reported missing; the collection need not wait for it any longer.
        if (Find(failed.RequestId) is { } collection && collection.Pending.ContainsKey(failed.Target))
        {
            collection.Failed.Add(failed.Target);
            FinishIfComplete(collection);
        }
    }

    private void OnWaiterTimedOut(WaiterTimedOut timedOut)
    {
        // The collection goes on for its other waiters; this one gets a partial result, as at its own collection's timeout.
        if (Find(timedOut.RequestId) is { } collection && collection.Waiters.Remove(timedOut.Waiter))
        {
            timedOut.Waiter.Tell(Complete(new CompletedCollection(collection.Request, [.. collection.Answered], [.. collection.Pending.Values], collection.Clock.Elapsed)));
        }
    }

    private bool FinishIfComplete(Collection collection)
    {
        if (collection.Pending.Count != collection.Failed.Count)
        {
            return false;
        }

        Finish(collection.RequestId);
        return true;
    }

    private void Finish(long requestId)
    {
        if (Find(requestId) is not { } collection)
        {
            return;
        }

        _inFlight.Remove(collection.Key);
        collection.Timer?.Cancel();
        foreach (var timer in collection.WaiterTimers)
        {
            timer.Cancel();
        }

        var reply = Complete(new CompletedCollection(collection.Request, collection.Answered, [.. collection.Pending.Values], collection.Clock.Elapsed));
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

    private sealed record TargetAnswered(long RequestId, string Target, MetricsSnapshot Snapshot);

    private sealed record TargetFailed(long RequestId, string Target);

    private sealed record CollectionTimedOut(long RequestId);

    private sealed record WaiterTimedOut(long RequestId, IActorRef Waiter);

    private sealed class Collection(long requestId, string key, object request, IActorRef firstWaiter, TimeSpan timeout)
    {
        public TimeSpan Timeout { get; } = timeout;

        public long RequestId { get; } = requestId;

        public string Key { get; } = key;

        public object Request { get; } = request;

        public List<IActorRef> Waiters { get; } = [firstWaiter];

        public Dictionary<string, FanOutTarget> Pending { get; } = new(StringComparer.Ordinal);

        public HashSet<string> Failed { get; } = new(StringComparer.Ordinal);

        public List<AnsweredTarget> Answered { get; } = [];

        public Stopwatch Clock { get; } = Stopwatch.StartNew();

        public ICancelable? Timer { get; set; }

        public List<ICancelable> WaiterTimers { get; } = [];
    }
}

/// <summary>A target's answer within a finished collection.</summary>
internal sealed record AnsweredTarget(FanOutTarget Target, MetricsSnapshot Snapshot);

/// <summary>A finished collection: the request that started it, who answered, who did not, how long it took.</summary>
internal sealed record CompletedCollection(object Request, IReadOnlyList<AnsweredTarget> Answered, IReadOnlyList<FanOutTarget> Missing, TimeSpan Elapsed);
