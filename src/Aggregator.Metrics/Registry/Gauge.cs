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
    /// <remarks>
    /// In a shared registry the value is one cell updated by compare-and-swap (an add) or exchange (a set), so updates
    /// are linearizable: a set overwrites every add ordered before it, and an add racing a set either lands before it
    /// (and is overwritten) or retries on the set value. A stamped series (a <c>mostrecent</c> gauge or a timestamped
    /// family) swaps an immutable value-and-time pair instead, so that a reader never pairs one update's value with
    /// another's time.
    /// </remarks>
    public sealed class Child : TimedMetricChild
    {
        private double _value;

        // Shared and stamped series only: the value and the time of the update that produced it, replaced as one.
        private Reading? _reading;

        internal Child(string[] labelValues, Gauge family)
            : base(labelValues, family)
        {
            if (Shared && Stamped)
            {
                _reading = new Reading(0, SeriesSnapshot.NoTimestamp);
            }
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

                var reading = Volatile.Read(ref _reading);
                return reading is null ? Volatile.Read(ref _value) : reading.Value;
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

            var reading = Volatile.Read(ref _reading);
            return reading is null
                ? SeriesSnapshot.ForValue(LabelValuesArray, Volatile.Read(ref _value))
                : SeriesSnapshot.ForValue(LabelValuesArray, reading.Value, reading.TimestampMs);
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

            if (Stamped)
            {
                UpdateStamped(amount, add);
                return;
            }

            if (!add)
            {
                Interlocked.Exchange(ref _value, amount);
                return;
            }

            AtomicDouble.Add(ref _value, amount);
        }

        private void UpdateStamped(double amount, bool add)
        {
            var now = Family.Clock.GetUtcNow().ToUnixTimeMilliseconds();
            if (!add)
            {
                Volatile.Write(ref _reading, new Reading(amount, now));
                return;
            }

            var seen = Volatile.Read(ref _reading);
            while (true)
            {
                var prior = Interlocked.CompareExchange(ref _reading, new Reading(seen!.Value + amount, now), seen);
                if (ReferenceEquals(prior, seen))
                {
                    return;
                }

                seen = prior;
            }
        }

        private sealed class Reading(double value, long timestampMs)
        {
            public double Value { get; } = value;

            public long TimestampMs { get; } = timestampMs;
        }
    }
}
