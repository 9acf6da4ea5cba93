using Akka.Actor;
using Aggregator.Actors;

namespace QuickStart;

/// <summary>
/// Holds the seed's four series and updates them on every tick, as update_metrics does: each counter goes up by a
/// random amount; each gauge goes up or down, a coin deciding which, by a random amount.
/// </summary>
internal sealed class UpdatingWorker : MeteredReceiveActor, IWithTimers
{
    private readonly TimeSpan _interval;
    private readonly int _ticks;

    public UpdatingWorker(int seed, TimeSpan interval, int ticks)
    {
        _interval = interval;
        _ticks = ticks;
        var counter = Metrics.Counter("counter1", "Help for c1", "a", "b");
        var gauge = Metrics.Gauge("gauge1", "Help for g1", "a", "b");
        var counters = new[] { counter.WithLabels("1", "1"), counter.WithLabels("1", "2") };
        var gauges = new[] { gauge.WithLabels("2", "1"), gauge.WithLabels("2", "2") };
        var random = new Random(seed);
        var done = 0;
        Receive<Tick>(_ =>
        {
            foreach (var c in counters)
            {
                c.Inc(random.NextDouble());
            }

            foreach (var g in gauges)
            {
                if (random.NextDouble() >= 0.5)
                {
                    g.Inc(random.NextDouble());
                }
                else
                {
                    g.Dec(random.NextDouble());
                }
            }

            if (++done == _ticks)
            {
                Timers.Cancel(Tick.Instance);
            }
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart()
    {
        if (_ticks != 0)
        {
            Timers.StartPeriodicTimer(Tick.Instance, Tick.Instance, _interval);
        }
    }

    private sealed class Tick
    {
        public static readonly Tick Instance = new();
    }
}
