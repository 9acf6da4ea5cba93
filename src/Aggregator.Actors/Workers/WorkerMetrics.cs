using System.Diagnostics;
using Akka.Actor;
using Aggregator.Actors.Protocol;
using Aggregator.Actors.Telemetry;
using Aggregator.Metrics;

namespace Aggregator.Actors;

/// <summary>
/// A worker actor's metrics: its own <see cref="WorkerRegistry"/> (touched only while the actor processes a message)
/// and its link to the node collector. <see cref="MeteredReceiveActor"/> and <see cref="MeteredUntypedActor"/> wire it
/// in; an actor that cannot derive from them creates one with <see cref="Register"/> in its constructor, passes every
/// message to <see cref="TryHandle"/> first, and calls <see cref="Retire"/> from <c>PreRestart</c> and <c>PostStop</c>.
/// For actor telemetry it also brackets its handler with <see cref="MessageStarting"/> and <see cref="MessageFinished"/>.
/// </summary>
public sealed class WorkerMetrics
{
    private readonly IActorRef _self;
    private readonly IActorRef _collector;

    // The last unfiltered reply: the families that did not change since are handed back as the same instances, so a
    // worker allocates only for what changed, and the collector holds (and compares) one copy of the rest.
    private MetricsSnapshot? _lastReply;

    private WorkerMetrics(AggregatorExtension extension, IActorContext context)
    {
        _self = context.Self;
        _collector = extension.NodeCollector;
        Registry = new WorkerRegistry(extension.Catalog);
        Telemetry = extension.Telemetry?.ForWorker(context, Registry);
    }

    /// <summary>The worker's registry: declare and update metrics here, from the actor only.</summary>
    public WorkerRegistry Registry { get; }

    /// <summary>The actor's telemetry; null when actor telemetry is off or does not cover this actor.</summary>
    internal WorkerTelemetry? Telemetry { get; }

    /// <summary>Creates the metrics of the actor whose context this is, and tells the node collector about it.</summary>
    public static WorkerMetrics Register(IActorContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var metrics = new WorkerMetrics(AggregatorExtension.Get(context.System), context);
        metrics._collector.Tell(new NodeCollectorProtocol.RegisterWorker(context.Self), context.Self);
        return metrics;
    }

    /// <summary>Answers the collector's snapshot request; false for any other message, which the actor handles itself.</summary>
    public bool TryHandle(object message, IActorRef sender)
    {
        if (message is not NodeCollectorProtocol.CollectSnapshot request)
        {
            return false;
        }

        Telemetry?.BeforeCollect();
        var snapshot = Registry.Collect(request.Families ?? FamilyFilter.All, _lastReply);
        if (request.Families is null)
        {
            _lastReply = snapshot;
        }

        sender.Tell(new NodeCollectorProtocol.CollectSnapshotReply(request.RequestId, snapshot), _self);
        return true;
    }

    /// <summary>Hands the registry's final state to the collector, which keeps its counters in every later merge.</summary>
    /// <param name="restarting">True from <c>PreRestart</c> (the actor comes back, from zero), false from <c>PostStop</c>.</param>
    public void Retire(bool restarting)
    {
        if (restarting)
        {
            // Counted in the registry that is retiring: the collector keeps it as the restarted actor's past.
            Telemetry?.Restarting();
        }

        _collector.Tell(new NodeCollectorProtocol.WorkerRetired(_self, Registry.Collect(), restarting), _self);
    }

    /// <summary>
    /// Called before the actor's handler runs on a message: a timestamp for <see cref="MessageFinished"/> when this
    /// message is to be timed, else 0 (without reading the clock; always when telemetry does not cover this actor).
    /// </summary>
    public long MessageStarting() => Telemetry is { } telemetry && telemetry.TimeNext() ? Stopwatch.GetTimestamp() : 0;

    /// <summary>
    /// Called after the actor's handler ran on <paramref name="message"/>, also when it threw: records the message and
    /// its processing time when telemetry covers this actor.
    /// </summary>
    /// <param name="message">The message.</param>
    /// <param name="started">What <see cref="MessageStarting"/> returned.</param>
    public void MessageFinished(object message, long started)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (Telemetry is not { } telemetry)
        {
            return;
        }

        if (started == 0)
        {
            telemetry.Count(message.GetType());
        }
        else
        {
            telemetry.RecordTimed(message.GetType(), started);
        }
    }

    /// <summary>Called from the actor's <c>Unhandled</c>: counts the message in <c>akka_actor_unhandled_messages_total</c>.</summary>
    public void MessageUnhandled(object message)
    {
        ArgumentNullException.ThrowIfNull(message);
        Telemetry?.Unhandled(message.GetType());
    }
}
