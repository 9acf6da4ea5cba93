using System.Diagnostics;
using Akka.Actor;
using Aggregator.Actors.Telemetry;
using Aggregator.Metrics;

namespace Aggregator.Actors;

/// <summary>
/// A <see cref="ReceiveActor"/> with its own worker registry, <see cref="Metrics"/>: declare metrics in the constructor
/// and update them in handlers, with no locks. The node collector learns of the actor, collects it, and retains its
/// counters when it restarts or stops.
/// </summary>
public abstract class MeteredReceiveActor : ReceiveActor
{
    /// <summary>Registers the actor's metrics with the node collector.</summary>
    protected MeteredReceiveActor()
    {
        WorkerMetrics = WorkerMetrics.Register(Context);

        // Its stash, if it has one, is read for akka_actor_stashed_messages when collected.
        WorkerMetrics.Telemetry?.Attach(this);
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
        if (WorkerMetrics.TryHandle(message, Sender))
        {
            return true;
        }

        // Telemetry off (or not covering this actor): this one check is its whole cost.
        var telemetry = WorkerMetrics.Telemetry;
        return telemetry is null ? base.AroundReceive(receive, message) : TimedReceive(telemetry, receive, message);
    }

    /// <inheritdoc />
    protected override void Unhandled(object message)
    {
        WorkerMetrics.Telemetry?.Unhandled(message.GetType());
        base.Unhandled(message);
    }

    private bool TimedReceive(WorkerTelemetry telemetry, Receive receive, object message)
    {
        var started = Stopwatch.GetTimestamp();
        bool handled;
        try
        {
            handled = base.AroundReceive(receive, message);
        }
        catch
        {
            telemetry.Record(message.GetType(), started);
            throw;
        }

        telemetry.Record(message.GetType(), started);
        return handled;
    }
}
