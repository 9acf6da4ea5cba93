using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace Aggregator.Hosting;

/// <summary>Applies a <see cref="WebConfig"/> to a Kestrel endpoint.</summary>
public static class ListenOptionsExtensions
{
    /// <summary>
    /// HTTPS from <see cref="WebConfig.Tls"/> (plain HTTP without it), and HTTP/2 only over TLS and only when
    /// <see cref="WebConfig.Http2"/> allows it, as in the exporter toolkit.
    /// </summary>
    /// <param name="listen">The Kestrel endpoint.</param>
    /// <param name="config">The web config.</param>
    /// <param name="logger">Where a certificate that could not be re-read is reported; none by default.</param>
    public static ListenOptions UseWebConfig(this ListenOptions listen, WebConfig config, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(listen);
        ArgumentNullException.ThrowIfNull(config);
        if (config.Tls is not { } tls)
        {
            listen.Protocols = HttpProtocols.Http1;
            return listen;
        }

        listen.Protocols = config.Http2 ? HttpProtocols.Http1AndHttp2 : HttpProtocols.Http1;
        listen.UseHttps(TlsSetup.Create(tls, logger));
        return listen;
    }
}
