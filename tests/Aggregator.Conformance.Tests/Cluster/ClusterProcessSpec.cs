using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Aggregator.Conformance.Tests.Tools;
using Xunit.Abstractions;

namespace Aggregator.Conformance.Tests.Cluster;

/// <summary>
/// Three <c>Aggregator.Node</c> processes (the built dll) form a cluster on 127.0.0.1, a real Prometheus scrapes node1,
/// and node3 is killed with SIGKILL: node1 keeps answering within the cluster timeout, reports node3 down, and its
/// cluster-wide counters never go lower. Each node runs 4 demo workers: demo_started_total = 1 and demo_capacity = 10
/// (gauge policy sum) per worker.
/// </summary>
public sealed partial class ClusterProcessSpec : IDisposable
{
    private const string PrometheusPath = "/usr/bin/prometheus";
    private const string Job = "aggregator";

    // The cluster collection timeout the nodes are configured with (their HOCON file below).
    private static readonly TimeSpan ClusterTimeout = TimeSpan.FromSeconds(2);

    // Rendering and HTTP on top of a collection that waits the whole timeout, on 2 cores shared with the other
    // conformance classes running in parallel: run alone, the scrapes right after the SIGKILL take 2.01-2.03 s; in a
    // full run one took 3.41 s (its collection 2.02 s of it), past the 1 s margin this spec first had.
    private static readonly TimeSpan ScrapeMargin = TimeSpan.FromSeconds(2);

