namespace Aggregator.Metrics.Tests.Registry;

public sealed class RegistryBehaviourSpec
{
    private static MetricCatalog Catalog(ManualClock clock, int maxSeries = MetricsOptions.DefaultMaxSeriesPerFamily) =>
        new(new MetricsOptions { TimeProvider = clock, MaxSeriesPerFamily = maxSeries });

    [Fact]
    public void Timestamped_metrics_show_milliseconds_in_text_and_seconds_in_openmetrics()
    {
        var clock = new ManualClock(1_700_000_000_000);
        var registry = new WorkerRegistry(Catalog(clock));
        var counter = registry.Counter("c_total", new MetricOptions { Help = "C", Timestamped = true });
        var gauge = registry.Gauge("g", new MetricOptions { Help = "G", Timestamped = true });
        clock.EpochMilliseconds = 1_700_000_001_250;
        counter.Inc();
        clock.EpochMilliseconds = 1_700_000_002_000;
        gauge.Set(5);

        Assert.Equal(
            """
            # HELP c_total C
            # TYPE c_total counter
            c_total 1 1700000001250
            # HELP g G
            # TYPE g gauge
            g 5 1700000002000

            """,
            Expose.Text(registry));
        Assert.Equal(
            """
            # HELP c C
            # TYPE c counter
            c_total 1 1700000001.25
            c_created 1700000000 1700000001.25
            # HELP g G
            # TYPE g gauge
            g 5 1700000002
            # EOF

            """,
            Expose.OpenMetrics(registry));
        Assert.Equal(
            """
            # HELP c_total C
            # TYPE c_total counter
            c_total 1
            # HELP g G
            # TYPE g gauge
            g 5

            """,
            Expose.Render(registry.Collect(), Aggregator.Metrics.Exposition.ExpositionFormat.Text, includeTimestamps: false));
    }

    [Fact]
    public void A_mostrecent_gauge_records_update_times_but_shows_them_only_when_timestamped()
    {
        var clock = new ManualClock(1_700_000_000_000);
        var registry = new WorkerRegistry(Catalog(clock));
        var gauge = registry.Gauge("g", new MetricOptions { Help = "G", GaugePolicy = GaugeMergePolicy.MostRecent });
        clock.EpochMilliseconds = 1_700_000_000_777;
        gauge.Set(3);

        var series = registry.Collect().Find("g")!.Series[0];

        Assert.Equal(1_700_000_000_777, series.TimestampMs);
        Assert.Equal("# HELP g G\n# TYPE g gauge\ng 3\n", Expose.Text(registry));
    }

    [Fact]
    public void Gauge_operations_and_set_to_current_time()
    {
        var clock = new ManualClock(1_700_000_000_500);
        var registry = new WorkerRegistry(Catalog(clock));
        var gauge = registry.Gauge("g", "G", "k");
        gauge.WithLabels("a").Inc();
        gauge.WithLabels("a").Inc(2.5);
        gauge.WithLabels("a").Dec(0.5);
        gauge.WithLabels("b").Set(-7);
        gauge.WithLabels("b").Dec();
        gauge.WithLabels("t").SetToCurrentTime();
        registry.SetToCurrentTime("g", "n");

        Assert.Equal(
            """
            # HELP g G
            # TYPE g gauge
            g{k="a"} 3
            g{k="b"} -8
            g{k="n"} 1700000000.5
            g{k="t"} 1700000000.5

            """,
            Expose.Text(registry));
    }

    [Fact]
    public void Timers_record_seconds_also_when_the_timed_code_throws()
    {
        var registry = new WorkerRegistry();
        var histogram = registry.Histogram("h_seconds", new MetricOptions { Buckets = [10] }).Unlabelled;
        var summary = registry.Summary("s_seconds").Unlabelled;
        var gauge = registry.Gauge("g_seconds").Unlabelled;

        Assert.Throws<InvalidOperationException>(() => histogram.Time(() => throw new InvalidOperationException("boom")));
        Assert.Throws<InvalidOperationException>(() => summary.Time(() => throw new InvalidOperationException("boom")));
        Assert.Throws<InvalidOperationException>(() => registry.Time("g_seconds", () => throw new InvalidOperationException("boom")));
        using (histogram.StartTimer())
        {
            Thread.Sleep(5);
        }

        Assert.Equal(42, summary.Time(() => 42));

        Assert.Equal(2, histogram.Count);
        Assert.Equal(2, summary.Count);
        Assert.InRange(histogram.Sum, 0.005, 10);
        Assert.InRange(gauge.Value, 0, 10);
        Assert.True(gauge.Value >= 0);
    }

    [Fact]
    public async Task Async_timers_record_when_the_task_faults()
    {
        var registry = new WorkerRegistry();
        var summary = registry.Summary("s_seconds").Unlabelled;

        await Assert.ThrowsAsync<InvalidOperationException>(() => summary.TimeAsync(async () =>
        {
            await Task.Delay(5);
            throw new InvalidOperationException("late boom");
        }));

        Assert.Equal(1, summary.Count);
        Assert.True(summary.Sum >= 0.004);
    }

