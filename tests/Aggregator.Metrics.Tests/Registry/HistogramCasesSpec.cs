namespace Aggregator.Metrics.Tests.Registry;

public sealed class HistogramCasesSpec
{
    [Fact]
    public void Unlabelled_histogram_with_default_buckets_in_both_formats()
    {
        var registry = Registries.Worker();
        var h = registry.Histogram("request_duration_seconds", "Request duration");
        h.Observe(0.005);
        h.Observe(0.3);
        h.Observe(11);

        Assert.Equal(
            """
            # HELP request_duration_seconds Request duration
            # TYPE request_duration_seconds histogram
            request_duration_seconds_bucket{le="0.005"} 1
            request_duration_seconds_bucket{le="0.01"} 1
            request_duration_seconds_bucket{le="0.025"} 1
            request_duration_seconds_bucket{le="0.05"} 1
            request_duration_seconds_bucket{le="0.1"} 1
            request_duration_seconds_bucket{le="0.25"} 1
            request_duration_seconds_bucket{le="0.5"} 2
            request_duration_seconds_bucket{le="1.0"} 2
            request_duration_seconds_bucket{le="2.5"} 2
            request_duration_seconds_bucket{le="5.0"} 2
            request_duration_seconds_bucket{le="10.0"} 2
            request_duration_seconds_bucket{le="+Inf"} 3
            request_duration_seconds_count 3
            request_duration_seconds_sum 11.305

            """,
            Expose.Text(registry));
        Assert.Equal(
            """
            # HELP request_duration_seconds Request duration
            # TYPE request_duration_seconds histogram
            request_duration_seconds_bucket{le="0.005"} 1
            request_duration_seconds_bucket{le="0.01"} 1
            request_duration_seconds_bucket{le="0.025"} 1
            request_duration_seconds_bucket{le="0.05"} 1
            request_duration_seconds_bucket{le="0.1"} 1
            request_duration_seconds_bucket{le="0.25"} 1
            request_duration_seconds_bucket{le="0.5"} 2
            request_duration_seconds_bucket{le="1.0"} 2
            request_duration_seconds_bucket{le="2.5"} 2
            request_duration_seconds_bucket{le="5.0"} 2
            request_duration_seconds_bucket{le="10.0"} 2
            request_duration_seconds_bucket{le="+Inf"} 3
            request_duration_seconds_count 3
            request_duration_seconds_sum 11.305
            request_duration_seconds_created 1700000000.5
            # EOF

            """,
            Expose.OpenMetrics(registry));
    }

    [Fact]
    public void Labelled_histogram_with_custom_buckets_in_both_formats()
    {
        var registry = Registries.Worker();
        var h = registry.Histogram("latency_seconds", new MetricOptions { Help = "Latency", LabelNames = ["path"], Buckets = [0.25, 1, 1e20] });
        h.WithLabels("/b").Observe(1);
        h.WithLabels("/a").Observe(0.25);
        h.WithLabels("/a").Observe(0.5);
        h.WithLabels("/a").Observe(2);
        registry.Observe("latency_seconds", 1e21, "/a");

        Assert.Equal(
            """
            # HELP latency_seconds Latency
            # TYPE latency_seconds histogram
            latency_seconds_bucket{path="/a",le="0.25"} 1
            latency_seconds_bucket{path="/a",le="1.0"} 2
            latency_seconds_bucket{path="/a",le="1e+20"} 3
            latency_seconds_bucket{path="/a",le="+Inf"} 4
            latency_seconds_count{path="/a"} 4
            latency_seconds_sum{path="/a"} 1e+21
            latency_seconds_bucket{path="/b",le="0.25"} 0
            latency_seconds_bucket{path="/b",le="1.0"} 1
            latency_seconds_bucket{path="/b",le="1e+20"} 1
            latency_seconds_bucket{path="/b",le="+Inf"} 1
            latency_seconds_count{path="/b"} 1
            latency_seconds_sum{path="/b"} 1

            """,
            Expose.Text(registry));
        Assert.Equal(
            """
            # HELP latency_seconds Latency
            # TYPE latency_seconds histogram
            latency_seconds_bucket{path="/a",le="0.25"} 1
            latency_seconds_bucket{path="/a",le="1.0"} 2
            latency_seconds_bucket{path="/a",le="1e+20"} 3
            latency_seconds_bucket{path="/a",le="+Inf"} 4
            latency_seconds_count{path="/a"} 4
            latency_seconds_sum{path="/a"} 1e+21
            latency_seconds_created{path="/a"} 1700000000.5
            latency_seconds_bucket{path="/b",le="0.25"} 0
            latency_seconds_bucket{path="/b",le="1.0"} 1
            latency_seconds_bucket{path="/b",le="1e+20"} 1
            latency_seconds_bucket{path="/b",le="+Inf"} 1
            latency_seconds_count{path="/b"} 1
            latency_seconds_sum{path="/b"} 1
            latency_seconds_created{path="/b"} 1700000000.5
            # EOF

            """,
            Expose.OpenMetrics(registry));
    }

