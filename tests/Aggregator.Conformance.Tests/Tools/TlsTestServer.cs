using System.Net;
using System.Text;
using Aggregator.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Aggregator.Conformance.Tests.Tools;

/// <summary>
/// Kestrel on 127.0.0.1 with <see cref="TlsSetup"/>, answering every request with the subject of the client
/// certificate the connection was accepted with, or "no certificate".
/// </summary>
public sealed class TlsTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TlsTestServer(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    public static async Task<TlsTestServer> StartAsync(TlsOptions tls)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(TlsSetup.Create(tls))));
        var app = builder.Build();
        app.Run(context =>
        {
            // A length rather than chunks keeps the probe's view of the body exact.
            var body = context.Connection.ClientCertificate?.Subject ?? "no certificate";
            context.Response.ContentLength = Encoding.UTF8.GetByteCount(body);
            return context.Response.WriteAsync(body);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TlsTestServer(app, new Uri(address).Port);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
