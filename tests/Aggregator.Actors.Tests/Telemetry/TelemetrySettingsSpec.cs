using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit.Xunit2;
using Aggregator.Actors.Telemetry;

namespace Aggregator.Actors.Tests.Telemetry;

public sealed class TelemetrySettingsSpec
{
    [Fact]
    public void The_defaults_are_off_every_actor_by_type_message_types_on_and_fifty()
    {
        var settings = AggregatorSettings.Create(ConfigurationFactory.Empty).Telemetry;

        Assert.False(settings.Enabled);
        Assert.Empty(settings.Actors);
        Assert.Equal(TelemetryGroupBy.Type, settings.GroupBy);
        Assert.Equal(MessageTypeMode.On, settings.MessageTypes);
        Assert.Equal(50, settings.MaxMessageTypes);
        Assert.Equal(0, settings.TimingInterval);
    }

    [Fact]
    public void Every_key_is_read()
    {
        var settings = AggregatorSettings.Create(ConfigurationFactory.ParseString("""
            telemetry {
              enabled = on
              actors = ["/user/shop/*", "Order*"]
              group-by = path-pattern
              message-types = [PlaceOrder, CancelOrder]
              max-message-types = 7
              timing-interval = 16
            }
            """)).Telemetry;

        Assert.True(settings.Enabled);
        Assert.Equal(["/user/shop/*", "Order*"], settings.Actors);
        Assert.Equal(TelemetryGroupBy.PathPattern, settings.GroupBy);
        Assert.Equal(MessageTypeMode.Allowlist, settings.MessageTypes);
        Assert.Equal(["PlaceOrder", "CancelOrder"], settings.MessageTypeAllowlist);
        Assert.Equal(7, settings.MaxMessageTypes);
        Assert.Equal(16, settings.TimingInterval);
        Assert.Equal(MessageTypeMode.Off, TelemetrySettings.Create(ConfigurationFactory.ParseString("message-types = off")).MessageTypes);
    }

    [Theory]
    [InlineData("group-by = class", "aggregator.telemetry.group-by = 'class' is not one of: type, path-pattern.")]
    [InlineData("message-types = some", "aggregator.telemetry.message-types = 'some' is not on, off or a list of class names.")]
    [InlineData("max-message-types = 0", "aggregator.telemetry.max-message-types must be positive, not 0.")]
    [InlineData("timing-interval = 0", "aggregator.telemetry.timing-interval = '0' is not adaptive or a positive number of messages.")]
    public void Values_outside_their_set_are_refused_by_name(string hocon, string message)
    {
        var error = Assert.Throws<ConfigurationException>(() => TelemetrySettings.Create(ConfigurationFactory.ParseString(hocon)));
        Assert.Equal(message, error.Message);
    }
}

/// <summary>With telemetry off (the default) a metered worker records nothing more and the node adds no family.</summary>
public sealed class TelemetryOffSpec : TestKit
{
    public TelemetryOffSpec()
        : base("""
            akka.loglevel = WARNING
            aggregator.collectors { process = off, runtime = off, meters = off }
            """)
    {
    }

    [Fact]
    public async Task No_telemetry_family_appears_and_the_extension_has_no_telemetry()
    {
        var orders = Sys.ActorOf(Props.Create<OrderWorker>(), "orders");
        await orders.Ask<string>(new Shop.PlaceOrder(1), TimeSpan.FromSeconds(3));

        var aggregator = AggregatorExtension.Get(Sys);
        var snapshot = (await aggregator.CollectAsync()).Snapshot;

        Assert.Null(aggregator.Telemetry);
        Assert.DoesNotContain(snapshot.Families, f => f.Name.StartsWith("akka_", StringComparison.Ordinal) || f.Name.StartsWith("aggregator_telemetry", StringComparison.Ordinal));
    }
}

/// <summary>Selection by path pattern, grouped by that pattern, with message types off.</summary>
public sealed class TelemetrySelectionSpec : TestKit
{
    public TelemetrySelectionSpec()
        : base("""
            akka.loglevel = WARNING
            aggregator.collectors { process = off, runtime = off, meters = off }
            aggregator.telemetry { enabled = on, actors = ["/user/shop/*"], group-by = path-pattern, message-types = off }
            """)
    {
    }

    [Fact]
    public async Task Only_selected_actors_record_under_their_pattern()
    {
        var inside = Sys.ActorOf(Props.Create(() => new Parent()), "shop");
        var outside = Sys.ActorOf(Props.Create<OrderWorker>(), "elsewhere");
        await inside.Ask<string>(new Shop.PlaceOrder(1), TimeSpan.FromSeconds(3));
        await inside.Ask<string>(new Shop.CancelOrder(1), TimeSpan.FromSeconds(3));
        await outside.Ask<string>(new Shop.PlaceOrder(1), TimeSpan.FromSeconds(3));

        var snapshot = (await AggregatorExtension.Get(Sys).CollectAsync()).Snapshot;

        Assert.Equal(
            """
            akka_actor_messages_total{actor_type="/user/shop/*",message_type=""} 2

            """,
            TelemetryText.Lines(snapshot, "akka_actor_messages_total"));
    }

    private sealed class Parent : ReceiveActor
    {
        public Parent()
        {
            var child = Context.ActorOf(Props.Create<OrderWorker>(), "orders");
            ReceiveAny(m => child.Forward(m));
        }
    }
}
