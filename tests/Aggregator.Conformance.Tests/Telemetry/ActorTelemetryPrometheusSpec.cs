using System.Diagnostics;
using System.Text.Json;
using Aggregator.Conformance.Tests.Tools;

namespace Aggregator.Conformance.Tests.Telemetry;

/// <summary>A real Prometheus scrapes a node with actor telemetry on, runs every query of the sample dashboard, and sees the workload's rates.</summary>
public sealed class ActorTelemetryPrometheusSpec
{
    private const int Ticks = 12;

    [Fact]
    public async Task Every_dashboard_query_parses_and_returns_data_and_the_message_rates_follow_the_workload()
    {
        await using var node = await TelemetryNode.StartAsync(ServerProcess.FreePort());
        using var prometheus = await PrometheusServer.StartAsync($"""
              - job_name: telemetry
                static_configs:
                  - targets: ["127.0.0.1:{node.Port}"]
            """);
        await prometheus.WaitForTargetsUpAsync(1, TimeSpan.FromSeconds(40));

        // Twelve ticks half a second apart, scraped every second.
        for (var tick = 1; tick <= Ticks; tick++)
        {
            await node.TickAsync(tick);
            await Task.Delay(500);
        }

        var workloadEnd = DateTimeOffset.UtcNow;
        await Task.Delay(2500);

        // The counters hold exactly what was sent. A, B and Hold came first and hold the three message_type values the
        // bound allows; Unknown, C, D and the tick's closing "sync" string are "other".
        Assert.Equal(30 * Ticks, await prometheus.SingleValueAsync("akka_actor_messages_total{actor_type=\"RateWorker\",message_type=\"A\"}", TimeSpan.FromSeconds(10)));
        Assert.Equal(10 * Ticks, await prometheus.SingleValueAsync("akka_actor_messages_total{actor_type=\"RateWorker\",message_type=\"B\"}", TimeSpan.FromSeconds(10)));
        Assert.Equal(Ticks, await prometheus.SingleValueAsync("akka_actor_messages_total{actor_type=\"RateWorker\",message_type=\"Hold\"}", TimeSpan.FromSeconds(10)));
        Assert.Equal(4 * Ticks, await prometheus.SingleValueAsync("akka_actor_messages_total{actor_type=\"RateWorker\",message_type=\"other\"}", TimeSpan.FromSeconds(10)));
        Assert.Equal(Ticks / 5, await prometheus.SingleValueAsync("akka_actor_restarts_total{actor_type=\"FlakyWorker\"}", TimeSpan.FromSeconds(10)));
        Assert.Equal(Ticks, await prometheus.SingleValueAsync("akka_dead_letters_total{message_type=\"A\"}", TimeSpan.FromSeconds(10)));
        Assert.Equal(Ticks, await prometheus.SingleValueAsync("akka_unhandled_total{message_type=\"Unknown\"}", TimeSpan.FromSeconds(10)));

        // rate() has one series per (actor type, message class) with exactly the node's labels and the scrape's, and
        // A runs at three times B (each tick sends 30 and 10; a scrape may split one tick, hence the margin).
        // Evaluated at the end of the workload, over its last six seconds (the @ modifier).
        var at = (workloadEnd.ToUnixTimeMilliseconds() / 1000.0).ToString("F3", System.Globalization.CultureInfo.InvariantCulture);
        var rates = await prometheus.QueryAsync($"rate(akka_actor_messages_total{{actor_type=\"RateWorker\",message_type=~\"A|B\"}}[6s] @ {at})");
        Assert.Equal(
            ["actor_type=RateWorker,instance=127.0.0.1:" + node.Port + ",job=telemetry,message_type=A", "actor_type=RateWorker,instance=127.0.0.1:" + node.Port + ",job=telemetry,message_type=B"],
            rates.Select(r => string.Join(",", r.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}"))).Order(StringComparer.Ordinal));
        var a = rates.Single(r => r.Labels["message_type"] == "A").Value;
        var b = rates.Single(r => r.Labels["message_type"] == "B").Value;
        Assert.InRange(a / b, 2.7, 3.3);
        Assert.InRange(a, 30, 70);

        foreach (var (title, expr) in DashboardQueries())
        {
            var query = expr.Replace("$__rate_interval", "30s", StringComparison.Ordinal).Replace("$actor_type", ".*", StringComparison.Ordinal);
            var result = await prometheus.QueryAsync(query);
            Assert.True(result.Count > 0, $"Panel '{title}': {query} returned no data.");
        }
    }

    /// <summary>Every panel target of samples/EmbeddedActors/actor-telemetry-dashboard.json, with its panel's title.</summary>
    private static List<(string Title, string Expr)> DashboardQueries()
    {
        var file = Path.Combine(NodeProcess.RepoRoot(), "samples", "EmbeddedActors", "actor-telemetry-dashboard.json");
        using var document = JsonDocument.Parse(File.ReadAllText(file));
        var queries = new List<(string Title, string Expr)>();
        foreach (var panel in document.RootElement.GetProperty("panels").EnumerateArray())
        {
            foreach (var target in panel.GetProperty("targets").EnumerateArray())
            {
                queries.Add((panel.GetProperty("title").GetString()!, target.GetProperty("expr").GetString()!));
            }
        }

        Assert.Equal(15, document.RootElement.GetProperty("panels").GetArrayLength());
        return queries;
    }
}
