using Akka.Actor;
using Akka.Cluster.Sharding;
using Aggregator.Actors;
using Aggregator.Actors.Tests.Telemetry;
using Aggregator.Cluster.Tests.Collection;

namespace Aggregator.Cluster.Tests.Telemetry;

/// <summary>
/// A real Akka.Cluster.Sharding region reported through actor telemetry's <c>AddRegion</c> hook (Aggregator does not
/// reference sharding: the application registers the stats query), and its entities' messages as any metered actor's.
/// </summary>
public sealed class ShardingTelemetrySpec : IAsyncLifetime
{
    private readonly InProcessCluster _cluster = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _cluster.TerminateAllAsync();

    [Fact]
    public async Task A_regions_shards_and_entities_and_its_entities_messages_are_collected()
    {
        var node = _cluster.Start("a", extraConfig: """
            akka.actor.telemetry.enabled = on
            aggregator.telemetry { enabled = on, timing-interval = 1 }
            """);
        await InProcessCluster.JoinAsync(node);
        var region = await ClusterSharding.Get(node).StartAsync(
            "orders",
            _ => Props.Create<OrderEntity>(),
            ClusterShardingSettings.Create(node),
            new Extractor());
        AggregatorExtension.Get(node).Telemetry!.AddRegion("orders", async cancellation =>
        {
            var stats = await region.Ask<ShardRegionStats>(GetShardRegionStats.Instance, cancellation);
            return (stats.Stats.Count, stats.Stats.Values.Sum());
        });

        // Entities 1 and 2 live in shard a, entity 3 in shard b; entity 1 gets two orders.
        foreach (var (shard, entity) in new[] { ("a", "1"), ("a", "1"), ("a", "2"), ("b", "3") })
        {
            await region.Ask<string>(new Envelope(shard, entity, new Shop.PlaceOrder(1)), TimeSpan.FromSeconds(20));
        }

        const string Expected = """
            akka_actor_live{actor_type="OrderEntity"} 3
            akka_actor_messages_total{actor_type="OrderEntity",message_type="PlaceOrder"} 4
            akka_sharding_region_entities{region="orders"} 3
            akka_sharding_region_shards{region="orders"} 2

            """;
        var actual = string.Empty;
        await InProcessCluster.WaitUntilAsync(
            async () =>
            {
                var reply = await AggregatorExtension.Get(node).CollectAsync();
                actual = TelemetryText.Lines(reply.Snapshot, "akka_actor_live", "akka_actor_messages_total", "akka_sharding_region_entities", "akka_sharding_region_shards");
                return actual == Expected;
            },
            "the region's stats and its entities' telemetry",
            () => actual,
            TimeSpan.FromSeconds(10));
        Assert.Equal(Expected, actual);
    }

    /// <summary>A message for an entity of a shard named in it.</summary>
    public sealed record Envelope(string Shard, string Entity, object Message);

    /// <summary>An order entity: a metered actor like any other.</summary>
    public sealed class OrderEntity : MeteredReceiveActor
    {
        public OrderEntity() => Receive<Shop.PlaceOrder>(_ => Sender.Tell("done"));
    }

    private sealed class Extractor : IMessageExtractor
    {
        public string? EntityId(object message) => (message as Envelope)?.Entity;

        public object? EntityMessage(object message) => (message as Envelope)?.Message;

        public string? ShardId(object message) => (message as Envelope)?.Shard;

        public string ShardId(string entityId, object? messageHint = null) => (messageHint as Envelope)?.Shard ?? entityId;
    }
}
