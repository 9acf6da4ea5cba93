using System.Diagnostics;
using System.Globalization;
using System.Runtime.Intrinsics;
using Akka.Actor;
using Aggregator.Actors;
using Aggregator.Benchmarks.Legacy;
using Aggregator.Metrics;
using Aggregator.Metrics.Exposition;

namespace Aggregator.Benchmarks;

/// <summary>
/// Issue 15's cost curve: nanoseconds per series at 10,000, 100,000 and 1,000,000 series on one node, for
/// <list type="bullet">
/// <item>text exposition of a snapshot of one counter family (two labels, whole values), the writer of today beside the
/// writer before issue 15 (<see cref="LegacyExpositionWriter"/>), in alternating runs of the same process;</item>
/// <item>the same for a gauge family with fractional values (the shortest round-trip path);</item>
/// <item>the merged node scrape: a node collection of 8 workers, each holding an eighth of the series (disjoint), then
/// text of the merged snapshot.</item>
/// </list>
/// Reports, never asserts: the target (flat within 1.5× from 10k to 1M; ≤ 40 ns per counter series) is read off the
/// printed figures.
/// </summary>
public static class CostCurveRunner
{
    /// <summary>The sizes measured when none are given.</summary>
    public static readonly int[] DefaultSizes = [10_000, 100_000, 1_000_000];

    private const int Workers = 8;

    public static async Task RunAsync(IReadOnlyList<int> sizes)
    {
        Console.WriteLine($"cost-curve: {Environment.ProcessorCount} cores, load average {LoadAverage()}, Vector512 hardware-accelerated {Vector512.IsHardwareAccelerated}, DOTNET_EnableAVX512={Environment.GetEnvironmentVariable("DOTNET_EnableAVX512") ?? "(unset)"}");
        var rows = new List<Row>();
        foreach (var size in sizes)
        {
            rows.Add(await MeasureAsync(size));
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        }

        Console.WriteLine();
        Console.WriteLine("| series | counters text, ns/series (before issue 15) | ratio | fractional gauges text, ns/series (before) | ratio | node collection, 8 workers | merged text | node scrape (collection + text) |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (var r in rows)
        {
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"| {r.Size:N0} | {r.Counters:F1} ({r.CountersLegacy:F1}) | {r.CountersLegacy / r.Counters:F2}× | {r.Gauges:F1} ({r.GaugesLegacy:F1}) | {r.GaugesLegacy / r.Gauges:F2}× | {r.Collect:F1} | {r.NodeText:F1} | {r.Collect + r.NodeText:F1} |"));
        }

