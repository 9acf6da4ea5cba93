using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text.Json;
using Akka.Actor;
using Aggregator.Actors;
using Aggregator.Conformance.Tests.Tools;
using Aggregator.Hosting;

namespace Aggregator.Conformance.Tests.Exposition;

/// <summary>
/// UTF-8 names with real consumers: Prometheus 3 scrapes a node declared with <c>aggregator.name-validation = utf8</c>
/// under three escaping schemes, and Debian's Python parser (0.16, which knows no UTF-8 names) reads what a scraper
/// that asks for no escaping gets.
/// </summary>
public sealed class Utf8NamesConformanceSpec : IAsyncLifetime
{
    private readonly Meter _meter = new("Utf8.Conformance");
    private ActorSystem _system = null!;
    private MetricsServer _server = null!;

    public async Task InitializeAsync()
    {
        _system = ActorSystem.Create("utf8-conformance", """
            akka.loglevel = WARNING
            akka.log-dead-letters = off
            aggregator.name-validation = utf8
            aggregator.collectors { process = off, runtime = off, meters = on, meter-prefixes = ["Utf8.Conformance"] }
            """);
        var shared = AggregatorExtension.Get(_system).Shared;
        shared.Counter("orders.placed_total", "Orders placed", "shop.region").WithLabels("eu").Inc(2);
        shared.Gauge("größe_bytes", "Size").Set(7);
        var duration = _meter.CreateHistogram<double>(
            "http.server.request.duration",
            "s",
            "Duration of HTTP server requests.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 1] });
        duration.Record(0.05, new KeyValuePair<string, object?>("http.request.method", "GET"));
        _server = await MetricsServer.StartAsync(_system, new MetricsServerOptions { Port = 0 });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _system.Terminate();
        _meter.Dispose();
    }

    [Fact]
    public async Task Prometheus_3_stores_the_names_as_declared_or_as_each_jobs_escaping_gives_them()
    {
        using var prometheus = await PrometheusServer.StartAsync(
            $"""
              - job_name: utf8
                static_configs: [{"{"} targets: ["127.0.0.1:{_server.Port}"] {"}"}]
              - job_name: underscores
                metric_name_validation_scheme: legacy
                metric_name_escaping_scheme: underscores
                static_configs: [{"{"} targets: ["127.0.0.1:{_server.Port}"] {"}"}]
              - job_name: values
                metric_name_escaping_scheme: values
                static_configs: [{"{"} targets: ["127.0.0.1:{_server.Port}"] {"}"}]
            """,
            binary: PrometheusServer.Prometheus3Binary);
        await prometheus.WaitForTargetsUpAsync(3, TimeSpan.FromSeconds(40));

        Assert.Equal(2, await prometheus.SingleValueAsync("{\"orders.placed_total\", job=\"utf8\", \"shop.region\"=\"eu\"}", TimeSpan.FromSeconds(10)));
        Assert.Equal(7, await prometheus.SingleValueAsync("{\"größe_bytes\", job=\"utf8\"}", TimeSpan.FromSeconds(10)));
        Assert.Equal(1, await prometheus.SingleValueAsync("{\"http.server.request.duration_seconds_bucket\", job=\"utf8\", \"http.request.method\"=\"GET\", le=\"0.1\"}", TimeSpan.FromSeconds(10)));
        Assert.Equal(2, await prometheus.SingleValueAsync("orders_placed_total{job=\"underscores\", shop_region=\"eu\"}", TimeSpan.FromSeconds(10)));
        Assert.Equal(7, await prometheus.SingleValueAsync("gr__e_bytes{job=\"underscores\"}", TimeSpan.FromSeconds(10)));
        Assert.Equal(1, await prometheus.SingleValueAsync("http_server_request_duration_seconds_bucket{job=\"underscores\", http_request_method=\"GET\", le=\"0.1\"}", TimeSpan.FromSeconds(10)));
        Assert.Equal(2, await prometheus.SingleValueAsync("U__orders_2e_placed_total{job=\"values\", U__shop_2e_region=\"eu\"}", TimeSpan.FromSeconds(10)));
        Assert.Equal(7, await prometheus.SingleValueAsync("U__gr_f6__df_e__bytes{job=\"values\"}", TimeSpan.FromSeconds(10)));

        // Every name each job stored for these families, exactly (Prometheus keeps OpenMetrics' _created as a series).
        Assert.Equal(
            ["größe_bytes", "http.server.request.duration_seconds_bucket", "http.server.request.duration_seconds_count", "http.server.request.duration_seconds_sum", "orders.placed_created", "orders.placed_total"],
            await NamesAsync(prometheus, "utf8"));
        Assert.Equal(
            ["gr__e_bytes", "http_server_request_duration_seconds_bucket", "http_server_request_duration_seconds_count", "http_server_request_duration_seconds_sum", "orders_placed_created", "orders_placed_total"],
            await NamesAsync(prometheus, "underscores"));
        Assert.Equal(
            ["U__gr_f6__df_e__bytes", "U__http_2e_server_2e_request_2e_duration__seconds_bucket", "U__http_2e_server_2e_request_2e_duration__seconds_count", "U__http_2e_server_2e_request_2e_duration__seconds_sum", "U__orders_2e_placed_created", "U__orders_2e_placed_total"],
            await NamesAsync(prometheus, "values"));
    }

    [Fact]
    public async Task Debian_pythons_parsers_read_the_escaped_names_a_scraper_gets_without_escaping()
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var text = await client.GetStringAsync(_server.Address);
        using var request = new HttpRequestMessage(HttpMethod.Get, _server.Address);
        request.Headers.TryAddWithoutValidation("Accept", "application/openmetrics-text;version=1.0.0");
        using var response = await client.SendAsync(request);
        var openMetrics = await response.Content.ReadAsStringAsync();

        Assert.Equal("application/openmetrics-text; version=1.0.0; charset=utf-8; escaping=underscores", response.Content.Headers.ContentType!.ToString());
        foreach (var (exposition, strict) in new[] { (text, false), (openMetrics, true) })
        {
            var families = PythonParser.Parse(exposition, openMetrics: strict);
            var orders = Assert.Single(families, f => f.Name is "orders_placed" or "orders_placed_total");
            Assert.Equal("counter", orders.Type);
            var total = Assert.Single(orders.Samples, s => s.Name == "orders_placed_total");
            Assert.Equal(new Dictionary<string, string> { ["shop_region"] = "eu" }, total.Labels);
            Assert.Equal("2.0", total.Value);
            Assert.Equal("7.0", Assert.Single(Assert.Single(families, f => f.Name == "gr__e_bytes").Samples).Value);
            var duration = Assert.Single(families, f => f.Name == "http_server_request_duration_seconds");
            Assert.Equal("histogram", duration.Type);
            Assert.Equal(
                ["0.1=1.0", "1.0=1.0", "+Inf=1.0"],
                duration.Samples.Where(s => s.Name == "http_server_request_duration_seconds_bucket").Select(s => s.Labels["le"] + "=" + s.Value));
            Assert.All(duration.Samples, s => Assert.Equal("GET", s.Labels["http_request_method"]));
        }
    }

    /// <summary>The metric names Prometheus stored for <paramref name="job"/>, without its own (up, scrape_*).</summary>
    private static async Task<string[]> NamesAsync(PrometheusServer prometheus, string job)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var url = new Uri(prometheus.Address, $"api/v1/label/__name__/values?match[]={Uri.EscapeDataString($"{{job=\"{job}\"}}")}");
        using var document = JsonDocument.Parse(await http.GetStringAsync(url));
        return [.. document.RootElement.GetProperty("data").EnumerateArray()
            .Select(n => n.GetString()!)
            .Where(n => n != "up" && !n.StartsWith("scrape_", StringComparison.Ordinal) && !n.StartsWith("aggregator_", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)];
    }
}
