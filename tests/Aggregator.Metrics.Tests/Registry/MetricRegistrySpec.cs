namespace Aggregator.Metrics.Tests.Registry;

public sealed class MetricRegistrySpec
{
    public static TheoryData<string, Action<MetricRegistry>> NameBasedOperations => new()
    {
        { "Inc", r => r.Inc("nope", "a") },
        { "Inc(amount)", r => r.Inc("nope", 2, "a") },
        { "Dec", r => r.Dec("nope", "a") },
        { "Dec(amount)", r => r.Dec("nope", 2, "a") },
        { "Set", r => r.Set("nope", 1, "a") },
        { "SetToCurrentTime", r => r.SetToCurrentTime("nope", "a") },
        { "Observe", r => r.Observe("nope", 1, "a") },
        { "Time", r => r.Time("nope", () => { }, "a") },
        { "SetInfo", r => r.SetInfo("nope", "a") },
    };

    [Theory]
    [MemberData(nameof(NameBasedOperations))]
    public void Name_missing_policy_error_throws_for_every_name_based_operation(string operation, Action<MetricRegistry> use)
    {
        var registry = Registries.Worker();
        registry.Counter("declared", "D");
        var ex = Assert.Throws<MetricNotFoundException>(() => use(registry));
        Assert.Equal("No metric named 'nope' has been declared.", ex.Message);
        Assert.IsAssignableFrom<KeyNotFoundException>(ex);
        Assert.NotEmpty(operation);
    }

    [Theory]
    [MemberData(nameof(NameBasedOperations))]
    public void Name_missing_policy_ignore_does_nothing_for_every_name_based_operation(string operation, Action<MetricRegistry> use)
    {
        var registry = Registries.Worker(new MetricsOptions { NameMissingPolicy = NameMissingPolicy.Ignore });
        use(registry);
        Assert.Empty(registry.Collect().Families);
        Assert.Empty(registry.Catalog.Definitions);
        Assert.Equal(string.Empty, Expose.Text(registry));
        Assert.Equal("# EOF\n", Expose.OpenMetrics(registry));
        Assert.NotEmpty(operation);
    }

    [Fact]
    public void Name_missing_policy_ignore_still_runs_the_timed_action()
    {
        var registry = Registries.Worker(new MetricsOptions { NameMissingPolicy = NameMissingPolicy.Ignore });
        var runs = 0;
        registry.Time("nope", () => runs++);
        Assert.Throws<DivideByZeroException>(() => registry.Time("nope", () => throw new DivideByZeroException()));
        Assert.Equal(1, runs);
    }

    [Fact]
    public void Name_missing_policy_error_does_not_run_the_timed_action()
    {
        var registry = Registries.Worker();
        var runs = 0;
        Assert.Throws<MetricNotFoundException>(() => registry.Time("nope", () => runs++));
        Assert.Equal(0, runs);
    }

    [Fact]
    public void Resolve_finds_by_declared_name()
    {
        var registry = Registries.Worker(new MetricsOptions { NameMissingPolicy = NameMissingPolicy.Ignore });
        var counter = registry.Counter("c_total");
        Assert.Same(counter, registry.Resolve("c_total"));
        Assert.Null(registry.Resolve("c"));
        Assert.Equal("name", Assert.Throws<ArgumentNullException>(() => registry.Resolve(null!)).ParamName);
    }

