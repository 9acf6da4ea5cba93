namespace Aggregator.Metrics.Merging;

/// <summary>
/// A node collector's own copies of the label sets of its merged families, laid out in memory in exposition order, so
/// that writing a merged family reads its labels front to back instead of wherever each worker happened to allocate
/// them.
/// </summary>
/// <remarks>
/// Workers create their series on several threads at once and over their whole lives, so a large merged family's label
/// arrays and strings lie scattered across the heap in creation order, not in the sorted order the writers walk: at
/// 1,000,000 series that made text exposition of a node's merge 1.9 times as costly per series as at 10,000; copied in
/// order, 1.1 to 1.4 times (RESULTS.md). A family's copies are made once, when its series first appear, and
/// reused by every later merge: while a source hands the very same label array at the same place (a pointer
/// comparison), its copy is found without reading a character. Values repeated across a family (a method, a status)
/// share one copy; the first <see cref="MaxSharedValues"/> distinct ones do. Only families that several sources hold
/// are copied: one source's family passes through the merge as that source's own array, whose labels one thread made,
/// and a copy would cost a new array of series at each of its changes. Holds, per family of the last merge, the label
/// arrays it was given and their copies; not thread-safe (one collector owns it).
/// </remarks>
internal sealed class LabelCopies
{
    // Values past this many distinct ones per family are copied per series, not looked up: a label that tells series
    // apart (a path, an id) would otherwise keep every value it ever had in the table.
    internal const int MaxSharedValues = 4096;

    private readonly FamilyMemo<Entry> _families = new();

    /// <summary>How many label arrays were copied so far, for specs and benchmarks.</summary>
    public long CopiedLabelSets { get; private set; }

    /// <summary>
    /// Puts this collector's copies of their label values into <paramref name="merged"/>'s series, in place: the same
    /// values in the same order. The array must be the merge's own, never a source's.
    /// </summary>
    public SeriesSnapshot[] Apply(string family, SeriesSnapshot[] merged)
    {
        if (!_families.TryGet(family, out var entry))
        {
            _families.Set(family, entry = new Entry());
        }

        // The common case first: the sources hand the arrays of the last merge at the same places, so only the series
        // change; what the entry holds stays as it is.
        var before = entry.From;
        var beforeCopies = entry.Copies;
        var same = 0;
        var shorter = Math.Min(merged.Length, before.Length);
        while (same < shorter && ReferenceEquals(merged[same].LabelValuesArray, before[same]))
        {
            merged[same] = merged[same].WithLabelValues(beforeCopies[same]);
            same++;
        }

        if (same == merged.Length && same == before.Length)
        {
            return merged;
        }

        var (from, copies) = entry.Spare(merged.Length);
        Array.Copy(before, from, same);
        Array.Copy(beforeCopies, copies, same);
        var comparer = LabelValuesComparer.Instance;
        var p = same;
        for (var j = same; j < merged.Length; j++)
        {
            var labels = merged[j].LabelValuesArray;
            string[] copy;
            if (p < before.Length && ReferenceEquals(before[p], labels))
            {
                copy = beforeCopies[p++];
            }
            else
            {
                // Both are sorted: skip the series that are gone, then take the copy of equal values or make one.
                var c = 1;
                while (p < before.Length && (c = comparer.Compare(before[p], labels)) < 0)
                {
                    p++;
                }

                copy = c == 0 && p < before.Length ? beforeCopies[p++] : Copy(entry, labels);
            }

            from[j] = labels;
            copies[j] = copy;
            merged[j] = merged[j].WithLabelValues(copy);
        }

        entry.Swap(from, copies);
        return merged;
    }

    /// <summary>After a merge: forgets the families it did not see, so that what is held follows the live families.</summary>
    public void EndMerge() => _families.EndMerge();

    private string[] Copy(Entry entry, string[] labels)
    {
        if (labels.Length == 0)
        {
            return labels;
        }

        CopiedLabelSets++;
        var copy = new string[labels.Length];
        for (var i = 0; i < labels.Length; i++)
        {
            copy[i] = entry.Share(labels[i]);
        }

        return copy;
    }

    private sealed class Entry
    {
        private readonly Dictionary<string, string> _shared = new(StringComparer.Ordinal);
        private string[][] _spareFrom = [];
        private string[][] _spareCopies = [];

        // The label arrays the last merge was given, position by position, and the copies that stood for them.
        public string[][] From { get; private set; } = [];

        public string[][] Copies { get; private set; } = [];

        // The arrays of the merge before last, reused when the length is the same: a family merged every scrape does
        // not leave two arrays per scrape behind.
        public (string[][] From, string[][] Copies) Spare(int length) =>
            _spareFrom.Length == length ? (_spareFrom, _spareCopies) : (new string[length][], new string[length][]);

        public void Swap(string[][] from, string[][] copies)
        {
            (_spareFrom, _spareCopies) = (From, Copies);
            (From, Copies) = (from, copies);
        }

        public string Share(string value)
        {
            if (_shared.TryGetValue(value, out var shared))
            {
                return shared;
            }

            // A new string object, allocated now and next to the array that holds it, whatever the source's was.
            var copy = value.Length == 0 ? string.Empty : new string(value.AsSpan());
            if (_shared.Count < MaxSharedValues)
            {
                _shared.Add(copy, copy);
            }

            return copy;
        }
    }
}
