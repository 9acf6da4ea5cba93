using Akka.Actor;
using Aggregator.Actors;
using Aggregator.Metrics;

namespace Aggregator.Hosting.Tests;

/// <summary>A worker with one metric of every type and gauge policy; an int message sets them all from that number.</summary>
public sealed class EveryTypeWorker : MeteredReceiveActor
{
    public EveryTypeWorker()
    {
        var requests = Metrics.Counter("requests_total", "Requests handled", "code");
        var max = Metrics.Gauge("queue_max", new MetricOptions { Help = "Max", GaugePolicy = GaugeMergePolicy.Max });
        var sum = Metrics.Gauge("queue_sum", new MetricOptions { Help = "Sum", GaugePolicy = GaugeMergePolicy.Sum });
        var all = Metrics.Gauge("queue_all", new MetricOptions { Help = "All", GaugePolicy = GaugeMergePolicy.All });
        var latency = Metrics.Histogram("latency_seconds", new MetricOptions { Help = "Latency", Buckets = [2, 5] });
        var size = Metrics.Summary("size_bytes", "Sizes");
        var build = Metrics.Info("build", "Build", "version");

        Receive<int>(i =>
        {
            requests.WithLabels("200").Inc(i);
            max.Set(i);
            sum.Set(i);
            all.Set(i);
            latency.Observe(i);
            size.Observe(i * 10);
            build.Set("1.0");
            Sender.Tell("done");
        });
    }
}

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
