using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Aggregator.Conformance.Tests.Tools;

/// <summary>A real Prometheus server on 127.0.0.1 with a temporary config and storage, stopped by PID on dispose.</summary>
public sealed class PrometheusServer : IDisposable
{
    public const string Binary = "/usr/bin/prometheus";

    /// <summary>
    /// Prometheus 3 (Debian sid's package, unpacked by tests/run.sh beside Debian's 2.x rather than installed over it):
    /// the first to scrape UTF-8 names with <c>escaping=</c>.
    /// </summary>
    public const string Prometheus3Binary = "/opt/aggregator-tools/prometheus3/usr/bin/prometheus";

    private readonly ServerProcess _process;
    private readonly string _directory;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    private PrometheusServer(ServerProcess process, string directory, Uri address)
    {
        _process = process;
        _directory = directory;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>Starts Prometheus with <paramref name="scrapeConfigs"/> (YAML list items under scrape_configs) scraping every second.</summary>
    /// <param name="scrapeConfigs">The scrape configurations.</param>
    /// <param name="directory">Where config and storage go (a new temporary folder by default).</param>
    /// <param name="extraArguments">More command-line arguments, such as <c>--enable-feature=exemplar-storage</c>.</param>
    /// <param name="binary">The Prometheus binary: Debian's 2.x by default, or <see cref="Prometheus3Binary"/>.</param>
    public static async Task<PrometheusServer> StartAsync(string scrapeConfigs, string? directory = null, IReadOnlyList<string>? extraArguments = null, string binary = Binary)
    {
        if (binary == Prometheus3Binary && !File.Exists(binary))
        {
            Assert.Fail($"{binary} is missing: tests/run.sh unpacks Debian sid's 'prometheus' package (3.x) into /opt/aggregator-tools/prometheus3.");
        }

        ExternalTool.Require(binary, "prometheus");
        directory ??= Directory.CreateTempSubdirectory("aggregator-prometheus-").FullName;
        var config = Path.Combine(directory, "prometheus.yml");
        await File.WriteAllTextAsync(config, $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
            scrape_configs:
            {scrapeConfigs}
            """);
        var address = new Uri($"http://127.0.0.1:{ServerProcess.FreePort()}/");
        var process = await ServerProcess.StartAsync(
            binary,
            [$"--config.file={config}", $"--storage.tsdb.path={Path.Combine(directory, "data")}", $"--web.listen-address={address.Authority}", .. extraArguments ?? []],
            new Uri(address, "-/ready"));
        return new PrometheusServer(process, directory, address);
    }

    /// <summary>Waits until every target is up (Prometheus syncs new targets every 5 s); fails with their last errors.</summary>
    public async Task WaitForTargetsUpAsync(int count, TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        var last = string.Empty;
        while (clock.Elapsed < within)
        {
            using var document = JsonDocument.Parse(await _http.GetStringAsync(new Uri(Address, "api/v1/targets")));
            var targets = document.RootElement.GetProperty("data").GetProperty("activeTargets").EnumerateArray().ToArray();
            last = string.Join("; ", targets.Select(t => $"{t.GetProperty("scrapeUrl").GetString()} {t.GetProperty("health").GetString()} {t.GetProperty("lastError").GetString()}"));
            if (targets.Length == count && targets.All(t => t.GetProperty("health").GetString() == "up"))
            {
                return;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"Prometheus targets not up within {within}: {last}\n{_process.Output}");
    }

    /// <summary>An instant query's result: each series' labels (without __name__) and value.</summary>
    public async Task<IReadOnlyList<(IReadOnlyDictionary<string, string> Labels, double Value)>> QueryAsync(string promql)
    {
        var url = new Uri(Address, $"api/v1/query?query={Uri.EscapeDataString(promql)}");
        using var document = JsonDocument.Parse(await _http.GetStringAsync(url));
        return [.. document.RootElement.GetProperty("data").GetProperty("result").EnumerateArray().Select(r => (
            (IReadOnlyDictionary<string, string>)r.GetProperty("metric").EnumerateObject().Where(p => p.Name != "__name__").ToDictionary(p => p.Name, p => p.Value.GetString()!),
            double.Parse(r.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture)))];
    }

    /// <summary>
    /// Every stored sample of the series <paramref name="selector"/> matches over the last <paramref name="range"/>:
    /// each series' labels (with <c>__name__</c>) and its samples as (Unix seconds, value), oldest first.
    /// </summary>
    public async Task<IReadOnlyList<(IReadOnlyDictionary<string, string> Labels, IReadOnlyList<(double Time, double Value)> Samples)>> RangeAsync(string selector, TimeSpan range)
    {
        var promql = string.Create(CultureInfo.InvariantCulture, $"{selector}[{(long)Math.Ceiling(range.TotalSeconds)}s]");
        var url = new Uri(Address, $"api/v1/query?query={Uri.EscapeDataString(promql)}");
        using var document = JsonDocument.Parse(await _http.GetStringAsync(url));
        return [.. document.RootElement.GetProperty("data").GetProperty("result").EnumerateArray().Select(r => (
            (IReadOnlyDictionary<string, string>)r.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!),
            (IReadOnlyList<(double, double)>)[.. r.GetProperty("values").EnumerateArray().Select(v => (
                v[0].GetDouble(),
                double.Parse(v[1].GetString()!, CultureInfo.InvariantCulture)))]))];
    }

    /// <summary>Waits until <paramref name="promql"/> returns exactly one series, and returns its value.</summary>
    public async Task<double> SingleValueAsync(string promql, TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var result = await QueryAsync(promql);
            if (result.Count == 1)
            {
                return result[0].Value;
            }

            if (clock.Elapsed > within)
            {
                throw new TimeoutException($"'{promql}' returned {result.Count} series for {within}.");
            }

            await Task.Delay(250);
        }
    }

    public void Dispose()
    {
        _process.Dispose();
        _http.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Prometheus may still be flushing its WAL as it dies; the temp folder is left behind then.
        }
    }
}
