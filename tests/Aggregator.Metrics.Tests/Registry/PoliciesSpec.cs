namespace Aggregator.Metrics.Tests.Registry;

public sealed class PoliciesSpec
{
    [Fact]
    public void Namespace_prefixes_exposed_names_while_callers_keep_the_short_name()
    {
        var registry = new WorkerRegistry(new MetricCatalog(new MetricsOptions { Namespace = "flightaware" }));
        registry.Counter("departures_total", "Departures", "airline");
        registry.Gauge("queue", new MetricOptions { Help = "Queue", Namespace = "other" });

        registry.Inc("departures_total", "UA");

        Assert.Equal(
            """
            # HELP flightaware_departures_total Departures
            # TYPE flightaware_departures_total counter
            flightaware_departures_total{airline="UA"} 1
            # HELP other_queue Queue
            # TYPE other_queue gauge
            other_queue 0

            """,
            Expose.Text(registry));
        Assert.Equal("No metric named 'flightaware_departures_total' has been declared.", Assert.Throws<MetricNotFoundException>(() => registry.Inc("flightaware_departures_total", "UA")).Message);
    }

    [Fact]
    public void The_name_callback_maps_names_at_declaration_and_callers_keep_the_declared_name()
    {
        var registry = new WorkerRegistry(new MetricCatalog(new MetricsOptions
        {
            NameCallback = (type, name) => type == MetricType.Counter ? name + "_total" : "app_" + name,
        }));
        registry.Counter("example", "Example");
        registry.Gauge("temperature", "Temperature");

        registry.Inc("example");
        registry.Set("temperature", 21);

        Assert.Equal(
            """
            # HELP app_temperature Temperature
            # TYPE app_temperature gauge
            app_temperature 21
            # HELP example_total Example
            # TYPE example_total counter
            example_total 1

            """,
            Expose.Text(registry));
        Assert.Throws<MetricNotFoundException>(() => registry.Inc("example_total"));
    }

    [Fact]
    public void Info_gets_its_suffix_and_a_counter_its_total()
    {
        var registry = new WorkerRegistry();
        registry.Info("build", "Build", "version").Set("1.2");
        registry.Info("host_info", "Host", "name").Set("a");
        registry.Counter("plain", "Plain").Inc();

        Assert.Equal(
            """
            # HELP build_info Build
            # TYPE build_info gauge
            build_info{version="1.2"} 1
            # HELP host_info Host
            # TYPE host_info gauge
            host_info{name="a"} 1
            # HELP plain_total Plain
            # TYPE plain_total counter
            plain_total 1

            """,
            Expose.Text(registry));
    }

    [Fact]
    public void Declaring_an_identical_definition_again_returns_the_same_family()
    {
        var catalog = new MetricCatalog();
        var first = new WorkerRegistry(catalog);
        var second = new WorkerRegistry(catalog);

        Assert.Same(first.Counter("c_total", "C", "a"), first.Counter("c_total", "C", "a"));
        Assert.Same(first.Counter("c_total", "C", "a").Definition, second.Counter("c_total", "C", "a").Definition);
    }

    [Fact]
    public void Name_conflict_policy_error_throws_naming_the_difference()
    {
        var registry = new WorkerRegistry();
        registry.Counter("c_total", "C", "a");

        Assert.Equal(
            "Metric 'c_total' is already declared as counter c{a} and cannot be declared again as counter c{b}: label names [a] vs [b].",
            Assert.Throws<MetricConflictException>(() => registry.Counter("c_total", "C", "b")).Message);
        Assert.Equal(
            "Metric 'c_total' is already declared as counter c{a} and cannot be declared again as gauge c_total{a} policy=Max: its samples collide with counter 'c'.",
            Assert.Throws<MetricConflictException>(() => registry.Gauge("c_total", "C", "a")).Message);
        Assert.Equal(
            "Metric 'c' is already declared as counter c{a} and cannot be declared again as gauge c{a} policy=Max: type counter vs gauge.",
            Assert.Throws<MetricConflictException>(() => registry.Gauge("c", "C", "a")).Message);
    }

    [Fact]
    public void Name_conflict_policy_ignore_keeps_the_first_definition()
    {
        var registry = new WorkerRegistry(new MetricCatalog(new MetricsOptions { NameConflictPolicy = NameConflictPolicy.Ignore }));
        var first = registry.Counter("c_total", "C", "a");

        var sameType = registry.Counter("c_total", "Other help", "b");
        var otherType = registry.Gauge("c_total", "C");
        otherType.Set(99);

        Assert.Same(first, sameType);
        Assert.True(otherType.IsDetached);
        Assert.False(first.IsDetached);
        Assert.Equal(["c"], registry.Collect().Families.Select(f => f.Name));
    }

    [Fact]
    public void Name_missing_policy_error_throws_and_ignore_does_nothing()
    {
        var strict = new WorkerRegistry();
        var lax = new WorkerRegistry(new MetricCatalog(new MetricsOptions { NameMissingPolicy = NameMissingPolicy.Ignore }));
        Action<MetricRegistry>[] uses =
        [
            r => r.Inc("missing"),
            r => r.Inc("missing", 2),
            r => r.Dec("missing"),
            r => r.Set("missing", 1),
            r => r.SetToCurrentTime("missing"),
            r => r.Observe("missing", 1),
            r => r.Time("missing", () => { }),
            r => r.SetInfo("missing", "v"),
        ];

        foreach (var use in uses)
        {
            Assert.Equal("No metric named 'missing' has been declared.", Assert.Throws<MetricNotFoundException>(() => use(strict)).Message);
            use(lax);
        }

        Assert.Empty(lax.Collect().Families);
    }

    [Fact]
    public void Name_based_use_of_the_wrong_type_says_what_was_needed()
    {
        var registry = new WorkerRegistry();
        registry.Counter("c_total", "C");
        registry.Gauge("g", "G");

        Assert.Equal("Metric 'c_total' is a counter: Observe needs a histogram or summary.", Assert.Throws<InvalidOperationException>(() => registry.Observe("c_total", 1)).Message);
        Assert.Equal("Metric 'c_total' is a counter: Set needs a gauge.", Assert.Throws<InvalidOperationException>(() => registry.Set("c_total", 1)).Message);
        Assert.Equal("Metric 'g' is a gauge: SetInfo needs an info metric.", Assert.Throws<InvalidOperationException>(() => registry.SetInfo("g", "x")).Message);
    }

    [Fact]
    public void A_second_worker_registry_uses_a_name_its_sibling_declared()
    {
        var catalog = new MetricCatalog();
        var declaring = new WorkerRegistry(catalog);
        declaring.Counter("jobs_total", "Jobs", "queue");
        var other = new WorkerRegistry(catalog);

        other.Inc("jobs_total", 3, "fast");

        Assert.Equal(
            """
            # HELP jobs_total Jobs
            # TYPE jobs_total counter
            jobs_total{queue="fast"} 3

            """,
            Expose.Text(other));
    }
}
