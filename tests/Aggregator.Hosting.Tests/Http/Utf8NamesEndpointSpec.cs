using System.Diagnostics.Metrics;
using Akka.Actor;
using Akka.Hosting;
using Aggregator.Actors;
using Aggregator.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Aggregator.Hosting.Tests.Http;

/// <summary>
/// <c>o.NameValidation = Utf8</c> through Akka.Hosting, a UTF-8 counter declared in the shared registry and an
/// OpenTelemetry-style Meter instrument, scraped over real Kestrel on 127.0.0.1 with and without <c>escaping=</c>.
/// </summary>
public sealed class Utf8NamesEndpointSpec : IAsyncLifetime
{
    private const string Prometheus3Accept =
        "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,application/openmetrics-text;version=0.0.1;q=0.5,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2";

    private const string Query = "/metrics?name[]=orders.placed_total&name[]=http.server.request.duration_seconds";

    private readonly Meter _meter = new("Utf8.Spec");
    private WebApplication _app = null!;
    private HttpClient _http = null!;
    private Uri _address = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddAkka("utf8-names-spec", akka => akka
            .AddHocon(
                """
                akka.loglevel = WARNING
                akka.log-dead-letters = off
                aggregator.collectors { process = off, runtime = off, meters = on, meter-prefixes = ["Utf8.Spec"] }
                """,
                HoconAddMode.Prepend)
            .WithMetricsAggregator(o =>
            {
                o.NameValidation = NameValidation.Utf8;
                o.TimeProvider = new FixedClock(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_500));
            }));
        _app = builder.Build();
        _app.MapMetrics();
        await _app.StartAsync();
        _address = new Uri(_app.Urls.First());
        _http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };

        var system = _app.Services.GetRequiredService<ActorSystem>();
        AggregatorExtension.Get(system).Shared.Counter("orders.placed_total", "Orders placed", "shop.region").WithLabels("eu").Inc(2);
        var duration = _meter.CreateHistogram<double>(
            "http.server.request.duration",
            "s",
            "Duration of HTTP server requests.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 1] });
        duration.Record(0.05, new KeyValuePair<string, object?>("http.request.method", "GET"));
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _meter.Dispose();
    }

    [Fact]
    public async Task Without_escaping_the_names_are_escaped_with_underscores_as_the_legacy_rename_gives_them()
    {
        var (contentType, body) = await ScrapeAsync(accept: null);

        Assert.Equal("text/plain; version=0.0.4; charset=utf-8; escaping=underscores", contentType);
        Assert.Equal(
            """
            # HELP http_server_request_duration_seconds Duration of HTTP server requests.
            # TYPE http_server_request_duration_seconds histogram
            http_server_request_duration_seconds_bucket{http_request_method="GET",le="0.1"} 1
            http_server_request_duration_seconds_bucket{http_request_method="GET",le="1.0"} 1
            http_server_request_duration_seconds_bucket{http_request_method="GET",le="+Inf"} 1
            http_server_request_duration_seconds_count{http_request_method="GET"} 1
            http_server_request_duration_seconds_sum{http_request_method="GET"} 0.05
            # HELP orders_placed_total Orders placed
            # TYPE orders_placed_total counter
            orders_placed_total{shop_region="eu"} 2

            """,
            body);
    }

    [Fact]
    public async Task Text_with_escaping_allow_utf_8_quotes_the_names()
    {
        var (contentType, body) = await ScrapeAsync("text/plain;version=0.0.4;escaping=allow-utf-8");

        Assert.Equal("text/plain; version=0.0.4; charset=utf-8; escaping=allow-utf-8", contentType);
        Assert.Equal(
            """
            # HELP "http.server.request.duration_seconds" Duration of HTTP server requests.
            # TYPE "http.server.request.duration_seconds" histogram
            {"http.server.request.duration_seconds_bucket","http.request.method"="GET",le="0.1"} 1
            {"http.server.request.duration_seconds_bucket","http.request.method"="GET",le="1.0"} 1
            {"http.server.request.duration_seconds_bucket","http.request.method"="GET",le="+Inf"} 1
            {"http.server.request.duration_seconds_count","http.request.method"="GET"} 1
            {"http.server.request.duration_seconds_sum","http.request.method"="GET"} 0.05
            # HELP "orders.placed_total" Orders placed
            # TYPE "orders.placed_total" counter
            {"orders.placed_total","shop.region"="eu"} 2

            """,
            body);
    }

    [Fact]
    public async Task Prometheus_3s_accept_header_gets_OpenMetrics_with_quoted_names()
    {
        var (contentType, body) = await ScrapeAsync(Prometheus3Accept);

        Assert.Equal("application/openmetrics-text; version=1.0.0; charset=utf-8; escaping=allow-utf-8", contentType);
        Assert.Equal(
            """
            # HELP "http.server.request.duration_seconds" Duration of HTTP server requests.
            # TYPE "http.server.request.duration_seconds" histogram
            {"http.server.request.duration_seconds_bucket","http.request.method"="GET",le="0.1"} 1
            {"http.server.request.duration_seconds_bucket","http.request.method"="GET",le="1.0"} 1
            {"http.server.request.duration_seconds_bucket","http.request.method"="GET",le="+Inf"} 1
            {"http.server.request.duration_seconds_count","http.request.method"="GET"} 1
            {"http.server.request.duration_seconds_sum","http.request.method"="GET"} 0.05
            # HELP "orders.placed" Orders placed
            # TYPE "orders.placed" counter
            {"orders.placed_total","shop.region"="eu"} 2
            {"orders.placed_created","shop.region"="eu"} 1700000000.5
            # EOF

            """,
            body);
    }

    [Fact]
    public async Task OpenMetrics_with_escaping_values_encodes_the_names()
    {
        var (contentType, body) = await ScrapeAsync("application/openmetrics-text;version=1.0.0;escaping=values");

        Assert.Equal("application/openmetrics-text; version=1.0.0; charset=utf-8; escaping=values", contentType);
        Assert.Equal(
            """
            # HELP U__http_2e_server_2e_request_2e_duration__seconds Duration of HTTP server requests.
            # TYPE U__http_2e_server_2e_request_2e_duration__seconds histogram
            U__http_2e_server_2e_request_2e_duration__seconds_bucket{U__http_2e_request_2e_method="GET",le="0.1"} 1
            U__http_2e_server_2e_request_2e_duration__seconds_bucket{U__http_2e_request_2e_method="GET",le="1.0"} 1
            U__http_2e_server_2e_request_2e_duration__seconds_bucket{U__http_2e_request_2e_method="GET",le="+Inf"} 1
            U__http_2e_server_2e_request_2e_duration__seconds_count{U__http_2e_request_2e_method="GET"} 1
            U__http_2e_server_2e_request_2e_duration__seconds_sum{U__http_2e_request_2e_method="GET"} 0.05
            # HELP U__orders_2e_placed Orders placed
            # TYPE U__orders_2e_placed counter
            U__orders_2e_placed_total{U__shop_2e_region="eu"} 2
            U__orders_2e_placed_created{U__shop_2e_region="eu"} 1700000000.5
            # EOF

            """,
            body);
    }

    private async Task<(string ContentType, string Body)> ScrapeAsync(string? accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_address, Query));
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        using var response = await _http.SendAsync(request);
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(body.Length, response.Content.Headers.ContentLength);
        return (response.Content.Headers.ContentType!.ToString(), System.Text.Encoding.UTF8.GetString(body));
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
