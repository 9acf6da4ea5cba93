namespace Aggregator.Metrics;

/// <summary>
/// An exemplar as collected: its labels, the value recorded with it, when it was recorded (the time given with it, or
/// the time of recording) and the sources it passed through in merges. Immutable.
/// </summary>
/// <remarks>
/// Merges keep the newest exemplar per series (per bucket), by <see cref="Compare"/>: the later timestamp; on equal
/// timestamps the larger value, then the labels, then the sources in ordinal order, so that any order of merging picks
/// the same one. <see cref="Sources"/> names where it came from, innermost first (<c>worker</c>, then <c>node</c>),
/// each merge adding its source's labels that are not there yet.
/// </remarks>
public sealed class ExemplarSnapshot
{
    private readonly KeyValuePair<string, string>[] _labels;
    private readonly KeyValuePair<string, string>[] _sources;
    private KeyValuePair<string, string>[]? _exposed;

    /// <summary>Creates an exemplar snapshot.</summary>
    /// <param name="labels">Its labels (kept, not copied).</param>
    /// <param name="value">The value recorded with it.</param>
    /// <param name="timestampMs">When it was recorded, in epoch milliseconds.</param>
    /// <param name="sources">The merge sources it came through, innermost first (kept, not copied); null for none.</param>
    /// <exception cref="ArgumentException">A label or source name is not a valid label name, or a value is null.</exception>
    public ExemplarSnapshot(KeyValuePair<string, string>[] labels, double value, long timestampMs, KeyValuePair<string, string>[]? sources = null)
    {
        ArgumentNullException.ThrowIfNull(labels);
        Validate(labels, nameof(labels));
        Validate(sources ?? [], nameof(sources));
        _labels = labels;
        Value = value;
        TimestampMs = timestampMs;
        _sources = sources ?? [];
    }

    /// <summary>The exemplar's own labels, such as <c>trace_id</c> and <c>span_id</c>.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Labels => _labels;

    /// <summary>The value recorded with it (the increment, or the observed value).</summary>
    public double Value { get; }

    /// <summary>When it was recorded, in epoch milliseconds.</summary>
    public long TimestampMs { get; }

    /// <summary>The merge sources it came through, innermost first, such as <c>worker=…</c> then <c>node=…</c>.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Sources => _sources;

    /// <summary>
    /// The labels an exposition writes: its own, then the source labels that fit within
    /// <see cref="Exemplar.MaxLabelCharacters"/> characters in all, chosen outermost first (<c>node</c>, then
    /// <c>worker</c>) and written innermost first; a source label whose name the exemplar already has is left out.
    /// Computed once.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string>> ExposedLabels => _exposed ??= Expose();

    internal KeyValuePair<string, string>[] LabelsArray => _labels;

    internal KeyValuePair<string, string>[] SourcesArray => _sources;

    /// <summary>
    /// Orders exemplars from oldest to newest: by timestamp, then value, then labels and sources (ordinal). A total
    /// order, so that the newest of several is the same whatever order they are merged in.
    /// </summary>
    public static int Compare(ExemplarSnapshot a, ExemplarSnapshot b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (ReferenceEquals(a, b))
        {
            return 0;
        }

        var c = a.TimestampMs.CompareTo(b.TimestampMs);
        if (c != 0)
        {
            return c;
        }

        c = a.Value.CompareTo(b.Value);
        if (c != 0)
        {
            return c;
        }

        c = ComparePairs(a._labels, b._labels);
        return c != 0 ? c : ComparePairs(a._sources, b._sources);
    }

    /// <summary>Whether two exemplars (either may be null) have the same labels, value, time and sources.</summary>
    public static bool Same(ExemplarSnapshot? a, ExemplarSnapshot? b) =>
        ReferenceEquals(a, b)
        || (a is not null && b is not null
            && a.TimestampMs == b.TimestampMs
            && BitConverter.DoubleToInt64Bits(a.Value) == BitConverter.DoubleToInt64Bits(b.Value)
            && ComparePairs(a._labels, b._labels) == 0
            && ComparePairs(a._sources, b._sources) == 0);

    /// <summary>This exemplar with <paramref name="added"/>'s labels appended to its sources where it lacks their names.</summary>
    internal ExemplarSnapshot WithSources(IReadOnlyList<KeyValuePair<string, string>> added)
    {
        List<KeyValuePair<string, string>>? sources = null;
        foreach (var label in added)
        {
            if (Array.FindIndex(_sources, s => s.Key == label.Key) < 0 && (sources is null || !sources.Exists(s => s.Key == label.Key)))
            {
                (sources ??= [.. _sources]).Add(label);
            }
        }

        return sources is null ? this : new ExemplarSnapshot(_labels, Value, TimestampMs, [.. sources]);
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"{{{string.Join(",", _labels.Select(l => $"{l.Key}=\"{l.Value}\""))}}} {Value} @{TimestampMs} from [{string.Join(",", _sources.Select(l => $"{l.Key}={l.Value}"))}]";

    private KeyValuePair<string, string>[] Expose()
    {
        if (_sources.Length == 0)
        {
            return _labels;
        }

        var total = 0;
        foreach (var label in _labels)
        {
            total += Exemplar.CountCharacters(label.Key) + Exemplar.CountCharacters(label.Value);
        }

        var fits = new bool[_sources.Length];
        for (var i = _sources.Length - 1; i >= 0; i--)
        {
            var source = _sources[i];
            var size = Exemplar.CountCharacters(source.Key) + Exemplar.CountCharacters(source.Value);
            if (Array.FindIndex(_labels, l => l.Key == source.Key) < 0 && total + size <= Exemplar.MaxLabelCharacters)
            {
                fits[i] = true;
                total += size;
            }
        }

        return [.. _labels, .. _sources.Where((_, i) => fits[i])];
    }

    private static void Validate(KeyValuePair<string, string>[] labels, string parameter)
    {
        foreach (var label in labels)
        {
            if (!MetricNames.IsValidLabelName(label.Key) || label.Value is null)
            {
                throw new ArgumentException($"Exemplar label '{label.Key}' has an invalid name or a null value.", parameter);
            }
        }
    }

    private static int ComparePairs(KeyValuePair<string, string>[] a, KeyValuePair<string, string>[] b)
    {
        for (var i = 0; i < Math.Min(a.Length, b.Length); i++)
        {
            var c = string.CompareOrdinal(a[i].Key, b[i].Key);
            if (c == 0)
            {
                c = string.CompareOrdinal(a[i].Value, b[i].Value);
            }

            if (c != 0)
            {
                return c;
            }
        }

        return a.Length.CompareTo(b.Length);
    }
}
