namespace Aggregator.Hosting.Http;

/// <summary>What one scrape asks for: the selection from its query string and the time it may take.</summary>
/// <param name="Workers">Worker patterns (<c>worker</c> query parameters); empty for the configured selection.</param>
/// <param name="Timeout">The collection timeout for this scrape.</param>
public sealed record ScrapeRequest(IReadOnlyList<string> Workers, TimeSpan Timeout);
