using System.Diagnostics;
using Akka.Actor;
using Aggregator.Actors.Protocol;
using Aggregator.Actors.Telemetry;
using Aggregator.Metrics;

namespace Aggregator.Actors;

/// <summary>
/// A <see cref="UntypedActor"/> with its own worker registry, <see cref="Metrics"/>: declare metrics in the constructor
/// and update them in OnReceive, with no locks. The node collector learns of the actor, collects it, and retains its
/// counters when it restarts or stops.
/// </summary>
public abstract class MeteredUntypedActor : UntypedActor
{
    // The worker's telemetry, held here so that a message costs one field read and one null check when it is off.
    private readonly WorkerTelemetry? _telemetry;

    /// <summary>Registers the actor's metrics with the node collector.</summary>
    protected MeteredUntypedActor()
    {
        WorkerMetrics = WorkerMetrics.Register(Context);
        _telemetry = WorkerMetrics.Telemetry;

        // Its stash, if it has one, is read for akka_actor_stashed_messages when collected.
        _telemetry?.Attach(this);
    }

    /// <summary>The actor's registry.</summary>
    protected WorkerRegistry Metrics => WorkerMetrics.Registry;

    /// <summary>The actor's link to the node collector.</summary>
    protected WorkerMetrics WorkerMetrics { get; }

    /// <inheritdoc />
    public override void AroundPreRestart(Exception cause, object message)
    {
        WorkerMetrics.Retire(restarting: true);
        base.AroundPreRestart(cause, message);
    }

    /// <inheritdoc />
    public override void AroundPostStop()
    {
        WorkerMetrics.Retire(restarting: false);
        base.AroundPostStop();
    }

    /// <inheritdoc />
    protected override bool AroundReceive(Receive receive, object message)
    {
        // The type test first: reading Sender costs a thread-static lookup, which every other message can skip.
        if (message is NodeCollectorProtocol.CollectSnapshot && WorkerMetrics.TryHandle(message, Sender))
        {
            return true;
        }

        // Telemetry off (or not covering this actor): this one check is its whole cost.
        var telemetry = _telemetry;
        if (telemetry is null)
        {
            return base.AroundReceive(receive, message);
        }

        return telemetry.TimeNext() ? TimedReceive(telemetry, receive, message) : CountedReceive(telemetry, receive, message);
    }

    /// <inheritdoc />
    protected override void Unhandled(object message)
    {
        _telemetry?.Unhandled(message.GetType());
        base.Unhandled(message);
    }

    // Counted also when the handler throws: the message was received, and its count survives the restart.
    private bool CountedReceive(WorkerTelemetry telemetry, Receive receive, object message)
    {
        try
        {
            return base.AroundReceive(receive, message);
        }
        finally
        {
            telemetry.Count(message.GetType());
        }
    }

    private bool TimedReceive(WorkerTelemetry telemetry, Receive receive, object message)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            return base.AroundReceive(receive, message);
        }
        finally
        {
            telemetry.RecordTimed(message.GetType(), started);
        }
    }
}
