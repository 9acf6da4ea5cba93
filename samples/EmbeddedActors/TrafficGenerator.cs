using Akka.Actor;

namespace EmbeddedActors;

/// <summary>Sends a fixed number of orders (worth 10, 20, 30, …) when it starts, standing in for real customers.</summary>
internal sealed class TrafficGenerator : ReceiveActor
{
    public TrafficGenerator(IActorRef shop, int orders)
    {
        for (var i = 1; i <= orders; i++)
        {
            shop.Tell(new Order(i, i * 10));
        }
    }
}
