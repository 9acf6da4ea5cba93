using System.Runtime.CompilerServices;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;

namespace Aggregator.Hosting.Http;

/// <summary>
/// What every Aggregator endpoint does before it answers, so that the metrics endpoint and the status page are guarded
/// alike: the configured response headers, the request rate limit (429), GET and HEAD only (405), then basic auth (401).
/// Endpoints given the same <see cref="MetricsSecurityOptions"/> instance share one gate (see <see cref="For"/>): one
/// request-rate bucket, one per-address password-attempt limit and one verified-credentials cache, so that a second
/// endpoint does not double what a client may try.
/// </summary>
internal sealed class RequestGate : IDisposable
{
    private static readonly ConditionalWeakTable<MetricsSecurityOptions, RequestGate> Shared = [];
    private static readonly Lock SharedLock = new();

    private readonly MetricsSecurityOptions _security;
    private readonly TokenBucketRateLimiter? _requests;
    private int _holders = 1;

    /// <exception cref="ArgumentException">A password hash or a limit is not valid; the message names it.</exception>
    private RequestGate(MetricsSecurityOptions? security)
    {
        _security = security ?? new MetricsSecurityOptions();
        Authentication = new BasicAuthentication(_security);
        if (_security.RequestRateLimit is { } limit)
        {
            _requests = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
            {
                TokenLimit = limit.Burst,
                TokensPerPeriod = 1,
                ReplenishmentPeriod = limit.Interval,
                QueueLimit = 0,
                AutoReplenishment = true,
            });
        }
    }

    /// <summary>
    /// The gate of <paramref name="security"/>: the one already held by another endpoint with the same options instance,
    /// or a new one. Each holder disposes it once; the last disposal releases it.
    /// </summary>
    /// <exception cref="ArgumentException">A password hash or a limit is not valid; the message names it.</exception>
    public static RequestGate For(MetricsSecurityOptions? security)
    {
        if (security is null)
        {
            return new RequestGate(null);
        }

        lock (SharedLock)
        {
            if (Shared.TryGetValue(security, out var held) && held._holders > 0)
            {
                held._holders++;
                return held;
            }

            var gate = new RequestGate(security);
            Shared.AddOrUpdate(security, gate);
            return gate;
        }
    }

    /// <summary>The security options in force.</summary>
    public MetricsSecurityOptions Security => _security;

    /// <summary>The basic-auth check.</summary>
    public BasicAuthentication Authentication { get; }

    /// <summary>True when the request may be answered; otherwise the response (429, 405 or 401) is already set.</summary>
    public async ValueTask<bool> AdmitAsync(HttpContext context)
    {
        var response = context.Response;
        foreach (var (name, value) in _security.ResponseHeaders)
        {
            response.Headers[name] = value;
        }

        if (_requests is not null)
        {
            using var lease = _requests.AttemptAcquire();
            if (!lease.IsAcquired)
            {
                response.StatusCode = StatusCodes.Status429TooManyRequests;
                return false;
            }
        }

        if (!HttpMethods.IsHead(context.Request.Method) && !HttpMethods.IsGet(context.Request.Method))
        {
            response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            response.Headers.Allow = "GET, HEAD";
            return false;
        }

        return await Authentication.AuthorizeAsync(context).ConfigureAwait(false);
    }

    public void Dispose()
    {
        lock (SharedLock)
        {
            if (--_holders > 0)
            {
                return;
            }

            if (Shared.TryGetValue(_security, out var held) && held == this)
            {
                Shared.Remove(_security);
            }
        }

        Authentication.Dispose();
        _requests?.Dispose();
    }
}
