using System.Runtime.CompilerServices;

namespace Aggregator.Metrics;

/// <summary>A gauge family: each series goes up and down, or is set.</summary>
public sealed class Gauge : MetricFamily<Gauge.Child>
{
    internal Gauge(MetricDefinition definition, MetricRegistry registry, bool detached)
        : base(definition, registry, detached)
    {
        CreateUnlabelled();
    }

    /// <summary>Adds 1 to the unlabelled series.</summary>
    public void Inc() => Unlabelled.Inc();

    /// <summary>Adds <paramref name="amount"/> to the unlabelled series.</summary>
    public void Inc(double amount) => Unlabelled.Inc(amount);

    /// <summary>Subtracts 1 from the unlabelled series.</summary>
    public void Dec() => Unlabelled.Dec();

    /// <summary>Subtracts <paramref name="amount"/> from the unlabelled series.</summary>
    public void Dec(double amount) => Unlabelled.Dec(amount);

    /// <summary>Sets the unlabelled series.</summary>
    public void Set(double value) => Unlabelled.Set(value);

    private protected override Child CreateChild(string[] labelValues) => new(labelValues, this);

    /// <summary>One gauge series.</summary>
    public sealed class Child : TimedMetricChild
    {
        private double _value;

        internal Child(string[] labelValues, Gauge family)
            : base(labelValues, family)
        {
        }

        /// <summary>The current value.</summary>
        public double Value
        {
            get
            {
                if (!Shared)
                {
                    return _value;
                }

                lock (this)
                {
                    return _value;
                }
            }
        }

        /// <summary>Adds 1.</summary>
        public void Inc() => Inc(1);

        /// <summary>Adds <paramref name="amount"/>.</summary>
        public void Inc(double amount)
        {
            if (NeedsSlowPath)
            {
                UpdateSlow(amount, add: true);
                return;
            }

            _value += amount;
        }

        /// <summary>Subtracts 1.</summary>
        public void Dec() => Inc(-1);

        /// <summary>Subtracts <paramref name="amount"/>.</summary>
        public void Dec(double amount) => Inc(-amount);

        /// <summary>Sets the value.</summary>
        public void Set(double value)
        {
            if (NeedsSlowPath)
            {
                UpdateSlow(value, add: false);
                return;
            }

            _value = value;
        }

        /// <summary>Sets the value to the current time in epoch seconds (from the registry's clock).</summary>
        public void SetToCurrentTime() => Set(NowSeconds());

        private protected override void RecordSeconds(double seconds) => Set(seconds);

        internal override SeriesSnapshot Snapshot()
        {
            if (!Shared)
            {
                return SeriesSnapshot.ForValue(LabelValuesArray, _value, TimestampMs);
            }

            lock (this)
            {
                return SeriesSnapshot.ForValue(LabelValuesArray, _value, TimestampMs);
            }
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private void UpdateSlow(double amount, bool add)
        {
            if (!Shared)
            {
                _value = add ? _value + amount : amount;
                Stamp();
                return;
            }

            lock (this)
            {
                _value = add ? _value + amount : amount;
                if (Stamped)
                {
                    Stamp();
                }
            }
        }
    }
}
