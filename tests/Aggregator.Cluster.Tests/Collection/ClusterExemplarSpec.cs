using System.Diagnostics;
using Akka.Actor;
using Aggregator.Actors;
using Aggregator.Cluster.Protocol;
using Aggregator.Metrics;
using Xunit.Abstractions;
using Aggregator.Tests.Support;

namespace Aggregator.Cluster.Tests.Collection;

/// <summary>
/// Two actor systems on 127.0.0.1 form a cluster, each with two workers that record exemplars at times they give:
/// the cluster collection of either node keeps, per series and per bucket, the newest exemplar of the four workers,
/// with the worker and node it came from, whether nodes answer with replies of changes or whole snapshots.
/// </summary>
public sealed class ClusterExemplarSpec : IAsyncLifetime
{
    private const long T0 = 1_700_000_000_000;
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(5);

    private readonly InProcessCluster _cluster = new();
    private readonly ITestOutputHelper _output;

    public ClusterExemplarSpec(ITestOutputHelper output) => _output = output;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _cluster.TerminateAllAsync();

    [Theory]
    [InlineData("on")]
    [InlineData("off")]
    public async Task The_newest_exemplar_of_four_workers_on_two_nodes_wins_per_series_and_bucket(string deltaReplies)
    {
        var config = $"aggregator.cluster.delta-replies = {deltaReplies}";
        ActorSystem[] nodes = [_cluster.Start("a", extraConfig: config), _cluster.Start("b", extraConfig: config)];
        var clock = Stopwatch.StartNew();
        await InProcessCluster.JoinAsync(nodes[0], nodes[1]);
        _output.WriteLine($"cluster of 2 Up in {clock.ElapsedMilliseconds} ms");
        var addresses = nodes.Select(InProcessCluster.AddressOf).ToArray();
        var workers = nodes.Select(n => new[] { n.ActorOf(Props.Create(() => new ExemplarWorker()), "w1"), n.ActorOf(Props.Create(() => new ExemplarWorker()), "w2") }).ToArray();
        await InProcessCluster.WaitUntilAsync(
            async () => Render.SourceUp((await Collect(nodes[0])).Snapshot, "worker").Count(s => s.EndsWith("=1", StringComparison.Ordinal)) == 4,
            "every worker answers");

        // Value v at T0 + t: node a's w1 (1 at +10, bucket le=1), w2 (2 at +40, le=5); node b's w1 (3 at +30, le=5), w2 (4 at +20, le=5).
        await Record(workers[0][0], 1, 10, 'a');
        await Record(workers[0][1], 2, 40, 'b');
        await Record(workers[1][0], 3, 30, 'c');
        await Record(workers[1][1], 4, 20, 'd');

        var expected = new[]
        {
            $"requests: {Line('b', 2, 40)} from [worker=/user/w2,node={addresses[0]}]",
            $"latency[0]: {Line('a', 1, 10)} from [worker=/user/w1,node={addresses[0]}]",
            $"latency[1]: {Line('b', 2, 40)} from [worker=/user/w2,node={addresses[0]}]",
            "latency[2]: none",
        };
        Assert.Equal(expected, Exemplars((await Collect(nodes[0])).Snapshot));
        Assert.Equal(expected, Exemplars((await Collect(nodes[1])).Snapshot));

        // A newer exemplar on node b replaces node a's in the series and in its bucket (a change, for replies of changes).
        await Record(workers[1][0], 3, 50, 'e');
        var after = Exemplars((await Collect(nodes[0])).Snapshot);
        Assert.Equal(
            [
                $"requests: {Line('e', 3, 50)} from [worker=/user/w1,node={addresses[1]}]",
                $"latency[0]: {Line('a', 1, 10)} from [worker=/user/w1,node={addresses[0]}]",
                $"latency[1]: {Line('e', 3, 50)} from [worker=/user/w1,node={addresses[1]}]",
                "latency[2]: none",
            ],
            after);
        Assert.Equal(13, Render.Value((await Collect(nodes[1])).Snapshot, "requests"));
    }

    private static async Task Record(IActorRef worker, int value, long atMs, char trace) =>
        await worker.Ask<string>(new ExemplarWorker.Record(value, T0 + atMs, new string(trace, 32)), AskTimeout);

    private static string Line(char trace, int value, long atMs) =>
        $"{{trace_id=\"{new string(trace, 32)}\",span_id=\"00f067aa0ba902b7\"}} {value} @{T0 + atMs}";

    private static string[] Exemplars(MetricsSnapshot snapshot)
    {
        var requests = snapshot.Find("requests")!.Series.Single().Exemplars.Single()!;
        var latency = snapshot.Find("latency_seconds")!.Series.Single().Exemplars;
        return [$"requests: {requests}", .. latency.Select((e, i) => $"latency[{i}]: {e?.ToString() ?? "none"}")];
    }

    private static Task<ClusterCollectorProtocol.CollectReply> Collect(ActorSystem node) => AggregatorClusterExtension.Get(node).CollectAsync(null, null);

    /// <summary>Increments a counter and observes its value in a histogram (buckets 1, 5), both with a trace exemplar of the given time.</summary>
    private sealed class ExemplarWorker : MeteredReceiveActor
    {
        public ExemplarWorker()
        {
            var requests = Metrics.Counter("requests_total", "Requests");
            var latency = Metrics.Histogram("latency_seconds", new MetricOptions { Help = "Latency", Buckets = [1, 5] });
            Receive<Record>(r =>
            {
                var exemplar = Exemplar.FromTrace(ActivityTraceId.CreateFromString(r.Trace), ActivitySpanId.CreateFromString("00f067aa0ba902b7"))
                    .WithTimestamp(DateTimeOffset.FromUnixTimeMilliseconds(r.AtMs));
                requests.Inc(r.Value, exemplar);
                latency.Observe(r.Value, exemplar);
                Sender.Tell("done");
            });
        }

        public sealed record Record(int Value, long AtMs, string Trace);
    }
}
