using System.Diagnostics;
using System.Globalization;
using Akka.Actor;
using Akka.Configuration;
using Aggregator.Actors;
using Aggregator.Actors.Protocol;
using Aggregator.Cluster;

namespace Aggregator.Benchmarks;

/// <summary>
/// Issue 11's query-traffic case: a node (a single-node cluster in this process, on 127.0.0.1) with 8 workers, and
/// N collections each with a worker selection of its own, as <c>?worker=</c> scrapes from many clients would make:
/// first through the node collector, then through the cluster collector. Reports RSS and managed heap growth after a
/// full GC over each (target: at most 5 MiB). Reports; asserts nothing about time or memory.
/// </summary>
public static class SelectionsRunner
{
    /// <summary>Distinct selections of a full run, per collector.</summary>
    public const int DefaultSelections = 10_000;

    private const int Workers = 8;
    private const int Warmup = 20;

    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Runs the case with <paramref name="selections"/> distinct selections per collector.</summary>
    public static async Task RunAsync(int selections = DefaultSelections)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(selections);
        var config = ConfigurationFactory.ParseString("""
            akka.loglevel = WARNING
            akka.log-dead-letters = off
            akka.actor.provider = cluster
            akka.remote.dot-netty.tcp.hostname = 127.0.0.1
            akka.remote.dot-netty.tcp.port = 0
            akka.cluster.gossip-interval = 200ms
            akka.cluster.leader-actions-interval = 200ms
            aggregator.collectors { process = off, runtime = off, meters = off, cluster = off }
            """).WithFallback(AggregatorClusterSettings.DefaultConfig());
        using var system = ActorSystem.Create("selections-bench", config);
        var cluster = Akka.Cluster.Cluster.Get(system);
        var aggregator = AggregatorClusterExtension.Get(system);
        cluster.Join(cluster.SelfAddress);
        var ready = new List<Task<string>>();
        for (var i = 0; i < Workers; i++)
        {
            ready.Add(system.ActorOf(LongLivedWorker.Props(i), $"w-{i}").Ask<string>("ready", AskTimeout));
        }

        await Task.WhenAll(ready);
        var clock = Stopwatch.StartNew();
        while (cluster.SelfMember.Status != Akka.Cluster.MemberStatus.Up)
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new TimeoutException($"The single-node cluster did not come up in 30 s: {cluster.SelfMember}.");
            }

            await Task.Delay(50);
        }

        // Up is not yet ready: the cluster collector answers only once it has read the departed members' totals.
        while (true)
        {
            try
            {
                await ClusterAsync(aggregator, Selection(0, null));
                break;
            }
            catch (Aggregator.Cluster.ClusterStateNotReadyException) when (clock.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(50);
            }
        }

        // The same few selections many times first: JIT, pools and caches reach their steady size before measuring.
        for (var i = 0; i < Warmup; i++)
        {
            await NodeAsync(aggregator.Node, Selection(i % Workers, null));
            await ClusterAsync(aggregator, Selection(i % Workers, null));
        }

        var before = Measure.AfterFullGc();
        Print("before", before, before);

        for (var i = 0; i < selections; i++)
        {
            await NodeAsync(aggregator.Node, Selection(i % Workers, i));
        }

        var afterNode = Measure.AfterFullGc();
        Print($"after {selections:N0} distinct selections through the node collector", afterNode, before);

        for (var i = 0; i < selections; i++)
        {
            await ClusterAsync(aggregator, Selection(i % Workers, i));
        }

        var afterCluster = Measure.AfterFullGc();
        Print($"after {selections:N0} distinct selections through the cluster collector", afterCluster, afterNode);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"selections: RSS growth over both {afterCluster.RssMiB - before.RssMiB:F1} MiB, managed heap growth {afterCluster.HeapMiB - before.HeapMiB:F1} MiB (target: at most 5 MiB)"));
        await system.Terminate();
    }

    /// <summary>One worker by name, and (when <paramref name="distinct"/> is set) a pattern matching nothing that makes the selection new.</summary>
    private static WorkerSelection Selection(int worker, int? distinct) =>
        new(distinct is { } d ? [$"w-{worker}", $"/user/absent-{d.ToString(CultureInfo.InvariantCulture)}"] : [$"w-{worker}"]);

    private static Task<NodeCollectorProtocol.CollectReply> NodeAsync(AggregatorExtension node, WorkerSelection selection) =>
        node.NodeCollector.Ask<NodeCollectorProtocol.CollectReply>(new NodeCollectorProtocol.Collect(selection), AskTimeout);

    private static Task<Aggregator.Cluster.Protocol.ClusterCollectorProtocol.CollectReply> ClusterAsync(AggregatorClusterExtension cluster, WorkerSelection selection) =>
        cluster.CollectAsync(workers: selection);

    private static void Print(string name, (double RssMiB, double HeapMiB) now, (double RssMiB, double HeapMiB) previous) => Console.WriteLine(string.Create(
        CultureInfo.InvariantCulture,
        $"{name}: RSS {now.RssMiB:F1} MiB ({now.RssMiB - previous.RssMiB:+0.0;-0.0} MiB), managed heap {now.HeapMiB:F1} MiB ({now.HeapMiB - previous.HeapMiB:+0.0;-0.0} MiB) after a full GC"));
}
