using System.Diagnostics;
using Aggregator.Metrics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace Aggregator.Benchmarks;

/// <summary>
/// Issue 17: counter inc and 16-bucket histogram observe on an existing worker-registry series, with a trace exemplar
/// and without, in one run. "FromActivity" takes the exemplar from <see cref="Activity.Current"/> at each update, as
/// instrumented code would. Grouped by category, so each ratio is to its own plain update.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class ExemplarBenchmarks
{
    private const int Ops = 1000;

    private static readonly double[] SixteenBuckets = Buckets.Exponential(0.001, 2, 16);

    private Counter.Child _counter = null!;
    private Histogram.Child _histogram = null!;
    private Exemplar _exemplar;
    private double[] _observations = null!;
    private Activity? _activity;

    [GlobalSetup]
    public void Setup()
    {
        var registry = new WorkerRegistry();
        _counter = registry.Counter("bench_requests_total", "Requests", "method").WithLabels("GET");
        _histogram = registry.Histogram("bench_seconds", new MetricOptions { Help = "Latency", Buckets = SixteenBuckets }).Unlabelled;
        _activity = new Activity("bench").SetIdFormat(ActivityIdFormat.W3C).Start();
        _exemplar = Exemplar.FromCurrentActivity();

        var random = new Random(42);
        _observations = new double[Ops];
        for (var i = 0; i < Ops; i++)
        {
            _observations[i] = random.NextDouble() * 100;
        }

        // The first exemplar makes each series' cells; every measured one writes in place.
        _counter.Inc(1, _exemplar);
        foreach (var value in _observations)
        {
            _histogram.Observe(value, _exemplar);
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _activity?.Stop();

    [Benchmark(Baseline = true, OperationsPerInvoke = Ops)]
    [BenchmarkCategory("Counter")]
    public void CounterInc_Plain()
    {
        var counter = _counter;
        for (var i = 0; i < Ops; i++)
        {
            counter.Inc(1.0);
        }
    }

    [Benchmark(OperationsPerInvoke = Ops)]
    [BenchmarkCategory("Counter")]
    public void CounterInc_Exemplar()
    {
        var counter = _counter;
        for (var i = 0; i < Ops; i++)
        {
            counter.Inc(1.0, in _exemplar);
        }
    }

    [Benchmark(OperationsPerInvoke = Ops)]
    [BenchmarkCategory("Counter")]
    public void CounterInc_ExemplarFromActivity()
    {
        var counter = _counter;
        for (var i = 0; i < Ops; i++)
        {
            counter.Inc(1.0, Exemplar.FromCurrentActivity());
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Ops)]
    [BenchmarkCategory("Histogram")]
    public void HistogramObserve_Plain()
    {
        var histogram = _histogram;
        var observations = _observations;
        for (var i = 0; i < observations.Length; i++)
        {
            histogram.Observe(observations[i]);
        }
    }

    [Benchmark(OperationsPerInvoke = Ops)]
    [BenchmarkCategory("Histogram")]
    public void HistogramObserve_Exemplar()
    {
        var histogram = _histogram;
        var observations = _observations;
        for (var i = 0; i < observations.Length; i++)
        {
            histogram.Observe(observations[i], in _exemplar);
        }
    }
}
