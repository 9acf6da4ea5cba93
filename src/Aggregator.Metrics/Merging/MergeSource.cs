namespace Aggregator.Metrics.Merging;

/// <summary>
/// One input of a merge: a source's name (a worker's path, a node's address), its snapshot, and the labels that tell
/// its series apart in a gauge whose policy is <see cref="GaugeMergePolicy.All"/>.
/// </summary>
public sealed class MergeSource
{
    /// <summary>
    /// The source label that marks a cluster-level merge: where sources carry it, a <see cref="MetricDefinition.PerNode"/>
    /// family keeps each node's series apart under it.
    /// </summary>
    public const string NodeLabel = "node";

    /// <summary>Creates a source whose <c>all</c>-gauge series get one label, <paramref name="sourceLabel"/>=<paramref name="name"/>.</summary>
    /// <param name="name">The source's unique name.</param>
    /// <param name="snapshot">What it reported.</param>
    /// <param name="sourceLabel">The label added to its <c>all</c>-gauge series: <c>worker</c> at a node, <c>node</c> in a cluster.</param>
    public MergeSource(string name, MetricsSnapshot snapshot, string sourceLabel = "worker")
        : this(name, snapshot, [new KeyValuePair<string, string>(sourceLabel, name)])
    {
    }

    /// <summary>
    /// Creates a source with explicit source labels, innermost first; a flat merge of every worker of a cluster uses
    /// <c>[worker=…, node=…]</c> so that it equals a merge of node merges.
    /// </summary>
    public MergeSource(string name, MetricsSnapshot snapshot, IReadOnlyList<KeyValuePair<string, string>> sourceLabels)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(sourceLabels);
        foreach (var label in sourceLabels)
        {
            MetricNames.ValidateLabelName(name, label.Key);
        }

        Name = name;
        Snapshot = snapshot;
        SourceLabels = sourceLabels;
    }

    /// <summary>The source's unique name.</summary>
    public string Name { get; }

    /// <summary>What the source reported.</summary>
    public MetricsSnapshot Snapshot { get; }

    /// <summary>
    /// The labels appended to this source's series of <c>all</c> gauges, innermost first; of these, <see cref="NodeLabel"/>
    /// is also appended to the series of per-node families.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string>> SourceLabels { get; }
}
