using System.Net.Security;
using System.Security.Authentication;

namespace Aggregator.Hosting;

/// <summary>
/// The exporter toolkit's names for TLS versions, cipher suites and curves (Go's <c>crypto/tls</c> names), mapped to
/// .NET's. The web config parser reads <c>min_version</c>, <c>max_version</c>, <c>cipher_suites</c> and
/// <c>curve_preferences</c> through these.
/// </summary>
internal static class GoTlsNames
{
#pragma warning disable SYSLIB0039, CA5397 // TLS 1.0 and 1.1 are obsolete, but the toolkit accepts their names, so a config may ask for them.
    private static readonly (string Name, SslProtocols Protocol)[] Versions =
    [
        ("TLS10", SslProtocols.Tls),
        ("TLS11", SslProtocols.Tls11),
        ("TLS12", SslProtocols.Tls12),
        ("TLS13", SslProtocols.Tls13),
    ];
#pragma warning restore SYSLIB0039, CA5397

    // Go's tls.CipherSuites() as of Go 1.19, which built Debian's node_exporter 1.5.0 (exporter toolkit 0.8.2): the
    // toolkit looks names up there only, so RC4, 3DES and the CBC-SHA256 suites are unknown to it, and so to us. Go's
    // names are the IANA names, which TlsCipherSuite also uses.
    private static readonly HashSet<string> CipherSuiteNames = new(StringComparer.Ordinal)
    {
        "TLS_RSA_WITH_AES_128_CBC_SHA",
        "TLS_RSA_WITH_AES_256_CBC_SHA",
        "TLS_RSA_WITH_AES_128_GCM_SHA256",
        "TLS_RSA_WITH_AES_256_GCM_SHA384",
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
    };

    private static readonly string[] CurveNames = ["CurveP256", "CurveP384", "CurveP521", "X25519"];

    /// <summary>The TLS 1.3 suites, which Go always offers whatever <c>cipher_suites</c> says.</summary>
    public static IReadOnlyList<TlsCipherSuite> Tls13CipherSuites { get; } =
    [
        TlsCipherSuite.TLS_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256,
    ];

    /// <summary>The version named <paramref name="name"/> (<c>TLS10</c>, <c>TLS11</c>, <c>TLS12</c>, <c>TLS13</c>).</summary>
    /// <exception cref="ArgumentException">The name is none of these; the message names it.</exception>
    public static SslProtocols Version(string name)
    {
        foreach (var (known, protocol) in Versions)
        {
            if (string.Equals(known, name, StringComparison.Ordinal))
            {
                return protocol;
            }
        }

        throw new ArgumentException($"Unknown TLS version '{name}': expected one of {string.Join(", ", Versions.Select(v => v.Name))}.");
    }

    /// <summary>The toolkit's name of <paramref name="protocol"/> (for messages), or its .NET name if it is not a single version.</summary>
    public static string VersionName(SslProtocols protocol)
    {
        foreach (var (name, known) in Versions)
        {
            if (known == protocol)
            {
                return name;
            }
        }

        return protocol.ToString();
    }

    /// <summary>
    /// The TLS versions from <paramref name="min"/> to <paramref name="max"/>, as one set of flags.
    /// </summary>
    /// <exception cref="ArgumentException">Either is not a single version, or <paramref name="min"/> is above <paramref name="max"/>.</exception>
    public static SslProtocols VersionRange(SslProtocols min, SslProtocols max)
    {
        var low = Array.FindIndex(Versions, v => v.Protocol == min);
        var high = Array.FindIndex(Versions, v => v.Protocol == max);
        if (low < 0)
        {
            throw new ArgumentException($"min_version {min} is not one TLS version; expected one of {string.Join(", ", Versions.Select(v => v.Name))}.");
        }

        if (high < 0)
        {
            throw new ArgumentException($"max_version {max} is not one TLS version; expected one of {string.Join(", ", Versions.Select(v => v.Name))}.");
        }

        if (low > high)
        {
            throw new ArgumentException($"min_version {Versions[low].Name} is above max_version {Versions[high].Name}: no TLS version would be left.");
        }

        var range = SslProtocols.None;
        for (var i = low; i <= high; i++)
        {
            range |= Versions[i].Protocol;
        }

        return range;
    }

    /// <summary>The cipher suite Go calls <paramref name="goName"/>, e.g. <c>TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256</c>.</summary>
    /// <exception cref="ArgumentException">Go's list of secure suites has no such name; the message names it.</exception>
    public static TlsCipherSuite CipherSuite(string goName)
    {
        if (goName is null || !CipherSuiteNames.Contains(goName))
        {
            throw new ArgumentException($"Unknown cipher suite '{goName}': cipher_suites takes Go's names of its secure suites, e.g. TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256.");
        }

        return Enum.Parse<TlsCipherSuite>(goName);
    }

    /// <summary>Checks that <paramref name="name"/> is one of the toolkit's curve names and returns it.</summary>
    /// <exception cref="ArgumentException">It is not (CurveP256, CurveP384, CurveP521, X25519); the message names it.</exception>
    public static string Curve(string name) =>
        CurveNames.Contains(name, StringComparer.Ordinal)
            ? name
            : throw new ArgumentException($"Unknown curve '{name}': expected one of {string.Join(", ", CurveNames)}.");
}
