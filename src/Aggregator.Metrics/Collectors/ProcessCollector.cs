using System.Diagnostics;

namespace Aggregator.Metrics.Collectors;

/// <summary>
/// The standard process metrics, read at collection time: <c>process_cpu_seconds_total</c>,
/// <c>process_resident_memory_bytes</c>, <c>process_virtual_memory_bytes</c>, <c>process_open_fds</c>,
/// <c>process_max_fds</c> (Linux) and <c>process_start_time_seconds</c>. Every family is
/// <see cref="MetricDefinition.PerNode"/>: a cluster scrape shows each node's process under a <c>node</c> label.
/// </summary>
public static class ProcessCollector
{
    /// <summary>The name it registers under in <see cref="MetricRegistry.AddCollector"/>.</summary>
    public const string Name = "process";

    private static readonly MetricDefinition Cpu = new(MetricType.Counter, "process_cpu_seconds_total", "Total user and system CPU time spent in seconds.", perNode: true);
    private static readonly MetricDefinition Resident = new(MetricType.Gauge, "process_resident_memory_bytes", "Resident memory size in bytes.", perNode: true);
    private static readonly MetricDefinition Virtual = new(MetricType.Gauge, "process_virtual_memory_bytes", "Virtual memory size in bytes.", perNode: true);
    private static readonly MetricDefinition OpenFds = new(MetricType.Gauge, "process_open_fds", "Number of open file descriptors.", perNode: true);
    private static readonly MetricDefinition MaxFds = new(MetricType.Gauge, "process_max_fds", "Maximum number of open file descriptors.", perNode: true);
    private static readonly MetricDefinition StartTime = new(MetricType.Gauge, "process_start_time_seconds", "Start time of the process since unix epoch in seconds.", perNode: true);

    /// <summary>Adds the collector to <paramref name="registry"/>.</summary>
    public static void Register(MetricRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.AddCollector(Name, Collect);
    }

    /// <summary>Reads the process's figures now.</summary>
    public static IEnumerable<MetricFamilySnapshot> Collect()
    {
        using var process = Process.GetCurrentProcess();
        var start = new DateTimeOffset(process.StartTime.ToUniversalTime()).ToUnixTimeMilliseconds() / 1000.0;
        var families = new List<MetricFamilySnapshot>
        {
            One(Cpu, process.TotalProcessorTime.TotalSeconds),
            One(Resident, process.WorkingSet64),
            One(Virtual, process.VirtualMemorySize64),
            One(StartTime, start),
            One(OpenFds, OpenFileDescriptors(process)),
        };
        if (MaxFileDescriptors() is { } max)
        {
            families.Add(One(MaxFds, max));
        }

        return families;
    }

    private static MetricFamilySnapshot One(MetricDefinition definition, double value) => MetricFamilySnapshot.OfValue(definition, value);

    private static double OpenFileDescriptors(Process process) => Collectors.OpenFileDescriptors.Count() ?? process.HandleCount;

    /// <summary>The soft limit from /proc/self/limits ("Max open files  1024  4096  files"), null where there is none.</summary>
    private static double? MaxFileDescriptors()
    {
        const string limits = "/proc/self/limits";
        if (!File.Exists(limits))
        {
            return null;
        }

        foreach (var line in File.ReadLines(limits))
        {
            if (line.StartsWith("Max open files", StringComparison.Ordinal))
            {
                var fields = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return fields.Length > 0 && double.TryParse(fields[0], System.Globalization.CultureInfo.InvariantCulture, out var soft) ? soft : null;
            }
        }

        return null;
    }
}
