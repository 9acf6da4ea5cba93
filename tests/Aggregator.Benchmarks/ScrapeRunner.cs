using System.Diagnostics;
using Akka.Actor;
using Aggregator.Actors;
using Aggregator.Actors.Protocol;
using Aggregator.Cluster;
using Aggregator.Cluster.Serialization;
using Aggregator.Hosting;
using Aggregator.Metrics;

namespace Aggregator.Benchmarks;

/// <summary>
/// The end-to-end scrape cases of SPEC §10: a node over HTTP (8 workers × the same 10,000 series, in this process) and
/// a 3-process cluster (each node 8 load workers × 10,000 series, from the built Aggregator.Node dll), reporting the
/// median and p99 latency of scrapes and the bytes per series a node's reply takes on the wire. Every process it starts
/// is stopped by its PID.
/// </summary>
public static class ScrapeRunner
{
    /// <summary>How many scrapes each measurement takes unless told (<c>scrape-cluster [scrapes]</c> sets the steady state's).</summary>
    public const int DefaultScrapes = 50;

    private const int Workers = 8;
    private const int SeriesPerWorker = 10_000;
    private const int Warmup = 5;
    private const int Scrapes = DefaultScrapes;

    // Scrapes of each endpoint between the first measurement and the second. A node's collection runs once per scrape,
    // so its methods reach tiered compilation's optimized code only after some 30 scrapes and a background compile
    // (a profile of a node over its first 50 scrapes spent a third of its CPU in the JIT); the second measurement is
    // the steady state a long-running node is in.
    private const int SteadyWarmup = 200;

    public static async Task NodeAsync()
    {
        using var system = ActorSystem.Create("scrape-bench", """
            akka.loglevel = WARNING
            aggregator.collectors { process = off, runtime = off, meters = off }
            aggregator.collection-timeout = 10s
            """);
        var ready = new List<Task<string>>();
        for (var i = 0; i < Workers; i++)
        {
            var worker = system.ActorOf(Props.Create(() => new LoadSeriesWorker(SeriesPerWorker)), $"w{i}");
            ready.Add(worker.Ask<string>("ready", TimeSpan.FromSeconds(30)));
        }

        await Task.WhenAll(ready);
        var extension = AggregatorExtension.Get(system);
        var reply = await extension.CollectAsync();
        var serializer = new AggregatorSerializer((ExtendedActorSystem)system);
        var bytes = serializer.ToBinary(reply);
        Console.WriteLine($"node reply on the wire: {bytes.Length} B for {SeriesPerWorker} merged series = {bytes.Length / (double)SeriesPerWorker:F1} B per series");
        ChangesBytes(reply);
        var collect = Median(20, () => extension.CollectAsync().GetAwaiter().GetResult());
        var encode = Median(20, () => serializer.ToBinary(reply));
        var decode = Median(20, () => serializer.FromBinary(bytes, AggregatorSerializer.CollectReplyManifest));
        var write = Median(20, () => Aggregator.Metrics.Exposition.ExpositionWriter.WriteAsync(reply.Snapshot, Aggregator.Metrics.Exposition.ExpositionFormat.Text, Stream.Null).AsTask().GetAwaiter().GetResult());
        Console.WriteLine($"node collection (8 workers, merge): median {collect:F1} ms; encode {encode:F1} ms; decode {decode:F1} ms; text write {write:F1} ms");

        await using var server = await MetricsServer.StartAsync(system, new MetricsServerOptions { Port = 0 });
        await Measure("node over HTTP, 8 workers x 10,000 series", server.Address);
        await system.Terminate();
    }

    /// <summary>
    /// Issue 15's cluster case: 3 node processes × 8 load workers × 10,000 series, scraped for the whole cluster at two
    /// of them in turns: one with replies of changes (the default), one with whole-snapshot replies
    /// (<c>aggregator.cluster.delta-replies = off</c>), so both paths are measured at the same moment. Reported: the
    /// medians, p99 and the serving node's CPU per scrape; once with no series changing, once with
    /// <paramref name="changePercent"/>% changing between scrapes.
    /// </summary>
    public static async Task ClusterAsync(double changePercent = 1, int scrapes = Scrapes)
    {
        foreach (var change in new[] { 0, changePercent })
        {
            await ClusterOnceAsync(change, scrapes);
        }
    }

