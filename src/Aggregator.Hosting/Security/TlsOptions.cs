namespace Aggregator.Hosting;

/// <summary>
/// HTTPS for the standalone server (and the node): a PEM certificate and key, and optionally a PEM CA whose
/// client certificates are required (mTLS: a request without a certificate that CA issued is refused).
/// </summary>
public sealed record TlsOptions
{
    /// <summary>The server certificate, PEM (configuration key <c>Node:Tls:CertificatePath</c>).</summary>
    public required string CertificatePath { get; init; }

    /// <summary>Its private key, PEM, unencrypted (<c>Node:Tls:KeyPath</c>).</summary>
    public required string KeyPath { get; init; }

    /// <summary>A CA certificate, PEM; when set, clients must present a certificate it issued (<c>Node:Tls:ClientCaPath</c>).</summary>
    public string? ClientCaPath { get; init; }
}
