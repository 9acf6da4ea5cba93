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

    /// <summary>The median of <paramref name="runs"/> timed runs of <paramref name="action"/> in ms, after <paramref name="warmup"/> untimed ones.</summary>
    public static async Task<double> MedianMsAsync(int warmup, int runs, Func<Task> action)
    {
        for (var i = 0; i < warmup; i++)
        {
            await action();
        }

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
}
