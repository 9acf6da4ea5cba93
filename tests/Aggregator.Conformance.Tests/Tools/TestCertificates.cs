using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Aggregator.Conformance.Tests.Tools;

/// <summary>
/// Throwaway CAs, a server certificate for 127.0.0.1 and a client certificate, as PEM files in a temp folder; more
/// certificates of any shape on demand with <see cref="Issue"/>.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    /// <summary>The extended key usage for TLS servers.</summary>
    public const string ServerAuth = "1.3.6.1.5.5.7.3.1";

    /// <summary>The extended key usage for TLS clients.</summary>
    public const string ClientAuth = "1.3.6.1.5.5.7.3.2";

    /// <summary>anyExtendedKeyUsage.</summary>
    public const string AnyUsage = "2.5.29.37.0";

    private readonly X509Certificate2 _ca;
    private readonly X509Certificate2 _secondCa;
    private readonly X509Certificate2 _untrustedCa;

    public TestCertificates()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("aggregator-tls-").FullName;
        _ca = CreateCa("CN=Aggregator Test CA");
        _secondCa = CreateCa("CN=Aggregator Second Test CA");
        _untrustedCa = CreateCa("CN=Untrusted Test CA");
        CaPath = Write("ca.pem", _ca.ExportCertificatePem());
        SecondCaPath = Write("second-ca.pem", _secondCa.ExportCertificatePem());
        CaBundlePath = Write("ca-bundle.pem", _ca.ExportCertificatePem() + "\n" + _secondCa.ExportCertificatePem());

        (ServerCertificatePath, ServerKeyPath) = IssueRsa(_ca, "server", "CN=127.0.0.1", ServerAuth, IPAddress.Loopback);
        (ClientCertificatePath, ClientKeyPath) = IssueRsa(_ca, "client", "CN=prometheus", ClientAuth, address: null);
    }

    public string Directory { get; }

    /// <summary>The first CA alone.</summary>
    public string CaPath { get; }

    /// <summary>The second CA alone.</summary>
    public string SecondCaPath { get; }

    /// <summary>Both CAs in one file, the first CA first.</summary>
    public string CaBundlePath { get; }

    public string ServerCertificatePath { get; }

    public string ServerKeyPath { get; }

    public string ClientCertificatePath { get; }

    public string ClientKeyPath { get; }

    /// <summary>The first CA, which issued the server and client certificates.</summary>
    public X509Certificate2 Ca => _ca;

    /// <summary>A second CA, only in <see cref="CaBundlePath"/> and <see cref="SecondCaPath"/>.</summary>
    public X509Certificate2 SecondCa => _secondCa;

    /// <summary>A CA in no file, for certificates no server trusts.</summary>
    public X509Certificate2 UntrustedCa => _untrustedCa;

    public X509Certificate2 LoadCa() => X509Certificate2.CreateFromPem(File.ReadAllText(CaPath));

    public X509Certificate2 LoadClient() => X509Certificate2.CreateFromPemFile(ClientCertificatePath, ClientKeyPath);

    public X509Certificate2 LoadServer() => X509Certificate2.CreateFromPemFile(ServerCertificatePath, ServerKeyPath);

    /// <summary>
    /// Issues an ECDSA P-256 certificate from <paramref name="issuer"/> with exactly these extended key usages (none:
    /// no EKU extension at all) and subject alternative names, writes NAME.pem and NAME.key and returns it with its key.
    /// </summary>
    public X509Certificate2 Issue(
        X509Certificate2 issuer,
        string name,
        string subject,
        string[] usages,
        Action<SubjectAlternativeNameBuilder>? names = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        if (usages.Length > 0)
        {
            var oids = new OidCollection();
            foreach (var usage in usages)
            {
                oids.Add(new Oid(usage));
            }

            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(oids, false));
        }

        if (names is not null)
        {
            var san = new SubjectAlternativeNameBuilder();
            names(san);
            request.CertificateExtensions.Add(san.Build());
        }

        using var certificate = Sign(request, issuer);
        var certificatePath = Write($"{name}.pem", certificate.ExportCertificatePem());
        var keyPath = Write($"{name}.key", key.ExportPkcs8PrivateKeyPem());
        return X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
    }

    /// <summary>Issues another RSA server certificate for 127.0.0.1 from the first CA, as NAME.pem and NAME.key.</summary>
    public (string Certificate, string Key) IssueServer(string name, string subject) => IssueRsa(_ca, name, subject, ServerAuth, IPAddress.Loopback);

    public void Dispose()
    {
        _ca.Dispose();
        _secondCa.Dispose();
        _untrustedCa.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    private static X509Certificate2 CreateCa(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }

    private (string Certificate, string Key) IssueRsa(X509Certificate2 ca, string name, string subject, string usage, IPAddress? address)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(usage)], false));
        if (address is not null)
        {
            var san = new SubjectAlternativeNameBuilder();
            san.AddIpAddress(address);
            request.CertificateExtensions.Add(san.Build());
        }

        using var certificate = Sign(request, ca);
        return (Write($"{name}.pem", certificate.ExportCertificatePem()), Write($"{name}.key", key.ExportPkcs8PrivateKeyPem()));
    }

    // The CAs' keys are ECDSA, so RSA requests need the signature generator spelled out.
    private static X509Certificate2 Sign(CertificateRequest request, X509Certificate2 issuer)
    {
        using var key = issuer.GetECDsaPrivateKey()!;
        return request.Create(
            issuer.SubjectName,
            X509SignatureGenerator.CreateForECDsa(key),
            DateTimeOffset.UtcNow.AddHours(-1),
            DateTimeOffset.UtcNow.AddHours(12),
            RandomNumberGenerator.GetBytes(12));
    }

    private string Write(string file, string pem)
    {
        var path = Path.Combine(Directory, file);
        File.WriteAllText(path, pem);
        return path;
    }
}
