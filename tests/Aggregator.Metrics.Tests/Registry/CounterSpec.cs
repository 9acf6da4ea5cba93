namespace Aggregator.Metrics.Tests.Registry;

public sealed class CounterSpec
{
    [Theory]
    [InlineData("jobs_total")]
    [InlineData("jobs")]
    public void Unlabelled_counter_in_both_formats_whether_declared_with_total_or_not(string declared)
    {
        var registry = Registries.Worker();
        var jobs = registry.Counter(declared, "Jobs done");
        jobs.Inc();
        jobs.Inc(2);

        Assert.Equal(
            """
            # HELP jobs_total Jobs done
            # TYPE jobs_total counter
            jobs_total 3

            """,
            Expose.Text(registry));
        Assert.Equal(
            """
            # HELP jobs Jobs done
            # TYPE jobs counter
            jobs_total 3
            jobs_created 1700000000.5
            # EOF

            """,
            Expose.OpenMetrics(registry));
    }

    [Fact]
    public void An_unlabelled_counter_is_exposed_at_zero_from_declaration()
    {
        var registry = Registries.Worker();
        registry.Counter("c", "C");
        Assert.Equal(
            """
            # HELP c_total C
            # TYPE c_total counter
            c_total 0

            """,
            Expose.Text(registry));
    }

    [Fact]
    public void A_labelled_counter_has_no_series_until_one_is_used()
    {
        var registry = Registries.Worker();
        var counter = registry.Counter("c", "C", "method");
        Assert.Equal(0, counter.SeriesCount);
        Assert.Equal(
            """
            # HELP c_total C
            # TYPE c_total counter

            """,
            Expose.Text(registry));
        Assert.Equal(
            """
            # HELP c C
            # TYPE c counter
            # EOF

            """,
            Expose.OpenMetrics(registry));
    }

    [Fact]
    public void Created_is_the_time_the_series_was_made()
    {
        var clock = new ManualClock(1_700_000_000_000);
        var registry = Registries.Worker(clock: clock);
        var counter = registry.Counter("c", "C", "k");
        counter.WithLabels("a").Inc();
        clock.EpochMilliseconds = 1_700_000_003_250;
        counter.WithLabels("b").Inc();
        clock.EpochMilliseconds = 1_700_000_009_000;
        counter.WithLabels("a").Inc();

        Assert.Equal(
            """
            # HELP c C
            # TYPE c counter
            c_total{k="a"} 2
            c_created{k="a"} 1700000000
            c_total{k="b"} 1
            c_created{k="b"} 1700000003.25
            # EOF

            """,
            Expose.OpenMetrics(registry));
    }

    [Fact]
    public void Value_reads_the_current_value()
    {
        var registry = Registries.Worker();
        var child = registry.Counter("c", "C", "k").WithLabels("a");
        child.Inc(0.25);
        child.Inc();
        child.Inc(0);
        Assert.Equal(1.25, child.Value);
        Assert.Equal(["a"], child.LabelValues);
    }

    [Theory]
    [InlineData(-1, "Counter 'c' can only go up: increment -1 rejected. (Parameter 'amount')\nActual value was -1.")]
    [InlineData(-0.001, "Counter 'c' can only go up: increment -0.001 rejected. (Parameter 'amount')\nActual value was -0.001.")]
    [InlineData(double.NaN, "Counter 'c' can only go up: increment NaN rejected. (Parameter 'amount')\nActual value was NaN.")]
    [InlineData(double.NegativeInfinity, "Counter 'c' can only go up: increment -Infinity rejected. (Parameter 'amount')\nActual value was -Infinity.")]
    public void A_negative_or_NaN_increment_is_rejected_and_the_value_is_unchanged(double amount, string message)
    {
        var registry = Registries.Worker();
        var counter = registry.Counter("c_total", "C");
        counter.Inc(5);

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => counter.Inc(amount));
        Assert.Equal(message, ex.Message);
        Assert.Equal("amount", ex.ParamName);
        Assert.Equal(amount, ex.ActualValue);

