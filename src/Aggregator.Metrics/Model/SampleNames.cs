namespace Aggregator.Metrics;

/// <summary>
/// The one place that knows how a family's sample names derive from its name: the suffixes each type's samples carry,
/// in every format, and the suffix a counter or info family name drops because its writers add it back.
/// </summary>
internal static class SampleNames
{
    /// <summary>A counter's sample suffix, which a declared counter name may carry and the family name never does.</summary>
    public const string Total = "_total";

    /// <summary>An info metric's sample suffix (OpenMetrics), and its whole name in text 0.0.4.</summary>
    public const string Info = "_info";

    /// <summary>A histogram's bucket samples.</summary>
    public const string Bucket = "_bucket";

    /// <summary>A histogram's or summary's observation count.</summary>
    public const string Count = "_count";

    /// <summary>A histogram's or summary's sum of observations.</summary>
    public const string Sum = "_sum";

    /// <summary>The creation time of a counter, histogram or summary series (OpenMetrics).</summary>
    public const string Created = "_created";

    private static readonly string[] CounterSuffixes = [Total, Created];
    private static readonly string[] InfoSuffixes = [Info];
    private static readonly string[] HistogramSuffixes = [Bucket, Count, Sum, Created];
    private static readonly string[] SummarySuffixes = [Count, Sum, Created];

    /// <summary>
    /// The suffixes of a family's sample names in either format; the family name itself is the rest (a gauge's
    /// sample, metadata lines). Counters expose _total and _created, histograms _bucket, _count, _sum and _created,
    /// summaries _count, _sum and _created, and an info metric's OpenMetrics sample is _info.
    /// </summary>
    public static string[] Suffixes(MetricType type) => type switch
    {
        MetricType.Counter => CounterSuffixes,
        MetricType.Info => InfoSuffixes,
        MetricType.Histogram => HistogramSuffixes,
        MetricType.Summary => SummarySuffixes,
        _ => [],
    };

    /// <summary>Whether <paramref name="suffix"/> appended to a family's name of <paramref name="type"/> names one of its samples.</summary>
    public static bool IsSuffix(MetricType type, ReadOnlySpan<char> suffix)
    {
        foreach (var known in Suffixes(type))
        {
            if (suffix.SequenceEqual(known))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The names a family's samples and metadata occupy, in every format.</summary>
    public static IEnumerable<string> Occupied(MetricDefinition definition)
    {
        var name = definition.Name;
        yield return name;
        foreach (var suffix in Suffixes(definition.Type))
        {
            yield return name + suffix;
        }
    }

    /// <summary>
    /// The single-valued sample name: <c>name_total</c> for counters, <c>name_info</c> for info, the family name
    /// otherwise.
    /// </summary>
    public static string Single(MetricType type, string familyName) => type switch
    {
        MetricType.Counter => familyName + Total,
        MetricType.Info => familyName + Info,
        _ => familyName,
    };

    /// <summary>The family name of a declared name: a counter's trailing <c>_total</c> and an info's <c>_info</c> dropped.</summary>
    public static string FamilyName(MetricType type, string name)
    {
        var suffix = type switch
        {
            MetricType.Counter => Total,
            MetricType.Info => Info,
            _ => null,
        };
        return suffix is not null && name.Length > suffix.Length && name.EndsWith(suffix, StringComparison.Ordinal)
            ? name[..^suffix.Length]
            : name;
    }
}
