using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Aggregator.Hosting.Tests.Security;

/// <summary>Basic auth that leaks nothing, remembers only what it verified, and limits guessing per client address.</summary>
public sealed class BasicAuthenticationSpec
{
    // Cost 4, bcrypt's lowest, keeps the specs fast; the rules do not depend on the cost.
    private static readonly string AliceHash = PasswordHash.Create("wonderland", 4);
    private static readonly string BobHash = PasswordHash.Create("builder", 4);
    private static readonly string CarolHash = PasswordHash.Create("singer", 4);

    [Fact]
    public async Task Right_password_passes_and_wrong_or_missing_credentials_get_a_challenge()
    {
        using var auth = Create();

        var (right, _) = await AuthorizeAsync(auth, Basic("alice", "wonderland"));
        var (wrong, wrongContext) = await AuthorizeAsync(auth, Basic("alice", "wonder"));
        var (none, noneContext) = await AuthorizeAsync(auth, null);

        Assert.True(right);
        Assert.False(wrong);
        Assert.Equal(StatusCodes.Status401Unauthorized, wrongContext.Response.StatusCode);
        Assert.Equal("Basic realm=\"metrics\", charset=\"UTF-8\"", wrongContext.Response.Headers.WWWAuthenticate.ToString());
        Assert.False(none);
        Assert.Equal(StatusCodes.Status401Unauthorized, noneContext.Response.StatusCode);
    }

    [Fact]
    public async Task An_unknown_user_costs_a_verification_against_the_stand_in_hash_like_a_wrong_password()
    {
        using var auth = Create();

        var (unknown, context) = await AuthorizeAsync(auth, Basic("mallory", "wonderland"));
        Assert.False(unknown);
        Assert.Equal(StatusCodes.Status401Unauthorized, context.Response.StatusCode);
        Assert.Equal(1, auth.Verifications);

        await AuthorizeAsync(auth, Basic("alice", "guess"));
        Assert.Equal(2, auth.Verifications);
    }

    [Fact]
    public async Task Verified_credentials_are_remembered_by_user_and_password_not_by_header_spelling()
    {
        using var auth = Create();
        var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:wonderland"));

        Assert.True((await AuthorizeAsync(auth, "Basic " + encoded)).Passed);
        Assert.True((await AuthorizeAsync(auth, "basic " + encoded)).Passed);
        Assert.True((await AuthorizeAsync(auth, "BASIC " + encoded)).Passed);

        // Whitespace inside or around the credentials is not Go's basic auth, so the toolkit refuses it and so do we,
        // without verifying anything and without remembering anything.
        foreach (var variant in new[] { "Basic  " + encoded, "Basic " + encoded + " ", "Basic\t" + encoded, "Basic " + encoded[..4] + " " + encoded[4..] })
        {
            Assert.False((await AuthorizeAsync(auth, variant)).Passed);
        }

        Assert.Equal(1, auth.Verifications);
        Assert.Equal(1, auth.CachedCredentials);
    }

    [Theory]
    [InlineData("wonderland\0")]
    [InlineData("wonderland ")]
    [InlineData("Wonderland")]
    public async Task A_password_that_differs_in_any_byte_is_refused(string password)
    {
        using var auth = Create();

        Assert.False((await AuthorizeAsync(auth, Basic("alice", password))).Passed);
        Assert.Equal(0, auth.CachedCredentials);
    }

    [Fact]
    public async Task A_password_longer_than_bcrypt_reads_is_refused_instead_of_cut_to_72_bytes()
    {
        var long72 = new string('x', 72);
        using var auth = Create(new Dictionary<string, string> { ["alice"] = PasswordHash.Create(long72, 4) });

        Assert.True((await AuthorizeAsync(auth, Basic("alice", long72))).Passed);
        Assert.False((await AuthorizeAsync(auth, Basic("alice", long72 + "y"))).Passed);
    }

    [Fact]
    public async Task The_cache_keeps_the_most_recently_used_credentials_up_to_its_size()
    {
        using var auth = Create(limit: new PasswordAttemptLimit { VerifiedCacheSize = 2, Burst = 10, RefusalDelay = TimeSpan.Zero });

        await AuthorizeAsync(auth, Basic("alice", "wonderland"));
        await AuthorizeAsync(auth, Basic("bob", "builder"));
        await AuthorizeAsync(auth, Basic("alice", "wonderland"));
        await AuthorizeAsync(auth, Basic("carol", "singer"));
        Assert.Equal(3, auth.Verifications);
        Assert.Equal(2, auth.CachedCredentials);

        // Bob was the least recently used, so he alone is verified again.
        await AuthorizeAsync(auth, Basic("alice", "wonderland"));
        await AuthorizeAsync(auth, Basic("carol", "singer"));
        Assert.Equal(3, auth.Verifications);
        await AuthorizeAsync(auth, Basic("bob", "builder"));
        Assert.Equal(4, auth.Verifications);
    }

