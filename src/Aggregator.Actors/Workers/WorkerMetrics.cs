using Akka.Actor;
using Aggregator.Actors.Protocol;
using Aggregator.Metrics;

namespace Aggregator.Actors;

/// <summary>
/// A worker actor's metrics: its own <see cref="WorkerRegistry"/> (touched only while the actor processes a message)
/// and its link to the node collector. <see cref="MeteredReceiveActor"/> and <see cref="MeteredUntypedActor"/> wire it
/// in; an actor that cannot derive from them creates one with <see cref="Register"/> in its constructor, passes every
/// message to <see cref="TryHandle"/> first, and calls <see cref="Retire"/> from <c>PreRestart</c> and <c>PostStop</c>.
/// </summary>
public sealed class WorkerMetrics
{
    private readonly IActorRef _self;
    private readonly IActorRef _collector;

    private WorkerMetrics(AggregatorExtension extension, IActorRef self)
    {
        _self = self;
        _collector = extension.NodeCollector;
        Registry = new WorkerRegistry(extension.Catalog);
    }

    /// <summary>The worker's registry: declare and update metrics here, from the actor only.</summary>
    public WorkerRegistry Registry { get; }

    /// <summary>Creates the metrics of the actor whose context this is, and tells the node collector about it.</summary>
    public static WorkerMetrics Register(IActorContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var metrics = new WorkerMetrics(AggregatorExtension.Get(context.System), context.Self);
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

        sender.Tell(new NodeCollectorProtocol.CollectSnapshotReply(request.RequestId, Registry.Collect(request.Families ?? FamilyFilter.All)), _self);
        return true;
    }

    /// <summary>Hands the registry's final state to the collector, which keeps its counters in every later merge.</summary>
    /// <param name="restarting">True from <c>PreRestart</c> (the actor comes back, from zero), false from <c>PostStop</c>.</param>
    public void Retire(bool restarting) =>
        _collector.Tell(new NodeCollectorProtocol.WorkerRetired(_self, Registry.Collect(), restarting), _self);
}
