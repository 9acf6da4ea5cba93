using System.Globalization;

namespace Aggregator.Metrics;

/// <summary>
/// An info family: one series of value 1 whose labels carry information (a build's version, a machine's role).
/// Setting new label values replaces the previous ones. Exposed as <c>name_info</c>.
/// </summary>
public sealed class Info : MetricFamily
{
    private readonly Lock? _sync;
    private string[]? _labelValues;
    private long _timestampMs = SeriesSnapshot.NoTimestamp;

    internal Info(MetricDefinition definition, MetricRegistry registry, bool detached)
        : base(definition, registry, detached)
    {
        _sync = registry.IsThreadSafe ? new Lock() : null;
    }

    /// <inheritdoc />
    public override int SeriesCount => LabelValues is null ? 0 : 1;

    /// <inheritdoc />
    public override long DroppedSeries => 0;

    /// <summary>The current label values, or null before the first <see cref="Set"/>.</summary>
    public IReadOnlyList<string>? LabelValues
    {
        get
        {
            if (_sync is null)
            {
                return _labelValues;
            }

            lock (_sync)
            {
                return _labelValues;
            }
        }
    }

    /// <summary>Sets the label values (in label-name order), replacing the previous ones.</summary>
    /// <exception cref="ArgumentException">The number of values differs from the number of label names.</exception>
    /// <exception cref="ArgumentNullException">A value is null.</exception>
    public void Set(params ReadOnlySpan<string> labelValues)
    {
        var names = Definition.LabelNamesArray;
        if (labelValues.Length != names.Length)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"Info metric '{Definition.Name}' has {names.Length} label(s) [{string.Join(",", names)}] but {labelValues.Length} value(s) were given."),
                nameof(labelValues));
        }

        for (var i = 0; i < labelValues.Length; i++)
        {
            if (labelValues[i] is null)
            {
                throw new ArgumentNullException(nameof(labelValues), $"Info metric '{Definition.Name}': the value of label '{names[i]}' is null.");
            }
        }

        var values = labelValues.ToArray();
        var stamp = Definition.Timestamped ? Clock.GetUtcNow().ToUnixTimeMilliseconds() : SeriesSnapshot.NoTimestamp;
        if (_sync is null)
        {
            _labelValues = values;
            _timestampMs = stamp;
            return;
        }

        lock (_sync)
        {
            _labelValues = values;
            _timestampMs = stamp;
        }
    }

    internal override MetricFamilySnapshot Collect(MetricFamilySnapshot? previous = null)
    {
        string[]? values;
        long stamp;
        if (_sync is null)
        {
            (values, stamp) = (_labelValues, _timestampMs);
        }
        else
        {
            lock (_sync)
            {
                (values, stamp) = (_labelValues, _timestampMs);
            }
        }

        if (previous is not null && ReferenceEquals(previous.Definition, Definition)
            && (values is null ? previous.SeriesArray.Length == 0 : previous.SeriesArray is [var last] && last.SameAs(SeriesSnapshot.ForValue(values, 1, stamp))))
        {
            return previous;
        }

        SeriesSnapshot[] series = values is null ? [] : [SeriesSnapshot.ForValue(values, 1, stamp)];
        return new MetricFamilySnapshot(Definition, series, validate: false);
    }
}
