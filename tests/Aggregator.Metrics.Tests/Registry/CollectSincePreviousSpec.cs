using Aggregator.Metrics.Exposition;

namespace Aggregator.Metrics.Tests.Registry;

/// <summary>
/// <see cref="MetricRegistry.Collect(FamilyFilter, MetricsSnapshot?)"/>: unchanged families come back as the previous
/// instances, changed ones as new snapshots, and the result always equals a plain collection.
/// </summary>
public sealed class CollectSincePreviousSpec
{
    [Fact]
    public void Nothing_changed_hands_back_the_previous_snapshot_itself()
    {
        var registry = Registries.Worker();
        registry.Counter("jobs_total", "Jobs", "kind").WithLabels("a").Inc(3);
        registry.Gauge("depth", "Depth").Unlabelled.Set(2);
        registry.Info("build", "Build", "version").Set("1.2");
        var previous = registry.Collect();

        Assert.Same(previous, registry.Collect(FamilyFilter.All, previous));
    }

    [Fact]
    public void Only_the_family_that_changed_is_copied_again()
    {
        var registry = Registries.Worker();
        var jobs = registry.Counter("jobs_total", "Jobs", "kind");
        jobs.WithLabels("a").Inc(3);
        jobs.WithLabels("b").Inc(1);
        registry.Gauge("depth", "Depth").Unlabelled.Set(2);
        var previous = registry.Collect();

        jobs.WithLabels("b").Inc(4);
        var next = registry.Collect(FamilyFilter.All, previous);

        Assert.NotSame(previous, next);
        Assert.Same(previous.Find("depth"), next.Find("depth"));
        Assert.NotSame(previous.Find("jobs"), next.Find("jobs"));
        Assert.Equal([3.0, 5.0], next.Find("jobs")!.Series.Select(s => s.Value));
        Assert.Equal([3.0, 1.0], previous.Find("jobs")!.Series.Select(s => s.Value));
        Assert.Equal(Expose.Text(registry), Expose.Render(next, ExpositionFormat.Text));
    }

    [Fact]
    public void A_new_series_a_new_family_and_a_changed_info_are_collected_anew()
    {
        var registry = Registries.Worker();
        var jobs = registry.Counter("jobs_total", "Jobs", "kind");
        jobs.WithLabels("b").Inc(1);
        var build = registry.Info("build", "Build", "version");
        build.Set("1.2");
        var previous = registry.Collect();

        jobs.WithLabels("a").Inc(7);
        build.Set("1.3");
        registry.Gauge("depth", "Depth").Unlabelled.Set(9);
        var next = registry.Collect(FamilyFilter.All, previous);

        Assert.Equal(
            """
            # HELP build_info Build
            # TYPE build_info gauge
            build_info{version="1.3"} 1
            # HELP depth Depth
            # TYPE depth gauge
            depth 9
            # HELP jobs_total Jobs
            # TYPE jobs_total counter
            jobs_total{kind="a"} 7
            jobs_total{kind="b"} 1

            """,
            Expose.Render(next, ExpositionFormat.Text, includeTimestamps: false));
        Assert.Equal(["build", "depth", "jobs"], next.Families.Select(f => f.Name));
    }

    [Fact]
    public void A_filtered_collection_keeps_only_the_selected_families_and_reuses_the_unchanged_ones()
    {
        var registry = Registries.Worker();
        var jobs = registry.Counter("jobs_total", "Jobs", "kind");
        jobs.WithLabels("a").Inc(3);
        registry.Gauge("depth", "Depth").Unlabelled.Set(2);
        registry.Histogram("latency_seconds", new MetricOptions { Help = "Latency", Buckets = [0.1, 1] }).Unlabelled.Observe(0.5);
        var previous = registry.Collect();

        jobs.WithLabels("a").Inc();
        var next = registry.Collect(new FamilyFilter(["jobs_total", "latency_seconds"]), previous);

        Assert.Equal(["jobs", "latency_seconds"], next.Families.Select(f => f.Name));
        Assert.Same(previous.Find("latency_seconds"), next.Find("latency_seconds"));
        Assert.Equal(4.0, next.Find("jobs")!.Series.Single().Value);

        // A filtered result is a fine previous for the next unfiltered collection: what it lacks is collected anew.
        var all = registry.Collect(FamilyFilter.All, next);
        Assert.Same(next.Find("jobs"), all.Find("jobs"));
        Assert.Equal(2.0, all.Find("depth")!.Series.Single().Value);
        Assert.Equal(Expose.Text(registry), Expose.Render(all, ExpositionFormat.Text));
    }

