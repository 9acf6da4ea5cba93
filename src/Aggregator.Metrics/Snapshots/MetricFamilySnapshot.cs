using System.Globalization;

namespace Aggregator.Metrics;

/// <summary>One family at collection time: its definition and its series, sorted by label values. Immutable.</summary>
public sealed class MetricFamilySnapshot
{
    private readonly SeriesSnapshot[] _series;

    /// <summary>Creates a family snapshot, checking every series against the definition and sorting them.</summary>
    /// <param name="definition">The family's definition.</param>
    /// <param name="series">The series (the array is kept and may be sorted in place).</param>
    /// <exception cref="ArgumentException">A series has the wrong number of label values or buckets, a duplicate label set, or a null label value.</exception>
    public MetricFamilySnapshot(MetricDefinition definition, SeriesSnapshot[] series)
        : this(definition, series, validate: true)
    {
    }

    internal MetricFamilySnapshot(MetricDefinition definition, SeriesSnapshot[] series, bool validate)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(series);
        Definition = definition;
        _series = series;
        if (validate)
        {
            Validate();
        }
    }

    /// <summary>A family of one unlabelled series holding <paramref name="value"/> (a gauge or counter read from elsewhere).</summary>
    public static MetricFamilySnapshot OfValue(MetricDefinition definition, double value) =>
        new(definition, [SeriesSnapshot.ForValue([], value)]);

    /// <summary>The family's definition.</summary>
    public MetricDefinition Definition { get; }

    /// <summary>The family name (see <see cref="MetricDefinition.Name"/>).</summary>
    public string Name => Definition.Name;

    /// <summary>The series, sorted by label values.</summary>
    public IReadOnlyList<SeriesSnapshot> Series => _series;

    internal SeriesSnapshot[] SeriesArray => _series;

    private bool IsStrictlySorted()
    {
        for (var i = 1; i < _series.Length; i++)
        {
            if (LabelValuesComparer.Instance.Compare(_series[i - 1], _series[i]) >= 0)
            {
                return false;
            }
        }

        return true;
    }

    private void Validate()
    {
        var labelCount = Definition.LabelNamesArray.Length;
        var bucketCount = Definition.BucketsArray.Length + 1;
        foreach (var s in _series)
        {
            var values = s.LabelValuesArray;
            if (values is null || values.Length != labelCount)
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"A series of '{Name}' has {values?.Length ?? 0} label values; the family has {labelCount} label names."),
                    nameof(Series));
            }

            for (var i = 0; i < values.Length; i++)
            {
                if (values[i] is null)
                {
                    throw new ArgumentException($"A series of '{Name}' has a null value for label '{Definition.LabelNamesArray[i]}'.", nameof(Series));
                }
            }

            if (Definition.Type == MetricType.Histogram && (s.CumulativeBucketsArray?.Length ?? 0) != bucketCount)
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"A series of histogram '{Name}' has {s.CumulativeBucketsArray?.Length ?? 0} buckets; the family has {bucketCount} including +Inf."),
                    nameof(Series));
            }

            if ((s.Native is not null) != (Definition.NativeHistogram is not null))
            {
                throw new ArgumentException(
                    Definition.NativeHistogram is null
                        ? $"A series of histogram '{Name}' has native buckets; the family has none."
                        : $"A series of native histogram '{Name}' has no native buckets.",
                    nameof(Series));
            }
        }

        // Series usually arrive sorted (from a registry or off the wire): one pass tells, and only then is a sort needed.
        if (!IsStrictlySorted())
        {
            Array.Sort(_series, LabelValuesComparer.Instance);
            if (!IsStrictlySorted())
            {
                var duplicate = _series.Where((s, i) => i > 0 && LabelValuesComparer.Instance.Compare(_series[i - 1], s) == 0).First();
                throw new ArgumentException($"Family '{Name}' has two series with labels {{{string.Join(",", duplicate.LabelValuesArray)}}}.", nameof(Series));
            }
        }
    }
}
