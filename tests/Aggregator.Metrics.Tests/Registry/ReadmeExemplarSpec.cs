using System.Diagnostics;

namespace Aggregator.Metrics.Tests.Registry;

/// <summary>The README's exemplar lines, as written there (ReadmeSpec finds each of them here), doing what it says.</summary>
public sealed class ReadmeExemplarSpec
{
    [Fact]
    public void The_readme_s_exemplar_lines_record_what_they_say()
    {
        var registry = Registries.Worker();
        var requests = registry.Counter("requests_total", "Requests", "method");
        var latency = registry.Histogram("latency_seconds", new MetricOptions { Help = "Latency", Buckets = [0.1, 1] });
        var counter = registry.Counter("logins_total", "Logins");
        var seconds = 0.05;
        var now = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_123_000);
        using var activity = new Activity("request").SetIdFormat(ActivityIdFormat.W3C).Start();

        requests.WithLabels("GET").Inc(1, Exemplar.FromCurrentActivity());        // {trace_id, span_id} of Activity.Current
        latency.Observe(seconds, Exemplar.FromCurrentActivity());                  // kept for the bucket the value falls in
        counter.Inc(2, new Exemplar(new KeyValuePair<string, string>("user_id", "42")).WithTimestamp(now));

        var snapshot = registry.Collect();
        var trace = $"{{trace_id=\"{activity.TraceId.ToHexString()}\",span_id=\"{activity.SpanId.ToHexString()}\"}}";
        Assert.Equal($"{trace} 1 @{Registries.T0} from []", snapshot.Find("requests")!.Series[0].Exemplars[0]!.ToString());
        Assert.Equal([$"{trace} 0.05 @{Registries.T0} from []", "none", "none"], snapshot.Find("latency_seconds")!.Series[0].Exemplars.Select(e => e?.ToString() ?? "none"));
        Assert.Equal("{user_id=\"42\"} 2 @1700000123000 from []", snapshot.Find("logins")!.Series[0].Exemplars[0]!.ToString());
    }
}
