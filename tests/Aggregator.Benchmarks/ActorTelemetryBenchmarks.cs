using System.Diagnostics;
using Aggregator.Actors.Telemetry;
using Aggregator.Metrics;
using BenchmarkDotNet.Attributes;

namespace Aggregator.Benchmarks;

/// <summary>
/// What actor telemetry adds to one message, without Akka around it (issue 13): the worker's recording of an untimed
/// message of one class, of two alternating classes, and of a timed message (two clock reads and a histogram
/// observation), beside a cached counter child's increment. Per operation; 1,000 per invocation.
/// </summary>
[MemoryDiagnoser]
public class ActorTelemetryBenchmarks
{
    private const int Ops = 1000;

    private readonly Type _first = typeof(TelemetryActors.Item);
    private readonly Type _second = typeof(TelemetryActors.OtherItem);
    private WorkerTelemetry _telemetry = null!;
    private Counter.Child _child = null!;

    [GlobalSetup]
    public void Setup()
    {
        var settings = new TelemetrySettings { Enabled = true };
        _telemetry = new WorkerTelemetry(new WorkerRegistry(), "Bench", new MessageTypeTable(50, MessageTypeMode.On, new HashSet<string>()), settings);
        _telemetry.Count(_first);
        _telemetry.Count(_second);
        _child = new WorkerRegistry().Counter("bench_total", "Bench", "kind").WithLabels("a");
    }

    [Benchmark(OperationsPerInvoke = Ops, Baseline = true)]
    public void CounterChildInc()
    {
        var child = _child;
        for (var i = 0; i < Ops; i++)
        {
            child.Inc();
        }
    }

    [Benchmark(OperationsPerInvoke = Ops)]
    public void Count_OneClass()
    {
        var telemetry = _telemetry;
        var type = _first;
        for (var i = 0; i < Ops; i++)
        {
            telemetry.Count(type);
        }
    }

    [Benchmark(OperationsPerInvoke = Ops)]
    public void Count_TwoClassesAlternating()
    {
        var telemetry = _telemetry;
        for (var i = 0; i < Ops; i++)
        {
            telemetry.Count((i & 1) == 0 ? _first : _second);
        }
    }

    [Benchmark(OperationsPerInvoke = Ops)]
    public void Timed_ClockTwiceAndObserve()
    {
        var telemetry = _telemetry;
        var type = _first;
        for (var i = 0; i < Ops; i++)
        {
            telemetry.RecordTimed(type, Stopwatch.GetTimestamp());
        }
    }
}
