using System.Diagnostics;
using System.Globalization;
using Aggregator.Conformance.Tests.Tools;

namespace Aggregator.Samples.Tests;

public sealed class QuickStartSpec
{
    [Fact]
    public async Task The_seeds_four_series_have_exactly_the_values_of_their_updates()
    {
        const int Seed = 42;
        const int Ticks = 3;
        var port = ServerProcess.FreePort();
        var url = new Uri($"http://127.0.0.1:{port}/metrics");
        using var sample = await SampleProcess.StartAsync("QuickStart", url, "--port", port.ToString(CultureInfo.InvariantCulture), "--seed", "42", "--interval-ms", "20", "--ticks", "3");

        // The same draws as the sample's worker: per tick, each counter up, then each gauge up or down.
        var random = new Random(Seed);
        var counters = new double[2];
        var gauges = new double[2];
        for (var tick = 0; tick < Ticks; tick++)
        {
            for (var i = 0; i < 2; i++)
            {
                counters[i] += random.NextDouble();
            }

            for (var i = 0; i < 2; i++)
            {
                gauges[i] += random.NextDouble() >= 0.5 ? random.NextDouble() : -random.NextDouble();
            }
        }

        string R(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        var expected = $"""
            counter1_total{"{"}a="1",b="1"{"}"} {R(counters[0])}
            counter1_total{"{"}a="1",b="2"{"}"} {R(counters[1])}
            gauge1{"{"}a="2",b="1"{"}"} {R(gauges[0])}
            gauge1{"{"}a="2",b="2"{"}"} {R(gauges[1])}

            """;

        var clock = Stopwatch.StartNew();
        string actual;
        do
        {
            actual = SampleProcess.Families(await SampleProcess.ScrapeAsync(url), "counter1_total", "gauge1");
            if (actual == expected)
            {
                break;
            }

            await Task.Delay(50);
        }
        while (clock.Elapsed < TimeSpan.FromSeconds(10));

        Assert.Equal(expected, actual);
    }
}
