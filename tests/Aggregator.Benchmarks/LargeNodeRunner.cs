using System.Diagnostics;
using System.Globalization;

namespace Aggregator.Benchmarks;

/// <summary>
/// Issue 15's large node: one node process holds <c>N</c> series (default 2,000,000, one load worker) and a second,
/// serving node answers a cluster scrape of it over HTTP: the reply of changes travels in 1 MiB chunks. Reports the
/// scrape's time, the body size, and the peak RSS (VmHWM) of the serving and of the large node. A third node with
/// whole-snapshot replies (<c>delta-replies = off</c>) is scraped too, to show what the frame size did before. Every
/// process it starts is stopped by its PID.
/// </summary>
public static class LargeNodeRunner
{
    /// <summary>Series on the large node in a full run.</summary>
    public const int DefaultSeries = 2_000_000;

    public static async Task<int> RunAsync(int series = DefaultSeries)
    {
        var remoting = Enumerable.Range(0, 3).Select(_ => NodeProcesses.FreePort()).ToArray();
        var http = Enumerable.Range(0, 3).Select(_ => NodeProcesses.FreePort()).ToArray();
        var seeds = $"akka.tcp://aggregator@127.0.0.1:{remoting[0]}";
        var folder = Directory.CreateTempSubdirectory("aggregator-large-node-");

        // A scrape of millions of series takes longer than the 4 s default (Prometheus would be given a longer timeout),
        // and the default cap of 100,000 series per family and registry would drop the rest.
        const string Timeouts = "aggregator.collection-timeout = 300s\naggregator.cluster.collection-timeout = 300s\naggregator.max-series-per-family = 10000000\n";
        var changes = Path.Combine(folder.FullName, "changes.hocon");
        var whole = Path.Combine(folder.FullName, "whole.hocon");
        await File.WriteAllTextAsync(changes, Timeouts);
        await File.WriteAllTextAsync(whole, Timeouts + "aggregator.cluster.delta-replies = off\n");
        var nodes = new List<Process>();
        try
        {
            string[] Common(int i) => [$"--Node:Port={remoting[i]}", $"--Node:HttpUrl=http://127.0.0.1:{http[i]}", $"--Node:SeedNodes={seeds}", "--Node:DemoWorkers=0"];
            nodes.Add(NodeProcesses.Start([.. Common(0), $"--Node:HoconFile={changes}"]));
            nodes.Add(NodeProcesses.Start([.. Common(1), $"--Node:HoconFile={changes}", "--Node:LoadWorkers=1", $"--Node:LoadSeries={series.ToString(CultureInfo.InvariantCulture)}"]));
            nodes.Add(NodeProcesses.Start([.. Common(2), $"--Node:HoconFile={whole}"]));
            using var client = new HttpClient { Timeout = TimeSpan.FromMinutes(10) };
            var serving = new Uri($"http://127.0.0.1:{http[0]}/metrics");
            await WaitForLargeNodeAsync(client, new Uri($"http://127.0.0.1:{http[1]}/metrics?scope=node&name[]=aggregator_source_up"), series);
            Console.WriteLine($"large node: {series:N0} series up; peak RSS before scraping: serving node {PeakRssMiB(nodes[0]):F0} MiB, large node {PeakRssMiB(nodes[1]):F0} MiB");

            var exit = 0;
            for (var attempt = 1; attempt <= 2; attempt++)
            {
                var (status, bytes, elapsed, nodesUp) = await ScrapeAsync(client, serving);
                var large = nodesUp.Any(l => l.Contains($":{remoting[1]}\"", StringComparison.Ordinal) && l.EndsWith(" 1", StringComparison.Ordinal));
                exit |= large ? 0 : 1;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"cluster scrape {attempt} at the serving node (replies of changes): HTTP {status}, {bytes:N0} B in {elapsed.TotalSeconds:F1} s, large node {(large ? "up" : "DOWN")}; peak RSS: serving node {PeakRssMiB(nodes[0]):F0} MiB, large node {PeakRssMiB(nodes[1]):F0} MiB"));
            }

            try
            {
                var (wholeStatus, wholeBytes, wholeElapsed, up) = await ScrapeAsync(client, new Uri($"http://127.0.0.1:{http[2]}/metrics"));
                var answered = up.Any(l => l.Contains($":{remoting[1]}\"", StringComparison.Ordinal) && l.EndsWith(" 1", StringComparison.Ordinal)) ? "answered" : "did not answer";
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"cluster scrape at a node with whole replies (delta-replies = off): HTTP {wholeStatus}, {wholeBytes:N0} B in {wholeElapsed.TotalSeconds:F1} s; the large node {answered}"));
            }
            catch (HttpRequestException error)
            {
                var exited = nodes[2].HasExited ? $"the serving process exited with code {nodes[2].ExitCode}" : "the serving process is still running";
                Console.WriteLine($"cluster scrape at a node with whole replies (delta-replies = off) failed: {error.Message} {error.InnerException?.Message}; {exited}");
            }

            return exit;
        }
        finally
        {
            foreach (var node in nodes)
            {
                NodeProcesses.Stop(node);
            }

            folder.Delete(recursive: true);
        }
    }

    // Reads the exposition as it streams in, keeping only the node-level aggregator_source_up lines.
    private static async Task<(int Status, long Bytes, TimeSpan Elapsed, List<string> NodesUp)> ScrapeAsync(HttpClient client, Uri url)
    {
        var clock = Stopwatch.StartNew();
        using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var bytes = 0L;
        var nodesUp = new List<string>();
        while (await reader.ReadLineAsync() is { } line)
        {
            bytes += line.Length + 1;
            if (line.StartsWith("aggregator_source_up{level=\"node\"", StringComparison.Ordinal))
            {
                nodesUp.Add(line);
            }
        }

        return ((int)response.StatusCode, bytes, clock.Elapsed, nodesUp);
    }

    private static async Task WaitForLargeNodeAsync(HttpClient client, Uri url, int series)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromMinutes(5))
        {
            try
            {
                var text = await client.GetStringAsync(url);
                // A worker answers collections only once its constructor, which creates its series, has run.
                if (text.Split('\n').Any(l => l.StartsWith("aggregator_source_up{level=\"worker\"", StringComparison.Ordinal) && l.Contains("/user/load-1\"", StringComparison.Ordinal) && l.EndsWith(" 1", StringComparison.Ordinal)))
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(2000);
        }

        throw new TimeoutException($"The large node did not come up with {series} series at {url}.");
    }

    private static double PeakRssMiB(Process process)
    {
        foreach (var line in File.ReadLines($"/proc/{process.Id}/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
            }
        }

        return double.NaN;
    }
}
