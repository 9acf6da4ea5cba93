using System.Diagnostics;
using Akka.Actor;
using Aggregator.Actors;
using Aggregator.Metrics;

namespace Aggregator.Conformance.Tests.Exemplars;

/// <summary>Counts orders and observes latencies (buckets 0.1, 1), each with the trace exemplar it is told.</summary>
public sealed class ExemplarWorker : MeteredReceiveActor
{
    public ExemplarWorker()
    {
        var orders = Metrics.Counter("orders_total", "Orders", "route");
        var latency = Metrics.Histogram("latency_seconds", new MetricOptions { Help = "Latency", Buckets = [0.1, 1] });
        Receive<Record>(r =>
        {
            var exemplar = Exemplar.FromTrace(ActivityTraceId.CreateFromString(r.TraceId), ActivitySpanId.CreateFromString(r.SpanId));
            orders.WithLabels("/checkout").Inc(r.Value, exemplar);
            latency.Observe(r.Value / 10, exemplar);
            Sender.Tell("done");
        });
    }

    public sealed record Record(double Value, string TraceId, string SpanId);
}
