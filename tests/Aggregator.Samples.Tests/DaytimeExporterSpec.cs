using System.Globalization;
using Aggregator.Conformance.Tests.Tools;

namespace Aggregator.Samples.Tests;

public sealed class DaytimeExporterSpec
{
    [Fact]
    public async Task The_probe_succeeds_and_the_json_counters_come_with_their_launch_time()
    {
        var port = ServerProcess.FreePort();
        var url = new Uri($"http://127.0.0.1:{port}/metrics");
        using var sample = await SampleProcess.StartAsync("DaytimeExporter", url, "--port", port.ToString(CultureInfo.InvariantCulture), "--launched", "1700000000.5");

        // Waiting for readiness scraped once already: the JSON service has answered that scrape's request.
        var second = await SampleProcess.ScrapeAsync(url);
        var third = await SampleProcess.ScrapeAsync(url, "application/openmetrics-text;version=1.0.0");

        Assert.Equal(
            """
            daytime_probe_failures_total 0
            daytime_probe_success 1
            jsonservice_requests_total 2

            """,
            SampleProcess.Families(second, "daytime_probe_failures_total", "daytime_probe_success", "jsonservice_requests_total"));
        Assert.Equal(
            """
            jsonservice_requests_total 3
            jsonservice_requests_created 1700000000.5

            """,
            SampleProcess.Families(third, "jsonservice_requests_total", "jsonservice_requests_created"));
        Assert.Matches(@"daytime_probe_duration_seconds \d", second);
    }
}
