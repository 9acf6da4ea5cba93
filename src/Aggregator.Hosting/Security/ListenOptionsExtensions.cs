using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Aggregator.Hosting;

/// <summary>Applies a <see cref="WebConfig"/> to a Kestrel endpoint.</summary>
public static class ListenOptionsExtensions
{
    /// <summary>
    /// HTTPS from <see cref="WebConfig.Tls"/> (plain HTTP without it), and HTTP/2 only over TLS and only when
    /// <see cref="WebConfig.Http2"/> allows it, as in the exporter toolkit.
    /// </summary>
    public static ListenOptions UseWebConfig(this ListenOptions listen, WebConfig config)
    {
        ArgumentNullException.ThrowIfNull(listen);
        ArgumentNullException.ThrowIfNull(config);
        if (config.Tls is not { } tls)
        {
            listen.Protocols = HttpProtocols.Http1;
            return listen;
        }

        listen.Protocols = config.Http2 ? HttpProtocols.Http1AndHttp2 : HttpProtocols.Http1;
        listen.UseHttps(TlsSetup.Create(tls));
        return listen;
    }
}
