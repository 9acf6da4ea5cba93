using Akka.Actor;
using Aggregator.Actors;
using Aggregator.Actors.Protocol;
using Aggregator.Metrics;

namespace Aggregator.Node;

/// <summary>
/// A worker holding many series, for scrape benchmarks (<c>Node:LoadWorkers</c> × <c>Node:LoadSeries</c>): every
/// load worker has the same label sets, as workers of one kind do, so a merge sums them. With
/// <c>Node:LoadChangePercent</c>, it increments the next slice of that share of its series before answering each
/// collection, so that exactly that many series change between two scrapes.
/// </summary>
internal sealed class LoadWorker : MeteredReceiveActor
{
    private readonly Counter.Child[] _series;
    private readonly int _changePerCollection;
    private int _next;

    public LoadWorker(int series, double changePercent = 0)
    {
        var requests = Metrics.Counter("load_requests_total", "Synthetic requests by path and method.", "path", "method");
        _series = new Counter.Child[series];
        for (var i = 0; i < series; i++)
        {
            _series[i] = requests.WithLabels("/api/items/" + i, (i % 4) switch { 0 => "GET", 1 => "POST", 2 => "PUT", _ => "DELETE" });
            _series[i].Inc(i % 100);
        }

        _changePerCollection = (int)Math.Round(series * changePercent / 100);
    }

    /// <inheritdoc />
    protected override bool AroundReceive(Receive receive, object message)
    {
        if (message is NodeCollectorProtocol.CollectSnapshot && _changePerCollection > 0)
        {
            for (var i = 0; i < _changePerCollection; i++)
            {
                _series[_next].Inc();
                _next = (_next + 1) % _series.Length;
            }
        }

        return base.AroundReceive(receive, message);
    }
}
