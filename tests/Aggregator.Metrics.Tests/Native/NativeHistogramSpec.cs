namespace Aggregator.Metrics.Tests.Native;

public sealed class NativeHistogramSpec
{
    private static readonly double Tiny = NativeHistogramOptions.DefaultZeroThreshold;

    [Theory]
    [InlineData(1.1, 3)]
    [InlineData(1.0905077326652577, 3)]
    [InlineData(1.09, 4)]
    [InlineData(2, 0)]
    [InlineData(3.9, 0)]
    [InlineData(4, -1)]
    [InlineData(1e10, -4)]
    [InlineData(1.0001, 8)]
    public void A_bucket_factor_picks_the_coarsest_schema_whose_growth_is_at_most_it(double factor, int schema)
    {
        var definition = new MetricDefinition(MetricType.Histogram, "h", nativeHistogram: new NativeHistogramOptions { BucketFactor = factor });
        Assert.Equal(schema, definition.NativeHistogram!.Schema);
        Assert.Null(definition.NativeHistogram.BucketFactor);
    }

    [Fact]
    public void Defaults_are_schema_3_a_zero_threshold_of_2_to_the_minus_128_and_160_buckets_and_native_only()
    {
        var definition = new MetricDefinition(MetricType.Histogram, "h", nativeHistogram: new NativeHistogramOptions());
        Assert.Equal(new NativeHistogramOptions { Schema = 3, ZeroThreshold = Math.ScaleB(1, -128), MaxBucketCount = 160 }, definition.NativeHistogram);
        Assert.Empty(definition.Buckets);
        Assert.Equal("histogram h{} buckets=[] native(schema=3,zero=2.938735877055719E-39,max=160)", definition.ToString());

        var both = new MetricDefinition(MetricType.Histogram, "h", buckets: [1, 2], nativeHistogram: new NativeHistogramOptions());
        Assert.Equal([1d, 2d], both.Buckets);
        Assert.NotEqual(definition, both);
        Assert.NotEqual(definition, new MetricDefinition(MetricType.Histogram, "h", nativeHistogram: new NativeHistogramOptions { Schema = 2 }));
        Assert.Equal(definition, new MetricDefinition(MetricType.Histogram, "h", nativeHistogram: new NativeHistogramOptions { BucketFactor = 1.1 }));
        Assert.Equal("native histogram options differ", definition.DescribeDifference(new MetricDefinition(MetricType.Histogram, "h", nativeHistogram: new NativeHistogramOptions { Schema = 2 })));
    }

    [Fact]
    public void Options_out_of_range_are_refused_with_the_metric_named()
    {
        Assert.Equal(
            "Histogram 'h' has native schema 9; it must be between -4 and 8.",
            Assert.Throws<MetricDefinitionException>(() => new MetricDefinition(MetricType.Histogram, "h", nativeHistogram: new NativeHistogramOptions { Schema = 9 })).Message);
        Assert.Equal(
            "Histogram 'h' has native bucket factor 1; it must be finite and greater than 1.",
            Assert.Throws<MetricDefinitionException>(() => new MetricDefinition(MetricType.Histogram, "h", nativeHistogram: new NativeHistogramOptions { BucketFactor = 1 })).Message);
        Assert.Equal(
            "Histogram 'h' has native zero threshold -1; it must be finite and at least 0.",
            Assert.Throws<MetricDefinitionException>(() => new MetricDefinition(MetricType.Histogram, "h", nativeHistogram: new NativeHistogramOptions { ZeroThreshold = -1 })).Message);
        Assert.Equal(
            "Histogram 'h' allows 100 native buckets; at least 136 are needed.",
            Assert.Throws<MetricDefinitionException>(() => new MetricDefinition(MetricType.Histogram, "h", nativeHistogram: new NativeHistogramOptions { MaxBucketCount = 100 })).Message);
        Assert.Equal(
            "Metric 'g' is a gauge: only histograms have native buckets. (Parameter 'nativeHistogram')",
            Assert.Throws<MetricDefinitionException>(() => new MetricDefinition(MetricType.Gauge, "g", nativeHistogram: new NativeHistogramOptions())).Message);
    }

