namespace Aggregator.Metrics;

/// <summary>
/// A thread-safe registry for code outside workers: any thread may declare, update and collect. Updates take no lock:
/// a counter increments a padded cell owned by the updating thread (a histogram or summary does so once several threads
/// have observed it at once), summed at collection; other updates are interlocked operations on the series. Use a
/// <see cref="WorkerRegistry"/> per worker where the hot path matters: its updates are plain writes with no indirection.
/// </summary>
public sealed class SharedRegistry : MetricRegistry
{
    /// <summary>Creates a shared registry sharing <paramref name="catalog"/>'s definitions (a private catalog when null).</summary>
    public SharedRegistry(MetricCatalog? catalog = null)
        : base(catalog, threadSafe: true)
    {
    }
}
