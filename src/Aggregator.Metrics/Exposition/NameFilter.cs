namespace Aggregator.Metrics.Exposition;

/// <summary>The <c>name[]</c> query filter: keeps the families that any of the given names denotes.</summary>
public static class NameFilter
{
    /// <summary>
    /// Keeps the families named by <paramref name="names"/>. A name matches a family by its family name or by any
    /// sample name it exposes (<c>x_total</c>, <c>x_bucket</c>, <c>x_count</c>, <c>x_sum</c>, <c>x_created</c>,
    /// <c>x_info</c>). No names (or only empty ones) keeps everything.
    /// </summary>
    public static MetricsSnapshot Apply(MetricsSnapshot snapshot, IEnumerable<string?>? names)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return new FamilyFilter(names).Apply(snapshot);
    }
}
