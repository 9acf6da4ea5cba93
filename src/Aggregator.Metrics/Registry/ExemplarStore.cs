using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Aggregator.Metrics;

/// <summary>
/// The exemplar storage of one series: one cell per series (counter) or per bucket, +Inf included (histogram), made on
/// the series' first exemplar and then written in place, so recording allocates nothing after that.
/// </summary>
/// <remarks>
/// A worker registry writes a cell with plain stores (its series are touched by one actor at a time); a shared
/// registry writes and reads cells under a lock on the cell array, which is short (a few stores) and only taken by
/// updates that carry an exemplar. A cell keeps the parts of the <see cref="Exemplar"/> its kind uses (a trace
/// exemplar's two ids, a label exemplar's label set), so trace ids are formatted when collected, not when recorded, and
/// a record pays one write barrier per reference it stores and no more; a collection builds an
/// <see cref="ExemplarSnapshot"/> once per recorded exemplar and reuses it until the next one. The time of recording
/// comes from <see cref="ExemplarClock"/> (a field refreshed every 10 ms), since reading a clock costs several times an
/// update; with a <see cref="TimeProvider"/> other than the system's (tests), the series records through
/// <see cref="RecordSlow"/>, which reads that provider's clock.
/// </remarks>
internal static class ExemplarStore
{
    /// <summary>
    /// Records <paramref name="exemplar"/> (not empty) with <paramref name="value"/> in cell <paramref name="index"/> of
    /// <paramref name="cells"/> in a worker registry on the system clock, and returns true; returns false, recording
    /// nothing, when <see cref="RecordSlow"/> must: the cells are not made yet or the exemplar is invalid.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryRecord(Cell[]? cells, int index, double value, in Exemplar exemplar)
    {
        if (cells is null)
        {
            return false;
        }

        var kind = exemplar.Kind;
        Exemplar.LabelSet? set = null;
        if (kind != Exemplar.KindTrace && (set = exemplar.Set) is not { Problem: null })
        {
            return false;
        }

        // The scalars first: the barrier calls below would otherwise make the JIT reload the value from the stack.
        ref var cell = ref cells[index];
        cell.Kind = kind;
        cell.Value = value;
        cell.RecordedMs = exemplar.HasTimestamp ? exemplar.RawTimestampMs : ExemplarClock.NowMs;
        cell.Collected = null;

        // Only the references the kind uses are stored, the others cleared so no stale label set or id stays reachable
        // (a null store pays no write barrier). The ids go through locals: a field copied from the exemplar to the cell
        // is a memory-to-memory copy, which the JIT writes with the by-ref barrier helper, several times the cost of
        // the plain barrier a register store gets.
        if (kind == Exemplar.KindTrace)
        {
            var traceId = exemplar.TraceId;
            var spanId = exemplar.SpanId;
            cell.Set = null;
            cell.TraceId = traceId;
            cell.SpanId = spanId;
        }
        else
        {
            cell.TraceId = default;
            cell.SpanId = default;
            cell.Set = set;
        }

        return true;
    }

    /// <summary>
    /// Records <paramref name="exemplar"/> with <paramref name="value"/> in cell <paramref name="index"/> of
    /// <paramref name="cells"/> (made with <paramref name="length"/> cells when null), under the cells' lock when
    /// <paramref name="shared"/>, stamped from <paramref name="clock"/> when the exemplar has no timestamp. The value
    /// is already recorded: an invalid exemplar throws here, leaving it counted. For <see cref="TryRecord"/>'s
    /// declines, a shared registry, a clock other than the system's, and callers without a series (the Meter bridge,
    /// under its own lock: not shared).
    /// </summary>
    /// <exception cref="ArgumentException">The exemplar is invalid (<see cref="Exemplar.Problem"/>).</exception>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void RecordSlow(ref Cell[]? cells, int index, int length, double value, in Exemplar exemplar, bool shared, TimeProvider clock)
    {
        if (exemplar.Problem is { } problem)
        {
            throw new ArgumentException(problem + " The value was recorded without it.", nameof(exemplar));
        }

        var array = Volatile.Read(ref cells) ?? Create(ref cells, length, shared);
        var recorded = exemplar.HasTimestamp ? exemplar.RawTimestampMs : Now(clock);
        if (!shared)
        {
            array[index].Write(in exemplar, value, recorded);
            return;
        }

        lock (array)
        {
            ref var cell = ref array[index];

            // Two threads may record out of clock order: the later time stays.
            if (cell.Kind == 0 || recorded >= cell.RecordedMs)
            {
                cell.Write(in exemplar, value, recorded);
            }
        }
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
    private static long Now(TimeProvider clock) =>
        ReferenceEquals(clock, TimeProvider.System) ? ExemplarClock.NowMs : clock.GetUtcNow().ToUnixTimeMilliseconds();

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Cell[] Create(ref Cell[]? cells, int length, bool shared)
    {
        var fresh = new Cell[length];
        if (!shared)
        {
            cells = fresh;
            return fresh;
        }

        return Interlocked.CompareExchange(ref cells, fresh, null) ?? fresh;
    }

    private static ExemplarSnapshot?[]? CollectCore(Cell[] cells)
    {
        ExemplarSnapshot?[]? collected = null;
        for (var i = 0; i < cells.Length; i++)
        {
            ref var cell = ref cells[i];
            if (cell.Kind == 0)
            {
                continue;
            }

            collected ??= new ExemplarSnapshot?[cells.Length];
            collected[i] = cell.Collected ??= new ExemplarSnapshot(
                [.. Exemplar.Labels(cell.Kind, cell.TraceId, cell.SpanId, cell.Set)], cell.Value, cell.RecordedMs);
        }

        return collected;
    }

    /// <summary>One exemplar as recorded: the parts its kind uses, kept raw and formatted when collected.</summary>
    internal struct Cell
    {
        // A trace exemplar's ids (default for a label exemplar).
        public ActivityTraceId TraceId;
        public ActivitySpanId SpanId;

        // A label exemplar's labels (null for a trace exemplar).
        public Exemplar.LabelSet? Set;

        // What the last collection built from this cell, until the next exemplar replaces it.
        public ExemplarSnapshot? Collected;
        public double Value;
        public long RecordedMs;

        // The exemplar's kind; 0 while nothing was recorded.
        public byte Kind;

        public void Write(in Exemplar exemplar, double value, long recordedMs)
        {
            TraceId = exemplar.TraceId;
            SpanId = exemplar.SpanId;
            Set = exemplar.Set;
            Kind = exemplar.Kind;
            Value = value;
            RecordedMs = recordedMs;
            Collected = null;
        }
    }
}
