using Akka.Actor;
using Aggregator.Actors.Tests.Telemetry;
using Aggregator.Cluster.Tests.Collection;

namespace Aggregator.Cluster.Tests.Telemetry;

/// <summary>Actor telemetry merged across a 2-node cluster: each node has 8 workers of 2 actor types.</summary>
public sealed class ClusterTelemetrySpec : IAsyncLifetime
{
    private const string Telemetry = """
        akka.actor.telemetry.enabled = on
        aggregator.telemetry { enabled = on, timing-interval = 1 }
        """;

    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    private readonly InProcessCluster _cluster = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _cluster.TerminateAllAsync();

    [Fact]
    public async Task Two_nodes_of_eight_workers_merge_to_exact_totals_per_actor_and_message_type_on_either_node()
    {
        var first = _cluster.Start("a", extraConfig: Telemetry);
        var second = _cluster.Start("b", extraConfig: Telemetry);
        await InProcessCluster.JoinAsync(first, second);

        // Node n: OrderWorker i gets n * i orders and one cancellation; StockWorker i gets 2n reservations.
        await LoadAsync(first, 1);
        await LoadAsync(second, 2);

        const string Expected = """
            akka_actor_live{actor_type="OrderWorker"} 8
            akka_actor_live{actor_type="StockWorker"} 8
            akka_actor_messages_total{actor_type="OrderWorker",message_type="CancelOrder"} 8
            akka_actor_messages_total{actor_type="OrderWorker",message_type="PlaceOrder"} 30
            akka_actor_messages_total{actor_type="StockWorker",message_type="Reserve"} 24
            akka_actor_processing_seconds_count{actor_type="OrderWorker",message_type="CancelOrder"} 8
            akka_actor_processing_seconds_count{actor_type="OrderWorker",message_type="PlaceOrder"} 30
            akka_actor_processing_seconds_count{actor_type="StockWorker",message_type="Reserve"} 24
            akka_actor_restarts_total{actor_type="OrderWorker"} 0
            akka_actor_restarts_total{actor_type="StockWorker"} 0
            akka_mailbox_depth{actor_type="OrderWorker"} 0
            akka_mailbox_depth{actor_type="StockWorker"} 0
            aggregator_telemetry_message_types{actor_type="OrderWorker"} 2
            aggregator_telemetry_message_types{actor_type="StockWorker"} 1

            """;
        string[] families =
        [
            "akka_actor_live", "akka_actor_messages_total", "akka_actor_processing_seconds_count", "akka_actor_restarts_total",
            "akka_mailbox_depth", "aggregator_telemetry_message_types",
        ];

        foreach (var node in new[] { first, second })
        {
            // Live actors come from Akka's started events, which reach the listener shortly after the actors start.
            var actual = string.Empty;
            await InProcessCluster.WaitUntilAsync(
                async () =>
                {
                    var reply = await AggregatorClusterExtension.Get(node).CollectAsync();
                    actual = Sorted(TelemetryText.Lines(reply.Snapshot, families));
                    return actual == Expected;
                },
                "the merged telemetry of both nodes",
                () => actual,
                TimeSpan.FromSeconds(10));
            Assert.Equal(Expected, actual);
        }
    }

    private static async Task LoadAsync(ActorSystem system, int n)
    {
        for (var i = 1; i <= 4; i++)
        {
            var orders = system.ActorOf(Props.Create<OrderWorker>(), $"orders-{i}");
            var stock = system.ActorOf(Props.Create<StockWorker>(), $"stock-{i}");
            for (var k = 0; k < n * i; k++)
            {
                await orders.Ask<string>(new Shop.PlaceOrder(k), Wait);
            }

            await orders.Ask<string>(new Shop.CancelOrder(i), Wait);
            for (var k = 0; k < 2 * n; k++)
            {
                await stock.Ask<string>(new Shop.Reserve(k), Wait);
            }
        }
    }

    // The exposition sorts families by name (aggregator_ before akka_); the expectation reads by subject.
    private static string Sorted(string lines) =>
        string.Concat(lines.Split('\n', StringSplitOptions.RemoveEmptyEntries).OrderBy(l => l.StartsWith("aggregator_", StringComparison.Ordinal)).ThenBy(l => l, StringComparer.Ordinal).Select(l => l + "\n"));
}
