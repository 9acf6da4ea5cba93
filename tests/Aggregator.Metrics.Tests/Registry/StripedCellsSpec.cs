namespace Aggregator.Metrics.Tests.Registry;

public sealed class StripedCellsSpec
{
    private const int Threads = 4;
    private const int PerThread = 1_000_000;

    private static void RunTogether(Action body)
    {
        using var start = new Barrier(Threads);
        var workers = Enumerable.Range(0, Threads)
            .Select(_ => new Thread(() =>
            {
                start.SignalAndWait();
                body();
            }))
            .ToArray();
        foreach (var w in workers)
        {
            w.Start();
        }

        foreach (var w in workers)
        {
            w.Join();
        }
    }

    [Fact]
    public void Sums_over_every_cell_are_exact_after_contended_updates()
    {
        var cells = new StripedCells(3);

        RunTogether(() =>
        {
            for (var i = 0; i < PerThread; i++)
            {
                cells.Add(0, 1);
                cells.AddDouble(2, 0.5);
                if (i % 10 == 0)
                {
                    cells.Observe(1, 2, 0.25);
                }
            }
        });

        Assert.Equal(4_000_000, cells.Sum(0));
        Assert.Equal(400_000, cells.Sum(1));
        Assert.Equal(2_100_000, cells.SumDouble(2));
        var totals = new long[2];
        cells.SumInto(totals);
        Assert.Equal([4_000_000L, 400_000L], totals);
    }
}
