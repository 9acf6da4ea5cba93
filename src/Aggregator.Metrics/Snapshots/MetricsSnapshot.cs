namespace Aggregator.Metrics;

/// <summary>What a registry hands to a collector and the merge engine consumes: families sorted by name. Immutable.</summary>
public sealed class MetricsSnapshot
{
    private readonly MetricFamilySnapshot[] _families;

    /// <summary>Creates a snapshot; the families are sorted by name and must have distinct names.</summary>
    /// <exception cref="ArgumentException">Two families share a name.</exception>
    public MetricsSnapshot(IEnumerable<MetricFamilySnapshot> families)
    {
        ArgumentNullException.ThrowIfNull(families);
        _families = [.. families];
        Array.Sort(_families, static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        for (var i = 1; i < _families.Length; i++)
        {
            if (_families[i - 1].Name == _families[i].Name)
            {
                throw new ArgumentException($"Two families are named '{_families[i].Name}'.", nameof(families));
            }
        }
    }

    private MetricsSnapshot(MetricFamilySnapshot[] sortedFamilies, bool _) => _families = sortedFamilies;

    /// <summary>A snapshot with no families.</summary>
    public static MetricsSnapshot Empty { get; } = new([], false);

    /// <summary>The families, sorted by name.</summary>
    public IReadOnlyList<MetricFamilySnapshot> Families => _families;

    internal MetricFamilySnapshot[] FamiliesArray => _families;

    /// <summary>Finds a family by name.</summary>
    public MetricFamilySnapshot? Find(string name)
    {
        var lo = 0;
        var hi = _families.Length - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var c = string.CompareOrdinal(_families[mid].Name, name);
            if (c == 0)
            {
                return _families[mid];
            }

            if (c < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return null;
    }

    /// <summary>
    /// Whether <paramref name="other"/> holds the same families, series and values, bit for bit (NaN equals NaN): what
    /// lets a merge whose inputs did not change reuse its last result.
    /// </summary>
    internal bool SameContent(MetricsSnapshot other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        if (_families.Length != other._families.Length)
        {
            return false;
        }

        for (var f = 0; f < _families.Length; f++)
        {
            var (a, b) = (_families[f], other._families[f]);
            if (!ReferenceEquals(a, b) && (!a.Definition.Equals(b.Definition) || !SameSeries(a.SeriesArray, b.SeriesArray)))
            {
                return false;
            }
        }

        return true;
    }

    private static bool SameSeries(SeriesSnapshot[] a, SeriesSnapshot[] b)
    {
        if (a.Length != b.Length)
        {
            return false;
        }

        for (var i = 0; i < a.Length; i++)
        {
            if (!a[i].SameAs(b[i]))
            {
                return false;
            }
        }

        return true;
    }

    internal static MetricsSnapshot FromSorted(MetricFamilySnapshot[] sortedFamilies) => new(sortedFamilies, false);
}
