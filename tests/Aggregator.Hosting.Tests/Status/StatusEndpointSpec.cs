using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Akka.Actor;
using Aggregator.Actors;
using Aggregator.Metrics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Aggregator.Hosting.Tests.Status;

/// <summary>
/// The status page and its JSON on the standalone server over real Kestrel on 127.0.0.1: off unless enabled, the
/// workers' states, answer times and exact series counts, retained state for a worker that does not answer, escaping of
/// label values and HELP text from user code, and the same basic auth as /metrics without showing any secret.
/// </summary>
public sealed partial class StatusEndpointSpec : IAsyncLifetime
{
    private const string Password = "s3cret-status-pass";

    private ActorSystem _system = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _system = ActorSystem.Create("status-spec", """
            akka.loglevel = WARNING
            akka.log-dead-letters = off
            aggregator.collection-timeout = 1s
            aggregator.collectors { process = off, runtime = off, meters = off }
            """);
        foreach (var (name, series) in new[] { ("b1", 5), ("b2", 7), ("b3", 11) })
        {
            await _system.ActorOf(Props.Create(() => new BulkWorker(series)), name).Ask<string>("ready", TimeSpan.FromSeconds(5));
        }

        _http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _system.Terminate();
    }

    [Fact]
    public async Task The_page_is_off_unless_enabled()
    {
        await using var server = await MetricsServer.StartAsync(_system, new MetricsServerOptions { Port = 0 });

        using var page = await _http.GetAsync(new Uri(server.Address, "/status"));
        using var json = await _http.GetAsync(new Uri(server.Address, "/status.json"));
        using var metrics = await _http.GetAsync(server.Address);

        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, json.StatusCode);
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.False(AggregatorExtension.Get(_system).Reports.Enabled);
    }

    [Fact]
    public async Task The_json_lists_every_worker_up_with_its_answer_time_and_exact_series_counts()
    {
        await using var server = await MetricsServer.StartAsync(_system, new MetricsServerOptions { Port = 0, StatusPage = true });

        using var response = await _http.GetAsync(new Uri(server.Address, "/status.json"));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = json.RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        Assert.Equal("node", root.GetProperty("scope").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("collectionError").ValueKind);
        var level = root.GetProperty("levels").EnumerateArray().Single();
        Assert.Equal("node", level.GetProperty("level").GetString());
        Assert.Equal(3, level.GetProperty("sourcesUp").GetInt32());
        Assert.Equal(0, level.GetProperty("sourcesDown").GetInt32());
        Assert.Equal(1, level.GetProperty("durationHistorySeconds").GetArrayLength());

        var node = root.GetProperty("nodes").EnumerateArray().Single();
        Assert.Equal("akka://status-spec", node.GetProperty("name").GetString());
        Assert.True(node.GetProperty("up").GetBoolean());
        var workers = node.GetProperty("workers").EnumerateArray().ToArray();
        Assert.Equal(["akka://status-spec/user/b1", "akka://status-spec/user/b2", "akka://status-spec/user/b3"], workers.Select(w => w.GetProperty("name").GetString()));
        Assert.Equal([5, 7, 11], workers.Select(w => w.GetProperty("series").GetInt32()));
        Assert.All(workers, w =>
        {
            Assert.True(w.GetProperty("up").GetBoolean());
            Assert.False(w.GetProperty("retained").GetBoolean());
            Assert.InRange(w.GetProperty("answerSeconds").GetDouble(), 0, level.GetProperty("durationSeconds").GetDouble());
        });

        var cardinality = root.GetProperty("cardinality");
        var items = cardinality.GetProperty("topFamilies").EnumerateArray().First();
        Assert.Equal("items_total", items.GetProperty("family").GetString());
        Assert.Equal("counter", items.GetProperty("type").GetString());
        Assert.Equal(11, items.GetProperty("mergedSeries").GetInt32());
        Assert.Equal(11, items.GetProperty("labels").GetProperty("id").GetInt32());
        Assert.Equal("id=\"item-0\"", items.GetProperty("example").GetString());
        Assert.Equal(
            ["akka://status-spec/user/b3=11", "akka://status-spec/user/b2=7", "akka://status-spec/user/b1=5"],
            items.GetProperty("sources").EnumerateArray().Select(s => $"{s.GetProperty("source").GetString()}={s.GetProperty("series").GetInt32()}"));
        Assert.Equal(0, cardinality.GetProperty("dropped").GetArrayLength());
        Assert.Equal(0, root.GetProperty("conflicts").GetArrayLength());
    }

    [Fact]
    public async Task Metrics_carry_the_workers_answer_times_and_series_only_while_the_page_is_on()
    {
        await using (var off = await MetricsServer.StartAsync(_system, new MetricsServerOptions { Port = 0 }))
        {
            var text = await _http.GetStringAsync(off.Address);
            Assert.DoesNotContain("aggregator_source_series", text, StringComparison.Ordinal);
            Assert.DoesNotContain("aggregator_source_answer_seconds", text, StringComparison.Ordinal);
        }

        await using var on = await MetricsServer.StartAsync(_system, new MetricsServerOptions { Port = 0, StatusPage = true });
        var lines = (await _http.GetStringAsync(on.Address)).Split('\n');

        Assert.Equal(
            [
                "aggregator_source_series{level=\"worker\",source=\"akka://status-spec/user/b1\"} 5",
                "aggregator_source_series{level=\"worker\",source=\"akka://status-spec/user/b2\"} 7",
                "aggregator_source_series{level=\"worker\",source=\"akka://status-spec/user/b3\"} 11",
            ],
            lines.Where(l => l.StartsWith("aggregator_source_series{", StringComparison.Ordinal)));
        Assert.Equal(
            ["akka://status-spec/user/b1", "akka://status-spec/user/b2", "akka://status-spec/user/b3"],
            lines.Where(l => l.StartsWith("aggregator_source_answer_seconds{", StringComparison.Ordinal)).Select(l => l.Split('"')[3]));
    }

    [Fact]
    public async Task A_worker_that_does_not_answer_is_down_and_its_counters_come_from_retained_state()
    {
        await using var server = await MetricsServer.StartAsync(_system, new MetricsServerOptions { Port = 0, StatusPage = true });
        using (await _http.GetAsync(new Uri(server.Address, "/status.json")))
        {
            // The first collection gives the merge every worker's counters to retain.
        }

        var blocked = await _system.ActorSelection("/user/b2").ResolveOne(TimeSpan.FromSeconds(5));
        blocked.Tell(TimeSpan.FromSeconds(3));
        using var response = await _http.GetAsync(new Uri(server.Address, "/status.json"));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var workers = json.RootElement.GetProperty("nodes")[0].GetProperty("workers").EnumerateArray()
            .ToDictionary(w => w.GetProperty("name").GetString()!, w => w);
        var level = json.RootElement.GetProperty("levels")[0];

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(workers["akka://status-spec/user/b2"].GetProperty("up").GetBoolean());
        Assert.True(workers["akka://status-spec/user/b2"].GetProperty("retained").GetBoolean());
        Assert.Equal(JsonValueKind.Null, workers["akka://status-spec/user/b2"].GetProperty("answerSeconds").ValueKind);
        Assert.Equal(JsonValueKind.Null, workers["akka://status-spec/user/b2"].GetProperty("series").ValueKind);
        Assert.True(workers["akka://status-spec/user/b1"].GetProperty("up").GetBoolean());
        Assert.True(workers["akka://status-spec/user/b3"].GetProperty("up").GetBoolean());
        Assert.Equal(2, level.GetProperty("sourcesUp").GetInt32());
        Assert.Equal(1, level.GetProperty("sourcesDown").GetInt32());
        Assert.Equal(2, level.GetProperty("durationHistorySeconds").GetArrayLength());

        // The merged counters still hold b2's 7 retained series: items_total keeps its 11.
        Assert.Equal(11, json.RootElement.GetProperty("cardinality").GetProperty("topFamilies")[0].GetProperty("mergedSeries").GetInt32());
    }

    [Fact]
    public async Task Label_values_and_help_from_a_worker_are_escaped_and_only_the_pages_own_script_may_run()
    {
        await _system.ActorOf(Props.Create<InjectingWorker>(), "injecting").Ask<string>("ready", TimeSpan.FromSeconds(5));
        await using var server = await MetricsServer.StartAsync(_system, new MetricsServerOptions { Port = 0, StatusPage = true });

        using var response = await _http.GetAsync(new Uri(server.Address, "/status"));
        var html = await response.Content.ReadAsStringAsync();
        using var json = await _http.GetAsync(new Uri(server.Address, "/status.json"));
        var jsonText = await json.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        Assert.Contains("e.g. {value=&quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot;}", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(&#x27;help&#x27;)&lt;/script&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
        Assert.Equal(1, html.Split("<script").Length - 1);
        var policy = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.StartsWith("default-src 'none'; style-src 'nonce-", policy, StringComparison.Ordinal);
        Assert.Contains("\\u003Cscript\\u003Ealert(1)\\u003C/script\\u003E", jsonText, StringComparison.Ordinal);

        // A family name cannot carry markup at all: the name rules refuse it before any page could show it.
        Assert.Throws<MetricDefinitionException>(() => new MetricDefinition(MetricType.Counter, "<script>", "x"));
    }

    [Fact]
    public async Task Basic_auth_guards_the_page_and_its_json_and_neither_shows_a_password_or_hash()
    {
        var hash = PasswordHash.Create(Password, 4);
        await using var server = await MetricsServer.StartAsync(_system, new MetricsServerOptions
        {
            Port = 0,
            StatusPage = true,
            Security = new MetricsSecurityOptions { BasicAuthUsers = new Dictionary<string, string> { ["ops"] = hash } },
        });

        var bodies = new List<string>();
        foreach (var path in new[] { "/status", "/status.json" })
        {
            using var anonymous = await _http.GetAsync(new Uri(server.Address, path));
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server.Address, path));
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("ops:" + Password)));
            using var authorized = await _http.SendAsync(request);
            bodies.Add(await authorized.Content.ReadAsStringAsync());

            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            Assert.Equal("Basic realm=\"metrics\", charset=\"UTF-8\"", anonymous.Headers.WwwAuthenticate.ToString());
            Assert.Equal(HttpStatusCode.OK, authorized.StatusCode);
        }

        Assert.All(bodies, body =>
        {
            Assert.DoesNotContain(Password, body, StringComparison.Ordinal);
            Assert.DoesNotContain(hash, body, StringComparison.Ordinal);
            Assert.DoesNotContain(hash[..20], body, StringComparison.Ordinal);
        });
        Assert.Contains("<tr data-key=\"basic-auth\"><th>basic-auth</th><td>on (1 users)</td></tr>", bodies[0], StringComparison.Ordinal);
        Assert.Contains("\"basic-auth\": \"on (1 users)\"", bodies[1], StringComparison.Ordinal);
        Assert.Contains("\"tls\": \"off\"", bodies[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_passwords_on_metrics_and_status_draw_from_one_per_address_limit()
    {
        await using var server = await MetricsServer.StartAsync(_system, new MetricsServerOptions
        {
            Port = 0,
            StatusPage = true,
            Security = new MetricsSecurityOptions
            {
                BasicAuthUsers = new Dictionary<string, string> { ["ops"] = PasswordHash.Create(Password, 4) },
                PasswordAttempts = new PasswordAttemptLimit { Burst = 2, Period = TimeSpan.FromHours(1), RefusalDelay = TimeSpan.FromMilliseconds(10) },
            },
        });

        var statuses = new List<HttpStatusCode>();
        foreach (var path in new[] { "/metrics", "/status", "/status.json" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server.Address, path));
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("ops:wrong")));
            using var response = await _http.SendAsync(request);
            statuses.Add(response.StatusCode);
        }

        // Two guesses in all, not two per endpoint.
        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task Series_dropped_by_the_cap_are_counted_per_family()
    {
        using var capped = ActorSystem.Create("status-capped", """
            akka.loglevel = WARNING
            aggregator.max-series-per-family = 5
            aggregator.collectors { process = off, runtime = off, meters = off }
            """);
        try
        {
            foreach (var (name, series) in new[] { ("b1", 5), ("b2", 7), ("b3", 11) })
            {
                await capped.ActorOf(Props.Create(() => new BulkWorker(series)), name).Ask<string>("ready", TimeSpan.FromSeconds(5));
            }

            await using var server = await MetricsServer.StartAsync(capped, new MetricsServerOptions { Port = 0, StatusPage = true });
            using var json = JsonDocument.Parse(await _http.GetStringAsync(new Uri(server.Address, "/status.json")));
            var html = await _http.GetStringAsync(new Uri(server.Address, "/status"));
            var cardinality = json.RootElement.GetProperty("cardinality");

            // b2 refused 2 of its 7 series, b3 6 of its 11; each kept item-0 to item-4.
            Assert.Equal(
                ["items=8"],
                cardinality.GetProperty("dropped").EnumerateArray().Select(d => $"{d.GetProperty("family").GetString()}={d.GetProperty("count").GetDouble()}"));
            Assert.Contains("<tr data-family=\"items\"><td><code>items</code></td><td class=\"n\">8</td></tr>", html, StringComparison.Ordinal);
            Assert.Equal(5, cardinality.GetProperty("topFamilies").EnumerateArray().Single(f => f.GetProperty("family").GetString() == "items_total").GetProperty("mergedSeries").GetInt32());
        }
        finally
        {
            await capped.Terminate();
        }
    }

    [Fact]
    public async Task Head_is_answered_without_a_body_and_post_gets_405()
    {
        await using var server = await MetricsServer.StartAsync(_system, new MetricsServerOptions { Port = 0, StatusPage = true });

        using var head = await _http.SendAsync(new HttpRequestMessage(HttpMethod.Head, new Uri(server.Address, "/status")));
        using var post = await _http.PostAsync(new Uri(server.Address, "/status.json"), new StringContent(string.Empty));

        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.True(head.Content.Headers.ContentLength > 1000, $"Content-Length {head.Content.Headers.ContentLength}");
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
        Assert.Equal("GET, HEAD", post.Content.Headers.Allow.Count == 0 ? post.Headers.GetValues("Allow").Single() : string.Join(", ", post.Content.Headers.Allow));
    }

    [Fact]
    public async Task A_conflict_shows_its_family_reason_sources_and_the_logged_warning()
    {
        var rogue = _system.ActorOf(Props.Create<RogueWorker>(), "rogue");
        AggregatorExtension.Get(_system).NodeCollector.Tell(new Aggregator.Actors.Protocol.NodeCollectorProtocol.RegisterWorker(rogue));
        await using var server = await MetricsServer.StartAsync(_system, new MetricsServerOptions { Port = 0, StatusPage = true });

        using var json = JsonDocument.Parse(await _http.GetStringAsync(new Uri(server.Address, "/status.json")));
        var html = await _http.GetStringAsync(new Uri(server.Address, "/status"));
        var conflict = json.RootElement.GetProperty("conflicts").EnumerateArray().Single();

        Assert.Equal("node", conflict.GetProperty("level").GetString());
        Assert.Equal("items", conflict.GetProperty("family").GetString());
        Assert.Equal("type", conflict.GetProperty("reason").GetString());
        Assert.Equal(["/user/rogue"], conflict.GetProperty("sources").EnumerateArray().Select(e => e.GetString()));
        const string Warning = "merge conflict in family 'items' (type): kept counter items{id} from '/user/b1', left out gauge items{id} policy=Max from '/user/rogue'; left out from: /user/rogue";
        Assert.Equal(Warning, conflict.GetProperty("text").GetString());
        Assert.Contains($"<td class=\"warning\">{System.Text.Encodings.Web.HtmlEncoder.Default.Encode(Warning)}</td>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_filter_keeps_the_matching_workers_and_sources()
    {
        await using var server = await MetricsServer.StartAsync(_system, new MetricsServerOptions { Port = 0, StatusPage = true });

        var html = await _http.GetStringAsync(new Uri(server.Address, "/status?filter=B2"));

        Assert.Equal(["akka://status-spec/user/b2"], WorkerRows().Matches(html).Select(m => m.Groups[1].Value));
        Assert.Equal(["akka://status-spec/user/b2"], SourceRows().Matches(html).Select(m => m.Groups[1].Value));
        Assert.Contains("3 (3 up, 0 down), 1 match the filter</summary>", html, StringComparison.Ordinal);
        Assert.Contains("<input name=\"filter\" value=\"B2\">", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MapMetricsStatus_serves_on_an_apps_own_pipeline_at_its_path()
    {
        var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddSingleton(_system);
        await using var app = builder.Build();
        app.MapMetrics("/metrics");
        app.MapMetricsStatus("/ops/status");
        await app.StartAsync();
        var address = new Uri(app.Urls.First());

        using var page = await _http.GetAsync(new Uri(address, "/ops/status"));
        using var json = await _http.GetAsync(new Uri(address, "/ops/status.json"));
        using var missing = await _http.GetAsync(new Uri(address, "/status"));
        var body = await json.Content.ReadAsStringAsync();
        await app.StopAsync();

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(HttpStatusCode.OK, json.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("\"status-page\": \"/ops/status\"", body, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/ops/status.json\">JSON</a>", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [System.Text.RegularExpressions.GeneratedRegex("<tr class=\"worker\" data-worker=\"([^\"]*)\"")]
    private static partial System.Text.RegularExpressions.Regex WorkerRows();

    [System.Text.RegularExpressions.GeneratedRegex("<tr class=\"source\" data-source=\"([^\"]*)\"")]
    private static partial System.Text.RegularExpressions.Regex SourceRows();

    /// <summary>A worker answering with its own definition of <c>items</c> (a gauge, where the others have a counter).</summary>
    private sealed class RogueWorker : ReceiveActor
    {
        private static readonly MetricDefinition Items = new(MetricType.Gauge, "items", "Items as a gauge.", ["id"]);

        public RogueWorker() =>
            Receive<Aggregator.Actors.Protocol.NodeCollectorProtocol.CollectSnapshot>(c => Sender.Tell(new Aggregator.Actors.Protocol.NodeCollectorProtocol.CollectSnapshotReply(
                c.RequestId,
                new MetricsSnapshot([new MetricFamilySnapshot(Items, [SeriesSnapshot.ForValue(["item-0"], 3)])]))));
    }

    /// <summary>A worker whose label value and HELP text are markup, as a careless or hostile worker could report.</summary>
    private sealed class InjectingWorker : MeteredReceiveActor
    {
        public InjectingWorker()
        {
            Metrics.Counter("injected_total", "<script>alert('help')</script>", "value").WithLabels("<script>alert(1)</script>").Inc();
            Receive<string>(_ => Sender.Tell("ready"));
        }
    }
}
