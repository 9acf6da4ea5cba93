using System.Diagnostics;
using Akka.Actor;
using Aggregator.Actors;
using Aggregator.Cluster.Protocol;
using Aggregator.Metrics;
using Aggregator.Metrics.Collectors;
using Aggregator.Tests.Support;
using Xunit.Abstractions;

namespace Aggregator.Cluster.Tests.Collection;

/// <summary>
/// Per-node families across a real two-node cluster in this process: the process collector's families and a user's
/// per-node counter keep one series per node under a <c>node</c> label, and leave with their node, while ordinary
/// counters are summed and retained.
/// </summary>
public sealed class PerNodeClusterSpec : IAsyncLifetime
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(5);

    private readonly InProcessCluster _cluster = new();
    private readonly ITestOutputHelper _output;

    public PerNodeClusterSpec(ITestOutputHelper output) => _output = output;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _cluster.TerminateAllAsync();

    [Fact]
    public async Task Each_node_keeps_its_own_process_start_time_and_per_node_counters_under_a_node_label()
    {
        var (nodes, addresses) = await StartTwoNodesAsync();

        var fromFirst = await Collect(nodes[0]);
        var fromSecond = await Collect(nodes[1]);

        // Both systems live in this one process, so both report its start time.
        var start = SampleValue(new MetricsSnapshot([ProcessCollector.Collect().Single(f => f.Name == "process_start_time_seconds")]));
        var sorted = addresses.Order(StringComparer.Ordinal).ToArray();
        var expected = $$"""
            # HELP connections_opened_total Connections this process opened.
            # TYPE connections_opened_total counter
            connections_opened_total{node="{{sorted[0]}}"} {{(sorted[0] == addresses[0] ? 1 : 2)}}
            connections_opened_total{node="{{sorted[1]}}"} {{(sorted[1] == addresses[0] ? 1 : 2)}}
            # HELP jobs_total Jobs
            # TYPE jobs_total counter
            jobs_total 30
            # HELP process_start_time_seconds Start time of the process since unix epoch in seconds.
            # TYPE process_start_time_seconds gauge
            process_start_time_seconds{node="{{sorted[0]}}"} {{start}}
            process_start_time_seconds{node="{{sorted[1]}}"} {{start}}

            """;
        Assert.Equal(expected, Selected(fromFirst.Snapshot, "connections_opened", "jobs", "process_start_time_seconds"));
        Assert.Equal(expected, Selected(fromSecond.Snapshot, "connections_opened", "jobs", "process_start_time_seconds"));
        foreach (var family in new[] { "process_cpu_seconds", "process_resident_memory_bytes", "process_virtual_memory_bytes", "process_open_fds", "process_max_fds" })
        {
            Assert.Equal(["node"], fromFirst.Snapshot.Find(family)!.Definition.LabelNames);
            Assert.Equal(sorted, fromFirst.Snapshot.Find(family)!.Series.Select(s => s.LabelValues[0]));
        }

        Assert.DoesNotContain(fromFirst.Snapshot.Families, f => f.Name == "aggregator_merge_conflicts");
    }

    [Fact]
    public async Task A_departed_nodes_per_node_series_leave_with_it_while_its_ordinary_counters_stay()
    {
        var (nodes, addresses) = await StartTwoNodesAsync();
        var before = await Collect(nodes[0]);
        Assert.Equal(2, before.Snapshot.Find("process_cpu_seconds")!.Series.Count);

        Akka.Cluster.Cluster.Get(nodes[1]).Leave(Akka.Cluster.Cluster.Get(nodes[1]).SelfAddress);
        var clock = Stopwatch.StartNew();
        ClusterCollectorProtocol.CollectReply after;
        while (true)
        {
            after = await Collect(nodes[0]);
            if (!Render.SourceUp(after.Snapshot, "node").Any(s => s.StartsWith(addresses[1] + "=", StringComparison.Ordinal)))
            {
                break;
            }

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), "the node was never removed");
            await Task.Delay(100);
        }

        _output.WriteLine($"removed after {clock.Elapsed.TotalMilliseconds:F0} ms");
        var start = SampleValue(new MetricsSnapshot([ProcessCollector.Collect().Single(f => f.Name == "process_start_time_seconds")]));
        Assert.Equal(
            $$"""
            # HELP connections_opened_total Connections this process opened.
            # TYPE connections_opened_total counter
            connections_opened_total{node="{{addresses[0]}}"} 1
            # HELP jobs_total Jobs
            # TYPE jobs_total counter
            jobs_total 30
            # HELP process_start_time_seconds Start time of the process since unix epoch in seconds.
            # TYPE process_start_time_seconds gauge
            process_start_time_seconds{node="{{addresses[0]}}"} {{start}}

            """,
            Selected(after.Snapshot, "connections_opened", "jobs", "process_start_time_seconds"));
        Assert.Equal([addresses[0]], after.Snapshot.Find("process_cpu_seconds")!.Series.Select(s => s.LabelValues[0]));
    }

    private static Task<ClusterCollectorProtocol.CollectReply> Collect(ActorSystem node) =>
        AggregatorClusterExtension.Get(node).CollectAsync();

    /// <summary>The text exposition of the named families only.</summary>
    private static string Selected(MetricsSnapshot snapshot, params string[] families) =>
        Render.Text(new MetricsSnapshot([.. snapshot.Families.Where(f => families.Contains(f.Name))]));

    /// <summary>The value of a one-sample exposition as the writer prints it.</summary>
    private static string SampleValue(MetricsSnapshot snapshot) => Render.Text(snapshot).Split('\n')[2].Split(' ')[1];

    /// <summary>
    /// Two nodes with the process collector on; node n counts n connections in its shared registry (a per-node counter)
    /// and 10n jobs in a worker (an ordinary counter).
    /// </summary>
    private async Task<(ActorSystem[] Nodes, string[] Addresses)> StartTwoNodesAsync()
    {
        ActorSystem[] nodes = [_cluster.Start("backend", processCollector: true), _cluster.Start("backend", processCollector: true)];
        await InProcessCluster.JoinAsync(nodes[0], nodes[1]);
        for (var n = 1; n <= 2; n++)
        {
            var node = nodes[n - 1];
            AggregatorExtension.Get(node).Shared
                .Counter("connections_opened_total", new MetricOptions { Help = "Connections this process opened.", PerNode = true })
                .Inc(n);
            var worker = node.ActorOf(Props.Create(() => new CounterWorker()), "jobs");
            await worker.Ask<string>(new CounterWorker.Add(10 * n), AskTimeout);
        }

        // Registration is a message to each node collector: wait until both workers are known cluster-wide.
        await InProcessCluster.WaitUntilAsync(
            async () => Render.SourceUp((await Collect(nodes[0])).Snapshot, "worker").Count(s => s.EndsWith("=1", StringComparison.Ordinal)) == 2,
            "every worker answers");
        return (nodes, [.. nodes.Select(InProcessCluster.AddressOf)]);
    }
}
