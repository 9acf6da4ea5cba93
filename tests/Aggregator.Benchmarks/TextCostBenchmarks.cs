using Aggregator.Benchmarks.Legacy;
using Aggregator.Metrics;
using Aggregator.Metrics.Exposition;
using BenchmarkDotNet.Attributes;

namespace Aggregator.Benchmarks;

/// <summary>
/// Issue 15's exposition targets, ≤ 40 ns per series for counters in text at 100,000 series and flat within 1.5× from
/// 10,000 to 1,000,000: a snapshot of that many counter series (two labels, whole values) written as text 0.0.4 by
/// today's writer and by the writer before issue 15 (<see cref="LegacyExpositionWriter"/>, a benchmark-only copy).
/// Divide the mean by the series count for ns per series. Each size runs in a process of its own, warmed up by
/// BenchmarkDotNet, which the in-process <c>cost-curve</c> runner cannot promise.
/// </summary>
[MemoryDiagnoser]
public class TextCostBenchmarks
{
    /// <summary>How many series the snapshot holds.</summary>
    [Params(10_000, 100_000, 1_000_000)]
    public int Series { get; set; }

    private MetricsSnapshot _snapshot = null!;

    [GlobalSetup]
    public void Setup() => _snapshot = CostCurveRunner.CounterSnapshot(Series);

    [Benchmark(Baseline = true)]
    public async Task<long> CountersBefore() =>
        await LegacyExpositionWriter.WriteAsync(_snapshot, ExpositionFormat.Text, Stream.Null);

    [Benchmark]
    public async Task<long> CountersNow() =>
        await ExpositionWriter.WriteAsync(_snapshot, ExpositionFormat.Text, Stream.Null);
}
