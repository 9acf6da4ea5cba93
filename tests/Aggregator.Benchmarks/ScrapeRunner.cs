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
    private const int Workers = 8;
    private const int SeriesPerWorker = 10_000;
    private const int Warmup = 5;
    private const int Scrapes = 50;

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
            var worker = system.ActorOf(Props.Create(() => new BenchWorker(SeriesPerWorker)), $"w{i}");
            ready.Add(worker.Ask<string>("ready", TimeSpan.FromSeconds(30)));
        }

        await Task.WhenAll(ready);
        var extension = AggregatorExtension.Get(system);
        var reply = await extension.CollectAsync();
        var serializer = new AggregatorSerializer((ExtendedActorSystem)system);
        var bytes = serializer.ToBinary(reply);
        Console.WriteLine($"node reply on the wire: {bytes.Length} B for {SeriesPerWorker} merged series = {bytes.Length / (double)SeriesPerWorker:F1} B per series");
        var collect = Median(20, () => extension.CollectAsync().GetAwaiter().GetResult());
        var encode = Median(20, () => serializer.ToBinary(reply));
        var decode = Median(20, () => serializer.FromBinary(bytes, AggregatorSerializer.CollectReplyManifest));
        var write = Median(20, () => Aggregator.Metrics.Exposition.ExpositionWriter.WriteAsync(reply.Snapshot, Aggregator.Metrics.Exposition.ExpositionFormat.Text, Stream.Null).AsTask().GetAwaiter().GetResult());
        Console.WriteLine($"node collection (8 workers, merge): median {collect:F1} ms; encode {encode:F1} ms; decode {decode:F1} ms; text write {write:F1} ms");

        await using var server = await MetricsServer.StartAsync(system, new MetricsServerOptions { Port = 0 });
        await Measure("node over HTTP, 8 workers x 10,000 series", server.Address);
        await system.Terminate();
    }

    public static async Task ClusterAsync()
    {
        var remoting = Enumerable.Range(0, 3).Select(_ => NodeProcesses.FreePort()).ToArray();
        var http = Enumerable.Range(0, 3).Select(_ => NodeProcesses.FreePort()).ToArray();
        var seeds = $"akka.tcp://aggregator@127.0.0.1:{remoting[0]}";
        var nodes = new List<Process>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                nodes.Add(NodeProcesses.Start(
                    $"--Node:Port={remoting[i]}", $"--Node:HttpUrl=http://127.0.0.1:{http[i]}", $"--Node:SeedNodes={seeds}",
                    "--Node:DemoWorkers=0", $"--Node:LoadWorkers={Workers}", $"--Node:LoadSeries={SeriesPerWorker}"));
            }

            var url = new Uri($"http://127.0.0.1:{http[0]}/metrics");
            await WaitForNodesAsync(url, 3);
            await Measure("cluster, 3 processes x 8 workers x 10,000 series", url);
        }
        finally
        {
            foreach (var node in nodes)
            {
                NodeProcesses.Stop(node);
            }
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

    private sealed class BenchWorker : MeteredReceiveActor
    {
        public BenchWorker(int series)
        {
            var requests = Metrics.Counter("load_requests_total", "Synthetic requests by path and method.", "path", "method");
            for (var i = 0; i < series; i++)
            {
                requests.WithLabels("/api/items/" + i, (i % 4) switch { 0 => "GET", 1 => "POST", 2 => "PUT", _ => "DELETE" }).Inc(i % 100);
            }

            Receive<string>(_ => Sender.Tell("ready"));
        }
    }
}
