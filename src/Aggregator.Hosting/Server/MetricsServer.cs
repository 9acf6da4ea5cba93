using System.Net;
using Akka.Actor;
using Aggregator.Actors;
using Aggregator.Hosting.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Aggregator.Hosting;

/// <summary>
/// A standalone Kestrel server for programs without a web host of their own: serves the metrics path (and the status page when
/// enabled) and answers 404 everywhere else. Dispose it to stop it.
/// </summary>
public sealed class MetricsServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private MetricsServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>The address the server listens on, with the real port when port 0 was asked for.</summary>
    public Uri Address { get; }

    /// <summary>The port the server listens on.</summary>
    public int Port => Address.Port;

    /// <summary>Starts a server for <paramref name="system"/>'s metrics (this node's unless <paramref name="source"/> says otherwise).</summary>
    /// <exception cref="WebConfigException">The web config file cannot be read or is wrong; the message says where.</exception>
    public static async Task<MetricsServer> StartAsync(
        ActorSystem system,
        MetricsServerOptions? options = null,
        IScrapeSource? source = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(system);
        options ??= new MetricsServerOptions();
        var web = WebConfig.Resolve(options.WebConfigFile, options.Tls, options.Security);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(system);
        builder.Services.AddSingleton<IHostLifetime, PassiveHostLifetime>();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(
            IPAddress.Parse(options.Address),
            options.Port,
            listen => listen.UseWebConfig(web)));
        var app = builder.Build();
        app.MapMetrics(options.Path, source, web.Security);
        if (options.StatusPage ?? AggregatorExtension.Get(system).Settings.StatusPage)
        {
            app.MapMetricsStatus(source, web.Security, new StatusPageOptions { Path = options.StatusPath });
        }

        await app.StartAsync(cancellationToken).ConfigureAwait(false);

        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new MetricsServer(app, new Uri(new Uri(bound), options.Path));
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
