using System.Diagnostics;
using System.Runtime;

namespace Aggregator.Benchmarks;

/// <summary>What the runners measure about this process: its memory after a full collection, and median times.</summary>
internal static class Measure
{
    private const double MiB = 1024 * 1024;

    /// <summary>
    /// Resident set size and managed heap in MiB after a full, compacting, aggressive collection (which also returns
    /// free memory to the operating system, so that RSS shows what is live rather than what the GC keeps around).
    /// </summary>
    public static (double RssMiB, double HeapMiB) AfterFullGc()
    {
        for (var i = 0; i < 2; i++)
        {
            GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        using var self = Process.GetCurrentProcess();
        return (self.WorkingSet64 / MiB, GC.GetTotalMemory(forceFullCollection: false) / MiB);
    }

    /// <summary>
    /// The median of <paramref name="runs"/> timed runs of <paramref name="action"/> in ms, after untimed runs for at
    /// least <paramref name="warmup"/>: tiered compilation recompiles hot methods only after a quiet 100 ms, so a
    /// warm-up counted in runs of a fraction of a millisecond would time code that is not yet optimized.
    /// </summary>
    public static async Task<double> MedianMsAsync(TimeSpan warmup, int runs, Func<Task> action)
    {
        var warming = Stopwatch.StartNew();
        do
        {
            await action();
        }
        while (warming.Elapsed < warmup);

        var times = new double[runs];
        for (var i = 0; i < runs; i++)
        {
            var clock = Stopwatch.StartNew();
            await action();
            times[i] = clock.Elapsed.TotalMilliseconds;
        }

        Array.Sort(times);
        return times[runs / 2];
    }

    /// <summary>The threads of this process, a share of RSS (their stacks) that grows with load rather than state.</summary>
    public static int Threads()
    {
        using var self = Process.GetCurrentProcess();
        return self.Threads.Count;
    }
}
