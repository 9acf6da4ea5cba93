namespace Aggregator.Metrics.Tests.Registry;

public sealed class SummarySpec
{
    [Fact]
    public void Labelled_summary_in_both_formats()
    {
        var registry = Registries.Worker();
        var rpc = registry.Summary("rpc_duration_seconds", "RPC duration", "method");
        rpc.WithLabels("get").Observe(0.25);
        rpc.WithLabels("get").Observe(0.5);
        registry.Observe("rpc_duration_seconds", 3, "put");

        Assert.Equal(
            """
            # HELP rpc_duration_seconds RPC duration
            # TYPE rpc_duration_seconds summary
            rpc_duration_seconds_count{method="get"} 2
            rpc_duration_seconds_sum{method="get"} 0.75
            rpc_duration_seconds_count{method="put"} 1
            rpc_duration_seconds_sum{method="put"} 3

            """,
            Expose.Text(registry));
        Assert.Equal(
            """
            # HELP rpc_duration_seconds RPC duration
            # TYPE rpc_duration_seconds summary
            rpc_duration_seconds_count{method="get"} 2
            rpc_duration_seconds_sum{method="get"} 0.75
            rpc_duration_seconds_created{method="get"} 1700000000.5
            rpc_duration_seconds_count{method="put"} 1
            rpc_duration_seconds_sum{method="put"} 3
            rpc_duration_seconds_created{method="put"} 1700000000.5
            # EOF

            """,
            Expose.OpenMetrics(registry));
    }

    [Fact]
    public void Unlabelled_summary_starts_at_zero()
    {
        var registry = Registries.Worker();
        var s = registry.Summary("s", "S");
        Assert.Equal(
            """
            # HELP s S
            # TYPE s summary
            s_count 0
            s_sum 0
            s_created 1700000000.5
            # EOF

            """,
            Expose.OpenMetrics(registry));
        s.Observe(1.5);
        Assert.Equal(1, s.Unlabelled.Count);
        Assert.Equal(1.5, s.Unlabelled.Sum);
    }

    [Fact]
    public void A_negative_sum_is_left_out_of_OpenMetrics_but_the_count_stays()
    {
        var registry = Registries.Worker();
        registry.Summary("s", "S").Observe(-2);
        Assert.Equal(
            """
            # HELP s S
            # TYPE s summary
            s_count 1
            s_created 1700000000.5
            # EOF

            """,
            Expose.OpenMetrics(registry));
        Assert.Equal(
            """
            # HELP s S
            # TYPE s summary
            s_count 1
            s_sum -2

            """,
            Expose.Text(registry));
    }

    [Fact]
    public void Quantile_label_is_refused()
    {
        var registry = Registries.Worker();
        var ex = Assert.Throws<MetricDefinitionException>(() => registry.Summary("s", "S", "method", "quantile"));
        Assert.Equal("Summary 's' cannot have a label named 'quantile': it is reserved for quantiles. (Parameter 'LabelNames')", ex.Message);
        Assert.Equal(
            "Metric 's' is a summary: only histograms have buckets. (Parameter 'buckets')",
            Assert.Throws<MetricDefinitionException>(() => registry.Summary("s", new MetricOptions { Buckets = [1] })).Message);
    }
}
