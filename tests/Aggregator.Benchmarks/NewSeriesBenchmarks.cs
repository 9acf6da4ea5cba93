using System.Diagnostics.Metrics;
using Aggregator.Metrics;
using BenchmarkDotNet.Attributes;
using Prom = Prometheus;

namespace Aggregator.Benchmarks;

/// <summary>
/// SPEC §10 "new series": creating a labelled series that does not exist yet (time and bytes), beside prometheus-net and
/// OpenTelemetry .NET 1.20.1 (a fresh MeterProvider with the Prometheus exporter per iteration, its cardinality limit
/// raised by a View above the series made; OTel allocates its points for the whole limit when the instrument is
/// created, in the iteration setup, so that allocation is not in its bytes per series here: see MemoryReport).
/// </summary>
[MemoryDiagnoser]
public class NewSeriesBenchmarks
{
    // New series per invocation: enough that one invocation (all an [IterationSetup] benchmark gets per iteration)
    // lasts tens of milliseconds. The label values are made up front so that only series creation is measured.
    private const int Ops = 200_000;

    private string[] _values = null!;
    private Counter _counter = null!;
    private Prom.Counter _promCounter = null!;
    private OTelMeters? _otel;
    private Counter<long> _otelCounter = null!;

    [GlobalSetup]
    public void Setup() => _values = [.. Enumerable.Range(0, Ops).Select(i => "value-" + i)];

    [IterationSetup]
    public void FreshFamilies()
    {
        _counter = new WorkerRegistry().Counter("bench_new_series_total", "New series", "a", "b");
        _promCounter = Prom.Metrics.WithCustomRegistry(Prom.Metrics.NewCustomRegistry()).CreateCounter("bench_new_series_total", "New series", "a", "b");
        _otel?.Dispose();
        _otel = OTelMeters.Start("NewSeries", cardinalityLimit: Ops + 16);
        _otelCounter = _otel.Meter.CreateCounter<long>("bench_new_series", description: "New series");
    }

    [GlobalCleanup]
    public void Cleanup() => _otel?.Dispose();

    [Benchmark(OperationsPerInvoke = Ops)]
    public void NewSeries()
    {
        var counter = _counter;
        foreach (var value in _values)
        {
            counter.WithLabels(value, "GET").Inc();
        }
    }

    [Benchmark(OperationsPerInvoke = Ops)]
    public void PromNet_NewSeries()
    {
        var counter = _promCounter;
        foreach (var value in _values)
        {
            counter.WithLabels(value, "GET").Inc();
        }
    }

    [Benchmark(OperationsPerInvoke = Ops)]
    public void OTel_NewSeries()
    {
        var counter = _otelCounter;
        foreach (var value in _values)
        {
            counter.Add(1, new KeyValuePair<string, object?>("a", value), new KeyValuePair<string, object?>("b", "GET"));
        }
    }
}
