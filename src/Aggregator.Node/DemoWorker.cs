using Akka.Actor;
using Aggregator.Actors;
using Aggregator.Metrics;

namespace Aggregator.Node;

/// <summary>
/// A demo worker producing every metric type. On start it records fixed values (so a scrape of N workers has known
/// sums: demo_started_total = N, demo_capacity = 10 N, and the native histogram demo_latency_seconds holds
/// k·j/1000 for j = 1…100 from worker k); every tick it records moving ones, unless the pause file
/// (<see cref="NodeOptions.DemoPauseFile"/>) exists.
/// </summary>
internal sealed class DemoWorker : MeteredReceiveActor, IWithTimers
{
    // How many latencies each worker observes at start: enough for a 0.9 quantile between distinct values.
    private const int LatencyObservations = 100;

    // The pace of the moving metrics: once a second, like the seed's example.
    private static readonly TimeSpan TickInterval = TimeSpan.FromSeconds(1);

    public DemoWorker(int index, string? pauseFile)
    {
        var started = Metrics.Counter("demo_started_total", "Demo workers started.");
        var capacity = Metrics.Gauge("demo_capacity", new MetricOptions { Help = "Work items the demo workers can hold, summed over workers.", GaugePolicy = GaugeMergePolicy.Sum });
        var build = Metrics.Info("demo_build", "Version of the demo workers.", "version");
        var ticks = Metrics.Counter("demo_ticks_total", "Ticks handled, by parity.", "parity");
        var queue = Metrics.Gauge("demo_queue_depth", new MetricOptions { Help = "Deepest queue over workers.", GaugePolicy = GaugeMergePolicy.Max });
        var busy = Metrics.Gauge("demo_busy", new MetricOptions { Help = "Whether each worker is busy.", GaugePolicy = GaugeMergePolicy.All });
        var duration = Metrics.Histogram("demo_tick_duration_seconds", new MetricOptions { Help = "Simulated tick durations.", Buckets = Buckets.Exponential(0.001, 4, 6) });
        var payload = Metrics.Summary("demo_payload_bytes", "Simulated payload sizes.");
        var latency = Metrics.Histogram("demo_latency_seconds", new MetricOptions
        {
            Help = "Simulated request latencies, observed once at start: worker k observes k*j/1000 s for j = 1..100.",
            NativeHistogram = new NativeHistogramOptions(),
        });

        started.Inc();
        capacity.Set(10);
        build.Set("1.0.0");
        for (var j = 1; j <= LatencyObservations; j++)
        {
            latency.Observe(index * j / 1000.0);
        }

        var random = new Random(index);
        var tick = 0L;
        Receive<Tick>(_ =>
        {
            // Checked on every tick, so that a test can freeze every node's totals at once and compare them.
            if (pauseFile is not null && File.Exists(pauseFile))
            {
                return;
            }

            tick++;
            ticks.WithLabels(tick % 2 == 0 ? "even" : "odd").Inc();
            queue.Set(random.Next(0, 100));
            busy.Set(random.Next(0, 2));
            duration.Observe(random.NextDouble() * 2);
            payload.Observe(random.Next(100, 10_000));
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart() => Timers.StartPeriodicTimer("tick", Tick.Instance, TickInterval);

    private sealed class Tick
    {
        public static readonly Tick Instance = new();
    }
}
