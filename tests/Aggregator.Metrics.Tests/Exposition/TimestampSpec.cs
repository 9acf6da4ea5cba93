using Aggregator.Metrics.Exposition;

namespace Aggregator.Metrics.Tests.Exposition;

public sealed class TimestampSpec
{
    private static readonly MetricOptions Stamped = new() { Help = "C", Timestamped = true };

    [Fact]
    public void A_timestamped_counter_shows_milliseconds_in_text_and_seconds_in_OpenMetrics()
    {
        var clock = new ManualClock(1_700_000_000_000);
        var registry = Registries.Worker(clock: clock);
        var counter = registry.Counter("c", Stamped with { LabelNames = ["k"] });
        counter.WithLabels("a").Inc();
        clock.EpochMilliseconds = 1_700_000_000_500;
        counter.WithLabels("a").Inc(2);
        counter.WithLabels("b").Inc();

        Assert.Equal(
            """
            # HELP c_total C
            # TYPE c_total counter
            c_total{k="a"} 3 1700000000500
            c_total{k="b"} 1 1700000000500

            """,
            Expose.Text(registry));
        Assert.Equal(
            """
            # HELP c C
            # TYPE c counter
            c_total{k="a"} 3 1700000000.5
            c_created{k="a"} 1700000000 1700000000.5
            c_total{k="b"} 1 1700000000.5
            c_created{k="b"} 1700000000.5 1700000000.5
            # EOF

            """,
            Expose.OpenMetrics(registry));
    }

    [Fact]
    public void Whole_seconds_are_written_without_a_dot()
    {
        var registry = Registries.Worker(clock: new ManualClock(1_700_000_000_000));
        registry.Counter("c", Stamped).Inc();
        Assert.Equal(
            """
            # HELP c C
            # TYPE c counter
            c_total 1 1700000000
            c_created 1700000000 1700000000
            # EOF

            """,
            Expose.OpenMetrics(registry));
    }

    [Fact]
    public void A_timestamped_series_not_yet_updated_has_no_timestamp()
    {
        var registry = Registries.Worker();
        registry.Counter("c", Stamped);
        Assert.Equal("# HELP c_total C\n# TYPE c_total counter\nc_total 0\n", Expose.Text(registry));
        Assert.Equal("# HELP c C\n# TYPE c counter\nc_total 0\nc_created 1700000000.5\n# EOF\n", Expose.OpenMetrics(registry));
    }

    [Fact]
    public void IncludeTimestamps_false_leaves_them_out()
    {
        var registry = Registries.Worker();
        registry.Counter("c", Stamped).Inc();
        registry.Gauge("g", Stamped with { Help = "G" }).Set(2);
        Assert.Equal(
            """
            # HELP c_total C
            # TYPE c_total counter
            c_total 1
            # HELP g G
            # TYPE g gauge
            g 2

            """,
            Expose.Text(registry, includeTimestamps: false));
        Assert.Equal(
            """
            # HELP c C
            # TYPE c counter
            c_total 1
            c_created 1700000000.5
            # HELP g G
            # TYPE g gauge
            g 2
            # EOF

            """,
            Expose.OpenMetrics(registry, includeTimestamps: false));
    }

