using Akka.Actor;
using Akka.Hosting;
using Aggregator.Actors;
using Aggregator.Actors.Telemetry;
using Aggregator.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Aggregator.Conformance.Tests.Telemetry;

/// <summary>
/// A node with actor telemetry on, served over HTTP on 127.0.0.1, whose actors produce every telemetry family: messages
/// of two classes, a stash, unhandled messages, restarts, dead letters, classes past the bound, a sharding region.
/// </summary>
public sealed class TelemetryNode : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TelemetryNode(WebApplication app, ActorSystem system, IActorRef worker, IActorRef flaky)
    {
        _app = app;
        System = system;
        Worker = worker;
        Flaky = flaky;
    }

    public ActorSystem System { get; }

    /// <summary>A <see cref="RateWorker"/> at /user/rate.</summary>
    public IActorRef Worker { get; }

    /// <summary>A <see cref="FlakyWorker"/> at /user/flaky.</summary>
    public IActorRef Flaky { get; }

    public int Port => new Uri(_app.Urls.First()).Port;

    public static async Task<TelemetryNode> StartAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Services.AddAkka("telemetry-node", akka => akka
            .AddHocon(
                """
                akka.loglevel = ERROR
                akka.log-dead-letters = off
                aggregator.collectors { process = off, runtime = off, meters = off }
                """,
                HoconAddMode.Prepend)
            .WithMetricsAggregator(o => o.Telemetry = new TelemetrySettings { Enabled = true, MaxMessageTypes = 3, TimingInterval = 1 }));
        var app = builder.Build();
        app.MapMetrics("/metrics");
        await app.StartAsync();
        var system = app.Services.GetRequiredService<ActorSystem>();

        // The extension point a sharding user fills with a GetShardRegionStats query; a fixed answer here.
        AggregatorExtension.Get(system).Telemetry!.AddRegion("orders", _ => Task.FromResult((Shards: 4, Entities: 17)));
        var worker = system.ActorOf(Props.Create<RateWorker>(), "rate");
        var flaky = system.ActorOf(Props.Create<FlakyWorker>(), "flaky");
        return new TelemetryNode(app, system, worker, flaky);
    }

    /// <summary>One tick of the workload: 30 A and 10 B to the worker, and one each of every rarer event.</summary>
    public async Task TickAsync(int tick)
    {
        for (var i = 0; i < 30; i++)
        {
            Worker.Tell(new RateWorker.A());
        }

        for (var i = 0; i < 10; i++)
        {
            Worker.Tell(new RateWorker.B());
        }

        Worker.Tell(new RateWorker.Hold());
        Worker.Tell(new RateWorker.Unknown());
        Worker.Tell(new RateWorker.C());
        Worker.Tell(new RateWorker.D());
        if (tick % 5 == 0)
        {
            Flaky.Tell(new FlakyWorker.Boom());
        }

        var gone = System.ActorOf(Props.Create<RateWorker>());
        await gone.GracefulStop(TimeSpan.FromSeconds(5));
        gone.Tell(new RateWorker.A());
        await Worker.Ask<string>("sync", TimeSpan.FromSeconds(5));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>Throws on every message, and is restarted.</summary>
public sealed class FlakyWorker : MeteredReceiveActor
{
    public FlakyWorker() => Receive<Boom>(_ => throw new InvalidOperationException("boom on purpose"));

    public sealed record Boom;
}

/// <summary>Counts A and B; stashes Hold; does not handle Unknown; C and D go past a bound of three classes.</summary>
public sealed class RateWorker : MeteredReceiveActor, IWithUnboundedStash
{
    public RateWorker()
    {
        Receive<A>(_ => { });
        Receive<B>(_ => { });
        Receive<C>(_ => { });
        Receive<D>(_ => { });
        Receive<Hold>(_ => Stash.Stash());
        Receive<string>(s => Sender.Tell(s));
    }

    public IStash Stash { get; set; } = null!;

    public sealed record A;

    public sealed record B;

    public sealed record C;

    public sealed record D;

    public sealed record Hold;

    public sealed record Unknown;
}
