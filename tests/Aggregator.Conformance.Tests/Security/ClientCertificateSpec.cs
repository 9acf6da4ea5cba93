using System.Net;
using System.Security.Cryptography.X509Certificates;
using Aggregator.Conformance.Tests.Tools;
using Aggregator.Hosting;

namespace Aggregator.Conformance.Tests.Security;

/// <summary>
/// Which client certificates a TLS server set up by <see cref="TlsSetup"/> accepts: extended key usage, CA bundles,
/// the five client_auth_type modes and client_allowed_sans, with Go's semantics. The server answers with the subject
/// of the certificate it accepted.
/// </summary>
public sealed class ClientCertificateSpec : IClassFixture<TestCertificates>
{
    private const string Refused = TlsProbe.Refused;
    private const string NoCertificate = "HTTP/1.1 200 OK no certificate";

    private readonly TestCertificates _certificates;

    public ClientCertificateSpec(TestCertificates certificates) => _certificates = certificates;

    [Fact]
    public async Task A_certificate_issued_for_servers_only_is_refused_as_a_client_certificate()
    {
        using var serverOnly = _certificates.Issue(_certificates.Ca, "eku-server-only", "CN=server only", [TestCertificates.ServerAuth]);
        using var clientOnly = _certificates.Issue(_certificates.Ca, "eku-client-only", "CN=client only", [TestCertificates.ClientAuth]);
        await using var server = await TlsTestServer.StartAsync(Verifying(_certificates.CaPath));

        Assert.Equal(Refused, (await TlsProbe.GetAsync(server.Port, serverOnly)).Outcome);
        Assert.Equal("HTTP/1.1 200 OK CN=client only", (await TlsProbe.GetAsync(server.Port, clientOnly)).Outcome);
    }

    [Fact]
    public async Task The_servers_own_certificate_is_refused_as_a_client_certificate()
    {
        using var own = _certificates.LoadServer();
        await using var server = await TlsTestServer.StartAsync(Verifying(_certificates.CaPath));

        Assert.Equal(Refused, (await TlsProbe.GetAsync(server.Port, own)).Outcome);
    }

    [Fact]
    public async Task A_certificate_without_extended_key_usage_or_with_any_usage_or_with_both_usages_is_accepted()
    {
        using var none = _certificates.Issue(_certificates.Ca, "eku-none", "CN=no usage", []);
        using var any = _certificates.Issue(_certificates.Ca, "eku-any", "CN=any usage", [TestCertificates.AnyUsage]);
        using var both = _certificates.Issue(_certificates.Ca, "eku-both", "CN=both usages", [TestCertificates.ServerAuth, TestCertificates.ClientAuth]);
        await using var server = await TlsTestServer.StartAsync(Verifying(_certificates.CaPath));

        Assert.Equal("HTTP/1.1 200 OK CN=no usage", (await TlsProbe.GetAsync(server.Port, none)).Outcome);
        Assert.Equal("HTTP/1.1 200 OK CN=any usage", (await TlsProbe.GetAsync(server.Port, any)).Outcome);
        Assert.Equal("HTTP/1.1 200 OK CN=both usages", (await TlsProbe.GetAsync(server.Port, both)).Outcome);
    }

    [Fact]
    public async Task Every_CA_of_a_bundle_file_is_trusted()
    {
        using var first = _certificates.LoadClient();
        using var second = _certificates.Issue(_certificates.SecondCa, "bundle-second", "CN=second ca client", [TestCertificates.ClientAuth]);
        using var untrusted = _certificates.Issue(_certificates.UntrustedCa, "bundle-untrusted", "CN=untrusted client", [TestCertificates.ClientAuth]);
        await using var bundle = await TlsTestServer.StartAsync(Verifying(_certificates.CaBundlePath));
        await using var firstOnly = await TlsTestServer.StartAsync(Verifying(_certificates.CaPath));

        Assert.Equal("HTTP/1.1 200 OK CN=prometheus", (await TlsProbe.GetAsync(bundle.Port, first)).Outcome);
        Assert.Equal("HTTP/1.1 200 OK CN=second ca client", (await TlsProbe.GetAsync(bundle.Port, second)).Outcome);
        Assert.Equal(Refused, (await TlsProbe.GetAsync(bundle.Port, untrusted)).Outcome);
        Assert.Equal(Refused, (await TlsProbe.GetAsync(firstOnly.Port, second)).Outcome);
    }

