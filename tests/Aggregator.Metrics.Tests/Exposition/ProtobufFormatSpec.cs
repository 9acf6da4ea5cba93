using Aggregator.Metrics.Exposition;
using Proto = Aggregator.Tests.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace Aggregator.Metrics.Tests.Exposition;

/// <summary>
/// The protobuf writer's output, decoded by code generated from the scrape format's schema (tests/Support/Protobuf),
/// which shares nothing with the writer.
/// </summary>
public sealed class ProtobufFormatSpec
{
    private static readonly Timestamp T0Created = new() { Seconds = 1_700_000_000, Nanos = 500_000_000 };

    [Fact]
    public void A_gauge_is_written_byte_for_byte_as_a_delimited_MetricFamily()
    {
        var registry = Registries.Worker();
        registry.Gauge("g", "h").Set(1);

        // Length 21; name "g", help "h", type GAUGE; one metric holding Gauge{value = 1.0}.
        Assert.Equal(
            "15-0A-01-67-12-01-68-18-01-22-0B-12-09-09-00-00-00-00-00-00-F0-3F",
            BitConverter.ToString(Expose.Bytes(registry.Collect(), ExpositionFormat.Protobuf)));
    }

    [Fact]
    public void Counters_carry_their_total_name_labels_value_and_creation_time()
    {
        var registry = Registries.Worker();
        var requests = registry.Counter("requests_total", "Requests served.", "path", "code");
        requests.WithLabels("/a", "200").Inc(3);
        requests.WithLabels("/b", "500").Inc(0.5);

        var family = Assert.Single(Decode(registry.Collect()));
        Assert.Equal("requests_total", family.Name);
        Assert.Equal("Requests served.", family.Help);
        Assert.Equal(Proto.MetricType.Counter, family.Type);
        Assert.Collection(
            family.Metric,
            m =>
            {
                Assert.Equal(["path=/a", "code=200"], Labels(m));
                Assert.Equal(3, m.Counter.Value);
                Assert.Equal(T0Created, m.Counter.CreatedTimestamp);
                Assert.Equal(0, m.TimestampMs);
            },
            m =>
            {
                Assert.Equal(["path=/b", "code=500"], Labels(m));
                Assert.Equal(0.5, m.Counter.Value);
            });
    }

    [Theory]
    [InlineData(true, Registries.T0)]
    [InlineData(false, 0)]
    public void A_timestamped_gauge_has_its_milliseconds_when_timestamps_are_included(bool includeTimestamps, long expected)
    {
        var registry = Registries.Worker();
        registry.Gauge("temperature", new MetricOptions { Help = "T", Timestamped = true }).Set(-21.5);

        var metric = Assert.Single(Assert.Single(Decode(registry.Collect(), includeTimestamps)).Metric);
        Assert.Equal(-21.5, metric.Gauge.Value);
        Assert.Equal(expected, metric.TimestampMs);
    }

    [Fact]
    public void Histograms_list_their_finite_cumulative_buckets_count_sum_and_creation_time()
    {
        var registry = Registries.Worker();
        var latency = registry.Histogram("latency_seconds", new MetricOptions { Help = "Latency.", Buckets = [0.125, 1, 8] });
        foreach (var value in new[] { 0.0625, 0.5, 4, 64 })
        {
            latency.Observe(value);
        }

        var family = Assert.Single(Decode(registry.Collect()));
        Assert.Equal("latency_seconds", family.Name);
        Assert.Equal(Proto.MetricType.Histogram, family.Type);
        var histogram = Assert.Single(family.Metric).Histogram;
        Assert.Equal(4UL, histogram.SampleCount);
        Assert.Equal(68.5625, histogram.SampleSum);
        Assert.Equal([(0.125, 1UL), (1, 2UL), (8, 3UL)], histogram.Bucket.Select(b => (b.UpperBound, b.CumulativeCount)));
        Assert.Equal(T0Created, histogram.CreatedTimestamp);
        Assert.Empty(histogram.PositiveSpan);
        Assert.Equal(0, histogram.ZeroThreshold);
    }

    [Fact]
    public void Native_histograms_carry_schema_zero_bucket_spans_and_packed_deltas()
    {
        var registry = Registries.Worker();
        var latency = registry.Histogram("latency_seconds", new MetricOptions { Help = "L.", NativeHistogram = new NativeHistogramOptions { Schema = 0 } });
        foreach (var value in new[] { 1, 2, 3, 4, 100, -3, 0 })
        {
            latency.Observe(value);
        }

        var histogram = Assert.Single(Assert.Single(Decode(registry.Collect())).Metric).Histogram;
        Assert.Equal(7UL, histogram.SampleCount);
        Assert.Equal(107, histogram.SampleSum);
        Assert.Empty(histogram.Bucket);
        Assert.Equal(0, histogram.Schema);
        Assert.Equal(NativeHistogramOptions.DefaultZeroThreshold, histogram.ZeroThreshold);
        Assert.Equal(1UL, histogram.ZeroCount);

        // (0.5, 1], (1, 2], (2, 4] hold 1, 1 and 2; (64, 128] holds 1, four empty buckets later: a span of its own.
        Assert.Equal([(0, 3u), (4, 1u)], histogram.PositiveSpan.Select(x => (x.Offset, x.Length)));
        Assert.Equal([1L, 0, 1, -1], histogram.PositiveDelta);
        Assert.Equal([(2, 1u)], histogram.NegativeSpan.Select(x => (x.Offset, x.Length)));
        Assert.Equal([1L], histogram.NegativeDelta);
        Assert.Equal(T0Created, histogram.CreatedTimestamp);
    }

