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
    /// <remarks>
    /// In a shared registry an observation increments the count and then adds to the sum, each with one interlocked
    /// operation, or, once observations have contended, with plain writes to the observing thread's own cell. A
    /// snapshot taken while others observe has a sum that holds no observation its count lacks; the count may hold
    /// observations made while the snapshot was read that the sum does not yet. Once observers stop, both are exact.
    /// </remarks>
    public sealed class Child : TimedMetricChild
    {
        private const int CountSlot = 0;
        private const int SumSlot = 1;

        private readonly double _createdSeconds;
        private long _count;
        private double _sum;

        // Shared registry only, created when two observations first race for the sum.
        private StripedCells? _cells;

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

            // The sum before the count: an observer counts before it adds to the sum, so every observation in this
            // sum is also in the count read after it.
            var cells = Volatile.Read(ref _cells);
            var sum = Volatile.Read(ref _sum) + (cells?.SumDouble(SumSlot) ?? 0);

            // Read again: an observation may count in a cell newer than that array and then add to the sum in an older
            // cell; the current array holds both.
            var count = Volatile.Read(ref _count) + (Volatile.Read(ref _cells)?.Sum(CountSlot) ?? 0);

            return SeriesSnapshot.ForSummary(LabelValuesArray, count, sum, TimestampMs, _createdSeconds);
        }

        /// <inheritdoc />
        /// <remarks>
        /// A summary's snapshot holds its count in an object of its own, so one in its owner's registry is compared in
        /// place; a shared one, whose count is spread over cells, compares a new snapshot.
        /// </remarks>
        internal override bool Unchanged(in SeriesSnapshot previous) =>
            Shared
                ? base.Unchanged(previous)
                : previous.Count == _count
                  && BitConverter.DoubleToInt64Bits(previous.Sum) == BitConverter.DoubleToInt64Bits(_sum)
                  && previous.TimestampMs == TimestampMs
                  && BitConverter.DoubleToInt64Bits(previous.CreatedSeconds) == BitConverter.DoubleToInt64Bits(_createdSeconds)
                  && previous.ExemplarsArray is null
                  && ReferenceEquals(previous.LabelValuesArray, LabelValuesArray);

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

            if (Stamped)
            {
                StampShared();
            }

            var cells = Volatile.Read(ref _cells);
            if (cells is not null && cells.TryObserve(CountSlot, SumSlot, value))
            {
                return;
            }

            Interlocked.Increment(ref _count);

            // Contended: the next observations go to per-thread cells.
            if (AtomicDouble.Add(ref _sum, value) && cells is null)
            {
                _ = Stripes();
            }
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private StripedCells Stripes()
        {
            var fresh = new StripedCells(2, cells: 2);
            return Interlocked.CompareExchange(ref _cells, fresh, null) ?? fresh;
        }
    }
}
