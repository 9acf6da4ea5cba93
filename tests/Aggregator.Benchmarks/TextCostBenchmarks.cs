using Aggregator.Benchmarks.Legacy;
using Aggregator.Metrics;
using Aggregator.Metrics.Exposition;
using BenchmarkDotNet.Attributes;

namespace Aggregator.Benchmarks;

/// <summary>
/// Issue 15's exposition target, ≤ 40 ns per series for counters in text: a snapshot of 100,000 counter series (two
/// labels, whole values) written as text 0.0.4 by today's writer and by the writer before issue 15
/// (<see cref="LegacyExpositionWriter"/>, a benchmark-only copy). Divide the mean by 100,000 for ns per series.
/// </summary>
[MemoryDiagnoser]
public class TextCostBenchmarks
{
    private const int Series = 100_000;

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
