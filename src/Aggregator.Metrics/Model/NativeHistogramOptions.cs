namespace Aggregator.Metrics;

/// <summary>
/// A histogram's native (sparse, exponential) buckets, as Prometheus's native histograms define them: for schema
/// <c>s</c> bucket <c>i</c> holds the values in <c>(base^(i-1), base^i]</c> with <c>base = 2^(2^-s)</c>, negative
/// values in mirrored buckets, and values whose magnitude is at most the zero threshold in a zero bucket.
/// </summary>
/// <remarks>
/// <para>Set <see cref="Schema"/> or <see cref="BucketFactor"/> (the largest schema whose growth factor is at most the
/// factor: the coarsest resolution that is at least that fine, as client_golang picks it); neither gives schema <see cref="DefaultSchema"/>.</para>
/// <para>Each sign's buckets span at most <see cref="MaxBucketCount"/> bucket indices, from the lowest populated to the
/// highest. An observation that would stretch them further halves the resolution (the schema drops by one and adjacent
/// bucket pairs merge) until it fits: deterministic, since the schema reached depends only on the values observed, and
/// free of resets, so merged totals never go down. Schema -4 holds every double within 133 buckets, hence the minimum.</para>
/// <para>With native buckets, <see cref="MetricOptions.Buckets"/> left null means native only (the classic part is the
/// +Inf bucket alone: count and sum); given bounds keep classic buckets as well, as client_golang does.</para>
/// </remarks>
public sealed record NativeHistogramOptions
{
    /// <summary>The schema used when neither <see cref="Schema"/> nor <see cref="BucketFactor"/> is set (growth factor 2^(1/8) ≈ 1.09).</summary>
    public const int DefaultSchema = 3;

    /// <summary>The lowest schema Prometheus defines (growth factor 2^16).</summary>
    public const int MinSchema = -4;

    /// <summary>The highest schema Prometheus defines (growth factor 2^(1/256)).</summary>
    public const int MaxSchema = 8;

    /// <summary>The default for <see cref="MaxBucketCount"/>, client_golang's usual choice.</summary>
    public const int DefaultMaxBucketCount = 160;

    /// <summary>The least <see cref="MaxBucketCount"/>: schema -4 spans every double (zero threshold 0, +Inf included) in 133 buckets.</summary>
    public const int MinMaxBucketCount = 136;

    /// <summary>The default zero threshold, 2^-128, as in client_golang.</summary>
    public static readonly double DefaultZeroThreshold = Math.ScaleB(1, -128);

    /// <summary>The schema, -4 to 8; null to derive it from <see cref="BucketFactor"/> or take <see cref="DefaultSchema"/>.</summary>
    public int? Schema { get; init; }

    /// <summary>The largest growth factor wanted from one bucket to the next (greater than 1); ignored when <see cref="Schema"/> is set.</summary>
    public double? BucketFactor { get; init; }

    /// <summary>Observations whose magnitude is at most this (finite, at least 0) count in the zero bucket.</summary>
    public double ZeroThreshold { get; init; } = DefaultZeroThreshold;

    /// <summary>The widest span of bucket indices each sign may use before the resolution is halved (at least <see cref="MinMaxBucketCount"/>).</summary>
    public int MaxBucketCount { get; init; } = DefaultMaxBucketCount;

    /// <summary>The schema these options give: <see cref="Schema"/>, else the lowest one whose growth factor is at most <see cref="BucketFactor"/>, else <see cref="DefaultSchema"/>.</summary>
    /// <exception cref="MetricDefinitionException">An option is out of range.</exception>
    public int ResolveSchema(string metricName)
    {
        if (Schema is { } schema)
        {
            return schema is >= MinSchema and <= MaxSchema
                ? schema
                : throw new MetricDefinitionException($"Histogram '{metricName}' has native schema {schema}; it must be between {MinSchema} and {MaxSchema}.");
        }

        if (BucketFactor is not { } factor)
        {
            return DefaultSchema;
        }

        if (!(factor > 1) || double.IsInfinity(factor))
        {
            throw new MetricDefinitionException($"Histogram '{metricName}' has native bucket factor {factor}; it must be finite and greater than 1.");
        }

        // The coarsest schema whose growth 2^(2^-s) is at most the factor (client_golang's pickSchema); below 2^(1/256),
        // schema 8 is the finest there is.
        for (var s = MinSchema; s < MaxSchema; s++)
        {
            if (Math.Pow(2, Math.ScaleB(1, -s)) <= factor)
            {
                return s;
            }
        }

        return MaxSchema;
    }

    /// <summary>Validates and returns the canonical form: the schema resolved, no factor.</summary>
    internal NativeHistogramOptions Canonical(string metricName)
    {
        var schema = ResolveSchema(metricName);
        if (!(ZeroThreshold >= 0) || double.IsInfinity(ZeroThreshold))
        {
            throw new MetricDefinitionException($"Histogram '{metricName}' has native zero threshold {ZeroThreshold}; it must be finite and at least 0.");
        }

        if (MaxBucketCount < MinMaxBucketCount)
        {
            throw new MetricDefinitionException($"Histogram '{metricName}' allows {MaxBucketCount} native buckets; at least {MinMaxBucketCount} are needed.");
        }

        return Schema == schema && BucketFactor is null ? this : this with { Schema = schema, BucketFactor = null };
    }
}
