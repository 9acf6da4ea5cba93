using Akka.Actor;
using Aggregator.Actors;
using Aggregator.Cluster;
using Aggregator.Metrics;

namespace Aggregator.Hosting.Http;

/// <summary>
/// Serves the whole cluster by default: every selected member's node merge, merged again. <c>scope=node</c> serves
/// this node only; <c>node</c> and <c>role</c> query parameters select members.
/// </summary>
public sealed class ClusterScrapeSource : IScrapeSource
{
    private readonly AggregatorClusterExtension _cluster;
    private readonly NodeScrapeSource _node;

    /// <summary>Creates the source for <paramref name="system"/>, a cluster member (starting Aggregator there if needed).</summary>
    public ClusterScrapeSource(ActorSystem system)
    {
        _cluster = AggregatorClusterExtension.Get(system);
        _node = new NodeScrapeSource(system);
    }

    /// <inheritdoc />
    public TimeSpan CollectionTimeout => _cluster.Settings.CollectionTimeout;

    /// <inheritdoc />
    public async Task<MetricsSnapshot> CollectAsync(ScrapeRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.LocalOnly)
        {
            var nodeTimeout = request.Timeout < _node.CollectionTimeout ? request.Timeout : _node.CollectionTimeout;
            return await _node.CollectAsync(request with { Timeout = nodeTimeout }, cancellationToken).ConfigureAwait(false);
        }

        var nodes = request.Nodes.Count == 0 && request.Roles.Count == 0 ? null : new NodeSelection(request.Roles, request.Nodes);
        var workers = request.Workers.Count == 0 ? null : new WorkerSelection(request.Workers);
        var reply = await _cluster.CollectAsync(nodes, workers, request.Timeout, request.Families, cancellationToken).ConfigureAwait(false);
        return reply.Snapshot;
    }
}