    [Fact]
    public void Every_line_of_a_timestamped_histogram_and_summary_carries_the_timestamp()
    {
        var clock = new ManualClock(1_700_000_000_000);
        var registry = Registries.Worker(clock: clock);
        var h = registry.Histogram("h", Stamped with { Help = "H", Buckets = [1] });
        var s = registry.Summary("s", Stamped with { Help = "S" });
        clock.EpochMilliseconds = 1_700_000_001_250;
        h.Observe(0.5);
        registry.Observe("s", 2);
        registry.Observe("h", 0.75);

        Assert.Equal(
            """
            # HELP h H
            # TYPE h histogram
            h_bucket{le="1.0"} 2 1700000001250
            h_bucket{le="+Inf"} 2 1700000001250
            h_count 2 1700000001250
            h_sum 1.25 1700000001250
            # HELP s S
            # TYPE s summary
            s_count 1 1700000001250
            s_sum 2 1700000001250

            """,
            Expose.Text(registry));
        Assert.Equal(
            """
            # HELP h H
            # TYPE h histogram
            h_bucket{le="1.0"} 2 1700000001.25
            h_bucket{le="+Inf"} 2 1700000001.25
            h_count 2 1700000001.25
            h_sum 1.25 1700000001.25
            h_created 1700000000 1700000001.25
            # HELP s S
            # TYPE s summary
            s_count 1 1700000001.25
            s_sum 2 1700000001.25
            s_created 1700000000 1700000001.25
            # EOF

            """,
            Expose.OpenMetrics(registry));
        Assert.Equal(1, s.Unlabelled.Count);
    }

    [Fact]
    public void A_timestamped_gauge_and_shared_counter_show_their_update_time()
    {
        var clock = new ManualClock(1_700_000_000_000);
        var registry = Registries.Shared(clock: clock);
        var gauge = registry.Gauge("g", Stamped with { Help = "G" });
        var counter = registry.Counter("c", Stamped);
        clock.EpochMilliseconds = 1_700_000_000_007;
        gauge.Set(1);
        counter.Inc();
        clock.EpochMilliseconds = 1_700_000_000_070;
        gauge.Unlabelled.SetToCurrentTime();

        Assert.Equal(
            """
            # HELP c_total C
            # TYPE c_total counter
            c_total 1 1700000000007
            # HELP g G
            # TYPE g gauge
            g 1700000000.07 1700000000070

            """,
            Expose.Text(registry));
        Assert.Equal(
            """
            # HELP c C
            # TYPE c counter
            c_total 1 1700000000.007
            c_created 1700000000 1700000000.007
            # HELP g G
            # TYPE g gauge
            g 1700000000.07 1700000000.07
            # EOF

            """,
            Expose.OpenMetrics(registry));
    }

    [Theory]
    [InlineData(1_700_000_000_000, "1700000000")]
    [InlineData(1_700_000_000_500, "1700000000.5")]
    [InlineData(1_700_000_000_050, "1700000000.05")]
    [InlineData(1_700_000_000_005, "1700000000.005")]
    [InlineData(1_700_000_000_120, "1700000000.12")]
    [InlineData(1_700_000_000_123, "1700000000.123")]
    [InlineData(0, "0")]
    [InlineData(1, "0.001")]
    [InlineData(-1, "-0.001")]
    [InlineData(-1_500, "-1.5")]
    [InlineData(-2_000, "-2")]
    [InlineData(-999, "-0.999")]
    public void Millisecond_timestamps_are_written_as_OpenMetrics_seconds(long milliseconds, string seconds)
    {
        var definition = new MetricDefinition(MetricType.Gauge, "g", "G", timestamped: true);
        var snapshot = new MetricsSnapshot([new MetricFamilySnapshot(definition, [SeriesSnapshot.ForValue([], 1, milliseconds)])]);
        Assert.Equal($"# HELP g G\n# TYPE g gauge\ng 1 {seconds}\n# EOF\n", Expose.Render(snapshot, ExpositionFormat.OpenMetrics));
        Assert.Equal(
            $"# HELP g G\n# TYPE g gauge\ng 1 {milliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}\n",
            Expose.Render(snapshot, ExpositionFormat.Text));
    }

    [Fact]
    public void Timestamps_of_a_family_not_declared_timestamped_are_not_shown()
    {
        var definition = new MetricDefinition(MetricType.Gauge, "g", "G");
        var snapshot = new MetricsSnapshot([new MetricFamilySnapshot(definition, [SeriesSnapshot.ForValue([], 1, 1234)])]);
        Assert.Equal("# HELP g G\n# TYPE g gauge\ng 1\n", Expose.Render(snapshot, ExpositionFormat.Text));
    }
}
