using Aggregator.Metrics;
using Prom = Prometheus;

namespace Aggregator.Benchmarks;

/// <summary>
/// SPEC §10 "worker registry memory": bytes retained per series, measured as the managed heap's growth (after full
/// collections) while 100,000 two-label counter series are created, ours beside prometheus-net. The label strings are
/// made before measuring, so both pay only for their own structures.
/// </summary>
public static class MemoryReport
{
    private const int Series = 100_000;

    public static void Run()
    {
        var paths = Enumerable.Range(0, Series).Select(i => "/api/items/" + i).ToArray();
        Console.WriteLine($"worker registry: {Measure(() => Ours(paths)):F1} B per series");
        Console.WriteLine($"prometheus-net:  {Measure(() => Theirs(paths)):F1} B per series");
    }

    private static WorkerRegistry Ours(string[] paths)
    {
        var registry = new WorkerRegistry();
        var counter = registry.Counter("mem_requests_total", "Requests", "path", "method");
        foreach (var path in paths)
        {
            counter.WithLabels(path, "GET").Inc();
        }

        return registry;
    }

    private static Prom.CollectorRegistry Theirs(string[] paths)
    {
        var registry = Prom.Metrics.NewCustomRegistry();
        var counter = Prom.Metrics.WithCustomRegistry(registry).CreateCounter("mem_requests_total", "Requests", "path", "method");
        foreach (var path in paths)
        {
            counter.WithLabels(path, "GET").Inc();
        }

        return registry;
    }

    private static double Measure(Func<object> build)
    {
        var before = Settle();
        var kept = build();
        var after = Settle();
        GC.KeepAlive(kept);
        return (after - before) / (double)Series;
    }

    private static long Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
