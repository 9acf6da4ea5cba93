namespace Aggregator.Metrics;

/// <summary>
/// A registry owned by one worker (an actor, or one thread): plain fields, no locks and no interlocked operations, and
/// no allocation once a series exists. Only its owner may touch it, including <see cref="MetricRegistry.Collect()"/>:
/// in an actor system the worker answers a collection request by collecting itself.
/// </summary>
public sealed class WorkerRegistry : MetricRegistry
{
    /// <summary>Creates a worker registry sharing <paramref name="catalog"/>'s definitions (a private catalog when null).</summary>
    public WorkerRegistry(MetricCatalog? catalog = null)
        : base(catalog, threadSafe: false)
    {
    }
}
