using System.Net.Security;
using System.Security.Authentication;

namespace Aggregator.Hosting;

/// <summary>
/// The names the exporter toolkit's web config uses for TLS settings, which are Go's <c>crypto/tls</c> names, mapped
/// to .NET's values. Each mapper throws <see cref="ArgumentException"/> naming an unknown value.
/// </summary>
internal static class GoTlsNames
{
    // Go's tls.CipherSuites(): the suites the toolkit accepts (IANA names, which are also TlsCipherSuite's names). The
    // TLS_RSA_* ones were in that list in the Go that built Debian's node_exporter 1.5.
    private static readonly HashSet<string> CipherSuiteNames = new(StringComparer.Ordinal)
    {
        "TLS_AES_128_GCM_SHA256",
        "TLS_AES_256_GCM_SHA384",
        "TLS_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
        "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
        "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
        "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
        "TLS_RSA_WITH_AES_128_CBC_SHA",
        "TLS_RSA_WITH_AES_256_CBC_SHA",
        "TLS_RSA_WITH_AES_128_GCM_SHA256",
        "TLS_RSA_WITH_AES_256_GCM_SHA384",
    };

    private static readonly HashSet<string> CurveNames = new(StringComparer.Ordinal) { "CurveP256", "CurveP384", "CurveP521", "X25519" };

    /// <summary>A cipher suite by its Go (IANA) name, e.g. <c>TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256</c>.</summary>
    public static TlsCipherSuite CipherSuite(string name) =>
        CipherSuiteNames.Contains(name) && Enum.TryParse<TlsCipherSuite>(name, out var suite)
            ? suite
            : throw new ArgumentException($"Unknown cipher suite '{name}'; the toolkit's names are Go's: {string.Join(", ", CipherSuiteNames)}.", nameof(name));

    /// <summary>A TLS version by its toolkit name: TLS10, TLS11, TLS12 or TLS13.</summary>
    public static SslProtocols TlsVersion(string name) => name switch
    {
#pragma warning disable SYSLIB0039, CA5397 // The toolkit accepts these names; whether OpenSSL still negotiates them is its policy.
        "TLS10" => SslProtocols.Tls,
        "TLS11" => SslProtocols.Tls11,
#pragma warning restore SYSLIB0039, CA5397
        "TLS12" => SslProtocols.Tls12,
        "TLS13" => SslProtocols.Tls13,
        _ => throw new ArgumentException($"Unknown TLS version '{name}'; use TLS10, TLS11, TLS12 or TLS13.", nameof(name)),
    };

    /// <summary>Checks a curve name: CurveP256, CurveP384, CurveP521 or X25519.</summary>
    public static string Curve(string name) =>
        CurveNames.Contains(name) ? name : throw new ArgumentException($"Unknown curve '{name}'; use CurveP256, CurveP384, CurveP521 or X25519.", nameof(name));
}
