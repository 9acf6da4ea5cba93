using System.Diagnostics;
using System.Globalization;
using System.Runtime.Intrinsics;
using Akka.Actor;
using Aggregator.Actors;
using Aggregator.Benchmarks.Legacy;
using Aggregator.Metrics;
using Aggregator.Metrics.Exposition;
using Aggregator.Metrics.Merging;

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

    /// <summary>
    /// Measures at each of <paramref name="sizes"/>, after <paramref name="warmup"/> (default 3 s) of untimed runs before
    /// each measurement: on a loaded machine the background compiler that replaces first-tier code gets little CPU, and
    /// a shorter warm-up timed first-tier code (and the compiler's own CPU time) at 10,000 series.
    /// </summary>
    public static async Task RunAsync(IReadOnlyList<int> sizes, TimeSpan? warmup = null)
    {
        Console.WriteLine($"cost-curve: {Environment.ProcessorCount} cores, load average {LoadAverage()}, Vector512 hardware-accelerated {Vector512.IsHardwareAccelerated}, DOTNET_EnableAVX512={Environment.GetEnvironmentVariable("DOTNET_EnableAVX512") ?? "(unset)"}");
        Console.WriteLine("Each figure: median process CPU time per series in ns, then median wall time per series in ns; \"before\" is the writer before issue 15, run in turn with today's on the same snapshot.");
        var rows = new List<Row>();
        foreach (var size in sizes)
        {
            rows.Add(await MeasureAsync(size, warmup ?? TimeSpan.FromSeconds(3)));
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        }

        Console.WriteLine();
        Console.WriteLine("| series | counters text: now | before | ratio | fractional gauges text: now | before | ratio | node collection, 8 workers | merged text | node scrape (collection + text) |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in rows)
        {
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"| {r.Size:N0} | {r.Counters} | {r.CountersBefore} | {r.CountersBefore.Cpu / r.Counters.Cpu:F2}× | {r.Gauges} | {r.GaugesBefore} | {r.GaugesBefore.Cpu / r.Gauges.Cpu:F2}× | {r.Collect} | {r.NodeText} | {r.Collect + r.NodeText} |"));
        }

        if (rows.Count > 1)
        {
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"flatness, largest / smallest CPU ns per series over the sizes: counters text {Spread(rows, r => r.Counters.Cpu):F2}× (before {Spread(rows, r => r.CountersBefore.Cpu):F2}×), gauges text {Spread(rows, r => r.Gauges.Cpu):F2}×, node scrape {Spread(rows, r => (r.Collect + r.NodeText).Cpu):F2}×"));
        }

        Console.WriteLine($"cost-curve: load average at the end {LoadAverage()}");
    }

    private static async Task<Row> MeasureAsync(int size, TimeSpan warmup)
    {
        var runs = size >= 1_000_000 ? 7 : size >= 100_000 ? 15 : 31;

        var counters = CounterSnapshot(size);
        var (countersNow, countersBefore) = await AlternatingMediansAsync(warmup, runs, counters);
        var slices = Enumerable.Range(0, Workers).Select(w => new MergeSource($"w{w}", CounterSnapshot(size / Workers * w, w == Workers - 1 ? size : (size / Workers * (w + 1))))).ToArray();
        var merge = await MediansAsync(warmup, runs, () => Task.FromResult(SnapshotMerger.Merge(slices)));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{size:N0} series: merge of 8 disjoint worker snapshots alone, ns per series: {merge / size}"));
        slices = null;
        counters = null;
        var gauges = GaugeSnapshot(size);
        var (gaugesNow, gaugesBefore) = await AlternatingMediansAsync(warmup, runs, gauges);
        gauges = null;
        GC.Collect();

        var (system, extension) = await StartNodeAsync(size);
        using var disposed = system;
        var nodeRuns = size >= 1_000_000 ? 5 : runs;
        var merged = MetricsSnapshot.Empty;
        var gcs = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        var collect = await MediansAsync(warmup, nodeRuns, async () => merged = (await extension.CollectAsync(timeout: TimeSpan.FromSeconds(120))).Snapshot);
        Console.WriteLine($"{size:N0} series: garbage collections during the node collections (gen0, gen1, gen2): {GC.CollectionCount(0) - gcs.Item1}, {GC.CollectionCount(1) - gcs.Item2}, {GC.CollectionCount(2) - gcs.Item3}");
        var mergedSeries = merged.Families.Where(f => f.Name == "load_requests").Sum(f => f.Series.Count);
        if (mergedSeries != size)
        {
            throw new InvalidOperationException($"The node collection merged {mergedSeries} series of load_requests, not {size}.");
        }

        var nodeText = await MediansAsync(warmup, nodeRuns, async () => await ExpositionWriter.WriteAsync(merged, ExpositionFormat.Text, Stream.Null));
        await system.Terminate();

        var row = new Row(size, countersNow / size, countersBefore / size, gaugesNow / size, gaugesBefore / size, collect / size, nodeText / size);
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{size:N0} series, ns per series (CPU (wall)): counters text {row.Counters} (before {row.CountersBefore}), gauges text {row.Gauges} (before {row.GaugesBefore}), node collection {row.Collect}, merged text {row.NodeText}; load average {LoadAverage()}"));
        return row;
    }

    /// <summary>Medians of the new and the old writer over the same snapshot, run in turn so that load changes hit both alike.</summary>
    private static async Task<(Timing Now, Timing Before)> AlternatingMediansAsync(TimeSpan warmup, int runs, MetricsSnapshot snapshot)
    {
        var now = await ExpositionWriter.WriteAsync(snapshot, ExpositionFormat.Text, Stream.Null);
        var before = await LegacyExpositionWriter.WriteAsync(snapshot, ExpositionFormat.Text, Stream.Null);
        if (now != before)
        {
            throw new InvalidOperationException($"The writers disagree on the length: {now} B now, {before} B before.");
        }

        var warming = Stopwatch.StartNew();
        while (warming.Elapsed < warmup)
        {
            await ExpositionWriter.WriteAsync(snapshot, ExpositionFormat.Text, Stream.Null);
            await LegacyExpositionWriter.WriteAsync(snapshot, ExpositionFormat.Text, Stream.Null);
        }

        var a = new List<Timing>(runs);
        var b = new List<Timing>(runs);
        for (var i = 0; i < runs; i++)
        {
            a.Add(await TimeAsync(async () => await ExpositionWriter.WriteAsync(snapshot, ExpositionFormat.Text, Stream.Null)));
            b.Add(await TimeAsync(async () => await LegacyExpositionWriter.WriteAsync(snapshot, ExpositionFormat.Text, Stream.Null)));
        }

        return (Timing.Median(a), Timing.Median(b));
    }

    private static async Task<Timing> MediansAsync(TimeSpan warmup, int runs, Func<Task> action)
    {
        var warming = Stopwatch.StartNew();
        do
        {
            await action();
        }
        while (warming.Elapsed < warmup);

        var times = new List<Timing>(runs);
        for (var i = 0; i < runs; i++)
        {
            times.Add(await TimeAsync(action));
        }

        return Timing.Median(times);
    }

    private static async Task<Timing> TimeAsync(Func<Task> action)
    {
        var cpu = Measure.ProcessCpuMs();
        var clock = Stopwatch.StartNew();
        await action();
        return new Timing((Measure.ProcessCpuMs() - cpu) * 1e6, clock.Elapsed.TotalMilliseconds * 1e6);
    }

    /// <summary>
    /// An actor system of <see cref="Workers"/> workers holding an eighth of <paramref name="size"/> counter series each
    /// (disjoint), every one answered once: the node whose collection and merged text the curve measures.
    /// </summary>
    internal static async Task<(ActorSystem System, AggregatorExtension Extension)> StartNodeAsync(int size)
    {
        var system = ActorSystem.Create("cost-curve", """
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
        return (system, AggregatorExtension.Get(system));
    }

    /// <summary>One counter family of <paramref name="size"/> series with a path and a method label and whole values.</summary>
    internal static MetricsSnapshot CounterSnapshot(int size) => CounterSnapshot(0, size);

    /// <summary>Series <paramref name="from"/> to <paramref name="to"/> of the counter family, as one worker holds them.</summary>
    internal static MetricsSnapshot CounterSnapshot(int from, int to)
    {
        var registry = new WorkerRegistry(new MetricCatalog(new MetricsOptions { MaxSeriesPerFamily = Math.Max(1, to - from) }));
        var counter = registry.Counter("load_requests_total", "Synthetic requests by path and method.", "path", "method");
        for (var i = from; i < to; i++)
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

    private sealed record Row(int Size, Timing Counters, Timing CountersBefore, Timing Gauges, Timing GaugesBefore, Timing Collect, Timing NodeText);

    /// <summary>CPU and wall time in ns (or ns per series once divided), medians taken apart.</summary>
    private readonly record struct Timing(double Cpu, double Wall)
    {
        public static Timing operator /(Timing t, int size) => new(t.Cpu / size, t.Wall / size);

        public static Timing operator +(Timing a, Timing b) => new(a.Cpu + b.Cpu, a.Wall + b.Wall);

        public static Timing Median(List<Timing> times)
        {
            var cpu = times.Select(t => t.Cpu).Order().ToArray();
            var wall = times.Select(t => t.Wall).Order().ToArray();
            return new Timing(cpu[cpu.Length / 2], wall[wall.Length / 2]);
        }

        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Cpu:F1} ({Wall:F1})");
    }

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
