namespace Aggregator.Metrics;

/// <summary>
/// A run of consecutive native buckets, as io.prometheus.client.BucketSpan: the first span's <see cref="Offset"/> is the
/// index of its first bucket; each later span's is the number of empty buckets between it and the span before.
/// </summary>
/// <param name="Offset">The first bucket's index (first span) or the gap after the previous span (later spans).</param>
/// <param name="Length">How many consecutive buckets the span covers (at least 1).</param>
public readonly record struct NativeBucketSpan(int Offset, int Length);
