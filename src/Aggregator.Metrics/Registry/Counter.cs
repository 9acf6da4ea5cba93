using System.Globalization;
using System.Runtime.CompilerServices;

namespace Aggregator.Metrics;

/// <summary>A counter family: each series only goes up. Exposed as <c>name_total</c> (and <c>name_created</c> in OpenMetrics).</summary>
public sealed class Counter : MetricFamily<Counter.Child>
{
    internal Counter(MetricDefinition definition, MetricRegistry registry, bool detached)
        : base(definition, registry, detached)
    {
        CreateUnlabelled();
    }

    /// <summary>Adds 1 to the unlabelled series.</summary>
    public void Inc() => Unlabelled.Inc();

    /// <summary>Adds <paramref name="amount"/> (not negative) to the unlabelled series.</summary>
    public void Inc(double amount) => Unlabelled.Inc(amount);

    private protected override Child CreateChild(string[] labelValues) => new(labelValues, this);

    /// <summary>One counter series.</summary>
    public sealed class Child : MetricChild
    {
        private readonly double _createdSeconds;
        private double _value;

        internal Child(string[] labelValues, Counter family)
            : base(labelValues, family)
        {
            _createdSeconds = NowSeconds();
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
        public void Inc()
        {
            if (NeedsSlowPath)
            {
                AddSlow(1);
                return;
            }

            _value += 1;
        }

        /// <summary>Adds <paramref name="amount"/>.</summary>
        /// <exception cref="ArgumentOutOfRangeException">The amount is negative or NaN; nothing is added.</exception>
        public void Inc(double amount)
        {
            if (!(amount >= 0))
            {
                ThrowNegative(amount);
            }

            if (NeedsSlowPath)
            {
                AddSlow(amount);
                return;
            }

            _value += amount;
        }

        internal override SeriesSnapshot Snapshot()
        {
            if (!Shared)
            {
                return SeriesSnapshot.ForValue(LabelValuesArray, _value, TimestampMs, _createdSeconds);
            }

            lock (this)
            {
                return SeriesSnapshot.ForValue(LabelValuesArray, _value, TimestampMs, _createdSeconds);
            }
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private void AddSlow(double amount)
        {
            if (!Shared)
            {
                _value += amount;
                Stamp();
                return;
            }

            lock (this)
            {
                _value += amount;
                if (Stamped)
                {
                    Stamp();
                }
            }
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private void ThrowNegative(double amount) =>
            throw new ArgumentOutOfRangeException(
                nameof(amount),
                amount,
                string.Create(CultureInfo.InvariantCulture, $"Counter '{Family.Definition.Name}' can only go up: increment {amount} rejected."));
    }
}
