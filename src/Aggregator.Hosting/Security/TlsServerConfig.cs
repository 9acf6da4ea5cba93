using System.Net.Security;
using System.Runtime.CompilerServices;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Logging;

namespace Aggregator.Hosting;

/// <summary>
/// <see cref="TlsOptions"/> checked and loaded, handing out each connection's <see cref="SslServerAuthenticationOptions"/>
/// with the certificate and client CAs as the files are now (the toolkit's per-connection reload).
/// </summary>
internal sealed partial class TlsServerConfig
{
    private readonly ReloadingFiles<ServerIdentity> _identity;
    private readonly ReloadingFiles<X509Certificate2Collection>? _clientCas;
    private readonly ClientCertificatePolicy _clients;
    private readonly SslProtocols _protocols;
    private readonly CipherSuitesPolicy? _cipherSuites;

    // SslStream keeps one native TLS context per certificate context, so one is built per certificate and CA set, not
    // per connection.
    private readonly ConditionalWeakTable<ServerIdentity, ConditionalWeakTable<object, SslStreamCertificateContext>> _contexts = [];

    /// <exception cref="ArgumentException">The options are inconsistent, or a certificate, key or CA cannot be loaded; the message names the culprit.</exception>
    public TlsServerConfig(TlsOptions tls, ILogger logger)
    {
        var (certificate, key, ca, mode) = Check(tls);
        _protocols = GoTlsNames.VersionRange(tls.MinVersion, tls.MaxVersion);
        _cipherSuites = CipherSuites(tls.CipherSuites);
        _clients = new ClientCertificatePolicy(mode, tls.ClientAllowedSans);
        _identity = new ReloadingFiles<ServerIdentity>(
            new[] { certificate.Path, key.Path }.OfType<string>(),
            read => ServerIdentity.Load(certificate, key, read),
            error => CertificateReloadFailed(logger, error, certificate.Description, key.Description));
        if (ca is not null)
        {
            _clientCas = new ReloadingFiles<X509Certificate2Collection>(
                ca.Path is null ? [] : [ca.Path],
                read => LoadCas(ca, read),
                error => ClientCaReloadFailed(logger, error, ca.Description));
        }
    }

    /// <summary>
    /// Checks that <paramref name="tls"/> is consistent, without reading any file: one certificate, key and client CA
    /// source each, a client-auth mode that asks for the certificates a client CA or allowed SANs check, a version range,
    /// known curves, cipher suites the platform can apply. The one place these rules live; the web config reader calls it too.
    /// </summary>
    /// <exception cref="ArgumentException">A rule is broken; the message names the setting.</exception>
    public static void Validate(TlsOptions tls) => Check(tls);

    /// <summary>The options for one connection; Kestrel adds ALPN.</summary>
    public ValueTask<SslServerAuthenticationOptions> OptionsFor(TlsHandshakeCallbackContext context)
    {
        var identity = _identity.Current;
        var trusted = _clientCas?.Current;
        var options = new SslServerAuthenticationOptions
        {
            ServerCertificateContext = Context(identity, trusted),
            EnabledSslProtocols = _protocols,
            ClientCertificateRequired = _clients.Requests,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        };

        if (_cipherSuites is not null && !OperatingSystem.IsWindows())
        {
            options.CipherSuitesPolicy = _cipherSuites;
        }

        if (_clients.Requests)
        {
            options.RemoteCertificateValidationCallback = (_, certificate, chain, _) => _clients.Accept(certificate, chain, trusted);
        }

        return ValueTask.FromResult(options);
    }