    [Fact]
    public async Task Guesses_beyond_the_burst_get_429_with_retry_after_and_cost_no_verification()
    {
        using var auth = Create(limit: new PasswordAttemptLimit { Burst = 3, Period = TimeSpan.FromMinutes(1), RefusalDelay = TimeSpan.Zero });
        var guesser = IPAddress.Parse("192.0.2.7");

        for (var i = 0; i < 3; i++)
        {
            var (_, refused) = await AuthorizeAsync(auth, Basic("alice", $"guess{i}"), guesser);
            Assert.Equal(StatusCodes.Status401Unauthorized, refused.Response.StatusCode);
        }

        var (passed, limited) = await AuthorizeAsync(auth, Basic("alice", "wonderland"), guesser);
        Assert.False(passed);
        Assert.Equal(StatusCodes.Status429TooManyRequests, limited.Response.StatusCode);
        Assert.Equal("60", limited.Response.Headers.RetryAfter.ToString());
        Assert.Equal(3, auth.Verifications);

        // Another address has its own bucket.
        Assert.True((await AuthorizeAsync(auth, Basic("alice", "wonderland"), IPAddress.Parse("192.0.2.8"))).Passed);
    }

    [Fact]
    public async Task Credentials_verified_before_pass_even_when_their_address_is_out_of_attempts()
    {
        using var auth = Create(limit: new PasswordAttemptLimit { Burst = 2, Period = TimeSpan.FromMinutes(1), RefusalDelay = TimeSpan.Zero });
        var shared = IPAddress.Parse("192.0.2.9");

        Assert.True((await AuthorizeAsync(auth, Basic("alice", "wonderland"), shared)).Passed);
        await AuthorizeAsync(auth, Basic("alice", "guess"), shared);
        Assert.Equal(StatusCodes.Status429TooManyRequests, (await AuthorizeAsync(auth, Basic("alice", "guess2"), shared)).Context.Response.StatusCode);

        Assert.True((await AuthorizeAsync(auth, Basic("alice", "wonderland"), shared)).Passed);
    }

    [Fact]
    public async Task A_refusal_waits_its_delay_and_a_client_that_hangs_up_frees_it()
    {
        using var auth = Create(limit: new PasswordAttemptLimit { Burst = 1, Period = TimeSpan.FromMinutes(1), RefusalDelay = TimeSpan.FromHours(1) });
        await AuthorizeAsync(auth, Basic("alice", "guess"));

        using var hangUp = new CancellationTokenSource();
        var context = new DefaultHttpContext { RequestAborted = hangUp.Token };
        context.Connection.RemoteIpAddress = IPAddress.Loopback;
        context.Request.Headers.Authorization = Basic("alice", "guess2");
        var pending = auth.AuthorizeAsync(context).AsTask();
        await Task.Delay(200);
        Assert.False(pending.IsCompleted);

        await hangUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
        Assert.Equal(1, auth.Verifications);
    }

    [Theory]
    [InlineData("192.0.2.1", "192.0.2.1")]
    [InlineData("::ffff:192.0.2.1", "192.0.2.1")]
    [InlineData("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2:ffff::1", "2001:db8:1:2::/64")]
    public void Client_addresses_share_a_bucket_per_IPv4_address_or_IPv6_64(string address, string partition) =>
        Assert.Equal(partition, BasicAuthentication.ClientPartition(IPAddress.Parse(address)));

    [Theory]
    [InlineData("Basic YWxpY2U6d29uZGVybGFuZA==", true, "alice", "wonderland")]
    [InlineData("Basic YWxpY2U6d29uZDpl", true, "alice", "wond:e")]
    [InlineData("Basic OnB3", true, "", "pw")]
    [InlineData("Basic YWxpY2U=", false, "", "")]
    [InlineData("Basic YWxpY2U6d29uZGVybGFuZA", false, "", "")]
    [InlineData("Bearer YWxpY2U6d29uZGVybGFuZA==", false, "", "")]
    [InlineData("Basic", false, "", "")]
    public void Credentials_are_read_as_Go_reads_them(string header, bool read, string user, string password)
    {
        Assert.Equal(read, BasicAuthentication.TryReadCredentials(header, out var readUser, out var readPassword));
        Assert.Equal(user, readUser);
        Assert.Equal(password, readPassword);
    }

    private static BasicAuthentication Create(IReadOnlyDictionary<string, string>? users = null, PasswordAttemptLimit? limit = null) =>
        new(new MetricsSecurityOptions
        {
            BasicAuthUsers = users ?? new Dictionary<string, string> { ["alice"] = AliceHash, ["bob"] = BobHash, ["carol"] = CarolHash },
            PasswordAttempts = limit ?? new PasswordAttemptLimit { RefusalDelay = TimeSpan.Zero },
        });

    private static string Basic(string user, string password) =>
        "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));

    private static async Task<(bool Passed, HttpContext Context)> AuthorizeAsync(BasicAuthentication auth, string? header, IPAddress? client = null)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = client ?? IPAddress.Loopback;
        if (header is not null)
        {
            context.Request.Headers.Authorization = header;
        }

        return (await auth.AuthorizeAsync(context), context);
    }
}
