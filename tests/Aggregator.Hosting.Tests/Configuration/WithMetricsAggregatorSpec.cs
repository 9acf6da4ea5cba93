using Akka.Actor;
using Akka.Hosting;
using Aggregator.Metrics;
using Aggregator.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Aggregator.Hosting.Tests.Configuration;

/// <summary>Catalog policies that HOCON cannot hold, set through Akka.Hosting's <c>WithMetricsAggregator(o =&gt; …)</c>.</summary>
public sealed class WithMetricsAggregatorSpec
{
    [Fact]
    public async Task The_name_callback_and_clock_reach_a_workers_metric_served_over_http()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddAkka("hosting-setup-spec", akka => akka
            .AddHocon(
                """
                akka.loglevel = WARNING
                akka.log-dead-letters = off
                aggregator.collectors { process = off, runtime = off, meters = off }
                """,
                HoconAddMode.Prepend)
            .WithMetricsAggregator(o =>
            {
                o.Namespace = "eu";
                o.NameCallback = (type, name) => type == MetricType.Counter ? "shop_" + name : name;
                o.TimeProvider = new FixedClock(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_500));
            }));
        await using var app = builder.Build();
        app.MapMetrics();
        await app.StartAsync();
        try
        {
            var system = app.Services.GetRequiredService<ActorSystem>();
            await system.ActorOf(Props.Create<CounterWorker>(), "counter").Ask<string>(new CounterWorker.Add(3), TimeSpan.FromSeconds(5));
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(new Uri(app.Urls.First()), "/metrics?name[]=eu_shop_jobs_total"));
            request.Headers.TryAddWithoutValidation("Accept", "application/openmetrics-text;version=1.0.0");

            using var response = await http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();

            // The exposed name is the callback's after the namespace; _created is the setup's clock, not the wall clock.
            Assert.Equal(
                """
                # HELP eu_shop_jobs Jobs
                # TYPE eu_shop_jobs counter
                eu_shop_jobs_total 3
                eu_shop_jobs_created 1700000000.5
                # EOF

                """,
                body);
        }
        finally
        {
            await app.StopAsync();
        }
    }

    [Fact]
    public void Options_without_a_callback_or_clock_need_no_setup()
    {
        var options = new AggregatorOptions { Namespace = "eu" };

        Assert.Null(options.ToSetup());
    }

    [Fact]
    public void The_setup_keeps_the_callback_and_clock_given_when_the_system_was_configured()
    {
        var clock = new FixedClock(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
        var options = new AggregatorOptions { NameCallback = (_, name) => "first_" + name, TimeProvider = clock };
        var setup = options.ToSetup()!;
        options.NameCallback = (_, name) => "second_" + name;
        options.TimeProvider = null;

        var metrics = setup.Apply(new MetricsOptions { Namespace = "eu" });

        Assert.Equal("first_jobs", metrics.NameCallback!(MetricType.Counter, "jobs"));
        Assert.Same(clock, metrics.TimeProvider);
        Assert.Equal("eu", metrics.Namespace);
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