    [Fact]
    public void A_native_histogram_without_observations_has_a_no_op_span_and_classic_buckets_when_kept()
    {
        var registry = Registries.Worker();
        registry.Histogram("both_seconds", new MetricOptions { Help = "B.", Buckets = [1, 2], NativeHistogram = new NativeHistogramOptions { Schema = -2, ZeroThreshold = 0 } });

        var histogram = Assert.Single(Assert.Single(Decode(registry.Collect())).Metric).Histogram;
        Assert.Equal(0UL, histogram.SampleCount);
        Assert.Equal([(1d, 0UL), (2d, 0UL)], histogram.Bucket.Select(b => (b.UpperBound, b.CumulativeCount)));
        Assert.Equal(-2, histogram.Schema);
        Assert.Equal(0, histogram.ZeroThreshold);
        Assert.Equal([(0, 0u)], histogram.PositiveSpan.Select(x => (x.Offset, x.Length)));
        Assert.Empty(histogram.PositiveDelta);
        Assert.Empty(histogram.NegativeSpan);
    }

    [Fact]
    public void Summaries_carry_count_sum_and_creation_time_and_info_is_a_gauge_named_info()
    {
        var registry = Registries.Worker();
        var sizes = registry.Summary("size_bytes", "Sizes.");
        sizes.Observe(3);
        sizes.Observe(-1);
        registry.Info("build", "Build.", "version").Set("2.0");

        var families = Decode(registry.Collect());
        Assert.Equal(["build_info", "size_bytes"], families.Select(f => f.Name));

        var info = families[0];
        Assert.Equal(Proto.MetricType.Gauge, info.Type);
        Assert.Equal(["version=2.0"], Labels(Assert.Single(info.Metric)));
        Assert.Equal(1, info.Metric[0].Gauge.Value);

        var summary = Assert.Single(families[1].Metric).Summary;
        Assert.Equal(Proto.MetricType.Summary, families[1].Type);
        Assert.Equal(2UL, summary.SampleCount);
        Assert.Equal(2, summary.SampleSum);
        Assert.Equal(T0Created, summary.CreatedTimestamp);
    }

    [Fact]
    public void Label_values_and_help_go_unescaped_as_UTF8_and_families_without_series_are_left_out()
    {
        var registry = Registries.Worker();
        registry.Counter("declared_only_total", "No series yet.", "k");
        registry.Gauge("odd", "Quote \" backslash \\ newline \n é.", "v").WithLabels("a\"b\\c\nd é 😀").Set(double.NaN);

        var family = Assert.Single(Decode(registry.Collect()));
        Assert.Equal("odd", family.Name);
        Assert.Equal("Quote \" backslash \\ newline \n é.", family.Help);
        var metric = Assert.Single(family.Metric);
        Assert.Equal(["v=a\"b\\c\nd é 😀"], Labels(metric));
        Assert.True(double.IsNaN(metric.Gauge.Value));
    }

    [Fact]
    public void Every_family_of_a_large_snapshot_decodes_with_every_series_in_order()
    {
        var registry = Registries.Worker();
        var counter = registry.Counter("c_total", "C", "i");
        var gauge = registry.Gauge("g", "G", "i");
        for (var i = 0; i < 3_000; i++)
        {
            counter.WithLabels(i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture)).Inc(i);
            gauge.WithLabels(i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture)).Set(-i);
        }

        var families = Decode(registry.Collect());
        Assert.Equal(["c_total", "g"], families.Select(f => f.Name));
        Assert.Equal(Enumerable.Range(0, 3_000).Select(i => (double)i), families[0].Metric.Select(m => m.Counter.Value));
        Assert.Equal(Enumerable.Range(0, 3_000).Select(i => (double)-i), families[1].Metric.Select(m => m.Gauge.Value));
        Assert.Equal("i=2999", Labels(families[1].Metric[2_999])[0]);
    }

    [Fact]
    public void Creation_times_before_1970_and_with_fractions_keep_nanoseconds_non_negative()
    {
        var definition = new MetricDefinition(MetricType.Counter, "old_total", "Old.", ["k"]);
        var series = new[] { SeriesSnapshot.ForValue(["a"], 1, createdSeconds: -1.25), SeriesSnapshot.ForValue(["b"], 2, createdSeconds: 0.000_001) };
        var snapshot = new MetricsSnapshot([new MetricFamilySnapshot(definition, series)]);

        var metrics = Assert.Single(Decode(snapshot)).Metric;
        Assert.Equal(new Timestamp { Seconds = -2, Nanos = 750_000_000 }, metrics[0].Counter.CreatedTimestamp);
        Assert.Equal(new Timestamp { Seconds = 0, Nanos = 1_000 }, metrics[1].Counter.CreatedTimestamp);
    }

    internal static List<Proto.MetricFamily> Decode(MetricsSnapshot snapshot, bool includeTimestamps = true)
    {
        using var stream = new MemoryStream(Expose.Bytes(snapshot, ExpositionFormat.Protobuf, includeTimestamps));
        var families = new List<Proto.MetricFamily>();
        while (stream.Position < stream.Length)
        {
            families.Add(Proto.MetricFamily.Parser.ParseDelimitedFrom(stream));
        }

        return families;
    }

    private static string[] Labels(Proto.Metric metric) => [.. metric.Label.Select(l => l.Name + "=" + l.Value)];
}
