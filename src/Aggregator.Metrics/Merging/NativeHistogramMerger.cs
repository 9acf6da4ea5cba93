namespace Aggregator.Metrics.Merging;

/// <summary>
/// Merges the native buckets of one series from several sources exactly, as Prometheus adds native histograms: every
/// source is brought to the lowest schema among them (bucket <c>i</c> at schema <c>s</c> goes to
/// <c>((i - 1) &gt;&gt; (s - s0)) + 1</c> at <c>s0</c>, Prometheus's targetIdx, negative indices alike), and bucket counts
/// and zero counts are summed.
/// </summary>
/// <remarks>
/// Zero buckets: when every source has the same threshold it is kept and no bucket moves. When they differ, the widest
/// threshold is raised to the upper bound of the bucket (at the lowest schema) that holds it, and every bucket at or
/// below that bound, of either sign, moves into the zero count. Rounding to a bucket bound keeps the zero bucket from
/// cutting a bucket in two, and makes the merge associative and commutative (merging merges equals one flat merge);
/// the default threshold 2^-128 is a bound at every schema and is never raised.
/// </remarks>
internal static class NativeHistogramMerger
{
    /// <summary>The merge of <paramref name="sources"/> (at least one); one source is returned as it is.</summary>
    public static NativeHistogramSnapshot Merge(IReadOnlyList<NativeHistogramSnapshot> sources)
    {
        ArgumentOutOfRangeException.ThrowIfZero(sources.Count);
        if (sources.Count == 1)
        {
            return sources[0];
        }

        var schema = int.MaxValue;
        var widest = 0d;
        var narrowest = double.MaxValue;
        long zero = 0;
        foreach (var source in sources)
        {
            schema = Math.Min(schema, source.Schema);
            widest = Math.Max(widest, source.ZeroThreshold);
            narrowest = Math.Min(narrowest, source.ZeroThreshold);
            zero = checked(zero + source.ZeroCount);
        }

        var (pFirst, positive) = Sum(sources, schema, negative: false);
        var (nFirst, negative) = Sum(sources, schema, negative: true);
        var threshold = widest;
        if (widest > narrowest)
        {
            var last = NativeSchema.Index(widest, schema);
            threshold = NativeSchema.UpperBound(last, schema);
            zero = checked(zero + Drain(positive, pFirst, last) + Drain(negative, nFirst, last));
        }

        (pFirst, positive) = NativeHistogramSnapshot.Trim(pFirst, positive);
        (nFirst, negative) = NativeHistogramSnapshot.Trim(nFirst, negative);
        return new NativeHistogramSnapshot(schema, threshold, zero, pFirst, positive, nFirst, negative);
    }

    /// <summary><paramref name="source"/> at the lower (or equal) <paramref name="schema"/>, adjacent buckets merged.</summary>
    public static NativeHistogramSnapshot Reduce(NativeHistogramSnapshot source, int schema)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(schema, source.Schema);
        if (schema == source.Schema)
        {
            return source;
        }

        var (pFirst, positive) = Sum([source], schema, negative: false);
        var (nFirst, negative) = Sum([source], schema, negative: true);
        return new NativeHistogramSnapshot(schema, source.ZeroThreshold, source.ZeroCount, pFirst, positive, nFirst, negative);
    }

    private static (int First, long[] Counts) Sum(IReadOnlyList<NativeHistogramSnapshot> sources, int schema, bool negative)
    {
        var lo = int.MaxValue;
        var hi = int.MinValue;
        foreach (var source in sources)
        {
            var counts = negative ? source.NegativeArray : source.PositiveArray;
            if (counts.Length > 0)
            {
                var first = negative ? source.NegativeFirst : source.PositiveFirst;
                lo = Math.Min(lo, NativeSchema.Reduce(first, source.Schema, schema));
                hi = Math.Max(hi, NativeSchema.Reduce(first + counts.Length - 1, source.Schema, schema));
            }
        }

        if (lo > hi)
        {
            return (0, []);
        }

        var sum = new long[hi - lo + 1];
        foreach (var source in sources)
        {
            var counts = negative ? source.NegativeArray : source.PositiveArray;
            var first = negative ? source.NegativeFirst : source.PositiveFirst;
            if (source.Schema == schema)
            {
                var at = first - lo;
                for (var j = 0; j < counts.Length; j++)
                {
                    sum[at + j] = checked(sum[at + j] + counts[j]);
                }

                continue;
            }

            for (var j = 0; j < counts.Length; j++)
            {
                var slot = NativeSchema.Reduce(first + j, source.Schema, schema) - lo;
                sum[slot] = checked(sum[slot] + counts[j]);
            }
        }

        return (lo, sum);
    }

    /// <summary>Empties the buckets of index at most <paramref name="last"/> and returns their total.</summary>
    private static long Drain(long[] counts, int first, int last)
    {
        long drained = 0;
        for (var j = 0; j < counts.Length && first + j <= last; j++)
        {
            drained = checked(drained + counts[j]);
            counts[j] = 0;
        }

        return drained;
    }
}
