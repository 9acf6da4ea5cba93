using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Aggregator.Hosting;

/// <summary>Turns <see cref="TlsOptions"/> into Kestrel's HTTPS setup, with the exporter toolkit's behaviour.</summary>
/// <remarks>
/// <para>
/// Certificates, keys and the client CA file are checked when their files change (last-write time and length) and
/// re-read before the next handshake, so a rotated certificate is served without a restart. A change that does not
/// load (a half-written file, a key that does not match yet) keeps the previous certificate and is logged.
/// </para>
/// <para>
/// Client certificates follow Go's <c>tls.ClientAuthType</c>: the verifying modes need a chain to one of the client
/// CAs (every certificate of the CA file; the system's roots when none is given) and, on every certificate of the
/// chain that carries an extended key usage, client authentication or any usage. A certificate issued for servers
/// only is refused. <c>client_allowed_sans</c> then needs one of the listed DNS, IP, e-mail or URI names.
/// </para>
/// <para>
/// <c>cipher_suites</c> restricts TLS 1.2 and below; TLS 1.3 always offers its three suites, as in Go.
/// <c>prefer_server_cipher_suites</c> has no effect: .NET has no such switch and OpenSSL's default order applies, as
/// Go itself has ignored the setting since Go 1.17. <c>curve_preferences</c> is checked but cannot be applied.
/// </para>
/// </remarks>
public static class TlsSetup
{
    /// <summary>
    /// Checks and loads <paramref name="tls"/> and returns the per-connection setup for
    /// <c>ListenOptions.UseHttps(TlsHandshakeCallbackOptions)</c>.
    /// </summary>
    /// <param name="tls">The options.</param>
    /// <param name="logger">Where failed certificate reloads are reported; none if null.</param>
    /// <exception cref="ArgumentException">
    /// The options are inconsistent (no certificate or key, a client CA with <see cref="ClientAuthType.NoClientCert"/>,
    /// <c>min_version</c> above <c>max_version</c>, an unknown curve) or a file cannot be loaded; the message names the
    /// culprit.
    /// </exception>
    public static TlsHandshakeCallbackOptions Create(TlsOptions tls, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(tls);
        var config = new TlsServerConfig(tls, logger ?? NullLogger.Instance);
        return new TlsHandshakeCallbackOptions { OnConnection = config.OptionsFor };
    }
}
