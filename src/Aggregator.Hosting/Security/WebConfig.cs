namespace Aggregator.Hosting;

/// <summary>
/// What the exporter toolkit's web configuration file says (see <see cref="WebConfigFile"/>): TLS, HTTP/2, response
/// headers, basic-auth users and the request rate limit, as the options the server and the endpoint take.
/// </summary>
public sealed record WebConfig
{
    /// <summary>HTTPS settings (<c>tls_server_config</c>); null for plain HTTP, as when the file sets no certificate.</summary>
    public TlsOptions? Tls { get; init; }

    /// <summary>Whether HTTP/2 is offered over TLS (<c>http_server_config.http2</c>, default true).</summary>
    public bool Http2 { get; init; } = true;

    /// <summary>Basic-auth users, response headers and rate limits.</summary>
    public MetricsSecurityOptions Security { get; init; } = new();

    /// <summary>
    /// The one model from either source: the web config file when <paramref name="webConfigFile"/> is set, otherwise
    /// <paramref name="tls"/> and <paramref name="security"/>. A file and TLS or users in the options at once is an
    /// error, so that no setting is silently ignored; the options' realm and password-attempt limits, which the file
    /// format has no keys for, apply either way.
    /// </summary>
    /// <exception cref="WebConfigException">The file cannot be read, is wrong, or is combined with TLS or users in the options.</exception>
    public static WebConfig Resolve(string? webConfigFile, TlsOptions? tls, MetricsSecurityOptions? security)
    {
        if (string.IsNullOrEmpty(webConfigFile))
        {
            return new WebConfig { Tls = tls, Security = security ?? new MetricsSecurityOptions() };
        }

        if (tls is not null || security?.BasicAuthUsers.Count > 0)
        {
            throw new WebConfigException($"The web config file '{webConfigFile}' is set, so TLS and basic-auth users belong in it, not also in the options.");
        }

        var file = WebConfigFile.Load(webConfigFile);
        return security is null
            ? file
            : file with { Security = file.Security with { Realm = security.Realm, PasswordAttempts = security.PasswordAttempts } };
    }
}
