namespace Aggregator.Metrics;

/// <summary>
/// A thread-safe registry for code outside workers: any thread may declare, update and collect. Updates take no lock:
/// each is an interlocked operation on the series, and a counter, histogram or summary that several threads update at
/// once spreads over padded per-thread cells summed at collection. Use a <see cref="WorkerRegistry"/> per worker where
/// the hot path matters: it needs no interlocked operation at all.
/// </summary>
public sealed class SharedRegistry : MetricRegistry
{
    /// <summary>Creates a shared registry sharing <paramref name="catalog"/>'s definitions (a private catalog when null).</summary>
    public SharedRegistry(MetricCatalog? catalog = null)
        : base(catalog, threadSafe: true)
    {
    }
}
