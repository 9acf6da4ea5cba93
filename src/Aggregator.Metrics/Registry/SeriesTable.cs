using System.Runtime.CompilerServices;

namespace Aggregator.Metrics;

/// <summary>
/// A hash table from label values to a family's children that looks up by a span of strings, so a lookup of an
/// existing series allocates nothing. One writer at a time (the family locks around adds in a shared registry);
/// finds may run beside an add without a lock: they then either see the new series or miss it, never a torn entry.
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
        var buckets = Volatile.Read(ref _buckets);
        var entries = Volatile.Read(ref _entries);
        for (var i = Volatile.Read(ref buckets[hash & (buckets.Length - 1)]) - 1; (uint)i < (uint)entries.Length; i = entries[i].Next)
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
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TChild? Find(string first, string second, int hash)
    {
        var buckets = Volatile.Read(ref _buckets);
        var entries = Volatile.Read(ref _entries);
        for (var i = Volatile.Read(ref buckets[hash & (buckets.Length - 1)]) - 1; (uint)i < (uint)entries.Length; i = entries[i].Next)
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

        // Published after the entry is complete, for a reader that finds without the lock.
        Volatile.Write(ref bucket, index + 1);
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
        // Built aside and published entries first, buckets second: a reader without the lock that still has the old
        // buckets walks chains of the new entries, which may miss (it then retries under the lock) but never loops,
        // since every chain link points to an earlier entry.
        var size = _entries.Length * 2;
        var entries = new Entry[size];
        Array.Copy(_entries, entries, Count);
        var buckets = new int[size];
        for (var i = 0; i < Count; i++)
        {
            ref var entry = ref entries[i];
            ref var bucket = ref buckets[entry.Hash & (size - 1)];
            entry.Next = bucket - 1;
            bucket = i + 1;
        }

        Volatile.Write(ref _entries, entries);
        Volatile.Write(ref _buckets, buckets);
    }

    private struct Entry
    {
        public int Hash;
        public int Next;
        public TChild Child;
    }
}
