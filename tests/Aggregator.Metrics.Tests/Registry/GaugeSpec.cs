namespace Aggregator.Metrics.Tests.Registry;

public sealed class GaugeSpec
{
    [Fact]
    public void Labelled_gauge_in_both_formats()
    {
        var registry = Registries.Worker();
        var temperature = registry.Gauge("temperature_celsius", "Room temperature", "room");
        temperature.WithLabels("kitchen").Set(21.5);
        temperature.WithLabels("attic").Set(-3);

        Assert.Equal(
            """
            # HELP temperature_celsius Room temperature
            # TYPE temperature_celsius gauge
            temperature_celsius{room="attic"} -3
            temperature_celsius{room="kitchen"} 21.5

            """,
            Expose.Text(registry));
        Assert.Equal(
            """
            # HELP temperature_celsius Room temperature
            # TYPE temperature_celsius gauge
            temperature_celsius{room="attic"} -3
            temperature_celsius{room="kitchen"} 21.5
            # EOF

            """,
            Expose.OpenMetrics(registry));
    }

    [Fact]
    public void A_gauge_named_total_keeps_its_name()
    {
        var registry = Registries.Worker();
        registry.Gauge("things_total", "Things").Set(2);
        Assert.Equal(
            """
            # HELP things_total Things
            # TYPE things_total gauge
            things_total 2
            # EOF

            """,
            Expose.OpenMetrics(registry));
    }

    [Fact]
    public void Inc_dec_and_set()
    {
        var registry = Registries.Worker();
        var gauge = registry.Gauge("g", "G");
        gauge.Inc();
        gauge.Inc(4.5);
        gauge.Dec();
        gauge.Dec(0.25);
        Assert.Equal(4.25, gauge.Unlabelled.Value);
        gauge.Inc(-10);
        Assert.Equal(-5.75, gauge.Unlabelled.Value);
        gauge.Dec(-0.75);
        Assert.Equal(-5, gauge.Unlabelled.Value);
        gauge.Set(7);
        Assert.Equal(7, gauge.Unlabelled.Value);

        registry.Inc("g");
        registry.Inc("g", 2);
        registry.Dec("g");
        registry.Dec("g", 3);
        Assert.Equal(6, gauge.Unlabelled.Value);
        registry.Set("g", -1.5);

        Assert.Equal(
            """
            # HELP g G
            # TYPE g gauge
            g -1.5

            """,
            Expose.Text(registry));
    }

    [Fact]
    public void Gauge_children_work_by_handle_and_by_name()
    {
        var registry = Registries.Worker();
        var gauge = registry.Gauge("g", "G", "a", "b");
        var child = gauge.WithLabels("x", "y");
        child.Inc();
        child.Dec(0.5);
        registry.Inc("g", 2, "x", "y");
        registry.Dec("g", "x", "y");
        registry.Set("g", 10, "p", "q");
        Assert.Equal(1.5, child.Value);
        Assert.Equal(10, gauge.WithLabels("p", "q").Value);
    }

    [Fact]
    public void SetToCurrentTime_uses_the_registry_clock()
    {
        var clock = new ManualClock(1_700_000_123_000);
        var registry = Registries.Worker(clock: clock);
        var gauge = registry.Gauge("last_run_timestamp_seconds", "Last run", "job");
        gauge.WithLabels("a").SetToCurrentTime();
        clock.EpochMilliseconds = 1_700_000_124_250;
        registry.SetToCurrentTime("last_run_timestamp_seconds", "b");

        Assert.Equal(1_700_000_123, gauge.WithLabels("a").Value);
        Assert.Equal(
            """
            # HELP last_run_timestamp_seconds Last run
            # TYPE last_run_timestamp_seconds gauge
            last_run_timestamp_seconds{job="a"} 1700000123
            last_run_timestamp_seconds{job="b"} 1700000124.25

            """,
            Expose.Text(registry));
    }

    [Fact]
    public void Unlabelled_gauge_helpers_on_a_labelled_gauge_are_errors()
    {
        var gauge = Registries.Worker().Gauge("g", "G", "a");
        Assert.Equal(
            "Metric 'g' has labels [a]: use WithLabels(...) to pick a series.",
            Assert.Throws<InvalidOperationException>(() => gauge.Set(1)).Message);
        Assert.Throws<InvalidOperationException>(() => gauge.Inc());
        Assert.Throws<InvalidOperationException>(() => gauge.Dec());
    }

    [Fact]
    public void A_gauge_with_buckets_is_refused()
    {
        var registry = Registries.Worker();
        var ex = Assert.Throws<MetricDefinitionException>(() => registry.Gauge("g", new MetricOptions { Buckets = [0.5] }));
        Assert.Equal("Metric 'g' is a gauge: only histograms have buckets. (Parameter 'buckets')", ex.Message);
    }

    [Fact]
    public void A_most_recent_gauge_records_its_update_time_without_showing_it()
    {
        var clock = new ManualClock(1_700_000_000_000);
        var registry = Registries.Worker(clock: clock);
        var gauge = registry.Gauge("g", new MetricOptions { Help = "G", GaugePolicy = GaugeMergePolicy.MostRecent });
        Assert.False(registry.Collect().Find("g")!.Series[0].HasTimestamp);
        clock.EpochMilliseconds = 1_700_000_001_234;
        gauge.Set(5);

        var series = registry.Collect().Find("g")!.Series[0];
        Assert.True(series.HasTimestamp);
        Assert.Equal(1_700_000_001_234, series.TimestampMs);
        Assert.Equal(
            """
            # HELP g G
            # TYPE g gauge
            g 5

            """,
            Expose.Text(registry));

        clock.EpochMilliseconds = 1_700_000_002_000;
        gauge.Inc();
        Assert.Equal(1_700_000_002_000, registry.Collect().Find("g")!.Series[0].TimestampMs);
    }

    [Fact]
    public void A_timestamped_most_recent_gauge_shows_its_update_time()
    {
        var clock = new ManualClock(1_700_000_001_234);
        var registry = Registries.Worker(clock: clock);
        registry.Gauge("g", new MetricOptions { Help = "G", GaugePolicy = GaugeMergePolicy.MostRecent, Timestamped = true }).Set(5);
        Assert.Equal(
            """
            # HELP g G
            # TYPE g gauge
            g 5 1700000001234

            """,
            Expose.Text(registry));
    }

    [Fact]
    public void A_shared_most_recent_gauge_records_its_update_time()
    {
        var registry = Registries.Shared();
        registry.Gauge("g", new MetricOptions { GaugePolicy = GaugeMergePolicy.MostRecent }).Set(5);
        Assert.Equal(Registries.T0, registry.Collect().Find("g")!.Series[0].TimestampMs);
    }

    [Theory]
    [InlineData(GaugeMergePolicy.Max)]
    [InlineData(GaugeMergePolicy.Min)]
    [InlineData(GaugeMergePolicy.Sum)]
    [InlineData(GaugeMergePolicy.All)]
    public void Other_gauges_record_no_update_time(GaugeMergePolicy policy)
    {
        var worker = Registries.Worker();
        worker.Gauge("g", new MetricOptions { GaugePolicy = policy }).Set(5);
        Assert.False(worker.Collect().Find("g")!.Series[0].HasTimestamp);

        var shared = Registries.Shared();
        shared.Gauge("g", new MetricOptions { GaugePolicy = policy }).Set(5);
        Assert.False(shared.Collect().Find("g")!.Series[0].HasTimestamp);
    }
}
