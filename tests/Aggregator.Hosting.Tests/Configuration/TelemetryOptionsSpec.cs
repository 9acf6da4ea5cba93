using Akka.Actor;
using Akka.Configuration;
using Akka.Hosting;
using Aggregator.Actors;
using Aggregator.Actors.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Aggregator.Hosting.Tests.Configuration;

/// <summary>Actor telemetry set through <c>WithMetricsAggregator(o =&gt; o.Telemetry = …)</c>.</summary>
public sealed class TelemetryOptionsSpec
{
    [Fact]
    public void The_options_become_the_telemetry_section_and_turn_akkas_actor_events_on()
    {
        var options = new AggregatorOptions
        {
            Telemetry = new TelemetrySettings
            {
                Enabled = true,
                Actors = ["/user/shop/*", "Order*"],
                GroupBy = TelemetryGroupBy.PathPattern,
                MessageTypes = MessageTypeMode.Allowlist,
                MessageTypeAllowlist = ["PlaceOrder"],
                MaxMessageTypes = 9,
                TimingInterval = 4,
            },
        };

        var config = ConfigurationFactory.ParseString(options.ToHocon());

        Assert.Equal(options.Telemetry, TelemetrySettings.Create(config.GetConfig("aggregator.telemetry")) with { Actors = options.Telemetry.Actors, MessageTypeAllowlist = options.Telemetry.MessageTypeAllowlist });
        Assert.Equal(["/user/shop/*", "Order*"], TelemetrySettings.Create(config.GetConfig("aggregator.telemetry")).Actors);
        Assert.Equal(["PlaceOrder"], TelemetrySettings.Create(config.GetConfig("aggregator.telemetry")).MessageTypeAllowlist);
        Assert.True(config.GetBoolean("akka.actor.telemetry.enabled"));
        Assert.False(ConfigurationFactory.ParseString(new AggregatorOptions().ToHocon()).HasPath("akka.actor.telemetry.enabled"));
    }

    [Fact]
    public async Task A_hosted_system_with_telemetry_on_has_it_with_akkas_events()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddAkka("hosting-telemetry-spec", akka => akka
            .AddHocon("aggregator.collectors { process = off, runtime = off, meters = off }", HoconAddMode.Prepend)
            .WithMetricsAggregator(o => o.Telemetry = new TelemetrySettings { Enabled = true, MaxMessageTypes = 5 }));
        await using var app = builder.Build();
        await app.StartAsync();
        try
        {
            var telemetry = AggregatorExtension.Get(app.Services.GetRequiredService<ActorSystem>()).Telemetry;

            Assert.NotNull(telemetry);
            Assert.True(telemetry.EmitsActorEvents);
            Assert.Equal(5, telemetry.Settings.MaxMessageTypes);
        }
        finally
        {
            await app.StopAsync();
        }
    }
}
