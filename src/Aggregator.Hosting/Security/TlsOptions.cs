using System.Net.Security;
using System.Security.Authentication;

namespace Aggregator.Hosting;

/// <summary>
/// HTTPS for the standalone server and the node: the exporter toolkit's <c>tls_server_config</c>, with the same meanings and defaults. Certificates are PEM; each is given either as a
/// file, re-read when it changes, or inline.
/// </summary>
public sealed record TlsOptions
{
    /// <summary>The server certificate (chain) file, PEM (<c>cert_file</c>; <c>Node:Tls:CertificatePath</c>).</summary>
    public string? CertificatePath { get; init; }

    /// <summary>Its private key file, PEM, unencrypted (<c>key_file</c>; <c>Node:Tls:KeyPath</c>).</summary>
    public string? KeyPath { get; init; }

    /// <summary>The server certificate as PEM text, instead of <see cref="CertificatePath"/> (<c>cert</c>).</summary>
    public string? CertificatePem { get; init; }

    /// <summary>Its private key as PEM text, instead of <see cref="KeyPath"/> (<c>key</c>).</summary>
    public string? KeyPem { get; init; }

    /// <summary>
    /// A PEM file of one or more CA certificates that client certificates must chain to (<c>client_ca_file</c>;
    /// <c>Node:Tls:ClientCaPath</c>). Every certificate in the file is trusted.
    /// </summary>
    public string? ClientCaPath { get; init; }

    /// <summary>The client CA certificates as PEM text, instead of <see cref="ClientCaPath"/> (<c>client_ca</c>).</summary>
    public string? ClientCaPem { get; init; }

    /// <summary>
    /// Which client certificates are asked for and accepted (<c>client_auth_type</c>). Null: <see
    /// cref="ClientAuthType.RequireAndVerifyClientCert"/> when a client CA is set, otherwise <see
    /// cref="ClientAuthType.NoClientCert"/>.
    /// </summary>
    public ClientAuthType? ClientAuthType { get; init; }

    /// <summary>
    /// When not empty, a client certificate must carry one of these subject alternative names (DNS, IP, e-mail or URI)
    /// (<c>client_allowed_sans</c>).
    /// </summary>
    public IReadOnlyList<string> ClientAllowedSans { get; init; } = [];

    /// <summary>The lowest TLS version accepted (<c>min_version</c>, default TLS 1.2).</summary>
    public SslProtocols MinVersion { get; init; } = SslProtocols.Tls12;

    /// <summary>The highest TLS version accepted (<c>max_version</c>, default TLS 1.3).</summary>
    public SslProtocols MaxVersion { get; init; } = SslProtocols.Tls13;

    /// <summary>The cipher suites allowed up to TLS 1.2, in preference order (<c>cipher_suites</c>); empty: the platform's defaults.</summary>
    public IReadOnlyList<TlsCipherSuite> CipherSuites { get; init; } = [];

    /// <summary>Whether the server's order of <see cref="CipherSuites"/> wins over the client's (<c>prefer_server_cipher_suites</c>, default true).</summary>
    public bool PreferServerCipherSuites { get; init; } = true;

    /// <summary>
    /// The elliptic curves for ECDHE, by the toolkit's names (<c>curve_preferences</c>: CurveP256, CurveP384, CurveP521,
    /// X25519). .NET cannot choose them per server on Linux, so they are checked but OpenSSL's order applies.
    /// </summary>
    public IReadOnlyList<string> CurvePreferences { get; init; } = [];

    /// <summary>The client-certificate policy in force: <see cref="ClientAuthType"/>, or its default.</summary>
    public ClientAuthType EffectiveClientAuthType =>
        ClientAuthType ?? (ClientCaPath is null && ClientCaPem is null ? Hosting.ClientAuthType.NoClientCert : Hosting.ClientAuthType.RequireAndVerifyClientCert);
}
