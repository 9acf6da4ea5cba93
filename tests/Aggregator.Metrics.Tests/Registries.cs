namespace Aggregator.Metrics.Tests;

/// <summary>Registries on a <see cref="ManualClock"/>, so that <c>_created</c> and timestamps are deterministic.</summary>
public static class Registries
{
    /// <summary>The default clock reading: 2023-11-14T22:13:20.500Z, i.e. 1700000000.5 epoch seconds.</summary>
    public const long T0 = 1_700_000_000_500;

    public static WorkerRegistry Worker(MetricsOptions? options = null, ManualClock? clock = null) =>
        new(Catalog(options, clock));

    public static SharedRegistry Shared(MetricsOptions? options = null, ManualClock? clock = null) =>
        new(Catalog(options, clock));

    public static MetricCatalog Catalog(MetricsOptions? options = null, ManualClock? clock = null) =>
        new((options ?? new MetricsOptions()) with { TimeProvider = clock ?? new ManualClock(T0) });
}
