using Akka.Actor;
using Akka.TestKit.Xunit2;
using Aggregator.Tests.Support;

namespace Aggregator.Actors.Tests.Collection;

/// <summary>
/// The node collector's state is a function of its series, not of its history: workers that lived and stopped, and
/// selections that were asked for, leave bounded state behind.
/// </summary>
public sealed class BoundedStateSpec : TestKit
{
    private const string Config = """
        akka.loglevel = WARNING
        akka.log-dead-letters = off
        aggregator.collection-timeout = 3s
        aggregator.selection-cache-size = 16
        aggregator.collectors { process = off, runtime = off, meters = off }
        """;

    public BoundedStateSpec()
        : base(Config)
    {
    }

    private AggregatorExtension Aggregator => AggregatorExtension.Get(Sys);

    [Fact]
    public async Task A_hundred_thousand_stopped_workers_keep_exact_counters_and_merge_as_one_source()
    {
        for (var i = 0; i < 10; i++)
        {
            await Sys.ActorOf(Props.Create<CounterWorker>(), $"live{i}").Ask<string>(new CounterWorker.Add(1), TimeSpan.FromSeconds(3));
        }

        var baseline = await Aggregator.CollectAsync();
        var parent = Sys.ActorOf(Props.Create<ChurnParent>(), "churn");
        for (var wave = 0; wave < 10; wave++)
        {
            await parent.Ask<string>(new ChurnParent.Wave(10_000), TimeSpan.FromSeconds(120));
        }

        var after = await Aggregator.CollectAsync();

        Assert.Equal(10, Render.Value(baseline.Snapshot, "jobs"));
        Assert.Equal(100_010, Render.Value(after.Snapshot, "jobs"));

        // Ten live workers and the shared registry; after the churn, one more: the folded total of /user/churn's children.
        Assert.Equal(11, Level(baseline, "aggregator_merge_sources"));
        Assert.Equal(12, Level(after, "aggregator_merge_sources"));
        Assert.Equal(1, Level(after, "aggregator_retired_groups"));
        Assert.Equal(10, after.Answered.Count);
    }

    [Fact]
    public async Task Ten_thousand_distinct_selections_leave_no_more_state_than_the_configured_bound()
    {
        await Sys.ActorOf(Props.Create<CounterWorker>(), "w").Ask<string>(new CounterWorker.Add(3), TimeSpan.FromSeconds(3));

        Protocol.NodeCollectorProtocol.CollectReply? last = null;
        for (var i = 0; i < 10_000; i++)
        {
            last = await Aggregator.CollectAsync(new WorkerSelection([$"w{i}", "w"]));
        }

        Assert.Equal(3, Render.Value(last!.Snapshot, "jobs"));
        Assert.Equal(16, Level(last, "aggregator_selection_cache_entries"));
    }

    [Fact]
    public async Task A_selection_sees_stopped_workers_through_the_parent_it_covers_whole_and_stays_monotonic_otherwise()
    {
        var parent = Sys.ActorOf(Props.Create<ChurnParent>(), "orders");
        await Aggregator.CollectAsync(new WorkerSelection(["/user/orders/w-1"]));
        await parent.Ask<string>(new ChurnParent.Wave(3), TimeSpan.FromSeconds(10));

        var covering = await Aggregator.CollectAsync(new WorkerSelection(["/user/orders/*"]));
        var one = await Aggregator.CollectAsync(new WorkerSelection(["/user/orders/w-1"]));
        var unrelated = await Aggregator.CollectAsync(new WorkerSelection(["/user/other/*"]));

        // The covering selection sees the three stopped workers' total; w-1's selection, cached before w-1 stopped, keeps
        // w-1's own count; a selection of other workers sees none of it.
        Assert.Equal(3, Render.Value(covering.Snapshot, "jobs"));
        Assert.Equal(1, Render.Value(one.Snapshot, "jobs"));
        Assert.Null(unrelated.Snapshot.Find("jobs"));
    }

    private static double Level(Protocol.NodeCollectorProtocol.CollectReply reply, string family) =>
        reply.Snapshot.Find(family)!.Series.Single(s => s.LabelValues[0] == "node").Value;

    /// <summary>Starts a wave of counting workers as its children, has each count once and stop, and answers when all stopped.</summary>
    private sealed class ChurnParent : ReceiveActor
    {
        private int _next;
        private int _running;
        private IActorRef? _requester;

        public ChurnParent()
        {
            Receive<Wave>(w =>
            {
                _requester = Sender;
                _running = w.Workers;
                for (var i = 0; i < w.Workers; i++)
                {
                    var child = Context.ActorOf(Props.Create<CounterWorker>(), $"w-{_next++}");
                    Context.Watch(child);
                    child.Tell(new CounterWorker.Add(1));
                    child.Tell(PoisonPill.Instance);
                }
            });
            Receive<Terminated>(_ =>
            {
                if (--_running == 0)
                {
                    _requester!.Tell("done");
                }
            });
            Receive<string>(_ => { });
        }

        public sealed record Wave(int Workers);
    }
}
