using Akka.Actor;
using Akka.TestKit.Xunit2;

namespace Aggregator.Actors.Tests.Telemetry;

/// <summary>Actor telemetry of one node: what metered workers record, merged, and what the node adds from the event stream.</summary>
public sealed class ActorTelemetrySpec : TestKit
{
    private const string Config = """
        akka.loglevel = WARNING
        akka.log-dead-letters = off
        akka.actor.telemetry.enabled = on
        aggregator.collection-timeout = 3s
        aggregator.collectors { process = off, runtime = off, meters = off }
        aggregator.telemetry { enabled = on, timing-interval = 1 }
        """;

    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(3);

    public ActorTelemetrySpec()
        : base(Config)
    {
    }

    private AggregatorExtension Aggregator => AggregatorExtension.Get(Sys);

    [Fact]
    public async Task Eight_workers_of_two_actor_types_merge_to_exact_counts_per_actor_and_message_type()
    {
        for (var i = 1; i <= 4; i++)
        {
            var orders = Sys.ActorOf(Props.Create<OrderWorker>(), $"orders-{i}");
            var stock = Sys.ActorOf(Props.Create<StockWorker>(), $"stock-{i}");
            for (var n = 0; n < i; n++)
            {
                await orders.Ask<string>(new Shop.PlaceOrder(n), Wait);
            }

            await orders.Ask<string>(new Shop.CancelOrder(i), Wait);
            await stock.Ask<string>(new Shop.Reserve(1), Wait);
            await stock.Ask<string>(new Shop.Reserve(2), Wait);
        }

        var reply = await Aggregator.CollectAsync();

        Assert.Equal(
            """
            akka_actor_messages_total{actor_type="OrderWorker",message_type="CancelOrder"} 4
            akka_actor_messages_total{actor_type="OrderWorker",message_type="PlaceOrder"} 10
            akka_actor_messages_total{actor_type="StockWorker",message_type="Reserve"} 8
            akka_actor_processing_seconds_count{actor_type="OrderWorker",message_type="CancelOrder"} 4
            akka_actor_processing_seconds_count{actor_type="OrderWorker",message_type="PlaceOrder"} 10
            akka_actor_processing_seconds_count{actor_type="StockWorker",message_type="Reserve"} 8
            akka_actor_restarts_total{actor_type="OrderWorker"} 0
            akka_actor_restarts_total{actor_type="StockWorker"} 0

            """,
            TelemetryText.Lines(reply.Snapshot, "akka_actor_messages_total", "akka_actor_processing_seconds_count", "akka_actor_restarts_total"));
        Assert.Equal(
            """
            akka_actor_live{actor_type="OrderWorker"} 4
            akka_actor_live{actor_type="StockWorker"} 4
            akka_mailbox_depth{actor_type="OrderWorker"} 0
            akka_mailbox_depth{actor_type="StockWorker"} 0

            """,
            TelemetryText.Lines(reply.Snapshot, "akka_actor_live", "akka_mailbox_depth"));
        Assert.Equal(
            """
            aggregator_telemetry_message_types{actor_type="OrderWorker"} 2
            aggregator_telemetry_message_types{actor_type="StockWorker"} 1

            """,
            TelemetryText.Lines(reply.Snapshot, "aggregator_telemetry_message_types"));
    }

    [Fact]
    public async Task Restarts_are_counted_and_the_messages_before_them_kept()
    {
        var orders = Sys.ActorOf(Props.Create<OrderWorker>(), "orders");
        await orders.Ask<string>(new Shop.PlaceOrder(1), Wait);
        orders.Tell(new Shop.Fail());
        await orders.Ask<string>(new Shop.PlaceOrder(2), Wait);
        orders.Tell(new Shop.Fail());
        await orders.Ask<string>(new Shop.PlaceOrder(3), Wait);

        var reply = await Aggregator.CollectAsync();

        Assert.Equal(
            """
            akka_actor_messages_total{actor_type="OrderWorker",message_type="Fail"} 2
            akka_actor_messages_total{actor_type="OrderWorker",message_type="PlaceOrder"} 3
            akka_actor_restarts_total{actor_type="OrderWorker"} 2

            """,
            TelemetryText.Lines(reply.Snapshot, "akka_actor_messages_total", "akka_actor_restarts_total"));
    }

