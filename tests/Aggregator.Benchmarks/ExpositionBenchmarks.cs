using Aggregator.Metrics;
using Aggregator.Metrics.Exposition;
using BenchmarkDotNet.Attributes;
using Prom = Prometheus;

namespace Aggregator.Benchmarks;

/// <summary>
/// SPEC §10 "text exposition, 40,000 labelled series": collecting and writing a registry of 40,000 counter series
/// (two labels) to a stream, ours in text and OpenMetrics beside prometheus-net's text export.
/// </summary>
[MemoryDiagnoser]
public class ExpositionBenchmarks
{
    private const int Series = 40_000;

    private WorkerRegistry _registry = null!;
    private Prom.CollectorRegistry _promRegistry = null!;

    [GlobalSetup]
    public void Setup()
    {
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
        }
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
}
