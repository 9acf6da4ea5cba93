using Aggregator.Actors;

namespace Aggregator.Node;

/// <summary>
/// A worker holding many series, for scrape benchmarks (<c>Node:LoadWorkers</c> × <c>Node:LoadSeries</c>): every
/// load worker has the same label sets, as workers of one kind do, so a merge sums them.
/// </summary>
internal sealed class LoadWorker : MeteredReceiveActor
{
    public LoadWorker(int series)
    {
        var requests = Metrics.Counter("load_requests_total", "Synthetic requests by path and method.", "path", "method");
        for (var i = 0; i < series; i++)
        {
            requests.WithLabels("/api/items/" + i, (i % 4) switch { 0 => "GET", 1 => "POST", 2 => "PUT", _ => "DELETE" }).Inc(i % 100);
        }
    }
}