    [Fact]
    public void Declaring_again_with_other_native_options_is_a_conflict_and_with_the_same_is_the_same_family()
    {
        var registry = Registries.Worker();
        var first = registry.Histogram("h", new MetricOptions { NativeHistogram = new NativeHistogramOptions { Schema = 1 } });
        Assert.Same(first, registry.Histogram("h", new MetricOptions { NativeHistogram = new NativeHistogramOptions { Schema = 1 } }));
        Assert.Throws<MetricConflictException>(() => registry.Histogram("h", new MetricOptions { NativeHistogram = new NativeHistogramOptions { Schema = 2 } }));
        Assert.Throws<MetricConflictException>(() => registry.Histogram("h", new MetricOptions()));
    }

    [Fact]
    public void Zero_bucket_signs_nan_and_infinities_are_counted_as_client_golang_counts_them()
    {
        // Wide enough for -127..1025 at schema 0 (the default 160 would halve the resolution three times).
        var histogram = Registries.Worker().Histogram("h", new MetricOptions { NativeHistogram = new NativeHistogramOptions { Schema = 0, MaxBucketCount = 2000 } });
        foreach (var v in new[] { 0, -0.0, Tiny, -Tiny, Math.BitIncrement(Tiny), 3, -3, -0.75, double.NaN, double.PositiveInfinity, double.NegativeInfinity })
        {
            histogram.Observe(v);
        }

        var series = histogram.Unlabelled.Snapshot();
        var native = series.Native!;
        Assert.Equal(4, native.ZeroCount);
        Assert.Equal([new(-127, 1), new(2, 1), new(1025, 1)], native.PositiveBuckets);
        Assert.Equal([new(0, 1), new(2, 1), new(1025, 1)], native.NegativeBuckets);
        Assert.Equal(11, series.Count);
        Assert.Equal(10, native.BucketedCount);
        Assert.True(double.IsNaN(series.Sum));
        Assert.Equal([11L], series.CumulativeBuckets);
    }

    [Fact]
    public void Native_and_classic_buckets_are_kept_together_when_bounds_are_given()
    {
        var histogram = Registries.Worker().Histogram("h", new MetricOptions { Buckets = [1, 10], NativeHistogram = new NativeHistogramOptions { Schema = 1 } });
        foreach (var v in new[] { 0.5, 1, 1.5, 2, 20 })
        {
            histogram.Observe(v);
        }

        var series = histogram.Unlabelled.Snapshot();
        Assert.Equal([2L, 4, 5], series.CumulativeBuckets);
        Assert.Equal(25, series.Sum);
        Assert.Equal([new(-2, 1), new(0, 1), new(2, 2), new(9, 1)], series.Native!.PositiveBuckets);
    }

    [Fact]
    public void Past_the_maximum_span_the_schema_drops_until_the_buckets_fit_whatever_the_order()
    {
        var options = new MetricOptions { NativeHistogram = new NativeHistogramOptions { Schema = 3, MaxBucketCount = 136 } };
        double[] values = [1, Math.ScaleB(1, 17), 1.5, Math.ScaleB(1, 16)];
        var forward = Registries.Worker().Histogram("h", options);
        var backward = Registries.Worker().Histogram("h", options);
        foreach (var v in values)
        {
            forward.Observe(v);
        }

        foreach (var v in values.Reverse())
        {
            backward.Observe(v);
        }

        // Index 0 and 136 at schema 3 span 137 buckets: at schema 2 they are 0 and 68; 1.5 is index 5 → 3, 2^16 is 64.
        var native = forward.Unlabelled.Snapshot().Native!;
        Assert.Equal(2, native.Schema);
        Assert.Equal([new(0, 1), new(3, 1), new(64, 1), new(68, 1)], native.PositiveBuckets);
        Assert.True(native.SameAs(backward.Unlabelled.Snapshot().Native));
    }

