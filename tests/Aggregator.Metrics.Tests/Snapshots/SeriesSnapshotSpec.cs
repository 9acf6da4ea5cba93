using System.Runtime.CompilerServices;

namespace Aggregator.Metrics.Tests.Snapshots;

public sealed class SeriesSnapshotSpec
{
    [Fact]
    public void ForValue_keeps_what_it_is_given()
    {
        var s = SeriesSnapshot.ForValue(["a", "b"], 2.5, 1234, 17.5);
        Assert.Equal(["a", "b"], s.LabelValues);
        Assert.Equal(2.5, s.Value);
        Assert.Equal(0, s.Count);
        Assert.Equal(0, s.Sum);
        Assert.Empty(s.CumulativeBuckets);
        Assert.Equal(1234, s.TimestampMs);
        Assert.True(s.HasTimestamp);
        Assert.Equal(17.5, s.CreatedSeconds);
    }

    [Fact]
    public void Defaults_are_no_timestamp_and_unknown_creation()
    {
        var s = SeriesSnapshot.ForValue([], 1);
        Assert.Equal(long.MinValue, SeriesSnapshot.NoTimestamp);
        Assert.Equal(SeriesSnapshot.NoTimestamp, s.TimestampMs);
        Assert.False(s.HasTimestamp);
        Assert.True(double.IsNaN(s.CreatedSeconds));
    }

    [Fact]
    public void ForSummary_keeps_count_and_sum()
    {
        var s = SeriesSnapshot.ForSummary(["x"], 3, 4.5, 99, 1);
        Assert.Equal(3, s.Count);
        Assert.Equal(4.5, s.Sum);
        Assert.Equal(0, s.Value);
        Assert.Empty(s.CumulativeBuckets);
        Assert.Equal(99, s.TimestampMs);
        Assert.Equal(1, s.CreatedSeconds);
    }

    [Fact]
    public void ForHistogram_takes_the_count_from_the_last_bucket()
    {
        var s = SeriesSnapshot.ForHistogram([], [1, 1, 4], 7);
        Assert.Equal(4, s.Count);
        Assert.Equal(7, s.Sum);
        Assert.Equal([1L, 1, 4], s.CumulativeBuckets);
        Assert.False(s.HasTimestamp);
    }

    [Fact]
    public void ForHistogram_checks_its_buckets()
    {
        Assert.Equal(
            "A histogram series needs at least the +Inf bucket. (Parameter 'cumulativeBuckets')",
            Assert.Throws<ArgumentException>(() => SeriesSnapshot.ForHistogram([], [], 0)).Message);
        Assert.Equal(
            "Cumulative bucket counts must not decrease: bucket 2 has 1 after 3. (Parameter 'cumulativeBuckets')",
            Assert.Throws<ArgumentException>(() => SeriesSnapshot.ForHistogram([], [2, 3, 1], 0)).Message);
        Assert.Equal("cumulativeBuckets", Assert.Throws<ArgumentNullException>(() => SeriesSnapshot.ForHistogram([], null!, 0)).ParamName);
    }

    [Fact]
    public void Label_values_are_required()
    {
        Assert.Equal("labelValues", Assert.Throws<ArgumentNullException>(() => SeriesSnapshot.ForValue(null!, 1)).ParamName);
        Assert.Equal("labelValues", Assert.Throws<ArgumentNullException>(() => SeriesSnapshot.ForSummary(null!, 1, 1)).ParamName);
        Assert.Equal("labelValues", Assert.Throws<ArgumentNullException>(() => SeriesSnapshot.ForHistogram(null!, [1], 1)).ParamName);
    }

    [Fact]
    public void A_default_series_has_no_buckets()
    {
        var s = default(SeriesSnapshot);
        Assert.Empty(s.CumulativeBuckets);
        Assert.Equal(0, s.TimestampMs);
        Assert.True(s.HasTimestamp);
    }

    private static readonly ExemplarSnapshot Trace = new([new("trace_id", "abc")], 0.5, 1_000);

    private static readonly NativeHistogramSnapshot Native = NativeHistogramSnapshot.Create(0, 1e-9, 2, [new(1, 3), new(2, 1)]);

    [Fact]
    public void Is_five_words()
    {
        Assert.Equal(40, Unsafe.SizeOf<SeriesSnapshot>());
    }

