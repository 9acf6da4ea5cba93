using System.Diagnostics;
using System.Diagnostics.Metrics;
using Aggregator.Metrics.Collectors;

namespace Aggregator.Metrics.Tests.Collectors;

/// <summary>
/// The Meter bridge takes a sampled <see cref="Activity.Current"/> as the exemplar of a synchronous counter's or
/// histogram's measurement (what OpenTelemetry's trace-based exemplar filter does), since a MeterListener callback
/// carries no exemplar of its own.
/// </summary>
public sealed class MeterBridgeExemplarSpec
{
    private static readonly ActivityTraceId Trace = ActivityTraceId.CreateFromString("0af7651916cd43dd8448eb211c80319c");

    [Fact]
    public void A_measurement_inside_a_sampled_activity_carries_its_trace_and_span_per_series_and_bucket()
    {
        using var meter = new Meter("Aggregator.Tests.BridgeExemplars." + Guid.NewGuid().ToString("N"));
        using var bridge = new MeterBridge([meter.Name]);
        var counter = meter.CreateCounter<long>("shop.orders");
        var histogram = meter.CreateHistogram<double>("shop.duration", unit: "s", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [1] });

        counter.Add(1);
        histogram.Record(0.5);
        string span;
        using (var sampled = Sampled(ActivityTraceFlags.Recorded))
        {
            span = sampled.SpanId.ToHexString();
            counter.Add(3);
            histogram.Record(7);
        }

        using (Sampled(ActivityTraceFlags.None))
        {
            // Not sampled: no exemplar, as with OpenTelemetry's trace-based filter.
            histogram.Record(0.25);
        }

        var families = bridge.Collect().ToDictionary(f => f.Name);
        var orders = Assert.Single(families["shop_orders"].Series);
        Assert.Equal(4, orders.Value);
        Assert.StartsWith(Line(3, span), orders.Exemplars.Single()!.ToString(), StringComparison.Ordinal);
        var duration = Assert.Single(families["shop_duration_seconds"].Series);
        Assert.Equal([2L, 3L], duration.CumulativeBuckets);
        Assert.Null(duration.Exemplars[0]);
        Assert.StartsWith(Line(7, span), duration.Exemplars[1]!.ToString(), StringComparison.Ordinal);
        Assert.EndsWith(" from []", duration.Exemplars[1]!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Without_an_activity_no_series_has_exemplars()
    {
        using var meter = new Meter("Aggregator.Tests.BridgeExemplars." + Guid.NewGuid().ToString("N"));
        using var bridge = new MeterBridge([meter.Name]);
        meter.CreateCounter<double>("c").Add(2.5);
        meter.CreateHistogram<int>("h").Record(3);

        Assert.All(bridge.Collect(), f => Assert.Empty(Assert.Single(f.Series).Exemplars));
    }

    private static string Line(double value, string span) =>
        $"{{trace_id=\"{Trace.ToHexString()}\",span_id=\"{span}\"}} {value} @";

    private static Activity Sampled(ActivityTraceFlags flags)
    {
        var activity = new Activity("request");
        activity.SetParentId(Trace, ActivitySpanId.CreateFromString("1111111111111111"), flags);
        activity.Start();
        activity.ActivityTraceFlags = flags;
        Assert.Equal(Trace, activity.TraceId);
        return activity;
    }
}
