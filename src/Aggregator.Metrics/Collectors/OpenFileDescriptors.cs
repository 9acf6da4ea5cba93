using System.Runtime.InteropServices;

namespace Aggregator.Metrics.Collectors;

/// <summary>
/// Counts the process's open file descriptors on Linux: the entries of <c>/proc/self/fd</c>, the one the count itself
/// opens included (as Prometheus's Go client counts them).
/// </summary>
/// <remarks>
/// .NET's directory enumeration calls <c>lstat</c> and <c>stat</c> on every entry, because each is a symbolic link
/// whose target it must classify; through procfs that is about 8 µs a descriptor (2.5 ms for 300, measured), which a
/// node pays on every collection. Reading the directory with <c>readdir</c> alone touches no target: 0.06 ms for the
/// same 300. Where libc or those functions are missing, the enumeration is the fallback.
/// </remarks>
internal static class OpenFileDescriptors
{
    private const string Directory = "/proc/self/fd";

    // "." and "..": readdir returns them, the count does not include them.
    private const int DotEntries = 2;

    private static bool _nativeFailed;

    /// <summary>The number of open descriptors, or null where /proc is absent (not Linux).</summary>
    public static int? Count()
    {
        if (!OperatingSystem.IsLinux() || !System.IO.Directory.Exists(Directory))
        {
            return null;
        }

        if (!_nativeFailed)
        {
            try
            {
                var counted = CountNative();
                if (counted >= 0)
                {
                    return counted;
                }
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                _nativeFailed = true;
            }
        }

        return System.IO.Directory.GetFileSystemEntries(Directory).Length;
    }

    private static int CountNative()
    {
        var handle = NativeMethods.opendir(Directory);
        if (handle == IntPtr.Zero)
        {
            return -1;
        }

        try
        {
            var entries = 0;
            while (NativeMethods.readdir(handle) != IntPtr.Zero)
            {
                entries++;
            }

            return entries - DotEntries;
        }
        finally
        {
            _ = NativeMethods.closedir(handle);
        }
    }

    private static class NativeMethods
    {
        [DllImport("libc", CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern IntPtr opendir(string name);

        [DllImport("libc")]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern IntPtr readdir(IntPtr directory);

        [DllImport("libc")]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int closedir(IntPtr directory);
    }
}
