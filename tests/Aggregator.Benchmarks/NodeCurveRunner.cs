using System.Diagnostics;
using System.Globalization;
using Akka.Actor;
using Akka.Configuration;
using Aggregator.Actors;
using Aggregator.Actors.Protocol;
using Aggregator.Cluster;
using Aggregator.Metrics;
using Aggregator.Metrics.Exposition;

namespace Aggregator.Benchmarks;

/// <summary>
/// Issue 15's node-count curve: 3, 10 and 30 actor systems in this process, with real remoting on 127.0.0.1, forming
/// one cluster; each runs one worker with 10,000 series (the same label sets everywhere, as workers of one kind), 1%
/// of which change before each collection. Two members serve whole-cluster scrapes (collection and text exposition),
/// one with replies of changes and one with whole replies, scraped in turns. Reported per size: the scrape medians
/// and the CPU time of this whole process per scrape (every member runs here, so that is the cluster's cost, not the
/// serving member's alone).
/// </summary>
public static class NodeCurveRunner
{
    private const int SeriesPerNode = 10_000;
    private const double ChangePercent = 1;
    private const int Scrapes = 20;
    private static readonly TimeSpan Formation = TimeSpan.FromMinutes(3);

    public static async Task RunAsync(int[] sizes, int scrapes = Scrapes)
    {
        foreach (var size in sizes)
        {
            await RunSizeAsync(size, scrapes);
        }
    }

    private static async Task RunSizeAsync(int size, int scrapes)
    {
        var systems = new List<ActorSystem>();
        try
        {
            for (var i = 0; i < size; i++)
            {
                systems.Add(Start(deltaReplies: i != 1));
            }

            var seed = Akka.Cluster.Cluster.Get(systems[0]).SelfAddress;
            foreach (var system in systems)
            {
                Akka.Cluster.Cluster.Get(system).Join(seed);
            }

            await WaitAsync(() => systems.All(s => Akka.Cluster.Cluster.Get(s).State.Members.Count(m => m.Status == Akka.Cluster.MemberStatus.Up) == size), $"{size} members Up");
            foreach (var system in systems)
            {
                await system.ActorOf(Props.Create(() => new ChangingWorker(SeriesPerNode, ChangePercent)), "load").Ask<string>("ready", TimeSpan.FromSeconds(60));
            }

            var changes = AggregatorClusterExtension.Get(systems[0]);
            var whole = AggregatorClusterExtension.Get(systems[1]);
            await WaitAsync(async () => (await changes.CollectAsync()).Answered.Count == size && (await whole.CollectAsync()).Answered.Count == size, $"{size} members answer");
            for (var i = 0; i < 3; i++)
            {
                await ScrapeAsync(changes);
                await ScrapeAsync(whole);
            }

            var times = new[] { new List<double>(), new List<double>() };
            var cpu = new TimeSpan[2];
            var servers = new[] { changes, whole };
            using var self = Process.GetCurrentProcess();
            for (var i = 0; i < scrapes; i++)
            {
                for (var k = 0; k < 2; k++)
                {
                    var which = (i + k) % 2;
                    self.Refresh();
                    var before = self.TotalProcessorTime;
                    var clock = Stopwatch.StartNew();
                    await ScrapeAsync(servers[which]);
                    times[which].Add(clock.Elapsed.TotalMilliseconds);
                    self.Refresh();
                    cpu[which] += self.TotalProcessorTime - before;
                }
            }

            string[] names = ["replies of changes", "whole replies"];
            for (var k = 0; k < 2; k++)
            {
                times[k].Sort();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{size} nodes x {SeriesPerNode:N0} series, {ChangePercent}% changing, {names[k]}: scrape median {times[k][times[k].Count / 2]:F1} ms, process CPU {cpu[k].TotalMilliseconds / scrapes:F1} ms per scrape, {scrapes} scrapes"));
            }
        }
        finally
        {
            await Task.WhenAll(systems.Select(s => s.Terminate()));
        }
    }

    private static ActorSystem Start(bool deltaReplies) => ActorSystem.Create("curve", ConfigurationFactory.ParseString($$"""
        akka.loglevel = ERROR
        akka.log-dead-letters = off
        akka.log-dead-letters-during-shutdown = off
        akka.actor.provider = cluster
        akka.remote.dot-netty.tcp.hostname = 127.0.0.1
        akka.remote.dot-netty.tcp.port = 0
        akka.remote.log-remote-lifecycle-events = off
        akka.cluster.gossip-interval = 200ms
        akka.cluster.leader-actions-interval = 200ms
        aggregator.collectors { process = off, runtime = off, meters = off, cluster = off }
        aggregator.collection-timeout = 20s
        aggregator.cluster.collection-timeout = 30s
        aggregator.cluster.delta-replies = {{(deltaReplies ? "on" : "off")}}
        """).WithFallback(AggregatorClusterSettings.DefaultConfig()));

    private static async Task ScrapeAsync(AggregatorClusterExtension cluster)
    {
        var reply = await cluster.CollectAsync();
        await ExpositionWriter.WriteAsync(reply.Snapshot, ExpositionFormat.Text, Stream.Null);
    }

    private static Task WaitAsync(Func<bool> condition, string what) => WaitAsync(() => Task.FromResult(condition()), what);

    private static async Task WaitAsync(Func<Task<bool>> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > Formation)
            {
                throw new TimeoutException($"Not reached within {Formation}: {what}.");
            }

            await Task.Delay(200);
        }
    }

    /// <summary>10,000 series; before answering each collection it increments the next slice of 1% of them.</summary>
    private sealed class ChangingWorker : MeteredReceiveActor
    {
        private readonly Counter.Child[] _series;
        private readonly int _changePerCollection;
        private int _next;

        public ChangingWorker(int series, double changePercent)
        {
            var requests = Metrics.Counter("load_requests_total", "Synthetic requests by path and method.", "path", "method");
            _series = new Counter.Child[series];
            for (var i = 0; i < series; i++)
            {
                _series[i] = requests.WithLabels("/api/items/" + i, (i % 4) switch { 0 => "GET", 1 => "POST", 2 => "PUT", _ => "DELETE" });
                _series[i].Inc(i % 100);
            }

            _changePerCollection = (int)Math.Round(series * changePercent / 100);
            Receive<string>(_ => Sender.Tell("ready"));
        }

        protected override bool AroundReceive(Receive receive, object message)
        {
            if (message is NodeCollectorProtocol.CollectSnapshot)
            {
                for (var i = 0; i < _changePerCollection; i++)
                {
                    _series[_next].Inc();
                    _next = (_next + 1) % _series.Length;
                }
            }

            return base.AroundReceive(receive, message);
        }
    }
}