    private readonly ITestOutputHelper _output;
    private readonly string _temp = Directory.CreateTempSubdirectory("aggregator-cluster-").FullName;
    private readonly List<ChildProcess> _processes = [];
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(15) };

    public ClusterProcessSpec(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task Prometheus_sees_the_cluster_and_counters_survive_a_node_killed_with_SIGKILL()
    {
        ExternalTool.Require(PrometheusPath, "prometheus");
        var total = Stopwatch.StartNew();
        int[] remoting = [ChildProcess.FreePort(), ChildProcess.FreePort(), ChildProcess.FreePort()];
        int[] http = [ChildProcess.FreePort(), ChildProcess.FreePort(), ChildProcess.FreePort()];
        var prometheusPort = ChildProcess.FreePort();
        var addresses = remoting.Select(p => $"akka.tcp://aggregator@127.0.0.1:{p}").ToArray();

        // Prometheus first: it discovers its target while the nodes start.
        var prometheus = StartPrometheus(prometheusPort, http[0]);

        var hocon = Path.Combine(_temp, "node.hocon");
        await File.WriteAllTextAsync(hocon, $"""
            akka.cluster.gossip-interval = 200ms
            akka.cluster.leader-actions-interval = 200ms
            aggregator.cluster.collection-timeout = {(int)ClusterTimeout.TotalMilliseconds}ms
            """);
        string[] roles = ["frontend", "backend", "backend"];
        var nodes = new ChildProcess[3];
        for (var i = 0; i < 3; i++)
        {
            nodes[i] = Track(ChildProcess.StartNode($"node{i + 1}",
            [
                $"--Node:HoconFile={hocon}",
                $"--Node:Port={remoting[i]}",
                $"--Node:HttpUrl=http://127.0.0.1:{http[i]}",
                $"--Node:SeedNodes={addresses[0]}",
                $"--Node:Roles={roles[i]}",
                "--Node:DemoWorkers=4",
            ]));
        }

        // node1 serves the whole cluster once every node is Up and answers.
        await WaitUntilAsync(
            async () =>
            {
                var scrape = await TryScrapeAsync(http[0]);
                return scrape is { Status: HttpStatusCode.OK } && NodeUp(scrape.Body).Count(n => n.Value == 1) == 3;
            },
            TimeSpan.FromSeconds(45),
            "node1 reports 3 nodes up",
            nodes);
        _output.WriteLine($"cluster of 3 processes answering after {total.Elapsed.TotalSeconds:F1} s");

        await WaitUntilAsync(
            async () => await QueryAsync(prometheusPort, $"up{{job=\"{Job}\"}}") == 1
                && await QueryAsync(prometheusPort, $"demo_started_total{{job=\"{Job}\"}}") == 12
                && await QueryAsync(prometheusPort, $"demo_capacity{{job=\"{Job}\"}}") == 120,
            TimeSpan.FromSeconds(30),
            "Prometheus has up 1, demo_started_total 12 and demo_capacity 120",
            [prometheus, .. nodes]);
        var sinceTwelve = Stopwatch.StartNew();
        _output.WriteLine($"Prometheus: up 1, demo_started_total 12, demo_capacity 120 after {total.Elapsed.TotalSeconds:F1} s");

        var before = await ScrapeAsync(http[0]);
        Assert.Equal(12, Sample(before.Body, "demo_started_total"));
        Assert.Equal(120, Sample(before.Body, "demo_capacity"));

        // SIGKILL: node3 leaves nothing behind, not even a goodbye to the cluster.
        nodes[2].Kill();
        Assert.True(nodes[2].HasExited);
        var sinceKill = Stopwatch.StartNew();
        var scrapes = new List<(TimeSpan At, Scrape Scrape)>();
        while (sinceKill.Elapsed < TimeSpan.FromSeconds(10))
        {
            var at = sinceKill.Elapsed;
            scrapes.Add((at, await ScrapeAsync(http[0])));
            await Task.Delay(250);
        }

        foreach (var (at, scrape) in scrapes)
        {
            var up = NodeUp(scrape.Body);
            _output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"+{at.TotalSeconds:F1} s: {(int)scrape.Status} in {scrape.Elapsed.TotalMilliseconds:F0} ms, demo_started_total {Sample(scrape.Body, "demo_started_total")}, demo_capacity {Sample(scrape.Body, "demo_capacity")}, node3 up {(up.TryGetValue(addresses[2], out var v) ? v.ToString(CultureInfo.InvariantCulture) : "absent")}"));
        }

        Assert.All(scrapes, s =>
        {
            Assert.Equal(HttpStatusCode.OK, s.Scrape.Status);
            Assert.True(s.Scrape.Elapsed <= ClusterTimeout + ScrapeMargin, $"a scrape at +{s.At} took {s.Scrape.Elapsed}");
            Assert.True(Sample(s.Scrape.Body, "demo_started_total") >= 12, $"demo_started_total went below 12 at +{s.At}:\n{s.Scrape.Body}");
            Assert.Equal(12, Sample(s.Scrape.Body, "demo_started_total"));

            // The killed node's gauges are left out; its counters are not.
            Assert.Equal(80, Sample(s.Scrape.Body, "demo_capacity"));
            var up = NodeUp(s.Scrape.Body);
            Assert.Equal(1, up[addresses[0]]);
            Assert.Equal(1, up[addresses[1]]);

            // Down while it is a member; once the split-brain resolver removes it, it is no longer listed.
            Assert.True(!up.TryGetValue(addresses[2], out var killed) || killed == 0, $"node3 reported {killed} at +{s.At}");
        });

        // Unreachability takes about 4.5 s and removal 7 s more (stable-after): node3 is a member at least that long.
        Assert.All(scrapes.Where(s => s.At < TimeSpan.FromSeconds(4)), s => Assert.Equal(0, NodeUp(s.Scrape.Body)[addresses[2]]));

        // Every sample Prometheus stored since it first saw 12 is 12.
        var window = Math.Max(1, (int)sinceTwelve.Elapsed.TotalSeconds - 1);
        Assert.Equal(12, await QueryAsync(prometheusPort, $"min_over_time(demo_started_total{{job=\"{Job}\"}}[{window}s])"));
        Assert.Equal(12, await QueryAsync(prometheusPort, $"max_over_time(demo_started_total{{job=\"{Job}\"}}[{window}s])"));
        // Prometheus's own scrapes (capped at 0.9 s by its 1 s timeout) kept getting the cluster after the kill, even
        // when they joined one of the 2 s collections above. Not asserted for every scrape: 0.9 s of a 1 s timeout
        // leaves little room on a loaded machine.
        var afterKill = Math.Max(1, (int)sinceKill.Elapsed.TotalSeconds - 1);
        var upSamples = await QueryAsync(prometheusPort, $"count_over_time(up{{job=\"{Job}\"}}[{afterKill}s])");
        var upSum = await QueryAsync(prometheusPort, $"sum_over_time(up{{job=\"{Job}\"}}[{afterKill}s])");
        var slowest = await QueryAsync(prometheusPort, $"max_over_time(scrape_duration_seconds{{job=\"{Job}\"}}[{afterKill}s])");
        _output.WriteLine($"Prometheus in the {afterKill} s after the kill: {upSum} of {upSamples} scrapes up, slowest {slowest * 1000:F0} ms; whole test {total.Elapsed.TotalSeconds:F1} s");
        Assert.True(upSum >= 1, $"Prometheus had no successful scrape in the {afterKill} s after the kill ({upSamples} scrapes).\n{string.Join("\n\n", _processes)}");
    }

    public void Dispose()
    {
        foreach (var process in Enumerable.Reverse(_processes))
        {
            process.Dispose();
        }

        _http.Dispose();
        try
        {
            Directory.Delete(_temp, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a dying process; the temp directory is cleaned by the system.
        }
    }

    [GeneratedRegex("""^aggregator_source_up\{level="node",source="([^"]*)"\} (\S+)$""", RegexOptions.Multiline)]
    private static partial Regex NodeUpLine();

    private static Dictionary<string, double> NodeUp(string body) =>
        NodeUpLine().Matches(body).ToDictionary(m => m.Groups[1].Value, m => double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), StringComparer.Ordinal);

    /// <summary>The value of the unlabelled sample <paramref name="name"/> in a text exposition, or null.</summary>
    private static double? Sample(string body, string name)
    {
        var match = Regex.Match(body, $"^{Regex.Escape(name)} (\\S+)$", RegexOptions.Multiline);
        return match.Success ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : null;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, IEnumerable<ChildProcess> processes)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > timeout || processes.Any(p => p.HasExited))
            {
                Assert.Fail($"Not true after {clock.Elapsed}: {what}.\n{string.Join("\n\n", processes)}");
            }

            await Task.Delay(250);
        }
    }

    private ChildProcess Track(ChildProcess process)
    {
        _processes.Add(process);
        return process;
    }

    private ChildProcess StartPrometheus(int port, int target)
    {
        var config = Path.Combine(_temp, "prometheus.yml");
        File.WriteAllText(config, $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
            scrape_configs:
              - job_name: {Job}
                static_configs:
                  - targets: ["127.0.0.1:{target}"]
            """);
        return Track(ChildProcess.Start(
            "prometheus",
            PrometheusPath,
            [$"--config.file={config}", $"--storage.tsdb.path={Path.Combine(_temp, "data")}", $"--web.listen-address=127.0.0.1:{port}"],
            _temp));
    }

    private async Task<double?> QueryAsync(int port, string query)
    {
        try
        {
            var json = await _http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/api/v1/query?query={Uri.EscapeDataString(query)}"));
            using var document = JsonDocument.Parse(json);
            var result = document.RootElement.GetProperty("data").GetProperty("result");
            return result.GetArrayLength() == 1
                ? double.Parse(result[0].GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture)
                : null;
        }
        catch (HttpRequestException)
        {
            // Not listening yet.
            return null;
        }
    }

    private async Task<Scrape> ScrapeAsync(int port)
    {
        var clock = Stopwatch.StartNew();
        using var response = await _http.GetAsync(new Uri($"http://127.0.0.1:{port}/metrics"));
        var body = await response.Content.ReadAsStringAsync();
        return new Scrape(response.StatusCode, body, clock.Elapsed);
    }

    private async Task<Scrape?> TryScrapeAsync(int port)
    {
        try
        {
            return await ScrapeAsync(port);
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    private sealed record Scrape(HttpStatusCode Status, string Body, TimeSpan Elapsed);
}
