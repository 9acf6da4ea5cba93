using System.Diagnostics.Metrics;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Aggregator.Benchmarks;

/// <summary>
/// OpenTelemetry .NET 1.20.1 set up as an application would for Prometheus: a MeterProvider listening to one meter, with
/// the Prometheus HttpListener exporter attached on 127.0.0.1 (so its aggregation is cumulative, as a scrape needs).
/// Each instance has a meter name of its own, so that two providers in one process (smoke runs every class in one
/// process) never see each other's instruments. Dispose it to stop the listener.
/// </summary>
internal sealed class OTelMeters : IDisposable
{
    // Numbers the meters of this process, to keep names unique but short: with scope info on, OTel writes the meter's
    // name into every series, so a long one (a GUID) would inflate its exposition beyond what an application sends.
    private static int _meters;

    private readonly MeterProvider _provider;

    private OTelMeters(MeterProvider provider, Meter meter, Uri scrapeUri)
    {
        _provider = provider;
        Meter = meter;
        ScrapeUri = scrapeUri;
    }

    /// <summary>The meter to create instruments on.</summary>
    public Meter Meter { get; }

    /// <summary>The exporter's scrape endpoint.</summary>
    public Uri ScrapeUri { get; }

    /// <summary>
    /// Starts a provider for a new meter. <paramref name="cardinalityLimit"/>, when given, is set on every instrument by a
    /// View (OTel's default of 2,000 points per instrument would fold the rest into one overflow series);
    /// <paramref name="histogramBuckets"/>, when given, are the explicit bucket bounds of every histogram.
    /// </summary>
    public static OTelMeters Start(string scenario, int? cardinalityLimit = null, double[]? histogramBuckets = null, bool scopeInfo = true)
    {
        var meterName = $"Aggregator.Benchmarks.{scenario}.{Interlocked.Increment(ref _meters)}";
        var port = NodeProcesses.FreePort();
        var meter = new Meter(meterName);
        var provider = Sdk.CreateMeterProviderBuilder()
            .AddMeter(meterName)
            .AddView(instrument => View(instrument, cardinalityLimit, histogramBuckets))
            .AddPrometheusHttpListener(options =>
            {
                options.Host = "127.0.0.1";
                options.Port = port;
                options.ScrapeEndpointPath = "/metrics";

                // Every scrape collects afresh: the default 300 ms cache would serve a benchmark's repeated scrapes
                // from memory and measure nothing of OTel's collect and serialize.
                options.ScrapeResponseCacheDurationMilliseconds = 0;
                options.ScopeInfoEnabled = scopeInfo;
            })
            .Build();
        return new OTelMeters(provider, meter, new Uri($"http://127.0.0.1:{port}/metrics"));
    }

    /// <summary>Scrapes the exporter once in the text format and returns the body.</summary>
    public async Task<string> ScrapeTextAsync(HttpClient client)
    {
        using var request = HttpScrape.TextRequest(ScrapeUri);
        using var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Throws when a scrape shows that OTel folded series into its overflow series, so a benchmark never measures fewer series than it says.</summary>
    public async Task EnsureNoOverflowAsync(HttpClient client, string scenario)
    {
        var text = await ScrapeTextAsync(client);
        if (text.Contains("otel_metric_overflow", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{scenario}: OTel folded series into otel_metric_overflow; raise the View's CardinalityLimit in OTelMeters.Start.");
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _provider.Dispose();
        Meter.Dispose();
    }

    private static MetricStreamConfiguration? View(Instrument instrument, int? cardinalityLimit, double[]? histogramBuckets)
    {
        if (histogramBuckets is not null && instrument is Histogram<double>)
        {
            var histogram = new ExplicitBucketHistogramConfiguration { Boundaries = histogramBuckets };
            if (cardinalityLimit is { } histogramLimit)
            {
                histogram.CardinalityLimit = histogramLimit;
            }

            return histogram;
        }

        return cardinalityLimit is { } limit ? new MetricStreamConfiguration { CardinalityLimit = limit } : null;
    }
}
