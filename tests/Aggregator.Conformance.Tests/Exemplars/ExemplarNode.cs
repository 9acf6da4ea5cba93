using Akka.Actor;
using Akka.Hosting;
using Aggregator.Actors;
using Aggregator.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Aggregator.Conformance.Tests.Exemplars;

/// <summary>
/// A node served over HTTP on 127.0.0.1 with two <see cref="ExemplarWorker"/>s, /user/w1 and /user/w2, whose counter
/// and histogram record trace exemplars on demand.
/// </summary>
public sealed class ExemplarNode : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ExemplarNode(WebApplication app, IActorRef[] workers)
    {
        _app = app;
        Workers = workers;
    }

    public IReadOnlyList<IActorRef> Workers { get; }

    public int Port => new Uri(_app.Urls.First()).Port;

    public static async Task<ExemplarNode> StartAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Services.AddAkka("exemplar-node", akka => akka
            .AddHocon(
                """
                akka.loglevel = ERROR
                akka.log-dead-letters = off
                aggregator.collectors { process = off, runtime = off, meters = off }
                """,
                HoconAddMode.Prepend)
            .WithMetricsAggregator());
        var app = builder.Build();
        app.MapMetrics("/metrics");
        await app.StartAsync();
        var system = app.Services.GetRequiredService<ActorSystem>();
        IActorRef[] workers = [system.ActorOf(Props.Create<ExemplarWorker>(), "w1"), system.ActorOf(Props.Create<ExemplarWorker>(), "w2")];
        return new ExemplarNode(app, workers);
    }

    /// <summary>Has worker <paramref name="index"/> count <paramref name="value"/> orders and observe it as a latency, with this trace and span.</summary>
    public Task RecordAsync(int index, double value, string traceId, string spanId) =>
        Workers[index].Ask<string>(new ExemplarWorker.Record(value, traceId, spanId), TimeSpan.FromSeconds(5));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
