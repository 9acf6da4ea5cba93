using Akka.Configuration;
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
