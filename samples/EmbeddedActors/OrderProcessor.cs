using Akka.Actor;
using Aggregator.Actors;
using Aggregator.Metrics;

namespace EmbeddedActors;

/// <summary>Processes orders and asks the gateway to charge them; its metrics live in its own worker registry.</summary>
internal sealed class OrderProcessor : MeteredReceiveActor
{
    public OrderProcessor(IActorRef gateway)
    {
        var processed = Metrics.Counter("orders_processed_total", "Orders processed.");
        var values = Metrics.Histogram("order_value_dollars", new MetricOptions { Help = "Order values.", Buckets = [50, 100, 200] });
        Receive<Order>(order =>
        {
            values.Observe(order.Value);
            processed.Inc();
            gateway.Tell(order);
        });
    }
}
