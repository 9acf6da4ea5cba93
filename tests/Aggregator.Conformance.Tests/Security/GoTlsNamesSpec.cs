using System.Net.Security;
using System.Security.Authentication;
using Aggregator.Hosting;

namespace Aggregator.Conformance.Tests.Security;

/// <summary>The exporter toolkit's (Go's) names for TLS versions, cipher suites and curves.</summary>
public sealed class GoTlsNamesSpec
{
    [Theory]
    [InlineData("TLS12", SslProtocols.Tls12)]
    [InlineData("TLS13", SslProtocols.Tls13)]
#pragma warning disable SYSLIB0039, CA5397 // The toolkit's names for the old versions still map.
    [InlineData("TLS10", SslProtocols.Tls)]
    [InlineData("TLS11", SslProtocols.Tls11)]
#pragma warning restore SYSLIB0039, CA5397
    public void Versions_map_by_the_toolkits_names(string name, SslProtocols expected) => Assert.Equal(expected, GoTlsNames.Version(name));

    [Fact]
    public void An_unknown_version_is_refused_by_name()
    {
        var error = Assert.Throws<ArgumentException>(() => GoTlsNames.Version("TLS1.2"));

        Assert.Equal("Unknown TLS version 'TLS1.2': expected one of TLS10, TLS11, TLS12, TLS13.", error.Message);
    }

    [Fact]
    public void A_version_range_holds_every_version_between_its_ends()
    {
#pragma warning disable SYSLIB0039, CA5397
        Assert.Equal(SslProtocols.Tls11 | SslProtocols.Tls12 | SslProtocols.Tls13, GoTlsNames.VersionRange(SslProtocols.Tls11, SslProtocols.Tls13));
#pragma warning restore SYSLIB0039, CA5397
        Assert.Equal(SslProtocols.Tls13, GoTlsNames.VersionRange(SslProtocols.Tls13, SslProtocols.Tls13));
    }

    [Fact]
    public void A_minimum_above_the_maximum_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => GoTlsNames.VersionRange(SslProtocols.Tls13, SslProtocols.Tls12));

        Assert.Equal("min_version TLS13 is above max_version TLS12: no TLS version would be left.", error.Message);
    }

    [Theory]
    [InlineData("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256)]
    [InlineData("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256)]
    [InlineData("TLS_RSA_WITH_AES_256_GCM_SHA384", TlsCipherSuite.TLS_RSA_WITH_AES_256_GCM_SHA384)]
    [InlineData("TLS_AES_256_GCM_SHA384", TlsCipherSuite.TLS_AES_256_GCM_SHA384)]
    public void Cipher_suites_map_by_gos_names(string name, TlsCipherSuite expected) => Assert.Equal(expected, GoTlsNames.CipherSuite(name));

    [Theory]
    [InlineData("TLS_RSA_WITH_RC4_128_SHA")]
    [InlineData("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256")]
    [InlineData("tls_ecdhe_rsa_with_aes_128_gcm_sha256")]
    [InlineData("TLS_NULL_WITH_NULL_NULL")]
    public void Suites_go_does_not_list_as_secure_are_refused_by_name(string name)
    {
        var error = Assert.Throws<ArgumentException>(() => GoTlsNames.CipherSuite(name));

        Assert.Equal($"Unknown cipher suite '{name}': cipher_suites takes Go's names of its secure suites, e.g. TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256.", error.Message);
    }

    [Fact]
    public void Curves_are_checked_by_the_toolkits_names()
    {
        Assert.Equal(["CurveP256", "CurveP384", "CurveP521", "X25519"], new[] { "CurveP256", "CurveP384", "CurveP521", "X25519" }.Select(GoTlsNames.Curve));
        var error = Assert.Throws<ArgumentException>(() => GoTlsNames.Curve("P-256"));
        Assert.Equal("Unknown curve 'P-256': expected one of CurveP256, CurveP384, CurveP521, X25519.", error.Message);
    }
}
