using System.Diagnostics;
using Akka.Actor;
using Aggregator.Actors;
using Aggregator.Hosting;

namespace Aggregator.Benchmarks;

/// <summary>
/// The status page's cost next to a scrape's (issue 18): a node in this process with 8 workers × the same 10,000
/// series, served by the standalone server with the status page on; <c>/metrics</c> (text format), <c>/status</c> and
/// <c>/status.json</c> are requested in turn, and each one's median and p99 latency and body size are reported.
/// Reports, never asserts.
/// </summary>
public static class StatusRunner
{
    public const int DefaultWorkers = 8;
    public const int DefaultSeries = 10_000;

    public static async Task RunAsync(int workers = DefaultWorkers, int series = DefaultSeries, int requests = 30, int warmup = 5)
    {
        using var system = ActorSystem.Create("status-bench", """
            akka.loglevel = WARNING
            aggregator.collectors { process = off, runtime = off, meters = off }
            aggregator.collection-timeout = 10s
            """);
        var ready = new List<Task<string>>();
        for (var i = 0; i < workers; i++)
        {
            ready.Add(system.ActorOf(Props.Create(() => new StatusBenchWorker(series)), $"w{i}").Ask<string>("ready", TimeSpan.FromSeconds(60)));
        }

        await Task.WhenAll(ready);
        await using var server = await MetricsServer.StartAsync(system, new MetricsServerOptions { Port = 0, StatusPage = true });
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        Uri[] urls = [server.Address, new Uri(server.Address, "/status"), new Uri(server.Address, "/status.json")];
        var times = urls.Select(_ => new List<double>(requests)).ToArray();
        var bytes = new long[urls.Length];
        for (var round = 0; round < warmup + requests; round++)
        {
            // In turn, so that the machine's load at any moment falls on all three alike.
            for (var u = 0; u < urls.Length; u++)
            {
                var clock = Stopwatch.StartNew();
                bytes[u] = await HttpScrape.TextAsync(client, urls[u]);
                if (round >= warmup)
                {
                    times[u].Add(clock.Elapsed.TotalMilliseconds);
                }
            }
        }

        Console.WriteLine($"status page cost, node with {workers} workers x {series} series, {requests} requests each, {Environment.ProcessorCount} cores, load average {LoadAverage()}:");
        for (var u = 0; u < urls.Length; u++)
        {
            var sorted = times[u].Order().ToArray();
            Console.WriteLine($"  {urls[u].AbsolutePath,-13} median {sorted[sorted.Length / 2],7:F1} ms, p99 {sorted[(int)Math.Ceiling(sorted.Length * 0.99) - 1],7:F1} ms, body {bytes[u]} B");
        }

        await system.Terminate();
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private sealed class StatusBenchWorker : MeteredReceiveActor
    {
        public StatusBenchWorker(int series)
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
