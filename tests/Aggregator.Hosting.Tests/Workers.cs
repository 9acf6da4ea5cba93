using Akka.Actor;
using Aggregator.Actors;
using Aggregator.Metrics;

namespace Aggregator.Hosting.Tests;

/// <summary>A worker with many series, or one that blocks.</summary>
public sealed class BulkWorker : MeteredReceiveActor
{
    public BulkWorker(int series)
    {
        var items = Metrics.Counter("items_total", "Items", "id");
        for (var i = 0; i < series; i++)
        {
            items.WithLabels("item-" + i).Inc();
        }

        Receive<TimeSpan>(Thread.Sleep);
        Receive<string>(_ => Sender.Tell("ready"));
    }
}
