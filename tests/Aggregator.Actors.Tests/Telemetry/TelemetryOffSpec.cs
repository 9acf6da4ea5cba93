using Akka.Actor;
using Akka.TestKit.Xunit2;

namespace Aggregator.Actors.Tests.Telemetry;

/// <summary>With telemetry off (the default) a metered worker records nothing more and the node adds no family.</summary>
public sealed class TelemetryOffSpec : TestKit
{
    public TelemetryOffSpec()
        : base("""
            akka.loglevel = WARNING
            aggregator.collectors { process = off, runtime = off, meters = off }
            """)
    {
    }

    [Fact]
    public async Task No_telemetry_family_appears_and_the_extension_has_no_telemetry()
    {
        var orders = Sys.ActorOf(Props.Create<OrderWorker>(), "orders");
        await orders.Ask<string>(new Shop.PlaceOrder(1), TimeSpan.FromSeconds(3));

        var aggregator = AggregatorExtension.Get(Sys);
        var snapshot = (await aggregator.CollectAsync()).Snapshot;

        Assert.Null(aggregator.Telemetry);
        Assert.DoesNotContain(snapshot.Families, f => f.Name.StartsWith("akka_", StringComparison.Ordinal) || f.Name.StartsWith("aggregator_telemetry", StringComparison.Ordinal));
    }
}
