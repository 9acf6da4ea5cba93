using Akka.Actor;
using Aggregator.Actors;
using Aggregator.Cluster.Protocol;
using Aggregator.Tests.Support;

namespace Aggregator.Cluster.Tests.Collection;

/// <summary>
/// Which requests share a cluster-wide collection, and what each gets: two nodes in this process, each with slow
/// workers that answer every collection after a pause, so that collections overlap with the requests that follow.
/// </summary>
public sealed class ClusterFanOutSpec : IAsyncLifetime
{
    private readonly InProcessCluster _cluster = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _cluster.TerminateAllAsync();

    [Fact]
    public async Task A_pattern_with_a_newline_and_two_patterns_never_share_a_collection()
    {
        var (first, addresses, requests) = await StartAsync(TimeSpan.FromMilliseconds(300), "demo-1", "demo-2");
        var cluster = AggregatorClusterExtension.Get(first);
        var pair = new WorkerSelection(["demo-1", "demo-2"]);
        var newline = new WorkerSelection(["demo-1\ndemo-2"]);

        var replies = await Task.WhenAll(
            cluster.CollectAsync(workers: newline),
            cluster.CollectAsync(workers: pair),
            cluster.CollectAsync(workers: newline));

        Assert.Equal(addresses, replies[1].Answered.Order(StringComparer.Ordinal));
        Assert.Equal(
            [.. addresses.SelectMany(a => new[] { $"{a}/user/demo-1=1", $"{a}/user/demo-2=1" }).Order(StringComparer.Ordinal)],
            Render.SourceUp(replies[1].Snapshot, "worker"));
        Assert.Equal(4, Render.Value(replies[1].Snapshot, "slow"));
        foreach (var reply in new[] { replies[0], replies[2] })
        {
            // Every node answers, with no worker: no actor name holds a newline.
            Assert.Equal(addresses, reply.Answered.Order(StringComparer.Ordinal));
            Assert.Empty(Render.SourceUp(reply.Snapshot, "worker"));
            Assert.Null(reply.Snapshot.Find("slow"));
        }

        Assert.Equal(4, requests[0]);
    }

    [Fact]
    public async Task A_one_microsecond_requester_changes_nothing_for_a_concurrent_one_and_gets_its_partial_answer()
    {
        var (first, addresses, _) = await StartAsync(TimeSpan.FromMilliseconds(500), "slow");
        var cluster = AggregatorClusterExtension.Get(first);

        async Task Expect(Task<ClusterCollectorProtocol.CollectReply> tinyTask, Task<ClusterCollectorProtocol.CollectReply> normal)
        {
            Assert.Same(tinyTask, await Task.WhenAny(tinyTask, normal));
            var partial = await tinyTask;
            Assert.Empty(partial.Answered);
            Assert.Equal(addresses, partial.Missing.Order(StringComparer.Ordinal));
            Assert.Equal([.. addresses.Select(a => a + "=0")], Render.SourceUp(partial.Snapshot, "node"));

            var full = await normal;
            Assert.Equal(addresses, full.Answered.Order(StringComparer.Ordinal));
            Assert.Empty(full.Missing);
            Assert.Equal([.. addresses.Select(a => a + "/user/slow=1")], Render.SourceUp(full.Snapshot, "worker"));
            Assert.Equal(2, Render.Value(full.Snapshot, "slow"));
        }

        // The hurried request starts the collection and the normal one joins it; then the other way round.
        var tiny = cluster.CollectAsync(timeout: TimeSpan.FromMicroseconds(1));
        var normal = cluster.CollectAsync();
        await Expect(tiny, normal);

        normal = cluster.CollectAsync();
        tiny = cluster.CollectAsync(timeout: TimeSpan.FromMicroseconds(1));
        await Expect(tiny, normal);
    }

    [Fact]
    public async Task A_joiner_with_a_later_deadline_gets_an_answer_that_came_after_the_first_requesters_deadline()
    {
        var (first, addresses, requests) = await StartAsync(TimeSpan.FromSeconds(1), "late");
        var cluster = AggregatorClusterExtension.Get(first);

        var hurried = cluster.CollectAsync(timeout: TimeSpan.FromMilliseconds(300));
        await Task.Delay(100);
        var joiner = await cluster.CollectAsync(timeout: TimeSpan.FromSeconds(2));
        var partial = await hurried;

        Assert.Empty(partial.Answered);
        Assert.Equal(addresses, partial.Missing.Order(StringComparer.Ordinal));
        Assert.Equal(addresses, joiner.Answered.Order(StringComparer.Ordinal));
        Assert.Empty(joiner.Missing);
        Assert.Equal([.. addresses.Select(a => a + "/user/late=1")], Render.SourceUp(joiner.Snapshot, "worker"));
        Assert.Equal(2, Render.Value(joiner.Snapshot, "slow"));

        // It joined: each node's worker was asked once.
        Assert.Equal(2, requests[0]);
    }

    /// <summary>
    /// A frontend and a backend node, Up, each with the named slow workers; returns the first node, both addresses
    /// (sorted), and the count of the workers' requests from when every worker is known.
    /// </summary>
    private async Task<(ActorSystem First, string[] Addresses, int[] Requests)> StartAsync(TimeSpan pause, params string[] workers)
    {
        ActorSystem[] nodes = [_cluster.Start("frontend"), _cluster.Start("backend")];
        await InProcessCluster.JoinAsync(nodes[0], nodes[1]);
        var requests = new int[1];
        foreach (var node in nodes)
        {
            foreach (var name in workers)
            {
                node.ActorOf(Props.Create(() => new SlowCountingWorker(requests, pause)).WithDispatcher(SlowCountingWorker.OwnThread), name);
            }
        }

        // Registration is a message to each node collector: wait until every worker is known cluster-wide.
        var cluster = AggregatorClusterExtension.Get(nodes[0]);
        await InProcessCluster.WaitUntilAsync(
            async () => Render.SourceUp((await cluster.CollectAsync()).Snapshot, "worker").Count(s => s.EndsWith("=1", StringComparison.Ordinal)) == nodes.Length * workers.Length,
            "every worker answers");
        Interlocked.Exchange(ref requests[0], 0);
        return (nodes[0], [.. nodes.Select(InProcessCluster.AddressOf).Order(StringComparer.Ordinal)], requests);
    }
}
