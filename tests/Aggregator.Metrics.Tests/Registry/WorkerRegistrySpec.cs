namespace Aggregator.Metrics.Tests.Registry;

public sealed class WorkerRegistrySpec
{
    [Fact]
    public void A_worker_registry_is_not_thread_safe_and_gets_a_private_catalog_by_default()
    {
        var a = new WorkerRegistry();
        var b = new WorkerRegistry();
        Assert.False(a.IsThreadSafe);
        Assert.NotSame(a.Catalog, b.Catalog);
        a.Counter("c");
        b.Gauge("c");
        Assert.Equal(MetricType.Counter, a.Catalog.Definitions.Single().Type);
        Assert.Equal(MetricType.Gauge, b.Catalog.Definitions.Single().Type);
    }

    [Fact]
    public void A_sibling_that_never_declared_a_name_resolves_the_catalogs_definition()
    {
        var catalog = Registries.Catalog();
        var declaring = new WorkerRegistry(catalog);
        var sibling = new WorkerRegistry(catalog);
        declaring.Counter("jobs_total", "Jobs", "kind").WithLabels("a").Inc(10);
        declaring.Gauge("depth", "Depth");
        declaring.Histogram("h", new MetricOptions { Help = "H", Buckets = [1] });
        declaring.Info("build", "B", "v");

        sibling.Inc("jobs_total", "b");
        sibling.Inc("jobs_total", 2, "b");
        sibling.Set("depth", 4);
        sibling.Observe("h", 0.5);
        sibling.SetInfo("build", "7");

        Assert.Equal(
            """
            # HELP build_info B
            # TYPE build_info gauge
            build_info{v="7"} 1
            # HELP depth Depth
            # TYPE depth gauge
            depth 4
            # HELP h H
            # TYPE h histogram
            h_bucket{le="1.0"} 1
            h_bucket{le="+Inf"} 1
            h_count 1
            h_sum 0.5
            # HELP jobs_total Jobs
            # TYPE jobs_total counter
            jobs_total{kind="b"} 3

            """,
            Expose.Text(sibling));
        Assert.Equal(
            """
            # HELP build_info B
            # TYPE build_info gauge
            # HELP depth Depth
            # TYPE depth gauge
            depth 0
            # HELP h H
            # TYPE h histogram
            h_bucket{le="1.0"} 0
            h_bucket{le="+Inf"} 0
            h_count 0
            h_sum 0
            # HELP jobs_total Jobs
            # TYPE jobs_total counter
            jobs_total{kind="a"} 10

            """,
            Expose.Text(declaring));

        // A later declaration in the sibling gets the family that name-based use created.
        var resolved = sibling.Resolve("jobs_total");
        Assert.Same(resolved, sibling.Counter("jobs_total", "Jobs", "kind"));
        Assert.Same(resolved, sibling.Counter("jobs", "Jobs", "kind"));
    }

    [Fact]
    public void A_sibling_resolves_only_declared_names()
    {
        var catalog = Registries.Catalog(new MetricsOptions { Namespace = "ns" });
        var declaring = new WorkerRegistry(catalog);
        var sibling = new WorkerRegistry(catalog);
        declaring.Counter("jobs");

        sibling.Inc("jobs");
        Assert.Equal(
            "No metric named 'ns_jobs_total' has been declared.",
            Assert.Throws<MetricNotFoundException>(() => sibling.Inc("ns_jobs_total")).Message);
        Assert.Equal(
            "No metric named 'jobs_total' has been declared.",
            Assert.Throws<MetricNotFoundException>(() => sibling.Inc("jobs_total")).Message);
        Assert.Equal("# HELP ns_jobs_total ns_jobs_total\n# TYPE ns_jobs_total counter\nns_jobs_total 1\n", Expose.Text(sibling));
    }

    [Fact]
    public void Siblings_share_definitions_so_they_cannot_disagree()
    {
        var catalog = Registries.Catalog();
        var a = new WorkerRegistry(catalog);
        var b = new WorkerRegistry(catalog);
        var ca = a.Counter("c", "C", "k");
        var cb = b.Counter("c", "C", "k");
        Assert.NotSame(ca, cb);
        Assert.Same(ca.Definition, cb.Definition);
        Assert.Throws<MetricConflictException>(() => b.Gauge("c", "C", "k"));
        ca.WithLabels("x").Inc();
        Assert.Equal(0, cb.SeriesCount);
    }

    [Fact]
    public void The_hot_path_allocates_nothing()
    {
        var registry = new WorkerRegistry();
        var cached = registry.Counter("cached_total", "C", "a", "b").WithLabels("a", "b");
        var labelled = registry.Counter("labelled_total", "L", "a", "b");
        labelled.WithLabels("a", "b");
        var histogram = registry.Histogram("latency_seconds", new MetricOptions { Buckets = Buckets.Exponential(0.001, 2, 16) }).Unlabelled;
        var gauge = registry.Gauge("depth").Unlabelled;
        var byName = registry.Counter("by_name_total", "N", "a", "b");
        registry.Inc("by_name_total", "a", "b");

        // Warm up long enough for the runtime's one-time work (JIT tiers, on-stack replacement) to happen here.
        Run(cached, labelled, histogram, gauge, registry, 2_000);

        // Any allocation on the hot path happens on every call, so it shows in every round of 10,000 calls; a round of
        // exactly 0 bytes proves there is none, while a one-off runtime allocation in one round cannot fail the test.
        var rounds = new long[3];
        for (var round = 0; round < rounds.Length; round++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            Run(cached, labelled, histogram, gauge, registry, 10_000);
            rounds[round] = GC.GetAllocatedBytesForCurrentThread() - before;
        }

        Assert.True(rounds.Min() == 0, $"bytes allocated per round of 10,000 calls: {string.Join(", ", rounds)}");
        Assert.Equal(32_000, cached.Value);
        Assert.Equal(32_000, labelled.WithLabels("a", "b").Value);
        Assert.Equal(32_000, histogram.Count);
        Assert.Equal(10_000, gauge.Value);
        Assert.Equal(32_001, byName.WithLabels("a", "b").Value);

        static void Run(Counter.Child cached, Counter labelled, Histogram.Child histogram, Gauge.Child gauge, WorkerRegistry registry, int n)
        {
            for (var i = 1; i <= n; i++)
            {
                cached.Inc();
                labelled.WithLabels("a", "b").Inc();
                histogram.Observe(i * 0.01);
                gauge.Set(i);
                registry.Inc("by_name_total", "a", "b");
            }
        }
    }
}
