namespace Aggregator.Metrics.Merging;

/// <summary>The one walk over two sorted arrays that merging needs at several levels (families by name, series by labels).</summary>
internal static class SortedUnion
{
    /// <summary>
    /// The items of <paramref name="a"/> and <paramref name="b"/> (each sorted by <paramref name="compare"/>) in order:
    /// an item only one array has as it is, two equal items as <paramref name="both"/> combines them.
    /// </summary>
    public static T[] Of<T>(T[] a, T[] b, Comparison<T> compare, Func<T, T, T> both)
    {
        var result = new List<T>(Math.Max(a.Length, b.Length));
        int i = 0, j = 0;
        while (i < a.Length || j < b.Length)
        {
            var c = i == a.Length ? 1 : j == b.Length ? -1 : compare(a[i], b[j]);
            if (c < 0)
            {
                result.Add(a[i++]);
            }
            else if (c > 0)
            {
                result.Add(b[j++]);
            }
            else
            {
                result.Add(both(a[i++], b[j++]));
            }
        }

        return [.. result];
    }

    /// <summary>Families ordered by name, as every snapshot holds them.</summary>
    public static int ByName(MetricFamilySnapshot x, MetricFamilySnapshot y) => string.CompareOrdinal(x.Name, y.Name);
}
