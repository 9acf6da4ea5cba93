namespace Aggregator.Metrics;

/// <summary>How gauges of one series reported by several sources are combined into one value.</summary>
public enum GaugeMergePolicy
{
    /// <summary>The largest value wins, with that sample's timestamp (the default).</summary>
    Max,

    /// <summary>The smallest value wins, with that sample's timestamp.</summary>
    Min,

    /// <summary>The values are added; the newest timestamp is kept.</summary>
    Sum,

    /// <summary>The value with the newest update time wins.</summary>
    MostRecent,

    /// <summary>Every source's value is kept, told apart by a <c>worker</c> or <c>node</c> label.</summary>
    All,
}
