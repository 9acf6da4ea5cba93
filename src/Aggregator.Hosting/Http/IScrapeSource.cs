using Aggregator.Metrics;

namespace Aggregator.Hosting.Http;

/// <summary>Where a metrics endpoint gets its merged snapshot: this node, or the whole cluster.</summary>
public interface IScrapeSource
{
    /// <summary>The configured collection timeout; a scrape's timeout header can only lower it.</summary>
    TimeSpan CollectionTimeout { get; }

    /// <summary>Collects and merges what <paramref name="request"/> selects.</summary>
    Task<MetricsSnapshot> CollectAsync(ScrapeRequest request, CancellationToken cancellationToken);
}
