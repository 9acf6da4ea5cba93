using System.Runtime.CompilerServices;

namespace Aggregator.Metrics;

/// <summary>
/// Per-thread cells for one contended shared-registry series, in the manner of Java's <c>LongAdder</c>: a few cells,
/// each a row of <c>width</c> 64-bit slots padded so that no two cells share a cache line, and each owned by one thread
/// at a time. The owner updates its row with plain reads and writes (it is the row's only writer), so a thread
/// incrementing a contended series pays neither a locked instruction nor a cache-line transfer. Readers sum every
/// cell. A thread that finds no cell of its own (every cell owned by a live thread, and no room to grow) is told so
/// and updates the series' own fields by an interlocked operation instead.
/// </summary>
/// <remarks>
/// A cell passes to another thread only once its owner has ended, so no two threads ever write one row. Every cell ever
/// created stays in the latest array (growth copies the old cells), so a sum taken after writers stop is exact. A sum
/// taken while they write holds every update completed before it started. Slots are read one after another, not at one
/// instant: a reader that needs one slot's updates to be in another's reads the later-written slot first, and the other
/// from a fresh read of the array (a writer may write the first slot in a cell newer than the reader's array).
/// </remarks>
internal sealed class StripedCells
{
    // 64 bytes of padding before and after each row: adjacent rows' slots are then at least two cache lines apart,
    // which also keeps them off the adjacent line a spatial prefetcher pairs with.
    private const int Pad = 8;

    private static readonly int MaxCells = (int)Math.Min(64, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(2, Environment.ProcessorCount)));

    private static int s_nextProbe;

    [ThreadStatic]
    private static int t_probe;

    // This thread's token: unique among threads, unlike probes, which rehash into each other's values.
    [ThreadStatic]
    private static int t_token;

    private readonly int _width;
    private Cell[] _cells;

    /// <summary>Creates <paramref name="cells"/> (1 or 2) cells of <paramref name="width"/> slots.</summary>
    public StripedCells(int width, int cells)
    {
        _width = width;
        _cells = cells == 1 ? [new Cell(width)] : [new Cell(width), new Cell(width)];
    }

    /// <summary>Adds <paramref name="delta"/> to integer slot <paramref name="slot"/> of this thread's cell; false when it has none.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryAdd(int slot, long delta)
    {
        var row = OwnRow();
        if (row is null)
        {
            return false;
        }

        ref var target = ref row[Pad + slot];
        Volatile.Write(ref target, target + delta);
        return true;
    }

    /// <summary>Adds <paramref name="delta"/> to floating-point slot <paramref name="slot"/> (kept as its bits); false when this thread has no cell.</summary>
    public bool TryAddDouble(int slot, double delta)
    {
        var row = OwnRow();
        if (row is null)
        {
            return false;
        }

        ref var target = ref row[Pad + slot];
        Volatile.Write(ref target, BitConverter.DoubleToInt64Bits(BitConverter.Int64BitsToDouble(target) + delta));
        return true;
    }

    /// <summary>
    /// Adds 1 to integer slot <paramref name="bucket"/> and then <paramref name="value"/> to floating-point slot
    /// <paramref name="sumSlot"/> of this thread's cell; false when it has none.
    /// </summary>
    public bool TryObserve(int bucket, int sumSlot, double value)
    {
        var row = OwnRow();
        if (row is null)
        {
            return false;
        }

        ref var count = ref row[Pad + bucket];
        Volatile.Write(ref count, count + 1);
        ref var sum = ref row[Pad + sumSlot];
        Volatile.Write(ref sum, BitConverter.DoubleToInt64Bits(BitConverter.Int64BitsToDouble(sum) + value));
        return true;
    }

    /// <summary>The total of integer slot <paramref name="slot"/> over every cell.</summary>
    public long Sum(int slot)
    {
        long total = 0;
        foreach (var cell in Volatile.Read(ref _cells))
        {
            total += Volatile.Read(ref cell.Row[Pad + slot]);
        }

        return total;
    }

    /// <summary>The total of floating-point slot <paramref name="slot"/> over every cell.</summary>
    public double SumDouble(int slot)
    {
        var total = 0.0;
        foreach (var cell in Volatile.Read(ref _cells))
        {
            total += BitConverter.Int64BitsToDouble(Volatile.Read(ref cell.Row[Pad + slot]));
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
                totals[i] += Volatile.Read(ref cell.Row[Pad + i]);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private long[]? OwnRow()
    {
        var probe = t_probe;
        var cells = Volatile.Read(ref _cells);
        var cell = cells[probe & (cells.Length - 1)];

        // Comparing tokens spares reading the current thread; no thread has token 0.
        var token = t_token;
        return token != 0 && cell.Token == token ? cell.Row : FindRow();
    }

    /// <summary>This thread owns no cell at its probe: claim a free one (or one whose owner has ended), growing if all are taken.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private long[]? FindRow()
    {
        var me = Thread.CurrentThread;
        var probe = t_probe;
        if (t_token == 0)
        {
            // Consecutive threads get consecutive probes, so that two threads start on different cells; the first probe
            // is also the token (a thread making 2^32 of them is not expected).
            do
            {
                probe = Interlocked.Increment(ref s_nextProbe);
            }
            while (probe == 0);

            t_token = probe;
        }

        while (true)
        {
            var cells = Volatile.Read(ref _cells);
            for (var attempt = 0; attempt < cells.Length; attempt++)
            {
                var cell = cells[probe & (cells.Length - 1)];
                var owner = Volatile.Read(ref cell.Owner);
                if ((owner is null || !owner.IsAlive) && ReferenceEquals(Interlocked.CompareExchange(ref cell.Owner, me, owner), owner))
                {
                    // Owned now, so no other thread writes the token; a reader of the old token was its ended owner.
                    Volatile.Write(ref cell.Token, t_token);
                    t_probe = probe;
                    return cell.Row;
                }

                if (ReferenceEquals(owner, me))
                {
                    // This thread's own cell, reached after a rehash in another series.
                    t_probe = probe;
                    return cell.Row;
                }

                // Marsaglia xorshift, as LongAdder rehashes: another cell that does not depend on the other threads' probes.
                probe ^= probe << 13;
                probe ^= (int)((uint)probe >> 17);
                probe ^= probe << 5;
            }

            t_probe = probe;
            if (cells.Length >= MaxCells)
            {
                return null;
            }

            var grown = new Cell[cells.Length * 2];
            cells.CopyTo(grown, 0);
            for (var i = cells.Length; i < grown.Length; i++)
            {
                grown[i] = new Cell(_width);
            }

            // Losing this race is fine: the winner's array holds every cell that was ever written to.
            Interlocked.CompareExchange(ref _cells, grown, cells);
        }
    }

    private sealed class Cell(int width)
    {
        // Written by its owner only; the padding keeps other rows (and this object's header) off its cache lines.
        public readonly long[] Row = new long[Pad + width + Pad];

        // The thread that writes Row; another thread takes the cell only once this one has ended.
        public Thread? Owner;

        // The owner's token (0 for none): the fast path compares it with the caller's.
        public int Token;
    }
}
