using System.Diagnostics;
using System.Net.Sockets;
using Aggregator.Metrics;

namespace DaytimeExporter;

/// <summary>
/// Probes the daytime service when Prometheus scrapes (not on a timer of its own): the result is as fresh as the scrape,
/// and the scrape interval sets the probing rate, as the exporter guidelines advise.
/// </summary>
internal sealed class DaytimeProbe(int port)
{
    private static readonly MetricDefinition Duration = new(MetricType.Gauge, "daytime_probe_duration_seconds", "How long the last daytime probe took.");
    private static readonly MetricDefinition Success = new(MetricType.Gauge, "daytime_probe_success", "Whether the last daytime probe got a line (1) or not (0).");
    private static readonly MetricDefinition Failures = new(MetricType.Counter, "daytime_probe_failures_total", "Daytime probes that failed.");

    // Custom collectors of the shared registry may run on any thread; the count is only touched under this lock.
    private readonly Lock _lock = new();
    private long _failures;

    public IEnumerable<MetricFamilySnapshot> Collect()
    {
        var clock = Stopwatch.StartNew();
        var ok = Probe();
        var seconds = clock.Elapsed.TotalSeconds;
        long failures;
        lock (_lock)
        {
            failures = ok ? _failures : ++_failures;
        }

        return
        [
            MetricFamilySnapshot.OfValue(Duration, seconds),
            MetricFamilySnapshot.OfValue(Success, ok ? 1 : 0),
            MetricFamilySnapshot.OfValue(Failures, failures),
        ];
    }

    private bool Probe()
    {
        try
        {
            using var client = new TcpClient { ReceiveTimeout = 1000, SendTimeout = 1000 };
            client.Connect("127.0.0.1", port);
            using var reader = new StreamReader(client.GetStream());
            return !string.IsNullOrEmpty(reader.ReadLine());
        }
        catch (Exception error) when (error is SocketException or IOException)
        {
            return false;
        }
    }
}