    public static TheoryData<string, Action<MetricRegistry>, string> WrongTypes => new()
    {
        { "counter", r => r.Dec("counter"), "Metric 'counter' is a counter: Dec needs a gauge." },
        { "counter", r => r.Dec("counter", 2), "Metric 'counter' is a counter: Dec needs a gauge." },
        { "counter", r => r.Set("counter", 1), "Metric 'counter' is a counter: Set needs a gauge." },
        { "counter", r => r.SetToCurrentTime("counter"), "Metric 'counter' is a counter: SetToCurrentTime needs a gauge." },
        { "counter", r => r.Observe("counter", 1), "Metric 'counter' is a counter: Observe needs a histogram or summary." },
        { "counter", r => r.Time("counter", () => { }), "Metric 'counter' is a counter: Time needs a gauge, histogram or summary." },
        { "counter", r => r.SetInfo("counter", "x"), "Metric 'counter' is a counter: SetInfo needs an info metric." },
        { "gauge", r => r.Observe("gauge", 1), "Metric 'gauge' is a gauge: Observe needs a histogram or summary." },
        { "gauge", r => r.SetInfo("gauge", "x"), "Metric 'gauge' is a gauge: SetInfo needs an info metric." },
        { "histogram", r => r.Inc("histogram"), "Metric 'histogram' is a histogram: Inc needs a counter or gauge." },
        { "histogram", r => r.Inc("histogram", 3), "Metric 'histogram' is a histogram: Inc needs a counter or gauge." },
        { "histogram", r => r.Set("histogram", 1), "Metric 'histogram' is a histogram: Set needs a gauge." },
        { "summary", r => r.Dec("summary"), "Metric 'summary' is a summary: Dec needs a gauge." },
        { "summary", r => r.SetInfo("summary", "x"), "Metric 'summary' is a summary: SetInfo needs an info metric." },
        { "info", r => r.Inc("info"), "Metric 'info' is a info: Inc needs a counter or gauge." },
        { "info", r => r.Observe("info", 1), "Metric 'info' is a info: Observe needs a histogram or summary." },
        { "info", r => r.Time("info", () => { }), "Metric 'info' is a info: Time needs a gauge, histogram or summary." },
    };

    [Theory]
    [MemberData(nameof(WrongTypes))]
    public void Name_based_use_of_the_wrong_type_throws(string name, Action<MetricRegistry> use, string message)
    {
        var registry = Registries.Worker(new MetricsOptions { NameMissingPolicy = NameMissingPolicy.Ignore });
        registry.Counter("counter");
        registry.Gauge("gauge");
        registry.Histogram("histogram");
        registry.Summary("summary");
        registry.Info("info", "I", "k");
        var before = Expose.OpenMetrics(registry);

        var ex = Assert.Throws<InvalidOperationException>(() => use(registry));
        Assert.Equal(message, ex.Message);
        Assert.NotNull(registry.Resolve(name));
        Assert.Equal(before, Expose.OpenMetrics(registry));
    }

    [Fact]
    public void Several_families_are_sorted_by_name()
    {
        var registry = Registries.Worker();
        registry.Gauge("zeta", "Z").Set(1);
        registry.Counter("alpha_total", "A").Inc();
        registry.Summary("mid", "M");
        registry.Info("beta", "B", "v").Set("x");
        registry.Gauge("Upper", "U");

        Assert.Equal(
            """
            # HELP Upper U
            # TYPE Upper gauge
            Upper 0
            # HELP alpha_total A
            # TYPE alpha_total counter
            alpha_total 1
            # HELP beta_info B
            # TYPE beta_info gauge
            beta_info{v="x"} 1
            # HELP mid M
            # TYPE mid summary
            mid_count 0
            mid_sum 0
            # HELP zeta Z
            # TYPE zeta gauge
            zeta 1

            """,
            Expose.Text(registry));
        Assert.Equal(
            """
            # HELP Upper U
            # TYPE Upper gauge
            Upper 0
            # HELP alpha A
            # TYPE alpha counter
            alpha_total 1
            alpha_created 1700000000.5
            # HELP beta B
            # TYPE beta info
            beta_info{v="x"} 1
            # HELP mid M
            # TYPE mid summary
            mid_count 0
            mid_sum 0
            mid_created 1700000000.5
            # HELP zeta Z
            # TYPE zeta gauge
            zeta 1
            # EOF

            """,
            Expose.OpenMetrics(registry));
    }

    [Fact]
    public void An_empty_registry_exposes_nothing()
    {
        var registry = Registries.Worker();
        Assert.Empty(registry.Collect().Families);
        Assert.Equal(string.Empty, Expose.Text(registry));
        Assert.Equal("# EOF\n", Expose.OpenMetrics(registry));
    }

