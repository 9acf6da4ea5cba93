using System.Diagnostics;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Aggregator.Actors.Protocol;
using Aggregator.Metrics;
using Aggregator.Tests.Support;

namespace Aggregator.Actors.Tests.Collection;

public sealed class NodeCollectorSpec : TestKit
{
    private const string Config = """
        akka.loglevel = WARNING
        akka.log-dead-letters = off
        aggregator.collection-timeout = 3s
        aggregator.collectors { process = off, runtime = off, meters = off }
        """;

    public NodeCollectorSpec()
        : base(Config)
    {
    }

    private AggregatorExtension Aggregator => AggregatorExtension.Get(Sys);

    private string Address => Aggregator.Address.ToString();

    [Fact]
    public async Task Eight_workers_merge_by_every_rule()
    {
        for (var i = 1; i <= 8; i++)
        {
            var worker = Sys.ActorOf(Props.Create<EveryTypeWorker>(), $"w{i}");
            await worker.Ask<string>(i, TimeSpan.FromSeconds(3));
        }

        var reply = await Aggregator.CollectAsync();

        Assert.Equal(EveryTypeWorker.EightWorkersText, Render.UserFamilies(reply.Snapshot));
        Assert.Equal([.. Enumerable.Range(1, 8).Select(i => $"{Address}/user/w{i}=1")], Render.SourceUp(reply.Snapshot));
        Assert.Empty(reply.Missing);
    }

    [Fact]
    public async Task A_blocked_worker_is_reported_missing_and_its_late_reply_is_never_merged()
    {
        // Blocked on a thread of its own: a sleeping thread-pool thread on a 2-core machine would delay everyone's
        // continuations and timers, which is not what this spec is about.
        var healthy = Sys.ActorOf(Props.Create<CounterWorker>(), "healthy");
        await healthy.Ask<string>(new CounterWorker.Add(1), TimeSpan.FromSeconds(3));

        // One collection first, before the blocked worker exists (so that it has still never answered): the deadline is
        // about the blocked worker, not about compiling the collection path, which a CI run's first collection overran
        // by 47 ms on these 2 cores.
        await Aggregator.CollectAsync();
        var blocked = Sys.ActorOf(Props.Create<CounterWorker>().WithDispatcher(SlowCountingWorker.OwnThread), "blocked");
        await blocked.Ask<string>(new CounterWorker.Add(5), TimeSpan.FromSeconds(3));
        blocked.Tell(new CounterWorker.Block(TimeSpan.FromSeconds(10)));

        var clock = Stopwatch.StartNew();
        var partial = await Aggregator.CollectAsync(timeout: TimeSpan.FromMilliseconds(500));
        var elapsed = clock.Elapsed;

        Assert.True(elapsed < TimeSpan.FromMilliseconds(600), $"took {elapsed}, collection {partial.Snapshot.Find("aggregator_collection_duration_seconds")!.Series[0].Value}");
        Assert.Equal([$"{Address}/user/blocked=0", $"{Address}/user/healthy=1"], Render.SourceUp(partial.Snapshot));
        Assert.Equal([$"{Address}/user/blocked"], partial.Missing);

        // The healthy worker's value; the blocked one has never answered, so it has nothing retained yet.
        Assert.Equal(1, Render.Value(partial.Snapshot, "jobs"));

        // Queued behind the block: the late answer to the first collection (value 5) comes before this increment,
        // the answer to the next collection after it (value 105).
        blocked.Tell(new CounterWorker.Add(100));
        var next = await Aggregator.CollectAsync(timeout: TimeSpan.FromSeconds(15));

        Assert.Equal(106, Render.Value(next.Snapshot, "jobs"));
        Assert.Equal([$"{Address}/user/blocked=1", $"{Address}/user/healthy=1"], Render.SourceUp(next.Snapshot));
    }

