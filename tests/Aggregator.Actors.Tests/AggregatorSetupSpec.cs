using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using Akka.TestKit.Xunit2;
using Aggregator.Metrics;
using Aggregator.Tests.Support;

namespace Aggregator.Actors.Tests;

/// <summary>Catalog policies set in code for an actor system, through an <see cref="AggregatorSetup"/> it is created with.</summary>
public sealed class AggregatorSetupSpec : TestKit
{
    private const string Config = """
        akka.loglevel = WARNING
        akka.log-dead-letters = off
        aggregator.collection-timeout = 3s
        aggregator.collectors { process = off, runtime = off, meters = off }
        aggregator.namespace = eu
        aggregator.default-gauge-policy = max
        aggregator.name-conflict-policy = ignore
        """;

    public AggregatorSetupSpec()
        : base(BootstrapSetup.Create().WithConfig(ConfigurationFactory.ParseString(Config)).And(new AggregatorSetup(metrics => metrics with
        {
            NameCallback = (type, name) => type == MetricType.Counter ? "shop_" + name : name,
            DefaultGaugePolicy = GaugeMergePolicy.Sum,
        })))
    {
    }

    private AggregatorExtension Aggregator => AggregatorExtension.Get(Sys);

    [Fact]
    public async Task A_workers_counter_is_exposed_under_the_callbacks_name_after_the_hocon_namespace()
    {
        var worker = Sys.ActorOf(Props.Create<CounterWorker>(), "counter");
        await worker.Ask<string>(new CounterWorker.Add(3), TimeSpan.FromSeconds(3));

        var reply = await Aggregator.CollectAsync();

        Assert.Equal(
            """
            # HELP eu_shop_jobs_total Jobs
            # TYPE eu_shop_jobs_total counter
            eu_shop_jobs_total 3

            """,
            Render.UserFamilies(reply.Snapshot));
    }

    [Fact]
    public async Task Policies_the_setup_sets_replace_hocons_and_the_others_stay()
    {
        await Sys.ActorOf(Props.Create(() => new QueueWorker(2)), "q1").Ask<string>("ready", TimeSpan.FromSeconds(3));
        await Sys.ActorOf(Props.Create(() => new QueueWorker(5)), "q2").Ask<string>("ready", TimeSpan.FromSeconds(3));

        var reply = await Aggregator.CollectAsync();

        // Summed (the setup's policy), not the larger (HOCON's); the gauge keeps its name (the callback maps counters).
        Assert.Equal(
            """
            # HELP eu_queue Queue
            # TYPE eu_queue gauge
            eu_queue 7

            """,
            Render.UserFamilies(reply.Snapshot));
        Assert.Equal(GaugeMergePolicy.Sum, Aggregator.Settings.Metrics.DefaultGaugePolicy);
        Assert.Equal(NameConflictPolicy.Ignore, Aggregator.Settings.Metrics.NameConflictPolicy);
        Assert.Equal(MetricsOptions.DefaultMaxSeriesPerFamily, Aggregator.Settings.Metrics.MaxSeriesPerFamily);
    }

    [Fact]
    public void A_setup_whose_function_returns_null_is_refused_naming_the_setup()
    {
        var setup = new AggregatorSetup(_ => null!);

        var error = Assert.Throws<InvalidOperationException>(() => setup.Apply(new MetricsOptions()));

        Assert.Equal("The AggregatorSetup's metrics function returned null instead of the catalog's MetricsOptions.", error.Message);
    }

    /// <summary>A worker with one gauge, declared without a merge policy, set to a fixed value.</summary>
    private sealed class QueueWorker : MeteredReceiveActor
    {
        public QueueWorker(double value)
        {
            Metrics.Gauge("queue", "Queue").Set(value);
            Receive<string>(_ => Sender.Tell("ready"));
        }
    }
}
