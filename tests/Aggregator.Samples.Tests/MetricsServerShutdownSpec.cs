using System.Globalization;
using Aggregator.Conformance.Tests.Tools;

namespace Aggregator.Samples.Tests;

/// <summary>The programs built on the standalone <c>MetricsServer</c> stop on SIGTERM, as containers and services are stopped.</summary>
public sealed class MetricsServerShutdownSpec
{
    [Theory]
    [InlineData("QuickStart")]
    [InlineData("DaytimeExporter")]
    public async Task Sigterm_stops_the_sample_within_five_seconds_with_exit_code_0(string sample)
    {
        var port = ServerProcess.FreePort();
        var url = new Uri($"http://127.0.0.1:{port}/metrics");
        using var process = await SampleProcess.StartAsync(sample, url, "--port", port.ToString(CultureInfo.InvariantCulture));

        var exitCode = process.Terminate(TimeSpan.FromSeconds(5));

        // 0, not the runtime's 143 for an unhandled SIGTERM: the sample takes the signal, disposes its server and
        // terminates its actor system, then returns from Main.
        Assert.True(exitCode == 0, $"{sample} exit code after SIGTERM: {exitCode?.ToString(CultureInfo.InvariantCulture) ?? "still running after 5 s"}\n{process.Output}");
    }
}