    [Fact]
    public async Task Twenty_concurrent_collections_cause_one_fan_out()
    {
        var requests = new int[1];
        for (var i = 0; i < 3; i++)
        {
            Sys.ActorOf(Props.Create(() => new SlowCountingWorker(requests, TimeSpan.FromMilliseconds(300))), $"slow{i}");
        }

        // Registration is a message to the collector: make sure all three are known before collecting.
        await AwaitAssertAsync(async () => Assert.Equal(3, (await Aggregator.CollectAsync()).Answered.Count));
        Interlocked.Exchange(ref requests[0], 0);

        var replies = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Aggregator.CollectAsync()));

        Assert.Equal(3, requests[0]);
        Assert.All(replies, r => Assert.Same(replies[0], r));
        Assert.Equal(3, Render.Value(replies[0].Snapshot, "slow"));
    }

    [Fact]
    public async Task A_pattern_with_a_newline_and_two_patterns_never_share_a_collection()
    {
        var requests = await StartSlowWorkersAsync(TimeSpan.FromMilliseconds(300), "demo-1", "demo-2");
        var pair = new WorkerSelection(["demo-1", "demo-2"]);
        var newline = new WorkerSelection(["demo-1\ndemo-2"]);

        // The pair's collection waits for its slow workers while the other selection's requests arrive, before and after it.
        var replies = await Task.WhenAll(Aggregator.CollectAsync(newline), Aggregator.CollectAsync(pair), Aggregator.CollectAsync(newline));

        Assert.Equal([$"{Address}/user/demo-1", $"{Address}/user/demo-2"], replies[1].Answered.Order(StringComparer.Ordinal));
        Assert.Equal([$"{Address}/user/demo-1=1", $"{Address}/user/demo-2=1"], Render.SourceUp(replies[1].Snapshot));
        Assert.Equal(2, Render.Value(replies[1].Snapshot, "slow"));
        foreach (var reply in new[] { replies[0], replies[2] })
        {
            // No actor name holds a newline: that selection has no workers.
            Assert.Empty(reply.Answered);
            Assert.Empty(reply.Missing);
            Assert.Null(reply.Snapshot.Find("slow"));
        }

        Assert.Equal(2, requests[0]);
    }

    [Fact]
    public async Task A_worker_whose_families_did_not_change_answers_with_its_previous_snapshot()
    {
        var worker = Sys.ActorOf(Props.Create<CounterWorker>(), "unchanged");
        await worker.Ask<string>(new CounterWorker.Add(2), TimeSpan.FromSeconds(3));

        var first = await worker.Ask<NodeCollectorProtocol.CollectSnapshotReply>(new NodeCollectorProtocol.CollectSnapshot(1), TimeSpan.FromSeconds(3));
        var second = await worker.Ask<NodeCollectorProtocol.CollectSnapshotReply>(new NodeCollectorProtocol.CollectSnapshot(2), TimeSpan.FromSeconds(3));
        await worker.Ask<string>(new CounterWorker.Add(3), TimeSpan.FromSeconds(3));
        var third = await worker.Ask<NodeCollectorProtocol.CollectSnapshotReply>(new NodeCollectorProtocol.CollectSnapshot(3), TimeSpan.FromSeconds(3));

        Assert.Equal((1, 2, 3), (first.RequestId, second.RequestId, third.RequestId));
        Assert.Same(first.Snapshot, second.Snapshot);
        Assert.NotSame(second.Snapshot, third.Snapshot);
        Assert.Equal(2.0, second.Snapshot.Find("jobs")!.Series.Single().Value);
        Assert.Equal(5.0, third.Snapshot.Find("jobs")!.Series.Single().Value);
    }

    [Fact]
    public async Task A_family_filter_reaches_the_workers_which_answer_the_selected_families_alone()
    {
        var probe = CreateTestProbe();
        Aggregator.NodeCollector.Tell(new NodeCollectorProtocol.RegisterWorker(probe.Ref), probe.Ref);
        var families = new FamilyFilter(["latency_seconds_bucket", "queue_max"]);

        var reply = Aggregator.CollectAsync(WorkerSelection.All, TimeSpan.FromSeconds(3), families);
        var asked = probe.ExpectMsg<NodeCollectorProtocol.CollectSnapshot>();

        Assert.Equal(families, asked.Families);

        // The probe answers from a registry of its own, filtered as asked.
        var worker = Registry(8);
        probe.Reply(new NodeCollectorProtocol.CollectSnapshotReply(asked.RequestId, worker.Collect(asked.Families!)));

        var snapshot = (await reply).Snapshot;
        Assert.Equal(["latency_seconds", "queue_max"], snapshot.Families.Select(f => f.Name));
        Assert.Equal("""
            # HELP latency_seconds Latency
            # TYPE latency_seconds histogram
            latency_seconds_bucket{le="2.0"} 0
            latency_seconds_bucket{le="5.0"} 0
            latency_seconds_bucket{le="+Inf"} 1
            latency_seconds_count 1
            latency_seconds_sum 8
            # HELP queue_max Max
            # TYPE queue_max gauge
            queue_max 8

            """, Render.UserFamilies(snapshot));
    }

    [Fact]
    public async Task An_unfiltered_request_asks_for_every_family_and_a_filtered_one_never_shares_its_collection()
    {
        var probe = CreateTestProbe();
        Aggregator.NodeCollector.Tell(new NodeCollectorProtocol.RegisterWorker(probe.Ref), probe.Ref);

        var unfiltered = Aggregator.CollectAsync(WorkerSelection.All, TimeSpan.FromSeconds(3));
        var filtered = Aggregator.CollectAsync(WorkerSelection.All, TimeSpan.FromSeconds(3), new FamilyFilter(["queue_max"]));
        var first = probe.ExpectMsg<NodeCollectorProtocol.CollectSnapshot>();
        var firstAsker = probe.LastSender;
        var second = probe.ExpectMsg<NodeCollectorProtocol.CollectSnapshot>();
        var secondAsker = probe.LastSender;

        Assert.Null(first.Families);
        Assert.Equal(new FamilyFilter(["queue_max"]), second.Families);
        Assert.NotEqual(first.RequestId, second.RequestId);
        var worker = Registry(3);
        firstAsker.Tell(new NodeCollectorProtocol.CollectSnapshotReply(first.RequestId, worker.Collect()), probe.Ref);
        secondAsker.Tell(new NodeCollectorProtocol.CollectSnapshotReply(second.RequestId, worker.Collect(second.Families!)), probe.Ref);

        Assert.Contains("requests", (await unfiltered).Snapshot.Families.Select(f => f.Name));
        Assert.Equal(["queue_max"], (await filtered).Snapshot.Families.Select(f => f.Name));
    }

    [Fact]
    public async Task A_one_microsecond_requester_changes_nothing_for_a_concurrent_one_and_gets_its_partial_answer()
    {
        await StartSlowWorkersAsync(TimeSpan.FromMilliseconds(500), "slow1", "slow2", "slow3");
        string[] all = [$"{Address}/user/slow1", $"{Address}/user/slow2", $"{Address}/user/slow3"];

        async Task Expect(Task<NodeCollectorProtocol.CollectReply> tinyTask, Task<NodeCollectorProtocol.CollectReply> normal)
        {
            Assert.Same(tinyTask, await Task.WhenAny(tinyTask, normal));
            var partial = await tinyTask;
            Assert.Empty(partial.Answered);
            Assert.Equal(all, partial.Missing.Order(StringComparer.Ordinal));
            Assert.Equal([.. all.Select(w => w + "=0")], Render.SourceUp(partial.Snapshot));

            var full = await normal;
            Assert.Equal(all, full.Answered.Order(StringComparer.Ordinal));
            Assert.Empty(full.Missing);
            Assert.Equal([.. all.Select(w => w + "=1")], Render.SourceUp(full.Snapshot));
            Assert.Equal(3, Render.Value(full.Snapshot, "slow"));
        }

        // The hurried request starts the collection and the normal one joins it; then the other way round.
        var tiny = Aggregator.CollectAsync(timeout: TimeSpan.FromMicroseconds(1));
        var normal = Aggregator.CollectAsync();
        await Expect(tiny, normal);

        normal = Aggregator.CollectAsync();
        tiny = Aggregator.CollectAsync(timeout: TimeSpan.FromMicroseconds(1));
        await Expect(tiny, normal);
    }

    [Fact]
    public async Task A_joiner_with_a_later_deadline_gets_an_answer_that_came_after_the_first_requesters_deadline()
    {
        var requests = await StartSlowWorkersAsync(TimeSpan.FromSeconds(1), "late");
        var late = $"{Address}/user/late";

        var hurried = Aggregator.CollectAsync(timeout: TimeSpan.FromMilliseconds(300));
        await Task.Delay(100);
        var joiner = await Aggregator.CollectAsync(timeout: TimeSpan.FromSeconds(2));
        var first = await hurried;

        Assert.Empty(first.Answered);
        Assert.Equal([late], first.Missing);
        Assert.Equal([late], joiner.Answered);
        Assert.Empty(joiner.Missing);
        Assert.Equal(1, Render.Value(joiner.Snapshot, "slow"));

        // It joined: the worker was asked once.
        Assert.Equal(1, requests[0]);
    }

    [Fact]
    public async Task A_joiner_whose_deadline_is_past_the_asks_starts_a_new_collection_and_the_first_still_serves_its_own()
    {
        var requests = await StartSlowWorkersAsync(TimeSpan.FromSeconds(1), "late");
        var late = $"{Address}/user/late";

        // The first collection's asks close after 3.3 s (the configured 3 s, and a tenth). The worker answers its ask
        // after 1 s and the second collection's ask after 2 s.
        var hurried = Aggregator.CollectAsync(timeout: TimeSpan.FromMilliseconds(300));
        await Task.Delay(100);
        var patient = Aggregator.CollectAsync(timeout: TimeSpan.FromSeconds(2));
        await Task.Delay(100);
        var beyond = Aggregator.CollectAsync(timeout: TimeSpan.FromSeconds(8));
        await Task.Delay(100);

        // This one could have had the first collection's answer in time; it joins the newest, and times out first.
        var afterBeyond = Aggregator.CollectAsync(timeout: TimeSpan.FromSeconds(1));
        var replies = await Task.WhenAll(hurried, patient, beyond, afterBeyond);

        Assert.Equal([late], replies[0].Missing);
        Assert.Equal([late], replies[1].Answered);
        Assert.Equal([late], replies[2].Answered);
        Assert.Equal(1, Render.Value(replies[2].Snapshot, "slow"));
        Assert.Equal([late], replies[3].Missing);
        Assert.Equal(2, requests[0]);
    }

    [Fact]
    public async Task Merged_counters_never_decrease_across_a_restart_and_a_stop()
    {
        var restarting = Sys.ActorOf(Props.Create<CounterWorker>(), "restarting");
        var stopping = Sys.ActorOf(Props.Create<CounterWorker>(), "stopping");
        await restarting.Ask<string>(new CounterWorker.Add(5), TimeSpan.FromSeconds(3));
        await stopping.Ask<string>(new CounterWorker.Add(7), TimeSpan.FromSeconds(3));
        var seen = new List<double> { Render.Value((await Aggregator.CollectAsync()).Snapshot, "jobs") };

        restarting.Tell("fail");
        await restarting.Ask<string>(new CounterWorker.Add(1), TimeSpan.FromSeconds(3));
        seen.Add(Render.Value((await Aggregator.CollectAsync()).Snapshot, "jobs"));

        Watch(stopping);
        Sys.Stop(stopping);
        ExpectTerminated(stopping);
        seen.Add(Render.Value((await Aggregator.CollectAsync()).Snapshot, "jobs"));

        await restarting.Ask<string>(new CounterWorker.Add(2), TimeSpan.FromSeconds(3));
        seen.Add(Render.Value((await Aggregator.CollectAsync()).Snapshot, "jobs"));

        Assert.Equal([12.0, 13, 13, 15], seen);
    }

    [Fact]
    public async Task A_selection_per_request_merges_exactly_the_selected_workers()
    {
        var orders = Sys.ActorOf(Props.Empty, "orders");
        for (var i = 1; i <= 3; i++)
        {
            var worker = Sys.ActorOf(Props.Create<CounterWorker>(), $"orders-{i}");
            await worker.Ask<string>(new CounterWorker.Add(i), TimeSpan.FromSeconds(3));
            var billing = Sys.ActorOf(Props.Create<CounterWorker>(), $"billing-{i}");
            await billing.Ask<string>(new CounterWorker.Add(100 * i), TimeSpan.FromSeconds(3));
        }

        var byName = await Aggregator.CollectAsync(new WorkerSelection(["orders-*"]));
        var byPath = await Aggregator.CollectAsync(new WorkerSelection(["/user/billing-?", "/user/orders-1"]));
        var everyone = await Aggregator.CollectAsync();

        Assert.Equal(6, Render.Value(byName.Snapshot, "jobs"));
        Assert.Equal(601, Render.Value(byPath.Snapshot, "jobs"));
        Assert.Equal(606, Render.Value(everyone.Snapshot, "jobs"));
        Assert.Equal(3, byName.Answered.Count);
        Assert.Equal(4, byPath.Answered.Count);
        Assert.NotNull(orders);
    }

    [Fact]
    public async Task The_shared_registry_and_custom_collectors_are_sources_too()
    {
        Aggregator.Shared.Counter("shared_jobs_total", "Shared").Inc(4);
        Aggregator.Shared.AddCollector("probe", () =>
        [
            new MetricFamilySnapshot(new MetricDefinition(MetricType.Gauge, "probe_up", "Probe"), [SeriesSnapshot.ForValue([], 1)]),
        ]);
        Aggregator.Shared.AddCollector("broken", () => throw new InvalidOperationException("broken on purpose"));

        var reply = await Aggregator.CollectAsync();

        Assert.Equal(4, Render.Value(reply.Snapshot, "shared_jobs"));
        Assert.Equal(1, Render.Value(reply.Snapshot, "probe_up"));
        Assert.Equal(1, Render.Value(reply.Snapshot, "aggregator_collector_errors"));
    }

    /// <summary>Starts workers that answer each collection after <paramref name="pause"/>, and counts the collector's requests from when all are known.</summary>
    private async Task<int[]> StartSlowWorkersAsync(TimeSpan pause, params string[] names)
    {
        var requests = new int[1];
        foreach (var name in names)
        {
            // Each on a thread of its own: sleeping on the thread pool would also hold up Akka's scheduler, which runs
            // the requesters' deadlines there.
            Sys.ActorOf(Props.Create(() => new SlowCountingWorker(requests, pause)).WithDispatcher(SlowCountingWorker.OwnThread), name);
        }

        // Registration is a message to the collector: make sure all are known before collecting.
        await AwaitAssertAsync(async () => Assert.Equal(names.Length, (await Aggregator.CollectAsync()).Answered.Count));
        Interlocked.Exchange(ref requests[0], 0);
        return requests;
    }

    private WorkerRegistry Registry(int value)
    {
        var registry = new WorkerRegistry(AggregatorExtension.Get(Sys).Catalog);
        registry.Counter("requests_total", "Requests handled").Inc(value);
        registry.Gauge("queue_max", new MetricOptions { Help = "Max", GaugePolicy = GaugeMergePolicy.Max }).Set(value);
        registry.Histogram("latency_seconds", new MetricOptions { Help = "Latency", Buckets = [2, 5] }).Observe(value);
        return registry;
    }
}

public sealed class ConfiguredSelectionSpec : TestKit
{
    public ConfiguredSelectionSpec()
        : base("""
            akka.loglevel = WARNING
            aggregator.workers = ["/user/keep-*"]
            aggregator.collectors { process = off, runtime = off, meters = off }
            """)
    {
    }

    [Fact]
    public async Task The_configured_selection_applies_when_a_request_names_none()
    {
        var keep = Sys.ActorOf(Props.Create<CounterWorker>(), "keep-1");
        var skip = Sys.ActorOf(Props.Create<CounterWorker>(), "skip-1");
        await keep.Ask<string>(new CounterWorker.Add(2), TimeSpan.FromSeconds(3));
        await skip.Ask<string>(new CounterWorker.Add(40), TimeSpan.FromSeconds(3));

        var reply = await AggregatorExtension.Get(Sys).CollectAsync();

        Assert.Equal(2, Render.Value(reply.Snapshot, "jobs"));
        Assert.Equal(["/user/keep-*"], AggregatorExtension.Get(Sys).Settings.Workers.Patterns);
    }
}
