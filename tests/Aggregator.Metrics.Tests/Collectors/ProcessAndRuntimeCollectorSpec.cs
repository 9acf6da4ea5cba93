using Aggregator.Metrics.Collectors;

namespace Aggregator.Metrics.Tests.Collectors;

public sealed class ProcessAndRuntimeCollectorSpec
{
    [Fact]
    public void Process_metrics_describe_this_process()
    {
        var families = ProcessCollector.Collect().ToDictionary(f => f.Name);

        Assert.Equal(
            ["process_cpu_seconds", "process_max_fds", "process_open_fds", "process_resident_memory_bytes", "process_start_time_seconds", "process_virtual_memory_bytes"],
            families.Keys.Order(StringComparer.Ordinal));
        var start = families["process_start_time_seconds"].Series[0].Value;
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        Assert.InRange(start, now - 600, now);
        Assert.InRange(families["process_open_fds"].Series[0].Value, 3, families["process_max_fds"].Series[0].Value);
        Assert.True(families["process_resident_memory_bytes"].Series[0].Value > 1_000_000);
    }

    [Fact]
    public void Runtime_metrics_count_collections_by_generation()
    {
        var before = RuntimeCollector.Collect().Single(f => f.Name == "dotnet_gc_collections").Series.Single(s => s.LabelValues[0] == "0").Value;
        GC.Collect(0);
        var families = RuntimeCollector.Collect().ToDictionary(f => f.Name);

        Assert.True(families["dotnet_gc_collections"].Series.Single(s => s.LabelValues[0] == "0").Value >= before + 1);
        Assert.Equal(GC.MaxGeneration + 1, families["dotnet_gc_collections"].Series.Count);
        Assert.True(families["dotnet_threadpool_threads"].Series[0].Value >= 1);
    }

    [Fact]
    public void Every_process_and_runtime_family_is_per_node()
    {
        var families = ProcessCollector.Collect().Concat(RuntimeCollector.Collect()).ToArray();

        Assert.Equal(14, families.Length);
        Assert.All(families, f => Assert.True(f.Definition.PerNode, f.Name));
    }
}
