using Aggregator.Metrics;
using BenchmarkDotNet.Attributes;

namespace Aggregator.Benchmarks;

/// <summary>
/// Issue 14: a native histogram observe (schema 3, the default) beside a 16-bucket classic observe in the same run, in a
/// worker registry, on the same 1,000 values in 0..100 as <see cref="HotPathBenchmarks"/>. Target: native at most 1.5×
/// the classic cost.
/// </summary>
[MemoryDiagnoser]
public class NativeHistogramBenchmarks
{
    private const int Ops = 1000;

    private static readonly double[] SixteenBuckets = Buckets.Exponential(0.001, 2, 16);

    private Histogram.Child _classic = null!;
    private Histogram.Child _native = null!;
    private Histogram.Child _both = null!;
    private double[] _observations = null!;

    [GlobalSetup]
    public void Setup()
    {
        var registry = new WorkerRegistry();
        _classic = registry.Histogram("classic_seconds", new MetricOptions { Buckets = SixteenBuckets }).Unlabelled;
        _native = registry.Histogram("native_seconds", new MetricOptions { NativeHistogram = new NativeHistogramOptions() }).Unlabelled;
        _both = registry.Histogram("both_seconds", new MetricOptions { Buckets = SixteenBuckets, NativeHistogram = new NativeHistogramOptions() }).Unlabelled;

        var random = new Random(42);
        _observations = new double[Ops];
        for (var i = 0; i < Ops; i++)
        {
            _observations[i] = random.NextDouble() * 100;
        }

        // Every bucket the values need exists before measuring, as for a series that has been observing for a while.
        foreach (var value in _observations)
        {
            _native.Observe(value);
            _both.Observe(value);
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Ops)]
    public void ClassicObserve16() => Observe(_classic);

    [Benchmark(OperationsPerInvoke = Ops)]
    public void NativeObserve() => Observe(_native);

    [Benchmark(OperationsPerInvoke = Ops)]
    public void NativeAndClassic16Observe() => Observe(_both);

    private void Observe(Histogram.Child histogram)
    {
        var values = _observations;
        for (var i = 0; i < values.Length; i++)
        {
            histogram.Observe(values[i]);
        }
    }
}
