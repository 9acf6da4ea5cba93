using System.Security.Authentication;
using Aggregator.Conformance.Tests.Tools;
using Aggregator.Hosting;

namespace Aggregator.Conformance.Tests.Security;

/// <summary>Inconsistent TLS options are refused when the server is set up, with a message that names the culprit.</summary>
public sealed class TlsConfigurationSpec : IClassFixture<TestCertificates>
{
    private readonly TestCertificates _certificates;

    public TlsConfigurationSpec(TestCertificates certificates) => _certificates = certificates;

    [Fact]
    public void A_missing_certificate_is_named()
    {
        var error = Assert.Throws<ArgumentException>(() => TlsSetup.Create(new TlsOptions { KeyPath = _certificates.ServerKeyPath }));

        Assert.Equal("TLS needs a server certificate: set cert_file (CertificatePath) or cert (CertificatePem).", error.Message);
    }

    [Fact]
    public void A_missing_key_is_named()
    {
        var error = Assert.Throws<ArgumentException>(() => TlsSetup.Create(new TlsOptions { CertificatePath = _certificates.ServerCertificatePath }));

        Assert.Equal("TLS needs a server key: set key_file (KeyPath) or key (KeyPem).", error.Message);
    }

    [Fact]
    public void A_certificate_given_as_file_and_inline_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => TlsSetup.Create(Server() with { CertificatePem = File.ReadAllText(_certificates.ServerCertificatePath) }));

        Assert.Equal($"The server certificate is given twice, as cert_file (CertificatePath) '{_certificates.ServerCertificatePath}' and as cert (CertificatePem): set one.", error.Message);
    }

    [Fact]
    public void A_client_CA_without_a_client_auth_policy_is_refused_naming_the_file()
    {
        var error = Assert.Throws<ArgumentException>(() => TlsSetup.Create(Server() with { ClientCaPath = _certificates.CaPath, ClientAuthType = ClientAuthType.NoClientCert }));

        Assert.Equal(
            $"The client CA client_ca_file (ClientCaPath) '{_certificates.CaPath}' is set, but client_auth_type is NoClientCert, so no client certificate would be asked for: set client_auth_type (e.g. RequireAndVerifyClientCert) or remove the client CA.",
            error.Message);
    }

    [Fact]
    public void Allowed_sans_without_asking_for_a_certificate_are_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => TlsSetup.Create(Server() with { ClientAllowedSans = ["scraper.example"] }));

        Assert.Equal("client_allowed_sans (scraper.example) is set, but client_auth_type is NoClientCert, so no client certificate would be asked for.", error.Message);
    }

    [Fact]
    public void A_minimum_version_above_the_maximum_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => TlsSetup.Create(Server() with { MinVersion = SslProtocols.Tls13, MaxVersion = SslProtocols.Tls12 }));

        Assert.Equal("min_version TLS13 is above max_version TLS12: no TLS version would be left.", error.Message);
    }

    [Fact]
    public void An_unknown_curve_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => TlsSetup.Create(Server() with { CurvePreferences = ["CurveP256", "secp256k1"] }));

        Assert.Equal("Unknown curve 'secp256k1': expected one of CurveP256, CurveP384, CurveP521, X25519.", error.Message);
    }

    [Fact]
    public void A_missing_certificate_file_is_named()
    {
        var missing = Path.Combine(_certificates.Directory, "missing.pem");

        var error = Assert.Throws<ArgumentException>(() => TlsSetup.Create(Server() with { CertificatePath = missing }));

        Assert.StartsWith($"Could not read '{missing}': ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_that_does_not_match_the_certificate_names_both_files()
    {
        var error = Assert.Throws<ArgumentException>(() => TlsSetup.Create(Server() with { KeyPath = _certificates.ClientKeyPath }));

        Assert.StartsWith(
            $"Could not load the server certificate from cert_file (CertificatePath) '{_certificates.ServerCertificatePath}' with the key from key_file (KeyPath) '{_certificates.ClientKeyPath}': ",
            error.Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public void A_client_CA_file_without_certificates_is_refused_naming_the_file()
    {
        var empty = Path.Combine(_certificates.Directory, "empty-ca.pem");
        File.WriteAllText(empty, "not a certificate\n");

        var error = Assert.Throws<ArgumentException>(() => TlsSetup.Create(Server() with { ClientCaPath = empty }));

        Assert.Equal($"The client CA client_ca_file (ClientCaPath) '{empty}' holds no PEM certificate.", error.Message);
    }

    [Fact]
    public async Task Inline_certificate_and_key_are_served()
    {
        var options = new TlsOptions { CertificatePem = File.ReadAllText(_certificates.ServerCertificatePath), KeyPem = File.ReadAllText(_certificates.ServerKeyPath) };
        await using var server = await TlsTestServer.StartAsync(options);

        var result = await TlsProbe.GetAsync(server.Port);

        Assert.Equal(("HTTP/1.1 200 OK no certificate", "CN=127.0.0.1"), (result.Outcome, result.ServerCertificate?.Subject));
    }

    private TlsOptions Server() => new() { CertificatePath = _certificates.ServerCertificatePath, KeyPath = _certificates.ServerKeyPath };
}
