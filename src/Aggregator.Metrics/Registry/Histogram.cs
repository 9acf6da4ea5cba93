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

    /// <summary>Observes <paramref name="value"/> in the unlabelled series and records <paramref name="exemplar"/> in its bucket.</summary>
    public void Observe(double value, in Exemplar exemplar) => Unlabelled.Observe(value, in exemplar);

    private protected override Child CreateChild(string[] labelValues) => new(labelValues, this);

    /// <summary>One histogram series.</summary>
    /// <remarks>
    /// In a shared registry an observation increments its bucket and then adds to the sum, each with one interlocked
    /// operation, or, once observations have contended, with plain writes to the observing thread's own cell. A
    /// snapshot taken while others observe always has a count equal to the sum of its buckets (the count is derived
    /// from them) and never-decreasing cumulative buckets, and its sum holds no observation the buckets lack; the
    /// buckets may hold observations made while the snapshot was read that the sum does not yet. Once observers stop,
    /// count, buckets and sum are exact.
    /// <para>Native buckets (<see cref="MetricDefinition.NativeHistogram"/>) are counted with no lock or atomic in a
    /// worker registry; in a shared registry under a lock on the series' native buckets, taken after the classic bucket is
    /// counted, so a concurrent snapshot's count is at least its native buckets' total (NaN is in the count only).</para>
    /// </remarks>
    public sealed class Child : TimedMetricChild
    {
        private readonly int _boundCount;
        private readonly double[] _padded;
        private readonly long[] _counts;
        private readonly double _createdSeconds;
        private readonly NativeBuckets? _native;
        private double _sum;

        // Shared registry only, created when two observations first race for the sum.
        private StripedCells? _cells;

        // One exemplar per bucket, +Inf last; made at the series' first exemplar.
        private ExemplarStore.Cell[]? _exemplars;

        internal Child(string[] labelValues, Histogram family)
            : base(labelValues, family)
        {
            _boundCount = family.Definition.BucketsArray.Length;
            _padded = family.Definition.PaddedBucketsArray;

            // One count per bound and one for +Inf; each observation lands in exactly one (made cumulative at collection).
            _counts = new long[_boundCount + 1];
            _createdSeconds = NowSeconds();
            _native = family.Definition.NativeHistogram is { } native ? new NativeBuckets(native) : null;
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
            _native?.Observe(value);
        }

        /// <summary>
        /// Observes <paramref name="value"/> and records <paramref name="exemplar"/> as its bucket's exemplar (nothing
        /// more when it is empty).
        /// </summary>
        /// <exception cref="ArgumentException">The exemplar is invalid (<see cref="Exemplar.Problem"/>); the value is observed.</exception>
        public void Observe(double value, in Exemplar exemplar)
        {
            if (NeedsSlowPath || exemplar.IsEmpty)
            {
                Observe(value);
                if (!exemplar.IsEmpty)
                {
                    RecordExemplarSlow(BucketIndex(value), value, in exemplar);
                }

                return;
            }

            // Observe's fast path (kept in step with it), with the bucket found once for the count and the exemplar.
            var index = BucketIndex(value);
            _counts[index]++;
            _sum += value;
            _native?.Observe(value);
            if (ExemplarsNeedSlowPath || !ExemplarStore.TryRecord(_exemplars, index, value, in exemplar))
            {
                RecordExemplarSlow(index, value, in exemplar);
            }
        }

        // Out of line, so that the fast path keeps in registers only what it uses.
        [MethodImpl(MethodImplOptions.NoInlining)]
        private void RecordExemplarSlow(int index, double value, in Exemplar exemplar) =>
            ExemplarStore.RecordSlow(ref _exemplars, index, _counts.Length, value, in exemplar, Shared, Family.Clock);

        private protected override void RecordSeconds(double seconds) => Observe(seconds);

        internal override SeriesSnapshot Snapshot()
        {
            var series = SnapshotBuckets(out var native);
            var exemplars = _exemplars is null ? null : ExemplarStore.Collect(_exemplars, Shared);

            // Native buckets and exemplars joined in one step: a series with both holds them in one object, not two.
            return native is null && exemplars is null ? series : series.WithNativeAndExemplars(native, exemplars);
        }

        /// <inheritdoc />
        /// <remarks>
        /// A histogram's snapshot copies its buckets, so an idle worker's histograms would each leave an array behind
        /// at every collection only to be found equal; a plain one (own registry, no native buckets, no exemplars) is
        /// compared in place, its running bucket total against the previous cumulative counts. The others compare a
        /// new snapshot.
        /// </remarks>
        internal override bool Unchanged(in SeriesSnapshot previous)
        {
            if (Shared || _native is not null || _exemplars is not null
                || previous.CumulativeBucketsArray is not { } buckets || buckets.Length != _counts.Length
                || previous.Native is not null || previous.ExemplarsArray is not null)
            {
                return base.Unchanged(previous);
            }

            if (!ReferenceEquals(previous.LabelValuesArray, LabelValuesArray)
                || BitConverter.DoubleToInt64Bits(previous.Sum) != BitConverter.DoubleToInt64Bits(_sum)
                || previous.TimestampMs != TimestampMs
                || BitConverter.DoubleToInt64Bits(previous.CreatedSeconds) != BitConverter.DoubleToInt64Bits(_createdSeconds))
            {
                return false;
            }

            long running = 0;
            for (var i = 0; i < buckets.Length; i++)
            {
                running += _counts[i];
                if (running != buckets[i])
                {
                    return false;
                }
            }

            return true;
        }

        private SeriesSnapshot SnapshotBuckets(out NativeHistogramSnapshot? native)
        {
            if (!Shared)
            {
                var ownCounts = (long[])_counts.Clone();
                var ownSum = _sum;
                native = _native?.Snapshot();
                return Cumulate(ownCounts, ownSum);
            }

            // Native buckets first, under their lock: an observer counts them after its classic bucket, so the count
            // read below holds every observation they hold.
            native = null;
            if (_native is not null)
            {
                lock (_native)
                {
                    native = _native.Snapshot();
                }
            }

            // The sum before the buckets: an observer counts its bucket before it adds to the sum, so every
            // observation in this sum is also in the buckets read after it.
            var cells = Volatile.Read(ref _cells);
            var sum = Volatile.Read(ref _sum) + (cells?.SumDouble(_counts.Length) ?? 0);
            var counts = new long[_counts.Length];
            for (var i = 0; i < counts.Length; i++)
            {
                counts[i] = Volatile.Read(ref _counts[i]);
            }

            // Read again: an observation may count its bucket in a cell newer than that array and then add to the sum
            // in an older cell; the current array holds both.
            Volatile.Read(ref _cells)?.SumInto(counts);
            return Cumulate(counts, sum);
        }

        // The count is the last cumulative bucket, so it always equals the sum of the buckets.
        private SeriesSnapshot Cumulate(long[] counts, double sum)
        {
            long running = 0;
            for (var i = 0; i < counts.Length; i++)
            {
                running += counts[i];
                counts[i] = running;
            }

            return SeriesSnapshot.ForHistogram(LabelValuesArray, counts, sum, TimestampMs, _createdSeconds);
        }

        /// <summary>The first bucket whose bound is at least <paramref name="value"/>; the +Inf bucket for NaN and above every bound.</summary>
        private int BucketIndex(double value) => BucketSearch.Index(_padded, _boundCount, value);

        [MethodImpl(MethodImplOptions.NoInlining)]
        private void ObserveSlow(double value)
        {
            if (!Shared)
            {
                _counts[BucketIndex(value)]++;
                _sum += value;
                _native?.Observe(value);
                Stamp();
                return;
            }

            if (Stamped)
            {
                StampShared();
            }

            ObserveClassicShared(value);
            if (_native is not null)
            {
                ObserveNativeShared(value);
            }
        }

        private void ObserveClassicShared(double value)
        {
            var index = BucketIndex(value);
            var cells = Volatile.Read(ref _cells);
            if (cells is not null && cells.TryObserve(index, _counts.Length, value))
            {
                return;
            }

            Interlocked.Increment(ref _counts[index]);

            // Contended: the next observations go to per-thread cells.
            if (AtomicDouble.Add(ref _sum, value) && cells is null)
            {
                _ = Stripes();
            }
        }

        // After the classic bucket (lock-free): a snapshot reads the native buckets first and the classic ones after, so
        // its count is never below their total.
        private void ObserveNativeShared(double value)
        {
            lock (_native!)
            {
                _native.Observe(value);
            }
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private StripedCells Stripes()
        {
            // One slot per bucket, then the sum.
            var fresh = new StripedCells(_counts.Length + 1, cells: 2);
            return Interlocked.CompareExchange(ref _cells, fresh, null) ?? fresh;
        }
    }
}