    [Fact]
    public void A_counter_has_its_value_and_no_count_sum_buckets_exemplars_or_native_buckets()
    {
        var labels = new[] { "a" };
        var s = SeriesSnapshot.ForValue(labels, 5, 10, 1.5);
        Assert.Same(labels, s.LabelValuesArray);
        Assert.Equal(5, s.Value);
        Assert.Equal(0, s.Count);
        Assert.Equal(0, s.Sum);
        Assert.Empty(s.CumulativeBuckets);
        Assert.Null(s.CumulativeBucketsArray);
        Assert.Empty(s.Exemplars);
        Assert.Null(s.ExemplarsArray);
        Assert.Null(s.Native);
        Assert.Equal(10, s.TimestampMs);
        Assert.Equal(1.5, s.CreatedSeconds);
    }

    [Fact]
    public void A_gauge_keeps_a_negative_value()
    {
        var s = SeriesSnapshot.ForValue(["g"], -2.5);
        Assert.Equal(-2.5, s.Value);
        Assert.Equal(0, s.Count);
        Assert.Equal(0, s.Sum);
        Assert.Empty(s.CumulativeBuckets);
        Assert.Empty(s.Exemplars);
        Assert.Null(s.Native);
        Assert.Equal(SeriesSnapshot.NoTimestamp, s.TimestampMs);
        Assert.True(double.IsNaN(s.CreatedSeconds));
    }

    [Fact]
    public void A_counter_with_exemplars_keeps_its_value_and_the_exemplar_array()
    {
        ExemplarSnapshot?[] exemplars = [Trace];
        var s = SeriesSnapshot.ForValue(["a"], 7, 20, 3).WithExemplars(exemplars);
        Assert.Equal(7, s.Value);
        Assert.Equal(0, s.Count);
        Assert.Equal(0, s.Sum);
        Assert.Empty(s.CumulativeBuckets);
        Assert.Null(s.CumulativeBucketsArray);
        Assert.Same(exemplars, s.ExemplarsArray);
        Assert.Equal([Trace], s.Exemplars);
        Assert.Null(s.Native);
        Assert.Equal(20, s.TimestampMs);
        Assert.Equal(3, s.CreatedSeconds);

        var bare = s.WithExemplars(null);
        Assert.Equal(7, bare.Value);
        Assert.Null(bare.ExemplarsArray);
        Assert.Empty(bare.Exemplars);
    }

    [Fact]
    public void A_histogram_has_count_and_sum_but_no_value()
    {
        long[] buckets = [1, 3, 6];
        var s = SeriesSnapshot.ForHistogram(["h"], buckets, 9.5, 30, 4);
        Assert.Equal(0, s.Value);
        Assert.Equal(6, s.Count);
        Assert.Equal(9.5, s.Sum);
        Assert.Same(buckets, s.CumulativeBucketsArray);
        Assert.Equal([1L, 3, 6], s.CumulativeBuckets);
        Assert.Empty(s.Exemplars);
        Assert.Null(s.ExemplarsArray);
        Assert.Null(s.Native);
        Assert.Equal(30, s.TimestampMs);
        Assert.Equal(4, s.CreatedSeconds);
    }

    [Fact]
    public void A_histogram_with_exemplars_keeps_buckets_count_and_sum()
    {
        long[] buckets = [1, 3, 6];
        ExemplarSnapshot?[] exemplars = [null, Trace, null];
        var s = SeriesSnapshot.ForHistogram(["h"], buckets, 9.5, 30, 4).WithExemplars(exemplars);
        Assert.Equal(0, s.Value);
        Assert.Equal(6, s.Count);
        Assert.Equal(9.5, s.Sum);
        Assert.Same(buckets, s.CumulativeBucketsArray);
        Assert.Same(exemplars, s.ExemplarsArray);
        Assert.Equal([null, Trace, null], s.Exemplars);
        Assert.Null(s.Native);
        Assert.Equal(30, s.TimestampMs);
        Assert.Equal(4, s.CreatedSeconds);

        var bare = s.WithExemplars(null);
        Assert.Same(buckets, bare.CumulativeBucketsArray);
        Assert.Equal(6, bare.Count);
        Assert.Equal(9.5, bare.Sum);
        Assert.Null(bare.ExemplarsArray);
    }

