using System.Globalization;
using System.Runtime.CompilerServices;

namespace Aggregator.Metrics;

/// <summary>A family whose series are children of type <typeparamref name="TChild"/>, found by label values.</summary>
/// <typeparam name="TChild">The child type.</typeparam>
public abstract class MetricFamily<TChild> : MetricFamily
    where TChild : MetricChild
{
    private readonly SeriesTable<TChild> _table = new();
    private readonly bool _shared;
    private readonly int _maxSeries;
    private TChild? _unlabelled;
    private TChild? _overflow;
    private long _dropped;

    private protected MetricFamily(MetricDefinition definition, MetricRegistry registry, bool detached)
        : base(definition, registry, detached)
    {
        _shared = registry.IsThreadSafe;
        _maxSeries = registry.Catalog.Options.MaxSeriesPerFamily;
    }

    /// <inheritdoc />
    public override int SeriesCount => _table.Count;

    /// <inheritdoc />
    public override long DroppedSeries => _dropped;

    /// <summary>The series of an unlabelled family.</summary>
    /// <exception cref="InvalidOperationException">The family has labels.</exception>
    public TChild Unlabelled => _unlabelled ?? ThrowHasLabels();

    /// <summary>
    /// The series with these label values (in label-name order), created on first use. Finding an existing series
    /// allocates nothing. Past the series cap a new series is dropped: the returned child records into nothing.
    /// </summary>
    /// <exception cref="ArgumentException">The number of values differs from the number of label names.</exception>
    /// <exception cref="ArgumentNullException">A value is null.</exception>
    public TChild WithLabels(params ReadOnlySpan<string> labelValues)
    {
        var hash = LabelHash.Of(labelValues);
        return _table.Find(labelValues, hash) ?? AddOrFind(labelValues, hash);
    }

    /// <summary>
    /// The series with these two label values (in label-name order), created on first use: the same as
    /// <see cref="WithLabels(ReadOnlySpan{string})"/>, with a faster lookup of an existing series.
    /// </summary>
    /// <exception cref="ArgumentException">The family does not have exactly two label names.</exception>
    /// <exception cref="ArgumentNullException">A value is null.</exception>
    public TChild WithLabels(string first, string second)
    {
        var hash = LabelHash.Of(first, second);
        return _table.Find(first, second, hash) ?? AddOrFind(first, second, hash);
    }

    internal override MetricChild[] SortedChildren()
    {
        if (!_shared)
        {
            return _table.Sorted();
        }

        lock (_table)
        {
            return _table.Sorted();
        }
    }

    internal override MetricFamilySnapshot Collect(MetricFamilySnapshot? previous = null)
    {
        var children = SortedChildren();

        // Copy on change: while every series equals the previous snapshot's at its position, nothing is allocated, so a
        // worker whose family did not change hands back the same instance (and the collector's merge is reused).
        var before = previous is not null && ReferenceEquals(previous.Definition, Definition) && previous.SeriesArray.Length == children.Length
            ? previous.SeriesArray
            : null;
        SeriesSnapshot[]? series = before is null ? new SeriesSnapshot[children.Length] : null;
        for (var i = 0; i < children.Length; i++)
        {
            if (series is null)
            {
                if (children[i].Unchanged(in before![i]))
                {
                    continue;
                }

                series = new SeriesSnapshot[children.Length];
                before.AsSpan(0, i).CopyTo(series);
            }

            series[i] = children[i].Snapshot();
        }

        return series is null ? previous! : new MetricFamilySnapshot(Definition, series, validate: false);
    }

    private protected abstract TChild CreateChild(string[] labelValues);

    /// <summary>Creates the one series of an unlabelled family, so that it is exposed (at zero) from declaration on.</summary>
    private protected void CreateUnlabelled()
    {
        if (Definition.LabelNamesArray.Length == 0)
        {
            _unlabelled = WithLabels([]);
        }
    }

    // Apart from WithLabels, so that its span and lock cost nothing on the path that finds the series.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private TChild AddOrFind(string first, string second, int hash) => AddOrFind([first, second], hash);

    // A shared registry finds without the lock and adds under it, finding again first: another thread may have added
    // the same series since.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private TChild AddOrFind(ReadOnlySpan<string> labelValues, int hash)
    {
        if (!_shared)
        {
            return AddSeries(labelValues, hash);
        }

        lock (_table)
        {
            return _table.Find(labelValues, hash) ?? AddSeries(labelValues, hash);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private TChild AddSeries(ReadOnlySpan<string> labelValues, int hash)
    {
        var names = Definition.LabelNamesArray;
        if (labelValues.Length != names.Length)
        {
            ThrowLabelCount(labelValues.Length, nameof(labelValues));
        }

        for (var i = 0; i < labelValues.Length; i++)
        {
            if (labelValues[i] is null)
            {
                throw new ArgumentNullException(nameof(labelValues), $"Metric '{Definition.Name}': the value of label '{names[i]}' is null.");
            }
        }

        var values = labelValues.ToArray();
        if (_table.Count >= _maxSeries)
        {
            _dropped++;
            return _overflow ??= CreateChild(values);
        }

        var child = CreateChild(values);
        _table.Add(child, hash);
        return child;
    }

    private void ThrowLabelCount(int given, string paramName)
    {
        var names = Definition.LabelNamesArray;
        throw new ArgumentException(
            string.Create(CultureInfo.InvariantCulture, $"Metric '{Definition.Name}' has {names.Length} label(s) [{string.Join(",", names)}] but {given} value(s) were given."),
            paramName);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private TChild ThrowHasLabels() =>
        throw new InvalidOperationException(
            $"Metric '{Definition.Name}' has labels [{string.Join(",", Definition.LabelNamesArray)}]: use WithLabels(...) to pick a series.");
}
