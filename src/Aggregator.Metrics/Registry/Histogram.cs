using System.Runtime.CompilerServices;

namespace Aggregator.Metrics;

/// <summary>A histogram family: observations counted into buckets, with a sum and a count.</summary>
public sealed class Histogram : MetricFamily<Histogram.Child>
{
    internal Histogram(MetricDefinition definition, MetricRegistry registry, bool detached)
        : base(definition, registry, detached)
    {
        CreateUnlabelled();
    }

    /// <summary>Observes <paramref name="value"/> in the unlabelled series.</summary>
    public void Observe(double value) => Unlabelled.Observe(value);

    private protected override Child CreateChild(string[] labelValues) => new(labelValues, this);

    /// <summary>One histogram series.</summary>
    public sealed class Child : TimedMetricChild
    {
        private readonly double[] _bounds;
        private readonly double[] _padded;
        private readonly long[] _counts;
        private readonly double _createdSeconds;
        private double _sum;

        internal Child(string[] labelValues, Histogram family)
            : base(labelValues, family)
        {
            _bounds = family.Definition.BucketsArray;
            _padded = family.Definition.PaddedBucketsArray;

            // One count per bound and one for +Inf; each observation lands in exactly one (made cumulative at collection).
            _counts = new long[_bounds.Length + 1];
            _createdSeconds = NowSeconds();
        }

        /// <summary>The number of observations.</summary>
        public long Count => Snapshot().Count;

        /// <summary>The sum of observations.</summary>
        public double Sum => Snapshot().Sum;

        /// <summary>
        /// Counts <paramref name="value"/> into the first bucket whose bound is at least the value (NaN and values above
        /// every bound into +Inf) and adds it to the sum.
        /// </summary>
        public void Observe(double value)
        {
            if (NeedsSlowPath)
            {
                ObserveSlow(value);
                return;
            }

            _counts[BucketIndex(value)]++;
            _sum += value;
        }

        private protected override void RecordSeconds(double seconds) => Observe(seconds);

        internal override SeriesSnapshot Snapshot()
        {
            if (!Shared)
            {
                return SnapshotCore();
            }

            lock (this)
            {
                return SnapshotCore();
            }
        }

        private SeriesSnapshot SnapshotCore()
        {
            var cumulative = new long[_counts.Length];
            long running = 0;
            for (var i = 0; i < _counts.Length; i++)
            {
                running += _counts[i];
                cumulative[i] = running;
            }

            return SeriesSnapshot.ForHistogram(LabelValuesArray, cumulative, _sum, TimestampMs, _createdSeconds);
        }

        /// <summary>The first bucket whose bound is at least <paramref name="value"/>; the +Inf bucket for NaN and above every bound.</summary>
        private int BucketIndex(double value) => BucketSearch.Index(_padded, _bounds.Length, value);

        [MethodImpl(MethodImplOptions.NoInlining)]
        private void ObserveSlow(double value)
        {
            if (!Shared)
            {
                _counts[BucketIndex(value)]++;
                _sum += value;
                Stamp();
                return;
            }

            lock (this)
            {
                _counts[BucketIndex(value)]++;
                _sum += value;
                if (Stamped)
                {
                    Stamp();
                }
            }
        }
    }
}
