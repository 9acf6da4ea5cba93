namespace Aggregator.Hosting;

/// <summary>The exporter toolkit's <c>rate_limit</c>: a token bucket over every request the endpoint receives.</summary>
/// <param name="Interval">The time between two requests once the burst is spent (<c>interval</c>).</param>
/// <param name="Burst">How many requests may come at once (<c>burst</c>).</param>
public sealed record RequestRateLimit(TimeSpan Interval, int Burst);
