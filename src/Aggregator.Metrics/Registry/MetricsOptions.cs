namespace Aggregator.Metrics;

/// <summary>
/// The policies shared by every registry of one <see cref="MetricCatalog"/> (in an actor system: every worker of the node).
/// </summary>
public sealed record MetricsOptions
{
    /// <summary>The default cap on series per family: past it new series are dropped and counted.</summary>
    public const int DefaultMaxSeriesPerFamily = 100_000;

    /// <summary>A prefix added, with an underscore, to every declared name; empty for none (the default).</summary>
    public string Namespace { get; init; } = string.Empty;

    /// <summary>
    /// Maps (type, name) to the exposed name (without namespace) at declaration; callers keep using the name they declared.
    /// Null (the default) exposes names as declared.
    /// </summary>
    public Func<MetricType, string, string>? NameCallback { get; init; }

    /// <summary>What declaring a taken name with a different definition does (default <see cref="NameConflictPolicy.Error"/>).</summary>
    public NameConflictPolicy NameConflictPolicy { get; init; } = NameConflictPolicy.Error;

    /// <summary>What name-based use of an undeclared name does (default <see cref="NameMissingPolicy.Error"/>).</summary>
    public NameMissingPolicy NameMissingPolicy { get; init; } = NameMissingPolicy.Error;

    /// <summary>The merge policy of gauges declared without one (default <see cref="GaugeMergePolicy.Max"/>).</summary>
    public GaugeMergePolicy DefaultGaugePolicy { get; init; } = GaugeMergePolicy.Max;

    /// <summary>The most series one family keeps in one registry (default <see cref="DefaultMaxSeriesPerFamily"/>).</summary>
    public int MaxSeriesPerFamily { get; init; } = DefaultMaxSeriesPerFamily;

    /// <summary>
    /// Which metric and label names declarations accept (default <see cref="Metrics.NameValidation.Legacy"/>):
    /// <c>aggregator.name-validation</c>. It also decides whether the namespace may hold UTF-8, and whether the
    /// Meter bridge keeps instrument names as declared (<c>http.server.request.duration_seconds</c>) or renames them.
    /// </summary>
    public NameValidation NameValidation { get; init; } = NameValidation.Legacy;

    /// <summary>The clock for timestamps, <c>_created</c> and set-to-current-time (default <see cref="TimeProvider.System"/>).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
