using Aggregator.Conformance.Tests.Tools;

namespace Aggregator.Conformance.Tests.Node;

/// <summary>A real Prometheus scrapes a running Aggregator.Node (separate process) and sees the exact merged values.</summary>
public sealed class NodeScrapeSpec
{
    private const string OpenMetricsAccept = "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5";

    [Fact]
    public async Task Prometheus_scrapes_the_node_and_queries_the_exact_merged_values()
    {
        var http = ServerProcess.FreePort();
        using var node = await NodeProcess.StartAsync(ServerProcess.FreePort(), http);
        using var prometheus = await PrometheusServer.StartAsync($"""
              - job_name: node
                static_configs:
                  - targets: ["127.0.0.1:{http}"]
            """);

        await prometheus.WaitForTargetsUpAsync(1, TimeSpan.FromSeconds(40));

        Assert.Equal(1, await prometheus.SingleValueAsync("up{job=\"node\"}", TimeSpan.FromSeconds(10)));
        Assert.Equal(4, await prometheus.SingleValueAsync("demo_started_total", TimeSpan.FromSeconds(10)));
        Assert.Equal(40, await prometheus.SingleValueAsync("demo_capacity", TimeSpan.FromSeconds(10)));
        Assert.Equal(1, await prometheus.SingleValueAsync("demo_build_info{version=\"1.0.0\"}", TimeSpan.FromSeconds(10)));
        var up = await prometheus.QueryAsync("aggregator_source_up{level=\"worker\"}");
        Assert.Equal(4, up.Count);
        Assert.All(up, s => Assert.Equal(1, s.Value));
        Assert.Equal(4, (await prometheus.QueryAsync("demo_busy")).Count);
    }

    [Fact]
    public async Task The_nodes_text_passes_promtool_and_its_openmetrics_the_strict_python_parser()
    {
        var http = ServerProcess.FreePort();
        using var node = await NodeProcess.StartAsync(ServerProcess.FreePort(), http);
        using var client = new HttpClient();
        var url = new Uri($"http://127.0.0.1:{http}/metrics");

        // Let the demo workers tick once so that every family has samples.
        await Task.Delay(1500);
        var text = await client.GetStringAsync(url);
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.TryAddWithoutValidation("Accept", OpenMetricsAccept);
        using var response = await client.SendAsync(request);
        var openMetrics = await response.Content.ReadAsStringAsync();

        Promtool.AssertClean(text);
        var families = PythonParser.Parse(openMetrics, openMetrics: true);
        Assert.Contains(families, f => f is { Name: "demo_started", Type: "counter" } && f.Samples.Any(s => s.Name == "demo_started_total" && s.Value == "4.0"));
        Assert.Contains(families, f => f is { Name: "demo_tick_duration_seconds", Type: "histogram" });
        Assert.Contains(families, f => f is { Name: "demo_build", Type: "info" });
        Assert.Contains(families, f => f is { Name: "process_cpu_seconds", Type: "counter" });
    }
}
