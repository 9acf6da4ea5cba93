namespace Aggregator.Metrics;

/// <summary>What declaring a name that is already taken by a different definition does.</summary>
public enum NameConflictPolicy
{
    /// <summary>Throw a <see cref="MetricConflictException"/> (the default).</summary>
    Error,

    /// <summary>
    /// Keep the first definition and do nothing: a typed declaration of the same type returns the
    /// existing family, one of another type returns a detached family whose updates are exposed nowhere.
    /// </summary>
    Ignore,
}