    [Fact]
    public void A_labelled_histogram_with_no_series_shows_only_its_header()
    {
        var registry = Registries.Worker();
        registry.Histogram("h", "H", "path");
        Assert.Equal("# HELP h H\n# TYPE h histogram\n", Expose.Text(registry));
        Assert.Equal("# HELP h H\n# TYPE h histogram\n# EOF\n", Expose.OpenMetrics(registry));
    }

    [Fact]
    public void Observations_land_in_the_first_bucket_at_least_as_large()
    {
        var registry = Registries.Worker();
        var h = registry.Histogram("h", new MetricOptions { Buckets = [-1, 0, 1] });
        foreach (var v in new[] { double.NegativeInfinity, -1, -0.5, 0, -0.0, 1, 1.0000001, double.PositiveInfinity, double.NaN })
        {
            h.Observe(v);
        }

        var series = registry.Collect().Find("h")!.Series[0];
        Assert.Equal([2L, 5, 6, 9], series.CumulativeBuckets);
        Assert.Equal(9, series.Count);
        Assert.Equal(9, h.Unlabelled.Count);
        Assert.True(double.IsNaN(h.Unlabelled.Sum));
    }

    [Fact]
    public void Count_and_sum_read_the_child()
    {
        var h = Registries.Worker().Histogram("h", new MetricOptions { Buckets = [1] });
        h.Observe(0.5);
        h.Observe(3);
        Assert.Equal(2, h.Unlabelled.Count);
        Assert.Equal(3.5, h.Unlabelled.Sum);
    }

    [Fact]
    public void Negative_bounds_are_rendered_with_a_fraction_in_text_and_drop_sum_and_count_in_OpenMetrics()
    {
        var registry = Registries.Worker();
        var h = registry.Histogram("temp", new MetricOptions { Help = "T", Buckets = [-10, 0, 10] });
        h.Observe(-20);
        h.Observe(5);

        Assert.Equal(
            """
            # HELP temp T
            # TYPE temp histogram
            temp_bucket{le="-10.0"} 1
            temp_bucket{le="0.0"} 1
            temp_bucket{le="10.0"} 2
            temp_bucket{le="+Inf"} 2
            temp_count 2
            temp_sum -15

            """,
            Expose.Text(registry));
        Assert.Equal(
            """
            # HELP temp T
            # TYPE temp histogram
            temp_bucket{le="-10.0"} 1
            temp_bucket{le="0.0"} 1
            temp_bucket{le="10.0"} 2
            temp_bucket{le="+Inf"} 2
            temp_created 1700000000.5
            # EOF

            """,
            Expose.OpenMetrics(registry));
    }