    [Fact]
    public void A_snapshot_is_immutable()
    {
        var registry = Registries.Worker();
        var counter = registry.Counter("c", "C", "k");
        counter.WithLabels("a").Inc();
        var snapshot = registry.Collect();
        counter.WithLabels("a").Inc();
        counter.WithLabels("b").Inc();

        Assert.Equal(
            """
            # HELP c_total C
            # TYPE c_total counter
            c_total{k="a"} 1

            """,
            Expose.Render(snapshot, Aggregator.Metrics.Exposition.ExpositionFormat.Text));
        Assert.Equal(2, registry.Collect().Find("c")!.Series.Count);
    }

    [Fact]
    public void New_families_appear_in_later_collections()
    {
        var registry = Registries.Worker();
        registry.Gauge("b");
        Assert.Equal(["b"], registry.Collect().Families.Select(f => f.Name));
        registry.Gauge("a");
        Assert.Equal(["a", "b"], registry.Collect().Families.Select(f => f.Name));
    }

    [Fact]
    public void Past_the_series_cap_new_series_are_dropped_and_counted()
    {
        var registry = Registries.Worker(new MetricsOptions { MaxSeriesPerFamily = 2 });
        var requests = registry.Counter("requests_total", "Requests", "path");
        var kept = requests.WithLabels("/a");
        kept.Inc();
        requests.WithLabels("/b").Inc();

        var dropped = requests.WithLabels("/c");
        dropped.Inc(5);
        registry.Inc("requests_total", "/d");
        registry.Inc("requests_total", "/b");
        kept.Inc();

        Assert.Equal(2, requests.SeriesCount);
        Assert.Equal(2, requests.DroppedSeries);
        Assert.Equal(
            """
            # HELP aggregator_series_dropped_total New series refused because their family reached the series cap.
            # TYPE aggregator_series_dropped_total counter
            aggregator_series_dropped_total{family="requests"} 2
            # HELP requests_total Requests
            # TYPE requests_total counter
            requests_total{path="/a"} 2
            requests_total{path="/b"} 2

            """,
            Expose.Text(registry));
        Assert.Equal(
            """
            # HELP aggregator_series_dropped New series refused because their family reached the series cap.
            # TYPE aggregator_series_dropped counter
            aggregator_series_dropped_total{family="requests"} 2
            # HELP requests Requests
            # TYPE requests counter
            requests_total{path="/a"} 2
            requests_created{path="/a"} 1700000000.5
            requests_total{path="/b"} 2
            requests_created{path="/b"} 1700000000.5
            # EOF

            """,
            Expose.OpenMetrics(registry));
    }

    [Fact]
    public void The_series_cap_is_per_family_and_counts_every_refused_lookup()
    {
        var registry = Registries.Worker(new MetricsOptions { MaxSeriesPerFamily = 1 });
        var gauge = registry.Gauge("g", "G", "k");
        var histogram = registry.Histogram("h", new MetricOptions { LabelNames = ["k"], Buckets = [1] });
        var unlabelled = registry.Summary("s");
        gauge.WithLabels("1").Set(1);
        gauge.WithLabels("2").Set(2);
        gauge.WithLabels("2").Set(3);
        gauge.WithLabels("3").Set(4);
        histogram.WithLabels("x").Observe(1);
        histogram.WithLabels("y").Observe(1);
        unlabelled.Observe(1);

        Assert.Equal(3, gauge.DroppedSeries);
        Assert.Equal(1, histogram.DroppedSeries);
        Assert.Equal(0, unlabelled.DroppedSeries);
        Assert.Equal(1, gauge.SeriesCount);
        Assert.Equal(1, gauge.WithLabels("1").Value);

        var snapshot = registry.Collect();
        var family = snapshot.Find("aggregator_series_dropped")!;
        Assert.Equal(["g", "h"], family.Series.Select(s => s.LabelValues[0]));
        Assert.Equal([3.0, 1.0], family.Series.Select(s => s.Value));
        Assert.Equal(["aggregator_series_dropped", "g", "h", "s"], snapshot.Families.Select(f => f.Name));
    }

