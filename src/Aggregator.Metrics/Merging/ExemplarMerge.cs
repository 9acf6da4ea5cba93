namespace Aggregator.Metrics.Merging;

/// <summary>
/// How exemplars merge: per series (per bucket), the newest of the sources' exemplars by
/// <see cref="ExemplarSnapshot.Compare"/>, a total order, so the choice is commutative and associative like the rest of
/// the merge. Before a source's series join a merge, its exemplars take the source's labels (<c>worker</c>, then
/// <c>node</c>) into <see cref="ExemplarSnapshot.Sources"/>, keeping those they already have, so a worker → node →
/// cluster merge names the same sources as one flat merge. Totals kept for retired sources carry no exemplars.
/// </summary>
internal static class ExemplarMerge
{
    /// <summary>Whether two exemplar arrays (either may be null) hold the same exemplars.</summary>
    public static bool SameExemplars(ExemplarSnapshot?[]? a, ExemplarSnapshot?[]? b)
    {
        if (ReferenceEquals(a, b))
        {
            return true;
        }

        if (a is null || b is null || a.Length != b.Length)
        {
            return false;
        }

        for (var i = 0; i < a.Length; i++)
        {
            if (!ExemplarSnapshot.Same(a[i], b[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Keeps in <paramref name="kept"/> the newer of its exemplar and <paramref name="next"/>'s, cell by cell, copying
    /// <paramref name="kept"/> before its first change unless <paramref name="owned"/>.
    /// </summary>
    public static void Newest(ref ExemplarSnapshot?[]? kept, ref bool owned, ExemplarSnapshot?[]? next)
    {
        if (next is null || ReferenceEquals(kept, next))
        {
            return;
        }

        if (kept is null || kept.Length != next.Length)
        {
            // A series without exemplars takes the other's as they are (arrays of another length cannot come from one shape).
            if (kept is null)
            {
                kept = next;
                owned = false;
            }

            return;
        }

        for (var i = 0; i < next.Length; i++)
        {
            var candidate = next[i];
            if (candidate is null || (kept[i] is { } current && ExemplarSnapshot.Compare(candidate, current) <= 0))
            {
                continue;
            }

            if (!owned)
            {
                kept = (ExemplarSnapshot?[])kept.Clone();
                owned = true;
            }

            kept[i] = candidate;
        }
    }

    /// <summary>
    /// <paramref name="series"/> with the source labels <paramref name="sourceLabels"/> added to its exemplars' sources;
    /// the same array when none of its series has an exemplar.
    /// </summary>
    public static SeriesSnapshot[] Attribute(SeriesSnapshot[] series, IReadOnlyList<KeyValuePair<string, string>> sourceLabels)
    {
        if (sourceLabels.Count == 0)
        {
            return series;
        }

        SeriesSnapshot[]? attributed = null;
        for (var i = 0; i < series.Length; i++)
        {
            var exemplars = series[i].ExemplarsArray;
            if (exemplars is null)
            {
                continue;
            }

            attributed ??= (SeriesSnapshot[])series.Clone();
            var relabeled = new ExemplarSnapshot?[exemplars.Length];
            for (var e = 0; e < exemplars.Length; e++)
            {
                relabeled[e] = exemplars[e]?.WithSources(sourceLabels);
            }

            attributed[i] = series[i].WithExemplars(relabeled);
        }

        return attributed ?? series;
    }

    /// <summary><paramref name="snapshot"/> without exemplars; the same snapshot when it has none.</summary>
    public static MetricsSnapshot Strip(MetricsSnapshot snapshot)
    {
        var families = snapshot.FamiliesArray;
        MetricFamilySnapshot[]? stripped = null;
        for (var f = 0; f < families.Length; f++)
        {
            var series = families[f].SeriesArray;
            SeriesSnapshot[]? bare = null;
            for (var i = 0; i < series.Length; i++)
            {
                if (series[i].ExemplarsArray is not null)
                {
                    bare ??= (SeriesSnapshot[])series.Clone();
                    bare[i] = series[i].WithExemplars(null);
                }
            }

            if (bare is not null)
            {
                stripped ??= (MetricFamilySnapshot[])families.Clone();
                stripped[f] = new MetricFamilySnapshot(families[f].Definition, bare, validate: false);
            }
        }

        return stripped is null ? snapshot : MetricsSnapshot.FromSorted(stripped);
    }

    /// <summary>Whether any series of <paramref name="snapshot"/> has an exemplar.</summary>
    public static bool Any(MetricsSnapshot snapshot)
    {
        foreach (var family in snapshot.FamiliesArray)
        {
            foreach (var series in family.SeriesArray)
            {
                if (series.ExemplarsArray is not null)
                {
                    return true;
                }
            }
        }

        return false;
    }
}
