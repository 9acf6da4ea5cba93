using System.Diagnostics.Metrics;
using Aggregator.Metrics.Collectors;

namespace Aggregator.Metrics.Tests.Collectors;

public sealed class MeterBridgeSpec
{
    [Fact]
    public void A_histogram_recorded_through_System_Diagnostics_Metrics_appears_with_exact_buckets()
    {
        using var meter = new Meter("Aggregator.Tests.Bridge." + Guid.NewGuid().ToString("N"));
        using var bridge = new MeterBridge([meter.Name]);
        var registry = new WorkerRegistry();
        bridge.Register(registry);
        var histogram = meter.CreateHistogram<double>(
            "shop.checkout.duration",
            unit: "s",
            description: "Checkout duration.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 1, 10] });
        histogram.Record(0.05, new KeyValuePair<string, object?>("shop.region", "eu"));
        histogram.Record(0.5, new KeyValuePair<string, object?>("shop.region", "eu"));
        histogram.Record(2, new KeyValuePair<string, object?>("shop.region", "eu"));
        histogram.Record(50, new KeyValuePair<string, object?>("shop.region", "us"));

        Assert.Equal(
            """
            # HELP shop_checkout_duration_seconds Checkout duration.
            # TYPE shop_checkout_duration_seconds histogram
            shop_checkout_duration_seconds_bucket{shop_region="eu",le="0.1"} 1
            shop_checkout_duration_seconds_bucket{shop_region="eu",le="1.0"} 2
            shop_checkout_duration_seconds_bucket{shop_region="eu",le="10.0"} 3
            shop_checkout_duration_seconds_bucket{shop_region="eu",le="+Inf"} 3
            shop_checkout_duration_seconds_count{shop_region="eu"} 3
            shop_checkout_duration_seconds_sum{shop_region="eu"} 2.55
            shop_checkout_duration_seconds_bucket{shop_region="us",le="0.1"} 0
            shop_checkout_duration_seconds_bucket{shop_region="us",le="1.0"} 0
            shop_checkout_duration_seconds_bucket{shop_region="us",le="10.0"} 0
            shop_checkout_duration_seconds_bucket{shop_region="us",le="+Inf"} 1
            shop_checkout_duration_seconds_count{shop_region="us"} 1
            shop_checkout_duration_seconds_sum{shop_region="us"} 50

            """,
            Expose.Text(registry));
    }

    [Fact]
    public void Under_utf8_names_are_kept_as_declared_quoted_for_allow_utf_8_and_escaped_exactly_as_the_legacy_rename_otherwise()
    {
        using var meter = new Meter("Aggregator.Tests.Bridge." + Guid.NewGuid().ToString("N"));
        using var legacyBridge = new MeterBridge([meter.Name]);
        using var utf8Bridge = new MeterBridge([meter.Name], nameValidation: NameValidation.Utf8);
        var legacy = new WorkerRegistry();
        var utf8 = new WorkerRegistry(new MetricCatalog(new MetricsOptions { NameValidation = NameValidation.Utf8 }));
        legacyBridge.Register(legacy);
        utf8Bridge.Register(utf8);
        var histogram = meter.CreateHistogram<double>(
            "shop.checkout.duration",
            unit: "s",
            description: "Checkout duration.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1] });
        histogram.Record(0.05, new KeyValuePair<string, object?>("shop.region", "eu"), new KeyValuePair<string, object?>("__internal", "x"));
        meter.CreateCounter<long>("orders.placed", unit: "{order}", description: "Orders.").Add(2);

        Assert.Equal(
            """
            # HELP orders_placed_total Orders.
            # TYPE orders_placed_total counter
            orders_placed_total 2
            # HELP shop_checkout_duration_seconds Checkout duration.
            # TYPE shop_checkout_duration_seconds histogram
            shop_checkout_duration_seconds_bucket{shop_region="eu",tag__internal="x",le="0.1"} 1
            shop_checkout_duration_seconds_bucket{shop_region="eu",tag__internal="x",le="+Inf"} 1
            shop_checkout_duration_seconds_count{shop_region="eu",tag__internal="x"} 1
            shop_checkout_duration_seconds_sum{shop_region="eu",tag__internal="x"} 0.05

            """,
            Expose.Text(legacy));
        Assert.Equal(Expose.Text(legacy), Expose.Text(utf8));
        Assert.Equal(
            """
            # HELP "orders.placed_total" Orders.
            # TYPE "orders.placed_total" counter
            {"orders.placed_total"} 2
            # HELP "shop.checkout.duration_seconds" Checkout duration.
            # TYPE "shop.checkout.duration_seconds" histogram
            {"shop.checkout.duration_seconds_bucket","shop.region"="eu",tag__internal="x",le="0.1"} 1
            {"shop.checkout.duration_seconds_bucket","shop.region"="eu",tag__internal="x",le="+Inf"} 1
            {"shop.checkout.duration_seconds_count","shop.region"="eu",tag__internal="x"} 1
            {"shop.checkout.duration_seconds_sum","shop.region"="eu",tag__internal="x"} 0.05

            """,
            Render(utf8, Aggregator.Metrics.Exposition.EscapingScheme.AllowUtf8));
        Assert.Equal("http.server.request.duration_seconds", MeterBridge.PrometheusName("http.server.request.duration", "s", NameValidation.Utf8));
        Assert.Equal("http_server_request_duration_seconds", MeterBridge.PrometheusName("http.server.request.duration", "s", NameValidation.Legacy));
        Assert.Equal("_1st_x", MeterBridge.PrometheusName("1st\ud800x", null, NameValidation.Utf8));

        static string Render(MetricRegistry registry, Aggregator.Metrics.Exposition.EscapingScheme escaping)
        {
            var buffer = new System.Buffers.ArrayBufferWriter<byte>();
            Aggregator.Metrics.Exposition.ExpositionWriter.Write(registry.Collect(), Aggregator.Metrics.Exposition.ExpositionFormat.Text, buffer, escaping: escaping);
            return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
        }
    }

    [Fact]
    public void Counters_up_down_counters_and_observable_gauges_map_to_counters_and_gauges()
    {
        using var meter = new Meter("Aggregator.Tests.Bridge." + Guid.NewGuid().ToString("N"));
        using var bridge = new MeterBridge([meter.Name]);
        var registry = new WorkerRegistry();
        bridge.Register(registry);
        var requests = meter.CreateCounter<long>("shop.requests", unit: "{request}", description: "Requests.");
        var queue = meter.CreateUpDownCounter<int>("shop.queue.size", description: "Queue.");
        meter.CreateObservableGauge("shop.memory", () => 4096.0, unit: "By", description: "Memory.");
        requests.Add(3);
        requests.Add(4);
        queue.Add(5);
        queue.Add(-2);

        Assert.Equal(
            """
            # HELP shop_memory_bytes Memory.
            # TYPE shop_memory_bytes gauge
            shop_memory_bytes 4096
            # HELP shop_queue_size Queue.
            # TYPE shop_queue_size gauge
            shop_queue_size 3
            # HELP shop_requests_total Requests.
            # TYPE shop_requests_total counter
            shop_requests_total 7

            """,
            Expose.Text(registry));
    }

    [Fact]
    public void An_instrument_that_never_published_yields_no_family_and_one_that_did_does()
    {
        using var meter = new Meter("Aggregator.Tests.Bridge." + Guid.NewGuid().ToString("N"));
        using var bridge = new MeterBridge([meter.Name]);
        var registry = new WorkerRegistry();
        bridge.Register(registry);
        meter.CreateCounter<long>("quic.connections", description: "Never used.");
        meter.CreateHistogram<double>("quic.handshake.duration", unit: "s", description: "Never used.");
        meter.CreateUpDownCounter<int>("quic.streams", description: "Never used.");
        meter.CreateObservableCounter("quic.packets", () => 0L, description: "Polled, always zero.");
        meter.CreateObservableGauge("quic.allocated", () => new Measurement<long>(0, new KeyValuePair<string, object?>("kind", "conn")), description: "Polled, always zero.");
        meter.CreateObservableUpDownCounter("quic.queued", () => Array.Empty<Measurement<int>>(), description: "Polled, nothing observed.");
        var requests = meter.CreateCounter<long>("shop.requests", description: "Requests.");
        var queue = meter.CreateUpDownCounter<int>("shop.queue.size", description: "Queue.");
        requests.Add(0);
        queue.Add(2);
        queue.Add(-2);

        Assert.Equal(
            """
            # HELP shop_queue_size Queue.
            # TYPE shop_queue_size gauge
            shop_queue_size 0
            # HELP shop_requests_total Requests.
            # TYPE shop_requests_total counter
            shop_requests_total 0

            """,
            Expose.Text(registry));
        Assert.All(bridge.Collect(), f => Assert.True(f.Definition.PerNode, f.Name));
    }

    [Fact]
    public void An_observable_instrument_appears_at_its_first_non_zero_observation_and_stays_through_zeros()
    {
        using var meter = new Meter("Aggregator.Tests.Bridge." + Guid.NewGuid().ToString("N"));
        using var bridge = new MeterBridge([meter.Name]);
        var registry = new WorkerRegistry();
        bridge.Register(registry);
        long sent = 0;
        var open = 0;
        meter.CreateObservableCounter("link.sent", () => sent, unit: "By", description: "Bytes sent.");
        meter.CreateObservableUpDownCounter("link.open", () => open, description: "Open links.");

        var before = Expose.Text(registry);
        sent = 512;
        open = 2;
        var first = Expose.Text(registry);
        open = 0;
        var zero = Expose.Text(registry);

        Assert.Equal(string.Empty, before);
        Assert.Equal(
            """
            # HELP link_open Open links.
            # TYPE link_open gauge
            link_open 2
            # HELP link_sent_bytes_total Bytes sent.
            # TYPE link_sent_bytes_total counter
            link_sent_bytes_total 512

            """,
            first);
        Assert.Equal(
            """
            # HELP link_open Open links.
            # TYPE link_open gauge
            link_open 0
            # HELP link_sent_bytes_total Bytes sent.
            # TYPE link_sent_bytes_total counter
            link_sent_bytes_total 512

            """,
            zero);
    }

    [Fact]
    public void An_observable_counter_that_goes_down_is_left_out_and_counted_until_it_is_back_where_it_was()
    {
        using var meter = new Meter("Aggregator.Tests.Bridge." + Guid.NewGuid().ToString("N"));
        using var bridge = new MeterBridge([meter.Name]);
        var registry = new WorkerRegistry();
        bridge.Register(registry);
        long sent = 512;
        meter.CreateObservableCounter("link.sent", () => sent, unit: "By", description: "Bytes sent.");

        var first = Expose.Text(registry);
        sent = 0;
        var reset = Expose.Text(registry);
        sent = 600;
        var past = Expose.Text(registry);

        Assert.Equal("# HELP link_sent_bytes_total Bytes sent.\n# TYPE link_sent_bytes_total counter\nlink_sent_bytes_total 512\n", first);
        Assert.Equal(
            """
            # HELP aggregator_collector_errors_total Custom collector runs that threw or returned invalid families; their output was left out.
            # TYPE aggregator_collector_errors_total counter
            aggregator_collector_errors_total{collector="meters"} 1
            # HELP link_sent_bytes_total Bytes sent.
            # TYPE link_sent_bytes_total counter

            """,
            reset);
        Assert.Equal(
            """
            # HELP aggregator_collector_errors_total Custom collector runs that threw or returned invalid families; their output was left out.
            # TYPE aggregator_collector_errors_total counter
            aggregator_collector_errors_total{collector="meters"} 1
            # HELP link_sent_bytes_total Bytes sent.
            # TYPE link_sent_bytes_total counter
            link_sent_bytes_total 600

            """,
            past);
    }

    [Theory]
    [InlineData("http.server.request.duration", "s", "http_server_request_duration_seconds")]
    [InlineData("process.memory", "By", "process_memory_bytes")]
    [InlineData("queue.wait_seconds", "s", "queue_wait_seconds")]
    [InlineData("db.calls", "{call}", "db_calls")]
    [InlineData("9lives", null, "_9lives")]
    [InlineData("weird-name/x", "ms", "weird_name_x_milliseconds")]
    public void Instrument_names_become_prometheus_names(string name, string? unit, string expected) =>
        Assert.Equal(expected, MeterBridge.PrometheusName(name, unit));
}
