using Akka.Actor;
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
    protected MeteredReceiveActor() => WorkerMetrics = WorkerMetrics.Register(Context);

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
    protected override bool AroundReceive(Receive receive, object message) =>
        WorkerMetrics.TryHandle(message, Sender) || base.AroundReceive(receive, message);
}
