namespace Aggregator.Metrics.Merging;

/// <summary>
/// What a collector that merges the same sources again and again remembers between merges, so that a family whose
/// sources hold the same series in the same order is merged position by position instead of by comparing label values.
/// </summary>
/// <remarks>
/// Workers of one kind usually hold the same label sets, each under its own strings: proving two of them equal means
/// comparing every character, which was a third of a node's merge. A worker keeps each series' label array for the
/// series' life, so when a family's last merge found every source's label values equal position by position, and each
/// source now hands the very same arrays (a pointer comparison each), the positions still match and the merge combines
/// them in place: the same sums in the same order as the full merge. Anything else (a series more or less, another
/// source, a new array) takes the full merge, which records afresh. Holds, per family seen in the last merge, that
/// merge's inputs (references to arrays the collector keeps anyway); not thread-safe (one collector owns it).
/// </remarks>
internal sealed class AlignmentMemo
{
    private readonly FamilyMemo<Entry> _families = new();

    /// <summary>How many family merges took the positional path, for specs and benchmarks.</summary>
    public long AlignedMerges { get; private set; }

    /// <summary>True when <paramref name="inputs"/> from <paramref name="sources"/> hold the label arrays the last merge of <paramref name="family"/> found aligned.</summary>
    public bool IsAligned(string family, IReadOnlyList<string> sources, IReadOnlyList<SeriesSnapshot[]> inputs)
    {
        if (!_families.TryGet(family, out var entry) || entry.Sources.Length != sources.Count)
        {
            return false;
        }

        for (var i = 0; i < sources.Count; i++)
        {
            if (entry.Sources[i] != sources[i] || !SameLabelArrays(entry.Inputs[i], inputs[i]))
            {
                return false;
            }
        }

        AlignedMerges++;
        return true;
    }

    /// <summary>Remembers the label arrays of a full merge of <paramref name="family"/> that found its inputs aligned; forgets the family otherwise.</summary>
    public void Record(string family, IReadOnlyList<string> sources, IReadOnlyList<SeriesSnapshot[]> inputs, bool aligned)
    {
        if (aligned)
        {
            // The inputs themselves, not copies of their label arrays: recording costs nothing per series, and they
            // are the sources' last snapshots, which the collector holds until the next merge anyway.
            _families.Set(family, new Entry([.. sources], [.. inputs]));
        }
        else
        {
            _families.Remove(family);
        }
    }

    /// <summary>After a merge: forgets the families it did not see, so that what is held follows the live families.</summary>
    public void EndMerge() => _families.EndMerge();

    private static bool SameLabelArrays(SeriesSnapshot[] remembered, SeriesSnapshot[] input)
    {
        if (remembered.Length != input.Length)
        {
            return false;
        }

        for (var j = 0; j < input.Length; j++)
        {
            if (!ReferenceEquals(remembered[j].LabelValuesArray, input[j].LabelValuesArray))
            {
                return false;
            }
        }

        return true;
    }

    private sealed record Entry(string[] Sources, SeriesSnapshot[][] Inputs);
}
