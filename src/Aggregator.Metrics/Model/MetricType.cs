namespace Aggregator.Metrics;

/// <summary>The five metric types a family can have.</summary>
public enum MetricType
{
    /// <summary>A monotonically increasing value; exposed with the <c>_total</c> suffix.</summary>
    Counter,

    /// <summary>A value that goes up and down.</summary>
    Gauge,

    /// <summary>Observations counted into cumulative buckets, with <c>_sum</c> and <c>_count</c>.</summary>
    Histogram,

    /// <summary>Observations summarised as <c>_sum</c> and <c>_count</c> (no quantiles).</summary>
    Summary,

    /// <summary>A constant 1 whose labels carry information; exposed with the <c>_info</c> suffix.</summary>
    Info,
}
