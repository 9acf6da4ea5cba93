using System.Diagnostics;

namespace Aggregator.Metrics.Tests.Registry;

/// <summary>
/// The timers measure with <see cref="Stopwatch"/> (not the registry clock), so the recorded durations are bounded by a
/// stopwatch around the call: never negative, never longer than the call itself.
/// </summary>
public sealed class MetricTimerSpec
{
    private static readonly MetricOptions OneBucket = new() { Buckets = [3600] };

    [Fact]
    public void Histogram_Time_records_once_and_returns()
    {
        var registry = Registries.Worker();
        var child = registry.Histogram("h", OneBucket).Unlabelled;
        var outer = Stopwatch.StartNew();
        var ran = 0;
        child.Time(() => ran++);
        var elapsed = outer.Elapsed.TotalSeconds;

        Assert.Equal(1, ran);
        Assert.Equal([1L, 1], registry.Collect().Find("h")!.Series[0].CumulativeBuckets);
        Assert.InRange(child.Sum, 0, elapsed);
    }

    [Fact]
    public void Histogram_Time_records_also_when_the_action_throws_and_rethrows()
    {
        var registry = Registries.Worker();
        var child = registry.Histogram("h", OneBucket).Unlabelled;
        var outer = Stopwatch.StartNew();
        var ex = Assert.Throws<FormatException>(() => child.Time(() => throw new FormatException("boom")));
        var elapsed = outer.Elapsed.TotalSeconds;

        Assert.Equal("boom", ex.Message);
        Assert.Equal(1, child.Count);
        Assert.InRange(child.Sum, 0, elapsed);
    }

    [Fact]
    public void Summary_Time_of_a_function_returns_its_result_and_records_when_it_throws()
    {
        var child = Registries.Worker().Summary("s").Unlabelled;
        Assert.Equal(42, child.Time(() => 42));
        Assert.Throws<InvalidOperationException>(() => child.Time<int>(() => throw new InvalidOperationException()));
        Assert.Throws<InvalidOperationException>(() => child.Time(() => throw new InvalidOperationException()));
        Assert.Equal(3, child.Count);
    }

    [Fact]
    public void Gauge_Time_sets_the_elapsed_seconds_also_when_the_action_throws()
    {
        var child = Registries.Worker().Gauge("g").Unlabelled;
        child.Set(-1);
        var outer = Stopwatch.StartNew();
        Assert.Throws<TimeoutException>(() => child.Time(() => throw new TimeoutException()));
        var elapsed = outer.Elapsed.TotalSeconds;
        Assert.InRange(child.Value, 0, elapsed);
    }

    [Fact]
    public async Task TimeAsync_records_also_when_the_task_faults()
    {
        var registry = Registries.Worker();
        var histogram = registry.Histogram("h", OneBucket).Unlabelled;
        var summary = registry.Summary("s").Unlabelled;
        var gauge = registry.Gauge("g").Unlabelled;
        gauge.Set(-1);

        await histogram.TimeAsync(() => Task.CompletedTask);
        await Assert.ThrowsAsync<IOException>(() => histogram.TimeAsync(() => Task.FromException(new IOException())));
        await Assert.ThrowsAsync<IOException>(() => summary.TimeAsync(() => Task.FromException(new IOException())));
        await Assert.ThrowsAsync<IOException>(() => gauge.TimeAsync(() => Task.FromException(new IOException())));

        Assert.Equal(2, histogram.Count);
        Assert.Equal(1, summary.Count);
        Assert.True(gauge.Value >= 0);
    }

    [Fact]
    public void StartTimer_records_on_dispose_only()
    {
        var registry = Registries.Worker();
        var histogram = registry.Histogram("h", OneBucket).Unlabelled;
        var summary = registry.Summary("s").Unlabelled;
        var gauge = registry.Gauge("g").Unlabelled;
        gauge.Set(-1);
        var outer = Stopwatch.StartNew();

        using (var timer = histogram.StartTimer())
        {
            Assert.Equal(0, histogram.Count);
            Assert.True(timer.ElapsedSeconds >= 0);
        }

        using (summary.StartTimer())
        using (gauge.StartTimer())
        {
            Assert.Equal(0, summary.Count);
            Assert.Equal(-1, gauge.Value);
        }

        var elapsed = outer.Elapsed.TotalSeconds;
        Assert.Equal(1, histogram.Count);
        Assert.Equal(1, summary.Count);
        Assert.InRange(gauge.Value, 0, elapsed);
        Assert.InRange(summary.Sum, 0, elapsed);
    }

    [Fact]
    public void A_default_timer_records_nothing()
    {
        var timer = default(MetricTimer);
        timer.Dispose();
        Assert.Equal(default, timer);
        Assert.True(timer == default);
        Assert.False(timer != default);
        Assert.False(timer.Equals("timer"));
        Assert.Equal(default(MetricTimer).GetHashCode(), timer.GetHashCode());
    }

    [Fact]
    public void Two_timers_of_one_series_started_apart_differ()
    {
        var child = Registries.Worker().Summary("s").Unlabelled;
        var a = child.StartTimer();
        Assert.Equal(a, a);
        Assert.True(a.Equals((object)a));
        var b = child.StartTimer();
        while (b == a)
        {
            b = child.StartTimer();
        }

        Assert.NotEqual(a, b);
        Assert.Equal(0, child.Count);
    }

    [Fact]
    public void Time_by_name_records_in_gauge_histogram_and_summary_and_rethrows()
    {
        var registry = Registries.Worker();
        var gauge = registry.Gauge("g", "G", "k");
        var histogram = registry.Histogram("h", OneBucket with { LabelNames = ["k"] });
        var summary = registry.Summary("s", "S", "k");
        gauge.WithLabels("a").Set(-1);

        var runs = 0;
        registry.Time("g", () => runs++, "a");
        registry.Time("h", () => runs++, "a");
        Assert.Throws<ArithmeticException>(() => registry.Time("s", () => throw new ArithmeticException(), "a"));
        Assert.Throws<ArithmeticException>(() => registry.Time("h", () => throw new ArithmeticException(), "a"));

        Assert.Equal(2, runs);
        Assert.True(gauge.WithLabels("a").Value >= 0);
        Assert.Equal(2, histogram.WithLabels("a").Count);
        Assert.Equal(1, summary.WithLabels("a").Count);
    }

    [Fact]
    public void Time_needs_an_action()
    {
        var registry = Registries.Worker();
        var child = registry.Summary("s").Unlabelled;
        Assert.Equal("action", Assert.Throws<ArgumentNullException>(() => child.Time(null!)).ParamName);
        Assert.Equal("func", Assert.Throws<ArgumentNullException>(() => child.Time<int>(null!)).ParamName);
        Assert.Equal("action", Assert.Throws<ArgumentNullException>(() => registry.Time("s", null!)).ParamName);
        Assert.Equal(0, child.Count);
    }
}
