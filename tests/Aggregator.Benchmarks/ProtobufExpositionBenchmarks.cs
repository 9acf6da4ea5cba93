using System.Buffers;
using Aggregator.Metrics;
using Aggregator.Metrics.Exposition;
using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using Proto = Aggregator.Tests.Protobuf;

namespace Aggregator.Benchmarks;

/// <summary>
/// Issue 14: the protobuf exposition of 40,000 labelled counter series against text and OpenMetrics of the same
/// snapshot, and our hand-written writer against Google.Protobuf's generated code (the messages built from the snapshot
/// and written, as a scrape must; and written alone, prebuilt, as the lower bound of that way). Then 1,000 native
/// histograms (schema 3, 200 observations each spread over about 60 buckets) in protobuf and in text, where a
/// native-only histogram is its count, sum and +Inf bucket.
/// </summary>
[MemoryDiagnoser]
public class ProtobufExpositionBenchmarks
{
    private const int Series = 40_000;
    private const int NativeSeries = 1_000;

    private readonly ArrayBufferWriter<byte> _buffer = new(8 * 1024 * 1024);
    private MetricsSnapshot _snapshot = null!;
    private MetricsSnapshot _native = null!;
    private Proto.MetricFamily _prebuilt = null!;
    private MemoryStream _stream = null!;

    [GlobalSetup]
    public void Setup()
    {
        var registry = new WorkerRegistry();
        var counter = registry.Counter("bench_requests_total", "Requests by path and method", "path", "method");
        for (var i = 0; i < Series; i++)
        {
            var method = (i % 4) switch { 0 => "GET", 1 => "POST", 2 => "PUT", _ => "DELETE" };
            counter.WithLabels("/api/items/" + i, method).Inc(i);
        }

        _snapshot = registry.Collect();

        var natives = new WorkerRegistry();
        var latency = natives.Histogram("bench_latency_seconds", new MetricOptions { Help = "Latency", LabelNames = ["route"], NativeHistogram = new NativeHistogramOptions() });
        var random = new Random(14);
        for (var i = 0; i < NativeSeries; i++)
        {
            var child = latency.WithLabels("/route/" + i);
            for (var j = 0; j < 200; j++)
            {
                child.Observe(Math.Exp((random.NextDouble() * 8) - 7));
            }
        }

        _native = natives.Collect();
        _prebuilt = Build(_snapshot.FamiliesArray[0]);
        _stream = new MemoryStream(8 * 1024 * 1024);
    }

    [Benchmark(Baseline = true)]
    public long Text() => Write(ExpositionFormat.Text);

    [Benchmark]
    public long OpenMetrics() => Write(ExpositionFormat.OpenMetrics);

    [Benchmark]
    public long Protobuf() => Write(ExpositionFormat.Protobuf);

    [Benchmark]
    public long GoogleProtobufBuildAndWrite()
    {
        _stream.SetLength(0);
        foreach (var family in _snapshot.FamiliesArray)
        {
            Build(family).WriteDelimitedTo(_stream);
        }

        return _stream.Length;
    }

    [Benchmark]
    public long GoogleProtobufWritePrebuilt()
    {
        _stream.SetLength(0);
        _prebuilt.WriteDelimitedTo(_stream);
        return _stream.Length;
    }

    [Benchmark]
    public long NativeText() => Write(ExpositionFormat.Text, _native);

    [Benchmark]
    public long NativeProtobuf() => Write(ExpositionFormat.Protobuf, _native);

    private long Write(ExpositionFormat format, MetricsSnapshot? snapshot = null)
    {
        _buffer.ResetWrittenCount();
        return ExpositionWriter.Write(snapshot ?? _snapshot, format, _buffer);
    }

    private static Proto.MetricFamily Build(MetricFamilySnapshot family)
    {
        var definition = family.Definition;
        var message = new Proto.MetricFamily { Name = definition.SampleName(), Help = definition.Help, Type = Proto.MetricType.Counter };
        var names = definition.LabelNames;
        foreach (var series in family.Series)
        {
            var metric = new Proto.Metric { Counter = new Proto.Counter { Value = series.Value } };
            if (!double.IsNaN(series.CreatedSeconds))
            {
                var seconds = Math.Floor(series.CreatedSeconds);
                metric.Counter.CreatedTimestamp = new Google.Protobuf.WellKnownTypes.Timestamp { Seconds = (long)seconds, Nanos = (int)((series.CreatedSeconds - seconds) * 1e9) };
            }

            for (var i = 0; i < names.Count; i++)
            {
                metric.Label.Add(new Proto.LabelPair { Name = names[i], Value = series.LabelValues[i] });
            }

            message.Metric.Add(metric);
        }

        return message;
    }
}