    [Fact]
    public async Task An_inline_CA_bundle_trusts_every_CA_too()
    {
        using var second = _certificates.Issue(_certificates.SecondCa, "inline-second", "CN=inline second", [TestCertificates.ClientAuth]);
        await using var server = await TlsTestServer.StartAsync(Server() with
        {
            ClientCaPem = File.ReadAllText(_certificates.CaBundlePath),
            ClientAuthType = ClientAuthType.RequireAndVerifyClientCert,
        });

        Assert.Equal("HTTP/1.1 200 OK CN=inline second", (await TlsProbe.GetAsync(server.Port, second)).Outcome);
    }

    // Each mode against: no certificate, a trusted client certificate, one from an unknown CA, and a trusted one for
    // servers only. Only the verifying modes look at the CA and the usage; RequestClientCert and VerifyClientCertIfGiven
    // let a client without a certificate in.
    [Theory]
    [InlineData(ClientAuthType.NoClientCert, NoCertificate, NoCertificate, NoCertificate, NoCertificate)]
    [InlineData(ClientAuthType.RequestClientCert, NoCertificate, "HTTP/1.1 200 OK CN=trusted", "HTTP/1.1 200 OK CN=untrusted", "HTTP/1.1 200 OK CN=server usage")]
    [InlineData(ClientAuthType.RequireAnyClientCert, Refused, "HTTP/1.1 200 OK CN=trusted", "HTTP/1.1 200 OK CN=untrusted", "HTTP/1.1 200 OK CN=server usage")]
    [InlineData(ClientAuthType.VerifyClientCertIfGiven, NoCertificate, "HTTP/1.1 200 OK CN=trusted", Refused, Refused)]
    [InlineData(ClientAuthType.RequireAndVerifyClientCert, Refused, "HTTP/1.1 200 OK CN=trusted", Refused, Refused)]
    public async Task Client_auth_types_ask_require_and_verify_as_in_go(ClientAuthType mode, string none, string trusted, string untrusted, string serverUsage)
    {
        var name = mode.ToString();
        using var trustedCertificate = _certificates.Issue(_certificates.Ca, $"{name}-trusted", "CN=trusted", [TestCertificates.ClientAuth]);
        using var untrustedCertificate = _certificates.Issue(_certificates.UntrustedCa, $"{name}-untrusted", "CN=untrusted", [TestCertificates.ClientAuth]);
        using var serverUsageCertificate = _certificates.Issue(_certificates.Ca, $"{name}-server-usage", "CN=server usage", [TestCertificates.ServerAuth]);
        var options = Server() with
        {
            ClientCaPath = mode == ClientAuthType.NoClientCert ? null : _certificates.CaPath,
            ClientAuthType = mode,
        };
        await using var server = await TlsTestServer.StartAsync(options);

        Assert.Equal(
            new[] { none, trusted, untrusted, serverUsage },
            new[]
            {
                (await TlsProbe.GetAsync(server.Port)).Outcome,
                (await TlsProbe.GetAsync(server.Port, trustedCertificate)).Outcome,
                (await TlsProbe.GetAsync(server.Port, untrustedCertificate)).Outcome,
                (await TlsProbe.GetAsync(server.Port, serverUsageCertificate)).Outcome,
            });
    }

    [Fact]
    public async Task Verifying_without_a_client_CA_uses_the_system_roots_which_do_not_hold_our_test_CA()
    {
        using var client = _certificates.LoadClient();
        await using var server = await TlsTestServer.StartAsync(Server() with { ClientAuthType = ClientAuthType.RequireAndVerifyClientCert });

        Assert.Equal(Refused, (await TlsProbe.GetAsync(server.Port, client)).Outcome);
    }

