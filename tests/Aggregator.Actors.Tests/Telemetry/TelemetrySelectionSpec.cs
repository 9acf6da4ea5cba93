using Akka.Actor;
using Akka.TestKit.Xunit2;

namespace Aggregator.Actors.Tests.Telemetry;

/// <summary>Selection by path pattern, grouped by that pattern, with message types off; the namespace leaves telemetry's names alone.</summary>
public sealed class TelemetrySelectionSpec : TestKit
{
    public TelemetrySelectionSpec()
        : base("""
            akka.loglevel = WARNING
            aggregator.collectors { process = off, runtime = off, meters = off }
            aggregator.namespace = eu
            aggregator.telemetry { enabled = on, actors = ["/user/shop/*"], group-by = path-pattern, message-types = off }
            """)
    {
    }

    [Fact]
    public async Task Only_selected_actors_record_under_their_pattern()
    {
        var inside = Sys.ActorOf(Props.Create(() => new Parent()), "shop");
        var outside = Sys.ActorOf(Props.Create<OrderWorker>(), "elsewhere");
        await inside.Ask<string>(new Shop.PlaceOrder(1), TimeSpan.FromSeconds(3));
        await inside.Ask<string>(new Shop.CancelOrder(1), TimeSpan.FromSeconds(3));
        await outside.Ask<string>(new Shop.PlaceOrder(1), TimeSpan.FromSeconds(3));

        var snapshot = (await AggregatorExtension.Get(Sys).CollectAsync()).Snapshot;

        Assert.Equal(
            """
            akka_actor_messages_total{actor_type="/user/shop/*",message_type=""} 2

            """,
            TelemetryText.Lines(snapshot, "akka_actor_messages_total"));
    }

    private sealed class Parent : ReceiveActor
    {
        public Parent()
        {
            var child = Context.ActorOf(Props.Create<OrderWorker>(), "orders");
            ReceiveAny(m => child.Forward(m));
        }
    }
}