    private static (PemSource Certificate, PemSource Key, PemSource? Ca, ClientAuthType Mode) Check(TlsOptions tls)
    {
        var certificate = Source(tls.CertificatePath, tls.CertificatePem, "cert_file (CertificatePath)", "cert (CertificatePem)", "server certificate");
        var key = Source(tls.KeyPath, tls.KeyPem, "key_file (KeyPath)", "key (KeyPem)", "server key");
        var ca = tls.ClientCaPath is null && tls.ClientCaPem is null
            ? null
            : Source(tls.ClientCaPath, tls.ClientCaPem, "client_ca_file (ClientCaPath)", "client_ca (ClientCaPem)", "client CA");

        var mode = tls.EffectiveClientAuthType;
        if (!Enum.IsDefined(mode))
        {
            throw new ArgumentException($"client_auth_type {(int)mode} is not a client auth type.");
        }

        if (mode == ClientAuthType.NoClientCert && ca is not null)
        {
            throw new ArgumentException(
                $"The client CA {ca.Description} is set, but client_auth_type is NoClientCert, so no client certificate would be asked for: set client_auth_type (e.g. RequireAndVerifyClientCert) or remove the client CA.");
        }

        // The toolkit ignores the SANs then; a list of allowed clients that lets everyone in is surely a mistake.
        if (mode == ClientAuthType.NoClientCert && tls.ClientAllowedSans.Count > 0)
        {
            throw new ArgumentException(
                $"client_allowed_sans ({string.Join(", ", tls.ClientAllowedSans)}) is set, but client_auth_type is NoClientCert, so no client certificate would be asked for.");
        }

        GoTlsNames.VersionRange(tls.MinVersion, tls.MaxVersion);
        CipherSuites(tls.CipherSuites);
        foreach (var curve in tls.CurvePreferences)
        {
            GoTlsNames.Curve(curve);
        }

        return (certificate, key, ca, mode);
    }

    private SslStreamCertificateContext Context(ServerIdentity identity, X509Certificate2Collection? trusted)
    {
        var byCas = _contexts.GetValue(identity, _ => []);
        return byCas.GetValue(trusted ?? (object)identity, _ => identity.Context(trusted));
    }

    private static CipherSuitesPolicy? CipherSuites(IReadOnlyList<TlsCipherSuite> suites)
    {
        if (suites.Count == 0)
        {
            return null;
        }

        if (OperatingSystem.IsWindows())
        {
            throw new ArgumentException("cipher_suites cannot be set on Windows: .NET takes the cipher suites from the system's policy there.");
        }

        // cipher_suites restricts TLS 1.2 and below only (Go ignores it for TLS 1.3); on Linux one policy covers both,
        // so the TLS 1.3 suites are added back or TLS 1.3 would be switched off.
        return new CipherSuitesPolicy(suites.Concat(GoTlsNames.Tls13CipherSuites).Distinct());
    }

    private static PemSource Source(string? path, string? pem, string fileKey, string inlineKey, string what)
    {
        if (path is not null && pem is not null)
        {
            throw new ArgumentException($"The {what} is given twice, as {fileKey} '{path}' and as {inlineKey}: set one.");
        }

        if (path is null && pem is null)
        {
            throw new ArgumentException($"TLS needs a {what}: set {fileKey} or {inlineKey}.");
        }

        return new PemSource(path, pem, path is null ? $"{inlineKey}" : $"{fileKey} '{path}'");
    }

    private static X509Certificate2Collection LoadCas(PemSource ca, Func<string, string> readFile)
    {
        var cas = new X509Certificate2Collection();
        try
        {
            cas.ImportFromPem(ca.Text(readFile));
        }
        catch (CryptographicException error)
        {
            throw new ArgumentException($"The client CA {ca.Description} is not valid PEM: {error.Message}", error);
        }

        // Go skips what it cannot parse and would then refuse every client; saying so at startup is kinder.
        return cas.Count > 0 ? cas : throw new ArgumentException($"The client CA {ca.Description} holds no PEM certificate.");
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kept the previous TLS certificate: {Certificate} and {Key} could not be loaded.")]
    private static partial void CertificateReloadFailed(ILogger logger, Exception error, string certificate, string key);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kept the previous client CAs: {ClientCa} could not be loaded.")]
    private static partial void ClientCaReloadFailed(ILogger logger, Exception error, string clientCa);
}
