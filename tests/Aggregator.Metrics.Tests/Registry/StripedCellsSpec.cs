namespace Aggregator.Metrics.Tests.Registry;

public sealed class StripedCellsSpec
{
    private const int Threads = 4;
    private const int PerThread = 1_000_000;

    private static void RunTogether(int threads, Action body) => Together.Run(threads, _ => body());

    [Fact]
    public void Own_cells_and_the_fallback_together_keep_every_update()
    {
        var cells = new StripedCells(3, cells: 1);
        long fallbackCount = 0;
        long fallbackObserved = 0;

        RunTogether(Threads, () =>
        {
            for (var i = 0; i < PerThread; i++)
            {
                if (!cells.TryAdd(0, 1))
                {
                    Interlocked.Increment(ref fallbackCount);
                }

                if (i % 10 == 0 && !cells.TryObserve(1, 2, 0.25))
                {
                    Interlocked.Increment(ref fallbackObserved);
                }
            }
        });

        Assert.Equal(4_000_000, cells.Sum(0) + fallbackCount);
        Assert.Equal(400_000, cells.Sum(1) + fallbackObserved);
        Assert.Equal(100_000, cells.SumDouble(2) + (fallbackObserved * 0.25));
        var totals = new long[2];
        cells.SumInto(totals);
        Assert.Equal([4_000_000 - fallbackCount, 400_000 - fallbackObserved], totals);
    }

    [Fact]
    public void A_cell_whose_owner_ended_passes_to_another_thread_with_its_total()
    {
        var cells = new StripedCells(1, cells: 2);

        // As many threads as there can be cells, each keeping a cell, all ended afterwards.
        var owners = Math.Min(64, (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(2, Environment.ProcessorCount)));
        var owned = 0;
        RunTogether(owners, () =>
        {
            for (var i = 0; i < 1000; i++)
            {
                if (cells.TryAdd(0, 1))
                {
                    Interlocked.Increment(ref owned);
                }
            }
        });

        var late = false;
        var thread = new Thread(() => late = cells.TryAdd(0, 5));
        thread.Start();
        thread.Join();

        Assert.True(late, "a new thread found no cell although every owner had ended");
        Assert.Equal(owned + 5, cells.Sum(0));
    }

    [Fact]
    public void Doubles_added_by_one_thread_sum_exactly()
    {
        var cells = new StripedCells(2, cells: 1);
        for (var i = 0; i < 1000; i++)
        {
            Assert.True(cells.TryAddDouble(1, 0.5));
        }

        Assert.Equal(500.0, cells.SumDouble(1));
        Assert.Equal(0, cells.Sum(0));
    }
}
