using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster;
using Aggregator.Actors;
using Aggregator.Cluster.Collection;
using Aggregator.Cluster.Protocol;
using Aggregator.Metrics;
using Xunit.Abstractions;
using Aggregator.Tests.Support;

namespace Aggregator.Cluster.Tests.Collection;

/// <summary>
/// Three actor systems in this process form a cluster on 127.0.0.1; each runs two workers with a metric of every type
/// and gauge policy. Values: node n's worker w records 10n + w, so every rule has one right answer.
/// </summary>
public sealed class ClusterCollectionSpec : IAsyncLifetime
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(5);

    private readonly InProcessCluster _cluster = new();
    private readonly ITestOutputHelper _output;

    public ClusterCollectionSpec(ITestOutputHelper output) => _output = output;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _cluster.TerminateAllAsync();

    [Fact]
    public async Task Three_nodes_merge_by_every_rule_exactly()
    {
        var (nodes, _) = await StartThreeNodesAsync();
        var addresses = nodes.Select(InProcessCluster.AddressOf).ToArray();

        var fromFirst = await Collect(nodes[0]);
        var fromThird = await Collect(nodes[2]);

        var all = addresses
            .SelectMany((address, n) => new[] { ("/user/w1", address, 10 * (n + 1) + 1), ("/user/w2", address, 10 * (n + 1) + 2) })
            .OrderBy(s => s.Item1, StringComparer.Ordinal).ThenBy(s => s.address, StringComparer.Ordinal)
            .Select(s => $"queue_all{{worker=\"{s.Item1}\",node=\"{s.address}\"}} {s.Item3}\n");
        var expected = $$"""
            # HELP build_info Build
            # TYPE build_info gauge
            build_info{version="1.0"} 1
            build_info{version="2.0"} 1
            # HELP latency_seconds Latency
            # TYPE latency_seconds histogram
            latency_seconds_bucket{le="15.0"} 2
            latency_seconds_bucket{le="25.0"} 4
            latency_seconds_bucket{le="+Inf"} 6
            latency_seconds_count 6
            latency_seconds_sum 129
            # HELP queue_all All
            # TYPE queue_all gauge
            {{string.Concat(all)}}# HELP queue_max Max
            # TYPE queue_max gauge
            queue_max 32
            # HELP queue_min Min
            # TYPE queue_min gauge
            queue_min 11
            # HELP queue_recent Recent
            # TYPE queue_recent gauge
            queue_recent 12
            # HELP queue_sum Sum
            # TYPE queue_sum gauge
            queue_sum 129
            # HELP requests_total Requests handled
            # TYPE requests_total counter
            requests_total{code="200"} 129
            # HELP size_bytes Sizes
            # TYPE size_bytes summary
            size_bytes_count 6
            size_bytes_sum 1290

            """;
        Assert.Equal(expected, Render.UserFamilies(fromFirst.Snapshot));
        Assert.Equal(expected, Render.UserFamilies(fromThird.Snapshot));

        Assert.Equal(addresses.Order(StringComparer.Ordinal), fromFirst.Answered.Order(StringComparer.Ordinal));
        Assert.Empty(fromFirst.Missing);
        Assert.Equal([.. addresses.Order(StringComparer.Ordinal).Select(a => $"{a}=1")], Render.SourceUp(fromFirst.Snapshot, "node"));
        Assert.Equal(
            [.. addresses.SelectMany(a => new[] { $"{a}/user/w1=1", $"{a}/user/w2=1" }).Order(StringComparer.Ordinal)],
            Render.SourceUp(fromFirst.Snapshot, "worker"));
        Assert.Equal(
            ["cluster", "node"],
            fromFirst.Snapshot.Find("aggregator_collection_duration_seconds")!.Series.Select(s => s.LabelValues[0]));
    }

    [Fact]
    public async Task A_family_filter_travels_to_every_node_and_the_merge_holds_the_selected_families_alone()
    {
        var (nodes, _) = await StartThreeNodesAsync();
        var addresses = nodes.Select(InProcessCluster.AddressOf).Order(StringComparer.Ordinal).ToArray();
        var families = new FamilyFilter(["requests_total", "latency_seconds_count", "aggregator_source_up"]);

        var reply = await AggregatorClusterExtension.Get(nodes[0]).CollectAsync(null, null, null, families);

        Assert.Equal(["aggregator_source_up", "latency_seconds", "requests"], reply.Snapshot.Families.Select(f => f.Name));
        Assert.Equal("""
            # HELP latency_seconds Latency
            # TYPE latency_seconds histogram
            latency_seconds_bucket{le="15.0"} 2
            latency_seconds_bucket{le="25.0"} 4
            latency_seconds_bucket{le="+Inf"} 6
            latency_seconds_count 6
            latency_seconds_sum 129
            # HELP requests_total Requests handled
            # TYPE requests_total counter
            requests_total{code="200"} 129

            """, Render.UserFamilies(reply.Snapshot));
        Assert.Equal([.. addresses.Select(a => $"{a}=1")], Render.SourceUp(reply.Snapshot, "node"));
        Assert.Equal(
            [.. addresses.SelectMany(a => new[] { $"{a}/user/w1=1", $"{a}/user/w2=1" }).Order(StringComparer.Ordinal)],
            Render.SourceUp(reply.Snapshot, "worker"));

        // An unfiltered scrape right after still has every family: the filtered answers replaced only their own.
        var full = await Collect(nodes[0]);
        Assert.Equal(129, full.Snapshot.Find("queue_sum")!.Series.Single().Value);
        Assert.Equal(129, full.Snapshot.Find("requests")!.Series.Single().Value);
    }

    [Fact]
    public async Task Replies_of_changes_in_64_byte_chunks_carry_exactly_what_changed_between_scrapes()
    {
        var (nodes, workers) = await StartThreeNodesAsync("aggregator.cluster.reply-chunk-size = 64b");

        var first = await Collect(nodes[0]);
        var again = await Collect(nodes[0]);
        await workers[2][1].Ask<string>(new EveryTypeWorker.Record(100), AskTimeout);
        var changed = await Collect(nodes[0]);

        Assert.Equal(129, Render.Value(first.Snapshot, "requests"));
        Assert.Equal(Render.UserFamilies(first.Snapshot), Render.UserFamilies(again.Snapshot));
        Assert.Empty(again.Missing);

        // node3's w2 recorded 100 more: every rule sees it, and nothing else moved.
        Assert.Equal(229, Render.Value(changed.Snapshot, "requests"));
        Assert.Equal(100, Render.Value(changed.Snapshot, "queue_max"));
        Assert.Equal(197, Render.Value(changed.Snapshot, "queue_sum"));
        Assert.Equal(7, changed.Snapshot.Find("latency_seconds")!.Series.Single().Count);
        Assert.Equal(11, Render.Value(changed.Snapshot, "queue_min"));
        Assert.Empty(changed.Missing);
    }

    [Fact]
    public async Task Roles_addresses_and_workers_select_what_is_merged()
    {
        var (nodes, _) = await StartThreeNodesAsync();
        var a = nodes.Select(InProcessCluster.AddressOf).ToArray();

        async Task Expect(double? requests, string[] answered, NodeSelection selection, WorkerSelection? workers = null)
        {
            var reply = await Collect(nodes[0], selection, workers);
            Assert.Empty(reply.Missing);
            Assert.Equal(answered.Order(StringComparer.Ordinal), reply.Answered.Order(StringComparer.Ordinal));
            Assert.Equal([.. answered.Order(StringComparer.Ordinal).Select(x => $"{x}=1")], Render.SourceUp(reply.Snapshot, "node"));
            Assert.Equal(requests, reply.Snapshot.Find("requests")?.Series.Single().Value);
        }

        await Expect(106, [a[1], a[2]], new NodeSelection(roles: ["backend"]));
        await Expect(23, [a[0]], new NodeSelection(roles: ["frontend"]));
        await Expect(129, a, new NodeSelection(roles: ["frontend", "backend"]));
        await Expect(null, [], new NodeSelection(roles: ["nobody"]));
        await Expect(43, [a[1]], new NodeSelection(addresses: [a[1]]));
        await Expect(86, [a[0], a[2]], new NodeSelection(addresses: [a[2], a[0]]));
        await Expect(129, a, new NodeSelection(addresses: [$"akka.tcp://{InProcessCluster.SystemName}@127.0.0.1:*"]));
        await Expect(null, [], new NodeSelection(addresses: ["akka.tcp://other@127.0.0.1:*"]));
        await Expect(null, [], new NodeSelection(roles: ["backend"], addresses: [a[0]]));
        await Expect(63, [a[2]], new NodeSelection(roles: ["backend"], addresses: [a[2]]));
        await Expect(63, a, NodeSelection.All, new WorkerSelection(["w1"]));
        await Expect(43, [a[1]], new NodeSelection(addresses: [a[1]]), new WorkerSelection(["/user/w?"]));
    }

    [Fact]
    public async Task A_node_killed_during_a_scrape_is_missing_within_the_timeout_and_its_counters_stay()
    {
        var (nodes, workers) = await StartThreeNodesAsync();
        var victim = nodes[2];
        var victimAddress = InProcessCluster.AddressOf(victim);
        var before = await Collect(nodes[0]);
        Assert.Equal(3, before.Answered.Count);

        // The victim's node collector cannot answer before its worker is free again (1.5 s), and by then it is gone.
        workers[2][0].Tell(new EveryTypeWorker.Block(TimeSpan.FromMilliseconds(1500)));
        var clock = Stopwatch.StartNew();
        var scrape = Collect(nodes[0]);
        await Task.Delay(300);
        ((ExtendedActorSystem)victim).Abort();
        var during = await scrape;
        var elapsed = clock.Elapsed;
        _output.WriteLine($"scrape with the node killed during it: {elapsed.TotalMilliseconds:F0} ms (timeout {InProcessCluster.CollectionTimeout.TotalMilliseconds} ms)");

        Assert.True(elapsed < InProcessCluster.CollectionTimeout + TimeSpan.FromMilliseconds(500), $"took {elapsed}");
        Assert.Equal([victimAddress], during.Missing);
        Assert.Contains($"{victimAddress}=0", Render.SourceUp(during.Snapshot, "node"));
        Assert.Equal(2, Render.SourceUp(during.Snapshot, "node").Count(s => s.EndsWith("=1", StringComparison.Ordinal)));
        Render.NoCounterLower(before.Snapshot, during.Snapshot);
        Assert.Equal(129, Render.Value(during.Snapshot, "requests"));
        Assert.Equal(6, during.Snapshot.Find("latency_seconds")!.Series.Single().Count);

        // The victim's gauges are gone: only what the live nodes report now.
        Assert.Equal(66, Render.Value(during.Snapshot, "queue_sum"));
        Assert.Equal(22, Render.Value(during.Snapshot, "queue_max"));
        Assert.Equal(4, during.Snapshot.Find("queue_all")!.Series.Count);

        // Once it is unreachable it is not even asked: the scrape is quick, and still counts it.
        await InProcessCluster.WaitUntilAsync(
            () => Akka.Cluster.Cluster.Get(nodes[0]).State.Unreachable.Any(m => m.Address.ToString() == victimAddress),
            "the killed node is unreachable");
        clock.Restart();
        var unreachable = await Collect(nodes[0]);
        _output.WriteLine($"scrape with the killed node unreachable: {clock.Elapsed.TotalMilliseconds:F0} ms");

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"took {clock.Elapsed}");
        Assert.Equal([victimAddress], unreachable.Missing);
        Assert.Contains($"{victimAddress}=0", Render.SourceUp(unreachable.Snapshot, "node"));
        Render.NoCounterLower(during.Snapshot, unreachable.Snapshot);
        Assert.Equal(129, Render.Value(unreachable.Snapshot, "requests"));
    }

    [Fact]
    public async Task A_scrape_joining_a_longer_collection_answers_by_its_own_timeout()
    {
        var (nodes, workers) = await StartThreeNodesAsync();
        var slowAddress = InProcessCluster.AddressOf(nodes[2]);

        // node3 answers only after 2.4 s (80% of the 3 s cluster timeout), its blocked worker missing.
        workers[2][0].Tell(new EveryTypeWorker.Block(TimeSpan.FromSeconds(2.7)));
        var longClock = Stopwatch.StartNew();
        var longScrape = AggregatorClusterExtension.Get(nodes[0]).CollectAsync(timeout: InProcessCluster.CollectionTimeout);
        await Task.Delay(200);

        // Same selection, so it joins the collection in flight; but its own deadline (a Prometheus scrape timeout) is sooner.
        var shortClock = Stopwatch.StartNew();
        var shortReply = await AggregatorClusterExtension.Get(nodes[0]).CollectAsync(timeout: TimeSpan.FromMilliseconds(500));
        var shortElapsed = shortClock.Elapsed;
        var longReply = await longScrape;
        var longElapsed = longClock.Elapsed;
        _output.WriteLine($"short scrape (500 ms) joining: {shortElapsed.TotalMilliseconds:F0} ms; long scrape (3 s): {longElapsed.TotalMilliseconds:F0} ms");

        Assert.True(shortElapsed < TimeSpan.FromMilliseconds(900), $"the 500 ms scrape took {shortElapsed}");
        Assert.Equal([slowAddress], shortReply.Missing);
        Assert.Contains($"{slowAddress}=0", Render.SourceUp(shortReply.Snapshot, "node"));
        Assert.Equal(129, Render.Value(shortReply.Snapshot, "requests"));

        // The collection itself went on: node3 answered in time for the long scrape.
        Assert.True(longElapsed > TimeSpan.FromSeconds(2), $"the long scrape took {longElapsed}");
        Assert.Empty(longReply.Missing);
        Assert.Equal(3, longReply.Answered.Count);
        Assert.Equal(129, Render.Value(longReply.Snapshot, "requests"));
    }

    [Fact]
    public async Task A_node_that_leaves_gracefully_keeps_its_counters_and_drops_its_gauges()
    {
        var (nodes, workers) = await StartThreeNodesAsync();
        var leaver = nodes[2];
        var leaverAddress = InProcessCluster.AddressOf(leaver);
        var before = await Collect(nodes[0]);

        Akka.Cluster.Cluster.Get(leaver).Leave(Akka.Cluster.Cluster.Get(leaver).SelfAddress);

        // Every scrape while it leaves (Leaving, Exiting, then Removed) keeps its counters.
        var scrapes = 0;
        ClusterCollectorProtocol.CollectReply after;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            after = await Collect(nodes[0]);
            scrapes++;
            Render.NoCounterLower(before.Snapshot, after.Snapshot);
            if (!Render.SourceUp(after.Snapshot, "node").Any(s => s.StartsWith(leaverAddress + "=", StringComparison.Ordinal)))
            {
                break;
            }

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), "the node was never removed");
            await Task.Delay(100);
        }

        _output.WriteLine($"removed after {clock.Elapsed.TotalMilliseconds:F0} ms and {scrapes} scrapes");
        Assert.DoesNotContain(Akka.Cluster.Cluster.Get(nodes[0]).State.Members, m => m.Address.ToString() == leaverAddress);
        Assert.Empty(after.Missing);
        Assert.Equal(2, after.Answered.Count);
        Assert.Equal(129, Render.Value(after.Snapshot, "requests"));
        Assert.Equal(6, after.Snapshot.Find("latency_seconds")!.Series.Single().Count);
        Assert.Equal(1290, after.Snapshot.Find("size_bytes")!.Series.Single().Sum);
        Assert.Equal(66, Render.Value(after.Snapshot, "queue_sum"));
        Assert.Equal(22, Render.Value(after.Snapshot, "queue_max"));
        Assert.Equal(11, Render.Value(after.Snapshot, "queue_min"));
        Assert.DoesNotContain(after.Snapshot.Find("queue_all")!.Series, s => s.LabelValues.Contains(leaverAddress));
        Assert.Equal(4, after.Snapshot.Find("queue_all")!.Series.Count);

        // The departed node's counters stay under what the others go on counting.
        await workers[0][0].Ask<string>(new EveryTypeWorker.Record(100), AskTimeout);
        var later = await Collect(nodes[0]);
        Assert.Equal(229, Render.Value(later.Snapshot, "requests"));
        Assert.Equal(7, later.Snapshot.Find("latency_seconds")!.Series.Single().Count);
    }

    [Fact]
    public async Task Members_that_never_saw_a_departure_answer_with_the_same_totals()
    {
        var (nodes, _) = await StartThreeNodesAsync();
        await Collect(nodes[1]);
        var leaver = nodes[2];
        Akka.Cluster.Cluster.Get(leaver).Leave(Akka.Cluster.Cluster.Get(leaver).SelfAddress);
        await InProcessCluster.WaitUntilAsync(
            () => Akka.Cluster.Cluster.Get(nodes[0]).State.Members.Count == 2,
            "the leaver is removed");

        // A member joining after the departure never asked the leaver: it reads the replicated totals.
        var late = _cluster.Start("backend");
        Akka.Cluster.Cluster.Get(late).Join(Akka.Cluster.Cluster.Get(nodes[0]).SelfAddress);
        await InProcessCluster.WaitUntilAsync(
            async () => await TryRequests(late) == 129,
            "the late member counts the departed member's requests",
            () => $"late member answers {TryRequests(late).Result}");
        Assert.Equal(129, Render.Value((await Collect(nodes[0])).Snapshot, "requests"));
        Assert.Equal(129, Render.Value((await Collect(nodes[1])).Snapshot, "requests"));

        // Then a member the others scraped leaves as well: every remaining member agrees, and nothing went down.
        Akka.Cluster.Cluster.Get(nodes[1]).Leave(Akka.Cluster.Cluster.Get(nodes[1]).SelfAddress);
        await InProcessCluster.WaitUntilAsync(
            async () => await TryRequests(late) == 129 && await TryRequests(nodes[0]) == 129
                && Akka.Cluster.Cluster.Get(late).State.Members.Count == 2,
            "both remaining members count both departed members",
            () => $"late {TryRequests(late).Result}, first {TryRequests(nodes[0]).Result}");
    }

    [Fact]
    public async Task Departed_members_fold_per_role_set_after_the_retention_and_no_total_changes()
    {
        const string ShortRetention = "aggregator.cluster.departed-retention = 2s";
        var (nodes, _) = await StartThreeNodesAsync(ShortRetention);
        var backend = new NodeSelection(roles: ["backend"]);
        await Collect(nodes[1]);
        var leaver = nodes[2];
        Akka.Cluster.Cluster.Get(leaver).Leave(Akka.Cluster.Cluster.Get(leaver).SelfAddress);
        await InProcessCluster.WaitUntilAsync(
            async () => await TryRequests(nodes[0]) == 129 && Akka.Cluster.Cluster.Get(nodes[0]).State.Members.Count == 2,
            "the leaver is removed and counted");
        var backendBefore = Render.Value((await Collect(nodes[0], backend)).Snapshot, "requests");

        // The oldest member folds the departed incarnation into the total of its role set, on every replica.
        await InProcessCluster.WaitUntilAsync(
            async () => (await Ledger(nodes[0])) is { Members.Count: 0, Folds.Count: 1 } && (await Ledger(nodes[1])) is { Members.Count: 0, Folds.Count: 1 },
            "the departed member is folded on both replicas",
            () => $"first {Ledger(nodes[0]).Result}, second {Ledger(nodes[1]).Result}");
        var fold = Assert.Single((await Ledger(nodes[0])).Folds.Values);
        Assert.Equal(["backend"], fold.Roles);

        var late = _cluster.Start("backend", extraConfig: ShortRetention);
        Akka.Cluster.Cluster.Get(late).Join(Akka.Cluster.Cluster.Get(nodes[0]).SelfAddress);
        await InProcessCluster.WaitUntilAsync(async () => await TryRequests(late) == 129, "the late member counts the fold");
        Assert.Equal(129, Render.Value((await Collect(nodes[0])).Snapshot, "requests"));
        Assert.Equal(129, Render.Value((await Collect(nodes[1])).Snapshot, "requests"));
        Assert.Equal(backendBefore, Render.Value((await Collect(nodes[0], backend)).Snapshot, "requests"));
        Assert.Equal(backendBefore, Render.Value((await Collect(late, backend)).Snapshot, "requests"));
    }

    [Fact]
    public async Task After_a_node_leaves_each_selection_keeps_exactly_its_own_past()
    {
        var (nodes, _) = await StartThreeNodesAsync();
        var leaver = nodes[2];
        var leaverAddress = InProcessCluster.AddressOf(leaver);
        var w1 = new WorkerSelection(["w1"]);
        async Task<double?> Requests(NodeSelection? selection = null, WorkerSelection? workers = null) =>
            (await Collect(nodes[0], selection, workers)).Snapshot.Find("requests")?.Series.Single().Value;

        // Every worker, then w1 only: the last thing the leaving node answers is its w1's counters.
        Assert.Equal(129, await Requests());
        Assert.Equal(106, await Requests(new NodeSelection(roles: ["backend"])));
        Assert.Equal(23, await Requests(new NodeSelection(roles: ["frontend"])));
        Assert.Equal(63, await Requests(workers: w1));

        Akka.Cluster.Cluster.Get(leaver).Leave(Akka.Cluster.Cluster.Get(leaver).SelfAddress);
        await InProcessCluster.WaitUntilAsync(
            () => Akka.Cluster.Cluster.Get(nodes[0]).State.Members.All(m => m.Address.ToString() != leaverAddress),
            "the leaving node is removed");

        // Scrapes of every worker while the collector may still see it exiting: it is not asked then.
        await InProcessCluster.WaitUntilAsync(
            async () => !Render.SourceUp((await Collect(nodes[0])).Snapshot, "node").Any(s => s.StartsWith(leaverAddress + "=", StringComparison.Ordinal)),
            "the collector retires the removed node");

        Assert.Equal(129, await Requests());
        Assert.Equal(63, await Requests(workers: w1));
        Assert.Equal(106, await Requests(new NodeSelection(roles: ["backend"])));
        Assert.Equal(23, await Requests(new NodeSelection(roles: ["frontend"])));
        Assert.Equal(11, await Requests(new NodeSelection(roles: ["frontend"]), w1));
        Assert.Equal(63, await Requests(new NodeSelection(addresses: [leaverAddress])));
    }

    [Fact]
    public async Task A_node_that_joins_later_appears_in_the_next_scrape()
    {
        var first = _cluster.Start("frontend");
        var second = _cluster.Start("backend");
        await InProcessCluster.JoinAsync(first, second);
        await StartWorkersAsync(first, 1, "1.0");
        await StartWorkersAsync(second, 2, "1.0");
        var before = await Collect(first);
        Assert.Equal(2, before.Answered.Count);
        Assert.Equal(66, Render.Value(before.Snapshot, "requests"));

        var late = _cluster.Start("backend");
        await StartWorkersAsync(late, 3, "2.0");
        var lateAddress = InProcessCluster.AddressOf(late);
        Akka.Cluster.Cluster.Get(late).Join(Akka.Cluster.Cluster.Get(first).SelfAddress);
        await InProcessCluster.WaitUntilAsync(
            () => Akka.Cluster.Cluster.Get(first).State.Members.Any(m => m.Address.ToString() == lateAddress && m.Status == MemberStatus.Up),
            "the first node sees the late node Up");

        var next = await Collect(first);

        Assert.Equal(3, next.Answered.Count);
        Assert.Contains(lateAddress, next.Answered);
        Assert.Empty(next.Missing);
        Assert.Contains($"{lateAddress}=1", Render.SourceUp(next.Snapshot, "node"));
        Assert.Equal(129, Render.Value(next.Snapshot, "requests"));
        Assert.Equal(2, next.Snapshot.Find("build")!.Series.Count);
    }

    private static Task<ClusterCollectorProtocol.CollectReply> Collect(ActorSystem node, NodeSelection? nodes = null, WorkerSelection? workers = null) =>
        AggregatorClusterExtension.Get(node).CollectAsync(nodes, workers);

    /// <summary>Starts w1 and w2 on <paramref name="node"/>, recording 10n + 1 and 10n + 2, a few ms apart (most recent: the last).</summary>
    private static async Task<IActorRef[]> StartWorkersAsync(ActorSystem node, int n, string version)
    {
        var workers = new IActorRef[2];
        for (var w = 1; w <= 2; w++)
        {
            workers[w - 1] = node.ActorOf(Props.Create(() => new EveryTypeWorker(version)), $"w{w}");
            await workers[w - 1].Ask<string>(new EveryTypeWorker.Record((10 * n) + w), AskTimeout);
            await Task.Delay(5);
        }

        return workers;
    }

    /// <summary>
    /// node1 (frontend), node2 and node3 (backend, node3 at version 2.0), Up; workers record in the order node3, node2,
    /// node1, so the most recent value is node1's w2 (12).
    /// </summary>
    private async Task<(ActorSystem[] Nodes, IActorRef[][] Workers)> StartThreeNodesAsync(string extraConfig = "")
    {
        ActorSystem[] nodes = [_cluster.Start("frontend", extraConfig: extraConfig), _cluster.Start("backend", extraConfig: extraConfig), _cluster.Start("backend", extraConfig: extraConfig)];
        var clock = Stopwatch.StartNew();
        await InProcessCluster.JoinAsync(nodes[0], nodes[1], nodes[2]);
        _output.WriteLine($"cluster of 3 Up in {clock.ElapsedMilliseconds} ms");

        var workers = new IActorRef[3][];
        for (var n = 3; n >= 1; n--)
        {
            workers[n - 1] = await StartWorkersAsync(nodes[n - 1], n, n == 3 ? "2.0" : "1.0");
        }

        // Registration is a message to each node collector: wait until every worker is known cluster-wide.
        await InProcessCluster.WaitUntilAsync(
            async () => Render.SourceUp((await Collect(nodes[0])).Snapshot, "worker").Count(s => s.EndsWith("=1", StringComparison.Ordinal)) == 6,
            "every worker answers");
        return (nodes, workers);
    }

    // The merged requests counter, or -1 while the member answers nothing yet (not Up, or not yet ready).
    private static async Task<double> TryRequests(ActorSystem node)
    {
        try
        {
            return Render.Value((await Collect(node)).Snapshot, "requests");
        }
        catch (Exception error) when (error is ClusterStateNotReadyException or AskTimeoutException)
        {
            return -1;
        }
    }

    // What the node's replica of the departed members' totals holds now.
    private static async Task<DepartedLedger.Ledger> Ledger(ActorSystem node)
    {
        var data = await Akka.DistributedData.DistributedData.Get(node).GetAsync(DepartedLedger.Key, Akka.DistributedData.ReadLocal.Instance);
        return data is null ? DepartedLedger.Ledger.Empty : DepartedLedger.Read(data);
    }
}
