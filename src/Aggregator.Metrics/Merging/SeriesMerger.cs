using System.Numerics;

namespace Aggregator.Metrics.Merging;

/// <summary>
/// Merges the sorted series arrays of one family from several sources into one sorted array, combining the series
/// that share label values by the family's rule. Sources are combined in the order given, so the result is
/// deterministic; a series only one source has is passed through untouched.
/// </summary>
internal static class SeriesMerger
{
    // The most inputs merged in one pass, one bit each in a 32-bit mask of the inputs whose head is the smallest.
    private const int MaxWays = 32;

    public static SeriesSnapshot[] Merge(MetricDefinition definition, IReadOnlyList<SeriesSnapshot[]> inputs)
    {
        switch (inputs.Count)
        {
            case 0:
                return [];
            case 1:
                return inputs[0];
            case <= MaxWays:
                return MergeWays(definition, inputs);
            default:
                var partial = new List<SeriesSnapshot[]>((inputs.Count + MaxWays - 1) / MaxWays);
                for (var i = 0; i < inputs.Count; i += MaxWays)
                {
                    partial.Add(Merge(definition, [.. inputs.Skip(i).Take(MaxWays)]));
                }

                return Merge(definition, partial);
        }
    }

    /// <summary>
    /// As <see cref="Merge(MetricDefinition, IReadOnlyList{SeriesSnapshot[]})"/>, position by position when
    /// <paramref name="memo"/> knows the inputs from <paramref name="sources"/> to be aligned (see <see cref="AlignmentMemo"/>);
    /// the result is the same.
    /// </summary>
    public static SeriesSnapshot[] Merge(MetricDefinition definition, IReadOnlyList<SeriesSnapshot[]> inputs, AlignmentMemo memo, string family, IReadOnlyList<string> sources)
    {
        if (inputs.Count is < 2 or > MaxWays)
        {
            return Merge(definition, inputs);
        }

        if (memo.IsAligned(family, sources, inputs))
        {
            return MergeAligned(definition, inputs);
        }

        var merged = MergeWays(definition, inputs, out var aligned);
        memo.Record(family, sources, inputs, aligned);
        return merged;
    }

    // Every input holds the same label sets in the same order: each position combines every input's series there, in
    // input order, exactly as MergeWays does when each step ties all inputs.
    private static SeriesSnapshot[] MergeAligned(MetricDefinition definition, IReadOnlyList<SeriesSnapshot[]> inputs)
    {
        var n = inputs[0].Length;
        var all = inputs.Count == MaxWays ? uint.MaxValue : (1u << inputs.Count) - 1;
        Span<int> cursor = stackalloc int[inputs.Count];
        var output = new SeriesSnapshot[n];
        for (var j = 0; j < n; j++)
        {
            cursor.Fill(j);
            output[j] = Combine(definition, inputs, cursor, all);
        }

        return output;
    }

    private static SeriesSnapshot[] MergeWays(MetricDefinition definition, IReadOnlyList<SeriesSnapshot[]> inputs) =>
        MergeWays(definition, inputs, out _);

