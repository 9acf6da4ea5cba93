using Aggregator.Conformance.Tests.Tools;
using Aggregator.Metrics;
using Aggregator.Metrics.Textfile;

namespace Aggregator.Conformance.Tests.Textfile;

/// <summary>Writes textfiles that a real node_exporter (textfile collector only) reads.</summary>
public sealed class TextfileSpec : IAsyncLifetime
{
    private const string Binary = "/usr/bin/prometheus-node-exporter";

    private readonly string _directory = Directory.CreateTempSubdirectory("aggregator-textfile-").FullName;
    private ServerProcess _exporter = null!;
    private Uri _metrics = null!;

    public async Task InitializeAsync()
    {
        ExternalTool.Require(Binary, "prometheus-node-exporter");
        var address = $"127.0.0.1:{ServerProcess.FreePort()}";
        _metrics = new Uri($"http://{address}/metrics");
        _exporter = await ServerProcess.StartAsync(
            Binary,
            [$"--web.listen-address={address}", "--collector.disable-defaults", "--collector.textfile", $"--collector.textfile.directory={_directory}"],
            _metrics);
    }

    public Task DisposeAsync()
    {
        _exporter.Dispose();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Written_files_show_up_with_exact_values_and_no_scrape_error()
    {
        var registry = new SharedRegistry();
        registry.Counter("backup_files_total", "Files backed up", "volume").WithLabels("data").Inc(1234);
        registry.Gauge("backup_last_success_seconds", new MetricOptions { Help = "Last success", Timestamped = true }).Set(1_700_000_000);
        registry.Histogram("backup_duration_seconds", new MetricOptions { Help = "Duration", Buckets = [60, 600] }).Observe(90);

        await TextfileWriter.WriteAsync(registry, Path.Combine(_directory, "backup.prom"));
        var scraped = await Scrape();

        Assert.Contains("backup_files_total{volume=\"data\"} 1234", scraped);
        Assert.Contains("backup_last_success_seconds 1.7e+09", scraped);
        Assert.Contains("backup_duration_seconds_bucket{le=\"600\"} 1", scraped);
        Assert.Contains("backup_duration_seconds_count 1", scraped);
        Assert.Contains("node_textfile_scrape_error 0", scraped);
        Assert.Equal([Path.Combine(_directory, "backup.prom")], Directory.GetFiles(_directory));
        Assert.Equal('\n', (await File.ReadAllTextAsync(Path.Combine(_directory, "backup.prom")))[^1]);
    }

    [Fact]
    public async Task A_reader_never_sees_a_partial_file_while_a_writer_rewrites_it_a_thousand_times()
    {
        var path = Path.Combine(_directory, "churn.prom");
        var registry = new WorkerRegistry();
        var family = registry.Gauge("churn_value", "Churn", "series");
        for (var i = 0; i < 200; i++)
        {
            family.WithLabels($"s{i:D3}").Set(i);
        }

        await TextfileWriter.WriteAsync(registry, path);
        var expectedLines = (await File.ReadAllLinesAsync(path)).Length;
        using var stop = new CancellationTokenSource();
        var partial = 0;
        var reads = 0;
        var reader = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var text = await File.ReadAllTextAsync(path);
                reads++;
                if (!text.EndsWith('\n') || text.Split('\n').Length - 1 != expectedLines)
                {
                    partial++;
                }
            }
        });

        for (var round = 0; round < 1000; round++)
        {
            family.WithLabels("s000").Set(round);
            await TextfileWriter.WriteAsync(registry, path);
        }

        await stop.CancelAsync();
        await reader;
        var scraped = await Scrape();

        Assert.Equal(0, partial);
        Assert.True(reads > 10, $"the reader only read {reads} times");
        Assert.Contains("churn_value{series=\"s000\"} 999", scraped);
        Assert.Contains("node_textfile_scrape_error 0", scraped);
    }

    [Fact]
    public async Task A_missing_directory_is_an_error_naming_the_path()
    {
        var path = Path.Combine(_directory, "missing", "x.prom");

        var error = await Assert.ThrowsAsync<IOException>(() => TextfileWriter.WriteAsync(new WorkerRegistry(), path));

        Assert.StartsWith($"Could not write textfile '{path}'", error.Message, StringComparison.Ordinal);
    }

    private async Task<string> Scrape()
    {
        using var http = new HttpClient();
        return await http.GetStringAsync(_metrics);
    }
}
