using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace DaytimeExporter;

/// <summary>
/// The system the exporter reads counters from: a small JSON service on 127.0.0.1 whose <c>/stats</c> reports how
/// many times it was asked and when it was launched.
/// </summary>
internal sealed class StatsService : IAsyncDisposable
{
    private readonly WebApplication _app;

    private StatsService(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    public static async Task<StatsService> StartAsync(double launchedSeconds)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IHostLifetime, Aggregator.Hosting.PassiveHostLifetime>();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var requests = 0L;
        app.MapGet("/stats", () => Results.Json(new Stats(Interlocked.Increment(ref requests), launchedSeconds)));
        await app.StartAsync();
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new StatsService(app, new Uri(new Uri(bound), "/stats"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