    // aligned: every step tied every input, i.e. the inputs hold the same label sets in the same order.
    private static SeriesSnapshot[] MergeWays(MetricDefinition definition, IReadOnlyList<SeriesSnapshot[]> inputs, out bool aligned)
    {
        var k = inputs.Count;
        Span<int> cursor = stackalloc int[k];
        var total = 0;
        var longest = 0;
        foreach (var input in inputs)
        {
            total += input.Length;
            longest = Math.Max(longest, input.Length);
        }

        // The output has at least the longest input's series and at most all of them. Grown by doubling up to that
        // bound and returned as it is when full, it is not copied again when the inputs share their label sets (the
        // output is as long as the longest) nor when they share none (as long as all of them together): past a few
        // thousand series each copy is a discarded array on the large object heap.
        var output = new SeriesSnapshot[longest];
        var count = 0;
        var comparer = LabelValuesComparer.Instance;
        var all = k == MaxWays ? uint.MaxValue : (1u << k) - 1;
        aligned = true;
        while (true)
        {
            // Find the smallest head label set and every input whose head equals it.
            string[]? smallest = null;
            uint ties = 0;
            for (var i = 0; i < k; i++)
            {
                if (cursor[i] >= inputs[i].Length)
                {
                    continue;
                }

                var labels = inputs[i][cursor[i]].LabelValuesArray;
                var c = smallest is null ? -1 : comparer.Compare(labels, smallest);
                if (c < 0)
                {
                    smallest = labels;
                    ties = 1u << i;
                }
                else if (c == 0)
                {
                    ties |= 1u << i;
                }
            }

            if (smallest is null)
            {
                return count == output.Length ? output : output.AsSpan(0, count).ToArray();
            }

            aligned &= ties == all;

            if (count == output.Length)
            {
                var grown = new SeriesSnapshot[Math.Min(total, 2 * output.Length)];
                output.CopyTo(grown, 0);
                output = grown;
            }

            if (BitOperations.PopCount(ties) == 1)
            {
                var only = BitOperations.TrailingZeroCount(ties);
                output[count++] = inputs[only][cursor[only]++];
                continue;
            }

            output[count++] = Combine(definition, inputs, cursor, ties);
        }
    }

    private static SeriesSnapshot Combine(MetricDefinition definition, IReadOnlyList<SeriesSnapshot[]> inputs, Span<int> cursor, uint ties)
    {
        var first = BitOperations.TrailingZeroCount(ties);
        var acc = new Accumulator(definition, inputs[first][cursor[first]++]);
        ties &= ties - 1;
        while (ties != 0)
        {
            var i = BitOperations.TrailingZeroCount(ties);
            acc.Add(inputs[i][cursor[i]++]);
            ties &= ties - 1;
        }

        return acc.Result();
    }

    /// <summary>Combines series with equal labels, one at a time, by the rules of SPEC §5.</summary>
    private struct Accumulator
    {
        private readonly MetricDefinition _definition;
        private readonly string[] _labels;
        private double _value;
        private long _timestamp;
        private double _created;
        private long _count;
        private double _sum;
        private long[]? _buckets;
        private bool _bucketsOwned;
        private ExemplarSnapshot?[]? _exemplars;
        private bool _exemplarsOwned;
        private List<NativeHistogramSnapshot>? _natives;

        public Accumulator(MetricDefinition definition, in SeriesSnapshot first)
        {
            _definition = definition;
            _labels = first.LabelValuesArray;
            _timestamp = first.TimestampMs;
            _created = first.CreatedSeconds;
            _exemplars = first.ExemplarsArray;
            _exemplarsOwned = false;
            _bucketsOwned = false;

            // Only what Add and Result use for the family's type: each property asks the series what kind it is.
            switch (definition.Type)
            {
                case MetricType.Histogram:
                    // No count: a histogram's is its last bucket, which the summed buckets carry.
                    _sum = first.Sum;
                    _buckets = first.CumulativeBucketsArray;
                    _natives = first.Native is { } native ? [native] : null;
                    break;
                case MetricType.Summary:
                    _count = first.Count;
                    _sum = first.Sum;
                    break;
                default:
                    _value = first.Value;
                    break;
            }
        }

