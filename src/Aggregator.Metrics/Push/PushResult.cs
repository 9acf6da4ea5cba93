using System.Globalization;

namespace Aggregator.Metrics.Push;

/// <summary>The outcome of one push or delete: success, the gateway's status and its message (or the error's).</summary>
/// <param name="Success">True when the gateway answered 2xx.</param>
/// <param name="StatusCode">The HTTP status, or 0 when no answer came (unreachable, timed out).</param>
/// <param name="Message">The gateway's response body, or what went wrong.</param>
/// <param name="Url">The URL the request went to.</param>
public sealed record PushResult(bool Success, int StatusCode, string Message, Uri Url)
{
    /// <inheritdoc />
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{(Success ? "ok" : "failed")} {StatusCode} {Url}: {Message}");
}
