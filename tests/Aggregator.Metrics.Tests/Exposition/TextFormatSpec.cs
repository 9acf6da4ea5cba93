namespace Aggregator.Metrics.Tests.Exposition;

public sealed class TextFormatSpec
{
    private static WorkerRegistry NewRegistry(MetricsOptions? options = null) =>
        new(new MetricCatalog((options ?? new MetricsOptions()) with { TimeProvider = new ManualClock(1_700_000_000_500) }));

    [Fact]
    public void Counter_with_labels_in_both_formats()
    {
        var registry = NewRegistry();
        var requests = registry.Counter("http_requests_total", "HTTP requests by method and code", "method", "code");
        requests.WithLabels("GET", "200").Inc();
        requests.WithLabels("GET", "200").Inc(2);
        requests.WithLabels("POST", "500").Inc(0.5);

        Assert.Equal(
            """
            # HELP http_requests_total HTTP requests by method and code
            # TYPE http_requests_total counter
            http_requests_total{method="GET",code="200"} 3
            http_requests_total{method="POST",code="500"} 0.5

            """,
            Expose.Text(registry));
        Assert.Equal(
            """
            # HELP http_requests HTTP requests by method and code
            # TYPE http_requests counter
            http_requests_total{method="GET",code="200"} 3
            http_requests_created{method="GET",code="200"} 1700000000.5
            http_requests_total{method="POST",code="500"} 0.5
            http_requests_created{method="POST",code="500"} 1700000000.5
            # EOF

            """,
            Expose.OpenMetrics(registry));
    }

    [Fact]
    public void Histogram_unlabelled()
    {
        var registry = NewRegistry();
        var h = registry.Histogram("latency_seconds", new MetricOptions { Help = "Latency", Buckets = [0.1, 1, 10] });
        h.Observe(0.05);
        h.Observe(0.1);
        h.Observe(5);
        h.Observe(50);

        Assert.Equal(
            """
            # HELP latency_seconds Latency
            # TYPE latency_seconds histogram
            latency_seconds_bucket{le="0.1"} 2
            latency_seconds_bucket{le="1.0"} 2
            latency_seconds_bucket{le="10.0"} 3
            latency_seconds_bucket{le="+Inf"} 4
            latency_seconds_count 4
            latency_seconds_sum 55.15

            """,
            Expose.Text(registry));
    }
}
