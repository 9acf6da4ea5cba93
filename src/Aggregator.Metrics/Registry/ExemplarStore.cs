using System.Runtime.CompilerServices;

namespace Aggregator.Metrics;

/// <summary>
/// The exemplar storage of one series: one cell per series (counter) or per bucket, +Inf included (histogram), made on
/// the series' first exemplar and then written in place, so recording allocates nothing after that.
/// </summary>
/// <remarks>
/// A worker registry writes a cell with plain stores (its series are touched by one actor at a time); a shared
/// registry writes and reads cells under a lock on the cell array, which is short (a struct copy) and only taken by
/// updates that carry an exemplar. A cell keeps the <see cref="Exemplar"/> as given, so trace ids are formatted when
/// collected, not when recorded; a collection builds an <see cref="ExemplarSnapshot"/> once per recorded exemplar and
/// reuses it until the next one. The time of recording comes from <see cref="ExemplarClock"/> (a field refreshed every
/// 10 ms), since reading a clock costs several times an update; with a <see cref="TimeProvider"/> other than the
/// system's (tests), that provider's clock is read.
/// </remarks>
internal static class ExemplarStore
{
    /// <summary>
    /// Records <paramref name="exemplar"/> with <paramref name="value"/> in cell <paramref name="index"/> of
    /// <paramref name="cells"/> (made with <paramref name="length"/> cells when null). The value is already recorded:
    /// an invalid exemplar throws here, leaving it counted.
    /// </summary>
    /// <exception cref="ArgumentException">The exemplar is invalid (<see cref="Exemplar.Problem"/>).</exception>
    /// <remarks>
    /// The family is passed, not its clock: the clock is four loads away and only needed when the cells are made, which
    /// note in each cell whether to read <see cref="ExemplarClock"/>.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Record(ref Cell[]? cells, int index, int length, double value, in Exemplar exemplar, bool shared, MetricFamily family)
    {
        var array = cells;
        if (array is null || exemplar.Problem is not null || shared)
        {
            RecordSlow(ref cells, index, length, value, in exemplar, shared, family.Clock);
            return;
        }

        ref var cell = ref array[index];
        cell.Exemplar = exemplar;
        cell.Value = value;
        cell.RecordedMs = exemplar.HasTimestamp ? exemplar.TimestampMs : Now(cell.Clock);
        cell.Collected = null;
    }

    /// <summary>The series' exemplars as collected, one per cell (null where none was recorded); null when none ever was.</summary>
    public static ExemplarSnapshot?[]? Collect(Cell[]? cells, bool shared)
    {
        if (cells is null)
        {
            return null;
        }

        if (!shared)
        {
            return CollectCore(cells);
        }

        lock (cells)
        {
            return CollectCore(cells);
        }
    }

    /// <summary>The time of recording in epoch milliseconds.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long Now(TimeProvider? clock) => clock is null ? ExemplarClock.NowMs : clock.GetUtcNow().ToUnixTimeMilliseconds();

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Cell[] Create(ref Cell[]? cells, int length, bool shared, TimeProvider clock)
    {
        var fresh = new Cell[length];
        if (!ReferenceEquals(clock, TimeProvider.System))
        {
            for (var i = 0; i < fresh.Length; i++)
            {
                fresh[i].Clock = clock;
            }
        }

        if (!shared)
        {
            cells = fresh;
            return fresh;
        }

        return Interlocked.CompareExchange(ref cells, fresh, null) ?? fresh;
    }

    /// <summary>As <see cref="Record"/>, for a caller without a family (the Meter bridge, under its own lock: not shared).</summary>
    /// <exception cref="ArgumentException">The exemplar is invalid (<see cref="Exemplar.Problem"/>).</exception>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void RecordSlow(ref Cell[]? cells, int index, int length, double value, in Exemplar exemplar, bool shared, TimeProvider clock)
    {
        if (exemplar.Problem is { } problem)
        {
            throw new ArgumentException(problem + " The value was recorded without it.", nameof(exemplar));
        }

        var array = Volatile.Read(ref cells) ?? Create(ref cells, length, shared, clock);
        var recorded = exemplar.HasTimestamp ? exemplar.TimestampMs : Now(array[index].Clock);
        if (!shared)
        {
            ref var only = ref array[index];
            only.Exemplar = exemplar;
            only.Value = value;
            only.RecordedMs = recorded;
            only.Collected = null;
            return;
        }

        lock (array)
        {
            ref var cell = ref array[index];

            // Two threads may record out of clock order: the later time stays.
            if (cell.Exemplar.IsEmpty || recorded >= cell.RecordedMs)
            {
                cell.Exemplar = exemplar;
                cell.Value = value;
                cell.RecordedMs = recorded;
                cell.Collected = null;
            }
        }
    }

    private static ExemplarSnapshot?[]? CollectCore(Cell[] cells)
    {
        ExemplarSnapshot?[]? collected = null;
        for (var i = 0; i < cells.Length; i++)
        {
            ref var cell = ref cells[i];
            if (cell.Exemplar.IsEmpty)
            {
                continue;
            }

            collected ??= new ExemplarSnapshot?[cells.Length];
            collected[i] = cell.Collected ??= new ExemplarSnapshot([.. cell.Exemplar.Labels()], cell.Value, cell.RecordedMs);
        }

        return collected;
    }

    /// <summary>One exemplar as recorded: kept raw, formatted when collected.</summary>
    internal struct Cell
    {
        public Exemplar Exemplar;
        public double Value;
        public long RecordedMs;

        // What the last collection built from this cell, until the next exemplar replaces it.
        public ExemplarSnapshot? Collected;

        // The registry's clock when it is not the system's (tests); null: ExemplarClock. Set when the cells are made.
        public TimeProvider? Clock;
    }
}