    [Fact]
    public void Past_the_series_cap_new_series_are_dropped_and_counted()
    {
        var registry = new WorkerRegistry(Catalog(new ManualClock(0), maxSeries: 2));
        var counter = registry.Counter("c_total", "C", "k");
        counter.WithLabels("a").Inc();
        counter.WithLabels("b").Inc();

        counter.WithLabels("c").Inc(5);
        counter.WithLabels("d").Inc();
        counter.WithLabels("a").Inc();

        Assert.Equal(2, counter.SeriesCount);
        Assert.Equal(2, counter.DroppedSeries);
        Assert.Equal(
            """
            # HELP aggregator_series_dropped_total New series refused because their family reached the series cap.
            # TYPE aggregator_series_dropped_total counter
            aggregator_series_dropped_total{family="c"} 2
            # HELP c_total C
            # TYPE c_total counter
            c_total{k="a"} 2
            c_total{k="b"} 1

            """,
            Expose.Text(registry));
    }

    [Fact]
    public void Custom_collectors_join_and_a_failing_one_is_left_out_and_counted()
    {
        var registry = new WorkerRegistry();
        registry.Gauge("own", "Own").Set(1);
        var failures = new List<string>();
        registry.CollectorFailed += (name, error) => failures.Add($"{name}: {error.Message}");
        registry.AddCollector("probe", () => [MetricFamilySnapshot.OfValue(new MetricDefinition(MetricType.Gauge, "probe_up", "Probe"), 1)]);
        registry.AddCollector("broken", () => throw new InvalidOperationException("down"));
        registry.AddCollector("clashing", () =>
        [
            MetricFamilySnapshot.OfValue(new MetricDefinition(MetricType.Gauge, "own", "Clash"), 9),
            MetricFamilySnapshot.OfValue(new MetricDefinition(MetricType.Gauge, "clash_ok", "Fine"), 2),
        ]);

        Assert.Equal(
            """
            # HELP aggregator_collector_errors_total Custom collector runs that threw or returned invalid families; their output was left out.
            # TYPE aggregator_collector_errors_total counter
            aggregator_collector_errors_total{collector="broken"} 1
            aggregator_collector_errors_total{collector="clashing"} 1
            # HELP clash_ok Fine
            # TYPE clash_ok gauge
            clash_ok 2
            # HELP own Own
            # TYPE own gauge
            own 1
            # HELP probe_up Probe
            # TYPE probe_up gauge
            probe_up 1

            """,
            Expose.Text(registry));
        Assert.Equal(["broken: down", "clashing: Collector 'clashing' returned family 'own', whose name is taken; it was left out."], failures);
    }

    [Fact]
    public void A_collector_family_whose_sample_names_are_taken_is_left_out()
    {
        var registry = new WorkerRegistry();
        registry.Counter("jobs_total", "Jobs").Inc();
        registry.AddCollector("sneaky", () =>
        [
            MetricFamilySnapshot.OfValue(new MetricDefinition(MetricType.Gauge, "jobs_total", "Clashes with the counter's sample"), 5),
            MetricFamilySnapshot.OfValue(new MetricDefinition(MetricType.Gauge, "aggregator_collector_errors", "Clashes with the registry's own"), 5),
        ]);

        Assert.Equal(
            """
            # HELP aggregator_collector_errors_total Custom collector runs that threw or returned invalid families; their output was left out.
            # TYPE aggregator_collector_errors_total counter
            aggregator_collector_errors_total{collector="sneaky"} 2
            # HELP jobs_total Jobs
            # TYPE jobs_total counter
            jobs_total 1

            """,
            Expose.Text(registry));
    }

    [Fact]
    public void A_shared_registry_counts_exactly_under_concurrent_updates()
    {
        var registry = new SharedRegistry();
        var counter = registry.Counter("c_total", "C", "k");
        var histogram = registry.Histogram("h", new MetricOptions { Buckets = [1] });
        var children = new System.Collections.Concurrent.ConcurrentBag<Counter.Child>();

        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, _ =>
        {
            var child = counter.WithLabels("same");
            children.Add(child);
            for (var i = 0; i < 100_000; i++)
            {
                child.Inc();
                histogram.Observe(0.5);
            }
        });

        Assert.Single(children.Distinct());
        Assert.Equal(400_000, counter.WithLabels("same").Value);
        Assert.Equal(400_000, histogram.Unlabelled.Count);
        Assert.Equal(200_000, histogram.Unlabelled.Sum);
    }

    [Fact]
    public void The_worker_registry_hot_path_allocates_nothing()
    {
        var registry = new WorkerRegistry();
        var counter = registry.Counter("c_total", "C", "a", "b");
        var cached = counter.WithLabels("x", "y");
        var histogram = registry.Histogram("h", new MetricOptions { Buckets = Buckets.Exponential(0.001, 2, 16) }).Unlabelled;
        var gauge = registry.Gauge("g").Unlabelled;
        void Work()
        {
            for (var i = 0; i < 10_000; i++)
            {
                cached.Inc();
                counter.WithLabels("x", "y").Inc();
                histogram.Observe(i * 0.01);
                gauge.Set(i);
                registry.Inc("c_total", "x", "y");
            }
        }

        Work();
        var before = GC.GetAllocatedBytesForCurrentThread();
        Work();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(60_000, cached.Value);
    }
}