    [Fact]
    public void The_window_moves_both_ways_and_reduces_more_than_once_in_place()
    {
        var histogram = Registries.Worker().Histogram("h", new MetricOptions { NativeHistogram = new NativeHistogramOptions { Schema = 0, MaxBucketCount = 136, ZeroThreshold = 0 } });
        histogram.Observe(1);
        histogram.Observe(Math.ScaleB(1, 100));
        histogram.Observe(Math.ScaleB(1, -30));
        histogram.Observe(-Math.ScaleB(1, 60));
        Assert.Equal(0, histogram.Unlabelled.Snapshot().Native!.Schema);
        Assert.Equal([new(-30, 1), new(0, 1), new(100, 1)], histogram.Unlabelled.Snapshot().Native!.PositiveBuckets);

        histogram.Observe(Math.ScaleB(1, 110));
        var once = histogram.Unlabelled.Snapshot().Native!;
        Assert.Equal(-1, once.Schema);
        Assert.Equal([new(-15, 1), new(0, 1), new(50, 1), new(55, 1)], once.PositiveBuckets);
        Assert.Equal([new(30, 1)], once.NegativeBuckets);

        histogram.Observe(double.Epsilon);
        histogram.Observe(double.MaxValue);
        var twice = histogram.Unlabelled.Snapshot().Native!;
        Assert.Equal(-4, twice.Schema);
        // Epsilon is index -537 at schema -1: three halvings (-1 → -4) bring the span from 593 to 132 buckets.
        Assert.Equal([new(-67, 1), new(-1, 1), new(0, 1), new(7, 2), new(64, 1)], twice.PositiveBuckets);
        Assert.Equal([new(4, 1)], twice.NegativeBuckets);
    }

    [Fact]
    public void Observing_in_a_worker_registry_allocates_nothing_even_when_the_window_moves_or_the_schema_drops()
    {
        var histogram = Registries.Worker().Histogram("h", new MetricOptions { NativeHistogram = new NativeHistogramOptions { Schema = 8, MaxBucketCount = 136 } }).Unlabelled;
        var random = new Random(5);
        var values = Enumerable.Range(0, 10_000).Select(_ => (random.Next(2) == 0 ? -1 : 1) * Math.ScaleB(1 + random.NextDouble(), random.Next(-40, 40))).ToArray();
        histogram.Observe(1);
        var before = GC.GetAllocatedBytesForCurrentThread();
        foreach (var v in values)
        {
            histogram.Observe(v);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(histogram.Snapshot().Native!.Schema < 8);
        Assert.Equal(10_001, histogram.Snapshot().Native!.BucketedCount);
    }

    [Fact]
    public void A_shared_registry_counts_every_observation_of_racing_threads()
    {
        var histogram = Registries.Shared().Histogram("h", new MetricOptions { NativeHistogram = new NativeHistogramOptions { Schema = 2 } });
        Parallel.For(0, 4, t =>
        {
            for (var i = 1; i <= 20_000; i++)
            {
                histogram.Observe(((t % 2 == 0) ? 1 : -1) * (i % 64) / 8.0);
            }
        });

        var series = histogram.Unlabelled.Snapshot();
        var reference = Registries.Worker().Histogram("h", new MetricOptions { NativeHistogram = new NativeHistogramOptions { Schema = 2 } });
        for (var t = 0; t < 4; t++)
        {
            for (var i = 1; i <= 20_000; i++)
            {
                reference.Observe(((t % 2 == 0) ? 1 : -1) * (i % 64) / 8.0);
            }
        }

        Assert.Equal(80_000, series.Count);
        Assert.Equal(0, series.Sum);
        Assert.True(series.Native!.SameAs(reference.Unlabelled.Snapshot().Native), $"{series.Native} vs {reference.Unlabelled.Snapshot().Native}");
    }

    [Fact]
    public async Task A_snapshot_taken_while_threads_observe_never_counts_fewer_than_its_native_buckets_hold()
    {
        var histogram = Registries.Shared().Histogram("h", new MetricOptions { NativeHistogram = new NativeHistogramOptions { Schema = 4 } });
        using var stop = new CancellationTokenSource();
        var observers = Enumerable.Range(0, 2).Select(t => Task.Run(() =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                histogram.Observe((i % 100) - 30);
            }
        })).ToArray();

        var snapshots = 0;
        var deadline = DateTime.UtcNow.AddMilliseconds(300);
        while (DateTime.UtcNow < deadline || snapshots < 100)
        {
            var series = histogram.Unlabelled.Snapshot();
            Assert.True(series.Count >= series.Native!.BucketedCount, $"count {series.Count} < native {series.Native.BucketedCount}");
            snapshots++;
        }

        await stop.CancelAsync();
        await Task.WhenAll(observers);
        var last = histogram.Unlabelled.Snapshot();
        Assert.Equal(last.Count, last.Native!.BucketedCount);
    }
}
