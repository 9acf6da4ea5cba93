using System.Globalization;

namespace Aggregator.Metrics;

/// <summary>
/// The immutable description of a metric family: type, exposed name, help, label names and options.
/// Two definitions are equal when every one of those is equal; declaring an equal definition again is a no-op.
/// </summary>
/// <remarks>
/// <see cref="Name"/> is the family name as OpenMetrics sees it: a counter's name never ends with <c>_total</c>
/// and an info's never with <c>_info</c>; the writers add those suffixes to the samples.
/// </remarks>
public sealed class MetricDefinition : IEquatable<MetricDefinition>
{
    private readonly string[] _labelNames;
    private readonly double[] _buckets;
    private double[]? _paddedBuckets;

    /// <summary>Creates and validates a definition.</summary>
    /// <param name="type">The metric type.</param>
    /// <param name="name">The exposed name; a counter's trailing <c>_total</c> and an info's trailing <c>_info</c> are dropped here and added back by the writers.</param>
    /// <param name="help">The HELP text; when null or empty the name is used, as prometheus-tcl does.</param>
    /// <param name="labelNames">The label names, in the order label values are given.</param>
    /// <param name="timestamped">Whether each update records its epoch-millisecond time and the exposition shows it.</param>
    /// <param name="gaugePolicy">How a gauge merges across sources; ignored for other types.</param>
    /// <param name="buckets">A histogram's bucket bounds (default <see cref="Buckets.Default"/>); must be null for other types.</param>
    /// <param name="perNode">Whether the family describes the process it runs in (see <see cref="PerNode"/>).</param>
    /// <param name="nativeHistogram">A histogram's native buckets (see <see cref="NativeHistogram"/>); null for classic only. With them, null or empty <paramref name="buckets"/> mean native only.</param>
    /// <param name="nameValidation">
    /// Which metric and label names are accepted (default <see cref="NameValidation.Legacy"/>). Not part of the
    /// definition: it only decides whether the constructor accepts the names.
    /// </param>
    /// <exception cref="MetricDefinitionException">Any rule of the data model is broken; the message names the culprit.</exception>
    public MetricDefinition(
        MetricType type,
        string name,
        string? help = null,
        IEnumerable<string>? labelNames = null,
        bool timestamped = false,
        GaugeMergePolicy gaugePolicy = GaugeMergePolicy.Max,
        IEnumerable<double>? buckets = null,
        bool perNode = false,
        NativeHistogramOptions? nativeHistogram = null,
        NameValidation nameValidation = NameValidation.Legacy)
    {
        MetricNames.ValidateMetricName(name, nameValidation);
        Type = type;
        Name = SampleNames.FamilyName(type, name);
        MetricNames.ValidateMetricName(Name, nameValidation);
        Help = string.IsNullOrEmpty(help) ? SampleNames.Single(type, Name) : help;
        Timestamped = timestamped;
        PerNode = perNode;
        GaugePolicy = type == MetricType.Gauge ? gaugePolicy : GaugeMergePolicy.Max;
        _labelNames = labelNames?.ToArray() ?? [];
        foreach (var label in _labelNames)
        {
            MetricNames.ValidateLabelName(Name, label, nameValidation);
        }

        ValidateLabels();

        if (nativeHistogram is not null && type != MetricType.Histogram)
        {
            throw new MetricDefinitionException($"Metric '{Name}' is a {TypeName(type)}: only histograms have native buckets.", nameof(nativeHistogram));
        }

        NativeHistogram = nativeHistogram?.Canonical(Name);
        if (type == MetricType.Histogram && NativeHistogram is not null && (buckets is null || !buckets.Any()))
        {
            // Native only: the classic part is the +Inf bucket alone, which every text format can show.
            _buckets = [];
        }
        else if (type == MetricType.Histogram)
        {
            _buckets = Metrics.Buckets.Validate(Name, buckets ?? Metrics.Buckets.Default);
        }
        else if (buckets is not null)
        {
            throw new MetricDefinitionException($"Metric '{Name}' is a {TypeName(type)}: only histograms have buckets.", nameof(buckets));
        }
        else
        {
            _buckets = [];
        }
    }

    /// <summary>The metric type.</summary>
    public MetricType Type { get; }

    /// <summary>The family name (without a counter's <c>_total</c> or an info's <c>_info</c>).</summary>
    public string Name { get; }

    /// <summary>The HELP text (never empty).</summary>
    public string Help { get; }

    /// <summary>The label names, in the order label values are given.</summary>
    public IReadOnlyList<string> LabelNames => _labelNames;

    /// <summary>Whether updates record a timestamp that the exposition shows.</summary>
    public bool Timestamped { get; }

    /// <summary>
    /// Whether the family describes one process (its CPU time, memory, start time, runtime, Meter instruments) rather
    /// than the work of the actors. Within a node it merges by its type's rule as any family does; in a cluster merge
    /// (sources carrying a <c>node</c> source label) each node's series are kept apart under a <c>node</c> label,
    /// whatever the type, and a node's series are not retained once it is gone.
    /// </summary>
    public bool PerNode { get; }

