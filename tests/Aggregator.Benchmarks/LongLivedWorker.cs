using Akka.Actor;
using Aggregator.Actors;
using Aggregator.Metrics;

namespace Aggregator.Benchmarks;

/// <summary>
/// A worker that lives for the whole run, with a few families of every type (20 request series, a gauge, a histogram,
/// a summary) and the families the churn runner's short-lived workers record into, so that a node's series are the
/// same before and after the churn. Answers "ready" once its metrics exist.
/// </summary>
internal sealed class LongLivedWorker : MeteredReceiveActor
{
    public LongLivedWorker(int index)
    {
        var requests = Metrics.Counter("bench_requests_total", "Requests by route and code.", "route", "code");
        for (var i = 0; i < 20; i++)
        {
            requests.WithLabels("/api/r" + (i % 10), i < 10 ? "200" : "500").Inc(index + i);
        }

        Metrics.Gauge("bench_inflight", "Requests in flight.").Set(index);
        Metrics.Histogram("bench_request_seconds", "Request durations.").Observe(0.01 * index);
        Metrics.Summary("bench_payload_bytes", "Payload sizes.").Observe(100 * index);
        ChurnFamilies.Record(Metrics, index);
        Receive<string>(_ => Sender.Tell("ready"));
    }

    public static Props Props(int index) => Akka.Actor.Props.Create(() => new LongLivedWorker(index));
}
