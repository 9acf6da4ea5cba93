using Akka.Actor;
using Aggregator.Actors;
using Aggregator.Metrics;
using Aggregator.Metrics.Exposition;
using BenchmarkDotNet.Attributes;

namespace Aggregator.Benchmarks;

/// <summary>
/// Issue 15's cost curve for the merged node scrape, each size in a process of its own and warmed up by
/// BenchmarkDotNet: a node collection of 8 workers holding an eighth of the series each (disjoint, nothing changing
/// between collections), then text exposition of the merged snapshot, as <c>cost-curve</c> measures it in one
/// process. Divide the mean by the series count for ns per series.
/// </summary>
[MemoryDiagnoser]
public class NodeScrapeCostBenchmarks
{
    private ActorSystem _system = null!;
    private AggregatorExtension _extension = null!;
    private MetricsSnapshot _merged = null!;

    /// <summary>How many series the node's workers hold together.</summary>
    [Params(10_000, 100_000, 1_000_000)]
    public int Series { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        (_system, _extension) = CostCurveRunner.StartNodeAsync(Series).GetAwaiter().GetResult();
        _merged = _extension.CollectAsync(timeout: TimeSpan.FromSeconds(120)).GetAwaiter().GetResult().Snapshot;
    }

    [GlobalCleanup]
    public void Cleanup() => _system.Terminate().GetAwaiter().GetResult();

    [Benchmark]
    public async Task<long> CollectThenText()
    {
        var reply = await _extension.CollectAsync(timeout: TimeSpan.FromSeconds(120));
        return await ExpositionWriter.WriteAsync(reply.Snapshot, ExpositionFormat.Text, Stream.Null);
    }

    /// <summary>The first half alone: the node collection.</summary>
    [Benchmark]
    public async Task<int> CollectOnly() => (await _extension.CollectAsync(timeout: TimeSpan.FromSeconds(120))).Snapshot.Families.Count;

    /// <summary>The second half alone: text exposition of a merged snapshot taken in the setup.</summary>
    [Benchmark]
    public async Task<long> TextOnly() => await ExpositionWriter.WriteAsync(_merged, ExpositionFormat.Text, Stream.Null);
}
