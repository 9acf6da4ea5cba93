namespace Aggregator.Metrics.Merging;

/// <summary>
/// The <see cref="MergeEngine"/>'s state per selection, bounded: at most <see cref="Capacity"/> selections, the least
/// recently used evicted first, so that a client sending endless distinct selections costs a fixed amount of memory.
/// </summary>
internal sealed class SelectionCache(int capacity)
{
    private readonly Dictionary<IMergeSelection, LinkedListNode<Entry>> _entries = [];
    private readonly LinkedList<Entry> _recency = new();

    public int Capacity { get; } = capacity;

    public int Count => _entries.Count;

    public IEnumerable<Entry> Entries => _recency;

    /// <summary>The state of <paramref name="selection"/>, created empty when missing (evicting the least recently used).</summary>
    public Entry Touch(IMergeSelection selection)
    {
        if (_entries.TryGetValue(selection, out var node))
        {
            _recency.Remove(node);
            _recency.AddFirst(node);
            return node.Value;
        }

        if (_entries.Count >= Capacity && _recency.Last is { } oldest)
        {
            _entries.Remove(oldest.Value.Selection);
            _recency.RemoveLast();
        }

        node = _recency.AddFirst(new Entry(selection));
        _entries[selection] = node;
        return node.Value;
    }

    /// <summary>What the engine keeps for one selection.</summary>
    internal sealed class Entry(IMergeSelection selection)
    {
        public IMergeSelection Selection { get; } = selection;

        /// <summary>The sources' last monotonic answers to this selection, when they differ from the unfiltered ones.</summary>
        public Dictionary<string, MetricsSnapshot> Last { get; } = new(StringComparer.Ordinal);

        /// <summary>
        /// The folded totals of retired sources this selection matched but whose group it does not cover, from the time
        /// the entry was made: what keeps the selection monotonic across retirements.
        /// </summary>
        public MetricsSnapshot? Retired { get; set; }
    }
}