    [Fact]
    public void The_series_cap_applies_in_a_shared_registry()
    {
        var registry = Registries.Shared(new MetricsOptions { MaxSeriesPerFamily = 3 });
        var counter = registry.Counter("c", "C", "k");
        for (var i = 0; i < 10; i++)
        {
            counter.WithLabels(i.ToString(System.Globalization.CultureInfo.InvariantCulture)).Inc();
        }

        Assert.Equal(3, counter.SeriesCount);
        Assert.Equal(7, counter.DroppedSeries);
        Assert.Contains("aggregator_series_dropped_total{family=\"c\"} 7\n", Expose.Text(registry), StringComparison.Ordinal);
    }

    private static MetricFamilySnapshot GaugeFamily(string name, double value, params string[] labelNames) =>
        new(new MetricDefinition(MetricType.Gauge, name, name + " help", labelNames), [SeriesSnapshot.ForValue([.. labelNames.Select(l => l + "-value")], value)]);

    [Fact]
    public void Custom_collector_families_appear_sorted_among_the_registrys()
    {
        var registry = Registries.Worker();
        registry.Gauge("m_gauge", "M").Set(1);
        var calls = 0;
        registry.AddCollector("process", () =>
        {
            calls++;
            return [GaugeFamily("z_collected", calls), GaugeFamily("a_collected", 2.5, "kind")];
        });

        Assert.Equal(
            """
            # HELP a_collected a_collected help
            # TYPE a_collected gauge
            a_collected{kind="kind-value"} 2.5
            # HELP m_gauge M
            # TYPE m_gauge gauge
            m_gauge 1
            # HELP z_collected z_collected help
            # TYPE z_collected gauge
            z_collected 1

            """,
            Expose.Text(registry));
        Assert.Contains("z_collected 2\n", Expose.Text(registry), StringComparison.Ordinal);
        Assert.Equal(2, calls);
    }

    [Fact]
    public void A_throwing_collector_is_left_out_and_counted()
    {
        var registry = Registries.Worker();
        registry.Gauge("g", "G").Set(1);
        registry.AddCollector("broken", () => throw new InvalidOperationException("no"));
        registry.AddCollector("lazy-broken", Lazy);
        registry.AddCollector("fine", () => [GaugeFamily("fine_gauge", 3)]);
        registry.Collect();

        Assert.Equal(
            """
            # HELP aggregator_collector_errors_total Custom collector runs that threw or returned invalid families; their output was left out.
            # TYPE aggregator_collector_errors_total counter
            aggregator_collector_errors_total{collector="broken"} 2
            aggregator_collector_errors_total{collector="lazy-broken"} 2
            # HELP fine_gauge fine_gauge help
            # TYPE fine_gauge gauge
            fine_gauge 3
            # HELP g G
            # TYPE g gauge
            g 1

            """,
            Expose.Text(registry));
        Assert.Equal(
            """
            # HELP aggregator_collector_errors Custom collector runs that threw or returned invalid families; their output was left out.
            # TYPE aggregator_collector_errors counter
            aggregator_collector_errors_total{collector="broken"} 3
            aggregator_collector_errors_total{collector="lazy-broken"} 3
            # HELP fine_gauge fine_gauge help
            # TYPE fine_gauge gauge
            fine_gauge 3
            # HELP g G
            # TYPE g gauge
            g 1
            # EOF

            """,
            Expose.OpenMetrics(registry));

        static IEnumerable<MetricFamilySnapshot> Lazy()
        {
            yield return GaugeFamily("partial", 1);
            throw new InvalidOperationException("half way");
        }
    }

    [Fact]
    public void Only_a_collectors_family_whose_name_is_taken_is_left_out_and_each_is_counted()
    {
        var registry = Registries.Worker();
        registry.Gauge("g", "G").Set(1);
        registry.AddCollector("first", () => [GaugeFamily("shared_name", 1)]);
        registry.AddCollector("clash-registry", () => [GaugeFamily("other", 5), GaugeFamily("g", 2)]);
        registry.AddCollector("clash-collector", () => [GaugeFamily("shared_name", 2)]);
        registry.AddCollector("clash-itself", () => [GaugeFamily("twice", 1), GaugeFamily("twice", 2)]);
        registry.AddCollector("null-family", () => [null!]);

        Assert.Equal(
            """
            # HELP aggregator_collector_errors_total Custom collector runs that threw or returned invalid families; their output was left out.
            # TYPE aggregator_collector_errors_total counter
            aggregator_collector_errors_total{collector="clash-collector"} 1
            aggregator_collector_errors_total{collector="clash-itself"} 1
            aggregator_collector_errors_total{collector="clash-registry"} 1
            aggregator_collector_errors_total{collector="null-family"} 1
            # HELP g G
            # TYPE g gauge
            g 1
            # HELP other other help
            # TYPE other gauge
            other 5
            # HELP shared_name shared_name help
            # TYPE shared_name gauge
            shared_name 1
            # HELP twice twice help
            # TYPE twice gauge
            twice 1

            """,
            Expose.Text(registry));
    }