        var byName = Assert.Throws<ArgumentOutOfRangeException>(() => registry.Inc("c_total", amount));
        Assert.Equal(message, byName.Message);

        Assert.Equal(5, counter.Unlabelled.Value);
        Assert.Equal(
            """
            # HELP c_total C
            # TYPE c_total counter
            c_total 5

            """,
            Expose.Text(registry));
    }

    [Fact]
    public void A_negative_increment_is_rejected_in_a_shared_and_a_timestamped_counter_too()
    {
        var shared = Registries.Shared().Counter("c", "C");
        shared.Inc(2);
        Assert.Throws<ArgumentOutOfRangeException>(() => shared.Inc(-1));
        Assert.Equal(2, shared.Unlabelled.Value);

        var stamped = Registries.Worker().Counter("c", new MetricOptions { Timestamped = true });
        stamped.Inc(3);
        Assert.Throws<ArgumentOutOfRangeException>(() => stamped.Inc(double.NaN));
        Assert.Equal(3, stamped.Unlabelled.Value);
    }

    [Fact]
    public void Infinity_is_a_valid_increment()
    {
        var registry = Registries.Worker();
        var counter = registry.Counter("c", "C");
        counter.Inc(double.PositiveInfinity);
        Assert.Equal(
            """
            # HELP c_total C
            # TYPE c_total counter
            c_total +Inf

            """,
            Expose.Text(registry));
    }

    [Fact]
    public void Series_are_sorted_by_label_values_ordinally()
    {
        var registry = Registries.Worker();
        var counter = registry.Counter("c", "C", "method", "code");
        counter.WithLabels("POST", "200").Inc();
        counter.WithLabels("GET", "500").Inc();
        counter.WithLabels("GET", "200").Inc();
        counter.WithLabels("get", "200").Inc();
        counter.WithLabels("GET", "1000").Inc();
        counter.WithLabels("", "200").Inc();

        Assert.Equal(
            """
            # HELP c_total C
            # TYPE c_total counter
            c_total{method="",code="200"} 1
            c_total{method="GET",code="1000"} 1
            c_total{method="GET",code="200"} 1
            c_total{method="GET",code="500"} 1
            c_total{method="POST",code="200"} 1
            c_total{method="get",code="200"} 1

            """,
            Expose.Text(registry));
    }

    [Fact]
    public void WithLabels_returns_the_same_child_for_the_same_values()
    {
        var counter = Registries.Worker().Counter("c", "C", "a", "b");
        var child = counter.WithLabels("x", "y");
        Assert.Same(child, counter.WithLabels("x", "y"));
        Assert.Same(child, counter.WithLabels(new string("x".ToCharArray()), "y"));
        Assert.NotSame(child, counter.WithLabels("y", "x"));
        Assert.Equal(2, counter.SeriesCount);
    }

    [Fact]
    public void WithLabels_keeps_many_series_apart()
    {
        var registry = Registries.Worker();
        var counter = registry.Counter("c", "C", "i");
        for (var round = 1; round <= 3; round++)
        {
            for (var i = 0; i < 1000; i++)
            {
                counter.WithLabels(i.ToString(System.Globalization.CultureInfo.InvariantCulture)).Inc(i);
            }
        }

        Assert.Equal(1000, counter.SeriesCount);
        var series = registry.Collect().Find("c")!.Series;
        Assert.Equal(1000, series.Count);
        Assert.All(series, s => Assert.Equal(3 * int.Parse(s.LabelValues[0], System.Globalization.CultureInfo.InvariantCulture), s.Value));
    }

    [Theory]
    [InlineData(new[] { "only-one" }, "Metric 'c' has 2 label(s) [method,code] but 1 value(s) were given. (Parameter 'labelValues')")]
    [InlineData(new[] { "a", "b", "c" }, "Metric 'c' has 2 label(s) [method,code] but 3 value(s) were given. (Parameter 'labelValues')")]
    [InlineData(new string[0], "Metric 'c' has 2 label(s) [method,code] but 0 value(s) were given. (Parameter 'labelValues')")]
    public void A_wrong_label_value_count_is_rejected(string[] values, string message)
    {
        var registry = Registries.Worker();
        var counter = registry.Counter("c", "C", "method", "code");
        Assert.Equal(message, Assert.Throws<ArgumentException>(() => counter.WithLabels(values)).Message);
        Assert.Equal(message, Assert.Throws<ArgumentException>(() => registry.Inc("c", values)).Message);
        Assert.Equal(0, counter.SeriesCount);
    }

    [Fact]
    public void A_label_value_on_an_unlabelled_counter_is_rejected()
    {
        var counter = Registries.Worker().Counter("c", "C");
        Assert.Equal(
            "Metric 'c' has 0 label(s) [] but 1 value(s) were given. (Parameter 'labelValues')",
            Assert.Throws<ArgumentException>(() => counter.WithLabels("x")).Message);
        Assert.Same(counter.Unlabelled, counter.WithLabels());
    }

    [Fact]
    public void A_null_label_value_is_rejected()
    {
        var registry = Registries.Worker();
        var counter = registry.Counter("c", "C", "method", "code");
        var ex = Assert.Throws<ArgumentNullException>(() => counter.WithLabels("GET", null!));
        Assert.Equal("Metric 'c': the value of label 'code' is null. (Parameter 'labelValues')", ex.Message);
        Assert.Throws<ArgumentNullException>(() => registry.Inc("c", null!, "200"));
        Assert.Equal(0, counter.SeriesCount);
    }

    [Fact]
    public void Unlabelled_on_a_labelled_family_is_an_error()
    {
        var counter = Registries.Worker().Counter("c", "C", "method", "code");
        var ex = Assert.Throws<InvalidOperationException>(() => counter.Unlabelled);
        Assert.Equal("Metric 'c' has labels [method,code]: use WithLabels(...) to pick a series.", ex.Message);
        Assert.Throws<InvalidOperationException>(() => counter.Inc());
        Assert.Throws<InvalidOperationException>(() => counter.Inc(1));
    }

    [Fact]
    public void Bad_declarations_throw_naming_the_culprit()
    {
        var registry = Registries.Worker();
        Assert.Equal(
            "Invalid metric name 'requests.total': it must match [a-zA-Z_:][a-zA-Z0-9_:]*. (Parameter 'name')",
            Assert.Throws<MetricDefinitionException>(() => registry.Counter("requests.total")).Message);
        Assert.Equal(
            "Invalid label name 'http-method' on metric 'requests': it must match [a-zA-Z_][a-zA-Z0-9_]*. (Parameter 'labelName')",
            Assert.Throws<MetricDefinitionException>(() => registry.Counter("requests_total", "R", "http-method")).Message);
        Assert.Equal(
            "Invalid label name '__internal' on metric 'requests': names starting with '__' are reserved. (Parameter 'labelName')",
            Assert.Throws<MetricDefinitionException>(() => registry.Counter("requests", "R", "__internal")).Message);
        Assert.Equal(
            "Label name 'code' appears twice on metric 'requests'. (Parameter 'LabelNames')",
            Assert.Throws<MetricDefinitionException>(() => registry.Counter("requests", "R", "code", "method", "code")).Message);
        Assert.Equal(
            "Metric 'requests' is a counter: only histograms have buckets. (Parameter 'buckets')",
            Assert.Throws<MetricDefinitionException>(() => registry.Counter("requests", new MetricOptions { Buckets = [1] })).Message);
        Assert.Empty(registry.Collect().Families);
        Assert.Empty(registry.Catalog.Definitions);
    }
}
