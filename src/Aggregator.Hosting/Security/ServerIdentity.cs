using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Aggregator.Hosting;

/// <summary>The server's certificate with its key, and the intermediates that followed it in the certificate PEM.</summary>
internal sealed class ServerIdentity
{
    private readonly X509Certificate2 _certificate;
    private readonly X509Certificate2Collection _intermediates;

    private ServerIdentity(X509Certificate2 certificate, X509Certificate2Collection intermediates)
    {
        _certificate = certificate;
        _intermediates = intermediates;
    }

    /// <summary>Loads the pair as Go's <c>tls.X509KeyPair</c> does: the first certificate is the server's, the rest its chain.</summary>
    /// <exception cref="ArgumentException">Either cannot be read or parsed, or they do not match; the message names both.</exception>
    public static ServerIdentity Load(PemSource certificate, PemSource key, Func<string, string> readFile)
    {
        var certificatePem = certificate.Text(readFile);
        var keyPem = key.Text(readFile);
        try
        {
            var leaf = X509Certificate2.CreateFromPem(certificatePem, keyPem);
            var all = new X509Certificate2Collection();
            all.ImportFromPem(certificatePem);
            var intermediates = new X509Certificate2Collection();
            for (var i = 1; i < all.Count; i++)
            {
                intermediates.Add(all[i]);
            }

            return new ServerIdentity(leaf, intermediates);
        }
        catch (CryptographicException error)
        {
            throw new ArgumentException($"Could not load the server certificate from {certificate.Description} with the key from {key.Description}: {error.Message}", error);
        }
    }

    /// <summary>
    /// The context SslStream serves, naming <paramref name="clientCas"/> in the certificate request as Go does, so that
    /// a client with several certificates can pick the right one.
    /// </summary>
    public SslStreamCertificateContext Context(X509Certificate2Collection? clientCas) =>
        SslStreamCertificateContext.Create(
            _certificate,
            _intermediates,
            offline: true,
            trust: clientCas is null ? null : SslCertificateTrust.CreateForX509Collection(clientCas, sendTrustInHandshake: true));
}
