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
        var blocked = Sys.ActorOf(Props.Create<CounterWorker>(), "blocked");
        var healthy = Sys.ActorOf(Props.Create<CounterWorker>(), "healthy");
        await blocked.Ask<string>(new CounterWorker.Add(5), TimeSpan.FromSeconds(3));
        await healthy.Ask<string>(new CounterWorker.Add(1), TimeSpan.FromSeconds(3));
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
