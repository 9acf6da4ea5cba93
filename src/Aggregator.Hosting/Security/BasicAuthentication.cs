using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;

namespace Aggregator.Hosting;

/// <summary>
/// Checks a request's basic-auth credentials against <see cref="MetricsSecurityOptions.BasicAuthUsers"/> so that it
/// leaks nothing and costs a guesser more than it costs the server: an unknown user is verified against a stand-in
/// hash of the same cost; verified credentials are remembered in a bounded cache keyed by the user and a keyed hash
/// of the password; verifications are limited per client address (429 with <c>Retry-After</c>) and over all clients.
/// </summary>
internal sealed class BasicAuthentication : IDisposable
{
    private const string BasicPrefix = "Basic ";

    private readonly MetricsSecurityOptions _options;
    private readonly Dictionary<string, PasswordHash.PasswordVerifier> _users;
    private readonly PasswordHash.PasswordVerifier? _standIn;
    private readonly VerifiedCredentials _verified;
    private readonly PartitionedRateLimiter<string>? _attempts;
    private readonly SemaphoreSlim _verifying;

    // The cache holds HMACs of passwords under a key that lives only in this process, so a memory dump of the cache
    // gives nothing to guess offline.
    private readonly byte[] _cacheKeySecret = RandomNumberGenerator.GetBytes(32);

    private long _verifications;

    public BasicAuthentication(MetricsSecurityOptions options)
    {
        options.Validate();
        _options = options;
        _users = options.BasicAuthUsers.ToDictionary(u => u.Key, u => PasswordHash.Parse(u.Value), StringComparer.Ordinal);
        var limit = options.PasswordAttempts;
        _verified = new VerifiedCredentials(limit.VerifiedCacheSize);
        _verifying = new SemaphoreSlim(limit.ConcurrentVerifications, limit.ConcurrentVerifications);
        if (_users.Count > 0)
        {
            _standIn = StandIn(_users.Values);
            _attempts = PartitionedRateLimiter.Create<string, string>(client => RateLimitPartition.GetTokenBucketLimiter(
                client,
                _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = limit.Burst,
                    TokensPerPeriod = 1,
                    ReplenishmentPeriod = limit.Period,
                    QueueLimit = 0,
                    AutoReplenishment = true,
                }));
        }
    }

    public bool Enabled => _users.Count > 0;

    /// <summary>How many passwords were verified (known users and the stand-in alike): the specs' window on the cache.</summary>
    internal long Verifications => Interlocked.Read(ref _verifications);

    /// <summary>How many verified credentials are remembered.</summary>
    internal int CachedCredentials => _verified.Count;

    /// <summary>True when the request may pass; otherwise the response is set to 401 with a challenge, or 429.</summary>
    public async ValueTask<bool> AuthorizeAsync(HttpContext context)
    {
        if (!Enabled)
        {
            return true;
        }

        if (!TryReadCredentials(context.Request.Headers.Authorization.ToString(), out var user, out var password))
        {
            Challenge(context);
            return false;
        }

        var known = _users.TryGetValue(user, out var verifier);
        var cacheKey = CacheKey(user, password);
        if (known && _verified.Contains(cacheKey))
        {
            return true;
        }

        using var lease = _attempts!.AttemptAcquire(ClientPartition(context.Connection.RemoteIpAddress));
        if (!lease.IsAcquired)
        {
            await RefuseAsync(context, lease).ConfigureAwait(false);
            return false;
        }

        await _verifying.WaitAsync(context.RequestAborted).ConfigureAwait(false);
        bool valid;
        try
        {
            Interlocked.Increment(ref _verifications);
            valid = (verifier ?? _standIn!).Verify(password) && known;
        }
        finally
        {
            _verifying.Release();
        }

        if (valid)
        {
            _verified.Add(cacheKey);
            return true;
        }

        Challenge(context);
        return false;
    }

    public void Dispose()
    {
        _attempts?.Dispose();
        _verifying.Dispose();
    }

    /// <summary>
    /// Reads <c>Basic BASE64(user:password)</c> as Go's <c>Request.BasicAuth</c> does, so that a header the exporter
    /// toolkit refuses is refused here too: one space after the scheme, then strict base64 (no whitespace inside).
    /// </summary>
    internal static bool TryReadCredentials(string header, out string user, out string password)
    {
        user = password = string.Empty;
        if (!header.StartsWith(BasicPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var encoded = header.AsSpan(BasicPrefix.Length);
        foreach (var c in encoded)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('+' or '/' or '='))
            {
                return false;
            }
        }

        var bytes = new byte[encoded.Length];
        if (!Convert.TryFromBase64Chars(encoded, bytes, out var length))
        {
            return false;
        }

        var decoded = Encoding.UTF8.GetString(bytes, 0, length);
        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return false;
        }

        user = decoded[..colon];
        password = decoded[(colon + 1)..];
        return true;
    }

    /// <summary>The rate-limit partition of a client: its IPv4 address, or the /64 its IPv6 address is in.</summary>
    internal static string ClientPartition(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes).ToString() + "/64";
    }

    private static PasswordHash.PasswordVerifier StandIn(IEnumerable<PasswordHash.PasswordVerifier> verifiers)
    {
        // The scheme and work factor most users have (the costliest on a tie), so that an unknown user takes as long
        // as a typical known one; with one user, exactly as long.
        var typical = verifiers
            .GroupBy(v => v.Parameters)
            .OrderByDescending(g => g.Count())
            .ThenByDescending(g => g.Key.Work)
            .First()
            .First();
        return typical.CreateDummy();
    }

    private string CacheKey(string user, string password)
    {
        var userBytes = Encoding.UTF8.GetBytes(user);
        var passwordBytes = Encoding.UTF8.GetBytes(password);
        var message = new byte[4 + userBytes.Length + passwordBytes.Length];
        BinaryPrimitives.WriteInt32BigEndian(message, userBytes.Length);
        userBytes.CopyTo(message, 4);
        passwordBytes.CopyTo(message, 4 + userBytes.Length);
        return Convert.ToBase64String(HMACSHA256.HashData(_cacheKeySecret, message));
    }

    private void Challenge(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = $"Basic realm=\"{_options.Realm}\", charset=\"UTF-8\"";
    }

    private async Task RefuseAsync(HttpContext context, RateLimitLease lease)
    {
        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : _options.PasswordAttempts.Period;
        await Task.Delay(_options.PasswordAttempts.RefusalDelay, context.RequestAborted).ConfigureAwait(false);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync($"Too many password attempts from this address; retry after {seconds} s.\n", context.RequestAborted).ConfigureAwait(false);
    }
}
