using System.Net;
using System.Text.Json;
using Aggregator.Conformance.Tests.Tools;

namespace Aggregator.Conformance.Tests.Status;

/// <summary>The node process serves its status page only with <c>Node:StatusPage</c> (or <c>aggregator.status-page</c>), at <c>Node:StatusPath</c>.</summary>
public sealed class NodeStatusOptionSpec
{
    [Fact]
    public async Task Node_StatusPage_serves_the_page_at_Node_StatusPath_and_a_node_without_it_answers_404()
    {
        var on = ServerProcess.FreePort();
        var off = ServerProcess.FreePort();
        using var withPage = await ServerProcess.StartAsync(
            "dotnet",
            [NodeProcess.Dll, $"--Node:Port={ServerProcess.FreePort()}", $"--Node:HttpUrl=http://127.0.0.1:{on}", "--Node:DemoWorkers=2", "--Node:StatusPage=true", "--Node:StatusPath=/ops/status"],
            new Uri($"http://127.0.0.1:{on}/metrics"),
            TimeSpan.FromSeconds(60));
        using var withoutPage = await ServerProcess.StartAsync(
            "dotnet",
            [NodeProcess.Dll, $"--Node:Port={ServerProcess.FreePort()}", $"--Node:HttpUrl=http://127.0.0.1:{off}", "--Node:DemoWorkers=1"],
            new Uri($"http://127.0.0.1:{off}/metrics"),
            TimeSpan.FromSeconds(60));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(15) };

        using var json = await http.GetAsync(new Uri($"http://127.0.0.1:{on}/ops/status.json"));
        using var document = JsonDocument.Parse(await json.Content.ReadAsStringAsync());
        using var page = await http.GetAsync(new Uri($"http://127.0.0.1:{on}/ops/status"));
        using var missing = await http.GetAsync(new Uri($"http://127.0.0.1:{off}/status"));

        Assert.Equal(HttpStatusCode.OK, json.StatusCode);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("cluster", document.RootElement.GetProperty("scope").GetString());
        var node = document.RootElement.GetProperty("nodes").EnumerateArray().Single();
        Assert.True(node.GetProperty("up").GetBoolean());
        Assert.Equal(
            ["demo-1", "demo-2"],
            node.GetProperty("workers").EnumerateArray().Select(w => w.GetProperty("name").GetString()![(w.GetProperty("name").GetString()!.LastIndexOf('/') + 1)..]));
    }
}
