using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using Aggregator.Tests.Support;

namespace Aggregator.Cluster.Tests.Collection;

/// <summary>
/// Actor systems of one cluster inside the test process, on 127.0.0.1 and port 0, with fast gossip. Every system it
/// started is terminated by TerminateAllAsync, whatever state the test left it in.
/// </summary>
public sealed class InProcessCluster
{
    public const string SystemName = "agg";

    private static readonly TimeSpan FormationTimeout = TimeSpan.FromSeconds(20);

    private readonly List<ActorSystem> _systems = [];

    /// <summary>The cluster-wide collection timeout every node is configured with.</summary>
    public static TimeSpan CollectionTimeout { get; } = TimeSpan.FromSeconds(3);

    /// <summary>Starts a node with <paramref name="role"/> and its Aggregator (node and cluster collectors); it has not joined yet.</summary>
    /// <param name="role">The node's cluster role.</param>
    /// <param name="processCollector">Whether the process collector runs (off by default: it reports machine figures).</param>
    /// <param name="extraConfig">HOCON that overrides the defaults here, for a spec that needs other settings.</param>
    public ActorSystem Start(string role, bool processCollector = false, string extraConfig = "")
    {
        var config = ConfigurationFactory.ParseString(extraConfig).WithFallback(ConfigurationFactory.ParseString($$"""
            akka.loglevel = ERROR
            akka.log-dead-letters = off
            akka.log-dead-letters-during-shutdown = off
            akka.actor.provider = cluster
            akka.remote.dot-netty.tcp.hostname = 127.0.0.1
            akka.remote.dot-netty.tcp.port = 0
            akka.remote.log-remote-lifecycle-events = off
            akka.cluster.roles = ["{{role}}"]
            akka.cluster.gossip-interval = 200ms
            akka.cluster.leader-actions-interval = 200ms
            # Terminating a system (test teardown, a hard kill) does not leave the cluster first.
            akka.coordinated-shutdown.run-by-actor-system-terminate = off
            aggregator.cluster.collection-timeout = {{(int)CollectionTimeout.TotalMilliseconds}}ms
            # The exact-value specs compare whole expositions: the built-in collectors report machine figures.
            aggregator.collectors { process = {{(processCollector ? "on" : "off")}}, runtime = off, meters = off, cluster = off }
            """)).WithFallback(AggregatorClusterSettings.DefaultConfig());
        var system = ActorSystem.Create(SystemName, config);
        lock (_systems)
        {
            _systems.Add(system);
        }

        AggregatorClusterExtension.Get(system);
        return system;
    }

    /// <summary>The address of <paramref name="system"/>, as collections report it.</summary>
    public static string AddressOf(ActorSystem system) => Akka.Cluster.Cluster.Get(system).SelfAddress.ToString();

    /// <summary>Joins every node to <paramref name="seed"/> (itself included) and waits until every node sees them all Up.</summary>
    public static async Task JoinAsync(ActorSystem seed, params ActorSystem[] nodes)
    {
        var seedAddress = Akka.Cluster.Cluster.Get(seed).SelfAddress;
        Akka.Cluster.Cluster.Get(seed).Join(seedAddress);
        foreach (var node in nodes)
        {
            Akka.Cluster.Cluster.Get(node).Join(seedAddress);
        }

        ActorSystem[] all = [seed, .. nodes];
        await WaitUntilAsync(
            () => all.All(s => s.WhenTerminated.IsCompleted || AllUp(s, all.Length)),
            "every node sees the others Up",
            () => string.Join("; ", all.Select(s => $"{AddressOf(s)} sees {string.Join(", ", Akka.Cluster.Cluster.Get(s).State.Members.Select(m => $"{m.Address.Port}:{m.Status}"))}")));
    }

    /// <summary>Polls <paramref name="condition"/> every 50 ms until it holds, failing after the formation timeout.</summary>
    public static Task WaitUntilAsync(Func<bool> condition, string what, Func<string>? state = null, TimeSpan? timeout = null) =>
        WaitUntilAsync(() => Task.FromResult(condition()), what, state, timeout);

    /// <summary>Polls <paramref name="condition"/> every 50 ms until it holds, failing after the formation timeout.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, Func<string>? state = null, TimeSpan? timeout = null)
    {
        var clock = Stopwatch.StartNew();
        var limit = timeout ?? FormationTimeout;
        while (!await condition())
        {
            if (clock.Elapsed > limit)
            {
                Assert.Fail($"Not true after {limit}: {what}. {state?.Invoke()}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Terminates every system started here, waiting up to 15 s for each.</summary>
    public async Task TerminateAllAsync()
    {
        ActorSystem[] systems;
        lock (_systems)
        {
            systems = [.. _systems];
            _systems.Clear();
        }

        await Task.WhenAll(systems.Select(async system =>
        {
            try
            {
                await system.Terminate().WaitAsync(TimeSpan.FromSeconds(15));
            }
            catch (TimeoutException)
            {
                // Nothing more can be done in-process; the test run must not hang on it.
            }
        }));
    }

    private static bool AllUp(ActorSystem system, int count)
    {
        var members = Akka.Cluster.Cluster.Get(system).State.Members;
        return members.Count == count && members.All(m => m.Status == MemberStatus.Up);
    }
}
