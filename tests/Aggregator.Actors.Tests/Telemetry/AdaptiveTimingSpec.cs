using Akka.Actor;
using Akka.TestKit.Xunit2;

namespace Aggregator.Actors.Tests.Telemetry;

/// <summary>
/// With the default adaptive timing an idle actor times every message and a busy one only some, while every message is
/// counted either way.
/// </summary>
public sealed class AdaptiveTimingSpec : TestKit
{
    public AdaptiveTimingSpec()
        : base("""
            akka.loglevel = WARNING
            aggregator.collectors { process = off, runtime = off, meters = off }
            aggregator.telemetry.enabled = on
            """)
    {
    }

    [Fact]
    public async Task A_burst_is_counted_whole_and_timed_in_part_and_slow_messages_are_all_timed()
    {
        var slow = Sys.ActorOf(Props.Create<OrderWorker>(), "slow");
        for (var i = 0; i < 5; i++)
        {
            await slow.Ask<string>(new Shop.PlaceOrder(i), TimeSpan.FromSeconds(3));

            // More than 10 ms apart: the interval stays at one message.
            await Task.Delay(30);
        }

        var busy = Sys.ActorOf(Props.Create<StockWorker>(), "busy");
        for (var i = 0; i < 200_000; i++)
        {
            busy.Tell(new Shop.Reserve(i));
        }

        await busy.Ask<string>(new Shop.Reserve(-1), TimeSpan.FromSeconds(30));
        var snapshot = (await AggregatorExtension.Get(Sys).CollectAsync()).Snapshot;
        var busyTimed = snapshot.Find("akka_actor_processing_seconds")!.Series.Single(s => s.LabelValues[0] == "StockWorker").Count;

        Assert.Equal(5, TelemetryText.Value(snapshot, "akka_actor_messages", "OrderWorker", "PlaceOrder"));
        Assert.Equal(5, snapshot.Find("akka_actor_processing_seconds")!.Series.Single(s => s.LabelValues[0] == "OrderWorker").Count);
        Assert.Equal(200_001, TelemetryText.Value(snapshot, "akka_actor_messages", "StockWorker", "Reserve"));

        // Two hundred thousand messages in a burst take far less than the 20 s that timing each 100 µs apart would.
        Assert.InRange(busyTimed, 1, 20_000);
    }
}
