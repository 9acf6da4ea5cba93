using System.Diagnostics.CodeAnalysis;

namespace Aggregator.Metrics.Merging;

/// <summary>
/// What a collector remembers of each family from one merge to the next, kept only for the families the last merge
/// touched, so that what is held follows the live families. Not thread-safe (one collector owns it).
/// </summary>
internal sealed class FamilyMemo<TEntry>
    where TEntry : class
{
    private readonly Dictionary<string, TEntry> _entries = new(StringComparer.Ordinal);
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

    /// <summary>The entry of <paramref name="family"/>, which this merge touched, if the last merge left one.</summary>
    public bool TryGet(string family, [MaybeNullWhen(false)] out TEntry entry)
    {
        _seen.Add(family);
        return _entries.TryGetValue(family, out entry);
    }

    /// <summary>Keeps <paramref name="entry"/> for <paramref name="family"/>, which this merge touched.</summary>
    public void Set(string family, TEntry entry)
    {
        _seen.Add(family);
        _entries[family] = entry;
    }

    /// <summary>Forgets <paramref name="family"/>'s entry.</summary>
    public void Remove(string family) => _entries.Remove(family);

    /// <summary>After a merge: forgets the families it did not touch.</summary>
    public void EndMerge()
    {
        List<string>? stale = null;
        foreach (var name in _entries.Keys)
        {
            if (!_seen.Contains(name))
            {
                (stale ??= []).Add(name);
            }
        }

        stale?.ForEach(name => _entries.Remove(name));
        _seen.Clear();
    }
}
