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

    [Fact]
    public async Task Actor_telemetry_counts_every_order_each_actor_type_received_and_the_gateways_restarts()
    {
        var port = ServerProcess.FreePort();
        var url = new Uri($"http://127.0.0.1:{port}/metrics");
        using var sample = await SampleProcess.StartAsync("EmbeddedActors", url, "--urls", $"http://127.0.0.1:{port}", "--orders", "20");

        // Three processors share the 20 orders and pass each to the gateway, which fails on orders 5, 10, 15 and 20
        // (counted: the message was received) and is restarted each time.
        const string Expected = """
            akka_actor_live{actor_type="OrderProcessor"} 3
            akka_actor_live{actor_type="PaymentGateway"} 1
            akka_actor_messages_total{actor_type="OrderProcessor",message_type="Order"} 20
            akka_actor_messages_total{actor_type="PaymentGateway",message_type="Order"} 20
            akka_actor_restarts_total{actor_type="OrderProcessor"} 0
            akka_actor_restarts_total{actor_type="PaymentGateway"} 4

            """;

        var clock = Stopwatch.StartNew();
        string actual;
        do
        {
            var text = await SampleProcess.ScrapeAsync(url);
            actual = string.Join('\n', SampleProcess.Families(text, "akka_actor_live", "akka_actor_messages_total", "akka_actor_restarts_total")
                .Split('\n')
                .Where(l => l.Length == 0 || l.Contains("OrderProcessor", StringComparison.Ordinal) || l.Contains("PaymentGateway", StringComparison.Ordinal)));
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
