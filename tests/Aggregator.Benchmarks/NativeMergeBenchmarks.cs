using System.Globalization;
using Aggregator.Metrics;
using Aggregator.Metrics.Merging;
using BenchmarkDotNet.Attributes;

namespace Aggregator.Benchmarks;

/// <summary>
/// Issue 14: merging 8 sources × the same 1,000 native histogram series (200 observations each, values spread over
/// 0.001..1000) at mixed schemas (8, 5, 3, 3, 2, 1, 0, -1), so that every series is reduced and summed.
/// </summary>
[MemoryDiagnoser]
public class NativeMergeBenchmarks
{
    private static readonly int[] Schemas = [8, 5, 3, 3, 2, 1, 0, -1];

    private MergeSource[] _sources = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(7);
        _sources = new MergeSource[Schemas.Length];
        for (var s = 0; s < Schemas.Length; s++)
        {
            var registry = new WorkerRegistry();
            var histogram = registry.Histogram("latency_seconds", new MetricOptions { LabelNames = ["route"], NativeHistogram = new NativeHistogramOptions { Schema = Schemas[s] } });
            for (var series = 0; series < 1000; series++)
            {
                var child = histogram.WithLabels("/route/" + series.ToString(CultureInfo.InvariantCulture));
                for (var i = 0; i < 200; i++)
                {
                    child.Observe(Math.Pow(10, (random.NextDouble() * 6) - 3));
                }
            }

            _sources[s] = new MergeSource("worker-" + s.ToString(CultureInfo.InvariantCulture), registry.Collect());
        }
    }

    [Benchmark]
    public MetricsSnapshot Merge8x1000MixedSchemas() => SnapshotMerger.Merge(_sources).Snapshot;
}