        if (rows.Count > 1)
        {
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"flatness (largest / smallest ns per series over the sizes): counters text {Spread(rows, r => r.Counters):F2}×, gauges text {Spread(rows, r => r.Gauges):F2}×, node scrape {Spread(rows, r => r.Collect + r.NodeText):F2}×"));
        }

        Console.WriteLine($"cost-curve: load average at the end {LoadAverage()}");
    }

    private static async Task<Row> MeasureAsync(int size)
    {
        var runs = size >= 1_000_000 ? 7 : size >= 100_000 ? 15 : 31;
        var warmup = TimeSpan.FromSeconds(size >= 1_000_000 ? 3 : 1);

        var counters = CounterSnapshot(size);
        var (counters0, countersLegacy) = await AlternatingMediansAsync(warmup, runs, counters);
        counters = null;
        var gauges = GaugeSnapshot(size);
        var (gauges0, gaugesLegacy) = await AlternatingMediansAsync(warmup, runs, gauges);
        gauges = null;
        GC.Collect();

        using var system = ActorSystem.Create("cost-curve", """
            akka.loglevel = WARNING
            aggregator.collectors { process = off, runtime = off, meters = off }
            aggregator.collection-timeout = 120s
            aggregator.max-series-per-family = 2000000
            """);
        var ready = new List<Task<string>>();
        for (var w = 0; w < Workers; w++)
        {
            var from = size / Workers * w;
            var to = w == Workers - 1 ? size : from + (size / Workers);
            var worker = system.ActorOf(Props.Create(() => new SliceWorker(from, to)), $"w{w}");
            ready.Add(worker.Ask<string>("ready", TimeSpan.FromSeconds(300)));
        }

        await Task.WhenAll(ready);
        var extension = AggregatorExtension.Get(system);
        var nodeRuns = size >= 1_000_000 ? 5 : runs;
        MetricsSnapshot merged = MetricsSnapshot.Empty;
        var collect = await Measure.MedianMsAsync(warmup, nodeRuns, async () => merged = (await extension.CollectAsync(timeout: TimeSpan.FromSeconds(120))).Snapshot);
        var mergedSeries = merged.Families.Where(f => f.Name == "load_requests").Sum(f => f.Series.Count);
        if (mergedSeries != size)
        {
            throw new InvalidOperationException($"The node collection merged {mergedSeries} series of load_requests, not {size}.");
        }

        var nodeText = await Measure.MedianMsAsync(warmup, nodeRuns, async () => await ExpositionWriter.WriteAsync(merged, ExpositionFormat.Text, Stream.Null));
        await system.Terminate();

        var row = new Row(size, PerSeries(counters0, size), PerSeries(countersLegacy, size), PerSeries(gauges0, size), PerSeries(gaugesLegacy, size), PerSeries(collect, size), PerSeries(nodeText, size));
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{size:N0} series: counters text {counters0:F2} ms (before {countersLegacy:F2} ms), gauges text {gauges0:F2} ms (before {gaugesLegacy:F2} ms), node collection {collect:F2} ms, merged text {nodeText:F2} ms; load average {LoadAverage()}"));
        return row;
    }

    /// <summary>Medians of the new and the old writer over the same snapshot, run in turn so that load changes hit both alike.</summary>
    private static async Task<(double Current, double Legacy)> AlternatingMediansAsync(TimeSpan warmup, int runs, MetricsSnapshot snapshot)
    {
        var current = (await ExpositionWriter.WriteAsync(snapshot, ExpositionFormat.Text, Stream.Null));
        var legacy = (await LegacyExpositionWriter.WriteAsync(snapshot, ExpositionFormat.Text, Stream.Null));
        if (current != legacy)
        {
            throw new InvalidOperationException($"The writers disagree on the length: {current} B now, {legacy} B before.");
        }

        var warming = Stopwatch.StartNew();
        while (warming.Elapsed < warmup)
        {
            await ExpositionWriter.WriteAsync(snapshot, ExpositionFormat.Text, Stream.Null);
            await LegacyExpositionWriter.WriteAsync(snapshot, ExpositionFormat.Text, Stream.Null);
        }

        var a = new double[runs];
        var b = new double[runs];
        for (var i = 0; i < runs; i++)
        {
            var clock = Stopwatch.StartNew();
            await ExpositionWriter.WriteAsync(snapshot, ExpositionFormat.Text, Stream.Null);
            a[i] = clock.Elapsed.TotalMilliseconds;
            clock.Restart();
            await LegacyExpositionWriter.WriteAsync(snapshot, ExpositionFormat.Text, Stream.Null);
            b[i] = clock.Elapsed.TotalMilliseconds;
        }

        Array.Sort(a);
        Array.Sort(b);
        return (a[runs / 2], b[runs / 2]);
    }

    /// <summary>One counter family of <paramref name="size"/> series with a path and a method label and whole values.</summary>
    internal static MetricsSnapshot CounterSnapshot(int size)
    {
        var registry = new WorkerRegistry(new MetricCatalog(new MetricsOptions { MaxSeriesPerFamily = size }));
        var counter = registry.Counter("load_requests_total", "Synthetic requests by path and method.", "path", "method");
        for (var i = 0; i < size; i++)
        {
            counter.WithLabels(Path(i), Method(i)).Inc(i % 1000);
        }

        return registry.Collect();
    }

    /// <summary>One gauge family of <paramref name="size"/> series with fractional values (written by the shortest round-trip).</summary>
    internal static MetricsSnapshot GaugeSnapshot(int size)
    {
        var registry = new WorkerRegistry(new MetricCatalog(new MetricsOptions { MaxSeriesPerFamily = size }));
        var gauge = registry.Gauge("load_latency_seconds", "Synthetic latency by path and method.", "path", "method");
        for (var i = 0; i < size; i++)
        {
            gauge.WithLabels(Path(i), Method(i)).Set((i % 1000) * 0.0371);
        }

        return registry.Collect();
    }

    private static string Path(int i) => "/api/items/" + i.ToString(CultureInfo.InvariantCulture);

    private static string Method(int i) => (i % 4) switch { 0 => "GET", 1 => "POST", 2 => "PUT", _ => "DELETE" };

    private static double PerSeries(double ms, int size) => ms * 1e6 / size;

    private static double Spread(List<Row> rows, Func<Row, double> pick) => rows.Max(pick) / rows.Min(pick);

    /// <summary>The 1, 5 and 15 minute load averages: other people build on this machine.</summary>
    internal static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    private sealed record Row(int Size, double Counters, double CountersLegacy, double Gauges, double GaugesLegacy, double Collect, double NodeText);

    /// <summary>A worker holding series <c>from</c> to <c>to</c> of the counter family.</summary>
    private sealed class SliceWorker : MeteredReceiveActor
    {
        public SliceWorker(int from, int to)
        {
            var requests = Metrics.Counter("load_requests_total", "Synthetic requests by path and method.", "path", "method");
            for (var i = from; i < to; i++)
            {
                requests.WithLabels(Path(i), Method(i)).Inc(i % 1000);
            }

            Receive<string>(_ => Sender.Tell("ready"));
        }
    }
}
