namespace Aggregator.Metrics;

/// <summary>One family of a collection: a registry's live family, or a snapshot (custom collectors, own counters).</summary>
internal readonly record struct GatheredFamily(MetricFamily? Family, MetricFamilySnapshot? Snapshot)
{
    public MetricDefinition Definition => Family?.Definition ?? Snapshot!.Definition;
}
