namespace Aggregator.Metrics.Tests.Registry;

public sealed class MetricCatalogSpec
{
    private static readonly MetricsOptions Ignore = new() { NameConflictPolicy = NameConflictPolicy.Ignore };

    [Fact]
    public void Defaults()
    {
        var options = new MetricsOptions();
        Assert.Equal(string.Empty, options.Namespace);
        Assert.Null(options.NameCallback);
        Assert.Equal(NameConflictPolicy.Error, options.NameConflictPolicy);
        Assert.Equal(NameMissingPolicy.Error, options.NameMissingPolicy);
        Assert.Equal(100_000, options.MaxSeriesPerFamily);
        Assert.Same(TimeProvider.System, options.TimeProvider);
        Assert.Empty(MetricOptions.None.LabelNames);
        Assert.Null(MetricOptions.None.Help);
        Assert.Null(MetricOptions.None.Namespace);
        Assert.Null(MetricOptions.None.Buckets);
        Assert.False(MetricOptions.None.Timestamped);
        Assert.Null(MetricOptions.None.GaugePolicy);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void A_series_cap_below_one_is_refused(int cap)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new MetricCatalog(new MetricsOptions { MaxSeriesPerFamily = cap }));
        Assert.Equal($"MaxSeriesPerFamily must be at least 1. (Parameter 'options')\nActual value was {cap}.", ex.Message);
    }

    [Fact]
    public void An_invalid_namespace_is_refused()
    {
        var ex = Assert.Throws<MetricDefinitionException>(() => new MetricCatalog(new MetricsOptions { Namespace = "my-app" }));
        Assert.Equal("Invalid metric name 'my-app': it must match [a-zA-Z_:][a-zA-Z0-9_:]*. (Parameter 'name')", ex.Message);
    }

    [Fact]
    public void The_global_namespace_prefixes_every_exposed_name_and_callers_keep_the_short_name()
    {
        var registry = Registries.Worker(new MetricsOptions { Namespace = "flightaware" });
        var departures = registry.Counter("departures_total", "Departures", "airline");
        registry.Inc("departures_total", "UA");
        departures.WithLabels("UA").Inc();

        Assert.Equal("flightaware_departures", departures.Definition.Name);
        Assert.Equal(
            """
            # HELP flightaware_departures_total Departures
            # TYPE flightaware_departures_total counter
            flightaware_departures_total{airline="UA"} 2

            """,
            Expose.Text(registry));

        var ex = Assert.Throws<MetricNotFoundException>(() => registry.Inc("flightaware_departures_total", "UA"));
        Assert.Equal("No metric named 'flightaware_departures_total' has been declared.", ex.Message);
    }

    [Fact]
    public void A_per_metric_namespace_replaces_the_global_one()
    {
        var registry = Registries.Worker(new MetricsOptions { Namespace = "global" });
        registry.Gauge("a", new MetricOptions { Namespace = "local" }).Set(1);
        registry.Gauge("b", new MetricOptions { Namespace = string.Empty }).Set(2);
        registry.Gauge("c").Set(3);
        registry.Set("a", 10);

        Assert.Equal(
            """
            # HELP b b
            # TYPE b gauge
            b 2
            # HELP global_c global_c
            # TYPE global_c gauge
            global_c 3
            # HELP local_a local_a
            # TYPE local_a gauge
            local_a 10

            """,
            Expose.Text(registry));
    }

    [Fact]
    public void A_namespace_that_makes_an_invalid_name_is_refused()
    {
        var registry = Registries.Worker();
        var ex = Assert.Throws<MetricDefinitionException>(() => registry.Gauge("g", new MetricOptions { Namespace = "9" }));
        Assert.Equal("Invalid metric name '9_g': it must match [a-zA-Z_:][a-zA-Z0-9_:]*. (Parameter 'name')", ex.Message);
    }

    [Fact]
    public void The_info_suffix_is_added_before_the_namespace()
    {
        var registry = Registries.Worker(new MetricsOptions { Namespace = "app" });
        var info = registry.Info("build", "Build", "version");
        Assert.Equal("app_build", info.Definition.Name);
        Assert.Equal("app_build_info", info.Definition.SampleName());
    }

    [Fact]
    public void The_name_callback_maps_type_and_name_and_callers_keep_the_short_name()
    {
        var seen = new List<(MetricType, string)>();
        var registry = Registries.Worker(new MetricsOptions
        {
            Namespace = "ns",
            NameCallback = (type, name) =>
            {
                seen.Add((type, name));
                return type == MetricType.Counter ? name + "_total" : "g_" + name;
            },
        });
        var example = registry.Counter("example");
        registry.Gauge("depth");
        registry.Inc("example");
        registry.Inc("example", 2);
        registry.Set("depth", 7);

        Assert.Equal([(MetricType.Counter, "example"), (MetricType.Gauge, "depth")], seen);
        Assert.Equal("ns_example", example.Definition.Name);
        Assert.Equal(3, example.Unlabelled.Value);
        Assert.Equal(
            """
            # HELP ns_example_total ns_example_total
            # TYPE ns_example_total counter
            ns_example_total 3
            # HELP ns_g_depth ns_g_depth
            # TYPE ns_g_depth gauge
            ns_g_depth 7

            """,
            Expose.Text(registry));

        Assert.Equal(
            "No metric named 'example_total' has been declared.",
            Assert.Throws<MetricNotFoundException>(() => registry.Inc("example_total")).Message);
        Assert.Equal(
            "No metric named 'ns_example_total' has been declared.",
            Assert.Throws<MetricNotFoundException>(() => registry.Inc("ns_example_total")).Message);
        Assert.Equal(
            "No metric named 'g_depth' has been declared.",
            Assert.Throws<MetricNotFoundException>(() => registry.Set("g_depth", 1)).Message);
    }

    [Fact]
    public void The_name_callback_result_is_validated()
    {
        var empty = Registries.Worker(new MetricsOptions { NameCallback = (_, _) => string.Empty });
        Assert.Equal(
            "The name callback returned an empty name for counter 'c'. (Parameter 'name')",
            Assert.Throws<MetricDefinitionException>(() => empty.Counter("c")).Message);

        var bad = Registries.Worker(new MetricsOptions { NameCallback = (_, n) => n + "-x" });
        Assert.Equal(
            "Invalid metric name 'c-x': it must match [a-zA-Z_:][a-zA-Z0-9_:]*. (Parameter 'name')",
            Assert.Throws<MetricDefinitionException>(() => bad.Counter("c")).Message);
    }

    [Fact]
    public void The_declared_name_itself_is_validated_before_the_callback()
    {
        var registry = Registries.Worker(new MetricsOptions { NameCallback = (_, _) => "fine" });
        Assert.Equal(
            "Invalid metric name 'not ok': it must match [a-zA-Z_:][a-zA-Z0-9_:]*. (Parameter 'name')",
            Assert.Throws<MetricDefinitionException>(() => registry.Counter("not ok")).Message);
    }

    [Fact]
    public void Declaring_an_equal_definition_again_returns_the_same_definition()
    {
        var catalog = Registries.Catalog();
        var options = new MetricOptions { Help = "h", LabelNames = ["a"] };
        var first = catalog.Declare(MetricType.Counter, "c", options);
        Assert.Same(first, catalog.Declare(MetricType.Counter, "c", options with { LabelNames = ["a"] }));
        Assert.Same(first, catalog.Declare(MetricType.Counter, "c_total", options));
        Assert.True(catalog.TryGet("c", out var byShort));
        Assert.True(catalog.TryGet("c_total", out var byLong));
        Assert.Same(first, byShort);
        Assert.Same(first, byLong);
        Assert.False(catalog.TryGet("c_created", out _));
    }

    [Fact]
    public void Definitions_are_listed_sorted_by_family_name()
    {
        var catalog = Registries.Catalog();
        catalog.Declare(MetricType.Gauge, "zeta");
        catalog.Declare(MetricType.Counter, "beta_total");
        catalog.Declare(MetricType.Counter, "beta");
        catalog.Declare(MetricType.Summary, "Alpha");
        Assert.Equal(["Alpha", "beta", "zeta"], catalog.Definitions.Select(d => d.Name));
    }

    [Fact]
    public void Idempotent_redeclaration_returns_the_same_family()
    {
        var registry = Registries.Worker();
        var counter = registry.Counter("c", "help", "a");
        Assert.Same(counter, registry.Counter("c", "help", "a"));
        Assert.Same(counter, registry.Counter("c_total", "help", "a"));
        var histogram = registry.Histogram("h", new MetricOptions { Buckets = [1, 2] });
        Assert.Same(histogram, registry.Histogram("h", new MetricOptions { Buckets = [1, 2, double.PositiveInfinity] }));
        var info = registry.Info("build", "b", "v");
        Assert.Same(info, registry.Info("build_info", "b", "v"));
        var gauge = registry.Gauge("g");
        Assert.Same(gauge, registry.Gauge("g", new MetricOptions()));
        var summary = registry.Summary("s");
        Assert.Same(summary, registry.Summary("s"));
    }

    public static TheoryData<Action<MetricRegistry>, string> Conflicts => new()
    {
        { r => r.Gauge("x"), "Metric 'x' is already declared as counter x{a} and cannot be declared again as gauge x{} policy=Max: type counter vs gauge." },
        { r => r.Counter("x", "help", "b"), "Metric 'x' is already declared as counter x{a} and cannot be declared again as counter x{b}: label names [a] vs [b]." },
        { r => r.Counter("x", "other help", "a"), "Metric 'x' is already declared as counter x{a} and cannot be declared again as counter x{a}: help text differs." },
        { r => r.Counter("x", new MetricOptions { Help = "help", LabelNames = ["a"], Timestamped = true }), "Metric 'x' is already declared as counter x{a} and cannot be declared again as counter x{a} timestamped: timestamp flag differs." },
        { r => r.Counter("x_total", "other help", "a"), "Metric 'x_total' is already declared as counter x{a} and cannot be declared again as counter x{a}: help text differs." },
        { r => r.Gauge("x_total"), "Metric 'x_total' is already declared as counter x{a} and cannot be declared again as gauge x_total{} policy=Max: its samples collide with counter 'x'." },
        { r => r.Gauge("x_created"), "Metric 'x_created' is already declared as counter x{a} and cannot be declared again as gauge x_created{} policy=Max: its samples collide with counter 'x'." },
        { r => r.Info("x", "help", "a"), "Metric 'x' is already declared as counter x{a} and cannot be declared again as info x{a}: type counter vs info." },
    };

    [Theory]
    [MemberData(nameof(Conflicts))]
    public void Conflict_policy_error_throws_naming_the_difference(Action<MetricRegistry> declare, string message)
    {
        var registry = Registries.Worker();
        registry.Counter("x", "help", "a");
        var ex = Assert.Throws<MetricConflictException>(() => declare(registry));
        Assert.Equal(message, ex.Message);
        Assert.IsAssignableFrom<InvalidOperationException>(ex);
    }

    [Fact]
    public void Sample_names_collide_in_both_directions()
    {
        var registry = Registries.Worker();
        registry.Gauge("y_total");
        Assert.Equal(
            "Metric 'y' is already declared as gauge y_total{} policy=Max and cannot be declared again as counter y{}: its samples collide with gauge 'y_total'.",
            Assert.Throws<MetricConflictException>(() => registry.Counter("y")).Message);

        registry.Histogram("h");
        Assert.Equal(
            "Metric 'h_bucket' is already declared as histogram h{} buckets=[0.005,0.01,0.025,0.05,0.1,0.25,0.5,1,2.5,5,10] and cannot be declared again as gauge h_bucket{} policy=Max: its samples collide with histogram 'h'.",
            Assert.Throws<MetricConflictException>(() => registry.Gauge("h_bucket")).Message);
        Assert.Throws<MetricConflictException>(() => registry.Gauge("h_sum"));
        Assert.Throws<MetricConflictException>(() => registry.Gauge("h_count"));
        Assert.Throws<MetricConflictException>(() => registry.Counter("h_created"));

        registry.Summary("s");
        Assert.Throws<MetricConflictException>(() => registry.Gauge("s_count"));
        registry.Info("i", "i", "v");
        Assert.Throws<MetricConflictException>(() => registry.Gauge("i_info"));
    }

    [Fact]
    public void A_conflicting_histogram_bucket_list_is_named()
    {
        var registry = Registries.Worker();
        registry.Histogram("h", new MetricOptions { Buckets = [1, 2] });
        var ex = Assert.Throws<MetricConflictException>(() => registry.Histogram("h", new MetricOptions { Buckets = [1, 3] }));
        Assert.Equal("Metric 'h' is already declared as histogram h{} buckets=[1,2] and cannot be declared again as histogram h{} buckets=[1,3]: different bucket bounds.", ex.Message);
    }

    [Fact]
    public void A_conflicting_gauge_policy_is_named()
    {
        var registry = Registries.Worker();
        registry.Gauge("g", new MetricOptions { GaugePolicy = GaugeMergePolicy.Sum });
        var ex = Assert.Throws<MetricConflictException>(() => registry.Gauge("g"));
        Assert.Equal("Metric 'g' is already declared as gauge g{} policy=Sum and cannot be declared again as gauge g{} policy=Max: gauge policy Sum vs Max.", ex.Message);
    }

    [Fact]
    public void A_conflict_leaves_the_first_declaration_untouched()
    {
        var registry = Registries.Worker();
        registry.Counter("x", "help", "a").WithLabels("1").Inc();
        Assert.Throws<MetricConflictException>(() => registry.Gauge("x"));
        registry.Inc("x", "1");
        Assert.Equal(
            """
            # HELP x_total help
            # TYPE x_total counter
            x_total{a="1"} 2

            """,
            Expose.Text(registry));
    }

    [Fact]
    public void Conflict_policy_ignore_returns_the_existing_family_for_the_same_type()
    {
        var registry = Registries.Worker(Ignore);
        var first = registry.Counter("x", "help", "a");
        var again = registry.Counter("x", "other help", "b", "c");
        Assert.Same(first, again);
        Assert.False(again.IsDetached);
        Assert.Equal(["a"], again.Definition.LabelNames);
        Assert.Same(first, registry.Counter("x_total", "third help"));
    }

    [Fact]
    public void Conflict_policy_ignore_returns_a_detached_family_for_another_type()
    {
        var registry = Registries.Worker(Ignore);
        var counter = registry.Counter("x", "help");
        counter.Inc(4);
        var gauge = registry.Gauge("x", "gauge help");
        Assert.True(gauge.IsDetached);
        Assert.False(counter.IsDetached);
        gauge.Set(42);
        Assert.Equal(42, gauge.Unlabelled.Value);

        Assert.Equal(
            """
            # HELP x_total help
            # TYPE x_total counter
            x_total 4

            """,
            Expose.Text(registry));

        // Name-based use still reaches the first declaration.
        Assert.Equal(
            "Metric 'x' is a counter: Set needs a gauge.",
            Assert.Throws<InvalidOperationException>(() => registry.Set("x", 1)).Message);
    }

    [Fact]
    public void Conflict_policy_ignore_detaches_a_sample_name_collision()
    {
        var registry = Registries.Worker(Ignore);
        registry.Counter("x").Inc();
        var gauge = registry.Gauge("x_total");
        Assert.True(gauge.IsDetached);
        gauge.Set(9);
        var histogram = registry.Histogram("x_created");
        Assert.True(histogram.IsDetached);
        histogram.Observe(1);

        Assert.Equal(
            """
            # HELP x x_total
            # TYPE x counter
            x_total 1
            x_created 1700000000.5
            # EOF

            """,
            Expose.OpenMetrics(registry));
    }

    [Fact]
    public void Conflict_policy_ignore_on_the_catalog_returns_null_for_another_type()
    {
        var catalog = Registries.Catalog(Ignore);
        var counter = catalog.Declare(MetricType.Counter, "x");
        Assert.Null(catalog.Declare(MetricType.Gauge, "x"));
        Assert.Null(catalog.Declare(MetricType.Gauge, "x_total"));
        Assert.Same(counter, catalog.Declare(MetricType.Counter, "x", new MetricOptions { Help = "different" }));
        Assert.Equal([counter!], catalog.Definitions);
    }

    [Fact]
    public void Definition_errors_are_not_governed_by_the_conflict_policy()
    {
        var registry = Registries.Worker(Ignore);
        Assert.Throws<MetricDefinitionException>(() => registry.Counter("bad name"));
        Assert.Throws<MetricDefinitionException>(() => registry.Info("i"));
    }

    [Theory]
    [InlineData(MetricType.Counter, "aggregator_series_dropped", "", "aggregator_series_dropped_total", "aggregator_series_dropped_total")]
    [InlineData(MetricType.Counter, "aggregator_series_dropped_total", "", "aggregator_series_dropped_total", "aggregator_series_dropped_total")]
    [InlineData(MetricType.Counter, "aggregator_collector_errors", "", "aggregator_collector_errors_total", "aggregator_collector_errors_total")]
    [InlineData(MetricType.Gauge, "aggregator_collector_errors_total", "", "aggregator_collector_errors_total", "aggregator_collector_errors_total")]
    [InlineData(MetricType.Gauge, "aggregator_series_dropped", "", "aggregator_series_dropped", "aggregator_series_dropped_total")]
    [InlineData(MetricType.Gauge, "aggregator_series_dropped_created", "", "aggregator_series_dropped_created", "aggregator_series_dropped_total")]
    [InlineData(MetricType.Histogram, "aggregator_collector_errors", "", "aggregator_collector_errors", "aggregator_collector_errors_total")]
    [InlineData(MetricType.Summary, "aggregator_series_dropped", "", "aggregator_series_dropped", "aggregator_series_dropped_total")]
    [InlineData(MetricType.Info, "aggregator_collector_errors", "", "aggregator_collector_errors_info", "aggregator_collector_errors_total")]
    [InlineData(MetricType.Counter, "series_dropped", "aggregator", "aggregator_series_dropped_total", "aggregator_series_dropped_total")]
    [InlineData(MetricType.Gauge, "collector_errors_total", "aggregator", "aggregator_collector_errors_total", "aggregator_collector_errors_total")]
    public void A_metric_exposed_under_a_name_of_the_registrys_own_families_is_refused_at_declaration(
        MetricType type, string name, string metricNamespace, string exposed, string reserved)
    {
        var registry = Registries.Worker(new MetricsOptions { Namespace = metricNamespace });

        var ex = Assert.Throws<MetricDefinitionException>(() => Declare(registry, type, name));

        Assert.Equal(
            $"Metric '{name}' is exposed as '{exposed}', a name reserved for the registry's own counter '{reserved}': declare it under another name. (Parameter 'name')",
            ex.Message);
        Assert.Empty(registry.Catalog.Definitions);
        Assert.Throws<MetricDefinitionException>(() => registry.Catalog.Declare(type, name, new MetricOptions { LabelNames = ["k"] }));
    }

    [Fact]
    public void A_name_callback_cannot_give_a_metric_a_reserved_name_and_the_registrys_own_counters_still_collect()
    {
        var registry = Registries.Worker(new MetricsOptions
        {
            MaxSeriesPerFamily = 1,
            NameCallback = (type, name) => type == MetricType.Counter ? "aggregator_" + name : name,
        });
        var jobs = registry.Gauge("jobs", "Jobs", "kind");
        jobs.WithLabels("a").Set(1);
        jobs.WithLabels("b").Set(2);

        var ex = Assert.Throws<MetricDefinitionException>(() => registry.Counter("series_dropped", "Mine"));

        Assert.Equal(
            "Metric 'series_dropped' is exposed as 'aggregator_series_dropped_total', a name reserved for the registry's own counter 'aggregator_series_dropped_total': declare it under another name. (Parameter 'name')",
            ex.Message);
        Assert.Equal(
            """
            # HELP aggregator_series_dropped_total New series refused because their family reached the series cap.
            # TYPE aggregator_series_dropped_total counter
            aggregator_series_dropped_total{family="jobs"} 1
            # HELP jobs Jobs
            # TYPE jobs gauge
            jobs{kind="a"} 1

            """,
            Expose.Text(registry));
    }

    [Fact]
    public void Names_beside_the_reserved_ones_are_free()
    {
        var registry = Registries.Worker();
        registry.Counter("aggregator_series", "Series").Inc();
        registry.Gauge("aggregator_collector_errors_count", "Count").Set(2);
        registry.Gauge("aggregator_series_dropped_totals", "Totals").Set(3);

        Assert.Equal(
            """
            # HELP aggregator_collector_errors_count Count
            # TYPE aggregator_collector_errors_count gauge
            aggregator_collector_errors_count 2
            # HELP aggregator_series_total Series
            # TYPE aggregator_series_total counter
            aggregator_series_total 1
            # HELP aggregator_series_dropped_totals Totals
            # TYPE aggregator_series_dropped_totals gauge
            aggregator_series_dropped_totals 3

            """,
            Expose.Text(registry));
    }

    private static MetricFamily Declare(MetricRegistry registry, MetricType type, string name)
    {
        var options = new MetricOptions { Help = "Mine", LabelNames = ["k"] };
        return type switch
        {
            MetricType.Counter => registry.Counter(name, options),
            MetricType.Gauge => registry.Gauge(name, options),
            MetricType.Histogram => registry.Histogram(name, options),
            MetricType.Summary => registry.Summary(name, options),
            _ => registry.Info(name, options),
        };
    }
}
