using System.Diagnostics;
using System.Runtime;
using System.Runtime.InteropServices;

namespace Aggregator.Benchmarks;

/// <summary>What the runners measure about this process: its memory after a full collection, and median times.</summary>
internal static partial class Measure
{
    private const double MiB = 1024 * 1024;

    /// <summary>
    /// Resident set size and managed heap in MiB after a full, compacting, aggressive collection (which also returns
    /// free memory to the operating system, so that RSS shows what is live rather than what the GC keeps around), and
    /// after glibc has returned the free memory of its malloc arenas as well (see <see cref="TrimNativeHeap"/>).
    /// </summary>
    public static (double RssMiB, double HeapMiB) AfterFullGc()
    {
        for (var i = 0; i < 2; i++)
        {
            GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        TrimNativeHeap();

        using var self = Process.GetCurrentProcess();
        return (self.WorkingSet64 / MiB, GC.GetTotalMemory(forceFullCollection: false) / MiB);
    }

    /// <summary>
    /// Asks glibc to give the free memory of every malloc arena back to the operating system. The runtime's own
    /// threads malloc (thread pool threads added under load each get an arena), and glibc keeps what they freed
    /// resident: after a burst of work RSS stays several MiB higher with no live object behind it (measured with the
    /// churn runner: anonymous mappings 4.7 → 13.2 MiB with the managed heap at 3 MiB; with MALLOC_ARENA_MAX=1 they
    /// stayed at 4.4 MiB). Not glibc (musl, macOS, Windows): nothing to do.
    /// </summary>
    private static void TrimNativeHeap()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        try
        {
            _ = NativeMethods.MallocTrim(0);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // A C library without malloc_trim keeps its free memory; RSS then says so.
        }
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

    /// <summary>
    /// CPU time this process has used so far, in ms (every thread: GC and actors included), from the kernel's
    /// per-process clock: on a machine shared with other builds, wall time counts the time others ran, this does not.
    /// </summary>
    public static double ProcessCpuMs()
    {
        if (!OperatingSystem.IsLinux())
        {
            using var self = Process.GetCurrentProcess();
            return self.TotalProcessorTime.TotalMilliseconds;
        }

        _ = NativeMethods.ClockGetTime(ProcessCpuTimeClock, out var time);
        return (time.Seconds * 1e3) + (time.Nanoseconds / 1e6);
    }

    // CLOCK_PROCESS_CPUTIME_ID in <time.h> on Linux.
    private const int ProcessCpuTimeClock = 2;

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    private static partial class NativeMethods
    {
        [LibraryImport("libc", EntryPoint = "clock_gettime")]
        public static partial int ClockGetTime(int clock, out TimeSpec time);

        [LibraryImport("libc", EntryPoint = "malloc_trim")]
        public static partial int MallocTrim(nuint pad);
    }
}
