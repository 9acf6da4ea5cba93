using Akka.Actor;
using Aggregator.Actors;
using Aggregator.Metrics;
using Aggregator.Tests.Support;
using Xunit.Abstractions;

namespace Aggregator.Cluster.Tests.Collection;

/// <summary>
/// Three actor systems on 127.0.0.1 declare the same native histogram at schemas 5, 2 and 0 (definitions are per actor
/// system, so each node records at its own): the cluster's merge holds every observation at schema 0, exactly, from
/// whichever node it is asked, also after a worker stopped.
/// </summary>
public sealed class NativeClusterSpec : IAsyncLifetime
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(5);
    private static readonly int[] Schemas = [5, 2, 0];

    private readonly InProcessCluster _cluster = new();
    private readonly ITestOutputHelper _output;

    public NativeClusterSpec(ITestOutputHelper output) => _output = output;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _cluster.TerminateAllAsync();

    [Fact]
    public async Task Nodes_at_different_schemas_merge_into_one_histogram_at_the_lowest()
    {
        ActorSystem[] nodes = [_cluster.Start("frontend"), _cluster.Start("backend"), _cluster.Start("backend")];
        await InProcessCluster.JoinAsync(nodes[0], nodes[1], nodes[2]);
        var all = new List<double>();
        var workers = new IActorRef[3][];
        for (var n = 0; n < 3; n++)
        {
            workers[n] = new IActorRef[2];
            for (var w = 0; w < 2; w++)
            {
                double[] values = [.. Enumerable.Range(1, 50).Select(i => ((n * 100) + (w * 50) + i) / 64.0 * (i % 7 == 0 ? -1 : 1)), 0];
                workers[n][w] = nodes[n].ActorOf(Props.Create(() => new NativeWorker(Schemas[n])), $"n{w}");
                await workers[n][w].Ask<string>(new NativeWorker.Record(values), AskTimeout);
                all.AddRange(values);
            }
        }

        var expected = Reference(all);
        await InProcessCluster.WaitUntilAsync(
            async () => Merged(await Collect(nodes[0]))?.Count == all.Count,
            "every worker's observations are merged");

        foreach (var node in new[] { nodes[0], nodes[2] })
        {
            var series = Merged(await Collect(node))!.Value;
            Assert.Equal(all.Count, series.Count);
            Assert.Equal(all.Sum(), series.Sum);
            Assert.Equal([(long)all.Count], series.CumulativeBuckets);
            Assert.True(expected.SameAs(series.Native), $"expected {expected}, merged {series.Native}");
            Assert.Equal(0, series.Native!.Schema);
        }

        // A stopped worker is retired at its node: its buckets stay in the cluster's merge.
        _output.WriteLine($"stopping {workers[1][0].Path}");
        await workers[1][0].GracefulStop(AskTimeout);
        await InProcessCluster.WaitUntilAsync(
            async () => !Render.SourceUp((await Collect(nodes[0])).Snapshot, "worker").Any(s => s.Contains("/user/n0", StringComparison.Ordinal) && s.Contains(InProcessCluster.AddressOf(nodes[1]), StringComparison.Ordinal)),
            "the stopped worker is no longer a source");
        var after = Merged(await Collect(nodes[2]))!.Value;
        Assert.Equal(all.Count, after.Count);
        Assert.True(expected.SameAs(after.Native), $"expected {expected}, after retirement {after.Native}");
    }

    private static NativeHistogramSnapshot Reference(IEnumerable<double> values)
    {
        var registry = new WorkerRegistry();
        var histogram = registry.Histogram("latency_seconds", new MetricOptions { NativeHistogram = new NativeHistogramOptions { Schema = 0 } });
        foreach (var v in values)
        {
            histogram.Observe(v);
        }

        return registry.Collect().Find("latency_seconds")!.Series[0].Native!;
    }

    private static SeriesSnapshot? Merged(ClusterCollectorProtocolReply reply) =>
        reply.Snapshot.Find("latency_seconds") is { } family ? family.Series.Single() : null;

    private static async Task<ClusterCollectorProtocolReply> Collect(ActorSystem node) =>
        new((await AggregatorClusterExtension.Get(node).CollectAsync(null, null)).Snapshot);

    private sealed record ClusterCollectorProtocolReply(MetricsSnapshot Snapshot);

    private sealed class NativeWorker : MeteredReceiveActor
    {
        public NativeWorker(int schema)
        {
            var latency = Metrics.Histogram("latency_seconds", new MetricOptions { Help = "Latency", NativeHistogram = new NativeHistogramOptions { Schema = schema } });
            Receive<Record>(r =>
            {
                foreach (var v in r.Values)
                {
                    latency.Observe(v);
                }

                Sender.Tell("done");
            });
        }

        public sealed record Record(double[] Values);
    }
}
