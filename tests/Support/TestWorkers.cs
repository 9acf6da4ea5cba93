using Akka.Actor;
using Aggregator.Actors;
using Aggregator.Actors.Protocol;
using Aggregator.Metrics;

namespace Aggregator.Tests.Support;

/// <summary>A worker with one metric of every type and gauge policy; an int message sets them all from that number.</summary>
public sealed class EveryTypeWorker : MeteredReceiveActor
{
    /// <summary>The text exposition (without Aggregator's own families) of workers /user/w1 … /user/w8 sent 1 … 8.</summary>
    public const string EightWorkersText = """
        # HELP build_info Build
        # TYPE build_info gauge
        build_info{version="1.0"} 1
        # HELP latency_seconds Latency
        # TYPE latency_seconds histogram
        latency_seconds_bucket{le="2.0"} 2
        latency_seconds_bucket{le="5.0"} 5
        latency_seconds_bucket{le="+Inf"} 8
        latency_seconds_count 8
        latency_seconds_sum 36
        # HELP queue_all All
        # TYPE queue_all gauge
        queue_all{worker="/user/w1"} 1
        queue_all{worker="/user/w2"} 2
        queue_all{worker="/user/w3"} 3
        queue_all{worker="/user/w4"} 4
        queue_all{worker="/user/w5"} 5
        queue_all{worker="/user/w6"} 6
        queue_all{worker="/user/w7"} 7
        queue_all{worker="/user/w8"} 8
        # HELP queue_max Max
        # TYPE queue_max gauge
        queue_max 8
        # HELP queue_min Min
        # TYPE queue_min gauge
        queue_min 1
        # HELP queue_recent Recent
        # TYPE queue_recent gauge
        queue_recent 8
        # HELP queue_sum Sum
        # TYPE queue_sum gauge
        queue_sum 36
        # HELP requests_total Requests handled
        # TYPE requests_total counter
        requests_total{code="200"} 36
        # HELP size_bytes Sizes
        # TYPE size_bytes summary
        size_bytes_count 8
        size_bytes_sum 360

        """;

    public EveryTypeWorker()
    {
        var requests = Metrics.Counter("requests_total", "Requests handled", "code");
        var max = Metrics.Gauge("queue_max", new MetricOptions { Help = "Max", GaugePolicy = GaugeMergePolicy.Max });
        var min = Metrics.Gauge("queue_min", new MetricOptions { Help = "Min", GaugePolicy = GaugeMergePolicy.Min });
        var sum = Metrics.Gauge("queue_sum", new MetricOptions { Help = "Sum", GaugePolicy = GaugeMergePolicy.Sum });
        var recent = Metrics.Gauge("queue_recent", new MetricOptions { Help = "Recent", GaugePolicy = GaugeMergePolicy.MostRecent });
        var all = Metrics.Gauge("queue_all", new MetricOptions { Help = "All", GaugePolicy = GaugeMergePolicy.All });
        var latency = Metrics.Histogram("latency_seconds", new MetricOptions { Help = "Latency", Buckets = [2, 5] });
        var size = Metrics.Summary("size_bytes", "Sizes");
        var build = Metrics.Info("build", "Build", "version");

        Receive<int>(i =>
        {
            requests.WithLabels("200").Inc(i);
            max.Set(i);
            min.Set(i);
            sum.Set(i);
            recent.Set(i);
            all.Set(i);
            latency.Observe(i);
            size.Observe(i * 10);
            build.Set("1.0");
            Sender.Tell("done");
        });
    }
}

/// <summary>A counter worker: "inc" adds the number sent, "fail" throws (a restart), "block" sleeps.</summary>
public sealed class CounterWorker : MeteredReceiveActor
{
    public sealed record Add(double Amount);

    public sealed record Block(TimeSpan Duration);

    public CounterWorker()
    {
        var jobs = Metrics.Counter("jobs_total", "Jobs");
        Receive<Add>(a =>
        {
            jobs.Inc(a.Amount);
            Sender.Tell("done");
        });
        Receive<Block>(b => Thread.Sleep(b.Duration));
        Receive<string>(s => s == "fail", _ => throw new InvalidOperationException("fail on purpose"));
    }
}

/// <summary>
/// A worker that does not derive from the metered base classes: it wires <see cref="WorkerMetrics"/> by hand, counts
/// the collector's requests, and answers each after a pause so that collections overlap with later scrapes.
/// </summary>
public sealed class SlowCountingWorker : UntypedActor
{
    /// <summary>Akka's built-in pinned dispatcher: a thread per actor, so that the pauses do not starve the thread pool.</summary>
    public const string OwnThread = "akka.io.pinned-dispatcher";

    private readonly WorkerMetrics _metrics;
    private readonly int[] _requests;
    private readonly TimeSpan _pause;

    public SlowCountingWorker(int[] requests, TimeSpan pause)
    {
        _requests = requests;
        _pause = pause;
        _metrics = WorkerMetrics.Register(Context);
        _metrics.Registry.Counter("slow_total", "Slow").Inc();
    }

    protected override void OnReceive(object message)
    {
        if (message is NodeCollectorProtocol.CollectSnapshot)
        {
            Interlocked.Increment(ref _requests[0]);
            Thread.Sleep(_pause);
        }

        if (!_metrics.TryHandle(message, Sender))
        {
            Unhandled(message);
        }
    }

    protected override void PostStop() => _metrics.Retire(restarting: false);
}
