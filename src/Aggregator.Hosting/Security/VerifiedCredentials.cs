namespace Aggregator.Hosting;

/// <summary>
/// The credentials verified lately, by key (user and keyed password hash), at most a fixed number: the least recently
/// used is forgotten first. A scraper sends the same credentials every few seconds and stays in; nothing an attacker
/// sends can grow it, since only successful verifications enter.
/// </summary>
internal sealed class VerifiedCredentials(int capacity)
{
    private readonly Dictionary<string, LinkedListNode<string>> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<string> _recency = new();
    private readonly Lock _lock = new();

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    public bool Contains(string key)
    {
        lock (_lock)
        {
            if (!_entries.TryGetValue(key, out var node))
            {
                return false;
            }

            _recency.Remove(node);
            _recency.AddFirst(node);
            return true;
        }
    }

    public void Add(string key)
    {
        lock (_lock)
        {
            if (_entries.ContainsKey(key))
            {
                return;
            }

            if (_entries.Count >= capacity)
            {
                var oldest = _recency.Last!;
                _recency.RemoveLast();
                _entries.Remove(oldest.Value);
            }

            _entries[key] = _recency.AddFirst(key);
        }
    }
}
