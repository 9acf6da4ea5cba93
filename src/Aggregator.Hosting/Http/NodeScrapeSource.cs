using Akka.Actor;
using Aggregator.Actors;
using Aggregator.Metrics;

namespace Aggregator.Hosting.Http;

/// <summary>Serves this node: its workers, shared registry and custom collectors, merged.</summary>
public sealed class NodeScrapeSource : IScrapeSource
{
    private readonly AggregatorExtension _extension;

    /// <summary>Creates the source for <paramref name="system"/> (starting Aggregator there if needed).</summary>
    public NodeScrapeSource(ActorSystem system) => _extension = AggregatorExtension.Get(system);

    /// <inheritdoc />
    public TimeSpan CollectionTimeout => _extension.Settings.CollectionTimeout;

    /// <inheritdoc />
    public async Task<MetricsSnapshot> CollectAsync(ScrapeRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var selection = request.Workers.Count == 0 ? null : new WorkerSelection(request.Workers);
        var reply = await _extension.CollectAsync(selection, request.Timeout, request.Families, cancellationToken).ConfigureAwait(false);
        return reply.Snapshot;
    }
}
