using System.Diagnostics;
using Aggregator.Conformance.Tests.Tools;

namespace Aggregator.Samples.Tests;

public sealed class EmbeddedActorsSpec
{
    [Fact]
    public async Task Twenty_orders_four_failed_payments_and_counters_kept_across_restarts()
    {
        var port = ServerProcess.FreePort();
        var url = new Uri($"http://127.0.0.1:{port}/metrics");
        using var sample = await SampleProcess.StartAsync("EmbeddedActors", url, "--urls", $"http://127.0.0.1:{port}", "--orders", "20");
        const string Expected = """
            order_value_dollars_bucket{le="50.0"} 5
            order_value_dollars_bucket{le="100.0"} 10
            order_value_dollars_bucket{le="200.0"} 20
            order_value_dollars_bucket{le="+Inf"} 20
            order_value_dollars_count 20
            order_value_dollars_sum 2100
            orders_processed_total 20
            payments_total{result="failed"} 4
            payments_total{result="ok"} 16

            """;

        var clock = Stopwatch.StartNew();
        string actual;
        do
        {
            actual = SampleProcess.Families(await SampleProcess.ScrapeAsync(url), "order_value_dollars_bucket", "order_value_dollars_count", "order_value_dollars_sum", "orders_processed_total", "payments_total");
            if (actual == Expected)
            {
                break;
            }

            await Task.Delay(100);
        }
        while (clock.Elapsed < TimeSpan.FromSeconds(15));

        Assert.Equal(Expected, actual);
    }
}