    /// <summary>The gauge merge policy (<see cref="GaugeMergePolicy.Max"/> for non-gauges).</summary>
    public GaugeMergePolicy GaugePolicy { get; }

    /// <summary>
    /// A histogram's native buckets, in canonical form (schema resolved, no factor); null when it has classic buckets
    /// only. Part of equality, so a declaration with other native options is a conflict; across sources of a merge only
    /// whether a family is native must agree (other schemas and thresholds merge, see <c>NativeHistogramMerger</c>).
    /// </summary>
    public NativeHistogramOptions? NativeHistogram { get; }

    /// <summary>A histogram's finite bucket bounds, strictly increasing (+Inf is implicit); empty for other types and for native-only histograms.</summary>
    public IReadOnlyList<double> Buckets => _buckets;

    internal string[] LabelNamesArray => _labelNames;

    internal double[] BucketsArray => _buckets;

    /// <summary>The bucket bounds padded with +Inf to a whole number of 8-wide vectors, for the histogram's SIMD search.</summary>
    internal double[] PaddedBucketsArray => _paddedBuckets ??= Pad(_buckets);

    /// <summary>
    /// The name a single-valued sample of this family carries: <c>name_total</c> for counters, <c>name_info</c> for info,
    /// the family name otherwise.
    /// </summary>
    public string SampleName() => SampleNames.Single(Type, Name);

    /// <inheritdoc />
    public bool Equals(MetricDefinition? other) =>
        other is not null
        && (ReferenceEquals(this, other)
            || (Type == other.Type
                && Name == other.Name
                && Help == other.Help
                && Timestamped == other.Timestamped
                && PerNode == other.PerNode
                && GaugePolicy == other.GaugePolicy
                && _labelNames.AsSpan().SequenceEqual(other._labelNames)
                && _buckets.AsSpan().SequenceEqual(other._buckets)
                && Equals(NativeHistogram, other.NativeHistogram)));

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as MetricDefinition);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Type, Name, _labelNames.Length, _buckets.Length);

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"{TypeName(Type)} {Name}{{{string.Join(",", _labelNames)}}}{(Type == MetricType.Gauge ? " policy=" + GaugePolicy : string.Empty)}{(Type == MetricType.Histogram ? " buckets=[" + string.Join(",", _buckets.Select(b => b.ToString("R", CultureInfo.InvariantCulture))) + "]" : string.Empty)}{(NativeHistogram is { } native ? $" native(schema={native.Schema},zero={native.ZeroThreshold.ToString("R", CultureInfo.InvariantCulture)},max={native.MaxBucketCount})" : string.Empty)}{(Timestamped ? " timestamped" : string.Empty)}{(PerNode ? " per-node" : string.Empty)}");

    /// <summary>Describes how <paramref name="other"/> differs from this definition, for conflict messages.</summary>
    public string DescribeDifference(MetricDefinition other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (Type != other.Type)
        {
            return $"type {TypeName(Type)} vs {TypeName(other.Type)}";
        }

        if (!_labelNames.AsSpan().SequenceEqual(other._labelNames))
        {
            return $"label names [{string.Join(",", _labelNames)}] vs [{string.Join(",", other._labelNames)}]";
        }

        if (!_buckets.AsSpan().SequenceEqual(other._buckets))
        {
            return "different bucket bounds";
        }

        if (!Equals(NativeHistogram, other.NativeHistogram))
        {
            return "native histogram options differ";
        }

        if (GaugePolicy != other.GaugePolicy)
        {
            return $"gauge policy {GaugePolicy} vs {other.GaugePolicy}";
        }

        if (Timestamped != other.Timestamped)
        {
            return "timestamp flag differs";
        }

        if (PerNode != other.PerNode)
        {
            return "per-node flag differs";
        }

        return Help != other.Help ? "help text differs" : "identical";
    }

    internal static string TypeName(MetricType type) => type switch
    {
        MetricType.Counter => "counter",
        MetricType.Gauge => "gauge",
        MetricType.Histogram => "histogram",
        MetricType.Summary => "summary",
        _ => "info",
    };

    private static double[] Pad(double[] bounds)
    {
        var padded = new double[(bounds.Length + 7) / 8 * 8];
        bounds.CopyTo(padded, 0);
        padded.AsSpan(bounds.Length).Fill(double.PositiveInfinity);
        return padded;
    }

    private void ValidateLabels()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var label in _labelNames)
        {
            if (!seen.Add(label))
            {
                throw new MetricDefinitionException($"Label name '{label}' appears twice on metric '{Name}'.", nameof(LabelNames));
            }

            if (Type == MetricType.Histogram && label == "le")
            {
                throw new MetricDefinitionException($"Histogram '{Name}' cannot have a label named 'le': it is reserved for buckets.", nameof(LabelNames));
            }

            if (Type == MetricType.Summary && label == "quantile")
            {
                throw new MetricDefinitionException($"Summary '{Name}' cannot have a label named 'quantile': it is reserved for quantiles.", nameof(LabelNames));
            }
        }

        if (Type == MetricType.Info && _labelNames.Length == 0)
        {
            throw new MetricDefinitionException($"Info metric '{Name}' needs at least one label.", nameof(LabelNames));
        }
    }
}