    [Theory]
    [InlineData("scraper.example")]
    [InlineData("SCRAPER.example")]
    [InlineData("10.0.0.7")]
    [InlineData("::1")]
    [InlineData("0:0:0:0:0:0:0:1")]
    [InlineData("scraper@example.org")]
    [InlineData("spiffe://example.org/prometheus")]
    public async Task A_client_certificate_carrying_one_of_the_allowed_sans_is_accepted(string allowed)
    {
        using var named = _certificates.Issue(_certificates.Ca, $"san-{Guid.NewGuid():N}", "CN=named", [TestCertificates.ClientAuth], AllNames);
        await using var server = await TlsTestServer.StartAsync(Verifying(_certificates.CaPath) with { ClientAllowedSans = ["other.example", allowed] });

        Assert.Equal("HTTP/1.1 200 OK CN=named", (await TlsProbe.GetAsync(server.Port, named)).Outcome);
    }

    [Fact]
    public async Task A_client_certificate_without_an_allowed_san_is_refused_even_when_it_chains_to_the_CA()
    {
        using var named = _certificates.Issue(_certificates.Ca, "san-other", "CN=named", [TestCertificates.ClientAuth], AllNames);
        using var unnamed = _certificates.Issue(_certificates.Ca, "san-none", "CN=scraper.example", [TestCertificates.ClientAuth]);
        await using var server = await TlsTestServer.StartAsync(Verifying(_certificates.CaPath) with { ClientAllowedSans = ["other.example", "10.0.0.8"] });

        Assert.Equal(Refused, (await TlsProbe.GetAsync(server.Port, named)).Outcome);

        // The subject's common name is not a SAN.
        Assert.Equal(Refused, (await TlsProbe.GetAsync(server.Port, unnamed)).Outcome);
    }

    [Fact]
    public async Task With_allowed_sans_an_optional_certificate_becomes_required_and_unverified_modes_still_check_the_sans()
    {
        using var named = _certificates.Issue(_certificates.UntrustedCa, "san-untrusted", "CN=named elsewhere", [TestCertificates.ClientAuth], AllNames);
        await using var ifGiven = await TlsTestServer.StartAsync(Server() with
        {
            ClientCaPath = _certificates.CaPath,
            ClientAuthType = ClientAuthType.VerifyClientCertIfGiven,
            ClientAllowedSans = ["scraper.example"],
        });
        await using var requireAny = await TlsTestServer.StartAsync(Server() with
        {
            ClientAuthType = ClientAuthType.RequireAnyClientCert,
            ClientAllowedSans = ["scraper.example"],
        });
        await using var requireAnyOther = await TlsTestServer.StartAsync(Server() with
        {
            ClientAuthType = ClientAuthType.RequireAnyClientCert,
            ClientAllowedSans = ["other.example"],
        });

        Assert.Equal(Refused, (await TlsProbe.GetAsync(ifGiven.Port)).Outcome);
        Assert.Equal("HTTP/1.1 200 OK CN=named elsewhere", (await TlsProbe.GetAsync(requireAny.Port, named)).Outcome);
        Assert.Equal(Refused, (await TlsProbe.GetAsync(requireAnyOther.Port, named)).Outcome);
    }

    private static void AllNames(SubjectAlternativeNameBuilder names)
    {
        names.AddDnsName("scraper.example");
        names.AddIpAddress(IPAddress.Parse("10.0.0.7"));
        names.AddIpAddress(IPAddress.IPv6Loopback);
        names.AddEmailAddress("scraper@example.org");
        names.AddUri(new Uri("spiffe://example.org/prometheus"));
    }

    private TlsOptions Server() => new() { CertificatePath = _certificates.ServerCertificatePath, KeyPath = _certificates.ServerKeyPath };

    private TlsOptions Verifying(string caPath) => Server() with { ClientCaPath = caPath, ClientAuthType = ClientAuthType.RequireAndVerifyClientCert };
}
