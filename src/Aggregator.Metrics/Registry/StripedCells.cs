using System.Runtime.CompilerServices;

namespace Aggregator.Metrics;

/// <summary>
/// Striped accumulators for one contended shared-registry series, as Java's <c>LongAdder</c> does: a few cells, each a
/// row of <c>width</c> 64-bit slots, padded so that no two cells share a cache line; a thread updates the cell its probe
/// picks and moves to another (growing the stripe up to the processor count) when a compare-and-swap there fails.
/// Readers sum every cell. A series creates its stripes only once a compare-and-swap on its own fields has failed, so
/// an uncontended series never pays for them.
/// </summary>
/// <remarks>
/// Every cell ever created stays in the latest array (growth copies the old cells), so a sum taken after writers stop
/// is exact. A sum taken while they write holds every update completed before it started; different slots are read
/// one after another, not at one instant, and a reader that needs one slot's updates to be in another's reads the
/// later-written slot first and then the other from a fresh read of the array.
/// </remarks>
internal sealed class StripedCells
{
    // 64 bytes of padding before and after each row: adjacent cells' slots are then at least two cache lines apart,
    // which also keeps them off the adjacent line a spatial prefetcher pairs with.
    private const int Pad = 8;

    private static readonly int MaxCells = (int)Math.Min(64, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(2, Environment.ProcessorCount)));

    private static int s_nextProbe;

    [ThreadStatic]
    private static int t_probe;

    private readonly int _width;
    private long[][] _cells;

    /// <summary>Creates two cells of <paramref name="width"/> slots: there is contention already when this is called.</summary>
    public StripedCells(int width)
    {
        _width = width;
        _cells = [NewCell(), NewCell()];
    }

    /// <summary>Adds <paramref name="delta"/> to integer slot <paramref name="slot"/>.</summary>
    public void Add(int slot, long delta)
    {
        var probe = Probe();
        while (true)
        {
            var cells = Volatile.Read(ref _cells);
            ref var target = ref cells[probe & (cells.Length - 1)][Pad + slot];
            var seen = Volatile.Read(ref target);
            if (Interlocked.CompareExchange(ref target, seen + delta, seen) == seen)
            {
                return;
            }

            probe = Contended(cells);
        }
    }

    /// <summary>Adds <paramref name="delta"/> to floating-point slot <paramref name="slot"/> (kept as its bits).</summary>
    public void AddDouble(int slot, double delta)
    {
        var probe = Probe();
        while (true)
        {
            var cells = Volatile.Read(ref _cells);
            ref var target = ref cells[probe & (cells.Length - 1)][Pad + slot];
            var seen = Volatile.Read(ref target);
            var next = BitConverter.DoubleToInt64Bits(BitConverter.Int64BitsToDouble(seen) + delta);
            if (Interlocked.CompareExchange(ref target, next, seen) == seen)
            {
                return;
            }

            probe = Contended(cells);
        }
    }

    /// <summary>
    /// Adds 1 to integer slot <paramref name="bucket"/> and <paramref name="value"/> to floating-point slot
    /// <paramref name="sumSlot"/>; the sum's compare-and-swap is the one that detects contention.
    /// </summary>
    public void Observe(int bucket, int sumSlot, double value)
    {
        var probe = Probe();
        var cells = Volatile.Read(ref _cells);
        var cell = cells[probe & (cells.Length - 1)];
        Interlocked.Increment(ref cell[Pad + bucket]);
        while (true)
        {
            ref var target = ref cell[Pad + sumSlot];
            var seen = Volatile.Read(ref target);
            var next = BitConverter.DoubleToInt64Bits(BitConverter.Int64BitsToDouble(seen) + value);
            if (Interlocked.CompareExchange(ref target, next, seen) == seen)
            {
                return;
            }

            // The sum may land in another cell than the bucket: readers add up every cell anyway.
            probe = Contended(cells);
            cells = Volatile.Read(ref _cells);
            cell = cells[probe & (cells.Length - 1)];
        }
    }

    /// <summary>The total of integer slot <paramref name="slot"/> over every cell.</summary>
    public long Sum(int slot)
    {
        long total = 0;
        foreach (var cell in Volatile.Read(ref _cells))
        {
            total += Volatile.Read(ref cell[Pad + slot]);
        }

        return total;
    }

    /// <summary>The total of floating-point slot <paramref name="slot"/> over every cell.</summary>
    public double SumDouble(int slot)
    {
        var total = 0.0;
        foreach (var cell in Volatile.Read(ref _cells))
        {
            total += BitConverter.Int64BitsToDouble(Volatile.Read(ref cell[Pad + slot]));
        }

        return total;
    }

    /// <summary>Adds each cell's integer slots 0 to <c>totals.Length - 1</c> into <paramref name="totals"/>.</summary>
    public void SumInto(Span<long> totals)
    {
        foreach (var cell in Volatile.Read(ref _cells))
        {
            for (var i = 0; i < totals.Length; i++)
            {
                totals[i] += Volatile.Read(ref cell[Pad + i]);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Probe()
    {
        var probe = t_probe;
        if (probe == 0)
        {
            probe = NewProbe();
        }

        return probe;
    }

    // Consecutive threads get consecutive probes, so that two threads start on different cells.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int NewProbe()
    {
        int probe;
        do
        {
            probe = Interlocked.Increment(ref s_nextProbe);
        }
        while (probe == 0);

        t_probe = probe;
        return probe;
    }

    /// <summary>A compare-and-swap on a cell failed: grow the stripe if it may, and move this thread to another cell.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private int Contended(long[][] seen)
    {
        if (seen.Length < MaxCells)
        {
            var grown = new long[seen.Length * 2][];
            seen.CopyTo(grown, 0);
            for (var i = seen.Length; i < grown.Length; i++)
            {
                grown[i] = NewCell();
            }

            // Losing this race is fine: the winner's array holds every cell that was ever written to.
            Interlocked.CompareExchange(ref _cells, grown, seen);
        }

        // Marsaglia xorshift, as LongAdder rehashes: a new cell that does not depend on the other threads' probes.
        var probe = t_probe;
        probe ^= probe << 13;
        probe ^= (int)((uint)probe >> 17);
        probe ^= probe << 5;
        t_probe = probe;
        return probe;
    }

    private long[] NewCell() => new long[Pad + _width + Pad];
}
