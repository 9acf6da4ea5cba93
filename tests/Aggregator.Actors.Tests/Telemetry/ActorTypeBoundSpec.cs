using Akka.TestKit.Xunit2;
using Aggregator.Actors.Telemetry;

namespace Aggregator.Actors.Tests.Telemetry;

/// <summary>Grouping by parent path must not let actor_type grow with the entities whose children are metered.</summary>
public sealed class ActorTypeBoundSpec : TestKit
{
    public ActorTypeBoundSpec()
        : base("""
            akka.loglevel = WARNING
            aggregator.collectors { process = off, runtime = off, meters = off }
            aggregator.telemetry { enabled = on, group-by = path-pattern }
            """)
    {
    }

    [Fact]
    public void Past_one_thousand_parent_paths_further_actors_are_actor_type_other()
    {
        var telemetry = AggregatorExtension.Get(Sys).Telemetry!;

        var types = Enumerable.Range(0, 1_200).Select(i => telemetry.ActorTypeOf($"/user/orders/order-{i}/payment", typeof(ActorTypeBoundSpec))).ToArray();

        Assert.Equal(Enumerable.Range(0, 1_000).Select(i => $"/user/orders/order-{i}/*"), types[..1_000]);
        Assert.All(types[1_000..], t => Assert.Equal("other", t));

        // A value admitted before stays its own.
        Assert.Equal("/user/orders/order-7/*", telemetry.ActorTypeOf("/user/orders/order-7/shipping", typeof(ActorTypeBoundSpec)));
    }
}
