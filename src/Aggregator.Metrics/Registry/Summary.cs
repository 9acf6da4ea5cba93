using System.Runtime.CompilerServices;

namespace Aggregator.Metrics;

/// <summary>A summary family: the count and sum of observations (no quantiles, as in prometheus-tcl).</summary>
public sealed class Summary : MetricFamily<Summary.Child>
{
    internal Summary(MetricDefinition definition, MetricRegistry registry, bool detached)
        : base(definition, registry, detached)
    {
        CreateUnlabelled();
    }

    /// <summary>Observes <paramref name="value"/> in the unlabelled series.</summary>
    public void Observe(double value) => Unlabelled.Observe(value);

    private protected override Child CreateChild(string[] labelValues) => new(labelValues, this);

    /// <summary>One summary series.</summary>
    public sealed class Child : TimedMetricChild
    {
        private readonly double _createdSeconds;
        private long _count;
        private double _sum;

        internal Child(string[] labelValues, Summary family)
            : base(labelValues, family)
        {
            _createdSeconds = NowSeconds();
        }

        /// <summary>The number of observations.</summary>
        public long Count => Snapshot().Count;

        /// <summary>The sum of observations.</summary>
        public double Sum => Snapshot().Sum;

        /// <summary>Adds 1 to the count and <paramref name="value"/> to the sum.</summary>
        public void Observe(double value)
        {
            if (NeedsSlowPath)
            {
                ObserveSlow(value);
                return;
            }

            _count++;
            _sum += value;
        }

        private protected override void RecordSeconds(double seconds) => Observe(seconds);

        internal override SeriesSnapshot Snapshot()
        {
            if (!Shared)
            {
                return SeriesSnapshot.ForSummary(LabelValuesArray, _count, _sum, TimestampMs, _createdSeconds);
            }

            lock (this)
            {
                return SeriesSnapshot.ForSummary(LabelValuesArray, _count, _sum, TimestampMs, _createdSeconds);
            }
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private void ObserveSlow(double value)
        {
            if (!Shared)
            {
                _count++;
                _sum += value;
                Stamp();
                return;
            }

            lock (this)
            {
                _count++;
                _sum += value;
                if (Stamped)
                {
                    Stamp();
                }
            }
        }
    }
}
