using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Akka.Actor;
using Aggregator.Conformance.Tests.Tools;
using Aggregator.Metrics;
using Aggregator.Metrics.Push;

namespace Aggregator.Conformance.Tests.Push;

/// <summary>Pushes to a real Pushgateway on 127.0.0.1 and reads back what it stored through its API.</summary>
public sealed class PushgatewaySpec : IAsyncLifetime
{
    private const string Binary = "/usr/bin/prometheus-pushgateway";

    private ServerProcess _gateway = null!;
    private string _address = null!;

    public async Task InitializeAsync()
    {
        ExternalTool.Require(Binary, "prometheus-pushgateway");
        var port = ServerProcess.FreePort();
        _address = $"127.0.0.1:{port}";
        _gateway = await ServerProcess.StartAsync(Binary, [$"--web.listen-address={_address}", "--persistence.file="], new Uri($"http://{_address}/-/ready"));
    }

    public Task DisposeAsync()
    {
        _gateway.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Put_replaces_the_group_post_adds_to_it_delete_removes_it()
    {
        using var client = new PushgatewayClient(new PushgatewayOptions { Gateway = _address, Job = "batch", GroupingKey = new Dictionary<string, string> { ["instance"] = "a" } });
        var first = new WorkerRegistry();
        first.Counter("rows_total", "Rows").Inc(5);
        first.Gauge("last_run_seconds", "Last run").Set(12.5);
        var second = new WorkerRegistry();
        second.Counter("rows_total", "Rows").Inc(7);
        var third = new WorkerRegistry();
        third.Gauge("errors", "Errors").Set(2);

        var put = await client.PushAsync(first);
        var afterPut = await Group("batch", "instance", "a");
        var replace = await client.PushAsync(second);
        var afterReplace = await Group("batch", "instance", "a");
        var post = await client.PushAddAsync(third);
        var afterPost = await Group("batch", "instance", "a");
        var delete = await client.DeleteAsync();
        var afterDelete = await Group("batch", "instance", "a");

        Assert.Equal((true, 200), (put.Success, put.StatusCode));
        Assert.Equal(["last_run_seconds=12.5", "rows_total=5"], afterPut!);
        Assert.True(replace.Success);
        Assert.Equal(["rows_total=7"], afterReplace!);
        Assert.True(post.Success);
        Assert.Equal(["errors=2", "rows_total=7"], afterPost!);
        Assert.Equal((true, 202), (delete.Success, delete.StatusCode));
        Assert.Null(afterDelete);
    }

    [Theory]
    [InlineData("with/slash")]
    [InlineData("with space")]
    [InlineData("ünïcødé ✓")]
    [InlineData("")]
    [InlineData("a/b/c==")]
    public async Task Grouping_values_arrive_exactly(string value)
    {
        using var client = new PushgatewayClient(new PushgatewayOptions { Gateway = $"http://{_address}", Job = "job/with/slashes", GroupingKey = new Dictionary<string, string> { ["path"] = value } });
        var registry = new WorkerRegistry();
        registry.Gauge("g", "G").Set(1);

        var result = await client.PushAsync(registry);

        Assert.True(result.Success, result.ToString());
        Assert.Equal(["g=1"], (await Group("job/with/slashes", "path", value))!);
    }

    [Fact]
    public async Task A_push_the_gateway_rejects_is_a_failure_carrying_its_message()
    {
        using var client = new PushgatewayClient(new PushgatewayOptions { Gateway = _address, Job = "conflict" });
        var counter = new WorkerRegistry();
        counter.Counter("thing_total", "Thing").Inc();
        var gauge = new WorkerRegistry();
        gauge.Gauge("thing_total", "Thing").Set(1);
        Assert.True((await client.PushAsync(counter)).Success);

        using var other = new PushgatewayClient(new PushgatewayOptions { Gateway = _address, Job = "conflict2" });
        var rejected = await other.PushAsync(gauge);

        Assert.False(rejected.Success);
        Assert.Equal(400, rejected.StatusCode);
        Assert.Contains("thing_total", rejected.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_nodes_merged_snapshot_is_pushed_whole()
    {
        using var system = ActorSystem.Create("push-node", "akka.loglevel = WARNING\naggregator.collectors { process = off, runtime = off, meters = off }");
        try
        {
            for (var i = 1; i <= 3; i++)
            {
                var worker = system.ActorOf(Props.Create<PushedWorker>(), $"w{i}");
                await worker.Ask<string>(i, TimeSpan.FromSeconds(5));
            }

            var merged = (await Aggregator.Actors.AggregatorExtension.Get(system).CollectAsync()).Snapshot;
            using var client = new PushgatewayClient(new PushgatewayOptions { Gateway = _address, Job = "node" });

            var result = await client.PushAsync(merged);

            Assert.True(result.Success, result.ToString());
            Assert.Equal(
                ["aggregator_collection_duration_seconds=" + merged.Find("aggregator_collection_duration_seconds")!.Series[0].Value.ToString("R", System.Globalization.CultureInfo.InvariantCulture), "aggregator_merge_sources=4", "aggregator_retired_groups=0", "aggregator_selection_cache_entries=0", "aggregator_source_up=1", "handled_total=6"],
                (await Group("node", "instance", string.Empty))!);
        }
        finally
        {
            await system.Terminate();
        }
    }

    [Fact]
    public async Task An_unreachable_gateway_fails_within_the_timeout()
    {
        var port = ServerProcess.FreePort();
        using var client = new PushgatewayClient(new PushgatewayOptions { Gateway = $"127.0.0.1:{port}", Job = "nobody", Timeout = TimeSpan.FromSeconds(1) });
        var clock = Stopwatch.StartNew();

        var result = await client.PushAsync(new WorkerRegistry());

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1.5), $"took {clock.Elapsed}");
        Assert.False(result.Success);
        Assert.Equal(0, result.StatusCode);
        Assert.Equal(new Uri($"http://127.0.0.1:{port}/metrics/job/nobody"), result.Url);
    }

    [Fact]
    public async Task Basic_auth_headers_are_sent()
    {
        using var listener = new HttpListener();
        var port = ServerProcess.FreePort();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        var received = Task.Run(async () =>
        {
            var context = await listener.GetContextAsync();
            var header = context.Request.Headers["Authorization"];
            context.Response.StatusCode = 200;
            context.Response.Close();
            return header;
        });
        using var client = new PushgatewayClient(new PushgatewayOptions
        {
            Gateway = $"127.0.0.1:{port}",
            Job = "auth",
            Handler = PushgatewayHandlers.BasicAuth("pusher", "s3cret:x"),
        });

        var result = await client.PushAsync(new WorkerRegistry());

        Assert.True(result.Success);
        Assert.Equal("Basic cHVzaGVyOnMzY3JldDp4", await received);
    }

    [Theory]
    [InlineData("gw.example", "http://gw.example:9091/")]
    [InlineData("gw.example:12345", "http://gw.example:12345/")]
    [InlineData("http://gw.example:12345", "http://gw.example:12345/")]
    [InlineData("https://gw.example:12345", "https://gw.example:12345/")]
    [InlineData("https://gw.example", "https://gw.example:9091/")]
    [InlineData("127.0.0.1", "http://127.0.0.1:9091/")]
    public void Gateway_addresses_parse_with_defaults(string gateway, string expected) =>
        Assert.Equal(new Uri(expected), PushgatewayClient.ParseGateway(gateway));

    [Theory]
    [InlineData("")]
    [InlineData("ftp://gw.example")]
    [InlineData("http://gw.example:12345/path")]
    [InlineData("gw.example:notaport")]
    [InlineData("http://gw.example?x=1")]
    public void Bad_gateway_addresses_are_refused_by_name(string gateway)
    {
        var error = Assert.Throws<ArgumentException>(() => PushgatewayClient.ParseGateway(gateway));

        Assert.StartsWith(gateway.Length == 0 ? "The Pushgateway address is empty." : $"Invalid Pushgateway address '{gateway}'", error.Message, StringComparison.Ordinal);
    }

    /// <summary>The group's metrics as "name=value", read from the gateway's API; null when the group does not exist.</summary>
    private async Task<string[]?> Group(string job, string label, string value)
    {
        using var http = new HttpClient();
        using var document = JsonDocument.Parse(await http.GetStringAsync(new Uri($"http://{_address}/api/v1/metrics")));
        foreach (var group in document.RootElement.GetProperty("data").EnumerateArray())
        {
            var labels = group.GetProperty("labels");
            if (labels.GetProperty("job").GetString() != job
                || !labels.TryGetProperty(label, out var actual) && value.Length > 0
                || (labels.TryGetProperty(label, out actual) && actual.GetString() != value))
            {
                continue;
            }

            return [.. group.EnumerateObject()
                .Where(p => p.Value.ValueKind == JsonValueKind.Object && p.Name is not "labels" and not "push_time_seconds" and not "push_failure_time_seconds")
                .Select(p => $"{p.Name}={p.Value.GetProperty("metrics")[0].GetProperty("value").GetString()}")
                .Order(StringComparer.Ordinal)];
        }

        return null;
    }

    private sealed class PushedWorker : Aggregator.Actors.MeteredReceiveActor
    {
        public PushedWorker()
        {
            var handled = Metrics.Counter("handled_total", "Handled");
            Receive<int>(n =>
            {
                handled.Inc(n);
                Sender.Tell("done");
            });
        }
    }
}
