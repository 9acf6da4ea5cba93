namespace Aggregator.Hosting;

/// <summary>Where the standalone <see cref="MetricsServer"/> listens.</summary>
public sealed record MetricsServerOptions
{
    /// <summary>The default port, prometheus-tcl's: 1347.</summary>
    public const int DefaultPort = 1347;

    /// <summary>The address to bind (default 127.0.0.1; "0.0.0.0" for every interface).</summary>
    public string Address { get; init; } = "127.0.0.1";

    /// <summary>The port (default <see cref="DefaultPort"/>; 0 picks a free one).</summary>
    public int Port { get; init; } = DefaultPort;

    /// <summary>The metrics path (default /metrics); any other path gets 404.</summary>
    public string Path { get; init; } = "/metrics";

    /// <summary>
    /// Whether to serve the status page too (at <see cref="StatusPath"/> and that path + <c>.json</c>, same TLS and
    /// auth); null (the default) follows <c>aggregator.status-page</c>, which is off unless configured.
    /// </summary>
    public bool? StatusPage { get; init; }

    /// <summary>The status page's path (default /status).</summary>
    public string StatusPath { get; init; } = "/status";

    /// <summary>
    /// The exporter toolkit's web config file (<c>--web.config.file</c>): TLS, basic-auth users with bcrypt hashes,
    /// response headers and rate limit, read with <see cref="WebConfigFile"/>. Set either this or <see cref="Tls"/>
    /// and <see cref="Security"/>'s users.
    /// </summary>
    public string? WebConfigFile { get; init; }

    /// <summary>HTTPS (and mTLS) settings; null for plain HTTP.</summary>
    public TlsOptions? Tls { get; init; }

    /// <summary>Basic-auth users and password-attempt limits; none by default.</summary>
    public MetricsSecurityOptions? Security { get; init; }
}
