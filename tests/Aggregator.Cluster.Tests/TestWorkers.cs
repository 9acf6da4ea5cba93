using Akka.Actor;
using Aggregator.Actors;
using Aggregator.Metrics;

namespace Aggregator.Cluster.Tests;

/// <summary>
/// A worker with one metric of every type and gauge policy. <see cref="Record"/> records its number everywhere (and
/// answers "done"); <see cref="Block"/> keeps the worker busy, so that a collection waits for it.
/// </summary>
public sealed class EveryTypeWorker : MeteredReceiveActor
{
    public EveryTypeWorker(string version)
    {
        var requests = Metrics.Counter("requests_total", "Requests handled", "code");
        var max = Metrics.Gauge("queue_max", new MetricOptions { Help = "Max", GaugePolicy = GaugeMergePolicy.Max });
        var min = Metrics.Gauge("queue_min", new MetricOptions { Help = "Min", GaugePolicy = GaugeMergePolicy.Min });
        var sum = Metrics.Gauge("queue_sum", new MetricOptions { Help = "Sum", GaugePolicy = GaugeMergePolicy.Sum });
        var recent = Metrics.Gauge("queue_recent", new MetricOptions { Help = "Recent", GaugePolicy = GaugeMergePolicy.MostRecent });
        var all = Metrics.Gauge("queue_all", new MetricOptions { Help = "All", GaugePolicy = GaugeMergePolicy.All });
        var latency = Metrics.Histogram("latency_seconds", new MetricOptions { Help = "Latency", Buckets = [15, 25] });
        var size = Metrics.Summary("size_bytes", "Sizes");
        var build = Metrics.Info("build", "Build", "version");
        build.Set(version);

        Receive<Record>(s =>
        {
            requests.WithLabels("200").Inc(s.Value);
            max.Set(s.Value);
            min.Set(s.Value);
            sum.Set(s.Value);
            recent.Set(s.Value);
            all.Set(s.Value);
            latency.Observe(s.Value);
            size.Observe(s.Value * 10);
            Sender.Tell("done");
        });
        Receive<Block>(b => Thread.Sleep(b.Duration));
    }

    public sealed record Record(int Value);

    public sealed record Block(TimeSpan Duration);
}
