using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Aggregator.Hosting;

/// <summary>Turns <see cref="TlsOptions"/> into Kestrel's HTTPS options.</summary>
public static class TlsSetup
{
    /// <summary>Loads the PEM files and, with a client CA, requires client certificates that chain to it.</summary>
    /// <exception cref="ArgumentException">A file is missing or unreadable; the message names it.</exception>
    public static HttpsConnectionAdapterOptions Create(TlsOptions tls)
    {
        ArgumentNullException.ThrowIfNull(tls);
        var certificatePath = tls.CertificatePath ?? throw new ArgumentException("TLS needs a certificate file.", nameof(tls));
        var keyPath = tls.KeyPath ?? throw new ArgumentException($"TLS certificate '{certificatePath}' needs a key file.", nameof(tls));
        var https = new HttpsConnectionAdapterOptions { ServerCertificate = Load(certificatePath, () => X509Certificate2.CreateFromPemFile(certificatePath, keyPath)) };
        if (tls.ClientCaPath is { } caPath)
        {
            var ca = Load(caPath, () => X509Certificate2.CreateFromPem(File.ReadAllText(caPath)));
            https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
            https.ClientCertificateValidation = (certificate, _, _) => IssuedBy(certificate, ca);
        }

        return https;
    }

    private static bool IssuedBy(X509Certificate2 certificate, X509Certificate2 ca)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }

    private static X509Certificate2 Load(string path, Func<X509Certificate2> load)
    {
        try
        {
            return load();
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            throw new ArgumentException($"Could not load the certificate or key '{path}': {error.Message}", nameof(path), error);
        }
    }
}
