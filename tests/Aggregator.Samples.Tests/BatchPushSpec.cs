using System.Text.Json;
using Aggregator.Conformance.Tests.Tools;

namespace Aggregator.Samples.Tests;

public sealed class BatchPushSpec : IAsyncLifetime
{
    private const string Binary = "/usr/bin/prometheus-pushgateway";

    private ServerProcess _gateway = null!;
    private string _address = null!;

    public async Task InitializeAsync()
    {
        ExternalTool.Require(Binary, "prometheus-pushgateway");
        _address = $"127.0.0.1:{ServerProcess.FreePort()}";
        _gateway = await ServerProcess.StartAsync(Binary, [$"--web.listen-address={_address}", "--persistence.file="], new Uri($"http://{_address}/-/ready"));
    }

    public Task DisposeAsync()
    {
        _gateway.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task The_job_pushes_its_group_and_deletes_it()
    {
        var push = SampleProcess.Run("BatchPush", "--gateway", _address, "--instance", "importer/eu-1", "--rows", "250", "--mode", "push");
        var pushed = await Group();
        var delete = SampleProcess.Run("BatchPush", "--gateway", _address, "--instance", "importer/eu-1", "--mode", "delete");
        var deleted = await Group();

        Assert.True(push.ExitCode == 0, push.ToString());
        Assert.True(delete.ExitCode == 0, delete.ToString());
        Assert.NotNull(pushed);
        Assert.Equal("importer/eu-1", pushed!.Value.Instance);
        Assert.Equal(["imported=225", "rejected=25"], pushed.Value.Rows);
        Assert.InRange(pushed.Value.LastSuccess, 1.7e9, 4e9);
        Assert.Null(deleted);
    }

    private async Task<(string Instance, string[] Rows, double LastSuccess)?> Group()
    {
        using var http = new HttpClient();
        using var document = JsonDocument.Parse(await http.GetStringAsync(new Uri($"http://{_address}/api/v1/metrics")));
        foreach (var group in document.RootElement.GetProperty("data").EnumerateArray())
        {
            var labels = group.GetProperty("labels");
            if (labels.GetProperty("job").GetString() != "nightly_import")
            {
                continue;
            }

            var rows = group.GetProperty("batch_rows_processed_total").GetProperty("metrics").EnumerateArray()
                .Select(m => $"{m.GetProperty("labels").GetProperty("outcome").GetString()}={m.GetProperty("value").GetString()}")
                .Order(StringComparer.Ordinal)
                .ToArray();
            var lastSuccess = double.Parse(
                group.GetProperty("batch_last_success_timestamp_seconds").GetProperty("metrics")[0].GetProperty("value").GetString()!,
                System.Globalization.CultureInfo.InvariantCulture);
            return (labels.GetProperty("instance").GetString()!, rows, lastSuccess);
        }

        return null;
    }
}
