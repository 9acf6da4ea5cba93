namespace Aggregator.Metrics;

/// <summary>A declared family inside one registry: its definition and its series.</summary>
public abstract class MetricFamily
{
    private protected MetricFamily(MetricDefinition definition, MetricRegistry registry, bool detached)
    {
        Definition = definition;
        Registry = registry;
        IsDetached = detached;
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

    /// <summary>
    /// A snapshot of the family; <paramref name="previous"/> itself (no copy) when it is this family's earlier snapshot
    /// and every series still holds the same values.
    /// </summary>
    internal abstract MetricFamilySnapshot Collect(MetricFamilySnapshot? previous = null);

    /// <summary>The series sorted by label values, for streaming them without a snapshot; null where there are none to stream.</summary>
    internal virtual MetricChild[]? SortedChildren() => null;
}
