using System.Globalization;
using Aggregator.Conformance.Tests.Tools;

namespace Aggregator.Conformance.Tests.Native;

/// <summary>
/// Debian's Prometheus 2.42 with <c>--enable-feature=native-histograms</c> asks for protobuf first, and scrapes the
/// merged native histogram <c>demo_latency_seconds</c> of a node and of a 3-process cluster: every demo worker k
/// observes k·j/1000 s for j = 1…100 at start (schema 3), so count, sum and the 0.9 quantile are known.
/// </summary>
public sealed class NativeHistogramScrapeSpec
{
    private const int WorkersPerNode = 4;
    private const int ObservationsPerWorker = 100;

    // Schema 3: each bucket's upper bound is its lower bound times 2^(1/8).
    private static readonly double Growth = Math.Pow(2, Math.Pow(2, -3));

    private static readonly string[] Features = ["--enable-feature=native-histograms"];

    [Fact]
    public async Task Prometheus_reads_a_nodes_merged_native_histogram_over_protobuf()
    {
        var http = ServerProcess.FreePort();
        using var node = await NodeProcess.StartAsync(ServerProcess.FreePort(), http, $"--Node:DemoWorkers={WorkersPerNode}");
        using var prometheus = await PrometheusServer.StartAsync(Job("native", http), extraArguments: Features);

        await prometheus.WaitForTargetsUpAsync(1, TimeSpan.FromSeconds(40));
        await AssertLatencyAsync(prometheus, nodes: 1);
        Assert.Equal(WorkersPerNode, await prometheus.SingleValueAsync("demo_started_total", TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Prometheus_reads_the_merged_native_histogram_of_a_3_process_cluster_over_protobuf()
    {
        var directory = Directory.CreateTempSubdirectory("aggregator-native-cluster-").FullName;
        var hocon = Path.Combine(directory, "node.hocon");
        await File.WriteAllTextAsync(hocon, """
            akka.cluster.gossip-interval = 200ms
            akka.cluster.leader-actions-interval = 200ms
            """);
        int[] remoting = [ServerProcess.FreePort(), ServerProcess.FreePort(), ServerProcess.FreePort()];
        int[] http = [ServerProcess.FreePort(), ServerProcess.FreePort(), ServerProcess.FreePort()];
        var seed = $"akka.tcp://aggregator@127.0.0.1:{remoting[0]}";
        var nodes = new List<ServerProcess>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                nodes.Add(await NodeProcess.StartAsync(remoting[i], http[i], $"--Node:HoconFile={hocon}", $"--Node:SeedNodes={seed}", $"--Node:DemoWorkers={WorkersPerNode}"));
            }

            using var prometheus = await PrometheusServer.StartAsync(Job("native-cluster", http[0]), extraArguments: Features);
            await prometheus.WaitForTargetsUpAsync(1, TimeSpan.FromSeconds(40));

            // node1 answers for the whole cluster once the other two are Up and have answered it.
            Assert.Equal(3, await WaitForAsync(prometheus, "count(aggregator_source_up{level=\"node\"} == 1)", 3, TimeSpan.FromSeconds(60)));
            await AssertLatencyAsync(prometheus, nodes: 3);
        }
        finally
        {
            foreach (var node in nodes)
            {
                node.Dispose();
            }

            Directory.Delete(directory, recursive: true);
        }
    }

    private static string Job(string name, int port) => $"""
          - job_name: {name}
            static_configs:
              - targets: ["127.0.0.1:{port}"]
        """;

    private static async Task AssertLatencyAsync(PrometheusServer prometheus, int nodes)
    {
        var observations = Enumerable.Range(0, nodes)
            .SelectMany(_ => Enumerable.Range(1, WorkersPerNode))
            .SelectMany(k => Enumerable.Range(1, ObservationsPerWorker).Select(j => k * j / 1000.0))
            .Order()
            .ToArray();
        Assert.Equal(1, await prometheus.SingleValueAsync("up", TimeSpan.FromSeconds(10)));
        Assert.Equal(observations.Length, await WaitForAsync(prometheus, "histogram_count(demo_latency_seconds)", observations.Length, TimeSpan.FromSeconds(30)));
        Assert.Equal(observations.Sum(), await prometheus.SingleValueAsync("histogram_sum(demo_latency_seconds)", TimeSpan.FromSeconds(10)), 9);

        // The observation of rank ⌈0.9 n⌉ lies in the bucket Prometheus interpolates in, so the answer is within one
        // bucket's growth of it: the schema's relative error.
        var expected = observations[(int)Math.Ceiling(0.9 * observations.Length) - 1];
        var quantile = await prometheus.SingleValueAsync("histogram_quantile(0.9, demo_latency_seconds)", TimeSpan.FromSeconds(10));
        Assert.True(
            quantile > expected / Growth && quantile < expected * Growth,
            string.Create(CultureInfo.InvariantCulture, $"0.9 quantile {quantile} is not within a factor {Growth} of {expected}"));
    }

    /// <summary>Waits until <paramref name="promql"/> has one series of value <paramref name="expected"/>, and returns its last value.</summary>
    private static async Task<double> WaitForAsync(PrometheusServer prometheus, string promql, double expected, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        double last;
        do
        {
            var result = await prometheus.QueryAsync(promql);
            last = result.Count == 1 ? result[0].Value : double.NaN;
            if (last == expected)
            {
                return last;
            }

            await Task.Delay(250);
        }
        while (DateTime.UtcNow < deadline);

        return last;
    }
}
