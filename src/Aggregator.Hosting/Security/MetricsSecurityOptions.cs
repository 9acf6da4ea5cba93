namespace Aggregator.Hosting;

/// <summary>
/// Who may scrape, and how hard guessing is: HTTP basic auth against hashed passwords, the web config file's request
/// rate limit and response headers, and the limits on password verification. TLS is in <see cref="TlsOptions"/>.
/// </summary>
public sealed record MetricsSecurityOptions
{
    /// <summary>
    /// User name → password hash (bcrypt or PBKDF2, see <see cref="PasswordHash"/>). Empty: no basic auth. Web config
    /// <c>basic_auth_users</c>; configuration key <c>Node:BasicAuth:Users:NAME</c>.
    /// </summary>
    public IReadOnlyDictionary<string, string> BasicAuthUsers { get; init; } = new Dictionary<string, string>();

    /// <summary>The realm sent with a 401 (default "metrics").</summary>
    public string Realm { get; init; } = "metrics";

    /// <summary>Headers added to every response (web config <c>http_server_config.headers</c>); none by default.</summary>
    public IReadOnlyDictionary<string, string> ResponseHeaders { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// A limit on all requests, as the toolkit's <c>rate_limit</c>: one request per <see cref="RequestRateLimit.Interval"/>
    /// with bursts of <see cref="RequestRateLimit.Burst"/>; beyond it, 429. Null (the default): no limit.
    /// </summary>
    public RequestRateLimit? RequestRateLimit { get; init; }

    /// <summary>How often one client address may have a password verified (only credentials not verified before cost a verification).</summary>
    public PasswordAttemptLimit PasswordAttempts { get; init; } = new();

    /// <summary>Checks every password hash and limit, as the endpoint does when it is created.</summary>
    /// <exception cref="ArgumentException">A hash or a limit is not valid; the message names the user or the limit.</exception>
    public void Validate()
    {
        foreach (var (user, hash) in BasicAuthUsers)
        {
            try
            {
                PasswordHash.Validate(hash);
            }
            catch (FormatException error)
            {
                throw new ArgumentException($"Basic-auth user '{user}': {error.Message}", nameof(BasicAuthUsers), error);
            }
        }

        Require(PasswordAttempts.Burst >= 1, $"PasswordAttempts.Burst must be at least 1, not {PasswordAttempts.Burst}.");
        Require(PasswordAttempts.Period > TimeSpan.Zero, $"PasswordAttempts.Period must be above zero, not {PasswordAttempts.Period}.");
        Require(PasswordAttempts.RefusalDelay >= TimeSpan.Zero, $"PasswordAttempts.RefusalDelay cannot be negative ({PasswordAttempts.RefusalDelay}).");
        Require(PasswordAttempts.ConcurrentVerifications >= 1, $"PasswordAttempts.ConcurrentVerifications must be at least 1, not {PasswordAttempts.ConcurrentVerifications}.");
        Require(PasswordAttempts.VerifiedCacheSize >= 1, $"PasswordAttempts.VerifiedCacheSize must be at least 1, not {PasswordAttempts.VerifiedCacheSize}.");
        if (RequestRateLimit is { } limit)
        {
            Require(limit.Interval > TimeSpan.Zero, $"RequestRateLimit.Interval must be above zero, not {limit.Interval}.");
            Require(limit.Burst >= 1, $"RequestRateLimit.Burst must be at least 1, not {limit.Burst}.");
        }
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException(message);
        }
    }
}
