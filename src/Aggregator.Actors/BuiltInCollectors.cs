namespace Aggregator.Actors;

/// <summary>Which built-in collectors Aggregator adds to the shared registry (<c>aggregator.collectors</c>).</summary>
public sealed record BuiltInCollectors
{
    /// <summary>Process CPU, memory, file descriptors, start time (default on).</summary>
    public bool Process { get; init; } = true;

    /// <summary>.NET GC and thread pool (default on).</summary>
    public bool Runtime { get; init; } = true;

    /// <summary>The System.Diagnostics.Metrics bridge (default on).</summary>
    public bool Meters { get; init; } = true;

    /// <summary>Meter-name prefixes the bridge listens to; empty for every meter.</summary>
    public IReadOnlyList<string> MeterPrefixes { get; init; } = [];

    /// <summary>Akka cluster membership on cluster members (default on).</summary>
    public bool Cluster { get; init; } = true;
}
