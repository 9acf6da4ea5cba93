using System.Net.Http.Json;
using Aggregator.Metrics;

namespace DaytimeExporter;

/// <summary>
/// Turns the JSON service's figures into a counter at scrape time: its request count is the value, its launch time the
/// counter's <c>_created</c>, so that rate() knows when counting started. A service that does not answer leaves the
/// family out of that scrape (and the registry counts the collector's error).
/// </summary>
internal sealed class StatsReader(Uri address) : IDisposable
{
    private static readonly MetricDefinition Requests = new(MetricType.Counter, "jsonservice_requests_total", "Requests the JSON service has answered.");

    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(2) };

    public IEnumerable<MetricFamilySnapshot> Collect()
    {
        var stats = _http.GetFromJsonAsync<Stats>(address).GetAwaiter().GetResult()
            ?? throw new InvalidOperationException($"{address} returned no stats.");
        return [new MetricFamilySnapshot(Requests, [SeriesSnapshot.ForValue([], stats.Requests, createdSeconds: stats.Launched)])];
    }

    public void Dispose() => _http.Dispose();
}
