namespace Aggregator.Hosting;

/// <summary>Who may scrape: HTTP basic auth against hashed passwords (and, on the standalone server, TLS).</summary>
public sealed record MetricsSecurityOptions
{
    /// <summary>
    /// User name → password hash (<see cref="PasswordHash"/>). Empty: no basic auth. Configuration key
    /// <c>Node:BasicAuth:Users:NAME</c>.
    /// </summary>
    public IReadOnlyDictionary<string, string> BasicAuthUsers { get; init; } = new Dictionary<string, string>();

    /// <summary>The realm sent with a 401 (default "metrics").</summary>
    public string Realm { get; init; } = "metrics";
}
