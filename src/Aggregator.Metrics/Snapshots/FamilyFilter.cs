namespace Aggregator.Metrics;

/// <summary>
/// Which families a collection asks for: Prometheus' <c>name[]</c> parameters. A name selects a family by its family
/// name or by any sample name the family exposes (<c>x_total</c>, <c>x_bucket</c>, <c>x_count</c>, <c>x_sum</c>,
/// <c>x_created</c>, <c>x_info</c>). No names selects every family. It travels with a collection request to every node
/// and worker, so that only the selected families are gathered, merged, encoded and sent. Equal when the names are.
/// </summary>
public sealed class FamilyFilter : IEquatable<FamilyFilter>
{
    private readonly string[] _names;

    /// <summary>Creates a filter from names (null and empty ones are ignored; order and repetition do not matter).</summary>
    public FamilyFilter(IEnumerable<string?>? names)
    {
        _names = [.. (names ?? []).Where(n => !string.IsNullOrEmpty(n)).Select(n => n!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    /// <summary>The filter that keeps every family.</summary>
    public static FamilyFilter All { get; } = new([]);

    /// <summary>The names, sorted and distinct; empty for <see cref="All"/>.</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>True when every family is kept.</summary>
    public bool IsAll => _names.Length == 0;

    /// <summary>Whether the family <paramref name="definition"/> describes is kept.</summary>
    public bool Matches(MetricDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (_names.Length == 0)
        {
            return true;
        }

        var family = definition.Name;
        foreach (var name in _names)
        {
            if (name.Length >= family.Length
                && name.StartsWith(family, StringComparison.Ordinal)
                && (name.Length == family.Length || SampleNames.IsSuffix(definition.Type, name.AsSpan(family.Length))))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The families of <paramref name="snapshot"/> this filter keeps (the snapshot itself when it keeps all).</summary>
    public MetricsSnapshot Apply(MetricsSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (_names.Length == 0)
        {
            return snapshot;
        }

        var all = snapshot.FamiliesArray;
        var kept = Array.FindAll(all, f => Matches(f.Definition));
        return kept.Length == all.Length ? snapshot : MetricsSnapshot.FromSorted(kept);
    }

    /// <summary>
    /// <paramref name="previous"/> with the families this filter selects replaced by those of
    /// <paramref name="answer"/>, an answer to a request filtered by it: what a source is known to hold after a partial
    /// answer. With <see cref="All"/>, simply <paramref name="answer"/>.
    /// </summary>
    public MetricsSnapshot Update(MetricsSnapshot? previous, MetricsSnapshot answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        if (_names.Length == 0 || previous is null)
        {
            return answer;
        }

        var kept = previous.FamiliesArray.Where(f => !Matches(f.Definition));
        return new MetricsSnapshot(kept.Concat(answer.FamiliesArray.Where(f => Matches(f.Definition))));
    }

    /// <inheritdoc />
    public bool Equals(FamilyFilter? other) => other is not null && _names.AsSpan().SequenceEqual(other._names);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as FamilyFilter);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = default(HashCode);
        foreach (var name in _names)
        {
            hash.Add(name, StringComparer.Ordinal);
        }

        return hash.ToHashCode();
    }

    /// <inheritdoc />
    public override string ToString() => IsAll ? "all families" : string.Join(", ", _names);
}
