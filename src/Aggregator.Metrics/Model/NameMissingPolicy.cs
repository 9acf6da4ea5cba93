namespace Aggregator.Metrics;

/// <summary>What a name-based operation on a name that was never declared does.</summary>
public enum NameMissingPolicy
{
    /// <summary>Throw a <see cref="MetricNotFoundException"/> (the default).</summary>
    Error,

    /// <summary>Do nothing.</summary>
    Ignore,
}
