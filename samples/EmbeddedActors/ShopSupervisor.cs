using Akka.Actor;

namespace EmbeddedActors;

/// <summary>
/// Supervises the shop: three order processors and one payment gateway, restarting whichever throws. Orders go to
/// the processors round-robin.
/// </summary>
internal sealed class ShopSupervisor : ReceiveActor
{
    public ShopSupervisor()
    {
        var gateway = Context.ActorOf(Props.Create<PaymentGateway>(), "payments");
        var processors = Enumerable.Range(1, 3).Select(i => Context.ActorOf(Props.Create(() => new OrderProcessor(gateway)), $"orders-{i}")).ToArray();
        var next = 0;
        Receive<Order>(order => processors[next++ % processors.Length].Forward(order));
    }

    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(maxNrOfRetries: 100, withinTimeRange: TimeSpan.FromMinutes(1), localOnlyDecider: _ => Directive.Restart);
}
