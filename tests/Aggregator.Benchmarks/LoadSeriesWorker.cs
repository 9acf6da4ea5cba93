using Akka.Actor;
using Aggregator.Actors;
using Aggregator.Actors.Protocol;
using Aggregator.Metrics;

namespace Aggregator.Benchmarks;

/// <summary>
/// A worker holding many counter series with the label sets of Aggregator.Node's load workers (so that workers of one
/// kind merge to the same series); with a change share, it increments the next slice of that share of its series
/// before answering each collection, so that exactly that many change between two scrapes. Answers "ready".
/// </summary>
internal sealed class LoadSeriesWorker : MeteredReceiveActor
{
    private readonly Counter.Child[] _series;
    private readonly int _changePerCollection;
    private int _next;

    public LoadSeriesWorker(int series, double changePercent = 0)
    {
        var requests = Metrics.Counter("load_requests_total", "Synthetic requests by path and method.", "path", "method");
        _series = new Counter.Child[series];
        for (var i = 0; i < series; i++)
        {
            _series[i] = requests.WithLabels("/api/items/" + i, (i % 4) switch { 0 => "GET", 1 => "POST", 2 => "PUT", _ => "DELETE" });
            _series[i].Inc(i % 100);
        }

        _changePerCollection = (int)Math.Round(series * changePercent / 100);
        Receive<string>(_ => Sender.Tell("ready"));
    }

    /// <inheritdoc />
    protected override bool AroundReceive(Receive receive, object message)
    {
        if (message is NodeCollectorProtocol.CollectSnapshot)
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