    [Fact]
    public void A_collector_family_whose_samples_collide_with_a_registry_family_is_left_out()
    {
        var registry = Registries.Worker();
        registry.Counter("jobs", "Jobs").Inc();
        registry.AddCollector("clash", () => [GaugeFamily("jobs_total", 7)]);

        Assert.Equal(
            """
            # HELP aggregator_collector_errors_total Custom collector runs that threw or returned invalid families; their output was left out.
            # TYPE aggregator_collector_errors_total counter
            aggregator_collector_errors_total{collector="clash"} 1
            # HELP jobs_total Jobs
            # TYPE jobs_total counter
            jobs_total 1

            """,
            Expose.Text(registry));
    }

    [Fact]
    public void A_collector_may_not_use_the_registrys_own_family_names()
    {
        var registry = Registries.Worker();
        registry.AddCollector("broken", () => throw new InvalidOperationException());
        registry.AddCollector("impostor", () => [GaugeFamily("aggregator_collector_errors", 1)]);
        registry.AddCollector("impostor-sample", () => [GaugeFamily("aggregator_series_dropped_total", 1)]);

        Assert.Equal(
            """
            # HELP aggregator_collector_errors_total Custom collector runs that threw or returned invalid families; their output was left out.
            # TYPE aggregator_collector_errors_total counter
            aggregator_collector_errors_total{collector="broken"} 1
            aggregator_collector_errors_total{collector="impostor"} 1
            aggregator_collector_errors_total{collector="impostor-sample"} 1

            """,
            Expose.Text(registry));
    }

    [Fact]
    public void Collector_families_are_checked_against_each_others_sample_names()
    {
        var registry = Registries.Worker();
        var histogram = new MetricFamilySnapshot(new MetricDefinition(MetricType.Histogram, "lat", "L", buckets: [1]), [SeriesSnapshot.ForHistogram([], [0, 0], 0)]);
        registry.AddCollector("histogram", () => [histogram]);
        registry.AddCollector("count-gauge", () => [GaugeFamily("lat_count", 1)]);
        registry.AddCollector("self-clash", () => [GaugeFamily("q_sum", 1), new MetricFamilySnapshot(new MetricDefinition(MetricType.Summary, "q", "Q"), [])]);

        var snapshot = registry.Collect();
        // The summary "q" clashes with the gauge "q_sum" its own collector returned first: the summary alone is left out.
        Assert.Equal(["aggregator_collector_errors", "lat", "q_sum"], snapshot.Families.Select(f => f.Name));
        Assert.Equal(["count-gauge", "self-clash"], snapshot.Find("aggregator_collector_errors")!.Series.Select(s => s.LabelValues[0]));
    }

    [Fact]
    public void AddCollector_checks_its_arguments()
    {
        var registry = Registries.Worker();
        Assert.Equal("name", Assert.Throws<ArgumentException>(() => registry.AddCollector(string.Empty, () => [])).ParamName);
        Assert.Equal("name", Assert.Throws<ArgumentNullException>(() => registry.AddCollector(null!, () => [])).ParamName);
        Assert.Equal("collect", Assert.Throws<ArgumentNullException>(() => registry.AddCollector("c", null!)).ParamName);
    }

    [Fact]
    public void A_shared_registry_runs_collectors_too()
    {
        var registry = Registries.Shared();
        registry.AddCollector("ok", () => [GaugeFamily("collected", 1)]);
        registry.AddCollector("bad", () => throw new InvalidOperationException());
        Assert.Equal(["aggregator_collector_errors", "collected"], registry.Collect().Families.Select(f => f.Name));
    }
}