    [Fact]
    public void A_native_histogram_keeps_its_native_buckets_through_exemplar_changes()
    {
        long[] buckets = [2, 6];
        ExemplarSnapshot?[] exemplars = [Trace, null];
        var s = SeriesSnapshot.ForHistogram(["n"], buckets, -1.25, 40, 5).WithNative(Native);
        Assert.Equal(0, s.Value);
        Assert.Equal(6, s.Count);
        Assert.Equal(-1.25, s.Sum);
        Assert.Same(buckets, s.CumulativeBucketsArray);
        Assert.Same(Native, s.Native);
        Assert.Empty(s.Exemplars);
        Assert.Equal(40, s.TimestampMs);
        Assert.Equal(5, s.CreatedSeconds);

        var both = s.WithExemplars(exemplars);
        Assert.Same(Native, both.Native);
        Assert.Same(exemplars, both.ExemplarsArray);
        Assert.Equal(6, both.Count);
        Assert.Equal(-1.25, both.Sum);
        Assert.Equal(0, both.Value);

        var notNative = both.WithNative(null);
        Assert.Null(notNative.Native);
        Assert.Same(exemplars, notNative.ExemplarsArray);
        Assert.Same(buckets, notNative.CumulativeBucketsArray);

        var inOneStep = SeriesSnapshot.ForHistogram(["n"], buckets, -1.25).WithNativeAndExemplars(Native, exemplars);
        Assert.Same(Native, inOneStep.Native);
        Assert.Same(exemplars, inOneStep.ExemplarsArray);
        Assert.Equal(6, inOneStep.Count);
    }

    [Fact]
    public void A_summary_has_count_and_sum_but_no_value_even_with_exemplars()
    {
        ExemplarSnapshot?[] exemplars = [Trace];
        var s = SeriesSnapshot.ForSummary(["x"], 3, 4.5, 99, 1);
        Assert.Equal(0, s.Value);
        Assert.Equal(3, s.Count);
        Assert.Equal(4.5, s.Sum);
        Assert.Empty(s.CumulativeBuckets);
        Assert.Null(s.CumulativeBucketsArray);
        Assert.Empty(s.Exemplars);
        Assert.Null(s.Native);

        var withExemplars = s.WithExemplars(exemplars);
        Assert.Equal(0, withExemplars.Value);
        Assert.Equal(3, withExemplars.Count);
        Assert.Equal(4.5, withExemplars.Sum);
        Assert.Same(exemplars, withExemplars.ExemplarsArray);
        Assert.Equal(99, withExemplars.TimestampMs);
        Assert.Equal(1, withExemplars.CreatedSeconds);
        Assert.Null(withExemplars.WithExemplars(null).ExemplarsArray);
        Assert.Equal(3, withExemplars.WithExemplars(null).Count);
    }

    [Fact]
    public void Only_a_histogram_takes_native_buckets()
    {
        Assert.Equal(
            "Only a histogram series has native buckets.",
            Assert.Throws<InvalidOperationException>(() => SeriesSnapshot.ForValue([], 1).WithNative(Native)).Message);
        Assert.Equal(
            "Only a histogram series has native buckets.",
            Assert.Throws<InvalidOperationException>(() => SeriesSnapshot.ForSummary([], 1, 1).WithNative(Native)).Message);
        Assert.Equal(2.5, SeriesSnapshot.ForSummary([], 1, 2.5).WithNative(null).Sum);
    }

    [Fact]
    public void Other_label_values_keep_every_value()
    {
        ExemplarSnapshot?[] exemplars = [Trace, null];
        long[] buckets = [2, 6];
        var s = SeriesSnapshot.ForHistogram(["a"], buckets, 8, 50, 6).WithNative(Native).WithExemplars(exemplars).WithLabelValues(["b"]);
        Assert.Equal(["b"], s.LabelValues);
        Assert.Equal(6, s.Count);
        Assert.Equal(8, s.Sum);
        Assert.Same(buckets, s.CumulativeBucketsArray);
        Assert.Same(Native, s.Native);
        Assert.Same(exemplars, s.ExemplarsArray);
        Assert.Equal(50, s.TimestampMs);
        Assert.Equal(6, s.CreatedSeconds);
    }

    [Fact]
    public void Buckets_of_an_array_cast_from_ulong_are_still_a_histogram()
    {
        // The runtime lets a ulong[] pass as a long[]; its exact type is not long[].
        var buckets = (long[])(object)new ulong[] { 1, 4 };
        var s = SeriesSnapshot.ForHistogram(["u"], buckets, 2);
        Assert.Equal(4, s.Count);
        Assert.Equal(2, s.Sum);
        Assert.Equal(0, s.Value);
        Assert.Same(buckets, s.CumulativeBucketsArray);
    }

