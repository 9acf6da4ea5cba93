using Akka.Actor;
using Aggregator.Hosting;
using Aggregator.Metrics;
using Aggregator.Metrics.Exposition;
using BenchmarkDotNet.Attributes;
using Prom = Prometheus;

namespace Aggregator.Benchmarks;

/// <summary>
/// SPEC §10 "text exposition, 40,000 labelled series": collecting and writing a registry of 40,000 counter series
/// (two labels) to a stream, ours in text and OpenMetrics beside prometheus-net's text export.
/// OpenTelemetry .NET 1.20.1 has no public way to write its metrics to a stream: its Prometheus exporter serializes only
/// inside a scrape (pull-based: the reader's Collect runs when a request comes). So the same 40,000 series are also
/// scraped over HTTP on 127.0.0.1 from all three: OTel's HttpListener exporter, prometheus-net's MetricServer (also an
/// HttpListener) and our MetricsServer (Kestrel, snapshot then writer). Those <c>Http</c> rows include the HTTP round
/// trip and the client reading the body; allocations there are the whole process's, server side included.
/// </summary>
[MemoryDiagnoser]
public class ExpositionBenchmarks
{
    private const int Series = 40_000;

    private WorkerRegistry _registry = null!;
    private Prom.CollectorRegistry _promRegistry = null!;

    private HttpClient _client = null!;
    private ActorSystem _system = null!;
    private MetricsServer _server = null!;
    private Prom.MetricServer _promServer = null!;
    private Uri _promUri = null!;
    private OTelMeters _otel = null!;
    private OTelMeters _otelNoScope = null!;

    [GlobalSetup]
    public async Task Setup()
    {
        // OTel keeps at most 2,000 series per instrument by default and folds the rest into one overflow series: a
        // View raises the limit above 40,000 (checked below by scraping once).
        _otel = OTelMeters.Start("Exposition", cardinalityLimit: Series + 10_000);
        _otelNoScope = OTelMeters.Start("ExpositionNoScope", cardinalityLimit: Series + 10_000, scopeInfo: false);
        var otelCounter = _otel.Meter.CreateCounter<long>("bench_requests", description: "Requests by path and method");
        var otelNoScopeCounter = _otelNoScope.Meter.CreateCounter<long>("bench_requests", description: "Requests by path and method");
        _registry = new WorkerRegistry();
        var counter = _registry.Counter("bench_requests_total", "Requests by path and method", "path", "method");
        _promRegistry = Prom.Metrics.NewCustomRegistry();
        var promCounter = Prom.Metrics.WithCustomRegistry(_promRegistry).CreateCounter("bench_requests_total", "Requests by path and method", "path", "method");
        for (var i = 0; i < Series; i++)
        {
            var path = "/api/items/" + i;
            var method = (i % 4) switch { 0 => "GET", 1 => "POST", 2 => "PUT", _ => "DELETE" };
            counter.WithLabels(path, method).Inc(i);
            promCounter.WithLabels(path, method).Inc(i);
            otelCounter.Add(i, new KeyValuePair<string, object?>("path", path), new KeyValuePair<string, object?>("method", method));
            otelNoScopeCounter.Add(i, new KeyValuePair<string, object?>("path", path), new KeyValuePair<string, object?>("method", method));
        }

        _client = new HttpClient();
        await _otel.EnsureNoOverflowAsync(_client, nameof(ExpositionBenchmarks));
        await _otelNoScope.EnsureNoOverflowAsync(_client, nameof(ExpositionBenchmarks));

        _system = ActorSystem.Create("exposition-bench", "akka.loglevel = WARNING");
        _server = await MetricsServer.StartAsync(_system, new MetricsServerOptions { Port = 0 }, new RegistryScrapeSource(_registry));

        var promPort = NodeProcesses.FreePort();
        _promServer = new Prom.MetricServer("127.0.0.1", promPort, "metrics/", _promRegistry);
        _promServer.Start();
        _promUri = new Uri($"http://127.0.0.1:{promPort}/metrics");
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        _client.Dispose();
        await _server.DisposeAsync();
        await _system.Terminate();
        await _promServer.StopAsync();
        _otel.Dispose();
        _otelNoScope.Dispose();
    }

    /// <summary>Registry straight to the stream, as prometheus-net does: series streamed from the live registry.</summary>
    [Benchmark]
    public async Task<long> Text() =>
        await ExpositionWriter.WriteAsync(_registry, ExpositionFormat.Text, Stream.Null);

    [Benchmark]
    public async Task<long> OpenMetrics() =>
        await ExpositionWriter.WriteAsync(_registry, ExpositionFormat.OpenMetrics, Stream.Null);

    /// <summary>The collector's path: an immutable snapshot first (what a worker hands over), then the writer.</summary>
    [Benchmark]
    public async Task<long> SnapshotThenText() =>
        await ExpositionWriter.WriteAsync(_registry.Collect(), ExpositionFormat.Text, Stream.Null);

    [Benchmark]
    public async Task PromNet_Text() => await _promRegistry.CollectAndExportAsTextAsync(Stream.Null);

    /// <summary>Ours over HTTP: our MetricsServer (Kestrel) takes the registry's snapshot and writes it.</summary>
    [Benchmark]
    public Task<long> HttpText() => HttpScrape.TextAsync(_client, _server.Address);

    /// <summary>prometheus-net over HTTP: its MetricServer (HttpListener) exports the registry.</summary>
    [Benchmark]
    public Task<long> PromNet_HttpText() => HttpScrape.TextAsync(_client, _promUri);

    /// <summary>
    /// OTel over HTTP: its HttpListener exporter collects (the reader's Collect) and serializes on each scrape (the
    /// response cache is off); scope info (otel_scope_* labels on every series) is on, as by default.
    /// </summary>
    [Benchmark]
    public Task<long> OTel_HttpText() => HttpScrape.TextAsync(_client, _otel.ScrapeUri);

    /// <summary>As <see cref="OTel_HttpText"/> with <c>ScopeInfoEnabled = false</c>: no otel_scope_* labels.</summary>
    [Benchmark]
    public Task<long> OTel_HttpText_NoScopeInfo() => HttpScrape.TextAsync(_client, _otelNoScope.ScrapeUri);
}
