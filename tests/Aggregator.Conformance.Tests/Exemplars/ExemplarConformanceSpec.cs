using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Aggregator.Conformance.Tests.Tools;
using Aggregator.Metrics;
using Aggregator.Metrics.Exposition;
using Aggregator.Metrics.Merging;

namespace Aggregator.Conformance.Tests.Exemplars;

/// <summary>
/// Exemplars against real consumers: Python's prometheus_client (Debian's 0.16) parses the OpenMetrics output strictly,
/// exemplars included; a real Prometheus 2.42 with <c>--enable-feature=exemplar-storage</c> scrapes a node and returns
/// the workers' exemplars, trace ids and all, from <c>/api/v1/query_exemplars</c>.
/// </summary>
public sealed class ExemplarConformanceSpec
{
    private const string TraceA = "0af7651916cd43dd8448eb211c80319c";
    private const string SpanA = "b7ad6b7169203331";
    private const string TraceB = "4bf92f3577b34da6a3ce929d0e0e4736";
    private const string SpanB = "00f067aa0ba902b7";

    [Fact]
    public void Python_parses_merged_exemplars_strictly_with_their_labels_values_and_timestamps()
    {
        var clock = new ManualClock(1_700_000_000_000);
        MetricsSnapshot Worker(string trace, string span, double value, long atMs)
        {
            clock.EpochMilliseconds = atMs;
            var registry = new WorkerRegistry(new MetricCatalog(new MetricsOptions { TimeProvider = clock }));
            var exemplar = Exemplar.FromTrace(ActivityTraceId.CreateFromString(trace), ActivitySpanId.CreateFromString(span));
            registry.Counter("orders_total", "Orders", "route").WithLabels("/checkout").Inc(value, exemplar);
            var latency = registry.Histogram("latency_seconds", new MetricOptions { Help = "Latency", Buckets = [0.1, 1] });
            latency.Observe(value / 10, exemplar);
            latency.Observe(value * 10, new Exemplar(new KeyValuePair<string, string>("note", "quote \" back\\slash ünï")));
            return registry.Collect();
        }

        var node = SnapshotMerger.Merge(
        [
            new MergeSource("/user/w1", Worker(TraceA, SpanA, 0.5, 1_700_000_000_250)),
            new MergeSource("/user/w2", Worker(TraceB, SpanB, 5, 1_700_000_000_500)),
        ]).Snapshot;
        var exposition = Render(node);

        var families = PythonParser.Parse(exposition, openMetrics: true);

        var samples = families.SelectMany(f => f.Samples).Where(s => s.Exemplar is not null)
            .Select(s => $"{s.Name}{{{string.Join(",", s.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}"))}}} {s.Value} {s.Exemplar}");
        Assert.Equal(
            [
                $"latency_seconds_bucket{{le=0.1}} 1.0 {{span_id={SpanA},trace_id={TraceA},worker=/user/w1}} 0.05 @1700000000.250000000",
                $"latency_seconds_bucket{{le=1.0}} 2.0 {{span_id={SpanB},trace_id={TraceB},worker=/user/w2}} 0.5 @1700000000.500000000",
                "latency_seconds_bucket{le=+Inf} 4.0 {note=quote \" back\\slash ünï,worker=/user/w2} 50.0 @1700000000.500000000",
                $"orders_total{{route=/checkout}} 5.5 {{span_id={SpanB},trace_id={TraceB},worker=/user/w2}} 5.0 @1700000000.500000000",
            ],
            samples);
    }

    [Fact]
    public async Task Prometheus_with_exemplar_storage_returns_the_exemplars_the_workers_recorded()
    {
        await using var node = await ExemplarNode.StartAsync(ServerProcess.FreePort());
        using var prometheus = await PrometheusServer.StartAsync(
            $"""
              - job_name: exemplars
                static_configs:
                  - targets: ["127.0.0.1:{node.Port}"]
            """,
            extraArguments: ["--enable-feature=exemplar-storage"]);
        await prometheus.WaitForTargetsUpAsync(1, TimeSpan.FromSeconds(40));
        var start = DateTimeOffset.UtcNow.AddMinutes(-5);

        // w1 first; once Prometheus holds its exemplar, w2's newer one replaces it in the node's merge.
        await node.RecordAsync(0, 1, TraceA, SpanA);
        await WaitForAsync(prometheus, "orders_total", start, e => e.Contains(TraceA, StringComparison.Ordinal));
        await node.RecordAsync(1, 5, TraceB, SpanB);
        var orders = await WaitForAsync(prometheus, "orders_total", start, e => e.Contains(TraceB, StringComparison.Ordinal));
        var latency = await WaitForAsync(prometheus, "latency_seconds_bucket", start, e => e.Contains(TraceB, StringComparison.Ordinal));

        Lines(
            [
                $"orders_total{{instance=127.0.0.1:{node.Port},job=exemplars,route=/checkout}} {{span_id={SpanB},trace_id={TraceB},worker=/user/w2}} 5",
                $"orders_total{{instance=127.0.0.1:{node.Port},job=exemplars,route=/checkout}} {{span_id={SpanA},trace_id={TraceA},worker=/user/w1}} 1",
            ],
            orders);
        Lines(
            [
                $"latency_seconds_bucket{{instance=127.0.0.1:{node.Port},job=exemplars,le=0.1}} {{span_id={SpanA},trace_id={TraceA},worker=/user/w1}} 0.1",
                $"latency_seconds_bucket{{instance=127.0.0.1:{node.Port},job=exemplars,le=1.0}} {{span_id={SpanB},trace_id={TraceB},worker=/user/w2}} 0.5",
            ],
            latency);
    }

    // Compared as one text, so that a difference shows whole.
    private static void Lines(string[] expected, string[] actual) => Assert.Equal(string.Join("\n", expected), string.Join("\n", actual));

    private static string Render(MetricsSnapshot snapshot)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        ExpositionWriter.Write(snapshot, ExpositionFormat.OpenMetrics, buffer);
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>
    /// Polls <c>/api/v1/query_exemplars</c> for <paramref name="query"/> until <paramref name="done"/> holds for one
    /// exemplar, and returns every exemplar as "series{labels} {exemplar labels} value", sorted (ordinal), labels sorted by name.
    /// </summary>
    private static async Task<string[]> WaitForAsync(PrometheusServer prometheus, string query, DateTimeOffset start, Func<string, bool> done)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var clock = Stopwatch.StartNew();
        var last = Array.Empty<string>();
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            var end = DateTimeOffset.UtcNow.AddMinutes(5);
            var url = new Uri(prometheus.Address, string.Create(
                CultureInfo.InvariantCulture,
                $"api/v1/query_exemplars?query={Uri.EscapeDataString(query)}&start={start.ToUnixTimeSeconds()}&end={end.ToUnixTimeSeconds()}"));
            using var document = JsonDocument.Parse(await http.GetStringAsync(url));
            last = [.. document.RootElement.GetProperty("data").EnumerateArray().SelectMany(series =>
            {
                var labels = series.GetProperty("seriesLabels").EnumerateObject().Where(p => p.Name != "__name__").OrderBy(p => p.Name, StringComparer.Ordinal);
                var name = series.GetProperty("seriesLabels").GetProperty("__name__").GetString();
                var prefix = $"{name}{{{string.Join(",", labels.Select(p => $"{p.Name}={p.Value.GetString()}"))}}}";
                return series.GetProperty("exemplars").EnumerateArray().Select(e =>
                    $"{prefix} {{{string.Join(",", e.GetProperty("labels").EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => $"{p.Name}={p.Value.GetString()}"))}}} {e.GetProperty("value").GetString()}");
            }).Order(StringComparer.Ordinal)];
            if (last.Any(done))
            {
                return last;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"Prometheus has no matching exemplar for '{query}' after 30 s; it has [{string.Join("; ", last)}].");
    }
}