    [Fact]
    public void SameAs_compares_every_field_bit_for_bit()
    {
        var counter = SeriesSnapshot.ForValue(["a"], 1, 10, 2);
        Assert.True(counter.SameAs(SeriesSnapshot.ForValue(["a"], 1, 10, 2)));
        Assert.False(counter.SameAs(SeriesSnapshot.ForValue(["b"], 1, 10, 2)));
        Assert.False(counter.SameAs(SeriesSnapshot.ForValue(["a"], 2, 10, 2)));
        Assert.False(counter.SameAs(SeriesSnapshot.ForValue(["a"], 1, 11, 2)));
        Assert.False(counter.SameAs(SeriesSnapshot.ForValue(["a"], 1, 10, 3)));
        Assert.False(counter.SameAs(counter.WithExemplars([Trace])));
        Assert.True(counter.WithExemplars([Trace]).SameAs(counter.WithExemplars([Trace])));
        Assert.False(counter.WithExemplars([Trace]).SameAs(counter.WithExemplars([new ExemplarSnapshot([new("trace_id", "abd")], 0.5, 1_000)])));

        Assert.True(SeriesSnapshot.ForValue([], double.NaN).SameAs(SeriesSnapshot.ForValue([], double.NaN)));
        Assert.False(SeriesSnapshot.ForValue([], 0.0).SameAs(SeriesSnapshot.ForValue([], -0.0)));
        Assert.True(SeriesSnapshot.ForValue([], 1, createdSeconds: double.NaN).SameAs(SeriesSnapshot.ForValue([], 1, createdSeconds: double.NaN)));
        Assert.False(SeriesSnapshot.ForValue([], 1, createdSeconds: 0.0).SameAs(SeriesSnapshot.ForValue([], 1, createdSeconds: -0.0)));

        var summary = SeriesSnapshot.ForSummary(["s"], 3, 4.5);
        Assert.True(summary.SameAs(SeriesSnapshot.ForSummary(["s"], 3, 4.5)));
        Assert.False(summary.SameAs(SeriesSnapshot.ForSummary(["s"], 4, 4.5)));
        Assert.False(summary.SameAs(SeriesSnapshot.ForSummary(["s"], 3, 4.25)));
        Assert.True(SeriesSnapshot.ForSummary([], 1, double.NaN).SameAs(SeriesSnapshot.ForSummary([], 1, double.NaN)));
        Assert.False(SeriesSnapshot.ForSummary([], 1, 0.0).SameAs(SeriesSnapshot.ForSummary([], 1, -0.0)));

        // A summary's sum is not a value: a counter of 4.5 and a summary summing 4.5 differ.
        Assert.False(SeriesSnapshot.ForValue(["s"], 4.5).SameAs(SeriesSnapshot.ForSummary(["s"], 0, 4.5)));
        Assert.False(SeriesSnapshot.ForSummary(["s"], 0, 4.5).SameAs(SeriesSnapshot.ForValue(["s"], 4.5)));

        var histogram = SeriesSnapshot.ForHistogram(["h"], [1, 3], 2.5);
        Assert.True(histogram.SameAs(SeriesSnapshot.ForHistogram(["h"], [1, 3], 2.5)));
        Assert.False(histogram.SameAs(SeriesSnapshot.ForHistogram(["h"], [2, 3], 2.5)));
        Assert.False(histogram.SameAs(SeriesSnapshot.ForHistogram(["h"], [1, 4], 2.5)));
        Assert.False(histogram.SameAs(SeriesSnapshot.ForHistogram(["h"], [1, 3], 2.75)));
        Assert.False(histogram.SameAs(SeriesSnapshot.ForSummary(["h"], 3, 2.5)));
        Assert.False(histogram.SameAs(histogram.WithNative(Native)));
        Assert.True(histogram.WithNative(Native).SameAs(SeriesSnapshot.ForHistogram(["h"], [1, 3], 2.5).WithNative(NativeHistogramSnapshot.Create(0, 1e-9, 2, [new(1, 3), new(2, 1)]))));
        Assert.False(histogram.WithNative(Native).SameAs(histogram.WithNative(NativeHistogramSnapshot.Create(0, 1e-9, 3, [new(1, 3), new(2, 1)]))));
        Assert.False(histogram.SameAs(histogram.WithExemplars([null, Trace])));
        Assert.True(histogram.WithExemplars([null, Trace]).SameAs(histogram.WithExemplars([null, Trace])));
        Assert.False(SeriesSnapshot.ForHistogram([], [1], 0.0).SameAs(SeriesSnapshot.ForHistogram([], [1], -0.0)));
    }
}
