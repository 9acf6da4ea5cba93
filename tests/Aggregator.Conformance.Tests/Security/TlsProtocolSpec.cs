using System.Net.Security;
using System.Security.Authentication;
using Aggregator.Conformance.Tests.Tools;
using Aggregator.Hosting;

namespace Aggregator.Conformance.Tests.Security;

/// <summary>min_version, max_version and cipher_suites as the exporter toolkit applies them, seen from a client.</summary>
public sealed class TlsProtocolSpec : IClassFixture<TestCertificates>
{
    private const string Ok = "HTTP/1.1 200 OK no certificate";

    private readonly TestCertificates _certificates;

    public TlsProtocolSpec(TestCertificates certificates) => _certificates = certificates;

    [Fact]
    public async Task By_default_tls_1_2_and_1_3_are_served()
    {
        await using var server = await TlsTestServer.StartAsync(Server());

        var tls12 = await TlsProbe.GetAsync(server.Port, protocols: SslProtocols.Tls12);
        var tls13 = await TlsProbe.GetAsync(server.Port, protocols: SslProtocols.Tls13);

        Assert.Equal((Ok, SslProtocols.Tls12), (tls12.Outcome, tls12.Protocol));
        Assert.Equal((Ok, SslProtocols.Tls13), (tls13.Outcome, tls13.Protocol));
    }

    [Fact]
    public async Task Max_version_tls12_refuses_a_tls_1_3_only_client()
    {
        await using var server = await TlsTestServer.StartAsync(Server() with { MaxVersion = SslProtocols.Tls12 });

        var tls13 = await TlsProbe.GetAsync(server.Port, protocols: SslProtocols.Tls13);
        var either = await TlsProbe.GetAsync(server.Port, protocols: SslProtocols.Tls12 | SslProtocols.Tls13);

        Assert.Equal(TlsProbe.Refused, tls13.Outcome);
        Assert.Equal((Ok, SslProtocols.Tls12), (either.Outcome, either.Protocol));
    }

    [Fact]
    public async Task Min_version_tls13_refuses_a_tls_1_2_only_client()
    {
        await using var server = await TlsTestServer.StartAsync(Server() with { MinVersion = SslProtocols.Tls13 });

        var tls12 = await TlsProbe.GetAsync(server.Port, protocols: SslProtocols.Tls12);
        var tls13 = await TlsProbe.GetAsync(server.Port, protocols: SslProtocols.Tls13);

        Assert.Equal(TlsProbe.Refused, tls12.Outcome);
        Assert.Equal((Ok, SslProtocols.Tls13), (tls13.Outcome, tls13.Protocol));
    }

    [Fact]
    public async Task Cipher_suites_restrict_tls_1_2_to_the_listed_suites()
    {
        await using var server = await TlsTestServer.StartAsync(Server() with { CipherSuites = [TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384] });

        var offeringBoth = await TlsProbe.GetAsync(
            server.Port,
            protocols: SslProtocols.Tls12,
            cipherSuites: [TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384]);
        var offeringOther = await TlsProbe.GetAsync(
            server.Port,
            protocols: SslProtocols.Tls12,
            cipherSuites: [TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256]);

        Assert.Equal((Ok, TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384), (offeringBoth.Outcome, offeringBoth.CipherSuite));
        Assert.Equal(TlsProbe.Refused, offeringOther.Outcome);
    }

    [Fact]
    public async Task Cipher_suites_leave_tls_1_3_with_all_its_suites_as_go_does()
    {
        await using var server = await TlsTestServer.StartAsync(Server() with { CipherSuites = [TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384] });

        var chacha = await TlsProbe.GetAsync(server.Port, protocols: SslProtocols.Tls13, cipherSuites: [TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256]);
        var aes128 = await TlsProbe.GetAsync(server.Port, protocols: SslProtocols.Tls13, cipherSuites: [TlsCipherSuite.TLS_AES_128_GCM_SHA256]);

        Assert.Equal((Ok, SslProtocols.Tls13, TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256), (chacha.Outcome, chacha.Protocol, chacha.CipherSuite));
        Assert.Equal((Ok, SslProtocols.Tls13, TlsCipherSuite.TLS_AES_128_GCM_SHA256), (aes128.Outcome, aes128.Protocol, aes128.CipherSuite));
    }

    [Fact]
    public async Task Cipher_suites_given_by_their_go_names_reach_the_handshake()
    {
        var suites = new[] { "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256" }.Select(GoTlsNames.CipherSuite).ToArray();
        await using var server = await TlsTestServer.StartAsync(Server() with { CipherSuites = suites, MaxVersion = GoTlsNames.Version("TLS12") });

        // .NET's client leaves ChaCha20 out of its default offer, so it is offered beside one the server refuses.
        var result = await TlsProbe.GetAsync(
            server.Port,
            cipherSuites: [TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TlsCipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256]);

        Assert.Equal((Ok, SslProtocols.Tls12, TlsCipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256), (result.Outcome, result.Protocol, result.CipherSuite));
    }

    private TlsOptions Server() => new() { CertificatePath = _certificates.ServerCertificatePath, KeyPath = _certificates.ServerKeyPath };
}
