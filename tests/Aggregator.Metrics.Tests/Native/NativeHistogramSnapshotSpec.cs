namespace Aggregator.Metrics.Tests.Native;

public sealed class NativeHistogramSnapshotSpec
{
    [Fact]
    public void Spans_keep_gaps_of_up_to_two_empty_buckets_and_deltas_start_absolute()
    {
        var native = NativeHistogramSnapshot.Create(
            3,
            0.001,
            4,
            [new(0, 2), new(1, 3), new(4, 1), new(10, 5)],
            [new(-3, 7), new(-2, 7), new(5, 1)]);

        Assert.Equal([new NativeBucketSpan(0, 5), new NativeBucketSpan(5, 1)], native.PositiveSpans);
        Assert.Equal([2L, 1, -3, 0, 1, 4], native.PositiveDeltas);
        Assert.Equal([new NativeBucketSpan(-3, 2), new NativeBucketSpan(6, 1)], native.NegativeSpans);
        Assert.Equal([7L, 0, -6], native.NegativeDeltas);
        Assert.Equal(0, native.PositiveOffset);
        Assert.Equal([2L, 3, 0, 0, 1, 0, 0, 0, 0, 0, 5], native.PositiveCounts);
        Assert.Equal(-3, native.NegativeOffset);
        Assert.Equal(30, native.BucketedCount);
        Assert.Equal(5, native.PositiveCount(10));
        Assert.Equal(0, native.PositiveCount(11));
        Assert.Equal("schema=3 zero=0.001:4 +[0:2,1:3,4:1,10:5] -[-3:7,-2:7,5:1]", native.ToString());

        var back = NativeHistogramSnapshot.FromSpans(3, 0.001, 4, native.PositiveSpans, native.PositiveDeltas, native.NegativeSpans, native.NegativeDeltas);
        Assert.True(back.SameAs(native));
        Assert.True(NativeHistogramSnapshot.FromCounts(3, 0.001, 4, -2, [0, 0, 2, 3, 0, 0, 1, 0, 0, 0, 0, 0, 5, 0], -3, [7, 7, 0, 0, 0, 0, 0, 0, 1]).SameAs(native));
    }

    [Fact]
    public void An_empty_histogram_has_no_spans_and_malformed_input_is_refused()
    {
        var empty = NativeHistogramSnapshot.Create(0, 0, 0);
        Assert.Empty(empty.PositiveSpans);
        Assert.Empty(empty.NegativeDeltas);
        Assert.Throws<ArgumentException>(() => NativeHistogramSnapshot.Create(9, 0, 0));
        Assert.Throws<ArgumentException>(() => NativeHistogramSnapshot.Create(0, -1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => NativeHistogramSnapshot.Create(0, 0, 0, [new(1, -1)]));
        Assert.Throws<ArgumentException>(() => NativeHistogramSnapshot.FromSpans(0, 0, 0, [new(0, 2)], [1], [], []));
    }

    [Fact]
    public void A_series_snapshot_carries_its_native_buckets_into_equality_and_a_family_checks_them()
    {
        var native = NativeHistogramSnapshot.Create(0, 0, 1, [new(1, 1)]);
        var series = SeriesSnapshot.ForHistogram([], [2], 1.5).WithNative(native);
        Assert.Same(native, series.Native);
        Assert.False(series.SameAs(SeriesSnapshot.ForHistogram([], [2], 1.5)));
        Assert.True(series.SameAs(SeriesSnapshot.ForHistogram([], [2], 1.5).WithNative(NativeHistogramSnapshot.Create(0, 0, 1, [new(1, 1)]))));
        Assert.Throws<InvalidOperationException>(() => SeriesSnapshot.ForValue([], 1).WithNative(native));

        var nativeFamily = new MetricDefinition(MetricType.Histogram, "h", nativeHistogram: new NativeHistogramOptions());
        Assert.Equal(
            "A series of native histogram 'h' has no native buckets. (Parameter 'Series')",
            Assert.Throws<ArgumentException>(() => new MetricFamilySnapshot(nativeFamily, [SeriesSnapshot.ForHistogram([], [2], 1.5)])).Message);
        Assert.Equal(
            "A series of histogram 'h' has native buckets; the family has none. (Parameter 'Series')",
            Assert.Throws<ArgumentException>(() => new MetricFamilySnapshot(new MetricDefinition(MetricType.Histogram, "h", buckets: [1]), [SeriesSnapshot.ForHistogram([], [1, 2], 1.5).WithNative(native)])).Message);
    }
}
