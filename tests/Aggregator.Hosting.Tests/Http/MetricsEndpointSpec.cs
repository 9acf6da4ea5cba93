using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Text;
using Akka.Actor;
using Aggregator.Hosting.Http;
using Aggregator.Metrics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Aggregator.Tests.Support;

namespace Aggregator.Hosting.Tests.Http;

/// <summary>The endpoint over real Kestrel on 127.0.0.1: the standalone server and MapMetrics on an app's pipeline.</summary>
public sealed class MetricsEndpointSpec : IAsyncLifetime
{
    private const string PrometheusAccept = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

    private const string ExpectedText = EveryTypeWorker.EightWorkersText;

    private ActorSystem _system = null!;
    private MetricsServer _server = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _system = ActorSystem.Create("endpoint-spec", """
            akka.loglevel = WARNING
            akka.log-dead-letters = off
            aggregator.collection-timeout = 5s
            aggregator.collectors { process = off, runtime = off, meters = off }
            """);
        for (var i = 1; i <= 8; i++)
        {
            await _system.ActorOf(Props.Create<EveryTypeWorker>(), $"w{i}").Ask<string>(i, TimeSpan.FromSeconds(5));
        }

        _server = await MetricsServer.StartAsync(_system, new MetricsServerOptions { Port = 0 });
        _http = new HttpClient(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.None }) { Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
        await _system.Terminate();
    }

    [Fact]
    public async Task Text_format_with_exact_body_type_and_length()
    {
        using var response = await _http.GetAsync(_server.Address, HttpCompletionOption.ResponseHeadersRead);
        var sentLength = response.Content.Headers.ContentLength;
        var body = await response.Content.ReadAsByteArrayAsync();
        var text = Encoding.UTF8.GetString(body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8; escaping=underscores", response.Content.Headers.ContentType!.ToString());
        Assert.Equal(body.Length, sentLength);
        Assert.Equal(ExpectedText, WithoutSelfFamilies(text));
        Assert.Equal(
            [.. Enumerable.Range(1, 8).Select(i => $"aggregator_source_up{{level=\"worker\",source=\"akka://endpoint-spec/user/w{i}\"}} 1")],
            text.Split('\n').Where(l => l.StartsWith("aggregator_source_up{", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task OpenMetrics_for_prometheus_accept_header()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _server.Address);
        request.Headers.TryAddWithoutValidation("Accept", PrometheusAccept);
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal("application/openmetrics-text; version=1.0.0; charset=utf-8; escaping=underscores", response.Content.Headers.ContentType!.ToString());
        Assert.EndsWith("# EOF\n", text, StringComparison.Ordinal);

        // _created carries the series' creation time (wall clock): checked by shape, then left out of the exact text.
        var created = text.Split('\n').Where(l => l.Contains("_created", StringComparison.Ordinal)).ToArray();
        Assert.Equal(3, created.Length);
        Assert.All(created, l => Assert.Matches(@"^(requests_created\{code=""200""\}|latency_seconds_created|size_bytes_created) \d{10}(\.\d{1,3})?$", l));
        Assert.Equal(
            """
            # HELP build Build
            # TYPE build info
            build_info{version="1.0"} 1
            # HELP latency_seconds Latency
            # TYPE latency_seconds histogram
            latency_seconds_bucket{le="2.0"} 2
            latency_seconds_bucket{le="5.0"} 5
            latency_seconds_bucket{le="+Inf"} 8
            latency_seconds_count 8
            latency_seconds_sum 36
            # HELP queue_all All
            # TYPE queue_all gauge
            queue_all{worker="/user/w1"} 1
            queue_all{worker="/user/w2"} 2
            queue_all{worker="/user/w3"} 3
            queue_all{worker="/user/w4"} 4
            queue_all{worker="/user/w5"} 5
            queue_all{worker="/user/w6"} 6
            queue_all{worker="/user/w7"} 7
            queue_all{worker="/user/w8"} 8
            # HELP queue_max Max
            # TYPE queue_max gauge
            queue_max 8
            # HELP queue_min Min
            # TYPE queue_min gauge
            queue_min 1
            # HELP queue_recent Recent
            # TYPE queue_recent gauge
            queue_recent 8
            # HELP queue_sum Sum
            # TYPE queue_sum gauge
            queue_sum 36
            # HELP requests Requests handled
            # TYPE requests counter
            requests_total{code="200"} 36
            # HELP size_bytes Sizes
            # TYPE size_bytes summary
            size_bytes_count 8
            size_bytes_sum 360
            # EOF

            """,
            WithoutSelfFamilies(string.Join('\n', text.Split('\n').Where(l => !l.Contains("_created", StringComparison.Ordinal)))));
    }

    [Fact]
    public async Task Gzip_when_accepted_and_not_when_refused()
    {
        var plain = await _http.GetStringAsync(_server.Address);

        using var gzipRequest = new HttpRequestMessage(HttpMethod.Get, _server.Address);
        gzipRequest.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip");
        using var gzipped = await _http.SendAsync(gzipRequest, HttpCompletionOption.ResponseHeadersRead);
        var sentLength = gzipped.Content.Headers.ContentLength;
        var compressed = await gzipped.Content.ReadAsByteArrayAsync();
        await using var unzip = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
        using var reader = new StreamReader(unzip, Encoding.UTF8);
        var decompressed = await reader.ReadToEndAsync();

        using var refusedRequest = new HttpRequestMessage(HttpMethod.Get, _server.Address);
        refusedRequest.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip;q=0, identity");
        using var refused = await _http.SendAsync(refusedRequest);

        Assert.Equal(["gzip"], gzipped.Content.Headers.ContentEncoding);
        Assert.Equal(compressed.Length, sentLength);
        Assert.Equal(WithoutSelfFamilies(plain), WithoutSelfFamilies(decompressed));
        Assert.Empty(refused.Content.Headers.ContentEncoding);
        Assert.Equal(ExpectedText, WithoutSelfFamilies(await refused.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task Head_has_the_headers_and_length_of_a_get_and_no_body()
    {
        using var get = await _http.GetAsync(_server.Address);
        var getLength = (await get.Content.ReadAsByteArrayAsync()).Length;
        using var head = await _http.SendAsync(new HttpRequestMessage(HttpMethod.Head, _server.Address));

        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8; escaping=underscores", head.Content.Headers.ContentType!.ToString());

        // The self families' durations change from one collection to the next; their digits can differ by a few bytes.
        Assert.InRange(head.Content.Headers.ContentLength!.Value, getLength - 8, getLength + 8);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    public async Task Other_methods_get_405_with_allow(string method)
    {
        using var response = await _http.SendAsync(new HttpRequestMessage(new HttpMethod(method), _server.Address));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("GET, HEAD", string.Join(", ", response.Content.Headers.Allow));
    }

    [Fact]
    public async Task Other_paths_get_404()
    {
        using var response = await _http.GetAsync(new Uri(_server.Address, "/other"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Name_filter_keeps_only_the_named_families()
    {
        var text = await _http.GetStringAsync(new Uri(_server.Address, "?name[]=queue_max&name[]=requests_total"));

        Assert.Equal(
            """
            # HELP queue_max Max
            # TYPE queue_max gauge
            queue_max 8
            # HELP requests_total Requests handled
            # TYPE requests_total counter
            requests_total{code="200"} 36

            """,
            text);
    }

    [Fact]
    public async Task Worker_selection_per_request()
    {
        var text = await _http.GetStringAsync(new Uri(_server.Address, "?worker=w1&worker=/user/w8&name[]=queue_sum&name[]=queue_all"));

        Assert.Equal(
            """
            # HELP queue_all All
            # TYPE queue_all gauge
            queue_all{worker="/user/w1"} 1
            queue_all{worker="/user/w8"} 8
            # HELP queue_sum Sum
            # TYPE queue_sum gauge
            queue_sum 9

            """,
            text);
    }

    [Fact]
    public async Task A_body_over_one_mebibyte_is_streamed_chunked_and_complete()
    {
        await _system.ActorOf(Props.Create(() => new BulkWorker(40_000)), "bulk").Ask<string>("ready", TimeSpan.FromSeconds(10));

        // Headers first: once HttpClient has buffered a body, it reports that body's length as Content-Length.
        using var response = await _http.GetAsync(new Uri(_server.Address, "?name[]=items_total"), HttpCompletionOption.ResponseHeadersRead);
        var contentLength = response.Content.Headers.ContentLength;
        var chunked = response.Headers.TransferEncodingChunked;
        var text = await response.Content.ReadAsStringAsync();

        Assert.Null(contentLength);
        Assert.True(chunked);
        Assert.True(Encoding.UTF8.GetByteCount(text) > 1024 * 1024);
        Assert.Equal(40_002, text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("items_total{id=\"item-39999\"} 1\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_blocked_worker_does_not_hold_up_a_scrape_past_prometheus_timeout()
    {
        // The worker sleeps on a thread of its own: asleep on a thread-pool thread it would starve, on 2 cores, the
        // timers and continuations the collection needs to answer at its deadline.
        var blocked = _system.ActorOf(Props.Create(() => new BulkWorker(1)).WithDispatcher(SlowCountingWorker.OwnThread), "blocked");
        await blocked.Ask<string>("ready", TimeSpan.FromSeconds(5));
        // Two scrapes first: the deadline is about the blocked worker, not about compiling the scrape path, which alone
        // takes about a second the first time a process scrapes on these 2 cores.
        for (var i = 0; i < 2; i++)
        {
            using var warm = await _http.GetAsync(_server.Address);
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }

        blocked.Tell(TimeSpan.FromSeconds(10));
        using var request = new HttpRequestMessage(HttpMethod.Get, _server.Address);
        request.Headers.Add(MetricsEndpoint.ScrapeTimeoutHeader, "1");

        var clock = Stopwatch.StartNew();
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var elapsed = clock.Elapsed;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(elapsed < TimeSpan.FromSeconds(1), $"took {elapsed}: {string.Join(" | ", text.Split('\n').Where(l => l.StartsWith("aggregator_collection_duration", StringComparison.Ordinal) || l.StartsWith("aggregator_source_up", StringComparison.Ordinal)))}");
        Assert.Contains("aggregator_source_up{level=\"worker\",source=\"akka://endpoint-spec/user/blocked\"} 0\n", text, StringComparison.Ordinal);
        Assert.Contains("requests_total{code=\"200\"} 36\n", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1e13")]
    [InlineData("1.7976931348623157e308")]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    [InlineData("NaN")]
    [InlineData("-1")]
    [InlineData("0")]
    [InlineData("ten")]
    [InlineData("1,5")]
    [InlineData("")]
    public async Task An_out_of_range_scrape_timeout_header_is_clamped_or_ignored_never_a_500(string header)
    {
        // Each of these leaves the configured 5 s, so every worker answers; a tiny one (1 ms) is in the spec below.
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_server.Address, "?name[]=queue_sum"));
        request.Headers.TryAddWithoutValidation(MetricsEndpoint.ScrapeTimeoutHeader, header);
        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("# HELP queue_sum Sum\n# TYPE queue_sum gauge\nqueue_sum 36\n", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData(null, 5_000.0)]
    [InlineData("2", 1_800.0)]
    [InlineData(" 2.5 ", 2_250.0)]
    [InlineData("5", 4_500.0)]
    [InlineData("5.6", 5_000.0)]
    [InlineData("1e13", 5_000.0)]
    [InlineData("1.7976931348623157e308", 5_000.0)]
    [InlineData("Infinity", 5_000.0)]
    [InlineData("-Infinity", 5_000.0)]
    [InlineData("NaN", 5_000.0)]
    [InlineData("-1", 5_000.0)]
    [InlineData("0", 5_000.0)]
    [InlineData("ten", 5_000.0)]
    [InlineData("0.0001", 1.0)]
    [InlineData("4.9e-324", 1.0)]
    public async Task The_collection_gets_nine_tenths_of_the_scrape_timeout_between_a_millisecond_and_the_configured_timeout(string? header, double expectedMilliseconds)
    {
        var source = new RecordingSource(TimeSpan.FromSeconds(5));
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        if (header is not null)
        {
            context.Request.Headers[MetricsEndpoint.ScrapeTimeoutHeader] = header;
        }

        using var body = new MemoryStream();
        context.Response.Body = body;
        await new MetricsEndpoint(source).HandleAsync(context);

        Assert.Equal(StatusCodes.Status200OK, context.Response.StatusCode);
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMilliseconds), Assert.Single(source.Requests).Timeout);
        Assert.Equal("# HELP up Up\n# TYPE up gauge\nup 1\n", Encoding.UTF8.GetString(body.ToArray()));
    }

    [Fact]
    public async Task A_pattern_with_a_newline_and_two_patterns_never_share_a_scrape()
    {
        await StartSlowWorkersAsync("demo-1", "demo-2");
        const string Families = "&name[]=slow_total&name[]=aggregator_source_up";

        // The pair's collection waits for its slow workers when the other selection's scrape arrives.
        var pair = _http.GetStringAsync(new Uri(_server.Address, "?worker=demo-1&worker=demo-2" + Families));
        await Task.Delay(100);
        var newline = await _http.GetStringAsync(new Uri(_server.Address, "?worker=demo-1%0Ademo-2" + Families));

        Assert.Equal(SlowWorkersText(["demo-1", "demo-2"], up: 1), await pair);
        // No actor name holds a newline: that selection has no workers.
        Assert.Equal(SourceUpHeader, newline);
    }

    [Fact]
    public async Task A_scrape_with_a_one_microsecond_timeout_changes_nothing_for_a_concurrent_one()
    {
        await StartSlowWorkersAsync("slow-1", "slow-2");
        var address = new Uri(_server.Address, "?worker=slow-*&name[]=slow_total&name[]=aggregator_source_up");
        using var hurried = new HttpRequestMessage(HttpMethod.Get, address);
        hurried.Headers.Add(MetricsEndpoint.ScrapeTimeoutHeader, "0.000001");

        var tiny = _http.SendAsync(hurried);
        var normal = _http.GetStringAsync(address);
        using var tinyResponse = await tiny;

        // The hurried scrape has what the workers answered before (to the registration scrapes), and says they did not answer now.
        Assert.Equal(HttpStatusCode.OK, tinyResponse.StatusCode);
        Assert.Equal(SlowWorkersText(["slow-1", "slow-2"], up: 0), await tinyResponse.Content.ReadAsStringAsync());
        Assert.Equal(SlowWorkersText(["slow-1", "slow-2"], up: 1), await normal);
    }

    [Fact]
    public async Task MapMetrics_serves_on_an_apps_own_pipeline()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddSingleton(_system);
        await using var app = builder.Build();
        app.MapGet("/hello", () => "hello");
        app.MapMetrics("/custom-metrics");
        await app.StartAsync();
        var address = new Uri(app.Urls.First());

        var metrics = await _http.GetStringAsync(new Uri(address, "/custom-metrics?name[]=queue_sum"));
        var hello = await _http.GetStringAsync(new Uri(address, "/hello"));
        await app.StopAsync();

        Assert.Equal("# HELP queue_sum Sum\n# TYPE queue_sum gauge\nqueue_sum 36\n", metrics);
        Assert.Equal("hello", hello);
    }

    private const string SourceUpHeader = """
        # HELP aggregator_source_up Whether a source (a worker, or a node in a cluster) answered the last collection in time.
        # TYPE aggregator_source_up gauge

        """;

    /// <summary>The exposition of slow workers' counters and their <c>aggregator_source_up</c>, all at <paramref name="up"/>.</summary>
    private static string SlowWorkersText(string[] workers, int up) =>
        SourceUpHeader
        + string.Concat(workers.Select(w => $"aggregator_source_up{{level=\"worker\",source=\"akka://endpoint-spec/user/{w}\"}} {up}\n"))
        + $"# HELP slow_total Slow\n# TYPE slow_total counter\nslow_total {workers.Length}\n";

    /// <summary>Starts workers that answer each collection after half a second, and waits until the collector knows them all.</summary>
    private async Task StartSlowWorkersAsync(params string[] names)
    {
        foreach (var name in names)
        {
            // Each on a thread of its own: sleeping on the thread pool would also hold up the scrapes' deadlines.
            _system.ActorOf(Props.Create(() => new SlowCountingWorker(new int[1], TimeSpan.FromMilliseconds(500))).WithDispatcher(SlowCountingWorker.OwnThread), name);
        }

        var selection = string.Join("&", names.Select(n => "worker=" + n));
        var clock = Stopwatch.StartNew();
        while (!(await _http.GetStringAsync(new Uri(_server.Address, $"?{selection}&name[]=slow_total"))).Contains($"slow_total {names.Length}\n", StringComparison.Ordinal))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"{string.Join(", ", names)} never all answered");
        }
    }

    /// <summary>A source that answers one gauge and keeps the requests it was given.</summary>
    private sealed class RecordingSource(TimeSpan collectionTimeout) : IScrapeSource
    {
        public List<ScrapeRequest> Requests { get; } = [];

        public TimeSpan CollectionTimeout => collectionTimeout;

        public Task<MetricsSnapshot> CollectAsync(ScrapeRequest request, CancellationToken cancellationToken)
        {
            Requests.Add(request);
            return Task.FromResult(new MetricsSnapshot([MetricFamilySnapshot.OfValue(new MetricDefinition(MetricType.Gauge, "up", "Up"), 1)]));
        }
    }

    private static string WithoutSelfFamilies(string exposition)
    {
        var kept = new StringBuilder();
        var skip = false;
        foreach (var line in exposition.Split('\n'))
        {
            if (line.StartsWith("# HELP ", StringComparison.Ordinal))
            {
                skip = line.StartsWith("# HELP aggregator_", StringComparison.Ordinal);
            }

            if (!skip && (line.Length > 0 || kept.Length > 0))
            {
                kept.Append(line).Append('\n');
            }
        }

        return kept.ToString().TrimEnd('\n') + "\n";
    }
}
