using System.Diagnostics;
using System.Net;
using Aggregator.Conformance.Tests.Cluster;
using Aggregator.Conformance.Tests.Tools;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Aggregator.Conformance.Tests.Status;

/// <summary>
/// Three <c>Aggregator.Node</c> processes on 127.0.0.1, each with 4 demo workers and 2 load workers of 1,000 series, and
/// the status page on. node3 is frozen with SIGSTOP; real Chromium (driven by Playwright) opens node1's page: node3 is
/// down with its counters from retained state, node1's and node2's 6 workers are up, and the cardinality tables hold
/// the exact series counts (1,000 per load worker, 9 per demo worker). The screenshot (1280×900) is written and is
/// not blank. Set AGGREGATOR_STATUS_SCREENSHOT to a path to keep a copy of it (the README's docs/status-page.png).
/// </summary>
public sealed class StatusPageClusterSpec : IDisposable
{
    private const int LoadSeries = 1000;

    // A demo worker's series once it has ticked twice: started, capacity, build, ticks{odd,even}, queue, busy, duration,
    // payload, latency (the native histogram).
    private const int DemoSeries = 10;

    private readonly ITestOutputHelper _output;
    private readonly string _temp = Directory.CreateTempSubdirectory("aggregator-status-").FullName;
    private readonly List<ChildProcess> _processes = [];
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(15) };

    public StatusPageClusterSpec(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task The_page_shows_a_stopped_node_down_the_others_workers_up_and_exact_series_counts()
    {
        ExternalTool.Require(Chromium.ExecutablePath, "chromium");
        var clock = Stopwatch.StartNew();
        int[] remoting = [ChildProcess.FreePort(), ChildProcess.FreePort(), ChildProcess.FreePort()];
        int[] http = [ChildProcess.FreePort(), ChildProcess.FreePort(), ChildProcess.FreePort()];
        var addresses = remoting.Select(p => $"akka.tcp://aggregator@127.0.0.1:{p}").ToArray();
        var hocon = Path.Combine(_temp, "node.hocon");

        // The frozen node stays a member (unreachable) for the whole test: the resolver waits a minute before downing it.
        await File.WriteAllTextAsync(hocon, """
            akka.cluster.gossip-interval = 200ms
            akka.cluster.leader-actions-interval = 200ms
            akka.cluster.split-brain-resolver.stable-after = 60s
            aggregator.cluster.collection-timeout = 2s
            aggregator.status-page = on
            """);
        var nodes = new ChildProcess[3];
        for (var i = 0; i < 3; i++)
        {
            nodes[i] = Track(ChildProcess.StartNode($"node{i + 1}",
            [
                $"--Node:HoconFile={hocon}",
                $"--Node:Port={remoting[i]}",
                $"--Node:HttpUrl=http://127.0.0.1:{http[i]}",
                $"--Node:SeedNodes={addresses[0]}",
                "--Node:DemoWorkers=4",
                "--Node:LoadWorkers=2",
                $"--Node:LoadSeries={LoadSeries}",
            ]));
        }

        var status = $"http://127.0.0.1:{http[0]}/status";
        await WaitUntilAsync(
            async () =>
            {
                try
                {
                    var body = await _http.GetStringAsync(status + ".json");
                    return body.Split("\"up\": true").Length - 1 == 3 + (6 * 3);
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            },
            TimeSpan.FromSeconds(60),
            "node1's status.json shows 3 nodes and 18 workers up",
            nodes);
        _output.WriteLine($"3 nodes and 18 workers up after {clock.Elapsed.TotalSeconds:F1} s");

        // SIGSTOP: node3 hangs with its sockets open, as a node stuck in a long pause would.
        nodes[2].Signal("STOP");
        var stopped = Stopwatch.StartNew();
        await using var chromium = await Chromium.LaunchAsync();
        var page = await chromium.Browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var response = await page.GotoAsync(status, new PageGotoOptions { Timeout = 30_000 });
        _output.WriteLine($"page loaded {stopped.Elapsed.TotalSeconds:F1} s after SIGSTOP");

        Assert.Equal((int)HttpStatusCode.OK, response!.Status);
        Assert.Equal("cluster", await page.Locator("#scope").InnerTextAsync());
        var states = await Task.WhenAll(addresses.Select(a => page.Locator($"tr.node[data-node='{a}']").GetAttributeAsync("data-state")));
        Assert.Equal("up,up,down", string.Join(",", states));
        Assert.Equal("yes", await page.Locator($"tr.node[data-node='{addresses[2]}'] td:nth-child(4)").InnerTextAsync());
        Assert.Equal("unknown: no answer", await page.Locator($"tr.node[data-node='{addresses[2]}'] td:nth-child(6)").InnerTextAsync());
        foreach (var address in addresses[..2])
        {
            var workers = page.Locator($"details.workers[data-node='{address}'] tr.worker");
            string[] expected = [.. new[] { "demo-1", "demo-2", "demo-3", "demo-4", "load-1", "load-2" }.Select(w => $"{address}/user/{w}")];
            Assert.Equal(expected, await workers.EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.worker)"));
            Assert.Equal(Enumerable.Repeat("up", 6), await workers.EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.state)"));
            Assert.Equal("6 (6 up, 0 down)", await page.Locator($"tr.node[data-node='{address}'] td:nth-child(6)").InnerTextAsync());
        }

        Assert.Equal(0, await page.Locator($"details.workers[data-node='{addresses[2]}']").CountAsync());

        // Cardinality: the load family merged (every load worker has the same 1,000 label sets), per node and per worker.
        var load = page.Locator("tr.family[data-family='load_requests_total']");
        Assert.Equal(LoadSeries.ToString(System.Globalization.CultureInfo.InvariantCulture), await load.Locator("td.merged").InnerTextAsync());
        Assert.Equal("path (1000), method (4)", (await load.Locator("td.labels").InnerTextAsync()).Split('\n')[0]);
        var perSource = await load.Locator("tr.family-source").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.source + '=' + r.querySelector('td.series').textContent)");
        string[] expectedSources = [$"{addresses[0]}=1000", $"{addresses[0]}/user/load-1=1000", $"{addresses[0]}/user/load-2=1000", $"{addresses[1]}=1000"];
        Assert.Equal(expectedSources.Order(StringComparer.Ordinal), perSource.Order(StringComparer.Ordinal));
        // Every worker of both answering nodes, in the per-source table and in its node's worker table: node2 reports
        // its workers' series and answer times because it has the status page on too.
        foreach (var address in addresses[..2])
        {
            foreach (var (worker, series) in new[] { ("demo-1", DemoSeries), ("demo-2", DemoSeries), ("demo-3", DemoSeries), ("demo-4", DemoSeries), ("load-1", LoadSeries), ("load-2", LoadSeries) })
            {
                var text = series.ToString(System.Globalization.CultureInfo.InvariantCulture);
                var row = page.Locator($"details.workers[data-node='{address}'] tr.worker[data-worker='{address}/user/{worker}']");
                Assert.Equal(text, await page.Locator($"#sources tr.source[data-source='{address}/user/{worker}'] td:nth-child(3)").InnerTextAsync());
                Assert.Equal(text, await row.Locator("td:nth-child(5)").InnerTextAsync());
                Assert.EndsWith(" ms", await row.Locator("td:nth-child(3)").InnerTextAsync(), StringComparison.Ordinal);
            }
        }

        Assert.Equal("None.", await page.Locator("#dropped").InnerTextAsync());
        Assert.Equal(2, await page.Locator("svg.sparkline").CountAsync());

        var screenshot = Path.Combine(_temp, "status-page.png");
        var png = await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot });
        var variance = await chromium.LuminanceVarianceAsync(png);
        _output.WriteLine($"screenshot {png.Length} bytes, luminance variance {variance:F0}");
        Assert.Equal(png.Length, new FileInfo(screenshot).Length);
        Assert.True(png.Length > 20_000, $"the screenshot is {png.Length} bytes");
        Assert.True(variance > 100, $"the screenshot's luminance variance is {variance}");
        if (Environment.GetEnvironmentVariable("AGGREGATOR_STATUS_SCREENSHOT") is { Length: > 0 } keep)
        {
            File.Copy(screenshot, keep, overwrite: true);
        }

        nodes[2].Signal("CONT");
    }

    public void Dispose()
    {
        foreach (var process in Enumerable.Reverse(_processes))
        {
            // A stopped process is let go on before it is killed, so that nothing waits on it half-frozen.
            process.Signal("CONT");
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

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, IEnumerable<ChildProcess> processes)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > timeout || processes.Any(p => p.HasExited))
            {
                Assert.Fail($"Not true after {clock.Elapsed}: {what}.\n{string.Join("\n\n", processes)}");
            }

            await Task.Delay(500);
        }
    }

    private ChildProcess Track(ChildProcess process)
    {
        _processes.Add(process);
        return process;
    }
}
