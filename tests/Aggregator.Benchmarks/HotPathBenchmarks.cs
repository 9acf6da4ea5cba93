using Aggregator.Metrics;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using Prom = Prometheus;

namespace Aggregator.Benchmarks;

/// <summary>
/// The hot path of SPEC §10, ours beside prometheus-net 8.2.1 and OpenTelemetry .NET 1.20.1 in one run: counter inc
/// (unlabelled and cached child), labelled lookup of an existing series with two values, and a 16-bucket histogram
/// observe.
/// </summary>
[MemoryDiagnoser]
public class HotPathBenchmarks
{
    // Operations per benchmark invocation, so that the loop overhead is spread and a sub-nanosecond inc can be seen.
    private const int Ops = 1000;

    private static readonly double[] SixteenBuckets = Buckets.Exponential(0.001, 2, 16);

    private Counter _counter = null!;
    private Counter.Child _cachedChild = null!;
    private Counter _labelled = null!;
    private Histogram.Child _histogram = null!;

    private Prom.Counter _promCounter = null!;
    private Prom.Counter.Child _promCachedChild = null!;
    private Prom.Counter _promLabelled = null!;
    private Prom.Histogram _promHistogram = null!;

    private double[] _observations = null!;

    [GlobalSetup]
    public void Setup()
    {
        var registry = new WorkerRegistry();
        _counter = registry.Counter("bench_unlabelled_total", "Unlabelled");
        _labelled = registry.Counter("bench_labelled_total", "Labelled", "method", "code");
        _cachedChild = _labelled.WithLabels("GET", "200");
        _labelled.WithLabels("POST", "500");
        _histogram = registry.Histogram("bench_seconds", new MetricOptions { Buckets = SixteenBuckets }).Unlabelled;

        var promRegistry = Prom.Metrics.NewCustomRegistry();
        var factory = Prom.Metrics.WithCustomRegistry(promRegistry);
        _promCounter = factory.CreateCounter("bench_unlabelled_total", "Unlabelled");
        _promLabelled = factory.CreateCounter("bench_labelled_total", "Labelled", "method", "code");
        _promCachedChild = _promLabelled.WithLabels("GET", "200");
        _promLabelled.WithLabels("POST", "500");
        _promHistogram = factory.CreateHistogram("bench_seconds", "Histogram", new Prom.HistogramConfiguration { Buckets = SixteenBuckets });

        var random = new Random(42);
        _observations = new double[Ops];
        for (var i = 0; i < Ops; i++)
        {
            _observations[i] = random.NextDouble() * 100;
        }

        SetupOTel();
    }

    private readonly Cell _cell = new();

    /// <summary>
    /// The floor: a plain field incremented in a loop, as fast as one memory location can be read, added to and written
    /// back, one after another (store-to-load forwarding bounds it, whatever the code around it).
    /// </summary>
    [Benchmark(OperationsPerInvoke = Ops)]
    public void Floor_RawFieldIncrement()
    {
        var cell = _cell;
        for (var i = 0; i < Ops; i++)
        {
            cell.Value += 1;
        }
    }

    [Benchmark(OperationsPerInvoke = Ops)]
    public void CounterInc()
    {
        var counter = _counter;
        for (var i = 0; i < Ops; i++)
        {
            counter.Inc();
        }
    }

    [Benchmark(OperationsPerInvoke = Ops)]
    public void PromNet_CounterInc()
    {
        var counter = _promCounter;
        for (var i = 0; i < Ops; i++)
        {
            counter.Inc();
        }
    }

    [Benchmark(OperationsPerInvoke = Ops)]
    public void CachedChildInc()
    {
        var child = _cachedChild;
        for (var i = 0; i < Ops; i++)
        {
            child.Inc();
        }
    }

    [Benchmark(OperationsPerInvoke = Ops)]
    public void PromNet_CachedChildInc()
    {
        var child = _promCachedChild;
        for (var i = 0; i < Ops; i++)
        {
            child.Inc();
        }
    }

    [Benchmark(OperationsPerInvoke = Ops)]
    public void LabelledLookupInc()
    {
        var counter = _labelled;
        for (var i = 0; i < Ops; i++)
        {
            counter.WithLabels("GET", "200").Inc();
        }
    }

    [Benchmark(OperationsPerInvoke = Ops)]
    public void PromNet_LabelledLookupInc()
    {
        var counter = _promLabelled;
        for (var i = 0; i < Ops; i++)
        {
            counter.WithLabels("GET", "200").Inc();
        }
    }

    [Benchmark(OperationsPerInvoke = Ops)]
    public void HistogramObserve16()
    {
        var histogram = _histogram;
        var values = _observations;
        for (var i = 0; i < values.Length; i++)
        {
            histogram.Observe(values[i]);
        }
    }

