namespace Aggregator.Hosting;

/// <summary>
/// Limits on password verification, which bcrypt makes slow on purpose: a request whose credentials were not verified
/// before takes a token from its client address's bucket (IPv6 addresses by /64, since one host holds a whole /64);
/// with the bucket empty it is answered 429 with <c>Retry-After</c>, after <see cref="RefusalDelay"/>. A scraper's
/// credentials are verified once and then remembered, so it never waits here. Configuration keys
/// <c>Node:PasswordAttempts:Burst</c>, <c>…:Period</c>, <c>…:RefusalDelay</c>, <c>…:ConcurrentVerifications</c>.
/// </summary>
public sealed record PasswordAttemptLimit
{
    /// <summary>Verifications one client address may start at once (default 5).</summary>
    public int Burst { get; init; } = 5;

    /// <summary>The time after which a spent token comes back (default 1 s: a guesser gets one try a second).</summary>
    public TimeSpan Period { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a refused request waits before its 429 (default 1 s). Waiting costs the server a timer and the
    /// guesser a connection, so a client that retries at once cannot spin the server's CPU with refusals.
    /// </summary>
    public TimeSpan RefusalDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Verifications running at once over all clients (default 1, the toolkit's); more wait their turn, so that
    /// guessers spread over many addresses still use at most this many cores.
    /// </summary>
    public int ConcurrentVerifications { get; init; } = 1;

    /// <summary>Credentials remembered after a successful verification (default 64), the least recently used forgotten first.</summary>
    public int VerifiedCacheSize { get; init; } = 64;
}
