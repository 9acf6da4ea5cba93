namespace Aggregator.Metrics;

/// <summary>
/// A hash table from label values to a family's children that looks up by a span of strings, so a lookup of an
/// existing series allocates nothing. Not thread-safe: the family guards it in a shared registry.
/// </summary>
internal sealed class SeriesTable<TChild>
    where TChild : MetricChild
{
    // A power of two, so that a bucket is found with a mask rather than a division.
    private const int InitialCapacity = 4;

    private int[] _buckets = new int[InitialCapacity];
    private Entry[] _entries = new Entry[InitialCapacity];
    private TChild[]? _sorted;

    public int Count { get; private set; }

    public TChild? Find(ReadOnlySpan<string> labelValues, int hash)
    {
        var entries = _entries;
        for (var i = _buckets[hash & (_buckets.Length - 1)] - 1; (uint)i < (uint)entries.Length; i = entries[i].Next)
        {
            ref var entry = ref entries[i];
            if (entry.Hash == hash && labelValues.SequenceEqual(entry.Child.LabelValuesArray))
            {
                return entry.Child;
            }
        }

        return null;
    }

    /// <summary>As <see cref="Find(ReadOnlySpan{string}, int)"/> for two values, without a span or a loop over it.</summary>
    public TChild? Find(string first, string second, int hash)
    {
        var entries = _entries;
        for (var i = _buckets[hash & (_buckets.Length - 1)] - 1; (uint)i < (uint)entries.Length; i = entries[i].Next)
        {
            ref var entry = ref entries[i];
            if (entry.Hash == hash)
            {
                // Callers mostly pass the same string objects (literals, cached values) the series was created with.
                var values = entry.Child.LabelValuesArray;
                if (values.Length == 2
                    && (ReferenceEquals(values[0], first) || string.Equals(values[0], first))
                    && (ReferenceEquals(values[1], second) || string.Equals(values[1], second)))
                {
                    return entry.Child;
                }
            }
        }

        return null;
    }

    public void Add(TChild child, int hash)
    {
        if (Count == _entries.Length)
        {
            Grow();
        }

        var index = Count++;
        ref var bucket = ref _buckets[hash & (_buckets.Length - 1)];
        _entries[index] = new Entry { Hash = hash, Next = bucket - 1, Child = child };
        bucket = index + 1;
        _sorted = null;
    }

    /// <summary>The children sorted by label values; cached until the next <see cref="Add"/>.</summary>
    public TChild[] Sorted()
    {
        if (_sorted is { } sorted)
        {
            return sorted;
        }

        sorted = new TChild[Count];
        for (var i = 0; i < sorted.Length; i++)
        {
            sorted[i] = _entries[i].Child;
        }

        Array.Sort(sorted, static (a, b) => LabelValuesComparer.Instance.Compare(a.LabelValuesArray, b.LabelValuesArray));
        return _sorted = sorted;
    }

    private void Grow()
    {
        var size = _entries.Length * 2;
        Array.Resize(ref _entries, size);
        _buckets = new int[size];
        for (var i = 0; i < Count; i++)
        {
            ref var entry = ref _entries[i];
            ref var bucket = ref _buckets[entry.Hash & (size - 1)];
            entry.Next = bucket - 1;
            bucket = i + 1;
        }
    }

    private struct Entry
    {
        public int Hash;
        public int Next;
        public TChild Child;
    }
}