    [Theory]
    [InlineData(-1.0, 1)]
    [InlineData(double.NaN, 0)]
    public void A_negative_or_NaN_sum_is_left_out_of_OpenMetrics_with_its_count(double observation, int firstBucket)
    {
        var registry = Registries.Worker();
        registry.Histogram("h", new MetricOptions { Help = "H", Buckets = [1] }).Observe(observation);
        Assert.Equal(
            $$"""
            # HELP h H
            # TYPE h histogram
            h_bucket{le="1.0"} {{firstBucket}}
            h_bucket{le="+Inf"} 1
            h_created 1700000000.5
            # EOF

            """,
            Expose.OpenMetrics(registry));
        Assert.Equal(
            $$"""
            # HELP h H
            # TYPE h histogram
            h_bucket{le="1.0"} {{firstBucket}}
            h_bucket{le="+Inf"} 1
            h_count 1
            h_sum {{(double.IsNaN(observation) ? "NaN" : "-1")}}

            """,
            Expose.Text(registry));
    }

    [Fact]
    public void Le_label_and_bad_buckets_are_refused()
    {
        var registry = Registries.Worker();
        Assert.Equal(
            "Histogram 'h' cannot have a label named 'le': it is reserved for buckets. (Parameter 'LabelNames')",
            Assert.Throws<MetricDefinitionException>(() => registry.Histogram("h", "H", "path", "le")).Message);
        Assert.Equal(
            "Histogram 'h' bucket bounds must be strictly increasing: 0.5 at position 2 follows 1. (Parameter 'bounds')",
            Assert.Throws<MetricDefinitionException>(() => registry.Histogram("h", new MetricOptions { Buckets = [0.1, 1, 0.5] })).Message);
        Assert.Equal(
            "Histogram 'h' bucket bounds must be strictly increasing: 1 at position 1 follows 1. (Parameter 'bounds')",
            Assert.Throws<MetricDefinitionException>(() => registry.Histogram("h", new MetricOptions { Buckets = [1, 1] })).Message);
        Assert.Equal(
            "Histogram 'h' has a bucket bound that is not finite: NaN at position 1. (Parameter 'bounds')",
            Assert.Throws<MetricDefinitionException>(() => registry.Histogram("h", new MetricOptions { Buckets = [1, double.NaN] })).Message);
        Assert.Equal(
            "Histogram 'h' has a bucket bound that is not finite: -Inf at position 0. (Parameter 'bounds')",
            Assert.Throws<MetricDefinitionException>(() => registry.Histogram("h", new MetricOptions { Buckets = [double.NegativeInfinity, 1] })).Message);
        Assert.Equal(
            "Histogram 'h' needs at least one bucket bound besides the implicit +Inf. (Parameter 'bounds')",
            Assert.Throws<MetricDefinitionException>(() => registry.Histogram("h", new MetricOptions { Buckets = [] })).Message);
        Assert.Equal(
            "Histogram 'h' needs at least one bucket bound besides the implicit +Inf. (Parameter 'bounds')",
            Assert.Throws<MetricDefinitionException>(() => registry.Histogram("h", new MetricOptions { Buckets = [double.PositiveInfinity] })).Message);
        Assert.Empty(registry.Collect().Families);
    }

    [Fact]
    public void Buckets_helpers_feed_a_histogram()
    {
        var registry = Registries.Worker();
        var linear = registry.Histogram("lin", new MetricOptions { Help = "L", Buckets = Buckets.Linear(0.5, 0.5, 3) });
        var exponential = registry.Histogram("exp", new MetricOptions { Help = "E", Buckets = Buckets.Exponential(1e-05, 100, 3) });
        linear.Observe(1);
        exponential.Observe(0.001);

        Assert.Equal(
            """
            # HELP exp E
            # TYPE exp histogram
            exp_bucket{le="1e-05"} 0
            exp_bucket{le="0.001"} 1
            exp_bucket{le="0.1"} 1
            exp_bucket{le="+Inf"} 1
            exp_count 1
            exp_sum 0.001
            # HELP lin L
            # TYPE lin histogram
            lin_bucket{le="0.5"} 0
            lin_bucket{le="1.0"} 1
            lin_bucket{le="1.5"} 1
            lin_bucket{le="+Inf"} 1
            lin_count 1
            lin_sum 1

            """,
            Expose.Text(registry));
    }
}
