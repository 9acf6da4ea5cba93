namespace Aggregator.Metrics;

/// <summary>The optional parts of one metric's declaration.</summary>
public sealed record MetricOptions
{
    /// <summary>The shared instance with every option at its default.</summary>
    public static readonly MetricOptions None = new();

    /// <summary>The HELP text; when null the exposed name is used.</summary>
    public string? Help { get; init; }

    /// <summary>The label names, in the order label values will be given.</summary>
    public IReadOnlyList<string> LabelNames { get; init; } = [];

    /// <summary>A namespace for this metric only, replacing the registry's; null to use the registry's.</summary>
    public string? Namespace { get; init; }

    /// <summary>Whether each update records an epoch-millisecond timestamp that the exposition shows.</summary>
    public bool Timestamped { get; init; }

    /// <summary>A gauge's merge policy across sources; null for the catalog's <see cref="MetricsOptions.DefaultGaugePolicy"/>.</summary>
    public GaugeMergePolicy? GaugePolicy { get; init; }

    /// <summary>
    /// Whether the metric describes the process it runs in (a per-process gauge or counter such as open connections or
    /// CPU time) rather than the actors' work: in a cluster scrape each node's series then keep a <c>node</c> label
    /// instead of being summed or maxed, and they are not retained once the node has left. See
    /// <see cref="MetricDefinition.PerNode"/>.
    /// </summary>
    public bool PerNode { get; init; }

    /// <summary>
    /// A histogram's bucket bounds; null for <see cref="Buckets.Default"/>, or, with <see cref="NativeHistogram"/>, for
    /// native buckets only.
    /// </summary>
    public IReadOnlyList<double>? Buckets { get; init; }

    /// <summary>A histogram's native (exponential) buckets; null for classic buckets only.</summary>
    public NativeHistogramOptions? NativeHistogram { get; init; }
}
