using Aggregator.Metrics;
using BenchmarkDotNet.Attributes;
using Prom = Prometheus;

namespace Aggregator.Benchmarks;

/// <summary>SPEC §10 "new series": creating a labelled series that does not exist yet (time and bytes), beside prometheus-net.</summary>
[MemoryDiagnoser]
public class NewSeriesBenchmarks
{
    // New series per invocation: enough that one invocation (all an [IterationSetup] benchmark gets per iteration)
    // lasts tens of milliseconds. The label values are made up front so that only series creation is measured.
    private const int Ops = 200_000;

    private string[] _values = null!;
    private Counter _counter = null!;
    private Prom.Counter _promCounter = null!;

    [GlobalSetup]
    public void Setup() => _values = [.. Enumerable.Range(0, Ops).Select(i => "value-" + i)];

    [IterationSetup]
    public void FreshFamilies()
    {
        _counter = new WorkerRegistry().Counter("bench_new_series_total", "New series", "a", "b");
        _promCounter = Prom.Metrics.WithCustomRegistry(Prom.Metrics.NewCustomRegistry()).CreateCounter("bench_new_series_total", "New series", "a", "b");
    }

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
}