    [Fact]
    public async Task Unhandled_messages_are_counted_by_the_worker_and_the_node_and_dead_letters_by_the_node()
    {
        var orders = Sys.ActorOf(Props.Create<OrderWorker>(), "orders");
        orders.Tell(new Shop.Unknown());
        orders.Tell(new Shop.Unknown());
        await orders.Ask<string>(new Shop.PlaceOrder(1), Wait);
        var gone = Sys.ActorOf(Props.Create<StockWorker>(), "gone");
        Watch(gone);
        Sys.Stop(gone);
        ExpectTerminated(gone);
        gone.Tell(new Shop.Reserve(1));
        gone.Tell(new Shop.Reserve(2));
        gone.Tell(new Shop.Reserve(3));

        await AwaitAssertAsync(
            async () =>
            {
                var reply = await Aggregator.CollectAsync();
                Assert.Equal(
                    """
                    akka_actor_messages_total{actor_type="OrderWorker",message_type="PlaceOrder"} 1
                    akka_actor_messages_total{actor_type="OrderWorker",message_type="Unknown"} 2
                    akka_actor_unhandled_messages_total{actor_type="OrderWorker",message_type="Unknown"} 2
                    akka_dead_letters_total{message_type="Reserve"} 3
                    akka_unhandled_total{message_type="Unknown"} 2

                    """,
                    TelemetryText.Lines(reply.Snapshot, "akka_actor_messages_total", "akka_actor_unhandled_messages_total", "akka_dead_letters_total", "akka_unhandled_total"));
            },
            TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Stashed_messages_and_mailbox_depth_are_read_when_collected()
    {
        var stashing = Sys.ActorOf(Props.Create<StashingWorker>(), "stashing");
        for (var i = 0; i < 3; i++)
        {
            stashing.Tell(new Shop.PlaceOrder(i));
        }

        await stashing.Ask<string>("sync", Wait);
        using var gate = new ManualResetEventSlim(false);
        var gated = Sys.ActorOf(Props.Create(() => new GatedActor(gate)), "gated");
        for (var i = 0; i < 6; i++)
        {
            gated.Tell(i);
        }

        try
        {
            // The first message blocks the actor; the other five wait in its mailbox.
            await AwaitAssertAsync(
                async () =>
                {
                    var reply = await Aggregator.CollectAsync();
                    Assert.Equal(
                        """
                        akka_actor_live{actor_type="GatedActor"} 1
                        akka_actor_live{actor_type="StashingWorker"} 1
                        akka_actor_stashed_messages{actor_type="StashingWorker"} 3
                        akka_mailbox_depth{actor_type="GatedActor"} 5
                        akka_mailbox_depth{actor_type="StashingWorker"} 0

                        """,
                        TelemetryText.Lines(reply.Snapshot, "akka_actor_live", "akka_actor_stashed_messages", "akka_mailbox_depth"));
                },
                TimeSpan.FromSeconds(5));

            stashing.Tell(new Shop.Release());
            await stashing.Ask<string>("sync", Wait);
            var released = await Aggregator.CollectAsync();
            Assert.Equal(0, TelemetryText.Value(released.Snapshot, "akka_actor_stashed_messages", "StashingWorker"));
        }
        finally
        {
            gate.Set();
        }
    }

    [Fact]
    public async Task Stopped_actors_leave_the_live_count()
    {
        var workers = Enumerable.Range(0, 3).Select(i => Sys.ActorOf(Props.Create<StockWorker>(), $"s{i}")).ToArray();
        foreach (var worker in workers)
        {
            await worker.Ask<string>(new Shop.Reserve(0), Wait);
        }

        Watch(workers[0]);
        Sys.Stop(workers[0]);
        ExpectTerminated(workers[0]);

        await AwaitAssertAsync(
            async () =>
            {
                var reply = await Aggregator.CollectAsync();
                // The stopped worker's counts stay in the merged counter.
                Assert.Equal(
                    """
                    akka_actor_live{actor_type="StockWorker"} 2
                    akka_actor_messages_total{actor_type="StockWorker",message_type="Reserve"} 3

                    """,
                    TelemetryText.Lines(reply.Snapshot, "akka_actor_live", "akka_actor_messages_total"));
            },
            TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task An_actor_wiring_worker_metrics_by_hand_records_the_same_telemetry()
    {
        var worker = Sys.ActorOf(Props.Create<HandWiredWorker>(), "hand");
        await worker.Ask<string>(new Shop.PlaceOrder(1), Wait);
        worker.Tell(new Shop.Unknown());
        await worker.Ask<string>(new Shop.PlaceOrder(2), Wait);

        var reply = await Aggregator.CollectAsync();

        Assert.Equal(
            """
            akka_actor_messages_total{actor_type="HandWiredWorker",message_type="PlaceOrder"} 2
            akka_actor_messages_total{actor_type="HandWiredWorker",message_type="Unknown"} 1
            akka_actor_processing_seconds_count{actor_type="HandWiredWorker",message_type="PlaceOrder"} 2
            akka_actor_processing_seconds_count{actor_type="HandWiredWorker",message_type="Unknown"} 1
            akka_actor_unhandled_messages_total{actor_type="HandWiredWorker",message_type="Unknown"} 1

            """,
            TelemetryText.Lines(reply.Snapshot, "akka_actor_messages_total", "akka_actor_processing_seconds_count", "akka_actor_unhandled_messages_total"));
    }
}
