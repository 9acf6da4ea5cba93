using Aggregator.Metrics;
using Aggregator.Metrics.Merging;
using Prom = Prometheus;

namespace Aggregator.Benchmarks;

/// <summary>
/// SPEC §10 "worker registry memory": bytes retained per series, measured as the managed heap's growth (after full
/// collections) while 100,000 two-label counter series are created, ours beside prometheus-net and OpenTelemetry .NET
/// 1.20.1 (a MeterProvider with the Prometheus exporter, its cardinality limit raised by a View to just above the series
/// made). The label strings are made before measuring, so each pays only for its own structures.
/// </summary>
public static class MemoryReport
{
    private const int Series = 100_000;

    // Just above the series made: OTel's default (2,000) would fold the rest into one overflow series.
    private const int OTelLimit = Series + 16;

    public static void Run()
    {
        var paths = Enumerable.Range(0, Series).Select(i => "/api/items/" + i).ToArray();
        Console.WriteLine($"worker registry: {Measure(() => Ours(paths)):F1} B per series");
        Console.WriteLine($"prometheus-net:  {Measure(() => Theirs(paths)):F1} B per series");

        // OTel allocates its metric points for the whole cardinality limit when the instrument is created, so the
        // empty instrument is measured too: that part is paid whatever the number of series.
        OTelMeters? empty = null;
        var upFront = Measure(() => empty = OTel(paths, 0));
        empty?.Dispose();
        OTelMeters? full = null;
        var perSeries = Measure(() => full = OTel(paths, paths.Length));
        using (var client = new HttpClient())
        {
            full!.EnsureNoOverflowAsync(client, nameof(MemoryReport)).GetAwaiter().GetResult();
        }

        full.Dispose();
        Console.WriteLine($"OpenTelemetry:   {perSeries:F1} B per series ({upFront:F1} of them allocated with the instrument, before any series; View CardinalityLimit {OTelLimit:N0})");

        // A node's merge of two workers holding half the series each: what the engine and its result keep, without and
        // with its own copies of the label sets (see LabelCopies).
        var halves = new[] { Ours(paths[..(Series / 2)]), Ours(paths[(Series / 2)..]) };
        var plain = Measure(() => NodeMerge(halves, copyLabels: false));
        var copied = Measure(() => NodeMerge(halves, copyLabels: true));
        Console.WriteLine($"node merge of two workers: {plain:F1} B per series kept by the engine and its result, {copied:F1} with label copies (+{copied - plain:F1})");
    }

    private static object NodeMerge(WorkerRegistry[] workers, bool copyLabels)
    {
        var engine = new MergeEngine(copyLabels: copyLabels);
        var result = engine.Merge([.. workers.Select((w, i) => new MergeSource($"w{i}", w.Collect()))]);
        return (engine, result);
    }

    private static OTelMeters OTel(string[] paths, int count)
    {
        var otel = OTelMeters.Start("Memory", cardinalityLimit: OTelLimit);
        var counter = otel.Meter.CreateCounter<long>("mem_requests", description: "Requests");
        for (var i = 0; i < count; i++)
        {
            counter.Add(1, new KeyValuePair<string, object?>("path", paths[i]), new KeyValuePair<string, object?>("method", "GET"));
        }

        return otel;
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
