namespace Aggregator.Metrics.Collectors;

/// <summary>
/// .NET runtime metrics read at collection time: garbage collections by generation, heap size, allocated bytes,
/// GC pause time, thread-pool threads, queue length and completed work items, and lock contentions. Every family is
/// <see cref="MetricDefinition.PerNode"/>: a cluster scrape shows each node's runtime under a <c>node</c> label.
/// </summary>
public static class RuntimeCollector
{
    /// <summary>The name it registers under in <see cref="MetricRegistry.AddCollector"/>.</summary>
    public const string Name = "dotnet_runtime";

    private static readonly MetricDefinition Collections = new(MetricType.Counter, "dotnet_gc_collections_total", "Garbage collections, by generation.", ["generation"], perNode: true);
    private static readonly MetricDefinition HeapSize = new(MetricType.Gauge, "dotnet_gc_heap_size_bytes", "Heap size after the last garbage collection, in bytes.", perNode: true);
    private static readonly MetricDefinition Allocated = new(MetricType.Counter, "dotnet_gc_allocated_bytes_total", "Bytes allocated on the managed heap.", perNode: true);
    private static readonly MetricDefinition Pause = new(MetricType.Counter, "dotnet_gc_pause_seconds_total", "Time the runtime was paused for garbage collection, in seconds.", perNode: true);
    private static readonly MetricDefinition Threads = new(MetricType.Gauge, "dotnet_threadpool_threads", "Thread-pool threads.", perNode: true);
    private static readonly MetricDefinition Queue = new(MetricType.Gauge, "dotnet_threadpool_queue_length", "Work items queued to the thread pool.", perNode: true);
    private static readonly MetricDefinition Completed = new(MetricType.Counter, "dotnet_threadpool_completed_items_total", "Work items the thread pool has completed.", perNode: true);
    private static readonly MetricDefinition Contentions = new(MetricType.Counter, "dotnet_monitor_lock_contentions_total", "Times a thread waited for a contended lock.", perNode: true);

    /// <summary>Adds the collector to <paramref name="registry"/>.</summary>
    public static void Register(MetricRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.AddCollector(Name, Collect);
    }

    /// <summary>Reads the runtime's figures now.</summary>
    public static IEnumerable<MetricFamilySnapshot> Collect()
    {
        var generations = new SeriesSnapshot[GC.MaxGeneration + 1];
        for (var g = 0; g <= GC.MaxGeneration; g++)
        {
            generations[g] = SeriesSnapshot.ForValue([g.ToString(System.Globalization.CultureInfo.InvariantCulture)], GC.CollectionCount(g));
        }

        return
        [
            new MetricFamilySnapshot(Collections, generations),
            One(HeapSize, GC.GetGCMemoryInfo().HeapSizeBytes),
            One(Allocated, GC.GetTotalAllocatedBytes()),
            One(Pause, GC.GetTotalPauseDuration().TotalSeconds),
            One(Threads, ThreadPool.ThreadCount),
            One(Queue, ThreadPool.PendingWorkItemCount),
            One(Completed, ThreadPool.CompletedWorkItemCount),
            One(Contentions, Monitor.LockContentionCount),
        ];
    }

    private static MetricFamilySnapshot One(MetricDefinition definition, double value) => MetricFamilySnapshot.OfValue(definition, value);
}
