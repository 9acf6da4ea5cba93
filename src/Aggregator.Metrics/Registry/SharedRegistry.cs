namespace Aggregator.Metrics;

/// <summary>
/// A thread-safe registry for code outside workers: any thread may declare, update and collect. Updates take a
/// short lock per series; use a <see cref="WorkerRegistry"/> per worker where the hot path matters.
/// </summary>
public sealed class SharedRegistry : MetricRegistry
{
    /// <summary>Creates a shared registry sharing <paramref name="catalog"/>'s definitions (a private catalog when null).</summary>
    public SharedRegistry(MetricCatalog? catalog = null)
        : base(catalog, threadSafe: true)
    {
    }
}