    private static async Task ClusterOnceAsync(double changePercent, int scrapes)
    {
        var remoting = Enumerable.Range(0, 3).Select(_ => NodeProcesses.FreePort()).ToArray();
        var http = Enumerable.Range(0, 3).Select(_ => NodeProcesses.FreePort()).ToArray();
        var seeds = $"akka.tcp://aggregator@127.0.0.1:{remoting[0]}";
        var fullReplies = Path.Combine(Path.GetTempPath(), $"aggregator-full-replies-{Environment.ProcessId}.hocon");
        await File.WriteAllTextAsync(fullReplies, "aggregator.cluster.delta-replies = off\n");
        var nodes = new List<Process>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                string[] arguments =
                [
                    $"--Node:Port={remoting[i]}", $"--Node:HttpUrl=http://127.0.0.1:{http[i]}", $"--Node:SeedNodes={seeds}",
                    "--Node:DemoWorkers=0", $"--Node:LoadWorkers={Workers}", $"--Node:LoadSeries={SeriesPerWorker}",
                    $"--Node:LoadChangePercent={changePercent.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
                ];
                nodes.Add(NodeProcesses.Start(i == 1 ? [.. arguments, $"--Node:HoconFile={fullReplies}"] : arguments));
            }

            var changes = new Uri($"http://127.0.0.1:{http[0]}/metrics");
            var full = new Uri($"http://127.0.0.1:{http[1]}/metrics");
            await WaitForNodesAsync(changes, 3);
            await WaitForNodesAsync(full, 3);
            var name = $"cluster, 3 processes x 8 workers x 10,000 series, {changePercent}% changing";
            await MeasureInTurnsAsync($"{name}, first scrapes after {Warmup} warm-up", ("replies of changes", changes, nodes[0]), ("whole replies", full, nodes[1]), nodes, Scrapes, Warmup);
            await MeasureInTurnsAsync($"{name}, steady state after {SteadyWarmup} more", ("replies of changes", changes, nodes[0]), ("whole replies", full, nodes[1]), nodes, scrapes, SteadyWarmup);
        }
        finally
        {
            foreach (var node in nodes)
            {
                NodeProcesses.Stop(node);
            }

            File.Delete(fullReplies);
        }
    }

    // Scrapes each endpoint in turns (which goes first alternates), reporting medians, p99 and the CPU time its
    // serving process spent per scrape.
    private static async Task MeasureInTurnsAsync(string name, (string Name, Uri Url, Process Server) a, (string Name, Uri Url, Process Server) b, IReadOnlyList<Process> all, int scrapes, int warmup)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var bytes = new long[2];
        for (var i = 0; i < warmup; i++)
        {
            bytes[0] = (await client.GetByteArrayAsync(a.Url)).Length;
            bytes[1] = (await client.GetByteArrayAsync(b.Url)).Length;
        }

        var times = new[] { new List<double>(scrapes), new List<double>(scrapes) };
        var cpu = new TimeSpan[2];
        var targets = new[] { a, b };
        var allBefore = all.Sum(p => NodeProcesses.CpuTime(p).TotalMilliseconds);
        for (var i = 0; i < scrapes; i++)
        {
            for (var k = 0; k < 2; k++)
            {
                var which = (i + k) % 2;
                var before = NodeProcesses.CpuTime(targets[which].Server);
                var clock = Stopwatch.StartNew();
                using var response = await client.GetAsync(targets[which].Url, HttpCompletionOption.ResponseContentRead);
                response.EnsureSuccessStatusCode();
                times[which].Add(clock.Elapsed.TotalMilliseconds);
                cpu[which] += NodeProcesses.CpuTime(targets[which].Server) - before;
            }
        }

        // Every scrape, at either endpoint, makes all three processes collect: their CPU together is the cluster's cost
        // of a scrape, and moves far less from run to run than the medians on two shared cores.
        var allCpu = (all.Sum(p => NodeProcesses.CpuTime(p).TotalMilliseconds) - allBefore) / (2 * scrapes);
        Console.WriteLine(System.FormattableString.Invariant($"{name}: all three processes' CPU {allCpu:F1} ms per scrape (both endpoints together)"));
        for (var k = 0; k < 2; k++)
        {
            times[k].Sort();
            Console.WriteLine(System.FormattableString.Invariant(
                $"{name}, {targets[k].Name}: median {times[k][times[k].Count / 2]:F1} ms, p99 {times[k][(int)Math.Ceiling(times[k].Count * 0.99) - 1]:F1} ms, serving node CPU {cpu[k].TotalMilliseconds / scrapes:F1} ms per scrape, body {bytes[k]} B, {scrapes} scrapes"));
        }
    }

    private static async Task Measure(string name, Uri url)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        long bytes = 0;
        for (var i = 0; i < Warmup; i++)
        {
            bytes = (await client.GetByteArrayAsync(url)).Length;
        }

        var times = new List<double>(Scrapes);
        for (var i = 0; i < Scrapes; i++)
        {
            var clock = Stopwatch.StartNew();
            using var response = await client.GetAsync(url, HttpCompletionOption.ResponseContentRead);
            response.EnsureSuccessStatusCode();
            times.Add(clock.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        Console.WriteLine($"{name}: median {times[times.Count / 2]:F1} ms, p99 {times[(int)Math.Ceiling(times.Count * 0.99) - 1]:F1} ms, min {times[0]:F1} ms, body {bytes} B, {Scrapes} scrapes");
    }

    // What a reply of changes carries for the same merged snapshot: in full, unchanged, and with 1% of its series changed.
    private static void ChangesBytes(NodeCollectorProtocol.CollectReply reply)
    {
        var encoder = new ChangesCodec.Encoder();
        var full = encoder.Encode(0, reply.Answered, reply.Missing, reply.Snapshot);
        var unchanged = encoder.Encode(encoder.Sequence, reply.Answered, reply.Missing, reply.Snapshot);
        var family = reply.Snapshot.Find("load_requests")!;
        var changedSeries = family.Series.Select((series, i) => i % 100 == 0 ? SeriesSnapshot.ForValue([.. series.LabelValues], series.Value + 1) : series).ToArray();
        var changedSnapshot = new MetricsSnapshot(reply.Snapshot.Families.Select(f => f == family ? new MetricFamilySnapshot(f.Definition, changedSeries) : f));
        var changed = encoder.Encode(encoder.Sequence, reply.Answered, reply.Missing, changedSnapshot);
        var series = reply.Snapshot.Families.Sum(f => f.Series.Count);
        Console.WriteLine(System.FormattableString.Invariant(
            $"reply of changes for {series} series: full {full.Length} B ({full.Length / (double)series:F1} B per series), unchanged {unchanged.Length} B ({unchanged.Length / (double)series:F4} B per series), 1% changed {changed.Length} B"));
    }

    private static double Median(int runs, Action action)
    {
        var times = new List<double>(runs);
        for (var i = 0; i < runs; i++)
        {
            var clock = Stopwatch.StartNew();
            action();
            times.Add(clock.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        return times[runs / 2];
    }

    private static async Task WaitForNodesAsync(Uri url, int count)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(90))
        {
            try
            {
                var text = await client.GetStringAsync(url);
                if (text.Split('\n').Count(l => l.StartsWith("aggregator_source_up{level=\"node\"", StringComparison.Ordinal) && l.EndsWith(" 1", StringComparison.Ordinal)) == count)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(500);
        }

        throw new TimeoutException($"{count} nodes did not come up at {url}.");
    }
}
