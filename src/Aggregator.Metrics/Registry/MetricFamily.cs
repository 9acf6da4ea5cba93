namespace Aggregator.Metrics;

/// <summary>A declared family inside one registry: its definition and its series.</summary>
public abstract class MetricFamily
{
    private protected MetricFamily(MetricDefinition definition, MetricRegistry registry, bool detached)
    {
        Definition = definition;
        Registry = registry;
        IsDetached = detached;
        SharedChildren = registry.IsThreadSafe;
        StampedChildren = definition.Timestamped
            || (definition.Type == MetricType.Gauge && definition.GaugePolicy == GaugeMergePolicy.MostRecent);

        // Decided once here so that each hot-path update tests one flag.
        ChildrenNeedSlowPath = SharedChildren || StampedChildren;
        ChildExemplarsNeedSlowPath = SharedChildren || !ReferenceEquals(Clock, TimeProvider.System);
    }

    /// <summary>The family's definition.</summary>
    public MetricDefinition Definition { get; }

    /// <summary>
    /// True when the name-conflict policy ignored this declaration: the family works but is exposed nowhere.
    /// </summary>
    public bool IsDetached { get; }

    /// <summary>How many series this family holds in its registry.</summary>
    public abstract int SeriesCount { get; }

    /// <summary>How many new series were refused because the family was at the registry's series cap.</summary>
    public abstract long DroppedSeries { get; }

    internal MetricRegistry Registry { get; }

    internal TimeProvider Clock => Registry.Catalog.Options.TimeProvider;

    // What every child of the family would otherwise hold for itself (see MetricChild): four flags there made each
    // child 8 bytes larger, where the family holds them once and is in cache whenever its children are updated.
    internal bool SharedChildren { get; }

    internal bool StampedChildren { get; }

    internal bool ChildrenNeedSlowPath { get; }

    internal bool ChildExemplarsNeedSlowPath { get; }

    /// <summary>
    /// A snapshot of the family; <paramref name="previous"/> itself (no copy) when it is this family's earlier snapshot
    /// and every series still holds the same values.
    /// </summary>
    internal abstract MetricFamilySnapshot Collect(MetricFamilySnapshot? previous = null);

    /// <summary>The series sorted by label values, for streaming them without a snapshot; null where there are none to stream.</summary>
    internal virtual MetricChild[]? SortedChildren() => null;
}