    [Benchmark(OperationsPerInvoke = Ops)]
    public void PromNet_HistogramObserve16()
    {
        var histogram = _promHistogram;
        var values = _observations;
        for (var i = 0; i < values.Length; i++)
        {
            histogram.Observe(values[i]);
        }
    }

    // OpenTelemetry .NET 1.20.1: a MeterProvider with the Prometheus HttpListener exporter attached, so the SDK
    // aggregates cumulatively as it does when Prometheus scrapes it. OTel has no bound instruments (no cached child):
    // every tagged Add looks its series up. The nearest to a cached child is a TagList built once and passed by `in`;
    // the labelled lookup passes two KeyValuePair<string, object?> made at the call, as WithLabels takes two strings.

    private OTelMeters _otel = null!;
    private Counter<long> _otelCounter = null!;
    private Counter<double> _otelDoubleCounter = null!;
    private Counter<long> _otelLabelled = null!;
    private TagList _otelCachedTags;
    private Histogram<double> _otelHistogram = null!;

    private void SetupOTel()
    {
        _otel = OTelMeters.Start("HotPath", histogramBuckets: SixteenBuckets);
        _otelCounter = _otel.Meter.CreateCounter<long>("bench_unlabelled", description: "Unlabelled");
        _otelDoubleCounter = _otel.Meter.CreateCounter<double>("bench_unlabelled_double", description: "Unlabelled, double");
        _otelLabelled = _otel.Meter.CreateCounter<long>("bench_labelled", description: "Labelled");
        _otelCachedTags = new TagList { { "method", "GET" }, { "code", "200" } };
        _otelLabelled.Add(1, in _otelCachedTags);
        _otelLabelled.Add(1, new KeyValuePair<string, object?>("method", "POST"), new KeyValuePair<string, object?>("code", "500"));
        _otelHistogram = _otel.Meter.CreateHistogram<double>("bench_seconds", unit: null, description: "Histogram");
    }

    [GlobalCleanup]
    public void Cleanup() => _otel.Dispose();

    [Benchmark(OperationsPerInvoke = Ops)]
    public void OTel_CounterInc()
    {
        var counter = _otelCounter;
        for (var i = 0; i < Ops; i++)
        {
            counter.Add(1);
        }
    }

    /// <summary>A Counter&lt;double&gt;, the same value type as ours and prometheus-net's counters.</summary>
    [Benchmark(OperationsPerInvoke = Ops)]
    public void OTel_DoubleCounterInc()
    {
        var counter = _otelDoubleCounter;
        for (var i = 0; i < Ops; i++)
        {
            counter.Add(1.0);
        }
    }

    /// <summary>Two tags in a TagList built once (OTel's nearest to a cached child).</summary>
    [Benchmark(OperationsPerInvoke = Ops)]
    public void OTel_CachedChildInc()
    {
        var counter = _otelLabelled;
        for (var i = 0; i < Ops; i++)
        {
            counter.Add(1, in _otelCachedTags);
        }
    }

    /// <summary>Two tags as KeyValuePair arguments made at the call (the two-tag overload).</summary>
    [Benchmark(OperationsPerInvoke = Ops)]
    public void OTel_LabelledLookupInc()
    {
        var counter = _otelLabelled;
        for (var i = 0; i < Ops; i++)
        {
            counter.Add(1, new KeyValuePair<string, object?>("method", "GET"), new KeyValuePair<string, object?>("code", "200"));
        }
    }

    [Benchmark(OperationsPerInvoke = Ops)]
    public void OTel_HistogramObserve16()
    {
        var histogram = _otelHistogram;
        var values = _observations;
        for (var i = 0; i < values.Length; i++)
        {
            histogram.Record(values[i]);
        }
    }

    // Shared-registry cases (issue 16): set up here rather than in Setup, to keep them apart from the peer columns.
    private readonly Counter.Child _sharedCounter = new SharedRegistry().Counter("bench_shared_total", "Shared").Unlabelled;
    private readonly LongCell _longCell = new();

    /// <summary>The integer floor: as <see cref="Floor_RawFieldIncrement"/>, on a long.</summary>
    [Benchmark(OperationsPerInvoke = Ops)]
    public void Floor_RawLongIncrement()
    {
        var cell = _longCell;
        for (var i = 0; i < Ops; i++)
        {
            cell.Value += 1;
        }
    }

    /// <summary>Counter inc in a shared registry, one thread (uncontended); compare with <see cref="PromNet_CounterInc"/>.</summary>
    [Benchmark(OperationsPerInvoke = Ops)]
    public void SharedCounterInc()
    {
        var counter = _sharedCounter;
        for (var i = 0; i < Ops; i++)
        {
            counter.Inc();
        }
    }

    private sealed class Cell
    {
        public double Value;
    }

    private sealed class LongCell
    {
        public long Value;
    }
}
