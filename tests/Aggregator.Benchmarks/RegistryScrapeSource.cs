using Aggregator.Hosting.Http;
using Aggregator.Metrics;

namespace Aggregator.Benchmarks;

/// <summary>
/// Serves one registry's snapshot through our metrics endpoint, so that a benchmark can scrape our HTTP path over the
/// same series as a peer's exporter, without workers or a merge in between.
/// </summary>
internal sealed class RegistryScrapeSource(MetricRegistry registry) : IScrapeSource
{
    /// <inheritdoc />
    public TimeSpan CollectionTimeout => TimeSpan.FromSeconds(10);

    /// <inheritdoc />
    public Task<MetricsSnapshot> CollectAsync(ScrapeRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(registry.Collect());
}
