using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Aggregator.Hosting;

/// <summary>Checks a request's basic-auth credentials against <see cref="MetricsSecurityOptions.BasicAuthUsers"/>.</summary>
internal sealed class BasicAuthentication
{
    private readonly MetricsSecurityOptions _options;

    // PBKDF2 is slow on purpose; a scraper sends the same header every few seconds, so a verified header is remembered.
    private readonly ConcurrentDictionary<string, bool> _verified = new(StringComparer.Ordinal);

    public BasicAuthentication(MetricsSecurityOptions options)
    {
        _options = options;
        foreach (var (user, hash) in options.BasicAuthUsers)
        {
            try
            {
                PasswordHash.Validate(hash);
            }
            catch (FormatException error)
            {
                throw new ArgumentException($"Basic-auth user '{user}': {error.Message}", nameof(options), error);
            }
        }
    }

    public bool Enabled => _options.BasicAuthUsers.Count > 0;

    /// <summary>True when the request may pass; otherwise the response is set to 401 with a challenge.</summary>
    public bool Authorize(HttpContext context)
    {
        if (!Enabled)
        {
            return true;
        }

        var header = context.Request.Headers.Authorization.ToString();
        if (IsValid(header))
        {
            return true;
        }

        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = $"Basic realm=\"{_options.Realm}\", charset=\"UTF-8\"";
        return false;
    }

    private bool IsValid(string header)
    {
        if (!AuthenticationHeaderValue.TryParse(header, out var value)
            || !string.Equals(value.Scheme, "Basic", StringComparison.OrdinalIgnoreCase)
            || value.Parameter is null)
        {
            return false;
        }

        if (_verified.TryGetValue(value.Parameter, out var known))
        {
            return known;
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(value.Parameter));
        }
        catch (FormatException)
        {
            return false;
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        var valid = colon > 0
            && _options.BasicAuthUsers.TryGetValue(decoded[..colon], out var hash)
            && PasswordHash.Verify(decoded[(colon + 1)..], hash);

        // Only successes are remembered, so that guessing cannot grow the cache.
        if (valid)
        {
            _verified[value.Parameter] = true;
        }

        return valid;
    }
}