        public void Add(in SeriesSnapshot next)
        {
            _created = Earliest(_created, next.CreatedSeconds);
            ExemplarMerge.Newest(ref _exemplars, ref _exemplarsOwned, next.ExemplarsArray);
            switch (_definition.Type)
            {
                case MetricType.Counter:
                    _value += next.Value;
                    _timestamp = Math.Max(_timestamp, next.TimestampMs);
                    break;
                case MetricType.Gauge:
                    AddGauge(in next);
                    break;
                case MetricType.Histogram:
                    AddBuckets(next.CumulativeBucketsArray!);
                    AddNative(next.Native);
                    _sum += next.Sum;
                    _timestamp = Math.Max(_timestamp, next.TimestampMs);
                    break;
                case MetricType.Summary:
                    _count += next.Count;
                    _sum += next.Sum;
                    _timestamp = Math.Max(_timestamp, next.TimestampMs);
                    break;
                default:
                    // Info: identical label sets collapse into one series of value 1.
                    _timestamp = Math.Max(_timestamp, next.TimestampMs);
                    break;
            }
        }

        public readonly SeriesSnapshot Result()
        {
            switch (_definition.Type)
            {
                case MetricType.Histogram:
                    // Native buckets and exemplars in one step: a histogram with both holds them in one object.
                    var native = _natives is null ? null : NativeHistogramMerger.Merge(_natives);
                    var histogram = SeriesSnapshot.ForHistogram(_labels, _buckets!, _sum, _timestamp, _created);
                    return native is null && _exemplars is null ? histogram : histogram.WithNativeAndExemplars(native, _exemplars);
                case MetricType.Summary:
                    var summary = SeriesSnapshot.ForSummary(_labels, _count, _sum, _timestamp, _created);
                    return _exemplars is null ? summary : summary.WithExemplars(_exemplars);
                default:
                    var value = SeriesSnapshot.ForValue(_labels, _value, _timestamp, _created);
                    return _exemplars is null ? value : value.WithExemplars(_exemplars);
            }
        }

        /// <summary>The earlier of two creation times; NaN means unknown and loses to any known time.</summary>
        private static double Earliest(double a, double b) => double.IsNaN(a) ? b : double.IsNaN(b) ? a : Math.Min(a, b);

        private void AddGauge(in SeriesSnapshot next)
        {
            switch (_definition.GaugePolicy)
            {
                case GaugeMergePolicy.Sum:
                    _value += next.Value;
                    _timestamp = Math.Max(_timestamp, next.TimestampMs);
                    break;
                case GaugeMergePolicy.Min:
                    Pick(next.Value, next.TimestampMs, GaugeOrder.CompareForMin(next.Value, _value));
                    break;
                case GaugeMergePolicy.MostRecent:
                    var newer = next.TimestampMs.CompareTo(_timestamp);
                    var higher = GaugeOrder.CompareForMax(next.Value, _value);
                    if (newer > 0 || (newer == 0 && higher > 0))
                    {
                        _value = next.Value;
                        _timestamp = next.TimestampMs;
                    }

                    break;
                case GaugeMergePolicy.All:
                    // Series of different sources differ by their source labels; equal ones can only be duplicates.
                    break;
                default:
                    Pick(next.Value, next.TimestampMs, -GaugeOrder.CompareForMax(next.Value, _value));
                    break;
            }
        }

        /// <summary>Takes the candidate when <paramref name="order"/> is negative (it is better), merges timestamps on a tie.</summary>
        private void Pick(double value, long timestamp, int order)
        {
            if (order < 0)
            {
                _value = value;
                _timestamp = timestamp;
            }
            else if (order == 0)
            {
                _timestamp = Math.Max(_timestamp, timestamp);
            }
        }

        // A family's series are all native or none (merged families agree on it); should one lack them, the merged
        // series has none rather than buckets that miss observations.
        private void AddNative(NativeHistogramSnapshot? next)
        {
            if (next is null)
            {
                _natives = null;
            }
            else
            {
                _natives?.Add(next);
            }
        }

        private void AddBuckets(long[] next)
        {
            if (!_bucketsOwned)
            {
                // The first series' array belongs to its snapshot: copy before adding into it.
                _buckets = (long[])_buckets!.Clone();
                _bucketsOwned = true;
            }

            var buckets = _buckets!;
            for (var i = 0; i < buckets.Length; i++)
            {
                buckets[i] += next[i];
            }
        }
    }
}
