using Akka.Actor;
using Akka.Event;

namespace Aggregator.Actors.Telemetry;

/// <summary>
/// Listens to the event stream for the node's telemetry: Akka's actor started, stopped and restarted events (published
/// when <c>akka.actor.telemetry.enabled</c> is on), dead letters and unhandled messages.
/// </summary>
internal sealed class TelemetryListenerActor : ReceiveActor
{
    public const string Name = "aggregator-telemetry";

    public TelemetryListenerActor(ActorTelemetry telemetry)
    {
        Receive<ActorStarted>(e => telemetry.Started(e.Subject, e.ActorType));
        Receive<ActorStopped>(e => telemetry.Stopped(e.Subject));
        Receive<ActorRestarted>(e => telemetry.Restarted(e.Subject));
        Receive<DeadLetter>(d => telemetry.DeadLetter(d.Message));
        Receive<UnhandledMessage>(u => telemetry.Unhandled(u.Message));
    }

    public static Props Props(ActorTelemetry telemetry) =>
        Akka.Actor.Props.Create(() => new TelemetryListenerActor(telemetry)).WithDispatcher(AggregatorExtension.DispatcherId);

    /// <summary>Starts the listener and subscribes it before the call returns, so that no actor started after it is missed.</summary>
    public static IActorRef Start(ExtendedActorSystem system, ActorTelemetry telemetry)
    {
        var listener = system.SystemActorOf(Props(telemetry), Name);
        var stream = system.EventStream;
        if (telemetry.EmitsActorEvents)
        {
            stream.Subscribe(listener, typeof(IActorTelemetryEvent));
        }

        stream.Subscribe(listener, typeof(DeadLetter));
        stream.Subscribe(listener, typeof(UnhandledMessage));
        return listener;
    }
}
