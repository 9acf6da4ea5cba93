using System.Globalization;

namespace Aggregator.Metrics;

/// <summary>
/// A custom collector of a registry, with what it takes to hold its output to the rules a declared metric keeps: a
/// counter is never NaN, negative or lower than it was; an info series is 1; counts are never negative or lower than
/// they were. For the "lower than it was" rule it keeps, per monotonic series it returned last time, the value last
/// exposed; a series it stops returning is forgotten, so the state is as large as the collector's latest output.
/// </summary>
internal sealed class CustomCollector
{
    // Family name → its type and its monotonic series' last exposed values, sorted by label values like the series.
    private Dictionary<string, (MetricType Type, LastValue[] Series)> _last = new(StringComparer.Ordinal);

    public CustomCollector(string name, Func<IEnumerable<MetricFamilySnapshot>> collect)
    {
        Name = name;
        Collect = collect;
    }

    /// <summary>The name it was added under, the <c>collector</c> label of its errors.</summary>
    public string Name { get; }

    /// <summary>The callback.</summary>
    public Func<IEnumerable<MetricFamilySnapshot>> Collect { get; }

    /// <summary>Held by the caller for the whole of a run, from calling <see cref="Collect"/> to <see cref="Check"/>.</summary>
    public Lock RunLock { get; } = new();

    /// <summary>
    /// Checks one run's families (those whose names were free) and remembers their monotonic values for the next run;
    /// the caller holds <see cref="RunLock"/>.
    /// </summary>
    /// <param name="families">The families, in the order the collector returned them.</param>
    /// <param name="errors">Gets, for each family with invalid series, an error naming the first one and how many there were.</param>
    /// <returns>Each family with its invalid series left out (the same instance when none was).</returns>
    public MetricFamilySnapshot[] Check(List<MetricFamilySnapshot> families, List<Exception> errors)
    {
        var checkedFamilies = new MetricFamilySnapshot[families.Count];
        var last = new Dictionary<string, (MetricType Type, LastValue[] Series)>(StringComparer.Ordinal);
        for (var i = 0; i < families.Count; i++)
        {
            var family = families[i];
            var previous = _last.TryGetValue(family.Name, out var p) && p.Type == family.Definition.Type ? p.Series : [];
            checkedFamilies[i] = CheckFamily(family, previous, out var remembered, errors);
            if (remembered.Length > 0)
            {
                last[family.Name] = (family.Definition.Type, remembered);
            }
        }

        _last = last;
        return checkedFamilies;
    }

    private MetricFamilySnapshot CheckFamily(MetricFamilySnapshot family, LastValue[] previous, out LastValue[] remembered, List<Exception> errors)
    {
        var type = family.Definition.Type;
        var series = family.SeriesArray;
        var monotonic = type is MetricType.Counter or MetricType.Histogram or MetricType.Summary;
        var kept = monotonic ? new List<LastValue>(series.Length) : null;
        List<SeriesSnapshot>? valid = null;
        var invalid = 0;
        string? firstReason = null;
        var p = 0;
        for (var i = 0; i < series.Length; i++)
        {
            var s = series[i];

            // Both lists are sorted by label values: one walk pairs each series with its last value.
            while (p < previous.Length && LabelValuesComparer.Instance.Compare(previous[p].LabelValues, s.LabelValuesArray) < 0)
            {
                p++;
            }

            double? before = p < previous.Length && LabelValuesComparer.Instance.Compare(previous[p].LabelValues, s.LabelValuesArray) == 0
                ? previous[p].Value
                : null;
            var reason = Invalid(type, s, before, out var value);
            if (reason is null)
            {
                kept?.Add(new LastValue(s.LabelValuesArray, value));
                valid?.Add(s);
                continue;
            }

            // A series left out keeps the value it had, so that it is shown again only once it is back above it.
            if (before is { } high)
            {
                kept?.Add(new LastValue(s.LabelValuesArray, high));
            }

            if (invalid++ == 0)
            {
                firstReason = $"{Labels(family.Definition, s)} {reason}";
                valid = [.. series.AsSpan(0, i)];
            }
        }

        remembered = kept is null ? [] : [.. kept];
        if (invalid == 0)
        {
            return family;
        }

        errors.Add(new InvalidOperationException(string.Create(
            CultureInfo.InvariantCulture,
            $"Collector '{Name}' returned {invalid} invalid series of {MetricDefinition.TypeName(type)} '{family.Name}', left out: {firstReason}.")));
        return new MetricFamilySnapshot(family.Definition, [.. valid!], validate: false);
    }

    /// <summary>Why a series breaks its type's rules, or null; <paramref name="value"/> is what "lower than it was" compares.</summary>
    private static string? Invalid(MetricType type, SeriesSnapshot series, double? before, out double value)
    {
        switch (type)
        {
            case MetricType.Counter:
                value = series.Value;
                return !(value >= 0) ? Describe($"has value {value}, and a counter is never NaN or negative")
                    : value < before ? Describe($"has value {value}, below the {before} it had, and a counter never goes down")
                    : null;
            case MetricType.Histogram:
                value = series.Count;

                // Cumulative counts never decrease (SeriesSnapshot.ForHistogram checks it), so the first is the least.
                var first = series.CumulativeBucketsArray![0];
                return first < 0 ? Describe($"has bucket count {first}, and a count is never negative")
                    : value < before ? Describe($"has count {value}, below the {before} it had, and a count never goes down")
                    : null;
            case MetricType.Summary:
                value = series.Count;
                return value < 0 ? Describe($"has count {value}, and a count is never negative")
                    : value < before ? Describe($"has count {value}, below the {before} it had, and a count never goes down")
                    : null;
            case MetricType.Info:
                value = series.Value;
                return value != 1 ? Describe($"has value {value}, and an info series is always 1") : null;
            default:
                value = series.Value;
                return null;
        }
    }

    private static string Describe(FormattableString reason) => reason.ToString(CultureInfo.InvariantCulture);

    private static string Labels(MetricDefinition definition, SeriesSnapshot series) =>
        definition.LabelNames.Count == 0
            ? "its series"
            : "{" + string.Join(",", definition.LabelNames.Select((n, i) => $"{n}=\"{series.LabelValuesArray[i]}\"")) + "}";

    /// <summary>A monotonic series' label values and the value it was last exposed with (or stayed hidden below).</summary>
    private readonly record struct LastValue(string[] LabelValues, double Value);
}
