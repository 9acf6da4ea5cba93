using Aggregator.Actors;

namespace EmbeddedActors;

/// <summary>
/// Charges orders, and fails on every fifth one: the supervisor restarts it, and the node collector keeps its counts
/// from before the restart, so payments_total never goes down.
/// </summary>
internal sealed class PaymentGateway : MeteredReceiveActor
{
    public PaymentGateway()
    {
        var payments = Metrics.Counter("payments_total", "Payments, by result.", "result");
        Receive<Order>(order =>
        {
            if (order.Number % 5 == 0)
            {
                payments.WithLabels("failed").Inc();
                throw new InvalidOperationException($"The payment provider refused order {order.Number}.");
            }

            payments.WithLabels("ok").Inc();
        });
    }
}
