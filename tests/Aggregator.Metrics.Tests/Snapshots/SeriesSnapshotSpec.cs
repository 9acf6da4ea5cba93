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
}