    [Fact]
    public void Idle_histograms_and_summaries_are_collected_again_without_allocating_and_an_observed_one_anew()
    {
        var registry = Registries.Worker();
        var jobs = registry.Summary("job_seconds", "Jobs", "kind");
        jobs.WithLabels("x").Observe(1.5);
        var latency = registry.Histogram("latency_seconds", new MetricOptions { Help = "Latency", Buckets = [0.1, 1], LabelNames = ["path"] });
        latency.WithLabels("/a").Observe(0.05);
        latency.WithLabels("/b").Observe(2);
        latency.WithLabels("/c");
        var previous = registry.Collect();
        Assert.Same(previous, registry.Collect(FamilyFilter.All, previous));

        // What an idle collection allocates (the registry's gathering of its families) does not grow with the series:
        // the same with 300 more idle histograms and summaries as without them.
        var small = IdleCollectionBytes(registry, previous);
        for (var i = 0; i < 300; i++)
        {
            latency.WithLabels($"/more/{i}").Observe(i / 100.0);
            jobs.WithLabels($"more{i}").Observe(i);
        }

        var larger = registry.Collect();
        Assert.Equal(small, IdleCollectionBytes(registry, larger));
        previous = registry.Collect();

        // One more observation in the +Inf bucket of /c: its running total differs at the last bucket only.
        latency.WithLabels("/c").Observe(5);
        var next = registry.Collect(FamilyFilter.All, previous);
        Assert.NotSame(previous, next);
        Assert.Equal([0L, 0L, 1L], next.Find("latency_seconds")!.Series[2].CumulativeBuckets);
        Assert.Equal([0L, 0L, 0L], previous.Find("latency_seconds")!.Series[2].CumulativeBuckets);
        Assert.Equal(Expose.Text(registry), Expose.Render(next, ExpositionFormat.Text));

        // A summary observed again is collected anew; the histograms, unchanged since, are the previous family.
        jobs.WithLabels("x").Observe(0.5);
        var last = registry.Collect(FamilyFilter.All, next);
        Assert.Same(next.Find("latency_seconds"), last.Find("latency_seconds"));
        var x = last.Find("job_seconds")!.Series.Single(s => s.LabelValues[0] == "x");
        Assert.Equal((2L, 2.0), (x.Count, x.Sum));
    }

    [Fact]
    public void Idle_series_of_a_shared_registry_and_a_native_histogram_are_compared_through_a_new_snapshot_and_reused()
    {
        var shared = Registries.Shared();
        shared.Histogram("latency_seconds", new MetricOptions { Help = "Latency", Buckets = [0.1, 1] }).Unlabelled.Observe(0.5);
        shared.Summary("job_seconds", "Jobs").Unlabelled.Observe(2);
        var previous = shared.Collect();
        Assert.Same(previous, shared.Collect(FamilyFilter.All, previous));

        var worker = Registries.Worker();
        var native = worker.Histogram("size_bytes", new MetricOptions { Help = "Size", Buckets = [10], NativeHistogram = new NativeHistogramOptions() });
        native.Unlabelled.Observe(3);
        var before = worker.Collect();
        Assert.Same(before, worker.Collect(FamilyFilter.All, before));
        native.Unlabelled.Observe(30);
        Assert.Equal(2, worker.Collect(FamilyFilter.All, before).Find("size_bytes")!.Series[0].Count);
    }

    private static long IdleCollectionBytes(MetricRegistry registry, MetricsSnapshot previous)
    {
        Assert.Same(previous, registry.Collect(FamilyFilter.All, previous));
        var before = GC.GetAllocatedBytesForCurrentThread();
        var again = registry.Collect(FamilyFilter.All, previous);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Same(previous, again);
        return allocated;
    }

    [Fact]
    public void A_custom_collectors_families_are_new_each_time_while_the_registrys_own_are_reused()
    {
        var registry = Registries.Worker();
        registry.Gauge("depth", "Depth").Unlabelled.Set(2);
        var calls = 0;
        registry.AddCollector("queue", () => [MetricFamilySnapshot.OfValue(new MetricDefinition(MetricType.Gauge, "queue_length", "Queue"), ++calls)]);
        var previous = registry.Collect();

        var next = registry.Collect(FamilyFilter.All, previous);

        Assert.NotSame(previous, next);
        Assert.Same(previous.Find("depth"), next.Find("depth"));
        Assert.Equal(2.0, next.Find("queue_length")!.Series.Single().Value);
    }

    [Fact]
    public void Random_updates_always_collect_what_a_plain_collection_does()
    {
        var random = new Random(15);
        var clock = new ManualClock(Registries.T0);
        var registry = Registries.Worker(clock: clock);
        var counter = registry.Counter("c_total", "C", "k");
        var gauge = registry.Gauge("g", "G", "k");
        var histogram = registry.Histogram("h_seconds", new MetricOptions { Help = "H", Buckets = [0.5, 1], LabelNames = ["k"] });
        var summary = registry.Summary("s_seconds", "S", "k");
        var previous = registry.Collect();
        var reused = 0;
        for (var round = 0; round < 300; round++)
        {
            for (var change = random.Next(3); change > 0; change--)
            {
                var key = "k" + random.Next(6);
                switch (random.Next(5))
                {
                    case 0: counter.WithLabels(key).Inc(random.Next(3)); break;
                    case 1: gauge.WithLabels(key).Set(random.Next(3) - 1); break;
                    case 2: histogram.WithLabels(key).Observe(random.NextDouble() * 2); break;
                    case 3: summary.WithLabels(key).Observe(random.NextDouble()); break;
                    default: clock.EpochMilliseconds += random.Next(2); break;
                }
            }

            var next = registry.Collect(FamilyFilter.All, previous);
            reused += next.Families.Count(f => previous.Families.Contains(f));
            Assert.Equal(Expose.Render(registry.Collect(), ExpositionFormat.OpenMetrics), Expose.Render(next, ExpositionFormat.OpenMetrics));
            previous = next;
        }

        // Both paths were taken: families reused, and families copied again.
        Assert.InRange(reused, 1, (300 * 4) - 1);
    }
}
