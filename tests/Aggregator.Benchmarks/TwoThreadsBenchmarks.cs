using Aggregator.Metrics;
using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using Prom = Prometheus;

namespace Aggregator.Benchmarks;

/// <summary>
/// SPEC §10 "2 threads incrementing": each thread owns its worker registry (as each actor does) versus both threads
/// incrementing one shared prometheus-net counter, or one shared OpenTelemetry .NET 1.20.1 Counter&lt;long&gt;. The time
/// is for both threads' increments together; throughput is 2 × <see cref="PerThread"/> / time.
/// </summary>
public class TwoThreadsBenchmarks
{
    /// <summary>Increments per thread per invocation.</summary>
    public const int PerThread = 10_000_000;

    private Counter.Child[] _own = null!;
    private Prom.Counter _shared = null!;
    private OTelMeters _otel = null!;
    private Counter<long> _otelShared = null!;

    [GlobalSetup]
    public void Setup()
    {
        _own = [.. Enumerable.Range(0, 2).Select(_ => new WorkerRegistry().Counter("bench_threads_total", "Threads").Unlabelled)];
        _shared = Prom.Metrics.WithCustomRegistry(Prom.Metrics.NewCustomRegistry()).CreateCounter("bench_threads_total", "Threads");
        _otel = OTelMeters.Start("TwoThreads");
        _otelShared = _otel.Meter.CreateCounter<long>("bench_threads", description: "Threads");
    }

    [GlobalCleanup]
    public void Cleanup() => _otel.Dispose();

    [Benchmark(OperationsPerInvoke = 2 * PerThread)]
    public void OwnWorkerRegistries() => RunOnTwoThreads(i =>
    {
        var counter = _own[i];
        for (var n = 0; n < PerThread; n++)
        {
            counter.Inc();
        }
    });

    [Benchmark(OperationsPerInvoke = 2 * PerThread)]
    public void PromNet_OneSharedCounter() => RunOnTwoThreads(_ =>
    {
        var counter = _shared;
        for (var n = 0; n < PerThread; n++)
        {
            counter.Inc();
        }
    });

    [Benchmark(OperationsPerInvoke = 2 * PerThread)]
    public void OTel_OneSharedCounter() => RunOnTwoThreads(_ =>
    {
        var counter = _otelShared;
        for (var n = 0; n < PerThread; n++)
        {
            counter.Add(1);
        }
    });

    // Issue 16: both threads on one counter of a shared registry (striped once they contend).
    private readonly Counter.Child _sharedRegistryCounter = new SharedRegistry().Counter("bench_threads_total", "Threads").Unlabelled;

    [Benchmark(OperationsPerInvoke = 2 * PerThread)]
    public void SharedRegistryOneCounter() => RunOnTwoThreads(_ =>
    {
        var counter = _sharedRegistryCounter;
        for (var n = 0; n < PerThread; n++)
        {
            counter.Inc();
        }
    });

    private static void RunOnTwoThreads(Action<int> work)
    {
        var threads = new[] { new Thread(() => work(0)), new Thread(() => work(1)) };
        foreach (var thread in threads)
        {
            thread.Start();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }
    }
}
